#!/usr/bin/env python3
"""Renders bench/clock.sh's summary.txt as Markdown tables (each figure with its ratio to
GET /healthz measured in the same run at the same connection count)."""
import re
import sys


def kv(s):
    return dict(re.findall(r"(\w+)=([^\s]+)", s))


headline_only = "--headline" in sys.argv[1:]
path = [a for a in sys.argv[1:] if a != "--headline"][0]
rows, extra = [], []
for line in open(path):
    parts = line.split()
    if len(parts) >= 4 and parts[2].startswith("c=") and parts[3] == "RESULT":
        rows.append((parts[0], parts[1], int(parts[2][2:]), kv(" ".join(parts[4:]))))
    else:
        extra.append(line.rstrip())

health = {}
for b, sc, c, d in rows:
    if sc.endswith("healthz"):
        health[(b, sc.replace("-healthz", ""), c)] = d


def headline():
    """One line: per backend, the largest connection count of the one-instance run (and the
    two-instance sum on PostgreSQL) as punches/s (clock-ins + clock-outs), its ratio to
    /healthz in the same run, p99 and errors: the issue's headline figures."""
    parts = []
    for b in dict.fromkeys(r[0] for r in rows):
        one = [(c, d) for bb, sc, c, d in rows if bb == b and sc == "one-clock"]
        if one:
            c, d = max(one, key=lambda x: x[0])
            h = health.get((b, "one", c), {})
            r, hr = float(d.get("rps", "nan")), float(h.get("rps", "nan"))
            errs = int(d.get("non2xx", 0)) + int(d.get("socket_errors", 0))
            parts.append(f"{b} c={c}: {r:.0f} punches/s = {r / hr:.3f} of /healthz ({hr:.0f}/s), "
                         f"p99 {float(d.get('p99_ms', 'nan')):.1f} ms, {errs} errors")
        two_c = sorted({c for bb, sc, c, _ in rows if bb == b and sc == "two-a-clock"})
        if two_c:
            c = two_c[-1]
            cl = [d for bb, sc, cc, d in rows if bb == b and cc == c and sc in ("two-a-clock", "two-b-clock")]
            hz = [d for bb, sc, cc, d in rows if bb == b and cc == c and sc in ("two-a-healthz", "two-b-healthz")]
            r = sum(float(d["rps"]) for d in cl)
            hr = sum(float(d["rps"]) for d in hz) or float("nan")
            one_r = next((float(d["rps"]) for bb, sc, cc, d in rows
                          if bb == b and sc == "one-clock" and cc == 2 * c), float("nan"))
            errs = sum(int(d.get("non2xx", 0)) + int(d.get("socket_errors", 0)) for d in cl)
            parts.append(f"{b} two instances 2x{c}: {r:.0f} punches/s = {r / hr:.3f} of /healthz ({hr:.0f}/s), "
                         f"{r / one_r:.2f}x one instance, p99 {max(float(d['p99_ms']) for d in cl):.1f} ms, "
                         f"{errs} errors")
    return "HEADLINE " + ("; ".join(parts) if parts else "no clock runs")


if headline_only:
    print(headline())
    sys.exit(0)

print("| backend | scenario | conns | req/s | clock-ins/s | p50 ms | p99 ms | non-2xx | server CPU µs/req | /healthz req/s | /healthz p99 ms | /healthz CPU µs/req | req/s ÷ healthz |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for b, sc, c, d in rows:
    if not sc.endswith("clock"):
        continue
    base = sc.replace("-clock", "")
    h = health.get((b, base, c)) or health.get((b, "one", c)) or {}
    hr = float(h.get("rps", "nan"))
    r = float(d.get("rps", "nan"))
    print(f"| {b} | {base} | {c} | {r:.0f} | {float(d.get('clockins_per_s', 'nan')):.0f} | {d.get('p50_ms')} | "
          f"{d.get('p99_ms')} | {d.get('non2xx')} (+{d.get('socket_errors')} socket, {d.get('starved')} starved) | "
          f"{d.get('server_cpu_us_per_req', '-')} | {hr:.0f} | {h.get('p99_ms', '-')} | {h.get('server_cpu_us_per_req', '-')} | {r / hr:.4f} |")

# Two instances: add the two wrk processes.
two = [(b, sc, c, d) for b, sc, c, d in rows if sc.startswith("two-")]
if two:
    print()
    print("| two instances | conns (total) | req/s (sum) | clock-ins/s (sum) | p99 ms (worse of two) | non-2xx | /healthz req/s (sum) | ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for c in sorted({c for _, _, c, _ in two}):
        cl = [d for _, sc, cc, d in two if cc == c and sc.endswith("clock")]
        hz = [d for _, sc, cc, d in two if cc == c and sc.endswith("healthz")]
        r = sum(float(d["rps"]) for d in cl)
        ci = sum(float(d["clockins_per_s"]) for d in cl)
        hr = sum(float(d["rps"]) for d in hz)
        p99 = max(float(d["p99_ms"]) for d in cl)
        bad = sum(int(d["non2xx"]) for d in cl)
        print(f"| postgres ×2 | {2 * c} | {r:.0f} | {ci:.0f} | {p99:.2f} | {bad} | {hr:.0f} | {r / hr:.4f} |")

print()
for e in extra:
    print(f"    {e}")
