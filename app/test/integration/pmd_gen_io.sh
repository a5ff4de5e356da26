#!/usr/bin/env bash
# sanitizer: yes
# Our netvsc PMD forwards hvsim's generated traffic back, in PA mode
# (hugepages, as on Hyper-V) and VA mode:
#
#   hvsim gen --rx--> net_netvsc (ours) --testpmd io fwd--> net_netvsc --tx--> hvsim gen
#
# 64-byte frames go through send-buffer sections, 1518-byte ones by GPA page
# ranges (guest-physical addresses in PA mode: the bug class that corrupts
# memory on Hyper-V). Judges: every frame carries a sequence number and a CRC that gen checks on
# return (lost/reordered/corrupt must be 0), and testpmd's own counters must
# equal what hvsim says it sent and received.
. "$(dirname "$0")/../lib/common.sh"

run_case() {
	local mode=$1 count=$2 size=$3 rate=$4 extra=${5:-}
	local run=/dev/shm/hvsim-pmdio.$$.$mode.$size out=$TMP/io-$mode-$size.log
	plugin_build_dir
	mkfifo "$TMP/in-$mode-$size"
	"$HVSIM" run --run-dir "$run" --nic "gen:count=$count,size=$size,rate=$rate,hold" -- \
		"$TESTPMD" $(eal_args "$mode") -d "$PLUGIN_BUILD/drivers" \
		-d "$PLUGIN_BUILD/subprojects/dpdk/drivers/librte_mempool_ring.so" \
		-- --total-num-mbufs=16384 $extra -i <"$TMP/in-$mode-$size" >"$out" 2>&1 &
	local hv=$!
	at_exit "kill $hv"
	exec 3>"$TMP/in-$mode-$size"
	for _ in $(seq 1 100); do grep -q 'testpmd>' "$out" && break; sleep 0.2; done
	grep -q 'testpmd>' "$out" || { cat "$out"; fail "$mode: testpmd did not come up"; }
	echo "set fwd io retry" >&3
	# A busy host completes sends late: retry rather than drop (not a speed test).
	echo "set burst tx delay 20 retry 5000" >&3
	echo "start" >&3
	sleep 1
	"$HVSIM" ctl --run-dir "$run" gen 0 start >/dev/null || fail "$mode: gen start"
	for _ in $(seq 1 $((count / rate * 2 + 20))); do
		"$HVSIM" ctl --run-dir "$run" counters | grep -q "back $count," && break
		sleep 0.5
	done
	echo "stop" >&3
	echo "quit" >&3
	exec 3>&-
	wait $hv || fail "$mode: hvsim/testpmd exited with an error"
	grep -E '^gen:|^hvsim: nic0|Forward statistics' -A0 "$out"
	grep -q "gen: sent $count, back $count, lost 0, reordered 0, dup 0, corrupt 0, foreign 0" \
		"$out" || fail "$mode: gen did not get every frame back intact"
	grep -q "RX-packets: $count .*RX-total: $count" "$out" || fail "$mode: testpmd rx count"
	grep -q "TX-packets: $count .*TX-total: $count" "$out" || fail "$mode: testpmd tx count"
	grep -q "guest tx $count frames.*guest rx $count frames" "$out" ||
		fail "$mode: hvsim's counts differ from testpmd's"
}

modes=$(test_modes)
case $modes in *pa*) hugepages_reserve 512 ;; esac
for m in $modes; do
	run_case "$m" 200000 64 "$(pace 200000)"	# small frames: copied into send sections
	run_case "$m" 50000 1518 "$(pace 50000)"	# large frames: sent by GPA page ranges
	# Jumbo frames over 2 KiB mbufs: scattered rx chains, multi-segment GPA tx.
	run_case "$m" 10000 9014 "$(pace 10000)" --max-pkt-len=9014
done
echo "our PMD forwarded 64 B, 1518 B and 9014 B frames intact in modes: $modes"
