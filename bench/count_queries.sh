#!/usr/bin/env bash
# Counts the SQL statements of one clock-in and one clock-out (SQLite; PostgreSQL with
# DATABASE_URL=postgres://…/EMPTY_DB in the environment), from sqlx's own
# statement log (OMNITRACK_LOG=info,sqlx::query=debug; only statements inside the request's span),
# plus, on SQLite, the store's own hot paths: point reads on the request thread
# (`store::inline_read`) and writes handed to the group-commit writer (`store::writer`).
# Usage: bench/count_queries.sh [BIN]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/omnitrack}
OUT=$(mktemp -d /tmp/ot-count-XXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
NO_COLOR=1 OMNITRACK_LOG='info,sqlx::query=debug,store::sqlite::inline_read=debug,store::sqlite::writer=debug' OMNITRACK_BIND=127.0.0.1:$port OMNITRACK_DATA_DIR=$OUT/data \
  "$BIN" serve > "$OUT/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; [[ -n ${KEEP:-} ]] || rm -rf "$OUT"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
python3 bench/seed.py "http://127.0.0.1:$port" "$OUT/seed" --employees 2 2>/dev/null
tok=$(cat "$OUT/seed/tokens.txt")
# Warm-up punch pair (first use touches api_tokens.last_used_at), then wait out the
# background job poller so its statements do not mix in.
for body in '{"id_code":"E00002","standup":"Warm up the pipeline."}'; do
  curl -fs -o /dev/null "http://127.0.0.1:$port/api/v1/clock-in" -H "authorization: Bearer $tok" -H 'content-type: application/json' -d "$body"
done
curl -fs -o /dev/null "http://127.0.0.1:$port/api/v1/clock-out" -H "authorization: Bearer $tok" -H 'content-type: application/json' -d '{"id_code":"E00002","report":"Warm up done."}'
count() {
  sleep 0.6
  local before after lines
  before=$(wc -l < "$OUT/server.log")
  curl -fs -o /dev/null -w "$1 -> %{http_code}\n" "http://127.0.0.1:$port/api/v1/$1" -H "authorization: Bearer $tok" -H 'content-type: application/json' -d "$2"
  sleep 0.1
  after=$(wc -l < "$OUT/server.log")
  # Only statements inside the request's span (not the background job poller's).
  span=$(sed -n "$((before + 1)),${after}p" "$OUT/server.log" | sed -E 's/\x1b\[[0-9;]*m//g' | grep 'request{' || true)
  lines=$(printf '%s\n' "$span" | grep 'sqlx::query' || true)
  echo "$1: $(printf '%s\n' "$lines" | grep -c 'sqlx::query') sqlx statements, $(printf '%s\n' "$lines" | grep -cE 'summary="(INSERT|UPDATE|DELETE)') of them writes;" \
    "$(printf '%s\n' "$span" | grep -c 'inline read') inline reads, $(printf '%s\n' "$span" | grep -c 'write queued') group-commit writes"
  printf '%s\n' "$lines" | sed -E 's/.*summary="([^"]*)".*/  \1/' | cut -c1-100
}
count clock-in '{"id_code":"E00001","standup":"Plan the week."}'
count clock-out '{"id_code":"E00001","report":"Planned the week."}'
