/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Receive-buffer slots (spec/rndis.md 9): which slots the guest owns, handed
 * out as runs of consecutive slots (one per RNDIS message), chained into
 * transfers, and freed a transfer at a time by the guest's completion.
 * What goes in a slot and the packets that name it are host_nvsp.c's.
 */
#include <stdlib.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include "host.h"

/* Bounds the tracking array; a 31 MiB buffer of 1728-byte slots has 18811. */
#define HOST_RXBUF_MAX_SLOTS	(1u << 20)

/*
 * Slots are handed out in order, so the next few are known: ask for their
 * first lines for writing now. The guest read them last, from its own core;
 * asked for early, those transfers overlap instead of stalling each frame's
 * stores. Only a hint: the slot may still be busy, nothing is written.
 */
#define HOST_RXBUF_PREFETCH_AHEAD	4u
#define HOST_RXBUF_PREFETCH_LINES	3u	/* header, PPIs and a small frame */

static bool rxbuf_has_prefetchw;

static void
rxbuf_cpu_check(void)
{
#if defined(__x86_64__)
	unsigned int a, b, c, d;

	/* CPUID 0x80000001: ECX bit 8 is PRFCHW (PREFETCHW). */
	rxbuf_has_prefetchw = __get_cpuid(0x80000001u, &a, &b, &c, &d) != 0 && (c & (1u << 8));
#endif
}

static inline void
rxbuf_prefetch_write(const void *p)
{
#if defined(__x86_64__)
	/* Without PRFCHW in the build, GCC makes a write prefetch a read one. */
	if (rxbuf_has_prefetchw)
		__asm__ volatile("prefetchw %0" : : "m"(*(const char *)p));
#else
	__builtin_prefetch(p, 1, 3);
#endif
}

/* The next message is likely this one's size (bytes): no line it would not write is asked for. */
static inline void
rxbuf_prefetch_ahead(const struct host_rxbuf *rb, uint32_t bytes)
{
	uint32_t s = rb->cursor + HOST_RXBUF_PREFETCH_AHEAD;
	uint32_t lines = HOST_MIN_U32(rb->prefetch_max, (bytes + 63u) / 64u);
	const uint8_t *p;

	if (s >= rb->nb_slots)
		s -= rb->nb_slots;
	if (s >= rb->nb_slots || rb->span[s] != 0)
		return;		/* busy: the guest may be reading it now */
	p = rb->base + (size_t)s * rb->slot_bytes;
	for (uint32_t i = 0; i < lines; i++)
		rxbuf_prefetch_write(p + i * 64u);
}

int
host_rxbuf_connect(struct host_rxbuf *rb, uint8_t *base, uint64_t bytes, uint32_t slot_bytes,
		   uint16_t id)
{
	uint64_t nb = slot_bytes != 0 ? bytes / slot_bytes : 0;

	host_rxbuf_disconnect(rb);
	rxbuf_cpu_check();
	if (base == NULL || nb == 0)
		return -EINVAL;
	if (nb > HOST_RXBUF_MAX_SLOTS)
		nb = HOST_RXBUF_MAX_SLOTS;
	rb->span = calloc(nb, sizeof(*rb->span));
	rb->next = malloc(nb * sizeof(*rb->next));
	if (rb->span == NULL || rb->next == NULL) {
		host_rxbuf_disconnect(rb);
		return -ENOMEM;
	}
	rb->base = base;
	rb->slot_bytes = slot_bytes;
	rb->nb_slots = (uint32_t)nb;
	rb->id = id;
	rb->frame_reserve = 1 + HOST_MIN_U32(HOST_RXBUF_CONTROL_SLOTS, rb->nb_slots / 16);
	rb->prefetch_max = HOST_MIN_U32(HOST_RXBUF_PREFETCH_LINES, slot_bytes / 64u);
	return 0;
}

void
host_rxbuf_disconnect(struct host_rxbuf *rb)
{
	free(rb->span);
	free(rb->next);
	*rb = (struct host_rxbuf){ 0 };
}

/* Are the n slots from first all free? n >= 1, first + n <= nb_slots. */
static bool
rxbuf_run_free(const struct host_rxbuf *rb, uint32_t first, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (rb->span[first + i] != 0)
			return false;
	}
	return true;
}

/*
 * Where the next message goes: after this one, or back at slot 0 once the
 * messages since the last time there have written HOST_RXBUF_LAP_BYTES and
 * slot 0 is free. Large frames would otherwise cycle through the whole
 * buffer (31 MiB, about a whole L3) and every store would wait for memory;
 * small ones write two lines a slot, and keep the long lap: the lines they
 * come back to have left the guest's core, so taking them costs no snoop.
 */
#define HOST_RXBUF_LAP_BYTES	(4ull << 20)

static void
rxbuf_advance(struct host_rxbuf *rb, uint32_t next, uint32_t bytes)
{
	rb->lap_bytes += bytes;
	if (next >= rb->nb_slots || (rb->lap_bytes >= HOST_RXBUF_LAP_BYTES && rb->span[0] == 0)) {
		next = 0;
		rb->lap_bytes = 0;
	}
	rb->cursor = next;
}

/* The n slots from s become one busy run for a message of bytes, the start of its own transfer. */
static int
rxbuf_take(struct host_rxbuf *rb, uint32_t s, uint32_t n, uint32_t bytes, uint32_t *first)
{
	rb->span[s] = n;
	rb->next[s] = HOST_RXBUF_NO_NEXT;
	for (uint32_t i = 1; i < n; i++)
		rb->span[s + i] = HOST_RXBUF_TAIL;
	rb->nb_busy += n;
	rxbuf_advance(rb, s + n, bytes);
	*first = s;
	rxbuf_prefetch_ahead(rb, bytes);
	return 0;
}

/* The first run of n free slots from the cursor on (out of line: not the usual case). */
static __attribute__((noinline)) int
rxbuf_search(struct host_rxbuf *rb, uint32_t n, uint32_t bytes, uint32_t *first)
{
	for (uint32_t k = 0, s = rb->cursor; k < rb->nb_slots;
	     k++, s = s + 1 < rb->nb_slots ? s + 1 : 0) {
		if (s <= rb->nb_slots - n && rxbuf_run_free(rb, s, n))
			return rxbuf_take(rb, s, n, bytes, first);
	}
	return -ENOSPC;
}

int
host_rxbuf_alloc(struct host_rxbuf *rb, uint32_t bytes, uint32_t *first)
{
	uint32_t n;

	if (rb->base == NULL)
		return -ENOSPC;
	/* Usual: one slot, and the cursor's is free (the cursor is always a slot). */
	if (bytes <= rb->slot_bytes && rb->span[rb->cursor] == 0)
		return rxbuf_take(rb, rb->cursor, 1, bytes, first);
	n = bytes <= rb->slot_bytes ? 1 : (bytes - 1) / rb->slot_bytes + 1;
	if (n > rb->nb_slots)
		return -EMSGSIZE;
	if (rb->nb_slots - rb->nb_busy < n)
		return -ENOSPC;
	return rxbuf_search(rb, n, bytes, first);
}

void
host_rxbuf_link(struct host_rxbuf *rb, uint32_t prev, uint32_t first)
{
	rb->next[prev] = first;
	rb->span[first] |= HOST_RXBUF_LINKED;
}

/* Free the run at first (n slots); returns the next run of its transfer. */
static uint32_t
rxbuf_free_run(struct host_rxbuf *rb, uint32_t first)
{
	uint32_t n = rb->span[first] & ~HOST_RXBUF_LINKED;

	for (uint32_t i = 0; i < n; i++)
		rb->span[first + i] = 0;
	rb->nb_busy -= n;
	return rb->next[first];
}

bool
host_rxbuf_release(struct host_rxbuf *rb, uint64_t xact_id)
{
	uint32_t cur, n;

	if (rb->base == NULL || xact_id >= rb->nb_slots)
		return false;
	cur = (uint32_t)xact_id;
	n = rb->span[cur];
	/* Only a transfer's first run names it; later runs are LINKED. */
	if (n == 0 || n == HOST_RXBUF_TAIL || (n & HOST_RXBUF_LINKED) != 0)
		return false;
	/* The chain is ours (private memory); nb_slots bounds it anyway. */
	for (uint32_t k = 0; k < rb->nb_slots && cur != HOST_RXBUF_NO_NEXT; k++)
		cur = rxbuf_free_run(rb, cur);
	return true;
}
