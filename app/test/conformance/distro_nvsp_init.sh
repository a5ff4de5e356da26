#!/usr/bin/env bash
# Fidelity of hvsim's kernel layer and ring, judged by an independent stack:
# Debian's dpdk-testpmd with its own vmbus bus and netvsc PMD (unmodified)
# enumerates hvsim's synthetic NIC, maps its rings, sends NVSP INIT and
# accepts hvsim's reply; its debug log shows the negotiated version.
#
#   /usr/bin/dpdk-testpmd (distro bus + netvsc) --ring--> hvsim NIC (NVSP host)
. "$(dirname "$0")/../lib/common.sh"

[ -x "$DISTRO_TESTPMD" ] || skip "Debian's dpdk-testpmd is not installed"

run_mode() {
	local mode=$1
	local out=$TMP/distro-$mode.log
	# The distro PMD waits for the host with no deadline: bound the run.
	bounded 60 "$HVSIM" run --nic loop -- "$DISTRO_TESTPMD" $(eal_args "$mode") \
		--log-level=bus.vmbus:debug --log-level='pmd.net.netvsc.*:debug' \
		-- --total-num-mbufs=2048 -i </dev/null >"$out" 2>&1
	grep -E "vmbus|netvsc|NVS|hn_" "$out" | head -30
	grep -q "NVS version 0x60001, NDIS version 6.30" "$out" ||
		{ tail -30 "$out"; fail "$mode: distro PMD did not negotiate NVSP 6.1"; }
}

modes=$(test_modes)
case $modes in *pa*) hugepages_reserve 256 ;; esac
for m in $modes; do run_mode "$m"; done
echo "distro netvsc negotiated NVSP 6.1 with hvsim in modes: $modes"
