// Identity contract: registration → email link → session → account → logout on every host,
// CSRF refusals with nothing written, no user enumeration, and the forged-token suite.
// Run: MEDPORTAL_HOSTS=native node --test tests/contract/identity.test.mjs
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac, generateKeyPairSync, sign as edSign } from "node:crypto";
import { startHost, OUTBOUND_TIMEOUT_MS } from "./hosts.mjs";
import { Browser, csrfOf, lastLink, staffSignIn, totp, DEMO_TOTP } from "./browser.mjs";

const HOSTS = (process.env.MEDPORTAL_HOSTS ?? "native,workerd,spin").split(",").filter(Boolean);
const PROTECTED = ["/account", "/account/profile", "/verify"];
// Staff pages: an HCP session gets 403, a forged or missing one 401.
const STAFF_ONLY = ["/admin/verifications", "/admin/roles", "/admin/search"];
const HCP_ITEM = "/content/metformin-type-2-diabetes-efficacy";
const HCP_BODY = "UK Prospective Diabetes Study";
const b64 = (x) => Buffer.from(typeof x === "string" ? x : JSON.stringify(x)).toString("base64url");

async function registerAndSignIn(host, email, country = "US") {
  const b = new Browser(host);
  const csrf = csrfOf(await (await b.get("/register")).text());
  const res = await b.post("/register", { csrf, email, country, profession: "physician", name: "Dr. Jane Doe", terms: "1" });
  assert.equal(res.status, 200, await res.text());
  const link = await lastLink(host, email);
  const confirm = await b.get(link.path);
  assert.equal(confirm.status, 200);
  const res2 = await b.post("/login/verify", { csrf: csrfOf(await confirm.text()), r: link.r, t: link.t });
  assert.equal(res2.status, 303, await res2.text());
  assert.equal(res2.headers.get("location"), "/account");
  return { b, link };
}

function forgedTokens(good) {
  const [h, p, s] = good.split(".");
  const header = JSON.parse(Buffer.from(h, "base64url"));
  const payload = JSON.parse(Buffer.from(p, "base64url"));
  const now = Math.floor(Date.now() / 1000);
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const edToken = (hd, pl) => {
    const msg = `${b64(hd)}.${b64(pl)}`;
    return `${msg}.${edSign(null, Buffer.from(msg), privateKey).toString("base64url")}`;
  };
  const hsToken = (hd, pl, secret) => {
    const msg = `${b64(hd)}.${b64(pl)}`;
    return `${msg}.${createHmac("sha256", secret).update(msg).digest("base64url")}`;
  };
  const out = {
    "alg none": `${b64({ ...header, alg: "none" })}.${p}.`,
    "alg None": `${b64({ ...header, alg: "None" })}.${p}.${s}`,
    "wrong key": edToken(header, payload),
    "HS256 confusion": hsToken({ ...header, alg: "HS256" }, payload, "medportal"),
    "HS256 with kid as secret": hsToken({ ...header, alg: "HS256" }, payload, header.kid),
    "expired (wrong key needed to change)": edToken(header, { ...payload, exp: now - 3600 }),
    "nbf future": edToken(header, { ...payload, nbf: now + 3600 }),
    "wrong aud": edToken(header, { ...payload, aud: "other" }),
    "wrong iss": edToken(header, { ...payload, iss: "evil" }),
    "wrong typ": `${b64({ ...header, typ: "JWT" })}.${p}.${s}`,
    "injected jwk": edToken({ ...header, jwk: publicKey.export({ format: "jwk" }) }, payload),
    "injected jku": `${b64({ ...header, jku: "https://evil.example/jwks" })}.${p}.${s}`,
    "unknown kid": `${b64({ ...header, kid: "k9" })}.${p}.${s}`,
    "tampered header": `${b64({ ...header, extra: 1 })}.${p}.${s}`,
    "tampered payload": `${h}.${b64({ ...payload, roles: ["admin"], vs: "verified" })}.${s}`,
    "tampered signature": `${h}.${p}.${s.slice(0, -4)}${s.slice(-4) === "AAAA" ? "BBBB" : "AAAA"}`,
    truncated: good.slice(0, good.length - 10),
    "no signature": `${h}.${p}`,
    oversized: good + "A".repeat(5000),
    garbage: "x".repeat(40),
  };
  return out;
}

for (const hostName of HOSTS) {
  describe(`identity on ${hostName}`, () => {
    let host;
    const run = `${hostName}-${Date.now().toString(36)}`;
    before(async () => {
      host = await startHost(hostName);
    });
    after(async () => {
      await host?.stop();
    });

    test("register → email link → account → logout; the old token is revoked", async () => {
      const email = `jane.${run}@example.org`;
      const { b, link } = await registerAndSignIn(host, email);
      assert.equal(link.r, "us");
      const cookie = b.jar.get("__Host-mp_session");
      assert.ok(cookie);
      const account = await b.get("/account");
      assert.equal(account.status, 200);
      assert.match(account.headers.get("cache-control"), /no-store/);
      const html = await account.text();
      assert.ok(html.includes(email));
      // the link is single-use
      const again = new Browser(host);
      again.jar.set("__Host-mp_login", "x");
      const c2 = await again.get(link.path);
      const r2 = await again.post("/login/verify", { csrf: csrfOf(await c2.text()), r: link.r, t: link.t });
      assert.equal(r2.status, 400);
      // logout revokes the session
      const out = await b.post("/logout", { csrf: csrfOf(html) });
      assert.equal(out.status, 303);
      assert.equal(b.jar.has("__Host-mp_session"), false);
      const replay = await fetch(host.url + "/account", { headers: { cookie: `__Host-mp_session=${cookie}` } });
      assert.equal(replay.status, 401);
    });

    test("NPI verification against the (fake) NPPES registry: verified session, rejection with a reason", async () => {
      const verify = async (email, npi) => {
        const { b } = await registerAndSignIn(host, email);
        const form = await b.get("/verify");
        assert.equal(form.status, 200);
        const res = await b.post("/verify", { csrf: csrfOf(await form.text()), npi });
        return { b, res };
      };
      const seen = host.nppes.requests.length;
      const { b, res } = await verify(`npi.${run}@example.org`, "1234567893");
      assert.equal(res.status, 303, await res.text());
      assert.deepEqual(host.nppes.requests.slice(seen), ["/api/?version=2.1&number=1234567893"]);
      // the next page re-issues the session with the new status
      const account = await b.get("/account");
      assert.equal(account.status, 200);
      assert.match(await account.text(), /You are verified as a healthcare professional/);
      const token = b.jar.get("__Host-mp_session");
      const claims = JSON.parse(Buffer.from(token.split(".")[1], "base64url"));
      assert.equal(claims.vs, "verified");
      // the content function honours the verified session: the HCP-only item is readable
      assert.ok((await (await b.get(HCP_ITEM)).text()).includes(HCP_BODY), "verified HCP sees the body");
      assert.equal((await (await fetch(host.url + HCP_ITEM)).text()).includes(HCP_BODY), false, "anonymous visitors do not");
      // someone else's NPI is rejected with the reason shown; the session stays unverified
      const other = await verify(`npi-other.${run}@example.org`, "1111111112");
      assert.equal(other.res.status, 422);
      assert.match(await other.res.text(), /could not match this NPI/);
      const page = await (await other.b.get("/verify")).text();
      assert.match(page, /could not verify your professional status/);
    });

    test("an unresponsive registry leaves the verification pending, within the outbound deadline", async () => {
      // The fake holds its answer back far longer than the deadline: first the whole answer,
      // then (headers sent) the body.
      const stallMs = OUTBOUND_TIMEOUT_MS + 6000;
      for (const phase of ["headers", "body"]) {
        const { b } = await registerAndSignIn(host, `slow-${phase}.${run}@example.org`);
        const form = await b.get("/verify");
        const csrf = csrfOf(await form.text());
        const seen = host.nppes.requests.length;
        host.nppes.delay(stallMs, phase);
        const started = performance.now();
        let res;
        try {
          res = await b.post("/verify", { csrf, npi: "1234567893" });
        } finally {
          host.nppes.delay(0);
        }
        const took = performance.now() - started;
        const html = await res.text();
        assert.equal(res.status, 503, `${phase}: ${html.slice(0, 300)}`);
        assert.match(html, /professional register cannot be reached/, phase);
        assert.equal(host.nppes.requests.length, seen + 1, `${phase}: the registry was asked once`);
        // it waited for the deadline (not an unrelated early failure) and no longer
        assert.ok(took >= OUTBOUND_TIMEOUT_MS - 100 && took < OUTBOUND_TIMEOUT_MS + 2500, `${phase}: answered after ${Math.round(took)} ms`);
        const account = await (await b.get("/account")).text();
        assert.match(account, /Your verification is in progress/, phase);
        assert.doesNotMatch(account, /You are verified as a healthcare professional/, phase);
      }
    });

    test("no user enumeration: known and unknown emails get the same answer", async () => {
      const answer = async (email) => {
        const b = new Browser(host);
        const csrf = csrfOf(await (await b.get("/login")).text());
        const res = await b.post("/login", { csrf, email });
        return [res.status, (await res.text()).replaceAll(csrf, ""), b.jar.has("__Host-mp_login")];
      };
      assert.deepEqual(await answer("anna.mueller@example.org"), await answer(`nobody.${run}@example.org`));
    });

    test("every POST without a valid CSRF token is refused with 403 and writes nothing", async () => {
      const b = new Browser(host);
      const good = csrfOf(await (await b.get("/register")).text());
      const email = `csrf.${run}@example.org`;
      const form = (csrf) => ({ ...(csrf === undefined ? {} : { csrf }), email, country: "DE", profession: "nurse", name: "C S", terms: "1", r: "eu", t: "x".repeat(43), npi: "1234567893", step: "specialty", value: "x" });
      for (const path of ["/register", "/login", "/login/verify", "/logout", "/account/profile", "/verify", "/verify/oidc", "/login/totp", "/admin/verifications/x", "/admin/roles/x"]) {
        for (const bad of [undefined, "", "forged", good.slice(0, -1) + (good.endsWith("A") ? "B" : "A")]) {
          const res = await b.post(path, form(bad));
          assert.equal(res.status, 403, `${path} csrf=${bad}`);
        }
        // a valid token with a cross-site origin, and a valid token from another browser
        assert.equal((await b.post(path, form(good), { origin: "https://evil.example", "sec-fetch-site": "cross-site" })).status, 403, path);
        assert.equal((await new Browser(host).post(path, form(good))).status, 403, path);
      }
      const outbox = await (await fetch(host.url + "/dev/outbox")).text();
      assert.equal(outbox.includes(email), false, "a mail was sent");
    });

    test("forged session tokens are never accepted on protected routes", async () => {
      const { b } = await registerAndSignIn(host, `forge.${run}@example.org`);
      const good = b.jar.get("__Host-mp_session");
      for (const path of PROTECTED) {
        const ok = await fetch(host.url + path, { headers: { cookie: `__Host-mp_session=${good}` } });
        assert.equal(ok.status, 200, path);
      }
      for (const path of STAFF_ONLY) {
        const res = await fetch(host.url + path, { headers: { cookie: `__Host-mp_session=${good}` } });
        assert.equal(res.status, 403, path);
      }
      let accepted = [];
      for (const [what, tok] of Object.entries(forgedTokens(good))) {
        for (const path of [...PROTECTED, ...STAFF_ONLY]) {
          const res = await fetch(host.url + path, { headers: { cookie: `__Host-mp_session=${tok}` } });
          if (res.status !== 401) accepted.push(`${what} @ ${path}: ${res.status}`);
        }
        // content: a forged token (e.g. payload tampered to vs=verified) never opens HCP-only text
        const item = await (await fetch(host.url + HCP_ITEM, { headers: { cookie: `__Host-mp_session=${tok}` } })).text();
        if (item.includes(HCP_BODY)) accepted.push(`${what} @ ${HCP_ITEM}`);
      }
      assert.deepEqual(accepted, []);
    });
    test("staff sign in with a second factor; an HCP's evidence is reviewed by the region's verifier", async () => {
      // the HCP (eu) uploads evidence
      const email = `evidence.${run}@example.org`;
      const { b } = await registerAndSignIn(host, email, "DE");
      const page = await (await b.get("/verify")).text();
      assert.match(page, /enctype="multipart\/form-data"/);
      const csrf = csrfOf(page);
      assert.equal((await b.upload("/verify/evidence", {}, { data: "%PDF-1.7 x", type: "application/pdf", name: "a.pdf" })).status, 403, "no CSRF token");
      assert.equal((await b.upload("/verify/evidence", { csrf }, { data: "MZ\x90", type: "application/pdf", name: "a.pdf" })).status, 400, "not a document");
      const pdf = "%PDF-1.7\n% licence of " + run + "\n%%EOF";
      const up = await b.upload("/verify/evidence", { csrf, note: "Ärztekammer Berlin 4711" }, { data: pdf, type: "application/pdf", name: "Approbation.pdf" });
      assert.equal(up.status, 303, await up.text());
      assert.match(await (await b.get("/verify?done=evidence")).text(), /has been waiting for review/);
      // the evidence object is in the eu object store only
      const euBlobs = await host.dump("blob_eu");
      assert.ok(euBlobs.some((k) => k.startsWith("evidence/eu-u-")), JSON.stringify(euBlobs));
      assert.equal((await host.dump("blob_us")).some((k) => k.startsWith("evidence/")), false);
      // the eu verifier, signed in with the second factor, sees and decides it
      const v = await staffSignIn(host, "lars.nilsson@example.org");
      const claims = JSON.parse(Buffer.from(v.jar.get("__Host-mp_session").split(".")[1], "base64url"));
      assert.equal(claims.mfa, true);
      const queue = await (await v.get("/admin/verifications")).text();
      const ids = [...queue.matchAll(/href="\/admin\/verifications\/([\w-]+)"/g)].map((m) => m[1]);
      let id;
      for (const candidate of ids) {
        const review = await (await v.get(`/admin/verifications/${candidate}`)).text();
        if (review.includes(email)) id = candidate;
      }
      assert.ok(id, "request in the queue");
      const file = await v.get(`/admin/verifications/${id}/evidence`);
      assert.equal(file.status, 200);
      assert.match(file.headers.get("content-disposition"), /^attachment; filename="Approbation.pdf"/);
      assert.equal(await file.text(), pdf);
      const review = await (await v.get(`/admin/verifications/${id}`)).text();
      assert.equal((await v.post(`/admin/verifications/${id}`, { csrf: csrfOf(review), decision: "reject" })).status, 400, "a rejection needs a reason");
      const decided = await v.post(`/admin/verifications/${id}`, { csrf: csrfOf(review), decision: "approve" });
      assert.equal(decided.status, 303);
      // the HCP is verified (the next page re-issues the session) and can read HCP-only content
      assert.match(await (await b.get("/account")).text(), /You are verified as a healthcare professional/);
      assert.ok((await (await b.get(HCP_ITEM)).text()).includes(HCP_BODY));
      assert.match(await (await fetch(host.url + "/dev/outbox")).text(), /your professional status has been verified/);
      // the us verifier cannot see eu requests
      const u = await staffSignIn(host, "emily.davis@example.org");
      assert.equal((await u.get(`/admin/verifications/${id}`)).status, 404);
    });

    test("verification through the (fake) OpenID Connect provider: authorization code + PKCE", async () => {
      const flow = async (email, profile) => {
        const { b } = await registerAndSignIn(host, email, "DE");
        const page = await (await b.get("/verify")).text();
        assert.match(page, /Verify with DocCheck/);
        const start = await b.post("/verify/oidc", { csrf: csrfOf(page) });
        assert.equal(start.status, 303);
        const authorize = start.headers.get("location");
        assert.ok(authorize.startsWith(host.oidc.url + "/authorize?"), authorize);
        host.oidc.nextProfile = profile;
        const back = await fetch(authorize, { redirect: "manual" });
        assert.equal(back.status, 302);
        const callback = new URL(back.headers.get("location"));
        assert.equal(callback.pathname, "/verify/oidc/callback");
        const done = await b.get(callback.pathname + callback.search);
        // replaying the callback fails: the state is single use
        const replay = await b.get(callback.pathname + callback.search);
        assert.equal(replay.status, 400);
        return { b, done };
      };
      const ok = await flow(`oidc.${run}@example.org`, { sub: `dc-${run}`, profession: "physician", country: "DE" });
      assert.equal(ok.done.status, 303, await ok.done.text());
      assert.match(await (await ok.b.get("/account")).text(), /You are verified as a healthcare professional/);
      assert.ok(host.oidc.requests.includes("POST /token") && host.oidc.requests.includes("GET /userinfo"));
      const other = await flow(`oidc-fr.${run}@example.org`, { sub: `dc-fr-${run}`, profession: "physician", country: "FR" });
      assert.equal(other.done.status, 303);
      assert.match(await (await other.b.get("/verify")).text(), /a different country of practice/);
    });

    test("an administrator changes roles; the person is signed out and needs a second factor next time", async () => {
      const email = `roles.${run}@example.org`;
      const { b } = await registerAndSignIn(host, email, "FR");
      assert.equal((await b.get("/account")).status, 200);
      const a = await staffSignIn(host, "tom.obrien@example.org");
      const list = await (await a.get(`/admin/roles?q=${encodeURIComponent(email)}`)).text();
      const uid = list.match(/href="\/admin\/roles\/([\w-]+)"/)[1];
      const form = await (await a.get(`/admin/roles/${uid}`)).text();
      const seen = form.match(/name="seen" value="([^"]*)"/)[1];
      assert.equal(seen, "hcp");
      const res = await a.post(`/admin/roles/${uid}`, { csrf: csrfOf(form), seen, role: "author" });
      // a staff role without a second factor: the one-time enrolment code is shown once
      assert.equal(res.status, 200);
      assert.match(await res.text(), /One-time enrolment code: [0-9a-z-]+/);
      // a second change from the form read before the first: 409, nothing saved, the roles
      // held now named, the form based on them
      const late = await a.post(`/admin/roles/${uid}`, [["csrf", csrfOf(form)], ["seen", seen], ["role", "hcp"], ["role", "verifier"]]);
      assert.equal(late.status, 409);
      const latePage = await late.text();
      assert.match(latePage, /Another administrator changed this person's roles/);
      assert.match(latePage, /Roles held now: <strong>Author<\/strong>/);
      assert.match(latePage, /name="seen" value="author"/);
      assert.match(await (await a.get(`/admin/roles?q=${encodeURIComponent(email)}`)).text(), /Author/);
      assert.equal((await b.get("/account")).status, 401, "sessions end when roles change");
      await new Promise((r) => setTimeout(r, 1100)); // revocation has one-second resolution
      const c = new Browser(host);
      assert.equal((await c.post("/login", { csrf: csrfOf(await (await c.get("/login")).text()), email })).status, 200);
      const link = await lastLink(host, email);
      const confirm = await c.get(link.path);
      const r = await c.post("/login/verify", { csrf: csrfOf(await confirm.text()), r: link.r, t: link.t });
      assert.equal(r.headers.get("location"), "/login/totp");
      assert.match(await (await c.get("/login/totp")).text(), /otpauth:\/\/totp\//, "enrolment offered");
    });
  });
}
