/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host end of a channel ring pair, written from spec/vmbus-ring.md alone:
 * index checks, wrap-around copies, framing and the two signalling rules.
 * What packets mean, and raising the interrupt, is host_channel.c's job.
 */
#include <errno.h>
#include <string.h>

#include "host_ring.h"

#define DESC_BYTES	((uint32_t)sizeof(struct vmbus_chanpkt_hdr))
#define TRAILER_BYTES	VMBUS_CHANPKT_TRAILER_BYTES

/* Spec 3: an index is valid only below the data size and 8-aligned. */
static inline bool
index_valid(uint32_t idx, uint32_t data_bytes)
{
	return idx < data_bytes && (idx & (VMBUS_CHANPKT_ALIGN - 1)) == 0;
}

static inline uint32_t
ring_advance(uint32_t idx, uint32_t n, uint32_t data_bytes)
{
	uint64_t next = (uint64_t)idx + n;

	return (uint32_t)(next % data_bytes);
}

/* Copy len bytes out of the data area from pos, continuing at 0 past the end. */
static void
ring_copy_out(const uint8_t *data, uint32_t data_bytes, uint32_t pos, void *dst, uint32_t len)
{
	uint32_t first = data_bytes - pos < len ? data_bytes - pos : len;

	memcpy(dst, data + pos, first);
	memcpy((uint8_t *)dst + first, data, len - first);
}

/* Copy len bytes (zeros when src is NULL) into the data area; returns the next pos. */
static uint32_t
ring_copy_in(uint8_t *data, uint32_t data_bytes, uint32_t pos, const void *src, uint32_t len)
{
	uint32_t first = data_bytes - pos < len ? data_bytes - pos : len;

	if (src != NULL) {
		memcpy(data + pos, src, first);
		memcpy(data, (const uint8_t *)src + first, len - first);
	} else {
		memset(data + pos, 0, first);
		memset(data, 0, len - first);
	}
	return ring_advance(pos, len, data_bytes);
}

static uint32_t
own_index_adopt(volatile uint32_t *shared, uint32_t data_bytes)
{
	uint32_t idx = *shared;

	if (!index_valid(idx, data_bytes)) {
		idx = 0;
		*shared = 0;
	}
	return idx;
}

int
host_ring_init(struct host_ring *ring, void *base, uint64_t ring_bytes,
	       struct host_counters *cnt)
{
	uint64_t half = ring_bytes / 2;
	uint64_t data_bytes = half > VMBUS_RING_HDR_BYTES ? half - VMBUS_RING_HDR_BYTES : 0;

	memset(ring, 0, sizeof(*ring));
	ring->cnt = cnt;
	if (base == NULL || (ring_bytes & 1) != 0 || data_bytes == 0 ||
	    data_bytes % VMBUS_CHANPKT_ALIGN != 0 || data_bytes >= (1ull << 31)) {
		cnt->n[HOST_CNT_BAD_GEOMETRY]++;
		return -EINVAL;
	}
	ring->tx_hdr = base;
	ring->rx_hdr = (struct vmbus_ring_hdr *)((uint8_t *)base + half);
	ring->data_bytes = (uint32_t)data_bytes;
	ring->tx_read_idx = own_index_adopt(&ring->tx_hdr->read_index, ring->data_bytes);
	ring->rx_write_idx = own_index_adopt(&ring->rx_hdr->write_index, ring->data_bytes);
	return 0;
}

int
host_ring_read_begin(struct host_ring *ring, struct host_ring_reader *rd, uint8_t *scratch)
{
	/* Spec 3.1 consumer step 1: acquire pairs with the guest's publication. */
	uint32_t w = __atomic_load_n(&ring->tx_hdr->write_index, __ATOMIC_ACQUIRE);

	rd->ring = ring;
	rd->scratch = scratch;
	rd->pos = ring->tx_read_idx;
	rd->consumed = 0;
	rd->avail = 0;
	if (!index_valid(w, ring->data_bytes)) {
		ring->cnt->n[HOST_CNT_BAD_TX_INDEX]++;
		return -EIO;
	}
	rd->avail = host_ring_readable(w, rd->pos, ring->data_bytes);
	return 0;
}

/* Framing is lost: drop everything the guest published, as one resync. */
static int
read_resync(struct host_ring_reader *rd, enum host_count reason)
{
	struct host_ring *ring = rd->ring;

	ring->cnt->n[reason]++;
	ring->cnt->n[HOST_CNT_RESYNC_BYTES] += rd->avail;
	rd->pos = ring_advance(rd->pos, rd->avail, ring->data_bytes);
	rd->consumed += rd->avail;
	rd->avail = 0;
	return -EBADMSG;
}

int
host_ring_read_peek(struct host_ring_reader *rd, struct host_ring_pkt *pkt)
{
	struct host_ring *ring = rd->ring;
	struct vmbus_chanpkt_hdr hdr;
	uint32_t len;

	if (rd->avail == 0)
		return -ENOENT;
	/* Spec 3: a descriptor and a trailer must be readable before peeking. */
	if (rd->avail < DESC_BYTES + TRAILER_BYTES)
		return read_resync(rd, HOST_CNT_BAD_DESC_SHORT);
	ring_copy_out(ring->tx_hdr->data, ring->data_bytes, rd->pos, &hdr, DESC_BYTES);
	if (hdr.data_offset8 < 2 || hdr.data_offset8 > hdr.total_len8)
		return read_resync(rd, HOST_CNT_BAD_DESC_OFFSET);
	len = (uint32_t)hdr.total_len8 * 8;
	if (len + TRAILER_BYTES > rd->avail)
		return read_resync(rd, HOST_CNT_BAD_DESC_LEN);
	/* The guest may rewrite the ring meanwhile: only our copy is used. */
	ring_copy_out(ring->tx_hdr->data, ring->data_bytes, rd->pos, rd->scratch, len);
	memcpy(rd->scratch, &hdr, DESC_BYTES);
	pkt->hdr = hdr;
	pkt->bytes = rd->scratch;
	pkt->len = len;
	pkt->ring_bytes = len + TRAILER_BYTES;
	return 0;
}

void
host_ring_read_consume(struct host_ring_reader *rd, const struct host_ring_pkt *pkt)
{
	rd->pos = ring_advance(rd->pos, pkt->ring_bytes, rd->ring->data_bytes);
	rd->avail -= pkt->ring_bytes;
	rd->consumed += pkt->ring_bytes;
	rd->ring->cnt->n[HOST_CNT_PKTS_IN]++;
}

/*
 * Spec 4.2: signal the guest producer only if this pass's reads are what
 * made its pending_send_sz fit (it did not fit before, it fits now).
 */
static bool
read_signal_due(struct host_ring_reader *rd)
{
	struct host_ring *ring = rd->ring;
	uint32_t pending, w, room, before;

	if ((ring->tx_hdr->feature_bits & VMBUS_RING_FEAT_PENDING_SEND) == 0)
		return false;
	pending = ring->tx_hdr->pending_send_bytes;
	if (pending == 0)
		return false;
	w = __atomic_load_n(&ring->tx_hdr->write_index, __ATOMIC_ACQUIRE);
	if (!index_valid(w, ring->data_bytes))
		return false;
	room = host_ring_writable(w, rd->pos, ring->data_bytes);
	before = room > rd->consumed ? room - rd->consumed : 0;
	return before <= pending && room > pending;
}

bool
host_ring_read_end(struct host_ring_reader *rd)
{
	struct host_ring *ring = rd->ring;

	if (rd->consumed == 0)
		return false;
	ring->tx_read_idx = rd->pos;
	/* Spec 3.1 consumer step 3: our copies complete before the index moves. */
	__atomic_store_n(&ring->tx_hdr->read_index, rd->pos, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return read_signal_due(rd);
}

int
host_ring_write_begin(struct host_ring *ring, struct host_ring_writer *wr)
{
	uint32_t r = __atomic_load_n(&ring->rx_hdr->read_index, __ATOMIC_ACQUIRE);

	wr->ring = ring;
	wr->start = ring->rx_write_idx;
	wr->pos = wr->start;
	wr->nb_pkts = 0;
	wr->room = 0;
	if (!index_valid(r, ring->data_bytes)) {
		ring->cnt->n[HOST_CNT_BAD_RX_INDEX]++;
		return -EIO;
	}
	wr->room = host_ring_writable(wr->pos, r, ring->data_bytes);
	return 0;
}

int
host_ring_write_room(const struct host_ring_writer *wr, uint64_t bytes)
{
	/* Spec 3: never fill completely, so equal indexes always mean empty. */
	if (bytes >= wr->ring->data_bytes)
		return -EMSGSIZE;
	return wr->room > bytes ? 0 : -EAGAIN;
}

int
host_ring_write_pkt(struct host_ring_writer *wr, uint16_t type, uint16_t flags,
		    uint64_t xact_id, const void *ext, uint32_t ext_len,
		    const void *payload, uint32_t payload_len)
{
	struct host_ring *ring = wr->ring;
	uint64_t bytes = host_ring_pkt_bytes(ext_len, payload_len);
	uint32_t start = wr->pos;
	uint32_t pad = (uint32_t)(-payload_len & 7u);
	struct vmbus_chanpkt_hdr hdr;
	uint64_t trailer = (uint64_t)start << 32;
	uint8_t *data = ring->rx_hdr->data;
	uint32_t d = ring->data_bytes;
	uint32_t pos;

	if ((ext_len & 7u) != 0 || bytes - TRAILER_BYTES > HOST_RING_MAX_PKT_BYTES ||
	    host_ring_write_room(wr, bytes) != 0)
		return -EAGAIN;
	hdr.type = type;
	hdr.data_offset8 = (uint16_t)((DESC_BYTES + ext_len) / 8);
	hdr.total_len8 = (uint16_t)((bytes - TRAILER_BYTES) / 8);
	hdr.flags = flags;
	hdr.xact_id = xact_id;
	pos = ring_copy_in(data, d, start, &hdr, DESC_BYTES);
	pos = ring_copy_in(data, d, pos, ext, ext_len);
	pos = ring_copy_in(data, d, pos, payload, payload_len);
	pos = ring_copy_in(data, d, pos, NULL, pad);
	wr->pos = ring_copy_in(data, d, pos, &trailer, TRAILER_BYTES);
	wr->room -= (uint32_t)bytes;
	wr->nb_pkts++;
	ring->cnt->n[HOST_CNT_PKTS_OUT]++;
	return 0;
}

bool
host_ring_write_end(struct host_ring_writer *wr)
{
	struct host_ring *ring = wr->ring;

	if (wr->nb_pkts == 0)
		return false;
	ring->rx_write_idx = wr->pos;
	/* Spec 3.1 producer: packet bytes are visible before the index moves. */
	__atomic_store_n(&ring->rx_hdr->write_index, wr->pos, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	/* Spec 4.1: signal only if unmasked and the guest had read all before us. */
	return ring->rx_hdr->interrupt_mask == 0 && ring->rx_hdr->read_index == wr->start;
}
