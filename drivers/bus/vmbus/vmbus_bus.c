/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rte_bus glue for VMBus: scan (one malformed device is skipped, never the
 * whole scan), allow/block lists, matching drivers by class GUID, probe,
 * unplug and cleanup. sysfs parsing is in vmbus_sysfs.c, mapping in vmbus_uio.c.
 */
#include <dirent.h>
#include <errno.h>
#include <string.h>

#include <rte_devargs.h>
#include <rte_eal.h>
#include <rte_malloc.h>

#include "vmbus_private.h"
#include "vmbus_sysfs.h"
#include "vmbus_wire.h"

RTE_LOG_REGISTER(vmbus_logtype_bus, bus.vmbus, NOTICE);

/* Synthetic NIC class: the one class whose devices carry buffer maps. */
static const rte_uuid_t vmbus_nic_class = RTE_UUID_INIT(0xf8615163, 0xdf3e, 0x46c5,
							0x913f, 0xf2d2f965ed0eULL);

static bool
class_needs_buffers(const uint8_t class_id[16])
{
	return memcmp(class_id, vmbus_nic_class, 16) == 0;
}

void
rte_vmbus_register(struct rte_vmbus_driver *driver)
{
	TAILQ_INSERT_TAIL(&vmbus_bus.drivers, driver, next);
}

void
rte_vmbus_unregister(struct rte_vmbus_driver *driver)
{
	TAILQ_REMOVE(&vmbus_bus.drivers, driver, next);
}

/* Device names are instance GUIDs, lowercase without braces. */
static int
vmbus_parse(const char *name, void *addr)
{
	uint8_t guid[16];
	char canonical[37];

	if (vmbus_sysfs_parse_guid(name, guid) < 0)
		return 1;
	vmbus_sysfs_format_guid(guid, canonical);
	if (addr != NULL)
		strcpy(addr, canonical);
	return 0;
}

static struct rte_devargs *
vmbus_devargs_lookup(const char *name)
{
	struct rte_devargs *da;
	char canonical[RTE_DEV_NAME_MAX_LEN];

	RTE_EAL_DEVARGS_FOREACH("vmbus", da) {
		if (vmbus_parse(da->name, canonical) == 0 && strcmp(canonical, name) == 0)
			return da;
	}
	return NULL;
}

/* -a and -b: the distro's bus ignores them; a user expects them honoured. */
static bool
vmbus_device_ignored(const char *name)
{
	struct rte_devargs *da = vmbus_devargs_lookup(name);

	if (vmbus_bus.bus.conf.scan_mode == RTE_BUS_SCAN_ALLOWLIST)
		return da == NULL || da->policy != RTE_DEV_ALLOWED;
	return da != NULL && da->policy == RTE_DEV_BLOCKED;
}

/*
 * The device's NUMA node as EAL knows it: one EAL found no lcore on (a
 * larger VM's node, a value past its table) has no heap to allocate from,
 * so the device's memory comes from any node.
 */
static int
vmbus_numa_node(const struct vmbus_sysfs_device *sd)
{
	if (sd->numa_node < 0)
		return SOCKET_ID_ANY;
	for (unsigned int i = 0; i < rte_socket_count(); i++)
		if (rte_socket_id_by_idx(i) == sd->numa_node)
			return sd->numa_node;
	VMBUS_LOG(INFO, "%s: numa_node %d is not a node EAL uses: memory from any node",
		  sd->name, sd->numa_node);
	return SOCKET_ID_ANY;
}

static struct rte_vmbus_device *
vmbus_device_from_sysfs(const struct vmbus_sysfs_device *sd)
{
	struct rte_vmbus_device *dev = calloc(1, sizeof(*dev));
	char *name;

	name = dev == NULL ? NULL : strdup(sd->name);
	if (name == NULL) {
		free(dev);
		return NULL;
	}
	dev->device.name = name;
	dev->device.bus = &vmbus_bus.bus;
	dev->device.numa_node = vmbus_numa_node(sd);
	dev->scanned = true;
	dev->device.devargs = vmbus_devargs_lookup(name);
	memcpy(dev->class_id, sd->class_id, sizeof(dev->class_id));
	memcpy(dev->device_id, sd->device_id, sizeof(dev->device_id));
	dev->relid = sd->relid;
	dev->monitor_id = sd->monitor_id;
	dev->uio_num = sd->uio_num;
	dev->nb_resources = sd->nb_maps;
	for (unsigned int k = 0; k < sd->nb_maps; k++) {
		dev->resource[k].bytes = sd->map[k].bytes;
		dev->resource[k].gpadl = sd->map[k].gpadl;
	}
	return dev;
}

static void
vmbus_device_free(struct rte_vmbus_device *dev)
{
	free((void *)(uintptr_t)dev->device.name);
	free(dev);
}

/* Every scan (EAL scans again at each hotplug) sees the devices already listed. */
static struct rte_vmbus_device *
vmbus_device_listed(const char *name)
{
	struct rte_vmbus_device *dev;

	TAILQ_FOREACH(dev, &vmbus_bus.devices, next)
		if (strcmp(dev->device.name, name) == 0)
			return dev;
	return NULL;
}

static void
vmbus_scan_one(const char *name)
{
	char why[VMBUS_SYSFS_WHY_BYTES], class_text[37];
	struct vmbus_sysfs_device sd;
	struct rte_vmbus_device *dev, *old;

	switch (vmbus_sysfs_read_device(VMBUS_SYSFS_DEVICES, name, class_needs_buffers,
					&sd, why)) {
	case VMBUS_SYSFS_NOT_UIO:
		VMBUS_LOG(INFO, "skipping %s: %s", name, why);
		return;
	case VMBUS_SYSFS_MALFORMED:
		VMBUS_LOG(WARNING, "skipping malformed device %s: %s", name, why);
		return;
	case VMBUS_SYSFS_OK:
		break;
	}
	if (vmbus_device_ignored(sd.name)) {
		VMBUS_LOG(INFO, "skipping %s: excluded by the allow/block list", name);
		return;
	}
	dev = vmbus_device_from_sysfs(&sd);
	if (dev == NULL) {
		VMBUS_LOG(ERR, "out of memory for %s", name);
		return;
	}
	old = vmbus_device_listed(dev->device.name);
	if (old != NULL && old->driver != NULL) {
		vmbus_device_free(dev);		/* probed: its maps are the ones in use */
		return;
	}
	vmbus_sysfs_format_guid(sd.class_id, class_text);
	VMBUS_LOG(INFO, "found %s class %s relid %u monitor %u uio%d numa %d maps %u",
		  name, class_text, sd.relid, sd.monitor_id, sd.uio_num, sd.numa_node,
		  sd.nb_maps);
	if (old == NULL) {
		TAILQ_INSERT_TAIL(&vmbus_bus.devices, dev, next);
		return;
	}
	/*
	 * Not probed: this scan's view (relid, uio, devargs of a hotplug) goes
	 * into the listed node, which stays (a secondary's lcores walk the list
	 * unlocked: a scan frees no node).
	 */
	old->scanned = true;
	old->device.numa_node = dev->device.numa_node;
	old->device.devargs = dev->device.devargs;
	old->relid = dev->relid;
	old->monitor_id = dev->monitor_id;
	old->uio_num = dev->uio_num;
	old->nb_resources = dev->nb_resources;
	memcpy(old->resource, dev->resource, sizeof(old->resource));
	vmbus_device_free(dev);
}

static int
vmbus_scan(void)
{
	struct rte_vmbus_device *dev;
	struct dirent *e;
	DIR *dir;

	/*
	 * A listed device this scan does not find usable (gone, unbound, now
	 * malformed or blocked) keeps its node but is not probed: its uio
	 * number and maps may be another device's now.
	 */
	TAILQ_FOREACH(dev, &vmbus_bus.devices, next)
		if (dev->driver == NULL)
			dev->scanned = false;
	dir = opendir(VMBUS_SYSFS_DEVICES);
	if (dir == NULL) {
		if (errno != ENOENT)
			VMBUS_LOG(ERR, "cannot open %s: %s", VMBUS_SYSFS_DEVICES,
				  strerror(errno));
		return 0;	/* no VMBus here: not an error */
	}
	while ((e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		vmbus_scan_one(e->d_name);
	}
	closedir(dir);
	return 0;
}

static bool
vmbus_driver_matches(const struct rte_vmbus_driver *drv, const struct rte_vmbus_device *dev)
{
	for (const rte_uuid_t *id = drv->id_table; id != NULL && !rte_uuid_is_null(*id); id++)
		if (rte_uuid_compare(*id, dev->class_id) == 0)
			return true;
	return false;
}

int
rte_vmbus_map_device(struct rte_vmbus_device *dev)
{
	if (dev->intr_handle != NULL)
		return 0;
	return vmbus_uio_map_resources(dev);
}

void
rte_vmbus_unmap_device(struct rte_vmbus_device *dev)
{
	if (dev->primary != NULL)
		rte_vmbus_chan_close(dev->primary);
	vmbus_uio_unmap_resources(dev);
}

int
rte_vmbus_device_claim(struct rte_vmbus_device *dev)
{
	return vmbus_mp_claim(dev);
}

void
rte_vmbus_device_unclaim(struct rte_vmbus_device *dev)
{
	vmbus_mp_unclaim(dev);
}

int
rte_vmbus_reopen_device(struct rte_vmbus_device *dev)
{
	if (vmbus_mp_shared(dev))
		return -EBUSY;
	if (dev->primary != NULL)
		rte_vmbus_chan_close(dev->primary);
	return vmbus_uio_reopen(dev);
}

static int
vmbus_probe_device(struct rte_vmbus_device *dev)
{
	struct rte_vmbus_driver *drv;
	int ret;

	if (dev->driver != NULL)
		return 0;
	if (!dev->scanned)
		return 1;	/* not there now: nothing to probe */
	TAILQ_FOREACH(drv, &vmbus_bus.drivers, next) {
		if (!vmbus_driver_matches(drv, dev))
			continue;
		ret = rte_vmbus_map_device(dev);
		if (ret < 0)
			return ret;
		ret = drv->probe(drv, dev);
		if (ret != 0) {
			VMBUS_LOG(ERR, "%s: driver %s probe failed: %d", dev->device.name,
				  drv->driver.name, ret);
			rte_vmbus_unmap_device(dev);
			return ret;
		}
		dev->driver = drv;
		dev->device.driver = &drv->driver;
		VMBUS_LOG(INFO, "%s: probed by %s", dev->device.name, drv->driver.name);
		return 0;
	}
	return 1;	/* no driver for this class */
}

static int
vmbus_probe(void)
{
	struct rte_vmbus_device *dev;
	int failed = 0;

	TAILQ_FOREACH(dev, &vmbus_bus.devices, next)
		if (vmbus_probe_device(dev) < 0)
			failed++;
	return failed ? -EIO : 0;
}

static struct rte_device *
vmbus_find_device(const struct rte_device *start, rte_dev_cmp_t cmp, const void *data)
{
	struct rte_vmbus_device *dev = TAILQ_FIRST(&vmbus_bus.devices);

	if (start != NULL) {
		dev = container_of(start, struct rte_vmbus_device, device);
		dev = TAILQ_NEXT(dev, next);
	}
	for (; dev != NULL; dev = TAILQ_NEXT(dev, next))
		if (cmp(&dev->device, data) == 0)
			return &dev->device;
	return NULL;
}

static int
vmbus_remove_device(struct rte_vmbus_device *dev)
{
	int ret = 0;

	if (dev->driver == NULL)
		return 0;
	if (dev->driver->remove != NULL)
		ret = dev->driver->remove(dev);
	if (ret < 0) {
		/* Its driver still uses the device: the maps stay with it. */
		VMBUS_LOG(ERR, "%s: driver %s refused removal: %d", dev->device.name,
			  dev->driver->driver.name, ret);
		return ret;
	}
	rte_vmbus_unmap_device(dev);
	dev->driver = NULL;
	dev->device.driver = NULL;
	return ret;
}

static int
vmbus_plug(struct rte_device *rdev)
{
	struct rte_vmbus_device *dev = container_of(rdev, struct rte_vmbus_device, device);

	if (dev->driver == NULL && !dev->scanned) {
		VMBUS_LOG(ERR, "%s: not a usable device in %s now (see the scan's log)",
			  dev->device.name, VMBUS_SYSFS_DEVICES);
		return -ENODEV;
	}
	return vmbus_probe_device(dev);
}

/*
 * The node stays listed, unprobed, for the next scan to refresh: a
 * secondary's lcores walk the list unlocked (channel doorbells).
 */
static int
vmbus_unplug(struct rte_device *rdev)
{
	return vmbus_remove_device(container_of(rdev, struct rte_vmbus_device, device));
}

/* At rte_eal_cleanup: drivers tear down (host left clean), then the maps go. */
static int
vmbus_cleanup(void)
{
	struct rte_vmbus_device *dev;
	int ret = 0;

	while ((dev = TAILQ_FIRST(&vmbus_bus.devices)) != NULL) {
		if (vmbus_remove_device(dev) < 0)
			ret = -EIO;
		TAILQ_REMOVE(&vmbus_bus.devices, dev, next);
		vmbus_device_free(dev);
	}
	return ret;
}

struct vmbus_bus vmbus_bus = {
	.bus = {
		.scan = vmbus_scan,
		.probe = vmbus_probe,
		.find_device = vmbus_find_device,
		.plug = vmbus_plug,
		.unplug = vmbus_unplug,
		.parse = vmbus_parse,
		.cleanup = vmbus_cleanup,
	},
	.devices = TAILQ_HEAD_INITIALIZER(vmbus_bus.devices),
	.drivers = TAILQ_HEAD_INITIALIZER(vmbus_bus.drivers),
};

RTE_REGISTER_BUS(vmbus, vmbus_bus.bus);
