#!/usr/bin/env python3
"""Splits the OmniTrack labelled set once into a development half and a blind half.

The unit of the split is an item number within a part (`p1-s-017` and `p1-r-017` share a
task list, so they always land in the same half). Units are stratified by domain, shuffled
with a fixed seed and dealt alternately, so both halves cover every domain and both kinds.
Run once; the halves are committed and never re-split.

    python3 split.py part1.jsonl part2.jsonl dev.jsonl blind.jsonl
"""
import json
import os
import random
import sys
from collections import defaultdict

# SPLIT_SEED re-deals another set the same way (the dev half into quarters: eval/README.md).
SEED = int(os.environ.get("SPLIT_SEED", "20261203"))
parts, dev_out, blind_out = sys.argv[1:-2], sys.argv[-2], sys.argv[-1]
items = []
for p in parts:
    with open(p, encoding="utf-8") as f:
        items += [json.loads(line) for line in f if line.strip()]
ids = [i["id"] for i in items]
assert len(ids) == len(set(ids)), "duplicate ids"

units = defaultdict(list)  # (part, number) -> items
for it in items:
    part, _kind, number = it["id"].split("-")
    units[(part, number)].append(it)
by_domain = defaultdict(list)
for key, members in units.items():
    by_domain[members[0].get("domain", "?")].append(key)

rng = random.Random(SEED)
dev, blind = [], []
turn = 0
for domain in sorted(by_domain):
    keys = sorted(by_domain[domain])
    rng.shuffle(keys)
    for key in keys:
        (dev if turn % 2 == 0 else blind).extend(units[key])
        turn += 1
for path, half in ((dev_out, dev), (blind_out, blind)):
    half.sort(key=lambda i: i["id"])
    with open(path, "w", encoding="utf-8") as f:
        for it in half:
            f.write(json.dumps(it, ensure_ascii=False) + "\n")
    kinds = defaultdict(int)
    for it in half:
        kinds[it["kind"]] += 1
    print(path, len(half), dict(kinds))
