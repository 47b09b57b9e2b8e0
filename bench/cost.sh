#!/usr/bin/env bash
# Cost growth (issue 13 item 4): how the cost of a request grows with the data.
#   1. clock-in/clock-out throughput at EMPLOYEES_SET employees (bench/clock.sh, SQLite,
#      64 connections), as a ratio to GET /healthz of the same run: should be flat;
#   2. at SHIFTS_SET past shifts (1,000 employees, `omnitrack bench-seed`, SQLite), with the
#      read cache off so every request computes: the live board and a one-week team
#      timesheet (one request at a time, median of 15, and wrk -c16 p95) — flat, they read
#      one day / one week — and the full CSV export (time, rows/s, server RSS) — linear in
#      time, flat in rows/s and RSS. /healthz of the same server is the baseline.
# Results: $OUT/cost.tsv (one line per measurement), charts by bench/cost_chart.py.
# Loopback only; every load run is bounded (wrk -d, one download).
#
#   BIN=target/perf/omnitrack bench/cost.sh
#   PARTS=shifts SHIFTS_SET="100000 1000000" bench/cost.sh
#
# In pieces (a shared machine: each under `flock /tmp/bench.lock`, the same OUT so the
# lines add up in one cost.tsv): PARTS=seed seeds each size into $BENCH_DIR-<shifts> and
# keeps it; PARTS=shifts measures a size whose data dir is there (seeding it first if not);
# PARTS=chart only draws. CLEAN=1 removes each data dir after its measurements.
#   OUT=bench/out/cost-X PARTS=clock EMPLOYEES_SET=100 bench/cost.sh
#   OUT=bench/out/cost-X PARTS=seed SHIFTS_SET=5000000 bench/cost.sh
#   OUT=bench/out/cost-X PARTS=shifts SHIFTS_SET=5000000 bench/cost.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath -m "${BIN:-target/perf/omnitrack}")
PARTS=${PARTS:-"clock shifts"}
EMPLOYEES_SET=${EMPLOYEES_SET:-"100 1000 10000"}
SHIFTS_SET=${SHIFTS_SET:-"100000 1000000 5000000"}
SECS=${SECS:-5}
DIR=${BENCH_DIR:-/tmp/omnitrack-cost}
PORT=${BENCH_PORT:-18090}
OUT=${OUT:-bench/out/cost-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
OUT=$(realpath "$OUT")
TSV=$OUT/cost.tsv
[ -f "$TSV" ] || printf 'part\tsize\tmetric\tvalue\tload\n' > "$TSV"
load() { cut -d' ' -f1 /proc/loadavg; }
put() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$(load)" | tee -a "$TSV"; }

if [[ " $PARTS " == *" clock "* ]]; then
  for n in $EMPLOYEES_SET; do
    o=$OUT/clock-$n
    EMPLOYEES=$n BACKENDS=sqlite CONNS=64 DURATION=${SECS}s TWO_INSTANCES=0 ANALYSIS_OFF=0 \
      COLD_RUNS=1 OUT=$o BIN=$BIN bench/clock.sh > "$o.log" 2>&1
    # summary.txt: one line per wrk run; report.py --headline prints the ratio.
    line=$(python3 bench/report.py --headline "$o/summary.txt")
    echo "$line"
    punches=$(sed -E 's/.*c=64: ([0-9]+) punches\/s.*/\1/' <<<"$line")
    ratio=$(sed -E 's/.*= ([0-9.]+) of \/healthz.*/\1/' <<<"$line")
    p99=$(sed -E 's/.*p99 ([0-9.]+) ms.*/\1/' <<<"$line")
    put clock "$n" punches_per_s "$punches"
    put clock "$n" punches_per_healthz "$ratio"
    put clock "$n" p99_ms "$p99"
  done
fi

SERVER=
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null || true' EXIT
BASE=http://127.0.0.1:$PORT
median_ms() { # url header: one request at a time, median of 15
  for _ in $(seq 15); do curl -s -o /dev/null -w '%{time_total}\n' -H "$2" "$1"; done | sort -n | sed -n 8p |
    awk '{printf "%.2f", $1 * 1000}'
}
p95_ms() { # url header
  wrk -t2 -c16 -d"${SECS}"s -s bench/p95.lua -H "$2" "$1" | sed -nE 's/.*p95_ms=([0-9.]+).*/\1/p'
}
rps() { # url header
  wrk -t2 -c16 -d"${SECS}"s -s bench/p95.lua -H "$2" "$1" | sed -nE 's/.*rps=([0-9.]+).*/\1/p'
}

seed() { # shifts: a fresh data dir $DIR-<shifts>, kept
  local d=$DIR-$1 start
  rm -rf "$d"
  start=$(date +%s.%N)
  "$BIN" bench-seed --employees 1000 --shifts "$1" --data-dir "$d" > "$OUT/seed-$1.log" 2>&1
  put shifts "$1" seed_s "$(echo "$(date +%s.%N) - $start" | bc)"
}

if [[ " $PARTS " == *" seed "* ]]; then
  for m in $SHIFTS_SET; do seed "$m"; done
fi

if [[ " $PARTS " == *" shifts "* ]]; then
  for m in $SHIFTS_SET; do
    [ -f "$DIR-$m/omnitrack.db" ] || seed "$m"
    d=$DIR-$m
    OMNITRACK_LOG=warn OMNITRACK_READ_CACHE_MS=0 "$BIN" serve --data-dir "$d" --bind "127.0.0.1:$PORT" &
    SERVER=$!
    for _ in $(seq 100); do curl -sf -o /dev/null "$BASE/healthz" && break; sleep 0.1; done
    jar=$d.cookies
    curl -s -c "$jar" -o /dev/null -H 'sec-fetch-site: same-origin' \
      --data-urlencode 'email=bench@bench.omnitrack.example' --data-urlencode 'password=demo-password-2026' "$BASE/login"
    cookie="Cookie: $(awk '$6=="omnitrack_session"{print "omnitrack_session="$7}' "$jar")"
    token=$(curl -s -X POST "$BASE/api/v1/tokens" -H 'content-type: application/json' \
      -d '{"email":"bench@bench.omnitrack.example","password":"demo-password-2026","name":"bench"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')
    week="$BASE/timesheets?period=week&date=$(date -d '-7 days' +%F)"
    put shifts "$m" healthz_rps "$(rps "$BASE/healthz" 'X-Bench: 1')"
    put shifts "$m" board_median_ms "$(median_ms "$BASE/dashboard" "$cookie")"
    put shifts "$m" timesheet_median_ms "$(median_ms "$week" "$cookie")"
    put shifts "$m" board_p95_ms "$(p95_ms "$BASE/dashboard" "$cookie")"
    put shifts "$m" timesheet_p95_ms "$(p95_ms "$week" "$cookie")"
    rows=$(sqlite3 "$d/omnitrack.db" 'SELECT COUNT(*) FROM shifts')
    ( while kill -0 "$SERVER" 2>/dev/null; do awk '/VmRSS/{print $2}' "/proc/$SERVER/status"; sleep 0.2; done ) > "$OUT/rss-$m" &
    sampler=$!
    wall=$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "$BASE/api/v1/exports/shifts.csv")
    kill $sampler
    put shifts "$m" export_rows "$rows"
    put shifts "$m" export_s "$wall"
    put shifts "$m" export_rows_per_s "$(echo "$rows / $wall" | bc)"
    put shifts "$m" export_rss_max_kib "$(sort -n "$OUT/rss-$m" | tail -1)"
    put shifts "$m" export_rss_min_kib "$(sort -n "$OUT/rss-$m" | head -1)"
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
    [ "${CLEAN:-0}" = 1 ] && rm -rf "$d" "$jar"
  done
fi
python3 bench/cost_chart.py "$TSV" bench
