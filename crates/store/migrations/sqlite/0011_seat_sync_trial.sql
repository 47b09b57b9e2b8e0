-- Seat counts owed to Stripe (issue 15): at most one row per company while a sync is
-- pending, retrying or refused for good. The worker reads the head count when it runs, so
-- one row stands for any number of changes.
CREATE TABLE seat_syncs (
    company_id   BLOB PRIMARY KEY REFERENCES companies(id) ON DELETE CASCADE,
    -- Bumped by every request: a run only clears the version it started from, so a change
    -- made while Stripe was being called is synced again.
    version      BIGINT NOT NULL DEFAULT 1,
    run_at       BIGINT NOT NULL,
    attempts     BIGINT NOT NULL DEFAULT 0,
    lease_until  BIGINT,
    last_error   TEXT,
    -- Stripe refused it for good (a 4xx other than 409/429): shown on Billing, not retried
    -- until the next change or the daily reconcile.
    failed_at    BIGINT
);
CREATE INDEX seat_syncs_due ON seat_syncs(run_at);

-- The end of the free trial (unix ms). NULL: 14 days after created_at. Companies that
-- exist when this ships get 14 days from now, so turning billing on locks nobody out.
ALTER TABLE companies ADD COLUMN trial_ends_at BIGINT;
UPDATE companies SET trial_ends_at = MAX(created_at, CAST(strftime('%s', 'now') AS BIGINT) * 1000) + 14 * 86400000;
