/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NVSP host for HVSIM_DEV_NIC, first stage: version negotiation, NDIS version
 * and config recorded, every other request failed cleanly so a guest never
 * waits forever (spec/nvsp.md 1.2). Buffers, RNDIS and data come later.
 */
#include <string.h>

#include "nvsp_wire.h"
#include "host.h"

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
	int ret = host_reserve(ctx, host_ring_pkt_bytes(0, len));

	if (ret != 0)
		return host_reserve_verdict(ret);
	host_ring_write_pkt(ctx->wr, VMBUS_CHANPKT_TYPE_COMP, 0, pkt->hdr.xact_id,
			    NULL, 0, msg, len);
	return HOST_PKT_DONE;
}

static enum host_verdict
nvsp_drop(struct host_ctx *ctx, enum host_count reason)
{
	ctx->cnt->n[reason]++;
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
	if (pkt->hdr.type == VMBUS_CHANPKT_TYPE_COMP)
		return nvsp_drop(ctx, HOST_CNT_NVSP_UNSUPPORTED);
	if (pkt->hdr.type != VMBUS_CHANPKT_TYPE_INBAND && pkt->hdr.type != VMBUS_CHANPKT_TYPE_GPA)
		return nvsp_drop(ctx, HOST_CNT_BAD_TYPE);
	msg = host_pkt_payload(pkt, &len);
	if (len < sizeof(struct nvsp_hdr))
		return nvsp_drop(ctx, HOST_CNT_NVSP_TRUNCATED);
	memcpy(&type, msg, sizeof(type));
	switch (type) {
	case NVSP_MSG_TYPE_INIT:
		return nvsp_init(ctx, pkt, msg, len);
	case NVSP_MSG1_TYPE_SEND_NDIS_VER:
	case NVSP_MSG2_TYPE_SEND_NDIS_CONFIG:
		return nvsp_record(ctx, pkt, type, msg, len);
	default:
		return nvsp_unsupported(ctx, pkt, type);
	}
}
