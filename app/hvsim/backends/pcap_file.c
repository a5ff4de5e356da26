/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Classic pcap files: the reader checks every record of a loaded file before
 * the first frame is handed out, so a broken file is refused at open and
 * never half replayed; the writer batches frames through a large stdio buffer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pcap_file.h"

#define PCAP_WRITE_BUF_BYTES	(1u << 20)

static uint32_t
rd32(const uint8_t *p, bool swapped)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return swapped ? __builtin_bswap32(v) : v;
}

static uint16_t
rd16(const uint8_t *p, bool swapped)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return swapped ? __builtin_bswap16(v) : v;
}

/* Little-endian, whatever the host: files we write read the same everywhere. */
static void
wr32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void
wr16le(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

int
pcap_reader_init(struct pcap_reader *r, uint8_t *buf, size_t bytes, const char **why)
{
	uint32_t magic;
	size_t off;

	memset(r, 0, sizeof(*r));
	if (bytes < PCAP_FILE_HDR_BYTES) {
		*why = "shorter than the pcap file header";
		return -EINVAL;
	}
	magic = rd32(buf, false);
	if (magic == PCAP_MAGIC_US || magic == PCAP_MAGIC_NS) {
		r->swapped = false;
	} else if (magic == __builtin_bswap32(PCAP_MAGIC_US) ||
		   magic == __builtin_bswap32(PCAP_MAGIC_NS)) {
		r->swapped = true;
	} else {
		*why = "not a classic pcap file (bad magic; pcapng is not supported)";
		return -EINVAL;
	}
	r->nsec = rd32(buf, r->swapped) == PCAP_MAGIC_NS;
	if (rd16(buf + 4, r->swapped) != PCAP_VERSION_MAJOR) {
		*why = "unsupported pcap major version (want 2)";
		return -EINVAL;
	}
	r->linktype = rd32(buf + 20, r->swapped) & 0x0fffffffu;	/* upper bits: FCS info */
	if (r->linktype != PCAP_LINKTYPE_ETHERNET) {
		*why = "link type is not Ethernet (1)";
		return -EINVAL;
	}
	for (off = PCAP_FILE_HDR_BYTES; off < bytes;) {
		uint32_t incl, orig;

		if (bytes - off < PCAP_REC_HDR_BYTES) {
			*why = "truncated: a record header is cut short";
			return -EINVAL;
		}
		incl = rd32(buf + off + 8, r->swapped);
		orig = rd32(buf + off + 12, r->swapped);
		if (incl > PCAP_MAX_RECORD_BYTES) {
			*why = "a record is longer than 262144 bytes";
			return -EINVAL;
		}
		if (incl > orig) {
			*why = "a record's captured length exceeds its original length";
			return -EINVAL;
		}
		off += PCAP_REC_HDR_BYTES;
		if (bytes - off < incl) {
			*why = "truncated: a record's data is cut short";
			return -EINVAL;
		}
		off += incl;
		r->nb_frames++;
	}
	r->buf = buf;
	r->bytes = bytes;
	r->off = PCAP_FILE_HDR_BYTES;
	return 0;
}

int
pcap_reader_open(struct pcap_reader *r, const char *path)
{
	const char *why = NULL;
	struct stat st;
	uint8_t *buf;
	size_t got = 0;
	int fd, ret;

	memset(r, 0, sizeof(*r));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		ret = -errno;
		fprintf(stderr, "hvsim: pcap: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return ret;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > PCAP_MAX_FILE_BYTES) {
		fprintf(stderr, "hvsim: pcap: %s: not a regular file of at most 1 GiB\n", path);
		close(fd);
		return -EINVAL;
	}
	buf = malloc(st.st_size > 0 ? (size_t)st.st_size : 1);
	if (buf == NULL) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	ret = pcap_reader_init(r, buf, got, &why);
	if (ret != 0) {
		fprintf(stderr, "hvsim: pcap: %s: %s\n", path, why);
		free(buf);
	}
	return ret;
}

bool
pcap_reader_next(struct pcap_reader *r, const uint8_t **data, uint32_t *len)
{
	uint32_t incl;

	if (r->buf == NULL || r->bytes - r->off < PCAP_REC_HDR_BYTES)
		return false;		/* init checked every record: only the end gets here */
	incl = rd32(r->buf + r->off + 8, r->swapped);
	*data = r->buf + r->off + PCAP_REC_HDR_BYTES;
	*len = incl;
	r->off += PCAP_REC_HDR_BYTES + incl;
	return true;
}

void
pcap_reader_rewind(struct pcap_reader *r)
{
	r->off = PCAP_FILE_HDR_BYTES;
}

void
pcap_reader_close(struct pcap_reader *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

int
pcap_writer_open(struct pcap_writer *w, const char *path)
{
	uint8_t hdr[PCAP_FILE_HDR_BYTES];
	int ret;

	memset(w, 0, sizeof(*w));
	w->f = fopen(path, "wbe");
	if (w->f == NULL) {
		ret = -errno;
		fprintf(stderr, "hvsim: pcap: cannot create %s: %s\n", path, strerror(errno));
		return ret;
	}
	w->vbuf = malloc(PCAP_WRITE_BUF_BYTES);
	if (w->vbuf != NULL)
		setvbuf(w->f, w->vbuf, _IOFBF, PCAP_WRITE_BUF_BYTES);
	wr32le(hdr, PCAP_MAGIC_US);
	wr16le(hdr + 4, PCAP_VERSION_MAJOR);
	wr16le(hdr + 6, PCAP_VERSION_MINOR);
	wr32le(hdr + 8, 0);			/* thiszone: UTC */
	wr32le(hdr + 12, 0);			/* sigfigs */
	wr32le(hdr + 16, PCAP_SNAPLEN);
	wr32le(hdr + 20, PCAP_LINKTYPE_ETHERNET);
	if (fwrite(hdr, sizeof(hdr), 1, w->f) != 1 || fflush(w->f) != 0) {
		ret = -errno;
		fprintf(stderr, "hvsim: pcap: cannot write %s: %s\n", path, strerror(errno));
		pcap_writer_close(w);
		return ret != 0 ? ret : -EIO;
	}
	return 0;
}

void
pcap_writer_add(struct pcap_writer *w, const uint8_t *data, uint32_t len, uint64_t ts_us)
{
	uint8_t rec[PCAP_REC_HDR_BYTES];
	uint32_t incl = len < PCAP_SNAPLEN ? len : PCAP_SNAPLEN;

	if (w->f == NULL || w->nb_errors != 0) {
		w->nb_errors++;
		return;
	}
	wr32le(rec, (uint32_t)(ts_us / 1000000u));
	wr32le(rec + 4, (uint32_t)(ts_us % 1000000u));
	wr32le(rec + 8, incl);
	wr32le(rec + 12, len);
	if (fwrite(rec, sizeof(rec), 1, w->f) != 1 || fwrite(data, 1, incl, w->f) != incl) {
		w->nb_errors++;
		return;
	}
	w->nb_frames++;
}

int
pcap_writer_close(struct pcap_writer *w)
{
	int ret = w->nb_errors != 0 ? -EIO : 0;

	if (w->f != NULL && fclose(w->f) != 0)
		ret = -EIO;
	free(w->vbuf);
	w->f = NULL;
	w->vbuf = NULL;
	return ret;
}
