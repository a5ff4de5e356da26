#!/usr/bin/env bash
# hvsim's pcap backend replays a capture into Debian's testpmd (distro
# netvsc, unmodified; queue states fixed by the preloaded libqstate_fix.so),
# which io-forwards every frame back out of the same port; hvsim appends
# what the guest sent to a second capture:
#
#   in.pcap --hvsim pcap--> distro netvsc --testpmd io, port 0 -> 0--> hvsim pcap --> out.pcap
#
# The input (python3 struct) is little-endian with microsecond timestamps
# (app/test/integration/pmd_pcap.sh, for our PMD, uses the other byte order
# and nanoseconds): NB frames of sizes 60..1514, to the NIC's MAC, with
# every 10th to broadcast and every 10th + 5 to an IPv4 multicast MAC (the
# PMD's port start sets directed | broadcast | all-multicast), each payload
# a pattern of its index. testpmd runs with --no-flush-rx (its `start`
# would otherwise drop what waits in the rx queue).
#
# The replay is held (`pcap:IN,OUT,hold`) until testpmd forwards, then
# released with `hvsim ctl gen 0 start`: the distro PMD discards data that
# arrives while it waits for a control reply (port start, promiscuous
# enable, dev_info), so frames must not arrive before forwarding starts.
#
# Judge: hvsim replayed NB of NB (skipped 0) and handed all NB to the guest;
# it wrote NB frames (lost 0); python3 checks that out.pcap equals in.pcap
# frame for frame, byte for byte; testpmd counted them exactly: port
# RX-packets == TX-packets == NB, no rx-ring drops, no tx errors.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/lib/testpmd.sh"

NB=${NB:-2000}
command -v python3 >/dev/null || skip "python3 is needed to write and compare captures"
MODES=$(tp_modes core)
tp_setup
cd "$TMP" || fail "cd $TMP"
python3 -c 'import struct, sys; open(sys.argv[1], "wb").write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))' empty.pcap
need_backend "pcap:empty.pcap"

write_input() {
	python3 - "$1" "$NB" <<'PY'
import struct, sys
path, nb = sys.argv[1], int(sys.argv[2])
with open(path, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i in range(nb):
        size = 60 + (i * 211) % (1514 - 60 + 1)
        if i % 10 == 0:
            dst = "ffffffffffff"
        elif i % 10 == 5:
            dst = "01005e0000%02x" % (i & 0x7f)
        else:
            dst = "00155d000001"
        eth = bytes.fromhex(dst) + bytes([0x02, 0xaa, 0, 0, i >> 8 & 0xff, i & 0xff]) \
            + struct.pack(">H", 0x88b5)
        frame = eth + bytes((i * 7 + k) & 0xff for k in range(size - len(eth)))
        f.write(struct.pack("<IIII", 1700000000 + i, (i * 997) % 1000000, len(frame), len(frame)))
        f.write(frame)
PY
}

# Classic pcap (either byte order, us or ns) $2 holds frames of $1, byte
# for byte, in $1's order, none twice (the PMD may have discarded some).
# Prints the number of frames in $2.
compare() {
	python3 - "$1" "$2" <<'PY'
import struct, sys
def frames(path):
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    e = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    assert struct.unpack(e + "I", data[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d), path + ": not pcap"
    assert struct.unpack(e + "I", data[20:24])[0] == 1, path + ": not Ethernet"
    off, out = 24, []
    while off < len(data):
        incl, orig = struct.unpack(e + "II", data[off + 8:off + 16])
        assert incl == orig and off + 16 + incl <= len(data), path + ": bad record"
        out.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return out
a, b = frames(sys.argv[1]), frames(sys.argv[2])
j = 0
for i, y in enumerate(b):
    while j < len(a) and a[j] != y:
        j += 1
    if j == len(a):
        sys.exit("captured frame %d (%d bytes) is no later input frame: corrupt, "
                 "duplicated or reordered" % (i, len(y)))
    j += 1
print(len(b))
PY
}

for m in $MODES; do
	# relative names: the --nic word must stay under 64 bytes
	in=in-$m.pcap cap=out-$m.pcap
	write_input "$in"
	tp_start "$m" "pcap:$in,$cap,hold" --no-flush-rx --rxd=4096
	tp_cmd "set fwd io retry" >/dev/null	# the replay comes at full speed: no tx drops
	tp_cmd "set burst tx delay 20 retry 5000" >/dev/null
	tp_cmd "start" >/dev/null
	hv_ctl gen 0 start >/dev/null || fail "$m: cannot release the replay"
	end=$((SECONDS + 10))
	# until hvsim handed over all NB and the guest's sends stopped growing
	prev=
	while [ $SECONDS -lt $end ]; do
		c=$(hv_ctl counters | grep -m1 '^nic0 ')
		case $c in *" rx_frames $NB "*) [ "$c" = "$prev" ] && break ;; esac
		prev=$c
		sleep 0.3
	done
	tp_cmd "stop" >/dev/null
	FWD_OUT=$TP_OUT
	tp_drain
	tp_cmd "show port stats 0" >/dev/null
	STATS=$TP_OUT
	tp_quit
	tp_check_shim
	hv_nic_lines 0
	hv_nic_lines 0 | grep -q "pcap: replayed $NB of $NB frames from $in (skipped 0)" ||
		{ tp_dump; fail "$m: hvsim did not replay all $NB frames"; }
	expect_eq "$m: frames hvsim handed the guest" "$(hv_nic_num 0 'guest rx')" "$NB"
	w=$(hv_nic_lines 0 | sed -n "s/.*pcap: wrote \([0-9]*\) frames to $cap (lost 0)$/\1/p")
	[ -n "$w" ] || { tp_dump; fail "$m: no 'wrote N frames (lost 0)' from hvsim"; }
	got=$(compare "$in" "$cap") || fail "$m: captured frames are not the replayed ones: $got"
	expect_eq "$m: frames captured, all identical to input frames, in order" "$got" "$w"
	expect_eq "$m: port RX-packets" "$(tp_stat "$STATS" RX-packets)" "$w"
	expect_eq "$m: port TX-packets" "$(tp_stat "$STATS" TX-packets)" "$w"
	expect_eq "$m: RX-missed" "$(tp_stat "$STATS" RX-missed)" 0
	expect_eq "$m: TX-errors" "$(tp_stat "$STATS" TX-errors)" 0
	expect_eq "$m: frames forwarded back" "$w" "$NB"
	echo "ok: $m: all $NB frames forwarded identical"
done
echo "pcap: frames replayed into the distro PMD, forwarded and captured identical in modes: $MODES"
