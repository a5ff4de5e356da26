/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hvsim's shared model: the devices and channels the emulated kernel layer
 * (kernel/) exposes and the host side (host/) services. One thread, the host
 * loop, owns all of it; kernel/ and host/ talk only through the calls below.
 */
#ifndef HVSIM_H
#define HVSIM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define HVSIM_MAX_DEVICES	16
/* A NIC's link speed until `ctl link NIC speed`: 10 Gbit/s in 100 bit/s units. */
#define HVSIM_LINK_SPEED_DEFAULT	100000000u
#define HVSIM_MAX_CHANNELS	64	/* primary + subchannels per device */
#define HVSIM_NB_MAPS		5	/* uio maps 0..4 of uio_hv_generic */
#define HVSIM_FIRST_RELID	14	/* primary relids count up from here */
#define HVSIM_FIRST_GPADL	0xE1E10u	/* the Linux guest kernel's first GPADL handle */

/* Device class GUIDs, lowercase, no braces (spec/uio-hv-generic.md 1). */
#define HVSIM_NIC_CLASS_GUID	"f8615163-df3e-46c5-913f-f2d2f965ed0e"
#define HVSIM_ECHO_CLASS_GUID	"9c0d3a42-7b1e-4f6d-a5c8-2e9f1b7d4c60"

/* uio map indexes (spec/uio-hv-generic.md 3.2). */
enum hvsim_map {
	HVSIM_MAP_RINGS = 0,
	HVSIM_MAP_INT_PAGE = 1,
	HVSIM_MAP_MONITOR_PAGE = 2,
	HVSIM_MAP_RECV_BUF = 3,
	HVSIM_MAP_SEND_BUF = 4,
};

/* Which uio_hv_generic generation hvsim plays (DESIGN.md "Which kernel"). */
enum hvsim_uio_abi {
	HVSIM_ABI_6_1,		/* Debian 12: monitor required, kernel re-masks */
	HVSIM_ABI_6_10,		/* write(1) signals a monitor-less primary */
	HVSIM_ABI_2025,		/* mask on all channels, no re-mask, 4 MiB + 8 KiB map0 */
};

enum hvsim_dev_kind {
	HVSIM_DEV_NIC,		/* synthetic NIC (netvsc VSP) */
	HVSIM_DEV_ECHO,		/* test device: echoes every channel packet */
};

struct hvsim_device;
struct hvsim_backend;

/* Faults a test arms on a NIC (host/host_fault.c; doc/hvsim.md "Faults"). */
enum hvsim_fault {
	HVSIM_FAULT_WITHHOLD_COMPLETIONS,	/* data 107s are not completed until cleared */
	HVSIM_FAULT_LATE_COMPLETIONS,		/* data 107s completed arg ms late */
	HVSIM_FAULT_WITHHOLD_CONTROL,		/* NVSP/RNDIS control requests held until cleared */
	HVSIM_FAULT_LATE_CONTROL,		/* control requests answered arg ms late */
	HVSIM_FAULT_MALFORMED_RX,		/* the next arg receive transfers are malformed */
	HVSIM_FAULT_OVERSIZED,			/* one receive transfer of a 64 KiB frame */
	HVSIM_FAULT_BAD_RING_INDEX,		/* one bad write index in the primary's guest rx */
	HVSIM_FAULT_BAD_COMPLETION_ID,		/* one unknown and one duplicate completion */
	HVSIM_FAULT_REVOKE_BUFFERS,		/* receive/send buffers treated as revoked */
	HVSIM_FAULT_BAD_XFER,			/* one receive transfer of the shape arg names */
	HVSIM_FAULT_COMPLETE_ID,		/* one completion for xact id arg, never asked */
	HVSIM_FAULT_SHORT_COMPLETION,		/* one completion for arg with no payload */
	HVSIM_FAULT_SHORT_REPLY,		/* the next NVSP reply cut to its type word */
	HVSIM_FAULT_TXBUF_SECTION,		/* send-buffer replies report arg-byte sections */
	HVSIM_FAULT_BAD_QUERY_INFO,		/* the next query reply's info lies outside it */
	HVSIM_FAULT_BAD_INBAND,			/* an 8-byte inband NVSP message of type ARG */
	HVSIM_FAULT_FLOOD_XFERS,		/* arg transfers lent without slots, at full speed */
	HVSIM_FAULT_SUBCHANNEL_COMPLETIONS,	/* completions for ids arg..1 on the first subchannel */
	HVSIM_FAULT_INDICATE_AT_HALT,		/* a MEDIA_CONNECT ahead of the HALT's completion */
	HVSIM_FAULT_FAIL_SET,			/* the next RNDIS SET completes with a failure */
	HVSIM_FAULT_FAIL_SET_OID,		/* every RNDIS SET of OID arg fails */
	HVSIM_FAULT_REPEAT_COMPLETION,		/* the last control completion of kind arg again */
	HVSIM_FAULT_MAX
};

/* Control completions repeat-completion can send again: its argument. */
enum hvsim_ctl_kind {
	HVSIM_CTL_NVSP,		/* an NVSP request's (129's included) */
	HVSIM_CTL_RNDIS,	/* a control 107's (RNDIS message) */
	HVSIM_CTL_KINDS
};

#define HVSIM_CTL_COMP_BYTES	64u

/* The last control completion of a kind hvsim sent, as it went. */
struct hvsim_ctl_comp {
	bool valid;
	uint64_t xact_id;
	uint32_t len;
	uint8_t msg[HVSIM_CTL_COMP_BYTES];
};

/* Longest delay late-completions and late-control take (ms). */
#define HVSIM_FAULT_MAX_DELAY_MS	15000u

/* A NIC's faults: armed ones, their argument, and how often each fired. */
struct hvsim_faults {
	bool armed[HVSIM_FAULT_MAX];
	uint64_t arg[HVSIM_FAULT_MAX];
	uint64_t fired[HVSIM_FAULT_MAX];
	uint32_t malformed_next;		/* which malformed variant comes next */
	uint64_t hold_since_ns[HVSIM_MAX_CHANNELS];	/* control request held at the head */
	uint64_t held_xact;			/* the xact id of the last one withheld, 0 none */
	struct hvsim_ctl_comp last_comp[HVSIM_CTL_KINDS];	/* for repeat-completion */
	uint32_t ring_saved_idx;		/* bad-ring-index: the sane index to restore */
	uint64_t ring_restore_ns;		/* 0: the ring is not corrupted */
};

struct hvsim_channel {
	struct hvsim_device *dev;
	uint32_t relid;
	uint16_t subchannel_id;		/* 0 = primary */
	uint8_t monitor_id;		/* VMBUS_MONITOR_ID_NONE: no monitor */
	bool open;			/* rings live and serviced */
	uint8_t *ring_base;		/* both halves: guest tx, then guest rx */
	uint64_t ring_bytes;
	char ring_path[256];		/* backing file (subchannels: channels/<relid>/ring) */
	void *host;			/* host/ private per-channel state */
	uint64_t signals_from_guest;	/* write(1) on a monitor-less channel, or monitor bit seen */
	uint64_t interrupts_to_guest;
};

struct hvsim_device {
	enum hvsim_dev_kind kind;
	char uuid[37];			/* instance GUID, lowercase */
	const char *class_guid;		/* lowercase, no braces */
	unsigned int uio_index;		/* /dev/uioN */
	char backend[64];		/* NIC: --nic BACKEND as given ("loop", "pair:1", ...) */
	struct hvsim_backend *backend_state;	/* NIC: opened at start; NULL: none */
	bool has_monitor;
	uint8_t *map_base[HVSIM_NB_MAPS];
	uint64_t map_bytes[HVSIM_NB_MAPS];
	char map_name[HVSIM_NB_MAPS][32];
	uint32_t recv_gpadl, send_gpadl;
	unsigned int nb_channels;	/* offered and open, primary included */
	unsigned int max_subchannels;	/* option: most subchannels this device grants */
	struct hvsim_channel chan[HVSIM_MAX_CHANNELS];
	unsigned int nb_openers;	/* open fds of /dev/uioN */
	uint32_t event_count;		/* uio interrupt count */
	bool link_up;			/* NIC media state the host reports (default up) */
	uint32_t link_speed;		/* NIC: GEN_LINK_SPEED, 100 bit/s units (10 Gbit/s) */
	bool rescinded;			/* offer withdrawn: not served, not in sysfs, no opens */
	struct hvsim_faults fault;	/* NIC: faults armed by --fault or `ctl fault` */
	void *host;			/* host/ private per-device state */
	void *vf;			/* NIC: its VF stand-in (host/host_vf.c); NULL: never had one */
};

/* MTU bounds (payload bytes; the L2 frame adds 14): OpenVMM takes 1514..9216. */
#define HVSIM_MIN_MTU		1500u
#define HVSIM_MAX_MTU		9202u

/* RSS indirection table sizes a NIC may report: MANA's range, OpenVMM passes it on. */
#define HVSIM_RSS_TABLE_DEFAULT	128u
#define HVSIM_RSS_TABLE_MAX	512u

struct hvsim_config {
	enum hvsim_uio_abi abi;
	bool busy_poll;			/* spin; else sleep the monitor latency */
	uint32_t poll_latency_us;	/* host scan period when not busy polling */
	uint64_t recv_buf_bytes, send_buf_bytes;
	uint32_t echo_delay_us;		/* echo device holds each packet this long */
	uint32_t max_mtu;		/* largest MTU a guest's NDIS config may set */
	bool rss_udp;			/* NICs offer UDP 4-tuple RSS hash types (--rss-udp) */
	uint32_t rss_table_entries;	/* RSS indirection table size the NICs report (--rss-table) */
	bool rsc;			/* NICs coalesce TCP segments for guests enabling RSC (--rsc) */
	bool lso_any_layout;		/* LSO frames in any layout (--lso-any-layout) */
	uint32_t vf_switch_us;		/* a 129 takes effect this much later (--vf-switch-ms) */
	bool link_query_up;		/* media query says connected (--link-query-up) */
};

struct hvsim {
	struct hvsim_config cfg;
	char run_dir[256];
	unsigned int nb_devices;
	struct hvsim_device dev[HVSIM_MAX_DEVICES];
	pid_t guest_pid;		/* last guest that opened a device */
	int iova_mode;			/* that guest's: 0 unknown, 1 PA, 2 VA (DPDK's values) */
	bool verbose;			/* -v: log opens, closes and offers to stderr */
	uint64_t guest_mem_misses;	/* hvsim_guest_mem() lookups that found no region */
};

/* ---- host/ : called by the kernel layer on the host loop thread ---- */

/* The guest opened the device (first open): rings reset, start serving. */
void host_device_open(struct hvsim *sim, struct hvsim_device *dev);
/* Last close (or guest gone): forget channel and protocol state. */
void host_device_close(struct hvsim *sim, struct hvsim_device *dev);
/* A guest signal for a channel (monitor bit or write(1)); may be spurious. */
void host_channel_signal(struct hvsim *sim, struct hvsim_channel *ch);
/* Poll every open channel once; returns packets handled (0 = idle). */
unsigned int host_poll(struct hvsim *sim);
/* Print every channel's host counters (by reason) to stderr; at exit. */
void host_print_counters(struct hvsim *sim);
/* The same lines to out (the control socket's `counters`). */
void host_write_counters(struct hvsim *sim, FILE *out);

/*
 * Faults (host_fault.c). set: arm KIND ("late-completions", ...) with its
 * argument text (NULL if none); 0, or -EINVAL (said why in err, errlen).
 * clear: disarm all; withheld completions and requests go out. write: one
 * line per fault armed or fired ("nic0 fault late_completions armed 200 fired 12").
 */
int host_fault_set(struct hvsim_faults *f, const char *kind, const char *arg, char *err,
		   size_t errlen);
void host_fault_clear(struct hvsim_faults *f);
void host_fault_write(const struct hvsim_faults *f, const char *prefix, FILE *out);

/* Link events a test can raise on a NIC (spec/rndis.md 7). */
enum hvsim_link_event {
	HVSIM_LINK_UP,			/* MEDIA_CONNECT */
	HVSIM_LINK_DOWN,		/* MEDIA_DISCONNECT */
	HVSIM_LINK_CHANGE,		/* NETWORK_CHANGE; the state stays as it is */
	HVSIM_LINK_SPEED,		/* LINK_SPEED_CHANGE to the device's link_speed */
};
/*
 * Record the NIC's link state and queue the indication for its initialized
 * guest (host_link.c). 0, or -ENOSPC when too many are still pending.
 */
int host_link_set(struct hvsim *sim, struct hvsim_device *dev, enum hvsim_link_event ev);

/* ---- kernel/ : called by host/ ---- */

/* Raise the device's uio interrupt for ch (count++, readers woken, ABI re-mask). */
void hvsim_kernel_interrupt(struct hvsim *sim, struct hvsim_channel *ch);
/* Create and open subchannel ring files for nb new subchannels; returns how many. */
unsigned int hvsim_kernel_offer_subchannels(struct hvsim *sim, struct hvsim_device *dev,
					    unsigned int nb);
/*
 * Guest memory: translate guest-physical byte address gpa, len bytes, into a
 * pointer in hvsim's mapping of the guest's memory, or NULL when the range is
 * not wholly inside one registered region (never follow it then).
 */
void *hvsim_guest_mem(struct hvsim *sim, uint64_t gpa, uint32_t len);

/* ---- kernel/ : called by the control socket ---- */

/*
 * Withdraw dev's offer as the host does on rescind (spec/uio-hv-generic.md 5):
 * its /dev/uioN connections closed (guest reads and writes fail with EIO),
 * its channels no longer served, its sysfs directory removed. Counters stay.
 * 0, or -EALREADY.
 */
int hvsim_kernel_rescind(struct hvsim *sim, struct hvsim_device *dev);

#endif /* HVSIM_H */
