#!/usr/bin/env bash
# devtools/bench-hvsim.sh still runs end to end: one 1-second run each of
# gen -> testpmd rxonly and testpmd txonly -> sink, for the distro PMD (skipped
# without Debian's testpmd) and ours, plus hvsim's cost per packet. Judges
# only that every figure came out non-zero: no timing assertions (the
# machine may be shared).
. "$(dirname "$0")/../lib/common.sh"

out=$TMP/bench.log
BENCH_SECONDS=1 BENCH_RUNS=1 BENCH_WARMUP=0.3 BENCH_CASES="rx tx cost" \
	bounded 60 bash "$TOP/devtools/bench-hvsim.sh" >"$out" 2>&1
rc=$?
[ $rc -eq $SKIP ] && { grep -m1 '^SKIP' "$out"; exit $SKIP; }
grep -E '^(bench|rx|tx|cost)' "$out"
[ $rc -eq 0 ] || { tail -40 "$out"; fail "bench-hvsim.sh exited $rc"; }
for c in rx-distro tx-distro rx-ours tx-ours cost-distro; do
	line=$(grep -m1 "^bench: $c[ @]" "$out") || fail "no figure for $c"
	v=$(printf '%s\n' "$line" | awk '{ print $5 }')
	awk -v v="$v" 'BEGIN { exit !(v > 0) }' || fail "$c: figure is '$v', want > 0"
	echo "ok: $c = $v"
done
echo "bench-hvsim produced every figure"
