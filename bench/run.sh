#!/usr/bin/env bash
# Seeds a large company into a fresh SQLite database, starts the release server, and
# measures the live board, a one-week team timesheet and the CSV export against /healthz.
# Usage: bench/run.sh [EMPLOYEES] [SHIFTS]   (defaults: 1000 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
EMPLOYEES="${1:-1000}"
SHIFTS="${2:-1000000}"
DIR="${BENCH_DIR:-/tmp/omnitrack-bench}"
PORT="${BENCH_PORT:-18080}"
BIN=target/release/omnitrack
[ -x "$BIN" ] || cargo build --release -p omnitrack
# SKIP_SEED=1 measures an already seeded $DIR again.
if [ -z "${SKIP_SEED:-}" ]; then
  rm -rf "$DIR"
  /usr/bin/time -v "$BIN" bench-seed --employees "$EMPLOYEES" --shifts "$SHIFTS" --data-dir "$DIR" 2>"$DIR.seed-time" | tail -1
  grep -E "Maximum resident|Elapsed" "$DIR.seed-time"
fi
OMNITRACK_LOG=warn "$BIN" serve --data-dir "$DIR" --bind "127.0.0.1:$PORT" &
SERVER=$!
trap 'kill $SERVER' EXIT
sleep 2
BASE="http://127.0.0.1:$PORT"
# A browser session for the pages, an API token for the API.
JAR="$DIR.cookies"
curl -s -c "$JAR" -o /dev/null -H 'sec-fetch-site: same-origin' \
  --data-urlencode 'email=bench@bench.omnitrack.example' --data-urlencode 'password=demo-password-2026' "$BASE/login"
COOKIE="$(awk '$6=="omnitrack_session"{print "omnitrack_session="$7}' "$JAR")"
TOKEN="$(curl -s -X POST "$BASE/api/v1/tokens" -H 'content-type: application/json' \
  -d '{"email":"bench@bench.omnitrack.example","password":"demo-password-2026","name":"bench"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')"
WEEK="$(date -d '-7 days' +%F)"
run() { # name, url, extra wrk args
  echo "== $1"
  wrk -t2 -c16 -d"${BENCH_SECS:-15}"s --latency "${@:3}" "$2" | grep -E "Requests/sec|50%|90%|99%|Latency  "
}
run healthz "$BASE/healthz"
run board "$BASE/dashboard" -H "Cookie: $COOKIE"
run board-json "$BASE/api/v1/dashboard" -H "Authorization: Bearer $TOKEN"
run timesheet-week "$BASE/timesheets?period=week&date=$WEEK" -H "Cookie: $COOKIE"
echo "== export shifts.csv (all shifts)"
/usr/bin/time -f "wall %e s" curl -s -o "$DIR.shifts.csv" -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/exports/shifts.csv"
ROWS=$(($(wc -l <"$DIR.shifts.csv") - 1))
echo "rows $ROWS, bytes $(stat -c %s "$DIR.shifts.csv"), server RSS $(ps -o rss= -p $SERVER) KiB"
