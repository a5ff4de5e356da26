/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Multi-process forwarding: run as primary (--proc-type=primary) it sets up
 * port 0 with N queues and forwards on queue 0 only; run as secondary it
 * attaches to the same port and forwards on the queue it is given. Each frame
 * goes back out on the queue it came in on. Prints its counts on SIGTERM
 * (typed: frames with a packet type). A secondary first asks for no packet
 * types, as a secondary testpmd does.
 * SIGUSR1 to the primary: stop the port, switch its MTU between 1500 and
 * 1400, start it, and say what set_mtu returned.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mbuf_ptype.h>

#define APP_BURST		32
#define APP_TX_RETRIES		100000

static volatile sig_atomic_t stop, mtu_asked;

static struct {
	uint16_t nb_queues;
	uint16_t queue;
	const char *ready_file;
} opt = { .nb_queues = 2 };

static uint64_t rx_count, tx_count, tx_dropped;
static uint64_t typed;		/* frames received with an L2 packet type */

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
on_usr1(int sig)
{
	(void)sig;
	mtu_asked = 1;
}

static void
primary_mtu_switch(uint16_t port)
{
	uint16_t mtu = 0, want;
	int ret, started;

	mtu_asked = 0;
	rte_eth_dev_get_mtu(port, &mtu);
	want = mtu == 1500 ? 1400 : 1500;
	rte_eth_dev_stop(port);
	ret = rte_eth_dev_set_mtu(port, want);
	started = rte_eth_dev_start(port);
	rte_eth_dev_get_mtu(port, &mtu);
	printf("mp_fwd primary: set mtu %u: %d, now %u, start %d\n", want, ret, mtu, started);
	fflush(stdout);
}

static int
parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "queues", required_argument, NULL, 'n' },
		{ "queue", required_argument, NULL, 'q' },
		{ "ready-file", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			opt.nb_queues = (uint16_t)atoi(optarg);
			break;
		case 'q':
			opt.queue = (uint16_t)atoi(optarg);
			break;
		case 'r':
			opt.ready_file = optarg;
			break;
		default:
			return -EINVAL;
		}
	}
	return opt.nb_queues == 0 ? -EINVAL : 0;
}

static int
primary_setup(uint16_t port)
{
	struct rte_eth_conf conf = { .rxmode = { .mq_mode = RTE_ETH_MQ_RX_RSS } };
	struct rte_eth_dev_info info;
	struct rte_mempool *mp;
	int ret = rte_eth_dev_info_get(port, &info);

	if (ret != 0)
		return ret;
	conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_IP & info.flow_type_rss_offloads;
	mp = rte_pktmbuf_pool_create("mp_fwd_mbufs", 8191, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				     rte_socket_id());
	if (mp == NULL)
		return -rte_errno;
	ret = rte_eth_dev_configure(port, opt.nb_queues, opt.nb_queues, &conf);
	for (uint16_t q = 0; ret == 0 && q < opt.nb_queues; q++) {
		ret = rte_eth_rx_queue_setup(port, q, 512, rte_eth_dev_socket_id(port), NULL, mp);
		if (ret == 0)
			ret = rte_eth_tx_queue_setup(port, q, 1024, rte_eth_dev_socket_id(port),
						     NULL);
	}
	return ret == 0 ? rte_eth_dev_start(port) : ret;
}

static void
forward(uint16_t port, uint16_t q)
{
	struct rte_mbuf *pkts[APP_BURST];

	while (!stop) {
		uint16_t nb, sent = 0;

		if (mtu_asked)
			primary_mtu_switch(port);
		nb = rte_eth_rx_burst(port, q, pkts, APP_BURST);
		rx_count += nb;
		for (uint16_t i = 0; i < nb; i++)
			typed += (pkts[i]->packet_type & RTE_PTYPE_L2_MASK) != 0;
		for (unsigned int t = 0; sent < nb && t < APP_TX_RETRIES && !stop; t++)
			sent += rte_eth_tx_burst(port, q, pkts + sent, nb - sent);
		tx_count += sent;
		tx_dropped += nb - sent;
		rte_pktmbuf_free_bulk(pkts + sent, nb - sent);
		if (nb == 0)
			usleep(50);	/* two processes share two cores with hvsim */
	}
}

static void
report(uint16_t port, const char *role, uint16_t q)
{
	struct rte_eth_stats st;

	printf("mp_fwd %s: queue %u rx %" PRIu64 " tx %" PRIu64 " tx_dropped %" PRIu64
	       " typed %" PRIu64 "\n", role, q, rx_count, tx_count, tx_dropped, typed);
	if (rte_eth_stats_get(port, &st) == 0)
		printf("mp_fwd %s: port ipackets %" PRIu64 " opackets %" PRIu64 " q%u ipackets %"
		       PRIu64 "\n", role, st.ipackets, st.opackets, q, st.q_ipackets[q]);
}

/* A secondary's control requests: refused (the primary's to make), not a crash. */
static void
try_control(uint16_t port)
{
	struct rte_eth_rss_conf rss = { 0 };
	struct rte_eth_dev_info info;
	int promisc = rte_eth_promiscuous_enable(port);
	int allmulti = rte_eth_allmulticast_enable(port);
	int mtu = rte_eth_dev_set_mtu(port, 1400);
	int hash;

	if (rte_eth_dev_info_get(port, &info) == 0)
		rss.rss_hf = info.flow_type_rss_offloads;	/* what ethdev lets through */
	hash = rte_eth_dev_rss_hash_update(port, &rss);

	printf("mp_fwd secondary: control promisc %d allmulti %d mtu %d rss %d\n", promisc,
	       allmulti, mtu, hash);
}

int
main(int argc, char **argv)
{
	bool primary;
	sigset_t sigs;
	const char *role;
	int ret;

	/* EAL's threads inherit the mask: only this thread takes the stop signals. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "mp_fwd: EAL init failed\n");
		return 1;
	}
	if (parse_args(argc - ret, argv + ret) < 0) {
		fprintf(stderr, "usage: mp_fwd_app EAL... -- [--queues N] [--queue Q] "
			"[--ready-file F]\n");
		return 1;
	}
	primary = rte_eal_process_type() == RTE_PROC_PRIMARY;
	role = primary ? "primary" : "secondary";
	if (rte_eth_dev_count_avail() == 0) {
		fprintf(stderr, "mp_fwd %s: no port\n", role);
		return 1;
	}
	if (primary) {
		opt.queue = 0;
		ret = primary_setup(0);
		if (ret != 0) {
			fprintf(stderr, "mp_fwd primary: port setup failed: %d\n", ret);
			return 1;
		}
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (primary)
		signal(SIGUSR1, on_usr1);
	pthread_sigmask(SIG_UNBLOCK, &sigs, NULL);
	/* As a secondary testpmd does before its start: the primary's types must stay. */
	if (!primary)
		printf("mp_fwd secondary: set ptypes none: %d\n",
		       rte_eth_dev_set_ptypes(0, RTE_PTYPE_UNKNOWN, NULL, 0));
	printf("mp_fwd %s: forwarding on port 0 queue %u, lcore %u\n", role, opt.queue,
	       rte_lcore_id());
	fflush(stdout);
	if (opt.ready_file != NULL) {
		FILE *f = fopen(opt.ready_file, "w");

		if (f != NULL) {
			fprintf(f, "%d\n", (int)getpid());
			fclose(f);
		}
	}
	forward(0, opt.queue);
	report(0, role, opt.queue);
	if (!primary)
		try_control(0);
	if (primary) {
		rte_eth_dev_stop(0);
		rte_eth_dev_close(0);
	}
	rte_eal_cleanup();
	return 0;
}
