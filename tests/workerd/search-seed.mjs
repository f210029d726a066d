// Makes the seeded demo content searchable through the production indexing entry point
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

const ITEMS_SQL =
  "SELECT slug, title, summary, body, content_type, therapeutic_area, product, audience, language, market, published_at " +
  "FROM content_items WHERE status = 'published' ORDER BY slug";

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
    const market = r.market === "global" ? "global" : String(r.market).toUpperCase();
    const key = `${market}|${r.language}`;
    if (!groups.has(key)) groups.set(key, { market, language: r.language, upsert: [] });
    groups.get(key).upsert.push({
      id: r.slug,
      title: r.title,
      summary: r.summary,
      body: r.body,
      content_type: r.content_type,
      therapeutic_areas: [r.therapeutic_area],
      products: r.product ? [r.product] : [],
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
