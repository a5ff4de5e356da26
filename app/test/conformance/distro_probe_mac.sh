#!/usr/bin/env bash
# Debian's unmodified testpmd + vmbus bus + netvsc PMD probes hvsim's NIC all
# the way: receive/send buffers connected, RNDIS initialised, MAC queried,
# port started with link up, stopped and closed, exit status 0.
#
#   /usr/bin/dpdk-testpmd (distro bus + netvsc) --ring--> hvsim NIC (NVSP + RNDIS)
. "$(dirname "$0")/../lib/common.sh"

[ -x "$DISTRO_TESTPMD" ] || skip "Debian's dpdk-testpmd is not installed"

run_mode() {
	local mode=$1
	local out=$TMP/probe-$mode.log
	bounded 60 "$HVSIM" run --nic loop -- "$DISTRO_TESTPMD" $(eal_args "$mode") \
		--log-level='pmd.net.netvsc.*:debug' -- --total-num-mbufs=2048 -i \
		</dev/null >"$out" 2>&1 || { tail -30 "$out"; fail "$mode: testpmd failed"; }
	grep -E "rxbuf|chim|RNDIS ver|MAC address|Port 0" "$out" | head -12
	grep -q "Port 0: 00:15:5D:00:00:01" "$out" || fail "$mode: port 0 MAC not reported"
	grep -q "Port 0 is up" "$out" || fail "$mode: link not up"
}

modes=$(test_modes)
case $modes in *pa*) hugepages_reserve 256 ;; esac
for m in $modes; do run_mode "$m"; done
echo "distro netvsc probed hvsim's NIC (MAC, link up) in modes: $modes"
