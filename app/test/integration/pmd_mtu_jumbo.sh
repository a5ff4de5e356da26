#!/usr/bin/env bash
# MTU 9000 set at run time on our netvsc PMD (a new NVSP/RNDIS session with
# the new NDIS config), 2 KiB mbufs with scattered receive, PA mode (as
# root) and VA mode:
#
#   hvsim gen:size=9014 (nic0) --> port A --io fwd--> port A --> gen: every frame intact
#   hvsim gen:size=9018 (nic1) --> port B --io fwd--> port B --> gen: 4 bytes over the MTU
#   hvsim --mtu 4000: the host grants 1500 for 9000 --> the PMD must not claim 9000
#
# 1. Both ports: `port stop all`, `port config mtu P 9000`, `port config P
#    rx_offload scatter on`, `port start all`; `show port info` says MTU 9000.
#    Frames over the MTU go first (nic1, 9018 bytes: hvsim does not police
#    the MTU, Hyper-V's switch would): each must be accounted for, forwarded
#    intact or dropped and counted (xstats rx_drop_*, RX-errors, RX-missed),
#    and testpmd must survive. Then nic0's 9014-byte frames (the largest for
#    MTU 9000), one 5-segment chain each: gen gets every one back (sequence
#    and CRC), testpmd's counters equal gen's and hvsim's byte counts.
# 2. Long chains: 128-byte mbufs (--mbuf-size=256) make each 9014-byte
#    frame a 71-segment chain, more page pieces than one send may carry
#    (the 32 pages Linux and FreeBSD keep to): the PMD must send each whole
#    (copied into a bounce slot). Judges: gen gets every frame back intact,
#    and hvsim counts no send of more than 32 pages.
# 3. Those frames with the host keeping every completion: exactly the 4
#    bounce slots go out, the rest is refused; released, the slots come
#    back (one cleanup frees the 4, the next frames all go).
# 4. A host that grants less (hvsim --mtu 4000 answers an NDIS config of
#    9000 with 1500, as Hyper-V does): `port config mtu 0 9000` must fail,
#    and `port config all max-pkt-len 9014` (ethdev's configure path) must
#    not leave the port claiming 9000: the MTU stays 1500, and 1514-byte
#    frames still flow. (hvsim shows no other sign of the NDIS MTU it got.)
# 5. Chains within tx_copybreak: 1514-byte frames in 128-byte mbufs (12
#    segments) are copied into send sections segment by segment, several
#    frames a send; gen gets every frame back intact.
# 6. A host that fails both new sessions (hvsim's txbuf-section: each later
#    send-buffer reply reports other sections, which the PMD refuses), 2
#    queues: `port config mtu 0 9000` must fail and leave a port without a
#    host session (queue 1 without a channel); start must fail and say
#    why. With the fault cleared, start opens a new session itself (as a
#    later MTU or configure would) and gen gets every frame back, through
#    both queues. Before that, a start whose new session refuses RSS
#    (fail-set-oid, below) must fail too.
# 7. A host that refuses RSS in every session (hvsim's fail-set-oid on
#    OID_GEN_RSS_PARAMETERS): `port config mtu 0 9000` succeeds (its
#    session came up) and says RSS was not set; start fails while the host
#    refuses (hvsim counts both refusals), and with the fault cleared
#    start sets RSS again: frames reach both queues at MTU 9000.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../conformance/lib/testpmd.sh"

tp_our_pmd
TP_RUN_SECS=60

N=${N:-2000}		# 9014-byte frames
N_OVER=${N_OVER:-200}	# 9018-byte frames
N_CHAINS=${N_CHAINS:-300}	# 9014-byte frames of 71 segments
RATE=$(pace 2000)

# gen_now NIC FIELD: from gen's running report on NIC (sent, back ...)
gen_now() {
	hv_ctl counters | grep -A1 "^nic$1 tx_frames" | grep -oE "$2 [0-9]+" | grep -oE '[0-9]+$'
}
nic_now() { hv_ctl counters | grep -m1 "^nic$1 tx_frames" | grep -oE "$2 [0-9]+" | grep -oE '[0-9]+$'; }
# gen_at_exit NIC FIELD: from gen's report at hvsim's exit
gen_at_exit() {
	grep -A1 "^hvsim: nic$1 gen:" "$TP_DIR/err" | grep -oE "$2 [0-9]+" | head -1 | grep -oE '[0-9]+$'
}

# run_gen NIC COUNT: start NIC's gen, wait until it has sent COUNT and hvsim
# has nothing left in flight (twice the same counts), 30 s at most
run_gen() {
	local nic=$1 count=$2 i cur prev=
	hv_ctl gen "$nic" start >/dev/null || fail "$m: hvsim ctl gen $nic start"
	for i in $(seq 300); do
		cur="$(gen_now "$nic" sent) $(gen_now "$nic" back) $(nic_now "$nic" tx_frames)"
		[ "${cur%% *}" = "$count" ] && [ "$cur" = "$prev" ] && return 0
		prev=$cur
		sleep 0.1
	done
	hv_ctl counters
	fail "$m: nic$nic: gen did not send $count frames and settle (sent back guest_tx: $cur)"
}

# drops PORT: every drop our PMD counts on PORT, from `show port xstats`
drops() {
	tp_cmd "show port xstats $1" >/dev/null
	printf '%s\n' "$TP_OUT" | grep -E '^(rx_drop_[a-z_]*|rx_q[0-9]+_errors|rx_errors|rx_missed_errors|rx_mbuf_allocation_errors): ' |
		awk '{ n += $2 } END { print n + 0 }'
}

jumbo() {
	local m=$1 pa pb stats_a stats_b rx_b drop_b back_b
	tp_start "$m" "gen:size=9014,count=$N,rate=$RATE,hold gen:size=9018,count=$N_OVER,rate=$RATE,hold" \
		--port-topology=loop --rxd=2048 --txd=2048
	pa=$(tp_port_of_nic 0); pb=$(tp_port_of_nic 1)
	[ -n "$pa" ] && [ -n "$pb" ] || { tp_dump; fail "$m: no ports for nic0 and nic1"; }
	tp_cmd "port stop all" >/dev/null
	for p in $pa $pb; do
		tp_cmd "port config mtu $p 9000"
		tp_cmd "port config $p rx_offload scatter on" >/dev/null
	done
	tp_cmd "port start all" >/dev/null
	for p in $pa $pb; do
		tp_cmd "show port info $p" >/dev/null
		expect_eq "$m: port $p MTU" "$(tp_stat "$TP_OUT" MTU)" 9000
		printf '%s\n' "$TP_OUT" | grep -q '^Link status: up' ||
			{ tp_dump; fail "$m: port $p link not up after the MTU change"; }
	done
	tp_cmd "set fwd io" >/dev/null
	tp_cmd "start" >/dev/null
	run_gen 1 "$N_OVER"
	run_gen 0 "$N"
	tp_cmd "stop" >/dev/null
	tp_cmd "show port stats $pa" >/dev/null; stats_a=$TP_OUT
	tp_cmd "show port stats $pb" >/dev/null; stats_b=$TP_OUT
	drop_b=$(drops "$pb")
	tp_quit
	grep -A1 -E '^hvsim: nic[01] gen:' "$TP_DIR/err"

	expect_eq "$m: 9014: gen sent" "$(gen_at_exit 0 sent)" "$N"
	expect_eq "$m: 9014: gen back" "$(gen_at_exit 0 back)" "$N"
	expect_eq "$m: 9014: gen lost" "$(gen_at_exit 0 lost)" 0
	expect_eq "$m: 9014: gen corrupt" "$(gen_at_exit 0 corrupt)" 0
	expect_eq "$m: 9014: gen reordered" "$(gen_at_exit 0 reordered)" 0
	expect_eq "$m: 9014: PMD RX-packets" "$(tp_stat "$stats_a" RX-packets)" "$N"
	expect_eq "$m: 9014: PMD TX-packets" "$(tp_stat "$stats_a" TX-packets)" "$N"
	expect_eq "$m: 9014: PMD RX-bytes" "$(tp_stat "$stats_a" RX-bytes)" $((N * 9014))
	grep -q "^hvsim: nic0 gen: guest tx $N frames / $((N * 9014)) bytes, guest rx $N frames / $((N * 9014)) bytes" \
		"$TP_DIR/err" || { tp_dump; fail "$m: 9014: hvsim's byte counts differ"; }
	echo "ok: $m: 9014: hvsim counted $N frames, $((N * 9014)) bytes each way"

	rx_b=$(tp_stat "$stats_b" RX-packets); back_b=$(gen_at_exit 1 back)
	expect_eq "$m: 9018 (over the MTU): gen sent" "$(gen_at_exit 1 sent)" "$N_OVER"
	expect_eq "$m: 9018: received + dropped and counted" $((rx_b + drop_b)) "$N_OVER"
	expect_eq "$m: 9018: gen corrupt" "$(gen_at_exit 1 corrupt)" 0
	expect_eq "$m: 9018: gen back = PMD TX-packets" "$back_b" "$(tp_stat "$stats_b" TX-packets)"
	expect_eq "$m: 9018: forwarded = received" "$(tp_stat "$stats_b" TX-packets)" "$rx_b"
	echo "ok: $m: 9018 over MTU 9000: $rx_b delivered intact, $drop_b dropped and counted"
}

# chains MODE: 9014-byte frames in 128-byte mbufs, forwarded back to gen
# chains_start MODE N RATE: testpmd at MTU 9000 on gen's N 9014-byte frames
# (RATE a second), 128-byte mbufs
chains_start() {
	# 71 mbufs a frame: a pool for every frame the PMD may hold at once.
	TP_MBUFS=65536 tp_start "$1" "gen:size=9014,count=$2,rate=$3,hold" --mbuf-size=256
	tp_cmd "port stop all" >/dev/null
	tp_cmd "port config mtu 0 9000" >/dev/null
	tp_cmd "port config 0 rx_offload scatter on" >/dev/null
	tp_cmd "port start all" >/dev/null
}

chains() {
	local m=$1 n=$N_CHAINS
	local counters bounced
	chains_start "$m" "$n" "$RATE"
	# The bounce slots go back with the host's completions: sends wait.
	tp_cmd "set fwd io retry" >/dev/null
	tp_cmd "set burst tx delay 100 retry 20000" >/dev/null
	tp_cmd "start" >/dev/null
	run_gen 0 "$n"
	tp_cmd "stop" >/dev/null
	counters=$(hv_ctl counters)
	[ -n "$counters" ] || fail "$m: chains: no hvsim counters"
	! printf '%s\n' "$counters" | grep gpa_over_32_pages ||
		{ tp_dump; fail "$m: chains: hvsim got sends of more than 32 pages"; }
	tp_cmd "show port xstats 0" >/dev/null
	bounced=$(printf '%s\n' "$TP_OUT" | sed -n 's/^ *tx_q0_bounced: *\([0-9]*\).*/\1/p')
	tp_quit
	gen_line
	expect_eq "$m: chains: gen back" "$(gen_num back)" "$n"
	expect_eq "$m: chains: gen corrupt" "$(gen_num corrupt)" 0
	expect_eq "$m: chains: gen lost" "$(gen_num lost)" 0
	expect_eq "$m: chains: frames sent from a bounce slot (xstat)" "$bounced" "$n"
	echo "ok: $m: $n frames of 71 segments forwarded whole, no send over 32 pages"
}

# chains_held MODE: the same frames while the host keeps every completion
# (withhold-completions): the 4 bounce slots go out, and no more; what the
# application offers beyond them is refused (testpmd io without retry drops
# it). Judges: hvsim carried out exactly 4 sends (gen got 4 back, the fault
# held 4 completions), testpmd sent 4 and dropped the rest; once hvsim has
# written the 4 completions, one cleanup frees exactly those 4 frames, and
# the rest of gen's frames all go (the slots came back).
chains_held() {
	local m=$1 n=44 k stopped
	# gen sends 32 at once (its bucket), then 20 a second: stopped past 32.
	chains_start "$m" "$n" "$(pace 20)"
	hv_ctl fault 0 withhold-completions >/dev/null || fail "$m: held: arm the fault"
	tp_cmd "set fwd io" >/dev/null
	tp_cmd "start" >/dev/null
	hv_ctl gen 0 start >/dev/null || fail "$m: held: gen start"
	for _ in $(seq 100); do [ "$(gen_now 0 sent)" -ge 33 ] && break; sleep 0.02; done
	hv_ctl gen 0 stop >/dev/null || fail "$m: held: gen stop"
	sleep 0.5
	k=$(gen_now 0 sent)
	[ "$k" -ge 33 ] && [ "$k" -lt "$n" ] || fail "$m: held: gen sent $k of $n before its stop"
	tp_cmd "stop" >/dev/null; stopped=$TP_OUT
	expect_eq "$m: held: testpmd TX-packets" "$(tp_stat "$stopped" TX-packets)" 4
	expect_eq "$m: held: testpmd TX-dropped" "$(tp_stat "$stopped" TX-dropped)" $((k - 4))
	expect_eq "$m: held: gen back" "$(gen_now 0 back)" 4
	expect_eq "$m: held: completions hvsim holds" "$(hv_ctl counters |
		awk '$1 == "nic0" && $3 == "withhold-completions" { print $NF }')" 4
	hv_ctl fault 0 clear >/dev/null || fail "$m: held: clear the fault"
	hv_wait ' completions_deferred 0( |$)' 50 || fail "$m: held: hvsim still defers completions"
	tp_cmd "port cleanup 0 txq 0 0" >/dev/null
	expect_eq "$m: held: mbufs one cleanup freed" \
		"$(printf '%s\n' "$TP_OUT" | sed -n 's/.*mbuf nums: \([0-9]*\).*/\1/p')" 4
	tp_cmd "start" >/dev/null
	run_gen 0 "$n"
	tp_cmd "stop" >/dev/null
	expect_eq "$m: held: after the release, testpmd TX-packets" \
		"$(tp_stat "$TP_OUT" TX-packets)" $((n - k))
	expect_eq "$m: held: gen back in all" "$(gen_now 0 back)" $((4 + n - k))
	tp_quit
	echo "ok: $m: completions held: 4 bounced frames out, $((k - 4)) refused; released: 4 freed, $((n - k)) more sent"
}

# chains_copied MODE: 1514-byte frames in 128-byte mbufs (12 segments)
# forwarded back to gen: chains within tx_copybreak are copied into send
# sections segment by segment, several frames a send (hvsim counts fewer
# sends than frames), and gen checks every byte that comes back.
#
# shown to fail by: netvsc_tx.c tx_copy_chain copying n - 1 bytes of each
# segment -> "pa: copied chains: gen back: got '0', want '300'".
chains_copied() {
	local m=$1 n=$N_CHAINS counters sends frames
	# gen unpaced: full bursts, so copies share sends
	TP_MBUFS=65536 tp_start "$m" "gen:size=1514,count=$n,hold" --mbuf-size=256
	tp_cmd "port stop all" >/dev/null
	tp_cmd "port config 0 rx_offload scatter on" >/dev/null
	tp_cmd "port start all" >/dev/null
	tp_cmd "set fwd io retry" >/dev/null
	tp_cmd "start" >/dev/null
	run_gen 0 "$n"
	tp_cmd "stop" >/dev/null
	counters=$(hv_ctl counters)
	sends=$(printf '%s\n' "$counters" | awk '$2 == "tx_data_sends" { n += $3 } END { print n + 0 }')
	frames=$(printf '%s\n' "$counters" | awk '$2 == "tx_frames" && $1 ~ /^dev/ { n += $3 } END { print n + 0 }')
	tp_quit
	gen_line
	expect_eq "$m: copied chains: gen back" "$(gen_num back)" "$n"
	expect_eq "$m: copied chains: gen corrupt" "$(gen_num corrupt)" 0
	[ -n "$sends" ] && [ -n "$frames" ] && [ "$sends" -lt "$frames" ] ||
		fail "$m: copied chains: hvsim counted $sends sends for $frames frames (copies share sends)"
	echo "ok: $m: $n frames of 12 segments copied and forwarded whole ($frames frames in $sends sends)"
}

# refused MODE HOW: ask a host that grants 1500 (hvsim --mtu 4000) for MTU
# 9000, HOW "mtu" (`port config mtu 0 9000`: the PMD's mtu_set) or
# "max-pkt-len" (`port config all max-pkt-len 9014`: ethdev's configure,
# applied by the PMD at configure/start)
refused() {
	local m=$1 how=$2 n=500
	TP_HVSIM_OPTS=(--mtu 4000)
	tp_start "$m" "gen:size=1514,count=$n,rate=$RATE,hold"
	TP_HVSIM_OPTS=()
	tp_cmd "port stop all" >/dev/null
	case $how in
	mtu) tp_cmd "port config mtu 0 9000" >/dev/null
	     grep -q '^Set MTU failed' "$TP_DIR/err" ||
		{ tp_dump; fail "$m: $how: setting MTU 9000 did not fail on a host that grants 1500"; } ;;
	*) tp_cmd "port config all max-pkt-len 9014" >/dev/null ;;
	esac
	tp_cmd "port start all" >/dev/null
	tp_cmd "show port info 0" >/dev/null
	expect_eq "$m: $how: MTU after asking 9000 of a host that grants 1500" \
		"$(tp_stat "$TP_OUT" MTU)" 1500
	tp_cmd "set fwd io" >/dev/null
	tp_cmd "start" >/dev/null
	run_gen 0 "$n"
	tp_cmd "stop" >/dev/null
	tp_quit
	gen_line
	expect_eq "$m: $how: 1514 after the refusal: gen back" "$(gen_num back)" "$n"
	expect_eq "$m: $how: 1514 after the refusal: gen corrupt" "$(gen_num corrupt)" 0
}

# session_fault MODE CASE: an MTU change whose host session comes up short
# (CASE lost: neither the new one nor the old one; settings: the new one
# refuses RSS), then the host answers again
session_fault() {
	local m=$1 c=$2 n=500 q fault log mtu fails
	case $c in
	lost) fault="txbuf-section 4096" mtu=1500
	      log='MTU 9000 refused, and MTU 1500 not restored' ;;
	settings) fault="fail-set-oid 0x00010204" mtu=9000		# RSS parameters
	      log='offloads and RSS not set in the new session' ;;
	esac
	TP_HVSIM_OPTS=(--queues 2)
	tp_start "$m" "gen:size=1514,count=$n,rate=$RATE,flows=64,srcip,hold" --rxq=2 --txq=2
	TP_HVSIM_OPTS=()
	tp_cmd "port stop all" >/dev/null
	hv_ctl fault 0 $fault >/dev/null || fail "$m: $c: arm the fault"
	tp_cmd "port config mtu 0 9000" 30 >/dev/null
	if [ "$c" = lost ]; then
		grep -q '^Set MTU failed' "$TP_DIR/err" ||
			{ tp_dump; fail "$m: $c: MTU 9000 did not fail with both sessions refused"; }
	elif grep -q '^Set MTU failed' "$TP_DIR/err"; then
		tp_dump; fail "$m: $c: MTU 9000 failed though its session came up"
	fi
	grep -q "$log" "$TP_DIR/err" || { tp_dump; fail "$m: $c: the PMD did not say: $log"; }
	tp_cmd "port start all" 30 >/dev/null
	grep -q '^Fail to start port 0' "$TP_DIR/err" ||
		{ tp_dump; fail "$m: $c: port 0 started while the host refused"; }
	if [ "$c" = lost ]; then
		# The session start makes must get RSS too: start fails while refused.
		hv_ctl fault 0 clear >/dev/null || fail "$m: $c: clear the fault"
		hv_ctl fault 0 fail-set-oid 0x00010204 >/dev/null || fail "$m: $c: arm fail-set-oid"
		tp_cmd "port start all" 30 >/dev/null
		[ "$(grep -c '^Fail to start port 0' "$TP_DIR/err")" -eq 2 ] ||
			{ tp_dump; fail "$m: $c: port 0 started without RSS in the session it made"; }
	fi
	hv_ctl counters | grep -qE '^nic0 fault fail-set-oid armed [0-9]+ fired ([2-9]|[1-9][0-9]+)$' ||
		{ hv_ctl counters; fail "$m: $c: the host did not refuse RSS twice"; }
	hv_ctl fault 0 clear >/dev/null || fail "$m: $c: clear the fault"
	fails=$(grep -c '^Fail to start port 0' "$TP_DIR/err")
	tp_cmd "port start all" 30 >/dev/null
	[ "$(grep -c '^Fail to start port 0' "$TP_DIR/err")" -eq "$fails" ] ||
		{ tp_dump; fail "$m: $c: port 0 did not start with the host answering again"; }
	tp_cmd "show port info 0" >/dev/null
	expect_eq "$m: $c: MTU after the new session" "$(tp_stat "$TP_OUT" MTU)" "$mtu"
	tp_cmd "set fwd io" >/dev/null
	tp_cmd "start" >/dev/null
	run_gen 0 "$n"
	tp_cmd "stop" >/dev/null
	for q in 0 1; do	# RSS in the host session: hvsim spreads the flows
		printf '%s\n' "$TP_OUT" | grep -A1 "RX Port= 0/Queue= $q " |
			grep -qE 'RX-packets: [1-9]' ||
			{ tp_dump; fail "$m: $c: no frame on queue $q after the new session"; }
	done
	tp_quit
	gen_line
	expect_eq "$m: $c: gen back after the new session" "$(gen_num back)" "$n"
	expect_eq "$m: $c: gen corrupt" "$(gen_num corrupt)" 0
}

for m in $MODES; do
	start=$SECONDS
	jumbo "$m"
	chains "$m"
	chains_held "$m"
	chains_copied "$m"
	refused "$m" mtu
	refused "$m" max-pkt-len
	session_fault "$m" lost
	session_fault "$m" settings
	echo "$m: done in $((SECONDS - start)) s"
done
echo "our PMD forwarded 9014-byte frames intact at MTU 9000, handled larger ones and a host's refusal in modes: $MODES"
