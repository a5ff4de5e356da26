/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Devargs of net_netvsc (the names DPDK's own netvsc PMD takes), parsed once
 * at probe into struct netvsc_dev; the bursts read the parsed values only.
 */
#include <errno.h>
#include <stdlib.h>

#include <rte_kvargs.h>

#include "netvsc.h"
#include "netvsc_vf.h"

static const char *const netvsc_valid_args[] = {
	NETVSC_ARG_LATENCY, NETVSC_ARG_RX_COPYBREAK, NETVSC_ARG_TX_COPYBREAK,
	NETVSC_ARG_RX_EXTMBUF_ENABLE, NETVSC_ARG_ENABLE_VF, NULL,	/* VF hook: parsed in netvsc_vf.c */
};

static int
devargs_u32(const char *key, const char *value, void *opaque)
{
	char *end;
	unsigned long v;

	if (value == NULL) {	/* "key" alone: kvargs gives no value */
		RTE_LOG(ERR, PMD, "netvsc: devarg %s has no value (%s=<number>)\n", key, key);
		return -EINVAL;
	}
	errno = 0;
	v = strtoul(value, &end, 0);
	if (errno != 0 || *end != '\0' || value[0] == '-' || v > UINT32_MAX) {
		RTE_LOG(ERR, PMD, "netvsc: devarg %s=%s is not a number\n", key, value);
		return -EINVAL;
	}
	*(uint32_t *)opaque = (uint32_t)v;
	return 0;
}

static int
devargs_bool(const char *key, const char *value, void *opaque)
{
	uint32_t v;

	if (devargs_u32(key, value, &v) < 0)
		return -EINVAL;
	if (v > 1) {
		RTE_LOG(ERR, PMD, "netvsc: devarg %s=%s is not 0 or 1\n", key, value);
		return -EINVAL;
	}
	*(bool *)opaque = v == 1;
	return 0;
}

int
netvsc_devargs_parse(struct netvsc_dev *dev, const struct rte_devargs *da)
{
	struct rte_kvargs *kv;
	int ret = 0;

	dev->latency_us = NETVSC_DEFAULT_LATENCY_US;
	dev->rx_copybreak = NETVSC_DEFAULT_RX_COPYBREAK;
	dev->tx_copybreak = NETVSC_DEFAULT_TX_COPYBREAK;
	dev->rx_extmbuf_enable = false;
	if (da == NULL || da->args == NULL || da->args[0] == '\0')
		return 0;
	kv = rte_kvargs_parse(da->args, netvsc_valid_args);
	if (kv == NULL) {
		NETVSC_INIT_LOG(ERR, dev, "unknown devargs '%s' (known: %s, %s, %s, %s, %s)",
				da->args, NETVSC_ARG_LATENCY, NETVSC_ARG_RX_COPYBREAK,
				NETVSC_ARG_TX_COPYBREAK, NETVSC_ARG_RX_EXTMBUF_ENABLE,
				NETVSC_ARG_ENABLE_VF);
		return -EINVAL;
	}
	if (rte_kvargs_process(kv, NETVSC_ARG_LATENCY, devargs_u32, &dev->latency_us) < 0 ||
	    rte_kvargs_process(kv, NETVSC_ARG_RX_COPYBREAK, devargs_u32, &dev->rx_copybreak) < 0 ||
	    rte_kvargs_process(kv, NETVSC_ARG_TX_COPYBREAK, devargs_u32, &dev->tx_copybreak) < 0 ||
	    rte_kvargs_process(kv, NETVSC_ARG_RX_EXTMBUF_ENABLE, devargs_bool,
			       &dev->rx_extmbuf_enable) < 0)
		ret = -EINVAL;
	rte_kvargs_free(kv);
	return ret;
}
