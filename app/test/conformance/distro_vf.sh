#!/usr/bin/env bash
# Accelerated networking as Debian's testpmd (distro netvsc PMD, unmodified;
# queue states fixed by the preloaded libqstate_fix.so) sees it over hvsim's
# VF stand-in: the fidelity check of pmd_vf.sh. The stand-in is hvsim's
# net_hvsim_vf built against the distro's DPDK (librte_net_hvsim_vf_distro.so).
#
#   hvsim gen --> [data path: VF rings | synthetic channel] --> distro netvsc
#       ^                                                         | testpmd io fwd
#       +------ [VF tx rings | synthetic sends] <-----------------+
#
# Cases: VF present at start (PA and VA), hot-add then surprise removal under
# traffic, ten add/remove cycles under traffic. Judges: gen's sequence
# numbers and CRCs (dup/corrupt 0, loss bounded and reported), testpmd's
# counters, the mempool in-use count (dump_mempool) before and after, and
# the distro PMD's own log of what it did with the VF.
#
# At start: the stand-in is a vdev, and EAL probes vdevs after every other
# bus, so the distro finds no VF port at its probe and retries each second
# ("RNDIS reports VF but device not found"); a port started by then is one
# it refuses ("VF already started on hot add"). On Azure the VF is a PCI
# device probed before vmbus. testpmd therefore starts with
# --disable-device-start and starts port 0 once the distro owns the VF.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/lib/testpmd.sh"
. "$(dirname "$0")/../lib/mbuf_check.sh"
. "$(dirname "$0")/../lib/vf_counters.sh"

VF_PLUGIN=app/hvsim/vf/librte_net_hvsim_vf_distro.so
[ -f "$BUILD/$VF_PLUGIN" ] || skip "librte_net_hvsim_vf_distro.so not built (needs the distro's dpdk-dev)"
tp_setup
plugin_build_dir	# EAL refuses a -d path below a world-writable directory
VF_PLUGIN=$PLUGIN_BUILD/$VF_PLUGIN
RATE=$(pace 20000)

start_vf_case() {	# MODE GENSPEC [testpmd args...]
	local mode=$1 gen=$2
	shift 2
	TP_EAL_ARGS=(-d "$VF_PLUGIN" --vdev net_hvsim_vf0,nic=0
		--log-level=pmd.net.netvsc.*:debug)
	tp_start "$mode" "$gen" "$@"
	TP_EAL_ARGS=()
	TP_HVSIM_OPTS=()
	tp_cmd "set fwd io retry" >/dev/null
	# testpmd lists the stand-in's port too (probed before the distro owns it)
	tp_cmd "set portlist 0" >/dev/null
}

vf_ctl() { hv_ctl "$@"; }
pmd_said() { [ "$(grep -c "$1" "$TP_DIR/err")" -ge "$2" ]; }	# TEXT N
judge_clean() {	# CASE: nothing duplicated or corrupt, no refusal by the distro
	[ "$(gen_num dup)" = 0 ] && [ "$(gen_num corrupt)" = 0 ] ||
		{ tp_dump; fail "$1: duplicated or corrupt frames: $(gen_line)"; }
	! grep -q "VF already started\|Failed to configure VF\|rte_eth_dev_start failed" "$TP_DIR/err" ||
		{ tp_dump; fail "$1: the distro refused the VF"; }
}

case_at_start() {
	local mode=$1 n=20000 vf_rx vf_tx syn_rx syn_tx
	TP_HVSIM_OPTS=(--vf 0)
	start_vf_case "$mode" "gen:count=$n,size=64,rate=$RATE,hold" --disable-device-start
	wait_for 10 pmd_said "Attach VF device" 1 || { tp_dump; fail "start-$mode: the distro never attached the VF"; }
	tp_cmd "port start all" 30 >/dev/null
	tp_cmd "start" >/dev/null
	wait_for 10 datapath_is vf || { tp_dump; fail "start-$mode: data path never switched to the VF"; }
	hv_ctl gen 0 start >/dev/null
	wait_for 30 gen_back_is "$n" || { tp_dump; fail "start-$mode: not every frame came back"; }
	vf_rx=$(vf_field vf_rx) vf_tx=$(vf_field vf_tx)
	syn_rx=$(syn_count rx_frames) syn_tx=$(syn_count tx_frames)
	tp_cmd "stop" >/dev/null
	local rx
	rx=$(tp_fwd_stat "$TP_OUT" RX-packets)
	tp_quit
	echo "start-$mode: $(gen_line); VF rx $vf_rx tx $vf_tx, synthetic rx $syn_rx tx $syn_tx"
	expect_eq "start-$mode: frames over the VF to the guest" "$vf_rx" "$n"
	expect_eq "start-$mode: frames over the VF from the guest" "$vf_tx" "$n"
	expect_eq "start-$mode: synthetic rx" "$syn_rx" 0
	expect_eq "start-$mode: synthetic tx" "$syn_tx" 0
	expect_eq "start-$mode: testpmd RX-packets" "$rx" "$n"
	expect_eq "start-$mode: gen lost" "$(gen_num lost)" 0
	judge_clean "start-$mode"
}

# Hot-add, then surprise removal, under traffic; loss bounded by 200 ms.
case_hotplug() {
	local n=$((RATE * 5)) loss_max=$((RATE / 5)) vf_rx syn_before
	start_vf_case "$(tp_modes one)" "gen:count=$n,size=64,rate=$RATE,hold"
	tp_cmd "start" >/dev/null
	hv_ctl gen 0 start >/dev/null
	sleep 0.8
	[ "$(syn_count rx_frames)" -gt 0 ] || fail "hotplug: no synthetic traffic before the VF"
	hv_ctl vf 0 add >/dev/null || fail "hotplug: vf add"
	# the distro looks for the port once a second
	wait_for 10 datapath_is vf || { tp_dump; fail "hotplug: data path never switched to the VF"; }
	sleep 0.8
	vf_rx=$(vf_field vf_rx)
	[ "$vf_rx" -gt 0 ] || fail "hotplug: nothing over the VF"
	syn_before=$(syn_count rx_frames)
	hv_ctl vf 0 remove >/dev/null || fail "hotplug: vf remove"
	wait_for 10 pmd_said "Start to remove port" 1 || { tp_dump; fail "hotplug: VF never removed"; }
	sleep 0.5
	[ "$(syn_count rx_frames)" -gt "$syn_before" ] || fail "hotplug: no fallback traffic"
	wait_for 30 gen_sent_all "$n" || fail "hotplug: gen did not finish"
	sleep 1
	tp_cmd "stop" >/dev/null
	tp_quit
	echo "hotplug: $(gen_line); VF carried $vf_rx frames (bound on loss $loss_max)"
	[ "$(gen_num lost)" -le "$loss_max" ] || fail "hotplug: lost $(gen_num lost) > $loss_max"
	judge_clean hotplug
}

# Ten add/remove cycles under traffic: traffic resumes, no mbuf is leaked.
case_cycles() {
	local n=$((RATE * 20)) cycles=10 c back
	start_vf_case "$(tp_modes one)" "gen:count=$n,size=64,rate=$RATE,hold"
	tp_cmd "dump_mempool" >/dev/null
	tp_cmd "start" >/dev/null
	hv_ctl gen 0 start >/dev/null
	for c in $(seq 1 $cycles); do
		hv_ctl vf 0 add >/dev/null || fail "cycles: add $c"
		wait_for 10 pmd_said "set datapath VF" "$c" ||
			{ tp_dump; fail "cycles: no switch to the VF in cycle $c"; }
		sleep 0.2
		hv_ctl vf 0 remove >/dev/null || fail "cycles: remove $c"
		wait_for 10 pmd_said "Start to remove port" "$c" ||
			{ tp_dump; fail "cycles: VF not removed in cycle $c"; }
		sleep 0.1
	done
	back=$(gen_back_now)
	sleep 0.5
	[ "$(gen_back_now)" -gt "$back" ] || fail "cycles: traffic did not resume"
	wait_for 60 gen_sent_all "$n" || fail "cycles: gen did not finish"
	sleep 1
	tp_cmd "stop" >/dev/null
	tp_cmd "port stop all" 30 >/dev/null
	tp_cmd "dump_mempool" >/dev/null
	tp_quit
	echo "cycles: $(gen_line); $(grep -c "Attach VF device" "$TP_DIR/err") VF attaches"
	mbuf_check_no_leak "$TP_DIR/out" cycles
	[ "$(gen_num lost)" -le $((cycles * RATE / 10)) ] ||
		fail "cycles: lost more than 100 ms of traffic per cycle"
	judge_clean cycles
}

for m in $MODES; do case_at_start "$m"; done
case_hotplug
case_cycles
echo "the distro PMD ran over the VF from the start ($MODES), across hot-add/removal and ten cycles"
