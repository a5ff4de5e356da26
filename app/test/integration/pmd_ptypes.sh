#!/usr/bin/env bash
# sanitizer: yes
# Packet types on our PMD, through testpmd:
#
#   hvsim gen --> [synthetic channel | VF stand-in] --> net_netvsc (ours) --> testpmd rxonly
#
#   show port 0 ptypes            rte_eth_dev_get_supported_ptypes
#   set port 0 ptype_mask 0xfff   rte_eth_dev_set_ptypes: L2, L3 and L4 (testpmd
#                                 asks for none at start: packet_type left 0)
#   set verbose 1, rxonly         each frame's "hw ptype", its mbuf packet_type
#
# The judge is what gen was told to send, not a parser: UDP over IPv4, TCP
# over IPv4 (gen's tcp) and tagged UDP (vlan=5; with VLAN stripping off the
# tag goes back into the frame) must each come out with their three layers
# named, every frame; with testpmd's default, no frame has a type. Frames
# over the VF (hvsim's stand-in, which types none, as MANA's PMD does not)
# must be typed the same (hvsim counts them on the VF). The example l3fwd
# script (example_l3fwd) routes by these types too: it runs l3fwd without
# --parse-ptype. PA mode (as root) and VA mode.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../conformance/lib/testpmd.sh"
. "$(dirname "$0")/../lib/vf_counters.sh"

tp_our_pmd
N=20
VF_PLUGIN=app/hvsim/vf/librte_net_hvsim_vf.so
[ -f "$BUILD/$VF_PLUGIN" ] || skip "net_hvsim_vf not built"
vf_ctl() { hv_ctl "$@"; }

# frames_typed GEN_OPTS PTYPE MASK [vf]: N frames of gen's (GEN_OPTS) received
# with testpmd's ptype_mask MASK (empty: testpmd's default), over the VF
# stand-in with "vf"; each must print "hw ptype: PTYPE " (PTYPE empty: no hw
# ptype at all).
frames_typed() {
	local opts=$1 want=$2 mask=$3 vf=${4:-} got
	if [ -n "$vf" ]; then
		TP_HVSIM_OPTS=(--vf 0)
		TP_EAL_ARGS=("${TP_OUR_EAL[@]}" -d "$PLUGIN_BUILD/$VF_PLUGIN" --vdev net_hvsim_vf0,nic=0)
	fi
	tp_start "$MODE" "gen:count=$N,$opts,hold" --rxq=1 --txq=1
	TP_HVSIM_OPTS=()
	TP_EAL_ARGS=("${TP_OUR_EAL[@]}")
	tp_cmd "set portlist 0" >/dev/null	# testpmd may list the stand-in before we own it
	[ -n "$mask" ] && tp_cmd "set port 0 ptype_mask $mask" >/dev/null
	[ -z "$vf" ] || wait_for 10 datapath_is vf || { tp_dump; fail "$MODE: data path never on the VF"; }
	tp_cmd "set verbose 1" >/dev/null
	tp_cmd "set fwd rxonly" >/dev/null
	tp_cmd "start" >/dev/null
	hv_ctl gen 0 start >/dev/null || fail "$MODE: gen start"
	for _ in $(seq 50); do
		[ "$(grep -c ' src=' "$TP_DIR/out")" -ge "$N" ] && break
		sleep 0.1
	done
	tp_cmd "stop" >/dev/null
	expect_eq "$MODE: $opts: frames dumped" "$(grep -c ' src=' "$TP_DIR/out")" "$N"
	[ -z "$vf" ] || expect_eq "$MODE: $opts: frames over the VF" "$(vf_field vf_rx)" "$N"
	if [ -n "$want" ]; then
		got=$(grep -c "hw ptype: $want  *- sw ptype" "$TP_DIR/out")
	else
		got=$(grep -c "hw ptype:" "$TP_DIR/out")
	fi
	tp_quit
	expect_eq "$MODE: $opts: frames typed '${want:-none}'" "$got" \
		"$([ -n "$want" ] && echo $N || echo 0)"
}

for MODE in $MODES; do
	tp_start "$MODE" sink
	tp_cmd "show port 0 ptypes" >/dev/null
	for t in L2_ETHER L3_IPV4 L3_IPV6 L4_TCP L4_UDP; do
		printf '%s\n' "$TP_OUT" | grep -q "^ *$t *$" ||
			{ tp_dump; fail "$MODE: show port 0 ptypes lists no $t"; }
	done
	tp_quit
	frames_typed size=64 "L2_ETHER L3_IPV4 L4_UDP" 0xfff
	frames_typed tcp "L2_ETHER L3_IPV4 L4_TCP" 0xfff
	frames_typed vlan=5 "L2_ETHER_VLAN L3_IPV4 L4_UDP" 0xfff
	frames_typed size=64 "" ""
	frames_typed size=64 "L2_ETHER L3_IPV4 L4_UDP" 0xfff vf
done
echo "our PMD: packet types of UDP, TCP and tagged frames as gen sent them, over the VF too, none when asked for none ($MODES)"
