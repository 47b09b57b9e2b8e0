-- Employees, tasks, kiosks, shifts and the bookkeeping that keeps punches exact.
CREATE TABLE employees (
    id             UUID PRIMARY KEY,
    company_id     UUID NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    id_code        TEXT NOT NULL,
    pin_hash       TEXT,
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    objected       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE UNIQUE INDEX employees_code ON employees(company_id, id_code);

CREATE TABLE tasks (
    id             UUID PRIMARY KEY,
    company_id     UUID NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    employee_id    UUID NOT NULL REFERENCES employees(id) ON DELETE CASCADE,
    title          TEXT NOT NULL,
    details        TEXT NOT NULL DEFAULT '',
    due_date       TEXT,
    status         TEXT NOT NULL DEFAULT 'open',
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX tasks_employee ON tasks(company_id, employee_id, status);

CREATE TABLE kiosks (
    id             UUID PRIMARY KEY,
    company_id     UUID NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX kiosks_company ON kiosks(company_id);

-- A personal clock-in link: the token's hash only.
CREATE TABLE clock_links (
    token_hash     BYTEA PRIMARY KEY,
    company_id     UUID NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    employee_id    UUID NOT NULL REFERENCES employees(id) ON DELETE CASCADE,
    created_at     BIGINT NOT NULL
);
CREATE INDEX clock_links_employee ON clock_links(company_id, employee_id);

-- Step two of the kiosk flow: who identified, valid for minutes, used once.
CREATE TABLE kiosk_tickets (
    token_hash     BYTEA PRIMARY KEY,
    company_id     UUID NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    employee_id    UUID NOT NULL REFERENCES employees(id) ON DELETE CASCADE,
    expires_at     BIGINT NOT NULL
);

CREATE TABLE shifts (
    id             UUID PRIMARY KEY,
    company_id     UUID NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    employee_id    UUID NOT NULL REFERENCES employees(id) ON DELETE CASCADE,
    workday        TEXT NOT NULL,
    clock_in_at    BIGINT NOT NULL,
    clock_out_at   BIGINT,
    standup        TEXT NOT NULL,
    report         TEXT,
    auto_closed    BOOLEAN NOT NULL DEFAULT FALSE,
    end_confirmed  BOOLEAN NOT NULL DEFAULT TRUE,
    corrected      BOOLEAN NOT NULL DEFAULT FALSE,
    locked         BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     BIGINT NOT NULL
);
-- At most one open shift per employee, enforced by the database itself.
CREATE UNIQUE INDEX shifts_one_open ON shifts(employee_id) WHERE clock_out_at IS NULL;
CREATE INDEX shifts_company_day ON shifts(company_id, workday);
CREATE INDEX shifts_employee_time ON shifts(company_id, employee_id, clock_in_at);
CREATE INDEX shifts_open ON shifts(clock_in_at) WHERE clock_out_at IS NULL;

CREATE TABLE breaks (
    id             UUID PRIMARY KEY,
    company_id     UUID NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    shift_id       UUID NOT NULL REFERENCES shifts(id) ON DELETE CASCADE,
    start_at       BIGINT NOT NULL,
    end_at         BIGINT
);
CREATE UNIQUE INDEX breaks_one_open ON breaks(shift_id) WHERE end_at IS NULL;
-- Covering: break totals per shift are summed from the index alone.
CREATE INDEX breaks_shift ON breaks(shift_id, start_at, end_at);

-- Every correction: who, when, old value, new value, why.
CREATE TABLE shift_changes (
    id             UUID PRIMARY KEY,
    company_id     UUID NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    shift_id       UUID NOT NULL REFERENCES shifts(id) ON DELETE CASCADE,
    changed_by     UUID,
    field          TEXT NOT NULL,
    old_value      TEXT,
    new_value      TEXT,
    reason         TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX shift_changes_shift ON shift_changes(shift_id);

CREATE TABLE week_approvals (
    company_id     UUID NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    employee_id    UUID NOT NULL REFERENCES employees(id) ON DELETE CASCADE,
    week_start     TEXT NOT NULL,
    approved_by    UUID,
    approved_at    BIGINT NOT NULL,
    PRIMARY KEY (company_id, employee_id, week_start)
);

-- A retried request with the same Idempotency-Key gets the first answer again.
CREATE TABLE idempotency (
    company_id     UUID NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    key            TEXT NOT NULL,
    status         BIGINT NOT NULL,
    body           TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (company_id, key)
);

-- Wrong-code lockouts with growing backoff (per kiosk and per ID code).
CREATE TABLE lockouts (
    key            TEXT PRIMARY KEY,
    company_id     UUID REFERENCES companies(id) ON DELETE CASCADE,
    failures       BIGINT NOT NULL,
    locked_until   BIGINT NOT NULL,
    last_failure_at BIGINT NOT NULL
);

-- Signals for supervisors: lockouts, bursts of different codes on one kiosk.
CREATE TABLE kiosk_alerts (
    id             UUID PRIMARY KEY,
    company_id     UUID NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    kiosk_id       UUID,
    kind           TEXT NOT NULL,
    detail         TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX kiosk_alerts_company ON kiosk_alerts(company_id, created_at);

-- Analyzer results, one per shift and kind; re-analysis replaces, never duplicates.
CREATE TABLE analyses (
    id             UUID PRIMARY KEY,
    company_id     UUID NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    shift_id       UUID NOT NULL REFERENCES shifts(id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,
    analyzer       TEXT NOT NULL,
    model          TEXT NOT NULL,
    prompt_version BIGINT NOT NULL,
    fallback       BOOLEAN NOT NULL DEFAULT FALSE,
    result         TEXT NOT NULL,
    score          BIGINT,
    breakdown      TEXT,
    override_score BIGINT,
    override_reason TEXT,
    override_by    UUID,
    created_at     BIGINT NOT NULL
);
CREATE UNIQUE INDEX analyses_shift_kind ON analyses(shift_id, kind);

-- Background work: leased, retried with backoff, dead after too many attempts.
CREATE TABLE jobs (
    id             UUID PRIMARY KEY,
    company_id     UUID NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    shift_id       UUID REFERENCES shifts(id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'queued',
    attempts       BIGINT NOT NULL DEFAULT 0,
    run_at         BIGINT NOT NULL,
    lease_until    BIGINT,
    last_error     TEXT,
    created_at     BIGINT NOT NULL
);
CREATE INDEX jobs_due ON jobs(status, run_at);
CREATE UNIQUE INDEX jobs_one_live ON jobs(shift_id, kind) WHERE status IN ('queued', 'running');

-- Company analysis settings: the score formula's weights (JSON; NULL = defaults) and what
-- an employee's objection to AI processing means ('local' analyzer only, or 'none').
ALTER TABLE companies ADD COLUMN score_weights TEXT;
ALTER TABLE companies ADD COLUMN objection_mode TEXT NOT NULL DEFAULT 'local';
