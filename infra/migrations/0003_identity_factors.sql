-- Identity (issue 3), second part: staff second factor (TOTP), manual verification evidence,
-- external (OpenID Connect) verification subjects. Regional tables only.

-- TOTP (RFC 6238) for staff roles: the shared secret (base32) once enrolment is confirmed, and
-- the last accepted time step (a code is accepted once).
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;

-- Manual verification: the evidence object (home region's object storage) and what the HCP
-- said about it. `verifications.reference` keeps the NPI / provider subject / object key.
ALTER TABLE verifications ADD COLUMN evidence_type TEXT;
ALTER TABLE verifications ADD COLUMN evidence_name TEXT;
ALTER TABLE verifications ADD COLUMN note TEXT;
-- When a positive decision lapses (re-verification is then required).
ALTER TABLE verifications ADD COLUMN expires_at INTEGER;

-- One external identity verifies one account at a time.
CREATE INDEX IF NOT EXISTS verifications_reference ON verifications (method, reference);
