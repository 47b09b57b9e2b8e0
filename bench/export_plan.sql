-- EXPLAIN QUERY PLAN of the SQLite export reader's statements (crates/store/src/sqlite/export_reader.rs;
-- keep in step with PAGE_SQL and EMPLOYEES_SQL there). Parameters stay unbound.
-- Run: sqlite3 DATA_DIR/omnitrack.db < bench/export_plan.sql
.print '-- one page: shifts, their two analyses and break totals'
EXPLAIN QUERY PLAN
SELECT s.id, s.employee_id, s.workday, s.clock_in_at, s.clock_out_at, s.standup, s.report,
        s.auto_closed, s.corrected,
        (SELECT SUM(COALESCE(b.end_at, ?1) - b.start_at) FROM breaks b WHERE b.shift_id = s.id) AS break_ms,
        su.result, r.score, r.override_score, r.override_reason, r.breakdown
     FROM shifts s
     LEFT JOIN analyses su ON su.shift_id = s.id AND su.kind = 'standup'
     LEFT JOIN analyses r ON r.shift_id = s.id AND r.kind = 'report'
     WHERE s.company_id = ?2 AND s.clock_in_at >= ?3 AND s.clock_in_at < ?4 AND (?5 IS NULL OR s.employee_id = ?5)
       AND (s.clock_in_at > ?6 OR (s.clock_in_at = ?6 AND s.id > ?7))
     ORDER BY s.clock_in_at, s.id LIMIT ?8;
.print '-- employee names, once per reader'
EXPLAIN QUERY PLAN
SELECT id, name, id_code FROM employees WHERE company_id = ?1;
