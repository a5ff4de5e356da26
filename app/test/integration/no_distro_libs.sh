#!/usr/bin/env bash
# A run that loads our plugins maps no distro librte_* (DESIGN.md "DPDK
# dependency"): the subproject's testpmd with -d build/drivers, under hvsim,
# and /proc/<pid>/maps is the judge.
. "$(dirname "$0")/../lib/common.sh"

fifo=$TMP/in
mkfifo "$fifo"
plugin_build_dir
pbuild=$PLUGIN_BUILD
drivers=$pbuild/drivers
dpdk_drivers=$pbuild/subprojects/dpdk/drivers
"$HVSIM" run --echo -- "$TESTPMD" $(eal_args va) -d "$drivers" \
	-d "$dpdk_drivers/librte_mempool_ring.so" -d "$dpdk_drivers/librte_net_null.so" \
	--vdev net_null0 -- --total-num-mbufs=2048 -i <"$fifo" >"$TMP/out" 2>&1 &
hv=$!
at_exit "kill $hv"
exec 3>"$fifo"
for _ in $(seq 1 60); do grep -q 'testpmd>' "$TMP/out" && break; sleep 0.5; done
pid=$(pgrep -P $hv | head -1)
[ -n "$pid" ] || { cat "$TMP/out"; fail "testpmd not running"; }
grep librte_ "/proc/$pid/maps" | awk '{print $6}' | sort -u >"$TMP/maps"
echo quit >&3
exec 3>&-
wait $hv || true
cat "$TMP/maps"
grep -q "/librte_bus_vmbus.so$" "$TMP/maps" || fail "our bus plugin was not loaded"
while read -r lib; do
	case $(realpath "$lib") in
	"$(realpath "$BUILD")"/* | "$(realpath "$pbuild")"/*) ;;
	*) fail "librte_* mapped from outside the build: $lib" ;;
	esac
done <"$TMP/maps"
echo "no distro librte_*: $(wc -l <"$TMP/maps") libraries, all from $BUILD"
