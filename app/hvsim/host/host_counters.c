/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Names and printing of the host counters (host_counters.h); which event
 * bumps which counter is decided by the file that sees the event.
 */
#include "host_counters.h"

static const char *const host_counter_names[HOST_CNT_MAX] = {
	[HOST_CNT_PKTS_IN] = "pkts_in",
	[HOST_CNT_PKTS_OUT] = "pkts_out",
	[HOST_CNT_INTERRUPTS] = "interrupts",
	[HOST_CNT_RX_RING_FULL] = "rx_ring_full",
	[HOST_CNT_BAD_GEOMETRY] = "bad_geometry",
	[HOST_CNT_BAD_TX_INDEX] = "bad_tx_index",
	[HOST_CNT_BAD_RX_INDEX] = "bad_rx_index",
	[HOST_CNT_BAD_DESC_SHORT] = "bad_desc_short",
	[HOST_CNT_BAD_DESC_OFFSET] = "bad_desc_offset",
	[HOST_CNT_BAD_DESC_LEN] = "bad_desc_len",
	[HOST_CNT_RESYNC_BYTES] = "resync_bytes",
	[HOST_CNT_BAD_TYPE] = "bad_type",
	[HOST_CNT_BAD_RANGE_COUNT] = "bad_range_count",
	[HOST_CNT_GPA_OVER_32_PAGES] = "gpa_over_32_pages",
	[HOST_CNT_BAD_GPA] = "bad_gpa",
	[HOST_CNT_TOO_LONG] = "too_long",
	[HOST_CNT_NVSP_TRUNCATED] = "nvsp_truncated",
	[HOST_CNT_NVSP_UNSUPPORTED] = "nvsp_unsupported",
	[HOST_CNT_NVSP_INIT_OK] = "nvsp_init_ok",
	[HOST_CNT_NVSP_INIT_FAIL] = "nvsp_init_fail",
	[HOST_CNT_CHANNEL_HALTED] = "channel_halted",
	[HOST_CNT_NVSP_BAD_GPADL] = "nvsp_bad_gpadl",
	[HOST_CNT_NVSP_BAD_SECTION] = "nvsp_bad_section",
	[HOST_CNT_RXBUF_COMPLETIONS] = "rxbuf_completions",
	[HOST_CNT_RXBUF_BAD_COMPLETION] = "rxbuf_bad_completion",
	[HOST_CNT_RXBUF_FULL] = "rxbuf_full",
	[HOST_CNT_RNDIS_NO_RXBUF] = "rndis_no_rxbuf",
	[HOST_CNT_RNDIS_TRUNCATED] = "rndis_truncated",
	[HOST_CNT_RNDIS_BAD_TYPE] = "rndis_bad_type",
	[HOST_CNT_RNDIS_BAD_INFO] = "rndis_bad_info",
	[HOST_CNT_RNDIS_NOT_SUPPORTED] = "rndis_not_supported",
	[HOST_CNT_RNDIS_MC_LIST_REFUSED] = "rndis_mc_list_refused",
	[HOST_CNT_RNDIS_REPLIES] = "rndis_replies",
	[HOST_CNT_TX_FRAMES] = "tx_frames",
	[HOST_CNT_TX_BYTES] = "tx_bytes",
	[HOST_CNT_TX_DATA_SENDS] = "tx_data_sends",
	[HOST_CNT_TX_BAD_MSG_TYPE] = "tx_bad_msg_type",
	[HOST_CNT_TX_BAD_MSG_LENGTH] = "tx_bad_msg_length",
	[HOST_CNT_TX_BAD_DATA] = "tx_bad_data",
	[HOST_CNT_TX_BAD_PPI] = "tx_bad_ppi",
	[HOST_CNT_TX_BAD_OFFLOAD] = "tx_bad_offload",
	[HOST_CNT_TX_BAD_LSO_LAYOUT] = "tx_bad_lso_layout",
	[HOST_CNT_TX_TOO_LONG] = "tx_too_long",
	[HOST_CNT_TX_NO_BACKEND] = "tx_no_backend",
	[HOST_CNT_TX_CSUM_FILLED] = "tx_csum_filled",
	[HOST_CNT_TX_OFFLOAD_OFF] = "tx_offload_off",
	[HOST_CNT_TX_LSO_SENDS] = "tx_lso_sends",
	[HOST_CNT_TX_LSO_SEGMENTS] = "tx_lso_segments",
	[HOST_CNT_RX_FRAMES] = "rx_frames",
	[HOST_CNT_RX_BYTES] = "rx_bytes",
	[HOST_CNT_RX_XFERS] = "rx_xfers",
	[HOST_CNT_RX_FILTERED] = "rx_filtered",
	[HOST_CNT_RX_NO_SLOT] = "rx_no_slot",
	[HOST_CNT_RX_TOO_LONG] = "rx_too_long",
	[HOST_CNT_RX_RUNT] = "rx_runt",
	[HOST_CNT_RSC_COALESCED_FRAMES] = "rsc_coalesced_frames",
	[HOST_CNT_RSC_SEGMENTS_MERGED] = "rsc_segments_merged",
	[HOST_CNT_LINK_INDICATIONS] = "link_indications",
	[HOST_CNT_SUBCHANNELS_OFFERED] = "subchannels_offered",
	[HOST_CNT_SUBCHANNEL_OFFER_FAILED] = "subchannel_offer_failed",
};

const char *
host_counter_name(enum host_count c)
{
	return (unsigned int)c < HOST_CNT_MAX ? host_counter_names[c] : "?";
}

void
host_counters_print(FILE *out, const char *prefix, const struct host_counters *cnt)
{
	for (unsigned int c = 0; c < HOST_CNT_MAX; c++) {
		if (cnt->n[c] != 0)
			fprintf(out, "  %s %s %llu\n", prefix, host_counter_names[c],
				(unsigned long long)cnt->n[c]);
	}
}
