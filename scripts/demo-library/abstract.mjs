// Reading a SciFact abstract: section labels (BACKGROUND, METHODS, …), sentences, figures.
// Pure functions, no I/O: the generator and its test share them.

// Structured-abstract labels as they occur in the corpus (counted over all 5,183 documents),
// longest first so "METHODS AND RESULTS" wins over "METHODS". Each maps to one of our sections.
const LABELS = [
  ["DESIGN, SETTING, AND PARTICIPANTS", "methods"],
  ["DESIGN, SETTING, AND PATIENTS", "methods"],
  ["DESIGN, SETTING, PARTICIPANTS", "methods"],
  ["METHODOLOGY/PRINCIPAL FINDINGS", "results"],
  ["MEASUREMENTS AND MAIN RESULTS", "results"],
  ["DATA SOURCES AND STUDY SELECTION", "methods"],
  ["DATA COLLECTION AND ANALYSIS", "methods"],
  ["RESEARCH DESIGN AND METHODS", "methods"],
  ["MAIN OUTCOMES AND MEASURES", "methods"],
  ["CONCLUSIONS AND RELEVANCE", "conclusions"],
  ["CLINICAL TRIAL REGISTRATION", "registration"],
  ["CONCLUSIONS/SIGNIFICANCE", "conclusions"],
  ["MAIN OUTCOME MEASURES", "methods"],
  ["MAIN OUTCOME MEASURE", "methods"],
  ["METHODS AND FINDINGS", "results"],
  ["METHODS AND RESULTS", "results"],
  ["MATERIALS AND METHODS", "methods"],
  ["MATERIAL AND METHODS", "methods"],
  ["PATIENTS AND METHODS", "methods"],
  ["SETTING AND PARTICIPANTS", "methods"],
  ["SETTING AND PATIENTS", "methods"],
  ["BACKGROUND AND PURPOSE", "background"],
  ["BACKGROUND AND AIMS", "background"],
  ["BACKGROUND & AIMS", "background"],
  ["AUTHORS' CONCLUSIONS", "conclusions"],
  ["TRIAL REGISTRATION", "registration"],
  ["DESIGN AND SETTING", "methods"],
  ["DESIGN AND METHODS", "methods"],
  ["EXPERIMENTAL DESIGN", "methods"],
  ["SELECTION CRITERIA", "methods"],
  ["PURPOSE OF REVIEW", "background"],
  ["OUTCOME MEASURES", "methods"],
  ["STUDY OBJECTIVE", "background"],
  ["SEARCH STRATEGY", "methods"],
  ["STUDY SELECTION", "methods"],
  ["DATA EXTRACTION", "methods"],
  ["DATA SYNTHESIS", "results"],
  ["RECENT FINDINGS", "results"],
  ["INTERPRETATION", "conclusions"],
  ["REVIEW METHODS", "methods"],
  ["INTERVENTIONS", "methods"],
  ["INTERVENTION", "methods"],
  ["MAIN RESULTS", "results"],
  ["DATA SOURCES", "methods"],
  ["MEASUREMENTS", "methods"],
  ["MAIN OUTCOME", "methods"],
  ["PARTICIPANTS", "methods"],
  ["INTRODUCTION", "background"],
  ["SIGNIFICANCE", "conclusions"],
  ["IMPLICATIONS", "conclusions"],
  ["STUDY DESIGN", "methods"],
  ["CONCLUSIONS", "conclusions"],
  ["BACKGROUND", "background"],
  ["CONCLUSION", "conclusions"],
  ["OBJECTIVES", "background"],
  ["IMPORTANCE", "background"],
  ["RATIONALE", "background"],
  ["OBJECTIVE", "background"],
  ["EXPOSURES", "methods"],
  ["SUBJECTS", "methods"],
  ["PATIENTS", "methods"],
  ["FINDINGS", "results"],
  ["PURPOSE", "background"],
  ["CONTEXT", "background"],
  ["METHODS", "methods"],
  ["RESULTS", "results"],
  ["SETTING", "methods"],
  ["FUNDING", "funding"],
  ["METHOD", "methods"],
  ["DESIGN", "methods"],
  ["AIMS", "background"],
];
const LABEL_RE = new RegExp(
  `(?:^|(?<=[.?!)\\]] ))(${LABELS.map(([l]) => l.replace(/[.*+?^${}()|[\]\\/&]/g, "\\$&")).join("|")}):? (?=[A-Z0-9(“"'\\[])`,
  "g",
);
const LABEL_SECTION = new Map(LABELS);

// Words after which a full stop does not end a sentence ("p." as in the protein change "p. His161Arg").
const ABBREVIATIONS = new Set(["al", "p", "vs", "e.g", "i.e", "eg", "ie", "fig", "figs", "approx", "dr", "no", "nos", "st", "ca", "cf", "ref", "refs", "resp", "inc", "ltd", "co", "jr", "sr", "vol", "spp", "sp"]);

/** Split running text into sentences (full stop, question or exclamation mark followed by a space
 * and a capital, digit or opening bracket), not after common abbreviations or initials. */
export function sentences(text) {
  const out = [];
  let start = 0;
  const re = /[.?!]["”’)]?\s+(?=[A-Z0-9“"(\[])/g;
  let m;
  while ((m = re.exec(text))) {
    const before = text.slice(start, m.index);
    const word = (before.match(/([A-Za-z.]+)$/) || [""])[0].replace(/^\./, "").toLowerCase();
    if (text[m.index] === "." && ABBREVIATIONS.has(word)) continue;
    out.push(text.slice(start, m.index + m[0].trimEnd().length).trim());
    start = m.index + m[0].length;
  }
  const rest = text.slice(start).trim();
  if (rest) out.push(rest);
  // A piece with no letter or digit (a stray closing quote) belongs to the sentence before it.
  const merged = [];
  for (const s of out) {
    if (!/[\p{L}\p{N}]/u.test(s) && merged.length) merged[merged.length - 1] += s;
    else if (s.length > 0) merged.push(s);
  }
  return merged;
}

/** Parse an abstract into ordered sections {name, label, sentences}. An abstract without labels is
 * one section named "abstract". */
export function parseAbstract(raw) {
  // A journal citation pasted after the abstract ("… JAMA. 2000;283:3211-3216", "… Ann Neurol
  // 2016;79:929-939.") and a bare trial number at the end are not part of it (the number is
  // kept as the registration).
  const text = raw
    .replace(/\s+[A-Z][A-Za-z. ]{1,30}\.? (?:19|20)\d{2};\d+(?:\(\d+\))?:\d+[-–]\d+\.?$/, "")
    .replace(/\s+NCT\d{8}\.?$/, "");
  const marks = [...text.matchAll(LABEL_RE)].map((m) => ({ at: m.index, end: m.index + m[0].length, label: m[1] }));
  if (marks.length < 2) {
    const plain = marks.length === 1 && marks[0].at === 0 ? text.slice(marks[0].end) : text;
    return { structured: false, sections: [{ name: "abstract", label: null, sentences: sentences(plain) }] };
  }
  const sections = [];
  if (marks[0].at > 0) {
    const lead = text.slice(0, marks[0].at).trim();
    if (lead) sections.push({ name: "background", label: null, sentences: sentences(lead) });
  }
  marks.forEach((mk, i) => {
    const body = text.slice(mk.end, i + 1 < marks.length ? marks[i + 1].at : text.length).trim();
    if (!body) return;
    sections.push({ name: LABEL_SECTION.get(mk.label), label: mk.label, sentences: sentences(body) });
  });
  return { structured: true, sections };
}

/** Sentences of every section with the given name, in order. */
export function sectionSentences(parsed, name) {
  return parsed.sections.filter((s) => s.name === name).flatMap((s) => s.sentences);
}

// Statistics quoted verbatim from a sentence: effect measures with their value, confidence
// intervals, p values, percentages. Used for the "Figures quoted" column of key-result tables.
const FIGURE_RE = new RegExp(
  [
    String.raw`\b(?:adjusted |pooled )?(?:hazard ratio|odds ratio|relative risk|risk ratio|rate ratio|a?HR|a?OR|RR|IRR)\b[^0-9;]{0,12}\d+(?:\.\d+)?`,
    String.raw`\b\d+(?:\.\d+)?\s*\(\s*\d+(?:\.\d+)?\s*(?:-|–|to)\s*\d+(?:\.\d+)?\s*\)`,
    String.raw`\(\s*\d+(?:\.\d+)?\s*[,;]\s*\d+(?:\.\d+)?\s*(?:-|–|to)\s*\d+(?:\.\d+)?\s*\)`,
    String.raw`\b95\s?%\s?(?:CI|confidence interval)(?: \[CI\])?[,:]?\s*(?:=\s*)?\[?-?\d+(?:\.\d+)?\s*(?:-|–|to|,)\s*-?\d+(?:\.\d+)?\]?`,
    String.raw`\b[Pp]\s*(?:[<>=≤≥]|&lt;)\s*0?\.\d+`,
    String.raw`-?\d+(?:\.\d+)?\s?%`,
  ].join("|"),
  "g",
);
export function figures(sentence) {
  return [...sentence.matchAll(FIGURE_RE)].map((m) => m[0].trim());
}

/** Trial registration numbers written in the abstract (ClinicalTrials.gov, ISRCTN). */
export function registrations(text) {
  const found = new Set();
  for (const m of text.matchAll(/\bNCT\d{8}\b/g)) found.add(m[0]);
  for (const m of text.matchAll(/\bISRCTN ?\d{8}\b/g)) found.add(m[0].replace(" ", ""));
  return [...found].sort();
}
