/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a synthetic NIC is connected to (its "wire"): one struct
 * hvsim_backend_ops per kind (loop.c, gen.c, sink.c, ...), chosen by the
 * --nic BACKEND string. The NIC's data path (host/) calls these; a backend
 * never sees VMBus, NVSP or RNDIS.
 */
#ifndef HVSIM_BACKEND_H
#define HVSIM_BACKEND_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct hvsim;
struct hvsim_device;

#define HVSIM_FRAME_MAX_BYTES	(9216u + 18u)	/* jumbo frame with a VLAN tag */

/* Checksum knowledge the host passes to the guest with a received frame. */
enum hvsim_frame_csum {
	HVSIM_CSUM_UNKNOWN,		/* no checksum info PPI */
	HVSIM_CSUM_GOOD,		/* IP and TCP/UDP checksums verified good */
	HVSIM_CSUM_BAD,			/* a checksum is wrong */
};

/* One Ethernet frame on its way to the guest (no FCS). */
struct hvsim_frame {
	const uint8_t *data;
	uint32_t len;
	bool has_vlan;			/* deliver vlan_tci as the VLAN PPI, tag not in data */
	uint16_t vlan_tci;
	enum hvsim_frame_csum csum;
	/*
	 * 0, or the backend's promise that the frame's bytes up to its L4
	 * header's end (the L4 checksum and TCP sequence number aside) are those
	 * of its earlier frames of the same key and length, has_vlan too: the
	 * host reuses what it parsed of them.
	 */
	uint32_t hdr_key;
};

struct hvsim_backend;

struct hvsim_backend_ops {
	const char *name;		/* the BACKEND word before any ':' */
	/* args: the text after "name:" (NULL if none). 0 or -errno (says why on stderr). */
	int (*open)(struct hvsim_backend *be, const char *args);
	/*
	 * Guest -> wire: one frame as the guest sent it, the host's offloads
	 * (checksums, segmentation, VLAN insertion) already applied.
	 */
	void (*transmit)(struct hvsim_backend *be, const uint8_t *frame, uint32_t len);
	/*
	 * Wire -> guest: the next frame waiting, or NULL. It stays the next one
	 * until consume(), so a guest without room holds it back (no drop).
	 */
	const struct hvsim_frame *(*peek)(struct hvsim_backend *be);
	void (*consume)(struct hvsim_backend *be);
	/* Optional: stop or resume sending to the guest (gen, pcap: "hold" option). */
	void (*hold)(struct hvsim_backend *be, bool held);
	/* One line (or a few) of what it saw, for hvsim's exit report. */
	void (*report)(struct hvsim_backend *be, FILE *out);
	void (*close)(struct hvsim_backend *be);
};

struct hvsim_backend {
	const struct hvsim_backend_ops *ops;
	struct hvsim *sim;
	struct hvsim_device *dev;
	unsigned int nic_index;
	void *priv;
	uint64_t tx_frames, tx_bytes;	/* guest -> wire, counted by backend.c */
	uint64_t rx_frames, rx_bytes;	/* wire -> guest (consumed) */
	const struct hvsim_frame *head;	/* the last peek's, until consumed */
};

/* Pick the ops for spec ("loop", "gen:rate=1000", ...) and open it. */
int hvsim_backend_open(struct hvsim_backend *be, struct hvsim *sim,
		       struct hvsim_device *dev, const char *spec);
void hvsim_backend_transmit(struct hvsim_backend *be, const uint8_t *frame, uint32_t len);
const struct hvsim_frame *hvsim_backend_peek(struct hvsim_backend *be);
void hvsim_backend_consume(struct hvsim_backend *be);
void hvsim_backend_report(struct hvsim_backend *be, FILE *out);
void hvsim_backend_close(struct hvsim_backend *be);

/* Open every NIC's backend (dev->backend_state) from its --nic word; 0 or -errno. */
int hvsim_backends_open(struct hvsim *sim);
/* Report (one line per NIC, and the backend's own) to out, close and free them. */
void hvsim_backends_close(struct hvsim *sim, FILE *out);

/* Start or hold what a backend sends the guest (`hvsim ctl gen NIC start|stop`);
 * -EINVAL for a backend that cannot be held. */
int hvsim_backend_hold(struct hvsim_backend *be, bool held);

extern const struct hvsim_backend_ops hvsim_backend_loop;
extern const struct hvsim_backend_ops hvsim_backend_gen;
extern const struct hvsim_backend_ops hvsim_backend_sink;
extern const struct hvsim_backend_ops hvsim_backend_pair;
extern const struct hvsim_backend_ops hvsim_backend_tap;
extern const struct hvsim_backend_ops hvsim_backend_pcap;

#endif /* HVSIM_BACKEND_H */
