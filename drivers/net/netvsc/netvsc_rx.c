/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Receive: a channel's inbound ring carries received frames (transfer pages),
 * completions of our sends and control traffic. netvsc_chan_poll reads it
 * for either burst of the channel's queue pair; a transfer's frames become
 * mbufs in netvsc_rx_xfer.c (this process's build of it) and wait in the rx
 * queue for its next burst.
 */
#include <string.h>

#include <rte_mbuf.h>
#include <rte_net.h>

#include "netvsc.h"
#include "netvsc_ctl_parse.h"
#include "netvsc_rx_parse.h"
#include "netvsc_vf.h"	/* VF hooks: accelerated networking */
#include "nvsp_wire.h"
#include "vmbus_wire.h"

static inline int
rx_send_completion(struct vmbus_channel *chan, uint64_t xact_id)
{
	static const struct nvsp_rndis_pkt_complete c = {
		.msg_type = NVSP_MSG1_TYPE_SEND_RNDIS_PKT_COMPLETE,
		.status = NVSP_STATUS_SUCCESS,
	};

	return rte_vmbus_chan_send(chan, VMBUS_CHANPKT_TYPE_COMP, &c, sizeof(c), xact_id, 0, NULL);
}

/*
 * Give the host a transfer's slots back, once; false when our ring to the
 * host is full (then the host's view of our rx ring is brought up to date,
 * as a host waiting for room there may not read its own).
 */
static bool
rx_try_complete(struct vmbus_channel *chan, uint64_t xact_id)
{
	if (likely(rx_send_completion(chan, xact_id) != -EAGAIN))
		return true;
	rte_vmbus_chan_rx_publish(chan);
	return rx_send_completion(chan, xact_id) != -EAGAIN;
}

/*
 * Where no rx queue can keep it waiting (control reads before the queues
 * exist, a tx queue without its rx queue, a released queue's zero-copy
 * transfers): retried for about 5 ms, then dropped and counted; the host
 * keeps the slots.
 */
void
netvsc_rx_complete_xfer(struct netvsc_dev *dev, struct vmbus_channel *chan, uint64_t xact_id)
{
	for (int tries = 0; tries < 50000; tries++)
		if (rx_try_complete(chan, xact_id))
			return;
	netvsc_ctl_drop(dev, NETVSC_DROP_UNCOMPLETED_XFER,
			"completion of a transfer: our ring to the host stays full");
}

/* The host's slots back: through rxq's wait list, or retried here with no queue. */
void
netvsc_rx_give_back(struct netvsc_dev *dev, struct vmbus_channel *chan, struct netvsc_rxq *rxq,
		    uint64_t xact_id)
{
	if (rxq != NULL)
		netvsc_rxq_complete_xfer(rxq, xact_id);
	else
		netvsc_rx_complete_xfer(dev, chan, xact_id);
}

/* A completion of rxq's that can no longer wait: counted in the queue (its lcore's). */
static void
rxq_completion_lost(struct netvsc_rxq *rxq, const char *what)
{
	netvsc_drop_count(rxq->dev, &rxq->drops[NETVSC_DROP_UNCOMPLETED_XFER], what);
}

/*
 * An rx queue's transfer: a completion our full ring to the host refuses
 * waits in the queue's list, sent before others by its next polls, while
 * the queue reads on: nothing spins, and a host that waits for room in our
 * rx ring before it reads its own is not deadlocked. The list is as long
 * as the host's slots; a host lending past them loses what overflows.
 */
void
netvsc_rxq_complete_xfer(struct netvsc_rxq *rxq, uint64_t xact_id)
{
	if (likely(rx_try_complete(rxq->chan, xact_id)))
		return;
	if (rxq->nb_comp == rxq->comp_cap) {
		rxq_completion_lost(rxq, "transfer completion: ring to the host and wait list full");
		return;
	}
	rxq->comp_wait[(rxq->comp_head + rxq->nb_comp) & (rxq->comp_cap - 1)] = xact_id;
	rxq->nb_comp++;
}

/* Waiting completions, oldest first, while our ring to the host takes them. */
static void
rx_complete_waiting(struct netvsc_rxq *rxq)
{
	while (unlikely(rxq->nb_comp > 0) &&
	       rx_try_complete(rxq->chan, rxq->comp_wait[rxq->comp_head])) {
		rxq->comp_head = (rxq->comp_head + 1) & (rxq->comp_cap - 1);
		rxq->nb_comp--;
	}
}

/* At stop: the waiting completions once more each; what our ring still refuses is lost. */
void
netvsc_rxq_complete_drain(struct netvsc_rxq *rxq)
{
	rx_complete_waiting(rxq);
	for (; rxq->nb_comp > 0; rxq->nb_comp--)
		rxq_completion_lost(rxq, "transfer completion: ring to the host full at stop");
	rxq->comp_head = 0;
}

/* A data send's completion (nvsp.md 3.11): did the host refuse it? An empty one: taken. */
static inline bool
rx_send_refused(const uint8_t *payload, uint32_t len)
{
	struct nvsp_rndis_pkt_complete c;

	if (len < offsetof(struct nvsp_rndis_pkt_complete, pad))
		return false;
	memcpy(&c, payload, offsetof(struct nvsp_rndis_pkt_complete, pad));
	return c.msg_type == NVSP_MSG1_TYPE_SEND_RNDIS_PKT_COMPLETE &&
	       c.status != NVSP_STATUS_SUCCESS;
}

static void
rx_completion(struct netvsc_dev *dev, const struct vmbus_channel *chan, struct netvsc_txq *txq,
	      const uint8_t *pkt, uint32_t len)
{
	const struct vmbus_chanpkt_hdr *hdr = (const void *)pkt;
	uint32_t off = (uint32_t)hdr->data_offset8 << VMBUS_CHANPKT_SIZE_SHIFT;

	if ((uint32_t)hdr->xact_id >= NETVSC_XACT_DATA_BASE && txq != NULL)
		netvsc_tx_completion(txq, hdr->xact_id, rx_send_refused(pkt + off, len - off));
	else
		netvsc_ctl_on_completion(dev, chan, hdr->xact_id, pkt + off, len - off);
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
 * their slots stay with us, so the host is held back as if we had not read.
 * With the list full, the frames of newer ones are missed (rx_xfer_while_full).
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

/*
 * A transfer read while rxq is full (a control wait or a starved tx queue
 * reads on): control replies and indications (NVSP channel type 1, rndis.md
 * 1) are handled at once, so a control wait gets its reply while the
 * application leaves queue 0 full, and one the gate refuses goes its usual
 * way (counted); frames wait in the deferred list, and with that full they
 * are missed (rx_missed_errors, as a NIC's full ring drops the newest) and
 * their slots go back.
 */
static void
rx_xfer_while_full(struct netvsc_rxq *rxq, const uint8_t *pkt, uint32_t len)
{
	struct netvsc_xfer x;

	if (netvsc_rx_parse_xfer(pkt, len, &x) != NETVSC_DROP_NONE ||
	    x.channel_type == NVSP_RNDIS_CHANNEL_CONTROL) {
		netvsc_rx_xfer_path(rxq->dev, rxq->chan, rxq, pkt, len);
	} else if (rx_defer_room(rxq)) {
		rx_defer_push(rxq, pkt, len);
	} else {
		rxq->stats.missed += x.nb_ranges;
		netvsc_rxq_complete_xfer(rxq, x.xact_id);
	}
}

/*
 * A packet too large for our buffer, skipped with its head read: a transfer
 * of our buffer still lent slots, so they go back (counted once, as oversized).
 */
static void
rx_skipped(struct netvsc_dev *dev, struct vmbus_channel *chan, struct netvsc_rxq *rxq,
	   const uint8_t *head, uint32_t len)
{
	const struct vmbus_chanpkt_hdr *hdr = (const void *)head;
	struct netvsc_xfer x;

	if (len < sizeof(struct vmbus_chanpkt_rxbuf) || hdr->type != VMBUS_CHANPKT_TYPE_RXBUF)
		return;
	(void)netvsc_rx_parse_xfer(head, len, &x);	/* refused: it is not whole */
	if (x.ours)
		netvsc_rx_give_back(dev, chan, rxq, x.xact_id);
}

/* Deferred transfers, oldest first, while there is room (or all, when stopped). */
void
netvsc_rx_undefer(struct netvsc_rxq *rxq)
{
	uint32_t len;

	while ((!rx_full(rxq) || !rxq->dev->started) && rx_defer_pop(rxq, &len))
		netvsc_rx_xfer_path(rxq->dev, rxq->chan, rxq, rxq->pkt, len);
}

/*
 * Up to max_pkts packets of chan's rx ring, handled, until rxq holds want
 * frames; their ring space not yet published. Returns how many were read.
 */
static int
chan_read(struct netvsc_dev *dev, struct vmbus_channel *chan, struct netvsc_rxq *rxq,
	  struct netvsc_txq *txq, bool read_all, uint32_t want, uint32_t max_pkts)
{
	uint8_t *pkt = rxq != NULL ? rxq->pkt : txq != NULL ? txq->pkt : dev->ctl_pkt;
	const struct vmbus_chanpkt_hdr *hdr = (const void *)pkt;
	int n;

	/* Called with the channel's lock held: one reader, one writer per ring. */
	for (n = 0; (uint32_t)n < max_pkts; n++) {
		uint32_t len = NETVSC_RX_PKT_BYTES;
		int ret;

		/*
		 * Back-pressure: frames wait in the host while the rx queue is full.
		 * A control wait or a starved tx queue reads on (replies and send
		 * completions may be behind frames), deferring the transfers while
		 * the deferred list has room for any packet, then missing their
		 * frames (rx_xfer_while_full): such a read is never stuck behind them.
		 */
		if (rxq != NULL && (rx_full(rxq) || rxq->defer.used > 0) && !read_all)
			break;
		if (rxq != NULL && rxq->nb_pending + rxq->burst_n >= want)
			break;

		ret = rte_vmbus_chan_recv_raw_deferred(chan, pkt, &len);
		if (ret == -ENOBUFS) {
			/* Larger than any packet we take: skipped, or it blocks the ring. */
			netvsc_ctl_drop(dev, NETVSC_DROP_OVERSIZED_PACKET, "channel packet too large");
			len = sizeof(struct vmbus_chanpkt_rxbuf);
			if (rte_vmbus_chan_recv_skip(chan, pkt, &len) == 0) {
				rx_skipped(dev, chan, rxq, pkt, len);
				continue;
			}
		}
		if (ret < 0)
			break;
		switch (hdr->type) {
		case VMBUS_CHANPKT_TYPE_RXBUF:
			if (rxq != NULL && (rx_full(rxq) || rxq->defer.used > 0))
				rx_xfer_while_full(rxq, pkt, len);
			else
				netvsc_rx_xfer_path(dev, chan, rxq, pkt, len);
			break;
		case VMBUS_CHANPKT_TYPE_COMP:
			rx_completion(dev, chan, txq, pkt, len);
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

/* Returns the channel packets read (at most max_pkts). */
int
netvsc_chan_poll(struct netvsc_dev *dev, struct netvsc_rxq *rxq, struct netvsc_txq *txq,
		 bool read_all, uint32_t max_pkts)
{
	struct vmbus_channel *chan = rxq != NULL ? rxq->chan :
				     txq != NULL ? txq->chan : dev->primary;
	int n;

	if (unlikely(chan == NULL))
		return 0;		/* a new session that failed left the queue without one */
	if (rxq != NULL)
		rx_complete_waiting(rxq);	/* a tx or control poll gives slots back too */
	/* The host's read index (a line it polls) moves once per poll, not per packet. */
	n = chan_read(dev, chan, rxq, txq, read_all, UINT32_MAX, max_pkts);
	rte_vmbus_chan_rx_publish(chan);
	if (rxq != NULL && n > 0)
		netvsc_intr_after_read(rxq);	/* its lcore may sleep on what we read */
	return n;
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
 * ring, no completion or zero-copy slot to give back. Read without the
 * channel's lock: what another lcore adds meanwhile waits for the next poll.
 */
static inline bool
rx_idle(const struct netvsc_rxq *rxq)
{
	/* One test for the three counts: the empty poll is most polls. */
	return (__atomic_load_n(&rxq->nb_pending, __ATOMIC_RELAXED) |
		__atomic_load_n(&rxq->defer.used, __ATOMIC_RELAXED) |
		__atomic_load_n(&rxq->nb_comp, __ATOMIC_RELAXED)) == 0 &&
	       rte_vmbus_chan_rx_empty(rxq->chan) &&
	       __atomic_load_n(&rxq->holds_freed, __ATOMIC_RELAXED) == rxq->holds_completed;
}

/* Take the channel; give back what waits to go to the host; take in deferred transfers. */
static inline void
rx_lock_and_settle(struct netvsc_rxq *rxq)
{
	rte_spinlock_lock(rxq->lock);
	rx_complete_waiting(rxq);
	netvsc_rx_zc_complete_freed(rxq);
	netvsc_rx_undefer(rxq);
}

/*
 * The burst's frames typed, unless the application asked for no types: the
 * host gives none, nor do some VFs (a VF's own types are kept).
 */
static inline void
rx_fill_ptypes(const struct netvsc_rxq *rxq, struct rte_mbuf **pkts, uint16_t n)
{
	if (!netvsc_rxq_ptypes(rxq))
		return;
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if ((m->packet_type & RTE_PTYPE_L3_MASK) == 0)
			m->packet_type = rte_net_get_ptype(m, NULL, NETVSC_PTYPE_LAYERS);
	}
}

uint16_t
netvsc_rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct netvsc_rxq *rxq = queue;
	uint16_t n;

	if (rx_idle(rxq)) {	/* the common empty poll: no lock, no ring walk */
		n = netvsc_vf_rx(rxq, pkts, nb_pkts);
		if (n != 0)
			rx_fill_ptypes(rxq, pkts, n);
		return n;
	}
	rx_lock_and_settle(rxq);
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
		if (chan_read(rxq->dev, rxq->chan, rxq, rxq->txq, false, nb_pkts,
			      NETVSC_POLL_PKTS) > 0)
			rte_vmbus_chan_rx_publish(rxq->chan);
		rxq->stats.packets += rxq->burst_n - n;
		n = rxq->burst_n;
		rxq->burst_n = 0;
		rxq->burst_max = 0;
	}
	netvsc_chan_unlock(rxq->lock);
	if (n < nb_pkts)	/* VF hook: then what the active VF received */
		n += netvsc_vf_rx(rxq, pkts + n, nb_pkts - n);
	rx_fill_ptypes(rxq, pkts, n);
	return n;
}

/*
 * Frames received and not yet taken by a burst, read from the ring (as a
 * burst reads, without one) until there are want of them, the ring is
 * empty or the queue holds what it can (NETVSC_RX_PENDING_MAX less a
 * transfer's worth): the frames then wait for the next burst. ethdev's
 * queries do not run beside the queue's rx burst: the lock-free idle test
 * is then exact.
 */
static uint16_t
rx_fill_pending(struct netvsc_rxq *rxq, uint32_t want)
{
	uint16_t n;

	if (rx_idle(rxq))
		return 0;
	rx_lock_and_settle(rxq);
	if (rxq->nb_pending < want &&
	    chan_read(rxq->dev, rxq->chan, rxq, rxq->txq, false, want, NETVSC_POLL_PKTS) > 0) {
		rte_vmbus_chan_rx_publish(rxq->chan);
		netvsc_intr_after_read(rxq);	/* a query from another thread */
	}
	n = rxq->nb_pending;
	netvsc_chan_unlock(rxq->lock);
	return n;
}

/*
 * rte_eth_rx_queue_count: frames waiting for a burst (a poll reads the ring
 * for them), at most the queue's descriptors (a tx reap may have read more).
 */
uint32_t
netvsc_rx_queue_count(void *queue)
{
	struct netvsc_rxq *rxq = queue;

	return RTE_MIN(rx_fill_pending(rxq, rxq->nb_desc), rxq->nb_desc);
}

/* rte_eth_rx_descriptor_status: DONE when at least offset + 1 frames wait for a burst. */
int
netvsc_rx_descriptor_status(void *queue, uint16_t offset)
{
	struct netvsc_rxq *rxq = queue;

	if (offset >= rxq->nb_desc)
		return -EINVAL;
	return offset < rx_fill_pending(rxq, offset + 1u) ? RTE_ETH_RX_DESC_DONE :
							     RTE_ETH_RX_DESC_AVAIL;
}
