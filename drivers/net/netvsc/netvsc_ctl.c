/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control exchange on the primary channel: one NVSP request or RNDIS
 * control message at a time, each with a deadline. While waiting it reads the
 * channel itself: NVSP replies, completions of our 107s, and transfer pages
 * (RNDIS replies and indications) through the rx gate, each completed.
 */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_malloc.h>

#include "netvsc.h"
#include "netvsc_ctl_parse.h"
#include "netvsc_rx_parse.h"
#include "nvsp_wire.h"
#include "rndis_wire.h"
#include "vmbus_wire.h"

/*
 * Count one drop in *count (the device's or a queue's); say it once per power
 * of two, so a flood cannot drown the log: at NOTICE when the host is at
 * fault, at DEBUG for frames already on their way when the port stopped.
 * Atomic: the device's counters are shared by every lcore's reads.
 */
static void
drop_count(struct netvsc_dev *dev, uint64_t *count, const char *what, bool host_fault)
{
	uint64_t n = __atomic_add_fetch(count, 1, __ATOMIC_RELAXED);

	if (n != rte_align64pow2(n))
		return;
	if (host_fault)
		NETVSC_DRV_LOG(NOTICE, dev, "dropped host message: %s (%" PRIu64 " so far)",
			       what, n);
	else
		NETVSC_DRV_LOG(DEBUG, dev, "%s: dropped, port stopped (%" PRIu64 " so far)",
			       what, n);
}

void
netvsc_drop_count(struct netvsc_dev *dev, uint64_t *count, const char *what)
{
	drop_count(dev, count, what, true);
}

void
netvsc_ctl_drop(struct netvsc_dev *dev, enum netvsc_drop why, const char *what)
{
	drop_count(dev, &dev->drops[why], what, why != NETVSC_DROP_DATA_WHILE_STOPPED);
}

/*
 * A non-PACKET RNDIS message in a receive-buffer range (the host's memory):
 * copied out first, then judged by the gate on the copy only. A reply counts
 * only on the primary channel, where we sent its request: the control state
 * is that channel's lock's, and a subchannel's reader does not hold it.
 */
void
netvsc_ctl_on_rndis(struct netvsc_dev *dev, const struct vmbus_channel *chan, const uint8_t *msg,
		    uint32_t bytes)
{
	struct netvsc_ctl *ctl = &dev->ctl;
	uint8_t copy[NETVSC_CTL_MSG_BYTES];
	struct netvsc_rndis_ctl view;
	enum netvsc_ctl_verdict v;

	if (bytes > sizeof(copy)) {
		netvsc_ctl_drop(dev, NETVSC_DROP_BAD_RNDIS_MSG, "RNDIS control message too long");
		return;
	}
	memcpy(copy, msg, bytes);
	v = netvsc_ctl_parse_rndis_ctl(copy, bytes, &view);
	if (v == NETVSC_CTL_WRONG_TYPE) {
		netvsc_ctl_drop(dev, NETVSC_DROP_BAD_RNDIS_MSG, "unknown RNDIS control message");
		return;
	}
	if (v != NETVSC_CTL_OK) {
		netvsc_ctl_drop(dev, NETVSC_DROP_BAD_RNDIS_MSG,
				view.type == RNDIS_MSG_INDICATE_STATUS ?
				"RNDIS status indication malformed" :
				"RNDIS completion shorter than 12 bytes");
		return;
	}
	if (view.type == RNDIS_MSG_INDICATE_STATUS) {
		netvsc_link_indication(dev, view.status, copy + view.buf_offset);
		return;
	}
	if (chan != dev->primary) {
		netvsc_ctl_drop(dev, NETVSC_DROP_UNEXPECTED_COMPLETION, "RNDIS reply on a subchannel");
		return;
	}
	if (ctl->rndis_rid == 0 || view.request_id != ctl->rndis_rid || ctl->rndis_done) {
		netvsc_ctl_drop(dev, NETVSC_DROP_UNEXPECTED_COMPLETION, "RNDIS reply nobody waits for");
		return;
	}
	memcpy(ctl->rndis_reply, copy, bytes);
	ctl->rndis_reply_bytes = bytes;
	ctl->rndis_done = true;
}

/*
 * A completion packet for a control id: payload (NVSP message, our copy) of
 * len bytes. Ours come on the primary channel only (as netvsc_ctl_on_rndis).
 */
void
netvsc_ctl_on_completion(struct netvsc_dev *dev, const struct vmbus_channel *chan,
			 uint64_t xact_id, const uint8_t *payload, uint32_t len)
{
	struct netvsc_ctl *ctl = &dev->ctl;
	uint32_t type;

	if (chan != dev->primary) {
		netvsc_ctl_drop(dev, NETVSC_DROP_UNEXPECTED_COMPLETION,
				"control completion on a subchannel");
		return;
	}
	/* A bare completion (129's is empty): never a typed reply to another request. */
	if (xact_id == ctl->nvsp_xact && ctl->nvsp_want == NETVSC_CTL_WANT_COMPLETION &&
	    !ctl->nvsp_done &&
	    (len < sizeof(type) || (netvsc_ctl_parse_nvsp_type(payload, len, &type) ==
				    NETVSC_CTL_OK && type == ctl->nvsp_bare_type))) {
		ctl->nvsp_reply_bytes = 0;
		ctl->nvsp_done = true;
		return;
	}
	if (netvsc_ctl_parse_nvsp_type(payload, len, &type) != NETVSC_CTL_OK) {
		netvsc_ctl_drop(dev, NETVSC_DROP_SHORT_NVSP, "completion without NVSP type");
		return;
	}
	if (type == NVSP_MSG1_TYPE_SEND_RNDIS_PKT_COMPLETE && xact_id == ctl->rndis_xact &&
	    ctl->rndis_in_flight) {
		ctl->rndis_in_flight = false;	/* a second one is not ours */
		ctl->rndis_sent = true;
		return;
	}
	if (xact_id != ctl->nvsp_xact || ctl->nvsp_want == 0 || type != ctl->nvsp_want ||
	    ctl->nvsp_done) {
		netvsc_ctl_drop(dev, NETVSC_DROP_UNEXPECTED_COMPLETION, "completion nobody waits for");
		return;
	}
	ctl->nvsp_reply_bytes = RTE_MIN(len, (uint32_t)sizeof(ctl->nvsp_reply));
	memcpy(ctl->nvsp_reply, payload, ctl->nvsp_reply_bytes);
	ctl->nvsp_done = true;
}

/*
 * Read the primary channel once, with queue 0 set up through its own path,
 * and say whether the awaited reply came (from this read or queue 0's burst).
 * done NULL: nothing awaited, what the host sent unasked (indications) read
 * as queue 0's burst reads it: a full rx queue holds the host back.
 */
static bool
ctl_poll(struct netvsc_dev *dev, const bool *done)
{
	struct rte_eth_dev_data *data = dev->eth->data;
	struct netvsc_rxq *rxq;
	struct netvsc_txq *txq;
	bool got;

	rte_spinlock_lock(&dev->chan_lock[0].lock);
	/* Read under the lock: a queue released meanwhile is NULL, not freed memory. */
	rxq = data->nb_rx_queues ? data->rx_queues[0] : NULL;
	txq = data->nb_tx_queues ? data->tx_queues[0] : NULL;
	if (done == NULL || !*done)
		netvsc_chan_poll(dev, rxq, txq, done != NULL, NETVSC_POLL_PKTS);
	got = done != NULL && *done;
	rte_spinlock_unlock(&dev->chan_lock[0].lock);
	return got;
}

void
netvsc_ctl_read(struct netvsc_dev *dev)
{
	ctl_poll(dev, NULL);
}

static int
ctl_wait(struct netvsc_dev *dev, const bool *done, const char *what)
{
	uint64_t deadline = rte_get_timer_cycles() +
			    rte_get_timer_hz() * NETVSC_CTL_TIMEOUT_MS / 1000;

	while (!ctl_poll(dev, done)) {
		if (__atomic_load_n(&dev->rescinded, __ATOMIC_ACQUIRE))
			return -ENODEV;		/* the host removed the device */
		if (rte_get_timer_cycles() > deadline) {
			NETVSC_DRV_LOG(ERR, dev, "host did not answer %s within %u ms", what,
				       NETVSC_CTL_TIMEOUT_MS);
			return -ETIMEDOUT;
		}
		rte_delay_us_sleep(20);
	}
	return 0;
}

/*
 * What a reply must match changes under the primary channel's lock: queue
 * 0's lcore matches replies under it too (netvsc_ctl_on_*), so a late reply
 * it is matching cannot cross a new request's reset of done.
 */
static void
ctl_expect(struct netvsc_dev *dev, uint32_t *awaited, uint32_t value, bool *done)
{
	rte_spinlock_lock(&dev->chan_lock[0].lock);
	*awaited = value;
	if (done != NULL)
		*done = false;
	rte_spinlock_unlock(&dev->chan_lock[0].lock);
}

static int
ctl_send_inband(struct netvsc_dev *dev, const void *req, uint32_t bytes, uint64_t xact,
		uint32_t flags)
{
	uint8_t msg[NVSP_MSG_BYTES] = { 0 };		/* requests are padded to 40 bytes */
	int ret;

	if (dev->primary == NULL)
		return -ENODEV;		/* a new session that failed: no channel */
	memcpy(msg, req, RTE_MIN(bytes, (uint32_t)sizeof(msg)));
	rte_spinlock_lock(&dev->chan_lock[0].lock);
	ret = rte_vmbus_chan_send(dev->primary, VMBUS_CHANPKT_TYPE_INBAND, msg, sizeof(msg),
				  xact, flags, NULL);
	rte_spinlock_unlock(&dev->chan_lock[0].lock);
	return ret;
}

/* A control request's xact id of kind (enum netvsc_xact); under ctl_lock. */
static uint64_t
ctl_new_xact(struct netvsc_ctl *ctl, uint64_t kind)
{
	if (++ctl->xact_seq == 0)
		ctl->xact_seq = 1;
	return kind | (uint64_t)ctl->xact_seq << 32;
}

/* An NVSP request with the RC flag, and its completion (want: the reply type) waited for. */
static int
ctl_nvsp_exchange(struct netvsc_dev *dev, const void *req, uint32_t req_bytes, uint32_t want)
{
	struct netvsc_ctl *ctl = &dev->ctl;
	int ret;

	rte_spinlock_lock(&dev->ctl_lock);
	rte_spinlock_lock(&dev->chan_lock[0].lock);	/* as ctl_expect */
	memcpy(&ctl->nvsp_bare_type, req, sizeof(ctl->nvsp_bare_type));
	ctl->nvsp_xact = ctl_new_xact(ctl, NETVSC_XACT_NVSP);
	ctl->nvsp_want = want;
	ctl->nvsp_done = false;
	rte_spinlock_unlock(&dev->chan_lock[0].lock);
	ret = ctl_send_inband(dev, req, req_bytes, ctl->nvsp_xact, VMBUS_CHANPKT_FLAG_RC);
	if (ret == 0)
		ret = ctl_wait(dev, &ctl->nvsp_done, "an NVSP request");
	ctl_expect(dev, &ctl->nvsp_want, 0, NULL);
	rte_spinlock_unlock(&dev->ctl_lock);
	return ret;
}

int
netvsc_ctl_nvsp(struct netvsc_dev *dev, const void *req, uint32_t req_bytes,
		uint32_t reply_type, uint32_t reply_min_bytes)
{
	struct netvsc_ctl *ctl = &dev->ctl;
	int ret = ctl_nvsp_exchange(dev, req, req_bytes, reply_type);

	if (ret == 0 && netvsc_ctl_parse_nvsp_reply(ctl->nvsp_reply, ctl->nvsp_reply_bytes,
						    reply_type, reply_min_bytes) != NETVSC_CTL_OK) {
		NETVSC_DRV_LOG(ERR, dev, "NVSP reply %u is %u bytes, expected %u", reply_type,
			       ctl->nvsp_reply_bytes, reply_min_bytes);
		ret = -EPROTO;
	}
	return ret;
}

/*
 * A request the host acts on before it completes it, with no reply of its
 * own (129: the data path switched, nvsp.md 3.14; OpenVMM completes it once
 * the switch is done, as Linux waits for): sent with the RC flag, waited for.
 */
int
netvsc_ctl_nvsp_completed(struct netvsc_dev *dev, const void *req, uint32_t req_bytes)
{
	return ctl_nvsp_exchange(dev, req, req_bytes, NETVSC_CTL_WANT_COMPLETION);
}

int
netvsc_ctl_nvsp_oneway(struct netvsc_dev *dev, const void *req, uint32_t req_bytes)
{
	int ret;

	rte_spinlock_lock(&dev->ctl_lock);
	ret = ctl_send_inband(dev, req, req_bytes, NETVSC_XACT_NONE, 0);
	rte_spinlock_unlock(&dev->ctl_lock);
	return ret;
}

uint32_t
netvsc_ctl_new_rid(struct netvsc_dev *dev)
{
	if (++dev->ctl.next_rid == 0)
		dev->ctl.next_rid = 1;
	return dev->ctl.next_rid;
}

/*
 * RNDIS control goes as NVSP 107 (control channel) with the message by GPA;
 * rid: the request id its reply must carry, 0 when it takes none.
 */
static int
ctl_send_rndis(struct netvsc_dev *dev, const void *req, uint32_t bytes, uint32_t rid)
{
	struct netvsc_ctl *ctl = &dev->ctl;
	const struct rte_memzone *mz = ctl->req_mz;
	struct nvsp_rndis_pkt msg = {
		.msg_type = NVSP_MSG1_TYPE_SEND_RNDIS_PKT,
		.channel_type = NVSP_RNDIS_CHANNEL_CONTROL,
		.section_index = NVSP_SECTION_NONE,
	};
	struct vmbus_gpa sg = {
		.len = bytes, .ofs = (uint32_t)(mz->iova % VMBUS_PAGE_BYTES),
		.page = mz->iova / VMBUS_PAGE_BYTES,
	};
	int ret;

	if (bytes > NETVSC_CTL_REQ_BYTES)
		return -EMSGSIZE;
	if (dev->primary == NULL)
		return -ENODEV;		/* a new session that failed: no channel */
	memcpy(mz->addr, req, bytes);
	rte_spinlock_lock(&dev->chan_lock[0].lock);
	ctl->rndis_rid = rid;
	ctl->rndis_done = false;
	ctl->rndis_xact = ctl_new_xact(ctl, NETVSC_XACT_RNDIS);
	ctl->rndis_sent = false;
	ctl->rndis_in_flight = true;
	ret = rte_vmbus_chan_send_sglist(dev->primary, &sg, 1, &msg, sizeof(msg),
					 ctl->rndis_xact, NULL);
	if (ret != 0)
		ctl->rndis_in_flight = false;
	rte_spinlock_unlock(&dev->chan_lock[0].lock);
	return ret;
}

int
netvsc_ctl_rndis(struct netvsc_dev *dev, void *req, uint32_t req_bytes, uint32_t reply_type,
		 uint32_t reply_min_bytes)
{
	struct netvsc_ctl *ctl = &dev->ctl;
	uint32_t got_type, rid;
	int ret;

	memcpy(&rid, (uint8_t *)req + 8, sizeof(rid));
	rte_spinlock_lock(&dev->ctl_lock);
	ret = ctl_send_rndis(dev, req, req_bytes, rid);
	if (ret == 0)
		ret = ctl_wait(dev, &ctl->rndis_done, "an RNDIS request");
	if (ret == 0)
		ret = ctl_wait(dev, &ctl->rndis_sent, "the completion of an RNDIS request");
	ctl_expect(dev, &ctl->rndis_rid, 0, NULL);
	rte_spinlock_unlock(&dev->ctl_lock);
	if (ret < 0)
		return ret;
	if (netvsc_ctl_parse_rndis_reply(ctl->rndis_reply, ctl->rndis_reply_bytes, reply_type,
					 reply_min_bytes, &got_type) != NETVSC_CTL_OK) {
		NETVSC_DRV_LOG(ERR, dev, "RNDIS reply %#x of %u bytes, expected %#x of >= %u",
			       got_type, ctl->rndis_reply_bytes, reply_type, reply_min_bytes);
		return -EPROTO;
	}
	return 0;
}

int
netvsc_ctl_rndis_oneway(struct netvsc_dev *dev, void *req, uint32_t req_bytes)
{
	int ret;

	rte_spinlock_lock(&dev->ctl_lock);
	ret = ctl_send_rndis(dev, req, req_bytes, 0);
	if (ret == 0)
		ret = ctl_wait(dev, &dev->ctl.rndis_sent, "the completion of an RNDIS message");
	rte_spinlock_unlock(&dev->ctl_lock);
	return ret;
}

int
netvsc_ctl_init(struct netvsc_dev *dev)
{
	char name[RTE_MEMZONE_NAMESIZE];

	snprintf(name, sizeof(name), "netvsc_ctl_%u", dev->vmbus->relid);
	dev->ctl.req_mz = rte_memzone_reserve_aligned(name, NETVSC_CTL_REQ_BYTES,
						      dev->vmbus->device.numa_node,
						      RTE_MEMZONE_IOVA_CONTIG, VMBUS_PAGE_BYTES);
	if (dev->ctl.req_mz == NULL) {
		NETVSC_INIT_LOG(ERR, dev, "no memory for the control page");
		return -ENOMEM;
	}
	return 0;
}

void
netvsc_ctl_fini(struct netvsc_dev *dev)
{
	rte_memzone_free(dev->ctl.req_mz);
	dev->ctl.req_mz = NULL;
}
