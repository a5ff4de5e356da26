/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NVSP session (spec/nvsp.md 4): version negotiation from 6.1 down to 2, NDIS
 * config and version, the receive and send buffers by their GPADLs, and the
 * revokes that leave the host clean. The exchange itself is netvsc_ctl.c's.
 */
#include <errno.h>
#include <string.h>

#include "netvsc.h"
#include "netvsc_ctl_parse.h"
#include "nvsp_wire.h"

static const uint32_t nvsp_versions[] = {
	NVSP_VERSION_61, NVSP_VERSION_6, NVSP_VERSION_5, NVSP_VERSION_4, NVSP_VERSION_2,
};

static int
nvsp_try_version(struct netvsc_dev *dev, uint32_t version)
{
	struct nvsp_init req = {
		.msg_type = NVSP_MSG_TYPE_INIT, .min_version = version, .max_version = version,
	};
	struct netvsc_nvsp_init_reply reply;
	enum netvsc_ctl_verdict v;
	int ret;

	ret = netvsc_ctl_nvsp(dev, &req, sizeof(req), NVSP_MSG_TYPE_INIT_COMPLETE,
			      offsetof(struct nvsp_init_complete, pad));
	if (ret < 0)
		return ret;
	v = netvsc_ctl_parse_init_complete(dev->ctl.nvsp_reply, dev->ctl.nvsp_reply_bytes, &reply);
	if (v == NETVSC_CTL_OK)
		return 0;
	if (v == NETVSC_CTL_REFUSED)
		return -ENOTSUP;
	NETVSC_INIT_LOG(ERR, dev, "NVSP init reply: %s", netvsc_ctl_verdict_str(v));
	return -EPROTO;
}

static int
nvsp_negotiate(struct netvsc_dev *dev)
{
	for (unsigned int i = 0; i < RTE_DIM(nvsp_versions); i++) {
		int ret = nvsp_try_version(dev, nvsp_versions[i]);

		if (ret == 0) {
			dev->nvsp_version = nvsp_versions[i];
			NETVSC_INIT_LOG(INFO, dev, "NVSP version %#x", dev->nvsp_version);
			return 0;
		}
		if (ret != -ENOTSUP)
			return ret;		/* no answer: do not try further */
	}
	NETVSC_INIT_LOG(ERR, dev, "host accepts no NVSP version from 6.1 down to 2");
	return -ENOTSUP;
}

/* NDIS config (NVSP >= 2) then NDIS version: 6.30 from NVSP 5, else 6.1. */
static int
nvsp_announce_ndis(struct netvsc_dev *dev)
{
	struct nvsp_ndis_config cfg = {
		.msg_type = NVSP_MSG2_TYPE_SEND_NDIS_CONFIG,
		.mtu = dev->mtu + RTE_ETHER_HDR_LEN,
		.caps = NVSP_NDIS_CAP_IEEE8021Q,
	};
	struct nvsp_ndis_ver ver = { .msg_type = NVSP_MSG1_TYPE_SEND_NDIS_VER, .ndis_major = 6 };
	int ret;

	if (dev->nvsp_version >= NVSP_VERSION_5)
		cfg.caps |= NVSP_NDIS_CAP_SRIOV;
	if (dev->nvsp_version >= NVSP_VERSION_61)
		cfg.caps |= NVSP_NDIS_CAP_RSC;	/* used only if LRO is asked for (offload params) */
	ret = netvsc_ctl_nvsp_oneway(dev, &cfg, sizeof(cfg));
	if (ret < 0)
		return ret;
	ver.ndis_minor = dev->nvsp_version >= NVSP_VERSION_5 ? 30 : 1;
	dev->ndis_major = ver.ndis_major;
	dev->ndis_minor = ver.ndis_minor;
	return netvsc_ctl_nvsp_oneway(dev, &ver, sizeof(ver));
}

static void
nvsp_revoke(struct netvsc_dev *dev, uint32_t type, uint16_t id)
{
	struct nvsp_revoke_buf req = { .msg_type = type, .id = id };

	netvsc_ctl_nvsp_oneway(dev, &req, sizeof(req));
}

static int
nvsp_connect_rxbuf(struct netvsc_dev *dev)
{
	struct rte_vmbus_map *map = &dev->vmbus->resource[3];
	struct nvsp_send_rxbuf req = {
		.msg_type = NVSP_MSG1_TYPE_SEND_RXBUF, .gpadl = (uint32_t)map->gpadl,
		.id = NVSP_RXBUF_ID,
	};
	uint32_t bytes = (uint32_t)RTE_MIN(map->bytes, (uint64_t)UINT32_MAX);
	struct netvsc_nvsp_rxbuf_reply reply = { 0 };
	enum netvsc_ctl_verdict v;
	int ret;

	ret = netvsc_ctl_nvsp(dev, &req, sizeof(req), NVSP_MSG1_TYPE_SEND_RXBUF_COMPLETE,
			      offsetof(struct nvsp_send_rxbuf_complete, pad));
	if (ret < 0)
		return ret;
	v = netvsc_ctl_parse_rxbuf_complete(dev->ctl.nvsp_reply, dev->ctl.nvsp_reply_bytes, bytes,
					    &reply);
	if (v != NETVSC_CTL_OK) {
		if (v == NETVSC_CTL_BAD_SECTIONS && reply.nb_sections == 1 &&
		    reply.section_offset == 0)
			NETVSC_INIT_LOG(ERR, dev, "receive buffer refused: %u slots of %u bytes in %u",
					reply.nb_slots, reply.slot_bytes, bytes);
		else
			NETVSC_INIT_LOG(ERR, dev, "receive buffer refused: status %u, %u sections",
					reply.status, reply.nb_sections);
		if (reply.status == NVSP_STATUS_SUCCESS)	/* the host took it: given back */
			nvsp_revoke(dev, NVSP_MSG1_TYPE_REVOKE_RXBUF, NVSP_RXBUF_ID);
		return -EPROTO;
	}
	dev->rxbuf = map->addr;
	dev->rxbuf_bytes = bytes;
	dev->rx_nb_slots = reply.nb_slots;
	dev->rxbuf_connected = true;
	return 0;
}

static int
nvsp_connect_txbuf(struct netvsc_dev *dev)
{
	struct rte_vmbus_map *map = &dev->vmbus->resource[4];
	struct nvsp_send_txbuf req = {
		.msg_type = NVSP_MSG1_TYPE_SEND_TXBUF, .gpadl = (uint32_t)map->gpadl,
		.id = NVSP_TXBUF_ID,
	};
	uint32_t bytes = (uint32_t)RTE_MIN(map->bytes, (uint64_t)UINT32_MAX);
	struct netvsc_nvsp_txbuf_reply reply = { 0 };
	enum netvsc_ctl_verdict v;
	int ret;

	ret = netvsc_ctl_nvsp(dev, &req, sizeof(req), NVSP_MSG1_TYPE_SEND_TXBUF_COMPLETE,
			      offsetof(struct nvsp_send_txbuf_complete, pad));
	if (ret < 0)
		return ret;
	v = netvsc_ctl_parse_txbuf_complete(dev->ctl.nvsp_reply, dev->ctl.nvsp_reply_bytes, bytes,
					    &reply);
	if (v != NETVSC_CTL_OK) {
		NETVSC_INIT_LOG(ERR, dev, "send buffer refused: status %u, section %u bytes",
				reply.status, reply.section_bytes);
		if (reply.status == NVSP_STATUS_SUCCESS)	/* the host took it: given back */
			nvsp_revoke(dev, NVSP_MSG1_TYPE_REVOKE_TXBUF, NVSP_TXBUF_ID);
		return -EPROTO;
	}
	/* A later session (MTU change): the tx queues keep the sections they were split from. */
	if (dev->nb_sections != 0 && (reply.section_bytes != dev->section_bytes ||
				      reply.nb_sections != dev->nb_sections)) {
		NETVSC_INIT_LOG(ERR, dev, "send buffer refused: the host changed its sections "
				"from %u of %u bytes to %u of %u bytes", dev->nb_sections,
				dev->section_bytes, reply.nb_sections, reply.section_bytes);
		nvsp_revoke(dev, NVSP_MSG1_TYPE_REVOKE_TXBUF, NVSP_TXBUF_ID);	/* it took it */
		return -EPROTO;
	}
	dev->txbuf = map->addr;
	dev->txbuf_bytes = bytes;
	dev->section_bytes = reply.section_bytes;
	dev->nb_sections = reply.nb_sections;
	dev->txbuf_connected = true;
	return 0;
}

int
netvsc_nvsp_attach(struct netvsc_dev *dev)
{
	int ret;

	if (dev->vmbus->nb_resources < 5) {
		NETVSC_INIT_LOG(ERR, dev, "device has no receive and send buffer maps");
		return -ENODEV;
	}
	ret = nvsp_negotiate(dev);
	if (ret == 0)
		ret = nvsp_announce_ndis(dev);
	if (ret == 0)
		ret = nvsp_connect_rxbuf(dev);
	if (ret == 0)
		ret = nvsp_connect_txbuf(dev);
	if (ret < 0) {
		netvsc_nvsp_detach(dev);
		return ret;
	}
	NETVSC_INIT_LOG(INFO, dev, "NVSP %#x NDIS %u.%u, rx buffer %u bytes, %u send sections "
			"of %u bytes", dev->nvsp_version, dev->ndis_major, dev->ndis_minor,
			dev->rxbuf_bytes, dev->nb_sections, dev->section_bytes);
	return 0;
}

void
netvsc_nvsp_detach(struct netvsc_dev *dev)
{
	if (dev->txbuf_connected)
		nvsp_revoke(dev, NVSP_MSG1_TYPE_REVOKE_TXBUF, NVSP_TXBUF_ID);
	if (dev->rxbuf_connected)
		nvsp_revoke(dev, NVSP_MSG1_TYPE_REVOKE_RXBUF, NVSP_RXBUF_ID);
	dev->txbuf_connected = false;
	dev->rxbuf_connected = false;
}
