/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RNDIS session (spec/rndis.md 3-5): INITIALIZE, QUERY and SET of the OIDs
 * the features need, HALT at close. Each reply is checked for type, request
 * id, status and that its info buffer lies inside it before anything is read.
 */
#include <errno.h>
#include <string.h>

#include "netvsc.h"
#include "netvsc_ctl_parse.h"
#include "rndis_wire.h"

#define RNDIS_MAX_XFER_BYTES	0x4000u	/* what we accept per message from the host */

int
netvsc_rndis_query(struct netvsc_dev *dev, uint32_t oid, const void *in, uint32_t in_bytes,
		   void *out, uint32_t out_bytes, uint32_t *got_bytes)
{
	uint8_t req[NETVSC_CTL_REQ_BYTES] = { 0 };
	struct rndis_query_req *q = (void *)req;
	struct netvsc_rndis_query_reply c;
	enum netvsc_ctl_verdict v;
	int ret;

	if (sizeof(*q) + in_bytes > sizeof(req))
		return -EMSGSIZE;
	*q = (struct rndis_query_req){
		.type = RNDIS_MSG_QUERY, .length = sizeof(*q) + in_bytes,
		.request_id = netvsc_ctl_new_rid(dev), .oid = oid,
		.info_buffer_length = in_bytes,
		.info_buffer_offset = sizeof(*q) - RNDIS_INFO_OFFSET_BASE,
	};
	if (in_bytes)
		memcpy(req + sizeof(*q), in, in_bytes);
	ret = netvsc_ctl_rndis(dev, req, q->length, RNDIS_MSG_QUERY_CMPLT,
			       sizeof(struct rndis_query_comp));
	if (ret < 0)
		return ret;
	/* The info buffer must lie inside the reply we copied (offsets from byte 8). */
	v = netvsc_ctl_parse_query_cmplt(dev->ctl.rndis_reply, dev->ctl.rndis_reply_bytes,
					 out_bytes, &c);
	if (v == NETVSC_CTL_REFUSED)
		return c.status == RNDIS_STATUS_NOT_SUPPORTED ? -ENOTSUP : -EIO;
	if (v != NETVSC_CTL_OK) {
		NETVSC_DRV_LOG(ERR, dev, "query %#x: info buffer %u bytes at %u does not fit (%s)",
			       oid, c.info_bytes, c.host_offset, netvsc_ctl_verdict_str(v));
		return -EPROTO;
	}
	memcpy(out, dev->ctl.rndis_reply + c.info_offset, c.info_bytes);
	*got_bytes = c.info_bytes;
	return 0;
}

int
netvsc_rndis_set(struct netvsc_dev *dev, uint32_t oid, const void *in, uint32_t in_bytes)
{
	uint8_t req[NETVSC_CTL_REQ_BYTES] = { 0 };
	struct rndis_query_req *s = (void *)req;
	uint32_t status = 0;
	int ret;

	if (sizeof(*s) + in_bytes > sizeof(req))
		return -EMSGSIZE;
	*s = (struct rndis_query_req){
		.type = RNDIS_MSG_SET, .length = sizeof(*s) + in_bytes,
		.request_id = netvsc_ctl_new_rid(dev), .oid = oid,
		.info_buffer_length = in_bytes,
		.info_buffer_offset = sizeof(*s) - RNDIS_INFO_OFFSET_BASE,
	};
	memcpy(req + sizeof(*s), in, in_bytes);
	ret = netvsc_ctl_rndis(dev, req, s->length, RNDIS_MSG_SET_CMPLT,
			       sizeof(struct rndis_comp));
	if (ret < 0)
		return ret;
	switch (netvsc_ctl_parse_set_cmplt(dev->ctl.rndis_reply, dev->ctl.rndis_reply_bytes,
					   &status)) {
	case NETVSC_CTL_OK:
		return 0;
	case NETVSC_CTL_REFUSED:
		NETVSC_DRV_LOG(NOTICE, dev, "set %#x refused: status %#x", oid, status);
		return status == RNDIS_STATUS_NOT_SUPPORTED ? -ENOTSUP : -EIO;
	default:
		return -EPROTO;		/* netvsc_ctl_rndis checked and said so */
	}
}

static int
rndis_initialize(struct netvsc_dev *dev)
{
	struct rndis_init_req req = {
		.type = RNDIS_MSG_INIT, .length = sizeof(req),
		.request_id = netvsc_ctl_new_rid(dev),
		.major_version = RNDIS_VERSION_MAJOR, .minor_version = RNDIS_VERSION_MINOR,
		.max_transfer_bytes = RNDIS_MAX_XFER_BYTES,
	};
	struct netvsc_rndis_init_reply c;
	enum netvsc_ctl_verdict v;
	int ret;

	ret = netvsc_ctl_rndis(dev, &req, sizeof(req), RNDIS_MSG_INIT_CMPLT,
			       sizeof(struct rndis_init_comp));
	if (ret < 0)
		return ret;
	v = netvsc_ctl_parse_init_cmplt(dev->ctl.rndis_reply, dev->ctl.rndis_reply_bytes, &c);
	if (v == NETVSC_CTL_REFUSED) {
		NETVSC_INIT_LOG(ERR, dev, "RNDIS initialize refused: status %#x", c.status);
		return -EIO;
	}
	if (v != NETVSC_CTL_OK) {
		NETVSC_INIT_LOG(ERR, dev, "RNDIS initialize: %s (at most %u packets of %u bytes)",
				netvsc_ctl_verdict_str(v), c.max_pkts, c.max_xfer_bytes);
		return -EPROTO;
	}
	dev->rndis_max_pkts = c.max_pkts;
	dev->rndis_max_xfer_bytes = c.max_xfer_bytes;
	dev->rndis_align = c.align_bytes;
	dev->tx_agg_pkts = RTE_MAX(c.max_pkts, 1u);
	dev->tx_agg_bytes = c.max_xfer_bytes == 0 ? dev->section_bytes :
			    RTE_MIN(dev->section_bytes, c.max_xfer_bytes);
	dev->rndis_up = true;
	return 0;
}

static int
rndis_query_mac(struct netvsc_dev *dev)
{
	uint8_t mac[RTE_ETHER_ADDR_LEN];
	uint32_t got = 0;
	int ret;

	ret = netvsc_rndis_query(dev, RNDIS_OID_802_3_PERMANENT_ADDRESS, NULL, 0, mac,
				 sizeof(mac), &got);
	if (ret == 0 && got != sizeof(mac))
		ret = -EPROTO;
	if (ret < 0) {
		NETVSC_INIT_LOG(ERR, dev, "no MAC address from the host: %d", ret);
		return ret;
	}
	memcpy(dev->mac.addr_bytes, mac, sizeof(mac));
	return 0;
}

int
netvsc_rndis_set_filter(struct netvsc_dev *dev, uint32_t filter)
{
	return netvsc_rndis_set(dev, RNDIS_OID_GEN_CURRENT_PACKET_FILTER, &filter,
				sizeof(filter));
}

int
netvsc_rndis_link_speed(struct netvsc_dev *dev, uint32_t *speed_mbps)
{
	uint32_t speed = 0, got;
	int ret = netvsc_rndis_query(dev, RNDIS_OID_GEN_LINK_SPEED, NULL, 0, &speed,
				     sizeof(speed), &got);

	if (ret == 0)
		*speed_mbps = speed / 10000;	/* the OID reports 100 bps units */
	return ret;
}

int
netvsc_rndis_link_status(struct netvsc_dev *dev, bool *up, uint32_t *speed_mbps)
{
	uint32_t media = RNDIS_MEDIA_DISCONNECTED, got;
	int ret;

	ret = netvsc_rndis_query(dev, RNDIS_OID_GEN_MEDIA_CONNECT_STATUS, NULL, 0, &media,
				 sizeof(media), &got);
	if (ret < 0)
		return ret;
	ret = netvsc_rndis_link_speed(dev, speed_mbps);
	if (ret < 0)
		return ret;
	*up = media == RNDIS_MEDIA_CONNECTED;
	return 0;
}

int
netvsc_rndis_attach(struct netvsc_dev *dev)
{
	int ret;

	/* A new miniport: its link asked for anew, unless indicated from its INIT on. */
	__atomic_store_n(&dev->link_known, false, __ATOMIC_RELEASE);
	ret = rndis_initialize(dev);
	if (ret == 0)
		ret = netvsc_rndis_set_filter(dev, 0);	/* nothing until start */
	if (ret == 0)
		ret = rndis_query_mac(dev);
	return ret;
}

void
netvsc_rndis_detach(struct netvsc_dev *dev)
{
	struct rndis_halt_req req = {
		.type = RNDIS_MSG_HALT, .length = sizeof(req),
		.request_id = netvsc_ctl_new_rid(dev),
	};

	if (!dev->rndis_up)
		return;
	netvsc_ctl_rndis_oneway(dev, &req, sizeof(req));	/* HALT has no reply */
	dev->rndis_up = false;
}
