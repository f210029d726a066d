// Evolving FAQs contract (issue 11, item 7) on every host: an EU HCP's answered inquiry is
// turned by an MI specialist into a de-identified FAQ draft (the proposal has neither the
// patient context, nor the HCP's name, nor the sentence about the patient; what the
// specialist sends is stripped again, a case narrative refused, a second draft of the same
// inquiry refused); the draft is in the library's review (/review), the three disciplines
// sign it, an admin publishes it through content's path; it is then on /faq (grouped by
// product, for its market only) and found by search. Nothing personal reaches db_global:
// canaries planted in the patient context and the question's patient sentence, and the HCP's
// name, are never in it; the creation is audited there.
// Run: MEDPORTAL_HOSTS=native node --test tests/contract/faq.test.mjs
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { eventually } from "./hosts.mjs";
import { csrfOf, pageOf as page, staffSignIn } from "./browser.mjs";
import { signAll, startTeam } from "./staff.mjs";

const HOSTS = (process.env.MEDPORTAL_HOSTS ?? "native,workerd,spin").split(",").filter(Boolean);
const CITED = "apixaban-aristotle-trial-summary";
const letters = (n) => Array.from({ length: n }, () => "abcdefghijklmnopqrstuvwxyz"[Math.floor(Math.random() * 26)]).join("");
const decode = (s) => s.replaceAll("&amp;", "&").replaceAll("&quot;", '"').replaceAll("&#39;", "'").replaceAll("&lt;", "<").replaceAll("&gt;", ">");

for (const name of HOSTS) {
  describe(`evolving FAQs on ${name}`, { timeout: 600_000 }, () => {
    let host, anna, eva, admin, maria, reviewers;
    const run = `zq${letters(8)}`;
    const patientCanary = `pc-${letters(6)}-71`;
    const sentenceCanary = `Sc${letters(7)}`;
    let ref, id, draftTitle;

    before(async () => {
      ({ host, admin, reviewers, hcpDe: anna, hcpUs: maria } = await startTeam(name));
      eva = await staffSignIn(host, "eva.novak@example.org");
    });
    after(async () => host?.stop());

    const csrf = async (b, path) => csrfOf(await page(b, path));

    test("an answered inquiry becomes a de-identified FAQ draft in review; nothing personal crosses to db_global", async () => {
      const form = await page(anna, "/inquiries/new");
      const key = form.match(/name="key" value="([a-z0-9]+)"/)[1];
      const question = `What is the maximum daily dose of apixaban in ${run} settings? Asked by Dr. Anna Müller. ` +
        `My patient ${sentenceCanary} developed a rash after the second dose. Her file is ${patientCanary}.`;
      const sent = await anna.post("/inquiries/new", {
        csrf: csrfOf(form), key, question, product: "Eliquis", category: "dosing", urgency: "routine", channel: "portal",
        patient_context: `Frau ${sentenceCanary}, 81 years, file ${patientCanary}`, acknowledged: "1",
      });
      assert.equal(sent.status, 200);
      ref = (await sent.text()).match(/class="reference">([A-Z0-9-]+)</)[1];
      const before = await host.dumpSql("db_global");
      const mi = `/mi/inquiries/${ref}`;
      // not answered yet: no FAQ
      assert.equal((await eva.get(`${mi}/faq`)).status, 409);
      const answer = `The maximum is 10 mg twice daily in ${run} settings; see the prescribing information.`;
      assert.equal((await eva.post(`${mi}/answer`, { csrf: await csrf(eva, mi), body: answer, citations: CITED })).status, 303);
      assert.match(await page(eva, mi), new RegExp(`href="${mi}/faq"`));
      // the answer was mailed through the platform's mail path: a link, nothing medical or personal
      const outbox = await (await fetch(host.url + "/dev/outbox")).text();
      assert.ok(outbox.includes(`/inquiries/${ref}`), "link mailed");
      for (const c of [run, sentenceCanary, patientCanary, "10 mg twice"]) assert.ok(!outbox.includes(c), `${c} mailed`);
      // HCPs cannot reach it
      assert.equal((await anna.get(`${mi}/faq`)).status, 403);
      const proposal = await page(eva, `${mi}/faq`);
      const q = decode(proposal.match(/<textarea[^>]*name="question"[^>]*>([^<]*)</)[1]);
      const a = decode(proposal.match(/<textarea[^>]*name="answer"[^>]*>([^<]*)</)[1]);
      assert.ok(q.includes(`What is the maximum daily dose of apixaban in ${run} settings?`), q);
      for (const gone of ["Anna", "Müller", sentenceCanary, patientCanary, "rash"]) assert.ok(!q.includes(gone), `${gone} proposed: ${q}`);
      assert.ok(a.includes("10 mg twice daily"), a);
      // a case narrative is refused, the form kept
      const refused = await eva.post(`${mi}/faq`, { csrf: await csrf(eva, mi), question: q, answer: `${a} My patient developed a bleed after the first dose.` });
      assert.equal(refused.status, 422);
      assert.match(await refused.text(), /error-summary/);
      // the HCP's name typed back in is stripped again
      const created = await eva.post(`${mi}/faq`, { csrf: await csrf(eva, mi), question: q, answer: `${a} Thanks to Dr. Anna Müller (${patientCanary}).` });
      const done = await created.text();
      assert.equal(created.status, 200, done);
      id = done.match(/href="\/review\/([A-Za-z0-9]+)"/)[1];
      // one FAQ per inquiry
      assert.equal((await eva.post(`${mi}/faq`, { csrf: await csrf(eva, mi), question: q, answer: a })).status, 409);
      // a real library item in review, seen by reviewers
      const queue = await page(reviewers.medical, "/review");
      assert.ok(queue.includes(`/review/${id}`), "in the review queue");
      const review = await page(reviewers.medical, `/review/${id}`);
      draftTitle = `What is the maximum daily dose of apixaban in ${run} settings?`;
      assert.ok(review.includes(draftTitle) && review.includes("10 mg twice daily"), "the draft's text");
      // residency: nothing personal in db_global; the creation audited there
      const after = await host.dumpSql("db_global");
      for (const c of [sentenceCanary, patientCanary, "Anna Müller", ref]) assert.ok(!after.includes(c), `${c} in db_global`);
      assert.equal(after.split("Müller").length, before.split("Müller").length, "the HCP's name reached db_global");
      assert.ok(after.includes("inquiries.faq_drafted"), "audited");
      assert.ok(after.includes(run), "the FAQ is there");
    });

    test("signed and published through content's workflow, it is on /faq for its market and found by search", async () => {
      assert.ok(id, "the draft was made");
      await signAll(reviewers, id);
      assert.equal((await admin.post(`/author/${id}/publish`, { csrf: await csrf(admin, `/author/${id}`) })).status, 303);
      const faq = await page(anna, "/faq");
      assert.ok(faq.includes(draftTitle), "listed on /faq");
      assert.match(faq, /<h2 id="faq-\d+">Eliquis<\/h2>/, "grouped by product");
      const slug = faq.match(new RegExp(`href="/content/(faq-[0-9a-f]+)">${draftTitle.replace("?", "\\?")}<`))[1];
      // the content Worker's reader pages see the publish within a second
      await eventually(async () => assert.ok((await page(anna, `/content/${slug}`)).includes("10 mg twice daily")));
      assert.ok(!(await page(maria, "/faq")).includes(draftTitle), "a US HCP does not see a DE FAQ");
      const anonymous = await (await fetch(`${host.url}/faq?market=DE`)).text();
      assert.ok(!anonymous.includes("10 mg twice daily"), "HCP-only answers stay with HCPs");
      const deadline = Date.now() + 60_000;
      let found = false;
      while (!found && Date.now() < deadline) {
        found = (await page(anna, `/search?q=${run}`)).includes(`%2Fcontent%2F${slug}`);
        if (!found) await new Promise((r) => setTimeout(r, 1000));
      }
      assert.ok(found, "found by search within 60 s");
    });
  });
}
