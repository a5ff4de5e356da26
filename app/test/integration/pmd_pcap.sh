#!/usr/bin/env bash
# sanitizer: yes
# hvsim's pcap backend replays a capture into our PMD, testpmd io-forwards
# every frame back out of the same port, and hvsim writes what the guest sent
# into a second capture (PA mode as root, and VA mode):
#
#   in.pcap --hvsim pcap--> net_netvsc --io fwd, port 0 -> port 0--> hvsim pcap --> out.pcap
#
# The input is written here (python3 struct) from known frames of many
# sizes, in big-endian byte order with nanosecond timestamps (the reader
# must handle both). hvsim hands the frames over as soon as the port is up,
# so testpmd must not flush its receive queues at `start` (--no-flush-rx).
# The judge is python3: the output must hold the same
# frames, byte for byte and in order.
. "$(dirname "$0")/../lib/common.sh"

NB=200
command -v python3 >/dev/null || skip "python3 is needed to write and compare captures"

# A big-endian, nanosecond capture of $NB frames to nic0's MAC, sizes 60..1514.
write_input() {
	python3 - "$1" "$NB" <<'PY'
import struct, sys
path, nb = sys.argv[1], int(sys.argv[2])
with open(path, "wb") as f:
    f.write(struct.pack(">IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, 65535, 1))
    for i in range(nb):
        size = 60 + (i * 97) % (1514 - 60 + 1)
        eth = bytes.fromhex("00155d000001") + bytes([0x02, 0, 0, 0, i >> 8 & 0xff, i & 0xff]) \
            + struct.pack(">H", 0x88b5)
        payload = bytes((i + k * 13) & 0xff for k in range(size - len(eth)))
        frame = eth + payload
        f.write(struct.pack(">IIII", 1700000000 + i, i * 1000, len(frame), len(frame)))
        f.write(frame)
PY
}

# Classic pcap (either byte order, us or ns) of $1 equals $2's frames, in order.
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
for i, (x, y) in enumerate(zip(a, b)):
    if x != y:
        sys.exit("frame %d differs: %d bytes in, %d out" % (i, len(x), len(y)))
if len(a) != len(b):
    sys.exit("%d frames in, %d out" % (len(a), len(b)))
print("%d frames, %d bytes: identical" % (len(a), sum(map(len, a))))
PY
}

run_case() {
	local mode=$1
	local run=/dev/shm/hvsim-pcap.$$.$mode out=$TMP/pcap-$mode.log fifo=$TMP/in-$mode
	# Relative names: the whole --nic word must stay under 64 bytes.
	local in=in-$mode.pcap cap=out-$mode.pcap
	cd "$TMP" || fail "cd $TMP"
	plugin_build_dir
	write_input "$in"
	mkfifo "$fifo"
	bounded 25 "$HVSIM" run --run-dir "$run" --nic "pcap:$in,$cap" -- \
		"$TESTPMD" $(eal_args "$mode") -d "$PLUGIN_BUILD/drivers" \
		-d "$PLUGIN_BUILD/subprojects/dpdk/drivers/librte_mempool_ring.so" \
		-- --total-num-mbufs=16384 --no-flush-rx -i <"$fifo" >"$out" 2>&1 &
	local hv=$!
	at_exit "kill $hv"
	exec 3>"$fifo"
	for _ in $(seq 1 100); do
		grep -q 'testpmd>' "$out" && break
		kill -0 $hv 2>/dev/null || break
		sleep 0.2
	done
	grep -q 'testpmd>' "$out" || { cat "$out"; fail "$mode: testpmd did not come up"; }
	echo "set fwd io" >&3
	echo "start" >&3
	for _ in $(seq 1 50); do
		"$HVSIM" ctl --run-dir "$run" counters | grep -q "^nic0 tx_frames $NB " && break
		sleep 0.2
	done
	echo "stop" >&3
	echo "quit" >&3
	exec 3>&-
	wait $hv || { tail -30 "$out"; fail "$mode: hvsim/testpmd exited with an error"; }
	grep -E '^hvsim: nic0|RX-packets|TX-packets' "$out"
	grep -q "^hvsim: nic0 pcap: replayed $NB of $NB frames from $in (skipped 0)" "$out" ||
		fail "$mode: hvsim did not replay all $NB frames"
	grep -q "^hvsim: nic0 pcap: wrote $NB frames to $cap (lost 0)" "$out" ||
		fail "$mode: hvsim did not capture $NB frames"
	compare "$in" "$cap" || fail "$mode: the guest's frames differ from the replayed ones"
}

modes=$(test_modes)
case $modes in *pa*) hugepages_reserve 512 ;; esac
for m in $modes; do
	run_case "$m"
done
echo "pcap: $NB frames replayed, forwarded and captured identical in modes: $modes"
