// Audit log contract (issue 16) on every host: actions of two functions (identity's sign-ins,
// inquiries' submissions) and the audit viewer's own reads append entries to db_eu's log; a
// signed checkpoint appears whose Ed25519 signature verifies against the published key; the
// export verifies with the offline verifier CLI (medportal-audit-verify); the database refuses
// UPDATE and DELETE on entries; 8 concurrent writers from two functions leave a gap-free,
// verifiable log; the tamper test (1,000 single-byte edits, 100 deletions, 100
// reorderings, truncations) on the host's own export; the entry page with its checked
// inclusion proof (JSON for tools); a consistency proof between two signed checkpoints checked
// by the verifier; client addresses keyed, not plainly hashed. On workerd the audit Worker's
// cron trigger signs without any request.
// Run: MEDPORTAL_HOSTS=native node --test tests/contract/audit.test.mjs
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { createPublicKey, verify as edVerify } from "node:crypto";
import { startHost } from "./hosts.mjs";
import { consistencyCli, tamperCli, verifyCli } from "./audit-verify.mjs";
import { createHash } from "node:crypto";
import { csrfOf, emailSignIn, staffSignIn } from "./browser.mjs";

const HOSTS = (process.env.MEDPORTAL_HOSTS ?? "native,workerd,spin").split(",").filter(Boolean);

/** Checks a signed note's signature lines against a C2SP vkey (name+id+base64(0x01‖key)). */
function noteVerifies(note, vkey) {
  const [name, idHex, b64] = [vkey.split("+")[0], vkey.split("+")[1], vkey.split("+").slice(2).join("+")];
  const raw = Buffer.from(b64, "base64");
  assert.equal(raw[0], 1, "Ed25519 key");
  const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: raw.subarray(1).toString("base64url") }, format: "jwk" });
  const split = note.indexOf("\n\n");
  const text = note.slice(0, split + 1);
  const sigs = note.slice(split + 2).trim().split("\n");
  return sigs.some((line) => {
    const m = line.match(/^\u2014 (\S+) (\S+)$/);
    if (!m || m[1] !== name) return false;
    const sig = Buffer.from(m[2], "base64");
    return sig.subarray(0, 4).toString("hex") === idHex && edVerify(null, Buffer.from(text), key, sig.subarray(4));
  });
}

for (const name of HOSTS) {
  describe(`audit log on ${name}`, { timeout: 900_000 }, () => {
    let host, anna, maria;
    const canary = `audit-${Date.now().toString(36)}`;

    before(async () => {
      host = await startHost(name);
      anna = await emailSignIn(host, "anna.mueller@example.org");
      maria = await staffSignIn(host, "maria.schmidt@example.org");
    });
    after(async () => host?.stop());

    const exportEu = async () => {
      const res = await maria.get("/audit/export?db=eu");
      assert.equal(res.status, 200, host.logs().slice(-3000));
      assert.match(res.headers.get("content-type"), /ndjson/);
      return res.text();
    };
    const entries = (text) => text.split("\n").filter((l) => l.startsWith('{"entry":')).map((l) => JSON.parse(l).entry);

    const submitInquiry = async (i) => {
      const form = await (await anna.get("/inquiries/new")).text();
      const key = form.match(/name="key" value="([a-z0-9]+)"/)[1];
      const fields = { csrf: csrfOf(form), key, question: `${canary} question ${i}`, product: "apixaban", category: "other", urgency: "low", channel: "portal", acknowledged: "1" };
      return anna.post("/inquiries/new", fields);
    };

    test("the public page says what the trail guarantees; the viewer needs a compliance officer", async () => {
      const about = await (await fetch(`${host.url}/audit/about`)).text();
      assert.match(about, /RFC 9162/);
      assert.match(about, /href="\/audit\/keys"/);
      assert.notEqual((await fetch(`${host.url}/audit`, { redirect: "manual" })).status, 200);
      assert.equal((await anna.get("/audit")).status, 403);
      const page = await maria.get("/audit?db=eu&action=session.login");
      assert.equal(page.status, 200);
      assert.match(await page.text(), /session\.login/);
    });

    test("actions of two functions append entries; a signed checkpoint verifies; the export verifies with the CLI", async () => {
      const res = await submitInquiry(0);
      assert.equal(res.status, 200);
      const text = await exportEu();
      const all = entries(text);
      assert.ok(all.some((e) => e.action === "session.login" && e.actor === "eu-u-hcp-01"), "identity's sign-in");
      assert.ok(all.some((e) => e.action === "inquiry.submitted" && e.actor === "eu-u-hcp-01"), "inquiries' submission");
      assert.deepEqual(all.map((e) => e.seq), all.map((_, i) => i), "gap-free from 0");
      const keys = await (await fetch(`${host.url}/audit/keys`)).text();
      const vkey = keys.trim();
      assert.match(vkey, /^127\.0\.0\.1(:\d+)?\/audit\+[0-9a-f]{8}\+/);
      const cps = await (await fetch(`${host.url}/audit/checkpoints`)).text();
      const lines = cps.split("\n");
      const at = lines.findIndex((l) => l.endsWith("/audit/db_eu"));
      assert.ok(at >= 0, cps);
      const blank = lines.indexOf("", at);
      const eu = lines.slice(at, lines.indexOf("", blank + 1)).join("\n") + "\n";
      assert.ok(noteVerifies(eu, vkey), `the checkpoint's signature verifies: ${eu}`);
      const verdict = verifyCli(text, keys);
      assert.ok(verdict.ok, verdict.out);
      // One changed character in an entry: the verifier names it.
      const tampered = text.replace(`${canary} question 0`, "x").replace(/"action":"inquiry\.submitted"/, '"action":"inquiry.submitteX"');
      const bad = verifyCli(tampered, keys);
      assert.equal(bad.ok, false);
      assert.match(bad.out, /entry seq \d+/);
      // The export itself is recorded.
      assert.ok(entries(await exportEu()).some((e) => e.action === "audit.exported" && e.actor === "eu-u-cmp-01"));
    });

    test("an entry's page shows its fields and checked inclusion proof; JSON for tools; each read is audited", async () => {
      const all = entries(await exportEu());
      const login = all.find((e) => e.action === "session.login" && e.actor === "eu-u-hcp-01");
      const res = await maria.get(`/audit/entries/eu/${login.seq}`);
      const html = await res.text();
      assert.equal(res.status, 200, html.slice(0, 500));
      assert.match(res.headers.get("content-type"), /text\/html/);
      assert.match(html, /session\.login/);
      assert.match(html, /The proof verifies against the signed checkpoint/);
      assert.match(html, /medportal-audit-verify/);
      const json = await (await maria.get(`/audit/entries/eu/${login.seq}`, { accept: "application/json" })).json();
      assert.equal(json.entry.seq, login.seq);
      assert.equal(json.leaf, login.leaf);
      assert.ok(json.inclusion_proof.length > 0 && json.tree_size > login.seq);
      assert.equal((await anna.get(`/audit/entries/eu/${login.seq}`)).status, 403);
      assert.ok(entries(await exportEu()).some((e) => e.action === "audit.entry_viewed" && e.reason === `seq=${login.seq}`));
    });

    test("a consistency proof between two signed checkpoints verifies with the CLI", async () => {
      await submitInquiry("consistency");
      const text = await exportEu();
      const sizes = text.split("\n").filter((l) => l.startsWith('{"checkpoint":')).map((l) => Number(JSON.parse(l).checkpoint.split("\n")[1]));
      assert.ok(sizes.length >= 2, `two checkpoints: ${sizes}`);
      const [old, latest] = [sizes[0], sizes.at(-1)];
      const res = await fetch(`${host.url}/audit/consistency?db=eu&old=${old}&new=${latest}`);
      assert.equal(res.status, 200);
      const proof = await res.text();
      const keys = await (await fetch(`${host.url}/audit/keys`)).text();
      const ok = consistencyCli(proof, keys);
      assert.ok(ok.ok, ok.out);
      assert.match(ok.out, new RegExp(`checkpoint of ${latest} entries extends the checkpoint of ${old} entries`));
      const forged = JSON.parse(proof);
      forged.consistency_proof[0] = "00".repeat(32);
      assert.equal(consistencyCli(JSON.stringify(forged), keys).ok, false);
      assert.equal((await fetch(`${host.url}/audit/consistency?db=eu&old=${latest}&new=${old}`)).status, 404);
    });

    test("client addresses are keyed with the database's monthly origin key, not plainly hashed", async () => {
      const viewed = entries(await exportEu()).filter((e) => e.action === "audit.viewed" && e.origin);
      assert.ok(viewed.length > 0, "the viewer's reads record the client's address");
      const plain = ["127.0.0.1", "::1", "::ffff:127.0.0.1"].map((a) => createHash("sha256").update(a).digest("hex"));
      for (const e of viewed) assert.ok(!plain.includes(e.origin), `origin ${e.origin} is an unkeyed hash`);
      assert.equal(new Set(viewed.map((e) => e.origin)).size, 1, "one address, one key this month: one hash");
      const salts = (await host.dumpStores(["db_eu"])).db_eu.tables.audit_salts;
      assert.ok(salts.some((s) => /^origin:\d{4}-\d{2}$/.test(s.subject)), JSON.stringify(salts.map((s) => s.subject)));
      // sign-ins record the same keyed address: the link asked for, the HCP's sign-in, the
      // staff member's sign-in after the second factor
      const all = entries(await exportEu());
      const signIns = all.filter((e) => ["session.link_requested", "session.login"].includes(e.action) && e.outcome === "success");
      for (const who of ["eu-u-hcp-01", "eu-u-cmp-01"]) assert.ok(signIns.some((e) => e.action === "session.login" && e.actor === who), `${who} signed in`);
      for (const e of signIns) assert.equal(e.origin, viewed[0].origin, `${e.action} of ${e.actor}/${e.object} records the keyed address`);
    });

    test("the database refuses UPDATE and DELETE on entries, nodes and checkpoints", async () => {
      for (const sql of [
        "UPDATE audit_entries SET action = 'forged' WHERE seq = 0",
        "DELETE FROM audit_entries WHERE seq = 0",
        "UPDATE audit_nodes SET hash = x'00' WHERE level = 0 AND idx = 0",
        "DELETE FROM audit_checkpoints WHERE size > 0",
      ]) {
        await assert.rejects(host.execSql("db_eu", sql), /append-only/, sql);
      }
      assert.ok(!(await host.dumpSql("db_eu")).includes("forged"));
    });

    test("8 concurrent writers from two functions leave a gap-free log that verifies", async () => {
      const submitted = (all) => all.filter((e) => e.action === "inquiry.submitted").length;
      const before = submitted(entries(await exportEu()));
      for (let round = 0; round < 3; round++) {
        const writers = [
          ...[1, 2, 3, 4].map((i) => submitInquiry(`${round}-${i}`)),
          ...[1, 2, 3, 4].map(() => maria.get("/audit?db=eu&action=inquiry.submitted")),
        ];
        for (const r of await Promise.all(writers)) assert.equal(r.status, 200);
      }
      const text = await exportEu();
      const all = entries(text);
      assert.deepEqual(all.map((e) => e.seq), all.map((_, i) => i), "gap-free");
      assert.equal(submitted(all), before + 12);
      assert.ok(all.filter((e) => e.action === "audit.viewed").length >= 12 + 1);
      const verdict = verifyCli(text, await (await fetch(`${host.url}/audit/keys`)).text());
      assert.ok(verdict.ok, verdict.out);
      assert.match(verdict.out, new RegExp(`${all.length} entries`));
    });

    test("the tamper test on this host's export (after the concurrent writers): every change is detected", async (t) => {
      const text = await exportEu();
      const keys = await (await fetch(`${host.url}/audit/keys`)).text();
      const r = tamperCli(text, keys);
      assert.ok(r.ok, r.out);
      assert.match(r.out, /tampered 1000 single-byte edits, 100 deletions, 100 reorderings, \d+ truncations: 0 undetected/);
      t.diagnostic(`${entries(text).length} entries: ${r.out.trim()}`);
    });

    if (name === "workerd") {
      test("the audit Worker's cron trigger extends the tree and signs, without a request", async () => {
        await submitInquiry("cron");
        const before = JSON.parse((await host.dumpSql("db_eu")).split("\n").find((l) => l.includes('"signed_size"')))[0];
        await host.scheduled("audit");
        const after = JSON.parse((await host.dumpSql("db_eu")).split("\n").find((l) => l.includes('"signed_size"')))[0];
        assert.ok(after.size > before.size, `tree extended: ${before.size} -> ${after.size}`);
      });
    }
  });
}
