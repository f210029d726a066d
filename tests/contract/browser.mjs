// A minimal cookie-keeping HTTP client for the contract suites (redirects are not followed,
// so tests see every 303 and Set-Cookie), and the sign-in helpers built on it.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { Agent } from "undici";

export class Browser {
  /** `from`: a loopback source address (e.g. "127.0.0.2") to send from, so hosts see another
   * client address (every host reports the TCP peer). */
  constructor(host, { from } = {}) {
    this.host = host;
    this.jar = new Map();
    this.dispatcher = from ? new Agent({ localAddress: from }) : undefined;
  }
  async send(method, path, form, headers = {}) {
    const h = { ...headers };
    if (this.jar.size) h.cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
    let body;
    if (form) {
      h["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(form).toString();
    }
    const res = await fetch(this.host.url + path, { method, headers: h, body, redirect: "manual", dispatcher: this.dispatcher });
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
  /** POSTs multipart/form-data (fields plus an optional file, in the form field `file.field`,
   * `evidence` when not given). */
  async upload(path, fields, file) {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) fd.append(k, v);
    if (file) fd.append(file.field ?? "evidence", new Blob([file.data], { type: file.type }), file.name);
    const h = {};
    if (this.jar.size) h.cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join("; ");
    return fetch(this.host.url + path, { method: "POST", headers: h, body: fd, redirect: "manual" });
  }
}

/** The CSRF token of the first form in a page. */
/** The text of `b`'s page at `path`, which must answer 200. */
export async function pageOf(b, path) {
  const res = await b.get(path);
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  return res.text();
}

export const csrfOf = (html) => html.match(/name="csrf" value="([^"]+)"/)[1];

/** The dev-only TOTP secret of the seeded staff accounts (README). */
export const DEMO_TOTP = "JBSWY3DPEHPK3PXP";

function base32(text) {
  const abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0, buf = 0;
  const out = [];
  for (const c of text.replace(/[\s=-]/g, "").toUpperCase()) {
    buf = (buf << 5) | abc.indexOf(c);
    bits += 5;
    if (bits >= 8) { bits -= 8; out.push((buf >> bits) & 0xff); }
  }
  return Buffer.from(out);
}

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s) `offset` steps from now. */
export function totp(secret, offset = 0) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000) + offset));
  const h = createHmac("sha1", base32(secret)).update(counter).digest();
  const o = h[h.length - 1] & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1e6).padStart(6, "0");
}


/** The newest sign-in link mailed to `email` (dev outbox). */
export async function lastLink(host, email) {
  const html = await (await fetch(host.url + "/dev/outbox")).text();
  const at = html.indexOf(email);
  assert.ok(at >= 0, `no mail to ${email}`);
  const m = html.slice(at).match(/\/login\/verify\?r=(\w+)&amp;t=([\w-]+)/);
  return { r: m[1], t: m[2], path: `/login/verify?r=${m[1]}&t=${m[2]}` };
}

/** The email-link first factor: asks for a link, follows it, confirms. */
async function firstFactor(host, email) {
  const b = new Browser(host);
  const csrf = csrfOf(await (await b.get("/login")).text());
  assert.equal((await b.post("/login", { csrf, email })).status, 200);
  const link = await lastLink(host, email);
  const confirm = await b.get(link.path);
  const res = await b.post("/login/verify", { csrf: csrfOf(await confirm.text()), r: link.r, t: link.t });
  assert.equal(res.status, 303);
  return { b, res };
}

/** Signs a (non-staff) person in with the email link: a Browser holding their session. */
export async function emailSignIn(host, email) {
  const { b } = await firstFactor(host, email);
  assert.ok(b.jar.has("__Host-mp_session"), "signed in");
  return b;
}

export async function staffSignIn(host, email, offset = 0) {
  const { b, res } = await firstFactor(host, email);
  assert.equal(res.headers.get("location"), "/login/totp");
  assert.equal(b.jar.has("__Host-mp_session"), false, "no session before the second factor");
  const step = await (await b.get("/login/totp")).text();
  const done = await b.post("/login/totp", { csrf: csrfOf(step), code: totp(DEMO_TOTP, offset) });
  assert.equal(done.status, 303, await done.text());
  return b;
}
