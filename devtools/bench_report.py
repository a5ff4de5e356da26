#!/usr/bin/env python3
"""Tables, plots and the report of devtools/bench.sh (make bench).

  bench_report.py table RESULTS            print the A/B table
  bench_report.py doc RESULTS DOC HEADER   write DOC (markdown) with that
                                           table, and SVG plots beside it

RESULTS holds one line per case and side, as bench.sh records them:
"CASE SIZE QUEUES SIDE UNIT v1 v2 ...". HEADER holds bench.sh's own
description of the run (its "bench:" lines). The plots are drawn as plain
SVG here, so the report needs nothing beyond python3.
"""
import datetime
import os
import re
import statistics
import subprocess
import sys

SIDES = ("ours", "ref")
CLASS_SIDES = ("memif", "virtio-user")
LOWER_IS_BETTER = ("ins/pkt",)
NEAR = "@near"      # unit suffix: only the slices with the two cores close
NEAR_MIN_SLICES = 2  # a side's close slices for a split row to count in the goals


def load(path):
    rows = {}
    order = []
    with open(path) as f:
        for line in f:
            w = line.split()
            if len(w) < 6:
                continue
            case, size, queues, side, unit = w[:5]
            vals = [float(v) for v in w[5:]]
            key = (case, int(size), int(queues), unit)
            if key not in rows:
                rows[key] = {}
                order.append(key)
            rows[key][side] = vals
    return order, rows


def fmt(v):
    if v >= 100:
        return "%.0f" % v
    return "%.2f" % v if v < 10 else "%.1f" % v


def cell(vals):
    if not vals:
        return "-"
    return "%s (%s..%s)" % (fmt(statistics.median(vals)), fmt(min(vals)), fmt(max(vals)))


def trapped(key, vals):
    """A rate whose median run is under a fifth of its own best: the side
    was stuck in that run (see "Reading the figures"), not slow."""
    return key[3] not in LOWER_IS_BETTER and len(vals) > 1 and \
        statistics.median(vals) < 0.2 * max(vals)


def ratio_value(key, r):
    """ours/ref of the medians; against a trapped ref, its best run instead."""
    if "ours" not in r or "ref" not in r:
        return None
    a, b = statistics.median(r["ours"]), statistics.median(r["ref"])
    if trapped(key, r["ref"]):
        b = max(r["ref"])
    return a / b if b != 0 else None


def ratio(key, r):
    v = ratio_value(key, r)
    if v is None:
        return "-"
    return "%.2f%s" % (v, "*" if trapped(key, r["ref"]) else "")


def paired(r):
    """The median of ours #i / ref #i: the runs of a pair ran back to back
    (ours, ref, ref, ours, ...), so the machine's drift between pairs,
    which moves both, cancels."""
    a, b = r.get("ours"), r.get("ref")
    if not a or not b or len(a) != len(b) or 0 in b:
        return "-"
    return "%.2f" % statistics.median(x / y for x, y in zip(a, b))


def columns(lines):
    """Rows of cells as aligned text columns, the first row a heading."""
    widths = [max(len(l[i]) for l in lines) for i in range(len(lines[0]))]
    out = []
    for i, l in enumerate(lines):
        out.append("  ".join(c.ljust(widths[j]) for j, c in enumerate(l)).rstrip())
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def is_class(key):
    """The machine-class calibration (class-rx, class-tx): other sides."""
    return key[0].startswith("class-")


def is_near(key):
    """A row of the placement split: slices with the cores close."""
    return key[3].endswith(NEAR)


def table(order, rows):
    head = ("case", "size", "queues", "unit", "ours median (min..max)",
            "ref median (min..max)", "ours/ref", "paired", "runs")
    lines = [head]
    for key in order:
        if is_class(key) or is_near(key):
            continue
        case, size, queues, unit = key
        r = rows[key]
        n = max(len(v) for v in r.values())
        lines.append((case, str(size), str(queues), unit, cell(r.get("ours")),
                      cell(r.get("ref")), ratio(key, r), paired(r), str(n)))
    return columns(lines)


def near_table(order, rows):
    """The placement split of ours and the ref, or "" when no slice was near."""
    lines = [("case", "size", "queues", "unit", "ours median (min..max)",
              "ref median (min..max)", "ours/ref", "slices")]
    for key in order:
        if is_near(key) and not is_class(key):
            r = rows[key]
            lines.append(tuple(str(k) for k in key) + (cell(r.get("ours")), cell(r.get("ref")),
                         ratio(key, r), "/".join(str(len(r.get(sd, []))) for sd in SIDES)))
    return columns(lines) if len(lines) > 1 else ""


def near_ratio(key, rows):
    """ours/ref of a split row, when both sides have NEAR_MIN_SLICES."""
    r = rows.get(key, {})
    if any(len(r.get(sd, [])) < NEAR_MIN_SLICES for sd in SIDES):
        return None
    return ratio_value(key, r)


def class_table(order, rows):
    """The class rows (memif, virtio-user), or "" when none was run."""
    lines = [("case", "size", "queues", "unit") +
             tuple("%s median (min..max)" % s for s in CLASS_SIDES) + ("runs",)]
    for key in order:
        if is_class(key):
            r = rows[key]
            lines.append(tuple(str(k) for k in key) +
                         tuple(cell(r.get(s)) for s in CLASS_SIDES) +
                         (str(max(len(v) for v in r.values())),))
    return columns(lines) if len(lines) > 1 else ""


def median_of(rows, case, size, queues, side, unit="Mpps"):
    r = rows.get((case, size, queues, unit), {})
    return statistics.median(r[side]) if side in r else None


def goals(order, rows):
    """Issue 7's goals, each against the figure this run measured."""
    lines = [("goal", "figure", "met", "cores close", "met (close)")]

    def absolute(what, case, size, want):
        v = median_of(rows, case, size, 1, "ours")
        if v is None:
            return
        fig = "%s Mpps" % fmt(v)
        cls = [(s, median_of(rows, "class-" + case, size, 1, s)) for s in CLASS_SIDES]
        cls = ["%s %s" % (s, fmt(m)) for s, m in cls if m is not None]
        if cls:
            fig += " (class here: %s)" % ", ".join(cls)
        near = median_of(rows, case, size, 1, "ours", "Mpps" + NEAR)
        lines.append((what, fig, "yes" if v >= want else "no",
                      "-" if near is None else "%s Mpps" % fmt(near),
                      "-" if near is None else "yes" if near >= want else "no"))

    absolute("rx 64 B, 1 queue >= 25 Mpps", "rx", 64, 25)
    absolute("tx 64 B, 1 queue >= 25 Mpps", "tx", 64, 25)
    absolute("loop (fwd) 64 B, 1 queue >= 16 Mpps", "fwd", 64, 16)
    absolute("rx 1518 B >= 9 Mpps", "rx", 1518, 9)
    absolute("tx 1518 B >= 9 Mpps", "tx", 1518, 9)
    mpps = [k for k in order if k[3] == "Mpps" and k[0] in ("rx", "tx", "fwd")
            and "ours" in rows[k] and "ref" in rows[k]]
    if mpps:
        rs = [(ratio_value(k, rows[k]), k) for k in mpps if ratio_value(k, rows[k]) is not None]
        near = [near_ratio(k[:3] + ("Mpps" + NEAR,), rows) for _, k in rs]
        near = [v for v in near if v is not None]
    if mpps and rs:
        low = min(rs)
        lines.append((">= 1.5x the ref's Mpps, every direction and size",
                      "%d of %d rows; lowest %.2f (%s %d B, %d q)" %
                      (sum(1 for r, _ in rs if r >= 1.5), len(rs), low[0], low[1][0],
                       low[1][1], low[1][2]), "yes" if low[0] >= 1.5 else "no",
                      "%d of the %d rows with both sides close; lowest %.2f" %
                      (sum(1 for v in near if v >= 1.5), len(near), min(near)) if near else "-",
                      ("yes" if min(near) >= 1.5 else "no") +
                      (" (%d of %d rows)" % (len(near), len(rs)) if len(near) < len(rs) else "")
                      if near else "-"))
    for k in order:
        if k[3] == "ins/pkt" and ratio_value(k, rows[k]) is not None:
            r = ratio_value(k, rows[k])
            lines.append(("%s <= 0.5x the ref's instructions" % k[0], "%.2fx" % r,
                          "yes" if r <= 0.5 else "no", "-", "-"))
        if k[0] == "l3fwd" and ratio_value(k, rows[k]) is not None:
            r = ratio_value(k, rows[k])
            lines.append(("l3fwd >= 1.3x the ref", "%.2fx" % r, "yes" if r >= 1.3 else "no",
                          "-", "-"))
    return columns(lines)


# --- SVG -------------------------------------------------------------------

COLOURS = {"rx": "#1f77b4", "tx": "#d62728", "fwd": "#2ca02c"}


def svg_chart(title, xlabel, ylabel, xcats, series):
    """series: list of (label, colour, dashed, [(xcat, median, lo, hi)])."""
    w, h, left, right, top, bottom = 640, 400, 60, 150, 40, 50
    pw, ph = w - left - right, h - top - bottom
    ymax = max([p[3] for s in series for p in s[3]] + [0.001]) * 1.1
    step = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]
    tick = next((t for t in step if ymax / t <= 8), 200)

    def x(cat):
        i = xcats.index(cat)
        return left + pw * (i + 0.5) / len(xcats)

    def y(v):
        return top + ph * (1 - v / ymax)

    o = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
         'font-family="sans-serif" font-size="12">' % (w, h),
         '<rect width="100%" height="100%" fill="white"/>',
         '<text x="%d" y="20" font-size="14" text-anchor="middle">%s</text>' % (left + pw / 2, title)]
    v = 0.0
    while v <= ymax:
        o.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/>' % (left, left + pw, y(v), y(v)))
        o.append('<text x="%d" y="%.1f" text-anchor="end">%g</text>' % (left - 5, y(v) + 4, round(v, 3)))
        v += tick
    o.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="black"/>' % (left, top, pw, ph))
    for c in xcats:
        o.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (x(c), top + ph + 18, c))
    o.append('<text x="%d" y="%d" text-anchor="middle">%s</text>' % (left + pw / 2, h - 8, xlabel))
    o.append('<text x="15" y="%d" text-anchor="middle" transform="rotate(-90 15 %d)">%s</text>'
             % (top + ph / 2, top + ph / 2, ylabel))
    for k, (label, colour, dashed, pts) in enumerate(series):
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        pts = sorted(pts, key=lambda p: xcats.index(p[0]))
        if len(pts) > 1:
            o.append('<polyline fill="none" stroke="%s" stroke-width="2"%s points="%s"/>'
                     % (colour, dash, " ".join("%.1f,%.1f" % (x(p[0]), y(p[1])) for p in pts)))
        for p in pts:
            o.append('<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="%s"/>'
                     % (x(p[0]), x(p[0]), y(p[2]), y(p[3]), colour))
            shape = ('<rect x="%.1f" y="%.1f" width="7" height="7" fill="white" stroke="%s"/>'
                     % (x(p[0]) - 3.5, y(p[1]) - 3.5, colour)) if dashed else \
                ('<circle cx="%.1f" cy="%.1f" r="4" fill="%s"/>' % (x(p[0]), y(p[1]), colour))
            o.append(shape)
        ly = top + 10 + 18 * k
        o.append('<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s" stroke-width="2"%s/>'
                 % (left + pw + 10, left + pw + 35, ly, ly, colour, dash))
        o.append('<text x="%d" y="%d">%s</text>' % (left + pw + 40, ly + 4, label))
    o.append("</svg>")
    return "\n".join(o) + "\n"


def plot(rows, fixed, vary, cats):
    """Series per (case, side) of rx/tx/fwd, x = size or queues."""
    series = []
    for case in ("rx", "tx", "fwd"):
        for side in SIDES:
            pts = []
            for (c, size, queues, unit), r in rows.items():
                if c != case or side not in r or unit != "Mpps":
                    continue
                if vary == "size" and queues == fixed:
                    xc = str(size)
                elif vary == "queues" and size == fixed:
                    xc = str(queues)
                else:
                    continue
                v = r[side]
                pts.append((xc, statistics.median(v), min(v), max(v)))
            if pts:
                series.append(("%s %s" % (case, side), COLOURS[case], side == "ref",
                               [p for p in pts if p[0] in cats]))
    return series


# --- the report ------------------------------------------------------------

def run(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "(%s: not available)" % cmd[0]


def machine():
    keep = ("Architecture", "CPU(s)", "Model name", "Thread(s) per core", "Core(s) per socket",
            "Socket(s)", "CPU max MHz", "BogoMIPS", "Hypervisor vendor", "Virtualization type",
            "L1d cache", "L2 cache", "L3 cache", "NUMA node(s)")
    lines = [l for l in run(["lscpu"]).splitlines() if l.split(":")[0].strip() in keep]
    return "\n".join(lines + ["", run(["uname", "-a"])])


DOC_TEXT = """# Performance: our netvsc PMD against DPDK 22.11's

Generated by `make bench`, started {date} (the settings are in the
first lines of Results); rerun it to replace this page and its plots. The machine was
{quiet}. Every figure is the median of alternating runs, with the spread
(min..max) beside it: judge the ratios by the spread.

## What is compared

- **ours**: this project's VMBus bus and netvsc PMD (`build/drivers`),
  loaded with `-d` into the DPDK subproject's `dpdk-testpmd` / `dpdk-l3fwd`
  (build/subprojects/dpdk).
- **ref**: DPDK 22.11's own `bus/vmbus` and `net/netvsc`, built from the
  same source (`subprojects/dpdk`) in `build-ref` by
  `devtools/bench.sh --build-ref` (`make build-ref`), with the options
  build/ gives its subproject (devtools/bench_ref_options.py copies them
  from `meson introspect`: release, -O3, platform=generic (-march=corei7),
  the same libraries; only the drivers differ: bus/vmbus, net/netvsc,
  mempool/ring), and its own `dpdk-testpmd` / `dpdk-l3fwd`. The compile
  commands of the libraries and of testpmd are identical but for paths.
  Debian's binaries are not used here.
- Both find hvsim's NICs as they would on Hyper-V: their vmbus bus scans
  `/sys/bus/vmbus` and opens `/dev/uioN`, which hvsim's preload library
  provides. DPDK 22.11's netvsc leaves its queues marked stopped, so
  testpmd would not poll them: the ref side runs with
  `app/test/conformance/qstate_fix.c` preloaded, compiled against build-ref's
  headers (`build-ref/libqstate_fix.so`); it only marks the queues started
  after `rte_eth_dev_start` and is not in the data path.
- Same host for both: hvsim `--busy-poll`, pinned to core 0; the guest's
  forwarding lcore on core 1 (`-l 0-1 --nb-cores=1`, one lcore also for 4
  queues); PA mode (hugepages reserved by the script and given back,
  `--iova-mode=pa`) as root.

## Cases

| case | traffic | figure |
|---|---|---|
| rx | hvsim gen (unlimited, UDP, 64 flows differing in source address and port) -> testpmd rxonly | Mpps: testpmd port RX-packets over the interval |
| tx | testpmd txonly (`set txpkts SIZE`) -> hvsim sink | Mpps: port TX-packets |
| fwd | hvsim gen -> testpmd io -> back to gen (which checks every frame) | Mpps: port TX-packets (forwarded) |
| l3fwd | gen (8 flows, 64 B) -> dpdk-l3fwd LPM, 2 ports, 1 lcore -> sink | Mpps: frames the guest sent on the second NIC (hvsim counter) |
| tso | Linux TCP (netns) -> TAP -> testpmd csum fwd, `tso set 800` -> TAP -> Linux | Gbit/s of TCP payload |
| ipp-rx/tx/fwd | callgrind, 64 B, 1 queue | instructions per packet inside the PMD burst functions |
| class-rx/tx | two testpmd processes over memif, and over virtio-user / vhost-user, 64 B, 1 queue (below) | Mpps: the guest's port RX-packets (class-rx) or TX-packets (class-tx) |

Sizes are frame lengths without FCS. gen's frames carry its own 24-byte
header after UDP (magic, flow, sequence, length, CRC), so its smallest
frame is 66 bytes: the 64 B rows of rx, fwd and l3fwd carry 66-byte frames,
for both sides; tx (testpmd txonly) and class send 64 bytes. Queues: hvsim `--queues N`, testpmd
`--rxq=N --txq=N` (`--rxd=2048 --txd=2048`, 32768 mbufs); with 4 queues
testpmd asks for RSS and hvsim's Toeplitz (table-driven:
app/hvsim/host/host_toeplitz.c) picks the receive channel; the one
forwarding lcore polls all queues.
Each rate is a counter's deltas over a steady interval after a warm-up,
taken in slices of about a second (see "Split by placement").

**Instructions per packet** (`ipp-*`, 64 B, 1 queue): testpmd runs under
`valgrind --tool=callgrind --collect-atstart=no --toggle-collect=RX
--toggle-collect=TX`, where RX/TX are the PMD's burst functions (ours:
`netvsc_rx_burst`, `netvsc_tx_burst`; ref: `hn_recv_pkts`,
`hn_xmit_pkts`), so only instructions executed inside them are counted,
callees included (ring reads, RNDIS parsing, mbuf allocation and free,
copies, completions, signalling); devtools/bench_callgrind.py sums calls
and inclusive instructions over the profile's call edges into them. Not
counted: testpmd's own per-packet work (the same code on both sides) and
hvsim.
- `ipp-tx`: txonly from `start` to `stop` (every tx burst has work),
  divided by the TX-packets testpmd's forwarding engine counted.
- `ipp-rx`, `ipp-fwd`: 2000 gen frames wait in the channel before
  forwarding starts (`--no-flush-rx`), so bursts are as full as the PMD
  makes them. Not more, and not a running stream: DPDK 22.11's netvsc
  drains the whole channel ring in one rx burst into a 2048-entry queue
  (dropping what does not fit), and a host refilling the ring faster than
  valgrind's guest reads it keeps that burst from ever returning. After
  the frames the guest polls empty rings until `stop`; so the profile is
  first dumped after 2 s of empty polls alone, which gives the cost E of an
  empty rx burst call (constant: the run prints it, e.g. 46.0 ours, 162.0
  ref: ours checks for an empty queue and ring before taking the channel's
  lock), and the figure is (rx + tx burst instructions - E x rx burst
  calls) / packets forwarded: the work per packet above an empty poll.
- Valgrind does not map hugepages, so these runs are in VA mode
  (`--no-huge --iova-mode=va`). Instruction counts do not depend on the
  machine's load; they vary a little (a few %) with how the frames fall
  into bursts, and the ref's tx count more, with how often its tx burst
  finds no free descriptor and polls the channel for completions.

**TSO**: the TAPs give hvsim finished frames of at most 1514 bytes (1448
bytes of TCP payload); `tso set 800` makes each of them an LSO send of
the PMD, which hvsim cuts into 800-byte segments (the run checks that
hvsim counted LSO sends). The Linux stacks, TAPs and the single busy core
bound this figure: it shows that TSO runs at speed on both sides, not
which PMD is faster.

## Results

```
{header}
```

```
{table}
```

ours/ref is the ratio of the medians: above 1 means ours is faster for
Mpps and Gbit/s; below 1 means ours executes fewer instructions for
ins/pkt. A `*` marks a row whose ref median run was trapped (under a fifth
of the ref's own best run of the case; see "Reading the figures"): there
the ratio is taken against the ref's best run instead, so it is the
ratio's lower bound, and the goals below count it that way. `paired` is
the median of the ratios of the runs taken back to back (ours #i and ref
#i ran one right after the other, the side going first alternating):
this machine's speed drifts between runs by up to 3x for both sides
alike (the same case, the same side), and a pair sees the same machine
where medians taken apart may not. The goals use the ratio of medians.

**Split by placement** (`@near`): each rx, tx, fwd and class run is
measured in slices of about a second, each followed by the core 0 <-> 1
cache-line round trip taken with the run going on (9 x 2000 round trips:
about 90 ns when the hypervisor has the two vCPUs close, 300-800 ns when
far apart; its 2-15 ms are left out of the rate, not the refill after
them). These rows keep only the slices under {near_ns} ns, pooled over all
runs of a side: both PMDs measured in the same placement, which the
medians above mix in whatever share each run met (each `run:` line below
says how many of its slices were close: `near 2/3`). `slices` counts the
close ones (ours/ref; in the class table, `runs` counts the slices of its
`@near` rows); a side with none has no figure; a `*` as above. The goals
below give both: the medians, as the issue asks, and these (a row counts
there with at least {near_min} close slices a side).

```
{near_table}
```

**The class on this machine** (`class-rx`, `class-tx`): a calibration of
the machine, not a comparison. Issue 7's 25 Mpps goals name the class of
virtio-user / vhost-user and memif; these rows give what that class reaches
here, in the same invocation and the same topology as the hvsim runs: two
testpmd processes, 64 B, 1 queue, the peer (the host's place: txonly for
class-rx, rxonly for class-tx) forwarding on core 0 and serving the socket,
the guest (rxonly, txonly) forwarding on core 1 and connecting to it;
figure: the guest's port counter over the interval, as for rx and tx.
memif is our build's testpmd with its net/memif (peer role=server, guest
role=client); virtio-user is Debian's `/usr/bin/dpdk-testpmd`, built from
the same DPDK version, guest virtio-user against peer vhost-user (the
`net_vhost` PMD), because our build does not build net/virtio or
net/vhost. Rings of 1024 on both, the same memory mode as the other rows.

```
{class_table}
```

The goals set for this work (issue 7), against this run's medians and,
under "cores close", the placement split's:

```
{goals}
```

### What limits the figures

Two things set most figures here, more than either PMD's instructions:
where the hypervisor puts the two vCPUs, and hvsim's work per frame, which
bounds ours at 64 B. Sources (2026-11-26 to 28): `perf record` of hvsim
and of the guest's lcore, hvsim's counters, callgrind (hvsim's figure: busy
hvsim under callgrind in an rx 64 B run of ours, instructions inside
`host_rx_pass` per frame gen handed over). To look again: `BENCH_TRACE=1`
(each slice's rate and the round trip after it), `BENCH_COUNTERS=1`
(hvsim's counters that say who waited: `rxbuf_slots_busy`, `rx_no_slot`,
`rx_ring_full`; testpmd's burst statistics), `BENCH_PROFILE_DIR=DIR`.

#### The machine: where the two vCPUs sit

Every frame crosses between cores 0 and 1 several times: hvsim writes a
receive slot (RNDIS header, PPIs, frame: two cache lines at 64 B, three
with the RSS hash PPIs) that the guest reads, the guest writes a send
section that hvsim reads, and ring indexes go both ways.
`devtools/c2c_latency.c` bounces one cache line between the two cores;
its round trip (`c2c`, printed before each run below) moves between about
60 and 360 ns idle (90 and 730 ns with both cores polling), as the vCPUs
are put near or far apart. The placement also changes within a run: with
`BENCH_TRACE=1` (rx 1518 B, 1 queue, 2026-11-28) both PMDs ran at 7-10
Mpps in the seconds with the cores close and 1.5-3 in those far apart,
switching every few seconds. A run's figure is the share of its seconds
in each state, and a row's bimodal spread is mostly that share: the c2c
before a run explains rather than predicts (rx 64 B: the ref 14.2 Mpps at
352 ns, 8.0 at 94 ns). The slow state is the host's and either PMD gets
it: in 8 alternating pairs at rx 1518 B ours ran 1.8-11.2 Mpps (2 slow
runs), the ref 1.8-10.8 (4). With 3 runs a side a median can be luck:
compare ratios and `paired`, and the placement split (`@near`), which
since 2026-11-29 does by machine what was done here by hand. The round
trip taken during a run is the one that tells (about 90, or 300-800 ns);
the one before it often differs (85 before, 743 during, rx 64 B).

What was done about the line transfers:
- hvsim prefetches for writing (PREFETCHW) the next slots' lines the next
  message is likely to write (as many as the last message's, up to 3).
  Ours rx 64 B: 17.3 Mpps with them, 18.0 without, cores close; 9.9 and
  5.9 far apart. Two lines for a 64 B frame instead of three: 15.1 -> 16.2.
- The PMD prefetches a transfer's next slots and the send sections it
  will fill (PREFETCHW where the CPU has it: DPDK's generic build makes
  `rte_prefetch0_write` a read prefetch), and releases its channel lock
  with a release store, not `rte_spinlock_unlock`'s full-barrier exchange.
- Send sections are reused oldest first, and a burst's sends published
  with one store and one barrier (`rte_vmbus_chan_tx_publish`). Reused as
  a stack, the section the host had just read was refilled at once: tx
  64 B was bimodal until 2026-11-27 (4-9 or 17-27 Mpps; 6.3 -> 23.1).

#### 64 B: hvsim's host loop

In rx runs of ours hvsim counts no `rx_ring_full` or `rx_no_slot`: the
rate is its loop's. The class rows show two cores with a light host (a
few dozen instructions a frame); hvsim spends a few hundred (gen's frame,
checksum, RSS hash, RNDIS message, slots): 744 -> 517 on 2026-11-27, 394
on 2026-11-28, and the rate followed (first step, cores close: rx 13.5 ->
18.8 Mpps, fwd 8.1 -> 11.3, tx 17.1 -> 32.8). Cut: calls across files
(link-time inlining), per-frame ring checks, generic checksum and copy
loops, the inlined RSS hash; a flow's header parse is kept (`hdr_key`), its
RNDIS header and checksum PPI copied from a template as 8-byte stores (a
stack copy's loads waited behind the slot's stores: 24.0-24.7 -> 27.7-29.0
in fast runs). In fwd gen checks a returned frame against the one it made
(243 -> 121). Old fwd 1518 B figures near 0.27 Mpps for both PMDs came
from gen's byte-wise CRC-32 of each returned frame, since replaced.

Now (64 B, 1 queue, cores close, 2026-11-28): rx ours 26-29 Mpps, the ref
26-33, both above the 25 Mpps goal; tx ours 32-39. Beside the ref hvsim's
buffer is nearly all lent (16-18 thousand of 18811 slots): the ref's guest
is the limit. Beside ours it holds a few transfers' worth, and 12-18 % of
the guest's samples sit on its empty-ring test's load of the host's write
index: ours waits for hvsim, which waits on slot lines coming back from
the guest's core. So rx 64 B on 1 queue says little about the PMDs; with
4 queues on one lcore, fwd and l3fwd the ratios open. Left on the host:
the same work a burst at a time instead of a frame at a time.

#### 512 and 1518 B: copies

memmove (gen's pattern, frames into slots) and the gather of the guest's
sends (`host_nvsp_gather`) lead hvsim's profile; both PMDs are bounded
alike. At 512 B gen building frames (`gen_peek`) is a quarter of hvsim's
time. hvsim hands slots out in order and goes back to slot 0 after 4 MiB
of messages: a 64 B lap is the whole 31 MiB buffer, a 1518 B one about
2600 slots. While every lap was the whole buffer (about the L3; until
2026-11-27 evening) ours rx 1518 B took about 3.2 Mpps; memif moves such
frames between the same cores at about 11. Laps at rx 1518 B (ours,
2026-11-28): 1 MiB 1.6 Mpps every run (the host meets lines still in the
guest core's cache); 4 MiB 1.9, 11.2, 11.4, 11.3; 8 MiB 11.0, 2.1 and
11.4 four times; 16 MiB 2.3-6.6 (it spills to memory).

At rx 512 B on 1 queue the ref leads (fast runs, 2026-11-28: ours
12.5-14.9 Mpps, the ref 15.6-16.1). Both guests wait for the host (99 %
and 96 % of rx bursts empty) and ours does not hold hvsim, yet hvsim runs
slower beside ours, with more time on stores into slots; the cause is not
found. On 1 queue rx moves with the machine more than with the PMD.

tx 1518 B: the host's copy out of the guest's section (61 % of hvsim) is
bound by moving lines between the cores. Our tx_copybreak defaults to a
send section (6144 B): four 1518 B frames share a section the host reads
from the guest's cache and completes at once (2026-11-27: 4.96 and 5.94
Mpps against 2.20 and 2.44 with DPDK's 512 on 1 queue, 3.00 against 1.92
on 4; fwd within spread). With the settings alternated and split by
placement (cores close) copying gave 8.06 and 7.38 Mpps at tx 1518 B
against 2.72 and 2.75 at 512 (the two make bench runs of 2026-11-29).
The ref keeps 512, as a user gets it; `tx-copybreak-512` is ours with it.
The guest's copies of 256 B and up use rte_memcpy's AVX2 body (4.6-9.0
against 4.0-6.9 Mpps generic).

#### fwd: taking turns

At 64 B (fast runs 13-15 Mpps) 99 % of the guest's rx bursts come back
empty, the rest full: the guest waits half its time on hvsim's loop, about
825 instructions a forwarded frame (receive pass 405, gen's frame 100 of
it; the guest's send 350, gen's check 140 of it). Its time goes to line
transfers (70 % of `host_rxbuf_alloc` on its `prefetchw` of slots ahead);
nothing stood out to cut. The sides take turns in long swings: sampled
every 10 ms, hvsim's buffer is either nearly all lent (18795 of 18811
slots, about 290 transfers ahead) or nearly none. In the first state the
guest's send completions sit behind those transfers: at `--txd=2048` it
runs out of descriptors and testpmd's io engine drops 0.05-6 % of frames
(gen's `lost`); `--txd=4096` loses none. Our tx burst reads completions
only when its queue runs short or holds GPA sends (reading every time
moved fwd's rx work into tx).

#### Instructions per packet

Last by hand (2026-11-27 and 28): ipp-rx 184, ipp-tx 239, ipp-fwd 434;
the ref 375, 591, 949. rx is the checks every host message passes
(transfer, RNDIS, PPIs: about 80) and the copy into an mbuf. Kept: the
usual message and PPI record taken inline in three compares each; PPIs
as a bit set, checksum flags from a table; raw mbufs, rx fields set in two
8-byte stores (`rte_pktmbuf_reset` cost 12); small frames copied as fixed
64/96/128 B blocks (rte_memcpy's dispatch cost 40); `netvsc_rx_xfer.c`
also built for AVX2, picked at probe (`netvsc_simd.c`): 16 a frame (ipp-rx
200 with `--force-max-simd-bitwidth=128`); hidden symbols. tx: an RNDIS
header template per queue, plain frames freed in one
`rte_mempool_put_bulk` (`rte_pktmbuf_free_bulk` cost 45), one completion
per section of up to 8 frames. Prefetches cost about 10 a packet and pay
in time: what stalls the guest is memory, not instructions.

#### Tried and dropped

- hvsim writing slots with streaming stores: slots left in DRAM; the ref's
  rx halved and fwd 512 B stalled, ours fwd 1518 B 1.9 -> 0.45 Mpps.
- hvsim asking early for all of a slot's lines (up to 27): no change.
- Other laps (1024 slots cost rx 64 B 15 %; 1-16 MiB above). Not the slow
  1518 B state's cause: huge pages for the receive buffer, a spare slot
  after messages over 1 KiB, slot copies by `rep movsb`.
- The guest's tx copies of 1 KiB and up as streaming stores: 2.3-3.1
  against 6.4-9.1 Mpps at tx 1518 B.
- tx 1518 B: fewer sections in use; hvsim prefetching the next frame or
  section; the guest the next frame's lines: no gain shown.
- The PMD caching the host's ring indexes: no change (it waits there).
- hvsim lending at most 256-2048 slots in fwd: no drops, the same rates.
- hvsim parsing a send section in place: gen's check waits line by line.
- A tx queue short of descriptors reading past received frames at once:
  fewer drops, median 10.2 against 13.7 Mpps.
- Pausing on an empty rx poll: 45 times fewer bursts, no faster host.
- Zero-copy receive (`rx_extmbuf_enable=1`): within the spread
  (doc/netvsc.md); cores close, 2026-11-29, two runs: fwd 512 B 7.01 and
  7.59 against 6.67 and 6.94 Mpps copied, 1518 B 3.13 and 2.60 (1 slice)
  against 3.93 and 3.89. The make bench of 2026-11-29
  morning showed it 2.9 times faster at 512 B only because the two
  settings ran one after the other while the machine changed state;
  they take turns run by run since.

![Mpps vs frame size, 1 queue](perf-size.svg)

![Mpps vs queue count, 64 B](perf-queues.svg)

Every run, as the command printed it:

```
{raw}
```

## Machine

```
{machine}
```

## Commands

```
make bench          # = make build build-ref, then:
bash devtools/bench.sh --doc doc/performance.md
```

Knobs (environment): `BENCH_RUNS` (3), `BENCH_SECONDS` (3),
`BENCH_WARMUP` (1), `BENCH_SIZES` (64 512 1518), `BENCH_QUEUES` (1 4),
`BENCH_CASES` (rx tx fwd l3fwd tso ipp devargs class), `BENCH_SIDES` (ours ref;
class has its own sides, memif and virtio-user, each skipped when not installed),
`BENCH_IPP_PACKETS` (2000), `BENCH_IPP_RUNS` (3), `BENCH_TSO_MIB` (256),
`BENCH_PROFILE_DIR` (keep the ipp runs' callgrind profiles there),
`BENCH_NEAR_NS` (200: the placement split's round trip; 0: no split, one
unbroken interval),
`BENCH_TRACE=1` (rx, tx, fwd, class: each slice's rate and the round trip after it).
A whole run took 16 to 20 minutes on the quiet 2-core machine (18 on
2026-11-27 with the class case, which adds about a minute and a half).

`make test` builds build-ref (its prerequisite `build-ref`: about 105 s
from scratch on the quiet 2-core machine, 409 s at load average 11; then
under a second when nothing changed) and runs a short smoke of the same
script for both sides (app/test/integration/bench_smoke.sh: rx, tx, fwd,
l3fwd, TSO once each at 64 B, and the report into a temporary directory;
about 45 s).

## Reading the figures

- DPDK 22.11's netvsc receives by draining the whole channel ring into
  a per-queue software ring in one rx burst (`hn_process_events` loops
  until the channel ring is empty; frames that do not fit are dropped),
  then hands out up to a burst from the software ring. When the host
  refills the ring faster than the guest drains it (a busy-polling host
  against a guest slowed by a busy machine), that rx burst does not
  return until the host stops, and the port's counters stand still (under
  valgrind this always happens). The likely cause of a ref figure near
  0 Mpps in a noisy run (seen once, rx 64 B on 4 queues at load average
  ~10; the same case gave 1.15 Mpps minutes later). Ours reads at most 256 channel packets per
  call and leaves frames in the host while its receive queue is full.
  With hvsim faster (this round), the ref's fwd at 64 B shows the same
  trap in some runs: its rx burst keeps draining while its tx waits for
  completions queued behind the frames, and the run's figure falls below
  1 Mpps (see the spread). It is the ref's receive design meeting a fast
  host, not a fault of the host: hvsim counts no errors in those runs and
  the same host gives ours its usual figure between them.
- The TSO figure is bounded by the Linux stacks and TAPs (see above).
"""


def near_ns(header):
    """The placement split's threshold, from bench.sh's settings line."""
    m = re.search(r"BENCH_NEAR_NS=(\d+)", header)
    return m.group(1) if m else "200"


def doc(order, rows, path, header_path):
    header = open(header_path).read().rstrip() if os.path.exists(header_path) else ""
    with open(header_path + ".raw") if os.path.exists(header_path + ".raw") else open(os.devnull) as f:
        raw = f.read().rstrip()
    m = re.search(r"load average ([0-9.]+) ([0-9.]+) ([0-9.]+)", header)
    start = m.group(1) if m else None
    quiet = "busy" if start is None or float(start) > 1.0 else "quiet"
    quiet += " (load average %s when it started; the benchmark itself keeps about two\ncores busy)" % (start or "unknown")
    # The run's own start time (its first header line), else now.
    when = re.search(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}):\d{2}Z", header)
    date = ("%s %s UTC" % when.groups() if when else
            datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"))
    text = DOC_TEXT.format(date=date,
                           quiet=quiet, header=header, table=table(order, rows), raw=raw,
                           class_table=class_table(order, rows) or "(class not run)",
                           near_table=near_table(order, rows) or "(no slice had the cores close)",
                           near_ns=near_ns(header), near_min=NEAR_MIN_SLICES,
                           goals=goals(order, rows),
                           machine=machine())
    d = os.path.dirname(path) or "."
    with open(path, "w") as f:
        f.write(text)
    sizes = sorted({k[1] for k in order if k[0] in ("rx", "tx", "fwd")})
    queues = sorted({k[2] for k in order if k[0] in ("rx", "tx", "fwd")})
    charts = (("perf-size.svg", "Mpps vs frame size, 1 queue (ours solid, ref dashed)",
               "frame size (bytes, without FCS)", 1, "size", [str(s) for s in sizes]),
              ("perf-queues.svg", "Mpps vs queue count, 64 B (ours solid, ref dashed)",
               "queues", 64, "queues", [str(q) for q in queues]))
    for name, title, xlabel, fixed, vary, cats in charts:
        series = plot({k: rows[k] for k in order}, fixed, vary, cats)
        if series and cats:
            with open(os.path.join(d, name), "w") as f:
                f.write(svg_chart(title, xlabel, "Mpps (median; bar: min..max)", cats, series))


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "table":
        order, rows = load(sys.argv[2])
        tables = [table(order, rows)] if any(not is_class(k) for k in order) else []
        tables += [t for t in (near_table(order, rows), class_table(order, rows)) if t]
        print("\n\n".join(tables))
    elif len(sys.argv) == 5 and sys.argv[1] == "doc":
        order, rows = load(sys.argv[2])
        doc(order, rows, sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
