#!/usr/bin/env bash
# sanitizer: yes
# LRO as the host's RSC (NVSP 6.1): hvsim --rsc coalesces in-sequence TCP
# segments for a guest that enabled RSC in its offload parameters, which our
# PMD does when the application asks for RTE_ETH_RX_OFFLOAD_TCP_LRO:
#
#   hvsim gen (TCP, one flow) --rsc--> net_netvsc --testpmd rxonly, verbose
#
# Judges, from testpmd's own printout of every mbuf: the TCP payload bytes
# received add up to exactly what gen sent (lengths minus 54 header bytes);
# frames longer than one segment arrived, each flagged RTE_MBUF_F_RX_LRO with
# its checksum verdict good; frames received + segments the coalescing saved
# (hvsim's counters) = frames gen sent. Without --enable-lro the same traffic
# must arrive segment by segment (no frame over one segment, none flagged).
. "$(dirname "$0")/../lib/common.sh"

N=${N:-600}
SIZE=1000	# gen frame bytes: 54 of headers, 946 of payload

run_case() {
	local mode=$1 lro=$2 run=/dev/shm/hvsim-lro.$$.$1.$2 out=$TMP/lro-$1-$2.log fifo=$TMP/in-$1-$2
	local i frames payload big flagged merged saved
	plugin_build_dir
	mkfifo "$fifo"
	bounded 60 "$HVSIM" run --run-dir "$run" --rsc --nic "gen:tcp,count=$N,size=$SIZE,hold" -- \
		stdbuf -oL "$TESTPMD" $(eal_args "$mode") -d "$PLUGIN_BUILD/drivers" \
		-d "$PLUGIN_BUILD/subprojects/dpdk/drivers/librte_mempool_ring.so" \
		-- --total-num-mbufs=8192 ${lro:+--enable-lro} -i <"$fifo" >"$out" 2>&1 &
	local hv=$!
	at_exit "kill $hv; wait $hv"
	exec 3>"$fifo"
	for i in $(seq 1 100); do grep -q 'testpmd>' "$out" && break; sleep 0.2; done
	grep -q 'testpmd>' "$out" || { cat "$out"; fail "$mode: testpmd did not come up"; }
	echo "set verbose 1" >&3
	echo "set fwd rxonly" >&3
	echo "start" >&3
	testpmd_wait_forwarding "$out" 0 || fail "$mode: forwarding did not start"
	"$HVSIM" ctl --run-dir "$run" gen 0 start >/dev/null || fail "$mode: gen start"
	for i in $(seq 1 60); do
		payload=$(awk '/ - length=/ { for (i = 1; i <= NF; i++) if ($i ~ /^length=/) {
			split($i, a, "="); s += a[2] - 54 } } END { print s + 0 }' "$out")
		[ "$payload" -ge $((N * (SIZE - 54))) ] && break
		sleep 0.25
	done
	merged=$("$HVSIM" ctl --run-dir "$run" counters | awk '/rsc_segments_merged/ { s += $3 } END { print s + 0 }')
	saved=$("$HVSIM" ctl --run-dir "$run" counters | awk '/rsc_coalesced_frames/ { s += $3 } END { print s + 0 }')
	echo "stop" >&3
	echo "quit" >&3
	exec 3>&-
	wait $hv || { tail -20 "$out"; fail "$mode: hvsim/testpmd exited with an error"; }
	frames=$(grep -c ' - length=' "$out")
	big=$(grep ' - length=' "$out" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^length=/) {
		split($i, a, "="); if (a[2] > '"$SIZE"') n++ } } END { print n + 0 }')
	flagged=$(grep -c 'RTE_MBUF_F_RX_LRO' "$out")
	echo "$mode lro=${lro:-off}: $frames frames, $big coalesced, $flagged flagged LRO," \
		"payload $payload of $((N * (SIZE - 54))) bytes; hvsim merged $merged segments into $saved frames"
	[ "$payload" -eq $((N * (SIZE - 54))) ] || fail "$mode: TCP payload bytes differ from gen's"
	if [ -n "$lro" ]; then
		[ "$big" -gt 0 ] || fail "$mode: LRO on, but no coalesced frame arrived"
		[ "$flagged" -ge "$big" ] || fail "$mode: coalesced frames without RTE_MBUF_F_RX_LRO"
		[ $((frames + merged - saved)) -eq "$N" ] ||
			fail "$mode: frames + segments saved by coalescing != gen's $N"
		grep 'RTE_MBUF_F_RX_LRO' "$out" | grep -vq 'RTE_MBUF_F_RX_L4_CKSUM_GOOD' &&
			fail "$mode: a coalesced frame without a good L4 checksum verdict"
	else
		[ "$big" -eq 0 ] && [ "$flagged" -eq 0 ] && [ "$frames" -eq "$N" ] ||
			fail "$mode: LRO off, yet frames were coalesced"
	fi
	return 0
}

[ -x "$TESTPMD" ] || skip "our testpmd is not built"
modes=$(test_modes)
case $modes in *pa*) hugepages_reserve 128 ;; esac
for m in $modes; do
	run_case "$m" 1
	run_case "$m" ""
done
echo "our PMD: host RSC delivered as LRO (lengths, flags, segment counts) in modes: $modes"
