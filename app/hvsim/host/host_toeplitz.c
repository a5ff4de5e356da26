/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Toeplitz hash RSS uses (rndis.md 5.7): for every set bit of the input,
 * XOR in the 32 key bits starting at that bit's position. Key bits past the
 * key's end count as 0. Which bytes are hashed is host_rx.c's.
 */
#include "host_offload.h"

/* Key bit number i (0: the most significant bit of key[0]). */
static uint32_t
toeplitz_key_bit(const uint8_t *key, uint32_t key_len, uint32_t i)
{
	if (i / 8 >= key_len)
		return 0;
	return (key[i / 8] >> (7 - i % 8)) & 1u;
}

uint32_t
host_toeplitz(const uint8_t *key, uint32_t key_len, const uint8_t *in, uint32_t len)
{
	uint32_t window = 0, hash = 0;

	for (uint32_t i = 0; i < 32; i++)
		window = window << 1 | toeplitz_key_bit(key, key_len, i);
	for (uint32_t i = 0; i < len; i++) {
		for (uint32_t b = 0; b < 8; b++) {
			if ((in[i] >> (7 - b)) & 1u)
				hash ^= window;
			window = window << 1 | toeplitz_key_bit(key, key_len, 32 + i * 8 + b);
		}
	}
	return hash;
}
