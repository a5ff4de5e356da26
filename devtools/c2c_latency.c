/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * c2c_latency [CPU_A CPU_B [ROUNDS]]: the median round trip, in ns, of one
 * cache line bounced between two threads pinned to CPU_A and CPU_B (0 and 1
 * by default). hvsim and the guest's lcore hand every receive slot, ring
 * index and send section across exactly this path, so on a VM, where the
 * hypervisor may place the two vCPUs near or far apart from one run to the
 * next, it explains much of a benchmark's spread. bench.sh prints it.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define C2C_BATCHES	9u

static struct {
	_Alignas(64) volatile uint64_t turn;	/* odd: B's move; even: A's */
} c2c;

static uint64_t rounds = 100000;

static cpu_set_t
c2c_set(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return set;
}

static void *
c2c_responder(void *arg)
{
	uint64_t last = 2 * rounds * C2C_BATCHES;

	(void)arg;
	for (;;) {
		uint64_t v = c2c.turn;

		if (v & 1)
			c2c.turn = v + 1;
		else if (v >= last)
			return NULL;
	}
}

static double
c2c_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int
c2c_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	int cpu_a = argc > 2 ? atoi(argv[1]) : 0, cpu_b = argc > 2 ? atoi(argv[2]) : 1;
	cpu_set_t set_a = c2c_set(cpu_a), set_b = c2c_set(cpu_b);
	double rtt[C2C_BATCHES];
	pthread_attr_t attr;
	pthread_t t;

	if (argc > 3)
		rounds = strtoull(argv[3], NULL, 0);
	if (rounds == 0 || pthread_attr_init(&attr) != 0 ||
	    pthread_attr_setaffinity_np(&attr, sizeof(set_b), &set_b) != 0 ||
	    pthread_setaffinity_np(pthread_self(), sizeof(set_a), &set_a) != 0 ||
	    pthread_create(&t, &attr, c2c_responder, NULL) != 0) {
		fprintf(stderr, "c2c_latency: cannot run on CPUs %d and %d\n", cpu_a, cpu_b);
		return 1;
	}
	for (uint64_t b = 0, v = 0; b < C2C_BATCHES; b++) {
		double t0 = c2c_now_ns();

		for (uint64_t i = 0; i < rounds; i++, v += 2) {
			c2c.turn = v + 1;
			while (c2c.turn != v + 2)
				;
		}
		rtt[b] = (c2c_now_ns() - t0) / (double)rounds;
	}
	pthread_join(t, NULL);
	qsort(rtt, C2C_BATCHES, sizeof(rtt[0]), c2c_cmp);
	printf("%.0f\n", rtt[C2C_BATCHES / 2]);
	return 0;
}
