/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Receive: a channel's inbound ring carries received frames (transfer pages),
 * completions of our sends and control traffic. netvsc_chan_poll reads it
 * for either burst of the channel's queue pair; frames become mbufs (copied
 * out of the receive buffer) and wait in the rx queue for its next burst.
 */
#include <string.h>

#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "netvsc.h"
#include "netvsc_ctl_parse.h"
#include "netvsc_rx_parse.h"
#include "netvsc_vf.h"	/* VF hooks: accelerated networking */
#include "nvsp_wire.h"
#include "rndis_wire.h"
#include "vmbus_wire.h"

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
 * Copy n bytes of a frame into an mbuf. A small one is copied as a fixed 64,
 * 96 or 128 bytes, running past n, when src is at most block_limit (the
 * mbuf holds that many then too): a few vector moves instead of rte_memcpy's
 * size dispatch. The extra bytes land in the mbuf's tailroom and are never
 * part of the frame.
 */
static inline void
rx_copy_bytes(uint8_t *dst, const uint8_t *src, uint32_t n, uintptr_t block_limit)
{
	if (n > RX_COPY_BLOCK_MAX || (uintptr_t)src > block_limit)
		rte_memcpy(dst, src, n);
	else if (n <= 64)
		memcpy(dst, src, 64);
	else if (n <= 96)		/* e.g. TCP ACKs with timestamps: 66 */
		memcpy(dst, src, 96);
	else
		memcpy(dst, src, RX_COPY_BLOCK_MAX);
}

/* A frame larger than one mbuf (scattered rx): a chain, or NULL. */
static __rte_noinline struct rte_mbuf *
rx_copy_chain(struct netvsc_rxq *rxq, const uint8_t *data, uint32_t len, uintptr_t block_limit)
{
	struct rte_mbuf *head = NULL, *prev = NULL;

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
		rx_copy_bytes(rte_pktmbuf_mtod(m, uint8_t *), data, n, block_limit);
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
static inline struct rte_mbuf *
rx_copy_frame(struct netvsc_rxq *rxq, const uint8_t *data, uint32_t len, uintptr_t block_limit)
{
	struct rte_mbuf *m;

	if (unlikely(len > rxq->seg_room))
		return rx_copy_chain(rxq, data, len, block_limit);
	m = rx_mbuf_alloc(rxq);
	if (unlikely(m == NULL)) {
		rxq->stats.nombuf++;
		return NULL;
	}
	rx_copy_bytes(rte_pktmbuf_mtod(m, uint8_t *), data, len, block_limit);
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
	uint64_t flags = rx_csum_flags[info->csum & RX_CSUM_BITS];

	m->hash.rss = info->hash;
	if (info->ppis & NETVSC_RX_PPI_HASH)
		flags |= RTE_MBUF_F_RX_RSS_HASH;
	if (unlikely(info->ppis & NETVSC_RX_PPI_VLAN)) {
		uint32_t v = info->vlan;

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

	if (flags & RNDIS_PKT_ID_FIRST) {
		if (head != NULL)
			rx_drop(rxq, NETVSC_DROP_BAD_RSC_SEQUENCE);	/* the last never came */
		rte_pktmbuf_free(head);
		head = m;
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
	return head;
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
		struct netvsc_rx_hold *hold, uintptr_t block_limit)
{
	struct netvsc_rx_info info;
	enum netvsc_drop why = netvsc_rx_parse_packet(msg, bytes, &info);
	struct rte_mbuf *m = NULL;
	const uint8_t *data;

	if (why != NETVSC_DROP_NONE) {
		rx_drop(rxq, why);
		return;
	}
	data = msg + info.data_offset;	/* inside the message, which is inside rxbuf */
	/* Zero-copy unless small, an RSC fragment, or the tag must go back into the frame. */
	if (hold != NULL && info.data_bytes > rxq->dev->rx_copybreak &&
	    (info.ppis & rxq->copy_ppis) == 0 &&
	    (m = netvsc_rx_zc_frame(rxq, hold, data, info.data_bytes)) != NULL) {
		m->ol_flags |= rx_offloads(m, &info);	/* after the external buffer's */
	} else {
		m = rx_copy_frame(rxq, data, info.data_bytes, block_limit);
		if (m == NULL)
			return;
		m->ol_flags = rx_offloads(m, &info);
	}
	/* Rare: an RSC fragment, or a tag to put back into the frame (copy_ppis). */
	if (unlikely(info.ppis & rxq->copy_ppis)) {
		if ((info.ppis & NETVSC_RX_PPI_PKT_ID) &&
		    (m = rx_rsc_join(rxq, m, info.pkt_id_flags)) == NULL)
			return;
		if ((m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED) && !rxq->vlan_strip &&
		    rte_vlan_insert(&m) == 0)
			m->ol_flags &= ~(RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED);
	}
	rx_deliver(rxq, m);
}

/* Give the host its slots back; retried briefly if our tx ring is full. */
void
netvsc_rx_complete_xfer(struct netvsc_dev *dev, struct vmbus_channel *chan, uint64_t xact_id)
{
	struct nvsp_rndis_pkt_complete c = {
		.msg_type = NVSP_MSG1_TYPE_SEND_RNDIS_PKT_COMPLETE,
		.status = NVSP_STATUS_SUCCESS,
	};

	for (int tries = 0; tries < 100000; tries++) {
		if (rte_vmbus_chan_send(chan, VMBUS_CHANPKT_TYPE_COMP, &c, sizeof(c), xact_id, 0,
					NULL) != -EAGAIN)
			return;
		/* A host waiting for room on our rx ring may not read its own: give it. */
		if (tries == 0)
			rte_vmbus_chan_rx_publish(chan);
	}
	NETVSC_DRV_LOG(ERR, dev, "transfer %" PRIu64 " not completed: tx ring full", xact_id);
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
rx_other_message(struct netvsc_dev *dev, struct netvsc_rxq *rxq, const uint8_t *msg,
		 uint32_t range_bytes, struct netvsc_rx_hold *hold, uintptr_t block_limit)
{
	uint32_t type, bytes;
	enum netvsc_drop why = netvsc_rx_parse_rndis(msg, range_bytes, &type, &bytes);

	if (why != NETVSC_DROP_NONE)
		netvsc_ctl_drop(dev, why, "RNDIS message of a transfer");
	else if (type != RNDIS_MSG_PACKET)
		netvsc_ctl_on_rndis(dev, msg, type, bytes);
	else if (rxq != NULL)
		rx_data_message(rxq, msg, bytes, hold, block_limit);	/* its own gate drops it */
	else
		netvsc_ctl_drop(dev, NETVSC_DROP_DATA_WHILE_STOPPED, "frame with no queue");
}

static void
rx_xfer(struct netvsc_dev *dev, struct vmbus_channel *chan, struct netvsc_rxq *rxq,
	const uint8_t *pkt, uint32_t len)
{
	struct netvsc_xfer view;
	enum netvsc_drop why = netvsc_rx_parse_xfer(pkt, len, &view);
	/* Locals the loop keeps in registers: stores through mbufs may alias dev's or view. */
	const uint8_t *rxbuf = dev->rxbuf;
	uint32_t rxbuf_bytes = dev->rxbuf_bytes;
	struct netvsc_rx_hold *hold = NULL;
	uintptr_t block_limit = 0;

	if (why != NETVSC_DROP_NONE) {
		netvsc_ctl_drop(dev, why, "transfer-page packet");
		return;		/* unparsable: no id we can trust to complete */
	}
	const struct netvsc_xfer xfer = view;	/* set whole, now it parsed */
	if (!dev->started)
		rxq = NULL;		/* frames have nowhere to go */
	if (rxq != NULL) {
		hold = netvsc_rx_zc_begin(rxq, xfer.xact_id);
		block_limit = rx_copy_block_limit(dev, rxq);
	}
	for (uint32_t i = 0; i < RTE_MIN(xfer.nb_ranges, NETVSC_RX_PREFETCH_AHEAD); i++)
		rx_prefetch_range(rxbuf, rxbuf_bytes, &xfer, i);
	for (uint32_t i = 0; i < xfer.nb_ranges; i++) {
		struct netvsc_range r;
		const uint8_t *msg;
		uint32_t bytes;

		if (i + NETVSC_RX_PREFETCH_AHEAD < xfer.nb_ranges)
			rx_prefetch_range(rxbuf, rxbuf_bytes, &xfer, i + NETVSC_RX_PREFETCH_AHEAD);

		why = netvsc_xfer_range(&xfer, i, rxbuf_bytes, &r);
		if (why != NETVSC_DROP_NONE) {
			netvsc_ctl_drop(dev, why, "range of a transfer");
			continue;
		}
		msg = rxbuf + r.offset;
		if (likely(rxq != NULL && netvsc_rx_is_packet(msg, r.bytes, &bytes)))
			rx_data_message(rxq, msg, bytes, hold, block_limit);
		else
			rx_other_message(dev, rxq, msg, r.bytes, hold, block_limit);
	}
	if (hold == NULL || !netvsc_rx_zc_end(rxq, hold))
		netvsc_rx_complete_xfer(dev, chan, xfer.xact_id);
}

static void
rx_completion(struct netvsc_dev *dev, struct netvsc_txq *txq, const uint8_t *pkt, uint32_t len)
{
	const struct vmbus_chanpkt_hdr *hdr = (const void *)pkt;
	uint32_t off = (uint32_t)hdr->data_offset8 << VMBUS_CHANPKT_SIZE_SHIFT;

	if (hdr->xact_id >= NETVSC_XACT_DATA_BASE && txq != NULL)
		netvsc_tx_completion(txq, hdr->xact_id);
	else
		netvsc_ctl_on_completion(dev, hdr->xact_id, pkt + off, len - off);
}

/*
 * Host-initiated NVSP messages: 128 (VF association) through its gate; 134
 * (indirection table) is known and not used (RSS goes through RNDIS).
 */
static void
rx_inband(struct netvsc_dev *dev, const uint8_t *pkt, uint32_t len)
{
	const struct vmbus_chanpkt_hdr *hdr = (const void *)pkt;
	uint32_t off = (uint32_t)hdr->data_offset8 << VMBUS_CHANPKT_SIZE_SHIFT;
	struct netvsc_nvsp_vf vf;
	uint32_t type;

	if (len - off < sizeof(type)) {
		netvsc_ctl_drop(dev, NETVSC_DROP_BAD_INBAND, "inband NVSP message too short");
		return;
	}
	memcpy(&type, pkt + off, sizeof(type));
	if (type == NVSP_MSG5_TYPE_SEND_INDIRECTION_TABLE)
		return;
	if (netvsc_ctl_parse_vf_association(pkt + off, len - off, &vf) != NETVSC_CTL_OK) {
		netvsc_ctl_drop(dev, NETVSC_DROP_BAD_INBAND, "inband NVSP message unknown or short");
		return;
	}
	netvsc_vf_on_association(dev, vf.allocated != 0, vf.serial);
}

static bool
rx_full(const struct netvsc_rxq *rxq)
{
	return rxq->nb_pending > NETVSC_RX_PENDING_MAX - NETVSC_MAX_RANGES;
}

/*
 * Transfers read while the rx queue was full (a control wait or a starved tx
 * queue reading for what is behind them) wait here, copied, in arrival order;
 * their slots stay with us, so the host is held back as if we had not read,
 * and nothing is dropped: with the list full, reading stops.
 * Records: a 4-byte length (RX_DEFER_WRAP: go back to the start), the packet,
 * padding to 8 bytes.
 */
#define RX_DEFER_WRAP	UINT32_MAX

static uint32_t
rx_defer_record(uint32_t len)
{
	return 8u + RTE_ALIGN_CEIL(len, 8u);
}

/* Room for a packet of any size, wrapping included. */
static bool
rx_defer_room(const struct netvsc_rxq *rxq)
{
	return rxq->defer.used + 2 * rx_defer_record(NETVSC_RX_PKT_BYTES) <= NETVSC_RX_DEFER_BYTES;
}

static int
rx_defer_push(struct netvsc_rxq *rxq, const uint8_t *pkt, uint32_t len)
{
	struct netvsc_rx_defer *d = &rxq->defer;
	uint32_t need = rx_defer_record(len), room_at_end = NETVSC_RX_DEFER_BYTES - d->tail;

	if (need > room_at_end) {
		if (d->used + room_at_end + need > NETVSC_RX_DEFER_BYTES)
			return -ENOSPC;
		memcpy(d->buf + d->tail, &(uint32_t){ RX_DEFER_WRAP }, sizeof(uint32_t));
		d->used += room_at_end;
		d->tail = 0;
	}
	if (d->used + need > NETVSC_RX_DEFER_BYTES)
		return -ENOSPC;
	memcpy(d->buf + d->tail, &len, sizeof(len));
	memcpy(d->buf + d->tail + 8, pkt, len);
	d->tail = (d->tail + need) % NETVSC_RX_DEFER_BYTES;
	d->used += need;
	return 0;
}

/* Oldest deferred transfer into rxq->pkt; false when there is none. */
static bool
rx_defer_pop(struct netvsc_rxq *rxq, uint32_t *len)
{
	struct netvsc_rx_defer *d = &rxq->defer;

	if (d->used == 0)
		return false;
	memcpy(len, d->buf + d->head, sizeof(*len));
	if (*len == RX_DEFER_WRAP) {
		d->used -= NETVSC_RX_DEFER_BYTES - d->head;
		d->head = 0;
		memcpy(len, d->buf, sizeof(*len));
	}
	memcpy(rxq->pkt, d->buf + d->head + 8, *len);
	d->head = (d->head + rx_defer_record(*len)) % NETVSC_RX_DEFER_BYTES;
	d->used -= rx_defer_record(*len);
	return true;
}

/* Deferred transfers, oldest first, while there is room (or all, when stopped). */
void
netvsc_rx_undefer(struct netvsc_rxq *rxq)
{
	uint32_t len;

	while ((!rx_full(rxq) || !rxq->dev->started) && rx_defer_pop(rxq, &len))
		rx_xfer(rxq->dev, rxq->chan, rxq, rxq->pkt, len);
}

/*
 * Up to 256 packets of chan's rx ring, handled, until rxq holds want frames;
 * their ring space not yet published. Returns how many were read.
 */
static int
chan_read(struct netvsc_dev *dev, struct vmbus_channel *chan, struct netvsc_rxq *rxq,
	  struct netvsc_txq *txq, bool read_all, uint32_t want)
{
	static uint8_t ctl_pkt[NETVSC_RX_PKT_BYTES];	/* before queues exist: control only */
	uint8_t *pkt = rxq != NULL ? rxq->pkt : txq != NULL ? txq->pkt : ctl_pkt;
	const struct vmbus_chanpkt_hdr *hdr = (const void *)pkt;
	int n;

	/* Called with the channel's lock held: one reader, one writer per ring. */
	for (n = 0; n < 256; n++) {
		uint32_t len = NETVSC_RX_PKT_BYTES;
		int ret;

		/*
		 * Back-pressure: frames wait in the host while the rx queue is full.
		 * A control wait or a starved tx queue reads on (replies and send
		 * completions may be behind frames), deferring the transfers, as
		 * long as the deferred list has room for any packet.
		 */
		if (rxq != NULL && (rx_full(rxq) || rxq->defer.used > 0) &&
		    (!read_all || !rx_defer_room(rxq)))
			break;
		if (rxq != NULL && rxq->nb_pending + rxq->burst_n >= want)
			break;

		ret = rte_vmbus_chan_recv_raw_deferred(chan, pkt, &len);
		if (ret == -ENOBUFS) {
			/* Larger than any packet we take: skipped, or it blocks the ring. */
			netvsc_ctl_drop(dev, NETVSC_DROP_OVERSIZED_PACKET, "channel packet too large");
			if (rte_vmbus_chan_recv_skip(chan) == 0)
				continue;
		}
		if (ret < 0)
			break;
		switch (hdr->type) {
		case VMBUS_CHANPKT_TYPE_RXBUF:
			if (rxq != NULL && (rx_full(rxq) || rxq->defer.used > 0))
				rx_defer_push(rxq, pkt, len);	/* room checked above */
			else
				rx_xfer(dev, chan, rxq, pkt, len);
			break;
		case VMBUS_CHANPKT_TYPE_COMP:
			rx_completion(dev, txq, pkt, len);
			break;
		case VMBUS_CHANPKT_TYPE_INBAND:
			rx_inband(dev, pkt, len);
			break;
		default:
			netvsc_ctl_drop(dev, NETVSC_DROP_BAD_PACKET_TYPE, "channel packet type");
		}
	}
	return n;		/* packets read */
}

void
netvsc_chan_poll(struct netvsc_dev *dev, struct netvsc_rxq *rxq, struct netvsc_txq *txq,
		 bool read_all)
{
	struct vmbus_channel *chan = rxq != NULL ? rxq->chan :
				     txq != NULL ? txq->chan : dev->primary;

	/* The host's read index (a line it polls) moves once per poll, not per packet. */
	chan_read(dev, chan, rxq, txq, read_all, UINT32_MAX);
	rte_vmbus_chan_rx_publish(chan);
}

static uint16_t
rx_take_pending(struct netvsc_rxq *rxq, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	uint16_t n = RTE_MIN(nb_pkts, rxq->nb_pending), head = rxq->pending_head;

	/* Counted when the application gets them, as other PMDs count. */
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = rxq->pending[(head + i) % NETVSC_RX_PENDING_MAX];

		netvsc_count_frame(&rxq->stats, m->pkt_len);
		pkts[i] = m;
	}
	rxq->stats.packets += n;
	rxq->pending_head = (uint16_t)((head + n) % NETVSC_RX_PENDING_MAX);
	rxq->nb_pending = (uint16_t)(rxq->nb_pending - n);
	return n;
}

/*
 * Nothing for a burst to do: no frame waiting in the queue or the host's
 * ring, no zero-copy slot to give back. Read without the channel's lock:
 * what another lcore adds meanwhile waits for the next poll.
 */
static inline bool
rx_idle(const struct netvsc_rxq *rxq)
{
	return __atomic_load_n(&rxq->nb_pending, __ATOMIC_RELAXED) == 0 &&
	       __atomic_load_n(&rxq->defer.used, __ATOMIC_RELAXED) == 0 &&
	       rte_vmbus_chan_rx_empty(rxq->chan) &&
	       __atomic_load_n(&rxq->holds_freed, __ATOMIC_RELAXED) == rxq->holds_completed;
}

uint16_t
netvsc_rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct netvsc_rxq *rxq = queue;
	uint16_t n;

	if (rx_idle(rxq))	/* the common empty poll: no lock, no ring walk */
		return netvsc_vf_rx(rxq->port_id, rxq->queue_id, pkts, nb_pkts);
	rte_spinlock_lock(rxq->lock);
	netvsc_rx_zc_complete_freed(rxq);
	netvsc_rx_undefer(rxq);
	n = rx_take_pending(rxq, pkts, nb_pkts);
	/*
	 * Read only what this burst takes, straight into pkts: mbufs then cycle
	 * through a few bursts' worth that stay in cache, not a thousand read
	 * ahead. What a transfer has beyond that waits in the queue.
	 */
	if (n < nb_pkts) {
		rxq->burst = pkts;
		rxq->burst_n = n;
		rxq->burst_max = nb_pkts;
		if (chan_read(rxq->dev, rxq->chan, rxq, rxq->txq, false, nb_pkts) > 0)
			rte_vmbus_chan_rx_publish(rxq->chan);
		rxq->stats.packets += rxq->burst_n - n;
		n = rxq->burst_n;
		rxq->burst_n = 0;
		rxq->burst_max = 0;
	}
	netvsc_chan_unlock(rxq->lock);
	if (n < nb_pkts)	/* VF hook: then what the active VF received */
		n += netvsc_vf_rx(rxq->port_id, rxq->queue_id, pkts + n, nb_pkts - n);
	return n;
}
