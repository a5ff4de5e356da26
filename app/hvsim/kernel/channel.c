/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Channel lifecycle as uio_hv_generic and the hypervisor drive it: open on
 * first open of /dev/uioN, subchannel offers, close on last close, irqcontrol
 * writes and interrupts per ABI (spec/uio-hv-generic.md 3.4, 4), and doorbells.
 */
#include <errno.h>
#include <string.h>

#include "kernel.h"
#include "vmbus_wire.h"

#define CHANNEL_SUB_RING_BYTES	(4u << 20)	/* subchannels: 2 MiB + 2 MiB in every ABI */

static struct vmbus_ring_hdr *
channel_guest_rx(const struct hvsim_channel *ch)
{
	return (struct vmbus_ring_hdr *)(ch->ring_base + ch->ring_bytes / 2);
}

/* What vmbus_open leaves behind: clean headers, indexes 0, pending-send supported. */
static void
channel_reset_rings(const struct hvsim *sim, struct hvsim_channel *ch)
{
	struct vmbus_ring_hdr *tx = (struct vmbus_ring_hdr *)ch->ring_base;
	struct vmbus_ring_hdr *rx = channel_guest_rx(ch);

	memset(tx, 0, VMBUS_RING_HDR_BYTES);
	memset(rx, 0, VMBUS_RING_HDR_BYTES);
	tx->feature_bits = VMBUS_RING_FEAT_PENDING_SEND;
	rx->feature_bits = VMBUS_RING_FEAT_PENDING_SEND;
	/* Kernels before b15b7d2a1b09 mask the inbound ring on open; later ones leave it. */
	rx->interrupt_mask = sim->cfg.abi == HVSIM_ABI_2025 ? 0 : 1;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	ch->signals_from_guest = 0;
	ch->interrupts_to_guest = 0;
}

void
channel_device_open(struct hvsim *sim, struct hvsim_device *dev)
{
	struct hvsim_channel *primary = &dev->chan[0];

	channel_reset_rings(sim, primary);
	primary->open = true;
	dev->nb_channels = 1;
	sysfs_tree_set_state(sim, dev, true);
	KERNEL_LOG(sim, "%s uio%u opened by pid %d, IOVA mode %d", dev->uuid, dev->uio_index,
		   (int)sim->guest_pid, sim->iova_mode);
	host_device_open(sim, dev);
	if (dev->kind == HVSIM_DEV_ECHO && dev->max_subchannels != 0)
		hvsim_kernel_offer_subchannels(sim, dev, dev->max_subchannels);
}

/* Closing the primary closes its subchannels too; their files go with them. */
void
channel_device_close(struct hvsim *sim, struct hvsim_device *dev)
{
	host_device_close(sim, dev);
	for (unsigned int c = 1; c < HVSIM_MAX_CHANNELS; c++) {
		struct hvsim_channel *ch = &dev->chan[c];

		if (ch->relid == 0)
			continue;
		sysfs_tree_subchannel_remove(sim, ch);
		memset(ch, 0, sizeof(*ch));
		ch->dev = dev;
	}
	dev->chan[0].open = false;
	dev->nb_channels = 1;
	sysfs_tree_set_state(sim, dev, false);
	KERNEL_LOG(sim, "%s uio%u closed", dev->uuid, dev->uio_index);
}

static int
channel_offer_one(struct hvsim *sim, struct hvsim_device *dev, unsigned int idx)
{
	struct hvsim_channel *ch = &dev->chan[idx];
	int ret;

	ch->dev = dev;
	ch->subchannel_id = (uint16_t)idx;
	ch->relid = device_alloc_relid(sim);
	ch->monitor_id = dev->has_monitor ? device_alloc_monitor_id(sim) : VMBUS_MONITOR_ID_NONE;
	ch->ring_bytes = CHANNEL_SUB_RING_BYTES;
	if (dev->has_monitor && ch->monitor_id == VMBUS_MONITOR_ID_NONE)
		ret = -ENOSPC;
	else
		ret = sysfs_tree_subchannel_prepare(sim, ch);
	if (ret == 0) {
		channel_reset_rings(sim, ch);
		ch->open = true;
		ret = sysfs_tree_subchannel_publish(sim, ch);
	}
	if (ret != 0) {
		sysfs_tree_subchannel_remove(sim, ch);
		memset(ch, 0, sizeof(*ch));
		ch->dev = dev;
	}
	return ret;
}

unsigned int
hvsim_kernel_offer_subchannels(struct hvsim *sim, struct hvsim_device *dev, unsigned int nb)
{
	unsigned int done = 0;

	while (done < nb && dev->nb_channels < HVSIM_MAX_CHANNELS &&
	       dev->nb_channels <= dev->max_subchannels && dev->chan[0].open) {
		if (channel_offer_one(sim, dev, dev->nb_channels) != 0)
			break;
		KERNEL_LOG(sim, "%s subchannel %u relid %u", dev->uuid, dev->nb_channels,
			   dev->chan[dev->nb_channels].relid);
		dev->nb_channels++;
		done++;
	}
	return done;
}

/*
 * write(fd, &value, 4): unmask (value != 0) or mask the inbound ring; the 2025
 * kernels do it on every channel. 6.10+ also signal monitor-less channels.
 */
void
channel_irqcontrol(struct hvsim *sim, struct hvsim_device *dev, uint32_t value)
{
	unsigned int nb = sim->cfg.abi == HVSIM_ABI_2025 ? dev->nb_channels : 1;

	for (unsigned int c = 0; c < nb; c++) {
		struct hvsim_channel *ch = &dev->chan[c];

		if (!ch->open)
			continue;
		channel_guest_rx(ch)->interrupt_mask = value == 0;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (value != 0 && ch->monitor_id == VMBUS_MONITOR_ID_NONE &&
		    sim->cfg.abi != HVSIM_ABI_6_1) {
			ch->signals_from_guest++;
			host_channel_signal(sim, ch);
		}
	}
}

void
hvsim_kernel_interrupt(struct hvsim *sim, struct hvsim_channel *ch)
{
	struct hvsim_device *dev = ch->dev;

	/* Kernels before b15b7d2a1b09 mask the ring in their channel callback. */
	if (sim->cfg.abi != HVSIM_ABI_2025 && ch->open)
		channel_guest_rx(ch)->interrupt_mask = 1;
	ch->interrupts_to_guest++;
	dev->event_count++;
	uio_server_notify(sim, dev);
}

/* The hypervisor's part: test-and-clear each open channel's monitor pending bit. */
unsigned int
channel_scan_doorbells(struct hvsim *sim)
{
	unsigned int nb_signals = 0;

	for (unsigned int d = 0; d < sim->nb_devices; d++) {
		struct hvsim_device *dev = &sim->dev[d];
		uint8_t *page = dev->map_base[HVSIM_MAP_MONITOR_PAGE];

		for (unsigned int c = 0; dev->nb_openers != 0 && c < dev->nb_channels; c++) {
			struct hvsim_channel *ch = &dev->chan[c];
			uint32_t bit = 1u << (ch->monitor_id % 32);
			uint32_t *pending;

			if (!ch->open || ch->monitor_id > VMBUS_MONITOR_ID_MAX)
				continue;
			pending = (uint32_t *)(page + VMBUS_MONITOR_TRIGGER_GROUP_OFF +
					       VMBUS_MONITOR_GROUP_BYTES * (ch->monitor_id / 32));
			if (!(__atomic_load_n(pending, __ATOMIC_RELAXED) & bit) ||
			    !(__atomic_fetch_and(pending, ~bit, __ATOMIC_ACQ_REL) & bit))
				continue;
			ch->signals_from_guest++;
			nb_signals++;
			host_channel_signal(sim, ch);
		}
	}
	return nb_signals;
}

/* spec/uio-hv-generic.md 5: fds first (the close path still writes state), then sysfs. */
int
hvsim_kernel_rescind(struct hvsim *sim, struct hvsim_device *dev)
{
	if (dev->rescinded)
		return -EALREADY;
	dev->rescinded = true;
	uio_server_rescind(sim, dev);
	sysfs_tree_remove_device(sim, dev);
	KERNEL_LOG(sim, "%s uio%u rescinded", dev->uuid, dev->uio_index);
	return 0;
}
