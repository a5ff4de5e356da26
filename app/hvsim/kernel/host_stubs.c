/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * weak fallbacks until host/ lands: the host side's entry points as no-ops, so
 * the kernel layer links and runs (devices open, nothing answers) on its own.
 * Any definition in host/ replaces these.
 */
#include "hvsim.h"

__attribute__((weak)) void
host_device_open(struct hvsim *sim, struct hvsim_device *dev)
{
	(void)sim;
	(void)dev;
}

__attribute__((weak)) void
host_device_close(struct hvsim *sim, struct hvsim_device *dev)
{
	(void)sim;
	(void)dev;
}

__attribute__((weak)) void
host_channel_signal(struct hvsim *sim, struct hvsim_channel *ch)
{
	(void)sim;
	(void)ch;
}

__attribute__((weak)) unsigned int
host_poll(struct hvsim *sim)
{
	(void)sim;
	return 0;
}
