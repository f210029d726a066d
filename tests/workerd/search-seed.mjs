// Imports the demo library through content's publishing use cases (`POST /dev/content/import`,
// development builds) and makes the published content searchable through the production indexing entry point
// (`PUT /admin/search/vocab`, `POST /admin/search/index`), exactly as content publishing
// will: one code path, no second hand-maintained copy of the index. Used by `make dev`
// (tests/workerd/dev.mjs) and the contract hosts (tests/contract/hosts.mjs).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { ROOT } from "./portal.mjs";

/** The shipped, pre-analysed medical vocabulary (Vocab::encode). */
export const VOCAB_FILE = join(ROOT, "shared/search-index/data/vocab.bin");
/** Dev mode's indexing token when `search_index_token` is unset (public, dev only). */
export const DEV_SEARCH_INDEX_TOKEN = "medportal-dev-search-index-token";

/** The demo library (one JSON object per line; format in the content issue's brief). */
export const LIBRARY_FILE = join(ROOT, "infra/seed/content/library.jsonl");

/** Walks the demo library through content's use cases on a running portal (dev builds). */
export async function importLibrary(url, token, file = LIBRARY_FILE) {
  const lines = readFileSync(file, "utf8").split("\n").filter((l) => l.trim());
  let created = 0;
  for (let i = 0; i < lines.length; i += 20) {
    const res = await fetch(`${url}/dev/content/import`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/x-ndjson", accept: "application/json" },
      body: lines.slice(i, i + 20).join("\n"),
    });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`library import (lines ${i + 1}-${i + 20}): ${res.status} ${body}`);
    created += JSON.parse(body).created;
  }
  return created;
}

// Published, unexpired versions, one row per market they are published in.
const ITEMS_SQL =
  "SELECT i.slug, v.title, v.summary, v.body, i.content_type, v.area AS therapeutic_area, v.taxonomy, v.audience, i.language, " +
  "p.market, COALESCE(v.reviewed_on, date(p.published_at, 'unixepoch')) AS published_at " +
  "FROM library_items i JOIN library_publications p ON p.item_id = i.id JOIN library_versions v ON v.id = p.version_id " +
  "WHERE v.expires_on IS NULL OR v.expires_on > date('now') ORDER BY i.slug, p.market";

/** Published items from a db_global SQLite file (native and Spin hosts). */
export function itemsFromSqlite(file) {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return db.prepare(ITEMS_SQL).all();
  } finally {
    db.close();
  }
}

/** Published items from the db_global D1 database in Miniflare. */
export async function itemsFromD1(mf) {
  const db = await mf.getD1Database("db_global", "content");
  return (await db.prepare(ITEMS_SQL).all()).results;
}

/** Content rows → indexing batches, one per market and language. */
export function batches(rows) {
  const groups = new Map();
  for (const r of rows) {
    const market = r.market === "INTL" ? "global" : String(r.market).toUpperCase();
    const product = JSON.parse(r.taxonomy).product ?? {};
    const key = `${market}|${r.language}`;
    if (!groups.has(key)) groups.set(key, { market, language: r.language, upsert: [] });
    groups.get(key).upsert.push({
      id: r.slug,
      title: r.title,
      summary: r.summary,
      body: r.body,
      content_type: r.content_type,
      therapeutic_areas: [r.therapeutic_area],
      products: [product.brand, product.generic].filter(Boolean),
      audience: r.audience,
      published: r.published_at,
    });
  }
  return [...groups.values()];
}

/** Uploads the vocabulary and indexes `rows`; returns the entry point's answers. */
export async function seedSearch(url, token, rows) {
  const auth = { authorization: `Bearer ${token}`, accept: "application/json" };
  const vocab = await fetch(`${url}/admin/search/vocab`, {
    method: "PUT",
    headers: { ...auth, "content-type": "application/octet-stream" },
    body: readFileSync(VOCAB_FILE),
  });
  if (vocab.status !== 200) throw new Error(`vocabulary upload: ${vocab.status} ${await vocab.text()}`);
  const out = [];
  for (const batch of batches(rows)) {
    const res = await fetch(`${url}/admin/search/index`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify(batch),
    });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`indexing ${batch.market}-${batch.language}: ${res.status} ${body}`);
    out.push(JSON.parse(body));
  }
  return out;
}
