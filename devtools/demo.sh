#!/usr/bin/env bash
# The main job, for now: hvsim plays a Hyper-V host with one synthetic NIC
# (and an echo test device); our VMBus bus scans, maps and opens them, and
# prints what it sees; then 100000 packets go through the echo channel.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
echo "== hvsim: one synthetic NIC and one echo device; our vmbus bus lists them"
"$build/app/hvsim/hvsim" run --nic loop --echo --subchannels 1 -- \
	"$build/app/test/integration/vmbus_echo_app" --file-prefix demo$$ --no-huge -m 256 \
	--iova-mode=va --log-level=bus.vmbus:info -- --list --subchannels 1
echo
echo "== 100000 channel packets through the echo device, CRC-checked on return"
"$build/app/hvsim/hvsim" run --echo -- \
	"$build/app/test/integration/vmbus_echo_app" --file-prefix demo$$ --no-huge -m 256 \
	--iova-mode=va -- --packets 100000
