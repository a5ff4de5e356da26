/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RNDIS control for HVSIM_DEV_NIC (spec/rndis.md 3-5): one guest control
 * message in, its completion bytes out, NIC state recorded. Pure bytes:
 * gathering the request and delivering the reply are host_nvsp.c's.
 */
#include <string.h>

#include "nvsp_wire.h"
#include "host.h"

/* rndis.md 3.2: the aggregation limits OpenVMM (and Windows vmswitch) report. */
#define RNDIS_HOST_MAX_PKTS_PER_MSG	8u
#define RNDIS_HOST_MAX_TRANSFER_BYTES	0xefffffffu
#define RNDIS_HOST_PKT_ALIGN_LOG2	3u

/* rndis.md 5.2: OpenVMM's LSO limits. */
#define RNDIS_HOST_LSO_MAX_BYTES	62780u
#define RNDIS_HOST_LSO_MIN_SEGS		2u
/* nvsp.md 3.4: MTU (Ethernet header included) when the guest sent none or a bad one. */
#define RNDIS_HOST_DEFAULT_L2_MTU	1514u
#define RNDIS_ETHER_HDR_BYTES		14u

static inline bool
range_fits(uint32_t off, uint32_t len, uint32_t size)
{
	return off <= size && len <= size - off;
}

static int
rndis_drop(struct host_ctx *ctx, enum host_count reason)
{
	ctx->cnt->n[reason]++;
	return -1;
}

void
host_rndis_mac(const struct hvsim *sim, const struct hvsim_device *dev,
	       uint8_t mac[RNDIS_MAC_BYTES])
{
	unsigned int nic_idx = 0;

	for (unsigned int d = 0; d < HVSIM_MAX_DEVICES && &sim->dev[d] != dev; d++) {
		if (sim->dev[d].kind == HVSIM_DEV_NIC)
			nic_idx++;
	}
	mac[0] = 0x00;
	mac[1] = 0x15;
	mac[2] = 0x5d;
	mac[3] = 0x00;
	mac[4] = 0x00;
	mac[5] = (uint8_t)(nic_idx + 1);
}

/* A 16-byte completion: SET_CMPLT, KEEPALIVE_CMPLT (rndis.md 3.5, 3.7). */
static int
rndis_short_comp(uint8_t *reply, uint32_t type, uint32_t request_id, uint32_t status)
{
	struct rndis_comp comp = {
		.type = type, .length = sizeof(comp), .request_id = request_id, .status = status,
	};

	memcpy(reply, &comp, sizeof(comp));
	return sizeof(comp);
}

static int
rndis_init(struct host_ctx *ctx, const uint8_t *req, uint8_t *reply)
{
	struct rndis_init_req in;
	struct rndis_init_comp out = {
		.type = RNDIS_MSG_INIT_CMPLT,
		.length = sizeof(out),
		.status = RNDIS_STATUS_SUCCESS,
		.major_version = RNDIS_VERSION_MAJOR,
		.minor_version = RNDIS_VERSION_MINOR,
		.device_flags = RNDIS_DEVICE_FLAG_CONNECTIONLESS,
		.medium = RNDIS_MEDIUM_802_3,
		.max_pkts_per_msg = RNDIS_HOST_MAX_PKTS_PER_MSG,
		.max_transfer_bytes = RNDIS_HOST_MAX_TRANSFER_BYTES,
		.pkt_align_log2 = RNDIS_HOST_PKT_ALIGN_LOG2,
	};

	memcpy(&in, req, sizeof(in));
	out.request_id = in.request_id;
	/* Every INIT (a guest's new session) starts a fresh miniport. */
	ctx->dev->rndis = (struct host_rndis){ .initialized = true };
	/* Its query says connected (--link-query-up): a link down is indicated. */
	if (ctx->sim->cfg.link_query_up && !ctx->ch->dev->link_up)
		host_link_set(ctx->sim, ctx->ch->dev, HVSIM_LINK_DOWN);
	memcpy(reply, &out, sizeof(out));
	return sizeof(out);
}

/* rndis.md 5.2: the revision the guest asked for, by its input object; else by NDIS version. */
static void
rndis_offload_hdr(const struct host_ctx *ctx, const uint8_t *in, uint32_t in_len,
		  struct ndis_obj_hdr *hdr)
{
	struct ndis_obj_hdr want = { 0 };

	if (in_len >= sizeof(want))
		memcpy(&want, in, sizeof(want));
	hdr->type = NDIS_OBJTYPE_OFFLOAD;
	if (want.type != NDIS_OBJTYPE_OFFLOAD || want.revision == 0)
		want.revision = ctx->dev->nvsp.ndis_minor >= 30 ? 3 : 2;
	hdr->revision = want.revision >= 3 ? 3 : want.revision;
	hdr->size = hdr->revision == 3 ? NDIS_OFFLOAD_SIZE_REV3 :
		    hdr->revision == 2 ? NDIS_OFFLOAD_SIZE_REV2 : NDIS_OFFLOAD_SIZE_REV1;
}

/* Checksum and LSOv2 as OpenVMM reports them (rndis.md 5.2). */
static uint32_t
rndis_offload_caps(const struct host_ctx *ctx, const uint8_t *in, uint32_t in_len,
		   uint8_t *data)
{
	const uint32_t ip4 = NDIS_CSUM_IP4_OPTIONS | NDIS_CSUM_TCP_OPTIONS | NDIS_CSUM_TCP |
			     NDIS_CSUM_UDP | NDIS_CSUM_IP4_HDR;
	const uint32_t ip6 = NDIS_CSUM_IP6_EXT_HDRS | NDIS_CSUM_TCP_OPTIONS | NDIS_CSUM_TCP |
			     NDIS_CSUM_UDP;
	struct ndis_offload o;

	memset(&o, 0, sizeof(o));
	rndis_offload_hdr(ctx, in, in_len, &o.hdr);
	o.ip4_tx_encap = o.ip4_rx_encap = NDIS_ENCAP_802_3;
	o.ip6_tx_encap = o.ip6_rx_encap = NDIS_ENCAP_802_3;
	o.ip4_tx_csum = o.ip4_rx_csum = ip4;
	o.ip6_tx_csum = o.ip6_rx_csum = ip6;
	o.lsov2_ip4_encap = o.lsov2_ip6_encap = NDIS_ENCAP_802_3;
	o.lsov2_ip4_max_bytes = o.lsov2_ip6_max_bytes = RNDIS_HOST_LSO_MAX_BYTES;
	o.lsov2_ip4_min_segs = o.lsov2_ip6_min_segs = RNDIS_HOST_LSO_MIN_SEGS;
	o.lsov2_ip6_options = NDIS_LSOV2_IP6_EXT_HDRS | NDIS_LSOV2_IP6_TCP_OPTIONS;
	memcpy(data, &o, o.hdr.size);
	return o.hdr.size;
}

/* The table size this NIC reports and hashes with (--rss-table; 128 unset). */
static uint32_t
rndis_rss_table_entries(const struct host_ctx *ctx)
{
	uint32_t n = ctx->sim->cfg.rss_table_entries;

	return n != 0 && n <= HVSIM_RSS_TABLE_MAX ? n : HVSIM_RSS_TABLE_DEFAULT;
}

/* rndis.md 5.4: revision 2, 18 bytes; queues = channels this device may have. */
static uint32_t
rndis_rss_caps(const struct host_ctx *ctx, uint8_t *data)
{
	struct ndis_rss_caps caps = {
		.hdr = { NDIS_OBJTYPE_RSS_CAPS, NDIS_RSS_CAPS_REV2, NDIS_RSS_CAPS_SIZE_REV2 },
		.caps = NDIS_RSS_CAP_TOEPLITZ | NDIS_RSS_CAP_TCP4 | NDIS_RSS_CAP_TCP6,
		.nb_interrupt_msgs = 1,
	};

	caps.nb_table_entries = (uint16_t)rndis_rss_table_entries(ctx);
	caps.nb_rx_queues = host_rss_max_queues(ctx->ch->dev);
	if (ctx->sim->cfg.rss_udp)
		caps.caps |= NDIS_RSS_CAP_UDP4 | NDIS_RSS_CAP_UDP6;
	memcpy(data, &caps, NDIS_RSS_CAPS_SIZE_REV2);
	return NDIS_RSS_CAPS_SIZE_REV2;
}

static uint32_t
rndis_put_u32(uint8_t *data, uint32_t v)
{
	memcpy(data, &v, sizeof(v));
	return sizeof(v);
}

/* The value of oid into data; false for NOT_SUPPORTED (rndis.md 4). */
static bool
rndis_query_value(struct host_ctx *ctx, uint32_t oid, const uint8_t *in, uint32_t in_len,
		  uint8_t *data, uint32_t *data_len)
{
	uint32_t mtu = ctx->dev->nvsp.mtu;

	switch (oid) {
	case RNDIS_OID_802_3_PERMANENT_ADDRESS:
	case RNDIS_OID_802_3_CURRENT_ADDRESS:
		host_rndis_mac(ctx->sim, ctx->ch->dev, data);
		*data_len = RNDIS_MAC_BYTES;
		return true;
	case RNDIS_OID_GEN_MAXIMUM_FRAME_SIZE:
		if (mtu < RNDIS_HOST_DEFAULT_L2_MTU ||
		    mtu > ctx->sim->cfg.max_mtu + RNDIS_ETHER_HDR_BYTES)
			mtu = RNDIS_HOST_DEFAULT_L2_MTU;	/* nvsp.md 3.4: out of range */
		*data_len = rndis_put_u32(data, mtu - RNDIS_ETHER_HDR_BYTES);
		return true;
	case RNDIS_OID_GEN_LINK_SPEED:
		*data_len = rndis_put_u32(data, ctx->ch->dev->link_speed);
		return true;
	case RNDIS_OID_GEN_MEDIA_CONNECT_STATUS:
		/* --link-query-up: OpenVMM's answer, whatever the link (indications say). */
		*data_len = rndis_put_u32(data, ctx->ch->dev->link_up || ctx->sim->cfg.link_query_up ?
					  RNDIS_MEDIA_CONNECTED : RNDIS_MEDIA_DISCONNECTED);
		return true;
	case RNDIS_OID_GEN_CURRENT_PACKET_FILTER:
		*data_len = rndis_put_u32(data, ctx->dev->rndis.packet_filter);
		return true;
	case RNDIS_OID_TCP_OFFLOAD_HW_CAPS:
		*data_len = rndis_offload_caps(ctx, in, in_len, data);
		return true;
	case RNDIS_OID_GEN_RSS_CAPABILITIES:
		if (ctx->dev->nvsp.version < NVSP_VERSION_5)
			return false;
		*data_len = rndis_rss_caps(ctx, data);
		return true;
	case RNDIS_OID_GEN_XMIT_OK:
	case RNDIS_OID_GEN_RCV_OK:
	case RNDIS_OID_GEN_XMIT_ERROR:
	case RNDIS_OID_GEN_RCV_ERROR:
	case RNDIS_OID_GEN_RCV_NO_BUFFER:
	case RNDIS_OID_GEN_BYTES_RCV:
	case RNDIS_OID_GEN_BYTES_XMIT:
		memset(data, 0, sizeof(uint64_t));
		*data_len = sizeof(uint64_t);
		return true;
	default:
		return false;
	}
}

/*
 * The info buffer of a QUERY/SET of msg_len bytes (rndis.md 3.4): offset from
 * byte 8. False if it lies outside the message. A zero length needs no offset.
 */
static bool
rndis_info_buffer(const struct rndis_query_req *q, uint32_t msg_len, uint32_t *off)
{
	if (q->info_buffer_length == 0) {
		*off = msg_len;
		return true;
	}
	if (q->info_buffer_offset > msg_len - RNDIS_INFO_OFFSET_BASE)
		return false;
	*off = RNDIS_INFO_OFFSET_BASE + q->info_buffer_offset;
	return range_fits(*off, q->info_buffer_length, msg_len);
}

static int
rndis_query(struct host_ctx *ctx, const uint8_t *req, uint32_t msg_len, uint8_t *reply)
{
	struct rndis_query_req q;
	struct rndis_query_comp out = { .type = RNDIS_MSG_QUERY_CMPLT };
	uint8_t *data = reply + sizeof(out);
	uint32_t in_off, data_len = 0;

	memcpy(&q, req, sizeof(q));
	out.request_id = q.request_id;
	if (!rndis_info_buffer(&q, msg_len, &in_off)) {
		ctx->cnt->n[HOST_CNT_RNDIS_BAD_INFO]++;
		out.status = RNDIS_STATUS_INVALID_DATA;
	} else if (rndis_query_value(ctx, q.oid, req + in_off, q.info_buffer_length, data,
				     &data_len)) {
		out.status = RNDIS_STATUS_SUCCESS;
		out.info_buffer_length = data_len;
		out.info_buffer_offset = RNDIS_QUERY_COMP_INFO_OFFSET;
	} else {
		ctx->cnt->n[HOST_CNT_RNDIS_NOT_SUPPORTED]++;
		out.status = RNDIS_STATUS_NOT_SUPPORTED;
	}
	out.length = sizeof(out) + data_len;
	memcpy(reply, &out, sizeof(out));
	return (int)out.length;
}

/*
 * rndis.md 5.3, a checksum field (offsets 4-8): 1 off; 2 TX, 3 RX, 4 both (any
 * of 2-4 counts as tx on: DPDK writes 3 for both); 0 leaves it as it was.
 */
static void
rndis_csum_param(uint32_t *on, uint8_t value, uint32_t bit)
{
	if (value == 1)
		*on &= ~bit;
	else if (value >= 2 && value <= 4)
		*on |= bit;
}

static void
rndis_lso_param(bool *on, uint8_t value)
{
	if (value == 1 || value == 2)
		*on = value == 2;
}

/*
 * rndis.md 5.3: any revision's header with a size that fits what was sent.
 * Checksums (4-8), LSOv2 (11, 12); rsc_ip4/rsc_ip6 (22, 23, in objects of 24
 * bytes or more): 1 off, 2 on.
 */
static uint32_t
rndis_set_offload(struct host_rndis *r, const uint8_t *data, uint32_t len)
{
	struct ndis_obj_hdr hdr;

	if (len < NDIS_OFFLOAD_PARAMS_SIZE_REV1)
		return RNDIS_STATUS_INVALID_LENGTH;
	memcpy(&hdr, data, sizeof(hdr));
	if (hdr.type != NDIS_OBJTYPE_DEFAULT || hdr.size < NDIS_OFFLOAD_PARAMS_SIZE_REV1 ||
	    hdr.size > len)
		return RNDIS_STATUS_INVALID_DATA;
	rndis_csum_param(&r->tx_csum_on, data[4], HOST_TX_CSUM_IP4_HDR);
	rndis_csum_param(&r->tx_csum_on, data[5], HOST_TX_CSUM_TCP4);
	rndis_csum_param(&r->tx_csum_on, data[6], HOST_TX_CSUM_UDP4);
	rndis_csum_param(&r->tx_csum_on, data[7], HOST_TX_CSUM_TCP6);
	rndis_csum_param(&r->tx_csum_on, data[8], HOST_TX_CSUM_UDP6);
	rndis_lso_param(&r->lso_ip4, data[11]);
	rndis_lso_param(&r->lso_ip6, data[12]);
	if (hdr.size >= 24) {
		if (data[22] == 1 || data[22] == 2)
			r->rsc_ip4 = data[22] == 2;
		if (data[23] == 1 || data[23] == 2)
			r->rsc_ip6 = data[23] == 2;
	}
	return RNDIS_STATUS_SUCCESS;
}

/*
 * rndis.md 5.5, OpenVMM's rules: flag 0x10 or hash function 0 turns RSS off;
 * otherwise a 40-byte key and a non-empty table of u32 entries, each below the
 * channel count, both inside the object. Table and key are read via their
 * offsets. The table becomes the reported size as OpenVMM makes it: entries
 * past it are not read, a shorter table is repeated.
 */
static uint32_t
rndis_set_rss(struct host_ctx *ctx, const uint8_t *data, uint32_t len)
{
	struct host_rndis *r = &ctx->dev->rndis;
	struct ndis_rss_params p;
	uint32_t nb_entries, nb_chan = ctx->ch->dev->nb_channels;
	uint32_t size = rndis_rss_table_entries(ctx);

	if (len < NDIS_RSS_PARAMS_SIZE_REV1)
		return RNDIS_STATUS_INVALID_LENGTH;
	memset(&p, 0, sizeof(p));
	memcpy(&p, data, len < sizeof(p) ? len : sizeof(p));
	if (p.hdr.type != NDIS_OBJTYPE_RSS_PARAMS || p.hdr.size > len)
		return RNDIS_STATUS_INVALID_DATA;
	if ((p.flags & NDIS_RSS_FLAG_DISABLE) != 0 ||
	    (p.hash_info & NDIS_RSS_HASH_FUNC_MASK) == 0) {
		r->rss_enabled = false;
		return RNDIS_STATUS_SUCCESS;
	}
	nb_entries = p.table_bytes / (uint32_t)sizeof(uint32_t);
	nb_entries = nb_entries < size ? nb_entries : size;
	if (p.key_bytes != NDIS_RSS_KEY_BYTES || p.table_bytes == 0 || p.table_bytes % 4 != 0 ||
	    !range_fits(p.key_offset, p.key_bytes, len) ||
	    !range_fits(p.table_offset, nb_entries * (uint32_t)sizeof(uint32_t), len))
		return RNDIS_STATUS_INVALID_DATA;
	for (uint32_t i = 0; i < nb_entries; i++) {
		uint32_t e;

		memcpy(&e, data + p.table_offset + 4 * i, sizeof(e));
		if (e >= nb_chan)
			return RNDIS_STATUS_INVALID_DATA;
	}
	for (uint32_t i = 0; i < size; i++)
		memcpy(&r->rss_table[i], data + p.table_offset + 4 * (i % nb_entries),
		       sizeof(uint32_t));
	memcpy(r->rss_key, data + p.key_offset, NDIS_RSS_KEY_BYTES);
	r->rss_nb_entries = size;
	r->rss_hash_info = p.hash_info;
	r->rss_enabled = true;
	return RNDIS_STATUS_SUCCESS;
}

static uint32_t
rndis_set_value(struct host_ctx *ctx, uint32_t oid, const uint8_t *data, uint32_t len)
{
	switch (oid) {
	case RNDIS_OID_GEN_CURRENT_PACKET_FILTER:
		if (len < sizeof(uint32_t))
			return RNDIS_STATUS_INVALID_LENGTH;
		memcpy(&ctx->dev->rndis.packet_filter, data, sizeof(uint32_t));
		return RNDIS_STATUS_SUCCESS;
	case RNDIS_OID_TCP_OFFLOAD_PARAMETERS:
		return rndis_set_offload(&ctx->dev->rndis, data, len);
	case RNDIS_OID_GEN_RSS_PARAMETERS:
		return rndis_set_rss(ctx, data, len);
	case RNDIS_OID_802_3_MULTICAST_LIST:	/* as OpenVMM answers it: meant, not an error */
		ctx->cnt->n[HOST_CNT_RNDIS_MC_LIST_REFUSED]++;
		return RNDIS_STATUS_NOT_SUPPORTED;
	default:
		ctx->cnt->n[HOST_CNT_RNDIS_NOT_SUPPORTED]++;
		return RNDIS_STATUS_NOT_SUPPORTED;
	}
}

static int
rndis_set(struct host_ctx *ctx, const uint8_t *req, uint32_t msg_len, uint8_t *reply)
{
	struct rndis_query_req q;
	uint32_t off, status;

	memcpy(&q, req, sizeof(q));
	if (!rndis_info_buffer(&q, msg_len, &off)) {
		ctx->cnt->n[HOST_CNT_RNDIS_BAD_INFO]++;
		status = RNDIS_STATUS_INVALID_DATA;
	} else if (host_fault_fail_set(ctx, q.oid)) {
		status = RNDIS_STATUS_FAILURE;
	} else {
		status = rndis_set_value(ctx, q.oid, req + off, q.info_buffer_length);
	}
	return rndis_short_comp(reply, RNDIS_MSG_SET_CMPLT, q.request_id, status);
}

/* Shortest message of each type a guest sends (rndis.md 3); 0 for types we refuse. */
static uint32_t
rndis_min_bytes(uint32_t type)
{
	switch (type) {
	case RNDIS_MSG_INIT:
		return sizeof(struct rndis_init_req);
	case RNDIS_MSG_QUERY:
	case RNDIS_MSG_SET:
		return sizeof(struct rndis_query_req);
	case RNDIS_MSG_HALT:
	case RNDIS_MSG_RESET:
	case RNDIS_MSG_KEEPALIVE:
		return RNDIS_SHORT_REQ_BYTES;
	default:
		return 0;
	}
}

int
host_rndis_answer(struct host_ctx *ctx, const uint8_t *req, uint32_t len, uint8_t *reply)
{
	struct rndis_msg_hdr hdr;
	struct rndis_reset_comp reset = { .type = RNDIS_MSG_RESET_CMPLT, .length = sizeof(reset) };
	uint32_t min, request_id;

	if (len < sizeof(hdr))
		return rndis_drop(ctx, HOST_CNT_RNDIS_TRUNCATED);
	memcpy(&hdr, req, sizeof(hdr));
	min = rndis_min_bytes(hdr.type);
	if (min == 0)
		return rndis_drop(ctx, HOST_CNT_RNDIS_BAD_TYPE);
	/* The length field bounds the message; bytes behind it are not ours to read. */
	if (hdr.length < min || hdr.length > len)
		return rndis_drop(ctx, HOST_CNT_RNDIS_TRUNCATED);
	memcpy(&request_id, req + RNDIS_INFO_OFFSET_BASE, sizeof(request_id));
	switch (hdr.type) {
	case RNDIS_MSG_INIT:
		return rndis_init(ctx, req, reply);
	case RNDIS_MSG_QUERY:
		return rndis_query(ctx, req, hdr.length, reply);
	case RNDIS_MSG_SET:
		return rndis_set(ctx, req, hdr.length, reply);
	case RNDIS_MSG_KEEPALIVE:
		return rndis_short_comp(reply, RNDIS_MSG_KEEPALIVE_CMPLT, request_id,
					RNDIS_STATUS_SUCCESS);
	case RNDIS_MSG_RESET:
		memcpy(reply, &reset, sizeof(reset));
		return sizeof(reset);
	default:
		host_fault_halt(ctx);
		ctx->dev->rndis.halted = true;	/* HALT: rndis.md 3.3, no reply */
		return 0;
	}
}
