#!/usr/bin/env python3
"""Judge of a testpmd `set verbose 1` rxonly log of hvsim's
gen:flows=64,srcip traffic (flow f: 198.19.0.f -> 198.18.0.2, source port
1024 + f -> 5000, UDP, or TCP with gen's `tcp`).

  rss_judge.py QUEUES LOG KEY_HEX [--tuple 2|4] [--l4 udp|tcp]
               [--reta-size N] [--reta-reversed | --reta-blocks]

Every queue 0..QUEUES-1 received packets and at least 200 were printed.
With more than one queue, each printed `RSS hash=0x.. - RSS queue=0x..` is
the Toeplitz hash (toeplitz.py, key KEY_HEX) of one of the 64 flows over
the expected tuple: --tuple 2 (default) the address pair, --tuple 4 the
addresses and ports; it was received on queue reta[hash % N] (N: 128
unless --reta-size) with the default table (i % QUEUES), or with
--reta-reversed the table QUEUES - 1 - i % QUEUES, or with --reta-blocks
the table i * QUEUES // N (QUEUES runs of N / QUEUES entries: a table a
host of another size would cut or repeat into another mapping); all 64
flows were seen. A hash over the other
tuple is reported as such (the host hashed, or the PMD asked for, the wrong
tuple). With --l4, every packet's testpmd sw ptype names that protocol.
Exit 0 when all holds.
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from toeplitz import toeplitz, hash_input  # noqa: E402

NB_FLOWS = 64
SRC_PORT_BASE = 1024
DST_PORT = 5000
RETA_SIZE = 128  # the default


def flow_hashes(key, tuple_len):
    """Hash -> flow for gen's 64 flows over the 2- or 4-tuple."""
    out = {}
    for f in range(NB_FLOWS):
        ports = (SRC_PORT_BASE + f, DST_PORT) if tuple_len == 4 else ()
        out[toeplitz(key, hash_input("198.19.0.%d" % f, "198.18.0.2", *ports))] = f
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("queues", type=int)
    ap.add_argument("log")
    ap.add_argument("key")
    ap.add_argument("--tuple", type=int, choices=(2, 4), default=2)
    ap.add_argument("--l4", choices=("udp", "tcp"))
    ap.add_argument("--reta-size", type=int, default=RETA_SIZE)
    table = ap.add_mutually_exclusive_group()
    table.add_argument("--reta-reversed", action="store_true")
    table.add_argument("--reta-blocks", action="store_true")
    args = ap.parse_args()
    nbq, key = args.queues, bytes.fromhex(args.key)
    want = flow_hashes(key, args.tuple)
    other = flow_hashes(key, 6 - args.tuple)
    ptype = "L4_" + args.l4.upper() if args.l4 else None

    seen_q, flows_seen, checked, bad, wrong_tuple, queue = set(), set(), 0, 0, 0, None

    def complain(msg):
        if bad <= 5:
            print(msg)

    for line in open(args.log, errors="replace").read().splitlines():
        m = re.search(r"port 0/queue (\d+): received", line)
        if m:
            queue = int(m.group(1))
            continue
        if "src=" not in line or queue is None:
            continue
        seen_q.add(queue)
        checked += 1
        if ptype and (" " + ptype) not in line:
            bad += 1
            complain("not %s: %s" % (args.l4, line.strip()))
            continue
        if nbq == 1:
            continue
        h = re.search(r"RSS hash=0x([0-9a-fA-F]+) - RSS queue=0x([0-9a-fA-F]+)", line)
        if h is None:
            bad += 1
            complain("no RSS hash: " + line.strip())
            continue
        hv, rq = int(h.group(1), 16), int(h.group(2), 16)
        entry = hv % args.reta_size
        want_q = entry % nbq
        if args.reta_reversed:
            want_q = nbq - 1 - want_q
        elif args.reta_blocks:
            want_q = entry * nbq // args.reta_size
        if hv not in want:
            bad += 1
            if hv in other:
                wrong_tuple += 1
                complain("bad: hash %#x is flow %d's %d-tuple hash, expected its %d-tuple"
                         % (hv, other[hv], 6 - args.tuple, args.tuple))
            else:
                complain("bad: hash %#x is no flow's hash (queue %d)" % (hv, queue))
        elif rq != queue or queue != want_q:
            bad += 1
            complain("bad: hash %#x (flow %d) on queue %d (RSS queue %d), expected %d"
                     % (hv, want[hv], queue, rq, want_q))
        else:
            flows_seen.add(want[hv])
    print("queues %d, %d-tuple%s: %d packets checked, %d bad (%d on the other tuple), "
          "queues seen %s, flows seen %d"
          % (nbq, args.tuple, " " + args.l4 if args.l4 else "", checked, bad, wrong_tuple,
             sorted(seen_q), len(flows_seen)))
    ok = bad == 0 and checked >= 200 and seen_q == set(range(nbq))
    ok = ok and (nbq == 1 or len(flows_seen) == NB_FLOWS)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
