/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_hvsim_vf: a test-only vdev that plays a NIC's SR-IOV VF under hvsim.
 * Its "PCI device" is hvsim's <run>/vf<N> file (vf_wire.h): one port with
 * the NIC's MAC, queue pairs over shared-memory rings. When hvsim removes
 * the VF the port raises RTE_ETH_EVENT_INTR_RMV (from the alarm thread, as
 * a surprise PCI removal does); when hvsim plugs one in again the device is
 * probed again (rte_eal_hotplug_add), as a hotplug-aware application would.
 * Loaded with -d into our testpmd and, built against the distro's headers,
 * into Debian's. Rx queue interrupts (intr_conf.rxq) are played by an alarm
 * that looks at the armed queues' rings every millisecond and writes the
 * queue's eventfd, as the hardware's MSI-X would, for frames that came
 * after the arming only (as a NIC's completion event): frames already
 * there are for the application to see (rte_eth_rx_queue_count).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_alarm.h>
#include <rte_spinlock.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <ethdev_driver.h>
#include <ethdev_vdev.h>
#include <bus_vdev_driver.h>
#include <rte_interrupts.h>
#include <rte_kvargs.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "vf_wire.h"

#define VF_RUN_DIR_ENV		"HVSIM_RUN_DIR"
#define VF_ARG_NIC		"nic"
#define VF_ARG_STRIP		"strip"		/* 1: the VF can strip VLAN tags */
#define VF_ARG_INTR		"intr"		/* 0: the VF refuses rx interrupts */
#define VF_ARG_MISSED		"missed"	/* N: frames the VF's NIC reports missed */
#define VF_WATCH_US		10000u		/* how often removal and plug-in are checked */
#define VF_MAX_SLOTS		8u
#define VF_INTR_POLL_US		1000u		/* how often armed queues' rings are looked at */

RTE_LOG_REGISTER(hvsim_vf_logtype, pmd.net.hvsim_vf, NOTICE);
#define VF_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, hvsim_vf_logtype, "hvsim_vf: " fmt "\n", ##__VA_ARGS__)

struct vf_rxq {
	struct vf_wire_ring *ring;
	struct rte_mempool *mp;
	const bool *strip;		/* the port's: tags stripped into vlan_tci */
	uint16_t port_id;
	uint64_t packets, bytes, nombuf;
};

struct vf_txq {
	struct vf_wire_ring *ring;
	uint64_t packets, bytes, errors;
};

struct vf_priv {
	struct vf_wire *wire;
	bool removed;			/* seen removed: bursts do nothing, RMV raised */
	bool can_strip;			/* devarg strip=1 */
	bool no_intr;			/* devarg intr=0 */
	uint64_t missed;		/* devarg missed=N: imissed until a stats reset */
	bool strip;			/* RTE_ETH_RX_OFFLOAD_VLAN_STRIP on */
	uint8_t rss_key[40];
	struct vf_rxq rxq[VF_WIRE_NB_QUEUES];
	struct vf_txq txq[VF_WIRE_NB_QUEUES];
	/* Rx interrupts while started with intr_conf.rxq (primary process only). */
	struct rte_intr_handle *intr;	/* rte_eth_dev_rx_intr_ctl_q's: queue q is efd[q] */
	int efd[VF_WIRE_NB_QUEUES];
	bool armed[VF_WIRE_NB_QUEUES];	/* the queue's lcore sleeps until efd[q] is written */
	uint32_t armed_prod[VF_WIRE_NB_QUEUES];	/* the ring's producer index at the arming */
	bool intr_alarm_set;		/* one vf_intr_alarm pending at most */
};

/* Devices probed once: watched for removal and for the next plug-in. */
static struct vf_slot {
	bool used;
	char name[RTE_DEV_NAME_MAX_LEN];
	char args[128];
	unsigned int nic;
	unsigned int strip;
	unsigned int intr;
	unsigned int missed;
	uint32_t serial_seen;		/* the last device file probed (or tried) */
} vf_slots[VF_MAX_SLOTS];
static bool vf_watching;
/* The watcher (alarm thread) reads a port's wire that close unmaps: one at a time. */
static rte_spinlock_t vf_watch_lock = RTE_SPINLOCK_INITIALIZER;

/* The default RSS key of Microsoft's RSS documentation, used until one is set. */
static const uint8_t vf_default_key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
	0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
	0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

static bool
vf_gone(struct vf_priv *p)
{
	return p->removed ||
	       __atomic_load_n(&p->wire->hdr.state, __ATOMIC_ACQUIRE) != VF_WIRE_PRESENT;
}

static uint16_t
vf_rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct vf_rxq *q = queue;
	struct vf_wire_ring *r = q->ring;
	uint32_t cons = r->cons;
	uint32_t prod = __atomic_load_n(&r->prod, __ATOMIC_ACQUIRE);
	uint16_t n = 0;

	while (n < nb_pkts && cons != prod) {
		const struct vf_wire_slot *s = &r->slot[cons % VF_WIRE_NB_SLOTS];
		uint32_t len = s->len;
		struct rte_mbuf *m;

		if (len > VF_WIRE_FRAME_MAX) {
			cons++;
			continue;
		}
		m = rte_pktmbuf_alloc(q->mp);
		if (m == NULL) {
			q->nombuf++;
			break;
		}
		if (rte_pktmbuf_append(m, (uint16_t)len) == NULL) {
			rte_pktmbuf_free(m);
			cons++;
			continue;
		}
		rte_memcpy(rte_pktmbuf_mtod(m, void *), s->data, len);
		m->port = q->port_id;
		if (__atomic_load_n(q->strip, __ATOMIC_RELAXED))
			rte_vlan_strip(m);	/* untagged: left as it is */
		q->packets++;
		q->bytes += len;
		pkts[n++] = m;
		cons++;
	}
	__atomic_store_n(&r->cons, cons, __ATOMIC_RELEASE);
	return n;
}

/* After a surprise removal the hardware is gone: nothing more goes in or out. */
static uint16_t
vf_rx_burst_gone(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	RTE_SET_USED(queue);
	RTE_SET_USED(pkts);
	RTE_SET_USED(nb_pkts);
	return 0;
}

static uint16_t
vf_tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct vf_txq *q = queue;
	struct vf_wire_ring *r = q->ring;
	uint32_t prod = r->prod;
	uint32_t cons = __atomic_load_n(&r->cons, __ATOMIC_ACQUIRE);
	uint16_t n = 0;

	while (n < nb_pkts && prod - cons < VF_WIRE_NB_SLOTS) {
		struct rte_mbuf *m = pkts[n++];
		struct vf_wire_slot *s = &r->slot[prod % VF_WIRE_NB_SLOTS];
		const void *d;

		if (m->pkt_len > VF_WIRE_FRAME_MAX) {
			q->errors++;
			rte_pktmbuf_free(m);
			continue;
		}
		d = rte_pktmbuf_read(m, 0, m->pkt_len, s->data);	/* chains: copied there */
		if (d != s->data)
			rte_memcpy(s->data, d, m->pkt_len);
		s->len = m->pkt_len;
		q->packets++;
		q->bytes += m->pkt_len;
		prod++;
		rte_pktmbuf_free(m);
	}
	__atomic_store_n(&r->prod, prod, __ATOMIC_RELEASE);
	return n;
}

static uint16_t
vf_tx_burst_gone(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	RTE_SET_USED(queue);
	RTE_SET_USED(pkts);
	RTE_SET_USED(nb_pkts);
	return 0;
}

static int
vf_dev_infos_get(struct rte_eth_dev *eth, struct rte_eth_dev_info *info)
{
	const struct vf_priv *p = eth->data->dev_private;

	info->max_rx_queues = VF_WIRE_NB_QUEUES;
	info->max_tx_queues = VF_WIRE_NB_QUEUES;
	info->max_mac_addrs = 1;
	info->max_rx_pktlen = VF_WIRE_FRAME_MAX;
	info->min_mtu = RTE_ETHER_MIN_MTU;
	info->max_mtu = VF_WIRE_FRAME_MAX - RTE_ETHER_HDR_LEN - 4;
	info->rx_offload_capa = RTE_ETH_RX_OFFLOAD_RSS_HASH |
				(p->can_strip ? RTE_ETH_RX_OFFLOAD_VLAN_STRIP : 0);
	info->tx_offload_capa = RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	info->flow_type_rss_offloads = RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_NONFRAG_IPV4_TCP |
				       RTE_ETH_RSS_NONFRAG_IPV4_UDP;
	info->hash_key_size = sizeof(vf_default_key);
	info->rx_desc_lim = (struct rte_eth_desc_lim){ .nb_max = 4096, .nb_min = 32,
							.nb_align = 1 };
	info->tx_desc_lim = info->rx_desc_lim;
	info->speed_capa = RTE_ETH_LINK_SPEED_100G;
	return 0;
}

/* Stripping as rxmode.offloads (set by ethdev) has it, from the next frame on. */
static void
vf_strip_follow(struct rte_eth_dev *eth)
{
	struct vf_priv *p = eth->data->dev_private;

	__atomic_store_n(&p->strip, (eth->data->dev_conf.rxmode.offloads &
				     RTE_ETH_RX_OFFLOAD_VLAN_STRIP) != 0, __ATOMIC_RELAXED);
}

static int
vf_dev_configure(struct rte_eth_dev *eth)
{
	struct vf_priv *p = eth->data->dev_private;
	const struct rte_eth_rss_conf *rss = &eth->data->dev_conf.rx_adv_conf.rss_conf;

	if (p->no_intr && eth->data->dev_conf.intr_conf.rxq) {
		VF_LOG(NOTICE, "port %u: no rx interrupts (devarg %s=0)", eth->data->port_id,
		       VF_ARG_INTR);
		return -ENOTSUP;
	}
	if (rss->rss_key != NULL && rss->rss_key_len == sizeof(p->rss_key))
		memcpy(p->rss_key, rss->rss_key, sizeof(p->rss_key));
	vf_strip_follow(eth);
	return 0;
}

static int
vf_vlan_offload_set(struct rte_eth_dev *eth, int mask)
{
	if (mask & RTE_ETH_VLAN_STRIP_MASK)
		vf_strip_follow(eth);
	return 0;
}

/* hvsim spreads frames over the started rx queues with the key (vf_wire.h). */
static void
vf_publish(struct rte_eth_dev *eth, bool started)
{
	struct vf_priv *p = eth->data->dev_private;
	struct vf_wire_hdr *h = &p->wire->hdr;

	memcpy(h->rss_key, p->rss_key, sizeof(h->rss_key));
	h->rss_on = (eth->data->dev_conf.rxmode.mq_mode & RTE_ETH_MQ_RX_RSS_FLAG) != 0 &&
		    eth->data->dev_conf.rx_adv_conf.rss_conf.rss_hf != 0;
	__atomic_store_n(&h->nb_rxq, eth->data->nb_rx_queues, __ATOMIC_RELEASE);
	__atomic_store_n(&h->started, started ? 1u : 0u, __ATOMIC_RELEASE);
}

static int
vf_link_update(struct rte_eth_dev *eth, int wait)
{
	struct vf_priv *p = eth->data->dev_private;
	struct rte_eth_link link = {
		.link_speed = RTE_ETH_SPEED_NUM_100G,
		.link_duplex = RTE_ETH_LINK_FULL_DUPLEX,
		.link_autoneg = RTE_ETH_LINK_FIXED,
	};

	RTE_SET_USED(wait);
	link.link_status = eth->data->dev_started && !vf_gone(p) ? RTE_ETH_LINK_UP :
								  RTE_ETH_LINK_DOWN;
	return rte_eth_linkstatus_set(eth, &link);
}

/* Frames hvsim put in the ring since the queue was armed. */
static bool
vf_rxq_new_frames(const struct vf_priv *p, uint16_t q)
{
	return __atomic_load_n(&p->wire->rx[q].prod, __ATOMIC_ACQUIRE) !=
	       __atomic_load_n(&p->armed_prod[q], __ATOMIC_RELAXED);
}

static uint32_t
vf_rx_queue_count(void *queue)
{
	const struct vf_rxq *q = queue;

	return __atomic_load_n(&q->ring->prod, __ATOMIC_ACQUIRE) - q->ring->cons;
}

/* One write per arming: whoever disarms the queue writes its eventfd. */
static void
vf_intr_wake(struct vf_priv *p, uint16_t q)
{
	uint64_t one = 1;

	if (__atomic_exchange_n(&p->armed[q], false, __ATOMIC_ACQ_REL) &&
	    write(p->efd[q], &one, sizeof(one)) != (ssize_t)sizeof(one))
		VF_LOG(NOTICE, "rx queue %u: eventfd write failed", q);
}

static void vf_intr_alarm_arm(struct rte_eth_dev *eth);

/* The device's interrupt, played: armed queues whose ring holds frames are woken. */
static void
vf_intr_alarm(void *arg)
{
	struct rte_eth_dev *eth = arg;
	struct vf_priv *p = eth->data->dev_private;
	bool still_armed = false;

	__atomic_store_n(&p->intr_alarm_set, false, __ATOMIC_SEQ_CST);
	if (vf_gone(p))
		return;		/* no more frames: nothing to wake for */
	for (uint16_t q = 0; q < eth->data->nb_rx_queues; q++) {
		if (!__atomic_load_n(&p->armed[q], __ATOMIC_SEQ_CST))
			continue;
		if (vf_rxq_new_frames(p, q))
			vf_intr_wake(p, q);
		else
			still_armed = true;
	}
	if (still_armed)
		vf_intr_alarm_arm(eth);
}

static void
vf_intr_alarm_arm(struct rte_eth_dev *eth)
{
	struct vf_priv *p = eth->data->dev_private;

	if (!__atomic_exchange_n(&p->intr_alarm_set, true, __ATOMIC_ACQ_REL) &&
	    rte_eal_alarm_set(VF_INTR_POLL_US, vf_intr_alarm, eth) != 0)
		__atomic_store_n(&p->intr_alarm_set, false, __ATOMIC_RELEASE);
}

static void
vf_intr_free(struct rte_eth_dev *eth)
{
	struct vf_priv *p = eth->data->dev_private;

	rte_eal_alarm_cancel(vf_intr_alarm, eth);	/* waits for one running */
	__atomic_store_n(&p->intr_alarm_set, false, __ATOMIC_RELEASE);
	if (eth->intr_handle == p->intr)
		eth->intr_handle = NULL;
	if (p->intr != NULL) {
		rte_intr_free_epoll_fd(p->intr);	/* out of any epoll set still naming them */
		rte_intr_vec_list_free(p->intr);
		rte_intr_instance_free(p->intr);
		p->intr = NULL;
	}
	for (uint16_t q = 0; q < VF_WIRE_NB_QUEUES; q++) {
		if (p->efd[q] >= 0)
			close(p->efd[q]);
		p->efd[q] = -1;
		p->armed[q] = false;
	}
}

/* An eventfd a rx queue, named by the handle ethdev hands to rte_eth_dev_rx_intr_ctl_q. */
static int
vf_intr_setup(struct rte_eth_dev *eth)
{
	struct vf_priv *p = eth->data->dev_private;
	uint16_t nb = eth->data->nb_rx_queues;
	struct rte_intr_handle *h;

	vf_intr_free(eth);
	if (!eth->data->dev_conf.intr_conf.rxq)
		return 0;
	h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	if (h == NULL)
		return -ENOMEM;
	p->intr = h;
	if (rte_intr_type_set(h, RTE_INTR_HANDLE_VDEV) != 0 ||
	    rte_intr_efd_counter_size_set(h, sizeof(uint64_t)) != 0 ||
	    rte_intr_nb_efd_set(h, nb) != 0 || rte_intr_max_intr_set(h, nb + 1) != 0 ||
	    rte_intr_vec_list_alloc(h, "hvsim_vf_intr", nb) != 0)
		goto fail;
	for (uint16_t q = 0; q < nb; q++) {
		p->efd[q] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (p->efd[q] < 0 || rte_intr_efds_index_set(h, q, p->efd[q]) != 0 ||
		    rte_intr_vec_list_index_set(h, q, RTE_INTR_VEC_RXTX_OFFSET + q) != 0)
			goto fail;
	}
	eth->intr_handle = h;
	return 0;
fail:
	vf_intr_free(eth);
	return -ENOMEM;
}

static int
vf_rx_queue_intr_enable(struct rte_eth_dev *eth, uint16_t qid)
{
	struct vf_priv *p = eth->data->dev_private;

	if (p->intr == NULL || qid >= eth->data->nb_rx_queues)
		return -ENOTSUP;
	if (vf_gone(p))
		return -ENODEV;
	__atomic_store_n(&p->armed_prod[qid], __atomic_load_n(&p->wire->rx[qid].prod,
							       __ATOMIC_ACQUIRE), __ATOMIC_RELAXED);
	__atomic_store_n(&p->armed[qid], true, __ATOMIC_SEQ_CST);
	vf_intr_alarm_arm(eth);
	return 0;
}

static int
vf_rx_queue_intr_disable(struct rte_eth_dev *eth, uint16_t qid)
{
	struct vf_priv *p = eth->data->dev_private;

	if (p->intr == NULL || qid >= eth->data->nb_rx_queues)
		return -ENOTSUP;
	__atomic_store_n(&p->armed[qid], false, __ATOMIC_RELEASE);
	return 0;
}

static int
vf_dev_start(struct rte_eth_dev *eth)
{
	struct vf_priv *p = eth->data->dev_private;

	int ret;

	if (vf_gone(p))
		return -ENODEV;
	ret = vf_intr_setup(eth);
	if (ret < 0)
		return ret;
	vf_publish(eth, true);
	for (uint16_t i = 0; i < eth->data->nb_rx_queues; i++)
		eth->data->rx_queue_state[i] = RTE_ETH_QUEUE_STATE_STARTED;
	for (uint16_t i = 0; i < eth->data->nb_tx_queues; i++)
		eth->data->tx_queue_state[i] = RTE_ETH_QUEUE_STATE_STARTED;
	eth->data->dev_started = 1;
	vf_link_update(eth, 0);
	return 0;
}

static int
vf_dev_stop(struct rte_eth_dev *eth)
{
	vf_intr_free(eth);
	vf_publish(eth, false);
	for (uint16_t i = 0; i < eth->data->nb_rx_queues; i++)
		eth->data->rx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
	for (uint16_t i = 0; i < eth->data->nb_tx_queues; i++)
		eth->data->tx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
	eth->data->dev_started = 0;
	vf_link_update(eth, 0);
	return 0;
}

static int
vf_dev_close(struct rte_eth_dev *eth)
{
	struct vf_priv *p = eth->data->dev_private;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	vf_intr_free(eth);		/* before the wire its alarm reads goes */
	rte_spinlock_lock(&vf_watch_lock);
	if (p->wire != NULL) {
		if (!vf_gone(p))
			vf_publish(eth, false);
		munmap(p->wire, sizeof(*p->wire));
		p->wire = NULL;
	}
	rte_spinlock_unlock(&vf_watch_lock);
	return 0;
}

static int
vf_rx_queue_setup(struct rte_eth_dev *eth, uint16_t qid, uint16_t nb_desc, unsigned int socket,
		  const struct rte_eth_rxconf *conf, struct rte_mempool *mp)
{
	struct vf_priv *p = eth->data->dev_private;
	struct vf_rxq *q = &p->rxq[qid];

	RTE_SET_USED(nb_desc);
	RTE_SET_USED(socket);
	RTE_SET_USED(conf);
	q->ring = &p->wire->rx[qid];
	q->mp = mp;
	q->strip = &p->strip;
	q->port_id = eth->data->port_id;
	/* Frames left from an earlier start are stale: start empty. */
	__atomic_store_n(&q->ring->cons, __atomic_load_n(&q->ring->prod, __ATOMIC_ACQUIRE),
			 __ATOMIC_RELEASE);
	eth->data->rx_queues[qid] = q;
	return 0;
}

static int
vf_tx_queue_setup(struct rte_eth_dev *eth, uint16_t qid, uint16_t nb_desc, unsigned int socket,
		  const struct rte_eth_txconf *conf)
{
	struct vf_priv *p = eth->data->dev_private;
	struct vf_txq *q = &p->txq[qid];

	RTE_SET_USED(nb_desc);
	RTE_SET_USED(socket);
	RTE_SET_USED(conf);
	q->ring = &p->wire->tx[qid];
	eth->data->tx_queues[qid] = q;
	return 0;
}

static void
vf_queue_release(struct rte_eth_dev *eth, uint16_t qid)
{
	RTE_SET_USED(eth);
	RTE_SET_USED(qid);		/* queues live in the private data */
}

static int
vf_stats_get(struct rte_eth_dev *eth, struct rte_eth_stats *st)
{
	struct vf_priv *p = eth->data->dev_private;

	st->imissed = p->missed;
	for (uint16_t i = 0; i < VF_WIRE_NB_QUEUES; i++) {
		st->ipackets += p->rxq[i].packets;
		st->ibytes += p->rxq[i].bytes;
		st->rx_nombuf += p->rxq[i].nombuf;
		st->opackets += p->txq[i].packets;
		st->obytes += p->txq[i].bytes;
		st->oerrors += p->txq[i].errors;
		if (i < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			st->q_ipackets[i] = p->rxq[i].packets;
			st->q_opackets[i] = p->txq[i].packets;
		}
	}
	return 0;
}

static int
vf_stats_reset(struct rte_eth_dev *eth)
{
	struct vf_priv *p = eth->data->dev_private;

	p->missed = 0;
	for (uint16_t i = 0; i < VF_WIRE_NB_QUEUES; i++) {
		p->rxq[i].packets = p->rxq[i].bytes = p->rxq[i].nombuf = 0;
		p->txq[i].packets = p->txq[i].bytes = p->txq[i].errors = 0;
	}
	return 0;
}

/* The stand-in delivers every frame of its NIC: filters are accepted, not applied. */
static int
vf_filter_noop(struct rte_eth_dev *eth)
{
	RTE_SET_USED(eth);
	return 0;
}

static int
vf_mtu_set(struct rte_eth_dev *eth, uint16_t mtu)
{
	RTE_SET_USED(eth);
	return mtu + RTE_ETHER_HDR_LEN + 4u <= VF_WIRE_FRAME_MAX ? 0 : -EINVAL;
}

static int
vf_rss_hash_update(struct rte_eth_dev *eth, struct rte_eth_rss_conf *conf)
{
	struct vf_priv *p = eth->data->dev_private;

	if (conf->rss_key != NULL && conf->rss_key_len == sizeof(p->rss_key))
		memcpy(p->rss_key, conf->rss_key, sizeof(p->rss_key));
	eth->data->dev_conf.rx_adv_conf.rss_conf.rss_hf = conf->rss_hf;
	if (eth->data->dev_started && !vf_gone(p))
		vf_publish(eth, true);
	return 0;
}

static const struct eth_dev_ops vf_ops = {
	.dev_configure = vf_dev_configure,
	.dev_start = vf_dev_start,
	.dev_stop = vf_dev_stop,
	.dev_close = vf_dev_close,
	.dev_infos_get = vf_dev_infos_get,
	.link_update = vf_link_update,
	.rx_queue_setup = vf_rx_queue_setup,
	.tx_queue_setup = vf_tx_queue_setup,
	.rx_queue_release = vf_queue_release,
	.tx_queue_release = vf_queue_release,
	.stats_get = vf_stats_get,
	.stats_reset = vf_stats_reset,
	.promiscuous_enable = vf_filter_noop,
	.promiscuous_disable = vf_filter_noop,
	.allmulticast_enable = vf_filter_noop,
	.allmulticast_disable = vf_filter_noop,
	.mtu_set = vf_mtu_set,
	.rss_hash_update = vf_rss_hash_update,
	.vlan_offload_set = vf_vlan_offload_set,
	.rx_queue_intr_enable = vf_rx_queue_intr_enable,
	.rx_queue_intr_disable = vf_rx_queue_intr_disable,
};

/* Map <run>/vf<nic> if hvsim has a VF there now; NULL (errno set) if not. */
static struct vf_wire *
vf_map(unsigned int nic)
{
	const char *run = getenv(VF_RUN_DIR_ENV);
	struct vf_wire *w;
	char path[512];
	int fd;

	if (run == NULL) {
		errno = ENOENT;
		return NULL;
	}
	snprintf(path, sizeof(path), VF_WIRE_FILE_FMT, run, nic);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	w = mmap(NULL, sizeof(*w), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (w == MAP_FAILED)
		return NULL;
	if (w->hdr.magic != VF_WIRE_MAGIC || w->hdr.version != VF_WIRE_VERSION ||
	    w->hdr.nb_queues != VF_WIRE_NB_QUEUES ||
	    __atomic_load_n(&w->hdr.state, __ATOMIC_ACQUIRE) != VF_WIRE_PRESENT) {
		munmap(w, sizeof(*w));
		errno = ENODEV;
		return NULL;
	}
	return w;
}

static struct vf_slot *
vf_slot_find(const char *name)
{
	for (unsigned int i = 0; i < VF_MAX_SLOTS; i++)
		if (vf_slots[i].used && strcmp(vf_slots[i].name, name) == 0)
			return &vf_slots[i];
	return NULL;
}

/* Removal: RMV once. Plug-in of a new device file: probe it (as hotplug would). */
static void
vf_watch(void *arg)
{
	RTE_SET_USED(arg);
	rte_spinlock_lock(&vf_watch_lock);
	for (unsigned int i = 0; i < VF_MAX_SLOTS; i++) {
		struct vf_slot *s = &vf_slots[i];
		struct rte_eth_dev *eth;
		struct vf_wire *w;

		if (!s->used)
			continue;
		eth = rte_eth_dev_allocated(s->name);
		if (eth != NULL && eth->data->dev_private != NULL) {
			struct vf_priv *p = eth->data->dev_private;

			if (!p->removed && p->wire != NULL && vf_gone(p)) {
				p->removed = true;
				eth->rx_pkt_burst = vf_rx_burst_gone;
				eth->tx_pkt_burst = vf_tx_burst_gone;
				VF_LOG(NOTICE, "%s removed by the host: RMV on port %u", s->name,
				       eth->data->port_id);
				rte_eth_dev_callback_process(eth, RTE_ETH_EVENT_INTR_RMV, NULL);
			}
			continue;
		}
		w = vf_map(s->nic);
		if (w == NULL)
			continue;
		if (w->hdr.serial != s->serial_seen) {
			s->serial_seen = w->hdr.serial;
			VF_LOG(NOTICE, "%s plugged in (serial %u): probing it", s->name,
			       w->hdr.serial);
			munmap(w, sizeof(*w));
			if (rte_eal_hotplug_add("vdev", s->name, s->args) < 0)
				VF_LOG(ERR, "%s: probe after plug-in failed", s->name);
			continue;
		}
		munmap(w, sizeof(*w));
	}
	rte_spinlock_unlock(&vf_watch_lock);
	rte_eal_alarm_set(VF_WATCH_US, vf_watch, NULL);
}

static int
vf_parse_uint(const char *key, const char *value, void *opaque)
{
	char *end;
	unsigned long v;

	RTE_SET_USED(key);
	if (value == NULL)
		return -EINVAL;		/* the key alone */
	v = strtoul(value, &end, 10);
	if (*value == '\0' || *end != '\0' || v > 255)
		return -EINVAL;
	*(unsigned int *)opaque = (unsigned int)v;
	return 0;
}

static struct vf_slot *
vf_slot_register(struct rte_vdev_device *vdev)
{
	static const char *const keys[] = { VF_ARG_NIC, VF_ARG_STRIP, VF_ARG_INTR, VF_ARG_MISSED,
					    NULL };
	const char *name = rte_vdev_device_name(vdev);
	const char *args = rte_vdev_device_args(vdev);
	struct vf_slot *s = vf_slot_find(name);
	struct rte_kvargs *kv;
	unsigned int nic = 0, strip = 0, intr = 1, missed = 0;
	int ret = 0;

	if (args != NULL && args[0] != '\0') {
		kv = rte_kvargs_parse(args, keys);
		if (kv == NULL)
			return NULL;
		ret = rte_kvargs_process(kv, VF_ARG_NIC, vf_parse_uint, &nic);
		if (ret == 0)
			ret = rte_kvargs_process(kv, VF_ARG_STRIP, vf_parse_uint, &strip);
		if (ret == 0)
			ret = rte_kvargs_process(kv, VF_ARG_INTR, vf_parse_uint, &intr);
		if (ret == 0)
			ret = rte_kvargs_process(kv, VF_ARG_MISSED, vf_parse_uint, &missed);
		rte_kvargs_free(kv);
		if (strip > 1 || intr > 1)
			ret = -EINVAL;
		if (ret < 0)
			return NULL;
	}
	for (unsigned int i = 0; s == NULL && i < VF_MAX_SLOTS; i++) {
		if (!vf_slots[i].used) {
			s = &vf_slots[i];
			s->used = true;
			snprintf(s->name, sizeof(s->name), "%s", name);
			snprintf(s->args, sizeof(s->args), "%s", args != NULL ? args : "");
		}
	}
	if (s != NULL) {
		s->nic = nic;
		s->strip = strip;
		s->intr = intr;
		s->missed = missed;
	}
	if (s != NULL && !vf_watching && rte_eal_alarm_set(VF_WATCH_US, vf_watch, NULL) == 0)
		vf_watching = true;
	return s;
}

static int
vf_probe(struct rte_vdev_device *vdev)
{
	struct vf_slot *s = vf_slot_register(vdev);
	struct rte_eth_dev *eth;
	struct vf_priv *p;
	struct vf_wire *w;

	if (s == NULL) {
		VF_LOG(ERR, "%s: bad devargs (%s=<index of the hvsim NIC>[,%s=0|1][,%s=0|1])",
		       rte_vdev_device_name(vdev), VF_ARG_NIC, VF_ARG_STRIP, VF_ARG_INTR);
		return -EINVAL;
	}
	w = vf_map(s->nic);
	if (w == NULL) {
		VF_LOG(NOTICE, "%s: hvsim NIC %u has no VF now; probed when one is plugged in",
		       s->name, s->nic);
		return -ENODEV;
	}
	s->serial_seen = w->hdr.serial;
	eth = rte_eth_vdev_allocate(vdev, sizeof(*p));
	if (eth == NULL) {
		munmap(w, sizeof(*w));
		return -ENOMEM;
	}
	p = eth->data->dev_private;
	eth->data->mac_addrs = rte_zmalloc("hvsim_vf_mac", sizeof(struct rte_ether_addr), 0);
	if (eth->data->mac_addrs == NULL) {
		rte_eth_dev_release_port(eth);
		munmap(w, sizeof(*w));
		return -ENOMEM;
	}
	p->wire = w;
	p->can_strip = s->strip != 0;
	p->no_intr = s->intr == 0;
	p->missed = s->missed;
	for (uint16_t q = 0; q < VF_WIRE_NB_QUEUES; q++)
		p->efd[q] = -1;
	memcpy(p->rss_key, vf_default_key, sizeof(p->rss_key));
	memcpy(eth->data->mac_addrs->addr_bytes, w->hdr.mac, RTE_ETHER_ADDR_LEN);
	eth->dev_ops = &vf_ops;
	eth->rx_pkt_burst = vf_rx_burst;
	eth->tx_pkt_burst = vf_tx_burst;
	eth->rx_queue_count = vf_rx_queue_count;
	eth->data->dev_flags |= RTE_ETH_DEV_INTR_RMV | RTE_ETH_DEV_AUTOFILL_QUEUE_XSTATS;
	rte_eth_dev_probing_finish(eth);
	VF_LOG(NOTICE, "%s: port %u, VF serial %u of hvsim NIC %u, MAC "
	       RTE_ETHER_ADDR_PRT_FMT, s->name, eth->data->port_id, w->hdr.serial, s->nic,
	       RTE_ETHER_ADDR_BYTES(eth->data->mac_addrs));
	return 0;
}

static int
vf_remove(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *eth = rte_eth_dev_allocated(rte_vdev_device_name(vdev));
	struct vf_priv *p;

	if (eth == NULL)
		return 0;
	p = eth->data->dev_private;
	if (p == NULL || p->wire == NULL)
		return rte_eth_dev_release_port(eth);
	if (eth->data->dev_started)
		rte_eth_dev_stop(eth->data->port_id);
	return rte_eth_dev_close(eth->data->port_id);	/* releases the port too */
}

static struct rte_vdev_driver vf_driver = {
	.probe = vf_probe,
	.remove = vf_remove,
};

RTE_PMD_REGISTER_VDEV(net_hvsim_vf, vf_driver);
RTE_PMD_REGISTER_PARAM_STRING(net_hvsim_vf, VF_ARG_NIC "=<hvsim NIC index> "
			      VF_ARG_STRIP "=<0|1> " VF_ARG_INTR "=<0|1>");
