/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The `gen` backend: generates frame.h test frames towards the guest (rate,
 * size, flows, VLAN, bad checksums, count, UDP or TCP) and verifies what the
 * guest sends back, so gen plus a forwarding guest is an end-to-end check.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "frame.h"

#define GEN_NS_PER_S		1000000000ull
#define GEN_MIN_BURST		32u	/* frames the token bucket may save up */

struct gen_flow {
	struct frame_template tmpl;
	uint64_t seq;			/* of the next frame of this flow */
};

struct gen {
	uint64_t rate_pps;		/* 0: as fast as the guest takes them */
	uint64_t count;			/* 0: unlimited */
	uint64_t badcsum_every;		/* 0: never */
	uint32_t size;
	uint32_t nb_flows;
	int vlan;			/* -1: untagged */
	uint8_t *bufs;
	struct gen_flow *flow;
	struct frame_pattern pattern;
	uint32_t cur;			/* flow of the next frame */
	bool ready;			/* cur's frame is filled in */
	struct hvsim_frame out;
	uint64_t sent;
	uint64_t tokens;		/* frame-nanoseconds: one frame costs GEN_NS_PER_S */
	uint64_t token_cap;
	uint64_t last_ns;
	uint64_t corrupt, foreign;
	uint64_t untagged;		/* vlan: frames of ours back without a tag */
	struct frame_track track;
	bool held;			/* "hold": idle until `hvsim ctl gen NIC start` */
	bool srcip;			/* "srcip": flow f from 198.19.<nic*4 + f/256>.<f%256> */
	bool tcp;			/* "tcp": TCP segments instead of UDP datagrams */
};

static uint64_t
gen_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * GEN_NS_PER_S + (uint64_t)ts.tv_nsec;
}

static int
gen_parse_value(const char *key, const char *text, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(text, &end, 0);
	if (errno != 0 || end == text || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "hvsim: gen: bad %s=%s (%" PRIu64 "..%" PRIu64 ")\n", key, text,
			min, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int
gen_parse_pair(struct gen *g, const char *key, const char *val)
{
	uint64_t v;

	if (strcmp(key, "rate") == 0)
		return gen_parse_value(key, val, 0, 1000000000, &g->rate_pps);
	if (strcmp(key, "count") == 0)
		return gen_parse_value(key, val, 0, UINT64_MAX, &g->count);
	if (strcmp(key, "badcsum") == 0)
		return gen_parse_value(key, val, 0, UINT32_MAX, &g->badcsum_every);
	if (strcmp(key, "size") == 0) {
		if (gen_parse_value(key, val, FRAME_MIN_BYTES, FRAME_MAX_BYTES, &v) != 0)
			return -EINVAL;
		g->size = (uint32_t)v;
		return 0;
	}
	if (strcmp(key, "flows") == 0) {
		if (gen_parse_value(key, val, 1, FRAME_MAX_FLOWS, &v) != 0)
			return -EINVAL;
		g->nb_flows = (uint32_t)v;
		return 0;
	}
	if (strcmp(key, "hold") == 0) {
		if (gen_parse_value(key, val, 0, 1, &v) != 0)
			return -EINVAL;
		g->held = v != 0;
		return 0;
	}
	if (strcmp(key, "srcip") == 0) {
		if (gen_parse_value(key, val, 0, 1, &v) != 0)
			return -EINVAL;
		g->srcip = v != 0;
		return 0;
	}
	if (strcmp(key, "tcp") == 0) {
		if (gen_parse_value(key, val, 0, 1, &v) != 0)
			return -EINVAL;
		g->tcp = v != 0;
		return 0;
	}
	if (strcmp(key, "vlan") == 0) {
		if (gen_parse_value(key, val, 0, 4095, &v) != 0)
			return -EINVAL;
		g->vlan = (int)v;
		return 0;
	}
	fprintf(stderr, "hvsim: gen: unknown option '%s' (rate, size, flows, vlan, badcsum, "
		"count, hold, srcip, tcp)\n", key);
	return -EINVAL;
}

/* "key=value,key=value"; NULL: all defaults. */
static int
gen_parse(struct gen *g, const char *args)
{
	char *copy, *tok, *save = NULL;
	int ret = 0;

	if (args == NULL || args[0] == '\0')
		return 0;
	copy = strdup(args);
	if (copy == NULL)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok != NULL && ret == 0;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		if (eq == NULL && strcmp(tok, "hold") == 0) {
			g->held = true;
			continue;
		}
		if (eq == NULL && strcmp(tok, "srcip") == 0) {
			g->srcip = true;
			continue;
		}
		if (eq == NULL && strcmp(tok, "tcp") == 0) {
			g->tcp = true;
			continue;
		}
		if (eq == NULL) {
			fprintf(stderr, "hvsim: gen: '%s' is not key=value\n", tok);
			ret = -EINVAL;
			break;
		}
		*eq = '\0';
		ret = gen_parse_pair(g, tok, eq + 1);
	}
	free(copy);
	return ret;
}

static int
gen_build_flows(struct gen *g, unsigned int nic_index)
{
	uint32_t len = frame_len_for(g->size, false, g->tcp);

	g->bufs = malloc((size_t)len * g->nb_flows);
	g->flow = calloc(g->nb_flows, sizeof(*g->flow));
	if (g->bufs == NULL || g->flow == NULL)
		return -ENOMEM;
	/* The tag, if any, travels beside the frame (VLAN PPI), as Hyper-V delivers it. */
	for (uint32_t f = 0; f < g->nb_flows; f++) {
		const uint8_t src[4] = { 198, 19, (uint8_t)(nic_index * 4 + f / 256),
					 (uint8_t)(f % 256) };

		frame_template_init(&g->flow[f].tmpl, g->bufs + (size_t)len * f, len, nic_index,
				    f, -1, g->tcp);
		/* RSS over addresses alone (what DPDK 22.11 asks) spreads only these. */
		if (g->srcip)
			frame_template_set_src(&g->flow[f].tmpl, src);
	}
	return frame_pattern_init(&g->pattern, &g->flow[0].tmpl);
}

static void
gen_free(struct gen *g)
{
	frame_pattern_free(&g->pattern);
	free(g->flow);
	free(g->bufs);
	free(g);
}

static int
gen_open(struct hvsim_backend *be, const char *args)
{
	struct gen *g = calloc(1, sizeof(*g));
	int ret;

	if (g == NULL)
		return -ENOMEM;
	g->size = FRAME_MIN_BYTES;
	g->nb_flows = 1;
	g->vlan = -1;
	ret = gen_parse(g, args);
	if (ret == 0)
		ret = gen_build_flows(g, be->nic_index);
	if (ret != 0) {
		gen_free(g);
		return ret;
	}
	g->out = (struct hvsim_frame){ .has_vlan = g->vlan >= 0,
				       .vlan_tci = (uint16_t)(g->vlan >= 0 ? g->vlan : 0) };
	g->token_cap = (g->rate_pps / 1000 > GEN_MIN_BURST ? g->rate_pps / 1000 : GEN_MIN_BURST) *
		       GEN_NS_PER_S;
	g->tokens = g->token_cap;
	g->last_ns = gen_now_ns();
	be->priv = g;
	return 0;
}

static bool
gen_seq_is_bad(const struct gen *g, uint64_t seq)
{
	return g->badcsum_every != 0 && (seq + 1) % g->badcsum_every == 0;
}

/* Token bucket: the clock is read only when the saved-up frames run out. */
static bool
gen_may_send(struct gen *g)
{
	uint64_t now, elapsed;

	if (g->rate_pps == 0 || g->tokens >= GEN_NS_PER_S)
		return true;
	now = gen_now_ns();
	elapsed = now - g->last_ns;
	g->last_ns = now;
	if (elapsed > GEN_NS_PER_S)
		elapsed = GEN_NS_PER_S;
	g->tokens += elapsed * g->rate_pps;
	if (g->tokens > g->token_cap)
		g->tokens = g->token_cap;
	return g->tokens >= GEN_NS_PER_S;
}

static const struct hvsim_frame *
gen_peek(struct hvsim_backend *be)
{
	struct gen *g = be->priv;
	struct gen_flow *f = &g->flow[g->cur];
	bool bad;

	if (g->ready)
		return &g->out;
	if (g->held || (g->count != 0 && g->sent >= g->count) || !gen_may_send(g))
		return NULL;
	bad = gen_seq_is_bad(g, f->seq);
	frame_template_fill(&f->tmpl, &g->pattern, f->seq, bad);
	g->out.data = f->tmpl.buf;	/* the tag is set at open: the same for every frame */
	g->out.len = f->tmpl.len;
	g->out.csum = bad ? HVSIM_CSUM_BAD : HVSIM_CSUM_GOOD;
	g->out.hdr_key = g->cur + 1;	/* a flow's headers stay; fill patches after them */
	g->ready = true;
	return &g->out;
}

static void
gen_consume(struct hvsim_backend *be)
{
	struct gen *g = be->priv;

	if (!g->ready)
		return;
	g->ready = false;
	g->flow[g->cur].seq++;
	if (++g->cur == g->nb_flows)
		g->cur = 0;
	g->sent++;
	if (g->rate_pps != 0)
		g->tokens -= GEN_NS_PER_S;
}

/* One of ours back (at least an Ethernet and an IPv4 header); a tag goes beside gen's frames. */
static void
gen_back(struct gen *g, const uint8_t *frame, uint32_t flow, uint64_t seq)
{
	frame_track_seq(&g->track, flow, seq);
	if (g->vlan >= 0 && (frame[12] != 0x81 || frame[13] != 0x00))
		g->untagged++;
}

/* What the guest sent back: ours in sequence, or counted by what is wrong. */
static void
gen_transmit(struct hvsim_backend *be, const uint8_t *frame, uint32_t len)
{
	struct gen *g = be->priv;
	uint32_t flow;
	uint64_t seq;

	/* Usually the frame as gen made it (spoilt on purpose or not): compared, not parsed. */
	if (frame_template_ids(&g->flow[0].tmpl, frame, len, &flow, &seq) && flow < g->nb_flows &&
	    frame_template_made(&g->flow[flow].tmpl, &g->pattern, frame, seq,
				gen_seq_is_bad(g, seq))) {
		gen_back(g, frame, flow, seq);
		return;
	}
	switch (frame_verify_known(frame, len, &g->pattern, &flow, &seq)) {
	case FRAME_OURS_BAD_L4_CSUM:
		if (gen_seq_is_bad(g, seq))
			gen_back(g, frame, flow, seq);	/* spoilt on purpose */
		else
			g->corrupt++;
		break;
	case FRAME_OURS_GOOD:
		gen_back(g, frame, flow, seq);
		break;
	case FRAME_OURS_CORRUPT:
		g->corrupt++;
		break;
	case FRAME_FOREIGN:
		g->foreign++;
		break;
	}
}

static void
gen_report(struct hvsim_backend *be, FILE *out)
{
	const struct gen *g = be->priv;

	fprintf(out, "gen: sent %" PRIu64 ", back %" PRIu64 ", lost %" PRIu64 ", reordered %"
		PRIu64 ", dup %" PRIu64 ", corrupt %" PRIu64 ", foreign %" PRIu64, g->sent,
		g->track.back, g->track.lost, g->track.reordered, g->track.dup, g->corrupt,
		g->foreign);
	if (g->vlan >= 0)
		fprintf(out, ", untagged %" PRIu64, g->untagged);
	fputc('\n', out);
}

static void
gen_close(struct hvsim_backend *be)
{
	if (be->priv != NULL)
		gen_free(be->priv);
	be->priv = NULL;
}

static void
gen_hold(struct hvsim_backend *be, bool held)
{
	struct gen *g = be->priv;

	g->held = held;
	g->last_ns = gen_now_ns();	/* no burst of saved-up tokens */
}

const struct hvsim_backend_ops hvsim_backend_gen = {
	.name = "gen",
	.open = gen_open,
	.transmit = gen_transmit,
	.peek = gen_peek,
	.consume = gen_consume,
	.hold = gen_hold,
	.report = gen_report,
	.close = gen_close,
};


