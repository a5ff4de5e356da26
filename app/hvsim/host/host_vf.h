/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Accelerated networking on hvsim (host_vf.c): a NIC's VF stand-in (the
 * shared-memory device of vf/vf_wire.h), the VF association the host
 * announces (NVSP 128, nvsp.md 3.13) and the data path the guest picks
 * (NVSP 129, 3.14). The guest side is the test vdev vf/hvsim_vf_pmd.c.
 */
#ifndef HOST_VF_H
#define HOST_VF_H

#include <stdbool.h>
#include <stdio.h>

#include "host.h"

/*
 * Plug dev's VF in (`hvsim ctl vf NIC add`, --vf NIC): the device file
 * appears in the run dir, and the association (allocated, a new serial) goes
 * to the guest once its NVSP session can take it. 0, -EALREADY, -errno.
 */
int host_vf_add(struct hvsim *sim, struct hvsim_device *dev);
/*
 * Surprise-remove it (`hvsim ctl vf NIC remove`): the data path falls back
 * to synthetic at once, the device reports removed (the guest's VF port
 * raises RMV), its file goes, and the association (not allocated) is sent.
 * 0, -EALREADY.
 */
int host_vf_remove(struct hvsim *sim, struct hvsim_device *dev);
/* Host loop: associations due, VF tx to the backend, backend to VF rx. Work done. */
unsigned int host_vf_poll(struct hvsim *sim);
/* nvsp.md 3.14: a guest 129 on the primary. */
enum host_verdict host_vf_switch_datapath(struct host_ctx *ctx, const struct host_ring_pkt *pkt,
					  const uint8_t *msg, uint32_t len);
/* Does the VF take dev's received frames now (the synthetic path gets none)? */
bool host_vf_owns_rx(const struct hvsim_device *dev);
/* One line per NIC that ever had a VF ("nic0 vf present datapath vf ..."). */
void host_vf_write_counters(struct hvsim *sim, FILE *out);
/* Unmap and remove every VF file (teardown). */
void host_vf_release(struct hvsim *sim);

#endif /* HOST_VF_H */
