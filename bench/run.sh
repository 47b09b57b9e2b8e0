#!/usr/bin/env bash
# Seeds a large company into a fresh SQLite database, starts the server, and measures the
# live board, a one-week team timesheet and the CSV export against /healthz in the same run.
# Usage: bench/run.sh [EMPLOYEES] [SHIFTS]   (defaults: 1000 1000000)
# Env: BENCH_SECS (wrk seconds, 15), BENCH_DIR, BENCH_PORT, SKIP_SEED=1 (reuse BENCH_DIR),
#      BENCH_ONLY=export (skip board/timesheet), EXPORT_RUNS (3), BIN (default: the `perf`
#      profile build, release-optimised without LTO), READ_CACHE_OFF=0 (skip the board /
#      timesheet pass with the read cache off).
set -euo pipefail
cd "$(dirname "$0")/.."
EMPLOYEES="${1:-1000}"
SHIFTS="${2:-1000000}"
DIR="${BENCH_DIR:-/tmp/omnitrack-bench}"
PORT="${BENCH_PORT:-18080}"
BIN="${BIN:-target/perf/omnitrack}"
[ -x "$BIN" ] || cargo build --profile perf -p omnitrack
echo "binary $BIN, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -z "${SKIP_SEED:-}" ]; then
  rm -rf "$DIR"
  /usr/bin/time -v "$BIN" bench-seed --employees "$EMPLOYEES" --shifts "$SHIFTS" --data-dir "$DIR" 2>"$DIR.seed-time" | tail -1
  grep -E "Maximum resident|Elapsed" "$DIR.seed-time"
fi
BASE="http://127.0.0.1:$PORT"
WEEK="$(date -d '-7 days' +%F)"
SERVER=
trap '[ -n "$SERVER" ] && kill $SERVER' EXIT
start() { # extra environment for the server, e.g. OMNITRACK_READ_CACHE_MS=0
  env OMNITRACK_LOG=warn "$@" "$BIN" serve --data-dir "$DIR" --bind "127.0.0.1:$PORT" &
  SERVER=$!
  for _ in $(seq 100); do curl -sf -o /dev/null "$BASE/healthz" && break; sleep 0.1; done
  echo "server idle RSS $(awk '/VmRSS/{print $2}' /proc/$SERVER/status) KiB"
  # A browser session for the pages, an API token for the API.
  JAR="$DIR.cookies"
  curl -s -c "$JAR" -o /dev/null -H 'sec-fetch-site: same-origin' \
    --data-urlencode 'email=bench@bench.omnitrack.example' --data-urlencode 'password=demo-password-2026' "$BASE/login"
  COOKIE="$(awk '$6=="omnitrack_session"{print "omnitrack_session="$7}' "$JAR")"
  TOKEN="$(curl -s -X POST "$BASE/api/v1/tokens" -H 'content-type: application/json' \
    -d '{"email":"bench@bench.omnitrack.example","password":"demo-password-2026","name":"bench"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')"
}
# wrk, with p50/p95/p99 from bench/p95.lua (wrk's own table has no p95).
run() { # name, url, extra wrk args
  echo "== $1 (load $(cut -d' ' -f1-3 /proc/loadavg))"
  wrk -t2 -c16 -d"${BENCH_SECS:-15}"s -s bench/p95.lua "${@:3}" "$2" | grep -E "Requests/sec|RESULT"
}
# One request at a time: min and median of 20.
single() { # name, url, header
  for _ in $(seq 20); do curl -s -o /dev/null -w "%{time_total}\n" -H "$3" "$2"; done | sort -n |
    awk -v n="$1" '{a[NR]=$1} END {printf "== %s, one at a time: min %.1f ms, median %.1f ms\n", n, a[1]*1000, a[int((NR+1)/2)]*1000}'
}
board_and_timesheet() {
  single healthz "$BASE/healthz" "X-Bench: 1"
  single board "$BASE/dashboard" "Cookie: $COOKIE"
  single timesheet-week "$BASE/timesheets?period=week&date=$WEEK" "Cookie: $COOKIE"
  run healthz "$BASE/healthz"
  run board "$BASE/dashboard" -H "Cookie: $COOKIE"
  run board-json "$BASE/api/v1/dashboard" -H "Authorization: Bearer $TOKEN"
  run timesheet-week "$BASE/timesheets?period=week&date=$WEEK" -H "Cookie: $COOKIE"
}
if [ "${BENCH_ONLY:-}" != export ] && [ "${READ_CACHE_OFF:-1}" != 0 ]; then
  echo "### read cache off: every request computes the board / timesheet"
  start OMNITRACK_READ_CACHE_MS=0
  board_and_timesheet
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
fi
echo "### read cache on (the default; after the first, requests within 1.5 s are cache hits)"
start
if [ "${BENCH_ONLY:-}" != export ]; then
  board_and_timesheet
else
  run healthz "$BASE/healthz"
fi
# The export: wall time, rows/s, the server's CPU per row, and its RSS every 0.2 s.
for i in $(seq "${EXPORT_RUNS:-3}"); do
  echo "== export shifts.csv, all shifts, run $i (load $(cut -d' ' -f1-3 /proc/loadavg))"
  ( while kill -0 "$SERVER" 2>/dev/null; do awk '/VmRSS/{print $2}' "/proc/$SERVER/status"; sleep 0.2; done ) >"$DIR.rss.$i" &
  SAMPLER=$!
  CPU0=$(awk '{print $14+$15}' "/proc/$SERVER/stat")
  WALL=$(curl -s -o "$DIR.shifts.csv" -w '%{time_total}' -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/exports/shifts.csv")
  CPU1=$(awk '{print $14+$15}' "/proc/$SERVER/stat")
  kill "$SAMPLER"
  # Rows = lines - header (seeded notes have no line breaks inside cells).
  ROWS=$(($(wc -l <"$DIR.shifts.csv") - 1))
  TICKS=$(getconf CLK_TCK)
  awk -v rows="$ROWS" -v wall="$WALL" -v cpu=$((CPU1 - CPU0)) -v hz="$TICKS" -v bytes="$(stat -c %s "$DIR.shifts.csv")" \
    'BEGIN { printf "rows %d, %.1f MB, %.2f s: %.0f rows/s; server CPU %.2f s = %.2f us/row\n", rows, bytes/1e6, wall, rows/wall, cpu/hz, cpu/hz*1e6/rows }'
  sort -n "$DIR.rss.$i" | awk -v f="$DIR.rss.$i" 'NR==1{min=$1} {max=$1; n++} END {printf "server RSS during the export: min %d KiB, max %d KiB (%d samples, series in %s)\n", min, max, n, f}'
done
echo "== export query plans"
sqlite3 "$DIR/omnitrack.db" <bench/export_plan.sql
