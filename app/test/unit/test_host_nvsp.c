/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests of hvsim's first-stage NVSP host (host_nvsp.c) over a real ring pair:
 * version negotiation replies byte for byte, NDIS records, clean failures for
 * what is not served yet, and truncated or misplaced guest messages.
 */
#include "test_harness.h"
#include "host_fixture.h"

/* A 40-byte NVSP request, as DPDK pads them (nvsp.md 1.1): u32 words at 0, 4, 8. */
static void
nvsp_msg(uint8_t msg[40], uint32_t type, uint32_t w1, uint32_t w2)
{
	memset(msg, 0, 40);
	memcpy(msg + 0, &type, 4);
	memcpy(msg + 4, &w1, 4);
	memcpy(msg + 8, &w2, 4);
}

static struct host_dev *
nic_dev(void)
{
	return fx_sim.dev[0].host;
}

/* Send INIT min..max; return the INIT_COMPLETE status after checking the framing. */
static uint32_t
init_status(uint32_t min, uint32_t max, uint64_t xact)
{
	uint8_t msg[40];
	uint32_t at = fx_rx->write_index;

	nvsp_msg(msg, 1, min, max);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, xact, msg, 40);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(fx_get(fx_rx, at + 0, 2), 0xb);		/* completion packet */
	EXPECT_EQ(fx_get(fx_rx, at + 2, 2), 2);
	EXPECT_EQ(fx_get(fx_rx, at + 4, 2), 7);		/* (16 + 40) / 8: 40-byte reply */
	EXPECT_EQ(fx_get(fx_rx, at + 6, 2), 0);
	EXPECT_EQ(fx_get(fx_rx, at + 8, 8), xact);		/* echoed */
	EXPECT_EQ(fx_get(fx_rx, at + 16, 4), 2);		/* INIT_COMPLETE */
	EXPECT_EQ(fx_get(fx_rx, at + 52, 4), 0);		/* padding bytes 36..39 zero */
	EXPECT_EQ(fx_rx->write_index, at + 64);			/* 56 + trailer */
	return (uint32_t)fx_get(fx_rx, at + 16 + 12, 4);	/* status at message offset 12 */
}

static void
test_init_accepts_each_supported_version(void)
{
	static const uint32_t versions[] = {
		0x2, 0x30002, 0x40000, 0x50000, 0x60000, 0x60001,
	};

	for (unsigned int i = 0; i < 6; i++) {
		fx_setup(HVSIM_DEV_NIC);
		EXPECT_EQ(init_status(versions[i], versions[i], 0x1000 + i), 1);
		EXPECT_EQ(nic_dev()->nvsp.version, versions[i]);
		EXPECT_EQ(fx_cnt()->n[HOST_CNT_NVSP_INIT_OK], 1);
		fx_teardown();
	}
}

static void
test_init_refuses_unsupported_versions(void)
{
	static const uint32_t versions[] = { 0x0, 0x1, 0x30000, 0x60002, 0x70000, 0xffffffff };

	fx_setup(HVSIM_DEV_NIC);
	for (unsigned int i = 0; i < 6; i++)
		EXPECT_EQ(init_status(versions[i], versions[i], 0xdead0000 + i), 2);
	EXPECT_EQ(nic_dev()->nvsp.version, 0);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_NVSP_INIT_FAIL], 6);
	fx_teardown();
}

static void
test_init_range_picks_highest_inside(void)
{
	fx_setup(HVSIM_DEV_NIC);
	EXPECT_EQ(init_status(0x1, 0x5ffff, 1), 1);
	EXPECT_EQ(nic_dev()->nvsp.version, 0x50000);
	fx_teardown();
	fx_setup(HVSIM_DEV_NIC);
	EXPECT_EQ(init_status(0x60001, 0x2, 2), 2);		/* min > max */
	EXPECT_EQ(nic_dev()->nvsp.version, 0);
	fx_teardown();
}

/* msg (type, w1) sent after a successful INIT: nothing answered, the device halted. */
static void
expect_halt_after(uint32_t type, uint32_t w1, uint32_t flags)
{
	uint8_t msg[40];
	uint32_t at;

	fx_setup(HVSIM_DEV_NIC);
	EXPECT_EQ(init_status(0x60001, 0x60001, 1), 1);
	at = fx_rx->write_index;
	nvsp_msg(msg, type, w1, 0);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, flags, 2, msg, 40);
	host_poll(&fx_sim);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_CHANNEL_HALTED], 1);
	EXPECT_EQ(fx_rx->write_index, at);			/* not answered */
	/* Served no more: a new INIT is not even read. */
	nvsp_msg(msg, 1, 0x60001, 0x60001);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, 3, msg, 40);
	EXPECT_EQ(host_poll(&fx_sim), 0);
	EXPECT_EQ(fx_rx->write_index, at);
	fx_teardown();
}

/*
 * nvsp.md 3.7: after a buffer revoke, or a second INIT on a negotiated
 * channel, OpenVMM serves the channel no more until the guest closes it.
 */
static void
test_revoke_or_second_init_halts(void)
{
	expect_halt_after(1, 0x60001, VMBUS_CHANPKT_FLAG_RC);	/* INIT again: no answer */
	expect_halt_after(103, 0xcafe, 0);			/* REVOKE_RXBUF */
	expect_halt_after(106, 0xface, 0);			/* REVOKE_TXBUF */
}

static void
test_init_answered_without_rc_flag(void)
{
	uint8_t msg[40];

	fx_setup(HVSIM_DEV_NIC);
	nvsp_msg(msg, 1, 0x60001, 0x60001);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 0, msg, 40);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(fx_get(fx_rx, 0, 2), 0xb);
	EXPECT_EQ(fx_get(fx_rx, 28, 4), 1);
	fx_teardown();
}

static void
test_init_of_12_bytes_is_enough(void)
{
	uint8_t msg[40];

	fx_setup(HVSIM_DEV_NIC);
	nvsp_msg(msg, 1, 0x40000, 0x40000);
	/* data_offset8 2, total_len8 4: a 16-byte payload holding the 12 that matter */
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, 3, msg, 12);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(fx_get(fx_rx, 28, 4), 1);
	fx_teardown();
}

static void
test_truncated_messages_counted_no_reply(void)
{
	uint8_t msg[40];

	fx_setup(HVSIM_DEV_NIC);
	nvsp_msg(msg, 1, 0x60001, 0x60001);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, 1, msg, 8);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, 2, NULL, 0);
	nvsp_msg(msg, 125, 1514, 0);				/* config needs 20 bytes */
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 3, msg, 16);
	nvsp_msg(msg, 100, 6, 30);				/* version needs 12 bytes */
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 4, msg, 8);
	EXPECT_EQ(host_poll(&fx_sim), 4);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_NVSP_TRUNCATED], 4);
	EXPECT_EQ(fx_rx->write_index, 0);
	EXPECT_EQ(nic_dev()->nvsp.version, 0);
	EXPECT_EQ(nic_dev()->nvsp.mtu, 0);
	fx_teardown();
}

static void
test_ndis_version_and_config_recorded_without_reply(void)
{
	uint8_t msg[40];
	uint64_t caps = 0x0c;					/* SR-IOV | 802.1Q */

	fx_setup(HVSIM_DEV_NIC);
	nvsp_msg(msg, 125, 1514, 0);
	memcpy(msg + 12, &caps, 8);				/* unaligned u64 at 12 */
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 0, msg, 40);
	nvsp_msg(msg, 100, 6, 30);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 0, msg, 40);
	EXPECT_EQ(host_poll(&fx_sim), 2);
	EXPECT_EQ(fx_rx->write_index, 0);
	EXPECT_EQ(nic_dev()->nvsp.mtu, 1514);
	EXPECT_EQ(nic_dev()->nvsp.ndis_caps, 0x0c);
	EXPECT_EQ(nic_dev()->nvsp.ndis_major, 6);
	EXPECT_EQ(nic_dev()->nvsp.ndis_minor, 30);
	fx_teardown();
}

static void
test_ndis_version_with_rc_gets_empty_completion(void)
{
	uint8_t msg[40];

	fx_setup(HVSIM_DEV_NIC);
	nvsp_msg(msg, 100, 6, 1);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, 0x55, msg, 40);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(fx_get(fx_rx, 0, 2), 0xb);
	EXPECT_EQ(fx_get(fx_rx, 4, 2), 2);			/* empty payload */
	EXPECT_EQ(fx_get(fx_rx, 8, 8), 0x55);
	EXPECT_EQ(fx_rx->write_index, 24);
	EXPECT_EQ(nic_dev()->nvsp.ndis_minor, 1);
	fx_teardown();
}

/* An unserved request with RC gets a 40-byte failure reply of its reply type. */
static void
check_failed_reply(uint16_t pkt_type, uint32_t req_type, uint32_t reply_type)
{
	uint8_t msg[40];

	fx_setup(HVSIM_DEV_NIC);
	nvsp_msg(msg, req_type, 7, 3);
	fx_guest_send(pkt_type, VMBUS_CHANPKT_FLAG_RC, 0x77, msg, 40);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(fx_get(fx_rx, 0, 2), 0xb);
	EXPECT_EQ(fx_get(fx_rx, 4, 2), 7);
	EXPECT_EQ(fx_get(fx_rx, 8, 8), 0x77);
	EXPECT_EQ(fx_get(fx_rx, 16, 4), reply_type);
	EXPECT_EQ(fx_get(fx_rx, 20, 4), 2);			/* status failure at offset 4 */
	EXPECT_EQ(fx_get(fx_rx, 24, 8), 0);		/* no sections, sizes or counts */
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_NVSP_UNSUPPORTED], 1);
	fx_teardown();
}

static void
test_unserved_requests_fail_cleanly(void)
{
	check_failed_reply(VMBUS_CHANPKT_TYPE_INBAND, 133, 133);
}

static void
test_rndis_packet_over_gpa_fails_cleanly(void)
{
	uint8_t body[24 + 40] = { 0 };
	uint8_t msg[40];

	fx_setup(HVSIM_DEV_NIC);
	nvsp_msg(msg, 107, 1, 0xffffffff);
	memcpy(body + 8, msg, 40);				/* ext: reserved, range_count 0 */
	fx_guest_send_raw(VMBUS_CHANPKT_TYPE_GPA, 3, 8, VMBUS_CHANPKT_FLAG_RC, 0x1234,
			  body, 48);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(fx_get(fx_rx, 8, 8), 0x1234);
	EXPECT_EQ(fx_get(fx_rx, 16, 4), 108);
	EXPECT_EQ(fx_get(fx_rx, 20, 4), 2);
	fx_teardown();
}

static void
test_request_without_reply_type_gets_empty_completion(void)
{
	uint8_t msg[40];

	fx_setup(HVSIM_DEV_NIC);
	nvsp_msg(msg, 129, 1, 0);			/* switch data path, nvsp.md 3.14 */
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, 9, msg, 40);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(fx_get(fx_rx, 0, 2), 0xb);
	EXPECT_EQ(fx_get(fx_rx, 4, 2), 2);
	EXPECT_EQ(fx_get(fx_rx, 8, 8), 9);
	fx_teardown();
}

static void
test_unserved_message_without_rc_dropped(void)
{
	uint8_t msg[40];

	fx_setup(HVSIM_DEV_NIC);
	nvsp_msg(msg, 126, 1, 0);			/* v2 chimney handle: unserved, no RC flag */
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 0, msg, 40);
	nvsp_msg(msg, 0x12345678, 0, 0);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 0, msg, 40);
	EXPECT_EQ(host_poll(&fx_sim), 2);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_NVSP_UNSUPPORTED], 2);
	EXPECT_EQ(fx_rx->write_index, 0);
	fx_teardown();
}

static void
test_guest_completion_and_bad_types_dropped(void)
{
	uint8_t msg[40];

	fx_setup(HVSIM_DEV_NIC);
	nvsp_msg(msg, 108, 1, 0);
	fx_guest_send(VMBUS_CHANPKT_TYPE_COMP, 0, 4, msg, 40);	/* nothing of ours to ack */
	fx_guest_send(VMBUS_CHANPKT_TYPE_RXBUF, VMBUS_CHANPKT_FLAG_RC, 5, msg, 40);
	fx_guest_send(0, VMBUS_CHANPKT_FLAG_RC, 6, msg, 40);
	EXPECT_EQ(host_poll(&fx_sim), 3);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_RXBUF_BAD_COMPLETION], 1);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_BAD_TYPE], 2);
	EXPECT_EQ(fx_rx->write_index, 0);
	fx_teardown();
}

static void
test_init_waits_for_room_then_answers_once(void)
{
	uint8_t msg[40];

	fx_setup(HVSIM_DEV_NIC);
	fx_set_indexes(fx_rx, 0, 64);			/* 64 writable: 64 needed, not > */
	nvsp_msg(msg, 1, 0x60001, 0x60001);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, 1, msg, 40);
	EXPECT_EQ(host_poll(&fx_sim), 0);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_RX_RING_FULL], 1);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_NVSP_INIT_OK], 0);	/* not answered: not counted */
	EXPECT_EQ(nic_dev()->nvsp.version, 0);
	fx_rx->read_index = 0;
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_NVSP_INIT_OK], 1);
	EXPECT_EQ(nic_dev()->nvsp.version, 0x60001);
	EXPECT_EQ(fx_rx->write_index, 64);
	fx_teardown();
}

static void
test_close_forgets_negotiated_version(void)
{
	fx_setup(HVSIM_DEV_NIC);
	EXPECT_EQ(init_status(0x60001, 0x60001, 1), 1);
	host_device_close(&fx_sim, &fx_sim.dev[0]);
	host_device_open(&fx_sim, &fx_sim.dev[0]);
	EXPECT_EQ(nic_dev()->nvsp.version, 0);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_NVSP_INIT_OK], 1);	/* counters outlive a close */
	fx_teardown();
}

int
main(void)
{
	RUN_TEST(test_init_accepts_each_supported_version);
	RUN_TEST(test_init_refuses_unsupported_versions);
	RUN_TEST(test_init_range_picks_highest_inside);
	RUN_TEST(test_revoke_or_second_init_halts);
	RUN_TEST(test_init_answered_without_rc_flag);
	RUN_TEST(test_init_of_12_bytes_is_enough);
	RUN_TEST(test_truncated_messages_counted_no_reply);
	RUN_TEST(test_ndis_version_and_config_recorded_without_reply);
	RUN_TEST(test_ndis_version_with_rc_gets_empty_completion);
	RUN_TEST(test_unserved_requests_fail_cleanly);
	RUN_TEST(test_rndis_packet_over_gpa_fails_cleanly);
	RUN_TEST(test_request_without_reply_type_gets_empty_completion);
	RUN_TEST(test_unserved_message_without_rc_dropped);
	RUN_TEST(test_guest_completion_and_bad_types_dropped);
	RUN_TEST(test_init_waits_for_room_then_answers_once);
	RUN_TEST(test_close_forgets_negotiated_version);
	TEST_EXIT();
}
