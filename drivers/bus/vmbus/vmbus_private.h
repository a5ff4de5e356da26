/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bus-internal state shared by vmbus_bus.c, vmbus_uio.c and vmbus_channel.c:
 * the channel object, the bus object and the log type.
 */
#ifndef VMBUS_PRIVATE_H
#define VMBUS_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <bus_driver.h>
#include <rte_log.h>

#include "rte_bus_vmbus.h"
#include "vmbus_ring.h"

extern int vmbus_logtype_bus;
#define VMBUS_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, vmbus_logtype_bus, "vmbus: %s(): " fmt "\n", \
		__func__, ##__VA_ARGS__)

struct vmbus_channel {
	STAILQ_ENTRY(vmbus_channel) next;	/* in the primary's subchannel list */
	struct rte_vmbus_device *device;	/* the primary process's */
	int uio_num;				/* finds the device in any process */
	struct vmbus_ring tx_ring;		/* guest -> host */
	struct vmbus_ring rx_ring;		/* host -> guest */
	uint32_t relid;
	uint16_t subchannel_id;
	uint8_t monitor_id;
	volatile uint32_t *monitor_pending;	/* our trigger group's pending word */
	uint32_t monitor_bit;
	void *ring_map;				/* subchannels: our own mapping */
	uint8_t *recv_scratch;			/* rte_vmbus_chan_recv, packets over a page */
	uint64_t ring_map_bytes;
	uint64_t bad_reads;			/* host ring errors seen, for the log */
	uint64_t bad_writes;			/* sends refused for the host's read index */
	STAILQ_HEAD(, vmbus_channel) subchannels;	/* primary only */
};

TAILQ_HEAD(vmbus_device_list, rte_vmbus_device);
TAILQ_HEAD(vmbus_driver_list, rte_vmbus_driver);

struct vmbus_bus {
	struct rte_bus bus;
	struct vmbus_device_list devices;
	struct vmbus_driver_list drivers;
};
extern struct vmbus_bus vmbus_bus;

/* vmbus_uio.c */
int vmbus_uio_map_resources(struct rte_vmbus_device *dev);
void vmbus_uio_unmap_resources(struct rte_vmbus_device *dev);
int vmbus_uio_reopen(struct rte_vmbus_device *dev);
int vmbus_uio_map_ring_file(const char *path, void *fixed_at, void **addr, uint64_t *bytes);
int vmbus_uio_map_at(struct rte_vmbus_device *dev, unsigned int k, void *addr);

/* vmbus_mp.c: the same mappings at the same addresses in secondary processes */
void *vmbus_mp_hint(uint64_t bytes);
int vmbus_mp_publish(const struct rte_vmbus_device *dev);
void vmbus_mp_unpublish(const struct rte_vmbus_device *dev);
void vmbus_mp_record_ring(const struct rte_vmbus_device *dev, uint32_t relid, void *addr,
			  uint64_t bytes);
int vmbus_mp_hold(struct rte_vmbus_device *dev);
int vmbus_mp_attach(struct rte_vmbus_device *dev);
void vmbus_mp_detach(struct rte_vmbus_device *dev);
void vmbus_mp_release(struct rte_vmbus_device *dev);
int vmbus_mp_claim(struct rte_vmbus_device *dev);
void vmbus_mp_unclaim(struct rte_vmbus_device *dev);
bool vmbus_mp_shared(struct rte_vmbus_device *dev);

/* vmbus_channel.c */
int vmbus_channel_setup(struct vmbus_channel *chan, struct rte_vmbus_device *dev,
			void *ring_map, uint64_t ring_bytes, uint32_t relid,
			uint16_t subchannel_id, uint8_t monitor_id);

#endif /* VMBUS_PRIVATE_H */
