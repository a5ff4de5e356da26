/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every check of host control data before use (spec/nvsp.md 3,
 * spec/rndis.md 3 and 5.4): reply types and lengths, NVSP status, buffer
 * layouts, subchannel grants, inband notifications, RNDIS completions,
 * indications and the buffers and objects inside them. Each function reads
 * a fixed-size prefix into a local struct first and checks only that copy.
 * Also the one object built from what was read: the offload parameters the
 * host's capabilities give (rndis.md 5.3).
 */
#include <stddef.h>
#include <string.h>

#include "netvsc_ctl_parse.h"
#include "netvsc_rx_parse.h"
#include "nvsp_wire.h"
#include "rndis_wire.h"
#include "vmbus_wire.h"

/* RNDIS INDICATE_STATUS and QUERY_CMPLT offsets count from this byte (rndis.md 3.4, 3.8). */
#define RNDIS_BUF_BASE		RNDIS_INFO_OFFSET_BASE
/* Largest packet alignment we take from the host; larger ones fall back to 8. */
#define RNDIS_MAX_ALIGN_LOG2	11u
#define RNDIS_DEFAULT_ALIGN	8u
/* NDIS_RECEIVE_SCALE_CAPABILITIES revision 1: no table-entry count. */
#define NDIS_RSS_CAPS_SIZE_REV1	16u

static const char *const verdict_names[NETVSC_CTL_NB_VERDICTS] = {
	[NETVSC_CTL_OK] = "ok",
	[NETVSC_CTL_SHORT] = "shorter than its fields",
	[NETVSC_CTL_WRONG_TYPE] = "not the message type awaited",
	[NETVSC_CTL_REFUSED] = "refused by the host",
	[NETVSC_CTL_BAD_SECTIONS] = "receive buffer sections not as given",
	[NETVSC_CTL_BAD_SECTION_SIZE] = "send section size unusable",
	[NETVSC_CTL_TOO_MANY] = "more granted than asked",
	[NETVSC_CTL_BAD_LIMITS] = "transfer limits unusable",
	[NETVSC_CTL_BAD_BUFFER] = "info or status buffer outside the message",
	[NETVSC_CTL_TOO_LONG] = "more data than asked for",
	[NETVSC_CTL_BAD_OBJECT] = "NDIS object malformed",
	[NETVSC_CTL_BAD_TABLE] = "indirection table malformed",
};

const char *
netvsc_ctl_verdict_str(enum netvsc_ctl_verdict v)
{
	if ((unsigned int)v >= NETVSC_CTL_NB_VERDICTS)
		return "unknown verdict";
	return verdict_names[v];
}

/* ---- NVSP ---- */

enum netvsc_ctl_verdict
netvsc_ctl_parse_chanpkt(const uint8_t *pkt, uint32_t len, uint32_t *payload_offset)
{
	struct vmbus_chanpkt_hdr hdr;
	uint32_t off;

	if (len < sizeof(hdr))
		return NETVSC_CTL_SHORT;
	memcpy(&hdr, pkt, sizeof(hdr));
	off = (uint32_t)hdr.data_offset8 << VMBUS_CHANPKT_SIZE_SHIFT;
	if (off < sizeof(hdr) || off > len)
		return NETVSC_CTL_SHORT;
	*payload_offset = off;
	return NETVSC_CTL_OK;
}

enum netvsc_ctl_verdict
netvsc_ctl_parse_nvsp_type(const uint8_t *msg, uint32_t len, uint32_t *type)
{
	struct nvsp_hdr hdr;

	if (len < sizeof(hdr))
		return NETVSC_CTL_SHORT;
	memcpy(&hdr, msg, sizeof(hdr));
	*type = hdr.msg_type;
	return NETVSC_CTL_OK;
}

enum netvsc_ctl_verdict
netvsc_ctl_parse_nvsp_reply(const uint8_t *msg, uint32_t len, uint32_t want_type,
			    uint32_t min_bytes)
{
	uint32_t type;

	if (len < min_bytes || netvsc_ctl_parse_nvsp_type(msg, len, &type) != NETVSC_CTL_OK)
		return NETVSC_CTL_SHORT;
	return type == want_type ? NETVSC_CTL_OK : NETVSC_CTL_WRONG_TYPE;
}

/* The fixed part of an NVSP reply of want_type into a zeroed local copy. */
static enum netvsc_ctl_verdict
nvsp_copy_reply(const uint8_t *msg, uint32_t len, uint32_t want_type, uint32_t need_bytes,
		void *copy, size_t copy_bytes)
{
	enum netvsc_ctl_verdict v = netvsc_ctl_parse_nvsp_reply(msg, len, want_type, need_bytes);

	if (v != NETVSC_CTL_OK)
		return v;
	memset(copy, 0, copy_bytes);
	memcpy(copy, msg, need_bytes);
	return NETVSC_CTL_OK;
}

enum netvsc_ctl_verdict
netvsc_ctl_parse_init_complete(const uint8_t *msg, uint32_t len,
			       struct netvsc_nvsp_init_reply *out)
{
	struct nvsp_init_complete r;
	enum netvsc_ctl_verdict v;

	memset(out, 0, sizeof(*out));
	v = nvsp_copy_reply(msg, len, NVSP_MSG_TYPE_INIT_COMPLETE,
			    offsetof(struct nvsp_init_complete, pad), &r, sizeof(r));
	if (v != NETVSC_CTL_OK)
		return v;
	out->status = r.status;
	return r.status == NVSP_STATUS_SUCCESS ? NETVSC_CTL_OK : NETVSC_CTL_REFUSED;
}

enum netvsc_ctl_verdict
netvsc_ctl_parse_rxbuf_complete(const uint8_t *msg, uint32_t len, uint32_t rxbuf_bytes,
				struct netvsc_nvsp_rxbuf_reply *out)
{
	struct nvsp_send_rxbuf_complete r;
	enum netvsc_ctl_verdict v;

	memset(out, 0, sizeof(*out));
	v = nvsp_copy_reply(msg, len, NVSP_MSG1_TYPE_SEND_RXBUF_COMPLETE,
			    offsetof(struct nvsp_send_rxbuf_complete, pad), &r, sizeof(r));
	if (v != NETVSC_CTL_OK)
		return v;
	*out = (struct netvsc_nvsp_rxbuf_reply){
		.status = r.status, .nb_sections = r.nb_sections,
		.section_offset = r.section.offset, .slot_bytes = r.section.sub_alloc_bytes,
		.nb_slots = r.section.nb_sub_allocs,
	};
	if (r.status != NVSP_STATUS_SUCCESS)
		return NETVSC_CTL_REFUSED;
	/* nvsp.md 3.6: one section at 0; its slots (Linux checks) inside our buffer. */
	if (r.nb_sections != 1 || r.section.offset != 0 || r.section.sub_alloc_bytes == 0 ||
	    r.section.nb_sub_allocs == 0 ||
	    (uint64_t)r.section.sub_alloc_bytes * r.section.nb_sub_allocs > rxbuf_bytes)
		return NETVSC_CTL_BAD_SECTIONS;
	return NETVSC_CTL_OK;
}

enum netvsc_ctl_verdict
netvsc_ctl_parse_txbuf_complete(const uint8_t *msg, uint32_t len, uint32_t txbuf_bytes,
				struct netvsc_nvsp_txbuf_reply *out)
{
	struct nvsp_send_txbuf_complete r;
	enum netvsc_ctl_verdict v;

	memset(out, 0, sizeof(*out));
	v = nvsp_copy_reply(msg, len, NVSP_MSG1_TYPE_SEND_TXBUF_COMPLETE,
			    offsetof(struct nvsp_send_txbuf_complete, pad), &r, sizeof(r));
	if (v != NETVSC_CTL_OK)
		return v;
	*out = (struct netvsc_nvsp_txbuf_reply){
		.status = r.status, .section_bytes = r.section_bytes,
	};
	if (r.status != NVSP_STATUS_SUCCESS)
		return NETVSC_CTL_REFUSED;
	/* nvsp.md 3.9: non-zero, a multiple of 4; and at least one section in the buffer. */
	if (r.section_bytes == 0 || r.section_bytes % 4 != 0 || r.section_bytes > txbuf_bytes)
		return NETVSC_CTL_BAD_SECTION_SIZE;
	out->nb_sections = txbuf_bytes / r.section_bytes;
	return NETVSC_CTL_OK;
}

enum netvsc_ctl_verdict
netvsc_ctl_parse_subchannel_complete(const uint8_t *msg, uint32_t len, uint32_t nb_asked,
				     struct netvsc_nvsp_subchannel_reply *out)
{
	struct nvsp_subchannel_complete r;
	enum netvsc_ctl_verdict v;

	memset(out, 0, sizeof(*out));
	v = nvsp_copy_reply(msg, len, NVSP_MSG5_TYPE_SUBCHANNEL,
			    offsetof(struct nvsp_subchannel_complete, pad), &r, sizeof(r));
	if (v != NETVSC_CTL_OK)
		return v;
	*out = (struct netvsc_nvsp_subchannel_reply){
		.status = r.status, .nb_granted = r.nb_subchannels,
	};
	if (r.status != NVSP_STATUS_SUCCESS)
		return NETVSC_CTL_REFUSED;
	return r.nb_subchannels > nb_asked ? NETVSC_CTL_TOO_MANY : NETVSC_CTL_OK;
}

enum netvsc_ctl_verdict
netvsc_ctl_parse_indirection_table(const uint8_t *msg, uint32_t len, uint32_t max_channels,
				   struct netvsc_nvsp_indirection *out)
{
	const uint32_t fields = offsetof(struct nvsp_indirection_table, entry);
	const uint32_t table_bytes = NETVSC_INDIRECTION_ENTRIES * sizeof(uint32_t);
	struct nvsp_indirection_table r;
	enum netvsc_ctl_verdict v;

	memset(out, 0, sizeof(*out));
	v = nvsp_copy_reply(msg, len, NVSP_MSG5_TYPE_SEND_INDIRECTION_TABLE, fields, &r,
			    sizeof(r));
	if (v != NETVSC_CTL_OK)
		return v;
	/* nvsp.md 3.15: 16 entries (Linux takes no other count), after the fields. */
	if (r.nb_entries != NETVSC_INDIRECTION_ENTRIES || r.table_offset < fields ||
	    !netvsc_range_fits(r.table_offset, table_bytes, len))
		return NETVSC_CTL_BAD_TABLE;
	memcpy(out->entry, msg + r.table_offset, table_bytes);
	for (uint32_t i = 0; i < NETVSC_INDIRECTION_ENTRIES; i++)
		if (out->entry[i] >= max_channels)
			return NETVSC_CTL_BAD_TABLE;
	return NETVSC_CTL_OK;
}

enum netvsc_ctl_verdict
netvsc_ctl_parse_vf_association(const uint8_t *msg, uint32_t len, struct netvsc_nvsp_vf *out)
{
	uint32_t w[3];				/* type, allocated, serial (nvsp.md 3.13) */
	enum netvsc_ctl_verdict v;

	memset(out, 0, sizeof(*out));
	v = nvsp_copy_reply(msg, len, NVSP_MSG4_TYPE_SEND_VF_ASSOCIATION, sizeof(w), w,
			    sizeof(w));
	if (v != NETVSC_CTL_OK)
		return v;
	out->allocated = w[1];
	out->serial = w[2];
	return NETVSC_CTL_OK;
}

/* ---- RNDIS ---- */

/* An offset counted from byte 8 and a length: inside len bytes, not over the first fixed ones. */
static bool
rndis_buf_fits(uint32_t rel_offset, uint32_t bytes, uint32_t fixed_bytes, uint32_t len)
{
	if (len < RNDIS_BUF_BASE || rel_offset < fixed_bytes - RNDIS_BUF_BASE)
		return false;
	return netvsc_range_fits(rel_offset, bytes, len - RNDIS_BUF_BASE);
}

static enum netvsc_ctl_verdict
rndis_parse_indication(const uint8_t *msg, uint32_t len, struct netvsc_rndis_ctl *out)
{
	struct rndis_indicate_status ind;

	if (len < sizeof(ind))
		return NETVSC_CTL_SHORT;
	memcpy(&ind, msg, sizeof(ind));
	out->status = ind.status;
	out->buf_bytes = ind.status_buffer_length;
	out->buf_offset = 0;
	/* rndis.md 7: a speed change carries its speed, a u32 */
	if (ind.status == RNDIS_STATUS_LINK_SPEED_CHANGE && ind.status_buffer_length < 4)
		return NETVSC_CTL_BAD_BUFFER;
	if (ind.status_buffer_length == 0)
		return NETVSC_CTL_OK;		/* rndis.md 3.8: offset 0, or ignored */
	if (!rndis_buf_fits(ind.status_buffer_offset, ind.status_buffer_length, sizeof(ind), len))
		return NETVSC_CTL_BAD_BUFFER;
	out->buf_offset = ind.status_buffer_offset + RNDIS_BUF_BASE;
	return NETVSC_CTL_OK;
}

enum netvsc_ctl_verdict
netvsc_ctl_parse_rndis_ctl(const uint8_t *msg, uint32_t len, struct netvsc_rndis_ctl *out)
{
	struct rndis_msg_hdr hdr;
	uint32_t rid;

	memset(out, 0, sizeof(*out));
	if (len < sizeof(hdr))
		return NETVSC_CTL_SHORT;
	memcpy(&hdr, msg, sizeof(hdr));
	out->type = hdr.type;
	if (hdr.type == RNDIS_MSG_INDICATE_STATUS)
		return rndis_parse_indication(msg, len, out);
	if (!(hdr.type & RNDIS_MSG_COMPLETION))
		return NETVSC_CTL_WRONG_TYPE;
	if (len < sizeof(hdr) + sizeof(rid))
		return NETVSC_CTL_SHORT;
	memcpy(&rid, msg + sizeof(hdr), sizeof(rid));
	out->request_id = rid;
	return NETVSC_CTL_OK;
}

enum netvsc_ctl_verdict
netvsc_ctl_parse_rndis_reply(const uint8_t *msg, uint32_t len, uint32_t want_type,
			     uint32_t min_bytes, uint32_t *type)
{
	uint32_t t;

	*type = 0;
	if (len < sizeof(t))
		return NETVSC_CTL_SHORT;
	memcpy(&t, msg, sizeof(t));
	*type = t;
	if (t != want_type)
		return NETVSC_CTL_WRONG_TYPE;
	return len < min_bytes ? NETVSC_CTL_SHORT : NETVSC_CTL_OK;
}

/* The fixed part of an RNDIS completion of want_type into a local copy. */
static enum netvsc_ctl_verdict
rndis_copy_reply(const uint8_t *msg, uint32_t len, uint32_t want_type, void *copy,
		 uint32_t copy_bytes)
{
	uint32_t type;
	enum netvsc_ctl_verdict v = netvsc_ctl_parse_rndis_reply(msg, len, want_type, copy_bytes,
								 &type);

	if (v == NETVSC_CTL_OK)
		memcpy(copy, msg, copy_bytes);
	return v;
}

enum netvsc_ctl_verdict
netvsc_ctl_parse_init_cmplt(const uint8_t *msg, uint32_t len, struct netvsc_rndis_init_reply *out)
{
	struct rndis_init_comp c;
	enum netvsc_ctl_verdict v = rndis_copy_reply(msg, len, RNDIS_MSG_INIT_CMPLT, &c, sizeof(c));

	memset(out, 0, sizeof(*out));
	if (v != NETVSC_CTL_OK)
		return v;
	*out = (struct netvsc_rndis_init_reply){
		.status = c.status,
		.max_pkts = c.max_pkts_per_msg != 0 ? c.max_pkts_per_msg : 1,
		.max_xfer_bytes = c.max_transfer_bytes,
		.align_bytes = c.pkt_align_log2 <= RNDIS_MAX_ALIGN_LOG2 ?
			       1u << c.pkt_align_log2 : RNDIS_DEFAULT_ALIGN,
	};
	if (c.status != RNDIS_STATUS_SUCCESS)
		return NETVSC_CTL_REFUSED;
	/* rndis.md 3.2: no host takes nothing; a 0 here must not read as "no limit". */
	if (c.max_transfer_bytes == 0)
		return NETVSC_CTL_BAD_LIMITS;
	return NETVSC_CTL_OK;
}

enum netvsc_ctl_verdict
netvsc_ctl_parse_query_cmplt(const uint8_t *msg, uint32_t len, uint32_t room,
			     struct netvsc_rndis_query_reply *out)
{
	struct rndis_query_comp c;
	enum netvsc_ctl_verdict v = rndis_copy_reply(msg, len, RNDIS_MSG_QUERY_CMPLT, &c,
						     sizeof(c));

	memset(out, 0, sizeof(*out));
	if (v != NETVSC_CTL_OK)
		return v;
	*out = (struct netvsc_rndis_query_reply){ .status = c.status };
	if (c.status != RNDIS_STATUS_SUCCESS)
		return NETVSC_CTL_REFUSED;
	if (c.info_buffer_length == 0)
		return NETVSC_CTL_OK;		/* rndis.md 3.4: no data */
	out->info_bytes = c.info_buffer_length;
	out->host_offset = c.info_buffer_offset;
	/* rndis.md 3.4: from byte 8, after the 24 fixed bytes, ending inside the message. */
	if (!rndis_buf_fits(c.info_buffer_offset, c.info_buffer_length, sizeof(c), len))
		return NETVSC_CTL_BAD_BUFFER;
	out->info_offset = c.info_buffer_offset + RNDIS_BUF_BASE;
	return c.info_buffer_length > room ? NETVSC_CTL_TOO_LONG : NETVSC_CTL_OK;
}

enum netvsc_ctl_verdict
netvsc_ctl_parse_set_cmplt(const uint8_t *msg, uint32_t len, uint32_t *status)
{
	struct rndis_comp c;
	enum netvsc_ctl_verdict v = rndis_copy_reply(msg, len, RNDIS_MSG_SET_CMPLT, &c, sizeof(c));

	*status = 0;
	if (v != NETVSC_CTL_OK)
		return v;
	*status = c.status;
	return c.status == RNDIS_STATUS_SUCCESS ? NETVSC_CTL_OK : NETVSC_CTL_REFUSED;
}

enum netvsc_ctl_verdict
netvsc_ctl_parse_rss_caps(const uint8_t *obj, uint32_t len, struct netvsc_rss_caps_view *out)
{
	struct ndis_rss_caps c;

	memset(out, 0, sizeof(*out));
	if (len < NDIS_RSS_CAPS_SIZE_REV1)
		return NETVSC_CTL_SHORT;
	memset(&c, 0, sizeof(c));
	memcpy(&c, obj, len < sizeof(c) ? len : sizeof(c));
	/* rndis.md 5.4: the object says how much of it there is; never more than came. */
	if (c.hdr.type != NDIS_OBJTYPE_RSS_CAPS || c.hdr.revision == 0 ||
	    c.hdr.size < NDIS_RSS_CAPS_SIZE_REV1 || c.hdr.size > len || c.nb_rx_queues == 0)
		return NETVSC_CTL_BAD_OBJECT;
	out->caps = c.caps;
	out->nb_rx_queues = c.nb_rx_queues;
	if (c.hdr.revision >= NDIS_RSS_CAPS_REV2 && c.hdr.size >= NDIS_RSS_CAPS_SIZE_REV2)
		out->nb_table_entries = c.nb_table_entries;
	return NETVSC_CTL_OK;
}

enum netvsc_ctl_verdict
netvsc_ctl_parse_offload_caps(const uint8_t *obj, uint32_t len,
			      struct netvsc_offload_caps_view *out)
{
	struct ndis_offload o;

	memset(out, 0, sizeof(*out));
	if (len < NDIS_OFFLOAD_SIZE_REV1)
		return NETVSC_CTL_SHORT;
	memset(&o, 0, sizeof(o));
	memcpy(&o, obj, len < sizeof(o) ? len : sizeof(o));
	/* rndis.md 5.2: revision 1 and up hold every field we read (offsets < 112). */
	if (o.hdr.type != NDIS_OBJTYPE_OFFLOAD || o.hdr.revision == 0 ||
	    o.hdr.size < NDIS_OFFLOAD_SIZE_REV1 || o.hdr.size > len)
		return NETVSC_CTL_BAD_OBJECT;
	out->ip4_tx_csum = o.ip4_tx_csum;
	out->ip4_rx_csum = o.ip4_rx_csum;
	out->ip6_tx_csum = o.ip6_tx_csum;
	out->ip6_rx_csum = o.ip6_rx_csum;
	out->lsov2_ip4_encap = o.lsov2_ip4_encap;
	out->lsov2_ip6_encap = o.lsov2_ip6_encap;
	out->lsov2_ip6_options = o.lsov2_ip6_options;
	return NETVSC_CTL_OK;
}

/* rndis.md 5.3: byte offsets of the fields set, and the checksum values. */
#define PRM_IP4_CSUM	4u
#define PRM_TCP4_CSUM	5u
#define PRM_UDP4_CSUM	6u
#define PRM_TCP6_CSUM	7u
#define PRM_UDP6_CSUM	8u
#define PRM_LSOV2_IP4	11u
#define PRM_LSOV2_IP6	12u
#define PRM_SIZE_REV2	22u
#define PRM_CSUM_TX	2u
#define PRM_CSUM_RX	3u
#define PRM_CSUM_TX_RX	4u

/* A checksum field: on for each direction the host can do; 0 ("no change") for none. */
static uint8_t
csum_param(uint32_t tx_caps, uint32_t rx_caps, uint32_t need)
{
	bool tx = netvsc_caps_have(tx_caps, need), rx = netvsc_caps_have(rx_caps, need);

	return tx && rx ? PRM_CSUM_TX_RX : tx ? PRM_CSUM_TX : rx ? PRM_CSUM_RX : 0;
}

uint32_t
netvsc_ctl_offload_params(const struct netvsc_offload_caps_view *c, uint32_t nvsp_version,
			  uint32_t ndis_minor, bool lro, uint8_t prm[NDIS_OFFLOAD_PARAMS_SIZE_REV3])
{
	bool ndis630 = ndis_minor >= 30, rsc = netvsc_caps_rsc(nvsp_version, ndis_minor);
	struct ndis_obj_hdr hdr = { .type = NDIS_OBJTYPE_DEFAULT, .revision = ndis630 ? 3 : 2,
				    .size = ndis630 ? NDIS_OFFLOAD_PARAMS_SIZE_REV3 : PRM_SIZE_REV2 };

	memset(prm, 0, NDIS_OFFLOAD_PARAMS_SIZE_REV3);
	if (lro && !rsc)
		return 0;
	memcpy(prm, &hdr, sizeof(hdr));
	prm[PRM_IP4_CSUM] = csum_param(c->ip4_tx_csum, c->ip4_rx_csum, NDIS_CSUM_IP4_HDR);
	prm[PRM_TCP4_CSUM] = csum_param(c->ip4_tx_csum, c->ip4_rx_csum, NDIS_CSUM_TCP);
	if (netvsc_caps_udp4_usable(nvsp_version))
		prm[PRM_UDP4_CSUM] = csum_param(c->ip4_tx_csum, c->ip4_rx_csum, NDIS_CSUM_UDP);
	prm[PRM_TCP6_CSUM] = csum_param(c->ip6_tx_csum, c->ip6_rx_csum, NDIS_CSUM_TCP);
	prm[PRM_UDP6_CSUM] = csum_param(c->ip6_tx_csum, c->ip6_rx_csum, NDIS_CSUM_UDP);
	if (netvsc_caps_lso4(c))
		prm[PRM_LSOV2_IP4] = NDIS_OFFLOAD_PARAM_ON;
	if (netvsc_caps_lso6(c))
		prm[PRM_LSOV2_IP6] = NDIS_OFFLOAD_PARAM_ON;
	if (rsc) {
		prm[NDIS_OFFLOAD_PARAMS_RSC_IP4] = lro ? NDIS_OFFLOAD_PARAM_ON :
						       NDIS_OFFLOAD_PARAM_OFF;
		prm[NDIS_OFFLOAD_PARAMS_RSC_IP6] = prm[NDIS_OFFLOAD_PARAMS_RSC_IP4];
	}
	return hdr.size;
}
