/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The loop backend: every frame the guest transmits comes back on its receive
 * path, in order, from a preallocated ring of frame copies. A full ring drops
 * the new frame (counted loop_full); nothing is allocated per frame.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"

#define LOOP_NB_FRAMES	4096u		/* a power of two */

struct loop_slot {
	uint32_t len;
	uint8_t data[HVSIM_FRAME_MAX_BYTES];
};

struct loop {
	struct loop_slot *slot;
	uint32_t head, tail;		/* free-running; head == tail: empty */
	struct hvsim_frame next;	/* what peek hands out */
	uint64_t full_drops;
	uint64_t too_long_drops;
};

static int
loop_open(struct hvsim_backend *be, const char *args)
{
	struct loop *lp;

	if (args != NULL && args[0] != '\0') {
		fprintf(stderr, "hvsim: backend loop takes no arguments (got '%s')\n", args);
		return -EINVAL;
	}
	lp = calloc(1, sizeof(*lp));
	if (lp == NULL)
		return -ENOMEM;
	lp->slot = malloc(LOOP_NB_FRAMES * sizeof(*lp->slot));
	if (lp->slot == NULL) {
		free(lp);
		return -ENOMEM;
	}
	be->priv = lp;
	return 0;
}

static void
loop_transmit(struct hvsim_backend *be, const uint8_t *frame, uint32_t len)
{
	struct loop *lp = be->priv;
	struct loop_slot *s;

	if (len > HVSIM_FRAME_MAX_BYTES) {
		lp->too_long_drops++;
		return;
	}
	if (lp->tail - lp->head == LOOP_NB_FRAMES) {
		lp->full_drops++;
		return;
	}
	s = &lp->slot[lp->tail % LOOP_NB_FRAMES];
	memcpy(s->data, frame, len);
	s->len = len;
	lp->tail++;
}

static const struct hvsim_frame *
loop_peek(struct hvsim_backend *be)
{
	struct loop *lp = be->priv;
	const struct loop_slot *s;

	if (lp->head == lp->tail)
		return NULL;
	s = &lp->slot[lp->head % LOOP_NB_FRAMES];
	lp->next = (struct hvsim_frame){ .data = s->data, .len = s->len,
					 .csum = HVSIM_CSUM_UNKNOWN };
	return &lp->next;
}

static void
loop_consume(struct hvsim_backend *be)
{
	struct loop *lp = be->priv;

	if (lp->head != lp->tail)
		lp->head++;
}

static void
loop_report(struct hvsim_backend *be, FILE *out)
{
	struct loop *lp = be->priv;

	fprintf(out, "hvsim: nic%u loop: loop_full %llu, too_long %llu, still queued %u\n",
		be->nic_index, (unsigned long long)lp->full_drops,
		(unsigned long long)lp->too_long_drops, lp->tail - lp->head);
}

static void
loop_close(struct hvsim_backend *be)
{
	struct loop *lp = be->priv;

	if (lp != NULL)
		free(lp->slot);
	free(lp);
	be->priv = NULL;
}

const struct hvsim_backend_ops hvsim_backend_loop = {
	.name = "loop",
	.open = loop_open,
	.transmit = loop_transmit,
	.peek = loop_peek,
	.consume = loop_consume,
	.report = loop_report,
	.close = loop_close,
};
