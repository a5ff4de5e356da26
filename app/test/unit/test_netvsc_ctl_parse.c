/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The PMD's control gate (netvsc_ctl_parse.c): NVSP replies and inband
 * messages, RNDIS completions, indications and the RSS capabilities object,
 * each built byte by byte here from the offsets in spec/nvsp.md and
 * spec/rndis.md (no wire struct of the PMD); a happy path, every verdict
 * and the boundaries, including offsets that wrap 32 bits.
 */
#include <stdint.h>
#include <string.h>

#include "netvsc_ctl_parse.h"
#include "test_harness.h"

static uint8_t msg[256];

static void
le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void
le16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* An NVSP message (nvsp.md 1.1: 40 bytes) of type with words w1.. at offsets 4, 8, ... */
static void
nvsp(uint32_t type, uint32_t w1, uint32_t w2, uint32_t w3)
{
	memset(msg, 0, sizeof(msg));
	le32(msg + 0, type);
	le32(msg + 4, w1);
	le32(msg + 8, w2);
	le32(msg + 12, w3);
}

/* ---- NVSP ---- */

static void
test_chanpkt(void)
{
	uint32_t off = 0;

	memset(msg, 0, sizeof(msg));
	le16(msg + 0, 6);			/* inband */
	le16(msg + 2, 2);			/* data_offset8: payload at 16 */
	le16(msg + 4, 7);			/* total_len8: 56 */
	EXPECT_EQ(netvsc_ctl_parse_chanpkt(msg, 56, &off), NETVSC_CTL_OK);
	EXPECT_EQ(off, 16);
	EXPECT_EQ(netvsc_ctl_parse_chanpkt(msg, 16, &off), NETVSC_CTL_OK);	/* empty payload */
	EXPECT_EQ(netvsc_ctl_parse_chanpkt(msg, 15, &off), NETVSC_CTL_SHORT);
	le16(msg + 2, 1);			/* inside the descriptor */
	EXPECT_EQ(netvsc_ctl_parse_chanpkt(msg, 56, &off), NETVSC_CTL_SHORT);
	le16(msg + 2, 8);			/* 64: past the 56 bytes we have */
	EXPECT_EQ(netvsc_ctl_parse_chanpkt(msg, 56, &off), NETVSC_CTL_SHORT);
	le16(msg + 2, 0xffff);
	EXPECT_EQ(netvsc_ctl_parse_chanpkt(msg, 56, &off), NETVSC_CTL_SHORT);
}

static void
test_nvsp_type_and_reply(void)
{
	uint32_t type = 0;

	nvsp(105, 1, 6144, 0);
	EXPECT_EQ(netvsc_ctl_parse_nvsp_type(msg, 4, &type), NETVSC_CTL_OK);
	EXPECT_EQ(type, 105);
	EXPECT_EQ(netvsc_ctl_parse_nvsp_type(msg, 3, &type), NETVSC_CTL_SHORT);
	EXPECT_EQ(netvsc_ctl_parse_nvsp_reply(msg, 40, 105, 12), NETVSC_CTL_OK);
	EXPECT_EQ(netvsc_ctl_parse_nvsp_reply(msg, 11, 105, 12), NETVSC_CTL_SHORT);
	EXPECT_EQ(netvsc_ctl_parse_nvsp_reply(msg, 40, 102, 12), NETVSC_CTL_WRONG_TYPE);
	EXPECT_EQ(netvsc_ctl_parse_nvsp_reply(msg, 2, 105, 0), NETVSC_CTL_SHORT);
}

/* nvsp.md 3.2: type 2, status at 12. */
static void
test_init_complete(void)
{
	struct netvsc_nvsp_init_reply r;

	nvsp(2, 0xffffffffu, 34, 1);
	EXPECT_EQ(netvsc_ctl_parse_init_complete(msg, 40, &r), NETVSC_CTL_OK);
	EXPECT_EQ(r.status, 1);
	EXPECT_EQ(netvsc_ctl_parse_init_complete(msg, 16, &r), NETVSC_CTL_OK);
	EXPECT_EQ(netvsc_ctl_parse_init_complete(msg, 15, &r), NETVSC_CTL_SHORT);
	nvsp(2, 0, 0, 3);				/* protocol too new */
	EXPECT_EQ(netvsc_ctl_parse_init_complete(msg, 40, &r), NETVSC_CTL_REFUSED);
	EXPECT_EQ(r.status, 3);
	nvsp(102, 0, 0, 1);
	EXPECT_EQ(netvsc_ctl_parse_init_complete(msg, 40, &r), NETVSC_CTL_WRONG_TYPE);
}

/* nvsp.md 3.6: status 4, count 8, section at 12: offset, slot size, slots, end. */
static void
rxbuf_reply(uint32_t status, uint32_t nb, uint32_t off, uint32_t slot, uint32_t nb_slots)
{
	nvsp(102, status, nb, off);
	le32(msg + 16, slot);
	le32(msg + 20, nb_slots);
	le32(msg + 24, off + slot * nb_slots);
}

static void
test_rxbuf_complete(void)
{
	const uint32_t buf = 16u << 20;
	struct netvsc_nvsp_rxbuf_reply r;

	rxbuf_reply(1, 1, 0, 1728, buf / 1728);
	EXPECT_EQ(netvsc_ctl_parse_rxbuf_complete(msg, 40, buf, &r), NETVSC_CTL_OK);
	EXPECT_EQ(r.slot_bytes, 1728);
	EXPECT_EQ(r.nb_slots, buf / 1728);
	EXPECT_EQ(netvsc_ctl_parse_rxbuf_complete(msg, 28, buf, &r), NETVSC_CTL_OK);
	EXPECT_EQ(netvsc_ctl_parse_rxbuf_complete(msg, 27, buf, &r), NETVSC_CTL_SHORT);
	rxbuf_reply(1, 1, 0, 2048, buf / 2048);		/* exactly the buffer */
	EXPECT_EQ(netvsc_ctl_parse_rxbuf_complete(msg, 40, buf, &r), NETVSC_CTL_OK);

	rxbuf_reply(2, 1, 0, 1728, 10);
	EXPECT_EQ(netvsc_ctl_parse_rxbuf_complete(msg, 40, buf, &r), NETVSC_CTL_REFUSED);
	EXPECT_EQ(r.status, 2);
	rxbuf_reply(1, 2, 0, 1728, 10);
	EXPECT_EQ(netvsc_ctl_parse_rxbuf_complete(msg, 40, buf, &r), NETVSC_CTL_BAD_SECTIONS);
	EXPECT_EQ(r.nb_sections, 2);
	rxbuf_reply(1, 0, 0, 1728, 10);
	EXPECT_EQ(netvsc_ctl_parse_rxbuf_complete(msg, 40, buf, &r), NETVSC_CTL_BAD_SECTIONS);
	rxbuf_reply(1, 1, 4096, 1728, 10);
	EXPECT_EQ(netvsc_ctl_parse_rxbuf_complete(msg, 40, buf, &r), NETVSC_CTL_BAD_SECTIONS);
	rxbuf_reply(1, 1, 0, 0, 10);
	EXPECT_EQ(netvsc_ctl_parse_rxbuf_complete(msg, 40, buf, &r), NETVSC_CTL_BAD_SECTIONS);
	rxbuf_reply(1, 1, 0, 1728, 0);
	EXPECT_EQ(netvsc_ctl_parse_rxbuf_complete(msg, 40, buf, &r), NETVSC_CTL_BAD_SECTIONS);
	rxbuf_reply(1, 1, 0, 2048, buf / 2048 + 1);	/* one slot past the end */
	EXPECT_EQ(netvsc_ctl_parse_rxbuf_complete(msg, 40, buf, &r), NETVSC_CTL_BAD_SECTIONS);
	rxbuf_reply(1, 1, 0, 0x10000, 0x10000);		/* 2^32: wraps to 0 in 32 bits */
	EXPECT_EQ(netvsc_ctl_parse_rxbuf_complete(msg, 40, buf, &r), NETVSC_CTL_BAD_SECTIONS);
}

/* nvsp.md 3.9: status 4, section size 8. */
static void
test_txbuf_complete(void)
{
	const uint32_t buf = 16u << 20;
	struct netvsc_nvsp_txbuf_reply r;

	nvsp(105, 1, 6144, 0);
	EXPECT_EQ(netvsc_ctl_parse_txbuf_complete(msg, 40, buf, &r), NETVSC_CTL_OK);
	EXPECT_EQ(r.section_bytes, 6144);
	EXPECT_EQ(r.nb_sections, 2730);		/* nvsp.md 3.9: 16 MiB / 6144 */
	EXPECT_TRUE((uint64_t)r.nb_sections * r.section_bytes <= buf);
	EXPECT_EQ(netvsc_ctl_parse_txbuf_complete(msg, 12, buf, &r), NETVSC_CTL_OK);
	EXPECT_EQ(netvsc_ctl_parse_txbuf_complete(msg, 11, buf, &r), NETVSC_CTL_SHORT);
	nvsp(105, 1, buf, 0);				/* one section, the whole buffer */
	EXPECT_EQ(netvsc_ctl_parse_txbuf_complete(msg, 40, buf, &r), NETVSC_CTL_OK);
	EXPECT_EQ(r.nb_sections, 1);
	nvsp(105, 1, 4, 0);
	EXPECT_EQ(netvsc_ctl_parse_txbuf_complete(msg, 40, 4098, &r), NETVSC_CTL_OK);
	EXPECT_EQ(r.nb_sections, 1024);			/* the 2-byte tail is no section */

	nvsp(105, 1, 0, 0);
	EXPECT_EQ(netvsc_ctl_parse_txbuf_complete(msg, 40, buf, &r), NETVSC_CTL_BAD_SECTION_SIZE);
	nvsp(105, 1, 6146, 0);
	EXPECT_EQ(netvsc_ctl_parse_txbuf_complete(msg, 40, buf, &r), NETVSC_CTL_BAD_SECTION_SIZE);
	nvsp(105, 1, buf + 4, 0);
	EXPECT_EQ(netvsc_ctl_parse_txbuf_complete(msg, 40, buf, &r), NETVSC_CTL_BAD_SECTION_SIZE);
	nvsp(105, 1, 0xfffffffcu, 0);
	EXPECT_EQ(netvsc_ctl_parse_txbuf_complete(msg, 40, buf, &r), NETVSC_CTL_BAD_SECTION_SIZE);
	nvsp(105, 2, 6144, 0);
	EXPECT_EQ(netvsc_ctl_parse_txbuf_complete(msg, 40, buf, &r), NETVSC_CTL_REFUSED);
	EXPECT_EQ(r.status, 2);
	nvsp(102, 1, 6144, 0);
	EXPECT_EQ(netvsc_ctl_parse_txbuf_complete(msg, 40, buf, &r), NETVSC_CTL_WRONG_TYPE);
}

/* nvsp.md 3.12: status 4, granted 8. */
static void
test_subchannel_complete(void)
{
	struct netvsc_nvsp_subchannel_reply r;

	nvsp(133, 1, 3, 0);
	EXPECT_EQ(netvsc_ctl_parse_subchannel_complete(msg, 40, 3, &r), NETVSC_CTL_OK);
	EXPECT_EQ(r.nb_granted, 3);
	EXPECT_EQ(netvsc_ctl_parse_subchannel_complete(msg, 12, 7, &r), NETVSC_CTL_OK);
	EXPECT_EQ(r.nb_granted, 3);			/* fewer: the caller decides */
	EXPECT_EQ(netvsc_ctl_parse_subchannel_complete(msg, 11, 3, &r), NETVSC_CTL_SHORT);
	EXPECT_EQ(netvsc_ctl_parse_subchannel_complete(msg, 40, 2, &r), NETVSC_CTL_TOO_MANY);
	nvsp(133, 1, 0xffffffffu, 0);
	EXPECT_EQ(netvsc_ctl_parse_subchannel_complete(msg, 40, 63, &r), NETVSC_CTL_TOO_MANY);
	nvsp(133, 2, 0, 0);
	EXPECT_EQ(netvsc_ctl_parse_subchannel_complete(msg, 40, 3, &r), NETVSC_CTL_REFUSED);
	nvsp(2, 1, 3, 0);
	EXPECT_EQ(netvsc_ctl_parse_subchannel_complete(msg, 40, 3, &r), NETVSC_CTL_WRONG_TYPE);
}

/* nvsp.md 3.15: count at 4, table offset at 8 (from the message start), 16 u32 there. */
static void
indirection(uint32_t count, uint32_t off, uint32_t nb_channels)
{
	memset(msg, 0, sizeof(msg));
	for (uint32_t i = 0; i < 16 && off + 4 * i + 4 <= sizeof(msg); i++)
		le32(msg + off + 4 * i, i % nb_channels);
	le32(msg + 0, 134);				/* after the table: it may overlap */
	le32(msg + 4, count);
	le32(msg + 8, off);
}

static void
test_indirection_table(void)
{
	struct netvsc_nvsp_indirection t;

	indirection(16, 12, 4);				/* OpenVMM: table right after */
	EXPECT_EQ(netvsc_ctl_parse_indirection_table(msg, 76, 64, &t), NETVSC_CTL_OK);
	EXPECT_EQ(t.entry[5], 1);
	EXPECT_EQ(t.entry[15], 3);
	indirection(16, 40, 3);				/* the old Hyper-V place */
	EXPECT_EQ(netvsc_ctl_parse_indirection_table(msg, 104, 64, &t), NETVSC_CTL_OK);
	EXPECT_EQ(t.entry[4], 1);
	EXPECT_EQ(netvsc_ctl_parse_indirection_table(msg, 103, 64, &t), NETVSC_CTL_BAD_TABLE);

	indirection(16, 12, 4);
	EXPECT_EQ(netvsc_ctl_parse_indirection_table(msg, 75, 64, &t), NETVSC_CTL_BAD_TABLE);
	EXPECT_EQ(netvsc_ctl_parse_indirection_table(msg, 11, 64, &t), NETVSC_CTL_SHORT);
	EXPECT_EQ(netvsc_ctl_parse_indirection_table(msg, 76, 3, &t), NETVSC_CTL_BAD_TABLE);
	indirection(15, 12, 4);
	EXPECT_EQ(netvsc_ctl_parse_indirection_table(msg, 76, 64, &t), NETVSC_CTL_BAD_TABLE);
	indirection(16, 8, 4);				/* over its own fields */
	EXPECT_EQ(netvsc_ctl_parse_indirection_table(msg, 76, 64, &t), NETVSC_CTL_BAD_TABLE);
	indirection(16, 12, 4);
	le32(msg + 8, 0xfffffff0u);			/* + 64 wraps to 48 */
	EXPECT_EQ(netvsc_ctl_parse_indirection_table(msg, 200, 64, &t), NETVSC_CTL_BAD_TABLE);
	indirection(16, 12, 4);
	le32(msg + 12 + 4 * 7, 64);			/* a channel index we can never have */
	EXPECT_EQ(netvsc_ctl_parse_indirection_table(msg, 76, 64, &t), NETVSC_CTL_BAD_TABLE);
	le32(msg + 0, 128);
	EXPECT_EQ(netvsc_ctl_parse_indirection_table(msg, 76, 64, &t), NETVSC_CTL_WRONG_TYPE);
}

/* nvsp.md 3.13: allocated at 4, serial at 8. */
static void
test_vf_association(void)
{
	struct netvsc_nvsp_vf vf;

	nvsp(128, 1, 0x1234, 0);
	EXPECT_EQ(netvsc_ctl_parse_vf_association(msg, 12, &vf), NETVSC_CTL_OK);
	EXPECT_EQ(vf.allocated, 1);
	EXPECT_EQ(vf.serial, 0x1234);
	EXPECT_EQ(netvsc_ctl_parse_vf_association(msg, 11, &vf), NETVSC_CTL_SHORT);
	nvsp(134, 1, 0x1234, 0);
	EXPECT_EQ(netvsc_ctl_parse_vf_association(msg, 40, &vf), NETVSC_CTL_WRONG_TYPE);
}

/* ---- RNDIS ---- */

/* rndis.md 3.8: type 7, length, status @8, buffer length @12, offset @16 (from 8). */
static uint32_t
indication(uint32_t status, uint32_t buf_len, uint32_t buf_off, uint32_t total)
{
	memset(msg, 0, sizeof(msg));
	le32(msg + 0, 7);
	le32(msg + 4, total);
	le32(msg + 8, status);
	le32(msg + 12, buf_len);
	le32(msg + 16, buf_off);
	return total;
}

static void
test_rndis_indication(void)
{
	struct netvsc_rndis_ctl v;
	uint32_t len;

	len = indication(0x4001000bu, 0, 0, 20);	/* media connect, no buffer */
	EXPECT_EQ(netvsc_ctl_parse_rndis_ctl(msg, len, &v), NETVSC_CTL_OK);
	EXPECT_EQ(v.type, 7);
	EXPECT_EQ(v.status, 0x4001000bu);
	EXPECT_EQ(v.buf_bytes, 0);
	len = indication(0x40010018u, 4, 12, 24);	/* network change + its u32 */
	le32(msg + 20, 2);
	EXPECT_EQ(netvsc_ctl_parse_rndis_ctl(msg, len, &v), NETVSC_CTL_OK);
	EXPECT_EQ(v.buf_offset, 20);
	EXPECT_EQ(v.buf_bytes, 4);

	EXPECT_EQ(netvsc_ctl_parse_rndis_ctl(msg, 23, &v), NETVSC_CTL_BAD_BUFFER);
	EXPECT_EQ(netvsc_ctl_parse_rndis_ctl(msg, 19, &v), NETVSC_CTL_SHORT);
	EXPECT_EQ(netvsc_ctl_parse_rndis_ctl(msg, 12, &v), NETVSC_CTL_SHORT);
	len = indication(0x40010018u, 4, 0, 24);	/* buffer over the header */
	EXPECT_EQ(netvsc_ctl_parse_rndis_ctl(msg, len, &v), NETVSC_CTL_BAD_BUFFER);
	len = indication(0x40010018u, 4, 13, 24);	/* one byte too far */
	EXPECT_EQ(netvsc_ctl_parse_rndis_ctl(msg, len, &v), NETVSC_CTL_BAD_BUFFER);
	len = indication(0x40010018u, 8, 0xfffffffcu, 24);	/* + 8 wraps to 4 */
	EXPECT_EQ(netvsc_ctl_parse_rndis_ctl(msg, len, &v), NETVSC_CTL_BAD_BUFFER);
	len = indication(0x40010018u, 0xffffffffu, 12, 24);
	EXPECT_EQ(netvsc_ctl_parse_rndis_ctl(msg, len, &v), NETVSC_CTL_BAD_BUFFER);
	len = indication(0x40010018u, 0, 0xffffffffu, 20);	/* no buffer: offset unused */
	EXPECT_EQ(netvsc_ctl_parse_rndis_ctl(msg, len, &v), NETVSC_CTL_OK);
	/* rndis.md 7: LINK_SPEED_CHANGE carries its speed, a u32 in 100 bit/s units */
	len = indication(0x40010013u, 4, 12, 24);
	le32(msg + 20, 250000000u);			/* 25 Gbit/s */
	EXPECT_EQ(netvsc_ctl_parse_rndis_ctl(msg, len, &v), NETVSC_CTL_OK);
	EXPECT_EQ(v.buf_offset, 20);
	EXPECT_EQ(v.buf_bytes, 4);
	len = indication(0x40010013u, 2, 12, 22);	/* too short for one */
	EXPECT_EQ(netvsc_ctl_parse_rndis_ctl(msg, len, &v), NETVSC_CTL_BAD_BUFFER);
	len = indication(0x40010013u, 0, 0, 20);	/* none at all */
	EXPECT_EQ(netvsc_ctl_parse_rndis_ctl(msg, len, &v), NETVSC_CTL_BAD_BUFFER);
}

/* rndis.md 2: completions are type | 0x80000000, request id at 8. */
static void
test_rndis_ctl_kinds(void)
{
	struct netvsc_rndis_ctl v;

	memset(msg, 0, sizeof(msg));
	le32(msg + 0, 0x80000005u);
	le32(msg + 4, 16);
	le32(msg + 8, 77);
	EXPECT_EQ(netvsc_ctl_parse_rndis_ctl(msg, 16, &v), NETVSC_CTL_OK);
	EXPECT_EQ(v.type, 0x80000005u);
	EXPECT_EQ(v.request_id, 77);
	EXPECT_EQ(netvsc_ctl_parse_rndis_ctl(msg, 12, &v), NETVSC_CTL_OK);
	EXPECT_EQ(netvsc_ctl_parse_rndis_ctl(msg, 11, &v), NETVSC_CTL_SHORT);
	EXPECT_EQ(netvsc_ctl_parse_rndis_ctl(msg, 7, &v), NETVSC_CTL_SHORT);
	le32(msg + 0, 8);				/* a host keepalive: guests never answer */
	EXPECT_EQ(netvsc_ctl_parse_rndis_ctl(msg, 16, &v), NETVSC_CTL_WRONG_TYPE);
	le32(msg + 0, 1);				/* PACKET is the data path's */
	EXPECT_EQ(netvsc_ctl_parse_rndis_ctl(msg, 16, &v), NETVSC_CTL_WRONG_TYPE);
}

static void
test_rndis_reply(void)
{
	uint32_t type = 0;

	memset(msg, 0, sizeof(msg));
	le32(msg + 0, 0x80000004u);
	EXPECT_EQ(netvsc_ctl_parse_rndis_reply(msg, 24, 0x80000004u, 24, &type), NETVSC_CTL_OK);
	EXPECT_EQ(type, 0x80000004u);
	EXPECT_EQ(netvsc_ctl_parse_rndis_reply(msg, 23, 0x80000004u, 24, &type),
		  NETVSC_CTL_SHORT);
	EXPECT_EQ(netvsc_ctl_parse_rndis_reply(msg, 24, 0x80000005u, 16, &type),
		  NETVSC_CTL_WRONG_TYPE);
	EXPECT_EQ(type, 0x80000004u);
	EXPECT_EQ(netvsc_ctl_parse_rndis_reply(msg, 3, 0x80000004u, 0, &type), NETVSC_CTL_SHORT);
}

/* rndis.md 3.2: 52 bytes; status @12, max packets @32, max transfer @36, align @40. */
static void
init_cmplt(uint32_t status, uint32_t max_pkts, uint32_t max_xfer, uint32_t align_log2)
{
	memset(msg, 0, sizeof(msg));
	le32(msg + 0, 0x80000002u);
	le32(msg + 4, 52);
	le32(msg + 8, 1);
	le32(msg + 12, status);
	le32(msg + 16, 1);
	le32(msg + 24, 1);
	le32(msg + 32, max_pkts);
	le32(msg + 36, max_xfer);
	le32(msg + 40, align_log2);
}

static void
test_init_cmplt(void)
{
	struct netvsc_rndis_init_reply r;

	init_cmplt(0, 8, 0xefffffffu, 3);		/* OpenVMM's values */
	EXPECT_EQ(netvsc_ctl_parse_init_cmplt(msg, 52, &r), NETVSC_CTL_OK);
	EXPECT_EQ(r.max_pkts, 8);
	EXPECT_EQ(r.max_xfer_bytes, 0xefffffffu);
	EXPECT_EQ(r.align_bytes, 8);
	EXPECT_EQ(netvsc_ctl_parse_init_cmplt(msg, 51, &r), NETVSC_CTL_SHORT);
	init_cmplt(0, 0, 0x4000, 0);
	EXPECT_EQ(netvsc_ctl_parse_init_cmplt(msg, 52, &r), NETVSC_CTL_OK);
	EXPECT_EQ(r.max_pkts, 1);
	EXPECT_EQ(r.align_bytes, 1);
	init_cmplt(0, 8, 0x4000, 11);
	EXPECT_EQ(netvsc_ctl_parse_init_cmplt(msg, 52, &r), NETVSC_CTL_OK);
	EXPECT_EQ(r.align_bytes, 2048);
	init_cmplt(0, 8, 0x4000, 12);
	EXPECT_EQ(netvsc_ctl_parse_init_cmplt(msg, 52, &r), NETVSC_CTL_OK);
	EXPECT_EQ(r.align_bytes, 8);
	init_cmplt(0, 8, 0x4000, 0xffffffffu);		/* a shift of 2^32 - 1 */
	EXPECT_EQ(netvsc_ctl_parse_init_cmplt(msg, 52, &r), NETVSC_CTL_OK);
	EXPECT_EQ(r.align_bytes, 8);

	init_cmplt(0, 8, 0, 3);
	EXPECT_EQ(netvsc_ctl_parse_init_cmplt(msg, 52, &r), NETVSC_CTL_BAD_LIMITS);
	init_cmplt(0xc0010004u, 8, 0x4000, 3);
	EXPECT_EQ(netvsc_ctl_parse_init_cmplt(msg, 52, &r), NETVSC_CTL_REFUSED);
	EXPECT_EQ(r.status, 0xc0010004u);
	le32(msg + 0, 0x80000004u);
	EXPECT_EQ(netvsc_ctl_parse_init_cmplt(msg, 52, &r), NETVSC_CTL_WRONG_TYPE);
}

/* rndis.md 3.4: status @12, info length @16, info offset @20 (from 8); data at 24. */
static uint32_t
query_cmplt(uint32_t status, uint32_t info_len, uint32_t info_off, uint32_t total)
{
	memset(msg, 0, sizeof(msg));
	le32(msg + 0, 0x80000004u);
	le32(msg + 4, total);
	le32(msg + 8, 9);
	le32(msg + 12, status);
	le32(msg + 16, info_len);
	le32(msg + 20, info_off);
	return total;
}

static void
test_query_cmplt(void)
{
	static const uint8_t mac[6] = { 0x00, 0x15, 0x5d, 0x01, 0x02, 0x03 };
	struct netvsc_rndis_query_reply r;
	uint32_t len;

	len = query_cmplt(0, 6, 16, 30);
	memcpy(msg + 24, mac, 6);
	EXPECT_EQ(netvsc_ctl_parse_query_cmplt(msg, len, 6, &r), NETVSC_CTL_OK);
	EXPECT_EQ(r.info_offset, 24);
	EXPECT_EQ(r.info_bytes, 6);
	EXPECT_MEM_EQ(msg + r.info_offset, mac, 6);
	len = query_cmplt(0, 4, 20, 32);		/* unusual but inside */
	EXPECT_EQ(netvsc_ctl_parse_query_cmplt(msg, len, 4, &r), NETVSC_CTL_OK);
	EXPECT_EQ(r.info_offset, 28);
	len = query_cmplt(0, 0, 0, 24);			/* no data */
	EXPECT_EQ(netvsc_ctl_parse_query_cmplt(msg, len, 6, &r), NETVSC_CTL_OK);
	EXPECT_EQ(r.info_bytes, 0);

	len = query_cmplt(0, 6, 16, 30);
	EXPECT_EQ(netvsc_ctl_parse_query_cmplt(msg, len, 5, &r), NETVSC_CTL_TOO_LONG);
	EXPECT_EQ(netvsc_ctl_parse_query_cmplt(msg, 29, 6, &r), NETVSC_CTL_BAD_BUFFER);
	EXPECT_EQ(netvsc_ctl_parse_query_cmplt(msg, 23, 6, &r), NETVSC_CTL_SHORT);
	len = query_cmplt(0, 6, 0, 30);			/* data over the fixed fields */
	EXPECT_EQ(netvsc_ctl_parse_query_cmplt(msg, len, 6, &r), NETVSC_CTL_BAD_BUFFER);
	len = query_cmplt(0, 6, 15, 30);
	EXPECT_EQ(netvsc_ctl_parse_query_cmplt(msg, len, 6, &r), NETVSC_CTL_BAD_BUFFER);
	len = query_cmplt(0, 6, 0xfffffff8u, 30);	/* + 8 wraps to 0 */
	EXPECT_EQ(netvsc_ctl_parse_query_cmplt(msg, len, 64, &r), NETVSC_CTL_BAD_BUFFER);
	len = query_cmplt(0, 0x20, 0xfffffff0u, 30);	/* offset + length wraps to 16 */
	EXPECT_EQ(netvsc_ctl_parse_query_cmplt(msg, len, 64, &r), NETVSC_CTL_BAD_BUFFER);
	len = query_cmplt(0, 0xfffffff0u, 16, 30);	/* length alone wraps the end */
	EXPECT_EQ(netvsc_ctl_parse_query_cmplt(msg, len, 0xffffffffu, &r), NETVSC_CTL_BAD_BUFFER);
	len = query_cmplt(0xc00000bbu, 0, 0, 24);
	EXPECT_EQ(netvsc_ctl_parse_query_cmplt(msg, len, 6, &r), NETVSC_CTL_REFUSED);
	EXPECT_EQ(r.status, 0xc00000bbu);
	le32(msg + 0, 0x80000005u);
	EXPECT_EQ(netvsc_ctl_parse_query_cmplt(msg, len, 6, &r), NETVSC_CTL_WRONG_TYPE);
}

/* rndis.md 3.5: 16 bytes, status @12. */
static void
test_set_cmplt(void)
{
	uint32_t status = 1;

	memset(msg, 0, sizeof(msg));
	le32(msg + 0, 0x80000005u);
	le32(msg + 4, 16);
	EXPECT_EQ(netvsc_ctl_parse_set_cmplt(msg, 16, &status), NETVSC_CTL_OK);
	EXPECT_EQ(status, 0);
	EXPECT_EQ(netvsc_ctl_parse_set_cmplt(msg, 15, &status), NETVSC_CTL_SHORT);
	le32(msg + 12, 0xc0010015u);
	EXPECT_EQ(netvsc_ctl_parse_set_cmplt(msg, 16, &status), NETVSC_CTL_REFUSED);
	EXPECT_EQ(status, 0xc0010015u);
	le32(msg + 0, 0x80000002u);
	EXPECT_EQ(netvsc_ctl_parse_set_cmplt(msg, 16, &status), NETVSC_CTL_WRONG_TYPE);
}

/* rndis.md 5.4: header (type u8, revision u8, size u16), caps @4, queues @12, entries @16. */
static void
rss_caps(uint8_t type, uint8_t rev, uint16_t size, uint32_t queues, uint16_t entries)
{
	memset(msg, 0, sizeof(msg));
	msg[0] = type;
	msg[1] = rev;
	le16(msg + 2, size);
	le32(msg + 4, 0x301);
	le32(msg + 8, 1);
	le32(msg + 12, queues);
	le16(msg + 16, entries);
}

static void
test_rss_caps(void)
{
	struct netvsc_rss_caps_view c;

	rss_caps(0x88, 2, 18, 8, 128);			/* OpenVMM's reply */
	EXPECT_EQ(netvsc_ctl_parse_rss_caps(msg, 18, &c), NETVSC_CTL_OK);
	EXPECT_EQ(c.caps, 0x301);
	EXPECT_EQ(c.nb_rx_queues, 8);
	EXPECT_EQ(c.nb_table_entries, 128);
	EXPECT_EQ(netvsc_ctl_parse_rss_caps(msg, 20, &c), NETVSC_CTL_OK);	/* pad sent too */
	rss_caps(0x88, 1, 16, 4, 0);			/* revision 1: no entry count */
	EXPECT_EQ(netvsc_ctl_parse_rss_caps(msg, 16, &c), NETVSC_CTL_OK);
	EXPECT_EQ(c.nb_table_entries, 0);
	rss_caps(0x88, 1, 18, 4, 2);			/* revision 1: entries not read */
	EXPECT_EQ(netvsc_ctl_parse_rss_caps(msg, 18, &c), NETVSC_CTL_OK);
	EXPECT_EQ(c.nb_table_entries, 0);

	rss_caps(0x88, 2, 18, 8, 128);
	EXPECT_EQ(netvsc_ctl_parse_rss_caps(msg, 15, &c), NETVSC_CTL_SHORT);
	EXPECT_EQ(netvsc_ctl_parse_rss_caps(msg, 16, &c), NETVSC_CTL_BAD_OBJECT);	/* says 18 */
	rss_caps(0x89, 2, 18, 8, 128);
	EXPECT_EQ(netvsc_ctl_parse_rss_caps(msg, 18, &c), NETVSC_CTL_BAD_OBJECT);
	rss_caps(0x88, 0, 18, 8, 128);
	EXPECT_EQ(netvsc_ctl_parse_rss_caps(msg, 18, &c), NETVSC_CTL_BAD_OBJECT);
	rss_caps(0x88, 2, 8, 8, 128);
	EXPECT_EQ(netvsc_ctl_parse_rss_caps(msg, 18, &c), NETVSC_CTL_BAD_OBJECT);
	rss_caps(0x88, 2, 18, 0, 128);
	EXPECT_EQ(netvsc_ctl_parse_rss_caps(msg, 18, &c), NETVSC_CTL_BAD_OBJECT);
}

/* rndis.md 5.2: header, ip4 tx/rx checksum @8/@16, ip6 @24/@32, LSOv2 @80, @92, @104. */
static void
offload_caps(uint8_t type, uint8_t rev, uint16_t size)
{
	memset(msg, 0, sizeof(msg));
	msg[0] = type;
	msg[1] = rev;
	le16(msg + 2, size);
	le32(msg + 8, 0x115);
	le32(msg + 16, 0x150);
	le32(msg + 24, 0x055);
	le32(msg + 32, 0x010);
	le32(msg + 80, 2);
	le32(msg + 92, 2);
	le32(msg + 104, 5);
}

static void
test_offload_caps(void)
{
	struct netvsc_offload_caps_view c;

	offload_caps(0xa7, 3, 156);			/* OpenVMM's revision */
	EXPECT_EQ(netvsc_ctl_parse_offload_caps(msg, 156, &c), NETVSC_CTL_OK);
	EXPECT_EQ(c.ip4_tx_csum, 0x115);
	EXPECT_EQ(c.ip4_rx_csum, 0x150);
	EXPECT_EQ(c.ip6_tx_csum, 0x055);
	EXPECT_EQ(c.ip6_rx_csum, 0x010);
	EXPECT_EQ(c.lsov2_ip4_encap, 2);
	EXPECT_EQ(c.lsov2_ip6_encap, 2);
	EXPECT_EQ(c.lsov2_ip6_options, 5);
	offload_caps(0xa7, 1, 112);			/* revision 1 holds them all */
	EXPECT_EQ(netvsc_ctl_parse_offload_caps(msg, 112, &c), NETVSC_CTL_OK);
	EXPECT_EQ(c.lsov2_ip6_options, 5);

	EXPECT_EQ(netvsc_ctl_parse_offload_caps(msg, 111, &c), NETVSC_CTL_SHORT);
	EXPECT_EQ(c.ip4_tx_csum, 0);			/* nothing kept of a refused one */
	offload_caps(0xa7, 3, 156);
	EXPECT_EQ(netvsc_ctl_parse_offload_caps(msg, 144, &c), NETVSC_CTL_BAD_OBJECT);
	offload_caps(0x88, 3, 156);
	EXPECT_EQ(netvsc_ctl_parse_offload_caps(msg, 156, &c), NETVSC_CTL_BAD_OBJECT);
	offload_caps(0xa7, 0, 156);
	EXPECT_EQ(netvsc_ctl_parse_offload_caps(msg, 156, &c), NETVSC_CTL_BAD_OBJECT);
	offload_caps(0xa7, 1, 100);
	EXPECT_EQ(netvsc_ctl_parse_offload_caps(msg, 156, &c), NETVSC_CTL_BAD_OBJECT);
}

/*
 * rndis.md 5.3, bytes as the table gives them: header @0 (type 0x80, revision,
 * u16 size), checksums @4-8 (2 TX, 3 RX, 4 both, 0 no change), LSOv2 @11/@12
 * and RSC @22/@23 (1 off, 2 on). Capabilities differ by direction and IP
 * version so that a field written at another's offset shows.
 */
static void
test_offload_params(void)
{
	const struct netvsc_offload_caps_view c = {
		.ip4_tx_csum = 0x100 | 0x010,	/* IPv4 header, TCP: TX only */
		.ip4_rx_csum = 0x040,		/* UDP: RX only */
		.ip6_tx_csum = 0x040,		/* UDP: TX */
		.ip6_rx_csum = 0x010 | 0x040,	/* TCP: RX; UDP: RX too */
		.lsov2_ip4_encap = 2,		/* 802.3 */
		.lsov2_ip6_encap = 2, .lsov2_ip6_options = 1,	/* no TCP options: off */
	};
	uint8_t p[28];

	EXPECT_EQ(netvsc_ctl_offload_params(&c, 0x60001, 30, true, p), 28);
	EXPECT_EQ(p[0], 0x80);
	EXPECT_EQ(p[1], 3);
	EXPECT_EQ(p[2] | p[3] << 8, 28);
	EXPECT_EQ(p[4], 2);	/* IPv4 header: TX */
	EXPECT_EQ(p[5], 2);	/* TCP/IPv4: TX */
	EXPECT_EQ(p[6], 3);	/* UDP/IPv4: RX */
	EXPECT_EQ(p[7], 3);	/* TCP/IPv6: RX */
	EXPECT_EQ(p[8], 4);	/* UDP/IPv6: both */
	EXPECT_EQ(p[9] | p[10], 0);
	EXPECT_EQ(p[11], 2);	/* LSOv2 IPv4 on */
	EXPECT_EQ(p[12], 0);	/* IPv6: left alone */
	EXPECT_EQ(p[22], 2);	/* RSC on, both */
	EXPECT_EQ(p[23], 2);
	EXPECT_EQ(netvsc_ctl_offload_params(&c, 0x60001, 30, false, p), 28);
	EXPECT_EQ(p[22], 1);	/* RSC off */
	EXPECT_EQ(p[23], 1);

	/* NVSP 5: no RSC to switch (LRO refused), still revision 3 for NDIS 6.30. */
	EXPECT_EQ(netvsc_ctl_offload_params(&c, 0x50000, 30, true, p), 0);
	EXPECT_EQ(netvsc_ctl_offload_params(&c, 0x50000, 30, false, p), 28);
	EXPECT_EQ(p[22] | p[23], 0);
	/* NDIS 6.1: revision 2, 22 bytes; NVSP 4: UDP/IPv4 left alone, as Linux does. */
	EXPECT_EQ(netvsc_ctl_offload_params(&c, 0x40000, 1, false, p), 22);
	EXPECT_EQ(p[1], 2);
	EXPECT_EQ(p[2] | p[3] << 8, 22);
	EXPECT_EQ(p[6], 0);
	EXPECT_EQ(p[8], 4);
}

static void
test_verdict_names(void)
{
	for (int v = 0; v < NETVSC_CTL_NB_VERDICTS; v++) {
		const char *s = netvsc_ctl_verdict_str((enum netvsc_ctl_verdict)v);

		EXPECT_TRUE(s != NULL && s[0] != '\0' && strcmp(s, "unknown verdict") != 0);
		for (int w = 0; w < v; w++)
			EXPECT_TRUE(strcmp(s, netvsc_ctl_verdict_str(
					(enum netvsc_ctl_verdict)w)) != 0);
	}
	EXPECT_TRUE(strcmp(netvsc_ctl_verdict_str(NETVSC_CTL_NB_VERDICTS), "unknown verdict") == 0);
}

int
main(void)
{
	RUN_TEST(test_chanpkt);
	RUN_TEST(test_nvsp_type_and_reply);
	RUN_TEST(test_init_complete);
	RUN_TEST(test_rxbuf_complete);
	RUN_TEST(test_txbuf_complete);
	RUN_TEST(test_subchannel_complete);
	RUN_TEST(test_indirection_table);
	RUN_TEST(test_vf_association);
	RUN_TEST(test_rndis_indication);
	RUN_TEST(test_rndis_ctl_kinds);
	RUN_TEST(test_rndis_reply);
	RUN_TEST(test_init_cmplt);
	RUN_TEST(test_query_cmplt);
	RUN_TEST(test_set_cmplt);
	RUN_TEST(test_rss_caps);
	RUN_TEST(test_offload_caps);
	RUN_TEST(test_offload_params);
	RUN_TEST(test_verdict_names);
	TEST_EXIT();
}
