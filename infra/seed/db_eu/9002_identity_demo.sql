-- Demo identity state (eu): verification expiry (a year from seeding, so demos never start lapsed), a pending manual verification for the
-- verifier's queue, and TOTP secrets for the demo staff accounts.
-- DEV ONLY: the staff TOTP secret is the well-known demo value JBSWY3DPEHPK3PXP (README).
UPDATE users SET verified_at = created_at,
       verification_expires_at = CAST(strftime('%s', 'now') AS INTEGER) + 365 * 86400
 WHERE verification_status = 'verified' AND verified_at IS NULL;
UPDATE users SET totp_secret = 'JBSWY3DPEHPK3PXP'
 WHERE roles <> 'hcp' AND totp_secret IS NULL;
INSERT OR IGNORE INTO verifications (id, user_id, method, status, reference, reason, created_at, note) VALUES
('eu-v-demo-01', 'eu-u-hcp-02', 'manual', 'pending', NULL, NULL, 1767312000,
 'Registered with the Ordine dei Medici Chirurghi e degli Odontoiatri di Milano, no. 12345 (demo).');
