/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The `pair:N` backend: two NICs wired to each other. What this NIC's guest
 * transmits waits in the peer's ring until the peer's guest receives it, and
 * the other way round (`--nic pair:1 --nic pair:0`). Each NIC owns the
 * preallocated ring of frame copies its guest receives from; a full ring
 * drops the new frame (counted pair_full on the sender). N is a NIC index
 * (NICs count from 0 in device order) and the peer must name this NIC back.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hvsim.h"
#include "backend.h"

#define PAIR_NB_FRAMES	4096u		/* a power of two */

struct pair_slot {
	uint32_t len;
	uint8_t data[HVSIM_FRAME_MAX_BYTES];
};

struct pair {
	unsigned int peer_index;
	struct hvsim_device *peer_dev;	/* its backend_state is looked up per frame */
	struct pair_slot *slot;		/* frames the peer sent, for our guest */
	uint32_t head, tail;		/* free-running; head == tail: empty */
	struct hvsim_frame next;	/* what peek hands out */
	uint64_t full_drops;		/* our guest's frames the peer had no room for */
	uint64_t too_long_drops;
	uint64_t peer_gone_drops;	/* peer not open (start-up, shut-down) */
};

/* "N" of "pair:N": 0 and the index, or -EINVAL. */
static int
pair_parse_index(const char *args, unsigned int *idx)
{
	unsigned long v;
	char *end;

	if (args == NULL || args[0] < '0' || args[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(args, &end, 10);
	if (errno != 0 || *end != '\0' || v >= HVSIM_MAX_DEVICES)
		return -EINVAL;
	*idx = (unsigned int)v;
	return 0;
}

/* The device that is NIC number nic_index (NICs counted in device order), or NULL. */
static struct hvsim_device *
pair_find_nic(struct hvsim *sim, unsigned int nic_index)
{
	unsigned int n = 0;

	for (unsigned int d = 0; d < sim->nb_devices && d < HVSIM_MAX_DEVICES; d++) {
		if (sim->dev[d].kind != HVSIM_DEV_NIC)
			continue;
		if (n++ == nic_index)
			return &sim->dev[d];
	}
	return NULL;
}

/* The peer's --nic word must be "pair:<our index>". */
static bool
pair_points_back(const struct hvsim_device *peer, unsigned int our_index)
{
	unsigned int back;

	return strncmp(peer->backend, "pair:", 5) == 0 &&
	       pair_parse_index(peer->backend + 5, &back) == 0 && back == our_index;
}

static int
pair_open(struct hvsim_backend *be, const char *args)
{
	struct hvsim_device *peer;
	struct pair *pr;
	unsigned int idx;

	if (pair_parse_index(args, &idx) != 0) {
		fprintf(stderr, "hvsim: nic%u: pair needs a NIC index: pair:N (got '%s')\n",
			be->nic_index, args != NULL ? args : "");
		return -EINVAL;
	}
	if (idx == be->nic_index) {
		fprintf(stderr, "hvsim: nic%u: pair:%u is the NIC itself; use loop\n",
			be->nic_index, idx);
		return -EINVAL;
	}
	peer = be->sim != NULL ? pair_find_nic(be->sim, idx) : NULL;
	if (peer == NULL) {
		fprintf(stderr, "hvsim: nic%u: pair:%u: there is no NIC %u\n", be->nic_index,
			idx, idx);
		return -EINVAL;
	}
	if (!pair_points_back(peer, be->nic_index)) {
		fprintf(stderr, "hvsim: nic%u: pair:%u: NIC %u must be --nic pair:%u (is '%s')\n",
			be->nic_index, idx, idx, be->nic_index, peer->backend);
		return -EINVAL;
	}
	pr = calloc(1, sizeof(*pr));
	if (pr == NULL)
		return -ENOMEM;
	pr->slot = malloc(PAIR_NB_FRAMES * sizeof(*pr->slot));
	if (pr->slot == NULL) {
		free(pr);
		return -ENOMEM;
	}
	pr->peer_index = idx;
	pr->peer_dev = peer;
	be->priv = pr;
	return 0;
}

/* Our guest's frame into the peer's ring. */
static void
pair_transmit(struct hvsim_backend *be, const uint8_t *frame, uint32_t len)
{
	struct pair *pr = be->priv;
	struct hvsim_backend *pb = pr->peer_dev->backend_state;
	struct pair *peer;
	struct pair_slot *s;

	if (pb == NULL || pb->ops != &hvsim_backend_pair || pb->priv == NULL) {
		pr->peer_gone_drops++;
		return;
	}
	if (len > HVSIM_FRAME_MAX_BYTES) {
		pr->too_long_drops++;
		return;
	}
	peer = pb->priv;
	if (peer->tail - peer->head == PAIR_NB_FRAMES) {
		pr->full_drops++;
		return;
	}
	s = &peer->slot[peer->tail % PAIR_NB_FRAMES];
	memcpy(s->data, frame, len);
	s->len = len;
	peer->tail++;
}

static const struct hvsim_frame *
pair_peek(struct hvsim_backend *be)
{
	struct pair *pr = be->priv;
	const struct pair_slot *s;

	if (pr->head == pr->tail)
		return NULL;
	s = &pr->slot[pr->head % PAIR_NB_FRAMES];
	pr->next = (struct hvsim_frame){ .data = s->data, .len = s->len,
					 .csum = HVSIM_CSUM_UNKNOWN };
	return &pr->next;
}

static void
pair_consume(struct hvsim_backend *be)
{
	struct pair *pr = be->priv;

	if (pr->head != pr->tail)
		pr->head++;
}

static void
pair_report(struct hvsim_backend *be, FILE *out)
{
	const struct pair *pr = be->priv;

	fprintf(out, "hvsim: nic%u pair: to nic%u, pair_full %llu, too_long %llu, "
		"peer_gone %llu, still queued %u\n", be->nic_index, pr->peer_index,
		(unsigned long long)pr->full_drops, (unsigned long long)pr->too_long_drops,
		(unsigned long long)pr->peer_gone_drops, pr->tail - pr->head);
}

static void
pair_close(struct hvsim_backend *be)
{
	struct pair *pr = be->priv;

	if (pr != NULL)
		free(pr->slot);
	free(pr);
	be->priv = NULL;
}

const struct hvsim_backend_ops hvsim_backend_pair = {
	.name = "pair",
	.open = pair_open,
	.transmit = pair_transmit,
	.peek = pair_peek,
	.consume = pair_consume,
	.report = pair_report,
	.close = pair_close,
};
