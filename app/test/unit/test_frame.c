/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests of hvsim's test traffic format (backends/frame.c): built frames are
 * checked against checksums and a CRC-32 computed here, independently, and
 * the verifier's verdicts on good, corrupt and foreign frames.
 */
#include "test_harness.h"
#include "frame.h"

#define L3	14u
#define UDP	(L3 + 20u)
#define HDR	(UDP + 8u)
#define PATTERN	(HDR + 24u)
#define TCP_HDR	(UDP + 20u)		/* test header after a 20-byte TCP header */
#define TCP_PATTERN	(TCP_HDR + 24u)

static uint8_t buf[FRAME_MAX_BYTES];

/* RFC 1071, the slow and obvious way. */
static uint16_t
ref_sum(const uint8_t *p, uint32_t len, uint32_t sum)
{
	for (uint32_t i = 0; i < len; i++)
		sum += (i % 2 == 0) ? (uint32_t)p[i] << 8 : p[i];
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* CRC-32 (IEEE 802.3, reflected), bit by bit. */
static uint32_t
ref_crc32(const uint8_t *p, uint32_t len)
{
	uint32_t c = 0xffffffffu;

	for (uint32_t i = 0; i < len; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

/* The fast CRC and sum (8 bytes a step, then the tail) against the slow ones, every length. */
static void
test_crc_and_sum_match_references_at_every_length(void)
{
	static uint8_t data[300];
	uint32_t x = 12345;

	for (uint32_t i = 0; i < sizeof(data); i++) {
		x = x * 1103515245u + 12345u;
		data[i] = (uint8_t)(x >> 16);
	}
	for (uint32_t len = 0; len <= 257; len++) {
		for (uint32_t off = 0; off < 3; off++) {
			EXPECT_EQ(frame_crc32(data + off, len), ref_crc32(data + off, len));
			EXPECT_EQ(frame_csum_add(0x1fffe, data + off, len),
				  ref_sum(data + off, len, 0x1fffe));
		}
	}
	memset(data, 0xff, sizeof(data));		/* sums of all-ones words */
	EXPECT_EQ(frame_csum_add(0, data, 256), ref_sum(data, 256, 0));
	memset(data, 0, sizeof(data));
	EXPECT_EQ(frame_csum_add(0, data, 256), ref_sum(data, 256, 0));
}

/* Folding without a loop: the carries of any 32-bit sum, and long all-ones frames. */
static void
test_fold_matches_reference_at_edges(void)
{
	static const uint32_t sums[] = { 0, 1, 0xffff, 0x10000, 0x1fffe, 0x1ffff, 0x2ffff,
					 0xfffeffffu, 0xffff0000u, 0xffffffffu };
	static uint8_t data[9018];
	uint32_t x = 777;

	for (uint32_t i = 0; i < sizeof(sums) / sizeof(sums[0]); i++)
		EXPECT_EQ(frame_csum_fold(sums[i]), ref_sum(NULL, 0, sums[i]));
	for (uint32_t i = 0; i < 100000; i++) {
		x = x * 1103515245u + 12345u;
		EXPECT_EQ(frame_csum_fold(x), ref_sum(NULL, 0, x));
	}
	memset(data, 0xff, sizeof(data));
	for (uint32_t len = 9000; len <= sizeof(data); len++)
		EXPECT_EQ(frame_csum_add(0x1fffe, data, len), ref_sum(data, len, 0x1fffe));
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A UDP or TCP frame of len bytes, flow, seq, no inline tag; its pattern is freed here. */
static uint32_t
build_l4(uint32_t len, uint32_t flow, uint64_t seq, bool bad, bool tcp)
{
	struct frame_template t;
	struct frame_pattern p;

	frame_template_init(&t, buf, len, 0, flow, -1, tcp);
	if (frame_pattern_init(&p, &t) != 0)
		return 0;
	frame_template_fill(&t, &p, seq, bad);
	frame_pattern_free(&p);
	return len;
}

static uint32_t
build(uint32_t len, uint32_t flow, uint64_t seq, bool bad)
{
	return build_l4(len, flow, seq, bad, false);
}

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Sum of the L4 segment after a 20-byte IPv4 header at l3, with its pseudo header. */
static uint16_t
ref_l4_sum(uint32_t l3, uint32_t len)
{
	uint32_t udp_len = len - l3 - 20;
	uint8_t pseudo[12];

	memcpy(pseudo, buf + l3 + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = buf[l3 + 9];				/* UDP or TCP */
	pseudo[10] = (uint8_t)(udp_len >> 8);
	pseudo[11] = (uint8_t)udp_len;
	return ref_sum(buf + l3 + 20, udp_len, ref_sum(pseudo, 12, 0));
}

/*
 * frame_template_made against a byte compare: true for a copy of what fill
 * made (the template since filled again for other seqs), false once any
 * byte from the Ethernet type on differs, or for the other checksum verdict.
 */
static void
test_template_made_is_exactly_the_filled_frame(void)
{
	static const uint64_t seqs[] = { 0, 1, 255, 256, 0x100000005ull };
	static uint8_t tbuf[300], copy[300];

	for (int tcp = 0; tcp < 2; tcp++) {
		for (uint32_t len = 66 + 12 * (uint32_t)tcp; len <= 300; len += 300 - 78) {
			struct frame_template t;
			struct frame_pattern p;

			frame_template_init(&t, tbuf, len, 0, 9, -1, tcp != 0);
			EXPECT_EQ(frame_pattern_init(&p, &t), 0);
			for (uint32_t k = 0; k < 2 * sizeof(seqs) / sizeof(seqs[0]); k++) {
				uint64_t seq = seqs[k / 2], got_seq = 0;
				bool bad = k % 2 != 0;
				uint32_t flow = 0;

				frame_template_fill(&t, &p, seq, bad);
				memcpy(copy, tbuf, len);
				frame_template_fill(&t, &p, seq + 77, !bad);	/* the template moves on */
				EXPECT_TRUE(frame_template_ids(&t, copy, len, &flow, &got_seq));
				EXPECT_EQ(flow, 9);
				EXPECT_EQ(got_seq, seq);
				EXPECT_FALSE(frame_template_ids(&t, copy, len - 1, &flow, &got_seq));
				EXPECT_TRUE(frame_template_made(&t, &p, copy, seq, bad));
				EXPECT_FALSE(frame_template_made(&t, &p, copy, seq, !bad));
				for (uint32_t i = 0; i < len; i++) {
					copy[i] ^= 0x10;
					/* the MAC addresses are not compared: a guest may swap them */
					if (frame_template_made(&t, &p, copy, seq, bad) != (i < 12))
						EXPECT_EQ(i, len);		/* reports the byte */
					copy[i] ^= 0x10;
				}
			}
			frame_pattern_free(&p);
		}
	}
}

static void
test_len_for_bounds_and_header_room(void)
{
	EXPECT_EQ(frame_len_for(63, false, false), 0);
	EXPECT_EQ(frame_len_for(64, false, false), 66);	/* 14 + 20 + 8 + 24 */
	EXPECT_EQ(frame_len_for(64, true, false), 70);
	EXPECT_EQ(frame_len_for(64, false, true), 78);	/* 14 + 20 + 20 + 24 */
	EXPECT_EQ(frame_len_for(64, true, true), 82);
	EXPECT_EQ(frame_len_for(128, false, false), 128);
	EXPECT_EQ(frame_len_for(128, false, true), 128);
	EXPECT_EQ(frame_len_for(9018, false, false), 9018);
	EXPECT_EQ(frame_len_for(9019, false, false), 0);
	EXPECT_EQ(frame_len_for(9019, false, true), 0);
}

static void
test_built_frame_passes_independent_checks(void)
{
	uint32_t len = build(300, 3, 0x123456789ull, false), flow = 0;
	uint64_t seq = 0;

	EXPECT_EQ(buf[0], 0x00);
	EXPECT_EQ(buf[5], 0x01);				/* NIC 0: ...:01 */
	EXPECT_EQ(buf[11], 0x01);
	EXPECT_EQ(ref_sum(buf + L3, 20, 0), 0xffff);		/* IPv4 header */
	EXPECT_EQ(ref_l4_sum(L3, len), 0xffff);		/* UDP, pseudo header */
	EXPECT_EQ(be32(buf + HDR), 0x48565349u);
	EXPECT_EQ(be32(buf + HDR + 4), 3);
	EXPECT_EQ(be32(buf + HDR + 12), 0x23456789u);
	EXPECT_EQ(be32(buf + HDR + 16), len - UDP - 8);
	EXPECT_EQ(be32(buf + HDR + 20), ref_crc32(buf + PATTERN, len - PATTERN));
	EXPECT_EQ(buf[UDP] << 8 | buf[UDP + 1], 1024 + 3);
	EXPECT_EQ(frame_verify(buf, len, &flow, &seq), FRAME_OURS_GOOD);
	EXPECT_EQ(flow, 3);
	EXPECT_EQ(seq, 0x123456789ull);
}

static void
test_odd_and_jumbo_lengths_checksum_right(void)
{
	uint32_t lens[] = { 66, 67, 1514, 9017, 9018 };

	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		uint32_t len = build(lens[i], 0, 255 + i, false);

		EXPECT_EQ(ref_l4_sum(L3, len), 0xffff);
		EXPECT_EQ(be32(buf + HDR + 20), ref_crc32(buf + PATTERN, len - PATTERN));
	}
}

static void
test_one_pattern_byte_changed_is_corrupt(void)
{
	uint32_t len = build(200, 0, 7, false), flow;
	uint64_t seq;

	buf[len - 1] ^= 0x01;
	EXPECT_EQ(frame_verify(buf, len, &flow, &seq), FRAME_OURS_CORRUPT);
}

/* With the sender's pattern: byte compare and CRC field, same verdicts as the CRC alone. */
static void
test_verify_known_pattern_agrees_with_crc(void)
{
	struct frame_template t, other;
	struct frame_pattern p, q;
	static uint8_t other_buf[FRAME_MAX_BYTES];
	uint32_t flow;
	uint64_t seq;

	frame_template_init(&t, buf, 300, 0, 3, -1, false);
	frame_template_init(&other, other_buf, 200, 0, 3, -1, false);
	EXPECT_EQ(frame_pattern_init(&p, &t), 0);
	EXPECT_EQ(frame_pattern_init(&q, &other), 0);
	frame_template_fill(&t, &p, 0x1234567, false);
	EXPECT_EQ(frame_verify_known(buf, 300, &p, &flow, &seq), FRAME_OURS_GOOD);
	EXPECT_EQ(seq, 0x1234567);
	EXPECT_EQ(frame_verify_known(buf, 300, &q, &flow, &seq), FRAME_OURS_GOOD); /* CRC path */
	buf[299] ^= 0x80;			/* a pattern byte: the L4 sum is not checked first */
	EXPECT_EQ(frame_verify_known(buf, 300, &p, &flow, &seq), FRAME_OURS_CORRUPT);
	EXPECT_EQ(frame_verify(buf, 300, &flow, &seq), FRAME_OURS_CORRUPT);
	buf[299] ^= 0x80;
	buf[UDP + 7] ^= 0x01;			/* the UDP checksum: only that is wrong */
	EXPECT_EQ(frame_verify_known(buf, 300, &p, &flow, &seq), FRAME_OURS_BAD_L4_CSUM);
	EXPECT_EQ(frame_verify(buf, 300, &flow, &seq), FRAME_OURS_BAD_L4_CSUM);
	buf[UDP + 7] ^= 0x01;
	frame_template_fill(&t, &p, 77, true);	/* gen's spoilt checksum */
	EXPECT_EQ(frame_verify_known(buf, 300, &p, &flow, &seq), FRAME_OURS_BAD_L4_CSUM);
	frame_template_fill(&t, &p, 77, false);
	EXPECT_EQ(frame_verify_known(buf, 300, &p, &flow, &seq), FRAME_OURS_GOOD);
	buf[HDR + 23] ^= 0x01;			/* the CRC field */
	EXPECT_EQ(frame_verify_known(buf, 300, &p, &flow, &seq), FRAME_OURS_CORRUPT);
	EXPECT_EQ(frame_verify(buf, 300, &flow, &seq), FRAME_OURS_CORRUPT);
	frame_pattern_free(&p);
	frame_pattern_free(&q);
}

static void
test_ip_checksum_or_lengths_wrong_is_corrupt(void)
{
	uint32_t len = build(200, 0, 7, false), flow;
	uint64_t seq;

	buf[L3 + 8] ^= 0x10;					/* TTL: IP checksum breaks */
	EXPECT_EQ(frame_verify(buf, len, &flow, &seq), FRAME_OURS_CORRUPT);
	build(200, 0, 7, false);
	EXPECT_EQ(frame_verify(buf, len - 1, &flow, &seq), FRAME_OURS_CORRUPT); /* truncated */
}

static void
test_bad_checksum_request_is_only_l4_bad(void)
{
	uint32_t len = build(100, 1, 9, true), flow;
	uint64_t seq;

	EXPECT_TRUE(ref_l4_sum(L3, len) != 0xffff);
	EXPECT_TRUE((buf[UDP + 6] | buf[UDP + 7]) != 0);	/* not "no checksum" */
	EXPECT_EQ(frame_verify(buf, len, &flow, &seq), FRAME_OURS_BAD_L4_CSUM);
	EXPECT_EQ(seq, 9);
}

static void
test_inline_vlan_tag_is_parsed(void)
{
	struct frame_template t;
	struct frame_pattern p;
	uint32_t flow;
	uint64_t seq;

	frame_template_init(&t, buf, 130, 1, 2, 100, false);
	EXPECT_EQ(frame_pattern_init(&p, &t), 0);
	frame_template_fill(&t, &p, 44, false);
	frame_pattern_free(&p);
	EXPECT_EQ(buf[12] << 8 | buf[13], 0x8100);
	EXPECT_EQ(ref_l4_sum(L3 + 4, 130), 0xffff);
	EXPECT_EQ(frame_verify(buf, 130, &flow, &seq), FRAME_OURS_GOOD);
	EXPECT_EQ(seq, 44);
}

static void
test_other_udp_traffic_is_foreign_and_checked(void)
{
	uint32_t len = build(120, 0, 1, false), flow;
	uint64_t seq;

	buf[HDR] = 'X';						/* no magic */
	EXPECT_EQ(frame_verify(buf, len, &flow, &seq), FRAME_FOREIGN);
	EXPECT_FALSE(frame_foreign_ok(buf, len));		/* UDP checksum now wrong */
	buf[UDP + 6] = buf[UDP + 7] = 0;			/* "no checksum" */
	EXPECT_TRUE(frame_foreign_ok(buf, len));
	buf[L3 + 2] = 0xff;					/* IP length past the frame */
	EXPECT_FALSE(frame_foreign_ok(buf, len));
}

static void
test_tcp_segment_checked_by_its_checksum(void)
{
	uint32_t len = 14 + 20 + 20 + 10;
	uint16_t sum;

	memset(buf, 0, len);
	buf[12] = 0x08;
	buf[L3] = 0x45;
	buf[L3 + 3] = (uint8_t)(len - L3);
	buf[L3 + 8] = 64;
	buf[L3 + 9] = 6;
	buf[L3 + 12] = 10, buf[L3 + 19] = 2;
	sum = (uint16_t)~ref_sum(buf + L3, 20, 0);
	buf[L3 + 10] = (uint8_t)(sum >> 8), buf[L3 + 11] = (uint8_t)sum;
	buf[UDP + 12] = 5 << 4;					/* data offset 20 */
	sum = (uint16_t)~ref_l4_sum(L3, len);
	buf[UDP + 16] = (uint8_t)(sum >> 8), buf[UDP + 17] = (uint8_t)sum;
	EXPECT_TRUE(frame_foreign_ok(buf, len));
	buf[len - 1] ^= 0xff;
	EXPECT_FALSE(frame_foreign_ok(buf, len));
}

static void
test_tcp_frame_passes_independent_checks(void)
{
	uint32_t len = build_l4(300, 5, 0x100000002ull, false, true), flow = 0;
	uint64_t seq = 0;

	EXPECT_EQ(buf[L3 + 9], 6);				/* TCP */
	EXPECT_EQ(be16(buf + L3 + 2), len - L3);
	EXPECT_EQ(ref_sum(buf + L3, 20, 0), 0xffff);
	EXPECT_EQ(ref_l4_sum(L3, len), 0xffff);		/* TCP, pseudo header */
	EXPECT_EQ(be16(buf + UDP), 1024 + 5);			/* source port */
	EXPECT_EQ(be16(buf + UDP + 2), 5000);
	/* sequence number: seq times the payload (test header + pattern), mod 2^32 */
	EXPECT_EQ(be32(buf + UDP + 4), (uint32_t)(0x100000002ull * (len - TCP_HDR)));
	EXPECT_EQ(buf[UDP + 12], 0x50);			/* 20 bytes, no options */
	EXPECT_EQ(buf[UDP + 13], 0x18);			/* PSH | ACK */
	EXPECT_TRUE(be16(buf + UDP + 14) != 0);		/* a window */
	EXPECT_EQ(be32(buf + TCP_HDR), 0x48565349u);
	EXPECT_EQ(be32(buf + TCP_HDR + 4), 5);
	EXPECT_EQ(be32(buf + TCP_HDR + 8), 1);
	EXPECT_EQ(be32(buf + TCP_HDR + 12), 2);
	EXPECT_EQ(be32(buf + TCP_HDR + 16), len - TCP_HDR);
	EXPECT_EQ(be32(buf + TCP_HDR + 20), ref_crc32(buf + TCP_PATTERN, len - TCP_PATTERN));
	EXPECT_TRUE(frame_foreign_ok(buf, len));		/* sane as any TCP segment */
	EXPECT_EQ(frame_verify(buf, len, &flow, &seq), FRAME_OURS_GOOD);
	EXPECT_EQ(flow, 5);
	EXPECT_EQ(seq, 0x100000002ull);
}

static void
test_tcp_odd_lengths_and_every_seq_checksum_right(void)
{
	uint32_t lens[] = { 78, 79, 1514, 9017 };

	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		for (uint64_t seq = 0; seq < 300; seq += 37) {
			uint32_t len = build_l4(lens[i], 1, seq, false, true);

			EXPECT_EQ(ref_l4_sum(L3, len), 0xffff);
			EXPECT_EQ(be32(buf + TCP_HDR + 20),
				  ref_crc32(buf + TCP_PATTERN, len - TCP_PATTERN));
		}
	}
}

static void
test_tcp_damage_is_told_apart(void)
{
	uint32_t len = build_l4(150, 2, 11, true, true), flow;
	uint64_t seq;

	EXPECT_TRUE(ref_l4_sum(L3, len) != 0xffff);		/* badcsum spoils TCP's */
	EXPECT_EQ(frame_verify(buf, len, &flow, &seq), FRAME_OURS_BAD_L4_CSUM);
	EXPECT_EQ(seq, 11);
	build_l4(150, 2, 11, false, true);
	buf[UDP + 16] = buf[UDP + 17] = 0;			/* TCP has no "no checksum" */
	EXPECT_EQ(frame_verify(buf, len, &flow, &seq), FRAME_OURS_BAD_L4_CSUM);
	build_l4(150, 2, 11, false, true);
	buf[len - 1] ^= 0x01;					/* pattern */
	EXPECT_EQ(frame_verify(buf, len, &flow, &seq), FRAME_OURS_CORRUPT);
	build_l4(150, 2, 11, false, true);
	buf[UDP + 1] ^= 0x01;					/* not 1024 + flow */
	EXPECT_EQ(frame_verify(buf, len, &flow, &seq), FRAME_OURS_CORRUPT);
	build_l4(150, 2, 11, false, true);
	buf[UDP + 12] = 0x60;					/* data offset: not ours */
	EXPECT_EQ(frame_verify(buf, len, &flow, &seq), FRAME_OURS_CORRUPT);
	build_l4(150, 2, 11, false, true);
	EXPECT_EQ(frame_verify(buf, TCP_HDR + 23, &flow, &seq), FRAME_FOREIGN); /* too short */
	buf[L3 + 9] = 1;					/* ICMP: not ours */
	EXPECT_EQ(frame_verify(buf, len, &flow, &seq), FRAME_FOREIGN);
}

static void
test_srcip_keeps_tcp_checksum_right(void)
{
	const uint8_t src[4] = { 198, 19, 0, 42 };
	struct frame_template t;
	struct frame_pattern p;
	uint32_t flow;
	uint64_t seq;

	frame_template_init(&t, buf, 200, 0, 42, -1, true);
	frame_template_set_src(&t, src);
	EXPECT_EQ(frame_pattern_init(&p, &t), 0);
	frame_template_fill(&t, &p, 3, false);
	frame_pattern_free(&p);
	EXPECT_EQ(buf[L3 + 15], 42);
	EXPECT_EQ(ref_sum(buf + L3, 20, 0), 0xffff);
	EXPECT_EQ(ref_l4_sum(L3, 200), 0xffff);
	EXPECT_EQ(frame_verify(buf, 200, &flow, &seq), FRAME_OURS_GOOD);
	EXPECT_EQ(flow, 42);
}

static void
test_tcp_with_inline_vlan_tag(void)
{
	struct frame_template t;
	struct frame_pattern p;
	uint32_t flow;
	uint64_t seq;

	frame_template_init(&t, buf, 82, 1, 2, 7, true);
	EXPECT_EQ(frame_pattern_init(&p, &t), 0);
	EXPECT_EQ(p.len, 0);					/* header only */
	frame_template_fill(&t, &p, 9, false);
	frame_pattern_free(&p);
	EXPECT_EQ(ref_l4_sum(L3 + 4, 82), 0xffff);
	EXPECT_EQ(frame_verify(buf, 82, &flow, &seq), FRAME_OURS_GOOD);
	EXPECT_EQ(seq, 9);
}

static void
test_non_ip_frame_is_foreign_and_ok(void)
{
	uint32_t flow;
	uint64_t seq;

	memset(buf, 0, 60);
	buf[12] = 0x08, buf[13] = 0x06;				/* ARP */
	EXPECT_EQ(frame_verify(buf, 60, &flow, &seq), FRAME_FOREIGN);
	EXPECT_TRUE(frame_foreign_ok(buf, 60));
	EXPECT_EQ(frame_verify(buf, 10, &flow, &seq), FRAME_FOREIGN);	/* runt */
}

/*
 * A foreign UDP/IPv4 frame (no checksum) whose header has opt_words option
 * words (NOPs) and addresses of all ones, its header checksum set here.
 */
static uint32_t
build_foreign_udp4(uint32_t opt_words)
{
	uint32_t ihl = 20 + 4 * opt_words, len = L3 + ihl + 8 + 18;
	uint16_t sum;

	memset(buf, 0, len);
	buf[12] = 0x08;
	buf[L3] = (uint8_t)(0x40 | ihl / 4);
	buf[L3 + 2] = (uint8_t)((ihl + 26) >> 8), buf[L3 + 3] = (uint8_t)(ihl + 26);
	buf[L3 + 8] = 64, buf[L3 + 9] = 17;
	memset(buf + L3 + 12, 0xff, 8);
	memset(buf + L3 + 20, 0x01, 4 * opt_words);
	buf[L3 + ihl + 5] = 26;					/* UDP length */
	sum = (uint16_t)~ref_sum(buf + L3, ihl, 0);
	buf[L3 + 10] = (uint8_t)(sum >> 8), buf[L3 + 11] = (uint8_t)sum;
	return len;
}

static void
test_foreign_ipv4_header_sum_checked_with_options(void)
{
	for (uint32_t opt_words = 0; opt_words <= 10; opt_words += 5) {
		uint32_t len = build_foreign_udp4(opt_words), flow;
		uint64_t seq;

		EXPECT_EQ(ref_sum(buf + L3, 20 + 4 * opt_words, 0), 0xffff);
		EXPECT_EQ(frame_verify(buf, len, &flow, &seq), FRAME_FOREIGN);
		EXPECT_TRUE(frame_foreign_ok(buf, len));
		buf[L3 + 11] ^= 0x01;				/* the checksum itself */
		EXPECT_FALSE(frame_foreign_ok(buf, len));
		buf[L3 + 11] ^= 0x01;
		buf[L3 + 19 + 4 * opt_words] ^= 0x80;		/* the header's last byte */
		EXPECT_FALSE(frame_foreign_ok(buf, len));
	}
}

int
main(void)
{
	RUN_TEST(test_len_for_bounds_and_header_room);
	RUN_TEST(test_crc_and_sum_match_references_at_every_length);
	RUN_TEST(test_fold_matches_reference_at_edges);
	RUN_TEST(test_verify_known_pattern_agrees_with_crc);
	RUN_TEST(test_template_made_is_exactly_the_filled_frame);
	RUN_TEST(test_built_frame_passes_independent_checks);
	RUN_TEST(test_odd_and_jumbo_lengths_checksum_right);
	RUN_TEST(test_one_pattern_byte_changed_is_corrupt);
	RUN_TEST(test_ip_checksum_or_lengths_wrong_is_corrupt);
	RUN_TEST(test_bad_checksum_request_is_only_l4_bad);
	RUN_TEST(test_inline_vlan_tag_is_parsed);
	RUN_TEST(test_other_udp_traffic_is_foreign_and_checked);
	RUN_TEST(test_tcp_segment_checked_by_its_checksum);
	RUN_TEST(test_tcp_frame_passes_independent_checks);
	RUN_TEST(test_tcp_odd_lengths_and_every_seq_checksum_right);
	RUN_TEST(test_tcp_damage_is_told_apart);
	RUN_TEST(test_srcip_keeps_tcp_checksum_right);
	RUN_TEST(test_tcp_with_inline_vlan_tag);
	RUN_TEST(test_non_ip_frame_is_foreign_and_ok);
	RUN_TEST(test_foreign_ipv4_header_sum_checked_with_options);
	TEST_EXIT();
}
