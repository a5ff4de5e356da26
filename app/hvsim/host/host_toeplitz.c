/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Toeplitz hash RSS uses (rndis.md 5.7): for every set bit of the input,
 * XOR in the 32 key bits starting at that bit's position. Key bits past the
 * key's end count as 0. Which bytes are hashed is host_rx.c's.
 *
 * The hash is linear in the input, so the contribution of byte value v at
 * input position p is fixed by the key: host_toeplitz_table.h tabulates it
 * per position and value, and a hash is one lookup and XOR per byte. The
 * tables of the few keys in use (one per guest, usually the same one) are
 * cached here and rebuilt when a guest sets a new key.
 */
#include <string.h>

#include "host_offload.h"
#include "host_toeplitz.h"

/* Key bit number i (0: the most significant bit of key[0]). */
static uint32_t
toeplitz_key_bit(const uint8_t *key, uint32_t key_len, uint32_t i)
{
	if (i / 8 >= key_len)
		return 0;
	return (key[i / 8] >> (7 - i % 8)) & 1u;
}

/* The 32 key bits starting at bit i. */
static uint32_t
toeplitz_window(const uint8_t *key, uint32_t key_len, uint32_t i)
{
	uint32_t window = 0;

	for (uint32_t b = 0; b < 32; b++)
		window = window << 1 | toeplitz_key_bit(key, key_len, i + b);
	return window;
}

uint32_t
host_toeplitz_bitwise(const uint8_t *key, uint32_t key_len, const uint8_t *in, uint32_t len)
{
	uint32_t window = toeplitz_window(key, key_len, 0), hash = 0;

	for (uint32_t i = 0; i < len; i++) {
		for (uint32_t b = 0; b < 8; b++) {
			if ((in[i] >> (7 - b)) & 1u)
				hash ^= window;
			window = window << 1 | toeplitz_key_bit(key, key_len, 32 + i * 8 + b);
		}
	}
	return hash;
}

void
host_toeplitz_table_build(struct host_toeplitz_table *t, const uint8_t *key, uint32_t key_len)
{
	uint32_t bit_window[8];

	t->key_len = key_len < HOST_TOEPLITZ_KEY_MAX ? key_len : HOST_TOEPLITZ_KEY_MAX;
	memset(t->key, 0, sizeof(t->key));
	memcpy(t->key, key, t->key_len);
	for (uint32_t p = 0; p < HOST_TOEPLITZ_INPUT_MAX; p++) {
		for (uint32_t b = 0; b < 8; b++)
			bit_window[b] = toeplitz_window(key, key_len, p * 8 + b);
		for (uint32_t v = 0; v < 256; v++) {
			uint32_t h = 0;

			for (uint32_t b = 0; b < 8; b++)
				if ((v >> (7 - b)) & 1u)
					h ^= bit_window[b];
			t->byte_hash[p][v] = h;
		}
	}
}

uint32_t
host_toeplitz_table_hash(const struct host_toeplitz_table *t, const uint8_t *in, uint32_t len)
{
	uint32_t hash = 0;

	for (uint32_t i = 0; i < len; i++)
		hash ^= t->byte_hash[i][in[i]];
	return hash;
}

/*
 * hvsim's host loop is one thread; a guest's key changes only on an RSS set.
 * With every slot taken, a new key evicts one only after it has missed
 * HOST_TOEPLITZ_EVICT_MISSES times (until then it is hashed bit by bit), so
 * more keys in turn than slots cannot make every hash rebuild a table.
 */
static struct host_toeplitz_table cache[HOST_TOEPLITZ_CACHED_KEYS];
static uint32_t cache_used, cache_next, misses_since_evict;

static const struct host_toeplitz_table *
toeplitz_table_for(const uint8_t *key, uint32_t key_len)
{
	struct host_toeplitz_table *t;

	for (uint32_t i = 0; i < cache_used; i++) {
		t = &cache[i];
		if (t->key_len == key_len && memcmp(t->key, key, key_len) == 0)
			return t;
	}
	if (cache_used == HOST_TOEPLITZ_CACHED_KEYS) {
		if (++misses_since_evict < HOST_TOEPLITZ_EVICT_MISSES)
			return NULL;
		misses_since_evict = 0;
		t = &cache[cache_next];
		cache_next = (cache_next + 1) % HOST_TOEPLITZ_CACHED_KEYS;
	} else {
		t = &cache[cache_used++];
	}
	host_toeplitz_table_build(t, key, key_len);
	return t;
}

uint32_t
host_toeplitz(const uint8_t *key, uint32_t key_len, const uint8_t *in, uint32_t len)
{
	const struct host_toeplitz_table *t = NULL;

	if (key_len <= HOST_TOEPLITZ_KEY_MAX && len <= HOST_TOEPLITZ_INPUT_MAX)
		t = toeplitz_table_for(key, key_len);
	if (t == NULL)
		return host_toeplitz_bitwise(key, key_len, in, len);
	return host_toeplitz_table_hash(t, in, len);
}
