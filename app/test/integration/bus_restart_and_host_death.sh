#!/usr/bin/env bash
# sanitizer: yes
# Channel lifetime: the app runs three times under one hvsim (the channel is
# closed at exit and reopened), then hvsim is killed mid-run and the app must
# fail with an error status: no hang, no death by signal.
. "$(dirname "$0")/../lib/common.sh"

args=$(eal_args va)
bounded 120 "$HVSIM" run --echo -- bash -c \
	"for i in 1 2 3; do $ECHO_APP $args -- --packets 20000 || exit 1; done" \
	>"$TMP/restart.log" 2>&1 || { cat "$TMP/restart.log"; fail "restart run failed"; }
[ "$(grep -c '20000 packets echoed and verified' "$TMP/restart.log")" -eq 3 ] ||
	{ cat "$TMP/restart.log"; fail "not all three runs verified their packets"; }
echo "restart: three runs under one hvsim verified"

rcfile=$TMP/app.rc
run=/dev/shm/hvsim-death.$$		# a killed hvsim cannot remove its run dir itself
at_exit "rm -rf $run"
"$HVSIM" run --run-dir "$run" --echo -- bash -c \
	"$ECHO_APP $args -- --packets 1000000000; echo \$? > $rcfile" >"$TMP/kill.log" 2>&1 &
hv=$!
at_exit "kill -9 $hv"
sleep 3
kill -0 $hv 2>/dev/null || { cat "$TMP/kill.log"; fail "hvsim ended early"; }
kill -9 $hv
for _ in $(seq 1 40); do [ -s "$rcfile" ] && break; sleep 0.5; done
[ -s "$rcfile" ] || { pkill -9 -f "packets 1000000000" ; fail "app hung after hvsim died"; }
rc=$(cat "$rcfile")
cat "$TMP/kill.log" | tail -5
[ "$rc" -ne 0 ] || fail "app reported success after hvsim died"
[ "$rc" -lt 128 ] || fail "app died of signal $((rc - 128))"
echo "host death: app failed cleanly with status $rc"
