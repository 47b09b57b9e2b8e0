-- EXPLAIN QUERY PLAN of the SQLite export reader's statements (crates/store/src/sqlite/export_reader.rs;
-- keep in step with PAGE_SQL and EMPLOYEES_SQL there). Parameters stay unbound.
-- Run: sqlite3 DATA_DIR/omnitrack.db < bench/export_plan.sql
.print '-- one page: one range of one table (the figures are columns of the shift row, migration 0012)'
EXPLAIN QUERY PLAN
SELECT s.id, s.employee_id, s.workday, s.clock_in_at, s.clock_out_at, s.standup, s.report,
        s.auto_closed, s.corrected,
        s.breaks_closed_ms + COALESCE(?1 - s.break_open_since, 0) AS break_ms,
        s.standup_check, s.report_score, s.report_override_score, s.report_override_reason, s.report_breakdown
     FROM shifts s
     WHERE s.company_id = ?2 AND s.clock_in_at >= ?3 AND s.clock_in_at < ?4 AND (?5 IS NULL OR s.employee_id = ?5)
       AND (s.clock_in_at > ?6 OR (s.clock_in_at = ?6 AND s.id > ?7))
     ORDER BY s.clock_in_at, s.id LIMIT ?8;
.print '-- employee names, once per reader'
EXPLAIN QUERY PLAN
SELECT id, name, id_code FROM employees WHERE company_id = ?1;
