// Choices made by reading the abstracts: corrections to the keyword rules, guidelines, safety
// topics, FAQ questions and series. Every entry is a SciFact document id.

/** Documents the area rules get wrong: id → the right area, or null to leave the document out
 * (not a topic of one of the portal's areas, or a mixed one). Guidelines, safety topics, FAQ and
 * series documents are pinned here too so their area never depends on a rule change. */
export const AREA_OVERRIDES = {
  // guidelines and statements (see GUIDELINES)
  471921: "cardiology", 11071351: "cardiology", 6137330: "oncology", 10010651: "oncology",
  14118484: "oncology", 5596332: "infectious_disease", 52827184: "infectious_disease", 73323408: "diabetes_endocrinology",
  13870943: "neurology", 20109325: "respiratory", 1191830: "immunology", 20186513: "immunology",
  34481589: "immunology",
  // read and moved
  750781: "cardiology", // bypass graft patency in diabetes (BARI): a coronary revascularisation outcome
  7873737: "cardiology", // GP IIb/IIIa inhibitors in diabetic patients with acute coronary syndromes
  10190462: "neurology", // intranasal insulin in early Alzheimer's disease: cognition is the outcome
  38410121: "infectious_disease", // malaria chemoprophylaxis side effects in travellers
  3355397: "diabetes_endocrinology", // pioglitazone and cancer risk: a diabetes medicine's safety
  21323758: "neurology", // tafamidis in transthyretin amyloid polyneuropathy
  23783727: "cardiology", // ticagrelor vs clopidogrel in acute coronary syndromes (PLATO substudy)
  8814634: null, // hydroxyethyl starch in joint arthroplasty: perioperative medicine
  // read and left out
  24323369: null, // clomiphene/metformin for ovulation induction: reproductive medicine
  31942055: null, // body size on peritoneal dialysis: nephrology
  25837950: null, // BMI in chronic kidney disease: nephrology
  8839502: null, // renal lesions of chronic nephropathies: nephrology
  1831916: null, // ADHD and obesity: psychiatry
  24625323: null, // ADHD and obesity: psychiatry
  40078758: null, // binge eating disorder: psychiatry
  5912283: null, // insomnia treatment: sleep medicine / psychiatry
  5691302: null, // antidepressants in older people: psychiatry
  18025240: null, // helminth treatment and cognition in children: tropical paediatrics, mixed
  15678772: null, // ionising radiation in infancy and cognition: radiation epidemiology
  37156349: null, // powered mobility in children: rehabilitation
  6323196: null, // intrauterine growth retardation: perinatology
  14711483: null, // inhaled nitric oxide in sickle cell crisis: haematology
  27099731: null, // patent ductus arteriosus in preterm infants: neonatology
  36288526: null, // hydroxyethyl starch bleeding after bypass: cardiac anaesthesia, mixed
  21009874: null, // ocular inflammation and immunosuppressive drugs: ophthalmology, mixed
  23983289: null, // accuracy of ICD-9 codes: health-services research
  7419612: null, // hospital readmission measure: health-services research
  70633421: null, // abstract cut off mid-sentence
  13580614: null, // a letter, abstract cut off (". . . .")
};

/** Abstracts of published guidelines, recommendation statements, consensus definitions and
 * classification criteria: they become guideline summaries. */
export const GUIDELINES = [
  "471921", "11071351", "6137330", "10010651", "14118484", "5596332", "52827184", "73323408",
  "13870943", "20109325", "1191830", "20186513", "34481589",
];

/** Studies of harms of a medicine, vaccine or infusion: they become safety communications. */
export const SAFETY = [
  "25643818", "36003142", "5402581", "10984005", "22420524", "37619697", "4910408", "38410121",
  "8756719", "11254040", "32850528", "13619127", "17591478", "195317463", "13514898", "3355397", "25589047",
];

/** Abstracts about one named medicine: they become product dossier entries (type
 * prescribing_information), which summarise the publication and point to the local label. */
export const PRODUCT_DOSSIERS = [
  "2522977", "44030361", "2842550", "23783727", "3329824", "13069283", "24634621", "41650417", "42800527",
  "30805636", "11090688", "32263707", "21323758", "22995579", "24082820", "17925632",
];

/** FAQ answers: the question is ours, written from the abstract's own topic. The short answer is
 * the abstract's conclusion; for an abstract without sections, `answer` names the sentences
 * (0-based, in the generator's split) that answer the question. */
export const FAQ = {
  14566771: { q: "Is migraine linked to stroke?", answer: [1, 3] },
  12667988: { q: "Can biofeedback or relaxation training help people with migraine?", answer: [2] },
  41161366: { q: "How does exercise bring on asthma?", answer: [7] },
  2015126: { q: "How are women with a genetic predisposition to breast cancer managed?", answer: [2, 4] },
  25853741: { q: "How common is skin cancer after a kidney transplant?", answer: [3, 4] },
  1974176: "Is eating fruit linked to the risk of type 2 diabetes?",
  9822397: "Are sugar-sweetened drinks linked to weight gain and type 2 diabetes in women?",
  2891825: "How common is asthma in cross-country skiers?",
  34121231: "How common are cold-related respiratory symptoms?",
  24510595: "How common is frequent headache?",
  17000834: "Is sun exposure linked to the risk of multiple sclerosis?",
  27076725: "Is a head injury in early adulthood linked to Alzheimer's disease and other dementias?",
  23136735: "Does short-term persistence of HPV predict cervical precancer and cancer?",
  520579: "Are vitamin D levels linked to the risk of colorectal cancer in women?",
  6748318: "Is HPV vaccination combined with screening cost-effective in Spain?",
  12130200: "Is plasma homocysteine linked to the risk of myocardial infarction?",
  20526907: "Do the amount and frequency of drinking alcohol change the risk of coronary heart disease?",
  17691617: "Can high-intensity functional exercise help older people with dementia in daily activities?",
};

/** Educational series: ordered SciFact document ids; the modules' audience. */
export const SERIES = [
  {
    id: "obesity-and-type-2-diabetes",
    title: { en: "Obesity and type 2 diabetes", de: "Adipositas und Typ-2-Diabetes" },
    audience: "public",
    docs: ["4345757", "120626", "8708082"],
  },
  {
    id: "copd-essentials",
    title: { en: "COPD essentials", de: "COPD im Überblick" },
    audience: "hcp",
    docs: ["7285256", "18988265", "9440748", "21287352"],
  },
  {
    id: "cardiovascular-risk",
    title: { en: "Understanding cardiovascular risk", de: "Kardiovaskuläres Risiko verstehen" },
    audience: "public",
    docs: ["12206390", "25451374", "5698494", "13230773"],
  },
];

/** Product corrections: id → null where a generic is named but the abstract is about a class or
 * a comparison, not that product. */
export const PRODUCT_OVERRIDES = {
  5402581: null, // atypical antipsychotics as a class
  3898784: null, // NOACs versus vitamin K antagonists as classes
  23783727: { brand: "Brilinta", generic: "ticagrelor" }, // "Ticagrelor vs. clopidogrel": ticagrelor is studied
  8756719: { brand: null, generic: "tafenoquine" }, // tafenoquine is studied, mefloquine the comparator
  38410121: null, // three antimalarials compared
  21479231: null, // a tuberculosis regimen, not one medicine
  13619127: null, // classes of diabetes treatment compared
  19308127: null, // switching between P2Y12 inhibitors
};
