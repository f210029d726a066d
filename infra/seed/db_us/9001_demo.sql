-- Demo people whose home region is `us` (fictional; example.org addresses only).
INSERT OR IGNORE INTO users (id, email, display_name, country, profession, roles, verification_status, created_at) VALUES
('us-u-hcp-01', 'maria.garcia@example.org', 'Dr. Maria Garcia', 'US', 'physician', 'hcp', 'verified', 1767225600),
('us-u-hcp-02', 'james.chen@example.org', 'Dr. James Chen', 'US', 'physician', 'hcp', 'pending', 1767312000),
('us-u-hcp-03', 'olivia.brown@example.org', 'Olivia Brown', 'CA', 'nurse_practitioner', 'hcp', 'unverified', 1767398400),
('us-u-aut-01', 'david.miller@example.org', 'David Miller', 'US', 'pharmacist', 'author', 'verified', 1767225600),
('us-u-mlr-01', 'sarah.johnson@example.org', 'Sarah Johnson', 'US', 'other', 'mlr_reviewer', 'verified', 1767225600),
('us-u-mis-01', 'kevin.lee@example.org', 'Dr. Kevin Lee', 'US', 'pharmacist', 'mi_specialist', 'verified', 1767225600),
('us-u-ver-01', 'emily.davis@example.org', 'Emily Davis', 'US', 'other', 'verifier', 'verified', 1767225600),
('us-u-cmp-01', 'robert.wilson@example.org', 'Robert Wilson', 'US', 'other', 'compliance_officer', 'verified', 1767225600),
('us-u-adm-01', 'linda.moore@example.org', 'Linda Moore', 'US', 'other', 'admin', 'verified', 1767225600);
