#!/usr/bin/env bash
# Two synthetic NICs cross-connected by hvsim's pair backend, under Debian's
# testpmd (distro netvsc, unmodified; queue states fixed by the preloaded
# libqstate_fix.so), with every frame's payload verified end to end:
#
#   NIC 0 gen --> port G --io--> port X --tx--> NIC X ==pair wire==> NIC Y
#      ^                                                               |
#      +------- port G <--io-- port Y <--rx----------------------------+
#
# hvsim: `--nic gen:count=N,rate=R,flows=4,hold --nic pair:2 --nic pair:1`.
# testpmd io with --port-topology=chained forwards port i to port i+1 (mod 3)
# over its port list: in a 3-cycle gen's port forwards to one pair port X,
# and the other pair port Y forwards to gen's port, whatever the probe
# order, so every gen frame crosses the pair wire once and comes back to
# gen. Ports are matched to NICs by MAC (00:15:5D:00:00:<nic+1>).
# gen's frames are addressed to NIC 0's MAC: Y takes them only with a
# promiscuous packet filter. testpmd enables promiscuous mode at start
# (its default); the test turns it off and on again, so that the filter is
# set by a request of its own whatever the PMD's start left (its port
# start alone sets directed | broadcast | all-multicast, doc/conformance.md).
#
# gen is held until testpmd forwards. Judge: gen sent N, back N, lost,
# corrupt, dup, reordered 0 (seq + CRC of every frame); testpmd: no drops
# while forwarding, forwarded == received; port counters link by link:
# G RX = N, X TX = N, Y RX = N, G TX = N, X RX = Y TX = 0; hvsim's pair
# reports: NIC X's guest sent N, NIC Y's guest took N, nothing queued or
# dropped on the wire (pair_full 0).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/lib/testpmd.sh"

N=${N:-200000}
RATE=${RATE:-50000}
MODES=$(tp_modes core)
tp_setup
need_backend gen
bounded 10 "$HVSIM" run --nic pair:1 --nic pair:0 -- true >/dev/null 2>&1 ||
	skip "hvsim has no pair backend"
gen_can_hold || skip "hvsim's gen cannot hold (needed for exact counts)"

# gen's "back" count so far (hvsim ctl counters)
gen_back_now() { hv_ctl counters | grep -m1 -E '^gen: sent' | grep -oE 'back [0-9]+' | grep -oE '[0-9]+'; }

for m in $MODES; do
	start=$SECONDS
	GEN_HELD=1
	TP_HVSIM_OPTS=(--recv-buf-bytes 4194304)
	# 16k-entry rx rings (330 ms at 50 kpps): the PMD drops what does not
	# fit when its polling core is descheduled (as in tp_gen_fwd). The PMD
	# allocates mbufs as it receives: only G and Y receive, so two full
	# rings and the tx rings fit in 45056 (VA mode: -m 256)
	TP_MBUFS=45056
	tp_start "$m" "gen:count=$N,rate=$RATE,flows=4,hold pair:2 pair:1" \
		--rxd=16384 --txd=1024 --port-topology=chained
	TP_HVSIM_OPTS=()
	G=$(tp_port_of_nic 0) P1=$(tp_port_of_nic 1) P2=$(tp_port_of_nic 2)
	[ -n "$G" ] && [ -n "$P1" ] && [ -n "$P2" ] ||
		{ tp_dump; fail "$m: no port with the MAC of NIC 0, 1 or 2"; }
	echo "$m: NIC 0 (gen) = port $G, NIC 1 = port $P1, NIC 2 = port $P2"
	tp_cmd "set promisc all off" >/dev/null
	tp_cmd "set promisc all on" >/dev/null
	EARLY=$(hv_rx_settled)
	tp_cmd "set fwd io" >/dev/null
	tp_cmd "start" >/dev/null
	printf '%s\n' "$TP_OUT" | grep -E "RX P=|Logical Core" | head -5
	tp_gen_begin
	end=$((SECONDS + 20))
	while [ "$(gen_back_now)" -lt "$N" ] 2>/dev/null && [ $SECONDS -lt $end ]; do sleep 0.2; done
	sleep 0.3
	tp_cmd "stop" >/dev/null
	FWD_OUT=$TP_OUT
	tp_drain
	tp_cmd "show port stats all" >/dev/null
	STATS=$TP_OUT
	tp_quit
	tp_check_shim
	gen_line
	hv_nic_lines 1
	hv_nic_lines 2
	printf '%s\n' "$STATS" | grep -E "statistics for port|RX-packets|RX-errors|TX-packets"

	expect_eq "$m: gen sent" "$(gen_num sent)" "$N"
	expect_eq "$m: gen back" "$(gen_num back)" "$N"
	for f in lost corrupt dup reordered foreign; do
		expect_eq "$m: gen $f" "$(gen_num $f)" 0
	done
	expect_eq "$m: RX-dropped while forwarding" "$(tp_fwd_stat "$FWD_OUT" RX-dropped)" 0
	expect_eq "$m: TX-dropped while forwarding" "$(tp_fwd_stat "$FWD_OUT" TX-dropped)" 0
	expect_eq "$m: forwarded = received while forwarding" \
		"$(tp_fwd_stat "$FWD_OUT" TX-packets)" "$(tp_fwd_stat "$FWD_OUT" RX-packets)"
	# which pair port gen's port forwards to (X) and which comes back (Y)
	if [ "$(tp_port_stat "$STATS" "$P1" TX-packets)" = "$N" ]; then
		X=$P1 Y=$P2 NX=1 NY=2
	else
		X=$P2 Y=$P1 NX=2 NY=1
	fi
	echo "$m: gen -> port $G -> port $X (NIC $NX) ~wire~ NIC $NY -> port $Y -> port $G -> gen"
	expect_eq "$m: port $G (gen) RX-packets" "$(tp_port_stat "$STATS" "$G" RX-packets)" "$N"
	expect_eq "$m: port $X (NIC $NX) TX-packets" "$(tp_port_stat "$STATS" "$X" TX-packets)" "$N"
	expect_eq "$m: port $Y (NIC $NY) RX-packets" "$(tp_port_stat "$STATS" "$Y" RX-packets)" "$N"
	expect_eq "$m: port $G (gen) TX-packets" "$(tp_port_stat "$STATS" "$G" TX-packets)" "$N"
	expect_eq "$m: port $X RX-packets" "$(tp_port_stat "$STATS" "$X" RX-packets)" 0
	expect_eq "$m: port $Y TX-packets" "$(tp_port_stat "$STATS" "$Y" TX-packets)" 0
	for p in $G $X $Y; do
		expect_eq "$m: port $p RX-missed" "$(tp_port_stat "$STATS" "$p" RX-missed)" 0
		expect_eq "$m: port $p TX-errors" "$(tp_port_stat "$STATS" "$p" TX-errors)" 0
	done
	expect_eq "$m: hvsim NIC $NX guest tx" "$(hv_nic_num $NX 'guest tx')" "$N"
	expect_eq "$m: hvsim NIC $NY guest rx" "$(hv_nic_num $NY 'guest rx')" "$N"
	for i in 1 2; do
		expect_eq "$m: NIC $i pair_full" "$(hv_nic_num $i pair_full)" 0
		expect_eq "$m: NIC $i too_long" "$(hv_nic_num $i too_long)" 0
		expect_eq "$m: NIC $i still queued" "$(hv_nic_num $i 'still queued')" 0
	done
	echo "$m: $N frames gen -> pair wire -> gen, all verified, in $((SECONDS - start)) s"
done
echo "distro netvsc forwarded gen's frames across the hvsim pair wire and back, every one verified, in modes: $MODES"
