#!/usr/bin/env bash
# The database side of the CSV export, old statement against new, in one run per size, on
# both engines — without the OmniTrack binary: the schema comes from the migration files,
# the rows from SQL (`sqlite3` CLI, `psql`). Shows what migration 0012 changes for the
# reader thread, which was the export's bottleneck (BENCHMARKS.md, session 2: the joined
# statement alone capped SQLite at ~427,000 rows/s on one thread).
#
#   bench/export_sql.sh                       # SQLite and PostgreSQL, 100 k then 1 M shifts
#   SIZES="100000 1000000 5000000" ENGINES=sqlite bench/export_sql.sh
#
# Per size (the same database grows): 1,000 employees, shifts one per employee and weekday
# with a closed break, a standup analysis and a scored report analysis (JSON of the sizes
# the local analyzer writes). Times, best of RUNS (3):
#   old_export   the joined page statement of the previous build (break-sum subquery, two
#                `analyses` lookups), every row of the company, every column touched
#   new_export   the one-table statement of this build, the same rows and columns
#   week         the team timesheet's per-shift read for one week (flat in the table size)
# Prints rows/s and new ÷ old. Loopback only; the PostgreSQL database bench_sql_<pid> is
# dropped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"100000 1000000"}
ENGINES=${ENGINES:-"sqlite postgres"}
RUNS=${RUNS:-3}
DB=${BENCH_DB:-/tmp/omnitrack-export-sql.db}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
PGDB=bench_sql_$$
OUT=${OUT:-bench/out/export-sql-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
trap 'dropdb -h 127.0.0.1 -U postgres --if-exists "$PGDB" 2>/dev/null || true' EXIT
# 2026-01-05 07:00 UTC in ms; shift i is employee i % 1000 on weekday i / 1000.
T0=1767596400000
WEEK_FROM=$((T0 + 7 * 86400000)); WEEK_TO=$((WEEK_FROM + 7 * 86400000)); NOW=$((T0 + 4000 * 86400000))
STANDUP_JSON='{"tasks":[{"task":"Fix login redirect loop","mentioned":true,"evidence":"fix the login redirect loop"},{"task":"Write the release notes","mentioned":false,"evidence":null},{"task":"Review the billing change","mentioned":true,"evidence":"review billing"}]}'
REPORT_JSON='{"tasks":[{"task":"Fix login redirect loop","status":"done","evidence":"Fixed the login redirect loop and merged it"},{"task":"Write the release notes","status":"progress","evidence":"started the release notes"},{"task":"Review the billing change","status":"blocked","evidence":"waiting for the billing API keys"}],"blockers":["waiting for the billing API keys"],"unplanned":["helped a colleague with the deploy"]}'
BREAKDOWN='{"score":61,"formula_version":1,"tasks_total":3,"done":1,"progress":1,"blocked":1,"none":0,"unplanned":1,"task_component":0.5416666666666666,"unplanned_component":1.0,"weights":{"tasks":0.85,"unplanned":0.15,"blocked_credit":0.25},"reasons":["1 of 3 assigned tasks done","1 in progress","1 blocked (counts a quarter)","unplanned work reported"]}'
STANDUP='Fix the login redirect loop, then review billing; the release notes if there is time.'
REPORT='Fixed the login redirect loop and merged it. Started the release notes. Billing review blocked: waiting for the API keys. Helped a colleague with the deploy.'

# The statements, with `?1` now, `?2` company, `?3`/`?4` the range; `%X` placeholders are
# filled per engine. Every column the CSV writer reads is summed, so none is skipped.
OLD_SELECT="SELECT s.id, s.employee_id, s.workday, s.clock_in_at, s.clock_out_at, s.standup, s.report,
        s.auto_closed, s.corrected,
        (SELECT SUM(COALESCE(b.end_at, NOW) - b.start_at) FROM breaks b WHERE b.shift_id = s.id) AS break_ms,
        su.result AS sr, r.score AS sc, r.override_score AS os, r.override_reason AS orr, r.breakdown AS bd
     FROM shifts s
     LEFT JOIN analyses su ON su.shift_id = s.id AND su.kind = 'standup'
     LEFT JOIN analyses r ON r.shift_id = s.id AND r.kind = 'report'
     WHERE s.company_id = COMPANY AND s.clock_in_at >= 0 AND s.clock_in_at < 9000000000000
     ORDER BY s.clock_in_at, s.id"
NEW_SELECT="SELECT s.id, s.employee_id, s.workday, s.clock_in_at, s.clock_out_at, s.standup, s.report,
        s.auto_closed, s.corrected,
        s.breaks_closed_ms + COALESCE(NOW - s.break_open_since, 0) AS break_ms,
        s.standup_check AS sr, s.report_score AS sc, s.report_override_score AS os, s.report_override_reason AS orr, s.report_breakdown AS bd
     FROM shifts s
     WHERE s.company_id = COMPANY AND s.clock_in_at >= 0 AND s.clock_in_at < 9000000000000
     ORDER BY s.clock_in_at, s.id"
WEEK_SELECT="SELECT s.employee_id, s.workday, s.locked, COALESCE(s.clock_out_at, NOW) - s.clock_in_at AS span_ms,
        COALESCE((SELECT SUM(COALESCE(b.end_at, NOW) - b.start_at) FROM breaks b WHERE b.shift_id = s.id), 0) AS break_ms,
        COALESCE(a.override_score, a.score) AS score, COALESCE(a.tasks_done, 0) AS done
     FROM shifts s LEFT JOIN analyses a ON a.shift_id = s.id AND a.kind = 'report'
     WHERE s.company_id = COMPANY AND s.clock_in_at >= $WEEK_FROM AND s.clock_in_at < $WEEK_TO"
touch_all() { # engine select -> an aggregate over every column
  local len=length id=q.id emp=q.employee_id
  [ "$1" = postgres ] && id=q.id::text emp=q.employee_id::text
  echo "SELECT COUNT(*), SUM($len($id) + $len($emp) + $len(q.workday) + q.clock_in_at + COALESCE(q.clock_out_at, 0)
    + $len(q.standup) + COALESCE($len(q.report), 0) + CASE WHEN q.auto_closed OR q.corrected THEN 1 ELSE 0 END + COALESCE(q.break_ms, 0)
    + COALESCE($len(q.sr), 0) + COALESCE(q.sc, 0) + COALESCE(q.os, 0) + COALESCE($len(q.orr), 0) + COALESCE($len(q.bd), 0)) FROM ($2) q"
}

sqlite_run() { sqlite3 "$DB" "$@"; }
sqlite_time() { # sql -> best wall seconds of RUNS
  local best=999999 t
  for _ in $(seq "$RUNS"); do
    t=$( { /usr/bin/time -f '%e' sqlite3 "$DB" "$1" >/dev/null; } 2>&1 )
    best=$(echo "if ($t < $best) $t else $best" | bc)
  done
  echo "$best"
}
pg_run() { psql "$PG/$PGDB" -v ON_ERROR_STOP=1 -qAt "$@"; }
pg_time() {
  local best=999999 t
  for _ in $(seq "$RUNS"); do
    t=$(pg_run -c '\timing on' -c "$1" | sed -nE 's/^Time: ([0-9.]+) ms.*/\1/p')
    t=$(echo "scale=3; $t / 1000" | bc)
    best=$(echo "if ($t < $best) $t else $best" | bc)
  done
  echo "$best"
}

seed_sql() { # engine from to -> SQL adding shifts [from, to) with their break and analyses
  local id
  if [ "$1" = sqlite ]; then id='randomblob(16)'; else id='gen_random_uuid()'; fi
  cat <<SQL
INSERT INTO shifts (id, company_id, employee_id, workday, clock_in_at, clock_out_at, standup, report, created_at)
  SELECT $id, e.company_id, e.id, 'day', $T0 + (g.i / 1000) * 86400000 + (g.i % 1000) * 1000,
         $T0 + (g.i / 1000) * 86400000 + (g.i % 1000) * 1000 + 28800000, '$STANDUP', '$REPORT', 0
  FROM $( [ "$1" = sqlite ] && echo "(WITH RECURSIVE n(i) AS (SELECT $2 UNION ALL SELECT i + 1 FROM n WHERE i < $3 - 1) SELECT i FROM n) AS g" || echo "generate_series(CAST($2 AS BIGINT), $3 - 1) AS g(i)" )
  JOIN employees e ON e.ord = g.i % 1000;
INSERT INTO breaks (id, company_id, shift_id, start_at, end_at)
  SELECT $id, s.company_id, s.id, s.clock_in_at + 14400000, s.clock_in_at + 16200000 FROM shifts s
  WHERE NOT EXISTS (SELECT 1 FROM breaks b WHERE b.shift_id = s.id);
INSERT INTO analyses (id, company_id, shift_id, kind, analyzer, model, prompt_version, result, created_at)
  SELECT $id, s.company_id, s.id, 'standup', 'local', 'local-rules-v2', 1, '$STANDUP_JSON', 0 FROM shifts s
  WHERE NOT EXISTS (SELECT 1 FROM analyses a WHERE a.shift_id = s.id AND a.kind = 'standup');
INSERT INTO analyses (id, company_id, shift_id, kind, analyzer, model, prompt_version, result, score, breakdown, created_at)
  SELECT $id, s.company_id, s.id, 'report', 'local', 'local-rules-v2', 1, '$REPORT_JSON', 61, '$BREAKDOWN', 0 FROM shifts s
  WHERE NOT EXISTS (SELECT 1 FROM analyses a WHERE a.shift_id = s.id AND a.kind = 'report');
SQL
}

for engine in $ENGINES; do
  echo "== $engine ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$OUT/results.txt"
  if [ "$engine" = sqlite ]; then
    rm -f "$DB" "$DB-wal" "$DB-shm"
    for f in crates/store/migrations/sqlite/*.sql; do sqlite_run < "$f"; done
    company="X'00000000000000000000000000000001'"
    sqlite_run "INSERT INTO companies (id, name, timezone, created_at) VALUES ($company, 'Bench', 'Europe/Berlin', 0);
      ALTER TABLE employees ADD COLUMN ord INTEGER;
      WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999)
      INSERT INTO employees (id, company_id, name, id_code, created_at, updated_at, ord)
        SELECT randomblob(16), $company, 'Employee ' || i, 'E' || i, 0, 0, i FROM n;
      CREATE INDEX employees_ord ON employees(ord);"
  else
    createdb -h 127.0.0.1 -U postgres "$PGDB"
    for f in crates/store/migrations/postgres/*.sql; do pg_run -f "$f" >/dev/null; done
    company="'00000000-0000-0000-0000-000000000001'::uuid"
    pg_run -c "INSERT INTO companies (id, name, timezone, created_at) VALUES ($company, 'Bench', 'Europe/Berlin', 0);
      ALTER TABLE employees ADD COLUMN ord INTEGER;
      INSERT INTO employees (id, company_id, name, id_code, created_at, updated_at, ord)
        SELECT gen_random_uuid(), $company, 'Employee ' || i, 'E' || i, 0, 0, i FROM generate_series(0, 999) i;
      CREATE INDEX employees_ord ON employees(ord);" >/dev/null
  fi
  have=0
  for size in $SIZES; do
    start=$(date +%s.%N)
    if [ "$engine" = sqlite ]; then
      seed_sql sqlite "$have" "$size" | sqlite_run
      sqlite_run 'ANALYZE;'
    else
      seed_sql postgres "$have" "$size" | pg_run >/dev/null
      pg_run -c 'VACUUM ANALYZE' >/dev/null
    fi
    seeded=$(echo "$(date +%s.%N) - $start" | bc)
    have=$size
    fill() { sed -e "s/NOW/$NOW/g" -e "s/COMPANY/$company/g" <<<"$1"; }
    old=$(touch_all "$engine" "$(fill "$OLD_SELECT")")
    new=$(touch_all "$engine" "$(fill "$NEW_SELECT")")
    week="SELECT COUNT(*), SUM(span_ms + break_ms + COALESCE(score, 0) + done) FROM ($(fill "$WEEK_SELECT")) q"
    if [ "$engine" = sqlite ]; then
      [ "$(sqlite_run "$old")" = "$(sqlite_run "$new")" ] || { echo "old and new statements disagree"; exit 1; }
      t_old=$(sqlite_time "$old"); t_new=$(sqlite_time "$new"); t_week=$(sqlite_time "$week")
    else
      [ "$(pg_run -c "$old")" = "$(pg_run -c "$new")" ] || { echo "old and new statements disagree"; exit 1; }
      t_old=$(pg_time "$old"); t_new=$(pg_time "$new"); t_week=$(pg_time "$week")
    fi
    awk -v e="$engine" -v n="$size" -v s="$seeded" -v o="$t_old" -v w="$t_new" -v k="$t_week" -v la="$(cut -d" " -f1 /proc/loadavg)" \
      'BEGIN { printf "%s %d shifts (seeded in %.0f s): old_export %.2f s = %.0f rows/s, new_export %.2f s = %.0f rows/s, new/old %.2f; week %.3f s; load %s\n",
               e, n, s, o, n / o, w, n / w, o / w, k, la }' | tee -a "$OUT/results.txt"
  done
done
