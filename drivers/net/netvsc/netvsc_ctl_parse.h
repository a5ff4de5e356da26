/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The gate for host control data: NVSP replies and host-initiated NVSP
 * messages, RNDIS control completions and status indications, and the NDIS
 * objects they carry. Pure functions (no EAL): bytes the caller has already
 * copied out of shared memory in, a verdict and the checked fields out.
 * Nothing after the gate reads the message again.
 */
#ifndef NETVSC_CTL_PARSE_H
#define NETVSC_CTL_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#include "nvsp_wire.h"
#include "rndis_wire.h"

/* What the gate found; the caller turns it into an errno and a log line. */
enum netvsc_ctl_verdict {
	NETVSC_CTL_OK,
	NETVSC_CTL_SHORT,		/* shorter than the fields read */
	NETVSC_CTL_WRONG_TYPE,		/* not the message type awaited */
	NETVSC_CTL_REFUSED,		/* the host's status is not success (in the view) */
	NETVSC_CTL_BAD_SECTIONS,	/* receive buffer: section count, offset or slots */
	NETVSC_CTL_BAD_SECTION_SIZE,	/* send buffer: section size */
	NETVSC_CTL_TOO_MANY,		/* more granted than asked */
	NETVSC_CTL_BAD_LIMITS,		/* RNDIS init: aggregation limits */
	NETVSC_CTL_BAD_BUFFER,		/* info or status buffer not inside the message */
	NETVSC_CTL_TOO_LONG,		/* more data than the caller has room for */
	NETVSC_CTL_BAD_OBJECT,		/* NDIS object header or contents */
	NETVSC_CTL_BAD_TABLE,		/* indirection table: count, place or entries */
	NETVSC_CTL_NB_VERDICTS,
};

/* A short lower-case phrase for log lines ("info or status buffer outside the message"). */
const char *netvsc_ctl_verdict_str(enum netvsc_ctl_verdict v);

/* ---- NVSP (spec/nvsp.md 3): completion payloads and inband messages ---- */

/* The payload of a whole channel packet (descriptor first) of len bytes. */
enum netvsc_ctl_verdict netvsc_ctl_parse_chanpkt(const uint8_t *pkt, uint32_t len,
						 uint32_t *payload_offset);

/* The type word of an NVSP message. */
enum netvsc_ctl_verdict netvsc_ctl_parse_nvsp_type(const uint8_t *msg, uint32_t len,
						   uint32_t *type);

/* Any awaited NVSP reply: at least min_bytes, of type want_type. */
enum netvsc_ctl_verdict netvsc_ctl_parse_nvsp_reply(const uint8_t *msg, uint32_t len,
						    uint32_t want_type, uint32_t min_bytes);

/* NVSP status of a reply; REFUSED when not NVSP_STATUS_SUCCESS. */
struct netvsc_nvsp_init_reply {
	uint32_t status;
};
enum netvsc_ctl_verdict netvsc_ctl_parse_init_complete(const uint8_t *msg, uint32_t len,
						       struct netvsc_nvsp_init_reply *out);

/* 102: one section at offset 0, its slots inside the rxbuf_bytes we gave. */
struct netvsc_nvsp_rxbuf_reply {
	uint32_t status;
	uint32_t nb_sections;
	uint32_t section_offset;
	uint32_t slot_bytes;
	uint32_t nb_slots;
};
enum netvsc_ctl_verdict netvsc_ctl_parse_rxbuf_complete(const uint8_t *msg, uint32_t len,
							uint32_t rxbuf_bytes,
							struct netvsc_nvsp_rxbuf_reply *out);

/* 105: a section size that is non-zero, 4-aligned and fits txbuf_bytes at least once. */
struct netvsc_nvsp_txbuf_reply {
	uint32_t status;
	uint32_t section_bytes;
	uint32_t nb_sections;		/* txbuf_bytes / section_bytes: never past the buffer */
};
enum netvsc_ctl_verdict netvsc_ctl_parse_txbuf_complete(const uint8_t *msg, uint32_t len,
							uint32_t txbuf_bytes,
							struct netvsc_nvsp_txbuf_reply *out);

/* 133: granted <= nb_asked (TOO_MANY otherwise); fewer is the caller's call. */
struct netvsc_nvsp_subchannel_reply {
	uint32_t status;
	uint32_t nb_granted;
};
enum netvsc_ctl_verdict netvsc_ctl_parse_subchannel_complete(const uint8_t *msg, uint32_t len,
							     uint32_t nb_asked,
							     struct netvsc_nvsp_subchannel_reply *out);

/* 134 (inband): 16 channel indexes, each below max_channels, inside the message. */
#define NETVSC_INDIRECTION_ENTRIES	16u
struct netvsc_nvsp_indirection {
	uint32_t entry[NETVSC_INDIRECTION_ENTRIES];
};
enum netvsc_ctl_verdict netvsc_ctl_parse_indirection_table(const uint8_t *msg, uint32_t len,
							   uint32_t max_channels,
							   struct netvsc_nvsp_indirection *out);

/* 128 (inband): a VF came (allocated 1) or went (0); its serial number. */
struct netvsc_nvsp_vf {
	uint32_t allocated;
	uint32_t serial;
};
enum netvsc_ctl_verdict netvsc_ctl_parse_vf_association(const uint8_t *msg, uint32_t len,
							struct netvsc_nvsp_vf *out);

/* ---- RNDIS (spec/rndis.md 2-3): control messages from the receive buffer ---- */

/*
 * A non-PACKET RNDIS message of len bytes (its own length field, checked by
 * the rx gate): a status indication, with its buffer inside the message, or
 * a completion, with its request id. WRONG_TYPE for anything else.
 */
struct netvsc_rndis_ctl {
	uint32_t type;
	uint32_t request_id;		/* completions */
	uint32_t status;		/* indications */
	uint32_t buf_offset;		/* indications: buffer, from the message start */
	uint32_t buf_bytes;		/* 0: no buffer */
};
enum netvsc_ctl_verdict netvsc_ctl_parse_rndis_ctl(const uint8_t *msg, uint32_t len,
						   struct netvsc_rndis_ctl *out);

/* Any awaited RNDIS completion: its type (always set when len >= 4), and size. */
enum netvsc_ctl_verdict netvsc_ctl_parse_rndis_reply(const uint8_t *msg, uint32_t len,
						     uint32_t want_type, uint32_t min_bytes,
						     uint32_t *type);

/* INITIALIZE_CMPLT: the limits of aggregated sends, normalised. */
struct netvsc_rndis_init_reply {
	uint32_t status;
	uint32_t max_pkts;		/* >= 1 */
	uint32_t max_xfer_bytes;	/* > 0 */
	uint32_t align_bytes;		/* a power of two, 1 .. 2048 */
};
enum netvsc_ctl_verdict netvsc_ctl_parse_init_cmplt(const uint8_t *msg, uint32_t len,
						    struct netvsc_rndis_init_reply *out);

/* QUERY_CMPLT: the info buffer inside the message and within room bytes. */
struct netvsc_rndis_query_reply {
	uint32_t status;
	uint32_t info_offset;		/* from the message start */
	uint32_t info_bytes;		/* 0: no data */
	uint32_t host_offset;		/* the host's field, from byte 8 (for logs) */
};
enum netvsc_ctl_verdict netvsc_ctl_parse_query_cmplt(const uint8_t *msg, uint32_t len,
						     uint32_t room,
						     struct netvsc_rndis_query_reply *out);

/* SET_CMPLT: its status. */
enum netvsc_ctl_verdict netvsc_ctl_parse_set_cmplt(const uint8_t *msg, uint32_t len,
						   uint32_t *status);

/* NDIS_RECEIVE_SCALE_CAPABILITIES (rndis.md 5.4) as a query returned it. */
struct netvsc_rss_caps_view {
	uint32_t caps;			/* NDIS_RSS_CAP_* */
	uint32_t nb_rx_queues;		/* >= 1 */
	uint32_t nb_table_entries;	/* 0: not reported (revision 1) */
};
enum netvsc_ctl_verdict netvsc_ctl_parse_rss_caps(const uint8_t *obj, uint32_t len,
						  struct netvsc_rss_caps_view *out);

/* NDIS_OFFLOAD hardware capabilities (rndis.md 5.2) as a query returned them. */
struct netvsc_offload_caps_view {
	uint32_t ip4_tx_csum, ip4_rx_csum;	/* NDIS_CSUM_* */
	uint32_t ip6_tx_csum, ip6_rx_csum;
	uint32_t lsov2_ip4_encap, lsov2_ip6_encap, lsov2_ip6_options;
};
enum netvsc_ctl_verdict netvsc_ctl_parse_offload_caps(const uint8_t *obj, uint32_t len,
						      struct netvsc_offload_caps_view *out);

/* rndis.md 5.2: capability bits, each need whole. */
static inline bool
netvsc_caps_have(uint32_t caps, uint32_t need)
{
	return (caps & need) == need;
}

/* LSOv2 over IPv4: 802.3 encapsulation. */
static inline bool
netvsc_caps_lso4(const struct netvsc_offload_caps_view *c)
{
	return netvsc_caps_have(c->lsov2_ip4_encap, NDIS_ENCAP_802_3);
}

/* LSOv2 over IPv6: 802.3, with extension headers and TCP options. */
static inline bool
netvsc_caps_lso6(const struct netvsc_offload_caps_view *c)
{
	return netvsc_caps_have(c->lsov2_ip6_encap, NDIS_ENCAP_802_3) &&
	       netvsc_caps_have(c->lsov2_ip6_options,
				NDIS_LSOV2_IP6_EXT_HDRS | NDIS_LSOV2_IP6_TCP_OPTIONS);
}

/* rndis.md 5.3: Linux leaves UDP/IPv4 checksums alone below NVSP 5; so do we. */
static inline bool
netvsc_caps_udp4_usable(uint32_t nvsp_version)
{
	return nvsp_version >= NVSP_VERSION_5;
}

/* RSC (LRO) is NVSP 6.1's, switched in offload parameters of revision 3 (NDIS 6.30). */
static inline bool
netvsc_caps_rsc(uint32_t nvsp_version, uint32_t ndis_minor)
{
	return nvsp_version >= NVSP_VERSION_61 && ndis_minor >= 30;
}

/*
 * The offload parameters object (rndis.md 5.3) that switches on every
 * checksum and LSOv2 the capabilities offer, RSC as lro says: revision 3
 * (28 bytes) for NDIS 6.30, else 2 (22 bytes, no RSC). Returns its size, or
 * 0 when lro is asked of a host that cannot coalesce (NVSP < 6.1).
 */
uint32_t netvsc_ctl_offload_params(const struct netvsc_offload_caps_view *c,
				   uint32_t nvsp_version, uint32_t ndis_minor, bool lro,
				   uint8_t prm[NDIS_OFFLOAD_PARAMS_SIZE_REV3]);

#endif /* NETVSC_CTL_PARSE_H */
