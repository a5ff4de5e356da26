/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test fixture for hvsim's host side: one device with one channel whose ring
 * pair has 4 KiB data areas, a guest that frames packets by hand, and byte
 * readers for guest rx. host_stubs.c has the hvsim_kernel_* stubs.
 */
#ifndef HOST_FIXTURE_H
#define HOST_FIXTURE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hvsim.h"
#include "host.h"

#define FX_DATA_BYTES	4096u			/* data area of each half */
#define FX_HALF_BYTES	(4096u + FX_DATA_BYTES)	/* header page + data */

static struct hvsim fx_sim;
static uint8_t *fx_rings;
static struct vmbus_ring_hdr *fx_tx;		/* guest tx: the test writes */
static struct vmbus_ring_hdr *fx_rx;		/* guest rx: the test reads */
extern unsigned int fx_interrupts;		/* hvsim_kernel_interrupt calls (host_stubs.c) */

static struct hvsim_channel *
fx_chan(void)
{
	return &fx_sim.dev[0].chan[0];
}

/* The host attaches a channel, taking its indexes, on the first poll. */
static struct host_counters *
fx_cnt(void)
{
	return &((struct host_chan *)fx_chan()->host)->cnt;
}

static void
fx_setup(enum hvsim_dev_kind kind)
{
	struct hvsim_device *dev = &fx_sim.dev[0];

	memset(&fx_sim, 0, sizeof(fx_sim));
	fx_rings = aligned_alloc(4096, 2 * FX_HALF_BYTES);
	memset(fx_rings, 0, 2 * FX_HALF_BYTES);
	fx_tx = (struct vmbus_ring_hdr *)fx_rings;
	fx_rx = (struct vmbus_ring_hdr *)(fx_rings + FX_HALF_BYTES);
	fx_tx->feature_bits = 1;		/* ring spec 1.2: what the kernel sets */
	fx_rx->feature_bits = 1;
	fx_interrupts = 0;
	fx_sim.nb_devices = 1;
	fx_sim.cfg.max_mtu = HVSIM_MAX_MTU;		/* hvsim's default */
	dev->kind = kind;
	dev->nb_channels = 1;
	dev->link_up = true;			/* as device_add sets it */
	dev->chan[0].dev = dev;
	dev->chan[0].open = true;
	dev->chan[0].ring_base = fx_rings;
	dev->chan[0].ring_bytes = 2 * FX_HALF_BYTES;
	host_device_open(&fx_sim, dev);
}

static void
fx_teardown(void)
{
	host_device_close(&fx_sim, &fx_sim.dev[0]);
	host_release(&fx_sim);
	free(fx_rings);
}

/* Set both indexes of a ring half (test plays whichever side it needs). */
static void
fx_set_indexes(struct vmbus_ring_hdr *hdr, uint32_t w, uint32_t r)
{
	hdr->write_index = w;
	hdr->read_index = r;
}

/* Copy into a data area at pos, wrapping at the end. */
static void
fx_put(struct vmbus_ring_hdr *hdr, uint32_t pos, const void *src, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		hdr->data[(pos + i) % FX_DATA_BYTES] = ((const uint8_t *)src)[i];
}

static uint64_t
fx_get(const struct vmbus_ring_hdr *hdr, uint32_t pos, unsigned int size)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < size; i++)
		v |= (uint64_t)hdr->data[(pos + i) % FX_DATA_BYTES] << (8 * i);
	return v;
}

/*
 * The guest sends one packet at its tx write index: descriptor, body (ext +
 * payload, body_len bytes), zeros to 8, trailer; then publishes. Returns the
 * bytes the packet took. data_offset8 and total_len8 are given raw so tests
 * can lie.
 */
static uint32_t
fx_guest_send_raw(uint16_t type, uint16_t doff8, uint16_t len8, uint16_t flags,
		  uint64_t xact, const void *body, uint32_t body_len)
{
	uint32_t w = fx_tx->write_index;
	uint8_t desc[16];
	uint64_t trailer = (uint64_t)w << 32;
	uint32_t padded = (body_len + 7) & ~7u;
	uint8_t zeros[8] = { 0 };

	memcpy(desc + 0, &type, 2);
	memcpy(desc + 2, &doff8, 2);
	memcpy(desc + 4, &len8, 2);
	memcpy(desc + 6, &flags, 2);
	memcpy(desc + 8, &xact, 8);
	fx_put(fx_tx, w, desc, 16);
	fx_put(fx_tx, w + 16, body, body_len);
	fx_put(fx_tx, w + 16 + body_len, zeros, padded - body_len);
	fx_put(fx_tx, w + 16 + padded, &trailer, 8);
	fx_tx->write_index = (w + 16 + padded + 8) % FX_DATA_BYTES;
	return 16 + padded + 8;
}

/* A well-formed packet with no extension. */
static uint32_t
fx_guest_send(uint16_t type, uint16_t flags, uint64_t xact, const void *payload, uint32_t len)
{
	return fx_guest_send_raw(type, 2, (uint16_t)(2 + (len + 7) / 8), flags, xact,
				 payload, len);
}

#endif /* HOST_FIXTURE_H */
