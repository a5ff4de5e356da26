/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host-side counters, one set per channel: traffic, waits and every reason a
 * guest packet or index was refused. host_channel.c prints them at exit.
 */
#ifndef HOST_COUNTERS_H
#define HOST_COUNTERS_H

#include <stdint.h>
#include <stdio.h>

enum host_count {
	HOST_CNT_PKTS_IN,		/* guest packets consumed from guest tx */
	HOST_CNT_PKTS_OUT,		/* packets written to guest rx */
	HOST_CNT_INTERRUPTS,		/* interrupts raised to the guest */
	HOST_CNT_RX_RING_FULL,		/* passes stopped: guest rx lacked room (no drop) */
	HOST_CNT_BAD_GEOMETRY,		/* ring mapping too small or odd: not served */
	HOST_CNT_BAD_TX_INDEX,		/* guest tx write index >= data size or unaligned */
	HOST_CNT_BAD_RX_INDEX,		/* guest rx read index >= data size or unaligned */
	HOST_CNT_BAD_DESC_SHORT,	/* fewer bytes published than descriptor + trailer */
	HOST_CNT_BAD_DESC_OFFSET,	/* data_offset8 < 2 or > total_len8 */
	HOST_CNT_BAD_DESC_LEN,		/* packet longer than the bytes published */
	HOST_CNT_RESYNC_BYTES,		/* bytes skipped after a bad descriptor */
	HOST_CNT_BAD_TYPE,		/* channel packet type the device does not take */
	HOST_CNT_BAD_RANGE_COUNT,	/* GPA ranges do not fit the descriptor extension */
	HOST_CNT_BAD_GPA,		/* GPA range outside guest memory or page offset >= 4096 */
	HOST_CNT_GPA_OVER_32_PAGES,	/* served, but more pages than Linux/FreeBSD send (32) */
	HOST_CNT_TOO_LONG,		/* reply larger than allowed or than the ring */
	HOST_CNT_NVSP_TRUNCATED,	/* NVSP message shorter than its fields */
	HOST_CNT_NVSP_UNSUPPORTED,	/* NVSP message this host does not serve yet */
	HOST_CNT_NVSP_INIT_OK,		/* INIT answered with success */
	HOST_CNT_NVSP_INIT_FAIL,	/* INIT answered with failure */
	HOST_CNT_CHANNEL_HALTED,	/* a revoke or a second INIT: served no more until closed */
	HOST_CNT_NVSP_BAD_GPADL,	/* receive/send buffer GPADL not the device's */
	HOST_CNT_NVSP_BAD_SECTION,	/* 107 send-buffer section index or size out of range */
	HOST_CNT_RXBUF_COMPLETIONS,	/* guest completions that gave a transfer's slots back */
	HOST_CNT_RXBUF_BAD_COMPLETION,	/* guest completion naming no outstanding transfer */
	HOST_CNT_RXBUF_FULL,		/* reply dropped: no free receive-buffer slot */
	HOST_CNT_RNDIS_NO_RXBUF,	/* reply dropped: no receive buffer connected */
	HOST_CNT_RNDIS_TRUNCATED,	/* RNDIS message shorter than its fields or length */
	HOST_CNT_RNDIS_BAD_TYPE,	/* RNDIS control message of a type a guest never sends */
	HOST_CNT_RNDIS_BAD_INFO,	/* QUERY/SET info buffer outside the message */
	HOST_CNT_RNDIS_NOT_SUPPORTED,	/* QUERY/SET of an OID answered NOT_SUPPORTED */
	HOST_CNT_RNDIS_MC_LIST_REFUSED,	/* multicast list SET refused, as OpenVMM does */
	HOST_CNT_RNDIS_REPLIES,		/* RNDIS control replies delivered */
	HOST_CNT_TX_FRAMES,		/* frames handed to the backend (after segmentation) */
	HOST_CNT_TX_BYTES,		/* bytes of those frames */
	HOST_CNT_TX_DATA_SENDS,		/* data 107s completed with success */
	HOST_CNT_TX_BAD_MSG_TYPE,	/* data send holding a message other than PACKET */
	HOST_CNT_TX_BAD_MSG_LENGTH,	/* PACKET length < 44 or past the gathered bytes */
	HOST_CNT_TX_BAD_DATA,		/* frame outside its message or shorter than 14 */
	HOST_CNT_TX_BAD_PPI,		/* PPI area outside the message or a bad record */
	HOST_CNT_TX_BAD_OFFLOAD,	/* checksum/LSO request the frame's headers cannot meet */
	HOST_CNT_TX_BAD_LSO_LAYOUT,	/* LSO frame not headers (<= 256 B) then payload apart */
	HOST_CNT_TX_TOO_LONG,		/* frame (or LSO segment) above HVSIM_FRAME_MAX_BYTES */
	HOST_CNT_TX_NO_BACKEND,		/* frames dropped: the NIC has no backend */
	HOST_CNT_TX_CSUM_FILLED,	/* frames whose checksums the checksum PPI had filled in */
	HOST_CNT_TX_OFFLOAD_OFF,	/* checksum/LSO asked while the guest had it off: not done */
	HOST_CNT_TX_LSO_SENDS,		/* frames the LSOv2 PPI had segmented */
	HOST_CNT_TX_LSO_SEGMENTS,	/* segments those frames were cut into */
	HOST_CNT_RX_FRAMES,		/* frames delivered to the guest */
	HOST_CNT_RX_BYTES,		/* bytes of those frames, as the guest receives them */
	HOST_CNT_RX_XFERS,		/* transfer-page packets carrying frames */
	HOST_CNT_RX_FILTERED,		/* frames consumed and dropped by the packet filter */
	HOST_CNT_RX_NO_SLOT,		/* passes stopped: no free receive slot (no drop) */
	HOST_CNT_RX_TOO_LONG,		/* frames dropped: larger than the receive buffer allows */
	HOST_CNT_RX_RUNT,		/* frames dropped: shorter than an Ethernet header */
	HOST_CNT_RSC_COALESCED_FRAMES,	/* frames delivered coalesced from several (host_rsc.c) */
	HOST_CNT_RSC_SEGMENTS_MERGED,	/* segments those frames were coalesced from */
	HOST_CNT_LINK_INDICATIONS,	/* link status indications delivered (host_link.c) */
	HOST_CNT_SUBCHANNELS_OFFERED,	/* subchannels granted and offered (host_rss.c) */
	HOST_CNT_SUBCHANNEL_OFFER_FAILED,	/* granted subchannels the kernel layer could not offer */
	HOST_CNT_MAX
};

struct host_counters {
	uint64_t n[HOST_CNT_MAX];
};

/* Name of counter c, as printed ("rx_ring_full"). */
const char *host_counter_name(enum host_count c);

/* Print the non-zero counters of cnt as "  <prefix> <name> <value>" lines. */
void host_counters_print(FILE *out, const char *prefix, const struct host_counters *cnt);

#endif /* HOST_COUNTERS_H */
