#!/usr/bin/env bash
# An l3fwd-power-style application on our netvsc PMD: one lcore polls two rx
# queues, and after a run of empty polls arms their interrupts and sleeps in
# epoll until traffic arrives (app/test/integration/rx_intr_app.c):
#
#   hvsim gen (paced, RSS over 2 channels) --> net_netvsc --> rx_intr_app --> back to gen
#
# It shows the polling thread's CPU time while idle, then while the generator
# sends, then idle again, and gen's verdict on the frames it got back.
#
# Usage: examples/rx-interrupts-over-hvsim.sh [uio-abi] [count] [rate-pps]   (BUILD=build dir)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
hvsim=$build/app/hvsim/hvsim
app=$build/app/test/integration/rx_intr_app
abi=${1:-6.1}
count=${2:-5000}
rate=${3:-2000}
tmp=$(mktemp -d)
run=/dev/shm/hvsim-rxintr-example.$$
hv=
cleanup() {
	[ -s "$tmp/app.pid" ] && kill "$(cat "$tmp/app.pid")" 2>/dev/null || true
	[ -n "$hv" ] && wait "$hv" 2>/dev/null || true
	rm -rf "$tmp" "/var/run/dpdk/rxintr$$" "${XDG_RUNTIME_DIR:-/tmp}/dpdk/rxintr$$"
}
trap cleanup EXIT

ticks() { sed 's/^.*) //' "/proc/$1/task/$1/stat" | awk '{ print $12 + $13 }'; }
cpu_over() {	# $1 pid, $2 seconds: CPU time of the polling thread, in ms
	local t0 t1
	t0=$(ticks "$1"); sleep "$2"; t1=$(ticks "$1")
	echo $(((t1 - t0) * 1000 / $(getconf CLK_TCK)))
}

"$hvsim" run --run-dir "$run" --uio-abi "$abi" --queues 2 \
	--nic "gen:count=$count,rate=$rate,size=128,flows=32,srcip,hold" -- \
	"$app" --file-prefix rxintr$$ --no-huge -m 256 --iova-mode=va \
	-d "$build/drivers" -d "$build/subprojects/dpdk/drivers/librte_mempool_ring.so" \
	-- --queues 2 --pid-file "$tmp/app.pid" >"$tmp/out.log" 2>&1 &
hv=$!
for _ in $(seq 1 150); do [ -s "$tmp/app.pid" ] && break; sleep 0.2; done
[ -s "$tmp/app.pid" ] || { cat "$tmp/out.log"; echo FAIL; exit 1; }
pid=$(cat "$tmp/app.pid")
sleep 0.5
echo "uio ABI $abi: idle, polling thread CPU: $(cpu_over "$pid" 2) ms over 2 s"
"$hvsim" ctl --run-dir "$run" gen 0 start >/dev/null
secs=$((count / rate + 1))
echo "traffic ($count frames at $rate/s), polling thread CPU: $(cpu_over "$pid" "$secs") ms over $secs s"
echo "idle again, polling thread CPU: $(cpu_over "$pid" 2) ms over 2 s"
kill -TERM "$pid"
wait "$hv" || true
hv=
grep -E '^rx_intr: rxq|^gen:' "$tmp/out.log"
if grep -q "gen: sent $count, back $count, lost 0, reordered 0, dup 0, corrupt 0, foreign 0" \
	"$tmp/out.log"; then echo PASS; else echo FAIL; exit 1; fi
