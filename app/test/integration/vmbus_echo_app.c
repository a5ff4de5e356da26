/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test application for the VMBus bus driver over hvsim's echo device: probes
 * devices through our bus, lists what it sees, and pushes channel packets
 * carrying a sequence number and a CRC through the echo, checking each one.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_malloc.h>
#include <rte_memory.h>

#include "rte_bus_vmbus.h"
#include "vmbus_wire.h"

#define ECHO_MAX_DEVICES	8
#define ECHO_MAX_PAYLOAD	4000u
#define ECHO_WINDOW		64	/* packets in flight */
#define ECHO_STALL_NS		(5ull * 1000 * 1000 * 1000)

static const rte_uuid_t echo_class = RTE_UUID_INIT(0x9c0d3a42, 0x7b1e, 0x4f6d, 0xa5c8,
						   0x2e9f1b7d4c60ULL);
static const rte_uuid_t nic_class = RTE_UUID_INIT(0xf8615163, 0xdf3e, 0x46c5, 0x913f,
						  0xf2d2f965ed0eULL);

static struct {
	uint64_t packets;
	unsigned int subchannels;
	bool list;
	bool irq;
	bool gpa;
	unsigned int irq_rounds;
} opt = { .packets = 1000000, .irq_rounds = 5 };

static struct rte_vmbus_device *devices[ECHO_MAX_DEVICES];
static unsigned int nb_devices;

/* Payload header: the judge is this CRC, computed here and checked on return. */
struct echo_hdr {
	uint64_t seq;
	uint32_t len;		/* payload bytes after this header */
	uint32_t crc;
};

static uint32_t crc_table[256];

static void
crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t
crc32_of(const uint8_t *p, uint32_t len)
{
	uint32_t c = 0xffffffffu;

	for (uint32_t i = 0; i < len; i++)
		c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint32_t
payload_len_for(uint64_t seq)
{
	uint32_t h = (uint32_t)(seq * 2654435761u);

	/* Mixed sizes so packets end all over the ring; one in 16 up to the max. */
	if ((seq & 15) == 0)
		return h % (ECHO_MAX_PAYLOAD - sizeof(struct echo_hdr));
	return h % 1500;
}

static void
fill_packet(uint8_t *buf, uint64_t seq)
{
	struct echo_hdr *h = (struct echo_hdr *)buf;
	uint8_t *body = buf + sizeof(*h);

	h->seq = seq;
	h->len = payload_len_for(seq);
	for (uint32_t i = 0; i < h->len; i++)
		body[i] = (uint8_t)(seq * 31 + i * 7);
	h->crc = crc32_of(body, h->len);
}

static int
check_packet(const uint8_t *buf, uint32_t len, uint64_t want_seq)
{
	const struct echo_hdr *h = (const struct echo_hdr *)buf;

	if (len < sizeof(*h) || h->len > len - sizeof(*h)) {
		printf("echo %" PRIu64 ": truncated (%u bytes)\n", want_seq, len);
		return -1;
	}
	if (h->seq != want_seq) {
		printf("echo: seq %" PRIu64 ", expected %" PRIu64 "\n", h->seq, want_seq);
		return -1;
	}
	if (crc32_of(buf + sizeof(*h), h->len) != h->crc) {
		printf("echo %" PRIu64 ": CRC mismatch\n", want_seq);
		return -1;
	}
	return 0;
}

/* Send seq inband, or by GPA: header inline, body through page ranges. */
static int
send_one(struct vmbus_channel *chan, uint8_t *buf, rte_iova_t iova, uint64_t seq)
{
	const struct echo_hdr *h = (const struct echo_hdr *)buf;
	uint32_t body = h->len, off = sizeof(*h);
	struct vmbus_gpa sg[4];
	uint32_t nb = 0;

	if (!opt.gpa || body == 0)
		return rte_vmbus_chan_send(chan, VMBUS_CHANPKT_TYPE_INBAND, buf, off + body,
					   seq, 0, NULL);
	while (body > 0) {
		rte_iova_t a = iova + off;
		uint32_t in_page = VMBUS_PAGE_BYTES - (uint32_t)(a % VMBUS_PAGE_BYTES);
		uint32_t n = body < in_page ? body : in_page;

		sg[nb++] = (struct vmbus_gpa){ .len = n, .ofs = (uint32_t)(a % VMBUS_PAGE_BYTES),
					       .page = a / VMBUS_PAGE_BYTES };
		off += n;
		body -= n;
	}
	return rte_vmbus_chan_send_sglist(chan, sg, nb, buf, sizeof(*h), seq, NULL);
}

struct echo_stream {
	struct vmbus_channel *chan;
	uint8_t *tx_buf[ECHO_WINDOW];	/* one per slot: GPA bodies must stay put */
	rte_iova_t tx_iova[ECHO_WINDOW];
	uint8_t rx_buf[ECHO_MAX_PAYLOAD + 64];
	uint64_t sent, received;
};

static int
stream_init(struct echo_stream *s, struct vmbus_channel *chan)
{
	memset(s, 0, sizeof(*s));
	s->chan = chan;
	for (int i = 0; i < ECHO_WINDOW; i++) {
		s->tx_buf[i] = rte_malloc("echo_tx", ECHO_MAX_PAYLOAD, VMBUS_PAGE_BYTES);
		if (s->tx_buf[i] == NULL)
			return -ENOMEM;
		s->tx_iova[i] = rte_malloc_virt2iova(s->tx_buf[i]);
	}
	return 0;
}

static void
stream_free(struct echo_stream *s)
{
	for (int i = 0; i < ECHO_WINDOW; i++)
		rte_free(s->tx_buf[i]);
}

static int
stream_send(struct echo_stream *s)
{
	while (s->sent < opt.packets && s->sent - s->received < ECHO_WINDOW) {
		unsigned int slot = s->sent % ECHO_WINDOW;
		int ret;

		fill_packet(s->tx_buf[slot], s->sent);
		ret = send_one(s->chan, s->tx_buf[slot], s->tx_iova[slot], s->sent);
		if (ret == -EAGAIN)
			return 0;
		if (ret < 0) {
			printf("send %" PRIu64 " failed: %s\n", s->sent, strerror(-ret));
			return ret;
		}
		s->sent++;
	}
	return 0;
}

/*
 * Returns echoes received, or -1 on a bad one. GPA-direct sends ask for a
 * completion, which the host sends ahead of the echo: skip those.
 */
static int
stream_receive(struct echo_stream *s)
{
	const struct vmbus_chanpkt_hdr *hdr = (const void *)s->rx_buf;
	int got = 0;

	for (;;) {
		uint32_t len = sizeof(s->rx_buf), off;
		int ret = rte_vmbus_chan_recv_raw(s->chan, s->rx_buf, &len);

		if (ret == -EAGAIN)
			return got;
		if (ret < 0) {
			printf("receive failed: %s\n", strerror(-ret));
			return -1;
		}
		if (hdr->type == VMBUS_CHANPKT_TYPE_COMP)
			continue;
		off = (uint32_t)hdr->data_offset8 * 8;
		if (hdr->type != VMBUS_CHANPKT_TYPE_INBAND || hdr->xact_id != s->received ||
		    check_packet(s->rx_buf + off, len - off, s->received) < 0) {
			printf("bad echo: type %#x xact %" PRIu64 " for seq %" PRIu64 "\n",
			       hdr->type, hdr->xact_id, s->received);
			return -1;
		}
		s->received++;
		got++;
	}
}

static int
run_stream(struct vmbus_channel *chan, const char *what)
{
	struct echo_stream *s = rte_zmalloc("echo_stream", sizeof(*s), 0);
	uint64_t start = now_ns(), last_progress = start;
	int ret = -1;

	if (s == NULL || stream_init(s, chan) < 0)
		goto out;
	while (s->received < opt.packets) {
		int got;

		if (stream_send(s) < 0)
			goto out;
		got = stream_receive(s);
		if (got < 0)
			goto out;
		if (got > 0)
			last_progress = now_ns();
		else if (now_ns() - last_progress > ECHO_STALL_NS) {
			printf("%s: host stopped answering after %" PRIu64 " packets\n",
			       what, s->received);
			goto out;
		}
	}
	printf("%s: %" PRIu64 " packets echoed and verified in %.2f s%s\n", what,
	       s->received, (now_ns() - start) / 1e9, opt.gpa ? " (GPA bodies)" : "");
	ret = 0;
out:
	if (s != NULL)
		stream_free(s);
	rte_free(s);
	return ret;
}

static double
cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* With the ring masked, the echo arrives but no interrupt may come with it. */
static int
run_irq_masked(struct rte_vmbus_device *dev, struct vmbus_channel *chan)
{
	struct echo_hdr h = { .seq = 99, .len = 0, .crc = crc32_of(NULL, 0) };
	struct pollfd pfd = { .fd = rte_intr_fd_get(dev->intr_handle), .events = POLLIN };
	uint64_t deadline = now_ns() + ECHO_STALL_NS;
	uint8_t buf[256];
	uint32_t len = sizeof(buf);
	uint64_t xact;
	int ret;

	rte_vmbus_chan_rx_intr_disable(chan);
	if (rte_vmbus_chan_send(chan, VMBUS_CHANPKT_TYPE_INBAND, &h, sizeof(h), 99, 0,
				NULL) < 0)
		return -1;
	while ((ret = rte_vmbus_chan_recv(chan, buf, &len, &xact)) == -EAGAIN &&
	       now_ns() < deadline)
		usleep(1000);
	if (ret < 0 || xact != 99) {
		printf("irq masked: echo missing\n");
		return -1;
	}
	if (poll(&pfd, 1, 300) != 0) {
		printf("irq masked: interrupt raised although the ring was masked\n");
		return -1;
	}
	printf("irq masked: echo arrived, no interrupt\n");
	return 0;
}

/*
 * Sleep in the uio fd for each echo: the host raises the interrupt only
 * because we unmasked the ring. CPU time over the waits must stay tiny.
 */
static int
run_irq(struct rte_vmbus_device *dev, struct vmbus_channel *chan)
{
	uint8_t buf[256];
	double cpu0 = cpu_seconds();
	uint64_t t0 = now_ns();

	if (rte_vmbus_irq_enable(dev) < 0)
		return -1;
	for (unsigned int i = 0; i < opt.irq_rounds; i++) {
		uint32_t count, len = sizeof(buf);
		uint64_t xact;

		struct echo_hdr h = { .seq = i, .len = 0, .crc = crc32_of(NULL, 0) };

		rte_vmbus_chan_rx_intr_enable(chan);
		if (rte_vmbus_chan_send(chan, VMBUS_CHANPKT_TYPE_INBAND, &h, sizeof(h), i, 0,
					NULL) < 0)
			return -1;
		if (rte_vmbus_irq_read(dev, &count) < 0) {
			printf("irq: read of the uio fd failed\n");
			return -1;
		}
		if (rte_vmbus_chan_recv(chan, buf, &len, &xact) < 0 || xact != i ||
		    check_packet(buf, len, i) < 0) {
			printf("irq: woken (count %u) but echo %u missing\n", count, i);
			return -1;
		}
		rte_vmbus_irq_enable(dev);	/* old kernels re-mask on each interrupt */
	}
	printf("irq: %u interrupts in %.3f s wall, %.3f s CPU\n", opt.irq_rounds,
	       (now_ns() - t0) / 1e9, cpu_seconds() - cpu0);
	return run_irq_masked(dev, chan);
}

static void
list_device(struct rte_vmbus_device *dev)
{
	static const char *const map_names[] = {
		"txrx_rings", "int_page", "monitor_page", "recv_buf", "send_buf"
	};
	char cls[37];

	rte_uuid_unparse(dev->class_id, cls, sizeof(cls));
	printf("device %s class %s (%s) relid %u monitor %u uio%d numa %d\n",
	       dev->device.name, cls,
	       rte_uuid_compare(dev->class_id, nic_class) == 0 ? "synthetic NIC" : "echo",
	       dev->relid, dev->monitor_id, dev->uio_num, dev->device.numa_node);
	for (unsigned int k = 0; k < dev->nb_resources; k++)
		printf("  map%u %-12s %10" PRIu64 " bytes at %p%s\n", k, map_names[k],
		       dev->resource[k].bytes, dev->resource[k].addr,
		       dev->resource[k].gpadl ? " (GPADL set)" : "");
	printf("  channels: up to %d\n", rte_vmbus_max_channels(dev));
}

static int
echo_probe(struct rte_vmbus_driver *drv, struct rte_vmbus_device *dev)
{
	(void)drv;
	if (nb_devices == ECHO_MAX_DEVICES)
		return -ENOSPC;
	devices[nb_devices++] = dev;
	return 0;
}

static const rte_uuid_t echo_ids[] = { RTE_UUID_INIT(0x9c0d3a42, 0x7b1e, 0x4f6d, 0xa5c8,
						      0x2e9f1b7d4c60ULL),
				       RTE_UUID_INIT(0xf8615163, 0xdf3e, 0x46c5, 0x913f,
						     0xf2d2f965ed0eULL),
				       { 0 } };

static struct rte_vmbus_driver echo_driver = {
	.probe = echo_probe,
	.id_table = echo_ids,
};
RTE_PMD_REGISTER_VMBUS(vmbus_echo_test, echo_driver);

static int
open_subchannel(struct vmbus_channel *primary, struct vmbus_channel **sub)
{
	uint64_t deadline = now_ns() + 5ull * 1000 * 1000 * 1000;
	int ret;

	do {
		ret = rte_vmbus_subchan_open(primary, sub);
		if (ret != -ENOENT)
			return ret;
		usleep(10000);
	} while (now_ns() < deadline);
	return -ETIMEDOUT;
}

static int
run_device(struct rte_vmbus_device *dev)
{
	struct vmbus_channel *chan, *sub;
	int ret;

	if (opt.list)
		list_device(dev);
	if (rte_uuid_compare(dev->class_id, echo_class) != 0)
		return 0;
	ret = rte_vmbus_chan_open(dev, &chan);
	if (ret < 0) {
		printf("%s: channel open failed: %s\n", dev->device.name, strerror(-ret));
		return -1;
	}
	if (opt.list)
		printf("  primary channel relid %u open\n", rte_vmbus_chan_relid(chan));
	if (opt.irq)
		return run_irq(dev, chan);
	if (!opt.list && run_stream(chan, "primary") < 0)
		return -1;
	for (unsigned int i = 0; i < opt.subchannels; i++) {
		ret = open_subchannel(chan, &sub);
		if (ret < 0) {
			printf("subchannel %u: %s\n", i + 1, strerror(-ret));
			return -1;
		}
		printf("  subchannel %u relid %u open\n", rte_vmbus_sub_channel_index(sub),
		       rte_vmbus_chan_relid(sub));
		if (!opt.list && run_stream(sub, "subchannel") < 0)
			return -1;
	}
	return 0;
}

static int
parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "packets", required_argument, NULL, 'n' },
		{ "subchannels", required_argument, NULL, 's' },
		{ "list", no_argument, NULL, 'l' },
		{ "irq", no_argument, NULL, 'i' },
		{ "gpa", no_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': opt.packets = strtoull(optarg, NULL, 0); break;
		case 's': opt.subchannels = (unsigned int)atoi(optarg); break;
		case 'l': opt.list = true; break;
		case 'i': opt.irq = true; break;
		case 'g': opt.gpa = true; break;
		default: return -1;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	int ret = rte_eal_init(argc, argv);
	int failed = 0;

	if (ret < 0) {
		printf("EAL init failed\n");
		return 1;
	}
	if (parse_args(argc - ret, argv + ret) < 0) {
		printf("usage: vmbus_echo_app EAL-args -- [--list] [--packets N] "
		       "[--subchannels N] [--gpa] [--irq]\n");
		return 1;
	}
	crc_init();
	printf("probed %u device(s), IOVA mode %s\n", nb_devices,
	       rte_eal_iova_mode() == RTE_IOVA_PA ? "PA" : "VA");
	for (unsigned int i = 0; i < nb_devices; i++)
		if (run_device(devices[i]) < 0)
			failed++;
	rte_eal_cleanup();
	return failed ? 1 : 0;
}
