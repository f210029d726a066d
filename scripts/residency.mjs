#!/usr/bin/env node
// Residency report and check on store dumps: per region, which categories of personal data
// live in which store (the `[[category]]` tables of infra/regions.toml) with live counts, and
// every record whose person's home region differs from its store's region (or that sits in a
// global store, which holds no personal data). Exits 1 when any record is misplaced.
//
//   node scripts/residency.mjs STATE_DIR    (or: make residency STATE=STATE_DIR)
//
// STATE_DIR holds one SQLite file per store (`db_eu.db`, `kv_us.db`, `blob_global.db`, ...),
// as Spin and the native host lay them out. The contract suite runs the same check
// (`checkResidency`) on dumps of every store of every host (tests/contract/privacy.test.mjs).
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { parse } from "smol-toml";

const ROOT = resolve(import.meta.dirname, "..");

/** The residency policy and the categories of personal data. */
export function loadPolicy(root = ROOT) {
  const p = parse(readFileSync(join(root, "infra/regions.toml"), "utf8"));
  const country = new Map();
  for (const [code, def] of Object.entries(p.region)) for (const c of def.countries) country.set(c, code);
  return {
    regions: Object.keys(p.region),
    names: Object.fromEntries(Object.entries(p.region).map(([k, v]) => [k, v.name])),
    categories: p.category ?? [],
    homeOf: (c) => country.get(c) ?? p.default_region,
  };
}

const text = (v) => (v instanceof Uint8Array ? Buffer.from(v).toString("utf8") : v);

/** Every store of a Spin / native state directory:
 * { db_x: { tables: { name: [row objects] } }, kv_x / blob_x: [{ key, value }] }. */
export function readStateDir(dir) {
  const out = {};
  for (const f of readdirSync(dir).filter((f) => /^(db|kv|blob)_[a-z]+\.db$/.test(f))) {
    const store = f.slice(0, -3);
    const db = new DatabaseSync(join(dir, f), { readOnly: true });
    try {
      if (store.startsWith("db_")) {
        const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all().map((r) => r.name);
        out[store] = { tables: Object.fromEntries(names.map((t) => [t, db.prepare(`SELECT * FROM "${t}"`).all()])) };
      } else {
        const rows = db.prepare("SELECT key, value FROM spin_key_value ORDER BY key").all();
        // blob stores are key-value backed (core's KvBlobStore): `m/<name>` is an object of at
        // most 512 KiB itself (byte 1, content type length u16 LE, content type, the bytes), or a
        // larger object's metadata record, whose bytes are its `o/<name>/<part>` records
        const blobValue = (r) => {
          const v = r.value;
          if (v instanceof Uint8Array && v[0] === 1) return text(v.subarray(3 + (v[1] | (v[2] << 8))));
          return rows.filter((d) => d.key.startsWith(`o/${r.key.slice(2)}/`)).map((d) => text(d.value)).join("");
        };
        out[store] = store.startsWith("blob_")
          ? rows.filter((r) => r.key.startsWith("m/")).map((r) => ({ key: r.key.slice(2), value: blobValue(r) }))
          : rows.map((r) => ({ key: r.key, value: text(r.value) }));
        // every record as stored, whatever it belongs to (canary searches)
        out[`raw:${store}`] = rows.map((r) => `${r.key}=${text(r.value)}`);
      }
    } finally {
      db.close();
    }
  }
  return out;
}

/** The person of a row of `table` (a category names one column; a few tables reach their
 * person through their parent). */
function personOf(table, row, column, store) {
  const t = store.tables;
  switch (table) {
    case "search_clicks": return t.search_events?.find((e) => e.id === row.search_id)?.user_id;
    case "inquiry_messages":
    case "inquiry_off_label":
    case "inquiry_off_label_undone": return t.inquiries?.find((i) => i.id === row.inquiry_id)?.user_id;
    case "mail_outbox": return { email: row.to_addr };
    case "audit_salts": return row.subject;
    default: return row[column];
  }
}

/** The check: { counts: { region: [{ category, store, count }] }, misplaced: [{ store, table, record, home }] }. */
export function checkResidency(dumps, policy = loadPolicy()) {
  const people = new Map();
  const emails = new Map();
  const staff = new Set();
  for (const [name, store] of Object.entries(dumps)) {
    if (!name.startsWith("db_")) continue;
    for (const u of store.tables.users ?? []) {
      people.set(u.id, policy.homeOf(u.country));
      emails.set(u.email, policy.homeOf(u.country));
      if (u.roles.split(",").some((r) => r.trim() !== "hcp")) staff.add(u.id);
    }
  }
  // The one personal reference global stores hold by design: the audit entries of global
  // records (content's library) name the staff member who acted, by id only.
  // And the log's monthly origin key (core's audit::origin_subject): a key, about nobody.
  const allowedInGlobal = (table, row) =>
    (table === "audit_entries" && (staff.has(row.actor) || !people.has(row.actor)) && !(people.has(row.object) && !staff.has(row.object))) ||
    (table === "audit_salts" && /^origin:\d{4}-\d{2}$/.test(row.subject));
  const home = (p) => (p && typeof p === "object" ? emails.get(p.email) : people.get(p));
  const counts = {};
  const misplaced = [];
  for (const [name, store] of Object.entries(dumps)) {
    if (!/^(db|kv|blob)_[a-z]+$/.test(name)) continue;
    const [kind, region] = name.split("_");
    const here = region === "global" ? null : region;
    const report = (counts[region] ??= []);
    for (const c of policy.categories.filter((c) => c.store === kind)) {
      let count = 0;
      if (kind === "db") {
        for (const table of c.tables) {
          for (const row of store.tables[table] ?? []) {
            count++;
            const h = table === "users" || table === "pending_registrations" ? policy.homeOf(row.country) : home(personOf(table, row, c.person, store));
            // a global store holds no personal data at all; a regional one only its region's
            const outside = here === null ? !allowedInGlobal(table, row) : h && h !== here;
            if (outside) misplaced.push({ store: name, table, record: row.id ?? row.key ?? row.subject ?? "", home: h ?? "unknown" });
          }
        }
      } else {
        for (const { key, value } of store) {
          const prefix = c.prefixes.find((p) => key.startsWith(p));
          if (!prefix) continue;
          count++;
          let person = key.slice(prefix.length).split("/")[0];
          if (c.person === "value.uid" && prefix !== "deny/u/") {
            try { person = JSON.parse(value).uid; } catch { person = undefined; }
          }
          const h = people.get(person);
          if (here === null || (h && h !== here)) misplaced.push({ store: name, table: prefix, record: key, home: h ?? "unknown" });
        }
      }
      report.push({ category: c.code, store: name, count });
    }
  }
  return { counts, misplaced };
}

function main() {
  const dir = process.argv[2];
  if (!dir || !existsSync(dir)) {
    console.error("usage: node scripts/residency.mjs STATE_DIR (SQLite store files: db_eu.db, kv_eu.db, ...)");
    process.exit(2);
  }
  const policy = loadPolicy();
  const { counts, misplaced } = checkResidency(readStateDir(dir), policy);
  for (const region of [...policy.regions, "global"]) {
    console.log(`\n${region}: ${policy.names[region] ?? "global stores (no personal data)"}`);
    for (const c of policy.categories) {
      // a store never written has no file yet: its categories hold 0 records
      const rows = (counts[region] ?? []).filter((r) => r.category === c.code);
      const count = rows.reduce((n, r) => n + r.count, 0);
      if (region === "global" && count === 0) continue;
      console.log(`  ${c.code.padEnd(24)} ${`${c.store}_${region}`.padEnd(12)} ${String(count).padStart(7)}`);
    }
  }
  console.log(`\n${misplaced.length} personal records outside their home region`);
  for (const m of misplaced) console.log(`  ${m.store} ${m.table} ${m.record}: home region ${m.home}`);
  process.exit(misplaced.length ? 1 : 0);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
