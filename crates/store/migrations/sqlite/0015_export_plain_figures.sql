-- The export's figures as plain columns of the shift row, in place of the JSON they come
-- from (migration 0012 copied the standup check's and the score breakdown's JSON into the
-- row; ~0.7 KB of a ~1.5 KB row that every export page read, validated and copied, only
-- for the CSV writer to parse it down to a few titles and numbers; see BENCHMARKS.md,
-- "CSV export, session 5"):
--   standup_missed           the titles of the tasks the standup did not mention, `; `-
--                            separated (NULL: no check, or nothing missed)
--   report_formula_version … report_unplanned
--                            the breakdown's figures (NULL formula version: no breakdown)
--   report_reasons           its reasons, `; `-separated
--   figures_from             the analysis row whose figures a punch wrote into the shift row
--                            itself, in the same write (from the values it serialised into
--                            that row's JSON), so that the row's insert trigger can leave the
--                            shift alone: migration 0013's skip, which compared the JSON
--                            copies, without deriving the figures on every punch (that cost
--                            the single writer ~40,000 instructions per punch)
-- The analyses keep their JSON (the zips' JSON and the API read it from there). The view
-- below is the one definition of how a result becomes these figures: the triggers and the
-- backfill read it. A result or breakdown that is
-- not valid JSON has no figures (the export shows empty cells, as it did). The lists are
-- joined in the order `json_each` walks the array (a plain scan feeds the aggregate in scan
-- order; `group_concat(… ORDER BY …)` would cost a sorter on every punch, and Debian's
-- `sqlite3` 3.40 could no longer read the schema); the tests compare every list with the
-- Rust derivation.

ALTER TABLE shifts ADD COLUMN standup_missed TEXT;
ALTER TABLE shifts ADD COLUMN report_formula_version INTEGER;
ALTER TABLE shifts ADD COLUMN report_task_component REAL;
ALTER TABLE shifts ADD COLUMN report_unplanned_component REAL;
ALTER TABLE shifts ADD COLUMN report_tasks_total INTEGER;
ALTER TABLE shifts ADD COLUMN report_tasks_done INTEGER;
ALTER TABLE shifts ADD COLUMN report_tasks_progress INTEGER;
ALTER TABLE shifts ADD COLUMN report_tasks_blocked INTEGER;
ALTER TABLE shifts ADD COLUMN report_tasks_none INTEGER;
ALTER TABLE shifts ADD COLUMN report_unplanned INTEGER;
ALTER TABLE shifts ADD COLUMN report_reasons TEXT;
ALTER TABLE shifts ADD COLUMN figures_from BLOB;

CREATE VIEW analysis_export_figures AS
SELECT a.shift_id, a.kind,
       (SELECT group_concat(t.value ->> 'task', '; ') FROM json_each(a.res, '$.tasks') t
         WHERE t.value -> 'mentioned' = 'false') AS missed,
       a.score, a.override_score, a.override_reason,
       a.doc ->> 'formula_version' AS formula_version,
       CAST(a.doc ->> 'task_component' AS REAL) AS task_component,
       CAST(a.doc ->> 'unplanned_component' AS REAL) AS unplanned_component,
       a.doc ->> 'tasks_total' AS tasks_total,
       a.doc ->> 'done' AS done,
       a.doc ->> 'progress' AS progress,
       a.doc ->> 'blocked' AS blocked,
       a.doc ->> 'none' AS none,
       a.doc ->> 'unplanned' AS unplanned,
       CASE WHEN a.doc IS NOT NULL THEN COALESCE(
           (SELECT group_concat(r.value, '; ') FROM json_each(a.doc, '$.reasons') r), '')
       END AS reasons
  FROM (SELECT shift_id, kind, score, override_score, override_reason,
               CASE WHEN json_valid(result) THEN result ELSE '{}' END AS res,
               CASE WHEN json_valid(breakdown) THEN breakdown END AS doc
          FROM analyses) a;

-- The old copies: their triggers first (a dropped column may not be named by one).
DROP TRIGGER shifts_export_standup_insert;
DROP TRIGGER shifts_export_standup_update;
DROP TRIGGER shifts_export_report_insert;
DROP TRIGGER shifts_export_report_update;

CREATE TRIGGER shifts_export_standup_insert AFTER INSERT ON analyses
    WHEN NEW.kind = 'standup'
     AND (SELECT s.figures_from FROM shifts s WHERE s.id = NEW.shift_id) IS NOT NEW.id
BEGIN
    UPDATE shifts SET standup_missed = (
        SELECT v.missed FROM analysis_export_figures v WHERE v.shift_id = NEW.shift_id AND v.kind = 'standup')
    WHERE id = NEW.shift_id;
END;

CREATE TRIGGER shifts_export_standup_update AFTER UPDATE OF result ON analyses WHEN NEW.kind = 'standup' BEGIN
    UPDATE shifts SET standup_missed = (
        SELECT v.missed FROM analysis_export_figures v WHERE v.shift_id = NEW.shift_id AND v.kind = 'standup')
    WHERE id = NEW.shift_id;
END;

CREATE TRIGGER shifts_export_report_insert AFTER INSERT ON analyses
    WHEN NEW.kind = 'report'
     AND (SELECT s.figures_from FROM shifts s WHERE s.id = NEW.shift_id) IS NOT NEW.id
BEGIN
    UPDATE shifts SET (report_score, report_override_score, report_override_reason, report_formula_version,
                       report_task_component, report_unplanned_component, report_tasks_total, report_tasks_done,
                       report_tasks_progress, report_tasks_blocked, report_tasks_none, report_unplanned,
                       report_reasons) = (
        SELECT v.score, v.override_score, v.override_reason, v.formula_version, v.task_component,
               v.unplanned_component, v.tasks_total, v.done, v.progress, v.blocked, v.none, v.unplanned, v.reasons
          FROM analysis_export_figures v WHERE v.shift_id = NEW.shift_id AND v.kind = 'report')
    WHERE id = NEW.shift_id;
END;

CREATE TRIGGER shifts_export_report_update AFTER UPDATE OF score, override_score, override_reason, breakdown ON analyses
    WHEN NEW.kind = 'report'
BEGIN
    UPDATE shifts SET (report_score, report_override_score, report_override_reason, report_formula_version,
                       report_task_component, report_unplanned_component, report_tasks_total, report_tasks_done,
                       report_tasks_progress, report_tasks_blocked, report_tasks_none, report_unplanned,
                       report_reasons) = (
        SELECT v.score, v.override_score, v.override_reason, v.formula_version, v.task_component,
               v.unplanned_component, v.tasks_total, v.done, v.progress, v.blocked, v.none, v.unplanned, v.reasons
          FROM analysis_export_figures v WHERE v.shift_id = NEW.shift_id AND v.kind = 'report')
    WHERE id = NEW.shift_id;
END;

-- Rows stored before this migration.
UPDATE shifts SET
    standup_missed = (SELECT v.missed FROM analysis_export_figures v WHERE v.shift_id = shifts.id AND v.kind = 'standup'),
    (report_formula_version, report_task_component, report_unplanned_component, report_tasks_total,
     report_tasks_done, report_tasks_progress, report_tasks_blocked, report_tasks_none, report_unplanned,
     report_reasons) = (
        SELECT v.formula_version, v.task_component, v.unplanned_component, v.tasks_total, v.done, v.progress,
               v.blocked, v.none, v.unplanned, v.reasons
          FROM analysis_export_figures v WHERE v.shift_id = shifts.id AND v.kind = 'report');

ALTER TABLE shifts DROP COLUMN standup_check;
ALTER TABLE shifts DROP COLUMN report_breakdown;
