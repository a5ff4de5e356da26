/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The transmit offloads of rndis.md 6.1 on a private copy of a guest frame:
 * IPv4 header and TCP/UDP (IPv4, IPv6) checksum fill-in, LSOv2 segmentation
 * and 802.1Q insertion. Which PPIs asked for them is host_tx.c's business.
 */
#include <string.h>

#include "rndis_wire.h"
#include "host_offload.h"

#define IPV4_MIN_HDR_BYTES	20u
#define IPV6_HDR_BYTES		40u
#define TCP_MIN_HDR_BYTES	20u
#define UDP_HDR_BYTES		8u
#define TCP_CSUM_AT		16u
#define UDP_CSUM_AT		6u
#define TCP_FLAG_FIN		0x01u
#define TCP_FLAG_PSH		0x08u
#define TCP_FLAG_CWR		0x80u

static inline uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void
wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

/*
 * The ones'-complement sum does not depend on byte order except for a swap
 * of the result, nor on the word size if carries wrap around (RFC 1071), so
 * the bytes are summed as native 64-bit words and the folded 16 bits swapped
 * once for a little-endian host.
 */
uint32_t
host_csum_add(uint32_t sum, const uint8_t *p, uint32_t len)
{
	uint64_t s = 0, q;
	uint32_t i = 0, w;
	uint16_t v;

	for (; i + 8 <= len; i += 8) {
		memcpy(&q, p + i, 8);
		s += q;
		s += s < q;		/* the end-around carry */
	}
	s = (s & 0xffffffffu) + (s >> 32);
	if (i + 4 <= len) {		/* fewer than 8 left: at most one of each */
		memcpy(&w, p + i, 4);
		s += w;
		i += 4;
	}
	if (i + 2 <= len) {
		memcpy(&v, p + i, 2);
		s += v;
		i += 2;
	}
	if (i < len) {			/* the odd byte is the high half of its word */
		uint8_t last[2] = { p[i], 0 };

		memcpy(&v, last, 2);
		s += v;
	}
	while (s >> 16)
		s = (s & 0xffffu) + (s >> 16);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	s = (s >> 8 | s << 8) & 0xffffu;
#endif
	s += sum;
	while (s >> 32)
		s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
}

uint16_t
host_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)~sum;
}

struct host_l3
host_l3_parse(const uint8_t *frame, uint32_t len)
{
	struct host_l3 l3 = { .off = HOST_ETHER_HDR_BYTES };
	uint16_t type;

	if (len < HOST_ETHER_HDR_BYTES)
		return l3;
	type = rd16(frame + 12);
	if (type == HOST_ETHERTYPE_VLAN) {
		if (len < HOST_ETHER_HDR_BYTES + HOST_VLAN_TAG_BYTES)
			return l3;
		l3.off += HOST_VLAN_TAG_BYTES;
		type = rd16(frame + 16);
	}
	if (type == HOST_ETHERTYPE_IPV4 && len - l3.off >= IPV4_MIN_HDR_BYTES &&
	    frame[l3.off] >> 4 == 4 && (frame[l3.off] & 0xfu) * 4u >= IPV4_MIN_HDR_BYTES &&
	    (frame[l3.off] & 0xfu) * 4u <= len - l3.off)
		l3.ip = true;
	if (type == HOST_ETHERTYPE_IPV6 && len - l3.off >= IPV6_HDR_BYTES &&
	    frame[l3.off] >> 4 == 6) {
		l3.ip = true;
		l3.ipv6 = true;
	}
	return l3;
}

uint16_t
host_ipv4_hdr_csum(const uint8_t *ip, uint32_t ihl)
{
	uint32_t w[5];
	uint64_t s;

	/* Every received frame's header is checked: five words, then any options. */
	memcpy(w, ip, 20);
	s = (uint64_t)w[0] + w[1] + w[2] + w[3] + w[4];
	for (uint32_t i = 20; i + 4 <= ihl; i += 4) {
		memcpy(w, ip + i, 4);
		s += w[0];
	}
	while (s >> 16)
		s = (s & 0xffffu) + (s >> 16);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	s = (s >> 8 | s << 8) & 0xffffu;
#endif
	return (uint16_t)~s;
}

static void
ipv4_hdr_csum(uint8_t *ip)
{
	wr16(ip + 10, 0);
	wr16(ip + 10, host_ipv4_hdr_csum(ip, (ip[0] & 0xfu) * 4u));
}

/* Pseudo-header sum (RFC 768/793, RFC 8200 8.1) for l4_len bytes of proto. */
static uint32_t
pseudo_sum(const uint8_t *ip, bool ipv6, uint8_t proto, uint32_t l4_len)
{
	uint8_t tail[4] = { 0, 0, 0, proto };
	uint32_t sum = ipv6 ? host_csum_add(0, ip + 8, 32) : host_csum_add(0, ip + 12, 8);

	sum = host_csum_add(sum, tail, 4);
	return host_csum_add(sum, (const uint8_t[4]){ (uint8_t)(l4_len >> 24),
		(uint8_t)(l4_len >> 16), (uint8_t)(l4_len >> 8), (uint8_t)l4_len }, 4);
}

/* Fill the TCP/UDP checksum of the l4_len bytes at l4. */
static void
l4_csum(uint8_t *ip, bool ipv6, uint8_t *l4, uint32_t l4_len, bool tcp)
{
	uint8_t *field = l4 + (tcp ? TCP_CSUM_AT : UDP_CSUM_AT);
	uint16_t c;

	wr16(field, 0);
	c = host_csum_fold(host_csum_add(pseudo_sum(ip, ipv6, tcp ? HOST_IPPROTO_TCP :
						    HOST_IPPROTO_UDP, l4_len), l4, l4_len));
	if (!tcp && c == 0)
		c = 0xffff;		/* RFC 768: 0 means no checksum */
	wr16(field, c);
}

/* End of the IP packet (excluding Ethernet padding), or 0 if its length field lies. */
static uint32_t
ip_end(const uint8_t *frame, uint32_t len, struct host_l3 l3)
{
	const uint8_t *ip = frame + l3.off;
	uint32_t ip_len = l3.ipv6 ? IPV6_HDR_BYTES + rd16(ip + 4) : rd16(ip + 2);

	if (ip_len > len - l3.off)
		return 0;
	return l3.off + ip_len;
}

/* The transport header offset: the PPI's when given, else right after the IP header. */
static uint32_t
l4_offset(const uint8_t *frame, struct host_l3 l3, uint32_t given)
{
	if (given != 0)
		return given;
	return l3.off + (l3.ipv6 ? IPV6_HDR_BYTES : (frame[l3.off] & 0xfu) * 4u);
}

int
host_offload_csum(uint8_t *frame, uint32_t len, uint32_t req)
{
	struct host_l3 l3 = host_l3_parse(frame, len);
	bool tcp = (req & RNDIS_TX_CSUM_TCP) != 0, udp = (req & RNDIS_TX_CSUM_UDP) != 0;
	uint32_t given = req >> RNDIS_TX_CSUM_L4_OFFSET_SHIFT & RNDIS_TX_CSUM_L4_OFFSET_MASK;
	uint32_t l4, end, min_ip = l3.ipv6 ? IPV6_HDR_BYTES : IPV4_MIN_HDR_BYTES;

	if ((req & (RNDIS_TX_CSUM_TCP | RNDIS_TX_CSUM_UDP | RNDIS_TX_CSUM_IP_HDR)) == 0)
		return 0;
	if (!l3.ip || (tcp && udp))
		return -1;
	if (l3.ipv6 ? (req & RNDIS_TX_CSUM_IPV4) != 0 : (req & RNDIS_TX_CSUM_IPV6) != 0)
		return -1;
	if (!l3.ipv6 && (req & RNDIS_TX_CSUM_IP_HDR) != 0)
		ipv4_hdr_csum(frame + l3.off);
	if (!tcp && !udp)
		return 1;
	l4 = l4_offset(frame, l3, given);
	end = ip_end(frame, len, l3);
	if (l4 < l3.off + min_ip || end == 0 || l4 > end ||
	    end - l4 < (tcp ? TCP_MIN_HDR_BYTES : UDP_HDR_BYTES))
		return -1;
	l4_csum(frame + l3.off, l3.ipv6, frame + l4, end - l4, tcp);
	return 1;
}

/* Headers of an LSO frame, checked. */
struct lso_plan {
	struct host_l3 l3;
	uint32_t tcp_off, hdr_len, mss;
};

static int
lso_plan(const uint8_t *frame, uint32_t len, uint32_t word, struct lso_plan *p)
{
	uint32_t given = word >> RNDIS_LSO_TCP_OFFSET_SHIFT & RNDIS_LSO_TCP_OFFSET_MASK;

	p->l3 = host_l3_parse(frame, len);
	p->mss = word & RNDIS_LSO_MSS_MASK;
	/* bit 30 clear would be LSO v1, which this host does not implement */
	if ((word & RNDIS_LSO_V2) == 0 || !p->l3.ip ||
	    p->l3.ipv6 != ((word & RNDIS_LSO_IPV6) != 0) || p->mss == 0)
		return -1;
	if (!p->l3.ipv6 && frame[p->l3.off + 9] != HOST_IPPROTO_TCP)
		return -1;
	p->tcp_off = l4_offset(frame, p->l3, given);
	if (p->tcp_off < p->l3.off + (p->l3.ipv6 ? IPV6_HDR_BYTES : IPV4_MIN_HDR_BYTES) ||
	    p->tcp_off > len || len - p->tcp_off < TCP_MIN_HDR_BYTES)
		return -1;
	p->hdr_len = p->tcp_off + (frame[p->tcp_off + 12] >> 4) * 4u;
	if (p->hdr_len < p->tcp_off + TCP_MIN_HDR_BYTES || p->hdr_len > len)
		return -1;
	return 0;
}

/* Segment i (of nb) of payload bytes chunk: headers fixed up in seg. */
static uint32_t
lso_build(const uint8_t *frame, const struct lso_plan *p, uint32_t i, uint32_t nb,
	  uint32_t chunk, uint8_t *seg)
{
	uint32_t seg_len = p->hdr_len + chunk;
	uint8_t *ip = seg + p->l3.off, *tcp = seg + p->tcp_off;

	memcpy(seg, frame, p->hdr_len);
	memcpy(seg + p->hdr_len, frame + p->hdr_len + i * p->mss, chunk);
	if (p->l3.ipv6) {
		wr16(ip + 4, (uint16_t)(seg_len - p->l3.off - IPV6_HDR_BYTES));
	} else {
		wr16(ip + 2, (uint16_t)(seg_len - p->l3.off));
		wr16(ip + 4, (uint16_t)(rd16(ip + 4) + i));
		ipv4_hdr_csum(ip);
	}
	wr32(tcp + 4, rd32(tcp + 4) + i * p->mss);
	if (i + 1 < nb)
		tcp[13] &= (uint8_t)~(TCP_FLAG_FIN | TCP_FLAG_PSH);
	if (i > 0)
		tcp[13] &= (uint8_t)~TCP_FLAG_CWR;
	l4_csum(ip, p->l3.ipv6, tcp, seg_len - p->tcp_off, true);
	return seg_len;
}

int
host_offload_lso(const uint8_t *frame, uint32_t len, uint32_t word, uint8_t *seg,
		 uint32_t seg_cap, host_emit_fn emit, void *arg)
{
	struct lso_plan p;
	uint32_t payload, nb;

	if (lso_plan(frame, len, word, &p) != 0)
		return -1;
	payload = len - p.hdr_len;
	nb = payload == 0 ? 1 : (payload + p.mss - 1) / p.mss;
	if (p.hdr_len + (payload < p.mss ? payload : p.mss) > seg_cap ||
	    (!p.l3.ipv6 && p.hdr_len - p.l3.off + (uint64_t)p.mss > UINT16_MAX))
		return -2;
	for (uint32_t i = 0; i < nb; i++) {
		uint32_t left = payload - i * p.mss;
		uint32_t chunk = left < p.mss ? left : p.mss;

		emit(arg, seg, lso_build(frame, &p, i, nb, chunk, seg));
	}
	return (int)nb;
}

uint32_t
host_offload_vlan_insert(const uint8_t *frame, uint32_t len, uint16_t tci, uint8_t *out)
{
	memcpy(out, frame, 12);
	wr16(out + 12, HOST_ETHERTYPE_VLAN);
	wr16(out + 14, tci);
	memcpy(out + 16, frame + 12, len - 12);
	return len + HOST_VLAN_TAG_BYTES;
}
