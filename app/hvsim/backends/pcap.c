/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The `pcap:<in>[,<out>]` backend: the frames of capture <in> go to the guest
 * once, in file order, as fast as it takes them; every frame the guest sends
 * is appended to capture <out> (classic pcap, microsecond timestamps). Either
 * file may be left out ("pcap:in", "pcap:,out"). The input is loaded and
 * checked whole at open (pcap_file.c), so replay costs no syscall per frame.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "pcap_file.h"

#define PCAP_MIN_FRAME_BYTES	14u	/* an Ethernet header */

struct pcap_backend {
	bool has_in, has_out;
	struct pcap_reader in;
	struct pcap_writer out;
	char in_path[256], out_path[256];
	struct hvsim_frame next;
	bool ready;			/* next holds the frame peek handed out */
	bool held;			/* ",hold": replay waits for `hvsim ctl gen NIC start` */
	uint64_t replayed;
	uint64_t skipped;		/* records that are no frame the NIC could carry */
};

static int pcap_split_files(struct pcap_backend *pb, const char *args);

/* "IN[,OUT][,hold]": a trailing ",hold" word, then the file names. */
static int
pcap_split_args(struct pcap_backend *pb, const char *args)
{
	size_t len = args != NULL ? strlen(args) : 0;
	char files[600];

	if (len >= 5 && strcmp(args + len - 5, ",hold") == 0 && len - 5 < sizeof(files)) {
		memcpy(files, args, len - 5);
		files[len - 5] = '\0';
		pb->held = true;
		return pcap_split_files(pb, files);
	}
	return pcap_split_files(pb, args);
}

static int
pcap_split_files(struct pcap_backend *pb, const char *args)
{
	const char *comma = args != NULL ? strchr(args, ',') : NULL;
	size_t in_len = comma != NULL ? (size_t)(comma - args) : (args != NULL ? strlen(args) : 0);
	const char *out = comma != NULL ? comma + 1 : "";

	if (in_len == 0 && out[0] == '\0') {
		fprintf(stderr, "hvsim: pcap needs files: pcap:IN[,OUT][,hold] or pcap:,OUT\n");
		return -EINVAL;
	}
	if (in_len >= sizeof(pb->in_path) || strlen(out) >= sizeof(pb->out_path) ||
	    strchr(out, ',') != NULL) {
		fprintf(stderr, "hvsim: pcap: bad file names '%s' (no commas, < 256 bytes)\n",
			args);
		return -EINVAL;
	}
	memcpy(pb->in_path, args != NULL ? args : "", in_len);
	pb->in_path[in_len] = '\0';
	strcpy(pb->out_path, out);
	pb->has_in = in_len != 0;
	pb->has_out = out[0] != '\0';
	return 0;
}

static int
pcap_open(struct hvsim_backend *be, const char *args)
{
	struct pcap_backend *pb = calloc(1, sizeof(*pb));
	int ret;

	if (pb == NULL)
		return -ENOMEM;
	ret = pcap_split_args(pb, args);
	if (ret == 0 && pb->has_in)
		ret = pcap_reader_open(&pb->in, pb->in_path);
	if (ret == 0 && pb->has_out) {
		ret = pcap_writer_open(&pb->out, pb->out_path);
		if (ret != 0 && pb->has_in)
			pcap_reader_close(&pb->in);
	}
	if (ret != 0) {
		free(pb);
		return ret;
	}
	be->priv = pb;
	return 0;
}

static void
pcap_transmit(struct hvsim_backend *be, const uint8_t *frame, uint32_t len)
{
	struct pcap_backend *pb = be->priv;
	struct timespec ts;

	if (!pb->has_out)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);	/* vDSO: no syscall */
	pcap_writer_add(&pb->out, frame, len,
			(uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u);
}

static const struct hvsim_frame *
pcap_peek(struct hvsim_backend *be)
{
	struct pcap_backend *pb = be->priv;
	const uint8_t *data;
	uint32_t len;

	if (pb->ready)
		return &pb->next;
	if (!pb->has_in || pb->held)
		return NULL;
	while (pcap_reader_next(&pb->in, &data, &len)) {
		if (len < PCAP_MIN_FRAME_BYTES || len > HVSIM_FRAME_MAX_BYTES) {
			pb->skipped++;
			continue;
		}
		pb->next = (struct hvsim_frame){ .data = data, .len = len,
						 .csum = HVSIM_CSUM_UNKNOWN };
		pb->ready = true;
		return &pb->next;
	}
	return NULL;
}

static void
pcap_consume(struct hvsim_backend *be)
{
	struct pcap_backend *pb = be->priv;

	if (pb->ready) {
		pb->ready = false;
		pb->replayed++;
	}
}

static void
pcap_report(struct hvsim_backend *be, FILE *out)
{
	const struct pcap_backend *pb = be->priv;

	if (pb->has_in)
		fprintf(out, "hvsim: nic%u pcap: replayed %" PRIu64 " of %" PRIu64
			" frames from %s (skipped %" PRIu64 ")\n", be->nic_index, pb->replayed,
			pb->in.nb_frames, pb->in_path, pb->skipped);
	if (pb->has_out)
		fprintf(out, "hvsim: nic%u pcap: wrote %" PRIu64 " frames to %s (lost %" PRIu64
			")\n", be->nic_index, pb->out.nb_frames, pb->out_path, pb->out.nb_errors);
}

static void
pcap_close(struct hvsim_backend *be)
{
	struct pcap_backend *pb = be->priv;

	if (pb == NULL)
		return;
	if (pb->has_in)
		pcap_reader_close(&pb->in);
	if (pb->has_out && pcap_writer_close(&pb->out) != 0)
		fprintf(stderr, "hvsim: nic%u pcap: writing %s failed\n", be->nic_index,
			pb->out_path);
	free(pb);
	be->priv = NULL;
}

static void
pcap_hold(struct hvsim_backend *be, bool held)
{
	struct pcap_backend *pb = be->priv;

	pb->held = held;
}

const struct hvsim_backend_ops hvsim_backend_pcap = {
	.name = "pcap",
	.open = pcap_open,
	.transmit = pcap_transmit,
	.peek = pcap_peek,
	.consume = pcap_consume,
	.hold = pcap_hold,
	.report = pcap_report,
	.close = pcap_close,
};
