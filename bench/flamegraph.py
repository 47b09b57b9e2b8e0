#!/usr/bin/env python3
"""Flame graph (SVG) and a self-time table from `perf script` output, without extra tools.

    perf record -F 999 -g -p PID -o perf.data -- sleep 10
    perf script -i perf.data | python3 bench/flamegraph.py --title "clock path" \
        --svg bench/flame-clock.svg --top 25

Stacks are drawn root at the bottom, one box per frame, width proportional to the samples
that passed through it; hover a box for its name, samples and share. `--top N` prints the
N functions with the most samples at the leaf ("self" time), and the share of each thread
name (tokio workers, the SQLite writer, ...). `--collapsed FILE` writes the folded stacks
(`thread;frame;frame count`), the input format of Brendan Gregg's and inferno's tools.
"""
import argparse
import html
import re
import sys
from collections import Counter, defaultdict

HASH = re.compile(r"::h[0-9a-f]{16}$")
OFFSET = re.compile(r"\+0x[0-9a-f]+$")


def clean(sym):
    sym = OFFSET.sub("", sym)
    sym = HASH.sub("", sym)
    return sym.replace(";", ":")


def thread_group(comm):
    # tokio-runtime-w, sqlite-writer, ... : one root per kind of thread.
    return re.sub(r"[-_ ]?\d+$", "", comm) or comm


def parse(lines):
    """Yields (thread, [frames root..leaf]) per sample."""
    comm, frames = None, []
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            if comm is not None:
                yield comm, list(reversed(frames))
            comm, frames = None, []
            continue
        if not line.startswith(("\t", " ")):
            if comm is not None:
                yield comm, list(reversed(frames))
            # "comm  pid [cpu] time: period event:" (comm may contain spaces)
            m = re.match(r"^(.*?)\s+\d+(/\d+)?\s+(\[\d+\]\s+)?[\d.]+:", line)
            comm, frames = (m.group(1).strip() if m else line.split()[0]), []
            continue
        parts = line.strip().split(None, 1)
        if len(parts) < 2:
            continue
        rest = parts[1]
        dso = ""
        m = re.match(r"^(.*) \(([^()]*)\)$", rest)
        if m:
            rest, dso = m.group(1), m.group(2)
        sym = rest if rest and rest != "[unknown]" else "[" + (dso.rsplit("/", 1)[-1] or "unknown") + "]"
        frames.append(clean(sym))
    if comm is not None:
        yield comm, list(reversed(frames))


def color(name):
    h = 0
    for ch in name:
        h = (h * 31 + ord(ch)) & 0xFFFFFFFF
    if name.startswith("[") or "kernel" in name:
        return f"rgb({200 + h % 55},{100 + h % 80},{100 + h % 40})"
    if "sqlite3" in name or name.startswith("sqlite"):
        return f"rgb({80 + h % 60},{150 + h % 70},{200 + h % 55})"
    return f"rgb({225 + h % 30},{90 + h % 130},{40 + h % 40})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input", nargs="?", help="perf script output (default: stdin)")
    ap.add_argument("--svg", help="write the flame graph here")
    ap.add_argument("--title", default="Flame graph")
    ap.add_argument("--collapsed", help="write folded stacks here")
    ap.add_argument("--top", type=int, default=0, help="print the top N self-time functions")
    ap.add_argument("--width", type=int, default=1200)
    a = ap.parse_args()
    src = open(a.input) if a.input else sys.stdin

    folded = Counter()
    for comm, frames in parse(src):
        folded[tuple([thread_group(comm)] + frames)] += 1
    total = sum(folded.values())
    if total == 0:
        sys.exit("no samples")

    if a.collapsed:
        with open(a.collapsed, "w") as f:
            for stack, n in sorted(folded.items()):
                f.write(";".join(stack) + f" {n}\n")

    if a.top:
        leaf, threads = Counter(), Counter()
        for stack, n in folded.items():
            leaf[stack[-1]] += n
            threads[stack[0]] += n
        print(f"{total} samples")
        print("threads: " + ", ".join(f"{t} {n / total:.1%}" for t, n in threads.most_common()))
        for name, n in leaf.most_common(a.top):
            print(f"{n / total:6.1%}  {name[:140]}")

    if a.svg:
        # Tree of frames: node = (children dict, count).
        root = {"n": 0, "c": {}}
        for stack, n in folded.items():
            node = root
            node["n"] += n
            for fr in stack:
                node = node["c"].setdefault(fr, {"n": 0, "c": {}})
                node["n"] += n
        fh, pad = 16, 30
        depth = [0]

        def measure(node, d):
            depth[0] = max(depth[0], d)
            for ch in node["c"].values():
                measure(ch, d + 1)

        measure(root, 0)
        height = (depth[0] + 1) * fh + pad * 2
        scale = (a.width - 20) / total
        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{a.width}" height="{height}" '
            f'font-family="Verdana, sans-serif" font-size="11">',
            f'<rect width="100%" height="100%" fill="#fdfdf6"/>',
            f'<text x="{a.width / 2}" y="20" text-anchor="middle" font-size="15">{html.escape(a.title)} '
            f'({total} samples)</text>',
        ]

        def draw(name, node, x, d):
            w = node["n"] * scale
            if w < 0.3:
                return
            y = height - pad - (d + 1) * fh
            label = html.escape(name)
            pct = node["n"] / total
            out.append(
                f'<g><title>{label} ({node["n"]} samples, {pct:.2%})</title>'
                f'<rect x="{x:.1f}" y="{y}" width="{max(w - 0.5, 0.1):.1f}" height="{fh - 1}" '
                f'fill="{color(name)}" rx="2"/>'
            )
            chars = int(w / 6.5)
            if chars >= 3:
                text = name if len(name) <= chars else name[: chars - 2] + ".."
                out.append(f'<text x="{x + 3:.1f}" y="{y + 11.5}">{html.escape(text)}</text>')
            out.append("</g>")
            cx = x
            for cname, ch in sorted(node["c"].items()):
                draw(cname, ch, cx, d + 1)
                cx += ch["n"] * scale

        x = 10.0
        for cname, ch in sorted(root["c"].items()):
            draw(cname, ch, x, 0)
            x += ch["n"] * scale
        out.append("</svg>")
        with open(a.svg, "w") as f:
            f.write("\n".join(out))


if __name__ == "__main__":
    main()
