#!/usr/bin/env bash
# A/B benchmark (make bench): our netvsc PMD and VMBus bus against DPDK
# 22.11's own, over the same hvsim, in one invocation, alternating runs.
#
#   ours: build/subprojects/dpdk's dpdk-testpmd / dpdk-l3fwd
#         + -d build/drivers (our bus and PMD) + its mempool_ring
#   ref:  build-ref's dpdk-testpmd / dpdk-l3fwd + -d build-ref/drivers (DPDK's
#         bus/vmbus, net/netvsc, mempool/ring), built from the same source
#         with the same options (--build-ref); LD_PRELOAD build-ref's
#         libqstate_fix.so (22.11's netvsc leaves its queues "stopped":
#         app/test/conformance/qstate_fix.c, compiled against build-ref)
#
# Each side finds hvsim's NICs the way it would on Hyper-V: a vmbus bus
# scanning /sys/bus/vmbus and opening /dev/uioN, redirected by hvsim's
# preload. hvsim runs --busy-poll, pinned to core 0; the guest's
# forwarding lcore is core 1 (-l 0-1, --nb-cores=1, also with 4 queues).
# PA mode (hugepages reserved here and given back, --iova-mode=pa) as root,
# else VA.
#
# Cases (frame sizes without FCS; hvsim gen's frames are UDP, 64 flows
# differing in source address and port so 22.11's address-pair RSS spreads
# them):
#   rx    hvsim gen (unlimited)  -> testpmd rxonly; Mpps = port RX-packets
#   tx    testpmd txonly         -> hvsim sink;     Mpps = port TX-packets
#   fwd   hvsim gen -> testpmd io -> back to gen;   Mpps = port TX-packets
#         each at BENCH_SIZES (64 512 1518) x BENCH_QUEUES (1 4); the rate is
#         the counter's deltas over BENCH_SECONDS after BENCH_WARMUP, taken
#         in slices of about a second (see BENCH_NEAR_NS)
#   l3fwd hvsim gen (8 flows) -> dpdk-l3fwd LPM (2 ports, 1 lcore) -> sink;
#         Mpps = frames the guest sent on the second NIC (hvsim counter)
#   tso   TCP bulk transfer, Linux (netns) -> TAP -> testpmd csum fwd with
#         `tso set 800` -> TAP -> Linux (netns): Gbit/s of payload (root)
#   ipp   guest instructions per packet, 64 B, 1 queue (callgrind, VA mode:
#         valgrind does not map hugepages): instructions inside the PMD's
#         burst functions (ours netvsc_rx_burst / netvsc_tx_burst, ref
#         hn_recv_pkts / hn_xmit_pkts), callees included, per packet
#         testpmd's forwarding engine counted; for rx and fwd, above the
#         cost of an empty poll per rx burst call (see run_ipp)
#   class calibration of the machine, not a comparison: what the interfaces
#         issue 7's goals name as the class reach here in the same topology,
#         64 B, 1 queue, two testpmd processes (peer forwarding on core 0,
#         guest on core 1); sides memif (our build's testpmd and net/memif)
#         and virtio-user (Debian's dpdk-testpmd, same DPDK version: guest
#         virtio-user, peer vhost-user); class-rx = peer txonly -> guest
#         rxonly, class-tx = guest txonly -> peer rxonly; Mpps = the guest's
#         port counter, as rx/tx (see run_class)
# Each measured case runs BENCH_RUNS times per side (ours, ref, ref, ours,
# ...); the table gives median, min..max and the ours/ref ratio.
#
#   bash devtools/bench.sh              everything; prints the table
#   bash devtools/bench.sh --doc FILE   also writes FILE (doc/performance.md)
#                                       and its SVG plots beside it
#   bash devtools/bench.sh --build-ref  (re)build build-ref only
#   BENCH_SECONDS (3) BENCH_WARMUP (1) BENCH_RUNS (3) BENCH_SIZES BENCH_QUEUES
#   BENCH_CASES ("rx tx fwd l3fwd tso ipp devargs class") BENCH_SIDES ("ours ref";
#   class has its own: memif virtio-user, a side skipped if it is not installed)
#   devargs: ours only, tx per tx_copybreak and fwd with rx_extmbuf_enable 0/1
#   (the settings take turns run by run), the measurements behind the devarg
#   defaults in doc/netvsc.md
#   BENCH_IPP_PACKETS (rx/fwd packets under callgrind: 2000, at most 2048)
#   BENCH_IPP_RUNS (3; instruction counts barely vary) BENCH_TSO_MIB (256)
#   BENCH_PROFILE_DIR: keep each ipp run's callgrind profile there
#   BENCH_NEAR_NS (200): rx/tx/fwd/class runs measure in slices of about a
#   second, each followed by the core 0 <-> 1 round trip with the run going
#   on (about 90 ns with the vCPUs close, 300-800 far apart; each measurement
#   takes the two cores from the run for 2-15 ms, left out of the rate); the
#   slices under BENCH_NEAR_NS also give the "@near" rows (the report's
#   placement split). 0: one unbroken interval, no round trip, no split
#   BENCH_TRACE=1: those runs also print "trace:" lines, every slice's rate
#   and round trip (a placement that changes mid-run shows)
#   BENCH_COUNTERS=1: rx/tx/fwd runs also print "counters:", hvsim's counters
#   at the end of the interval that say who waited (rxbuf_slots_busy: the
#   guest holds the receive buffer; rx_no_slot, rx_ring_full: host passes
#   stopped for the guest; all since hvsim started), and "bursts:", testpmd's
#   burst statistics of its first stream (`set record-burst-stats on`: how
#   many rx bursts came back empty, how full the others were) and the frames
#   its engine dropped at tx, since the start
# Result lines: "result: CASE SIZE QUEUES SIDE UNIT v1 v2 ...".
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${BUILD:-$TOP/build}
REF=${REF_BUILD:-$TOP/build-ref}
PYTHON=${PYTHON:-python3}

# --- the reference build ---------------------------------------------------

# Configure build-ref with the DPDK options build/ gave its subproject
# (devtools/bench_ref_options.py), rebuild it, compile the queue-state shim.
ref_build() {
	local want t0 shim=$REF/libqstate_fix.so src=$TOP/app/test/conformance/qstate_fix.c
	t0=$(date +%s)
	want=$(meson introspect "$BUILD" --buildoptions | "$PYTHON" "$TOP/devtools/bench_ref_options.py") ||
		{ echo "build-ref: cannot read $BUILD's options"; return 1; }
	if [ ! -f "$REF/build.ninja" ] || [ "$(cat "$REF/.bench-options" 2>/dev/null)" != "$want" ]; then
		rm -rf "$REF"
		# shellcheck disable=SC2086 # one option per word
		meson setup "$REF" "$TOP/subprojects/dpdk" $want >"$TOP/.build-ref-setup.log" 2>&1 ||
			{ tail -30 "$TOP/.build-ref-setup.log"; return 1; }
		mv "$TOP/.build-ref-setup.log" "$REF/setup.log"
		printf '%s\n' "$want" >"$REF/.bench-options"
	fi
	ninja -C "$REF" >"$REF/ninja.log" 2>&1 || { tail -30 "$REF/ninja.log"; return 1; }
	[ -f "$REF/.build-seconds" ] || echo "$(($(date +%s) - t0)) s on $(nproc) CPUs, $(date -u +%F)" >"$REF/.build-seconds"
	if [ ! -f "$shim" ] || [ "$src" -nt "$shim" ] || [ "$REF/build.ninja" -nt "$shim" ]; then
		# shellcheck disable=SC2046 # pkg-config's flags, one per word
		cc -O2 -shared -fPIC -o "$shim" "$src" \
			$(PKG_CONFIG_PATH=$REF/meson-uninstalled pkg-config --cflags libdpdk-uninstalled) \
			-include rte_config.h -march=corei7 -DALLOW_INTERNAL_API -DALLOW_EXPERIMENTAL_API \
			-Wno-unused-parameter -ldl || return 1
	fi
	echo "build-ref: ok (DPDK $(cat "$TOP/subprojects/dpdk/VERSION"), $REF, $(($(date +%s) - t0)) s)"
}

# --- l3fwd, run by hvsim (its preload and run directory) ---------------------

# --l3fwd-inside SIDE SECS WARMUP DIR EAL...: l3fwd routes nic0 -> nic1;
# prints "l3fwd: FRAMES SECONDS" (frames the guest sent on nic1).
l3fwd_inside() {
	local side=$1 secs=$2 warmup=$3 dir=$4 pid= app a b t0 t1
	shift 4
	app=$BUILD/subprojects/dpdk/examples/dpdk-l3fwd
	[ "$side" = ref ] && app=$REF/examples/dpdk-l3fwd
	taskset -a -p -c 0 "$PPID" >/dev/null 2>&1	# hvsim: core 0
	start() {	# $1 $2: l3fwd's ports of nic0, nic1; then the EAL arguments
		local p0=$1 p1=$2
		shift 2
		printf 'R198.18.0.0/24 %s\nR198.18.1.0/24 %s\n' "$p1" "$p0" >"$dir/v4.cfg"
		printf 'R2001:200::/48 0\n' >"$dir/v6.cfg"
		# --parse-ptype: the ref lists no packet types without a VF (both
		# PMDs also parse every frame themselves)
		"$app" "$@" -l 1 -- -p 0x3 --config="(0,0,1),(1,0,1)" --lookup=lpm --parse-ptype \
			--rule_ipv4="$dir/v4.cfg" --rule_ipv6="$dir/v6.cfg" \
			--eth-dest="$p1,00:15:5d:ff:ff:02" --eth-dest="$p0,00:15:5d:ff:ff:01" \
			>"$dir/l3fwd.log" 2>&1 &
		pid=$!
		for _ in $(seq 150); do
			grep -q 'entering main loop' "$dir/l3fwd.log" && return 0
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		cat "$dir/l3fwd.log"; return 1
	}
	halt() { [ -z "$pid" ] || { kill -INT "$pid"; wait "$pid"; pid=; }; }
	mac_port() {
		grep -oE 'Initializing port [0-9]+|Address:[0-9A-F:]{17}' "$dir/l3fwd.log" |
			awk -v mac="Address:00:15:5D:00:00:0$(($1 + 1))" \
				'/^Initializing/ { p = $3 } $0 == mac { print p; exit }'
	}
	nic1_tx() { "$BUILD/app/hvsim/hvsim" ctl counters | grep -m1 '^nic1 ' | grep -oE 'tx_frames [0-9]+' | grep -oE '[0-9]+$'; }
	start 0 1 "$@" || return 1
	if [ "$(mac_port 0)" != 0 ]; then halt; start 1 0 "$@" || return 1; fi
	"$BUILD/app/hvsim/hvsim" ctl gen 0 start >/dev/null
	sleep "$warmup"
	a=$(nic1_tx); t0=$(date +%s.%N)
	sleep "$secs"
	b=$(nic1_tx); t1=$(date +%s.%N)
	"$BUILD/app/hvsim/hvsim" ctl gen 0 stop >/dev/null
	sleep 0.3
	halt
	echo "l3fwd: $((b - a)) $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')"
}

case ${1:-} in
--build-ref) ref_build; exit ;;
--l3fwd-inside) shift; l3fwd_inside "$@"; exit ;;
esac

DOC=
[ "${1:-}" = --doc ] && DOC=$(realpath -m "$2")

. "$TOP/app/test/lib/common.sh"
. "$TOP/app/test/conformance/lib/testpmd.sh"

SECS=${BENCH_SECONDS:-3}
WARMUP=${BENCH_WARMUP:-1}
RUNS=${BENCH_RUNS:-3}
SIZES=${BENCH_SIZES:-64 512 1518}
QUEUES=${BENCH_QUEUES:-1 4}
CASES=${BENCH_CASES:-rx tx fwd l3fwd tso ipp devargs class}
SIDES=${BENCH_SIDES:-ours ref}
IPP_PACKETS=${BENCH_IPP_PACKETS:-2000}
IPP_RUNS=${BENCH_IPP_RUNS:-3}
TSO_MIB=${BENCH_TSO_MIB:-256}
NEAR_NS=${BENCH_NEAR_NS:-200}
[[ $NEAR_NS =~ ^[0-9]+$ ]] || fail "BENCH_NEAR_NS must be a whole number of ns, not '$NEAR_NS'"
case " $SIDES " in *=*) fail "BENCH_SIDES: ours and ref only (KEY=VALUE sides are the devargs case's)" ;; esac
MODE=$(tp_modes one)
RESULTS=$TMP/results
: >"$RESULTS"
export MODES=$MODE

[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs (hvsim on one, the guest's forwarding lcore on the other)"
[ -x "$HVSIM" ] || skip "hvsim not built"
[ -x "$TESTPMD" ] || skip "our testpmd is not built"
for f in "$REF/app/dpdk-testpmd" "$REF/examples/dpdk-l3fwd" "$REF/libqstate_fix.so"; do
	[ -e "$f" ] || fail "reference build incomplete: no $f (make build-ref)"
done
need_backend gen
need_backend sink
gen_can_hold || skip "hvsim's gen has no hold"
[ "$MODE" = pa ] && hugepages_reserve 192
# Both sides' plugins from a path EAL accepts (none under a world-writable dir).
ours_build=$BUILD
BUILD=$REF plugin_build_dir
REF_PLUGIN=$PLUGIN_BUILD
BUILD=$ours_build
plugin_build_dir

_eal_harness=$(declare -f eal_args | sed '1s/eal_args/_eal_base/')
eval "$_eal_harness"
SIDE_EAL=
eal_args() { echo "$(_eal_base "$1") -l 0-1 $SIDE_EAL"; }

# use_side ours|ref|KEY=VALUE: the testpmd the harness starts, its plugins
# and shim; KEY=VALUE is ours with that devarg (DEVARGS: ours' devargs).
use_side() {
	local devargs=${DEVARGS:-}
	case $1 in
	ref)  DISTRO_TESTPMD=$REF/app/dpdk-testpmd; QSTATE_FIX=$REF/libqstate_fix.so
	      SIDE_EAL="-d $REF_PLUGIN/drivers" ;;
	*)    DISTRO_TESTPMD=$TESTPMD; QSTATE_FIX=
	      SIDE_EAL="-d $PLUGIN_BUILD/drivers -d $PLUGIN_BUILD/subprojects/dpdk/drivers/librte_mempool_ring.so"
	      case $1 in *=*) devargs=$1 ;; esac
	      [ -n "$devargs" ] && SIDE_EAL="$SIDE_EAL -a vmbus:$NIC0_UUID,$devargs" ;;
	esac
}

NIC0_UUID=5e1ec7ed-0000-4000-8000-000000000000	# hvsim's first NIC
now() { date +%s.%N; }
hvsim_pid() { pgrep -P "$TP_PID" -x hvsim | head -1; }
pin_hvsim() {
	local p
	p=$(hvsim_pid) || true
	[ -n "$p" ] && taskset -a -p -c 0 "$p" >/dev/null 2>&1
}
mpps() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.3f", n / s / 1e6 }'; }

# steady FIELD: VAL = Mpps of testpmd's port FIELD over SECS seconds, taken
# in slices of about a second; after each slice the cores' round trip
# (c2c_ns), which says where the hypervisor has the two vCPUs, and the
# counter read again, so the c2c's own time is left out of VAL. NEAR: the
# Mpps of the slices whose round trip was under NEAR_NS (the cores close).
# BENCH_TRACE=1: every slice's Mpps/c2c as one "trace:" line.
steady() {
	local n=1 slice from to t0 t1 sum=0 secs=0 c=- r line= nclose=0
	[ "$NEAR_NS" -gt 0 ] &&
		n=$(awk -v s="$SECS" 'BEGIN { n = int(s + 0.5); print n < 1 ? 1 : n }')
	slice=$(awk -v s="$SECS" -v n="$n" 'BEGIN { print s / n }')
	NEAR=
	for _ in $(seq "$n"); do
		tp_cmd "show port stats 0" >/dev/null; from=$(tp_stat "$TP_OUT" "$1"); t0=$(now)
		sleep "$slice"
		tp_cmd "show port stats 0" >/dev/null; to=$(tp_stat "$TP_OUT" "$1"); t1=$(now)
		[ "$NEAR_NS" -gt 0 ] && c=$(c2c_run_ns)
		secs=$(awk -v a="$t0" -v b="$t1" -v s="$secs" 'BEGIN { print s + b - a }')
		sum=$((sum + to - from))
		r=$(mpps $((to - from)) "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
		line="$line $r/$c"
		if awk -v c="$c" -v m="$NEAR_NS" 'BEGIN { exit !(c + 0 > 0 && c + 0 < m) }'; then
			NEAR="$NEAR $r"
			nclose=$((nclose + 1))
		fi
	done
	[ "${BENCH_TRACE:-0}" = 1 ] && echo "trace: Mpps/c2c ns each slice:$line" >&2
	[ "$NEAR_NS" -gt 0 ] && NEAR_OF="$nclose/$n"
	VAL=$(mpps "$sum" "$secs")
}

# Hold gen and let testpmd empty the receive buffer before stop/quit: the
# PMD's requests to the host wait behind a full receive buffer.
gen_stop() { hv_ctl gen 0 stop >/dev/null; sleep 0.3; }

GEN_FLOWS=flows=64,srcip

# run_testpmd CASE SIZE QUEUES: one run of the current side; sets VAL.
run_testpmd() {
	local c=$1 size=$2 q=$3 nic
	TP_HVSIM_OPTS=(--busy-poll --queues "$q")
	TP_MBUFS=32768
	case $c in
	tx) nic=sink ;;
	*) nic="gen:size=$size,$GEN_FLOWS,hold" ;;
	esac
	tp_start "$MODE" "$nic" --nb-cores=1 --rxq="$q" --txq="$q" --rxd=2048 --txd=2048 >/dev/null
	pin_hvsim
	case $c in
	rx) tp_cmd "set fwd rxonly" >/dev/null ;;
	tx) tp_cmd "set fwd txonly" >/dev/null; tp_cmd "set txpkts $size" >/dev/null ;;
	fwd) tp_cmd "set fwd io" >/dev/null ;;
	esac
	[ "${BENCH_COUNTERS:-0}" = 1 ] && tp_cmd "set record-burst-stats on" >/dev/null
	tp_cmd "start" >/dev/null
	[ "$c" = tx ] || hv_ctl gen 0 start >/dev/null || fail "gen start"
	sleep "$WARMUP"
	case $c in
	rx) steady RX-packets ;;
	*) steady TX-packets ;;
	esac
	if [ "${BENCH_COUNTERS:-0}" = 1 ]; then
		hv_ctl counters |
			grep -E 'slots_busy|rx_ring_full|rx_no_slot|rx_xfers|rxbuf_completions|pkts_in' |
			tr -s ' ' | paste -sd' ' | sed 's/^/counters: /' >&2
		tp_cmd "show fwd stats all" | grep -m3 -E 'RX-bursts|TX-bursts|TX-dropped' |
			tr -s ' ' | paste -sd' ' | sed 's/^/bursts: /' >&2
	fi
	[ "$c" = tx ] || gen_stop
	tp_cmd "stop" >/dev/null
	[ "$c" = tx ] && tp_drain
	tp_quit
}

# run_l3fwd: one l3fwd run of the current side (1 queue per port); sets VAL.
run_l3fwd() {
	local out=$TMP/l3fwd.out line
	mkdir -p "$TMP/l3"
	bounded "$(awk -v s="$SECS" -v w="$WARMUP" 'BEGIN { printf "%d", s + w + 60 }')" "$HVSIM" run --busy-poll --nic "gen:size=64,flows=8,srcip,hold" --nic sink -- \
		bash "$TOP/devtools/bench.sh" --l3fwd-inside "$SIDE" "$SECS" "$WARMUP" "$TMP/l3" \
		$(_eal_base "$MODE") $SIDE_EAL >"$out" 2>&1
	line=$(grep -m1 '^l3fwd: [0-9]' "$out") || { tail -30 "$out"; cat "$TMP/l3/l3fwd.log"; fail "l3fwd ($SIDE) gave no figure"; }
	set -- $line
	VAL=$(mpps "$2" "$3")
}

# run_ipp CASE: testpmd under callgrind (VA mode), 64 B, 1 queue; sets VAL
# (instructions per packet inside the PMD's burst functions).
#  tx: collection only inside the burst functions (--toggle-collect), from
#      `start` to `stop` of txonly, whose every burst has work; divided by
#      the TX-packets the forwarding engine counted.
#  rx, fwd: gen's BENCH_IPP_PACKETS (2000) frames wait in the channel
#      before forwarding starts (--no-flush-rx), so the bursts are as full
#      as the PMD makes them. Not more: DPDK 22.11's netvsc drains the whole
#      channel ring into a 2048-entry queue in one rx burst, dropping what
#      does not fit, and a host refilling the ring faster than valgrind's
#      guest reads it keeps that burst from returning at all. After the
#      frames the guest polls empty rings until `stop`: the profile is
#      dumped once after 2 s of empty polls first, which gives their mean
#      cost E per rx burst call; instructions per packet =
#      (rx + tx burst instructions - E x rx burst calls) / packets (the
#      forwarding engine's count), i.e. above an empty poll per call; E is
#      printed beside it.
run_ipp() {
	local c=$1 rxf txf fwd_rx fwd_tx n cg=$TMP/cg.out opts vg end idle traffic
	case $SIDE in
	ours) rxf=netvsc_rx_burst txf=netvsc_tx_burst ;;
	ref) rxf=hn_recv_pkts txf=hn_xmit_pkts ;;
	esac
	rm -f "$cg" "$cg".*
	opts="--tool=callgrind --fair-sched=yes --callgrind-out-file=$cg --collect-atstart=no --toggle-collect=$rxf --toggle-collect=$txf"
	local saved=$DISTRO_TESTPMD
	printf '#!/bin/sh\nexec valgrind %s %s "$@"\n' "$opts" "$saved" >"$TMP/vg-testpmd"
	chmod +x "$TMP/vg-testpmd"
	DISTRO_TESTPMD=$TMP/vg-testpmd
	TP_HVSIM_OPTS=(--busy-poll)
	TP_MBUFS=16384
	TP_START_SECS=180 TP_RUN_SECS=600
	case $c in
	tx) tp_start va sink --nb-cores=1 --rxd=2048 --txd=2048 >/dev/null ;;
	*) tp_start va "gen:size=64,$GEN_FLOWS,count=$IPP_PACKETS,hold" \
		--nb-cores=1 --rxd=2048 --txd=2048 --no-flush-rx >/dev/null ;;
	esac
	DISTRO_TESTPMD=$saved
	pin_hvsim
	vg=$(pgrep -f -- "--callgrind-out-file=$cg " | head -1)
	case $c in
	rx) tp_cmd "set fwd rxonly" >/dev/null ;;
	tx) tp_cmd "set fwd txonly" >/dev/null; tp_cmd "set txpkts 64" >/dev/null ;;
	fwd) tp_cmd "set fwd io" >/dev/null ;;
	esac
	tp_cmd "start" 60 >/dev/null
	if [ "$c" = tx ]; then
		sleep "$(awk -v s="$SECS" 'BEGIN { print s * 3 }')"
	else
		sleep 2
		callgrind_control -d "$vg" >/dev/null 2>&1 || fail "callgrind_control -d $vg"
		tp_cmd "stop" 120 >/dev/null
		hv_ctl gen 0 start >/dev/null
		n=$(hv_rx_settled)
		[ "$n" -ge "$IPP_PACKETS" ] || fail "ipp: only $n of $IPP_PACKETS frames wait in the guest's ring"
		tp_cmd "start" 60 >/dev/null
		end=$((SECONDS + 120))
		until [ $SECONDS -ge $end ] || grep -q "RX-packets: *$IPP_PACKETS" <<<"$(tp_cmd "show port stats 0" 60)"; do sleep 0.05; done
	fi
	tp_cmd "stop" 120 >/dev/null
	fwd_rx=$(tp_fwd_stat "$TP_OUT" RX-packets)
	fwd_tx=$(tp_fwd_stat "$TP_OUT" TX-packets)
	[ "$c" = tx ] && tp_drain
	tp_quit 120
	TP_START_SECS=30 TP_RUN_SECS=120
	[ -s "$cg" ] || fail "callgrind wrote no profile"
	[ -z "${BENCH_PROFILE_DIR:-}" ] || cp "$cg" "$BENCH_PROFILE_DIR/ipp-$c-$SIDE.callgrind"
	n=$fwd_tx
	[ "$c" = rx ] && n=$fwd_rx
	traffic=$("$PYTHON" "$TOP/devtools/bench_callgrind.py" "$cg" "$rxf" "$txf" | awk '{ c[NR] = $2; i[NR] = $3 } END { print c[1], i[1] + i[2] }')
	if [ "$c" = tx ]; then
		idle="0 0"
	else
		idle=$(ls "$cg".* 2>/dev/null | head -1)
		[ -n "$idle" ] || fail "callgrind_control wrote no dump"
		idle=$("$PYTHON" "$TOP/devtools/bench_callgrind.py" "$idle" "$rxf" | awk '{ print $2, $3 }')
	fi
	set -- $idle $traffic
	VAL=$(awk -v ic="$1" -v ii="$2" -v c="$3" -v i="$4" -v n="${n:-0}" \
		'BEGIN { e = ic ? ii / ic : 0; printf "%.0f", n ? (i - e * c) / n : 0 }')
	echo "ipp $c $SIDE: $4 instructions in $rxf + $txf ($3 $rxf calls), empty $rxf calls:" \
		"$(awk -v c="$1" -v i="$2" 'BEGIN { printf "%.4f", c ? i / c : 0 }') instructions each ($1 measured);" \
		"${n:-0} packets (forwarding engine RX $fwd_rx TX $fwd_tx) -> $VAL per packet" | tee -a "$TMP/header.raw"
}

# run_tso: a TCP bulk transfer through the current side's testpmd; sets
# VAL (Gbit/s of payload).
#
#   netns A 10.202.0.1 TAP --hvsim--> nic0 -> testpmd csum fwd, tso set 800 -> nic1 --hvsim--> TAP 10.202.0.2 netns B
#
# The TAPs carry no virtio-net header, so Linux hands hvsim <= 1514-byte
# frames (1448 bytes of TCP payload); `tso set 800` makes every such frame
# an LSO send of the PMD, which hvsim cuts into 800-byte segments, so the
# figure is dominated by the Linux stacks and TAPs, and says that TSO works
# at speed for both sides rather than which is faster. hvsim takes LSO
# frames in any layout here (--lso-any-layout): DPDK 22.11's netvsc sends
# the headers and payload in one range, which OpenVMM's netvsp refuses.
TSO_N=0
run_tso() {
	local a b na nb p c t0 t1
	TSO_N=$((TSO_N + 1))
	a=ba$$x$TSO_N b=bb$$x$TSO_N na=nvbA$$x$TSO_N nb=nvbB$$x$TSO_N
	at_exit "ip netns del $na; ip netns del $nb"
	ip netns add "$na" && ip netns add "$nb" || fail "ip netns add"
	TP_HVSIM_OPTS=(--busy-poll --lso-any-layout)
	TP_MBUFS=32768
	tp_start "$MODE" "tap:$a tap:$b" --nb-cores=1 --rxd=2048 --txd=2048 >/dev/null
	pin_hvsim
	for p in "$na $a 10.202.0.1" "$nb $b 10.202.0.2"; do
		set -- $p
		ip link set "$2" netns "$1" && ip -n "$1" addr add "$3/24" dev "$2" &&
			ip -n "$1" link set "$2" up || fail "TAP $2 into $1"
	done
	tp_cmd "port stop all" 30 >/dev/null
	for p in 0 1; do
		for c in "csum set ip hw $p" "csum set tcp hw $p" "csum set udp hw $p" \
			 "csum parse-tunnel off $p" "csum mac-swap off $p" "tso set 800 $p"; do
			tp_cmd "$c" >/dev/null
		done
	done
	tp_cmd "port start all" 30 >/dev/null
	case $TP_OUT in *[Ee]rror*|*[Ff]ail*) tp_dump; fail "tso: port start: $TP_OUT" ;; esac
	# the frames carry the namespaces' MACs (DPDK 22.11's netvsc needs the
	# filter set again after a restart, as app/test/conformance/distro_tap.sh)
	tp_cmd "set promisc all off" >/dev/null
	tp_cmd "set promisc all on" >/dev/null
	tp_cmd "set fwd csum" >/dev/null
	tp_cmd "start" >/dev/null
	for c in $(seq 40); do
		ip netns exec "$na" ping -n -c 1 -W 1 10.202.0.2 >/dev/null 2>&1 && break
		[ "$c" = 40 ] && { tp_dump; fail "tso: A never reached B through the guest"; }
	done
	bounded 120 ip netns exec "$nb" "$PYTHON" -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.202.0.2", 5003)); s.listen(1); s.settimeout(100)
open(sys.argv[1], "w").close()
c, _ = s.accept(); n = 0
while True:
    d = c.recv(1 << 20)
    if not d: break
    n += len(d)
print(n)
' "$TMP/tso.ready" >"$TMP/tso.got" &
	p=$!
	for c in $(seq 50); do [ -e "$TMP/tso.ready" ] && break; sleep 0.1; done
	t0=$(now)
	bounded 120 ip netns exec "$na" "$PYTHON" -c '
import socket, sys
s = socket.create_connection(("10.202.0.2", 5003), timeout=100)
buf = bytes(1 << 20)
for _ in range(int(sys.argv[1])): s.sendall(buf)
s.close()
' "$TSO_MIB" || fail "tso: sender failed"
	wait "$p" || fail "tso: receiver failed"
	t1=$(now)
	rm -f "$TMP/tso.ready"
	[ "$(cat "$TMP/tso.got")" = $((TSO_MIB << 20)) ] || fail "tso: B got $(cat "$TMP/tso.got") bytes"
	tp_cmd "stop" 20 >/dev/null
	tp_quit
	printf '%s\n' "$HV_COUNTERS" | awk '$(NF - 1) == "tx_lso_sends" { s += $NF } END { exit !(s > 0) }' ||
		fail "tso: hvsim saw no LSO send"
	VAL=$(awk -v n=$((TSO_MIB << 20)) -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", n * 8 / (b - a) / 1e9 }')
}

# run_class rx|tx: one run of the machine-class calibration for SIDE; sets
# VAL. Two testpmd processes, 1 queue, 64 B, over a shared-memory interface
# of the class issue 7's goals name, in the hvsim runs' topology: the peer
# (the host's place) forwards on core 0 and serves the socket, the guest
# forwards on core 1 and connects to it.
#   memif:       our build's testpmd + its net/memif (-d); peer role=server,
#                guest role=client, a socket file in TMP
#   virtio-user: Debian's dpdk-testpmd (DPDK 22.11 too: our build has no
#                net/vhost, net/virtio); peer net_vhost (vhost-user server),
#                guest net_virtio_user
#   rx: peer txonly -> guest rxonly, Mpps = the guest's port RX-packets
#   tx: guest txonly -> peer rxonly, Mpps = the guest's port TX-packets
# The guest is driven through a fifo like the harness's testpmd and
# measured as run_testpmd does (steady: the counter's delta over SECS after
# WARMUP from `start`); the peer runs non-interactively (--stats-period 1,
# its log for the record) until SIGINT. Rings of 1024 on both (memif's
# default rsize 10; virtio-user queue_size=1024), 16384 mbufs a process.
# PA mode: both processes in our hugetlbfs mount, 128 MiB each;
# --single-file-segments because virtio-user hands vhost its memory as one
# file descriptor per segment list. VA mode: --no-huge -m 512 (memfd-backed,
# which virtio-user shares the same way).
DEB_TESTPMD=/usr/bin/dpdk-testpmd
DEB_PMDS=/usr/lib/x86_64-linux-gnu/dpdk/pmds-23.0
CLASS_N=0
run_class() {
	local c=$1 dir=$TMP/class pre mem pid rc i app=() envp=(env) pv gv pf gf lim
	CLASS_N=$((CLASS_N + 1))
	pre=nvt${$}_cls$CLASS_N
	rm -rf "$dir"; mkdir -p "$dir"
	if [ "$MODE" = pa ]; then
		mem="--huge-dir $HUGE_DIR --socket-mem 128 --single-file-segments --iova-mode=pa"
	else
		mem="--no-huge -m 512 --single-file-segments --iova-mode=va"
	fi
	case $SIDE in
	memif) app=("$TESTPMD" -d "$PLUGIN_BUILD/subprojects/dpdk/drivers/librte_mempool_ring.so"
		    -d "$PLUGIN_BUILD/subprojects/dpdk/drivers/librte_net_memif.so")
	       pv=net_memif0,role=server,socket=$dir/sock,socket-abstract=no
	       gv=net_memif0,role=client,socket=$dir/sock,socket-abstract=no ;;
	virtio-user) app=("$DEB_TESTPMD")	# its PMDs load from DEB_PMDS
	       envp=(env LD_PRELOAD=)	# not the sanitizer's runtimes (ours only)
	       pv=net_vhost0,iface=$dir/sock,queues=1
	       gv=net_virtio_user0,path=$dir/sock,queues=1,queue_size=1024 ;;
	esac
	pf=txonly gf=rxonly
	[ "$c" = tx ] && pf=rxonly gf=txonly
	lim=$(awk -v s="$SECS" -v w="$WARMUP" 'BEGIN { printf "%d", s + w + 60 }')
	# shellcheck disable=SC2086 # mem: one option per word
	timeout --kill-after=5 "$lim" "${envp[@]}" "${app[@]}" --file-prefix "${pre}p" $mem \
		-l 0,1 --main-lcore 1 --no-pci --vdev="$pv" -- --nb-cores=1 --total-num-mbufs=16384 \
		--rxd=1024 --txd=1024 --forward-mode=$pf --txpkts=64 --stats-period 1 \
		--disable-link-check </dev/null >"$dir/peer.log" 2>&1 &
	pid=$!	# timeout's: it passes INT and TERM on to testpmd
	at_exit "_tp_kill $pid"
	for i in $(seq 150); do
		[ -S "$dir/sock" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	[ -S "$dir/sock" ] || { tail -30 "$dir/peer.log"; fail "class $SIDE: the peer made no socket"; }
	TP_DIR=$dir/guest
	mkdir -p "$TP_DIR"
	mkfifo "$TP_DIR/in"
	exec {TP_FD}<>"$TP_DIR/in"
	# shellcheck disable=SC2086
	timeout --kill-after=5 "$lim" "${envp[@]}" stdbuf -o0 "${app[@]}" --file-prefix "${pre}g" $mem \
		-l 0,1 --main-lcore 0 --no-pci --vdev="$gv" -- -i --nb-cores=1 --total-num-mbufs=16384 \
		--rxd=1024 --txd=1024 --forward-mode=$gf --txpkts=64 --disable-link-check \
		<"$TP_DIR/in" >"$TP_DIR/out" 2>"$TP_DIR/err" &
	TP_PID=$!
	at_exit "_tp_kill $TP_PID"
	_tp_wait_prompt 0 30 >/dev/null || { tp_dump; tail -30 "$dir/peer.log"; fail "class $SIDE: the guest did not reach its prompt"; }
	tp_cmd "start" >/dev/null
	sleep "$WARMUP"
	case $c in
	rx) steady RX-packets ;;
	tx) steady TX-packets ;;
	esac
	[ -n "$(tp_stat "$TP_OUT" RX-packets)" ] || { tp_dump; fail "class $SIDE: no port stats from the guest"; }
	tp_cmd "stop" >/dev/null
	printf 'quit\n' >&$TP_FD
	exec {TP_FD}>&-
	for i in $(seq 200); do kill -0 "$TP_PID" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$TP_PID" 2>/dev/null && { tp_dump; fail "class $SIDE: the guest did not quit"; }
	wait "$TP_PID"; rc=$?
	[ "$rc" -eq 0 ] || { tp_dump; fail "class $SIDE: the guest exited $rc"; }
	kill -INT "$pid" 2>/dev/null
	for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	_tp_kill "$pid"
	wait "$pid" 2>/dev/null
	# what EAL leaves behind: hugepage files (in our mount) and the two
	# runtime directories
	rm -rf "$dir"
	[ "$MODE" = pa ] && rm -f "$HUGE_DIR/$pre"[pg]map_*
	if [ "$(id -u)" -eq 0 ]; then rm -rf "/var/run/dpdk/${pre}p" "/var/run/dpdk/${pre}g"
	else rm -rf "${XDG_RUNTIME_DIR:-/tmp}/dpdk/${pre}p" "${XDG_RUNTIME_DIR:-/tmp}/dpdk/${pre}g"; fi
}

record() {	# CASE SIZE QUEUES SIDE UNIT values...
	echo "result: $*" | tee -a "$TMP/header.raw"
	echo "$*" >>"$RESULTS"
}

# ab NAME SIZE QUEUES UNIT FUNCTION ARGS: RUNS runs per side of SIDES,
# taking turns, which side goes first alternating. A side KEY=VALUE (ours
# with that devarg) gives the row NAME-VALUE of ours: devarg settings are
# compared run by run like ours and the ref, so the machine's drift falls
# on them alike.
ab() {
	local name=$1 size=$2 q=$3 unit=$4 i s order c2c row side
	shift 4
	declare -A vals=() near=()
	for i in $(seq "$RUNS"); do
		order=$SIDES
		[ $((i % 2)) -eq 0 ] && order=$(printf '%s\n' $SIDES | tac | tr '\n' ' ')
		for s in $order; do
			SIDE=$s; use_side "$s"
			ab_row "$name" "$s"
			c2c=$(c2c_ns)
			NEAR= NEAR_OF=
			"$@"
			echo "run: $row $size B ${q}q $side #$i: $VAL $unit (c2c $c2c ns)" \
				"${NEAR_OF:+near $NEAR_OF${NEAR:+:$NEAR}}" | sed 's/ *$//' | tee -a "$TMP/header.raw"
			vals[$s]="${vals[$s]:-} $VAL"
			near[$s]="${near[$s]:-} $NEAR"
		done
	done
	for s in $SIDES; do
		ab_row "$name" "$s"
		record "$row" "$size" "$q" "$side" "$unit" ${vals[$s]}
		# shellcheck disable=SC2086 # one figure a word
		[ -n "${near[$s]// /}" ] && record "$row" "$size" "$q" "$side" "$unit@near" ${near[$s]}
	done
	return 0
}

# ab_row NAME SIDE: sets row and side for the table (KEY=VALUE: NAME-VALUE, ours).
ab_row() {
	case $2 in
	*=*) row=$1-${2#*=}; side=ours ;;
	*) row=$1; side=$2 ;;
	esac
}

# c2c_ns: the round trip of a cache line between cores 0 and 1 right now
# (devtools/c2c_latency.c); on a VM it moves with where the vCPUs sit.
cc -O2 -pthread -o "$TMP/c2c_latency" "$TOP/devtools/c2c_latency.c" || fail "cannot build c2c_latency"
c2c_ns() { "$TMP/c2c_latency" 0 1 20000 2>/dev/null || echo "?"; }
# c2c_run_ns: the same with a run going on, a tenth as long (9 x 2000 round trips).
c2c_run_ns() { "$TMP/c2c_latency" 0 1 2000 2>/dev/null || echo "?"; }

{
echo "bench: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -1), mode $MODE," \
	"${SECS} s x $RUNS runs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
echo "bench: ours ${TESTPMD#"$TOP"/} + build/drivers; ref ${REF#"$TOP"/}/app/dpdk-testpmd + ${REF#"$TOP"/}/drivers" \
	"(DPDK $(cat "$TOP/subprojects/dpdk/VERSION"))"
echo "bench: settings: BENCH_RUNS=$RUNS BENCH_SECONDS=$SECS BENCH_WARMUP=$WARMUP BENCH_SIZES='$SIZES'" \
	"BENCH_QUEUES='$QUEUES' BENCH_CASES='$CASES' BENCH_SIDES='$SIDES' BENCH_IPP_RUNS=$IPP_RUNS" \
	"BENCH_IPP_PACKETS=$IPP_PACKETS BENCH_TSO_MIB=$TSO_MIB BENCH_NEAR_NS=$NEAR_NS"
echo "bench: core 0 <-> core 1 cache-line round trip at the start: $(c2c_ns) ns" \
	"(each run below gives its own: c2c)"
case " $CASES " in *" class "*)
echo "bench: class: memif ${TESTPMD#"$TOP"/} + its net/memif; virtio-user $DEB_TESTPMD" \
	"(Debian dpdk $(dpkg-query -W -f='${Version}' dpdk 2>/dev/null || echo "?"))" ;;
esac
echo "bench: reference build from scratch took $(cat "$REF/.build-seconds" 2>/dev/null || echo "an unknown time")"
} | tee "$TMP/header"
for c in $CASES; do
	case $c in
	rx|tx|fwd)
		for q in $QUEUES; do
			for size in $SIZES; do ab "$c" "$size" "$q" Mpps run_testpmd "$c" "$size" "$q"; done
		done ;;
	l3fwd) ab l3fwd 64 1 Mpps run_l3fwd ;;
	tso) if [ "$(id -u)" -eq 0 ] && [ -c /dev/net/tun ]; then
		ab tso 1448 1 Gbit/s run_tso
	     else
		echo "bench: tso skipped (needs root and /dev/net/tun)"
	     fi ;;
	devargs)
		sides_saved=$SIDES
		SIDES="tx_copybreak=128 tx_copybreak=512 tx_copybreak=2048"
		for size in 64 512 1518; do ab tx-copybreak "$size" 1 Mpps run_testpmd tx "$size" 1; done
		SIDES="rx_extmbuf_enable=0 rx_extmbuf_enable=1"
		for size in 512 1518; do ab fwd-rx-extmbuf "$size" 1 Mpps run_testpmd fwd "$size" 1; done
		SIDES=$sides_saved ;;
	class)
		sides_saved=$SIDES; SIDES=
		if [ -f "$PLUGIN_BUILD/subprojects/dpdk/drivers/librte_net_memif.so" ]; then SIDES=memif
		else echo "bench: class memif skipped (our build has no net/memif)"; fi
		if [ ! -x "$DEB_TESTPMD" ]; then
			echo "bench: class virtio-user skipped (no $DEB_TESTPMD)"
		elif ! ls "$DEB_PMDS"/librte_net_vhost.so* "$DEB_PMDS"/librte_net_virtio.so* >/dev/null 2>&1; then
			echo "bench: class virtio-user skipped (no net/vhost or net/virtio in $DEB_PMDS)"
		else
			SIDES="$SIDES virtio-user"
		fi
		if [ -n "$SIDES" ]; then
			ab class-rx 64 1 Mpps run_class rx
			ab class-tx 64 1 Mpps run_class tx
		fi
		SIDES=$sides_saved ;;
	ipp) if command -v valgrind >/dev/null; then
		for k in rx tx fwd; do
			RUNS_SAVED=$RUNS; RUNS=$IPP_RUNS
			ab "ipp-$k" 64 1 ins/pkt run_ipp "$k"
			RUNS=$RUNS_SAVED
		done
	     else
		echo "bench: ipp skipped (no valgrind)"
	     fi ;;
	esac
done

echo
"$PYTHON" "$TOP/devtools/bench_report.py" table "$RESULTS"
if [ -n "$DOC" ]; then
	mkdir -p "$(dirname "$DOC")"
	"$PYTHON" "$TOP/devtools/bench_report.py" doc "$RESULTS" "$DOC" "$TMP/header" ||
		fail "could not write $DOC"
	echo "bench: wrote $DOC and its plots"
fi
