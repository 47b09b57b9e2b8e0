#!/usr/bin/env python3
"""Sends a fixed number of clock punches (clock-in, then clock-out, per employee) to a
running OmniTrack, from CONC threads with disjoint employees, one keep-alive connection
each. For instruction counts (bench/callgrind_clock.sh), where a fixed amount of work
matters and the rate does not.

    python3 bench/punch_client.py http://127.0.0.1:PORT SEED_DIR PUNCHES [--conc 1] [--skip 0]

SEED_DIR is what bench/seed.py wrote (codes.txt, tokens.txt). Employees from index SKIP on
are used, so a warm-up and a measured run can take different people. Exit status 1 on any
answer other than 201 / 200. Same notes as bench/clock.lua.
"""
import argparse
import http.client
import json
import os
import sys
import threading
import urllib.parse

STANDUP = "Finish the quarterly payroll export, then review the onboarding checklist with the new hire."
REPORT = "Payroll export finished and sent; onboarding checklist reviewed, two items left for tomorrow."


def worker(host, port, token, codes, failures):
    conn = http.client.HTTPConnection(host, port, timeout=120)
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    for code in codes:
        for path, body, want in (
            ("/api/v1/clock-in", {"id_code": code, "standup": STANDUP}, 201),
            ("/api/v1/clock-out", {"id_code": code, "report": REPORT}, 200),
        ):
            conn.request("POST", path, body=json.dumps(body), headers=headers)
            r = conn.getresponse()
            raw = r.read()
            if r.status != want:
                failures.append(f"{path} {code}: {r.status} {raw[:200]!r}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("seed")
    ap.add_argument("punches", type=int)
    ap.add_argument("--conc", type=int, default=1)
    ap.add_argument("--skip", type=int, default=0)
    a = ap.parse_args()
    u = urllib.parse.urlparse(a.base)
    with open(os.path.join(a.seed, "tokens.txt")) as f:
        token = f.readline().strip()
    with open(os.path.join(a.seed, "codes.txt")) as f:
        codes = [line.split()[0] for line in f if line.strip()]
    people = codes[a.skip:a.skip + a.punches // 2]
    if len(people) * 2 != a.punches:
        sys.exit(f"{a.punches} punches need {a.punches // 2} employees from index {a.skip}")
    failures = []
    threads = [
        threading.Thread(target=worker, args=(u.hostname, u.port, token, people[i::a.conc], failures))
        for i in range(a.conc)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        sys.exit(f"{len(failures)} failed, e.g. {failures[0]}")
    print(f"{a.punches} punches, {a.conc} connection(s)")


if __name__ == "__main__":
    main()
