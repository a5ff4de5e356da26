/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transmit: each packet becomes an RNDIS PACKET (header and per-packet info
 * for checksum, TSO, VLAN and queue hash) sent as NVSP 107: small ones of a
 * burst copied together into one send-buffer section (one message set),
 * large ones by GPA page ranges computed from the mbufs' IOVAs. The host
 * completes each send; netvsc_chan_poll hands those completions back here,
 * where the section and mbuf are released.
 */
#include <assert.h>
#include <string.h>
#if defined(RTE_ARCH_X86)
#include <cpuid.h>
#endif

#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_net.h>

#include "netvsc.h"
#include "netvsc_vf.h"	/* VF hooks: accelerated networking */
#include "nvsp_wire.h"
#include "rndis_wire.h"
#include "vmbus_wire.h"

bool netvsc_has_prefetchw;

RTE_INIT(netvsc_tx_cpu_check)
{
#if defined(RTE_ARCH_X86)
	unsigned int a, b, c, d;

	/* CPUID 0x80000001: ECX bit 8 is PRFCHW (PREFETCHW). */
	netvsc_has_prefetchw = __get_cpuid(0x80000001u, &a, &b, &c, &d) != 0 && (c & (1u << 8));
#endif
}

/*
 * Page ranges one send may carry, the RNDIS header's included: the 32 that
 * Linux (MAX_PAGE_BUFFER_COUNT) and FreeBSD (HN_GPACNT_MAX) keep to on
 * Hyper-V. A frame of more pieces goes from a bounce slot.
 */
#define TX_MAX_GPA		32u
/* Each segment two page pieces at most, the header's range, an LSO frame's headers apart. */
static_assert(2 * NETVSC_TX_MAX_SEGS + 2 <= TX_MAX_GPA, "advertised segments fit a GPA send");
static_assert(NETVSC_TX_BOUNCE_BYTES / VMBUS_PAGE_BYTES + 2 <= TX_MAX_GPA, "a bounced frame fits");
static_assert(NETVSC_TX_BOUNCE_BYTES % VMBUS_PAGE_BYTES == 0, "bounce slots start on a page");
static_assert(NETVSC_TX_BOUNCE_SLOTS < 32, "bounce_free has a bit a slot");
#define NETVSC_TX_STARVED_DESC	64u	/* fewer free descriptors: a burst may not fit */
#define NETVSC_TX_STARVED_MS	20u
#define TX_PPI_BYTES		(sizeof(struct rndis_ppi) + sizeof(uint32_t))
#define NETVSC_TX_PREFETCH_BYTES	1024u	/* of a section: 8 small frames */

static uint8_t *
tx_add_ppi(uint8_t *p, uint32_t type, uint32_t value)
{
	struct rndis_ppi ppi = { .size = TX_PPI_BYTES, .type = type,
				 .data_offset = sizeof(ppi) };

	memcpy(p, &ppi, sizeof(ppi));
	memcpy(p + sizeof(ppi), &value, sizeof(value));
	return p + TX_PPI_BYTES;
}

static uint32_t
tx_csum_word(const struct rte_mbuf *m)
{
	uint64_t f = m->ol_flags;
	uint32_t w = 0;

	if (f & RTE_MBUF_F_TX_IPV4)
		w |= RNDIS_TX_CSUM_IPV4;
	else if (f & RTE_MBUF_F_TX_IPV6)
		w |= RNDIS_TX_CSUM_IPV6;
	if (f & RTE_MBUF_F_TX_IP_CKSUM)
		w |= RNDIS_TX_CSUM_IP_HDR;
	if ((f & RTE_MBUF_F_TX_L4_MASK) == RTE_MBUF_F_TX_TCP_CKSUM)
		w |= RNDIS_TX_CSUM_TCP;
	else if ((f & RTE_MBUF_F_TX_L4_MASK) == RTE_MBUF_F_TX_UDP_CKSUM)
		w |= RNDIS_TX_CSUM_UDP;
	w |= (uint32_t)(m->l2_len + m->l3_len) << RNDIS_TX_CSUM_L4_OFFSET_SHIFT;
	return w;
}

static uint32_t
tx_lso_word(const struct rte_mbuf *m)
{
	uint32_t w = (m->tso_segsz & RNDIS_LSO_MSS_MASK) | RNDIS_LSO_V2 |
		     ((uint32_t)(m->l2_len + m->l3_len) << RNDIS_LSO_TCP_OFFSET_SHIFT);

	return (m->ol_flags & RTE_MBUF_F_TX_IPV6) ? w | RNDIS_LSO_IPV6 : w;
}

/* RNDIS header and PPIs for m into hdr, field by field; returns their bytes. */
static uint32_t
tx_build_header_full(const struct netvsc_txq *txq, const struct rte_mbuf *m, uint8_t *hdr)
{
	struct rndis_packet_msg *pkt = (void *)hdr;
	uint8_t *p = hdr + sizeof(*pkt);
	uint32_t bytes;

	p = tx_add_ppi(p, RNDIS_PPI_HASH_VALUE, txq->queue_id);
	if (m->ol_flags & RTE_MBUF_F_TX_VLAN) {
		uint16_t tci = m->vlan_tci;

		p = tx_add_ppi(p, RNDIS_PPI_VLAN, ((uint32_t)(tci & 0xfff) << RNDIS_VLAN_ID_SHIFT) |
			       ((uint32_t)((tci >> 12) & 1) << RNDIS_VLAN_CFI_SHIFT) | (tci >> 13));
	}
	if (m->ol_flags & RTE_MBUF_F_TX_TCP_SEG)
		p = tx_add_ppi(p, RNDIS_PPI_LSO, tx_lso_word(m));
	else if (m->ol_flags & (RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK))
		p = tx_add_ppi(p, RNDIS_PPI_CSUM, tx_csum_word(m));
	bytes = (uint32_t)(p - hdr);
	*pkt = (struct rndis_packet_msg){
		.type = RNDIS_MSG_PACKET,
		.length = bytes + m->pkt_len,
		.data_offset = bytes - RNDIS_PACKET_OFFSET_BASE,
		.data_length = m->pkt_len,
		.ppi_offset = sizeof(*pkt) - RNDIS_PACKET_OFFSET_BASE,
		.ppi_length = bytes - (uint32_t)sizeof(*pkt),
	};
	return bytes;
}

#define TX_HDR_OFFLOADS	(RTE_MBUF_F_TX_VLAN | RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_IP_CKSUM | \
			 RTE_MBUF_F_TX_L4_MASK)

static_assert(NETVSC_TX_PLAIN_HDR_BYTES == sizeof(struct rndis_packet_msg) + TX_PPI_BYTES,
	      "a plain header is the message and the hash PPI");

/* The header of a frame without offloads, all but its lengths: once per queue. */
void
netvsc_tx_header_init(struct netvsc_txq *txq)
{
	struct rte_mbuf empty = { .ol_flags = 0 };

	tx_build_header_full(txq, &empty, txq->hdr_plain);
}

/* RNDIS header and PPIs for m into hdr; returns their bytes. */
static uint32_t
tx_build_header(const struct netvsc_txq *txq, const struct rte_mbuf *m, uint8_t *hdr)
{
	struct rndis_packet_msg *pkt = (void *)hdr;

	if (m->ol_flags & TX_HDR_OFFLOADS)
		return tx_build_header_full(txq, m, hdr);
	memcpy(hdr, txq->hdr_plain, NETVSC_TX_PLAIN_HDR_BYTES);
	pkt->length = NETVSC_TX_PLAIN_HDR_BYTES + m->pkt_len;
	pkt->data_length = m->pkt_len;
	return NETVSC_TX_PLAIN_HDR_BYTES;
}

/* The first free descriptor from the hint on; wraps by compare (a division was 15 % of a flush). */
static int
tx_desc_get(struct netvsc_txq *txq, uint32_t *idx)
{
	uint32_t i = txq->free_desc_hint;

	if (i >= txq->nb_desc)
		i = 0;
	for (uint32_t n = 0; n < txq->nb_desc; n++) {
		if (!txq->desc[i].in_flight) {
			txq->free_desc_hint = i + 1 < txq->nb_desc ? i + 1 : 0;
			*idx = i;
			return 0;
		}
		if (++i == txq->nb_desc)
			i = 0;
	}
	return -ENOSPC;
}

/*
 * Index of the free-section ring's entry k places after its head (k at most
 * nb_sections): a compare, not a division, in the burst.
 */
static inline uint32_t
tx_free_slot(const struct netvsc_txq *txq, uint32_t k)
{
	uint32_t i = txq->free_head + k;

	return i >= txq->nb_sections ? i - txq->nb_sections : i;
}

/* Bounce slot (1 + its index, as in a descriptor) free again. */
static inline void
tx_bounce_put(struct netvsc_txq *txq, uint8_t slot)
{
	txq->bounce_free |= 1u << (slot - 1);
}

/*
 * A send's transaction id: its descriptor, and the send's number above bit
 * 32, so a completion the host repeats, or one of a send an earlier queue
 * (or an earlier use of the slot) made, names no send in flight.
 */
static inline uint64_t
tx_xact_id(uint32_t idx, uint32_t seq)
{
	return NETVSC_XACT_DATA_BASE + idx + ((uint64_t)seq << 32);
}

void
netvsc_tx_completion(struct netvsc_txq *txq, uint64_t xact_id, bool failed)
{
	uint64_t i = (uint32_t)xact_id - (uint64_t)NETVSC_XACT_DATA_BASE;
	struct netvsc_tx_desc *d;

	/* A transaction id is a table index we issued, never a pointer. */
	if (i >= txq->nb_desc || !txq->desc[i].in_flight ||
	    txq->desc[i].seq != (uint32_t)(xact_id >> 32)) {
		txq->unexpected_completions++;
		return;
	}
	d = &txq->desc[i];
	if (unlikely(failed)) {		/* the host refused the send: lost, not sent */
		txq->stats.errors += d->nb_frames;
		/* Counted as sent at the send (a stats reset since leaves less). */
		txq->stats.packets -= RTE_MIN(txq->stats.packets, (uint64_t)d->nb_frames);
		txq->stats.bytes -= RTE_MIN(txq->stats.bytes, (uint64_t)d->frame_bytes);
	}
	if (d->section != NVSP_SECTION_NONE)
		txq->free_sections[tx_free_slot(txq, txq->nb_free_sections++)] = d->section;
	else if (d->bounce != 0)
		tx_bounce_put(txq, d->bounce);
	if (d->mbuf != NULL) {		/* NULL for a section: its frames were freed at send */
		rte_pktmbuf_free(d->mbuf);
		txq->mbufs_freed++;
	}
	d->mbuf = NULL;
	d->in_flight = false;
	txq->nb_in_flight--;
}

/* A new session: the host completes none of the sends in flight; each is let go as completed. */
uint32_t
netvsc_tx_forget(struct netvsc_txq *txq)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < txq->nb_desc; i++) {
		if (!txq->desc[i].in_flight)
			continue;
		netvsc_tx_completion(txq, tx_xact_id(i, txq->desc[i].seq), false);
		n++;
	}
	return n;
}

/*
 * Out of descriptors (exhausted sections fall back to them) for a while: the
 * completions must then be read even from behind frames the rx queue has no
 * room for (those are missed, as a NIC drops when its rx ring is full). A
 * short wait keeps back-pressure (nothing lost) for a host that is only slow.
 */
static bool
tx_starved(struct netvsc_txq *txq)
{
	uint64_t now;

	/* Bounce slots, all in flight, wait for completions as descriptors do. */
	if (txq->nb_in_flight + NETVSC_TX_STARVED_DESC <= txq->nb_desc && txq->bounce_free != 0) {
		txq->starved_since = 0;
		return false;
	}
	now = rte_get_timer_cycles();
	if (txq->starved_since == 0)
		txq->starved_since = now;
	return now - txq->starved_since > rte_get_timer_hz() / 1000 * NETVSC_TX_STARVED_MS;
}

/*
 * Completions are read when the queue runs short of what it lends the host
 * (half its sections or descriptors) or holds mbufs for it (GPA sends). Else
 * the burst does not read the channel: the rx bursts of a forwarding
 * application read completions as they come, and reading ahead for them here
 * would pull frames out of the ring long before the rx queue takes them.
 */
static inline bool
tx_needs_reap(const struct netvsc_txq *txq)
{
	uint32_t sections_out = txq->nb_sections - txq->nb_free_sections;

	return txq->nb_free_sections < txq->nb_sections / 2 ||
	       txq->nb_in_flight > sections_out ||		/* GPA sends in flight */
	       txq->nb_in_flight > txq->nb_desc / 2;
}

/* Long copies go wide where this process chose AVX2 (netvsc_simd.c). */
static __rte_always_inline void
tx_copy_bytes(uint8_t *dst, const void *src, uint32_t n)
{
#ifdef NETVSC_HAVE_AVX2
	if (n >= NETVSC_WIDE_COPY_MIN && netvsc_copy_wide)
		netvsc_copy_avx2(dst, src, n);
	else
#endif
		rte_memcpy(dst, src, n);
}

/*
 * A chain's pkt_len bytes, segment by segment: the room was checked for
 * pkt_len, so a chain whose data_len add up to more is cut there, never
 * copied past the section. Out of line: the burst keeps its registers.
 */
static __rte_noinline void
tx_copy_chain(const struct rte_mbuf *m, uint8_t *dst)
{
	uint32_t left = m->pkt_len;

	for (; m != NULL && left > 0; m = m->next) {
		uint32_t n = RTE_MIN((uint32_t)m->data_len, left);

		tx_copy_bytes(dst, rte_pktmbuf_mtod(m, const void *), n);
		dst += n;
		left -= n;
	}
}

/* The frame's pkt_len bytes; inlined in the aggregation path, its one hot caller. */
static __rte_always_inline void
tx_copy_segments(const struct rte_mbuf *m, uint8_t *dst)
{
	if (likely(m->next == NULL && m->data_len == m->pkt_len))
		tx_copy_bytes(dst, rte_pktmbuf_mtod(m, const void *), m->pkt_len);
	else
		tx_copy_chain(m, dst);
}

/*
 * The send section a burst is filling: small frames of one burst are copied
 * into it back to back, each RNDIS PACKET padded to the host's alignment
 * (RNDIS init's pkt_align; the padding counts in the previous message's
 * length, as Linux and DPDK's PMD send it), and sent as one NVSP 107.
 */
struct tx_agg {
	bool open;
	uint32_t section;
	uint8_t *sec;			/* the section's first byte */
	uint32_t bytes;			/* end of the last message */
	uint32_t last_msg;		/* offset of the last message, which takes padding */
	uint32_t nb_pkts;
	uint16_t first;			/* index in the burst of its first frame */
	/* dev's limits, copied: stores into the section alias dev. */
	uint32_t align, max_pkts, max_bytes;
};

static bool
tx_agg_fits(const struct tx_agg *agg, const struct rte_mbuf *m)
{
	uint32_t start = RTE_ALIGN_CEIL(agg->bytes, agg->align);

	return agg->nb_pkts < agg->max_pkts &&
	       start + NETVSC_TX_HDR_BYTES + m->pkt_len <= agg->max_bytes;
}

static void
tx_agg_append(struct netvsc_txq *txq, struct tx_agg *agg, struct rte_mbuf *m)
{
	uint8_t *sec = agg->sec;
	uint32_t start = RTE_ALIGN_CEIL(agg->bytes, agg->align);
	uint32_t pad = start - agg->bytes;

	if (pad != 0) {
		struct rndis_packet_msg *prev = (void *)(sec + agg->last_msg);
		static const uint64_t zero;

		/* Usually under 8 bytes, and this message's header follows: one store. */
		if (pad <= sizeof(zero))
			memcpy(sec + agg->bytes, &zero, sizeof(zero));
		else
			memset(sec + agg->bytes, 0, pad);
		prev->length += pad;
	}
	agg->last_msg = start;
	agg->bytes = start + tx_build_header(txq, m, sec + start);
	tx_copy_segments(m, sec + agg->bytes);
	agg->bytes += m->pkt_len;
	agg->nb_pkts++;
}

/*
 * A frame the host would refuse (rndis.md 6: data under 14 bytes; an LSO
 * send without its segment size), and the whole send with it: dropped
 * alone, counted in oerrors.
 */
static inline bool
tx_malformed(const struct rte_mbuf *m)
{
	return m->pkt_len < RTE_ETHER_HDR_LEN ||
	       ((m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) != 0 && m->tso_segsz == 0);
}

static void
tx_count(struct netvsc_txq *txq, const struct rte_mbuf *m)
{
	txq->stats.packets++;
	netvsc_count_frame(&txq->stats, m->pkt_len);
}

/*
 * The frames copied into a section are ours to free, counted first when
 * sent. Usually they are direct, single-segment mbufs of one pool that only
 * we hold: those go back to the pool in one call, as a free of each would
 * put them. Returns their bytes (the send's, if the host refuses it).
 */
static uint32_t
tx_free_copied(struct netvsc_txq *txq, struct rte_mbuf **pkts, uint32_t n, bool sent)
{
	struct rte_mempool *mp;
	uint32_t bytes = 0;
	bool plain = true;

	if (n == 0)
		return 0;
	mp = pkts[0]->pool;
	for (uint32_t i = 0; i < n; i++) {
		const struct rte_mbuf *m = pkts[i];
		uint32_t refcnt_segs;

		bytes += m->pkt_len;
		if (sent)
			netvsc_count_frame(&txq->stats, m->pkt_len);
		/* refcnt and nb_segs are adjacent: both 1 reads the same in any byte order. */
		RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, nb_segs) !=
				 offsetof(struct rte_mbuf, refcnt) + sizeof(m->refcnt));
		memcpy(&refcnt_segs, &m->refcnt, sizeof(refcnt_segs));
		plain &= m->pool == mp && m->next == NULL && refcnt_segs == 0x00010001u &&
			 RTE_MBUF_DIRECT(m);
	}
	if (sent)
		txq->stats.packets += n;
	if (plain)
		rte_mempool_put_bulk(mp, (void **)pkts, n);
	else
		rte_pktmbuf_free_bulk(pkts, n);
	return bytes;
}

/*
 * Send the open section as one message set: one descriptor for the section.
 * Its frames are the application's until then; on -EAGAIN (ring or
 * descriptors full) nothing is sent and they are left to the next burst.
 */
static int
tx_agg_flush(struct netvsc_txq *txq, struct tx_agg *agg, struct rte_mbuf **pkts,
	     bool *need_pub)
{
	struct nvsp_rndis_pkt msg = {
		.msg_type = NVSP_MSG1_TYPE_SEND_RNDIS_PKT,
		.channel_type = NVSP_RNDIS_CHANNEL_DATA,
		.section_index = agg->section,
		.section_bytes = agg->bytes,
	};
	uint32_t idx, seq = txq->next_seq, frame_bytes;
	int ret;

	agg->open = false;
	if (tx_desc_get(txq, &idx) < 0)
		return -EAGAIN;
	ret = rte_vmbus_chan_send(txq->chan, VMBUS_CHANPKT_TYPE_INBAND, &msg, sizeof(msg),
				  tx_xact_id(idx, seq), VMBUS_CHANPKT_FLAG_RC, need_pub);
	if (ret == -EAGAIN)
		return ret;
	frame_bytes = tx_free_copied(txq, pkts + agg->first, agg->nb_pkts, ret == 0);
	if (ret < 0) {
		txq->stats.errors += agg->nb_pkts;	/* can never be sent: counted, dropped */
		return 0;
	}
	txq->free_head = tx_free_slot(txq, 1);
	txq->nb_free_sections--;
	txq->nb_in_flight++;
	txq->next_seq++;
	txq->desc[idx] = (struct netvsc_tx_desc){ .section = agg->section, .in_flight = true,
						  .nb_frames = (uint16_t)agg->nb_pkts,
						  .frame_bytes = frame_bytes, .seq = seq };
	return 0;
}

/*
 * Ask for the lines of a section about to be filled for writing: the host
 * read them last, from its own core, so each is a cache miss, and asked all
 * at once they overlap instead of holding up the stores one by one.
 */
static inline void
tx_section_prefetch(const struct netvsc_dev *dev, uint32_t section)
{
	const uint8_t *sec = dev->txbuf + (size_t)section * dev->section_bytes;
	uint32_t n = RTE_MIN(dev->section_bytes, NETVSC_TX_PREFETCH_BYTES);

	for (uint32_t off = 0; off < n; off += RTE_CACHE_LINE_SIZE)
		netvsc_prefetch_write(sec + off);
}

static void
tx_agg_open(struct netvsc_txq *txq, struct tx_agg *agg, uint16_t first)
{
	const struct netvsc_dev *dev = txq->dev;
	uint32_t section = txq->free_sections[txq->free_head];

	*agg = (struct tx_agg){
		.open = true,
		.section = section,
		.sec = dev->txbuf + (size_t)section * dev->section_bytes,
		.first = first,
		.align = dev->rndis_align,
		.max_pkts = dev->tx_agg_pkts,
		.max_bytes = dev->tx_agg_bytes,
	};
	/* Each section once: this one was asked for as the last open's next. */
	if (agg->section != txq->section_prefetched)
		tx_section_prefetch(txq->dev, agg->section);
	if (txq->nb_free_sections > 1) {
		txq->section_prefetched = txq->free_sections[tx_free_slot(txq, 1)];
		tx_section_prefetch(txq->dev, txq->section_prefetched);
	}
}

/* Ranges of len bytes at iova, split at 4 KiB Hyper-V pages, appended at sg[*nb]. */
static int
tx_gpa_span(struct vmbus_gpa *sg, uint32_t *nb, rte_iova_t iova, uint32_t len)
{
	while (len > 0) {
		uint32_t ofs = (uint32_t)(iova % VMBUS_PAGE_BYTES);
		uint32_t n = RTE_MIN(len, VMBUS_PAGE_BYTES - ofs);

		if (*nb == TX_MAX_GPA)
			return -E2BIG;
		sg[(*nb)++] = (struct vmbus_gpa){ .len = n, .ofs = ofs,
						  .page = iova / VMBUS_PAGE_BYTES };
		iova += n;
		len -= n;
	}
	return 0;
}

/*
 * An LSO frame's header bytes (L2 to L4), sent in ranges of their own:
 * OpenVMM's netvsp (MANA) takes an LSO send only when its first range is
 * 256 bytes at most and the payload follows in others. 0: not LSO.
 */
static inline uint32_t
tx_lso_hdr_len(const struct rte_mbuf *m)
{
	if ((m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) == 0)
		return 0;
	return (uint32_t)m->l2_len + m->l3_len + m->l4_len;
}

/* len bytes at iova as ranges, the first hdr bytes (if fewer than len) apart. */
static int
tx_gpa_span_hdr(struct vmbus_gpa *sg, uint32_t *nb, rte_iova_t iova, uint32_t len, uint32_t hdr)
{
	if (hdr > 0 && hdr < len) {
		if (tx_gpa_span(sg, nb, iova, hdr) < 0)
			return -E2BIG;
		iova += hdr;
		len -= hdr;
	}
	return tx_gpa_span(sg, nb, iova, len);
}

/* Page ranges of the frame's segments after sg[0] (the header); the count. */
static int
tx_gpa_ranges(const struct rte_mbuf *m, struct vmbus_gpa *sg)
{
	uint32_t nb = 1, hdr = tx_lso_hdr_len(m);

	for (; m != NULL; m = m->next, hdr = 0)
		if (tx_gpa_span_hdr(sg, &nb, rte_pktmbuf_iova(m), m->data_len, hdr) < 0)
			return -E2BIG;
	return (int)nb;
}

/*
 * A frame of more page pieces than a send carries (a long chain of small
 * segments: a TSO frame in 2 KiB mbufs) is copied into a free bounce slot,
 * contiguous, and sent from there, as Linux linearizes such a frame. Sets
 * *slot; returns the range count, -EAGAIN with every slot in flight.
 */
static int
tx_bounce_ranges(struct netvsc_txq *txq, const struct rte_mbuf *m, struct vmbus_gpa *sg,
		 uint8_t *slot)
{
	uint32_t i, nb = 1;

	if (m->pkt_len > NETVSC_TX_BOUNCE_BYTES)
		return -E2BIG;
	if (txq->bounce_free == 0)
		return -EAGAIN;
	i = rte_bsf32(txq->bounce_free);
	tx_copy_segments(m, (uint8_t *)txq->bounce_mz->addr + (size_t)i * NETVSC_TX_BOUNCE_BYTES);
	tx_gpa_span_hdr(sg, &nb, txq->bounce_mz->iova + (rte_iova_t)i * NETVSC_TX_BOUNCE_BYTES,
			m->pkt_len, tx_lso_hdr_len(m));	/* fits: static_assert above */
	txq->bounce_free &= ~(1u << i);
	*slot = (uint8_t)(i + 1);
	return (int)nb;
}

static int
tx_send_gpa(struct netvsc_txq *txq, struct rte_mbuf *m, uint32_t idx, bool *need_pub)
{
	uint8_t *hdr = (uint8_t *)txq->hdr_mz->addr + (size_t)idx * NETVSC_TX_HDR_BYTES;
	rte_iova_t hdr_iova = txq->hdr_mz->iova + (rte_iova_t)idx * NETVSC_TX_HDR_BYTES;
	struct nvsp_rndis_pkt msg = {
		.msg_type = NVSP_MSG1_TYPE_SEND_RNDIS_PKT,
		.channel_type = NVSP_RNDIS_CHANNEL_DATA,
		.section_index = NVSP_SECTION_NONE,
	};
	struct vmbus_gpa sg[TX_MAX_GPA];
	uint8_t bounce = 0;
	int nb, ret;

	sg[0] = (struct vmbus_gpa){ .len = tx_build_header(txq, m, hdr),
				    .ofs = (uint32_t)(hdr_iova % VMBUS_PAGE_BYTES),
				    .page = hdr_iova / VMBUS_PAGE_BYTES };
	nb = tx_gpa_ranges(m, sg);
	if (nb == -E2BIG)
		nb = tx_bounce_ranges(txq, m, sg, &bounce);
	if (nb < 0)
		return nb;
	ret = rte_vmbus_chan_send_sglist(txq->chan, sg, (uint32_t)nb, &msg, sizeof(msg),
					 tx_xact_id(idx, txq->next_seq), need_pub);
	if (ret != 0) {
		if (bounce != 0)
			tx_bounce_put(txq, bounce);
		return ret;
	}
	txq->nb_in_flight++;
	txq->stats.bounced += bounce != 0;
	txq->desc[idx] = (struct netvsc_tx_desc){ .mbuf = m, .in_flight = true,
						  .section = NVSP_SECTION_NONE, .bounce = bounce,
						  .nb_frames = 1, .frame_bytes = m->pkt_len,
						  .seq = txq->next_seq++ };
	return 0;
}

static int
tx_one_gpa(struct netvsc_txq *txq, struct rte_mbuf *m, bool *need_pub)
{
	uint32_t idx;

	if (tx_desc_get(txq, &idx) < 0)
		return -EAGAIN;
	return tx_send_gpa(txq, m, idx, need_pub);
}

/* Not LSO: a section is one range to the host, and an LSO send needs its headers apart. */
static bool
tx_by_copy(const struct netvsc_dev *dev, const struct rte_mbuf *m)
{
	return m->pkt_len <= dev->tx_copybreak &&
	       m->pkt_len + NETVSC_TX_HDR_BYTES <= dev->section_bytes &&
	       (m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) == 0;
}

uint16_t
netvsc_tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct netvsc_txq *txq = queue;
	struct netvsc_dev *dev = txq->dev;
	bool need_pub = false;
	struct tx_agg agg = { .open = false };
	uint16_t nb_tx = 0;
	bool starved;

	if (netvsc_vf_tx(txq->port_id, txq->queue_id, pkts, nb_pkts, &nb_tx))
		return nb_tx;		/* VF hook: the active VF sends */
	rte_spinlock_lock(txq->lock);
	starved = tx_starved(txq);
	if (starved || tx_needs_reap(txq))
		netvsc_chan_poll(dev, txq->rxq, txq, starved, NETVSC_POLL_PKTS); /* reap first */
	while (nb_tx < nb_pkts) {
		struct rte_mbuf *m = pkts[nb_tx];
		bool copy = tx_by_copy(dev, m);
		int ret;

		if (unlikely(tx_malformed(m))) {
			/* The section so far goes first: it holds the burst's frames in order. */
			if (agg.open && tx_agg_flush(txq, &agg, pkts, &need_pub) == -EAGAIN) {
				nb_tx = agg.first;
				break;
			}
			txq->stats.errors++;
			rte_pktmbuf_free(m);
			nb_tx++;
			continue;
		}
		if (agg.open && !(copy && tx_agg_fits(&agg, m)) &&
		    tx_agg_flush(txq, &agg, pkts, &need_pub) == -EAGAIN) {
			nb_tx = agg.first;	/* ring or descriptors full: retry later */
			break;
		}
		if (copy && (agg.open || txq->nb_free_sections > 0)) {
			if (!agg.open)
				tx_agg_open(txq, &agg, nb_tx);
			tx_agg_append(txq, &agg, m);
			nb_tx++;
			continue;
		}
		ret = tx_one_gpa(txq, m, &need_pub);
		if (ret == -EAGAIN)
			break;
		if (ret < 0) {
			txq->stats.errors++;
			rte_pktmbuf_free(m);	/* cannot ever be sent: counted, dropped */
		} else {
			tx_count(txq, m);
		}
		nb_tx++;
	}
	if (agg.open && tx_agg_flush(txq, &agg, pkts, &need_pub) == -EAGAIN)
		nb_tx = agg.first;
	if (need_pub)	/* the burst's sends shown to the host at once */
		rte_vmbus_chan_tx_publish(txq->chan);
	netvsc_chan_unlock(txq->lock);
	return nb_tx;
}

/*
 * rte_eth_tx_descriptor_status: completions read first (not past frames the
 * rx queue has no room for: an answer may be FULL early, never DONE
 * early); then, counted from where the next send goes, the free
 * descriptors are DONE and the ones the host still holds (the last
 * nb_in_flight) FULL.
 */
int
netvsc_tx_descriptor_status(void *queue, uint16_t offset)
{
	struct netvsc_txq *txq = queue;
	uint32_t nb_free;

	if (offset >= txq->nb_desc)
		return -EINVAL;
	rte_spinlock_lock(txq->lock);
	netvsc_chan_poll(txq->dev, txq->rxq, txq, false, NETVSC_POLL_PKTS);
	nb_free = txq->nb_desc - txq->nb_in_flight;
	netvsc_chan_unlock(txq->lock);
	return offset < nb_free ? RTE_ETH_TX_DESC_DONE : RTE_ETH_TX_DESC_FULL;
}

/* What one cleanup reads at most: a host streaming other packets cannot hold it. */
#define TX_CLEANUP_MAX_PKTS	(16 * NETVSC_POLL_PKTS)

/*
 * rte_eth_tx_done_cleanup: completions read (as a starved burst reads them,
 * past frames the rx queue has no room for) until free_cnt mbufs are freed
 * (0: as many as there are), nothing is in flight, or nothing is read.
 * Returns the mbufs freed: a GPA send's, at its completion; a copied
 * frame's was freed at its send and is not counted. With a limit the
 * channel is read a packet at a time, as one completion frees one mbuf.
 */
int
netvsc_tx_done_cleanup(void *queue, uint32_t free_cnt)
{
	struct netvsc_txq *txq = queue;
	uint32_t per_read = free_cnt == 0 ? NETVSC_POLL_PKTS : 1, nb_read = 0;
	uint64_t start;
	int n;

	if (txq == NULL)	/* ethdev checks the port only */
		return -EINVAL;
	rte_spinlock_lock(txq->lock);
	start = txq->mbufs_freed;
	do {
		if (txq->nb_in_flight == 0 ||
		    (free_cnt != 0 && txq->mbufs_freed - start >= free_cnt))
			break;
		n = netvsc_chan_poll(txq->dev, txq->rxq, txq, true, per_read);
		nb_read += (uint32_t)n;
	} while (n > 0 && nb_read < TX_CLEANUP_MAX_PKTS);
	n = (int)(txq->mbufs_freed - start);
	netvsc_chan_unlock(txq->lock);
	return n;
}
