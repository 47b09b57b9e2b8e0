-- Figures the live board and timesheets read from analysis results, kept in columns so no
-- JSON is parsed at read time: per report, how many assigned tasks are done / in progress /
-- blocked / not worked on; per standup, how many assigned tasks it did not mention. The
-- triggers derive them from `result` on every insert and on every change of `result`, so
-- whichever code path writes a result, the columns cannot disagree with it. A result that
-- is not valid JSON counts as no tasks (it never fails the write).

ALTER TABLE analyses ADD COLUMN tasks_done BIGINT NOT NULL DEFAULT 0;
ALTER TABLE analyses ADD COLUMN tasks_progress BIGINT NOT NULL DEFAULT 0;
ALTER TABLE analyses ADD COLUMN tasks_blocked BIGINT NOT NULL DEFAULT 0;
ALTER TABLE analyses ADD COLUMN tasks_none BIGINT NOT NULL DEFAULT 0;
ALTER TABLE analyses ADD COLUMN tasks_missed BIGINT NOT NULL DEFAULT 0;

CREATE TRIGGER analyses_figures_insert AFTER INSERT ON analyses BEGIN
    UPDATE analyses SET (tasks_done, tasks_progress, tasks_blocked, tasks_none, tasks_missed) = (
        SELECT COALESCE(SUM(t.value ->> 'status' = 'done'), 0),
               COALESCE(SUM(t.value ->> 'status' = 'progress'), 0),
               COALESCE(SUM(t.value ->> 'status' = 'blocked'), 0),
               COALESCE(SUM(t.value ->> 'status' = 'none'), 0),
               COALESCE(SUM(t.value -> 'mentioned' = 'false'), 0)
        FROM json_each(CASE WHEN json_valid(NEW.result) THEN NEW.result ELSE '{}' END, '$.tasks') t)
    WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER analyses_figures_update AFTER UPDATE OF result ON analyses BEGIN
    UPDATE analyses SET (tasks_done, tasks_progress, tasks_blocked, tasks_none, tasks_missed) = (
        SELECT COALESCE(SUM(t.value ->> 'status' = 'done'), 0),
               COALESCE(SUM(t.value ->> 'status' = 'progress'), 0),
               COALESCE(SUM(t.value ->> 'status' = 'blocked'), 0),
               COALESCE(SUM(t.value ->> 'status' = 'none'), 0),
               COALESCE(SUM(t.value -> 'mentioned' = 'false'), 0)
        FROM json_each(CASE WHEN json_valid(NEW.result) THEN NEW.result ELSE '{}' END, '$.tasks') t)
    WHERE rowid = NEW.rowid;
END;

-- Results stored before this migration.
UPDATE analyses SET (tasks_done, tasks_progress, tasks_blocked, tasks_none, tasks_missed) = (
    SELECT COALESCE(SUM(t.value ->> 'status' = 'done'), 0),
           COALESCE(SUM(t.value ->> 'status' = 'progress'), 0),
           COALESCE(SUM(t.value ->> 'status' = 'blocked'), 0),
           COALESCE(SUM(t.value ->> 'status' = 'none'), 0),
           COALESCE(SUM(t.value -> 'mentioned' = 'false'), 0)
    FROM json_each(CASE WHEN json_valid(analyses.result) THEN analyses.result ELSE '{}' END, '$.tasks') t);
