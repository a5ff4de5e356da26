/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Scan tests of vmbus_sysfs.c on fake sysfs trees written here: a well-formed
 * NIC and echo device, then one defect at a time, each refused with a reason.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_harness.h"
#include "vmbus_sysfs.h"
#include "vmbus_wire.h"

#define NIC "5e1ec7ed-0000-4000-8000-000000000000"
#define NIC_CLASS "f8615163-df3e-46c5-913f-f2d2f965ed0e"

static char root[200];

static void
put(const char *text, const char *fmt, ...)
{
	char path[PATH_MAX], cmd[PATH_MAX + 16];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "%s", path);
	*strrchr(cmd, '/') = '\0';
	for (char *p = cmd + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(cmd, 0755);
			*p = '/';
		}
	mkdir(cmd, 0755);
	f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		exit(2);
	}
	fputs(text, f);
	fclose(f);
}

static void
drop(const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	unlink(path);
}

static void
put_map(const char *dev, unsigned int k, const char *name, const char *size)
{
	put(name, "%s/%s/uio/uio3/maps/map%u/name", root, dev, k);
	put(size, "%s/%s/uio/uio3/maps/map%u/size", root, dev, k);
}

/* A NIC as a 6.1 kernel shows it (spec/uio-hv-generic.md 2, 3). */
static void
make_nic(const char *dev)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf %s/%s", root, dev);
	if (system(cmd) != 0)
		exit(2);
	put("{" NIC_CLASS "}\n", "%s/%s/class_id", root, dev);
	put("{5e1ec7ed-0000-4000-8000-000000000000}\n", "%s/%s/device_id", root, dev);
	put("14\n", "%s/%s/id", root, dev);
	put("3\n", "%s/%s/monitor_id", root, dev);
	put("0\n", "%s/%s/numa_node", root, dev);
	put_map(dev, 0, "txrx_rings\n", "0x0000000000400000\n");
	put_map(dev, 1, "int_page\n", "0x0000000000001000\n");
	put_map(dev, 2, "monitor_page\n", "0x0000000000001000\n");
	put_map(dev, 3, "recv:925231\n", "0x0000000001f00000\n");
	put_map(dev, 4, "send:925232\n", "0x0000000001000000\n");
}

static bool
is_nic(const uint8_t class_id[16])
{
	uint8_t nic[16];

	vmbus_sysfs_parse_guid(NIC_CLASS, nic);
	return memcmp(class_id, nic, 16) == 0;
}

static enum vmbus_sysfs_verdict
scan(const char *dev, struct vmbus_sysfs_device *out, char *why)
{
	return vmbus_sysfs_read_device(root, dev, is_nic, out, why);
}

static void
test_wellformed_nic_is_read(void)
{
	struct vmbus_sysfs_device d;
	char why[VMBUS_SYSFS_WHY_BYTES];

	make_nic(NIC);
	EXPECT_EQ(scan(NIC, &d, why), VMBUS_SYSFS_OK);
	EXPECT_EQ(d.relid, 14);
	EXPECT_EQ(d.monitor_id, 3);
	EXPECT_EQ(d.uio_num, 3);
	EXPECT_EQ(d.numa_node, 0);
	EXPECT_EQ(d.nb_maps, 5);
	EXPECT_EQ(d.map[0].bytes, 4 << 20);
	EXPECT_EQ(d.map[3].bytes, 31 << 20);
	EXPECT_EQ(d.map[3].gpadl, 925231);
	EXPECT_EQ(d.map[4].gpadl, 925232);
	EXPECT_EQ(d.class_id[0], 0xf8);		/* text order: f8615163-... */
	EXPECT_EQ(d.class_id[15], 0x0e);
	EXPECT_EQ(d.device_id[0], 0x5e);
}

static void
test_device_without_monitor_has_none(void)
{
	struct vmbus_sysfs_device d;
	char why[VMBUS_SYSFS_WHY_BYTES];

	make_nic(NIC);
	drop("%s/%s/monitor_id", root, NIC);
	EXPECT_EQ(scan(NIC, &d, why), VMBUS_SYSFS_OK);
	EXPECT_EQ(d.monitor_id, VMBUS_MONITOR_ID_NONE);
}

static void
test_other_class_needs_three_maps(void)
{
	struct vmbus_sysfs_device d;
	char why[VMBUS_SYSFS_WHY_BYTES];

	make_nic(NIC);
	put("{9c0d3a42-7b1e-4f6d-a5c8-2e9f1b7d4c60}\n", "%s/%s/class_id", root, NIC);
	drop("%s/%s/uio/uio3/maps/map3/name", root, NIC);
	EXPECT_EQ(scan(NIC, &d, why), VMBUS_SYSFS_OK);
	EXPECT_EQ(d.nb_maps, 3);
}

static void
test_not_bound_to_uio_is_not_ours(void)
{
	struct vmbus_sysfs_device d;
	char why[VMBUS_SYSFS_WHY_BYTES], cmd[512];

	make_nic(NIC);
	snprintf(cmd, sizeof(cmd), "rm -rf %s/%s/uio", root, NIC);
	EXPECT_EQ(system(cmd), 0);
	EXPECT_EQ(scan(NIC, &d, why), VMBUS_SYSFS_NOT_UIO);
	EXPECT_TRUE(strstr(why, "uio") != NULL);
}

/* One defect per case: attribute, content, and a word the reason must name. */
struct defect {
	const char *file;	/* relative to the device dir */
	const char *content;	/* NULL: remove the file */
	const char *why_has;
};

static void
expect_malformed(const struct defect *df)
{
	struct vmbus_sysfs_device d;
	char why[VMBUS_SYSFS_WHY_BYTES], path[512];

	make_nic(NIC);
	snprintf(path, sizeof(path), "%s/%s/%s", root, NIC, df->file);
	if (df->content == NULL)
		unlink(path);
	else
		put(df->content, "%s", path);
	EXPECT_EQ(scan(NIC, &d, why), VMBUS_SYSFS_MALFORMED);
	if (strstr(why, df->why_has) == NULL) {
		test_failures++;
		fprintf(stderr, "  %s: reason '%s' does not name '%s'\n", df->file, why,
			df->why_has);
	}
}

static void
test_each_malformed_attribute_is_refused(void)
{
	static const struct defect defects[] = {
		{ "class_id", NULL, "class_id" },
		{ "class_id", "{f8615163-df3e-46c5-913f}\n", "class_id" },
		{ "class_id", "not-a-guid-at-all-but-36-chars-long!\n", "class_id" },
		{ "device_id", "{5e1ec7ed-0000-4000-8000-00000000000g}\n", "device_id" },
		{ "device_id", NULL, "device_id" },
		{ "id", NULL, "relid" },
		{ "id", "0\n", "relid" },
		{ "id", "14x\n", "relid" },
		{ "id", "99999999999\n", "relid" },
		{ "monitor_id", "128\n", "monitor_id" },
		{ "monitor_id", "-1\n", "monitor_id" },
		{ "uio/uio3/maps/map0/name", "rings\n", "map0" },
		{ "uio/uio3/maps/map0/size", "0x0\n", "map0" },
		{ "uio/uio3/maps/map0/size", "0x401000\n", "map0" },	/* odd halves */
		{ "uio/uio3/maps/map0/size", "0x1000\n", "map0" },	/* no data area */
		{ "uio/uio3/maps/map3/size", "0x80000000\n", "map3" },	/* 2 GiB */
		{ "uio/uio3/maps/map3/size", "0x1f00001\n", "map3" },	/* not pages */
		{ "uio/uio3/maps/map3/name", "recv:\n", "GPADL" },
		{ "uio/uio3/maps/map4/name", "send:0x1zz\n", "GPADL" },
		{ "uio/uio3/maps/map4/name", NULL, "map4" },
		{ "uio/uio3/maps/map2/size", "garbage\n", "map2" },
	};

	for (size_t i = 0; i < sizeof(defects) / sizeof(defects[0]); i++)
		expect_malformed(&defects[i]);
}

static void
test_guid_parser_takes_braces_and_case(void)
{
	uint8_t a[16], b[16];
	char text[37];

	EXPECT_EQ(vmbus_sysfs_parse_guid("{F8615163-DF3E-46C5-913F-F2D2F965ED0E}", a), 0);
	EXPECT_EQ(vmbus_sysfs_parse_guid(NIC_CLASS, b), 0);
	EXPECT_MEM_EQ(a, b, 16);
	vmbus_sysfs_format_guid(a, text);
	EXPECT_EQ(strcmp(text, NIC_CLASS), 0);
	EXPECT_EQ(vmbus_sysfs_parse_guid("{" NIC_CLASS, a), -EINVAL);
	EXPECT_EQ(vmbus_sysfs_parse_guid("f8615163df3e-46c5-913f-f2d2f965ed0e-", a), -EINVAL);
	EXPECT_EQ(vmbus_sysfs_parse_guid("", a), -EINVAL);
}

static void
make_channel(unsigned int relid, const char *sub_id, const char *monitor, bool ring)
{
	put(sub_id, "%s/%s/channels/%u/subchannel_id", root, NIC, relid);
	if (monitor != NULL)
		put(monitor, "%s/%s/channels/%u/monitor_id", root, NIC, relid);
	if (ring)
		put("", "%s/%s/channels/%u/ring", root, NIC, relid);
}

static void
test_subchannels_found_once_ready(void)
{
	char why[VMBUS_SYSFS_WHY_BYTES], ring[PATH_MAX];
	uint32_t known[2] = { 14 }, relid = 0;
	uint16_t sub = 0;
	uint8_t mon = 0;

	make_nic(NIC);
	EXPECT_FALSE(vmbus_sysfs_has_subchannels(root, NIC, 14));
	make_channel(14, "0\n", "3\n", true);			/* the primary */
	EXPECT_TRUE(vmbus_sysfs_has_subchannels(root, NIC, 14));
	make_channel(15, "1\n", "4\n", false);			/* offered, not open */
	EXPECT_EQ(vmbus_sysfs_find_subchannel(root, NIC, known, 1, &relid, &sub, &mon,
					      ring, sizeof(ring), why), -ENOENT);
	make_channel(15, "1\n", "4\n", true);
	EXPECT_EQ(vmbus_sysfs_find_subchannel(root, NIC, known, 1, &relid, &sub, &mon,
					      ring, sizeof(ring), why), 0);
	EXPECT_EQ(relid, 15);
	EXPECT_EQ(sub, 1);
	EXPECT_EQ(mon, 4);
	EXPECT_TRUE(strstr(ring, "/channels/15/ring") != NULL);
	known[1] = 15;
	EXPECT_EQ(vmbus_sysfs_find_subchannel(root, NIC, known, 2, &relid, &sub, &mon,
					      ring, sizeof(ring), why), -ENOENT);
	make_channel(16, "x\n", NULL, true);			/* malformed */
	EXPECT_EQ(vmbus_sysfs_find_subchannel(root, NIC, known, 2, &relid, &sub, &mon,
					      ring, sizeof(ring), why), -EINVAL);
	make_channel(16, "2\n", NULL, true);			/* no monitor */
	EXPECT_EQ(vmbus_sysfs_find_subchannel(root, NIC, known, 2, &relid, &sub, &mon,
					      ring, sizeof(ring), why), 0);
	EXPECT_EQ(mon, VMBUS_MONITOR_ID_NONE);
}

int
main(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(root, sizeof(root), "%s/vmbus-sysfs-test.%d",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	mkdir(root, 0755);
	RUN_TEST(test_wellformed_nic_is_read);
	RUN_TEST(test_device_without_monitor_has_none);
	RUN_TEST(test_other_class_needs_three_maps);
	RUN_TEST(test_not_bound_to_uio_is_not_ours);
	RUN_TEST(test_each_malformed_attribute_is_refused);
	RUN_TEST(test_guid_parser_takes_braces_and_case);
	RUN_TEST(test_subchannels_found_once_ready);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	if (system(cmd) != 0)
		return 2;
	TEST_EXIT();
}
