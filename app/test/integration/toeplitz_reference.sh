#!/usr/bin/env bash
# The tests' own Toeplitz (app/test/lib/toeplitz.py), the judge of every RSS
# hash later tests check, first checked against the published vectors
# (spec/rss-vectors.md), and shown to fail on a wrong key.
. "$(dirname "$0")/../lib/common.sh"

python3 "$TOP/app/test/lib/toeplitz.py" --self-test || fail "reference Toeplitz is wrong"
python3 - "$TOP/app/test/lib" <<'PY' || fail "a wrong key still matched the vectors"
import sys
sys.path.insert(0, sys.argv[1])
import toeplitz as t
key = bytearray(t.DEFAULT_KEY); key[0] ^= 1
dst, src, dp, sp, want2, want4 = t.VECTORS[0]
assert t.toeplitz(bytes(key), t.hash_input(src, dst)) != want2
PY
echo "reference Toeplitz matches all 10 published values"
