/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NIC link state and its status indications (spec/rndis.md 7, 3.8): queued
 * by host_link_set, written by the primary channel's pass through a receive
 * slot and a transfer-page packet (host_nvsp.c), held while either is short.
 */
#include <string.h>

#include "nvsp_wire.h"
#include "host.h"

/* Indications raised and not yet delivered, per device. */
#define HOST_LINK_MAX_PENDING	64u

struct host_link_queue {
	uint32_t status[HOST_LINK_MAX_PENDING];
	uint32_t head;
	uint32_t nb;
};

static struct host_link_queue host_link_queues[HVSIM_MAX_DEVICES];

static struct host_link_queue *
link_queue(const struct hvsim *sim, const struct hvsim_device *dev)
{
	return &host_link_queues[(size_t)(dev - sim->dev) % HVSIM_MAX_DEVICES];
}

static bool
link_guest_ready(const struct hvsim_device *dev)
{
	const struct host_dev *hd = dev->host;

	return hd != NULL && hd->open && hd->rndis.initialized && !hd->rndis.halted;
}

static uint32_t
link_status_of(enum hvsim_link_event ev)
{
	switch (ev) {
	case HVSIM_LINK_UP:
		return RNDIS_STATUS_MEDIA_CONNECT;
	case HVSIM_LINK_DOWN:
		return RNDIS_STATUS_MEDIA_DISCONNECT;
	case HVSIM_LINK_SPEED:
		return RNDIS_STATUS_LINK_SPEED_CHANGE;
	default:
		return RNDIS_STATUS_NETWORK_CHANGE;
	}
}

int
host_link_set(struct hvsim *sim, struct hvsim_device *dev, enum hvsim_link_event ev)
{
	struct host_link_queue *q = link_queue(sim, dev);

	if (ev == HVSIM_LINK_UP || ev == HVSIM_LINK_DOWN)
		dev->link_up = ev == HVSIM_LINK_UP;
	/* rndis.md 7: a guest not yet initialized learns the state by its query (or
	 * with --link-query-up, by an indication after its RNDIS INIT). */
	if (!link_guest_ready(dev))
		return 0;
	if (q->nb == HOST_LINK_MAX_PENDING)
		return -ENOSPC;
	q->status[(q->head + q->nb++) % HOST_LINK_MAX_PENDING] = link_status_of(ev);
	return 0;
}

bool
host_link_pending(const struct hvsim *sim, const struct hvsim_device *dev)
{
	return link_queue(sim, dev)->nb != 0;
}

/* INDICATE_STATUS for status into msg; returns its bytes. */
static uint32_t
link_build(const struct hvsim_device *dev, uint32_t status, uint8_t *msg)
{
	struct rndis_indicate_status ind = {
		.type = RNDIS_MSG_INDICATE_STATUS,
		.length = sizeof(ind),
		.status = status,
	};
	/* rndis.md 7: a u32 buffer, the change type or the speed (the current one) */
	uint32_t value = status == RNDIS_STATUS_NETWORK_CHANGE ? RNDIS_NETWORK_CHANGE_DEFINITE :
			 dev->link_speed;

	if (status == RNDIS_STATUS_NETWORK_CHANGE || status == RNDIS_STATUS_LINK_SPEED_CHANGE) {
		ind.length += sizeof(value);
		ind.status_buffer_length = sizeof(value);
		ind.status_buffer_offset = sizeof(ind) - 8;	/* rndis.md 3.8: from offset 8 */
		memcpy(msg + sizeof(ind), &value, sizeof(value));
	}
	memcpy(msg, &ind, sizeof(ind));
	return ind.length;
}

/* One indication into a slot and out; false when the slot or the ring room is missing. */
bool
host_link_indicate(struct host_ctx *ctx, uint32_t status)
{
	struct host_rxbuf *rb = &ctx->dev->rxbuf;
	uint8_t msg[sizeof(struct rndis_indicate_status) + sizeof(uint32_t)];
	uint32_t len = link_build(ctx->ch->dev, status, msg), first;
	struct vmbus_xfer_range range = { .byte_count = len };

	if (rb->base == NULL || host_reserve(ctx, host_nvsp_xfer_bytes(1)) != 0 ||
	    host_rxbuf_alloc(rb, len, &first) != 0)
		return false;
	range.byte_offset = first * rb->slot_bytes;
	memcpy(rb->base + range.byte_offset, msg, len);
	host_nvsp_write_xfer(ctx, NVSP_RNDIS_CHANNEL_CONTROL, &range, 1);
	ctx->cnt->n[HOST_CNT_LINK_INDICATIONS]++;
	return true;
}

unsigned int
host_link_flush(struct host_ctx *ctx)
{
	struct host_link_queue *q = link_queue(ctx->sim, ctx->ch->dev);
	unsigned int nb = 0;

	if (ctx->ch->subchannel_id != 0)
		return 0;
	if (!link_guest_ready(ctx->ch->dev)) {
		q->nb = 0;	/* the guest went away: a new one queries the state */
		return 0;
	}
	while (q->nb != 0 && host_link_indicate(ctx, q->status[q->head])) {
		q->head = (q->head + 1) % HOST_LINK_MAX_PENDING;
		q->nb--;
		nb++;
	}
	return nb;
}
