/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Receive segment coalescing (rndis.md 6.3, nvsp.md 3.4 capability 0x80):
 * with --rsc and a guest that enabled it, consecutive in-sequence TCP
 * segments of one flow taken from the backend in one pass become one frame
 * (the first segment's headers, lengths and checksums fixed, payloads
 * concatenated), delivered as one PACKET with the packet-id PPI.
 */
#include <string.h>

#include "nvsp_wire.h"
#include "host.h"
#include "host_offload.h"

#define TCP_FLAG_PSH	0x08u
#define TCP_FLAG_ACK	0x10u

/* One TCP segment's layout in its frame. */
struct rsc_seg {
	bool ipv6;
	uint32_t l4;			/* TCP header offset */
	uint32_t hdr_len;		/* Ethernet + IP + TCP header bytes */
	uint32_t payload;		/* TCP payload bytes (Ethernet padding excluded) */
	uint32_t seq;
};

static inline uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

bool
host_rsc_active(const struct host_ctx *ctx)
{
	const struct host_dev *hd = ctx->dev;

	return ctx->sim->cfg.rsc && (hd->nvsp.ndis_caps & NVSP_NDIS_CAP_RSC) != 0 &&
	       (hd->rndis.rsc_ip4 || hd->rndis.rsc_ip6);
}

/*
 * A coalescing candidate: untagged IPv4 without options and not fragmented,
 * or IPv6 whose next header is TCP; TCP with ACK (PSH allowed) and nothing
 * else, a non-empty payload, and the guest's RSC on for that IP version.
 */
static bool
rsc_parse(const struct host_rndis *r, const struct hvsim_frame *f, struct rsc_seg *s)
{
	const uint8_t *d = f->data;
	struct host_l3 l3;
	uint32_t ip_len, doff, end;
	uint8_t flags;

	if (f->csum == HVSIM_CSUM_BAD || f->len < HOST_ETHER_HDR_BYTES)
		return false;
	l3 = host_l3_parse(d, f->len);
	if (!l3.ip || l3.off != HOST_ETHER_HDR_BYTES)
		return false;
	s->ipv6 = l3.ipv6;
	if (!l3.ipv6) {
		if (!r->rsc_ip4 || (d[14] & 0xfu) != 5 || d[23] != HOST_IPPROTO_TCP ||
		    (rd16(d + 20) & 0x3fffu) != 0)
			return false;
		ip_len = rd16(d + 16);
		s->l4 = 34;
		if (ip_len < 40)
			return false;
	} else {
		if (!r->rsc_ip6 || d[20] != HOST_IPPROTO_TCP)
			return false;
		ip_len = 40u + rd16(d + 18);
		s->l4 = 54;
		if (ip_len < 60)
			return false;
	}
	end = HOST_ETHER_HDR_BYTES + ip_len;
	if (end > f->len || s->l4 + 20 > end)
		return false;
	doff = (uint32_t)(d[s->l4 + 12] >> 4) * 4u;
	flags = d[s->l4 + 13];
	if (doff < 20 || s->l4 + doff >= end || (d[s->l4 + 12] & 0xfu) != 0 ||
	    (flags & ~(TCP_FLAG_ACK | TCP_FLAG_PSH)) != 0 || (flags & TCP_FLAG_ACK) == 0)
		return false;
	s->hdr_len = s->l4 + doff;
	s->payload = end - s->hdr_len;
	s->seq = rd32(d + s->l4 + 4);
	return true;
}

/*
 * Does b continue a (first: the run's first segment, a: its last)? Same
 * flow, VLAN, checksum knowledge, header length, ack and window; next seq.
 */
static bool
rsc_follows(const struct hvsim_frame *first, const struct rsc_seg *fs,
	    const struct rsc_seg *a, const struct hvsim_frame *g, const struct rsc_seg *b)
{
	const uint8_t *x = first->data, *y = g->data;
	uint32_t addr_at = fs->ipv6 ? 22 : 26, addr_len = fs->ipv6 ? 32 : 8;

	return b->ipv6 == fs->ipv6 && b->hdr_len == fs->hdr_len &&
	       g->has_vlan == first->has_vlan && (!g->has_vlan || g->vlan_tci == first->vlan_tci) &&
	       g->csum == first->csum && memcmp(x, y, 12) == 0 &&
	       memcmp(x + addr_at, y + addr_at, addr_len) == 0 &&
	       memcmp(x + fs->l4, y + fs->l4, 4) == 0 &&		/* ports */
	       memcmp(x + fs->l4 + 8, y + fs->l4 + 8, 4) == 0 &&	/* ack */
	       memcmp(x + fs->l4 + 14, y + fs->l4 + 14, 2) == 0 &&	/* window */
	       b->seq == a->seq + a->payload;
}

/* Lengths, PSH and checksums of the coalesced frame of len bytes. */
static void
rsc_fix(uint8_t *d, uint32_t len, const struct rsc_seg *s, bool psh)
{
	uint8_t *ip = d + HOST_ETHER_HDR_BYTES, *tcp = d + s->l4;
	uint32_t l4_len = len - s->l4, sum;
	uint8_t tail[4] = { 0, 0, 0, HOST_IPPROTO_TCP };
	uint8_t tl[4] = { (uint8_t)(l4_len >> 24), (uint8_t)(l4_len >> 16),
			  (uint8_t)(l4_len >> 8), (uint8_t)l4_len };

	if (!s->ipv6) {
		wr16(ip + 2, (uint16_t)(len - HOST_ETHER_HDR_BYTES));
		wr16(ip + 10, 0);
		wr16(ip + 10, host_ipv4_hdr_csum(ip, 20));
		sum = host_csum_add(0, ip + 12, 8);
	} else {
		wr16(ip + 4, (uint16_t)(len - HOST_ETHER_HDR_BYTES - 40));
		sum = host_csum_add(0, ip + 8, 32);
	}
	if (psh)
		tcp[13] |= TCP_FLAG_PSH;
	sum = host_csum_add(host_csum_add(sum, tail, 4), tl, 4);
	wr16(tcp + 16, 0);
	wr16(tcp + 16, host_csum_fold(host_csum_add(sum, tcp, l4_len)));
}

const struct hvsim_frame *
host_rsc_next(struct host_ctx *ctx, struct hvsim_backend *be, uint32_t *segs, bool *owned)
{
	struct host_rsc *rc = &ctx->dev->rsc;
	const struct hvsim_frame *f, *g;
	struct rsc_seg fs, last, s;
	uint32_t len;
	bool psh;

	if (rc->pending) {
		*segs = rc->nb_segs;
		*owned = true;
		return &rc->frame;
	}
	*segs = 1;
	*owned = false;
	f = hvsim_backend_peek(be);
	if (f == NULL || !host_rsc_active(ctx) || f->len > HOST_RSC_FRAME_BYTES ||
	    !rsc_parse(&ctx->dev->rndis, f, &fs))
		return f;
	/* Ours from here: the backend only shows its head. */
	memcpy(rc->buf, f->data, f->len);
	rc->frame = *f;
	rc->frame.data = rc->buf;
	rc->frame.hdr_key = 0;		/* its headers may change below */
	len = fs.hdr_len + fs.payload;
	psh = false;
	last = fs;
	hvsim_backend_consume(be);
	while ((g = hvsim_backend_peek(be)) != NULL && rsc_parse(&ctx->dev->rndis, g, &s) &&
	       rsc_follows(&rc->frame, &fs, &last, g, &s) && len + s.payload <= HOST_RSC_FRAME_BYTES) {
		memcpy(rc->buf + len, g->data + s.hdr_len, s.payload);
		len += s.payload;
		psh |= (g->data[s.l4 + 13] & TCP_FLAG_PSH) != 0;
		last = s;
		(*segs)++;
		hvsim_backend_consume(be);
	}
	if (*segs > 1) {		/* alone: delivered as it came, padding and all */
		rsc_fix(rc->buf, len, &fs, psh);
		rc->frame.len = len;
	}
	rc->nb_segs = *segs;
	rc->pending = true;
	*owned = true;
	return &rc->frame;
}

void
host_rsc_done(struct host_ctx *ctx, int placed)
{
	struct host_rsc *rc = &ctx->dev->rsc;

	if (placed < 0)
		return;			/* kept for the next pass */
	rc->pending = false;
	if (placed > 0 && rc->nb_segs > 1) {
		ctx->cnt->n[HOST_CNT_RSC_COALESCED_FRAMES]++;
		ctx->cnt->n[HOST_CNT_RSC_SEGMENTS_MERGED] += rc->nb_segs;
	}
}

uint32_t
host_rsc_ppi(struct host_ctx *ctx)
{
	struct host_rsc *rc = &ctx->dev->rsc;
	uint32_t id = rc->next_id++;

	return HOST_RSC_PPI_VERSION | HOST_RSC_PPI_FLAGS << 8 |
	       (id & 0xffffu) << 16;
}
