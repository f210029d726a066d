// Content governance contract (issue 13) on every host: one item walks from draft through
// medical, legal and regulatory signatures (each re-authenticated with a fresh TOTP code at
// identity's step-up) to publication, expires and is re-reviewed; an edit after approval
// voids it; a signature's assertion replayed (again, or onto another version) is refused; an
// unapproved or expired version never reaches an HCP; an HCP of market US never sees an item
// published only for DE (library, item page and search agree); a publish is searchable
// within 60 s (outbox → search's indexing entry point).
// Run: MEDPORTAL_HOSTS=native node --test tests/contract/content.test.mjs
import { test, describe, before, after } from "node:test";
import { request as httpRequest } from "node:http";
import assert from "node:assert/strict";
import { eventually, readersCaughtUp } from "./hosts.mjs";
import { REVIEWERS, createItem, csrfAt as csrf, day, sign, startTeam } from "./staff.mjs";

const HOSTS = (process.env.MEDPORTAL_HOSTS ?? "native,workerd,spin").split(",").filter(Boolean);
const step = () => Math.floor(Date.now() / 30_000);

/** Waits until the TOTP time step is past `s` (a reviewer's next code must be newer). */
async function stepAfter(s) {
  while (step() <= s) await new Promise((r) => setTimeout(r, 500));
}

/** A form POST with a chosen Host header (fetch always sends the real one): in dev mode content
 * sends index events to the origin a loopback request names, so a dead port there is an
 * indexer that is down. */
function postWithHost(url, path, form, cookies, hostHeader) {
  const body = new URLSearchParams(form).toString();
  const u = new URL(url + path);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: u.hostname, port: u.port, path, method: "POST", headers: { host: hostHeader, cookie: cookies, "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) } },
      (res) => (res.resume(), res.on("end", () => resolve(res.statusCode))),
    );
    req.on("error", reject);
    req.end(body);
  });
}
const cookiesOf = (b) => [...b.jar].map(([k, v]) => `${k}=${v}`).join("; ");

/** Item slugs of a search results page. */
const hits = (html) => [...html.matchAll(/to=%2Fcontent%2F([\w-]+)&/g)].map((m) => m[1]);

// The hosts side by side: most of a host's time here is spent waiting for the next TOTP step
// (each window's three signatures need codes newer than the last window's, 30 s apart), and
// each host has its own stores, so its reviewers' replay guards are its own.
describe("content governance", { concurrency: HOSTS.length }, () => {
  for (const name of HOSTS) {
    // (one test after the other within a host: they build on each other)
    describe(`content governance on ${name}`, { timeout: 600_000, concurrency: 1 }, () => {
      let host, author, admin, hcpDe, hcpUs, reviewers;
      const run = Date.now().toString(36);
      const slug = `ct-rivaroxaban-${run}`;
      let id;

      before(async () => ({ host, author, admin, reviewers, hcpDe, hcpUs } = await startTeam(name)));
      after(async () => host?.stop());

      const item = () => `/author/${id}`;
      const state = async () => (await (await author.get(item())).text()).match(/<p class="lead">([^,]+), version (\d+)/).slice(1);

      let lastSign = 0;
      /** All three disciplines sign the head version; returns the assertions used. */
      async function signAll() {
        await stepAfter(lastSign);
        const used = {};
        for (const [d] of REVIEWERS) used[d] = await sign(reviewers[d], id, d, `${d} ok`);
        // the codes used were at most one step ahead of now: the next ones must be newer
        lastSign = step();
        return used;
      }

      const draft = (expires, extra = {}) => ({
        title: `Rivaroxaban dosing in renal impairment ${run}`,
        summary: `Dose by creatinine clearance ${run}.`,
        body: "## Dosing\n\n- 20 mg once daily\n- 15 mg when CrCl 15-49 mL/min\n",
        area: "cardiology", audience: "hcp", markets: "DE", reviewed_on: day(-1), expires_on: expires,
        references: "Patel MR et al. N Engl J Med 2011 | 10.1056/NEJMoa1009638", brand: "Xarelto", generic: "rivaroxaban",
        ...extra,
      });

      test("draft → three signatures → published; expired at once, so never shown; re-review; an edit voids the approval; replays refused; published for DE only", async () => {
        // draft (expiring today: published, it is expired at once)
        id = await createItem(author, { slug, language: "en", type: "prescribing_information", ...draft(day(0)) });
        assert.deepEqual(await state(), ["Draft", "1"]);
        // not approved: publishing is refused, the HCP sees nothing
        assert.equal((await admin.post(`${item()}/publish`, { csrf: await csrf(admin, item()) })).status, 409);
        assert.equal((await hcpDe.get(`/content/${slug}`)).status, 404);
        assert.equal((await author.post(`${item()}/submit`, { csrf: await csrf(author, item()) })).status, 303);
        assert.deepEqual(await state(), ["In review", "1"]);
        // window 1: medical, legal, regulatory sign version 1
        const v1 = await signAll();
        assert.deepEqual(await state(), ["Approved", "1"]);
        // the same assertion cannot sign again
        const again = await reviewers.medical.post(v1.medical.action, { csrf: v1.medical.csrf, assertion: v1.medical.assertion });
        assert.equal(again.status, 409);
        assert.equal((await admin.post(`${item()}/publish`, { csrf: await csrf(admin, item()) })).status, 303);
        // expired at read time: never shown to an HCP (once the reader pages caught up with the
        // publish); queued for re-review
        await readersCaughtUp(host);
        assert.equal((await hcpDe.get(`/content/${slug}`)).status, 404);
        assert.match(await (await reviewers.medical.get("/review")).text(), new RegExp(slug));
        assert.deepEqual(await state(), ["Expired (re-review due)", "1"]);
        // re-review: version 2 with a new expiry date
        // the edit form carries the version it was read from (a lost-edit guard)
        const baseOf = (html) => html.match(/name="base" value="([^"]+)"/)[1];
        const save = async (extra, reason, base) =>
          author.post(item(), { csrf: await csrf(author, item()), base: base ?? baseOf(await (await author.get(item())).text()), reason, ...draft(day(365), extra) });
        assert.equal((await save({}, "re-review after expiry")).status, 303);
        assert.equal((await author.post(`${item()}/submit`, { csrf: await csrf(author, item()) })).status, 303);
        // window 2: version 2 signed
        const v2 = await signAll();
        assert.deepEqual(await state(), ["Approved", "2"]);
        // an edit after approval: version 3, the approval is void
        const readV2 = baseOf(await (await author.get(item())).text());
        assert.equal((await save({ summary: `Dose by creatinine clearance (Cockcroft-Gault) ${run}.` }, "CrCl method named")).status, 303);
        assert.deepEqual(await state(), ["Draft", "3"]);
        // a save from a form read before version 3: 409, nothing saved, the author's text back
        // with the reason and the new head as its base
        const late = await save({ body: `Late text ${run}` }, "late edit", readV2);
        assert.equal(late.status, 409);
        const latePage = await late.text();
        assert.match(latePage, /Someone else saved a newer version \(version 3\)/);
        assert.ok(latePage.includes(`Late text ${run}`), "the author's text comes back");
        assert.notEqual(baseOf(latePage), readV2);
        assert.deepEqual(await state(), ["Draft", "3"]);
        assert.equal((await admin.post(`${item()}/publish`, { csrf: await csrf(admin, item()) })).status, 409);
        assert.equal((await author.post(`${item()}/submit`, { csrf: await csrf(author, item()) })).status, 303);
        // version 2's signature presented for version 3: refused
        const moved = await reviewers.legal.post(v2.legal.action, { csrf: v2.legal.csrf, assertion: v2.legal.assertion });
        assert.equal(moved.status, 403);
        // the review page shows the changes against the approved version 2
        const review = await (await reviewers.legal.get(`/review/${id}`)).text();
        assert.match(review, /Changes from version 2 to version 3/);
        assert.match(review, /Cockcroft-Gault/);
        // window 3: version 3 signed and published
        await signAll();
        assert.equal((await admin.post(`${item()}/publish`, { csrf: await csrf(admin, item()) })).status, 303);
        assert.deepEqual(await state(), ["Published", "3"]);
        // a German HCP reads it (the reader pages see the publish within a second), with its
        // signatures and references
        const page = await eventually(async () => {
          const html = await (await hcpDe.get(`/content/${slug}`)).text();
          assert.match(html, /15 mg when CrCl/);
          return html;
        });
        for (const n of ["Jan de Vries", "Sarah Johnson", "Dr. Klaus Weber"]) assert.match(page, new RegExp(n));
        assert.match(page, /https:\/\/doi\.org\/10\.1056\/NEJMoa1009638/);
        assert.match(await (await hcpDe.get(`/content/${slug}/versions`)).text(), /CrCl method named/);
        assert.match(await (await hcpDe.get("/library/cardiology")).text(), new RegExp(slug));
        // published only for DE: a US HCP sees it nowhere
        const us = await hcpUs.get(`/content/${slug}`);
        assert.equal(us.status, 404);
        assert.match(await us.text(), /Not available in your market/);
        assert.doesNotMatch(await (await hcpUs.get("/library/cardiology")).text(), new RegExp(slug));
        // anonymous visitors never get the HCP-only summary (and in DE not even the title)
        const anon = await (await fetch(`${host.url}/content?market=DE`)).text();
        assert.doesNotMatch(anon, new RegExp(`Cockcroft-Gault\\) ${run}`));
        // the governance dashboard holds it
        assert.match(await (await admin.get("/governance")).text(), new RegExp(slug));
      });

      test("a publish is found by search within 60 s, for its market only", async () => {
        assert.ok(id, "the walk ran");
        const deadline = Date.now() + 60_000;
        let found = [];
        while (Date.now() < deadline) {
          found = hits(await (await hcpDe.get(`/search?q=${run}`)).text());
          if (found.includes(slug)) break;
          await new Promise((r) => setTimeout(r, 1000));
        }
        assert.ok(found.includes(slug), `not searchable within 60 s: ${found}`);
        assert.ok(!hits(await (await hcpUs.get(`/search?q=${run}`)).text()).includes(slug), "a US HCP found a DE-only item");
        // a withdrawal (reason required) takes it off the pages and out of search
        assert.equal((await admin.post(`${item()}/withdraw`, { csrf: await csrf(admin, item()), reason: "" })).status, 400);
        assert.equal((await admin.post(`${item()}/withdraw`, { csrf: await csrf(admin, item()), reason: "label change" })).status, 303);
        await readersCaughtUp(host);
        assert.equal((await hcpDe.get(`/content/${slug}`)).status, 404);
        const until = Date.now() + 60_000;
        while (Date.now() < until && hits(await (await hcpDe.get(`/search?q=${run}`)).text()).includes(slug)) {
          await new Promise((r) => setTimeout(r, 1000));
        }
        assert.ok(!hits(await (await hcpDe.get(`/search?q=${run}`)).text()).includes(slug), "withdrawn but still found");
      });

      test("with the indexer unreachable a publish waits in the outbox and reaches search after recovery", async () => {
        const slugB = `ct-outbox-${run}`;
        id = await createItem(author, { slug: slugB, language: "en", type: "faq_answer", ...draft(day(365), { title: `Outbox probe ${run}x` }) });
        assert.equal((await author.post(`${item()}/submit`, { csrf: await csrf(author, item()) })).status, 303);
        await signAll();
        // published while the indexer is down (the request names a dead port as its origin)
        const status = await postWithHost(host.url, `${item()}/publish`, { csrf: await csrf(admin, item()) }, cookiesOf(admin), "127.0.0.1:9");
        assert.equal(status, 303);
        assert.deepEqual(await state(), ["Published", "1"]);
        // the event waits: search does not have it
        await new Promise((r) => setTimeout(r, 3000));
        assert.ok(!hits(await (await hcpDe.get(`/search?q=${run}x`)).text()).includes(slugB), "indexed although the indexer was down");
        // recovery: the next staff request applies what waited
        assert.equal((await admin.get("/governance")).status, 200);
        const deadline = Date.now() + 60_000;
        let found = [];
        while (Date.now() < deadline && !found.includes(slugB)) {
          found = hits(await (await hcpDe.get(`/search?q=${run}x`)).text());
          if (!found.includes(slugB)) await new Promise((r) => setTimeout(r, 1000));
        }
        assert.ok(found.includes(slugB), `not applied after recovery: ${found}`);
      });

      test("staff workspaces refuse HCPs and forged forms", async () => {
        for (const path of ["/author", "/review", "/governance"]) {
          assert.equal((await hcpDe.get(path)).status, 403, path);
          assert.equal((await fetch(host.url + path, { redirect: "manual" })).status, 401, path);
        }
        assert.equal((await author.post("/author", { csrf: "forged", slug: `x-${run}` })).status, 403);
      });
    });
  }
});
