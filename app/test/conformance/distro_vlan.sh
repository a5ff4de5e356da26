#!/usr/bin/env bash
# VLAN both ways with the distro netvsc PMD (unmodified; queue states fixed
# by the preloaded libqstate_fix.so).
#   rx: gen:vlan=100 delivers the tag beside the frame (VLAN PPI), as
#       Hyper-V does. With VLAN strip on (`port config 0 rx_offload
#       vlan_strip on`; the distro PMD has no runtime `vlan set strip`: it
#       reads the offload at configure time) testpmd must report every
#       frame stripped with tci 0x64; with strip off, the PMD puts the tag
#       back in the frame: testpmd shows ethertype 0x8100.
#   tx: `tx_vlan set 0 100` + txonly: the PMD passes the tag as a PPI and
#       hvsim inserts it; sink must see intact frames, as many as sent,
#       each 4 bytes longer than testpmd's 64 (hvsim's byte count).
#   round trip: `loop` backend, macswap with tx_vlan and strip on, `start
#       tx_first`: every frame testpmd receives back must show tci 0x64.
#       The rx half is judged by the gen run above, so a wrong tag on tx
#       would show here.
#
#   hvsim gen:vlan=100 --> distro netvsc --> testpmd rxonly (verbose)
#   testpmd txonly + tx_vlan --> distro netvsc --> hvsim sink
#   testpmd macswap + tx_vlan --> hvsim loop --> testpmd (strip on, verbose)
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/lib/testpmd.sh"

N=64
MODES=$(tp_modes extra)
tp_setup
need_backend gen
need_backend sink

for m in $MODES; do
	tp_start "$m" "gen:vlan=100,rate=500"
	tp_cmd "port stop 0" >/dev/null
	tp_cmd "port config 0 rx_offload vlan_strip on" >/dev/null
	tp_cmd "port start 0" >/dev/null
	tp_cmd "set fwd rxonly" >/dev/null
	tp_cmd "set verbose 1" >/dev/null
	off=$(stat -c %s "$TP_DIR/out")
	tp_cmd "start" >/dev/null
	sleep 0.5
	tp_cmd "stop" >/dev/null
	seen=$(tail -c +$((off + 1)) "$TP_DIR/out")
	stripped=$(printf '%s\n' "$seen" | grep -c "VLAN tci=0x64")
	rx=$(printf '%s\n' "$seen" | grep -c " - length=")
	[ "$rx" -ge $N ] || { tp_dump; fail "$m: verbose showed $rx frames"; }
	expect_eq "$m: strip on: frames with VLAN tci=0x64 (of $rx)" "$stripped" "$rx"
	printf '%s\n' "$seen" | grep -m1 " - length="

	tp_cmd "port stop 0" >/dev/null
	tp_cmd "port config 0 rx_offload vlan_strip off" >/dev/null
	tp_cmd "port start 0" >/dev/null
	off=$(stat -c %s "$TP_DIR/out")
	tp_cmd "start" >/dev/null
	sleep 1
	tp_cmd "stop" >/dev/null
	seen=$(tail -c +$((off + 1)) "$TP_DIR/out")
	rx=$(printf '%s\n' "$seen" | grep -c " - length=")
	tagged=$(printf '%s\n' "$seen" | grep -c "type=0x8100")
	[ "$rx" -gt 0 ] || { tp_dump; fail "$m: strip off: no frames"; }
	expect_eq "$m: strip off: frames with ethertype 0x8100 (of $rx)" "$tagged" "$rx"
	printf '%s\n' "$seen" | grep -m1 " - length="
	tp_quit

	tp_start "$m" sink
	tp_cmd "port stop 0" >/dev/null
	tp_cmd "port config 0 tx_offload vlan_insert on" >/dev/null
	tp_cmd "tx_vlan set 0 100" >/dev/null
	tp_cmd "port start 0" >/dev/null
	tp_cmd "set fwd txonly" >/dev/null
	tp_cmd "start" >/dev/null
	sleep 1
	tp_cmd "stop" >/dev/null
	tp_drain
	tp_cmd "show port stats 0" >/dev/null; stats=$TP_OUT
	tp_quit
	sink_line
	tx=$(tp_stat "$stats" TX-packets)
	[ "${tx:-0}" -gt 1000 ] || { tp_dump; fail "$m: sent only ${tx:-0} tagged frames"; }
	expect_eq "$m: tx_vlan: sink frames" "$(sink_num frames)" "$tx"
	expect_eq "$m: tx_vlan: bad checksums" "$(sink_num 'bad checksum')" 0
	bytes=$(grep -E "guest tx" "$TP_DIR/err" | tail -1 | grep -oE 'guest tx [0-9]+ frames / [0-9]+' | grep -oE '[0-9]+$')
	expect_eq "$m: tx_vlan: bytes at hvsim (64 + 4-byte tag per frame)" "$bytes" $((tx * 68))

	tp_start "$m" loop
	tp_cmd "port stop 0" >/dev/null
	tp_cmd "port config 0 rx_offload vlan_strip on" >/dev/null
	tp_cmd "port config 0 tx_offload vlan_insert on" >/dev/null
	tp_cmd "tx_vlan set 0 100" >/dev/null
	tp_cmd "port start 0" >/dev/null
	# frames to our own MAC: the PMD's port start sets the filter without
	# promiscuous (testpmd still believes it on), so hvsim filters others
	tp_cmd "set eth-peer 0 00:15:5D:00:00:01" >/dev/null
	tp_cmd "set fwd macswap" >/dev/null
	tp_cmd "set verbose 1" >/dev/null
	off=$(stat -c %s "$TP_DIR/out")
	tp_cmd "start tx_first" >/dev/null
	sleep 0.2
	tp_cmd "stop" >/dev/null
	tp_cmd "set verbose 0" >/dev/null
	seen=$(tail -c +$((off + 1)) "$TP_DIR/out")
	rx=$(printf '%s\n' "$seen" | grep -c " - length=")
	tagged=$(printf '%s\n' "$seen" | grep -c "VLAN tci=0x64")
	tp_quit
	[ "$rx" -gt 32 ] || { tp_dump; fail "$m: round trip: only $rx frames came back"; }
	expect_eq "$m: round trip: frames back with VLAN tci=0x64 (of $rx)" "$tagged" "$rx"
done
echo "VLAN strip/insert with the distro PMD correct in modes: $MODES"
