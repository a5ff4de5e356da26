#!/usr/bin/env bash
# Benchmarks of hvsim's synthetic NIC with a testpmd guest (make bench-hvsim).
#
#   rx:   hvsim gen (rate 0 = unlimited, 64 B) --> testpmd rxonly
#   tx:   testpmd txonly (64 B)                --> hvsim sink
#         both for the DISTRO netvsc PMD (Debian's testpmd, through the
#         conformance harness and its qstate shim) and for OUR PMD (the
#         subproject's testpmd, -d build/drivers); hvsim --busy-poll pinned
#         to core 0 (taskset), testpmd -l 0-1 --nb-cores=1: its forwarding
#         lcore on core 1. Mpps = testpmd's RX-/TX-packets delta over a
#         steady BENCH_SECONDS interval (after 1 s of warm-up). Also:
#         hvsim's own rate, the share of a core busy hvsim got (below 100%:
#         the machine is shared), its CPU time per packet at that rate (an
#         upper bound: it includes the spin while the guest's ring or
#         receive buffer is full) and how often it found them full.
#   cost: hvsim's CPU time per packet in its normal (sleeping, not busy)
#         mode at a fixed gen rate (BENCH_COST_RATE, 200k) into the distro
#         PMD's rxonly: (utime + stime of hvsim, /proc/PID/stat) / frames
#         hvsim handed the guest over the same interval. Includes hvsim's
#         idle passes (the sleep/wake cycle), so it is an upper bound.
#   ipp:  instructions per packet of busy hvsim, if `perf stat -e
#         instructions` works here (else "n/a").
#
# Each is run BENCH_RUNS times (3); the table gives the median and the
# spread (min..max). PA mode (hugepages) as root, else VA.
#
#   BENCH_SECONDS=N   steady interval per run (5); BENCH_SECONDS=2 is a smoke
#   BENCH_RUNS=N      repetitions (3)
#   BENCH_WARMUP=S    seconds of traffic before the interval (1)
#   BENCH_PMDS="distro ours"  BENCH_CASES="rx tx cost ipp"
#   BENCH_PERF=1      also `perf record` busy hvsim during one rx run of
#                     the distro PMD and print its top 5 symbols
# Machine-readable result lines: "bench: NAME median M min A max B".
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
. "$TOP/app/test/lib/common.sh"
. "$TOP/app/test/conformance/lib/testpmd.sh"

SECS=${BENCH_SECONDS:-5}
RUNS=${BENCH_RUNS:-3}
PMDS=${BENCH_PMDS:-distro ours}
CASES=${BENCH_CASES:-rx tx cost ipp}
COST_RATE=${BENCH_COST_RATE:-200000}
WARMUP=${BENCH_WARMUP:-1}
MODE=$(tp_modes one)
export MODES=$MODE
RESULTS=()

[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs (hvsim on one, testpmd's forwarding lcore on the other)"
tp_setup	# skips without Debian's testpmd; hugepages for PA
need_backend gen
need_backend sink
gen_can_hold || skip "hvsim's gen has no hold"
DISTRO_TP=$DISTRO_TESTPMD
DISTRO_SHIM=$QSTATE_FIX
plugin_build_dir

# testpmd's EAL: the harness's (PA or VA) plus the cores, and for our PMD
# the plugins.
_eal_harness=$(declare -f eal_args | sed '1s/eal_args/_eal_base/')
eval "$_eal_harness"
EXTRA_EAL=
eal_args() { echo "$(_eal_base "$1") -l 0-1 $EXTRA_EAL"; }

use_pmd() {
	case $1 in
	distro) DISTRO_TESTPMD=$DISTRO_TP; QSTATE_FIX=$DISTRO_SHIM; EXTRA_EAL= ;;
	ours) DISTRO_TESTPMD=$TESTPMD; QSTATE_FIX=
	      EXTRA_EAL="-d $PLUGIN_BUILD/drivers -d $PLUGIN_BUILD/subprojects/dpdk/drivers/librte_mempool_ring.so" ;;
	esac
}

now() { date +%s.%N; }
# hvsim's pid: timeout's (TP_PID) child.
hvsim_pid() { pgrep -P "$TP_PID" -x hvsim | head -1; }
pin_hvsim() {
	local p
	p=$(hvsim_pid) || true
	[ -n "$p" ] && taskset -a -p -c 0 "$p" >/dev/null 2>&1
}
# utime + stime, in clock ticks
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# steady COUNTER: sets STEADY to "packets seconds" of testpmd's port
# counter (RX-packets or TX-packets) over SECS seconds. The run_* functions
# run in the script's shell (the harness keeps state in globals) and set VAL.
# HOST_MPPS: the same from hvsim's side (frames it handed the guest, rx, or
# took from it, tx).
steady() {
	local f=$1 a b t0 t1 h0 h1 hf=rx_frames secs
	[ "$f" = TX-packets ] && hf=tx_frames
	local p c0 c1 w0 w1
	p=$(hvsim_pid)
	h0=$(hv_nic_counter $hf); w0=$(hv_waits); c0=$(cpu_ticks "$p")
	tp_cmd "show port stats 0" >/dev/null; a=$(tp_stat "$TP_OUT" "$f"); t0=$(now)
	sleep "$SECS"
	tp_cmd "show port stats 0" >/dev/null; b=$(tp_stat "$TP_OUT" "$f"); t1=$(now)
	h1=$(hv_nic_counter $hf); w1=$(hv_waits); c1=$(cpu_ticks "$p")
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	STEADY="$((b - a)) $secs"
	HOST_MPPS=$(mpps $((h1 - h0)) "$secs")
	# the share of a core busy hvsim got (< 100%: the machine is shared),
	# and how often it found the guest's rx ring or receive buffer full
	# (the guest, not hvsim, was the limit then)
	HOST_CPU=$(awk -v c=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v s="$secs" 'BEGIN { printf "%.0f", c / hz / s * 100 }')
	HOST_WAITS=$((w1 - w0))
}
# rx_no_slot + rx_ring_full, all channels
hv_waits() { hv_ctl counters | awk '$2 == "rx_no_slot" || $2 == "rx_ring_full" { n += $3 } END { print n + 0 }'; }
hv_nic_counter() { hv_ctl counters | grep -m1 '^nic0 ' | grep -oE "$1 [0-9]+" | grep -oE '[0-9]+$'; }

# Hold gen again and let testpmd empty the receive buffer before stop/quit:
# the PMD's requests to the host wait behind a full receive buffer.
gen_stop() { hv_ctl gen 0 stop >/dev/null; sleep 0.3; }

mpps() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.3f", n / s / 1e6 }'; }

# One rx run: gen unlimited 64 B, testpmd rxonly. Prints Mpps.
run_rx() {
	local prof=${1:-} p pp
	TP_HVSIM_OPTS=(--busy-poll)
	tp_start "$MODE" "gen:size=64,hold" --nb-cores=1 --rxd=4096 --txd=1024 >/dev/null
	pin_hvsim
	tp_cmd "set fwd rxonly" >/dev/null
	tp_cmd "start" >/dev/null
	hv_ctl gen 0 start >/dev/null || fail "gen start"
	sleep "$WARMUP"
	if [ -n "$prof" ]; then
		p=$(hvsim_pid)
		perf record -e cpu-clock -o "$TMP/perf.data" -p "$p" -- sleep "$SECS" >/dev/null 2>&1 &
		pp=$!
	fi
	steady RX-packets
	[ -n "$prof" ] && wait "$pp"
	gen_stop
	tp_cmd "stop" >/dev/null
	tp_quit
	VAL=$(mpps $STEADY)
}

# One tx run: testpmd txonly 64 B into sink. Prints Mpps.
run_tx() {
	TP_HVSIM_OPTS=(--busy-poll)
	tp_start "$MODE" sink --nb-cores=1 --rxd=1024 --txd=4096 >/dev/null
	pin_hvsim
	tp_cmd "set fwd txonly" >/dev/null
	tp_cmd "set txpkts 64" >/dev/null
	tp_cmd "start" >/dev/null
	sleep "$WARMUP"
	steady TX-packets
	tp_cmd "stop" >/dev/null
	tp_drain
	tp_quit
	VAL=$(mpps $STEADY)
}

# hvsim CPU ns per packet, normal (sleeping) host loop, gen at COST_RATE.
run_cost() {
	local p c0 c1 f0 f1 hz
	hz=$(getconf CLK_TCK)
	TP_HVSIM_OPTS=()
	tp_start "$MODE" "gen:size=64,rate=$COST_RATE,hold" --nb-cores=1 --rxd=4096 >/dev/null
	pin_hvsim
	p=$(hvsim_pid)
	tp_cmd "set fwd rxonly" >/dev/null
	tp_cmd "start" >/dev/null
	hv_ctl gen 0 start >/dev/null || fail "gen start"
	sleep "$WARMUP"
	c0=$(cpu_ticks "$p"); f0=$(hv_rx_frames)
	sleep "$SECS"
	c1=$(cpu_ticks "$p"); f1=$(hv_rx_frames)
	gen_stop
	tp_cmd "stop" >/dev/null
	tp_quit
	VAL=$(awk -v c=$((c1 - c0)) -v hz="$hz" -v n=$((f1 - f0)) 'BEGIN { printf "%.0f", n ? c / hz * 1e9 / n : 0 }')
	echo "cost run: $((f1 - f0)) frames, $((c1 - c0)) ticks of hvsim CPU"
}

# Instructions per packet of busy hvsim (perf stat), rx case.
run_ipp() {
	local p ins a b
	TP_HVSIM_OPTS=(--busy-poll)
	tp_start "$MODE" "gen:size=64,hold" --nb-cores=1 --rxd=4096 >/dev/null
	pin_hvsim
	p=$(hvsim_pid)
	tp_cmd "set fwd rxonly" >/dev/null
	tp_cmd "start" >/dev/null
	hv_ctl gen 0 start >/dev/null || fail "gen start"
	sleep "$WARMUP"
	a=$(hv_rx_frames)
	ins=$(perf stat -x, -e instructions -p "$p" -- sleep "$SECS" 2>&1 | awk -F, '/instructions/ { print $1 }')
	b=$(hv_rx_frames)
	gen_stop
	tp_cmd "stop" >/dev/null
	tp_quit
	VAL=$(awk -v i="$ins" -v n=$((b - a)) 'BEGIN { printf "%.0f", n ? i / n : 0 }')
}

# stats NAME UNIT v1 v2 ...: median, min, max
record() {
	local name=$1 unit=$2 line
	shift 2
	line=$(printf '%s\n' "$@" | sort -g | awk -v n="$name" -v u="$unit" '
		{ v[NR] = $1 }
		END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		      printf "%s %s median %g min %g max %g", n, u, m, v[1], v[NR] }')
	echo "bench: $line"
	RESULTS+=("$line")
}

echo "bench-hvsim: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), mode $MODE," \
	"${SECS} s x $RUNS runs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
perf_ok=0
perf stat -x, -e instructions true 2>&1 | grep -q '^[0-9]' && perf_ok=1

for pmd in $PMDS; do
	use_pmd "$pmd"
	for c in $CASES; do
		vals=()
		case $c in
		rx|tx) hvals=() cvals=() nvals=()
		       for i in $(seq "$RUNS"); do
				run_$c
				echo "$c-$pmd run $i: testpmd $VAL Mpps, hvsim $HOST_MPPS Mpps," \
					"hvsim got ${HOST_CPU}% of a core, found the guest full $HOST_WAITS times"
				cvals+=("$HOST_CPU")
				nvals+=("$(awk -v c="$HOST_CPU" -v m="$HOST_MPPS" 'BEGIN { printf "%.0f", (m > 0 ? c * 10 / m : 0) }')")
				vals+=("$VAL"); hvals+=("$HOST_MPPS")
		       done
		       record "$c-$pmd" Mpps "${vals[@]}"
		       record "$c-$pmd(hvsim)" Mpps "${hvals[@]}"
		       record "$c-$pmd(hvsim-cpu)" % "${cvals[@]}"
		       record "$c-$pmd(hvsim-cpu/pkt)" ns "${nvals[@]}" ;;
		cost) [ "$pmd" = distro ] || continue
		      for i in $(seq "$RUNS"); do run_cost; vals+=("$VAL"); done
		      record "cost-$pmd@$COST_RATE" ns/pkt "${vals[@]}" ;;
		ipp) [ "$pmd" = distro ] || continue
		     if [ $perf_ok = 1 ]; then
			for i in $(seq "$RUNS"); do run_ipp; vals+=("$VAL"); done
			record "ipp-$pmd" ins/pkt "${vals[@]}"
		     else
			echo "bench: ipp n/a (perf stat -e instructions: not supported here)"
		     fi ;;
		esac
	done
done

if [ "${BENCH_PERF:-0}" = 1 ]; then
	use_pmd distro
	run_rx prof
	echo "perf: hvsim busy-poll, gen -> distro rxonly, top symbols (cpu-clock, self):"
	perf report -i "$TMP/perf.data" --no-children --sort symbol --stdio 2>/dev/null |
		grep -E '^ +[0-9.]+%' | head -5
fi

echo
printf '%-26s %-7s %10s %10s %10s\n' case unit median min max
for r in "${RESULTS[@]}"; do
	set -- $r
	printf '%-26s %-7s %10s %10s %10s\n' "$1" "$2" "$4" "$6" "$8"
done
