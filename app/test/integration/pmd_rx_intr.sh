#!/usr/bin/env bash
# sanitizer: yes
# Rx queue interrupts (rte_eth_dev_rx_intr_enable + epoll, l3fwd-power style)
# under each uio ABI hvsim plays (6.1 re-masks a channel on every interrupt,
# 6.10, 2025 leaves masks to user space), with 2 queues (primary + subchannel):
#
#   hvsim gen --rx (RSS over 2 channels)--> net_netvsc --> rx_intr_app
#        ^                                                  | same queue
#        +----------------------- tx <----------------------+
#
# The app polls, and after a run of empty polls arms both queues and sleeps.
# Judges: the polling thread's CPU time (/proc/PID/task/PID/stat, not the
# app's or hvsim's word) stays near zero over idle periods before and after
# traffic; gen gets every frame back intact (its own sequence numbers and
# CRCs); both queues received some; the app really slept and woke; every
# mbuf's port field is the port the app polled (the 2025 run receives by
# zero-copy, as external mbufs). A last run adds hvsim's VF (net_hvsim_vf,
# accelerated networking), removed and plugged in again before traffic (the
# driver lets go of the first and takes the second while the port runs), so
# every frame arrives on the new VF's queues, whose interrupts must wake
# ours; hvsim's VF counter is the judge that they came that way. And once
# more with a VF that refuses rx interrupts (net_hvsim_vf's intr=0): it still
# carries every frame, the app's queues polling (no idle checks there).
# And one queue under 6.10 with a control request (promiscuous on) made from
# an alarm while the app sleeps: the host's answer interrupts, the kernel
# masks the primary channel, and the request's wait on EAL's interrupt thread
# reads the answer before the interrupt callback runs; the sleeping queue
# must still hear the frames that follow (shown to fail by: netvsc_intr.c's
# uio callback without its unmask -> "abi 6.10+ctl: gen did not get every
# frame back", the app asleep on a masked channel). And one queue with a
# thread of the app asking the link status every 20 us while the lcore
# sleeps (each ask reads the primary channel, as a management agent's
# would): what that thread reads must still wake the queue.
# Last, zero-copy frames freed while the queue sleeps (rx_zc_freed): the app
# keeps 32 frames (external mbufs on receive slots) until its lcore has
# slept 300 ms, then another thread frees them; no frame comes to wake the
# lcore (a host out of slots would send none), so the driver must wake it
# to give the slots back. Judge: hvsim's count of slots lent to the guest
# (rxbuf_slots_busy) falls to 0 within 2 s of the free (shown to fail by:
# the free callback not waking the queue -> "slots still lent ... 32").
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/vf_counters.sh"

APP=$BUILD/app/test/integration/rx_intr_app
COUNT=$(frames 3000)
RATE=2000	# frames/s: gaps long enough for the app to fall asleep between them
IDLE_S=1
MAX_IDLE_TICKS=6	# of 100 per s: a polling thread would take ~$((IDLE_S * 100))

# utime + stime of thread TID of PID, in clock ticks (fields 14, 15 after the name).
thread_ticks() {
	sed 's/^.*) //' "/proc/$1/task/$2/stat" | awk '{ print $12 + $13 }'
}

# The thread of PID named NAME (comm), if there is one.
thread_named() {
	grep -lx "$2" /proc/"$1"/task/*/comm 2>/dev/null | head -1 | cut -d/ -f5
}

# idle_check PID WHAT [THREAD-NAME]: the polling thread (and the named one) asleep.
idle_check() {
	local pid=$1 what=$2 tid=$pid t0 t1 name
	for name in main ${3:-}; do
		[ "$name" = main ] || tid=$(thread_named "$pid" "$name")
		[ -n "$tid" ] || fail "$what: no thread $name"
		t0=$(thread_ticks "$pid" "$tid") || fail "$what: no thread stat"
		sleep "$IDLE_S"
		t1=$(thread_ticks "$pid" "$tid") || fail "$what: no thread stat"
		echo "$what: $name thread took $((t1 - t0)) ticks over ${IDLE_S}s"
		[ $((t1 - t0)) -le $MAX_IDLE_TICKS ] ||
			fail "$what: $name thread: $((t1 - t0)) ticks over ${IDLE_S}s idle: not asleep"
	done
}

NIC0_UUID=5e1ec7ed-0000-4000-8000-000000000000	# hvsim's first NIC
VF_PLUGIN=app/hvsim/vf/librte_net_hvsim_vf.so
RUN=
vf_ctl() { "$HVSIM" ctl --run-dir "$RUN" "$@"; }

# run_abi ABI MODE [DEVARGS] [vf|vf-nointr|ctl|linkpoll]
run_abi() {
	local abi=$1 mode=$2 devargs=${3:-} vf=${4:-} hv_vf=() app_vf=() nbq=2 app_opts=()
	local name=$abi${vf:++$vf}
	local run=/dev/shm/hvsim-rxintr.$$.$name out=$TMP/rxintr-$name.log pidf=$TMP/app-$name.pid
	local vdev=net_hvsim_vf0,nic=0 polls=
	if [ "$vf" = vf-nointr ]; then
		vdev+=,intr=0
		polls=1		# the VF's frames wake nothing: the queues poll
	fi
	case $vf in
	ctl) nbq=1; app_opts=(--ctl-alarm-ms 1000); vf= ;;
	linkpoll) nbq=1; app_opts=(--link-poll-us 20); vf= ;;
	esac
	if [ -n "$vf" ]; then
		hv_vf=(--vf 0)
		app_vf=(-d "$PLUGIN_BUILD/$VF_PLUGIN" --vdev "$vdev")
	fi
	RUN=$run
	"$HVSIM" run --run-dir "$run" --uio-abi "$abi" --queues "$nbq" \
		--nic "gen:count=$COUNT,rate=$(pace $RATE),size=128,flows=32,srcip,hold" \
		"${hv_vf[@]}" -- \
		"$APP" $(eal_args "$mode") ${devargs:+-a "vmbus:$NIC0_UUID,$devargs"} \
		-d "$PLUGIN_BUILD/drivers" \
		-d "$PLUGIN_BUILD/subprojects/dpdk/drivers/librte_mempool_ring.so" \
		"${app_vf[@]}" -- --queues "$nbq" --pid-file "$pidf" "${app_opts[@]}" >"$out" 2>&1 &
	local hv=$! pid
	at_exit "kill $hv"
	wait_file "$pidf" $hv || { cat "$out"; fail "abi $name: app did not come up"; }
	pid=$(cat "$pidf")
	at_exit "kill $pid"
	if [ -n "$vf" ]; then
		wait_for 10 datapath_is vf || { cat "$out"; fail "abi $name: no switch to the VF"; }
		# Azure's servicing: the VF is surprise-removed and a new one plugged in
		# while the port runs; the frames then come over the new one.
		vf_ctl vf 0 remove >/dev/null || fail "abi $name: vf remove"
		wait_for 10 grep -q "VF port [0-9]* released" "$out" ||
			fail "abi $name: VF never released"
		vf_ctl vf 0 add >/dev/null || fail "abi $name: vf add"
		wait_for 10 datapath_is vf || { cat "$out"; fail "abi $name: no switch to the new VF"; }
	fi
	if [ "${app_opts[0]:-}" = --ctl-alarm-ms ]; then
		wait_for 10 grep -q "from an alarm: promiscuous on: 0" "$out" ||
			{ cat "$out"; fail "abi $name: the alarm's request failed"; }
	fi
	sleep 0.5
	[ -n "$polls" ] || idle_check "$pid" "abi $name before traffic" ${vf:+netvsc-vf-intr}
	"$HVSIM" ctl --run-dir "$run" gen 0 start >/dev/null || fail "abi $name: gen start"
	for _ in $(seq 1 $((COUNT / $(pace $RATE) * 4 + 40))); do
		"$HVSIM" ctl --run-dir "$run" counters | grep -q "back $COUNT," && break
		sleep 0.5
	done
	[ -n "$polls" ] || idle_check "$pid" "abi $name after traffic"
	local vf_rx=
	[ -z "$vf" ] || vf_rx=$(vf_field vf_rx)
	kill -TERM "$pid"
	wait $hv || { cat "$out"; fail "abi $name: hvsim/app exited with an error"; }
	grep -E '^rx_intr:|^gen:' "$out"
	grep -q "gen: sent $COUNT, back $COUNT, lost 0, reordered 0, dup 0, corrupt 0, foreign 0" \
		"$out" || { tail -30 "$out"; fail "abi $name: gen did not get every frame back"; }
	if [ -n "$vf" ]; then
		echo "abi $name: the VF received $vf_rx of $COUNT"
		[ "$vf_rx" = "$COUNT" ] || fail "abi $name: $vf_rx of $COUNT frames over the VF"
	fi
	if [ -n "$polls" ]; then
		grep -q 'with rx interrupts: again without' "$out" ||
			fail "abi $name: the VF's refusal of rx interrupts was not said"
	fi
	local line q0 q1 sleeps wakeups
	line=$(grep '^rx_intr: rxq0' "$out") || fail "abi $name: no app summary"
	# field KEY: the number after KEY in the summary line (0 if none).
	field() { echo "$line" | awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) v = $(i + 1) }
		END { print v + 0 }'; }
	q0=$(field rxq0)
	q1=$(field rxq1)
	sleeps=$(field sleeps)
	wakeups=$(field wakeups)
	[ $((q0 + q1)) -eq $COUNT ] || fail "abi $name: app received $((q0 + q1)), sent $COUNT"
	[ "$nbq" -eq 1 ] || { [ "$q0" -gt 0 ] && [ "$q1" -gt 0 ]; } ||
		fail "abi $name: RSS used one queue only ($q0/$q1)"
	# Traffic at $RATE/s leaves the app idle between frames: it must have slept
	# and been woken many times, not once at the start.
	[ "$wakeups" -ge 10 ] || fail "abi $name: only $wakeups wake-ups over $sleeps sleeps"
	# Every mbuf names the port it came from (the copy path's and, with
	# zero-copy, the external mbufs').
	echo "$line" | grep -q " wrong_port 0$" ||
		fail "abi $name${devargs:+ ($devargs)}: mbufs with another port: $line"
	# The link-polling thread really read the primary beside the sleeping queue.
	if [ "${app_opts[0]:-}" = --link-poll-us ]; then
		line=$(grep '^rx_intr: link polls' "$out") || fail "abi $name: no link poll count"
		[ "$(field polls)" -ge 1000 ] || fail "abi $name: only $(field polls) link polls"
	fi
}

# rx_zc_freed MODE: see the header's last case.
rx_zc_freed() {
	local mode=$1 n=32 run=/dev/shm/hvsim-rxintr.$$.zc out=$TMP/rxintr-zc.log pidf=$TMP/app-zc.pid
	local hv pid busy=
	"$HVSIM" run --run-dir "$run" --uio-abi 2025 \
		--nic "gen:count=$n,rate=$(pace $RATE),size=1514,hold" -- \
		"$APP" $(eal_args "$mode") -a "vmbus:$NIC0_UUID,rx_extmbuf_enable=1,rx_copybreak=64" \
		-d "$PLUGIN_BUILD/drivers" \
		-d "$PLUGIN_BUILD/subprojects/dpdk/drivers/librte_mempool_ring.so" \
		-- --pid-file "$pidf" --hold "$n" >"$out" 2>&1 &
	hv=$!
	at_exit "kill $hv"
	wait_file "$pidf" $hv || { cat "$out"; fail "zc freed: app did not come up"; }
	pid=$(cat "$pidf")
	at_exit "kill $pid"
	"$HVSIM" ctl --run-dir "$run" gen 0 start >/dev/null || fail "zc freed: gen start"
	wait_for 10 grep -q "^rx_intr: holding $n frames" "$out" ||
		{ cat "$out"; fail "zc freed: the app did not get its $n frames"; }
	slots() { "$HVSIM" ctl --run-dir "$run" counters | grep -o 'rxbuf_slots_busy [0-9]*' |
		awk '{ n += $2 } END { print n + 0 }'; }
	busy=$(slots)
	[ "$busy" -ge "$n" ] || fail "zc freed: $busy slots lent while $n zero-copy frames held"
	wait_for 5 grep -q "^rx_intr: freed $n held frames" "$out" ||
		{ cat "$out"; fail "zc freed: the app did not free its frames"; }
	grep -q "^rx_intr: freed $n held frames, lcore asleep yes" "$out" ||
		{ cat "$out"; fail "zc freed: the lcore was not asleep at the free"; }
	for _ in $(seq 1 20); do
		busy=$(slots)
		[ "$busy" -eq 0 ] && break
		sleep 0.1
	done
	[ "$busy" -eq 0 ] || { cat "$out"; fail "zc freed: slots still lent 2 s after the free: $busy"; }
	echo "zc freed: $n zero-copy frames freed while the queue slept, their slots back to the host"
	kill -TERM "$pid"
	wait $hv || { cat "$out"; fail "zc freed: hvsim/app exited with an error"; }
	grep -E '^rx_intr:' "$out"
}

plugin_build_dir
modes=$(test_modes)
mode=va
case $modes in *pa*) hugepages_reserve 256; mode=pa ;; esac
run_abi 6.1 "$mode"
run_abi 6.10 "$mode"
run_abi 2025 "$mode" rx_extmbuf_enable=1,rx_copybreak=64	# 128-byte frames: zero-copy
run_abi 6.10 "$mode" "" vf
run_abi 6.10 "$mode" "" vf-nointr
run_abi 6.10 "$mode" "" ctl
run_abi 6.10 "$mode" "" linkpoll
rx_zc_freed "$mode"
echo "rx interrupts: idle thread asleep, every frame forwarded under 6.1, 6.10 and 2025" \
	"(zero-copy), over a VF, with rx interrupts and without, after a control request from" \
	"an alarm and beside a link-polling thread, zero-copy frames freed while asleep ($mode)"
