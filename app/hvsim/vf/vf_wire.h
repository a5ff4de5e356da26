/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VF stand-in's "PCI device": one shared-memory file per NIC in hvsim's
 * run directory (<run>/vf<N>), written by hvsim (host_vf.c) and the test
 * vdev net_hvsim_vf (hvsim_vf_pmd.c). Layout facts only; no logic.
 * Every ring is single-producer single-consumer; indexes only grow.
 */
#ifndef HVSIM_VF_WIRE_H
#define HVSIM_VF_WIRE_H

#include <assert.h>
#include <stdint.h>

#define VF_WIRE_FILE_FMT	"%s/vf%u"	/* run dir, NIC index */
#define VF_WIRE_MAGIC		0x46565648u	/* "HVVF" */
#define VF_WIRE_VERSION		1u
#define VF_WIRE_NB_QUEUES	4u		/* queue pairs a VF offers */
#define VF_WIRE_NB_SLOTS	1024u		/* per ring, a power of two */
#define VF_WIRE_SLOT_BYTES	2048u		/* length word + frame */
#define VF_WIRE_FRAME_MAX	(VF_WIRE_SLOT_BYTES - 8u)

/* The device's state, written by hvsim only. */
enum vf_wire_state {
	VF_WIRE_ABSENT = 0,		/* file being set up */
	VF_WIRE_PRESENT = 1,
	VF_WIRE_REMOVED = 2,		/* surprise-removed: the guest sees RMV */
};

struct vf_wire_slot {
	uint32_t len;
	uint32_t reserved;
	uint8_t data[VF_WIRE_FRAME_MAX];
};
static_assert(sizeof(struct vf_wire_slot) == VF_WIRE_SLOT_BYTES, "VF slot");

struct vf_wire_ring {
	uint32_t prod;			/* written by the producer only */
	uint8_t pad0[60];
	uint32_t cons;			/* written by the consumer only */
	uint8_t pad1[60];
	struct vf_wire_slot slot[VF_WIRE_NB_SLOTS];
};
static_assert(sizeof(struct vf_wire_ring) == 128 + VF_WIRE_NB_SLOTS * VF_WIRE_SLOT_BYTES,
	      "VF ring");

struct vf_wire_hdr {
	uint32_t magic;
	uint32_t version;
	uint32_t state;			/* enum vf_wire_state (hvsim) */
	uint32_t serial;		/* what NVSP 128 names (hvsim) */
	uint8_t mac[6];			/* the NIC's MAC (hvsim) */
	uint8_t pad0[2];
	uint32_t nb_queues;		/* VF_WIRE_NB_QUEUES (hvsim) */
	/* Written by the guest's VF driver at start; read by hvsim per frame. */
	uint32_t started;		/* 1 while the VF port is started */
	uint32_t nb_rxq;		/* rx queues frames are spread over */
	uint32_t rss_on;		/* 1: spread by Toeplitz over rss_key */
	uint8_t rss_key[40];
	uint8_t pad1[48];
	uint64_t rx_frames, rx_dropped;	/* host -> guest (hvsim) */
	uint64_t tx_frames;		/* guest -> host (hvsim) */
	uint8_t pad2[40];
};
static_assert(sizeof(struct vf_wire_hdr) == 192, "VF header");

/* rx[q]: hvsim -> guest; tx[q]: guest -> hvsim; right after the header. */
struct vf_wire {
	struct vf_wire_hdr hdr;
	struct vf_wire_ring rx[VF_WIRE_NB_QUEUES];
	struct vf_wire_ring tx[VF_WIRE_NB_QUEUES];
};

#endif /* HVSIM_VF_WIRE_H */
