#!/usr/bin/env bash
# CPU profile of the clock path under load: a fresh SQLite server, the clock benchmark's
# load (bench/clock.lua, 64 connections), `perf record` of the server for the middle of the
# run, then a flame graph and the top self-time functions (bench/flamegraph.py).
#
#   BIN=target/perf/omnitrack NAME=after bench/profile_clock.sh
#
# Writes bench/out/profile-NAME/{perf.data,top.txt,wrk.txt} and bench/flame-clock-NAME.svg.
# Frame pointers are not kept in release builds, so stacks are often cut short; the
# self-time table (leaf functions) and the per-thread shares are exact.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-target/perf/omnitrack}
NAME=${NAME:-$(basename "$BIN")}
CONNS=${CONNS:-64}
SECS=${SECS:-14}
OUT=bench/out/profile-$NAME
rm -rf "$OUT" && mkdir -p "$OUT"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
OMNITRACK_LOG=warn OMNITRACK_BIND="127.0.0.1:$port" OMNITRACK_DATA_DIR="$OUT/data" "$BIN" serve > "$OUT/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
python3 bench/seed.py "http://127.0.0.1:$port" "$OUT/seed" --employees 1000 > /dev/null
wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s bench/clock.lua "http://127.0.0.1:$port" \
  -- "$OUT/seed/codes.txt" "$OUT/seed/tokens.txt" 0 1 2 > "$OUT/wrk.txt" &
wrk_pid=$!
sleep 2
perf record -F 499 -g -p "$pid" -o "$OUT/perf.data" -- sleep $((SECS - 4)) 2> "$OUT/perf-record.log"
wait "$wrk_pid"
grep RESULT "$OUT/wrk.txt"
perf script -i "$OUT/perf.data" 2>/dev/null |
  python3 bench/flamegraph.py --title "clock path under load, $NAME ($CONNS connections)" \
    --svg "bench/flame-clock-$NAME.svg" --top 40 | tee "$OUT/top.txt"
