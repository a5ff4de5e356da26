/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Statistics: the basic counters summed over queues, and xstats: a counter
 * per host-data drop reason (device and queues together), frame size bins
 * per queue, and tx completions that named no send of ours.
 */
#include <stdio.h>
#include <string.h>

#include "netvsc.h"

static const char *const drop_names[NETVSC_DROP_MAX] = {
	[NETVSC_DROP_NONE] = "rx_drop_none",
	[NETVSC_DROP_BAD_PACKET_TYPE] = "rx_drop_bad_packet_type",
	[NETVSC_DROP_SHORT_NVSP] = "rx_drop_short_nvsp",
	[NETVSC_DROP_BAD_XFER_HEADER] = "rx_drop_bad_xfer_header",
	[NETVSC_DROP_BAD_RANGE_COUNT] = "rx_drop_bad_range_count",
	[NETVSC_DROP_RANGE_OUTSIDE_RXBUF] = "rx_drop_range_outside_rxbuf",
	[NETVSC_DROP_BAD_RNDIS_MSG] = "rx_drop_bad_rndis_msg",
	[NETVSC_DROP_UNEXPECTED_COMPLETION] = "rx_drop_unexpected_completion",
	[NETVSC_DROP_DATA_WHILE_STOPPED] = "rx_drop_data_while_stopped",
	[NETVSC_DROP_OVERSIZED_PACKET] = "rx_drop_oversized_packet",
	[NETVSC_DROP_BAD_RSC_SEQUENCE] = "rx_drop_bad_rsc_sequence",
	[NETVSC_DROP_BAD_INBAND] = "rx_drop_bad_inband",
	[NETVSC_DROP_OVERSIZED_FRAME] = "rx_drop_oversized_frame",
	[NETVSC_DROP_UNCOMPLETED_XFER] = "rx_drop_uncompleted_xfer",
};

static const char *const bin_names[NETVSC_NB_SIZE_BINS] = {
	"size_64", "size_65_127", "size_128_255", "size_256_511", "size_512_1023",
	"size_1024_1518", "size_1519_max",
};

/* A lookup per frame instead of a walk over the bins' upper bounds. */
uint8_t netvsc_size_bin[NETVSC_SIZE_BIN_LENGTHS];

RTE_INIT(netvsc_size_bin_init)
{
	static const uint32_t upper[NETVSC_NB_SIZE_BINS - 1] = { 64, 127, 255, 511, 1023, 1518 };
	uint8_t b = 0;

	for (uint32_t len = 0; len < NETVSC_SIZE_BIN_LENGTHS; len++) {
		if (len > upper[b])
			b++;
		netvsc_size_bin[len] = b;
	}
}

int
netvsc_stats_get(struct rte_eth_dev *eth, struct rte_eth_stats *st)
{
	for (uint16_t i = 0; i < eth->data->nb_rx_queues; i++) {
		const struct netvsc_rxq *rxq = eth->data->rx_queues[i];

		if (rxq == NULL)
			continue;
		st->ipackets += rxq->stats.packets;
		st->ibytes += rxq->stats.bytes;
		st->ierrors += rxq->stats.errors;
		st->rx_nombuf += rxq->stats.nombuf;
		st->imissed += rxq->stats.missed;
		if (i < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			st->q_ipackets[i] = rxq->stats.packets;
			st->q_ibytes[i] = rxq->stats.bytes;
			st->q_errors[i] = rxq->stats.errors;
		}
	}
	for (uint16_t i = 0; i < eth->data->nb_tx_queues; i++) {
		const struct netvsc_txq *txq = eth->data->tx_queues[i];

		if (txq == NULL)
			continue;
		st->opackets += txq->stats.packets;
		st->obytes += txq->stats.bytes;
		st->oerrors += txq->stats.errors;
		if (i < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			st->q_opackets[i] = txq->stats.packets;
			st->q_obytes[i] = txq->stats.bytes;
		}
	}
	return 0;
}

int
netvsc_stats_reset(struct rte_eth_dev *eth)
{
	struct netvsc_dev *dev = eth->data->dev_private;

	memset(dev->drops, 0, sizeof(dev->drops));
	for (uint16_t i = 0; i < eth->data->nb_rx_queues; i++) {
		struct netvsc_rxq *rxq = eth->data->rx_queues[i];

		if (rxq != NULL) {
			memset(&rxq->stats, 0, sizeof(rxq->stats));
			memset(rxq->drops, 0, sizeof(rxq->drops));
		}
	}
	for (uint16_t i = 0; i < eth->data->nb_tx_queues; i++) {
		struct netvsc_txq *txq = eth->data->tx_queues[i];

		if (txq != NULL) {
			memset(&txq->stats, 0, sizeof(txq->stats));
			txq->unexpected_completions = 0;
		}
	}
	return 0;
}

/*
 * Order: drop reasons, then rx queue bins, tx queue bins, tx unexpected
 * completions, rx frames received zero-copy, tx frames sent from a bounce slot.
 */
static unsigned int
xstats_count(const struct rte_eth_dev *eth)
{
	return (NETVSC_DROP_MAX - 1) +
	       NETVSC_NB_SIZE_BINS * (eth->data->nb_rx_queues + eth->data->nb_tx_queues) +
	       2 * eth->data->nb_tx_queues + eth->data->nb_rx_queues;
}

int
netvsc_xstats_get_names(struct rte_eth_dev *eth, struct rte_eth_xstat_name *names,
			unsigned int n)
{
	unsigned int k = 0, total = xstats_count(eth);

	if (names == NULL || n < total)
		return (int)total;
	for (unsigned int d = 1; d < NETVSC_DROP_MAX; d++)
		snprintf(names[k++].name, RTE_ETH_XSTATS_NAME_SIZE, "%s", drop_names[d]);
	for (uint16_t q = 0; q < eth->data->nb_rx_queues; q++)
		for (unsigned int b = 0; b < NETVSC_NB_SIZE_BINS; b++)
			snprintf(names[k++].name, RTE_ETH_XSTATS_NAME_SIZE, "rx_q%u_%s", q,
				 bin_names[b]);
	for (uint16_t q = 0; q < eth->data->nb_tx_queues; q++)
		for (unsigned int b = 0; b < NETVSC_NB_SIZE_BINS; b++)
			snprintf(names[k++].name, RTE_ETH_XSTATS_NAME_SIZE, "tx_q%u_%s", q,
				 bin_names[b]);
	for (uint16_t q = 0; q < eth->data->nb_tx_queues; q++)
		snprintf(names[k++].name, RTE_ETH_XSTATS_NAME_SIZE,
			 "tx_q%u_unexpected_completions", q);
	for (uint16_t q = 0; q < eth->data->nb_rx_queues; q++)
		snprintf(names[k++].name, RTE_ETH_XSTATS_NAME_SIZE, "rx_q%u_zero_copy", q);
	for (uint16_t q = 0; q < eth->data->nb_tx_queues; q++)
		snprintf(names[k++].name, RTE_ETH_XSTATS_NAME_SIZE, "tx_q%u_bounced", q);
	return (int)k;
}

static uint64_t
xstats_drop(const struct rte_eth_dev *eth, unsigned int d)
{
	const struct netvsc_dev *dev = eth->data->dev_private;
	uint64_t v = __atomic_load_n(&dev->drops[d], __ATOMIC_RELAXED);	/* any lcore adds */

	for (uint16_t q = 0; q < eth->data->nb_rx_queues; q++) {
		const struct netvsc_rxq *rxq = eth->data->rx_queues[q];

		if (rxq != NULL)
			v += rxq->drops[d];
	}
	return v;
}

int
netvsc_xstats_get(struct rte_eth_dev *eth, struct rte_eth_xstat *xs, unsigned int n)
{
	unsigned int k = 0, total = xstats_count(eth);

	if (xs == NULL || n < total)
		return (int)total;
	for (unsigned int d = 1; d < NETVSC_DROP_MAX; d++, k++)
		xs[k] = (struct rte_eth_xstat){ .id = k, .value = xstats_drop(eth, d) };
	for (uint16_t q = 0; q < eth->data->nb_rx_queues; q++) {
		const struct netvsc_rxq *rxq = eth->data->rx_queues[q];

		for (unsigned int b = 0; b < NETVSC_NB_SIZE_BINS; b++, k++)
			xs[k] = (struct rte_eth_xstat){
				.id = k, .value = rxq ? rxq->stats.size_bins[b] : 0 };
	}
	for (uint16_t q = 0; q < eth->data->nb_tx_queues; q++) {
		const struct netvsc_txq *txq = eth->data->tx_queues[q];

		for (unsigned int b = 0; b < NETVSC_NB_SIZE_BINS; b++, k++)
			xs[k] = (struct rte_eth_xstat){
				.id = k, .value = txq ? txq->stats.size_bins[b] : 0 };
	}
	for (uint16_t q = 0; q < eth->data->nb_tx_queues; q++, k++) {
		const struct netvsc_txq *txq = eth->data->tx_queues[q];

		xs[k] = (struct rte_eth_xstat){
			.id = k, .value = txq ? txq->unexpected_completions : 0 };
	}
	for (uint16_t q = 0; q < eth->data->nb_rx_queues; q++, k++) {
		const struct netvsc_rxq *rxq = eth->data->rx_queues[q];

		xs[k] = (struct rte_eth_xstat){ .id = k, .value = rxq ? rxq->stats.zero_copy : 0 };
	}
	for (uint16_t q = 0; q < eth->data->nb_tx_queues; q++, k++) {
		const struct netvsc_txq *txq = eth->data->tx_queues[q];

		xs[k] = (struct rte_eth_xstat){ .id = k, .value = txq ? txq->stats.bounced : 0 };
	}
	return (int)k;
}
