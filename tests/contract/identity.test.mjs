// Identity contract: registration → email link → session → account → logout on every host,
// CSRF refusals with nothing written, no user enumeration, and the forged-token suite.
// Run: MEDPORTAL_HOSTS=native node --test tests/contract/identity.test.mjs
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac, generateKeyPairSync, sign as edSign } from "node:crypto";
import { startHost } from "./hosts.mjs";

const HOSTS = (process.env.MEDPORTAL_HOSTS ?? "native,workerd,spin").split(",").filter(Boolean);
const PROTECTED = ["/account", "/account/profile", "/verify"];
const b64 = (x) => Buffer.from(typeof x === "string" ? x : JSON.stringify(x)).toString("base64url");

class Browser {
  constructor(host) {
    this.host = host;
    this.jar = new Map();
  }
  async send(method, path, form, headers = {}) {
    const h = { ...headers };
    if (this.jar.size) h.cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
    let body;
    if (form) {
      h["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(form).toString();
    }
    const res = await fetch(this.host.url + path, { method, headers: h, body, redirect: "manual" });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(";");
      const i = pair.indexOf("=");
      const [k, v] = [pair.slice(0, i), pair.slice(i + 1)];
      if (attrs.some((a) => a.trim() === "Max-Age=0")) this.jar.delete(k);
      else this.jar.set(k, v);
    }
    return res;
  }
  get(path, headers) {
    return this.send("GET", path, undefined, headers);
  }
  post(path, form, headers) {
    return this.send("POST", path, form, headers);
  }
}

const csrfOf = (html) => html.match(/name="csrf" value="([^"]+)"/)[1];

async function lastLink(host, email) {
  const html = await (await fetch(host.url + "/dev/outbox")).text();
  const at = html.indexOf(email);
  assert.ok(at >= 0, `no mail to ${email}`);
  const m = html.slice(at).match(/\/login\/verify\?r=(\w+)&amp;t=([\w-]+)/);
  return { r: m[1], t: m[2], path: `/login/verify?r=${m[1]}&t=${m[2]}` };
}

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
      // someone else's NPI is rejected with the reason shown; the session stays unverified
      const other = await verify(`npi-other.${run}@example.org`, "1111111112");
      assert.equal(other.res.status, 422);
      assert.match(await other.res.text(), /could not match this NPI/);
      const page = await (await other.b.get("/verify")).text();
      assert.match(page, /could not verify your professional status/);
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
      for (const path of ["/register", "/login", "/login/verify", "/logout", "/account/profile", "/verify"]) {
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
      let accepted = [];
      for (const [what, tok] of Object.entries(forgedTokens(good))) {
        for (const path of PROTECTED) {
          const res = await fetch(host.url + path, { headers: { cookie: `__Host-mp_session=${tok}` } });
          if (res.status !== 401) accepted.push(`${what} @ ${path}: ${res.status}`);
        }
      }
      assert.deepEqual(accepted, []);
    });
  });
}
