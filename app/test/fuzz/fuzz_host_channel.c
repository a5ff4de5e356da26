/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for hvsim's host gate (app/hvsim/host): the input plays a
 * hostile guest owning a channel's tx ring contents and every guest-written
 * index, on an echo or a NIC device. Checks what the host writes back.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hvsim.h"
#include "host.h"

#define FUZZ_DATA_BYTES		1024u
#define FUZZ_HALF_BYTES		(VMBUS_RING_HDR_BYTES + FUZZ_DATA_BYTES)
#define FUZZ_POLLS		4
#define FUZZ_MEM_GPA		0x100000ull
#define FUZZ_MEM_BYTES		(2u * 4096)
#define FUZZ_RECV_BUF_BYTES	(3u * 1728 + 7)	/* three receive slots and a tail */
#define FUZZ_SEND_BUF_BYTES	(2u * 6144)	/* two send sections */

/* How the input is laid out; the guest tx data area follows it. */
struct fuzz_input {
	uint8_t kind;				/* bit 0: echo, else NIC */
	uint8_t drain;				/* bit p: guest drains rx before poll p */
	uint16_t unused;
	uint32_t tx_write_index[FUZZ_POLLS];	/* the guest's, set before each poll */
	uint32_t rx_read_index[FUZZ_POLLS];
	uint32_t tx_read_index;			/* host-owned, adopted at attach */
	uint32_t rx_write_index;
	uint32_t rx_interrupt_mask;
	uint32_t tx_pending_send;
	uint32_t tx_feature_bits;
};

static struct hvsim sim;
static uint8_t *guest_mem;

static void
check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

void
hvsim_kernel_interrupt(struct hvsim *s, struct hvsim_channel *ch)
{
	(void)s;
	ch->interrupts_to_guest++;
}

/* No subchannels here (test_host_rss.c offers them). */
unsigned int
hvsim_kernel_offer_subchannels(struct hvsim *sim, struct hvsim_device *dev, unsigned int nb)
{
	(void)sim;
	(void)dev;
	(void)nb;
	return 0;
}

void *
hvsim_guest_mem(struct hvsim *s, uint64_t gpa, uint32_t len)
{
	(void)s;
	if (gpa < FUZZ_MEM_GPA || gpa - FUZZ_MEM_GPA > FUZZ_MEM_BYTES ||
	    len > FUZZ_MEM_BYTES - (gpa - FUZZ_MEM_GPA))
		return NULL;
	return guest_mem + (gpa - FUZZ_MEM_GPA);
}

static uint64_t
rx_get(const struct vmbus_ring_hdr *rx, uint32_t pos, unsigned int size)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < size; i++)
		v |= (uint64_t)rx->data[(pos + i) % FUZZ_DATA_BYTES] << (8 * i);
	return v;
}

/* Walk what the host wrote between from and to: only well-framed replies (ring spec 2). */
static void
check_rx_packets(const struct vmbus_ring_hdr *rx, uint32_t from, uint32_t to)
{
	uint32_t left = (to + FUZZ_DATA_BYTES - from) % FUZZ_DATA_BYTES;
	uint32_t pos = from;

	while (left > 0) {
		uint32_t type = (uint32_t)rx_get(rx, pos, 2);
		uint32_t len = (uint32_t)rx_get(rx, pos + 4, 2) * 8;

		check(type == VMBUS_CHANPKT_TYPE_INBAND || type == VMBUS_CHANPKT_TYPE_COMP);
		check(rx_get(rx, pos + 2, 2) == 2);
		check(rx_get(rx, pos + 6, 2) == 0);
		check(len >= 16 && len + 8 <= left);
		check(rx_get(rx, pos + len, 8) == (uint64_t)pos << 32);
		pos = (pos + len + 8) % FUZZ_DATA_BYTES;
		left -= len + 8;
	}
}

static void
fuzz_poll(const struct fuzz_input *in, unsigned int p, struct vmbus_ring_hdr *tx,
	  struct vmbus_ring_hdr *rx)
{
	uint32_t before = rx->write_index;

	tx->write_index = in->tx_write_index[p];
	rx->read_index = (in->drain >> p) & 1 ? before : in->rx_read_index[p];
	host_poll(&sim);
	check(tx->read_index < FUZZ_DATA_BYTES && tx->read_index % 8 == 0);
	check(rx->write_index < FUZZ_DATA_BYTES && rx->write_index % 8 == 0);
	if (before < FUZZ_DATA_BYTES && before % 8 == 0)
		check_rx_packets(rx, before, rx->write_index);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;
	struct hvsim_device *dev = &sim.dev[0];
	struct hvsim_backend loop;
	uint8_t *rings, *bufs;
	struct vmbus_ring_hdr *tx, *rx;
	size_t body;

	if (size < sizeof(in))
		return 0;
	memcpy(&in, data, sizeof(in));
	body = size - sizeof(in) < FUZZ_DATA_BYTES ? size - sizeof(in) : FUZZ_DATA_BYTES;
	rings = calloc(1, 2 * FUZZ_HALF_BYTES);		/* exact size: ASan sees overruns */
	guest_mem = malloc(FUZZ_MEM_BYTES);
	bufs = calloc(1, FUZZ_RECV_BUF_BYTES + FUZZ_SEND_BUF_BYTES);
	check(rings != NULL && guest_mem != NULL && bufs != NULL);
	memset(guest_mem, 0x5a, FUZZ_MEM_BYTES);
	tx = (struct vmbus_ring_hdr *)rings;
	rx = (struct vmbus_ring_hdr *)(rings + FUZZ_HALF_BYTES);
	memcpy(tx->data, data + sizeof(in), body);
	tx->read_index = in.tx_read_index;
	tx->pending_send_bytes = in.tx_pending_send;
	tx->feature_bits = in.tx_feature_bits;
	rx->write_index = in.rx_write_index;
	rx->interrupt_mask = in.rx_interrupt_mask;

	memset(&sim, 0, sizeof(sim));
	sim.nb_devices = 1;
	dev->kind = (in.kind & 1) ? HVSIM_DEV_ECHO : HVSIM_DEV_NIC;
	dev->nb_channels = 1;
	/* GPADL 0 for both buffers: the NIC's receive/send buffer path is reachable. */
	dev->map_base[HVSIM_MAP_RECV_BUF] = bufs;
	dev->map_bytes[HVSIM_MAP_RECV_BUF] = FUZZ_RECV_BUF_BYTES;
	dev->map_base[HVSIM_MAP_SEND_BUF] = bufs + FUZZ_RECV_BUF_BYTES;
	dev->map_bytes[HVSIM_MAP_SEND_BUF] = FUZZ_SEND_BUF_BYTES;
	dev->chan[0].dev = dev;
	dev->chan[0].open = true;
	dev->chan[0].ring_base = rings;
	dev->chan[0].ring_bytes = 2 * FUZZ_HALF_BYTES;
	host_device_open(&sim, dev);
	/* The NIC's frames loop back, so guest data reaches the receive path too. */
	if (dev->kind == HVSIM_DEV_NIC) {
		check(hvsim_backend_open(&loop, &sim, dev, "loop") == 0);
		dev->backend_state = &loop;
		((struct host_dev *)dev->host)->rndis.packet_filter = RNDIS_FILTER_PROMISCUOUS;
	}
	for (unsigned int p = 0; p < FUZZ_POLLS; p++)
		fuzz_poll(&in, p, tx, rx);
	host_device_close(&sim, dev);
	if (dev->backend_state != NULL)
		hvsim_backend_close(&loop);
	host_release(&sim);
	free(guest_mem);
	free(bufs);
	free(rings);
	return 0;
}
