#!/usr/bin/env bash
# The fixed paths tests, scripts and docs name exist; our plugins carry
# RUNPATH $ORIGIN; no DPDK source is tracked; no driver file knows hvsim.
. "$(dirname "$0")/../lib/common.sh"

for f in "$DRIVERS/librte_bus_vmbus.so" "$HVSIM" "$BUILD/app/hvsim/libhvsim_uio.so" \
	 "$TESTPMD" "$DPDK_BUILD/app/dpdk-proc-info" "$DPDK_BUILD/examples/dpdk-l3fwd"; do
	[ -e "$f" ] || fail "missing $f"
	echo "present: ${f#$TOP/}"
done
for so in "$DRIVERS"/librte_*.so; do
	readelf -d "$so" | grep -q 'RUNPATH.*\$ORIGIN' || fail "$so has no RUNPATH \$ORIGIN"
done
cd "$TOP"
if git rev-parse --git-dir >/dev/null 2>&1; then
	[ -z "$(git ls-files subprojects/dpdk | head -1)" ] || fail "DPDK source is tracked"
	[ -z "$(git ls-files | grep -E '(^|/)(rte_eal|eal_common)[^/]*\.c$' | head -1)" ] ||
		fail "DPDK source files are tracked"
fi
if grep -rli hvsim drivers/; then fail "a driver file mentions hvsim"; fi
echo "layout: pinned paths present, RUNPATH \$ORIGIN, no DPDK source tracked, drivers hvsim-free"
