/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The files uio_hv_generic shows, built under <run>/sys as the kernel lays them
 * out (spec/uio-hv-generic.md 2, 3), plus each uio map's tmpfs backing file in
 * <run>/maps, mapped once by hvsim. When channels open and close is channel.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel.h"
#include "uio_proto.h"
#include "vmbus_wire.h"

#define TREE_DEVICES_DIR	"sys/bus/vmbus/devices"
#define TREE_DRIVER_NAME	"uio_hv_generic"
#define TREE_UIO_VERSION	"0.02.1"
#define TREE_HV_NIC_TYPE	3	/* Linux's enum vmbus_device_type: HV_NIC */
#define TREE_HV_UNKNOWN_TYPE	16	/* HV_UNKNOWN */
#define TREE_STATE_OFFERED	0	/* Linux's CHANNEL_OFFER_STATE */
#define TREE_STATE_OPENED	3	/* CHANNEL_OPENED_STATE */

/* The per-VM pages: one backing file each, hard-linked as every device's map 1, 2. */
static uint8_t *tree_int_page, *tree_monitor_page;

/* Paths stay short (the run dir is at most 80 bytes); -ENAMETOOLONG if one does not. */
static int
tree_pathf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n >= 0 && (size_t)n < size ? 0 : -ENAMETOOLONG;
}

static int
tree_attr(const char *dir, const char *name, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	FILE *f;
	int ret;

	tree_pathf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL)
		return -errno;
	va_start(ap, fmt);
	ret = vfprintf(f, fmt, ap) < 0 ? -EIO : 0;
	va_end(ap);
	if (fclose(f) != 0)
		ret = -EIO;
	return ret;
}

static int
tree_mkdir(const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return mkdir(path, 0755) == 0 || errno == EEXIST ? 0 : -errno;
}

/* A sparse tmpfs file of bytes, mapped shared: pages cost memory once touched. */
static uint8_t *
tree_backing_file(const char *path, uint64_t bytes)
{
	void *base = MAP_FAILED;
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0)
		return NULL;
	if (ftruncate(fd, (off_t)bytes) == 0)
		base = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return base == MAP_FAILED ? NULL : base;
}

/* modalias: "vmbus:" and the class GUID's raw bytes (first three groups little-endian). */
static void
tree_modalias(const char *guid, char out[33])
{
	static const unsigned char order[16][2] = {
		{6, 7}, {4, 5}, {2, 3}, {0, 1}, {11, 12}, {9, 10}, {16, 17}, {14, 15},
		{19, 20}, {21, 22}, {24, 25}, {26, 27}, {28, 29}, {30, 31}, {32, 33}, {34, 35},
	};

	for (unsigned int i = 0; i < 16; i++) {
		out[2 * i] = guid[order[i][0]];
		out[2 * i + 1] = guid[order[i][1]];
	}
	out[32] = '\0';
}

static int
tree_device_attrs(const struct hvsim_device *dev, const struct hvsim_channel *primary,
		  const char *ddir)
{
	char alias[33];
	int ret = 0;

	tree_modalias(dev->class_guid, alias);
	ret |= tree_attr(ddir, "class_id", "{%s}\n", dev->class_guid);
	ret |= tree_attr(ddir, "device_id", "{%s}\n", dev->uuid);
	ret |= tree_attr(ddir, "id", "%u\n", primary->relid);
	if (primary->monitor_id != VMBUS_MONITOR_ID_NONE)
		ret |= tree_attr(ddir, "monitor_id", "%u\n", primary->monitor_id);
	ret |= tree_attr(ddir, "numa_node", "0\n");
	ret |= tree_attr(ddir, "vendor", "0x1414\n");
	ret |= tree_attr(ddir, "device", "0x%x\n",
			 dev->kind == HVSIM_DEV_NIC ? TREE_HV_NIC_TYPE : TREE_HV_UNKNOWN_TYPE);
	ret |= tree_attr(ddir, "modalias", "vmbus:%s\n", alias);
	ret |= tree_attr(ddir, "state", "%d\n", TREE_STATE_OFFERED);
	return ret != 0 ? -EIO : 0;
}

/* <run>/maps/uioN/mapK: the names the preload derives from an mmap offset. */
static int
tree_device_maps(const struct hvsim *sim, struct hvsim_device *dev)
{
	char mdir[PATH_MAX], path[PATH_MAX + 16], shared[PATH_MAX];

	tree_pathf(mdir, sizeof(mdir), "%s/%s/uio%u", sim->run_dir, UIO_PROTO_MAPS_DIR,
		 dev->uio_index);
	if (mkdir(mdir, 0755) != 0)
		return -errno;
	for (unsigned int k = 0; k < device_nb_maps(dev); k++) {
		tree_pathf(path, sizeof(path), "%s/map%u", mdir, k);
		if (k == HVSIM_MAP_INT_PAGE || k == HVSIM_MAP_MONITOR_PAGE) {
			tree_pathf(shared, sizeof(shared), "%s/%s/%s", sim->run_dir,
				 UIO_PROTO_MAPS_DIR, dev->map_name[k]);
			if (link(shared, path) != 0)
				return -errno;
			dev->map_base[k] = k == HVSIM_MAP_INT_PAGE ? tree_int_page
								   : tree_monitor_page;
			continue;
		}
		dev->map_base[k] = tree_backing_file(path, dev->map_bytes[k]);
		if (dev->map_base[k] == NULL)
			return -errno;
	}
	return 0;
}

static int
tree_device_uio(const struct hvsim_device *dev, const char *ddir)
{
	char udir[PATH_MAX], kdir[PATH_MAX + 16];
	int ret = 0;

	tree_pathf(udir, sizeof(udir), "%s/uio/uio%u", ddir, dev->uio_index);
	tree_pathf(kdir, sizeof(kdir), "%s/device", udir);
	if (tree_mkdir("%s/uio", ddir) != 0 || tree_mkdir("%s", udir) != 0 ||
	    tree_mkdir("%s/maps", udir) != 0 || symlink("../..", kdir) != 0)
		return -EIO;
	ret |= tree_attr(udir, "name", "%s\n", TREE_DRIVER_NAME);
	ret |= tree_attr(udir, "version", "%s\n", TREE_UIO_VERSION);
	ret |= tree_attr(udir, "event", "0\n");
	ret |= tree_attr(udir, "dev", "240:%u\n", dev->uio_index);
	for (unsigned int k = 0; k < device_nb_maps(dev); k++) {
		tree_pathf(kdir, sizeof(kdir), "%s/maps/map%u", udir, k);
		if (tree_mkdir("%s", kdir) != 0)
			return -EIO;
		ret |= tree_attr(kdir, "name", "%s\n", dev->map_name[k]);
		ret |= tree_attr(kdir, "size", "0x%016llx\n",
				 (unsigned long long)dev->map_bytes[k]);
		ret |= tree_attr(kdir, "addr", "0x%016llx\n",
				 0xffff888000000000ull + ((unsigned long long)k << 32));
		ret |= tree_attr(kdir, "offset", "0x0\n");
	}
	return ret != 0 ? -EIO : 0;
}

/* Relative links only: an absolute one would lead the guest out to the real /sys. */
static int
tree_device_links(const struct hvsim *sim, const struct hvsim_device *dev, const char *ddir)
{
	char path[PATH_MAX], target[128];

	tree_pathf(path, sizeof(path), "%s/driver", ddir);
	if (symlink("../../drivers/" TREE_DRIVER_NAME, path) != 0)
		return -errno;
	tree_pathf(path, sizeof(path), "%s/sys/class/uio/uio%u", sim->run_dir, dev->uio_index);
	tree_pathf(target, sizeof(target), "../../bus/vmbus/devices/%s/uio/uio%u", dev->uuid,
		 dev->uio_index);
	return symlink(target, path) == 0 ? 0 : -errno;
}

/* The primary's channels/<relid>/ring is map 0 under another name: a hard link. */
static int
tree_primary_channel(const struct hvsim *sim, struct hvsim_device *dev, const char *ddir)
{
	struct hvsim_channel *ch = &dev->chan[0];
	char cdir[PATH_MAX], map0[PATH_MAX];
	int ret = 0;

	tree_pathf(cdir, sizeof(cdir), "%s/channels/%u", ddir, ch->relid);
	if (tree_mkdir("%s/channels", ddir) != 0 || tree_mkdir("%s", cdir) != 0)
		return -EIO;
	ret |= tree_attr(cdir, "subchannel_id", "0\n");
	if (ch->monitor_id != VMBUS_MONITOR_ID_NONE)
		ret |= tree_attr(cdir, "monitor_id", "%u\n", ch->monitor_id);
	tree_pathf(map0, sizeof(map0), "%s/%s/uio%u/map0", sim->run_dir, UIO_PROTO_MAPS_DIR,
		 dev->uio_index);
	tree_pathf(ch->ring_path, sizeof(ch->ring_path), "%s/ring", cdir);
	if (ret != 0 || link(map0, ch->ring_path) != 0)
		return -EIO;
	ch->ring_base = dev->map_base[HVSIM_MAP_RINGS];
	ch->ring_bytes = dev->map_bytes[HVSIM_MAP_RINGS];
	return 0;
}

static int
tree_add_device(const struct hvsim *sim, struct hvsim_device *dev)
{
	char ddir[PATH_MAX];
	int ret;

	tree_pathf(ddir, sizeof(ddir), "%s/" TREE_DEVICES_DIR "/%s", sim->run_dir, dev->uuid);
	ret = tree_mkdir("%s", ddir);
	if (ret == 0)
		ret = tree_device_attrs(dev, &dev->chan[0], ddir);
	if (ret == 0)
		ret = tree_device_maps(sim, dev);
	if (ret == 0)
		ret = tree_device_uio(dev, ddir);
	if (ret == 0)
		ret = tree_device_links(sim, dev, ddir);
	if (ret == 0)
		ret = tree_primary_channel(sim, dev, ddir);
	return ret;
}

static int
tree_skeleton(const struct hvsim *sim)
{
	static const char *const dirs[] = {
		"sys", "sys/bus", "sys/bus/vmbus", TREE_DEVICES_DIR, "sys/bus/vmbus/drivers",
		("sys/bus/vmbus/drivers/" TREE_DRIVER_NAME), "sys/class", "sys/class/uio",
		"dev", UIO_PROTO_MAPS_DIR,
	};
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (tree_mkdir("%s/%s", sim->run_dir, dirs[i]) != 0)
			return -EIO;
	tree_pathf(path, sizeof(path), "%s/%s/int_page", sim->run_dir, UIO_PROTO_MAPS_DIR);
	tree_int_page = tree_backing_file(path, VMBUS_PAGE_BYTES);
	tree_pathf(path, sizeof(path), "%s/%s/monitor_page", sim->run_dir, UIO_PROTO_MAPS_DIR);
	tree_monitor_page = tree_backing_file(path, VMBUS_PAGE_BYTES);
	return tree_int_page != NULL && tree_monitor_page != NULL ? 0 : -ENOMEM;
}

int
sysfs_tree_create(struct hvsim *sim)
{
	int ret = tree_skeleton(sim);

	for (unsigned int d = 0; ret == 0 && d < sim->nb_devices; d++) {
		ret = tree_add_device(sim, &sim->dev[d]);
		if (ret != 0)
			fprintf(stderr, "hvsim: sysfs tree of %s: %s\n", sim->dev[d].uuid,
				strerror(-ret));
	}
	return ret;
}

void
sysfs_tree_set_state(const struct hvsim *sim, const struct hvsim_device *dev, bool opened)
{
	char ddir[PATH_MAX];

	tree_pathf(ddir, sizeof(ddir), "%s/" TREE_DEVICES_DIR "/%s", sim->run_dir, dev->uuid);
	tree_attr(ddir, "state", "%d\n", opened ? TREE_STATE_OPENED : TREE_STATE_OFFERED);
}

static void
tree_channel_dir(const struct hvsim *sim, const struct hvsim_channel *ch, char *buf, size_t n)
{
	tree_pathf(buf, n, "%s/" TREE_DEVICES_DIR "/%s/channels/%u", sim->run_dir, ch->dev->uuid,
		 ch->relid);
}

/*
 * A subchannel's directory and ids, and its ring mapped under a temporary name:
 * the guest treats a channel directory without ring as not offered yet.
 */
int
sysfs_tree_subchannel_prepare(struct hvsim *sim, struct hvsim_channel *ch)
{
	char cdir[PATH_MAX], tmp[PATH_MAX + 16];
	int ret = 0;

	tree_channel_dir(sim, ch, cdir, sizeof(cdir));
	if (tree_mkdir("%s", cdir) != 0)
		return -EIO;
	ret |= tree_attr(cdir, "subchannel_id", "%u\n", ch->subchannel_id);
	if (ch->monitor_id != VMBUS_MONITOR_ID_NONE)
		ret |= tree_attr(cdir, "monitor_id", "%u\n", ch->monitor_id);
	tree_pathf(tmp, sizeof(tmp), "%s/.ring.tmp", cdir);
	tree_pathf(ch->ring_path, sizeof(ch->ring_path), "%s/ring", cdir);
	ch->ring_base = ret == 0 ? tree_backing_file(tmp, ch->ring_bytes) : NULL;
	return ch->ring_base != NULL ? 0 : -EIO;
}

/* rename() makes the ring appear whole, after its headers were reset. */
int
sysfs_tree_subchannel_publish(struct hvsim *sim, struct hvsim_channel *ch)
{
	char cdir[PATH_MAX], tmp[PATH_MAX + 16];

	tree_channel_dir(sim, ch, cdir, sizeof(cdir));
	tree_pathf(tmp, sizeof(tmp), "%s/.ring.tmp", cdir);
	return rename(tmp, ch->ring_path) == 0 ? 0 : -errno;
}

void
sysfs_tree_subchannel_remove(struct hvsim *sim, struct hvsim_channel *ch)
{
	static const char *const names[] = { "ring", ".ring.tmp", "subchannel_id", "monitor_id" };
	char cdir[PATH_MAX], path[PATH_MAX + 16];

	if (ch->ring_base != NULL)
		munmap(ch->ring_base, ch->ring_bytes);
	ch->ring_base = NULL;
	tree_channel_dir(sim, ch, cdir, sizeof(cdir));
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		tree_pathf(path, sizeof(path), "%s/%s", cdir, names[i]);
		unlink(path);
	}
	rmdir(cdir);
	ch->ring_path[0] = '\0';
}

static int
tree_remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	remove(path);
	return 0;
}

/* Rescind: the device directory and its uio class link go; the map files stay mapped. */
void
sysfs_tree_remove_device(struct hvsim *sim, const struct hvsim_device *dev)
{
	char path[PATH_MAX];

	tree_pathf(path, sizeof(path), "%s/sys/class/uio/uio%u", sim->run_dir, dev->uio_index);
	unlink(path);
	tree_pathf(path, sizeof(path), "%s/" TREE_DEVICES_DIR "/%s", sim->run_dir, dev->uuid);
	nftw(path, tree_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void
sysfs_tree_destroy(struct hvsim *sim)
{
	for (unsigned int d = 0; d < sim->nb_devices; d++) {
		struct hvsim_device *dev = &sim->dev[d];

		for (unsigned int c = 1; c < HVSIM_MAX_CHANNELS; c++)
			if (dev->chan[c].ring_base != NULL)
				munmap(dev->chan[c].ring_base, dev->chan[c].ring_bytes);
		for (unsigned int k = 0; k < HVSIM_NB_MAPS; k++)
			if (dev->map_base[k] != NULL && k != HVSIM_MAP_INT_PAGE &&
			    k != HVSIM_MAP_MONITOR_PAGE)
				munmap(dev->map_base[k], dev->map_bytes[k]);
		memset(dev->map_base, 0, sizeof(dev->map_base));
	}
	if (tree_int_page != NULL)
		munmap(tree_int_page, VMBUS_PAGE_BYTES);
	if (tree_monitor_page != NULL)
		munmap(tree_monitor_page, VMBUS_PAGE_BYTES);
	tree_int_page = tree_monitor_page = NULL;
	if (sim->run_dir[0] != '\0')
		nftw(sim->run_dir, tree_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
