#!/usr/bin/env bash
# dpdk-testpmd over our netvsc PMD, with hvsim playing the Hyper-V host.
#
#   hvsim gen (nic0) --rx--> port 0 --testpmd io fwd--> port 0 --tx--> hvsim gen (nic0)
#
# gen offers COUNT frames of SIZE bytes at RATE frames/s and checks that each
# one comes back with its sequence number and CRC intact. Interactive use:
# `examples/testpmd-over-hvsim.sh -i` gives you the testpmd> prompt instead
# (type `start`, then in another shell `build/app/hvsim/hvsim ctl gen 0 start`;
# hvsim's run directory is printed below).
#
# Usage: examples/testpmd-over-hvsim.sh [-i] [count] [size] [rate]   (BUILD=build dir)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
hvsim=$build/app/hvsim/hvsim
testpmd=$build/subprojects/dpdk/app/dpdk-testpmd
interactive=0
[ "${1:-}" = -i ] && { interactive=1; shift; }
count=${1:-100000} size=${2:-64} rate=${3:-50000}
run=/dev/shm/hvsim-example.$$
eal=(--file-prefix example$$ --no-huge -m 512 --iova-mode=va -d "$build/drivers"
     -d "$build/subprojects/dpdk/drivers/librte_mempool_ring.so")

if [ $interactive = 1 ]; then
	echo "hvsim run directory: $run"
	exec "$hvsim" run --run-dir "$run" --nic "gen:count=$count,size=$size,rate=$rate,hold" -- \
		"$testpmd" "${eal[@]}" -- --total-num-mbufs=16384 -i
fi

tmp=$(mktemp -d)
hv=
cleanup() {
	[ -n "$hv" ] && kill "$hv" 2>/dev/null || true
	rm -rf "$tmp" "/var/run/dpdk/example$$" "${XDG_RUNTIME_DIR:-/tmp}/dpdk/example$$"
}
trap cleanup EXIT
mkfifo "$tmp/in"
timeout --kill-after=5 $((count / rate + 40)) "$hvsim" run --run-dir "$run" \
	--nic "gen:count=$count,size=$size,rate=$rate,hold" -- \
	stdbuf -oL "$testpmd" "${eal[@]}" -- --total-num-mbufs=16384 --max-pkt-len=$((size > 1518 ? size : 1518)) \
	-i <"$tmp/in" >"$tmp/out" 2>&1 &
hv=$!
exec 3>"$tmp/in"
for _ in $(seq 1 150); do grep -q 'testpmd>' "$tmp/out" && break; sleep 0.2; done
grep -q 'testpmd>' "$tmp/out" || { cat "$tmp/out"; echo "testpmd did not come up"; exit 1; }
echo "set fwd io retry" >&3
echo "set burst tx delay 20 retry 5000" >&3
echo "start" >&3
# testpmd drains the rx queues at start, then prints this: traffic waits for it.
for _ in $(seq 1 100); do
	grep -q 'nb forwarding cores=' "$tmp/out" && break
	sleep 0.1
done
"$hvsim" ctl --run-dir "$run" gen 0 start >/dev/null
for _ in $(seq 1 $((count / rate * 4 + 40))); do
	"$hvsim" ctl --run-dir "$run" counters 2>/dev/null | grep -q "back $count," && break
	sleep 0.5
done
echo "stop" >&3
echo "quit" >&3
exec 3>&-
wait $hv || true
hv=
grep -E 'RX-packets|TX-packets' "$tmp/out" | head -2
grep -E '^hvsim: nic0|^gen:' "$tmp/out"
grep -q "gen: sent $count, back $count, lost 0, reordered 0, dup 0, corrupt 0" "$tmp/out" ||
	{ echo "FAIL: not every frame came back intact"; exit 1; }
echo "PASS: $count frames of $size bytes forwarded by testpmd over our PMD, all intact"
