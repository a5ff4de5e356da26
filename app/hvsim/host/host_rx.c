/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Wire -> guest (rndis.md 9): frames waiting in the NIC's backend pass the
 * packet filter, become RNDIS PACKET messages (checksum, VLAN, RSS hash PPIs)
 * in receive slots, and leave in one transfer-page packet per pass.
 */
#include <string.h>

#include "nvsp_wire.h"
#include "host.h"
#include "host_offload.h"
#include "host_vf.h"

#define RX_PPI_BYTES	(sizeof(struct rndis_ppi) + 4u)	/* every PPI we send: one u32 */
#define RX_MAX_PPIS	5u

/* The PPIs of one frame, in wire order. */
struct rx_ppis {
	uint32_t nb;
	uint32_t type[RX_MAX_PPIS];
	uint32_t value[RX_MAX_PPIS];
};

static inline uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

bool
host_rx_ready(const struct hvsim_device *dev)
{
	const struct host_dev *hd = dev->host;

	return dev->kind == HVSIM_DEV_NIC && hd != NULL && hd->open &&
	       dev->backend_state != NULL && hd->rndis.packet_filter != 0 &&
	       hd->rxbuf.base != NULL && !host_fault_revoked(dev);
}

/* rndis.md 8. The multicast list is refused (OpenVMM): MULTICAST alone passes no group. */
static bool
rx_filter_pass(uint32_t filter, const uint8_t mac[RNDIS_MAC_BYTES], const uint8_t *dst)
{
	static const uint8_t bcast[RNDIS_MAC_BYTES] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	if ((filter & RNDIS_FILTER_PROMISCUOUS) != 0)
		return true;
	if (memcmp(dst, bcast, RNDIS_MAC_BYTES) == 0)
		return (filter & RNDIS_FILTER_BROADCAST) != 0;
	if ((dst[0] & 1u) != 0)
		return (filter & RNDIS_FILTER_ALL_MULTICAST) != 0;
	return (filter & RNDIS_FILTER_DIRECTED) != 0 && memcmp(dst, mac, RNDIS_MAC_BYTES) == 0;
}

static void
rx_ppi_add(struct rx_ppis *p, uint32_t type, uint32_t value)
{
	p->type[p->nb] = type;
	p->value[p->nb] = value;
	p->nb++;
}

/* The IPv4 header's sum; host_l3_parse passed only a whole header of 20 bytes or more. */
static bool
rx_ipv4_hdr_ok(const uint8_t *frame, struct host_l3 l3)
{
	return host_ipv4_hdr_csum(frame + l3.off, (frame[l3.off] & 0xfu) * 4u) == 0;
}

/*
 * What rx_plan needs of the headers: parsed once per key (a generator's
 * flow) and length, every time for frames without a key.
 */
static struct host_rx_class *
rx_classify(struct host_dev *hd, const struct hvsim_frame *f)
{
	struct host_rx_class *c = f->hdr_key != 0 ?
				  &hd->rx_class[f->hdr_key % HOST_RX_CLASS_SLOTS] :
				  &hd->rx_class_once;

	if (c->key == f->hdr_key && c->len == f->len && f->hdr_key != 0)
		return c;
	c->key = f->hdr_key;
	c->len = f->len;
	c->prefix_bytes = 0;		/* made again for the new class when asked */
	c->l3 = host_l3_parse(f->data, f->len);
	c->strip = !f->has_vlan && f->len >= HOST_ETHER_HDR_BYTES + HOST_VLAN_TAG_BYTES &&
		   rd16(f->data + 12) == HOST_ETHERTYPE_VLAN;
	/* The IP protocol (IPv6: the fixed header's next header). */
	c->proto = c->l3.ip ? f->data[c->l3.off + (c->l3.ipv6 ? 6 : 9)] : 0;
	/* The IPv4 header checked here, as a NIC does; the backend's verdict is L4's. */
	c->ip_flags = !c->l3.ip || c->l3.ipv6 ? 0 :
		      rx_ipv4_hdr_ok(f->data, c->l3) ? RNDIS_RX_CSUM_IP_OK :
						       RNDIS_RX_CSUM_IP_FAILED;
	return c;
}

/* rndis.md 6.1: checksum result flags for the protocols present. */
static uint32_t
rx_csum_flags(const struct hvsim_frame *f, const struct host_rx_class *c)
{
	bool good = f->csum == HVSIM_CSUM_GOOD;

	if (f->csum == HVSIM_CSUM_UNKNOWN || !c->l3.ip)
		return 0;
	if (c->proto == HOST_IPPROTO_TCP)
		return c->ip_flags | (good ? RNDIS_RX_CSUM_TCP_OK : RNDIS_RX_CSUM_TCP_FAILED);
	if (c->proto == HOST_IPPROTO_UDP)
		return c->ip_flags | (good ? RNDIS_RX_CSUM_UDP_OK : RNDIS_RX_CSUM_UDP_FAILED);
	return c->ip_flags;
}

/*
 * Which PPIs the frame gets and the channel it goes to (rndis.md 5.7: the hash
 * PPIs and a channel other than the primary only under the guest's RSS);
 * strip: a tag in the data moves to the VLAN PPI.
 */
static void
rx_plan(struct host_ctx *ctx, const struct hvsim_frame *f, const struct host_rx_class *c,
	uint32_t segs, struct rx_ppis *p, bool *strip, uint32_t *chan)
{
	const struct host_rndis *r = &ctx->dev->rndis;
	uint16_t tci = f->vlan_tci;
	uint32_t hash = 0, type, csum;

	p->nb = 0;
	*chan = 0;
	*strip = c->strip;
	csum = rx_csum_flags(f, c);
	if (csum != 0)
		rx_ppi_add(p, RNDIS_PPI_CSUM, csum);
	if (*strip)
		tci = rd16(f->data + 14);
	if (f->has_vlan || *strip)
		rx_ppi_add(p, RNDIS_PPI_VLAN, (uint32_t)(tci >> 13) |
			   (uint32_t)(tci >> 12 & 1u) << RNDIS_VLAN_CFI_SHIFT |
			   (uint32_t)(tci & RNDIS_VLAN_ID_MASK) << RNDIS_VLAN_ID_SHIFT);
	type = host_rss_hash_l3(r, ctx->sim->cfg.rss_udp, f->data, f->len, c->l3, &hash);
	if (type != 0) {
		rx_ppi_add(p, RNDIS_PPI_HASH_VALUE, hash);
		rx_ppi_add(p, RNDIS_PPI_HASH_INFO, NDIS_HASH_FUNC_TOEPLITZ | type);
		*chan = host_rss_channel(r, hash);
	}
	if (segs > 1)
		rx_ppi_add(p, HOST_RSC_PPI_TYPE, host_rsc_ppi(ctx));
}

/*
 * Frames up to RX_SMALL_FRAME_BYTES move in 16-byte words, the last one
 * overlapping: libc's memcpy was a call and a size dispatch for each.
 */
#define RX_SMALL_FRAME_BYTES	256u

static inline void
rx_copy(uint8_t *dst, const uint8_t *src, uint32_t len)
{
	if (len < 16 || len > RX_SMALL_FRAME_BYTES) {
		memcpy(dst, src, len);
		return;
	}
	for (uint32_t i = 0; i + 16 < len; i += 16)
		memcpy(dst + i, src + i, 16);
	memcpy(dst + len - 16, src + len - 16, 16);
}

/* Two consecutive u32 fields as one store (the host is little-endian, as the wire is). */
static inline void
rx_put_pair(uint8_t *p, uint32_t lo, uint32_t hi)
{
	const uint64_t v = (uint64_t)hi << 32 | lo;

	memcpy(p, &v, sizeof(v));
}

/* A message's bytes before its frame (rndis.md 6): the header, then PPI records of 16 bytes. */
static uint32_t
rx_prefix_bytes(const struct rx_ppis *p)
{
	return (uint32_t)sizeof(struct rndis_packet_msg) + p->nb * RX_PPI_BYTES;
}

/*
 * The header and PPI records of a message for data_len frame bytes. The
 * header goes out in 8-byte stores of its fields: built on the stack and
 * copied, its wide reloads of narrow stores could not be forwarded and
 * waited behind the slot's stores.
 */
static void
rx_write_prefix(uint8_t *out, uint32_t msg_len, uint32_t data_len, const struct rx_ppis *p)
{
	uint8_t *at = out + sizeof(struct rndis_packet_msg);

	static_assert(sizeof(struct rndis_packet_msg) == 44, "rx_write_prefix's stores");
	rx_put_pair(out, RNDIS_MSG_PACKET, msg_len);
	rx_put_pair(out + 8, RNDIS_PACKET_MIN_DATA_OFFSET + p->nb * RX_PPI_BYTES, data_len);
	rx_put_pair(out + 16, 0, 0);			/* OOB data offset, length */
	rx_put_pair(out + 24, 0, p->nb != 0 ? RNDIS_PACKET_MIN_DATA_OFFSET : 0);
	rx_put_pair(out + 32, p->nb * RX_PPI_BYTES, 0);	/* PPI length, VC handle */
	memset(out + 40, 0, 4);
	for (uint32_t i = 0; i < p->nb; i++, at += RX_PPI_BYTES) {
		/* struct rndis_ppi (size, type, data_offset), then the value */
		rx_put_pair(at, RX_PPI_BYTES, p->type[i]);
		rx_put_pair(at + 8, sizeof(struct rndis_ppi), p->value[i]);
	}
}

/* The frame after its prefix; strip: the tag in its data left out. */
static void
rx_write_frame(uint8_t *at, const struct hvsim_frame *f, bool strip)
{
	if (strip) {
		memcpy(at, f->data, 12);
		rx_copy(at + 12, f->data + 16, f->len - 16);
	} else {
		rx_copy(at, f->data, f->len);
	}
}

/*
 * The usual frame of a kept class (one segment, no tag, no RSS) gets the
 * same header and checksum PPI as the class's others of its checksum
 * verdict: made once into the class, then copied from there.
 */
static bool
rx_prefix_kept(const struct host_dev *hd, const struct hvsim_frame *f,
	       const struct host_rx_class *c, uint32_t segs)
{
	return f->hdr_key != 0 && segs == 1 && !f->has_vlan && !c->strip && !hd->rndis.rss_enabled;
}

/*
 * One channel's share of a pass: its write batch (the primary's is the
 * caller's) and its ranges, sent as one transfer-page packet at the end.
 */
struct rx_lane {
	struct host_ring_writer own;
	struct host_ring_writer *wr;	/* NULL: not begun */
	struct host_counters *cnt;
	struct vmbus_xfer_range *range;
	uint32_t nb;
	uint32_t room;			/* ranges the ring is known to take */
	uint32_t last_slot;		/* first slot of range[nb - 1] */
};

/*
 * Ranges whose room in the ring is asked for at once. The writer's room is
 * what the ring had when the pass began, less the pass's own packets, and
 * no packet is written to the lane before its transfer: it holds.
 */
#define RX_ROOM_STEP	16u

/* Can the lane's transfer (below HOST_RX_MAX_RANGES) take one more range? */
static bool
rx_lane_room(struct rx_lane *l)
{
	uint32_t want = HOST_MIN_U32(l->nb + RX_ROOM_STEP, HOST_RX_MAX_RANGES);

	if (l->nb < l->room)
		return true;
	if (host_ring_write_room(l->wr, host_nvsp_xfer_bytes(want)) != 0) {
		want = l->nb + 1;
		if (host_ring_write_room(l->wr, host_nvsp_xfer_bytes(want)) != 0)
			return false;
	}
	l->room = want;
	return true;
}

/* The lane for channel idx, begun on first use; the primary's when idx cannot take it. */
static struct rx_lane *
rx_lane_get(struct host_ctx *ctx, struct rx_lane *lane, uint32_t idx)
{
	struct hvsim_device *vdev = ctx->ch->dev;
	struct rx_lane *l = &lane[idx];
	struct host_chan *hc;

	if (l->wr != NULL)
		return l;		/* the primary's is always begun */
	if (idx >= vdev->nb_channels || idx >= HVSIM_MAX_CHANNELS)
		return &lane[0];
	hc = host_channel_get(&vdev->chan[idx]);
	if (hc == NULL || host_ring_write_begin(&hc->ring, &l->own) != 0)
		return &lane[0];
	l->wr = &l->own;
	l->cnt = &hc->cnt;
	return l;
}

/* The faults that write to the first subchannel, through its lane (flushed with the pass). */
static __attribute__((noinline)) unsigned int
rx_fault_subchannel(struct host_ctx *ctx, struct rx_lane *lanes)
{
	struct rx_lane *l = rx_lane_get(ctx, lanes, 1);
	struct host_ctx sub = { ctx->sim, &ctx->ch->dev->chan[1], ctx->dev, l->wr, l->cnt };

	return l != &lanes[0] ? host_fault_subchannel_inject(&sub) : 0;	/* else not open */
}

/*
 * One frame (segs > 1: coalesced by host_rsc.c) into its own slot(s) and its
 * channel's lane. 1: placed; 0: consumed without delivery (counted); -1: no
 * room now, it stays in the backend.
 */
static int
rx_place(struct host_ctx *ctx, const struct hvsim_frame *f, uint32_t segs, const uint8_t *mac,
	 struct rx_lane *lanes)
{
	struct host_dev *hd = ctx->dev;
	struct host_rxbuf *rb = &hd->rxbuf;
	struct host_rx_class *c;
	struct vmbus_xfer_range *range;
	struct rx_lane *lane;
	struct rx_ppis ppis;
	uint32_t msg_len, first, chan = 0, prefix;
	bool strip = false, kept;
	uint8_t *out;
	int ret;

	if (f->len < HOST_ETHER_HDR_BYTES ||
	    f->len > (segs > 1 ? HOST_RSC_FRAME_BYTES : HVSIM_FRAME_MAX_BYTES)) {
		ctx->cnt->n[f->len < HOST_ETHER_HDR_BYTES ? HOST_CNT_RX_RUNT :
			    HOST_CNT_RX_TOO_LONG]++;
		return 0;
	}
	if (!rx_filter_pass(hd->rndis.packet_filter, mac, f->data)) {
		ctx->cnt->n[HOST_CNT_RX_FILTERED]++;
		return 0;
	}
	ppis.nb = 0;			/* read only once planned; set for the compiler's sake */
	c = rx_classify(hd, f);
	kept = rx_prefix_kept(hd, f, c, segs);
	if (!kept || c->prefix_bytes == 0 || c->prefix_csum != f->csum) {
		rx_plan(ctx, f, c, segs, &ppis, &strip, &chan);
		prefix = rx_prefix_bytes(&ppis);
		kept = kept && prefix <= HOST_RX_PREFIX_BYTES;
		if (kept) {
			rx_write_prefix(c->prefix, prefix + f->len, f->len, &ppis);
			c->prefix_bytes = (uint8_t)prefix;
			c->prefix_csum = (uint8_t)f->csum;
		}
	} else {
		prefix = c->prefix_bytes;
	}
	lane = rx_lane_get(ctx, lanes, chan);
	if (lane->nb == HOST_RX_MAX_RANGES)
		return -1;		/* this batch's transfer is full: the next pass */
	if (!rx_lane_room(lane)) {
		lane->cnt->n[HOST_CNT_RX_RING_FULL]++;
		return -1;
	}
	msg_len = prefix + f->len - (strip ? HOST_VLAN_TAG_BYTES : 0);
	/*
	 * Frames never take the last slots: control replies and indications
	 * must find room while a guest that waits for one keeps freeing slots.
	 */
	if (rb->nb_slots - rb->nb_busy < (msg_len <= rb->slot_bytes ? 0 : msg_len / rb->slot_bytes) +
					 rb->frame_reserve) {
		ctx->cnt->n[HOST_CNT_RX_NO_SLOT]++;
		return -1;
	}
	ret = host_rxbuf_alloc(rb, msg_len, &first);
	if (ret == -EMSGSIZE) {
		ctx->cnt->n[HOST_CNT_RX_TOO_LONG]++;
		return 0;
	}
	if (ret != 0) {
		ctx->cnt->n[HOST_CNT_RX_NO_SLOT]++;
		return -1;
	}
	range = &lane->range[lane->nb];
	range->byte_count = msg_len;
	range->byte_offset = first * rb->slot_bytes;
	out = rb->base + range->byte_offset;
	if (kept && msg_len >= HOST_RX_PREFIX_BYTES) {
		/* all kept bytes at once: the frame then overwrites what is past its prefix */
		memcpy(out, c->prefix, HOST_RX_PREFIX_BYTES);
	} else if (kept) {
		memcpy(out, c->prefix, prefix);
	} else {
		rx_write_prefix(out, msg_len, msg_len - prefix, &ppis);
	}
	rx_write_frame(out + prefix, f, strip);
	lane->cnt->n[HOST_CNT_RX_BYTES] += f->len - (strip ? HOST_VLAN_TAG_BYTES : 0);
	if (lane->nb > 0)
		host_rxbuf_link(rb, lane->last_slot, first);
	lane->last_slot = first;
	lane->nb++;
	return 1;
}

/* Each begun lane's transfer, then its batch published (subchannels: signalled). */
static void
rx_lanes_flush(struct host_ctx *ctx, struct rx_lane *lanes, uint32_t nb_lanes)
{
	struct hvsim_device *vdev = ctx->ch->dev;

	for (uint32_t c = 0; c < nb_lanes; c++) {
		struct rx_lane *l = &lanes[c];
		struct host_ctx lctx = { ctx->sim, &vdev->chan[c], ctx->dev, l->wr, l->cnt };

		if (l->wr == NULL)
			continue;
		if (l->nb != 0) {
			host_nvsp_write_xfer(&lctx, NVSP_RNDIS_CHANNEL_DATA, l->range, l->nb);
			l->cnt->n[HOST_CNT_RX_FRAMES] += l->nb;
			l->cnt->n[HOST_CNT_RX_XFERS]++;
		}
		if (c != 0 && host_ring_write_end(l->wr)) {
			l->cnt->n[HOST_CNT_INTERRUPTS]++;
			hvsim_kernel_interrupt(ctx->sim, &vdev->chan[c]);
		}
	}
}

unsigned int
host_rx_pass(struct host_ctx *ctx)
{
	struct hvsim_device *vdev = ctx->ch->dev;
	struct hvsim_backend *be = vdev->backend_state;
	struct rx_lane lanes[HVSIM_MAX_CHANNELS];
	uint32_t nb_lanes = vdev->nb_channels < HVSIM_MAX_CHANNELS ? vdev->nb_channels :
			    HVSIM_MAX_CHANNELS;
	const struct hvsim_frame *f;
	uint8_t mac[RNDIS_MAC_BYTES];
	unsigned int nb = 0;
	uint32_t segs;
	bool owned;
	int ret;

	/* The pass may have just handled the guest's revoke of the buffer. */
	if (!host_rx_ready(vdev))
		return 0;
	nb += host_fault_rx_inject(ctx);	/* on the primary, whichever path carries data */
	if (host_vf_owns_rx(vdev))
		return nb;		/* VF data path: host_vf.c delivers */
	if (nb_lanes == 0)
		nb_lanes = 1;
	for (uint32_t c = 0; c < nb_lanes; c++) {
		lanes[c].wr = NULL;
		lanes[c].nb = 0;
		lanes[c].room = 0;
		lanes[c].range = ctx->dev->rx_range[c];
	}
	lanes[0].wr = ctx->wr;
	lanes[0].cnt = ctx->cnt;
	host_rndis_mac(ctx->sim, vdev, mac);
	if (vdev->fault.armed[HVSIM_FAULT_SUBCHANNEL_COMPLETIONS] && nb_lanes > 1)
		nb += rx_fault_subchannel(ctx, lanes);
	while ((f = host_rsc_next(ctx, be, &segs, &owned)) != NULL) {
		ret = rx_place(ctx, f, segs, mac, lanes);
		if (owned)
			host_rsc_done(ctx, ret);
		if (ret < 0)
			break;
		nb += (unsigned int)ret;
		if (!owned)
			hvsim_backend_consume(be);
	}
	rx_lanes_flush(ctx, lanes, nb_lanes);
	return nb;
}
