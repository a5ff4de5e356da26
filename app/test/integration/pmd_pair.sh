#!/usr/bin/env bash
# sanitizer: yes
# Two synthetic NICs wired to each other by hvsim's pair backend, both driven
# by our PMD under testpmd io forwarding, in PA mode (root) and VA mode:
#
#   port 0 --tx--> hvsim nic0 --pair--> nic1 --rx--> port 1 --io fwd--> port 1 --tx--> nic1
#     ^                                                                                 |
#     +--io fwd-- port 0 <--rx-- nic0 <--pair-------------------------------------------+
#
# `start tx_first` puts one burst on each port; io forwarding keeps them going
# round for a few seconds. Judges: hvsim's exit report and testpmd's counters
# agree frame for frame (what a port sent is what its NIC got from the guest;
# what one NIC got crossed to the other, nothing dropped on the way), and
# the frames went round many times. Then a multicast group (run_mcast).
. "$(dirname "$0")/../lib/common.sh"

# Field $2 (RX-packets, TX-packets, ...) of port $3 from testpmd's `stop` output $1.
port_stat() {
	awk -v f="$2:" -v p="$3" '
		/Forward statistics for port/ { port = $(NF - 1) + 0; inport = 1; next }
		/Accumulated forward statistics/ { inport = 0 }
		inport && port == p { for (i = 1; i < NF; i++) if ($i == f) { print $(i + 1); exit } }' "$1"
}

# "guest tx"/"guest rx" frames of nic $2, or its "still queued", from hvsim's report in $1.
nic_stat() {
	case $3 in
	tx) sed -n "s/^hvsim: nic$2 pair: guest tx \([0-9]*\) frames.*/\1/p" "$1" ;;
	rx) sed -n "s/^hvsim: nic$2 pair: guest tx .*guest rx \([0-9]*\) frames.*/\1/p" "$1" ;;
	queued) sed -n "s/^hvsim: nic$2 pair: to .*still queued \([0-9]*\)$/\1/p" "$1" ;;
	full) sed -n "s/^hvsim: nic$2 pair: to .*pair_full \([0-9]*\),.*/\1/p" "$1" ;;
	esac
}

# hvsim with the two paired NICs and testpmd over them, interactive on fd 3:
# pair_start MODE NAME; sets OUT (testpmd's output) and HV (hvsim's pid).
pair_start() {
	local mode=$1 fifo=$TMP/in-$2-$1
	OUT=$TMP/$2-$1.log
	plugin_build_dir
	mkfifo "$fifo"
	bounded 25 "$HVSIM" run --run-dir "/dev/shm/hvsim-$2.$$.$mode" --nic pair:1 \
		--nic pair:0 -- "$TESTPMD" $(eal_args "$mode") -d "$PLUGIN_BUILD/drivers" \
		-d "$PLUGIN_BUILD/subprojects/dpdk/drivers/librte_mempool_ring.so" \
		-- --total-num-mbufs=16384 -i <"$fifo" >"$OUT" 2>&1 &
	HV=$!
	at_exit "kill $HV"
	exec 3>"$fifo"
	for _ in $(seq 1 100); do
		grep -q 'testpmd>' "$OUT" && break
		kill -0 $HV 2>/dev/null || break
		sleep 0.2
	done
	grep -q 'testpmd>' "$OUT" || { cat "$OUT"; fail "$mode: $2: testpmd did not come up"; }
}

run_case() {
	local mode=$1 secs=$2 out hv
	pair_start "$mode" pair
	out=$OUT hv=$HV
	echo "set fwd io" >&3
	echo "start tx_first" >&3
	sleep "$secs"
	echo "stop" >&3
	echo "quit" >&3
	exec 3>&-
	wait $hv || { tail -30 "$out"; fail "$mode: hvsim/testpmd exited with an error"; }
	grep -E '^Port [01]: |^hvsim: nic[01] pair|Forward statistics|RX-packets|TX-packets' "$out"

	# Ports are numbered in probe order; hvsim's NIC N has MAC 00:15:5D:00:00:0(N+1).
	local a b p0tx p1tx p0rx p1rx n0tx n1tx n0rx n1rx q0 q1
	a=$(sed -n 's/^Port \([0-9]*\): 00:15:5D:00:00:01$/\1/p' "$out")
	b=$(sed -n 's/^Port \([0-9]*\): 00:15:5D:00:00:02$/\1/p' "$out")
	[ -n "$a" ] && [ -n "$b" ] || fail "$mode: no port with nic0's or nic1's MAC"
	p0tx=$(port_stat "$out" TX-packets "$a") p1tx=$(port_stat "$out" TX-packets "$b")
	p0rx=$(port_stat "$out" RX-packets "$a") p1rx=$(port_stat "$out" RX-packets "$b")
	n0tx=$(nic_stat "$out" 0 tx) n1tx=$(nic_stat "$out" 1 tx)
	n0rx=$(nic_stat "$out" 0 rx) n1rx=$(nic_stat "$out" 1 rx)
	q0=$(nic_stat "$out" 0 queued) q1=$(nic_stat "$out" 1 queued)
	for v in p0tx p1tx p0rx p1rx n0tx n1tx n0rx n1rx q0 q1; do
		[ -n "${!v}" ] || fail "$mode: no $v in the output"
	done
	[ "$(nic_stat "$out" 0 full)" = 0 ] && [ "$(nic_stat "$out" 1 full)" = 0 ] ||
		fail "$mode: a pair ring overflowed"
	# What each port sent is what hvsim took from that guest.
	[ "$p0tx" = "$n0tx" ] || fail "$mode: nic0's port sent $p0tx, hvsim nic0 got $n0tx"
	[ "$p1tx" = "$n1tx" ] || fail "$mode: nic1's port sent $p1tx, hvsim nic1 got $n1tx"
	# Every frame one NIC got crossed to the other: delivered or still queued.
	[ $((n1rx + q1)) = "$n0tx" ] || fail "$mode: nic0 sent $n0tx, nic1 took $n1rx + $q1 queued"
	[ $((n0rx + q0)) = "$n1tx" ] || fail "$mode: nic1 sent $n1tx, nic0 took $n0rx + $q0 queued"
	# A port received what hvsim delivered, less what was in flight at stop (<= 2 bursts).
	[ "$p0rx" -le "$n0rx" ] && [ $((n0rx - p0rx)) -le 64 ] ||
		fail "$mode: nic0's port received $p0rx, hvsim delivered $n0rx"
	[ "$p1rx" -le "$n1rx" ] && [ $((n1rx - p1rx)) -le 64 ] ||
		fail "$mode: nic1's port received $p1rx, hvsim delivered $n1rx"
	[ "$p0tx" -ge 10000 ] || fail "$mode: only $p0tx frames went round"
	echo "$mode: $p0tx frames nic0 -> nic1, $p1tx nic1 -> nic0, counts agree"
}

# A multicast group on nic1's port, promiscuous mode off: hvsim refuses the
# list (as OpenVMM's netvsp does), so the PMD must ask for all multicast
# instead; nic0's port sends one burst (tx_first) to the group. Judge:
# testpmd's RX count of nic1's port (hvsim's filter drops the frames if the
# PMD asked for the group alone, which hvsim does not keep).
run_mcast() {
	local mode=$1 out hv a b rx
	pair_start "$mode" mcast
	out=$OUT hv=$HV
	a=$(sed -n 's/^Port \([0-9]*\): 00:15:5D:00:00:01$/\1/p' "$out")
	b=$(sed -n 's/^Port \([0-9]*\): 00:15:5D:00:00:02$/\1/p' "$out")
	[ -n "$a" ] && [ -n "$b" ] || fail "$mode: mcast: no port with nic0's or nic1's MAC"
	printf '%s\n' "set promisc all off" "mcast_addr add $b 01:00:5E:00:00:01" \
		"set eth-peer $a 01:00:5E:00:00:01" "set eth-peer $b 00:15:5D:00:00:01" \
		"set fwd rxonly" "start tx_first" >&3
	sleep 1
	printf '%s\n' "stop" "quit" >&3
	exec 3>&-
	wait $hv || { tail -30 "$out"; fail "$mode: mcast: hvsim/testpmd exited with an error"; }
	rx=$(port_stat "$out" RX-packets "$b")
	[ "${rx:-0}" -ge 32 ] || fail "$mode: mcast: nic1's port received ${rx:-0} of nic0's 32 frames to its group"
	echo "$mode: mcast: a group with the host refusing the list: all $rx frames to it received"
}

modes=$(test_modes)
case $modes in *pa*) hugepages_reserve 512 ;; esac
for m in $modes; do
	run_case "$m" 3
done
run_mcast "${modes%% *}"
echo "pair: frames crossed between two NICs under our PMD in modes: $modes; a multicast group received"
