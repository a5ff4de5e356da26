/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests of the pair backend (backends/pair.c) through backend.c, as hvsim
 * opens it: frames cross both ways in order, a full ring drops and counts,
 * and a peer that does not exist or does not point back is refused at open.
 */
#include <errno.h>

#include "test_harness.h"
#include "hvsim.h"
#include "backend.h"

static struct hvsim sim;		/* large: static */
static char report[512];
static FILE *devnull;			/* reports of backends closed between cases */

/* Devices in order; kinds: 'n' NIC with backend spec[i], 'e' echo device. */
static int
setup(const char *kinds, const char *const *spec)
{
	hvsim_backends_close(&sim, devnull);
	memset(&sim, 0, sizeof(sim));
	for (unsigned int i = 0; kinds[i] != '\0'; i++) {
		struct hvsim_device *dev = &sim.dev[sim.nb_devices++];

		dev->kind = kinds[i] == 'n' ? HVSIM_DEV_NIC : HVSIM_DEV_ECHO;
		if (kinds[i] == 'n')
			snprintf(dev->backend, sizeof(dev->backend), "%s", spec[i]);
	}
	return hvsim_backends_open(&sim);
}

static const char *
report_of(struct hvsim_backend *be)
{
	FILE *out = fmemopen(report, sizeof(report), "w");

	report[0] = '\0';
	if (out != NULL) {
		hvsim_backend_report(be, out);
		fclose(out);
	}
	return report;
}

static void
test_frames_cross_both_ways_in_order(void)
{
	const char *const spec[] = { "pair:1", "pair:0" };
	struct hvsim_backend *a, *b;
	const struct hvsim_frame *f;
	uint8_t buf[100];

	EXPECT_EQ(setup("nn", spec), 0);
	a = sim.dev[0].backend_state;
	b = sim.dev[1].backend_state;
	if (a == NULL || b == NULL)
		return;
	for (uint8_t i = 0; i < 10; i++) {
		memset(buf, i, sizeof(buf));
		hvsim_backend_transmit(a, buf, 60u + i);
	}
	memset(buf, 0xee, sizeof(buf));
	hvsim_backend_transmit(b, buf, 99);
	EXPECT_TRUE(hvsim_backend_peek(a) != NULL);		/* b's frame */
	if ((f = hvsim_backend_peek(a)) != NULL) {
		EXPECT_EQ(f->len, 99);
		EXPECT_EQ(f->data[98], 0xee);
	}
	hvsim_backend_consume(a);
	EXPECT_TRUE(hvsim_backend_peek(a) == NULL);		/* nothing of a's own */
	for (uint8_t i = 0; i < 10; i++) {
		f = hvsim_backend_peek(b);
		EXPECT_TRUE(f != NULL);
		if (f == NULL)
			break;
		EXPECT_EQ(f->len, 60u + i);
		EXPECT_EQ(f->data[0], i);
		EXPECT_EQ(f->data[f->len - 1], i);
		hvsim_backend_consume(b);
	}
	EXPECT_TRUE(hvsim_backend_peek(b) == NULL);
	EXPECT_EQ(a->tx_frames, 10);
	EXPECT_EQ(b->rx_frames, 10);
	EXPECT_EQ(b->tx_frames, 1);
	EXPECT_EQ(a->rx_frames, 1);
	EXPECT_TRUE(strstr(report_of(a), "nic0 pair: to nic1, pair_full 0") != NULL);
}

static void
test_full_ring_drops_and_counts(void)
{
	const char *const spec[] = { "pair:1", "pair:0" };
	struct hvsim_backend *a, *b;
	uint8_t buf[64] = { 0 };
	unsigned int got = 0;

	EXPECT_EQ(setup("nn", spec), 0);
	a = sim.dev[0].backend_state;
	b = sim.dev[1].backend_state;
	if (a == NULL || b == NULL)
		return;
	for (unsigned int i = 0; i < 5000; i++)
		hvsim_backend_transmit(a, buf, sizeof(buf));
	while (hvsim_backend_peek(b) != NULL) {
		hvsim_backend_consume(b);
		got++;
	}
	EXPECT_EQ(got, 4096);
	EXPECT_TRUE(strstr(report_of(a), "pair_full 904,") != NULL);
	EXPECT_TRUE(strstr(report_of(b), "still queued 0") != NULL);
}

/* NIC indexes count NICs only: the echo device in between is skipped. */
static void
test_nic_index_skips_other_devices(void)
{
	const char *const spec[] = { "pair:1", NULL, "pair:0" };
	struct hvsim_backend *a, *b;
	uint8_t buf[64] = { 7 };

	EXPECT_EQ(setup("nen", spec), 0);
	a = sim.dev[0].backend_state;
	b = sim.dev[2].backend_state;
	if (a == NULL || b == NULL)
		return;
	hvsim_backend_transmit(a, buf, sizeof(buf));
	EXPECT_TRUE(hvsim_backend_peek(b) != NULL);
}

static void
test_bad_peers_refused(void)
{
	const char *const self[] = { "pair:0", "pair:0" };
	const char *const missing[] = { "pair:2", "pair:0" };
	const char *const not_back[] = { "pair:1", "loop" };
	const char *const wrong_back[] = { "pair:1", "pair:2", "pair:1" };
	const char *const no_index[] = { "pair", "pair:0" };
	const char *const junk[] = { "pair:1x", "pair:0" };
	const char *const after_echo[] = { NULL, "pair:0" };

	EXPECT_EQ(setup("nn", self), -EINVAL);
	EXPECT_EQ(setup("nn", missing), -EINVAL);
	EXPECT_EQ(setup("nn", not_back), -EINVAL);
	EXPECT_EQ(setup("nnn", wrong_back), -EINVAL);
	EXPECT_EQ(setup("nn", no_index), -EINVAL);
	EXPECT_EQ(setup("nn", junk), -EINVAL);
	EXPECT_EQ(setup("en", after_echo), -EINVAL);	/* NIC 0 itself */
}

int
main(void)
{
	devnull = fopen("/dev/null", "w");
	if (devnull == NULL)
		return 1;
	RUN_TEST(test_frames_cross_both_ways_in_order);
	RUN_TEST(test_full_ring_drops_and_counts);
	RUN_TEST(test_nic_index_skips_other_devices);
	RUN_TEST(test_bad_peers_refused);
	hvsim_backends_close(&sim, devnull);
	fclose(devnull);
	TEST_EXIT();
}
