#!/usr/bin/env bash
# sanitizer: yes
# Our PMD under a misbehaving host: hvsim faults armed with `hvsim ctl fault`
# while generated traffic flows, then a control request withheld across
# `port start`:
#
#   hvsim gen --rx--> net_netvsc (ours) --testpmd io fwd--> net_netvsc --tx--> hvsim gen
#        ^ malformed-rx, oversized, bad-completion-id, late-completions 200,
#          revoke-buffers (txonly), withhold-control (hvsim ctl fault 0 ...)
#
# Judges: testpmd answers every command within a deadline (no crash, no hang),
# its own xstats count the malformed transfers as drops (rx_drop_*), RX-packets
# keeps growing after each fault, hvsim counts each fault as fired, and a
# `port start` whose control replies never come fails within ~6 s.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../conformance/lib/testpmd.sh"

tp_our_pmd
# PA as root (as on Hyper-V: a guest address that is a virtual one hides
# sends that point at the wrong memory), else VA.
MODE=${MODES%% *}

# A port 0 counter from `show port stats 0`, asked now.
port_stat() { tp_cmd "show port stats 0" >/dev/null; tp_stat "$TP_OUT" "$1"; }

# Sum of port 0's rx_drop_* xstats, asked now.
rx_drops() {
	tp_cmd "show port xstats 0" >/dev/null
	printf '%s\n' "$TP_OUT" | awk '/rx_drop_/ && !/rx_drop_none/ { s += $2 } END { print s + 0 }'
}

fired() { hv_ctl counters | awk -v k="$1" '$2 == "fault" && $3 == k { print $7 }'; }

# expect_growth WHAT: RX-packets grows within 5 s (traffic continues).
expect_growth() {
	local a b
	a=$(port_stat RX-packets)
	for _ in $(seq 1 10); do
		sleep 0.5
		b=$(port_stat RX-packets)
		[ "$b" -gt "$a" ] && return 0
	done
	tp_dump
	fail "$1: RX-packets stuck at $a"
}

tp_start "$MODE" "gen:count=0,size=64,rate=$(pace 20000),hold"
tp_cmd "set fwd io" >/dev/null
tp_cmd "start" >/dev/null
hv_ctl gen 0 start >/dev/null || fail "gen start"
expect_growth "before any fault"

drops=$(rx_drops)
hv_ctl fault 0 malformed-rx 6 >/dev/null || fail "arm malformed-rx"
sleep 1
[ "$(fired malformed-rx)" = 6 ] || { hv_ctl counters; fail "malformed-rx did not fire 6 times"; }
after=$(rx_drops)
[ "$after" -ge $((drops + 6)) ] || fail "malformed-rx: rx_drop_* went $drops -> $after, not +6"
expect_growth "after malformed-rx"
echo "malformed-rx: 6 transfers, rx_drop_* $drops -> $after, traffic continues"

for f in oversized bad-completion-id; do
	hv_ctl fault 0 "$f" >/dev/null || fail "arm $f"
	sleep 1
	[ "$(fired "$f")" = 1 ] || { hv_ctl counters; fail "$f did not fire"; }
	expect_growth "after $f"
	echo "$f: fired once, traffic continues"
done

hv_ctl fault 0 late-completions 200 >/dev/null || fail "arm late-completions"
sleep 2
[ "$(fired late-completions)" -gt 0 ] || fail "late-completions did not fire"
expect_growth "during late-completions 200"
hv_ctl fault 0 clear >/dev/null
expect_growth "after late-completions cleared"
echo "late-completions 200: $(fired late-completions) sends completed late, traffic continues"

# Sends the host refuses (revoke-buffers: section sends completed with
# failure) count in TX-errors (oerrors), not in TX-packets: their frames
# are lost. txonly, as no frame comes in meanwhile for io to send; then a
# short rxonly run reads the last completions. Judge of TX-packets: the
# frames the host took (hvsim's tx_frames).
# shown to fail by: the completion's status not read -> "TX-errors 0 -> 0";
# the refused frames left in TX-packets -> "TX-packets +N, the host took 0".
host_took() { hv_ctl counters | awk '$1 == "nic0" && $2 == "tx_frames" { print $3 }'; }
tp_cmd "stop" >/dev/null
tp_cmd "set fwd txonly" >/dev/null
errs=$(port_stat TX-errors) pkts=$(port_stat TX-packets) took=$(host_took)
hv_ctl fault 0 revoke-buffers >/dev/null || fail "arm revoke-buffers"
tp_cmd "start" >/dev/null
sleep 0.5
tp_cmd "stop" >/dev/null
hv_ctl fault 0 clear >/dev/null
tp_drain
after=$(port_stat TX-errors) pkts_after=$(port_stat TX-packets) took_after=$(host_took)
[ "$(fired revoke-buffers)" -gt 0 ] || fail "revoke-buffers did not fire"
[ "$after" -gt "$errs" ] || fail "revoke-buffers: TX-errors $errs -> $after"
[ $((pkts_after - pkts)) -eq $((took_after - took)) ] ||
	fail "revoke-buffers: TX-packets +$((pkts_after - pkts)), the host took $((took_after - took))"
echo "revoke-buffers: $(fired revoke-buffers) refused uses, TX-errors $errs -> $after," \
	"TX-packets +$((pkts_after - pkts)) = frames the host took"

tp_cmd "port stop 0" 15 >/dev/null
hv_ctl fault 0 withhold-control >/dev/null || fail "arm withhold-control"
errs_seen=$(wc -l <"$TP_DIR/err")
start_s=$(date +%s.%N)
tp_cmd "port start 0" 12 >/dev/null
took=$(echo "$(date +%s.%N) - $start_s" | bc)
[ "$(fired withhold-control)" -ge 1 ] || fail "withhold-control did not fire"
tail -n +$((errs_seen + 1)) "$TP_DIR/err" | grep -q '^Fail to start port 0' ||
	{ tp_dump; fail "port start under withhold-control did not fail"; }
echo "withhold-control: port start failed after ${took} s"
(( $(echo "$took < 8" | bc) )) || fail "port start took ${took} s (deadline 5 s)"
hv_ctl fault 0 clear >/dev/null
# What the host counted of the faults' own making: the sections it refused
# under revoke-buffers, the 64 KiB frame oversized made, forwarded back.
TP_HOST_ERRORS_OK='nvsp_bad_section|tx_too_long'
tp_quit
echo "$MODE: testpmd survived every fault and quit"
