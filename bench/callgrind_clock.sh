#!/usr/bin/env bash
# Instructions per clock punch, counted by callgrind: repeatable whatever else runs on the
# machine (a count, not a time). A fresh SQLite server is seeded normally (1,000 employees,
# one kiosk), then restarted under `valgrind --tool=callgrind`; WARMUP punches warm it up,
# the counters are zeroed, PUNCHES punches (half clock-ins, half clock-outs, from CONC
# connections, bench/punch_client.py) are counted and dumped.
#
#   BIN=target/perf/omnitrack NAME=after bench/callgrind_clock.sh
#
# Prints instructions per punch (total, SQLite writer thread, the rest) and writes
# bench/out/callgrind-NAME/{callgrind.out.*, inclusive.txt, self.txt, components.txt}
# (bench/callgrind_summary.py). Kernel time (system calls, fsync) is not counted. CONC=1 makes every punch
# its own writer batch (its own commit); under load the commit is shared by a batch.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-target/perf/omnitrack}
NAME=${NAME:-$(basename "$BIN")}
PUNCHES=${PUNCHES:-600}
WARMUP=${WARMUP:-100}
CONC=${CONC:-1}
OUT=bench/out/callgrind-$NAME
rm -rf "$OUT" && mkdir -p "$OUT"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
pid=""
trap '[[ -n $pid ]] && kill $pid 2>/dev/null || true' EXIT
up() {
  for _ in $(seq 600); do curl -fs "$base/healthz" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "server did not start" >&2; exit 1
}
serve() {
  OMNITRACK_BIND="127.0.0.1:$port" OMNITRACK_DATA_DIR="$OUT/data" "$@" serve \
    >> "$OUT/server.log" 2>&1 &
  pid=$!
  up
}
serve "$BIN"
python3 bench/seed.py "$base" "$OUT/seed" --employees 1000 > /dev/null
kill "$pid"; wait "$pid" 2>/dev/null || true
serve valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$OUT/callgrind.out" "$BIN"
python3 bench/punch_client.py "$base" "$OUT/seed" "$WARMUP" --conc "$CONC" > /dev/null
callgrind_control -z "$pid" > /dev/null
python3 bench/punch_client.py "$base" "$OUT/seed" "$PUNCHES" --conc "$CONC" --skip "$WARMUP"
callgrind_control -d "$pid" > /dev/null
kill "$pid"; wait "$pid" 2>/dev/null || true
pid=""
# One dump file per thread (callgrind.out.1-NN); the summary sums them and names the
# writer thread's share (the file with the batch loop in it).
python3 bench/callgrind_summary.py "$OUT" "$PUNCHES" "$NAME" "$CONC"
