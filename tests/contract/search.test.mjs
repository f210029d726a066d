// Search contract (issue 4) on every host: the seeded demo content is searchable (indexed by
// hosts.mjs through the production entry point); items indexed through the entry point become
// searchable and withdrawn ones disappear; market, language and verification filtering;
// brand ↔ generic and one-typo queries with real drug names; suggestions; signals; the entry
// point's token and input checks; CSRF on the admin page.
// Run: MEDPORTAL_HOSTS=native node --test tests/contract/search.test.mjs
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../workerd/portal.mjs";
import { eventually, readersCaughtUp, startHost, SEARCH_INDEX_TOKEN } from "./hosts.mjs";
import { Browser, csrfOf, staffSignIn } from "./browser.mjs";

const HOSTS = (process.env.MEDPORTAL_HOSTS ?? "native,workerd,spin").split(",").filter(Boolean);


/** Signs in a seeded person with the real email-link flow. */
async function signIn(host, email) {
  const b = new Browser(host);
  const csrf = csrfOf(await (await b.get("/login")).text());
  assert.equal((await b.post("/login", { csrf, email })).status, 200);
  const html = await (await fetch(host.url + "/dev/outbox")).text();
  const m = html.slice(html.indexOf(email)).match(/\/login\/verify\?r=(\w+)&amp;t=([\w-]+)/);
  const confirm = await b.get(`/login/verify?r=${m[1]}&t=${m[2]}`);
  const res = await b.post("/login/verify", { csrf: csrfOf(await confirm.text()), r: m[1], t: m[2] });
  assert.equal(res.status, 303, await res.text());
  return b;
}

/** Item slugs of a results page, in rank order. */
const hits = (html) => [...html.matchAll(/to=%2Fcontent%2F([\w-]+)&/g)].map((m) => m[1]);

function doc(id, title, text, audience, extra = {}) {
  return { id, title, summary: text, body: text, audience, content_type: "clinical_summary", therapeutic_areas: ["cardiology"], published: "2026-11-02", ...extra };
}

for (const hostName of HOSTS) {
  describe(`search on ${hostName}`, () => {
    let host;
    let hcpUs, hcpDe, unverified;
    const run = Date.now().toString(36);
    const page = async (path, b) => (b ? await b.get(path) : await fetch(host.url + path)).text();
    const index = (body, token = SEARCH_INDEX_TOKEN, headers = {}) =>
      fetch(host.url + "/admin/search/index", {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });

    before(async () => {
      host = await startHost(hostName);
      hcpUs = await signIn(host, "maria.garcia@example.org"); // verified, US
      hcpDe = await signIn(host, "anna.mueller@example.org"); // verified, DE
      unverified = await signIn(host, "olivia.brown@example.org"); // unverified, CA
    });
    after(async () => {
      await host?.stop();
    });

    test("the seeded demo content is searchable; brand names find items that mention only the generic", async () => {
      for (const [brand, slug] of [
        ["Eliquis", "apixaban-aristotle-trial-summary"],
        ["Lipitor", "atorvastatin-dosing-renal-hepatic-impairment"],
        ["Ozempic", "semaglutide-gastrointestinal-adverse-events"],
        ["Keytruda", "pembrolizumab-immune-related-adverse-events"],
      ]) {
        const html = await page(`/search?q=${brand}`, hcpUs);
        assert.equal(hits(html)[0], slug, `${brand}: ${hits(html)}`);
        assert.match(html, /<mark>/, brand);
      }
    });

    test("a generic name finds an item that mentions only the brand", async () => {
      const r = await index({ market: "global", language: "en", upsert: [
        doc(`humira-pen-${run}`, "Humira pen: injection technique", "Let the Humira pen reach room temperature before injecting into the thigh or abdomen.", "hcp"),
      ] });
      assert.equal(r.status, 200, await r.text());
      // a query Worker isolate sees a publish within a second (Platform::RECHECK_MS)
      await eventually(async () => {
        const found = hits(await page("/search?q=adalimumab+pen", hcpUs));
        assert.equal(found[0], `humira-pen-${run}`, String(found));
      });
    });

    test("a one-typo query finds the same top result as the correct spelling", async () => {
      for (const [right, typo] of [["atorvastatin", "atorvastatn"], ["semaglutide", "semaglutde"], ["levothyroxine", "levothyroxne"], ["pembrolizumab", "pembrolizumb"]]) {
        const good = hits(await page(`/search?q=${right}`, hcpUs));
        assert.ok(good.length > 0, right);
        const bad = await page(`/search?q=${typo}`, hcpUs);
        assert.equal(hits(bad)[0], good[0], `${typo}: ${hits(bad)}`);
        assert.match(bad, /Did you mean:/, typo);
      }
    });

    test("an unverified visitor sees only public results; a verified HCP also sees HCP items", async () => {
      const anon = await page("/search?q=apixaban+warfarin");
      assert.ok(!hits(anon).includes("apixaban-aristotle-trial-summary"));
      assert.match(anon, /further results? (is|are) available to verified healthcare professionals only/);
      const unv = await page("/search?q=apixaban+warfarin", unverified);
      assert.ok(!hits(unv).includes("apixaban-aristotle-trial-summary"));
      assert.match(unv, /href="\/verify"/);
      assert.ok(hits(await page("/search?q=apixaban+warfarin", hcpUs)).includes("apixaban-aristotle-trial-summary"));
      // public seeded items are found by everyone
      assert.equal(hits(await page("/search?q=report+suspected+adverse+reaction"))[0], "how-to-report-a-suspected-adverse-reaction");
    });

    test("an item indexed through the entry point becomes searchable, a withdrawn one disappears", async () => {
      const id = `dabigatran-reversal-${run}`;
      const q = `/search?q=idarucizumab+dabigatran`;
      assert.ok(!hits(await page(q)).includes(id));
      const r = await index({ market: "global", language: "en", upsert: [doc(id, "Reversal of dabigatran with idarucizumab", "Idarucizumab reverses the anticoagulant effect of dabigatran within minutes.", "public")] });
      const body = await r.json();
      assert.equal(r.status, 200, JSON.stringify(body));
      assert.ok(body.new_chunks <= 8, "publishing one item writes one small segment");
      await eventually(async () => assert.equal(hits(await page(q))[0], id));
      const w = await index({ market: "global", language: "en", withdraw: [id] });
      assert.equal((await w.json()).withdrawn, 1);
      await readersCaughtUp(host);
      assert.ok(!hits(await page(q)).includes(id));
      // a publish against an outdated generation is refused and changes nothing
      const stale = await index({ market: "global", language: "en", expected_generation: 1, upsert: [doc(id, "Stale", "stale idarucizumab", "public")] });
      assert.equal(stale.status, 409);
      assert.equal((await stale.json()).error.code, "stale_generation");
      assert.ok(!hits(await page(q)).includes(id));
    });

    test("market and language filtering holds", async () => {
      const us = `us-rivaroxaban-${run}`;
      const de = `de-rivaroxaban-${run}`;
      // a word only these two documents hold (the demo library has rivaroxaban items of its own)
      const w = `marketprobe${run}`;
      assert.equal((await index({ market: "US", language: "en", upsert: [doc(us, "Rivaroxaban US label update", `Rivaroxaban dosing in the US label. ${w}`, "public")] })).status, 200);
      assert.equal((await index({ market: "DE", language: "de", upsert: [doc(de, "Rivaroxaban: Fachinformation", `Rivaroxaban Dosierung laut deutscher Fachinformation. ${w}`, "public")] })).status, 200);
      await readersCaughtUp(host);
      // a German HCP: the German market, page language German → the German item only
      assert.deepEqual(hits(await page(`/search?q=${w}&lang=de`, hcpDe)), [de]);
      // a US HCP never sees the German market's item, in any language
      assert.deepEqual(hits(await page(`/search?q=${w}`, hcpUs)), [us]);
      assert.deepEqual(hits(await page(`/search?q=${w}&language=all`, hcpUs)), [us]);
      // anonymous: international content only, unless a country is chosen
      assert.deepEqual(hits(await page(`/search?q=${w}`)), []);
      assert.deepEqual(hits(await page(`/search?q=${w}&market=US`)), [us]);
      assert.deepEqual(hits(await page(`/search?q=${w}&market=DE&language=de`)), [de]);
      // a session's market cannot be overridden by the parameter
      assert.deepEqual(hits(await page(`/search?q=${w}&market=DE&language=all`, hcpUs)), [us]);
    });

    test("facets filter exactly, with counts", async () => {
      const html = await page("/search?q=heart+failure+atrial+fibrillation+diabetes", hcpUs);
      assert.match(html, /Cardiology \(\d+\)/);
      const onlyDiabetes = hits(await page("/search?q=heart+failure+atrial+fibrillation+diabetes&area=diabetes_endocrinology", hcpUs));
      // every hit is a diabetes/endocrinology item of the demo library
      const area = new Map(readFileSync(join(ROOT, "infra/seed/content/library.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l)).map((d) => [d.slug, d.taxonomy.area]));
      assert.ok(onlyDiabetes.length > 0 && onlyDiabetes.every((s) => area.get(s) === "diabetes_endocrinology"), String(onlyDiabetes));
    });

    test("suggestions are JSON, respect visibility, and bad input gets a stable error code", async () => {
      let res = await hcpUs.get("/search/suggest?q=apix");
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type"), /application\/json/);
      assert.ok((await res.json()).suggestions.includes("apixaban"));
      res = await fetch(host.url + "/search/suggest?q=apix");
      assert.ok(!(await res.json()).suggestions.includes("apixaban"), "HCP-only terms are not suggested to anonymous visitors");
      for (const [q, code] of [["", "missing_query"], [`q=${"a".repeat(201)}`, "query_too_long"], ["q=%E0%A4%A", "invalid_encoding"]]) {
        res = await fetch(host.url + `/search/suggest?${q}`);
        assert.equal(res.status, 400, q);
        assert.equal((await res.json()).error.code, code, q);
      }
      // the search form works without JavaScript; the enhancement script is a same-origin file
      const html = await page("/search?q=apixaban");
      assert.match(html, /<form class="search" method="get" action="\/search">/);
      assert.match(html, /<script src="\/search\/suggest\.js" defer><\/script>/);
      res = await fetch(host.url + "/search/suggest.js");
      assert.equal(res.status, 200);
      assert.doesNotMatch(res.headers.get("content-security-policy"), /unsafe-inline/);
    });

    test("result links record clicks and redirect only to internal items", async () => {
      const html = await page("/search?q=report+suspected+adverse+reaction");
      const href = html.match(/href="(\/search\/click\?[^"]+)"/)[1].replaceAll("&amp;", "&");
      let res = await fetch(host.url + href, { redirect: "manual" });
      assert.equal(res.status, 303);
      assert.equal(res.headers.get("location"), "/content/how-to-report-a-suspected-adverse-reaction");
      for (const to of ["//evil.example/", "https://evil.example/", "/content/../admin/search", "/admin/search"]) {
        res = await fetch(host.url + `/search/click?to=${encodeURIComponent(to)}&r=1`, { redirect: "manual" });
        assert.equal(res.status, 400, to);
        assert.equal(res.headers.get("location"), null, to);
      }
      // a verified HCP's click lands on the item too
      const own = await page("/search?q=Eliquis", hcpUs);
      const link = own.match(/href="(\/search\/click\?[^"]+)"/)[1].replaceAll("&amp;", "&");
      assert.match(link, /&s=[0-9a-z]{26}/);
      res = await hcpUs.get(link);
      assert.equal(res.status, 303);
    });

    test("an anonymous search and a click are counted in the daily counters (after the answer on workerd and Spin)", async () => {
      const day = new Date().toISOString().slice(0, 10);
      // one SQL row per day and metric, next to the per-address limit (the default region's
      // database); nothing in the key-value stores any more
      const totals = async () => {
        const stores = await host.dumpStores(["kv_global", "db_us"]);
        assert.deepEqual(stores.kv_global.filter((r) => r.key.startsWith("search-agg/")), [], "no key-value counters");
        const today = (stores.db_us.tables.search_signal_counts ?? []).filter((r) => r.day === day);
        return ["searches", "zero_results", "clicks"].map((metric) => today.filter((r) => r.metric === metric).reduce((n, r) => n + Number(r.n), 0));
      };
      const [searches, zero, clicks] = await totals();
      const html = await page("/search?q=report+suspected+adverse+reaction");
      await page(`/search?q=zzqqnothing${run}`);
      const href = html.match(/href="(\/search\/click\?[^"]+)"/)[1].replaceAll("&amp;", "&");
      assert.equal((await fetch(host.url + href, { redirect: "manual" })).status, 303);
      await eventually(async () => {
        assert.deepEqual(await totals(), [searches + 2, zero + 1, clicks + 1]);
      });
    });

    test("the entry point refuses missing or wrong tokens and bad input, and writes nothing", async () => {
      const before = await host.dump("blob_global");
      const good = { market: "global", language: "en", upsert: [doc(`never-${run}`, "Never", `neverwritten${run}`, "public")] };
      let res = await index(good, null);
      assert.equal(res.status, 401);
      assert.equal((await res.json()).error.code, "unauthenticated");
      res = await index(good, "wrong-token-wrong-token-wrong-token");
      assert.equal(res.status, 403);
      assert.equal((await res.json()).error.code, "invalid_token");
      res = await fetch(host.url + "/admin/search/vocab", { method: "PUT", headers: { authorization: "Bearer nope", accept: "application/json" }, body: "x" });
      assert.equal(res.status, 403);
      for (const [bad, code] of [
        ["{not json", "invalid_json"],
        [{ ...good, market: "Germany" }, "invalid_market"],
        [{ ...good, language: "xx-yy" }, "invalid_language"],
        [{ ...good, upsert: [{ ...good.upsert[0], audience: "everyone" }] }, "invalid_document"],
        [{ ...good, upsert: [{ ...good.upsert[0], id: "../etc" }] }, "invalid_document"],
        [{ ...good, upsert: [{ ...good.upsert[0], published: "2026-02-30" }] }, "invalid_document"],
        [{ ...good, surprise: true }, "invalid_json"],
        [{ market: "global", language: "en" }, "empty_batch"],
      ]) {
        res = await index(bad);
        assert.equal(res.status, 400, JSON.stringify(bad));
        assert.equal((await res.json()).error.code, code, JSON.stringify(bad));
      }
      assert.deepEqual(await host.dump("blob_global"), before);
      assert.deepEqual(hits(await page(`/search?q=neverwritten${run}`)), []);
    });

    test("the admin page needs the policy action; its POSTs need CSRF", async () => {
      assert.equal((await fetch(host.url + "/admin/search")).status, 401);
      assert.equal((await hcpUs.get("/admin/search")).status, 403);
      // an administrator signed in for real: email link plus the second factor
      const admin = await staffSignIn(host, "tom.obrien@example.org");
      const get = (path) => admin.get(path);
      const post = (form, headers = {}) => admin.post("/admin/search/rebuild", form, headers);
      const html = await (await get("/admin/search")).text();
      const csrf = csrfOf(html);
      assert.match(html, /<code>global-en<\/code>/);
      assert.match(html, /<code>DE-de<\/code>/);
      const generation = () => Number(html.match(/<code>global-en<\/code>[\s\S]*?<td>(\d+)<\/td>/)?.[1]);
      assert.ok(generation() >= 1);
      assert.equal((await post({ index: "global-en" })).status, 403);
      assert.equal((await post({ index: "global-en", csrf: "forged" })).status, 403);
      assert.equal((await post({ index: "global-en", csrf }, { origin: "https://evil.example", "sec-fetch-site": "cross-site" })).status, 403);
      const ok = await post({ index: "global-en", csrf });
      assert.equal(ok.status, 303, await ok.text());
      assert.equal(ok.headers.get("location"), "/admin/search?rebuilt=global-en");
      const after = await (await get("/admin/search?rebuilt=global-en")).text();
      assert.match(after, /Index global-en was rebuilt/);
      assert.match(after, /Last rebuild completed/);
      // still searchable after the rebuild
      assert.equal(hits(await page("/search?q=Eliquis", hcpUs))[0], "apixaban-aristotle-trial-summary");
    });
  });
}
