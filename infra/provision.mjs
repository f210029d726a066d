// `provision`: brings a Cloudflare account to what wrangler.toml needs, with wrangler, and can
// be run again at any time (after a failure half-way, or when everything exists):
//   1. finds every KV namespace, D1 database and R2 bucket medportal uses (kv/d1/r2 list), and
//      creates the missing ones: per region `medportal-kv-<r>`, `medportal-<r>` (D1 and R2),
//      in the region's jurisdiction (`eu`: KV, D1 and R2 created with `--jurisdiction eu`) or
//      with its location hint, plus the global (non-personal) stores;
//   2. writes `wrangler.deploy.toml` (git-ignored): wrangler.toml with every `provision:<binding>`
//      placeholder replaced by the account's real id (and the public host, zone, public session
//      keys and mail transport if given). It is what gets deployed; it is written only when no
//      placeholder is left, so a placeholder id is never deployed;
//   3. applies infra/migrations to every D1 database with `wrangler d1 migrations apply --remote`
//      (wrangler's own bookkeeping table `d1_migrations`: applied files are skipped);
//   4. uploads the secrets of a secrets file (JSON or NAME=value lines) to the Workers that may
//      hold them, through `wrangler secret bulk` on stdin (never written elsewhere);
//   5. with --deploy, deploys every Worker from the generated config.
// Usage: node infra/provision.mjs [--dry-run] [--secrets FILE] [--host portal.example.org]
//          [--zone example.org] [--mail http|cloudflare] [--deploy] [--config OUT]
// --dry-run prints the plan (every command of a first run) and touches nothing.
// WRANGLER (default: node_modules/wrangler under the Node running this) is the wrangler
// executable; the tests point it at a fake that answers like wrangler 4.164.
import { parse } from "smol-toml";
import { readFileSync, writeFileSync, existsSync, renameSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
export const FUNCTIONS = ["content", "content-desk", "identity", "search", "search-admin", "inquiries", "audit"];
const DEFAULT_CONFIG = "wrangler.deploy.toml";

/** Which Workers may hold which secret (least privilege; `health_token`: every Worker). */
export const SECRETS = {
  session_keys: ["identity"],
  mail_api_key: ["identity"],
  oidc_client_secret: ["identity"],
  admin_bootstrap_token: ["identity"],
  search_index_token: ["search-admin", "content", "content-desk"],
  // the file-scanning service's bearer token: only the staff Worker sends uploads to it
  scanner_token: ["content-desk"],
  health_token: FUNCTIONS,
  audit_signing_key: ["audit"],
};
/** Public settings a secrets file may carry too: written into the generated config's vars. */
const PUBLIC_SETTINGS = ["session_public_keys"];

/** Every resource: { kind: kv|d1|r2, name, binding, jurisdiction?, location? }. */
export function resources(root = ROOT) {
  const policy = parse(readFileSync(join(root, "infra/regions.toml"), "utf8"));
  const out = [];
  for (const [code, region] of Object.entries(policy.region)) {
    const where = region.jurisdiction ? { jurisdiction: region.jurisdiction } : { location: region.d1_location };
    out.push({ kind: "kv", name: `medportal-kv-${code}`, binding: `kv_${code}`, ...(region.jurisdiction ? { jurisdiction: region.jurisdiction } : {}) });
    out.push({ kind: "d1", name: `medportal-${code}`, binding: `db_${code}`, ...where });
    out.push({ kind: "r2", name: `medportal-${code}`, binding: `blob_${code}`, ...where });
  }
  out.push({ kind: "kv", name: "medportal-kv-global", binding: "kv_global" });
  out.push({ kind: "d1", name: "medportal-global", binding: "db_global" });
  out.push({ kind: "r2", name: "medportal-global", binding: "blob_global" });
  return out;
}

/** The wrangler arguments that create `r`. */
export function createArgs(r) {
  const where = r.jurisdiction ? ["--jurisdiction", r.jurisdiction] : r.location ? ["--location", r.location] : [];
  if (r.kind === "kv") return ["kv", "namespace", "create", r.name, ...(r.jurisdiction ? ["--jurisdiction", r.jurisdiction] : [])];
  if (r.kind === "d1") return ["d1", "create", r.name, ...where];
  return ["r2", "bucket", "create", r.name, ...where];
}

/** D1 databases and an environment of wrangler.toml that binds each (for migrations). */
export function migrationTargets(cfg) {
  const out = new Map();
  for (const fn of FUNCTIONS) {
    for (const d of cfg.env[fn].d1_databases ?? []) if (!out.has(d.database_name)) out.set(d.database_name, fn);
  }
  return [...out].map(([db, env]) => ({ db, env }));
}

/** The plan of a first run, as wrangler command lines (what --dry-run prints). */
export function plan({ root = ROOT, config = DEFAULT_CONFIG, secrets = null } = {}) {
  const cfg = parse(readFileSync(join(root, "wrangler.toml"), "utf8"));
  const lines = [
    ["kv", "namespace", "list"],
    ["d1", "list", "--json"],
    ["r2", "bucket", "list"],
    ["r2", "bucket", "list", "--jurisdiction", "eu"],
    ...resources(root).map(createArgs),
    ...migrationTargets(cfg).map(({ db, env }) => ["d1", "migrations", "apply", db, "--remote", "-c", config, "--env", env]),
  ];
  if (secrets) for (const fn of FUNCTIONS) lines.push(["secret", "bulk", "-c", config, "--env", fn]);
  return lines;
}

// ---- reading wrangler's answers -------------------------------------------------------------

/** `kv namespace list`: a JSON array of { id, title, … } (wrangler prints no banner there). */
export function parseKvList(out) {
  const start = out.indexOf("[");
  if (start < 0) throw new Error(`kv namespace list: no JSON array in ${JSON.stringify(out.slice(0, 200))}`);
  return new Map(JSON.parse(out.slice(start)).map((n) => [n.title, n.id]));
}

/** `d1 list --json`: a JSON array of { uuid, name, … }. */
export function parseD1List(out) {
  const start = out.indexOf("[");
  if (start < 0) throw new Error(`d1 list --json: no JSON array in ${JSON.stringify(out.slice(0, 200))}`);
  return new Map(JSON.parse(out.slice(start)).map((d) => [d.name, d.uuid]));
}

/** `r2 bucket list`: a banner, "Listing buckets...", then `name:  <bucket>` /
 * `creation_date:  <date>` blocks (labels may be coloured). */
export function parseR2List(out) {
  const plain = out.replace(/\x1b\[[0-9;]*m/g, "");
  return new Set([...plain.matchAll(/^name:\s+(\S+)\s*$/gm)].map((m) => m[1]));
}

/** The id in a create command's config snippet (`id = "…"` / `database_id = "…"`, TOML or
 * JSON), or null. */
export function parseCreatedId(kind, out) {
  const key = kind === "kv" ? "id" : "database_id";
  const m = out.match(new RegExp(`(?:^|[\\s{,])"?${key}"?\\s*[=:]\\s*"([^"]+)"`, "m"));
  return m ? m[1] : null;
}

// ---- running wrangler ------------------------------------------------------------------------

/** [program, ...leading args]: WRANGLER if set (the tests' fake), else wrangler's own script
 * under this Node (not `#!/usr/bin/env node`, which may find an older system Node). */
function wranglerCommand() {
  if (process.env.WRANGLER) return [process.env.WRANGLER];
  return [process.execPath, join(ROOT, "node_modules/wrangler/bin/wrangler.js")];
}

/** Runs wrangler; returns stdout, or throws with what it said. `input` goes to its stdin. */
function wrangler(args, { input, root = ROOT, log = console.log } = {}) {
  log(`wrangler ${args.join(" ")}`);
  const [program, ...lead] = wranglerCommand();
  const res = spawnSync(program, [...lead, ...args], {
    cwd: root,
    input,
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.error) throw new Error(`wrangler ${args.slice(0, 3).join(" ")}: ${res.error.message}`);
  if (res.status !== 0) {
    throw new Error(`wrangler ${args.slice(0, 3).join(" ")} failed (exit ${res.status}):\n${(res.stderr || res.stdout).trim()}`);
  }
  return res.stdout;
}

/** What exists on the account now: { kv: Map(title → id), d1: Map(name → uuid), r2: Set(name@jurisdiction) }. */
function discover(opts) {
  const r2 = new Set();
  for (const name of parseR2List(wrangler(["r2", "bucket", "list"], opts))) r2.add(`${name}@`);
  const jurisdictions = [...new Set(resources(opts.root).filter((r) => r.kind === "r2" && r.jurisdiction).map((r) => r.jurisdiction))];
  for (const j of jurisdictions) {
    for (const name of parseR2List(wrangler(["r2", "bucket", "list", "--jurisdiction", j], opts))) r2.add(`${name}@${j}`);
  }
  return {
    kv: parseKvList(wrangler(["kv", "namespace", "list"], opts)),
    d1: parseD1List(wrangler(["d1", "list", "--json"], opts)),
    r2,
  };
}

/** Creates what is missing; returns binding → id for KV and D1. */
function ensureResources(opts) {
  const found = discover(opts);
  const ids = {};
  for (const r of resources(opts.root)) {
    const have = r.kind === "kv" ? found.kv.get(r.name) : r.kind === "d1" ? found.d1.get(r.name) : found.r2.has(`${r.name}@${r.jurisdiction ?? ""}`);
    if (have) {
      opts.log(`  exists: ${r.kind} ${r.name}${r.jurisdiction ? ` (${r.jurisdiction})` : ""}`);
      if (r.kind !== "r2") ids[r.binding] = have;
      continue;
    }
    const out = wrangler(createArgs(r), opts);
    if (r.kind === "r2") continue;
    let id = parseCreatedId(r.kind, out);
    if (!id) {
      // not in the answer: look it up
      id = r.kind === "kv" ? parseKvList(wrangler(["kv", "namespace", "list"], opts)).get(r.name) : parseD1List(wrangler(["d1", "list", "--json"], opts)).get(r.name);
    }
    if (!id) throw new Error(`${r.kind} ${r.name}: created, but its id was not found`);
    ids[r.binding] = id;
  }
  return ids;
}

/** wrangler.toml with the account's ids (and options) in place of the placeholders. */
export function deployConfig(template, ids, { host, zone, publicKeys, mail } = {}) {
  let text = template.replace(/"provision:([a-z0-9_]+)"/g, (m, binding) => (ids[binding] ? JSON.stringify(ids[binding]) : m));
  const left = [...text.matchAll(/"provision:([a-z0-9_]+)"/g)].map((m) => m[1]);
  if (left.length) throw new Error(`no id for ${[...new Set(left)].join(", ")}: nothing written`);
  if (host) {
    text = text.replaceAll("portal.example.com", host);
  }
  if (zone) text = text.replaceAll('zone_name = "example.com"', `zone_name = ${JSON.stringify(zone)}`);
  if (publicKeys) text = text.replace(/^session_public_keys = ""$/gm, `session_public_keys = ${JSON.stringify(publicKeys)}`);
  if (mail === "cloudflare") {
    text = text.replace(/^mail_transport = "http"$/m, 'mail_transport = "cloudflare"').replace(/^mail_api_url = .*\n/m, "");
    text += '\n# Cloudflare Email Service (provision --mail cloudflare)\n[[env.identity.send_email]]\nname = "mail"\n';
  }
  const remembered = JSON.stringify({ host: host ?? null, zone: zone ?? null, mail: mail ?? null });
  text = `# GENERATED by infra/provision.mjs for one Cloudflare account: deploy with\n#   wrangler deploy -c ${DEFAULT_CONFIG} --env <function>\n# Edit wrangler.toml and run provision again instead of editing this file.\n# provision-options: ${remembered}\n${text}`;
  parse(text); // still valid TOML
  return text;
}

/** A secrets file: JSON object, or NAME=value lines (# comments). */
export function readSecrets(file) {
  const text = readFileSync(file, "utf8");
  const values = text.trimStart().startsWith("{")
    ? JSON.parse(text)
    : Object.fromEntries(
        text
          .split("\n")
          .map((l) => l.trim())
          .filter((l) => l && !l.startsWith("#"))
          .map((l) => {
            const i = l.indexOf("=");
            if (i < 1) throw new Error(`${file}: not NAME=value: ${l.slice(0, 20)}…`);
            return [l.slice(0, i).trim(), l.slice(i + 1).trim().replace(/^"(.*)"$/, "$1")];
          }),
      );
  for (const k of Object.keys(values)) {
    if (!(k in SECRETS) && !PUBLIC_SETTINGS.includes(k)) throw new Error(`${file}: unknown secret ${k} (known: ${[...Object.keys(SECRETS), ...PUBLIC_SETTINGS].join(", ")})`);
  }
  return values;
}

/** What an earlier run wrote into `file`: its options and the public session keys, so a re-run
 * without them keeps them (a re-run must never drop the host or the keys Workers verify with). */
export function previousRun(file) {
  if (!existsSync(file)) return {};
  const text = readFileSync(file, "utf8");
  const m = text.match(/^# provision-options: (\{.*\})$/m);
  const options = m ? JSON.parse(m[1]) : {};
  const publicKeys = parse(text).env?.content?.vars?.session_public_keys || undefined;
  return { ...Object.fromEntries(Object.entries(options).filter(([, v]) => v)), publicKeys };
}

/** The whole run. Options not given are taken from the previous run's generated config. */
export function provision({ root = ROOT, config = DEFAULT_CONFIG, secretsFile, host, zone, mail, deploy = false, log = console.log } = {}) {
  const opts = { root, log };
  const secrets = secretsFile ? readSecrets(secretsFile) : {};
  const before = previousRun(join(root, config));
  host ??= before.host;
  zone ??= before.zone;
  mail ??= before.mail;
  secrets.session_public_keys ??= before.publicKeys;
  log("== resources");
  const ids = ensureResources(opts);
  log(`== ${config}`);
  const text = deployConfig(readFileSync(join(root, "wrangler.toml"), "utf8"), ids, { host, zone, mail, publicKeys: secrets.session_public_keys });
  const out = join(root, config);
  writeFileSync(`${out}.tmp`, text);
  renameSync(`${out}.tmp`, out);
  log("== migrations");
  for (const { db, env } of migrationTargets(parse(text))) {
    wrangler(["d1", "migrations", "apply", db, "--remote", "-c", config, "--env", env], opts);
  }
  const names = Object.keys(secrets).filter((k) => k in SECRETS);
  if (names.length) log("== secrets");
  for (const fn of FUNCTIONS) {
    const mine = Object.fromEntries(names.filter((k) => SECRETS[k].includes(fn)).map((k) => [k, secrets[k]]));
    if (Object.keys(mine).length) wrangler(["secret", "bulk", "-c", config, "--env", fn], { ...opts, input: JSON.stringify(mine) });
  }
  if (deploy) {
    log("== deploy");
    for (const fn of FUNCTIONS) wrangler(["deploy", "-c", config, "--env", fn], opts);
  }
  log(`provisioned: ${Object.keys(ids).length} KV/D1 ids in ${config}${deploy ? ", Workers deployed" : `; deploy with: wrangler deploy -c ${config} --env <function>`}`);
  return ids;
}

function arg(name) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename);
if (isMain) {
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 22 || (major === 22 && minor < 12)) {
    console.error(`provision: Node ${process.versions.node} is too old; wrangler needs Node >= 22.12 (use node_modules/.bin/node or make provision).`);
    process.exit(1);
  }
  const config = arg("--config") ?? DEFAULT_CONFIG;
  if (process.argv.includes("--dry-run")) {
    for (const args of plan({ config, secrets: arg("--secrets") })) console.log(`wrangler ${args.join(" ")}`);
    console.log(`# dry run: nothing was created. A real run creates only what is missing, writes ${config} and applies migrations; run it again at any time.`);
  } else {
    try {
      provision({ config, secretsFile: arg("--secrets"), host: arg("--host"), zone: arg("--zone"), mail: arg("--mail"), deploy: process.argv.includes("--deploy") });
    } catch (e) {
      console.error(`provision: ${e.message}\nNothing is lost: fix the cause and run provision again; it continues where it stopped.`);
      process.exit(1);
    }
  }
}
