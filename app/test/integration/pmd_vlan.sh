#!/usr/bin/env bash
# VLAN strip and insert in our netvsc PMD, PA mode (as root) and VA mode.
# The host hands a frame's tag beside it (VLAN PPI), as Hyper-V does; the
# PMD reports it stripped, or puts it back into the frame when stripping is
# off; on send it turns RTE_MBUF_F_TX_VLAN into the PPI and the host inserts.
#
#   hvsim gen:vlan=100 --PPI--> net_netvsc --testpmd io/macswap--> net_netvsc --> hvsim gen
#   in.pcap (tag in data) --hvsim pcap--> net_netvsc --macswap + tx_vlan 200--> out.pcap
#
# One gen run, three phases (gen held between them, every frame back before
# the next phase), each judged by testpmd's verbose dump of every frame,
# hvsim's byte count of what the guest sent, and gen (sequence + CRC):
#   A `vlan set strip on 0`, io:  tci=0x64 + RX_VLAN_STRIPPED, 128 bytes;
#     io sets no TX_VLAN, so the frames go back untagged (128 bytes each)
#   B `vlan set strip off 0` at run time, io: the PMD reinserted the tag:
#     ethertype 0x8100, 132 bytes, no STRIPPED flag; back as 132 bytes
#   C strip on, macswap with `tx_vlan set 0 200`: back as 132 bytes
# then gen: sent = back, lost/reordered/dup/corrupt 0; testpmd's port
# counters equal gen's. The tag's value on send, which gen does not read,
# is judged by python on a capture: every frame comes back byte for byte,
# MACs swapped and TCI 0xa064 (priority 5, VLAN 100) replaced by 0x00c8,
# and the PMD reported 0xa064 (priority kept) on receive.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../conformance/lib/testpmd.sh"

command -v python3 >/dev/null || skip "python3 judges the capture"
tp_our_pmd
TP_RUN_SECS=60
cd "$TMP" || fail "cd $TMP"	# pcap names stay relative: a --nic word is short

SIZE=128	# gen's frame, without the tag
PER_PHASE=${PER_PHASE:-1500}
RATE=$(pace 3000)
NB_PCAP=200

# gen_now FIELD: a number from gen's running report (sent, back, lost ...).
gen_now() { hv_ctl counters | grep -m1 -E '^gen: sent' | grep -oE "$1 [0-9]+" | grep -oE '[0-9]+$'; }
guest_tx_bytes() { hv_ctl counters | grep -m1 '^nic0 ' | grep -oE 'tx_bytes [0-9]+' | grep -oE '[0-9]+$'; }

# Until `gen_now back` equals `gen_now sent` twice in a row (10 s).
gen_settle() {
	local i s b prev=
	for i in $(seq 100); do
		s=$(gen_now sent); b=$(gen_now back)
		[ -n "$s" ] && [ "$s" = "$b" ] && [ "$s" = "$prev" ] && return 0
		prev=$s
		sleep 0.1
	done
	return 1
}

# phase NAME: forward (engine already set) while gen sends at least
# PER_PHASE frames; hold gen, wait for every frame back, stop. Sets
# PH_N (frames of this phase), PH_BYTES (what the guest sent, at hvsim),
# PH_SEEN (testpmd's verbose dump of the phase).
phase() {
	local name=$1 s0 bytes0 off end
	s0=$(gen_now sent); bytes0=$(guest_tx_bytes)
	off=$(stat -c %s "$TP_DIR/out")
	tp_cmd "start" >/dev/null
	hv_ctl gen 0 start >/dev/null || fail "$name: hvsim ctl gen 0 start"
	end=$((SECONDS + 30))
	while [ "$(gen_now sent)" -lt $((s0 + PER_PHASE)) ] && [ $SECONDS -lt $end ]; do
		sleep 0.1
	done
	hv_ctl gen 0 stop >/dev/null || fail "$name: hvsim ctl gen 0 stop"
	gen_settle || { tp_dump; hv_ctl counters; fail "$name: gen's frames did not all come back"; }
	tp_cmd "stop" >/dev/null
	PH_N=$(($(gen_now sent) - s0))
	PH_BYTES=$(($(guest_tx_bytes) - bytes0))
	PH_SEEN=$(tail -c +$((off + 1)) "$TP_DIR/out")
	[ "$PH_N" -ge "$PER_PHASE" ] || { tp_dump; fail "$name: gen sent only $PH_N frames"; }
}

# seen_count REGEX: lines of this phase's dump matching REGEX.
seen_count() { printf '%s\n' "$PH_SEEN" | grep -cE -- "$1"; }

gen_phases() {
	local m=$1 stats
	tp_start "$m" "gen:vlan=100,size=$SIZE,rate=$RATE,hold" --rxd=2048 --txd=2048
	tp_cmd "port stop 0" >/dev/null
	tp_cmd "port config 0 tx_offload vlan_insert on" >/dev/null
	tp_cmd "tx_vlan set 0 200" >/dev/null
	tp_cmd "port start 0" >/dev/null
	tp_cmd "set verbose 1" >/dev/null
	tp_cmd "set fwd io" >/dev/null

	tp_cmd "vlan set strip on 0" >/dev/null
	tp_cmd "show port info 0" >/dev/null
	printf '%s\n' "$TP_OUT" | grep -qE '^ *strip on' || { tp_dump; fail "$m: A: strip not on"; }
	phase "$m: A"
	expect_eq "$m: A strip on: frames testpmd received" "$(seen_count ' - length=')" "$PH_N"
	expect_eq "$m: A: 128-byte frames with VLAN tci=0x64" \
		"$(seen_count "type=0x0800 - length=$SIZE - .* - VLAN tci=0x64 - ")" "$PH_N"
	expect_eq "$m: A: ol_flags with RX_VLAN_STRIPPED" \
		"$(seen_count 'ol_flags: .*RTE_MBUF_F_RX_VLAN_STRIPPED')" "$PH_N"
	expect_eq "$m: A: bytes the guest sent (io: no TX_VLAN, untagged)" "$PH_BYTES" \
		$((PH_N * SIZE))

	tp_cmd "vlan set strip off 0" >/dev/null
	tp_cmd "show port info 0" >/dev/null
	printf '%s\n' "$TP_OUT" | grep -qE '^ *strip off' || { tp_dump; fail "$m: B: strip not off"; }
	phase "$m: B"
	expect_eq "$m: B strip off: frames testpmd received" "$(seen_count ' - length=')" "$PH_N"
	expect_eq "$m: B: frames with the tag put back (0x8100, $((SIZE + 4)) bytes)" \
		"$(seen_count "type=0x8100 - length=$((SIZE + 4)) - ")" "$PH_N"
	expect_eq "$m: B: frames reported stripped" "$(seen_count 'RX_VLAN_STRIPPED|VLAN tci=')" 0
	expect_eq "$m: B: bytes the guest sent (tag inside the frame)" "$PH_BYTES" \
		$((PH_N * (SIZE + 4)))

	tp_cmd "vlan set strip on 0" >/dev/null
	tp_cmd "set fwd macswap" >/dev/null
	phase "$m: C"
	expect_eq "$m: C strip on, macswap: frames with VLAN tci=0x64" \
		"$(seen_count "length=$SIZE - .* - VLAN tci=0x64 - ")" "$PH_N"
	expect_eq "$m: C: bytes the guest sent (tx_vlan: the host inserted a tag)" "$PH_BYTES" \
		$((PH_N * (SIZE + 4)))

	tp_cmd "set verbose 0" >/dev/null
	tp_cmd "show port stats 0" >/dev/null
	stats=$TP_OUT
	tp_quit
	gen_line
	expect_eq "$m: gen lost" "$(gen_num lost)" 0
	expect_eq "$m: gen reordered" "$(gen_num reordered)" 0
	expect_eq "$m: gen dup" "$(gen_num dup)" 0
	expect_eq "$m: gen corrupt" "$(gen_num corrupt)" 0
	expect_eq "$m: gen foreign" "$(gen_num foreign)" 0
	expect_eq "$m: gen back = sent" "$(gen_num back)" "$(gen_num sent)"
	expect_eq "$m: PMD RX-packets = gen sent" "$(tp_stat "$stats" RX-packets)" "$(gen_num sent)"
	expect_eq "$m: PMD TX-packets = gen back" "$(tp_stat "$stats" TX-packets)" "$(gen_num back)"
	expect_eq "$m: RX-errors" "$(tp_stat "$stats" RX-errors)" 0
	expect_eq "$m: TX-errors" "$(tp_stat "$stats" TX-errors)" 0
}

# write_tagged FILE: NB_PCAP UDP frames to nic0's MAC, tag TCI 0xa064 in the
# data, each with its own length and payload (little-endian pcap, us).
write_tagged() {
	python3 - "$1" "$NB_PCAP" <<'PY'
import struct, sys
path, nb = sys.argv[1], int(sys.argv[2])
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
with open(path, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i in range(nb):
        body = bytes((i * 7 + k) & 0xff for k in range(18 + (i * 37) % 1400))
        udp = struct.pack("!HHHH", 4000 + i, 4001, 8 + len(body), 0) + body
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0,
                         bytes([198, 18, 0, 1]), bytes([198, 18, 0, 2]))
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        frame = bytes.fromhex("00155d000001" "02000000aa01") + \
            struct.pack("!HHH", 0x8100, 0xa064, 0x0800) + ip + udp
        f.write(struct.pack("<IIII", 1700000000, i, len(frame), len(frame)) + frame)
PY
}

# judge_tagged IN OUT: OUT holds IN's frames in order, MACs swapped, TCI 0x00c8.
judge_tagged() {
	python3 - "$1" "$2" <<'PY'
import struct, sys
def frames(path):
    data = open(path, "rb").read()
    e = "<" if struct.unpack("<I", data[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    off, out = 24, []
    while off + 16 <= len(data):
        incl, orig = struct.unpack(e + "II", data[off + 8:off + 16])
        if incl != orig or off + 16 + incl > len(data):
            sys.exit("%s: bad record at %d" % (path, off))
        out.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return out
sent, got = frames(sys.argv[1]), frames(sys.argv[2])
if len(sent) != len(got):
    sys.exit("%d frames replayed, %d captured" % (len(sent), len(got)))
for i, (a, b) in enumerate(zip(sent, got)):
    want = a[6:12] + a[0:6] + struct.pack("!HH", 0x8100, 0x00c8) + a[16:]
    if b != want:
        tci = struct.unpack("!H", b[14:16])[0] if len(b) >= 16 else -1
        sys.exit("frame %d: %d bytes, tci %#x; want %d bytes, tci 0xc8, MACs swapped"
                 % (i, len(b), tci, len(want)))
print("%d frames back, MACs swapped, tag 0xa064 -> 0x00c8, rest byte for byte" % len(got))
PY
}

pcap_insert() {
	local m=$1 in=in-$1.pcap cap=out-$1.pcap off seen i
	write_tagged "$in"
	tp_start "$m" "pcap:$in,$cap,hold"
	tp_cmd "port stop 0" >/dev/null
	tp_cmd "port config 0 tx_offload vlan_insert on" >/dev/null
	tp_cmd "tx_vlan set 0 200" >/dev/null
	tp_cmd "port start 0" >/dev/null
	tp_cmd "vlan set strip on 0" >/dev/null
	tp_cmd "set verbose 1" >/dev/null
	tp_cmd "set fwd macswap" >/dev/null
	off=$(stat -c %s "$TP_DIR/out")
	tp_cmd "start" >/dev/null
	hv_ctl gen 0 start >/dev/null || fail "$m: hvsim ctl gen 0 start (pcap)"
	hv_wait "^nic0 tx_frames $NB_PCAP " || true	# the judge below says what came
	tp_cmd "stop" >/dev/null
	seen=$(tail -c +$((off + 1)) "$TP_DIR/out")
	tp_quit
	expect_eq "$m: pcap: frames received with VLAN tci=0xa064 (priority kept)" \
		"$(printf '%s\n' "$seen" | grep -c ' - VLAN tci=0xa064 - ')" "$NB_PCAP"
	judge_tagged "$in" "$cap" || { tp_dump; fail "$m: the captured frames are not the replayed ones, retagged"; }
}

for m in $MODES; do
	start=$SECONDS
	gen_phases "$m"
	pcap_insert "$m"
	echo "$m: done in $((SECONDS - start)) s"
done
echo "our PMD stripped, reinserted and inserted VLAN tags correctly in modes: $MODES"
