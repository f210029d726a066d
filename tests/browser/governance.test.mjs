// Browser test (headless Chromium, JavaScript disabled: every step is a plain HTML form or
// link), on each host in turn (MEDPORTAL_BROWSER_HOSTS, default `workerd,spin`), dev mode:
//
//   an HCP practising in DE visits the home page → an author signs in (email link + TOTP),
//   creates an item for DE, attaches a PDF and submits it → the medical, legal and regulatory
//   reviewers each sign it with a step-up (a fresh TOTP code) → the publisher publishes it →
//   the HCP reads it with its download, and finds it on the home page under
//   "New since your last visit".
//
// Run: node --test tests/browser/governance.test.mjs  (after make build-dev spin-cli migrate-cli)
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { totp, DEMO_TOTP } from "../contract/browser.mjs";
import { REVIEWERS, day } from "../contract/staff.mjs";
import { readersCaughtUp } from "../contract/hosts.mjs";
import { HOSTS, follow, launchChromium, newProfile, startPortal } from "./browser.mjs";

const LIMIT = { timeout: 240_000 };
const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n");

let browser;
before(async () => {
  browser = await launchChromium();
}, LIMIT);
after(async () => browser?.close());

for (const hostName of HOSTS) {
  describe(`governed publication on ${hostName}`, () => {
    let portal, origin;
    before(async () => {
      ({ portal, origin } = await startPortal(hostName));
    }, LIMIT);
    after(() => portal?.stop());

    /** A fresh profile without JavaScript; HTTP errors are problems. */
    const person = () => newProfile(browser, origin, { javaScriptEnabled: false });

    /** Signs `email` in with the emailed link (from the dev outbox); staff add a TOTP code. */
    async function signIn(email, staff) {
      const p = await person();
      await p.page.goto("/login");
      await p.page.fill("#email", email);
      await follow(p.page, 'main form[action="/login"] button[type=submit]', "**/login");
      await p.page.goto("/dev/outbox");
      const href = await p.page.locator(`li.card:has-text("${email}") a[href*="/login/verify?"]`).first().getAttribute("href");
      await p.page.goto(href);
      await follow(p.page, 'main form[action="/login/verify"] button[type=submit]', staff ? "**/login/totp" : "**/account");
      if (staff) {
        await p.page.fill("#code", totp(DEMO_TOTP, 0));
        await follow(p.page, 'main form[action="/login/totp"] button[type=submit]', (u) => !u.pathname.startsWith("/login"));
      }
      return p;
    }

    test("author creates and attaches → medical, legal, regulatory sign with step-up → published → the HCP finds it", LIMIT, async () => {
      const run = Date.now().toString(36);
      const title = `Apixaban renal dosing leaflet ${run}`;
      const slug = `bt-apixaban-${run}`;

      // the HCP (country of practice DE) visits before anything is published
      const hcp = await signIn("anna.mueller@example.org", false);
      await hcp.page.goto("/");
      assert.ok(!(await hcp.page.content()).includes(title));

      // the author creates the draft for DE, attaches a PDF, submits it for review
      const author = await signIn("sophie.martin@example.org", true);
      await author.page.goto("/author");
      const form = 'main form[action="/author"]';
      for (const [id, value] of [["slug", slug], ["language", "en"], ["title", title], ["summary", `Dosing by creatinine clearance ${run}.`],
        ["body", "## Dosing\n\n- 5 mg twice daily\n- 2.5 mg twice daily with two of age, weight, creatinine criteria\n"],
        ["area", "cardiology"], ["markets", "DE"], ["reviewed_on", day(-1)], ["expires_on", day(365)]]) {
        await author.page.fill(`${form} #${id}`, value);
      }
      await author.page.selectOption(`${form} #type`, "prescribing_information");
      await author.page.selectOption(`${form} #audience`, "hcp");
      await follow(author.page, `${form} button[type=submit]`, /\/author\/\w+$/);
      const itemPath = new URL(author.page.url()).pathname;
      const id = itemPath.split("/").pop();
      await author.page.setInputFiles("#file", { name: "Leaflet.pdf", mimeType: "application/pdf", buffer: PDF });
      await follow(author.page, 'main form[action$="/files"] button[type=submit]', `**${itemPath}`);
      assert.match(await author.page.locator("#files-title + table").innerText(), /Leaflet\.pdf/);
      await follow(author.page, 'main form[action$="/submit"] button[type=submit]', `**${itemPath}`);
      assert.match(await author.page.locator("main p.lead").innerText(), /In review, version 1/);

      // each reviewer re-authenticates with a fresh code and signs
      for (const [discipline, email] of REVIEWERS) {
        const r = await signIn(email, true);
        await r.page.goto(`/review/${id}`);
        await follow(r.page, `main a[href*="/account/step-up"][href*="%3A${discipline}"]`, "**/account/step-up**");
        await r.page.fill("#code", totp(DEMO_TOTP, 1));
        await follow(r.page, 'main form[action="/account/step-up"] button[type=submit]', "**/account/step-up");
        await r.page.fill("#comment", `${discipline} review: consistent with the SmPC`);
        await follow(r.page, 'main form:has(input[name="assertion"]) button[type=submit]', `**/review/${id}`);
        assert.deepEqual(r.problems, [], `${discipline} reviewer`);
        await r.context.close();
      }
      await author.page.goto(itemPath);
      assert.match(await author.page.locator("main p.lead").innerText(), /Approved, version 1/);

      // the publisher publishes
      const publisher = await signIn("tom.obrien@example.org", true);
      await publisher.page.goto(itemPath);
      await follow(publisher.page, 'main form[action$="/publish"] button[type=submit]', `**${itemPath}`);
      assert.match(await publisher.page.locator("main p.lead").innerText(), /Published, version 1/);

      // the HCP reads it, with its signatures and its download (the reader pages, another
      // Worker on workerd, see the publish within a second)
      await readersCaughtUp({ name: hostName });
      await hcp.page.goto(`/content/${slug}`);
      assert.match(await hcp.page.locator("main h1").innerText(), new RegExp(title));
      assert.match(await hcp.page.locator("main").innerText(), /Dr\. Klaus Weber/);
      const file = await hcp.page.locator('main a[href^="/files/"]').getAttribute("href");
      const got = await hcp.context.request.get(file);
      assert.equal(got.status(), 200);
      assert.deepEqual(Buffer.from(await got.body()), PDF);

      // … and on the home page under "New since your last visit" (the reader section)
      await hcp.page.goto("/");
      const section = hcp.page.locator("main section", { has: hcp.page.locator("h2", { hasText: "New since your last visit" }) });
      assert.equal(await section.count(), 1, "one section headed “New since your last visit”");
      assert.match(await section.innerText(), new RegExp(title));
      for (const p of [hcp, author, publisher]) {
        assert.deepEqual(p.problems, []);
        await p.context.close();
      }
    });
  });
}
