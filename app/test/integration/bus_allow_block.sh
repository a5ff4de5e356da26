#!/usr/bin/env bash
# sanitizer: yes
# Allow and block lists on our bus (the distro's bus ignores them):
#   hvsim with two echo devices; -a one probes only it, -b one probes only the other.
. "$(dirname "$0")/../lib/common.sh"

probe_list() {
	bounded 60 "$HVSIM" run --echo --echo -- \
		"$ECHO_APP" $(eal_args va) "$@" -- --list 2>&1 | tee -a "$TMP/all.log" |
		sed -n 's/^device \([0-9a-f-]*\) .*/\1/p' | sort | tr '\n' ' '
}

both=$(probe_list)
[ "$both" = "$ECHO_UUID0 $ECHO_UUID1 " ] || { cat "$TMP/all.log"; fail "without lists: '$both'"; }
only0=$(probe_list -a "vmbus:$ECHO_UUID0")
[ "$only0" = "$ECHO_UUID0 " ] || { cat "$TMP/all.log"; fail "-a $ECHO_UUID0 gave '$only0'"; }
not0=$(probe_list -b "vmbus:$ECHO_UUID0")
[ "$not0" = "$ECHO_UUID1 " ] || { cat "$TMP/all.log"; fail "-b $ECHO_UUID0 gave '$not0'"; }
upper=$(probe_list -a "vmbus:${ECHO_UUID1^^}")
[ "$upper" = "$ECHO_UUID1 " ] || { cat "$TMP/all.log"; fail "-a upper-case gave '$upper'"; }
echo "allow/block: both='$both' -a0='$only0' -b0='$not0' -a1(upper)='$upper'"
