#!/usr/bin/env bash
# Link flaps and a network change, as Debian's testpmd (distro netvsc PMD,
# unmodified; queue states fixed by the preloaded libqstate_fix.so) sees
# them (distro_link.sh covers one down/up with --no-lsc-interrupt):
#
# 1. LSC interrupts on (testpmd's default), forwarding (the PMD reads RNDIS
#    indications on its rx path): `hvsim ctl link 0 down`, `up`, three
#    times. Each MEDIA_DISCONNECT / MEDIA_CONNECT indication must reach the
#    application as one "Port 0: link state change event" (6 in all), and
#    the PMD's debug log must show each status (0x4001000c, 0x4001000b).
#    Then `link 0 change` (NETWORK_CHANGE, 0x40010018): the PMD logs it and
#    ignores it ("not in DPDK API", hn_rndis_link_status): no 7th event.
# 2. --no-lsc-interrupt (each `show port info 0` asks the host): down, up
#    three times, each followed by `show port info 0`, which must follow;
#    after `link 0 change` the link is still up.
# Judges: testpmd's event lines and Link status; the PMD's own log.
#
#   test --ctl--> hvsim NIC 0 --RNDIS indication--> distro netvsc --> testpmd
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/lib/testpmd.sh"

MODES=$(tp_modes core)
FLAPS=3
tp_setup
need_ctl link

link_is() {	# show port info 0 until it says $1 (5 s)
	local i
	for i in $(seq 50); do
		tp_cmd "show port info 0" >/dev/null
		printf '%s\n' "$TP_OUT" | grep -q "Link status: $1" && return 0
		sleep 0.1
	done
	return 1
}
lsc_events() { grep -c "^Port 0: link state change event" "$TP_DIR/out"; }
statuses() { grep -c "hn_rndis_link_status(): link status $1\$" "$TP_DIR/err"; }
wait_events() {	# until $1 LSC events (5 s)
	local i
	for i in $(seq 50); do [ "$(lsc_events)" -ge "$1" ] && return 0; sleep 0.1; done
	return 1
}

for m in $MODES; do
	start=$SECONDS
	# 1. events
	TP_EAL_ARGS=(--log-level=pmd.net.netvsc.driver:debug)
	tp_start "$m" loop
	TP_EAL_ARGS=()
	tp_cmd "start" >/dev/null
	n=0
	for i in $(seq $FLAPS); do
		hv_ctl link 0 down >/dev/null || fail "$m: hvsim ctl link 0 down"
		n=$((n + 1))
		wait_events $n || { tp_dump; fail "$m: flap $i: no link state change event for down"; }
		hv_ctl link 0 up >/dev/null || fail "$m: hvsim ctl link 0 up"
		n=$((n + 1))
		wait_events $n || { tp_dump; fail "$m: flap $i: no link state change event for up"; }
	done
	echo "ok: $m: $FLAPS flaps, $n link state change events"
	hv_ctl link 0 change >/dev/null || fail "$m: hvsim ctl link 0 change"
	for i in $(seq 50); do [ "$(statuses 0x40010018)" -ge 1 ] && break; sleep 0.1; done
	sleep 0.3	# an event, if the PMD raised one, comes 10 us after (alarm)
	tp_cmd "stop" >/dev/null
	tp_quit
	tp_check_shim
	expect_eq "$m: PMD logged MEDIA_DISCONNECT" "$(statuses 0x4001000c)" $FLAPS
	expect_eq "$m: PMD logged MEDIA_CONNECT" "$(statuses 0x4001000b)" $FLAPS
	expect_eq "$m: PMD logged NETWORK_CHANGE" "$(statuses 0x40010018)" 1
	expect_eq "$m: link state change events (none for NETWORK_CHANGE)" "$(lsc_events)" $((2 * FLAPS))

	# 2. polled link state
	tp_start "$m" loop --no-lsc-interrupt
	link_is up || { tp_dump; fail "$m: link not up at start"; }
	tp_cmd "start" >/dev/null
	for i in $(seq $FLAPS); do
		hv_ctl link 0 down >/dev/null || fail "$m: hvsim ctl link 0 down"
		link_is down || { tp_dump; fail "$m: flap $i: testpmd does not see link down"; }
		hv_ctl link 0 up >/dev/null || fail "$m: hvsim ctl link 0 up"
		link_is up || { tp_dump; fail "$m: flap $i: testpmd does not see link up"; }
	done
	echo "ok: $m: show port info followed $FLAPS flaps"
	hv_ctl link 0 change >/dev/null || fail "$m: hvsim ctl link 0 change"
	sleep 0.2
	tp_cmd "show port info 0" >/dev/null
	printf '%s\n' "$TP_OUT" | grep -q "Link status: up" ||
		{ tp_dump; fail "$m: link not up after NETWORK_CHANGE"; }
	echo "ok: $m: link up after NETWORK_CHANGE"
	tp_cmd "stop" >/dev/null
	tp_quit
	tp_check_shim
	echo "$m: done in $((SECONDS - start)) s"
done
echo "link flaps seen by the application as LSC events and polled state, NETWORK_CHANGE ignored by the distro PMD, in modes: $MODES"
