-- Billing by seats, account lifecycle (cancel, reactivate, purge), the mail outbox and
-- policy-change announcements. No card data anywhere: Stripe hosts the card forms.

-- One row per company that has been to Stripe Checkout. Mirrors Stripe's subscription.
CREATE TABLE subscriptions (
    company_id              UUID PRIMARY KEY REFERENCES companies(id) ON DELETE CASCADE,
    stripe_customer_id      TEXT,
    stripe_subscription_id  TEXT,
    stripe_item_id          TEXT,
    status                  TEXT NOT NULL DEFAULT 'incomplete',
    seats                   BIGINT NOT NULL DEFAULT 0,
    current_period_end      BIGINT,
    cancel_at_period_end    BOOLEAN NOT NULL DEFAULT FALSE,
    -- When the app first saw `past_due` (starts the 7-day grace); NULL otherwise.
    past_due_since          BIGINT,
    updated_at              BIGINT NOT NULL,
    -- `created` (unix seconds) of the newest subscription event applied: older ones are stale.
    last_event_created      BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX subscriptions_customer ON subscriptions(stripe_customer_id);
CREATE UNIQUE INDEX subscriptions_subscription ON subscriptions(stripe_subscription_id);

-- Webhook dedupe: an event id is applied once, however often Stripe delivers it.
CREATE TABLE stripe_events (
    event_id      TEXT PRIMARY KEY,
    company_id    UUID REFERENCES companies(id) ON DELETE CASCADE,
    received_at   BIGINT NOT NULL
);
CREATE INDEX stripe_events_company ON stripe_events(company_id);

-- Outgoing mail, delivered by a background worker with retries (nothing lost, nothing twice).
CREATE TABLE outbox (
    id               UUID PRIMARY KEY,
    company_id       UUID REFERENCES companies(id) ON DELETE CASCADE,
    recipient        TEXT NOT NULL,
    subject          TEXT NOT NULL,
    text_body        TEXT NOT NULL,
    html_body        TEXT,
    attempts         BIGINT NOT NULL DEFAULT 0,
    -- NULL once sent or given up.
    next_attempt_at  BIGINT,
    locked_until     BIGINT,
    sent_at          BIGINT,
    last_error       TEXT,
    created_at       BIGINT NOT NULL
);
CREATE INDEX outbox_due ON outbox(next_attempt_at);
CREATE INDEX outbox_company ON outbox(company_id);

-- What is left of a purged company: its id and dates, nothing personal.
CREATE TABLE tombstones (
    company_id    UUID PRIMARY KEY,
    created_at    BIGINT NOT NULL,
    canceled_at   BIGINT,
    deleted_at    BIGINT NOT NULL,
    reason        TEXT NOT NULL
);

-- Privacy-policy changes, announced at least 14 days ahead (banner + mail).
CREATE TABLE announcements (
    id              UUID PRIMARY KEY,
    effective_date  TEXT NOT NULL,
    summary         TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);

-- The purge reminder (7 days before) is sent once per cancellation.
ALTER TABLE companies ADD COLUMN purge_reminder_at BIGINT;
CREATE INDEX companies_purge ON companies(purge_at);
