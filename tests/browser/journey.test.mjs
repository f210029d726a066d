// Browser test (headless Chromium): a new US healthcare professional goes from /register to a
// verified session, on each host in turn (MEDPORTAL_BROWSER_HOSTS, default `workerd,spin`):
// the real built Workers in workerd (Miniflare, like `make dev`) and the real built components
// in `spin up` (the contract suite's Spin host: tests/contract/hosts.mjs), dev mode, with the
// fake NPPES registry behind the NPI check:
//
//   /register (≤ 4 fields besides consent checkboxes) → "check your email" → dev outbox → the
//   magic link → confirm → /account → /verify with an NPI the registry knows → verified; an
//   HCP-only content item, gated before, now shows its full text.
//
// The journey runs twice: with JavaScript enabled (no console errors, no page errors, no failed
// requests allowed) and with JavaScript disabled (every step must work on plain HTML forms and
// links). Chromium is the system one (Debian package `chromium`; CHROMIUM_BIN overrides),
// driven by playwright-core, which downloads no browser.
//
// Run: make test-browser   (or: node --test tests/browser/  after make build-dev spin-cli)
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { startFakeNppes } from "../fakes/nppes.mjs";
import { HOSTS, follow, launchChromium, newProfile, startPortal } from "./browser.mjs";

const HCP_ITEM = "/content/apixaban-aristotle-trial-summary";
const HCP_BODY = "target INR 2.0 to 3.0"; // a sentence of that item's full text, never shown gated
// JANE DOE, active, in the fake registry; one NPI verifies one account, so each journey has its own.
const NPIS = { js: "1234567893", nojs: "4444444440" };
const MAX_FIRST_STEP_FIELDS = 4;

// Bounds a hung browser or portal (each journey takes a few seconds).
const LIMIT = { timeout: 120_000 };

let browser, nppes, origin;
const timings = {};

before(async () => {
  const t0 = performance.now();
  nppes = await startFakeNppes();
  browser = await launchChromium();
  timings.start_browser = Math.round(performance.now() - t0);
}, LIMIT);

after(async () => {
  await browser?.close();
  await nppes?.stop();
  if (Object.keys(timings).length) console.log(`browser journey timings (ms): ${JSON.stringify(timings)}`);
});

/** The portal on `host` with the fake registry behind the NPI check. */
async function startPortalOn(host) {
  const started = await startPortal(host, { npi_registry_url: nppes.url });
  origin = started.origin;
  return started.portal;
}

/** A fresh browser profile; records console errors, page errors and failed requests. */
const newPage = (javaScriptEnabled) => newProfile(browser, origin, { javaScriptEnabled, strict: true });

const text = (page, selector) => page.locator(selector).innerText();

async function journey(javaScriptEnabled) {
  const started = performance.now();
  const { context, page, problems } = await newPage(javaScriptEnabled);
  const email = `jane.${javaScriptEnabled ? "js" : "nojs"}.${Date.now().toString(36)}@example.org`;
  try {
    // The profile really runs (or does not run) page scripts.
    await page.setContent('<p id="js">off</p><script>document.getElementById("js").textContent = "on"</script>');
    assert.equal(await text(page, "#js"), javaScriptEnabled ? "on" : "off");

    // Anonymous: the HCP-only item shows its title, never its summary or full text.
    await page.goto(HCP_ITEM);
    assert.match(await text(page, "main"), /Full text for verified healthcare professionals/);
    assert.equal(await page.locator("article .prose").count(), 0);
    assert.ok(!(await page.content()).includes(HCP_BODY), "HCP-only text shown to an anonymous visitor");

    // Step one of registration: at most four questions besides the consent checkboxes.
    await page.goto("/register");
    const form = page.locator('form[action="/register"]');
    const fields = await form.locator("input:not([type=hidden]):not([type=checkbox]), select, textarea").evaluateAll((els) => els.map((e) => e.name));
    const checkboxes = await form.locator("input[type=checkbox]").evaluateAll((els) => els.map((e) => e.name));
    assert.ok(fields.length >= 1 && fields.length <= MAX_FIRST_STEP_FIELDS, `first step asks ${fields.length} fields: ${fields}`);
    assert.deepEqual(checkboxes.sort(), ["comms", "terms"], "only the consent checkboxes besides the fields");
    await page.fill("#email", email);
    await page.selectOption("#country", "US");
    await page.selectOption("#profession", "physician");
    await page.fill("#name", "Dr. Jane Doe");
    await page.check("#terms");
    await follow(page, 'form[action="/register"] button[type=submit]', "**/register");
    assert.match(await text(page, "h1"), /Check your email/);

    // The dev outbox holds the sign-in mail; its link opens the confirmation page.
    await follow(page, 'main a[href="/dev/outbox"]', "**/dev/outbox");
    const mail = page.locator("li.card", { hasText: email });
    assert.equal(await mail.count(), 1, "exactly one mail to the new address");
    await follow(page, `li.card:has-text("${email}") a[href*="/login/verify?"]`, /\/login\/verify\?/);
    assert.match(await text(page, "h1"), /Confirm sign-in/);
    await follow(page, 'main form[action="/login/verify"] button[type=submit]', "**/account");
    const account = await text(page, "main");
    assert.ok(account.includes(email), "the account page shows the new address");
    assert.match(account, /You are not verified yet/);

    // Signed in but unverified: still gated (with the "not verified yet" text).
    await page.goto(HCP_ITEM);
    assert.match(await text(page, "main"), /Your account has not been verified yet/);
    assert.ok(!(await page.content()).includes(HCP_BODY), "HCP-only text shown to an unverified HCP");

    // Verify with the NPI: the registry is asked, the session becomes verified.
    await page.goto("/account");
    await follow(page, 'main a[href="/verify"]', "**/verify");
    const asked = nppes.requests.length;
    const NPI = NPIS[javaScriptEnabled ? "js" : "nojs"];
    await page.fill("#npi", NPI);
    await follow(page, 'main form[action="/verify"] button[type=submit]', "**/verify");
    assert.deepEqual(nppes.requests.slice(asked), [`/api/?version=2.1&number=${NPI}`]);
    assert.match(await text(page, "main"), /You are verified as a healthcare professional/);
    assert.equal(await page.locator('main form[action="/verify"]').count(), 0, "no verify form once verified");
    const session = (await context.cookies()).find((c) => c.name === "__Host-mp_session");
    assert.ok(session, "session cookie set");
    assert.ok(session.httpOnly && session.secure, "session cookie is HttpOnly and Secure");
    const claims = JSON.parse(Buffer.from(session.value.split(".")[1], "base64url"));
    assert.equal(claims.vs, "verified");
    await page.goto("/account");
    assert.match(await text(page, "header"), /Verified healthcare professional/);

    // The HCP-only item now shows its full text.
    await page.goto(HCP_ITEM);
    assert.equal(await page.locator("main .notice", { hasText: "Full text for verified" }).count(), 0);
    assert.ok((await page.locator("article .prose p").count()) > 1, "full text paragraphs");
    assert.match(await text(page, "article .prose"), new RegExp(HCP_BODY.replaceAll(".", "\\.")));

    assert.deepEqual(problems, [], "console errors, page errors or failed requests");
  } finally {
    await context.close();
  }
  return Math.round(performance.now() - started);
}

for (const host of HOSTS) {
  describe(`on ${host}`, () => {
    let portal;
    before(async () => {
      const t0 = performance.now();
      portal = await startPortalOn(host);
      timings[`${host}_start`] = Math.round(performance.now() - t0);
    }, LIMIT);
    after(() => portal?.stop());

    test("register → magic link → verify NPI → verified, HCP-only content unlocked (JavaScript enabled, no console errors)", LIMIT, async () => {
      timings[`${host}_js`] = await journey(true);
    });

    test("the same journey works with JavaScript disabled", LIMIT, async () => {
      timings[`${host}_no_js`] = await journey(false);
    });
  });
}
