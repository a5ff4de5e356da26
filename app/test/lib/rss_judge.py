#!/usr/bin/env python3
"""Judge of a testpmd `set verbose 1` rxonly log of hvsim's
gen:flows=64,srcip traffic (flow f: 198.19.0.f -> 198.18.0.2, UDP).

  rss_judge.py QUEUES LOG KEY_HEX

Every queue 0..QUEUES-1 received packets, at least 200 were printed, and,
with more than one queue, each printed `RSS hash=0x.. - RSS queue=0x..` is
the Toeplitz hash (toeplitz.py, key KEY_HEX) of one of the 64 flows' address
pair, received on queue reta[hash % 128] with the default table (i % QUEUES);
all 64 flows were seen. Exit 0 when all holds.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from toeplitz import toeplitz, hash_input  # noqa: E402

NB_FLOWS = 64


def main():
    nbq, path, key = int(sys.argv[1]), sys.argv[2], bytes.fromhex(sys.argv[3])
    flows = {toeplitz(key, hash_input("198.19.0.%d" % f, "198.18.0.2")): f
             for f in range(NB_FLOWS)}
    seen_q, flows_seen, checked, bad, queue = set(), set(), 0, 0, None
    for line in open(path, errors="replace").read().splitlines():
        m = re.search(r"port 0/queue (\d+): received", line)
        if m:
            queue = int(m.group(1))
            continue
        if "src=" not in line or queue is None:
            continue
        seen_q.add(queue)
        checked += 1
        if nbq == 1:
            continue
        h = re.search(r"RSS hash=0x([0-9a-fA-F]+) - RSS queue=0x([0-9a-fA-F]+)", line)
        if h is None:
            bad += 1
            if bad < 5:
                print("no RSS hash:", line.strip())
            continue
        hv, rq = int(h.group(1), 16), int(h.group(2), 16)
        want_q = (hv % 128) % nbq
        if hv not in flows or rq != queue or queue != want_q:
            bad += 1
            if bad < 5:
                print("bad: hash %#x (flow %s) on queue %d (RSS queue %d), expected %d"
                      % (hv, flows.get(hv), queue, rq, want_q))
        else:
            flows_seen.add(flows[hv])
    print("queues %d: %d packets checked, %d bad, queues seen %s, flows seen %d"
          % (nbq, checked, bad, sorted(seen_q), len(flows_seen)))
    ok = bad == 0 and checked >= 200 and seen_q == set(range(nbq))
    ok = ok and (nbq == 1 or len(flows_seen) == NB_FLOWS)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
