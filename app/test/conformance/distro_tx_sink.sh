#!/usr/bin/env bash
# Guest -> host: Debian's testpmd in txonly mode (distro netvsc PMD,
# unmodified; queue states fixed by the preloaded libqstate_fix.so) sends
# at least one million frames (bounded to 60 s) into hvsim's sink. Judge: sink's frame count equals
# testpmd's port TX-packets exactly (the PMD counts a frame when hvsim
# completes its send; tp_drain lets it reap the last completions), no
# TX-errors (failed completions), and sink finds every frame's IPv4/UDP
# checksums right (testpmd's frames are "foreign" to hvsim: checked by
# header).
#
#   testpmd txonly --> distro netvsc --ring/sendbuf--> hvsim sink
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/lib/testpmd.sh"

MODES=$(tp_modes core)
tp_setup
need_backend sink

for m in $MODES; do
	tp_start "$m" sink
	tp_cmd "set fwd txonly" >/dev/null
	tp_cmd "set nbcore 1" >/dev/null
	tp_cmd "start" >/dev/null
	for _ in $(seq 1 60); do
		sleep 1
		tp_cmd "show port stats 0" >/dev/null
		[ "$(tp_stat "$TP_OUT" TX-packets)" -ge 1000000 ] && break
	done
	tp_cmd "stop" >/dev/null
	tp_drain
	tp_cmd "show port stats 0" >/dev/null; stats=$TP_OUT
	tp_quit
	tp_check_shim
	sink_line
	tx=$(tp_stat "$stats" TX-packets)
	expect_eq "$m: testpmd TX-errors" "$(tp_stat "$stats" TX-errors)" 0
	[ "${tx:-0}" -ge 1000000 ] || { tp_dump; fail "$m: testpmd sent only ${tx:-0} frames in 60 s"; }
	expect_eq "$m: sink frames = testpmd TX-packets" "$(sink_num frames)" "$tx"
	expect_eq "$m: sink foreign frames" "$(sink_num foreign)" "$tx"
	expect_eq "$m: sink bad checksums" "$(sink_num 'bad checksum')" 0
done
echo "distro netvsc txonly frames all reached hvsim sink intact in modes: $MODES"
