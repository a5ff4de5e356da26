/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hvsim's end of the emulated device nodes: a listening socket per /dev/uioN
 * (connect = open, disconnect = close, 4-byte counts and irqcontrol values) and
 * the control socket where the preload registers guest memory and IOVA mode.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "kernel.h"
#include "uio_proto.h"

#define SERVER_MAX_CONNS	256	/* open /dev/uioN fds, all devices */
#define SERVER_MAX_CTL		64	/* guest processes with the preload talking */
#define SERVER_MAX_POLL		(1 + HVSIM_MAX_DEVICES + SERVER_MAX_CONNS + SERVER_MAX_CTL)

struct server_conn {
	int fd;				/* -1: free slot */
	struct hvsim_device *dev;
	pid_t pid;
	uint8_t partial[sizeof(uio_proto_count_t)];	/* a value split across reads */
	unsigned int nb_partial;
	bool behind;			/* socket was full: send the newest count on POLLOUT */
};

struct server_ctl {
	int fd;				/* -1: free slot */
	pid_t pid;
	uint64_t owner;			/* this connection's regions in guest_mem.c */
	uint32_t iova_mode;
};

enum server_slot_kind { SLOT_CTL_LISTEN, SLOT_DEV_LISTEN, SLOT_CONN, SLOT_CTL };

static struct {
	int ctl_listen;
	int dev_listen[HVSIM_MAX_DEVICES];
	struct server_conn conn[SERVER_MAX_CONNS];
	struct server_ctl ctl[SERVER_MAX_CTL];
	uint64_t next_owner;
	bool started;			/* stop undoes only what start did */
	struct pollfd pfd[SERVER_MAX_POLL];
	struct { enum server_slot_kind kind; unsigned int idx; } slot[SERVER_MAX_POLL];
} server;

static int
server_listen(const char *path, int type)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "hvsim: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 || listen(fd, 64) != 0) {
		fprintf(stderr, "hvsim: listen on %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int
uio_server_start(struct hvsim *sim)
{
	char path[sizeof(sim->run_dir) + 32];

	for (unsigned int i = 0; i < SERVER_MAX_CONNS; i++)
		server.conn[i].fd = -1;
	for (unsigned int i = 0; i < SERVER_MAX_CTL; i++)
		server.ctl[i].fd = -1;
	server.started = true;
	snprintf(path, sizeof(path), "%s/%s", sim->run_dir, UIO_PROTO_CTL_SOCK);
	server.ctl_listen = server_listen(path, SOCK_SEQPACKET);
	if (server.ctl_listen < 0)
		return -1;
	for (unsigned int d = 0; d < sim->nb_devices; d++) {
		snprintf(path, sizeof(path), "%s%s%u", sim->run_dir, UIO_PROTO_DEV_PREFIX,
			 sim->dev[d].uio_index);
		server.dev_listen[d] = server_listen(path, SOCK_STREAM);
		if (server.dev_listen[d] < 0)
			return -1;
	}
	return 0;
}

static pid_t
server_peer_pid(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 ? cred.pid : 0;
}

static void
server_send_count(struct hvsim_device *dev, struct server_conn *conn)
{
	uio_proto_count_t count = dev->event_count;
	ssize_t ret = send(conn->fd, &count, sizeof(count), MSG_DONTWAIT | MSG_NOSIGNAL);

	conn->behind = ret < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

void
uio_server_notify(struct hvsim *sim, struct hvsim_device *dev)
{
	(void)sim;
	for (unsigned int i = 0; i < SERVER_MAX_CONNS; i++)
		if (server.conn[i].fd >= 0 && server.conn[i].dev == dev && !server.conn[i].behind)
			server_send_count(dev, &server.conn[i]);
}

static uint32_t
server_iova_mode_of(pid_t pid)
{
	for (unsigned int i = 0; i < SERVER_MAX_CTL; i++)
		if (server.ctl[i].fd >= 0 && server.ctl[i].pid == pid)
			return server.ctl[i].iova_mode;
	return UIO_PROTO_IOVA_UNKNOWN;
}

/* open(/dev/uioN): the first opener opens the channel before anyone sees the hello. */
static void
server_accept_dev(struct hvsim *sim, unsigned int dev_idx)
{
	struct hvsim_device *dev = &sim->dev[dev_idx];
	struct server_conn *conn = NULL;
	int fd = accept4(server.dev_listen[dev_idx], NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	for (unsigned int i = 0; i < SERVER_MAX_CONNS && conn == NULL; i++)
		if (server.conn[i].fd < 0)
			conn = &server.conn[i];
	if (conn == NULL) {
		fprintf(stderr, "hvsim: uio%u: more than %u opens, refused\n", dev->uio_index,
			SERVER_MAX_CONNS);
		close(fd);
		return;
	}
	*conn = (struct server_conn){ .fd = fd, .dev = dev, .pid = server_peer_pid(fd) };
	/* The process that opens the device first owns the memory GPAs refer to. */
	if (dev->nb_openers++ == 0) {
		sim->guest_pid = conn->pid;
		sim->iova_mode = (int)server_iova_mode_of(conn->pid);
		channel_device_open(sim, dev);
	}
	server_send_count(dev, conn);
}

static void
server_close_conn(struct hvsim *sim, struct server_conn *conn)
{
	struct hvsim_device *dev = conn->dev;

	close(conn->fd);
	conn->fd = -1;
	if (--dev->nb_openers == 0) {
		channel_device_close(sim, dev);
		return;
	}
	/* A secondary process stays: GPAs now refer to its (shared) memory. */
	for (unsigned int i = 0; i < SERVER_MAX_CONNS && conn->pid == sim->guest_pid; i++) {
		if (server.conn[i].fd < 0 || server.conn[i].dev != dev ||
		    server.conn[i].pid == conn->pid)
			continue;
		sim->guest_pid = server.conn[i].pid;
		sim->iova_mode = (int)server_iova_mode_of(sim->guest_pid);
	}
}

static void
server_read_conn(struct hvsim *sim, struct server_conn *conn)
{
	uint8_t buf[64];
	ssize_t n = recv(conn->fd, buf, sizeof(buf), MSG_DONTWAIT);
	uint32_t value;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		server_close_conn(sim, conn);
		return;
	}
	for (ssize_t i = 0; i < n; i++) {
		conn->partial[conn->nb_partial++] = buf[i];
		if (conn->nb_partial < sizeof(conn->partial))
			continue;
		memcpy(&value, conn->partial, sizeof(value));
		conn->nb_partial = 0;
		channel_irqcontrol(sim, conn->dev, value);
	}
}

static void
server_accept_ctl(struct hvsim *sim)
{
	int fd = accept4(server.ctl_listen, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	for (unsigned int i = 0; i < SERVER_MAX_CTL; i++) {
		if (server.ctl[i].fd >= 0)
			continue;
		server.ctl[i] = (struct server_ctl){
			.fd = fd, .pid = server_peer_pid(fd), .owner = ++server.next_owner,
		};
		KERNEL_LOG(sim, "control connection from pid %d", (int)server.ctl[i].pid);
		return;
	}
	fprintf(stderr, "hvsim: more than %u guest processes, refused\n", SERVER_MAX_CTL);
	close(fd);
}

static void
server_close_ctl(struct server_ctl *ctl)
{
	guest_mem_forget(ctl->owner);
	close(ctl->fd);
	ctl->fd = -1;
}

/* A write() to /dev/uioN of an opened device; 1 (EIO) for any other. */
static uint8_t
server_irqcontrol(struct hvsim *sim, uint64_t uio_index, uint32_t value)
{
	for (unsigned int d = 0; d < sim->nb_devices; d++) {
		struct hvsim_device *dev = &sim->dev[d];

		if (dev->uio_index != uio_index || dev->nb_openers == 0)
			continue;
		channel_irqcontrol(sim, dev, value);
		return 0;
	}
	return 1;
}

/* 0 when done; the preload waits for this byte, so the guest never runs ahead. */
static uint8_t
server_ctl_execute(struct hvsim *sim, struct server_ctl *ctl,
		   const struct uio_proto_ctl_msg *msg, int fd)
{
	switch (msg->type) {
	case UIO_PROTO_CTL_IOVA_MODE:
		ctl->iova_mode = msg->iova_mode;
		return 0;
	case UIO_PROTO_CTL_MEM_MAP:
		if (fd < 0)
			return 1;
		KERNEL_LOG(sim, "pid %d memory va %#llx len %#llx", (int)ctl->pid,
			   (unsigned long long)msg->va, (unsigned long long)msg->len);
		return guest_mem_map(ctl->owner, ctl->pid, fd, msg->va, msg->len,
				     msg->offset) == 0 ? 0 : 1;
	case UIO_PROTO_CTL_MEM_UNMAP:
		guest_mem_unmap(ctl->owner, msg->va, msg->len);
		return 0;
	case UIO_PROTO_CTL_IRQCONTROL:
		return server_irqcontrol(sim, msg->offset, (uint32_t)msg->len);
	default:
		return 1;
	}
}

static void
server_read_ctl(struct hvsim *sim, struct server_ctl *ctl)
{
	struct uio_proto_ctl_msg msg;
	char cbuf[CMSG_SPACE(4 * sizeof(int))];
	struct iovec iov = { .iov_base = &msg, .iov_len = sizeof(msg) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	ssize_t n = recvmsg(ctl->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	int fds[4], nb_fds = 0;
	uint8_t status = 1;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		server_close_ctl(ctl);
		return;
	}
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		nb_fds = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		memcpy(fds, CMSG_DATA(cm), (size_t)nb_fds * sizeof(int));
	}
	if (n == (ssize_t)sizeof(msg) && !(mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)))
		status = server_ctl_execute(sim, ctl, &msg, nb_fds == 1 ? fds[0] : -1);
	for (int i = 0; i < nb_fds; i++)
		close(fds[i]);		/* a mapping, once made, holds the file itself */
	send(ctl->fd, &status, 1, MSG_DONTWAIT | MSG_NOSIGNAL);
}

static unsigned int
server_add_poll(unsigned int nb, int fd, short events, enum server_slot_kind kind,
		unsigned int idx)
{
	server.pfd[nb] = (struct pollfd){ .fd = fd, .events = events };
	server.slot[nb].kind = kind;
	server.slot[nb].idx = idx;
	return nb + 1;
}

/*
 * Open fds before the listeners: a close is seen before an open that came
 * after it, so a guest's last close and first open of a device (its reopen)
 * close the channel and open it again, as the kernel's release and open do.
 */
static unsigned int
server_fill_poll(const struct hvsim *sim)
{
	unsigned int nb = 0;

	for (unsigned int i = 0; i < SERVER_MAX_CONNS; i++)
		if (server.conn[i].fd >= 0)
			nb = server_add_poll(nb, server.conn[i].fd,
					     POLLIN | (server.conn[i].behind ? POLLOUT : 0),
					     SLOT_CONN, i);
	nb = server_add_poll(nb, server.ctl_listen, POLLIN, SLOT_CTL_LISTEN, 0);
	for (unsigned int d = 0; d < sim->nb_devices; d++)
		nb = server_add_poll(nb, server.dev_listen[d], POLLIN, SLOT_DEV_LISTEN, d);
	for (unsigned int i = 0; i < SERVER_MAX_CTL; i++)
		if (server.ctl[i].fd >= 0)
			nb = server_add_poll(nb, server.ctl[i].fd, POLLIN, SLOT_CTL, i);
	return nb;
}

/* A slot closed earlier in this pass may hold a new fd now: match the fd too. */
static void
server_dispatch(struct hvsim *sim, unsigned int i)
{
	const struct pollfd *pfd = &server.pfd[i];
	unsigned int idx = server.slot[i].idx;
	struct server_conn *conn = &server.conn[idx];

	switch (server.slot[i].kind) {
	case SLOT_CTL_LISTEN:
		server_accept_ctl(sim);
		break;
	case SLOT_DEV_LISTEN:
		server_accept_dev(sim, idx);
		break;
	case SLOT_CONN:
		if (conn->fd != pfd->fd)
			break;
		if (conn->behind && (pfd->revents & POLLOUT))
			server_send_count(conn->dev, conn);
		if (pfd->revents & (POLLIN | POLLHUP | POLLERR))
			server_read_conn(sim, conn);
		break;
	case SLOT_CTL:
		if (server.ctl[idx].fd == pfd->fd)
			server_read_ctl(sim, &server.ctl[idx]);
		break;
	}
}

int
uio_server_wait(struct hvsim *sim, const struct timespec *timeout, const sigset_t *sigmask)
{
	unsigned int nb = server_fill_poll(sim);
	int ret = ppoll(server.pfd, nb, timeout, sigmask);

	for (unsigned int i = 0; ret > 0 && i < nb; i++)
		if (server.pfd[i].revents != 0)
			server_dispatch(sim, i);
	return ret;
}

/* Rescind: no more opens of dev, and every open fd of it sees EOF (EIO in the guest). */
void
uio_server_rescind(struct hvsim *sim, struct hvsim_device *dev)
{
	unsigned int d = (unsigned int)(dev - sim->dev);
	char path[sizeof(sim->run_dir) + 32];

	if (server.dev_listen[d] > 0)
		close(server.dev_listen[d]);
	server.dev_listen[d] = -1;
	snprintf(path, sizeof(path), "%s%s%u", sim->run_dir, UIO_PROTO_DEV_PREFIX,
		 dev->uio_index);
	unlink(path);
	for (unsigned int i = 0; i < SERVER_MAX_CONNS; i++)
		if (server.conn[i].fd >= 0 && server.conn[i].dev == dev)
			server_close_conn(sim, &server.conn[i]);
}

/* Everyone's fds close as the guest's would at exit: devices close, memory goes. */
void
uio_server_stop(struct hvsim *sim)
{
	if (!server.started)
		return;
	server.started = false;
	for (unsigned int i = 0; i < SERVER_MAX_CONNS; i++)
		if (server.conn[i].fd >= 0)
			server_close_conn(sim, &server.conn[i]);
	for (unsigned int i = 0; i < SERVER_MAX_CTL; i++)
		if (server.ctl[i].fd >= 0)
			server_close_ctl(&server.ctl[i]);
	for (unsigned int d = 0; d < sim->nb_devices; d++)
		if (server.dev_listen[d] > 0)
			close(server.dev_listen[d]);
	if (server.ctl_listen > 0)
		close(server.ctl_listen);
	server.ctl_listen = -1;
}
