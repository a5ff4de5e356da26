/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The host's checksum and segmentation offloads (rndis.md 5.2, 5.3): what it
 * can do, asked once per session, and switched on at configure. A host need
 * not have them on before the guest asks; Linux, FreeBSD and DPDK's netvsc
 * all ask. RSC (LRO) is switched in the same object.
 */
#include <string.h>

#include <rte_ethdev.h>

#include "netvsc.h"
#include "netvsc_ctl_parse.h"
#include "nvsp_wire.h"
#include "rndis_wire.h"

/* rndis.md 5.2: the capability bits each ethdev offload needs (IP and TCP options too). */
#define CAP_IP4_HDR	(NDIS_CSUM_IP4_HDR | NDIS_CSUM_IP4_OPTIONS)
#define CAP_TCP4	(NDIS_CSUM_TCP | NDIS_CSUM_TCP_OPTIONS)
#define CAP_TCP6	(NDIS_CSUM_TCP | NDIS_CSUM_TCP_OPTIONS | NDIS_CSUM_IP6_EXT_HDRS)
#define CAP_LSO_IP6	(NDIS_LSOV2_IP6_EXT_HDRS | NDIS_LSOV2_IP6_TCP_OPTIONS)

/* rndis.md 5.3: byte offsets of the fields we set, and their values. */
#define PRM_IP4_CSUM	4u
#define PRM_TCP4_CSUM	5u
#define PRM_UDP4_CSUM	6u
#define PRM_TCP6_CSUM	7u
#define PRM_UDP6_CSUM	8u
#define PRM_LSOV2_IP4	11u
#define PRM_LSOV2_IP6	12u
#define PRM_SIZE_REV2	22u
#define PRM_CSUM_TX	2u
#define PRM_CSUM_RX	3u
#define PRM_CSUM_TX_RX	4u

static bool
has(uint32_t caps, uint32_t need)
{
	return (caps & need) == need;
}

/* The ethdev offloads the host's capabilities give (every IP version where both exist). */
static void
offload_capa(struct netvsc_dev *dev, const struct netvsc_offload_caps_view *c)
{
	uint64_t tx = 0, rx = 0;

	if (has(c->ip4_tx_csum, CAP_IP4_HDR))
		tx |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
	if (has(c->ip4_tx_csum, CAP_TCP4) && has(c->ip6_tx_csum, CAP_TCP6))
		tx |= RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
	if (has(c->ip4_tx_csum, NDIS_CSUM_UDP) && has(c->ip6_tx_csum, NDIS_CSUM_UDP))
		tx |= RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	if (has(c->lsov2_ip4_encap, NDIS_ENCAP_802_3) && has(c->lsov2_ip6_options, CAP_LSO_IP6))
		tx |= RTE_ETH_TX_OFFLOAD_TCP_TSO;
	if (has(c->ip4_rx_csum, NDIS_CSUM_IP4_HDR))
		rx |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
	if (has(c->ip4_rx_csum, NDIS_CSUM_TCP) && has(c->ip6_rx_csum, NDIS_CSUM_TCP))
		rx |= RTE_ETH_RX_OFFLOAD_TCP_CKSUM;
	if (has(c->ip4_rx_csum, NDIS_CSUM_UDP) && has(c->ip6_rx_csum, NDIS_CSUM_UDP))
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

/* A checksum field's value: on for each direction the host can do. */
static uint8_t
csum_param(uint32_t tx_caps, uint32_t rx_caps, uint32_t need)
{
	bool tx = has(tx_caps, need), rx = has(rx_caps, need);

	return tx && rx ? PRM_CSUM_TX_RX : tx ? PRM_CSUM_TX : rx ? PRM_CSUM_RX : 0;
}

int
netvsc_offload_set(struct netvsc_dev *dev, bool lro)
{
	const struct netvsc_offload_caps_view *c = &dev->offload_caps;
	uint8_t prm[NDIS_OFFLOAD_PARAMS_SIZE_REV3] = { 0 };
	bool rsc = dev->nvsp_version >= NVSP_VERSION_61;
	struct ndis_obj_hdr hdr = { .type = NDIS_OBJTYPE_DEFAULT, .revision = rsc ? 3 : 2,
				    .size = rsc ? NDIS_OFFLOAD_PARAMS_SIZE_REV3 : PRM_SIZE_REV2 };

	if (lro && !rsc)
		return -ENOTSUP;
	memcpy(prm, &hdr, sizeof(hdr));
	/* 0 where the host has nothing: "no change". */
	prm[PRM_IP4_CSUM] = csum_param(c->ip4_tx_csum, c->ip4_rx_csum, NDIS_CSUM_IP4_HDR);
	prm[PRM_TCP4_CSUM] = csum_param(c->ip4_tx_csum, c->ip4_rx_csum, NDIS_CSUM_TCP);
	prm[PRM_UDP4_CSUM] = csum_param(c->ip4_tx_csum, c->ip4_rx_csum, NDIS_CSUM_UDP);
	prm[PRM_TCP6_CSUM] = csum_param(c->ip6_tx_csum, c->ip6_rx_csum, NDIS_CSUM_TCP);
	prm[PRM_UDP6_CSUM] = csum_param(c->ip6_tx_csum, c->ip6_rx_csum, NDIS_CSUM_UDP);
	if (has(c->lsov2_ip4_encap, NDIS_ENCAP_802_3))
		prm[PRM_LSOV2_IP4] = NDIS_OFFLOAD_PARAM_ON;
	if (has(c->lsov2_ip6_encap, NDIS_ENCAP_802_3))
		prm[PRM_LSOV2_IP6] = NDIS_OFFLOAD_PARAM_ON;
	if (rsc) {
		prm[NDIS_OFFLOAD_PARAMS_RSC_IP4] = lro ? NDIS_OFFLOAD_PARAM_ON :
						       NDIS_OFFLOAD_PARAM_OFF;
		prm[NDIS_OFFLOAD_PARAMS_RSC_IP6] = prm[NDIS_OFFLOAD_PARAMS_RSC_IP4];
	}
	return netvsc_rndis_set(dev, RNDIS_OID_TCP_OFFLOAD_PARAMETERS, prm, hdr.size);
}
