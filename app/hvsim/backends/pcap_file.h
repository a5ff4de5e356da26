/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Classic libpcap capture files (not pcapng), read and written without
 * libpcap: the file facts, a reader that loads and checks a whole file
 * before handing out its first frame, and a buffered writer. No hvsim state.
 */
#ifndef HVSIM_PCAP_FILE_H
#define HVSIM_PCAP_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- file facts ---- */
#define PCAP_MAGIC_US		0xa1b2c3d4u	/* microsecond timestamps */
#define PCAP_MAGIC_NS		0xa1b23c4du	/* nanosecond timestamps */
#define PCAP_VERSION_MAJOR	2u
#define PCAP_VERSION_MINOR	4u
#define PCAP_LINKTYPE_ETHERNET	1u
#define PCAP_FILE_HDR_BYTES	24u	/* magic, major, minor, thiszone, sigfigs, snaplen, linktype */
#define PCAP_REC_HDR_BYTES	16u	/* ts_sec, ts_frac, incl_len, orig_len */
#define PCAP_SNAPLEN		65535u	/* what the writer declares */
#define PCAP_MAX_RECORD_BYTES	262144u	/* a larger incl_len is a broken file */
#define PCAP_MAX_FILE_BYTES	(1ull << 30)	/* the reader loads whole files */

/* A loaded, checked capture: frames handed out in file order. */
struct pcap_reader {
	uint8_t *buf;			/* the whole file */
	size_t bytes;
	size_t off;			/* of the next record header */
	bool swapped;			/* written on a host of the other byte order */
	bool nsec;			/* timestamp fraction in ns, else us */
	uint32_t linktype;
	uint64_t nb_frames;		/* records in the file */
};

/*
 * Parse a capture in memory (buf stays the caller's). 0, or -EINVAL with why
 * (a static string) in *why: bad magic or version, not Ethernet, a record
 * cut short or longer than PCAP_MAX_RECORD_BYTES, incl_len > orig_len.
 */
int pcap_reader_init(struct pcap_reader *r, uint8_t *buf, size_t bytes, const char **why);
/* Load and parse path; 0 or -errno, the reason printed to stderr. */
int pcap_reader_open(struct pcap_reader *r, const char *path);
/* The next frame (pointer into the loaded file); false at the end. */
bool pcap_reader_next(struct pcap_reader *r, const uint8_t **data, uint32_t *len);
/* Start again at the first frame. */
void pcap_reader_rewind(struct pcap_reader *r);
/* Free what pcap_reader_open loaded. */
void pcap_reader_close(struct pcap_reader *r);

/* A capture being written: little-endian, microsecond timestamps, Ethernet. */
struct pcap_writer {
	FILE *f;
	char *vbuf;			/* stdio buffer: a write() per many frames */
	uint64_t nb_frames;
	uint64_t nb_errors;		/* frames lost to a failed write; writing stops */
};

/* Create path (truncating) and write the file header; 0 or -errno (stderr says why). */
int pcap_writer_open(struct pcap_writer *w, const char *path);
/* Append one frame stamped ts_us (microseconds since the epoch). */
void pcap_writer_add(struct pcap_writer *w, const uint8_t *data, uint32_t len, uint64_t ts_us);
/* Flush and close; 0, or -EIO if any frame or the flush failed. */
int pcap_writer_close(struct pcap_writer *w);

#endif /* HVSIM_PCAP_FILE_H */
