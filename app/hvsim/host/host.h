/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hvsim host side, private: per-device and per-channel state and the packet
 * handlers host_channel.c dispatches to (host_echo.c, host_nvsp.c), with the
 * receive-buffer slots (host_rxbuf.c) and RNDIS control answers (host_rndis.c).
 */
#ifndef HOST_H
#define HOST_H

#include <errno.h>
#include <stdint.h>
#include <time.h>

#include "hvsim.h"
#include "host_counters.h"
#include "host_offload.h"
#include "host_ring.h"
#include "rndis_wire.h"
#include "backend.h"

/* CLOCK_MONOTONIC in ns: the host's delays (echo, faults, the VF switch). */
static inline uint64_t
host_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Echo device: largest echoed payload (the task's limit, not a VMBus one). */
#define HOST_ECHO_MAX_PAYLOAD	(64u * 1024)

/* NVSP state of a NIC, as negotiated so far (spec/nvsp.md 4). */
struct host_nvsp {
	uint32_t version;		/* 0 until an INIT succeeds */
	uint32_t ndis_major, ndis_minor;
	uint32_t mtu;			/* from NDIS config, Ethernet header included */
	uint64_t ndis_caps;
};

/* nvsp.md 3.6: the slot size Hyper-V reports (one slot per RNDIS control message). */
#define HOST_RXBUF_SLOT_BYTES	1728u
/* nvsp.md 3.9: the send section size Hyper-V and OpenVMM report. */
#define HOST_TXBUF_SECTION_BYTES	6144u
/* Largest RNDIS control message we answer (RSS parameters are 28 + 592 bytes). */
#define HOST_RNDIS_MAX_REQ_BYTES	4096u
/* Largest reply host_rndis_answer writes: a query completion with NDIS_OFFLOAD. */
#define HOST_RNDIS_MAX_REPLY_BYTES	256u

/*
 * The guest's receive buffer, cut in slots (rndis.md 9). A slot is the
 * guest's from the transfer-page packet until the guest completes that
 * packet's xact_id (= its first slot's index); we never reuse it earlier.
 */
struct host_rxbuf {
	uint8_t *base;			/* NULL: not connected */
	uint32_t slot_bytes;
	uint32_t nb_slots;
	uint16_t id;			/* transfer-page set id, normally 0xCAFE */
	uint32_t *span;			/* per slot: 0 free, n: first of n busy, else TAIL */
	uint32_t *next;			/* per run's first slot: next run of its transfer */
	uint32_t cursor;		/* where the next search starts */
	uint32_t nb_busy;
	uint32_t frame_reserve;		/* free slots a frame must leave (control's) + 1 */
	uint32_t prefetch_max;		/* lines of a slot asked for early: header, PPIs, a small frame */
	uint64_t lap_bytes;		/* written since the cursor last went back to slot 0 */
};
#define HOST_RXBUF_TAIL		UINT32_MAX
/* Receive slots data frames leave free for control replies and indications
 * (a sixteenth of them on small buffers). */
#define HOST_RXBUF_CONTROL_SLOTS	16u
#define HOST_MIN_U32(a, b)		((a) < (b) ? (a) : (b))
#define HOST_RXBUF_LINKED	0x40000000u	/* span flag: run is not its transfer's first */
#define HOST_RXBUF_NO_NEXT	UINT32_MAX

/* The guest's send buffer (nvsp.md 3.8-3.9). */
struct host_txbuf {
	const uint8_t *base;		/* NULL: not connected */
	uint32_t section_bytes;
	uint32_t nb_sections;
};

/* RNDIS state of a NIC (rndis.md 3-5). */
struct host_rndis {
	bool initialized;
	bool halted;
	uint32_t packet_filter;
	bool rss_enabled;
	uint32_t rss_hash_info;
	uint32_t rss_nb_entries;
	uint32_t rss_table[HVSIM_RSS_TABLE_MAX];
	uint8_t rss_key[NDIS_RSS_KEY_BYTES];
	bool rsc_ip4, rsc_ip6;		/* rndis.md 5.3: offload parameters rsc_* = 2 (on) */
	uint32_t tx_csum_on;		/* HOST_TX_CSUM_*: what the guest switched on */
	bool lso_ip4, lso_ip6;		/* lsov2_ip4/ip6 = 2 */
};

/* Tx checksums a guest switched on (offload parameters, rndis.md 5.3); all off at INIT. */
#define HOST_TX_CSUM_IP4_HDR	0x01u
#define HOST_TX_CSUM_TCP4	0x02u
#define HOST_TX_CSUM_UDP4	0x04u
#define HOST_TX_CSUM_TCP6	0x08u
#define HOST_TX_CSUM_UDP6	0x10u

/* Bytes one data 107 may gather: an LSO send of 64 KiB plus its RNDIS headers. */
#define HOST_TX_GATHER_BYTES	(128u * 1024)
#define HOST_TX_MAX_SGES	64u	/* more: the last one takes the rest */
/* A frame the host builds: the largest frame plus a VLAN tag it inserts. */
#define HOST_TX_FRAME_BYTES	(HVSIM_FRAME_MAX_BYTES + 4u)
/* Most RNDIS messages (ranges) in one transfer-page packet of frames. */
#define HOST_RX_MAX_RANGES	64u

/* RSC (host_rsc.c): the largest coalesced frame, an IP length of 65535 behind Ethernet. */
#define HOST_RSC_FRAME_BYTES	(14u + 65535u)
/* rndis.md 6.1: the internal "packet id" PPI (type word 0x80000001), version 1. */
#define HOST_RSC_PPI_TYPE	0x80000001u
#define HOST_RSC_PPI_VERSION	1u
/* Its flags: sub-allocation, first fragment, last fragment (one whole frame). */
#define HOST_RSC_PPI_FLAGS	0x7u

/* A frame taken from the backend by RSC, coalesced or not, until it is placed. */
struct host_rsc {
	uint8_t buf[HOST_RSC_FRAME_BYTES];
	struct hvsim_frame frame;	/* data: buf */
	uint32_t nb_segs;		/* segments in it (1: not coalesced) */
	bool pending;			/* taken, not yet placed */
	uint16_t next_id;		/* the packet-id PPI's next id */
};

/* A data 107 completion held back by a fault (host_fault.c). */
struct host_deferred {
	uint64_t xact_id;
	uint64_t due_ns;		/* late-completions: when it goes out */
	uint32_t status;
	uint16_t chan_idx;
	bool withheld;			/* withhold-completions: out when that is cleared */
};
#define HOST_FAULT_MAX_DEFERRED	4096u

#define HOST_RX_PREFIX_BYTES	64u	/* RNDIS header and a checksum PPI (60), rounded up */

/* What the receive pass parsed of a frame's headers, kept by hvsim_frame.hdr_key. */
struct host_rx_class {
	uint32_t key;			/* 0: empty */
	uint32_t len;
	struct host_l3 l3;
	uint32_t ip_flags;		/* IPv4: RNDIS_RX_CSUM_IP_OK or _FAILED; else 0 */
	uint8_t proto;			/* IP: the L4 protocol */
	bool strip;			/* a tag in the data, moved to the VLAN PPI */
	/* host_rx.c: the usual message's bytes before the frame, made once */
	uint8_t prefix_bytes;		/* 0: none yet */
	uint8_t prefix_csum;		/* the enum hvsim_frame_csum they were made for */
	uint8_t prefix[HOST_RX_PREFIX_BYTES];
};
#define HOST_RX_CLASS_SLOTS	1024u	/* gen's flows at most, one each */

/* Kept from first open to host_release, so counters outlive the guest. */
struct host_dev {
	bool open;
	bool halted;			/* host_nvsp_halt: nothing served until the close */
	uint8_t *pkt_scratch;		/* HOST_RING_MAX_PKT_BYTES: current guest packet */
	uint8_t *reply_scratch;		/* HOST_ECHO_MAX_PAYLOAD: gathered reply payload */
	uint8_t *tx_gather;		/* HOST_TX_GATHER_BYTES: a data send's RNDIS bytes */
	/*
	 * Where each scatter-gather entry of the send in tx_gather ends, as
	 * OpenVMM counts them: a send-buffer section is one, a GPA range one
	 * per run of consecutive pages (host_tx.c judges LSO frames by them).
	 */
	uint32_t tx_sge_end[HOST_TX_MAX_SGES];
	uint32_t nb_tx_sges;
	uint8_t tx_seg[HOST_TX_FRAME_BYTES];	/* an LSO segment being built */
	uint8_t tx_vlan[HOST_TX_FRAME_BYTES];	/* a frame with its VLAN tag inserted */
	struct host_nvsp nvsp;
	struct host_rxbuf rxbuf;
	struct host_txbuf txbuf;
	struct host_rndis rndis;
	struct host_rsc rsc;
	/* host_rx_pass: one batch's ranges per channel (host_rss.c picks the channel). */
	struct vmbus_xfer_range rx_range[HVSIM_MAX_CHANNELS][HOST_RX_MAX_RANGES];
	struct host_rx_class rx_class[HOST_RX_CLASS_SLOTS];
	struct host_rx_class rx_class_once;	/* a frame without a key */
	struct host_deferred *deferred;	/* HOST_FAULT_MAX_DEFERRED, allocated at open */
	uint32_t nb_deferred;
};

struct host_chan {
	struct host_ring ring;
	bool attached;			/* ring state taken from the headers since open */
	bool usable;			/* false: ring geometry refused, not served */
	struct host_counters cnt;
	uint64_t head_seen_ns;		/* echo delay: when the head packet was first seen */
};

/* Free all host state, counters included (after host_print_counters, at exit). */
void host_release(struct hvsim *sim);

/* What a handler did with a packet. */
enum host_verdict {
	HOST_PKT_DONE,			/* answered or dropped (counted): consume it */
	HOST_PKT_WAIT,			/* guest rx lacks room: keep it for the next pass */
	HOST_PKT_LATER,			/* not due yet (--echo-delay-ms): keep it */
};

/* One packet's context: where replies go and what they count against. */
struct host_ctx {
	struct hvsim *sim;
	struct hvsim_channel *ch;
	struct host_dev *dev;
	struct host_ring_writer *wr;
	struct host_counters *cnt;
};

typedef enum host_verdict (*host_handler_fn)(struct host_ctx *ctx,
					     const struct host_ring_pkt *pkt);

enum host_verdict host_echo_packet(struct host_ctx *ctx, const struct host_ring_pkt *pkt);
enum host_verdict host_nvsp_packet(struct host_ctx *ctx, const struct host_ring_pkt *pkt);

/*
 * Receive-buffer slots (host_rxbuf.c). connect: -EINVAL if the buffer holds
 * no slot, -ENOMEM. alloc: the first of enough consecutive free slots for
 * bytes; -ENOSPC none free now, -EMSGSIZE never. release: false if xact_id
 * names no outstanding transfer (nothing changes then).
 */
int host_rxbuf_connect(struct host_rxbuf *rb, uint8_t *base, uint64_t bytes,
		       uint32_t slot_bytes, uint16_t id);
void host_rxbuf_disconnect(struct host_rxbuf *rb);
int host_rxbuf_alloc(struct host_rxbuf *rb, uint32_t bytes, uint32_t *first);
bool host_rxbuf_release(struct host_rxbuf *rb, uint64_t xact_id);
/* Make the run at first part of the transfer whose last run so far is at prev. */
void host_rxbuf_link(struct host_rxbuf *rb, uint32_t prev, uint32_t first);

/*
 * nvsp.md 3.10: a guest 107's RNDIS bytes (send-buffer section, then GPA
 * ranges) appended to buf of cap bytes. -1: all gathered; else the counter
 * of the reason it failed.
 */
int host_nvsp_gather(struct host_ctx *ctx, const struct host_ring_pkt *pkt,
		     uint32_t section_index, uint32_t section_bytes, uint8_t *buf,
		     uint32_t cap, uint32_t *total);
/* Extension bytes of a transfer-page packet of nb ranges. */
#define HOST_XFER_EXT_BYTES(nb) \
	(sizeof(struct vmbus_chanpkt_rxbuf) - sizeof(struct vmbus_chanpkt_hdr) + \
	 (nb) * sizeof(struct vmbus_xfer_range))
/* Ring bytes of a transfer-page packet of nb ranges (with its NVSP 107). */
uint64_t host_nvsp_xfer_bytes(uint32_t nb);
/*
 * rndis.md 9: one transfer-page packet naming nb ranges already written in
 * slots, xact_id = the first range's first slot. Room must be reserved.
 */
void host_nvsp_write_xfer(struct host_ctx *ctx, uint32_t channel_type,
			  const struct vmbus_xfer_range *range, uint32_t nb);

/*
 * rndis.md 10: the RNDIS PACKET messages of one data send (len gathered
 * bytes, modified in place), offloads applied, each frame handed to the
 * NIC's backend. Returns the NVSP status for the 108.
 */
uint32_t host_tx_data(struct host_ctx *ctx, uint8_t *bytes, uint32_t len);
/*
 * rndis.md 9: frames waiting in the NIC's backend, filtered, into receive
 * slots and one transfer-page packet. Call on the primary channel inside a
 * write batch. Returns frames delivered.
 */
unsigned int host_rx_pass(struct host_ctx *ctx);
/*
 * RSC (host_rsc.c). active: --rsc, the guest's NDIS config RSC capability
 * and its offload parameters turned RSC on. next: the frame to deliver next
 * (NULL: none): a held one, the backend's head (owned false: consume it once
 * placed), or segments taken from the backend and coalesced (owned: call
 * done with rx_place's result). ppi: the packet-id PPI word of a coalesced frame.
 */
bool host_rsc_active(const struct host_ctx *ctx);
const struct hvsim_frame *host_rsc_next(struct host_ctx *ctx, struct hvsim_backend *be,
					uint32_t *segs, bool *owned);
void host_rsc_done(struct host_ctx *ctx, int placed);
uint32_t host_rsc_ppi(struct host_ctx *ctx);
/* Does this device have frames to deliver now (filter set, buffer connected)? */
bool host_rx_ready(const struct hvsim_device *dev);

/*
 * Multi-queue (host_rss.c). subchannel: a guest NVSP 133 (nvsp.md 3.12),
 * answered, then subchannels offered and the indirection table sent (3.15).
 * max_queues: channels the RSS caps report (rndis.md 5.4). grant: how many of
 * asked more subchannels dev may still have. hash: rndis.md 5.7, the hash of
 * frame's tuple per the guest's hash types; returns the hash type used (0:
 * none, no hash). channel: the channel index hash selects.
 */
enum host_verdict host_rss_subchannel(struct host_ctx *ctx, const struct host_ring_pkt *pkt,
				      const uint8_t *msg, uint32_t len);
uint32_t host_rss_max_queues(const struct hvsim_device *dev);
uint32_t host_rss_grant(const struct hvsim_device *dev, uint32_t asked);
uint32_t host_rss_hash(const struct host_rndis *r, bool udp_offered, const uint8_t *frame,
		       uint32_t len, uint32_t *hash);
/* The same for a frame whose L3 header the caller parsed already. */
uint32_t host_rss_hash_l3(const struct host_rndis *r, bool udp_offered, const uint8_t *frame,
			  uint32_t len, struct host_l3 l3, uint32_t *hash);
uint32_t host_rss_channel(const struct host_rndis *r, uint32_t hash);
/* ch's host state, attached (host_channel.c); NULL if it cannot be served. */
struct host_chan *host_channel_get(struct hvsim_channel *ch);

/* 00:15:5d:00:00:<n + 1> for the n-th NIC of the simulation (host_rndis.c). */
void host_rndis_mac(const struct hvsim *sim, const struct hvsim_device *dev,
		    uint8_t mac[RNDIS_MAC_BYTES]);

/*
 * Answer one RNDIS control message of len bytes (host_rndis.c) into reply
 * (HOST_RNDIS_MAX_REPLY_BYTES). Returns the reply's bytes, 0 when the message
 * takes no reply (HALT), or -1 when it was dropped (counted by reason).
 */
int host_rndis_answer(struct host_ctx *ctx, const uint8_t *req, uint32_t len, uint8_t *reply);

/*
 * Reserve room for packets totalling bytes before writing any of them, so a
 * packet's replies go out all together or not at all. 0: write them now.
 * -EAGAIN: wait for the guest to read. -EMSGSIZE (counted too_long): they can
 * never fit, drop the packet.
 */
int host_reserve(struct host_ctx *ctx, uint64_t bytes);

/* The verdict for a host_reserve failure. */
static inline enum host_verdict
host_reserve_verdict(int ret)
{
	return ret == -EAGAIN ? HOST_PKT_WAIT : HOST_PKT_DONE;
}

/*
 * Link indications (host_link.c): pending for dev? flush writes them on the
 * primary while slots and ring room last; returns how many it wrote.
 */
bool host_link_pending(const struct hvsim *sim, const struct hvsim_device *dev);
unsigned int host_link_flush(struct host_ctx *ctx);
/* One indication of status now, queue or not (a fault's); false without slot or room. */
bool host_link_indicate(struct host_ctx *ctx, uint32_t status);

/*
 * Fault hooks (host_fault.c), each a no-op unless its fault is armed on the
 * NIC. ring_skip: bad-ring-index on the primary, true while the ring is
 * corrupted (skip the pass). pending: deferred completions wait for ch.
 * flush: write ch's due ones; returns how many. hold_control: true while a
 * control request must stay at the head (HOST_PKT_LATER). complete_data:
 * true if the fault took over a data 107's completion (room for one is
 * reserved). revoked: buffers are treated as revoked (fire: count it).
 * rx_inject: a malformed or oversized transfer on the primary, batch open.
 */
bool host_fault_ring_skip(struct host_ctx *ctx, struct host_ring *ring);
bool host_fault_pending(const struct host_ctx *ctx);
unsigned int host_fault_flush(struct host_ctx *ctx);
bool host_fault_hold_control(struct host_ctx *ctx, uint64_t xact_id);
bool host_fault_complete_data(struct host_ctx *ctx, const struct host_ring_pkt *pkt,
			      const void *reply, uint32_t len);
bool host_fault_revoked(const struct hvsim_device *dev);
bool host_fault_revoked_fire(struct host_ctx *ctx);
unsigned int host_fault_rx_inject(struct host_ctx *ctx);
/* A control completion of kind went out (kept for repeat-completion). */
void host_fault_note_completion(struct hvsim_device *dev, enum hvsim_ctl_kind kind,
				uint64_t xact_id, const void *msg, uint32_t len);
unsigned int host_fault_subchannel_inject(struct host_ctx *ctx);
/* The guest's RNDIS HALT, before its 107 is completed: indicate-at-halt. */
void host_fault_halt(struct host_ctx *ctx);
/*
 * An NVSP reply about to go out as msg, *len bytes: the same, or shortened
 * (*len), or copy (HOST_FAULT_REPLY_BYTES) changed. An RNDIS reply of len
 * bytes is changed in place.
 */
#define HOST_FAULT_REPLY_BYTES	64u
const void *host_fault_nvsp_reply(struct host_ctx *ctx, const void *msg, uint32_t *len,
				  uint8_t *copy);
void host_fault_rndis_reply(struct host_ctx *ctx, uint8_t *reply, uint32_t len);
bool host_fault_fail_set(struct host_ctx *ctx, uint32_t oid);

/* Payload of a guest packet: after data_offset8 * 8, up to total_len8 * 8. */
static inline const uint8_t *
host_pkt_payload(const struct host_ring_pkt *pkt, uint32_t *len)
{
	uint32_t off = (uint32_t)pkt->hdr.data_offset8 * 8;

	*len = pkt->len - off;
	return pkt->bytes + off;
}

#endif /* HOST_H */
