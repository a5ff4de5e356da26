#!/usr/bin/env bash
# Bounded libFuzzer runs of every fuzz target (the gates of host and guest
# data): each starts from the corpus kept in app/test/fuzz/corpus/<target>
# (copied, so the repo is not changed) and runs FUZZ_SECONDS (default 4).
# `make fuzz` runs long campaigns that grow the kept corpus.
. "$(dirname "$0")/../lib/common.sh"

secs=${FUZZ_SECONDS:-4}
fuzz_build=${FUZZ_BUILD:-$TOP/build-fuzz}
command -v clang >/dev/null || skip "clang is not installed"
if [ ! -f "$fuzz_build/build.ninja" ]; then
	# DPDK's headers from build/ (the targets link none of it): no second
	# configure of the DPDK subproject.
	pc=()
	[ -d "$BUILD/meson-uninstalled" ] && pc=(-Dpkg_config_path="$(realpath "$BUILD")/meson-uninstalled")
	CC=clang meson setup "$fuzz_build" "$TOP" -Dfuzz=true "${pc[@]}" >"$TMP/setup.log" 2>&1 ||
		{ tail -20 "$TMP/setup.log"; fail "fuzz build setup"; }
fi
targets=$(sed -n "s/^[[:space:]]*executable('\(fuzz_[a-z_]*\)'.*/\1/p" \
	"$TOP/app/test/fuzz/meson.build")
for t in $targets; do
	ninja -C "$fuzz_build" "app/test/fuzz/$t" >"$TMP/build.log" 2>&1 ||
		{ tail -20 "$TMP/build.log"; fail "building $t"; }
	corpus=$TMP/corpus-$t
	mkdir -p "$corpus"
	cp -r "$TOP/app/test/fuzz/corpus/$t/." "$corpus/" 2>/dev/null || true
	"$fuzz_build/app/test/fuzz/$t" -max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix="$TMP/" "$corpus" >"$TMP/$t.log" 2>&1 ||
		{ tail -40 "$TMP/$t.log"; fail "$t found a crash"; }
	echo "$t: $(grep -m1 'stat::number_of_executed_units' "$TMP/$t.log" | awk '{print $2}')" \
		"runs in ${secs}s, no crash"
done
