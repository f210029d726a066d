#!/usr/bin/env node
// Builds the demo library, infra/seed/content/library.jsonl (issue 13, point 10), from the SciFact
// abstracts (Wadden et al., EMNLP 2020; abstracts ODC-By 1.0) in ../shared/data/scifact.
//
//   node scripts/build-demo-library.mjs [--data DIR] [--out FILE] [--list]
//
// Deterministic: no clock, no randomness (choices come from a hash of the document id), the
// corpus read in file order. The same corpus gives the same bytes; tests/infra/demo-library.test.mjs
// re-runs it and compares. The first 13 lines are the portal's original demo items (their slugs are
// used by tests and search seeding); German versions are the medportal authors' translations in
// scripts/demo-library/de.mjs. See infra/seed/content/README.md for provenance and attribution.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { figures, parseAbstract, registrations } from "./demo-library/abstract.mjs";
import { AREAS, SPECIALTIES, classifyArea, eligible, findIndication, findPhase, findProduct, markupSafe } from "./demo-library/classify.mjs";
import { AREA_OVERRIDES, FAQ, GUIDELINES, PRODUCT_DOSSIERS, PRODUCT_OVERRIDES, SAFETY, SERIES } from "./demo-library/curation.mjs";
import { DEMO_ITEMS } from "./demo-library/demo-items.mjs";
import { GERMAN } from "./demo-library/de.mjs";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const DEFAULT_DATA = resolve(ROOT, "../shared/data/scifact");
export const DEFAULT_OUT = join(ROOT, "infra/seed/content/library.jsonl");
/** Dates are relative to this day, not to the clock. */
export const REFERENCE_DATE = "2026-12-01";
/** SciFact items per area (English versions). */
export const QUOTAS = { cardiology: 48, oncology: 44, infectious_disease: 44, diabetes_endocrinology: 36, neurology: 30, respiratory: 24, immunology: 8 };
export const SOURCE = "SciFact (Wadden et al., 2020), ODC-By 1.0";

// ---- small deterministic helpers ---------------------------------------------------------------

/** FNV-1a 32-bit of a string: the only source of variety. */
export function hash(s) {
  let h = 0x811c9dc5;
  for (const c of Buffer.from(s, "utf8")) {
    h ^= c;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function addDays(iso, days) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function slugify(s, max = 72) {
  const base = s
    .toLowerCase()
    .replace(/ä/g, "ae").replace(/ö/g, "oe").replace(/ü/g, "ue").replace(/ß/g, "ss")
    .normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  if (base.length <= max) return base;
  const cut = base.slice(0, max + 1);
  return cut.slice(0, cut.lastIndexOf("-") > 20 ? cut.lastIndexOf("-") : max).replace(/-+$/, "");
}

/** Text safe for medmark: no character the markup would read as emphasis. */
function plain(s) {
  return s.replace(/\*/g, "∗");
}

function cleanTitle(t) {
  return plain(t.trim().replace(/\s+/g, " ").replace(/\.$/, ""));
}

// ---- corpus ------------------------------------------------------------------------------------

export function loadCorpus(dir = DEFAULT_DATA) {
  const file = join(dir, "corpus.jsonl");
  return readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

// ---- labels (English / German) ------------------------------------------------------------------

const T = {
  en: {
    lead: (id) => `*Summary of the publication cited in the references, adapted from its abstract (SciFact corpus document ${id}). It reports only what the abstract states.*`,
    background: "Background", methods: "Methods", results: "Results", conclusions: "Conclusions",
    abstract: "What the abstract reports", registration: "Trial registration",
    design: "Trial design", keyResults: "Key results", authors: "Authors' conclusions",
    resultCol: "Result reported in the abstract", figuresCol: "Figures quoted",
    safetyAbout: "About this communication",
    safetyLead: (id) => `This safety communication summarises a published study (SciFact corpus document ${id}, cited in the references). It restates what the study's abstract reports. It is not a regulatory notice and does not replace the prescribing information.`,
    studied: "What was studied", found: "What was found",
    reporting: "Reporting suspected adverse reactions",
    reportingText: "Report suspected adverse reactions to your national authority (for example FDA MedWatch in the United States, the Yellow Card scheme in the United Kingdom, or the BfArM in Germany) or to the marketing authorisation holder.",
    product: "Product", generic: "Generic name", brand: "Brand name",
    brandNote: "brand names differ between markets", noBrand: "not named here",
    evidence: "Evidence from the cited publication",
    piHeading: "Prescribing information",
    piText: "This product dossier entry summarises one publication. Indications, dosing, contraindications and warnings are those of the approved prescribing information for your market (for example the SmPC in the EU and the UK, or the US prescribing information); they are not reproduced here.",
    shortAnswer: "Short answer", concludes: "The publication cited in the references concludes:",
    did: "What the study did", itFound: "What it found", note: "Please note",
    notePublic: "This answer summarises a single publication and is not medical advice. Please talk to your doctor or pharmacist about your own situation.",
    noteHcp: "This answer summarises a single publication; weigh it together with current guidelines.",
    scope: "Scope", development: "How the document was developed", keyPoints: "Key points", using: "Using this summary",
    usingText: "This is a summary of the abstract of the published guideline or statement cited in the references. Read the full document and the current national guidance before applying it.",
    summary: "Summary", keyData: "Key data", references: "References", nextStep: "Next step",
    next: (n, series, title) => `Continue with module ${n} of the series “${series}”: *${title}*.`,
    last: (series, first) => `This is the last module of the series “${series}”. To review, start again with module 1: *${first}*.`,
    corpusDoc: (id) => `SciFact corpus document ${id}`,
  },
  de: {
    lead: (id) => `*Zusammenfassung der in den Quellenangaben zitierten Publikation, erstellt aus ihrem Abstract (SciFact-Korpus, Dokument ${id}). Sie gibt nur wieder, was das Abstract aussagt.*`,
    background: "Hintergrund", methods: "Methoden", results: "Ergebnisse", conclusions: "Schlussfolgerungen",
    abstract: "Was das Abstract berichtet", registration: "Studienregistrierung",
    design: "Studiendesign", keyResults: "Wichtigste Ergebnisse", authors: "Schlussfolgerungen der Autoren",
    resultCol: "Ergebnis laut Abstract", figuresCol: "Zitierte Zahlen",
    safetyAbout: "Zu dieser Mitteilung",
    safetyLead: (id) => `Diese Sicherheitsmitteilung fasst eine veröffentlichte Studie zusammen (SciFact-Korpus, Dokument ${id}, in den Quellenangaben zitiert). Sie gibt wieder, was das Abstract der Studie berichtet. Sie ist keine behördliche Mitteilung und ersetzt nicht die Fachinformation.`,
    studied: "Was untersucht wurde", found: "Was gefunden wurde",
    reporting: "Verdachtsfälle von Nebenwirkungen melden",
    reportingText: "Melden Sie Verdachtsfälle von Nebenwirkungen an die zuständige Behörde (in Deutschland an das BfArM oder das Paul-Ehrlich-Institut) oder an den Zulassungsinhaber.",
    product: "Produkt", generic: "Wirkstoff", brand: "Handelsname",
    brandNote: "Handelsnamen unterscheiden sich zwischen Märkten", noBrand: "hier nicht genannt",
    evidence: "Evidenz aus der zitierten Publikation",
    piHeading: "Fachinformation",
    piText: "Dieser Eintrag im Produktdossier fasst eine Publikation zusammen. Anwendungsgebiete, Dosierung, Gegenanzeigen und Warnhinweise richten sich nach der zugelassenen Fachinformation Ihres Marktes; sie werden hier nicht wiedergegeben.",
    shortAnswer: "Kurze Antwort", concludes: "Die in den Quellenangaben zitierte Publikation kommt zu dem Schluss:",
    did: "Was die Studie untersucht hat", itFound: "Was sie gefunden hat", note: "Bitte beachten",
    notePublic: "Diese Antwort fasst eine einzelne Publikation zusammen und ist keine medizinische Beratung. Bitte sprechen Sie über Ihre persönliche Situation mit Ihrer Ärztin, Ihrem Arzt oder in der Apotheke.",
    noteHcp: "Diese Antwort fasst eine einzelne Publikation zusammen; bewerten Sie sie zusammen mit den aktuellen Leitlinien.",
    scope: "Geltungsbereich", development: "Wie das Dokument entstand", keyPoints: "Kernaussagen", using: "Hinweise zur Nutzung",
    usingText: "Dies ist eine Zusammenfassung des Abstracts der in den Quellenangaben zitierten Leitlinie oder Stellungnahme. Lesen Sie vor der Anwendung das vollständige Dokument und die aktuellen nationalen Empfehlungen.",
    summary: "Zusammenfassung", keyData: "Wichtige Daten", references: "Literatur", nextStep: "Nächster Schritt",
    next: (n, series, title) => `Weiter mit Modul ${n} der Reihe „${series}“: *${title}*.`,
    last: (series, first) => `Dies ist das letzte Modul der Reihe „${series}“. Zur Wiederholung beginnen Sie erneut mit Modul 1: *${first}*.`,
    corpusDoc: (id) => `SciFact-Korpus, Dokument ${id}`,
  },
};

// ---- body builders ----------------------------------------------------------------------------

const para = (ss) => ss.join(" ");
/** Sentences grouped into paragraphs of at most three. */
const paras = (ss) => {
  const out = [];
  for (let i = 0; i < ss.length; i += 3) out.push(para(ss.slice(i, i + 3)));
  return out.join("\n\n");
};
const bullets = (ss) => ss.map((s) => `- ${s}`).join("\n");
const section = (h, text) => (text ? `## ${h}\n\n${text}\n` : "");
const cell = (s) => s.replace(/\|/g, "/");

/** The parts of an abstract by role, as sentence indices into the flat sentence list. */
export function outline(parsed) {
  const flat = [];
  const idx = { background: [], methods: [], results: [], conclusions: [], abstract: [] };
  for (const sec of parsed.sections) {
    for (const s of sec.sentences) {
      if (sec.name === "funding" || sec.name === "registration") continue;
      idx[sec.name].push(flat.length);
      flat.push(s);
    }
  }
  if (!parsed.structured) {
    const n = idx.abstract.length;
    idx.lead = idx.abstract.slice(0, 1);
    idx.middle = idx.abstract.slice(1, Math.max(1, n - 1));
    idx.last = idx.abstract.slice(Math.max(1, n - 1));
  }
  return { flat, idx, structured: parsed.structured };
}

/** Sentence indices that make the item's summary: the conclusion (or the abstract's last
 * sentence), at most two sentences and about 400 characters. */
export function summaryIndices(o) {
  const pool = o.structured ? (o.idx.conclusions.length ? o.idx.conclusions : o.idx.results.slice(-1)) : o.idx.last;
  const out = [];
  let len = 0;
  for (const i of pool) {
    if (out.length && (out.length >= 2 || len + o.flat[i].length > 400)) break;
    out.push(i);
    len += o.flat[i].length;
  }
  return out;
}

function registrationBlock(L, regs) {
  if (!regs.length) return "";
  const link = (r) => (r.startsWith("NCT") ? `[ClinicalTrials.gov ${r}](https://clinicaltrials.gov/study/${r})` : `[${r}](https://www.isrctn.com/${r})`);
  return section(L.registration, bullets(regs.map(link)));
}

/** Results as a table, every result sentence in the abstract's order with the figures it quotes;
 * plain paragraphs when no sentence quotes a figure. */
function keyResults(L, S, o) {
  const quoted = (i) => figures(o.flat[i]);
  if (!o.idx.results.some((i) => quoted(i).length)) return paras(o.idx.results.map(S));
  const rows = o.idx.results.map((i) => `| ${cell(S(i))} | ${cell(quoted(i).join("; ") || "–")} |`);
  return [`| ${L.resultCol} | ${L.figuresCol} |`, "|---|---|", ...rows].join("\n");
}

/** Body text of one item in one language. S(i) gives sentence i in that language. */
export function buildBody({ type, lang, docId, o, S, audience, product, regs, series, refLabel, genericName }) {
  const L = T[lang];
  const X = (k) => o.idx[k].map(S);
  const parts = [];
  const structuredPublication = () => {
    parts.push(section(L.background, paras(X("background"))), section(L.methods, paras(X("methods"))), section(L.results, paras(X("results"))), section(L.conclusions, paras(X("conclusions"))));
  };
  switch (type) {
    case "publication":
      parts.push(`${L.lead(docId)}\n`);
      if (o.structured) structuredPublication();
      else parts.push(section(L.abstract, paras(X("abstract"))));
      parts.push(registrationBlock(L, regs));
      break;
    case "trial_summary":
      parts.push(`${L.lead(docId)}\n`);
      parts.push(section(L.background, paras(X("background"))), section(L.design, paras(X("methods"))), section(L.keyResults, keyResults(L, S, o)), section(L.authors, paras(X("conclusions"))), registrationBlock(L, regs));
      break;
    case "safety_communication":
      parts.push(section(L.safetyAbout, L.safetyLead(docId)));
      if (o.structured) parts.push(section(L.studied, paras([...X("background"), ...X("methods")])), section(L.found, paras(X("results"))), section(L.authors, paras(X("conclusions"))));
      else parts.push(section(L.abstract, paras(X("abstract"))));
      parts.push(section(L.reporting, L.reportingText));
      break;
    case "prescribing_information": {
      const brand = product.brand ? `${product.brand} (${L.brandNote})` : L.noBrand;
      parts.push(section(L.product, bullets([`**${L.generic}:** ${genericName || product.generic}`, `**${L.brand}:** ${brand}`])));
      parts.push(`${L.lead(docId)}\n`);
      if (o.structured) parts.push(section(L.evidence, paras([...X("background"), ...X("methods")])), section(L.results, paras(X("results"))), section(L.authors, paras(X("conclusions"))));
      else parts.push(section(L.evidence, paras(X("abstract"))));
      parts.push(section(L.piHeading, L.piText));
      break;
    }
    case "faq_answer": {
      parts.push(section(L.shortAnswer, `${L.concludes}\n\n${paras(o.answer.map(S))}`));
      if (o.structured) parts.push(section(L.did, paras([...X("background"), ...X("methods")])), section(L.itFound, paras(X("results"))));
      else parts.push(section(L.abstract, paras(X("abstract"))));
      parts.push(section(L.note, audience === "public" ? L.notePublic : L.noteHcp));
      break;
    }
    case "guideline_summary":
      parts.push(`${L.lead(docId)}\n`);
      if (o.structured) parts.push(section(L.scope, paras(X("background"))), section(L.development, paras(X("methods"))), section(L.keyPoints, bullets([...X("results"), ...X("conclusions")])));
      else parts.push(section(L.scope, paras(o.idx.lead.map(S))), section(L.keyPoints, bullets([...o.idx.middle, ...o.idx.last].map(S))));
      parts.push(section(L.using, L.usingText));
      break;
    case "educational_module": {
      const summary = o.structured ? [...X("background").slice(0, 2), ...X("conclusions")] : [...o.idx.lead, ...o.idx.last].map(S);
      const dataIdx = o.structured ? o.idx.results : o.idx.middle;
      const withFigures = dataIdx.filter((i) => /\d/.test(o.flat[i]));
      const keyData = (withFigures.length ? withFigures : dataIdx).map(S);
      parts.push(`${L.lead(docId)}\n`);
      parts.push(section(L.summary, paras(summary)), section(L.keyData, bullets(keyData)), section(L.references, bullets([refLabel])));
      parts.push(section(L.nextStep, series.next ? L.next(series.position + 1, series.title, series.next) : L.last(series.title, series.first)));
      break;
    }
    default:
      throw new Error(`unknown type ${type}`);
  }
  return parts.filter(Boolean).join("\n");
}

// ---- types, titles, audience, markets, states, dates -----------------------------------------------

function chooseType(doc, o, product) {
  const id = doc._id;
  if (GUIDELINES.includes(id)) return "guideline_summary";
  if (SERIES.some((s) => s.docs.includes(id))) return "educational_module";
  if (Object.hasOwn(FAQ, id)) return "faq_answer";
  if (SAFETY.includes(id)) return "safety_communication";
  if (PRODUCT_DOSSIERS.includes(id)) {
    if (!product) throw new Error(`product dossier ${id} names no product`);
    return "prescribing_information";
  }
  const title = doc.title;
  const rows = o.idx.results.filter((i) => figures(o.flat[i]).length > 0);
  if (o.structured && /randomi[sz]ed|placebo-controlled|\btrial\b/i.test(title) && !/meta-analys|systematic review|pooled|design of|rationale|baseline characteristics/i.test(title) && rows.length && o.idx.conclusions.length) return "trial_summary";
  return "publication";
}

function chooseAudience(type, product, id) {
  if (["trial_summary", "prescribing_information", "safety_communication"].includes(type) || product) return "hcp";
  const h = hash(`audience:${id}`) % 10;
  if (type === "faq_answer") return h < 7 ? "public" : "hcp";
  if (type === "guideline_summary") return h < 3 ? "public" : "hcp";
  return h < 2 ? "public" : "hcp";
}

const MARKET_PATTERNS = [
  [30, ["INTL"]], [45, ["US"]], [57, ["GB"]], [62, ["DE"]], [77, ["US", "GB"]], [87, ["DE", "GB"]], [100, ["US", "DE", "GB"]],
];
function chooseMarkets(id) {
  const h = hash(`markets:${id}`) % 100;
  return MARKET_PATTERNS.find(([upTo]) => h < upTo)[1];
}

const WITHDRAW_REASONS = [
  "Withdrawn by medical affairs: replaced by an updated summary of the evidence.",
  "Withdrawn after legal review: the summary is not aligned with the local prescribing information in the listed markets.",
  "Withdrawn at the author's request: the item duplicated another library entry.",
  "Withdrawn after regulatory review: the content no longer fits the market's rules for scientific exchange.",
];
const STATE_BANDS = [[5, "draft"], [10, "in_review"], [14, "approved"], [20, "expired"], [23, "withdrawn"], [100, "published"]];
function chooseState(id) {
  const h = hash(`state:${id}`) % 100;
  return STATE_BANDS.find(([upTo]) => h < upTo)[1];
}

/** reviewed_on / expires_on for a state, relative to REFERENCE_DATE. Drafts and items in review
 * have not been reviewed yet: both dates are null. Reviews last a year. */
export function datesFor(state, id) {
  const h = hash(`dates:${id}`);
  let back;
  switch (state) {
    case "draft":
    case "in_review":
      return { reviewed_on: null, expires_on: null };
    case "approved": back = 1 + (h % 30); break;
    case "expired": back = 370 + (h % 330); break;
    case "withdrawn": back = 60 + (h % 240); break;
    // 1 in 8 published items expires 10 to 30 days after the reference date (not sooner: the
    // clock that imports them may be a few days past it), the others later.
    default: back = h % 8 === 0 ? 335 + (h % 21) : 20 + (h % 300);
  }
  const reviewed = addDays(REFERENCE_DATE, -back);
  return { reviewed_on: reviewed, expires_on: addDays(reviewed, 365) };
}

// ---- assembling -------------------------------------------------------------------------------

function reference(doc, lang) {
  const ref = { label: `${cleanTitle(doc.title)} (${T[lang].corpusDoc(doc._id)})` };
  // A DOI only where the abstract itself states the article's own DOI (none invented).
  const doi = (doc.text.match(/\bdoi:\s?(10\.\d{4,}\/[^\s)]+[^\s).,])/i) || [])[1];
  if (doi) ref.doi = doi;
  return ref;
}

/** Select the SciFact documents: eligible, classified, per-area quota; curated ones first. */
export function selectDocuments(docs) {
  const curatedIds = new Set([...GUIDELINES, ...SAFETY, ...PRODUCT_DOSSIERS, ...Object.keys(FAQ), ...SERIES.flatMap((s) => s.docs), ...Object.keys(GERMAN)]);
  const byArea = Object.fromEntries(AREAS.map((a) => [a, []]));
  for (const doc of docs) {
    if (!(eligible(doc) || (curatedIds.has(doc._id) && markupSafe(doc)))) continue;
    const area = Object.hasOwn(AREA_OVERRIDES, doc._id) ? AREA_OVERRIDES[doc._id] : classifyArea(doc);
    if (!area) continue;
    byArea[area].push(doc);
  }
  const chosen = [];
  for (const area of AREAS) {
    const ranked = byArea[area]
      .map((doc) => ({ doc, structured: parseAbstract(doc.text).structured, curated: curatedIds.has(doc._id) }))
      .sort((a, b) => Number(b.curated) - Number(a.curated) || Number(b.structured) - Number(a.structured) || hash(a.doc._id) - hash(b.doc._id) || a.doc._id.localeCompare(b.doc._id));
    for (const r of ranked.slice(0, QUOTAS[area])) chosen.push({ doc: r.doc, area });
  }
  const missing = [...curatedIds].filter((id) => !chosen.some((c) => c.doc._id === id));
  if (missing.length) throw new Error(`curated documents not selected (not markup-safe, no area, or over quota): ${missing.join(", ")}`);
  return chosen;
}

export function buildLibrary(docs) {
  const selected = selectDocuments(docs);
  const seriesOf = new Map();
  for (const s of SERIES) s.docs.forEach((id, i) => seriesOf.set(id, { s, i }));
  const slugs = new Set(DEMO_ITEMS.map((it) => it.slug));
  const uniqueSlug = (base, id) => {
    let slug = base;
    if (slugs.has(slug)) slug = `${base}-${id}`;
    slugs.add(slug);
    return slug;
  };

  // First pass: everything that does not depend on other items.
  const items = selected.map(({ doc, area }) => {
    const parsed = parseAbstract(doc.text);
    const o = outline(parsed);
    const product = Object.hasOwn(PRODUCT_OVERRIDES, doc._id) ? PRODUCT_OVERRIDES[doc._id] : findProduct(doc);
    const ser = seriesOf.get(doc._id);
    const type = chooseType(doc, o, product);
    const faq = typeof FAQ[doc._id] === "string" ? { q: FAQ[doc._id] } : FAQ[doc._id];
    if (type === "faq_answer" && !o.structured && !faq.answer) throw new Error(`FAQ ${doc._id}: an abstract without sections needs answer sentences`);
    // The sentences that summarise the item (and answer an FAQ).
    o.answer = faq?.answer ?? summaryIndices(o);
    const title = type === "faq_answer" ? faq.q : cleanTitle(doc.title);
    return { doc, area, o, product, ser, type, title, slug: uniqueSlug(slugify(title), doc._id) };
  });
  const itemById = new Map(items.map((it) => [it.doc._id, it]));

  const out = [...DEMO_ITEMS];
  const ordered = [...items].sort((a, b) => AREAS.indexOf(a.area) - AREAS.indexOf(b.area) || (a.ser ? 0 : 1) - (b.ser ? 0 : 1) || (a.ser && b.ser ? a.ser.s.id.localeCompare(b.ser.s.id) || a.ser.i - b.ser.i : 0) || a.doc._id.localeCompare(b.doc._id, "en", { numeric: true }));
  for (const it of ordered) {
    const { doc, o, type } = it;
    const id = doc._id;
    const regs = registrations(doc.text);
    const audience = it.ser ? it.ser.s.audience : chooseAudience(type, it.product, id);
    const state = it.ser || GERMAN[id] ? (hash(`state:${id}`) % 10 === 0 ? "approved" : "published") : chooseState(id);
    const seriesFor = (lang) => {
      if (!it.ser) return null;
      const { s, i } = it.ser;
      const titleOf = (docId) => (lang === "de" ? GERMAN[docId].title : itemById.get(docId).title);
      return { id: s.id, title: s.title[lang], position: i + 1, next: i + 1 < s.docs.length ? titleOf(s.docs[i + 1]) : null, first: titleOf(s.docs[0]) };
    };
    const en = {
      family: it.slug,
      slug: it.slug,
      language: "en",
      type,
      title: it.title,
      summary: o.answer.map((i) => plain(o.flat[i])).join(" "),
      body: buildBody({ type, lang: "en", docId: id, o, S: (i) => plain(o.flat[i]), audience, product: it.product, regs, series: seriesFor("en"), refLabel: reference(doc, "en").label }),
      references: [reference(doc, "en"), ...regs.map((r) => ({ label: r.startsWith("NCT") ? `ClinicalTrials.gov ${r}` : r }))],
      taxonomy: {
        area: it.area,
        product: it.product,
        indication: findIndication(it.area, doc),
        phase: findPhase(doc),
        specialties: SPECIALTIES[it.area],
        audience,
      },
      // A family with a German version serves Germany in German: its English version drops DE.
      markets: GERMAN[id] ? chooseMarkets(id).filter((m) => m !== "DE") : chooseMarkets(id),
      ...datesFor(state, id),
      state,
      withdraw_reason: state === "withdrawn" ? WITHDRAW_REASONS[hash(`reason:${id}`) % WITHDRAW_REASONS.length] : null,
      series: it.ser ? (({ id: sid, title, position }) => ({ id: sid, title, position }))(seriesFor("en")) : null,
      // The portal's home page features items flagged here; only the original demo items are.
      featured: false,
      provenance: { source: SOURCE, doc_id: id, adapted: adaptedNote(type) },
    };
    if (en.markets.length === 0) en.markets = ["INTL"];
    out.push(en);
    const de = GERMAN[id];
    if (de) out.push(german(en, de, it, seriesFor("de"), regs, uniqueSlug(slugify(de.title), `${id}-de`)));
  }
  return out;
}

function adaptedNote(type) {
  const what = {
    publication: "a publication summary",
    trial_summary: "a trial summary (key-result table quoting the abstract's figures)",
    safety_communication: "a safety communication",
    prescribing_information: "a product dossier entry",
    faq_answer: "an FAQ answer (question written by the medportal authors)",
    guideline_summary: "a guideline summary",
    educational_module: "an educational module",
  }[type];
  return `title and sentences taken from the abstract, arranged by scripts/build-demo-library.mjs into ${what}; framing text written by the medportal authors`;
}

function german(en, de, it, series, regs, slug) {
  const { o, doc } = it;
  if (de.sentences.length !== o.flat.length) throw new Error(`German text for ${doc._id}: ${de.sentences.length} sentences, English has ${o.flat.length}`);
  if (en.type === "trial_summary") throw new Error(`German text for ${doc._id}: trial summaries are not translated (their tables quote English figures)`);
  const S = (i) => plain(de.sentences[i]);
  const state = hash(`state-de:${doc._id}`) % 8 === 0 && en.state === "published" ? "in_review" : en.state;
  return {
    ...en,
    slug,
    language: "de",
    title: de.title,
    summary: o.answer.map(S).join(" "),
    body: buildBody({ type: en.type, lang: "de", docId: doc._id, o, S, audience: en.taxonomy.audience, product: en.taxonomy.product, regs, series, refLabel: reference(doc, "de").label, genericName: de.generic }),
    references: [reference(doc, "de"), ...en.references.slice(1)],
    markets: ["DE"],
    ...(state === en.state ? {} : datesFor(state, doc._id)),
    state,
    series: series ? { id: series.id, title: series.title, position: series.position } : null,
    provenance: { source: SOURCE, doc_id: doc._id, adapted: "German translation of the English version, written by the medportal authors" },
  };
}

export function toJsonl(items) {
  return items.map((it) => JSON.stringify(it)).join("\n") + "\n";
}

// ---- command line -------------------------------------------------------------------------------

function main(argv) {
  const arg = (name, dflt) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : dflt;
  };
  const data = resolve(arg("--data", DEFAULT_DATA));
  const outFile = resolve(arg("--out", DEFAULT_OUT));
  if (!existsSync(join(data, "corpus.jsonl"))) {
    console.error(`build-demo-library: ${join(data, "corpus.jsonl")} not found (the SciFact corpus sits in ../shared/data/scifact beside the clone; --data DIR to point elsewhere)`);
    process.exit(2);
  }
  const items = buildLibrary(loadCorpus(data));
  if (argv.includes("--list")) {
    for (const it of items) console.log([it.provenance.doc_id ?? "-", it.language, it.taxonomy.area, it.type, it.state, it.markets.join(","), it.title.slice(0, 110)].join("\t"));
    return;
  }
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, toJsonl(items));
  console.log(`build-demo-library: ${items.length} lines → ${outFile}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
