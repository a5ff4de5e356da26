/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Guest -> wire (rndis.md 10): the RNDIS PACKET messages of one data send,
 * each checked against its own length, its PPIs read, offloads applied
 * (host_offload.c) and the frames handed to the NIC's backend.
 */
#include <string.h>

#include "nvsp_wire.h"
#include "host.h"
#include "host_offload.h"

/* What the PPIs of one message ask for. */
struct tx_ppis {
	bool has_csum, has_lso, has_vlan;
	uint32_t csum, lso, vlan;
};

/* Where one frame goes: the backend, VLAN tag inserted on the way. */
struct tx_sink {
	struct host_ctx *ctx;
	struct hvsim_backend *be;
	bool has_vlan;
	uint16_t tci;
};

static inline bool
range_fits(uint32_t off, uint32_t len, uint32_t size)
{
	return off <= size && len <= size - off;
}

/* rndis.md 6.1: the 802.1Q PPI word as a TCI (PCP 3 bits, DEI, VLAN id). */
static uint16_t
tx_vlan_tci(uint32_t word)
{
	uint32_t pcp = word & RNDIS_VLAN_PCP_MASK;
	uint32_t dei = word >> RNDIS_VLAN_CFI_SHIFT & 1u;
	uint32_t vid = word >> RNDIS_VLAN_ID_SHIFT & RNDIS_VLAN_ID_MASK;

	return (uint16_t)(pcp << 13 | dei << 12 | vid);
}

static void
tx_emit(void *arg, const uint8_t *frame, uint32_t len)
{
	struct tx_sink *sink = arg;
	struct host_dev *hd = sink->ctx->dev;

	if (sink->has_vlan) {
		len = host_offload_vlan_insert(frame, len, sink->tci, hd->tx_vlan);
		frame = hd->tx_vlan;
	}
	sink->ctx->cnt->n[HOST_CNT_TX_FRAMES]++;
	sink->ctx->cnt->n[HOST_CNT_TX_BYTES] += len;
	hvsim_backend_transmit(sink->be, frame, len);
}

/* One PPI record's u32 payload, if the record holds one at its data offset. */
static int
tx_ppi_word(const uint8_t *rec, uint32_t size, uint32_t *word)
{
	struct rndis_ppi ppi;

	memcpy(&ppi, rec, sizeof(ppi));
	if (ppi.data_offset < sizeof(ppi) || !range_fits(ppi.data_offset, 4, size))
		return -1;
	memcpy(word, rec + ppi.data_offset, 4);
	return 0;
}

/* Record the PPIs we act on (checksum, LSO, 802.1Q); hash value and others are ignored. */
static int
tx_ppi_take(const uint8_t *rec, const struct rndis_ppi *hdr, struct tx_ppis *out)
{
	uint32_t word;

	if (hdr->type != RNDIS_PPI_CSUM && hdr->type != RNDIS_PPI_LSO &&
	    hdr->type != RNDIS_PPI_VLAN)
		return 0;
	if (tx_ppi_word(rec, hdr->size, &word) != 0)
		return -1;
	switch (hdr->type) {
	case RNDIS_PPI_CSUM:
		out->has_csum = true;
		out->csum = word;
		break;
	case RNDIS_PPI_LSO:
		out->has_lso = true;
		out->lso = word;
		break;
	default:
		out->has_vlan = true;
		out->vlan = word;
		break;
	}
	return 0;
}

/* rndis.md 6.1: walk the records of [ppi, ppi + len); unknown types are skipped. */
static int
tx_parse_ppis(const uint8_t *ppi, uint32_t len, struct tx_ppis *out)
{
	struct rndis_ppi rec;
	uint32_t pos = 0;

	memset(out, 0, sizeof(*out));
	while (pos < len) {
		if (len - pos < sizeof(rec))
			return -1;
		memcpy(&rec, ppi + pos, sizeof(rec));
		if (rec.size < sizeof(rec) || rec.size > len - pos)
			return -1;
		if (tx_ppi_take(ppi + pos, &rec, out) != 0)
			return -1;
		pos += rec.size;
	}
	return 0;
}

/* The tx checksums a checksum PPI word asks for, as HOST_TX_CSUM_* bits. */
static uint32_t
tx_csum_asked(uint32_t word)
{
	bool v6 = (word & RNDIS_TX_CSUM_IPV6) != 0;
	uint32_t asked = 0;

	if (!v6 && (word & RNDIS_TX_CSUM_IP_HDR) != 0)
		asked |= HOST_TX_CSUM_IP4_HDR;
	if ((word & RNDIS_TX_CSUM_TCP) != 0)
		asked |= v6 ? HOST_TX_CSUM_TCP6 : HOST_TX_CSUM_TCP4;
	if ((word & RNDIS_TX_CSUM_UDP) != 0)
		asked |= v6 ? HOST_TX_CSUM_UDP6 : HOST_TX_CSUM_UDP4;
	return asked;
}

/*
 * An offload the guest never switched on is not done (counted): the frame
 * leaves as the guest left it (checksums), or not at all (an LSO send is no
 * frame). Guests switch them on first (Linux, FreeBSD, DPDK's netvsc).
 */
static bool
tx_offload_off(struct host_ctx *ctx, const struct tx_ppis *ppis)
{
	const struct host_rndis *r = &ctx->dev->rndis;
	bool off;

	if (ppis->has_lso)
		off = (ppis->lso & RNDIS_LSO_IPV6) != 0 ? !r->lso_ip6 : !r->lso_ip4;
	else
		off = ppis->has_csum && (tx_csum_asked(ppis->csum) & ~r->tx_csum_on) != 0;
	if (off)
		ctx->cnt->n[HOST_CNT_TX_OFFLOAD_OFF]++;
	return off;
}

/* OpenVMM's netvsp takes an LSO frame whose headers are a first entry of 256 bytes at most. */
#define TX_LSO_MAX_FIRST_SGE	256u

/*
 * The frame at [at, at + len) of tx_gather, as OpenVMM's netvsp (MANA)
 * needs an LSO send: at least two scatter-gather entries, the first of 256
 * bytes at most (the headers alone). A section is one entry: never taken.
 */
static bool
tx_lso_layout_ok(const struct host_ctx *ctx, uint32_t at, uint32_t len)
{
	const struct host_dev *hd = ctx->dev;
	uint32_t i = 0;

	if (ctx->sim->cfg.lso_any_layout)
		return true;
	while (i < hd->nb_tx_sges && hd->tx_sge_end[i] <= at)
		i++;
	return i < hd->nb_tx_sges && hd->tx_sge_end[i] - at <= TX_LSO_MAX_FIRST_SGE &&
	       hd->tx_sge_end[i] - at < len;
}

/* Offloads, then the backend. -1 when dropped (counted). */
static int
tx_frame(struct host_ctx *ctx, uint8_t *frame, uint32_t len, const struct tx_ppis *ppis)
{
	struct tx_sink sink = { ctx, ctx->ch->dev->backend_state, ppis->has_vlan,
				tx_vlan_tci(ppis->vlan) };
	uint32_t max = HVSIM_FRAME_MAX_BYTES - (ppis->has_vlan ? HOST_VLAN_TAG_BYTES : 0);
	int ret;

	if (sink.be == NULL) {
		ctx->cnt->n[HOST_CNT_TX_NO_BACKEND]++;
		return 0;
	}
	if (ppis->has_lso && tx_offload_off(ctx, ppis))
		return -1;
	if (ppis->has_lso && !tx_lso_layout_ok(ctx, (uint32_t)(frame - ctx->dev->tx_gather), len)) {
		ctx->cnt->n[HOST_CNT_TX_BAD_LSO_LAYOUT]++;
		return -1;
	}
	if (ppis->has_lso) {
		ret = host_offload_lso(frame, len, ppis->lso, ctx->dev->tx_seg, max, tx_emit,
				       &sink);
		if (ret < 0) {
			ctx->cnt->n[ret == -1 ? HOST_CNT_TX_BAD_OFFLOAD : HOST_CNT_TX_TOO_LONG]++;
			return -1;
		}
		ctx->cnt->n[HOST_CNT_TX_LSO_SENDS]++;
		ctx->cnt->n[HOST_CNT_TX_LSO_SEGMENTS] += (uint64_t)ret;
		return 0;
	}
	if (len > max) {
		ctx->cnt->n[HOST_CNT_TX_TOO_LONG]++;
		return -1;
	}
	if (ppis->has_csum && !tx_offload_off(ctx, ppis)) {
		ret = host_offload_csum(frame, len, ppis->csum);
		if (ret < 0) {
			ctx->cnt->n[HOST_CNT_TX_BAD_OFFLOAD]++;
			return -1;
		}
		ctx->cnt->n[HOST_CNT_TX_CSUM_FILLED] += (uint64_t)ret;
	}
	tx_emit(&sink, frame, len);
	return 0;
}

/* rndis.md 6: one PACKET message of msg_len bytes (header known to fit). */
static int
tx_message(struct host_ctx *ctx, uint8_t *msg, uint32_t msg_len)
{
	const uint32_t base = RNDIS_PACKET_OFFSET_BASE;
	struct rndis_packet_msg hdr;
	struct tx_ppis ppis;

	memcpy(&hdr, msg, sizeof(hdr));
	if (hdr.data_offset < RNDIS_PACKET_MIN_DATA_OFFSET || hdr.data_length < 14 ||
	    !range_fits(hdr.data_offset, hdr.data_length, msg_len - base)) {
		ctx->cnt->n[HOST_CNT_TX_BAD_DATA]++;
		return -1;
	}
	memset(&ppis, 0, sizeof(ppis));
	if (hdr.ppi_length != 0 &&
	    (hdr.ppi_offset < RNDIS_PACKET_MIN_DATA_OFFSET ||
	     !range_fits(hdr.ppi_offset, hdr.ppi_length, msg_len - base) ||
	     tx_parse_ppis(msg + base + hdr.ppi_offset, hdr.ppi_length, &ppis) != 0)) {
		ctx->cnt->n[HOST_CNT_TX_BAD_PPI]++;
		return -1;
	}
	return tx_frame(ctx, msg + base + hdr.data_offset, hdr.data_length, &ppis);
}

uint32_t
host_tx_data(struct host_ctx *ctx, uint8_t *bytes, uint32_t len)
{
	uint32_t pos = 0;

	/* rndis.md 10 step 2: each message at the previous one's start + length. */
	while (pos < len) {
		struct rndis_msg_hdr hdr;

		if (len - pos < sizeof(hdr)) {
			ctx->cnt->n[HOST_CNT_TX_BAD_MSG_LENGTH]++;
			return NVSP_STATUS_FAILURE;
		}
		memcpy(&hdr, bytes + pos, sizeof(hdr));
		if (hdr.type != RNDIS_MSG_PACKET) {
			ctx->cnt->n[HOST_CNT_TX_BAD_MSG_TYPE]++;
			return NVSP_STATUS_FAILURE;
		}
		if (hdr.length < sizeof(struct rndis_packet_msg) || hdr.length > len - pos) {
			ctx->cnt->n[HOST_CNT_TX_BAD_MSG_LENGTH]++;
			return NVSP_STATUS_FAILURE;
		}
		if (tx_message(ctx, bytes + pos, hdr.length) != 0)
			return NVSP_STATUS_FAILURE;
		pos += hdr.length;
	}
	if (len == 0) {
		ctx->cnt->n[HOST_CNT_TX_BAD_MSG_LENGTH]++;
		return NVSP_STATUS_FAILURE;
	}
	ctx->cnt->n[HOST_CNT_TX_DATA_SENDS]++;
	return NVSP_STATUS_SUCCESS;
}
