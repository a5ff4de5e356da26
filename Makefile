# Thin wrapper: the two commands a new user runs are `make demo` and `make test`.
BUILD ?= build
MESON_OPTS ?=

.PHONY: all setup build demo test clean

all: build

setup:
	@bash devtools/setup.sh

$(BUILD)/build.ninja: | setup
	meson setup $(BUILD) $(MESON_OPTS)

build: setup $(BUILD)/build.ninja
	@ninja -C $(BUILD) >$(BUILD)/ninja.log 2>&1 || { tail -40 $(BUILD)/ninja.log; exit 1; }
	@echo "build: ok (DPDK $$(meson introspect $(BUILD) --projectinfo 2>/dev/null | \
		python3 -c 'import json,sys; p=json.load(sys.stdin); print([s["version"] for s in p["subprojects"] if s["name"]=="dpdk"][0] if p["subprojects"] else "installed")' 2>/dev/null))"

demo: build
	@bash devtools/demo.sh

test: build
	@bash devtools/run-tests.sh

clean:
	rm -rf $(BUILD)
