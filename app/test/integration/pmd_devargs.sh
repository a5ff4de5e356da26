#!/usr/bin/env bash
# sanitizer: yes
# net_netvsc's devargs (-a vmbus:<uuid>,key=value,...) as a user types them:
# good ones give a port that takes them; a bad value, an unknown key or a
# key with no value ("latency" alone, which kvargs passes on without one)
# fail the probe with an ERR line saying which, never crash it; enable_vf,
# parsed where the VF is set up, keeps the VF on when its value is bad.
# Judges: ethdev's port count as testpmd shows it, testpmd's exit status.
. "$(dirname "$0")/../lib/common.sh"

# run_case NAME PORTS DEVARGS [TEXT]: testpmd over one hvsim NIC with
# DEVARGS must find PORTS ports, quit cleanly, and say TEXT if given.
run_case() {
	local name=$1 ports=$2 devargs=$3 text=${4:-} out=$TMP/$1.log
	printf 'show port summary all\nquit\n' |
		bounded 60 "$HVSIM" run --nic sink -- \
		"$TESTPMD" $(eal_args va) -a "vmbus:$NIC_UUID0,$devargs" \
		--log-level=pmd.net.netvsc.init:info -d "$PLUGIN_BUILD/drivers" \
		-d "$PLUGIN_BUILD/subprojects/dpdk/drivers/librte_mempool_ring.so" \
		-- --total-num-mbufs=2048 -i >"$out" 2>&1
	local rc=$?
	grep -q "Segmentation\|AddressSanitizer\|runtime error" "$out" &&
		{ tail -20 "$out"; fail "$name: crashed"; }
	[ "$rc" = 0 ] || { tail -20 "$out"; fail "$name: exit status $rc"; }
	grep -q "Number of available ports: $ports" "$out" ||
		{ tail -20 "$out"; fail "$name: not $ports port(s)"; }
	[ -z "$text" ] || grep -q "$text" "$out" ||
		{ tail -20 "$out"; fail "$name: not said: $text"; }
	echo "$name ($devargs): $ports port(s)${text:+, said \"$text\"}"
}

plugin_build_dir
run_case good 1 "latency=100,rx_copybreak=128,tx_copybreak=512,rx_extmbuf_enable=1,enable_vf=0" \
	"enable_vf=0: the synthetic path only"
run_case no-value 0 latency "devarg latency has no value"
run_case not-a-number 0 tx_copybreak=lots "devarg tx_copybreak=lots is not a number"
run_case not-a-bool 0 rx_extmbuf_enable=2 "devarg rx_extmbuf_enable=2 is not 0 or 1"
run_case unknown 0 latency=50,bogus=1 "unknown devargs"
run_case vf-no-value 1 enable_vf "devarg enable_vf takes 0 or 1; VF enabled"
