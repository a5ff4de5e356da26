/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Accelerated networking: the VF port with our MAC, found among the ethdev
 * ports when the host reports one (NVSP 128, nvsp.md 3.13) or when a port
 * appears (RTE_ETH_EVENT_NEW); owned, configured like our port and started
 * with it; the data path switched to it (NVSP 129, 3.14) and back before it
 * stops or on its removal (RTE_ETH_EVENT_INTR_RMV). The bursts' side is the
 * inline pair in netvsc_vf.h; this file runs on control threads only.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_alarm.h>
#include <rte_cycles.h>
#include <rte_kvargs.h>
#include <rte_malloc.h>
#include <rte_pause.h>

#include "netvsc.h"
#include "netvsc_vf.h"
#include "nvsp_wire.h"
#include "vmbus_wire.h"

#define NETVSC_VF_DRAIN_US	20000u	/* after 129 synthetic: frames the VF still holds */
#define NETVSC_VF_QUIESCE_MS	1000u	/* a burst inside the VF ends well before this */
#define NETVSC_VF_NB_DESC	1024u

struct netvsc_vf *netvsc_vf_by_port[RTE_MAX_ETHPORTS];
/*
 * The new-port callback's argument is its port's slot above, never freed:
 * ethdev may still run it once close has unregistered it (a port being
 * probed is not yet valid, and RTE_ETH_ALL answers for its last slot only).
 * It reads the slot under this lock, and close empties the slot under it.
 */
static rte_spinlock_t vf_slot_lock = RTE_SPINLOCK_INITIALIZER;

/*
 * An lcore's way into the VF (a burst, an interrupt enable): busy, then
 * look again, as netvsc_vf_quiesce clears active and then waits for busy.
 * True: the VF may be used until vf_leave.
 */
static inline bool
vf_enter(const struct netvsc_vf *vf, uint32_t *busy)
{
	__atomic_store_n(busy, 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(&vf->active, __ATOMIC_RELAXED);
}

static inline void
vf_leave(uint32_t *busy)
{
	__atomic_store_n(busy, 0, __ATOMIC_RELEASE);
}

uint16_t
netvsc_vf_rx_burst(struct netvsc_vf *vf, uint16_t queue, struct rte_mbuf **pkts,
		   uint16_t nb_pkts)
{
	struct netvsc_vf_queue *q = &vf->q[queue];
	uint16_t n = 0, port = vf->dev->eth->data->port_id;

	if (vf_enter(vf, &q->rx_busy)) {
		n = rte_eth_rx_burst(vf->port_id, queue, pkts, nb_pkts);
		for (uint16_t i = 0; i < n; i++) {
			pkts[i]->port = port;
			q->rx_bytes += pkts[i]->pkt_len;
		}
		q->rx_packets += n;
	}
	vf_leave(&q->rx_busy);
	return n;
}

uint16_t
netvsc_vf_tx_burst(struct netvsc_vf *vf, uint16_t queue, struct rte_mbuf **pkts,
		   uint16_t nb_pkts)
{
	struct netvsc_vf_queue *q = &vf->q[queue];
	uint64_t bytes = 0;
	uint16_t n = 0;

	if (vf_enter(vf, &q->tx_busy)) {
		for (uint16_t i = 0; i < nb_pkts; i++)
			bytes += pkts[i]->pkt_len;	/* before the VF may free them */
		n = rte_eth_tx_burst(vf->port_id, queue, pkts, nb_pkts);
		for (uint16_t i = n; i < nb_pkts; i++)
			bytes -= pkts[i]->pkt_len;
		q->tx_packets += n;
		q->tx_bytes += bytes;
	}
	vf_leave(&q->tx_busy);
	return n;
}

bool
netvsc_vf_rx_intr(const struct netvsc_rxq *rxq, bool enable)
{
	struct netvsc_vf *vf = netvsc_vf_by_port[rxq->port_id];
	struct netvsc_vf_queue *q;
	bool waiting = false;

	if (vf == NULL || !__atomic_load_n(&vf->active, __ATOMIC_ACQUIRE))
		return false;
	q = &vf->q[rxq->queue_id];
	if (vf_enter(vf, &q->rx_busy)) {	/* the queue's lcore, as its burst */
		bool intr = __atomic_load_n(&vf->intr, __ATOMIC_ACQUIRE);

		/* Nothing would wake it for the VF's frames: the queue polls instead. */
		if (enable)
			waiting = !intr ||
				  rte_eth_dev_rx_intr_enable(vf->port_id, rxq->queue_id) != 0 ||
				  rte_eth_rx_queue_count(vf->port_id, rxq->queue_id) > 0;
		else if (intr)
			rte_eth_dev_rx_intr_disable(vf->port_id, rxq->queue_id);
	}
	vf_leave(&q->rx_busy);
	return waiting;
}

/* No burst touches the VF once this returns (or, past the deadline, says so). */
static void
vf_quiesce(struct netvsc_vf *vf)
{
	uint64_t deadline = rte_get_timer_cycles() +
			    rte_get_timer_hz() * NETVSC_VF_QUIESCE_MS / 1000;

	__atomic_store_n(&vf->active, false, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (unsigned int i = 0; i < NETVSC_MAX_QUEUES; i++) {
		while (__atomic_load_n(&vf->q[i].rx_busy, __ATOMIC_ACQUIRE) ||
		       __atomic_load_n(&vf->q[i].tx_busy, __ATOMIC_ACQUIRE)) {
			if (rte_get_timer_cycles() > deadline) {
				NETVSC_DRV_LOG(ERR, vf->dev, "queue %u still in the VF burst", i);
				return;
			}
			rte_pause();
		}
	}
}

static int
vf_switch_datapath(struct netvsc_vf *vf, bool to_vf)
{
	struct nvsp_switch_datapath msg = {
		.msg_type = NVSP_MSG4_TYPE_SWITCH_DATA_PATH,
		.active_datapath = to_vf ? NVSP_DATAPATH_VF : NVSP_DATAPATH_SYNTHETIC,
	};
	int ret = netvsc_ctl_nvsp_completed(vf->dev, &msg, sizeof(msg));

	if (ret < 0)
		NETVSC_DRV_LOG(ERR, vf->dev, "switch of the data path to %s failed: %d",
			       to_vf ? "the VF" : "synthetic", ret);
	/* Sent and not completed in time: the host may still switch, so it counts as asked. */
	if (ret == 0 || ret == -ETIMEDOUT)
		vf->datapath_vf = to_vf;
	return ret;
}

/* The unowned port with our MAC, other than ours; RTE_MAX_ETHPORTS if none. */
static uint16_t
vf_match(const struct netvsc_vf *vf)
{
	uint16_t self = vf->dev->eth->data->port_id;
	uint64_t p;

	for (p = rte_eth_find_next_owned_by(0, RTE_ETH_DEV_NO_OWNER); p < RTE_MAX_ETHPORTS;
	     p = rte_eth_find_next_owned_by((uint16_t)(p + 1), RTE_ETH_DEV_NO_OWNER)) {
		struct rte_ether_addr mac;

		if (p != self && rte_eth_macaddr_get((uint16_t)p, &mac) == 0 &&
		    rte_is_same_ether_addr(&mac, &vf->dev->mac))
			return (uint16_t)p;
	}
	return RTE_MAX_ETHPORTS;
}

static void vf_rmv_alarm(void *arg);

static int
vf_on_rmv(uint16_t port, enum rte_eth_event_type type, void *arg, void *out)
{
	struct netvsc_vf *vf = arg;

	RTE_SET_USED(type);
	RTE_SET_USED(out);
	if (port != vf->port_id || !vf->owned)
		return 0;
	/* Called on the thread that raised it, maybe inside the VF's driver: later. */
	__atomic_store_n(&vf->removed, true, __ATOMIC_RELEASE);
	rte_eal_alarm_set(1, vf_rmv_alarm, vf);
	return 0;
}

static void
vf_take(struct netvsc_vf *vf, uint16_t port)
{
	if (rte_eth_dev_owner_set(port, &vf->owner) != 0) {
		NETVSC_DRV_LOG(NOTICE, vf->dev, "VF port %u: cannot take ownership", port);
		return;
	}
	vf->port_id = port;
	vf->owned = true;
	vf->removed = false;
	vf->nb_attached++;
	rte_eth_dev_callback_register(port, RTE_ETH_EVENT_INTR_RMV, vf_on_rmv, vf);
	NETVSC_DRV_LOG(NOTICE, vf->dev, "VF port %u (serial %u) attached", port,
		       __atomic_load_n(&vf->dev->vf_serial, __ATOMIC_RELAXED));
}

/*
 * Rx offloads a VF may lack: only a hint or speed is lost (the hash,
 * coalescing). The port has no per-queue offloads (dev_infos_get): its
 * configuration says them all.
 */
#define VF_RX_OPTIONAL	(RTE_ETH_RX_OFFLOAD_RSS_HASH | RTE_ETH_RX_OFFLOAD_TCP_LRO)

/* Scattered rx is needed only for a frame larger than a queue's mbufs. */
static bool
vf_needs_scatter(const struct rte_eth_dev_data *data)
{
	for (uint16_t i = 0; i < data->nb_rx_queues; i++) {
		const struct netvsc_rxq *rxq = data->rx_queues[i];

		if (rxq != NULL && netvsc_rxq_frame_outgrows(data, rxq))
			return true;
	}
	return false;
}

/* The largest MTU the VF takes, counted as ethdev counts it (max_mtu, max_rx_pktlen). */
static uint32_t
vf_max_mtu(const struct rte_eth_dev_info *info)
{
	uint32_t overhead = RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN;

	if (info->max_mtu != UINT16_MAX && info->max_rx_pktlen > info->max_mtu)
		overhead = info->max_rx_pktlen - info->max_mtu;
	return info->max_rx_pktlen > overhead ?
	       RTE_MIN(info->max_mtu, info->max_rx_pktlen - overhead) : 0;
}

/*
 * Can the VF carry the port's traffic as our port would? As many queues,
 * the MTU, and every offload the application configured that changes what
 * a frame is (one it lacks would leave checksums unfilled or tags
 * unstripped on the VF's path); RSS hash types it lacks are left out (only
 * the spread differs). Said once here when not.
 */
static bool
vf_can_carry(struct netvsc_vf *vf, const struct rte_eth_dev_info *info)
{
	const struct rte_eth_dev_data *data = vf->dev->eth->data;
	uint64_t rx = data->dev_conf.rxmode.offloads & ~VF_RX_OPTIONAL;
	uint64_t rx_lack, tx_lack;

	if (!vf_needs_scatter(data))
		rx &= ~RTE_ETH_RX_OFFLOAD_SCATTER;
	rx_lack = rx & ~info->rx_offload_capa;
	tx_lack = data->dev_conf.txmode.offloads & ~info->tx_offload_capa;
	if (data->nb_rx_queues > info->max_rx_queues || data->nb_tx_queues > info->max_tx_queues) {
		NETVSC_DRV_LOG(WARNING, vf->dev,
			       "VF port %u has %u rx, %u tx queues, the port uses %u, %u: not used",
			       vf->port_id, info->max_rx_queues, info->max_tx_queues,
			       data->nb_rx_queues, data->nb_tx_queues);
		return false;
	}
	if (data->mtu > vf_max_mtu(info)) {
		NETVSC_DRV_LOG(WARNING, vf->dev,
			       "VF port %u takes MTU %u at most, the port uses %u: not used",
			       vf->port_id, vf_max_mtu(info), data->mtu);
		return false;
	}
	if ((rx_lack | tx_lack) != 0) {
		NETVSC_DRV_LOG(WARNING, vf->dev, "VF port %u lacks offloads the port uses"
			       " (rx %#" PRIx64 ", tx %#" PRIx64 "): not used",
			       vf->port_id, rx_lack, tx_lack);
		return false;
	}
	return true;
}

/*
 * The VF's configuration: ours, less what it lacks of the optional rx
 * offloads and RSS hash types; LRO only with scattered rx (coalesced frames
 * outgrow an mbuf), up to the VF's coalesced size.
 */
static struct rte_eth_conf
vf_conf(const struct rte_eth_dev_data *data, const struct rte_eth_dev_info *info, bool intr)
{
	struct rte_eth_conf conf = data->dev_conf;
	uint64_t lro_with = RTE_ETH_RX_OFFLOAD_TCP_LRO | RTE_ETH_RX_OFFLOAD_SCATTER;
	struct netvsc_dev *dev = data->dev_private;
	bool key_fits = info->hash_key_size == NDIS_RSS_KEY_BYTES;

	conf.intr_conf.lsc = 0;
	conf.intr_conf.rxq = intr;	/* netvsc_intr.c forwards them to our queues */
	conf.rxmode.offloads &= info->rx_offload_capa;
	/* Our key (not the application's pointer, which may be gone): both paths hash alike. */
	conf.rx_adv_conf.rss_conf.rss_key = key_fits ? dev->rss.key : NULL;
	conf.rx_adv_conf.rss_conf.rss_key_len = key_fits ? NDIS_RSS_KEY_BYTES : 0;
	conf.rx_adv_conf.rss_conf.rss_hf &= info->flow_type_rss_offloads;
	if (conf.rx_adv_conf.rss_conf.rss_hf == 0) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_NONE;
		/* ethdev takes the hash only with RSS */
		conf.rxmode.offloads &= ~RTE_ETH_RX_OFFLOAD_RSS_HASH;
	}
	if ((info->rx_offload_capa & lro_with) != lro_with)
		conf.rxmode.offloads &= ~RTE_ETH_RX_OFFLOAD_TCP_LRO;
	if (conf.rxmode.offloads & RTE_ETH_RX_OFFLOAD_TCP_LRO) {
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
		/* 0: ethdev takes the VF's largest frame, what a VF without a size wants */
		conf.rxmode.max_lro_pkt_size = RTE_MIN(conf.rxmode.max_lro_pkt_size,
						       info->max_lro_pkt_size);
	}
	return conf;
}

/*
 * Configure the VF as our port is (vf_can_carry said it can): queues,
 * mempools, MTU, offloads, filters, packet types, rx interrupts if intr;
 * then start it. Says what failed.
 */
static int
vf_configure_start(struct netvsc_vf *vf, const struct rte_eth_dev_info *info, bool intr)
{
	struct netvsc_dev *dev = vf->dev;
	struct rte_eth_dev_data *data = dev->eth->data;
	struct rte_eth_conf conf = vf_conf(data, info, intr);
	uint16_t port = vf->port_id;
	const char *what = "configure";
	int ret;

	ret = rte_eth_dev_configure(port, data->nb_rx_queues, data->nb_tx_queues, &conf);
	/* Within vf_max_mtu; a VF that cannot set one keeps its default (1500). */
	if (ret == 0 && rte_eth_dev_set_mtu(port, data->mtu) != 0 && data->mtu > RTE_ETHER_MTU) {
		what = "MTU";
		ret = -EINVAL;
	}
	for (uint16_t i = 0; ret == 0 && i < data->nb_rx_queues; i++) {
		const struct netvsc_rxq *rxq = data->rx_queues[i];

		what = "rx queue setup";
		ret = rte_eth_rx_queue_setup(port, i, RTE_MIN(NETVSC_VF_NB_DESC,
					     info->rx_desc_lim.nb_max), rte_eth_dev_socket_id(port),
					     NULL, rxq->mp);
	}
	for (uint16_t i = 0; ret == 0 && i < data->nb_tx_queues; i++) {
		what = "tx queue setup";
		ret = rte_eth_tx_queue_setup(port, i, RTE_MIN(NETVSC_VF_NB_DESC,
					     info->tx_desc_lim.nb_max), rte_eth_dev_socket_id(port),
					     NULL);
	}
	if (ret == 0) {
		if (dev->ptypes_off)
			rte_eth_dev_set_ptypes(port, RTE_PTYPE_UNKNOWN, NULL, 0);	/* a hint */
		netvsc_vf_filter(dev);
		what = "start";
		ret = rte_eth_dev_start(port);
	}
	if (ret < 0 && intr)
		NETVSC_DRV_LOG(NOTICE, dev, "VF port %u: %s failed (%d) with rx interrupts: again "
			       "without (queues then poll while it carries the traffic)",
			       port, what, ret);
	else if (ret < 0)
		NETVSC_DRV_LOG(ERR, dev, "VF port %u: %s failed (%d): synthetic data path", port,
			       what, ret);
	return ret;
}

/* Started VF, bursts on it, then the host's frames to it (nvsp.md 3.14). */
static void
vf_activate(struct netvsc_vf *vf)
{
	struct rte_eth_dev_info info;
	bool intr = vf->dev->eth->data->dev_conf.intr_conf.rxq;
	int ret = rte_eth_dev_info_get(vf->port_id, &info);

	if (ret < 0) {
		NETVSC_DRV_LOG(ERR, vf->dev, "VF port %u: no info (%d): synthetic data path",
			       vf->port_id, ret);
		return;
	}
	if (!vf_can_carry(vf, &info))
		return;		/* said there */
	ret = vf_configure_start(vf, &info, intr);
	/* Again without rx interrupts, unless the VF is gone. */
	if (ret < 0 && intr && ret != -ENODEV && !__atomic_load_n(&vf->removed, __ATOMIC_ACQUIRE)) {
		intr = false;
		ret = vf_configure_start(vf, &info, intr);
	}
	if (ret < 0)
		return;
	vf->vf_started = true;
	__atomic_store_n(&vf->intr, intr, __ATOMIC_RELEASE);
	__atomic_store_n(&vf->active, true, __ATOMIC_RELEASE);
	/* Tried once a start: a refusal is said once, and the queues then poll. */
	netvsc_intr_vf_started(vf->dev, vf->port_id, &vf->intr);
	vf_switch_datapath(vf, true);
}

/* Where each of the VF's counts folded into ours sits in rte_eth_stats. */
static const size_t vf_err_field[NETVSC_VF_NB_ERRS] = {
	offsetof(struct rte_eth_stats, imissed), offsetof(struct rte_eth_stats, ierrors),
	offsetof(struct rte_eth_stats, oerrors), offsetof(struct rte_eth_stats, rx_nombuf),
};

static uint64_t *
vf_err_of(struct rte_eth_stats *st, unsigned int i)
{
	return (uint64_t *)((uint8_t *)st + vf_err_field[i]);
}

/*
 * The VF's drops and errors, which its own (hidden) port counts, into
 * vf->err_last: imissed, ierrors, oerrors, rx_nombuf. The packets and bytes
 * are our bursts' (vf->q). Lock held; false for a VF not owned or removed
 * (its last read stands).
 */
static bool
vf_errors_read(struct netvsc_vf *vf)
{
	struct rte_eth_stats vs;

	if (!vf->owned || __atomic_load_n(&vf->removed, __ATOMIC_ACQUIRE) ||
	    rte_eth_stats_get(vf->port_id, &vs) != 0)
		return false;
	for (unsigned int i = 0; i < NETVSC_VF_NB_ERRS; i++)
		vf->err_last[i] = *vf_err_of(&vs, i);
	return true;
}

/*
 * Before the VF stops or goes (its counters may start again from 0): what
 * it counted since the last reset into err_base, its own counters zeroed,
 * or, if it cannot zero them, their values kept as the new baseline.
 */
static void
vf_errors_fold(struct netvsc_vf *vf)
{
	bool readable = vf_errors_read(vf);

	for (unsigned int i = 0; i < RTE_DIM(vf->err_base); i++) {
		vf->err_base[i] += vf->err_last[i] - vf->err_zero[i];
		vf->err_zero[i] = vf->err_last[i];
	}
	if (readable && rte_eth_stats_reset(vf->port_id) == 0)
		memset(vf->err_zero, 0, sizeof(vf->err_zero));
	memcpy(vf->err_last, vf->err_zero, sizeof(vf->err_last));
}

/* Frames to the synthetic path, the VF's last ones read, bursts off it, VF stopped. */
static void
vf_deactivate(struct netvsc_vf *vf)
{
	if (vf->datapath_vf) {
		vf_switch_datapath(vf, false);
		if (!__atomic_load_n(&vf->removed, __ATOMIC_ACQUIRE))
			rte_delay_us_sleep(NETVSC_VF_DRAIN_US);
	}
	vf_quiesce(vf);
	netvsc_intr_vf_detach(vf->dev);
	vf_errors_fold(vf);
	if (vf->vf_started && rte_eth_dev_stop(vf->port_id) != 0)
		NETVSC_DRV_LOG(NOTICE, vf->dev, "VF port %u did not stop", vf->port_id);
	vf->vf_started = false;
}

/* Let the port go: ownership back, and closed with its device, as it is gone. */
static void
vf_release(struct netvsc_vf *vf, bool remove_device)
{
	uint16_t port = vf->port_id, sibling;
	struct rte_device *rdev = rte_eth_devices[port].device;
	bool last = true;

	vf_deactivate(vf);		/* its counts folded: they outlive it, until a reset */
	memset(vf->err_last, 0, sizeof(vf->err_last));
	memset(vf->err_zero, 0, sizeof(vf->err_zero));
	rte_eth_dev_callback_unregister(port, RTE_ETH_EVENT_INTR_RMV, vf_on_rmv, vf);
	rte_eth_dev_owner_unset(port, vf->owner.id);
	vf->owned = false;
	vf->port_id = RTE_MAX_ETHPORTS;
	if (rte_eth_dev_close(port) != 0)
		NETVSC_DRV_LOG(NOTICE, vf->dev, "VF port %u did not close", port);
	RTE_ETH_FOREACH_DEV_OF(sibling, rdev)
		last = false;
	if (remove_device && last && rdev != NULL && rte_dev_remove(rdev) != 0)
		NETVSC_DRV_LOG(NOTICE, vf->dev, "VF device %s not removed", rte_dev_name(rdev));
	NETVSC_DRV_LOG(NOTICE, vf->dev, "VF port %u released; synthetic data path", port);
}

/* Bring the VF's state in line with the host's report and our port's. Lock held. */
static void
vf_sync_locked(struct netvsc_vf *vf)
{
	bool allocated = __atomic_load_n(&vf->dev->vf_host_allocated, __ATOMIC_ACQUIRE);
	uint16_t port;

	if (!vf->enabled || !vf->ready)
		return;
	if (vf->owned && __atomic_load_n(&vf->removed, __ATOMIC_ACQUIRE)) {
		vf->nb_removed++;
		vf_release(vf, true);
	}
	if (allocated && !vf->owned) {
		port = vf_match(vf);
		if (port < RTE_MAX_ETHPORTS)
			vf_take(vf, port);
	}
	if (!vf->owned)
		return;
	/* Not reported (any more): keep the port, off the data path, until it goes. */
	if (!allocated && vf->vf_started)
		vf_deactivate(vf);
	else if (allocated && vf->dev->started && !vf->vf_started)
		vf_activate(vf);
	else if (vf->vf_started && vf->intr)	/* started before our rx interrupts were */
		netvsc_intr_vf_started(vf->dev, vf->port_id, &vf->intr);
}

static void
vf_sync(struct netvsc_vf *vf)
{
	rte_spinlock_lock(&vf->lock);
	vf_sync_locked(vf);
	rte_spinlock_unlock(&vf->lock);
}

static void
vf_sync_alarm(void *arg)
{
	struct netvsc_vf *vf = arg;

	/* Cleared first: what happens from now on sets a new alarm. */
	__atomic_store_n(&vf->sync_alarm_set, false, __ATOMIC_SEQ_CST);
	vf_sync(vf);
}

static void
vf_rmv_alarm(void *arg)
{
	struct netvsc_vf *vf = arg;

	NETVSC_DRV_LOG(NOTICE, vf->dev, "VF port %u removed", vf->port_id);
	vf_sync(vf);
}

/* A sync on the alarm thread for the VF in slot, if its port is not closing (NULL). */
static void
vf_sync_later(struct netvsc_vf *const *slot)
{
	struct netvsc_vf *vf;

	rte_spinlock_lock(&vf_slot_lock);
	vf = *slot;
	if (vf != NULL)
		netvsc_alarm_once(&vf->sync_alarm_set, vf_sync_alarm, vf);
	rte_spinlock_unlock(&vf_slot_lock);
}

static int
vf_on_new_port(uint16_t port, enum rte_eth_event_type type, void *arg, void *out)
{
	RTE_SET_USED(port);
	RTE_SET_USED(type);
	RTE_SET_USED(out);
	vf_sync_later(arg);	/* after the probe */
	return 0;
}

/* The port's VF record, made at the end of its probe (the primary's, once). */
static struct netvsc_vf *
vf_get(struct netvsc_dev *dev)
{
	struct netvsc_vf *vf = netvsc_vf_by_port[dev->port_id];

	if (vf != NULL)
		return vf;
	vf = rte_zmalloc("netvsc_vf", sizeof(*vf), RTE_CACHE_LINE_SIZE);
	if (vf == NULL)
		return NULL;
	vf->dev = dev;
	vf->enabled = true;
	vf->port_id = RTE_MAX_ETHPORTS;
	rte_spinlock_init(&vf->lock);
	netvsc_vf_by_port[dev->port_id] = vf;
	return vf;
}

/*
 * nvsp.md 3.13 (checked by the gate), from any lcore's read, in any process:
 * noted in dev (shared), acted on by the primary's alarm. A 128 during our
 * probe is read when the record is made; one during close or a failed probe
 * finds no record (never made, or already gone) and arms nothing.
 */
void
netvsc_vf_on_association(struct netvsc_dev *dev, bool allocated, uint32_t serial)
{
	__atomic_store_n(&dev->vf_serial, serial, __ATOMIC_RELAXED);
	__atomic_store_n(&dev->vf_host_allocated, allocated, __ATOMIC_RELEASE);
	NETVSC_DRV_LOG(INFO, dev, "host reports VF serial %u %s", serial,
		       allocated ? "allocated" : "gone");
	if (rte_eal_process_type() == RTE_PROC_PRIMARY)
		vf_sync_later(&netvsc_vf_by_port[dev->port_id]);
}

static int
vf_parse_enable(const char *key, const char *value, void *opaque)
{
	RTE_SET_USED(key);
	if (value == NULL || (strcmp(value, "0") != 0 && strcmp(value, "1") != 0))
		return -EINVAL;		/* NULL: the key alone */
	*(bool *)opaque = value[0] == '1';
	return 0;
}

int
netvsc_vf_probe(struct netvsc_dev *dev)
{
	const struct rte_devargs *da = dev->vmbus->device.devargs;
	struct netvsc_vf *vf = vf_get(dev);
	struct rte_kvargs *kv;

	if (vf == NULL)
		return -ENOMEM;
	if (da != NULL && da->args != NULL && da->args[0] != '\0') {
		kv = rte_kvargs_parse(da->args, NULL);
		if (kv != NULL && rte_kvargs_process(kv, NETVSC_ARG_ENABLE_VF, vf_parse_enable,
						     &vf->enabled) < 0)
			NETVSC_INIT_LOG(ERR, dev, "devarg %s takes 0 or 1; VF enabled",
					NETVSC_ARG_ENABLE_VF);
		rte_kvargs_free(kv);
	}
	if (!vf->enabled) {
		NETVSC_INIT_LOG(INFO, dev, "%s=0: the synthetic path only", NETVSC_ARG_ENABLE_VF);
		return 0;
	}
	snprintf(vf->owner.name, sizeof(vf->owner.name), "%s", dev->name);
	if (rte_eth_dev_owner_new(&vf->owner.id) != 0)
		return -ENOSPC;
	rte_eth_dev_callback_register(RTE_ETH_ALL, RTE_ETH_EVENT_NEW, vf_on_new_port,
				      &netvsc_vf_by_port[dev->port_id]);
	vf->ready = true;
	vf_sync(vf);
	return 0;
}

void
netvsc_vf_start(struct netvsc_dev *dev)
{
	struct netvsc_vf *vf = netvsc_vf_by_port[dev->eth->data->port_id];

	if (vf != NULL)
		vf_sync(vf);
}

void
netvsc_vf_stop(struct netvsc_dev *dev)
{
	struct netvsc_vf *vf = netvsc_vf_by_port[dev->eth->data->port_id];

	if (vf == NULL)
		return;
	rte_spinlock_lock(&vf->lock);
	if (vf->owned)
		vf_deactivate(vf);
	rte_spinlock_unlock(&vf->lock);
}

/* A started VF that can strip VLAN tags told to (not to) in place. */
static int
vf_set_strip(struct netvsc_vf *vf, bool strip)
{
	struct rte_eth_dev_info info;
	int mask;

	if (rte_eth_dev_info_get(vf->port_id, &info) != 0 ||
	    (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_VLAN_STRIP) == 0)
		return -ENOTSUP;
	mask = rte_eth_dev_get_vlan_offload(vf->port_id);
	if (mask < 0)
		return mask;
	mask = strip ? mask | RTE_ETH_VLAN_STRIP_OFFLOAD : mask & ~RTE_ETH_VLAN_STRIP_OFFLOAD;
	return rte_eth_dev_set_vlan_offload(vf->port_id, mask);
}

/*
 * The port's VLAN stripping changed: a VF carrying the data path that can
 * strip follows it in place. Else (a VF that cannot, or one left off
 * before) it is set up again for the port's offloads: left off the data
 * path if it cannot do them, taken if it now can.
 */
void
netvsc_vf_vlan_strip(struct netvsc_dev *dev, bool strip)
{
	struct netvsc_vf *vf = netvsc_vf_by_port[dev->eth->data->port_id];
	bool done = false;
	int ret;

	if (vf == NULL)
		return;
	rte_spinlock_lock(&vf->lock);
	/* A VF already gone (its RMV not yet handled) is left to vf_sync. */
	if (vf->owned && vf->vf_started && !__atomic_load_n(&vf->removed, __ATOMIC_ACQUIRE)) {
		ret = vf_set_strip(vf, strip);
		done = ret == 0;
		if (done)
			NETVSC_DRV_LOG(INFO, dev, "VF port %u strips VLAN tags: %s",
				       vf->port_id, strip ? "on" : "off");
		else if (ret != -ENOTSUP)
			NETVSC_DRV_LOG(NOTICE, dev,
				       "VF port %u: VLAN strip %s failed (%d): set up again",
				       vf->port_id, strip ? "on" : "off", ret);
	}
	rte_spinlock_unlock(&vf->lock);
	if (!done) {
		netvsc_vf_stop(dev);
		netvsc_vf_start(dev);
	}
}

/* Promiscuous, all-multicast and the multicast list as our port has them. */
void
netvsc_vf_filter(struct netvsc_dev *dev)
{
	struct netvsc_vf *vf = netvsc_vf_by_port[dev->eth->data->port_id];
	struct rte_eth_dev_data *data = dev->eth->data;

	if (vf == NULL || !vf->owned)
		return;
	if (data->promiscuous)
		rte_eth_promiscuous_enable(vf->port_id);
	else
		rte_eth_promiscuous_disable(vf->port_id);
	if (data->all_multicast)
		rte_eth_allmulticast_enable(vf->port_id);
	else
		rte_eth_allmulticast_disable(vf->port_id);
	/* Our groups too (a VF without a list filter says -ENOTSUP: its own rules stand). */
	rte_eth_dev_set_mc_addr_list(vf->port_id, dev->mc_addrs, dev->nb_mc_addrs);
}

/*
 * ethdev refuses (-EAGAIN) while the callback runs on another thread: wait
 * it out, 1 s at most. A port at a time: for RTE_ETH_ALL ethdev returns
 * the last port's answer only.
 */
static void
vf_callback_unregister_port(struct netvsc_vf *vf, uint16_t port, enum rte_eth_event_type event,
			    rte_eth_dev_cb_fn fn, void *arg)
{
	for (unsigned int i = 0; i < 1000; i++) {
		if (rte_eth_dev_callback_unregister(port, event, fn, arg) != -EAGAIN)
			return;
		rte_delay_us_sleep(1000);
	}
	NETVSC_DRV_LOG(ERR, vf->dev, "VF event %d callback of port %u still running after 1 s",
		       event, port);
}

/*
 * RTE_ETH_ALL: registering put the callback on every ethdev slot, with a
 * port or not, and only RTE_ETH_ALL takes it off the free ones (a slot
 * without a port is refused one at a time, and would keep it for the next
 * port there). Then the ports, where it may have been running.
 */
static void
vf_callback_unregister_all(struct netvsc_vf *vf, enum rte_eth_event_type event,
			   rte_eth_dev_cb_fn fn, void *arg)
{
	rte_eth_dev_callback_unregister(RTE_ETH_ALL, event, fn, arg);
	for (uint16_t p = 0; p < RTE_MAX_ETHPORTS; p++)
		if (rte_eth_dev_is_valid_port(p))
			vf_callback_unregister_port(vf, p, event, fn, arg);
}

void
netvsc_vf_close(struct netvsc_dev *dev)
{
	uint16_t port = dev->port_id;
	struct netvsc_vf *vf = netvsc_vf_by_port[port];

	if (vf == NULL)
		return;
	/* Callbacks first (they arm the alarms), then the alarms: none runs on a freed vf. */
	if (vf->ready)
		vf_callback_unregister_all(vf, RTE_ETH_EVENT_NEW, vf_on_new_port,
					   &netvsc_vf_by_port[port]);
	if (vf->owned)
		vf_callback_unregister_port(vf, vf->port_id, RTE_ETH_EVENT_INTR_RMV, vf_on_rmv,
					    vf);
	rte_spinlock_lock(&vf_slot_lock);
	netvsc_vf_by_port[port] = NULL;		/* a new-port callback still running finds none */
	rte_spinlock_unlock(&vf_slot_lock);
	rte_eal_alarm_cancel(vf_sync_alarm, vf);
	__atomic_store_n(&vf->sync_alarm_set, false, __ATOMIC_SEQ_CST);
	rte_eal_alarm_cancel(vf_rmv_alarm, vf);
	rte_spinlock_lock(&vf->lock);
	vf->ready = false;
	if (vf->owned)
		vf_release(vf, false);
	rte_spinlock_unlock(&vf->lock);
	if (vf->owner.id != 0)
		rte_eth_dev_owner_delete(vf->owner.id);
	rte_free(vf);
}

int
netvsc_vf_stats_get(struct rte_eth_dev *eth, struct rte_eth_stats *st)
{
	struct netvsc_vf *vf = netvsc_vf_by_port[eth->data->port_id];
	uint64_t err[RTE_DIM(vf->err_base)];
	int ret = netvsc_stats_get(eth, st);

	if (ret != 0 || vf == NULL)
		return ret;
	/*
	 * The lock is held across host requests and VF starts (seconds): while
	 * it is, and for a VF already removed, the last read stands in.
	 */
	if (rte_spinlock_trylock(&vf->lock)) {
		vf_errors_read(vf);
		for (unsigned int i = 0; i < RTE_DIM(err); i++) {
			err[i] = vf->err_base[i] + vf->err_last[i] - vf->err_zero[i];
			__atomic_store_n(&vf->err_shown[i], err[i], __ATOMIC_RELAXED);
		}
		rte_spinlock_unlock(&vf->lock);
	} else {
		for (unsigned int i = 0; i < RTE_DIM(err); i++)
			err[i] = __atomic_load_n(&vf->err_shown[i], __ATOMIC_RELAXED);
	}
	for (unsigned int i = 0; i < RTE_DIM(err); i++)
		*vf_err_of(st, i) += err[i];
	for (unsigned int i = 0; i < NETVSC_MAX_QUEUES; i++) {
		const struct netvsc_vf_queue *q = &vf->q[i];

		st->ipackets += q->rx_packets;
		st->ibytes += q->rx_bytes;
		st->opackets += q->tx_packets;
		st->obytes += q->tx_bytes;
		if (i < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			st->q_ipackets[i] += q->rx_packets;
			st->q_ibytes[i] += q->rx_bytes;
			st->q_opackets[i] += q->tx_packets;
			st->q_obytes[i] += q->tx_bytes;
		}
	}
	return 0;
}

int
netvsc_vf_stats_reset(struct rte_eth_dev *eth)
{
	struct netvsc_vf *vf = netvsc_vf_by_port[eth->data->port_id];

	if (vf != NULL) {
		for (unsigned int i = 0; i < NETVSC_MAX_QUEUES; i++)
			vf->q[i].rx_packets = vf->q[i].rx_bytes = vf->q[i].tx_packets =
				vf->q[i].tx_bytes = 0;
		rte_spinlock_lock(&vf->lock);
		vf_errors_read(vf);
		memcpy(vf->err_zero, vf->err_last, sizeof(vf->err_zero));
		memset(vf->err_base, 0, sizeof(vf->err_base));
		for (unsigned int i = 0; i < RTE_DIM(vf->err_shown); i++)
			__atomic_store_n(&vf->err_shown[i], 0, __ATOMIC_RELAXED);
		rte_spinlock_unlock(&vf->lock);
	}
	return netvsc_stats_reset(eth);
}
