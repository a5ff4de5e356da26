#!/usr/bin/env bash
# sanitizer: yes
# Zero-copy mbufs held across their rx queue's release (rx_extmbuf_enable=1):
#
#   hvsim gen (64 frames of 1514 bytes) --> net_netvsc --> zc_hold_app
#
# The app keeps the frames (external mbufs pointing into the receive
# buffer), stops the port, sets its rx queue up again (the old queue goes
# while its transfers are held), asks for MTU 1400, starts, frees the
# frames, then stops and starts the port once more. Judges: the MTU change
# is refused with -EBUSY (ethdev's return: a new host session would strand
# the held transfers' ids), and hvsim's receive buffer has no slot left
# lent to the guest (rxbuf_slots_busy 0): the transfers the old queue held
# went back to the host once their frames were freed.
#
# shown to fail by: netvsc_queue.c netvsc_rx_queue_release no longer
# putting a held queue on dev->zc_released (its transfers were never given
# back) -> "pa: MTU change while held: 0, expected -16" and, with that
# check removed, "pa: slots still lent after the frames were freed: 64".
. "$(dirname "$0")/../lib/common.sh"

APP=$BUILD/app/test/integration/zc_hold_app
N=64
NIC0_UUID=5e1ec7ed-0000-4000-8000-000000000000	# hvsim's first NIC

run_mode() {
	local mode=$1 run=/dev/shm/hvsim-zchold.$$.$1 out=$TMP/zchold-$1.log done=$TMP/zchold-$1.pid
	local hv pid busy line
	bounded 90 "$HVSIM" run --run-dir "$run" --nic "gen:count=$N,size=1514" -- \
		"$APP" $(eal_args "$mode") -a "vmbus:$NIC0_UUID,rx_extmbuf_enable=1" \
		-d "$PLUGIN_BUILD/drivers" \
		-d "$PLUGIN_BUILD/subprojects/dpdk/drivers/librte_mempool_ring.so" \
		-- "$N" "$done" >"$out" 2>&1 &
	hv=$!
	at_exit "kill $hv"
	wait_file "$done" $hv || { cat "$out"; fail "$mode: the app did not get through its steps"; }
	pid=$(cat "$done")
	at_exit "kill $pid"
	# hvsim takes the completions in on its own pass: wait for them (5 s)
	for _ in $(seq 1 50); do
		busy=$("$HVSIM" ctl --run-dir "$run" counters | grep -o 'rxbuf_slots_busy [0-9]*' |
			awk '{ print $2 }')
		[ "${busy:-1}" -eq 0 ] && break
		sleep 0.1
	done
	kill -TERM "$pid"
	wait $hv || { cat "$out"; fail "$mode: hvsim/app exited with an error"; }
	grep '^zc_hold:' "$out"
	line=$(grep '^zc_hold: held' "$out") || fail "$mode: no hold line"
	[ "$(echo "$line" | awk '{ print $3 }')" -eq "$N" ] || fail "$mode: $line"
	[ "$(echo "$line" | awk '{ print $5 }')" -gt 0 ] || fail "$mode: no frame was zero-copy: $line"
	grep -q '^zc_hold: rx queue set up again: 0$' "$out" || fail "$mode: queue setup failed"
	line=$(grep '^zc_hold: MTU change while held:' "$out")
	[ "${line##* }" = -16 ] || fail "$mode: ${line#zc_hold: }, expected -16"
	grep -q '^zc_hold: frames freed, port restarted: 0$' "$out" || fail "$mode: restart failed"
	[ -n "$busy" ] || fail "$mode: no rxbuf_slots_busy counter from hvsim"
	[ "$busy" -eq 0 ] || fail "$mode: slots still lent after the frames were freed: $busy"
	# The released queue went once nothing was held: close finds none left.
	! grep -q 'closed with zero-copy mbufs of' "$out" ||
		fail "$mode: the released queue was still kept at close"
	echo "ok: $mode: $N held frames outlived their queue; freed, their slots went back"
}

plugin_build_dir
for m in $(test_modes); do
	case $m in pa) hugepages_reserve 256 ;; esac
	run_mode "$m"
done
