-- The export's figures as plain columns of the shift row, in place of the JSON they come
-- from (migration 0012 copied the standup check's and the score breakdown's JSON into the
-- row; ~0.7 KB of a ~1.5 KB row that every export page read and copied, only for the CSV
-- writer to parse it down to a few titles and numbers; see BENCHMARKS.md, "CSV export,
-- session 5"):
--   standup_missed           the titles of the tasks the standup did not mention, `; `-
--                            separated (NULL: no check, or nothing missed)
--   report_formula_version … report_unplanned
--                            the breakdown's figures (NULL formula version: no breakdown)
--   report_reasons           its reasons, `; `-separated
--   figures_from             the analysis row whose figures a punch wrote into the shift row
--                            itself, in the same statement (from the values it serialised
--                            into that row's JSON), so that the trigger leaves the shift
--                            alone without deriving the figures again (migration 0013's skip)
-- The analyses keep their JSON (the zips' JSON and the API read it from there).
-- `analysis_export_figures` is the one definition of how a result becomes these figures;
-- the trigger and the backfill use it. A result or breakdown that is not valid JSON has no
-- figures (the export shows empty cells, as it did). The trigger still skips a write that
-- would change nothing.

ALTER TABLE shifts
    ADD COLUMN standup_missed TEXT,
    ADD COLUMN report_formula_version BIGINT,
    ADD COLUMN report_task_component DOUBLE PRECISION,
    ADD COLUMN report_unplanned_component DOUBLE PRECISION,
    ADD COLUMN report_tasks_total BIGINT,
    ADD COLUMN report_tasks_done BIGINT,
    ADD COLUMN report_tasks_progress BIGINT,
    ADD COLUMN report_tasks_blocked BIGINT,
    ADD COLUMN report_tasks_none BIGINT,
    ADD COLUMN report_unplanned BIGINT,
    ADD COLUMN report_reasons TEXT,
    ADD COLUMN figures_from UUID;

-- `text` as JSON, NULL when it is not JSON.
CREATE FUNCTION try_jsonb(text TEXT) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN text::jsonb;
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$$;

CREATE TYPE export_figures AS (
    missed TEXT,
    formula_version BIGINT,
    task_component DOUBLE PRECISION,
    unplanned_component DOUBLE PRECISION,
    tasks_total BIGINT,
    done BIGINT,
    progress BIGINT,
    blocked BIGINT,
    none BIGINT,
    unplanned BIGINT,
    reasons TEXT
);

-- The figures of an analysis of `kind` with this `result` and `breakdown`.
CREATE FUNCTION analysis_export_figures(kind TEXT, result TEXT, breakdown TEXT) RETURNS export_figures
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    f export_figures;
    doc jsonb;
BEGIN
    IF kind = 'standup' THEN
        doc := try_jsonb(result);
        SELECT string_agg(t.e ->> 'task', '; ' ORDER BY t.n) INTO f.missed
          FROM jsonb_array_elements(CASE WHEN jsonb_typeof(doc -> 'tasks') = 'array' THEN doc -> 'tasks' ELSE '[]'::jsonb END)
               WITH ORDINALITY AS t(e, n)
         WHERE t.e -> 'mentioned' = 'false'::jsonb;
    ELSIF breakdown IS NOT NULL THEN
        doc := try_jsonb(breakdown);
        IF doc IS NOT NULL THEN
            f.formula_version := (doc ->> 'formula_version')::BIGINT;
            f.task_component := (doc ->> 'task_component')::DOUBLE PRECISION;
            f.unplanned_component := (doc ->> 'unplanned_component')::DOUBLE PRECISION;
            f.tasks_total := (doc ->> 'tasks_total')::BIGINT;
            f.done := (doc ->> 'done')::BIGINT;
            f.progress := (doc ->> 'progress')::BIGINT;
            f.blocked := (doc ->> 'blocked')::BIGINT;
            f.none := (doc ->> 'none')::BIGINT;
            f.unplanned := (doc ->> 'unplanned')::BIGINT;
            SELECT COALESCE(string_agg(r.e, '; ' ORDER BY r.n), '') INTO f.reasons
              FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(doc -> 'reasons') = 'array' THEN doc -> 'reasons' ELSE '[]'::jsonb END)
                   WITH ORDINALITY AS r(e, n);
        END IF;
    END IF;
    RETURN f;
END
$$;

CREATE OR REPLACE FUNCTION shifts_export_analysis() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    f export_figures;
BEGIN
    IF TG_OP = 'INSERT' AND EXISTS (SELECT 1 FROM shifts WHERE id = NEW.shift_id AND figures_from = NEW.id) THEN
        RETURN NULL;
    END IF;
    f := analysis_export_figures(NEW.kind, NEW.result, NEW.breakdown);
    IF NEW.kind = 'standup' THEN
        UPDATE shifts SET standup_missed = f.missed
        WHERE id = NEW.shift_id AND standup_missed IS DISTINCT FROM f.missed;
    ELSIF NEW.kind = 'report' THEN
        UPDATE shifts SET report_score = NEW.score, report_override_score = NEW.override_score,
                          report_override_reason = NEW.override_reason,
                          report_formula_version = f.formula_version, report_task_component = f.task_component,
                          report_unplanned_component = f.unplanned_component, report_tasks_total = f.tasks_total,
                          report_tasks_done = f.done, report_tasks_progress = f.progress,
                          report_tasks_blocked = f.blocked, report_tasks_none = f.none,
                          report_unplanned = f.unplanned, report_reasons = f.reasons
        WHERE id = NEW.shift_id
          AND (report_score, report_override_score, report_override_reason, report_formula_version,
               report_task_component, report_unplanned_component, report_tasks_total, report_tasks_done,
               report_tasks_progress, report_tasks_blocked, report_tasks_none, report_unplanned, report_reasons)
              IS DISTINCT FROM (NEW.score, NEW.override_score, NEW.override_reason, f.formula_version,
               f.task_component, f.unplanned_component, f.tasks_total, f.done, f.progress, f.blocked, f.none,
               f.unplanned, f.reasons);
    END IF;
    RETURN NULL;
END
$$;

-- Rows stored before this migration.
UPDATE shifts s SET standup_missed = (analysis_export_figures(a.kind, a.result, a.breakdown)).missed
  FROM analyses a WHERE a.shift_id = s.id AND a.kind = 'standup';
UPDATE shifts s SET (report_formula_version, report_task_component, report_unplanned_component, report_tasks_total,
                     report_tasks_done, report_tasks_progress, report_tasks_blocked, report_tasks_none,
                     report_unplanned, report_reasons) = (
        SELECT f.formula_version, f.task_component, f.unplanned_component, f.tasks_total, f.done, f.progress,
               f.blocked, f.none, f.unplanned, f.reasons
          FROM analysis_export_figures(a.kind, a.result, a.breakdown) f)
  FROM analyses a WHERE a.shift_id = s.id AND a.kind = 'report';

ALTER TABLE shifts DROP COLUMN standup_check, DROP COLUMN report_breakdown;
