#!/usr/bin/env python3
"""Calls and inclusive instructions of named functions in a callgrind profile.

  bench_callgrind.py FILE FUNCTION...   prints "FUNCTION CALLS IR" per name

Sums, over every call edge into FUNCTION (callgrind's `cfn=` / `calls=`
records), the number of calls and the instructions (Ir) spent inside the
call, callees included. Needs a profile with Ir as its first event (the
default of --tool=callgrind).
"""
import re
import sys


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    wanted = set(sys.argv[2:])
    names = {}
    calls = dict.fromkeys(wanted, 0)
    ir = dict.fromkeys(wanted, 0)
    callee = None
    pending = None  # function of the last calls= line, whose cost line follows
    for line in open(sys.argv[1]):
        line = line.rstrip("\n")
        if pending is not None:
            words = line.split()
            if pending in wanted and len(words) >= 2:
                ir[pending] += int(words[1])
            pending = None
            continue
        m = re.match(r"cfn=\((\d+)\)(?: (.*))?$", line)
        if m:
            if m.group(2):
                names[m.group(1)] = m.group(2)
            callee = names.get(m.group(1))
            continue
        m = re.match(r"c?fn=\((\d+)\) (.*)$", line)
        if m:
            names[m.group(1)] = m.group(2)
            continue
        m = re.match(r"calls=(\d+)", line)
        if m:
            pending = callee
            if callee in wanted:
                calls[callee] += int(m.group(1))
    for f in sys.argv[2:]:
        print(f, calls[f], ir[f])


if __name__ == "__main__":
    main()
