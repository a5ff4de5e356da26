#!/usr/bin/env bash
# sanitizer: yes
# The queue queries DPDK applications use (l3fwd-power, testpmd, pipelines
# that watch their rings), through testpmd's own commands on our PMD:
#
#   show rxq|txq info 0 0           rte_eth_rx/tx_queue_info_get
#   show port 0 rxq 0 desc used count   rte_eth_rx_queue_count
#   show port 0 rxq|txq 0 desc D status  rte_eth_rx/tx_descriptor_status
#   port cleanup 0 txq 0 0          rte_eth_tx_done_cleanup
#   show port info 0                tx_desc_lim's segments per packet
#
# Judges that are not the PMD: the queue sizes and pool testpmd set up; gen's
# count of the frames it sent (the rx count must reach it exactly, with
# forwarding stopped, and the frames must then all come back intact); and
# hvsim's count of the send completions its withhold-completions fault held
# back (H): while held, exactly the last H tx descriptors are FULL. Once
# they are released, with every frame sent by GPA (tx_copybreak=0: one
# send and one mbuf a frame, H = gen's count), a cleanup limited to 1 must
# free exactly 1 mbuf and unlimited ones the other H - 1; with frames
# copied into sections (the default) the mbufs went at the send, and a
# cleanup frees none.
. "$(dirname "$0")/../lib/common.sh"

N=100			# frames gen sends
RXD=512 TXD=512

ctl() { "$HVSIM" ctl --run-dir "$RUN" "$@"; }

# ask CMD PATTERN: a testpmd command; waits for one more line matching
# PATTERN than before it and prints the newest ("no answer" if none comes).
ask() {
	local before
	before=$(grep -c -- "$2" "$OUT")
	echo "$1" >&3
	for _ in $(seq 1 100); do
		[ "$(grep -c -- "$2" "$OUT")" -gt "$before" ] && { grep -- "$2" "$OUT" | tail -1; return; }
		sleep 0.1
	done
	echo "no answer"	# in a command substitution: the caller fails
}

# expect CMD PATTERN WANT: the answer's line must be WANT.
expect() {
	local got
	got=$(ask "$1" "$2")
	[ "$got" = "$3" ] || { tail -20 "$OUT"; fail "$MODE: '$1' said '$got', expected '$3'"; }
}

# status_is rxq|txq D STATUS WHY: descriptor D's status must be STATUS
# (REFUSED: the query is refused as invalid).
status_is() {
	local got
	got=$(ask "show port 0 $1 0 desc $2 status" 'Desc status = \|Invalid input')
	case $3 in
	REFUSED) [[ $got == *"Invalid input"* ]] ;;
	*) [ "$got" = "Desc status = $3" ] ;;
	esac || fail "$MODE: $1 desc $2 is not $3 $4 (said: $got)"
}
used_count() { ask "show port 0 rxq 0 desc used count" 'Used desc count = ' | sed 's/.*= //'; }
gen_line() { ctl counters | grep '^gen:' | tail -1; }
deferred() { ctl counters | sed -n 's/.* completions_deferred \([0-9]*\).*/\1/p' | head -1; }
held() { ctl counters | awk '$1 == "nic0" && $3 == "withhold-completions" { print $NF }'; }

# cleanup FREE_CNT: one "port cleanup 0 txq 0 FREE_CNT"; prints the mbufs it freed.
cleanup() {
	ask "port cleanup 0 txq 0 $1" 'Cleanup port 0 Tx queue 0\|Failed to cleanup' | sed -n 's/.*mbuf nums: //p'
}

# start_testpmd MODE NAME NIC DEVARGS TESTPMD_ARGS...: hvsim with NIC and our
# testpmd (port devargs DEVARGS, may be empty) reading commands from fd 3;
# sets MODE ("MODE NAME"), RUN and OUT, and waits for the prompt.
start_testpmd() {
	local mode=$1 name=$2 nic=$3 devargs=$4 fifo=$TMP/in-$1-$2
	shift 4
	RUN=/dev/shm/hvsim-pmdqi.$$.$mode.$name OUT=$TMP/qinfo-$mode-$name.log MODE="$mode $name"
	plugin_build_dir
	mkfifo "$fifo"
	bounded 120 "$HVSIM" run --run-dir "$RUN" --nic "$nic" -- \
		stdbuf -o0 "$TESTPMD" $(eal_args "$mode") ${devargs:+-a "vmbus:$NIC_UUID0,$devargs"} \
		-d "$PLUGIN_BUILD/drivers" \
		-d "$PLUGIN_BUILD/subprojects/dpdk/drivers/librte_mempool_ring.so" \
		-- -i --total-num-mbufs=8192 "$@" <"$fifo" >"$OUT" 2>&1 &
	TESTPMD_PID=$!
	exec 3>"$fifo"
	at_exit "exec 3>&-; kill $TESTPMD_PID; wait $TESTPMD_PID"
	for _ in $(seq 1 100); do grep -q 'testpmd>' "$OUT" && break; sleep 0.2; done
	grep -q 'testpmd>' "$OUT" || { cat "$OUT"; fail "$MODE: testpmd did not come up"; }
}

# stop_testpmd: quit; hvsim and testpmd must exit cleanly.
stop_testpmd() {
	echo "quit" >&3
	exec 3>&-
	wait "$TESTPMD_PID" || { tail -30 "$OUT"; fail "$MODE: hvsim/testpmd exited with an error"; }
}

# run_case MODE SENDS: SENDS is copy (default devargs) or gpa (tx_copybreak=0).
run_case() {
	local sends=$2 n h freed
	start_testpmd "$1" "$2" "gen:count=$N,hold" "$([ "$sends" = gpa ] && echo tx_copybreak=0)" \
		--rxq=1 --txq=1 --rxd=$RXD --txd=$TXD --no-flush-rx

	# What testpmd set up: its sizes, its pool, its 2048-byte mbuf data room.
	expect "show rxq info 0 0" 'Number of RXDs:' "Number of RXDs: $RXD"
	grep -q '^Mempool: mb_pool_0' "$OUT" || fail "$MODE: rxq info names no mb_pool_0"
	grep -q '^RX buffer size: 2048' "$OUT" || fail "$MODE: rxq info: no RX buffer size 2048"
	expect "show txq info 0 0" 'Number of TXDs:' "Number of TXDs: $TXD"
	echo "$MODE: queue info: $RXD rx and $TXD tx descriptors, mb_pool_0"

	# Receive: nothing, then exactly what gen sent, with forwarding stopped.
	[ "$(used_count)" = 0 ] || fail "$MODE: rx count before any traffic is not 0"
	ctl gen 0 start >/dev/null || fail "$MODE: gen start"
	for _ in $(seq 1 50); do
		n=$(used_count)
		[ "$n" = "$N" ] && break
		sleep 0.1
	done
	[ "$n" = "$N" ] || { gen_line; fail "$MODE: rx count $n, gen sent $N"; }
	sleep 0.3
	[ "$(used_count)" = "$N" ] || fail "$MODE: rx count moved past the $N frames gen sent"
	status_is rxq $((N - 1)) DONE "with $N frames waiting"
	status_is rxq $N AVAILABLE "with $N frames waiting"
	status_is rxq $RXD REFUSED "(past the queue)"
	echo "$MODE: rx count $N = gen's, desc $((N - 1)) DONE, $N AVAILABLE, $RXD refused"

	# Transmit: forward them back with the host keeping every completion.
	ctl fault 0 withhold-completions >/dev/null || fail "$MODE: arm withhold-completions"
	echo "set fwd io" >&3
	echo "start" >&3
	for _ in $(seq 1 50); do gen_line | grep -q "back $N," && break; sleep 0.1; done
	echo "stop" >&3
	gen_line | grep -q "^gen: sent $N, back $N, lost 0, reordered 0, dup 0, corrupt 0, foreign 0" ||
		fail "$MODE: gen: $(gen_line)"
	h=$(held)
	[ -n "$h" ] && [ "$h" -ge 1 ] || fail "$MODE: hvsim held no completion ($h)"
	[ "$sends" = copy ] || [ "$h" = "$N" ] || fail "$MODE: $h sends for $N frames by GPA"
	status_is txq $((TXD - h)) FULL "with $h sends held by the host"
	status_is txq $((TXD - h - 1)) DONE "with $h sends held by the host"
	status_is txq $TXD REFUSED "(past the queue)"
	echo "$MODE: host held $h sends: tx desc $((TXD - h)) FULL, $((TXD - h - 1)) DONE"

	# Released: wait until hvsim has written every one into our ring.
	ctl fault 0 clear >/dev/null || fail "$MODE: clear the fault"
	for _ in $(seq 1 50); do [ "$(deferred)" = 0 ] && break; sleep 0.1; done
	[ "$(deferred)" = 0 ] || fail "$MODE: hvsim still defers $(deferred) completions"
	if [ "$sends" = gpa ]; then
		freed=$(cleanup 1)
		[ "$freed" = 1 ] || fail "$MODE: a cleanup limited to 1 freed '$freed' of $h"
		freed=$(cleanup 0)
		[ "$freed" = $((h - 1)) ] || fail "$MODE: the next cleanup freed '$freed', expected $((h - 1))"
	else
		freed=$(cleanup 0)	# copied: the mbufs went at the send
		[ "$freed" = 0 ] || fail "$MODE: a cleanup of copied sends freed '$freed' mbufs"
	fi
	status_is txq $((TXD - 1)) DONE "after the cleanup"
	[ "$(used_count)" = 0 ] || fail "$MODE: rx count is not 0 after forwarding"
	echo "$MODE: cleanups freed $([ "$sends" = gpa ] && echo "1, then $((h - 1))" || echo no) mbufs, every tx descriptor DONE"

	stop_testpmd
}

# send_chain LIST: testpmd txonly sends frames of segments of LIST's lengths
# (set txpkts) for a second; every one must reach hvsim's sink whole (its
# bytes, good IPv4/UDP checksums over the reassembled frame) and the port
# must count no error. Prints the frames sent.
send_chain() {
	local list=$1 nseg len sent errors sink frames0 bytes0 bytes
	nseg=$(echo "$list" | tr ',' '\n' | wc -l)
	len=$(echo "$list" | tr ',' '\n' | awk '{ s += $1 } END { print s }')
	frames0=$(ctl counters | sed -n 's/^sink: frames \([0-9]*\),.*/\1/p')
	bytes0=$(ctl counters | awk '$1 == "nic0" && $2 == "tx_frames" { print $5 }')
	echo "set txpkts $list" >&3
	ask "show config txpkts" 'Number of segments:' | grep -q ": $nseg\$" ||
		fail "$MODE: testpmd did not take $nseg segments"
	echo "clear port stats 0" >&3
	echo "start" >&3
	sleep 1
	echo "stop" >&3
	sent=$(ask "show port stats 0" 'TX-packets:' | sed -n 's/.*TX-packets: *\([0-9]*\).*/\1/p')
	errors=$(grep 'TX-errors:' "$OUT" | tail -1 | sed -n 's/.*TX-errors: *\([0-9]*\).*/\1/p')
	[ -n "$sent" ] && [ "$sent" -gt 0 ] || fail "$MODE: testpmd sent no frame of $nseg segments"
	[ "$errors" = 0 ] || fail "$MODE: $errors tx errors with $nseg segments"
	for _ in $(seq 1 50); do
		sink=$(ctl counters | grep '^sink:' | tail -1)
		[[ $sink == "sink: frames $((frames0 + sent)),"* ]] && break
		sleep 0.1
	done
	[[ $sink == "sink: frames $((frames0 + sent)), ours 0 "*"(bad checksum 0)" ]] ||
		fail "$MODE: testpmd sent $sent frames of $nseg segments, the sink: $sink"
	bytes=$(ctl counters | awk '$1 == "nic0" && $2 == "tx_frames" { print $5 }')
	[ $((bytes - bytes0)) = $((sent * len)) ] ||
		fail "$MODE: the host got $((bytes - bytes0)) bytes for $sent frames of $len"
	echo "$sent"
}

# run_segments MODE: frames of the segment count the port advertises
# (tx_desc_lim), sent by page ranges (tx_copybreak=0). Judges: send_chain's,
# and hvsim's count of sends of more than the 32 pages Linux and FreeBSD
# keep to, which must stay 0. (testpmd refuses longer chains for txonly:
# pmd_mtu_jumbo forwards them.)
run_segments() {
	local segs list n
	start_testpmd "$1" segments sink tx_copybreak=0
	segs=$(ask "show port info 0" 'Max segment number per packet:' | sed 's/.*: //')
	[ -n "$segs" ] && [ "$segs" -ge 2 ] && [ "$segs" -lt 65535 ] ||
		fail "$MODE: the port advertises '$segs' segments per packet"
	echo "port stop 0" >&3
	echo "port config 0 tx_offload multi_segs on" >&3
	echo "port start 0" >&3
	echo "set fwd txonly" >&3
	list=$(printf '64,%.0s' $(seq 1 "$segs"))
	n=$(send_chain "${list%,}") || { echo "$n"; exit 1; }
	echo "$MODE: $n frames of $segs segments (the advertised most) sent whole"
	! ctl counters | grep gpa_over_32_pages ||
		fail "$MODE: hvsim got sends of more than 32 pages"
	stop_testpmd
}

[ -x "$TESTPMD" ] || skip "our testpmd is not built"
modes=$(test_modes)
case $modes in *pa*) hugepages_reserve 256 ;; esac
for m in $modes; do
	run_case "$m" copy
	run_case "$m" gpa
	run_segments "$m"
done
echo "our PMD: queue info, rx count, descriptor status and tx cleanup judged in modes: $modes"
