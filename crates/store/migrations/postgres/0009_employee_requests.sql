-- Requests an employee files from the kiosk or their personal link (issue 15): a
-- correction of their data (free text, optionally about one shift) or an objection to AI
-- processing. Open ones are listed on the supervisors' board until resolved.
CREATE TABLE employee_requests (
    id             UUID PRIMARY KEY,
    company_id     UUID NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    employee_id    UUID NOT NULL REFERENCES employees(id) ON DELETE CASCADE,
    shift_id       UUID REFERENCES shifts(id) ON DELETE SET NULL,
    kind           TEXT NOT NULL,
    body           TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    resolved_at    BIGINT,
    resolved_by    UUID
);
CREATE INDEX employee_requests_open ON employee_requests(company_id, created_at) WHERE resolved_at IS NULL;

-- Issue 15 item 6: the mail confirming a company's deletion is queued by the purge itself
-- (outside the company, which is gone) and is the only place its owner's address stays;
-- once delivered, the row keeps no address and no text.
ALTER TABLE outbox ADD COLUMN forget_when_sent BOOLEAN NOT NULL DEFAULT FALSE;
