/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VMBus wire facts only: ring header, channel packet descriptors, transfer-page
 * and GPA-direct packets, monitor and interrupt page layouts (spec/vmbus-ring.md).
 * No logic lives here; the guest ring (vmbus_ring.c) and any host end build on it.
 */
#ifndef VMBUS_WIRE_H
#define VMBUS_WIRE_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#define VMBUS_PAGE_BYTES		4096u	/* Hyper-V page, whatever the guest's */
#define VMBUS_RING_HDR_BYTES		4096u	/* data area starts one page in */

/* Ring header, first page of each ring half (spec/vmbus-ring.md 1.2). */
struct vmbus_ring_hdr {
	volatile uint32_t write_index;		/* producer: next byte to write */
	volatile uint32_t read_index;		/* consumer: next byte to read */
	volatile uint32_t interrupt_mask;	/* consumer: non-zero = do not signal */
	volatile uint32_t pending_send_bytes;	/* producer: wake me at this much room */
	uint32_t reserved1[12];
	uint32_t feature_bits;			/* VMBUS_RING_FEAT_* */
	uint8_t  reserved2[VMBUS_RING_HDR_BYTES - 68];
	uint8_t  data[];
};
static_assert(offsetof(struct vmbus_ring_hdr, interrupt_mask) == 8, "ring hdr");
static_assert(offsetof(struct vmbus_ring_hdr, pending_send_bytes) == 12, "ring hdr");
static_assert(offsetof(struct vmbus_ring_hdr, feature_bits) == 64, "ring hdr");
static_assert(offsetof(struct vmbus_ring_hdr, data) == VMBUS_RING_HDR_BYTES, "ring hdr");

#define VMBUS_RING_FEAT_PENDING_SEND	0x1u

/* Channel packet types (spec/vmbus-ring.md 2.2). */
#define VMBUS_CHANPKT_TYPE_INBAND	0x6
#define VMBUS_CHANPKT_TYPE_RXBUF	0x7	/* transfer pages, host -> guest */
#define VMBUS_CHANPKT_TYPE_GPA		0x9	/* GPA direct, guest -> host */
#define VMBUS_CHANPKT_TYPE_COMP		0xb

#define VMBUS_CHANPKT_FLAG_RC		0x1	/* completion requested */

#define VMBUS_CHANPKT_SIZE_SHIFT	3	/* lengths are in 8-byte units */
#define VMBUS_CHANPKT_ALIGN		8u
#define VMBUS_CHANPKT_TRAILER_BYTES	8u	/* u64: start index << 32 */

/* Every channel packet starts with this descriptor (spec 2.1). */
struct vmbus_chanpkt_hdr {
	uint16_t type;
	uint16_t data_offset8;		/* descriptor + extension, 8-byte units */
	uint16_t total_len8;		/* excluding the trailer, 8-byte units */
	uint16_t flags;
	uint64_t xact_id;
};
static_assert(sizeof(struct vmbus_chanpkt_hdr) == 16, "chanpkt hdr");

/* Transfer-page packet extension: ranges into the receive buffer (spec 2.4). */
struct vmbus_xfer_range {
	uint32_t byte_count;
	uint32_t byte_offset;		/* from the start of the receive buffer */
};
static_assert(sizeof(struct vmbus_xfer_range) == 8, "xfer range");

struct vmbus_chanpkt_rxbuf {
	struct vmbus_chanpkt_hdr hdr;
	uint16_t xfer_pageset_id;	/* the id the guest gave the receive buffer */
	uint16_t reserved;
	uint32_t range_count;
	struct vmbus_xfer_range range[];
};
static_assert(sizeof(struct vmbus_chanpkt_rxbuf) == 24, "rxbuf pkt");

/* GPA-direct packet extension, single-page entries (spec 2.5). */
struct vmbus_gpa_page {
	uint32_t byte_count;
	uint32_t byte_offset;		/* within the page, 0..4095 */
	uint64_t pfn;			/* guest-physical frame, 4 KiB units */
};
static_assert(sizeof(struct vmbus_gpa_page) == 16, "gpa page");

struct vmbus_chanpkt_gpa {
	struct vmbus_chanpkt_hdr hdr;
	uint32_t reserved;
	uint32_t range_count;
	/* then ranges: byte_count, byte_offset, pfn[k] each (general form) */
};
static_assert(sizeof(struct vmbus_chanpkt_gpa) == 24, "gpa pkt");

/* Monitor page (spec 5.1): the guest sets its bit in trigger_group[].pending. */
#define VMBUS_MONITOR_TRIGGER_GROUP_OFF	8u
#define VMBUS_MONITOR_GROUP_BYTES	8u
#define VMBUS_MONITOR_LATENCY_OFF	576u	/* u16[128], 100 ns units */
#define VMBUS_MONITOR_ID_MAX		127u
#define VMBUS_MONITOR_ID_NONE		0xffu

/* Interrupt page (spec 5.2): guest -> host half starts at 2048, bit = relid. */
#define VMBUS_INT_PAGE_SEND_OFF		2048u
/* A relid must have its bit in that half. */
#define VMBUS_RELID_MAX			((VMBUS_PAGE_BYTES - VMBUS_INT_PAGE_SEND_OFF) * 8u - 1u)

#endif /* VMBUS_WIRE_H */
