#!/usr/bin/env bash
# sanitizer: yes
# Our vmbus bus over hvsim's echo device, in each memory mode this run can
# test (PA with hugepages as on Hyper-V, and VA with --no-huge):
#
#   vmbus_echo_app --(primary + 1 subchannel rings)--> hvsim echo device
#
# One million inband packets of mixed sizes on the primary and on a
# subchannel (a quarter of that under the sanitizers), each with a sequence
# number and a CRC the app checks on return (the judge: the app's own CRC of
# what it sent), then GPA-direct packets whose bodies hvsim reads through
# guest-physical pages.
. "$(dirname "$0")/../lib/common.sh"

run_mode() {
	local mode=$1 n gpa_n
	local out=$TMP/echo-$mode.log
	n=$(frames 1000000)
	gpa_n=$(frames 100000)
	echo "== $mode mode"
	bounded 240 "$HVSIM" run --echo --subchannels 1 -- \
		"$ECHO_APP" $(eal_args "$mode") -- --packets "$n" --subchannels 1 \
		>"$out" 2>&1 || { cat "$out"; fail "$mode: echo run failed"; }
	cat "$out"
	grep -q "IOVA mode ${mode^^}" "$out" || fail "$mode: app did not run in ${mode^^} mode"
	[ "$(grep -c "^[a-z0-9 ]*: $n packets echoed and verified" "$out")" -eq 2 ] ||
		fail "$mode: primary and subchannel did not both verify $n packets"
	bounded 120 "$HVSIM" run --echo -- \
		"$ECHO_APP" $(eal_args "$mode") -- --packets "$gpa_n" --gpa >"$out" 2>&1 ||
		{ cat "$out"; fail "$mode: GPA echo failed"; }
	cat "$out"
	grep -q "^primary: $gpa_n packets echoed and verified.*GPA" "$out" || fail "$mode: GPA bodies"
}

modes=$(test_modes)
case $modes in *pa*) hugepages_reserve 256 ;; esac
for m in $modes; do run_mode "$m"; done
echo "bus echo: ok in modes: $modes"
