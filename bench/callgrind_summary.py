#!/usr/bin/env python3
"""Instructions per punch by thread and component, from bench/callgrind_clock.sh's dumps.

    python3 bench/callgrind_summary.py OUT_DIR PUNCHES NAME CONC

Reads OUT_DIR/callgrind.out.1-NN (one file per thread, the dump taken after the counted
punches), writes OUT_DIR/inclusive.txt and self.txt (callgrind_annotate of all threads),
OUT_DIR/components.txt, and prints one RESULT line. Components are inclusive costs of
marker functions (SQLite statements, the local analyzer, JSON, hashing) and the self
cost of the allocator's entry points; they may overlap (an allocation inside SQLite counts
in both) and do not add up to the total.
"""
import glob
import re
import subprocess
import sys

out, punches, name, conc = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
files = sorted(glob.glob(f"{out}/callgrind.out.1-*"))
if not files:
    sys.exit(f"no dumps in {out}")

# "1,234 (12.3%)  file:function [object]"; the file part has no colon, the function may.
LINE = re.compile(r"^\s*([\d,]+)\s+\([^)]*\)\s+[^:\s]*:(.+?)(?:\s+\[[^\]]*\])?\s*$")


def annotate(path, inclusive):
    args = ["callgrind_annotate", "--threshold=100", "--auto=no", f"--inclusive={'yes' if inclusive else 'no'}", path]
    text = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rows, total = [], 0
    for line in text.splitlines():
        if line.rstrip().endswith("PROGRAM TOTALS"):
            total = int(line.split()[0].replace(",", ""))
            continue
        m = LINE.match(line)
        if m:
            rows.append((int(m.group(1).replace(",", "")), m.group(2)))
    return total, rows


# Marker functions whose inclusive cost names a component (first match wins per function).
INCLUSIVE = [
    ("SQLite statements (sqlite3_step)", re.compile(r"^sqlite3_step$")),
    ("SQLite prepare (cache misses)", re.compile(r"^sqlite3(Locked)?_?[Pp]repare")),
    ("point reads on request threads", re.compile(r"^store::sqlite::inline_read::InlineReader::read")),
    ("local analyzer", re.compile(r"^analysis::analyzer::local_(standup|report)$")),
    ("serde_json (to_string)", re.compile(r"^serde_json::ser::to_string")),
    ("log lines (tracing fmt on_event)", re.compile(r"tracing_subscriber::fmt::fmt_layer::Layer<.*>::on_event$")),
    ("SHA-256 (token, body)", re.compile(r"sha2::sha256::compress256$")),
]
SELF = [
    ("allocator (malloc/free/realloc, mimalloc)", re.compile(r"^(__libc_)?(malloc|free|realloc|calloc|cfree)$|^_int_(malloc|free|realloc)|^malloc_consolidate|^mi_|^_mi_|^__rust_(alloc|dealloc|realloc)")),
    ("memcpy/memmove/memset", re.compile(r"^__(memcpy|memmove|memset)|^mem(cpy|move|set)")),
]

threads, inclusive_all, self_all = [], {}, {}
for path in files:
    total, inc = annotate(path, True)
    _, own = annotate(path, False)
    writer = any("run_batch" in f for _, f in inc)
    threads.append((path, total, writer))
    for n, f in inc:
        if re.search(r"'\d+$", f):
            continue  # a recursion level of a function already counted
        inclusive_all[f] = inclusive_all.get(f, 0) + n
    for n, f in own:
        self_all[f] = self_all.get(f, 0) + n

total = sum(t for _, t, _ in threads)
writer = sum(t for _, t, w in threads if w)
lines = [f"{name}: {punches} punches, {conc} connection(s), {len(files)} threads"]
lines.append(f"  total            {total / punches:12,.0f} instructions per punch")
lines.append(f"  SQLite writer    {writer / punches:12,.0f}")
lines.append(f"  other threads    {(total - writer) / punches:12,.0f}")
for label, pat in INCLUSIVE:
    n = sum(v for f, v in inclusive_all.items() if pat.search(f))
    lines.append(f"  {label:<42} {n / punches:10,.0f} ({100 * n / total:4.1f} %) inclusive")
for label, pat in SELF:
    n = sum(v for f, v in self_all.items() if pat.search(f))
    lines.append(f"  {label:<42} {n / punches:10,.0f} ({100 * n / total:4.1f} %) self")
with open(f"{out}/components.txt", "w") as fh:
    fh.write("\n".join(lines) + "\n")
with open(f"{out}/inclusive.txt", "w") as fh:
    for f, v in sorted(inclusive_all.items(), key=lambda kv: -kv[1])[:150]:
        fh.write(f"{v / punches:12,.0f} {100 * v / total:5.1f} % {f}\n")
with open(f"{out}/self.txt", "w") as fh:
    for f, v in sorted(self_all.items(), key=lambda kv: -kv[1])[:80]:
        fh.write(f"{v / punches:12,.0f} {100 * v / total:5.1f} % {f}\n")
print("\n".join(lines))
print(f"RESULT name={name} punches={punches} conc={conc} instructions={total} per_punch={total // punches} writer_per_punch={writer // punches}")
