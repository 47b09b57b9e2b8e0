#!/usr/bin/env bash
# Fault test (manual, not in CI): acknowledged punches must survive kill -9.
#
#   bench/kill9.sh                     # SQLite
#   BACKEND=postgres bench/kill9.sh    # PostgreSQL (fresh database on 127.0.0.1:5432)
#
# Starts the release server on a fresh data dir / database, seeds 1,000 employees, runs
# bench/kill9_client.py (which logs the shift_id of every 201 clock-in and 200 clock-out
# it receives) for SECONDS, sends SIGKILL to the server after KILL_AFTER seconds, lets the
# client run into connection errors until its time is up, restarts the server on the same
# data, and checks in the database that every acknowledged clock-in exists and every
# acknowledged clock-out has its clock_out_at. Also fetches a sample through the API.
# Exit status 1 when anything acknowledged is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=${BIN:-$ROOT/target/release/omnitrack}
BACKEND=${BACKEND:-sqlite}
THREADS=${THREADS:-16}
KILL_AFTER=${KILL_AFTER:-6}
SECONDS_TOTAL=${SECONDS_TOTAL:-9}
EMPLOYEES=${EMPLOYEES:-1000}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
OUT=${OUT:-$ROOT/bench/out/kill9-$BACKEND-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
command -v sqlite3 >/dev/null || apt-get install -y sqlite3 >/dev/null
[[ -x $BIN ]] || cargo build --release -p omnitrack

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
dir=$OUT/data
url=""
if [[ $BACKEND == postgres ]]; then
  PGDB=kill9_$(date +%s)_$$
  createdb -h 127.0.0.1 -U postgres "$PGDB"
  url=$PG/$PGDB
fi
PID=""
cleanup() {
  [[ -n $PID ]] && { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }
  [[ -n ${PGDB:-} && ${KEEP_DB:-0} != 1 ]] && dropdb -h 127.0.0.1 -U postgres --if-exists "$PGDB" || true
}
trap cleanup EXIT

start() {
  env OMNITRACK_BIND="127.0.0.1:$port" OMNITRACK_DATA_DIR="$dir" ${url:+DATABASE_URL="$url"} \
    "$BIN" serve >> "$OUT/server.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  log "server did not start"; exit 1
}

start
python3 bench/seed.py "http://127.0.0.1:$port" "$OUT/seed" --employees "$EMPLOYEES"
ACK=$OUT/acked.txt
: > "$ACK"
log "load: $THREADS client threads for ${SECONDS_TOTAL}s, kill -9 after ${KILL_AFTER}s"
python3 bench/kill9_client.py "http://127.0.0.1:$port" "$OUT/seed" "$ACK" \
  --threads "$THREADS" --seconds "$SECONDS_TOTAL" > "$OUT/client.txt" &
CLIENT=$!
sleep "$KILL_AFTER"
kill -9 "$PID"
wait "$PID" 2>/dev/null || true
log "server $PID killed with SIGKILL"
PID=""
wait "$CLIENT"
cat "$OUT/client.txt" >&2

start
log "restarted; verifying"
# Shift ids as 32 lowercase hex digits, with 1 when clocked out.
if [[ $BACKEND == postgres ]]; then
  psql -qAt -F' ' "$url" -c "SELECT replace(id::text, '-', ''), (clock_out_at IS NOT NULL)::int FROM shifts" > "$OUT/db.txt"
else
  sqlite3 -separator ' ' "$dir/omnitrack.db" \
    "SELECT CASE typeof(id) WHEN 'blob' THEN lower(hex(id)) ELSE replace(lower(id), '-', '') END,
            clock_out_at IS NOT NULL FROM shifts" > "$OUT/db.txt"
fi
OWNER=$(cat "$OUT/seed/owner_token.txt")
python3 - "$ACK" "$OUT/db.txt" "$port" "$OWNER" <<'PY'
import http.client, random, sys
ack, db, port, owner = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
rows = {}
for line in open(db):
    sid, out = line.split()
    rows[sid] = out == "1"
ins, outs = [], []
for line in open(ack):
    kind, sid = line.split()
    (ins if kind == "in" else outs).append(sid)
missing_in = [s for s in ins if s.replace("-", "") not in rows]
missing_out = [s for s in outs if not rows.get(s.replace("-", ""), False)]
c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
sample = random.sample(ins, min(50, len(ins)))
api_bad = 0
for s in sample:
    c.request("GET", f"/api/v1/shifts/{s}", headers={"authorization": f"Bearer {owner}"})
    r = c.getresponse(); r.read()
    api_bad += r.status != 200
print(f"RESULT acked_clock_ins={len(ins)} found={len(ins) - len(missing_in)} missing={len(missing_in)} "
      f"acked_clock_outs={len(outs)} found_closed={len(outs) - len(missing_out)} missing_closed={len(missing_out)} "
      f"rows_in_db={len(rows)} api_sample={len(sample)} api_sample_not_200={api_bad}")
sys.exit(1 if missing_in or missing_out or api_bad else 0)
PY
