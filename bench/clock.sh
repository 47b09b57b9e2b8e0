#!/usr/bin/env bash
# Clock-path benchmark: POST /api/v1/clock-in + /clock-out under wrk, with GET /healthz in
# the same run as the HTTP stack's ceiling, plus cold start and idle RSS. Loopback only,
# every load run bounded by DURATION. See bench/README.md.
#
#   bench/clock.sh                      # SQLite then PostgreSQL, 16 and 64 connections
#   BACKENDS=sqlite DURATION=10s bench/clock.sh
#
# Knobs (environment): BIN, BACKENDS ("sqlite postgres"), CONNS ("16 64"), THREADS (2),
# DURATION (15s, keep <= 20s), EMPLOYEES (1000), KIOSKS (1), PG (server URL without db,
# postgres://postgres@127.0.0.1:5432), TWO_INSTANCES (1: PostgreSQL also with two app
# instances), ANALYSIS_OFF (1: one more 64-connection run with OMNITRACK_ANALYSIS_WAIT_MS=0),
# COLD_RUNS (5), OUT (results dir), KEEP_DB (0).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=${BIN:-$ROOT/target/release/omnitrack}
BACKENDS=${BACKENDS:-"sqlite postgres"}
CONNS=${CONNS:-"16 64"}
THREADS=${THREADS:-2}
DURATION=${DURATION:-15s}
EMPLOYEES=${EMPLOYEES:-1000}
KIOSKS=${KIOSKS:-1}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
TWO_INSTANCES=${TWO_INSTANCES:-1}
ANALYSIS_OFF=${ANALYSIS_OFF:-1}
COLD_RUNS=${COLD_RUNS:-5}
KEEP_DB=${KEEP_DB:-0}
OUT=${OUT:-$ROOT/bench/out/clock-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
SUMMARY=$OUT/summary.txt
: > "$SUMMARY"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if ! command -v wrk >/dev/null; then
  log "installing wrk"
  apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi
if [[ ! -x $BIN ]]; then
  log "building release binary"
  cargo build --release -p omnitrack
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  # Keep only the tail of the (access-)logs.
  for f in "$OUT"/server-*.log; do
    [[ -f $f ]] && { tail -n 200 "$f" > "$f.tail"; mv "$f.tail" "$f"; }
  done
  if [[ -n ${PGDB:-} && $KEEP_DB != 1 ]]; then dropdb -h 127.0.0.1 -U postgres --if-exists "$PGDB" || true; fi
}
trap cleanup EXIT

# start_server NAME PORT DATA_DIR DB_URL [ENV=VAL...] -> sets SERVER_PID
start_server() {
  local name=$1 port=$2 dir=$3 url=$4; shift 4
  mkdir -p "$dir"
  env OMNITRACK_BIND="127.0.0.1:$port" OMNITRACK_DATA_DIR="$dir" ${url:+DATABASE_URL="$url"} "$@" \
    "$BIN" serve >> "$OUT/server-$name.log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  log "server $name did not start; see $OUT/server-$name.log"; exit 1
}

stop_server() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

rss_kb() { awk -v f="$2" '$1==f":" {print $2}' "/proc/$1/status"; }

# Closes every open shift directly in the database, so the next run starts with everyone
# clocked out (the previous run ends with some employees still in).
reset_open() {
  local sql="UPDATE shifts SET clock_out_at = clock_in_at + 1, report = 'bench reset' WHERE clock_out_at IS NULL"
  if [[ $1 == sqlite ]]; then
    sqlite3 "$2/omnitrack.db" "PRAGMA busy_timeout=10000; $sql;" >/dev/null
  else
    psql -q "$2" -c "$sql" >/dev/null
  fi
}

CLK_TCK=$(getconf CLK_TCK)
# CPU time (user + system, in clock ticks) the server process has used so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }

record() {  # record BACKEND SCENARIO CONNS FILE [CPU_TICKS_USED]
  local line
  line=$(grep '^RESULT' "$4" || echo "RESULT missing")
  if [[ -n ${5:-} ]]; then
    # Server CPU per request: the CPU the server process burnt during the run / requests.
    local req
    req=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")
    line="$line server_cpu_s=$(awk -v t="$5" -v h="$CLK_TCK" 'BEGIN {printf "%.2f", t / h}') server_cpu_us_per_req=$(awk -v t="$5" -v h="$CLK_TCK" -v r="$req" 'BEGIN {printf "%.0f", (r > 0 ? t / h / r * 1e6 : 0)}')"
  fi
  echo "$1 $2 c=$3 $line" >> "$SUMMARY"
  log "$1 $2 c=$3: ${line#RESULT }"
  grep '^LAST_ERROR' "$4" >&2 || true
}

wrk_healthz() {  # BACKEND SCENARIO PORT CONNS  (server pid in $pid)
  local f=$OUT/$1-$2-healthz-c$4.txt c0
  c0=$(cpu_ticks "$pid")
  wrk -t"$THREADS" -c"$4" -d"$DURATION" --latency -s bench/healthz.lua "http://127.0.0.1:$3/healthz" > "$f"
  record "$1" "$2-healthz" "$4" "$f" $(($(cpu_ticks "$pid") - c0))
}

wrk_clock() {  # BACKEND SCENARIO PORT CONNS SEED_DIR  (server pid in $pid)
  local f=$OUT/$1-$2-clock-c$4.txt c0
  c0=$(cpu_ticks "$pid")
  wrk -t"$THREADS" -c"$4" -d"$DURATION" --latency -s bench/clock.lua "http://127.0.0.1:$3" \
    -- "$5/codes.txt" "$5/tokens.txt" 0 1 "$THREADS" > "$f"
  record "$1" "$2-clock" "$4" "$f" $(($(cpu_ticks "$pid") - c0))
}

{
  echo "date: $(date -Is)"
  echo "host: $(nproc) cores, $(awk '/MemTotal/ {print $2" kB"}' /proc/meminfo), $(uname -r)"
  echo "loadavg at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "binary: $BIN ($(stat -c %s "$BIN") bytes)"
  echo "git: $(git rev-parse --short HEAD 2>/dev/null) $(git status --porcelain 2>/dev/null | wc -l) changed files"
  echo "wrk: $(wrk -v 2>&1 | head -1)"
  echo "duration=$DURATION threads=$THREADS employees=$EMPLOYEES kiosks=$KIOSKS"
} > "$OUT/env.txt"
cat "$OUT/env.txt" >&2

log "cold start + idle RSS (SQLite), $COLD_RUNS runs"
python3 bench/coldstart.py --bin "$BIN" --runs "$COLD_RUNS" --log "$OUT/coldstart.log" | tee -a "$SUMMARY" >&2

for backend in $BACKENDS; do
  port=$(free_port)
  dir=$OUT/data-$backend
  url=""
  if [[ $backend == postgres ]]; then
    PGDB=bench_$(date +%s)_$$
    createdb -h 127.0.0.1 -U postgres "$PGDB"
    url=$PG/$PGDB
  fi
  start_server "$backend" "$port" "$dir" "$url"
  pid=$SERVER_PID
  sleep 1
  echo "$backend idle_rss_kb=$(rss_kb "$pid" VmRSS)" >> "$SUMMARY"
  log "$backend: seeding $EMPLOYEES employees"
  python3 bench/seed.py "http://127.0.0.1:$port" "$OUT/seed-$backend" --employees "$EMPLOYEES" --kiosks "$KIOSKS"
  db=${url:-$dir}
  for c in $CONNS; do
    wrk_healthz "$backend" one "$port" "$c"
    reset_open "$backend" "$db"
    wrk_clock "$backend" one "$port" "$c" "$OUT/seed-$backend"
  done
  echo "$backend after_load_rss_kb=$(rss_kb "$pid" VmRSS) peak_rss_kb=$(rss_kb "$pid" VmHWM)" >> "$SUMMARY"

  if [[ $backend == postgres && $TWO_INSTANCES == 1 ]]; then
    port2=$(free_port)
    start_server postgres-2 "$port2" "$OUT/data-postgres-2" "$url"
    pid2=$SERVER_PID
    for c in $CONNS; do
      half=$((c / 2))
      wrk -t1 -c"$half" -d"$DURATION" --latency -s bench/healthz.lua "http://127.0.0.1:$port/healthz" > "$OUT/pg2-healthz-a-c$half.txt" &
      wa=$!
      wrk -t1 -c"$half" -d"$DURATION" --latency -s bench/healthz.lua "http://127.0.0.1:$port2/healthz" > "$OUT/pg2-healthz-b-c$half.txt"
      wait "$wa" || true
      record postgres two-a-healthz "$half" "$OUT/pg2-healthz-a-c$half.txt"
      record postgres two-b-healthz "$half" "$OUT/pg2-healthz-b-c$half.txt"
      reset_open postgres "$url"
      wrk -t1 -c"$half" -d"$DURATION" --latency -s bench/clock.lua "http://127.0.0.1:$port" \
        -- "$OUT/seed-postgres/codes.txt" "$OUT/seed-postgres/tokens.txt" 0 2 1 > "$OUT/pg2-clock-a-c$half.txt" &
      wa=$!
      wrk -t1 -c"$half" -d"$DURATION" --latency -s bench/clock.lua "http://127.0.0.1:$port2" \
        -- "$OUT/seed-postgres/codes.txt" "$OUT/seed-postgres/tokens.txt" 1 2 1 > "$OUT/pg2-clock-b-c$half.txt"
      wait "$wa" || true
      record postgres two-a-clock "$half" "$OUT/pg2-clock-a-c$half.txt"
      record postgres two-b-clock "$half" "$OUT/pg2-clock-b-c$half.txt"
    done
    stop_server "$pid2"
  fi

  if [[ $ANALYSIS_OFF == 1 ]]; then
    stop_server "$pid"
    start_server "$backend-noanalysis" "$port" "$dir" "$url" OMNITRACK_ANALYSIS_WAIT_MS=0
    pid=$SERVER_PID
    reset_open "$backend" "$db"
    c=$(echo "$CONNS" | awk '{print $NF}')
    wrk_clock "$backend" noanalysis "$port" "$c" "$OUT/seed-$backend"
  fi
  stop_server "$pid"
done

log "summary: $SUMMARY"
python3 bench/report.py "$SUMMARY" | tee "$OUT/report.md"
# The last line: punches/s (clock-ins + clock-outs) as a ratio to /healthz of the same run,
# p99 and errors, per backend at the largest connection count.
python3 bench/report.py --headline "$SUMMARY" | tee -a "$OUT/report.md"
