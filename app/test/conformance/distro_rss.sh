#!/usr/bin/env bash
# Receive-side scaling into Debian's unmodified testpmd (distro netvsc PMD,
# queue states fixed by libqstate_fix.so): hvsim grants the subchannels the
# PMD asks for and spreads gen's frames over them by the Toeplitz hash of
# the addresses (the only hash type DPDK 22.11 asks for; rndis.md 5.7).
#
#   hvsim gen:flows=64,srcip --RSS--> channel k --> testpmd rxonly, queue k
#
# gen's flow f comes from 198.19.0.f to 198.18.0.2 (`srcip`), so the 64 flows
# have 64 address hashes. For 1, 4 and 8 queues testpmd prints per packet
# (`set verbose 1`) its queue and, with RSS, `RSS hash=0x.. - RSS queue=0x..`.
# Judge: every queue received frames; for every printed packet (>= 200), the
# hash is the Toeplitz hash (app/test/lib/toeplitz.py, DPDK's default key
# 2c c6 81 d1 ...) of one of the 64 flows, and the queue that received it is
# reta[hash % 128] with the PMD's default table (i % queues).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/lib/testpmd.sh"

N=${N:-512}
QUEUES=${QUEUES:-"1 4 8"}
MODES=$(tp_modes one)
tp_setup
need_backend gen:srcip
gen_can_hold || skip "hvsim's gen cannot hold (needed to start after testpmd polls)"
GEN_HELD=1

# rss_judge.py QUEUES OUTPUT KEY: see app/test/lib/rss_judge.py.
judge() { python3 "$TOP/app/test/lib/rss_judge.py" "$1" "$2" "$DPDK_KEY"; }
DPDK_KEY=2cc681d15bdbf4f7fca28319db1a3e946b9e38d92c9c03d1ad9944a7d9563d59063c25f3fc1fdc2a

for m in $MODES; do
	for q in $QUEUES; do
		start=$SECONDS
		TP_HVSIM_OPTS=(--queues "$q")
		tp_start "$m" "gen:flows=64,srcip,count=$N,hold" --rxq="$q" --txq="$q"
		tp_cmd "set verbose 1" >/dev/null
		tp_cmd "set fwd rxonly" >/dev/null
		tp_cmd "start" >/dev/null
		tp_gen_begin
		end=$((SECONDS + 15))
		while [ "$(hv_rx_frames)" -lt $N ] 2>/dev/null && [ $SECONDS -lt $end ]; do
			sleep 0.2
		done
		sleep 0.5
		tp_cmd "stop" 20 >/dev/null
		tp_quit
		tp_check_shim
		expect_eq "$m: gen sent ($q queues)" "$(gen_num sent)" $N
		judge "$q" "$TP_DIR/out" || { tp_dump; fail "$m: $q queues: RSS judge"; }
		echo "ok: $m: $q queues: every queue got frames, hash and queue as the spec says ($((SECONDS - start)) s)"
	done
done
echo "distro netvsc: hvsim spread gen's 64 flows over 1, 4 and 8 queues by Toeplitz hash"
