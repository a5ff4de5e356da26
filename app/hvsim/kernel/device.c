/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hvsim's device model: what uio_hv_generic has set up by the time a device is
 * bound (spec/uio-hv-generic.md 2, 3): instance ids, relids, monitor ids,
 * GPADLs and map sizes per ABI. sysfs_tree.c turns it into files.
 */
#include <stdio.h>
#include <string.h>

#include "kernel.h"
#include "vmbus_wire.h"

#define DEVICE_RING_HALF_BYTES		(2u << 20)	/* 2 MiB per direction */
#define DEVICE_NIC_UUID_FMT		"5e1ec7ed-0000-4000-8000-0000000000%02x"
#define DEVICE_ECHO_UUID_FMT		"ec40ec40-0000-4000-8000-0000000000%02x"

static bool
device_relid_used(const struct hvsim *sim, uint32_t relid)
{
	for (unsigned int d = 0; d < sim->nb_devices; d++)
		for (unsigned int c = 0; c < HVSIM_MAX_CHANNELS; c++)
			if (sim->dev[d].chan[c].relid == relid)
				return true;
	return false;
}

/* Hyper-V hands out the lowest free relid; primaries took theirs at setup. */
uint32_t
device_alloc_relid(const struct hvsim *sim)
{
	uint32_t relid = HVSIM_FIRST_RELID;

	while (device_relid_used(sim, relid))
		relid++;
	return relid;
}

static bool
device_monitor_used(const struct hvsim *sim, uint8_t id)
{
	for (unsigned int d = 0; d < sim->nb_devices; d++)
		for (unsigned int c = 0; c < HVSIM_MAX_CHANNELS; c++)
			if (sim->dev[d].chan[c].relid != 0 && sim->dev[d].chan[c].monitor_id == id)
				return true;
	return false;
}

/* VMBUS_MONITOR_ID_NONE when all 128 monitor slots of the page are taken. */
uint8_t
device_alloc_monitor_id(const struct hvsim *sim)
{
	for (unsigned int id = 0; id <= VMBUS_MONITOR_ID_MAX; id++)
		if (!device_monitor_used(sim, (uint8_t)id))
			return (uint8_t)id;
	return VMBUS_MONITOR_ID_NONE;
}

unsigned int
device_nb_maps(const struct hvsim_device *dev)
{
	unsigned int nb = 0;

	while (nb < HVSIM_NB_MAPS && dev->map_bytes[nb] != 0)
		nb++;
	return nb;
}

/* Map sizes as the chosen kernel has them (spec/uio-hv-generic.md 3.2, 3.3). */
static void
device_set_maps(struct hvsim *sim, struct hvsim_device *dev)
{
	uint64_t ring_half = DEVICE_RING_HALF_BYTES;

	if (sim->cfg.abi == HVSIM_ABI_2025)
		ring_half += VMBUS_PAGE_BYTES;		/* VMBUS_RING_SIZE adds the header page */
	dev->map_bytes[HVSIM_MAP_RINGS] = 2 * ring_half;
	dev->map_bytes[HVSIM_MAP_INT_PAGE] = VMBUS_PAGE_BYTES;
	dev->map_bytes[HVSIM_MAP_MONITOR_PAGE] = VMBUS_PAGE_BYTES;
	strcpy(dev->map_name[HVSIM_MAP_RINGS], "txrx_rings");
	strcpy(dev->map_name[HVSIM_MAP_INT_PAGE], "int_page");
	strcpy(dev->map_name[HVSIM_MAP_MONITOR_PAGE], "monitor_page");
	if (dev->kind != HVSIM_DEV_NIC)
		return;		/* 6.10+ kernels give other classes maps 0-2 only */
	dev->map_bytes[HVSIM_MAP_RECV_BUF] = sim->cfg.recv_buf_bytes;
	dev->map_bytes[HVSIM_MAP_SEND_BUF] = sim->cfg.send_buf_bytes;
	snprintf(dev->map_name[HVSIM_MAP_RECV_BUF], sizeof(dev->map_name[0]), "recv:%u",
		 dev->recv_gpadl);
	snprintf(dev->map_name[HVSIM_MAP_SEND_BUF], sizeof(dev->map_name[0]), "send:%u",
		 dev->send_gpadl);
}

static uint32_t
device_alloc_gpadl(const struct hvsim *sim)
{
	uint32_t next = HVSIM_FIRST_GPADL;

	for (unsigned int d = 0; d < sim->nb_devices; d++)
		if (sim->dev[d].kind == HVSIM_DEV_NIC)
			next += 2;
	return next;
}

/* NULL when the model is full. Ids are deterministic so tests can name devices. */
struct hvsim_device *
device_add(struct hvsim *sim, enum hvsim_dev_kind kind, const char *backend, bool has_monitor)
{
	unsigned int kind_idx = 0;
	struct hvsim_device *dev;

	if (sim->nb_devices == HVSIM_MAX_DEVICES)
		return NULL;
	for (unsigned int d = 0; d < sim->nb_devices; d++)
		kind_idx += sim->dev[d].kind == kind;
	dev = &sim->dev[sim->nb_devices];
	memset(dev, 0, sizeof(*dev));
	dev->kind = kind;
	snprintf(dev->uuid, sizeof(dev->uuid),
		 kind == HVSIM_DEV_NIC ? DEVICE_NIC_UUID_FMT : DEVICE_ECHO_UUID_FMT, kind_idx);
	dev->class_guid = kind == HVSIM_DEV_NIC ? HVSIM_NIC_CLASS_GUID : HVSIM_ECHO_CLASS_GUID;
	snprintf(dev->backend, sizeof(dev->backend), "%s", backend != NULL ? backend : "");
	dev->uio_index = sim->nb_devices;
	dev->has_monitor = has_monitor;
	dev->link_up = true;
	dev->link_speed = HVSIM_LINK_SPEED_DEFAULT;
	if (kind == HVSIM_DEV_NIC) {
		dev->recv_gpadl = device_alloc_gpadl(sim);
		dev->send_gpadl = dev->recv_gpadl + 1;
	}
	for (unsigned int c = 0; c < HVSIM_MAX_CHANNELS; c++)
		dev->chan[c].dev = dev;
	dev->chan[0].relid = device_alloc_relid(sim);
	dev->chan[0].monitor_id = has_monitor ? device_alloc_monitor_id(sim)
					      : VMBUS_MONITOR_ID_NONE;
	dev->nb_channels = 1;
	device_set_maps(sim, dev);
	sim->nb_devices++;
	return dev;
}
