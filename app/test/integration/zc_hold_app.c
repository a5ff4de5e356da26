/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Zero-copy mbufs held across their queue's release: zc_hold_app EAL... --
 * FRAMES DONE_FILE. Port 0 (given rx_extmbuf_enable=1 by the script)
 * receives FRAMES frames and keeps them, stops, sets its rx queue up again
 * (the old queue is released while the application holds its frames),
 * tries an MTU change (a new host session, which must wait for them),
 * starts, frees the frames, then stops and starts once more. It writes its
 * pid to DONE_FILE, then receives and frees whatever comes until SIGTERM.
 * Each step is printed.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#define APP_MAX_FRAMES		1024
#define APP_WAIT_S		20

static volatile sig_atomic_t stop;

static unsigned int nb_frames;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int
rxq_setup(uint16_t port, struct rte_mempool *mp)
{
	return rte_eth_rx_queue_setup(port, 0, 512, rte_eth_dev_socket_id(port), NULL, mp);
}

/* Up to want frames into held; returns how many came within APP_WAIT_S. */
static unsigned int
receive(uint16_t port, struct rte_mbuf **held, unsigned int want)
{
	uint64_t end = rte_get_timer_cycles() + rte_get_timer_hz() * APP_WAIT_S;
	unsigned int n = 0;

	while (n < want && !stop && rte_get_timer_cycles() < end)
		n += rte_eth_rx_burst(port, 0, held + n, (uint16_t)RTE_MIN(want - n, 32u));
	return n;
}

static int
restart(uint16_t port)
{
	int ret = rte_eth_dev_stop(port);

	return ret == 0 ? rte_eth_dev_start(port) : ret;
}

int
main(int argc, char **argv)
{
	static struct rte_mbuf *held[APP_MAX_FRAMES];
	struct rte_eth_conf conf = { 0 };
	struct rte_mempool *mp;
	unsigned int n, zc = 0;
	uint16_t port = 0;
	FILE *f;
	int ret = rte_eal_init(argc, argv);

	if (ret < 0)
		return 1;
	argc -= ret;
	argv += ret;
	nb_frames = argc == 3 ? (unsigned int)atoi(argv[1]) : 0;
	if (nb_frames == 0 || nb_frames > APP_MAX_FRAMES || rte_eth_dev_count_avail() == 0) {
		fprintf(stderr, "zc_hold: EAL... -- FRAMES (1..%u) DONE_FILE, and a port\n",
			APP_MAX_FRAMES);
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	mp = rte_pktmbuf_pool_create("zc_hold_mbufs", 4095, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				     rte_socket_id());
	ret = mp == NULL ? -ENOMEM : rte_eth_dev_configure(port, 1, 1, &conf);
	if (ret == 0)
		ret = rxq_setup(port, mp);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(port, 0, 512, rte_eth_dev_socket_id(port), NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(port);
	if (ret != 0) {
		fprintf(stderr, "zc_hold: port setup: %d\n", ret);
		return 1;
	}
	n = receive(port, held, nb_frames);
	for (unsigned int i = 0; i < n; i++)
		zc += RTE_MBUF_HAS_EXTBUF(held[i]) ? 1 : 0;
	printf("zc_hold: held %u frames, %u zero-copy\n", n, zc);
	ret = rte_eth_dev_stop(port);
	if (ret == 0)
		ret = rxq_setup(port, mp);	/* the old queue goes while its frames are held */
	printf("zc_hold: rx queue set up again: %d\n", ret);
	/* A new host session (MTU) must wait for the old queue's transfers too. */
	printf("zc_hold: MTU change while held: %d\n", rte_eth_dev_set_mtu(port, 1400));
	if (ret == 0)
		ret = rte_eth_dev_start(port);
	rte_pktmbuf_free_bulk(held, n);
	ret = ret == 0 ? restart(port) : ret;
	printf("zc_hold: frames freed, port restarted: %d\n", ret);
	fflush(stdout);
	f = fopen(argv[2], "w");	/* our pid: the script stops us with it */
	if (f != NULL) {
		fprintf(f, "%d\n", (int)getpid());
		fclose(f);
	}
	while (!stop) {
		struct rte_mbuf *pkts[32];
		uint16_t nb = rte_eth_rx_burst(port, 0, pkts, 32);

		rte_pktmbuf_free_bulk(pkts, nb);
		if (nb == 0)
			usleep(100);
	}
	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
	rte_eal_cleanup();
	return ret == 0 ? 0 : 1;
}
