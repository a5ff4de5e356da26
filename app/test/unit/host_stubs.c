/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel layer as hvsim's host unit tests see it: interrupts counted,
 * no subchannels, no guest memory. A test that needs more defines its own
 * (these are weak).
 */
#include "hvsim.h"

unsigned int fx_interrupts;

__attribute__((weak)) void
hvsim_kernel_interrupt(struct hvsim *sim, struct hvsim_channel *ch)
{
	(void)sim;
	(void)ch;
	fx_interrupts++;
}

__attribute__((weak)) unsigned int
hvsim_kernel_offer_subchannels(struct hvsim *sim, struct hvsim_device *dev, unsigned int nb)
{
	(void)sim;
	(void)dev;
	(void)nb;
	return 0;
}

__attribute__((weak)) void *
hvsim_guest_mem(struct hvsim *sim, uint64_t gpa, uint32_t len)
{
	(void)sim;
	(void)gpa;
	(void)len;
	return NULL;
}
