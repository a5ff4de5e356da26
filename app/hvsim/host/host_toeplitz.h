/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Table-driven Toeplitz (host_toeplitz.c): per key, the hash of each byte
 * value at each input position. host_toeplitz() (host_offload.h) uses a
 * small cache of these; the bit-serial form stays as the tables' reference.
 */
#ifndef HOST_TOEPLITZ_H
#define HOST_TOEPLITZ_H

#include <stdint.h>

#define HOST_TOEPLITZ_KEY_MAX     40	/* NDIS RSS key (rndis.md 5.7) */
#define HOST_TOEPLITZ_INPUT_MAX   36	/* IPv6 addresses + ports */
#define HOST_TOEPLITZ_CACHED_KEYS 8
#define HOST_TOEPLITZ_EVICT_MISSES 1024

struct host_toeplitz_table {
	uint8_t key[HOST_TOEPLITZ_KEY_MAX];
	uint32_t key_len;
	uint32_t byte_hash[HOST_TOEPLITZ_INPUT_MAX][256];
};

/* The definition: for each set input bit, XOR the 32 key bits at its position. */
uint32_t host_toeplitz_bitwise(const uint8_t *key, uint32_t key_len, const uint8_t *in,
			       uint32_t len);
/* Tables for KEY (at most HOST_TOEPLITZ_KEY_MAX bytes are kept for matching). */
void host_toeplitz_table_build(struct host_toeplitz_table *t, const uint8_t *key,
			       uint32_t key_len);
/* LEN at most HOST_TOEPLITZ_INPUT_MAX. */
uint32_t host_toeplitz_table_hash(const struct host_toeplitz_table *t, const uint8_t *in,
				  uint32_t len);

#endif
