// Data protection (issue 16, items 5-7) on every host. An EU HCP whose every personal field
// carries a canary (name, email, profile, verification note and evidence, searches, clicks,
// an inquiry, a request's text) asks for erasure at /account/privacy; the region's
// compliance officer decides it with a fresh second factor at /compliance/dsar; then every
// store of every region is dumped: the canary is nowhere, the audit entries remain, the
// person's session is gone. A mixed workload in both regions (sign-ins, searches, inquiries,
// registrations, an access request with its export) leaves 0 personal records outside their
// home region, by the residency check (scripts/residency.mjs) run on the dumps of every store.
// Run: MEDPORTAL_HOSTS=native node --test tests/contract/privacy.test.mjs
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { startHost } from "./hosts.mjs";
import { verifyCli } from "./audit-verify.mjs";
import { Browser, csrfOf, emailSignIn, lastLink, staffSignIn, totp, DEMO_TOTP } from "./browser.mjs";
import { checkResidency } from "../../scripts/residency.mjs";

const HOSTS = (process.env.MEDPORTAL_HOSTS ?? "native,workerd,spin").split(",").filter(Boolean);

async function page(b, path) {
  const res = await b.get(path);
  const html = await res.text();
  assert.equal(res.status, 200, `${path}: ${res.status} ${html.slice(0, 300)}`);
  return html;
}

async function register(host, email, name, country) {
  const b = new Browser(host);
  const csrf = csrfOf(await page(b, "/register"));
  const res = await b.post("/register", { csrf, email, country, profession: "physician", name, terms: "1" });
  assert.equal(res.status, 200, await res.text());
  const link = await lastLink(host, email);
  const confirm = await b.get(link.path);
  const done = await b.post("/login/verify", { csrf: csrfOf(await confirm.text()), r: link.r, t: link.t });
  assert.equal(done.status, 303, await done.text());
  return b;
}

/** A verified HCP asks Medical Information; returns the reference. */
async function ask(b, question, patient = "") {
  const form = await page(b, "/inquiries/new");
  const key = form.match(/name="key" value="([a-z0-9]+)"/)[1];
  const res = await b.post("/inquiries/new", {
    csrf: csrfOf(form), key, question, product: "Eliquis", category: "dosing", urgency: "routine", channel: "email", acknowledged: "1", patient_context: patient,
  });
  const html = await res.text();
  assert.equal(res.status, 200, html.slice(0, 500));
  return html.match(/class="reference">([A-Z0-9-]+)</)[1];
}

/** Searches and clicks the first result (search history and clicks). */
async function searchAndClick(b, q) {
  const html = await page(b, `/search?q=${encodeURIComponent(q)}`);
  const click = html.match(/href="(\/search\/click\?[^"]+)"/);
  if (click) assert.equal((await b.get(click[1].replaceAll("&amp;", "&"))).status, 303);
}

/** A request of `b` at /account/privacy; returns its id (from the officer's queue). */
async function requestData(b, kind, details) {
  const form = await page(b, "/account/privacy");
  const res = await b.post("/account/privacy", { csrf: csrfOf(form), kind, details });
  assert.equal(res.status, 303, await res.text());
  assert.equal(res.headers.get("location"), "/account/privacy?sent=1");
  assert.match(await page(b, "/account/privacy?sent=1"), /Your request has been received/);
}

/** The officer decides request `id` with `decision` through identity's step-up. */
async function decide(officer, id, decision, comment, offset = 1) {
  const item = await page(officer, `/compliance/dsar/${id}`);
  const link = item.match(new RegExp(`href="(/account/step-up\\?[^"]*%3A${decision}%3Adsar[^"]*)"`));
  assert.ok(link, `a ${decision} link`);
  const form = await page(officer, link[1].replaceAll("&amp;", "&"));
  const purpose = form.match(/name="purpose" value="([^"]+)"/)[1];
  const ret = form.match(/name="return" value="([^"]+)"/)[1];
  assert.equal(ret, `/compliance/dsar/${id}/decide`);
  const confirmed = await officer.post("/account/step-up", { csrf: csrfOf(form), purpose, return: ret, code: totp(DEMO_TOTP, offset) });
  const handed = await confirmed.text();
  assert.equal(confirmed.status, 200, handed.slice(0, 500));
  const action = handed.match(/<form method="post" action="([^"]+)"/)[1];
  const assertion = handed.match(/name="assertion" value="([^"]+)"/)[1];
  const res = await officer.post(action, { csrf: csrfOf(handed), assertion, comment });
  assert.equal(res.status, 303, await res.text());
  // an assertion decides once
  const again = await officer.post(action, { csrf: csrfOf(handed), assertion, comment });
  assert.ok([403, 409].includes(again.status), `replayed assertion: ${again.status}`);
  return page(officer, `/compliance/dsar/${id}`);
}

/** The id of the newest request in the officer's queue. */
async function newestRequest(officer, kind) {
  const queue = await page(officer, "/compliance/dsar");
  const ids = [...queue.matchAll(/href="\/compliance\/dsar\/([a-z0-9]+)"/g)].map((m) => m[1]);
  for (const id of ids) {
    const item = await page(officer, `/compliance/dsar/${id}`);
    if (item.includes(`<dd>${kind}</dd>`) && item.includes("Open</dd>")) return { id, item };
  }
  assert.fail(`no open ${kind} request in ${ids}`);
}

for (const name of HOSTS) {
  describe(`privacy on ${name}`, { timeout: 900_000 }, () => {
    let host, euOfficer;
    const run = Date.now().toString(36);
    const canary = `canary${run}zq`;

    before(async () => {
      host = await startHost(name);
    });
    after(async () => host?.stop());

    test("an erasure request leaves the canary in no store; audit entries remain; the session is gone", async () => {
      const email = `${canary}@example.org`;
      const person = await register(host, email, `Dr. ${canary}`, "DE");
      // the account page leads to the person's data-protection rights
      assert.match(await page(person, "/account"), /<a href="\/account\/privacy">Your data-protection rights<\/a>/);
      // profile, verification note and evidence carry the canary
      const step = await page(person, "/account/profile");
      if (step.includes('name="step" value="specialty"')) {
        assert.equal((await person.post("/account/profile", { csrf: csrfOf(step), step: "specialty", value: `Cardiology ${canary}` })).status, 303);
      }
      const verify = await page(person, "/verify");
      const pdf = `%PDF-1.7\n% ${canary}\n%%EOF`;
      const up = await person.upload("/verify/evidence", { csrf: csrfOf(verify), note: `Ärztekammer ${canary}` }, { data: pdf, type: "application/pdf", name: `${canary}.pdf` });
      assert.equal(up.status, 303, await up.text());
      const verifier = await staffSignIn(host, "lars.nilsson@example.org");
      const queue = await page(verifier, "/admin/verifications");
      let vid;
      for (const [, id] of queue.matchAll(/href="\/admin\/verifications\/([\w-]+)"/g)) {
        if ((await page(verifier, `/admin/verifications/${id}`)).includes(email)) vid = id;
      }
      assert.ok(vid, "the evidence is in the verifier's queue");
      const review = await page(verifier, `/admin/verifications/${vid}`);
      assert.equal((await verifier.post(`/admin/verifications/${vid}`, { csrf: csrfOf(review), decision: "approve" })).status, 303);
      await person.get("/account"); // the session is re-issued as verified
      // searches, a click, an inquiry with a patient context
      await searchAndClick(person, `apixaban ${canary}`);
      await searchAndClick(person, "apixaban");
      const ref = await ask(person, `Apixaban in renal impairment? ${canary}`, `Patient ${canary}`);
      assert.match(ref, /^MI-\d{4}-EU-\d{6}$/);
      // an adverse-event report opens a PV case (kept under a legal duty; its report names
      // the reporter by account id only)
      const pvRef = await ask(person, "My patient developed a severe nosebleed two days after starting Eliquis.");
      const planted = await host.dumpStores();
      for (const store of ["db_eu", "blob_eu"]) assert.ok(JSON.stringify(planted[store]).includes(canary), `canary planted in ${store}`);

      // the person's own export holds all of it, machine-readable
      const exp = await person.get("/account/privacy/export");
      assert.equal(exp.status, 200);
      assert.match(exp.headers.get("content-disposition"), /^attachment/);
      const archive = await exp.json();
      assert.equal(archive.format, "medportal-personal-data/1");
      assert.equal(archive.region, "eu");
      assert.equal(archive.tables.users[0].display_name, `Dr. ${canary}`);
      assert.ok(archive.tables.verifications[0].note.includes(canary));
      assert.ok(archive.tables.inquiries[0].patient_context.includes(canary));
      assert.ok(archive.tables.inquiry_messages.some((m) => m.body.includes(canary)));
      assert.ok(archive.tables.search_events.some((e) => (e.query ?? "").includes(canary)), JSON.stringify(archive.tables.search_events));
      assert.ok(archive.tables.funnel_events.length > 0);
      assert.equal(archive.verification_evidence.length, 1);
      assert.equal(archive.tables.users[0].totp_secret, undefined, "no secrets in the export");
      const personId = archive.tables.users[0].id;
      const pvCase = planted.db_eu.tables.pv_cases.find((c) => c.reporter === personId);
      assert.ok(pvCase, "the adverse-event report opened a PV case");

      // erasure: asked, refused without a second factor, decided with it
      await requestData(person, "erasure", `Please erase me ${canary}`);
      const hcpAsOfficer = await person.get("/compliance/dsar");
      assert.equal(hcpAsOfficer.status, 403);
      const officer = (euOfficer = await staffSignIn(host, "maria.schmidt@example.org"));
      const { id } = await newestRequest(officer, "Erasure");
      assert.equal((await officer.post(`/compliance/dsar/${id}/decide`, { csrf: csrfOf(await page(officer, `/compliance/dsar/${id}`)), assertion: "v1.x.y.z", comment: "no" })).status, 403, "a decision needs the second factor");
      const officerExport = await officer.get(`/compliance/dsar/${id}/export`);
      assert.equal(officerExport.status, 200);
      assert.ok(JSON.stringify(await officerExport.json()).includes(canary));
      const done = await decide(officer, id, "erase", "Identity confirmed; no legal hold");
      assert.match(done, /Completed/);
      assert.match(done, /audit_entries/);
      assert.match(done, /Legal duty: audit trail/);
      assert.ok(!done.includes(canary), "the decided request no longer shows what the person wrote");

      // every store of every region: no canary anywhere
      const stores = await host.dumpStores();
      for (const [store, dump] of Object.entries(stores)) {
        assert.ok(!JSON.stringify(dump).includes(canary), `canary left in ${store}`);
      }
      // the PV case and its inquiry remain (legal duty), the person's other inquiry is gone
      assert.ok(stores.db_eu.tables.pv_cases.some((c) => c.id === pvCase.id && c.reporter === personId), "the PV case is kept");
      assert.ok(stores.db_eu.tables.inquiries.some((i) => i.id === pvCase.inquiry_id && i.reference === pvRef), "the PV case's inquiry is kept");
      assert.ok(!stores.db_eu.tables.inquiries.some((i) => i.reference === ref), "the other inquiry is erased");
      assert.match(done, /legal_duty_pharmacovigilance|pharmacovigilance/i);
      // the audit entries remain (the person's own and the erasure's)
      const audit = stores.db_eu.tables.audit_entries;
      assert.ok(audit.some((e) => e.action === "privacy.erasure" && e.object === id));
      assert.ok(audit.some((e) => e.action === "privacy.request.erasure" && e.object === id));
      // the steps after the decision (sessions, objects, sign-in records), each audited once,
      // and none left to take
      for (const step of ["sessions_revoked", "objects_deleted", "records_deleted", "completed"]) {
        assert.equal(audit.filter((e) => e.action === `privacy.erasure.${step}` && e.object === id).length, 1, step);
      }
      assert.deepEqual(stores.db_eu.tables.erasure_steps, []);
      assert.ok(audit.filter((e) => e.action === "privacy.export").length >= 2);
      assert.ok(stores.db_eu.tables.data_requests.some((r) => r.id === id && r.user_id === "erased" && r.status === "completed"));
      // the person is signed out everywhere
      assert.equal((await person.get("/account/privacy")).status, 401);
      assert.deepEqual(checkResidency(stores).misplaced, []);
      // the region's log still verifies offline after the erasure
      const exported = await officer.get("/audit/export?db=eu");
      assert.equal(exported.status, 200);
      const verdict = verifyCli(await exported.text(), await (await fetch(`${host.url}/audit/keys`)).text());
      assert.ok(verdict.ok, verdict.out);
    });

    test("a mixed workload in both regions leaves 0 personal records outside their home region", async () => {
      const anna = await emailSignIn(host, "anna.mueller@example.org");
      const maria = await emailSignIn(host, "maria.garcia@example.org");
      for (const [b, q] of [[anna, "apixaban"], [maria, "rivaroxaban"], [anna, "statin"], [maria, "apixaban dosing"]]) await searchAndClick(b, q);
      await ask(anna, `Dabigatran reversal? ${run}`);
      await ask(maria, `Apixaban and strong CYP3A4 inhibitors? ${run}`);
      await register(host, `mixed.us.${run}@example.org`, "Dr. Jane Doe", "US");
      await register(host, `mixed.fr.${run}@example.org`, "Dr. Jean Dupont", "FR");
      // an access request in the us, completed by the us compliance officer after the export
      await requestData(maria, "access", "");
      const officer = await staffSignIn(host, "robert.wilson@example.org");
      const { id } = await newestRequest(officer, "Access and portability");
      const exp = await officer.get(`/compliance/dsar/${id}/export`);
      assert.equal((await exp.json()).region, "us");
      assert.match(await decide(officer, id, "complete", "Export sent to the person"), /Completed/);
      // the eu officer cannot see the us request
      // (signed in by the erasure test: her codes of this minute are used)
      const eu = euOfficer ?? (await staffSignIn(host, "maria.schmidt@example.org"));
      assert.equal((await eu.get(`/compliance/dsar/${id}`)).status, 404);

      const stores = await host.dumpStores();
      const { counts, misplaced } = checkResidency(stores);
      assert.deepEqual(misplaced, []);
      const count = (region, category) => counts[region].filter((c) => c.category === category).reduce((n, c) => n + c.count, 0);
      for (const region of ["eu", "us"]) {
        for (const category of ["account", "inquiries", "search_history", "engagement", "audit"]) assert.ok(count(region, category) > 0, `${category} in ${region}`);
      }
      assert.ok(count("us", "data_requests") > 0);
      assert.equal(count("global", "account") + count("global", "inquiries"), 0);
      // the check finds a record in the wrong region (it can fail)
      const moved = structuredClone(stores);
      moved.db_us.tables.users.push(stores.db_eu.tables.users.find((u) => u.id === "eu-u-hcp-01"));
      moved.db_us.tables.inquiries.push(...stores.db_eu.tables.inquiries);
      moved.db_global.tables.users.push(stores.db_us.tables.users.find((u) => u.id === "us-u-hcp-01") ?? stores.db_us.tables.users[0]);
      const found = checkResidency(moved).misplaced;
      assert.ok(found.some((m) => m.store === "db_us" && m.table === "users" && m.home === "eu"), JSON.stringify(found));
      assert.ok(found.some((m) => m.store === "db_us" && m.table === "inquiries"));
      assert.ok(found.some((m) => m.store === "db_global" && m.table === "users"), "personal data in a global store");

      // the compliance pages: residency (live, with the same verdict) and records of processing
      const residency = await page(eu, "/compliance/residency");
      assert.match(residency, /Data residency/);
      assert.equal(residency.split("No record outside its home region.").length - 1, 2, "both regions clean");
      assert.match(residency, /<code>db_eu<\/code>/);
      const processing = await page(eu, "/compliance/processing");
      assert.match(processing, /Records of processing activities/);
      assert.match(processing, /Answering medical inquiries of healthcare professionals/);
      assert.match(await page(eu, "/compliance/processing?lang=de"), /Verzeichnis von Verarbeitungstätigkeiten/);
      for (const path of ["/compliance/residency", "/compliance/processing", "/compliance/dsar"]) {
        assert.equal((await anna.get(path)).status, 403, path);
        assert.equal((await new Browser(host).get(path)).status, 401, path);
      }
      // a state change without its CSRF token is refused
      assert.equal((await anna.post("/account/privacy", { kind: "access" })).status, 403);
    });
  });
}
