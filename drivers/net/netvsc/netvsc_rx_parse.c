/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every check of a transfer-page packet's header before use (pageset id,
 * range count, NVSP 107 payload); its ranges and their RNDIS messages are
 * checked as each is used (netvsc_rx_parse.h). Used by control and rx paths.
 */
#include <string.h>

#include "netvsc_rx_parse.h"
#include "nvsp_wire.h"
#include "rndis_wire.h"
#include "vmbus_wire.h"

static enum netvsc_drop
parse_nvsp_rndis(const uint8_t *payload, uint32_t bytes, struct netvsc_xfer *out)
{
	struct nvsp_rndis_pkt msg;

	/* Only type and channel are read: hosts may send the short form. */
	if (bytes < offsetof(struct nvsp_rndis_pkt, section_index))
		return NETVSC_DROP_SHORT_NVSP;
	memcpy(&msg, payload, offsetof(struct nvsp_rndis_pkt, section_index));
	if (msg.msg_type != NVSP_MSG1_TYPE_SEND_RNDIS_PKT)
		return NETVSC_DROP_BAD_XFER_HEADER;
	out->channel_type = msg.channel_type;
	return NETVSC_DROP_NONE;
}

enum netvsc_drop
netvsc_rx_parse_xfer(const uint8_t *pkt, uint32_t len, struct netvsc_xfer *out)
{
	struct vmbus_chanpkt_rxbuf hdr;
	uint32_t nb, hdr_bytes;

	out->ours = false;
	if (len < sizeof(hdr))
		return NETVSC_DROP_BAD_XFER_HEADER;
	memcpy(&hdr, pkt, sizeof(hdr));
	hdr_bytes = (uint32_t)hdr.hdr.data_offset8 << VMBUS_CHANPKT_SIZE_SHIFT;
	nb = hdr.range_count;				/* read once; use only the copy */
	/* A header too short for the pageset id: its id bytes are not the header's. */
	if (hdr_bytes < sizeof(hdr) || hdr.xfer_pageset_id != NVSP_RXBUF_ID)
		return NETVSC_DROP_BAD_XFER_HEADER;
	out->ours = true;	/* its id lent our slots: refused or not, they go back */
	out->xact_id = hdr.hdr.xact_id;
	if (hdr_bytes > len)	/* also a skipped packet's head (chan_read) */
		return NETVSC_DROP_BAD_XFER_HEADER;
	if (nb == 0 || nb > NETVSC_MAX_RANGES ||
	    hdr_bytes < sizeof(hdr) + nb * sizeof(struct vmbus_xfer_range))
		return NETVSC_DROP_BAD_RANGE_COUNT;
	out->nb_ranges = nb;
	out->ranges = pkt + sizeof(hdr);
	return parse_nvsp_rndis(pkt + hdr_bytes, len - hdr_bytes, out);
}
