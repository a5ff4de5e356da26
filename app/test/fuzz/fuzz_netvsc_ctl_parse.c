/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the PMD's control gate (netvsc_ctl_parse.c): the
 * input plays a hostile host answering NVSP requests, sending inband NVSP
 * messages (indirection table, VF association) and RNDIS completions and
 * indications. Input: a selector byte (which message; bit 7 forces the
 * awaited type so the fuzzer spends its time past that check), a u32 the
 * caller would supply (buffer bytes, subchannels asked, room), then the
 * message. The message is copied to an exact-size buffer so ASan sees any
 * read past it; every view the gate accepts is checked against the message
 * and then used the way the PMD uses it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netvsc_ctl_parse.h"
#include "nvsp_wire.h"
#include "rndis_wire.h"

#define FUZZ_HDR_BYTES		5u
#define FUZZ_FORCE_TYPE		0x80u
#define FUZZ_MAX_CHANNELS	64u	/* NETVSC_MAX_QUEUES */
#define FUZZ_CTL_MSG_BYTES	1024u	/* NETVSC_CTL_MSG_BYTES: the PMD's copy */

enum fuzz_kind {
	FUZZ_INBAND,			/* whole channel packet, as the rx path gets it */
	FUZZ_INIT_COMPLETE,
	FUZZ_RXBUF_COMPLETE,
	FUZZ_TXBUF_COMPLETE,
	FUZZ_SUBCHANNEL_COMPLETE,
	FUZZ_INDIRECTION,
	FUZZ_VF,
	FUZZ_RNDIS_CTL,			/* a non-PACKET message from a receive range */
	FUZZ_INIT_CMPLT,
	FUZZ_QUERY_CMPLT,		/* then the RSS and offload caps objects inside, if any */
	FUZZ_SET_CMPLT,
	FUZZ_RSS_CAPS,
	FUZZ_NB_KINDS,
};

/* The type each kind awaits, forced at offset 0 with FUZZ_FORCE_TYPE. */
static const uint32_t fuzz_type[FUZZ_NB_KINDS] = {
	[FUZZ_INBAND] = 0,
	[FUZZ_INIT_COMPLETE] = NVSP_MSG_TYPE_INIT_COMPLETE,
	[FUZZ_RXBUF_COMPLETE] = NVSP_MSG1_TYPE_SEND_RXBUF_COMPLETE,
	[FUZZ_TXBUF_COMPLETE] = NVSP_MSG1_TYPE_SEND_TXBUF_COMPLETE,
	[FUZZ_SUBCHANNEL_COMPLETE] = NVSP_MSG5_TYPE_SUBCHANNEL,
	[FUZZ_INDIRECTION] = NVSP_MSG5_TYPE_SEND_INDIRECTION_TABLE,
	[FUZZ_VF] = NVSP_MSG4_TYPE_SEND_VF_ASSOCIATION,
	[FUZZ_RNDIS_CTL] = 0,
	[FUZZ_INIT_CMPLT] = RNDIS_MSG_INIT_CMPLT,
	[FUZZ_QUERY_CMPLT] = RNDIS_MSG_QUERY_CMPLT,
	[FUZZ_SET_CMPLT] = RNDIS_MSG_SET_CMPLT,
	[FUZZ_RSS_CAPS] = 0,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint32_t fuzz_sink;	/* keeps the reads of accepted views */

static void
check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

/* Read every byte of a view the gate said is inside the message. */
static uint32_t
touch(const uint8_t *p, uint32_t bytes)
{
	uint32_t sum = 0;

	for (uint32_t i = 0; i < bytes; i++)
		sum += p[i];
	return sum;
}

static bool
inside(uint32_t off, uint32_t bytes, uint32_t len)
{
	return (uint64_t)off + bytes <= len;
}

static void
fuzz_inband(const uint8_t *pkt, uint32_t len)
{
	struct netvsc_nvsp_indirection table;
	struct netvsc_nvsp_vf vf;
	uint32_t off, type;

	if (netvsc_ctl_parse_chanpkt(pkt, len, &off) != NETVSC_CTL_OK)
		return;
	check(off >= 16 && off <= len);
	if (netvsc_ctl_parse_nvsp_type(pkt + off, len - off, &type) != NETVSC_CTL_OK)
		return;
	if (type == NVSP_MSG5_TYPE_SEND_INDIRECTION_TABLE &&
	    netvsc_ctl_parse_indirection_table(pkt + off, len - off, FUZZ_MAX_CHANNELS,
					       &table) == NETVSC_CTL_OK)
		for (uint32_t i = 0; i < NETVSC_INDIRECTION_ENTRIES; i++)
			check(table.entry[i] < FUZZ_MAX_CHANNELS);
	if (type == NVSP_MSG4_TYPE_SEND_VF_ASSOCIATION)
		netvsc_ctl_parse_vf_association(pkt + off, len - off, &vf);
}

static void
fuzz_rndis_ctl(const uint8_t *msg, uint32_t len)
{
	struct netvsc_rndis_ctl v;

	if (len > FUZZ_CTL_MSG_BYTES)
		return;			/* the PMD drops those before the gate */
	if (netvsc_ctl_parse_rndis_ctl(msg, len, &v) != NETVSC_CTL_OK)
		return;
	if (v.type == RNDIS_MSG_INDICATE_STATUS) {
		check(len >= 20);
		if (v.buf_bytes != 0) {
			check(v.buf_offset >= 20 && inside(v.buf_offset, v.buf_bytes, len));
			fuzz_sink += touch(msg + v.buf_offset, v.buf_bytes);
		}
		/* netvsc_link_indication reads a speed's u32 at buf_offset unchecked */
		if (v.status == RNDIS_STATUS_LINK_SPEED_CHANGE)
			check(v.buf_bytes >= 4);
	} else {
		check((v.type & RNDIS_MSG_COMPLETION) && len >= 12);
	}
}

/* An accepted offload object: the view holds its bytes at rndis.md 5.2's offsets. */
static void
check_offload(const uint8_t *obj, const struct netvsc_offload_caps_view *v)
{
	uint32_t w[3];

	memcpy(&w[0], obj + 8, 4);
	memcpy(&w[1], obj + 32, 4);
	memcpy(&w[2], obj + 104, 4);
	check(v->ip4_tx_csum == w[0] && v->ip6_rx_csum == w[1] && v->lsov2_ip6_options == w[2]);
}

/* As netvsc_rndis_query and netvsc_rss_query_caps use a query completion. */
static void
fuzz_query(const uint8_t *msg, uint32_t len, uint32_t room)
{
	struct netvsc_rndis_query_reply r;
	struct netvsc_offload_caps_view offload;
	struct netvsc_rss_caps_view caps;
	uint8_t *out;

	room %= 2 * FUZZ_CTL_MSG_BYTES;
	if (netvsc_ctl_parse_query_cmplt(msg, len, room, &r) != NETVSC_CTL_OK)
		return;
	check(r.info_bytes <= room);
	if (r.info_bytes == 0)
		return;
	check(r.info_offset >= 24 && inside(r.info_offset, r.info_bytes, len));
	out = malloc(room ? room : 1);		/* the caller's buffer, exactly */
	if (out == NULL)
		return;
	memcpy(out, msg + r.info_offset, r.info_bytes);
	if (netvsc_ctl_parse_rss_caps(out, r.info_bytes, &caps) == NETVSC_CTL_OK)
		check(caps.nb_rx_queues != 0);
	if (netvsc_ctl_parse_offload_caps(out, r.info_bytes, &offload) == NETVSC_CTL_OK)
		check_offload(out, &offload);
	free(out);
}

static void
fuzz_one(enum fuzz_kind kind, const uint8_t *msg, uint32_t len, uint32_t param)
{
	struct netvsc_nvsp_init_reply init;
	struct netvsc_nvsp_rxbuf_reply rxbuf;
	struct netvsc_nvsp_txbuf_reply txbuf;
	struct netvsc_nvsp_subchannel_reply sub;
	struct netvsc_nvsp_indirection table;
	struct netvsc_nvsp_vf vf;
	struct netvsc_rndis_init_reply ri;
	struct netvsc_offload_caps_view offload;
	struct netvsc_rss_caps_view caps;
	uint32_t status, max_channels;

	switch (kind) {
	case FUZZ_INBAND:
		fuzz_inband(msg, len);
		break;
	case FUZZ_INIT_COMPLETE:
		netvsc_ctl_parse_init_complete(msg, len, &init);
		break;
	case FUZZ_RXBUF_COMPLETE:
		if (netvsc_ctl_parse_rxbuf_complete(msg, len, param, &rxbuf) == NETVSC_CTL_OK)
			check(rxbuf.nb_sections == 1 && rxbuf.section_offset == 0 &&
			      (uint64_t)rxbuf.slot_bytes * rxbuf.nb_slots <= param);
		break;
	case FUZZ_TXBUF_COMPLETE:
		if (netvsc_ctl_parse_txbuf_complete(msg, len, param, &txbuf) == NETVSC_CTL_OK)
			check(txbuf.section_bytes != 0 && txbuf.section_bytes % 4 == 0 &&
			      txbuf.nb_sections >= 1 &&
			      (uint64_t)txbuf.nb_sections * txbuf.section_bytes <= param);
		break;
	case FUZZ_SUBCHANNEL_COMPLETE:
		if (netvsc_ctl_parse_subchannel_complete(msg, len, param, &sub) == NETVSC_CTL_OK)
			check(sub.nb_granted <= param);
		break;
	case FUZZ_INDIRECTION:
		max_channels = param % (FUZZ_MAX_CHANNELS + 1);
		if (netvsc_ctl_parse_indirection_table(msg, len, max_channels, &table) ==
		    NETVSC_CTL_OK)
			for (uint32_t i = 0; i < NETVSC_INDIRECTION_ENTRIES; i++)
				check(table.entry[i] < max_channels);
		break;
	case FUZZ_VF:
		netvsc_ctl_parse_vf_association(msg, len, &vf);
		break;
	case FUZZ_RNDIS_CTL:
		fuzz_rndis_ctl(msg, len);
		break;
	case FUZZ_INIT_CMPLT:
		if (netvsc_ctl_parse_init_cmplt(msg, len, &ri) == NETVSC_CTL_OK)
			check(ri.max_pkts >= 1 && ri.max_xfer_bytes != 0 &&
			      ri.align_bytes != 0 && ri.align_bytes <= 2048 &&
			      (ri.align_bytes & (ri.align_bytes - 1)) == 0);
		break;
	case FUZZ_QUERY_CMPLT:
		fuzz_query(msg, len, param);
		break;
	case FUZZ_SET_CMPLT:
		if (netvsc_ctl_parse_set_cmplt(msg, len, &status) == NETVSC_CTL_OK)
			check(status == RNDIS_STATUS_SUCCESS);
		break;
	case FUZZ_RSS_CAPS:		/* and the offload caps: both NDIS objects of a query */
		if (netvsc_ctl_parse_rss_caps(msg, len, &caps) == NETVSC_CTL_OK)
			check(caps.nb_rx_queues != 0 && len >= 16);
		if (netvsc_ctl_parse_offload_caps(msg, len, &offload) == NETVSC_CTL_OK)
			check_offload(msg, &offload);
		break;
	default:
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum fuzz_kind kind;
	uint32_t param, len;
	uint8_t *msg;

	if (size < FUZZ_HDR_BYTES || size - FUZZ_HDR_BYTES > 2 * FUZZ_CTL_MSG_BYTES)
		return 0;
	kind = (enum fuzz_kind)((data[0] & ~FUZZ_FORCE_TYPE) % FUZZ_NB_KINDS);
	memcpy(&param, data + 1, sizeof(param));
	len = (uint32_t)(size - FUZZ_HDR_BYTES);
	msg = malloc(len ? len : 1);
	if (msg == NULL)
		return 0;
	memcpy(msg, data + FUZZ_HDR_BYTES, len);
	if ((data[0] & FUZZ_FORCE_TYPE) && fuzz_type[kind] != 0 && len >= 4)
		memcpy(msg, &fuzz_type[kind], 4);
	fuzz_one(kind, msg, len, param);
	free(msg);
	return 0;
}
