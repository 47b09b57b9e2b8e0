-- What a CSV export row needs from the breaks and the analyses, kept on the shift row so
-- that the export is one indexed range scan of one table (no break-total subquery, no two
-- `analyses` lookups per row; see BENCHMARKS.md, "CSV export, session 3"):
--   breaks_closed_ms        the total of the shift's closed breaks
--   break_open_since        the start of its open break, NULL when none is open (the export
--                           counts it up to its "now": closed + (now - open_since))
--   standup_check           the standup analysis' `result` (JSON)
--   report_score, report_override_score, report_override_reason, report_breakdown
--                           the report analysis' score columns
-- Triggers keep them in step on every insert and every change of the source rows, so no
-- write path (the punch CTEs, sqlx, the bulk seeder) can leave them behind — the same choice
-- as migration 0005. AFTER triggers run when their statement is done, so they also see a
-- shift inserted by the same CTE statement as its analysis. Breaks and analyses are only
-- ever deleted together with their shift (cascade or company purge), so no delete trigger.

ALTER TABLE shifts
    ADD COLUMN breaks_closed_ms BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN break_open_since BIGINT,
    ADD COLUMN standup_check TEXT,
    ADD COLUMN report_score BIGINT,
    ADD COLUMN report_override_score BIGINT,
    ADD COLUMN report_override_reason TEXT,
    ADD COLUMN report_breakdown TEXT;

CREATE FUNCTION shifts_export_analysis() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.kind = 'standup' THEN
        UPDATE shifts SET standup_check = NEW.result WHERE id = NEW.shift_id;
    ELSIF NEW.kind = 'report' THEN
        UPDATE shifts SET report_score = NEW.score, report_override_score = NEW.override_score,
                          report_override_reason = NEW.override_reason, report_breakdown = NEW.breakdown
        WHERE id = NEW.shift_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER shifts_export_analysis AFTER INSERT OR UPDATE OF result, score, override_score, override_reason, breakdown
    ON analyses FOR EACH ROW EXECUTE FUNCTION shifts_export_analysis();

CREATE FUNCTION shifts_export_breaks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE shifts SET (breaks_closed_ms, break_open_since) = (
        SELECT CAST(COALESCE(SUM(b.end_at - b.start_at), 0) AS BIGINT), MAX(b.start_at) FILTER (WHERE b.end_at IS NULL)
        FROM breaks b WHERE b.shift_id = NEW.shift_id)
    WHERE id = NEW.shift_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER shifts_export_breaks AFTER INSERT OR UPDATE ON breaks
    FOR EACH ROW EXECUTE FUNCTION shifts_export_breaks();

-- Rows stored before this migration.
UPDATE shifts SET
    (breaks_closed_ms, break_open_since) = (
        SELECT CAST(COALESCE(SUM(b.end_at - b.start_at), 0) AS BIGINT), MAX(b.start_at) FILTER (WHERE b.end_at IS NULL)
        FROM breaks b WHERE b.shift_id = shifts.id),
    standup_check = (SELECT a.result FROM analyses a WHERE a.shift_id = shifts.id AND a.kind = 'standup'),
    (report_score, report_override_score, report_override_reason, report_breakdown) = (
        SELECT a.score, a.override_score, a.override_reason, a.breakdown
        FROM analyses a WHERE a.shift_id = shifts.id AND a.kind = 'report');
