/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The `tap:<ifname>` backend: the NIC is wired to a Linux TAP interface that
 * hvsim creates (non-persistent: it goes away when hvsim exits) in hvsim's
 * network namespace and brings up. Guest frames are write()n to it; frames
 * the kernel sends out of it are read() non-blocking, one held until the
 * guest takes it, so the host loop never blocks. The fd keeps working after
 * the interface is moved to another namespace (`ip link set IF netns NS`).
 * Needs CAP_NET_ADMIN.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "backend.h"

struct tap {
	int fd;
	char ifname[IFNAMSIZ];
	bool ready;			/* buf holds a frame peek handed out */
	struct hvsim_frame next;
	uint64_t tx_dropped;		/* write() refused (queue full, interface down) */
	uint64_t rx_errors;		/* read() failed other than EAGAIN */
	uint64_t rx_too_short;
	uint8_t buf[HVSIM_FRAME_MAX_BYTES];
};

/* Best effort: up, so frames flow in this namespace too. */
static void
tap_set_up(const char *ifname)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, strnlen(ifname, IFNAMSIZ - 1));
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0)
			fprintf(stderr, "hvsim: tap %s: cannot bring up: %s\n", ifname,
				strerror(errno));
	}
	close(s);
}

static int
tap_open(struct hvsim_backend *be, const char *args)
{
	struct ifreq ifr;
	struct tap *tp;
	int ret;

	if (args == NULL || args[0] == '\0' || strlen(args) >= IFNAMSIZ ||
	    strchr(args, '/') != NULL || strchr(args, '%') != NULL) {
		fprintf(stderr, "hvsim: tap needs an interface name of 1..%d characters: "
			"tap:IFNAME (got '%s')\n", IFNAMSIZ - 1, args != NULL ? args : "");
		return -EINVAL;
	}
	tp = calloc(1, sizeof(*tp));
	if (tp == NULL)
		return -ENOMEM;
	tp->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (tp->fd < 0) {
		ret = -errno;
		fprintf(stderr, "hvsim: tap: /dev/net/tun: %s\n", strerror(errno));
		free(tp);
		return ret;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, args, strlen(args));	/* < IFNAMSIZ, checked above */
	if (ioctl(tp->fd, TUNSETIFF, &ifr) != 0) {
		ret = -errno;
		fprintf(stderr, "hvsim: tap %s: TUNSETIFF: %s%s\n", args, strerror(errno),
			errno == EPERM ? " (needs CAP_NET_ADMIN)" :
			errno == EBUSY ? " (the name is taken)" : "");
		close(tp->fd);
		free(tp);
		return ret;
	}
	memcpy(tp->ifname, ifr.ifr_name, IFNAMSIZ);
	tp->ifname[IFNAMSIZ - 1] = '\0';
	tap_set_up(tp->ifname);
	be->priv = tp;
	return 0;
}

static void
tap_transmit(struct hvsim_backend *be, const uint8_t *frame, uint32_t len)
{
	struct tap *tp = be->priv;

	if (write(tp->fd, frame, len) != (ssize_t)len)
		tp->tx_dropped++;
}

static const struct hvsim_frame *
tap_peek(struct hvsim_backend *be)
{
	struct tap *tp = be->priv;
	ssize_t n;

	if (tp->ready)
		return &tp->next;
	for (;;) {
		n = read(tp->fd, tp->buf, sizeof(tp->buf));
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				tp->rx_errors++;
			return NULL;
		}
		if ((size_t)n >= 14u)
			break;
		tp->rx_too_short++;
	}
	tp->next = (struct hvsim_frame){ .data = tp->buf, .len = (uint32_t)n,
					 .csum = HVSIM_CSUM_UNKNOWN };
	tp->ready = true;
	return &tp->next;
}

static void
tap_consume(struct hvsim_backend *be)
{
	struct tap *tp = be->priv;

	tp->ready = false;
}

static void
tap_report(struct hvsim_backend *be, FILE *out)
{
	const struct tap *tp = be->priv;

	fprintf(out, "hvsim: nic%u tap %s: tx_dropped %" PRIu64 ", rx_errors %" PRIu64
		", rx_too_short %" PRIu64 "\n", be->nic_index, tp->ifname, tp->tx_dropped,
		tp->rx_errors, tp->rx_too_short);
}

static void
tap_close(struct hvsim_backend *be)
{
	struct tap *tp = be->priv;

	if (tp == NULL)
		return;
	close(tp->fd);
	free(tp);
	be->priv = NULL;
}

const struct hvsim_backend_ops hvsim_backend_tap = {
	.name = "tap",
	.open = tap_open,
	.transmit = tap_transmit,
	.peek = tap_peek,
	.consume = tap_consume,
	.report = tap_report,
	.close = tap_close,
};
