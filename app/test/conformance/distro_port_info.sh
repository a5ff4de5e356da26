#!/usr/bin/env bash
# Debian's unmodified testpmd + vmbus bus + netvsc PMD, interactive over
# hvsim: `show port info 0` reports hvsim's MAC, MTU 1500 and link up, also
# after port stop/start (the distro PMD has no MTU set: -ENOTSUP); the
# queue-state shim (libqstate_fix.so, preloaded) reports what it found.
#
#   test --fifo--> /usr/bin/dpdk-testpmd (distro bus + netvsc) --ring--> hvsim NIC (loop)
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/lib/testpmd.sh"

tp_setup
for m in $MODES; do
	tp_start "$m" loop
	tp_cmd "show port info 0" >/dev/null; info=$TP_OUT
	printf '%s\n' "$info" | grep -E "MAC address|Link status|MTU|Driver name"
	printf '%s\n' "$info" | grep -q "MAC address: 00:15:5D:00:00:01" || { tp_dump; fail "$m: MAC"; }
	printf '%s\n' "$info" | grep -q "Driver name: net_netvsc" || { tp_dump; fail "$m: driver"; }
	printf '%s\n' "$info" | grep -qE "Link status: up" || { tp_dump; fail "$m: link not up"; }
	printf '%s\n' "$info" | grep -qE "MTU: 1500" || { tp_dump; fail "$m: MTU not 1500"; }
	# the port restarts cleanly (the shim re-judges each start)
	tp_cmd "port stop 0" >/dev/null
	tp_cmd "port start 0" >/dev/null
	tp_cmd "show port info 0" >/dev/null; printf "%s\n" "$TP_OUT" | grep -q "Link status: up" || { tp_dump; fail "$m: link after restart"; }
	tp_quit
	tp_check_shim
done
echo "distro testpmd: port info (MAC, MTU, link) correct in modes: $MODES"
