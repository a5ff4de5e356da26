/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Guest end of one VMBus ring half on plain memory: space, wrap, copy and the
 * signalling rules of spec/vmbus-ring.md. Needs nothing from EAL, so unit tests
 * and fuzzers build it alone. Channels (vmbus_channel.c) pair two of these.
 */
#ifndef VMBUS_RING_H
#define VMBUS_RING_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vmbus_wire.h"

/* Why a ring operation refused host-written data; each has a counter. */
struct vmbus_ring_errors {
	uint64_t bad_host_index;	/* host index >= data size or not 8-aligned */
	uint64_t bad_descriptor;	/* data_offset8 < 2, > total_len8, or 0 length */
	uint64_t overrun;		/* packet longer than the bytes the host published */
};

struct vmbus_ring {
	struct vmbus_ring_hdr *hdr;	/* shared with the host */
	uint8_t *data;			/* hdr->data */
	uint32_t data_bytes;		/* multiple of 8 */
	uint32_t own_index;		/* our index, private: write (tx) or read (rx) */
	uint32_t unpublished;		/* rx: bytes read past the host's read index */
	uint32_t published;		/* tx: the write index the host was last shown */
	struct vmbus_ring_errors errors;
};

/*
 * Attach to the ring half at base, half_bytes long (header page + data).
 * Takes our own index from the shared header: only the caller knows which one
 * it is, so vmbus_ring_init attaches as producer (guest tx, write_index) and
 * vmbus_ring_init_rx as consumer (guest rx, read_index). -EINVAL if the size
 * cannot hold a header and a data area that is a multiple of 8 and below 2 GiB,
 * or if that index is not 8-aligned and below the data size.
 */
int vmbus_ring_init(struct vmbus_ring *ring, void *base, uint64_t half_bytes);
int vmbus_ring_init_rx(struct vmbus_ring *ring, void *base, uint64_t half_bytes);

/* Bytes readable and writable for indexes w and r on a data area of size d. */
static inline uint32_t
vmbus_ring_avail_read(uint32_t w, uint32_t r, uint32_t d)
{
	return w >= r ? w - r : d - (r - w);
}

static inline uint32_t
vmbus_ring_avail_write(uint32_t w, uint32_t r, uint32_t d)
{
	return d - vmbus_ring_avail_read(w, r, d);
}

/*
 * Producer (guest tx): write one channel packet made of the iov pieces (the
 * first piece starts with a struct vmbus_chanpkt_hdr whose lengths the caller
 * filled in), zero pad to 8 and the trailer, then publish the write index.
 * Returns 0, -EAGAIN when the ring has no room (free space must stay > 0),
 * -EINVAL for a length that is not what the descriptor says (the iov total
 * rounded up to 8 must be total_len8 * 8) or a packet that can never fit,
 * or -EIO when the host's read index is bad (counted). *need_signal is set
 * (never cleared) when the host must be signalled: interrupt_mask is 0 and
 * the ring went from empty to non-empty.
 */
int vmbus_ring_write(struct vmbus_ring *ring, const struct iovec *iov,
		     unsigned int iov_cnt, bool *need_signal);
/*
 * The same, without publishing: packets written so wait (in order) for
 * vmbus_ring_write_publish, which shows them all to the host at once (one
 * index store, one barrier); it returns true when the host must be
 * signalled (the host had read everything shown before).
 */
int vmbus_ring_write_deferred(struct vmbus_ring *ring, const struct iovec *iov,
			      unsigned int iov_cnt);
bool vmbus_ring_write_publish(struct vmbus_ring *ring);

/*
 * Consumer (guest rx), batched: begin snapshots and checks the host's write
 * index once; next copies packets out; end publishes our read index once.
 */
struct vmbus_ring_batch {
	struct vmbus_ring *ring;
	uint32_t host_write_index;	/* snapshot, checked */
	uint32_t read_index;		/* private, advanced by next */
	uint32_t bytes_read;		/* consumed in this batch, trailers included */
	bool host_index_ok;		/* false: host data refused, the batch stops */
};

/* Returns the readable bytes, or -EIO (counted) if the host's index is bad. */
int vmbus_ring_read_begin(struct vmbus_ring *ring, struct vmbus_ring_batch *batch);

/*
 * Copy the next packet's descriptor into *hdr without consuming it.
 * Returns the packet's length in bytes (total_len8 * 8: descriptor, extension,
 * payload and padding, no trailer), -EAGAIN when the batch is empty, or -EIO
 * when the descriptor is bad or the packet runs past the host's published bytes
 * (counted; the ring is left as it was). Stop the batch on -EIO and call
 * read_end; once read_begin, read_next or skip_next has returned -EIO, later
 * calls in that batch return -EIO without counting again.
 */
int vmbus_ring_peek(const struct vmbus_ring_batch *batch, struct vmbus_chanpkt_hdr *hdr);

/*
 * Copy the next packet (descriptor first, no trailer) into buf and consume it.
 * Returns its length, -EAGAIN (nothing), -EIO (bad descriptor, counted), or
 * -ENOBUFS when buf_bytes is too small (nothing consumed; peek gives the size).
 * The descriptor in buf is the copy that was checked, whatever the host wrote
 * to the ring meanwhile.
 */
int vmbus_ring_read_next(struct vmbus_ring_batch *batch, void *buf, uint32_t buf_bytes);

/*
 * Consume the next packet (one too large for read_next's buffer) without
 * copying it, but for its first *head_bytes (>= 16, or head NULL) into head:
 * enough to answer it; *head_bytes out: the bytes copied (0: none). Same
 * returns as read_next, never -ENOBUFS; the descriptor in head is the
 * checked copy.
 */
int vmbus_ring_skip_next(struct vmbus_ring_batch *batch, void *head, uint32_t *head_bytes);

/*
 * Publish the batch's read index (once). Returns true when the producer asked
 * to be woken (pending_send_bytes) and this batch freed the room it waits for.
 */
bool vmbus_ring_read_end(struct vmbus_ring_batch *batch);

/*
 * End the batch without publishing: the host still sees the bytes as unread
 * until vmbus_ring_publish (or a later read_end) publishes them with any others
 * deferred before. A consumer reading many packets in one poll publishes once.
 */
void vmbus_ring_read_end_deferred(struct vmbus_ring_batch *batch);
/* Publish what deferred batches read; returns as read_end does. */
bool vmbus_ring_publish(struct vmbus_ring *ring);

/*
 * Consumer's interrupt mask. Unmask returns true when data is already waiting
 * (checked after the mask store), so the caller polls instead of sleeping.
 */
void vmbus_ring_mask_host_signals(struct vmbus_ring *ring);
bool vmbus_ring_unmask_host_signals(struct vmbus_ring *ring);

/* True when no packet is waiting (host index read once). */
bool vmbus_ring_empty(const struct vmbus_ring *ring);

#endif /* VMBUS_RING_H */
