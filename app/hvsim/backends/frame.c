/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The test traffic format (frame.h): templates patched per sequence number
 * with precomputed pattern CRCs and sums (no per-frame pass over the pattern
 * but a copy), the verifier of frames coming back, and the sequence tracker.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"

#define ETHERTYPE_IPV4		0x0800u
#define ETHERTYPE_VLAN		0x8100u
#define IPPROTO_UDP_NUM		17u
#define IPPROTO_TCP_NUM		6u
#define IP_DF			0x4000u
#define IP_MF_OR_OFFSET		0x3fffu
#define FRAME_TTL		64u
#define TCP_DATA_OFF_5		0x50u		/* 20-byte header, no options */
#define TCP_FLAGS_PSH_ACK	0x18u
#define TCP_WINDOW		0xffffu
#define CRC32_POLY_REFLECTED	0xedb88320u

/* Slice-by-8: table k advances the CRC over a byte followed by k zero bytes. */
static uint32_t crc32_table[8][256];
static bool crc32_table_ready;

static void
put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, (uint16_t)(v >> 16));
	put_be16(p + 2, (uint16_t)v);
}

/* The ones'-complement contribution of a big-endian u32 field: its two words. */
static inline uint32_t
csum_words32(uint32_t v)
{
	return (v >> 16) + (v & 0xffffu);
}

static uint16_t
get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get_be32(const uint8_t *p)
{
	return (uint32_t)get_be16(p) << 16 | get_be16(p + 2);
}

/* The 64-bit sequence number in gen's header at hdr (bytes 8..15). */
static uint64_t
hdr_seq(const uint8_t *hdr)
{
	return (uint64_t)get_be32(hdr + 8) << 32 | get_be32(hdr + 12);
}

static void
crc32_build_table(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ CRC32_POLY_REFLECTED : c >> 1;
		crc32_table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int k = 1; k < 8; k++)
			crc32_table[k][i] = (crc32_table[k - 1][i] >> 8) ^
					    crc32_table[0][crc32_table[k - 1][i] & 0xff];
	crc32_table_ready = true;
}

static uint32_t
get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* CRC-32 (IEEE 802.3, reflected), 8 bytes a step: gen checks every frame that comes back. */
uint32_t
frame_crc32(const uint8_t *data, uint32_t len)
{
	const uint32_t (*t)[256] = crc32_table;
	uint32_t c = UINT32_MAX, i = 0;

	if (!crc32_table_ready)
		crc32_build_table();
	for (; len - i >= 8; i += 8) {
		uint32_t lo = get_le32(data + i) ^ c, hi = get_le32(data + i + 4);

		c = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^
		    t[4][lo >> 24] ^ t[3][hi & 0xff] ^ t[2][(hi >> 8) & 0xff] ^
		    t[1][(hi >> 16) & 0xff] ^ t[0][hi >> 24];
	}
	for (; i < len; i++)
		c = t[0][(c ^ data[i]) & 0xff] ^ (c >> 8);
	return ~c;
}

/* Whole little-endian 32-bit words, summed wide (RFC 1071: folded and swapped after). */
static uint64_t
sum_le32(const uint8_t *p, uint32_t words)
{
	uint64_t sum = 0;

	for (uint32_t i = 0; i < words; i++)
		sum += get_le32(p + 4 * i);
	return sum;
}

/* A wide sum of little-endian words as the 16-bit big-endian ones'-complement sum. */
static uint32_t
fold_le(uint64_t wide)
{
	/* Fixed steps, no loop: below 2^33, then 2^18, then 2^16 + 2, then 16 bits. */
	wide = (wide & 0xffffffffu) + (wide >> 32);
	wide = (wide & 0xffff) + (wide >> 16);
	wide = (wide & 0xffff) + (wide >> 16);
	wide = (wide & 0xffff) + (wide >> 16);
	return (uint32_t)((wide & 0xff) << 8 | wide >> 8);
}

uint32_t
frame_csum_add(uint32_t sum, const uint8_t *data, uint32_t len)
{
	uint64_t wide = 0;
	uint32_t i = 0;

	/*
	 * RFC 1071: the ones'-complement sum of 16-bit words can be taken over
	 * wider words and folded, and in either byte order (the result is then
	 * byte-swapped): 8 bytes a step as two little-endian 32-bit words, the
	 * tail as at most one word each of 4 and 2 bytes and the odd byte, which
	 * is the high half of its big-endian word (the low one little-endian).
	 */
	for (; len - i >= 8; i += 8)
		wide += (uint64_t)get_le32(data + i) + get_le32(data + i + 4);
	if (len - i >= 4) {
		wide += get_le32(data + i);
		i += 4;
	}
	if (len - i >= 2) {
		wide += (uint32_t)data[i] | (uint32_t)data[i + 1] << 8;
		i += 2;
	}
	if (i < len)
		wide += data[i];
	return frame_csum_fold(sum + fold_le(wide));
}

uint16_t
frame_csum_fold(uint32_t sum)
{
	/* Two steps fold any 32 bits: at most 0x1fffe, then at most 0xffff. */
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint32_t
frame_len_for(uint32_t size, bool vlan_inline, bool tcp)
{
	uint32_t least = (tcp ? FRAME_TCP_HEADERS_BYTES : FRAME_HEADERS_BYTES) +
			 (vlan_inline ? FRAME_VLAN_BYTES : 0);

	if (size < FRAME_MIN_BYTES || size > FRAME_MAX_BYTES)
		return 0;
	return size < least ? least : size;
}

/* Pseudo header of IPv4 at ip for an L4 segment of l4_len bytes (RFC 768/793). */
static uint32_t
pseudo_sum(const uint8_t *ip, uint32_t l4_len)
{
	return fold_le(sum_le32(ip + 12, 2)) + ip[9] + l4_len;
}

static void
template_put_l2(struct frame_template *t, unsigned int nic_index, int vlan)
{
	static const uint8_t oui[3] = { 0x00, 0x15, 0x5d };	/* Hyper-V's */
	uint8_t *b = t->buf;

	memcpy(b, oui, 3);
	b[3] = 0x00, b[4] = 0x00, b[5] = (uint8_t)(nic_index + 1);
	memcpy(b + 6, oui, 3);
	b[9] = 0xff, b[10] = 0xff, b[11] = (uint8_t)(nic_index + 1);
	t->l3_off = FRAME_ETH_BYTES;
	if (vlan >= 0) {
		put_be16(b + 12, ETHERTYPE_VLAN);
		put_be16(b + 14, (uint16_t)(vlan & 0xfff));
		t->l3_off += FRAME_VLAN_BYTES;
	}
	put_be16(b + t->l3_off - 2, ETHERTYPE_IPV4);
}

/* IPv4 198.18.<nic>.1 -> 198.18.<nic>.2 (RFC 2544 benchmark range), UDP or TCP. */
static void
template_put_ip(struct frame_template *t, unsigned int nic_index, uint8_t proto)
{
	uint8_t *ip = t->buf + t->l3_off;
	const uint8_t src[4] = { 198, 18, (uint8_t)nic_index, 1 };
	const uint8_t dst[4] = { 198, 18, (uint8_t)nic_index, 2 };

	memset(ip, 0, FRAME_IP_BYTES);
	ip[0] = 0x45;
	put_be16(ip + 2, (uint16_t)(t->len - t->l3_off));
	put_be16(ip + 6, IP_DF);
	ip[8] = FRAME_TTL;
	ip[9] = proto;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	put_be16(ip + 10, (uint16_t)~frame_csum_add(0, ip, FRAME_IP_BYTES));
}

/* Pseudo header, L4 header and test header with the per-frame fields still zero. */
static uint32_t
template_l4_sum_base(const struct frame_template *t)
{
	const uint8_t *ip = t->buf + t->l3_off;
	uint32_t l4_len = t->len - t->l3_off - FRAME_IP_BYTES;

	return pseudo_sum(ip, l4_len) +
	       frame_csum_add(0, ip + FRAME_IP_BYTES, t->l4_bytes + FRAME_HDR_BYTES);
}

void
frame_template_init(struct frame_template *t, uint8_t *buf, uint32_t len,
		    unsigned int nic_index, uint32_t flow, int vlan, bool tcp)
{
	uint8_t *l4, *hdr;
	uint32_t l4_len;

	t->buf = buf;
	t->len = len;
	t->flow = flow;
	t->l4_bytes = tcp ? FRAME_TCP_BYTES : FRAME_UDP_BYTES;
	memset(buf, 0, len);
	template_put_l2(t, nic_index, vlan);
	template_put_ip(t, nic_index, tcp ? IPPROTO_TCP_NUM : IPPROTO_UDP_NUM);
	l4 = buf + t->l3_off + FRAME_IP_BYTES;
	l4_len = len - t->l3_off - FRAME_IP_BYTES;
	put_be16(l4, (uint16_t)(FRAME_SRC_PORT_BASE + flow));
	put_be16(l4 + 2, FRAME_DST_PORT);
	if (tcp) {
		/* sequence number (4..7) per frame; no ACK number, though ACK is set */
		l4[12] = TCP_DATA_OFF_5;
		l4[13] = TCP_FLAGS_PSH_ACK;
		put_be16(l4 + 14, TCP_WINDOW);
	} else {
		put_be16(l4 + 4, (uint16_t)l4_len);
	}
	hdr = l4 + t->l4_bytes;
	put_be32(hdr, FRAME_MAGIC);
	put_be32(hdr + 4, flow);
	put_be32(hdr + 16, l4_len - t->l4_bytes);
	/* seq (8..15) and crc (20..23) are zero here: added per frame. */
	t->l4_sum_base = template_l4_sum_base(t);
}

void
frame_template_set_src(struct frame_template *t, const uint8_t src[4])
{
	uint8_t *ip = t->buf + t->l3_off;

	memcpy(ip + 12, src, 4);
	put_be16(ip + 10, 0);
	put_be16(ip + 10, (uint16_t)~frame_csum_add(0, ip, FRAME_IP_BYTES));
	t->l4_sum_base = template_l4_sum_base(t);
}

int
frame_pattern_init(struct frame_pattern *p, const struct frame_template *t)
{
	p->len = t->len - t->l3_off - FRAME_IP_BYTES - t->l4_bytes - FRAME_HDR_BYTES;
	p->bytes = malloc(p->len + 256);
	if (p->bytes == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < p->len + 256; i++)
		p->bytes[i] = (uint8_t)i;
	for (uint32_t s = 0; s < 256; s++) {
		p->crc[s] = frame_crc32(p->bytes + s, p->len);
		p->sum[s] = frame_csum_add(0, p->bytes + s, p->len);
	}
	return 0;
}

void
frame_pattern_free(struct frame_pattern *p)
{
	free(p->bytes);
	p->bytes = NULL;
}

/* TCP: one stream per flow, each frame's payload following the previous one's. */
static uint32_t
template_tcp_seq(const struct frame_pattern *p, uint64_t seq)
{
	return (uint32_t)(seq * (FRAME_HDR_BYTES + p->len));
}

/* The L4 checksum field of t's frame seq; bad: a wrong one, never 0 (inlined: every frame). */
static inline __attribute__((always_inline)) uint16_t
template_l4_csum(const struct frame_template *t, const struct frame_pattern *p, uint64_t seq,
		 bool bad)
{
	uint32_t idx = (uint32_t)(seq & 0xff);
	/* The words fill writes, summed from their values (every frame: no loop). */
	uint32_t sum = t->l4_sum_base + csum_words32((uint32_t)(seq >> 32)) +
		       csum_words32((uint32_t)seq) + csum_words32(p->crc[idx]) + p->sum[idx];
	uint16_t csum;

	if (t->l4_bytes == FRAME_TCP_BYTES)
		sum += csum_words32(template_tcp_seq(p, seq));
	csum = (uint16_t)~frame_csum_fold(sum);
	if (csum == 0)
		csum = 0xffff;		/* RFC 768: 0 means "no checksum"; same sum for TCP */
	if (bad)
		csum = csum == 0x1234 ? 0x4321 : 0x1234;
	return csum;
}

void
frame_template_fill(struct frame_template *t, const struct frame_pattern *p, uint64_t seq,
		    bool bad_csum)
{
	bool tcp = t->l4_bytes == FRAME_TCP_BYTES;
	uint8_t *l4 = t->buf + t->l3_off + FRAME_IP_BYTES;
	uint8_t *hdr = l4 + t->l4_bytes;
	uint32_t idx = (uint32_t)(seq & 0xff);

	put_be32(hdr + 8, (uint32_t)(seq >> 32));
	put_be32(hdr + 12, (uint32_t)seq);
	put_be32(hdr + 20, p->crc[idx]);
	if (p->len != 0)
		memcpy(hdr + FRAME_HDR_BYTES, p->bytes + idx, p->len);
	if (tcp)
		put_be32(l4 + 4, template_tcp_seq(p, seq));
	put_be16(l4 + (tcp ? 16 : 6), template_l4_csum(t, p, seq, bad_csum));
}

/* n >= 8 bytes alike: 8 at a time, the last 8 overlapping (inlined: no memcmp call). */
static inline bool
bytes_equal(const uint8_t *a, const uint8_t *b, uint32_t n)
{
	uint64_t x, y, diff = 0;

	for (uint32_t i = 0; i + 8 < n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		diff |= x ^ y;
	}
	memcpy(&x, a + n - 8, 8);
	memcpy(&y, b + n - 8, 8);
	return (diff | (x ^ y)) == 0;
}

bool
frame_template_ids(const struct frame_template *t, const uint8_t *frame, uint32_t len,
		   uint32_t *flow, uint64_t *seq)
{
	const uint8_t *hdr = frame + t->l3_off + FRAME_IP_BYTES + t->l4_bytes;

	if (len != t->len)
		return false;
	*flow = get_be32(hdr + 4);
	*seq = hdr_seq(hdr);
	return true;
}

/*
 * The template's bytes compared where fill never writes (they were stored
 * once, at init), the fields fill writes computed for seq. Inlined with
 * the layout constant (below), the byte compares unroll.
 */
static inline __attribute__((always_inline)) bool
template_made_at(const struct frame_template *t, const struct frame_pattern *p,
		 const uint8_t *frame, uint64_t seq, bool bad_csum, uint32_t l3_off, bool tcp)
{
	const uint8_t *tb = t->buf;
	uint32_t l4 = l3_off + FRAME_IP_BYTES, hdr = l4 + (tcp ? FRAME_TCP_BYTES : FRAME_UDP_BYTES);
	uint32_t idx = (uint32_t)(seq & 0xff);

	/* From the Ethernet type to the L4 checksum (TCP: to its sequence number) */
	if (!bytes_equal(frame + 12, tb + 12, l4 + (tcp ? 4 : 6) - 12))
		return false;
	/* TCP: acknowledgment, offset, flags, window; urgent pointer */
	if (tcp && (!bytes_equal(frame + l4 + 8, tb + l4 + 8, 8) ||
		    get_be16(frame + l4 + 18) != get_be16(tb + l4 + 18)))
		return false;
	/* gen's header: magic and flow, payload length */
	if (!bytes_equal(frame + hdr, tb + hdr, 8) ||
	    get_be32(frame + hdr + 16) != get_be32(tb + hdr + 16))
		return false;
	if (hdr_seq(frame + hdr) != seq ||
	    get_be32(frame + hdr + 20) != p->crc[idx] ||
	    (tcp && get_be32(frame + l4 + 4) != template_tcp_seq(p, seq)) ||
	    get_be16(frame + l4 + (tcp ? 16 : 6)) != template_l4_csum(t, p, seq, bad_csum))
		return false;
	return p->len == 0 || memcmp(frame + hdr + FRAME_HDR_BYTES, p->bytes + idx, p->len) == 0;
}

bool
frame_template_made(const struct frame_template *t, const struct frame_pattern *p,
		    const uint8_t *frame, uint64_t seq, bool bad_csum)
{
	bool tcp = t->l4_bytes == FRAME_TCP_BYTES;

	if (t->l3_off != FRAME_ETH_BYTES)
		return template_made_at(t, p, frame, seq, bad_csum, t->l3_off, tcp);
	return tcp ? template_made_at(t, p, frame, seq, bad_csum, FRAME_ETH_BYTES, true) :
		     template_made_at(t, p, frame, seq, bad_csum, FRAME_ETH_BYTES, false);
}

/*
 * An IPv4 header of ihl bytes (>= 20, whole words) sums to all ones; every
 * frame that comes back is checked, so its words are summed directly.
 */
static bool
ipv4_hdr_sum_ok(const uint8_t *ip, uint32_t ihl)
{
	uint64_t sum = sum_le32(ip, FRAME_IP_BYTES / 4);	/* fixed count: unrolled */

	if (ihl > FRAME_IP_BYTES)
		sum += sum_le32(ip + FRAME_IP_BYTES, (ihl - FRAME_IP_BYTES) / 4);
	return fold_le(sum) == 0xffff;
}

/* Offset of the IPv4 header, or 0 when the frame is not IPv4 (one tag at most). */
static uint32_t
l3_offset(const uint8_t *data, uint32_t len)
{
	uint32_t off = FRAME_ETH_BYTES;

	if (len < FRAME_ETH_BYTES + FRAME_VLAN_BYTES)
		return 0;
	if (get_be16(data + 12) == ETHERTYPE_VLAN)
		off += FRAME_VLAN_BYTES;
	if (get_be16(data + off - 2) != ETHERTYPE_IPV4 || len - off < FRAME_IP_BYTES)
		return 0;
	return off;
}

/* The L4 checksum (UDP or TCP) of the segment at ip + 20 is right. */
static bool
l4_csum_ok(const uint8_t *ip, uint32_t ihl, uint32_t l4_len)
{
	uint32_t sum = pseudo_sum(ip, l4_len) + frame_csum_add(0, ip + ihl, l4_len);

	return frame_csum_fold(sum) == 0xffff;
}

/*
 * Our header fields agree with the frame's lengths, and the pattern's CRC.
 * With the sender's pattern of that length (known), the pattern is compared
 * byte for byte and the CRC field with the one computed for it: the same
 * verdict as the CRC, and a memcmp instead of a CRC per byte.
 */
static bool
ours_intact(const uint8_t *ip, uint32_t ip_len, uint32_t l4_bytes,
	    const struct frame_pattern *known, uint32_t *flow, uint64_t *seq)
{
	const uint8_t *l4 = ip + FRAME_IP_BYTES, *hdr = l4 + l4_bytes;
	uint32_t l4_len = ip_len - FRAME_IP_BYTES;
	uint32_t pattern_len = l4_len - l4_bytes - FRAME_HDR_BYTES;

	*flow = get_be32(hdr + 4);
	*seq = hdr_seq(hdr);
	if (!ipv4_hdr_sum_ok(ip, FRAME_IP_BYTES))
		return false;
	if (l4_bytes == FRAME_TCP_BYTES ? l4[12] != TCP_DATA_OFF_5 : get_be16(l4 + 4) != l4_len)
		return false;
	if (get_be32(hdr + 16) != l4_len - l4_bytes || *flow >= FRAME_MAX_FLOWS ||
	    get_be16(l4) != FRAME_SRC_PORT_BASE + *flow)
		return false;
	if (known != NULL && known->len == pattern_len) {
		uint32_t idx = (uint32_t)(*seq & 0xff);

		/* gen's smallest frames have no pattern: no memcmp call for nothing */
		return known->crc[idx] == get_be32(hdr + 20) &&
		       (pattern_len == 0 ||
			memcmp(hdr + FRAME_HDR_BYTES, known->bytes + idx, pattern_len) == 0);
	}
	return frame_crc32(hdr + FRAME_HDR_BYTES, pattern_len) == get_be32(hdr + 20);
}

/* Header bytes of our frame's L4 protocol, 0 for any other protocol. */
static uint32_t
ours_l4_bytes(uint8_t proto)
{
	if (proto == IPPROTO_UDP_NUM)
		return FRAME_UDP_BYTES;
	if (proto == IPPROTO_TCP_NUM)
		return FRAME_TCP_BYTES;
	return 0;
}

enum frame_kind
frame_verify(const uint8_t *data, uint32_t len, uint32_t *flow, uint64_t *seq)
{
	return frame_verify_known(data, len, NULL, flow, seq);
}

enum frame_kind
frame_verify_known(const uint8_t *data, uint32_t len, const struct frame_pattern *known,
		   uint32_t *flow, uint64_t *seq)
{
	uint32_t l3 = l3_offset(data, len), l4_bytes;
	const uint8_t *ip = data + l3, *l4 = ip + FRAME_IP_BYTES;
	bool tcp;

	if (l3 == 0 || ip[0] != 0x45)
		return FRAME_FOREIGN;
	l4_bytes = ours_l4_bytes(ip[9]);
	tcp = l4_bytes == FRAME_TCP_BYTES;
	if (l4_bytes == 0 || len - l3 < FRAME_IP_BYTES + l4_bytes + FRAME_HDR_BYTES ||
	    get_be16(l4 + 2) != FRAME_DST_PORT || get_be32(l4 + l4_bytes) != FRAME_MAGIC)
		return FRAME_FOREIGN;
	uint32_t l4_len = len - l3 - FRAME_IP_BYTES, fixed = l4_bytes + FRAME_HDR_BYTES;

	*flow = 0;
	*seq = 0;
	if (get_be16(ip + 2) != len - l3 || !ours_intact(ip, len - l3, l4_bytes, known, flow, seq))
		return FRAME_OURS_CORRUPT;
	/* UDP's 0 means "no checksum"; TCP's is always there */
	if (!tcp && get_be16(l4 + 6) == 0)
		return FRAME_OURS_GOOD;
	if (known != NULL && known->len == l4_len - fixed) {
		/*
		 * The pattern matched byte for byte: its sum is known; the
		 * addresses and the fixed L4 bytes are summed wide together.
		 */
		uint32_t sum = fold_le(sum_le32(ip + 12, 2) + sum_le32(l4, fixed / 4)) + ip[9] +
			       l4_len + known->sum[*seq & 0xff];

		return frame_csum_fold(sum) == 0xffff ? FRAME_OURS_GOOD : FRAME_OURS_BAD_L4_CSUM;
	}
	if (!l4_csum_ok(ip, FRAME_IP_BYTES, l4_len))
		return FRAME_OURS_BAD_L4_CSUM;
	return FRAME_OURS_GOOD;
}

/* The UDP or TCP segment of l4_len bytes after the IPv4 header is sane. */
static bool
foreign_l4_ok(const uint8_t *ip, uint32_t ihl, uint32_t l4_len)
{
	const uint8_t *l4 = ip + ihl;

	if (ip[9] == IPPROTO_UDP_NUM) {
		if (l4_len < FRAME_UDP_BYTES || get_be16(l4 + 4) != l4_len)
			return false;
		return get_be16(l4 + 6) == 0 || l4_csum_ok(ip, ihl, l4_len);
	}
	if (ip[9] == IPPROTO_TCP_NUM) {
		uint32_t data_off = (uint32_t)(l4[12] >> 4) * 4;

		if (l4_len < 20 || data_off < 20 || data_off > l4_len)
			return false;
		return l4_csum_ok(ip, ihl, l4_len);
	}
	return true;
}

bool
frame_foreign_ok(const uint8_t *data, uint32_t len)
{
	uint32_t l3 = l3_offset(data, len), ihl, total;
	const uint8_t *ip = data + l3;

	if (l3 == 0)
		return true;
	ihl = (uint32_t)(ip[0] & 0xf) * 4;
	total = get_be16(ip + 2);
	if ((ip[0] >> 4) != 4 || ihl < FRAME_IP_BYTES || total < ihl || total > len - l3)
		return false;
	if (!ipv4_hdr_sum_ok(ip, ihl))
		return false;
	if ((get_be16(ip + 6) & IP_MF_OR_OFFSET) != 0)
		return true;		/* a fragment: its L4 header may be elsewhere */
	return foreign_l4_ok(ip, ihl, total - ihl);
}

void
frame_track_seq(struct frame_track *tr, uint32_t flow, uint64_t seq)
{
	struct frame_flow_track *f = &tr->flow[flow % FRAME_MAX_FLOWS];
	uint64_t shift, k;

	if (seq >= f->next) {
		shift = seq - f->next + 1;
		tr->lost += seq - f->next;
		f->seen = shift >= 64 ? 1 : f->seen << shift | 1;
		f->next = seq + 1;
		tr->back++;
		return;
	}
	k = f->next - 1 - seq;
	if (k < 64 && (f->seen & (1ull << k)) != 0) {
		tr->dup++;
		return;
	}
	if (k < 64)
		f->seen |= 1ull << k;
	tr->back++;
	tr->reordered++;
	if (tr->lost > 0)
		tr->lost--;		/* counted lost when a later seq overtook it */
}
