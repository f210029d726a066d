// Inquiries contract (issue 11) on every host: a verified HCP submits a question (the same
// form sent twice → one inquiry, the same reference), an MI specialist (second factor) finds
// it in the queue, triages, notes internally, answers citing a published library version;
// the HCP reads the response letter (not the note), follows up, the specialist answers
// again, the HCP rates and closes; the owner gets link-only mail. An EU HCP's inquiry is in
// the eu stores only (every store dumped and searched for a canary). A change sent from a page
// that showed an earlier status is refused with the 409 reload page (stable code), no entry.
// Run: MEDPORTAL_HOSTS=native node --test tests/contract/inquiries.test.mjs
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { startHost } from "./hosts.mjs";
import { csrfOf, emailSignIn, pageOf as page, staffSignIn } from "./browser.mjs";

const HOSTS = (process.env.MEDPORTAL_HOSTS ?? "native,workerd,spin").split(",").filter(Boolean);
const STORES = ["db_global", "db_eu", "db_us", "kv_global", "kv_eu", "kv_us", "blob_global", "blob_eu", "blob_us"];
const CITED = "apixaban-aristotle-trial-summary";

for (const name of HOSTS) {
  describe(`inquiries on ${name}`, { timeout: 600_000 }, () => {
    let host, anna, eva;
    const canary = `canary-${Date.now().toString(36)}-q7`;
    let ref;

    before(async () => {
      host = await startHost(name);
      anna = await emailSignIn(host, "anna.mueller@example.org");
      eva = await staffSignIn(host, "eva.novak@example.org");
    });
    after(async () => host?.stop());

    const csrf = async (b, path) => csrfOf(await page(b, path));
    const refOf = (html) => html.match(/class="reference">([A-Z0-9-]+)</)[1];

    test("a form sent twice (and a double click) makes one inquiry with one reference", async () => {
      const form = await page(anna, "/inquiries/new");
      const key = form.match(/name="key" value="([a-z0-9]+)"/)[1];
      const fields = {
        csrf: csrfOf(form), key, question: `Apixaban dose in severe renal impairment? ${canary}`, product: "Eliquis",
        category: "dosing", urgency: "routine", channel: "email", acknowledged: "1",
      };
      const bad = await anna.post("/inquiries/new", { ...fields, product: "Notadrugatall", acknowledged: "" });
      assert.equal(bad.status, 422);
      const badHtml = await bad.text();
      assert.match(badHtml, /error-summary/);
      assert.ok(badHtml.includes("value=\"Notadrugatall\"") && badHtml.includes(canary), "the form keeps what was typed");
      const first = await anna.post("/inquiries/new", fields);
      assert.equal(first.status, 200);
      ref = refOf(await first.text());
      assert.match(ref, /^MI-\d{4}-EU-\d{6}$/);
      const twins = await Promise.all([anna.post("/inquiries/new", fields), anna.post("/inquiries/new", fields)]);
      for (const t of twins) assert.equal(refOf(await t.text()), ref);
      const mine = await page(anna, "/inquiries");
      assert.equal(mine.split(`>${ref}<`).length - 1, 1, "listed once");
      const eu = await host.dumpSql("db_eu");
      assert.equal(eu.split(canary).length - 1, 1, "one question stored");
    });

    test("three concurrent first submissions of one form make one inquiry", async () => {
      const form = await page(anna, "/inquiries/new");
      const key = form.match(/name="key" value="([a-z0-9]+)"/)[1];
      const raced = `raced-${canary}`;
      const fields = { csrf: csrfOf(form), key, question: raced, product: "apixaban", category: "other", urgency: "low", channel: "portal", acknowledged: "1" };
      const all = await Promise.all([1, 2, 3].map(() => anna.post("/inquiries/new", fields)));
      const refs = await Promise.all(all.map(async (r) => (assert.equal(r.status, 200), refOf(await r.text()))));
      assert.equal(new Set(refs).size, 1, refs.join());
      assert.notEqual(refs[0], ref);
      assert.equal((await host.dumpSql("db_eu")).split(raced).length - 1, 1);
    });

    test("the specialist triages, notes, answers citing a library version; the HCP sees the letter, not the note", async () => {
      assert.equal((await anna.get("/mi/queue")).status, 403);
      assert.ok((await page(eva, "/mi/queue")).includes(ref));
      const mi = `/mi/inquiries/${ref}`;
      assert.equal((await eva.post(`${mi}/assign`, { csrf: await csrf(eva, mi) })).status, 303);
      assert.match(await page(eva, mi), /Triaged/);
      assert.equal((await eva.post(`${mi}/note`, { csrf: await csrf(eva, mi), body: `internal-${canary}` })).status, 303);
      assert.equal((await eva.post(`${mi}/status`, { csrf: await csrf(eva, mi), to: "in_progress" })).status, 303);
      assert.equal((await eva.post(`${mi}/answer`, { csrf: await csrf(eva, mi), body: "No.", citations: "no-such-item" })).status, 400);
      const answered = await eva.post(`${mi}/answer`, { csrf: await csrf(eva, mi), body: "Reduce the dose to 2.5 mg twice daily.", citations: CITED });
      assert.equal(answered.status, 303, await answered.text());
      const letter = await page(anna, `/inquiries/${ref}`);
      assert.ok(letter.includes("Response from Medical Information") && letter.includes("2.5 mg twice daily"));
      assert.match(letter, new RegExp(`href="/content/${CITED}"[^]*version \\d+, SHA-256 [0-9a-f]{12}`));
      assert.ok(letter.includes("unsolicited question"), "disclaimer");
      assert.ok(!letter.includes(`internal-${canary}`), "internal note hidden from the HCP");
      const outbox = await (await fetch(host.url + "/dev/outbox")).text();
      assert.ok(outbox.includes(`/inquiries/${ref}`), "link mailed");
      assert.ok(!outbox.includes("2.5 mg") && !outbox.includes(canary), "no medical content in mail");
    });

    test("follow-up, second answer, rating and closing; strangers get 404", async () => {
      const thread = `/inquiries/${ref}`;
      assert.equal((await anna.post(`${thread}/follow-up`, { csrf: await csrf(anna, thread), body: "And on dialysis?" })).status, 303);
      assert.match(await page(anna, thread), /In progress/);
      const mi = `/mi/inquiries/${ref}`;
      assert.equal((await eva.post(`${mi}/answer`, { csrf: await csrf(eva, mi), body: "Not recommended on dialysis." })).status, 303);
      assert.equal((await anna.post(`${thread}/rating`, { csrf: await csrf(anna, thread), rating: "4" })).status, 303);
      assert.equal((await anna.post(`${thread}/close`, { csrf: await csrf(anna, thread) })).status, 303);
      const closed = await page(anna, thread);
      assert.ok(closed.includes("Closed") && closed.includes("Not recommended on dialysis.") && closed.includes("And on dialysis?"));
      assert.ok(!(await page(eva, "/mi/queue")).includes(ref), "closed inquiries leave the queue");
      assert.equal((await anna.get("/mi/metrics")).status, 403);
      const metrics = await page(eva, "/mi/metrics");
      assert.ok(metrics.includes("<svg") && metrics.includes(">eliquis</text>") && metrics.includes(">Dosing and administration</text>"), "metrics chart");
      const maria = await emailSignIn(host, "maria.garcia@example.org");
      assert.equal((await maria.get(thread)).status, 404);
    });

    test("a change sent from a page that showed an earlier status is refused: 409 reload, nothing changed, no entry", async () => {
      const form = await page(anna, "/inquiries/new");
      const key = form.match(/name="key" value="([a-z0-9]+)"/)[1];
      const fields = { csrf: csrfOf(form), key, question: `Apixaban before surgery? ${canary}-moved`, product: "Eliquis", category: "dosing", urgency: "routine", channel: "email", acknowledged: "1" };
      const moved = refOf(await (await anna.post("/inquiries/new", fields)).text());
      const mi = `/mi/inquiries/${moved}`;
      // the specialist's page shows it received (the answer form); it is referred meanwhile
      const shown = await csrf(eva, mi);
      const answered = (dump) => dump.split("inquiry.answered").length - 1;
      const before = answered(await host.dumpSql("db_eu"));
      assert.equal((await eva.post(`${mi}/status`, { csrf: await csrf(eva, mi), to: "referred" })).status, 303);
      const late = await eva.post(`${mi}/answer`, { csrf: shown, body: `Stop 48 hours before ${canary}-late.` });
      assert.equal(late.status, 409);
      const latePage = await late.text();
      assert.match(latePage, /reload the page/);
      assert.match(latePage, /status_not_allowed/);
      const json = await eva.post(`${mi}/answer`, { csrf: shown, body: `Stop 48 hours before ${canary}-late.` }, { accept: "application/json" });
      assert.equal(json.status, 409);
      assert.equal((await json.json()).error.code, "status_not_allowed");
      // taking it from that page: refused the same way
      const take = await eva.post(`${mi}/assign`, { csrf: shown }, { accept: "application/json" });
      assert.equal(take.status, 409);
      assert.equal((await take.json()).error.code, "inquiry_not_open");
      const eu = await host.dumpSql("db_eu");
      assert.ok(!eu.includes(`${canary}-late`), "no answer in the thread");
      assert.equal(answered(eu), before, "no answer entry");
      const thread = await page(anna, `/inquiries/${moved}`);
      assert.ok(!thread.includes("Response from Medical Information"), "the HCP sees no answer");
    });

    test("an EU HCP's inquiry exists in the eu stores only", async () => {
      for (const store of STORES) {
        const text = store.startsWith("db_") ? await host.dumpSql(store) : (await host.dump(store)).join("\n");
        assert.equal(text.includes(canary), store === "db_eu", `${canary} in ${store}`);
      }
    });
  });
}
