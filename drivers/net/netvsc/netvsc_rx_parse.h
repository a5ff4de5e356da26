/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The gate for host receive data: transfer-page packets and the RNDIS
 * messages their ranges point at. Pure functions (no EAL): host bytes in,
 * a checked view or a named drop reason out; nothing after the gate re-reads
 * the host's copy.
 */
#ifndef NETVSC_RX_PARSE_H
#define NETVSC_RX_PARSE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "rndis_wire.h"

/* Ranges one transfer may carry (the host batches up to this many packets). */
#define NETVSC_MAX_RANGES	256u

/* Host-data drops, each an xstat and a rate-limited NOTICE. */
enum netvsc_drop {
	NETVSC_DROP_NONE,
	NETVSC_DROP_BAD_PACKET_TYPE,
	NETVSC_DROP_SHORT_NVSP,
	NETVSC_DROP_BAD_XFER_HEADER,
	NETVSC_DROP_BAD_RANGE_COUNT,
	NETVSC_DROP_RANGE_OUTSIDE_RXBUF,
	NETVSC_DROP_BAD_RNDIS_MSG,
	NETVSC_DROP_UNEXPECTED_COMPLETION,
	NETVSC_DROP_DATA_WHILE_STOPPED,
	NETVSC_DROP_OVERSIZED_PACKET,	/* channel packet larger than any we take */
	NETVSC_DROP_BAD_RSC_SEQUENCE,	/* RSC fragments without a first or a last */
	NETVSC_DROP_BAD_INBAND,		/* inband NVSP message unknown or malformed */
	NETVSC_DROP_MAX,
};

struct netvsc_range {
	uint32_t offset;		/* in the receive buffer */
	uint32_t bytes;
};

struct netvsc_xfer {
	uint64_t xact_id;		/* echo in the completion */
	uint32_t channel_type;		/* NVSP_RNDIS_CHANNEL_* */
	uint32_t nb_ranges;
	struct netvsc_range range[NETVSC_MAX_RANGES];
};

static inline bool
netvsc_range_fits(uint32_t off, uint32_t len, uint32_t size)
{
	return off <= size && len <= size - off;	/* never off + len: it wraps */
}

/*
 * pkt: a whole channel packet of type RXBUF (descriptor first), len bytes,
 * already copied out of the ring. rxbuf_bytes: the receive buffer's size.
 */
enum netvsc_drop netvsc_rx_parse_xfer(const uint8_t *pkt, uint32_t len, uint32_t rxbuf_bytes,
				      struct netvsc_xfer *out);

/*
 * An RNDIS message header inside a range: its type, its length within the
 * range. Inline: it runs for every frame.
 */
static inline enum netvsc_drop
netvsc_rx_parse_rndis(const uint8_t *msg, uint32_t range_bytes, uint32_t *type, uint32_t *length)
{
	struct rndis_msg_hdr hdr;

	if (range_bytes < sizeof(hdr))
		return NETVSC_DROP_BAD_RNDIS_MSG;
	memcpy(&hdr, msg, sizeof(hdr));
	if (hdr.length < sizeof(hdr) || hdr.length > range_bytes)
		return NETVSC_DROP_BAD_RNDIS_MSG;
	*type = hdr.type;
	*length = hdr.length;
	return NETVSC_DROP_NONE;
}

/* What an RNDIS data message carries, checked. */
struct netvsc_rx_info {
	uint32_t data_offset;		/* frame, from the message start */
	uint32_t data_bytes;
	bool has_csum, has_vlan, has_hash, has_pkt_id;
	uint8_t pkt_id_flags;		/* RNDIS_PKT_ID_*: an RSC fragment */
	uint32_t csum;			/* RNDIS_RX_CSUM_* */
	uint32_t vlan;			/* RNDIS 802.1Q word */
	uint32_t hash;
};

/* An RNDIS PACKET of msg_bytes (its checked length): frame and PPIs inside it. */
enum netvsc_drop netvsc_rx_parse_packet(const uint8_t *msg, uint32_t msg_bytes,
					struct netvsc_rx_info *out);

#endif /* NETVSC_RX_PARSE_H */
