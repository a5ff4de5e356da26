/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Multi-queue for HVSIM_DEV_NIC: subchannel grants (nvsp.md 3.12) and the
 * send indirection table (3.15); the receive side of RSS (rndis.md 5.7):
 * which tuple a frame hashes over and which channel its hash selects.
 */
#include <string.h>

#include "nvsp_wire.h"
#include "host.h"
#include "host_offload.h"

#define RSS_IPV4_FRAG_MASK	0x3fffu		/* more-fragments flag and fragment offset */

static inline uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t
host_rss_max_queues(const struct hvsim_device *dev)
{
	uint32_t queues = dev->max_subchannels + 1;

	return queues > HVSIM_MAX_CHANNELS ? HVSIM_MAX_CHANNELS : queues;
}

/*
 * The count asked is the total of subchannels wanted, not more on top of
 * those offered (OpenVMM's netvsp reads it so; Linux and DPDK send the
 * total): granted that total, never past the queue count the RSS caps reported.
 */
uint32_t
host_rss_grant(const struct hvsim_device *dev, uint32_t asked)
{
	uint32_t cap = host_rss_max_queues(dev) - 1;

	return asked < cap ? asked : cap;
}

/* nvsp.md 3.15 as OpenVMM fills it: bucket i on channel i mod channels. */
static void
rss_write_indirection(struct host_ctx *ctx)
{
	struct nvsp_indirection_table msg = {
		.msg_type = NVSP_MSG5_TYPE_SEND_INDIRECTION_TABLE,
		.nb_entries = NVSP_INDIRECTION_TABLE_ENTRIES,
		.table_offset = offsetof(struct nvsp_indirection_table, entry),
	};
	uint32_t nb = ctx->ch->dev->nb_channels;

	for (uint32_t i = 0; i < NVSP_INDIRECTION_TABLE_ENTRIES; i++)
		msg.entry[i] = nb != 0 ? i % nb : 0;
	host_ring_write_pkt(ctx->wr, VMBUS_CHANPKT_TYPE_INBAND, 0, 0, NULL, 0, &msg, sizeof(msg));
}

/*
 * nvsp.md 3.12: answered like INIT, with or without the RC flag. The
 * completion goes first; the offers follow, so the guest's scan finds them.
 */
enum host_verdict
host_rss_subchannel(struct host_ctx *ctx, const struct host_ring_pkt *pkt, const uint8_t *msg,
		    uint32_t len)
{
	struct hvsim_device *vdev = ctx->ch->dev;
	struct nvsp_subchannel_complete reply;
	struct nvsp_subchannel_req req;
	uint32_t granted = 0, have, offered;
	bool ok;
	int ret;

	if (len < offsetof(struct nvsp_subchannel_req, pad)) {
		ctx->cnt->n[HOST_CNT_NVSP_TRUNCATED]++;
		return HOST_PKT_DONE;
	}
	ret = host_reserve(ctx, host_ring_pkt_bytes(0, sizeof(reply)) +
			   host_ring_pkt_bytes(0, sizeof(struct nvsp_indirection_table)));
	if (ret != 0)
		return host_reserve_verdict(ret);
	memcpy(&req, msg, offsetof(struct nvsp_subchannel_req, pad));
	ok = vdev->kind == HVSIM_DEV_NIC && ctx->ch->subchannel_id == 0 &&
	     ctx->dev->nvsp.version >= NVSP_VERSION_5 && req.op == NVSP_SUBCHANNEL_OP_ALLOCATE;
	if (ok)
		granted = host_rss_grant(vdev, req.nb_subchannels);
	else
		ctx->cnt->n[HOST_CNT_NVSP_UNSUPPORTED]++;	/* bad op, NVSP < 5, not primary */
	memset(&reply, 0, sizeof(reply));
	reply.msg_type = NVSP_MSG5_TYPE_SUBCHANNEL;
	reply.status = ok ? NVSP_STATUS_SUCCESS : NVSP_STATUS_FAILURE;
	reply.nb_subchannels = granted;
	host_ring_write_pkt(ctx->wr, VMBUS_CHANPKT_TYPE_COMP, 0, pkt->hdr.xact_id, NULL, 0,
			    &reply, sizeof(reply));
	host_fault_note_completion(vdev, HVSIM_CTL_NVSP, pkt->hdr.xact_id, &reply, sizeof(reply));
	/* Those not offered yet; a smaller total takes none back. */
	have = vdev->nb_channels > 0 ? vdev->nb_channels - 1 : 0;
	if (granted <= have)
		return HOST_PKT_DONE;
	offered = hvsim_kernel_offer_subchannels(ctx->sim, vdev, granted - have);
	ctx->cnt->n[HOST_CNT_SUBCHANNELS_OFFERED] += offered;
	if (offered < granted - have)
		ctx->cnt->n[HOST_CNT_SUBCHANNEL_OFFER_FAILED] += granted - have - offered;
	rss_write_indirection(ctx);
	return HOST_PKT_DONE;
}

/* Is the frame's L4 header (first 4 bytes: the ports) there to hash? */
static bool
rss_has_ports(const uint8_t *frame, uint32_t len, struct host_l3 l3, uint32_t *l4)
{
	if (l3.ipv6) {
		*l4 = l3.off + 40u;
	} else {
		if ((rd16(frame + l3.off + 6) & RSS_IPV4_FRAG_MASK) != 0)
			return false;	/* a fragment: ports only in the first, hash none */
		*l4 = l3.off + (frame[l3.off] & 0xfu) * 4u;
	}
	return *l4 <= len && len - *l4 >= 4;
}

/* The 4-tuple hash type for this L4 protocol, if offered; 0 when there is none. */
static uint32_t
rss_l4_type(uint8_t proto, bool ipv6, bool udp_offered)
{
	if (proto == HOST_IPPROTO_TCP)
		return ipv6 ? NDIS_HASH_TCP_IPV6 : NDIS_HASH_TCP_IPV4;
	if (proto == HOST_IPPROTO_UDP && udp_offered)
		return ipv6 ? NDIS_HASH_UDP_IPV6 : NDIS_HASH_UDP_IPV4;
	return 0;
}

uint32_t
host_rss_hash(const struct host_rndis *r, bool udp_offered, const uint8_t *frame, uint32_t len,
	      uint32_t *hash)
{
	return host_rss_hash_l3(r, udp_offered, frame, len, host_l3_parse(frame, len), hash);
}

/* The hash of an IP frame the guest's RSS covers; kept out of line (host_rss_hash_l3). */
static __attribute__((noinline)) uint32_t
rss_hash_ip(const struct host_rndis *r, bool udp_offered, const uint8_t *frame, uint32_t len,
	    struct host_l3 l3, uint32_t *hash)
{
	uint32_t addr_off = l3.ipv6 ? 8 : 12, addr_len = l3.ipv6 ? 32 : 8;
	uint32_t ip_type = l3.ipv6 ? NDIS_HASH_IPV6 : NDIS_HASH_IPV4;
	uint32_t l4_type, l4 = 0;
	uint8_t tuple[36];

	memcpy(tuple, frame + l3.off + addr_off, addr_len);
	l4_type = rss_l4_type(frame[l3.off + (l3.ipv6 ? 6 : 9)], l3.ipv6, udp_offered);
	if ((r->rss_hash_info & l4_type) != 0 && rss_has_ports(frame, len, l3, &l4)) {
		memcpy(tuple + addr_len, frame + l4, 4);
		*hash = host_toeplitz(r->rss_key, NDIS_RSS_KEY_BYTES, tuple, addr_len + 4);
		return l4_type;
	}
	if ((r->rss_hash_info & ip_type) == 0)
		return 0;
	*hash = host_toeplitz(r->rss_key, NDIS_RSS_KEY_BYTES, tuple, addr_len);
	return ip_type;
}

/*
 * The receive pass asks for every frame: the test that most frames end at
 * (no RSS) stays small enough to inline, without the hash's registers.
 */
uint32_t
host_rss_hash_l3(const struct host_rndis *r, bool udp_offered, const uint8_t *frame,
		 uint32_t len, struct host_l3 l3, uint32_t *hash)
{
	if (!r->rss_enabled || !l3.ip ||
	    (r->rss_hash_info & NDIS_RSS_HASH_FUNC_MASK) != NDIS_HASH_FUNC_TOEPLITZ)
		return 0;
	return rss_hash_ip(r, udp_offered, frame, len, l3, hash);
}

/* rndis.md 5.7: table[hash mod entries] (= hash & 127 for the usual 128). */
uint32_t
host_rss_channel(const struct host_rndis *r, uint32_t hash)
{
	if (!r->rss_enabled || r->rss_nb_entries == 0)
		return 0;
	return r->rss_table[hash % r->rss_nb_entries];
}
