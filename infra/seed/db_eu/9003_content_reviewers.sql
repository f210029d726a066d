-- A second demo MLR reviewer in `eu` (fictional), so the demo library's medical, legal and
-- regulatory signatures come from three people. DEV ONLY: the well-known demo TOTP secret.
INSERT OR IGNORE INTO users (id, email, display_name, country, profession, roles, verification_status, created_at, totp_secret) VALUES
('eu-u-mlr-02', 'klaus.weber@example.org', 'Dr. Klaus Weber', 'DE', 'physician', 'mlr_reviewer', 'verified', 1767225600, 'JBSWY3DPEHPK3PXP');
