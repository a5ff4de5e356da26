/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which build of the SIMD-sensitive code this process runs. On x86-64 the
 * rx transfer path and long tx copies are also built with AVX2
 * (drivers/meson.build); they are used where the CPU has AVX2 (every
 * Azure size does) and the EAL allows 256-bit vectors:
 * --force-max-simd-bitwidth=128 keeps the generic build.
 */
#include <rte_cpuflags.h>
#include <rte_vect.h>

#include "netvsc.h"

netvsc_rx_xfer_fn *netvsc_rx_xfer_path = netvsc_rx_xfer;
bool netvsc_copy_wide;

/*
 * Chosen at the first probe and kept: a later one (a hot-plugged NIC) must
 * not rewrite what other lcores' bursts read. Returns the choice's name,
 * for the probe's log line.
 */
const char *
netvsc_simd_select(void)
{
	static const char *chosen;

	if (chosen != NULL)
		return chosen;
	chosen = "generic";
#ifdef NETVSC_HAVE_AVX2
	if (rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX2) > 0 &&
	    rte_vect_get_max_simd_bitwidth() >= RTE_VECT_SIMD_256) {
		netvsc_rx_xfer_path = netvsc_rx_xfer_avx2;
		netvsc_copy_wide = true;
		chosen = "avx2";
	}
#endif
	return chosen;
}
