// Inquiry safety contract (issue 11, items 5 and 6) on every host: an inquiry that reports an
// adverse event opens a PV case in the same intake, with day 0 = receipt, forward-to-PV due
// one business day of the inquiry's market later (checked across a weekend and holidays:
// the receipt time is set through the development builds' `dev_received_at` form field) and
// the 15-calendar-day expedited clock; the specialist sees why it was flagged; only the PV
// role works the cases and marks them forwarded; a plain question opens none; a flagged
// follow-up opens a case, or adds to the inquiry's open case (its receipt, reasons and words,
// the case's clocks unchanged) instead of opening a second one; the case of
// an EU HCP exists in the eu stores only, a US HCP's in the us stores only (every store
// dumped and searched). A specialist marks an inquiry an unsolicited off-label request; every
// response letter then carries the not-approved statement, the approved indications and the
// important safety information; before any answer the specialist may undo the mark with a
// reason (CSRF, audited, the undone mark kept).
// Run: MEDPORTAL_HOSTS=native node --test tests/contract/inquiry-safety.test.mjs
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { startHost } from "./hosts.mjs";
import { csrfOf, emailSignIn, pageOf as page, staffSignIn } from "./browser.mjs";

const HOSTS = (process.env.MEDPORTAL_HOSTS ?? "native,workerd,spin").split(",").filter(Boolean);
const STORES = ["db_global", "db_eu", "db_us", "kv_global", "kv_eu", "kv_us", "blob_global", "blob_eu", "blob_us"];
const unix = (iso) => String(Date.parse(iso) / 1000);

for (const name of HOSTS) {
  describe(`inquiry safety on ${name}`, { timeout: 600_000 }, () => {
    let host, anna, maria, eva, petra, paul;
    const canary = `pvcanary${Date.now().toString(36)}`;
    const cases = {};

    before(async () => {
      host = await startHost(name);
      anna = await emailSignIn(host, "anna.mueller@example.org");
      maria = await emailSignIn(host, "maria.garcia@example.org");
      eva = await staffSignIn(host, "eva.novak@example.org");
      petra = await staffSignIn(host, "petra.vogel@example.org");
      paul = await staffSignIn(host, "paul.walker@example.org");
    });
    after(async () => host?.stop());

    const refOf = (html) => html.match(/class="reference">([A-Z0-9-]+)</)[1];
    const ask = async (b, question, receivedAt, product = "Eliquis") => {
      const form = await page(b, "/inquiries/new");
      const key = form.match(/name="key" value="([a-z0-9]+)"/)[1];
      const fields = { csrf: csrfOf(form), key, question, product, category: "safety", urgency: "routine", channel: "portal", acknowledged: "1" };
      if (receivedAt) fields.dev_received_at = unix(receivedAt);
      const res = await b.post("/inquiries/new", fields);
      assert.equal(res.status, 200);
      return refOf(await res.text());
    };
    const caseOf = (list, ref) => list.match(new RegExp(`href="/pv/cases/([a-z0-9]+)">${ref}<`))?.[1];
    const times = (html) => [...html.matchAll(/<time datetime="([^"]+)"/g)].map((m) => m[1]);
    // the forwarding form names the case as shown: the number of follow-ups on the page
    const forwardOf = (html) => ({ csrf: csrfOf(html), seen: html.match(/name="seen" value="(\d+)"/)[1] });

    test("an adverse event opens a PV case: day 0, forward due across holidays and a weekend, the 15-day clock", async () => {
      // Thursday 24 Dec 2026 in DE: Friday 25th and Saturday 26th are holidays, then Sunday
      const ref = await ask(anna, `My patient ${canary} developed a severe nosebleed two days after starting Eliquis and Coumadin.`, "2026-12-24T10:00:00Z");
      assert.equal((await anna.get("/pv/cases")).status, 403);
      assert.equal((await eva.get("/pv/cases")).status, 403, "MI specialists do not work PV cases");
      const list = await page(petra, "/pv/cases");
      const id = caseOf(list, ref);
      assert.ok(id, `case of ${ref} listed`);
      cases.eu = { id, ref };
      const html = await page(petra, `/pv/cases/${id}`);
      assert.deepEqual(times(html), ["2026-12-24T10:00:00Z", "2026-12-28T10:00:00Z", "2027-01-08T10:00:00Z"]);
      assert.match(html, /Adverse event/);
      assert.ok(html.includes("eu-u-hcp-01") && html.includes("my patient") && html.includes("eliquis") && html.includes("nosebleed"), "the four minimum elements");
      assert.ok(html.includes("Event term: <q>nosebleed</q>") && html.includes(canary), "reasons and what was reported");
      // medicines named in the text are looked up in db_global's product_names (not only the form's)
      assert.ok(html.includes("Medicine named: <q>coumadin</q>") && html.includes("Medicine named: <q>eliquis</q>"), "the medicines named");
      // the specialist sees the flag and why
      const work = await page(eva, `/mi/inquiries/${ref}`);
      assert.ok(work.includes("Safety screening") && work.includes("Patient mention: <q>my patient</q>"));
    });

    test("a US inquiry counts US business days (Thanksgiving) and stays in the us stores", async () => {
      // Wednesday 25 Nov 2026: Thursday 26th is Thanksgiving in the US → Friday 27th
      const ref = await ask(maria, `The blister was cracked ${canary}us and two tablets were broken.`, "2026-11-25T15:30:00Z");
      assert.ok(!caseOf(await page(petra, "/pv/cases"), ref), "an EU PV officer does not see a US case");
      const id = caseOf(await page(paul, "/pv/cases"), ref);
      assert.ok(id);
      cases.us = { id, ref };
      const html = await page(paul, `/pv/cases/${id}`);
      assert.match(html, /Product complaint/);
      assert.deepEqual(times(html), ["2026-11-25T15:30:00Z", "2026-11-27T15:30:00Z", "2026-12-10T15:30:00Z"]);
      assert.equal((await petra.get(`/pv/cases/${id}`)).status, 404);
    });

    test("a plain question opens no case; a flagged follow-up opens one, the next adds to it", async () => {
      const ref = await ask(anna, "What is the recommended dose in severe renal impairment?");
      assert.ok(!caseOf(await page(petra, "/pv/cases"), ref), "no case for a plain question");
      const thread = `/inquiries/${ref}`;
      const followUp = async (body) => (await anna.post(`${thread}/follow-up`, { csrf: csrfOf(await page(anna, thread)), body })).status;
      assert.equal(await followUp("Meanwhile she was admitted with a gastrointestinal bleed."), 303);
      const id = caseOf(await page(petra, "/pv/cases"), ref);
      assert.ok(id, "the follow-up opened a case");
      cases.fu = { id, ref };
      const first = await page(petra, `/pv/cases/${id}`);
      assert.ok(!first.includes("Follow-ups added to this case"));
      const clocks = times(first);
      // the next flagged follow-up adds to the open case: no second case, the clocks stay
      assert.equal(await followUp(`The blister was cracked ${canary}fu and two tablets were broken.`), 303);
      const list = await page(petra, "/pv/cases");
      assert.equal([...list.matchAll(new RegExp(`>${ref}<`, "g"))].length, 1, "one case for the inquiry");
      const html = await page(petra, `/pv/cases/${id}`);
      assert.deepEqual(times(html).slice(0, 3), clocks, "day 0 and the due times of the first receipt");
      assert.equal(times(html).length, 4, "the follow-up's receipt noted");
      assert.ok(html.includes("Follow-ups added to this case") && html.includes("Defect term: <q>cracked</q>") && html.includes(`${canary}fu`), "its reasons and words");
      assert.match(html, /Adverse event/, "an adverse event case stays one");
    });

    test("the PV officer marks a case forwarded, once", async () => {
      const path = `/pv/cases/${cases.eu.id}`;
      const form = await page(petra, path);
      assert.equal((await eva.post(`${path}/forward`, { csrf: csrfOf(await page(eva, "/mi/queue")) })).status, 403);
      assert.equal((await petra.post(`${path}/forward`, { csrf: csrfOf(form) })).status, 400, "the case as shown is required");
      const done = await petra.post(`${path}/forward`, forwardOf(form));
      assert.equal(done.status, 303);
      const after = await page(petra, path);
      assert.ok(after.includes("Forwarded to PV") && after.includes("eu-u-pv-01") && !after.includes("Mark as forwarded"));
      const again = await petra.post(`${path}/forward`, forwardOf(form));
      assert.equal(again.status, 409);
      assert.match(await again.text(), /changed this while you were working on it/, "the person is told to reload");
    });

    test("a case is forwarded as shown: a follow-up added since refuses it (409, nothing changed); later flags open a new case", async () => {
      const { id, ref } = cases.fu;
      const path = `/pv/cases/${id}`;
      const thread = `/inquiries/${ref}`;
      const shown = await page(petra, path);
      assert.equal((await anna.post(`${thread}/follow-up`, { csrf: csrfOf(await page(anna, thread)), body: `She then developed a rash ${canary}late.` })).status, 303);
      // the officer's page predates that follow-up: the guard in the batch refuses the forwarding
      const stale = await petra.post(`${path}/forward`, forwardOf(shown));
      assert.equal(stale.status, 409);
      assert.match(await stale.text(), /reload the page/);
      const fresh = await page(petra, path);
      assert.ok(fresh.includes("Mark as forwarded") && fresh.includes(`${canary}late`), "still open, with the new follow-up");
      assert.equal((await petra.post(`${path}/forward`, forwardOf(fresh))).status, 303);
      const audit = await host.dumpSql("db_eu");
      assert.equal([...audit.matchAll(/pv\.case_forwarded/g)].length, 2, "one entry per forwarding that happened (the EU case's and this one)");
      // once forwarded, a flagged follow-up opens a case of its own instead of joining it
      assert.equal((await anna.post(`${thread}/follow-up`, { csrf: csrfOf(await page(anna, thread)), body: `The blister was cracked ${canary}new.` })).status, 303);
      const list = await page(petra, "/pv/cases");
      assert.equal([...list.matchAll(new RegExp(`>${ref}<`, "g"))].length, 2, "a second case for the inquiry");
      assert.ok(!(await page(petra, path)).includes(`${canary}new`), "nothing joined the forwarded case");
    });

    test("an off-label request: marked by the specialist, every letter carries the statement, indications and safety information", async () => {
      const ref = await ask(anna, "Can apixaban be used in children under 12 years?");
      const mi = `/mi/inquiries/${ref}`;
      assert.equal((await anna.post(`${mi}/off-label`, { csrf: csrfOf(await page(anna, "/inquiries/new")), use: "x" })).status, 403);
      const marked = await eva.post(`${mi}/off-label`, { csrf: csrfOf(await page(eva, mi)), use: "Apixaban in children under 12" });
      assert.equal(marked.status, 303);
      assert.match(await page(eva, mi), /Off-label \(unsolicited\) request/);
      assert.equal((await eva.post(`${mi}/answer`, { csrf: csrfOf(await page(eva, mi)), body: "Data in children are limited." })).status, 303);
      const letter = await page(anna, `/inquiries/${ref}`);
      assert.ok(letter.includes("that is not approved: Apixaban in children under 12."), "the statement");
      assert.ok(letter.includes("Approved indications") && letter.includes("non-valvular atrial fibrillation"), "the indications");
      assert.ok(letter.includes("Important safety information") && letter.includes("risk of bleeding"), "the safety information");
    });

    test("a specialist undoes an off-label mark with a reason (CSRF, audited), only before an answer", async () => {
      const ref = await ask(anna, "Can apixaban be crushed for a feeding tube?");
      const mi = `/mi/inquiries/${ref}`;
      assert.equal((await eva.post(`${mi}/off-label`, { csrf: csrfOf(await page(eva, mi)), use: "Crushed via feeding tube" })).status, 303);
      const marked = await page(eva, mi);
      assert.ok(marked.includes("Undo the off-label mark"));
      assert.equal((await eva.post(`${mi}/off-label/undo`, { reason: "no token" })).status, 403, "CSRF");
      assert.equal((await anna.post(`${mi}/off-label/undo`, { csrf: csrfOf(await page(anna, "/inquiries/new")), reason: "x" })).status, 403, "specialists only");
      assert.equal((await eva.post(`${mi}/off-label/undo`, { csrf: csrfOf(marked), reason: " " })).status, 400, "a reason is required");
      assert.match(await page(eva, mi), /Off-label \(unsolicited\) request/, "refused attempts change nothing");
      assert.equal((await eva.post(`${mi}/off-label/undo`, { csrf: csrfOf(marked), reason: "The use is approved after all" })).status, 303);
      const after = await page(eva, mi);
      assert.ok(!after.includes("Undo the off-label mark") && after.includes("Mark as off-label (unsolicited)"));
      const db = await host.dumpSql("db_eu");
      assert.ok(db.includes("The use is approved after all") && db.includes("inquiry.off_label_undone"), "the undone mark and its audit entry");
      assert.equal((await eva.post(`${mi}/off-label/undo`, { csrf: csrfOf(after), reason: "again" })).status, 409, "nothing to undo");
      // marked again and answered: an undo from the page shown before the answer is refused
      assert.equal((await eva.post(`${mi}/off-label`, { csrf: csrfOf(after), use: "Crushed via feeding tube" })).status, 303);
      const before = await page(eva, mi);
      assert.equal((await eva.post(`${mi}/answer`, { csrf: csrfOf(before), body: "Crushed tablets may be given via a feeding tube." })).status, 303);
      const late = await eva.post(`${mi}/off-label/undo`, { csrf: csrfOf(before), reason: "too late" });
      assert.equal(late.status, 409);
      assert.match(await late.text(), /changed this while you were working on it/);
      assert.match(await page(eva, mi), /Off-label \(unsolicited\) request/, "the mark the letter carried stays");
      assert.equal([...(await host.dumpSql("db_eu")).matchAll(/inquiry\.off_label_undone/g)].length, 1, "no entry for the refused undo");
    });

    test("a PV case exists only in its home region's stores", async () => {
      for (const store of STORES) {
        const text = store.startsWith("db_") ? await host.dumpSql(store) : (await host.dump(store)).join("\n");
        assert.equal(text.includes(cases.eu.id), store === "db_eu", `EU case in ${store}`);
        assert.equal(text.includes(cases.us.id), store === "db_us", `US case in ${store}`);
        assert.equal(text.includes(`${canary}us`), store === "db_us", `US canary in ${store}`);
      }
    });
  });
}
