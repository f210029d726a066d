// A fake provider-neutral JSON mail API for tests, the shape identity's `http` mail transport
// speaks: POST /send with `Authorization: Bearer <key>`, `Content-Type: application/json`, an
// `Idempotency-Key` header and `{ from, to: [address], subject, text }` → 202 `{ id }`.
// A wrong key is 401, a malformed body 400; a repeated idempotency key is accepted once (the
// mail is not recorded twice). `down(true)` makes it answer 503 to everything (an outage);
// `down(false)` restores it. `mails` holds what it accepted, `requests` every request seen.
// `startFakeMailApi()` listens on 127.0.0.1:<free port> and resolves to
// { url, key, vars, mails, requests, down, stop } (`vars`: the portal settings pointing at it).
// Run alone: node tests/fakes/mailapi.mjs   (prints "listening on http://127.0.0.1:PORT").
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";

export const MAIL_API_KEY = "fake-mail-api-key-0123456789";
export const MAIL_FROM = "no-reply@portal.test";

export function startFakeMailApi() {
  const fake = { mails: [], requests: [], outage: false };
  const seen = new Set();
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const json = (status, value) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    fake.requests.push({ method: req.method, path: req.url, key: req.headers["idempotency-key"] ?? null });
    if (fake.outage) return json(503, { error: "service_unavailable" });
    if (req.method !== "POST" || req.url !== "/send") return json(404, { error: "not_found" });
    if (req.headers.authorization !== `Bearer ${MAIL_API_KEY}`) return json(401, { error: "unauthorized" });
    if (!String(req.headers["content-type"] ?? "").startsWith("application/json")) return json(415, { error: "json_only" });
    let mail;
    try {
      mail = JSON.parse(body);
    } catch {
      return json(400, { error: "invalid_json" });
    }
    const valid = typeof mail.from === "string" && Array.isArray(mail.to) && mail.to.length === 1 && typeof mail.to[0] === "string" &&
      typeof mail.subject === "string" && typeof mail.text === "string";
    if (!valid) return json(400, { error: "invalid_mail" });
    const key = req.headers["idempotency-key"];
    if (key && seen.has(key)) return json(202, { id: key, duplicate: true });
    if (key) seen.add(key);
    fake.mails.push({ ...mail, key: key ?? null, at: Date.now() });
    json(202, { id: key ?? randomUUID() });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const url = `http://127.0.0.1:${server.address().port}`;
      resolve({
        url,
        key: MAIL_API_KEY,
        // mail_api_host: Spin's allowed_outbound_hosts entry for the API (other hosts ignore it)
        vars: { mail_transport: "http", mail_from: MAIL_FROM, mail_api_url: `${url}/send`, mail_api_host: url, mail_api_key: MAIL_API_KEY },
        mails: fake.mails,
        requests: fake.requests,
        /** The mails accepted for `to`. */
        to: (to) => fake.mails.filter((m) => m.to[0] === to),
        down: (on) => void (fake.outage = on),
        stop: () => new Promise((r) => (server.closeAllConnections(), server.close(r))),
      });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const fake = await startFakeMailApi();
  console.log(`listening on ${fake.url}`);
}
