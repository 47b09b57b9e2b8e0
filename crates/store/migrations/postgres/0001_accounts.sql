-- Accounts, people, sessions, tokens, audit and rate limits.
-- Ids are UUIDv7 (UUID here, 16-byte BLOB in SQLite); instants are Unix milliseconds (UTC).
CREATE TABLE companies (
    id            UUID PRIMARY KEY,
    name          TEXT NOT NULL,
    timezone      TEXT NOT NULL,
    week_start    INTEGER NOT NULL DEFAULT 1,
    status        TEXT NOT NULL DEFAULT 'active',
    created_at    BIGINT NOT NULL,
    canceled_at   BIGINT,
    purge_at      BIGINT
);

CREATE TABLE users (
    id             UUID PRIMARY KEY,
    company_id     UUID NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    email          TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_email ON users(email);
CREATE INDEX users_company ON users(company_id);

CREATE TABLE sessions (
    token_hash    BYTEA PRIMARY KEY,
    company_id    UUID NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    user_id       UUID REFERENCES users(id) ON DELETE CASCADE,
    kiosk_id      UUID,
    csrf_token    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_company ON sessions(company_id);

CREATE TABLE api_tokens (
    id            UUID PRIMARY KEY,
    company_id    UUID NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    user_id       UUID REFERENCES users(id) ON DELETE CASCADE,
    kiosk_id      UUID,
    name          TEXT NOT NULL,
    token_hash    BYTEA NOT NULL,
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens(token_hash);
CREATE INDEX api_tokens_company ON api_tokens(company_id);

CREATE TABLE invites (
    id            UUID PRIMARY KEY,
    company_id    UUID NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    email         TEXT NOT NULL,
    role          TEXT NOT NULL,
    token_hash    BYTEA NOT NULL,
    invited_by    UUID,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    accepted_at   BIGINT
);
CREATE UNIQUE INDEX invites_hash ON invites(token_hash);
CREATE INDEX invites_company ON invites(company_id);

CREATE TABLE password_resets (
    token_hash    BYTEA PRIMARY KEY,
    company_id    UUID NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    user_id       UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    used_at       BIGINT
);
CREATE INDEX password_resets_company ON password_resets(company_id);

-- Security events. Keeps opaque ids only; the detail never holds secrets.
CREATE TABLE audit_log (
    id             UUID PRIMARY KEY,
    company_id     UUID REFERENCES companies(id) ON DELETE CASCADE,
    actor_user_id  UUID,
    action         TEXT NOT NULL,
    detail         TEXT NOT NULL,
    ip             TEXT,
    created_at     BIGINT NOT NULL
);
CREATE INDEX audit_log_company ON audit_log(company_id, created_at);

-- Fixed-window counters shared by every app instance.
CREATE TABLE rate_limits (
    key           TEXT PRIMARY KEY,
    window_start  BIGINT NOT NULL,
    count         BIGINT NOT NULL
);
