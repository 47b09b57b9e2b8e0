-- Figures the live board and timesheets read from analysis results, kept in columns so no
-- JSON is parsed at read time: per report, how many assigned tasks are done / in progress /
-- blocked / not worked on; per standup, how many assigned tasks it did not mention. The
-- trigger derives them from `result` on every insert and on every change of `result`, so
-- whichever code path writes a result, the columns cannot disagree with it. A result that
-- is not valid JSON counts as no tasks (it never fails the write).

ALTER TABLE analyses
    ADD COLUMN tasks_done BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN tasks_progress BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN tasks_blocked BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN tasks_none BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN tasks_missed BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION analyses_figures() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    doc jsonb;
BEGIN
    BEGIN
        doc := NEW.result::jsonb;
    EXCEPTION WHEN others THEN
        doc := NULL;
    END;
    SELECT COUNT(*) FILTER (WHERE t ->> 'status' = 'done'),
           COUNT(*) FILTER (WHERE t ->> 'status' = 'progress'),
           COUNT(*) FILTER (WHERE t ->> 'status' = 'blocked'),
           COUNT(*) FILTER (WHERE t ->> 'status' = 'none'),
           COUNT(*) FILTER (WHERE t -> 'mentioned' = 'false'::jsonb)
      INTO NEW.tasks_done, NEW.tasks_progress, NEW.tasks_blocked, NEW.tasks_none, NEW.tasks_missed
      FROM jsonb_array_elements(CASE WHEN jsonb_typeof(doc -> 'tasks') = 'array' THEN doc -> 'tasks' ELSE '[]'::jsonb END) t;
    RETURN NEW;
END
$$;

CREATE TRIGGER analyses_figures BEFORE INSERT OR UPDATE OF result ON analyses
    FOR EACH ROW EXECUTE FUNCTION analyses_figures();

-- Results stored before this migration (the trigger fills the columns).
UPDATE analyses SET result = result;
