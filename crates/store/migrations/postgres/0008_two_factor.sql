-- Two-factor sign-in (TOTP, RFC 6238) for owners and supervisors, and the security page.

-- One row per user who started enrolling: the shared secret (base32), when it was
-- confirmed (NULL while the user has not yet typed a code from it), and the last time
-- step accepted, so a code cannot be used twice within its window.
CREATE TABLE two_factor (
    user_id     UUID PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    company_id  UUID NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    secret      TEXT NOT NULL,
    enabled_at  BIGINT,
    last_step   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX two_factor_company ON two_factor(company_id);

-- Single-use recovery codes: only their SHA-256.
CREATE TABLE recovery_codes (
    user_id     UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    company_id  UUID NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    code_hash   BYTEA NOT NULL,
    used_at     BIGINT,
    PRIMARY KEY (user_id, code_hash)
);
CREATE INDEX recovery_codes_company ON recovery_codes(company_id);

-- A password checked, the second factor not yet: not a session, only the right to try a
-- code for a few minutes and a few times.
CREATE TABLE pending_logins (
    token_hash  BYTEA PRIMARY KEY,
    company_id  UUID NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    user_id     UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at  BIGINT NOT NULL,
    attempts    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX pending_logins_company ON pending_logins(company_id);

-- The owner may require two-factor sign-in of every owner and supervisor.
ALTER TABLE companies ADD COLUMN require_two_factor BOOLEAN NOT NULL DEFAULT FALSE;

-- A session of someone who must enrol first reaches only the enrolment page; where and
-- from what a session was started, for the security page.
ALTER TABLE sessions ADD COLUMN needs_two_factor BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
ALTER TABLE sessions ADD COLUMN ip TEXT;
