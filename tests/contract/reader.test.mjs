// The reader's own pages (issue 13 item 5) on every host: "new since your last visit" shows
// what was published for the reader's market after their previous visit and not the older
// library; saved items and "continue where you left off" work without JavaScript (CSRF forms,
// redirects); related content never shows an item of another market (nor HCP-only text to the
// public); the personal engagement rows exist only in the reader's home region's database.
// Items are published through content's publishing use cases (the dev import, as the demo
// library is).
// Run: MEDPORTAL_HOSTS=native node --test tests/contract/reader.test.mjs
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { startHost, SEARCH_INDEX_TOKEN } from "./hosts.mjs";
import { csrfOf, emailSignIn } from "./browser.mjs";

const HOSTS = (process.env.MEDPORTAL_HOSTS ?? "native,workerd,spin").split(",").filter(Boolean);
const OLD = "apixaban-aristotle-trial-summary";
const pause = () => new Promise((r) => setTimeout(r, 1100)); // visit boundaries are whole seconds

/** The HTML of the section whose element has `id` (to its end). */
function section(html, id) {
  const at = html.indexOf(`id="${id}"`);
  if (at < 0) return "";
  const rest = html.slice(at);
  return rest.slice(0, rest.indexOf("</section>") >= 0 ? rest.indexOf("</section>") : rest.length);
}

/** Publishes an apixaban trial summary for `markets` through content's use cases. */
async function publish(host, slug, title, markets) {
  const line = {
    family: slug, slug, language: "en", type: "trial_summary", title, summary: `${title} summary`, body: "## Result\n\nText.\n",
    references: [], markets, reviewed_on: "2026-11-01", expires_on: "2099-01-01", state: "published", series: null,
    taxonomy: { area: "cardiology", product: { brand: "Eliquis", generic: "apixaban" }, indication: "stroke prevention in atrial fibrillation", phase: "3", specialties: ["cardiology"], audience: "hcp" },
  };
  const res = await fetch(`${host.url}/dev/content/import`, { method: "POST", headers: { authorization: `Bearer ${SEARCH_INDEX_TOKEN}` }, body: JSON.stringify(line) });
  assert.equal(res.status, 200, await res.text());
}

for (const name of HOSTS) {
  describe(`reader pages on ${name}`, { timeout: 600_000 }, () => {
    let host, de, us;
    const run = Date.now().toString(36);
    const deItem = { slug: `apixaban-de-news-${run}`, title: `Apixaban news for Germany ${run}` };
    const intlItem = { slug: `apixaban-intl-news-${run}`, title: `Apixaban news for every market ${run}` };

    before(async () => {
      host = await startHost(name);
      de = await emailSignIn(host, "anna.mueller@example.org");
      us = await emailSignIn(host, "maria.garcia@example.org");
      await pause();
    });
    after(async () => host?.stop());

    const page = async (b, path) => {
      const res = await b.get(path);
      assert.equal(res.status, 200, `${path}: ${res.status}`);
      const html = await res.text();
      assert.ok(Buffer.byteLength(html) <= 30 * 1024, `${path}: ${Buffer.byteLength(html)} bytes`);
      return html;
    };

    test("new since your last visit: a newly published item for the reader's market, not an old one", async () => {
      // anonymous visitors have no such section; a first visit has nothing new yet
      assert.equal(section(await (await fetch(host.url + "/")).text(), "new-since"), "");
      for (const b of [de, us]) assert.match(section(await page(b, "/"), "new-since"), /New since your last visit[\s\S]*From your next visit on/);
      await pause();
      await publish(host, deItem.slug, deItem.title, ["DE"]);
      await publish(host, intlItem.slug, intlItem.title, ["INTL"]);
      await pause();
      const news = section(await page(de, "/"), "new-since");
      assert.ok(news.includes(`href="/content/${deItem.slug}"`) && news.includes(intlItem.title), news);
      assert.equal(news.split("<li>").length - 1, 2, `an older item shown as new: ${news}`);
      assert.ok(!news.includes(OLD));
      const usNews = section(await page(us, "/"), "new-since");
      assert.ok(usNews.includes(intlItem.title) && !usNews.includes(deItem.title), usNews);
      // a new sign-in is a new visit: what was new the last time is not new any more
      await pause();
      de = await emailSignIn(host, "anna.mueller@example.org");
      assert.match(section(await page(de, "/"), "new-since"), /Nothing new has been published for your market since/);
    });

    test("saved items and continue where you left off, without JavaScript", async () => {
      const item = await page(de, `/content/${deItem.slug}`);
      assert.match(item, /Save for later/);
      assert.match(item, /Reading time/);
      assert.ok(section(await page(de, "/"), "continue").includes(deItem.title), "continue where you left off");
      assert.equal((await de.post("/saved", { item: deItem.slug, action: "save" })).status, 403, "no CSRF token");
      const saved = await de.post("/saved", { csrf: csrfOf(item), item: deItem.slug, action: "save" });
      assert.equal(saved.status, 303);
      assert.equal(saved.headers.get("location"), `/content/${deItem.slug}`);
      const list = await page(de, "/saved");
      assert.ok(list.includes(deItem.title));
      assert.ok(!(await page(us, "/saved")).includes(deItem.title), "another reader's list");
      // a US reader cannot save a DE-only item
      assert.equal((await us.post("/saved", { csrf: csrfOf(await page(us, `/content/${OLD}`)), item: deItem.slug, action: "save" })).status, 404);
      const removed = await de.post("/saved", { csrf: csrfOf(list), item: deItem.slug, action: "unsave", back: "saved" });
      assert.equal(removed.headers.get("location"), "/saved");
      assert.match(await page(de, "/saved"), /Nothing saved yet/);
      // saved again for the residency check
      assert.equal((await de.post("/saved", { csrf: csrfOf(list), item: deItem.slug, action: "save" })).status, 303);
    });

    test("related content never shows an item of another market, nor HCP-only text to the public", async () => {
      const path = `/content/${OLD}`;
      const related = section(await page(de, path), "related-title");
      assert.ok(related.includes(deItem.title), `the German HCP's related content: ${related}`);
      const usPage = await page(us, path);
      assert.ok(section(usPage, "related-title").length > 0, "related content shown to the US HCP");
      assert.ok(!usPage.includes(deItem.title), "a DE-only item related for a US HCP");
      const anon = await (await fetch(`${host.url}${path}`)).text();
      assert.ok(!anon.includes(`${deItem.title} summary`) && !anon.includes(`${intlItem.title} summary`), "HCP-only summary shown to the public");
      assert.ok(!anon.includes(deItem.title), "a DE-only item related for an international visitor");
    });

    test("engagement rows exist only in the reader's home region's database", async () => {
      const [eu, usDb, global] = await Promise.all(["db_eu", "db_us", "db_global"].map((s) => host.dumpSql(s)));
      assert.match(eu, /"user_id":"eu-u-hcp-01","visit_mark"/);
      assert.match(eu, /"user_id":"eu-u-hcp-01","item_id":"[^"]+","viewed_at"/);
      assert.match(eu, /"user_id":"eu-u-hcp-01","item_id":"[^"]+","saved_at"/);
      assert.match(usDb, /"user_id":"us-u-hcp-01","visit_mark"/);
      assert.ok(!usDb.includes("eu-u-hcp-01"), "an EU reader's rows in db_us");
      assert.ok(!eu.includes("us-u-hcp-01"), "a US reader's rows in db_eu");
      for (const id of ["eu-u-hcp-01", "us-u-hcp-01"]) assert.ok(!global.includes(id), `${id} in db_global`);
    });
  });
}
