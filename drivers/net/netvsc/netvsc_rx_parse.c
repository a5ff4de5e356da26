/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every check of host receive data before use: the transfer-page packet
 * (pageset id, range count, ranges inside the receive buffer, NVSP 107
 * payload) and the RNDIS header of each range. Used by control and rx paths.
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
netvsc_rx_parse_xfer(const uint8_t *pkt, uint32_t len, uint32_t rxbuf_bytes,
		     struct netvsc_xfer *out)
{
	struct vmbus_chanpkt_rxbuf hdr;
	uint32_t nb, hdr_bytes;

	if (len < sizeof(hdr))
		return NETVSC_DROP_BAD_XFER_HEADER;
	memcpy(&hdr, pkt, sizeof(hdr));
	hdr_bytes = (uint32_t)hdr.hdr.data_offset8 << VMBUS_CHANPKT_SIZE_SHIFT;
	nb = hdr.range_count;				/* read once; use only the copy */
	if (hdr.xfer_pageset_id != NVSP_RXBUF_ID || hdr_bytes > len)
		return NETVSC_DROP_BAD_XFER_HEADER;
	if (nb == 0 || nb > NETVSC_MAX_RANGES ||
	    hdr_bytes < sizeof(hdr) + nb * sizeof(struct vmbus_xfer_range))
		return NETVSC_DROP_BAD_RANGE_COUNT;
	for (uint32_t i = 0; i < nb; i++) {
		struct vmbus_xfer_range r;

		memcpy(&r, pkt + sizeof(hdr) + i * sizeof(r), sizeof(r));
		if (r.byte_count == 0 || !netvsc_range_fits(r.byte_offset, r.byte_count, rxbuf_bytes))
			return NETVSC_DROP_RANGE_OUTSIDE_RXBUF;
		out->range[i] = (struct netvsc_range){ .offset = r.byte_offset,
						       .bytes = r.byte_count };
	}
	out->nb_ranges = nb;
	out->xact_id = hdr.hdr.xact_id;
	return parse_nvsp_rndis(pkt + hdr_bytes, len - hdr_bytes, out);
}

static enum netvsc_drop
parse_ppi(const uint8_t *rec, uint32_t type, uint32_t data_bytes, struct netvsc_rx_info *out)
{
	uint32_t word;

	if (data_bytes < sizeof(word))
		return NETVSC_DROP_NONE;	/* not ours to read: ignore */
	memcpy(&word, rec, sizeof(word));
	switch (type) {
	case RNDIS_PPI_CSUM:
		out->has_csum = true;
		out->csum = word;
		break;
	case RNDIS_PPI_VLAN:
		out->has_vlan = true;
		out->vlan = word;
		break;
	case RNDIS_PPI_HASH_VALUE:
		out->has_hash = true;
		out->hash = word;
		break;
	case RNDIS_PPI_PKT_ID:
		out->has_pkt_id = true;
		out->pkt_id_flags = (uint8_t)(word >> 8);
		break;
	default:
		break;
	}
	return NETVSC_DROP_NONE;
}

/* PPI records: each inside the PPI area, size a non-zero multiple of 4. */
static enum netvsc_drop
parse_ppis(const uint8_t *area, uint32_t bytes, struct netvsc_rx_info *out)
{
	while (bytes > 0) {
		struct rndis_ppi ppi;

		if (bytes < sizeof(ppi))
			return NETVSC_DROP_BAD_RNDIS_MSG;
		memcpy(&ppi, area, sizeof(ppi));
		if (ppi.size < sizeof(ppi) || ppi.size > bytes || ppi.size % 4 != 0 ||
		    ppi.data_offset < sizeof(ppi) || ppi.data_offset > ppi.size)
			return NETVSC_DROP_BAD_RNDIS_MSG;
		parse_ppi(area + ppi.data_offset, ppi.type, ppi.size - ppi.data_offset, out);
		area += ppi.size;
		bytes -= ppi.size;
	}
	return NETVSC_DROP_NONE;
}

enum netvsc_drop
netvsc_rx_parse_packet(const uint8_t *msg, uint32_t msg_bytes, struct netvsc_rx_info *out)
{
	struct rndis_packet_msg pkt;
	uint32_t room;

	if (msg_bytes < sizeof(pkt))
		return NETVSC_DROP_BAD_RNDIS_MSG;
	memcpy(&pkt, msg, sizeof(pkt));
	room = msg_bytes - RNDIS_PACKET_OFFSET_BASE;	/* offsets count from byte 8 */
	if (pkt.data_offset < RNDIS_PACKET_MIN_DATA_OFFSET || pkt.data_length == 0 ||
	    !netvsc_range_fits(pkt.data_offset, pkt.data_length, room))
		return NETVSC_DROP_BAD_RNDIS_MSG;
	memset(out, 0, sizeof(*out));
	out->data_offset = pkt.data_offset + RNDIS_PACKET_OFFSET_BASE;
	out->data_bytes = pkt.data_length;
	if (pkt.ppi_length == 0)
		return NETVSC_DROP_NONE;
	if (pkt.ppi_offset < RNDIS_PACKET_MIN_DATA_OFFSET ||
	    !netvsc_range_fits(pkt.ppi_offset, pkt.ppi_length, room))
		return NETVSC_DROP_BAD_RNDIS_MSG;
	return parse_ppis(msg + RNDIS_PACKET_OFFSET_BASE + pkt.ppi_offset, pkt.ppi_length, out);
}
