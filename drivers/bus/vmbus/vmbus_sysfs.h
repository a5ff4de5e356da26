/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reading uio_hv_generic's sysfs view of VMBus devices into plain
 * descriptions (spec/uio-hv-generic.md 2-4). No other file reads sysfs;
 * no EAL here, so scan tests run on fake trees.
 */
#ifndef VMBUS_SYSFS_H
#define VMBUS_SYSFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VMBUS_SYSFS_DEVICES	"/sys/bus/vmbus/devices"
#define VMBUS_SYSFS_NB_MAPS	5
#define VMBUS_SYSFS_WHY_BYTES	160

/* uio map indexes of uio_hv_generic (spec/uio-hv-generic.md 3.2). */
enum vmbus_map {
	VMBUS_MAP_RINGS,
	VMBUS_MAP_INT_PAGE,
	VMBUS_MAP_MONITOR_PAGE,
	VMBUS_MAP_RECV_BUF,
	VMBUS_MAP_SEND_BUF,
};

struct vmbus_sysfs_map {
	char name[64];
	uint64_t bytes;
	uint64_t gpadl;			/* recv:/send: maps only */
};

struct vmbus_sysfs_device {
	char name[40];			/* directory name: the instance GUID */
	uint8_t class_id[16];		/* GUID bytes in text order */
	uint8_t device_id[16];
	uint32_t relid;
	uint8_t monitor_id;		/* VMBUS_MONITOR_ID_NONE without a monitor */
	int numa_node;			/* -1 when unknown */
	int uio_num;
	unsigned int nb_maps;
	struct vmbus_sysfs_map map[VMBUS_SYSFS_NB_MAPS];
};

/* Outcome of reading one device directory. */
enum vmbus_sysfs_verdict {
	VMBUS_SYSFS_OK,
	VMBUS_SYSFS_NOT_UIO,		/* not bound to uio_hv_generic: not ours */
	VMBUS_SYSFS_MALFORMED,		/* skip it, say why */
};

/*
 * Read devices_dir/name into *dev. needs_buffers: the class must have the
 * receive and send buffer maps (the synthetic NIC). On anything but OK, why
 * holds a one-line reason with the offending file and value.
 */
enum vmbus_sysfs_verdict vmbus_sysfs_read_device(const char *devices_dir, const char *name,
						 bool (*needs_buffers)(const uint8_t class_id[16]),
						 struct vmbus_sysfs_device *dev,
						 char why[VMBUS_SYSFS_WHY_BYTES]);

/* Parse a GUID text, braces optional, any case; 0 or -EINVAL. */
int vmbus_sysfs_parse_guid(const char *text, uint8_t out[16]);
/* Format a GUID lowercase without braces into 37 bytes. */
void vmbus_sysfs_format_guid(const uint8_t guid[16], char out[37]);

/*
 * Find an opened subchannel of the device not yet in known (nb_known relids):
 * channels/<relid>/ with a ring file and subchannel_id != 0. Returns 0 and
 * fills the outputs, -ENOENT when none is there (yet), -EINVAL when one is
 * malformed (why says which).
 */
int vmbus_sysfs_find_subchannel(const char *devices_dir, const char *name,
				const uint32_t *known, unsigned int nb_known,
				uint32_t *relid, uint16_t *subchannel_id, uint8_t *monitor_id,
				char ring_path[], size_t ring_path_bytes,
				char why[VMBUS_SYSFS_WHY_BYTES]);

/* True when channels/<relid>/ring exists for the primary: kernel has subchannels. */
bool vmbus_sysfs_has_subchannels(const char *devices_dir, const char *name, uint32_t relid);

#endif /* VMBUS_SYSFS_H */
