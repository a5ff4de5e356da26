/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests of the gen and sink backends (backends/gen.c, sink.c): frames taken
 * from gen and handed back in order, with gaps, swapped and duplicated, are
 * counted as the report lines say; options, rate and count limits.
 */
#include <errno.h>

#include "test_harness.h"
#include "test_bytes.h"
#include "backend.h"
#include "frame.h"

#define NB_SAVED	64u

static struct hvsim_backend be;
static uint8_t saved[NB_SAVED][256];
static uint32_t saved_len[NB_SAVED];
static uint32_t saved_key[NB_SAVED];
static char report[512];

static int
open_be(const struct hvsim_backend_ops *ops, const char *args)
{
	memset(&be, 0, sizeof(be));
	be.ops = ops;
	return ops->open(&be, args);
}

/* Take n frames from gen into saved[]; returns how many it gave. */
static unsigned int
take(unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n && i < NB_SAVED; i++) {
		const struct hvsim_frame *f = be.ops->peek(&be);

		if (f == NULL || f->len > sizeof(saved[0]))
			break;
		memcpy(saved[i], f->data, f->len);
		saved_len[i] = f->len;
		saved_key[i] = f->hdr_key;
		be.ops->consume(&be);
	}
	return i;
}

static void
give_back(const unsigned int *order, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		be.ops->transmit(&be, saved[order[i]], saved_len[order[i]]);
}

static const char *
report_of(void)
{
	FILE *out = fmemopen(report, sizeof(report), "w");

	report[0] = '\0';
	if (out != NULL) {
		be.ops->report(&be, out);
		fclose(out);
	}
	return report;
}

static void
close_be(void)
{
	be.ops->close(&be);
}

static void
test_gen_back_in_order_all_counted(void)
{
	const unsigned int order[] = { 0, 1, 2, 3 };

	EXPECT_EQ(open_be(&hvsim_backend_gen, NULL), 0);
	EXPECT_EQ(take(4), 4);
	EXPECT_EQ(saved_len[0], 66);				/* size 64 raised to fit */
	give_back(order, 4);
	EXPECT_EQ(strcmp(report_of(), "gen: sent 4, back 4, lost 0, reordered 0, dup 0, "
			 "corrupt 0, foreign 0\n"), 0);
	close_be();
}

static void
test_gen_gap_counts_lost(void)
{
	const unsigned int order[] = { 0, 1, 3 };

	EXPECT_EQ(open_be(&hvsim_backend_gen, "size=100"), 0);
	EXPECT_EQ(take(4), 4);
	EXPECT_EQ(saved_len[0], 100);
	give_back(order, 3);
	EXPECT_EQ(strcmp(report_of(), "gen: sent 4, back 3, lost 1, reordered 0, dup 0, "
			 "corrupt 0, foreign 0\n"), 0);
	close_be();
}

static void
test_gen_swap_counts_reordered_not_lost(void)
{
	const unsigned int order[] = { 0, 2, 1, 3 };

	EXPECT_EQ(open_be(&hvsim_backend_gen, NULL), 0);
	EXPECT_EQ(take(4), 4);
	give_back(order, 4);
	EXPECT_EQ(strcmp(report_of(), "gen: sent 4, back 4, lost 0, reordered 1, dup 0, "
			 "corrupt 0, foreign 0\n"), 0);
	close_be();
}

static void
test_gen_duplicate_counted_once(void)
{
	const unsigned int order[] = { 0, 1, 1, 2, 0 };

	EXPECT_EQ(open_be(&hvsim_backend_gen, NULL), 0);
	EXPECT_EQ(take(3), 3);
	give_back(order, 5);
	EXPECT_EQ(strcmp(report_of(), "gen: sent 3, back 3, lost 0, reordered 0, dup 2, "
			 "corrupt 0, foreign 0\n"), 0);
	close_be();
}

static void
test_gen_flows_have_own_sequences(void)
{
	const unsigned int order[] = { 1, 3, 0, 2 };	/* flow 1 first, each in order */
	uint32_t flow;
	uint64_t seq;

	EXPECT_EQ(open_be(&hvsim_backend_gen, "flows=2"), 0);
	EXPECT_EQ(take(4), 4);
	EXPECT_EQ(frame_verify(saved[3], saved_len[3], &flow, &seq), FRAME_OURS_GOOD);
	EXPECT_EQ(flow, 1);
	EXPECT_EQ(seq, 1);
	give_back(order, 4);
	EXPECT_EQ(strcmp(report_of(), "gen: sent 4, back 4, lost 0, reordered 0, dup 0, "
			 "corrupt 0, foreign 0\n"), 0);
	close_be();
}

static void
test_gen_corrupt_and_foreign_counted(void)
{
	const unsigned int order[] = { 0, 1 };

	EXPECT_EQ(open_be(&hvsim_backend_gen, "size=100"), 0);
	EXPECT_EQ(take(2), 2);
	saved[1][saved_len[1] - 1] ^= 0x40;			/* a pattern byte */
	give_back(order, 2);
	saved[0][12] = 0x86, saved[0][13] = 0xdd;		/* IPv6: not ours */
	give_back(order, 1);
	EXPECT_EQ(strcmp(report_of(), "gen: sent 2, back 1, lost 0, reordered 0, dup 0, "
			 "corrupt 1, foreign 1\n"), 0);
	close_be();
}

static void
test_gen_badcsum_frames_marked_and_accepted_back(void)
{
	const unsigned int order[] = { 0, 1, 2, 3 };
	const struct hvsim_frame *f;
	uint32_t flow;
	uint64_t seq;

	EXPECT_EQ(open_be(&hvsim_backend_gen, "badcsum=2,vlan=5"), 0);
	f = be.ops->peek(&be);
	EXPECT_TRUE(f != NULL && f->csum == HVSIM_CSUM_GOOD && f->has_vlan && f->vlan_tci == 5);
	EXPECT_TRUE(f != NULL && f->data[12] == 0x08);		/* tag beside, not inline */
	EXPECT_EQ(take(4), 4);
	EXPECT_EQ(frame_verify(saved[1], saved_len[1], &flow, &seq), FRAME_OURS_BAD_L4_CSUM);
	EXPECT_EQ(frame_verify(saved[2], saved_len[2], &flow, &seq), FRAME_OURS_GOOD);
	give_back(order, 4);
	/* as saved: without their tag (it went beside them) */
	EXPECT_EQ(strcmp(report_of(), "gen: sent 4, back 4, lost 0, reordered 0, dup 0, "
			 "corrupt 0, foreign 0, untagged 4\n"), 0);
	close_be();
}

/* saved[i] with the 802.1Q tag of VLAN vid put in after the MAC addresses. */
static void
tag_saved(unsigned int i, uint16_t vid)
{
	const uint8_t tag[4] = { 0x81, 0x00, (uint8_t)(vid >> 8), (uint8_t)vid };

	memmove(saved[i] + 16, saved[i] + 12, saved_len[i] - 12);
	memcpy(saved[i] + 12, tag, sizeof(tag));
	saved_len[i] += 4;
}

/* saved[i] (untagged) as a router forwards it: TTL one less, header checksum redone. */
static void
route_saved(unsigned int i)
{
	uint8_t *ip = saved[i] + 14;

	ip[8]--;
	put16(ip + 10, 0);
	put16(ip + 10, fold(sum16(ip, 20, 0)));
}

/*
 * A tagged flow's frames back with their tag are not counted stripped;
 * without, they are, whether they match what gen made (compared) or not
 * (routed: parsed).
 */
static void
test_gen_counts_frames_back_untagged(void)
{
	const unsigned int order[] = { 0, 1, 2, 3 };

	EXPECT_EQ(open_be(&hvsim_backend_gen, "vlan=7,flows=2"), 0);
	EXPECT_EQ(take(4), 4);
	tag_saved(0, 7);
	tag_saved(1, 7);
	route_saved(3);
	give_back(order, 4);
	EXPECT_EQ(strcmp(report_of(), "gen: sent 4, back 4, lost 0, reordered 0, dup 0, "
			 "corrupt 0, foreign 0, untagged 2\n"), 0);
	close_be();
	EXPECT_EQ(open_be(&hvsim_backend_gen, NULL), 0);	/* untagged flows: not reported */
	EXPECT_EQ(take(1), 1);
	give_back(order, 1);
	EXPECT_EQ(strcmp(report_of(), "gen: sent 1, back 1, lost 0, reordered 0, dup 0, "
			 "corrupt 0, foreign 0\n"), 0);
	close_be();
}

static void
test_gen_peek_is_stable_until_consume(void)
{
	const struct hvsim_frame *a, *b;

	EXPECT_EQ(open_be(&hvsim_backend_gen, "count=1"), 0);
	a = be.ops->peek(&be);
	b = be.ops->peek(&be);
	EXPECT_TRUE(a != NULL && a == b);
	be.ops->consume(&be);
	EXPECT_TRUE(be.ops->peek(&be) == NULL);		/* count reached */
	close_be();
}

/* Where frame f's L4 header ends, read from its own bytes (IPv4, UDP or TCP). */
static uint32_t
l4_end(const uint8_t *f)
{
	uint32_t l3 = f[12] == 0x81 && f[13] == 0x00 ? 18 : 14;
	uint32_t l4 = l3 + (f[l3] & 0xfu) * 4u;

	return l4 + (f[l3 + 9] == 6 ? (uint32_t)(f[l4 + 12] >> 4) * 4u : 8u);
}

/*
 * backend.h's hdr_key: frames of one key agree byte for byte up to their L4
 * header's end but for the L4 checksum and the TCP sequence number.
 */
static void
test_gen_header_key_promise_holds(void)
{
	static const char *const args[] = { "flows=5", "flows=3,tcp", "flows=4,srcip,size=200" };

	for (unsigned int a = 0; a < 3; a++) {
		bool tcp = a == 1;
		unsigned int n, pairs = 0;

		EXPECT_EQ(open_be(&hvsim_backend_gen, args[a]), 0);
		n = take(NB_SAVED);
		EXPECT_EQ(n, NB_SAVED);
		for (unsigned int i = 0; i < n; i++) {
			EXPECT_TRUE(saved_key[i] != 0);
			for (unsigned int j = 0; j < i; j++) {
				uint32_t end = l4_end(saved[i]), l4 = end - (tcp ? 20 : 8);
				uint8_t x[256], y[256];

				if (saved_key[i] != saved_key[j])
					continue;
				EXPECT_EQ(saved_len[i], saved_len[j]);
				memcpy(x, saved[i], end);
				memcpy(y, saved[j], end);
				memset(x + l4 + (tcp ? 16 : 6), 0, 2);	/* the checksum */
				memset(y + l4 + (tcp ? 16 : 6), 0, 2);
				if (tcp) {
					memset(x + l4 + 4, 0, 4);		/* the sequence number */
					memset(y + l4 + 4, 0, 4);
				}
				EXPECT_MEM_EQ(x, y, end);
				pairs++;
			}
		}
		EXPECT_TRUE(pairs > n);			/* keys do repeat */
		close_be();
	}
}

static void
test_gen_rate_limits_after_burst(void)
{
	unsigned int n;

	EXPECT_EQ(open_be(&hvsim_backend_gen, "rate=1000"), 0);
	n = take(NB_SAVED);
	EXPECT_TRUE(n >= 32 && n < 40);				/* burst of 32, 1 per ms */
	close_be();
}

static void
test_gen_bad_options_refused(void)
{
	EXPECT_EQ(open_be(&hvsim_backend_gen, "size=63"), -EINVAL);
	EXPECT_EQ(open_be(&hvsim_backend_gen, "size=9019"), -EINVAL);
	EXPECT_EQ(open_be(&hvsim_backend_gen, "flows=0"), -EINVAL);
	EXPECT_EQ(open_be(&hvsim_backend_gen, "vlan=4096"), -EINVAL);
	EXPECT_EQ(open_be(&hvsim_backend_gen, "bogus=1"), -EINVAL);
	EXPECT_EQ(open_be(&hvsim_backend_gen, "rate"), -EINVAL);
}

static void
test_sink_counts_ours_and_foreign(void)
{
	const unsigned int order[] = { 0, 2, 3 };
	uint8_t arp[60] = { [12] = 0x08, [13] = 0x06 };

	EXPECT_EQ(open_be(&hvsim_backend_gen, NULL), 0);
	EXPECT_EQ(take(4), 4);
	close_be();
	EXPECT_EQ(open_be(&hvsim_backend_sink, NULL), 0);
	EXPECT_TRUE(be.ops->peek(&be) == NULL);
	give_back(order, 3);
	be.ops->transmit(&be, arp, sizeof(arp));
	saved[1][14 + 20 + 8] = 'X';				/* no magic: foreign */
	be.ops->transmit(&be, saved[1], saved_len[1]);		/* its UDP checksum is off */
	EXPECT_EQ(strcmp(report_of(), "sink: frames 5, ours 3 (lost 1, reordered 0, corrupt 0), "
			 "foreign 2 (bad checksum 1)\n"), 0);
	close_be();
	EXPECT_EQ(open_be(&hvsim_backend_sink, "x"), -EINVAL);
}

int
main(void)
{
	RUN_TEST(test_gen_back_in_order_all_counted);
	RUN_TEST(test_gen_gap_counts_lost);
	RUN_TEST(test_gen_swap_counts_reordered_not_lost);
	RUN_TEST(test_gen_duplicate_counted_once);
	RUN_TEST(test_gen_flows_have_own_sequences);
	RUN_TEST(test_gen_corrupt_and_foreign_counted);
	RUN_TEST(test_gen_badcsum_frames_marked_and_accepted_back);
	RUN_TEST(test_gen_counts_frames_back_untagged);
	RUN_TEST(test_gen_peek_is_stable_until_consume);
	RUN_TEST(test_gen_header_key_promise_holds);
	RUN_TEST(test_gen_rate_limits_after_burst);
	RUN_TEST(test_gen_bad_options_refused);
	RUN_TEST(test_sink_counts_ours_and_foreign);
	TEST_EXIT();
}
