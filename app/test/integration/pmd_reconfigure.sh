#!/usr/bin/env bash
# Runtime change of the queue count: one testpmd, one hvsim NIC with 8
# channels to give, and the ports re-configured while the application runs:
#
#   1 -> 4 -> 8 -> 2 rx/tx queues (port stop; port config all rxq/txq; port start)
#
# Each phase forwards gen's 64 flows (addresses differ, so RSS spreads them)
# with io fwd back to gen. Judges, per phase: every configured queue received
# frames and no queue beyond them exists in the xstats (testpmd's per-queue
# counters), gen got back every frame it sent, intact and in order per flow
# (its sequence numbers and CRCs), and the mempool's in-use count is back to
# where it started (no mbuf left behind by released queues).
. "$(dirname "$0")/../lib/common.sh"

PHASES=${PHASES:-"1 4 8 2"}

# testpmd prints "nb forwarding cores=" after flushing the rx queues at start.
# Wait for a line matching $2 in $1 to appear more than $3 times.
wait_count() {
	local i
	for i in $(seq 1 100); do
		[ "$(grep -c -- "$2" "$1")" -gt "$3" ] && return 0
		sleep 0.2
	done
	return 1
}

gen_line() { "$HVSIM" ctl --run-dir "$1" counters | grep '^gen:' | tail -1; }

# Mbufs out of the pool (rte_mempool_dump of 22.11: size - common pool - caches).
in_use() {
	awk '/mempool <mb_pool_0>/{s=p=c=""} / size=/{s=$1} /common_pool_count=/{p=$1}
	     /total_cache_count=/{c=$1} END{split(s,a,"=");split(p,b,"=");split(c,d,"=");
	     print a[2]-b[2]-d[2]}' "$1"
}

run_case() {
	local mode=$1 run=/dev/shm/hvsim-pmdreq.$$.$1 out=$TMP/reconf-$1.log fifo=$TMP/in-$1
	local q prompts line sent back start_use xs
	plugin_build_dir
	mkfifo "$fifo"
	bounded 150 "$HVSIM" run --run-dir "$run" --queues 8 \
		--nic "gen:flows=64,srcip,rate=$(pace 20000),hold" -- \
		stdbuf -o0 "$TESTPMD" $(eal_args "$mode") -d "$PLUGIN_BUILD/drivers" \
		-d "$PLUGIN_BUILD/subprojects/dpdk/drivers/librte_mempool_ring.so" \
		-- --total-num-mbufs=16384 --rxq=1 --txq=1 -i <"$fifo" >"$out" 2>&1 &
	local hv=$!
	at_exit "kill $hv; wait $hv"
	exec 3>"$fifo"
	wait_count "$out" 'testpmd>' 0 || { cat "$out"; fail "$mode: testpmd did not come up"; }
	echo "set fwd io retry" >&3
	echo "set burst tx delay 100 retry 20000" >&3	# 2 s: a loaded host completes late
	echo "dump_mempool" >&3
	wait_count "$out" 'common_pool_count=' 0 || fail "$mode: no dump_mempool output"
	start_use=$(in_use "$out")
	for q in $PHASES; do
		prompts=$(grep -c 'nb forwarding cores=' "$out")
		echo "port stop all" >&3
		echo "port config all rxq $q" >&3
		echo "port config all txq $q" >&3
		echo "port start all" >&3
		echo "clear port xstats all" >&3
		echo "start" >&3
		wait_count "$out" 'nb forwarding cores=' "$prompts" ||
			{ tail -30 "$out"; fail "$mode: $q queues: forwarding did not start"; }
		grep -q 'Fail to\|Failed to' "$out" && { tail -30 "$out"; fail "$mode: $q queues: start failed"; }
		"$HVSIM" ctl --run-dir "$run" gen 0 start >/dev/null || fail "$mode: gen start"
		sleep 1
		"$HVSIM" ctl --run-dir "$run" gen 0 stop >/dev/null || fail "$mode: gen stop"
		for _ in $(seq 1 50); do
			line=$(gen_line "$run")
			sent=$(echo "$line" | sed -n 's/.*sent \([0-9]*\),.*/\1/p')
			back=$(echo "$line" | sed -n 's/.*back \([0-9]*\),.*/\1/p')
			[ -n "$sent" ] && [ "$sent" = "$back" ] && break
			sleep 0.2
		done
		echo "$q queues: $line"
		[ -n "$sent" ] && [ "$sent" -gt 0 ] && [ "$sent" = "$back" ] || {
			echo "stop" >&3	# testpmd's drop counts, for the log
			echo "show port xstats 0" >&3
			sleep 1
			grep -E '^[a-z_0-9]*: [1-9]' "$out" | grep -v '_q[0-9]'
			grep -E 'TX-dropped|RX-dropped' "$out" | tail -4
			"$HVSIM" ctl --run-dir "$run" counters | grep -Ev ' 0$|bytes'
			fail "$mode: $q queues: gen sent $sent, got back $back"
		}
		echo "$line" | grep -q 'lost 0, reordered 0, dup 0, corrupt 0, foreign 0' ||
			fail "$mode: $q queues: gen saw damage: $line"
		prompts=$(grep -c 'NIC extended statistics for port 0' "$out")
		echo "stop" >&3
		echo "show port xstats 0" >&3
		wait_count "$out" 'NIC extended statistics for port 0' "$prompts" || fail "$mode: no xstats"
		sleep 0.5
		xs=$(awk '/NIC extended statistics for port 0/{s=""} {s=s"\n"$0} END{print s}' "$out")
		for i in $(seq 0 $((q - 1))); do
			echo "$xs" | grep -Eq "^ *rx_q${i}_packets: [1-9]" ||
				fail "$mode: $q queues: rx queue $i received nothing"
		done
		echo "$xs" | grep -Eq "^ *rx_q${q}_packets:" &&
			fail "$mode: $q queues: queue $q still listed"
		echo "ok: $mode: $q queues all received, every frame back intact"
	done
	prompts=$(grep -c 'common_pool_count=' "$out")	# before asking: testpmd may be quick
	echo "port stop all" >&3
	echo "dump_mempool" >&3
	wait_count "$out" 'common_pool_count=' "$prompts" || true
	sleep 0.5
	echo "quit" >&3
	exec 3>&-
	wait $hv || { tail -30 "$out"; fail "$mode: hvsim/testpmd exited with an error"; }
	[ "$(in_use "$out")" = "$start_use" ] ||
		fail "$mode: mbufs in use $start_use at the start, $(in_use "$out") at the end"
	echo "$mode: mempool in use back to $start_use"
}

[ -x "$TESTPMD" ] || skip "our testpmd is not built"
modes=$(test_modes)
case $modes in *pa*) hugepages_reserve 256 ;; esac
for m in $modes; do
	run_case "$m"
done
echo "our PMD: queue count changed at runtime ($PHASES) with traffic intact in modes: $modes"
