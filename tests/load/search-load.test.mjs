// Search under load (issue 14): a large library published through the production indexing
// entry point in batches of 100 — 20,000 documents on workerd, 2,000 natively, 1,000 on Spin
// (SEARCH_LOAD_DOCS=N sets every host) — while segments are merged (streaming, bounded
// memory). Every publish is answered, and afterwards searches find each sampled document
// exactly, counts are exact across segments, a withdrawal and a replacement take effect,
// and the Workers still answer. The indexing isolate's Wasm linear memory (it never shrinks:
// its peak) is reported by every publish (`memory_bytes`) and must stay within the budget.
// Run: make test-search-load (part of make test), or one host:
// MEDPORTAL_HOSTS=workerd node --test tests/load/search-load.test.mjs
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { readersCaughtUp, startHost, SEARCH_INDEX_TOKEN } from "../contract/hosts.mjs";

const HOSTS = (process.env.MEDPORTAL_HOSTS ?? "native,workerd,spin").split(",").filter(Boolean);
const SIZES = { workerd: 20_000, native: 2_000, spin: 1_000 };
const BATCH = 100;
/** The indexing isolate's memory budget (bytes of Wasm linear memory). */
const MEMORY_BUDGET = 48 * 1024 * 1024;
const MARKET = "NZ"; // an index of its own: the seeded ones stay as they are
const GROUPS = 150; // `set<g>z` is in every document i with i % GROUPS == g, across segments

const SYL = ["ka", "lo", "mi", "ne", "ro", "ta", "vi", "sel", "dor", "pha", "gen", "tri", "col", "mar", "bel", "cy", "pro", "ent", "ox", "lan"];
const WORDS = Array.from({ length: 3000 }, (_, i) => SYL[i % 20] + SYL[Math.floor(i / 20) % 20] + SYL[Math.floor(i / 400) % 20]);
const AREAS = ["cardiology", "oncology", "diabetes_endocrinology"];

/** Deterministic text of about `n` words for document i (a skewed word choice, like prose). */
function text(i, salt, n) {
  let x = (i * 2654435761 + salt * 40503) >>> 0 || 1;
  const out = [];
  for (let k = 0; k < n; k++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    const r = (x % 1000) / 1000;
    out.push(WORDS[Math.floor(WORDS.length * r * r * r)]);
  }
  return out.join(" ");
}

const marker = (i) => `mk${i.toString(36)}q`;
function doc(i) {
  return {
    id: `load-${i}`,
    title: `${text(i, 1, 6)} ${marker(i)}`,
    summary: text(i, 2, 35),
    body: `${text(i, 3, 150)} set${i % GROUPS}z`,
    references: text(i, 4, 15),
    content_type: "clinical_summary",
    therapeutic_areas: [AREAS[i % 3]],
    audience: "public",
    published: "2026-10-01",
  };
}

/** Item slugs of a results page, in rank order. */
const hits = (html) => [...html.matchAll(/to=%2Fcontent%2F([\w-]+)&/g)].map((m) => m[1]);
const count = (html) => Number((html.match(/([\d,.]+) results? for/) ?? [, "0"])[1].replace(/[,.]/g, ""));

for (const hostName of HOSTS) {
  const N = Number(process.env.SEARCH_LOAD_DOCS ?? SIZES[hostName] ?? 2000);
  describe(`search under load on ${hostName}`, () => {
    let host;
    const page = async (path) => {
      const res = await fetch(host.url + path);
      assert.equal(res.status, 200, path);
      return res.text();
    };
    const index = async (body) => {
      const res = await fetch(host.url + "/admin/search/index", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${SEARCH_INDEX_TOKEN}` },
        body: JSON.stringify({ market: MARKET, language: "en", ...body }),
      });
      const text = await res.text();
      assert.equal(res.status, 200, text.slice(0, 500));
      return JSON.parse(text);
    };

    before(async () => {
      host = await startHost(hostName);
    });
    after(async () => {
      await host?.stop();
    });

    test(`${N} documents published in batches of ${BATCH}, then every request is answered and searches are exact`, async (t) => {
      const started = Date.now();
      let peak = 0;
      let slowest = 0;
      for (let start = 0; start < N; start += BATCH) {
        const upsert = [];
        for (let i = start; i < Math.min(N, start + BATCH); i++) upsert.push(doc(i));
        const t0 = Date.now();
        const r = await index({ upsert });
        slowest = Math.max(slowest, Date.now() - t0);
        assert.equal(r.documents, start + upsert.length, `documents after the batch at ${start}`);
        if (r.memory_bytes != null) peak = Math.max(peak, r.memory_bytes);
      }
      const loadSeconds = (Date.now() - started) / 1000;
      const memory = peak ? `${(peak / 1048576).toFixed(1)} MB of Wasm linear memory (peak)` : "native (no Wasm memory)";
      t.diagnostic(`${hostName}: ${N} documents in ${N / BATCH} publishes took ${loadSeconds.toFixed(1)} s (slowest ${slowest} ms); indexing isolate ${memory}`);
      console.log(`# search-load ${hostName}: docs=${N} batch=${BATCH} load_s=${loadSeconds.toFixed(1)} slowest_publish_ms=${slowest} peak_memory_mb=${(peak / 1048576).toFixed(1)}`);
      if (hostName !== "native") {
        assert.ok(peak > 0, "a Wasm host reports its memory");
        assert.ok(peak <= MEMORY_BUDGET, `indexing memory ${peak} B exceeds the ${MEMORY_BUDGET} B budget`);
      }

      // every sampled document is found by its own marker word, alone
      const sample = [0, 1, BATCH - 1, BATCH, Math.floor(N / 2), N - BATCH, N - 2, N - 1];
      for (let k = 0; k < 12; k++) sample.push(Math.floor(((k + 0.5) * N) / 12));
      for (const i of sample) {
        assert.deepEqual(hits(await page(`/search?q=${marker(i)}&market=${MARKET}`)), [`load-${i}`], marker(i));
      }
      // a word in every GROUPS-th document: the exact count across all segments
      for (const g of [0, 7, GROUPS - 1]) {
        const expected = Math.floor((N - 1 - g) / GROUPS) + 1;
        assert.equal(count(await page(`/search?q=set${g}z&market=${MARKET}`)), expected, `set${g}z`);
      }
      // a withdrawal and a replacement after the load
      const gone = N - 3;
      const replaced = 5;
      const r = await index({ withdraw: [`load-${gone}`], upsert: [{ ...doc(replaced), title: `Replaced item ${marker(replaced)} newword${N}z` }] });
      assert.equal(r.withdrawn, 1);
      assert.equal(r.documents, N - 1);
      await readersCaughtUp(host); // query isolates trust what they opened for a second
      assert.deepEqual(hits(await page(`/search?q=${marker(gone)}&market=${MARKET}`)), []);
      assert.deepEqual(hits(await page(`/search?q=newword${N}z&market=${MARKET}`)), [`load-${replaced}`]);
      // both search Workers still answer
      for (const fn of ["search", "search-admin"]) {
        const res = await fetch(`${host.url}/health/${fn}`);
        assert.equal(res.status, 200, fn);
      }
    });
  });
}
