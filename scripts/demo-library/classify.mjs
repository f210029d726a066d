// Therapeutic area, eligibility, product and indication of a SciFact abstract, by keyword rules.
// The rules were checked by reading the titles and abstracts they select; the few documents they
// get wrong are corrected in curation.mjs (AREA_OVERRIDES, EXCLUDED), each with the reason.

export const AREAS = ["cardiology", "oncology", "infectious_disease", "diabetes_endocrinology", "neurology", "respiratory", "immunology"];

// Keyword rules per area. A match in the title counts 3, in the abstract 1.
const AREA_RULES = {
  cardiology: [/\bheart\b/, /\bcardiac\b/, /cardiovascular/, /\bcoronary/, /myocardial infarction/, /atrial fibrillation/, /heart failure/, /hypertensi/, /blood pressure/, /atheroscler/, /\bstatins?\b/, /cholesterol/, /\bLDL\b/, /anticoagula/, /warfarin/, /thrombo/, /arrhythmi/, /\bangina\b/, /\baortic/, /antiplatelet/],
  oncology: [/cancer/, /tumou?r/, /carcinoma/, /lymphoma/, /leuka?emia/, /melanoma/, /chemotherap/, /metasta/, /oncolog/, /neoplas/, /malignan/, /myeloma/, /sarcoma/],
  infectious_disease: [/\bHIV\b/, /infection/, /tubercul/, /malaria/, /influenza/, /vaccin/, /antibiotic/, /antiretroviral/, /hepatitis/, /bacteri/, /\bviral\b/, /\bsepsis\b|\bseptic\b/, /antimicrobial/, /pathogen/, /plasmodium/, /mycobacter/, /\bvirus/],
  diabetes_endocrinology: [/diabet/, /insulin/, /glucose/, /glyc(a)?emic/, /\bHbA1c\b/, /\bobes/, /thyroid/, /metformin/, /adipos/, /body mass index/],
  neurology: [/alzheimer/, /dementia/, /parkinson/, /multiple sclerosis/, /epilep/, /seizure/, /migraine/, /\bstroke\b/, /neurodegenerat/, /brain injury/, /amyotrophic/, /neuropath/, /headache/],
  respiratory: [/asthma/, /\bCOPD\b/, /obstructive pulmonary/, /lung function/, /\bpulmonary/, /\brespiratory/, /\binhal/, /\bbronch/, /cystic fibrosis/, /\bairway/],
  immunology: [/rheumatoid/, /lupus/, /psoria/, /inflammatory bowel/, /crohn/, /ulcerative colitis/, /autoimmun/, /\barthritis\b/, /biosimilar/],
};
const AREA_RES = Object.fromEntries(Object.entries(AREA_RULES).map(([a, rs]) => [a, rs.map((r) => new RegExp(r.source, "gi"))]));

/** Area scores of a document, best first: [[area, score], …]. */
export function areaScores(doc) {
  const scores = AREAS.map((area) => {
    let s = 0;
    for (const re of AREA_RES[area]) s += 3 * (doc.title.match(re) || []).length + (doc.text.match(re) || []).length;
    return [area, s];
  });
  return scores.sort((a, b) => b[1] - a[1] || AREAS.indexOf(a[0]) - AREAS.indexOf(b[0]));
}

/** The area the rules give, or null when no area clearly dominates (score ≥ 5 and at least twice
 * the runner-up). */
export function classifyArea(doc) {
  const [[top, s1], [, s2]] = areaScores(doc);
  return s1 >= 5 && s1 >= 2 * s2 ? top : null;
}

// A study in people (the portal is for clinicians): animal and cell work is left out.
const NON_HUMAN = /\b(mice|mouse|murine|rats?|rodents?|zebrafish|drosophila|yeast|c\. elegans|caenorhabditis|in vitro|cell lines?|monkeys?|macaques?|pigs?|piglets?|dogs?|sheep|embryos?|larvae|primates?|xenopus|arabidopsis|escherichia|hamsters?|rabbits?|xenografts?|organoids?)\b/i;
const HUMAN = /\b(patients|participants|women|men|adults|children|subjects|individuals|cohort|trial|volunteers|persons|people|infants)\b/i;

/** Nothing in title or abstract that medmark would read as markup or that shows a broken
 * conversion: HTML-like tags, entities, link syntax, table pipes, backticks, backslashes, pasted
 * full text ("View this table", "⇓", a closing "…"); and no
 * bracketed (translated) title. Curated documents must pass this too. */
export function markupSafe(doc) {
  if (/<[a-zA-Z/!]|&[a-zA-Z]+;|\]\(|\||`|\\|⇓|View this table|…$/.test(`${doc.title} ${doc.text}`)) return false;
  return !/^\[|\]\.?$/.test(doc.title);
}

/** Whether an abstract can become a library item: a complete abstract of a study in people, of a
 * length that makes a readable page, with nothing the medmark subset would mis-read. */
export function eligible(doc) {
  const all = `${doc.title} ${doc.text}`;
  if (!markupSafe(doc)) return false;
  if (/ABSTRACT TRUNCATED|UNLABELLED|\bABSTRACT\b|\. \. \./.test(doc.text) || !/[.)"”]$/.test(doc.text.trim())) return false;
  if (NON_HUMAN.test(all) || !HUMAN.test(doc.text)) return false;
  return doc.text.length >= 500 && doc.text.length <= 2400 && doc.title.length <= 200;
}

// Products: generic names looked for in the title (or at least three times in the abstract). A brand is
// given only for a well-known single brand of that molecule, and only when the search vocabulary
// (shared/search-index/data/synonyms.txt, FDA UNII names) lists that brand for that generic — the
// test checks every pair against that file. Otherwise brand is null.
export const PRODUCTS = [
  ["apixaban", "Eliquis"], ["rivaroxaban", "Xarelto"], ["dabigatran", null], ["warfarin", "Coumadin"],
  ["clopidogrel", "Plavix"], ["ticagrelor", "Brilinta"], ["prasugrel", "Effient"], ["eptifibatide", "Integrilin"],
  ["atorvastatin", "Lipitor"], ["rosuvastatin", "Crestor"], ["simvastatin", "Zocor"], ["ezetimibe", "Zetia"],
  ["olmesartan", "Benicar"], ["bezafibrate", null], ["aspirin", null],
  ["metformin", "Glucophage"], ["sitagliptin", "Januvia"], ["liraglutide", "Victoza"], ["semaglutide", "Ozempic"],
  ["empagliflozin", "Jardiance"], ["pioglitazone", "Actos"], ["rosiglitazone", "Avandia"], ["insulin glargine", "Lantus"],
  ["levothyroxine", "Synthroid"],
  ["trastuzumab", "Herceptin"], ["bevacizumab", null], ["cetuximab", "Erbitux"], ["imatinib", null],
  ["pembrolizumab", "Keytruda"], ["nivolumab", "Opdivo"], ["ipilimumab", "Yervoy"], ["tamoxifen", null],
  ["letrozole", "Femara"], ["anastrozole", "Arimidex"], ["gefitinib", "Iressa"], ["erlotinib", "Tarceva"],
  ["sorafenib", "Nexavar"], ["sunitinib", "Sutent"], ["lenalidomide", "Revlimid"], ["bortezomib", "Velcade"],
  ["rituximab", null], ["lapatinib", null], ["docetaxel", null], ["cisplatin", null], ["gemcitabine", null], ["capecitabine", null],
  ["oseltamivir", "Tamiflu"], ["zidovudine", null], ["tenofovir", null], ["efavirenz", null], ["nevirapine", null],
  ["mefloquine", null], ["chloroquine", null], ["tafenoquine", null], ["artesunate", null], ["isoniazid", null],
  ["azithromycin", "Zithromax"], ["ribavirin", null], ["sofosbuvir", "Sovaldi"],
  ["fingolimod", "Gilenya"], ["natalizumab", "Tysabri"], ["donepezil", "Aricept"], ["zopiclone", null],
  ["amitriptyline", null], ["tafamidis", "Vyndaqel"], ["levodopa", null], ["pregabalin", "Lyrica"],
  ["montelukast", "Singulair"], ["salmeterol", null], ["fluticasone", null], ["tiotropium", "Spiriva"], ["omalizumab", "Xolair"],
  ["adalimumab", "Humira"], ["infliximab", "Remicade"], ["etanercept", "Enbrel"], ["methotrexate", null],
  ["olanzapine", "Zyprexa"], ["acetylcysteine", null], ["furosemide", "Lasix"],
];

/** The product an abstract is about: the first generic (in PRODUCTS order) named in the title,
 * else the first named at least three times in the abstract. */
export function findProduct(doc) {
  const count = (s, g) => (s.match(new RegExp(`\\b${g}\\b`, "gi")) || []).length;
  const hit = PRODUCTS.find(([g]) => count(doc.title, g) > 0) || PRODUCTS.find(([g]) => count(doc.text, g) >= 3);
  return hit ? { brand: hit[1], generic: hit[0] } : null;
}

// Indications, per area, first match in the title, then in the abstract. The text is the
// condition the abstract names, not a licensed indication.
const INDICATIONS = {
  cardiology: [[/atrial fibrillation/i, "atrial fibrillation"], [/heart failure/i, "heart failure"], [/acute coronary syndrome/i, "acute coronary syndrome"], [/myocardial infarction/i, "myocardial infarction"], [/coronary (artery|heart) disease/i, "coronary heart disease"], [/hypertensi|blood pressure/i, "hypertension"], [/peripheral arter/i, "peripheral arterial disease"], [/cholesterol|statin|lipoprotein/i, "dyslipidaemia"], [/atheroscler/i, "atherosclerosis"], [/stroke/i, "stroke"], [/cardiovascular/i, "cardiovascular disease"]],
  oncology: [[/breast cancer/i, "breast cancer"], [/(non-small[- ]cell )?lung cancer|NSCLC/i, "lung cancer"], [/colorectal|colon cancer/i, "colorectal cancer"], [/prostate cancer/i, "prostate cancer"], [/melanoma/i, "melanoma"], [/ovarian cancer/i, "ovarian cancer"], [/cervical/i, "cervical cancer"], [/pancrea/i, "pancreatic cancer"], [/gastric|stomach/i, "gastric cancer"], [/hepatocellular|liver cancer/i, "liver cancer"], [/leuka?emia/i, "leukaemia"], [/lymphoma/i, "lymphoma"], [/myeloma/i, "multiple myeloma"], [/glioma|glioblastoma/i, "glioma"], [/head and neck/i, "head and neck cancer"], [/bladder/i, "bladder cancer"], [/renal cell|kidney cancer/i, "kidney cancer"], [/cancer|tumou?r|carcinoma/i, "cancer"]],
  infectious_disease: [[/\bHIV\b/, "HIV infection"], [/tubercul/i, "tuberculosis"], [/malaria/i, "malaria"], [/influenza/i, "influenza"], [/hepatitis C|\bHCV\b/, "hepatitis C"], [/hepatitis B|\bHBV\b/, "hepatitis B"], [/sepsis|septic/i, "sepsis"], [/pneumonia/i, "pneumonia"], [/papillomavirus|\bHPV\b/, "human papillomavirus infection"], [/Japanese encephalitis/i, "Japanese encephalitis"], [/dengue/i, "dengue"], [/staphylococc|MRSA/i, "staphylococcal infection"], [/vaccin/i, "vaccination"], [/infection/i, "infection"]],
  diabetes_endocrinology: [[/type 1 diabetes|IDDM|insulin-dependent/i, "type 1 diabetes"], [/gestational diabetes/i, "gestational diabetes"], [/type 2 diabetes|type II diabetes/i, "type 2 diabetes"], [/diabet/i, "diabetes"], [/hypoglyc/i, "hypoglycaemia"], [/obes|overweight/i, "obesity"], [/thyroid|goitre|goiter|Graves/i, "thyroid disease"], [/insulin resistance/i, "insulin resistance"]],
  neurology: [[/alzheimer/i, "Alzheimer's disease"], [/dementia/i, "dementia"], [/parkinson/i, "Parkinson's disease"], [/multiple sclerosis/i, "multiple sclerosis"], [/epilep|seizure/i, "epilepsy"], [/migraine/i, "migraine"], [/headache/i, "headache"], [/stroke/i, "stroke"], [/neuropath/i, "neuropathic pain"], [/concussion|head injury|brain injury/i, "traumatic brain injury"]],
  respiratory: [[/COPD|chronic obstructive pulmonary/i, "chronic obstructive pulmonary disease"], [/asthma/i, "asthma"], [/pneumonia/i, "pneumonia"], [/pulmonary fibrosis/i, "pulmonary fibrosis"], [/respiratory failure/i, "acute respiratory failure"], [/pulmonary hypertension/i, "pulmonary hypertension"], [/lung injury|respiratory distress/i, "acute lung injury"], [/cystic fibrosis/i, "cystic fibrosis"]],
  immunology: [[/rheumatoid arthritis/i, "rheumatoid arthritis"], [/crohn/i, "Crohn's disease"], [/ulcerative colitis/i, "ulcerative colitis"], [/inflammatory bowel/i, "inflammatory bowel disease"], [/lupus/i, "systemic lupus erythematosus"], [/psoria/i, "psoriasis"], [/immune-mediated/i, "immune-mediated inflammatory disease"]],
};
export function findIndication(area, doc) {
  for (const where of [doc.title, doc.text]) {
    for (const [re, name] of INDICATIONS[area] || []) if (re.test(where)) return name;
  }
  return null;
}

/** Trial phase the publication states for its own study ("phase III trial", "phase 2 study"), as
 * "1"–"4", else null: from the title, or from the abstract when the title says the publication is
 * a trial (an abstract may name the phase of other trials it drew on). */
export function findPhase(doc) {
  const where = /randomi[sz]ed|\btrial\b/i.test(doc.title) ? `${doc.title} ${doc.text}` : doc.title;
  const m = where.match(/\bphase\s+(IV|I{1,3}|[1-4])(?:[ab]|\/(?:I{1,3}|[1-4]))?\b[^.]{0,40}?\b(?:trials?|study|studies)\b/i);
  if (!m) return null;
  return { I: "1", II: "2", III: "3", IV: "4" }[m[1].toUpperCase()] || m[1];
}

export const SPECIALTIES = {
  cardiology: ["cardiology", "general-practice"],
  oncology: ["oncology"],
  infectious_disease: ["infectious-diseases", "general-practice"],
  diabetes_endocrinology: ["endocrinology", "general-practice"],
  neurology: ["neurology"],
  respiratory: ["pulmonology", "general-practice"],
  immunology: ["rheumatology", "gastroenterology"],
};
