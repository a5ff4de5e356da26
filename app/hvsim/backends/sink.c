/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The `sink` backend: sends the guest nothing and counts what the guest
 * sends, checking frame.h test frames by sequence and CRC and other frames
 * (testpmd txonly, the guest's own traffic) by header sanity and checksums.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "backend.h"
#include "frame.h"

struct sink {
	uint64_t frames;
	uint64_t ours, corrupt;
	uint64_t foreign, foreign_bad;
	struct frame_track track;
};

static int
sink_open(struct hvsim_backend *be, const char *args)
{
	if (args != NULL && args[0] != '\0') {
		fprintf(stderr, "hvsim: sink takes no options (got '%s')\n", args);
		return -EINVAL;
	}
	be->priv = calloc(1, sizeof(struct sink));
	return be->priv != NULL ? 0 : -ENOMEM;
}

static void
sink_transmit(struct hvsim_backend *be, const uint8_t *frame, uint32_t len)
{
	struct sink *s = be->priv;
	uint32_t flow;
	uint64_t seq;

	s->frames++;
	switch (frame_verify(frame, len, &flow, &seq)) {
	case FRAME_OURS_GOOD:
		s->ours++;
		frame_track_seq(&s->track, flow, seq);
		break;
	case FRAME_OURS_BAD_L4_CSUM:
	case FRAME_OURS_CORRUPT:
		s->ours++;
		s->corrupt++;
		break;
	case FRAME_FOREIGN:
		s->foreign++;
		s->foreign_bad += !frame_foreign_ok(frame, len);
		break;
	}
}

static const struct hvsim_frame *
sink_peek(struct hvsim_backend *be)
{
	(void)be;
	return NULL;
}

static void
sink_consume(struct hvsim_backend *be)
{
	(void)be;
}

static void
sink_report(struct hvsim_backend *be, FILE *out)
{
	const struct sink *s = be->priv;

	fprintf(out, "sink: frames %" PRIu64 ", ours %" PRIu64 " (lost %" PRIu64 ", reordered %"
		PRIu64 ", corrupt %" PRIu64 "), foreign %" PRIu64 " (bad checksum %" PRIu64 ")\n",
		s->frames, s->ours, s->track.lost, s->track.reordered, s->corrupt, s->foreign,
		s->foreign_bad);
}

static void
sink_close(struct hvsim_backend *be)
{
	free(be->priv);
	be->priv = NULL;
}

const struct hvsim_backend_ops hvsim_backend_sink = {
	.name = "sink",
	.open = sink_open,
	.transmit = sink_transmit,
	.peek = sink_peek,
	.consume = sink_consume,
	.report = sink_report,
	.close = sink_close,
};
