/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hvsim's kernel layer, private: the calls between its files (device model,
 * sysfs tree, channel lifecycle, uio sockets, guest memory) and the launcher.
 * The host side sees only hvsim.h.
 */
#ifndef HVSIM_KERNEL_H
#define HVSIM_KERNEL_H

#include <signal.h>
#include <stdio.h>
#include <time.h>

#include "hvsim.h"

#define KERNEL_LOG(sim, fmt, ...) do { \
	if ((sim)->verbose) \
		fprintf(stderr, "hvsim: " fmt "\n", ##__VA_ARGS__); \
} while (0)

/* device.c: what uio_hv_generic holds after probe: ids, relids, GPADLs, maps. */
struct hvsim_device *device_add(struct hvsim *sim, enum hvsim_dev_kind kind,
				const char *backend, bool has_monitor);
uint32_t device_alloc_relid(const struct hvsim *sim);
uint8_t device_alloc_monitor_id(const struct hvsim *sim);
unsigned int device_nb_maps(const struct hvsim_device *dev);

/* sysfs_tree.c: the files the guest sees under <run>, and their mappings. */
int sysfs_tree_create(struct hvsim *sim);
void sysfs_tree_destroy(struct hvsim *sim);
void sysfs_tree_set_state(const struct hvsim *sim, const struct hvsim_device *dev, bool opened);
int sysfs_tree_subchannel_prepare(struct hvsim *sim, struct hvsim_channel *ch);
int sysfs_tree_subchannel_publish(struct hvsim *sim, struct hvsim_channel *ch);
void sysfs_tree_subchannel_remove(struct hvsim *sim, struct hvsim_channel *ch);
void sysfs_tree_remove_device(struct hvsim *sim, const struct hvsim_device *dev);

/* channel.c: opening and closing channels, irqcontrol, doorbells. */
void channel_device_open(struct hvsim *sim, struct hvsim_device *dev);
void channel_device_close(struct hvsim *sim, struct hvsim_device *dev);
void channel_irqcontrol(struct hvsim *sim, struct hvsim_device *dev, uint32_t value);
unsigned int channel_scan_doorbells(struct hvsim *sim);

/* uio_server.c: the /dev/uioN sockets and the control socket. */
int uio_server_start(struct hvsim *sim);
int uio_server_wait(struct hvsim *sim, const struct timespec *timeout, const sigset_t *sigmask);
void uio_server_notify(struct hvsim *sim, struct hvsim_device *dev);
void uio_server_stop(struct hvsim *sim);
void uio_server_rescind(struct hvsim *sim, struct hvsim_device *dev);

/* guest_mem.c: guest memory regions registered by the preload. */
int guest_mem_map(uint64_t owner, pid_t pid, int fd, uint64_t va, uint64_t len,
		  uint64_t offset);
void guest_mem_unmap(uint64_t owner, uint64_t va, uint64_t len);
void guest_mem_forget(uint64_t owner);
void guest_mem_destroy(void);

#endif /* HVSIM_KERNEL_H */
