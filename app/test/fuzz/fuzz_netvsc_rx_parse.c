/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the PMD's receive gate: arbitrary bytes as a
 * transfer-page packet over a small receive buffer that also comes from the
 * input, then every range through the RNDIS parser and on as netvsc_rx_xfer.c
 * sends it: PACKETs (and their PPIs) to the PACKET parser, anything else
 * copied out, as netvsc_ctl.c does, to the control gate.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netvsc_ctl_parse.h"
#include "netvsc_rx_parse.h"
#include "rndis_wire.h"

#define RXBUF_BYTES	4096u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A control message from a range: copied to exactly its length first. */
static void
fuzz_control(const uint8_t *msg, uint32_t len)
{
	struct netvsc_rndis_ctl view;
	uint8_t *copy = malloc(len);

	if (copy == NULL)
		return;
	memcpy(copy, msg, len);
	netvsc_ctl_parse_rndis_ctl(copy, len, &view);
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct netvsc_xfer xfer;
	uint8_t *rxbuf, *pkt;
	size_t pkt_len;

	if (size < 2)
		return 0;
	pkt_len = data[0] | (size_t)data[1] << 8;
	data += 2;
	size -= 2;
	pkt_len = size ? pkt_len % (size + 1) : 0;
	/* Exact-size copies so any overread is caught. */
	pkt = malloc(pkt_len ? pkt_len : 1);
	rxbuf = calloc(1, RXBUF_BYTES);
	memcpy(pkt, data, pkt_len);
	memcpy(rxbuf, data + pkt_len, (size - pkt_len < RXBUF_BYTES ? size - pkt_len : RXBUF_BYTES));
	if (netvsc_rx_parse_xfer(pkt, (uint32_t)pkt_len, &xfer) == NETVSC_DROP_NONE) {
		for (uint32_t i = 0; i < xfer.nb_ranges; i++) {
			struct netvsc_range r;
			const uint8_t *msg;
			struct netvsc_rx_info info;
			uint32_t type, len;

			if (netvsc_xfer_range_hint(&xfer, i, RXBUF_BYTES) >= RXBUF_BYTES)
				abort();	/* a hint outside the buffer */
			if (netvsc_xfer_range(&xfer, i, RXBUF_BYTES, &r) != NETVSC_DROP_NONE)
				continue;
			msg = rxbuf + r.offset;
			if (netvsc_rx_parse_rndis(msg, r.bytes, &type, &len) !=
			    NETVSC_DROP_NONE)
				continue;
			if (type == RNDIS_MSG_PACKET)
				netvsc_rx_parse_packet(msg, len, &info);
			else
				fuzz_control(msg, len);
		}
	}
	free(rxbuf);
	free(pkt);
	return 0;
}
