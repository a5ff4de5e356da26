/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the preload library (uio_shim*.c) and hvsim's kernel layer agree on:
 * run-directory names, the /dev/uioN socket messages and the control-socket
 * messages that register guest memory. Facts only; no logic.
 */
#ifndef UIO_PROTO_H
#define UIO_PROTO_H

#include <assert.h>
#include <stdint.h>

#define UIO_PROTO_ENV_RUN_DIR	"HVSIM_RUN_DIR"
#define UIO_PROTO_CTL_SOCK	"hvsim.sock"	/* SOCK_SEQPACKET, in the run dir */
#define UIO_PROTO_DEV_PREFIX	"/dev/uio"	/* <run>/dev/uioN: SOCK_STREAM */
#define UIO_PROTO_MAPS_DIR	"maps"		/* <run>/maps/uioN/mapK: map K's backing file */
#define UIO_PROTO_MAP_PAGE	4096u		/* mmap offset K * this selects map K */
#define UIO_PROTO_HELLO_MS	5000		/* open() gives up on hvsim after this */

/*
 * /dev/uioN socket: hvsim sends a 4-byte event count on every interrupt, and
 * one (the hello) once the channel is open. A guest write() of an irqcontrol
 * value (non-zero enable, 0 disable) goes over the control socket instead,
 * because the kernel applies it before write() returns and so must hvsim.
 */
typedef uint32_t uio_proto_count_t;

enum uio_proto_ctl_type {
	UIO_PROTO_CTL_IOVA_MODE = 1,	/* iova_mode; sent before each /dev/uioN connect */
	UIO_PROTO_CTL_MEM_MAP = 2,	/* va, len, offset; the mapped fd in SCM_RIGHTS */
	UIO_PROTO_CTL_MEM_UNMAP = 3,	/* va, len: the guest unmapped or replaced it */
	UIO_PROTO_CTL_IRQCONTROL = 4,	/* offset: uio index, len: value written */
};

/* DPDK's enum rte_iova_mode values, as rte_eal_iova_mode() returns them. */
#define UIO_PROTO_IOVA_UNKNOWN	0
#define UIO_PROTO_IOVA_PA	1
#define UIO_PROTO_IOVA_VA	2

/* One control message; hvsim answers each with a 1-byte status (0 = done). */
struct uio_proto_ctl_msg {
	uint32_t type;			/* enum uio_proto_ctl_type */
	uint32_t iova_mode;
	uint64_t va;
	uint64_t len;
	uint64_t offset;		/* file offset of va in the passed fd */
};
static_assert(sizeof(struct uio_proto_ctl_msg) == 32, "ctl msg");

#endif /* UIO_PROTO_H */
