#!/usr/bin/env bash
# sanitizer: yes
# Our netvsc PMD forwards hvsim's generated traffic back, in PA mode
# (hugepages, as on Hyper-V) and VA mode:
#
#   hvsim gen --rx--> net_netvsc (ours) --testpmd io fwd--> net_netvsc --tx--> hvsim gen
#
# 64- and 1518-byte frames go through send-buffer sections (several to one),
# 1518-byte ones with tx_copybreak=512 and jumbo ones by GPA page ranges
# (guest-physical addresses in PA mode: the bug class that corrupts memory
# on Hyper-V). Judges: every frame carries a sequence number and a CRC that gen checks on
# return (lost/reordered/corrupt must be 0), and testpmd's own counters must
# equal what hvsim says it sent and received; the mempool's in-use count is
# back to where it started (zero-copy mbufs returned their slots and themselves).
# 64- and 1518-byte frames also go through the generic build of the rx
# transfer path and tx copies (EAL --force-max-simd-bitwidth=128), which
# CPUs without AVX2 run; the driver's log names the build each run took.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/mbuf_check.sh"

run_case() {
	local mode=$1 count=$2 size=$3 rate=$4 extra=${5:-} devargs=${6:-} path=${7:-}
	local tag=$mode-$size${devargs:+-${devargs//[=,]/-}}${path:+-$path}
	local eal_path=--log-level=pmd.net.netvsc.init:info
	[ "$path" = generic ] && eal_path="$eal_path --force-max-simd-bitwidth=128"
	local run=/dev/shm/hvsim-pmdio.$$.$tag out=$TMP/io-$tag.log
	plugin_build_dir
	mkfifo "$TMP/in-$tag"
	"$HVSIM" run --run-dir "$run" --nic "gen:count=$count,size=$size,rate=$rate,hold" -- \
		stdbuf -oL "$TESTPMD" $(eal_args "$mode") $eal_path ${devargs:+-a "vmbus:$NIC0_UUID,$devargs"} \
		-d "$PLUGIN_BUILD/drivers" \
		-d "$PLUGIN_BUILD/subprojects/dpdk/drivers/librte_mempool_ring.so" \
		-- --total-num-mbufs=16384 $extra -i <"$TMP/in-$tag" >"$out" 2>&1 &
	local hv=$!
	at_exit "kill $hv"
	exec 3>"$TMP/in-$tag"
	for _ in $(seq 1 400); do grep -q 'testpmd>' "$out" && break; sleep 0.05; done
	grep -q 'testpmd>' "$out" || { cat "$out"; fail "$mode: testpmd did not come up"; }
	echo "dump_mempool" >&3
	echo "set fwd io retry" >&3
	# A busy host completes sends late: retry rather than drop (not a speed test).
	echo "set burst tx delay 20 retry 5000" >&3
	echo "start" >&3
	testpmd_wait_forwarding "$out" 0 || fail "$mode: forwarding did not start"
	"$HVSIM" ctl --run-dir "$run" gen 0 start >/dev/null || fail "$mode: gen start"
	for _ in $(seq 1 $(((count / rate * 2 + 20) * 5))); do
		"$HVSIM" ctl --run-dir "$run" counters | grep -q "back $count," && break
		sleep 0.1
	done
	"$HVSIM" ctl --run-dir "$run" counters >"$TMP/counters-$tag" || fail "$mode: counters"
	echo "stop" >&3
	echo "show port xstats 0" >&3
	echo "port stop all" >&3	# received frames not taken are freed at stop
	echo "dump_mempool" >&3
	echo "quit" >&3
	exec 3>&-
	wait $hv || fail "$mode: hvsim/testpmd exited with an error"
	grep -E '^gen:|^hvsim: nic0|Forward statistics' -A0 "$out"
	grep -q "gen: sent $count, back $count, lost 0, reordered 0, dup 0, corrupt 0, foreign 0" \
		"$out" || { grep -Ev ': 0$|^ *$' "$out" | tail -40; fail "$mode: gen did not get every frame back intact"; }
	grep -q "RX-packets: $count .*RX-total: $count" "$out" || fail "$mode: testpmd rx count"
	grep -q "TX-packets: $count .*TX-total: $count" "$out" || fail "$mode: testpmd tx count"
	grep -q "guest tx $count frames.*guest rx $count frames" "$out" ||
		fail "$mode: hvsim's counts differ from testpmd's"
	mbuf_check_no_leak "$out" "$mode: $size B${devargs:+ $devargs}"
	grep -q "data path ${path:-$DEFAULT_PATH}" "$out" ||
		fail "$mode: the driver did not log data path ${path:-$DEFAULT_PATH}"
	# Every frame in the size bin of its length (hvsim's bytes / frames), both ways.
	local len bin dir n
	len=$(sed -n 's|.*guest rx [0-9]* frames / \([0-9]*\) bytes.*|\1|p' "$out")
	bin=$(size_bin $((len / count)))
	for dir in rx tx; do
		n=$(sed -n "s/^ *${dir}_q0_$bin: \([0-9]*\).*/\1/p" "$out")
		[ "$n" = "$count" ] || fail "$mode: ${dir}_q0_$bin is '$n', want $count"
	done
	echo "$mode: $count frames of $((len / count)) B in rx and tx $bin (data path ${path:-$DEFAULT_PATH})"
}

# data_sends TAG: the NVSP data sends (107s) hvsim completed in run TAG,
# one per GPA frame or per send section (several frames aggregated).
data_sends() {
	awk '$2 == "tx_data_sends" { n += $3 } END { print n + 0 }' "$TMP/counters-$1"
}

# size_bin LEN: the xstats size bin a frame of LEN bytes belongs to.
size_bin() {
	local lo=0 hi
	for hi in 64 127 255 511 1023 1518; do
		if [ "$1" -le "$hi" ]; then
			[ $hi = 64 ] && echo size_64 || echo "size_$((lo + 1))_$hi"
			return
		fi
		lo=$hi
	done
	echo size_1519_max
}

NIC0_UUID=5e1ec7ed-0000-4000-8000-000000000000	# hvsim's first NIC
# The data path build the driver picks by default on this CPU.
DEFAULT_PATH=generic
if [ "$(uname -m)" = x86_64 ] && grep -qw avx2 /proc/cpuinfo; then DEFAULT_PATH=avx2; fi
modes=$(test_modes)
small=$(frames 200000) large=$(frames 50000) jumbo=$(frames 10000)
case $modes in *pa*) hugepages_reserve 512 ;; esac
for m in $modes; do
	run_case "$m" "$small" 64 "$(pace 200000)"	# small frames: copied into send sections
	run_case "$m" "$small" 64 "$(pace 200000)" "" "" generic
	run_case "$m" "$large" 1518 "$(pace 50000)"	# large frames: up to four to a section
	run_case "$m" "$large" 1518 "$(pace 50000)" "" "" generic
	# Large frames above tx_copybreak: sent by GPA page ranges, one send each.
	run_case "$m" "$large" 1518 "$(pace 50000)" "" tx_copybreak=512
	sec=$(data_sends "$m-1518") gpa=$(data_sends "$m-1518-tx_copybreak-512")
	echo "$m: $large frames of 1518 B in $sec sends by default, $gpa with tx_copybreak=512"
	[ "$gpa" = "$large" ] || fail "$m: tx_copybreak=512: $gpa sends for $large frames"
	[ "$sec" -gt 0 ] && [ "$sec" -lt "$large" ] ||
		fail "$m: default tx_copybreak: $sec sends for $large frames, not aggregated"
	# Jumbo frames over 2 KiB mbufs: scattered rx chains, multi-segment GPA tx.
	run_case "$m" "$jumbo" 9014 "$(pace 10000)" --max-pkt-len=9014
	# Zero-copy receive: frames forwarded straight out of the receive buffer
	# (sent by GPA from it), slots returned to the host when the mbufs are freed.
	run_case "$m" "$large" 1518 "$(pace 50000)" "" rx_extmbuf_enable=1,tx_copybreak=512
	# VA: the buffer is contiguous in IO addresses; PA: frames crossing into a
	# discontiguous page are copied (hvsim's buffer pages are scattered).
	zc=$(sed -n 's/^rx_q0_zero_copy: \([0-9]*\).*/\1/p' \
		"$TMP/io-$m-1518-rx_extmbuf_enable-1-tx_copybreak-512.log")
	echo "$m: zero-copy receive: $zc of $large frames as external mbufs"
	case $m in
	va) [ "$zc" = "$large" ] || fail "va: zero-copy: $zc of $large frames external" ;;
	*) [ "${zc:-0}" -gt 0 ] || fail "$m: zero-copy: no frame went as an external mbuf" ;;
	esac
done
echo "our PMD forwarded 64 B, 1518 B and 9014 B frames intact in modes: $modes"
