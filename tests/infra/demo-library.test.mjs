// The demo library (issue 13, point 10): infra/seed/content/library.jsonl, built by
// scripts/build-demo-library.mjs from the SciFact abstracts in ../shared/data/scifact.
// Checks the committed file against the exchange format (ARCHITECTURE: helper brief), the medmark
// subset, the counts the issue asks for, and that re-running the generator gives the same bytes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(fileURLToPath(import.meta.url), "../../..");
const LIBRARY = join(ROOT, "infra/seed/content/library.jsonl");
const GENERATOR = join(ROOT, "scripts/build-demo-library.mjs");
// SCIFACT_DIR points elsewhere (CI clones sit beside ../shared, so the default normally exists).
const SCIFACT = resolve(process.env.SCIFACT_DIR ?? join(ROOT, "../shared/data/scifact"));
const SYNONYMS = join(ROOT, "shared/search-index/data/synonyms.txt");
const REFERENCE_DATE = "2026-12-01";

const TYPES = ["trial_summary", "publication", "safety_communication", "prescribing_information", "faq_answer", "guideline_summary", "educational_module"];
const STATES = ["draft", "in_review", "approved", "published", "expired", "withdrawn"];
const LANGUAGES = ["en", "de"];
const AREAS = ["cardiology", "oncology", "infectious_disease", "diabetes_endocrinology", "neurology", "respiratory", "immunology", "general"];
// The brief's fields plus `featured` (the home page's flag, read by the content importer).
const KEYS = ["family", "slug", "language", "type", "title", "summary", "body", "references", "taxonomy", "markets", "reviewed_on", "expires_on", "state", "withdraw_reason", "series", "featured", "provenance"].sort();
const DEMO_SLUGS = [
  "metformin-type-2-diabetes-efficacy", "apixaban-aristotle-trial-summary", "semaglutide-gastrointestinal-adverse-events",
  "empagliflozin-hfref-emperor-reduced", "atorvastatin-dosing-renal-hepatic-impairment", "pembrolizumab-immune-related-adverse-events",
  "how-to-report-a-suspected-adverse-reaction", "hypertension-first-line-drug-classes", "levothyroxine-absorption-interactions",
  "adalimumab-injection-site-reactions", "metformin-typ-2-diabetes-wirksamkeit", "vermutete-nebenwirkung-melden",
  "apixaban-aristotle-studie-zusammenfassung",
];
const MODULE_SECTIONS = {
  en: ["Summary", "Key data", "References", "Next step"],
  de: ["Zusammenfassung", "Wichtige Daten", "Literatur", "Nächster Schritt"],
};

const lines = () => readFileSync(LIBRARY, "utf8").split("\n").filter(Boolean);
const items = () => lines().map((l) => JSON.parse(l));

// ---- medmark: the body markup subset ----------------------------------------------------------

/** Problems of a body against medmark: `## `/`### ` headings, paragraphs, `- ` and `1. ` items,
 * tables (header, `|---|` separator, rows of the same width), `*emphasis*`, `**strong**`,
 * `[text](https://…)` links; never raw HTML. Returns a list of messages (empty when valid). */
function medmarkProblems(body) {
  const problems = [];
  if (/<[a-zA-Z/!?]/.test(body)) problems.push("raw HTML tag");
  if (/&[a-zA-Z#][a-zA-Z0-9]*;/.test(body)) problems.push("HTML entity");
  if (/\r/.test(body)) problems.push("carriage return");
  for (const m of body.matchAll(/\[([^\]]*)\]\(([^)]*)\)/g)) {
    if (!/^https:\/\/[^\s/]+\.[^\s]+$/.test(m[2])) problems.push(`link not https: ${m[2]}`);
    if (!m[1].trim()) problems.push("link without text");
  }
  if (/\]\((?!https:\/\/)/.test(body)) problems.push("link target not https");
  const ls = body.split("\n");
  for (let i = 0; i < ls.length; i++) {
    const l = ls[i];
    if (/^#/.test(l) && !/^#{2,3} \S/.test(l)) problems.push(`heading level not ## or ###: ${l.slice(0, 40)}`);
    if (/^\s+\S/.test(l)) problems.push(`indented line (nested lists are not medmark): ${l.slice(0, 40)}`);
    if ((l.replace(/\*\*/g, "").match(/\*/g) || []).length % 2) problems.push(`unbalanced *: ${l.slice(0, 60)}`);
    if ((l.match(/\*\*/g) || []).length % 2) problems.push(`unbalanced **: ${l.slice(0, 60)}`);
    if (l.startsWith("|")) {
      const width = (row) => row.split("|").length - 2;
      const start = i === 0 || !ls[i - 1].startsWith("|");
      if (start) {
        if (!/^\|$|^\|.*\|$/.test(l) || !/^\|(?:-{3,}\|)+$/.test(ls[i + 1] || "")) problems.push(`table without separator row: ${l.slice(0, 40)}`);
        else if (width(ls[i + 1]) !== width(l)) problems.push("table separator width differs from header");
      } else if (!/^\|.*\|$/.test(l)) problems.push(`table row not closed: ${l.slice(0, 40)}`);
      else {
        let h = i;
        while (h > 0 && ls[h - 1].startsWith("|")) h--;
        if (width(l) !== width(ls[h])) problems.push(`table row width differs: ${l.slice(0, 40)}`);
      }
    }
  }
  return problems;
}

test("the medmark check itself rejects what it must", () => {
  assert.deepEqual(medmarkProblems("## Title\n\nText with *em* and **strong** and [a](https://doi.org/10.1/x).\n\n- one\n1. two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"), []);
  assert.match(medmarkProblems("<script>x</script>").join(), /raw HTML/);
  assert.match(medmarkProblems("[x](http://example.com)").join(), /not https/);
  assert.match(medmarkProblems("[x](javascript:alert(1))").join(), /not https/);
  assert.match(medmarkProblems("# Top heading").join(), /heading level/);
  assert.match(medmarkProblems("#### Deep heading").join(), /heading level/);
  assert.match(medmarkProblems("| a | b |\n| 1 | 2 |").join(), /separator/);
  assert.match(medmarkProblems("| a | b |\n|---|---|\n| 1 |").join(), /width/);
  assert.match(medmarkProblems("a *b").join(), /unbalanced/);
  assert.match(medmarkProblems("- a\n  - nested").join(), /indented/);
  assert.match(medmarkProblems("a &amp; b").join(), /entity/);
});

// ---- the format --------------------------------------------------------------------------------

const isDate = (s) => typeof s === "string" && /^\d{4}-\d{2}-\d{2}$/.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;
const addDays = (iso, n) => new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);

test("every line is one JSON object in the exchange format", () => {
  const all = items();
  const slugs = new Set();
  const familyLanguages = new Set();
  for (const [n, it] of all.entries()) {
    const where = `line ${n + 1} (${it.slug})`;
    assert.deepEqual(Object.keys(it).sort(), KEYS, where);
    assert.match(it.slug, /^[a-z0-9]+(?:-[a-z0-9]+)*$/, where);
    assert.ok(it.slug.length <= 80, `${where}: slug too long`);
    assert.ok(!slugs.has(it.slug), `${where}: duplicate slug`);
    slugs.add(it.slug);
    assert.match(it.family, /^[a-z0-9]+(?:-[a-z0-9]+)*$/, where);
    assert.ok(!familyLanguages.has(`${it.family}/${it.language}`), `${where}: two ${it.language} versions of ${it.family}`);
    familyLanguages.add(`${it.family}/${it.language}`);
    assert.ok(LANGUAGES.includes(it.language), where);
    assert.ok(TYPES.includes(it.type), `${where}: type ${it.type}`);
    assert.ok(STATES.includes(it.state), `${where}: state ${it.state}`);
    for (const k of ["title", "summary", "body"]) assert.ok(typeof it[k] === "string" && it[k].trim().length > 0, `${where}: empty ${k}`);
    assert.ok(!/[\n<]/.test(it.title) && !/\n/.test(it.summary), `${where}: title/summary must be one plain line`);
    // The content function's limits (Draft::validate): title ≤ 300, summary ≤ 3,000, body ≤ 100,000 bytes.
    assert.ok(Buffer.byteLength(it.title) <= 300 && Buffer.byteLength(it.summary) <= 3000 && Buffer.byteLength(it.body) <= 100_000, `${where}: too long`);
    assert.equal(typeof it.featured, "boolean", where);
    assert.deepEqual(medmarkProblems(it.body), [], `${where}: body`);
    assert.ok(Array.isArray(it.references), where);
    for (const r of it.references) {
      assert.ok(typeof r.label === "string" && r.label.length > 0 && Buffer.byteLength(r.label) <= 500, `${where}: reference label`);
      assert.deepEqual(Object.keys(r).filter((k) => !["label", "doi", "pmid"].includes(k)), [], `${where}: reference keys`);
      if ("doi" in r) assert.match(r.doi, /^10\.\d{4,9}\/\S+$/, where);
      if ("pmid" in r) assert.match(r.pmid, /^\d{1,9}$/, where);
    }
    const tx = it.taxonomy;
    assert.deepEqual(Object.keys(tx).sort(), ["area", "audience", "indication", "phase", "product", "specialties"], where);
    assert.ok(AREAS.includes(tx.area), `${where}: area ${tx.area}`);
    assert.ok(["hcp", "public"].includes(tx.audience), where);
    assert.ok(tx.indication === null || (typeof tx.indication === "string" && tx.indication.length > 0), where);
    assert.ok(tx.phase === null || ["1", "2", "3", "4"].includes(tx.phase), `${where}: phase ${tx.phase}`);
    assert.ok(Array.isArray(tx.specialties) && tx.specialties.length > 0 && tx.specialties.every((s) => /^[a-z]+(?:-[a-z]+)*$/.test(s)), where);
    if (tx.product !== null) {
      assert.deepEqual(Object.keys(tx.product).sort(), ["brand", "generic"], where);
      assert.ok(typeof tx.product.generic === "string" && tx.product.generic === tx.product.generic.toLowerCase(), where);
      assert.ok(tx.product.brand === null || typeof tx.product.brand === "string", where);
    }
    assert.ok(Array.isArray(it.markets) && it.markets.length > 0, where);
    assert.equal(new Set(it.markets).size, it.markets.length, `${where}: repeated market`);
    for (const m of it.markets) assert.ok(m === "INTL" || /^[A-Z]{2}$/.test(m), `${where}: market ${m}`);
    // Dates: a draft or an item in review has not been reviewed yet; everything else has both.
    if (it.state === "draft" || it.state === "in_review") {
      assert.ok((it.reviewed_on === null && it.expires_on === null) || (isDate(it.reviewed_on) && isDate(it.expires_on)), `${where}: dates`);
    } else {
      assert.ok(isDate(it.reviewed_on) && isDate(it.expires_on), `${where}: dates ${it.reviewed_on} ${it.expires_on}`);
      assert.ok(it.expires_on > it.reviewed_on, `${where}: expires before review`);
      assert.ok(it.reviewed_on <= REFERENCE_DATE, `${where}: reviewed after the reference date`);
      if (it.state === "expired") assert.ok(it.expires_on < REFERENCE_DATE, `${where}: expired but expires ${it.expires_on}`);
      if (it.state === "published" || it.state === "approved") assert.ok(it.expires_on >= REFERENCE_DATE, `${where}: ${it.state} but expired ${it.expires_on}`);
    }
    if (it.state === "withdrawn") assert.ok(typeof it.withdraw_reason === "string" && it.withdraw_reason.length >= 10, `${where}: withdrawal needs a reason`);
    else assert.equal(it.withdraw_reason, null, `${where}: reason without withdrawal`);
    if (it.series !== null) {
      assert.deepEqual(Object.keys(it.series).sort(), ["id", "position", "title"], where);
      assert.ok(Number.isInteger(it.series.position) && it.series.position >= 1, where);
    }
    assert.deepEqual(Object.keys(it.provenance).sort(), ["adapted", "doc_id", "source"], where);
    assert.ok(typeof it.provenance.source === "string" && typeof it.provenance.adapted === "string", where);
    assert.ok(it.provenance.doc_id === null || /^\d+$/.test(it.provenance.doc_id), where);
  }
});

test("the portal's 13 original demo items come first, with their slugs", () => {
  assert.deepEqual(items().slice(0, 13).map((it) => it.slug), DEMO_SLUGS);
});

test("translations share a family with an English version and say who translated them", () => {
  const all = items();
  const english = new Map(all.filter((it) => it.language === "en").map((it) => [it.family, it]));
  for (const it of all.filter((x) => x.language === "de")) {
    const en = english.get(it.family);
    assert.ok(en, `${it.slug}: no English version of ${it.family}`);
    assert.equal(it.type, en.type, it.slug);
    assert.deepEqual(it.taxonomy, en.taxonomy, it.slug);
    assert.equal(it.provenance.doc_id, en.provenance.doc_id, it.slug);
    assert.match(it.provenance.adapted, /medportal authors/, it.slug);
    assert.notEqual(it.title, en.title, `${it.slug}: title not translated`);
    if (it.provenance.doc_id !== null) {
      assert.match(it.provenance.adapted, /German translation/, it.slug);
      // Same structure: the same number of headings, list items and table rows.
      const shape = (b) => [/^## /gm, /^- /gm, /^\|/gm].map((re) => (b.match(re) || []).length);
      assert.deepEqual(shape(it.body), shape(en.body), `${it.slug}: structure differs from ${en.slug}`);
    }
  }
});

test("educational modules have the four sections and series are numbered 1…n", () => {
  const all = items();
  const series = new Map();
  for (const it of all.filter((x) => x.type === "educational_module")) {
    const headings = [...it.body.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    assert.deepEqual(headings, MODULE_SECTIONS[it.language], it.slug);
    assert.ok(it.series, `${it.slug}: module outside a series`);
  }
  for (const it of all.filter((x) => x.series)) {
    const key = `${it.series.id}/${it.language}`;
    series.set(key, [...(series.get(key) || []), it.series.position]);
  }
  for (const [key, positions] of series) assert.deepEqual([...positions].sort((a, b) => a - b), positions.map((_, i) => i + 1), key);
  assert.ok(new Set([...series.keys()].map((k) => k.split("/")[0])).size >= 2, "at least two series");
});

test("products: the generic is named in the text and brands are pairs the search vocabulary knows", () => {
  const vocab = new Map();
  for (const l of readFileSync(SYNONYMS, "utf8").split("\n")) {
    if (!l || l.startsWith("#")) continue;
    const [generic, ...brands] = l.split("|");
    vocab.set(generic, brands);
  }
  for (const it of items()) {
    const p = it.taxonomy.product;
    if (!p) continue;
    if (it.language === "en") assert.match(`${it.title}\n${it.body}`.toLowerCase(), new RegExp(`\\b${p.generic}\\b`), `${it.slug}: ${p.generic} not in the text`);
    if (p.brand) assert.ok((vocab.get(p.generic) || []).includes(p.brand.toLowerCase()), `${it.slug}: ${p.brand}/${p.generic} is not a pair in synonyms.txt`);
  }
});

test("SciFact items cite their corpus document and never an identifier the abstract does not give", () => {
  const corpus = existsSync(join(SCIFACT, "corpus.jsonl"))
    ? new Map(readFileSync(join(SCIFACT, "corpus.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)).map((d) => [d._id, d]))
    : null;
  for (const it of items().filter((x) => x.provenance.doc_id !== null)) {
    assert.match(it.provenance.source, /SciFact.*ODC-By/, it.slug);
    assert.match(it.references[0].label, new RegExp(`\\b${it.provenance.doc_id}\\)$`), it.slug);
    assert.ok(!it.references.some((r) => "pmid" in r), `${it.slug}: SciFact gives no PMIDs`);
    if (corpus) {
      const doc = corpus.get(it.provenance.doc_id);
      assert.ok(doc, `${it.slug}: document ${it.provenance.doc_id} not in the corpus`);
      for (const r of it.references) if (r.doi) assert.ok(doc.text.includes(r.doi), `${it.slug}: DOI ${r.doi} not in the abstract`);
    }
  }
});

test("the library has what issue 13 asks for", () => {
  const all = items();
  const count = (f) => {
    const m = {};
    for (const it of all) for (const k of [].concat(f(it))) m[k] = (m[k] || 0) + 1;
    return m;
  };
  const families = new Set(all.map((it) => it.family));
  assert.ok(families.size >= 200, `${families.size} items`);
  const areas = Object.keys(count((it) => it.taxonomy.area)).filter((a) => a !== "general");
  assert.ok(areas.length >= 4, `areas: ${areas}`);
  const markets = count((it) => it.markets);
  for (const m of ["US", "DE", "GB", "INTL"]) assert.ok(markets[m] > 0, `no item in market ${m}`);
  assert.ok(all.some((it) => it.markets.length === 1) && all.some((it) => it.markets.length > 1), "single- and multi-market items");
  const langs = count((it) => it.language);
  assert.ok(Object.keys(langs).length >= 2, "two languages");
  const germanScifact = all.filter((it) => it.language === "de" && it.provenance.doc_id !== null).length;
  assert.ok(germanScifact >= 20, `${germanScifact} German versions of SciFact items`);
  const states = count((it) => it.state);
  for (const s of STATES) assert.ok(states[s] > 0, `no item in state ${s}`);
  assert.ok(states.published > all.length / 2, "most items are published");
  const types = count((it) => it.type);
  for (const t of TYPES) assert.ok(types[t] > 0, `no item of type ${t}`);
  const audiences = count((it) => it.taxonomy.audience);
  assert.ok(audiences.hcp > 0 && audiences.public > 0, "public and HCP items");
  const soon = all.filter((it) => it.state === "published" && it.expires_on >= REFERENCE_DATE && it.expires_on <= addDays(REFERENCE_DATE, 30));
  assert.ok(soon.length > 0, "some published items expire within 30 days");
  assert.ok(all.some((it) => it.references.some((r) => r.doi)) && all.some((it) => it.references.some((r) => r.pmid)), "DOI and PMID references");
  assert.ok(statSync(LIBRARY).size < 1024 * 1024, "library.jsonl stays under 1 MB");
});

test("re-running the generator gives the committed file byte for byte", (t) => {
  if (!existsSync(join(SCIFACT, "corpus.jsonl"))) {
    t.skip(`SciFact corpus not found at ${SCIFACT} (the shared data folder sits beside the clone); cannot regenerate`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "demo-library-"));
  try {
    const out = join(dir, "library.jsonl");
    execFileSync(process.execPath, [GENERATOR, "--data", SCIFACT, "--out", out], { stdio: "pipe" });
    const fresh = readFileSync(out);
    const committed = readFileSync(LIBRARY);
    assert.ok(fresh.equals(committed), "infra/seed/content/library.jsonl differs from a fresh run: run `make demo-library` and commit");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
