/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The echo test device (HVSIM_DEV_ECHO): every guest packet comes back on the
 * same channel as an inband packet, GPA-direct data resolved through guest
 * memory. Ring framing and batching are host_ring.c's; dispatch host_channel.c's.
 */
#include <string.h>
#include <time.h>

#include "host.h"

/* One GPA range's fixed part (spec/vmbus-ring.md 2.5 general form); pfn[k] follows. */
struct echo_gpa_range {
	uint32_t byte_count;
	uint32_t byte_offset;
};

/* Copy one range's bytes, page by page, behind *total in the reply scratch. */
static int
echo_gather_range(struct host_ctx *ctx, const uint8_t *pfns, uint32_t nb_pfns,
		  const struct echo_gpa_range *range, uint32_t *total)
{
	uint32_t left = range->byte_count;
	uint32_t off = range->byte_offset;

	for (uint32_t k = 0; k < nb_pfns && left > 0; k++) {
		uint32_t piece = VMBUS_PAGE_BYTES - off < left ? VMBUS_PAGE_BYTES - off : left;
		uint64_t pfn;
		const void *src;

		memcpy(&pfn, pfns + 8 * (size_t)k, sizeof(pfn));
		if (pfn > (UINT64_MAX >> 12))
			return HOST_CNT_BAD_GPA;
		/* Each piece stays inside one 4 KiB page: regions need not be contiguous. */
		src = hvsim_guest_mem(ctx->sim, pfn * VMBUS_PAGE_BYTES + off, piece);
		if (src == NULL)
			return HOST_CNT_BAD_GPA;
		memcpy(ctx->dev->reply_scratch + *total, src, piece);
		*total += piece;
		left -= piece;
		off = 0;
	}
	return -1;
}

/*
 * Walk the ranges in the extension [24, data_offset8 * 8) of a GPA packet,
 * appending their bytes to the reply scratch. Returns -1 or the drop reason.
 */
static int
echo_gather_ranges(struct host_ctx *ctx, const struct host_ring_pkt *pkt, uint32_t *total)
{
	uint32_t ext_end = (uint32_t)pkt->hdr.data_offset8 * 8;
	uint32_t cursor = sizeof(struct vmbus_chanpkt_gpa);
	uint32_t nb_ranges;

	if (ext_end < cursor)
		return HOST_CNT_BAD_RANGE_COUNT;
	memcpy(&nb_ranges, pkt->bytes + offsetof(struct vmbus_chanpkt_gpa, range_count),
	       sizeof(nb_ranges));
	/* Each range takes at least 8 bytes, so a huge count fails within ext_end / 8 steps. */
	for (uint32_t i = 0; i < nb_ranges; i++) {
		struct echo_gpa_range range;
		uint64_t nb_pfns;
		int reason;

		if (ext_end - cursor < sizeof(range))
			return HOST_CNT_BAD_RANGE_COUNT;
		memcpy(&range, pkt->bytes + cursor, sizeof(range));
		cursor += sizeof(range);
		if (range.byte_offset >= VMBUS_PAGE_BYTES)
			return HOST_CNT_BAD_GPA;
		nb_pfns = ((uint64_t)range.byte_offset + range.byte_count +
			   VMBUS_PAGE_BYTES - 1) / VMBUS_PAGE_BYTES;
		if (nb_pfns > (ext_end - cursor) / 8)
			return HOST_CNT_BAD_RANGE_COUNT;
		if (range.byte_count > HOST_ECHO_MAX_PAYLOAD - *total)
			return HOST_CNT_TOO_LONG;
		reason = echo_gather_range(ctx, pkt->bytes + cursor, (uint32_t)nb_pfns,
					   &range, total);
		if (reason >= 0)
			return reason;
		cursor += (uint32_t)nb_pfns * 8;
	}
	return -1;
}

/* Completion first if asked (spec 2.3: exactly one per flagged packet), then the echo. */
static enum host_verdict
echo_send(struct host_ctx *ctx, const struct host_ring_pkt *pkt, const void *payload,
	  uint32_t len)
{
	bool want_comp = (pkt->hdr.flags & VMBUS_CHANPKT_FLAG_RC) != 0;
	uint64_t bytes = host_ring_pkt_bytes(0, len);
	int ret;

	if (want_comp)
		bytes += host_ring_pkt_bytes(0, 0);
	ret = host_reserve(ctx, bytes);
	if (ret != 0)
		return host_reserve_verdict(ret);
	if (want_comp)
		host_ring_write_pkt(ctx->wr, VMBUS_CHANPKT_TYPE_COMP, 0, pkt->hdr.xact_id,
				    NULL, 0, NULL, 0);
	host_ring_write_pkt(ctx->wr, VMBUS_CHANPKT_TYPE_INBAND, 0, pkt->hdr.xact_id,
			    NULL, 0, payload, len);
	return HOST_PKT_DONE;
}

static enum host_verdict
echo_drop(struct host_ctx *ctx, enum host_count reason)
{
	ctx->cnt->n[reason]++;
	return HOST_PKT_DONE;
}

static enum host_verdict
echo_gpa(struct host_ctx *ctx, const struct host_ring_pkt *pkt)
{
	uint32_t inline_len;
	const uint8_t *inline_payload = host_pkt_payload(pkt, &inline_len);
	uint32_t total = inline_len;
	int reason;

	if (inline_len > HOST_ECHO_MAX_PAYLOAD)
		return echo_drop(ctx, HOST_CNT_TOO_LONG);
	memcpy(ctx->dev->reply_scratch, inline_payload, inline_len);
	reason = echo_gather_ranges(ctx, pkt, &total);
	if (reason >= 0)
		return echo_drop(ctx, (enum host_count)reason);
	return echo_send(ctx, pkt, ctx->dev->reply_scratch, total);
}

/* --echo-delay-ms: a slow host, so a guest can be seen sleeping for its answer. */
static bool
echo_due(struct host_ctx *ctx)
{
	struct host_chan *hc = ctx->ch->host;
	uint64_t delay_ns = (uint64_t)ctx->sim->cfg.echo_delay_us * 1000, now;

	if (delay_ns == 0)
		return true;
	now = host_now_ns();
	if (hc->head_seen_ns == 0)
		hc->head_seen_ns = now;
	if (now - hc->head_seen_ns < delay_ns)
		return false;
	hc->head_seen_ns = 0;
	return true;
}

enum host_verdict
host_echo_packet(struct host_ctx *ctx, const struct host_ring_pkt *pkt)
{
	const uint8_t *payload;
	uint32_t len;

	if (!echo_due(ctx))
		return HOST_PKT_LATER;

	switch (pkt->hdr.type) {
	case VMBUS_CHANPKT_TYPE_INBAND:
		payload = host_pkt_payload(pkt, &len);
		if (len > HOST_ECHO_MAX_PAYLOAD)
			return echo_drop(ctx, HOST_CNT_TOO_LONG);
		return echo_send(ctx, pkt, payload, len);
	case VMBUS_CHANPKT_TYPE_GPA:
		return echo_gpa(ctx, pkt);
	default:
		return echo_drop(ctx, HOST_CNT_BAD_TYPE);
	}
}
