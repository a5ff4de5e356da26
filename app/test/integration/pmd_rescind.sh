#!/usr/bin/env bash
# sanitizer: yes
# The host removes the NIC under traffic (`hvsim ctl rescind nic0`, as Hyper-V
# rescinds the channel; spec/uio-hv-generic.md 5):
#
#   hvsim gen --rx--> net_netvsc --testpmd io fwd--> net_netvsc --tx--> gen
#                         ^ rescind: uio fd errors, rings no longer serviced
#
# Judges: testpmd prints the device removal event (RTE_ETH_EVENT_INTR_RMV)
# and, by its own handler, closes the port and detaches the device; it still
# answers commands afterwards and exits cleanly; every mbuf is back in the
# pool (dump_mempool before traffic and after the removal); gen saw no
# corrupt or foreign frame; the port closed quickly (no 5 s host timeouts).
# Then once more with testpmd not handling the removal (--no-rmv-interrupt):
# the port stays, and a control operation on it must fail with -EIO
# (EIO), as ethdev says of a removed device (rte_eth_dev_is_removed;
# shown to fail without the PMD's is_removed: "Unknown error 19", ENODEV).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/mbuf_check.sh"

wait_for() {	# LOG PATTERN SECONDS
	local i
	for i in $(seq 1 $(($3 * 5))); do
		grep -q -- "$2" "$1" && return 0
		sleep 0.2
	done
	return 1
}

run_case() {
	local mode=$1 run=/dev/shm/hvsim-rescind-pmd.$$.$1 out=$TMP/rescind-$1.log fifo=$TMP/in-$1
	local t0 t1
	plugin_build_dir
	mkfifo "$fifo"
	bounded 60 "$HVSIM" run --run-dir "$run" --nic "gen:rate=$(pace 20000),hold" -- \
		stdbuf -oL "$TESTPMD" $(eal_args "$mode") -d "$PLUGIN_BUILD/drivers" \
		-d "$PLUGIN_BUILD/subprojects/dpdk/drivers/librte_mempool_ring.so" \
		-- --total-num-mbufs=8192 -i <"$fifo" >"$out" 2>&1 &
	local hv=$!
	at_exit "kill $hv; wait $hv"
	exec 3>"$fifo"
	wait_for "$out" 'testpmd>' 20 || { cat "$out"; fail "$mode: testpmd did not come up"; }
	echo "dump_mempool" >&3
	echo "set fwd io" >&3
	echo "start" >&3
	testpmd_wait_forwarding "$out" 0 || fail "$mode: forwarding did not start"
	"$HVSIM" ctl --run-dir "$run" gen 0 start >/dev/null || fail "$mode: gen start"
	sleep 1
	t0=$(date +%s.%N)
	"$HVSIM" ctl --run-dir "$run" rescind nic0 >/dev/null || fail "$mode: rescind"
	wait_for "$out" 'device removal event' 10 ||
		{ tail -20 "$out"; fail "$mode: no device removal event"; }
	wait_for "$out" 'is detached' 15 || { tail -20 "$out"; fail "$mode: port not detached"; }
	t1=$(date +%s.%N)
	echo "show port summary all" >&3
	echo "dump_mempool" >&3
	sleep 1
	echo "quit" >&3
	exec 3>&-
	wait $hv || { tail -30 "$out"; fail "$mode: hvsim/testpmd exited with an error"; }
	grep -q 'Bye' "$out" || fail "$mode: testpmd did not exit by itself"
	grep -q 'Number of available ports: 0' "$out" || fail "$mode: the port is still listed"
	mbuf_check_no_leak "$out" "$mode: rescind under traffic"
	grep -E '^gen:' "$out"
	grep -Eq '^gen: .* corrupt 0, foreign 0' "$out" || fail "$mode: gen saw damaged frames"
	awk -v a="$t0" -v b="$t1" 'BEGIN { d = b - a; printf "removal handled in %.2f s\n", d;
		exit !(d < 5) }' || fail "$mode: removal took a host timeout"
}

# removed_errors MODE: see the header's last case.
removed_errors() {
	local mode=$1 run=/dev/shm/hvsim-rescind-pmd.$$.$1.eio out=$TMP/rescind-eio-$1.log
	local fifo=$TMP/in-eio-$1
	mkfifo "$fifo"
	bounded 60 "$HVSIM" run --run-dir "$run" --nic "gen:count=0" -- \
		stdbuf -oL "$TESTPMD" $(eal_args "$mode") -d "$PLUGIN_BUILD/drivers" \
		-d "$PLUGIN_BUILD/subprojects/dpdk/drivers/librte_mempool_ring.so" \
		-- --total-num-mbufs=8192 --no-rmv-interrupt -i <"$fifo" >"$out" 2>&1 &
	local hv=$!
	at_exit "kill $hv; wait $hv"
	exec 3>"$fifo"
	wait_for "$out" 'testpmd>' 20 || { cat "$out"; fail "$mode: eio: testpmd did not come up"; }
	"$HVSIM" ctl --run-dir "$run" rescind nic0 >/dev/null || fail "$mode: eio: rescind"
	# the PMD looks at its device every 100 ms
	for _ in $(seq 1 20); do
		echo "set promisc 0 off" >&3
		sleep 0.25
		grep -q 'Error during disabling promiscuous mode for port 0' "$out" && break
	done
	# Refused, the port is still promiscuous, and a second try reaches the
	# PMD again (shown to fail by: the flag left cleared on failure ->
	# "1 errors for 2 tries").
	echo "set promisc 0 off" >&3
	echo "show port info 0" >&3
	sleep 0.5
	echo "quit" >&3
	exec 3>&-
	wait $hv || { tail -30 "$out"; fail "$mode: eio: hvsim/testpmd exited with an error"; }
	grep -q '^Promiscuous mode: enabled' "$out" ||
		{ tail -20 "$out"; fail "$mode: eio: a refused promiscuous off left it off"; }
	[ "$(grep -c 'Error during disabling promiscuous mode for port 0' "$out")" -ge 2 ] ||
		fail "$mode: eio: $(grep -c 'Error during disabling' "$out") errors for 2 tries"
	grep -m1 'Error during disabling promiscuous mode' "$out" ||
		{ tail -20 "$out"; fail "$mode: eio: no error from a removed port"; }
	# (rte_strerror gives glibc's text, or "Unknown error N" in some builds)
	grep -Eq 'Error during disabling promiscuous mode for port 0: (Input/output error|Unknown error 5)$' \
		"$out" || fail "$mode: eio: a removed port's error is not -EIO"
}

[ -x "$TESTPMD" ] || skip "our testpmd is not built"
modes=$(test_modes)
case $modes in *pa*) hugepages_reserve 128 ;; esac
for m in $modes; do
	run_case "$m"
done
removed_errors "${modes%% *}"
echo "our PMD: rescind under traffic raised RMV, the port closed, no mbuf lost ($modes)"
