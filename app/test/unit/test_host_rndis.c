/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests of hvsim's NIC control path over a real ring pair: receive/send buffer
 * replies (host_nvsp.c), RNDIS answers (host_rndis.c) delivered through
 * receive-buffer slots (host_rxbuf.c). Expected bytes come from spec/rndis.md.
 */
#include "test_harness.h"
#include "host_fixture.h"

#define GUEST_GPA	0x100000u		/* pfn 0x100 */
#define RECV_GPADL	0xe1e10u
#define SEND_GPADL	0xe1e11u
#define NB_SLOTS	4u
#define RXBUF_BYTES	(NB_SLOTS * 1728u + 100u)	/* 100: not a whole slot */
#define TXBUF_BYTES	(2u * 6144u)

static uint8_t guest_page[4096];
static uint8_t rxbuf[RXBUF_BYTES];
static uint8_t txbuf[TXBUF_BYTES];

/* One page of guest memory at GUEST_GPA; everything else is unmapped. */
void *
hvsim_guest_mem(struct hvsim *sim, uint64_t gpa, uint32_t len)
{
	(void)sim;
	if (gpa < GUEST_GPA || gpa - GUEST_GPA > sizeof(guest_page) ||
	    len > sizeof(guest_page) - (gpa - GUEST_GPA))
		return NULL;
	return guest_page + (gpa - GUEST_GPA);
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

static uint32_t
rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* The guest has read everything the host wrote so far. */
static void
guest_rx_drain(void)
{
	fx_rx->read_index = fx_rx->write_index;
}

static void
nic_setup(void)
{
	struct hvsim_device *dev = &fx_sim.dev[0];

	fx_setup(HVSIM_DEV_NIC);
	memset(rxbuf, 0, sizeof(rxbuf));
	memset(guest_page, 0, sizeof(guest_page));
	dev->recv_gpadl = RECV_GPADL;
	dev->send_gpadl = SEND_GPADL;
	dev->map_base[HVSIM_MAP_RECV_BUF] = rxbuf;
	dev->map_bytes[HVSIM_MAP_RECV_BUF] = sizeof(rxbuf);
	dev->map_base[HVSIM_MAP_SEND_BUF] = txbuf;
	dev->map_bytes[HVSIM_MAP_SEND_BUF] = sizeof(txbuf);
}

/* nic_setup, then both buffers connected and their replies read. */
static void
nic_setup_buffers(void)
{
	uint8_t msg[40];

	nic_setup();
	nvsp_msg(msg, 101, RECV_GPADL, 0xcafe, 0);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, 0, msg, 40);
	nvsp_msg(msg, 104, SEND_GPADL, 0xface, 0);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, 0, msg, 40);
	EXPECT_EQ(host_poll(&fx_sim), 2);
	guest_rx_drain();
}

/* DPDK's way (rndis.md 1): a GPA-direct 107 with one range at page offset off. */
static void
guest_send_rndis_gpa(uint64_t xact, uint64_t pfn, uint32_t off, const void *rndis,
		     uint32_t len)
{
	uint8_t body[24 + 40];
	uint32_t one = 1;

	memcpy(guest_page + off, rndis, len);
	memset(body, 0, sizeof(body));
	memcpy(body + 4, &one, 4);				/* range_count */
	memcpy(body + 8, &len, 4);				/* byte_count */
	memcpy(body + 12, &off, 4);				/* byte_offset */
	memcpy(body + 16, &pfn, 8);
	nvsp_msg(body + 24, 107, 1, 0xffffffff, 0);
	fx_guest_send_raw(VMBUS_CHANPKT_TYPE_GPA, 5, 10, VMBUS_CHANPKT_FLAG_RC, xact,
			  body, sizeof(body));
}

static void
guest_send_words(uint64_t xact, const uint32_t *words, uint32_t nb)
{
	guest_send_rndis_gpa(xact, GUEST_GPA >> 12, 0x10, words, 4 * nb);
}

/* The host's 108 for a guest 107 at rx offset at: xact echoed, status returned. */
static uint32_t
comp_status_at(uint32_t at, uint64_t xact)
{
	EXPECT_EQ(fx_get(fx_rx, at + 0, 2), 0xb);
	EXPECT_EQ(fx_get(fx_rx, at + 4, 2), 7);			/* 40-byte NVSP message */
	EXPECT_EQ(fx_get(fx_rx, at + 8, 8), xact);
	EXPECT_EQ(fx_get(fx_rx, at + 16, 4), 108);
	return (uint32_t)fx_get(fx_rx, at + 20, 4);
}

/*
 * The transfer-page packet at rx offset at (ring spec 2.4, nvsp.md 3.10):
 * one range of len bytes; returns its xact_id after checking the rest.
 */
static uint64_t
xfer_at(uint32_t at, uint32_t len)
{
	uint64_t xact = fx_get(fx_rx, at + 8, 8);

	EXPECT_EQ(fx_get(fx_rx, at + 0, 2), 7);
	EXPECT_EQ(fx_get(fx_rx, at + 2, 2), 4);			/* 16 + 16 bytes of ext */
	EXPECT_EQ(fx_get(fx_rx, at + 4, 2), 9);			/* + 40-byte NVSP 107 */
	EXPECT_EQ(fx_get(fx_rx, at + 16, 2), 0xcafe);		/* transfer-page set id */
	EXPECT_EQ(fx_get(fx_rx, at + 20, 4), 1);		/* one range */
	EXPECT_EQ(fx_get(fx_rx, at + 24, 4), len);
	EXPECT_EQ(fx_get(fx_rx, at + 28, 4), xact * 1728);	/* xact = first slot */
	EXPECT_EQ(fx_get(fx_rx, at + 32, 4), 107);
	EXPECT_EQ(fx_get(fx_rx, at + 36, 4), 1);		/* control channel */
	EXPECT_EQ(fx_get(fx_rx, at + 40, 4), 0xffffffff);	/* no section */
	return xact;
}

static void
test_rxbuf_reply_is_one_section_of_1728_byte_slots(void)
{
	uint8_t msg[40];

	nic_setup();
	nvsp_msg(msg, 101, RECV_GPADL, 0xcafe, 0x5a5a5a5a);	/* pad not zeroed, as DPDK */
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, 0x55, msg, 40);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(fx_get(fx_rx, 0, 2), 0xb);
	EXPECT_EQ(fx_get(fx_rx, 4, 2), 7);
	EXPECT_EQ(fx_get(fx_rx, 8, 8), 0x55);
	EXPECT_EQ(fx_get(fx_rx, 16, 4), 102);
	EXPECT_EQ(fx_get(fx_rx, 20, 4), 1);			/* success */
	EXPECT_EQ(fx_get(fx_rx, 24, 4), 1);			/* one section */
	EXPECT_EQ(fx_get(fx_rx, 28, 4), 0);			/* offset */
	EXPECT_EQ(fx_get(fx_rx, 32, 4), 1728);			/* slot size */
	EXPECT_EQ(fx_get(fx_rx, 36, 4), 4);			/* 7012 / 1728 */
	EXPECT_EQ(fx_get(fx_rx, 40, 4), 4 * 1728);		/* end offset */
	EXPECT_EQ(fx_get(fx_rx, 44, 8), 0);
	EXPECT_EQ(fx_rx->write_index, 64);
	fx_teardown();
}

static void
test_rxbuf_with_wrong_gpadl_fails(void)
{
	uint8_t msg[40];

	nic_setup();
	nvsp_msg(msg, 101, RECV_GPADL + 1, 0xcafe, 0);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, 1, msg, 40);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(fx_get(fx_rx, 16, 4), 102);
	EXPECT_EQ(fx_get(fx_rx, 20, 4), 2);
	EXPECT_EQ(fx_get(fx_rx, 24, 4), 0);			/* no section */
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_NVSP_BAD_GPADL], 1);
	fx_teardown();
}

static void
test_txbuf_reply_has_6144_byte_sections(void)
{
	uint8_t msg[40];

	nic_setup();
	nvsp_msg(msg, 104, SEND_GPADL, 0xface, 0);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, 3, msg, 40);
	nvsp_msg(msg, 104, RECV_GPADL, 0xface, 0);		/* the other buffer's GPADL */
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, 4, msg, 40);
	EXPECT_EQ(host_poll(&fx_sim), 2);
	EXPECT_EQ(fx_get(fx_rx, 8, 8), 3);
	EXPECT_EQ(fx_get(fx_rx, 16, 4), 105);
	EXPECT_EQ(fx_get(fx_rx, 20, 4), 1);
	EXPECT_EQ(fx_get(fx_rx, 24, 4), 6144);
	EXPECT_EQ(fx_get(fx_rx, 64 + 8, 8), 4);
	EXPECT_EQ(fx_get(fx_rx, 64 + 20, 4), 2);
	EXPECT_EQ(fx_get(fx_rx, 64 + 24, 4), 0);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_NVSP_BAD_GPADL], 1);
	fx_teardown();
}

static void
test_initialize_completes_107_then_replies_in_slot(void)
{
	static const uint32_t init[] = { 2, 24, 7, 1, 0, 0x4000 };
	static const uint32_t want[] = {
		0x80000002, 52, 7, 0, 1, 0, 1, 0, 8, 0xefffffff, 3, 0, 0,
	};

	nic_setup_buffers();
	guest_send_words(0x99, init, 6);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(comp_status_at(fx_rx->read_index, 0x99), 1);	/* 108 first */
	EXPECT_EQ(xfer_at(fx_rx->read_index + 64, 52), 0);
	for (unsigned int i = 0; i < 13; i++)
		EXPECT_EQ(rd32(rxbuf + 4 * i), want[i]);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_RNDIS_REPLIES], 1);
	fx_teardown();
}

static void
test_query_mac_reply_is_30_bytes(void)
{
	static const uint32_t query[] = { 4, 28, 9, 0x01010101, 0, 20, 0 };
	static const uint8_t mac[6] = { 0x00, 0x15, 0x5d, 0x00, 0x00, 0x01 };

	nic_setup_buffers();
	guest_send_words(0, query, 7);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(comp_status_at(fx_rx->read_index, 0), 1);
	EXPECT_EQ(xfer_at(fx_rx->read_index + 64, 30), 0);
	EXPECT_EQ(rd32(rxbuf + 0), 0x80000004);
	EXPECT_EQ(rd32(rxbuf + 4), 30);				/* 24 + 6 */
	EXPECT_EQ(rd32(rxbuf + 8), 9);
	EXPECT_EQ(rd32(rxbuf + 12), 0);
	EXPECT_EQ(rd32(rxbuf + 16), 6);
	EXPECT_EQ(rd32(rxbuf + 20), 16);			/* data at 8 + 16 */
	EXPECT_EQ(memcmp(rxbuf + 24, mac, 6), 0);
	fx_teardown();
}

/* Max frame size (OID 0x00010106) answers the NDIS config MTU, within hvsim's --mtu. */
static uint32_t
query_max_frame(uint32_t guest_l2_mtu, uint32_t host_max_mtu)
{
	static const uint32_t query[] = { 4, 28, 11, 0x00010106, 0, 20, 0 };

	nic_setup_buffers();
	fx_sim.cfg.max_mtu = host_max_mtu;
	((struct host_dev *)fx_sim.dev[0].host)->nvsp.mtu = guest_l2_mtu; /* NDIS config */
	guest_send_words(0, query, 7);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(rd32(rxbuf + 12), 0);			/* success */
	return rd32(rxbuf + 24);
}

static void
test_query_max_frame_size_within_host_mtu(void)
{
	EXPECT_EQ(query_max_frame(9014, 9202), 9000);
	fx_teardown();
	EXPECT_EQ(query_max_frame(9014, 4000), 1500);	/* above --mtu: falls back */
	fx_teardown();
	EXPECT_EQ(query_max_frame(4014, 4000), 4000);	/* exactly --mtu */
	fx_teardown();
}

static void
test_query_unknown_oid_is_not_supported(void)
{
	static const uint32_t query[] = { 4, 28, 11, 0x00010101, 0, 20, 0 };

	nic_setup_buffers();
	guest_send_words(0, query, 7);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(xfer_at(fx_rx->read_index + 64, 24), 0);
	EXPECT_EQ(rd32(rxbuf + 0), 0x80000004);
	EXPECT_EQ(rd32(rxbuf + 4), 24);
	EXPECT_EQ(rd32(rxbuf + 8), 11);
	EXPECT_EQ(rd32(rxbuf + 12), 0xc00000bb);
	EXPECT_EQ(rd32(rxbuf + 16), 0);
	EXPECT_EQ(rd32(rxbuf + 20), 0);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_RNDIS_NOT_SUPPORTED], 1);
	fx_teardown();
}

/* rndis.md 5.2: a revision-2 request gets a revision-2, 144-byte object. */
static void
test_query_offload_caps_matches_request_revision(void)
{
	static const uint32_t query[] = { 4, 28 + 144, 12, 0xfc01020d, 144, 20, 0, 0x009002a7 };
	uint32_t words[7 + 36] = { 0 };

	memcpy(words, query, sizeof(query));
	nic_setup_buffers();
	guest_send_words(0, words, 7 + 36);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(xfer_at(fx_rx->read_index + 64, 24 + 144), 0);
	EXPECT_EQ(rd32(rxbuf + 12), 0);
	EXPECT_EQ(rd32(rxbuf + 16), 144);
	EXPECT_EQ(rd32(rxbuf + 24), 0x009002a7);		/* type 0xa7, rev 2, size 144 */
	EXPECT_EQ(rd32(rxbuf + 24 + 8), 0x155);			/* ip4 tx checksum bits */
	fx_teardown();
}

static void
test_set_packet_filter_recorded(void)
{
	static const uint32_t set[] = { 5, 32, 13, 0x0001010e, 4, 20, 0, 0x0d };

	nic_setup_buffers();
	guest_send_words(0, set, 8);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(xfer_at(fx_rx->read_index + 64, 16), 0);
	EXPECT_EQ(rd32(rxbuf + 0), 0x80000005);
	EXPECT_EQ(rd32(rxbuf + 4), 16);
	EXPECT_EQ(rd32(rxbuf + 8), 13);
	EXPECT_EQ(rd32(rxbuf + 12), 0);
	EXPECT_EQ(((struct host_dev *)fx_sim.dev[0].host)->rndis.packet_filter, 0x0d);
	fx_teardown();
}

static void guest_rndis_init(void);
static void guest_complete(uint64_t xact);

/*
 * rndis.md 5.3: offload parameters (revision 3, 28 bytes) as a guest sends
 * them: IPv4 header 4 (TX+RX), TCP4 3 (DPDK's "both"), UDP4 2 (TX), TCP6 1
 * (off), UDP6 0 (no change), LSOv2 IPv4 2 (on), IPv6 1 (off).
 */
static void
test_set_offload_params_recorded_until_init(void)
{
	static const uint32_t set[] = { 5, 56, 14, 0xfc01020c, 28, 20, 0,
					0x001c0380, 0x01020304, 0x02000000, 1, 0, 0, 0 };
	const struct host_rndis *r;

	nic_setup_buffers();
	guest_send_words(0, set, 14);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(xfer_at(fx_rx->read_index + 64, 16), 0);
	EXPECT_EQ(rd32(rxbuf + 0), 0x80000005);
	EXPECT_EQ(rd32(rxbuf + 12), 0);
	r = &((struct host_dev *)fx_sim.dev[0].host)->rndis;
	EXPECT_EQ(r->tx_csum_on, HOST_TX_CSUM_IP4_HDR | HOST_TX_CSUM_TCP4 | HOST_TX_CSUM_UDP4);
	EXPECT_TRUE(r->lso_ip4);
	EXPECT_TRUE(!r->lso_ip6);
	guest_rx_drain();
	guest_complete(0);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	guest_rndis_init();		/* a new session: a fresh miniport */
	EXPECT_EQ(r->tx_csum_on, 0);
	EXPECT_TRUE(!r->lso_ip4);
	fx_teardown();
}

static void
test_truncated_rndis_message_counted_no_reply(void)
{
	static const uint32_t init[] = { 2, 24, 7, 1, 0 };	/* says 24, only 20 sent */

	nic_setup_buffers();
	guest_send_words(5, init, 5);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(comp_status_at(fx_rx->read_index, 5), 2);
	EXPECT_EQ(fx_rx->write_index, fx_rx->read_index + 64);	/* no transfer packet */
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_RNDIS_TRUNCATED], 1);
	fx_teardown();
}

static void
test_rndis_from_unmapped_page_counted(void)
{
	static const uint32_t init[] = { 2, 24, 7, 1, 0, 0x4000 };

	nic_setup_buffers();
	guest_send_rndis_gpa(6, 0x999, 0, init, sizeof(init));
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(comp_status_at(fx_rx->read_index, 6), 2);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_BAD_GPA], 1);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_RNDIS_REPLIES], 0);
	fx_teardown();
}

/* nvsp.md 3.10: the RNDIS bytes may sit in a send-buffer section instead. */
static void
test_rndis_in_send_section_answered_bad_index_counted(void)
{
	static const uint32_t keepalive[] = { 8, 12, 21 };
	uint8_t msg[40];

	nic_setup_buffers();
	memcpy(txbuf + 6144, keepalive, sizeof(keepalive));
	nvsp_msg(msg, 107, 1, 1, 12);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, 0, msg, 40);
	nvsp_msg(msg, 107, 1, 2, 12);				/* 2 sections: 0 and 1 */
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, 0, msg, 40);
	EXPECT_EQ(host_poll(&fx_sim), 2);
	EXPECT_EQ(comp_status_at(fx_rx->read_index, 0), 1);
	EXPECT_EQ(xfer_at(fx_rx->read_index + 64, 16), 0);
	EXPECT_EQ(rd32(rxbuf + 0), 0x80000008);
	EXPECT_EQ(rd32(rxbuf + 8), 21);
	EXPECT_EQ(comp_status_at(fx_rx->read_index + 144, 0), 2);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_NVSP_BAD_SECTION], 1);
	fx_teardown();
}

/* rndis.md 10: a data send holds only PACKET messages; zeros are not one. */
static void
test_data_send_of_non_packet_failed_and_counted(void)
{
	uint8_t msg[40];

	nic_setup_buffers();
	memset(txbuf, 0, sizeof(txbuf));
	nvsp_msg(msg, 107, 0, 0, 60);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, 0xabc, msg, 40);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(comp_status_at(fx_rx->read_index, 0xabc), 2);
	EXPECT_EQ(fx_rx->write_index, fx_rx->read_index + 64);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_TX_BAD_MSG_TYPE], 1);
	fx_teardown();
}

/* A guest completion for xact_id (rndis.md 9). */
static void
guest_complete(uint64_t xact)
{
	uint8_t msg[40];

	nvsp_msg(msg, 108, 1, 0, 0);
	fx_guest_send(VMBUS_CHANPKT_TYPE_COMP, 0, xact, msg, 40);
}

/* Sends a KEEPALIVE; returns the reply's slot, or -1 if no transfer came. */
static int
keepalive_slot(void)
{
	static const uint32_t keepalive[] = { 8, 12, 1 };
	uint32_t at = fx_rx->write_index;
	int slot = -1;

	guest_send_words(0, keepalive, 3);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	if (fx_rx->write_index == at + 144)
		slot = (int)xfer_at(at + 64, 16);
	guest_rx_drain();
	return slot;
}

static void
test_slots_not_reused_before_completion(void)
{
	nic_setup_buffers();
	for (int i = 0; i < (int)NB_SLOTS; i++)
		EXPECT_EQ(keepalive_slot(), i);
	EXPECT_EQ(keepalive_slot(), -1);			/* all four owned by the guest */
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_RXBUF_FULL], 1);
	guest_complete(2);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(keepalive_slot(), 2);				/* the only one given back */
	EXPECT_EQ(keepalive_slot(), -1);
	fx_teardown();
}

static void
test_bad_completion_ids_counted_and_ignored(void)
{
	nic_setup_buffers();
	EXPECT_EQ(keepalive_slot(), 0);
	EXPECT_EQ(keepalive_slot(), 1);
	guest_complete(1);
	guest_complete(1);					/* duplicate */
	guest_complete(3);					/* never handed out */
	guest_complete(NB_SLOTS);				/* out of range */
	guest_complete(UINT64_MAX);
	EXPECT_EQ(host_poll(&fx_sim), 5);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_RXBUF_BAD_COMPLETION], 4);
	EXPECT_EQ(keepalive_slot(), 2);			/* slot 0 still the guest's */
	EXPECT_EQ(keepalive_slot(), 3);
	EXPECT_EQ(keepalive_slot(), 1);
	EXPECT_EQ(keepalive_slot(), -1);
	fx_teardown();
}

/* The 108 and the transfer packet go out together: 144 bytes, so 144 free is not enough. */
static void
test_control_waits_for_room_for_both_packets(void)
{
	static const uint32_t keepalive[] = { 8, 12, 1 };

	uint32_t w;

	nic_setup_buffers();
	w = fx_rx->write_index;
	fx_set_indexes(fx_rx, w, w + 144);			/* exactly 144 writable */
	guest_send_words(0, keepalive, 3);
	EXPECT_EQ(host_poll(&fx_sim), 0);
	EXPECT_EQ(fx_rx->write_index, w);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_RX_RING_FULL], 1);
	fx_rx->read_index = w;
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(comp_status_at(w, 0), 1);
	EXPECT_EQ(xfer_at(w + 64, 16), 0);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_RNDIS_REPLIES], 1);
	fx_teardown();
}

static void
test_reply_without_rxbuf_counted(void)
{
	static const uint32_t keepalive[] = { 8, 12, 1 };

	nic_setup();
	guest_send_words(0, keepalive, 3);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(comp_status_at(0, 0), 1);
	EXPECT_EQ(fx_rx->write_index, 64);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_RNDIS_NO_RXBUF], 1);
	fx_teardown();
}

/* RNDIS INITIALIZE answered, read and its slot given back. */
static void
guest_rndis_init(void)
{
	static const uint32_t init[] = { 2, 24, 7, 1, 0, 0x4000 };

	guest_send_words(0x99, init, 6);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	guest_rx_drain();
	guest_complete(0);
	EXPECT_EQ(host_poll(&fx_sim), 1);
}

static void
nic_setup_initialized(void)
{
	nic_setup_buffers();
	guest_rndis_init();
}

static uint32_t
query_media_status(void)
{
	static const uint32_t query[] = { 4, 28, 5, 0x00010114, 0, 20, 0 };
	uint32_t at = fx_rx->write_index;
	uint64_t slot;

	guest_send_words(5, query, 7);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	slot = xfer_at(at + 64, 28);
	guest_rx_drain();
	guest_complete(slot);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	return rd32(rxbuf + slot * 1728 + 24);
}

static void
test_link_down_before_init_is_queried_not_indicated(void)
{
	nic_setup_buffers();
	EXPECT_EQ(host_link_set(&fx_sim, &fx_sim.dev[0], HVSIM_LINK_DOWN), 0);
	EXPECT_EQ(host_poll(&fx_sim), 0);			/* nothing before INITIALIZE */
	guest_rndis_init();
	EXPECT_EQ(query_media_status(), 1);			/* rndis.md 4: disconnected */
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_LINK_INDICATIONS], 0);
	EXPECT_EQ(host_link_set(&fx_sim, &fx_sim.dev[0], HVSIM_LINK_UP), 0);
	fx_teardown();
}

/* --link-query-up (OpenVMM): the query says connected, an indication the link down. */
static void
test_link_down_before_init_is_indicated_after_it(void)
{
	static const uint32_t init[] = { 2, 24, 7, 1, 0, 0x4000 };
	static const uint32_t down[] = { 7, 20, 0x4001000c, 0, 0 };	/* MEDIA_DISCONNECT */
	uint64_t slot;
	uint32_t at;

	nic_setup_buffers();
	fx_sim.cfg.link_query_up = true;
	EXPECT_EQ(host_link_set(&fx_sim, &fx_sim.dev[0], HVSIM_LINK_DOWN), 0);
	EXPECT_EQ(host_poll(&fx_sim), 0);			/* nothing before INITIALIZE */
	guest_send_words(0x99, init, 6);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	guest_rx_drain();
	at = fx_rx->write_index;
	guest_complete(0);
	EXPECT_EQ(host_poll(&fx_sim), 2);			/* the completion; the indication */
	slot = xfer_at(at, 20);
	for (unsigned int i = 0; i < 5; i++)
		EXPECT_EQ(rd32(rxbuf + slot * 1728 + 4 * i), down[i]);
	guest_rx_drain();
	guest_complete(slot);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(query_media_status(), 0);
	EXPECT_EQ(host_link_set(&fx_sim, &fx_sim.dev[0], HVSIM_LINK_UP), 0);
	fx_teardown();
}

static void
test_link_indications_delivered_in_slots(void)
{
	static const uint32_t down[] = { 7, 20, 0x4001000c, 0, 0 };
	static const uint32_t change[] = { 7, 24, 0x40010018, 4, 12, 2 };
	uint32_t at;
	uint64_t slot;

	nic_setup_initialized();
	at = fx_rx->write_index;
	EXPECT_EQ(host_link_set(&fx_sim, &fx_sim.dev[0], HVSIM_LINK_DOWN), 0);
	EXPECT_EQ(host_link_set(&fx_sim, &fx_sim.dev[0], HVSIM_LINK_CHANGE), 0);
	EXPECT_EQ(host_poll(&fx_sim), 2);
	slot = xfer_at(at, 20);
	for (unsigned int i = 0; i < 5; i++)
		EXPECT_EQ(rd32(rxbuf + slot * 1728 + 4 * i), down[i]);
	slot = xfer_at(at + 80, 24);				/* 72 + 8-byte trailer */
	for (unsigned int i = 0; i < 6; i++)
		EXPECT_EQ(rd32(rxbuf + slot * 1728 + 4 * i), change[i]);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_LINK_INDICATIONS], 2);
	EXPECT_FALSE(fx_sim.dev[0].link_up);			/* change keeps it down */
	EXPECT_EQ(host_link_set(&fx_sim, &fx_sim.dev[0], HVSIM_LINK_UP), 0);
	fx_teardown();
}

static void
test_link_indication_waits_for_a_free_slot(void)
{
	uint32_t at;

	nic_setup_initialized();
	for (int i = 0; i < (int)NB_SLOTS; i++)
		EXPECT_TRUE(keepalive_slot() >= 0);
	EXPECT_EQ(host_link_set(&fx_sim, &fx_sim.dev[0], HVSIM_LINK_DOWN), 0);
	EXPECT_EQ(host_poll(&fx_sim), 0);			/* held, not dropped */
	at = fx_rx->write_index;
	guest_complete(1);
	EXPECT_EQ(host_poll(&fx_sim), 2);			/* the completion, then it */
	EXPECT_EQ(xfer_at(at, 20), 1);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_LINK_INDICATIONS], 1);
	EXPECT_EQ(host_link_set(&fx_sim, &fx_sim.dev[0], HVSIM_LINK_UP), 0);
	fx_teardown();
}

/* indicate-at-halt: the indication, then the HALT's completion; no reply to HALT. */
static void
test_indicate_at_halt_comes_before_the_completion(void)
{
	static const uint32_t halt[] = { 3, 12, 9 };
	static const uint32_t connect[] = { 7, 20, 0x4001000b, 0, 0 };
	uint32_t at;
	uint64_t slot;

	nic_setup_initialized();
	fx_sim.dev[0].fault.armed[HVSIM_FAULT_INDICATE_AT_HALT] = true;
	at = fx_rx->write_index;
	guest_send_words(0x4a, halt, 3);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	slot = xfer_at(at, 20);
	for (unsigned int i = 0; i < 5; i++)
		EXPECT_EQ(rd32(rxbuf + slot * 1728 + 4 * i), connect[i]);
	EXPECT_EQ(comp_status_at(at + 80, 0x4a), 1);		/* 72 + 8-byte trailer */
	EXPECT_EQ(fx_rx->write_index, at + 80 + 64);		/* nothing else */
	EXPECT_EQ(fx_sim.dev[0].fault.fired[HVSIM_FAULT_INDICATE_AT_HALT], 1);
	EXPECT_FALSE(fx_sim.dev[0].fault.armed[HVSIM_FAULT_INDICATE_AT_HALT]);
	fx_teardown();
}

int
main(void)
{
	RUN_TEST(test_rxbuf_reply_is_one_section_of_1728_byte_slots);
	RUN_TEST(test_rxbuf_with_wrong_gpadl_fails);
	RUN_TEST(test_txbuf_reply_has_6144_byte_sections);
	RUN_TEST(test_initialize_completes_107_then_replies_in_slot);
	RUN_TEST(test_query_mac_reply_is_30_bytes);
	RUN_TEST(test_query_max_frame_size_within_host_mtu);
	RUN_TEST(test_query_unknown_oid_is_not_supported);
	RUN_TEST(test_query_offload_caps_matches_request_revision);
	RUN_TEST(test_set_packet_filter_recorded);
	RUN_TEST(test_set_offload_params_recorded_until_init);
	RUN_TEST(test_truncated_rndis_message_counted_no_reply);
	RUN_TEST(test_rndis_from_unmapped_page_counted);
	RUN_TEST(test_rndis_in_send_section_answered_bad_index_counted);
	RUN_TEST(test_data_send_of_non_packet_failed_and_counted);
	RUN_TEST(test_slots_not_reused_before_completion);
	RUN_TEST(test_bad_completion_ids_counted_and_ignored);
	RUN_TEST(test_control_waits_for_room_for_both_packets);
	RUN_TEST(test_reply_without_rxbuf_counted);
	RUN_TEST(test_link_down_before_init_is_queried_not_indicated);
	RUN_TEST(test_link_down_before_init_is_indicated_after_it);
	RUN_TEST(test_link_indications_delivered_in_slots);
	RUN_TEST(test_link_indication_waits_for_a_free_slot);
	RUN_TEST(test_indicate_at_halt_comes_before_the_completion);
	TEST_EXIT();
}
