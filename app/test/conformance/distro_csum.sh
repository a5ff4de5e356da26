#!/usr/bin/env bash
# Checksum offload both ways with the distro netvsc PMD (unmodified; queue
# states fixed by the preloaded libqstate_fix.so).
#   rx: gen:badcsum=10 spoils the UDP checksum of every 10th frame and
#       flags it bad in the checksum-info PPI (the others good). testpmd's
#       csum engine counts what the PMD reports: Bad-l4csum must be one in
#       ten of the frames it received while forwarding (gen's schedule; a
#       run of consecutive sequence numbers holds floor or ceil of n/10) —
#       exactly N/10 when gen is held until testpmd forwards — Bad-ipcsum 0.
#   tx: the csum engine, with the port's IPv4 and UDP checksum tx offloads
#       on (--tx-offloads=0x6, what `csum set ip|udp hw 0` set) leaves the
#       checksums to the host; gen then checks every frame back (seq, CRC,
#       UDP checksum), judged link by link as in distro_fwd_io_1m.sh: none
#       corrupt — the spoilt ones come back with a good checksum that hvsim
#       computed for the PMD's offload request.
#
#   hvsim gen:badcsum=10 --> distro netvsc --> testpmd csum (hw) --> gen
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/lib/testpmd.sh"

N=100000
MODES=$(tp_modes extra)
tp_setup
need_backend gen

for m in $MODES; do
	# IPv4 + UDP checksum tx offloads from the start (what `csum set ip hw 0`
	# and `csum set udp hw 0` set, but those need a port stop/start, which
	# hangs while gen fills the receive buffer: see doc/conformance.md)
	TP_ARGS=(--tx-offloads=0x6)
	TP_AFTER=("show port 0 tx_offload configuration")
	tp_gen_fwd "$m" "gen:count=$N,badcsum=10,rate=250000" $N csum
	printf '%s\n' "$TP_AFTER_OUT" | grep -q "Port : IPV4_CKSUM UDP_CKSUM" ||
		fail "$m: IPv4/UDP checksum tx offloads not configured"
	printf '%s\n' "$FWD_OUT" | grep -m1 "Bad-ipcsum"
	tp_judge_gen_fwd "$m" $N
	# gen spoilt every 10th of its N frames; those testpmd received while
	# forwarding are seq-ordered, so the count is exact up to the frames
	# lost before testpmd was up (none of which it counted)
	rx=$(tp_fwd_stat "$FWD_OUT" RX-packets)
	bad=$(tp_stat "$FWD_OUT" Bad-l4csum)
	ipbad=$(tp_stat "$FWD_OUT" Bad-ipcsum)
	expect_eq "$m: Bad-ipcsum (IP headers were good)" "$ipbad" 0
	lo=$(( (rx - 9) / 10 )); hi=$(( (rx + 9) / 10 ))
	[ "${bad:-0}" -ge $lo ] && [ "${bad:-0}" -le $hi ] ||
		{ tp_dump; fail "$m: Bad-l4csum $bad for $rx frames, want one in 10 ($lo..$hi)"; }
	echo "ok: $m: Bad-l4csum $bad of $rx received (one in 10)"
	if [ "$GEN_HELD" = 1 ]; then	# testpmd saw all of gen's frames: exact
		expect_eq "$m: Bad-l4csum = gen's spoilt frames" "$bad" $((N / 10))
	fi
done
echo "checksum offload flags both ways correct with the distro PMD in modes: $MODES"
