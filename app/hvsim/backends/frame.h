/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hvsim's test traffic format, shared by gen.c and sink.c: Ethernet (+802.1Q),
 * IPv4, UDP or TCP, a sequenced and CRC-checked payload; building, verifying,
 * the per-flow sequence tracker and a header/checksum check of foreign frames.
 */
#ifndef HVSIM_FRAME_H
#define HVSIM_FRAME_H

#include <stdbool.h>
#include <stdint.h>

#define FRAME_MAGIC		0x48565349u	/* "HVSI", big-endian on the wire */
#define FRAME_DST_PORT		5000u		/* UDP or TCP */
#define FRAME_SRC_PORT_BASE	1024u		/* source port = base + flow */
#define FRAME_MAX_FLOWS		1024u
#define FRAME_MIN_BYTES		64u		/* without FCS */
#define FRAME_MAX_BYTES		9018u		/* jumbo, without FCS */
#define FRAME_ETH_BYTES		14u
#define FRAME_VLAN_BYTES	4u
#define FRAME_IP_BYTES		20u
#define FRAME_UDP_BYTES		8u
#define FRAME_TCP_BYTES		20u		/* no options */
#define FRAME_HDR_BYTES		24u		/* magic, flow, seq, payload_len, crc */
/* Shortest frame carrying the test header (66, above the Ethernet minimum). */
#define FRAME_HEADERS_BYTES \
	(FRAME_ETH_BYTES + FRAME_IP_BYTES + FRAME_UDP_BYTES + FRAME_HDR_BYTES)
/* The same over TCP (78). */
#define FRAME_TCP_HEADERS_BYTES	(FRAME_HEADERS_BYTES - FRAME_UDP_BYTES + FRAME_TCP_BYTES)

/* One flow's frame, patched in place per sequence number (frame_template_fill). */
struct frame_template {
	uint8_t *buf;			/* len bytes, caller-owned */
	uint32_t len;
	uint32_t l3_off;		/* 14, or 18 with the tag inline */
	uint32_t flow;
	uint32_t l4_bytes;		/* FRAME_UDP_BYTES or FRAME_TCP_BYTES */
	uint32_t l4_sum_base;		/* pseudo header + constant L4 bytes, unfolded */
};

/* Pattern bytes of every seq (byte i = seq + i), with their CRC and sum by seq & 0xff. */
struct frame_pattern {
	uint8_t *bytes;			/* len + 256 bytes */
	uint32_t len;
	uint32_t crc[256];
	uint32_t sum[256];		/* ones'-complement sum, unfolded */
};

/* What a received frame is. */
enum frame_kind {
	FRAME_OURS_GOOD,
	FRAME_OURS_BAD_L4_CSUM,		/* ours, intact except the UDP or TCP checksum */
	FRAME_OURS_CORRUPT,		/* ours: bad CRC, length or IP checksum */
	FRAME_FOREIGN,			/* not in our format */
};

/* Per-flow sequence accounting of frames coming back. */
struct frame_flow_track {
	uint64_t next;			/* next expected seq */
	uint64_t seen;			/* bit k: seq next-1-k arrived */
};

struct frame_track {
	struct frame_flow_track flow[FRAME_MAX_FLOWS];
	uint64_t back, lost, reordered, dup;
};

uint32_t frame_crc32(const uint8_t *data, uint32_t len);
/* Ones'-complement 16-bit sum of data (big-endian words) added to sum, unfolded. */
uint32_t frame_csum_add(uint32_t sum, const uint8_t *data, uint32_t len);
uint16_t frame_csum_fold(uint32_t sum);

/*
 * Frame length for a requested size: FRAME_MIN_BYTES..FRAME_MAX_BYTES, raised
 * to fit the test header over UDP or TCP (and the inline tag); 0 if size is
 * out of range.
 */
uint32_t frame_len_for(uint32_t size, bool vlan_inline, bool tcp);

/*
 * Build the constant part of flow's frame for NIC nic_index; vlan < 0: no
 * inline tag. Ports: FRAME_SRC_PORT_BASE + flow -> FRAME_DST_PORT, over UDP,
 * or with tcp over TCP (PSH|ACK, no options, sequence number advancing by
 * the payload per frame).
 */
void frame_template_init(struct frame_template *t, uint8_t *buf, uint32_t len,
			 unsigned int nic_index, uint32_t flow, int vlan, bool tcp);
/* Give the template another IPv4 source address (header checksum and L4 base redone). */
void frame_template_set_src(struct frame_template *t, const uint8_t src[4]);
/* Patch seq, pattern, CRC and L4 checksum; bad_csum: a wrong (non-zero) L4 checksum. */
void frame_template_fill(struct frame_template *t, const struct frame_pattern *p,
			 uint64_t seq, bool bad_csum);
/* flow and seq where t's frames carry them, for a frame of t's length (nothing else checked). */
bool frame_template_ids(const struct frame_template *t, const uint8_t *frame, uint32_t len,
			uint32_t *flow, uint64_t *seq);
/*
 * Is frame (t's length) byte for byte from its Ethernet type on what
 * frame_template_fill made of t for seq and bad_csum? Ours and intact, then.
 */
bool frame_template_made(const struct frame_template *t, const struct frame_pattern *p,
			 const uint8_t *frame, uint64_t seq, bool bad_csum);
/* Patterns for frames of t's length: 0 or -ENOMEM. */
int frame_pattern_init(struct frame_pattern *p, const struct frame_template *t);
void frame_pattern_free(struct frame_pattern *p);

/* Classify a frame the guest sent; flow and seq set for every FRAME_OURS_*. */
enum frame_kind frame_verify(const uint8_t *data, uint32_t len, uint32_t *flow, uint64_t *seq);
/* The same, faster for frames of the sender's own pattern (known; other lengths: the CRC). */
enum frame_kind frame_verify_known(const uint8_t *data, uint32_t len,
				   const struct frame_pattern *known, uint32_t *flow, uint64_t *seq);
/* Foreign frame: IPv4 and its UDP/TCP headers sane, checksums right (non-IPv4: true). */
bool frame_foreign_ok(const uint8_t *data, uint32_t len);

/* Account for seq of flow arriving (flow < FRAME_MAX_FLOWS). */
void frame_track_seq(struct frame_track *tr, uint32_t flow, uint64_t seq);

#endif /* HVSIM_FRAME_H */
