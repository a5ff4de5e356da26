/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A NIC's VF stand-in as the host sees it: the device file (vf/vf_wire.h)
 * plugged and surprise-removed, the association announced on the primary
 * channel (nvsp.md 3.13), and the guest's data path choice (3.14) steering
 * the backend's frames to the VF's rx rings or to host_rx.c's synthetic path.
 */
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "host_vf.h"
#include "host_offload.h"
#include "nvsp_wire.h"
#include "vmbus_wire.h"
#include "vf/vf_wire.h"

struct host_vf {
	struct vf_wire *wire;		/* NULL: never plugged, or unplugged and unmapped */
	char path[300];
	bool present;
	bool datapath_vf;		/* the guest's last 129 asked for the VF */
	struct {			/* a 129 taking effect later (--vf-switch-ms) */
		bool pending, to_vf, rc;
		uint64_t xact, due_ns;
	} sw;
	bool announced;			/* the association now due went out */
	bool session;			/* the guest's NVSP session could take a 128 */
	uint32_t serial;
	uint64_t nb_adds, nb_removes, nb_switches, nb_assoc_sent;
	uint64_t nb_rx, nb_rx_dropped, nb_tx;	/* over every plug-in */
	uint8_t frame[HVSIM_FRAME_MAX_BYTES + 4u];	/* a frame with its tag put back */
};

static uint32_t host_vf_next_serial = 1;

static struct host_vf *
vf_of(const struct hvsim_device *dev)
{
	return dev->vf;
}

static unsigned int
vf_nic_index(const struct hvsim *sim, const struct hvsim_device *dev)
{
	unsigned int n = 0;

	for (unsigned int d = 0; d < HVSIM_MAX_DEVICES && &sim->dev[d] != dev; d++)
		if (sim->dev[d].kind == HVSIM_DEV_NIC)
			n++;
	return n;
}

static void
vf_unmap(struct host_vf *vf)
{
	if (vf->wire != NULL)
		munmap(vf->wire, sizeof(*vf->wire));
	vf->wire = NULL;
}

/* A new file, fully set up before it is given its name: the guest never sees half of one. */
static int
vf_create_file(struct hvsim *sim, struct hvsim_device *dev, struct host_vf *vf)
{
	char tmp[320];
	struct vf_wire *w;
	int fd, ret = 0;

	snprintf(vf->path, sizeof(vf->path), VF_WIRE_FILE_FMT, sim->run_dir,
		 vf_nic_index(sim, dev));
	snprintf(tmp, sizeof(tmp), "%s.new", vf->path);
	fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, sizeof(*w)) != 0) {
		ret = -errno;
		goto err_close;
	}
	w = mmap(NULL, sizeof(*w), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (w == MAP_FAILED) {
		ret = -errno;
		goto err_close;
	}
	w->hdr.magic = VF_WIRE_MAGIC;
	w->hdr.version = VF_WIRE_VERSION;
	w->hdr.serial = vf->serial;
	w->hdr.nb_queues = VF_WIRE_NB_QUEUES;
	host_rndis_mac(sim, dev, w->hdr.mac);
	__atomic_store_n(&w->hdr.state, VF_WIRE_PRESENT, __ATOMIC_RELEASE);
	if (rename(tmp, vf->path) != 0) {
		ret = -errno;
		munmap(w, sizeof(*w));
		goto err_close;
	}
	close(fd);
	vf->wire = w;
	return 0;

err_close:
	close(fd);
	unlink(tmp);
	return ret;
}

int
host_vf_add(struct hvsim *sim, struct hvsim_device *dev)
{
	struct host_vf *vf = vf_of(dev);
	int ret;

	if (dev->kind != HVSIM_DEV_NIC)
		return -EINVAL;
	if (vf == NULL) {
		vf = calloc(1, sizeof(*vf));
		if (vf == NULL)
			return -ENOMEM;
		dev->vf = vf;
	}
	if (vf->present)
		return -EALREADY;
	vf_unmap(vf);			/* the last one's: the guest has let go or never will */
	vf->serial = host_vf_next_serial++;
	ret = vf_create_file(sim, dev, vf);
	if (ret < 0)
		return ret;
	vf->present = true;
	vf->datapath_vf = false;
	vf->announced = false;
	vf->nb_adds++;
	return 0;
}

int
host_vf_remove(struct hvsim *sim, struct hvsim_device *dev)
{
	struct host_vf *vf = vf_of(dev);

	(void)sim;
	if (vf == NULL || !vf->present)
		return -EALREADY;
	/* The device is gone first, as on a surprise removal; then the host says so. */
	vf->present = false;
	vf->datapath_vf = false;
	vf->announced = false;
	__atomic_store_n(&vf->wire->hdr.state, VF_WIRE_REMOVED, __ATOMIC_RELEASE);
	unlink(vf->path);
	vf->nb_removes++;
	return 0;
}

bool
host_vf_owns_rx(const struct hvsim_device *dev)
{
	const struct host_vf *vf = vf_of(dev);

	return vf != NULL && vf->present && vf->datapath_vf;
}

/* A switch to a VF that is gone keeps the synthetic path (OpenVMM's fall-back). */
static void
vf_switch(struct host_vf *vf, bool to_vf)
{
	vf->nb_switches++;
	vf->datapath_vf = to_vf && vf->present;
}

static bool vf_complete_switch(struct hvsim *sim, struct hvsim_device *dev, uint64_t xact);

enum host_verdict
host_vf_switch_datapath(struct host_ctx *ctx, const struct host_ring_pkt *pkt,
			const uint8_t *msg, uint32_t len)
{
	struct host_vf *vf = vf_of(ctx->ch->dev);
	struct nvsp_switch_datapath req;

	if (len < NVSP_SWITCH_DATAPATH_MIN_BYTES) {
		ctx->cnt->n[HOST_CNT_NVSP_TRUNCATED]++;
		return HOST_PKT_DONE;
	}
	memcpy(&req, msg, NVSP_SWITCH_DATAPATH_MIN_BYTES);
	/*
	 * With --vf-switch-ms, as OpenVMM: the switch and its completion come
	 * later, from host_vf_poll; a newer 129 takes the place of one pending,
	 * which is completed now if asked (its guest may still wait on it).
	 */
	if (vf != NULL && ctx->sim->cfg.vf_switch_us != 0) {
		if (vf->sw.pending && vf->sw.rc &&
		    !vf_complete_switch(ctx->sim, ctx->ch->dev, vf->sw.xact))
			return HOST_PKT_WAIT;	/* the ring is full: again next pass */
		vf->sw.pending = true;
		vf->sw.to_vf = req.active_datapath == NVSP_DATAPATH_VF;
		vf->sw.rc = (pkt->hdr.flags & VMBUS_CHANPKT_FLAG_RC) != 0;
		vf->sw.xact = pkt->hdr.xact_id;
		vf->sw.due_ns = host_now_ns() + (uint64_t)ctx->sim->cfg.vf_switch_us * 1000;
		return HOST_PKT_DONE;
	}
	/* nvsp.md 3.14: an empty completion, and only when asked for. */
	if ((pkt->hdr.flags & VMBUS_CHANPKT_FLAG_RC) != 0) {
		int ret = host_reserve(ctx, host_ring_pkt_bytes(0, 0));

		if (ret != 0)
			return host_reserve_verdict(ret);
		host_ring_write_pkt(ctx->wr, VMBUS_CHANPKT_TYPE_COMP, 0, pkt->hdr.xact_id, NULL, 0,
				    NULL, 0);
		host_fault_note_completion(ctx->ch->dev, HVSIM_CTL_NVSP, pkt->hdr.xact_id, NULL, 0);
	}
	if (vf == NULL)
		return HOST_PKT_DONE;	/* no VF ever: stays synthetic */
	vf_switch(vf, req.active_datapath == NVSP_DATAPATH_VF);
	return HOST_PKT_DONE;
}

/* The guest declared SR-IOV in an NVSP >= 4 session and its buffers are set up. */
static bool
vf_session_ready(const struct hvsim_device *dev)
{
	const struct host_dev *hd = dev->host;

	return hd != NULL && hd->open && !dev->rescinded && hd->nvsp.version >= NVSP_VERSION_4 &&
	       (hd->nvsp.ndis_caps & NVSP_NDIS_CAP_SRIOV) != 0 && hd->txbuf.base != NULL;
}

/* One packet on the primary, in a write batch of its own. false: retry later. */
static bool
vf_write_primary(struct hvsim *sim, struct hvsim_device *dev, uint16_t type, uint64_t xact,
		 const void *msg, uint32_t len)
{
	struct host_chan *hc = host_channel_get(&dev->chan[0]);
	struct host_ring_writer wr;

	if (hc == NULL || host_ring_write_begin(&hc->ring, &wr) != 0)
		return false;
	if (host_ring_write_pkt(&wr, type, 0, xact, NULL, 0, msg, len) != 0) {
		host_ring_write_end(&wr);
		return false;
	}
	if (host_ring_write_end(&wr)) {
		hc->cnt.n[HOST_CNT_INTERRUPTS]++;
		hvsim_kernel_interrupt(sim, &dev->chan[0]);
	}
	return true;
}

/* A 129's empty completion (nvsp.md 3.14) on the primary. false: retry later. */
static bool
vf_complete_switch(struct hvsim *sim, struct hvsim_device *dev, uint64_t xact)
{
	if (!vf_write_primary(sim, dev, VMBUS_CHANPKT_TYPE_COMP, xact, NULL, 0))
		return false;
	host_fault_note_completion(dev, HVSIM_CTL_NVSP, xact, NULL, 0);
	return true;
}

/* nvsp.md 3.13 on the primary. false: retry later. */
static bool
vf_send_association(struct hvsim *sim, struct hvsim_device *dev, struct host_vf *vf)
{
	struct nvsp_vf_association msg = {
		.msg_type = NVSP_MSG4_TYPE_SEND_VF_ASSOCIATION,
		.allocated = vf->present ? 1u : 0u,
		.serial = vf->serial,
	};

	if (!vf_write_primary(sim, dev, VMBUS_CHANPKT_TYPE_INBAND, 0, &msg, sizeof(msg)))
		return false;
	vf->nb_assoc_sent++;
	return true;
}

/* A pending 129 once due: the switch, then its empty completion if asked (3.14). */
static unsigned int
vf_switch_due(struct hvsim *sim, struct hvsim_device *dev, struct host_vf *vf)
{
	if (!vf->sw.pending || host_now_ns() < vf->sw.due_ns)
		return 0;
	if (vf->sw.rc && !vf_complete_switch(sim, dev, vf->sw.xact))
		return 0;
	vf->sw.pending = false;
	vf_switch(vf, vf->sw.to_vf);
	return 1;
}

/* A new NVSP session knows nothing of the VF: synthetic, association due again. */
static unsigned int
vf_announce(struct hvsim *sim, struct hvsim_device *dev, struct host_vf *vf)
{
	bool ready = vf_session_ready(dev);

	if (!ready) {
		vf->session = false;
		vf->datapath_vf = false;
		vf->sw.pending = false;
		return 0;
	}
	if (!vf->session) {
		vf->session = true;
		vf->announced = false;
	}
	if (vf->announced || (!vf->present && vf->nb_adds == 0))
		return 0;
	vf->announced = vf_send_association(sim, dev, vf);
	return vf->announced ? 1 : 0;
}

/* Guest VF tx rings to the wire; stops when the device is removed. */
static unsigned int
vf_drain_tx(struct hvsim_device *dev, struct host_vf *vf)
{
	struct vf_wire *w = vf->wire;
	unsigned int nb = 0;

	for (uint32_t q = 0; q < VF_WIRE_NB_QUEUES; q++) {
		struct vf_wire_ring *r = &w->tx[q];
		uint32_t prod = __atomic_load_n(&r->prod, __ATOMIC_ACQUIRE);
		uint32_t cons = r->cons;

		while (cons != prod && nb < 1024) {
			const struct vf_wire_slot *s = &r->slot[cons % VF_WIRE_NB_SLOTS];
			uint32_t len = s->len;		/* read once: the guest owns the slot */

			if (len >= 14 && len <= VF_WIRE_FRAME_MAX)
				hvsim_backend_transmit(dev->backend_state, s->data, len);
			cons++;
			nb++;
			w->hdr.tx_frames++;
			vf->nb_tx++;
		}
		__atomic_store_n(&r->cons, cons, __ATOMIC_RELEASE);
	}
	return nb;
}

/* The rx ring for f: Toeplitz over the IPv4 address pair with the VF's key, as its RSS would. */
static uint32_t
vf_rx_queue(const struct vf_wire *w, const struct hvsim_frame *f)
{
	uint32_t nb = __atomic_load_n(&w->hdr.nb_rxq, __ATOMIC_ACQUIRE);
	struct host_l3 l3;

	if (nb <= 1 || nb > VF_WIRE_NB_QUEUES || w->hdr.rss_on == 0)
		return 0;
	l3 = host_l3_parse(f->data, f->len);
	if (!l3.ip || l3.ipv6)
		return 0;
	return host_toeplitz(w->hdr.rss_key, sizeof(w->hdr.rss_key), f->data + l3.off + 12, 8) %
	       nb;
}

/* Backend frames to the VF while the data path is the VF's; full ring: they wait. */
static unsigned int
vf_fill_rx(struct hvsim_device *dev, struct host_vf *vf)
{
	struct vf_wire *w = vf->wire;
	struct hvsim_backend *be = dev->backend_state;
	const struct hvsim_frame *f;
	unsigned int nb = 0;

	while (nb < 1024 && (f = hvsim_backend_peek(be)) != NULL) {
		struct vf_wire_ring *r = &w->rx[vf_rx_queue(w, f)];
		uint32_t prod = r->prod;
		const uint8_t *data = f->data;
		uint32_t len = f->len;

		if (!__atomic_load_n(&w->hdr.started, __ATOMIC_ACQUIRE)) {
			w->hdr.rx_dropped++;		/* a stopped VF drops */
			vf->nb_rx_dropped++;
		} else {
			if (f->has_vlan) {
				len = host_offload_vlan_insert(f->data, f->len, f->vlan_tci, vf->frame);
				data = vf->frame;
			}
			if (prod - __atomic_load_n(&r->cons, __ATOMIC_ACQUIRE) == VF_WIRE_NB_SLOTS)
				break;
			if (len > VF_WIRE_FRAME_MAX) {
				w->hdr.rx_dropped++;
				vf->nb_rx_dropped++;
			} else {
				r->slot[prod % VF_WIRE_NB_SLOTS].len = len;
				memcpy(r->slot[prod % VF_WIRE_NB_SLOTS].data, data, len);
				__atomic_store_n(&r->prod, prod + 1, __ATOMIC_RELEASE);
				w->hdr.rx_frames++;
				vf->nb_rx++;
			}
		}
		hvsim_backend_consume(be);
		nb++;
	}
	return nb;
}

unsigned int
host_vf_poll(struct hvsim *sim)
{
	unsigned int nb = 0;

	for (unsigned int d = 0; d < sim->nb_devices && d < HVSIM_MAX_DEVICES; d++) {
		struct hvsim_device *dev = &sim->dev[d];
		struct host_vf *vf = vf_of(dev);

		if (vf == NULL)
			continue;
		nb += vf_announce(sim, dev, vf);
		nb += vf_switch_due(sim, dev, vf);
		if (!vf->present || dev->backend_state == NULL)
			continue;
		nb += vf_drain_tx(dev, vf);
		if (vf->datapath_vf)
			nb += vf_fill_rx(dev, vf);
	}
	return nb;
}

void
host_vf_write_counters(struct hvsim *sim, FILE *out)
{
	for (unsigned int d = 0, n = 0; d < sim->nb_devices && d < HVSIM_MAX_DEVICES; d++) {
		const struct hvsim_device *dev = &sim->dev[d];
		const struct host_vf *vf = vf_of(dev);

		if (dev->kind != HVSIM_DEV_NIC)
			continue;
		if (vf != NULL)
			fprintf(out, "nic%u vf %s datapath %s serial %u adds %" PRIu64
				" removes %" PRIu64 " switches %" PRIu64 " associations %" PRIu64
				" vf_rx %" PRIu64 " vf_rx_dropped %" PRIu64 " vf_tx %" PRIu64
				" switch_pending %u\n",
				n, vf->present ? "present" : "absent",
				vf->datapath_vf ? "vf" : "synthetic", vf->serial, vf->nb_adds,
				vf->nb_removes, vf->nb_switches, vf->nb_assoc_sent,
				vf->nb_rx, vf->nb_rx_dropped, vf->nb_tx, vf->sw.pending ? 1u : 0u);
		n++;
	}
}

void
host_vf_release(struct hvsim *sim)
{
	for (unsigned int d = 0; d < HVSIM_MAX_DEVICES; d++) {
		struct host_vf *vf = vf_of(&sim->dev[d]);

		if (vf == NULL)
			continue;
		if (vf->present)
			unlink(vf->path);
		vf_unmap(vf);
		free(vf);
		sim->dev[d].vf = NULL;
	}
}
