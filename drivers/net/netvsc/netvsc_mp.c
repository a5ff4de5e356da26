/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Secondary processes: attach to the port the primary probed. Device and
 * queue state is in shared memory and the bus maps rings and buffers at the
 * primary's addresses (vmbus_mp.c), so stats and bursts on a queue this
 * process owns work as they do in the primary; control stays the primary's.
 */
#include <errno.h>

#include <ethdev_driver.h>

#include "netvsc.h"

int
netvsc_mp_attach_secondary(struct rte_vmbus_device *vmbus, const struct eth_dev_ops *ops)
{
	struct rte_eth_dev *eth = rte_eth_dev_attach_secondary(vmbus->device.name);
	struct netvsc_dev *dev;

	if (eth == NULL) {
		rte_log(RTE_LOG_ERR, netvsc_logtype_init,
			"netvsc %s: %s(): the primary process has no such port\n",
			vmbus->device.name, __func__);
		return -ENODEV;
	}
	dev = eth->data->dev_private;
	eth->device = &vmbus->device;
	eth->dev_ops = ops;		/* this process's copy of the table */
	netvsc_set_fast_path(eth);
	rte_eth_dev_probing_finish(eth);
	NETVSC_INIT_LOG(INFO, dev, "secondary process attached to port %u", eth->data->port_id);
	return 0;
}
