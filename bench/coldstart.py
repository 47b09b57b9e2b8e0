#!/usr/bin/env python3
"""Cold start and idle memory of the release binary.

    python3 bench/coldstart.py [--bin target/release/omnitrack] [--runs 5] [--database-url URL]

Each run starts the server and polls GET /healthz in a tight loop (a fresh TCP connect
every ~0.2 ms) from just before exec until the first 200: that wall time is the cold
start. It then waits 1 s and reads VmRSS from /proc/PID/status (idle RSS), and stops the
server with SIGTERM. Without --database-url every run gets a fresh SQLite data dir, so the
time includes creating the database and applying every migration ("fresh"); a second
series restarts on the already-migrated dir ("existing"). With --database-url
(PostgreSQL) only the "existing" series is meaningful (the database must exist).
Prints one RESULT line per series with the median and all samples.
"""
import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def healthz_ok(port):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=0.5)
    except OSError:
        return False
    try:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        data = s.recv(64)
        return data.startswith(b"HTTP/1.1 200")
    except OSError:
        return False
    finally:
        s.close()


def rss_kb(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def one_run(binary, data_dir, db_url, log):
    port = free_port()
    env = dict(os.environ, OMNITRACK_BIND=f"127.0.0.1:{port}", OMNITRACK_DATA_DIR=data_dir)
    if db_url:
        env["DATABASE_URL"] = db_url
    t0 = time.perf_counter()
    p = subprocess.Popen([binary, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    while True:
        if healthz_ok(port):
            break
        if p.poll() is not None:
            sys.exit(f"server exited with {p.returncode}; see {log.name}")
        if time.perf_counter() - t0 > 30:
            p.kill()
            sys.exit("server did not answer /healthz within 30 s")
        time.sleep(0.0002)
    ms = (time.perf_counter() - t0) * 1000
    time.sleep(1.0)
    rss = rss_kb(p.pid)
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=15)
    return ms, rss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/omnitrack")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--database-url")
    ap.add_argument("--log", default=os.path.join(tempfile.gettempdir(), "omnitrack-coldstart.log"))
    a = ap.parse_args()
    series = {"fresh": [], "existing": []}
    with open(a.log, "ab") as log:
        keep = tempfile.mkdtemp(prefix="ot-cold-keep-")
        one_run(a.bin, keep, a.database_url, log)  # migrate once; not counted
        for i in range(a.runs):
            if not a.database_url:
                d = tempfile.mkdtemp(prefix="ot-cold-")
                series["fresh"].append(one_run(a.bin, d, None, log))
                shutil.rmtree(d, ignore_errors=True)
            series["existing"].append(one_run(a.bin, keep, a.database_url, log))
        shutil.rmtree(keep, ignore_errors=True)
    label = "postgres" if a.database_url else "sqlite"
    for name, runs in series.items():
        if not runs:
            continue
        ms = [r[0] for r in runs]
        rss = [r[1] for r in runs]
        print(f"RESULT coldstart backend={label} db={name} median_ms={statistics.median(ms):.1f} "
              f"samples_ms={','.join(f'{x:.1f}' for x in ms)} idle_rss_kb_median={int(statistics.median(rss))} "
              f"samples_rss_kb={','.join(map(str, rss))}")


if __name__ == "__main__":
    main()
