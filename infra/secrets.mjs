// Generates a deployment's secrets file for `provision --secrets FILE` (README "Deploying"):
//   session_keys          k1:<base64url Ed25519 seed>        identity signs sessions with it
//   session_public_keys   k1:<base64url Ed25519 public key>  every function verifies (public)
//   search_index_token    random, 43 chars                    search-admin's indexing bearer token
//   health_token          random, 43 chars                    /health/<fn>/ready bearer token
//   admin_bootstrap_token random, 43 chars                    the first administrator, once
//   audit_signing_key     base64url Ed25519 seed              audit signs the logs' checkpoints
//   mail_api_key          --mail-api-key KEY (your mail provider's key), if given
//   scanner_token         --scanner-token TOKEN (your file-scanning service's, >= 24 chars), if given
// Usage: node infra/secrets.mjs OUT.json [--mail-api-key KEY] [--scanner-token TOKEN] [--kid k1]
// The file is written with mode 0600 and never overwritten; keep it out of the repository
// (e.g. in a password manager) and delete admin_bootstrap_token once an administrator exists.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { writeFileSync, existsSync } from "node:fs";

export function generateSecrets({ kid = "k1", mailApiKey, scannerToken } = {}) {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const token = () => randomBytes(32).toString("base64url");
  return {
    session_keys: `${kid}:${privateKey.export({ format: "jwk" }).d}`,
    session_public_keys: `${kid}:${publicKey.export({ format: "jwk" }).x}`,
    search_index_token: token(),
    health_token: token(),
    admin_bootstrap_token: token(),
    audit_signing_key: generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" }).d,
    ...(mailApiKey ? { mail_api_key: mailApiKey } : {}),
    ...(scannerToken ? { scanner_token: scannerToken } : {}),
  };
}

const isMain = process.argv[1] && import.meta.filename === (await import("node:path")).resolve(process.argv[1]);
if (isMain) {
  const out = process.argv[2];
  const opt = (n) => (process.argv.indexOf(n) > 0 ? process.argv[process.argv.indexOf(n) + 1] : undefined);
  if (!out || out.startsWith("--")) {
    console.error("usage: node infra/secrets.mjs OUT.json [--mail-api-key KEY] [--scanner-token TOKEN] [--kid k1]");
    process.exit(2);
  }
  if (existsSync(out)) {
    console.error(`${out} exists: not overwritten (rotating keys: see README "Deploying")`);
    process.exit(1);
  }
  writeFileSync(out, JSON.stringify(generateSecrets({ kid: opt("--kid"), mailApiKey: opt("--mail-api-key"), scannerToken: opt("--scanner-token") }), null, 2) + "\n", { mode: 0o600 });
  console.log(`wrote ${out} (mode 0600): provision uploads it with --secrets ${out}`);
}
