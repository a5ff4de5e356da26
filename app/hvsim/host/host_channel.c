/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hvsim host side entry points (hvsim.h): per-device and per-channel state,
 * one batched pass per open channel, dispatch of each guest packet to the
 * device kind's handler, interrupts, and the counters printed at exit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <inttypes.h>
#include <string.h>

#include "host.h"

/* Packets one channel may take per pass, so one busy channel cannot starve others. */
#define HOST_PASS_MAX_PKTS	1024u

static host_handler_fn
host_handler(enum hvsim_dev_kind kind)
{
	return kind == HVSIM_DEV_ECHO ? host_echo_packet : host_nvsp_packet;
}

static void
host_dev_free_scratch(struct host_dev *hd)
{
	free(hd->pkt_scratch);
	free(hd->reply_scratch);
	free(hd->tx_gather);
	free(hd->deferred);
	hd->pkt_scratch = NULL;
	hd->reply_scratch = NULL;
	hd->tx_gather = NULL;
	hd->deferred = NULL;
}

/* Forget protocol and ring state; counters stay for host_print_counters. */
static void
host_dev_reset(struct hvsim_device *dev)
{
	struct host_dev *hd = dev->host;

	memset(&hd->nvsp, 0, sizeof(hd->nvsp));
	host_rxbuf_disconnect(&hd->rxbuf);
	memset(&hd->txbuf, 0, sizeof(hd->txbuf));
	memset(&hd->rndis, 0, sizeof(hd->rndis));
	hd->rsc.pending = false;	/* a held frame was the last guest's */
	hd->nb_deferred = 0;		/* the next guest's xact ids mean other things */
	hd->open = false;
	hd->halted = false;
	for (unsigned int i = 0; i < HVSIM_MAX_CHANNELS; i++) {
		struct host_chan *hc = dev->chan[i].host;

		if (hc != NULL)
			hc->attached = false;
	}
}

void
host_device_open(struct hvsim *sim, struct hvsim_device *dev)
{
	struct host_dev *hd = dev->host;

	(void)sim;
	if (hd == NULL) {
		hd = calloc(1, sizeof(*hd));
		if (hd == NULL)
			goto err_nomem;
		dev->host = hd;
	}
	host_dev_reset(dev);
	if (hd->pkt_scratch == NULL)
		hd->pkt_scratch = malloc(HOST_RING_MAX_PKT_BYTES);
	if (hd->reply_scratch == NULL)
		hd->reply_scratch = malloc(HOST_ECHO_MAX_PAYLOAD);
	if (hd->tx_gather == NULL)
		hd->tx_gather = malloc(HOST_TX_GATHER_BYTES);
	if (hd->deferred == NULL)
		hd->deferred = calloc(HOST_FAULT_MAX_DEFERRED, sizeof(*hd->deferred));
	if (hd->pkt_scratch == NULL || hd->reply_scratch == NULL || hd->tx_gather == NULL ||
	    hd->deferred == NULL)
		goto err_free_scratch;
	hd->open = true;
	return;

err_free_scratch:
	host_dev_free_scratch(hd);
err_nomem:
	fprintf(stderr, "hvsim host: out of memory opening %s; device not served\n", dev->uuid);
}

void
host_device_close(struct hvsim *sim, struct hvsim_device *dev)
{
	(void)sim;
	if (dev->host == NULL)
		return;
	host_dev_reset(dev);
	host_dev_free_scratch(dev->host);
}

void
host_release(struct hvsim *sim)
{
	for (unsigned int d = 0; d < HVSIM_MAX_DEVICES; d++) {
		struct hvsim_device *dev = &sim->dev[d];

		for (unsigned int c = 0; c < HVSIM_MAX_CHANNELS; c++) {
			free(dev->chan[c].host);
			dev->chan[c].host = NULL;
		}
		if (dev->host != NULL) {
			host_dev_free_scratch(dev->host);
			host_rxbuf_disconnect(&((struct host_dev *)dev->host)->rxbuf);
		}
		free(dev->host);
		dev->host = NULL;
	}
}

/*
 * Channels (subchannels too) are attached on first service after open: the
 * kernel layer has reset their rings by the time it marks them open.
 */
static struct host_chan *
host_channel_attach(struct hvsim_channel *ch)
{
	struct host_chan *hc = ch->host;

	if (hc == NULL) {
		hc = calloc(1, sizeof(*hc));
		if (hc == NULL)
			return NULL;
		ch->host = hc;
	}
	if (!hc->attached) {
		hc->usable = host_ring_init(&hc->ring, ch->ring_base, ch->ring_bytes,
					    &hc->cnt) == 0;
		hc->attached = true;
	}
	return hc;
}

struct host_chan *
host_channel_get(struct hvsim_channel *ch)
{
	struct host_chan *hc;

	if (!ch->open)
		return NULL;
	hc = host_channel_attach(ch);
	return hc != NULL && hc->usable ? hc : NULL;
}

int
host_reserve(struct host_ctx *ctx, uint64_t bytes)
{
	int ret = host_ring_write_room(ctx->wr, bytes);

	if (ret == -EMSGSIZE)
		ctx->cnt->n[HOST_CNT_TOO_LONG]++;
	return ret;
}

/* Hand packets to the device's handler until guest tx is drained or rx is full. */
static unsigned int
host_channel_dispatch(struct host_ctx *ctx, host_handler_fn handler,
		      struct host_ring_reader *rd)
{
	struct host_ring_pkt pkt;
	enum host_verdict verdict;
	unsigned int nb = 0;
	int ret;

	while (nb < HOST_PASS_MAX_PKTS) {
		ret = host_ring_read_peek(rd, &pkt);
		if (ret == -ENOENT)
			break;
		if (ret != 0)
			continue;	/* bad descriptor: counted, pending bytes dropped */
		verdict = handler(ctx, &pkt);
		if (verdict == HOST_PKT_LATER)
			break;		/* held on purpose (echo delay) */
		if (verdict == HOST_PKT_WAIT) {
			/* Back-pressure: no drop, no overwrite; retried next pass. */
			ctx->cnt->n[HOST_CNT_RX_RING_FULL]++;
			break;
		}
		host_ring_read_consume(rd, &pkt);
		nb++;
	}
	return nb;
}

/*
 * One pass over one channel: one read batch, one write batch (frames for the
 * guest included, on the primary), one interrupt at most.
 */
static unsigned int
host_channel_pass(struct hvsim *sim, struct hvsim_device *dev, struct hvsim_channel *ch)
{
	struct host_dev *hd = dev->host;
	struct host_chan *hc;
	struct host_ring_reader rd;
	struct host_ring_writer wr;
	struct host_ctx ctx = { sim, ch, hd, &wr, NULL };
	unsigned int nb;
	bool signal, rx, link, late;

	if (hd == NULL || !hd->open || hd->halted || dev->rescinded)
		return 0;
	hc = host_channel_attach(ch);
	if (hc == NULL || !hc->usable)
		return 0;
	ctx.cnt = &hc->cnt;
	if (host_fault_ring_skip(&ctx, &hc->ring))
		return 0;
	rx = ch->subchannel_id == 0 && host_rx_ready(dev);
	link = ch->subchannel_id == 0 && host_link_pending(sim, dev);
	late = host_fault_pending(&ctx);
	if (host_ring_read_begin(&hc->ring, &rd, hd->pkt_scratch) != 0 ||
	    (rd.avail == 0 && !rx && !link && !late))
		return 0;
	if (host_ring_write_begin(&hc->ring, &wr) != 0)
		return 0;
	nb = host_channel_dispatch(&ctx, host_handler(dev->kind), &rd);
	if (late)
		nb += host_fault_flush(&ctx);
	/* After the guest's completions of this pass freed their slots. */
	if (link)
		nb += host_link_flush(&ctx);	/* before frames that follow the change */
	if (rx)
		nb += host_rx_pass(&ctx);
	signal = host_ring_write_end(&wr);
	signal |= host_ring_read_end(&rd);
	if (signal) {
		hc->cnt.n[HOST_CNT_INTERRUPTS]++;
		hvsim_kernel_interrupt(sim, ch);
	}
	return nb;
}

void
host_channel_signal(struct hvsim *sim, struct hvsim_channel *ch)
{
	/* Spurious signals are harmless: a pass over an empty ring does nothing. */
	if (ch->open && ch->dev != NULL)
		host_channel_pass(sim, ch->dev, ch);
}

unsigned int
host_poll(struct hvsim *sim)
{
	unsigned int nb = 0;

	for (unsigned int d = 0; d < sim->nb_devices && d < HVSIM_MAX_DEVICES; d++) {
		struct hvsim_device *dev = &sim->dev[d];

		if (dev->host == NULL || !((struct host_dev *)dev->host)->open)
			continue;
		for (unsigned int c = 0; c < dev->nb_channels && c < HVSIM_MAX_CHANNELS; c++) {
			if (dev->chan[c].open)
				nb += host_channel_pass(sim, dev, &dev->chan[c]);
		}
	}
	return nb;
}

void
host_print_counters(struct hvsim *sim)
{
	host_write_counters(sim, stderr);
}

void
host_write_counters(struct hvsim *sim, FILE *out)
{
	char prefix[64];

	for (unsigned int d = 0; d < sim->nb_devices && d < HVSIM_MAX_DEVICES; d++) {
		struct hvsim_device *dev = &sim->dev[d];
		struct host_dev *hd = dev->host;

		if (hd != NULL && dev->kind == HVSIM_DEV_NIC)
			fprintf(out, "hvsim host: %s nvsp_version %#x rxbuf_slots_busy %u of %u"
				" completions_deferred %u%s\n", dev->uuid, hd->nvsp.version,
				hd->rxbuf.nb_busy, hd->rxbuf.nb_slots, hd->nb_deferred,
				dev->rescinded ? " rescinded" : "");
		for (unsigned int c = 0; c < HVSIM_MAX_CHANNELS; c++) {
			struct host_chan *hc = dev->chan[c].host;

			if (hc == NULL)
				continue;
			snprintf(prefix, sizeof(prefix), "dev%u.relid%u", d, dev->chan[c].relid);
			host_counters_print(out, prefix, &hc->cnt);
			/* The kernel layer's: doorbells (monitor bit or uio write), interrupts. */
			if (dev->chan[c].signals_from_guest != 0)
				fprintf(out, "  %s signals_from_guest %" PRIu64 "\n", prefix,
					(uint64_t)dev->chan[c].signals_from_guest);
		}
	}
}
