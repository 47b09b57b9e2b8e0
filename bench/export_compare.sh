#!/usr/bin/env bash
# CSV export, two builds on the same data in one run (issue 13 item 3): the previous build
# (OLD) and this one (NEW) serve the same database side by side; full shifts.csv downloads
# alternate between them (OLD, NEW, OLD, NEW, …), so both see the same machine load. Prints
# per download rows/s, the server's CPU per row and its RSS (min / max, sampled every 0.2 s),
# then the ratio NEW ÷ OLD of the median rows/s.
#
#   OLD=/tmp/omnitrack-old NEW=target/perf/omnitrack bench/export_compare.sh [SHIFTS]
#   BACKEND=postgres OLD=… NEW=… bench/export_compare.sh 1000000
#
# Seeds SHIFTS past shifts of 1,000 employees with SEED_BIN's `bench-seed` (default NEW;
# SQLite: a fresh data dir; PostgreSQL: a fresh database bench_export_<pid>, dropped at the
# end unless KEEP_DB=1); SKIP_SEED=1 reuses them. RUNS downloads per build (3). Loopback only.
#
# When NEW brings a migration OLD does not know, the two cannot share one database: seed with
# SEED_BIN=$OLD and give NEW a copy (NEW_DIR=… on SQLite, NEW_PGDB=… on PostgreSQL), made
# after the seed; NEW migrates its copy when it starts (the time is printed), as an upgrade
# would.
set -euo pipefail
cd "$(dirname "$0")/.."
SHIFTS=${1:-1000000}
OLD=${OLD:?the previous build}
NEW=${NEW:-target/perf/omnitrack}
BACKEND=${BACKEND:-sqlite}
RUNS=${RUNS:-3}
DIR=${BENCH_DIR:-/tmp/omnitrack-export-$BACKEND}
PGDB=${PGDB:-bench_export_$$}
SEED_BIN=${SEED_BIN:-$NEW}
NEW_DIR=${NEW_DIR:-$DIR}
NEW_PGDB=${NEW_PGDB:-$PGDB}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
OUT=${OUT:-bench/out/export-$BACKEND-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
if [ "$BACKEND" = postgres ]; then
  export DATABASE_URL=$PG/$PGDB
fi
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ "$BACKEND" = postgres ] && [ "${KEEP_DB:-0}" != 1 ] && [ -z "${SKIP_SEED:-}" ]; then
    sleep 1; dropdb -h 127.0.0.1 -U postgres --if-exists "$PGDB" || true
    [ "$NEW_PGDB" != "$PGDB" ] && dropdb -h 127.0.0.1 -U postgres --if-exists "$NEW_PGDB" || true
  fi
}
trap cleanup EXIT
echo "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $BACKEND, $SHIFTS shifts" | tee "$OUT/env.txt"
if [ -z "${SKIP_SEED:-}" ]; then
  rm -rf "$DIR"
  [ "$BACKEND" = postgres ] && createdb -h 127.0.0.1 -U postgres "$PGDB"
  /usr/bin/time -f '%e s, peak RSS %M KiB' "$SEED_BIN" bench-seed --employees 1000 --shifts "$SHIFTS" --data-dir "$DIR" 2>&1 | tail -2
fi
if [ -z "${SKIP_COPY:-}" ]; then
  if [ "$BACKEND" = postgres ] && [ "$NEW_PGDB" != "$PGDB" ]; then
    dropdb -h 127.0.0.1 -U postgres --if-exists "$NEW_PGDB"
    createdb -h 127.0.0.1 -U postgres -T "$PGDB" "$NEW_PGDB"
  elif [ "$BACKEND" = sqlite ] && [ "$NEW_DIR" != "$DIR" ]; then
    rm -rf "$NEW_DIR"; cp -r "$DIR" "$NEW_DIR"
  fi
fi
start() { # binary port data-dir database -> pid in $PID
  local t0; t0=$(date +%s.%N)
  local db=(); [ "$BACKEND" = postgres ] && db=(DATABASE_URL="$PG/$4")
  env "${db[@]}" OMNITRACK_LOG=warn "$1" serve --data-dir "$3" --bind "127.0.0.1:$2" > "$OUT/server-$2.log" 2>&1 &
  PID=$!
  PIDS+=("$PID")
  for _ in $(seq 6000); do
    if curl -sf -o /dev/null "http://127.0.0.1:$2/healthz"; then
      echo "server on $2 up in $(echo "$(date +%s.%N) - $t0" | bc) s (including its migrations)" | tee -a "$OUT/env.txt"
      return
    fi
    sleep 0.1
  done
  echo "server on $2 did not start"; exit 1
}
token() { # port
  curl -s -X POST "http://127.0.0.1:$1/api/v1/tokens" -H 'content-type: application/json' \
    -d '{"email":"bench@bench.omnitrack.example","password":"demo-password-2026","name":"bench"}' |
    sed -E 's/.*"token":"([^"]+)".*/\1/'
}
start "$OLD" 18101 "$DIR" "$PGDB"; OLD_PID=$PID; OLD_TOKEN=$(token 18101)
start "$NEW" 18102 "$NEW_DIR" "$NEW_PGDB"; NEW_PID=$PID; NEW_TOKEN=$(token 18102)
TICKS=$(getconf CLK_TCK)
if [ "$BACKEND" = postgres ]; then
  ROWS=$(psql "$DATABASE_URL" -Atc 'SELECT COUNT(*) FROM shifts')
else
  ROWS=$(sqlite3 "$DIR/omnitrack.db" 'SELECT COUNT(*) FROM shifts')
fi
download() { # name port pid token
  local rss=$OUT/rss-$1-$i
  ( while kill -0 "$3" 2>/dev/null; do awk '/VmRSS/{print $2}' "/proc/$3/status"; sleep 0.2; done ) > "$rss" &
  local sampler=$! c0 c1 wall bytes
  c0=$(awk '{print $14+$15}' "/proc/$3/stat")
  read -r wall bytes < <(curl -s -o /dev/null -w '%{time_total} %{size_download}\n' \
      -H "Authorization: Bearer $4" "http://127.0.0.1:$2/api/v1/exports/shifts.csv")
  c1=$(awk '{print $14+$15}' "/proc/$3/stat")
  kill "$sampler"
  awk -v n="$1" -v i="$i" -v rows="$ROWS" -v bytes="$bytes" -v wall="$wall" -v cpu=$((c1 - c0)) -v hz="$TICKS" \
    -v lo="$(sort -n "$rss" | head -1)" -v hi="$(sort -n "$rss" | tail -1)" -v la="$(cut -d' ' -f1 /proc/loadavg)" \
    'BEGIN { printf "%s run %d: %d rows, %.1f MB in %.2f s = %.0f rows/s; server CPU %.2f us/row; RSS %d-%d KiB; load %s\n",
             n, i, rows, bytes / 1e6, wall, rows / wall, cpu / hz * 1e6 / rows, lo, hi, la }' | tee -a "$OUT/results.txt"
}
for i in $(seq "$RUNS"); do
  download old 18101 "$OLD_PID" "$OLD_TOKEN"
  download new 18102 "$NEW_PID" "$NEW_TOKEN"
done
median() { grep "^$1 run" "$OUT/results.txt" | sed -E 's/.*= ([0-9]+) rows\/s.*/\1/' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
o=$(median old); n=$(median new)
echo "RESULT $BACKEND: median old $o rows/s, new $n rows/s, new / old = $(echo "scale=2; $n / $o" | bc)" | tee -a "$OUT/results.txt"
