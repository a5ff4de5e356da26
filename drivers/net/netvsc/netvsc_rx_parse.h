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
#include "vmbus_wire.h"

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

/* A checked transfer header; its ranges stay in the packet (the caller's own copy). */
struct netvsc_xfer {
	uint64_t xact_id;		/* echo in the completion */
	uint32_t channel_type;		/* NVSP_RNDIS_CHANNEL_* */
	uint32_t nb_ranges;		/* 1..NETVSC_MAX_RANGES, all inside the packet */
	const uint8_t *ranges;		/* nb_ranges struct vmbus_xfer_range, each checked on use */
};

static inline bool
netvsc_range_fits(uint32_t off, uint32_t len, uint32_t size)
{
	return (uint64_t)off + len <= size;	/* in 64 bits: the sum cannot wrap */
}

/*
 * pkt: a whole channel packet of type RXBUF (descriptor first), len bytes,
 * already copied out of the ring: the view points into it, so nothing the
 * host writes later changes what is checked.
 */
enum netvsc_drop netvsc_rx_parse_xfer(const uint8_t *pkt, uint32_t len, struct netvsc_xfer *out);

/*
 * Range i (< nb_ranges) of a transfer, checked as it is used (a bad one
 * drops its message, not the transfer): inside the receive buffer of
 * rxbuf_bytes, not empty.
 */
static inline enum netvsc_drop
netvsc_xfer_range(const struct netvsc_xfer *x, uint32_t i, uint32_t rxbuf_bytes,
		  struct netvsc_range *out)
{
	struct vmbus_xfer_range r;

	memcpy(&r, x->ranges + (size_t)i * sizeof(r), sizeof(r));
	if (r.byte_count == 0 || !netvsc_range_fits(r.byte_offset, r.byte_count, rxbuf_bytes))
		return NETVSC_DROP_RANGE_OUTSIDE_RXBUF;
	*out = (struct netvsc_range){ .offset = r.byte_offset, .bytes = r.byte_count };
	return NETVSC_DROP_NONE;
}

/*
 * Range i's offset for a prefetch hint, before the range is checked: one
 * inside the receive buffer (0 for one outside), so the hint stays there.
 */
static inline uint32_t
netvsc_xfer_range_hint(const struct netvsc_xfer *x, uint32_t i, uint32_t rxbuf_bytes)
{
	struct vmbus_xfer_range r;

	memcpy(&r, x->ranges + (size_t)i * sizeof(r), sizeof(r));
	return r.byte_offset < rxbuf_bytes ? r.byte_offset : 0;
}

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

/*
 * The usual message, in fewer compares: an RNDIS PACKET whose length lies
 * in [header of a PACKET, range_bytes]. false: anything else, for the
 * general gate (netvsc_rx_parse_rndis); true: its length in *length.
 */
static inline bool
netvsc_rx_is_packet(const uint8_t *msg, uint32_t range_bytes, uint32_t *length)
{
	const uint32_t least = sizeof(struct rndis_packet_msg);
	struct rndis_msg_hdr hdr;

	if (range_bytes < least)
		return false;
	memcpy(&hdr, msg, sizeof(hdr));
	*length = hdr.length;
	/* One unsigned compare: below least wraps to a large value. */
	return hdr.type == RNDIS_MSG_PACKET && hdr.length - least <= range_bytes - least;
}

/* The PPIs an RNDIS data message carried: netvsc_rx_info.ppis. */
#define NETVSC_RX_PPI_CSUM	(1u << 0)
#define NETVSC_RX_PPI_VLAN	(1u << 1)
#define NETVSC_RX_PPI_HASH	(1u << 2)
#define NETVSC_RX_PPI_PKT_ID	(1u << 3)

/* What an RNDIS data message carries, checked. */
struct netvsc_rx_info {
	uint32_t data_offset;		/* frame, from the message start */
	uint32_t data_bytes;
	uint32_t ppis;			/* NETVSC_RX_PPI_*: which fields below were sent */
	/* Each 0 when not sent (a checksum of 0: no verdict). */
	uint32_t csum;			/* RNDIS_RX_CSUM_* */
	uint32_t hash;
	uint32_t vlan;			/* RNDIS 802.1Q word */
	uint32_t pkt_id_flags;		/* RNDIS_PKT_ID_*: an RSC fragment */
};

/* One PPI's word (its data's first four bytes) into out. */
static inline void
netvsc_rx_parse_ppi(uint32_t type, uint32_t word, struct netvsc_rx_info *out)
{
	switch (type) {
	case RNDIS_PPI_CSUM:
		out->ppis |= NETVSC_RX_PPI_CSUM;
		out->csum = word;
		break;
	case RNDIS_PPI_VLAN:
		out->ppis |= NETVSC_RX_PPI_VLAN;
		out->vlan = word;
		break;
	case RNDIS_PPI_HASH_VALUE:
		out->ppis |= NETVSC_RX_PPI_HASH;
		out->hash = word;
		break;
	case RNDIS_PPI_PKT_ID:
		out->ppis |= NETVSC_RX_PPI_PKT_ID;
		out->pkt_id_flags = (word >> 8) & 0xffu;
		break;
	default:
		break;
	}
}

/* PPI records: each inside the PPI area, size a non-zero multiple of 4. */
static inline enum netvsc_drop
netvsc_rx_parse_ppis(const uint8_t *area, uint32_t bytes, struct netvsc_rx_info *out)
{
	while (bytes > 0) {
		struct rndis_ppi ppi;
		uint32_t word;

		/* The usual record, a word right after the header: three compares. */
		if (bytes >= sizeof(ppi) + sizeof(word)) {
			memcpy(&ppi, area, sizeof(ppi));
			if (ppi.size == sizeof(ppi) + sizeof(word) && ppi.data_offset == sizeof(ppi)) {
				memcpy(&word, area + sizeof(ppi), sizeof(word));
				netvsc_rx_parse_ppi(ppi.type, word, out);
				area += ppi.size;
				bytes -= ppi.size;
				continue;
			}
		}
		if (bytes < sizeof(ppi))
			return NETVSC_DROP_BAD_RNDIS_MSG;
		memcpy(&ppi, area, sizeof(ppi));
		/*
		 * Any other: sizeof(ppi) <= size <= bytes (size a multiple of 4) and
		 * data_offset in [sizeof(ppi), size]; one unsigned compare each, as
		 * below sizeof(ppi) wraps to a large value. Data shorter than a
		 * word is ignored.
		 */
		if (ppi.size - sizeof(ppi) > bytes - sizeof(ppi) || ppi.size % 4 != 0 ||
		    ppi.data_offset - sizeof(ppi) > ppi.size - sizeof(ppi))
			return NETVSC_DROP_BAD_RNDIS_MSG;
		if (ppi.size - ppi.data_offset >= sizeof(word)) {
			memcpy(&word, area + ppi.data_offset, sizeof(word));
			netvsc_rx_parse_ppi(ppi.type, word, out);
		}
		area += ppi.size;
		bytes -= ppi.size;
	}
	return NETVSC_DROP_NONE;
}

/* An RNDIS PACKET of msg_bytes (its checked length): frame and PPIs inside it. */
static inline enum netvsc_drop
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
	*out = (struct netvsc_rx_info){
		.data_offset = pkt.data_offset + RNDIS_PACKET_OFFSET_BASE,
		.data_bytes = pkt.data_length,
	};
	if (pkt.ppi_length == 0)
		return NETVSC_DROP_NONE;
	if (pkt.ppi_offset < RNDIS_PACKET_MIN_DATA_OFFSET ||
	    !netvsc_range_fits(pkt.ppi_offset, pkt.ppi_length, room))
		return NETVSC_DROP_BAD_RNDIS_MSG;
	return netvsc_rx_parse_ppis(msg + RNDIS_PACKET_OFFSET_BASE + pkt.ppi_offset,
				    pkt.ppi_length, out);
}

#endif /* NETVSC_RX_PARSE_H */
