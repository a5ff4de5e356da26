/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NVSP host for HVSIM_DEV_NIC: version negotiation, NDIS version and config,
 * receive/send buffers, 107 gathering and transfer-page delivery (RNDIS
 * answers: host_rndis.c, frames: host_tx.c/host_rx.c, slots: host_rxbuf.c);
 * anything else is failed cleanly (spec/nvsp.md 1.2).
 */
#include <string.h>

#include "nvsp_wire.h"
#include "host.h"
#include "host_vf.h"

/* nvsp.md 3.2: OpenVMM reports 34; guests ignore it. */
#define NVSP_HOST_MAX_MDL_CHAIN	34u

/* Every failure reply below has its status right after the type (nvsp.md 3.6-3.12). */
static_assert(offsetof(struct nvsp_send_rxbuf_complete, status) == 4, "status offset");
static_assert(offsetof(struct nvsp_send_txbuf_complete, status) == 4, "status offset");
static_assert(offsetof(struct nvsp_subchannel_complete, status) == 4, "status offset");

static const uint32_t nvsp_host_versions[] = {
	NVSP_VERSION_61, NVSP_VERSION_6, NVSP_VERSION_5,
	NVSP_VERSION_4, NVSP_VERSION_2, NVSP_VERSION_1,
};

/* nvsp.md 3.2: accept the highest supported V with min <= V <= max; 0 = none. */
static uint32_t
nvsp_pick_version(uint32_t min, uint32_t max)
{
	for (size_t i = 0; i < sizeof(nvsp_host_versions) / sizeof(nvsp_host_versions[0]); i++) {
		uint32_t v = nvsp_host_versions[i];

		if (min <= v && v <= max)
			return v;
	}
	return 0;
}

/* A completion packet echoing the request's xact_id, with msg (possibly empty). */
static enum host_verdict
nvsp_complete(struct host_ctx *ctx, const struct host_ring_pkt *pkt, const void *msg,
	      uint32_t len)
{
	uint8_t copy[HOST_FAULT_REPLY_BYTES];
	int ret;

	msg = host_fault_nvsp_reply(ctx, msg, &len, copy);
	ret = host_reserve(ctx, host_ring_pkt_bytes(0, len));
	if (ret != 0)
		return host_reserve_verdict(ret);
	host_ring_write_pkt(ctx->wr, VMBUS_CHANPKT_TYPE_COMP, 0, pkt->hdr.xact_id,
			    NULL, 0, msg, len);
	host_fault_note_completion(ctx->ch->dev, HVSIM_CTL_NVSP, pkt->hdr.xact_id, msg, len);
	return HOST_PKT_DONE;
}

static enum host_verdict
nvsp_drop(struct host_ctx *ctx, enum host_count reason)
{
	ctx->cnt->n[reason]++;
	return HOST_PKT_DONE;
}

/*
 * nvsp.md 3.7: after a buffer revoke the device's channels are served no more
 * until the guest closes the device, as OpenVMM ends its channel worker; a
 * second INIT on an open channel is as fatal there. A new session needs the
 * channel closed and opened again (the guest's last close and first open of
 * /dev/uioN), as Linux and DPDK do around an MTU change.
 */
static enum host_verdict
nvsp_halt(struct host_ctx *ctx)
{
	ctx->dev->halted = true;
	ctx->cnt->n[HOST_CNT_CHANNEL_HALTED]++;
	return HOST_PKT_DONE;
}

/* nvsp.md 1.2: INIT is always answered, with or without the RC flag, failures too. */
static enum host_verdict
nvsp_init(struct host_ctx *ctx, const struct host_ring_pkt *pkt, const uint8_t *msg,
	  uint32_t len)
{
	struct nvsp_init req;
	struct nvsp_init_complete reply;
	uint32_t version;

	if (len < NVSP_INIT_MIN_BYTES)
		return nvsp_drop(ctx, HOST_CNT_NVSP_TRUNCATED);
	if (ctx->dev->nvsp.version != 0)
		return nvsp_halt(ctx);
	memcpy(&req, msg, NVSP_INIT_MIN_BYTES);
	version = nvsp_pick_version(req.min_version, req.max_version);
	memset(&reply, 0, sizeof(reply));
	reply.msg_type = NVSP_MSG_TYPE_INIT_COMPLETE;
	reply.negotiated_version = version;
	reply.max_mdl_chain_len = NVSP_HOST_MAX_MDL_CHAIN;
	reply.status = version != 0 ? NVSP_STATUS_SUCCESS : NVSP_STATUS_FAILURE;
	if (nvsp_complete(ctx, pkt, &reply, sizeof(reply)) == HOST_PKT_WAIT)
		return HOST_PKT_WAIT;
	/* Only now: a packet that waited is handled again next pass. */
	if (version != 0) {
		ctx->dev->nvsp.version = version;
		ctx->cnt->n[HOST_CNT_NVSP_INIT_OK]++;
	} else {
		ctx->cnt->n[HOST_CNT_NVSP_INIT_FAIL]++;
	}
	return HOST_PKT_DONE;
}

/* nvsp.md 3.3-3.4: no reply, except the empty completion an RC flag asks for. */
static enum host_verdict
nvsp_record(struct host_ctx *ctx, const struct host_ring_pkt *pkt, uint32_t type,
	    const uint8_t *msg, uint32_t len)
{
	struct host_nvsp *nvsp = &ctx->dev->nvsp;
	struct nvsp_ndis_config cfg;
	struct nvsp_ndis_ver ver;
	uint32_t need = type == NVSP_MSG1_TYPE_SEND_NDIS_VER ? NVSP_NDIS_VER_MIN_BYTES :
			NVSP_NDIS_CONFIG_MIN_BYTES;

	if (len < need)
		return nvsp_drop(ctx, HOST_CNT_NVSP_TRUNCATED);
	if ((pkt->hdr.flags & VMBUS_CHANPKT_FLAG_RC) != 0 &&
	    nvsp_complete(ctx, pkt, NULL, 0) == HOST_PKT_WAIT)
		return HOST_PKT_WAIT;
	if (type == NVSP_MSG1_TYPE_SEND_NDIS_VER) {
		memcpy(&ver, msg, NVSP_NDIS_VER_MIN_BYTES);
		nvsp->ndis_major = ver.ndis_major;
		nvsp->ndis_minor = ver.ndis_minor;
	} else {
		memcpy(&cfg, msg, NVSP_NDIS_CONFIG_MIN_BYTES);
		nvsp->mtu = cfg.mtu;
		nvsp->ndis_caps = cfg.caps;
	}
	return HOST_PKT_DONE;
}

/* nvsp.md 3.5-3.6: one section of slots over the whole map 3 buffer. */
static enum host_verdict
nvsp_send_rxbuf(struct host_ctx *ctx, const struct host_ring_pkt *pkt, const uint8_t *msg,
		uint32_t len)
{
	struct hvsim_device *vdev = ctx->ch->dev;
	struct host_rxbuf *rb = &ctx->dev->rxbuf;
	struct nvsp_send_rxbuf_complete reply;
	struct nvsp_send_rxbuf req;
	int ret;

	if (len < offsetof(struct nvsp_send_rxbuf, pad))
		return nvsp_drop(ctx, HOST_CNT_NVSP_TRUNCATED);
	ret = host_reserve(ctx, host_ring_pkt_bytes(0, sizeof(reply)));
	if (ret != 0)
		return host_reserve_verdict(ret);
	memcpy(&req, msg, offsetof(struct nvsp_send_rxbuf, pad));
	memset(&reply, 0, sizeof(reply));
	reply.msg_type = NVSP_MSG1_TYPE_SEND_RXBUF_COMPLETE;
	reply.status = NVSP_STATUS_FAILURE;
	if (req.gpadl != vdev->recv_gpadl) {
		host_rxbuf_disconnect(rb);
		ctx->cnt->n[HOST_CNT_NVSP_BAD_GPADL]++;
	} else if (host_rxbuf_connect(rb, vdev->map_base[HVSIM_MAP_RECV_BUF],
				      vdev->map_bytes[HVSIM_MAP_RECV_BUF], HOST_RXBUF_SLOT_BYTES,
				      req.id) == 0) {
		reply.status = NVSP_STATUS_SUCCESS;
		reply.nb_sections = 1;
		reply.section.offset = 0;
		reply.section.sub_alloc_bytes = rb->slot_bytes;
		reply.section.nb_sub_allocs = rb->nb_slots;
		reply.section.end_offset = rb->slot_bytes * rb->nb_slots;
	}
	return nvsp_complete(ctx, pkt, &reply, sizeof(reply));	/* room reserved above */
}

/* nvsp.md 3.8-3.9: sections of 6144 bytes over the whole map 4 buffer. */
static enum host_verdict
nvsp_send_txbuf(struct host_ctx *ctx, const struct host_ring_pkt *pkt, const uint8_t *msg,
		uint32_t len)
{
	struct hvsim_device *vdev = ctx->ch->dev;
	struct host_txbuf *tb = &ctx->dev->txbuf;
	uint64_t nb = vdev->map_bytes[HVSIM_MAP_SEND_BUF] / HOST_TXBUF_SECTION_BYTES;
	struct nvsp_send_txbuf_complete reply;
	struct nvsp_send_txbuf req;
	int ret;

	if (len < offsetof(struct nvsp_send_txbuf, pad))
		return nvsp_drop(ctx, HOST_CNT_NVSP_TRUNCATED);
	ret = host_reserve(ctx, host_ring_pkt_bytes(0, sizeof(reply)));
	if (ret != 0)
		return host_reserve_verdict(ret);
	memcpy(&req, msg, offsetof(struct nvsp_send_txbuf, pad));
	memset(&reply, 0, sizeof(reply));
	memset(tb, 0, sizeof(*tb));
	reply.msg_type = NVSP_MSG1_TYPE_SEND_TXBUF_COMPLETE;
	reply.status = NVSP_STATUS_FAILURE;
	if (req.gpadl != vdev->send_gpadl) {
		ctx->cnt->n[HOST_CNT_NVSP_BAD_GPADL]++;
	} else if (vdev->map_base[HVSIM_MAP_SEND_BUF] != NULL && nb != 0) {
		tb->base = vdev->map_base[HVSIM_MAP_SEND_BUF];
		tb->section_bytes = HOST_TXBUF_SECTION_BYTES;
		tb->nb_sections = nb > UINT32_MAX ? UINT32_MAX : (uint32_t)nb;
		reply.status = NVSP_STATUS_SUCCESS;
		reply.section_bytes = HOST_TXBUF_SECTION_BYTES;
	}
	return nvsp_complete(ctx, pkt, &reply, sizeof(reply));	/* room reserved above */
}

/*
 * nvsp.md 3.7: no reply (an empty completion if the RC flag asks); the
 * buffer is forgotten and the device served no more until it is closed.
 */
static enum host_verdict
nvsp_revoke(struct host_ctx *ctx, const struct host_ring_pkt *pkt, uint32_t type)
{
	if ((pkt->hdr.flags & VMBUS_CHANPKT_FLAG_RC) != 0 &&
	    nvsp_complete(ctx, pkt, NULL, 0) == HOST_PKT_WAIT)
		return HOST_PKT_WAIT;
	if (type == NVSP_MSG1_TYPE_REVOKE_RXBUF)
		host_rxbuf_disconnect(&ctx->dev->rxbuf);
	else
		memset(&ctx->dev->txbuf, 0, sizeof(ctx->dev->txbuf));
	return nvsp_halt(ctx);
}

/* A scatter-gather entry ends at end, or (join) the last one grows to end. */
static void
nvsp_sge(struct host_dev *hd, uint32_t end, bool join)
{
	if (hd->nb_tx_sges > 0 && (join || hd->nb_tx_sges == HOST_TX_MAX_SGES))
		hd->tx_sge_end[hd->nb_tx_sges - 1] = end;
	else
		hd->tx_sge_end[hd->nb_tx_sges++] = end;
}

/* nvsp.md 3.10: the first bytes of a send-buffer section, appended to buf. */
static int
nvsp_gather_section(struct host_ctx *ctx, uint32_t index, uint32_t bytes, uint8_t *buf,
		    uint32_t cap, uint32_t *total)
{
	const struct host_txbuf *tb = &ctx->dev->txbuf;

	if (index == NVSP_SECTION_NONE)
		return -1;
	if (tb->base == NULL || index >= tb->nb_sections || bytes > tb->section_bytes ||
	    host_fault_revoked_fire(ctx))
		return HOST_CNT_NVSP_BAD_SECTION;
	if (bytes > cap - *total)
		return HOST_CNT_TOO_LONG;
	memcpy(buf + *total, tb->base + (uint64_t)index * tb->section_bytes, bytes);
	*total += bytes;
	nvsp_sge(ctx->dev, *total, false);
	return -1;
}

/* One GPA range (byte_count, byte_offset, then pfns), page by page into buf. */
static int
nvsp_gather_range(struct host_ctx *ctx, const uint8_t *pfns, uint32_t count, uint32_t off,
		  uint8_t *buf, uint32_t *total)
{
	uint64_t prev = 0;

	for (uint32_t k = 0; count > 0; k++) {
		uint32_t piece = VMBUS_PAGE_BYTES - off < count ? VMBUS_PAGE_BYTES - off : count;
		const void *src;
		uint64_t pfn;

		memcpy(&pfn, pfns + 8 * (size_t)k, sizeof(pfn));
		if (pfn > (UINT64_MAX >> 12))
			return HOST_CNT_BAD_GPA;
		src = hvsim_guest_mem(ctx->sim, pfn * VMBUS_PAGE_BYTES + off, piece);
		if (src == NULL)
			return HOST_CNT_BAD_GPA;
		memcpy(buf + *total, src, piece);
		*total += piece;
		nvsp_sge(ctx->dev, *total, k > 0 && pfn == prev + 1);
		prev = pfn;
		count -= piece;
		off = 0;
	}
	return -1;
}

/* The ranges in the extension [24, data_offset8 * 8) of a GPA-direct packet. */
static int
nvsp_gather_gpa(struct host_ctx *ctx, const struct host_ring_pkt *pkt, uint8_t *buf,
		uint32_t cap, uint32_t *total)
{
	uint32_t ext_end = (uint32_t)pkt->hdr.data_offset8 * 8;
	uint32_t cursor = sizeof(struct vmbus_chanpkt_gpa);
	uint32_t nb_ranges, nb_pages = 0;

	if (ext_end < cursor)
		return HOST_CNT_BAD_RANGE_COUNT;
	memcpy(&nb_ranges, pkt->bytes + offsetof(struct vmbus_chanpkt_gpa, range_count),
	       sizeof(nb_ranges));
	for (uint32_t i = 0; i < nb_ranges; i++) {
		uint32_t range[2];	/* byte_count, byte_offset (vmbus-ring.md 2.5) */
		uint64_t nb_pfns;
		int reason;

		if (ext_end - cursor < sizeof(range))
			return HOST_CNT_BAD_RANGE_COUNT;
		memcpy(range, pkt->bytes + cursor, sizeof(range));
		cursor += sizeof(range);
		if (range[1] >= VMBUS_PAGE_BYTES)
			return HOST_CNT_BAD_GPA;
		nb_pfns = ((uint64_t)range[1] + range[0] + VMBUS_PAGE_BYTES - 1) / VMBUS_PAGE_BYTES;
		if (nb_pfns > (ext_end - cursor) / 8)
			return HOST_CNT_BAD_RANGE_COUNT;
		if (range[0] > cap - *total)
			return HOST_CNT_TOO_LONG;
		reason = nvsp_gather_range(ctx, pkt->bytes + cursor, range[0], range[1], buf,
					   total);
		if (reason >= 0)
			return reason;
		cursor += (uint32_t)nb_pfns * 8;
		nb_pages += (uint32_t)nb_pfns;
	}
	/*
	 * Linux (MAX_PAGE_BUFFER_COUNT) and FreeBSD (HN_GPACNT_MAX) never send
	 * more than 32 pages a packet to a Hyper-V host; served here, counted.
	 */
	if (nb_pages > 32)
		ctx->cnt->n[HOST_CNT_GPA_OVER_32_PAGES]++;
	return -1;
}

int
host_nvsp_gather(struct host_ctx *ctx, const struct host_ring_pkt *pkt,
		 uint32_t section_index, uint32_t section_bytes, uint8_t *buf, uint32_t cap,
		 uint32_t *total)
{
	int reason;

	ctx->dev->nb_tx_sges = 0;
	reason = nvsp_gather_section(ctx, section_index, section_bytes, buf, cap, total);
	if (reason < 0 && pkt->hdr.type == VMBUS_CHANPKT_TYPE_GPA)
		reason = nvsp_gather_gpa(ctx, pkt, buf, cap, total);
	return reason;
}

/*
 * Completion of a guest 107 (nvsp.md 3.11), if it asked for one; room is
 * reserved. A data send's may be taken over by a fault (late, withheld, ...).
 */
static void
nvsp_rndis_complete(struct host_ctx *ctx, const struct host_ring_pkt *pkt, uint32_t status,
		    bool data)
{
	struct nvsp_rndis_pkt_complete reply;

	if ((pkt->hdr.flags & VMBUS_CHANPKT_FLAG_RC) == 0)
		return;
	memset(&reply, 0, sizeof(reply));
	reply.msg_type = NVSP_MSG1_TYPE_SEND_RNDIS_PKT_COMPLETE;
	reply.status = status;
	if (data && host_fault_complete_data(ctx, pkt, &reply, sizeof(reply)))
		return;
	host_ring_write_pkt(ctx->wr, VMBUS_CHANPKT_TYPE_COMP, 0, pkt->hdr.xact_id, NULL, 0,
			    &reply, sizeof(reply));
	if (!data)
		host_fault_note_completion(ctx->ch->dev, HVSIM_CTL_RNDIS, pkt->hdr.xact_id,
					   &reply, sizeof(reply));
}

uint64_t
host_nvsp_xfer_bytes(uint32_t nb)
{
	return host_ring_pkt_bytes((uint32_t)HOST_XFER_EXT_BYTES(nb),
				   sizeof(struct nvsp_rndis_pkt));
}

void
host_nvsp_write_xfer(struct host_ctx *ctx, uint32_t channel_type,
		     const struct vmbus_xfer_range *range, uint32_t nb)
{
	const size_t at = sizeof(struct vmbus_chanpkt_hdr);
	struct host_rxbuf *rb = &ctx->dev->rxbuf;
	uint8_t ext[HOST_XFER_EXT_BYTES(HOST_RX_MAX_RANGES)];
	struct nvsp_rndis_pkt msg;

	memset(ext, 0, HOST_XFER_EXT_BYTES(0));
	memcpy(ext + offsetof(struct vmbus_chanpkt_rxbuf, xfer_pageset_id) - at, &rb->id,
	       sizeof(rb->id));
	memcpy(ext + offsetof(struct vmbus_chanpkt_rxbuf, range_count) - at, &nb, sizeof(nb));
	memcpy(ext + offsetof(struct vmbus_chanpkt_rxbuf, range) - at, range,
	       nb * sizeof(*range));
	memset(&msg, 0, sizeof(msg));
	msg.msg_type = NVSP_MSG1_TYPE_SEND_RNDIS_PKT;
	msg.channel_type = channel_type;
	msg.section_index = NVSP_SECTION_NONE;
	host_ring_write_pkt(ctx->wr, VMBUS_CHANPKT_TYPE_RXBUF, 0,
			    range[0].byte_offset / rb->slot_bytes, ext,
			    (uint32_t)HOST_XFER_EXT_BYTES(nb), &msg, sizeof(msg));
}

/* rndis.md 9: the reply into free slots, then a transfer-page packet naming them. */
static void
nvsp_rndis_deliver(struct host_ctx *ctx, const uint8_t *reply, uint32_t len)
{
	struct host_rxbuf *rb = &ctx->dev->rxbuf;
	struct vmbus_xfer_range range = { .byte_count = len };
	uint32_t first;

	if (rb->base == NULL || host_fault_revoked_fire(ctx)) {
		ctx->cnt->n[HOST_CNT_RNDIS_NO_RXBUF]++;
		return;
	}
	if (host_rxbuf_alloc(rb, len, &first) != 0) {
		ctx->cnt->n[HOST_CNT_RXBUF_FULL]++;
		return;
	}
	range.byte_offset = first * rb->slot_bytes;
	memcpy(rb->base + range.byte_offset, reply, len);
	host_nvsp_write_xfer(ctx, NVSP_RNDIS_CHANNEL_CONTROL, &range, 1);
	ctx->cnt->n[HOST_CNT_RNDIS_REPLIES]++;
}

/* rndis.md 10: a data send, gathered and transmitted, then completed (after the read). */
static enum host_verdict
nvsp_rndis_data(struct host_ctx *ctx, const struct host_ring_pkt *pkt,
		const struct nvsp_rndis_pkt *req)
{
	uint32_t total = 0, status = NVSP_STATUS_FAILURE;
	int reason;

	reason = host_nvsp_gather(ctx, pkt, req->section_index, req->section_bytes,
				  ctx->dev->tx_gather, HOST_TX_GATHER_BYTES, &total);
	if (reason >= 0)
		ctx->cnt->n[reason]++;
	else
		status = host_tx_data(ctx, ctx->dev->tx_gather, total);
	nvsp_rndis_complete(ctx, pkt, status, true);
	return HOST_PKT_DONE;
}

/*
 * nvsp.md 3.10-3.11, 1.2: a guest 107. Control: gather the RNDIS message,
 * complete the 107, then deliver the answer. Data: host_tx_data, completed.
 */
static enum host_verdict
nvsp_rndis(struct host_ctx *ctx, const struct host_ring_pkt *pkt, const uint8_t *msg,
	   uint32_t len)
{
	uint8_t *req_bytes = ctx->dev->reply_scratch;
	uint8_t reply[HOST_RNDIS_MAX_REPLY_BYTES];
	struct nvsp_rndis_pkt req;
	uint32_t total = 0;
	uint64_t need = host_ring_pkt_bytes(0, sizeof(struct nvsp_rndis_pkt_complete));
	int ret, reason;

	if (len < offsetof(struct nvsp_rndis_pkt, pad))
		return nvsp_drop(ctx, HOST_CNT_NVSP_TRUNCATED);
	memcpy(&req, msg, offsetof(struct nvsp_rndis_pkt, pad));
	if (req.channel_type == NVSP_RNDIS_CHANNEL_CONTROL &&
	    host_fault_hold_control(ctx, pkt->hdr.xact_id))
		return HOST_PKT_LATER;
	if (req.channel_type == NVSP_RNDIS_CHANNEL_CONTROL)
		need += host_nvsp_xfer_bytes(1);
	ret = host_reserve(ctx, need);
	if (ret != 0)
		return host_reserve_verdict(ret);
	if (req.channel_type != NVSP_RNDIS_CHANNEL_CONTROL)
		return nvsp_rndis_data(ctx, pkt, &req);
	reason = host_nvsp_gather(ctx, pkt, req.section_index, req.section_bytes, req_bytes,
				  HOST_RNDIS_MAX_REQ_BYTES, &total);
	if (reason >= 0) {
		ctx->cnt->n[reason]++;
		nvsp_rndis_complete(ctx, pkt, NVSP_STATUS_FAILURE, false);
		return HOST_PKT_DONE;
	}
	ret = host_rndis_answer(ctx, req_bytes, total, reply);
	/* Completion before the reply: a late 108 breaks DPDK's next NVSP request. */
	nvsp_rndis_complete(ctx, pkt, ret < 0 ? NVSP_STATUS_FAILURE : NVSP_STATUS_SUCCESS, false);
	if (ret > 0)
		host_fault_rndis_reply(ctx, reply, (uint32_t)ret);
	if (ret > 0)
		nvsp_rndis_deliver(ctx, reply, (uint32_t)ret);
	return HOST_PKT_DONE;
}

/* The reply type nvsp.md defines for a request, or 0 when it defines none. */
static uint32_t
nvsp_reply_type(uint32_t type)
{
	switch (type) {
	case NVSP_MSG1_TYPE_SEND_RXBUF:
		return NVSP_MSG1_TYPE_SEND_RXBUF_COMPLETE;
	case NVSP_MSG1_TYPE_SEND_TXBUF:
		return NVSP_MSG1_TYPE_SEND_TXBUF_COMPLETE;
	case NVSP_MSG1_TYPE_SEND_RNDIS_PKT:
		return NVSP_MSG1_TYPE_SEND_RNDIS_PKT_COMPLETE;
	case NVSP_MSG5_TYPE_SUBCHANNEL:
		return NVSP_MSG5_TYPE_SUBCHANNEL;
	default:
		return 0;
	}
}

/*
 * Not served yet. A request with the RC flag still gets its one completion
 * (ring spec 2.3): a failed reply of its type, or empty when none is defined
 * (what 129 expects, nvsp.md 3.14), so the guest fails instead of hanging.
 */
static enum host_verdict
nvsp_unsupported(struct host_ctx *ctx, const struct host_ring_pkt *pkt, uint32_t type)
{
	struct nvsp_rndis_pkt_complete reply;
	uint32_t reply_type = nvsp_reply_type(type);
	enum host_verdict verdict = HOST_PKT_DONE;

	if ((pkt->hdr.flags & VMBUS_CHANPKT_FLAG_RC) != 0 && reply_type != 0) {
		memset(&reply, 0, sizeof(reply));
		reply.msg_type = reply_type;
		reply.status = NVSP_STATUS_FAILURE;
		verdict = nvsp_complete(ctx, pkt, &reply, sizeof(reply));
	} else if ((pkt->hdr.flags & VMBUS_CHANPKT_FLAG_RC) != 0) {
		verdict = nvsp_complete(ctx, pkt, NULL, 0);
	}
	if (verdict == HOST_PKT_DONE)
		ctx->cnt->n[HOST_CNT_NVSP_UNSUPPORTED]++;
	return verdict;
}

enum host_verdict
host_nvsp_packet(struct host_ctx *ctx, const struct host_ring_pkt *pkt)
{
	const uint8_t *msg;
	uint32_t len, type;

	/* nvsp.md 1: requests come inband, and 107 also GPA-direct (inline part). */
	if (pkt->hdr.type == VMBUS_CHANPKT_TYPE_COMP) {
		/* rndis.md 9: the guest is done with one of our transfer-page packets. */
		ctx->cnt->n[host_rxbuf_release(&ctx->dev->rxbuf, pkt->hdr.xact_id) ?
			    HOST_CNT_RXBUF_COMPLETIONS : HOST_CNT_RXBUF_BAD_COMPLETION]++;
		return HOST_PKT_DONE;
	}
	if (pkt->hdr.type != VMBUS_CHANPKT_TYPE_INBAND && pkt->hdr.type != VMBUS_CHANPKT_TYPE_GPA)
		return nvsp_drop(ctx, HOST_CNT_BAD_TYPE);
	msg = host_pkt_payload(pkt, &len);
	if (len < sizeof(struct nvsp_hdr))
		return nvsp_drop(ctx, HOST_CNT_NVSP_TRUNCATED);
	memcpy(&type, msg, sizeof(type));
	if (type != NVSP_MSG1_TYPE_SEND_RNDIS_PKT && host_fault_hold_control(ctx, pkt->hdr.xact_id))
		return HOST_PKT_LATER;
	switch (type) {
	case NVSP_MSG_TYPE_INIT:
		return nvsp_init(ctx, pkt, msg, len);
	case NVSP_MSG1_TYPE_SEND_NDIS_VER:
	case NVSP_MSG2_TYPE_SEND_NDIS_CONFIG:
		return nvsp_record(ctx, pkt, type, msg, len);
	case NVSP_MSG1_TYPE_SEND_RXBUF:
		return nvsp_send_rxbuf(ctx, pkt, msg, len);
	case NVSP_MSG1_TYPE_SEND_TXBUF:
		return nvsp_send_txbuf(ctx, pkt, msg, len);
	case NVSP_MSG1_TYPE_REVOKE_RXBUF:
	case NVSP_MSG1_TYPE_REVOKE_TXBUF:
		return nvsp_revoke(ctx, pkt, type);
	case NVSP_MSG1_TYPE_SEND_RNDIS_PKT:
		return nvsp_rndis(ctx, pkt, msg, len);
	case NVSP_MSG5_TYPE_SUBCHANNEL:
		return host_rss_subchannel(ctx, pkt, msg, len);
	case NVSP_MSG4_TYPE_SWITCH_DATA_PATH:	/* VF data path (host_vf.c) */
		return host_vf_switch_datapath(ctx, pkt, msg, len);
	default:
		return nvsp_unsupported(ctx, pkt, type);
	}
}
