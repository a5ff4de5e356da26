/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The host end of one channel's ring pair, from spec/vmbus-ring.md: read guest
 * tx (first half), write guest rx (second half), in batches per pass. Plain
 * memory only; host_channel.c decides what to do with packets and signals.
 */
#ifndef HOST_RING_H
#define HOST_RING_H

#include <stdbool.h>
#include <stdint.h>

#include "vmbus_wire.h"
#include "host_counters.h"

/* Largest packet a descriptor can describe: total_len8 is a u16 (spec 2.1). */
#define HOST_RING_MAX_PKT_BYTES	(UINT16_MAX * 8u)

struct host_ring {
	struct vmbus_ring_hdr *tx_hdr;	/* guest tx: guest writes, host reads */
	struct vmbus_ring_hdr *rx_hdr;	/* guest rx: host writes, guest reads */
	uint32_t data_bytes;		/* data area of each half, multiple of 8 */
	uint32_t tx_read_idx;		/* ours, private; published once per pass */
	uint32_t rx_write_idx;		/* ours, private; published once per pass */
	struct host_counters *cnt;
};

/* One pass over guest tx: the guest's write index is loaded once, at begin. */
struct host_ring_reader {
	struct host_ring *ring;
	uint8_t *scratch;		/* HOST_RING_MAX_PKT_BYTES: packets are copied out */
	uint32_t pos;			/* next unread byte */
	uint32_t avail;			/* published bytes not yet consumed */
	uint32_t consumed;		/* bytes consumed this pass, trailers included */
};

/* One batch of writes to guest rx, published at end. */
struct host_ring_writer {
	struct host_ring *ring;
	uint32_t start;			/* our write index when the batch began */
	uint32_t pos;
	uint32_t room;			/* bytes writable before the batch's packets */
	unsigned int nb_pkts;
};

/* A guest packet copied out of the ring; the ring is not looked at again. */
struct host_ring_pkt {
	struct vmbus_chanpkt_hdr hdr;	/* validated copy; bytes[0..15] hold the same */
	const uint8_t *bytes;		/* descriptor, extension, payload: total_len8 * 8 */
	uint32_t len;			/* total_len8 * 8 */
	uint32_t ring_bytes;		/* len + trailer: what consuming it frees */
};

/*
 * Attach to a mapped ring pair of ring_bytes (both halves). Takes our two
 * indexes from the shared headers (the kernel layer resets them at open);
 * an invalid one is reset to 0. -EINVAL if the halves cannot hold a header
 * page and a non-empty data area that is a multiple of 8 and below 2 GiB.
 */
int host_ring_init(struct host_ring *ring, void *base, uint64_t ring_bytes,
		   struct host_counters *cnt);

/* Bytes readable / writable for write index w and read index r (spec 3). */
static inline uint32_t
host_ring_readable(uint32_t w, uint32_t r, uint32_t data_bytes)
{
	return w >= r ? w - r : data_bytes - (r - w);
}

static inline uint32_t
host_ring_writable(uint32_t w, uint32_t r, uint32_t data_bytes)
{
	return data_bytes - host_ring_readable(w, r, data_bytes);
}

/* Ring bytes a packet takes: descriptor + ext + payload padded to 8 + trailer. */
static inline uint64_t
host_ring_pkt_bytes(uint32_t ext_len, uint32_t payload_len)
{
	return sizeof(struct vmbus_chanpkt_hdr) + (uint64_t)ext_len +
	       (((uint64_t)payload_len + 7) & ~(uint64_t)7) + VMBUS_CHANPKT_TRAILER_BYTES;
}

/* Start a pass: -EIO (counted) if the guest's write index is invalid. */
int host_ring_read_begin(struct host_ring *ring, struct host_ring_reader *rd,
			 uint8_t *scratch);
/*
 * Copy the next packet out into the scratch buffer. 0: pkt is valid until
 * the next call. -ENOENT: nothing left. -EBADMSG: a bad descriptor (counted);
 * everything the guest published is dropped, since framing is lost.
 */
int host_ring_read_peek(struct host_ring_reader *rd, struct host_ring_pkt *pkt);
/* The peeked packet is done with: its bytes may be reused by the guest. */
void host_ring_read_consume(struct host_ring_reader *rd, const struct host_ring_pkt *pkt);
/* Publish our read index; true if the guest's pending_send_sz asks a signal (spec 4.2). */
bool host_ring_read_end(struct host_ring_reader *rd);

/* Start a batch: -EIO (counted) if the guest's read index is invalid. */
int host_ring_write_begin(struct host_ring *ring, struct host_ring_writer *wr);
/*
 * Can packets totalling bytes (host_ring_pkt_bytes) still be written? 0: yes.
 * -EAGAIN: not now (the free space must stay > 0, spec 3). -EMSGSIZE: never,
 * they exceed the data area.
 */
int host_ring_write_room(const struct host_ring_writer *wr, uint64_t bytes);
/*
 * Write one packet: descriptor (data_offset8 from ext_len, a multiple of 8),
 * ext, payload, zero pad, trailer = start index << 32 (spec 2.6). -EAGAIN if
 * it does not fit; nothing is written then.
 */
int host_ring_write_pkt(struct host_ring_writer *wr, uint16_t type, uint16_t flags,
			uint64_t xact_id, const void *ext, uint32_t ext_len,
			const void *payload, uint32_t payload_len);
/* Publish the batch; true if the guest asked to be signalled (spec 4.1). */
bool host_ring_write_end(struct host_ring_writer *wr);

#endif /* HOST_RING_H */
