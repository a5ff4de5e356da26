# Thin wrapper: the two commands a new user runs are `make demo` and `make test`.
BUILD ?= build
MESON_OPTS ?=

SAN_BUILD ?= build-asan
# DPDK 22.11's own vmbus bus and netvsc PMD, built from the same source with
# build/'s DPDK options: the reference of `make bench` (and its smoke test).
REF_BUILD ?= build-ref

.PHONY: all setup build build-asan build-ref demo test fuzz clean bench bench-hvsim

all: build

setup:
	@bash devtools/setup.sh

$(BUILD)/build.ninja: | setup
	meson setup $(BUILD) $(MESON_OPTS)

build: setup $(BUILD)/build.ninja
	@ninja -C $(BUILD) >$(BUILD)/ninja.log 2>&1 || { tail -40 $(BUILD)/ninja.log; exit 1; }
	@echo "build: ok (DPDK $$(meson introspect $(BUILD) --projectinfo 2>/dev/null | \
		python3 -c 'import json,sys; p=json.load(sys.stdin); print([s["version"] for s in p["subprojects"] if s["name"]=="dpdk"][0] if p["subprojects"] else "installed")' 2>/dev/null))"

# The ASan build takes $(BUILD)'s DPDK (uninstrumented, as the tests want it)
# through the pkg-config files meson writes for an uninstalled DPDK, instead
# of compiling the same DPDK a second time; its subprojects/dpdk is a link.
$(SAN_BUILD)/build.ninja: | build
	meson setup $(SAN_BUILD) -Dsanitize=true \
		-Dpkg_config_path=$(abspath $(BUILD))/meson-uninstalled $(MESON_OPTS) >/dev/null
	@if [ -d $(BUILD)/subprojects/dpdk ]; then mkdir -p $(SAN_BUILD)/subprojects && \
		ln -sfn "$$(realpath --relative-to=$(SAN_BUILD)/subprojects $(BUILD)/subprojects/dpdk)" \
			$(SAN_BUILD)/subprojects/dpdk; fi

# Our code with ASan + UBSan (DPDK itself uninstrumented), for the test suite.
build-asan: build $(SAN_BUILD)/build.ninja
	@ninja -C $(SAN_BUILD) >$(SAN_BUILD)/ninja.log 2>&1 || { tail -40 $(SAN_BUILD)/ninja.log; exit 1; }
	@echo "build-asan: ok"

build-ref: build
	@BUILD=$(abspath $(BUILD)) REF_BUILD=$(abspath $(REF_BUILD)) bash devtools/bench.sh --build-ref

demo: build
	@bash devtools/demo.sh

test: build build-asan build-ref
	@bash devtools/run-tests.sh

clean:
	rm -rf $(BUILD) $(SAN_BUILD) $(REF_BUILD) build-fuzz

# Long fuzz campaigns (FUZZ_SECONDS each, default 600) that grow the kept corpus.
fuzz: setup
	@test -f build-fuzz/build.ninja || CC=clang meson setup build-fuzz -Dfuzz=true >/dev/null
	@for t in $$(sed -n "s/^[[:space:]]*executable(.\(fuzz_[a-z_]*\).*/\1/p" app/test/fuzz/meson.build); do \
		ninja -C build-fuzz app/test/fuzz/$$t >/dev/null && \
		build-fuzz/app/test/fuzz/$$t -max_total_time=$${FUZZ_SECONDS:-600} \
			-print_final_stats=1 app/test/fuzz/corpus/$$t || exit 1; \
	done

# hvsim NIC throughput (gen -> rxonly, txonly -> sink; distro and our PMD) and
# hvsim's cost per packet; BENCH_SECONDS=2 for a quick look (doc/hvsim.md).
bench-hvsim: build
	@bash devtools/bench-hvsim.sh

# A/B against DPDK's own netvsc over hvsim (devtools/bench.sh): writes
# doc/performance.md and its plots. Wants a quiet machine; ~25 minutes.
bench: build build-ref
	@BUILD=$(abspath $(BUILD)) REF_BUILD=$(abspath $(REF_BUILD)) bash devtools/bench.sh --doc doc/performance.md
