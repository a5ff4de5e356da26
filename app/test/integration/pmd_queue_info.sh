#!/usr/bin/env bash
# sanitizer: yes
# The queue queries DPDK applications use (l3fwd-power, testpmd, pipelines
# that watch their rings), through testpmd's own commands on our PMD:
#
#   show rxq|txq info 0 0           rte_eth_rx/tx_queue_info_get
#   show port 0 rxq 0 desc used count   rte_eth_rx_queue_count
#   show port 0 rxq|txq 0 desc D status  rte_eth_rx/tx_descriptor_status
#   port cleanup 0 txq 0 0          rte_eth_tx_done_cleanup
#   show port info 0                tx_desc_lim's segments per packet
#
# Judges that are not the PMD: the queue sizes and pool testpmd set up; gen's
# count of the frames it sent (the rx count must reach it exactly, with
# forwarding stopped, and the frames must then all come back intact); and
# hvsim's count of the send completions its withhold-completions fault held
# back (H): while held, exactly the last H tx descriptors are FULL. Once
# they are released, with every frame sent by GPA (tx_copybreak=0: one
# send and one mbuf a frame, H = gen's count), a cleanup limited to 1 must
# free exactly 1 mbuf and unlimited ones the other H - 1; with frames
# copied into sections (the default) the mbufs went at the send, and a
# cleanup frees none. PA mode (as root) and VA mode.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../conformance/lib/testpmd.sh"

tp_our_pmd

N=100			# frames gen sends
RXD=512 TXD=512

# start MODE NIC DEVARGS [testpmd args...]: tp_start with our PMD (port
# devargs DEVARGS, may be empty)
start() {
	local mode=$1 nic=$2 devargs=$3
	shift 3
	TP_EAL_ARGS=("${TP_OUR_EAL[@]}" ${devargs:+-a "vmbus:$NIC_UUID0,$devargs"})
	tp_start "$mode" "$nic" "$@"
}

# status_is rxq|txq D STATUS WHY: descriptor D's status must be STATUS
# (REFUSED: the query is refused as invalid, on testpmd's stderr).
status_is() {
	local refusals got
	refusals=$(grep -c "Invalid input: queue id = 0, desc id = $2\$" "$TP_DIR/err")
	tp_cmd "show port 0 $1 0 desc $2 status" >/dev/null
	got=$(printf '%s\n' "$TP_OUT" | grep -o 'Desc status = [A-Z]*')
	case $3 in
	REFUSED) [ -z "$got" ] &&
		 [ "$(grep -c "Invalid input: queue id = 0, desc id = $2\$" "$TP_DIR/err")" -gt "$refusals" ] ;;
	*) [ "$got" = "Desc status = $3" ] ;;
	esac || { tp_dump; fail "$MODE: $1 desc $2 is not $3 $4 (said: '$got')"; }
}

# used_count: rte_eth_rx_queue_count of queue 0, into USED
used_count() {
	tp_cmd "show port 0 rxq 0 desc used count" >/dev/null
	USED=$(printf '%s\n' "$TP_OUT" | sed -n 's/^Used desc count = \([0-9]*\)$/\1/p')
}

# cleanup FREE_CNT: one "port cleanup 0 txq 0 FREE_CNT"; the mbufs it freed into FREED
cleanup() {
	tp_cmd "port cleanup 0 txq 0 $1" >/dev/null
	FREED=$(printf '%s\n' "$TP_OUT" | sed -n 's/.*mbuf nums: \([0-9]*\)$/\1/p')
}

hv_gen_line() { hv_ctl counters | grep '^gen:' | tail -1; }
held() { hv_ctl counters | awk '$1 == "nic0" && $3 == "withhold-completions" { print $NF }'; }

# run_case MODE SENDS: SENDS is copy (default devargs) or gpa (tx_copybreak=0).
run_case() {
	local sends=$2 h
	MODE="$1 $2"
	start "$1" "gen:count=$N,hold" "$([ "$sends" = gpa ] && echo tx_copybreak=0)" \
		--rxq=1 --txq=1 --rxd=$RXD --txd=$TXD --no-flush-rx

	# What testpmd set up: its sizes, its pool, its 2048-byte mbuf data room.
	tp_cmd "show rxq info 0 0" >/dev/null
	expect_eq "$MODE: rxq info: RXDs" "$(tp_stat "$TP_OUT" "Number of RXDs")" $RXD
	expect_eq "$MODE: rxq info: buffer size" "$(tp_stat "$TP_OUT" "RX buffer size")" 2048
	printf '%s\n' "$TP_OUT" | grep -q '^Mempool: mb_pool_0$' || fail "$MODE: rxq info names no mb_pool_0"
	tp_cmd "show txq info 0 0" >/dev/null
	expect_eq "$MODE: txq info: TXDs" "$(tp_stat "$TP_OUT" "Number of TXDs")" $TXD

	# Receive: nothing, then exactly what gen sent, with forwarding stopped.
	used_count
	expect_eq "$MODE: rx count before any traffic" "$USED" 0
	hv_ctl gen 0 start >/dev/null || fail "$MODE: gen start"
	for _ in $(seq 50); do
		used_count
		[ "$USED" = "$N" ] && break
		sleep 0.1
	done
	expect_eq "$MODE: rx count once gen sent $N" "$USED" "$N"
	sleep 0.3
	used_count
	expect_eq "$MODE: rx count a while later" "$USED" "$N"
	status_is rxq $((N - 1)) DONE "with $N frames waiting"
	status_is rxq $N AVAILABLE "with $N frames waiting"
	status_is rxq $RXD REFUSED "(past the queue)"
	echo "$MODE: rx count $N = gen's, desc $((N - 1)) DONE, $N AVAILABLE, $RXD refused"

	# Transmit: forward them back with the host keeping every completion.
	hv_ctl fault 0 withhold-completions >/dev/null || fail "$MODE: arm withhold-completions"
	tp_cmd "set fwd io" >/dev/null
	tp_cmd "start" >/dev/null
	hv_wait "^gen: sent $N, back $N," 50 || true	# judged below
	tp_cmd "stop" >/dev/null
	hv_gen_line | grep -q "^gen: sent $N, back $N, lost 0, reordered 0, dup 0, corrupt 0, foreign 0" ||
		fail "$MODE: gen: $(hv_gen_line)"
	h=$(held)
	[ -n "$h" ] && [ "$h" -ge 1 ] || fail "$MODE: hvsim held no completion ($h)"
	[ "$sends" = copy ] || expect_eq "$MODE: sends by GPA for $N frames" "$h" "$N"
	status_is txq $((TXD - h)) FULL "with $h sends held by the host"
	status_is txq $((TXD - h - 1)) DONE "with $h sends held by the host"
	status_is txq $TXD REFUSED "(past the queue)"
	echo "$MODE: host held $h sends: tx desc $((TXD - h)) FULL, $((TXD - h - 1)) DONE"

	# Released: wait until hvsim has written every one into our ring.
	hv_ctl fault 0 clear >/dev/null || fail "$MODE: clear the fault"
	hv_wait ' completions_deferred 0( |$)' 50 || fail "$MODE: hvsim still defers completions"
	if [ "$sends" = gpa ]; then
		cleanup 1
		expect_eq "$MODE: mbufs a cleanup limited to 1 freed" "$FREED" 1
		cleanup 0
		expect_eq "$MODE: mbufs the next cleanup freed" "$FREED" $((h - 1))
	else
		cleanup 0	# copied: the mbufs went at the send
		expect_eq "$MODE: mbufs a cleanup of copied sends freed" "$FREED" 0
	fi
	status_is txq $((TXD - 1)) DONE "after the cleanup"
	used_count
	expect_eq "$MODE: rx count after forwarding" "$USED" 0
	tp_quit
}

# run_segments MODE: frames of the segment count the port advertises
# (tx_desc_lim), 64 bytes each, sent by page ranges (tx_copybreak=0) with
# txonly for a second. Judges: hvsim's sink gets every frame testpmd counts
# as sent, whole (its bytes, good IPv4/UDP checksums over the reassembled
# frame), the port counts no error, and hvsim counts no send of more than
# the 32 pages Linux and FreeBSD keep to. (testpmd refuses longer chains
# for txonly: pmd_mtu_jumbo forwards them.)
run_segments() {
	local segs list sent
	MODE="$1 segments"
	start "$1" sink tx_copybreak=0
	tp_cmd "show port info 0" >/dev/null
	segs=$(tp_stat "$TP_OUT" "Max segment number per packet")
	[ -n "$segs" ] && [ "$segs" -ge 2 ] && [ "$segs" -lt 65535 ] ||
		fail "$MODE: the port advertises '$segs' segments per packet"
	tp_cmd "port stop 0" >/dev/null
	tp_cmd "port config 0 tx_offload multi_segs on" >/dev/null
	tp_cmd "port start 0" >/dev/null
	tp_cmd "set fwd txonly" >/dev/null
	list=$(printf '64,%.0s' $(seq "$segs"))
	tp_cmd "set txpkts ${list%,}" >/dev/null
	tp_cmd "show config txpkts" >/dev/null
	expect_eq "$MODE: segments testpmd took" "$(tp_stat "$TP_OUT" "Number of segments")" "$segs"
	tp_cmd "start" >/dev/null
	sleep 1
	tp_cmd "stop" >/dev/null
	tp_cmd "show port stats 0" >/dev/null
	sent=$(tp_stat "$TP_OUT" TX-packets)
	[ -n "$sent" ] && [ "$sent" -gt 0 ] || fail "$MODE: testpmd sent nothing"
	expect_eq "$MODE: tx errors" "$(tp_stat "$TP_OUT" TX-errors)" 0
	hv_wait "^sink: frames $sent," 50 || true	# judged below
	hv_ctl counters | grep -q "^sink: frames $sent, ours 0 .*foreign $sent (bad checksum 0)$" ||
		fail "$MODE: testpmd sent $sent frames of $segs segments, the sink: $(hv_ctl counters | grep '^sink:')"
	expect_eq "$MODE: bytes the host got" \
		"$(hv_ctl counters | awk '$1 == "nic0" && $2 == "tx_frames" { print $5 }')" $((sent * 64 * segs))
	! hv_ctl counters | grep gpa_over_32_pages || fail "$MODE: hvsim got sends of more than 32 pages"
	tp_quit
	echo "$MODE: $sent frames of $segs segments (the advertised most) sent whole"
}

# run_sizes MODE: descriptor counts past what a queue holds are taken, as
# DPDK's netvsc takes them (ethdev would refuse counts over the port's
# limits): --rxd/--txd 8192 start, forward gen's frames back whole (gen
# judges), and the queues report what they hold.
run_sizes() {
	MODE="$1 sizes"
	start "$1" "gen:count=$N,hold" "" --rxq=1 --txq=1 --rxd=8192 --txd=8192
	tp_cmd "show rxq info 0 0" >/dev/null
	expect_eq "$MODE: rxq info: RXDs of 8192 asked" "$(tp_stat "$TP_OUT" "Number of RXDs")" 1024
	tp_cmd "show txq info 0 0" >/dev/null
	expect_eq "$MODE: txq info: TXDs of 8192 asked" "$(tp_stat "$TP_OUT" "Number of TXDs")" 4096
	tp_cmd "set fwd io" >/dev/null
	tp_cmd "start" >/dev/null
	hv_ctl gen 0 start >/dev/null || fail "$MODE: gen start"
	hv_wait "^gen: sent $N, back $N," 50 || true	# judged below
	tp_cmd "stop" >/dev/null
	hv_gen_line | grep -q "^gen: sent $N, back $N, lost 0, reordered 0, dup 0, corrupt 0, foreign 0" ||
		fail "$MODE: gen: $(hv_gen_line)"
	tp_quit
	echo "$MODE: --rxd/--txd 8192 taken (1024, 4096 held), $N frames forwarded whole"
}

# run_release MODE: sends the host still holds when the port closes (the
# withhold-completions fault, every frame sent by GPA): the tx queue's
# release reads for their completions for 100 ms, then frees their mbufs and
# says how many, as hvsim counts them held; the close is not held up longer.
run_release() {
	local h t0 t1
	MODE="$1 release"
	start "$1" "gen:count=$N,hold" tx_copybreak=0 --rxq=1 --txq=1
	hv_ctl fault 0 withhold-completions >/dev/null || fail "$MODE: arm withhold-completions"
	tp_cmd "set fwd io" >/dev/null
	tp_cmd "start" >/dev/null
	hv_ctl gen 0 start >/dev/null || fail "$MODE: gen start"
	hv_wait "^gen: sent $N, back $N," 50 || fail "$MODE: gen: $(hv_gen_line)"
	tp_cmd "stop" >/dev/null
	h=$(held)
	expect_eq "$MODE: sends by GPA the host holds" "$h" "$N"
	tp_cmd "port stop 0" >/dev/null
	t0=$(date +%s%N)
	tp_cmd "port close 0" >/dev/null
	t1=$(date +%s%N)
	grep -q "tx queue 0: $h sends the host did not complete in 100 ms, freed" \
		"$TP_DIR/out" "$TP_DIR/err" || { tp_dump; fail "$MODE: no word of the $h held sends"; }
	[ $(((t1 - t0) / 1000000)) -lt 2000 ] || fail "$MODE: close took $(((t1 - t0) / 1000000)) ms"
	tp_quit
	echo "$MODE: close waited for the $h sends the host held, freed them, in" \
	     "$(((t1 - t0) / 1000000)) ms"
}

# timed CMD: one testpmd command, its milliseconds into MS.
timed() {
	local t0
	t0=$(date +%s%N)
	tp_cmd "$1" >/dev/null
	MS=$((($(date +%s%N) - t0) / 1000000))
}

# run_full MODE: control requests while the application leaves queue 0
# full (forwarding stopped, more frames waiting in the host than the queue
# holds): the host's replies come behind those frames on the primary
# channel, and must not wait for a burst. Judges: testpmd's view of the
# port after the change, its error output, and the time each command took
# (the PMD gives a request 5 s).
#
# shown to fail by: netvsc_rx.c chan_read deferring control transfers too
# -> "pa full: the filter change took 5044 ms".
run_full() {
	local frames=3000
	MODE="$1 full"
	start "$1" "gen:count=$frames,hold" "" --rxq=1 --txq=1 --rxd=1024 --no-flush-rx
	hv_ctl gen 0 start >/dev/null || fail "$MODE: gen start"
	hv_wait "^gen: sent $frames," 50 || fail "$MODE: gen: $(hv_gen_line)"
	used_count	# the PMD reads frames into the queue until it holds 1024
	expect_eq "$MODE: rx count with $frames frames sent" "$USED" 1024
	timed "set promisc 0 off"
	tp_cmd "show port info 0" >/dev/null
	printf '%s\n' "$TP_OUT" | grep -q '^Promiscuous mode: disabled' ||
		{ tp_dump; fail "$MODE: promiscuous mode not switched off"; }
	[ "$MS" -lt 2000 ] || fail "$MODE: the filter change took $MS ms"
	timed "port stop 0"
	[ "$MS" -lt 2000 ] || fail "$MODE: port stop took $MS ms"
	! grep -q "did not answer" "$TP_DIR/out" "$TP_DIR/err" ||
		{ tp_dump; fail "$MODE: a request went unanswered"; }
	tp_quit
	echo "$MODE: with queue 0 full, a filter change and a port stop answered at once"
}

# run_restart MODE: frames left in the queues' rings at a stop (forwarding
# stopped, gen sending on 4 queues) must not outlive the host session: an
# MTU change starts a new one (the receive buffer given again, the host's
# transfer ids anew). Judges: hvsim's count of completions naming no
# transfer it has out (a stale one from the old session), and gen's check of
# every frame that comes back after the restart (duplicates or damage:
# frames read from slots the new session had reused).
#
# shown to fail by: netvsc_queue.c netvsc_rxq_drain without its read of
# the ring -> "pa restart: completions of no transfer the host had out:
# got '2217', want '0'".
run_restart() {
	local bad gen
	MODE="$1 restart"
	TP_HVSIM_OPTS=(--queues 4)
	start "$1" "gen:flows=64,srcip,rate=$(pace 200000),hold" "" --rxq=4 --txq=4
	TP_HVSIM_OPTS=()
	tp_cmd "port config all rss all" >/dev/null
	tp_cmd "set fwd io" >/dev/null
	tp_cmd "start" >/dev/null
	hv_ctl gen 0 start >/dev/null || fail "$MODE: gen start"
	sleep 0.5
	tp_cmd "stop" >/dev/null	# gen goes on: frames wait in the rings
	sleep 0.5
	tp_cmd "port stop all" >/dev/null
	hv_ctl gen 0 stop >/dev/null || fail "$MODE: gen stop"
	tp_cmd "port config mtu 0 3000" >/dev/null
	tp_cmd "port start all" >/dev/null
	tp_cmd "start" >/dev/null
	hv_ctl gen 0 start >/dev/null || fail "$MODE: gen start again"
	sleep 1
	hv_ctl gen 0 stop >/dev/null || fail "$MODE: gen stop again"
	sleep 0.5
	tp_cmd "stop" >/dev/null
	bad=$(hv_ctl counters | awk '{ for (i = 1; i < NF; i++)
		if ($i == "rxbuf_bad_completion") n += $(i + 1) } END { print n + 0 }')
	expect_eq "$MODE: completions of no transfer the host had out" "$bad" 0
	gen=$(hv_gen_line)
	printf '%s\n' "$gen" |
		grep -Eq "^gen: sent [1-9][0-9]*, back [1-9][0-9]*, .* dup 0, corrupt 0, foreign 0" ||
		fail "$MODE: gen: $gen"
	tp_quit
	echo "$MODE: an MTU change after a stop with frames waiting: no stale transfer; $gen"
}

# run_txonly MODE: an application that sends on a port and never polls its
# rx queue (testpmd txonly) while the host keeps delivering frames, one a
# transfer: the tx queue must keep getting its completions from behind the
# frames, which are missed once the queue and its deferred list are full,
# as a NIC drops when its ring is full. Judges: hvsim's count of frames it
# got from the guest keeps growing; testpmd's RX-missed.
#
# shown to fail by: netvsc_rx.c chan_read stopping when the deferred list
# is full -> "pa txonly: the host got 0 frames between 2 s and 4 s".
run_txonly() {
	local a b missed
	MODE="$1 txonly"
	start "$1" "gen:rate=$(pace 20000),hold" "" --rxq=1 --txq=1
	tp_cmd "set fwd txonly" >/dev/null
	tp_cmd "start" >/dev/null
	hv_ctl gen 0 start >/dev/null || fail "$MODE: gen start"
	sleep 2
	a=$(hv_ctl counters | awk '$1 == "nic0" && $2 == "tx_frames" { print $3 }')
	sleep 2
	b=$(hv_ctl counters | awk '$1 == "nic0" && $2 == "tx_frames" { print $3 }')
	[ -n "$a" ] && [ -n "$b" ] && [ "$b" -gt $((a + 1000)) ] ||
		{ tp_dump; fail "$MODE: the host got $((${b:-0} - ${a:-0})) frames between 2 s and 4 s"; }
	tp_cmd "stop" >/dev/null
	hv_ctl gen 0 stop >/dev/null
	tp_cmd "show port stats 0" >/dev/null
	missed=$(tp_stat "$TP_OUT" RX-missed)
	[ -n "$missed" ] && [ "$missed" -gt 0 ] || fail "$MODE: RX-missed '$missed', expected some"
	tp_quit
	echo "$MODE: tx went on with rx never polled: $((b - a)) frames in 2 s, $missed received frames missed"
}

# unexpected: tx_q0_unexpected_completions, as testpmd shows it, into UNEXP
unexpected() {
	tp_cmd "show port xstats 0" >/dev/null
	UNEXP=$(printf '%s\n' "$TP_OUT" | sed -n 's/^tx_q0_unexpected_completions: *\([0-9]*\)$/\1/p')
}

# run_stale MODE: a completion naming a send's slot but not the send (as
# an earlier queue's late one, or a repeated one, would) while that send is
# in flight: the first send of a new queue (slot 0) held by the host, and
# hvsim's complete-id fault naming slot 0 as a bare index (16). Judges:
# testpmd's xstat says unexpected; once hvsim has let the real completion
# go, the PMD takes it: no descriptor is left in flight (FULL), and the
# count of unexpected ones stays at 1.
#
# shown to fail by: netvsc_tx.c netvsc_tx_completion without its send
# number test -> "pa stale: unexpected completions after a stale one for
# slot 0: got '0', want '1'".
run_stale() {
	MODE="$1 stale"
	start "$1" "gen:count=1,hold" "" --rxq=1 --txq=1 --txd=$TXD
	hv_ctl fault 0 withhold-completions >/dev/null || fail "$MODE: arm withhold-completions"
	tp_cmd "set fwd io" >/dev/null
	tp_cmd "start" >/dev/null
	hv_ctl gen 0 start >/dev/null || fail "$MODE: gen start"
	hv_wait ' withhold-completions armed [0-9]+ fired 1$' 50 || fail "$MODE: the host holds no send"
	hv_ctl fault 0 complete-id 16 >/dev/null || fail "$MODE: arm complete-id"
	hv_wait ' complete-id [a-z]+ 16 fired 1$' 50 || fail "$MODE: complete-id did not fire"
	sleep 0.3
	unexpected
	expect_eq "$MODE: unexpected completions after a stale one for slot 0" "$UNEXP" 1
	hv_ctl fault 0 clear >/dev/null || fail "$MODE: clear the faults"
	hv_wait ' completions_deferred 0( |$)' 50 || fail "$MODE: hvsim still defers completions"
	hv_wait "^gen: sent 1, back 1," 50 || fail "$MODE: gen: $(hv_gen_line)"
	status_is txq $((TXD - 1)) DONE "once the host let the real completion go"
	unexpected
	expect_eq "$MODE: unexpected completions once the send completed" "$UNEXP" 1
	tp_quit
	echo "$MODE: a stale completion for an in-flight slot refused, the real one taken"
}

# rss_key: the RSS key testpmd shows for port 0, into KEY (80 hex digits)
rss_key() {
	tp_cmd "show port 0 rss-hash key" >/dev/null
	KEY=$(printf '%s\n' "$TP_OUT" | grep -oiE '^[0-9a-f]{80}$' | head -1)
}

# run_rss_refused MODE: a new RSS key the host refuses (hvsim's fail-set
# fault fails the SET of its RSS parameters): the port keeps the key the
# host has, as a refused RETA update keeps its table. Judge: the key testpmd
# reads back (rte_eth_dev_rss_hash_conf_get) before and after.
#
# shown to fail by: netvsc_rss.c netvsc_rss_hash_set without its rollback
# -> "pa rss-refused: the key after a refused update" (the new key shown).
run_rss_refused() {
	local new=000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F2021222324252627
	MODE="$1 rss-refused"
	TP_HVSIM_OPTS=(--queues 4)
	start "$1" sink "" --rxq=4 --txq=4
	TP_HVSIM_OPTS=()
	rss_key
	[ -n "$KEY" ] || { tp_dump; fail "$MODE: no RSS key shown"; }
	local old=$KEY
	hv_ctl fault 0 fail-set >/dev/null || fail "$MODE: arm fail-set"
	tp_cmd "port config 0 rss-hash-key ipv4 $new" >/dev/null
	hv_wait ' fail-set [a-z]+ [0-9]+ fired 1$' 50 || fail "$MODE: fail-set did not fire"
	rss_key
	expect_eq "$MODE: the key after a refused update" "$KEY" "$old"
	tp_cmd "port config 0 rss-hash-key ipv4 $new" >/dev/null	# the host takes it now
	rss_key
	expect_eq "$MODE: the key after an update the host took" "$KEY" "$new"
	tp_quit
	echo "$MODE: a refused RSS key left the old one in place; a taken one replaced it"
}

# run_deferred MODE: queues start with the port only, so a deferred start
# (testpmd: port 0 rxq|txq 0 deferred_start on) is refused at queue setup
# and the port does not start; off again, it starts. Judge: testpmd's own
# report of the setup that failed, and of the start.
# shown to fail by: the check removed from queue setup -> "port started
# with rxq 0's deferred start on".
run_deferred() {
	local q n
	MODE="$1 deferred"
	start "$1" "gen:count=0" ""
	for q in rxq txq; do
		n=$(grep -c "^Fail to configure port 0 ${q%q} queues" "$TP_DIR/err")
		tp_cmd "port stop 0" >/dev/null
		tp_cmd "port 0 $q 0 deferred_start on" >/dev/null
		tp_cmd "port start 0" >/dev/null
		[ "$(grep -c "^Fail to configure port 0 ${q%q} queues" "$TP_DIR/err")" -gt "$n" ] ||
			{ tp_dump; fail "$MODE: port started with $q 0's deferred start on"; }
		tp_cmd "port 0 $q 0 deferred_start off" >/dev/null
		n=$(grep -c '^Fail to' "$TP_DIR/err")
		tp_cmd "port start 0" >/dev/null
		# testpmd names the port's MAC once it started
		printf '%s\n' "$TP_OUT" | grep -qE '^Port 0: ([0-9A-F]{2}:){5}[0-9A-F]{2}$' &&
			[ "$(grep -c '^Fail to' "$TP_DIR/err")" -eq "$n" ] ||
			{ tp_dump; fail "$MODE: port did not start with $q 0's deferred start off"; }
	done
	tp_quit
	echo "$MODE: deferred start refused at rx and tx queue setup, the port started without it"
}

first=${MODES%% *}
for m in $MODES; do
	# Control-path cases: one mode (PA as root) is enough, the data path runs in each.
	if [ "$m" = "$first" ]; then
		run_deferred "$m"
		run_rss_refused "$m"
		run_stale "$m"
		run_txonly "$m"
		run_full "$m"
	fi
	run_restart "$m"
	run_release "$m"
	run_sizes "$m"
	run_case "$m" copy
	run_case "$m" gpa
	run_segments "$m"
done
echo "our PMD: queue info, rx count, descriptor status, tx cleanup and segment limits judged in modes: $MODES"
