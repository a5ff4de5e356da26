#!/usr/bin/env bash
# sanitizer: yes
# The port removed and probed again while the application runs, the two
# ways a testpmd user does it (rte_dev_remove, then rte_dev_probe through
# the vmbus bus's unplug and plug):
#
#   detach:  port stop 0; port detach 0;                    port attach vmbus:<uuid>
#   close:   port stop 0; port close 0; device detach vmbus:<uuid>; port attach <uuid>
#
# Each cycle forwards gen's frames (io) back to gen on the new port. Each
# stop comes with frames still arriving (forwarding stopped, gen sending):
# the driver counts those (xstat rx_drop_data_while_stopped), and does not
# report them as the host's fault (no "dropped host message" NOTICE).
# Judges: testpmd's attach/detach lines and port count; gen (its sequence
# numbers and CRCs) got back every frame it sent in each forwarding window;
# EAL's memzone list is as long after each new probe as after the first
# (nothing of a removed port left behind); every mbuf back in the pool;
# testpmd exits by itself.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/mbuf_check.sh"

wait_for() {	# LOG PATTERN COUNT SECONDS: more than COUNT lines match
	local i
	for i in $(seq 1 $(($4 * 5))); do
		[ "$(grep -c -- "$2" "$1")" -gt "$3" ] && return 0
		sleep 0.2
	done
	return 1
}

gen_field() { "$HVSIM" ctl --run-dir "$RUN" counters | sed -n "s/^gen: .*$1 \([0-9]*\),.*/\1/p"; }
zones() { grep -c '^Zone [0-9]*: name:' "$1"; }
# DPDK's heap as testpmd's dump_socket_mem prints it: "alloc MB, elements", last dump.
heap() { sed -n 's/^Total   : .* alloc: \([0-9.]*\)(.*count alloc: *\([0-9]*\).*/\1 MB in \2 elements/p' "$1" |
	tail -1; }

# One forwarding window on port 0: every frame gen sends in it comes back.
forward_window() {
	local what=$1 sent0 back0 sent back starts
	starts=$(grep -c 'nb forwarding cores=' "$OUT")
	echo "start" >&3
	testpmd_wait_forwarding "$OUT" "$starts" || fail "$what: forwarding did not start"
	sent0=$(gen_field sent); back0=$(gen_field back)
	"$HVSIM" ctl --run-dir "$RUN" gen 0 start >/dev/null || fail "$what: gen start"
	sleep 1
	"$HVSIM" ctl --run-dir "$RUN" gen 0 stop >/dev/null || fail "$what: gen stop"
	for _ in $(seq 1 50); do
		sent=$(gen_field sent); back=$(gen_field back)
		[ $((sent - sent0)) -eq $((back - back0)) ] && break
		sleep 0.2
	done
	echo "$what: gen sent $((sent - sent0)), back $((back - back0))"
	[ $((sent - sent0)) -gt 0 ] || fail "$what: gen sent nothing"
	[ $((sent - sent0)) -eq $((back - back0)) ] || { tail -20 "$OUT"; fail "$what: frames lost"; }
}

# Forwarding stops, gen goes on, then the port stops: frames arrive stopped.
stop_under_traffic() {
	local what=$1 n
	echo "stop" >&3
	"$HVSIM" ctl --run-dir "$RUN" gen 0 start >/dev/null || fail "$what: gen start"
	sleep 0.3
	n=$(grep -c 'Stopping ports' "$OUT")
	echo "port stop 0" >&3
	wait_for "$OUT" 'Stopping ports' "$n" 10 || fail "$what: port stop"
	"$HVSIM" ctl --run-dir "$RUN" gen 0 stop >/dev/null || fail "$what: gen stop"
	n=$(grep -c 'rx_drop_data_while_stopped' "$OUT")
	echo "show port xstats 0" >&3
	wait_for "$OUT" 'rx_drop_data_while_stopped' "$n" 10 || fail "$what: no xstats"
	grep 'rx_drop_data_while_stopped' "$OUT" | tail -1 | grep -q ': [1-9]' ||
		{ tail -30 "$OUT"; fail "$what: no frame arrived while stopped (nothing tested)"; }
	! grep -q 'dropped host message' "$OUT" ||
		{ grep 'dropped host message' "$OUT" | head -3; fail "$what: a stop said the host failed"; }
}

# The new port: attached, started, its memzones as many as the first probe's.
after_attach() {
	local what=$1 zones0=$2 n
	wait_for "$OUT" 'Port 0 is attached. Now total ports is 1' "$3" 15 ||
		{ tail -20 "$OUT"; fail "$what: not attached"; }
	echo "port start 0" >&3
	n=$(grep -c '^Zone 0: name:' "$OUT")
	echo "dump_memzone" >&3
	wait_for "$OUT" '^Zone 0: name:' "$n" 10 || fail "$what: no dump_memzone output"
	sleep 0.5
	local now
	now=$(awk -v k="$((n + 1))" '/^Zone 0: name:/ { d++ } d == k && /^Zone [0-9]*: name:/ { c++ }
		END { print c + 0 }' "$OUT")
	echo "$what: $now memzones (first probe: $zones0)"
	[ "$now" -eq "$zones0" ] || { grep '^Zone' "$OUT" | tail -40; fail "$what: memzones left behind"; }
	n=$(grep -c '^Total   :' "$OUT")
	echo "dump_socket_mem" >&3
	wait_for "$OUT" '^Total   :' "$n" 10 || fail "$what: no dump_socket_mem output"
	echo "$what: heap $(heap "$OUT") (first probe: $HEAP0)"
	[ "$(heap "$OUT")" = "$HEAP0" ] || fail "$what: heap memory left behind"
}

run_case() {
	local mode=$1 fifo=$TMP/in-$1 zones0 attached
	RUN=/dev/shm/hvsim-hotplug.$$.$1 OUT=$TMP/hotplug-$1.log
	plugin_build_dir
	mkfifo "$fifo"
	bounded 120 "$HVSIM" run --run-dir "$RUN" --nic "gen:rate=$(pace 20000),hold" -- \
		stdbuf -oL "$TESTPMD" $(eal_args "$mode") -d "$PLUGIN_BUILD/drivers" \
		-d "$PLUGIN_BUILD/subprojects/dpdk/drivers/librte_mempool_ring.so" \
		-- --total-num-mbufs=8192 -i <"$fifo" >"$OUT" 2>&1 &
	local hv=$!
	at_exit "kill $hv; wait $hv"
	exec 3>"$fifo"
	wait_for "$OUT" 'testpmd>' 0 20 || { cat "$OUT"; fail "$mode: testpmd did not come up"; }
	echo "set fwd io" >&3
	echo "dump_memzone" >&3
	echo "dump_mempool" >&3
	wait_for "$OUT" 'common_pool_count=' 0 10 || fail "$mode: no dump_mempool output"
	echo "dump_socket_mem" >&3
	wait_for "$OUT" '^Total   :' 0 10 || fail "$mode: no dump_socket_mem output"
	HEAP0=$(heap "$OUT")
	zones0=$(zones "$OUT")
	[ "$zones0" -gt 0 ] || fail "$mode: no memzones listed"
	forward_window "$mode: first probe"

	stop_under_traffic "$mode: before port detach"
	echo "port detach 0" >&3
	wait_for "$OUT" 'Now total ports is 0' 0 15 || { tail -20 "$OUT"; fail "$mode: not detached"; }
	echo "port attach vmbus:$NIC_UUID0" >&3
	after_attach "$mode: port detach, port attach" "$zones0" 0
	forward_window "$mode: second probe"

	stop_under_traffic "$mode: before device detach"
	echo "port close 0" >&3
	echo "device detach vmbus:$NIC_UUID0" >&3
	wait_for "$OUT" 'Now total ports is 0' 1 15 || { tail -20 "$OUT"; fail "$mode: device not detached"; }
	echo "port attach $NIC_UUID0" >&3
	after_attach "$mode: device detach, port attach" "$zones0" 1
	forward_window "$mode: third probe"

	echo "stop" >&3
	echo "port stop 0" >&3
	echo "dump_mempool" >&3
	sleep 1
	echo "quit" >&3
	exec 3>&-
	wait $hv || { tail -30 "$OUT"; fail "$mode: hvsim/testpmd exited with an error"; }
	grep -q 'Bye' "$OUT" || fail "$mode: testpmd did not exit by itself"
	mbuf_check_no_leak "$OUT" "$mode: three probes"
	grep -Eq '^gen: .* corrupt 0, foreign 0' "$OUT" || fail "$mode: gen saw damaged frames"
}

[ -x "$TESTPMD" ] || skip "our testpmd is not built"
modes=$(test_modes)
case $modes in *pa*) hugepages_reserve 128 ;; esac
for m in $modes; do
	run_case "$m"
done
echo "our PMD: removed and probed again twice under testpmd, forwarding each time ($modes)"
