/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests of hvsim's multi-queue host (host_rss.c, host_toeplitz.c, and the RSS
 * parameter checks of host_rndis.c): the Toeplitz hash against the published
 * vectors of spec/rss-vectors.md, the tuple per hash type, channel selection,
 * subchannel grants over a real ring (nvsp.md 3.12, 3.15) and the refusal of
 * bad RSS parameters (rndis.md 5.5). Layouts are written from the spec here.
 */
#include <arpa/inet.h>

#include "test_harness.h"
#include "host_fixture.h"
#include "host_offload.h"

static unsigned int offer_calls;

/* The kernel layer's part, as far as the host sees it: nb more channels. */
unsigned int
hvsim_kernel_offer_subchannels(struct hvsim *sim, struct hvsim_device *dev, unsigned int nb)
{
	(void)sim;
	offer_calls++;
	dev->nb_channels += nb;
	return nb;
}

/* spec/rss-vectors.md, the key and the table, as published. */
static const uint8_t ms_key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
	0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
	0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

static const struct {
	const char *dst, *src;
	uint16_t dport, sport;
	uint32_t hash_ip, hash_ports;
} vectors[] = {
	{ "161.142.100.80", "66.9.149.187", 1766, 2794, 0x323e8fc2, 0x51ccc178 },
	{ "65.69.140.83", "199.92.111.2", 4739, 14230, 0xd718262a, 0xc626b0ea },
	{ "12.22.207.184", "24.19.198.95", 38024, 12898, 0xd2d0a5de, 0x5c2b394a },
	{ "3ffe:2501:200:3::1", "3ffe:2501:200:1fff::7", 1766, 2794, 0x2cc18cd5, 0x40207d3d },
	{ "ff02::1", "3ffe:501:8::260:97ff:fe40:efab", 4739, 14230, 0x0f0c461c, 0xdde51bbf },
};
#define NB_VECTORS	(sizeof(vectors) / sizeof(vectors[0]))

static void
put16be(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static uint32_t
rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* An address in network order; returns its length (4 or 16). */
static uint32_t
addr(const char *text, uint8_t *out)
{
	if (inet_pton(AF_INET, text, out) == 1)
		return 4;
	EXPECT_EQ(inet_pton(AF_INET6, text, out), 1);
	return 16;
}

static void
test_toeplitz_published_vectors(void)
{
	for (uint32_t i = 0; i < NB_VECTORS; i++) {
		uint8_t in[36];
		uint32_t n = addr(vectors[i].src, in);

		addr(vectors[i].dst, in + n);
		n *= 2;
		EXPECT_EQ(host_toeplitz(ms_key, 40, in, n), vectors[i].hash_ip);
		put16be(in + n, vectors[i].sport);
		put16be(in + n + 2, vectors[i].dport);
		EXPECT_EQ(host_toeplitz(ms_key, 40, in, n + 4), vectors[i].hash_ports);
	}
}

/* A frame of vector v: Ethernet, IPv4/IPv6, then the protocol's ports. */
static uint32_t
make_frame(uint8_t *f, uint32_t v, uint8_t proto)
{
	uint8_t a[16];
	uint32_t n, l4;

	memset(f, 0, 128);
	n = addr(vectors[v].src, a);
	if (n == 4) {
		put16be(f + 12, 0x0800);
		f[14] = 0x45;
		f[23] = proto;
		memcpy(f + 26, a, 4);
		addr(vectors[v].dst, f + 30);
		l4 = 34;
	} else {
		put16be(f + 12, 0x86dd);
		f[14] = 0x60;
		f[20] = proto;
		memcpy(f + 22, a, 16);
		addr(vectors[v].dst, f + 38);
		l4 = 54;
	}
	put16be(f + l4, vectors[v].sport);
	put16be(f + l4 + 2, vectors[v].dport);
	return l4 + 20;
}

static void
rss_on(struct host_rndis *r, uint32_t hash_info)
{
	memset(r, 0, sizeof(*r));
	r->rss_enabled = true;
	r->rss_hash_info = hash_info;
	memcpy(r->rss_key, ms_key, 40);
	r->rss_nb_entries = 128;
}

static void
test_hash_tuple_per_hash_type(void)
{
	struct host_rndis r;
	uint8_t f[128];
	uint32_t len, hash = 0;

	/* TCP/IPv4 enabled: the 4-tuple; IPv4 alone: the addresses. */
	len = make_frame(f, 0, 6);
	rss_on(&r, 0x1 | 0x100 | 0x200);
	EXPECT_EQ(host_rss_hash(&r, false, f, len, &hash), 0x200);
	EXPECT_EQ(hash, vectors[0].hash_ports);
	rss_on(&r, 0x1 | 0x100);
	EXPECT_EQ(host_rss_hash(&r, false, f, len, &hash), 0x100);
	EXPECT_EQ(hash, vectors[0].hash_ip);
	/* TCP type without the IPv4 type: a UDP frame gets no hash. */
	len = make_frame(f, 1, 17);
	rss_on(&r, 0x1 | 0x200);
	EXPECT_EQ(host_rss_hash(&r, false, f, len, &hash), 0);
	/* UDP/IPv4 asked: the 4-tuple only when offered (--rss-udp). */
	rss_on(&r, 0x1 | 0x100 | 0x4000);
	EXPECT_EQ(host_rss_hash(&r, false, f, len, &hash), 0x100);
	EXPECT_EQ(hash, vectors[1].hash_ip);
	EXPECT_EQ(host_rss_hash(&r, true, f, len, &hash), 0x4000);
	EXPECT_EQ(hash, vectors[1].hash_ports);
	/* IPv6: TCP/IPv6, UDP/IPv6, addresses. */
	len = make_frame(f, 3, 6);
	rss_on(&r, 0x1 | 0x400 | 0x1000);
	EXPECT_EQ(host_rss_hash(&r, false, f, len, &hash), 0x1000);
	EXPECT_EQ(hash, vectors[3].hash_ports);
	len = make_frame(f, 4, 17);
	rss_on(&r, 0x1 | 0x400 | 0x8000);
	EXPECT_EQ(host_rss_hash(&r, true, f, len, &hash), 0x8000);
	EXPECT_EQ(hash, vectors[4].hash_ports);
	EXPECT_EQ(host_rss_hash(&r, false, f, len, &hash), 0x400);
	EXPECT_EQ(hash, vectors[4].hash_ip);
	/* Off, or a function other than Toeplitz: no hash. */
	rss_on(&r, 0x2 | 0x400);
	EXPECT_EQ(host_rss_hash(&r, false, f, len, &hash), 0);
	r.rss_enabled = false;
	EXPECT_EQ(host_rss_hash(&r, false, f, len, &hash), 0);
	/* A non-IP frame: none. */
	put16be(f + 12, 0x0806);
	rss_on(&r, 0x1 | 0x100 | 0x400);
	EXPECT_EQ(host_rss_hash(&r, false, f, len, &hash), 0);
}

static void
test_channel_is_table_at_hash_mod_128(void)
{
	struct host_rndis r;

	rss_on(&r, 0x101);
	for (uint32_t i = 0; i < 128; i++)
		r.rss_table[i] = (i * 7 + 3) % 5;
	for (uint32_t i = 0; i < NB_VECTORS; i++) {
		uint32_t h = vectors[i].hash_ports;

		EXPECT_EQ(host_rss_channel(&r, h), ((h & 127) * 7 + 3) % 5);
	}
	EXPECT_EQ(host_rss_channel(&r, 0xffffff80u), 3);	/* entry 0 */
	EXPECT_EQ(host_rss_channel(&r, 0x7fu), (127 * 7 + 3) % 5);
	r.rss_enabled = false;
	EXPECT_EQ(host_rss_channel(&r, 0x7fu), 0);		/* RSS off: the primary */
}

static struct hvsim_device *
nic_dev(void)
{
	return &fx_sim.dev[0];
}

static void
nic_setup(uint32_t max_subchannels, uint32_t nvsp_version)
{
	fx_setup(HVSIM_DEV_NIC);
	offer_calls = 0;
	nic_dev()->max_subchannels = max_subchannels;
	((struct host_dev *)nic_dev()->host)->nvsp.version = nvsp_version;
}

static void
test_grant_rules(void)
{
	nic_setup(3, 0x50000);
	EXPECT_EQ(host_rss_max_queues(nic_dev()), 4);
	EXPECT_EQ(host_rss_grant(nic_dev(), 0), 0);
	EXPECT_EQ(host_rss_grant(nic_dev(), 2), 2);
	EXPECT_EQ(host_rss_grant(nic_dev(), 10), 3);
	/* A total, whatever was granted before (OpenVMM's reading of the count). */
	nic_dev()->nb_channels = 3;
	EXPECT_EQ(host_rss_grant(nic_dev(), 5), 3);
	EXPECT_EQ(host_rss_grant(nic_dev(), 1), 1);
	nic_dev()->nb_channels = 4;
	EXPECT_EQ(host_rss_grant(nic_dev(), 5), 3);
	nic_dev()->max_subchannels = 200;		/* never past HVSIM_MAX_CHANNELS */
	EXPECT_EQ(host_rss_max_queues(nic_dev()), HVSIM_MAX_CHANNELS);
	fx_teardown();
}

/* The guest's NVSP 133 (op, count) with the RC flag, as DPDK sends it. */
static void
send_subchannel_req(uint32_t op, uint32_t count, uint64_t xact)
{
	uint8_t msg[40] = { 0 };

	put32(msg, 133);
	put32(msg + 4, op);
	put32(msg + 8, count);
	fx_guest_send(6, 1, xact, msg, 40);
}

/* The completion at rx offset at: xact, type 133, status, granted; returns its end. */
static uint32_t
expect_subchannel_comp(uint32_t at, uint64_t xact, uint32_t status, uint32_t granted)
{
	EXPECT_EQ(fx_get(fx_rx, at, 2), 0xb);			/* completion */
	EXPECT_EQ(fx_get(fx_rx, at + 4, 2), (16 + 40) / 8);	/* a 40-byte message */
	EXPECT_EQ(fx_get(fx_rx, at + 8, 8), xact);
	EXPECT_EQ(fx_get(fx_rx, at + 16, 4), 133);
	EXPECT_EQ(fx_get(fx_rx, at + 20, 4), status);
	EXPECT_EQ(fx_get(fx_rx, at + 24, 4), granted);
	return at + 16 + 40 + 8;
}

/* nvsp.md 3.15: 16 entries at offset 12, entry i = i mod channels. */
static uint32_t
expect_indirection(uint32_t at, uint32_t nb_channels)
{
	EXPECT_EQ(fx_get(fx_rx, at, 2), 6);			/* inband */
	EXPECT_EQ(fx_get(fx_rx, at + 16, 4), 134);
	EXPECT_EQ(fx_get(fx_rx, at + 20, 4), 16);
	EXPECT_EQ(fx_get(fx_rx, at + 24, 4), 12);
	for (uint32_t i = 0; i < 16; i++)
		EXPECT_EQ(fx_get(fx_rx, at + 28 + 4 * i, 4), i % nb_channels);
	return at + 16 + 80 + 8;
}

static void
test_subchannel_grant_over_ring(void)
{
	uint32_t at;

	nic_setup(3, 0x50000);
	send_subchannel_req(1, 2, 0x51);
	EXPECT_EQ(host_poll(&fx_sim), 1);
	at = expect_subchannel_comp(0, 0x51, 1, 2);
	EXPECT_EQ(offer_calls, 1);
	EXPECT_EQ(nic_dev()->nb_channels, 3);
	at = expect_indirection(at, 3);
	EXPECT_EQ(fx_rx->write_index, at);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_SUBCHANNELS_OFFERED], 2);
	/* A second request asks a total: granted up to the cap, the one missing offered. */
	send_subchannel_req(1, 5, 0x52);
	host_poll(&fx_sim);
	at = expect_subchannel_comp(at, 0x52, 1, 3);
	at = expect_indirection(at, 4);
	EXPECT_EQ(nic_dev()->nb_channels, 4);
	EXPECT_EQ(fx_cnt()->n[HOST_CNT_SUBCHANNELS_OFFERED], 3);
	/* Asked 0, or a total already offered: success with that count, nothing offered. */
	send_subchannel_req(1, 0, 0x53);
	send_subchannel_req(1, 1, 0x54);
	host_poll(&fx_sim);
	at = expect_subchannel_comp(at, 0x53, 1, 0);
	at = expect_subchannel_comp(at, 0x54, 1, 1);
	EXPECT_EQ(fx_rx->write_index, at);
	EXPECT_EQ(offer_calls, 2);
	fx_teardown();
}

static void
test_subchannel_refused_before_nvsp5_or_bad_op(void)
{
	uint32_t at;

	nic_setup(3, 0x40002);				/* NVSP 4 */
	send_subchannel_req(1, 2, 0x61);
	host_poll(&fx_sim);
	at = expect_subchannel_comp(0, 0x61, 2, 0);
	fx_teardown();
	nic_setup(3, 0x60001);
	send_subchannel_req(2, 2, 0x62);		/* op 2: not allocate */
	host_poll(&fx_sim);
	at = expect_subchannel_comp(0, 0x62, 2, 0);
	EXPECT_EQ(fx_rx->write_index, at);
	EXPECT_EQ(offer_calls, 0);
	EXPECT_EQ(nic_dev()->nb_channels, 1);
	fx_teardown();
}

/* rndis.md 3.5, 5.5: SET of RSS parameters, DPDK's layout (table at 40, key at 552). */
static uint32_t
rss_set_msg(uint8_t *m, uint16_t flags, uint32_t hash_info, uint16_t table_bytes,
	    uint16_t key_bytes, uint32_t nb_queues)
{
	uint8_t *o = m + 28;
	uint32_t obj_len = 40 + 512 + 40;

	memset(m, 0, 28 + obj_len);
	put32(m, 5);				/* SET */
	put32(m + 4, 28 + obj_len);
	put32(m + 8, 9);			/* request id */
	put32(m + 12, 0x00010204);
	put32(m + 16, obj_len);
	put32(m + 20, 20);			/* info buffer at 8 + 20 */
	o[0] = 0x89;
	o[1] = 2;
	o[2] = 40;
	memcpy(o + 4, &flags, 2);
	put32(o + 8, hash_info);
	memcpy(o + 12, &table_bytes, 2);
	put32(o + 16, 40);
	memcpy(o + 20, &key_bytes, 2);
	put32(o + 24, 552);
	for (uint32_t i = 0; i < 128; i++)
		put32(o + 40 + 4 * i, i % nb_queues);
	memcpy(o + 552, ms_key, 40);
	return 28 + obj_len;
}

/* The SET_CMPLT status host_rndis_answer gives for m. */
static uint32_t
rss_set_status(const uint8_t *m, uint32_t len)
{
	struct host_ctx ctx = { &fx_sim, fx_chan(), nic_dev()->host, NULL, NULL };
	struct host_counters cnt;
	uint8_t reply[HOST_RNDIS_MAX_REPLY_BYTES];

	memset(&cnt, 0, sizeof(cnt));
	ctx.cnt = &cnt;
	EXPECT_EQ(host_rndis_answer(&ctx, m, len, reply), 16);
	EXPECT_EQ(rd32(reply), 0x80000005u);
	EXPECT_EQ(rd32(reply + 8), 9);
	return rd32(reply + 12);
}

static void
test_rss_params_refusals(void)
{
	static uint8_t m[28 + 592];
	const struct host_rndis *r;
	uint32_t len;

	nic_setup(7, 0x60001);
	r = &((struct host_dev *)nic_dev()->host)->rndis;
	nic_dev()->nb_channels = 4;
	/* Valid: recorded. */
	len = rss_set_msg(m, 0, 0x301, 512, 40, 4);
	EXPECT_EQ(rss_set_status(m, len), 0);
	EXPECT_TRUE(r->rss_enabled);
	EXPECT_EQ(r->rss_nb_entries, 128);
	EXPECT_EQ(r->rss_table[5], 1);
	EXPECT_EQ(r->rss_hash_info, 0x301);
	EXPECT_MEM_EQ(r->rss_key, ms_key, 40);
	/* The disable flag: success, RSS off. */
	len = rss_set_msg(m, 0x10, 0x301, 512, 40, 4);
	EXPECT_EQ(rss_set_status(m, len), 0);
	EXPECT_FALSE(r->rss_enabled);
	/* An entry naming a channel that is not open. */
	len = rss_set_msg(m, 0, 0x301, 512, 40, 5);
	EXPECT_EQ(rss_set_status(m, len), 0xc0010015u);
	EXPECT_FALSE(r->rss_enabled);
	/* Key not 40 bytes; table of 0 bytes or not a multiple of 4. */
	len = rss_set_msg(m, 0, 0x301, 512, 39, 4);
	EXPECT_EQ(rss_set_status(m, len), 0xc0010015u);
	len = rss_set_msg(m, 0, 0x301, 0, 40, 4);
	EXPECT_EQ(rss_set_status(m, len), 0xc0010015u);
	len = rss_set_msg(m, 0, 0x301, 510, 40, 4);
	EXPECT_EQ(rss_set_status(m, len), 0xc0010015u);
	EXPECT_FALSE(r->rss_enabled);
	fx_teardown();
}

int
main(void)
{
	(void)fx_set_indexes;	/* a fixture helper these tests do not need */
	RUN_TEST(test_toeplitz_published_vectors);
	RUN_TEST(test_hash_tuple_per_hash_type);
	RUN_TEST(test_channel_is_table_at_hash_mod_128);
	RUN_TEST(test_grant_rules);
	RUN_TEST(test_subchannel_grant_over_ring);
	RUN_TEST(test_subchannel_refused_before_nvsp5_or_bad_op);
	RUN_TEST(test_rss_params_refusals);
	TEST_EXIT();
}
