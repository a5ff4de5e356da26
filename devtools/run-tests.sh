#!/usr/bin/env bash
# Runs every test one at a time: unit tests (built by meson), then the
# integration, conformance and fuzz scripts. Prints each test's name, result
# and duration, then "N passed, N failed"; exits non-zero if any failed.
# A test that exits 77 is skipped (it says why). Logs: build/test-logs/.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
san_build=${SAN_BUILD:-$top/build-asan}
logs=$build/test-logs
filter=${1:-}
per_test_timeout=${TEST_TIMEOUT:-300}
passed=0 failed=0 skipped=0 failed_names=()

mkdir -p "$logs"
[ -z "$filter" ] && rm -f "$logs"/*.log	# a filtered run keeps the others' logs

run_one() {
	local name=$1 bdir=$build; shift
	case $name in asan/*) bdir=$san_build ;; esac
	local log=$logs/${name//\//_}.log start end secs rc
	[ -n "$filter" ] && [[ $name != *$filter* ]] && return 0
	start=$(date +%s.%N)
	TOP=$top BUILD=$bdir timeout --kill-after=10 "$per_test_timeout" "$@" >"$log" 2>&1 </dev/null
	rc=$?
	end=$(date +%s.%N)
	secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
	case $rc in
	0) passed=$((passed + 1)); printf 'PASS  %-48s %6s s\n' "$name" "$secs" ;;
	77) skipped=$((skipped + 1))
	    printf 'SKIP  %-48s %6s s  (%s)\n' "$name" "$secs" "$(grep -m1 '^SKIP' "$log")" ;;
	*) failed=$((failed + 1)); failed_names+=("$name")
	   printf 'FAIL  %-48s %6s s  (exit %d)\n' "$name" "$secs" "$rc"
	   sed 's/^/    | /' "$log" | tail -40 ;;
	esac
}

for t in "$build"/app/test/unit/test_*; do
	[ -x "$t" ] && [ -f "$t" ] && run_one "unit/$(basename "$t")" "$t"
done
for dir in integration conformance fuzz; do
	for t in "$top"/app/test/$dir/*.sh; do
		[ -f "$t" ] && run_one "$dir/$(basename "$t" .sh)" bash "$t"
	done
done

# The same code built with ASan + UBSan: unit tests, and the scripts that
# say "# sanitizer: yes" (hvsim, our bus and the test apps instrumented).
if [ -d "$san_build/app/test/unit" ]; then
	for t in "$san_build"/app/test/unit/test_*; do
		[ -x "$t" ] && [ -f "$t" ] && run_one "asan/unit/$(basename "$t")" "$t"
	done
	for t in $(grep -l '^# sanitizer: yes' "$top"/app/test/*/*.sh 2>/dev/null); do
		run_one "asan/$(basename "$(dirname "$t")")/$(basename "$t" .sh)" bash "$t"
	done
fi

[ ${#failed_names[@]} -gt 0 ] && echo "failed: ${failed_names[*]}"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
