/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Backend selection by the --nic word before ':' and the wrappers the host
 * data path calls, which count frames and bytes each way. What a backend does
 * with frames is its own file's (loop.c, gen.c, sink.c, pair.c, tap.c, pcap.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hvsim.h"
#include "backend.h"

/* gen.c and sink.c may not be linked yet: weak, NULL when absent. */
extern const struct hvsim_backend_ops hvsim_backend_gen __attribute__((weak));
extern const struct hvsim_backend_ops hvsim_backend_sink __attribute__((weak));
/* pair.c, tap.c, pcap.c: weak too, so a test may link backend.c without them. */
extern const struct hvsim_backend_ops hvsim_backend_pair __attribute__((weak));
extern const struct hvsim_backend_ops hvsim_backend_tap __attribute__((weak));
extern const struct hvsim_backend_ops hvsim_backend_pcap __attribute__((weak));

static const struct hvsim_backend_ops *
backend_ops_by_index(unsigned int i)
{
	switch (i) {
	case 0:
		return &hvsim_backend_loop;
	case 1:
		return &hvsim_backend_gen;
	case 2:
		return &hvsim_backend_sink;
	case 3:
		return &hvsim_backend_pair;
	case 4:
		return &hvsim_backend_tap;
	case 5:
		return &hvsim_backend_pcap;
	default:
		return NULL;
	}
}

#define BACKEND_NB_KINDS	6u

static void
backend_print_known(FILE *out)
{
	const char *sep = "";

	fprintf(out, "hvsim: known backends:");
	for (unsigned int i = 0; i < BACKEND_NB_KINDS; i++) {
		const struct hvsim_backend_ops *ops = backend_ops_by_index(i);

		if (ops != NULL) {
			fprintf(out, "%s %s", sep, ops->name);
			sep = ",";
		}
	}
	fprintf(out, "\n");
}

/* NICs are numbered 0.. in device order, as the MAC addresses are (host_rndis.c). */
static unsigned int
backend_nic_index(const struct hvsim *sim, const struct hvsim_device *dev)
{
	unsigned int n = 0;

	for (unsigned int d = 0; d < HVSIM_MAX_DEVICES && &sim->dev[d] != dev; d++) {
		if (sim->dev[d].kind == HVSIM_DEV_NIC)
			n++;
	}
	return n;
}

int
hvsim_backend_open(struct hvsim_backend *be, struct hvsim *sim, struct hvsim_device *dev,
		   const char *spec)
{
	const char *colon = strchr(spec, ':');
	size_t word = colon != NULL ? (size_t)(colon - spec) : strlen(spec);

	memset(be, 0, sizeof(*be));
	be->sim = sim;
	be->dev = dev;
	be->nic_index = backend_nic_index(sim, dev);
	for (unsigned int i = 0; i < BACKEND_NB_KINDS; i++) {
		const struct hvsim_backend_ops *ops = backend_ops_by_index(i);

		if (ops == NULL || strlen(ops->name) != word ||
		    strncmp(ops->name, spec, word) != 0)
			continue;
		be->ops = ops;
		return ops->open(be, colon != NULL ? colon + 1 : NULL);
	}
	fprintf(stderr, "hvsim: unknown backend '%.*s'\n", (int)word, spec);
	backend_print_known(stderr);
	return -EINVAL;
}

void
hvsim_backend_transmit(struct hvsim_backend *be, const uint8_t *frame, uint32_t len)
{
	be->tx_frames++;
	be->tx_bytes += len;
	be->ops->transmit(be, frame, len);
}

const struct hvsim_frame *
hvsim_backend_peek(struct hvsim_backend *be)
{
	be->head = be->ops->peek(be);
	return be->head;
}

/* The head stays until consumed, so the one just peeked needs no second peek. */
void
hvsim_backend_consume(struct hvsim_backend *be)
{
	const struct hvsim_frame *f = be->head != NULL ? be->head : be->ops->peek(be);

	be->head = NULL;
	if (f == NULL)
		return;
	be->rx_frames++;
	be->rx_bytes += f->len;
	be->ops->consume(be);
}

void
hvsim_backend_report(struct hvsim_backend *be, FILE *out)
{
	if (be->ops == NULL)
		return;
	fprintf(out, "hvsim: nic%u %s: guest tx %llu frames / %llu bytes, "
		"guest rx %llu frames / %llu bytes\n", be->nic_index, be->ops->name,
		(unsigned long long)be->tx_frames, (unsigned long long)be->tx_bytes,
		(unsigned long long)be->rx_frames, (unsigned long long)be->rx_bytes);
	if (be->ops->report != NULL)
		be->ops->report(be, out);
}

void
hvsim_backend_close(struct hvsim_backend *be)
{
	if (be->ops != NULL && be->ops->close != NULL)
		be->ops->close(be);
	be->ops = NULL;
}

int
hvsim_backends_open(struct hvsim *sim)
{
	for (unsigned int d = 0; d < sim->nb_devices && d < HVSIM_MAX_DEVICES; d++) {
		struct hvsim_device *dev = &sim->dev[d];
		struct hvsim_backend *be;

		if (dev->kind != HVSIM_DEV_NIC || dev->backend_state != NULL)
			continue;
		be = calloc(1, sizeof(*be));
		if (be == NULL)
			return -ENOMEM;
		if (hvsim_backend_open(be, sim, dev, dev->backend[0] != '\0' ? dev->backend :
				       "loop") != 0) {
			free(be);
			return -EINVAL;
		}
		dev->backend_state = be;
	}
	return 0;
}

void
hvsim_backends_close(struct hvsim *sim, FILE *out)
{
	for (unsigned int d = 0; d < sim->nb_devices && d < HVSIM_MAX_DEVICES; d++) {
		struct hvsim_backend *be = sim->dev[d].backend_state;

		if (be == NULL)
			continue;
		hvsim_backend_report(be, out);
		hvsim_backend_close(be);
		free(be);
		sim->dev[d].backend_state = NULL;
	}
}

int
hvsim_backend_hold(struct hvsim_backend *be, bool held)
{
	if (be == NULL || be->ops->hold == NULL)
		return -EINVAL;
	be->ops->hold(be, held);
	return 0;
}
