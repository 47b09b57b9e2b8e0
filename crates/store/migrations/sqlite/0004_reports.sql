-- Reports: the weekly-hours target, weekly summaries, and indexes for the live board,
-- timesheets and streamed exports.

-- Expected working time per week (minutes); overtime is measured against it.
ALTER TABLE companies ADD COLUMN weekly_target_minutes BIGINT NOT NULL DEFAULT 2400;

-- One plain-English summary per company and finished week, from anonymised figures only.
CREATE TABLE summaries (
    id             BLOB PRIMARY KEY,
    company_id     BLOB NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    week_start     TEXT NOT NULL,
    figures        TEXT NOT NULL,
    body           TEXT NOT NULL,
    analyzer       TEXT NOT NULL,
    model          TEXT NOT NULL,
    fallback       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     BIGINT NOT NULL
);
CREATE UNIQUE INDEX summaries_week ON summaries(company_id, week_start);

-- Timesheets and exports read a company's shifts by time, in keyset order.
CREATE INDEX shifts_company_time ON shifts(company_id, clock_in_at, id);
-- The board: who is in, and auto-closed shifts awaiting confirmation.
CREATE INDEX shifts_company_open ON shifts(company_id, clock_in_at) WHERE clock_out_at IS NULL;
CREATE INDEX shifts_unconfirmed ON shifts(company_id, clock_in_at) WHERE auto_closed AND NOT end_confirmed;
-- Failed analyses per company.
CREATE INDEX jobs_company_status ON jobs(company_id, status);
