#!/usr/bin/env node
// A fake `wrangler` for the provisioning tests: keeps a Cloudflare account in a JSON file
// (FAKE_WRANGLER_STATE), records every call, and answers the commands provision uses the way
// wrangler 4.164 does (its output formats read from node_modules/wrangler/wrangler-dist/cli.js):
//   kv namespace list            JSON array of { id, title, supports_url_encoding } (no banner)
//   kv namespace create N [--jurisdiction J]   banner, "🌀 Creating namespace with title …",
//                                "✨ Success!", then the TOML snippet `[[kv_namespaces]] … id = "…"`;
//                                an existing title: "A KV namespace with the title … already exists."
//   d1 list --json               JSON array of { uuid, name, created_at, version, num_tables,
//                                file_size, jurisdiction } (no banner)
//   d1 create N [--location L | --jurisdiction J]   "✅ Successfully created DB 'N' …", then the
//                                snippet `[[d1_databases]] … database_id = "…"`; an existing name:
//                                "A database with that name already exists"
//   r2 bucket list [--jurisdiction J]   banner, "Listing buckets...", `name:` / `creation_date:`
//                                blocks; only that jurisdiction's buckets
//   r2 bucket create N [--location L | --jurisdiction J]   "Creating bucket 'N (J)'...",
//                                "✅ Created bucket 'N (J)' with default storage class of Standard."
//   d1 migrations apply DB --remote -c CFG --env E   the DB looked up in CFG's env E by name,
//                                its database_id must be the account's uuid; unapplied *.sql of its
//                                migrations_dir applied in name order, recorded like d1_migrations
//   secret bulk -c CFG --env E   JSON on stdin, stored for E's Worker name
//   deploy -c CFG --env E        recorded
// Failures for the tests: FAKE_WRANGLER_FAIL="<args prefix>" fails a matching call before it
// acts (an API error); FAKE_WRANGLER_FAIL_AFTER="<args prefix>" acts, then fails (the answer
// is lost).
import { readFileSync, writeFileSync, existsSync, readdirSync } from "node:fs";
import { join, dirname, resolve } from "node:path";
import { randomBytes, randomUUID } from "node:crypto";
import { parse } from "smol-toml";

const statePath = process.env.FAKE_WRANGLER_STATE;
if (!statePath) {
  console.error("FAKE_WRANGLER_STATE not set");
  process.exit(2);
}
const state = existsSync(statePath)
  ? JSON.parse(readFileSync(statePath, "utf8"))
  : { kv: [], d1: [], r2: [], migrations: {}, secrets: {}, deployed: [], calls: [] };
const args = process.argv.slice(2);
const line = args.join(" ");
const stdin = args[0] === "secret" ? readFileSync(0, "utf8") : "";
state.calls.push(line);
const save = () => writeFileSync(statePath, JSON.stringify(state, null, 2));

const BANNER = "\n \u26C5\uFE0F wrangler 4.164.0\n\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\n";
const out = (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
function fail(message, code = 1) {
  save();
  process.stderr.write(`\n\u2718 [ERROR] ${message}\n\n`);
  process.exit(code);
}
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const binding = (name) => name.replace(/[\s-]/g, "_").replace(/[^a-zA-Z0-9_]/g, "");

const failBefore = process.env.FAKE_WRANGLER_FAIL;
if (failBefore && line.startsWith(failBefore)) {
  fail("A request to the Cloudflare API (/accounts/0123/…) failed.\n  Internal server error [code: 10000]");
}
const failAfter = process.env.FAKE_WRANGLER_FAIL_AFTER && line.startsWith(process.env.FAKE_WRANGLER_FAIL_AFTER);

function finish() {
  save();
  if (failAfter) {
    process.stderr.write("\n\u2718 [ERROR] The connection was reset before the answer arrived.\n\n");
    process.exit(1);
  }
}

/** The config file and environment of a command: { cfg, env, dir }. */
function configOf() {
  const file = resolve(opt("-c") ?? opt("--config") ?? "wrangler.toml");
  if (!existsSync(file)) fail(`Could not read file: ${file}`);
  const cfg = parse(readFileSync(file, "utf8"));
  const envName = opt("--env");
  const env = envName ? cfg.env?.[envName] : cfg;
  if (!env) fail(`No environment found in configuration with name "${envName}".`);
  return { cfg, env, dir: dirname(file) };
}

const [a, b, c] = args;
if (a === "kv" && b === "namespace" && c === "list") {
  out(JSON.stringify(state.kv.map(({ id, title }) => ({ id, title, supports_url_encoding: true })), null, "  "));
} else if (a === "kv" && b === "namespace" && c === "create") {
  const title = args[3];
  const jurisdiction = opt("--jurisdiction");
  out(`${BANNER}Resource location: remote\n\u{1F300} Creating namespace with title "${title}"${jurisdiction ? ` (jurisdiction: ${jurisdiction})` : ""}`);
  if (state.kv.some((n) => n.title === title)) {
    fail(`A KV namespace with the title "${title}" already exists.\n\nYou can list existing namespaces with their IDs by running:\n  wrangler kv namespace list\n\nOr choose a different namespace name.`);
  }
  const id = randomBytes(16).toString("hex");
  state.kv.push({ id, title, jurisdiction: jurisdiction ?? null });
  out(`\u2728 Success!\nTo access your new KV Namespace in your Worker, add the following snippet to your configuration file:\n[[kv_namespaces]]\nbinding = "${binding(title)}"\nid = "${id}"\n`);
} else if (a === "d1" && b === "list") {
  if (!args.includes("--json")) fail("the fake answers d1 list --json only");
  out(JSON.stringify(state.d1, null, 2));
} else if (a === "d1" && b === "create") {
  const name = c;
  const [location, jurisdiction] = [opt("--location"), opt("--jurisdiction")];
  if (state.d1.some((d) => d.name === name)) fail("A database with that name already exists");
  const uuid = randomUUID();
  state.d1.push({ uuid, name, created_at: new Date().toISOString(), version: "production", num_tables: 0, file_size: 0, jurisdiction: jurisdiction ?? null, location: location ?? null });
  out(`${BANNER}\u2705 Successfully created DB '${name}'${location ? ` using primary location hint ${location}` : ""}\nCreated your new D1 database.\n\nTo access your new D1 Database in your Worker, add the following snippet to your configuration file:\n[[d1_databases]]\nbinding = "${binding(name)}"\ndatabase_name = "${name}"\ndatabase_id = "${uuid}"\n`);
} else if (a === "r2" && b === "bucket" && c === "list") {
  const jurisdiction = opt("--jurisdiction") ?? null;
  const mine = state.r2.filter((x) => x.jurisdiction === jurisdiction);
  out(`${BANNER}Listing buckets...\n${mine.map((x) => `name:           ${x.name}\ncreation_date:  ${x.creation_date}`).join("\n\n")}`);
} else if (a === "r2" && b === "bucket" && c === "create") {
  const name = args[3];
  const [location, jurisdiction] = [opt("--location"), opt("--jurisdiction")];
  if (location && jurisdiction) fail("Provide either a jurisdiction or location hint - not both.");
  const full = jurisdiction ? `${name} (${jurisdiction})` : name;
  out(`${BANNER}Creating bucket '${full}'...`);
  if (state.r2.some((x) => x.name === name && x.jurisdiction === (jurisdiction ?? null))) {
    fail("A request to the Cloudflare API (/accounts/0123/r2/buckets) failed.\n  The bucket you tried to create already exists, and you own it. [code: 10004]");
  }
  state.r2.push({ name, jurisdiction: jurisdiction ?? null, location: location ?? null, creation_date: new Date().toISOString() });
  out(`\u2705 Created bucket '${full}' with${location ? ` location hint ${location} and` : ""} default storage class of Standard.\n\nTo access your new R2 Bucket in your Worker, add the following snippet to your configuration file:\n[[r2_buckets]]\nbucket_name = "${name}"\nbinding = "${binding(name)}"\n`);
} else if (a === "d1" && b === "migrations" && c === "apply") {
  const name = args[3];
  if (!args.includes("--remote")) fail("the fake applies --remote only");
  const { env, dir } = configOf();
  const db = (env.d1_databases ?? []).find((d) => d.database_name === name || d.binding === name);
  if (!db) fail(`Couldn't find a D1 DB with the name or binding '${name}' in your wrangler.toml file.`);
  const real = state.d1.find((d) => d.uuid === db.database_id);
  if (!real || real.name !== db.database_name) fail(`A request to the Cloudflare API (/accounts/0123/d1/database/${db.database_id}/query) failed.\n  The database ${db.database_id} could not be found [code: 7404]`);
  const migrationsDir = join(dir, db.migrations_dir ?? "migrations");
  const files = readdirSync(migrationsDir).filter((f) => f.endsWith(".sql")).sort();
  const applied = (state.migrations[real.uuid] ??= []);
  const pending = files.filter((f) => !applied.includes(f));
  out(`${BANNER}Resource location: remote`);
  if (!pending.length) out("\u2705 No migrations to apply!");
  else {
    out(`Migrations to be applied:\n${pending.map((f) => `\u2502 ${f} \u2502`).join("\n")}`);
    for (const f of pending) {
      applied.push(f);
      // a failure half-way through: the files before stay applied
      if (process.env.FAKE_WRANGLER_FAIL_MIGRATION === f) {
        applied.pop();
        fail(`Migration ${f} failed with the following errors:\nno such table: x: SQLITE_ERROR`);
      }
    }
    out(pending.map((f) => `\u2502 ${f} \u2502 \u2705 \u2502`).join("\n"));
  }
} else if (a === "secret" && b === "bulk") {
  const { env } = configOf();
  const worker = env.name;
  const values = JSON.parse(stdin);
  out(`${BANNER}\u{1F300} Processing the secrets for the Worker "${worker}"`);
  state.secrets[worker] = { ...state.secrets[worker], ...values };
  for (const k of Object.keys(values)) out(`\u2728 Successfully created secret for key: ${k}`);
  out(`\nFinished processing secrets file:\n\u2728 ${Object.keys(values).length} secrets successfully created`);
} else if (a === "deploy") {
  const { env } = configOf();
  state.deployed.push(env.name);
  out(`${BANNER}Uploaded ${env.name}\nDeployed ${env.name} triggers`);
} else {
  fail(`the fake wrangler does not know: ${line}`);
}
finish();
