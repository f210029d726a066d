-- Demo people whose home region is `eu` (fictional; example.org addresses only).
INSERT OR IGNORE INTO users (id, email, display_name, country, profession, roles, verification_status, created_at) VALUES
('eu-u-hcp-01', 'anna.mueller@example.org', 'Dr. Anna Müller', 'DE', 'physician', 'hcp', 'verified', 1767225600),
('eu-u-hcp-02', 'luca.rossi@example.org', 'Dr. Luca Rossi', 'IT', 'physician', 'hcp', 'pending', 1767312000),
('eu-u-hcp-03', 'ines.dubois@example.org', 'Ines Dubois', 'FR', 'pharmacist', 'hcp', 'unverified', 1767398400),
('eu-u-aut-01', 'sophie.martin@example.org', 'Sophie Martin', 'FR', 'physician', 'author', 'verified', 1767225600),
('eu-u-mlr-01', 'jan.devries@example.org', 'Jan de Vries', 'NL', 'pharmacist', 'mlr_reviewer', 'verified', 1767225600),
('eu-u-mis-01', 'eva.novak@example.org', 'Dr. Eva Novak', 'CZ', 'pharmacist', 'mi_specialist', 'verified', 1767225600),
('eu-u-ver-01', 'lars.nilsson@example.org', 'Lars Nilsson', 'SE', 'other', 'verifier', 'verified', 1767225600),
('eu-u-cmp-01', 'maria.schmidt@example.org', 'Maria Schmidt', 'DE', 'other', 'compliance_officer', 'verified', 1767225600),
('eu-u-adm-01', 'tom.obrien@example.org', 'Tom O''Brien', 'IE', 'other', 'admin', 'verified', 1767225600);
