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

RUN=/dev/shm/hvsim-faults.$$
OUT=$TMP/testpmd.log
CMD_WAIT_S=10

ctl() { "$HVSIM" ctl --run-dir "$RUN" "$@"; }

# tp CMD [SECS]: send CMD, wait for the next prompt; fails on a hang.
tp() {
	local before secs=${2:-$CMD_WAIT_S}
	before=$(grep -o 'testpmd> ' "$OUT" | wc -l)
	echo "$1" >&3
	for _ in $(seq 1 $((secs * 10))); do
		[ "$(grep -o 'testpmd> ' "$OUT" | wc -l)" -gt "$before" ] && return 0
		kill -0 "$HV" 2>/dev/null || { tail -30 "$OUT"; fail "testpmd died during '$1'"; }
		sleep 0.1
	done
	tail -30 "$OUT"
	fail "testpmd did not answer '$1' within $secs s"
}

# RX-packets of port 0, asked now.
rx_packets() {
	tp "show port stats 0"
	grep -o 'RX-packets: *[0-9]*' "$OUT" | tail -1 | grep -o '[0-9]*$'
}

# Sum of port 0's rx_drop_* xstats, asked now.
rx_drops() {
	tp "show port xstats 0"
	tac "$OUT" | sed -n '1,/NIC extended statistics/p' |
		awk '/rx_drop_/ && !/rx_drop_none/ { s += $2 } END { print s + 0 }'
}

fired() { ctl counters | awk -v k="$1" '$2 == "fault" && $3 == k { print $7 }'; }

# expect_growth WHAT: RX-packets grows within 5 s (traffic continues).
expect_growth() {
	local a b
	a=$(rx_packets)
	for _ in $(seq 1 10); do
		sleep 0.5
		b=$(rx_packets)
		[ "$b" -gt "$a" ] && return 0
	done
	tail -20 "$OUT"
	fail "$1: RX-packets stuck at $a"
}

# PA as root (as on Hyper-V: a guest address that is a virtual one hides
# sends that point at the wrong memory), else VA.
MODE=$(test_modes)
MODE=${MODE%% *}
[ "$MODE" = pa ] && hugepages_reserve 256
plugin_build_dir
mkfifo "$TMP/in"
"$HVSIM" run --run-dir "$RUN" --nic "gen:count=0,size=64,rate=$(pace 20000),hold" -- \
	stdbuf -o0 "$TESTPMD" $(eal_args "$MODE") -d "$PLUGIN_BUILD/drivers" \
	-d "$PLUGIN_BUILD/subprojects/dpdk/drivers/librte_mempool_ring.so" \
	-- --total-num-mbufs=16384 -i <"$TMP/in" >"$OUT" 2>&1 &
HV=$!
at_exit "rm -rf $RUN"
at_exit "kill -9 $HV"
exec 3>"$TMP/in"
at_exit "exec 3>&-"
for _ in $(seq 1 100); do grep -q 'testpmd>' "$OUT" && break; sleep 0.2; done
grep -q 'testpmd>' "$OUT" || { cat "$OUT"; fail "testpmd did not come up"; }
tp "set fwd io"
tp "start"
ctl gen 0 start >/dev/null || fail "gen start"
expect_growth "before any fault"

drops=$(rx_drops)
ctl fault 0 malformed-rx 6 >/dev/null || fail "arm malformed-rx"
sleep 1
[ "$(fired malformed-rx)" = 6 ] || { ctl counters; fail "malformed-rx did not fire 6 times"; }
after=$(rx_drops)
[ "$after" -ge $((drops + 6)) ] || fail "malformed-rx: rx_drop_* went $drops -> $after, not +6"
expect_growth "after malformed-rx"
echo "malformed-rx: 6 transfers, rx_drop_* $drops -> $after, traffic continues"

for f in oversized bad-completion-id; do
	ctl fault 0 "$f" >/dev/null || fail "arm $f"
	sleep 1
	[ "$(fired "$f")" = 1 ] || { ctl counters; fail "$f did not fire"; }
	expect_growth "after $f"
	echo "$f: fired once, traffic continues"
done

ctl fault 0 late-completions 200 >/dev/null || fail "arm late-completions"
sleep 2
[ "$(fired late-completions)" -gt 0 ] || fail "late-completions did not fire"
expect_growth "during late-completions 200"
ctl fault 0 clear >/dev/null
expect_growth "after late-completions cleared"
echo "late-completions 200: $(fired late-completions) sends completed late, traffic continues"

# Sends the host refuses (revoke-buffers: section sends completed with
# failure) count in TX-errors (oerrors): their frames are lost. txonly, as
# no frame comes in meanwhile for io to send.
# shown to fail by: the completion's status not read -> "TX-errors 0 -> 0".
tx_errors() { tp "show port stats 0"; grep -o 'TX-errors: *[0-9]*' "$OUT" | tail -1 | grep -o '[0-9]*$'; }
tp "stop"
tp "set fwd txonly"
errs=$(tx_errors)
ctl fault 0 revoke-buffers >/dev/null || fail "arm revoke-buffers"
tp "start"
sleep 0.5
tp "stop"
ctl fault 0 clear >/dev/null
after=$(tx_errors)
[ "$(fired revoke-buffers)" -gt 0 ] || fail "revoke-buffers did not fire"
[ "$after" -gt "$errs" ] || fail "revoke-buffers: TX-errors $errs -> $after"
echo "revoke-buffers: $(fired revoke-buffers) refused uses, TX-errors $errs -> $after"

tp "port stop 0" 15
ctl fault 0 withhold-control >/dev/null || fail "arm withhold-control"
start_s=$(date +%s.%N)
tp "port start 0" 12
took=$(echo "$(date +%s.%N) - $start_s" | bc)
[ "$(fired withhold-control)" -ge 1 ] || fail "withhold-control did not fire"
tail -n 20 "$OUT" | grep -qiE 'fail|error' ||
	{ tail -20 "$OUT"; fail "port start under withhold-control reported no error"; }
echo "withhold-control: port start failed after ${took} s"
(( $(echo "$took < 8" | bc) )) || fail "port start took ${took} s (deadline 5 s)"
ctl fault 0 clear >/dev/null
echo "quit" >&3
exec 3>&-
for _ in $(seq 1 100); do kill -0 "$HV" 2>/dev/null || break; sleep 0.2; done
kill -0 "$HV" 2>/dev/null && fail "testpmd did not quit"
wait "$HV" || fail "hvsim or testpmd exited with status $?"
echo "$MODE: testpmd survived every fault and quit"
