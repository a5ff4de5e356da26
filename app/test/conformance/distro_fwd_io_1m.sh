#!/usr/bin/env bash
# One million packets through the guest and back: hvsim's gen sends
# 1,000,000 frames (4 flows, 250 kpps) carrying a per-flow sequence number
# and a payload CRC; Debian's testpmd (distro netvsc, unmodified; queue
# states fixed by the preloaded libqstate_fix.so) forwards them in io mode.
#
# gen is held until testpmd forwards (`hold`, `hvsim ctl gen 0 start`).
# Judge, link by link: the PMD took all 1,000,000 off the ring (port
# RX-packets); testpmd forwarded all it received (forward RX == TX, no
# drops); every frame the PMD saw completed came back (gen back == port
# TX-packets, no TX-errors); gen verified each returned frame end to end
# (seq, CRC): back 1,000,000, lost 0, corrupt 0, dup 0, reordered 0.
# (Without hold: as distro_rx_1m.sh, frames delivered before testpmd was up
# are exempt.)
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
