-- A provisional result: the built-in analyzer's answer, stored at once when the configured
-- LLM fails or is slower than the kiosk's wait, so every shift has its check and score
-- within seconds. The LLM's answer replaces it in place (same row) when it comes; a
-- provisional row never replaces a final one.
ALTER TABLE analyses ADD COLUMN provisional BOOLEAN NOT NULL DEFAULT FALSE;
-- The board lists the provisional results still waiting for the LLM.
CREATE INDEX analyses_provisional ON analyses(company_id, created_at) WHERE provisional;
