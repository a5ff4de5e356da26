/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Channels: a ring pair (first half guest tx, second half guest rx), channel
 * packets built and parsed over it, and signalling the host through the
 * monitor page or, without a monitor, the interrupt page and a uio write.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_malloc.h>

#include "vmbus_private.h"
#include "vmbus_sysfs.h"
#include "vmbus_wire.h"

/* Most page ranges one GPA-direct packet carries. */
#define VMBUS_MAX_GPA_PAGES	64
/* Largest channel packet: total_len8 is 16 bits of 8-byte units. */
#define VMBUS_MAX_PKT_BYTES	(UINT16_MAX << VMBUS_CHANPKT_SIZE_SHIFT)

static void
channel_monitor_setup(struct vmbus_channel *chan)
{
	struct rte_vmbus_map *page = &chan->device->resource[VMBUS_MAP_MONITOR_PAGE];
	uint32_t group = chan->monitor_id / 32;

	chan->monitor_pending = NULL;
	if (chan->monitor_id == VMBUS_MONITOR_ID_NONE || page->addr == NULL)
		return;
	chan->monitor_pending = (volatile uint32_t *)((uint8_t *)page->addr +
		VMBUS_MONITOR_TRIGGER_GROUP_OFF + group * VMBUS_MONITOR_GROUP_BYTES);
	chan->monitor_bit = 1u << (chan->monitor_id % 32);
}

int
vmbus_channel_setup(struct vmbus_channel *chan, struct rte_vmbus_device *dev,
		    void *ring_map, uint64_t ring_bytes, uint32_t relid,
		    uint16_t subchannel_id, uint8_t monitor_id)
{
	uint64_t half = ring_bytes / 2;
	int ret;

	memset(chan, 0, sizeof(*chan));
	chan->device = dev;
	chan->uio_num = dev->uio_num;
	chan->relid = relid;
	chan->subchannel_id = subchannel_id;
	chan->monitor_id = monitor_id;
	STAILQ_INIT(&chan->subchannels);
	ret = vmbus_ring_init(&chan->tx_ring, ring_map, half);
	if (ret == 0)
		ret = vmbus_ring_init_rx(&chan->rx_ring, (uint8_t *)ring_map + half, half);
	if (ret < 0) {
		VMBUS_LOG(ERR, "%s: channel %u ring of %" PRIu64 " bytes refused",
			  dev->device.name, relid, ring_bytes);
		return ret;
	}
	channel_monitor_setup(chan);
	return 0;
}

int
rte_vmbus_chan_open(struct rte_vmbus_device *dev, struct vmbus_channel **out)
{
	struct rte_vmbus_map *rings = &dev->resource[VMBUS_MAP_RINGS];
	struct vmbus_channel *chan;
	int ret;

	if (rings->addr == NULL)
		return -ENODEV;
	chan = rte_zmalloc_socket("vmbus_channel", sizeof(*chan), RTE_CACHE_LINE_SIZE,
				  dev->device.numa_node);
	if (chan == NULL)
		return -ENOMEM;
	ret = vmbus_channel_setup(chan, dev, rings->addr, rings->bytes, dev->relid, 0,
				  dev->monitor_id);
	if (ret < 0) {
		rte_free(chan);
		return ret;
	}
	dev->primary = chan;
	*out = chan;
	return 0;
}

int
rte_vmbus_max_channels(const struct rte_vmbus_device *dev)
{
	return vmbus_sysfs_has_subchannels(VMBUS_SYSFS_DEVICES, dev->device.name,
					   dev->relid) ? 64 : 1;
}

static unsigned int
known_relids(struct vmbus_channel *primary, uint32_t *relids, unsigned int max)
{
	struct vmbus_channel *sub;
	unsigned int n = 0;

	relids[n++] = primary->relid;
	STAILQ_FOREACH(sub, &primary->subchannels, next)
		if (n < max)
			relids[n++] = sub->relid;
	return n;
}

int
rte_vmbus_subchan_open(struct vmbus_channel *primary, struct vmbus_channel **out)
{
	struct rte_vmbus_device *dev = primary->device;
	char why[VMBUS_SYSFS_WHY_BYTES], ring_path[PATH_MAX];
	uint32_t known[VMBUS_MAX_GPA_PAGES + 1], relid;
	struct vmbus_channel *chan;
	uint16_t sub_id;
	uint8_t monitor_id;
	uint64_t bytes;
	void *map;
	int ret;

	ret = vmbus_sysfs_find_subchannel(VMBUS_SYSFS_DEVICES, dev->device.name, known,
					  known_relids(primary, known, RTE_DIM(known)),
					  &relid, &sub_id, &monitor_id, ring_path,
					  sizeof(ring_path), why);
	if (ret == -EINVAL)
		VMBUS_LOG(ERR, "%s: subchannel refused: %s", dev->device.name, why);
	if (ret < 0)
		return ret;
	ret = vmbus_uio_map_ring_file(ring_path, NULL, &map, &bytes);
	if (ret < 0)
		return ret;
	chan = rte_zmalloc_socket("vmbus_subchannel", sizeof(*chan), RTE_CACHE_LINE_SIZE,
				  dev->device.numa_node);
	if (chan == NULL) {
		munmap(map, bytes);
		return -ENOMEM;
	}
	ret = vmbus_channel_setup(chan, dev, map, bytes, relid, sub_id, monitor_id);
	if (ret < 0) {
		munmap(map, bytes);
		rte_free(chan);
		return ret;
	}
	chan->ring_map = map;
	chan->ring_map_bytes = bytes;
	STAILQ_INSERT_TAIL(&primary->subchannels, chan, next);
	vmbus_mp_record_ring(dev, relid, map, bytes);
	*out = chan;
	return 0;
}

static void
channel_free(struct vmbus_channel *chan)
{
	rte_free(chan->recv_scratch);
	if (chan->ring_map != NULL) {
		vmbus_mp_record_ring(chan->device, chan->relid, NULL, 0);
		munmap(chan->ring_map, chan->ring_map_bytes);
	}
	rte_free(chan);
}

void
rte_vmbus_chan_close(struct vmbus_channel *chan)
{
	struct rte_vmbus_device *dev = chan->device;
	struct vmbus_channel *sub;

	if (chan->subchannel_id != 0) {
		STAILQ_REMOVE(&dev->primary->subchannels, chan, vmbus_channel, next);
		channel_free(chan);
		return;
	}
	while ((sub = STAILQ_FIRST(&chan->subchannels)) != NULL) {
		STAILQ_REMOVE_HEAD(&chan->subchannels, next);
		channel_free(sub);
	}
	if (dev->primary == chan)
		dev->primary = NULL;
	channel_free(chan);
}

uint16_t
rte_vmbus_sub_channel_index(const struct vmbus_channel *chan)
{
	return chan->subchannel_id;
}

uint32_t
rte_vmbus_chan_relid(const struct vmbus_channel *chan)
{
	return chan->relid;
}

int
rte_vmbus_set_latency(const struct rte_vmbus_device *dev, const struct vmbus_channel *chan,
		      uint32_t latency_ns)
{
	uint8_t *page = dev->resource[VMBUS_MAP_MONITOR_PAGE].addr;
	uint32_t units = latency_ns / 100;	/* 100 ns units (spec 5.1) */

	if (chan->monitor_id == VMBUS_MONITOR_ID_NONE || page == NULL)
		return -ENOTSUP;
	if (units >= UINT16_MAX)
		return -EINVAL;
	*(volatile uint16_t *)(page + VMBUS_MONITOR_LATENCY_OFF + 2u * chan->monitor_id) =
		(uint16_t)units;
	return 0;
}

/*
 * Doorbell (spec/vmbus-ring.md 5.3): the monitor bit when the channel has a
 * monitor; else the interrupt-page bit for our relid and a uio write(1),
 * which kernels from 6.10 turn into a signal to the host.
 */
/* The channel lives in shared memory; chan->device is the primary's object. */
static struct rte_vmbus_device *
channel_local_device(const struct vmbus_channel *chan)
{
	struct rte_vmbus_device *dev;

	if (rte_eal_process_type() == RTE_PROC_PRIMARY)
		return chan->device;
	TAILQ_FOREACH(dev, &vmbus_bus.devices, next)	/* probed: a stale entry may share the uio */
		if (dev->driver != NULL && dev->uio_num == chan->uio_num)
			return dev;
	return NULL;
}

void
rte_vmbus_chan_signal_tx(struct vmbus_channel *chan)
{
	struct rte_vmbus_device *dev;
	uint8_t *int_page;

	if (chan->monitor_pending != NULL) {
		__atomic_fetch_or(chan->monitor_pending, chan->monitor_bit, __ATOMIC_SEQ_CST);
		return;
	}
	dev = channel_local_device(chan);
	if (dev == NULL)
		return;
	int_page = dev->resource[VMBUS_MAP_INT_PAGE].addr;
	if (int_page != NULL) {
		uint32_t *word = (uint32_t *)(int_page + VMBUS_INT_PAGE_SEND_OFF) +
				 chan->relid / 32;

		__atomic_fetch_or(word, 1u << (chan->relid % 32), __ATOMIC_SEQ_CST);
	}
	rte_vmbus_irq_enable(dev);
}

/* need_pub NULL: publish (and signal) now; else the packet waits for rte_vmbus_chan_tx_publish. */
static int
channel_write(struct vmbus_channel *chan, struct iovec *iov, unsigned int nb, bool *need_pub)
{
	bool signal = false;
	int ret = need_pub != NULL ? vmbus_ring_write_deferred(&chan->tx_ring, iov, nb) :
				     vmbus_ring_write(&chan->tx_ring, iov, nb, &signal);

	/* Every send fails while it stays so: said once per power of two (64-bit count). */
	if (ret == -EIO) {
		uint64_t n = ++chan->bad_writes;

		if (n == rte_align64pow2(n))
			VMBUS_LOG(ERR, "relid %u: host's tx read index is invalid (%" PRIu64
				  " sends so far)", chan->relid, n);
	}
	if (ret == 0 && need_pub != NULL)
		*need_pub = true;
	if (signal)
		rte_vmbus_chan_signal_tx(chan);
	return ret;
}

void
rte_vmbus_chan_tx_publish(struct vmbus_channel *chan)
{
	if (vmbus_ring_write_publish(&chan->tx_ring))
		rte_vmbus_chan_signal_tx(chan);
}

int
rte_vmbus_chan_send(struct vmbus_channel *chan, uint16_t type, const void *data,
		    uint32_t dlen, uint64_t xact_id, uint32_t flags, bool *need_pub)
{
	uint32_t bytes = sizeof(struct vmbus_chanpkt_hdr) + dlen;
	struct vmbus_chanpkt_hdr hdr = {
		.type = type,
		.data_offset8 = sizeof(hdr) >> VMBUS_CHANPKT_SIZE_SHIFT,
		.total_len8 = (uint16_t)(RTE_ALIGN(bytes, VMBUS_CHANPKT_ALIGN) >>
					 VMBUS_CHANPKT_SIZE_SHIFT),
		.flags = (uint16_t)flags,
		.xact_id = xact_id,
	};
	struct iovec iov[2] = {
		{ .iov_base = &hdr, .iov_len = sizeof(hdr) },
		{ .iov_base = (void *)(uintptr_t)data, .iov_len = dlen },
	};

	if (RTE_ALIGN(bytes, VMBUS_CHANPKT_ALIGN) > (UINT16_MAX << VMBUS_CHANPKT_SIZE_SHIFT))
		return -EMSGSIZE;
	return channel_write(chan, iov, dlen ? 2 : 1, need_pub);
}

int
rte_vmbus_chan_send_sglist(struct vmbus_channel *chan, const struct vmbus_gpa *sg,
			   uint32_t sglen, const void *data, uint32_t dlen,
			   uint64_t xact_id, bool *need_pub)
{
	uint32_t ext = sizeof(struct vmbus_chanpkt_gpa) + sglen * sizeof(struct vmbus_gpa_page);
	uint32_t bytes = ext + dlen;
	struct vmbus_gpa_page pages[VMBUS_MAX_GPA_PAGES];
	struct vmbus_chanpkt_gpa hdr = {
		.hdr = {
			.type = VMBUS_CHANPKT_TYPE_GPA,
			.data_offset8 = (uint16_t)(ext >> VMBUS_CHANPKT_SIZE_SHIFT),
			.total_len8 = (uint16_t)(RTE_ALIGN(bytes, VMBUS_CHANPKT_ALIGN) >>
						 VMBUS_CHANPKT_SIZE_SHIFT),
			.flags = VMBUS_CHANPKT_FLAG_RC,
			.xact_id = xact_id,
		},
		.range_count = sglen,
	};
	struct iovec iov[3] = {
		{ .iov_base = &hdr, .iov_len = sizeof(hdr) },
		{ .iov_base = pages, .iov_len = sglen * sizeof(pages[0]) },
		{ .iov_base = (void *)(uintptr_t)data, .iov_len = dlen },
	};

	if (sglen == 0 || sglen > VMBUS_MAX_GPA_PAGES)
		return -EINVAL;
	for (uint32_t i = 0; i < sglen; i++) {
		if (sg[i].ofs >= VMBUS_PAGE_BYTES || sg[i].len > VMBUS_PAGE_BYTES - sg[i].ofs)
			return -EINVAL;		/* one entry never crosses a page */
		pages[i] = (struct vmbus_gpa_page){
			.byte_count = sg[i].len, .byte_offset = sg[i].ofs, .pfn = sg[i].page,
		};
	}
	return channel_write(chan, iov, dlen ? 3 : 2, need_pub);
}

/* A broken ring stays broken: said once per power of two, not at every poll. */
static void
channel_bad_read(struct vmbus_channel *chan, const char *what)
{
	uint64_t n = ++chan->bad_reads;

	if (n == rte_align64pow2(n))		/* 64-bit count */
		VMBUS_LOG(NOTICE, "relid %u: %s (%" PRIu64 " so far)", chan->relid, what, n);
}

/*
 * One packet out of the rx ring into buf. Published at once (signalling the
 * host if it waits for room), or deferred to rte_vmbus_chan_rx_publish.
 */
static int
channel_read(struct vmbus_channel *chan, void *buf, uint32_t *len, bool deferred)
{
	struct vmbus_ring_batch batch;
	struct vmbus_chanpkt_hdr hdr;
	int ret;

	ret = vmbus_ring_read_begin(&chan->rx_ring, &batch);
	if (ret == -EIO)
		channel_bad_read(chan, "host's rx write index is invalid");
	if (ret <= 0)
		return ret == 0 ? -EAGAIN : ret;
	ret = vmbus_ring_read_next(&batch, buf, *len);
	if (ret == -ENOBUFS) {
		ret = vmbus_ring_peek(&batch, &hdr);	/* rare: say how large it is */
		if (ret >= 0) {
			*len = (uint32_t)ret;
			return -ENOBUFS;
		}
	}
	if (ret == -EIO)
		channel_bad_read(chan, "bad packet descriptor from host");
	if (ret < 0)
		return ret;
	*len = (uint32_t)ret;
	if (deferred)
		vmbus_ring_read_end_deferred(&batch);
	else if (vmbus_ring_read_end(&batch))
		rte_vmbus_chan_signal_tx(chan);
	return 0;
}

int
rte_vmbus_chan_recv_raw(struct vmbus_channel *chan, void *data, uint32_t *len)
{
	return channel_read(chan, data, len, false);
}

int
rte_vmbus_chan_recv_raw_deferred(struct vmbus_channel *chan, void *data, uint32_t *len)
{
	return channel_read(chan, data, len, true);
}

void
rte_vmbus_chan_rx_publish(struct vmbus_channel *chan)
{
	if (vmbus_ring_publish(&chan->rx_ring))
		rte_vmbus_chan_signal_tx(chan);
}

int
rte_vmbus_chan_recv_skip(struct vmbus_channel *chan, void *head, uint32_t *head_len)
{
	struct vmbus_ring_batch batch;
	int ret = vmbus_ring_read_begin(&chan->rx_ring, &batch);

	if (ret <= 0)
		return ret == 0 ? -EAGAIN : ret;
	ret = vmbus_ring_skip_next(&batch, head, head_len);
	if (ret < 0)
		return ret;
	if (vmbus_ring_read_end(&batch))
		rte_vmbus_chan_signal_tx(chan);
	return 0;
}

/* Where a whole packet is copied before its payload is handed out. */
static uint8_t *
channel_scratch(struct vmbus_channel *chan, uint32_t bytes, uint8_t *stack, uint32_t stack_bytes)
{
	if (bytes <= stack_bytes)
		return stack;
	if (chan->recv_scratch == NULL)		/* rare: only packets over a page */
		chan->recv_scratch = rte_malloc("vmbus_recv", VMBUS_MAX_PKT_BYTES, 0);
	return chan->recv_scratch;
}

int
rte_vmbus_chan_recv(struct vmbus_channel *chan, void *data, uint32_t *len, uint64_t *xact_id)
{
	uint8_t stack[VMBUS_PAGE_BYTES], *pkt;
	struct vmbus_ring_batch batch;
	struct vmbus_chanpkt_hdr hdr;
	uint32_t off, payload;
	int total;

	total = vmbus_ring_read_begin(&chan->rx_ring, &batch);
	if (total <= 0)
		return total == 0 ? -EAGAIN : total;
	total = vmbus_ring_peek(&batch, &hdr);
	if (total < 0)
		return total;
	off = (uint32_t)hdr.data_offset8 << VMBUS_CHANPKT_SIZE_SHIFT;
	payload = (uint32_t)total - off;	/* the ring checked off <= total */
	if (payload > *len) {
		*len = payload;
		return -ENOBUFS;		/* left in the ring for a bigger buffer */
	}
	pkt = channel_scratch(chan, (uint32_t)total, stack, sizeof(stack));
	if (pkt == NULL)
		return -ENOMEM;
	total = vmbus_ring_read_next(&batch, pkt, (uint32_t)total);
	if (total < 0)
		return total;
	/* The descriptor read_next checked: the host may have rewritten the peeked one. */
	memcpy(&hdr, pkt, sizeof(hdr));
	off = (uint32_t)hdr.data_offset8 << VMBUS_CHANPKT_SIZE_SHIFT;
	payload = (uint32_t)total - off;
	if (payload > *len) {
		*len = payload;
		return -ENOBUFS;		/* not published: still in the ring */
	}
	memcpy(data, pkt + off, payload);
	*len = payload;
	*xact_id = hdr.xact_id;
	if (vmbus_ring_read_end(&batch))
		rte_vmbus_chan_signal_tx(chan);
	return 0;
}

bool
rte_vmbus_chan_rx_empty(const struct vmbus_channel *chan)
{
	return vmbus_ring_empty(&chan->rx_ring);
}

void
rte_vmbus_chan_errors_get(const struct vmbus_channel *chan, struct rte_vmbus_chan_errors *e)
{
	e->bad_host_index = chan->tx_ring.errors.bad_host_index +
			    chan->rx_ring.errors.bad_host_index;
	e->bad_descriptor = chan->rx_ring.errors.bad_descriptor;
	e->overrun = chan->rx_ring.errors.overrun;
}

bool
rte_vmbus_chan_rx_intr_enable(struct vmbus_channel *chan)
{
	return vmbus_ring_unmask_host_signals(&chan->rx_ring);
}

void
rte_vmbus_chan_rx_intr_disable(struct vmbus_channel *chan)
{
	vmbus_ring_mask_host_signals(&chan->rx_ring);
}
