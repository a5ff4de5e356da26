/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Offloads the host applies to frames the guest sends (rndis.md 6.1):
 * checksum fill-in, LSOv2 segmentation, 802.1Q insertion; and the Toeplitz
 * hash for frames it delivers (host_toeplitz.c). Pure byte work, no state.
 */
#ifndef HOST_OFFLOAD_H
#define HOST_OFFLOAD_H

#include <stdbool.h>
#include <stdint.h>

#define HOST_ETHER_HDR_BYTES	14u
#define HOST_VLAN_TAG_BYTES	4u
#define HOST_ETHERTYPE_IPV4	0x0800u
#define HOST_ETHERTYPE_IPV6	0x86ddu
#define HOST_ETHERTYPE_VLAN	0x8100u
#define HOST_IPPROTO_TCP	6u
#define HOST_IPPROTO_UDP	17u

/* Where a frame's IP header starts and which version it is. */
struct host_l3 {
	uint32_t off;			/* 14, or 18 behind one 802.1Q tag */
	bool ipv6;
	bool ip;			/* false: neither IPv4 nor IPv6 (or too short) */
};

/* Ones'-complement sum of len bytes as big-endian 16-bit words, added to sum. */
uint32_t host_csum_add(uint32_t sum, const uint8_t *p, uint32_t len);
/* The checksum field value for a running sum: folded and complemented. */
uint16_t host_csum_fold(uint32_t sum);
/*
 * host_csum_fold(host_csum_add(0, ip, ihl)) of an IPv4 header (ihl bytes:
 * 20 or more, whole 32-bit words) summed a word at a time: 0 when the
 * header and its checksum agree; the field's value when the field is 0.
 */
uint16_t host_ipv4_hdr_csum(const uint8_t *ip, uint32_t ihl);

/* The L3 header of frame (len bytes): IPv4 with a whole header, or IPv6's 40 bytes. */
struct host_l3 host_l3_parse(const uint8_t *frame, uint32_t len);

/*
 * Fill in the checksums req (checksum PPI word) asks for, in place.
 * 1: filled, 0: req asks for none, -1: impossible.
 */
int host_offload_csum(uint8_t *frame, uint32_t len, uint32_t req);

typedef void (*host_emit_fn)(void *arg, const uint8_t *frame, uint32_t len);
/*
 * LSOv2 (word: the LSO PPI): cut the TCP payload into MSS-sized segments in
 * seg (seg_cap bytes), each with lengths, IPv4 id, TCP seq/flags and checksums
 * fixed, and emit each. Everything is checked before the first emit.
 * Returns segments emitted, -1: not LSO v2 or headers unusable, -2: a segment
 * exceeds seg_cap.
 */
int host_offload_lso(const uint8_t *frame, uint32_t len, uint32_t word, uint8_t *seg,
		     uint32_t seg_cap, host_emit_fn emit, void *arg);

/* frame with an 802.1Q tag of tci after the MAC addresses, into out (len + 4). */
uint32_t host_offload_vlan_insert(const uint8_t *frame, uint32_t len, uint16_t tci,
				  uint8_t *out);

/* rndis.md 5.7: Toeplitz hash of len input bytes with key (key_len bytes). */
uint32_t host_toeplitz(const uint8_t *key, uint32_t key_len, const uint8_t *in, uint32_t len);

#endif /* HOST_OFFLOAD_H */
