#!/usr/bin/env bash
# sanitizer: yes
# Our PMD answers the Linux network stack through hvsim's tap backend:
#
#   netns nvtns$$: ping 10.199.$x.2 --> TAP nvt$$ --hvsim tap--> net_netvsc --testpmd icmpecho
#                  (10.199.$x.1/24)  <--           <--                    <-- ARP and echo replies
#
# hvsim creates the TAP in our namespace when it starts; the test then moves
# it into a namespace of its own (the TAP fd keeps working), gives it an
# address and pings the guest's side, where testpmd's icmpecho mode answers
# ARP requests for any address and ICMP echo requests. The judge is the Linux
# stack: 20 pings, 0% loss. Needs root (netns, TAP); PA and VA mode.
. "$(dirname "$0")/../lib/common.sh"

need_root "network namespaces and TAP devices"
command -v ip >/dev/null || skip "no ip(8)"
command -v ping >/dev/null || skip "no ping(8)"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"

run_case() {
	local mode=$1 x=$2
	local run=/dev/shm/hvsim-tap.$$.$mode out=$TMP/tap-$mode.log fifo=$TMP/in-$mode
	local ifname=nvt$$$x ns=nvtns$$$x
	plugin_build_dir
	ip netns add "$ns" || fail "ip netns add $ns"
	at_exit "ip netns del $ns"
	at_exit "ip link del $ifname; ip -n $ns link del $ifname"
	mkfifo "$fifo"
	bounded 25 "$HVSIM" run --run-dir "$run" --nic "tap:$ifname" -- \
		"$TESTPMD" $(eal_args "$mode") -d "$PLUGIN_BUILD/drivers" \
		-d "$PLUGIN_BUILD/subprojects/dpdk/drivers/librte_mempool_ring.so" \
		-- --total-num-mbufs=8192 -i <"$fifo" >"$out" 2>&1 &
	local hv=$!
	at_exit "kill $hv"
	exec 3>"$fifo"
	for _ in $(seq 1 100); do
		grep -q 'testpmd>' "$out" && break
		kill -0 $hv 2>/dev/null || break
		sleep 0.2
	done
	grep -q 'testpmd>' "$out" || { cat "$out"; fail "$mode: testpmd did not come up"; }
	ip link set "$ifname" netns "$ns" || fail "$mode: cannot move $ifname into $ns"
	ip -n "$ns" addr add "10.199.$x.1/24" dev "$ifname" || fail "$mode: address"
	ip -n "$ns" link set "$ifname" up || fail "$mode: link up"
	echo "set fwd icmpecho" >&3
	echo "start" >&3
	sleep 0.5
	local ping_out
	ping_out=$(bounded 10 ip netns exec "$ns" ping -c 20 -i 0.05 -W 2 "10.199.$x.2" 2>&1)
	echo "$ping_out" | tail -3
	echo "stop" >&3
	echo "quit" >&3
	exec 3>&-
	wait $hv || { tail -30 "$out"; fail "$mode: hvsim/testpmd exited with an error"; }
	grep -E '^hvsim: nic0' "$out"
	echo "$ping_out" | grep -q '20 packets transmitted, 20 received, 0% packet loss' ||
		fail "$mode: the guest did not answer every ping"
	ip link show "$ifname" >/dev/null 2>&1 && fail "$mode: $ifname outlived hvsim"
	ip -n "$ns" link show "$ifname" >/dev/null 2>&1 && fail "$mode: $ifname outlived hvsim in $ns"
	echo "$mode: 20/20 pings answered through tap:$ifname"
}

modes=$(test_modes)
case $modes in *pa*) hugepages_reserve 256 ;; esac
x=0
for m in $modes; do
	run_case "$m" $x
	x=$((x + 1))
done
echo "tap: the Linux stack in a netns reached our PMD in modes: $modes"
