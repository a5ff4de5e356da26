/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests of hvsim's fault injection (host_fault.c): which faults a test can
 * arm, and that each fires when and as often as it says, on a NIC whose
 * guest side this file plays by hand over the fixture's ring pair.
 */
#include <time.h>

#include "test_harness.h"
#include "host_fixture.h"
#include "nvsp_wire.h"

#define RECV_GPADL	0xe1e10u
#define SEND_GPADL	0xe1e11u
#define NB_SLOTS	64u
#define TXBUF_BYTES	(2u * 6144u)

static uint8_t rxbuf[NB_SLOTS * 1728u];
static uint8_t txbuf[TXBUF_BYTES];

/* A backend with nothing to send: receive passes carry injected transfers only. */
static const struct hvsim_frame *
idle_peek(struct hvsim_backend *be)
{
	(void)be;
	return NULL;
}

static void
idle_transmit(struct hvsim_backend *be, const uint8_t *frame, uint32_t len)
{
	(void)be;
	(void)frame;
	(void)len;
}

static const struct hvsim_backend_ops idle_ops = {
	.name = "idle", .transmit = idle_transmit, .peek = idle_peek,
};
static struct hvsim_backend idle_be = { .ops = &idle_ops };

static uint32_t
rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void
sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
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

static struct hvsim_faults *
faults(void)
{
	return &fx_sim.dev[0].fault;
}

static struct host_dev *
nic_dev(void)
{
	return fx_sim.dev[0].host;
}

/* Buffers connected (101, 104), the guest has read the two completions. */
static void
nic_setup(void)
{
	struct hvsim_device *dev = &fx_sim.dev[0];
	uint8_t msg[40];

	fx_setup(HVSIM_DEV_NIC);
	memset(rxbuf, 0, sizeof(rxbuf));
	dev->recv_gpadl = RECV_GPADL;
	dev->send_gpadl = SEND_GPADL;
	dev->map_base[HVSIM_MAP_RECV_BUF] = rxbuf;
	dev->map_bytes[HVSIM_MAP_RECV_BUF] = sizeof(rxbuf);
	dev->map_base[HVSIM_MAP_SEND_BUF] = txbuf;
	dev->map_bytes[HVSIM_MAP_SEND_BUF] = sizeof(txbuf);
	dev->backend_state = &idle_be;
	nvsp_msg(msg, 101, RECV_GPADL, 0xcafe, 0);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, 0, msg, 40);
	nvsp_msg(msg, 104, SEND_GPADL, 0xface, 0);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, 0, msg, 40);
	EXPECT_EQ(host_poll(&fx_sim), 2);
	fx_rx->read_index = fx_rx->write_index;
}

/* A data 107 of section 0: a 60-byte frame of a local ethertype. */
static void
guest_send_data(uint64_t xact)
{
	uint8_t msg[40];
	uint32_t hdr[11] = { 1, 44 + 60, 36, 60 };

	memset(txbuf, 0, 44 + 60);
	memcpy(txbuf, hdr, sizeof(hdr));
	memset(txbuf + 44, 0xff, 12);
	txbuf[44 + 12] = 0x88, txbuf[44 + 13] = 0xb5;
	nvsp_msg(msg, 107, 0, 0, 44 + 60);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, xact, msg, 40);
}

/* Completions (type 0xb) the host wrote from at on; their xact ids into xact. */
static unsigned int
completions_since(uint32_t at, uint64_t *xact, unsigned int max)
{
	unsigned int nb = 0;

	while (at != fx_rx->write_index && nb < max) {
		if (fx_get(fx_rx, at, 2) == 0xb)
			xact[nb++] = fx_get(fx_rx, at + 8, 8);
		at = (at + (uint32_t)fx_get(fx_rx, at + 4, 2) * 8 + 8) % FX_DATA_BYTES;
	}
	return nb;
}

/* ---- selection ---- */

static void
test_set_refuses_unknown_kind_and_bad_arguments(void)
{
	struct hvsim_faults f;
	char err[128];

	memset(&f, 0, sizeof(f));
	EXPECT_EQ(host_fault_set(&f, "slow", NULL, err, sizeof(err)), -EINVAL);
	EXPECT_EQ(host_fault_set(&f, "late-completions", NULL, err, sizeof(err)), -EINVAL);
	EXPECT_EQ(host_fault_set(&f, "late-completions", "0", err, sizeof(err)), -EINVAL);
	EXPECT_EQ(host_fault_set(&f, "late-completions", "15001", err, sizeof(err)), -EINVAL);
	EXPECT_EQ(host_fault_set(&f, "late-control", "2x", err, sizeof(err)), -EINVAL);
	EXPECT_EQ(host_fault_set(&f, "oversized", "1", err, sizeof(err)), -EINVAL);
	EXPECT_EQ(host_fault_set(&f, "malformed-rx", NULL, err, sizeof(err)), -EINVAL);
	EXPECT_EQ(host_fault_set(&f, "repeat-completion", "data", err, sizeof(err)), -EINVAL);
	for (unsigned int k = 0; k < HVSIM_FAULT_MAX; k++)
		EXPECT_FALSE(f.armed[k]);
}

static void
test_set_arms_with_argument_and_clear_keeps_counts(void)
{
	struct hvsim_faults f;
	char err[128];

	memset(&f, 0, sizeof(f));
	EXPECT_EQ(host_fault_set(&f, "late-completions", "15000", err, sizeof(err)), 0);
	EXPECT_EQ(host_fault_set(&f, "malformed-rx", "3", err, sizeof(err)), 0);
	EXPECT_EQ(host_fault_set(&f, "revoke-buffers", NULL, err, sizeof(err)), 0);
	EXPECT_TRUE(f.armed[HVSIM_FAULT_LATE_COMPLETIONS]);
	EXPECT_EQ(f.arg[HVSIM_FAULT_LATE_COMPLETIONS], 15000);
	EXPECT_EQ(f.arg[HVSIM_FAULT_MALFORMED_RX], 3);
	EXPECT_TRUE(f.armed[HVSIM_FAULT_REVOKE_BUFFERS]);
	f.fired[HVSIM_FAULT_MALFORMED_RX] = 2;
	host_fault_clear(&f);
	EXPECT_FALSE(f.armed[HVSIM_FAULT_LATE_COMPLETIONS]);
	EXPECT_FALSE(f.armed[HVSIM_FAULT_REVOKE_BUFFERS]);
	EXPECT_EQ(f.fired[HVSIM_FAULT_MALFORMED_RX], 2);
}

static void
test_write_lists_armed_and_fired_only(void)
{
	struct hvsim_faults f;
	char err[128], *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	memset(&f, 0, sizeof(f));
	host_fault_set(&f, "late-control", "200", err, sizeof(err));
	f.fired[HVSIM_FAULT_OVERSIZED] = 1;
	host_fault_write(&f, "nic0", out);
	fclose(out);
	EXPECT_TRUE(strstr(text, "nic0 fault late-control armed 200 fired 0\n") != NULL);
	EXPECT_TRUE(strstr(text, "nic0 fault oversized cleared 0 fired 1\n") != NULL);
	EXPECT_TRUE(strstr(text, "withhold") == NULL);
	free(text);
}

/* ---- completions ---- */

static void
test_withhold_completions_until_clear(void)
{
	uint64_t xact[4];
	uint32_t at;

	nic_setup();
	faults()->armed[HVSIM_FAULT_WITHHOLD_COMPLETIONS] = true;
	at = fx_rx->write_index;
	guest_send_data(0x21);
	guest_send_data(0x22);
	host_poll(&fx_sim);
	host_poll(&fx_sim);
	EXPECT_EQ(completions_since(at, xact, 4), 0);
	EXPECT_EQ(faults()->fired[HVSIM_FAULT_WITHHOLD_COMPLETIONS], 2);
	EXPECT_EQ(nic_dev()->nb_deferred, 2);
	host_fault_clear(faults());
	host_poll(&fx_sim);
	EXPECT_EQ(completions_since(at, xact, 4), 2);
	EXPECT_EQ(xact[0], 0x21);				/* in the order sent */
	EXPECT_EQ(xact[1], 0x22);
	EXPECT_EQ(nic_dev()->nb_deferred, 0);
	fx_teardown();
}

static void
test_late_completions_go_out_after_the_delay(void)
{
	uint64_t xact[4];
	uint32_t at;

	nic_setup();
	faults()->armed[HVSIM_FAULT_LATE_COMPLETIONS] = true;
	faults()->arg[HVSIM_FAULT_LATE_COMPLETIONS] = 50;
	at = fx_rx->write_index;
	guest_send_data(0x31);
	host_poll(&fx_sim);
	EXPECT_EQ(completions_since(at, xact, 4), 0);
	sleep_ms(60);
	host_poll(&fx_sim);
	EXPECT_EQ(completions_since(at, xact, 4), 1);
	EXPECT_EQ(xact[0], 0x31);
	EXPECT_EQ(faults()->fired[HVSIM_FAULT_LATE_COMPLETIONS], 1);
	fx_teardown();
}

static void
test_bad_completion_id_fires_once_unknown_then_duplicate(void)
{
	uint64_t xact[8];
	uint32_t at;

	nic_setup();
	faults()->armed[HVSIM_FAULT_BAD_COMPLETION_ID] = true;
	at = fx_rx->write_index;
	guest_send_data(0x41);
	host_poll(&fx_sim);
	EXPECT_EQ(completions_since(at, xact, 8), 3);
	EXPECT_EQ(xact[0], ~0x41ull);				/* an id never sent */
	EXPECT_EQ(xact[1], 0x41);
	EXPECT_EQ(xact[2], 0x41);				/* the duplicate */
	EXPECT_FALSE(faults()->armed[HVSIM_FAULT_BAD_COMPLETION_ID]);
	at = fx_rx->write_index;
	guest_send_data(0x42);
	host_poll(&fx_sim);
	EXPECT_EQ(completions_since(at, xact, 8), 1);
	EXPECT_EQ(faults()->fired[HVSIM_FAULT_BAD_COMPLETION_ID], 1);
	fx_teardown();
}

/* ---- control ---- */

static void
test_withhold_control_holds_request_until_clear(void)
{
	uint64_t xact[4];
	uint8_t msg[40];
	uint32_t at;

	nic_setup();
	faults()->armed[HVSIM_FAULT_WITHHOLD_CONTROL] = true;
	at = fx_rx->write_index;
	nvsp_msg(msg, 1, 0x2, 0x60001, 0);			/* INIT, versions 2..6.1 */
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, 0x51, msg, 40);
	host_poll(&fx_sim);
	host_poll(&fx_sim);
	EXPECT_EQ(completions_since(at, xact, 4), 0);
	EXPECT_EQ(faults()->fired[HVSIM_FAULT_WITHHOLD_CONTROL], 1);	/* once per request */
	host_fault_clear(faults());
	host_poll(&fx_sim);
	EXPECT_EQ(completions_since(at, xact, 4), 1);
	EXPECT_EQ(xact[0], 0x51);
	fx_teardown();
}

/*
 * repeat-completion: never a data 107's; nvsp: the INIT's completion again,
 * byte for byte (descriptor, id, reply) as it went.
 */
static void
test_repeat_completion_sends_the_last_one_again(void)
{
	uint64_t xact[4];
	uint8_t msg[40];
	uint32_t at, first, bytes;
	char err[64];

	nic_setup();
	nic_dev()->rndis.packet_filter = 0x0d;		/* receive passes run */
	EXPECT_EQ(host_fault_set(faults(), "repeat-completion", "rndis", err, sizeof(err)), 0);
	at = fx_rx->write_index;
	guest_send_data(0x61);
	host_poll(&fx_sim);
	host_poll(&fx_sim);
	EXPECT_EQ(completions_since(at, xact, 4), 1);		/* the data 107's only */
	EXPECT_EQ(xact[0], 0x61);
	EXPECT_TRUE(faults()->armed[HVSIM_FAULT_REPEAT_COMPLETION]);
	host_fault_clear(faults());
	first = fx_rx->write_index;
	nvsp_msg(msg, 1, 0x2, 0x60001, 0);			/* INIT, versions 2..6.1 */
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, 0x300000001ull, msg, 40);
	host_poll(&fx_sim);
	EXPECT_EQ(completions_since(first, xact, 4), 1);
	at = fx_rx->write_index;
	EXPECT_EQ(host_fault_set(faults(), "repeat-completion", "nvsp", err, sizeof(err)), 0);
	host_poll(&fx_sim);
	EXPECT_EQ(completions_since(at, xact, 4), 1);
	EXPECT_EQ(xact[0], 0x300000001ull);
	bytes = (uint32_t)fx_get(fx_rx, first + 4, 2) * 8;	/* up to the trailer */
	EXPECT_EQ(bytes, 16u + 40u);
	for (uint32_t i = 0; i < bytes; i += 8)
		EXPECT_EQ(fx_get(fx_rx, at + i, 8), fx_get(fx_rx, first + i, 8));
	EXPECT_FALSE(faults()->armed[HVSIM_FAULT_REPEAT_COMPLETION]);
	EXPECT_EQ(faults()->fired[HVSIM_FAULT_REPEAT_COMPLETION], 1);
	fx_teardown();
}

static void
test_late_control_answers_after_the_delay(void)
{
	uint64_t xact[4];
	uint8_t msg[40];
	uint32_t at;

	nic_setup();
	faults()->armed[HVSIM_FAULT_LATE_CONTROL] = true;
	faults()->arg[HVSIM_FAULT_LATE_CONTROL] = 50;
	at = fx_rx->write_index;
	nvsp_msg(msg, 1, 0x2, 0x60001, 0);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, 0x52, msg, 40);
	host_poll(&fx_sim);
	EXPECT_EQ(completions_since(at, xact, 4), 0);
	sleep_ms(60);
	host_poll(&fx_sim);
	EXPECT_EQ(completions_since(at, xact, 4), 1);
	EXPECT_EQ(faults()->fired[HVSIM_FAULT_LATE_CONTROL], 1);
	fx_teardown();
}

/* ---- receive transfers ---- */

/* The transfer-page packet at at: its set id, range count and first range. */
static void
xfer_at(uint32_t at, uint32_t *id, uint32_t *count, uint32_t *bytes, uint32_t *off)
{
	EXPECT_EQ(fx_get(fx_rx, at, 2), VMBUS_CHANPKT_TYPE_RXBUF);
	*id = (uint32_t)fx_get(fx_rx, at + 16, 2);
	*count = (uint32_t)fx_get(fx_rx, at + 20, 4);
	*bytes = (uint32_t)fx_get(fx_rx, at + 24, 4);
	*off = (uint32_t)fx_get(fx_rx, at + 28, 4);
}

static void
test_malformed_rx_rotates_through_six_variants(void)
{
	uint32_t id, count, bytes, off, slot_off = 0;
	const uint8_t *m;

	nic_setup();
	nic_dev()->rndis.packet_filter = 0x0d;
	faults()->armed[HVSIM_FAULT_MALFORMED_RX] = true;
	faults()->arg[HVSIM_FAULT_MALFORMED_RX] = 6;
	for (unsigned int v = 0; v < 6; v++) {
		uint32_t at = fx_rx->write_index;

		EXPECT_EQ(host_poll(&fx_sim), 1);
		xfer_at(at, &id, &count, &bytes, &off);
		if (v != 0)
			slot_off = off;
		m = rxbuf + slot_off;
		switch (v) {
		case 0:						/* range outside */
			EXPECT_EQ(off, sizeof(rxbuf));
			break;
		case 1:
			EXPECT_EQ(count, 0);
			break;
		case 2:
			EXPECT_TRUE(count > 1000);
			break;
		case 3:						/* RNDIS length */
			EXPECT_TRUE(rd32(m + 4) > bytes);
			break;
		case 4:						/* PPI offset */
			EXPECT_TRUE(rd32(m + 28) + 8 > rd32(m + 4));
			break;
		default:
			EXPECT_TRUE(id != 0xcafe);
			break;
		}
		if (v != 2 && v != 1)
			EXPECT_EQ(count, 1);
		if (v != 5)
			EXPECT_EQ(id, 0xcafe);
		fx_rx->read_index = fx_rx->write_index;
	}
	EXPECT_FALSE(faults()->armed[HVSIM_FAULT_MALFORMED_RX]);
	EXPECT_EQ(faults()->fired[HVSIM_FAULT_MALFORMED_RX], 6);
	EXPECT_EQ(host_poll(&fx_sim), 0);			/* nothing more */
	fx_teardown();
}

static void
test_oversized_is_one_transfer_of_64k(void)
{
	uint32_t at, id, count, bytes, off;

	nic_setup();
	nic_dev()->rndis.packet_filter = 0x0d;
	faults()->armed[HVSIM_FAULT_OVERSIZED] = true;
	at = fx_rx->write_index;
	EXPECT_EQ(host_poll(&fx_sim), 1);
	xfer_at(at, &id, &count, &bytes, &off);
	EXPECT_EQ(count, 1);
	EXPECT_EQ(bytes, 64u * 1024);
	EXPECT_EQ(rd32(rxbuf + off + 12), 64u * 1024 - 44);	/* data_length */
	EXPECT_EQ(faults()->fired[HVSIM_FAULT_OVERSIZED], 1);
	EXPECT_FALSE(faults()->armed[HVSIM_FAULT_OVERSIZED]);
	fx_teardown();
}

static void
test_flood_xfers_lends_no_slot(void)
{
	uint32_t at, id, count, bytes, off;
	uint64_t first = 0;

	nic_setup();
	nic_dev()->rndis.packet_filter = 0x0d;
	faults()->armed[HVSIM_FAULT_FLOOD_XFERS] = true;
	faults()->arg[HVSIM_FAULT_FLOOD_XFERS] = 5;
	at = fx_rx->write_index;
	EXPECT_EQ(host_poll(&fx_sim), 5);		/* all in one pass: the ring has room */
	for (unsigned int i = 0; i < 5; i++) {
		uint64_t xact = fx_get(fx_rx, at + 8, 8);

		xfer_at(at, &id, &count, &bytes, &off);
		EXPECT_EQ(id, 0xcafe);
		EXPECT_EQ(count, 1);
		EXPECT_EQ(bytes, 4);			/* shorter than an RNDIS header */
		EXPECT_EQ(off, 0);
		EXPECT_TRUE(xact >= NB_SLOTS);		/* no slot of the buffer's */
		if (i == 0)
			first = xact;
		EXPECT_EQ(xact, first + i);
		at = (at + (uint32_t)fx_get(fx_rx, at + 4, 2) * 8 + 8) % FX_DATA_BYTES;
	}
	EXPECT_EQ(faults()->fired[HVSIM_FAULT_FLOOD_XFERS], 5);
	EXPECT_FALSE(faults()->armed[HVSIM_FAULT_FLOOD_XFERS]);
	fx_rx->read_index = fx_rx->write_index;
	EXPECT_EQ(host_poll(&fx_sim), 0);			/* nothing more */
	fx_teardown();
}

/* A second channel (subchannel 1) with its own ring pair; returns its guest rx. */
static struct vmbus_ring_hdr *
sub_open(uint8_t **rings)
{
	struct hvsim_device *dev = &fx_sim.dev[0];
	struct vmbus_ring_hdr *rx;

	*rings = aligned_alloc(4096, 2 * FX_HALF_BYTES);
	memset(*rings, 0, 2 * FX_HALF_BYTES);
	rx = (struct vmbus_ring_hdr *)(*rings + FX_HALF_BYTES);
	((struct vmbus_ring_hdr *)*rings)->feature_bits = 1;
	rx->feature_bits = 1;
	dev->chan[1].dev = dev;
	dev->chan[1].subchannel_id = 1;
	dev->chan[1].open = true;
	dev->chan[1].ring_base = *rings;
	dev->chan[1].ring_bytes = 2 * FX_HALF_BYTES;
	dev->nb_channels = 2;
	return rx;
}

static void
test_subchannel_completions_go_on_the_subchannel(void)
{
	struct vmbus_ring_hdr *rx2;
	uint32_t at = 0, primary_at;
	uint8_t *rings;

	nic_setup();
	nic_dev()->rndis.packet_filter = 0x0d;		/* receive passes run */
	rx2 = sub_open(&rings);
	faults()->armed[HVSIM_FAULT_SUBCHANNEL_COMPLETIONS] = true;
	faults()->arg[HVSIM_FAULT_SUBCHANNEL_COMPLETIONS] = 3;
	primary_at = fx_rx->write_index;
	EXPECT_EQ(host_poll(&fx_sim), 3);
	EXPECT_EQ(fx_rx->write_index, primary_at);		/* none on the primary */
	for (unsigned int i = 0; i < 3; i++) {
		EXPECT_EQ(fx_get(rx2, at, 2), VMBUS_CHANPKT_TYPE_COMP);
		EXPECT_EQ(fx_get(rx2, at + 8, 8), 3 - i);	/* xact ids 3, 2, 1 */
		EXPECT_EQ(fx_get(rx2, at + 8 * fx_get(rx2, at + 2, 2), 4),
			  NVSP_MSG1_TYPE_SEND_RNDIS_PKT_COMPLETE);
		EXPECT_EQ(fx_get(rx2, at + 8 * fx_get(rx2, at + 2, 2) + 4, 4),
			  NVSP_STATUS_SUCCESS);
		at = (at + (uint32_t)fx_get(rx2, at + 4, 2) * 8 + 8) % FX_DATA_BYTES;
	}
	EXPECT_EQ(rx2->write_index, at);			/* published, nothing more */
	EXPECT_EQ(faults()->fired[HVSIM_FAULT_SUBCHANNEL_COMPLETIONS], 3);
	EXPECT_FALSE(faults()->armed[HVSIM_FAULT_SUBCHANNEL_COMPLETIONS]);
	EXPECT_EQ(host_poll(&fx_sim), 0);
	fx_teardown();
	free(rings);
}

/* With a control request withheld on the primary, the last completion carries its id. */
static void
test_subchannel_completions_end_with_the_held_request(void)
{
	struct vmbus_ring_hdr *rx2;
	uint32_t at = 0;
	uint8_t *rings, msg[40];

	nic_setup();
	nic_dev()->rndis.packet_filter = 0x0d;
	rx2 = sub_open(&rings);
	faults()->armed[HVSIM_FAULT_WITHHOLD_CONTROL] = true;
	nvsp_msg(msg, 1, 0x2, 0x60001, 0);			/* INIT, versions 2..6.1 */
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, 0x700000001ull, msg, 40);
	host_poll(&fx_sim);
	faults()->armed[HVSIM_FAULT_SUBCHANNEL_COMPLETIONS] = true;
	faults()->arg[HVSIM_FAULT_SUBCHANNEL_COMPLETIONS] = 2;
	EXPECT_EQ(host_poll(&fx_sim), 2);
	EXPECT_EQ(fx_get(rx2, at + 8, 8), 2);
	at = (at + (uint32_t)fx_get(rx2, at + 4, 2) * 8 + 8) % FX_DATA_BYTES;
	EXPECT_EQ(fx_get(rx2, at + 8, 8), 0x700000001ull);	/* the held INIT's, not 1 */
	fx_teardown();
	free(rings);
}

/* ---- ring index ---- */

static void
test_bad_ring_index_once_then_restored(void)
{
	uint32_t sane;

	nic_setup();
	sane = fx_rx->write_index;
	faults()->armed[HVSIM_FAULT_BAD_RING_INDEX] = true;
	fx_interrupts = 0;
	host_poll(&fx_sim);
	EXPECT_EQ(fx_rx->write_index, FX_DATA_BYTES + 8);	/* past the data area */
	EXPECT_EQ(fx_interrupts, 1);
	guest_send_data(0x61);
	host_poll(&fx_sim);					/* nothing written meanwhile */
	EXPECT_EQ(fx_rx->write_index, FX_DATA_BYTES + 8);
	sleep_ms(210);
	host_poll(&fx_sim);
	EXPECT_TRUE(fx_rx->write_index != FX_DATA_BYTES + 8);
	EXPECT_EQ(fx_get(fx_rx, sane, 2), 0xb);			/* the 107's completion, after */
	EXPECT_EQ(faults()->fired[HVSIM_FAULT_BAD_RING_INDEX], 1);
	fx_teardown();
}

/* ---- buffers ---- */

static void
test_revoke_buffers_fails_section_sends(void)
{
	uint32_t at = 0;

	nic_setup();
	faults()->armed[HVSIM_FAULT_REVOKE_BUFFERS] = true;
	at = fx_rx->write_index;
	guest_send_data(0x71);
	host_poll(&fx_sim);
	EXPECT_EQ(fx_get(fx_rx, at, 2), 0xb);
	EXPECT_EQ(fx_get(fx_rx, at + 20, 4), NVSP_STATUS_FAILURE);
	EXPECT_EQ(faults()->fired[HVSIM_FAULT_REVOKE_BUFFERS], 1);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_NVSP_BAD_SECTION], 1);
	EXPECT_FALSE(host_rx_ready(&fx_sim.dev[0]));
	fx_teardown();
}

int
main(void)
{
	(void)fx_set_indexes;
	RUN_TEST(test_set_refuses_unknown_kind_and_bad_arguments);
	RUN_TEST(test_set_arms_with_argument_and_clear_keeps_counts);
	RUN_TEST(test_write_lists_armed_and_fired_only);
	RUN_TEST(test_withhold_completions_until_clear);
	RUN_TEST(test_late_completions_go_out_after_the_delay);
	RUN_TEST(test_bad_completion_id_fires_once_unknown_then_duplicate);
	RUN_TEST(test_withhold_control_holds_request_until_clear);
	RUN_TEST(test_late_control_answers_after_the_delay);
	RUN_TEST(test_malformed_rx_rotates_through_six_variants);
	RUN_TEST(test_oversized_is_one_transfer_of_64k);
	RUN_TEST(test_flood_xfers_lends_no_slot);
	RUN_TEST(test_subchannel_completions_go_on_the_subchannel);
	RUN_TEST(test_subchannel_completions_end_with_the_held_request);
	RUN_TEST(test_repeat_completion_sends_the_last_one_again);
	RUN_TEST(test_bad_ring_index_once_then_restored);
	RUN_TEST(test_revoke_buffers_fails_section_sends);
	TEST_EXIT();
}
