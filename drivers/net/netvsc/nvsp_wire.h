/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NVSP wire facts only (spec/nvsp.md): message types, versions, status values
 * and the message layouts both ends of the protocol use. No logic here.
 * Every message is packed and padded to NVSP_MSG_BYTES, the size we send.
 */
#ifndef NVSP_WIRE_H
#define NVSP_WIRE_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#define NVSP_PACKED __attribute__((packed))

/* nvsp.md 1.1: the size every party can accept; DPDK needs 40 for subchannel replies. */
#define NVSP_MSG_BYTES			40u

/* Message types (nvsp.md 3). */
#define NVSP_MSG_TYPE_INIT			1u
#define NVSP_MSG_TYPE_INIT_COMPLETE		2u
#define NVSP_MSG1_TYPE_SEND_NDIS_VER		100u
#define NVSP_MSG1_TYPE_SEND_RXBUF		101u
#define NVSP_MSG1_TYPE_SEND_RXBUF_COMPLETE	102u
#define NVSP_MSG1_TYPE_REVOKE_RXBUF		103u
#define NVSP_MSG1_TYPE_SEND_TXBUF		104u
#define NVSP_MSG1_TYPE_SEND_TXBUF_COMPLETE	105u
#define NVSP_MSG1_TYPE_REVOKE_TXBUF		106u
#define NVSP_MSG1_TYPE_SEND_RNDIS_PKT		107u
#define NVSP_MSG1_TYPE_SEND_RNDIS_PKT_COMPLETE	108u
#define NVSP_MSG2_TYPE_SEND_NDIS_CONFIG		125u
#define NVSP_MSG4_TYPE_SEND_VF_ASSOCIATION	128u
#define NVSP_MSG4_TYPE_SWITCH_DATA_PATH		129u
#define NVSP_MSG5_TYPE_SUBCHANNEL		133u	/* request and completion */
#define NVSP_MSG5_TYPE_SEND_INDIRECTION_TABLE	134u

/* Protocol versions (nvsp.md 2); NVSP 3 does not exist. */
#define NVSP_VERSION_1			0x00000002u
#define NVSP_VERSION_2			0x00030002u
#define NVSP_VERSION_4			0x00040000u
#define NVSP_VERSION_5			0x00050000u
#define NVSP_VERSION_6			0x00060000u
#define NVSP_VERSION_61			0x00060001u

/* NDIS versions announced after negotiation (nvsp.md 2). */
#define NVSP_NDIS_VERSION_6_1		0x00060001u	/* NVSP <= 4 */
#define NVSP_NDIS_VERSION_6_20		0x00060014u	/* RSS threshold */
#define NVSP_NDIS_VERSION_6_30		0x0006001eu	/* NVSP >= 5 */

/* Status values in replies (nvsp.md 3); guests only test for SUCCESS. */
#define NVSP_STATUS_NONE		0u
#define NVSP_STATUS_SUCCESS		1u
#define NVSP_STATUS_FAILURE		2u
#define NVSP_STATUS_PROTOCOL_TOO_NEW	3u
#define NVSP_STATUS_PROTOCOL_TOO_OLD	4u
#define NVSP_STATUS_INVALID_RNDIS_PKT	5u
#define NVSP_STATUS_BUSY		6u
#define NVSP_STATUS_PROTOCOL_UNSUPPORTED 7u

/* NDIS config capability bits (nvsp.md 3.4). */
#define NVSP_NDIS_CAP_VMQ		0x01u
#define NVSP_NDIS_CAP_CHIMNEY		0x02u
#define NVSP_NDIS_CAP_SRIOV		0x04u
#define NVSP_NDIS_CAP_IEEE8021Q		0x08u
#define NVSP_NDIS_CAP_CORRELATION_ID	0x10u
#define NVSP_NDIS_CAP_TEAMING		0x20u
#define NVSP_NDIS_CAP_VIRTUAL_SUBNET	0x40u
#define NVSP_NDIS_CAP_RSC		0x80u

#define NVSP_RXBUF_ID			0xcafeu	/* all guests; transfer-page set id */
#define NVSP_TXBUF_ID			0xfaceu	/* DPDK and FreeBSD; Linux sends 0 */
#define NVSP_RNDIS_CHANNEL_DATA		0u
#define NVSP_RNDIS_CHANNEL_CONTROL	1u
#define NVSP_SECTION_NONE		0xffffffffu	/* 107: no send-buffer section */
#define NVSP_SUBCHANNEL_OP_ALLOCATE	1u

struct nvsp_hdr {
	uint32_t msg_type;
} NVSP_PACKED;
static_assert(sizeof(struct nvsp_hdr) == 4, "NVSP header");

struct nvsp_init {			/* guest -> host, nvsp.md 3.1 */
	uint32_t msg_type;		/* NVSP_MSG_TYPE_INIT */
	uint32_t min_version;
	uint32_t max_version;		/* guests send min == max */
	uint8_t  pad[28];
} NVSP_PACKED;
static_assert(offsetof(struct nvsp_init, max_version) == 8, "NVSP init");
static_assert(sizeof(struct nvsp_init) == NVSP_MSG_BYTES, "NVSP init");

struct nvsp_init_complete {		/* host -> guest, nvsp.md 3.2 */
	uint32_t msg_type;		/* NVSP_MSG_TYPE_INIT_COMPLETE */
	uint32_t negotiated_version;	/* deprecated; guests ignore it */
	uint32_t max_mdl_chain_len;	/* guests ignore it */
	uint32_t status;
	uint8_t  pad[24];
} NVSP_PACKED;
static_assert(offsetof(struct nvsp_init_complete, status) == 12, "NVSP init complete");
static_assert(sizeof(struct nvsp_init_complete) == NVSP_MSG_BYTES, "NVSP init complete");

struct nvsp_ndis_ver {			/* guest -> host, no reply, nvsp.md 3.3 */
	uint32_t msg_type;		/* NVSP_MSG1_TYPE_SEND_NDIS_VER */
	uint32_t ndis_major;
	uint32_t ndis_minor;
	uint8_t  pad[28];
} NVSP_PACKED;
static_assert(offsetof(struct nvsp_ndis_ver, ndis_minor) == 8, "NVSP NDIS version");
static_assert(sizeof(struct nvsp_ndis_ver) == NVSP_MSG_BYTES, "NVSP NDIS version");

struct nvsp_ndis_config {		/* guest -> host, no reply, nvsp.md 3.4 */
	uint32_t msg_type;		/* NVSP_MSG2_TYPE_SEND_NDIS_CONFIG */
	uint32_t mtu;			/* includes the 14-byte Ethernet header */
	uint32_t reserved;
	uint64_t caps;			/* NVSP_NDIS_CAP_*, unaligned */
	uint8_t  pad[20];
} NVSP_PACKED;
static_assert(offsetof(struct nvsp_ndis_config, caps) == 12, "NVSP NDIS config");
static_assert(sizeof(struct nvsp_ndis_config) == NVSP_MSG_BYTES, "NVSP NDIS config");

struct nvsp_send_rxbuf {		/* guest -> host, nvsp.md 3.5 */
	uint32_t msg_type;		/* NVSP_MSG1_TYPE_SEND_RXBUF */
	uint32_t gpadl;
	uint16_t id;			/* NVSP_RXBUF_ID */
	uint8_t  pad[30];		/* DPDK leaves these unzeroed */
} NVSP_PACKED;
static_assert(offsetof(struct nvsp_send_rxbuf, id) == 8, "NVSP send rxbuf");
static_assert(sizeof(struct nvsp_send_rxbuf) == NVSP_MSG_BYTES, "NVSP send rxbuf");

struct nvsp_rxbuf_section {		/* nvsp.md 3.6 */
	uint32_t offset;		/* must be 0 */
	uint32_t sub_alloc_bytes;	/* one receive slot */
	uint32_t nb_sub_allocs;
	uint32_t end_offset;		/* offset + bytes * count */
} NVSP_PACKED;
static_assert(sizeof(struct nvsp_rxbuf_section) == 16, "NVSP rxbuf section");

struct nvsp_send_rxbuf_complete {	/* host -> guest, nvsp.md 3.6 */
	uint32_t msg_type;		/* NVSP_MSG1_TYPE_SEND_RXBUF_COMPLETE */
	uint32_t status;
	uint32_t nb_sections;		/* must be 1 */
	struct nvsp_rxbuf_section section;
	uint8_t  pad[12];
} NVSP_PACKED;
static_assert(offsetof(struct nvsp_send_rxbuf_complete, section) == 12, "NVSP rxbuf complete");
static_assert(sizeof(struct nvsp_send_rxbuf_complete) == NVSP_MSG_BYTES, "NVSP rxbuf complete");

struct nvsp_revoke_buf {		/* 103 / 106, guest -> host, no reply, nvsp.md 3.7 */
	uint32_t msg_type;
	uint16_t id;
	uint8_t  pad[34];
} NVSP_PACKED;
static_assert(offsetof(struct nvsp_revoke_buf, id) == 4, "NVSP revoke");
static_assert(sizeof(struct nvsp_revoke_buf) == NVSP_MSG_BYTES, "NVSP revoke");

struct nvsp_send_txbuf {		/* guest -> host, nvsp.md 3.8 */
	uint32_t msg_type;		/* NVSP_MSG1_TYPE_SEND_TXBUF */
	uint32_t gpadl;
	uint16_t id;			/* informational; the host ignores it */
	uint8_t  pad[30];
} NVSP_PACKED;
static_assert(offsetof(struct nvsp_send_txbuf, id) == 8, "NVSP send txbuf");
static_assert(sizeof(struct nvsp_send_txbuf) == NVSP_MSG_BYTES, "NVSP send txbuf");

struct nvsp_send_txbuf_complete {	/* host -> guest, nvsp.md 3.9 */
	uint32_t msg_type;		/* NVSP_MSG1_TYPE_SEND_TXBUF_COMPLETE */
	uint32_t status;
	uint32_t section_bytes;		/* non-zero, multiple of 4; Hyper-V 6144 */
	uint8_t  pad[28];
} NVSP_PACKED;
static_assert(offsetof(struct nvsp_send_txbuf_complete, section_bytes) == 8, "NVSP txbuf complete");
static_assert(sizeof(struct nvsp_send_txbuf_complete) == NVSP_MSG_BYTES, "NVSP txbuf complete");

struct nvsp_rndis_pkt {			/* both directions, nvsp.md 3.10 */
	uint32_t msg_type;		/* NVSP_MSG1_TYPE_SEND_RNDIS_PKT */
	uint32_t channel_type;		/* NVSP_RNDIS_CHANNEL_* */
	uint32_t section_index;		/* NVSP_SECTION_NONE: no send-buffer section */
	uint32_t section_bytes;		/* 0 with NVSP_SECTION_NONE */
	uint8_t  pad[24];
} NVSP_PACKED;
static_assert(offsetof(struct nvsp_rndis_pkt, section_bytes) == 12, "NVSP RNDIS packet");
static_assert(sizeof(struct nvsp_rndis_pkt) == NVSP_MSG_BYTES, "NVSP RNDIS packet");

struct nvsp_rndis_pkt_complete {	/* both directions, nvsp.md 3.11 */
	uint32_t msg_type;		/* NVSP_MSG1_TYPE_SEND_RNDIS_PKT_COMPLETE */
	uint32_t status;
	uint8_t  pad[32];
} NVSP_PACKED;
static_assert(offsetof(struct nvsp_rndis_pkt_complete, status) == 4, "NVSP RNDIS complete");
static_assert(sizeof(struct nvsp_rndis_pkt_complete) == NVSP_MSG_BYTES, "NVSP RNDIS complete");

struct nvsp_subchannel_req {		/* guest -> host, NVSP >= 5, nvsp.md 3.12 */
	uint32_t msg_type;		/* NVSP_MSG5_TYPE_SUBCHANNEL */
	uint32_t op;			/* NVSP_SUBCHANNEL_OP_ALLOCATE */
	uint32_t nb_subchannels;	/* requested */
	uint8_t  pad[28];
} NVSP_PACKED;
static_assert(offsetof(struct nvsp_subchannel_req, nb_subchannels) == 8, "NVSP subchannel");
static_assert(sizeof(struct nvsp_subchannel_req) == NVSP_MSG_BYTES, "NVSP subchannel");

struct nvsp_subchannel_complete {	/* host -> guest, nvsp.md 3.12 */
	uint32_t msg_type;		/* NVSP_MSG5_TYPE_SUBCHANNEL */
	uint32_t status;
	uint32_t nb_subchannels;	/* granted, never more than requested */
	uint8_t  pad[28];
} NVSP_PACKED;
static_assert(offsetof(struct nvsp_subchannel_complete, nb_subchannels) == 8,
	      "NVSP subchannel complete");
static_assert(sizeof(struct nvsp_subchannel_complete) == NVSP_MSG_BYTES,
	      "NVSP subchannel complete");

/* nvsp.md 3.15: host -> guest, NVSP >= 5; the table follows at table_offset. */
#define NVSP_INDIRECTION_TABLE_ENTRIES	16u
struct nvsp_indirection_table {
	uint32_t msg_type;		/* NVSP_MSG5_TYPE_SEND_INDIRECTION_TABLE */
	uint32_t nb_entries;		/* NVSP_INDIRECTION_TABLE_ENTRIES */
	uint32_t table_offset;		/* from the start of the message: 12 */
	uint32_t entry[NVSP_INDIRECTION_TABLE_ENTRIES];	/* channel index per tx bucket */
} NVSP_PACKED;
static_assert(offsetof(struct nvsp_indirection_table, entry) == 12, "NVSP indirection table");
static_assert(sizeof(struct nvsp_indirection_table) == 76, "NVSP indirection table");

/* nvsp.md 3.13: host -> guest, inband; guests ignore one shorter than 12 bytes. */
struct nvsp_vf_association {
	uint32_t msg_type;		/* NVSP_MSG4_TYPE_SEND_VF_ASSOCIATION */
	uint32_t allocated;		/* 1: a VF is present, 0: removed */
	uint32_t serial;		/* the VF's PCI slot serial */
	uint8_t pad[28];
} NVSP_PACKED;
static_assert(offsetof(struct nvsp_vf_association, serial) == 8, "NVSP VF association");
static_assert(sizeof(struct nvsp_vf_association) == NVSP_MSG_BYTES, "NVSP VF association");
#define NVSP_VF_ASSOCIATION_MIN_BYTES	offsetof(struct nvsp_vf_association, pad)

/* nvsp.md 3.14: guest -> host; a reply only with the RC flag, and then empty. */
#define NVSP_DATAPATH_SYNTHETIC		0u
#define NVSP_DATAPATH_VF		1u
struct nvsp_switch_datapath {
	uint32_t msg_type;		/* NVSP_MSG4_TYPE_SWITCH_DATA_PATH */
	uint32_t active_datapath;	/* NVSP_DATAPATH_* */
	uint8_t pad[32];
} NVSP_PACKED;
static_assert(offsetof(struct nvsp_switch_datapath, active_datapath) == 4, "NVSP datapath");
static_assert(sizeof(struct nvsp_switch_datapath) == NVSP_MSG_BYTES, "NVSP datapath");
#define NVSP_SWITCH_DATAPATH_MIN_BYTES	offsetof(struct nvsp_switch_datapath, pad)

/*
 * Shortest guest message that holds the fields a reader needs: nvsp.md 1.1
 * asks hosts to accept any length covering them (FreeBSD sends 32, old Linux 28).
 */
#define NVSP_INIT_MIN_BYTES		offsetof(struct nvsp_init, pad)
#define NVSP_NDIS_VER_MIN_BYTES		offsetof(struct nvsp_ndis_ver, pad)
#define NVSP_NDIS_CONFIG_MIN_BYTES	offsetof(struct nvsp_ndis_config, pad)

#endif /* NVSP_WIRE_H */
