/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Accelerated networking (netvsc_vf.c): the SR-IOV VF that shares the
 * synthetic NIC's MAC, owned by us while the host reports it (NVSP 128),
 * carrying the data path (NVSP 129) while it is started. The bursts call
 * the inline checks below; everything else runs on control threads.
 */
#ifndef NETVSC_VF_H
#define NETVSC_VF_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_ethdev.h>

#include "netvsc.h"

#define NETVSC_ARG_ENABLE_VF	"enable_vf"

/* A queue's flag that its lcore is inside the VF's burst (see netvsc_vf_quiesce). */
struct netvsc_vf_queue {
	uint32_t rx_busy, tx_busy;
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;	/* by the VF */
} __rte_cache_aligned;

/* The VF port's counts folded into ours: imissed, ierrors, oerrors, rx_nombuf. */
#define NETVSC_VF_NB_ERRS	4

struct netvsc_vf {
	bool active;			/* bursts use the VF: read by every burst */
	uint16_t port_id;		/* the VF's port, valid while owned */
	struct netvsc_dev *dev;
	bool ready;			/* the synthetic port finished probing */
	bool enabled;			/* devarg enable_vf (default 1) */
	bool owned;			/* we own port_id */
	bool vf_started;		/* we configured and started it */
	bool intr;			/* started with rx interrupts that wake our queues */
	bool datapath_vf;		/* our last 129 asked for the VF */
	bool removed;			/* RMV seen: the port is let go by an alarm */
	bool sync_alarm_set;		/* atomic: one vf_sync_alarm pending at most */
	struct rte_eth_dev_owner owner;
	rte_spinlock_t lock;		/* control threads only, never a burst */
	uint64_t nb_attached, nb_removed;
	struct netvsc_vf_queue q[NETVSC_MAX_QUEUES];
	/*
	 * The VF ports' imissed, ierrors, oerrors, rx_nombuf (vf_errors_read):
	 * of VFs let go since the last reset, the owned one's last read, and
	 * what it had at that reset.
	 */
	uint64_t err_base[NETVSC_VF_NB_ERRS], err_last[NETVSC_VF_NB_ERRS];
	uint64_t err_zero[NETVSC_VF_NB_ERRS];
	uint64_t err_shown[NETVSC_VF_NB_ERRS];		/* the last sum stats_get gave: while the lock is busy */
};

extern struct netvsc_vf *netvsc_vf_by_port[RTE_MAX_ETHPORTS];

uint16_t netvsc_vf_rx_burst(struct netvsc_vf *vf, uint16_t queue, struct rte_mbuf **pkts,
			    uint16_t nb_pkts);
uint16_t netvsc_vf_tx_burst(struct netvsc_vf *vf, uint16_t queue, struct rte_mbuf **pkts,
			    uint16_t nb_pkts);

/* Rx burst: frames rxq's VF queue received, after the synthetic ones; 0 without an active VF. */
static inline uint16_t
netvsc_vf_rx(const struct netvsc_rxq *rxq, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct netvsc_vf *vf = netvsc_vf_by_port[rxq->port_id];

	if (likely(vf == NULL || !__atomic_load_n(&vf->active, __ATOMIC_ACQUIRE)))
		return 0;
	return netvsc_vf_rx_burst(vf, rxq->queue_id, pkts, nb_pkts);
}

/* Tx burst: true if the VF took the burst (*nb_sent of it); false: send synthetic. */
static inline bool
netvsc_vf_tx(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t nb_pkts,
	     uint16_t *nb_sent)
{
	struct netvsc_vf *vf = netvsc_vf_by_port[port];

	if (likely(vf == NULL || !__atomic_load_n(&vf->active, __ATOMIC_ACQUIRE)))
		return false;
	*nb_sent = netvsc_vf_tx_burst(vf, queue, pkts, nb_pkts);
	return true;
}

/*
 * The VF queue's interrupt on or off with rxq's (its lcore, as a burst);
 * true when enabling finds frames already there, which raised nothing.
 */
bool netvsc_vf_rx_intr(const struct netvsc_rxq *rxq, bool enable);

/* Hooks in netvsc_ethdev.c and netvsc_rx.c. */
int netvsc_vf_probe(struct netvsc_dev *dev);
void netvsc_vf_close(struct netvsc_dev *dev);
void netvsc_vf_start(struct netvsc_dev *dev);
void netvsc_vf_stop(struct netvsc_dev *dev);
void netvsc_vf_vlan_strip(struct netvsc_dev *dev, bool strip);
void netvsc_vf_filter(struct netvsc_dev *dev);
void netvsc_vf_on_association(struct netvsc_dev *dev, bool allocated, uint32_t serial);
int netvsc_vf_stats_get(struct rte_eth_dev *eth, struct rte_eth_stats *st);
int netvsc_vf_stats_reset(struct rte_eth_dev *eth);

#endif /* NETVSC_VF_H */
