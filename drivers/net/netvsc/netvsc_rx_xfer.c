/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A transfer's frames into mbufs: each range of a transfer-page packet
 * through the data gate (netvsc_rx_parse.h), copied out of the receive
 * buffer (or held there, zero-copy), into the rx burst's array or its
 * queue. The per-frame work of receive, in a file of its own so that the
 * build can compile it twice: as it is, and for CPUs with AVX2
 * (NETVSC_RX_XFER_AVX2: wider copies, fewer instructions a frame);
 * netvsc_simd_select picks one per process.
 */
#include <string.h>

#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "netvsc.h"
#include "netvsc_ctl_parse.h"
#include "netvsc_rx_parse.h"
#include "rndis_wire.h"
#include "vmbus_wire.h"

#ifdef NETVSC_RX_XFER_AVX2
#define netvsc_rx_xfer netvsc_rx_xfer_avx2	/* this copy's entry point */
#endif

static void
rx_drop(struct netvsc_rxq *rxq, enum netvsc_drop why)
{
	rxq->drops[why]++;
	rxq->stats.errors++;
}

/* Spares from the pool in bulk, once every NETVSC_RX_SPARE_BULK frames. */
static __rte_noinline void
rx_spare_refill(struct netvsc_rxq *rxq)
{
	if (rte_mempool_get_bulk(rxq->mp, (void **)rxq->spare, NETVSC_RX_SPARE_BULK) == 0)
		rxq->nb_spare = NETVSC_RX_SPARE_BULK;
}

/* An mbuf for a copy: from the queue's spares, refilled from the pool in bulk. */
static __rte_always_inline struct rte_mbuf *
rx_mbuf_alloc(struct netvsc_rxq *rxq)
{
	struct rte_mbuf *m;

	if (unlikely(rxq->nb_spare == 0))
		rx_spare_refill(rxq);
	if (likely(rxq->nb_spare > 0))
		m = rxq->spare[--rxq->nb_spare];
	else if ((m = rte_mbuf_raw_alloc(rxq->mp)) == NULL)	/* pool low: one at a time */
		return NULL;
	/*
	 * Raw from the pool, so next is NULL already (the pool's invariant, as
	 * rte_mbuf_raw_alloc): data_off, refcnt, nb_segs and port in one store.
	 * ol_flags are the caller's to set.
	 */
	memcpy((uint8_t *)m + offsetof(struct rte_mbuf, rearm_data), &rxq->mbuf_rearm,
	       sizeof(rxq->mbuf_rearm));
	m->packet_type = 0;
	m->vlan_tci = 0;
	return m;
}

/*
 * 32 bytes of a frame, unaligned: one AVX move each way in the AVX2 build,
 * two SSE moves in the generic one (a GCC vector type: no intrinsics, so
 * the same code serves both).
 */
typedef uint8_t rx_block32 __attribute__((vector_size(32), aligned(1), may_alias));

static __rte_always_inline void
rx_block_copy(uint8_t *dst, const uint8_t *src, unsigned int i)
{
	((rx_block32 *)dst)[i] = ((const rx_block32 *)src)[i];
}

/* The largest fixed block rx_copy_bytes moves for a small frame. */
#define RX_COPY_BLOCK_MAX	128u

/*
 * The last address of the receive buffer a fixed block may be read from
 * (it runs up to RX_COPY_BLOCK_MAX past a frame), or 0 (no block copies)
 * when the queue's mbufs or the receive buffer are smaller than a block.
 */
static inline uintptr_t
rx_copy_block_limit(const struct netvsc_dev *dev, const struct netvsc_rxq *rxq)
{
	if (rxq->seg_room < RX_COPY_BLOCK_MAX || dev->rxbuf_bytes < RX_COPY_BLOCK_MAX)
		return 0;
	return (uintptr_t)(dev->rxbuf + dev->rxbuf_bytes - RX_COPY_BLOCK_MAX);
}

/*
 * Copy n bytes of a frame into an mbuf. A small one is copied as two, three
 * or four 32-byte blocks, running past n, when src is at most block_limit
 * (the mbuf holds that many then too): a few vector moves instead of
 * rte_memcpy's size dispatch. The extra bytes land in the mbuf's tailroom
 * and are never part of the frame.
 */
static inline void
rx_copy_bytes(uint8_t *dst, const uint8_t *src, uint32_t n, uintptr_t block_limit)
{
	if (n > RX_COPY_BLOCK_MAX || (uintptr_t)src > block_limit) {
		rte_memcpy(dst, src, n);
		return;
	}
	rx_block_copy(dst, src, 0);
	rx_block_copy(dst, src, 1);
	if (n <= 64)
		return;
	rx_block_copy(dst, src, 2);
	if (n <= 96)		/* e.g. TCP ACKs with timestamps: 66 */
		return;
	rx_block_copy(dst, src, 3);
}

/* A frame larger than one mbuf (scattered rx): a chain, or NULL. */
static __rte_noinline struct rte_mbuf *
rx_copy_chain(struct netvsc_rxq *rxq, const uint8_t *data, uint32_t len)
{
	struct rte_mbuf *head = NULL, *prev = NULL;

	if (len > NETVSC_RX_FRAME_MAX) {
		rx_drop(rxq, NETVSC_DROP_OVERSIZED_FRAME);	/* not a chain of thousands */
		return NULL;
	}
	head = rx_mbuf_alloc(rxq);
	if (head == NULL)
		goto nombuf;
	head->pkt_len = 0;
	for (struct rte_mbuf *m = head; len > 0; prev = m, m = NULL) {
		uint32_t n;

		if (m == NULL && (m = rx_mbuf_alloc(rxq)) == NULL) {
			rte_pktmbuf_free(head);
			goto nombuf;
		}
		m->ol_flags = 0;
		n = RTE_MIN(len, rxq->seg_room);
		rx_copy_bytes(rte_pktmbuf_mtod(m, uint8_t *), data, n, rxq->copy_limit);
		m->data_len = (uint16_t)n;
		if (prev != NULL) {
			prev->next = m;
			head->nb_segs++;
		}
		head->pkt_len += n;
		data += n;
		len -= n;
	}
	return head;
nombuf:
	rxq->stats.nombuf++;
	return NULL;
}

/* Copy a frame into one mbuf, or a chain when it is larger than one. */
static __rte_always_inline struct rte_mbuf *
rx_copy_frame(struct netvsc_rxq *rxq, const uint8_t *data, uint32_t len)
{
	struct rte_mbuf *m;

	if (unlikely(len > rxq->seg_room))
		return rx_copy_chain(rxq, data, len);
	m = rx_mbuf_alloc(rxq);
	if (unlikely(m == NULL)) {
		rxq->stats.nombuf++;
		return NULL;
	}
	rx_copy_bytes(rte_pktmbuf_mtod(m, uint8_t *), data, len, rxq->copy_limit);
	m->data_len = (uint16_t)len;
	m->pkt_len = len;
	return m;
}

/* Checksum verdicts: the mbuf flags of a checksum PPI's low six bits (RNDIS_RX_CSUM_*). */
#define RX_CSUM_FLAGS(c) \
	(((c) & RNDIS_RX_CSUM_IP_OK ? RTE_MBUF_F_RX_IP_CKSUM_GOOD : \
	  (c) & RNDIS_RX_CSUM_IP_FAILED ? RTE_MBUF_F_RX_IP_CKSUM_BAD : 0) | \
	 ((c) & (RNDIS_RX_CSUM_TCP_OK | RNDIS_RX_CSUM_UDP_OK) ? RTE_MBUF_F_RX_L4_CKSUM_GOOD : \
	  (c) & (RNDIS_RX_CSUM_TCP_FAILED | RNDIS_RX_CSUM_UDP_FAILED) ? \
	  RTE_MBUF_F_RX_L4_CKSUM_BAD : 0))
#define RX_CSUM_FLAGS4(c) RX_CSUM_FLAGS(c), RX_CSUM_FLAGS((c) + 1), RX_CSUM_FLAGS((c) + 2), \
	RX_CSUM_FLAGS((c) + 3)
#define RX_CSUM_FLAGS16(c) RX_CSUM_FLAGS4(c), RX_CSUM_FLAGS4((c) + 4), RX_CSUM_FLAGS4((c) + 8), \
	RX_CSUM_FLAGS4((c) + 12)
#define RX_CSUM_BITS	0x3fu

static const uint64_t rx_csum_flags[RX_CSUM_BITS + 1] = {
	RX_CSUM_FLAGS16(0), RX_CSUM_FLAGS16(16), RX_CSUM_FLAGS16(32), RX_CSUM_FLAGS16(48),
};

/* The rx fields of the host's PPIs set in m; returns its offload flags. */
static inline uint64_t
rx_offloads(struct rte_mbuf *m, const struct netvsc_rx_info *info)
{
	/* csum and hash are 0 when not sent: no verdict, no flag. */
	uint64_t flags = rx_csum_flags[info->word[RNDIS_PPI_CSUM] & RX_CSUM_BITS];

	m->hash.rss = info->word[RNDIS_PPI_HASH_VALUE];
	if (info->ppis & NETVSC_RX_PPI_HASH)
		flags |= RTE_MBUF_F_RX_RSS_HASH;
	if (unlikely(info->ppis & NETVSC_RX_PPI_VLAN)) {
		uint32_t v = info->word[RNDIS_PPI_VLAN];

		m->vlan_tci = (uint16_t)(((v >> RNDIS_VLAN_ID_SHIFT) & RNDIS_VLAN_ID_MASK) |
					 ((v & RNDIS_VLAN_PCP_MASK) << 13));
		flags |= RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED;
	}
	return flags;
}

/*
 * An RSC fragment (rndis.md 6.3): the first starts a chain, the next ones
 * join it, the last hands it over; offload flags are the first one's. The
 * result, NULL while the frame is incomplete or after a broken sequence.
 */
static __rte_noinline struct rte_mbuf *
rx_rsc_join(struct netvsc_rxq *rxq, struct rte_mbuf *m, uint8_t flags)
{
	struct rte_mbuf *head = rxq->rsc_head;

	if (rxq->rsc_skip && !(flags & RNDIS_PKT_ID_FIRST)) {
		rte_pktmbuf_free(m);	/* of a frame counted once, as oversized */
		rxq->rsc_skip = !(flags & RNDIS_PKT_ID_LAST);
		return NULL;
	}
	rxq->rsc_skip = false;
	if (flags & RNDIS_PKT_ID_FIRST) {
		if (head != NULL)
			rx_drop(rxq, NETVSC_DROP_BAD_RSC_SEQUENCE);	/* the last never came */
		rte_pktmbuf_free(head);
		head = m;
	} else if (head != NULL && head->pkt_len + m->pkt_len > NETVSC_RX_FRAME_MAX) {
		rx_drop(rxq, NETVSC_DROP_OVERSIZED_FRAME);
		rte_pktmbuf_free(head);
		rte_pktmbuf_free(m);
		head = NULL;
		rxq->rsc_skip = !(flags & RNDIS_PKT_ID_LAST);
	} else if (head == NULL || rte_pktmbuf_chain(head, m) != 0) {
		rx_drop(rxq, NETVSC_DROP_BAD_RSC_SEQUENCE);
		rte_pktmbuf_free(head);
		rte_pktmbuf_free(m);
		head = NULL;
	}
	rxq->rsc_head = (flags & RNDIS_PKT_ID_LAST) ? NULL : head;
	if (head == NULL || !(flags & RNDIS_PKT_ID_LAST))
		return NULL;
	head->ol_flags |= RTE_MBUF_F_RX_LRO;	/* coalesced by the host */
	head->tx_offload = 0;	/* tso_segsz: the host does not say (copies skip the reset) */
	return head;
}

/*
 * A message of an RSC frame lost here (a bad header, no mbuf): the frame's
 * fragments so far go, and its later ones are skipped up to its last
 * (last: whether the lost one was it; unknown after a bad header, so up to
 * the next frame's first). A shorter frame is never handed over.
 */
static __rte_noinline void
rx_rsc_break(struct netvsc_rxq *rxq, bool last)
{
	rte_pktmbuf_free(rxq->rsc_head);
	rxq->rsc_head = NULL;
	rxq->rsc_skip = !last;
}

/*
 * A frame into the caller's array while a burst has room there (counted as
 * the application gets it), else to the queue for a later burst.
 */
static inline void
rx_deliver(struct netvsc_rxq *rxq, struct rte_mbuf *m)
{
	if (likely(rxq->burst_n < rxq->burst_max)) {
		rxq->burst[rxq->burst_n++] = m;
		netvsc_count_frame(&rxq->stats, m->pkt_len);
		return;
	}
	/* Reading stops short of a full queue (rx_full): this is a guard. */
	if (unlikely(rxq->nb_pending == NETVSC_RX_PENDING_MAX)) {
		rxq->stats.missed++;
		rte_pktmbuf_free(m);
		return;
	}
	rxq->pending[(rxq->pending_head + rxq->nb_pending++) % NETVSC_RX_PENDING_MAX] = m;
}

static __rte_always_inline void
rx_data_message(struct netvsc_rxq *rxq, const uint8_t *msg, uint32_t bytes,
		struct netvsc_rx_hold *hold)
{
	struct netvsc_rx_info info;
	enum netvsc_drop why = netvsc_rx_parse_packet(msg, bytes, &info);
	struct rte_mbuf *m = NULL;
	const uint8_t *data;

	if (why != NETVSC_DROP_NONE) {
		rx_drop(rxq, why);
		if (unlikely(rxq->rsc_head != NULL))
			rx_rsc_break(rxq, false);
		return;
	}
	data = info.data;	/* inside the message, which is inside rxbuf */
	/* Zero-copy unless small, an RSC fragment, or the tag must go back into the frame. */
	if (hold != NULL && info.data_bytes > rxq->dev->rx_copybreak &&
	    (info.ppis & rxq->copy_ppis) == 0 &&
	    (m = netvsc_rx_zc_frame(rxq, hold, data, info.data_bytes)) != NULL) {
		m->ol_flags |= rx_offloads(m, &info);	/* after the external buffer's */
	} else {
		m = rx_copy_frame(rxq, data, info.data_bytes);
		if (unlikely(m == NULL)) {
			if (info.ppis & NETVSC_RX_PPI_PKT_ID)
				rx_rsc_break(rxq, netvsc_rx_pkt_id_flags(&info) & RNDIS_PKT_ID_LAST);
			return;
		}
		m->ol_flags = rx_offloads(m, &info);
	}
	/* Rare: an RSC fragment, or a tag to put back into the frame (copy_ppis). */
	if (unlikely(info.ppis & rxq->copy_ppis)) {
		if ((info.ppis & NETVSC_RX_PPI_PKT_ID) &&
		    (m = rx_rsc_join(rxq, m, netvsc_rx_pkt_id_flags(&info))) == NULL)
			return;
		if ((m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED) && !rxq->vlan_strip &&
		    rte_vlan_insert(&m) == 0)
			m->ol_flags &= ~(RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED);
	}
	rx_deliver(rxq, m);
}

/*
 * The host wrote the receive slots from another core, so each one is a cache
 * miss: start the lines of a message (header, PPIs and a small frame) a few
 * messages before it is parsed, and checked.
 */
#define NETVSC_RX_PREFETCH_AHEAD	4u

/*
 * The first three lines of a message: header, PPIs and a small frame. Past
 * a short message (or the buffer's end) a prefetch is only a wasted hint:
 * it never faults.
 */
static inline void
rx_prefetch_range(const uint8_t *rxbuf, uint32_t rxbuf_bytes, const struct netvsc_xfer *xfer,
		  uint32_t i)
{
	const uint8_t *msg = rxbuf + netvsc_xfer_range_hint(xfer, i, rxbuf_bytes);

	rte_prefetch0(msg);
	rte_prefetch0(msg + RTE_CACHE_LINE_SIZE);
	rte_prefetch0(msg + 2 * RTE_CACHE_LINE_SIZE);
}

/*
 * A message the usual-data test did not take: through the general gate to
 * the control path, or dropped (a frame while stopped, a bad header).
 */
static __rte_noinline void
rx_other_message(struct netvsc_dev *dev, const struct vmbus_channel *chan,
		 struct netvsc_rxq *rxq, const uint8_t *msg, uint32_t range_bytes,
		 struct netvsc_rx_hold *hold)
{
	uint32_t type, bytes;
	enum netvsc_drop why = netvsc_rx_parse_rndis(msg, range_bytes, &type, &bytes);

	if (why != NETVSC_DROP_NONE)
		netvsc_ctl_drop(dev, why, "RNDIS message of a transfer");
	else if (type != RNDIS_MSG_PACKET)
		netvsc_ctl_on_rndis(dev, chan, msg, bytes);
	else if (rxq != NULL)
		rx_data_message(rxq, msg, bytes, hold);	/* its own gate drops it */
	else
		netvsc_ctl_drop(dev, NETVSC_DROP_DATA_WHILE_STOPPED, "frame with no queue");
}

/*
 * A transfer's ranges, each through its gate, the frames into rxq, or
 * dropped when it is NULL (the device is stopped). Inlined for each case,
 * so that the usual loop does not test for a queue.
 */
static __rte_always_inline void
rx_xfer_ranges(struct netvsc_dev *dev, const struct vmbus_channel *chan, struct netvsc_rxq *rxq,
	       struct netvsc_rx_hold *hold, const struct netvsc_xfer *xfer)
{
	/* Locals the loop keeps in registers: stores through mbufs may alias dev's or xfer. */
	const uint8_t *rxbuf = dev->rxbuf;
	uint32_t rxbuf_bytes = dev->rxbuf_bytes;
	const struct netvsc_xfer x = *xfer;
	/* Ranges [0, first) are prefetched first, the others 4 messages ahead. */
	uint32_t first = RTE_MIN(x.nb_ranges, NETVSC_RX_PREFETCH_AHEAD);
	uint32_t ahead_end = x.nb_ranges - first;

	for (uint32_t i = 0; i < first; i++)
		rx_prefetch_range(rxbuf, rxbuf_bytes, &x, i);
	for (uint32_t i = 0; i < x.nb_ranges; i++) {
		struct netvsc_range r;
		enum netvsc_drop why;
		const uint8_t *msg;
		uint32_t bytes;

		if (i < ahead_end)
			rx_prefetch_range(rxbuf, rxbuf_bytes, &x, i + NETVSC_RX_PREFETCH_AHEAD);

		why = netvsc_xfer_range(&x, i, rxbuf_bytes, &r);
		if (why != NETVSC_DROP_NONE) {
			netvsc_ctl_drop(dev, why, "range of a transfer");
			continue;
		}
		msg = rxbuf + r.offset;
		if (likely(rxq != NULL && netvsc_rx_is_packet(msg, r.bytes, &bytes)))
			rx_data_message(rxq, msg, bytes, hold);
		else
			rx_other_message(dev, chan, rxq, msg, r.bytes, hold);
	}
}

void
netvsc_rx_xfer(struct netvsc_dev *dev, struct vmbus_channel *chan, struct netvsc_rxq *rxq,
	       const uint8_t *pkt, uint32_t len)
{
	struct netvsc_xfer xfer;
	enum netvsc_drop why = netvsc_rx_parse_xfer(pkt, len, &xfer);
	struct netvsc_rx_hold *hold;

	if (why != NETVSC_DROP_NONE) {
		netvsc_ctl_drop(dev, why, "transfer-page packet");
		/* A refused transfer of ours still holds slots; another pageset's id means nothing. */
		if (xfer.ours)
			netvsc_rx_give_back(dev, chan, rxq, xfer.xact_id);
		return;
	}
	if (rxq == NULL || !dev->started) {
		rx_xfer_ranges(dev, chan, NULL, NULL, &xfer);	/* frames have nowhere to go */
		netvsc_rx_give_back(dev, chan, rxq, xfer.xact_id);
		return;
	}
	hold = netvsc_rx_zc_begin(rxq, xfer.xact_id);
	rxq->copy_limit = rx_copy_block_limit(dev, rxq);
	rx_xfer_ranges(dev, chan, rxq, hold, &xfer);
	if (hold == NULL || !netvsc_rx_zc_end(rxq, hold))
		netvsc_rxq_complete_xfer(rxq, xfer.xact_id);
}
