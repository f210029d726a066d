// `make attack`: replays each finding of the security review against the portal in workerd
// (the built Workers, dev mode, the fake NPPES registry), loopback only and with bounded request
// counts, and prints one line per attack: HELD (the portal resisted) or SUCCEEDED (the finding
// is still open), with the evidence in a few words, then "N attacks succeeded".
// Every attack tests behaviour (answers, mails in the dev outbox, stored counters), not code.
//   node tests/attack/attack.mjs [--strict]   (--strict: exit 1 when any attack succeeded or
//   could not run; without it the exit status is 0 either way)
// Needs `make build-workers DEV=1` (make attack builds it). Requests to /login and /register from this machine stay below the
// per-address limit (60 in 10 minutes) until attack 3, which runs last for that reason.
import { startPortal } from "../workerd/portal.mjs";
import { DEV_SEARCH_INDEX_TOKEN, importLibrary, itemsFromD1, seedSearch } from "../workerd/search-seed.mjs";
import { startFakeNppes, NPIS } from "../fakes/nppes.mjs";
import {
  Browser, csrfOf, totp, DEMO_TOTP, outbox, mailsTo, redeemLink, firstFactor, registerAndSignIn,
  sessionClaims, devKeyToken, npi, chunkedPost, within,
} from "./lib.mjs";

const STRICT = process.argv.includes("--strict");
const run = Date.now().toString(36);
const HIDDEN = /further results? (is|are) available to verified healthcare professionals only/;
const CHECK_EMAIL = /Check your email/;
/** The per-email sign-in link limit (5 in 10 minutes) and the per-address request limit
 * (60 in 10 minutes) the portal documents. */
const EMAIL_LIMIT = 5;
const ADDRESS_LIMIT = 60;
const TOTP_ATTEMPTS = 5;
const BODY_LIMIT = 1024 * 1024;

const results = [];
const held = (evidence) => ({ outcome: "HELD", evidence });
const succeeded = (evidence) => ({ outcome: "SUCCEEDED", evidence });
const verdict = (open, evidence) => (open ? succeeded(evidence) : held(evidence));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function attack(id, name, fn) {
  let r;
  try {
    r = await within(120_000, fn);
  } catch (e) {
    r = { outcome: "ERROR", evidence: `could not run: ${String(e.message ?? e).split("\n")[0].slice(0, 160)}` };
  }
  results.push({ id, name, ...r });
  console.log(`${id.padEnd(4)} ${r.outcome.padEnd(9)} ${name} — ${r.evidence}`);
}

/** Session-less browser state, kept for replays after the browser's cookies changed. */
const snapshot = (b) => new Map(b.jar);

// ---------------------------------------------------------------------------------------------

async function totpFlood(host) {
  const email = "emily.davis@example.org";
  const { b, res } = await firstFactor(host, email);
  if (res.headers.get("location") !== "/login/totp") throw new Error(`no second-factor step (${res.status} ${res.headers.get("location")})`);
  const csrf = csrfOf(await (await b.get("/login/totp")).text());
  const jar = snapshot(b);
  const right = new Set([-2, -1, 0, 1, 2].map((o) => totp(DEMO_TOTP, o)));
  const wrong = [];
  for (let n = 100000; wrong.length < 22; n += 37337) if (!right.has(String(n))) wrong.push(String(n));
  const answers = await Promise.all(wrong.map(async (code) => {
    const c = new Browser(host);
    c.jar = new Map(jar);
    const r = await c.post("/login/totp", { csrf, code });
    return r.status === 303 ? "session" : /not correct or has been used/.test(await r.text()) ? "evaluated" : "refused";
  }));
  const evaluated = answers.filter((a) => a === "evaluated").length;
  const last = new Browser(host);
  last.jar = new Map(jar);
  const r = await last.post("/login/totp", { csrf, code: totp(DEMO_TOTP) });
  const session = r.status === 303 && last.jar.has("__Host-mp_session");
  return verdict(evaluated > TOTP_ATTEMPTS || session,
    `${wrong.length} wrong codes at once: ${evaluated} evaluated (limit ${TOTP_ATTEMPTS}); the right code after them: ${session ? "signed in" : `refused (${r.status})`}`);
}

async function loginFlood(host) {
  const email = "sarah.johnson@example.org";
  const before = (await mailsTo(host, email)).length;
  const b = new Browser(host);
  const csrf = csrfOf(await (await b.get("/login")).text());
  const answers = await Promise.all(Array.from({ length: 20 }, () => b.post("/login", { csrf, email }).then((r) => r.status)));
  await sleep(300);
  const sent = (await mailsTo(host, email)).length - before;
  return verdict(sent > EMAIL_LIMIT, `20 simultaneous POST /login (${answers.filter((s) => s === 200).length}×200): ${sent} mails sent (limit ${EMAIL_LIMIT})`);
}

async function ownerIgnored(host) {
  // after loginFlood, others use up the address's quota one request at a time
  const email = "sarah.johnson@example.org";
  const others = new Browser(host);
  const csrfOthers = csrfOf(await (await others.get("/login")).text());
  for (let i = 0; i <= EMAIL_LIMIT; i++) await (await others.post("/login", { csrf: csrfOthers, email })).arrayBuffer();
  await sleep(200);
  const before = (await mailsTo(host, email)).length;
  const b = new Browser(host);
  const csrf = csrfOf(await (await b.get("/login")).text());
  const r = await b.post("/login", { csrf, email });
  const page = await r.text();
  await sleep(200);
  const sent = (await mailsTo(host, email)).length - before;
  const normal = r.status === 200 && CHECK_EMAIL.test(page);
  return verdict(normal && sent === 0,
    `owner's own request after the flood: ${r.status}${normal ? ' "check your email"' : ""}, ${sent} mail${sent === 1 ? "" : "s"} sent`);
}

async function forgedAddress(host) {
  const b = new Browser(host);
  const csrf = csrfOf(await (await b.get("/login")).text());
  const n = ADDRESS_LIMIT + 10;
  let accepted = 0, limited = 0;
  for (let i = 0; i < n; i++) {
    const ip = `198.51.${100 + (i >> 8)}.${i & 255}`;
    const r = await b.post("/login", { csrf, email: `nobody-${i}.${run}@example.invalid` }, { "cf-connecting-ip": ip, "x-forwarded-for": ip, "x-real-ip": ip });
    await r.arrayBuffer();
    if (r.status === 200) accepted++;
    else if (r.status === 429) limited++;
  }
  return verdict(accepted > ADDRESS_LIMIT, `${n} POST /login, each with a new CF-Connecting-IP/X-Forwarded-For: ${accepted} accepted, ${limited} limited (limit ${ADDRESS_LIMIT} per address)`);
}

async function preClaim(host) {
  const victim = `victim.${run}@example.org`;
  const marker = `Mallory${run}`;
  const a = new Browser(host);
  let csrf = csrfOf(await (await a.get("/register")).text());
  const ra = await a.post("/register", { csrf, email: victim, country: "US", profession: "physician", name: `${marker} visit evil.example`, terms: "1" });
  await ra.arrayBuffer();
  const v = new Browser(host);
  csrf = csrfOf(await (await v.get("/register")).text());
  const rv = await v.post("/register", { csrf, email: victim, country: "DE", profession: "physician", name: "Dr. Vera Victim", terms: "1" });
  await rv.arrayBuffer();
  const { res, link } = await redeemLink(host, v, victim);
  const claims = sessionClaims(v);
  const mails = await mailsTo(host, victim);
  const evidence = [];
  if (claims?.rgn === "us" || claims?.ctry === "US") evidence.push(`victim's account in region ${claims.rgn}/${claims.ctry}`);
  else if (!claims && link?.r === "us") evidence.push("victim's sign-in link points to the us region");
  if (claims?.name?.includes(marker)) evidence.push("victim's account carries the attacker's name");
  if (mails.some((m) => m.text.includes(marker) || m.subject.includes(marker))) evidence.push("a mail to the victim carries the attacker's text");
  return evidence.length
    ? succeeded(evidence.join("; "))
    : held(`victim ${claims ? `signed in, region ${claims.rgn}, country ${claims.ctry}` : `not signed in (${res?.status ?? "no link"})`}; no mail carries the attacker's text`);
}

async function devModeInProduction(nppesUrl) {
  let portal;
  try {
    portal = await startPortal({ vars: { dev_mode: "true", public_origin: "https://portal.example.com", npi_registry_url: nppesUrl } });
  } catch (e) {
    return held(`the runtime refuses to start: ${String(e.message).split("\n")[0].slice(0, 80)}`);
  }
  try {
    const box = await fetch(portal.url + "/dev/outbox");
    await box.arrayBuffer();
    const roles = await fetch(portal.url + "/admin/roles", { headers: { cookie: `__Host-mp_session=${devKeyToken({})}` } });
    await roles.arrayBuffer();
    return verdict(box.status === 200 || roles.status === 200,
      `dev_mode=true with an https origin: /dev/outbox ${box.status}; admin token signed with the public dev key at /admin/roles ${roles.status}`);
  } finally {
    await portal.stop();
  }
}

async function npiAbuse(host) {
  const verify = async (b, number) => {
    const form = await b.get("/verify");
    const r = await b.post("/verify", { csrf: csrfOf(await form.text()), npi: number });
    await r.arrayBuffer();
    return r.status;
  };
  const verified = async (b) => /You are verified as a healthcare professional/.test(await (await b.get("/account")).text());
  const [one] = Object.entries(NPIS).filter(([, p]) => p.first_name === "JANE" && p.status === "A").map(([n]) => n);
  const [two] = Object.entries(NPIS).filter(([, p]) => p.first_name === "JOHN" && p.status === "A").map(([n]) => n);
  const out = [];
  // one NPI, two accounts
  const first = await registerAndSignIn(host, `npi-first.${run}@example.org`, { name: "Dr. Jane Doe" });
  const second = await registerAndSignIn(host, `npi-second.${run}@example.org`, { name: "Jane Doe" });
  await verify(first, one);
  const s2 = await verify(second, one);
  const both = (await verified(first)) && (await verified(second));
  out.push([both, `NPI ${one} verified two accounts: ${both ? "yes" : `no (second: ${s2})`}`]);
  // a name that merely contains the registry's names
  const impostor = await registerAndSignIn(host, `npi-impostor.${run}@example.org`, { name: "Mallory John Smith Impostor" });
  await verify(impostor, two);
  const contained = await verified(impostor);
  out.push([contained, `"Mallory John Smith Impostor" for JOHN SMITH: ${contained ? "verified" : "not verified"}`]);
  // submissions in a row
  const guesser = await registerAndSignIn(host, `npi-guess.${run}@example.org`, { name: "Dr. Guess Work" });
  const asked = host.nppes.requests.length;
  const statuses = [];
  for (let i = 0; i < 22; i++) statuses.push(await verify(guesser, npi(String(100000000 + 7919 * i + Number.parseInt(run.slice(-3), 36)).slice(-9))));
  const lookups = host.nppes.requests.length - asked;
  const limited = statuses.filter((s) => s === 429).length;
  out.push([lookups >= 20 && limited === 0, `22 NPI submissions in a row: ${lookups} registry lookups, ${limited} refused with 429`]);
  return verdict(out.some(([open]) => open), out.map(([, e]) => e).join("; "));
}

async function evidenceDownload(host) {
  const email = `evidence.${run}@example.org`;
  const b = await registerAndSignIn(host, email, { country: "DE", name: "Dr. Eva Evidence" });
  const csrf = csrfOf(await (await b.get("/verify")).text());
  const pdf = `%PDF-1.7\n% ${run}\n<script>alert(1)</script>\n%%EOF`;
  const up = await b.upload("/verify/evidence", { csrf, note: "Ärztekammer" }, { data: pdf, type: "application/pdf", name: "Approbationsurkunde Ärztekammer Müller.pdf" });
  if (up.status !== 303) throw new Error(`upload: ${up.status}`);
  const { b: v, res } = await firstFactor(host, "lars.nilsson@example.org");
  if (res.headers.get("location") !== "/login/totp") throw new Error("verifier: no second-factor step");
  const done = await v.post("/login/totp", { csrf: csrfOf(await (await v.get("/login/totp")).text()), code: totp(DEMO_TOTP) });
  if (done.status !== 303) throw new Error(`verifier second factor: ${done.status}`);
  const queue = await (await v.get("/admin/verifications")).text();
  let file;
  for (const [, id] of queue.matchAll(/href="\/admin\/verifications\/([\w-]+)"/g)) {
    if ((await (await v.get(`/admin/verifications/${id}`)).text()).includes(email)) {
      file = await v.get(`/admin/verifications/${id}/evidence`);
      break;
    }
  }
  if (!file) throw new Error("the upload is not in the verifier's queue");
  await file.arrayBuffer();
  const csp = file.headers.get("content-security-policy") ?? "";
  const disposition = file.headers.get("content-disposition");
  const sandboxed = /(^|[;,]\s*)sandbox\b/.test(csp);
  return verdict(!sandboxed || !disposition,
    `download ${file.status}: ${sandboxed ? "own sandbox CSP" : "no sandbox CSP"}; Content-Disposition ${disposition ? `"${disposition.slice(0, 60)}"` : "missing"} for a non-ASCII name`);
}

async function searchLeak(host) {
  const letters = (s) => s.replace(/\d/g, (d) => "bcdfghjklm"[d]);
  const secret = `zel${letters(run)}mab`;
  const control = `vor${letters(run)}mab`;
  const typo = (w) => w.slice(0, 5) + (w[5] === "q" ? "x" : "q") + w.slice(6);
  const r = await fetch(host.url + "/admin/search/index", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${DEV_SEARCH_INDEX_TOKEN}` },
    body: JSON.stringify({ market: "global", language: "en", upsert: [{ id: `attack-${run}`, title: "Interim analysis", summary: "Interim data.", body: `Interim data of ${secret} in haemoglobinuria.`, audience: "hcp", content_type: "clinical_summary", therapeutic_areas: ["haematology"], published: "2026-11-02" }] }),
  });
  if (r.status !== 200) throw new Error(`indexing: ${r.status}`);
  const page = async (q) => (await (await fetch(`${host.url}/search?q=${q}`)).text()).replace(/([?&]|&amp;)t=\d+/g, "$1t=");
  const out = [];
  for (const [what, s, c] of [["the word", secret, control], ["a one-letter typo", typo(secret), typo(control)]]) {
    const p = await page(s);
    const differs = p.replaceAll(s, c) !== (await page(c));
    const counted = HIDDEN.test(p);
    const named = p.includes(secret) && s !== secret;
    out.push([counted || differs || named, `${what}: ${counted ? '"further result for verified HCPs" shown' : "no count"}${named ? ", did-you-mean names it" : ""}${differs ? ", page differs from an unknown word's" : ""}`]);
  }
  return verdict(out.some(([open]) => open), `anonymous search for a word only in an HCP-only body — ${out.map(([, e]) => e).join("; ")}`);
}

async function chunkedBody(host) {
  const size = BODY_LIMIT * 2 + 12345;
  const r = await chunkedPost(host.url, "/login", size);
  const mib = (n) => `${(n / 1048576).toFixed(1)} MiB`;
  if (r.error) return held(`${mib(size)} chunked to POST /login: connection closed without an answer (${r.error}) after ${mib(r.written)}`);
  return verdict(r.status !== 413, `${mib(size)} chunked (no Content-Length) to POST /login: ${r.status}, answered after ${mib(r.written)} were sent`);
}

async function csrfAfterSignIn(host) {
  const { b, res, csrf0 } = await firstFactor(host, "olivia.brown@example.org");
  if (!b.jar.has("__Host-mp_session")) throw new Error(`no session (${res.status})`);
  const r = await b.post("/logout", { csrf: csrf0 });
  await r.arrayBuffer();
  return verdict(r.status !== 403, `the login page's pre-session CSRF token, posted after sign-in to /logout: ${r.status}`);
}

async function anonymousCounters(host, mf) {
  const db = await mf.getD1Database("db_us", "search");
  const day = new Date().toISOString().slice(0, 10);
  const clicks = async () =>
    Number((await db.prepare("SELECT n FROM search_signal_counts WHERE day = ?1 AND metric = 'clicks'").bind(day).first("n")) ?? 0);
  const before = await clicks();
  const n = 150;
  for (let i = 0; i < n; i++) {
    const r = await fetch(`${host.url}/search/click?to=/content/how-to-report-a-suspected-adverse-reaction&r=1`, { redirect: "manual" });
    await r.arrayBuffer();
  }
  const counted = (await clicks()) - before;
  return verdict(counted >= n, `${n} anonymous clicks from one address: ${counted} counted`);
}

// ---------------------------------------------------------------------------------------------

const nppes = await startFakeNppes();
let portal;
try {
  portal = await startPortal({ vars: { dev_mode: "true", public_origin: "http://127.0.0.1", npi_registry_url: nppes.url, outbound_timeout_ms: "1500" } });
  await importLibrary(portal.url, DEV_SEARCH_INDEX_TOKEN);
  await seedSearch(portal.url, DEV_SEARCH_INDEX_TOKEN, await itemsFromD1(portal.mf));
  const host = { url: portal.url, nppes };
  console.log(`attacks against the portal in workerd at ${host.url} (dev mode, fake NPPES registry)\n`);
  await attack("1", "TOTP: 22 wrong codes at once for one second-factor step, then the right one", () => totpFlood(host));
  await attack("2a", "sign-in links: 20 simultaneous POST /login for one address", () => loginFlood(host));
  await attack("2b", "sign-in links: the owner's request after others used up the quota", () => ownerIgnored(host));
  await attack("4", "pre-claiming: attacker registers the victim's address first (US, own name)", () => preClaim(host));
  await attack("5", "dev mode in a production-shaped config", () => devModeInProduction(nppes.url));
  await attack("6", "NPI: reuse, contained names, unlimited submissions", () => npiAbuse(host));
  await attack("7", "evidence download headers", () => evidenceDownload(host));
  await attack("8", "search: HCP-only body words through the anonymous hidden-result count", () => searchLeak(host));
  await attack("9", "unbounded bodies: chunked request larger than the limit", () => chunkedBody(host));
  await attack("10a", "CSRF: a pre-session token still accepted after sign-in", () => csrfAfterSignIn(host));
  await attack("10b", "anonymous search/click counters without limit", () => anonymousCounters(host, portal.mf));
  // last: it spends this machine's per-address budget when the limit holds
  await attack("3", "forged CF-Connecting-IP / X-Forwarded-For resets the per-address limit", () => forgedAddress(host));
} finally {
  await portal?.stop();
  await nppes.stop();
}

const ok = results.filter((r) => r.outcome === "HELD").length;
const open = results.filter((r) => r.outcome === "SUCCEEDED");
const errors = results.filter((r) => r.outcome === "ERROR");
console.log("\n| #   | outcome   | attack | evidence |\n|-----|-----------|--------|----------|");
for (const r of [...results].sort((a, b) => parseInt(a.id) - parseInt(b.id) || a.id.localeCompare(b.id))) {
  console.log(`| ${r.id.padEnd(3)} | ${r.outcome.padEnd(9)} | ${r.name} | ${r.evidence.replaceAll("|", "/")} |`);
}
console.log(`\n${ok} held, ${errors.length} could not run`);
console.log(`${open.length} attacks succeeded`);
process.exitCode = STRICT && (open.length > 0 || errors.length > 0) ? 1 : 0;
