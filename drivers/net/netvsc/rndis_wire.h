/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RNDIS and NDIS wire facts only (spec/rndis.md): message types, status
 * codes, OIDs, the control message layouts and the NDIS objects they carry.
 * No logic here. Every layout is packed; sizes are checked below.
 */
#ifndef RNDIS_WIRE_H
#define RNDIS_WIRE_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#define RNDIS_PACKED __attribute__((packed))

/* Message types (rndis.md 2); a completion is its request's type | 0x80000000. */
#define RNDIS_MSG_PACKET		0x00000001u
#define RNDIS_MSG_INIT			0x00000002u
#define RNDIS_MSG_HALT			0x00000003u
#define RNDIS_MSG_QUERY			0x00000004u
#define RNDIS_MSG_SET			0x00000005u
#define RNDIS_MSG_RESET			0x00000006u
#define RNDIS_MSG_INDICATE_STATUS	0x00000007u
#define RNDIS_MSG_KEEPALIVE		0x00000008u
#define RNDIS_MSG_SET_EX		0x00000009u
#define RNDIS_MSG_COMPLETION		0x80000000u
#define RNDIS_MSG_INIT_CMPLT		(RNDIS_MSG_INIT | RNDIS_MSG_COMPLETION)
#define RNDIS_MSG_QUERY_CMPLT		(RNDIS_MSG_QUERY | RNDIS_MSG_COMPLETION)
#define RNDIS_MSG_SET_CMPLT		(RNDIS_MSG_SET | RNDIS_MSG_COMPLETION)
#define RNDIS_MSG_RESET_CMPLT		(RNDIS_MSG_RESET | RNDIS_MSG_COMPLETION)
#define RNDIS_MSG_KEEPALIVE_CMPLT	(RNDIS_MSG_KEEPALIVE | RNDIS_MSG_COMPLETION)

/* Status codes (rndis.md 2.1). */
#define RNDIS_STATUS_SUCCESS		0x00000000u
#define RNDIS_STATUS_PENDING		0x00000103u
#define RNDIS_STATUS_BUFFER_OVERFLOW	0x80000005u
#define RNDIS_STATUS_MEDIA_CONNECT	0x4001000bu
#define RNDIS_STATUS_MEDIA_DISCONNECT	0x4001000cu
#define RNDIS_STATUS_LINK_SPEED_CHANGE	0x40010013u
#define RNDIS_STATUS_NETWORK_CHANGE	0x40010018u
#define RNDIS_STATUS_FAILURE		0xc0000001u
#define RNDIS_STATUS_RESOURCES		0xc000009au
#define RNDIS_STATUS_NOT_SUPPORTED	0xc00000bbu
#define RNDIS_STATUS_BAD_VERSION	0xc0010004u
#define RNDIS_STATUS_INVALID_LENGTH	0xc0010014u
#define RNDIS_STATUS_INVALID_DATA	0xc0010015u
#define RNDIS_STATUS_BUFFER_TOO_SHORT	0xc0010016u
#define RNDIS_STATUS_INVALID_OID	0xc0010017u

/* OIDs (rndis.md 4). */
#define RNDIS_OID_GEN_MAXIMUM_FRAME_SIZE	0x00010106u
#define RNDIS_OID_GEN_LINK_SPEED		0x00010107u
#define RNDIS_OID_GEN_CURRENT_PACKET_FILTER	0x0001010eu
#define RNDIS_OID_GEN_MEDIA_CONNECT_STATUS	0x00010114u
#define RNDIS_OID_GEN_RSS_CAPABILITIES		0x00010203u
#define RNDIS_OID_GEN_RSS_PARAMETERS		0x00010204u
#define RNDIS_OID_GEN_XMIT_OK			0x00020101u
#define RNDIS_OID_GEN_RCV_OK			0x00020102u
#define RNDIS_OID_GEN_XMIT_ERROR		0x00020103u
#define RNDIS_OID_GEN_RCV_ERROR			0x00020104u
#define RNDIS_OID_GEN_RCV_NO_BUFFER		0x00020105u
#define RNDIS_OID_GEN_BYTES_RCV			0x00020219u
#define RNDIS_OID_GEN_BYTES_XMIT		0x0002021au
#define RNDIS_OID_802_3_PERMANENT_ADDRESS	0x01010101u
#define RNDIS_OID_802_3_CURRENT_ADDRESS		0x01010102u
#define RNDIS_OID_802_3_MULTICAST_LIST		0x01010103u
#define RNDIS_OID_TCP_OFFLOAD_PARAMETERS	0xfc01020cu
#define RNDIS_OID_TCP_OFFLOAD_HW_CAPS		0xfc01020du

/* rndis.md 4: GEN_MEDIA_CONNECT_STATUS values. */
#define RNDIS_MEDIA_CONNECTED		0u
#define RNDIS_MEDIA_DISCONNECTED	1u

/* rndis.md 3.2: what a host reports. */
#define RNDIS_VERSION_MAJOR		1u
#define RNDIS_VERSION_MINOR		0u
#define RNDIS_DEVICE_FLAG_CONNECTIONLESS 1u
#define RNDIS_MEDIUM_802_3		0u

/* rndis.md 3.4: info_buffer_offset counts from the request_id field (offset 8). */
#define RNDIS_INFO_OFFSET_BASE		8u

#define RNDIS_MAC_BYTES			6u

struct rndis_msg_hdr {			/* start of every RNDIS message */
	uint32_t type;
	uint32_t length;		/* this message's bytes, header included */
} RNDIS_PACKED;
static_assert(sizeof(struct rndis_msg_hdr) == 8, "RNDIS header");

struct rndis_init_req {			/* rndis.md 3.1 */
	uint32_t type;			/* RNDIS_MSG_INIT */
	uint32_t length;		/* 24 */
	uint32_t request_id;
	uint32_t major_version;
	uint32_t minor_version;
	uint32_t max_transfer_bytes;
} RNDIS_PACKED;
static_assert(sizeof(struct rndis_init_req) == 24, "RNDIS init");

struct rndis_init_comp {		/* rndis.md 3.2 */
	uint32_t type;			/* RNDIS_MSG_INIT_CMPLT */
	uint32_t length;		/* 52 */
	uint32_t request_id;
	uint32_t status;
	uint32_t major_version;
	uint32_t minor_version;
	uint32_t device_flags;
	uint32_t medium;
	uint32_t max_pkts_per_msg;
	uint32_t max_transfer_bytes;
	uint32_t pkt_align_log2;
	uint32_t af_list_offset;
	uint32_t af_list_size;
} RNDIS_PACKED;
static_assert(offsetof(struct rndis_init_comp, max_pkts_per_msg) == 32, "RNDIS init comp");
static_assert(sizeof(struct rndis_init_comp) == 52, "RNDIS init comp");

struct rndis_halt_req {			/* rndis.md 3.3, no reply */
	uint32_t type;			/* RNDIS_MSG_HALT */
	uint32_t length;		/* 12 */
	uint32_t request_id;
} RNDIS_PACKED;
static_assert(sizeof(struct rndis_halt_req) == 12, "RNDIS halt");

struct rndis_query_req {		/* rndis.md 3.4; SET has the same layout (3.5) */
	uint32_t type;			/* RNDIS_MSG_QUERY or RNDIS_MSG_SET */
	uint32_t length;		/* 28 + info_buffer_length */
	uint32_t request_id;
	uint32_t oid;
	uint32_t info_buffer_length;
	uint32_t info_buffer_offset;	/* from offset 8; guests send 20 */
	uint32_t device_vc_handle;
} RNDIS_PACKED;
static_assert(offsetof(struct rndis_query_req, info_buffer_offset) == 20, "RNDIS query");
static_assert(sizeof(struct rndis_query_req) == 28, "RNDIS query");

struct rndis_query_comp {		/* rndis.md 3.4 */
	uint32_t type;			/* RNDIS_MSG_QUERY_CMPLT */
	uint32_t length;		/* 24 + info_buffer_length */
	uint32_t request_id;
	uint32_t status;
	uint32_t info_buffer_length;
	uint32_t info_buffer_offset;	/* from offset 8: 16, or 0 with no data */
} RNDIS_PACKED;
static_assert(sizeof(struct rndis_query_comp) == 24, "RNDIS query comp");

/* rndis.md 3.4: the offset hosts put in a query completion (data at absolute 24). */
#define RNDIS_QUERY_COMP_INFO_OFFSET \
	(sizeof(struct rndis_query_comp) - RNDIS_INFO_OFFSET_BASE)

struct rndis_comp {			/* SET_CMPLT and KEEPALIVE_CMPLT, rndis.md 3.5, 3.7 */
	uint32_t type;
	uint32_t length;		/* 16 */
	uint32_t request_id;
	uint32_t status;
} RNDIS_PACKED;
static_assert(sizeof(struct rndis_comp) == 16, "RNDIS completion");

struct rndis_reset_comp {		/* rndis.md 3.6 */
	uint32_t type;			/* RNDIS_MSG_RESET_CMPLT */
	uint32_t length;		/* 16 */
	uint32_t status;
	uint32_t addressing_reset;	/* 1: guest must re-send filter and multicast */
} RNDIS_PACKED;
static_assert(sizeof(struct rndis_reset_comp) == 16, "RNDIS reset comp");

struct rndis_indicate_status {		/* rndis.md 3.8, host -> guest; buffer follows */
	uint32_t type;			/* RNDIS_MSG_INDICATE_STATUS */
	uint32_t length;		/* 20 + status_buffer_length */
	uint32_t status;		/* RNDIS_STATUS_MEDIA_CONNECT, ... (rndis.md 7) */
	uint32_t status_buffer_length;
	uint32_t status_buffer_offset;	/* from offset 8: 12, or 0 with no buffer */
} RNDIS_PACKED;
static_assert(sizeof(struct rndis_indicate_status) == 20, "RNDIS indicate status");

/* rndis.md 7: NETWORK_CHANGE buffer, a u32 change type. */
#define RNDIS_NETWORK_CHANGE_DEFINITE	2u

/* Shortest request of each kind (RESET and KEEPALIVE: 12 bytes, rndis.md 3.6-3.7). */
#define RNDIS_SHORT_REQ_BYTES		12u

/* NDIS object header (rndis.md 5.1). */
#define NDIS_OBJTYPE_DEFAULT		0x80u
#define NDIS_OBJTYPE_RSS_CAPS		0x88u
#define NDIS_OBJTYPE_RSS_PARAMS		0x89u
#define NDIS_OBJTYPE_OFFLOAD		0xa7u

struct ndis_obj_hdr {
	uint8_t  type;
	uint8_t  revision;
	uint16_t size;			/* object bytes, header included */
} RNDIS_PACKED;
static_assert(sizeof(struct ndis_obj_hdr) == 4, "NDIS object header");

/* NDIS_OFFLOAD sizes by revision (rndis.md 5.2). */
#define NDIS_OFFLOAD_SIZE_REV1		112u
#define NDIS_OFFLOAD_SIZE_REV2		144u
#define NDIS_OFFLOAD_SIZE_REV3		156u

/* Checksum capability bits (rndis.md 5.2). */
#define NDIS_CSUM_IP4_OPTIONS		0x001u
#define NDIS_CSUM_IP6_EXT_HDRS		0x001u
#define NDIS_CSUM_TCP_OPTIONS		0x004u
#define NDIS_CSUM_TCP			0x010u
#define NDIS_CSUM_UDP			0x040u
#define NDIS_CSUM_IP4_HDR		0x100u
#define NDIS_ENCAP_802_3		0x002u
#define NDIS_LSOV2_IP6_EXT_HDRS		0x001u
#define NDIS_LSOV2_IP6_TCP_OPTIONS	0x004u

struct ndis_offload {			/* hardware capabilities, rndis.md 5.2 */
	struct ndis_obj_hdr hdr;	/* NDIS_OBJTYPE_OFFLOAD */
	uint32_t ip4_tx_encap;
	uint32_t ip4_tx_csum;
	uint32_t ip4_rx_encap;
	uint32_t ip4_rx_csum;
	uint32_t ip6_tx_encap;
	uint32_t ip6_tx_csum;
	uint32_t ip6_rx_encap;
	uint32_t ip6_rx_csum;
	uint32_t lsov1[4];
	uint32_t ipsec_v1[7];
	uint32_t lsov2_ip4_encap;
	uint32_t lsov2_ip4_max_bytes;
	uint32_t lsov2_ip4_min_segs;
	uint32_t lsov2_ip6_encap;
	uint32_t lsov2_ip6_max_bytes;
	uint32_t lsov2_ip6_min_segs;
	uint32_t lsov2_ip6_options;
	uint32_t flags;			/* end of revision 1 */
	uint8_t  ipsec_v2[32];		/* end of revision 2 */
	uint8_t  rsc_ip4;
	uint8_t  rsc_ip6;
	uint8_t  pad[2];
	uint32_t encap_flags;
	uint32_t encap_max_header_bytes;	/* end of revision 3 */
} RNDIS_PACKED;
static_assert(offsetof(struct ndis_offload, lsov2_ip4_encap) == 80, "NDIS offload");
static_assert(offsetof(struct ndis_offload, ipsec_v2) == NDIS_OFFLOAD_SIZE_REV1, "NDIS offload");
static_assert(offsetof(struct ndis_offload, rsc_ip4) == NDIS_OFFLOAD_SIZE_REV2, "NDIS offload");
static_assert(sizeof(struct ndis_offload) == NDIS_OFFLOAD_SIZE_REV3, "NDIS offload");

/* NDIS_OFFLOAD_PARAMETERS (set): shortest object of revision 1 (rndis.md 5.3). */
#define NDIS_OFFLOAD_PARAMS_SIZE_REV1	20u
#define NDIS_OFFLOAD_PARAMS_SIZE_REV3	28u
#define NDIS_OFFLOAD_PARAMS_RSC_IP4	22u	/* byte offsets */
#define NDIS_OFFLOAD_PARAMS_RSC_IP6	23u
#define NDIS_OFFLOAD_PARAM_OFF		1u
#define NDIS_OFFLOAD_PARAM_ON		2u

/* NDIS_RECEIVE_SCALE_CAPABILITIES (rndis.md 5.4). */
#define NDIS_RSS_CAPS_REV2		2u
#define NDIS_RSS_CAPS_SIZE_REV2		18u	/* the trailing pad is not counted */
#define NDIS_RSS_CAP_TOEPLITZ		0x00000001u
#define NDIS_RSS_CAP_TCP4		0x00000100u
#define NDIS_RSS_CAP_TCP6		0x00000200u
#define NDIS_RSS_CAP_UDP4		0x00000800u	/* NDIS 6.80 UDP hash types */
#define NDIS_RSS_CAP_UDP6		0x00001000u

struct ndis_rss_caps {
	struct ndis_obj_hdr hdr;	/* NDIS_OBJTYPE_RSS_CAPS */
	uint32_t caps;
	uint32_t nb_interrupt_msgs;
	uint32_t nb_rx_queues;
	uint16_t nb_table_entries;	/* revision 2 */
	uint16_t pad;
} RNDIS_PACKED;
static_assert(offsetof(struct ndis_rss_caps, nb_table_entries) == 16, "NDIS RSS caps");
static_assert(sizeof(struct ndis_rss_caps) == 20, "NDIS RSS caps");

/* NDIS_RECEIVE_SCALE_PARAMETERS (rndis.md 5.5, 5.7). */
#define NDIS_RSS_PARAMS_SIZE_REV1	28u
#define NDIS_RSS_FLAG_DISABLE		0x0010u
#define NDIS_RSS_HASH_FUNC_MASK		0x000000ffu
#define NDIS_RSS_KEY_BYTES		40u
/*
 * Table entries: the host's count (caps revision 2) up to 256, as Linux takes
 * it; 128 when it reports none or more (DPDK's and older Linux's fixed size).
 */
#define NDIS_RSS_TABLE_DEFAULT		128u
#define NDIS_RSS_TABLE_MAX		256u

struct ndis_rss_params {
	struct ndis_obj_hdr hdr;	/* NDIS_OBJTYPE_RSS_PARAMS */
	uint16_t flags;
	uint16_t base_cpu;
	uint32_t hash_info;
	uint16_t table_bytes;
	uint16_t pad0;
	uint32_t table_offset;		/* from the start of the object */
	uint16_t key_bytes;
	uint16_t pad1;
	uint32_t key_offset;		/* from the start of the object */
	uint32_t proc_masks_offset;
	uint32_t nb_proc_masks;
	uint32_t proc_masks_entry_bytes;
} RNDIS_PACKED;
static_assert(offsetof(struct ndis_rss_params, key_offset) == 24, "NDIS RSS params");
static_assert(sizeof(struct ndis_rss_params) == 40, "NDIS RSS params");

/* RNDIS PACKET message (rndis.md 6): offsets count from byte 8, like info buffers. */
#define RNDIS_PACKET_OFFSET_BASE	8u
#define RNDIS_PACKET_MIN_DATA_OFFSET	36u	/* = sizeof(rndis_packet_msg) - 8 */

struct rndis_packet_msg {
	uint32_t type;			/* RNDIS_MSG_PACKET */
	uint32_t length;		/* header, PPIs, frame (and aggregation padding) */
	uint32_t data_offset;		/* frame, from byte 8 */
	uint32_t data_length;		/* frame bytes, no FCS */
	uint32_t oob_data_offset;	/* 0 */
	uint32_t oob_data_length;	/* 0 */
	uint32_t nb_oob_elements;	/* 0 */
	uint32_t ppi_offset;		/* first PPI record, from byte 8; 0 if none */
	uint32_t ppi_length;		/* bytes of all PPI records */
	uint32_t vc_handle;		/* 0 */
	uint32_t reserved;
} RNDIS_PACKED;
static_assert(offsetof(struct rndis_packet_msg, ppi_offset) == 28, "RNDIS packet");
static_assert(sizeof(struct rndis_packet_msg) == 44, "RNDIS packet");

/* Per-packet-info record header (rndis.md 6.1); data follows at data_offset (12). */
struct rndis_ppi {
	uint32_t size;			/* whole record, multiple of 4, never 0 */
	uint32_t type;			/* bit 31: internal (Linux) */
	uint32_t data_offset;		/* from the record start */
} RNDIS_PACKED;
static_assert(sizeof(struct rndis_ppi) == 12, "RNDIS PPI");

#define RNDIS_PPI_CSUM			0u
#define RNDIS_PPI_LSO			2u
#define RNDIS_PPI_VLAN			6u
#define RNDIS_PPI_HASH_VALUE		8u
#define RNDIS_PPI_HASH_INFO		9u
/* Internal "packet id" PPI of RSC (rndis.md 6.1, 6.3): version u8, flags u8, id u16. */
#define RNDIS_PPI_PKT_ID		0x80000001u
#define RNDIS_PKT_ID_FIRST		0x02u
#define RNDIS_PKT_ID_LAST		0x04u

/* Checksum PPI, guest -> host request (rndis.md 6.1). */
#define RNDIS_TX_CSUM_IPV4		0x01u
#define RNDIS_TX_CSUM_IPV6		0x02u
#define RNDIS_TX_CSUM_TCP		0x04u
#define RNDIS_TX_CSUM_UDP		0x08u
#define RNDIS_TX_CSUM_IP_HDR		0x10u
#define RNDIS_TX_CSUM_L4_OFFSET_SHIFT	16
#define RNDIS_TX_CSUM_L4_OFFSET_MASK	0x3ffu

/* Checksum PPI, host -> guest result (rndis.md 6.1). */
#define RNDIS_RX_CSUM_TCP_FAILED	0x001u
#define RNDIS_RX_CSUM_UDP_FAILED	0x002u
#define RNDIS_RX_CSUM_IP_FAILED		0x004u
#define RNDIS_RX_CSUM_TCP_OK		0x008u
#define RNDIS_RX_CSUM_UDP_OK		0x010u
#define RNDIS_RX_CSUM_IP_OK		0x020u

/* LSO v2 PPI word (rndis.md 6.1). */
#define RNDIS_LSO_MSS_MASK		0xfffffu
#define RNDIS_LSO_TCP_OFFSET_SHIFT	20
#define RNDIS_LSO_TCP_OFFSET_MASK	0x3ffu
#define RNDIS_LSO_V2			0x40000000u	/* type 1: LSO v2 */
#define RNDIS_LSO_IPV6			0x80000000u

/* 802.1Q PPI word (rndis.md 6.1): priority 0-2, CFI 3, VLAN id 4-15. */
#define RNDIS_VLAN_PCP_MASK		0x7u
#define RNDIS_VLAN_CFI_SHIFT		3
#define RNDIS_VLAN_ID_SHIFT		4
#define RNDIS_VLAN_ID_MASK		0xfffu

/* Packet filter bits (rndis.md 8). */
#define RNDIS_FILTER_DIRECTED		0x01u
#define RNDIS_FILTER_MULTICAST		0x02u
#define RNDIS_FILTER_ALL_MULTICAST	0x04u
#define RNDIS_FILTER_BROADCAST		0x08u
#define RNDIS_FILTER_PROMISCUOUS	0x20u

/* Hash information bits (rndis.md 5.7). */
#define NDIS_HASH_FUNC_TOEPLITZ		0x00000001u
#define NDIS_HASH_IPV4			0x00000100u
#define NDIS_HASH_TCP_IPV4		0x00000200u
#define NDIS_HASH_IPV6			0x00000400u
#define NDIS_HASH_TCP_IPV6		0x00001000u
#define NDIS_HASH_UDP_IPV4		0x00004000u
#define NDIS_HASH_UDP_IPV6		0x00008000u

#endif /* RNDIS_WIRE_H */
