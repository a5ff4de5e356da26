/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hvsim's command line and launcher: `hvsim run [options] -- CMD` builds the
 * devices and their run directory, starts CMD under the preload library, runs
 * the host loop until CMD exits, cleans up and exits with CMD's status.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hvsim.h"
#include "control.h"
#include "host.h"
#include "host_vf.h"
#include "backend.h"
#include "kernel/kernel.h"
#include "kernel/uio_proto.h"

#define HVSIM_PRELOAD_NAME	"libhvsim_uio.so"
#define HVSIM_KILL_AFTER_S	10	/* a forwarded signal ignored this long: SIGKILL */
#define HVSIM_BUSY_POLL_PASSES	64	/* busy-poll: look at sockets once per this many */
#define HVSIM_MAX_FAULT_OPTIONS	32
#define HVSIM_BACKEND_BYTES	sizeof(((struct hvsim_device *)0)->backend)

static volatile sig_atomic_t hvsim_child_exited;
static volatile sig_atomic_t hvsim_stop_signal;

struct hvsim_options {
	bool no_monitor;
	long subchannels;		/* -1: per-kind default */
	const char *run_dir;
	struct { enum hvsim_dev_kind kind; const char *backend; } dev[HVSIM_MAX_DEVICES];
	unsigned int nb_devices;
	const char *fault[HVSIM_MAX_FAULT_OPTIONS];	/* --fault NIC:KIND[:ARG] as given */
	unsigned int nb_faults;
	const char *vf[HVSIM_MAX_DEVICES];	/* --vf NIC: a VF plugged in from the start */
	unsigned int nb_vfs;
};

static void
hvsim_usage(FILE *out)
{
	fprintf(out,
		"usage: hvsim run [options] -- CMD [ARGS...]\n"
		"       hvsim ctl [--run-dir DIR] COMMAND...  (see hvsim ctl --help)\n"
		"Runs CMD as a Hyper-V guest: VMBus devices under uio_hv_generic, emulated.\n"
		"CMD finds the run directory in $HVSIM_RUN_DIR; its ctl.sock takes hvsim ctl.\n"
		"  --nic BACKEND          synthetic NIC (repeatable); BACKEND: loop, pair:N, ...\n"
		"  --echo                 test echo device (repeatable)\n"
		"  --subchannels N        most subchannels a device grants (NIC 63, echo 0;\n"
		"                         an echo device offers them all at first open)\n"
		"  --queues N             same as --subchannels N-1\n"
		"  --rss-udp              NICs offer UDP 4-tuple RSS hash types (default off, as Azure)\n"
		"  --rss-table N          NICs report an RSS table of N entries (1..512, 128) and\n"
		"                         take a table as OpenVMM's netvsp: the entries past N\n"
		"                         ignored, a shorter one repeated up to N\n"
		"  --rsc                  NICs coalesce in-sequence TCP segments (NVSP 6.1 RSC) for\n"
		"                         guests that enable it (default off; DPDK never does)\n"
		"  --lso-any-layout       NICs segment LSO frames in any layout (default: only\n"
		"                         with the headers alone in a first range of <= 256 bytes,\n"
		"                         as OpenVMM's netvsp)\n"
		"  --link-query-up        the media status query says connected whatever the link,\n"
		"                         which indications tell, also after an RNDIS INIT (OpenVMM)\n"
		"  --vf-switch-ms N       a data path switch (NVSP 129) takes effect, and is\n"
		"                         completed, N ms after the guest asks (0; OpenVMM:\n"
		"                         once its coordinator has moved the filter)\n"
		"  --uio-abi 6.1|6.10|2025  uio_hv_generic generation to play (6.1)\n"
		"  --no-monitor           channels without monitor id (no monitor_id files)\n"
		"  --busy-poll            spin instead of sleeping between host passes\n"
		"  --poll-latency-us N    idle sleep between host passes (50)\n"
		"  --recv-buf-bytes N     NIC receive buffer, map 3 (32505856)\n"
		"  --send-buf-bytes N     NIC send buffer, map 4 (16777216)\n"
		"  --run-dir DIR          run directory to create (default: mkdtemp in /dev/shm)\n"
		"  --echo-delay-ms N      echo devices answer each packet N ms late (0)\n"
		"  --mtu N                largest MTU a guest may configure (1500..9202, 9202);\n"
		"                         a larger NDIS config falls back to 1500, as Hyper-V's\n"
		"  --fault NIC:KIND[:ARG] arm a fault from the start (repeatable; KINDs: hvsim ctl help)\n"
		"  --vf NIC               NIC has a VF (accelerated networking) from the start\n"
		"                         (repeatable; the guest loads net_hvsim_vf, doc/hvsim.md)\n"
		"  -v, --verbose          log opens, closes, offers and memory registrations\n"
		"  -h, --help             this text\n");
}

static int
hvsim_parse_u64(const char *text, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(text, &end, 0);
	if (errno != 0 || end == text || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "hvsim: bad number '%s' (%llu..%llu)\n", text,
			(unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	*out = v;
	return 0;
}

static int
hvsim_parse_abi(const char *text, enum hvsim_uio_abi *abi)
{
	if (strcmp(text, "6.1") == 0)
		*abi = HVSIM_ABI_6_1;
	else if (strcmp(text, "6.10") == 0)
		*abi = HVSIM_ABI_6_10;
	else if (strcmp(text, "2025") == 0)
		*abi = HVSIM_ABI_2025;
	else
		return -1;
	return 0;
}

static int
hvsim_add_option_device(struct hvsim_options *opt, enum hvsim_dev_kind kind,
			const char *backend)
{
	if (opt->nb_devices == HVSIM_MAX_DEVICES) {
		fprintf(stderr, "hvsim: at most %d devices\n", HVSIM_MAX_DEVICES);
		return -1;
	}
	if (backend != NULL && strlen(backend) >= HVSIM_BACKEND_BYTES) {
		fprintf(stderr, "hvsim: backend name too long: %s\n", backend);
		return -1;
	}
	opt->dev[opt->nb_devices].kind = kind;
	opt->dev[opt->nb_devices++].backend = backend;
	return 0;
}

static int
hvsim_parse_buf_bytes(const char *text, uint64_t *out)
{
	if (hvsim_parse_u64(text, 4096, UINT32_MAX & ~4095ull, out) != 0)
		return -1;
	if (*out % 4096 != 0) {
		fprintf(stderr, "hvsim: buffer size %s is not a multiple of 4096\n", text);
		return -1;
	}
	return 0;
}

/* One option; -1 on error, 1 when the caller should exit 0 (help). */
static int
hvsim_apply_option(struct hvsim *sim, struct hvsim_options *opt, int c, const char *arg)
{
	uint64_t v;

	switch (c) {
	case 'n':
		return hvsim_add_option_device(opt, HVSIM_DEV_NIC, arg);
	case 'e':
		return hvsim_add_option_device(opt, HVSIM_DEV_ECHO, NULL);
	case 's':
	case 'q':	/* --queues N counts the primary: N - 1 subchannels */
		if (hvsim_parse_u64(arg, c == 'q', HVSIM_MAX_CHANNELS - (c == 's'), &v) != 0)
			return -1;
		opt->subchannels = (long)v - (c == 'q');
		return 0;
	case 'a':
		if (hvsim_parse_abi(arg, &sim->cfg.abi) == 0)
			return 0;
		fprintf(stderr, "hvsim: --uio-abi takes 6.1, 6.10 or 2025\n");
		return -1;
	case 'm':
		opt->no_monitor = true;
		return 0;
	case 'b':
		sim->cfg.busy_poll = true;
		return 0;
	case 'l':
		if (hvsim_parse_u64(arg, 0, 1000000, &v) != 0)
			return -1;
		sim->cfg.poll_latency_us = (uint32_t)v;
		return 0;
	case 'r':
		return hvsim_parse_buf_bytes(arg, &sim->cfg.recv_buf_bytes);
	case 'S':
		return hvsim_parse_buf_bytes(arg, &sim->cfg.send_buf_bytes);
	case 'd':
		opt->run_dir = arg;
		return 0;
	case 'M':
		if (hvsim_parse_u64(arg, HVSIM_MIN_MTU, HVSIM_MAX_MTU, &v) != 0)
			return -1;
		sim->cfg.max_mtu = (uint32_t)v;
		return 0;
	case 'D':
		if (hvsim_parse_u64(arg, 0, 60000, &v) != 0)
			return -1;
		sim->cfg.echo_delay_us = (uint32_t)v * 1000;
		return 0;
	case 'U':
		sim->cfg.rss_udp = true;
		return 0;
	case 'T':
		if (hvsim_parse_u64(arg, 1, HVSIM_RSS_TABLE_MAX, &v) != 0)
			return -1;
		sim->cfg.rss_table_entries = (uint32_t)v;
		return 0;
	case 'C':
		sim->cfg.rsc = true;
		return 0;
	case 'L':
		sim->cfg.lso_any_layout = true;
		return 0;
	case 'Q':
		sim->cfg.link_query_up = true;
		return 0;
	case 'W':
		if (hvsim_parse_u64(arg, 0, 60000, &v) != 0)
			return -1;
		sim->cfg.vf_switch_us = (uint32_t)v * 1000;
		return 0;
	case 'F':
		if (opt->nb_faults == HVSIM_MAX_FAULT_OPTIONS) {
			fprintf(stderr, "hvsim: at most %d --fault\n", HVSIM_MAX_FAULT_OPTIONS);
			return -1;
		}
		opt->fault[opt->nb_faults++] = arg;
		return 0;
	case 'V':
		if (opt->nb_vfs == HVSIM_MAX_DEVICES)
			return -1;
		opt->vf[opt->nb_vfs++] = arg;
		return 0;
	case 'v':
		sim->verbose = true;
		return 0;
	case 'h':
		hvsim_usage(stdout);
		return 1;
	default:
		hvsim_usage(stderr);
		return -1;
	}
}

static int
hvsim_parse(int argc, char **argv, struct hvsim *sim, struct hvsim_options *opt)
{
	static const struct option longopts[] = {
		{ "nic", required_argument, NULL, 'n' },
		{ "echo", no_argument, NULL, 'e' },
		{ "subchannels", required_argument, NULL, 's' },
		{ "queues", required_argument, NULL, 'q' },
		{ "rss-udp", no_argument, NULL, 'U' },
		{ "rss-table", required_argument, NULL, 'T' },
		{ "rsc", no_argument, NULL, 'C' },
		{ "lso-any-layout", no_argument, NULL, 'L' },
		{ "vf-switch-ms", required_argument, NULL, 'W' },
		{ "link-query-up", no_argument, NULL, 'Q' },
		{ "uio-abi", required_argument, NULL, 'a' },
		{ "no-monitor", no_argument, NULL, 'm' },
		{ "busy-poll", no_argument, NULL, 'b' },
		{ "poll-latency-us", required_argument, NULL, 'l' },
		{ "recv-buf-bytes", required_argument, NULL, 'r' },
		{ "send-buf-bytes", required_argument, NULL, 'S' },
		{ "run-dir", required_argument, NULL, 'd' },
		{ "echo-delay-ms", required_argument, NULL, 'D' },
		{ "mtu", required_argument, NULL, 'M' },
		{ "fault", required_argument, NULL, 'F' },
		{ "vf", required_argument, NULL, 'V' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret;

	while ((c = getopt_long(argc, argv, "+vh", longopts, NULL)) != -1) {
		ret = hvsim_apply_option(sim, opt, c, optarg);
		if (ret != 0)
			return ret;
	}
	if (optind >= argc) {
		fprintf(stderr, "hvsim: no command to run (hvsim run [options] -- CMD)\n");
		return -1;
	}
	return 0;
}

/* --fault NIC:KIND[:ARG]: NIC is its number among the NICs. */
static int
hvsim_apply_fault(struct hvsim *sim, const char *text)
{
	char copy[128], err[128], *kind, *arg, *end;
	unsigned long want;

	snprintf(copy, sizeof(copy), "%s", text);
	kind = strchr(copy, ':');
	if (kind == NULL)
		goto err_usage;
	*kind++ = '\0';
	arg = strchr(kind, ':');
	if (arg != NULL)
		*arg++ = '\0';
	want = strtoul(copy + (strncmp(copy, "nic", 3) == 0 ? 3 : 0), &end, 10);
	if (*end != '\0')
		goto err_usage;
	for (unsigned int d = 0, n = 0; d < sim->nb_devices; d++) {
		if (sim->dev[d].kind != HVSIM_DEV_NIC || n++ != want)
			continue;
		if (host_fault_set(&sim->dev[d].fault, kind, arg, err, sizeof(err)) == 0)
			return 0;
		fprintf(stderr, "hvsim: --fault %s: %s\n", text, err);
		return -1;
	}
err_usage:
	fprintf(stderr, "hvsim: --fault %s: expected NIC:KIND[:ARG] naming one of the NICs\n",
		text);
	return -1;
}

static int
hvsim_build_devices(struct hvsim *sim, const struct hvsim_options *opt)
{
	for (unsigned int i = 0; i < opt->nb_devices; i++) {
		struct hvsim_device *dev = device_add(sim, opt->dev[i].kind, opt->dev[i].backend,
						      !opt->no_monitor);

		if (dev == NULL)
			return -1;
		/* A NIC grants what the guest asks, as a host with vCPUs to spare would. */
		if (opt->subchannels >= 0)
			dev->max_subchannels = (unsigned int)opt->subchannels;
		else if (dev->kind == HVSIM_DEV_NIC)
			dev->max_subchannels = HVSIM_MAX_CHANNELS - 1;
	}
	for (unsigned int i = 0; i < opt->nb_faults; i++)
		if (hvsim_apply_fault(sim, opt->fault[i]) != 0)
			return -1;
	return 0;
}

/* --vf NIC (0, 1, ... or nic0): once the run dir exists, where the VF files go. */
static int
hvsim_plug_vfs(struct hvsim *sim, const struct hvsim_options *opt)
{
	for (unsigned int i = 0; i < opt->nb_vfs; i++) {
		const char *text = opt->vf[i];
		unsigned long want;
		char *end;
		int ret = -ENODEV;

		want = strtoul(text + (strncmp(text, "nic", 3) == 0 ? 3 : 0), &end, 10);
		for (unsigned int d = 0, n = 0; *end == '\0' && d < sim->nb_devices; d++)
			if (sim->dev[d].kind == HVSIM_DEV_NIC && n++ == want)
				ret = host_vf_add(sim, &sim->dev[d]);
		if (ret != 0) {
			fprintf(stderr, "hvsim: --vf %s: %s\n", text, ret == -ENODEV ?
				"no such NIC" : strerror(-ret));
			return -1;
		}
	}
	return 0;
}

static void
hvsim_print_devices(const struct hvsim *sim)
{
	for (unsigned int d = 0, nb_nic = 0, nb_echo = 0; d < sim->nb_devices; d++) {
		const struct hvsim_device *dev = &sim->dev[d];
		bool nic = dev->kind == HVSIM_DEV_NIC;
		char monitor[8] = "none";

		if (dev->has_monitor)
			snprintf(monitor, sizeof(monitor), "%u", dev->chan[0].monitor_id);
		fprintf(stderr, "hvsim: %s %u uuid=%s uio%u relid=%u monitor=%s class=%s%s%s\n",
			nic ? "nic" : "echo", nic ? nb_nic++ : nb_echo++, dev->uuid,
			dev->uio_index, dev->chan[0].relid, monitor, dev->class_guid,
			nic ? " backend=" : "", nic ? dev->backend : "");
	}
}

/* A directory of our own: --run-dir must not exist yet, since teardown removes it. */
static int
hvsim_make_run_dir(struct hvsim *sim, const char *wanted)
{
	const char *bases[] = { "/dev/shm", getenv("TMPDIR"), "/tmp" };
	char made[PATH_MAX] = "";

	if (wanted != NULL && mkdir(wanted, 0700) == 0)
		snprintf(made, sizeof(made), "%s", wanted);
	else if (wanted != NULL)
		fprintf(stderr, "hvsim: --run-dir %s: %s\n", wanted, strerror(errno));
	for (size_t i = 0; wanted == NULL && made[0] == '\0' && i < 3; i++) {
		if (bases[i] == NULL)
			continue;
		snprintf(made, sizeof(made), "%s/hvsim.XXXXXX", bases[i]);
		if (mkdtemp(made) == NULL)
			made[0] = '\0';
	}
	if (made[0] == '\0')
		return -1;
	/* The preload compares resolved paths against it: store it resolved. */
	if (realpath(made, sim->run_dir) == NULL || strlen(sim->run_dir) > 80) {
		fprintf(stderr, "hvsim: run dir %s unusable (socket paths must stay short)\n",
			made);
		rmdir(made);
		sim->run_dir[0] = '\0';
		return -1;
	}
	return 0;
}

static int
hvsim_preload_path(char *buf, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash == NULL)
		return -1;
	*slash = '\0';
	if ((size_t)snprintf(buf, size, "%s/%s", exe, HVSIM_PRELOAD_NAME) >= size ||
	    access(buf, R_OK) != 0) {
		fprintf(stderr, "hvsim: preload library %s not found\n", buf);
		return -1;
	}
	return 0;
}

static void
hvsim_exec_child(const struct hvsim *sim, char **argv, const char *preload,
		 const sigset_t *orig_mask)
{
	const char *old = getenv("LD_PRELOAD");
	char value[2 * PATH_MAX];

	if (old != NULL && old[0] != '\0')
		snprintf(value, sizeof(value), "%s:%s", preload, old);
	else
		snprintf(value, sizeof(value), "%s", preload);
	sigprocmask(SIG_SETMASK, orig_mask, NULL);
	if (setenv("LD_PRELOAD", value, 1) != 0 ||
	    setenv(UIO_PROTO_ENV_RUN_DIR, sim->run_dir, 1) != 0)
		_exit(127);
	execvp(argv[0], argv);
	fprintf(stderr, "hvsim: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static void
hvsim_on_signal(int sig)
{
	if (sig == SIGCHLD)
		hvsim_child_exited = 1;
	else
		hvsim_stop_signal = sig;
}

/* Signals stay blocked except inside ppoll, so none is lost between checks. */
static void
hvsim_setup_signals(sigset_t *orig_mask, sigset_t *wait_mask)
{
	struct sigaction sa = { .sa_handler = hvsim_on_signal };
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, orig_mask);
	*wait_mask = *orig_mask;
	sigdelset(wait_mask, SIGCHLD);
	sigdelset(wait_mask, SIGINT);
	sigdelset(wait_mask, SIGTERM);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static void
hvsim_forward_stop(pid_t child, time_t *kill_at)
{
	int sig = hvsim_stop_signal;

	if (sig != 0) {
		hvsim_stop_signal = 0;
		kill(child, sig);
		if (*kill_at == 0)
			*kill_at = time(NULL) + HVSIM_KILL_AFTER_S;
	}
	if (*kill_at != 0 && time(NULL) >= *kill_at) {
		fprintf(stderr, "hvsim: pid %d ignored the signal, killing it\n", (int)child);
		kill(child, SIGKILL);
		*kill_at = 0;
	}
}

/* The host loop: host passes, doorbells, sockets; returns the child's wait status. */
static int
hvsim_run_loop(struct hvsim *sim, pid_t child, const sigset_t *wait_mask)
{
	const struct timespec zero = { 0, 0 };
	const struct timespec idle = {
		.tv_sec = sim->cfg.poll_latency_us / 1000000,
		.tv_nsec = (long)(sim->cfg.poll_latency_us % 1000000) * 1000,
	};
	unsigned int pass = 0;
	time_t kill_at = 0;
	int status;

	for (;;) {
		unsigned int work = channel_scan_doorbells(sim);

		work += host_poll(sim);
		work += host_vf_poll(sim);
		if (!sim->cfg.busy_poll) {
			uio_server_wait(sim, work != 0 ? &zero : &idle, wait_mask);
			control_poll(sim);
		} else if (++pass % HVSIM_BUSY_POLL_PASSES == 0) {
			uio_server_wait(sim, &zero, wait_mask);
			control_poll(sim);
		}
		hvsim_forward_stop(child, &kill_at);
		if (hvsim_child_exited) {
			hvsim_child_exited = 0;
			if (waitpid(child, &status, WNOHANG) == child)
				return status;
		}
	}
}

static int
hvsim_exit_code(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

static void
hvsim_teardown(struct hvsim *sim)
{
	if (sim->verbose)
		host_print_counters(sim);
	host_vf_release(sim);
	host_release(sim);
	hvsim_backends_close(sim, stderr);
	control_stop(sim);
	uio_server_stop(sim);
	guest_mem_destroy();
	sysfs_tree_destroy(sim);
}

static int
hvsim_run(struct hvsim *sim, char **argv)
{
	char preload[PATH_MAX];
	sigset_t orig_mask, wait_mask;
	pid_t child;
	int status;

	if (hvsim_preload_path(preload, sizeof(preload)) != 0 ||
	    hvsim_backends_open(sim) != 0 ||
	    sysfs_tree_create(sim) != 0 || uio_server_start(sim) != 0 ||
	    control_start(sim) != 0) {
		hvsim_teardown(sim);
		return 1;
	}
	hvsim_print_devices(sim);
	KERNEL_LOG(sim, "run dir %s", sim->run_dir);
	hvsim_setup_signals(&orig_mask, &wait_mask);
	child = fork();
	if (child == 0)
		hvsim_exec_child(sim, argv, preload, &orig_mask);
	if (child < 0) {
		perror("hvsim: fork");
		hvsim_teardown(sim);
		return 1;
	}
	status = hvsim_run_loop(sim, child, &wait_mask);
	hvsim_teardown(sim);
	return hvsim_exit_code(status);
}

int
main(int argc, char **argv)
{
	static struct hvsim sim;	/* large: channel tables of every device */
	struct hvsim_options opt = { .subchannels = -1 };
	int ret;

	sim.cfg = (struct hvsim_config){
		.abi = HVSIM_ABI_6_1,
		.poll_latency_us = 50,
		.max_mtu = HVSIM_MAX_MTU,
		.rss_table_entries = HVSIM_RSS_TABLE_DEFAULT,
		.recv_buf_bytes = 31ull << 20,
		.send_buf_bytes = 16ull << 20,
	};
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		hvsim_usage(stdout);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "ctl") == 0)
		return control_client_main(argc - 1, argv + 1);
	if (argc < 2 || strcmp(argv[1], "run") != 0) {
		hvsim_usage(stderr);
		return 2;
	}
	ret = hvsim_parse(argc - 1, argv + 1, &sim, &opt);
	if (ret != 0)
		return ret > 0 ? 0 : 2;
	if (opt.no_monitor && sim.cfg.abi == HVSIM_ABI_6_1)
		fprintf(stderr, "hvsim: note: 6.1 kernels refuse channels without monitor\n");
	if (hvsim_build_devices(&sim, &opt) != 0 || hvsim_make_run_dir(&sim, opt.run_dir) != 0)
		return 1;
	if (hvsim_plug_vfs(&sim, &opt) != 0) {
		host_vf_release(&sim);
		rmdir(sim.run_dir);
		return 1;
	}
	return hvsim_run(&sim, argv + 1 + optind);
}
