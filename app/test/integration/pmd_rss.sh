#!/usr/bin/env bash
# Receive-side scaling into our netvsc PMD (the distro's: conformance/
# distro_rss.sh): hvsim grants the subchannels and delivers each of gen's
# 64 flows (`srcip`: flow f from 198.19.0.f port 1024+f to 198.18.0.2 port
# 5000) on channel table[hash % 128], hashed with the key our PMD sends by
# default (6d 5a 56 da ..., rndis.md 5.7). testpmd asks for every hash type
# the port offers (`port config all rss all`), then rxonly, `set verbose 1`.
#
#   case      hvsim        port offers (show port 0 rss-hash)  hashed on
#   tcp       -            ipv4-tcp, no ipv4-udp               4-tuple
#   udp       -            ipv4-tcp, no ipv4-udp               address pair
#   udp-host  --rss-udp    ipv4-tcp and ipv4-udp               4-tuple
#
# each over 4 and 8 queues, and udp over 1 queue, in PA and VA mode; and
# over 4 queues, TCP, after what a running port goes through:
#
#   mtu       the MTU changed while stopped (the driver starts a new host
#             session, which hvsim, like a fresh RNDIS miniport, starts with
#             RSS off: the port must send it again)
#   reta      a reversed table (`port config 0 rss reta`), then the hash
#             types set again (`port config all rss all`: the table stays)
#   table     hvsim reporting an indirection table of 64 entries (VA) or
#             256 (PA) (--rss-table; OpenVMM's netvsp passes on its
#             backend's, MANA's 64..512, and cuts or repeats a table of
#             another size): the port must report that size (`show port
#             info 0`), and a table of that size set in runs of entries
#             (`port config 0 rss reta`) is what the host hashes with
#             (shown to fail by: netvsc_rss.c sending 128 entries as
#             before -> "pa: table: 4 queues: the port reports a table of
#             128 entries, the host's has 256"; without that check, "va:
#             table: 4 queues: RSS judge", the host keeping half the runs)
#   refused   a new key the host refuses (hvsim's fail-set: the SET not
#             carried out); the judge hashes with the key the port then
#             reports (`show port 0 rss-hash key`), so a port that claims
#             the refused key fails against hvsim's hashes (shown to fail
#             by: netvsc_rss.c netvsc_rss_hash_set without its rollback ->
#             "pa: refused: 4 queues: RSS judge")
#
# Judge
# (app/test/lib/rss_judge.py, its own Toeplitz): every queue received
# frames, all of them TCP or UDP as sent; every printed hash is one of the
# 64 flows' Toeplitz hashes over the tuple above, on queue
# reta[hash % 128] = (hash % 128) % queues; all 64 flows seen.
. "$(dirname "$0")/../lib/common.sh"

N=${N:-512}
MS_KEY=6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa
REFUSED_KEY=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324252627

# Lines of FILE matching PATTERN; 0 while FILE does not exist yet.
count_lines() { local n; n=$(grep -c -- "$1" "$2" 2>/dev/null); echo "${n:-0}"; }

# wait_count PATTERN FILE MIN SECONDS: until FILE has MIN lines matching.
wait_count() {
	local end=$((SECONDS + $4))
	while [ "$(count_lines "$1" "$2")" -lt "$3" ] && [ $SECONDS -lt $end ]; do
		sleep 0.2
	done
	[ "$(count_lines "$1" "$2")" -ge "$3" ]
}

# check_offered NAME OUT HOST_UDP: the hash types testpmd's port reports.
check_offered() {
	local name=$1 out=$2 host_udp=$3 types
	wait_count 'RSS functions:' "$out" 1 20 || { tail -20 "$out"; fail "$name: no rss-hash"; }
	sleep 0.3
	# one type name a line
	types=$(sed -n '/RSS functions:/,/testpmd>/p' "$out" | grep -v 'RSS functions:\|testpmd>' |
		tr -s ' \t' '\n\n' | grep .)
	echo "$name: port 0 hashes:" $types
	grep -qx 'ipv4-tcp' <<<"$types" || fail "$name: no ipv4-tcp (the host offers it)"
	grep -qx 'ipv4' <<<"$types" || fail "$name: no ipv4 (the address pair)"
	if [ "$host_udp" = 1 ]; then
		grep -qx 'ipv4-udp' <<<"$types" || fail "$name: host offers UDP types, no ipv4-udp"
	else
		grep -qx 'ipv4-udp\|ipv6-udp\|udp' <<<"$types" &&
			fail "$name: UDP 4-tuple claimed; the host offers no UDP hash types"
	fi
	return 0
}

# The table QUEUES - 1 - i % QUEUES, 8 entries a command (testpmd reads the
# list as one token of at most 128 characters).
reta_reversed() {
	local q=$1 i cmd
	for i in $(seq 0 127); do
		[ $((i % 8)) = 0 ] && cmd="port config 0 rss reta "
		cmd+="($i,$((q - 1 - i % q)))"
		[ $((i % 8)) = 7 ] && echo "$cmd" || cmd+=","
	done
}

# The table i * QUEUES / SIZE (QUEUES runs), 8 entries a command.
reta_blocks() {
	local q=$1 size=$2 i cmd
	for i in $(seq 0 $((size - 1))); do
		[ $((i % 8)) = 0 ] && cmd="port config 0 rss reta "
		cmd+="($i,$((i * q / size)))"
		[ $((i % 8)) = 7 ] && echo "$cmd" || cmd+=","
	done
}

# reta_size NAME OUT: the table size port 0 reports (show port info 0).
reta_size() {
	local name=$1 out=$2
	wait_count 'Redirection table size:' "$out" 1 10 || { tail -20 "$out"; fail "$name: no port info"; }
	grep -m1 'Redirection table size:' "$out" | grep -o '[0-9]*$'
}

# run_case MODE QUEUES tcp|udp|udp-host|mtu|reta|table|refused
run_case() {
	local mode=$1 q=$2 kind=$3 start=$SECONDS
	local name="$mode: $kind: $q queues" out=$TMP/rss-$1-$2-$3.log
	local run=/dev/shm/hvsim-pmdrss.$$.$1.$2.$3
	local nic="gen:flows=64,srcip,count=$N,hold" hv_opts=(--queues "$q") tuple=2 l4=udp
	local judge_opts=() key=$MS_KEY host_table=128 size
	case $kind in
	tcp|mtu) nic+=",tcp"; tuple=4; l4=tcp ;;
	reta) nic+=",tcp"; tuple=4; l4=tcp; judge_opts=(--reta-reversed) ;;
	refused) nic+=",tcp"; tuple=4; l4=tcp ;;
	table) nic+=",tcp"; tuple=4; l4=tcp; host_table=$([ "$mode" = va ] && echo 64 || echo 256)
	       hv_opts+=(--rss-table "$host_table") ;;
	udp-host) hv_opts+=(--rss-udp); tuple=4 ;;
	esac
	mkfifo "$TMP/in-$mode-$q-$kind"
	timeout --kill-after=5 60 "$HVSIM" run --run-dir "$run" "${hv_opts[@]}" --nic "$nic" -- \
		stdbuf -o0 "$TESTPMD" $(eal_args "$mode") -d "$PLUGIN_BUILD/drivers" \
		-d "$PLUGIN_BUILD/subprojects/dpdk/drivers/librte_mempool_ring.so" \
		-- --total-num-mbufs=16384 --rxq="$q" --txq="$q" -i \
		<"$TMP/in-$mode-$q-$kind" >"$out" 2>&1 &
	local hv=$!
	at_exit "kill $hv 2>/dev/null"
	at_exit "rm -rf $run"
	exec 3>"$TMP/in-$mode-$q-$kind"
	wait_count 'testpmd>' "$out" 1 30 || { cat "$out"; fail "$name: testpmd did not come up"; }
	if [ "$q" -gt 1 ]; then
		echo "port config all rss all" >&3
		echo "show port 0 rss-hash" >&3
		check_offered "$name" "$out" "$([ "$kind" = udp-host ] && echo 1 || echo 0)"
	fi
	case $kind in
	mtu) printf 'port stop all\nport config mtu 0 3000\nport start all\n' >&3 ;;
	reta) reta_reversed "$q" >&3; echo "port config all rss all" >&3 ;;
	table)
		echo "show port info 0" >&3
		size=$(reta_size "$name" "$out")
		reta_blocks "$q" "$size" >&3
		judge_opts=(--reta-size "$size" --reta-blocks) ;;
	refused)
		"$HVSIM" ctl --run-dir "$run" fault 0 fail-set >/dev/null || fail "$name: arm fail-set"
		echo "port config 0 rss-hash-key ipv4-tcp $REFUSED_KEY" >&3
		echo "show port 0 rss-hash key" >&3
		wait_count '^[0-9A-Fa-f]\{80\}$' "$out" 1 10 || { tail -20 "$out"; fail "$name: no key shown"; }
		key=$(grep -m1 '^[0-9A-Fa-f]\{80\}$' "$out" | tr 'A-F' 'a-f')
		# The judge below means something only if the host refused that SET.
		for _ in $(seq 1 20); do
			"$HVSIM" ctl --run-dir "$run" counters | grep -qE '^nic0 fault fail-set .*fired 1$' &&
				break
			sleep 0.1
		done
		"$HVSIM" ctl --run-dir "$run" counters | grep -qE '^nic0 fault fail-set .*fired 1$' ||
			fail "$name: hvsim's fail-set did not fire" ;;
	esac
	echo "set verbose 1" >&3
	echo "set fwd rxonly" >&3
	echo "start" >&3
	wait_count 'packet forwarding.* - ports=' "$out" 1 10 || true
	sleep 0.5
	"$HVSIM" ctl --run-dir "$run" gen 0 start >/dev/null || fail "$name: gen start"
	wait_count 'src=' "$out" "$N" 20 ||
		echo "$name: only $(grep -c 'src=' "$out") of $N printed"
	echo "stop" >&3
	echo "quit" >&3
	exec 3>&-
	wait $hv || { tail -40 "$out"; fail "$name: hvsim/testpmd exited with an error"; }
	python3 "$TOP/app/test/lib/rss_judge.py" "$q" "$out" "$key" \
		--tuple "$tuple" --l4 "$l4" "${judge_opts[@]}" ||
		{ tail -40 "$out"; fail "$name: RSS judge"; }
	[ "$kind" != table ] || [ "$size" = "$host_table" ] ||
		fail "$name: the port reports a table of $size entries, the host's has $host_table"
	echo "ok: $name: every queue got frames, $tuple-tuple hash and queue as the" \
	     "spec says ($((SECONDS - start)) s)"
}

[ -x "$TESTPMD" ] || skip "our testpmd is not built"
python3 "$TOP/app/test/lib/toeplitz.py" --self-test >/dev/null ||
	fail "the judge's Toeplitz does not match the published vectors"
plugin_build_dir
modes=$(test_modes)
case $modes in *pa*) hugepages_reserve 256 ;; esac
for m in $modes; do
	run_case "$m" 1 udp
	for kind in tcp udp udp-host; do
		for q in 4 8; do
			run_case "$m" "$q" "$kind"
		done
	done
	run_case "$m" 4 mtu
	run_case "$m" 4 reta
	run_case "$m" 4 table
	run_case "$m" 4 refused
done
echo "our PMD: hvsim spread gen's 64 TCP and UDP flows over 1, 4 and 8 queues by Toeplitz" \
     "hash on the tuple the host grants, also after an MTU change, a table set and with" \
     "the host's table size ($modes)"
