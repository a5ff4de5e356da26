#!/usr/bin/env bash
# sanitizer: yes
# testpmd's forwarding engines mac, macswap, csum, txonly and rxonly over our
# netvsc PMD (io is pmd_gen_io's, icmpecho pmd_tap's), in PA mode (hugepages,
# as on Hyper-V) and VA mode. One hvsim with seven NICs, one testpmd; each
# phase forwards on its own ports (`set portlist`, loop topology: a port
# sends back out of itself), the others sit idle:
#
#   phase    NIC (backend)                  testpmd engine
#   mac      nic0 gen 64 B    <-> port --> mac     (frames back to gen)
#            nic5 pcap in/out <-> port --> mac     (MACs judged in out.pcap)
#   macswap  nic1 gen 1518 B  <-> port --> macswap (four frames to a send section)
#            nic6 pcap in/out <-> port --> macswap
#   csum     nic2 gen 512 B, badcsum <-> port --> csum, IP/UDP checksum by hw
#   rxonly   nic3 gen 256 B    --> port --> rxonly
#   txonly   nic4 sink        <--  port <-- txonly
#
# Judges: gen checks every returned frame's sequence number, payload CRC,
# IP header checksum and UDP checksum (it ignores MACs, which the engines
# rewrite); python3 compares the pcap captures byte for byte outside the
# MACs and checks the MACs the engine must have written; sink checks
# testpmd's txonly frames' IP header and lengths; in the csum phase hvsim
# counts the frames whose checksums it filled on request. testpmd's per-port
# counters must equal what hvsim says crossed the NIC, and the mempool's
# in-use count must be back to its start once the ports are stopped.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/mbuf_check.sh"

command -v python3 >/dev/null || skip "python3 is needed to write and judge captures"

N=$((SANITIZED ? 10000 : 50000))	# frames per gen phase (fewer: the instrumented build is slow)
# Gen's rate. Far below what the PMD forwards: when the forwarding lcore is
# descheduled, frames pile up in the receive ring ahead of send completions,
# and a tx burst cannot reap those past a full rx pending queue (drops).
RATE=$(pace 25000)
BADCSUM_EVERY=10	# csum phase: every 10th frame arrives with a wrong UDP checksum
TXONLY_LEAST=50000	# txonly: stop once the sink has this many
PCAP_FRAMES=32
PEER_MAC=02:5e:ed:00:00:99	# what `set eth-peer` gives the mac engine

# Capture $1 of $PCAP_FRAMES frames to NIC $2's MAC, sizes 60..215, a
# local-experimental ethertype and a per-frame byte pattern.
write_input() {
	python3 - "$1" "$2" "$PCAP_FRAMES" <<'PY'
import struct, sys
path, nic, nb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i in range(nb):
        size = 60 + i * 5
        eth = bytes([0x00, 0x15, 0x5d, 0, 0, nic + 1, 0x02, 0xab, 0, 0, nic, i]) \
            + struct.pack(">H", 0x88b5)
        frame = eth + bytes((i * 7 + k) & 0xff for k in range(size - len(eth)))
        f.write(struct.pack("<IIII", 1700000000, i, len(frame), len(frame)))
        f.write(frame)
PY
}

# Capture $2 holds $1's frames in order, unchanged after the MACs, with the
# MACs engine $3 writes: mac sets dst $4 and src $5, macswap swaps them.
judge_capture() {
	python3 - "$@" <<'PY'
import struct, sys
inp, out, engine = sys.argv[1:4]
def frames(path):
    data = open(path, "rb").read()
    e = "<" if struct.unpack("<I", data[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    off, res = 24, []
    while off < len(data):
        incl, orig = struct.unpack(e + "II", data[off + 8:off + 16])
        assert incl == orig and off + 16 + incl <= len(data), path + ": bad record"
        res.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return res
mac = lambda s: bytes.fromhex(s.replace(":", ""))
a, b = frames(inp), frames(out)
if len(a) != len(b):
    sys.exit("%s: %d frames in, %d out" % (engine, len(a), len(b)))
for i, (x, y) in enumerate(zip(a, b)):
    want = mac(sys.argv[4]) + mac(sys.argv[5]) if engine == "mac" else x[6:12] + x[0:6]
    if len(x) != len(y) or x[12:] != y[12:]:
        sys.exit("%s: frame %d changed after the MACs" % (engine, i))
    if y[:12] != want:
        sys.exit("%s: frame %d carries MACs %s, expected %s" % (engine, i, y[:12].hex(), want.hex()))
print("%s: %d frames back with the MACs %s writes, the rest unchanged" % (engine, len(b), engine))
PY
}

# fail(), with the end of testpmd's log: the run's files go with $TMP.
die() {
	[ -n "${OUT:-}" ] && [ -f "$OUT" ] && testpmd_log_joined "$OUT" | tail -40 | sed 's/^/  testpmd| /'
	fail "$@"
}
tp() { echo "$*" >&3; }
ctl() { bounded 10 "$HVSIM" ctl --run-dir "$RUN" "$@"; }

# hvsim's counters of NIC $1: its "nicK tx_frames ..." line and backend report.
nic_counters() {
	ctl counters | awk -v nic="nic$1" '
		$1 == nic && $2 == "tx_frames" { on = 1; print; next }
		on && (/^nic[0-9]+ / || /^hvsim host:/ || /^  dev/) { exit }
		on { print }'
}
# One field of nicK's counter line: tx_frames (guest tx) or rx_frames (guest rx).
nic_frames() { nic_counters "$1" | awk -v f="$2" '{ for (i = 1; i < NF; i++) if ($i == f) print $(i + 1) }' | head -1; }
# Sum of a host counter over the channels of device $1 (NICs are devices 0..6).
host_counter() {
	ctl counters | awk -v dev="dev$1." -v name="$2" '
		index($1, dev) == 1 && $2 == name { n += $3 } END { print n + 0 }'
}

# What hvsim knows about NIC $1, for a wait that timed out.
diagnose() {
	echo "$CASE: hvsim counters of nic$1:"
	ctl counters | awk -v nic="nic$1" -v dev="dev$1." -v uuid="${NIC_UUID[$1]}" '
		$1 == nic && $2 == "tx_frames" { on = 1 }
		on && /^nic[0-9]+ / && $1 != nic { on = 0 }
		on || index($1, dev) == 1 || index($0, uuid) > 0' | sed 's/^/    /'
}

# Poll "$@" every 0.2 s for up to $1 s; returns as soon as it succeeds.
wait_for() {
	local secs=$1 i; shift
	for ((i = 0; i < secs * 5; i++)); do "$@" && return 0; sleep 0.2; done
	"$@"
}
log_count() { testpmd_log_joined "$OUT" | grep -c -- "$1"; }
log_count_above() { [ "$(log_count "$1")" -gt "$2" ]; }
gen_done() { nic_counters "$1" | grep -q "gen: sent $2, back $2,"; }
frames_at_least() { local n; n=$(nic_frames "$1" "$2"); [ "${n:-0}" -ge "$3" ]; }
rx_delivered() {
	[ "$(nic_frames "$1" rx_frames)" = "$2" ] &&
		ctl counters | grep -q "hvsim host: $3 .*rxbuf_slots_busy 0 "
}

# testpmd's last forward statistics of port $1:
# "RX RX-dropped TX TX-dropped Bad-ipcsum Bad-l4csum RX-error RX-nombufs".
port_stats() {
	testpmd_log_joined "$OUT" | awk -v p="$1" '
		/Forward statistics for port/ { on = ($6 == p); if (on) bip = bl4 = err = nombuf = 0; next }
		on && /RX-packets:/ { rx = $2; rxd = $4 }
		on && /Bad-ipcsum:/ { bip = $2; bl4 = $4 }
		on && /RX-error:/ { err = $2 }
		on && /RX-nombufs:/ { nombuf = $2 }
		on && /TX-packets:/ { tx = $2; txd = $4; on = 0 }
		END { print rx + 0, rxd + 0, tx + 0, txd + 0, bip + 0, bl4 + 0, err + 0, nombuf + 0 }'
}

# start ENGINE on PORTS (comma list); returns once testpmd forwards with it.
# A busy host completes sends late: tx retries rather than drops (rxonly has
# no tx, and testpmd refuses "retry" for it).
fwd_start() {
	local engine=$1 ports=$2 before retry=" retry" started
	[ "$engine" = rxonly ] && retry=
	started="^$engine packet forwarding${retry:+ with retry} - ports="
	before=$(log_count "$started")
	tp "set portlist $ports"
	tp "set fwd $engine$retry"
	tp "start"
	wait_for 20 log_count_above "$started" "$before" ||
		die "$CASE: testpmd did not start forwarding with $engine$retry"
}
fwd_stop() {
	local before
	before=$(log_count 'Accumulated forward statistics')
	tp "stop"
	wait_for 20 log_count_above 'Accumulated forward statistics' "$before" ||
		die "$CASE: stop printed no statistics"
}

# testpmd port $1 received $2 and sent $3 frames, none dropped; hvsim saw the same on NIC $4.
expect_port() {
	local port=$1 rx=$2 tx=$3 nic=$4 s
	s=($(port_stats "$port"))
	echo "$CASE: port $port rx ${s[0]} (dropped ${s[1]}) tx ${s[2]} (dropped ${s[3]});" \
		"hvsim nic$nic guest rx $(nic_frames "$nic" rx_frames) tx $(nic_frames "$nic" tx_frames)"
	[ "${s[0]}" = "$rx" ] && [ "${s[1]}" = 0 ] || die "$CASE: port $port RX ${s[0]}, expected $rx"
	[ "${s[6]}" = 0 ] && [ "${s[7]}" = 0 ] ||
		die "$CASE: port $port RX-error ${s[6]}, RX-nombufs ${s[7]}"
	[ "${s[2]}" = "$tx" ] && [ "${s[3]}" = 0 ] || die "$CASE: port $port TX ${s[2]}, expected $tx"
	[ "$(nic_frames "$nic" rx_frames)" = "$rx" ] ||
		die "$CASE: hvsim delivered $(nic_frames "$nic" rx_frames) frames on nic$nic, testpmd got $rx"
	[ "$(nic_frames "$nic" tx_frames)" = "$tx" ] ||
		die "$CASE: hvsim took $(nic_frames "$nic" tx_frames) frames on nic$nic, testpmd sent $tx"
}
expect_gen() {
	local nic=$1 sent=$2 back=$3 line
	line=$(nic_counters "$nic" | grep '^gen:')
	echo "$CASE: nic$nic $line"
	[ "$line" = "gen: sent $sent, back $back, lost 0, reordered 0, dup 0, corrupt 0, foreign 0" ] ||
		die "$CASE: gen on nic$nic did not get its frames back intact"
}

# Gen frames out of NIC $1 and back through testpmd's ENGINE $2; with the pcap NIC $3
# in the same phase when $3 is set.
phase_gen_loop() {
	local nic=$1 engine=$2 pnic=${3:-} ports=${PORT[$1]}
	[ -n "$pnic" ] && ports=$ports,${PORT[$pnic]}
	fwd_start "$engine" "$ports"
	ctl gen "$nic" start >/dev/null || die "$CASE: gen $nic start"
	[ -n "$pnic" ] && { ctl gen "$pnic" start >/dev/null || die "$CASE: pcap $pnic start"; }
	wait_for $((N / RATE * 3 + 30)) gen_done "$nic" "$N" ||
		{ echo "$CASE: $engine: gen on nic$nic never got all frames back"; diagnose "$nic"; }
	[ -z "$pnic" ] || wait_for 20 frames_at_least "$pnic" tx_frames "$PCAP_FRAMES"
	fwd_stop
	expect_gen "$nic" "$N" "$N"
	expect_port "${PORT[$nic]}" "$N" "$N" "$nic"
	[ -z "$pnic" ] || expect_port "${PORT[$pnic]}" "$PCAP_FRAMES" "$PCAP_FRAMES" "$pnic"
}

phase_csum() {
	local nic=2 port=${PORT[2]} s filled
	phase_gen_loop "$nic" csum ""
	s=($(port_stats "$port"))
	echo "$CASE: csum: port $port bad-ipcsum ${s[4]} bad-l4csum ${s[5]}"
	# The PMD must pass on hvsim's checksum verdict: gen spoils the UDP
	# checksum of every 10th frame. hvsim flags the IP checksum of such a
	# frame failed too (one "bad" for the frame), so IP may count them as well.
	[ "${s[5]}" = $((N / BADCSUM_EVERY)) ] ||
		die "$CASE: csum: ${s[5]} frames flagged with a bad L4 checksum, expected $((N / BADCSUM_EVERY))"
	[ "${s[4]}" = 0 ] || [ "${s[4]}" = $((N / BADCSUM_EVERY)) ] ||
		die "$CASE: csum: testpmd saw ${s[4]} bad IP checksums"
	# Every frame went out asking for checksums and hvsim computed them: the
	# spoilt ones reached gen good again (gen accepts either, so count here).
	filled=$(host_counter "$nic" tx_csum_filled)
	echo "$CASE: csum: hvsim filled checksums of $filled frames"
	[ "$filled" = "$N" ] || die "$CASE: csum: hvsim filled checksums of $filled frames, not $N"
	[ "$(host_counter "$nic" tx_bad_offload)" = 0 ] || die "$CASE: csum: bad offload requests"
}

phase_rxonly() {
	local nic=3
	fwd_start rxonly "${PORT[$nic]}"
	ctl gen "$nic" start >/dev/null || die "$CASE: gen $nic start"
	wait_for $((N / RATE * 3 + 30)) rx_delivered "$nic" "$N" "${NIC_UUID[$nic]}" ||
		{ echo "$CASE: rxonly: hvsim did not deliver every frame"; diagnose "$nic"; }
	sleep 0.5	# the frames the last completions freed reach testpmd in the same burst
	fwd_stop
	expect_gen "$nic" "$N" 0
	expect_port "${PORT[$nic]}" "$N" 0 "$nic"
}

phase_txonly() {
	local nic=4 port=${PORT[4]} s line
	fwd_start txonly "$port"
	wait_for 60 frames_at_least "$nic" tx_frames "$TXONLY_LEAST" ||
		die "$CASE: txonly: sink got $(nic_frames "$nic" tx_frames) frames in 60 s"
	fwd_stop
	s=($(port_stats "$port"))
	[ "${s[2]}" -gt 0 ] || die "$CASE: txonly: testpmd sent nothing"
	# Frames the PMD accepted are in the ring: hvsim takes them all shortly.
	wait_for 20 frames_at_least "$nic" tx_frames "${s[2]}"
	line=$(nic_counters "$nic" | grep '^sink:')
	echo "$CASE: txonly: port $port tx ${s[2]} (dropped ${s[3]}); nic$nic $line"
	[ "$(nic_frames "$nic" tx_frames)" = "${s[2]}" ] ||
		die "$CASE: txonly: hvsim took $(nic_frames "$nic" tx_frames) frames, testpmd sent ${s[2]}"
	[ "$line" = "sink: frames ${s[2]}, ours 0 (lost 0, reordered 0, corrupt 0), foreign ${s[2]} (bad checksum 0)" ] ||
		die "$CASE: txonly: sink found bad frames"
	[ "$(nic_frames "$nic" rx_frames)" = 0 ] || die "$CASE: txonly: sink sent frames"
}

# Port of each NIC from testpmd's "Port P: MAC" lines (hvsim gives nicK 00:15:5D:00:00:<K+1>).
map_ports() {
	local p mac k
	PORT=()
	while read -r p mac; do
		k=$((16#${mac##*:} - 1))
		[ "${mac%:*}" = "00:15:5D:00:00" ] || die "$CASE: port $p has MAC $mac"
		PORT[$k]=$p
		PORT_MAC[$k]=$mac
	done < <(testpmd_log_joined "$OUT" | sed -n 's/^Port \([0-9]*\): \([0-9A-F:]*\)$/\1 \2/p')
	for k in 0 1 2 3 4 5 6; do
		[ -n "${PORT[$k]:-}" ] || die "$CASE: no testpmd port for nic$k"
		NIC_UUID[$k]=${NIC_UUID0%0}$k
	done
}

run_case() {
	local mode=$1 fifo=$TMP/in-$1 csum_port
	CASE=$mode
	RUN=/dev/shm/hvsim-fwdmodes.$$.$mode
	OUT=$TMP/fwd-modes-$mode.log
	cd "$TMP" || die "cd $TMP"
	write_input "mac-$mode.pcap" 5
	write_input "swap-$mode.pcap" 6
	mkfifo "$fifo"
	# testpmd's stdout line-buffered: its counters are read while it runs.
	# Its own deadline: both modes stay within run-tests.sh's 300 s.
	timeout --kill-after=5 120 "$HVSIM" run --run-dir "$RUN" \
		--nic "gen:count=$N,size=64,rate=$RATE,hold" \
		--nic "gen:count=$N,size=1518,rate=$RATE,hold" \
		--nic "gen:count=$N,size=512,rate=$RATE,badcsum=$BADCSUM_EVERY,hold" \
		--nic "gen:count=$N,size=256,rate=$RATE,hold" \
		--nic sink \
		--nic "pcap:mac-$mode.pcap,mac-$mode.out.pcap,hold" \
		--nic "pcap:swap-$mode.pcap,swap-$mode.out.pcap,hold" -- \
		stdbuf -oL "$TESTPMD" $(eal_args "$mode") -d "$PLUGIN_BUILD/drivers" \
		-d "$PLUGIN_BUILD/subprojects/dpdk/drivers/librte_mempool_ring.so" \
		-- --total-num-mbufs=16384 --port-topology=loop --no-flush-rx -i \
		<"$fifo" >"$OUT" 2>&1 &
	local hv=$!
	at_exit "kill $hv; wait $hv"	# before the hugepage directory is unmounted
	exec 3>"$fifo"
	wait_for 60 grep -q 'testpmd>' "$OUT" || { cat "$OUT"; die "$mode: testpmd did not come up"; }
	map_ports
	# A busy host completes sends late: retry rather than drop (not a speed test).
	tp "set burst tx delay 20 retry 5000"
	tp "set eth-peer ${PORT[0]} $PEER_MAC"
	tp "set eth-peer ${PORT[5]} $PEER_MAC"
	csum_port=${PORT[2]}
	tp "port stop $csum_port"
	tp "csum set ip hw $csum_port"
	tp "csum set udp hw $csum_port"
	tp "port start $csum_port"
	wait_for 20 grep -q 'UDP checksum offload is hw' "$OUT" ||
		die "$mode: port $csum_port refused UDP checksum offload"
	tp "dump_mempool"		# the mbuf baseline: ports started, no traffic yet
	phase_gen_loop 0 mac 5
	phase_gen_loop 1 macswap 6
	phase_csum
	phase_rxonly
	phase_txonly
	tp "port stop all"
	tp "dump_mempool"
	tp "quit"
	exec 3>&-
	wait $hv || { tail -20 "$OUT"; die "$mode: hvsim/testpmd exited with an error"; }
	judge_capture "mac-$mode.pcap" "mac-$mode.out.pcap" mac "$PEER_MAC" "${PORT_MAC[5]}" ||
		die "$mode: mac engine"
	judge_capture "swap-$mode.pcap" "swap-$mode.out.pcap" macswap ||
		die "$mode: macswap engine"
	mbuf_check_no_leak "$OUT" "$mode"
	cd / || true
}

plugin_build_dir
modes=$(test_modes)
case $modes in *pa*) hugepages_reserve 256 ;; esac
declare -a PORT PORT_MAC NIC_UUID
for m in $modes; do
	start=$SECONDS
	run_case "$m"
	echo "$m: done in $((SECONDS - start)) s"
done
echo "our PMD ran testpmd's mac, macswap, csum, rxonly and txonly engines, frames intact and counted, no mbuf leaked, in modes: $modes"
