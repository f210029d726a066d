// The whole portal in workerd (Miniflare 4): one Worker per function, built by worker-build,
// with the bindings, vars and public routes read from the top-level wrangler.toml, so local
// runs and tests use exactly the deployment configuration, plus, for development builds, the
// dev overlay (infra/cloudflare/dev-overlay.toml: the /dev routes production never has). Used by `make dev` and the
// contract suite. Clients reach it through a small edge proxy (`startEdgeProxy`) that sets
// the client address as Cloudflare's edge does.
//
// Which build: the development Workers (`make build-workers DEV=1`, functions/<fn>/build-dev:
// the /dev routes compiled in), or with MEDPORTAL_WORKERS_BUILD=build the production ones.
import { Miniflare } from "miniflare";
import { createServer as createNetServer, connect } from "node:net";
import { parse } from "smol-toml";
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { applyMigrations } from "./migrate.mjs";

export const ROOT = resolve(import.meta.dirname, "../..");
export const FUNCTIONS = ["content", "content-desk", "identity", "search", "search-admin", "inquiries", "audit"];
/** The Workers' build directory under functions/<fn>/: `build-dev` (default) or `build`. */
export const WORKERS_BUILD = process.env.MEDPORTAL_WORKERS_BUILD ?? "build-dev";

/** The wrangler.toml environments, one per function; with `dev`, the dev overlay's routes
 * appended and its vars over the production ones. */
export function loadWrangler({ dev = false } = {}) {
  const cfg = parse(readFileSync(join(ROOT, "wrangler.toml"), "utf8"));
  if (!dev) return cfg;
  const overlay = parse(readFileSync(join(ROOT, "infra/cloudflare/dev-overlay.toml"), "utf8"));
  for (const [fn, extra] of Object.entries(overlay.env ?? {})) {
    const env = cfg.env[fn];
    if (!env) throw new Error(`dev overlay names an unknown environment ${fn}`);
    env.routes = [...(env.routes ?? []), ...(extra.routes ?? [])];
    env.vars = { ...env.vars, ...extra.vars };
  }
  return cfg;
}

/** Cloudflare route pattern `portal.example.com/search/*` → Miniflare's any-host `*\/search/*`. */
export function localRoute(pattern) {
  const slash = pattern.indexOf("/");
  return "*" + pattern.slice(slash);
}

/** Miniflare options for the portal. `vars` override wrangler vars (e.g. dev_mode); `sendEmail`
 * adds `send_email` bindings (e.g. `[{ name: "mail" }]`) to the identity Worker, as
 * `provision --mail cloudflare` does in the deployed config. */
export function portalOptions({ persistDir, vars = {}, port = 0, build = WORKERS_BUILD, onOutput, sendEmail } = {}) {
  const cfg = loadWrangler({ dev: build === "build-dev" });
  const workers = FUNCTIONS.map((fn) => {
    const env = cfg.env[fn];
    const buildDir = join(ROOT, "functions", fn, build);
    if (!existsSync(join(buildDir, "index.js"))) {
      const dev = build === "build-dev" ? " DEV=1" : "";
      throw new Error(`functions/${fn}/${build}/index.js missing: run make build-workers${dev}`);
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
      ...(env.send_email || (sendEmail && fn === "identity")
        ? { email: { send_email: [...(env.send_email ?? []), ...(fn === "identity" ? (sendEmail ?? []) : [])] } }
        : {}),
    };
  });
  const persist = persistDir
    ? {
        kvPersist: join(persistDir, "kv"),
        d1Persist: join(persistDir, "d1"),
        r2Persist: join(persistDir, "r2"),
      }
    : {};
  // `onOutput(text)`: the runtime's stdout and stderr (the Workers' console) go there instead.
  const stdio = onOutput
    ? { handleRuntimeStdio: (out, err) => [out, err].forEach((s) => s.on("data", (d) => onOutput(d.toString()))) }
    : {};
  return { host: "127.0.0.1", port, workers, ...persist, ...stdio };
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

/** Address headers a client may send. Cloudflare's edge never passes a client's own on
 * (it sets `CF-Connecting-IP` itself); Miniflare keeps one a client sent, so the proxy drops them. */
export const CLIENT_ADDRESS_HEADERS = ["cf-connecting-ip", "x-forwarded-for", "x-real-ip", "true-client-ip", "forwarded"];

const MAX_HEAD = 64 * 1024;

/** The request head with client-sent address headers and `Connection` dropped, then
 * `CF-Connecting-IP: <peer>` and `Connection: close` (one request per connection, so every
 * request's head passes here); `null` if it is not an HTTP/1.x head. */
function edgeHead(head, peer) {
  const [start, ...lines] = head.split("\r\n");
  if (!/^[A-Z]+ \S+ HTTP\/1\.[01]$/.test(start)) return null;
  const drop = [...CLIENT_ADDRESS_HEADERS, "connection", "keep-alive", "proxy-connection"];
  const kept = lines.filter((l) => !drop.includes(l.slice(0, l.indexOf(":")).trim().toLowerCase()));
  return [start, ...kept, `cf-connecting-ip: ${peer}`, "connection: close", "", ""].join("\r\n");
}

/** The edge in front of workerd: for each connection, reads the request head, drops
 * client-sent address headers, sets `CF-Connecting-IP` to the TCP peer's address, and from
 * then on pipes bytes both ways (streaming, no buffering, so an early answer such as a 413
 * reaches the client as it would from the edge). Resolves to { url, close }. */
export function startEdgeProxy(target, { host = "127.0.0.1", port = 0 } = {}) {
  const upstream = new URL(target);
  const server = createNetServer((client) => {
    client.setNoDelay(true); // no Nagle delay on small answers (a ~40 ms stall per request)
    const peer = (client.remoteAddress ?? "").replace(/^::ffff:/, "");
    let buffered = Buffer.alloc(0);
    const onData = (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf("\r\n\r\n");
      if (end < 0) return buffered.length > MAX_HEAD && client.destroy();
      client.off("data", onData);
      client.pause();
      const head = edgeHead(buffered.subarray(0, end).toString("latin1"), peer);
      if (head === null) return client.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
      const out = connect({ port: Number(upstream.port), host: upstream.hostname, noDelay: true }, () => {
        out.write(Buffer.concat([Buffer.from(head, "latin1"), buffered.subarray(end + 4)]));
        client.pipe(out);
        // The answer's head says `Connection: close` too, so the client never sends a second
        // request on this connection (it would pass here without its head rewritten).
        let answerHead = Buffer.alloc(0);
        const onAnswer = (chunk) => {
          answerHead = Buffer.concat([answerHead, chunk]);
          const at = answerHead.indexOf("\r\n\r\n");
          if (at < 0) return answerHead.length > MAX_HEAD && out.destroy();
          out.off("data", onAnswer);
          const [status, ...lines] = answerHead.subarray(0, at).toString("latin1").split("\r\n");
          const kept = lines.filter((l) => !["connection", "keep-alive"].includes(l.slice(0, l.indexOf(":")).trim().toLowerCase()));
          client.write(Buffer.concat([Buffer.from([status, ...kept, "connection: close", "", ""].join("\r\n"), "latin1"), answerHead.subarray(at + 4)]));
          out.pipe(client);
        };
        out.on("data", onAnswer);
      });
      // An early answer (a 413 before the body is in) ends the upstream while the client is
      // still sending: stop forwarding, drain what the client still sends and half-close,
      // as an edge does, so the client reads the answer instead of a reset connection.
      let answered = false;
      const drain = () => {
        client.unpipe(out);
        client.on("data", () => {});
        client.resume();
        setTimeout(() => client.destroy(), 5000).unref();
      };
      out.on("end", () => ((answered = true), drain()));
      out.on("error", () => (answered ? drain() : client.destroy()));
      client.on("error", () => out.destroy());
      client.on("close", () => out.destroy());
    };
    client.on("data", onData);
    client.on("error", () => client.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const sockets = new Set();
      server.on("connection", (s) => (sockets.add(s), s.on("close", () => sockets.delete(s))));
      const close = () =>
        new Promise((r) => {
          server.close(r);
          for (const s of sockets) s.destroy();
        });
      resolve({ url: `http://${host}:${server.address().port}`, close });
    });
  });
}

/** Starts the portal behind the edge proxy (listening on `port`, 0 = any); returns
 * { mf, url, stop }. */
export async function startPortal(opts = {}) {
  const mf = new Miniflare(portalOptions({ ...opts, port: 0 }));
  const inner = await mf.ready;
  try {
    await prepareDatabases(mf, { seed: opts.seed ?? true });
    const edge = await startEdgeProxy(inner.toString(), { port: opts.port ?? 0 });
    return { mf, url: edge.url, stop: async () => (await edge.close(), await mf.dispose()) };
  } catch (e) {
    await mf.dispose();
    throw e;
  }
}
