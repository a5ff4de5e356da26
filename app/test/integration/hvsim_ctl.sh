#!/usr/bin/env bash
# sanitizer: yes
# hvsim's control socket, driven by a script running under hvsim run (the
# client finds the run directory in $HVSIM_RUN_DIR), no guest driver:
#
#   bash: hvsim ctl ... --(run dir/ctl.sock)--> hvsim --(nic0: loop)
#
# The judge: the replies' text, the exit statuses, and the device state
# `devices` reports after `link 0 down`.
. "$(dirname "$0")/../lib/common.sh"

out=$TMP/ctl.log
err=$TMP/ctl.err
# shellcheck disable=SC2016  # expanded by the inner bash
HVSIM_BIN=$HVSIM bounded 30 "$HVSIM" run --nic loop -- bash -c '
	set -e
	ctl() { "$HVSIM_BIN" ctl "$@"; }
	echo "== devices"; ctl devices
	echo "== link down"; ctl link 0 down
	echo "== devices after"; ctl devices
	echo "== counters"; ctl counters
	echo "== bad nic"; if ctl link 7 up; then exit 3; fi
	echo "== bad command"; if ctl frobnicate; then exit 4; fi
	echo "== explicit run dir"; "$HVSIM_BIN" ctl --run-dir "$HVSIM_RUN_DIR" link nic0 change
' >"$out" 2>"$err" || { cat "$out" "$err"; fail "hvsim run with ctl commands failed"; }
cat "$out"

section() { sed -n "/^== $1\$/,/^== /p" "$out"; }
section devices | grep -q "^dev0 nic0 uuid $NIC_UUID0 uio0 relid 14 .* backend loop link up$" ||
	fail "devices: nic0 with backend loop, link up"
section "link down" | grep -qx "nic0 link down" || fail "link 0 down not acknowledged"
section "devices after" | grep -q "^dev0 nic0 .* link down$" || fail "link state not recorded"
section counters | grep -q "^nic0 " || fail "counters: no nic0 line"
grep -q "hvsim ctl: error: no NIC '7'" "$err" || fail "link 7: no error reply"
grep -q "hvsim ctl: error: unknown command 'frobnicate'" "$err" || fail "unknown command"
section "explicit run dir" | grep -qx "nic0 link down" || fail "--run-dir, change keeps state"

"$HVSIM" ctl --help | grep -q "link NIC up|down|change" || fail "usage text lacks link"
HVSIM_RUN_DIR= "$HVSIM" ctl devices 2>/dev/null && fail "ctl without a run dir succeeded"
"$HVSIM" ctl --run-dir "$TMP" devices 2>/dev/null && fail "ctl with no hvsim succeeded"
echo "hvsim ctl: ok"
