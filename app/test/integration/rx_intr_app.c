/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rx interrupt application, l3fwd-power style: one lcore polls every rx
 * queue of port 0 and sends each frame back on the same queue; after a run
 * of empty polls it arms the queues' interrupts and sleeps in epoll until
 * traffic arrives. Prints its counts on SIGINT/SIGTERM. With --hold N it
 * keeps the first N frames instead, and another thread frees them once the
 * lcore has slept 300 ms (zero-copy mbufs given back while it sleeps).
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

#include <rte_alarm.h>
#include <rte_eal.h>
#include <rte_epoll.h>
#include <rte_ethdev.h>
#include <rte_interrupts.h>
#include <rte_mbuf.h>

#define APP_MAX_QUEUES		16
#define APP_BURST		32
#define APP_IDLE_POLLS		300	/* empty rounds before sleeping */
#define APP_TX_RETRIES		100000
#define APP_MAX_HOLD		1024
#define APP_HOLD_SLEEP_US	300000	/* the lcore asleep this long before the free */

static volatile sig_atomic_t stop;

static struct {
	uint16_t nb_queues;
	const char *pid_file;
	unsigned int ctl_alarm_ms;	/* 0: none */
	unsigned int link_poll_us;	/* 0: no link-polling thread */
	unsigned int hold;		/* frames kept, then freed by another thread */
} opt = { .nb_queues = 1 };

/* --hold: the frames kept; nb_held is written by the lcore, read by the freeing thread. */
static struct rte_mbuf *held[APP_MAX_HOLD];
static unsigned int nb_held;
static bool lcore_asleep;

static struct {
	uint64_t rx[APP_MAX_QUEUES];
	uint64_t tx, tx_dropped;
	uint64_t sleeps, wakeups, empty_wakeups;
	uint64_t wrong_port;		/* mbufs whose port field is not the port polled */
	uint64_t link_polls;
} count;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int
parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "queues", required_argument, NULL, 'q' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "ctl-alarm-ms", required_argument, NULL, 'c' },
		{ "link-poll-us", required_argument, NULL, 'l' },
		{ "hold", required_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'q':
			opt.nb_queues = (uint16_t)atoi(optarg);
			if (opt.nb_queues == 0 || opt.nb_queues > APP_MAX_QUEUES)
				return -EINVAL;
			break;
		case 'p':
			opt.pid_file = optarg;
			break;
		case 'c':
			opt.ctl_alarm_ms = (unsigned int)atoi(optarg);
			break;
		case 'l':
			opt.link_poll_us = (unsigned int)atoi(optarg);
			break;
		case 'h':
			opt.hold = (unsigned int)atoi(optarg);
			if (opt.hold > APP_MAX_HOLD)
				return -EINVAL;
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

static int
port_setup(uint16_t port, struct rte_mempool *mp)
{
	struct rte_eth_conf conf = {
		.intr_conf = { .rxq = 1 },
	};
	struct rte_eth_dev_info info;
	int ret = rte_eth_dev_info_get(port, &info);

	if (ret != 0)
		return ret;
	if (opt.nb_queues > 1) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_IP & info.flow_type_rss_offloads;
	}
	ret = rte_eth_dev_configure(port, opt.nb_queues, opt.nb_queues, &conf);
	for (uint16_t q = 0; ret == 0 && q < opt.nb_queues; q++) {
		ret = rte_eth_rx_queue_setup(port, q, 512, rte_eth_dev_socket_id(port), NULL, mp);
		if (ret == 0)
			ret = rte_eth_tx_queue_setup(port, q, 1024, rte_eth_dev_socket_id(port),
						     NULL);
	}
	if (ret == 0)
		ret = rte_eth_dev_start(port);
	/* Each queue's event fd joins this thread's epoll set; data says which queue. */
	for (uint16_t q = 0; ret == 0 && q < opt.nb_queues; q++)
		ret = rte_eth_dev_rx_intr_ctl_q(port, q, RTE_EPOLL_PER_THREAD,
						RTE_INTR_EVENT_ADD, (void *)(uintptr_t)q);
	return ret;
}

static void
send_back(uint16_t port, uint16_t q, struct rte_mbuf **pkts, uint16_t nb)
{
	uint16_t sent = 0;

	for (unsigned int tries = 0; sent < nb && tries < APP_TX_RETRIES && !stop; tries++)
		sent += rte_eth_tx_burst(port, q, pkts + sent, nb - sent);
	count.tx += sent;
	count.tx_dropped += nb - sent;
	rte_pktmbuf_free_bulk(pkts + sent, nb - sent);
}

static uint64_t
poll_round(uint16_t port)
{
	struct rte_mbuf *pkts[APP_BURST];
	uint64_t got = 0;

	for (uint16_t q = 0; q < opt.nb_queues; q++) {
		uint16_t nb = rte_eth_rx_burst(port, q, pkts, APP_BURST);

		count.rx[q] += nb;
		got += nb;
		for (uint16_t i = 0; i < nb; i++)
			count.wrong_port += pkts[i]->port != port;
		while (nb > 0 && __atomic_load_n(&nb_held, __ATOMIC_RELAXED) < opt.hold) {
			held[nb_held] = pkts[--nb];	/* kept: --hold */
			__atomic_store_n(&nb_held, nb_held + 1, __ATOMIC_RELEASE);
		}
		if (nb > 0)
			send_back(port, q, pkts, nb);
	}
	return got;
}

/* Arm every queue, sleep until one has traffic (or a signal), disarm. */
static void
sleep_until_rx(uint16_t port)
{
	struct rte_epoll_event ev[APP_MAX_QUEUES];
	int n;

	for (uint16_t q = 0; q < opt.nb_queues; q++)
		rte_eth_dev_rx_intr_enable(port, q);
	count.sleeps++;
	__atomic_store_n(&lcore_asleep, true, __ATOMIC_RELEASE);
	n = rte_epoll_wait_interruptible(RTE_EPOLL_PER_THREAD, ev, opt.nb_queues, -1);
	__atomic_store_n(&lcore_asleep, false, __ATOMIC_RELEASE);
	for (uint16_t q = 0; q < opt.nb_queues; q++)
		rte_eth_dev_rx_intr_disable(port, q);
	if (n > 0)
		count.wakeups++;
}

static void
run(uint16_t port)
{
	unsigned int idle = 0;
	bool woke = false;

	while (!stop) {
		if (poll_round(port) > 0) {
			idle = 0;
			woke = false;
			continue;
		}
		if (woke) {			/* a wake-up that brought nothing */
			count.empty_wakeups++;
			woke = false;
		}
		if (++idle < APP_IDLE_POLLS)
			continue;
		idle = 0;
		sleep_until_rx(port);
		woke = true;
	}
}

/*
 * --ctl-alarm-ms: a control request from EAL's interrupt thread while the
 * lcore sleeps, as a management path run from an alarm would make one.
 */
static void
ctl_alarm(void *arg)
{
	uint16_t port = (uint16_t)(uintptr_t)arg;
	int ret = rte_eth_promiscuous_enable(port);

	printf("rx_intr: from an alarm: promiscuous on: %d\n", ret);
	fflush(stdout);
}

/*
 * --link-poll-us: a management thread asking the link status every N us,
 * as monitoring agents do, while the forwarding lcore sleeps.
 */
static void *
link_poll_thread(void *arg)
{
	uint16_t port = (uint16_t)(uintptr_t)arg;
	struct rte_eth_link link;

	while (!stop) {
		rte_eth_link_get_nowait(port, &link);
		__atomic_fetch_add(&count.link_polls, 1, __ATOMIC_RELAXED);
		usleep(opt.link_poll_us);
	}
	return NULL;
}

/*
 * --hold: once the lcore keeps its N frames and has slept 300 ms, free them
 * here; the driver must give their slots back to the host though the lcore
 * sleeps on (no frame comes to wake it: the host may have no slot left).
 */
static void *
hold_free_thread(void *arg)
{
	bool asleep;

	RTE_SET_USED(arg);
	while (!stop && (__atomic_load_n(&nb_held, __ATOMIC_ACQUIRE) < opt.hold ||
			 !__atomic_load_n(&lcore_asleep, __ATOMIC_ACQUIRE)))
		usleep(10000);
	if (stop)
		return NULL;
	printf("rx_intr: holding %u frames, lcore asleep\n", opt.hold);
	fflush(stdout);
	usleep(APP_HOLD_SLEEP_US);
	asleep = __atomic_load_n(&lcore_asleep, __ATOMIC_ACQUIRE);
	rte_pktmbuf_free_bulk(held, opt.hold);
	printf("rx_intr: freed %u held frames, lcore asleep %s\n", opt.hold,
	       asleep ? "yes" : "no");
	fflush(stdout);
	return NULL;
}

static void
report(uint16_t port)
{
	struct rte_eth_stats st;

	printf("rx_intr:");
	for (uint16_t q = 0; q < opt.nb_queues; q++)
		printf(" rxq%u %" PRIu64, q, count.rx[q]);
	printf(" tx %" PRIu64 " tx_dropped %" PRIu64 " sleeps %" PRIu64 " wakeups %" PRIu64
	       " empty_wakeups %" PRIu64 " wrong_port %" PRIu64 "\n", count.tx, count.tx_dropped,
	       count.sleeps, count.wakeups, count.empty_wakeups, count.wrong_port);
	if (opt.link_poll_us != 0)
		printf("rx_intr: link polls %" PRIu64 "\n", count.link_polls);
	if (rte_eth_stats_get(port, &st) == 0)
		printf("rx_intr: port ipackets %" PRIu64 " opackets %" PRIu64 "\n",
		       st.ipackets, st.opackets);
}

int
main(int argc, char **argv)
{
	struct rte_mempool *mp;
	pthread_t poller, freer;
	sigset_t sigs;
	int ret;

	/* EAL's threads inherit the mask: only this thread takes the stop signals. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "rx_intr: EAL init failed\n");
		return 1;
	}
	if (parse_args(argc - ret, argv + ret) < 0) {
		fprintf(stderr, "usage: rx_intr_app EAL... -- [--queues N] [--pid-file F] "
			"[--ctl-alarm-ms N] [--link-poll-us N] [--hold N]\n");
		return 1;
	}
	if (rte_eth_dev_count_avail() == 0) {
		fprintf(stderr, "rx_intr: no port\n");
		return 1;
	}
	mp = rte_pktmbuf_pool_create("rx_intr_mbufs", 8191, 256, 0,
				     RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (mp == NULL || port_setup(0, mp) != 0) {
		fprintf(stderr, "rx_intr: port setup failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	pthread_sigmask(SIG_UNBLOCK, &sigs, NULL);
	if (opt.pid_file != NULL) {
		FILE *f = fopen(opt.pid_file, "w");

		if (f != NULL) {
			fprintf(f, "%d\n", (int)getpid());
			fclose(f);
		}
	}
	printf("rx_intr: port 0 up, %u queues, interrupts armed when idle\n", opt.nb_queues);
	fflush(stdout);
	if (opt.ctl_alarm_ms != 0 &&
	    rte_eal_alarm_set(opt.ctl_alarm_ms * 1000ull, ctl_alarm, (void *)(uintptr_t)0) != 0)
		fprintf(stderr, "rx_intr: alarm not set\n");
	/* Made with the stop signals blocked: they must interrupt the lcore's epoll wait. */
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	if (opt.link_poll_us != 0 &&
	    pthread_create(&poller, NULL, link_poll_thread, (void *)(uintptr_t)0) != 0) {
		fprintf(stderr, "rx_intr: no link-polling thread\n");
		return 1;
	}
	if (opt.hold != 0 && pthread_create(&freer, NULL, hold_free_thread, NULL) != 0) {
		fprintf(stderr, "rx_intr: no freeing thread\n");
		return 1;
	}
	pthread_sigmask(SIG_UNBLOCK, &sigs, NULL);
	run(0);
	if (opt.link_poll_us != 0)
		pthread_join(poller, NULL);
	if (opt.hold != 0)
		pthread_join(freer, NULL);
	report(0);
	rte_eth_dev_stop(0);
	rte_eth_dev_close(0);
	rte_eal_cleanup();
	return 0;
}
