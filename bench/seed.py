#!/usr/bin/env python3
"""Seeds a running OmniTrack for the clock benchmarks, through the public API only.

    python3 bench/seed.py http://127.0.0.1:PORT OUT_DIR [--employees 1000] [--kiosks 1]

Signs up a company, adds EMPLOYEES employees with ID codes E00001…, creates KIOSKS kiosk
tokens, and writes OUT_DIR/codes.txt ("CODE EMPLOYEE_UUID KIOSK_INDEX", employee i uses
kiosk i % KIOSKS), OUT_DIR/tokens.txt (one kiosk token per line) and
OUT_DIR/owner_token.txt. Standard library only; one keep-alive connection.
"""
import argparse
import http.client
import json
import os
import sys
import time
import urllib.parse


class Api:
    def __init__(self, base):
        u = urllib.parse.urlparse(base)
        self.host, self.port = u.hostname, u.port or 80
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def call(self, method, path, body=None, token=None, expect=(200, 201)):
        headers = {"content-type": "application/json"}
        if token:
            headers["authorization"] = f"Bearer {token}"
        data = json.dumps(body) if body is not None else None
        for attempt in range(3):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                r = self.conn.getresponse()
                raw = r.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                if attempt == 2:
                    raise
        if r.status not in expect:
            sys.exit(f"{method} {path}: {r.status} {raw[:300]!r}")
        return json.loads(raw) if raw else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("out")
    ap.add_argument("--employees", type=int, default=1000)
    ap.add_argument("--kiosks", type=int, default=1)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    api = Api(a.base)
    t0 = time.time()
    stamp = int(t0 * 1000)
    s = api.call("POST", "/api/v1/signup", {
        "company_name": f"Bench {stamp}",
        "email": f"owner{stamp}@bench.test",
        "password": "bench-password-not-common-42",
        "timezone": "Europe/Berlin",
    })
    owner = s["token"]
    tokens = []
    for k in range(a.kiosks):
        r = api.call("POST", "/api/v1/kiosks", {"name": f"Kiosk {k + 1}"}, owner)
        tokens.append(r["token"])
    lines = []
    for i in range(a.employees):
        code = f"E{i + 1:05d}"
        r = api.call("POST", "/api/v1/employees", {"name": f"Employee {i + 1}", "id_code": code}, owner)
        lines.append(f"{code} {r['id']} {i % a.kiosks}\n")
    with open(os.path.join(a.out, "codes.txt"), "w") as f:
        f.writelines(lines)
    with open(os.path.join(a.out, "tokens.txt"), "w") as f:
        f.writelines(t + "\n" for t in tokens)
    with open(os.path.join(a.out, "owner_token.txt"), "w") as f:
        f.write(owner + "\n")
    print(f"seeded 1 company, {a.employees} employees, {a.kiosks} kiosk(s) in {time.time() - t0:.1f}s",
          file=sys.stderr)


if __name__ == "__main__":
    main()
