// make crash-inquiries: the Workers runtime (workerd, as Miniflare runs it for make dev and
// make load-inquiries, with its stores persisted on disk) is killed (SIGKILL) in the middle of
// a burst of concurrent submissions, ROUNDS times (default 50), and started again on the same
// stores. Then every store is checked: no half-written inquiry (each has its question, its
// form key and its audit entry; a flagged one its PV case), the reference counter equals the
// number of inquiries and the references run 1..n without a gap or a repeat, and every
// submission that was acknowledged (200 with a reference) is stored with that reference.
// Unacknowledged forms are sent again with the same key after the restart: each ends as one
// inquiry. Prints the figures; exits non-zero on any violation.
// Env: ROUNDS (default 50), BURST (submissions per round, default 24).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPortal } from "../workerd/portal.mjs";
import { DEV_VARS, childProcesses } from "../contract/hosts.mjs";
import { csrfOf, emailSignIn } from "../contract/browser.mjs";

const ROUNDS = Number(process.env.ROUNDS ?? 50);
const BURST = Number(process.env.BURST ?? 24);
const persistDir = mkdtempSync(join(tmpdir(), "medportal-crash-"));
const port = await new Promise((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});
const host = { url: "" };
let portal;

/** The workerd processes this Node process started (Miniflare's runtime). */
const workerdChildren = () => childProcesses().filter((c) => c.name.startsWith("workerd")).map((c) => c.pid);

async function start() {
  portal = await startPortal({ persistDir, port, vars: { ...DEV_VARS, public_origin: `http://127.0.0.1:${port}` } });
  host.url = portal.url;
}

async function crash() {
  const pids = workerdChildren();
  assert.ok(pids.length > 0, "workerd runs as a child process");
  for (const pid of pids) process.kill(pid, "SIGKILL");
  // Miniflare's own clean-up after its runtime died (bounded: it may wait for the dead process)
  await Promise.race([portal.stop().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
}

const run = Date.now().toString(36);
const forms = []; // { key, question, ack: reference | null }
let sent = 0, acknowledged = 0, interrupted = 0, committedUnanswered = 0;
try {
  await start();
  const anna = await emailSignIn(host, "anna.mueller@example.org");
  const csrf = csrfOf(await (await anna.get("/inquiries/new")).text());
  const submit = (f) =>
    anna
      .post("/inquiries/new", { csrf, key: f.key, question: f.question, product: "Eliquis", category: "safety", urgency: "routine", channel: "portal", acknowledged: "1" })
      .then(async (r) => (r.status === 200 ? (await r.text()).match(/class="reference">([A-Z0-9-]+)</)?.[1] ?? null : null))
      .catch(() => null);

  for (let round = 0; round < ROUNDS; round++) {
    const burst = Array.from({ length: BURST }, (_, i) => {
      const n = round * BURST + i;
      // every third one reports an adverse event, so its PV case joins the batch
      const question = n % 3 === 0 ? `crash-${run}-${n}: my patient developed a severe rash after starting the tablets.` : `crash-${run}-${n}: dose in renal impairment?`;
      return { key: `crash${run}${String(n).padStart(6, "0")}`, question, ack: null };
    });
    forms.push(...burst);
    sent += burst.length;
    let firstAck;
    const acked = new Promise((r) => (firstAck = r));
    const answers = burst.map((f) => submit(f).then((ref) => ((f.ack = ref), ref && firstAck())));
    // kill while the burst is in flight: 0–30 ms after its first acknowledgement
    await Promise.race([acked, new Promise((r) => setTimeout(r, 3000))]);
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 30)));
    await crash();
    await Promise.all(answers);
    acknowledged += burst.filter((f) => f.ack).length;
    interrupted += burst.filter((f) => !f.ack).length;
    await start();
    // what the kill interrupted but had already committed (no answer reached the client)
    const db = await portal.mf.getD1Database("db_eu", "inquiries");
    const keys = burst.filter((f) => !f.ack).map((f) => f.key);
    for (const key of keys) {
      if (await db.prepare("SELECT 1 FROM inquiry_form_keys WHERE key = ?1").bind(key).first()) committedUnanswered++;
    }
    // the browser retries what was not acknowledged, with the same form key
    for (const f of burst.filter((f) => !f.ack)) f.retried = await submit(f);
    process.stdout.write(`\rround ${round + 1}/${ROUNDS}: ${acknowledged} acknowledged, ${interrupted} interrupted`);
  }
  process.stdout.write("\n");

  const db = await portal.mf.getD1Database("db_eu", "inquiries");
  const one = async (sql) => Object.values((await db.prepare(sql).first()) ?? {})[0];
  const mine = `FROM inquiries WHERE id IN (SELECT inquiry_id FROM inquiry_form_keys WHERE key LIKE 'crash${run}%')`;
  const stored = await one(`SELECT COUNT(*) ${mine}`);
  const noAudit = await one(`SELECT COUNT(*) ${mine} AND id NOT IN (SELECT object FROM audit_entries WHERE action = 'inquiry.submitted')`);
  const noQuestion = await one(`SELECT COUNT(*) ${mine} AND id NOT IN (SELECT inquiry_id FROM inquiry_messages WHERE kind = 'question')`);
  const flagged = await one(`SELECT COUNT(*) ${mine} AND id IN (SELECT inquiry_id FROM inquiry_messages WHERE body LIKE '%my patient developed%')`);
  const noCase = await one(`SELECT COUNT(*) ${mine} AND id IN (SELECT inquiry_id FROM inquiry_messages WHERE body LIKE '%my patient developed%') AND id NOT IN (SELECT inquiry_id FROM pv_cases)`);
  const orphanKeys = await one(`SELECT COUNT(*) FROM inquiry_form_keys WHERE inquiry_id NOT IN (SELECT id FROM inquiries)`);
  const orphanMessages = await one(`SELECT COUNT(*) FROM inquiry_messages WHERE inquiry_id NOT IN (SELECT id FROM inquiries)`);
  const all = await one("SELECT COUNT(*) FROM inquiries WHERE reference LIKE 'MI-%-EU-%'");
  const counters = (await db.prepare("SELECT COALESCE(SUM(last), 0) AS n FROM inquiry_counters WHERE key LIKE 'eu-%'").first()).n;
  const refs = (await db.prepare("SELECT reference FROM inquiries").all()).results.map((r) => Number(r.reference.split("-").pop()));
  const gaps = refs.length && Math.max(...refs) !== refs.length ? 1 : 0;
  const repeats = refs.length - new Set(refs).size;
  const byKey = new Map((await db.prepare(`SELECT k.key, i.reference FROM inquiry_form_keys k JOIN inquiries i ON i.id = k.inquiry_id WHERE k.key LIKE 'crash${run}%'`).all()).results.map((r) => [r.key, r.reference]));
  const lost = forms.filter((f) => f.ack && byKey.get(f.key) !== f.ack).length;
  const retriedOk = forms.filter((f) => !f.ack && f.retried && byKey.get(f.key) === f.retried).length;
  const notRetried = forms.filter((f) => !f.ack && !f.retried).length;

  console.log(`crash-inquiries: ${ROUNDS} kills of workerd mid-burst, ${sent} submissions (${acknowledged} acknowledged before the kill, ${interrupted} interrupted, of which ${committedUnanswered} had committed whole and ${interrupted - committedUnanswered} not at all)`);
  console.log(`  stored ${stored} (flagged ${flagged}), half-written ${noAudit + noQuestion + noCase} (without audit entry ${noAudit}, without question ${noQuestion}, flagged without PV case ${noCase}), orphan form keys ${orphanKeys}, orphan messages ${orphanMessages}`);
  console.log(`  reference counter ${counters} = inquiries ${all}: ${counters === all ? "consistent" : "INCONSISTENT"}; gaps ${gaps}, repeated references ${repeats}`);
  console.log(`  acknowledged but missing ${lost}; interrupted then resent with the same key: ${retriedOk} stored once, ${notRetried} not answered`);
  assert.deepEqual(
    { halfWritten: noAudit + noQuestion + noCase, orphanKeys, orphanMessages, counter: counters - all, gaps, repeats, lost, notRetried, stored: stored - sent },
    { halfWritten: 0, orphanKeys: 0, orphanMessages: 0, counter: 0, gaps: 0, repeats: 0, lost: 0, notRetried: 0, stored: 0 },
  );
  console.log("crash-inquiries: ok");
} finally {
  await portal?.stop().catch(() => {});
  rmSync(persistDir, { recursive: true, force: true });
}
