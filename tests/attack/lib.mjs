// Helpers of the attack suite (tests/attack/attack.mjs): sign-in through the dev outbox, the
// outbox as data, a session token signed with the public development key, valid-looking NPIs,
// and a chunked request body sent with Node's http module.
import { createHash, createPrivateKey, sign as edSign, randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";
import { Browser, csrfOf } from "../contract/browser.mjs";

export { Browser, csrfOf };
export { totp, DEMO_TOTP } from "../contract/browser.mjs";

const decode = (s) => s.replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'");

/** Every mail in the dev outbox (newest first): { to, subject, text }. */
export async function outbox(host) {
  const html = await (await fetch(host.url + "/dev/outbox")).text();
  return html
    .split('<li class="card">')
    .slice(1)
    .map((card) => {
      const dds = [...card.matchAll(/<dd>([^<]*)<\/dd>/g)].map((m) => decode(m[1]));
      return {
        subject: decode(card.match(/<h2>([^<]*)<\/h2>/)?.[1] ?? ""),
        to: dds[1] ?? "",
        text: decode((card.match(/<pre>([\s\S]*?)<\/pre>/)?.[1] ?? "").replace(/<[^>]+>/g, "")),
      };
    });
}

/** Mails to `email` in the outbox. */
export const mailsTo = async (host, email) => (await outbox(host)).filter((m) => m.to === email);

/** The newest sign-in link mailed to `email`, or null. */
export async function newestLink(host, email) {
  for (const m of await mailsTo(host, email)) {
    const l = m.text.match(/\/login\/verify\?r=(\w+)&t=([\w-]+)/);
    if (l) return { r: l[1], t: l[2], path: `/login/verify?r=${l[1]}&t=${l[2]}` };
  }
  return null;
}

/** Follows the newest link to `email` in browser `b` (which asked for it); the final answer. */
export async function redeemLink(host, b, email) {
  const link = await newestLink(host, email);
  if (!link) return { res: null, link };
  const confirm = await b.get(link.path);
  const res = await b.post("/login/verify", { csrf: csrfOf(await confirm.text()), r: link.r, t: link.t });
  return { res, link };
}

/** The email-link first factor in a new browser: { b, res, csrf0 } (csrf0: the login page's
 * pre-session CSRF token). */
export async function firstFactor(host, email) {
  const b = new Browser(host);
  const csrf0 = csrfOf(await (await b.get("/login")).text());
  const asked = await b.post("/login", { csrf: csrf0, email });
  if (asked.status !== 200) throw new Error(`POST /login for ${email}: ${asked.status}`);
  const { res } = await redeemLink(host, b, email);
  if (!res) throw new Error(`no sign-in link mailed to ${email}`);
  return { b, res, csrf0 };
}

/** Registers `email` and signs in with the mailed link: the browser (session or not). */
export async function registerAndSignIn(host, email, { country = "US", name = "Dr. Jane Doe", profession = "physician" } = {}) {
  const b = new Browser(host);
  const csrf = csrfOf(await (await b.get("/register")).text());
  const res = await b.post("/register", { csrf, email, country, profession, name, terms: "1" });
  if (res.status !== 200) throw new Error(`POST /register for ${email}: ${res.status}`);
  await redeemLink(host, b, email);
  return b;
}

/** The claims of a browser's session cookie, or null. */
export function sessionClaims(b) {
  const t = b.jar.get("__Host-mp_session");
  return t ? JSON.parse(Buffer.from(t.split(".")[1], "base64url")) : null;
}

const b64 = (x) => Buffer.from(typeof x === "string" ? x : JSON.stringify(x)).toString("base64url");

/** A session token signed with the public development key (kid `dev`; the seed is
 * SHA-256("medportal development session key"), as shared/auth says). */
export function devKeyToken(claims) {
  const seed = createHash("sha256").update("medportal development session key").digest();
  const key = createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]), format: "der", type: "pkcs8" });
  const now = Math.floor(Date.now() / 1000);
  const body = {
    iat: now, nbf: now, exp: now + 3600,
    iss: "medportal-identity", aud: "medportal", sub: "us-u-attacker", jti: randomBytes(16).toString("hex"),
    rgn: "us", ctry: "US", roles: ["admin"], vs: "verified", name: "Attacker", csrf: randomBytes(16).toString("hex"),
    auth_time: now, mfa: true, ...claims,
  };
  const msg = `${b64({ alg: "EdDSA", typ: "session+jwt", kid: "dev" })}.${b64(body)}`;
  return `${msg}.${edSign(null, Buffer.from(msg), key).toString("base64url")}`;
}

/** A 10-digit NPI with a valid check digit (Luhn over the prefix 80840 + 9 digits). */
export function npi(nine) {
  const digits = ("80840" + nine).split("").map(Number);
  let sum = 0;
  for (let i = digits.length - 1, dbl = true; i >= 0; i--, dbl = !dbl) {
    let d = digits[i];
    if (dbl) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return nine + String((10 - (sum % 10)) % 10);
}

/** POSTs `bytes` bytes as a chunked body (no Content-Length); { status, written } or
 * { error, written } (`written`: bytes handed to the socket when the answer came). */
export function chunkedPost(url, path, bytes, headers = {}) {
  return new Promise((resolve) => {
    const u = new URL(url);
    const req = httpRequest({ host: u.hostname, port: u.port, path, method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "transfer-encoding": "chunked", ...headers } });
    let done = false;
    let sent = 0;
    const finish = (v) => { if (!done) { done = true; resolve({ ...v, written: sent }); } };
    req.setTimeout(30_000, () => (req.destroy(), finish({ error: "timeout" })));
    req.on("response", (res) => { res.resume(); res.on("end", () => finish({ status: res.statusCode })); finish({ status: res.statusCode }); });
    req.on("error", (e) => finish({ error: e.code ?? e.message }));
    const chunk = Buffer.alloc(64 * 1024, "a");
    const write = () => {
      while (sent < bytes && !done) {
        sent += chunk.length;
        if (!req.write(chunk)) return req.once("drain", write);
      }
      req.end();
    };
    write();
  });
}

/** Runs `fn` with a deadline. */
export function within(ms, fn) {
  let t;
  return Promise.race([fn(), new Promise((_, reject) => (t = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms)))]).finally(() => clearTimeout(t));
}
