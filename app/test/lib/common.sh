# Shared helpers for integration and conformance scripts (sourced, not run).
# Paths, EAL arguments for PA and VA mode, hugepages a test reserves and
# gives back, and a cleanup trap every script installs.
set -u

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
HVSIM=$BUILD/app/hvsim/hvsim
DRIVERS=$BUILD/drivers
DPDK_BUILD=$BUILD/subprojects/dpdk
TESTPMD=$DPDK_BUILD/app/dpdk-testpmd
ECHO_APP=$BUILD/app/test/integration/vmbus_echo_app
DISTRO_TESTPMD=/usr/bin/dpdk-testpmd
ECHO_UUID0=ec40ec40-0000-4000-8000-000000000000
ECHO_UUID1=ec40ec40-0000-4000-8000-000000000001
NIC_UUID0=5e1ec7ed-0000-4000-8000-000000000000
SKIP=77

TMP=$(mktemp -d "${TMPDIR:-/tmp}/nvtest.$$.XXXXXX")
_cleanups=()

at_exit() { _cleanups+=("$*"); }

_run_cleanups() {
	local i
	for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${_cleanups[$i]}" >/dev/null 2>&1 || true
	done
	rm -rf "$TMP"
}
trap _run_cleanups EXIT

# DPDK leaves a process's runtime directory (DPDK_RUN/PREFIX) behind: ours
# (prefixes nvt<our pid>_*, see eal_args) go at exit, after the processes.
if [ "$(id -u)" -eq 0 ]; then DPDK_RUN=/var/run/dpdk; else DPDK_RUN=${XDG_RUNTIME_DIR:-/tmp}/dpdk; fi
at_exit "rm -rf $DPDK_RUN/nvt${$}_*"

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit $SKIP; }
need_root() { [ "$(id -u)" -eq 0 ] || skip "needs root ($*)"; }

# Reserve N 2 MiB hugepages and mount hugetlbfs in our own directory;
# the trap gives them back. Sets HUGE_DIR.
hugepages_reserve() {
	local n=$1 sys=/proc/sys/vm/nr_hugepages before
	need_root "hugepages"
	before=$(cat $sys)
	echo $((before + n)) > $sys
	# Give back our n, not "before": other tests may hold pages meanwhile.
	at_exit "echo \$((\$(cat $sys) - $n)) > $sys"
	[ "$(cat $sys)" -ge $((before + n)) ] || fail "could not reserve $n hugepages"
	HUGE_DIR=$TMP/huge
	mkdir -p "$HUGE_DIR"
	mount -t hugetlbfs -o pagesize=2M nodev "$HUGE_DIR" || fail "hugetlbfs mount"
	at_exit "hugetlbfs_umount $HUGE_DIR"
}

# A guest killed on a failure path may still hold its hugepage files for a
# moment: retry (5 s at most) so no mount is left behind. A process still
# mapping them then (orphaned when its hvsim was killed, say, and waiting out
# its control timeouts) is killed: only this test's processes map files of
# this test's own mount.
hugetlbfs_umount() {
	for _ in $(seq 1 50); do
		umount "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	local maps
	case $1 in "$TMP"/?*) ;; *) umount "$1"; return ;; esac	# never a wider pattern
	for maps in $(grep -l -F -- "$1/" /proc/[0-9]*/maps 2>/dev/null); do
		maps=${maps#/proc/}
		kill -KILL "${maps%/maps}" 2>/dev/null
	done
	for _ in $(seq 1 50); do
		umount "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	umount "$1"
}

# EAL arguments: mode pa (hugepages, IOVA as PA, as on Hyper-V) or va.
eal_args() {
	local mode=$1 prefix=nvt${$}_$RANDOM
	case $mode in
	pa) echo "--file-prefix $prefix --huge-dir $HUGE_DIR -m 256 --iova-mode=pa" ;;
	va) echo "--file-prefix $prefix --no-huge -m 256 --iova-mode=va" ;;
	*) fail "unknown mode $mode" ;;
	esac
}

# Modes this run can test: pa needs root.
test_modes() {
	if [ "$(id -u)" -eq 0 ]; then echo "pa va"; else echo "va"; fi
}

# wait_file FILE PID: until FILE has bytes (30 s), or PID is gone; false if it never did.
wait_file() {
	for _ in $(seq 1 150); do
		[ -s "$1" ] && return 0
		kill -0 "$2" 2>/dev/null || break
		sleep 0.2
	done
	[ -s "$1" ]
}

# Run a command with a deadline; returns its status (124 on timeout).
bounded() {
	local secs=$1; shift
	timeout --kill-after=5 "$secs" "$@"
}

# Under the sanitizer build: the preload library is not instrumented, so ASan
# must not insist on coming first; DPDK's EAL keeps memory until exit.
export ASAN_OPTIONS=${ASAN_OPTIONS:-verify_asan_link_order=0:detect_leaks=0}
# Our plugins built with ASan load into the subproject's plain testpmd: the
# sanitizer runtimes must be in the process before them.
if nm -D "$DRIVERS/librte_bus_vmbus.so" 2>/dev/null | grep -q __asan_init; then
	export LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)"
	SANITIZED=1
fi
SANITIZED=${SANITIZED:-0}
# The tests' own tools run without it (ASan finds a heap overflow in mawk).
awk() { LD_PRELOAD= command awk "$@"; }
# Rates tests pace traffic at: the instrumented build is several times slower.
pace() { echo $(($1 / (SANITIZED ? 5 : 1))); }
# Frame counts of runs that test correctness, not volume: a quarter there.
frames() { echo $(($1 / (SANITIZED ? 4 : 1))); }
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# EAL refuses -d plugin paths below a world-writable directory (a checkout
# in /tmp, say), after realpath(), so a symlink does not help. As root,
# bind-mount the directory holding the build trees somewhere private
# (RUNPATH $ORIGIN/.. paths and build-asan's relative link to build/'s DPDK
# keep working); else copy our plugins. Sets PLUGIN_BUILD, the build dir to
# use for -d (not in a subshell: the cleanup must be registered here).
plugin_build_dir() {
	local d safe real
	real=$(realpath "$BUILD")
	d=$real
	while [ "$d" != "/" ]; do
		[ -n "$(find "$d" -maxdepth 0 -perm -0002 2>/dev/null)" ] && break
		d=$(dirname "$d")
	done
	if [ "$d" = "/" ]; then PLUGIN_BUILD=$BUILD; return; fi
	if [ "$(id -u)" -eq 0 ]; then
		safe=$(mktemp -d /run/nvbuild.XXXXXX)
		mount --bind "$(dirname "$real")" "$safe" || fail "bind mount of $(dirname "$real")"
		at_exit "umount -l $safe; rmdir $safe"
		PLUGIN_BUILD=$safe/$(basename "$real")
		return
	else
		safe=$(mktemp -d "${XDG_RUNTIME_DIR:-$HOME}/nvbuild.XXXXXX")
		mkdir -p "$safe/drivers" "$safe/subprojects/dpdk"
		cp -a "$BUILD"/drivers/*.so "$safe/drivers/"
		cp -a "$BUILD/subprojects/dpdk/drivers" "$safe/subprojects/dpdk/"
		mkdir -p "$safe/app/hvsim/vf"
		cp -a "$BUILD"/app/hvsim/vf/*.so "$safe/app/hvsim/vf/" 2>/dev/null || true
		ln -s "$(realpath "$BUILD")/subprojects/dpdk/lib" "$safe/subprojects/dpdk/lib"
		at_exit "rm -rf $safe"
	fi
	PLUGIN_BUILD=$safe
}

# After `start`, testpmd first drains the rx queues (freeing what it finds),
# then prints "nb forwarding cores=": traffic sent before that line is lost.
# Needs testpmd's stdout line-buffered (stdbuf -oL). Args: LOG, the number of
# such lines before this start, and optionally seconds to wait (default 20).
testpmd_wait_forwarding() {
	local i
	for i in $(seq 1 $((${3:-20} * 5))); do
		[ "$(grep -c 'nb forwarding cores=' "$1")" -gt "$2" ] && return 0
		sleep 0.2
	done
	return 1
}
