-- Demo content for local runs and tests (global: approved content, no personal data).
-- Fictional portal, real molecules; figures are from the cited public trial publications.
INSERT OR IGNORE INTO content_items (id, slug, title, summary, body, content_type, therapeutic_area, product, audience, language, market, status, published_at, featured) VALUES
('c-001', 'metformin-type-2-diabetes-efficacy',
 'Metformin in type 2 diabetes: mechanism of action and glycaemic efficacy',
 'Metformin lowers hepatic glucose production and improves insulin sensitivity. As monotherapy it typically lowers HbA1c by about 1 to 1.5 percentage points without causing hypoglycaemia.',
 'Metformin is a biguanide that reduces hepatic gluconeogenesis, in part through activation of AMP-activated protein kinase, and increases peripheral glucose uptake. It does not stimulate insulin secretion and therefore carries a low risk of hypoglycaemia when used alone.

In the UK Prospective Diabetes Study (UKPDS 34), overweight patients allocated to metformin had fewer diabetes-related endpoints and lower all-cause mortality than those on conventional therapy.

The most common adverse reactions are gastrointestinal (diarrhoea, nausea, abdominal discomfort); starting with a low dose taken with meals and titrating slowly improves tolerability. Lactic acidosis is rare. Renal function should be assessed before initiation and regularly thereafter; consult the local prescribing information for eGFR thresholds. Long-term use is associated with reduced vitamin B12 levels.

References: UKPDS Group. Lancet 1998;352:854-865.',
 'clinical_summary', 'diabetes_endocrinology', 'Metformin', 'hcp', 'en', 'global', 'published', '2026-09-14', 1),
('c-002', 'apixaban-aristotle-trial-summary',
 'Apixaban versus warfarin in atrial fibrillation: summary of the ARISTOTLE trial',
 'In 18,201 patients with atrial fibrillation, apixaban reduced stroke or systemic embolism, major bleeding and all-cause mortality compared with warfarin.',
 'ARISTOTLE was a randomised, double-blind trial comparing apixaban 5 mg twice daily with dose-adjusted warfarin (target INR 2.0 to 3.0) in 18,201 patients with atrial fibrillation and at least one additional risk factor for stroke.

The rate of the primary outcome, ischaemic or haemorrhagic stroke or systemic embolism, was 1.27% per year with apixaban and 1.60% per year with warfarin (hazard ratio 0.79). Major bleeding occurred in 2.13% versus 3.09% per year (hazard ratio 0.69), and all-cause mortality was 3.52% versus 3.94% per year.

Dose reduction criteria and contraindications differ between markets; consult the local prescribing information.

References: Granger CB et al. N Engl J Med 2011;365:981-992.',
 'clinical_summary', 'cardiology', 'Apixaban', 'hcp', 'en', 'global', 'published', '2026-10-02', 1),
('c-003', 'semaglutide-gastrointestinal-adverse-events',
 'Semaglutide: gastrointestinal adverse events and how to manage them',
 'Nausea, vomiting and diarrhoea are the most frequent adverse events with GLP-1 receptor agonists such as semaglutide; they are mostly mild to moderate and occur during dose escalation.',
 'Gastrointestinal adverse events are the most common reason for discontinuation of GLP-1 receptor agonists. With semaglutide they are usually mild to moderate, appear early or after a dose increase, and decline over time.

Practical measures include following the recommended stepwise dose escalation, eating smaller meals, stopping eating when full and avoiding high-fat meals. Patients should be advised about the risk of dehydration with severe vomiting or diarrhoea, which can impair renal function.

Persistent severe abdominal pain requires evaluation for acute pancreatitis. Report suspected adverse reactions through the usual pharmacovigilance channels.',
 'safety_information', 'diabetes_endocrinology', 'Semaglutide', 'hcp', 'en', 'global', 'published', '2026-08-21', 1),
('c-004', 'empagliflozin-hfref-emperor-reduced',
 'Empagliflozin in heart failure with reduced ejection fraction: EMPEROR-Reduced',
 'Empagliflozin reduced the combined risk of cardiovascular death or hospitalisation for heart failure by 25% in patients with HFrEF, with or without diabetes.',
 'EMPEROR-Reduced randomised 3,730 patients with chronic heart failure, NYHA class II to IV and an ejection fraction of 40% or less to empagliflozin 10 mg once daily or placebo, in addition to recommended therapy.

The primary outcome, cardiovascular death or hospitalisation for worsening heart failure, occurred in 19.4% of patients on empagliflozin and 24.7% on placebo (hazard ratio 0.75). The effect was consistent in patients with and without diabetes. The decline in eGFR was slower with empagliflozin.

References: Packer M et al. N Engl J Med 2020;383:1413-1424.',
 'clinical_summary', 'cardiology', 'Empagliflozin', 'hcp', 'en', 'global', 'published', '2026-07-30', 0),
('c-005', 'atorvastatin-dosing-renal-hepatic-impairment',
 'Atorvastatin dosing in renal and hepatic impairment',
 'Atorvastatin is cleared mainly by the liver, so no dose adjustment is needed in renal impairment; it is contraindicated in active liver disease.',
 'Atorvastatin and its active metabolites are eliminated primarily in bile after hepatic metabolism by CYP3A4; less than 2% of a dose is recovered in urine. Renal impairment does not change plasma concentrations meaningfully, and no dose adjustment is required.

Atorvastatin is contraindicated in active liver disease or unexplained persistent elevations of serum transaminases. Liver function tests should be performed as clinically indicated.

Strong CYP3A4 inhibitors (for example clarithromycin, itraconazole, some HIV protease inhibitors) increase atorvastatin exposure and the risk of myopathy; avoid the combination or limit the dose as described in the prescribing information.',
 'dosing_administration', 'cardiology', 'Atorvastatin', 'hcp', 'en', 'global', 'published', '2026-06-11', 0),
('c-006', 'pembrolizumab-immune-related-adverse-events',
 'Pembrolizumab: recognising and managing immune-related adverse events',
 'Immune checkpoint inhibitors can cause inflammation of any organ. Early recognition, grading and corticosteroids are the basis of management.',
 'Immune-related adverse events (irAEs) with PD-1 inhibitors such as pembrolizumab most often affect the skin, gastrointestinal tract, liver, lungs and endocrine glands, and can occur at any time, including after treatment has ended.

Management depends on severity: for most grade 2 events treatment is withheld and corticosteroids are started; grade 3 to 4 events usually require high-dose corticosteroids and may require permanent discontinuation. Endocrinopathies are managed with hormone replacement.

Patients and caregivers should know which symptoms to report promptly, such as new cough or breathlessness, diarrhoea, jaundice or severe fatigue.',
 'safety_information', 'oncology', 'Pembrolizumab', 'hcp', 'en', 'global', 'published', '2026-10-19', 1),
('c-007', 'how-to-report-a-suspected-adverse-reaction',
 'How to report a suspected adverse reaction',
 'Anyone can report a suspected side effect of a medicine. Reports help regulators and manufacturers detect new safety signals.',
 'If you suspect that a medicine caused an adverse reaction, report it even if you are not sure. Include the medicine name and batch number if known, what happened and when, and any other medicines taken.

You can report to the marketing authorisation holder''s pharmacovigilance department through the contact details in the footer of this portal, or directly to your national authority: for example the FDA MedWatch programme in the United States, the Yellow Card scheme in the United Kingdom, or the national competent authority in EU member states.

Reports are handled confidentially and in line with data protection law.',
 'safety_information', 'general', NULL, 'public', 'en', 'global', 'published', '2026-05-04', 1),
('c-008', 'hypertension-first-line-drug-classes',
 'Hypertension: an overview of first-line drug classes',
 'ACE inhibitors, angiotensin receptor blockers, calcium channel blockers and thiazide-like diuretics are the first-line drug classes in most hypertension guidelines.',
 'Most international guidelines recommend starting treatment with one of four drug classes: angiotensin-converting enzyme (ACE) inhibitors, angiotensin II receptor blockers (ARBs), dihydropyridine calcium channel blockers, or thiazide and thiazide-like diuretics. Many patients need a combination, often as a single-pill combination, to reach target blood pressure.

ACE inhibitors and ARBs should not be combined. Choice of class takes into account comorbidities such as diabetes, chronic kidney disease, heart failure or pregnancy.

This overview is general information and does not replace the current guideline of your country.',
 'guideline_summary', 'cardiology', NULL, 'public', 'en', 'global', 'published', '2026-03-17', 0),
('c-009', 'levothyroxine-absorption-interactions',
 'Levothyroxine: food, supplements and other factors that affect absorption',
 'Levothyroxine should be taken on an empty stomach; calcium, iron and some other medicines reduce its absorption.',
 'Levothyroxine is best taken with water on an empty stomach, usually 30 to 60 minutes before breakfast, at the same time each day.

Calcium and iron supplements, antacids, bile acid sequestrants and proton pump inhibitors can reduce absorption; separating the intake by several hours is commonly recommended. Changes in diet, such as high-fibre or soy-rich food, can also alter requirements.

Check TSH about 6 to 8 weeks after any change of dose, product or interacting medicine.',
 'faq', 'diabetes_endocrinology', 'Levothyroxine', 'hcp', 'en', 'global', 'published', '2026-04-08', 0),
('c-010', 'adalimumab-injection-site-reactions',
 'Adalimumab: injection-site reactions',
 'Injection-site reactions are common with subcutaneous adalimumab; they are usually mild and decrease with continued treatment.',
 'Redness, itching, pain or swelling at the injection site are among the most frequently reported adverse reactions with adalimumab. They are usually mild, appear within the first months of treatment and rarely lead to discontinuation.

Rotating injection sites, letting the pen or syringe reach room temperature before injecting and avoiding tender, bruised or hardened skin can help. Citrate-free formulations have been associated with less injection pain.

Reactions that spread, persist or are accompanied by systemic symptoms should be evaluated.',
 'faq', 'immunology', 'Adalimumab', 'hcp', 'en', 'global', 'published', '2026-02-26', 0),
('c-101', 'metformin-typ-2-diabetes-wirksamkeit',
 'Metformin bei Typ-2-Diabetes: Wirkmechanismus und Wirksamkeit',
 'Metformin senkt die hepatische Glukoseproduktion und verbessert die Insulinsensitivität. Als Monotherapie senkt es den HbA1c-Wert um etwa 1 bis 1,5 Prozentpunkte, ohne Hypoglykämien zu verursachen.',
 'Metformin ist ein Biguanid, das die Glukoneogenese in der Leber hemmt, unter anderem über die Aktivierung der AMP-aktivierten Proteinkinase, und die periphere Glukoseaufnahme steigert. Es stimuliert die Insulinsekretion nicht und verursacht daher als Monotherapie kaum Hypoglykämien.

In der UK Prospective Diabetes Study (UKPDS 34) hatten übergewichtige Patientinnen und Patienten unter Metformin weniger diabetesbezogene Endpunkte und eine geringere Gesamtmortalität als unter konventioneller Therapie.

Häufigste Nebenwirkungen sind gastrointestinale Beschwerden; eine niedrige Anfangsdosis zu den Mahlzeiten und eine langsame Titration verbessern die Verträglichkeit. Die Nierenfunktion ist vor Beginn und regelmäßig während der Behandlung zu prüfen; maßgeblich ist die lokale Fachinformation.

Literatur: UKPDS Group. Lancet 1998;352:854-865.',
 'clinical_summary', 'diabetes_endocrinology', 'Metformin', 'hcp', 'de', 'DE', 'published', '2026-09-14', 1),
('c-102', 'vermutete-nebenwirkung-melden',
 'So melden Sie eine vermutete Nebenwirkung',
 'Jede und jeder kann eine vermutete Nebenwirkung eines Arzneimittels melden. Meldungen helfen, neue Risiken früh zu erkennen.',
 'Wenn Sie vermuten, dass ein Arzneimittel eine Nebenwirkung verursacht hat, melden Sie diese bitte auch dann, wenn Sie sich nicht sicher sind. Geben Sie möglichst Arzneimittel und Chargenbezeichnung, den zeitlichen Verlauf und weitere eingenommene Arzneimittel an.

Sie können an die Pharmakovigilanz-Abteilung des Zulassungsinhabers melden (Kontakt im Fußbereich dieses Portals) oder direkt an die zuständige Behörde, in Deutschland an das BfArM oder das Paul-Ehrlich-Institut.

Meldungen werden vertraulich und nach den Vorgaben des Datenschutzes behandelt.',
 'safety_information', 'general', NULL, 'public', 'de', 'DE', 'published', '2026-05-04', 1),
('c-103', 'apixaban-aristotle-studie-zusammenfassung',
 'Apixaban versus Warfarin bei Vorhofflimmern: Zusammenfassung der ARISTOTLE-Studie',
 'Bei 18.201 Patientinnen und Patienten mit Vorhofflimmern senkte Apixaban im Vergleich zu Warfarin Schlaganfälle und systemische Embolien, schwere Blutungen und die Gesamtmortalität.',
 'ARISTOTLE war eine randomisierte, doppelblinde Studie, in der Apixaban 5 mg zweimal täglich mit dosisadjustiertem Warfarin (Ziel-INR 2,0 bis 3,0) bei 18.201 Patientinnen und Patienten mit Vorhofflimmern und mindestens einem weiteren Schlaganfall-Risikofaktor verglichen wurde.

Der primäre Endpunkt, Schlaganfall oder systemische Embolie, trat unter Apixaban mit 1,27 % pro Jahr und unter Warfarin mit 1,60 % pro Jahr auf (Hazard Ratio 0,79). Schwere Blutungen traten mit 2,13 % gegenüber 3,09 % pro Jahr auf, die Gesamtmortalität betrug 3,52 % gegenüber 3,94 % pro Jahr.

Literatur: Granger CB et al. N Engl J Med 2011;365:981-992.',
 'clinical_summary', 'cardiology', 'Apixaban', 'hcp', 'de', 'DE', 'published', '2026-10-02', 1);
