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


def table(order, rows):
    head = ("case", "size", "queues", "unit", "ours median (min..max)",
            "ref median (min..max)", "ours/ref", "paired", "runs")
    lines = [head]
    for key in order:
        if is_class(key):
            continue
        case, size, queues, unit = key
        r = rows[key]
        n = max(len(v) for v in r.values())
        lines.append((case, str(size), str(queues), unit, cell(r.get("ours")),
                      cell(r.get("ref")), ratio(key, r), paired(r), str(n)))
    return columns(lines)


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


def median_of(rows, case, size, queues, side):
    for (c, sz, q, _unit), r in rows.items():
        if (c, sz, q) == (case, size, queues) and side in r:
            return statistics.median(r[side])
    return None


def goals(order, rows):
    """Issue 7's goals, each against the figure this run measured."""
    lines = [("goal", "figure", "met")]

    def absolute(what, case, size, want):
        v = median_of(rows, case, size, 1, "ours")
        if v is None:
            return
        fig = "%s Mpps" % fmt(v)
        cls = [(s, median_of(rows, "class-" + case, size, 1, s)) for s in CLASS_SIDES]
        cls = ["%s %s" % (s, fmt(m)) for s, m in cls if m is not None]
        if cls:
            fig += " (class here: %s)" % ", ".join(cls)
        lines.append((what, fig, "yes" if v >= want else "no"))

    absolute("rx 64 B, 1 queue >= 25 Mpps", "rx", 64, 25)
    absolute("tx 64 B, 1 queue >= 25 Mpps", "tx", 64, 25)
    absolute("loop (fwd) 64 B, 1 queue >= 16 Mpps", "fwd", 64, 16)
    absolute("rx 1518 B >= 9 Mpps", "rx", 1518, 9)
    absolute("tx 1518 B >= 9 Mpps", "tx", 1518, 9)
    mpps = [k for k in order if k[3] == "Mpps" and k[0] in ("rx", "tx", "fwd")
            and "ours" in rows[k] and "ref" in rows[k]]
    if mpps:
        rs = [(ratio_value(k, rows[k]), k) for k in mpps if ratio_value(k, rows[k]) is not None]
        low = min(rs)
        lines.append((">= 1.5x the ref's Mpps, every direction and size",
                      "%d of %d rows; lowest %.2f (%s %d B, %d q)" %
                      (sum(1 for r, _ in rs if r >= 1.5), len(rs), low[0], low[1][0],
                       low[1][1], low[1][2]), "yes" if low[0] >= 1.5 else "no"))
    for k in order:
        if k[3] == "ins/pkt" and ratio_value(k, rows[k]) is not None:
            r = ratio_value(k, rows[k])
            lines.append(("%s <= 0.5x the ref's instructions" % k[0], "%.2fx" % r,
                          "yes" if r <= 0.5 else "no"))
        if k[0] == "l3fwd" and ratio_value(k, rows[k]) is not None:
            r = ratio_value(k, rows[k])
            lines.append(("l3fwd >= 1.3x the ref", "%.2fx" % r, "yes" if r >= 1.3 else "no"))
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
                if c != case or side not in r:
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
Each rate is a counter's delta over a steady interval after a warm-up.

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

The goals set for this work (issue 7), against this run's medians:

```
{goals}
```

### What limits the figures

From `perf record` of hvsim and of the guest's forwarding lcore during
single cases, hvsim's own counters, and callgrind of hvsim itself
(2026-11-26 and 27, same machine; `BENCH_PROFILE_DIR=DIR` keeps the
callgrind profiles of the ipp runs):

- **Where the two cores sit.** Every frame crosses from one core to the
  other several times: hvsim writes a receive slot (RNDIS header, PPIs,
  frame: two cache lines at 64 B on 1 queue, three with the RSS hash
  PPIs) that the guest then reads, the guest
  writes a send section that hvsim then reads, and ring indexes go both
  ways. `devtools/c2c_latency.c` bounces one cache line between cores 0
  and 1; on this VM its round trip moves between about 60 and 360 ns from
  one run to the next (the hypervisor places the two vCPUs near or far
  apart), and bench.sh prints it before each run (`c2c` in the run lines
  below). On 2026-11-26 it explained most of the spread: with a long
  round trip (~350 ns) runs were slow for either PMD (rx 64 B: 5-9 Mpps),
  with a short one (~60-100 ns) most reached 10-14. It is measured just
  before a run and can change during it, so it explains rather than
  predicts. Compare ratios of medians, not single runs. On the afternoon
  of 2026-11-27 rx 64 B on 1 queue split by placement again: ours 17-18
  Mpps in runs after a round trip near 90 ns, 6-10 after one near 330 ns,
  hvsim never waiting for the guest either way (its time on stores queued
  behind the receive-slot lines). Hand comparisons must be split the same
  way: one that was not pointed the wrong way (below).
- **A spread c2c does not explain.** With 2026-11-27's leaner paths, fast
  and slow runs come at both round trips (rx 64 B: the ref 14.2 Mpps at
  352 ns and 8.0 at 94 ns). tx 64 B was bimodal until 2026-11-27: the
  same build gave ours 4-9 Mpps in some runs and 17-27 in others, at short
  and long round trips alike. In the slow mode the host waited for the
  guest (a fifth of the sends came with a signal, against 2 % in fast
  runs), and `perf` put half of the guest's tx time on its first stores
  into a send section. The PMD reused free sections as a stack: the
  section the host had just completed, whose lines the host's core had
  just read, was refilled at once, so every store waited for its line to
  come back, and the faster the host, the more the guest waited: a stable
  slow state. Sections are now reused oldest first (a ring), and the
  burst's sends are shown to the host with one index store and one barrier
  (`rte_vmbus_chan_tx_publish`), not one per send. Alternating runs by
  hand, stack against ring: tx 64 B 6.3 against 23.1 Mpps (medians of 3;
  the ring's 8-run sets ranged 11-30.6), tx 512 B, fwd 64 and 512 B within
  the spread.
- **What was done about it.** Both sides now ask for those lines early:
  hvsim prefetches the next receive slots for writing (PREFETCHW, slots
  are handed out in order), the PMD prefetches the slots of the next
  messages of a transfer before parsing them and the send sections it is
  about to fill (PREFETCHW where the CPU has it: DPDK's generic build
  makes `rte_prefetch0_write` a read prefetch), and releases its channel
  lock with a plain release store (DPDK's x86 `rte_spinlock_unlock` is an
  exchange, a full barrier that waited for every store of the burst).
  Tried and dropped: writing receive slots with non-temporal stores. It
  made hvsim faster, but left every slot in DRAM for the guest; DPDK
  22.11's netvsc, which reads slots without prefetching, fell to half its
  rx rate and stalled in fwd. A real host's copies leave the data in a
  cache, so hvsim writes normally. Tried on 2026-11-27 and not kept:
  hvsim without its early requests for the next receive slots. With the
  two cores close (c2c under 100 ns) it delivered a little more (ours,
  rx 64 B, alternating runs by hand: 18.0 against 17.3 Mpps, medians of
  6 and 5), with them far apart (c2c about 330 ns) much less (5.9 against
  9.9, 2 and 3 runs): the early requests are what lets the far case
  overlap its line transfers. rx 1518 B was the same either way. A first
  comparison that mixed the two placements had pointed the other way.
  Since 2026-11-27 evening hvsim asks early only for the lines the next
  message is likely to write (the last message's, up to three): a 64 B
  frame with its checksum PPI is a 126-byte message, two lines, and the
  third line it used to claim for writing was never written (rx 64 B on 1
  queue, ours, alternating runs by hand with the cores close: 16.2
  against 15.1 Mpps, medians of 6; fwd 64 B within its spread).
- **hvsim's host loop, 64 B: the bound for ours.** During rx runs of ours
  hvsim's counters show no `rx_ring_full` and no `rx_no_slot` over the
  interval: it never waits for the guest, so the rate is the host loop's.
  The class rows above show what two cores do here with a light host:
  memif and virtio-user's peer spend a few dozen instructions a frame.
  hvsim spends several hundred: gen's frame, the checksum verdict, the RSS
  hash, the RNDIS message, slot bookkeeping. Measured with callgrind of
  hvsim itself (busy hvsim under valgrind during an rx 64 B run of ours;
  the instructions inside `host_rx_pass`, which holds all of a frame's
  work, per frame gen handed over), 2026-11-27 evening: 744 -> 534. hvsim
  is now built with link-time inlining (release gcc builds: its loop calls
  across files for every frame); an IPv4 header is summed as five 32-bit
  words; the guest's ring is asked for room every 16 ranges, not every
  frame; the backend's frame is peeked at once, not again to consume it;
  the RSS hash is computed out of line behind an inlined test of whether
  the guest's RSS covers the frame (inlined whole, its registers spilled
  for every frame); gen sets its constant frame fields once. gen's check of
  frames coming back (fwd) and the sink's lost their generic checksum loop
  the same way. Late that evening: 534 -> 517 (frames up to 256 B copied
  in 16-byte words instead of a libc call each, a PPI record one 16-byte
  store, the usual one-slot allocation tested first); the sink's check of
  a foreign frame (tx) 107 -> 99 (checksum folds in fixed steps, the IPv4
  header's five words unrolled). The host's rate follows its instructions: alternating
  runs by hand (ours, cores close), the build of the afternoon against the
  evening's: rx 64 B 13.5 against 18.8 Mpps (medians of 5; the new build
  won all 5 pairs), fwd 64 B 8.1 against 11.3 (3 pairs, all won), tx 64 B
  17.1 against 32.8 (3 pairs; the row is bimodal). With the host the
  limit, rx 64 B on 1 queue says little about the PMDs: the ref meets the
  same bound when it keeps up; where the guest's work counts (4 queues
  polled by one lcore, fwd, l3fwd) the ratios open up. In the make bench
  of 2026-11-27 20:09, the first with this host, the ref's rx medians on 1
  queue came out above ours (0.91, 0.76, 0.70 at 64, 512, 1518 B), and
  alternating runs by hand at 512 B right after gave the same order (ref
  13.0-15.8, ours 10.9-12.7 Mpps; later runs fell to about 3.6 for both
  together). hvsim did not wait for ours in those runs (no `rx_no_slot`,
  no `rx_ring_full`): hvsim itself ran slower beside our guest. Later
  alternating runs (20:55) did not repeat the order: rx 512 B ours 11.0,
  11.4, 13.0, 12.4 against the ref 9.7, 13.4, 3.7 (our generic build
  12.1-13.7, a little ahead of our AVX2 build); rx 64 B ours 21.7, 22.4,
  11.6 against 25.0, 10.0, 7.6 (the host now delivers 25 Mpps when the
  guest keeps up); rx 1518 B ours 10.3 twice with the cores close, and
  both PMDs about 2 Mpps in runs after a round trip near 330 ns (the ref
  once also at 108 ns): with the cores far apart, the slot lines are in
  the other core's cache when hvsim comes back to them. On 1 queue rx
  moves with the machine more than with the PMD. What is left
  on the host side for the 25 Mpps goals (about 40 ns a frame) is the same
  work done a burst at a time (prebuilt frames, one pass over a burst's
  headers) rather than a frame at a time; at 512 B, gen building each
  frame (`gen_peek`, its pattern copied in) is about a quarter of hvsim's
  time (`perf`). 2026-11-28: 505 -> 394 (505 measured the same way at
  the start of that session). What the rx pass parses of a frame's
  headers (L3 offset, VLAN strip, L4 protocol, the IPv4 header's verdict)
  is kept by `hdr_key`, which a backend may set on frames whose headers up
  to the L4 header's end repeat (gen: one key a flow; unit tests hold gen
  to that byte for byte, and the host to reusing a parse only for its own
  key and length); the usual frame of such a key (one segment, no tag, no
  RSS) gets its RNDIS header and checksum PPI copied from there, made once
  per checksum verdict. And the header goes into the slot as 8-byte
  stores of its fields: built on the stack and copied, the copy's 16-byte
  loads of 4-byte stores could not be forwarded and waited behind the
  stores to the slot, whose lines come from the guest's core (`perf`:
  about two thirds of `host_rx_pass`'s samples there). Alternating runs
  by hand (ours, rx 64 B, 1 queue, 6 pairs), before the stores against
  after: 24.0, 24.3, 24.6, 24.7 against 23.9, 27.7, 28.4, 29.0 Mpps in the
  runs with the machine quiet (each side also had two runs at 9-13). For
  fwd, gen compares a frame that comes back with what it made for that
  flow and sequence number before parsing it (only a frame that differs
  is parsed, to say how): gen's check 243 -> 121 instructions a frame,
  hvsim's whole fwd work 1005 -> 818.
- **512 and 1518 B: copies on the host, and where they land.** memmove
  (gen's pattern, copies into receive slots) and the gathering of the
  guest's GPA sends (`host_nvsp_gather`, page-by-page translation) lead
  hvsim's profile; both PMDs are bounded alike there. hvsim hands out
  receive slots in order. Until 2026-11-27 it went through the whole
  31 MiB buffer, about the size of this machine's L3, so at 1518 B every
  slot came from memory. memif moves 1518-byte frames between the same two
  cores at about 11 Mpps (a hand run, 2026-11-27) through a ring that
  stays in cache. A first trial cycled through the first 1024 slots
  (1.7 MiB) whenever slot 0 was free: ours rx 1518 B went from 3.0-3.3 to
  7.9-8.1 Mpps with the cores close, but rx 64 B lost about 15 %: its
  messages came back to lines the guest's core had just read. Since the
  evening of 2026-11-27 the lap is counted in bytes: the slots go back to
  slot 0 once the messages since the last time there have written 4 MiB
  (and slot 0 is free). A 64 B frame's message is 126 bytes, so its lap
  is still the whole buffer (18811 slots, 2.4 MB written): nothing changes
  there; a 1518 B frame's lap is about 2600 slots. Alternating runs by
  hand (ours, 1 queue), before against after: rx 1518 B 3.2, 3.2, 3.4
  against 6.1, 9.0, 6.0 Mpps (the last two with the cores far apart, c2c
  335 ns); rx 512 B in a wide spread either way (4.8, 5.3, 4.6 against
  9.3, 3.9, 3.5; laps of 1, 2 and 8 MiB could not be told apart there).
  A 2 MiB lap gave one run of 1.4 Mpps at 1518 B among 6.8 and 8.9, and
  would shorten the 64 B lap. 2026-11-28, rx 1518 B on 1 queue, ours
  only (runs of one invocation, hvsim built with the lap shown): 1 MiB
  1.57-1.61 Mpps in all 6 runs; 4 MiB 1.9, 11.2, 11.4, 11.3; 8 MiB 11.0,
  2.1, 11.4, 11.4, 11.4, 11.4; 16 MiB 2.3-6.6. A short lap is slow every
  time: the host comes back to slot lines still in the guest core's
  cache, and each store takes its line back from there. At 4 or 8 MiB the
  lines have usually left, not in every run; past that the lap spills to
  memory. In that day's make bench the ref stayed near 9 Mpps in every
  run while ours had the slow state in all three (and in 3 of 4 of a
  second invocation). Later the same day, 8 alternating pairs by hand
  (one bench.sh run each, the machine otherwise idle): ours 8.5, 11.2,
  11.0, 10.9, 11.2, 6.2, 10.6, 1.8 Mpps; the ref 9.3, 10.4, 10.8, 2.3,
  1.9, 10.5, 1.8, 2.0. The slow state is the host's, and either PMD gets
  it: in a few runs of 3 each, a row's median is the luck of which
  runs hit it. Not the cause either (ours, alternating runs by hand):
  transparent huge pages for the receive buffer's tmpfs file
  (`shmem_enabled=force`, 6 pairs at 1518 B and at fwd 64 B), a free slot
  left after each message of more than 1 KiB (5 pairs), the frame
  copied into its slot by `rep movsb` (6 pairs). Where a real host puts
  frames is its own business; the guest is the same either way. Tried for tx 1518 B and not
  kept (ours, 3 pairs each): the PMD using no more send sections than
  descriptors, or at most 512 (its writes then stay in cache), and hvsim
  prefetching a send section ahead of its copy (`rep movsb` out of the
  guest's section is 61 % of hvsim's time there): no gain either. tx 1518 B by GPA page
  ranges (DPDK's tx_copybreak of 512, ours until 2026-11-27): gathering
  the guest's frame (`host_nvsp_gather`, an inlined `rep movsq`) is about
  three quarters of hvsim's time, half of it stalled on the frame's first
  line. Tried by hand and not kept (2026-11-27): reading the next packet's
  descriptor ahead in the ring and prefetching its frame while the current
  one is copied, and prefetching each page piece before copying it. The
  stall moved from the first line to the last, the rate did not (ours 2.1
  against 2.3 Mpps, 4 runs each): the copy is bound by moving the lines
  between the cores, not by waiting for the first one. What changed it
  is the guest: our tx_copybreak now defaults to a send section (6144 B),
  so a 1518 B frame is copied into a section, four to a section, which
  the host reads from the guest's cache and completes four frames at a
  time; by hand, 2026-11-27 (ours, 3 runs each, copybreak 6144 against
  512): tx 1518 B 4.96 and 5.94 against 2.20 and 2.44 Mpps on 1 queue,
  3.00 against 1.92 on 4; fwd 1518 B within its spread (1.49 and 1.69
  against 1.62 and 1.77). The ref keeps its own default (512), as a user
  gets it; `tx-copybreak-512` below is ours with DPDK's setting.
- Tried again and dropped, 2026-11-27: streaming (non-temporal) stores
  for frames of 256 B and more only (small ones as before). rx 1518 B rose
  from about 2.9 to about 5 Mpps on both sides, now guest-bound (hvsim
  counted `rx_no_slot`), but fwd fell: ours 1518 B 1.9 -> 0.45 Mpps, and
  the ref's fwd 512 B stalled (0.002 Mpps) as in the first trial.
- Tried and dropped, 2026-11-28 (ours, alternating runs by hand): the
  guest's tx copies of 1 KiB and more as streaming stores (`vmovntdq`,
  an `sfence` before the send is published) took tx 1518 B to a steady
  4.3-4.5 Mpps in 5 runs, against 9.6 once and 3.1-3.4 four times for
  the cached copy; hvsim reading the next guest packet's descriptor
  ahead and prefetching its send section: fwd 64 B (14 pairs)
  14.1-15.0 against 13.8-14.5 Mpps in the fast runs, 6.6-8.8 against
  5.7-7.9 in the slow ones (both had slow runs with the cores close
  too): within the spread. `perf` on busy hvsim in fwd 64 B: 70 % of
  `host_rxbuf_alloc`'s samples sit on its `prefetchw` of slots ahead,
  and most of `host_rx_pass`'s on the stores into slots: the host waits
  for lines to come back from the guest's core, not for instructions.
- **Placement changes within a run** (2026-11-28, `BENCH_TRACE=1`, which
  prints each second's rate and the round trip measured right after it,
  with the run going on). rx 1518 B on 1 queue, 4 runs of 8 s per side,
  alternating: both PMDs ran at 7-10 Mpps in the seconds whose round trip
  came out near 90 ns and at 1.5-3 Mpps in those near 730 ns (the round
  trip measured while both cores poll; about 330 ns idle), and the
  placement switched within most runs, every few seconds. A run's figure
  is the share of its seconds in each state, so the spread of a row is
  mostly that share. Tried in the far state and not kept (ours, 3 runs of
  8 s each way): hvsim asking early for all of a slot's lines (up to 27,
  not 3): 2.0-2.9 Mpps either way; zero-copy receive
  (`rx_extmbuf_enable=1`, the guest reads no frame bytes): 2.8-5.9
  against 2.1-3.2, and 7.3-9.4 against 4.3-11.1 close, one pair: within
  the spread, and off by default for its trade-off (doc/netvsc.md).
- **Who waits, 64 B on 1 queue** (2026-11-28 afternoon, the machine
  in its fast state: c2c near 90 ns in most runs; `BENCH_COUNTERS=1`
  prints hvsim's counters at the end of each interval). rx: ours 26-29
  Mpps, the ref 26-33, both above the 25 Mpps goal; tx: ours 32-39; fwd:
  ours 12-14. In rx runs of the ref hvsim's receive buffer was nearly all
  lent out (16-18 thousand of 18811 slots): the ref's guest is the limit.
  In ours it held a few transfers' worth (128 to 2304 slots) and the
  guest's lcore spent 12-18 % of its samples (`perf`) on the load of the
  host's write index in its empty-ring test: ours waits for the host,
  whose time goes to stores into slot lines that come back from the
  guest's core (`host_rx_pass`, `host_rxbuf_alloc`'s early requests).
  Tried and not kept: the PMD keeping the host's ring index it last read
  (rx: the write index, read again only once it has read up to it; tx:
  the read index, read again only when the room it gives is short), so
  that the shared header line is read less. Alternating builds by hand,
  4 pairs each: tx 64 B 34.6, 31.7, 36.0, 33.8 against 33.9, 34.9, 31.8,
  38.1 Mpps; fwd 64 B 13.3, 13.5, 13.2, 13.1 against 13.8, 13.3, 13.8,
  13.3; and the time on that load stayed (the ring is empty when it is
  read: it is where the guest waits, not a cost on top). In fwd the
  host's time is spread over the same kind of line transfers (gen's check
  of a returned frame reads it where the guest wrote it, the gather, the
  slots); nothing stood out to cut.
- **fwd 64 B: the host's loop, and how the two sides take turns**
  (2026-11-28 evening; fast runs 13-15 Mpps). testpmd's burst statistics
  (`set record-burst-stats on`): 99 % of the guest's rx bursts come back
  empty and the others full (32), so the guest waits about half its time:
  hvsim's loop is the bound (about 825 instructions a forwarded frame,
  callgrind of busy hvsim: the receive pass 405 with gen making the frame
  100, the guest's send 350 with gen's check 140, completions and the pass
  the rest). hvsim's counters sampled every 10 ms swing between two
  states: its receive buffer nearly all lent (18795 of 18811 slots, about
  290 transfers of 64 frames ahead of the guest) and nearly none (128).
  In the first the guest's send completions sit behind those transfers in
  its ring, so with `--txd=2048` (16384 frames at 8 a send) it runs out of
  descriptors and testpmd's io engine drops what it cannot send (0.05-6 %
  of a run's frames, gen's `lost`); `--txd=4096` loses none at the same
  rate. Tried and not kept (alternating runs by hand): hvsim lending at
  most 256, 512 or 2048 slots (no drops, the same rates: 12.1-13.9
  against 11.1-14.6 Mpps in 6 pairs at 256); hvsim reading a send
  section where it lies instead of copying it first (the copy is the
  host's one bulk read of the guest's lines; parsed in place, gen's check
  waits for them one by one: fwd 64 B 13.9-14.2 against 14.3-14.9 fast,
  tx 1518 B no gain); the guest's tx copies of 1 KiB and more as
  streaming stores again (2.3-3.1 against 6.4-9.1 Mpps, 5 pairs); the
  guest asking for the lines the burst's next long frame will fill as it
  finishes one (tx 1518 B: 12 of 16 pairs won at first, medians 8.1
  against 6.1 Mpps, then 4 of 10 with the fast state back, 8.9 against
  7.2: not shown); a tx queue out of descriptors reading past the
  received frames at once instead of after 20 ms (6 pairs at `--txd=2048`:
  2.4-11 thousand frames dropped against 18-110 thousand, but 7.0-14.4
  Mpps, median 10.2, against 6.6-14.1, median 13.7: the transfers read
  ahead are copied aside and read again). With the cores close, tx 1518 B
  reached 8.3-10.0 Mpps in most runs of either build.
- Found and fixed earlier: gen checked every frame coming back with a
  byte-at-a-time CRC-32 and a 16-bit checksum loop, 47 % of hvsim's time
  at 1518 B, which held fwd at 0.27 Mpps for both PMDs. It now compares
  the payload with its own pattern (memcmp) and uses the pattern's
  precomputed sums.
- **The guest's instructions per packet** (callgrind, `ipp-*`): rx is
  dominated by the checks every host message passes (transfer, RNDIS
  message, PPIs: about 80 instructions a frame) and the copy into an mbuf
  (a fixed 64-, 96- or 128-byte block copy for small frames, where both
  buffers have the room: rte_memcpy's size dispatch took about 40). An
  mbuf taken raw from the pool already has its link, segment count and
  reference count reset, so only the rx fields are written
  (`rte_pktmbuf_reset` cost about 12 a frame). 2026-11-27, second round
  (ipp-rx 291 -> 234, ipp-tx 247 -> 224, ipp-fwd 550 -> 469; the ref
  375, 591, 949): the packet gate (RNDIS header, PPIs) is inline in the
  rx loop, so its view of the message stays in registers; a frame that
  fits one mbuf skips the chain loop; checksum flags come from a 64-entry
  table; frames go straight into the caller's array (the rest of a
  transfer waits in the queue for the next burst); the size-bin xstats
  are a table lookup; the ring's small copies (descriptor, NVSP message,
  completion) are fixed-size moves, not C library calls. And a tx burst
  no longer reads the channel for completions every time, only when the
  queue runs short (half its sections or descriptors) or holds mbufs for
  GPA sends: in fwd it read ahead every frame waiting in the ring, which
  then sat in the rx queue while the next rx burst took them (fwd's
  rx work happened inside tx). The prefetches above cost about 10 a
  packet and pay for themselves in time: what stalls the guest is memory
  (the first touch of host-written receive slots, the first write to
  host-read sections), not instructions. tx: a per-queue template of the
  plain RNDIS header (no offloads: only the lengths change), the copy
  into the send section, and the frames of a section handed back to their
  pool in one `rte_mempool_put_bulk` when they are plain (direct, one
  segment, one pool, not shared; else `rte_pktmbuf_free_bulk`: it took
  about 45 a packet), counted in the same pass; one completion is read
  per section of up to 8 frames. Third round, the same day (ipp-rx
  234 -> 205, ipp-fwd 469 -> 439): a transfer's ranges are checked as
  each is used, read again from the packet's private copy, instead of a
  pass that copied them all into a 2 KiB array first (a bad range now
  drops its own message; the others are delivered and the transfer is
  completed); the usual PPI record (a word right after its 12-byte header)
  passes in three compares before the general checks; the PPIs a message
  carried are a bit set whose checksum and hash words default to 0 (no
  verdict, no flag), so the offload flags need no branches; a new mbuf's
  data offset, reference count, segment count and port are one 8-byte
  store, and a copied frame's offload flags another; RSC joining and tag
  re-insertion sit behind one test of the PPI bits; the small-copy bound
  is worked out once per transfer; the queue-full guard sits on the path
  to the queue only. Tried and not kept:
  a table instead of the PPI type switch (+2), the spare count and burst
  index in locals (+1: they spill anyway). Fourth round, 2026-11-27
  (ipp-rx 211 -> 201): the transfer's checked view is copied into a
  const local again once it parsed (a review had made the loop read it
  through memory after every mbuf store: +6); the usual data message (an
  RNDIS PACKET of 44 bytes up to its range) is taken in three compares
  and everything else goes through the general gate out of line; the
  usual PPI record's word is read without the general record checks.
  Tried and not kept: leaving the VLAN and packet-id words unset unless
  sent (-2, but GCC cannot see they are read only then and warns). Fifth
  round, 2026-11-27 evening (ipp-rx 201 -> 184, the ref 375; 0.5x needs
  187): the per-frame receive work moved to its own file,
  `netvsc_rx_xfer.c`, which the build also compiles with AVX2 (and
  Haswell's tuning, which keeps 32-byte moves whole); each process picks
  one at probe (`netvsc_simd.c`: AVX2 where the CPU has it and the EAL
  allows 256-bit vectors, the usual way DPDK drivers pick vector paths).
  Measured alone on the final tree, that choice is worth 16 a frame:
  with `--force-max-simd-bitwidth=128` ours runs the generic build and
  ipp-rx is 200. The AVX2 build copies a small frame in three 32-byte
  moves instead of six 16-byte ones, and its VEX forms need fewer register
  copies. The rest, worth about 1-2 each in either build, trimmed what
  spilled: a PPI's word is stored by its type into a small array (no
  switch, and only the checksum and hash words are zeroed), the gate
  hands back the frame as a pointer (one live value, not the message and
  an offset), the frame's bounds are 32-bit compares (no 64-bit copy of
  its length to keep across the PPI loop), the small-copy bound lives in
  the queue, the range loop is inlined once for a started queue (no test
  for a queue a frame) and tests one precomputed bound for its prefetch.
  The driver's symbols are hidden (a plugin exports nothing), so its own
  tables and calls need no GOT or PLT. Tried this round and not kept:
  counting a queued frame when it is queued instead of when it is handed
  out (no change). tx copies of 256 bytes or more use rte_memcpy's AVX2
  body in the same processes: the guest's tx 1518 B time had been mostly
  the generic build's SSE realignment of every 16 bytes of an unaligned
  frame (ipp-tx 224 -> 229 for the size test at 64 B; tx 1518 B on 1
  queue, by hand, 4.6, 6.3, 9.0, 6.8 against 4.0, 4.9, 6.9, 5.3 Mpps
  generic in alternating pairs, with a later set too mixed to judge).
  2026-11-28: rx fills mbuf packet types (`rte_net_get_ptype`) unless the
  application turns them off, as testpmd does at start. Tested once a
  burst, over the frames it hands out, not in the per-frame path (there
  it cost 2-3 a frame): ipp unchanged. With them on, the parse costs what
  it costs the ref, which always parses. Later that day a bound on the tx
  copy (a chain is copied up to pkt_len, never past its section) had
  made every frame go through the chain loop, whose extra live values
  spilled in the burst: ipp-tx 229 -> 259, ipp-fwd 424 -> 454 (callgrind,
  per instruction). A one-segment frame whose data_len is its pkt_len is
  copied in one call again, a chain out of line: 239 and 434.
- **rx 512 B on 1 queue: the host is slower beside ours** (2026-11-28
  night, alternating runs by hand, the machine in its fast state). In
  the fast runs ours took 12.5-14.9 Mpps and the ref 15.6-16.1. testpmd's
  burst statistics: 99 % of ours' rx bursts come back empty (96 % for
  the ref, which polls 45 times less often: its empty poll is heavier),
  and hvsim's counters show no `rx_no_slot` in most of ours' runs: ours
  waits for the host, the host does not wait for ours. `perf` of hvsim:
  the same functions beside either guest (the frame copies, gen making
  frames, the stores into slots), more time on stores into slots beside
  ours. Tried and not kept: an empty rx poll of ours pausing (one or
  eight PAUSE instructions: 13.1, 4.0, 13.0 against 13.4, 13.0, 12.5
  Mpps, bursts 45 times fewer but no faster host), and hvsim's lap at 1,
  2, 8 or 16 MiB instead of 4 (8 and 16: 4.7-7.3 against 4.0-13.2; 1
  and 2: within the spread).

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
`BENCH_TRACE=1` (rx, tx, fwd: each second's rate and the round trip after it).
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
        print("\n\n".join(tables + [t for t in [class_table(order, rows)] if t]))
    elif len(sys.argv) == 5 and sys.argv[1] == "doc":
        order, rows = load(sys.argv[2])
        doc(order, rows, sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
