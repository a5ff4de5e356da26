/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Faults a test arms on a NIC: which ones (set, clear, print) and what each
 * does when it fires, behind the few hooks host.h lists. Everything else in
 * host/ behaves as the spec says; this file is where hvsim misbehaves.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nvsp_wire.h"
#include "host.h"

/* bad-ring-index: how long the bad index stays before the sane one returns. */
#define FAULT_RING_BAD_NS	(200ull * 1000 * 1000)
/* oversized: the RNDIS message of the one transfer (a frame no MTU allows). */
#define FAULT_OVERSIZED_BYTES	(64u * 1024)
/* malformed-rx: the frame inside, a 60-byte broadcast of a local ethertype. */
#define FAULT_FRAME_BYTES	60u
#define FAULT_MAX_COUNT		1000000u

static const char *const fault_names[HVSIM_FAULT_MAX] = {
	[HVSIM_FAULT_WITHHOLD_COMPLETIONS] = "withhold-completions",
	[HVSIM_FAULT_LATE_COMPLETIONS] = "late-completions",
	[HVSIM_FAULT_WITHHOLD_CONTROL] = "withhold-control",
	[HVSIM_FAULT_LATE_CONTROL] = "late-control",
	[HVSIM_FAULT_MALFORMED_RX] = "malformed-rx",
	[HVSIM_FAULT_OVERSIZED] = "oversized",
	[HVSIM_FAULT_BAD_RING_INDEX] = "bad-ring-index",
	[HVSIM_FAULT_BAD_COMPLETION_ID] = "bad-completion-id",
	[HVSIM_FAULT_REVOKE_BUFFERS] = "revoke-buffers",
};

/* The malformed-rx variants, in the order they rotate. */
enum fault_malformed {
	MALFORMED_RANGE_OUTSIDE,	/* range past the end of the receive buffer */
	MALFORMED_RANGE_COUNT_ZERO,
	MALFORMED_RANGE_COUNT_HUGE,	/* more ranges than the packet holds */
	MALFORMED_RNDIS_LENGTH,		/* RNDIS length past the range */
	MALFORMED_PPI_OFFSET,		/* PPI area past the RNDIS message */
	MALFORMED_PAGESET_ID,		/* not the id the guest gave its buffer */
	MALFORMED_MAX
};

static uint64_t
fault_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static struct hvsim_faults *
fault_of(const struct host_ctx *ctx)
{
	return &ctx->ch->dev->fault;
}

/* ---- selection ---- */

int
host_fault_set(struct hvsim_faults *f, const char *kind, const char *arg, char *err,
	       size_t errlen)
{
	bool needs_ms, needs_count;
	unsigned long long v = 0;
	char *end;
	int k;

	for (k = 0; k < HVSIM_FAULT_MAX; k++)
		if (strcmp(kind, fault_names[k]) == 0)
			break;
	if (k == HVSIM_FAULT_MAX) {
		snprintf(err, errlen, "unknown fault '%s'", kind);
		return -EINVAL;
	}
	needs_ms = k == HVSIM_FAULT_LATE_COMPLETIONS || k == HVSIM_FAULT_LATE_CONTROL;
	needs_count = k == HVSIM_FAULT_MALFORMED_RX;
	if ((needs_ms || needs_count) != (arg != NULL)) {
		snprintf(err, errlen, "%s %s", kind, arg == NULL ? "needs an argument" :
			 "takes no argument");
		return -EINVAL;
	}
	if (arg != NULL) {
		v = strtoull(arg, &end, 10);
		if (end == arg || *end != '\0' || v == 0 ||
		    v > (needs_ms ? HVSIM_FAULT_MAX_DELAY_MS : FAULT_MAX_COUNT)) {
			snprintf(err, errlen, "%s: bad argument '%s' (1..%u)", kind, arg,
				 needs_ms ? HVSIM_FAULT_MAX_DELAY_MS : FAULT_MAX_COUNT);
			return -EINVAL;
		}
	}
	f->armed[k] = true;
	f->arg[k] = (uint32_t)v;
	return 0;
}

void
host_fault_clear(struct hvsim_faults *f)
{
	memset(f->armed, 0, sizeof(f->armed));
	memset(f->arg, 0, sizeof(f->arg));
}

void
host_fault_write(const struct hvsim_faults *f, const char *prefix, FILE *out)
{
	for (unsigned int k = 0; k < HVSIM_FAULT_MAX; k++) {
		if (!f->armed[k] && f->fired[k] == 0)
			continue;
		fprintf(out, "%s fault %s %s %u fired %llu\n", prefix, fault_names[k],
			f->armed[k] ? "armed" : "cleared", f->arg[k],
			(unsigned long long)f->fired[k]);
	}
}

/* ---- completions: late, withheld, unknown and duplicate ---- */

bool
host_fault_pending(const struct host_ctx *ctx)
{
	const struct host_dev *hd = ctx->dev;
	uint16_t idx = (uint16_t)(ctx->ch - ctx->ch->dev->chan);

	for (uint32_t i = 0; i < hd->nb_deferred; i++)
		if (hd->deferred[i].chan_idx == idx)
			return true;
	return false;
}

static bool
fault_deferred_due(const struct hvsim_faults *f, const struct host_deferred *d, uint64_t now)
{
	if (d->withheld)
		return !f->armed[HVSIM_FAULT_WITHHOLD_COMPLETIONS];
	return d->due_ns <= now;
}

unsigned int
host_fault_flush(struct host_ctx *ctx)
{
	struct host_dev *hd = ctx->dev;
	struct hvsim_faults *f = fault_of(ctx);
	uint16_t idx = (uint16_t)(ctx->ch - ctx->ch->dev->chan);
	struct nvsp_rndis_pkt_complete reply;
	uint64_t now = fault_now_ns();
	uint32_t kept = 0, nb = 0;
	bool blocked = false;

	memset(&reply, 0, sizeof(reply));
	reply.msg_type = NVSP_MSG1_TYPE_SEND_RNDIS_PKT_COMPLETE;
	for (uint32_t i = 0; i < hd->nb_deferred; i++) {
		struct host_deferred d = hd->deferred[i];

		if (d.chan_idx == idx && !blocked)
			blocked = !fault_deferred_due(f, &d, now) ||
				  host_reserve(ctx, host_ring_pkt_bytes(0, sizeof(reply))) != 0;
		/* In the order the guest sent them: after one that waits, all wait. */
		if (d.chan_idx != idx || blocked) {
			hd->deferred[kept++] = d;
			continue;
		}
		reply.status = d.status;
		host_ring_write_pkt(ctx->wr, VMBUS_CHANPKT_TYPE_COMP, 0, d.xact_id, NULL, 0,
				    &reply, sizeof(reply));
		nb++;
	}
	hd->nb_deferred = kept;
	return nb;
}

bool
host_fault_complete_data(struct host_ctx *ctx, const struct host_ring_pkt *pkt,
			 const void *reply, uint32_t len)
{
	struct hvsim_faults *f = fault_of(ctx);
	struct host_dev *hd = ctx->dev;
	struct host_deferred *d;
	uint32_t status;

	if (f->armed[HVSIM_FAULT_BAD_COMPLETION_ID] &&
	    host_reserve(ctx, 3 * host_ring_pkt_bytes(0, len)) == 0) {
		/* Guest xact ids are its own small table indexes: the complement is none. */
		host_ring_write_pkt(ctx->wr, VMBUS_CHANPKT_TYPE_COMP, 0, ~pkt->hdr.xact_id,
				    NULL, 0, reply, len);
		host_ring_write_pkt(ctx->wr, VMBUS_CHANPKT_TYPE_COMP, 0, pkt->hdr.xact_id,
				    NULL, 0, reply, len);
		host_ring_write_pkt(ctx->wr, VMBUS_CHANPKT_TYPE_COMP, 0, pkt->hdr.xact_id,
				    NULL, 0, reply, len);
		f->armed[HVSIM_FAULT_BAD_COMPLETION_ID] = false;
		f->fired[HVSIM_FAULT_BAD_COMPLETION_ID]++;
		return true;
	}
	if (!f->armed[HVSIM_FAULT_WITHHOLD_COMPLETIONS] &&
	    !f->armed[HVSIM_FAULT_LATE_COMPLETIONS])
		return false;
	if (hd->deferred == NULL || hd->nb_deferred == HOST_FAULT_MAX_DEFERRED)
		return false;	/* nowhere to keep it: completed on time */
	memcpy(&status, (const uint8_t *)reply + 4, sizeof(status));
	d = &hd->deferred[hd->nb_deferred++];
	d->xact_id = pkt->hdr.xact_id;
	d->status = status;
	d->chan_idx = (uint16_t)(ctx->ch - ctx->ch->dev->chan);
	d->withheld = f->armed[HVSIM_FAULT_WITHHOLD_COMPLETIONS];
	d->due_ns = fault_now_ns() + (uint64_t)f->arg[HVSIM_FAULT_LATE_COMPLETIONS] * 1000000;
	f->fired[d->withheld ? HVSIM_FAULT_WITHHOLD_COMPLETIONS :
		 HVSIM_FAULT_LATE_COMPLETIONS]++;
	return true;
}

/* ---- control requests: withheld or late ---- */

bool
host_fault_hold_control(struct host_ctx *ctx)
{
	struct hvsim_faults *f = fault_of(ctx);
	uint64_t *since = &f->hold_since_ns[ctx->ch - ctx->ch->dev->chan];
	uint64_t now = fault_now_ns();

	if (f->armed[HVSIM_FAULT_WITHHOLD_CONTROL]) {
		if (*since == 0)
			f->fired[HVSIM_FAULT_WITHHOLD_CONTROL]++;
		*since = now;
		return true;
	}
	if (!f->armed[HVSIM_FAULT_LATE_CONTROL]) {
		*since = 0;
		return false;
	}
	if (*since == 0) {
		*since = now;
		f->fired[HVSIM_FAULT_LATE_CONTROL]++;
	}
	if (now - *since < (uint64_t)f->arg[HVSIM_FAULT_LATE_CONTROL] * 1000000)
		return true;
	*since = 0;
	return false;
}

/* ---- buffers revoked ---- */

bool
host_fault_revoked(const struct hvsim_device *dev)
{
	return dev->fault.armed[HVSIM_FAULT_REVOKE_BUFFERS];
}

bool
host_fault_revoked_fire(struct host_ctx *ctx)
{
	struct hvsim_faults *f = fault_of(ctx);

	if (!f->armed[HVSIM_FAULT_REVOKE_BUFFERS])
		return false;
	f->fired[HVSIM_FAULT_REVOKE_BUFFERS]++;
	return true;
}

/* ---- guest rx ring: a bad write index, once ---- */

bool
host_fault_ring_skip(struct host_ctx *ctx, struct host_ring *ring)
{
	struct hvsim_faults *f = fault_of(ctx);
	uint32_t bad;

	if (ctx->ch->subchannel_id != 0)
		return false;
	if (f->ring_restore_ns != 0) {
		if (fault_now_ns() < f->ring_restore_ns)
			return true;	/* nothing written while the index is bad */
		__atomic_store_n(&ring->rx_hdr->write_index, f->ring_saved_idx,
				 __ATOMIC_RELEASE);
		f->ring_restore_ns = 0;
		return false;
	}
	if (!f->armed[HVSIM_FAULT_BAD_RING_INDEX])
		return false;
	f->ring_saved_idx = ring->rx_write_idx;
	/* Alternate: past the data area, then in range but not 8-byte aligned. */
	bad = f->fired[HVSIM_FAULT_BAD_RING_INDEX] % 2 == 0 ? ring->data_bytes + 8 :
	      (ring->rx_write_idx + 4) % ring->data_bytes;
	__atomic_store_n(&ring->rx_hdr->write_index, bad, __ATOMIC_RELEASE);
	f->ring_restore_ns = fault_now_ns() + FAULT_RING_BAD_NS;
	f->armed[HVSIM_FAULT_BAD_RING_INDEX] = false;
	f->fired[HVSIM_FAULT_BAD_RING_INDEX]++;
	ctx->cnt->n[HOST_CNT_INTERRUPTS]++;
	hvsim_kernel_interrupt(ctx->sim, ctx->ch);
	return true;
}

/* ---- receive transfers: malformed and oversized ---- */

/* An RNDIS PACKET of a frame_bytes frame at msg, its first written bytes set. */
static uint32_t
fault_write_rndis(uint8_t *msg, uint32_t frame_bytes, uint32_t written)
{
	static const uint8_t head[14] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x15, 0x5d, 0xff, 0xff, 0xfe,
		0x88, 0xb5,
	};
	struct rndis_packet_msg hdr = {
		.type = RNDIS_MSG_PACKET,
		.length = (uint32_t)sizeof(hdr) + frame_bytes,
		.data_offset = RNDIS_PACKET_MIN_DATA_OFFSET,
		.data_length = frame_bytes,
	};

	memcpy(msg, &hdr, sizeof(hdr));
	memset(msg + sizeof(hdr), 0, written);
	memcpy(msg + sizeof(hdr), head, sizeof(head));
	return hdr.length;
}

/* A transfer-page packet with the given set id and range count, one range written. */
static void
fault_write_xfer(struct host_ctx *ctx, uint16_t id, uint32_t count,
		 const struct vmbus_xfer_range *range, uint64_t xact_id)
{
	const size_t at = sizeof(struct vmbus_chanpkt_hdr);
	uint8_t ext[HOST_XFER_EXT_BYTES(1)];
	struct nvsp_rndis_pkt msg;

	memset(ext, 0, sizeof(ext));
	memcpy(ext + offsetof(struct vmbus_chanpkt_rxbuf, xfer_pageset_id) - at, &id,
	       sizeof(id));
	memcpy(ext + offsetof(struct vmbus_chanpkt_rxbuf, range_count) - at, &count,
	       sizeof(count));
	memcpy(ext + offsetof(struct vmbus_chanpkt_rxbuf, range) - at, range, sizeof(*range));
	memset(&msg, 0, sizeof(msg));
	msg.msg_type = NVSP_MSG1_TYPE_SEND_RNDIS_PKT;
	msg.channel_type = NVSP_RNDIS_CHANNEL_DATA;
	msg.section_index = NVSP_SECTION_NONE;
	host_ring_write_pkt(ctx->wr, VMBUS_CHANPKT_TYPE_RXBUF, 0, xact_id, ext, sizeof(ext),
			    &msg, sizeof(msg));
}

/* One transfer of variant v; false when there is no slot or ring room now. */
static bool
fault_inject_one(struct host_ctx *ctx, bool oversized, enum fault_malformed v)
{
	struct host_rxbuf *rb = &ctx->dev->rxbuf;
	uint32_t bytes = oversized ? FAULT_OVERSIZED_BYTES :
			 (uint32_t)sizeof(struct rndis_packet_msg) + FAULT_FRAME_BYTES;
	struct vmbus_xfer_range range;
	struct rndis_packet_msg hdr;
	uint32_t first, count = 1;
	uint16_t id = rb->id;
	uint8_t *msg;

	if (host_ring_write_room(ctx->wr, host_nvsp_xfer_bytes(1)) != 0 ||
	    host_rxbuf_alloc(rb, bytes, &first) != 0)
		return false;
	range.byte_offset = first * rb->slot_bytes;
	msg = rb->base + range.byte_offset;
	range.byte_count = fault_write_rndis(msg, bytes - (uint32_t)sizeof(hdr),
					     oversized ? 64 : FAULT_FRAME_BYTES);
	memcpy(&hdr, msg, sizeof(hdr));
	switch (oversized ? MALFORMED_MAX : v) {
	case MALFORMED_RANGE_OUTSIDE:
		range.byte_offset = rb->nb_slots * rb->slot_bytes;
		break;
	case MALFORMED_RANGE_COUNT_ZERO:
		count = 0;
		break;
	case MALFORMED_RANGE_COUNT_HUGE:
		count = 0x10000000u;
		break;
	case MALFORMED_RNDIS_LENGTH:
		hdr.length = range.byte_count + 64;
		break;
	case MALFORMED_PPI_OFFSET:
		hdr.ppi_offset = range.byte_count + 8;
		hdr.ppi_length = (uint32_t)sizeof(struct rndis_ppi) + 4;
		break;
	case MALFORMED_PAGESET_ID:
		id = (uint16_t)(rb->id ^ 0x5555u);
		break;
	default:
		break;
	}
	memcpy(msg, &hdr, sizeof(hdr));
	fault_write_xfer(ctx, id, count, &range, first);
	return true;
}

unsigned int
host_fault_rx_inject(struct host_ctx *ctx)
{
	struct hvsim_faults *f = fault_of(ctx);
	unsigned int nb = 0;

	if (f->armed[HVSIM_FAULT_OVERSIZED] && fault_inject_one(ctx, true, MALFORMED_MAX)) {
		f->armed[HVSIM_FAULT_OVERSIZED] = false;
		f->fired[HVSIM_FAULT_OVERSIZED]++;
		nb++;
	}
	if (f->armed[HVSIM_FAULT_MALFORMED_RX] &&
	    fault_inject_one(ctx, false, (enum fault_malformed)f->malformed_next)) {
		f->malformed_next = (f->malformed_next + 1) % MALFORMED_MAX;
		f->fired[HVSIM_FAULT_MALFORMED_RX]++;
		if (--f->arg[HVSIM_FAULT_MALFORMED_RX] == 0)
			f->armed[HVSIM_FAULT_MALFORMED_RX] = false;
		nb++;
	}
	return nb;
}
