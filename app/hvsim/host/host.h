/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hvsim host side, private: per-device and per-channel state and the packet
 * handlers host_channel.c dispatches to (host_echo.c, host_nvsp.c).
 */
#ifndef HOST_H
#define HOST_H

#include <errno.h>
#include <stdint.h>

#include "hvsim.h"
#include "host_counters.h"
#include "host_ring.h"

/* Echo device: largest echoed payload (the task's limit, not a VMBus one). */
#define HOST_ECHO_MAX_PAYLOAD	(64u * 1024)

/* NVSP state of a NIC, as negotiated so far (spec/nvsp.md 4). */
struct host_nvsp {
	uint32_t version;		/* 0 until an INIT succeeds */
	uint32_t ndis_major, ndis_minor;
	uint32_t mtu;			/* from NDIS config, Ethernet header included */
	uint64_t ndis_caps;
};

/* Kept from first open to host_release, so counters outlive the guest. */
struct host_dev {
	bool open;
	uint8_t *pkt_scratch;		/* HOST_RING_MAX_PKT_BYTES: current guest packet */
	uint8_t *reply_scratch;		/* HOST_ECHO_MAX_PAYLOAD: gathered reply payload */
	struct host_nvsp nvsp;
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

/* Payload of a guest packet: after data_offset8 * 8, up to total_len8 * 8. */
static inline const uint8_t *
host_pkt_payload(const struct host_ring_pkt *pkt, uint32_t *len)
{
	uint32_t off = (uint32_t)pkt->hdr.data_offset8 * 8;

	*len = pkt->len - off;
	return pkt->bytes + off;
}

#endif /* HOST_H */
