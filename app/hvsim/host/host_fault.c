/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Faults a test arms on a NIC: which ones (set, clear, print) and what each
 * does when it fires, behind the few hooks host.h lists. Everything else in
 * host/ behaves as the spec says; this file is where hvsim misbehaves.
 */
#include <errno.h>
#include <limits.h>
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

/* What a kind's argument is: none, a delay, a count, a transaction id, bytes, a shape. */
enum fault_arg { ARG_NONE, ARG_MS, ARG_COUNT, ARG_ID, ARG_BYTES, ARG_SHAPE, ARG_KIND };

static const struct {
	const char *name;
	enum fault_arg arg;
} fault_kinds[HVSIM_FAULT_MAX] = {
	[HVSIM_FAULT_WITHHOLD_COMPLETIONS] = { "withhold-completions", ARG_NONE },
	[HVSIM_FAULT_LATE_COMPLETIONS] = { "late-completions", ARG_MS },
	[HVSIM_FAULT_WITHHOLD_CONTROL] = { "withhold-control", ARG_NONE },
	[HVSIM_FAULT_LATE_CONTROL] = { "late-control", ARG_MS },
	[HVSIM_FAULT_MALFORMED_RX] = { "malformed-rx", ARG_COUNT },
	[HVSIM_FAULT_OVERSIZED] = { "oversized", ARG_NONE },
	[HVSIM_FAULT_BAD_RING_INDEX] = { "bad-ring-index", ARG_NONE },
	[HVSIM_FAULT_BAD_COMPLETION_ID] = { "bad-completion-id", ARG_NONE },
	[HVSIM_FAULT_REVOKE_BUFFERS] = { "revoke-buffers", ARG_NONE },
	[HVSIM_FAULT_BAD_XFER] = { "bad-xfer", ARG_SHAPE },
	[HVSIM_FAULT_COMPLETE_ID] = { "complete-id", ARG_ID },
	[HVSIM_FAULT_SHORT_COMPLETION] = { "short-completion", ARG_ID },
	[HVSIM_FAULT_SHORT_REPLY] = { "short-reply", ARG_NONE },
	[HVSIM_FAULT_TXBUF_SECTION] = { "txbuf-section", ARG_BYTES },
	[HVSIM_FAULT_BAD_QUERY_INFO] = { "bad-query-info", ARG_NONE },
	[HVSIM_FAULT_BAD_INBAND] = { "bad-inband", ARG_ID },
	[HVSIM_FAULT_FLOOD_XFERS] = { "flood-xfers", ARG_COUNT },
	[HVSIM_FAULT_SUBCHANNEL_COMPLETIONS] = { "subchannel-completions", ARG_COUNT },
	[HVSIM_FAULT_INDICATE_AT_HALT] = { "indicate-at-halt", ARG_NONE },
	[HVSIM_FAULT_FAIL_SET] = { "fail-set", ARG_NONE },
	[HVSIM_FAULT_FAIL_SET_OID] = { "fail-set-oid", ARG_ID },
	[HVSIM_FAULT_REPEAT_COMPLETION] = { "repeat-completion", ARG_KIND },
};

/*
 * Shapes of a bad receive transfer: malformed-rx rotates through the first
 * MALFORMED_ROTATE, bad-xfer SHAPE sends any one by name.
 */
enum fault_malformed {
	MALFORMED_RANGE_OUTSIDE,	/* range past the end of the receive buffer */
	MALFORMED_RANGE_COUNT_ZERO,
	MALFORMED_RANGE_COUNT_HUGE,	/* more ranges than the packet holds */
	MALFORMED_RNDIS_LENGTH,		/* RNDIS length past the range */
	MALFORMED_PPI_OFFSET,		/* PPI area past the RNDIS message */
	MALFORMED_PAGESET_ID,		/* not the id the guest gave its buffer */
	MALFORMED_ROTATE,
	MALFORMED_RANGE_WRAP = MALFORMED_ROTATE,	/* offset + count wraps to inside */
	MALFORMED_RANGES_MANY,		/* FAULT_MANY_RANGES ranges, all in the packet */
	MALFORMED_RANGES_562,		/* 562 ranges on one message: OpenVMM's most (well formed) */
	MALFORMED_RANGES_HUGE_PKT,	/* FAULT_HUGE_RANGES ranges: a packet of 8.8 KiB */
	MALFORMED_RANGES_OVERLAP,	/* two ranges naming the same message (well formed) */
	MALFORMED_PPI_WRAP,		/* PPI offset + length wraps to inside the message */
	MALFORMED_DATA_WRAP,		/* data offset + length wraps to inside the message */
	MALFORMED_RANGES_MIDDLE_OUTSIDE,	/* three ranges, the middle one past the buffer */
	MALFORMED_FRAME_HUGE,		/* one well-formed frame of FAULT_HUGE_FRAME_BYTES */
	MALFORMED_MAX
};

static const char *const malformed_names[MALFORMED_MAX] = {
	[MALFORMED_RANGE_OUTSIDE] = "range-outside",
	[MALFORMED_RANGE_COUNT_ZERO] = "ranges-zero",
	[MALFORMED_RANGE_COUNT_HUGE] = "ranges-huge-count",
	[MALFORMED_RNDIS_LENGTH] = "rndis-length",
	[MALFORMED_PPI_OFFSET] = "ppi-outside",
	[MALFORMED_PAGESET_ID] = "pageset",
	[MALFORMED_RANGE_WRAP] = "range-wrap",
	[MALFORMED_RANGES_MANY] = "ranges-many",
	[MALFORMED_RANGES_562] = "ranges-562",
	[MALFORMED_RANGES_HUGE_PKT] = "ranges-huge-packet",
	[MALFORMED_RANGES_OVERLAP] = "ranges-overlap",
	[MALFORMED_RANGES_MIDDLE_OUTSIDE] = "ranges-middle-outside",
	[MALFORMED_PPI_WRAP] = "ppi-wrap",
	[MALFORMED_DATA_WRAP] = "data-wrap",
	[MALFORMED_FRAME_HUGE] = "frame-huge",
};

/* Every NVSP reply hvsim makes fits (host_fault_nvsp_reply's bound). */
static_assert(HVSIM_CTL_COMP_BYTES >= HOST_FAULT_REPLY_BYTES, "control completion record");

static const char *const ctl_kind_names[HVSIM_CTL_KINDS] = {
	[HVSIM_CTL_NVSP] = "nvsp",
	[HVSIM_CTL_RNDIS] = "rndis",
};

/* ranges-many: past a guest table of 1024, in a packet of 8256 bytes (ours reads 8280). */
#define FAULT_MANY_RANGES	1025u
/* ranges-562: rndis.md 9, the most ranges OpenVMM puts in a transfer (with RSC). */
#define FAULT_RSC_RANGES	562u
/* ranges-huge-packet: a packet larger than a guest that reads 8.1 KiB at most. */
#define FAULT_HUGE_RANGES	1100u
/* bad-query-info: an info buffer offset far past any reply. */
#define FAULT_QUERY_INFO_OFFSET	0x7ffffff0u
/* frame-huge: a frame longer than any IP datagram, well inside the receive buffer. */
#define FAULT_HUGE_FRAME_BYTES	(1u << 20)
/* An offset that, added to a small length, wraps past 2^32 to a small number. */
#define FAULT_WRAP_OFFSET	0xfffffff0u
/* flood-xfers: the transfers' ids, none of them a slot (completions count as bad). */
#define FAULT_FLOOD_XACT	0xf100d00000000000ull

static struct hvsim_faults *
fault_of(const struct host_ctx *ctx)
{
	return &ctx->ch->dev->fault;
}

/* ---- selection ---- */

/* Parse arg for a kind taking t; 0 or -EINVAL with err set. */
static int
fault_parse_arg(const char *kind, enum fault_arg t, const char *arg, uint64_t *v, char *err,
		size_t errlen)
{
	unsigned long long max = t == ARG_MS ? HVSIM_FAULT_MAX_DELAY_MS :
				 t == ARG_COUNT ? FAULT_MAX_COUNT :
				 t == ARG_BYTES ? UINT32_MAX : ULLONG_MAX;
	unsigned long long n;
	char *end;

	if (t == ARG_SHAPE || t == ARG_KIND) {
		const char *const *names = t == ARG_SHAPE ? malformed_names : ctl_kind_names;
		unsigned int nb = t == ARG_SHAPE ? MALFORMED_MAX : HVSIM_CTL_KINDS;

		for (unsigned int m = 0; m < nb; m++)
			if (strcmp(arg, names[m]) == 0) {
				*v = m;
				return 0;
			}
		snprintf(err, errlen, "%s: unknown %s '%s'", kind,
			 t == ARG_SHAPE ? "shape" : "kind", arg);
		return -EINVAL;
	}
	errno = 0;
	n = strtoull(arg, &end, t == ARG_ID || t == ARG_BYTES ? 0 : 10);
	if (end == arg || *end != '\0' || errno != 0 || arg[0] == '-' || n > max ||
	    (n == 0 && (t == ARG_MS || t == ARG_COUNT))) {
		snprintf(err, errlen, "%s: bad argument '%s' (%s..%llu)", kind, arg,
			 t == ARG_MS || t == ARG_COUNT ? "1" : "0", max);
		return -EINVAL;
	}
	*v = n;
	return 0;
}

int
host_fault_set(struct hvsim_faults *f, const char *kind, const char *arg, char *err,
	       size_t errlen)
{
	uint64_t v = 0;
	int k;

	for (k = 0; k < HVSIM_FAULT_MAX; k++)
		if (strcmp(kind, fault_kinds[k].name) == 0)
			break;
	if (k == HVSIM_FAULT_MAX) {
		snprintf(err, errlen, "unknown fault '%s'", kind);
		return -EINVAL;
	}
	if ((fault_kinds[k].arg != ARG_NONE) != (arg != NULL)) {
		snprintf(err, errlen, "%s %s", kind, arg == NULL ? "needs an argument" :
			 "takes no argument");
		return -EINVAL;
	}
	if (arg != NULL && fault_parse_arg(kind, fault_kinds[k].arg, arg, &v, err, errlen) != 0)
		return -EINVAL;
	f->armed[k] = true;
	f->arg[k] = v;
	return 0;
}

void
host_fault_clear(struct hvsim_faults *f)
{
	memset(f->armed, 0, sizeof(f->armed));
	memset(f->arg, 0, sizeof(f->arg));
	f->held_xact = 0;
}

void
host_fault_note_completion(struct hvsim_device *dev, enum hvsim_ctl_kind kind, uint64_t xact_id,
			   const void *msg, uint32_t len)
{
	struct hvsim_ctl_comp *c = &dev->fault.last_comp[kind];

	c->valid = len <= sizeof(c->msg);
	c->xact_id = xact_id;
	c->len = len;
	if (c->valid && len > 0)
		memcpy(c->msg, msg, len);
}

void
host_fault_write(const struct hvsim_faults *f, const char *prefix, FILE *out)
{
	for (unsigned int k = 0; k < HVSIM_FAULT_MAX; k++) {
		if (!f->armed[k] && f->fired[k] == 0)
			continue;
		if (fault_kinds[k].arg == ARG_SHAPE || fault_kinds[k].arg == ARG_KIND)
			fprintf(out, "%s fault %s %s %s fired %llu\n", prefix, fault_kinds[k].name,
				f->armed[k] ? "armed" : "cleared",
				fault_kinds[k].arg == ARG_SHAPE ? malformed_names[f->arg[k]] :
				ctl_kind_names[f->arg[k]], (unsigned long long)f->fired[k]);
		else
			fprintf(out, "%s fault %s %s %llu fired %llu\n", prefix,
				fault_kinds[k].name, f->armed[k] ? "armed" : "cleared",
				(unsigned long long)f->arg[k], (unsigned long long)f->fired[k]);
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
	uint64_t now = host_now_ns();
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
	d->due_ns = host_now_ns() + (uint64_t)f->arg[HVSIM_FAULT_LATE_COMPLETIONS] * 1000000;
	f->fired[d->withheld ? HVSIM_FAULT_WITHHOLD_COMPLETIONS :
		 HVSIM_FAULT_LATE_COMPLETIONS]++;
	return true;
}

/* ---- control requests: withheld or late ---- */

bool
host_fault_hold_control(struct host_ctx *ctx, uint64_t xact_id)
{
	struct hvsim_faults *f = fault_of(ctx);
	uint64_t *since = &f->hold_since_ns[ctx->ch - ctx->ch->dev->chan];
	uint64_t now = host_now_ns();

	if (f->armed[HVSIM_FAULT_WITHHOLD_CONTROL]) {
		if (*since == 0)
			f->fired[HVSIM_FAULT_WITHHOLD_CONTROL]++;
		*since = now;
		f->held_xact = xact_id;
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
		if (host_now_ns() < f->ring_restore_ns)
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
	f->ring_restore_ns = host_now_ns() + FAULT_RING_BAD_NS;
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

/*
 * A transfer-page packet with the given set id and range count field, its
 * first nb_written ranges all a copy of range but range 1, which is *middle
 * when given.
 */
static void
fault_write_xfer(struct host_ctx *ctx, uint16_t id, uint32_t count,
		 const struct vmbus_xfer_range *range, const struct vmbus_xfer_range *middle,
		 uint32_t nb_written, uint64_t xact_id)
{
	const size_t at = sizeof(struct vmbus_chanpkt_hdr);
	uint8_t ext[HOST_XFER_EXT_BYTES(FAULT_HUGE_RANGES)];
	struct nvsp_rndis_pkt msg;

	memset(ext, 0, sizeof(ext));
	memcpy(ext + offsetof(struct vmbus_chanpkt_rxbuf, xfer_pageset_id) - at, &id,
	       sizeof(id));
	memcpy(ext + offsetof(struct vmbus_chanpkt_rxbuf, range_count) - at, &count,
	       sizeof(count));
	for (uint32_t i = 0; i < nb_written; i++)
		memcpy(ext + offsetof(struct vmbus_chanpkt_rxbuf, range) - at + i * sizeof(*range),
		       i == 1 && middle != NULL ? middle : range, sizeof(*range));
	memset(&msg, 0, sizeof(msg));
	msg.msg_type = NVSP_MSG1_TYPE_SEND_RNDIS_PKT;
	msg.channel_type = NVSP_RNDIS_CHANNEL_DATA;
	msg.section_index = NVSP_SECTION_NONE;
	host_ring_write_pkt(ctx->wr, VMBUS_CHANPKT_TYPE_RXBUF, 0, xact_id, ext,
			    (uint32_t)HOST_XFER_EXT_BYTES(nb_written), &msg, sizeof(msg));
}

/* Ranges a transfer of shape v writes into its packet. */
static uint32_t
fault_nb_written(enum fault_malformed v)
{
	switch (v) {
	case MALFORMED_RANGES_MANY:
		return FAULT_MANY_RANGES;
	case MALFORMED_RANGES_562:
		return FAULT_RSC_RANGES;
	case MALFORMED_RANGES_HUGE_PKT:
		return FAULT_HUGE_RANGES;
	case MALFORMED_RANGES_OVERLAP:
		return 2;
	case MALFORMED_RANGES_MIDDLE_OUTSIDE:
		return 3;
	default:
		return 1;
	}
}

/* One transfer of variant v; false when there is no slot or ring room now. */
static bool
fault_inject_one(struct host_ctx *ctx, bool oversized, enum fault_malformed v)
{
	struct host_rxbuf *rb = &ctx->dev->rxbuf;
	uint32_t bytes = oversized ? FAULT_OVERSIZED_BYTES :
			 (uint32_t)sizeof(struct rndis_packet_msg) +
			 (v == MALFORMED_FRAME_HUGE ? FAULT_HUGE_FRAME_BYTES : FAULT_FRAME_BYTES);
	uint32_t nb_written = oversized ? 1 : fault_nb_written(v);
	struct vmbus_xfer_range range, outside;
	struct rndis_packet_msg hdr;
	uint32_t first, count = nb_written;
	uint16_t id = rb->id;
	uint8_t *msg;

	if (host_ring_write_room(ctx->wr, host_nvsp_xfer_bytes(nb_written)) != 0 ||
	    host_rxbuf_alloc(rb, bytes, &first) != 0)
		return false;
	range.byte_offset = first * rb->slot_bytes;
	msg = rb->base + range.byte_offset;
	range.byte_count = fault_write_rndis(msg, bytes - (uint32_t)sizeof(hdr),
					     oversized ? 64 : FAULT_FRAME_BYTES);
	memcpy(&hdr, msg, sizeof(hdr));
	/* The buffer's end, not the slots' (a partial slot may follow them). */
	outside = (struct vmbus_xfer_range){
		.byte_count = range.byte_count,
		.byte_offset = (uint32_t)ctx->ch->dev->map_bytes[HVSIM_MAP_RECV_BUF],
	};
	switch (oversized ? MALFORMED_MAX : v) {
	case MALFORMED_RANGE_OUTSIDE:
		range = outside;
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
	case MALFORMED_PPI_OFFSET: {
		/* A well-formed VLAN PPI, but past the message's end (same slot). */
		struct rndis_ppi ppi = { .size = sizeof(ppi) + 4, .type = RNDIS_PPI_VLAN,
					 .data_offset = sizeof(ppi) };

		hdr.ppi_offset = range.byte_count + 8;
		hdr.ppi_length = ppi.size;
		memcpy(msg + RNDIS_PACKET_OFFSET_BASE + hdr.ppi_offset, &ppi, sizeof(ppi));
		memset(msg + RNDIS_PACKET_OFFSET_BASE + hdr.ppi_offset + sizeof(ppi), 0, 4);
		break;
	}
	case MALFORMED_PAGESET_ID:
		id = (uint16_t)(rb->id ^ 0x5555u);
		break;
	case MALFORMED_RANGE_WRAP:
		range.byte_offset = FAULT_WRAP_OFFSET;	/* + 104 bytes = 0x58 */
		break;
	case MALFORMED_PPI_WRAP:
		hdr.ppi_offset = FAULT_WRAP_OFFSET;
		hdr.ppi_length = 0x20;
		break;
	case MALFORMED_DATA_WRAP:
		hdr.data_offset = FAULT_WRAP_OFFSET;
		hdr.data_length = 0x20;
		break;
	default:
		break;
	}
	memcpy(msg, &hdr, sizeof(hdr));
	fault_write_xfer(ctx, id, count, &range,
			 v == MALFORMED_RANGES_MIDDLE_OUTSIDE && !oversized ? &outside : NULL,
			 nb_written, first);
	return true;
}

/* One completion packet of len bytes of msg for xact_id; false if no room now. */
static bool
fault_write_completion(struct host_ctx *ctx, uint64_t xact_id, const void *msg, uint32_t len)
{
	if (host_ring_write_room(ctx->wr, host_ring_pkt_bytes(0, len)) != 0)
		return false;
	host_ring_write_pkt(ctx->wr, VMBUS_CHANPKT_TYPE_COMP, 0, xact_id, NULL, 0,
			    len > 0 ? msg : NULL, len);
	return true;
}

/* complete-id, short-completion: one completion nobody asked for. */
static bool
fault_stray_completion(struct host_ctx *ctx, uint64_t xact_id, bool empty)
{
	struct nvsp_rndis_pkt_complete reply;

	memset(&reply, 0, sizeof(reply));
	reply.msg_type = NVSP_MSG1_TYPE_SEND_RNDIS_PKT_COMPLETE;
	reply.status = NVSP_STATUS_SUCCESS;
	return fault_write_completion(ctx, xact_id, &reply, empty ? 0 : (uint32_t)sizeof(reply));
}

/* repeat-completion: c again, as a host that completes a request twice or late would. */
static bool
fault_repeat_completion(struct host_ctx *ctx, const struct hvsim_ctl_comp *c)
{
	return c->valid && fault_write_completion(ctx, c->xact_id, c->msg, c->len);
}

/* bad-inband: a host-initiated NVSP message of the given type, 8 bytes long. */
static bool
fault_bad_inband(struct host_ctx *ctx, uint64_t type)
{
	uint32_t msg[2] = { (uint32_t)type, 1 };

	if (host_ring_write_room(ctx->wr, host_ring_pkt_bytes(0, sizeof(msg))) != 0)
		return false;
	host_ring_write_pkt(ctx->wr, VMBUS_CHANPKT_TYPE_INBAND, 0, 0, NULL, 0, msg, sizeof(msg));
	return true;
}

/*
 * flood-xfers: one transfer that lends no slot, as a host that does not
 * count its slots would send: one 4-byte range at the buffer's start (too
 * short for an RNDIS message, so the guest drops it and only completes the
 * transfer). False when the ring has no room now.
 */
static bool
fault_flood_one(struct host_ctx *ctx, uint64_t n)
{
	const struct vmbus_xfer_range range = { .byte_count = 4, .byte_offset = 0 };

	if (ctx->dev->rxbuf.base == NULL ||
	    host_ring_write_room(ctx->wr, host_nvsp_xfer_bytes(1)) != 0)
		return false;
	fault_write_xfer(ctx, ctx->dev->rxbuf.id, 1, &range, NULL, 1, FAULT_FLOOD_XACT + n);
	return true;
}

/* Fire the one-shot fault k if done says it went out. */
static unsigned int
fault_once(struct hvsim_faults *f, enum hvsim_fault k, bool done)
{
	if (!done)
		return 0;
	f->armed[k] = false;
	f->fired[k]++;
	return 1;
}

/* One firing of the counted fault k went out: disarmed after its arg-th. */
static void
fault_count_down(struct hvsim_faults *f, enum hvsim_fault k)
{
	f->fired[k]++;
	if (--f->arg[k] == 0)
		f->armed[k] = false;
}

unsigned int
host_fault_rx_inject(struct host_ctx *ctx)
{
	struct hvsim_faults *f = fault_of(ctx);
	unsigned int nb = 0;

	if (f->armed[HVSIM_FAULT_OVERSIZED])
		nb += fault_once(f, HVSIM_FAULT_OVERSIZED,
				 fault_inject_one(ctx, true, MALFORMED_MAX));
	if (f->armed[HVSIM_FAULT_BAD_XFER])
		nb += fault_once(f, HVSIM_FAULT_BAD_XFER,
				 fault_inject_one(ctx, false,
						  (enum fault_malformed)f->arg[HVSIM_FAULT_BAD_XFER]));
	if (f->armed[HVSIM_FAULT_COMPLETE_ID])
		nb += fault_once(f, HVSIM_FAULT_COMPLETE_ID,
				 fault_stray_completion(ctx, f->arg[HVSIM_FAULT_COMPLETE_ID],
							false));
	if (f->armed[HVSIM_FAULT_SHORT_COMPLETION])
		nb += fault_once(f, HVSIM_FAULT_SHORT_COMPLETION,
				 fault_stray_completion(ctx, f->arg[HVSIM_FAULT_SHORT_COMPLETION],
							true));
	if (f->armed[HVSIM_FAULT_REPEAT_COMPLETION])
		nb += fault_once(f, HVSIM_FAULT_REPEAT_COMPLETION,
				 fault_repeat_completion(ctx,
					&f->last_comp[f->arg[HVSIM_FAULT_REPEAT_COMPLETION]]));
	if (f->armed[HVSIM_FAULT_BAD_INBAND])
		nb += fault_once(f, HVSIM_FAULT_BAD_INBAND,
				 fault_bad_inband(ctx, f->arg[HVSIM_FAULT_BAD_INBAND]));
	/* As many as the ring takes in this pass, counted one firing each. */
	while (f->armed[HVSIM_FAULT_FLOOD_XFERS] &&
	       fault_flood_one(ctx, f->fired[HVSIM_FAULT_FLOOD_XFERS])) {
		fault_count_down(f, HVSIM_FAULT_FLOOD_XFERS);
		nb++;
	}
	if (f->armed[HVSIM_FAULT_MALFORMED_RX] &&
	    fault_inject_one(ctx, false, (enum fault_malformed)f->malformed_next)) {
		f->malformed_next = (f->malformed_next + 1) % MALFORMED_ROTATE;
		fault_count_down(f, HVSIM_FAULT_MALFORMED_RX);
		nb++;
	}
	return nb;
}

/*
 * subchannel-completions: ctx writes to the first subchannel. Successful 108s
 * with xact ids arg, arg - 1, ..., 2 and last the id of the control request
 * withhold-control last held (1 if none), as many as its ring takes now: a
 * host that answers on another channel than the one the guest asked on.
 */
unsigned int
host_fault_subchannel_inject(struct host_ctx *ctx)
{
	struct hvsim_faults *f = fault_of(ctx);
	unsigned int nb = 0;

	while (f->armed[HVSIM_FAULT_SUBCHANNEL_COMPLETIONS]) {
		uint64_t id = f->arg[HVSIM_FAULT_SUBCHANNEL_COMPLETIONS];

		if (id == 1 && f->held_xact != 0)
			id = f->held_xact;
		if (!fault_stray_completion(ctx, id, false))
			break;
		fault_count_down(f, HVSIM_FAULT_SUBCHANNEL_COMPLETIONS);
		nb++;
	}
	return nb;
}

/*
 * indicate-at-halt: a link indication (MEDIA_CONNECT) ahead of the HALT's
 * completion, as from a host whose link event crosses the guest's shutdown:
 * the guest reads it while it closes.
 */
void
host_fault_halt(struct host_ctx *ctx)
{
	struct hvsim_faults *f = fault_of(ctx);

	if (f->armed[HVSIM_FAULT_INDICATE_AT_HALT])
		fault_once(f, HVSIM_FAULT_INDICATE_AT_HALT,
			   host_link_indicate(ctx, RNDIS_STATUS_MEDIA_CONNECT));
}

/* ---- control replies: short, a bad send-section size, a query info outside ---- */

const void *
host_fault_nvsp_reply(struct host_ctx *ctx, const void *msg, uint32_t *len, uint8_t *copy)
{
	struct hvsim_faults *f = fault_of(ctx);
	uint32_t type, bytes;

	if (*len < sizeof(type) || *len > HOST_FAULT_REPLY_BYTES)
		return msg;
	memcpy(&type, msg, sizeof(type));
	if (f->armed[HVSIM_FAULT_SHORT_REPLY] && type != NVSP_MSG1_TYPE_SEND_RNDIS_PKT_COMPLETE) {
		fault_once(f, HVSIM_FAULT_SHORT_REPLY, true);
		*len = sizeof(type);		/* the type word and nothing after it */
		return msg;
	}
	if (f->armed[HVSIM_FAULT_TXBUF_SECTION] && type == NVSP_MSG1_TYPE_SEND_TXBUF_COMPLETE &&
	    *len >= offsetof(struct nvsp_send_txbuf_complete, pad)) {
		f->fired[HVSIM_FAULT_TXBUF_SECTION]++;	/* stays armed: every reply */
		bytes = (uint32_t)f->arg[HVSIM_FAULT_TXBUF_SECTION];
		memcpy(copy, msg, *len);
		memcpy(copy + offsetof(struct nvsp_send_txbuf_complete, section_bytes), &bytes,
		       sizeof(bytes));
		return copy;
	}
	return msg;
}

/*
 * fail-set, fail-set-oid: this SET of oid is not carried out, and its
 * completion says so (rndis.md 3.5).
 */
bool
host_fault_fail_set(struct host_ctx *ctx, uint32_t oid)
{
	struct hvsim_faults *f = fault_of(ctx);

	if (f->armed[HVSIM_FAULT_FAIL_SET_OID] && f->arg[HVSIM_FAULT_FAIL_SET_OID] == oid) {
		f->fired[HVSIM_FAULT_FAIL_SET_OID]++;	/* stays armed: every such SET */
		return true;
	}
	if (!f->armed[HVSIM_FAULT_FAIL_SET])
		return false;
	fault_once(f, HVSIM_FAULT_FAIL_SET, true);
	return true;
}

void
host_fault_rndis_reply(struct host_ctx *ctx, uint8_t *reply, uint32_t len)
{
	struct hvsim_faults *f = fault_of(ctx);
	struct rndis_query_comp c;

	if (!f->armed[HVSIM_FAULT_BAD_QUERY_INFO] || len < sizeof(c))
		return;
	memcpy(&c, reply, sizeof(c));
	if (c.type != RNDIS_MSG_QUERY_CMPLT || c.status != RNDIS_STATUS_SUCCESS)
		return;
	c.info_buffer_offset = FAULT_QUERY_INFO_OFFSET;
	memcpy(reply, &c, sizeof(c));
	fault_once(f, HVSIM_FAULT_BAD_QUERY_INFO, true);
}
