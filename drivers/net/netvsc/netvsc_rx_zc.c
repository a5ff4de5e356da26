/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Zero-copy receive (devarg rx_extmbuf_enable=1): frames above rx_copybreak
 * become external mbufs pointing into the receive buffer, and the host gets
 * the transfer's slots back only when the application has freed every such
 * mbuf of it. A hold records one transfer whose completion is deferred; the
 * mbufs' free callback (any lcore) only marks it, the queue's own burst sends
 * the completion (a released queue's: netvsc_rx_zc_reap, on the control
 * path). Off by default: the frames stay in memory the host shares.
 */
#include <string.h>

#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "netvsc.h"
#include "vmbus_wire.h"

struct netvsc_rx_hold {
	struct rte_mbuf_ext_shared_info shinfo;	/* refcnt: our guard + mbufs out */
	uint64_t xact_id;
	uint64_t *nb_freed;		/* the queue's count of holds freed by the application */
	uint16_t port_id, queue_id;	/* the queue's, for a wake-up */
	bool freed;			/* written by the free callback */
	bool in_use;
};

/* Page addresses of the receive buffer, or NULL when some page has none. */
static int
rx_zc_page_table(struct netvsc_dev *dev)
{
	uint32_t nb = dev->rxbuf_bytes / VMBUS_PAGE_BYTES;

	if (dev->rxbuf_page_iova != NULL)
		return 0;
	dev->rxbuf_page_iova = rte_malloc("netvsc_rxbuf_iova", sizeof(rte_iova_t) * nb, 0);
	if (dev->rxbuf_page_iova == NULL)
		return -ENOMEM;
	for (uint32_t p = 0; p < nb; p++) {
		volatile const uint8_t *page = dev->rxbuf + (size_t)p * VMBUS_PAGE_BYTES;

		(void)*page;	/* mapped in, or the page map knows no frame for it */
		dev->rxbuf_page_iova[p] = rte_mem_virt2iova((const void *)(uintptr_t)page);
		if (dev->rxbuf_page_iova[p] == RTE_BAD_IOVA) {
			NETVSC_DRV_LOG(NOTICE, dev, "receive buffer page %u has no IO address: "
				       "frames are copied", p);
			rte_free(dev->rxbuf_page_iova);
			dev->rxbuf_page_iova = NULL;
			return -ENOTSUP;
		}
	}
	return 0;
}

static void
rx_zc_tables_free(struct netvsc_rxq *rxq)
{
	rte_free(rxq->holds);
	rte_free(rxq->free_holds);
	rxq->holds = NULL;
	rxq->free_holds = NULL;
}

int
netvsc_rx_zc_setup(struct netvsc_rxq *rxq)
{
	struct netvsc_dev *dev = rxq->dev;

	if (!dev->rx_extmbuf_enable || rx_zc_page_table(dev) < 0)
		return 0;		/* copying always works */
	rxq->holds = rte_zmalloc("netvsc_rx_holds", sizeof(*rxq->holds) * NETVSC_RX_HOLDS,
				 RTE_CACHE_LINE_SIZE);
	rxq->free_holds = rte_malloc("netvsc_rx_free_holds",
				     sizeof(*rxq->free_holds) * NETVSC_RX_HOLDS, 0);
	if (rxq->holds == NULL || rxq->free_holds == NULL) {
		rx_zc_tables_free(rxq);
		return -ENOMEM;
	}
	for (uint16_t i = 0; i < NETVSC_RX_HOLDS; i++) {
		rxq->holds[i].nb_freed = &rxq->holds_freed;
		rxq->holds[i].port_id = rxq->port_id;
		rxq->holds[i].queue_id = rxq->queue_id;
		rxq->free_holds[i] = (uint16_t)(NETVSC_RX_HOLDS - 1 - i);
	}
	rxq->nb_free_holds = NETVSC_RX_HOLDS;
	return 0;
}

/*
 * Frames the application still holds keep their slots, this table and the
 * queue alive (true): their free callback counts into the queue, which the
 * caller puts on dev's zc_released list for netvsc_rx_zc_reap.
 */
bool
netvsc_rx_zc_release(struct netvsc_rxq *rxq)
{
	if (rxq->holds == NULL)
		return false;
	netvsc_rx_zc_complete_freed(rxq);
	if (rxq->nb_free_holds != NETVSC_RX_HOLDS) {
		NETVSC_DRV_LOG(WARNING, rxq->dev, "queue %u released with %u transfers still "
			       "held by the application's mbufs: kept until they are freed, their "
			       "slots back to the host at the next start",
			       rxq->queue_id, NETVSC_RX_HOLDS - rxq->nb_free_holds);
		return true;
	}
	rx_zc_tables_free(rxq);
	return false;
}

/*
 * The last mbuf on a hold was freed, on whichever lcore or thread: the owner
 * completes it, woken if it sleeps on its rx interrupt. The queue's count
 * first, the hold's flag last: once the flag is seen, a release or a reap
 * may free the hold and the queue, so nothing here reads them after it.
 */
static void
rx_zc_free_cb(void *addr, void *opaque)
{
	struct netvsc_rx_hold *h = opaque;
	uint16_t port_id = h->port_id, queue_id = h->queue_id;

	RTE_SET_USED(addr);
	__atomic_fetch_add(h->nb_freed, 1, __ATOMIC_SEQ_CST);	/* see netvsc_intr_rx_freed */
	__atomic_store_n(&h->freed, true, __ATOMIC_RELEASE);
	netvsc_intr_rx_freed(port_id, queue_id);
}

struct netvsc_rx_hold *
netvsc_rx_zc_begin(struct netvsc_rxq *rxq, uint64_t xact_id)
{
	struct netvsc_rx_hold *h;

	if (rxq->holds == NULL || rxq->nb_free_holds == 0)
		return NULL;
	h = &rxq->holds[rxq->free_holds[--rxq->nb_free_holds]];
	h->xact_id = xact_id;
	h->in_use = true;
	h->freed = false;
	h->shinfo.free_cb = rx_zc_free_cb;
	h->shinfo.fcb_opaque = h;
	rte_mbuf_ext_refcnt_set(&h->shinfo, 1);	/* our guard while filling */
	return h;
}

static void
rx_zc_put(struct netvsc_rxq *rxq, struct netvsc_rx_hold *h)
{
	h->in_use = false;
	rxq->free_holds[rxq->nb_free_holds++] = (uint16_t)(h - rxq->holds);
}

/* A frame as an external mbuf, or NULL (it crosses discontiguous pages, no mbuf). */
struct rte_mbuf *
netvsc_rx_zc_frame(struct netvsc_rxq *rxq, struct netvsc_rx_hold *h, const uint8_t *data,
		   uint32_t len)
{
	const struct netvsc_dev *dev = rxq->dev;
	uint32_t off = (uint32_t)(data - dev->rxbuf);
	uint32_t first = off / VMBUS_PAGE_BYTES, last = (off + len - 1) / VMBUS_PAGE_BYTES;
	rte_iova_t iova = dev->rxbuf_page_iova[first] + off % VMBUS_PAGE_BYTES;
	struct rte_mbuf *m;

	if (len > UINT16_MAX)
		return NULL;
	for (uint32_t p = first + 1; p <= last; p++)
		if (dev->rxbuf_page_iova[p] !=
		    dev->rxbuf_page_iova[first] + (rte_iova_t)(p - first) * VMBUS_PAGE_BYTES)
			return NULL;
	m = rte_pktmbuf_alloc(rxq->mp);
	if (m == NULL)
		return NULL;
	rte_mbuf_ext_refcnt_update(&h->shinfo, 1);
	rte_pktmbuf_attach_extbuf(m, (void *)(uintptr_t)data, iova, (uint16_t)len, &h->shinfo);
	m->data_len = (uint16_t)len;
	m->pkt_len = len;
	m->port = rxq->port_id;
	rxq->stats.zero_copy++;
	return m;
}

/* True when mbufs of the transfer are out and its completion waits for them. */
bool
netvsc_rx_zc_end(struct netvsc_rxq *rxq, struct netvsc_rx_hold *h)
{
	if (rte_mbuf_ext_refcnt_update(&h->shinfo, -1) != 0)
		return true;
	rx_zc_put(rxq, h);		/* every frame was copied */
	return false;
}

/*
 * With the channel's lock: complete the transfers whose mbufs are all
 * freed, through live's wait list, or at once for a released queue (NULL);
 * a device the host removed is not answered (nobody reads its ring).
 */
static void
rx_zc_complete(struct netvsc_rxq *rxq, struct netvsc_rxq *live)
{
	bool gone = live == NULL && __atomic_load_n(&rxq->dev->rescinded, __ATOMIC_ACQUIRE);

	uint64_t freed = __atomic_load_n(&rxq->holds_freed, __ATOMIC_ACQUIRE);

	if (rxq->holds == NULL || freed == rxq->holds_completed)
		return;
	for (uint16_t i = 0; i < NETVSC_RX_HOLDS; i++) {
		struct netvsc_rx_hold *h = &rxq->holds[i];

		if (!h->in_use || !__atomic_load_n(&h->freed, __ATOMIC_ACQUIRE))
			continue;
		if (!gone)
			netvsc_rx_give_back(rxq->dev, rxq->chan, live, h->xact_id);
		rx_zc_put(rxq, h);
		rxq->holds_completed++;
	}
}

void
netvsc_rx_zc_complete_freed(struct netvsc_rxq *rxq)
{
	rx_zc_complete(rxq, rxq);
}

/*
 * Queues released while the application held their zero-copy mbufs: what
 * it freed since goes back to the host (the same channel and session: an
 * MTU change waits for them all), and a queue it no longer holds is freed.
 * Control path: start, rx queue setup, the MTU check, close.
 */
void
netvsc_rx_zc_reap(struct netvsc_dev *dev)
{
	const struct rte_eth_dev_data *data = dev->eth->data;
	struct netvsc_rxq **link = &dev->zc_released;

	while (*link != NULL) {
		struct netvsc_rxq *rxq = *link;
		/* The queue now on its channel keeps what a full ring refuses: no spin. */
		struct netvsc_rxq *live = rxq->queue_id < data->nb_rx_queues ?
					  data->rx_queues[rxq->queue_id] : NULL;

		rte_spinlock_lock(rxq->lock);
		rx_zc_complete(rxq, live);
		rte_spinlock_unlock(rxq->lock);
		if (rxq->nb_free_holds != NETVSC_RX_HOLDS) {
			link = &rxq->zc_next;
			continue;
		}
		*link = rxq->zc_next;
		rx_zc_tables_free(rxq);
		rte_free(rxq);
	}
}

/*
 * Transfers the application's zero-copy mbufs still hold, over the port's
 * rx queues and those released: their ids are the host session's, and
 * their frames in its receive buffer, so a new session must wait for them.
 */
unsigned int
netvsc_rx_zc_held(struct rte_eth_dev *eth)
{
	struct netvsc_dev *dev = eth->data->dev_private;
	unsigned int n = 0;

	netvsc_rx_zc_reap(dev);
	for (const struct netvsc_rxq *rxq = dev->zc_released; rxq != NULL; rxq = rxq->zc_next)
		n += NETVSC_RX_HOLDS - rxq->nb_free_holds;

	for (uint16_t q = 0; q < eth->data->nb_rx_queues; q++) {
		struct netvsc_rxq *rxq = eth->data->rx_queues[q];

		if (rxq == NULL || rxq->holds == NULL)
			continue;
		rte_spinlock_lock(rxq->lock);
		netvsc_rx_zc_complete_freed(rxq);
		n += NETVSC_RX_HOLDS - rxq->nb_free_holds;
		rte_spinlock_unlock(rxq->lock);
	}
	return n;
}
