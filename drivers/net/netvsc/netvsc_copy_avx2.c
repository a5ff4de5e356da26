/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Built only with -mavx2 (drivers/meson.build), so rte_memcpy here is its
 * 32-byte body: no SSE realignment of each 16-byte block of an unaligned
 * source. For long tx copies, when netvsc_simd_select chose AVX2.
 */
#include <rte_memcpy.h>

#include "netvsc.h"

void
netvsc_copy_avx2(void *dst, const void *src, size_t n)
{
	rte_memcpy(dst, src, n);
}
