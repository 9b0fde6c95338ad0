#!/usr/bin/env python3
"""Writes the benchmarks' tree: ~30,000 files, ~310 MB, half-compressible content, deterministic.

   gen-tree.py DIR      (DIR must not exist)
"""
import os
import random
import sys

root = sys.argv[1]
random.seed(42)
words = [("%x" % random.getrandbits(40)) for _ in range(4096)]
total = 0
for i in range(30000):
    d = os.path.join(root, "d%03d/e%02d" % (i % 300, (i // 300) % 40))
    os.makedirs(d, exist_ok=True)
    size = int(random.lognormvariate(8.8, 1.0)) + 16
    half = size // 2
    text = (" ".join(random.choice(words) for _ in range(half // 8 + 1))).encode()[:half]
    data = text + random.randbytes(size - half)
    with open(os.path.join(d, "f%05d" % i), "wb") as f:
        f.write(data)
    total += size
print("generated %d files, %d MB" % (30000, total >> 20))
