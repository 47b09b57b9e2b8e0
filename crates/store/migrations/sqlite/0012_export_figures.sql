-- What a CSV export row needs from the breaks and the analyses, kept on the shift row so
-- that the export is one indexed range scan of one table (no break-total seek, no two
-- `analyses` lookups per row; see BENCHMARKS.md, "CSV export, session 3"):
--   breaks_closed_ms        the total of the shift's closed breaks
--   break_open_since        the start of its open break, NULL when none is open (the export
--                           counts it up to its "now": closed + (now - open_since))
--   standup_check           the standup analysis' `result` (JSON)
--   report_score, report_override_score, report_override_reason, report_breakdown
--                           the report analysis' score columns
-- Triggers keep them in step on every insert and every change of the source rows, so no
-- write path (the group-commit writer, sqlx, the bulk seeder) can leave them behind — the
-- same choice as migration 0005. Breaks and analyses are only ever deleted together with
-- their shift (cascade or company purge), so no delete trigger is needed (and a company
-- purge does not rewrite every shift on its way out).

ALTER TABLE shifts ADD COLUMN breaks_closed_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE shifts ADD COLUMN break_open_since BIGINT;
ALTER TABLE shifts ADD COLUMN standup_check TEXT;
ALTER TABLE shifts ADD COLUMN report_score BIGINT;
ALTER TABLE shifts ADD COLUMN report_override_score BIGINT;
ALTER TABLE shifts ADD COLUMN report_override_reason TEXT;
ALTER TABLE shifts ADD COLUMN report_breakdown TEXT;

CREATE TRIGGER shifts_export_standup_insert AFTER INSERT ON analyses WHEN NEW.kind = 'standup' BEGIN
    UPDATE shifts SET standup_check = NEW.result WHERE id = NEW.shift_id;
END;

CREATE TRIGGER shifts_export_standup_update AFTER UPDATE OF result ON analyses WHEN NEW.kind = 'standup' BEGIN
    UPDATE shifts SET standup_check = NEW.result WHERE id = NEW.shift_id;
END;

CREATE TRIGGER shifts_export_report_insert AFTER INSERT ON analyses WHEN NEW.kind = 'report' BEGIN
    UPDATE shifts SET (report_score, report_override_score, report_override_reason, report_breakdown)
        = (NEW.score, NEW.override_score, NEW.override_reason, NEW.breakdown)
    WHERE id = NEW.shift_id;
END;

CREATE TRIGGER shifts_export_report_update AFTER UPDATE OF score, override_score, override_reason, breakdown ON analyses WHEN NEW.kind = 'report' BEGIN
    UPDATE shifts SET (report_score, report_override_score, report_override_reason, report_breakdown)
        = (NEW.score, NEW.override_score, NEW.override_reason, NEW.breakdown)
    WHERE id = NEW.shift_id;
END;

CREATE TRIGGER shifts_export_breaks_insert AFTER INSERT ON breaks BEGIN
    UPDATE shifts SET (breaks_closed_ms, break_open_since) = (
        SELECT COALESCE(SUM(b.end_at - b.start_at), 0), MAX(CASE WHEN b.end_at IS NULL THEN b.start_at END)
        FROM breaks b WHERE b.shift_id = NEW.shift_id)
    WHERE id = NEW.shift_id;
END;

CREATE TRIGGER shifts_export_breaks_update AFTER UPDATE ON breaks BEGIN
    UPDATE shifts SET (breaks_closed_ms, break_open_since) = (
        SELECT COALESCE(SUM(b.end_at - b.start_at), 0), MAX(CASE WHEN b.end_at IS NULL THEN b.start_at END)
        FROM breaks b WHERE b.shift_id = NEW.shift_id)
    WHERE id = NEW.shift_id;
END;

-- Rows stored before this migration.
UPDATE shifts SET
    (breaks_closed_ms, break_open_since) = (
        SELECT COALESCE(SUM(b.end_at - b.start_at), 0), MAX(CASE WHEN b.end_at IS NULL THEN b.start_at END)
        FROM breaks b WHERE b.shift_id = shifts.id),
    standup_check = (SELECT a.result FROM analyses a WHERE a.shift_id = shifts.id AND a.kind = 'standup'),
    (report_score, report_override_score, report_override_reason, report_breakdown) = (
        SELECT a.score, a.override_score, a.override_reason, a.breakdown
        FROM analyses a WHERE a.shift_id = shifts.id AND a.kind = 'report');
