-- Demo identity state (us): verification expiry (a year from seeding, so demos never start lapsed), a pending verification in the verifier's
-- queue (the registry could not be reached), and TOTP secrets for the demo staff accounts.
-- DEV ONLY: the staff TOTP secret is the well-known demo value JBSWY3DPEHPK3PXP (README).
UPDATE users SET verified_at = created_at,
       verification_expires_at = CAST(strftime('%s', 'now') AS INTEGER) + 365 * 86400
 WHERE verification_status = 'verified' AND verified_at IS NULL;
UPDATE users SET totp_secret = 'JBSWY3DPEHPK3PXP'
 WHERE roles <> 'hcp' AND totp_secret IS NULL;
INSERT OR IGNORE INTO verifications (id, user_id, method, status, reference, reason, decided_by, created_at) VALUES
('us-v-demo-01', 'us-u-hcp-02', 'npi', 'pending', '1234567893', 'registry_unreachable', NULL, 1767312000);
