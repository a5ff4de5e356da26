#!/usr/bin/env bash
# sanitizer: yes
# Rescind (spec/uio-hv-generic.md 5): `hvsim ctl rescind echo0` while the echo
# app streams (polling) or sleeps in read() of /dev/uioN (--irq):
#
#   vmbus_echo_app --ring--> hvsim echo0      hvsim ctl rescind echo0
#                  <--uioN-- (closed: EIO)    (sysfs directory removed)
#
# The app must end with an error status of its own (stall detector, failed
# read), not hang and not die of a signal; a later scan must not see the
# device; hvsim keeps the device's counters.
. "$(dirname "$0")/../lib/common.sh"

args=$(eal_args va)

# start_app NAME HVSIM_OPTS APP_OPTS: hvsim + the app, then a rescan after it.
start_app() {
	local name=$1 hv_opts=$2 app_opts=$3
	RUN=/dev/shm/hvsim-rescind.$$.$name
	RC=$TMP/$name.rc
	LOG=$TMP/$name.log
	"$HVSIM" run --run-dir "$RUN" --echo $hv_opts -- bash -c \
		"$ECHO_APP $args -- $app_opts; echo \$? > $RC;
		 $ECHO_APP $args -- --list > $TMP/$name.rescan 2>&1; sleep 2" >"$LOG" 2>&1 &
	HV=$!
	at_exit "rm -rf $RUN"
	at_exit "kill -9 $HV"
	for _ in $(seq 1 50); do
		"$HVSIM" ctl --run-dir "$RUN" devices 2>/dev/null | grep -q "openers 1" && return
		sleep 0.2
	done
	cat "$LOG"
	fail "$name: the app did not open the device"
}

# judge NAME SECS: SECS after the open, rescind, then the app's status, the rescan and the counters.
judge() {
	local name=$1 rc
	sleep "$2"
	"$HVSIM" ctl --run-dir "$RUN" rescind echo0 >/dev/null || fail "$name: rescind"
	[ ! -e "$RUN/sys/bus/vmbus/devices/$ECHO_UUID0" ] ||
		fail "$name: sysfs directory still there"
	"$HVSIM" ctl --run-dir "$RUN" devices | grep -q "openers 0 rescinded" ||
		fail "$name: devices does not show the rescind"
	for _ in $(seq 1 40); do [ -s "$RC" ] && break; sleep 0.5; done
	[ -s "$RC" ] || { cat "$LOG"; fail "$name: app hung after the rescind"; }
	rc=$(cat "$RC")
	[ "$rc" -ne 0 ] || { cat "$LOG"; fail "$name: app reported success"; }
	[ "$rc" -lt 128 ] || { cat "$LOG"; fail "$name: app died of signal $((rc - 128))"; }
	"$HVSIM" ctl --run-dir "$RUN" counters | grep -q "dev0.relid14 pkts_in [1-9]" ||
		fail "$name: counters lost"
	for _ in $(seq 1 20); do [ -s "$TMP/$name.rescan" ] && break; sleep 0.5; done
	! grep -q "$ECHO_UUID0" "$TMP/$name.rescan" ||
		{ cat "$TMP/$name.rescan"; fail "$name: a later scan still sees the device"; }
	wait $HV
	echo "$name: app failed cleanly with status $rc; device gone from the scan"
}

start_app poll "" "--packets 1000000000"
judge poll 1
grep -q "host stopped answering" "$LOG" || { cat "$LOG"; fail "poll: no stall report"; }

# Each echo 2 s late: after the first, the app sleeps in read() of /dev/uioN
# when the rescind comes.
start_app irq "--echo-delay-ms 2000" "--irq"
judge irq 3
grep -q "irq: read of the uio fd failed" "$LOG" || { cat "$LOG"; fail "irq: read did not fail"; }
