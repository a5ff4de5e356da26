/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_netvsc: probe and remove on our vmbus bus, the eth_dev_ops table,
 * start/stop/close, link state and LSC events, promiscuous and multicast
 * filters and statistics. Devargs are netvsc_devargs.c's; sessions are
 * netvsc_nvsp.c/netvsc_rndis.c's.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include <ethdev_driver.h>
#include <rte_alarm.h>
#include <rte_cycles.h>
#include <rte_malloc.h>

#include "netvsc.h"
#include "netvsc_vf.h"	/* VF hooks: accelerated networking */
#include "nvsp_wire.h"
#include "rndis_wire.h"

RTE_LOG_REGISTER(netvsc_logtype_init, pmd.net.netvsc.init, NOTICE);
RTE_LOG_REGISTER(netvsc_logtype_driver, pmd.net.netvsc.driver, NOTICE);

#define NETVSC_DEFAULT_MTU	RTE_ETHER_MTU
#define NETVSC_MAX_MTU		9000u
/* Into data->dev_link (shared), through this process's ethdev of the port. */
static void
netvsc_link_publish(struct netvsc_dev *dev)
{
	bool up = __atomic_load_n(&dev->link_up, __ATOMIC_ACQUIRE);
	uint32_t mbps = __atomic_load_n(&dev->link_speed_mbps, __ATOMIC_RELAXED);
	struct rte_eth_link link = {
		.link_status = up ? RTE_ETH_LINK_UP : RTE_ETH_LINK_DOWN,
		.link_speed = !up ? RTE_ETH_SPEED_NUM_NONE :
			      mbps != 0 ? mbps : RTE_ETH_SPEED_NUM_UNKNOWN,
		.link_duplex = RTE_ETH_LINK_FULL_DUPLEX,
		.link_autoneg = RTE_ETH_LINK_FIXED,
	};

	rte_eth_linkstatus_set(&rte_eth_devices[dev->port_id], &link);
}

/* One LSC alarm pending at most per port, however many indications the host sends. */
static bool netvsc_lsc_alarm_set[RTE_MAX_ETHPORTS];

/* With LSC on, ethdev answers link queries from data->dev_link: set it first. */
static void
netvsc_lsc_alarm(void *arg)
{
	struct netvsc_dev *dev = arg;

	/* Cleared first: an indication from now on sets a new alarm. */
	__atomic_store_n(&netvsc_lsc_alarm_set[dev->port_id], false, __ATOMIC_SEQ_CST);
	netvsc_link_publish(dev);
	rte_eth_dev_callback_process(dev->eth, RTE_ETH_EVENT_INTR_LSC, NULL);
}

/*
 * RNDIS status indication (rndis.md 7), already copied and parsed (buf: its
 * buffer, there for the statuses that carry one), from any lcore's read of
 * any channel, in any process. The application
 * hears of it from an alarm of the primary's, which close stops first (it
 * would run on a freed port); a secondary's read publishes the state only.
 */
void
netvsc_link_indication(struct netvsc_dev *dev, uint32_t status, const uint8_t *buf)
{
	uint32_t speed;

	switch (status) {
	case RNDIS_STATUS_MEDIA_CONNECT:
	case RNDIS_STATUS_MEDIA_DISCONNECT:
		__atomic_store_n(&dev->link_up, status == RNDIS_STATUS_MEDIA_CONNECT,
				 __ATOMIC_RELEASE);
		__atomic_fetch_add(&dev->link_indications, 1, __ATOMIC_RELEASE);
		__atomic_store_n(&dev->link_known, true, __ATOMIC_RELEASE);	/* no query after */
		break;
	case RNDIS_STATUS_NETWORK_CHANGE:
		break;		/* the link bounced: the application hears about it below */
	case RNDIS_STATUS_LINK_SPEED_CHANGE:	/* a u32 in 100 bit/s units (parse: it is there) */
		memcpy(&speed, buf, sizeof(speed));
		__atomic_store_n(&dev->link_speed_mbps, speed / 10000, __ATOMIC_RELAXED);
		__atomic_fetch_add(&dev->speed_indications, 1, __ATOMIC_RELEASE);
		break;
	default:
		return;
	}
	NETVSC_DRV_LOG(INFO, dev, "link status indication %#x", status);
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		netvsc_link_publish(dev);
	else if (!__atomic_load_n(&dev->closing, __ATOMIC_ACQUIRE) &&
		 dev->eth->data->dev_conf.intr_conf.lsc)
		netvsc_alarm_once(&netvsc_lsc_alarm_set[dev->port_id], netvsc_lsc_alarm, dev);
}

/*
 * Rescind (the host removed the NIC): the kernel turns the device's irq off
 * and its uio fd polls as an error from then on (spec/uio-hv-generic.md 5).
 * Checked from an alarm, as the data path never touches the fd; the
 * application hears RTE_ETH_EVENT_INTR_RMV and closes the port, which then
 * frees every mbuf and skips the host exchanges nobody would answer.
 */
#define NETVSC_RESCIND_CHECK_US	100000u

static void
netvsc_rescind_check(void *arg)
{
	struct netvsc_dev *dev = arg;
	struct pollfd pfd = { .fd = rte_intr_fd_get(dev->vmbus->intr_handle), .events = POLLIN };

	__atomic_store_n(&dev->rescind_check_busy, true, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&dev->closing, __ATOMIC_SEQ_CST)) {
		__atomic_store_n(&dev->rescind_check_busy, false, __ATOMIC_RELEASE);
		return;			/* not re-armed: close is waiting for us */
	}
	if (pfd.fd < 0 || poll(&pfd, 1, 0) < 0 ||
	    !(pfd.revents & (POLLERR | POLLHUP | POLLNVAL))) {
		rte_eal_alarm_set(NETVSC_RESCIND_CHECK_US, netvsc_rescind_check, dev);
		__atomic_store_n(&dev->rescind_check_busy, false, __ATOMIC_RELEASE);
		return;
	}
	__atomic_store_n(&dev->rescind_check_busy, false, __ATOMIC_RELEASE);
	__atomic_store_n(&dev->rescinded, true, __ATOMIC_RELEASE);
	__atomic_store_n(&dev->link_up, false, __ATOMIC_RELEASE);
	NETVSC_DRV_LOG(NOTICE, dev, "the host removed the device (rescind)");
	netvsc_link_publish(dev);
	if (dev->eth->data->dev_conf.intr_conf.rmv)
		rte_eth_dev_callback_process(dev->eth, RTE_ETH_EVENT_INTR_RMV, NULL);
}

static void
netvsc_rescind_check_start(struct netvsc_dev *dev)
{
	__atomic_store_n(&dev->closing, false, __ATOMIC_SEQ_CST);
	rte_eal_alarm_set(NETVSC_RESCIND_CHECK_US, netvsc_rescind_check, dev);
}

/*
 * rte_eal_alarm_cancel spins on the alarm list's lock while the check runs,
 * and the check takes that lock to re-arm: on a slow or oversubscribed
 * machine (valgrind showed it) the two can go on for minutes. So close asks
 * the check not to re-arm and sleeps while it runs before cancelling.
 */
static void
netvsc_rescind_check_stop(struct netvsc_dev *dev)
{
	__atomic_store_n(&dev->closing, true, __ATOMIC_SEQ_CST);
	for (int i = 0; i < 1000 && __atomic_load_n(&dev->rescind_check_busy, __ATOMIC_ACQUIRE);
	     i++)
		rte_delay_us_sleep(1000);
	rte_delay_us_sleep(1000);	/* the alarm thread drops its entry after the call */
	rte_eal_alarm_cancel(netvsc_rescind_check, dev);
}

/* A speed query's answer, unless a speed indication read during its wait is newer. */
static void
link_speed_answer(struct netvsc_dev *dev, uint32_t mbps, uint32_t speeds_seen)
{
	if (__atomic_load_n(&dev->speed_indications, __ATOMIC_ACQUIRE) == speeds_seen)
		__atomic_store_n(&dev->link_speed_mbps, mbps, __ATOMIC_RELAXED);
}

static int
netvsc_link_update(struct rte_eth_dev *eth, int wait)
{
	struct netvsc_dev *dev = eth->data->dev_private;
	int old = eth->data->dev_link.link_status;
	bool up = false;
	uint32_t mbps = 0;

	RTE_SET_USED(wait);
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;	/* control is the primary's; dev_link is shared */
	/*
	 * The host is asked once a session, unless it indicated first; from
	 * then on its indications say (read here too, a stopped port's bursts
	 * do not): OpenVMM's netvsp answers the query "connected" whatever the
	 * link, as Linux asks only at its start.
	 */
	if (!__atomic_load_n(&dev->rescinded, __ATOMIC_ACQUIRE)) {
		uint32_t seen = __atomic_load_n(&dev->link_indications, __ATOMIC_ACQUIRE);
		bool known = __atomic_load_n(&dev->link_known, __ATOMIC_ACQUIRE);
		uint32_t speeds_seen;

		if (known)
			netvsc_ctl_read(dev);
		speeds_seen = __atomic_load_n(&dev->speed_indications, __ATOMIC_ACQUIRE);
		if (known) {
			/* Indicated before any query: the speed is still to be asked. */
			if (__atomic_load_n(&dev->link_speed_mbps, __ATOMIC_RELAXED) == 0 &&
			    netvsc_rndis_link_speed(dev, &mbps) == 0)
				link_speed_answer(dev, mbps, speeds_seen);
		} else if (netvsc_rndis_link_status(dev, &up, &mbps) == 0) {
			link_speed_answer(dev, mbps, speeds_seen);
			/* An indication read meanwhile (during the query's wait) is newer. */
			if (__atomic_load_n(&dev->link_indications, __ATOMIC_ACQUIRE) == seen)
				__atomic_store_n(&dev->link_up, up, __ATOMIC_RELEASE);
			__atomic_store_n(&dev->link_known, true, __ATOMIC_RELEASE);
		}
	}
	netvsc_link_publish(dev);
	return old == eth->data->dev_link.link_status ? -1 : 0;	/* ethdev: -1 unchanged */
}

static int
netvsc_dev_infos_get(struct rte_eth_dev *eth, struct rte_eth_dev_info *info)
{
	struct netvsc_dev *dev = eth->data->dev_private;

	info->max_rx_queues = (uint16_t)dev->max_queues;
	info->max_tx_queues = (uint16_t)dev->max_queues;
	info->flow_type_rss_offloads = dev->max_queues > 1 ? netvsc_rss_offloads(dev) : 0;
	info->reta_size = dev->max_queues > 1 ? (uint16_t)dev->reta_size : 0;
	info->hash_key_size = NDIS_RSS_KEY_BYTES;
	info->max_rx_pktlen = NETVSC_MAX_MTU + RTE_ETHER_HDR_LEN;
	info->min_mtu = RTE_ETHER_MIN_MTU;
	info->max_mtu = NETVSC_MAX_MTU;
	info->max_mac_addrs = 1;
	info->rx_offload_capa = RTE_ETH_RX_OFFLOAD_VLAN_STRIP | dev->host_rx_offloads |
				RTE_ETH_RX_OFFLOAD_SCATTER | RTE_ETH_RX_OFFLOAD_RSS_HASH;
	if (netvsc_caps_rsc(dev->nvsp_version, dev->ndis_minor)) {
		info->rx_offload_capa |= RTE_ETH_RX_OFFLOAD_TCP_LRO;	/* the host's RSC */
		info->max_lro_pkt_size = RTE_ETHER_HDR_LEN + UINT16_MAX;
	}
	info->tx_offload_capa = dev->host_tx_offloads | RTE_ETH_TX_OFFLOAD_VLAN_INSERT |
				RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	/* Any chain is received: no rx segment limit (ethdev's defaults). */
	/* Any count is taken (as DPDK's netvsc does) and fitted at queue setup. */
	info->rx_desc_lim = (struct rte_eth_desc_lim){ .nb_max = UINT16_MAX, .nb_min = 1,
						       .nb_align = 1, .nb_seg_max = UINT16_MAX,
						       .nb_mtu_seg_max = UINT16_MAX };
	info->tx_desc_lim = (struct rte_eth_desc_lim){ .nb_max = UINT16_MAX, .nb_min = 1,
						       .nb_align = 1,
						       .nb_seg_max = NETVSC_TX_MAX_SEGS,
						       .nb_mtu_seg_max = NETVSC_TX_MAX_SEGS };
	/* Sends stay ours until the host completes them: room for its latency. */
	info->default_txportconf.ring_size = 2048;
	info->default_rxportconf.ring_size = 1024;
	info->speed_capa = RTE_ETH_LINK_SPEED_100G;
	return 0;
}

static int netvsc_change_mtu(struct netvsc_dev *dev, uint32_t mtu);

/* Queues set up for another queue count hold that count's channels and send-section shares. */
static void
netvsc_queues_release(struct rte_eth_dev *eth)
{
	for (uint16_t i = 0; i < eth->data->nb_rx_queues; i++)
		netvsc_rx_queue_release(eth, i);
	for (uint16_t i = 0; i < eth->data->nb_tx_queues; i++)
		netvsc_tx_queue_release(eth, i);
}

/*
 * Queue i runs on channel i: open subchannels for the extra queues, set RSS.
 * Subchannels stay open until close (uio_hv_generic keeps them while the
 * device is open): more queues ask the host for the new total and open the
 * ones it adds, fewer leave the rest idle, as the indirection table names
 * only the first ones.
 */
static int
netvsc_dev_configure(struct rte_eth_dev *eth)
{
	struct netvsc_dev *dev = eth->data->dev_private;
	struct rte_eth_conf *conf = &eth->data->dev_conf;
	uint16_t nb_rxq = eth->data->nb_rx_queues, nb_txq = eth->data->nb_tx_queues;
	uint16_t nb = RTE_MAX(nb_rxq, nb_txq);
	int ret;

	if (nb > dev->max_queues) {
		NETVSC_DRV_LOG(ERR, dev, "%u queues asked, the host allows %u", nb,
			       dev->max_queues);
		return -EINVAL;
	}
	if (conf->rxmode.mq_mode & RTE_ETH_MQ_RX_RSS_FLAG)
		conf->rxmode.offloads |= RTE_ETH_RX_OFFLOAD_RSS_HASH;
	/* ethdev takes rxmode.mtu into data->mtu itself, without mtu_set. */
	if (eth->data->mtu > NETVSC_MAX_MTU)
		return -EINVAL;
	ret = netvsc_change_mtu(dev, eth->data->mtu);
	if (ret == 0)
		ret = netvsc_offload_set(dev,
					 (conf->rxmode.offloads & RTE_ETH_RX_OFFLOAD_TCP_LRO) != 0);
	if (ret < 0)
		return ret;
	if (nb_rxq != dev->nb_rxq || nb_txq != dev->nb_txq) {
		netvsc_queues_release(eth);
		NETVSC_DRV_LOG(INFO, dev, "queues %u/%u -> %u/%u", dev->nb_rxq, dev->nb_txq,
			       nb_rxq, nb_txq);
	}
	dev->nb_rxq = nb_rxq;
	dev->nb_txq = nb_txq;
	ret = netvsc_rss_setup_channels(dev, nb);
	if (ret < 0)
		return ret;
	ret = netvsc_rss_configure(dev, &conf->rx_adv_conf.rss_conf, nb_rxq);
	if (ret == 0)
		dev->needs_settings = false;	/* offloads and RSS set just now */
	return ret;
}

static int netvsc_filter_apply(struct rte_eth_dev *eth);

static int netvsc_primary_open(struct netvsc_dev *dev);

/*
 * A new NVSP session on a new channel: Hyper-V serves a channel no more after
 * a buffer revoke (OpenVMM ends it) and takes a second INIT on it as out of
 * order, so the device is closed and opened again in between (the kernel
 * closes the primary and opens it anew), as Linux and DPDK do for an MTU.
 * The rescind check polls the device's fd: it waits meanwhile.
 */
static int
netvsc_channels_reopen(struct netvsc_dev *dev)
{
	int ret;

	netvsc_rescind_check_stop(dev);
	memset(dev->chan, 0, sizeof(dev->chan));
	dev->nb_channels = 0;
	ret = rte_vmbus_reopen_device(dev->vmbus);	/* closes the channels first */
	dev->primary = NULL;
	if (ret == 0)
		ret = netvsc_primary_open(dev);
	netvsc_rescind_check_start(dev);
	netvsc_queues_rebind(dev->eth);
	return ret;
}

/*
 * The MTU is part of NDIS config, sent once per NVSP session: start a new one
 * and read back what the host granted (it falls back to 1500 for an MTU it
 * refuses, nvsp.md 3.4). The queues' channels are opened again.
 */
static int
netvsc_session_mtu(struct netvsc_dev *dev, uint32_t mtu)
{
	uint16_t nb_queues = RTE_MAX(dev->nb_rxq, dev->nb_txq);
	uint32_t granted = 0, got = 0;
	int ret;

	netvsc_queues_session_end(dev->eth);
	netvsc_rndis_detach(dev);
	netvsc_nvsp_detach(dev);
	ret = netvsc_channels_reopen(dev);
	dev->mtu = mtu;
	if (ret == 0)
		ret = netvsc_nvsp_attach(dev);
	if (ret == 0)
		ret = netvsc_rndis_attach(dev);
	if (ret == 0)
		ret = netvsc_rndis_query(dev, RNDIS_OID_GEN_MAXIMUM_FRAME_SIZE, NULL, 0, &granted,
					 sizeof(granted), &got);
	if (ret == 0 && (got < sizeof(granted) || granted < mtu)) {
		NETVSC_DRV_LOG(ERR, dev, "host granted MTU %u of %u", got < sizeof(granted) ?
			       0 : granted, mtu);
		ret = -EINVAL;
	}
	if (ret == 0 && nb_queues > 1) {
		ret = netvsc_rss_setup_channels(dev, nb_queues);
		netvsc_queues_rebind(dev->eth);
	}
	return ret;
}

/*
 * A new session is a fresh miniport: it gets the port's offloads (with
 * RSC) and RSS again. If it cannot, the next start tries again.
 */
static int
netvsc_session_settings(struct netvsc_dev *dev)
{
	const struct rte_eth_conf *conf = &dev->eth->data->dev_conf;
	int ret = netvsc_offload_set(dev, (conf->rxmode.offloads & RTE_ETH_RX_OFFLOAD_TCP_LRO) != 0);

	if (ret == 0)
		ret = netvsc_rss_restore(dev);
	if (ret < 0)
		NETVSC_DRV_LOG(ERR, dev, "offloads and RSS not set in the new session (%d): start "
			       "tries again", ret);
	dev->needs_settings = ret < 0;
	return ret;
}

/*
 * A new session at mtu, or back at the old one if the host refuses it.
 * When neither comes up the port has none: the next MTU change, configure
 * or start tries again.
 */
static int
netvsc_session_change(struct netvsc_dev *dev, uint32_t mtu)
{
	uint32_t old = dev->mtu;
	unsigned int held;
	int ret;

	if (!netvsc_chan_locks_wait(dev, NETVSC_MAX_QUEUES)) {
		NETVSC_DRV_LOG(ERR, dev, "MTU %u needs a new host session: a channel's lock stays "
			       "held (a process killed in a burst?)", mtu);
		return -EBUSY;
	}
	held = netvsc_rx_zc_held(dev->eth);
	if (held > 0) {
		NETVSC_DRV_LOG(ERR, dev, "MTU %u needs a new host session: free the zero-copy "
			       "mbufs of %u transfers first", mtu, held);
		return -EBUSY;
	}
	ret = netvsc_session_mtu(dev, mtu);
	if (ret < 0 && (mtu == old || netvsc_session_mtu(dev, old) < 0)) {
		if (mtu != old)
			NETVSC_DRV_LOG(ERR, dev, "MTU %u refused, and MTU %u not restored", mtu,
				       old);
		NETVSC_DRV_LOG(ERR, dev, "no host session (%d): start, configure or an MTU change "
			       "tries again", ret);
		dev->needs_session = true;
		return ret;
	}
	dev->needs_session = false;
	if (ret < 0)
		NETVSC_DRV_LOG(ERR, dev, "MTU %u refused (%d); still %u", mtu, ret, old);
	/* The session stands (at mtu or old): settings it lacks, the next start sets. */
	netvsc_session_settings(dev);
	return ret;
}

static int
netvsc_change_mtu(struct netvsc_dev *dev, uint32_t mtu)
{
	int ret;

	if (mtu == dev->mtu && !dev->needs_session)
		return 0;
	/* A secondary's channel would stay open; none attaches meanwhile (they wait). */
	if (rte_vmbus_device_claim(dev->vmbus) < 0) {
		NETVSC_DRV_LOG(ERR, dev, "MTU %u needs a new host session: the secondary "
			       "processes must detach first", mtu);
		return -EBUSY;
	}
	ret = netvsc_session_change(dev, mtu);
	rte_vmbus_device_unclaim(dev->vmbus);
	return ret;
}

static int
netvsc_mtu_set(struct rte_eth_dev *eth, uint16_t mtu)
{
	struct netvsc_dev *dev = eth->data->dev_private;

	if (dev->started)
		return -EBUSY;
	if (mtu < RTE_ETHER_MIN_MTU || mtu > NETVSC_MAX_MTU)
		return -EINVAL;
	return netvsc_change_mtu(dev, mtu);
}

/* The host always strips tags into the VLAN PPI; with stripping off we put them back. */
static int
netvsc_vlan_offload_set(struct rte_eth_dev *eth, int mask)
{
	bool strip = (eth->data->dev_conf.rxmode.offloads & RTE_ETH_RX_OFFLOAD_VLAN_STRIP) != 0;

	if (!(mask & RTE_ETH_VLAN_STRIP_MASK))
		return 0;
	for (uint16_t i = 0; i < eth->data->nb_rx_queues; i++) {
		struct netvsc_rxq *rxq = eth->data->rx_queues[i];

		if (rxq != NULL)
			netvsc_rxq_set_vlan_strip(rxq, strip);
	}
	netvsc_vf_vlan_strip(eth->data->dev_private, strip);	/* the VF's frames must follow */
	return 0;
}

/* What rx fills in packet_type: what rte_net_get_ptype finds in NETVSC_PTYPE_LAYERS. */
static const uint32_t *
netvsc_supported_ptypes(struct rte_eth_dev *eth)
{
	static const uint32_t ptypes[] = {
		RTE_PTYPE_L2_ETHER, RTE_PTYPE_L2_ETHER_VLAN, RTE_PTYPE_L2_ETHER_QINQ,
		RTE_PTYPE_L3_IPV4, RTE_PTYPE_L3_IPV4_EXT,
		RTE_PTYPE_L3_IPV6, RTE_PTYPE_L3_IPV6_EXT, RTE_PTYPE_L4_TCP, RTE_PTYPE_L4_UDP,
		RTE_PTYPE_L4_SCTP, RTE_PTYPE_L4_FRAG, RTE_PTYPE_UNKNOWN,
	};

	RTE_SET_USED(eth);
	return ptypes;
}

/*
 * rte_eth_dev_set_ptypes: none (mask 0) spares every frame the parse, as
 * testpmd asks by default; any of L2, L3 or L4 asked for parses all three.
 */
static int
netvsc_ptypes_set(struct rte_eth_dev *eth, uint32_t mask)
{
	struct netvsc_dev *dev = eth->data->dev_private;

	dev->ptypes_off = (mask & NETVSC_PTYPE_LAYERS) == 0;
	for (uint16_t i = 0; i < eth->data->nb_rx_queues; i++) {
		struct netvsc_rxq *rxq = eth->data->rx_queues[i];

		if (rxq != NULL)	/* the queue may be polled meanwhile */
			__atomic_store_n(&rxq->ptypes, !dev->ptypes_off, __ATOMIC_RELAXED);
	}
	return 0;
}

/*
 * The multicast list to the host. One that takes none (OpenVMM's netvsp
 * answers NOT_SUPPORTED; Linux never sends the list) gets ALL_MULTICAST in
 * the filter instead while the list has groups: more frames, none missed.
 */
static int
netvsc_mc_list_send(struct netvsc_dev *dev, const struct rte_ether_addr *list, uint32_t nb)
{
	int ret;

	if (dev->mc_list_refused)
		return 0;
	ret = netvsc_rndis_set(dev, RNDIS_OID_802_3_MULTICAST_LIST, list,
			       nb * RTE_ETHER_ADDR_LEN);
	if (ret != -ENOTSUP)
		return ret;
	dev->mc_list_refused = true;
	NETVSC_DRV_LOG(NOTICE, dev, "the host takes no multicast list: all multicast frames "
		       "are received while the list has groups");
	return 0;
}

static int
netvsc_set_mc_addr_list(struct rte_eth_dev *eth, struct rte_ether_addr *list, uint32_t nb)
{
	struct netvsc_dev *dev = eth->data->dev_private;
	int ret;

	if (nb > NETVSC_MAX_MC_ADDRS)
		return -ENOSPC;
	ret = netvsc_mc_list_send(dev, list, nb);
	if (ret < 0)
		return ret;
	memcpy(dev->mc_addrs, list, nb * sizeof(*list));
	dev->nb_mc_addrs = nb;
	return netvsc_filter_apply(eth);
}

static int
netvsc_rss_hash_update(struct rte_eth_dev *eth, struct rte_eth_rss_conf *conf)
{
	struct netvsc_dev *dev = eth->data->dev_private;

	if (conf->rss_hf & ~netvsc_rss_offloads(dev))
		return -EINVAL;		/* only what the host grants */
	return netvsc_rss_hash_set(dev, conf, eth->data->nb_rx_queues);
}

static int
netvsc_rss_hash_conf_get(struct rte_eth_dev *eth, struct rte_eth_rss_conf *conf)
{
	struct netvsc_dev *dev = eth->data->dev_private;

	if (conf->rss_key != NULL && conf->rss_key_len >= NDIS_RSS_KEY_BYTES)
		memcpy(conf->rss_key, dev->rss.key, NDIS_RSS_KEY_BYTES);
	conf->rss_key_len = NDIS_RSS_KEY_BYTES;
	conf->rss_hf = dev->rss.hf;
	return 0;
}

static int
netvsc_reta_update(struct rte_eth_dev *eth, struct rte_eth_rss_reta_entry64 *reta,
		   uint16_t size)
{
	struct netvsc_dev *dev = eth->data->dev_private;
	uint32_t table[NDIS_RSS_TABLE_MAX];

	if (size != dev->reta_size)
		return -EINVAL;
	memcpy(table, dev->rss.reta, sizeof(table));	/* all or nothing */
	for (uint16_t i = 0; i < size; i++) {
		struct rte_eth_rss_reta_entry64 *e = &reta[i / RTE_ETH_RETA_GROUP_SIZE];
		uint16_t bit = i % RTE_ETH_RETA_GROUP_SIZE;

		if (!(e->mask & (1ULL << bit)))
			continue;
		if (e->reta[bit] >= eth->data->nb_rx_queues)
			return -EINVAL;
		table[i] = e->reta[bit];
	}
	return netvsc_rss_table_set(dev, table);
}

static int
netvsc_reta_query(struct rte_eth_dev *eth, struct rte_eth_rss_reta_entry64 *reta,
		  uint16_t size)
{
	struct netvsc_dev *dev = eth->data->dev_private;

	if (size != dev->reta_size)
		return -EINVAL;
	for (uint16_t i = 0; i < size; i++) {
		struct rte_eth_rss_reta_entry64 *e = &reta[i / RTE_ETH_RETA_GROUP_SIZE];
		uint16_t bit = i % RTE_ETH_RETA_GROUP_SIZE;

		if (e->mask & (1ULL << bit))
			e->reta[bit] = (uint16_t)dev->rss.reta[i];
	}
	return 0;
}

static uint32_t
netvsc_filter_for(const struct rte_eth_dev *eth)
{
	const struct netvsc_dev *dev = eth->data->dev_private;

	if (eth->data->promiscuous)
		return RNDIS_FILTER_PROMISCUOUS;
	return RNDIS_FILTER_DIRECTED | RNDIS_FILTER_BROADCAST |
	       (eth->data->all_multicast || (dev->nb_mc_addrs && dev->mc_list_refused) ?
		RNDIS_FILTER_ALL_MULTICAST : 0) |
	       (dev->nb_mc_addrs ? RNDIS_FILTER_MULTICAST : 0);
}

static void
netvsc_set_queue_states(struct rte_eth_dev *eth, uint8_t state)
{
	for (uint16_t i = 0; i < eth->data->nb_rx_queues; i++)
		eth->data->rx_queue_state[i] = state;
	for (uint16_t i = 0; i < eth->data->nb_tx_queues; i++)
		eth->data->tx_queue_state[i] = state;
}

static int
netvsc_dev_start(struct rte_eth_dev *eth)
{
	struct netvsc_dev *dev = eth->data->dev_private;
	int ret;

	netvsc_rx_zc_reap(dev);		/* released queues' freed transfers back to the host */
	for (uint16_t i = 0; i < RTE_MAX(eth->data->nb_rx_queues, eth->data->nb_tx_queues); i++) {
		if ((i < eth->data->nb_rx_queues && eth->data->rx_queues[i] == NULL) ||
		    (i < eth->data->nb_tx_queues && eth->data->tx_queues[i] == NULL)) {
			NETVSC_DRV_LOG(ERR, dev, "queue %u not set up since the last configure", i);
			return -EINVAL;
		}
	}
	if (dev->needs_session) {
		NETVSC_DRV_LOG(NOTICE, dev, "a new host session, as the last one failed");
		ret = netvsc_change_mtu(dev, dev->mtu);
		if (ret < 0)
			return ret;
	}
	if (dev->needs_settings) {	/* also a session just made without them */
		ret = netvsc_session_settings(dev);
		if (ret < 0)
			return ret;
	}
	for (uint16_t i = 0; i < RTE_MAX(eth->data->nb_rx_queues, eth->data->nb_tx_queues); i++) {
		if (i >= NETVSC_MAX_QUEUES || dev->chan[i] == NULL) {
			NETVSC_DRV_LOG(ERR, dev, "queue %u has no channel", i);
			return -EIO;
		}
	}
	if (dev->nb_mc_addrs > 0) {		/* a new session forgot it */
		ret = netvsc_mc_list_send(dev, dev->mc_addrs, dev->nb_mc_addrs);
		if (ret < 0)
			return ret;
	}
	dev->started = true;
	dev->packet_filter = netvsc_filter_for(eth);
	/* On failure: a VF alarm may have seen the port started meanwhile, so the VF goes too. */
	ret = netvsc_rndis_set_filter(dev, dev->packet_filter);
	if (ret < 0)
		goto unstart;
	ret = netvsc_intr_start(eth);
	if (ret < 0) {
		netvsc_rndis_set_filter(dev, 0);
		goto unstart;
	}
	netvsc_set_queue_states(eth, RTE_ETH_QUEUE_STATE_STARTED);
	netvsc_link_update(eth, 0);
	netvsc_vf_start(dev);		/* VF hook: start it, data path to it */
	return 0;
unstart:
	netvsc_vf_stop(dev);
	dev->started = false;
	return ret;
}

static int
netvsc_dev_stop(struct rte_eth_dev *eth)
{
	struct netvsc_dev *dev = eth->data->dev_private;
	int ret;

	netvsc_vf_stop(dev);		/* VF hook: data path back, VF stopped */
	dev->started = false;		/* frames from now on are dropped, not queued */
	netvsc_intr_stop(eth);
	ret = __atomic_load_n(&dev->rescinded, __ATOMIC_ACQUIRE) ? 0 : netvsc_rndis_set_filter(dev, 0);
	for (uint16_t i = 0; i < eth->data->nb_rx_queues; i++)
		if (eth->data->rx_queues[i] != NULL)
			netvsc_rxq_drain(eth->data->rx_queues[i]);
	netvsc_set_queue_states(eth, RTE_ETH_QUEUE_STATE_STOPPED);
	eth->data->dev_started = 0;
	return ret;
}

static int
netvsc_filter_apply(struct rte_eth_dev *eth)
{
	struct netvsc_dev *dev = eth->data->dev_private;
	uint32_t filter = netvsc_filter_for(eth);
	int ret;

	if (!dev->started)
		return 0;		/* applied at start */
	ret = netvsc_rndis_set_filter(dev, filter);
	if (ret != 0)
		return ret;		/* the host's and the VF's stay as they were */
	dev->packet_filter = filter;
	netvsc_vf_filter(dev);		/* VF hook: same filters on the VF */
	return 0;
}

/* Host removed the NIC: ethdev then turns the operations' errors into -EIO. */
static int
netvsc_is_removed(struct rte_eth_dev *eth)
{
	const struct netvsc_dev *dev = eth->data->dev_private;

	return __atomic_load_n(&dev->rescinded, __ATOMIC_ACQUIRE);
}

/*
 * The filter with promiscuous or all-multicast on or off. ethdev sets its
 * flag only on success: a failure leaves it as it was.
 */
static int
netvsc_filter_mode_set(struct rte_eth_dev *eth, bool promisc, bool on)
{
	struct rte_eth_dev_data *data = eth->data;
	uint8_t old = promisc ? data->promiscuous : data->all_multicast;
	int ret;

	if (promisc)			/* netvsc_filter_for reads the flags */
		data->promiscuous = on;
	else
		data->all_multicast = on;
	ret = netvsc_filter_apply(eth);
	if (ret != 0 && promisc)
		data->promiscuous = old;
	else if (ret != 0)
		data->all_multicast = old;
	return ret;
}

static int
netvsc_promisc_enable(struct rte_eth_dev *eth)
{
	return netvsc_filter_mode_set(eth, true, true);
}

static int
netvsc_promisc_disable(struct rte_eth_dev *eth)
{
	return netvsc_filter_mode_set(eth, true, false);
}

static int
netvsc_allmulti_enable(struct rte_eth_dev *eth)
{
	return netvsc_filter_mode_set(eth, false, true);
}

static int
netvsc_allmulti_disable(struct rte_eth_dev *eth)
{
	return netvsc_filter_mode_set(eth, false, false);
}

/* Leave the host clean: RNDIS halt, buffers revoked, channel closed. */
static void
netvsc_detach(struct netvsc_dev *dev)
{
	if (!__atomic_load_n(&dev->rescinded, __ATOMIC_ACQUIRE)) {	/* else nobody would answer */
		netvsc_rndis_detach(dev);
		netvsc_nvsp_detach(dev);
	}
	netvsc_ctl_fini(dev);
	if (dev->primary != NULL)
		rte_vmbus_chan_close(dev->primary);	/* subchannels go with it */
	dev->primary = NULL;
	memset(dev->chan, 0, sizeof(dev->chan));
	dev->nb_channels = 0;
	rte_free(dev->rxbuf_page_iova);
	dev->rxbuf_page_iova = NULL;
}

static int
netvsc_dev_close(struct rte_eth_dev *eth)
{
	struct netvsc_dev *dev = eth->data->dev_private;
	unsigned int held;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	if (dev->started)
		netvsc_dev_stop(eth);
	netvsc_vf_close(dev);		/* VF hook: VF port let go */
	netvsc_rescind_check_stop(dev);	/* sets closing: no new LSC alarm from here on */
	rte_eal_alarm_cancel(netvsc_lsc_alarm, dev);
	__atomic_store_n(&netvsc_lsc_alarm_set[eth->data->port_id], false, __ATOMIC_SEQ_CST);
	netvsc_queues_release(eth);
	held = netvsc_rx_zc_held(eth);	/* their queues stay: the free callbacks count there */
	if (held > 0)
		NETVSC_DRV_LOG(WARNING, dev, "closed with zero-copy mbufs of %u transfers still "
			       "held: their data is unmapped when the device is removed", held);
	netvsc_detach(dev);
	return 0;
}

static const struct eth_dev_ops netvsc_ops = {
	.dev_configure = netvsc_dev_configure,
	.dev_start = netvsc_dev_start,
	.dev_stop = netvsc_dev_stop,
	.dev_close = netvsc_dev_close,
	.dev_infos_get = netvsc_dev_infos_get,
	.dev_supported_ptypes_get = netvsc_supported_ptypes,
	.dev_ptypes_set = netvsc_ptypes_set,
	.link_update = netvsc_link_update,
	.promiscuous_enable = netvsc_promisc_enable,
	.promiscuous_disable = netvsc_promisc_disable,
	.allmulticast_enable = netvsc_allmulti_enable,
	.allmulticast_disable = netvsc_allmulti_disable,
	.stats_get = netvsc_vf_stats_get,	/* VF hook: synthetic + VF */
	.stats_reset = netvsc_vf_stats_reset,
	.xstats_get = netvsc_xstats_get,
	.xstats_get_names = netvsc_xstats_get_names,
	.xstats_reset = netvsc_vf_stats_reset,	/* the basic ones count the VF's too */
	.rx_queue_setup = netvsc_rx_queue_setup,
	.tx_queue_setup = netvsc_tx_queue_setup,
	.rx_queue_release = netvsc_rx_queue_release,
	.tx_queue_release = netvsc_tx_queue_release,
	.rxq_info_get = netvsc_rxq_info_get,
	.txq_info_get = netvsc_txq_info_get,
	.tx_done_cleanup = netvsc_tx_done_cleanup,
	.mtu_set = netvsc_mtu_set,
	.vlan_offload_set = netvsc_vlan_offload_set,
	.set_mc_addr_list = netvsc_set_mc_addr_list,
	.rss_hash_update = netvsc_rss_hash_update,
	.rss_hash_conf_get = netvsc_rss_hash_conf_get,
	.reta_update = netvsc_reta_update,
	.reta_query = netvsc_reta_query,
	.rx_queue_intr_enable = netvsc_rx_queue_intr_enable,
	.rx_queue_intr_disable = netvsc_rx_queue_intr_disable,
	.is_removed = netvsc_is_removed,
};

/*
 * A secondary process's table: queries, statistics, queue info, interrupts.
 * Control is the primary's (the device's eth pointer and control state are
 * the primary's); with these NULL, ethdev refuses them with -ENOTSUP before
 * it changes any shared data, as configure, queue setup and stop would.
 */
static struct eth_dev_ops netvsc_secondary_ops;

static const struct eth_dev_ops *
netvsc_secondary_ops_get(void)
{
	struct eth_dev_ops *o = &netvsc_secondary_ops;

	*o = netvsc_ops;
	o->dev_configure = NULL;
	o->dev_start = NULL;
	o->dev_stop = NULL;
	o->promiscuous_enable = NULL;
	o->promiscuous_disable = NULL;
	o->allmulticast_enable = NULL;
	o->allmulticast_disable = NULL;
	o->rx_queue_setup = NULL;
	o->tx_queue_setup = NULL;
	o->rx_queue_release = NULL;
	o->tx_queue_release = NULL;
	o->mtu_set = NULL;
	o->vlan_offload_set = NULL;
	o->set_mc_addr_list = NULL;
	o->rss_hash_update = NULL;
	o->reta_update = NULL;
	o->dev_ptypes_set = NULL;	/* the queues' flag is shared: testpmd clears it */
	return o;
}

/* The primary channel as queue 0's, with the latency asked. */
static int
netvsc_primary_open(struct netvsc_dev *dev)
{
	int ret = rte_vmbus_chan_open(dev->vmbus, &dev->primary);

	if (ret < 0) {
		NETVSC_INIT_LOG(ERR, dev, "cannot open the primary channel: %d", ret);
		return ret;
	}
	dev->chan[0] = dev->primary;
	dev->nb_channels = 1;
	if (rte_vmbus_set_latency(dev->vmbus, dev->primary, dev->latency_us * 1000) == -EINVAL)
		NETVSC_INIT_LOG(WARNING, dev, "latency %u us too large, left as it was",
				dev->latency_us);
	return 0;
}

static int
netvsc_attach(struct netvsc_dev *dev)
{
	int ret = netvsc_primary_open(dev);

	if (ret < 0)
		return ret;
	ret = netvsc_ctl_init(dev);
	if (ret == 0)
		ret = netvsc_nvsp_attach(dev);
	if (ret == 0)
		ret = netvsc_rndis_attach(dev);
	if (ret == 0)
		ret = netvsc_rss_query_caps(dev);
	if (ret == 0)
		ret = netvsc_offload_query_caps(dev);
	if (ret < 0)
		netvsc_detach(dev);
	return ret;
}

static int
netvsc_probe(struct rte_vmbus_driver *drv, struct rte_vmbus_device *vmbus)
{
	struct rte_eth_dev *eth;
	struct netvsc_dev *dev;
	const char *simd_path;
	int ret;

	RTE_SET_USED(drv);
	simd_path = netvsc_simd_select();	/* per process: secondaries too */
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return netvsc_mp_attach_secondary(vmbus, netvsc_secondary_ops_get());
	eth = rte_eth_dev_allocate(vmbus->device.name);
	if (eth == NULL)
		return -ENOMEM;
	dev = rte_zmalloc_socket("netvsc_dev", sizeof(*dev), RTE_CACHE_LINE_SIZE,
				 vmbus->device.numa_node);
	if (dev == NULL) {
		rte_eth_dev_release_port(eth);
		return -ENOMEM;
	}
	eth->data->dev_private = dev;
	dev->name = eth->data->name;		/* shared: secondaries log with it too */
	dev->vmbus = vmbus;
	dev->eth = eth;
	dev->port_id = eth->data->port_id;
	dev->mtu = NETVSC_DEFAULT_MTU;
	rte_spinlock_init(&dev->ctl_lock);
	for (unsigned int i = 0; i < NETVSC_MAX_QUEUES; i++)
		rte_spinlock_init(&dev->chan_lock[i].lock);
	if (rte_eal_iova_mode() == RTE_IOVA_VA)
		NETVSC_INIT_LOG(NOTICE, dev, "IOVA as VA: on Hyper-V the host needs physical "
				"addresses (use hugepages and --iova-mode=pa)");
	ret = netvsc_devargs_parse(dev, vmbus->device.devargs);
	if (ret == 0)
		ret = netvsc_attach(dev);
	if (ret < 0) {
		eth->data->dev_private = NULL;
		rte_free(dev);
		rte_eth_dev_release_port(eth);
		return ret;
	}
	eth->data->mac_addrs = rte_zmalloc("netvsc_mac", sizeof(dev->mac), 0);
	if (eth->data->mac_addrs == NULL) {
		netvsc_detach(dev);
		rte_eth_dev_release_port(eth);
		return -ENOMEM;
	}
	rte_ether_addr_copy(&dev->mac, eth->data->mac_addrs);
	eth->device = &vmbus->device;
	eth->dev_ops = &netvsc_ops;
	netvsc_set_fast_path(eth);
	eth->data->mtu = (uint16_t)dev->mtu;
	eth->data->dev_flags |= RTE_ETH_DEV_INTR_LSC | RTE_ETH_DEV_INTR_RMV |
				RTE_ETH_DEV_AUTOFILL_QUEUE_XSTATS;
	rte_eth_dev_probing_finish(eth);
	netvsc_rescind_check_start(dev);
	NETVSC_INIT_LOG(INFO, dev, "port %u, MAC " RTE_ETHER_ADDR_PRT_FMT ", data path %s",
			eth->data->port_id, RTE_ETHER_ADDR_BYTES(&dev->mac), simd_path);
	if (netvsc_vf_probe(dev) < 0)	/* VF hook: find it, watch for new ports */
		NETVSC_INIT_LOG(ERR, dev, "no VF support: synthetic data path only");
	return 0;
}

/*
 * Hot-unplug (rte_dev_remove) or cleanup: the port goes, started or not. The
 * bus unmaps the device next, so a port left behind would point into freed
 * rings. Found by its device, not its name: in a secondary, the primary's
 * close may already have cleared the shared name.
 */
static int
netvsc_remove(struct rte_vmbus_device *vmbus)
{
	uint16_t port_id;
	int ret = 0;

	RTE_ETH_FOREACH_DEV_OF(port_id, &vmbus->device) {
		if (rte_eal_process_type() == RTE_PROC_PRIMARY &&
		    rte_eth_devices[port_id].data->dev_started) {
			NETVSC_INIT_LOG(NOTICE, (struct netvsc_dev *)
					rte_eth_devices[port_id].data->dev_private,
					"port %u removed while started: stopped first", port_id);
			rte_eth_dev_stop(port_id);
		}
		ret = rte_eth_dev_close(port_id);	/* releases the port too */
		if (ret < 0)
			break;
	}
	return ret;
}

static const rte_uuid_t netvsc_ids[] = {
	RTE_UUID_INIT(0xf8615163, 0xdf3e, 0x46c5, 0x913f, 0xf2d2f965ed0eULL),
	{ 0 },
};

static struct rte_vmbus_driver netvsc_driver = {
	.id_table = netvsc_ids,
	.probe = netvsc_probe,
	.remove = netvsc_remove,
};

RTE_PMD_REGISTER_VMBUS(net_netvsc, netvsc_driver);
RTE_PMD_REGISTER_KMOD_DEP(net_netvsc, "* uio_hv_generic");	/* the kernel driver it needs */
RTE_PMD_REGISTER_PARAM_STRING(net_netvsc, NETVSC_ARG_LATENCY "=<us> "
			      NETVSC_ARG_RX_COPYBREAK "=<bytes> "
			      NETVSC_ARG_TX_COPYBREAK "=<bytes> "
			      NETVSC_ARG_RX_EXTMBUF_ENABLE "=<0|1> "
			      NETVSC_ARG_ENABLE_VF "=<0|1>");
