#!/usr/bin/env bash
# Receive-side scaling into our netvsc PMD (the distro's: conformance/
# distro_rss.sh): hvsim grants the subchannels, hashes gen's 64 flows
# (`srcip`: flow f from 198.19.0.f) by address with the key our PMD sends
# by default (6d 5a 56 da ..., rndis.md 5.7) and delivers each frame on
# channel table[hash % 128]. testpmd rxonly, `set verbose 1`, 1, 4 and 8
# queues. Judge (app/test/lib/rss_judge.py): every queue received frames;
# every printed hash is one of the 64 flows' Toeplitz hashes, on queue
# reta[hash % 128] = (hash % 128) % queues.
. "$(dirname "$0")/../lib/common.sh"

N=${N:-512}
MS_KEY=6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa

run_case() {
	local mode=$1 q=$2 run=/dev/shm/hvsim-pmdrss.$$.$1.$2 out=$TMP/rss-$1-$2.log i
	mkfifo "$TMP/in-$mode-$q"
	timeout --kill-after=5 60 "$HVSIM" run --run-dir "$run" --queues "$q" \
		--nic "gen:flows=64,srcip,count=$N,hold" -- \
		stdbuf -o0 "$TESTPMD" $(eal_args "$mode") -d "$PLUGIN_BUILD/drivers" \
		-d "$PLUGIN_BUILD/subprojects/dpdk/drivers/librte_mempool_ring.so" \
		-- --total-num-mbufs=16384 --rxq="$q" --txq="$q" -i \
		<"$TMP/in-$mode-$q" >"$out" 2>&1 &
	local hv=$!
	at_exit "kill $hv 2>/dev/null"
	exec 3>"$TMP/in-$mode-$q"
	for i in $(seq 1 100); do grep -q 'testpmd>' "$out" && break; sleep 0.2; done
	grep -q 'testpmd>' "$out" || { cat "$out"; fail "$mode: testpmd did not come up"; }
	echo "set verbose 1" >&3
	echo "set fwd rxonly" >&3
	echo "start" >&3
	sleep 1
	"$HVSIM" ctl --run-dir "$run" gen 0 start >/dev/null || fail "$mode: gen start"
	for i in $(seq 1 40); do
		[ "$(grep -c 'src=' "$out")" -ge "$N" ] && break
		sleep 0.25
	done
	echo "stop" >&3
	echo "quit" >&3
	exec 3>&-
	wait $hv || { tail -40 "$out"; fail "$mode: $q queues: hvsim/testpmd exited with an error"; }
	python3 "$TOP/app/test/lib/rss_judge.py" "$q" "$out" "$MS_KEY" ||
		{ tail -40 "$out"; fail "$mode: $q queues: RSS judge"; }
	echo "ok: $mode: $q queues: every queue got frames, hash and queue as the spec says"
}

[ -x "$TESTPMD" ] || skip "our testpmd is not built"
plugin_build_dir
modes=$(test_modes)
case $modes in *pa*) hugepages_reserve 256 ;; esac
for m in $modes; do
	for q in 1 4 8; do
		run_case "$m" "$q"
	done
done
echo "our PMD: hvsim spread gen's 64 flows over 1, 4 and 8 queues by Toeplitz hash ($modes)"
