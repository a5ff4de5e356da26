#!/usr/bin/env bash
# Why the conformance harness preloads libqstate_fix.so, shown rather than
# assumed: with gen sending, Debian's testpmd (distro netvsc 22.11) WITHOUT
# the shim receives nothing (its forwarding stream is disabled: the PMD left
# the queue stopped); WITH the shim the shim reports the bug and testpmd
# receives. If a fixed point release sets the queue states, the first run
# receives too and the shim says "queue states already set": the test then
# passes and says the workaround is no longer needed.
# The shim's other branch is checked too: with our own PMD (which sets its
# queue states) in the subproject's testpmd, it must say "queue states
# already set" and change nothing.
#
#   hvsim gen:rate=5000 --> distro netvsc --> testpmd rxonly (with/without shim)
# (5 kpps: a receive buffer left full by the unpolled port would stall the
# RNDIS reply to the port stop at exit, see doc/conformance.md)
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/lib/testpmd.sh"

MODES=va
tp_setup
need_backend gen

rx_for_2s() {	# sets RX
	tp_cmd "set fwd rxonly" >/dev/null
	tp_cmd "start" >/dev/null
	sleep 2
	tp_cmd "stop" >/dev/null; out=$TP_OUT
	tp_quit
	RX=$(tp_fwd_stat "$out" RX-packets)
}

real_fix=$QSTATE_FIX
QSTATE_FIX=	# hvsim's own preload only
tp_start va "gen:rate=5000"
rx_for_2s
rx_without=$RX
QSTATE_FIX=$real_fix
tp_start va "gen:rate=5000"
rx_for_2s
rx_with=$RX
shim=$(tp_check_shim)
echo "without shim: RX ${rx_without:-none}; with shim: RX ${rx_with:-none}; $shim"
[ "${rx_with:-0}" -gt 0 ] || { tp_dump; fail "no traffic even with the shim"; }
case $shim in
*"already set"*)
	[ "${rx_without:-0}" -gt 0 ] || fail "shim says states set, yet testpmd received nothing without it"
	echo "the distro PMD sets its queue states: the workaround is no longer needed" ;;
*"left queues stopped"*)
	expect_eq "RX without the shim (stream disabled by the bug)" "${rx_without:-0}" 0 ;;
esac

# The shim leaves a PMD that sets its queue states alone.
if [ -x "$TESTPMD" ] && [ -f "$DRIVERS/librte_net_netvsc.so" ]; then
	plugin_build_dir
	printf 'start\nstop\nquit\n' | LD_PRELOAD=$QSTATE_FIX bounded 60 "$HVSIM" run --nic loop -- \
		"$TESTPMD" $(eal_args va) -d "$PLUGIN_BUILD/drivers" \
		-d "$PLUGIN_BUILD/subprojects/dpdk/drivers/librte_mempool_ring.so" \
		-- --total-num-mbufs=4096 -i >"$TMP/own.log" 2>&1 ||
		{ tail -20 "$TMP/own.log"; fail "our testpmd + PMD under hvsim failed"; }
	grep -m1 "^qstate_fix:" "$TMP/own.log"
	grep -q "^qstate_fix: port 0 queue states already set" "$TMP/own.log" ||
		fail "shim did not recognise our PMD's queue states as set"
	echo "ok: with our PMD the shim changes nothing"
else
	echo "our PMD is not built: the shim's 'already set' branch not checked"
fi
