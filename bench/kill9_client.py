#!/usr/bin/env python3
"""Load client for bench/kill9.sh: clocks employees in and out as fast as the server
answers and logs every ACKNOWLEDGED punch before doing anything else with it.

    python3 bench/kill9_client.py BASE SEED_DIR ACK_LOG --threads 16 --seconds 12

Each thread owns a disjoint slice of the seeded employees (SEED_DIR/codes.txt, tokens.txt
from bench/seed.py) and loops clock-in → clock-out per employee. A 201 from clock-in
appends "in <shift_id>" to ACK_LOG, a 200 from clock-out "out <shift_id>" (written and
flushed under a lock; the client is not killed, so the OS keeps the file). Connection
errors (the server was killed) are counted, and the thread retries after 50 ms until the
time is up. Prints a RESULT line with the counts.
"""
import argparse
import http.client
import json
import threading
import time
import urllib.parse

STANDUP = "Finish the quarterly payroll export, then review the onboarding checklist."
REPORT = "Payroll export finished; onboarding checklist reviewed."


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("seed")
    ap.add_argument("ack_log")
    ap.add_argument("--threads", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=12)
    a = ap.parse_args()
    u = urllib.parse.urlparse(a.base)
    tokens = [t.strip() for t in open(f"{a.seed}/tokens.txt") if t.strip()]
    codes = [line.split() for line in open(f"{a.seed}/codes.txt") if line.strip()]
    log = open(a.ack_log, "a")
    lock = threading.Lock()
    stats = {"in_acked": 0, "out_acked": 0, "conn_errors": 0, "non2xx": 0}
    deadline = time.monotonic() + a.seconds

    def ack(kind, shift_id):
        with lock:
            log.write(f"{kind} {shift_id}\n")
            log.flush()
            stats[f"{kind}_acked"] += 1

    def worker(mine):
        conn = None
        i = 0
        while time.monotonic() < deadline:
            code, _, k = mine[i % len(mine)]
            i += 1
            headers = {"content-type": "application/json", "authorization": f"Bearer {tokens[int(k)]}"}
            for path, body, ok, kind in (
                ("/api/v1/clock-in", {"id_code": code, "standup": STANDUP}, 201, "in"),
                ("/api/v1/clock-out", {"id_code": code, "report": REPORT}, 200, "out"),
            ):
                if time.monotonic() >= deadline:
                    return
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
                    conn.request("POST", path, body=json.dumps(body), headers=headers)
                    r = conn.getresponse()
                    raw = r.read()
                except (OSError, http.client.HTTPException):
                    with lock:
                        stats["conn_errors"] += 1
                    if conn is not None:
                        conn.close()
                    conn = None
                    time.sleep(0.05)
                    break  # unknown state for this employee: move on to the next one
                if r.status == ok:
                    ack(kind, json.loads(raw)["shift_id"])
                else:
                    with lock:
                        stats["non2xx"] += 1
                    break

    threads = []
    for t in range(a.threads):
        mine = codes[t::a.threads]
        th = threading.Thread(target=worker, args=(mine,), daemon=True)
        th.start()
        threads.append(th)
    for th in threads:
        th.join()
    log.close()
    print("RESULT " + " ".join(f"{k}={v}" for k, v in stats.items()), flush=True)


if __name__ == "__main__":
    main()
