// `provision` against a fake wrangler (tests/infra/fake-wrangler.mjs, answering like wrangler
// 4.164): a first run on an empty account, a re-run after a failure half-way, a re-run when
// everything exists; plus the dry run `make test` runs and the parsers on wrangler's real
// output shapes. Each test works in a copy of the files provision reads (wrangler.toml,
// infra/regions.toml, infra/migrations), so nothing is written into the repository.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "smol-toml";
import { createPrivateKey, createPublicKey, sign, verify } from "node:crypto";
import { generateSecrets } from "../../infra/secrets.mjs";
import { plan, provision, resources, parseKvList, parseD1List, parseR2List, parseCreatedId, deployConfig, SECRETS } from "../../infra/provision.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
const FAKE = join(ROOT, "tests/infra/fake-wrangler.mjs");
const MIGRATIONS = readdirSync(join(ROOT, "infra/migrations")).filter((f) => f.endsWith(".sql")).sort();

/** A scratch project (the files provision reads) and the fake account's state file. */
function scratch() {
  const dir = mkdtempSync(join(tmpdir(), "medportal-provision-"));
  mkdirSync(join(dir, "infra"));
  cpSync(join(ROOT, "wrangler.toml"), join(dir, "wrangler.toml"));
  cpSync(join(ROOT, "infra/regions.toml"), join(dir, "infra/regions.toml"));
  cpSync(join(ROOT, "infra/migrations"), join(dir, "infra/migrations"), { recursive: true });
  const statePath = join(dir, "account.json");
  const account = () => JSON.parse(readFileSync(statePath, "utf8"));
  const secretsFile = join(dir, "secrets.json");
  writeFileSync(
    secretsFile,
    JSON.stringify({
      session_keys: "k1:c2VjcmV0LXNlZWQtMzItYnl0ZXMtbG9uZy0wMTIzNDU2Nzg5",
      session_public_keys: "k1:cHVibGljLWtleS0zMi1ieXRlcy1sb25nLTAxMjM0NTY3ODk",
      search_index_token: "index-token-0123456789abcdef",
      health_token: "health-token-0123456789abcdef",
      mail_api_key: "re_mail-api-key-0123456789",
      scanner_token: "scanner-token-0123456789abcdef",
    }),
  );
  return { dir, statePath, account, secretsFile, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs provision in `s` with the fake, `env` adding failure switches; returns its log lines
 * and the error it threw, if any. */
function run(s, env = {}, opts = {}) {
  const saved = { ...process.env };
  Object.assign(process.env, { WRANGLER: FAKE, FAKE_WRANGLER_STATE: s.statePath }, env);
  const log = [];
  try {
    provision({ root: s.dir, secretsFile: s.secretsFile, log: (l) => log.push(l), ...opts });
    return { log };
  } catch (error) {
    return { log, error };
  } finally {
    process.env = saved;
  }
}

const creates = (calls) => calls.filter((c) => / create /.test(` ${c} `));

test("dry run prints the plan: one D1, R2 and KV per region, EU jurisdiction for eu", () => {
  const out = execFileSync(process.execPath, ["infra/provision.mjs", "--dry-run"], { encoding: "utf8", cwd: ROOT });
  const lines = out.trim().split("\n");
  for (const want of [
    "wrangler d1 create medportal-eu --jurisdiction eu",
    "wrangler r2 bucket create medportal-eu --jurisdiction eu",
    "wrangler kv namespace create medportal-kv-eu --jurisdiction eu",
    "wrangler d1 create medportal-us --location enam",
    "wrangler r2 bucket create medportal-us --location enam",
    "wrangler kv namespace create medportal-kv-us",
    // the first Worker binding the database migrates it (content binds db_eu for its readers)
    "wrangler d1 migrations apply medportal-eu --remote -c wrangler.deploy.toml --env content",
    "wrangler d1 migrations apply medportal-global --remote -c wrangler.deploy.toml --env content",
  ]) {
    assert.ok(lines.includes(want), `${want}\n${out}`);
  }
  assert.match(lines.at(-1), /dry run: nothing was created/);
  assert.equal(plan().filter((c) => c.includes("create")).length, 9);
  assert.equal(resources().length, 9);
});

test("first run on an empty account: creates everything, writes the ids, migrates, uploads secrets", (t) => {
  const s = scratch();
  t.after(s.cleanup);
  const { error, log } = run(s);
  assert.equal(error, undefined, `${error?.message}\n${log.join("\n")}`);
  const acc = s.account();
  assert.equal(creates(acc.calls).length, 9);
  // residency: EU stores in the EU jurisdiction, US ones with their location hint
  assert.deepEqual(acc.d1.map((d) => [d.name, d.jurisdiction, d.location]).sort(), [
    ["medportal-eu", "eu", null],
    ["medportal-global", null, null],
    ["medportal-us", null, "enam"],
  ]);
  assert.deepEqual(acc.r2.map((b) => [b.name, b.jurisdiction]).sort(), [["medportal-eu", "eu"], ["medportal-global", null], ["medportal-us", null]]);
  assert.equal(acc.kv.find((n) => n.title === "medportal-kv-eu").jurisdiction, "eu");
  // the generated config: real ids, no placeholder, everything else as in wrangler.toml
  const text = readFileSync(join(s.dir, "wrangler.deploy.toml"), "utf8");
  assert.doesNotMatch(text, /"provision:/);
  const cfg = parse(text);
  for (const fn of Object.keys(cfg.env)) {
    for (const k of cfg.env[fn].kv_namespaces ?? []) assert.equal(k.id, acc.kv.find((n) => n.title === `medportal-kv-${k.binding.slice(3)}`).id);
    for (const d of cfg.env[fn].d1_databases ?? []) assert.equal(d.database_id, acc.d1.find((x) => x.name === d.database_name).uuid);
    assert.equal(cfg.env[fn].vars.session_public_keys, "k1:cHVibGljLWtleS0zMi1ieXRlcy1sb25nLTAxMjM0NTY3ODk");
  }
  // migrations applied to each database once, in name order
  for (const d of acc.d1) assert.deepEqual(acc.migrations[d.uuid], MIGRATIONS, d.name);
  // secrets only where they may be held
  assert.deepEqual(Object.keys(acc.secrets["medportal-identity"]).sort(), ["health_token", "mail_api_key", "session_keys"]);
  assert.deepEqual(Object.keys(acc.secrets["medportal-search-admin"]).sort(), ["health_token", "search_index_token"]);
  // publishing feeds search: content sends the indexing token
  assert.deepEqual(Object.keys(acc.secrets["medportal-content"]).sort(), ["health_token", "search_index_token"]);
  // the scanner's token only where uploads are scanned (content-desk), never the reader Worker
  assert.deepEqual(Object.keys(acc.secrets["medportal-content-desk"]).sort(), ["health_token", "scanner_token", "search_index_token"]);
  for (const [worker, values] of Object.entries(acc.secrets)) {
    assert.equal("session_public_keys" in values, false, `${worker}: public keys are a var, not a secret`);
  }
  assert.deepEqual(acc.deployed, [], "no deploy without --deploy");
});

test("a failure half-way (create refused, answer lost, migration failing) is finished by the next run", (t) => {
  const s = scratch();
  t.after(s.cleanup);
  // the API refuses the US database: resources up to it exist, no config is written
  let r = run(s, { FAKE_WRANGLER_FAIL: "d1 create medportal-us" });
  assert.match(r.error?.message ?? "", /d1 create medportal-us failed/);
  assert.equal(existsSync(join(s.dir, "wrangler.deploy.toml")), false, "no config with a placeholder");
  const before = s.account();
  assert.ok(before.d1.some((d) => d.name === "medportal-eu") && !before.d1.some((d) => d.name === "medportal-us"));
  // next run: the database is created, but its answer lost; the run stops there
  r = run(s, { FAKE_WRANGLER_FAIL_AFTER: "d1 create medportal-us" });
  assert.ok(r.error);
  assert.equal(s.account().d1.filter((d) => d.name === "medportal-us").length, 1);
  // next run: found by the listing (not created twice), then a migration fails half-way
  r = run(s, { FAKE_WRANGLER_FAIL_MIGRATION: MIGRATIONS[3] });
  assert.match(r.error?.message ?? "", /migrations apply/);
  let acc = s.account();
  assert.ok(Object.values(acc.migrations).some((m) => m.length === 3), "the files before the failing one stay applied");
  // and the last run finishes everything; nothing exists twice
  r = run(s);
  assert.equal(r.error, undefined, r.error?.message);
  acc = s.account();
  for (const kind of ["kv", "d1", "r2"]) {
    const names = acc[kind].map((x) => x.title ?? x.name);
    assert.equal(new Set(names).size, names.length, `${kind}: ${names}`);
    assert.equal(names.length, 3, kind);
  }
  for (const d of acc.d1) assert.deepEqual(acc.migrations[d.uuid], MIGRATIONS, d.name);
  assert.equal(creates(acc.calls).filter((c) => c.startsWith("d1 create medportal-us")).length, 2, "the refused attempt and the lost one");
});

test("a run when everything exists creates nothing, keeps the ids and applies no migration again", (t) => {
  const s = scratch();
  t.after(s.cleanup);
  assert.equal(run(s, {}, { host: "portal.pharma.example", zone: "pharma.example" }).error, undefined);
  const first = readFileSync(join(s.dir, "wrangler.deploy.toml"), "utf8");
  const callsBefore = s.account().calls.length;
  // without the secrets file and options this time: the keys and options of the first run stay
  const { error } = run(s, {}, { deploy: true, secretsFile: undefined });
  assert.equal(error, undefined, error?.message);
  const acc = s.account();
  const second = acc.calls.slice(callsBefore);
  assert.deepEqual(creates(second), []);
  assert.equal(readFileSync(join(s.dir, "wrangler.deploy.toml"), "utf8"), first, "same ids, host, zone and public keys");
  assert.match(first, /portal\.pharma\.example/);
  assert.match(first, /session_public_keys = "k1:/);
  for (const d of acc.d1) assert.deepEqual(acc.migrations[d.uuid], MIGRATIONS);
  assert.deepEqual(acc.deployed.sort(), Object.keys(parse(first).env).map((fn) => `medportal-${fn}`).sort());
});

test("the parsers read wrangler 4.164's output shapes", () => {
  assert.deepEqual([...parseKvList('[\n  {\n    "id": "0f2a",\n    "title": "medportal-kv-us",\n    "supports_url_encoding": true\n  }\n]')], [["medportal-kv-us", "0f2a"]]);
  assert.deepEqual([...parseD1List('[\n  {\n    "uuid": "u-1",\n    "name": "medportal-eu",\n    "jurisdiction": "eu"\n  }\n]')], [["medportal-eu", "u-1"]]);
  const r2 = "\n \u26C5\uFE0F wrangler 4.164.0\n───\nListing buckets...\n\x1b[37mname:\x1b[39m           \x1b[90mmedportal-eu\x1b[39m\ncreation_date:  2026-01-01T00:00:00.000Z\n\nname:           medportal-global\ncreation_date:  2026-01-02T00:00:00.000Z\n";
  assert.deepEqual([...parseR2List(r2)], ["medportal-eu", "medportal-global"]);
  assert.equal(parseCreatedId("kv", '✨ Success!\n[[kv_namespaces]]\nbinding = "medportal_kv_us"\nid = "abc123"\n'), "abc123");
  assert.equal(parseCreatedId("d1", '{\n  "d1_databases": [\n    {\n      "binding": "medportal_eu",\n      "database_name": "medportal-eu",\n      "database_id": "u-9"\n    }\n  ]\n}'), "u-9");
  assert.equal(parseCreatedId("kv", "no snippet"), null);
});

test("the generated config refuses placeholders and applies the options", () => {
  const template = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
  assert.throws(() => deployConfig(template, { kv_eu: "x" }), /no id for .*kv_global/);
  const ids = Object.fromEntries(resources().filter((r) => r.kind !== "r2").map((r) => [r.binding, `${r.binding}-id`]));
  const cfg = parse(deployConfig(template, ids, { host: "portal.pharma.example", zone: "pharma.example", mail: "cloudflare" }));
  assert.equal(cfg.env.identity.vars.public_origin, "https://portal.pharma.example");
  assert.ok(cfg.env.identity.routes.every((r) => r.pattern.startsWith("portal.pharma.example/") && r.zone_name === "pharma.example"));
  assert.equal(cfg.env.identity.vars.mail_transport, "cloudflare");
  assert.deepEqual(cfg.env.identity.send_email, [{ name: "mail" }]);
  assert.equal(cfg.env.identity.vars.medical_info_email, "medinfo@example.com", "only the host is replaced");
  for (const [name, fns] of Object.entries(SECRETS)) assert.ok(fns.length >= 1, name);
});

test("generated secrets: a matching Ed25519 key pair in the session key format, long random tokens", () => {
  const s = generateSecrets({ mailApiKey: "re_provider-key-0123456789", scannerToken: "scanner-token-0123456789abcdef" });
  assert.equal(s.scanner_token, "scanner-token-0123456789abcdef");
  const [kid, seed] = s.session_keys.split(":");
  const [pkid, pub] = s.session_public_keys.split(":");
  assert.equal(kid, "k1");
  assert.equal(pkid, kid);
  assert.equal(Buffer.from(seed, "base64url").length, 32);
  assert.match(seed + pub, /^[A-Za-z0-9_-]+$/, "base64url without padding");
  const key = createPrivateKey({ key: { kty: "OKP", crv: "Ed25519", d: seed, x: pub }, format: "jwk" });
  const msg = Buffer.from("medportal");
  assert.ok(verify(null, msg, createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: pub }, format: "jwk" }), sign(null, msg, key)));
  for (const k of ["search_index_token", "health_token", "admin_bootstrap_token"]) assert.ok(s[k].length >= 24, k);
  assert.notEqual(s.health_token, s.search_index_token);
  for (const k of Object.keys(s)) assert.ok(k in SECRETS || k === "session_public_keys", `${k} has a home`);
});

// The repository's migrations as wrangler itself applies them (what provision runs with
// --remote), here against a local D1: its default pattern `infra/migrations/*.sql` (the README
// beside them is not a migration), name order, its own table `d1_migrations`; a second run
// applies nothing.
test("wrangler d1 migrations apply takes infra/migrations as they are, once", (t) => {
  const persist = mkdtempSync(join(tmpdir(), "medportal-d1-local-"));
  t.after(() => rmSync(persist, { recursive: true, force: true }));
  const apply = () =>
    execFileSync(process.execPath, [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "d1", "migrations", "apply", "medportal-eu", "--local", "--persist-to", persist, "-c", "wrangler.toml", "--env", "identity"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
    });
  const first = apply();
  for (const m of MIGRATIONS) assert.ok(first.includes(m), `${m} not applied:\n${first}`);
  assert.doesNotMatch(first, /README/);
  assert.match(apply(), /No migrations to apply/);
  const list = execFileSync(process.execPath, [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "d1", "execute", "medportal-eu", "--local", "--persist-to", persist, "-c", "wrangler.toml", "--env", "identity", "--json", "--command", "SELECT name FROM d1_migrations ORDER BY id"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
  });
  assert.deepEqual(JSON.parse(list)[0].results.map((r) => r.name), MIGRATIONS);
});
