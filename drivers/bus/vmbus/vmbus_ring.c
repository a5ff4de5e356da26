/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Guest end of one VMBus ring half on plain memory: free space, wrap-around
 * copies, packet framing, and the signal decisions of spec/vmbus-ring.md.
 * Doorbells and the pairing of two halves into a channel are vmbus_channel.c's.
 */

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "vmbus_ring.h"

#define RING_DESC_BYTES		((uint32_t)sizeof(struct vmbus_chanpkt_hdr))
#define RING_MIN_DATA_OFFSET8	(RING_DESC_BYTES >> VMBUS_CHANPKT_SIZE_SHIFT)

/* Spec §3: every index is a multiple of 8 and below the data size. */
static inline bool
ring_index_ok(uint32_t idx, uint32_t d)
{
	return idx < d && (idx & (VMBUS_CHANPKT_ALIGN - 1)) == 0;
}

/* (idx + n) mod d for idx < d and n <= d, without a 32-bit sum that could wrap. */
static inline uint32_t
ring_advance(uint32_t idx, uint32_t n, uint32_t d)
{
	return n >= d - idx ? n - (d - idx) : idx + n;
}

/*
 * Most pieces are small (a descriptor, an NVSP message: 16 bytes; a
 * completion: 40): those as two fixed-size moves that may overlap, not a
 * call into the C library.
 */
static inline void
ring_memcpy(void *dst, const void *src, uint32_t len)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if (len > 32 && len <= 64) {
		memcpy(d, s, 32);
		memcpy(d + len - 32, s + len - 32, 32);
	} else if (len >= 16 && len <= 32) {
		memcpy(d, s, 16);
		memcpy(d + len - 16, s + len - 16, 16);
	} else if (len >= 8 && len < 16) {
		memcpy(d, s, 8);
		memcpy(d + len - 8, s + len - 8, 8);
	} else if (len != 0) {		/* an empty piece may have no buffer */
		memcpy(d, s, len);
	}
}

/* Spec §3: a packet may wrap anywhere, so every copy is done in up to two pieces. */
static uint32_t
ring_copy_in(struct vmbus_ring *ring, uint32_t idx, const void *src, uint32_t len)
{
	uint32_t tail = ring->data_bytes - idx;

	if (len == 0)
		return idx;
	if (len < tail) {
		memcpy(ring->data + idx, src, len);
		return idx + len;
	}
	memcpy(ring->data + idx, src, tail);
	memcpy(ring->data, (const uint8_t *)src + tail, len - tail);
	return len - tail;
}

static void
ring_copy_out(const struct vmbus_ring *ring, uint32_t idx, void *dst, uint32_t len)
{
	uint32_t tail = ring->data_bytes - idx;

	if (len <= tail) {
		ring_memcpy(dst, ring->data + idx, len);
		return;
	}
	memcpy(dst, ring->data + idx, tail);
	memcpy((uint8_t *)dst + tail, ring->data, len - tail);
}

static int
ring_attach(struct vmbus_ring *ring, void *base, uint64_t half_bytes, bool producer)
{
	struct vmbus_ring_hdr *hdr = base;
	uint64_t data_bytes;
	uint32_t own;

	if (ring == NULL || base == NULL || half_bytes <= VMBUS_RING_HDR_BYTES)
		return -EINVAL;
	data_bytes = half_bytes - VMBUS_RING_HDR_BYTES;
	/* Readable byte counts are returned as int. */
	if (data_bytes % VMBUS_CHANPKT_ALIGN != 0 || data_bytes > INT32_MAX)
		return -EINVAL;
	own = __atomic_load_n(producer ? &hdr->write_index : &hdr->read_index,
			      __ATOMIC_ACQUIRE);
	if (!ring_index_ok(own, (uint32_t)data_bytes))
		return -EINVAL;

	memset(ring, 0, sizeof(*ring));
	ring->hdr = hdr;
	ring->data = hdr->data;
	ring->data_bytes = (uint32_t)data_bytes;
	ring->own_index = own;
	ring->published = own;
	return 0;
}

int
vmbus_ring_init(struct vmbus_ring *ring, void *base, uint64_t half_bytes)
{
	return ring_attach(ring, base, half_bytes, true);
}

int
vmbus_ring_init_rx(struct vmbus_ring *ring, void *base, uint64_t half_bytes)
{
	return ring_attach(ring, base, half_bytes, false);
}

/*
 * Our own packets are checked too: the host treats a bad descriptor as a
 * corrupt ring (spec §2.1, §3). Gives the byte count the pieces hold.
 */
static int
ring_write_check(const struct vmbus_ring *ring, const struct iovec *iov,
		 unsigned int iov_cnt, uint32_t *body_bytes)
{
	struct vmbus_chanpkt_hdr desc;
	uint32_t pkt_bytes, total = 0;

	if (iov_cnt == 0 || iov[0].iov_len < RING_DESC_BYTES)
		return -EINVAL;
	memcpy(&desc, iov[0].iov_base, sizeof(desc));
	if (desc.data_offset8 < RING_MIN_DATA_OFFSET8 || desc.data_offset8 > desc.total_len8)
		return -EINVAL;
	pkt_bytes = (uint32_t)desc.total_len8 << VMBUS_CHANPKT_SIZE_SHIFT;
	/* Packet and trailer must leave a free byte even in an empty ring (spec §3). */
	if (pkt_bytes + VMBUS_CHANPKT_TRAILER_BYTES >= ring->data_bytes)
		return -EINVAL;
	for (unsigned int i = 0; i < iov_cnt; i++) {
		if (iov[i].iov_len > pkt_bytes - total)
			return -EINVAL;
		total += (uint32_t)iov[i].iov_len;
	}
	/* Spec §2: total_len8 covers the bytes given plus under 8 of zero padding. */
	if (pkt_bytes - total >= VMBUS_CHANPKT_ALIGN)
		return -EINVAL;
	*body_bytes = total;
	return 0;
}

/* Spec §4.1: signal only if the host is not masked and the ring was empty. */
static bool
ring_write_needs_signal(const struct vmbus_ring *ring, uint32_t start)
{
	/* Spec §3.1 step 4: our index store must be visible before we sample the host's. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&ring->hdr->interrupt_mask, __ATOMIC_RELAXED) != 0)
		return false;
	return __atomic_load_n(&ring->hdr->read_index, __ATOMIC_RELAXED) == start;
}

int
vmbus_ring_write_deferred(struct vmbus_ring *ring, const struct iovec *iov,
			  unsigned int iov_cnt)
{
	static const uint8_t zeros[VMBUS_CHANPKT_ALIGN];
	uint32_t d = ring->data_bytes, start = ring->own_index;
	uint64_t trailer = (uint64_t)start << 32;	/* spec §2.6 */
	uint32_t body_bytes, pkt_bytes, host_read, idx;
	int ret;

	ret = ring_write_check(ring, iov, iov_cnt, &body_bytes);
	if (ret < 0)
		return ret;
	pkt_bytes = (body_bytes + VMBUS_CHANPKT_ALIGN - 1) & ~(VMBUS_CHANPKT_ALIGN - 1);

	/* Acquire: the host's reads of the bytes we may overwrite are done. */
	host_read = __atomic_load_n(&ring->hdr->read_index, __ATOMIC_ACQUIRE);
	if (!ring_index_ok(host_read, d)) {
		ring->errors.bad_host_index++;
		return -EIO;
	}
	/* Spec §3: never fill completely, or a full ring would read as empty. */
	if (vmbus_ring_avail_write(start, host_read, d) <= pkt_bytes + VMBUS_CHANPKT_TRAILER_BYTES)
		return -EAGAIN;

	if (pkt_bytes + sizeof(trailer) < d - start) {
		/* Short of the end (the usual case): the padding zeroed first, in one
		 * store under the packet's last 8 bytes, the pieces over it. */
		uint8_t *p = ring->data + start;

		memcpy(p + pkt_bytes - VMBUS_CHANPKT_ALIGN, zeros, VMBUS_CHANPKT_ALIGN);
		for (unsigned int i = 0; i < iov_cnt; i++) {
			ring_memcpy(p, iov[i].iov_base, (uint32_t)iov[i].iov_len);
			p += iov[i].iov_len;
		}
		memcpy(ring->data + start + pkt_bytes, &trailer, sizeof(trailer));
		ring->own_index = start + pkt_bytes + (uint32_t)sizeof(trailer);
		return 0;
	}
	idx = start;
	for (unsigned int i = 0; i < iov_cnt; i++)
		idx = ring_copy_in(ring, idx, iov[i].iov_base, (uint32_t)iov[i].iov_len);
	idx = ring_copy_in(ring, idx, zeros, pkt_bytes - body_bytes);
	idx = ring_copy_in(ring, idx, &trailer, sizeof(trailer));
	ring->own_index = idx;
	return 0;
}

bool
vmbus_ring_write_publish(struct vmbus_ring *ring)
{
	uint32_t before = ring->published;

	if (ring->own_index == before)
		return false;
	/* Spec §3.1 steps 2-3: release, so the host sees the bytes before the index. */
	ring->published = ring->own_index;
	__atomic_store_n(&ring->hdr->write_index, ring->own_index, __ATOMIC_RELEASE);
	return ring_write_needs_signal(ring, before);
}

int
vmbus_ring_write(struct vmbus_ring *ring, const struct iovec *iov,
		 unsigned int iov_cnt, bool *need_signal)
{
	int ret = vmbus_ring_write_deferred(ring, iov, iov_cnt);

	if (ret == 0 && vmbus_ring_write_publish(ring))
		*need_signal = true;
	return ret;
}

int
vmbus_ring_read_begin(struct vmbus_ring *ring, struct vmbus_ring_batch *batch)
{
	/* Spec §3.1 consumer step 1: acquire orders the packet reads after it. */
	uint32_t host_write = __atomic_load_n(&ring->hdr->write_index, __ATOMIC_ACQUIRE);

	batch->ring = ring;
	batch->read_index = ring->own_index;
	batch->bytes_read = 0;
	batch->host_index_ok = ring_index_ok(host_write, ring->data_bytes);
	if (!batch->host_index_ok) {
		ring->errors.bad_host_index++;
		batch->host_write_index = batch->read_index;
		return -EIO;
	}
	batch->host_write_index = host_write;
	return (int)vmbus_ring_avail_read(host_write, batch->read_index, ring->data_bytes);
}

/*
 * The gate for host packets: a descriptor is checked on a private copy
 * (spec §2.1), and the whole packet plus trailer must lie within the bytes
 * the host published (spec §3), since the host publishes whole packets only.
 */
static inline int
ring_peek(const struct vmbus_ring_batch *batch, struct vmbus_chanpkt_hdr *hdr)
{
	struct vmbus_ring *ring = batch->ring;
	uint32_t readable, pkt_bytes;

	if (!batch->host_index_ok)
		return -EIO;
	readable = vmbus_ring_avail_read(batch->host_write_index, batch->read_index,
					 ring->data_bytes);
	if (readable == 0)
		return -EAGAIN;
	if (readable < RING_DESC_BYTES) {
		ring->errors.overrun++;
		return -EIO;
	}
	ring_copy_out(ring, batch->read_index, hdr, RING_DESC_BYTES);
	if (hdr->data_offset8 < RING_MIN_DATA_OFFSET8 || hdr->data_offset8 > hdr->total_len8) {
		ring->errors.bad_descriptor++;
		return -EIO;
	}
	pkt_bytes = (uint32_t)hdr->total_len8 << VMBUS_CHANPKT_SIZE_SHIFT;
	if (pkt_bytes + VMBUS_CHANPKT_TRAILER_BYTES > readable) {
		ring->errors.overrun++;
		return -EIO;
	}
	return (int)pkt_bytes;
}

int
vmbus_ring_peek(const struct vmbus_ring_batch *batch, struct vmbus_chanpkt_hdr *hdr)
{
	return ring_peek(batch, hdr);
}

/* After refused host data nothing else in this batch can be trusted. */
static int
ring_batch_refuse(struct vmbus_ring_batch *batch, int err)
{
	if (err == -EIO)
		batch->host_index_ok = false;
	return err;
}

static void
ring_batch_consume(struct vmbus_ring_batch *batch, uint32_t pkt_bytes)
{
	uint32_t used = pkt_bytes + VMBUS_CHANPKT_TRAILER_BYTES;	/* spec §2.6 */

	batch->read_index = ring_advance(batch->read_index, used, batch->ring->data_bytes);
	batch->bytes_read += used;
}

int
vmbus_ring_read_next(struct vmbus_ring_batch *batch, void *buf, uint32_t buf_bytes)
{
	struct vmbus_chanpkt_hdr desc;
	int len = ring_peek(batch, &desc);

	if (len < 0)
		return ring_batch_refuse(batch, len);
	if ((uint32_t)len > buf_bytes)
		return -ENOBUFS;
	ring_copy_out(batch->ring, batch->read_index, buf, (uint32_t)len);
	memcpy(buf, &desc, sizeof(desc));
	ring_batch_consume(batch, (uint32_t)len);
	return len;
}

int
vmbus_ring_skip_next(struct vmbus_ring_batch *batch, void *head, uint32_t *head_bytes)
{
	struct vmbus_chanpkt_hdr desc;
	int len = ring_peek(batch, &desc);
	uint32_t room = head != NULL ? *head_bytes : 0;

	if (len < 0)
		return ring_batch_refuse(batch, len);
	if (room >= sizeof(desc)) {
		/* A packet holds at least its descriptor: ring_peek checked it. */
		room = room < (uint32_t)len ? room : (uint32_t)len;
		ring_copy_out(batch->ring, batch->read_index, head, room);
		memcpy(head, &desc, sizeof(desc));
	}
	if (head != NULL)
		*head_bytes = room >= sizeof(desc) ? room : 0;
	ring_batch_consume(batch, (uint32_t)len);
	return len;
}

/*
 * Spec §4.2: wake the producer only if it waits (pending_send_bytes != 0),
 * had too little room before this batch and has enough now, i.e.
 * pending < avail <= pending + bytes_read; 64-bit, as the host sets pending.
 */
static bool
ring_read_needs_signal(const struct vmbus_ring *ring, uint32_t bytes_read)
{
	struct vmbus_ring_hdr *hdr = ring->hdr;
	uint32_t pending, host_write;
	uint64_t avail;

	/* Spec §3.1 consumer step 4: our read index is visible before we look. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if ((__atomic_load_n(&hdr->feature_bits, __ATOMIC_RELAXED) &
	     VMBUS_RING_FEAT_PENDING_SEND) == 0)
		return false;
	pending = __atomic_load_n(&hdr->pending_send_bytes, __ATOMIC_RELAXED);
	if (pending == 0)
		return false;
	host_write = __atomic_load_n(&hdr->write_index, __ATOMIC_RELAXED);
	if (!ring_index_ok(host_write, ring->data_bytes))
		return false;	/* counted by the next read_begin */
	avail = vmbus_ring_avail_write(host_write, ring->own_index, ring->data_bytes);
	if (avail <= pending)
		return false;
	return avail <= (uint64_t)pending + bytes_read;
}

bool
vmbus_ring_read_end(struct vmbus_ring_batch *batch)
{
	struct vmbus_ring *ring = batch->ring;

	vmbus_ring_read_end_deferred(batch);
	return vmbus_ring_publish(ring);
}

void
vmbus_ring_read_end_deferred(struct vmbus_ring_batch *batch)
{
	struct vmbus_ring *ring = batch->ring;

	ring->own_index = batch->read_index;
	ring->unpublished += batch->bytes_read;	/* below the data size: read_index lags */
}

bool
vmbus_ring_publish(struct vmbus_ring *ring)
{
	uint32_t bytes = ring->unpublished;

	if (bytes == 0)
		return false;
	ring->unpublished = 0;
	/* Spec §3.1 consumer step 3: release, so our copies finish before the host reuses. */
	__atomic_store_n(&ring->hdr->read_index, ring->own_index, __ATOMIC_RELEASE);
	return ring_read_needs_signal(ring, bytes);
}

void
vmbus_ring_mask_host_signals(struct vmbus_ring *ring)
{
	__atomic_store_n(&ring->hdr->interrupt_mask, 1, __ATOMIC_RELEASE);
}

bool
vmbus_ring_unmask_host_signals(struct vmbus_ring *ring)
{
	__atomic_store_n(&ring->hdr->interrupt_mask, 0, __ATOMIC_RELEASE);
	/* Spec §4.1: data may have come while masked; the store precedes the check. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(&ring->hdr->write_index, __ATOMIC_ACQUIRE) != ring->own_index;
}

bool
vmbus_ring_empty(const struct vmbus_ring *ring)
{
	return __atomic_load_n(&ring->hdr->write_index, __ATOMIC_ACQUIRE) == ring->own_index;
}
