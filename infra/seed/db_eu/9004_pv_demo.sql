-- A demo pharmacovigilance officer in `eu` (fictional). DEV ONLY: the well-known demo TOTP secret.
INSERT OR IGNORE INTO users (id, email, display_name, country, profession, roles, verification_status, created_at, totp_secret, verified_at, verification_expires_at) VALUES
('eu-u-pv-01', 'petra.vogel@example.org', 'Dr. Petra Vogel', 'DE', 'physician', 'pv_officer', 'verified', 1767225600, 'JBSWY3DPEHPK3PXP', 1767225600,
 CAST(strftime('%s', 'now') AS INTEGER) + 365 * 86400);
