#!/usr/bin/env bash
# Checksum offload and TSO of our PMD, judged by the Linux network stack:
#
#   netns A 10.201.x.1 TAP oa --hvsim tap--> nic0 -> port -> testpmd csum -> port -> nic1 --hvsim tap--> TAP ob 10.201.x.2 netns B
#                                  <--                                            <--
#
# The TAPs carry no virtio-net header, so Linux hands hvsim finished frames
# (<= 1514 bytes, checksums filled in). testpmd's csum engine (MACs left
# alone: `csum mac-swap off`) marks every IPv4 frame for IP checksum
# offload, every TCP/UDP one for L4 checksum offload, and with `tso set 800`
# every TCP frame with more than 800 bytes of payload (Linux sends 1448) for
# TSO. Our PMD turns those marks into checksum and LSOv2 PPIs; hvsim's host
# rewrites the checksums from scratch where the checksum PPI says, and cuts
# LSO frames into 800-byte segments with headers and checksums of its own.
# A wrong PPI (offsets, flags, MSS) makes hvsim write bad checksums or bad
# segments, which Linux counts and drops.
#
# Judges, per mode (PA with hugepages, VA):
#  - Linux: 4 MiB A -> B and 1 MiB B -> A over TCP, sha256 and length equal
#    at the receiver; 64 UDP datagrams of 1..1472 bytes A -> B, each echoed
#    back by B, contents checked at both ends; TcpInCsumErrors,
#    UdpInCsumErrors, IpInHdrErrors, IpExtInCsumErrors unchanged in A and B.
#  - TSO really happened: hvsim's tx_lso_sends on each NIC covers at least
#    half of the 1448-byte segments of the transfer towards it,
#    tx_lso_segments >= 2 x sends, and
#    B counted >= 1.3 x as many TCP segments in as A sent (800 < 1448).
#  - the checksum PPI was honoured: hvsim's tx_csum_filled >= the UDP
#    datagrams both ways; no hvsim bad/too-long counter; testpmd's csum
#    engine saw no frame the PMD marked as a bad checksum.
# Needs root (netns, TAP); private addresses inside the test's namespaces.
. "$(dirname "$0")/../lib/common.sh"

need_root "network namespaces and TAP devices"
command -v ip >/dev/null || skip "no ip(8)"
command -v python3 >/dev/null || skip "no python3"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
[ -x "$TESTPMD" ] || skip "our testpmd is not built"
[ -x "$HVSIM" ] || skip "hvsim not built"
PY=$(command -v python3)
MSS=800
MIB_AB=4
MIB_BA=1
NB_UDP=64
PROMPT='testpmd> '
trap 'exit 1' TERM

# --- testpmd through a fifo (one per mode) ---------------------------------

# Print what testpmd wrote past byte $1 up to the next prompt; 1 if none
# came within $2 s or testpmd is gone.
tp_wait_prompt() {
	local off=$1 end=$((SECONDS + $2)) text=
	while [ $SECONDS -le $end ]; do
		text=$(tail -c +$((off + 1)) "$OUT")
		case $text in *"$PROMPT"*) printf '%s\n' "${text%%"$PROMPT"*}"; return 0 ;; esac
		kill -0 "$HV" 2>/dev/null || break
		sleep 0.05
	done
	printf '%s\n' "$text"
	return 1
}

# tp CMD [SECS]: run a testpmd command; its output in TP_OUT.
tp() {
	local off
	off=$(stat -c %s "$OUT")
	printf '%s\n' "$1" >&"$FD"
	TP_OUT=$(tp_wait_prompt "$off" "${2:-15}") ||
		{ dump; fail "$MODE: testpmd: no prompt within ${2:-15} s after '$1'"; }
}

dump() {
	echo "--- testpmd/hvsim output (tail) ---"
	tail -40 "$OUT"
	echo "--- Linux error counters now (A, B) and hvsim's ---"
	for ns in "$NSA" "$NSB"; do
		ns_counters "$ns" | grep -E "^(Tcp|Udp|IpExt)InCsumErrors|^IpInHdrErrors" | tr '\n' ' '
		echo
	done
	bounded 10 "$HVSIM" ctl --run-dir "$TMP/hv-$MODE" counters 2>&1 |
		grep -E "tx_lso|tx_csum|bad|too_long" || true
}

# Stop timeout(1) (it leads hvsim and testpmd, and passes TERM on).
stop_run() {
	local pid=$1
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
	kill -KILL -- "-$pid" 2>/dev/null
}

# --- the Linux side ----------------------------------------------------------

# All counters of /proc/net/snmp and /proc/net/netstat in netns $1, one
# "TcpInCsumErrors 0" per line (nstat's names).
ns_counters() {
	ip netns exec "$1" cat /proc/net/snmp /proc/net/netstat | awk '
		{ p = $1; sub(":", "", p) }
		!(p in names) { names[p] = $0; next }
		{ n = split(names[p], h); for (i = 2; i <= n; i++) print p h[i], $i; delete names[p] }'
}

# counter FILE NAME
counter() { awk -v n="$2" '$1 == n { print $2; found = 1 } END { if (!found) print "none" }' "$1"; }

ns_if() {
	ip link set "$2" netns "$1" || fail "$MODE: cannot move $2 into $1"
	ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1" || true
	ip -n "$1" addr add "$3/24" dev "$2" || fail "$MODE: address $3 on $2"
	ip -n "$1" link set "$2" up || fail "$MODE: $2 up"
}

# tcp_transfer FROM_NS TO_NS TO_ADDR MIB WHAT: sha256 and length at the receiver
tcp_transfer() {
	local from=$1 to=$2 addr=$3 mib=$4 what=$5 data=$TMP/data.$MODE.$5 got=$TMP/got.$MODE.$5 srv t0 want
	head -c $((mib << 20)) /dev/urandom >"$data"
	want="$(sha256sum <"$data" | cut -d' ' -f1) $((mib << 20))"
	bounded 30 ip netns exec "$to" "$PY" -c '
import hashlib, socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[2], 5001)); s.listen(1); s.settimeout(25)
open(sys.argv[1] + ".ready", "w").close()
c, _ = s.accept(); c.settimeout(25)
h, n = hashlib.sha256(), 0
while True:
    d = c.recv(65536)
    if not d: break
    h.update(d); n += len(d)
open(sys.argv[1], "w").write("%s %d\n" % (h.hexdigest(), n))
' "$got" "$addr" &
	srv=$!
	for _ in $(seq 50); do [ -e "$got.ready" ] && break; sleep 0.1; done
	t0=$SECONDS
	bounded 30 ip netns exec "$from" "$PY" -c '
import socket, sys
s = socket.create_connection((sys.argv[2], 5001), timeout=25)
s.sendall(open(sys.argv[1], "rb").read()); s.close()
' "$data" "$addr" || { dump; fail "$MODE: $what: TCP sender failed"; }
	wait $srv || { dump; fail "$MODE: $what: TCP receiver failed"; }
	[ "$(cat "$got")" = "$want" ] ||
		{ dump; fail "$MODE: $what: receiver got '$(cat "$got")', sender sent '$want'"; }
	echo "ok: $MODE: $what: $mib MiB over TCP, sha256 and length equal ($((SECONDS - t0)) s)"
}

# udp_echo: NB_UDP datagrams of 1..1472 bytes A -> B, B echoes each; both
# ends check every byte. A datagram lost on the way is sent again (up to 8
# times): loss is not what this judges, the checksum counters are.
udp_echo() {
	local srv
	bounded 30 ip netns exec "$NSB" "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[2], 5002)); s.settimeout(15)
open(sys.argv[1] + ".ready", "w").close()
bad = 0
while True:
    d, peer = s.recvfrom(2048)
    if d == b"done": break
    seq = int.from_bytes(d[:4].ljust(4, b"\0"), "big") if len(d) >= 4 else len(d)
    want = bytes((seq * 7 + i) & 0xff for i in range(len(d)))
    if len(d) >= 4 and d[4:] != want[4:]: bad += 1
    s.sendto(d, peer)
s.sendto(b"done", peer)
sys.exit(1 if bad else 0)
' "$TMP/udp.$MODE" 10.201.$X.2 &
	srv=$!
	for _ in $(seq 50); do [ -e "$TMP/udp.$MODE.ready" ] && break; sleep 0.1; done
	bounded 30 ip netns exec "$NSA" "$PY" -c '
import socket, sys
n = int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(0.5)
resent = 0
for k in range(n):
    size = 1 + k * 1471 // (n - 1)
    seq = k if size >= 4 else size
    d = bytes((seq * 7 + i) & 0xff for i in range(size))
    if size >= 4: d = seq.to_bytes(4, "big") + d[4:]
    for t in range(8):
        s.sendto(d, (sys.argv[1], 5002))
        try:
            e = s.recv(2048)
        except socket.timeout:
            resent += 1; continue
        if e != d: sys.exit("datagram %d (%d bytes) came back changed" % (k, size))
        break
    else:
        sys.exit("datagram %d (%d bytes): no echo after 8 tries" % (k, size))
for t in range(8):
    s.sendto(b"done", (sys.argv[1], 5002))
    try:
        if s.recv(16) == b"done": break
    except socket.timeout:
        pass
print("udp: %d datagrams of 1..1472 bytes echoed intact, %d resent" % (n, resent))
' 10.201.$X.2 "$NB_UDP" || { dump; fail "$MODE: UDP echo A -> B -> A failed"; }
	wait $srv || { dump; fail "$MODE: UDP: B received a datagram with wrong contents"; }
	echo "ok: $MODE: UDP: $NB_UDP datagrams A -> B -> A intact"
}

# hv_sum NAME [DEV]: hvsim host counter NAME summed over the channels of
# device DEV (NIC DEV: "dev1.relid15 tx_lso_sends 2897"), or of all.
hv_sum() {
	printf '%s\n' "$HV_COUNTERS" | awk -v n="$1" -v d="dev${2:-}" \
		'$(NF - 1) == n && index($1, d) == 1 { s += $NF } END { print s + 0 }'
}

# ----------------------------------------------------------------------------

run_case() {
	MODE=$1 X=$2
	local start=$SECONDS a=oa$$$2 b=ob$$$2 p c v before after
	NSA=nvoA$$$2 NSB=nvoB$$$2
	OUT=$TMP/run-$MODE.log
	ip netns add "$NSA" || fail "ip netns add $NSA"
	at_exit "ip netns del $NSA"
	ip netns add "$NSB" || fail "ip netns add $NSB"
	at_exit "ip netns del $NSB"
	at_exit "ip link del $a; ip link del $b"
	mkfifo "$TMP/in-$MODE"
	: >"$OUT"
	exec {FD}<>"$TMP/in-$MODE"
	# stdbuf: testpmd's output must reach the file before its prompt does
	timeout --kill-after=5 60 "$HVSIM" run --run-dir "$TMP/hv-$MODE" \
		--nic "tap:$a" --nic "tap:$b" -- \
		stdbuf -o0 "$TESTPMD" $(eal_args "$MODE") -d "$PLUGIN_BUILD/drivers" \
		-d "$PLUGIN_BUILD/subprojects/dpdk/drivers/librte_mempool_ring.so" \
		-- -i --total-num-mbufs=32768 --rxd=4096 --txd=2048 \
		<"$TMP/in-$MODE" >"$OUT" 2>&1 &
	HV=$!
	at_exit "stop_run $HV"
	tp_wait_prompt 0 40 >/dev/null || { dump; fail "$MODE: testpmd did not reach its prompt"; }
	ns_if "$NSA" "$a" 10.201.$X.1
	ns_if "$NSB" "$b" 10.201.$X.2

	tp "port stop all" 30
	for p in 0 1; do
		for c in "csum set ip hw $p" "csum set tcp hw $p" "csum set udp hw $p" \
			 "csum parse-tunnel off $p" "csum mac-swap off $p" "tso set $MSS $p"; do
			tp "$c"
			case $TP_OUT in *[Ww]arning*|*[Ee]rror*|*"not supported"*)
				dump; fail "$MODE: '$c': $TP_OUT" ;;
			esac
		done
		tp "tso show $p"	# (only while the port is stopped)
		case $TP_OUT in *"is $MSS"*) ;; *) printf '%s\n' "$TP_OUT"
			fail "$MODE: port $p: TSO segment size is not $MSS" ;;
		esac
	done
	tp "port start all" 30
	for p in 0 1; do
		tp "show port $p tx_offload configuration"
		for v in IPV4_CKSUM UDP_CKSUM TCP_CKSUM TCP_TSO; do
			case $TP_OUT in *"$v"*) ;; *) printf '%s\n' "$TP_OUT"
				fail "$MODE: port $p: tx offload $v not configured" ;;
			esac
		done
	done
	echo "ok: $MODE: ports 0 and 1: IP/TCP/UDP checksum and TSO ($MSS) offloads on"
	tp "set promisc all on"
	tp "set fwd csum"
	tp "start"

	# the path is up once A reaches B (ARP through the guest)
	for v in $(seq 40); do
		ip netns exec "$NSA" ping -n -c 1 -W 1 10.201.$X.2 >/dev/null 2>&1 && break
		[ "$v" = 40 ] && { dump; fail "$MODE: A never reached B through the guest"; }
	done
	ns_counters "$NSA" >"$TMP/a0.$MODE"
	ns_counters "$NSB" >"$TMP/b0.$MODE"
	tcp_transfer "$NSA" "$NSB" 10.201.$X.2 $MIB_AB "A -> B"
	tcp_transfer "$NSB" "$NSA" 10.201.$X.1 $MIB_BA "B -> A"
	udp_echo
	ns_counters "$NSA" >"$TMP/a1.$MODE"
	ns_counters "$NSB" >"$TMP/b1.$MODE"
	HV_COUNTERS=$(bounded 10 "$HVSIM" ctl --run-dir "$TMP/hv-$MODE" counters 2>&1)
	tp "stop" 20
	local fwd=$TP_OUT
	printf '%s\n' "$TP_OUT" | grep -E "Forward statistics for port|RX-packets|Bad-ipcsum|Bad-l4csum" | head -8
	tp "show port xstats all" 20
	printf '%s\n' "$TP_OUT" | grep -E "rx_good_packets|tx_good_packets|errors: [1-9]" || true
	printf 'quit\n' >&"$FD"
	exec {FD}>&-
	for _ in $(seq 100); do kill -0 "$HV" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$HV" 2>/dev/null && { dump; fail "$MODE: hvsim/testpmd did not exit after quit"; }
	wait "$HV" || { dump; fail "$MODE: hvsim run exited with an error"; }
	grep -E '^hvsim: nic[01] ' "$OUT"

	# the Linux stacks found no bad checksum or header
	for ns in a b; do
		for c in TcpInCsumErrors UdpInCsumErrors IpInHdrErrors IpExtInCsumErrors; do
			before=$(counter "$TMP/${ns}0.$MODE" $c)
			after=$(counter "$TMP/${ns}1.$MODE" $c)
			[ "$before" != none ] || fail "$MODE: netns $ns has no counter $c"
			[ "$before" = "$after" ] ||
				fail "$MODE: netns $ns: $c went from $before to $after"
		done
	done
	echo "ok: $MODE: A and B: TcpInCsumErrors, UdpInCsumErrors, IpInHdrErrors, IpExtInCsumErrors unchanged"

	# TSO happened: hvsim cut LSO frames, B took in more segments than A sent
	local sends segs filled out_a in_b min_sends
	printf '%s\n' "$HV_COUNTERS" | grep -E "tx_lso|tx_csum|tx_frames|bad|too_long" || true
	p=$(printf '%s\n' "$HV_COUNTERS" |
		grep -oE "[a-z_]*(bad|truncated|unsupported|not_supported|too_long|no_backend)[a-z_]* [1-9][0-9]*" || true)
	[ -z "$p" ] || fail "$MODE: hvsim host error counters: $p"
	# nic1 carries A -> B to B, nic0 B -> A to A
	for v in "1 $MIB_AB A" "0 $MIB_BA B"; do
		set -- $v
		sends=$(hv_sum tx_lso_sends "$1.")
		min_sends=$((($2 << 20) / 1448 / 2))
		[ "$sends" -ge "$min_sends" ] ||
			fail "$MODE: nic$1: hvsim segmented $sends LSO frames of $3's $2 MiB, want >= $min_sends (half its 1448-byte segments)"
	done
	sends=$(hv_sum tx_lso_sends) segs=$(hv_sum tx_lso_segments) filled=$(hv_sum tx_csum_filled)
	[ "$segs" -ge $((2 * sends)) ] ||
		fail "$MODE: $sends LSO frames of > $MSS bytes gave $segs segments, want >= $((2 * sends))"
	echo "ok: $MODE: hvsim: $sends LSO frames cut into $segs segments of <= $MSS bytes"
	out_a=$(($(counter "$TMP/a1.$MODE" TcpOutSegs) - $(counter "$TMP/a0.$MODE" TcpOutSegs)))
	in_b=$(($(counter "$TMP/b1.$MODE" TcpInSegs) - $(counter "$TMP/b0.$MODE" TcpInSegs)))
	[ $((in_b * 10)) -ge $((out_a * 13)) ] ||
		fail "$MODE: B took in $in_b TCP segments, A sent $out_a: want >= 1.3 x (MSS $MSS < 1448)"
	echo "ok: $MODE: Linux: A sent $out_a TCP segments, B took in $in_b"
	[ "$filled" -ge $((2 * NB_UDP)) ] ||
		fail "$MODE: hvsim filled in checksums of $filled frames, want >= $((2 * NB_UDP)) (the UDP echo alone)"
	echo "ok: $MODE: hvsim filled in the checksums of $filled frames on the PMD's request"
	for v in Bad-ipcsum Bad-l4csum; do
		c=$(printf '%s\n' "$fwd" | sed -n '/Accumulated forward statistics/,$p' |
			grep -oE "$v: *[0-9]+" | head -1 | grep -oE '[0-9]+$')
		[ -z "$c" ] && c=$(printf '%s\n' "$fwd" | grep -oE "$v: *[0-9]+" |
			grep -oE '[0-9]+$' | awk '{ s += $1 } END { print s + 0 }')
		[ "$c" = 0 ] || fail "$MODE: testpmd csum engine: $v $c (the PMD flagged good frames bad)"
	done
	ip link show "$a" >/dev/null 2>&1 || ip -n "$NSA" link show "$a" >/dev/null 2>&1 &&
		fail "$MODE: $a outlived hvsim"
	echo "$MODE: checksum offload and TSO through our PMD, judged by Linux, in $((SECONDS - start)) s"
}

plugin_build_dir
modes=$(test_modes)
case $modes in *pa*) hugepages_reserve 256 ;; esac
x=0
for m in $modes; do
	run_case "$m" $x
	x=$((x + 1))
done
echo "our PMD: checksum and TSO offloads carried the Linux stack's TCP and UDP intact in modes: $modes"
