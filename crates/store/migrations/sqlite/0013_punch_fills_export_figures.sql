-- A punch with its built-in analysis writes the export figures (migration 0012) into the
-- shift row itself: the clock-in's INSERT carries `standup_check`, the clock-out's UPDATE
-- the report's score and breakdown. The insert triggers on `analyses` then only update
-- the shift when the figures differ from what it already holds, so the punch's analysis
-- costs no second write of its shift row, while every other write site (an external
-- analyzer's job, a re-analysis, the bulk seeder) is still followed by the update. The
-- skip is exact: it happens only where the update would have changed nothing.

DROP TRIGGER shifts_export_standup_insert;
CREATE TRIGGER shifts_export_standup_insert AFTER INSERT ON analyses
    WHEN NEW.kind = 'standup'
     AND NEW.result IS NOT (SELECT s.standup_check FROM shifts s WHERE s.id = NEW.shift_id)
BEGIN
    UPDATE shifts SET standup_check = NEW.result WHERE id = NEW.shift_id;
END;

DROP TRIGGER shifts_export_report_insert;
CREATE TRIGGER shifts_export_report_insert AFTER INSERT ON analyses
    WHEN NEW.kind = 'report'
     AND NOT EXISTS (SELECT 1 FROM shifts s WHERE s.id = NEW.shift_id
                     AND s.report_score IS NEW.score AND s.report_override_score IS NEW.override_score
                     AND s.report_override_reason IS NEW.override_reason
                     AND s.report_breakdown IS NEW.breakdown)
BEGIN
    UPDATE shifts SET (report_score, report_override_score, report_override_reason, report_breakdown)
        = (NEW.score, NEW.override_score, NEW.override_reason, NEW.breakdown)
    WHERE id = NEW.shift_id;
END;

-- The board figures of migration 0005 are computed from the new row's `result` as before,
-- but the row is only rewritten when they differ from what it holds (on insert: the
-- defaults, 0). A result without assigned tasks (or with every task mentioned, for a
-- standup) thus costs no second write of its analysis row; the figures stay exact.
DROP TRIGGER analyses_figures_insert;
CREATE TRIGGER analyses_figures_insert AFTER INSERT ON analyses
    WHEN (NEW.tasks_done, NEW.tasks_progress, NEW.tasks_blocked, NEW.tasks_none, NEW.tasks_missed) IS NOT (
        SELECT COALESCE(SUM(t.value ->> 'status' = 'done'), 0),
               COALESCE(SUM(t.value ->> 'status' = 'progress'), 0),
               COALESCE(SUM(t.value ->> 'status' = 'blocked'), 0),
               COALESCE(SUM(t.value ->> 'status' = 'none'), 0),
               COALESCE(SUM(t.value -> 'mentioned' = 'false'), 0)
        FROM json_each(CASE WHEN json_valid(NEW.result) THEN NEW.result ELSE '{}' END, '$.tasks') t)
BEGIN
    UPDATE analyses SET (tasks_done, tasks_progress, tasks_blocked, tasks_none, tasks_missed) = (
        SELECT COALESCE(SUM(t.value ->> 'status' = 'done'), 0),
               COALESCE(SUM(t.value ->> 'status' = 'progress'), 0),
               COALESCE(SUM(t.value ->> 'status' = 'blocked'), 0),
               COALESCE(SUM(t.value ->> 'status' = 'none'), 0),
               COALESCE(SUM(t.value -> 'mentioned' = 'false'), 0)
        FROM json_each(CASE WHEN json_valid(NEW.result) THEN NEW.result ELSE '{}' END, '$.tasks') t)
    WHERE rowid = NEW.rowid;
END;
