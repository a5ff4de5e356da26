/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control socket (control.h): request line in, reply lines out ending
 * `ok` or `error: ...`, polled by the host loop (no thread, no blocking), and
 * the `hvsim ctl` client. What a command changes belongs to host/ and backends/.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "backend.h"
#include "host/host_vf.h"
#include "kernel/uio_proto.h"

#define CONTROL_MAX_CONNS	8
#define CONTROL_LINE_BYTES	512	/* longest request line */
#define CONTROL_MAX_ARGS	8
#define CONTROL_CLIENT_WAIT_MS	10000	/* a reply slower than this: hvsim is stuck */

struct control_conn {
	int fd;				/* -1: free */
	char in[CONTROL_LINE_BYTES];
	size_t nb_in;
	char *out;			/* reply not yet sent (open_memstream buffer) */
	size_t out_len, out_sent;
	bool peer_done;			/* peer shut its side: close once out is sent */
};

static struct {
	int listen_fd;
	struct control_conn conn[CONTROL_MAX_CONNS];
	struct pollfd pfd[1 + CONTROL_MAX_CONNS];
} control = { .listen_fd = -1 };

void
control_usage(FILE *out)
{
	fprintf(out,
		"usage: hvsim ctl [--run-dir DIR] COMMAND...   (DIR defaults to $HVSIM_RUN_DIR)\n"
		"Talks to a running hvsim through DIR/ctl.sock. Commands:\n"
		"  devices                every device: kind, index, uuid, uio, relid, backend, link\n"
		"  gen NIC start|stop     start or hold a gen or pcap backend (their hold option)\n"
		"  link NIC up|down|change  set NIC's link (NIC: 0, 1, ... or nic0) and send the\n"
		"                         guest MEDIA_CONNECT, MEDIA_DISCONNECT or NETWORK_CHANGE\n"
		"  link NIC speed MBPS    set NIC's link speed (its GEN_LINK_SPEED answer) and\n"
		"                         send the guest LINK_SPEED_CHANGE with it\n"
		"  counters               per NIC backend frames/bytes and report; per channel\n"
		"                         host counters (\"dev0.relid14 pkts_in 57\")\n"
		"  rescind NIC|echoN      withdraw the device: its /dev/uioN fds fail with EIO,\n"
		"                         its channels are not served, its sysfs directory goes\n"
		"  fault NIC KIND [ARG]   arm a fault (KIND: withhold-completions, late-completions MS,\n"
		"                         withhold-control, late-control MS, malformed-rx N, oversized,\n"
		"                         bad-ring-index, bad-completion-id, revoke-buffers,\n"
		"                         bad-xfer SHAPE, complete-id ID, short-completion ID,\n"
		"                         short-reply, txbuf-section BYTES, bad-query-info,\n"
		"                         bad-inband TYPE, flood-xfers N,\n"
		"                         subchannel-completions N, indicate-at-halt, fail-set,\n"
		"                         fail-set-oid OID, repeat-completion nvsp|rndis)\n"
		"  fault NIC clear        disarm all of NIC's faults (withheld packets go out)\n"
		"  vf NIC add|remove      plug NIC's VF stand-in in (NVSP 128 allocated, new serial)\n"
		"                         or surprise-remove it (data path back to synthetic, the\n"
		"                         guest's VF port raises RMV, NVSP 128 not allocated)\n"
		"  help                   this list\n"
		"Replies end with a line \"ok\" or \"error: ...\" (exit status 0 or 1).\n");
}

/* ---- commands ---- */

static struct hvsim_device *
control_find_nic(struct hvsim *sim, const char *text, unsigned int *index)
{
	char *end;
	unsigned long want;

	if (strncmp(text, "nic", 3) == 0)
		text += 3;
	want = strtoul(text, &end, 10);
	if (end == text || *end != '\0')
		return NULL;
	for (unsigned int d = 0, n = 0; d < sim->nb_devices; d++) {
		if (sim->dev[d].kind != HVSIM_DEV_NIC)
			continue;
		if (n++ == want) {
			*index = (unsigned int)want;
			return &sim->dev[d];
		}
	}
	return NULL;
}

/* "echoN": the N-th echo device; anything else names a NIC. */
static struct hvsim_device *
control_find_dev(struct hvsim *sim, const char *text)
{
	unsigned long want;
	unsigned int nic;
	char *end;

	if (strncmp(text, "echo", 4) != 0)
		return control_find_nic(sim, text, &nic);
	want = strtoul(text + 4, &end, 10);
	if (end == text + 4 || *end != '\0')
		return NULL;
	for (unsigned int d = 0, n = 0; d < sim->nb_devices; d++)
		if (sim->dev[d].kind == HVSIM_DEV_ECHO && n++ == want)
			return &sim->dev[d];
	return NULL;
}

static void
control_cmd_rescind(struct hvsim *sim, int argc, char **argv, FILE *out)
{
	struct hvsim_device *dev = argc == 2 ? control_find_dev(sim, argv[1]) : NULL;

	if (argc != 2) {
		fprintf(out, "error: usage: rescind NIC|echoN\n");
		return;
	}
	if (dev == NULL) {
		fprintf(out, "error: no device '%s'\n", argv[1]);
		return;
	}
	if (hvsim_kernel_rescind(sim, dev) != 0) {
		fprintf(out, "error: %s already rescinded\n", argv[1]);
		return;
	}
	fprintf(out, "%s rescinded\nok\n", argv[1]);
}

static void
control_cmd_fault(struct hvsim *sim, int argc, char **argv, FILE *out)
{
	struct hvsim_device *dev;
	char err[128];
	unsigned int nic;

	if (argc < 3 || argc > 4) {
		fprintf(out, "error: usage: fault NIC KIND [ARG] | fault NIC clear\n");
		return;
	}
	dev = control_find_nic(sim, argv[1], &nic);
	if (dev == NULL) {
		fprintf(out, "error: no NIC '%s'\n", argv[1]);
		return;
	}
	if (argc == 3 && strcmp(argv[2], "clear") == 0) {
		host_fault_clear(&dev->fault);
		fprintf(out, "nic%u faults cleared\nok\n", nic);
		return;
	}
	if (host_fault_set(&dev->fault, argv[2], argc == 4 ? argv[3] : NULL, err,
			   sizeof(err)) != 0) {
		fprintf(out, "error: %s\n", err);
		return;
	}
	fprintf(out, "nic%u fault %s armed\nok\n", nic, argv[2]);
}

static void
control_cmd_link(struct hvsim *sim, int argc, char **argv, FILE *out)
{
	static const char *const words[] = { "up", "down", "change", "speed" };
	unsigned long mbps = 0;
	struct hvsim_device *dev;
	unsigned int nic;
	char *end = NULL;
	int ev = -1;

	for (int i = 0; argc >= 3 && i < 4; i++)
		if (strcmp(argv[2], words[i]) == 0)
			ev = i;
	if (ev == HVSIM_LINK_SPEED && argc == 4)
		mbps = strtoul(argv[3], &end, 10);
	/* GEN_LINK_SPEED counts 100 bit/s: up to 429 Gbit/s */
	if (ev < 0 || argc != (ev == HVSIM_LINK_SPEED ? 4 : 3) ||
	    (ev == HVSIM_LINK_SPEED && (*end != '\0' || mbps == 0 || mbps > UINT32_MAX / 10000))) {
		fprintf(out, "error: usage: link NIC up|down|change|speed MBPS\n");
		return;
	}
	dev = control_find_nic(sim, argv[1], &nic);
	if (dev == NULL) {
		fprintf(out, "error: no NIC '%s'\n", argv[1]);
		return;
	}
	if (ev == HVSIM_LINK_SPEED)
		dev->link_speed = (uint32_t)(mbps * 10000);
	if (host_link_set(sim, dev, (enum hvsim_link_event)ev) != 0) {
		fprintf(out, "error: nic%u: too many link indications pending\n", nic);
		return;
	}
	fprintf(out, "nic%u link %s\nok\n", nic, dev->link_up ? "up" : "down");
}

static void
control_cmd_gen(struct hvsim *sim, int argc, char **argv, FILE *out)
{
	struct hvsim_device *dev;
	unsigned int nic;
	bool run;

	if (argc != 3 || (strcmp(argv[2], "start") != 0 && strcmp(argv[2], "stop") != 0)) {
		fprintf(out, "error: usage: gen NIC start|stop\n");
		return;
	}
	run = strcmp(argv[2], "start") == 0;
	dev = control_find_nic(sim, argv[1], &nic);
	if (dev == NULL || hvsim_backend_hold(dev->backend_state, !run) != 0) {
		fprintf(out, "error: no NIC '%s' with a gen or pcap backend\n", argv[1]);
		return;
	}
	fprintf(out, "nic%u gen %s\nok\n", nic, run ? "started" : "held");
}

static void
control_cmd_vf(struct hvsim *sim, int argc, char **argv, FILE *out)
{
	struct hvsim_device *dev;
	unsigned int nic;
	bool add;
	int ret;

	if (argc != 3 || (strcmp(argv[2], "add") != 0 && strcmp(argv[2], "remove") != 0)) {
		fprintf(out, "error: usage: vf NIC add|remove\n");
		return;
	}
	add = strcmp(argv[2], "add") == 0;
	dev = control_find_nic(sim, argv[1], &nic);
	if (dev == NULL) {
		fprintf(out, "error: no NIC '%s'\n", argv[1]);
		return;
	}
	ret = add ? host_vf_add(sim, dev) : host_vf_remove(sim, dev);
	if (ret == -EALREADY) {
		fprintf(out, "error: nic%u VF already %s\n", nic, add ? "present" : "absent");
		return;
	}
	if (ret != 0) {
		fprintf(out, "error: nic%u VF: %s\n", nic, strerror(-ret));
		return;
	}
	fprintf(out, "nic%u vf %s\nok\n", nic, add ? "added" : "removed");
}

static void
control_cmd_devices(struct hvsim *sim, FILE *out)
{
	for (unsigned int d = 0, nb_nic = 0, nb_echo = 0; d < sim->nb_devices; d++) {
		const struct hvsim_device *dev = &sim->dev[d];
		bool nic = dev->kind == HVSIM_DEV_NIC;

		fprintf(out, "dev%u %s%u uuid %s uio%u relid %u channels %u openers %u", d,
			nic ? "nic" : "echo", nic ? nb_nic++ : nb_echo++, dev->uuid,
			dev->uio_index, dev->chan[0].relid, dev->nb_channels, dev->nb_openers);
		if (nic)
			fprintf(out, " backend %s link %s", dev->backend,
				dev->link_up ? "up" : "down");
		fprintf(out, "%s\n", dev->rescinded ? " rescinded" : "");
	}
	fprintf(out, "ok\n");
}

static void
control_cmd_counters(struct hvsim *sim, FILE *out)
{
	for (unsigned int d = 0, nb_nic = 0; d < sim->nb_devices; d++) {
		struct hvsim_backend *be = sim->dev[d].backend_state;
		char prefix[16];

		if (sim->dev[d].kind != HVSIM_DEV_NIC)
			continue;
		snprintf(prefix, sizeof(prefix), "nic%u", nb_nic);
		host_fault_write(&sim->dev[d].fault, prefix, out);
		if (be == NULL || be->ops == NULL) {
			fprintf(out, "nic%u backend none\n", nb_nic++);
			continue;
		}
		fprintf(out, "nic%u tx_frames %llu tx_bytes %llu rx_frames %llu rx_bytes %llu\n",
			nb_nic++, (unsigned long long)be->tx_frames,
			(unsigned long long)be->tx_bytes, (unsigned long long)be->rx_frames,
			(unsigned long long)be->rx_bytes);
		if (be->ops->report != NULL)
			be->ops->report(be, out);
	}
	host_write_counters(sim, out);
	host_vf_write_counters(sim, out);
	fprintf(out, "ok\n");
}

static void
control_cmd_help(FILE *out)
{
	control_usage(out);
	fprintf(out, "ok\n");
}

/* Split line at blanks into argv (at most CONTROL_MAX_ARGS); returns argc. */
static int
control_split(char *line, char **argv)
{
	int argc = 0;

	for (char *save = NULL, *tok = strtok_r(line, " \t\r", &save); tok != NULL;
	     tok = strtok_r(NULL, " \t\r", &save)) {
		if (argc == CONTROL_MAX_ARGS)
			return -1;
		argv[argc++] = tok;
	}
	return argc;
}

void
control_execute(struct hvsim *sim, const char *line, FILE *out)
{
	char copy[CONTROL_LINE_BYTES], *argv[CONTROL_MAX_ARGS];
	int argc;

	snprintf(copy, sizeof(copy), "%s", line);
	argc = control_split(copy, argv);
	if (argc <= 0)
		fprintf(out, "error: %s\n", argc == 0 ? "empty request" : "too many words");
	else if (strcmp(argv[0], "link") == 0)
		control_cmd_link(sim, argc, argv, out);
	else if (strcmp(argv[0], "gen") == 0)
		control_cmd_gen(sim, argc, argv, out);
	else if (strcmp(argv[0], "rescind") == 0)
		control_cmd_rescind(sim, argc, argv, out);
	else if (strcmp(argv[0], "fault") == 0)
		control_cmd_fault(sim, argc, argv, out);
	else if (strcmp(argv[0], "vf") == 0)
		control_cmd_vf(sim, argc, argv, out);
	else if (strcmp(argv[0], "devices") == 0 && argc == 1)
		control_cmd_devices(sim, out);
	else if (strcmp(argv[0], "counters") == 0 && argc == 1)
		control_cmd_counters(sim, out);
	else if (strcmp(argv[0], "help") == 0)
		control_cmd_help(out);
	else
		fprintf(out, "error: unknown command '%s' (try help)\n", argv[0]);
}

/* ---- server ---- */

int
control_start(struct hvsim *sim)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	for (unsigned int i = 0; i < CONTROL_MAX_CONNS; i++)
		control.conn[i].fd = -1;
	if ((size_t)snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%s", sim->run_dir,
			     CONTROL_SOCK_NAME) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "hvsim: control socket path too long\n");
		return -1;
	}
	control.listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (control.listen_fd < 0 ||
	    bind(control.listen_fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    listen(control.listen_fd, CONTROL_MAX_CONNS) != 0) {
		fprintf(stderr, "hvsim: control socket %s: %s\n", sun.sun_path, strerror(errno));
		control_stop(sim);
		return -1;
	}
	return 0;
}

static void
control_close_conn(struct control_conn *c)
{
	close(c->fd);
	free(c->out);
	*c = (struct control_conn){ .fd = -1 };
}

static void
control_accept(void)
{
	int fd = accept4(control.listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	for (unsigned int i = 0; i < CONTROL_MAX_CONNS; i++) {
		if (control.conn[i].fd < 0) {
			control.conn[i] = (struct control_conn){ .fd = fd };
			return;
		}
	}
	close(fd);		/* too many clients: this one sees EOF */
}

/* Send what is left of the reply; false when the connection is gone. */
static bool
control_flush(struct control_conn *c)
{
	while (c->out != NULL && c->out_sent < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_sent, c->out_len - c->out_sent,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return true;
		if (n <= 0)
			return false;
		c->out_sent += (size_t)n;
	}
	free(c->out);
	c->out = NULL;
	return !c->peer_done;
}

/* Answer the first complete line in c->in (one reply in flight at a time). */
static void
control_answer_line(struct hvsim *sim, struct control_conn *c)
{
	char *nl = memchr(c->in, '\n', c->nb_in);
	size_t used;
	FILE *out;

	if (nl == NULL && c->nb_in < sizeof(c->in))
		return;
	out = open_memstream(&c->out, &c->out_len);
	if (out == NULL)
		return;
	if (nl == NULL) {
		fprintf(out, "error: request line longer than %d bytes\n", CONTROL_LINE_BYTES - 1);
		used = c->nb_in;
	} else {
		*nl = '\0';
		control_execute(sim, c->in, out);
		used = (size_t)(nl - c->in) + 1;
	}
	fclose(out);
	c->out_sent = 0;
	memmove(c->in, c->in + used, c->nb_in - used);
	c->nb_in -= used;
}

static bool
control_read(struct hvsim *sim, struct control_conn *c)
{
	ssize_t n = recv(c->fd, c->in + c->nb_in, sizeof(c->in) - c->nb_in, MSG_DONTWAIT);

	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
	if (n == 0)
		c->peer_done = true;
	c->nb_in += (size_t)n;
	if (c->out == NULL)
		control_answer_line(sim, c);
	return c->out != NULL || !c->peer_done;
}

static void
control_service(struct hvsim *sim, struct control_conn *c, short revents)
{
	bool alive = true;

	if (c->out == NULL && (revents & (POLLIN | POLLHUP | POLLERR)))
		alive = control_read(sim, c);
	if (alive && c->out != NULL)
		alive = control_flush(c);
	if (alive && c->out == NULL && c->nb_in != 0) {
		control_answer_line(sim, c);	/* pipelined requests */
		alive = c->out == NULL || control_flush(c);
	}
	if (!alive)
		control_close_conn(c);
}

void
control_poll(struct hvsim *sim)
{
	unsigned int nb = 0, map[CONTROL_MAX_CONNS];

	if (control.listen_fd < 0)
		return;
	control.pfd[nb++] = (struct pollfd){ .fd = control.listen_fd, .events = POLLIN };
	for (unsigned int i = 0; i < CONTROL_MAX_CONNS; i++) {
		struct control_conn *c = &control.conn[i];

		if (c->fd < 0)
			continue;
		map[nb - 1] = i;
		control.pfd[nb++] = (struct pollfd){
			.fd = c->fd, .events = c->out != NULL ? POLLOUT : POLLIN,
		};
	}
	if (poll(control.pfd, nb, 0) <= 0)
		return;
	for (unsigned int k = 1; k < nb; k++)
		if (control.pfd[k].revents != 0)
			control_service(sim, &control.conn[map[k - 1]], control.pfd[k].revents);
	if (control.pfd[0].revents & POLLIN)
		control_accept();
}

void
control_stop(struct hvsim *sim)
{
	char path[sizeof(sim->run_dir) + sizeof(CONTROL_SOCK_NAME) + 1];

	for (unsigned int i = 0; i < CONTROL_MAX_CONNS; i++)
		if (control.conn[i].fd >= 0)
			control_close_conn(&control.conn[i]);
	if (control.listen_fd >= 0) {
		close(control.listen_fd);
		snprintf(path, sizeof(path), "%s/%s", sim->run_dir, CONTROL_SOCK_NAME);
		unlink(path);
	}
	control.listen_fd = -1;
}

/* ---- client ---- */

static int
control_client_connect(const char *run_dir)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if ((size_t)snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%s", run_dir,
			     CONTROL_SOCK_NAME) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "hvsim ctl: run dir path too long\n");
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
		return fd;
	fprintf(stderr, "hvsim ctl: %s: %s\n", sun.sun_path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* One reply line: print it; 0 ok (done), 1 error (done), 2 more to come. */
static int
control_client_line(const char *line)
{
	if (strcmp(line, "ok") == 0)
		return 0;
	if (strncmp(line, "error:", 6) == 0) {
		fprintf(stderr, "hvsim ctl: %s\n", line);
		return 1;
	}
	printf("%s\n", line);
	return 2;
}

/* Read reply lines until `ok` or `error:`; the exit status. */
static int
control_client_read(int fd)
{
	char buf[4096];
	size_t nb = 0;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	for (;;) {
		char *nl = memchr(buf, '\n', nb);
		ssize_t n;
		int ret;

		if (nl != NULL) {
			*nl = '\0';
			ret = control_client_line(buf);
			if (ret != 2)
				return ret;
			nb -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, nb);
			continue;
		}
		if (nb == sizeof(buf) - 1 || poll(&pfd, 1, CONTROL_CLIENT_WAIT_MS) <= 0 ||
		    (n = recv(fd, buf + nb, sizeof(buf) - 1 - nb, 0)) <= 0) {
			fprintf(stderr, "hvsim ctl: no complete reply\n");
			return 1;
		}
		nb += (size_t)n;
	}
}

static int
control_client_send(int fd, int argc, char **argv)
{
	char line[CONTROL_LINE_BYTES];
	size_t len = 0;

	for (int i = 0; i < argc; i++) {
		int n = snprintf(line + len, sizeof(line) - len, "%s%s", i ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= sizeof(line) - len - 1) {
			fprintf(stderr, "hvsim ctl: request too long\n");
			return -1;
		}
		len += (size_t)n;
	}
	line[len++] = '\n';
	return send(fd, line, len, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

int
control_client_main(int argc, char **argv)
{
	const char *run_dir = getenv(UIO_PROTO_ENV_RUN_DIR);
	int first = 1, fd, ret;

	if (argc >= 3 && strcmp(argv[1], "--run-dir") == 0) {
		run_dir = argv[2];
		first = 3;
	}
	if (first >= argc || strcmp(argv[first], "-h") == 0 ||
	    strcmp(argv[first], "--help") == 0) {
		control_usage(first >= argc ? stderr : stdout);
		return first >= argc ? 2 : 0;
	}
	if (run_dir == NULL || run_dir[0] == '\0') {
		fprintf(stderr, "hvsim ctl: no --run-dir and no $%s\n", UIO_PROTO_ENV_RUN_DIR);
		return 2;
	}
	fd = control_client_connect(run_dir);
	if (fd < 0)
		return 1;
	ret = control_client_send(fd, argc - first, argv + first);
	if (ret == 0)
		ret = control_client_read(fd);
	else
		ret = 1;
	close(fd);
	return ret;
}
