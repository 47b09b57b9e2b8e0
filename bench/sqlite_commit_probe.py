#!/usr/bin/env python3
"""The commit ceiling of SQLite on this disk, without OmniTrack: one writer, WAL, one
small INSERT per transaction, for `synchronous = FULL` (what OmniTrack uses: an fsync of
the WAL per commit) and `NORMAL` (no fsync per commit; survives a process crash but not
power loss), and FULL with N inserts per transaction (what group commit would do).

    python3 bench/sqlite_commit_probe.py [--dir DIR] [--seconds 3]

DIR defaults to bench/out (same filesystem as the benchmark data dirs).
"""
import argparse
import os
import sqlite3
import tempfile
import time


def run(path, sync, batch, seconds):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(f"PRAGMA synchronous={sync}")
    db.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v BLOB)")
    payload = os.urandom(200)
    commits = rows = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        db.execute("BEGIN")
        for _ in range(batch):
            db.execute("INSERT INTO t (v) VALUES (?)", (payload,))
        db.execute("COMMIT")
        commits += 1
        rows += batch
    dt = time.perf_counter() - t0
    db.close()
    return commits / dt, rows / dt, dt / commits * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=os.path.join(os.path.dirname(__file__), "out"))
    ap.add_argument("--seconds", type=float, default=3)
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    print(f"sqlite {sqlite3.sqlite_version}, dir {a.dir}")
    for sync, batch in (("FULL", 1), ("NORMAL", 1), ("FULL", 8), ("FULL", 64)):
        with tempfile.TemporaryDirectory(dir=a.dir) as d:
            cps, rps, ms = run(os.path.join(d, "p.db"), sync, batch, a.seconds)
        print(f"RESULT commit_probe synchronous={sync} rows_per_commit={batch} "
              f"commits_per_s={cps:.0f} rows_per_s={rps:.0f} ms_per_commit={ms:.3f}")


if __name__ == "__main__":
    main()
