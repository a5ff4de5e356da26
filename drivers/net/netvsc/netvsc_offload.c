/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The host's checksum and segmentation offloads (rndis.md 5.2, 5.3): what it
 * can do, asked once per session, and switched on at configure. A host need
 * not have them on before the guest asks; Linux, FreeBSD and DPDK's netvsc
 * all ask. RSC (LRO) is switched in the same object (netvsc_ctl_parse.c
 * builds it).
 */
#include <string.h>

#include <rte_ethdev.h>

#include "netvsc.h"
#include "netvsc_ctl_parse.h"
#include "rndis_wire.h"

/* rndis.md 5.2: the capability bits each ethdev offload needs (IP and TCP options too). */
#define CAP_IP4_HDR	(NDIS_CSUM_IP4_HDR | NDIS_CSUM_IP4_OPTIONS)
#define CAP_TCP4	(NDIS_CSUM_TCP | NDIS_CSUM_TCP_OPTIONS)
#define CAP_TCP6	(NDIS_CSUM_TCP | NDIS_CSUM_TCP_OPTIONS | NDIS_CSUM_IP6_EXT_HDRS)

/* The ethdev offloads the host's capabilities give (every IP version where both exist). */
static void
offload_capa(struct netvsc_dev *dev, const struct netvsc_offload_caps_view *c)
{
	uint64_t tx = 0, rx = 0;

	if (netvsc_caps_have(c->ip4_tx_csum, CAP_IP4_HDR))
		tx |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
	if (netvsc_caps_have(c->ip4_tx_csum, CAP_TCP4) && netvsc_caps_have(c->ip6_tx_csum, CAP_TCP6))
		tx |= RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
	if (netvsc_caps_udp4_usable(dev->nvsp_version) &&
	    netvsc_caps_have(c->ip4_tx_csum, NDIS_CSUM_UDP) &&
	    netvsc_caps_have(c->ip6_tx_csum, NDIS_CSUM_UDP))
		tx |= RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	if (netvsc_caps_lso4(c) && netvsc_caps_lso6(c))
		tx |= RTE_ETH_TX_OFFLOAD_TCP_TSO;
	if (netvsc_caps_have(c->ip4_rx_csum, NDIS_CSUM_IP4_HDR))
		rx |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
	if (netvsc_caps_have(c->ip4_rx_csum, NDIS_CSUM_TCP) &&
	    netvsc_caps_have(c->ip6_rx_csum, NDIS_CSUM_TCP))
		rx |= RTE_ETH_RX_OFFLOAD_TCP_CKSUM;
	if (netvsc_caps_have(c->ip4_rx_csum, NDIS_CSUM_UDP) &&
	    netvsc_caps_have(c->ip6_rx_csum, NDIS_CSUM_UDP))
		rx |= RTE_ETH_RX_OFFLOAD_UDP_CKSUM;
	dev->host_tx_offloads = tx;
	dev->host_rx_offloads = rx;
}

int
netvsc_offload_query_caps(struct netvsc_dev *dev)
{
	struct ndis_offload req, info;
	enum netvsc_ctl_verdict v = NETVSC_CTL_SHORT;
	uint32_t got = 0;
	int ret;

	/* rndis.md 5.2: a header-only object of the revision our NDIS version reads. */
	memset(&req, 0, sizeof(req));
	req.hdr.type = NDIS_OBJTYPE_OFFLOAD;
	req.hdr.revision = dev->ndis_minor >= 30 ? 3 : 2;
	req.hdr.size = dev->ndis_minor >= 30 ? NDIS_OFFLOAD_SIZE_REV3 : NDIS_OFFLOAD_SIZE_REV2;
	memset(&dev->offload_caps, 0, sizeof(dev->offload_caps));
	ret = netvsc_rndis_query(dev, RNDIS_OID_TCP_OFFLOAD_HW_CAPS, &req, req.hdr.size, &info,
				 sizeof(info), &got);
	if (ret == 0)
		v = netvsc_ctl_parse_offload_caps((const uint8_t *)&info, got, &dev->offload_caps);
	if (ret < 0 || v != NETVSC_CTL_OK)
		NETVSC_INIT_LOG(NOTICE, dev, "no usable offload capabilities (%d%s%s): no "
				"checksum or TSO offload", ret, ret == 0 ? ", " : "",
				ret == 0 ? netvsc_ctl_verdict_str(v) : "");
	offload_capa(dev, &dev->offload_caps);
	NETVSC_INIT_LOG(INFO, dev, "host offloads: tx %#" PRIx64 ", rx %#" PRIx64,
			dev->host_tx_offloads, dev->host_rx_offloads);
	return 0;
}

int
netvsc_offload_set(struct netvsc_dev *dev, bool lro)
{
	uint8_t prm[NDIS_OFFLOAD_PARAMS_SIZE_REV3];
	uint32_t size = netvsc_ctl_offload_params(&dev->offload_caps, dev->nvsp_version,
						  dev->ndis_minor, lro, prm);

	if (size == 0)
		return -ENOTSUP;	/* LRO without the host's RSC */
	return netvsc_rndis_set(dev, RNDIS_OID_TCP_OFFLOAD_PARAMETERS, prm, size);
}
