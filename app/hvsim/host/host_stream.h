/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Streaming writes into guest memory: whole cache lines written with
 * non-temporal stores. The guest's core reads a receive slot next, so
 * fetching its lines into the host's core first (a read for ownership,
 * often from the guest core's cache) only to hand them back is wasted; at
 * 64 B those fetches were what the host loop waited on. Bytes are gathered
 * into a line and go out 64 at a time; the last line is padded with zeros
 * when it fits below the limit, else written with ordinary stores.
 * Call host_stream_fence before publishing what was written (the ring's
 * write index): non-temporal stores are not ordered with later stores.
 */
#ifndef HVSIM_HOST_STREAM_H
#define HVSIM_HOST_STREAM_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define HOST_STREAM_LINE	64u

struct host_stream {
	uint8_t *dst;			/* next line to write */
	const uint8_t *limit;		/* the last line may be padded up to here */
	uint32_t fill;			/* bytes gathered in line */
	bool plain;			/* dst not line-aligned: ordinary copies */
	uint8_t line[HOST_STREAM_LINE] __attribute__((aligned(HOST_STREAM_LINE)));
};

static inline void
host_stream_line(uint8_t *dst, const uint8_t *src)
{
#if defined(__SSE2__)
	for (unsigned int k = 0; k < HOST_STREAM_LINE / 16; k++)
		_mm_stream_si128((__m128i *)(void *)dst + k,
				 _mm_loadu_si128((const __m128i *)(const void *)src + k));
#else
	memcpy(dst, src, HOST_STREAM_LINE);
#endif
}

/* Write from dst on; the bytes up to limit belong to the writer. */
static inline void
host_stream_begin(struct host_stream *s, uint8_t *dst, const uint8_t *limit)
{
	s->dst = dst;
	s->limit = limit;
	s->fill = 0;
	s->plain = ((uintptr_t)dst & (HOST_STREAM_LINE - 1)) != 0;
}

static inline void
host_stream_put(struct host_stream *s, const void *data, uint32_t len)
{
	const uint8_t *src = data;

	if (s->plain) {
		memcpy(s->dst, src, len);
		s->dst += len;
		return;
	}
	while (len > 0) {
		uint32_t n;

		if (s->fill == 0 && len >= HOST_STREAM_LINE) {
			host_stream_line(s->dst, src);
			s->dst += HOST_STREAM_LINE;
			src += HOST_STREAM_LINE;
			len -= HOST_STREAM_LINE;
			continue;
		}
		n = HOST_STREAM_LINE - s->fill < len ? HOST_STREAM_LINE - s->fill : len;
		memcpy(s->line + s->fill, src, n);
		s->fill += n;
		src += n;
		len -= n;
		if (s->fill == HOST_STREAM_LINE) {
			host_stream_line(s->dst, s->line);
			s->dst += HOST_STREAM_LINE;
			s->fill = 0;
		}
	}
}

/* The gathered tail: a padded line if it fits below limit, else as it is. */
static inline void
host_stream_end(struct host_stream *s)
{
	if (s->plain || s->fill == 0)
		return;
	if (s->dst + HOST_STREAM_LINE <= s->limit) {
		memset(s->line + s->fill, 0, HOST_STREAM_LINE - s->fill);
		host_stream_line(s->dst, s->line);
	} else {
		memcpy(s->dst, s->line, s->fill);
	}
	s->fill = 0;
}

/* Everything streamed so far is visible before any later store. */
static inline void
host_stream_fence(void)
{
#if defined(__SSE2__)
	_mm_sfence();
#else
	__atomic_thread_fence(__ATOMIC_RELEASE);
#endif
}

#endif /* HVSIM_HOST_STREAM_H */
