#!/usr/bin/env bash
# examples/l3fwd-over-hvsim.sh, briefly: dpdk-l3fwd (LPM) over our PMD routes
# hvsim gen's 8 flows from nic0's port to nic1's port:
#
#   hvsim gen nic0 --> port(nic0) --l3fwd: 198.18.0.0/24 -> port(nic1)--> nic1 hvsim sink
#
# Judges: hvsim's sink on the egress NIC counts the routed frames and checks
# each one's sequence number and CRC (lost, reordered, corrupt and foreign
# must be 0); gen must have sent what the sink got, and l3fwd nothing back.
. "$(dirname "$0")/../lib/common.sh"

plugin_build_dir
out=$TMP/l3fwd.log
BUILD=$PLUGIN_BUILD bounded 80 bash "$(dirname "$0")/../../../examples/l3fwd-over-hvsim.sh" 2 \
	"$(pace 20000)" >"$out" 2>&1 || { cat "$out"; fail "the l3fwd example failed"; }
cat "$out"
sent=$(sed -n 's/^gen: sent \([0-9]*\), back 0, .*/\1/p' "$out")
sunk=$(sed -n 's/^sink: frames [0-9]*, ours \([0-9]*\) (lost 0, reordered 0, corrupt 0), foreign 0 .*/\1/p' "$out")
[ -n "$sent" ] || fail "gen's report missing, or frames came back to nic0"
[ -n "$sunk" ] || fail "sink's report missing, or frames lost, reordered, corrupt or foreign"
[ "$sunk" -gt 0 ] || fail "no frame routed to nic1"
[ "$sunk" = "$sent" ] || fail "gen sent $sent frames, the sink got $sunk"
echo "l3fwd routed all $sunk frames from nic0 to nic1"
