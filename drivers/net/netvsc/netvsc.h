/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * netvsc PMD state: the device (NVSP and RNDIS session, buffers, control
 * exchange) and its queues. Wire layouts are in nvsp_wire.h and rndis_wire.h.
 */
#ifndef NETVSC_H
#define NETVSC_H

#include <stdbool.h>
#include <stdint.h>

#include <ethdev_driver.h>
#include <rte_alarm.h>
#include <rte_ether.h>
#include <rte_log.h>
#include <rte_memzone.h>
#include <rte_prefetch.h>
#include <rte_spinlock.h>

#include "netvsc_ctl_parse.h"
#include "netvsc_rx_parse.h"
#include "rte_bus_vmbus.h"

/*
 * Ask for a line we are about to write. DPDK's rte_prefetch0_write becomes a
 * read prefetch (PREFETCHT0) unless the build targets PRFCHW (the generic x86
 * build does not), and a line fetched for reading must still be taken over
 * before the store; so on x86 PREFETCHW is issued directly when the CPU has
 * it (netvsc_tx.c checks once).
 */
extern bool netvsc_has_prefetchw;

static inline void
netvsc_prefetch_write(const void *p)
{
#if defined(RTE_ARCH_X86)
	if (netvsc_has_prefetchw) {
		__asm__ volatile("prefetchw %0" : : "m"(*(const char *)p));
		return;
	}
#endif
	rte_prefetch0_write(p);
}

/*
 * Release a channel lock taken with rte_spinlock_lock at the end of a burst.
 * DPDK's x86 unlock is an exchange, a full barrier that waits for every store
 * the burst made; releasing a lock needs only a store with release order.
 */
static inline void
netvsc_chan_unlock(rte_spinlock_t *sl)
{
	__atomic_store_n(&sl->locked, 0, __ATOMIC_RELEASE);
}

extern int netvsc_logtype_init;
extern int netvsc_logtype_driver;
#define NETVSC_LOG(level, type, dev, fmt, ...) \
	rte_log(RTE_LOG_ ## level, netvsc_logtype_ ## type, "netvsc %s: %s(): " fmt "\n", \
		(dev)->name, __func__, ##__VA_ARGS__)
#define NETVSC_INIT_LOG(level, dev, fmt, ...) NETVSC_LOG(level, init, dev, fmt, ##__VA_ARGS__)
#define NETVSC_DRV_LOG(level, dev, fmt, ...) NETVSC_LOG(level, driver, dev, fmt, ##__VA_ARGS__)

/* Every wait on the host ends by then (control requests). */
#define NETVSC_CTL_TIMEOUT_MS		5000u
/* Largest control request we send: an RSS SET with 256 entries is 28 + 40 + 1024 + 40. */
#define NETVSC_CTL_REQ_BYTES		2048u
/* Largest control message the host sends us (replies, indications). */
#define NETVSC_CTL_MSG_BYTES		1024u
/*
 * Transaction ids: in the low 32 bits a control kind or a send slot (base +
 * slot), above them a number (control: the request's, so a late completion
 * of an earlier one is not a later one's; tx: the slot's use).
 */
enum netvsc_xact {
	NETVSC_XACT_NONE = 0,		/* hosts complete ids we never asked with 0 */
	NETVSC_XACT_NVSP = 1,		/* NVSP control requests */
	NETVSC_XACT_RNDIS = 2,		/* RNDIS control messages (NVSP 107) */
	NETVSC_XACT_DATA_BASE = 16,	/* tx: base + slot */
};

/* One control exchange at a time; the reply is copied here, never read in place. */
struct netvsc_ctl {
	uint32_t nvsp_want;		/* NVSP reply type awaited, 0 none, or: */
#define NETVSC_CTL_WANT_COMPLETION	UINT32_MAX	/* empty, or typed nvsp_bare_type */
	uint32_t nvsp_bare_type;	/* the request awaiting its bare completion */
	uint64_t nvsp_xact;		/* the xact id of our latest NVSP request */
	bool nvsp_done;
	uint8_t nvsp_reply[64];
	uint32_t nvsp_reply_bytes;
	uint32_t rndis_rid;		/* RNDIS request id awaited, 0 none */
	uint64_t rndis_xact;		/* the xact id of our latest 107 */
	bool rndis_in_flight;		/* that 107 awaits its completion */
	bool rndis_sent;		/* the host completed our 107 */
	bool rndis_done;
	uint8_t rndis_reply[NETVSC_CTL_MSG_BYTES];
	uint32_t rndis_reply_bytes;
	uint32_t next_rid;
	uint32_t xact_seq;		/* numbers control requests (under ctl_lock) */
	const struct rte_memzone *req_mz;	/* request page, sent by GPA */
};

#define NETVSC_MAX_QUEUES	64
/* One inbound channel packet copied out: a transfer with the most ranges. */
#define NETVSC_RX_PKT_BYTES	(24u + NETVSC_MAX_RANGES * 8u + 64u)
/*
 * The longest frame taken from the host: an RSC frame of the longest IP
 * datagram (IPv6: a 40-byte header and 65535 bytes of payload), tag included.
 */
#define NETVSC_RX_FRAME_MAX	(RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN + 40u + UINT16_MAX)
#define NETVSC_TX_DESC_MIN	64u
#define NETVSC_TX_DESC_MAX	4096u
/*
 * Segments a frame may have (tx_desc_lim): sent by page ranges, each of up
 * to 4 KiB takes two at most, beside the RNDIS header's one, within the 32
 * ranges a send that Linux and FreeBSD keep to for Hyper-V hosts.
 */
#define NETVSC_TX_MAX_SEGS	15u
#define NETVSC_MAX_MC_ADDRS	64u
/* The layers rx parses for packet_type (rte_net_get_ptype): no tunnels, none inner. */
#define NETVSC_PTYPE_LAYERS	(RTE_PTYPE_L2_MASK | RTE_PTYPE_L3_MASK | RTE_PTYPE_L4_MASK)
/* Frames waiting for a burst: a queue's 1024, then room for a whole transfer. */
#define NETVSC_RX_DESC_MAX	1024u
#define NETVSC_RX_PENDING_MAX	(NETVSC_RX_DESC_MAX + NETVSC_MAX_RANGES)
#define NETVSC_RX_SPARE_BULK	32u	/* mbufs taken from the pool at once for copies */
#define NETVSC_RX_DEFER_BYTES	(256u * 1024u)	/* transfers read while the queue is full */
/*
 * Completions waiting for room in our ring to the host: a list per rx queue
 * as long as the host's receive-buffer slots (its honest most), a power of
 * two within these bounds.
 */
#define NETVSC_RX_COMP_WAIT_MIN	1024u
#define NETVSC_RX_COMP_WAIT_MAX	65536u
/* RNDIS header + PPIs of one tx packet: 44 + csum/LSO, VLAN, hash (12 + 4 each). */
#define NETVSC_TX_HDR_BYTES	128u
/* Frames of too many page pieces are copied whole into one of these (netvsc_tx.c). */
#define NETVSC_TX_BOUNCE_SLOTS	4u
#define NETVSC_TX_BOUNCE_BYTES	(17u * 4096u)	/* a 64 KiB TSO frame and its headers */
#define NETVSC_TX_PLAIN_HDR_BYTES	60u	/* RNDIS PACKET + one 4-byte PPI */

struct netvsc_txq;
struct netvsc_rx_hold;

/* Transfers of one queue whose completion may wait for the application's frees. */
#define NETVSC_RX_HOLDS		512u

struct netvsc_chan_lock {
	rte_spinlock_t lock;
} __rte_cache_aligned;

/* One tx packet the host has not completed yet; the index is its xact id. */
struct netvsc_tx_desc {
	struct rte_mbuf *mbuf;		/* GPA sends: freed on completion */
	uint32_t section;		/* NVSP_SECTION_NONE for GPA sends */
	uint32_t seq;			/* the send's number: its completion must name it */
	bool in_flight;
	uint8_t bounce;			/* GPA sends from a bounce slot: 1 + the slot, else 0 */
	uint16_t nb_frames;		/* a section's frames (a GPA send: one) */
	uint32_t frame_bytes;		/* theirs, counted as sent: taken back if refused */
};

/* Frame size bins of the per-queue xstats: up to 64, 127, 255, 511, 1023, 1518, more. */
#define NETVSC_NB_SIZE_BINS	7

struct netvsc_queue_stats {
	uint64_t packets, bytes, errors, nombuf, missed;
	uint64_t zero_copy;		/* rx frames handed over as external mbufs */
	uint64_t bounced;		/* tx frames sent from a bounce slot */
	uint64_t size_bins[NETVSC_NB_SIZE_BINS];
};

/* The bin of each frame length up to 1518 (netvsc_stats.c); longer: the last. */
#define NETVSC_SIZE_BIN_LENGTHS	1519u
extern uint8_t netvsc_size_bin[NETVSC_SIZE_BIN_LENGTHS];

/* A frame's bytes and size bin (callers count its packet). */
static inline void
netvsc_count_frame(struct netvsc_queue_stats *st, uint32_t len)
{
	st->bytes += len;
	st->size_bins[len < NETVSC_SIZE_BIN_LENGTHS ? netvsc_size_bin[len] :
		      NETVSC_NB_SIZE_BINS - 1]++;
}

struct netvsc_rxq {
	struct netvsc_dev *dev;
	struct vmbus_channel *chan;
	struct rte_mempool *mp;
	uint16_t queue_id;
	uint16_t port_id;
	bool vlan_strip;		/* else the host's VLAN PPI goes back into the frame */
	bool ptypes;			/* mbuf packet_type filled in (dev->ptypes_off clear) */
	struct netvsc_txq *txq;		/* same channel: its completions arrive here */
	rte_spinlock_t *lock;		/* the channel's */
	/* During an rx burst: the caller's array, filled straight from the ring. */
	struct rte_mbuf **burst;
	uint16_t burst_n, burst_max;	/* burst_max 0: outside a burst */
	uint16_t nb_pending, pending_head;
	struct rte_mbuf *pending[NETVSC_RX_PENDING_MAX];	/* frames for the next burst */
	uint8_t *pkt;			/* one channel packet, copied out of the ring */
	struct rte_mbuf *rsc_head;	/* RSC fragments joined so far */
	bool rsc_skip;			/* the rest of an oversized RSC frame: dropped */
	uintptr_t copy_limit;		/* during a transfer: rx_copy_block_limit */
	uint64_t mbuf_rearm;		/* a new mbuf's data_off, refcnt, nb_segs, port */
	uint32_t copy_ppis;		/* NETVSC_RX_PPI_*: copied, then RSC join or tag back */
	uint32_t seg_room;		/* frame bytes one of mp's mbufs holds */
	uint16_t nb_spare;		/* raw mbufs taken from mp in bulk, not yet used */
	struct rte_mbuf *spare[NETVSC_RX_SPARE_BULK];
	struct netvsc_queue_stats stats;
	uint64_t drops[NETVSC_DROP_MAX];
	struct netvsc_rx_defer {
		uint8_t *buf;		/* NETVSC_RX_DEFER_BYTES */
		uint32_t head, tail, used;
	} defer;			/* transfers read while full, not yet taken */
	/* Completions our full ring to the host refused, sent first by later bursts. */
	uint64_t *comp_wait;		/* comp_cap transfer ids */
	uint32_t comp_head, nb_comp, comp_cap;
	/* Zero-copy receive (netvsc_rx_zc.c): transfers waiting for mbufs to be freed. */
	struct netvsc_rx_hold *holds;	/* NULL: every frame is copied */
	uint16_t *free_holds;
	uint16_t nb_free_holds;
	uint64_t holds_freed;		/* by the application, any lcore (atomic) */
	uint64_t holds_completed;	/* of those, completed to the host */
	struct netvsc_rxq *zc_next;	/* released with holds: dev's zc_released list */
	/* Queue queries only. */
	uint16_t nb_desc;		/* as set up, at most NETVSC_RX_DESC_MAX */
	uint64_t offloads;		/* the port's and the queue's */
};

/* Does rx fill packet_type? (set_ptypes may change it while the queue runs) */
static inline bool
netvsc_rxq_ptypes(const struct netvsc_rxq *rxq)
{
	return __atomic_load_n(&rxq->ptypes, __ATOMIC_RELAXED);
}

struct netvsc_txq {
	struct netvsc_dev *dev;
	struct vmbus_channel *chan;
	struct netvsc_rxq *rxq;		/* same channel: where its completions are read */
	rte_spinlock_t *lock;		/* the channel's */
	uint8_t *pkt;			/* for polling without an rx queue on the channel */
	uint16_t queue_id;
	uint16_t port_id;
	uint32_t nb_desc;
	uint32_t nb_in_flight;
	uint32_t next_seq;		/* the next send's number (from a random start) */
	uint32_t bounce_free;		/* bit i: bounce slot i (bounce_mz) is not in flight */
	uint64_t starved_since;		/* timer cycles; 0: descriptors to spare */
	uint32_t free_desc_hint;
	struct netvsc_tx_desc *desc;
	const struct rte_memzone *hdr_mz;	/* NETVSC_TX_HDR_BYTES per desc, for GPA sends */
	uint32_t section_first, nb_sections;	/* this queue's share of the send buffer */
	uint32_t *free_sections;	/* a ring of nb_sections: oldest free first */
	uint32_t free_head, nb_free_sections;
	uint32_t section_prefetched;	/* the next section, asked for at the last open */
	/* RNDIS header and hash PPI of a frame without offloads, its lengths 0. */
	uint8_t hdr_plain[NETVSC_TX_PLAIN_HDR_BYTES];
	struct netvsc_queue_stats stats;
	uint64_t unexpected_completions;
	uint64_t mbufs_freed;		/* GPA sends' mbufs, freed on completion */
	const struct rte_memzone *bounce_mz;	/* NETVSC_TX_BOUNCE_SLOTS frames, contiguous */
	uint64_t offloads;		/* the port's and the queue's (txq_info_get) */
};

/* RSS parameters, replaced whole and only once the host has taken them. */
struct netvsc_rss_state {
	uint8_t key[NDIS_RSS_KEY_BYTES];
	bool key_set;			/* the application's key (else the default) */
	uint32_t reta[NDIS_RSS_TABLE_MAX];	/* channel index of each table entry */
	uint64_t hf;			/* RTE_ETH_RSS_* in effect */
	uint32_t hash_info;		/* the NDIS hash types for hf */
};

struct netvsc_dev {
	const char *name;
	struct rte_vmbus_device *vmbus;
	struct rte_eth_dev *eth;
	struct vmbus_channel *primary;
	uint32_t nvsp_version;
	uint32_t ndis_major, ndis_minor;
	uint32_t mtu;
	uint8_t *rxbuf;
	uint32_t rxbuf_bytes;
	uint8_t *txbuf;
	uint32_t txbuf_bytes;
	uint32_t section_bytes;
	uint32_t nb_sections;
	bool rxbuf_connected, txbuf_connected, rndis_up;
	uint32_t rndis_max_pkts, rndis_max_xfer_bytes, rndis_align;
	uint32_t tx_agg_pkts, tx_agg_bytes;	/* a send section's limits, from both of the above */
	uint32_t max_queues;		/* host's RSS capabilities, at most 64 */
	uint32_t reta_size;		/* indirection table entries sent (rss.reta's used part) */
	uint32_t rss_caps;		/* NDIS_RSS_CAP_*: hash types the host grants */
	struct netvsc_offload_caps_view offload_caps;	/* the host's, rndis.md 5.2 */
	uint64_t host_tx_offloads;	/* RTE_ETH_TX_OFFLOAD_* those caps give */
	uint64_t host_rx_offloads;
	struct vmbus_channel *chan[NETVSC_MAX_QUEUES];	/* by subchannel index, 0 primary */
	uint32_t nb_channels;
	struct netvsc_rss_state rss;	/* what the host hashes with (or will, at 2 queues) */
	struct rte_ether_addr mac;
	struct netvsc_ctl ctl;
	uint64_t drops[NETVSC_DROP_MAX];
	uint32_t latency_us;		/* devarg: host doorbell scan latency */
	uint32_t tx_copybreak;		/* devarg: frames up to this go by send section */
	uint32_t rx_copybreak;		/* devarg: larger frames zero-copy, if enabled */
	bool rx_extmbuf_enable;		/* devarg: zero-copy receive */
	bool ptypes_off;		/* rte_eth_dev_set_ptypes asked for none */
	rte_iova_t *rxbuf_page_iova;	/* per 4 KiB page of the receive buffer */
	struct netvsc_rxq *zc_released;	/* queues released while zero-copy mbufs were out */
	uint32_t rx_nb_slots;		/* the receive buffer's slots, as the host said */
	uint32_t packet_filter;
	bool started;
	bool needs_session;		/* the last new host session failed: none */
	bool needs_settings;		/* the session lacks the port's offloads or RSS */
	bool rescinded;			/* atomic: the host removed the device, no more exchanges */
	bool closing;			/* atomic: the rescind check must not re-arm */
	bool rescind_check_busy;	/* atomic: the check is running (alarm thread) */
	uint16_t nb_rxq, nb_txq;	/* the queue counts of the last configure */
	/*
	 * A channel's rings and the queue pair on it, held for one burst or one
	 * control step: rx queue i and tx queue i may be polled by different lcores
	 * (testpmd and l3fwd do), and both read the inbound ring for completions.
	 */
	struct netvsc_chan_lock chan_lock[NETVSC_MAX_QUEUES];
	rte_spinlock_t ctl_lock;	/* one control exchange at a time */
	/* Atomic: set by whichever lcore reads the host's indication. */
	bool link_up;
	bool link_known;		/* this session's link asked for or indicated */
	uint32_t link_indications;	/* atomic: media indications read, ever */
	uint32_t nb_mc_addrs;
	bool mc_list_refused;		/* host takes no list: ALL_MULTICAST instead */
	struct rte_ether_addr mc_addrs[NETVSC_MAX_MC_ADDRS];	/* sent again at start */
	uint32_t link_speed_mbps;
	uint32_t speed_indications;	/* atomic: LINK_SPEED_CHANGEs read, ever */
	uint16_t port_id;		/* dev is shared, eth is the primary's pointer */
	bool vf_host_allocated;		/* atomic: the last NVSP 128 said allocated */
	uint32_t vf_serial;		/* atomic: and this serial */
	/* a packet read with no queue on the channel, read as a struct vmbus_chanpkt_hdr */
	uint8_t ctl_pkt[NETVSC_RX_PKT_BYTES] __rte_aligned(8);
};

/* netvsc_rx.c, netvsc_tx.c */
uint16_t netvsc_rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t netvsc_tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint32_t netvsc_rx_queue_count(void *queue);
int netvsc_rx_descriptor_status(void *queue, uint16_t offset);
int netvsc_tx_descriptor_status(void *queue, uint16_t offset);
int netvsc_tx_done_cleanup(void *queue, uint32_t free_cnt);
#define NETVSC_POLL_PKTS	256u	/* channel packets one poll reads at most */
int netvsc_chan_poll(struct netvsc_dev *dev, struct netvsc_rxq *rxq, struct netvsc_txq *txq,
		     bool read_all, uint32_t max_pkts);
void netvsc_tx_completion(struct netvsc_txq *txq, uint64_t xact_id, bool failed);
uint32_t netvsc_tx_forget(struct netvsc_txq *txq);
void netvsc_tx_header_init(struct netvsc_txq *txq);
void netvsc_rx_complete_xfer(struct netvsc_dev *dev, struct vmbus_channel *chan,
			     uint64_t xact_id);
void netvsc_rxq_complete_xfer(struct netvsc_rxq *rxq, uint64_t xact_id);
void netvsc_rx_give_back(struct netvsc_dev *dev, struct vmbus_channel *chan,
			 struct netvsc_rxq *rxq, uint64_t xact_id);
void netvsc_rxq_complete_drain(struct netvsc_rxq *rxq);

/*
 * netvsc_rx_xfer.c, built twice: a transfer-page packet's frames into
 * mbufs, generic and with AVX2 (netvsc_simd_select picks one).
 */
typedef void netvsc_rx_xfer_fn(struct netvsc_dev *dev, struct vmbus_channel *chan,
			       struct netvsc_rxq *rxq, const uint8_t *pkt, uint32_t len);
netvsc_rx_xfer_fn netvsc_rx_xfer;
netvsc_rx_xfer_fn netvsc_rx_xfer_avx2;

/* netvsc_copy_avx2.c (AVX2 build only): rte_memcpy's 32-byte body. */
void netvsc_copy_avx2(void *dst, const void *src, size_t n);

/* netvsc_simd.c: this process's choice, made at probe. */
#define NETVSC_WIDE_COPY_MIN	256u	/* tx copies this long or longer go wide */
extern netvsc_rx_xfer_fn *netvsc_rx_xfer_path;
extern bool netvsc_copy_wide;		/* netvsc_copy_avx2 for long copies */
const char *netvsc_simd_select(void);

/*
 * Arm cb (in 1 us, not from a burst) unless it is pending already: however
 * often the host asks, one alarm at most. cb clears *pending first.
 */
static inline void
netvsc_alarm_once(bool *pending, rte_eal_alarm_callback cb, void *arg)
{
	if (!__atomic_exchange_n(pending, true, __ATOMIC_SEQ_CST) &&
	    rte_eal_alarm_set(1, cb, arg) != 0)
		__atomic_store_n(pending, false, __ATOMIC_SEQ_CST);
}

/* netvsc_rx_zc.c */
int netvsc_rx_zc_setup(struct netvsc_rxq *rxq);
bool netvsc_rx_zc_release(struct netvsc_rxq *rxq);
struct netvsc_rx_hold *netvsc_rx_zc_begin(struct netvsc_rxq *rxq, uint64_t xact_id);
struct rte_mbuf *netvsc_rx_zc_frame(struct netvsc_rxq *rxq, struct netvsc_rx_hold *h,
				    const uint8_t *data, uint32_t len);
bool netvsc_rx_zc_end(struct netvsc_rxq *rxq, struct netvsc_rx_hold *h);
void netvsc_rx_zc_complete_freed(struct netvsc_rxq *rxq);
void netvsc_rx_zc_reap(struct netvsc_dev *dev);
unsigned int netvsc_rx_zc_held(struct rte_eth_dev *eth);

/* netvsc_queue.c */
int netvsc_rx_queue_setup(struct rte_eth_dev *eth, uint16_t queue_id, uint16_t nb_desc,
			  unsigned int socket_id, const struct rte_eth_rxconf *conf,
			  struct rte_mempool *mp);
int netvsc_tx_queue_setup(struct rte_eth_dev *eth, uint16_t queue_id, uint16_t nb_desc,
			  unsigned int socket_id, const struct rte_eth_txconf *conf);
void netvsc_rx_queue_release(struct rte_eth_dev *eth, uint16_t queue_id);
void netvsc_rxq_drain(struct netvsc_rxq *rxq);
void netvsc_rxq_set_vlan_strip(struct netvsc_rxq *rxq, bool strip);
void netvsc_rx_undefer(struct netvsc_rxq *rxq);
void netvsc_tx_queue_release(struct rte_eth_dev *eth, uint16_t queue_id);
void netvsc_queues_session_end(struct rte_eth_dev *eth);
void netvsc_queues_rebind(struct rte_eth_dev *eth);
bool netvsc_chan_locks_wait(struct netvsc_dev *dev, uint16_t nb_chan);
void netvsc_rxq_info_get(struct rte_eth_dev *eth, uint16_t queue_id,
			 struct rte_eth_rxq_info *qinfo);
void netvsc_txq_info_get(struct rte_eth_dev *eth, uint16_t queue_id,
			 struct rte_eth_txq_info *qinfo);
void netvsc_set_fast_path(struct rte_eth_dev *eth);
bool netvsc_rxq_frame_outgrows(const struct rte_eth_dev_data *data,
			       const struct netvsc_rxq *rxq);

/* netvsc_intr.c: rx queue interrupts */
int netvsc_intr_start(struct rte_eth_dev *eth);
void netvsc_intr_stop(struct rte_eth_dev *eth);
void netvsc_intr_after_read(struct netvsc_rxq *rxq);
void netvsc_intr_rx_freed(uint16_t port_id, uint16_t queue_id);
int netvsc_rx_queue_intr_enable(struct rte_eth_dev *eth, uint16_t queue_id);
int netvsc_rx_queue_intr_disable(struct rte_eth_dev *eth, uint16_t queue_id);
/*
 * A VF now carries the data path (active): its rx interrupts wake our queues
 * (*intr: the VF was started with them; cleared if it refuses them), and a
 * queue asleep since before it is woken, to enable the VF's interrupt or to poll.
 */
void netvsc_intr_vf_started(struct netvsc_dev *dev, uint16_t vf_port, bool *intr);
void netvsc_intr_vf_detach(struct netvsc_dev *dev);

/* netvsc_mp.c: secondary processes */
int netvsc_mp_attach_secondary(struct rte_vmbus_device *vmbus, const struct eth_dev_ops *ops);

/* netvsc_offload.c */
int netvsc_offload_query_caps(struct netvsc_dev *dev);
int netvsc_offload_set(struct netvsc_dev *dev, bool lro);

/* netvsc_rss.c */
int netvsc_rss_query_caps(struct netvsc_dev *dev);
int netvsc_rss_setup_channels(struct netvsc_dev *dev, uint32_t nb_queues);
int netvsc_rss_configure(struct netvsc_dev *dev, const struct rte_eth_rss_conf *conf,
			 uint16_t nb_rxq);
int netvsc_rss_hash_set(struct netvsc_dev *dev, const struct rte_eth_rss_conf *conf,
			uint16_t nb_rxq);
int netvsc_rss_restore(struct netvsc_dev *dev);
int netvsc_rss_table_set(struct netvsc_dev *dev, const uint32_t table[NDIS_RSS_TABLE_MAX]);
uint64_t netvsc_rss_offloads(const struct netvsc_dev *dev);

/* netvsc_stats.c */
int netvsc_stats_get(struct rte_eth_dev *eth, struct rte_eth_stats *st);
int netvsc_stats_reset(struct rte_eth_dev *eth);
int netvsc_xstats_get(struct rte_eth_dev *eth, struct rte_eth_xstat *xstats, unsigned int n);
int netvsc_xstats_get_names(struct rte_eth_dev *eth, struct rte_eth_xstat_name *names,
			    unsigned int n);

/* netvsc_devargs.c: names as DPDK's own netvsc PMD takes them. */
#define NETVSC_ARG_LATENCY		"latency"
#define NETVSC_ARG_RX_COPYBREAK		"rx_copybreak"
#define NETVSC_ARG_TX_COPYBREAK		"tx_copybreak"
#define NETVSC_ARG_RX_EXTMBUF_ENABLE	"rx_extmbuf_enable"
#define NETVSC_DEFAULT_LATENCY_US	50u
#define NETVSC_DEFAULT_RX_COPYBREAK	256u
/*
 * Hyper-V's send section size: any frame that fits a section (with its
 * RNDIS header) is copied and aggregated, not sent by GPA page ranges
 * (measured: doc/netvsc.md, "Devargs").
 */
#define NETVSC_DEFAULT_TX_COPYBREAK	6144u
int netvsc_devargs_parse(struct netvsc_dev *dev, const struct rte_devargs *da);

/* netvsc_nvsp.c */
int netvsc_nvsp_attach(struct netvsc_dev *dev);
void netvsc_nvsp_detach(struct netvsc_dev *dev);

/* netvsc_ctl.c: the control exchange over the primary channel. */
int netvsc_ctl_init(struct netvsc_dev *dev);
void netvsc_ctl_fini(struct netvsc_dev *dev);
int netvsc_ctl_nvsp(struct netvsc_dev *dev, const void *req, uint32_t req_bytes,
		    uint32_t reply_type, uint32_t reply_min_bytes);
int netvsc_ctl_nvsp_oneway(struct netvsc_dev *dev, const void *req, uint32_t req_bytes);
int netvsc_ctl_nvsp_completed(struct netvsc_dev *dev, const void *req, uint32_t req_bytes);
void netvsc_ctl_read(struct netvsc_dev *dev);
int netvsc_ctl_rndis(struct netvsc_dev *dev, void *req, uint32_t req_bytes,
		     uint32_t reply_type, uint32_t reply_min_bytes);
int netvsc_ctl_rndis_oneway(struct netvsc_dev *dev, void *req, uint32_t req_bytes);
uint32_t netvsc_ctl_new_rid(struct netvsc_dev *dev);
void netvsc_ctl_on_completion(struct netvsc_dev *dev, const struct vmbus_channel *chan,
			      uint64_t xact_id, const uint8_t *payload, uint32_t len);
void netvsc_ctl_on_rndis(struct netvsc_dev *dev, const struct vmbus_channel *chan,
			 const uint8_t *msg, uint32_t bytes);
void netvsc_drop_count(struct netvsc_dev *dev, uint64_t *count, const char *what);
void netvsc_ctl_drop(struct netvsc_dev *dev, enum netvsc_drop why, const char *what);
void netvsc_link_indication(struct netvsc_dev *dev, uint32_t status, const uint8_t *buf);

/* netvsc_rndis.c */
int netvsc_rndis_attach(struct netvsc_dev *dev);
void netvsc_rndis_detach(struct netvsc_dev *dev);
int netvsc_rndis_query(struct netvsc_dev *dev, uint32_t oid, const void *in, uint32_t in_bytes,
		       void *out, uint32_t out_bytes, uint32_t *got_bytes);
int netvsc_rndis_set(struct netvsc_dev *dev, uint32_t oid, const void *in, uint32_t in_bytes);
int netvsc_rndis_set_filter(struct netvsc_dev *dev, uint32_t filter);
int netvsc_rndis_link_status(struct netvsc_dev *dev, bool *up, uint32_t *speed_mbps);
int netvsc_rndis_link_speed(struct netvsc_dev *dev, uint32_t *speed_mbps);

#endif /* NETVSC_H */
