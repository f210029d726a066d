// The whole portal in workerd (Miniflare 4): one Worker per function, built by worker-build,
// with the bindings, vars and public routes read from the top-level wrangler.toml, so local
// runs and tests use exactly the deployment configuration. Used by `make dev` and the
// contract suite.
import { Miniflare } from "miniflare";
import { parse } from "smol-toml";
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { applyMigrations } from "./migrate.mjs";

export const ROOT = resolve(import.meta.dirname, "../..");
export const FUNCTIONS = ["content", "identity", "search", "search-admin", "inquiries", "audit"];

/** The wrangler.toml environments, one per function. */
export function loadWrangler() {
  return parse(readFileSync(join(ROOT, "wrangler.toml"), "utf8"));
}

/** Cloudflare route pattern `portal.example.com/search/*` → Miniflare's any-host `*\/search/*`. */
export function localRoute(pattern) {
  const slash = pattern.indexOf("/");
  return "*" + pattern.slice(slash);
}

/** Miniflare options for the portal. `vars` override wrangler vars (e.g. dev_mode). */
export function portalOptions({ persistDir, vars = {}, port = 0 } = {}) {
  const cfg = loadWrangler();
  const workers = FUNCTIONS.map((fn) => {
    const env = cfg.env[fn];
    const buildDir = join(ROOT, "functions", fn, "build");
    if (!existsSync(join(buildDir, "index.js"))) {
      throw new Error(`functions/${fn}/build/index.js missing: run make build-workers`);
    }
    const modules = readdirSync(buildDir)
      .filter((f) => f.endsWith(".js") || f.endsWith(".mjs") || f.endsWith(".wasm"))
      .map((f) => ({
        type: f.endsWith(".wasm") ? "CompiledWasm" : "ESModule",
        path: join(buildDir, f),
      }))
      // the entry module first
      .sort((a, b) => (a.path.endsWith("index.js") ? -1 : b.path.endsWith("index.js") ? 1 : 0));
    return {
      name: fn,
      modules,
      modulesRoot: buildDir,
      compatibilityDate: cfg.compatibility_date,
      routes: (env.routes ?? []).map((r) => localRoute(r.pattern)),
      bindings: { ...env.vars, ...vars },
      kvNamespaces: Object.fromEntries((env.kv_namespaces ?? []).map((k) => [k.binding, k.id])),
      d1Databases: Object.fromEntries((env.d1_databases ?? []).map((d) => [d.binding, d.database_id])),
      r2Buckets: Object.fromEntries((env.r2_buckets ?? []).map((b) => [b.binding, b.bucket_name])),
    };
  });
  const persist = persistDir
    ? {
        kvPersist: join(persistDir, "kv"),
        d1Persist: join(persistDir, "d1"),
        r2Persist: join(persistDir, "r2"),
      }
    : {};
  return { host: "127.0.0.1", port, workers, ...persist };
}

/** Applies the schema (infra/migrations) and, with `seed`, the demo seed of `binding`
 * (infra/seed/<binding>/) to one D1 database, with the shared rules (tests/workerd/migrate.mjs). */
export async function migrateDatabase(db, binding, { seed = true } = {}) {
  const applied = await applyMigrations(db, join(ROOT, "infra/migrations"));
  const seedDir = join(ROOT, "infra/seed", binding);
  if (seed && existsSync(seedDir)) applied.push(...(await applyMigrations(db, seedDir)));
  return applied;
}

/** Applies infra/migrations (and the demo seed) once to every D1 database, like the other hosts. */
export async function prepareDatabases(mf, { seed = true } = {}) {
  const cfg = loadWrangler();
  const dbs = new Map();
  for (const fn of FUNCTIONS) {
    for (const d of cfg.env[fn].d1_databases ?? []) if (!dbs.has(d.binding)) dbs.set(d.binding, fn);
  }
  for (const [binding, worker] of dbs) {
    await migrateDatabase(await mf.getD1Database(binding, worker), binding, { seed });
  }
}

/** Starts the portal; returns { mf, url }. */
export async function startPortal(opts) {
  const mf = new Miniflare(portalOptions(opts));
  const url = await mf.ready;
  await prepareDatabases(mf, { seed: opts?.seed ?? true });
  return { mf, url: url.toString().replace(/\/$/, "") };
}
