/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sysfs scan of one VMBus device into a struct vmbus_sysfs_device: identity,
 * monitor, NUMA node, uio number and maps; subchannel discovery. Every value
 * is checked here; vmbus_bus.c only logs the reasons and skips.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmbus_sysfs.h"
#include "vmbus_wire.h"

/* Largest map we accept: the kernel's buffers are 31 and 16 MiB. */
#define VMBUS_MAP_MAX_BYTES	(1ull << 30)

/* snprintf for paths, without the compiler's truncation noise: callers
 * check the result through the file operation that follows. */
static void __attribute__((format(printf, 3, 4)))
path_fmt(char *buf, size_t bytes, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(buf, bytes, fmt, ap) >= (int)bytes)
		buf[0] = '\0';		/* an empty path fails to open */
	va_end(ap);
}

static void __attribute__((format(printf, 2, 3)))
say(char why[VMBUS_SYSFS_WHY_BYTES], const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, VMBUS_SYSFS_WHY_BYTES, fmt, ap);
	va_end(ap);
}

/* Read a one-line attribute; strips the newline. -errno or the length. */
static int
read_line(const char *path, char *buf, size_t bytes)
{
	FILE *f = fopen(path, "r");
	size_t len;

	if (f == NULL)
		return -errno;
	if (fgets(buf, (int)bytes, f) == NULL) {
		fclose(f);
		return -EINVAL;
	}
	fclose(f);
	len = strcspn(buf, "\n");
	buf[len] = '\0';
	return (int)len;
}

/* Unsigned number, base auto-detected, nothing but the number on the line. */
static int
read_number(const char *path, uint64_t *out)
{
	char buf[64], *end;
	int len = read_line(path, buf, sizeof(buf));

	if (len < 0)
		return len;
	if (len == 0 || !isxdigit((unsigned char)buf[0]))
		return -EINVAL;
	errno = 0;
	*out = strtoull(buf, &end, 0);
	if (errno != 0 || *end != '\0')
		return -EINVAL;
	return 0;
}

int
vmbus_sysfs_parse_guid(const char *text, uint8_t out[16])
{
	static const int dash_at[] = { 8, 13, 18, 23 };
	size_t len = strlen(text);
	char hex[33];
	unsigned int n = 0;

	if (len == 38 && text[0] == '{' && text[37] == '}') {
		text++;
		len = 36;
	}
	if (len != 36)
		return -EINVAL;
	for (unsigned int i = 0, d = 0; i < 36; i++) {
		if (d < 4 && (int)i == dash_at[d]) {
			if (text[i] != '-')
				return -EINVAL;
			d++;
			continue;
		}
		if (!isxdigit((unsigned char)text[i]))
			return -EINVAL;
		hex[n++] = text[i];
	}
	hex[32] = '\0';
	for (unsigned int i = 0; i < 16; i++) {
		char byte[3] = { hex[2 * i], hex[2 * i + 1], '\0' };

		out[i] = (uint8_t)strtoul(byte, NULL, 16);
	}
	return 0;
}

void
vmbus_sysfs_format_guid(const uint8_t g[16], char out[37])
{
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7],
		 g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
}

static int
read_guid(const char *dir, const char *attr, uint8_t out[16], char why[])
{
	char path[PATH_MAX], buf[64];
	int ret;

	path_fmt(path, sizeof(path), "%s/%s", dir, attr);
	ret = read_line(path, buf, sizeof(buf));
	if (ret < 0) {
		say(why, "cannot read %s: %s", attr, strerror(-ret));
		return ret;
	}
	if (vmbus_sysfs_parse_guid(buf, out) < 0) {
		say(why, "%s is not a GUID: '%.40s'", attr, buf);
		return -EINVAL;
	}
	return 0;
}

/* The first entry of dir/uio named uio<digits> gives the uio number. */
static int
find_uio_num(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	int num = -1;
	DIR *d;

	path_fmt(path, sizeof(path), "%s/uio", dir);
	d = opendir(path);
	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		char *end;
		unsigned long n;

		if (strncmp(e->d_name, "uio", 3) != 0 || !isdigit((unsigned char)e->d_name[3]))
			continue;
		n = strtoul(e->d_name + 3, &end, 10);
		if (*end == '\0' && n < INT_MAX) {
			num = (int)n;
			break;
		}
	}
	closedir(d);
	return num;
}

/* Expected map names, by index; the buffer maps carry ":<gpadl>". */
static const char *const map_prefix[VMBUS_SYSFS_NB_MAPS] = {
	"txrx_rings", "int_page", "monitor_page", "recv:", "send:",
};

static bool
map_size_fits(unsigned int k, uint64_t bytes)
{
	if (bytes == 0 || bytes > VMBUS_MAP_MAX_BYTES || bytes % VMBUS_PAGE_BYTES != 0)
		return false;
	if (k == VMBUS_MAP_RINGS)	/* two halves, each a header page and data */
		return bytes % (2 * VMBUS_PAGE_BYTES) == 0 && bytes >= 4 * VMBUS_PAGE_BYTES;
	return true;
}

static int
read_map(const char *dir, unsigned int k, struct vmbus_sysfs_map *map, char why[])
{
	char path[PATH_MAX];
	const char *gpadl;
	char *end;
	int ret;

	path_fmt(path, sizeof(path), "%s/maps/map%u/name", dir, k);
	ret = read_line(path, map->name, sizeof(map->name));
	if (ret < 0) {
		say(why, "map%u has no name: %s", k, strerror(-ret));
		return -EINVAL;
	}
	if (strncmp(map->name, map_prefix[k], strlen(map_prefix[k])) != 0) {
		say(why, "map%u is '%.40s', expected %s", k, map->name, map_prefix[k]);
		return -EINVAL;
	}
	path_fmt(path, sizeof(path), "%s/maps/map%u/size", dir, k);
	if (read_number(path, &map->bytes) < 0 || !map_size_fits(k, map->bytes)) {
		say(why, "map%u (%s) has a size that does not fit", k, map->name);
		return -EINVAL;
	}
	if (k < VMBUS_MAP_RECV_BUF)
		return 0;
	gpadl = map->name + strlen(map_prefix[k]);
	errno = 0;
	map->gpadl = strtoull(gpadl, &end, 0);
	if (*gpadl == '\0' || *end != '\0' || errno != 0 || map->gpadl == 0 ||
	    map->gpadl > UINT32_MAX) {
		say(why, "map%u name '%.40s' has no valid GPADL", k, map->name);
		return -EINVAL;
	}
	return 0;
}

static int
read_maps(const char *dev_dir, struct vmbus_sysfs_device *dev, bool need_buffers, char why[])
{
	unsigned int want = need_buffers ? VMBUS_SYSFS_NB_MAPS : VMBUS_MAP_RECV_BUF;
	char uio_dir[PATH_MAX];

	path_fmt(uio_dir, sizeof(uio_dir), "%s/uio/uio%d", dev_dir, dev->uio_num);
	for (unsigned int k = 0; k < want; k++)
		if (read_map(uio_dir, k, &dev->map[k], why) < 0)
			return -EINVAL;
	dev->nb_maps = want;
	return 0;
}

static int
read_monitor_id(const char *dir, uint8_t *monitor_id, char why[])
{
	char path[PATH_MAX];
	uint64_t v;
	int ret;

	path_fmt(path, sizeof(path), "%s/monitor_id", dir);
	ret = read_number(path, &v);
	if (ret == -ENOENT) {		/* newer kernels hide it: no monitor */
		*monitor_id = VMBUS_MONITOR_ID_NONE;
		return 0;
	}
	if (ret < 0 || v > VMBUS_MONITOR_ID_MAX) {
		say(why, "monitor_id is unreadable or above %u", VMBUS_MONITOR_ID_MAX);
		return -EINVAL;
	}
	*monitor_id = (uint8_t)v;
	return 0;
}

static int
read_identity(const char *dir, struct vmbus_sysfs_device *dev, char why[])
{
	char path[PATH_MAX];
	uint64_t v;

	if (read_guid(dir, "device_id", dev->device_id, why) < 0)
		return -EINVAL;
	path_fmt(path, sizeof(path), "%s/id", dir);
	if (read_number(path, &v) < 0 || v == 0 || v > VMBUS_RELID_MAX) {
		say(why, "id (relid) is missing or invalid");
		return -EINVAL;
	}
	dev->relid = (uint32_t)v;
	if (read_monitor_id(dir, &dev->monitor_id, why) < 0)
		return -EINVAL;
	dev->numa_node = -1;
	path_fmt(path, sizeof(path), "%s/numa_node", dir);
	if (read_number(path, &v) == 0 && v < 1024)
		dev->numa_node = (int)v;
	return 0;
}

enum vmbus_sysfs_verdict
vmbus_sysfs_read_device(const char *devices_dir, const char *name,
			bool (*needs_buffers)(const uint8_t class_id[16]),
			struct vmbus_sysfs_device *dev, char why[VMBUS_SYSFS_WHY_BYTES])
{
	char dir[PATH_MAX];

	memset(dev, 0, sizeof(*dev));
	why[0] = '\0';
	if (strlen(name) >= sizeof(dev->name)) {
		say(why, "directory name too long");
		return VMBUS_SYSFS_MALFORMED;
	}
	snprintf(dev->name, sizeof(dev->name), "%s", name);
	path_fmt(dir, sizeof(dir), "%s/%s", devices_dir, name);
	dev->uio_num = find_uio_num(dir);
	if (dev->uio_num < 0) {
		say(why, "not bound to uio_hv_generic (no uio/uioN)");
		return VMBUS_SYSFS_NOT_UIO;
	}
	if (read_guid(dir, "class_id", dev->class_id, why) < 0 ||
	    read_identity(dir, dev, why) < 0 ||
	    read_maps(dir, dev, needs_buffers(dev->class_id), why) < 0)
		return VMBUS_SYSFS_MALFORMED;
	return VMBUS_SYSFS_OK;
}

bool
vmbus_sysfs_has_subchannels(const char *devices_dir, const char *name, uint32_t relid)
{
	char path[PATH_MAX];

	path_fmt(path, sizeof(path), "%s/%s/channels/%u/ring", devices_dir, name, relid);
	return access(path, R_OK | W_OK) == 0;
}

static bool
relid_known(uint32_t relid, const uint32_t *known, unsigned int nb_known)
{
	for (unsigned int i = 0; i < nb_known; i++)
		if (known[i] == relid)
			return true;
	return false;
}

/* Read one channels/<relid>/ entry; -ENOENT if it is not (yet) a subchannel. */
static int
read_subchannel(const char *chan_dir, uint16_t *subchannel_id, uint8_t *monitor_id,
		char why[])
{
	char path[PATH_MAX];
	uint64_t v;

	path_fmt(path, sizeof(path), "%s/ring", chan_dir);
	if (access(path, R_OK | W_OK) != 0)
		return -ENOENT;
	path_fmt(path, sizeof(path), "%s/subchannel_id", chan_dir);
	if (read_number(path, &v) < 0 || v > UINT16_MAX) {
		say(why, "%s: subchannel_id unreadable", chan_dir);
		return -EINVAL;
	}
	if (v == 0)
		return -ENOENT;		/* the primary */
	*subchannel_id = (uint16_t)v;
	return read_monitor_id(chan_dir, monitor_id, why);
}

int
vmbus_sysfs_find_subchannel(const char *devices_dir, const char *name,
			    const uint32_t *known, unsigned int nb_known,
			    uint32_t *relid, uint16_t *subchannel_id, uint8_t *monitor_id,
			    char ring_path[], size_t ring_path_bytes,
			    char why[VMBUS_SYSFS_WHY_BYTES])
{
	char dir[PATH_MAX], chan_dir[PATH_MAX + 16];
	struct dirent *e;
	int ret = -ENOENT;
	DIR *d;

	why[0] = '\0';
	path_fmt(dir, sizeof(dir), "%s/%s/channels", devices_dir, name);
	d = opendir(dir);
	if (d == NULL)
		return -ENOENT;
	while (ret == -ENOENT && (e = readdir(d)) != NULL) {
		char *end;
		unsigned long v = strtoul(e->d_name, &end, 10);

		if (!isdigit((unsigned char)e->d_name[0]) || *end != '\0' || v == 0 ||
		    v > VMBUS_RELID_MAX || relid_known((uint32_t)v, known, nb_known))
			continue;
		path_fmt(chan_dir, sizeof(chan_dir), "%s/%s", dir, e->d_name);
		ret = read_subchannel(chan_dir, subchannel_id, monitor_id, why);
		if (ret == 0) {
			*relid = (uint32_t)v;
			path_fmt(ring_path, ring_path_bytes, "%s/ring", chan_dir);
		}
	}
	closedir(d);
	return ret;
}
