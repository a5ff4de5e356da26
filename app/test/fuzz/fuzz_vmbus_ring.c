/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the ring gate (vmbus_ring.c): the input plays a hostile
 * host that owns a small ring half, its indexes, mask and pending size. Every
 * buffer is allocated to its exact size, so ASan sees any read or write past it.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmbus_ring.h"

#define FUZZ_DATA_BYTES		512u
#define FUZZ_HALF_BYTES		(VMBUS_RING_HDR_BYTES + FUZZ_DATA_BYTES)
#define FUZZ_BATCHES		4
#define FUZZ_OPS_PER_BATCH	32
#define FUZZ_PLAN_BYTES		16

/* How the input is laid out; the data area follows it. */
struct fuzz_input {
	uint32_t host_write_index[FUZZ_BATCHES];	/* one per batch: the host moves it */
	uint32_t read_index;
	uint32_t interrupt_mask;
	uint32_t pending_send_bytes;
	uint32_t feature_bits;
	uint8_t plan[FUZZ_PLAN_BYTES];			/* which call, which buffer size */
};

static void
check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

static void
check_own_index(const struct vmbus_ring *ring)
{
	check(ring->own_index < ring->data_bytes && ring->own_index % 8 == 0);
}

/*
 * read_next, or skip_next keeping a head, into a buffer of exactly buf_bytes;
 * a zero-size buffer still gets a pointer.
 */
static int
fuzz_next(struct vmbus_ring_batch *batch, uint32_t buf_bytes, bool skip)
{
	uint8_t *buf = malloc(buf_bytes ? buf_bytes : 1);
	int ret;

	if (buf == NULL)
		return -ENOMEM;
	if (skip) {
		struct vmbus_chanpkt_hdr desc;
		bool peeked = vmbus_ring_peek(batch, &desc) >= 0;

		uint32_t head = buf_bytes;

		memset(buf, 0xa5, buf_bytes);
		ret = vmbus_ring_skip_next(batch, buf, &head);
		check(ret != -ENOBUFS);
		/* The head: the descriptor peeked, what it says it copied, nothing past. */
		if (ret >= 0 && buf_bytes >= sizeof(desc)) {
			check(peeked && memcmp(buf, &desc, sizeof(desc)) == 0);
			check(head == (buf_bytes < (uint32_t)ret ? buf_bytes : (uint32_t)ret));
			for (uint32_t i = (uint32_t)ret; i < buf_bytes; i++)
				check(buf[i] == 0xa5);
		} else if (ret >= 0) {
			check(head == 0);
		}
	} else {
		ret = vmbus_ring_read_next(batch, buf, buf_bytes);
		check(ret < 0 || (uint32_t)ret <= buf_bytes);
	}
	free(buf);
	return ret;
}

/* One call chosen by op; returns false when the batch is over. */
static bool
fuzz_op(struct vmbus_ring_batch *batch, uint8_t op, int readable)
{
	struct vmbus_chanpkt_hdr desc;
	int ret;

	switch (op % 4) {
	case 0:
		ret = vmbus_ring_peek(batch, &desc);
		if (ret >= 0)
			check(ret % 8 == 0 && ret >= 16 && ret + 8 <= readable &&
			      ret == desc.total_len8 * 8 && desc.data_offset8 >= 2);
		break;
	case 1:
		ret = fuzz_next(batch, (uint32_t)(op >> 2) * 8 + (op & 4), false);
		break;
	case 2:
		ret = fuzz_next(batch, (uint32_t)(op >> 2) * 8 + (op & 4), true);
		break;
	default:
		ret = fuzz_next(batch, FUZZ_DATA_BYTES, false);
		break;
	}
	check(ret >= 0 || ret == -EAGAIN || ret == -EIO || ret == -ENOBUFS || ret == -ENOMEM);
	return ret >= 0 || ret == -ENOBUFS;
}

static void
fuzz_consumer(struct vmbus_ring_hdr *hdr, const struct fuzz_input *in)
{
	struct vmbus_ring ring;
	unsigned int step = 0;

	if (vmbus_ring_init_rx(&ring, hdr, FUZZ_HALF_BYTES) != 0) {
		hdr->read_index = in->read_index % FUZZ_DATA_BYTES & ~7u;
		check(vmbus_ring_init_rx(&ring, hdr, FUZZ_HALF_BYTES) == 0);
	}
	for (int b = 0; b < FUZZ_BATCHES; b++) {
		struct vmbus_ring_batch batch;
		int readable;

		hdr->write_index = in->host_write_index[b];
		readable = vmbus_ring_read_begin(&ring, &batch);
		check(readable == -EIO || (readable >= 0 && (uint32_t)readable < FUZZ_DATA_BYTES));
		for (int i = 0; i < FUZZ_OPS_PER_BATCH; i++)
			if (!fuzz_op(&batch, in->plan[step++ % FUZZ_PLAN_BYTES], readable))
				break;
		check(batch.bytes_read <= (uint32_t)(readable > 0 ? readable : 0));
		(void)vmbus_ring_read_end(&batch);
		check_own_index(&ring);
		check(hdr->read_index == ring.own_index);
		(void)vmbus_ring_empty(&ring);
		if (in->plan[b] & 0x80)
			(void)vmbus_ring_unmask_host_signals(&ring);
	}
}

/* The same memory as our tx ring: the host's read index is the hostile one now. */
static void
fuzz_producer(struct vmbus_ring_hdr *hdr, const struct fuzz_input *in)
{
	uint8_t pkt[FUZZ_DATA_BYTES];
	struct vmbus_ring ring;
	bool need_signal = false;

	hdr->write_index = in->host_write_index[0] % FUZZ_DATA_BYTES & ~7u;
	hdr->read_index = in->read_index;
	check(vmbus_ring_init(&ring, hdr, FUZZ_HALF_BYTES) == 0);
	memset(pkt, 0x5a, sizeof(pkt));
	for (int i = 0; i < FUZZ_PLAN_BYTES; i++) {
		uint32_t len = 16 + in->plan[i] * 2u;
		struct vmbus_chanpkt_hdr desc = {
			.type = VMBUS_CHANPKT_TYPE_INBAND,
			.data_offset8 = 2,
			.total_len8 = (uint16_t)((len + 7) / 8),
		};
		struct iovec iov = { .iov_base = pkt, .iov_len = len };
		int ret;

		memcpy(pkt, &desc, sizeof(desc));
		ret = vmbus_ring_write(&ring, &iov, 1, &need_signal);
		check(ret == 0 || ret == -EAGAIN || ret == -EIO || ret == -EINVAL);
		check_own_index(&ring);
		check(hdr->write_index == ring.own_index);
		if (in->plan[i] & 1)
			hdr->read_index = in->host_write_index[i % FUZZ_BATCHES];
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;
	struct vmbus_ring_hdr *hdr;
	size_t data_bytes;

	if (size < sizeof(in))
		return 0;
	memcpy(&in, data, sizeof(in));
	hdr = calloc(1, FUZZ_HALF_BYTES);
	if (hdr == NULL)
		return 0;
	data_bytes = size - sizeof(in);
	if (data_bytes > FUZZ_DATA_BYTES)
		data_bytes = FUZZ_DATA_BYTES;
	memcpy(hdr->data, data + sizeof(in), data_bytes);
	hdr->read_index = in.read_index;
	hdr->interrupt_mask = in.interrupt_mask;
	hdr->pending_send_bytes = in.pending_send_bytes;
	hdr->feature_bits = in.feature_bits;

	fuzz_consumer(hdr, &in);
	fuzz_producer(hdr, &in);
	free(hdr);
	return 0;
}
