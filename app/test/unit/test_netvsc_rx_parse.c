/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The PMD's receive gate (netvsc_rx_parse.c): transfer-page packets, RNDIS
 * headers and RNDIS PACKET messages with PPIs, built byte by byte here from
 * the spec's offsets; a happy path, each drop reason and the boundaries.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netvsc_rx_parse.h"
#include "test_harness.h"

#define RXBUF_BYTES	65536u

static uint8_t pkt[16384];	/* a transfer of 1025 ranges fits */

static void
put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void
put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

/* Transfer packet: 16-byte descriptor, pageset id @16, count @20, ranges @24, NVSP after. */
static uint32_t
make_xfer(uint16_t pageset, uint32_t nb, uint32_t declared_nb, uint32_t first_off,
	  uint32_t nvsp_type)
{
	uint32_t hdr_bytes = 24 + 8 * nb, len = hdr_bytes + 40;

	memset(pkt, 0, sizeof(pkt));
	put16(pkt + 0, 7);				/* type: transfer pages */
	put16(pkt + 2, (uint16_t)(hdr_bytes / 8));	/* data_offset8 */
	put16(pkt + 4, (uint16_t)(len / 8));		/* total_len8 */
	memcpy(pkt + 8, &(uint64_t){ 0x1234 }, 8);	/* xact id */
	put16(pkt + 16, pageset);
	put32(pkt + 20, declared_nb);
	for (uint32_t i = 0; i < nb; i++) {
		put32(pkt + 24 + 8 * i, 100);			/* byte_count */
		put32(pkt + 28 + 8 * i, first_off + 128 * i);	/* byte_offset */
	}
	put32(pkt + hdr_bytes, nvsp_type);		/* NVSP 107 */
	put32(pkt + hdr_bytes + 4, 0);			/* channel: data */
	return len;
}

static void
test_xfer_happy_path(void)
{
	static struct netvsc_xfer x;
	uint32_t len = make_xfer(0xcafe, 3, 3, 0, 107);
	struct netvsc_range r = { 0, 0 };

	EXPECT_EQ(netvsc_rx_parse_xfer(pkt, len, &x), NETVSC_DROP_NONE);
	EXPECT_EQ(x.nb_ranges, 3);
	EXPECT_EQ(netvsc_xfer_range(&x, 2, RXBUF_BYTES, &r), NETVSC_DROP_NONE);
	EXPECT_EQ(r.offset, 256);
	EXPECT_EQ(r.bytes, 100);
	EXPECT_EQ(x.xact_id, 0x1234);
	EXPECT_EQ(x.channel_type, 0);
}

static void
test_xfer_drop_reasons(void)
{
	static struct netvsc_xfer x;
	struct netvsc_range r;
	uint32_t len;

	len = make_xfer(0xbeef, 1, 1, 0, 107);
	EXPECT_EQ(netvsc_rx_parse_xfer(pkt, len, &x), NETVSC_DROP_BAD_XFER_HEADER);
	EXPECT_EQ(x.ours, false);			/* not our buffer: nothing to give back */
	len = make_xfer(0xcafe, 1, 0, 0, 107);
	EXPECT_EQ(netvsc_rx_parse_xfer(pkt, len, &x), NETVSC_DROP_BAD_RANGE_COUNT);
	EXPECT_EQ(x.ours, true);			/* refused, but its slots go back */
	EXPECT_EQ(x.xact_id, 0x1234);
	len = make_xfer(0xcafe, 1, 2, 0, 107);		/* more ranges than the header holds */
	EXPECT_EQ(netvsc_rx_parse_xfer(pkt, len, &x), NETVSC_DROP_BAD_RANGE_COUNT);
	len = make_xfer(0xcafe, 1, 0xffffffffu, 0, 107);
	EXPECT_EQ(netvsc_rx_parse_xfer(pkt, len, &x), NETVSC_DROP_BAD_RANGE_COUNT);
	/* Ranges are checked one by one, as they are used. */
	len = make_xfer(0xcafe, 3, 3, RXBUF_BYTES - 355, 107);	/* the last ends one byte past */
	EXPECT_EQ(netvsc_rx_parse_xfer(pkt, len, &x), NETVSC_DROP_NONE);
	EXPECT_EQ(netvsc_xfer_range(&x, 1, RXBUF_BYTES, &r), NETVSC_DROP_NONE);
	EXPECT_EQ(netvsc_xfer_range(&x, 2, RXBUF_BYTES, &r), NETVSC_DROP_RANGE_OUTSIDE_RXBUF);
	EXPECT_EQ(netvsc_xfer_range(&x, 2, RXBUF_BYTES + 1, &r), NETVSC_DROP_NONE); /* exact fit */
	len = make_xfer(0xcafe, 1, 1, 0xfffffff0u, 107);	/* offset + count wraps */
	EXPECT_EQ(netvsc_rx_parse_xfer(pkt, len, &x), NETVSC_DROP_NONE);
	EXPECT_EQ(netvsc_xfer_range(&x, 0, RXBUF_BYTES, &r), NETVSC_DROP_RANGE_OUTSIDE_RXBUF);
	put32(pkt + 24, 0);					/* empty */
	put32(pkt + 28, 0);
	EXPECT_EQ(netvsc_xfer_range(&x, 0, RXBUF_BYTES, &r), NETVSC_DROP_RANGE_OUTSIDE_RXBUF);
	len = make_xfer(0xcafe, 1, 1, 0, 108);
	x.ours = false;
	EXPECT_EQ(netvsc_rx_parse_xfer(pkt, len, &x), NETVSC_DROP_BAD_XFER_HEADER);
	EXPECT_EQ(x.ours, true);
	len = make_xfer(0xcafe, 1, 1, 0, 107);
	EXPECT_EQ(netvsc_rx_parse_xfer(pkt, 32 + 4, &x), NETVSC_DROP_SHORT_NVSP);
	EXPECT_EQ(netvsc_rx_parse_xfer(pkt, 20, &x), NETVSC_DROP_BAD_XFER_HEADER);
	put16(pkt + 2, 200);				/* data_offset8 past the packet */
	EXPECT_EQ(netvsc_rx_parse_xfer(pkt, len, &x), NETVSC_DROP_BAD_XFER_HEADER);
	EXPECT_EQ(x.ours, true);			/* the id is whole: the slots go back */
	put16(pkt + 16, 0xbeef);
	EXPECT_EQ(netvsc_rx_parse_xfer(pkt, len, &x), NETVSC_DROP_BAD_XFER_HEADER);
	EXPECT_EQ(x.ours, false);
}

/* The head of a packet too large to read (24 bytes of 1100 ranges): refused, its id given back. */
static void
test_xfer_head_only(void)
{
	static struct netvsc_xfer x;

	make_xfer(0xcafe, 1100, 1100, 0, 107);
	EXPECT_EQ(netvsc_rx_parse_xfer(pkt, 24, &x), NETVSC_DROP_BAD_XFER_HEADER);
	EXPECT_EQ(x.ours, true);
	EXPECT_EQ(x.xact_id, 0x1234);
	put16(pkt + 16, 0xbeef);
	EXPECT_EQ(netvsc_rx_parse_xfer(pkt, 24, &x), NETVSC_DROP_BAD_XFER_HEADER);
	EXPECT_EQ(x.ours, false);
}

/* Too short for a transfer header, or one that says so: never ours, whatever was in x. */
static void
test_xfer_short_header_not_ours(void)
{
	struct netvsc_xfer x = { .ours = true };

	make_xfer(0xcafe, 1, 1, 0, 107);
	EXPECT_EQ(netvsc_rx_parse_xfer(pkt, 16, &x), NETVSC_DROP_BAD_XFER_HEADER);
	EXPECT_EQ(x.ours, false);
	x.ours = true;
	EXPECT_EQ(netvsc_rx_parse_xfer(pkt, 20, &x), NETVSC_DROP_BAD_XFER_HEADER);
	EXPECT_EQ(x.ours, false);
	put16(pkt + 2, 2);		/* data_offset8: a 16-byte header, the id past it */
	x.ours = true;
	EXPECT_EQ(netvsc_rx_parse_xfer(pkt, 64, &x), NETVSC_DROP_BAD_XFER_HEADER);
	EXPECT_EQ(x.ours, false);
}

/* rndis.md 9: OpenVMM sends up to 562 ranges a transfer; 1024 are taken, 1025 refused. */
static void
test_xfer_range_count_bound(void)
{
	static struct netvsc_xfer x;
	struct netvsc_range r = { 0 };
	uint32_t len;

	len = make_xfer(0xcafe, 562, 562, 0, 107);
	EXPECT_EQ(netvsc_rx_parse_xfer(pkt, len, &x), NETVSC_DROP_NONE);
	EXPECT_EQ(x.nb_ranges, 562);
	len = make_xfer(0xcafe, 1024, 1024, 0, 107);
	EXPECT_EQ(netvsc_rx_parse_xfer(pkt, len, &x), NETVSC_DROP_NONE);
	EXPECT_EQ(netvsc_xfer_range(&x, 1023, 1024 * 128, &r), NETVSC_DROP_NONE);
	EXPECT_EQ(r.offset, 1023 * 128);
	len = make_xfer(0xcafe, 1025, 1025, 0, 107);
	EXPECT_EQ(netvsc_rx_parse_xfer(pkt, len, &x), NETVSC_DROP_BAD_RANGE_COUNT);
	EXPECT_EQ(x.ours, true);
	EXPECT_EQ(x.xact_id, 0x1234);
}

static void
test_rndis_header_checks_length(void)
{
	uint8_t msg[64] = { 0 };
	uint32_t type, len;

	put32(msg, 1);
	put32(msg + 4, 64);
	EXPECT_EQ(netvsc_rx_parse_rndis(msg, 64, &type, &len), NETVSC_DROP_NONE);
	EXPECT_EQ(type, 1);
	EXPECT_EQ(len, 64);
	EXPECT_EQ(netvsc_rx_parse_rndis(msg, 63, &type, &len), NETVSC_DROP_BAD_RNDIS_MSG);
	put32(msg + 4, 7);
	EXPECT_EQ(netvsc_rx_parse_rndis(msg, 64, &type, &len), NETVSC_DROP_BAD_RNDIS_MSG);
	EXPECT_EQ(netvsc_rx_parse_rndis(msg, 4, &type, &len), NETVSC_DROP_BAD_RNDIS_MSG);
}

/* The data path's shortcut takes a PACKET of 44..range bytes and nothing else. */
static void
test_rndis_is_packet(void)
{
	uint8_t msg[64] = { 0 };
	uint32_t len = 0;

	put32(msg, 1);					/* PACKET */
	put32(msg + 4, 60);
	EXPECT_TRUE(netvsc_rx_is_packet(msg, 64, &len));
	EXPECT_EQ(len, 60);
	EXPECT_TRUE(netvsc_rx_is_packet(msg, 60, &len));
	EXPECT_FALSE(netvsc_rx_is_packet(msg, 59, &len));	/* longer than its range */
	put32(msg + 4, 44);
	EXPECT_TRUE(netvsc_rx_is_packet(msg, 44, &len));
	put32(msg + 4, 43);				/* shorter than a PACKET header */
	EXPECT_FALSE(netvsc_rx_is_packet(msg, 64, &len));
	put32(msg + 4, 0);
	EXPECT_FALSE(netvsc_rx_is_packet(msg, 64, &len));
	put32(msg + 4, 60);
	EXPECT_FALSE(netvsc_rx_is_packet(msg, 43, &len));	/* range too short to read */
	put32(msg, 7);					/* INDICATE: the general gate's */
	EXPECT_FALSE(netvsc_rx_is_packet(msg, 64, &len));
}

/* RNDIS PACKET (rndis.md 6): 44-byte header, offsets from byte 8, PPIs of 12 + data. */
static uint32_t
make_packet(uint8_t *m, uint32_t nb_ppi, uint32_t frame_bytes)
{
	uint32_t ppi_bytes = 16 * nb_ppi, data_off = 44 + ppi_bytes;
	static const uint32_t types[] = { 0, 6, 8 };		/* csum, VLAN, hash value */
	static const uint32_t values[] = { 0x28, 0x64a, 0xdeadbeef };

	memset(m, 0, 512);
	put32(m, 1);
	put32(m + 4, data_off + frame_bytes);
	put32(m + 8, data_off - 8);
	put32(m + 12, frame_bytes);
	put32(m + 28, nb_ppi ? 36 : 0);
	put32(m + 32, ppi_bytes);
	for (uint32_t i = 0; i < nb_ppi; i++) {
		put32(m + 44 + 16 * i, 16);
		put32(m + 48 + 16 * i, types[i]);
		put32(m + 52 + 16 * i, 12);
		put32(m + 56 + 16 * i, values[i]);
	}
	memset(m + data_off, 0xab, frame_bytes);
	return data_off + frame_bytes;
}

static void
test_packet_with_ppis(void)
{
	uint8_t m[512];
	struct netvsc_rx_info info;
	uint32_t len = make_packet(m, 3, 60);

	EXPECT_EQ(netvsc_rx_parse_packet(m, len, &info), NETVSC_DROP_NONE);
	EXPECT_EQ(info.data - m, 44 + 48);
	EXPECT_EQ(info.data_bytes, 60);
	EXPECT_EQ(info.ppis, NETVSC_RX_PPI_CSUM | NETVSC_RX_PPI_VLAN | NETVSC_RX_PPI_HASH);
	EXPECT_EQ(info.word[RNDIS_PPI_CSUM], 0x28);
	EXPECT_EQ(info.word[RNDIS_PPI_VLAN], 0x64a);
	EXPECT_EQ(info.word[RNDIS_PPI_HASH_VALUE], 0xdeadbeef);
	len = make_packet(m, 0, 60);
	EXPECT_EQ(netvsc_rx_parse_packet(m, len, &info), NETVSC_DROP_NONE);
	EXPECT_EQ(info.ppis, 0);
	EXPECT_EQ(info.word[RNDIS_PPI_CSUM], 0);
	EXPECT_EQ(info.word[RNDIS_PPI_HASH_VALUE], 0);
}

static void
test_packet_drop_reasons(void)
{
	uint8_t m[512];
	struct netvsc_rx_info info;
	uint32_t len;

	len = make_packet(m, 1, 60);
	EXPECT_EQ(netvsc_rx_parse_packet(m, len - 1, &info), NETVSC_DROP_BAD_RNDIS_MSG);
	EXPECT_EQ(netvsc_rx_parse_packet(m, 40, &info), NETVSC_DROP_BAD_RNDIS_MSG);
	put32(m + 8, 20);				/* data inside the header */
	EXPECT_EQ(netvsc_rx_parse_packet(m, len, &info), NETVSC_DROP_BAD_RNDIS_MSG);
	len = make_packet(m, 1, 60);
	put32(m + 12, 0);				/* empty frame */
	EXPECT_EQ(netvsc_rx_parse_packet(m, len, &info), NETVSC_DROP_BAD_RNDIS_MSG);
	len = make_packet(m, 1, 60);
	put32(m + 12, 0xfffffff0u);			/* offset + length wraps */
	EXPECT_EQ(netvsc_rx_parse_packet(m, len, &info), NETVSC_DROP_BAD_RNDIS_MSG);
	len = make_packet(m, 1, 60);
	put32(m + 44, 0);				/* PPI size 0: would loop forever */
	EXPECT_EQ(netvsc_rx_parse_packet(m, len, &info), NETVSC_DROP_BAD_RNDIS_MSG);
	len = make_packet(m, 1, 60);
	put32(m + 44, 18);				/* PPI size not a multiple of 4 */
	EXPECT_EQ(netvsc_rx_parse_packet(m, len, &info), NETVSC_DROP_BAD_RNDIS_MSG);
	len = make_packet(m, 1, 60);
	put32(m + 32, 1000);				/* PPI area past the message */
	EXPECT_EQ(netvsc_rx_parse_packet(m, len, &info), NETVSC_DROP_BAD_RNDIS_MSG);
	len = make_packet(m, 1, 60);
	put32(m + 52, 20);				/* PPI data past its record */
	EXPECT_EQ(netvsc_rx_parse_packet(m, len, &info), NETVSC_DROP_BAD_RNDIS_MSG);
	len = make_packet(m, 1, 60);
	put32(m + 52, 8);				/* PPI data inside its header */
	EXPECT_EQ(netvsc_rx_parse_packet(m, len, &info), NETVSC_DROP_BAD_RNDIS_MSG);
}

/*
 * A 16-byte record in a 12-byte PPI area at the message's very end: refused
 * without reading past it (the buffer is exactly the message, for ASan).
 */
static void
test_packet_ppi_record_past_area(void)
{
	uint32_t len = 44 + 60 + 12;
	uint8_t *m = calloc(1, len);
	struct netvsc_rx_info info;

	EXPECT_TRUE(m != NULL);
	if (m == NULL)
		return;
	put32(m, 1);
	put32(m + 4, len);
	put32(m + 8, 36);				/* frame right after the header */
	put32(m + 12, 60);
	put32(m + 28, 36 + 60);				/* PPI area after the frame */
	put32(m + 32, 12);
	put32(m + 104, 16);				/* record size: 4 past the area */
	put32(m + 112, 12);
	EXPECT_EQ(netvsc_rx_parse_packet(m, len, &info), NETVSC_DROP_BAD_RNDIS_MSG);
	free(m);
}

/* A record other than the usual 16 bytes (header, word) is read by its offset. */
static void
test_packet_unusual_ppi_layout(void)
{
	uint8_t m[512] = { 0 };
	struct netvsc_rx_info info;
	uint32_t data_off = 44 + 20;

	put32(m, 1);
	put32(m + 4, data_off + 60);
	put32(m + 8, data_off - 8);
	put32(m + 12, 60);
	put32(m + 28, 36);				/* PPI area right after the header */
	put32(m + 32, 20);
	put32(m + 44, 20);				/* record size */
	put32(m + 48, 8);				/* hash value */
	put32(m + 52, 16);				/* word after 4 bytes of padding */
	put32(m + 60, 0x55667788);
	EXPECT_EQ(netvsc_rx_parse_packet(m, data_off + 60, &info), NETVSC_DROP_NONE);
	EXPECT_EQ(info.ppis, NETVSC_RX_PPI_HASH);
	EXPECT_EQ(info.word[RNDIS_PPI_HASH_VALUE], 0x55667788);
	put32(m + 52, 12);				/* word right after the header */
	put32(m + 56, 0x99aabbcc);
	EXPECT_EQ(netvsc_rx_parse_packet(m, data_off + 60, &info), NETVSC_DROP_NONE);
	EXPECT_EQ(info.word[RNDIS_PPI_HASH_VALUE], 0x99aabbcc);
	put32(m + 52, 24);				/* word past the record */
	EXPECT_EQ(netvsc_rx_parse_packet(m, data_off + 60, &info), NETVSC_DROP_BAD_RNDIS_MSG);
}

/*
 * The frame's bounds at their edges: offsets count from byte 8, so a
 * 104-byte message has 96 bytes of room; a frame ending on its last byte
 * passes, one byte further does not, and no length wraps the sum.
 */
static void
test_packet_frame_bounds(void)
{
	uint8_t m[512];
	struct netvsc_rx_info info;
	uint32_t len = make_packet(m, 0, 60);	/* offset 36 + 60 bytes: room 96, exact */

	EXPECT_EQ(len, 104);
	EXPECT_EQ(netvsc_rx_parse_packet(m, len, &info), NETVSC_DROP_NONE);
	EXPECT_EQ(info.data - m, 44);
	EXPECT_EQ(info.data_bytes, 60);
	put32(m + 8, 95);				/* one byte, the message's last */
	put32(m + 12, 1);
	EXPECT_EQ(netvsc_rx_parse_packet(m, len, &info), NETVSC_DROP_NONE);
	EXPECT_EQ(info.data - m, 103);
	EXPECT_EQ(info.data_bytes, 1);
	put32(m + 8, 96);				/* one byte past it */
	EXPECT_EQ(netvsc_rx_parse_packet(m, len, &info), NETVSC_DROP_BAD_RNDIS_MSG);
	put32(m + 8, 0xffffffffu);			/* offset + 1 wraps to 0 */
	EXPECT_EQ(netvsc_rx_parse_packet(m, len, &info), NETVSC_DROP_BAD_RNDIS_MSG);
	put32(m + 8, 36);
	put32(m + 12, 61);				/* one byte too long */
	EXPECT_EQ(netvsc_rx_parse_packet(m, len, &info), NETVSC_DROP_BAD_RNDIS_MSG);
	put32(m + 12, 96);				/* the whole room, from offset 36 */
	EXPECT_EQ(netvsc_rx_parse_packet(m, len, &info), NETVSC_DROP_BAD_RNDIS_MSG);
	put32(m + 12, 0xffffffffu);			/* length - 1 must not wrap below room */
	EXPECT_EQ(netvsc_rx_parse_packet(m, len, &info), NETVSC_DROP_BAD_RNDIS_MSG);
}

/*
 * The RSC packet id (type 0x80000001) sets its own bit and keeps its
 * flags; other types of 16 and above are ignored, whatever their value.
 */
static void
test_packet_pkt_id_and_unknown_types(void)
{
	uint8_t m[512] = { 0 };
	struct netvsc_rx_info info;
	uint32_t data_off = 44 + 3 * 16;

	put32(m, 1);
	put32(m + 4, data_off + 60);
	put32(m + 8, data_off - 8);
	put32(m + 12, 60);
	put32(m + 28, 36);				/* PPI area right after the header */
	put32(m + 32, 3 * 16);
	for (uint32_t i = 0; i < 3; i++) {
		put32(m + 44 + 16 * i, 16);
		put32(m + 52 + 16 * i, 12);
	}
	put32(m + 48, 0x80000001u);			/* packet id: first and last */
	put32(m + 56, (0x02u | 0x04u) << 8 | 0x11u);
	put32(m + 64, 16);				/* not a type we keep */
	put32(m + 72, 0x12345678);
	put32(m + 80, 0x80000000u);
	put32(m + 88, 0x9abcdef0u);
	EXPECT_EQ(netvsc_rx_parse_packet(m, data_off + 60, &info), NETVSC_DROP_NONE);
	EXPECT_EQ(info.ppis, NETVSC_RX_PPI_PKT_ID);
	EXPECT_EQ(netvsc_rx_pkt_id_flags(&info), 0x06);
	EXPECT_EQ(info.word[RNDIS_PPI_CSUM], 0);	/* not sent: no verdict */
	EXPECT_EQ(info.word[RNDIS_PPI_HASH_VALUE], 0);
}

int
main(void)
{
	RUN_TEST(test_xfer_happy_path);
	RUN_TEST(test_xfer_drop_reasons);
	RUN_TEST(test_xfer_range_count_bound);
	RUN_TEST(test_xfer_head_only);
	RUN_TEST(test_xfer_short_header_not_ours);
	RUN_TEST(test_rndis_header_checks_length);
	RUN_TEST(test_rndis_is_packet);
	RUN_TEST(test_packet_with_ppis);
	RUN_TEST(test_packet_drop_reasons);
	RUN_TEST(test_packet_unusual_ppi_layout);
	RUN_TEST(test_packet_ppi_record_past_area);
	RUN_TEST(test_packet_frame_bounds);
	RUN_TEST(test_packet_pkt_id_and_unknown_types);
	TEST_EXIT();
}
