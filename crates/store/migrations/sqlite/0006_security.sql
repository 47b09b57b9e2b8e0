-- Security and privacy hardening (issue 14).

-- Personal clock links expire; a supervisor rotates them by making a new one (which
-- replaces the old). Links made before this migration get the same lifetime from their
-- creation, so never-expiring links end.
ALTER TABLE clock_links ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0;
UPDATE clock_links SET expires_at = created_at + 7776000000;

-- Mail that carries a one-time link (password reset, invitation): until when the link
-- works. Its body is blanked once delivered, and the row goes once the link has expired.
ALTER TABLE outbox ADD COLUMN secret_until BIGINT;

-- Idempotency records belong to the device or user that made the request (not the whole
-- company), remember a hash of the request body (the same key with another body is an
-- error, not a replay), and name the employee they are about, so an erasure removes them.
-- They only guard 24 hours of retries, so the old rows are dropped, not converted.
DROP TABLE idempotency;
CREATE TABLE idempotency (
    company_id     BLOB NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    principal      TEXT NOT NULL,
    key            TEXT NOT NULL,
    request_hash   BLOB NOT NULL,
    employee_id    BLOB REFERENCES employees(id) ON DELETE CASCADE,
    status         BIGINT NOT NULL,
    body           TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (company_id, principal, key)
);
CREATE INDEX idempotency_created ON idempotency(created_at);
CREATE INDEX idempotency_employee ON idempotency(employee_id);
