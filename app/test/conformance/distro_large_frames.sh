#!/usr/bin/env bash
# 1518-byte frames both ways. Debian's netvsc sends frames above its copy
# threshold by guest-physical address (page ranges into mbuf memory) rather
# than through the send buffer, so this checks hvsim's GPA reads against
# the distro PMD. (Queue states fixed by the preloaded libqstate_fix.so.)
#   1) gen:size=1518 --> testpmd io --> gen: back = sent, lost 0, corrupt 0
#      (seq + CRC of every payload)
#   2) testpmd txonly `set txpkts 1518` --> sink: frames = TX-packets, no
#      bad checksum
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/lib/testpmd.sh"

N=200000
MODES=$(tp_modes extra)
tp_setup
need_backend gen
need_backend sink

for m in $MODES; do
	tp_gen_fwd "$m" "gen:count=$N,size=1518,rate=200000" $N io
	tp_judge_gen_fwd "$m 1518 io" $N

	tp_start "$m" sink
	tp_cmd "set fwd txonly" >/dev/null
	tp_cmd "set txpkts 1518" >/dev/null
	tp_cmd "start" >/dev/null
	sleep 2
	tp_cmd "stop" >/dev/null
	tp_drain
	tp_cmd "show port stats 0" >/dev/null; stats=$TP_OUT
	tp_quit
	sink_line
	tx=$(tp_stat "$stats" TX-packets)
	[ "${tx:-0}" -gt 1000 ] || { tp_dump; fail "$m: testpmd sent only ${tx:-0} 1518-byte frames"; }
	expect_eq "$m: txonly 1518: sink frames" "$(sink_num frames)" "$tx"
	expect_eq "$m: txonly 1518: bad checksums" "$(sink_num 'bad checksum')" 0
	grep -E "guest tx" "$TP_DIR/err" | tail -1
done
echo "1518-byte frames intact both ways (GPA sends) in modes: $MODES"
