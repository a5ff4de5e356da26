#!/usr/bin/env bash
# sanitizer: yes
# Secondary processes on our PMD (PA mode only: a --no-huge primary cannot
# share its memory, so there is no VA case):
#
#   hvsim gen --rx (RSS, 2 channels)--> net_netvsc port 0
#       queue 0: mp_fwd_app primary   (configures 2 queues, forwards queue 0)
#       queue 1: mp_fwd_app secondary (attaches, forwards queue 1)
#       dpdk-proc-info secondary      (reads the port's stats)
#   every frame goes back out on its queue to gen.
#
# Judges: gen gets every frame back intact (its sequence numbers and CRCs);
# the secondary forwarded some of them; the two processes' own counts add up
# to what gen sent; dpdk-proc-info's port stats equal gen's counts. The two
# forwarders say their lcore ids, which must differ (see below).
. "$(dirname "$0")/../lib/common.sh"

APP=$BUILD/app/test/integration/mp_fwd_app
PROC_INFO=$DPDK_BUILD/app/dpdk-proc-info
PRELOAD=$BUILD/app/hvsim/libhvsim_uio.so
COUNT=20000

need_root "multi-process needs hugepages: a --no-huge primary shares no memory; VA mode skipped"
[ -x "$PROC_INFO" ] || skip "dpdk-proc-info not built"
hugepages_reserve 256
plugin_build_dir

prefix=nvt${$}_mp
run=/dev/shm/hvsim-mp.$$
eal=(--file-prefix "$prefix" --huge-dir "$HUGE_DIR" --iova-mode=pa
	-d "$PLUGIN_BUILD/drivers" -d "$PLUGIN_BUILD/subprojects/dpdk/drivers/librte_mempool_ring.so")
# Under ASan the primary's default memory addresses are often taken in a
# secondary (the sanitizer's own mappings): put DPDK's memory above them.
[ "$SANITIZED" = 1 ] && eal+=(--base-virtaddr 0x200000000000)
out=$TMP/primary.log sec_out=$TMP/secondary.log info_out=$TMP/proc-info.log

"$HVSIM" run --run-dir "$run" --queues 2 \
	--nic "gen:count=$COUNT,rate=$(pace 20000),size=128,flows=32,srcip,hold" -- \
	"$APP" "${eal[@]}" --lcores "0@(0-1)" -m 256 --proc-type=primary -- --queues 2 \
	--ready-file "$TMP/primary.pid" >"$out" 2>&1 &
hv=$!
at_exit "kill $hv"
wait_file "$TMP/primary.pid" $hv || { cat "$out"; fail "primary did not come up"; }
ppid_=$(cat "$TMP/primary.pid")
at_exit "kill $ppid_"

# Secondaries join the same hvsim run as the primary: its preload and run dir.
# Each process forwards on its own lcore id (primary 0, secondary 1, either
# on both CPUs): the mbuf pool's per-lcore caches are shared memory, and two
# processes using one id would take mbufs from one cache unlocked (once:
# 177 frames came back twice and 177 never, every count in order).
as_guest() { HVSIM_RUN_DIR=$run LD_PRELOAD="$PRELOAD${LD_PRELOAD:+:$LD_PRELOAD}" "$@"; }

as_guest "$APP" "${eal[@]}" --lcores "1@(0-1)" --proc-type=secondary -- --queue 1 \
	--ready-file "$TMP/secondary.pid" >"$sec_out" 2>&1 &
sec=$!
at_exit "kill $sec"
wait_file "$TMP/secondary.pid" $hv || { cat "$out" "$sec_out"; fail "secondary did not come up"; }
sec_pid=$(cat "$TMP/secondary.pid")
at_exit "kill $sec_pid"

"$HVSIM" ctl --run-dir "$run" gen 0 start >/dev/null || fail "gen start"
for _ in $(seq 1 120); do
	"$HVSIM" ctl --run-dir "$run" counters | grep -q "back $COUNT," && break
	sleep 0.5
done

bounded 60 env HVSIM_RUN_DIR="$run" LD_PRELOAD="$PRELOAD${LD_PRELOAD:+:$LD_PRELOAD}" \
	"$PROC_INFO" "${eal[@]}" --proc-type=secondary -- --stats >"$info_out" 2>&1 ||
	{ cat "$info_out"; fail "dpdk-proc-info failed"; }
grep -E 'NIC statistics|RX-packets: |TX-packets: ' "$info_out" | grep -v 'Stats reg' | head -5

kill -TERM "$sec_pid"
wait $sec || { cat "$sec_out"; fail "secondary exited with an error"; }

# An MTU change needs a new host session, which no other process may hold
# the device through: ethdev's set_mtu returns 0 with no secondary attached
# (the first detached on exit), -EBUSY (-16) with one, and 0 again once that
# one was killed (SIGKILL: it never detached; the kernel took its maps).
#
# shown to fail by: the bus's count of attached secondaries (before the
# lock file) -> "after the secondary was killed: ...: set mtu 1500: -16".
last_mtu_line() { grep '^mp_fwd primary: set mtu' "$out" | tail -1; }
# The host's judge: NVSP sessions hvsim opened (INITs it accepted, any channel).
host_sessions() {
	"$HVSIM" ctl --run-dir "$run" counters |
		awk '$2 == "nvsp_init_ok" { n += $3 } END { print n + 0 }'
}
# mtu_switch WHAT MTU RET NOW: SIGUSR1 to the primary; it must say it set
# MTU, got RET, has NOW and started the port again; hvsim must have seen a
# new session if RET is 0, none if not
mtu_switch() {
	local what=$1 mtu=$2 ret=$3 now=$4 n s0 s1
	s0=$(host_sessions)
	n=$(grep -c '^mp_fwd primary: set mtu' "$out")
	kill -USR1 "$ppid_"
	for _ in $(seq 1 100); do
		[ "$(grep -c '^mp_fwd primary: set mtu' "$out")" -gt "$n" ] && break
		sleep 0.1
	done
	last_mtu_line | grep -qx "mp_fwd primary: set mtu $mtu: $ret, now $now, start 0" ||
		{ cat "$out"; fail "$what: $(last_mtu_line)"; }
	s1=$(host_sessions)
	if [ "$ret" = 0 ]; then
		[ "$s1" -gt "$s0" ] || fail "$what: hvsim saw no new NVSP session ($s0 -> $s1)"
	else
		[ "$s1" = "$s0" ] || fail "$what: hvsim saw a new NVSP session ($s0 -> $s1)"
	fi
	echo "ok: $what: $(last_mtu_line); hvsim's NVSP sessions $s0 -> $s1"
}
mtu_switch "no secondary attached" 1400 0 1400
as_guest "$APP" "${eal[@]}" --lcores "1@(0-1)" --proc-type=secondary -- --queue 1 \
	--ready-file "$TMP/secondary2.pid" >"$TMP/secondary2.log" 2>&1 &
sec2=$!
at_exit "kill $sec2"
wait_file "$TMP/secondary2.pid" $hv ||
	{ cat "$TMP/secondary2.log"; fail "secondary 2 did not come up"; }
mtu_switch "a secondary attached" 1500 -16 1400
grep -q 'MTU 1500 needs a new host session: the secondary processes must detach first' "$out" ||
	{ cat "$out"; fail "the MTU change was refused, but not for the secondary attached"; }
kill -KILL "$(cat "$TMP/secondary2.pid")"
wait $sec2 2>/dev/null
mtu_switch "after the secondary was killed" 1500 0 1500

kill -TERM "$ppid_"
wait $hv || { cat "$out"; fail "hvsim/primary exited with an error"; }
grep -E '^mp_fwd|^gen:' "$out" "$sec_out"

grep -q "gen: sent $COUNT, back $COUNT, lost 0, reordered 0, dup 0, corrupt 0, foreign 0" "$out" ||
	fail "gen did not get every frame back intact"
p_lcore=$(sed -n 's/^mp_fwd primary: forwarding on .*, lcore \([0-9]*\)$/\1/p' "$out")
s_lcore=$(sed -n 's/^mp_fwd secondary: forwarding on .*, lcore \([0-9]*\)$/\1/p' "$sec_out")
[ -n "$p_lcore" ] && [ "$p_lcore" != "$s_lcore" ] ||
	fail "the two processes forward on lcore ids '$p_lcore' and '$s_lcore': they must differ"
p_rx=$(awk '/^mp_fwd primary: queue/ { print $6 }' "$out")
s_rx=$(awk '/^mp_fwd secondary: queue/ { print $6 }' "$sec_out")
[ -n "$p_rx" ] && [ -n "$s_rx" ] || fail "missing process reports"
[ "$s_rx" -gt 0 ] || fail "the secondary forwarded nothing on queue 1"
[ $((p_rx + s_rx)) -eq $COUNT ] || fail "primary $p_rx + secondary $s_rx != $COUNT"
# The secondary's control requests (filter, MTU, RSS) are refused, the
# primary's to make: the device's ethdev pointer is the primary's.
#
# shown to fail by: the secondary attached with netvsc_ops (the primary's
# table) instead of netvsc_secondary_ops_get() -> "secondary exited with an
# error" (SIGSEGV in ctl_poll).
grep -Eq '^mp_fwd secondary: control promisc -[0-9]+ allmulti -[0-9]+ mtu -[0-9]+ rss -[0-9]+$' \
	"$sec_out" || { cat "$sec_out"; fail "the secondary's control requests were not refused"; }
# A secondary testpmd asks for no packet types before its (refused) start
# (ethdev answers 0 when the PMD cannot be asked): the queues' setting is
# shared, so the primary's frames must keep theirs.
# shown to fail by: dev_ptypes_set left in the secondary's table ->
# "the primary got 10000 frames, 0 with a packet type".
p_typed=$(awk '/^mp_fwd primary: queue/ { print $12 }' "$out")
grep -q '^mp_fwd secondary: set ptypes none: ' "$sec_out" ||
	{ cat "$sec_out"; fail "the secondary did not ask for no packet types"; }
[ "$p_typed" = "$p_rx" ] || fail "the primary got $p_rx frames, $p_typed with a packet type"
info_rx=$(awk '/^  RX-packets: / { print $2; exit }' "$info_out")
info_tx=$(awk '/^  TX-packets: / { print $2; exit }' "$info_out")
[ "$info_rx" = "$COUNT" ] && [ "$info_tx" = "$COUNT" ] ||
	fail "dpdk-proc-info says rx $info_rx tx $info_tx, gen sent and got back $COUNT"
echo "secondary: proc-info stats match gen ($COUNT), primary forwarded $p_rx on queue 0, secondary $s_rx on queue 1"
