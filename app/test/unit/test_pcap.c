/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests of the classic pcap reader/writer (backends/pcap_file.c) and the pcap
 * backend over it (backends/pcap.c): frames written and read back byte for
 * byte, files of the other byte order and with ns timestamps, broken files
 * (truncated anywhere, bad magic, not Ethernet) refused before any frame.
 */
#include <errno.h>
#include <unistd.h>

#include "test_harness.h"
#include "backend.h"
#include "pcap_file.h"

#define NB_FRAMES	5u

static char dir[] = "/tmp/test_pcap.XXXXXX";
static char path_a[64], path_b[64];
static uint8_t frame[NB_FRAMES][1600];
static uint32_t frame_len[NB_FRAMES] = { 60, 14, 1514, 64, 1600 };

static void
make_frames(void)
{
	for (unsigned int i = 0; i < NB_FRAMES; i++)
		for (uint32_t b = 0; b < frame_len[i]; b++)
			frame[i][b] = (uint8_t)(i * 31 + b * 7);
}

static int
write_frames(const char *path)
{
	struct pcap_writer w;

	if (pcap_writer_open(&w, path) != 0)
		return -1;
	for (unsigned int i = 0; i < NB_FRAMES; i++)
		pcap_writer_add(&w, frame[i], frame_len[i], 1700000000123456ull + i);
	return pcap_writer_close(&w);
}

static size_t
load(const char *path, uint8_t *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		return 0;
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

static void
store(const char *path, const uint8_t *buf, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL)
		return;
	fwrite(buf, 1, n, f);
	fclose(f);
}

static void
test_written_frames_read_back(void)
{
	struct pcap_reader r;
	const uint8_t *data;
	uint32_t len;
	unsigned int i = 0;

	EXPECT_EQ(write_frames(path_a), 0);
	EXPECT_EQ(pcap_reader_open(&r, path_a), 0);
	EXPECT_EQ(r.nb_frames, NB_FRAMES);
	EXPECT_FALSE(r.swapped);
	EXPECT_FALSE(r.nsec);
	while (pcap_reader_next(&r, &data, &len)) {
		if (i < NB_FRAMES) {
			EXPECT_EQ(len, frame_len[i]);
			EXPECT_MEM_EQ(data, frame[i], frame_len[i]);
		}
		i++;
	}
	EXPECT_EQ(i, NB_FRAMES);
	pcap_reader_rewind(&r);
	EXPECT_TRUE(pcap_reader_next(&r, &data, &len));
	EXPECT_EQ(len, frame_len[0]);
	pcap_reader_close(&r);
}

static void
test_writer_header_and_timestamps(void)
{
	static uint8_t buf[16384];
	size_t n;

	EXPECT_EQ(write_frames(path_a), 0);
	n = load(path_a, buf, sizeof(buf));
	EXPECT_TRUE(n > 24 + 16);
	/* d4 c3 b2 a1, 2.4, snaplen 65535, linktype 1; first record 1700000000.123456 */
	EXPECT_EQ(buf[0], 0xd4);
	EXPECT_EQ(buf[3], 0xa1);
	EXPECT_EQ(buf[4], 2);
	EXPECT_EQ(buf[6], 4);
	EXPECT_EQ(buf[16] | buf[17] << 8, 65535);
	EXPECT_EQ(buf[20], 1);
	EXPECT_EQ((uint32_t)(buf[24] | buf[25] << 8 | buf[26] << 16 | (uint32_t)buf[27] << 24),
		  1700000000u);
	EXPECT_EQ(buf[28] | buf[29] << 8 | buf[30] << 16, 123456);
}

/* The same file with every header field byte-swapped, as a big-endian host writes it. */
static void
test_other_byte_order_and_ns_read(void)
{
	static uint8_t buf[16384];
	struct pcap_reader r;
	const char *why = NULL;
	const uint8_t *data;
	uint32_t len;
	size_t n, off;

	EXPECT_EQ(write_frames(path_a), 0);
	n = load(path_a, buf, sizeof(buf));
	for (unsigned int f = 0; f < 24; f += 4) {
		if (f == 4) {		/* two 16-bit fields */
			uint8_t t = buf[4];

			buf[4] = buf[5], buf[5] = t;
			t = buf[6], buf[6] = buf[7], buf[7] = t;
			continue;
		}
		uint8_t t0 = buf[f], t1 = buf[f + 1];

		buf[f] = buf[f + 3], buf[f + 1] = buf[f + 2], buf[f + 2] = t1, buf[f + 3] = t0;
	}
	buf[1] = 0xb2, buf[2] = 0x3c, buf[3] = 0x4d;	/* big-endian ns magic a1 b2 3c 4d */
	for (off = 24; off + 16 <= n;) {
		uint32_t incl = buf[off + 8] | buf[off + 9] << 8 | buf[off + 10] << 16;

		for (unsigned int f = 0; f < 16; f += 4) {
			uint8_t t0 = buf[off + f], t1 = buf[off + f + 1];

			buf[off + f] = buf[off + f + 3], buf[off + f + 1] = buf[off + f + 2];
			buf[off + f + 2] = t1, buf[off + f + 3] = t0;
		}
		off += 16 + incl;
	}
	EXPECT_EQ(pcap_reader_init(&r, buf, n, &why), 0);
	EXPECT_TRUE(r.swapped);
	EXPECT_TRUE(r.nsec);
	EXPECT_EQ(r.nb_frames, NB_FRAMES);
	for (unsigned int i = 0; i < NB_FRAMES; i++) {
		EXPECT_TRUE(pcap_reader_next(&r, &data, &len));
		EXPECT_EQ(len, frame_len[i]);
		EXPECT_MEM_EQ(data, frame[i], frame_len[i]);
	}
	EXPECT_FALSE(pcap_reader_next(&r, &data, &len));
}

static void
test_truncated_file_refused_anywhere(void)
{
	static uint8_t buf[16384];
	struct pcap_reader r;
	const char *why;
	size_t n;
	unsigned int refused = 0, accepted = 0;

	EXPECT_EQ(write_frames(path_a), 0);
	n = load(path_a, buf, sizeof(buf));
	/* Every cut is refused except those on a record boundary (fewer frames, valid). */
	for (size_t cut = 0; cut < n; cut++) {
		why = NULL;
		if (pcap_reader_init(&r, buf, cut, &why) == 0) {
			accepted++;
			continue;
		}
		refused++;
		EXPECT_TRUE(why != NULL);
	}
	EXPECT_EQ(accepted, NB_FRAMES);		/* cuts at 24 and after frames 0..3 */
	EXPECT_EQ(refused, n - NB_FRAMES);
	/* A truncated file on disk: open refuses it, nothing to free. */
	store(path_b, buf, n - 3);
	EXPECT_EQ(pcap_reader_open(&r, path_b), -EINVAL);
	EXPECT_TRUE(r.buf == NULL);
}

static void
test_bad_headers_refused(void)
{
	static uint8_t buf[16384];
	struct pcap_reader r;
	const char *why;
	size_t n;

	EXPECT_EQ(write_frames(path_a), 0);
	n = load(path_a, buf, sizeof(buf));
	buf[20] = 105;				/* 802.11 */
	EXPECT_EQ(pcap_reader_init(&r, buf, n, &why), -EINVAL);
	buf[20] = 1;
	buf[0] = 0x0a;				/* pcapng's block type 0x0a0d0d0a */
	EXPECT_EQ(pcap_reader_init(&r, buf, n, &why), -EINVAL);
	buf[0] = 0xd4;
	buf[4] = 1;
	EXPECT_EQ(pcap_reader_init(&r, buf, n, &why), -EINVAL);
	buf[4] = 2;
	buf[24 + 12] = 10;			/* orig_len 10 < incl_len 60 */
	EXPECT_EQ(pcap_reader_init(&r, buf, n, &why), -EINVAL);
	buf[24 + 12] = 60;
	EXPECT_EQ(pcap_reader_init(&r, buf, n, &why), 0);
	EXPECT_EQ(pcap_reader_open(&r, "/nonexistent/x.pcap"), -ENOENT);
}

/* The backend: the input replayed once, in order; guest frames captured. */
static void
test_backend_replays_once_and_captures(void)
{
	struct hvsim_backend be;
	char args[160];
	const struct hvsim_frame *f;
	struct pcap_reader r;
	const uint8_t *data;
	uint32_t len;
	unsigned int n = 0;

	EXPECT_EQ(write_frames(path_a), 0);
	memset(&be, 0, sizeof(be));
	be.ops = &hvsim_backend_pcap;
	snprintf(args, sizeof(args), "%s,%s", path_a, path_b);
	EXPECT_EQ(be.ops->open(&be, args), 0);
	while ((f = be.ops->peek(&be)) != NULL) {
		EXPECT_TRUE(be.ops->peek(&be) == f);	/* stable until consumed */
		EXPECT_EQ(f->len, frame_len[n]);
		be.ops->transmit(&be, f->data, f->len);	/* the guest sends it back */
		be.ops->consume(&be);
		n++;
	}
	EXPECT_EQ(n, NB_FRAMES);
	EXPECT_TRUE(be.ops->peek(&be) == NULL);		/* once, not looped */
	be.ops->close(&be);
	EXPECT_EQ(pcap_reader_open(&r, path_b), 0);
	EXPECT_EQ(r.nb_frames, NB_FRAMES);
	for (unsigned int i = 0; i < NB_FRAMES && pcap_reader_next(&r, &data, &len); i++) {
		EXPECT_EQ(len, frame_len[i]);
		EXPECT_MEM_EQ(data, frame[i], frame_len[i]);
	}
	pcap_reader_close(&r);
}

static void
test_backend_bad_args_refused(void)
{
	struct hvsim_backend be;

	memset(&be, 0, sizeof(be));
	be.ops = &hvsim_backend_pcap;
	EXPECT_EQ(be.ops->open(&be, NULL), -EINVAL);
	EXPECT_EQ(be.ops->open(&be, ""), -EINVAL);
	EXPECT_EQ(be.ops->open(&be, ","), -EINVAL);
	EXPECT_EQ(be.ops->open(&be, "/nonexistent/in.pcap"), -ENOENT);
	EXPECT_EQ(be.ops->open(&be, "a,b,c"), -EINVAL);
	EXPECT_TRUE(be.priv == NULL);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path_a, sizeof(path_a), "%s/a.pcap", dir);
	snprintf(path_b, sizeof(path_b), "%s/b.pcap", dir);
	make_frames();
	RUN_TEST(test_written_frames_read_back);
	RUN_TEST(test_writer_header_and_timestamps);
	RUN_TEST(test_other_byte_order_and_ns_read);
	RUN_TEST(test_truncated_file_refused_anywhere);
	RUN_TEST(test_bad_headers_refused);
	RUN_TEST(test_backend_replays_once_and_captures);
	RUN_TEST(test_backend_bad_args_refused);
	unlink(path_a);
	unlink(path_b);
	rmdir(dir);
	TEST_EXIT();
}
