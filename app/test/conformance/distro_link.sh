#!/usr/bin/env bash
# Link state as Debian's testpmd sees it (distro netvsc PMD, unmodified;
# queue states fixed by the preloaded libqstate_fix.so): up at start;
# `hvsim ctl link 0 down` (RNDIS media-disconnect indication, and the media
# status the PMD queries) -> `show port info 0` says down; `link 0 up` ->
# up again. The PMD asks the host on every link query, so its answer is the
# judge of what hvsim reports.
#
#   test --ctl--> hvsim NIC 0 <--RNDIS-- distro netvsc <-- testpmd
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/lib/testpmd.sh"

MODES=$(tp_modes core)
tp_setup
need_ctl link

link_is() {
	local want=$1 i
	for i in $(seq 50); do
		tp_cmd "show port info 0" >/dev/null; printf "%s\n" "$TP_OUT" | grep -q "Link status: $want" && return 0
		sleep 0.1
	done
	return 1
}

ctl() { hv_ctl "$@"; }

for m in $MODES; do
	# With LSC interrupts (testpmd's default) the distro PMD only raises the
	# event and show port info prints the link cached at start; without
	# them each show asks the host (hn_dev_link_update -> media status OID).
	tp_start "$m" loop --no-lsc-interrupt
	link_is up || { tp_dump; fail "$m: link not up at start"; }
	tp_cmd "start" >/dev/null	# the PMD reads RNDIS indications on its rx path
	ctl link 0 down || fail "$m: hvsim ctl link 0 down failed"
	link_is down || { tp_dump; fail "$m: testpmd does not see link down"; }
	echo "ok: $m: link down seen"
	ctl link 0 up || fail "$m: hvsim ctl link 0 up failed"
	link_is up || { tp_dump; fail "$m: testpmd does not see link up again"; }
	echo "ok: $m: link up again"
	tp_cmd "stop" >/dev/null
	tp_quit
	tp_check_shim
done
echo "link down/up from hvsim seen by the distro PMD in modes: $MODES"
