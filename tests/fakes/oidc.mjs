// A fake OpenID Connect HCP-verification provider (DocCheck-style authorization-code flow with
// PKCE) for tests: GET /authorize → 302 back to redirect_uri with a code; POST /token (client
// secret over HTTP Basic, code single use, redirect_uri and PKCE S256 verifier checked) →
// access token; GET /userinfo (Bearer) → { sub, profession, country }.
// Tests choose who signs in at the provider: `fake.nextProfile = { sub, profession, country }`.
// `startFakeOidc()` listens on 127.0.0.1:<free port> and resolves to
// { url, clientId, clientSecret, requests, nextProfile, stop }.
import { createServer } from "node:http";
import { createHash, randomBytes } from "node:crypto";

export const CLIENT_ID = "medportal-test";
export const CLIENT_SECRET = "fake-client-secret-0123456789";

export function startFakeOidc() {
  const codes = new Map(); // code -> { challenge, redirectUri, profile }
  const tokens = new Map(); // access token -> profile
  const fake = { requests: [], nextProfile: { sub: "dc-0001", profession: "physician", country: "DE" } };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    fake.requests.push(`${req.method} ${url.pathname}`);
    const json = (status, body) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    let body = "";
    for await (const chunk of req) body += chunk;
    if (req.method === "GET" && url.pathname === "/authorize") {
      const q = url.searchParams;
      if (q.get("client_id") !== CLIENT_ID || q.get("response_type") !== "code" || q.get("code_challenge_method") !== "S256" || !q.get("code_challenge") || !q.get("state")) {
        return json(400, { error: "invalid_request" });
      }
      const code = randomBytes(16).toString("hex");
      codes.set(code, { challenge: q.get("code_challenge"), redirectUri: q.get("redirect_uri"), profile: { ...fake.nextProfile } });
      const back = new URL(q.get("redirect_uri"));
      back.searchParams.set("code", code);
      back.searchParams.set("state", q.get("state"));
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (req.method === "POST" && url.pathname === "/token") {
      const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64")}`;
      if (req.headers.authorization !== basic) return json(401, { error: "invalid_client" });
      const form = new URLSearchParams(body);
      const grant = codes.get(form.get("code"));
      codes.delete(form.get("code"));
      const verifier = form.get("code_verifier") ?? "";
      const challenge = createHash("sha256").update(verifier).digest("base64url");
      if (!grant || form.get("grant_type") !== "authorization_code" || form.get("redirect_uri") !== grant.redirectUri || challenge !== grant.challenge) {
        return json(400, { error: "invalid_grant" });
      }
      const token = randomBytes(16).toString("hex");
      tokens.set(token, grant.profile);
      return json(200, { access_token: token, token_type: "Bearer", expires_in: 300 });
    }
    if (req.method === "GET" && url.pathname === "/userinfo") {
      const profile = tokens.get((req.headers.authorization ?? "").replace(/^Bearer /, ""));
      return profile ? json(200, profile) : json(401, { error: "invalid_token" });
    }
    json(404, { error: "not_found" });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const base = `http://127.0.0.1:${server.address().port}`;
      Object.assign(fake, {
        url: base,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        vars: {
          oidc_provider_name: "DocCheck",
          oidc_authorize_url: `${base}/authorize`,
          oidc_token_url: `${base}/token`,
          oidc_userinfo_url: `${base}/userinfo`,
          oidc_client_id: CLIENT_ID,
          oidc_client_secret: CLIENT_SECRET,
          oidc_countries: "DE,AT,CH",
        },
        stop: () => new Promise((r) => server.close(r)),
      });
      resolve(fake);
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const fake = await startFakeOidc();
  console.log(`listening on ${fake.url}`);
}
