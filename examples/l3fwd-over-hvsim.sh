#!/usr/bin/env bash
# dpdk-l3fwd (LPM) routing between two synthetic NICs driven by our netvsc PMD:
#
#   hvsim gen (nic0) --> port(nic0) --l3fwd LPM: 198.18.0.0/24 -> port(nic1)--> nic1: hvsim sink
#
# gen sends 8 UDP flows (distinct source addresses) to 198.18.0.2; the route
# file sends 198.18.0.0/24 out of nic1's port (and 198.18.1.0/24 out of
# nic0's). DPDK numbers ports in probe order, so the script reads the MAC
# of each port from l3fwd's start-up lines (NIC i has 00:15:5d:00:00:<i+1>)
# and restarts l3fwd once with the routes swapped if needed. The sink checks
# every routed frame's sequence number and CRC (l3fwd rewrites MACs, TTL and
# the IPv4 checksum, not the payload).
#
# Usage: examples/l3fwd-over-hvsim.sh [seconds] [rate-pps]   (BUILD=build dir)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
hvsim=$build/app/hvsim/hvsim
l3fwd=$build/subprojects/dpdk/examples/dpdk-l3fwd
secs=${1:-5}
rate=${2:-50000}

if [ "${1:-}" = --inside ]; then	# run by hvsim, with its preload and run directory
	shift
	secs=$1 rate=$2 tmp=$3
	l3fwd_pid=
	stop_l3fwd() {
		[ -n "$l3fwd_pid" ] || return 0
		kill -INT "$l3fwd_pid" 2>/dev/null || true
		wait "$l3fwd_pid" || true
		l3fwd_pid=
		rm -rf "/var/run/dpdk/l3fwd$$" "${XDG_RUNTIME_DIR:-/tmp}/dpdk/l3fwd$$"	# DPDK leaves it
	}
	trap stop_l3fwd EXIT
	start_l3fwd() {	# $1: port of nic0, $2: port of nic1
		printf 'R198.18.0.0/24 %s\nR198.18.1.0/24 %s\n' "$2" "$1" >"$tmp/v4.cfg"
		printf 'R2001:200::/48 0\n' >"$tmp/v6.cfg"
		"$l3fwd" -l 1 --file-prefix l3fwd$$ --no-huge -m 512 --iova-mode=va \
			-d "$build/drivers" -d "$build/subprojects/dpdk/drivers/librte_mempool_ring.so" \
			-- -p 0x3 --config="(0,0,1),(1,0,1)" --lookup=lpm \
			--rule_ipv4="$tmp/v4.cfg" --rule_ipv6="$tmp/v6.cfg" \
			--eth-dest="$2,00:15:5d:ff:ff:02" --eth-dest="$1,00:15:5d:ff:ff:01" \
			>"$tmp/l3fwd.log" 2>&1 &
		l3fwd_pid=$!
		for _ in $(seq 1 150); do
			grep -q 'entering main loop' "$tmp/l3fwd.log" && return 0
			kill -0 "$l3fwd_pid" 2>/dev/null || break
			sleep 0.2
		done
		cat "$tmp/l3fwd.log"
		echo "l3fwd did not start"
		return 1
	}
	mac_port() {	# the port l3fwd printed with NIC $1's MAC
		grep -oE 'Initializing port [0-9]+|Address:[0-9A-F:]{17}' "$tmp/l3fwd.log" |
			awk -v mac="Address:00:15:5D:00:00:0$(($1 + 1))" \
				'/^Initializing/ { p = $3 } $0 == mac { print p; exit }'
	}
	start_l3fwd 0 1
	if [ "$(mac_port 0)" != 0 ]; then
		stop_l3fwd
		start_l3fwd 1 0
	fi
	echo "l3fwd: nic0 is port $(mac_port 0), nic1 is port $(mac_port 1); routing for $secs s"
	"$hvsim" ctl gen 0 start >/dev/null
	sleep "$secs"
	"$hvsim" ctl gen 0 stop >/dev/null
	sleep 0.5
	stop_l3fwd
	grep -E 'Port statistics|packets|dropped' "$tmp/l3fwd.log" | head -12 || true
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "== hvsim: nic0 gen (8 flows, $rate pps) -> l3fwd (our PMD, LPM) -> nic1 sink"
timeout --kill-after=5 $((secs + 40)) "$hvsim" run --nic "gen:rate=$rate,flows=8,srcip,hold" \
	--nic sink -- bash "$0" --inside "$secs" "$rate" "$tmp" 2>&1 | tee "$tmp/out" |
	grep -E '^l3fwd:|^hvsim: nic[01]|^gen:|^sink:|l3fwd did not' || true
routed=$(sed -n 's/^sink: frames [0-9]*, ours \([0-9]*\) (lost 0, reordered 0, corrupt 0), foreign 0 .*/\1/p' \
	"$tmp/out")
if [ -n "$routed" ] && [ "$routed" -gt 0 ]; then
	echo "PASS: l3fwd routed $routed frames from nic0 to nic1, none lost or corrupt"
else
	echo "FAIL: nothing routed, or frames lost or corrupt (see above)"
	exit 1
fi
