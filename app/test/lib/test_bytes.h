/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The tests' own byte arithmetic, independent of the code under test:
 * big-endian reads and writes, a native u32 read, and the RFC 1071
 * ones'-complement sum done by the book.
 */
#ifndef TEST_BYTES_H
#define TEST_BYTES_H

#include <stdint.h>
#include <string.h>

static inline uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)be16(p) << 16 | be16(p + 2);
}

static inline void
put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint32_t
rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* 16-bit big-endian words, carries folded at the end. */
static inline uint32_t
sum16(const uint8_t *p, uint32_t len, uint32_t sum)
{
	for (uint32_t i = 0; i < len; i++)
		sum += (i % 2 == 0) ? (uint32_t)p[i] << 8 : p[i];
	return sum;
}

static inline uint16_t
fold(uint32_t sum)
{
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

#endif /* TEST_BYTES_H */
