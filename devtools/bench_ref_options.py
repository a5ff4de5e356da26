#!/usr/bin/env python3
"""The meson options of the reference DPDK build (build-ref).

Reads `meson introspect BUILD --buildoptions` (JSON) on stdin and prints,
one per line, the -D options that give build-ref the same compiler and DPDK
configuration as BUILD's DPDK subproject: the global build type,
optimisation, base (b_*) and compiler arguments, and every `dpdk:` option,
except the choice of drivers and applications, which become DPDK's own
VMBus bus and netvsc PMD (with mempool/ring), dpdk-testpmd and the l3fwd
example.
"""
import json
import sys

GLOBAL = ("buildtype", "optimization", "debug", "strip", "c_args", "c_link_args")
OVERRIDE = {
    "enable_drivers": "bus/vmbus,net/netvsc,mempool/ring",
    "disable_drivers": "",
    "enable_apps": "test-pmd",
    "disable_apps": "",
    "examples": "l3fwd",
    "tests": "false",
    "enable_docs": "false",
}
# per-machine paths and install layout: not part of what is compiled
SKIP = ("kernel_dir", "include_subdir_arch", "drivers_install_subdir")


def value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return " ".join(str(x) for x in v) if v else ""
    return str(v)


def main():
    opts = json.load(sys.stdin)
    out = {}
    for o in opts:
        name = o["name"]
        if name in GLOBAL or (o["section"] == "base" and name.startswith("b_")
                              and name not in ("b_colorout", "b_pch")):
            out[name] = value(o["value"])
        elif name.startswith("dpdk:") and not name.startswith("dpdk:build."):
            short = name[len("dpdk:"):]
            if short not in SKIP:
                out[short] = value(o["value"])
    if "platform" not in out:
        sys.exit("no dpdk: options: is DPDK a subproject of this build?")
    out.update(OVERRIDE)
    for k in sorted(out):
        print("-D%s=%s" % (k, out[k]))


if __name__ == "__main__":
    main()
