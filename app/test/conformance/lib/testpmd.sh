# Conformance harness (sourced after app/test/lib/common.sh): Debian's own
# dpdk-testpmd, with the distro's vmbus bus and netvsc PMD, unmodified, run
# interactively under `hvsim run`, driven through a fifo.
#
#   test script --fifo--> /usr/bin/dpdk-testpmd (distro bus + netvsc)
#                                   | ring
#                         hvsim NIC --> backend (gen, sink, loop)
#
# The distro's 22.11 netvsc never marks its queues started, so testpmd 22.11
# would never poll its port: every run preloads libqstate_fix.so, which
# detects that bug after rte_eth_dev_start and only then marks the queues
# started (doc/conformance.md). hvsim prepends its own preload to ours.
# With QSTATE_FIX empty (our PMD), the caller's preload stays (the
# sanitizer runtimes, under ASan).
#
#   tp_setup                   skip unless the distro testpmd and the shim
#                              exist; reserve hugepages for PA mode (root)
#   tp_our_pmd                 the same for our PMD instead (integration
#                              tests): the subproject's testpmd, our plugins
#   tp_start MODE NIC [testpmd args...]   start hvsim + testpmd, wait for the
#                              first prompt (hvsim gets --run-dir TP_DIR/run).
#                              NIC may list several backends, space-separated
#                              ("gen:count=9 pair:2 pair:1"): NICs 0, 1, ...
#                              TP_HVSIM_OPTS (array): extra hvsim options
#                              TP_EAL_ARGS (array): extra EAL arguments
#   tp_cmd "CMD" [SECS]        send a command, wait for the next prompt; sets
#                              TP_OUT to (and prints) what testpmd printed
#   tp_quit [SECS]             host counters, "quit", wait for hvsim's exit
#                              (status 0), no host error counters
#   tp_check_shim              the shim's report line (fails if none)
#   tp_stat TEXT FIELD         a number from testpmd output ("RX-packets")
#   tp_fwd_stat TEXT FIELD     the same from `stop`'s accumulated totals
#   gen_num / sink_num FIELD   from hvsim's backend report at exit
#   hv_ctl ARGS...             `hvsim ctl` on this run
#   hv_wait PATTERN [TRIES]    until hvsim's counters match PATTERN
#   hv_rx_frames, hv_rx_settled  frames hvsim handed the guest so far
#   tp_drain                   let the PMD reap tx completions (see below)
#   tp_gen_fwd, tp_judge_gen_fwd  a gen -> testpmd -> gen run and its judge
#   expect_eq WHAT GOT WANT
set -u

QSTATE_FIX=$BUILD/app/test/conformance/libqstate_fix.so
# A helper failing in a subshell TERMs the script; so does run-tests'
# timeout: either way the EXIT trap (common.sh) cleans up.
trap 'exit 1' TERM
TP_PROMPT='testpmd> '
TP_MBUFS=${TP_MBUFS:-16384}
TP_HVSIM_OPTS=()
TP_ARGS=()	# more testpmd arguments for tp_gen_fwd
TP_EAL_ARGS=()	# more EAL arguments for tp_start (--log-level=...)
TP_AFTER=()	# testpmd commands tp_gen_fwd runs after the traffic
TP_N=0
GEN_HELD=0
EARLY=0
TP_PID=
TP_RC=

tp_setup() {
	[ -x "$DISTRO_TESTPMD" ] || skip "Debian's dpdk-testpmd is not installed"
	[ -f "$QSTATE_FIX" ] || skip "libqstate_fix.so not built (needs the distro's dpdk-dev headers)"
	[ -x "$HVSIM" ] || skip "hvsim not built"
	MODES=${MODES:-$(test_modes)}
	case $MODES in *pa*) hugepages_reserve 256 ;; esac
}

# Our PMD instead of the distro's: the subproject's testpmd with our plugins
# (-d, TP_OUR_EAL; TP_EAL_ARGS starts as them), no shim; skips unless built.
# Not in a subshell: plugin_build_dir registers its cleanup.
tp_our_pmd() {
	[ -x "$TESTPMD" ] || skip "our testpmd is not built"
	[ -x "$HVSIM" ] || skip "hvsim is not built"
	plugin_build_dir
	DISTRO_TESTPMD=$TESTPMD
	QSTATE_FIX=
	TP_OUR_EAL=(-d "$PLUGIN_BUILD/drivers"
		    -d "$PLUGIN_BUILD/subprojects/dpdk/drivers/librte_mempool_ring.so")
	TP_EAL_ARGS=("${TP_OUR_EAL[@]}")
	MODES=${MODES:-$(test_modes)}
	case $MODES in *pa*) hugepages_reserve 256 ;; esac
}

# hvsim must know a backend; otherwise the scenario skips with the reason.
need_backend() {
	local b=$1 d
	d=$(mktemp -d "$TMP/probe.XXXXXX")
	if ! bounded 10 "$HVSIM" run --nic "$b" -- true >"$d/out" 2>&1; then
		skip "hvsim has no '$b' NIC backend yet ($(grep -m1 -i 'backend\|nic' "$d/out"))"
	fi
}

# hvsim must have `hvsim ctl SUBCOMMAND`.
need_ctl() {
	"$HVSIM" ctl --help 2>&1 | grep -qE "^ +$1 " ||
		skip "hvsim has no 'ctl $1' yet"
}

# PID is timeout(1)'s: it leads its own process group (hvsim, testpmd) and
# passes TERM on; KILL of that group is the last resort.
_tp_kill() {
	local pid=$1 i
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
	kill -KILL -- "-$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# tp_start MODE NIC [testpmd args...]; TP_CMD_WRAP (optional): a bash
# script run under hvsim instead (testpmd args ignored, no prompt awaited).
tp_start() {
	local mode=$1 nic=$2 secs=${TP_RUN_SECS:-120} nics=()
	shift 2
	TP_N=$((TP_N + 1))
	TP_DIR=$TMP/tp$TP_N
	mkdir -p "$TP_DIR"
	mkfifo "$TP_DIR/in"
	: >"$TP_DIR/out"
	: >"$TP_DIR/err"
	nics=(--run-dir "$TP_DIR/run")
	for w in $nic; do nics+=(--nic "$w"); done	# "gen:... pair:2 pair:1": NICs 0, 1, 2
	# read-write open: never blocks, and testpmd sees no EOF until we close
	exec {TP_FD}<>"$TP_DIR/in"
	TP_EAL=$(eal_args "$mode")
	if [ -n "${TP_CMD_WRAP:-}" ]; then
		LD_PRELOAD=${QSTATE_FIX:-${LD_PRELOAD:-}} timeout --kill-after=5 "$secs" "$HVSIM" run "${TP_HVSIM_OPTS[@]}" "${nics[@]}" -- \
			bash -c "$TP_CMD_WRAP" <"$TP_DIR/in" >"$TP_DIR/out" 2>"$TP_DIR/err" &
	else
		# stdbuf: testpmd's printf output must reach the file before the
		# prompt (written unbuffered by cmdline) does
		LD_PRELOAD=${QSTATE_FIX:-${LD_PRELOAD:-}} timeout --kill-after=5 "$secs" "$HVSIM" run "${TP_HVSIM_OPTS[@]}" "${nics[@]}" -- \
			stdbuf -o0 "$DISTRO_TESTPMD" $TP_EAL "${TP_EAL_ARGS[@]}" -- -i --total-num-mbufs="$TP_MBUFS" "$@" \
			<"$TP_DIR/in" >"$TP_DIR/out" 2>"$TP_DIR/err" &
	fi
	TP_PID=$!	# timeout's own pid (not a subshell's): _tp_kill relies on it
	at_exit "_tp_kill $TP_PID"
	[ -n "${TP_CMD_WRAP:-}" ] && return 0	# a script: nothing to wait for
	_tp_wait_prompt 0 "${TP_START_SECS:-30}" >/dev/null ||
		{ tp_dump; fail "$mode: testpmd did not reach its prompt"; }
}

# Wait until the output past byte OFFSET holds a prompt (testpmd prints one
# only once a command is done; with `set verbose` packet dumps may follow
# it); print what came before it.
_tp_wait_prompt() {
	local off=$1 secs=$2 end text
	end=$((SECONDS + secs))
	while [ $SECONDS -le $end ]; do
		text=$(tail -c +$((off + 1)) "$TP_DIR/out")
		case $text in *"$TP_PROMPT"*) printf '%s\n' "${text%%"$TP_PROMPT"*}"; return 0 ;; esac
		# cmdline writes the prompt a character at a time, so `set verbose`
		# packet dumps (one write per packet) can split it: look again
		# with the dumps taken out
		case $text in *"port "*"/queue "*)
			case $(printf '%s\n' "$text" | sed -E 's/(port [0-9]+\/queue [0-9]+: (received|sent) [0-9]+ packets|  src=.*|  ol_flags: .*)$//' | tr -d '\n') in
			*"$TP_PROMPT"*) printf '%s\n' "$text"; return 0 ;;
			esac ;;
		esac
		kill -0 "$TP_PID" 2>/dev/null || { printf '%s\n' "$text"; return 1; }
		sleep 0.05
	done
	printf '%s\n' "$text"
	return 1
}

# Sets TP_OUT to the output and prints it. Call it in the script's own
# shell (not in $(...) or a pipeline) so that a failure ends the test;
# if it does fail in a subshell, it signals the script (TERM -> exit 1).
tp_cmd() {
	local cmd=$1 secs=${2:-15} off
	off=$(stat -c %s "$TP_DIR/out")
	printf '%s\n' "$cmd" >&$TP_FD
	if ! TP_OUT=$(_tp_wait_prompt "$off" "$secs"); then
		tp_dump
		echo "FAIL: testpmd: no prompt within ${secs}s after '$cmd'" >&2
		[ "$BASH_SUBSHELL" -gt 0 ] && kill -TERM $$
		exit 1
	fi
	printf '%s\n' "$TP_OUT"
}

tp_quit() {
	local secs=${1:-20} i
	HV_COUNTERS=
	kill -0 "$TP_PID" 2>/dev/null && HV_COUNTERS=$(hv_ctl counters 2>&1)
	kill -0 "$TP_PID" 2>/dev/null && printf 'quit\n' >&$TP_FD
	exec {TP_FD}>&-
	for ((i = 0; i < secs * 10; i++)); do
		kill -0 "$TP_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$TP_PID" 2>/dev/null && { tp_dump; fail "hvsim/testpmd did not exit within ${secs}s of quit"; }
	wait "$TP_PID"
	TP_RC=$?
	[ "$TP_RC" -eq 0 ] || { tp_dump; fail "hvsim run exited $TP_RC"; }
	hv_check_counters
	[ -z "$QSTATE_FIX" ] || tp_check_shim >/dev/null
}

# hvsim's host counters (taken just before quit) must show nothing the
# distro PMD sent that hvsim found malformed or could not handle; but for
# the counters TP_HOST_ERRORS_OK names (an ERE: those a fault test causes).
hv_check_counters() {
	local bad
	bad=$(printf '%s\n' "$HV_COUNTERS" | grep -oE "[a-z_]*(bad|truncated|unsupported|not_supported|too_long|no_backend|no_rxbuf)[a-z_]* [1-9][0-9]*" |
		grep -vE "^(${TP_HOST_ERRORS_OK:-})( |$)" || true)
	[ -z "$bad" ] || { printf '%s\n' "$HV_COUNTERS"; fail "hvsim host error counters: $bad"; }
}

tp_report() { cat "$TP_DIR/err"; }

tp_dump() {
	{
		echo "--- testpmd stdout (tail) ---"; tail -40 "$TP_DIR/out"
		echo "--- hvsim/testpmd stderr (tail) ---"; tail -30 "$TP_DIR/err"
	} >&2
}

# The shim must have said what it found. Prints its line.
tp_check_shim() {
	grep -m1 "^qstate_fix: port 0" "$TP_DIR/err" ||
		fail "libqstate_fix.so did not report on port 0 (was it preloaded?)"
}

# tp_stat TEXT FIELD: first number after "FIELD:" in TEXT.
tp_stat() {
	printf '%s\n' "$1" | grep -oE "$2: *[0-9]+" | head -1 | grep -oE '[0-9]+$'
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "${2:-x}" = "$3" ] || { tp_dump; fail "$1: got '${2:-none}', want '$3'"; }
	echo "ok: $1 = $3"
}

# Modes a scenario runs in: "core" scenarios in every mode this run can do
# (PA as root, and VA), the others in one (PA as root, else VA).
tp_modes() {
	case $1 in
	core) test_modes ;;
	*) if [ "$(id -u)" -eq 0 ]; then echo pa; else echo va; fi ;;
	esac
}

# tp_fwd_stat TEXT FIELD: FIELD from the "Accumulated forward statistics"
# block that `stop` prints (the totals over all streams).
tp_fwd_stat() {
	printf '%s\n' "$1" | sed -n '/Accumulated forward statistics/,$p' |
		grep -oE "$2: *[0-9]+" | head -1 | grep -oE '[0-9]+$'
}

# The gen/sink report line, after tp_quit.
gen_line() { grep -E '^(hvsim: )?gen: sent' "$TP_DIR/err" | tail -1; }
sink_line() { grep -E '^(hvsim: )?sink: frames' "$TP_DIR/err" | tail -1; }
# gen_num FIELD / sink_num FIELD: "sent", "back", "lost", "corrupt", "frames",
# "bad checksum" ...
gen_num() { gen_line | grep -oE "$1 [0-9]+" | head -1 | grep -oE '[0-9]+$'; }
sink_num() { sink_line | grep -oE "$1 [0-9]+" | head -1 | grep -oE '[0-9]+$'; }

# `hvsim ctl` on the running hvsim (tp_start gives it --run-dir TP_DIR/run).
hv_ctl() { bounded 10 "$HVSIM" ctl --run-dir "$TP_DIR/run" "$@"; }

# hv_wait PATTERN [TRIES]: until a line of hvsim's counters matches PATTERN
# (grep -E), 0.1 s apart, at most TRIES times (100); false if none did.
hv_wait() {
	local i
	for i in $(seq "${2:-100}"); do
		hv_ctl counters | grep -qE -- "$1" && return 0
		sleep 0.1
	done
	return 1
}

# Frames hvsim has handed to the guest on NIC 0 so far (ctl counters).
hv_rx_frames() { hv_ctl counters | grep -m1 '^nic0 ' | grep -oE 'rx_frames [0-9]+' | grep -oE '[0-9]+'; }

# The distro PMD counts a sent frame (port TX-packets) only when it reaps
# the host's completion, which happens inside its rx/tx bursts: after
# `stop`, poll a little in rxonly so the last completions are counted.
tp_drain() {
	tp_cmd "set fwd rxonly" >/dev/null
	tp_cmd "start" >/dev/null
	sleep 0.3
	tp_cmd "stop" >/dev/null
}

# Does this hvsim's gen take "hold" (idle until `hvsim ctl gen N start`)?
gen_can_hold() { "$HVSIM" ctl --help 2>&1 | grep -q "gen NIC start"; }

# tp_gen_begin: called once testpmd is up and forwarding. With a held gen
# (GEN_HELD=1) it starts gen now: nothing was delivered before, EARLY is 0
# and the judges become exact. Without hold, EARLY (read before forwarding
# began) is what hvsim delivered while testpmd was not yet up.
tp_gen_begin() {
	if [ "$GEN_HELD" = 1 ]; then
		[ "$EARLY" = 0 ] || fail "held gen delivered $EARLY frames before its start"
		hv_ctl gen 0 start >/dev/null || fail "hvsim ctl gen 0 start"
	fi
}

# Wait until hvsim stops handing frames to an idle guest (its receive buffer
# is full: gen holds the rest back); print that count. Used before forwarding
# starts, so "delivered before testpmd was ready" is a fixed number.
hv_rx_settled() {
	local a b i
	a=$(hv_rx_frames)
	for i in $(seq 50); do
		sleep 0.1
		b=$(hv_rx_frames)
		[ "$a" = "$b" ] && break
		a=$b
	done
	echo "$a"
}

# tp_gen_fwd MODE GENSPEC N FWD [testpmd commands before forwarding...]:
# testpmd forwards (FWD: io, csum, ...) what `--nic GENSPEC` sends (GENSPEC
# has count=N). gen is held until testpmd forwards (if hvsim's gen can
# hold); else a 4 MiB receive buffer keeps what piles up before testpmd is
# up small. Sets EARLY (frames hvsim delivered before testpmd was up: the
# 22.11 PMD may discard those, see doc/conformance.md; 0 with hold),
# FWD_OUT (`stop`'s output) and PORT_STATS (after tp_drain); hvsim has
# exited.
tp_gen_fwd() {
	local mode=$1 spec=$2 n=$3 fwd=$4 c end
	shift 4
	TP_HVSIM_OPTS=(--recv-buf-bytes 4194304)
	# a 16k-entry rx ring: the PMD drops what does not fit when its polling
	# core is descheduled (2 cores shared with hvsim); 16k is 65 ms at 250 kpps
	TP_MBUFS=40960
	gen_can_hold && GEN_HELD=1 || GEN_HELD=0
	[ "$GEN_HELD" = 1 ] && spec=$spec,hold
	tp_start "$mode" "$spec" --rxd=16384 --txd=4096 "${TP_ARGS[@]}"
	TP_HVSIM_OPTS=()
	for c in "$@"; do tp_cmd "$c"; done
	EARLY=$(hv_rx_settled)
	tp_cmd "set fwd $fwd" >/dev/null
	tp_cmd "start" >/dev/null
	tp_gen_begin
	end=$((SECONDS + 20))
	while [ "$(hv_rx_frames)" -lt "$n" ] 2>/dev/null && [ $SECONDS -lt $end ]; do sleep 0.2; done
	sleep 0.5
	tp_cmd "stop" >/dev/null
	FWD_OUT=$TP_OUT
	tp_drain
	tp_cmd "show port stats 0" >/dev/null
	PORT_STATS=$TP_OUT
	# commands for once gen is done (many make the PMD query the host,
	# which stalls while gen keeps the receive buffer full: see
	# doc/conformance.md)
	TP_AFTER_OUT=
	for c in "${TP_AFTER[@]}"; do tp_cmd "$c"; TP_AFTER_OUT+=$TP_OUT$'\n'; done
	tp_quit
	tp_check_shim
	gen_line
}

# After tp_gen_fwd, link by link: the PMD took every frame hvsim delivered
# after testpmd was up; testpmd forwarded all it received while forwarding;
# every frame the PMD saw completed came back to gen; gen verified each
# (seq, CRC, UDP checksum): none corrupt, duplicated or reordered.
tp_judge_gen_fwd() {
	local mode=$1 n=$2 rx tx back
	tx=$(tp_stat "$PORT_STATS" TX-packets)
	rx=$(tp_stat "$PORT_STATS" RX-packets)
	back=$(gen_num back)
	expect_eq "$mode: gen sent" "$(gen_num sent)" "$n"
	expect_eq "$mode: gen corrupt" "$(gen_num corrupt)" 0
	expect_eq "$mode: gen dup" "$(gen_num dup)" 0
	expect_eq "$mode: gen reordered" "$(gen_num reordered)" 0
	expect_eq "$mode: gen back = PMD TX-packets" "$back" "$tx"
	expect_eq "$mode: TX-errors" "$(tp_stat "$PORT_STATS" TX-errors)" 0
	expect_eq "$mode: RX-dropped while forwarding" "$(tp_fwd_stat "$FWD_OUT" RX-dropped)" 0
	expect_eq "$mode: TX-dropped while forwarding" "$(tp_fwd_stat "$FWD_OUT" TX-dropped)" 0
	expect_eq "$mode: forwarded = received while forwarding" \
		"$(tp_fwd_stat "$FWD_OUT" TX-packets)" "$(tp_fwd_stat "$FWD_OUT" RX-packets)"
	[ "${rx:-0}" -le "$n" ] && [ "${rx:-0}" -ge $((n - EARLY)) ] ||
		{ tp_dump; fail "$mode: PMD took ${rx:-0}, < $n - $EARLY delivered before testpmd was up"; }
	echo "ok: $mode: PMD took $rx >= $((n - EARLY)) (all delivered after testpmd was up)"
	if [ "$GEN_HELD" = 1 ]; then	# gen started once testpmd forwarded: exact
		expect_eq "$mode: gen back (gen held until testpmd forwarded)" "$back" "$n"
		expect_eq "$mode: gen lost" "$(gen_num lost)" 0
	fi
}

# tp_port_of_nic I: testpmd's port id for hvsim NIC I, found by MAC
# (00:15:5D:00:00:<I+1>) in testpmd's start-up lines "Port N: MAC"; DPDK
# numbers ports in probe order, which need not be NIC order.
tp_port_of_nic() {
	sed -n "s/^Port \([0-9]*\): 00:15:5D:00:00:$(printf %02X $(($1 + 1)))\r*\$/\1/p" "$TP_DIR/out" | head -1
}

# tp_port_stat TEXT PORT FIELD: FIELD of port PORT from `show port stats all`
# output TEXT.
tp_port_stat() {
	printf '%s\n' "$1" | sed -n "/statistics for port $2 /,/####*\$/p" |
		grep -oE "$3: *[0-9]+" | head -1 | grep -oE '[0-9]+$'
}

# The hvsim exit report line of NIC I's backend ("hvsim: nicI KIND: ..."),
# and a number from it: hv_nic_num I "guest tx" / "pair_full" ...
hv_nic_lines() { grep -E "^hvsim: nic$1 " "$TP_DIR/err"; }
hv_nic_num() { hv_nic_lines "$1" | grep -oE "$2 [0-9]+" | head -1 | grep -oE '[0-9]+$'; }
