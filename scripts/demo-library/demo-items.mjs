// The portal's 13 original demo items (infra/seed/db_global/9001_demo.sql, rows c-001…c-103), in the
// library format. Written by the medportal authors; slugs unchanged (tests and search seeding use
// them); `featured` is the row's featured flag. Type, product brand, indication, phase, references and dates were added when converting:
// reviewed_on is the row's published_at, expires_on a year later; the "References:" line of a
// body moved into references (DOI/PMID checked against the publisher's and PubMed's records).
export const DEMO_ITEMS = [
  {
    "family": "metformin-type-2-diabetes-efficacy",
    "slug": "metformin-type-2-diabetes-efficacy",
    "language": "en",
    "type": "prescribing_information",
    "title": "Metformin in type 2 diabetes: mechanism of action and glycaemic efficacy",
    "summary": "Metformin lowers hepatic glucose production and improves insulin sensitivity. As monotherapy it typically lowers HbA1c by about 1 to 1.5 percentage points without causing hypoglycaemia.",
    "body": "Metformin is a biguanide that reduces hepatic gluconeogenesis, in part through activation of AMP-activated protein kinase, and increases peripheral glucose uptake. It does not stimulate insulin secretion and therefore carries a low risk of hypoglycaemia when used alone.\n\nIn the UK Prospective Diabetes Study (UKPDS 34), overweight patients allocated to metformin had fewer diabetes-related endpoints and lower all-cause mortality than those on conventional therapy.\n\nThe most common adverse reactions are gastrointestinal (diarrhoea, nausea, abdominal discomfort); starting with a low dose taken with meals and titrating slowly improves tolerability. Lactic acidosis is rare. Renal function should be assessed before initiation and regularly thereafter; consult the local prescribing information for eGFR thresholds. Long-term use is associated with reduced vitamin B12 levels.\n",
    "references": [
      {
        "label": "UK Prospective Diabetes Study (UKPDS) Group. Lancet 1998;352:854-865",
        "pmid": "9742977"
      }
    ],
    "taxonomy": {
      "area": "diabetes_endocrinology",
      "product": {
        "brand": "Glucophage",
        "generic": "metformin"
      },
      "indication": "type 2 diabetes",
      "phase": null,
      "specialties": [
        "endocrinology",
        "general-practice"
      ],
      "audience": "hcp"
    },
    "markets": [
      "INTL"
    ],
    "reviewed_on": "2026-09-14",
    "expires_on": "2027-09-14",
    "state": "published",
    "withdraw_reason": null,
    "series": null,
    "featured": true,
    "provenance": {
      "source": "medportal authors",
      "doc_id": null,
      "adapted": "written by the medportal authors for the original demo seed (infra/seed/db_global/9001_demo.sql, row c-001); figures from the cited publication"
    }
  },
  {
    "family": "apixaban-aristotle-trial-summary",
    "slug": "apixaban-aristotle-trial-summary",
    "language": "en",
    "type": "trial_summary",
    "title": "Apixaban versus warfarin in atrial fibrillation: summary of the ARISTOTLE trial",
    "summary": "In 18,201 patients with atrial fibrillation, apixaban reduced stroke or systemic embolism, major bleeding and all-cause mortality compared with warfarin.",
    "body": "ARISTOTLE was a randomised, double-blind trial comparing apixaban 5 mg twice daily with dose-adjusted warfarin (target INR 2.0 to 3.0) in 18,201 patients with atrial fibrillation and at least one additional risk factor for stroke.\n\nThe rate of the primary outcome, ischaemic or haemorrhagic stroke or systemic embolism, was 1.27% per year with apixaban and 1.60% per year with warfarin (hazard ratio 0.79). Major bleeding occurred in 2.13% versus 3.09% per year (hazard ratio 0.69), and all-cause mortality was 3.52% versus 3.94% per year.\n\nDose reduction criteria and contraindications differ between markets; consult the local prescribing information.\n",
    "references": [
      {
        "label": "Granger CB et al. N Engl J Med 2011;365:981-992",
        "doi": "10.1056/NEJMoa1107039",
        "pmid": "21870978"
      }
    ],
    "taxonomy": {
      "area": "cardiology",
      "product": {
        "brand": "Eliquis",
        "generic": "apixaban"
      },
      "indication": "stroke prevention in atrial fibrillation",
      "phase": "3",
      "specialties": [
        "cardiology",
        "general-practice"
      ],
      "audience": "hcp"
    },
    "markets": [
      "INTL"
    ],
    "reviewed_on": "2026-10-02",
    "expires_on": "2027-10-02",
    "state": "published",
    "withdraw_reason": null,
    "series": null,
    "featured": true,
    "provenance": {
      "source": "medportal authors",
      "doc_id": null,
      "adapted": "written by the medportal authors for the original demo seed (infra/seed/db_global/9001_demo.sql, row c-002); figures from the cited publication"
    }
  },
  {
    "family": "semaglutide-gastrointestinal-adverse-events",
    "slug": "semaglutide-gastrointestinal-adverse-events",
    "language": "en",
    "type": "safety_communication",
    "title": "Semaglutide: gastrointestinal adverse events and how to manage them",
    "summary": "Nausea, vomiting and diarrhoea are the most frequent adverse events with GLP-1 receptor agonists such as semaglutide; they are mostly mild to moderate and occur during dose escalation.",
    "body": "Gastrointestinal adverse events are the most common reason for discontinuation of GLP-1 receptor agonists. With semaglutide they are usually mild to moderate, appear early or after a dose increase, and decline over time.\n\nPractical measures include following the recommended stepwise dose escalation, eating smaller meals, stopping eating when full and avoiding high-fat meals. Patients should be advised about the risk of dehydration with severe vomiting or diarrhoea, which can impair renal function.\n\nPersistent severe abdominal pain requires evaluation for acute pancreatitis. Report suspected adverse reactions through the usual pharmacovigilance channels.\n",
    "references": [],
    "taxonomy": {
      "area": "diabetes_endocrinology",
      "product": {
        "brand": null,
        "generic": "semaglutide"
      },
      "indication": null,
      "phase": null,
      "specialties": [
        "endocrinology",
        "general-practice"
      ],
      "audience": "hcp"
    },
    "markets": [
      "INTL"
    ],
    "reviewed_on": "2026-08-21",
    "expires_on": "2027-08-21",
    "state": "published",
    "withdraw_reason": null,
    "series": null,
    "featured": true,
    "provenance": {
      "source": "medportal authors",
      "doc_id": null,
      "adapted": "written by the medportal authors for the original demo seed (infra/seed/db_global/9001_demo.sql, row c-003); figures from the cited publication"
    }
  },
  {
    "family": "empagliflozin-hfref-emperor-reduced",
    "slug": "empagliflozin-hfref-emperor-reduced",
    "language": "en",
    "type": "trial_summary",
    "title": "Empagliflozin in heart failure with reduced ejection fraction: EMPEROR-Reduced",
    "summary": "Empagliflozin reduced the combined risk of cardiovascular death or hospitalisation for heart failure by 25% in patients with HFrEF, with or without diabetes.",
    "body": "EMPEROR-Reduced randomised 3,730 patients with chronic heart failure, NYHA class II to IV and an ejection fraction of 40% or less to empagliflozin 10 mg once daily or placebo, in addition to recommended therapy.\n\nThe primary outcome, cardiovascular death or hospitalisation for worsening heart failure, occurred in 19.4% of patients on empagliflozin and 24.7% on placebo (hazard ratio 0.75). The effect was consistent in patients with and without diabetes. The decline in eGFR was slower with empagliflozin.\n",
    "references": [
      {
        "label": "Packer M et al. N Engl J Med 2020;383:1413-1424",
        "doi": "10.1056/NEJMoa2022190"
      }
    ],
    "taxonomy": {
      "area": "cardiology",
      "product": {
        "brand": "Jardiance",
        "generic": "empagliflozin"
      },
      "indication": "heart failure with reduced ejection fraction",
      "phase": "3",
      "specialties": [
        "cardiology",
        "general-practice"
      ],
      "audience": "hcp"
    },
    "markets": [
      "INTL"
    ],
    "reviewed_on": "2026-07-30",
    "expires_on": "2027-07-30",
    "state": "published",
    "withdraw_reason": null,
    "series": null,
    "featured": false,
    "provenance": {
      "source": "medportal authors",
      "doc_id": null,
      "adapted": "written by the medportal authors for the original demo seed (infra/seed/db_global/9001_demo.sql, row c-004); figures from the cited publication"
    }
  },
  {
    "family": "atorvastatin-dosing-renal-hepatic-impairment",
    "slug": "atorvastatin-dosing-renal-hepatic-impairment",
    "language": "en",
    "type": "prescribing_information",
    "title": "Atorvastatin dosing in renal and hepatic impairment",
    "summary": "Atorvastatin is cleared mainly by the liver, so no dose adjustment is needed in renal impairment; it is contraindicated in active liver disease.",
    "body": "Atorvastatin and its active metabolites are eliminated primarily in bile after hepatic metabolism by CYP3A4; less than 2% of a dose is recovered in urine. Renal impairment does not change plasma concentrations meaningfully, and no dose adjustment is required.\n\nAtorvastatin is contraindicated in active liver disease or unexplained persistent elevations of serum transaminases. Liver function tests should be performed as clinically indicated.\n\nStrong CYP3A4 inhibitors (for example clarithromycin, itraconazole, some HIV protease inhibitors) increase atorvastatin exposure and the risk of myopathy; avoid the combination or limit the dose as described in the prescribing information.\n",
    "references": [],
    "taxonomy": {
      "area": "cardiology",
      "product": {
        "brand": "Lipitor",
        "generic": "atorvastatin"
      },
      "indication": "dyslipidaemia",
      "phase": null,
      "specialties": [
        "cardiology",
        "general-practice"
      ],
      "audience": "hcp"
    },
    "markets": [
      "INTL"
    ],
    "reviewed_on": "2026-06-11",
    "expires_on": "2027-06-11",
    "state": "published",
    "withdraw_reason": null,
    "series": null,
    "featured": false,
    "provenance": {
      "source": "medportal authors",
      "doc_id": null,
      "adapted": "written by the medportal authors for the original demo seed (infra/seed/db_global/9001_demo.sql, row c-005); figures from the cited publication"
    }
  },
  {
    "family": "pembrolizumab-immune-related-adverse-events",
    "slug": "pembrolizumab-immune-related-adverse-events",
    "language": "en",
    "type": "safety_communication",
    "title": "Pembrolizumab: recognising and managing immune-related adverse events",
    "summary": "Immune checkpoint inhibitors can cause inflammation of any organ. Early recognition, grading and corticosteroids are the basis of management.",
    "body": "Immune-related adverse events (irAEs) with PD-1 inhibitors such as pembrolizumab most often affect the skin, gastrointestinal tract, liver, lungs and endocrine glands, and can occur at any time, including after treatment has ended.\n\nManagement depends on severity: for most grade 2 events treatment is withheld and corticosteroids are started; grade 3 to 4 events usually require high-dose corticosteroids and may require permanent discontinuation. Endocrinopathies are managed with hormone replacement.\n\nPatients and caregivers should know which symptoms to report promptly, such as new cough or breathlessness, diarrhoea, jaundice or severe fatigue.\n",
    "references": [],
    "taxonomy": {
      "area": "oncology",
      "product": {
        "brand": "Keytruda",
        "generic": "pembrolizumab"
      },
      "indication": null,
      "phase": null,
      "specialties": [
        "oncology"
      ],
      "audience": "hcp"
    },
    "markets": [
      "INTL"
    ],
    "reviewed_on": "2026-10-19",
    "expires_on": "2027-10-19",
    "state": "published",
    "withdraw_reason": null,
    "series": null,
    "featured": true,
    "provenance": {
      "source": "medportal authors",
      "doc_id": null,
      "adapted": "written by the medportal authors for the original demo seed (infra/seed/db_global/9001_demo.sql, row c-006); figures from the cited publication"
    }
  },
  {
    "family": "how-to-report-a-suspected-adverse-reaction",
    "slug": "how-to-report-a-suspected-adverse-reaction",
    "language": "en",
    "type": "safety_communication",
    "title": "How to report a suspected adverse reaction",
    "summary": "Anyone can report a suspected side effect of a medicine. Reports help regulators and manufacturers detect new safety signals.",
    "body": "If you suspect that a medicine caused an adverse reaction, report it even if you are not sure. Include the medicine name and batch number if known, what happened and when, and any other medicines taken.\n\nYou can report to the marketing authorisation holder's pharmacovigilance department through the contact details in the footer of this portal, or directly to your national authority: for example the FDA MedWatch programme in the United States, the Yellow Card scheme in the United Kingdom, or the national competent authority in EU member states.\n\nReports are handled confidentially and in line with data protection law.\n",
    "references": [],
    "taxonomy": {
      "area": "general",
      "product": null,
      "indication": null,
      "phase": null,
      "specialties": [
        "general-practice",
        "pharmacy"
      ],
      "audience": "public"
    },
    "markets": [
      "INTL"
    ],
    "reviewed_on": "2026-05-04",
    "expires_on": "2027-05-04",
    "state": "published",
    "withdraw_reason": null,
    "series": null,
    "featured": true,
    "provenance": {
      "source": "medportal authors",
      "doc_id": null,
      "adapted": "written by the medportal authors for the original demo seed (infra/seed/db_global/9001_demo.sql, row c-007); figures from the cited publication"
    }
  },
  {
    "family": "hypertension-first-line-drug-classes",
    "slug": "hypertension-first-line-drug-classes",
    "language": "en",
    "type": "guideline_summary",
    "title": "Hypertension: an overview of first-line drug classes",
    "summary": "ACE inhibitors, angiotensin receptor blockers, calcium channel blockers and thiazide-like diuretics are the first-line drug classes in most hypertension guidelines.",
    "body": "Most international guidelines recommend starting treatment with one of four drug classes: angiotensin-converting enzyme (ACE) inhibitors, angiotensin II receptor blockers (ARBs), dihydropyridine calcium channel blockers, or thiazide and thiazide-like diuretics. Many patients need a combination, often as a single-pill combination, to reach target blood pressure.\n\nACE inhibitors and ARBs should not be combined. Choice of class takes into account comorbidities such as diabetes, chronic kidney disease, heart failure or pregnancy.\n\nThis overview is general information and does not replace the current guideline of your country.\n",
    "references": [],
    "taxonomy": {
      "area": "cardiology",
      "product": null,
      "indication": "hypertension",
      "phase": null,
      "specialties": [
        "cardiology",
        "general-practice"
      ],
      "audience": "public"
    },
    "markets": [
      "INTL"
    ],
    "reviewed_on": "2026-03-17",
    "expires_on": "2027-03-17",
    "state": "published",
    "withdraw_reason": null,
    "series": null,
    "featured": false,
    "provenance": {
      "source": "medportal authors",
      "doc_id": null,
      "adapted": "written by the medportal authors for the original demo seed (infra/seed/db_global/9001_demo.sql, row c-008); figures from the cited publication"
    }
  },
  {
    "family": "levothyroxine-absorption-interactions",
    "slug": "levothyroxine-absorption-interactions",
    "language": "en",
    "type": "faq_answer",
    "title": "Levothyroxine: food, supplements and other factors that affect absorption",
    "summary": "Levothyroxine should be taken on an empty stomach; calcium, iron and some other medicines reduce its absorption.",
    "body": "Levothyroxine is best taken with water on an empty stomach, usually 30 to 60 minutes before breakfast, at the same time each day.\n\nCalcium and iron supplements, antacids, bile acid sequestrants and proton pump inhibitors can reduce absorption; separating the intake by several hours is commonly recommended. Changes in diet, such as high-fibre or soy-rich food, can also alter requirements.\n\nCheck TSH about 6 to 8 weeks after any change of dose, product or interacting medicine.\n",
    "references": [],
    "taxonomy": {
      "area": "diabetes_endocrinology",
      "product": {
        "brand": null,
        "generic": "levothyroxine"
      },
      "indication": "hypothyroidism",
      "phase": null,
      "specialties": [
        "endocrinology",
        "general-practice"
      ],
      "audience": "hcp"
    },
    "markets": [
      "INTL"
    ],
    "reviewed_on": "2026-04-08",
    "expires_on": "2027-04-08",
    "state": "published",
    "withdraw_reason": null,
    "series": null,
    "featured": false,
    "provenance": {
      "source": "medportal authors",
      "doc_id": null,
      "adapted": "written by the medportal authors for the original demo seed (infra/seed/db_global/9001_demo.sql, row c-009); figures from the cited publication"
    }
  },
  {
    "family": "adalimumab-injection-site-reactions",
    "slug": "adalimumab-injection-site-reactions",
    "language": "en",
    "type": "faq_answer",
    "title": "Adalimumab: injection-site reactions",
    "summary": "Injection-site reactions are common with subcutaneous adalimumab; they are usually mild and decrease with continued treatment.",
    "body": "Redness, itching, pain or swelling at the injection site are among the most frequently reported adverse reactions with adalimumab. They are usually mild, appear within the first months of treatment and rarely lead to discontinuation.\n\nRotating injection sites, letting the pen or syringe reach room temperature before injecting and avoiding tender, bruised or hardened skin can help. Citrate-free formulations have been associated with less injection pain.\n\nReactions that spread, persist or are accompanied by systemic symptoms should be evaluated.\n",
    "references": [],
    "taxonomy": {
      "area": "immunology",
      "product": {
        "brand": "Humira",
        "generic": "adalimumab"
      },
      "indication": null,
      "phase": null,
      "specialties": [
        "rheumatology",
        "gastroenterology"
      ],
      "audience": "hcp"
    },
    "markets": [
      "INTL"
    ],
    "reviewed_on": "2026-02-26",
    "expires_on": "2027-02-26",
    "state": "published",
    "withdraw_reason": null,
    "series": null,
    "featured": false,
    "provenance": {
      "source": "medportal authors",
      "doc_id": null,
      "adapted": "written by the medportal authors for the original demo seed (infra/seed/db_global/9001_demo.sql, row c-010); figures from the cited publication"
    }
  },
  {
    "family": "metformin-type-2-diabetes-efficacy",
    "slug": "metformin-typ-2-diabetes-wirksamkeit",
    "language": "de",
    "type": "prescribing_information",
    "title": "Metformin bei Typ-2-Diabetes: Wirkmechanismus und Wirksamkeit",
    "summary": "Metformin senkt die hepatische Glukoseproduktion und verbessert die Insulinsensitivität. Als Monotherapie senkt es den HbA1c-Wert um etwa 1 bis 1,5 Prozentpunkte, ohne Hypoglykämien zu verursachen.",
    "body": "Metformin ist ein Biguanid, das die Glukoneogenese in der Leber hemmt, unter anderem über die Aktivierung der AMP-aktivierten Proteinkinase, und die periphere Glukoseaufnahme steigert. Es stimuliert die Insulinsekretion nicht und verursacht daher als Monotherapie kaum Hypoglykämien.\n\nIn der UK Prospective Diabetes Study (UKPDS 34) hatten übergewichtige Patientinnen und Patienten unter Metformin weniger diabetesbezogene Endpunkte und eine geringere Gesamtmortalität als unter konventioneller Therapie.\n\nHäufigste Nebenwirkungen sind gastrointestinale Beschwerden; eine niedrige Anfangsdosis zu den Mahlzeiten und eine langsame Titration verbessern die Verträglichkeit. Die Nierenfunktion ist vor Beginn und regelmäßig während der Behandlung zu prüfen; maßgeblich ist die lokale Fachinformation.\n",
    "references": [
      {
        "label": "UK Prospective Diabetes Study (UKPDS) Group. Lancet 1998;352:854-865",
        "pmid": "9742977"
      }
    ],
    "taxonomy": {
      "area": "diabetes_endocrinology",
      "product": {
        "brand": "Glucophage",
        "generic": "metformin"
      },
      "indication": "type 2 diabetes",
      "phase": null,
      "specialties": [
        "endocrinology",
        "general-practice"
      ],
      "audience": "hcp"
    },
    "markets": [
      "DE"
    ],
    "reviewed_on": "2026-09-14",
    "expires_on": "2027-09-14",
    "state": "published",
    "withdraw_reason": null,
    "series": null,
    "featured": true,
    "provenance": {
      "source": "medportal authors",
      "doc_id": null,
      "adapted": "written by the medportal authors for the original demo seed (infra/seed/db_global/9001_demo.sql, row c-101); figures from the cited publication"
    }
  },
  {
    "family": "how-to-report-a-suspected-adverse-reaction",
    "slug": "vermutete-nebenwirkung-melden",
    "language": "de",
    "type": "safety_communication",
    "title": "So melden Sie eine vermutete Nebenwirkung",
    "summary": "Jede und jeder kann eine vermutete Nebenwirkung eines Arzneimittels melden. Meldungen helfen, neue Risiken früh zu erkennen.",
    "body": "Wenn Sie vermuten, dass ein Arzneimittel eine Nebenwirkung verursacht hat, melden Sie diese bitte auch dann, wenn Sie sich nicht sicher sind. Geben Sie möglichst Arzneimittel und Chargenbezeichnung, den zeitlichen Verlauf und weitere eingenommene Arzneimittel an.\n\nSie können an die Pharmakovigilanz-Abteilung des Zulassungsinhabers melden (Kontakt im Fußbereich dieses Portals) oder direkt an die zuständige Behörde, in Deutschland an das BfArM oder das Paul-Ehrlich-Institut.\n\nMeldungen werden vertraulich und nach den Vorgaben des Datenschutzes behandelt.\n",
    "references": [],
    "taxonomy": {
      "area": "general",
      "product": null,
      "indication": null,
      "phase": null,
      "specialties": [
        "general-practice",
        "pharmacy"
      ],
      "audience": "public"
    },
    "markets": [
      "DE"
    ],
    "reviewed_on": "2026-05-04",
    "expires_on": "2027-05-04",
    "state": "published",
    "withdraw_reason": null,
    "series": null,
    "featured": true,
    "provenance": {
      "source": "medportal authors",
      "doc_id": null,
      "adapted": "written by the medportal authors for the original demo seed (infra/seed/db_global/9001_demo.sql, row c-102); figures from the cited publication"
    }
  },
  {
    "family": "apixaban-aristotle-trial-summary",
    "slug": "apixaban-aristotle-studie-zusammenfassung",
    "language": "de",
    "type": "trial_summary",
    "title": "Apixaban versus Warfarin bei Vorhofflimmern: Zusammenfassung der ARISTOTLE-Studie",
    "summary": "Bei 18.201 Patientinnen und Patienten mit Vorhofflimmern senkte Apixaban im Vergleich zu Warfarin Schlaganfälle und systemische Embolien, schwere Blutungen und die Gesamtmortalität.",
    "body": "ARISTOTLE war eine randomisierte, doppelblinde Studie, in der Apixaban 5 mg zweimal täglich mit dosisadjustiertem Warfarin (Ziel-INR 2,0 bis 3,0) bei 18.201 Patientinnen und Patienten mit Vorhofflimmern und mindestens einem weiteren Schlaganfall-Risikofaktor verglichen wurde.\n\nDer primäre Endpunkt, Schlaganfall oder systemische Embolie, trat unter Apixaban mit 1,27 % pro Jahr und unter Warfarin mit 1,60 % pro Jahr auf (Hazard Ratio 0,79). Schwere Blutungen traten mit 2,13 % gegenüber 3,09 % pro Jahr auf, die Gesamtmortalität betrug 3,52 % gegenüber 3,94 % pro Jahr.\n",
    "references": [
      {
        "label": "Granger CB et al. N Engl J Med 2011;365:981-992",
        "doi": "10.1056/NEJMoa1107039",
        "pmid": "21870978"
      }
    ],
    "taxonomy": {
      "area": "cardiology",
      "product": {
        "brand": "Eliquis",
        "generic": "apixaban"
      },
      "indication": "stroke prevention in atrial fibrillation",
      "phase": "3",
      "specialties": [
        "cardiology",
        "general-practice"
      ],
      "audience": "hcp"
    },
    "markets": [
      "DE"
    ],
    "reviewed_on": "2026-10-02",
    "expires_on": "2027-10-02",
    "state": "published",
    "withdraw_reason": null,
    "series": null,
    "featured": true,
    "provenance": {
      "source": "medportal authors",
      "doc_id": null,
      "adapted": "written by the medportal authors for the original demo seed (infra/seed/db_global/9001_demo.sql, row c-103); figures from the cited publication"
    }
  }
];
