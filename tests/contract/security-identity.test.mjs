// Identity security contract, on every host: attempt and link limits hold under concurrency
// (≥ 20 requests at once), a limit is said rather than hidden, registration creates nothing
// before the mailbox is proven, an NPI verifies one account, a pre-session CSRF token stops
// working at sign-in, and staff enrolment needs the administrator's one-time code.
// Requests from distinct client addresses bind distinct loopback source addresses.
// Run: MEDPORTAL_HOSTS=native node --test tests/contract/security-identity.test.mjs
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { startHost } from "./hosts.mjs";
import { Browser, csrfOf, lastLink, staffSignIn, totp, DEMO_TOTP } from "./browser.mjs";

const HOSTS = (process.env.MEDPORTAL_HOSTS ?? "native,workerd,spin").split(",").filter(Boolean);
const AT_ONCE = 20;
/** Answers a burst may get besides the expected ones: none, on every host (each request has
 * its own SQLite connection, as in Spin, and transactions are ordered by SQLite's locks). */
const burstFailures = () => [];

/** Waits, when needed, until a burst of requests cannot straddle the boundary of the
 * limits' fixed windows (10 minutes, an hour): across a boundary a limit counts afresh, as
 * fixed windows do, and an exact count could not be asserted. */
async function awayFromWindowEdge(seconds = 5) {
  const into = (Date.now() / 1000) % 600;
  if (into > 600 - seconds) await new Promise((r) => setTimeout(r, (600 - into + 1) * 1000));
}

/** The outbox page's mails to `email` (each mail lists its recipient once in its header). */
async function mailsTo(host, email) {
  const html = await (await fetch(host.url + "/dev/outbox")).text();
  return html.split(email).length - 1;
}

/** Follows the newest link mailed to `email` in browser `b`; the final response. */
async function followLink(host, b, email) {
  const link = await lastLink(host, email);
  const confirm = await b.get(link.path);
  return b.post("/login/verify", { csrf: csrfOf(await confirm.text()), r: link.r, t: link.t });
}

async function register(host, b, email, country, name = "Dr. Jane Doe") {
  const csrf = csrfOf(await (await b.get("/register")).text());
  return b.post("/register", { csrf, email, country, profession: "physician", name, terms: "1" });
}

async function registerAndSignIn(host, email, country, name) {
  const b = new Browser(host);
  assert.equal((await register(host, b, email, country, name)).status, 200);
  const res = await followLink(host, b, email);
  assert.equal(res.status, 303, await res.text());
  return b;
}

for (const hostName of HOSTS) {
  describe(`identity security on ${hostName}`, () => {
    let host;
    const run = `${hostName}-${Date.now().toString(36)}`;
    before(async () => {
      host = await startHost(hostName);
    });
    after(async () => {
      await host?.stop();
    });

    test("20 wrong second-factor codes at once get at most 5 evaluations; the right code afterwards gets no session", async () => {
      const email = "lars.nilsson@example.org";
      const b = new Browser(host);
      assert.equal((await b.post("/login", { csrf: csrfOf(await (await b.get("/login")).text()), email })).status, 200);
      const first = await followLink(host, b, email);
      assert.equal(first.headers.get("location"), "/login/totp");
      const csrf = csrfOf(await (await b.get("/login/totp")).text());
      const step = b.jar.get("__Host-mp_2fa");
      assert.ok(step);
      const right = totp(DEMO_TOTP);
      const wrong = right === "000000" ? "111111" : "000000";
      const answers = await Promise.all(Array.from({ length: AT_ONCE }, () => b.post("/login/totp", { csrf, code: wrong })));
      const pages = await Promise.all(answers.map((r) => r.text()));
      const tolerated = burstFailures(hostName);
      assert.ok(answers.every((r) => r.status === 400 || tolerated.includes(r.status)), JSON.stringify(answers.map((r) => r.status)));
      // evaluated attempts answer with the code form; the rest (no slot left) end the step
      const evaluated = pages.filter((p) => p.includes('name="code"')).length;
      assert.ok(evaluated <= 4, `${evaluated} attempts answered with the code form`);
      assert.equal(b.jar.has("__Host-mp_session"), false);
      // the step has ended: the right code opens no session
      b.jar.set("__Host-mp_2fa", step); // the same step, even if an answer cleared the cookie
      const late = await b.post("/login/totp", { csrf, code: right });
      assert.equal(late.status, 400);
      assert.equal(b.jar.has("__Host-mp_session"), false);
    });

    test("20 sign-in requests at once for one address send 5 mails; the owner elsewhere still gets one; refusals are said alike for unknown addresses", async () => {
      const email = "anna.mueller@example.org";
      // one request first, to learn how often one mail shows the address in the outbox
      const before = await mailsTo(host, email);
      const once = new Browser(host, { from: "127.0.0.5" });
      assert.equal((await once.post("/login", { csrf: csrfOf(await (await once.get("/login")).text()), email })).status, 200);
      const perMail = (await mailsTo(host, email)) - before;
      assert.ok(perMail > 0);
      const mails = async () => ((await mailsTo(host, email)) - before) / perMail;

      const attacker = new Browser(host, { from: "127.0.0.2" });
      const csrf = csrfOf(await (await attacker.get("/login")).text());
      await awayFromWindowEdge();
      const answers = await Promise.all(Array.from({ length: AT_ONCE }, () => attacker.post("/login", { csrf, email })));
      const statuses = answers.map((r) => r.status);
      const tolerated = burstFailures(hostName);
      const sent = statuses.filter((s) => s === 200).length;
      assert.ok(statuses.every((s) => s === 200 || s === 429 || tolerated.includes(s)), JSON.stringify(statuses));
      // (on Spin a request may fail after its mail went out: count the mails themselves)
      const burst = (await mails()) - 1;
      if (tolerated.length) assert.ok(burst <= 5 && burst >= sent, `${burst} mails; ${JSON.stringify(statuses)}`);
      else assert.ok(sent === 5 && burst === 5, `${burst} mails; ${JSON.stringify(statuses)}`);
      const refused = answers.find((r) => r.status === 429);
      assert.ok(Number(refused.headers.get("retry-after")) > 0);
      const known = (await refused.text()).replaceAll(csrf, "");
      assert.match(known, /Too many links requested/);
      assert.match(known, /try again in \d+ minutes/);
      // the owner, from their own address, is not locked out
      const owner = new Browser(host, { from: "127.0.0.3" });
      assert.equal((await owner.post("/login", { csrf: csrfOf(await (await owner.get("/login")).text()), email })).status, 200);
      assert.equal(await mails(), 1 + burst + 1);
      // an unknown address is counted and refused with the same page
      const nobody = `nobody.${run}@example.org`;
      for (let i = 0; i < 5; i++) assert.equal((await attacker.post("/login", { csrf, email: nobody })).status, 200);
      const unknown = await attacker.post("/login", { csrf, email: nobody });
      assert.equal(unknown.status, 429);
      assert.equal((await unknown.text()).replaceAll(csrf, ""), known);
      // registrations share the limit: 20 at once for one new address send 5 mails
      const fresh = `fresh.${run}@example.org`;
      const reg = new Browser(host, { from: "127.0.0.6" });
      const rcsrf = csrfOf(await (await reg.get("/register")).text());
      const form = { csrf: rcsrf, email: fresh, country: "DE", profession: "nurse", name: "Fresh Person", terms: "1" };
      await awayFromWindowEdge();
      const regs = (await Promise.all(Array.from({ length: AT_ONCE }, () => reg.post("/register", form)))).map((r) => r.status);
      const registered = regs.filter((s) => s === 200).length;
      assert.ok(regs.every((s) => s === 200 || s === 429 || tolerated.includes(s)), JSON.stringify(regs));
      const confirmations = (await mailsTo(host, fresh)) / perMail;
      if (tolerated.length) assert.ok(confirmations <= 5 && confirmations >= registered, `${confirmations} mails; ${JSON.stringify(regs)}`);
      else assert.ok(registered === 5 && confirmations === 5, `${confirmations} mails; ${JSON.stringify(regs)}`);
    });

    test("registering someone's address first fixes nothing: the owner's own registration works and no mail carries typed text", async () => {
      const victim = `victim.${run}@example.org`;
      const attacker = new Browser(host, { from: "127.0.0.4" });
      assert.equal((await register(host, attacker, victim, "US", "Mallory visit evil.example now")).status, 200);
      // the owner registers in Germany and confirms their own link
      const owner = new Browser(host);
      const answer = await register(host, owner, victim, "DE");
      assert.equal(answer.status, 200);
      const outbox = await (await fetch(host.url + "/dev/outbox")).text();
      assert.equal(outbox.includes("Mallory") || outbox.includes("evil.example"), false, "a mail carries the registrant's text");
      assert.equal(outbox.includes("Jane Doe"), false, "a mail carries the display name");
      const link = await lastLink(host, victim);
      assert.equal(link.r, "eu");
      const res = await followLink(host, owner, victim);
      assert.equal(res.status, 303, await res.text());
      assert.equal(res.headers.get("location"), "/account");
      const account = await (await owner.get("/account")).text();
      assert.ok(account.includes("Dr. Jane Doe") && account.includes(victim));
      assert.equal(account.includes("Mallory"), false);
      // a registration for a known address: the same answer, and a sign-in link that works
      const again = new Browser(host);
      const second = await register(host, again, victim, "US", "Someone Else");
      assert.equal(second.status, 200);
      assert.equal((await followLink(host, again, victim)).status, 303);
      assert.ok((await (await again.get("/account")).text()).includes("Dr. Jane Doe"));
    });

    test("an NPI verifies one account; another goes to a verifier with the reason; names match strictly; submissions are limited", async () => {
      const verify = async (b, npi) => {
        const form = await b.get("/verify");
        return b.post("/verify", { csrf: csrfOf(await form.text()), npi });
      };
      const first = await registerAndSignIn(host, `npi-one.${run}@example.org`, "US");
      assert.equal((await verify(first, "1234567893")).status, 303);
      const second = await registerAndSignIn(host, `npi-two.${run}@example.org`, "US");
      const res = await verify(second, "1234567893");
      assert.equal(res.status, 202);
      assert.match(await res.text(), /check this request by hand/);
      assert.match(await (await second.get("/account")).text(), /Your verification is in progress/);
      const v = await staffSignIn(host, "emily.davis@example.org");
      const queue = await (await v.get("/admin/verifications")).text();
      const ids = [...queue.matchAll(/href="\/admin\/verifications\/([\w-]+)"/g)].map((m) => m[1]);
      const reviews = await Promise.all(ids.map(async (id) => (await v.get(`/admin/verifications/${id}`)).text()));
      assert.ok(reviews.some((r) => r.includes(`npi-two.${run}@example.org`) && r.includes("This NPI already verifies another account")), "reason shown to the verifier");
      // the registry's words inside a chosen name are not a match
      const pretender = await registerAndSignIn(host, `npi-name.${run}@example.org`, "US", "Mallory Jane Doe");
      assert.equal((await verify(pretender, "1234567893")).status, 422);
      // per person: the sixth submission within the hour is refused, with a message
      const many = await registerAndSignIn(host, `npi-many.${run}@example.org`, "US", "Dr. Many Tries");
      for (let i = 0; i < 5; i++) assert.equal((await verify(many, "1111111112")).status, 422);
      const limited = await verify(many, "1111111112");
      assert.equal(limited.status, 429);
      assert.match(await limited.text(), /too many NPI checks/);
    });

    test("a pre-session CSRF token is refused once the browser is signed in", async () => {
      const b = new Browser(host);
      const anon = csrfOf(await (await b.get("/login")).text());
      const email = `csrf-pair.${run}@example.org`;
      assert.equal((await register(host, b, email, "DE")).status, 200);
      assert.equal((await followLink(host, b, email)).status, 303);
      assert.ok(b.jar.has("__Host-mp_session") && b.jar.has("__Host-mp_csrf"));
      assert.equal((await b.post("/account/profile", { csrf: anon, step: "specialty", value: "Cardiology" })).status, 403);
      const own = csrfOf(await (await b.get("/account/profile")).text());
      assert.notEqual(own, anon);
      assert.equal((await b.post("/account/profile", { csrf: own, step: "specialty", value: "Cardiology" })).status, 303);
    });

    test("a staff member's first authenticator needs the administrator's one-time enrolment code", async () => {
      const email = `enrol.${run}@example.org`;
      await registerAndSignIn(host, email, "FR");
      const a = await staffSignIn(host, "tom.obrien@example.org");
      const list = await (await a.get(`/admin/roles?q=${encodeURIComponent(email)}`)).text();
      const uid = list.match(/href="\/admin\/roles\/([\w-]+)"/)[1];
      const form = await (await a.get(`/admin/roles/${uid}`)).text();
      const granted = await a.post(`/admin/roles/${uid}`, [["csrf", csrfOf(form)], ["seen", form.match(/name="seen" value="([^"]*)"/)[1]], ["role", "hcp"], ["role", "verifier"]]);
      assert.equal(granted.status, 200);
      const code = (await granted.text()).match(/One-time enrolment code: ([0-9a-z-]+)/)[1];
      await new Promise((r) => setTimeout(r, 1100)); // revocation has one-second resolution
      const c = new Browser(host);
      assert.equal((await c.post("/login", { csrf: csrfOf(await (await c.get("/login")).text()), email })).status, 200);
      assert.equal((await followLink(host, c, email)).headers.get("location"), "/login/totp");
      const page = await (await c.get("/login/totp")).text();
      assert.match(page, /name="enrol_code"/);
      const secret = page.match(/id="totp-secret">([A-Z2-7 ]+)</)[1].replaceAll(" ", "");
      const without = await c.post("/login/totp", { csrf: csrfOf(page), code: totp(secret), enrol_code: "" });
      assert.equal(without.status, 400);
      assert.match(await without.text(), /enrolment code is missing, wrong or expired/);
      assert.equal(c.jar.has("__Host-mp_session"), false);
      const done = await c.post("/login/totp", { csrf: csrfOf(page), code: totp(secret), enrol_code: code });
      assert.equal(done.status, 303, await done.text());
      assert.ok(c.jar.has("__Host-mp_session"));
    });
  });
}
