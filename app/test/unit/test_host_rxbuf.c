/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests of hvsim's receive-buffer slots (host_rxbuf.c): slots handed out in
 * order, a message over several slots, a transfer's runs given back by one
 * completion, and where messages go after a lap: back to slot 0 once the
 * messages since the last time there have written 4 MiB and slot 0 is free.
 * The slots expected are worked out here from those rules.
 */
#include <stdlib.h>

#include "test_harness.h"
#include "host.h"

#define SLOT	1728u
#define NB	4096u
#define LAP	(4u << 20)

static struct host_rxbuf rb;
static uint8_t *buf;

static void
setup(void)
{
	buf = calloc(NB, SLOT);
	EXPECT_TRUE(buf != NULL);
	EXPECT_EQ(host_rxbuf_connect(&rb, buf, (uint64_t)NB * SLOT, SLOT, 0xcafe), 0);
	EXPECT_EQ(rb.nb_slots, NB);
}

static void
teardown(void)
{
	host_rxbuf_disconnect(&rb);
	free(buf);
}

/* A message of bytes, its own transfer; its first slot. */
static uint32_t
take(uint32_t bytes)
{
	uint32_t first = UINT32_MAX;

	EXPECT_EQ(host_rxbuf_alloc(&rb, bytes, &first), 0);
	return first;
}

/* Two-line messages never fill a lap: the whole buffer, then slot 0 again. */
static void
test_small_messages_go_round_the_whole_buffer(void)
{
	setup();
	for (uint32_t i = 0; i < NB; i++) {
		EXPECT_EQ(take(126), i);
		EXPECT_TRUE(host_rxbuf_release(&rb, i));
	}
	EXPECT_EQ(take(126), 0);
	teardown();
}

static void
test_large_messages_come_back_to_slot_0_after_a_lap(void)
{
	uint32_t per_lap = (LAP + 1599) / 1600;	/* messages until 4 MiB are written */

	setup();
	for (uint32_t lap = 0; lap < 2; lap++) {
		for (uint32_t i = 0; i < per_lap; i++) {
			EXPECT_EQ(take(1600), i);
			EXPECT_TRUE(host_rxbuf_release(&rb, i));
		}
	}
	EXPECT_EQ(take(1600), 0);
	EXPECT_EQ(rb.nb_busy, 1);
	teardown();
}

/* The guest still holds slot 0: on in order until it gives it back. */
static void
test_a_busy_slot_0_defers_the_lap(void)
{
	uint32_t per_lap = (LAP + 1599) / 1600;

	setup();
	EXPECT_EQ(take(1600), 0);			/* kept */
	for (uint32_t i = 1; i < per_lap + 2; i++) {
		EXPECT_EQ(take(1600), i);
		EXPECT_TRUE(host_rxbuf_release(&rb, i));
	}
	EXPECT_TRUE(host_rxbuf_release(&rb, 0));
	EXPECT_EQ(take(1600), per_lap + 2);		/* the cursor was already there */
	EXPECT_EQ(take(1600), 0);
	teardown();
}

static void
test_a_message_over_several_slots_and_a_linked_transfer(void)
{
	setup();
	EXPECT_EQ(take(2 * SLOT + 1), 0);		/* three slots */
	EXPECT_EQ(rb.nb_busy, 3);
	EXPECT_EQ(take(126), 3);
	host_rxbuf_link(&rb, 0, 3);			/* one transfer: 0 then 3 */
	EXPECT_FALSE(host_rxbuf_release(&rb, 1));	/* inside a run */
	EXPECT_FALSE(host_rxbuf_release(&rb, 3));	/* not the transfer's first */
	EXPECT_FALSE(host_rxbuf_release(&rb, NB));	/* past the buffer */
	EXPECT_TRUE(host_rxbuf_release(&rb, 0));
	EXPECT_EQ(rb.nb_busy, 0);
	EXPECT_FALSE(host_rxbuf_release(&rb, 0));	/* already given back */
	teardown();
}

int
main(void)
{
	RUN_TEST(test_small_messages_go_round_the_whole_buffer);
	RUN_TEST(test_large_messages_come_back_to_slot_0_after_a_lap);
	RUN_TEST(test_a_busy_slot_0_defers_the_lap);
	RUN_TEST(test_a_message_over_several_slots_and_a_linked_transfer);
	TEST_EXIT();
}
