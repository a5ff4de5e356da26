/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /dev/uioN of uio_hv_generic: the kept interrupt fd, mmap of the maps (one
 * open/mmap/close each, offset K pages), subchannel ring files and the
 * 4-byte interrupt read/write. The map list itself comes from vmbus_sysfs.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_interrupts.h>

#include "vmbus_private.h"
#include "vmbus_sysfs.h"
#include "vmbus_wire.h"

static int
uio_open(const struct rte_vmbus_device *dev)
{
	char path[32];
	int fd;

	snprintf(path, sizeof(path), "/dev/uio%d", dev->uio_num);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		VMBUS_LOG(ERR, "%s: cannot open %s: %s", dev->device.name, path,
			  strerror(errno));
	return fd < 0 ? -errno : fd;
}

/* mmap at exactly fixed_at (a secondary process), else at a hint. */
static void *
uio_mmap(void *fixed_at, void *hint, size_t bytes, int fd, off_t offset)
{
	int flags = MAP_SHARED | (fixed_at != NULL ? MAP_FIXED_NOREPLACE : 0);
	void *addr = mmap(fixed_at != NULL ? fixed_at : hint, bytes, PROT_READ | PROT_WRITE,
			  flags, fd, offset);

	if (addr != MAP_FAILED && fixed_at != NULL && addr != fixed_at) {
		munmap(addr, bytes);	/* kernels before 4.17 take the flag as a hint */
		errno = EEXIST;
		return MAP_FAILED;
	}
	return addr;
}

/* Map K is selected by an mmap offset of K pages (spec/uio-hv-generic.md 3.2). */
static int
uio_map_one(const struct rte_vmbus_device *dev, unsigned int k, struct rte_vmbus_map *map,
	    void *fixed_at)
{
	int fd = uio_open(dev);
	void *addr;

	if (fd < 0)
		return fd;
	addr = uio_mmap(fixed_at, fixed_at == NULL ? vmbus_mp_hint(map->bytes) : NULL,
			map->bytes, fd, (off_t)k * sysconf(_SC_PAGESIZE));
	close(fd);
	if (addr == MAP_FAILED) {
		VMBUS_LOG(ERR, "%s: mmap of map%u (%" PRIu64 " bytes%s) failed: %s",
			  dev->device.name, k, map->bytes,
			  fixed_at != NULL ? ", at the primary's address" : "", strerror(errno));
		return -errno;
	}
	map->addr = addr;
	return 0;
}

int
vmbus_uio_map_at(struct rte_vmbus_device *dev, unsigned int k, void *addr)
{
	return uio_map_one(dev, k, &dev->resource[k], addr);
}

static int
uio_intr_setup(struct rte_vmbus_device *dev)
{
	int fd = uio_open(dev);

	if (fd < 0)
		return fd;
	dev->intr_handle = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	if (dev->intr_handle == NULL) {
		close(fd);
		return -ENOMEM;
	}
	/* UIO, not UIO_INTX: the INTX enable path writes PCI config space. */
	if (rte_intr_fd_set(dev->intr_handle, fd) != 0 ||
	    rte_intr_type_set(dev->intr_handle, RTE_INTR_HANDLE_UIO) != 0) {
		rte_intr_instance_free(dev->intr_handle);
		dev->intr_handle = NULL;
		close(fd);
		return -EINVAL;
	}
	return 0;
}

static void
uio_intr_release(struct rte_vmbus_device *dev)
{
	if (dev->intr_handle == NULL)
		return;
	close(rte_intr_fd_get(dev->intr_handle));
	rte_intr_instance_free(dev->intr_handle);
	dev->intr_handle = NULL;
}

int
vmbus_uio_map_resources(struct rte_vmbus_device *dev)
{
	int ret;

	/* A secondary says it holds the device before it opens it. */
	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		ret = vmbus_mp_hold(dev);
		if (ret < 0)
			return ret;
	}
	/* The first open makes the kernel open the primary channel; keep it. */
	ret = uio_intr_setup(dev);
	if (ret < 0) {
		vmbus_mp_release(dev);
		return ret;
	}
	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		ret = vmbus_mp_attach(dev);
		if (ret < 0)
			vmbus_uio_unmap_resources(dev);
		return ret;
	}
	for (unsigned int k = 0; k < dev->nb_resources; k++) {
		ret = uio_map_one(dev, k, &dev->resource[k], NULL);
		if (ret < 0) {
			vmbus_uio_unmap_resources(dev);
			return ret;
		}
	}
	ret = vmbus_mp_publish(dev);
	if (ret < 0)
		vmbus_uio_unmap_resources(dev);
	return ret;
}

void
vmbus_uio_unmap_resources(struct rte_vmbus_device *dev)
{
	vmbus_mp_unpublish(dev);
	vmbus_mp_detach(dev);
	for (unsigned int k = 0; k < dev->nb_resources; k++) {
		struct rte_vmbus_map *map = &dev->resource[k];

		if (map->addr != NULL)
			munmap(map->addr, map->bytes);
		map->addr = NULL;
	}
	uio_intr_release(dev);
	vmbus_mp_release(dev);		/* after the last map and fd of the device */
}

/*
 * The device closed and opened again, its maps back where they were: the
 * last close makes the kernel close the primary channel (the subchannels
 * with it), the first open opens it anew with its rings reset
 * (spec/uio-hv-generic.md 4). A process that still holds the device (a
 * secondary) keeps the channel open, its rings unreset: refused.
 */
int
vmbus_uio_reopen(struct rte_vmbus_device *dev)
{
	void *addr[VMBUS_MAX_RESOURCE] = { NULL };
	const struct vmbus_ring_hdr *tx;
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY || dev->intr_handle == NULL)
		return -EINVAL;
	for (unsigned int k = 0; k < dev->nb_resources; k++) {
		struct rte_vmbus_map *map = &dev->resource[k];

		addr[k] = map->addr;
		if (map->addr != NULL)
			munmap(map->addr, map->bytes);
		map->addr = NULL;
	}
	uio_intr_release(dev);
	ret = uio_intr_setup(dev);
	for (unsigned int k = 0; ret == 0 && k < dev->nb_resources; k++)
		if (addr[k] != NULL)
			ret = uio_map_one(dev, k, &dev->resource[k], addr[k]);
	if (ret < 0) {
		VMBUS_LOG(ERR, "%s: reopening the device failed: %d", dev->device.name, ret);
		return ret;
	}
	tx = dev->resource[VMBUS_MAP_RINGS].addr;
	if (tx->write_index != 0 || tx->read_index != 0) {
		VMBUS_LOG(ERR, "%s: the channel was not closed: another process holds the device",
			  dev->device.name);
		return -EBUSY;
	}
	return 0;
}

/* A subchannel's channels/<relid>/ring: whole file, size from fstat. */
int
vmbus_uio_map_ring_file(const char *path, void *fixed_at, void **addr, uint64_t *bytes)
{
	struct stat st;
	void *p;
	int fd;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || st.st_size <= 0 ||
	    st.st_size % (2 * VMBUS_PAGE_BYTES) != 0) {
		VMBUS_LOG(ERR, "%s: ring file size does not fit", path);
		close(fd);
		return -EINVAL;
	}
	p = uio_mmap(fixed_at, fixed_at == NULL ? vmbus_mp_hint((uint64_t)st.st_size) : NULL,
		     (size_t)st.st_size, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -errno;
	*addr = p;
	*bytes = (uint64_t)st.st_size;
	return 0;
}

static int
uio_fd(const struct rte_vmbus_device *dev)
{
	return dev->intr_handle == NULL ? -1 : rte_intr_fd_get(dev->intr_handle);
}

/* The kernel reads the value as "enable": 1 unmasks, 0 masks. */
static int
uio_irq_write(struct rte_vmbus_device *dev, int32_t value)
{
	int fd = uio_fd(dev);

	if (fd < 0)
		return -EBADF;
	if (write(fd, &value, sizeof(value)) != (ssize_t)sizeof(value)) {
		VMBUS_LOG(NOTICE, "%s: uio write %d failed: %s", dev->device.name, value,
			  strerror(errno));
		return -errno;
	}
	return 0;
}

int
rte_vmbus_irq_enable(struct rte_vmbus_device *dev)
{
	return uio_irq_write(dev, 1);
}

int
rte_vmbus_irq_disable(struct rte_vmbus_device *dev)
{
	return uio_irq_write(dev, 0);
}

int
rte_vmbus_irq_read(struct rte_vmbus_device *dev, uint32_t *count)
{
	int fd = uio_fd(dev);
	ssize_t n;

	if (fd < 0)
		return -EBADF;
	do
		n = read(fd, count, sizeof(*count));
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(*count))
		return 0;
	return n < 0 ? -errno : -EIO;
}
