#!/usr/bin/env bash
# sanitizer: yes
# Interrupt mode under each uio ABI hvsim plays (6.1, 6.10, 2025):
#   app unmasks its rx ring, writes 1 to the uio fd, sends a packet and sleeps
#   in read() of the uio fd; hvsim's echo device answers 200 ms later and
#   raises the interrupt only because the ring is unmasked.
# Judges: every wake-up brings the echo (checked by the app), and the app's
# CPU time over ~1 s of sleeping stays near zero (getrusage, not hvsim).
. "$(dirname "$0")/../lib/common.sh"

for abi in 6.1 6.10 2025; do
	out=$TMP/irq-$abi.log
	bounded 60 "$HVSIM" run --uio-abi "$abi" --echo --echo-delay-ms 200 -- \
		"$ECHO_APP" $(eal_args va) -- --irq >"$out" 2>&1 ||
		{ cat "$out"; fail "abi $abi: interrupt run failed"; }
	line=$(grep '^irq:' "$out") || { cat "$out"; fail "abi $abi: no irq summary"; }
	echo "abi $abi: $line"
	grep -q '^irq masked: echo arrived, no interrupt' "$out" ||
		{ cat "$out"; fail "abi $abi: masked ring still interrupted"; }
	wall=$(echo "$line" | awk '{print $5}')
	cpu=$(echo "$line" | awk '{print $8}')
	awk -v w="$wall" 'BEGIN { exit !(w >= 0.9) }' ||
		fail "abi $abi: woke too early (${wall}s for 5 delayed echoes)"
	awk -v c="$cpu" -v w="$wall" 'BEGIN { exit !(c < 0.1 * w) }' ||
		fail "abi $abi: ${cpu}s CPU over ${wall}s: not sleeping"
done
echo "interrupts: ok under 6.1, 6.10 and 2025"
