/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Multi-process: the primary maps a device's uio regions and subchannel rings
 * just past DPDK's memory and records where, in a memzone; a secondary maps
 * the same regions at the same addresses, so the channel and queue state the
 * primary keeps in shared memory points at valid rings and buffers in both,
 * and holds a lock file meanwhile, so the primary knows the device is shared.
 * The mmap calls themselves are vmbus_uio.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_memory.h>
#include <rte_memzone.h>

#include "vmbus_private.h"
#include "vmbus_sysfs.h"

#define VMBUS_MP_RINGS		64	/* subchannels a device may have mapped */
#define VMBUS_MP_ALIGN		(2u << 20)
#define VMBUS_MP_CLAIM_WAIT_MS	30000u	/* a secondary's wait for a primary's claim */

struct vmbus_mp_region {
	void *addr;
	uint64_t bytes;
	uint32_t relid;			/* rings: the subchannel's; 0 marks a free slot */
};

/* In the memzone: written by the primary, read by secondaries. */
struct vmbus_mp_record {
	struct vmbus_mp_region resource[VMBUS_MAX_RESOURCE];
	struct vmbus_mp_region ring[VMBUS_MP_RINGS];
};

/* Secondary, per process: the rings this process mapped, to unmap them. */
static struct {
	const struct rte_vmbus_device *dev;
	struct vmbus_mp_region region;
} mp_local_rings[VMBUS_MP_RINGS * 4];

static uintptr_t mp_next_hint;

static int
mp_memseg_end(const struct rte_memseg_list *msl, void *arg)
{
	uintptr_t *end = arg;
	uintptr_t e = (uintptr_t)msl->base_va + msl->len;

	if (e > *end)
		*end = e;
	return 0;
}

/*
 * Primary: where to ask for the next mapping. Past every memseg list, where
 * a secondary, which reserves the same lists, is most likely to find room.
 */
void *
vmbus_mp_hint(uint64_t bytes)
{
	uintptr_t at;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return NULL;
	if (mp_next_hint == 0) {
		rte_memseg_list_walk(mp_memseg_end, &mp_next_hint);
		if (mp_next_hint == 0)
			return NULL;
		mp_next_hint = RTE_ALIGN_CEIL(mp_next_hint + VMBUS_MP_ALIGN, VMBUS_MP_ALIGN);
	}
	at = mp_next_hint;
	mp_next_hint += RTE_ALIGN_CEIL(bytes, VMBUS_MP_ALIGN);
	return (void *)at;
}

static void
mp_zone_name(const struct rte_vmbus_device *dev, char *name, size_t size)
{
	snprintf(name, size, "vmbus_uio%d_maps", dev->uio_num);
}

static struct vmbus_mp_record *
mp_record(const struct rte_vmbus_device *dev)
{
	char name[RTE_MEMZONE_NAMESIZE];
	const struct rte_memzone *mz;

	mp_zone_name(dev, name, sizeof(name));
	mz = rte_memzone_lookup(name);
	return mz == NULL ? NULL : mz->addr;
}

/* Primary, after mapping the uio regions. */
int
vmbus_mp_publish(const struct rte_vmbus_device *dev)
{
	char name[RTE_MEMZONE_NAMESIZE];
	const struct rte_memzone *mz;
	struct vmbus_mp_record *rec;

	mp_zone_name(dev, name, sizeof(name));
	mz = rte_memzone_lookup(name);
	if (mz == NULL)
		mz = rte_memzone_reserve(name, sizeof(*rec), SOCKET_ID_ANY, 0);	/* read rarely */
	if (mz == NULL) {
		VMBUS_LOG(ERR, "%s: no memzone for the map record", dev->device.name);
		return -ENOMEM;
	}
	rec = mz->addr;
	memset(rec, 0, sizeof(*rec));
	for (unsigned int k = 0; k < dev->nb_resources; k++)
		rec->resource[k] = (struct vmbus_mp_region){
			.addr = dev->resource[k].addr, .bytes = dev->resource[k].bytes,
		};
	return 0;
}

void
vmbus_mp_unpublish(const struct rte_vmbus_device *dev)
{
	char name[RTE_MEMZONE_NAMESIZE];
	const struct rte_memzone *mz;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return;
	mp_zone_name(dev, name, sizeof(name));
	mz = rte_memzone_lookup(name);
	if (mz != NULL)
		rte_memzone_free(mz);
}

/* Primary: a subchannel ring was mapped (addr != NULL) or unmapped. */
void
vmbus_mp_record_ring(const struct rte_vmbus_device *dev, uint32_t relid, void *addr,
		     uint64_t bytes)
{
	struct vmbus_mp_record *rec = mp_record(dev);
	struct vmbus_mp_region *free_slot = NULL;

	if (rec == NULL || rte_eal_process_type() != RTE_PROC_PRIMARY)
		return;
	for (unsigned int i = 0; i < VMBUS_MP_RINGS; i++) {
		struct vmbus_mp_region *r = &rec->ring[i];

		if (r->relid == relid) {
			if (addr == NULL)
				memset(r, 0, sizeof(*r));
			return;
		}
		if (r->relid == 0 && free_slot == NULL)
			free_slot = r;
	}
	if (addr != NULL && free_slot != NULL)
		*free_slot = (struct vmbus_mp_region){ .addr = addr, .bytes = bytes,
						       .relid = relid };
}

static int
mp_attach_ring(const struct rte_vmbus_device *dev, const struct vmbus_mp_region *r)
{
	char path[PATH_MAX];
	void *addr;
	uint64_t bytes;
	int ret;

	snprintf(path, sizeof(path), "%s/%s/channels/%u/ring", VMBUS_SYSFS_DEVICES,
		 dev->device.name, r->relid);
	ret = vmbus_uio_map_ring_file(path, r->addr, &addr, &bytes);
	if (ret == 0 && bytes != r->bytes) {
		munmap(addr, bytes);
		ret = -EINVAL;
	}
	if (ret < 0) {
		VMBUS_LOG(ERR, "%s: ring of channel %u not mapped as the primary's: %d",
			  dev->device.name, r->relid, ret);
		return ret;
	}
	for (unsigned int i = 0; i < RTE_DIM(mp_local_rings); i++) {
		if (mp_local_rings[i].dev != NULL)
			continue;
		mp_local_rings[i].dev = dev;
		mp_local_rings[i].region = *r;
		return 0;
	}
	munmap(addr, bytes);
	return -ENOSPC;
}

/*
 * Which processes hold a device: each secondary keeps a shared lock on a
 * file of the device's in DPDK's runtime directory from before it opens the
 * device until it has let go of it. The kernel drops the lock when the
 * process ends, however it ends (a secondary killed never detaches), and a
 * forked child holds it with its parent.
 */
static int
mp_lock_open(const struct rte_vmbus_device *dev, char *path, size_t size)
{
	int fd;

	snprintf(path, size, "%s/vmbus_uio%d.lock", rte_eal_get_runtime_dir(), dev->uio_num);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	return fd < 0 ? -errno : fd;
}

/* Secondary, before it opens the device. */
int
vmbus_mp_hold(struct rte_vmbus_device *dev)
{
	char path[PATH_MAX];
	int fd = mp_lock_open(dev, path, sizeof(path));

	if (fd < 0) {
		VMBUS_LOG(ERR, "%s: cannot open %s: %s", dev->device.name, path, strerror(-fd));
		return fd;
	}
	/* The primary may claim the device for a new host session: a few control waits. */
	for (unsigned int ms = 0; flock(fd, LOCK_SH | LOCK_NB) < 0; ms += 10) {
		int ret = -errno;

		if (ret == -EWOULDBLOCK && ms < VMBUS_MP_CLAIM_WAIT_MS) {
			rte_delay_us_sleep(10000);
			continue;
		}
		VMBUS_LOG(ERR, "%s: cannot lock %s: %s", dev->device.name, path,
			  ret == -EWOULDBLOCK ? "the primary holds it" : strerror(-ret));
		close(fd);
		return ret == -EWOULDBLOCK ? -EBUSY : ret;
	}
	dev->mp_lock_fd = fd;
	dev->mp_attached = true;
	return 0;
}

/* Once the process let go of the device: its lock goes. */
void
vmbus_mp_release(struct rte_vmbus_device *dev)
{
	vmbus_mp_unclaim(dev);
	if (!dev->mp_attached)
		return;
	close(dev->mp_lock_fd);
	dev->mp_attached = false;
}

/*
 * Secondary: map what the primary recorded, where it is mapped there. The
 * subchannels are those the primary had opened by now: attach after the
 * primary configured its queues.
 */
int
vmbus_mp_attach(struct rte_vmbus_device *dev)
{
	struct vmbus_mp_record *rec = mp_record(dev);
	int ret;

	if (rec == NULL) {
		VMBUS_LOG(ERR, "%s: the primary process has not mapped this device",
			  dev->device.name);
		return -ENODEV;
	}
	for (unsigned int k = 0; k < dev->nb_resources; k++) {
		if (rec->resource[k].bytes != dev->resource[k].bytes)
			return -EINVAL;
		ret = vmbus_uio_map_at(dev, k, rec->resource[k].addr);
		if (ret < 0)
			return ret;
	}
	for (unsigned int i = 0; i < VMBUS_MP_RINGS; i++) {
		if (rec->ring[i].relid == 0)
			continue;
		ret = mp_attach_ring(dev, &rec->ring[i]);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/*
 * Primary: no secondary holds the device, and none attaches until unclaim
 * (they wait for the lock): the lock taken alone.
 */
int
vmbus_mp_claim(struct rte_vmbus_device *dev)
{
	char path[PATH_MAX];
	int fd;

	if (dev->mp_claimed)
		return 0;
	fd = mp_lock_open(dev, path, sizeof(path));
	if (fd == -ENOENT)
		return 0;		/* no runtime directory (--no-shconf): no secondary */
	if (fd < 0) {
		VMBUS_LOG(ERR, "%s: cannot open %s (%s): taken as shared", dev->device.name, path,
			  strerror(-fd));
		return -EBUSY;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		close(fd);
		return -EBUSY;
	}
	dev->mp_lock_fd = fd;
	dev->mp_claimed = true;
	return 0;
}

void
vmbus_mp_unclaim(struct rte_vmbus_device *dev)
{
	if (!dev->mp_claimed)
		return;
	close(dev->mp_lock_fd);		/* the lock with it */
	dev->mp_claimed = false;
}

/* Primary: does a secondary hold the device (its channel then stays open at our close)? */
bool
vmbus_mp_shared(struct rte_vmbus_device *dev)
{
	if (dev->mp_claimed)
		return false;
	if (vmbus_mp_claim(dev) < 0)
		return true;
	vmbus_mp_unclaim(dev);
	return false;
}

void
vmbus_mp_detach(struct rte_vmbus_device *dev)
{
	for (unsigned int i = 0; i < RTE_DIM(mp_local_rings); i++) {
		if (mp_local_rings[i].dev != dev)
			continue;
		munmap(mp_local_rings[i].region.addr, mp_local_rings[i].region.bytes);
		memset(&mp_local_rings[i], 0, sizeof(mp_local_rings[i]));
	}
}
