/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests of hvsim's receive segment coalescing (host_rsc.c) over a real ring
 * pair: in-sequence TCP segments of one flow become one RNDIS PACKET with the
 * packet-id PPI (rndis.md 6.1, 6.3); lengths and checksums are judged by this
 * file's own arithmetic.
 */
#include "test_bytes.h"
#include "test_harness.h"
#include "host_fixture.h"

#define RECV_GPADL	0xe1e10u
#define SEND_GPADL	0xe1e11u
#define NB_SLOTS	16u
#define PAYLOAD		1000u

static uint8_t rxbuf[NB_SLOTS * 1728u];
static uint8_t txbuf[6144u];
static const uint8_t nic_mac[6] = { 0x00, 0x15, 0x5d, 0x00, 0x00, 0x01 };

void *
hvsim_guest_mem(struct hvsim *sim, uint64_t gpa, uint32_t len)
{
	(void)sim;
	(void)gpa;
	(void)len;
	return NULL;
}

/* ---- a test backend handing out queued frames ---- */

static struct hvsim_frame rxq[8];
static unsigned int rxq_head, rxq_nb;

static int
q_open(struct hvsim_backend *be, const char *args)
{
	(void)be;
	(void)args;
	return 0;
}

static void
q_transmit(struct hvsim_backend *be, const uint8_t *frame, uint32_t len)
{
	(void)be;
	(void)frame;
	(void)len;
}

static const struct hvsim_frame *
q_peek(struct hvsim_backend *be)
{
	(void)be;
	return rxq_head < rxq_nb ? &rxq[rxq_head] : NULL;
}

static void
q_consume(struct hvsim_backend *be)
{
	(void)be;
	rxq_head++;
}

static const struct hvsim_backend_ops q_ops = {
	.name = "test", .open = q_open, .transmit = q_transmit,
	.peek = q_peek, .consume = q_consume,
};
static struct hvsim_backend q_be = { .ops = &q_ops };

/* ---- the test's own arithmetic ---- */

/* TCP/IPv4 10.0.0.1:4000 -> 10.0.0.2:5000, ACK, payload bytes from byte seq on. */
static uint32_t
make_seg(uint8_t *f, uint32_t seq, uint32_t payload)
{
	memset(f, 0, 54);
	memcpy(f, nic_mac, 6);
	f[6] = 0x02;
	put16(f + 12, 0x0800);
	f[14] = 0x45;
	put16(f + 16, 40 + payload);
	f[22] = 64;
	f[23] = 6;
	f[26] = 10, f[29] = 1;
	f[30] = 10, f[33] = 2;
	put16(f + 34, 4000);
	put16(f + 36, 5000);
	put16(f + 38, seq >> 16);
	put16(f + 40, seq & 0xffff);
	put16(f + 44, 0x77);				/* ack */
	f[46] = 5 << 4;
	f[47] = 0x10;
	put16(f + 48, 0xffff);
	for (uint32_t i = 0; i < payload; i++)
		f[54 + i] = (uint8_t)((seq + i) * 7 + 3);
	return 54 + payload;
}

static void
nvsp_msg(uint8_t msg[40], uint32_t type, uint32_t w1, uint32_t w2, uint32_t w3)
{
	memset(msg, 0, 40);
	memcpy(msg + 0, &type, 4);
	memcpy(msg + 4, &w1, 4);
	memcpy(msg + 8, &w2, 4);
	memcpy(msg + 12, &w3, 4);
}

static struct host_dev *
nic_dev(void)
{
	return fx_sim.dev[0].host;
}

/* A NIC with its buffers; rsc: --rsc given and the guest enabled RSC. */
static void
nic_setup(bool rsc)
{
	struct hvsim_device *dev = &fx_sim.dev[0];
	uint8_t msg[40];

	fx_setup(HVSIM_DEV_NIC);
	memset(rxbuf, 0, sizeof(rxbuf));
	rxq_head = rxq_nb = 0;
	dev->recv_gpadl = RECV_GPADL;
	dev->send_gpadl = SEND_GPADL;
	dev->map_base[HVSIM_MAP_RECV_BUF] = rxbuf;
	dev->map_bytes[HVSIM_MAP_RECV_BUF] = sizeof(rxbuf);
	dev->map_base[HVSIM_MAP_SEND_BUF] = txbuf;
	dev->map_bytes[HVSIM_MAP_SEND_BUF] = sizeof(txbuf);
	dev->backend_state = &q_be;
	nvsp_msg(msg, 101, RECV_GPADL, 0xcafe, 0);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, 0, msg, 40);
	nvsp_msg(msg, 104, SEND_GPADL, 0xface, 0);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, 0, msg, 40);
	EXPECT_EQ(host_poll(&fx_sim), 2);
	fx_rx->read_index = fx_rx->write_index;
	fx_sim.cfg.rsc = true;
	nic_dev()->rndis.packet_filter = 0x0d;
	if (rsc) {
		nic_dev()->nvsp.ndis_caps = 0x08 | 0x80;
		nic_dev()->rndis.rsc_ip4 = true;
	}
}

/* Ranges of the transfer-page packet at at. */
static uint32_t
xfer_ranges_at(uint32_t at)
{
	EXPECT_EQ(fx_get(fx_rx, at + 0, 2), 7);
	return (uint32_t)fx_get(fx_rx, at + 20, 4);
}

/* Range i's RNDIS PACKET; its frame and frame length. */
static const uint8_t *
range_msg(uint32_t at, uint32_t i, const uint8_t **frame, uint32_t *frame_len)
{
	uint32_t count = (uint32_t)fx_get(fx_rx, at + 24 + 8 * i, 4);
	uint32_t off = (uint32_t)fx_get(fx_rx, at + 28 + 8 * i, 4);
	const uint8_t *m = rxbuf + off;

	EXPECT_EQ(rd32(m), 1);
	EXPECT_EQ(rd32(m + 4), count);
	EXPECT_EQ(rd32(m + 8) + 8 + rd32(m + 12), count);
	*frame = m + 8 + rd32(m + 8);
	*frame_len = rd32(m + 12);
	return m;
}

static uint8_t seg[4][64 + PAYLOAD];

static void
queue(unsigned int i, uint32_t seq)
{
	uint32_t l = make_seg(seg[i], seq, PAYLOAD);

	rxq[rxq_nb++] = (struct hvsim_frame){ .data = seg[i], .len = l,
					      .csum = HVSIM_CSUM_GOOD };
}

static void
test_three_in_order_segments_become_one(void)
{
	uint32_t at, len, want_len = 14 + 20 + 20 + 3 * PAYLOAD, l4_len = 20 + 3 * PAYLOAD;
	const uint8_t *m, *f;
	uint32_t sum;

	nic_setup(true);
	for (unsigned int i = 0; i < 3; i++)
		queue(i, 5000 + i * PAYLOAD);
	at = fx_rx->write_index;
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(rxq_head, 3);
	EXPECT_EQ(xfer_ranges_at(at), 1);
	m = range_msg(at, 0, &f, &len);
	EXPECT_EQ(len, want_len);
	EXPECT_EQ(be16(f + 16), 20 + l4_len);			/* IPv4 total length */
	EXPECT_EQ(fold(sum16(f + 14, 20, 0)), 0);		/* header checksum */
	sum = sum16(f + 26, 8, 0) + 6 + l4_len;			/* pseudo header */
	EXPECT_EQ(fold(sum16(f + 34, l4_len, sum)), 0);		/* TCP checksum */
	EXPECT_EQ(be16(f + 38) << 16 | be16(f + 40), 5000);	/* the first's seq */
	EXPECT_MEM_EQ(f, seg[0], 14 + 2);			/* headers up to the length */
	for (unsigned int i = 0; i < 3; i++)
		EXPECT_MEM_EQ(f + 54 + i * PAYLOAD, seg[i] + 54, PAYLOAD);
	/* PPIs: checksum info, then the packet id (version 1, sub-alloc|first|last). */
	EXPECT_EQ(rd32(m + 32), 2 * 16);
	EXPECT_EQ(rd32(m + 44 + 4), 0);
	EXPECT_EQ(rd32(m + 44 + 12), 0x20 | 0x08);
	EXPECT_EQ(rd32(m + 60 + 4), 0x80000001u);
	EXPECT_EQ(rd32(m + 60 + 12) & 0xffff, 1 | 0x7 << 8);
	/* Segment count: 3 merged into 1. */
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_RSC_COALESCED_FRAMES], 1);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_RSC_SEGMENTS_MERGED], 3);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_RX_FRAMES], 1);
	fx_teardown();
}

static void
test_out_of_order_segment_not_merged(void)
{
	uint32_t at, len;
	const uint8_t *f;

	nic_setup(true);
	queue(0, 5000);
	queue(1, 5000 + 2 * PAYLOAD);			/* a gap */
	queue(2, 5000 + 3 * PAYLOAD);			/* follows the second */
	at = fx_rx->write_index;
	EXPECT_EQ(host_poll(&fx_sim), 2);
	EXPECT_EQ(xfer_ranges_at(at), 2);
	range_msg(at, 0, &f, &len);
	EXPECT_EQ(len, 54 + PAYLOAD);
	EXPECT_MEM_EQ(f, seg[0], len);				/* untouched */
	range_msg(at, 1, &f, &len);
	EXPECT_EQ(len, 54 + 2 * PAYLOAD);
	EXPECT_EQ(be16(f + 38) << 16 | be16(f + 40), 5000 + 2 * PAYLOAD);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_RSC_SEGMENTS_MERGED], 2);
	fx_teardown();
}

static void
test_not_enabled_by_guest_not_merged(void)
{
	uint32_t at, len;
	const uint8_t *m, *f;

	nic_setup(false);
	nic_dev()->nvsp.ndis_caps = 0x08 | 0x80;		/* capability, parameters off */
	for (unsigned int i = 0; i < 3; i++)
		queue(i, 5000 + i * PAYLOAD);
	at = fx_rx->write_index;
	EXPECT_EQ(host_poll(&fx_sim), 3);
	EXPECT_EQ(xfer_ranges_at(at), 3);
	for (unsigned int i = 0; i < 3; i++) {
		m = range_msg(at, i, &f, &len);
		EXPECT_EQ(len, 54 + PAYLOAD);
		EXPECT_MEM_EQ(f, seg[i], len);
		EXPECT_EQ(rd32(m + 32), 16);			/* checksum PPI only */
	}
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_RSC_COALESCED_FRAMES], 0);
	fx_teardown();
}

int
main(void)
{
	(void)fx_set_indexes;					/* the fixture's, unused here */
	RUN_TEST(test_three_in_order_segments_become_one);
	RUN_TEST(test_out_of_order_segment_not_merged);
	RUN_TEST(test_not_enabled_by_guest_not_merged);
	TEST_EXIT();
}
