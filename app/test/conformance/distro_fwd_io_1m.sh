#!/usr/bin/env bash
# One million packets through the guest and back: hvsim's gen sends
# 1,000,000 frames (4 flows, 250 kpps) carrying a per-flow sequence number
# and a payload CRC; Debian's testpmd (distro netvsc, unmodified; queue
# states fixed by the preloaded libqstate_fix.so) forwards them in io mode.
#
# Judge, link by link: the PMD took off the ring every frame hvsim
# delivered after testpmd was up (port RX-packets >= 1,000,000 - B, as in
# distro_rx_1m.sh: before that the 22.11 PMD may discard frames); testpmd
# forwarded all it received once forwarding began (forward RX-packets ==
# TX-packets, no drops; what its `start` flushes is its own choice); every
# frame the PMD saw completed came back (gen back == port TX-packets, no
# TX-errors); and gen verified each returned frame end to end (seq, CRC):
# corrupt 0, dup 0, reordered 0.
#
#   hvsim gen --> distro netvsc rx --> testpmd io --> distro netvsc tx --> gen
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/lib/testpmd.sh"

N=1000000
RATE=${RATE:-250000}
MODES=$(tp_modes core)
tp_setup
need_backend gen

for m in $MODES; do
	start=$SECONDS
	tp_gen_fwd "$m" "gen:count=$N,rate=$RATE,flows=4" $N io
	tp_judge_gen_fwd "$m" $N
	echo "$m: $N frames round trip in $((SECONDS - start)) s"
done
echo "distro netvsc forwarded hvsim gen's frames, every one verified by gen, in modes: $MODES"
