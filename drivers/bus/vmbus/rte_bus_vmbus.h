/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VMBus bus driver: public API for VMBus device drivers (the netvsc PMD).
 * Devices are found through Linux uio_hv_generic; a driver maps its device
 * and exchanges channel packets over the channels' ring pairs.
 */
#ifndef RTE_BUS_VMBUS_H
#define RTE_BUS_VMBUS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <rte_compat.h>
#include <dev_driver.h>
#include <rte_dev.h>
#include <rte_interrupts.h>
#include <rte_uuid.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Uio maps of a uio_hv_generic device. */
#define VMBUS_MAX_RESOURCE 5

struct vmbus_channel;
struct rte_vmbus_driver;

/** One mapped uio region. */
struct rte_vmbus_map {
	void *addr;		/**< where it is mapped */
	uint64_t bytes;		/**< its size */
	uint64_t gpadl;		/**< GPADL handle (receive and send buffers) */
};

/** A VMBus device bound to uio_hv_generic. */
struct rte_vmbus_device {
	RTE_TAILQ_ENTRY(rte_vmbus_device) next;
	const struct rte_vmbus_driver *driver;	/**< set once probed */
	struct rte_device device;		/**< inherits the generic device */
	rte_uuid_t device_id;			/**< instance GUID (the name) */
	rte_uuid_t class_id;			/**< device type GUID */
	uint32_t relid;				/**< primary channel id */
	uint8_t monitor_id;			/**< 0xff: channel has no monitor */
	int uio_num;				/**< N of /dev/uioN */
	struct rte_vmbus_map resource[VMBUS_MAX_RESOURCE];
	unsigned int nb_resources;
	struct rte_intr_handle *intr_handle;	/**< the kept /dev/uioN fd */
	struct vmbus_channel *primary;		/**< set by rte_vmbus_chan_open */
	bool scanned;				/**< usable in the last scan (or probed) */
	bool mp_attached;			/**< secondary: holds mp_lock_fd's shared lock */
	bool mp_claimed;			/**< primary: holds mp_lock_fd's exclusive lock */
	int mp_lock_fd;				/**< the device's lock file, while either */
};

typedef int (vmbus_probe_t)(struct rte_vmbus_driver *drv, struct rte_vmbus_device *dev);
typedef int (vmbus_remove_t)(struct rte_vmbus_device *dev);

/** A VMBus device driver. */
struct rte_vmbus_driver {
	RTE_TAILQ_ENTRY(rte_vmbus_driver) next;
	struct rte_driver driver;
	vmbus_probe_t *probe;
	vmbus_remove_t *remove;
	const rte_uuid_t *id_table;	/**< class GUIDs, ended by an all-zero one */
	uint32_t drv_flags;
};

/** Register a driver (called from a constructor; see RTE_PMD_REGISTER_VMBUS). */
__rte_internal
void rte_vmbus_register(struct rte_vmbus_driver *driver);
/** Unregister a driver. */
__rte_internal
void rte_vmbus_unregister(struct rte_vmbus_driver *driver);

#define RTE_PMD_REGISTER_VMBUS(nm, vmbus_drv) \
	RTE_INIT(vmbusinitfn_ ##nm) \
	{ \
		(vmbus_drv).driver.name = RTE_STR(nm); \
		rte_vmbus_register(&vmbus_drv); \
	} \
	RTE_PMD_EXPORT_NAME(nm, __COUNTER__)

/** Map all uio regions of the device and open its interrupt fd. */
int rte_vmbus_map_device(struct rte_vmbus_device *dev);
/** Unmap what rte_vmbus_map_device mapped; closes channels first. */
void rte_vmbus_unmap_device(struct rte_vmbus_device *dev);
/**
 * Close the device and open it again, the maps at their addresses: the
 * kernel closes the primary channel and opens it anew, rings reset, as a
 * new NVSP session needs. Channels are closed first; the primary is then
 * opened again with rte_vmbus_chan_open. -EBUSY: another process holds the
 * device, so the channel stayed open.
 */
int rte_vmbus_reopen_device(struct rte_vmbus_device *dev);
/**
 * Primary: make sure no secondary process holds the device, and keep any
 * from attaching (they wait) until rte_vmbus_device_unclaim, as a reopen
 * needs. -EBUSY: one holds it.
 */
int rte_vmbus_device_claim(struct rte_vmbus_device *dev);
void rte_vmbus_device_unclaim(struct rte_vmbus_device *dev);

/** Open the primary channel over map 0. */
int rte_vmbus_chan_open(struct rte_vmbus_device *dev, struct vmbus_channel **chan);
/** Most channels the kernel can give this device (1 without subchannel support). */
int rte_vmbus_max_channels(const struct rte_vmbus_device *dev);
/**
 * Open the next subchannel the host offered. -ENOENT while none has appeared
 * yet (the caller retries with its own deadline).
 */
int rte_vmbus_subchan_open(struct vmbus_channel *primary, struct vmbus_channel **chan);
/** Close a channel (the primary also closes every subchannel). */
void rte_vmbus_chan_close(struct vmbus_channel *chan);

/** Subchannel index: 0 for the primary. */
uint16_t rte_vmbus_sub_channel_index(const struct vmbus_channel *chan);
/** Relid of the channel. */
uint32_t rte_vmbus_chan_relid(const struct vmbus_channel *chan);
/** Write the host's doorbell scan latency for this channel into the monitor page. */
int rte_vmbus_set_latency(const struct rte_vmbus_device *dev,
			  const struct vmbus_channel *chan, uint32_t latency_ns);

/** A guest-physical page range for rte_vmbus_chan_send_sglist. */
struct vmbus_gpa {
	uint32_t len;
	uint32_t ofs;		/**< offset within the 4 KiB page */
	uint64_t page;		/**< guest-physical frame number (IOVA >> 12) */
};

/**
 * Send an inband (or completion) packet of type with payload data.
 * Returns 0, -EAGAIN when the ring is full, -EIO on a host ring error.
 * need_pub NULL: the host sees the packet now (and is signalled if it must).
 * Else the packet waits, *need_pub is set, and rte_vmbus_chan_tx_publish
 * shows the host every packet written so, at once: call it before the
 * channel's lock is released.
 */
int rte_vmbus_chan_send(struct vmbus_channel *chan, uint16_t type, const void *data,
			uint32_t dlen, uint64_t xact_id, uint32_t flags, bool *need_pub);
/** Send a GPA-direct packet: page ranges, then the inline payload. need_pub as above. */
int rte_vmbus_chan_send_sglist(struct vmbus_channel *chan, const struct vmbus_gpa *sg,
			       uint32_t sglen, const void *data, uint32_t dlen,
			       uint64_t xact_id, bool *need_pub);
/** Publish the packets sent with need_pub; signals the host if it must (spec 4.1). */
void rte_vmbus_chan_tx_publish(struct vmbus_channel *chan);
/** Signal the host that the tx ring has new packets. */
void rte_vmbus_chan_signal_tx(struct vmbus_channel *chan);

/**
 * Receive one packet's payload (after its descriptor) into data (*len: room in,
 * payload bytes out) and its transaction id. -EAGAIN when empty, -ENOBUFS when
 * it does not fit (*len says how much is needed), -EIO for bad host data.
 */
int rte_vmbus_chan_recv(struct vmbus_channel *chan, void *data, uint32_t *len,
			uint64_t *xact_id);
/** Receive one whole packet, descriptor included. Same returns. */
int rte_vmbus_chan_recv_raw(struct vmbus_channel *chan, void *data, uint32_t *len);
/**
 * As rte_vmbus_chan_recv_raw, but the ring space stays unread in the host's
 * view until rte_vmbus_chan_rx_publish: a poll reading many packets moves the
 * shared read index (a cache line the host polls) once. Any immediate receive
 * on the channel publishes too.
 */
int rte_vmbus_chan_recv_raw_deferred(struct vmbus_channel *chan, void *data, uint32_t *len);
/** Publish the space of deferred receives; signals the host if it waits for it. */
void rte_vmbus_chan_rx_publish(struct vmbus_channel *chan);
/**
 * Drop the next packet (one too big for any buffer of ours), its first
 * *head_len bytes (>= 16) copied into head first, so it can still be
 * answered (head NULL: none); *head_len out: the bytes copied. 0, -EAGAIN
 * if none, -EIO for bad host data.
 */
int rte_vmbus_chan_recv_skip(struct vmbus_channel *chan, void *head, uint32_t *head_len);
/** True when the channel's rx ring holds nothing. */
bool rte_vmbus_chan_rx_empty(const struct vmbus_channel *chan);

/** Host-data errors a channel refused: bad indexes, descriptors, overruns. */
struct rte_vmbus_chan_errors {
	uint64_t bad_host_index;
	uint64_t bad_descriptor;
	uint64_t overrun;
};
void rte_vmbus_chan_errors_get(const struct vmbus_channel *chan,
			       struct rte_vmbus_chan_errors *errors);

/** Ask the host to signal this channel's rx (unmask); true if data already waits. */
bool rte_vmbus_chan_rx_intr_enable(struct vmbus_channel *chan);
/** Tell the host not to signal this channel's rx. */
void rte_vmbus_chan_rx_intr_disable(struct vmbus_channel *chan);

/** Enable (write 1) the device's uio interrupt. */
int rte_vmbus_irq_enable(struct rte_vmbus_device *dev);
/** Disable (write 0) the device's uio interrupt. */
int rte_vmbus_irq_disable(struct rte_vmbus_device *dev);
/** Block until the next interrupt; returns the 32-bit count or -errno. */
int rte_vmbus_irq_read(struct rte_vmbus_device *dev, uint32_t *count);

#ifdef __cplusplus
}
#endif

#endif /* RTE_BUS_VMBUS_H */
