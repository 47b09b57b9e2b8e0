#!/usr/bin/env python3
"""Charts of bench/cost.sh results: each measured series divided by its value at the
smallest size, on log-log axes, beside a "flat" (1x) and a "linear" (size / smallest size)
reference line. A flat cost stays on the 1x line; a linear one runs along the diagonal.

    python3 bench/cost_chart.py bench/out/cost-…/cost.tsv bench   # -> bench/cost-*.svg

Standard library only."""

import csv
import math
import sys
from collections import defaultdict

SERIES = {
    "clock": [
        ("punches_per_healthz", "punches/s ÷ /healthz req/s (same run)"),
        ("p99_ms", "clock p99 latency"),
    ],
    "shifts": [
        ("board_median_ms", "live board, one request (median)"),
        ("timesheet_median_ms", "team timesheet, one week (median)"),
        ("board_p95_ms", "live board p95, wrk -c16"),
        ("timesheet_p95_ms", "timesheet p95, wrk -c16"),
        ("export_s", "CSV export, all shifts: time"),
        ("export_rows_per_s", "CSV export: rows/s"),
        ("export_rss_max_kib", "CSV export: server peak RSS"),
    ],
}
TITLES = {
    "clock": ("Clock throughput against employees (SQLite, 64 connections)", "employees"),
    "shifts": ("Cost against stored shifts (SQLite, 1,000 employees, read cache off)", "past shifts"),
}
COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2"]


def read(path):
    data = defaultdict(lambda: defaultdict(dict))
    with open(path, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            try:
                data[row["part"]][row["metric"]][int(row["size"])] = float(row["value"])
            except ValueError:
                pass
    return data


def fmt_size(n):
    return f"{n / 1e6:g} M" if n >= 1e6 else (f"{n / 1e3:g} k" if n >= 1e4 else f"{n:,}")


def chart(part, metrics):
    title, xlabel = TITLES[part]
    sizes = sorted({s for m in metrics.values() for s in m})
    if len(sizes) < 2:
        return None
    w, h, left, right, top, bottom = 760, 420, 70, 290, 40, 50
    pw, ph = w - left - right, h - top - bottom
    lo_x, hi_x = math.log10(sizes[0]), math.log10(sizes[-1])
    span = sizes[-1] / sizes[0]
    lo_y, hi_y = math.log10(1 / 4), math.log10(span * 2)
    for key, _ in SERIES[part]:
        m = metrics.get(key, {})
        if sizes[0] in m and m[sizes[0]] > 0:
            for v in m.values():
                r = max(v / m[sizes[0]], 1e-3)
                lo_y, hi_y = min(lo_y, math.log10(r) - 0.1), max(hi_y, math.log10(r) + 0.1)

    def x(s):
        return left + (math.log10(s) - lo_x) / (hi_x - lo_x) * pw

    def y(r):
        return top + (hi_y - math.log10(r)) / (hi_y - lo_y) * ph

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
        f'<title>{title}</title><rect width="{w}" height="{h}" fill="white"/>',
        f'<text x="{left}" y="22" font-size="14" font-weight="bold">{title}</text>',
        f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#999"/>',
    ]
    for e in range(math.ceil(lo_y), math.floor(hi_y) + 1):
        r = 10**e
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{y(r):.1f}" y2="{y(r):.1f}" stroke="#eee"/>')
        out.append(f'<text x="{left - 6}" y="{y(r) + 4:.1f}" text-anchor="end">{r:g}×</text>')
    for s in sizes:
        out.append(f'<line x1="{x(s):.1f}" x2="{x(s):.1f}" y1="{top}" y2="{top + ph}" stroke="#eee"/>')
        out.append(f'<text x="{x(s):.1f}" y="{top + ph + 16}" text-anchor="middle">{fmt_size(s)}</text>')
    out.append(f'<text x="{left + pw / 2}" y="{h - 8}" text-anchor="middle">{xlabel} (log)</text>')
    out.append(
        f'<text transform="translate(16 {top + ph / 2}) rotate(-90)" text-anchor="middle">'
        f"value ÷ value at {fmt_size(sizes[0])} (log)</text>"
    )
    # References: flat and linear.
    out.append(f'<line x1="{x(sizes[0]):.1f}" x2="{x(sizes[-1]):.1f}" y1="{y(1):.1f}" y2="{y(1):.1f}" stroke="#555" stroke-dasharray="2 3"/>')
    out.append(f'<line x1="{x(sizes[0]):.1f}" x2="{x(sizes[-1]):.1f}" y1="{y(1):.1f}" y2="{y(span):.1f}" stroke="#555" stroke-dasharray="8 4"/>')
    legend = [("flat (1×)", "#555", "2 3"), ("linear (size ÷ smallest)", "#555", "8 4")]
    for i, (key, label) in enumerate(SERIES[part]):
        m = metrics.get(key, {})
        if sizes[0] not in m or m[sizes[0]] <= 0:
            continue
        c = COLOURS[i % len(COLOURS)]
        pts = [(x(s), y(max(m[s] / m[sizes[0]], 1e-3))) for s in sizes if s in m]
        out.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>' % (c, " ".join(f"{a:.1f},{b:.1f}" for a, b in pts)))
        for a, b in pts:
            out.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="3" fill="{c}"/>')
        legend.append((label, c, None))
    for i, (label, c, dash) in enumerate(legend):
        ly = top + 10 + i * 20
        lx = left + pw + 14
        d = f' stroke-dasharray="{dash}"' if dash else ' stroke-width="2"'
        out.append(f'<line x1="{lx}" x2="{lx + 24}" y1="{ly}" y2="{ly}" stroke="{c}"{d}/>')
        out.append(f'<text x="{lx + 30}" y="{ly + 4}">{label}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    data = read(sys.argv[1])
    for part in SERIES:
        svg = chart(part, data.get(part, {}))
        if svg:
            path = f"{sys.argv[2]}/cost-{part}.svg"
            with open(path, "w") as f:
                f.write(svg)
            print(path)


if __name__ == "__main__":
    main()
