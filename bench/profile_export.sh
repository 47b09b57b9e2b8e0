#!/usr/bin/env bash
# CPU profile of one full shifts.csv download: a server on an existing data dir (seeded by
# bench/export_compare.sh or `omnitrack bench-seed`), `perf record` of the server for the
# whole download, then the CPU of each thread (the reader, the formatter, the tokio workers
# that run hyper) and the top self-time functions of each, plus a flame graph.
#
#   BIN=target/perf/omnitrack NAME=after DATA=/tmp/omnitrack-export-sqlite bench/profile_export.sh
#   BACKEND=postgres DATABASE_URL=postgres://…/bench_export BIN=… NAME=pg-after bench/profile_export.sh
#
# Writes bench/out/profile-export-NAME/{perf.data,threads.txt,top.txt} and
# bench/flame-export-NAME.svg. Release builds keep no frame pointers, so stacks are often
# cut short; the self-time tables and the per-thread shares are exact.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-target/perf/omnitrack}
NAME=${NAME:-$(basename "$BIN")}
DATA=${DATA:-/tmp/omnitrack-export-sqlite}
PORT=${PORT:-18111}
OUT=bench/out/profile-export-$NAME
rm -rf "$OUT" && mkdir -p "$OUT"
echo "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/env.txt"
OMNITRACK_LOG=warn "$BIN" serve --data-dir "$DATA" --bind "127.0.0.1:$PORT" > "$OUT/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 300); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
token=$(curl -s -X POST "http://127.0.0.1:$PORT/api/v1/tokens" -H 'content-type: application/json' \
  -d '{"email":"bench@bench.omnitrack.example","password":"demo-password-2026","name":"bench"}' |
  sed -E 's/.*"token":"([^"]+)".*/\1/')
# One warm-up download (the first after start reads the file into the page cache).
curl -s -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT/api/v1/exports/shifts.csv"
perf record -F 999 -g -p "$pid" -o "$OUT/perf.data" 2> "$OUT/perf-record.log" &
perf_pid=$!
sleep 1
c0=$(awk '{print $14+$15}' "/proc/$pid/stat")
curl -s -o /dev/null -w '%{time_total} s, %{size_download} bytes\n' -H "Authorization: Bearer $token" \
  "http://127.0.0.1:$PORT/api/v1/exports/shifts.csv" | tee "$OUT/download.txt"
c1=$(awk '{print $14+$15}' "/proc/$pid/stat")
echo "server CPU $(( (c1 - c0) * 1000 / $(getconf CLK_TCK) )) ms, load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/download.txt"
sleep 0.5
kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null || true
# Samples per thread (999 Hz: a sample is ~1 ms of CPU).
perf report -i "$OUT/perf.data" --stdio --no-children --sort pid 2>/dev/null | grep -E '^ +[0-9]' | head -12 | tee "$OUT/threads.txt"
: > "$OUT/top.txt"
for tid in $(awk '{print $2}' "$OUT/threads.txt" | cut -d: -f1 | head -3); do
  { echo "== thread $tid"; perf report -i "$OUT/perf.data" --stdio --no-children --tid "$tid" --sort sym 2>/dev/null |
      grep -E '^ +[0-9]' | head -25; } >> "$OUT/top.txt"
done
cat "$OUT/top.txt"
perf script -i "$OUT/perf.data" 2>/dev/null |
  python3 bench/flamegraph.py --title "shifts.csv download, $NAME" --svg "bench/flame-export-$NAME.svg" --top 5 > /dev/null
