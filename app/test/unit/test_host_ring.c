/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests of hvsim's host ring end (host_ring.c) through the echo device
 * (host_echo.c, host_channel.c): framing byte for byte, wrap, back-pressure,
 * signal rules and every bad guest input. Expected bytes come from the spec.
 */
#include <errno.h>

#include "test_harness.h"
#include "host_fixture.h"

/* Guest memory of the tests: three pages at guest-physical 0x100000 (pfn 0x100). */
#define MEM_GPA		0x100000ull
#define MEM_BYTES	(3u * 4096)

static uint8_t mem[MEM_BYTES];
static unsigned int mem_calls, mem_page_crossings;

void *
hvsim_guest_mem(struct hvsim *sim, uint64_t gpa, uint32_t len)
{
	(void)sim;
	mem_calls++;
	if ((gpa % 4096) + len > 4096)
		mem_page_crossings++;
	if (gpa < MEM_GPA || gpa - MEM_GPA > MEM_BYTES || len > MEM_BYTES - (gpa - MEM_GPA))
		return NULL;
	return mem + (gpa - MEM_GPA);
}

static void
echo_setup(void)
{
	fx_setup(HVSIM_DEV_ECHO);
	for (unsigned int i = 0; i < MEM_BYTES; i++)
		mem[i] = (uint8_t)(i * 7 + 3);
	mem_calls = 0;
	mem_page_crossings = 0;
}

static void
test_ring_init_refuses_small_or_odd_ring(void)
{
	static uint8_t buf[4 * 4096];
	struct host_counters cnt = { { 0 } };
	struct host_ring ring;

	EXPECT_EQ(host_ring_init(&ring, buf, 2 * 4096, &cnt), -EINVAL);	/* data area 0 */
	EXPECT_EQ(host_ring_init(&ring, buf, 4 * 4096 + 1, &cnt), -EINVAL);	/* odd */
	EXPECT_EQ(host_ring_init(&ring, NULL, 4 * 4096, &cnt), -EINVAL);
	EXPECT_EQ(cnt.n[HOST_CNT_BAD_GEOMETRY], 3);
	EXPECT_EQ(host_ring_init(&ring, buf, 4 * 4096, &cnt), 0);
	EXPECT_EQ(ring.data_bytes, 4096);
}

static void
test_ring_init_adopts_valid_and_resets_bad_own_index(void)
{
	static uint8_t buf[4 * 4096];
	struct host_counters cnt = { { 0 } };
	struct vmbus_ring_hdr *tx = (void *)buf, *rx = (void *)(buf + 2 * 4096);
	struct host_ring ring;

	tx->read_index = 64;
	rx->write_index = 13;		/* unaligned: not ours to follow */
	EXPECT_EQ(host_ring_init(&ring, buf, sizeof(buf), &cnt), 0);
	EXPECT_EQ(ring.tx_read_idx, 64);
	EXPECT_EQ(ring.rx_write_idx, 0);
	EXPECT_EQ(rx->write_index, 0);
}

static void
test_echo_inband_framing_byte_for_byte(void)
{
	echo_setup();
	fx_set_indexes(fx_tx, 64, 64);
	fx_set_indexes(fx_rx, 64, 64);
	memset(fx_rx->data, 0xaa, FX_DATA_BYTES);	/* pad must be written, not left */
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 0x1122334455667788ull, "hello", 5);
	EXPECT_EQ(fx_tx->write_index, 96);		/* 16 + 8 + 8 */
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(fx_tx->read_index, 96);
	EXPECT_EQ(fx_get(fx_rx, 64, 2), 6);		/* type inband */
	EXPECT_EQ(fx_get(fx_rx, 66, 2), 2);		/* data_offset8 */
	EXPECT_EQ(fx_get(fx_rx, 68, 2), 3);		/* (16 + 5 + 3 pad) / 8 */
	EXPECT_EQ(fx_get(fx_rx, 70, 2), 0);		/* flags */
	EXPECT_EQ(fx_get(fx_rx, 72, 8), 0x1122334455667788ull);
	EXPECT_MEM_EQ(&fx_rx->data[80], "hello", 5);
	EXPECT_EQ(fx_get(fx_rx, 85, 3), 0);		/* zero pad to 8 */
	EXPECT_EQ(fx_get(fx_rx, 88, 8), 64ull << 32);	/* trailer: start index << 32 */
	EXPECT_EQ(fx_get(fx_rx, 96, 1), 0xaa);		/* nothing past the packet */
	EXPECT_EQ(fx_rx->write_index, 96);
	EXPECT_EQ(fx_interrupts, 1);			/* empty -> non-empty, unmasked */
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_PKTS_IN], 1);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_PKTS_OUT], 1);
	fx_teardown();
}

static void
test_echo_completion_before_echo_when_requested(void)
{
	echo_setup();
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, 0xabc, "ABCDEFGH", 8);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(fx_get(fx_rx, 0, 2), 0xb);		/* completion first */
	EXPECT_EQ(fx_get(fx_rx, 2, 2), 2);
	EXPECT_EQ(fx_get(fx_rx, 4, 2), 2);		/* empty payload */
	EXPECT_EQ(fx_get(fx_rx, 6, 2), 0);
	EXPECT_EQ(fx_get(fx_rx, 8, 8), 0xabc);
	EXPECT_EQ(fx_get(fx_rx, 16, 8), 0);		/* trailer of a packet at 0 */
	EXPECT_EQ(fx_get(fx_rx, 24, 2), 6);		/* then the echo */
	EXPECT_EQ(fx_get(fx_rx, 28, 2), 3);
	EXPECT_EQ(fx_get(fx_rx, 30, 2), 0);		/* flags 0: no RC on the echo */
	EXPECT_EQ(fx_get(fx_rx, 32, 8), 0xabc);
	EXPECT_MEM_EQ(&fx_rx->data[40], "ABCDEFGH", 8);
	EXPECT_EQ(fx_get(fx_rx, 48, 8), 24ull << 32);
	EXPECT_EQ(fx_rx->write_index, 56);
	EXPECT_EQ(fx_interrupts, 1);			/* one per batch */
	fx_teardown();
}

static void
test_echo_wraps_inside_payload(void)
{
	uint8_t payload[24];

	echo_setup();
	for (unsigned int i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i + 1);
	fx_set_indexes(fx_tx, 4072, 4072);
	fx_set_indexes(fx_rx, 4072, 4072);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 5, payload, sizeof(payload));
	EXPECT_EQ(fx_tx->write_index, 24);		/* 4072 + 48 - 4096 */
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(fx_tx->read_index, 24);
	EXPECT_EQ(fx_get(fx_rx, 4072, 2), 6);
	EXPECT_EQ(fx_get(fx_rx, 4076, 2), 5);		/* (16 + 24) / 8 */
	EXPECT_EQ(fx_get(fx_rx, 4080, 8), 5);		/* xact */
	EXPECT_MEM_EQ(&fx_rx->data[4088], payload, 8);	/* payload up to the end */
	EXPECT_MEM_EQ(&fx_rx->data[0], payload + 8, 16);	/* rest from 0 */
	EXPECT_EQ(fx_get(fx_rx, 16, 8), 4072ull << 32);
	EXPECT_EQ(fx_rx->write_index, 24);
	fx_teardown();
}

static void
test_echo_wraps_inside_descriptor(void)
{
	echo_setup();
	fx_set_indexes(fx_tx, 4088, 4088);
	fx_set_indexes(fx_rx, 4088, 4088);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 0x0102030405060708ull, "12345678", 8);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(fx_get(fx_rx, 4088, 2), 6);
	EXPECT_EQ(fx_get(fx_rx, 4090, 2), 2);
	EXPECT_EQ(fx_get(fx_rx, 4092, 2), 3);
	EXPECT_EQ(fx_get(fx_rx, 0, 8), 0x0102030405060708ull);	/* xact after the wrap */
	EXPECT_MEM_EQ(&fx_rx->data[8], "12345678", 8);
	EXPECT_EQ(fx_get(fx_rx, 16, 8), 4088ull << 32);
	EXPECT_EQ(fx_rx->write_index, 24);
	fx_teardown();
}

static void
test_echo_waits_when_guest_rx_full(void)
{
	echo_setup();
	/* Guest rx: w 0, r 48 -> 48 writable; each echo takes 32 and 0 must stay free. */
	fx_set_indexes(fx_rx, 0, 48);
	memset(fx_rx->data, 0xaa, FX_DATA_BYTES);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 1, "first...", 8);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 2, "second..", 8);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(fx_tx->read_index, 32);		/* second not consumed */
	EXPECT_EQ(fx_rx->write_index, 32);
	EXPECT_EQ(fx_get(fx_rx, 32, 8), 0xaaaaaaaaaaaaaaaaull);	/* no overwrite */
	EXPECT_EQ(fx_get(fx_rx, 40, 8), 0xaaaaaaaaaaaaaaaaull);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_RX_RING_FULL], 1);
	EXPECT_EQ(host_poll(&fx_sim), 0);		/* still full: waits again */
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_RX_RING_FULL], 2);
	fx_rx->read_index = 32;				/* guest reads the first echo */
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(fx_tx->read_index, 64);
	EXPECT_EQ(fx_rx->write_index, 64);
	EXPECT_EQ(fx_get(fx_rx, 40, 8), 2);		/* second echo's xact */
	EXPECT_MEM_EQ(&fx_rx->data[48], "second..", 8);
	fx_teardown();
}

static void
test_echo_exact_fit_leaves_one_free_slot(void)
{
	echo_setup();
	fx_set_indexes(fx_rx, 0, 40);			/* 40 writable > 32 needed */
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 1, "12345678", 8);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(fx_rx->write_index, 32);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 2, NULL, 0);	/* needs 24, 8 left */
	EXPECT_EQ(host_poll(&fx_sim), 0);
	EXPECT_EQ(fx_rx->write_index, 32);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_RX_RING_FULL], 1);
	fx_teardown();
}

static void
test_bad_guest_tx_write_index_counted_and_survived(void)
{
	echo_setup();
	fx_tx->write_index = 4096;			/* == data size */
	EXPECT_EQ(host_poll(&fx_sim), 0);
	fx_tx->write_index = 12;			/* not 8-aligned */
	EXPECT_EQ(host_poll(&fx_sim), 0);
	fx_tx->write_index = 0xffffffff;
	EXPECT_EQ(host_poll(&fx_sim), 0);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_BAD_TX_INDEX], 3);
	EXPECT_EQ(fx_tx->read_index, 0);
	EXPECT_EQ(fx_rx->write_index, 0);
	fx_tx->write_index = 0;
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 9, "ok", 2);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(fx_rx->write_index, 32);
	fx_teardown();
}

static void
test_bad_guest_rx_read_index_stops_the_pass(void)
{
	echo_setup();
	fx_rx->read_index = 4100;
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 9, "ok", 2);
	EXPECT_EQ(host_poll(&fx_sim), 0);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_BAD_RX_INDEX], 1);
	EXPECT_EQ(fx_tx->read_index, 0);		/* not consumed, not lost */
	EXPECT_EQ(fx_rx->write_index, 0);
	fx_rx->read_index = 0;
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(fx_rx->write_index, 32);
	fx_teardown();
}

/* A bad descriptor drops everything published: the next packet is not reached. */
static void
check_bad_descriptor(uint16_t doff8, uint16_t len8, enum host_count reason)
{
	uint8_t body[16] = { 0 };
	uint32_t bytes;

	echo_setup();
	bytes = fx_guest_send_raw(VMBUS_CHANPKT_TYPE_INBAND, doff8, len8, 0, 1, body, 16);
	bytes += fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 2, "after", 5);
	EXPECT_EQ(bytes, 40 + 32);
	EXPECT_EQ(host_poll(&fx_sim), 0);
	EXPECT_EQ(fx_cnt()->n[reason], 1);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_RESYNC_BYTES], 72);
	EXPECT_EQ(fx_tx->read_index, 72);		/* skipped to the guest's write index */
	EXPECT_EQ(fx_rx->write_index, 0);
	EXPECT_EQ(fx_interrupts, 0);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 3, "next", 4);
	EXPECT_EQ(host_poll(&fx_sim), 1);		/* survived: framing regained */
	EXPECT_EQ(fx_get(fx_rx, 8, 8), 3);
	fx_teardown();
}

static void
test_bad_descriptor_data_offset_below_2(void)
{
	check_bad_descriptor(1, 4, HOST_CNT_BAD_DESC_OFFSET);
}

static void
test_bad_descriptor_data_offset_zero(void)
{
	check_bad_descriptor(0, 0, HOST_CNT_BAD_DESC_OFFSET);
}

static void
test_bad_descriptor_data_offset_past_total_len(void)
{
	check_bad_descriptor(5, 4, HOST_CNT_BAD_DESC_OFFSET);
}

static void
test_bad_descriptor_longer_than_published(void)
{
	check_bad_descriptor(2, 9, HOST_CNT_BAD_DESC_LEN);	/* 72 + 8 > 72 published */
}

static void
test_bad_descriptor_max_length(void)
{
	check_bad_descriptor(2, 0xffff, HOST_CNT_BAD_DESC_LEN);
}

static void
test_bad_descriptor_fewer_bytes_than_descriptor_and_trailer(void)
{
	echo_setup();
	fx_tx->write_index = 16;
	EXPECT_EQ(host_poll(&fx_sim), 0);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_BAD_DESC_SHORT], 1);
	EXPECT_EQ(fx_tx->read_index, 16);
	fx_teardown();
}

static void
test_signal_suppressed_by_interrupt_mask(void)
{
	echo_setup();
	fx_rx->interrupt_mask = 1;
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 1, "x", 1);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(fx_rx->write_index, 32);
	EXPECT_EQ(fx_interrupts, 0);
	fx_teardown();
}

static void
test_signal_only_when_guest_rx_was_empty(void)
{
	echo_setup();
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 1, "x", 1);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(fx_interrupts, 1);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 2, "y", 1);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(fx_interrupts, 1);			/* guest has not read: not empty */
	fx_rx->read_index = fx_rx->write_index;		/* guest drains */
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 3, "z", 1);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(fx_interrupts, 2);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_INTERRUPTS], 2);
	fx_teardown();
}

static void
test_signal_once_per_batch(void)
{
	echo_setup();
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 1, "a", 1);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 2, "b", 1);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 3, "c", 1);
	EXPECT_EQ(host_poll(&fx_sim), 3);
	EXPECT_EQ(fx_rx->write_index, 96);
	EXPECT_EQ(fx_tx->read_index, 96);
	EXPECT_EQ(fx_interrupts, 1);
	fx_teardown();
}

/*
 * Ring spec 4.2: three 32-byte packets (96 bytes) are consumed, so the guest's
 * room goes from 4000 to 4096. Signal iff 4000 <= pending < 4096.
 */
static void
check_pending_send(uint32_t feature_bits, uint32_t pending, unsigned int want)
{
	echo_setup();
	fx_rx->interrupt_mask = 1;			/* isolate the tx-side rule */
	fx_tx->feature_bits = feature_bits;
	fx_tx->pending_send_bytes = pending;
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 1, "a", 1);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 2, "b", 1);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 3, "c", 1);
	EXPECT_EQ(host_poll(&fx_sim), 3);
	EXPECT_EQ(fx_interrupts, want);
	fx_teardown();
}

static void
test_pending_send_signals_when_reads_make_room(void)
{
	check_pending_send(1, 4000, 1);
	check_pending_send(1, 4095, 1);
}

static void
test_pending_send_no_signal_when_room_was_enough(void)
{
	check_pending_send(1, 3999, 0);
}

static void
test_pending_send_no_signal_when_still_not_enough(void)
{
	check_pending_send(1, 4096, 0);
}

static void
test_pending_send_ignored_without_feature_bit(void)
{
	check_pending_send(0, 4000, 0);
	check_pending_send(1, 0, 0);
}

/* GPA extension: reserved, range_count, then ranges, as raw little-endian u32/u64. */
struct gpa_builder {
	uint8_t body[512];
	uint32_t len;
};

static void
gpa_u32(struct gpa_builder *b, uint32_t v)
{
	memcpy(b->body + b->len, &v, 4);
	b->len += 4;
}

static void
gpa_u64(struct gpa_builder *b, uint64_t v)
{
	memcpy(b->body + b->len, &v, 8);
	b->len += 8;
}

/* Send a GPA packet: ext (already in b, ext_len bytes) then 8 inline payload bytes. */
static void
gpa_send(struct gpa_builder *b, uint16_t flags, uint64_t xact)
{
	uint16_t doff8 = (uint16_t)((16 + b->len) / 8);

	memcpy(b->body + b->len, "INLINEPL", 8);
	fx_guest_send_raw(VMBUS_CHANPKT_TYPE_GPA, doff8, (uint16_t)(doff8 + 1), flags, xact,
			  b->body, b->len + 8);
}

static void
test_echo_gpa_resolves_ranges_page_by_page(void)
{
	struct gpa_builder b = { .len = 0 };

	echo_setup();
	gpa_u32(&b, 0);				/* reserved */
	gpa_u32(&b, 2);				/* range_count */
	gpa_u32(&b, 200);			/* range 0: 200 bytes from offset 4000 */
	gpa_u32(&b, 4000);
	gpa_u64(&b, 0x100);			/* k = ceil(4200 / 4096) = 2 */
	gpa_u64(&b, 0x101);
	gpa_u32(&b, 16);			/* range 1: 16 bytes at offset 8 of pfn 0x102 */
	gpa_u32(&b, 8);
	gpa_u64(&b, 0x102);
	EXPECT_EQ(b.len, 48);			/* data_offset8 = (16 + 48) / 8 = 8 */
	gpa_send(&b, VMBUS_CHANPKT_FLAG_RC, 77);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(fx_get(fx_rx, 0, 2), 0xb);	/* completion first, empty */
	EXPECT_EQ(fx_get(fx_rx, 4, 2), 2);
	EXPECT_EQ(fx_get(fx_rx, 8, 8), 77);
	EXPECT_EQ(fx_get(fx_rx, 24, 2), 6);	/* echo: inband, 8 + 200 + 16 = 224 bytes */
	EXPECT_EQ(fx_get(fx_rx, 26, 2), 2);
	EXPECT_EQ(fx_get(fx_rx, 28, 2), 30);	/* (16 + 224) / 8 */
	EXPECT_EQ(fx_get(fx_rx, 32, 8), 77);
	EXPECT_MEM_EQ(&fx_rx->data[40], "INLINEPL", 8);
	EXPECT_MEM_EQ(&fx_rx->data[48], &mem[4000], 200);
	EXPECT_MEM_EQ(&fx_rx->data[248], &mem[2 * 4096 + 8], 16);
	EXPECT_EQ(fx_get(fx_rx, 264, 8), 24ull << 32);
	EXPECT_EQ(fx_rx->write_index, 272);
	EXPECT_EQ(mem_calls, 3);		/* 96 + 104 bytes, then 16 */
	EXPECT_EQ(mem_page_crossings, 0);
	fx_teardown();
}

static void
test_echo_gpa_zero_ranges_echoes_inline_payload(void)
{
	struct gpa_builder b = { .len = 0 };

	echo_setup();
	gpa_u32(&b, 0);
	gpa_u32(&b, 0);
	gpa_send(&b, 0, 5);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(fx_get(fx_rx, 4, 2), 3);
	EXPECT_MEM_EQ(&fx_rx->data[16], "INLINEPL", 8);
	fx_teardown();
}

/* A bad GPA packet is counted and consumed with no reply; the next one echoes. */
static void
check_gpa_drop(struct gpa_builder *b, enum host_count reason)
{
	gpa_send(b, VMBUS_CHANPKT_FLAG_RC, 1);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(fx_cnt()->n[reason], 1);
	EXPECT_EQ(fx_rx->write_index, 0);
	EXPECT_EQ(fx_tx->read_index, fx_tx->write_index);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 2, "ok", 2);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(fx_rx->write_index, 32);
	fx_teardown();
}

static void
test_echo_gpa_pfn_outside_guest_memory(void)
{
	struct gpa_builder b = { .len = 0 };

	echo_setup();
	gpa_u32(&b, 0);
	gpa_u32(&b, 1);
	gpa_u32(&b, 64);
	gpa_u32(&b, 0);
	gpa_u64(&b, 0x999);
	check_gpa_drop(&b, HOST_CNT_BAD_GPA);
}

static void
test_echo_gpa_pfn_that_overflows_an_address(void)
{
	struct gpa_builder b = { .len = 0 };

	echo_setup();
	gpa_u32(&b, 0);
	gpa_u32(&b, 1);
	gpa_u32(&b, 64);
	gpa_u32(&b, 0);
	gpa_u64(&b, 0x0010000000000100ull);	/* << 12 would wrap to 0x100000 */
	check_gpa_drop(&b, HOST_CNT_BAD_GPA);
}

static void
test_echo_gpa_byte_offset_past_page(void)
{
	struct gpa_builder b = { .len = 0 };

	echo_setup();
	gpa_u32(&b, 0);
	gpa_u32(&b, 1);
	gpa_u32(&b, 8);
	gpa_u32(&b, 4096);
	gpa_u64(&b, 0x100);
	gpa_u64(&b, 0x101);
	check_gpa_drop(&b, HOST_CNT_BAD_GPA);
}

static void
test_echo_gpa_huge_range_count(void)
{
	struct gpa_builder b = { .len = 0 };

	echo_setup();
	gpa_u32(&b, 0);
	gpa_u32(&b, 0xffffffff);
	gpa_u32(&b, 8);
	gpa_u32(&b, 0);
	gpa_u64(&b, 0x100);
	check_gpa_drop(&b, HOST_CNT_BAD_RANGE_COUNT);
}

static void
test_echo_gpa_pfns_past_data_offset(void)
{
	struct gpa_builder b = { .len = 0 };

	echo_setup();
	gpa_u32(&b, 0);
	gpa_u32(&b, 1);
	gpa_u32(&b, 100);
	gpa_u32(&b, 4090);			/* needs 2 pfns, the extension holds 1 */
	gpa_u64(&b, 0x100);
	check_gpa_drop(&b, HOST_CNT_BAD_RANGE_COUNT);
}

static void
test_echo_gpa_without_room_for_range_count(void)
{
	echo_setup();
	fx_guest_send(VMBUS_CHANPKT_TYPE_GPA, VMBUS_CHANPKT_FLAG_RC, 1, "12345678", 8);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_BAD_RANGE_COUNT], 1);
	EXPECT_EQ(fx_rx->write_index, 0);
	fx_teardown();
}

static void
test_echo_gpa_payload_over_64k(void)
{
	struct gpa_builder b = { .len = 0 };

	echo_setup();
	gpa_u32(&b, 0);
	gpa_u32(&b, 1);
	gpa_u32(&b, 65536);			/* + 8 inline bytes > 64 KiB */
	gpa_u32(&b, 0);
	for (unsigned int k = 0; k < 16; k++)
		gpa_u64(&b, 0x100);
	check_gpa_drop(&b, HOST_CNT_TOO_LONG);
}

static void
test_echo_larger_than_guest_rx_is_dropped_not_waited(void)
{
	struct gpa_builder b = { .len = 0 };

	echo_setup();
	gpa_u32(&b, 0);
	gpa_u32(&b, 1);
	gpa_u32(&b, 8192);			/* echo 16 + 8200 + 8 > 4096 data bytes */
	gpa_u32(&b, 0);
	gpa_u64(&b, 0x100);
	gpa_u64(&b, 0x101);
	check_gpa_drop(&b, HOST_CNT_TOO_LONG);
}

static void
test_echo_bad_packet_type(void)
{
	echo_setup();
	fx_guest_send(VMBUS_CHANPKT_TYPE_RXBUF, VMBUS_CHANPKT_FLAG_RC, 1, "12345678", 8);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_BAD_TYPE], 1);
	EXPECT_EQ(fx_rx->write_index, 0);
	fx_teardown();
}

static void
test_closed_device_is_not_served(void)
{
	echo_setup();
	host_device_close(&fx_sim, &fx_sim.dev[0]);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 1, "x", 1);
	EXPECT_EQ(host_poll(&fx_sim), 0);
	host_device_open(&fx_sim, &fx_sim.dev[0]);
	EXPECT_EQ(host_poll(&fx_sim), 1);		/* reopened: indexes re-adopted */
	EXPECT_EQ(fx_rx->write_index, 32);
	fx_teardown();
}

static void
test_guest_signal_services_the_channel(void)
{
	echo_setup();
	host_channel_signal(&fx_sim, fx_chan());		/* spurious: empty ring */
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 1, "x", 1);
	host_channel_signal(&fx_sim, fx_chan());
	EXPECT_EQ(fx_tx->read_index, 32);
	EXPECT_EQ(fx_rx->write_index, 32);
	fx_teardown();
}

int
main(void)
{
	RUN_TEST(test_ring_init_refuses_small_or_odd_ring);
	RUN_TEST(test_ring_init_adopts_valid_and_resets_bad_own_index);
	RUN_TEST(test_echo_inband_framing_byte_for_byte);
	RUN_TEST(test_echo_completion_before_echo_when_requested);
	RUN_TEST(test_echo_wraps_inside_payload);
	RUN_TEST(test_echo_wraps_inside_descriptor);
	RUN_TEST(test_echo_waits_when_guest_rx_full);
	RUN_TEST(test_echo_exact_fit_leaves_one_free_slot);
	RUN_TEST(test_bad_guest_tx_write_index_counted_and_survived);
	RUN_TEST(test_bad_guest_rx_read_index_stops_the_pass);
	RUN_TEST(test_bad_descriptor_data_offset_below_2);
	RUN_TEST(test_bad_descriptor_data_offset_zero);
	RUN_TEST(test_bad_descriptor_data_offset_past_total_len);
	RUN_TEST(test_bad_descriptor_longer_than_published);
	RUN_TEST(test_bad_descriptor_max_length);
	RUN_TEST(test_bad_descriptor_fewer_bytes_than_descriptor_and_trailer);
	RUN_TEST(test_signal_suppressed_by_interrupt_mask);
	RUN_TEST(test_signal_only_when_guest_rx_was_empty);
	RUN_TEST(test_signal_once_per_batch);
	RUN_TEST(test_pending_send_signals_when_reads_make_room);
	RUN_TEST(test_pending_send_no_signal_when_room_was_enough);
	RUN_TEST(test_pending_send_no_signal_when_still_not_enough);
	RUN_TEST(test_pending_send_ignored_without_feature_bit);
	RUN_TEST(test_echo_gpa_resolves_ranges_page_by_page);
	RUN_TEST(test_echo_gpa_zero_ranges_echoes_inline_payload);
	RUN_TEST(test_echo_gpa_pfn_outside_guest_memory);
	RUN_TEST(test_echo_gpa_pfn_that_overflows_an_address);
	RUN_TEST(test_echo_gpa_byte_offset_past_page);
	RUN_TEST(test_echo_gpa_huge_range_count);
	RUN_TEST(test_echo_gpa_pfns_past_data_offset);
	RUN_TEST(test_echo_gpa_without_room_for_range_count);
	RUN_TEST(test_echo_gpa_payload_over_64k);
	RUN_TEST(test_echo_larger_than_guest_rx_is_dropped_not_waited);
	RUN_TEST(test_echo_bad_packet_type);
	RUN_TEST(test_closed_device_is_not_served);
	RUN_TEST(test_guest_signal_services_the_channel);
	TEST_EXIT();
}
