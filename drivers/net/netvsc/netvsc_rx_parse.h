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

/*
 * Ranges one transfer may carry: OpenVMM batches up to 375 frames a
 * transfer, 562 with RSC (rndis.md 9); Linux sets no bound. One past this is
 * refused, its slots given back.
 */
#define NETVSC_MAX_RANGES	1024u

/* Host-data drops, each an xstat and a rate-limited NOTICE (DEBUG: data while stopped). */
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
	NETVSC_DROP_OVERSIZED_FRAME,	/* a frame longer than NETVSC_RX_FRAME_MAX */
	NETVSC_DROP_UNCOMPLETED_XFER,	/* its completion found our ring to the host full */
	NETVSC_DROP_MAX,
};

struct netvsc_range {
	uint32_t offset;		/* in the receive buffer */
	uint32_t bytes;
};

/* A checked transfer header; its ranges stay in the packet (the caller's own copy). */
struct netvsc_xfer {
	uint64_t xact_id;		/* echo in the completion */
	bool ours;			/* pageset ours: xact_id is set, even for a refusal */
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
 * host writes later changes what is checked. A transfer of our pageset
 * refused after that (ranges, NVSP) still has ours and xact_id set: its
 * slots can go back to the host.
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

/*
 * The PPIs an RNDIS data message carried: netvsc_rx_info.ppis, a bit per
 * PPI type below NETVSC_RX_PPI_TYPES (1 << type), and one for the RSC
 * packet id, whose word is kept last.
 */
#define NETVSC_RX_PPI_TYPES	16u
#define NETVSC_RX_PPI_CSUM	(1u << RNDIS_PPI_CSUM)
#define NETVSC_RX_PPI_VLAN	(1u << RNDIS_PPI_VLAN)
#define NETVSC_RX_PPI_HASH	(1u << RNDIS_PPI_HASH_VALUE)
#define NETVSC_RX_PPI_PKT_ID	(1u << NETVSC_RX_PPI_TYPES)

/* What an RNDIS data message carries, checked. */
struct netvsc_rx_info {
	const uint8_t *data;		/* the frame, inside the message */
	uint32_t data_bytes;
	uint32_t ppis;			/* NETVSC_RX_PPI_*: which words below were sent */
	/*
	 * A PPI's word (its data's first four bytes) by its type, the packet
	 * id's last: valid where its bit is set in ppis. The checksum and hash
	 * words are 0 when not sent (a checksum of 0: no verdict).
	 */
	uint32_t word[NETVSC_RX_PPI_TYPES + 1];
};

/* RNDIS_PKT_ID_* of an RSC fragment (its bit set in ppis). */
static inline uint8_t
netvsc_rx_pkt_id_flags(const struct netvsc_rx_info *info)
{
	return (uint8_t)(info->word[NETVSC_RX_PPI_TYPES] >> 8);
}

/* One PPI's word into out: by type, without a branch per known type. */
static inline void
netvsc_rx_parse_ppi(uint32_t type, uint32_t word, struct netvsc_rx_info *out)
{
	if (type < NETVSC_RX_PPI_TYPES) {
		out->ppis |= 1u << type;
		out->word[type] = word;
	} else if (type == RNDIS_PPI_PKT_ID) {
		out->ppis |= NETVSC_RX_PPI_PKT_ID;
		out->word[NETVSC_RX_PPI_TYPES] = word;
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
	/*
	 * A frame of 1..room bytes inside room, in 32-bit compares (a length
	 * of 0 wraps to a large value): no 64-bit copy of the length to keep.
	 */
	if (pkt.data_offset < RNDIS_PACKET_MIN_DATA_OFFSET || pkt.data_length - 1u >= room ||
	    pkt.data_offset > room - pkt.data_length)
		return NETVSC_DROP_BAD_RNDIS_MSG;
	out->data = msg + RNDIS_PACKET_OFFSET_BASE + pkt.data_offset;
	out->data_bytes = pkt.data_length;
	out->ppis = 0;
	out->word[RNDIS_PPI_CSUM] = 0;
	out->word[RNDIS_PPI_HASH_VALUE] = 0;
	if (pkt.ppi_length == 0)
		return NETVSC_DROP_NONE;
	if (pkt.ppi_offset < RNDIS_PACKET_MIN_DATA_OFFSET ||
	    !netvsc_range_fits(pkt.ppi_offset, pkt.ppi_length, room))
		return NETVSC_DROP_BAD_RNDIS_MSG;
	return netvsc_rx_parse_ppis(msg + RNDIS_PACKET_OFFSET_BASE + pkt.ppi_offset,
				    pkt.ppi_length, out);
}

#endif /* NETVSC_RX_PARSE_H */
