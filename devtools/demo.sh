#!/usr/bin/env bash
# The main job: hvsim plays a Hyper-V host with four synthetic NICs; our
# VMBus bus and netvsc PMD run under the subproject's dpdk-testpmd (io
# forwarding, chained ports). NICs 2 and 3 are cross-connected (a wire);
# NICs 0 and 1 are generators whose frames cross that wire, one each way,
# and come back to them:
#
#   gen nic0 -> port(nic0) -> port(nic2) =pair=> nic3 -> port(nic3) -> port(nic0) -> gen nic0
#   gen nic1 -> port(nic1) -> port(nic3) =pair=> nic2 -> port(nic2) -> port(nic1) -> gen nic1
#
# Each generator checks every returning frame's sequence number and CRC;
# testpmd's per-port counters are compared with hvsim's per-NIC counters.
# DPDK numbers ports in probe order, so ports are matched to NICs by MAC
# (NIC i has 00:15:5d:00:00:<i+1>).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
hvsim=$build/app/hvsim/hvsim
testpmd=$build/subprojects/dpdk/app/dpdk-testpmd
count=${DEMO_PACKETS:-200000}		# per generator
rate=${DEMO_RATE:-50000}		# frames/s per generator: paced, the machine has two cores
run=/dev/shm/hvsim-demo.$$
tmp=$(mktemp -d)
hv=
cleanup() {
	[ -n "$hv" ] && kill "$hv" 2>/dev/null || true
	[ -n "${DEMO_KEEP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"
	rm -rf "/var/run/dpdk/demo$$" "${XDG_RUNTIME_DIR:-/tmp}/dpdk/demo$$"	# DPDK leaves it
}
trap cleanup EXIT

gen="gen:count=$count,rate=$rate,flows=4,hold"
echo "== hvsim: nic0 $gen, nic1 $gen, nic2 <-pair-> nic3"
echo "== dpdk-testpmd + our net_netvsc, io forwarding over 4 ports"
mkfifo "$tmp/in"
timeout --kill-after=5 55 "$hvsim" run --run-dir "$run" \
	--nic "$gen" --nic "$gen" --nic pair:3 --nic pair:2 -- \
	stdbuf -oL "$testpmd" --file-prefix demo$$ --no-huge -m 512 --iova-mode=va -d "$build/drivers" \
	-d "$build/subprojects/dpdk/drivers/librte_mempool_ring.so" \
	-- --total-num-mbufs=32768 --port-topology=chained -i <"$tmp/in" >"$tmp/out" 2>&1 &
hv=$!
exec 3>"$tmp/in"
for _ in $(seq 1 150); do
	grep -q 'testpmd>' "$tmp/out" && break
	kill -0 $hv 2>/dev/null || break
	sleep 0.2
done
grep -q 'testpmd>' "$tmp/out" || { cat "$tmp/out"; echo "demo: testpmd did not come up"; exit 1; }

# port[i]: the DPDK port with NIC i's MAC.
declare -a port
for i in 0 1 2 3; do
	port[$i]=$(sed -n "s/^Port \([0-9]*\): 00:15:5D:00:00:0$((i + 1))\$/\1/p" "$tmp/out")
	[ -n "${port[$i]}" ] || { cat "$tmp/out"; echo "demo: no port with nic$i's MAC"; exit 1; }
done
echo "set portlist ${port[0]},${port[2]},${port[1]},${port[3]}" >&3
echo "set fwd io retry" >&3
echo "set burst tx delay 20 retry 5000" >&3
echo "start" >&3
# testpmd drains the rx queues at start, then prints this: traffic waits for it.
for _ in $(seq 1 100); do
	grep -q 'nb forwarding cores=' "$tmp/out" && break
	sleep 0.1
done
"$hvsim" ctl --run-dir "$run" gen 0 start >/dev/null
"$hvsim" ctl --run-dir "$run" gen 1 start >/dev/null
start=$(date +%s.%N)
for _ in $(seq 1 400); do
	[ "$("$hvsim" ctl --run-dir "$run" counters 2>/dev/null | grep -c "back $count,")" = 2 ] && break
	kill -0 $hv 2>/dev/null || break
	sleep 0.1
done
end=$(date +%s.%N)
echo "stop" >&3
echo "quit" >&3
exec 3>&-
wait $hv || { tail -30 "$tmp/out"; echo "demo: hvsim/testpmd exited with an error"; exit 1; }
hv=

# Field $1 (RX-packets, TX-packets) of port $2 from testpmd's `stop` output.
port_stat() {
	awk -v f="$1:" -v p="$2" '
		/Forward statistics for port/ { port = $(NF - 1) + 0; inport = 1; next }
		/Accumulated forward statistics/ { inport = 0 }
		inport && port == p { for (i = 1; i < NF; i++) if ($i == f) { print $(i + 1); exit } }' "$tmp/out"
}
nic_stat() {	# guest tx|rx frames of NIC $1 from hvsim's exit report
	sed -n "s/^hvsim: nic$1 [a-z]*: guest tx \([0-9]*\) frames.*guest rx \([0-9]*\) frames.*/\\$2/p" \
		"$tmp/out"
}

echo
grep -E '^hvsim: nic[0-3] |^gen:' "$tmp/out" | sed 's/^/  /'
ok=1
printf '\n  %-5s %-5s %12s %12s %12s %12s\n' nic port "testpmd rx" "host->guest" "testpmd tx" "guest->host"
for i in 0 1 2 3; do
	prx=$(port_stat RX-packets "${port[$i]}") ptx=$(port_stat TX-packets "${port[$i]}")
	hrx=$(nic_stat $i 2) htx=$(nic_stat $i 1)
	printf '  nic%-2s %-5s %12s %12s %12s %12s\n' $i "${port[$i]}" "$prx" "$hrx" "$ptx" "$htx"
	[ "$prx" = "$hrx" ] && [ "$ptx" = "$htx" ] || ok=0
done
wire02=$(nic_stat 2 1) wire20=$(nic_stat 3 1)
echo
awk -v c="$count" -v a="$start" -v b="$end" -v x="$wire02" -v y="$wire20" 'BEGIN {
	t = b - a
	printf "pair wire: %d frames nic2 -> nic3, %d frames nic3 -> nic2\n", x, y
	printf "%d + %d frames round trip in %.2f s: %.2f Mpps per direction on the wire, " \
	       "%.2f Mpps through the PMD (rx, all ports)\n", c, c, t, c / t / 1e6, 4 * c / t / 1e6
	printf "(one core for testpmd, one for hvsim polling every 50 us; not a benchmark)\n" }'
lost=1
[ "$(grep -c "gen: sent $count, back $count, lost 0, reordered 0, dup 0, corrupt 0, foreign 0" \
	"$tmp/out")" = 2 ] && lost=0
if [ $lost = 0 ] && [ $ok = 1 ] && [ "$wire02" = "$count" ] && [ "$wire20" = "$count" ]; then
	echo "PASS: nothing lost: every frame came back with its sequence number and CRC intact,"
	echo "      and testpmd's counts equal hvsim's on every port"
else
	echo "FAIL: frames lost or counts differ (see above)"
	exit 1
fi
