// Production mail on every host: identity's `http` mail transport against a fake JSON mail API
// (tests/fakes/mailapi.mjs). A registration's link reaches the API (not the dev outbox) and
// works; during an outage the person is told the email could not be sent (503), the mail is
// kept, and once the API is back it is retried and delivered, and its link still works.
// Run: MEDPORTAL_HOSTS=native node --test tests/contract/mail.test.mjs
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { startBareHost, DEV_VARS } from "./hosts.mjs";
import { startPortal } from "../workerd/portal.mjs";
import { Browser, csrfOf } from "./browser.mjs";
import { startFakeMailApi } from "../fakes/mailapi.mjs";

const HOSTS = (process.env.MEDPORTAL_HOSTS ?? "native,workerd,spin").split(",").filter(Boolean);
const RETRY_AFTER_MS = 5_500; // the first retry of a kept mail is due 5 s after the failure

async function register(host, email) {
  const b = new Browser(host);
  const csrf = csrfOf(await (await b.get("/register")).text());
  const res = await b.post("/register", { csrf, email, country: "DE", profession: "physician", name: "Dr. Erika Muster", terms: "1" });
  return { b, res, html: await res.text() };
}

/** The sign-in link inside a mail text: { path, r, t }. */
function linkOf(text) {
  const m = text.match(/(\/login\/verify\?r=(\w+)&t=([\w-]{43}))/);
  assert.ok(m, `no link in ${JSON.stringify(text)}`);
  return { path: m[1], r: m[2], t: m[3] };
}

async function signIn(b, link) {
  const confirm = await b.get(link.path);
  assert.equal(confirm.status, 200);
  const res = await b.post("/login/verify", { csrf: csrfOf(await confirm.text()), r: link.r, t: link.t });
  assert.equal(res.status, 303, await res.text());
  assert.equal(res.headers.get("location"), "/account");
}

for (const name of HOSTS) {
  describe(`mail over an HTTP mail API on ${name}`, () => {
    let host;
    let api;
    before(async () => {
      api = await startFakeMailApi();
      host = await startBareHost(name, { ...DEV_VARS, ...api.vars });
    });
    after(async () => {
      await host?.stop();
      await api?.stop();
    });

    test("a registration's sign-in link reaches the mail API, not the outbox, and works", async () => {
      const email = `api-${name}@example.org`;
      const { b, res, html } = await register(host, email);
      assert.equal(res.status, 200, html);
      const [mail, ...more] = api.to(email);
      assert.equal(more.length, 0);
      assert.equal(mail.from, "no-reply@portal.test");
      assert.ok(mail.key, "an idempotency key");
      const outbox = await (await fetch(host.url + "/dev/outbox")).text();
      assert.equal(outbox.includes(email), false, "the dev outbox is not used");
      await signIn(b, linkOf(mail.text));
    });

    test("an outage is shown to the person, kept, retried once the API is back, and the link works", async () => {
      const email = `outage-${name}@example.org`;
      api.down(true);
      const failed = await register(host, email);
      api.down(false);
      assert.equal(failed.res.status, 503, failed.html);
      assert.match(failed.html, /We could not send the email/);
      assert.equal(api.to(email).length, 0);
      await new Promise((r) => setTimeout(r, RETRY_AFTER_MS));
      // the next mail of the region retries the kept one first
      const next = await register(host, `after-${name}@example.org`);
      assert.equal(next.res.status, 200, next.html);
      const [kept, ...twice] = api.to(email);
      assert.ok(kept, "the kept mail was delivered");
      assert.equal(twice.length, 0);
      assert.equal(api.to(`after-${name}@example.org`).length, 1);
      const attempts = api.requests.filter((r) => r.key === kept.key);
      assert.equal(attempts.length, 2, "one failed attempt, one retry, same idempotency key");
      await signIn(failed.b, linkOf(kept.text));
    });
  });
}

// Cloudflare Email Service exists on Workers only: identity with `mail_transport=cloudflare`
// and a `send_email` binding named `mail` (Miniflare's local binding, which logs each message
// and stores its text in a file) sends the registration's link through it, and the link works.
if (HOSTS.includes("workerd")) {
  describe("mail through Cloudflare's send_email binding on workerd", () => {
    let portal;
    const logs = [];
    before(async () => {
      const vars = { ...DEV_VARS, mail_transport: "cloudflare", mail_from: "no-reply@portal.test" };
      portal = await startPortal({ vars, sendEmail: [{ name: "mail" }], onOutput: (t) => logs.push(t) });
    });
    after(async () => await portal?.stop());

    test("a registration's link goes out through the binding and works", async () => {
      const email = "binding@example.org";
      const { b, res, html } = await register(portal, email);
      assert.equal(res.status, 200, html);
      const plain = logs.join("").replace(/\x1b\[[0-9;]*m/g, "");
      assert.match(plain, /send_email binding called with MessageBuilder:\s*From: no-reply@portal\.test\s*To: binding@example\.org/);
      const file = plain.match(/Text: (\S+\.txt)/);
      assert.ok(file, plain);
      await signIn(b, linkOf(readFileSync(file[1], "utf8")));
      const outbox = await (await fetch(portal.url + "/dev/outbox")).text();
      assert.equal(outbox.includes(email), false, "the dev outbox is not used");
    });
  });
}

// On Workers a cron trigger (wrangler.toml `[env.identity.triggers]`) retries kept mail too, so
// it goes out even when no other mail of its region follows.
if (HOSTS.includes("workerd")) {
  describe("the identity Worker's cron trigger retries kept mail on workerd", () => {
    let portal;
    let api;
    before(async () => {
      api = await startFakeMailApi();
      portal = await startPortal({ vars: { ...DEV_VARS, ...api.vars } });
    });
    after(async () => {
      await portal?.stop();
      await api?.stop();
    });

    test("a mail kept during an outage is delivered by the scheduled run, without another request", async () => {
      const email = "cron@example.org";
      api.down(true);
      const failed = await register(portal, email);
      api.down(false);
      assert.equal(failed.res.status, 503, failed.html);
      const identity = await portal.mf.getWorker("identity");
      await identity.scheduled({ cron: "* * * * *" });
      assert.equal(api.to(email).length, 0, "not due yet");
      await new Promise((r) => setTimeout(r, RETRY_AFTER_MS));
      await identity.scheduled({ cron: "* * * * *" });
      const [kept] = api.to(email);
      assert.ok(kept, "delivered by the scheduled run");
      await signIn(failed.b, linkOf(kept.text));
    });
  });
}
