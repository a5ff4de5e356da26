/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libqstate_fix.so: an LD_PRELOAD workaround, outside the PMD, for the
 * distro's DPDK 22.11 netvsc PMD, which never marks its queues started.
 * testpmd 22.11 reads each queue's state (rte_eth_rx/tx_queue_info_get) at
 * "start" and disables forwarding streams whose queue is stopped, so it
 * would never poll that port.
 *
 * It interposes rte_eth_dev_start(): calls the real one, then asks ethdev
 * (rte_eth_rx/tx_queue_info_get, the same call testpmd makes) for each
 * queue's state. Only when the driver left every non-deferred queue stopped
 * (the bug) does it mark them started in the port's data and say so on
 * stderr; if the driver set them (a fixed point release), it changes
 * nothing and says that instead. On a later start of a port it fixed, it
 * first puts back what the driver left (stopped), so each start is judged
 * on the driver's own behaviour.
 *
 * Built against the distro's DPDK 22.11 headers (ABI DPDK_23); ethdev's
 * driver header, which the distro does not ship, comes from the same 22.11
 * release's source. It links to no DPDK library: every DPDK symbol is found
 * at run time, so it is inert in processes without DPDK (hvsim, a shell),
 * and after writing it reads the states back through ethdev to check.
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_ethdev.h>
#include <ethdev_driver.h>

typedef int (*start_fn)(uint16_t);

static uint8_t fixed[RTE_MAX_ETHPORTS];	/* ports whose states we set */
typedef int (*rxinfo_fn)(uint16_t, uint16_t, struct rte_eth_rxq_info *);
typedef int (*txinfo_fn)(uint16_t, uint16_t, struct rte_eth_txq_info *);

static int
rxq_state(rxinfo_fn rxinfo, uint16_t port, uint16_t q, int *deferred)
{
	struct rte_eth_rxq_info qi = { 0 };

	*deferred = 0;
	if (rxinfo(port, q, &qi) != 0)
		return -1;
	*deferred = qi.conf.rx_deferred_start;
	return qi.queue_state;
}

static int
txq_state(txinfo_fn txinfo, uint16_t port, uint16_t q, int *deferred)
{
	struct rte_eth_txq_info qi = { 0 };

	*deferred = 0;
	if (txinfo(port, q, &qi) != 0)
		return -1;
	*deferred = qi.conf.tx_deferred_start;
	return qi.queue_state;
}

int
rte_eth_dev_start(uint16_t port_id)
{
	start_fn real = (start_fn)dlsym(RTLD_NEXT, "rte_eth_dev_start");
	rxinfo_fn rxinfo = (rxinfo_fn)dlsym(RTLD_DEFAULT, "rte_eth_rx_queue_info_get");
	txinfo_fn txinfo = (txinfo_fn)dlsym(RTLD_DEFAULT, "rte_eth_tx_queue_info_get");
	struct rte_eth_dev *devs = dlsym(RTLD_DEFAULT, "rte_eth_devices");
	struct rte_eth_dev_data *data;
	unsigned int stopped = 0, set = 0, bad = 0;
	uint16_t q;
	int rc, st, def;

	if (real == NULL) {
		fprintf(stderr, "qstate_fix: real rte_eth_dev_start not found\n");
		return -ENOSYS;
	}
	if (port_id < RTE_MAX_ETHPORTS && fixed[port_id] && devs != NULL &&
	    devs[port_id].data != NULL) {
		data = devs[port_id].data;
		for (q = 0; q < data->nb_rx_queues; q++)
			data->rx_queue_state[q] = RTE_ETH_QUEUE_STATE_STOPPED;
		for (q = 0; q < data->nb_tx_queues; q++)
			data->tx_queue_state[q] = RTE_ETH_QUEUE_STATE_STOPPED;
		fixed[port_id] = 0;
	}
	rc = real(port_id);
	if (rc != 0 || rxinfo == NULL || txinfo == NULL || devs == NULL ||
	    port_id >= RTE_MAX_ETHPORTS)
		return rc;
	data = devs[port_id].data;
	if (data == NULL || data->port_id != port_id) {
		fprintf(stderr, "qstate_fix: port %u: ethdev layout not as built for; "
			"leaving queue states alone\n", port_id);
		return rc;
	}

	for (q = 0; q < data->nb_rx_queues; q++) {
		st = rxq_state(rxinfo, port_id, q, &def);
		if (st == RTE_ETH_QUEUE_STATE_STOPPED && !def)
			stopped++;
		else if (st == RTE_ETH_QUEUE_STATE_STARTED)
			set++;
	}
	for (q = 0; q < data->nb_tx_queues; q++) {
		st = txq_state(txinfo, port_id, q, &def);
		if (st == RTE_ETH_QUEUE_STATE_STOPPED && !def)
			stopped++;
		else if (st == RTE_ETH_QUEUE_STATE_STARTED)
			set++;
	}
	if (set > 0 || stopped == 0) {
		fprintf(stderr, "qstate_fix: port %u queue states already set\n", port_id);
		return rc;
	}

	fprintf(stderr, "qstate_fix: port %u driver left queues stopped after start "
		"(distro netvsc 22.11 bug); marking them started\n", port_id);
	fixed[port_id] = 1;
	for (q = 0; q < data->nb_rx_queues; q++) {
		if (rxq_state(rxinfo, port_id, q, &def) == RTE_ETH_QUEUE_STATE_STOPPED && !def)
			data->rx_queue_state[q] = RTE_ETH_QUEUE_STATE_STARTED;
		if (rxq_state(rxinfo, port_id, q, &def) != RTE_ETH_QUEUE_STATE_STARTED && !def)
			bad++;
	}
	for (q = 0; q < data->nb_tx_queues; q++) {
		if (txq_state(txinfo, port_id, q, &def) == RTE_ETH_QUEUE_STATE_STOPPED && !def)
			data->tx_queue_state[q] = RTE_ETH_QUEUE_STATE_STARTED;
		if (txq_state(txinfo, port_id, q, &def) != RTE_ETH_QUEUE_STATE_STARTED && !def)
			bad++;
	}
	if (bad > 0)
		fprintf(stderr, "qstate_fix: port %u: %u queue states did not read back "
			"as started\n", port_id, bad);
	return rc;
}
