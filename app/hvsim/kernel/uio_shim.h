/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals shared by the three files of libhvsim_uio.so: lazy lookup of the
 * next (libc) definition of an interposed call, the path redirection, and the
 * calls uio_shim.c hands to uio_shim_dev.c and uio_shim_mem.c.
 */
#ifndef UIO_SHIM_H
#define UIO_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The libc we wrap: resolved on first use, never by constructor order. */
void *shim_next(void **slot, const char *name);
#define SHIM_SLOT(fn)	static void *shim_slot_##fn
#define SHIM_NEXT(fn)	((__typeof__(&fn))shim_next(&shim_slot_##fn, #fn))

/* The run directory, or NULL when HVSIM_RUN_DIR is unset (pure pass-through). */
const char *shim_run_dir(void);

/*
 * Path to use for path: path itself, or buf holding its run-directory twin.
 * *uio_index is set to N for /dev/uioN, else -1. NULL (errno set) if too long.
 */
const char *shim_path(const char *path, char *buf, size_t size, int *uio_index);

/* uio_shim_dev.c: the emulated /dev/uioN fds. */
int shim_dev_open(const char *run_path, int flags, int uio_index);
int shim_dev_index(int fd);		/* N for an emulated fd, else -1 */
void shim_dev_fake_stat(void *stat_buf, int uio_index);

/* uio_shim_mem.c: guest memory and IOVA mode reported to hvsim. */
/* uio_map: a /dev/uioN map (rings, buffers), guest memory on Hyper-V too. */
void shim_mem_mapped(void *va, size_t len, int flags, int fd, off_t offset, bool uio_map);
void shim_mem_unmapped(void *va, size_t len);
void shim_mem_send_iova_mode(void);
/* write() on /dev/uioN: applied by hvsim before this returns; 0 or -1. */
int shim_ctl_irqcontrol(int uio_index, uint32_t value);

#endif /* UIO_SHIM_H */
