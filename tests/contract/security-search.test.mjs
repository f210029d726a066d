// Search security contract on every host (finding 8): what an anonymous visitor's results page
// says — the count of further results for verified HCPs and its wording, did-you-mean, the
// results — does not depend on whether a word, or a one-letter typo of it, occurs in the body
// of an HCP-only item. The item's public fields (title, taxonomy) still count.
// Run: MEDPORTAL_HOSTS=native node --test tests/contract/security-search.test.mjs
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { readersCaughtUp, startHost, SEARCH_INDEX_TOKEN } from "./hosts.mjs";
import { emailSignIn } from "./browser.mjs";

const HOSTS = (process.env.MEDPORTAL_HOSTS ?? "native,workerd,spin").split(",").filter(Boolean);
const HIDDEN = /further results? (is|are) available to verified healthcare professionals only/;

/** Item slugs of a results page, in rank order. */
const hits = (html) => [...html.matchAll(/to=%2Fcontent%2F([\w-]+)&/g)].map((m) => m[1]);
/** A made-up word of letters only (unique per run): digits of `seed` become letters. */
const word = (prefix, seed) => prefix + seed.replace(/\d/g, (d) => "bcdfghjklm"[d]) + "mab";
/** The word with one letter changed (a typo one edit away). */
const typo = (w) => w.slice(0, 5) + (w[5] === "q" ? "x" : "q") + w.slice(6);
/** A page without the time anonymous result links carry (`t=<ms>`). */
const untimed = (html) => html.replace(/([?&]|&amp;)t=\d+/g, "$1t=");

for (const hostName of HOSTS) {
  describe(`search security on ${hostName}`, () => {
    let host, hcp;
    const run = Date.now().toString(36);
    const secret = word("zel", run); // only in the body of an HCP-only item
    const control = word("vor", run); // nowhere
    // in the title of the same item (more than two edits from the others)
    const titleWord = "ostin" + word("", run).split("").reverse().join("") + "ride";
    const anon = async (q) => untimed(await (await fetch(`${host.url}/search?q=${encodeURIComponent(q)}`)).text());

    before(async () => {
      host = await startHost(hostName);
      hcp = await emailSignIn(host, "maria.garcia@example.org"); // verified, US
      const res = await fetch(host.url + "/admin/search/index", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${SEARCH_INDEX_TOKEN}` },
        body: JSON.stringify({ market: "global", language: "en", upsert: [{
          id: `interim-${run}`, title: `Interim analysis ${titleWord}`, summary: "Interim data for prescribers.",
          body: `The interim analysis of ${secret} in paroxysmal nocturnal haemoglobinuria.`, audience: "hcp",
          content_type: "clinical_summary", therapeutic_areas: ["haematology"], published: "2026-11-02",
        }] }),
      });
      assert.equal(res.status, 200, await res.text());
      await readersCaughtUp(host);
    });
    after(async () => {
      await host?.stop();
    });

    test("the word is indexed: a verified HCP finds the item", async () => {
      assert.deepEqual(hits(await (await hcp.get(`/search?q=${secret}`)).text()), [`interim-${run}`]);
    });

    test("a word only in an HCP-only body does not change the anonymous page", async () => {
      const page = await anon(secret);
      assert.doesNotMatch(page, HIDDEN);
      assert.equal(page.replaceAll(secret, control), await anon(control), "the page differs from a word that occurs nowhere");
      // and next to a word of public items and of HCP-only titles (its count is theirs)
      const mixed = await anon(`${secret} apixaban`);
      assert.equal(mixed.replaceAll(secret, control), await anon(`${control} apixaban`));
    });

    test("nor does a one-letter typo of it (no count, no did-you-mean)", async () => {
      const page = await anon(typo(secret));
      assert.doesNotMatch(page, HIDDEN);
      assert.ok(!page.includes(secret), "did-you-mean names the HCP-only word");
      assert.equal(page.replaceAll(typo(secret), typo(control)), await anon(typo(control)));
    });

    test("suggestions do not complete it either", async () => {
      const res = await fetch(`${host.url}/search/suggest?q=${secret.slice(0, 6)}`, { headers: { accept: "application/json" } });
      assert.equal(res.status, 200);
      assert.deepEqual((await res.json()).suggestions.filter((s) => s.startsWith("zel")), []);
    });

    test("the HCP-only item's title still counts for anonymous visitors", async () => {
      assert.match(await anon(titleWord), /1 further result is available to verified healthcare professionals only/);
      assert.match(await anon(typo(titleWord)), /1 further result is available/);
    });
  });
}
