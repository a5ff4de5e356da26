/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests of hvsim's NIC data path over a real ring pair: guest sends through
 * send sections and GPA pages with their offloads (host_tx.c, host_offload.c),
 * frames to the guest in receive slots (host_rx.c). Checksums, segments and
 * hashes are judged by this file's own arithmetic, not the host's.
 */
#include "test_bytes.h"
#include "test_harness.h"
#include "host_fixture.h"
#include "host_offload.h"

#define GUEST_GPA	0x100000u		/* pfn 0x100; two pages */
#define RECV_GPADL	0xe1e10u
#define SEND_GPADL	0xe1e11u
#define NB_SLOTS	4u
#define TXBUF_BYTES	(2u * 6144u)
#define CAP_MAX		8u

static uint8_t guest_pages[2 * 4096];
static uint8_t rxbuf[NB_SLOTS * 1728u];
static uint8_t txbuf[TXBUF_BYTES];
static const uint8_t nic_mac[6] = { 0x00, 0x15, 0x5d, 0x00, 0x00, 0x01 };

void *
hvsim_guest_mem(struct hvsim *sim, uint64_t gpa, uint32_t len)
{
	(void)sim;
	if (gpa < GUEST_GPA || gpa - GUEST_GPA > sizeof(guest_pages) ||
	    len > sizeof(guest_pages) - (gpa - GUEST_GPA))
		return NULL;
	return guest_pages + (gpa - GUEST_GPA);
}

/* ---- a test backend: records what the guest sent, hands out queued frames ---- */

static uint8_t cap_frame[CAP_MAX][HOST_TX_FRAME_BYTES];
static uint32_t cap_len[CAP_MAX];
static unsigned int cap_nb;
static struct hvsim_frame rxq[8];
static unsigned int rxq_head, rxq_nb;

static int
cap_open(struct hvsim_backend *be, const char *args)
{
	(void)be;
	(void)args;
	return 0;
}

static void
cap_transmit(struct hvsim_backend *be, const uint8_t *frame, uint32_t len)
{
	(void)be;
	if (cap_nb < CAP_MAX && len <= HOST_TX_FRAME_BYTES) {
		memcpy(cap_frame[cap_nb], frame, len);
		cap_len[cap_nb] = len;
	}
	cap_nb++;
}

static const struct hvsim_frame *
cap_peek(struct hvsim_backend *be)
{
	(void)be;
	return rxq_head < rxq_nb ? &rxq[rxq_head] : NULL;
}

static void
cap_consume(struct hvsim_backend *be)
{
	(void)be;
	rxq_head++;
}

static const struct hvsim_backend_ops cap_ops = {
	.name = "test", .open = cap_open, .transmit = cap_transmit,
	.peek = cap_peek, .consume = cap_consume,
};
static struct hvsim_backend cap_be = { .ops = &cap_ops };

/* ---- the test's own arithmetic ---- */

/* Verifies to 0 when the checksum inside is right. */
static uint16_t
ip4_check(const uint8_t *ip)
{
	return fold(sum16(ip, 20, 0));
}

/* Transport checksum over IPv4 (ip at 14) or IPv6, l4 bytes of proto; 0 when right. */
static uint16_t
l4_check(const uint8_t *frame, uint32_t l4_off, uint32_t l4_len, uint8_t proto, bool v6)
{
	uint32_t sum = v6 ? sum16(frame + 14 + 8, 32, 0) : sum16(frame + 14 + 12, 8, 0);

	sum += proto + l4_len;
	return fold(sum16(frame + l4_off, l4_len, sum));
}

/* Ethernet to our MAC, IPv4 10.0.0.1 -> 10.0.0.2, proto, checksums zero; returns length. */
static uint32_t
make_ip4(uint8_t *f, uint8_t proto, uint32_t l4_len)
{
	memset(f, 0, 14 + 20 + l4_len);
	memcpy(f, nic_mac, 6);
	f[6] = 0x02;
	put16(f + 12, 0x0800);
	f[14] = 0x45;
	put16(f + 16, 20 + l4_len);
	put16(f + 18, 0x1234);				/* id */
	f[22] = 64;
	f[23] = proto;
	f[26] = 10, f[29] = 1;
	f[30] = 10, f[33] = 2;
	for (uint32_t i = 0; i < l4_len; i++)
		f[34 + i] = (uint8_t)(i * 7 + 3);
	put16(f + 34, 4000);
	put16(f + 36, 5000);
	return 14 + 20 + l4_len;
}

static uint32_t
make_udp4(uint8_t *f, uint32_t payload)
{
	uint32_t len = make_ip4(f, 17, 8 + payload);

	put16(f + 38, 8 + payload);
	put16(f + 40, 0);
	return len;
}

static uint32_t
make_tcp4(uint8_t *f, uint32_t payload, uint32_t seq, uint8_t flags)
{
	uint32_t len = make_ip4(f, 6, 20 + payload);

	put16(f + 38, seq >> 16);
	put16(f + 40, seq & 0xffff);
	memset(f + 42, 0, 4);
	f[46] = 5 << 4;					/* data offset: 20 bytes */
	f[47] = flags;
	put16(f + 48, 0xffff);
	put16(f + 50, 0);
	return len;
}

/* A PPI record of one u32 (rndis.md 6.1). */
static uint32_t
put_ppi(uint8_t *p, uint32_t size, uint32_t type, uint32_t value)
{
	uint32_t off = 12;

	memcpy(p, &size, 4);
	memcpy(p + 4, &type, 4);
	memcpy(p + 8, &off, 4);
	memcpy(p + 12, &value, 4);
	return 16;
}

/* An RNDIS PACKET: header, ppi_len bytes of PPIs, frame, pad zero bytes. */
static uint32_t
make_msg(uint8_t *m, const uint8_t *ppis, uint32_t ppi_len, const uint8_t *frame,
	 uint32_t len, uint32_t pad)
{
	uint32_t w[11] = { 1, 44 + ppi_len + len + pad, 36 + ppi_len, len, 0, 0, 0,
			   ppi_len != 0 ? 36 : 0, ppi_len, 0, 0 };

	memcpy(m, w, 44);
	if (ppi_len != 0)
		memcpy(m + 44, ppis, ppi_len);
	memcpy(m + 44 + ppi_len, frame, len);
	memset(m + 44 + ppi_len + len, 0, pad);
	return w[1];
}

/* ---- the guest side ---- */

static void
nvsp_msg(uint8_t msg[40], uint32_t type, uint32_t w1, uint32_t w2, uint32_t w3)
{
	memset(msg, 0, 40);
	memcpy(msg + 0, &type, 4);
	memcpy(msg + 4, &w1, 4);
	memcpy(msg + 8, &w2, 4);
	memcpy(msg + 12, &w3, 4);
}

static void
nic_setup(void)
{
	struct hvsim_device *dev = &fx_sim.dev[0];
	uint8_t msg[40];

	fx_setup(HVSIM_DEV_NIC);
	memset(rxbuf, 0, sizeof(rxbuf));
	memset(txbuf, 0, sizeof(txbuf));
	memset(guest_pages, 0, sizeof(guest_pages));
	cap_nb = 0;
	rxq_head = rxq_nb = 0;
	dev->recv_gpadl = RECV_GPADL;
	dev->send_gpadl = SEND_GPADL;
	dev->map_base[HVSIM_MAP_RECV_BUF] = rxbuf;
	dev->map_bytes[HVSIM_MAP_RECV_BUF] = sizeof(rxbuf);
	dev->map_base[HVSIM_MAP_SEND_BUF] = txbuf;
	dev->map_bytes[HVSIM_MAP_SEND_BUF] = sizeof(txbuf);
	dev->backend_state = &cap_be;
	nvsp_msg(msg, 101, RECV_GPADL, 0xcafe, 0);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, 0, msg, 40);
	nvsp_msg(msg, 104, SEND_GPADL, 0xface, 0);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, 0, msg, 40);
	EXPECT_EQ(host_poll(&fx_sim), 2);
	fx_rx->read_index = fx_rx->write_index;
}

static struct host_dev *
nic_dev(void)
{
	return fx_sim.dev[0].host;
}

/* A data 107 naming send section idx with bytes used; returns the 108's status. */
static uint32_t
send_section(uint32_t idx, uint32_t bytes, uint64_t xact)
{
	uint32_t at = fx_rx->write_index;
	uint8_t msg[40];

	nvsp_msg(msg, 107, 0, idx, bytes);
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, VMBUS_CHANPKT_FLAG_RC, xact, msg, 40);
	host_poll(&fx_sim);
	EXPECT_EQ(fx_get(fx_rx, at + 0, 2), 0xb);		/* a completion */
	EXPECT_EQ(fx_get(fx_rx, at + 8, 8), xact);		/* echoed */
	EXPECT_EQ(fx_get(fx_rx, at + 16, 4), 108);
	fx_rx->read_index = fx_rx->write_index;
	return (uint32_t)fx_get(fx_rx, at + 20, 4);
}

/* One message in section 0, sent; returns the status. */
static uint32_t
send_one(const uint8_t *ppis, uint32_t ppi_len, const uint8_t *frame, uint32_t len)
{
	return send_section(0, make_msg(txbuf, ppis, ppi_len, frame, len, 0), 0x77);
}

/* ---- guest -> host ---- */

static void
test_tx_section_with_two_aggregated_messages(void)
{
	uint8_t f1[128], f2[128];
	uint32_t l1 = make_udp4(f1, 30), l2 = make_udp4(f2, 50), m1;

	nic_setup();
	f2[40] = 0xee;
	m1 = make_msg(txbuf, NULL, 0, f1, l1, 8 - (44 + l1) % 8);	/* padded, as DPDK */
	m1 += make_msg(txbuf + m1, NULL, 0, f2, l2, 0);
	EXPECT_EQ(send_section(0, m1, 0x1234), 1);
	EXPECT_EQ(cap_nb, 2);
	EXPECT_EQ(cap_len[0], l1);
	EXPECT_MEM_EQ(cap_frame[0], f1, l1);
	EXPECT_EQ(cap_len[1], l2);
	EXPECT_MEM_EQ(cap_frame[1], f2, l2);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_TX_FRAMES], 2);
	EXPECT_EQ(cap_be.tx_frames, 2);
	fx_teardown();
}

/* A GPA-direct data 107 (rndis.md 1): RNDIS header in page 0, frame across the page end. */
static void
send_gpa(uint64_t pfn0, uint64_t xact)
{
	uint8_t body[88], frame[200];
	uint32_t l = make_udp4(frame, 200 - 42), two = 2, hdr_len = 44, at = 0x10;
	uint32_t foff = 4000;
	uint64_t pfn1 = pfn0 + 1;

	make_msg(guest_pages + at, NULL, 0, frame, l, 0);	/* header at 0x10, frame next */
	memcpy(guest_pages + foff, guest_pages + at + 44, l);
	memset(body, 0, sizeof(body));
	memcpy(body + 4, &two, 4);
	memcpy(body + 8, &hdr_len, 4);
	memcpy(body + 12, &at, 4);
	memcpy(body + 16, &pfn0, 8);
	memcpy(body + 24, &l, 4);
	memcpy(body + 28, &foff, 4);
	memcpy(body + 32, &pfn0, 8);
	memcpy(body + 40, &pfn1, 8);
	nvsp_msg(body + 48, 107, 0, 0xffffffff, 0);
	fx_guest_send_raw(VMBUS_CHANPKT_TYPE_GPA, 8, 13, VMBUS_CHANPKT_FLAG_RC, xact, body,
			  sizeof(body));
}

static void
test_tx_gpa_pages_concatenated(void)
{
	uint32_t at;
	uint8_t frame[200];

	nic_setup();
	at = fx_rx->write_index;
	send_gpa(GUEST_GPA >> 12, 0x55);
	host_poll(&fx_sim);
	EXPECT_EQ(fx_get(fx_rx, at + 8, 8), 0x55);
	EXPECT_EQ(fx_get(fx_rx, at + 20, 4), 1);
	EXPECT_EQ(cap_nb, 1);
	EXPECT_EQ(cap_len[0], 200);
	make_udp4(frame, 200 - 42);
	EXPECT_MEM_EQ(cap_frame[0], frame, 200);
	fx_teardown();
}

static void
test_tx_unmapped_gpa_failed_and_counted(void)
{
	uint32_t at;

	nic_setup();
	at = fx_rx->write_index;
	send_gpa((GUEST_GPA >> 12) + 1, 0x56);		/* second range reaches pfn + 2 */
	host_poll(&fx_sim);
	EXPECT_EQ(fx_get(fx_rx, at + 8, 8), 0x56);
	EXPECT_EQ(fx_get(fx_rx, at + 20, 4), 2);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_BAD_GPA], 1);
	EXPECT_EQ(cap_nb, 0);
	fx_teardown();
}

/*
 * A GPA-direct 107 of 1 + pieces single-page ranges: the RNDIS header, then
 * a 200-byte frame cut into pieces ranges (vmbus-ring.md 2.5's page-buffer
 * form), all within guest page 0.
 */
static void
send_gpa_pieces(uint32_t pieces, uint64_t xact)
{
	uint8_t body[8 + 16 * 40 + 40], frame[200];
	uint32_t l = make_udp4(frame, 200 - 42), nb = 1 + pieces, at = 0x10, foff = 1000;
	uint64_t pfn = GUEST_GPA >> 12;
	uint32_t ext = 8 + 16 * nb;

	make_msg(guest_pages + at, NULL, 0, frame, l, 0);
	memcpy(guest_pages + foff, guest_pages + at + 44, l);
	memset(body, 0, sizeof(body));
	memcpy(body + 4, &nb, 4);
	for (uint32_t i = 0; i < nb; i++) {
		uint32_t len = i == 0 ? 44 : l / pieces + (i == pieces ? l % pieces : 0);
		uint32_t off = i == 0 ? at : foff + (i - 1) * (l / pieces);

		memcpy(body + 8 + 16 * i, &len, 4);
		memcpy(body + 12 + 16 * i, &off, 4);
		memcpy(body + 16 + 16 * i, &pfn, 8);
	}
	nvsp_msg(body + ext, 107, 0, 0xffffffff, 0);
	fx_guest_send_raw(VMBUS_CHANPKT_TYPE_GPA, (uint16_t)(2 + ext / 8),
			  (uint16_t)(2 + (ext + 40) / 8), VMBUS_CHANPKT_FLAG_RC, xact, body,
			  ext + 40);
}

/* 32 pages (as Linux and FreeBSD send at most) pass silently; 33 are served and counted. */
static void
test_tx_gpa_over_32_pages_counted(void)
{
	uint8_t frame[200];

	make_udp4(frame, 200 - 42);
	for (uint32_t pieces = 31; pieces <= 32; pieces++) {
		nic_setup();
		send_gpa_pieces(pieces, 0x60 + pieces);
		host_poll(&fx_sim);
		EXPECT_EQ(cap_nb, 1);
		EXPECT_EQ(cap_len[0], 200);
		EXPECT_MEM_EQ(cap_frame[0], frame, 200);
		EXPECT_EQ(fx_cnt()->n[HOST_CNT_GPA_OVER_32_PAGES], pieces == 32 ? 1 : 0);
		fx_teardown();
	}
}

/* What a guest switches on first (offload parameters, rndis.md 5.3): every tx checksum, LSOv2. */
static void
offloads_on(void)
{
	nic_dev()->rndis.tx_csum_on = HOST_TX_CSUM_IP4_HDR | HOST_TX_CSUM_TCP4 |
				      HOST_TX_CSUM_UDP4 | HOST_TX_CSUM_TCP6 | HOST_TX_CSUM_UDP6;
	nic_dev()->rndis.lso_ip4 = nic_dev()->rndis.lso_ip6 = true;
}

/* Checksums the guest never switched on: the frame leaves as it came, counted. */
static void
test_tx_checksum_not_switched_on_not_filled(void)
{
	uint8_t f[128], ppi[16];
	uint32_t l = make_udp4(f, 30);

	nic_setup();
	nic_dev()->rndis.tx_csum_on = HOST_TX_CSUM_IP4_HDR;	/* not UDP */
	put_ppi(ppi, 16, 0, 0x01 | 0x08 | 0x10 | 34u << 16);
	EXPECT_EQ(send_one(ppi, 16, f, l), 1);
	EXPECT_EQ(cap_nb, 1);
	EXPECT_MEM_EQ(cap_frame[0], f, l);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_TX_OFFLOAD_OFF], 1);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_TX_CSUM_FILLED], 0);
	fx_teardown();
}

static void expect_failed(uint32_t status, enum host_count reason);

/* LSO the guest never switched on: no frame, the send failed, counted. */
static void
test_tx_lso_not_switched_on_dropped(void)
{
	static uint8_t f[3100];
	uint8_t ppi[16];
	uint32_t l = make_tcp4(f, 3000, 0x10000000, 0x18);

	nic_setup();
	put_ppi(ppi, 16, 2, 1000 | 34u << 20 | 1u << 30);
	expect_failed(send_one(ppi, 16, f, l), HOST_CNT_TX_OFFLOAD_OFF);
	fx_teardown();
}

static void
test_tx_udp4_checksums_filled_in(void)
{
	uint8_t f[128], ppi[16];
	uint32_t l = make_udp4(f, 30);
	uint8_t want[128];

	nic_setup();
	offloads_on();
	/* The expected bytes, by hand: header checksum, then UDP over the pseudo-header. */
	memcpy(want, f, l);
	put16(want + 24, fold(sum16(want + 14, 20, 0)));
	put16(want + 40, fold(sum16(want + 26, 8, 17 + 38) + sum16(want + 34, 38, 0)));
	put_ppi(ppi, 16, 0, 0x01 | 0x08 | 0x10 | 34u << 16);
	EXPECT_EQ(send_one(ppi, 16, f, l), 1);
	EXPECT_EQ(cap_nb, 1);
	EXPECT_MEM_EQ(cap_frame[0], want, l);
	EXPECT_EQ(ip4_check(cap_frame[0] + 14), 0);
	EXPECT_EQ(l4_check(cap_frame[0], 34, 38, 17, false), 0);
	fx_teardown();
}

static void
test_tx_tcp6_checksum_filled_in(void)
{
	uint8_t f[200], ppi[16];
	uint32_t l4_len = 20 + 40;

	nic_setup();
	offloads_on();
	memset(f, 0, sizeof(f));
	memcpy(f, nic_mac, 6);
	put16(f + 12, 0x86dd);
	f[14] = 0x60;
	put16(f + 18, l4_len);
	f[20] = 6;
	f[21] = 64;
	for (int i = 0; i < 32; i++)
		f[22 + i] = (uint8_t)(0x20 + i);
	f[54 + 12] = 5 << 4;
	for (uint32_t i = 20; i < l4_len; i++)
		f[54 + i] = (uint8_t)i;
	put_ppi(ppi, 16, 0, 0x02 | 0x04 | 54u << 16);
	EXPECT_EQ(send_one(ppi, 16, f, 54 + l4_len), 1);
	EXPECT_EQ(cap_nb, 1);
	EXPECT_TRUE(be16(cap_frame[0] + 54 + 16) != 0);
	EXPECT_EQ(l4_check(cap_frame[0], 54, l4_len, 6, true), 0);
	fx_teardown();
}

static void
test_tx_lso_cuts_3000_bytes_in_3_segments(void)
{
	static uint8_t f[3100];
	uint8_t ppi[16];
	uint32_t l = make_tcp4(f, 3000, 0x10000000, 0x18 | 0x01);	/* PSH ACK FIN */

	/* OpenVMM's rule (the default): a section is one range, no headers apart: refused. */
	nic_setup();
	offloads_on();
	put_ppi(ppi, 16, 2, 1000 | 34u << 20 | 1u << 30);
	EXPECT_EQ(send_one(ppi, 16, f, l), 2);
	EXPECT_EQ(cap_nb, 0);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_TX_BAD_LSO_LAYOUT], 1);
	fx_teardown();

	nic_setup();
	fx_sim.cfg.lso_any_layout = true;
	offloads_on();
	EXPECT_EQ(send_one(ppi, 16, f, l), 1);
	EXPECT_EQ(cap_nb, 3);
	for (uint32_t i = 0; i < 3 && i < cap_nb; i++) {
		const uint8_t *s = cap_frame[i];

		EXPECT_EQ(cap_len[i], 14 + 20 + 20 + 1000);
		EXPECT_EQ(be16(s + 16), 1040);			/* IP total length */
		EXPECT_EQ(be16(s + 18), 0x1234 + i);		/* IP id */
		EXPECT_EQ(ip4_check(s + 14), 0);
		EXPECT_EQ(be32(s + 38), 0x10000000 + 1000 * i);	/* TCP seq */
		EXPECT_EQ(s[47], i == 2 ? 0x19 : 0x10);		/* PSH/FIN on the last only */
		EXPECT_EQ(l4_check(s, 34, 1020, 6, false), 0);
		EXPECT_MEM_EQ(s + 54, f + 54 + 1000 * i, 1000);
	}
	fx_teardown();
}

static void
test_tx_vlan_tag_inserted(void)
{
	uint8_t f[128], ppi[16];
	uint32_t l = make_udp4(f, 30);

	nic_setup();
	put_ppi(ppi, 16, 6, 5 | 100u << 4);		/* priority 5, VLAN 100 */
	EXPECT_EQ(send_one(ppi, 16, f, l), 1);
	EXPECT_EQ(cap_nb, 1);
	EXPECT_EQ(cap_len[0], l + 4);
	EXPECT_MEM_EQ(cap_frame[0], f, 12);
	EXPECT_EQ(be16(cap_frame[0] + 12), 0x8100);
	EXPECT_EQ(be16(cap_frame[0] + 14), 5 << 13 | 100);
	EXPECT_MEM_EQ(cap_frame[0] + 16, f + 12, l - 12);
	fx_teardown();
}

/* A malformed send: completed with status 2, counted under reason, nothing sent. */
static void
expect_failed(uint32_t status, enum host_count reason)
{
	EXPECT_EQ(status, 2);
	EXPECT_EQ(fx_cnt()->n[reason], 1);
	EXPECT_EQ(cap_nb, 0);
}

static void
test_tx_data_offset_past_message(void)
{
	uint8_t f[128];
	uint32_t l = make_udp4(f, 30), m;

	nic_setup();
	m = make_msg(txbuf, NULL, 0, f, l, 0);
	memcpy(txbuf + 8, &(uint32_t){ 36 + 1 }, 4);		/* frame's end 1 past */
	expect_failed(send_section(0, m, 1), HOST_CNT_TX_BAD_DATA);
	fx_teardown();
}

static void
test_tx_ppi_past_message(void)
{
	uint8_t f[128], ppi[16];
	uint32_t l = make_udp4(f, 30), m;

	nic_setup();
	put_ppi(ppi, 16, 0, 0x19);
	m = make_msg(txbuf, ppi, 16, f, l, 0);
	memcpy(txbuf + 28, &(uint32_t){ m - 8 - 8 }, 4);	/* 16 bytes from 8 before the end */
	expect_failed(send_section(0, m, 1), HOST_CNT_TX_BAD_PPI);
	fx_teardown();
}

static void
test_tx_ppi_size_0(void)
{
	uint8_t f[128], ppi[16];
	uint32_t l = make_udp4(f, 30);

	nic_setup();
	put_ppi(ppi, 0, 0, 0x19);
	expect_failed(send_one(ppi, 16, f, l), HOST_CNT_TX_BAD_PPI);
	fx_teardown();
}

static void
test_tx_aggregated_length_0(void)
{
	uint8_t f[128];
	uint32_t l = make_udp4(f, 30), m;

	nic_setup();
	m = make_msg(txbuf, NULL, 0, f, l, 0);
	m += make_msg(txbuf + m, NULL, 0, f, l, 0);
	memcpy(txbuf + (m / 2) + 4, &(uint32_t){ 0 }, 4);
	EXPECT_EQ(send_section(0, m, 1), 2);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_TX_BAD_MSG_LENGTH], 1);
	EXPECT_EQ(cap_nb, 1);					/* the first went out */
	fx_teardown();
}

static void
test_tx_aggregated_length_past_section(void)
{
	uint8_t f[128];
	uint32_t l = make_udp4(f, 30), m;

	nic_setup();
	m = make_msg(txbuf, NULL, 0, f, l, 0);
	expect_failed(send_section(0, m - 1, 1), HOST_CNT_TX_BAD_MSG_LENGTH);
	fx_teardown();
}

static void
test_tx_bad_section_index(void)
{
	nic_setup();
	expect_failed(send_section(2, 100, 1), HOST_CNT_NVSP_BAD_SECTION);
	EXPECT_EQ(send_section(0, 6145, 2), 2);			/* more than a section */
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_NVSP_BAD_SECTION], 2);
	fx_teardown();
}

/* ---- host -> guest ---- */

static void
queue_frame(const uint8_t *data, uint32_t len, enum hvsim_frame_csum csum)
{
	rxq[rxq_nb++] = (struct hvsim_frame){ .data = data, .len = len, .csum = csum };
}

/* The transfer-page packet at rx offset at: its range count, after checking the rest. */
static uint32_t
xfer_ranges_at(uint32_t at)
{
	uint32_t nb = (uint32_t)fx_get(fx_rx, at + 20, 4);

	EXPECT_EQ(fx_get(fx_rx, at + 0, 2), 7);
	EXPECT_EQ(fx_get(fx_rx, at + 2, 2), (24 + 8 * nb) / 8);
	EXPECT_EQ(fx_get(fx_rx, at + 16, 2), 0xcafe);
	EXPECT_EQ(fx_get(fx_rx, at + 24 + 8 * nb, 4), 107);
	EXPECT_EQ(fx_get(fx_rx, at + 28 + 8 * nb, 4), 0);	/* data channel */
	EXPECT_EQ(fx_get(fx_rx, at + 8, 8), fx_get(fx_rx, at + 28, 4) / 1728);
	return nb;
}

/* Range i's RNDIS PACKET in the receive buffer, checked per rndis.md 6. */
static const uint8_t *
range_msg(uint32_t at, uint32_t i, uint32_t *frame_len)
{
	uint32_t count = (uint32_t)fx_get(fx_rx, at + 24 + 8 * i, 4);
	uint32_t off = (uint32_t)fx_get(fx_rx, at + 28 + 8 * i, 4);
	const uint8_t *m = rxbuf + off;

	EXPECT_EQ(off % 1728, 0);
	EXPECT_EQ(rd32(m), 1);
	EXPECT_EQ(rd32(m + 4), count);
	EXPECT_TRUE(rd32(m + 8) >= 36);
	EXPECT_EQ(rd32(m + 8) + 8 + rd32(m + 12), count);
	*frame_len = rd32(m + 12);
	return m;
}

static void
test_rx_frames_share_one_transfer(void)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t f[3][128];
	uint32_t l = make_udp4(f[0], 30), at, len;

	nic_setup();
	memcpy(f[1], f[0], l);
	memcpy(f[1], bcast, 6);
	memcpy(f[2], f[0], l);
	f[2][0] = 0x01, f[2][5] = 0x42;				/* a multicast group */
	for (int i = 0; i < 3; i++)
		queue_frame(f[i], l, HVSIM_CSUM_UNKNOWN);
	nic_dev()->rndis.packet_filter = 0x0d;
	at = fx_rx->write_index;
	EXPECT_EQ(host_poll(&fx_sim), 3);
	EXPECT_EQ(xfer_ranges_at(at), 3);
	for (uint32_t i = 0; i < 3; i++) {
		const uint8_t *m = range_msg(at, i, &len);

		EXPECT_EQ(len, l);
		EXPECT_EQ(rd32(m + 32), 0);				/* no PPIs */
		EXPECT_MEM_EQ(m + 8 + rd32(m + 8), f[i], l);
	}
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_RX_FRAMES], 3);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_RX_XFERS], 1);
	fx_teardown();
}

static void
test_rx_filter_0_delivers_nothing(void)
{
	uint8_t f[128];
	uint32_t l = make_udp4(f, 30), at;

	nic_setup();
	queue_frame(f, l, HVSIM_CSUM_UNKNOWN);
	at = fx_rx->write_index;
	EXPECT_EQ(host_poll(&fx_sim), 0);
	EXPECT_EQ(fx_rx->write_index, at);
	EXPECT_EQ(rxq_head, 0);					/* still waiting */
	fx_teardown();
}

static void
test_rx_other_mac_filtered(void)
{
	uint8_t f[128];
	uint32_t l = make_udp4(f, 30), at;

	nic_setup();
	f[5] = 0x99;
	queue_frame(f, l, HVSIM_CSUM_UNKNOWN);
	nic_dev()->rndis.packet_filter = 0x0d;
	at = fx_rx->write_index;
	host_poll(&fx_sim);
	EXPECT_EQ(fx_rx->write_index, at);
	EXPECT_EQ(rxq_head, 1);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_RX_FILTERED], 1);
	nic_dev()->rndis.packet_filter = 0x20;			/* promiscuous takes it */
	queue_frame(f, l, HVSIM_CSUM_UNKNOWN);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	fx_teardown();
}

/* The Microsoft RSS verification key and its first IPv4 vector (rndis.md 5.7). */
static const uint8_t ms_key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
	0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
	0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

static void
test_rx_ppis_present_and_aligned(void)
{
	uint8_t f[128];
	uint32_t l = make_tcp4(f, 10, 1, 0x10), at, len;
	static const uint8_t src[4] = { 66, 9, 149, 187 }, dst[4] = { 161, 142, 100, 80 };
	const uint8_t *m;
	struct host_rndis *r;

	nic_setup();
	memcpy(f + 26, src, 4);
	memcpy(f + 30, dst, 4);
	put16(f + 34, 2794);
	put16(f + 36, 1766);
	put16(f + 24, ip4_check(f + 14));		/* hvsim checks the IPv4 header itself */
	rxq[rxq_nb++] = (struct hvsim_frame){ .data = f, .len = l, .has_vlan = true,
					      .vlan_tci = 3 << 13 | 1 << 12 | 7,
					      .csum = HVSIM_CSUM_GOOD };
	r = &nic_dev()->rndis;
	r->packet_filter = 0x0d;
	r->rss_enabled = true;
	r->rss_hash_info = 0x1 | 0x100 | 0x200;
	memcpy(r->rss_key, ms_key, 40);
	at = fx_rx->write_index;
	EXPECT_EQ(host_poll(&fx_sim), 1);
	EXPECT_EQ(xfer_ranges_at(at), 1);
	m = range_msg(at, 0, &len);
	EXPECT_EQ(rd32(m + 28), 36);				/* PPIs at absolute 44 */
	EXPECT_EQ(rd32(m + 32), 4 * 16);
	for (uint32_t i = 0; i < 4; i++) {
		const uint8_t *p = m + 44 + 16 * i;

		EXPECT_EQ(rd32(p), 16);				/* size: 4-aligned, not 0 */
		EXPECT_EQ(rd32(p + 8), 12);
	}
	EXPECT_EQ(rd32(m + 44 + 4), 0);				/* checksum info */
	EXPECT_EQ(rd32(m + 44 + 12), 0x20 | 0x08);		/* IP OK, TCP OK */
	EXPECT_EQ(rd32(m + 60 + 4), 6);				/* 802.1Q */
	EXPECT_EQ(rd32(m + 60 + 12), 3 | 1 << 3 | 7 << 4);
	EXPECT_EQ(rd32(m + 76 + 4), 8);				/* hash value */
	EXPECT_EQ(rd32(m + 76 + 12), 0x51ccc178);		/* the published TCP/IPv4 hash */
	EXPECT_EQ(rd32(m + 92 + 4), 9);				/* hash info */
	EXPECT_EQ(rd32(m + 92 + 12), 0x201);
	EXPECT_MEM_EQ(m + 8 + rd32(m + 8), f, l);
	fx_teardown();
}

static void
test_rx_vlan_in_data_moves_to_ppi(void)
{
	uint8_t f[128], tagged[132];
	uint32_t l = make_udp4(f, 30), at, len;
	const uint8_t *m;

	nic_setup();
	memcpy(tagged, f, 12);
	put16(tagged + 12, 0x8100);
	put16(tagged + 14, 100);
	memcpy(tagged + 16, f + 12, l - 12);
	queue_frame(tagged, l + 4, HVSIM_CSUM_UNKNOWN);
	nic_dev()->rndis.packet_filter = 0x0d;
	at = fx_rx->write_index;
	EXPECT_EQ(host_poll(&fx_sim), 1);
	m = range_msg(at, 0, &len);
	EXPECT_EQ(len, l);
	EXPECT_EQ(rd32(m + 44 + 4), 6);
	EXPECT_EQ(rd32(m + 44 + 12), 100 << 4);
	EXPECT_MEM_EQ(m + 8 + rd32(m + 8), f, l);
	fx_teardown();
}

/*
 * Every frame length from the smallest to past the small-frame copy (256 B),
 * untagged and with a tag in the data: the delivered bytes are the frame's
 * (less the tag), and the slot byte after the message is not written.
 */
static void
test_rx_frame_bytes_intact_at_every_length(void)
{
	uint8_t f[320], want[320];

	for (uint32_t tagged = 0; tagged < 2; tagged++) {
		for (uint32_t l = 14 + 4 * tagged; l <= 300; l++) {
			uint32_t hdr = 12 + 4 * tagged, at, len, msg;
			const uint8_t *m;

			for (uint32_t i = 0; i < l; i++)
				f[i] = (uint8_t)(i * 7 + l);
			memcpy(f, nic_mac, 6);
			if (tagged) {
				put16(f + 12, 0x8100);
				put16(f + 14, 5);
			}
			put16(f + hdr, 0x88b5);		/* local experimental: no PPI */
			memcpy(want, f, 12);
			memcpy(want + 12, f + hdr, l - hdr);
			nic_setup();
			memset(rxbuf, 0xa5, sizeof(rxbuf));
			queue_frame(f, l, HVSIM_CSUM_UNKNOWN);
			nic_dev()->rndis.packet_filter = 0x0d;
			at = fx_rx->write_index;
			EXPECT_EQ(host_poll(&fx_sim), 1);
			m = range_msg(at, 0, &len);
			msg = rd32(m + 4);
			EXPECT_EQ(len, l - 4 * tagged);
			EXPECT_MEM_EQ(m + 8 + rd32(m + 8), want, l - 4 * tagged);
			EXPECT_EQ(m[msg], 0xa5);
			fx_teardown();
		}
	}
}

/*
 * A UDP/IPv4 frame whose header has opt_words 4-byte option words (NOPs) and
 * addresses of all ones (carries in every sum); the header checksum is the
 * test's own, spoilt by xor; returns the length.
 */
static uint32_t
make_udp4_options(uint8_t *f, uint32_t opt_words, uint16_t spoil)
{
	uint32_t ihl = 20 + 4 * opt_words, len = 14 + ihl + 8 + 16;

	memset(f, 0, len);
	memcpy(f, nic_mac, 6);
	f[6] = 0x02;
	put16(f + 12, 0x0800);
	f[14] = (uint8_t)(0x40 | ihl / 4);
	put16(f + 16, ihl + 8 + 16);
	f[22] = 64;
	f[23] = 17;
	memset(f + 26, 0xff, 8);
	memset(f + 34, 0x01, 4 * opt_words);
	put16(f + 14 + ihl + 4, 8 + 16);
	put16(f + 24, fold(sum16(f + 14, ihl, 0)) ^ spoil);
	return len;
}

static void
test_rx_ipv4_header_checksum_verdicts(void)
{
	static const struct {
		uint32_t opt_words;
		uint16_t spoil;
		uint32_t flags;		/* rndis.md 6.1: IP OK 0x20, IP failed 0x04, UDP OK 0x10 */
	} c[] = {
		{ 0, 0, 0x20 | 0x10 }, { 0, 0x0001, 0x04 | 0x10 }, { 0, 0x8000, 0x04 | 0x10 },
		{ 1, 0, 0x20 | 0x10 }, { 1, 0x0100, 0x04 | 0x10 },
		{ 10, 0, 0x20 | 0x10 }, { 10, 0x0010, 0x04 | 0x10 },
	};
	uint8_t f[128];
	uint32_t at, len, l;

	for (uint32_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		const uint8_t *m;

		nic_setup();
		nic_dev()->rndis.packet_filter = 0x0d;
		l = make_udp4_options(f, c[i].opt_words, c[i].spoil);
		queue_frame(f, l, HVSIM_CSUM_GOOD);
		at = fx_rx->write_index;
		EXPECT_EQ(host_poll(&fx_sim), 1);
		EXPECT_EQ(xfer_ranges_at(at), 1);
		m = range_msg(at, 0, &len);
		EXPECT_EQ(len, l);
		EXPECT_EQ(rd32(m + 32), 16);			/* the checksum PPI alone */
		EXPECT_EQ(rd32(m + 44 + 4), 0);
		EXPECT_EQ(rd32(m + 44 + 12), c[i].flags);
		EXPECT_MEM_EQ(m + 8 + rd32(m + 8), f, l);
		fx_teardown();
	}
}

static void
guest_complete(uint64_t xact)
{
	uint8_t msg[40];

	nvsp_msg(msg, 108, 1, 0, 0);
	fx_guest_send(VMBUS_CHANPKT_TYPE_COMP, 0, xact, msg, 40);
}

/*
 * hvsim_frame.hdr_key: what the host parsed is reused only for the same key
 * and length. Keys 5 and 1029 share a place in the host's table; each
 * frame's IPv4 verdict must still be its own header's (the test's sums).
 */
static void
test_rx_header_key_reuses_only_its_own(void)
{
	static const struct {
		uint32_t key, opt_words;
		uint16_t spoil;
		uint32_t ip;		/* 0x20 OK, 0x04 failed */
	} c[] = {
		{ 5, 0, 0, 0x20 }, { 1029, 0, 0x0100, 0x04 }, { 5, 0, 0, 0x20 }, { 5, 0, 0, 0x20 },
		{ 5, 1, 0x0001, 0x04 }, { 0, 0, 0x0010, 0x04 }, { 0, 0, 0, 0x20 }, { 5, 0, 0, 0x20 },
	};
	uint8_t f[sizeof(c) / sizeof(c[0])][128];
	uint32_t at, len;

	nic_setup();
	nic_dev()->rndis.packet_filter = 0x0d;
	for (uint32_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		const uint8_t *m;
		uint32_t l = make_udp4_options(f[i], c[i].opt_words, c[i].spoil);

		rxq[rxq_nb++] = (struct hvsim_frame){ .data = f[i], .len = l,
						      .csum = HVSIM_CSUM_GOOD, .hdr_key = c[i].key };
		at = fx_rx->write_index;
		EXPECT_EQ(host_poll(&fx_sim), i == 0 ? 1 : 2);	/* and the last completion */
		EXPECT_EQ(xfer_ranges_at(at), 1);
		m = range_msg(at, 0, &len);
		EXPECT_EQ(len, l);
		EXPECT_EQ(rd32(m + 44 + 4), 0);			/* the checksum PPI */
		EXPECT_EQ(rd32(m + 44 + 12), c[i].ip | 0x10);
		guest_complete(fx_get(fx_rx, at + 8, 8));
	}
	fx_teardown();
}

/*
 * Frames of one key and length whose checksum verdict, tag or the guest's
 * RSS changes: each message is the frame's own (rndis.md 6, 6.1: UDP OK
 * 0x10, UDP failed 0x02, IP OK 0x20; no checksum PPI when the host knows
 * nothing; PPIs in the order checksum, 802.1Q (6), hash value (8), hash
 * information (9)).
 */
static void
test_rx_header_key_messages_follow_each_frame(void)
{
	static const struct {
		enum hvsim_frame_csum csum;
		bool tagged, rss;
		uint32_t flags;		/* 0: no checksum PPI */
	} c[] = {
		{ HVSIM_CSUM_GOOD, false, false, 0x30 }, { HVSIM_CSUM_GOOD, false, false, 0x30 },
		{ HVSIM_CSUM_BAD, false, false, 0x22 }, { HVSIM_CSUM_UNKNOWN, false, false, 0 },
		{ HVSIM_CSUM_GOOD, false, false, 0x30 }, { HVSIM_CSUM_GOOD, true, false, 0x30 },
		{ HVSIM_CSUM_GOOD, false, true, 0x30 }, { HVSIM_CSUM_GOOD, false, false, 0x30 },
	};
	uint8_t f[128];
	uint32_t l = make_udp4_options(f, 0, 0), at, len;
	struct host_rndis *r;

	nic_setup();
	r = &nic_dev()->rndis;
	r->packet_filter = 0x0d;
	r->rss_hash_info = 0x1 | 0x100;			/* Toeplitz, IPv4 addresses */
	memcpy(r->rss_key, ms_key, 40);
	for (uint32_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		uint32_t ppis = (c[i].flags != 0) + c[i].tagged + 2 * c[i].rss, k = 0;
		const uint8_t *m;

		r->rss_enabled = c[i].rss;
		rxq[rxq_nb++] = (struct hvsim_frame){ .data = f, .len = l, .csum = c[i].csum,
						      .has_vlan = c[i].tagged, .vlan_tci = 5,
						      .hdr_key = 3 };
		at = fx_rx->write_index;
		EXPECT_EQ(host_poll(&fx_sim), i == 0 ? 1 : 2);	/* and the last completion */
		EXPECT_EQ(xfer_ranges_at(at), 1);
		m = range_msg(at, 0, &len);
		EXPECT_EQ(len, l);
		EXPECT_EQ(rd32(m + 4), 44 + 16 * ppis + l);		/* message length */
		EXPECT_EQ(rd32(m + 8), 36 + 16 * ppis);		/* data offset */
		EXPECT_EQ(rd32(m + 28), ppis != 0 ? 36 : 0);		/* PPI offset */
		EXPECT_EQ(rd32(m + 32), 16 * ppis);			/* PPI length */
		if (c[i].flags != 0) {
			EXPECT_EQ(rd32(m + 44 + 4), 0);
			EXPECT_EQ(rd32(m + 44 + 12), c[i].flags);
			k++;
		}
		if (c[i].tagged) {
			EXPECT_EQ(rd32(m + 44 + 16 * k + 4), 6);
			EXPECT_EQ(rd32(m + 44 + 16 * k + 12) >> 4 & 0xfff, 5);
			k++;
		}
		if (c[i].rss) {
			EXPECT_EQ(rd32(m + 44 + 16 * k + 4), 8);
			EXPECT_EQ(rd32(m + 44 + 16 * (k + 1) + 4), 9);
			EXPECT_EQ(rd32(m + 44 + 16 * (k + 1) + 12), 0x101);
		}
		EXPECT_MEM_EQ(m + 8 + rd32(m + 8), f, l);
		guest_complete(fx_get(fx_rx, at + 8, 8));
	}
	fx_teardown();
}

static void
test_rx_waits_for_slots_until_completion(void)
{
	uint8_t f[128];
	uint32_t l = make_udp4(f, 30), at;

	nic_setup();
	for (int i = 0; i < 6; i++)
		queue_frame(f, l, HVSIM_CSUM_UNKNOWN);
	nic_dev()->rndis.packet_filter = 0x0d;
	at = fx_rx->write_index;
	EXPECT_EQ(host_poll(&fx_sim), NB_SLOTS);
	EXPECT_EQ(xfer_ranges_at(at), NB_SLOTS);
	EXPECT_EQ(fx_get(fx_rx, at + 8, 8), 0);			/* xact = first slot */
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_RX_NO_SLOT], 1);
	fx_rx->read_index = fx_rx->write_index;
	at = fx_rx->write_index;
	EXPECT_EQ(host_poll(&fx_sim), 0);			/* nothing reused */
	EXPECT_EQ(fx_rx->write_index, at);
	EXPECT_EQ(rxq_head, NB_SLOTS);
	guest_complete(0);					/* frees all four ranges */
	EXPECT_EQ(host_poll(&fx_sim), 1 + 2);
	EXPECT_EQ(xfer_ranges_at(at), 2);
	EXPECT_EQ(rxq_head, 6);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_RXBUF_BAD_COMPLETION], 0);
	fx_teardown();
}

/*
 * The guest's ring takes a transfer of k ranges and not of k + 1: a
 * transfer-page packet of n ranges is 64 + 8n bytes (24 + 8n to its 40-byte
 * NVSP message), its trailer 8, and one byte of the ring stays free
 * (ring.md). The rest waits, counted, and follows once the guest has read.
 */
static void
test_rx_transfer_cut_where_the_ring_is_full(void)
{
	uint8_t f[128];
	uint32_t l = make_udp4(f, 30), len, at;

	for (uint32_t k = 1; k <= 3; k++) {
		nic_setup();
		for (int i = 0; i < 4; i++)
			queue_frame(f, l, HVSIM_CSUM_UNKNOWN);
		nic_dev()->rndis.packet_filter = 0x0d;
		at = fx_rx->write_index;
		fx_rx->read_index = at + 72 + 8 * (k + 1);	/* writable */
		EXPECT_EQ(host_poll(&fx_sim), k);
		EXPECT_EQ(xfer_ranges_at(at), k);
		EXPECT_EQ(fx_rx->write_index, at + 72 + 8 * k);
		EXPECT_EQ(rxq_head, k);
		EXPECT_EQ(fx_cnt()->n[HOST_CNT_RX_RING_FULL], 1);
		for (uint32_t i = 0; i < k; i++)
			EXPECT_MEM_EQ(range_msg(at, i, &len) + 44, f, l);
		at = fx_rx->write_index;
		fx_rx->read_index = at;				/* the guest reads it */
		EXPECT_EQ(host_poll(&fx_sim), 4 - k);
		EXPECT_EQ(xfer_ranges_at(at), 4 - k);
		EXPECT_EQ(rxq_head, 4);
		fx_teardown();
	}
}

/* Regression: frames waiting while the pass handles the guest's revoke (hvsim died of SIGFPE). */
static void
test_rx_revoke_in_the_same_pass_delivers_nothing(void)
{
	uint8_t f[128], msg[40];
	uint32_t l = make_udp4(f, 30);

	nic_setup();
	queue_frame(f, l, HVSIM_CSUM_UNKNOWN);
	nic_dev()->rndis.packet_filter = 0x0d;
	nvsp_msg(msg, 103, 0xcafe, 0, 0);			/* REVOKE_RXBUF */
	fx_guest_send(VMBUS_CHANPKT_TYPE_INBAND, 0, 0, msg, 40);
	EXPECT_EQ(host_poll(&fx_sim), 1);			/* the revoke only */
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_RX_FRAMES], 0);
	EXPECT_TRUE(cap_peek(&cap_be) != NULL);			/* still in the backend */
	fx_teardown();
}

static void
test_rx_completion_of_a_later_range_refused(void)
{
	uint8_t f[128];
	uint32_t l = make_udp4(f, 30);

	nic_setup();
	queue_frame(f, l, HVSIM_CSUM_UNKNOWN);
	queue_frame(f, l, HVSIM_CSUM_UNKNOWN);
	nic_dev()->rndis.packet_filter = 0x0d;
	EXPECT_EQ(host_poll(&fx_sim), 2);
	fx_rx->read_index = fx_rx->write_index;
	guest_complete(1);					/* names no transfer */
	host_poll(&fx_sim);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_RXBUF_BAD_COMPLETION], 1);
	EXPECT_EQ(nic_dev()->rxbuf.nb_busy, 2);
	fx_teardown();
}

/* ---- the loop backend through the guest ---- */

static void
test_loop_backend_returns_guest_frames(void)
{
	struct hvsim_backend loop;
	uint8_t f[128];
	uint32_t l = make_udp4(f, 30), at, len;
	const uint8_t *m;

	EXPECT_TRUE(hvsim_backend_open(&loop, &fx_sim, &fx_sim.dev[0], "bogus:1") < 0);
	nic_setup();
	EXPECT_EQ(hvsim_backend_open(&loop, &fx_sim, &fx_sim.dev[0], "loop"), 0);
	fx_sim.dev[0].backend_state = &loop;
	nic_dev()->rndis.packet_filter = 0x0d;
	make_msg(txbuf, NULL, 0, f, l, 0);
	at = fx_rx->write_index;
	send_section(0, 44 + l, 9);
	m = range_msg(at + 64, 0, &len);			/* after the 108 */
	EXPECT_EQ(len, l);
	EXPECT_MEM_EQ(m + 8 + rd32(m + 8), f, l);
	EXPECT_EQ(loop.tx_frames, 1);
	EXPECT_EQ(loop.rx_frames, 1);
	hvsim_backend_close(&loop);
	fx_teardown();
}

/* RFC 1071 as written: big-endian 16-bit words, the odd byte padded with 0. */
static uint32_t
ref_csum(uint32_t sum, const uint8_t *p, uint32_t len)
{
	uint64_t s = sum;

	for (uint32_t i = 0; i < len; i++)
		s += (i % 2 == 0) ? (uint32_t)p[i] << 8 : p[i];
	while (s >> 16)
		s = (s & 0xffffu) + (s >> 16);
	return (uint32_t)s;
}

static void
test_csum_add_matches_rfc1071_at_every_length_and_offset(void)
{
	static const uint32_t seeds[] = { 0, 1, 0xffff, 0x1fffe, 0xfffffff0u };
	uint8_t data[140];

	for (uint32_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 37u + 0xa5u);
	memset(data + 60, 0xff, 20);		/* carries out of every word */
	for (uint32_t off = 0; off < 4; off++)
		for (uint32_t len = 0; len + off <= 136; len++)
			for (uint32_t k = 0; k < sizeof(seeds) / sizeof(seeds[0]); k++)
				EXPECT_EQ(host_csum_fold(host_csum_add(seeds[k], data + off, len)),
					  (uint16_t)~ref_csum(seeds[k], data + off, len));
}

/* The word-at-a-time IPv4 header sum against RFC 1071 as written, 5 to 15 words. */
static void
test_ipv4_hdr_csum_matches_rfc1071(void)
{
	uint8_t hdr[60];

	for (uint32_t fill = 0; fill < 2; fill++) {
		for (uint32_t i = 0; i < sizeof(hdr); i++)
			hdr[i] = fill ? 0xff : (uint8_t)(i * 53u + 0x3cu);
		for (uint32_t words = 5; words <= 15; words++)
			EXPECT_EQ(host_ipv4_hdr_csum(hdr, 4 * words),
				  (uint16_t)~ref_csum(0, hdr, 4 * words));
	}
}

int
main(void)
{
	(void)fx_set_indexes;					/* the fixture's, unused here */
	RUN_TEST(test_csum_add_matches_rfc1071_at_every_length_and_offset);
	RUN_TEST(test_ipv4_hdr_csum_matches_rfc1071);
	RUN_TEST(test_tx_section_with_two_aggregated_messages);
	RUN_TEST(test_tx_gpa_pages_concatenated);
	RUN_TEST(test_tx_unmapped_gpa_failed_and_counted);
	RUN_TEST(test_tx_gpa_over_32_pages_counted);
	RUN_TEST(test_tx_checksum_not_switched_on_not_filled);
	RUN_TEST(test_tx_lso_not_switched_on_dropped);
	RUN_TEST(test_tx_udp4_checksums_filled_in);
	RUN_TEST(test_tx_tcp6_checksum_filled_in);
	RUN_TEST(test_tx_lso_cuts_3000_bytes_in_3_segments);
	RUN_TEST(test_tx_vlan_tag_inserted);
	RUN_TEST(test_tx_data_offset_past_message);
	RUN_TEST(test_tx_ppi_past_message);
	RUN_TEST(test_tx_ppi_size_0);
	RUN_TEST(test_tx_aggregated_length_0);
	RUN_TEST(test_tx_aggregated_length_past_section);
	RUN_TEST(test_tx_bad_section_index);
	RUN_TEST(test_rx_frames_share_one_transfer);
	RUN_TEST(test_rx_filter_0_delivers_nothing);
	RUN_TEST(test_rx_other_mac_filtered);
	RUN_TEST(test_rx_ppis_present_and_aligned);
	RUN_TEST(test_rx_vlan_in_data_moves_to_ppi);
	RUN_TEST(test_rx_frame_bytes_intact_at_every_length);
	RUN_TEST(test_rx_ipv4_header_checksum_verdicts);
	RUN_TEST(test_rx_header_key_reuses_only_its_own);
	RUN_TEST(test_rx_header_key_messages_follow_each_frame);
	RUN_TEST(test_rx_waits_for_slots_until_completion);
	RUN_TEST(test_rx_transfer_cut_where_the_ring_is_full);
	RUN_TEST(test_rx_completion_of_a_later_range_refused);
	RUN_TEST(test_rx_revoke_in_the_same_pass_delivers_nothing);
	RUN_TEST(test_loop_backend_returns_guest_frames);
	TEST_EXIT();
}
