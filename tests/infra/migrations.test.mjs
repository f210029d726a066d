// The workerd harness's migration runner (tests/workerd/migrate.mjs) against a Miniflare D1:
// the shared fixture (tests/fixtures/migrations, also applied by the Rust runner's tests),
// atomicity, older `_migrations` layouts, and the portal's real migrations and seeds.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { applyMigrations, readMigrations, splitSql } from "../workerd/migrate.mjs";
import { ROOT, migrateDatabase } from "../workerd/portal.mjs";

const FIXTURE = join(ROOT, "tests/fixtures/migrations");
const BINDINGS = ["db_global", "db_eu", "db_us"];

async function withD1(fn) {
  const mf = new Miniflare({
    modules: true,
    script: "export default { fetch() { return new Response('') } }",
    d1Databases: BINDINGS,
  });
  try {
    await mf.ready;
    return await fn(Object.fromEntries(await Promise.all(BINDINGS.map(async (b) => [b, await mf.getD1Database(b)]))));
  } finally {
    await mf.dispose();
  }
}

const all = async (db, sql) => (await db.prepare(sql).all()).results;

test("splitSql keeps trigger bodies, quoted semicolons and drops comments", () => {
  const stmts = splitSql(readFileSync(join(FIXTURE, "0001_append_only.sql"), "utf8"));
  assert.equal(stmts.length, 6, stmts.join("\n----\n"));
  assert.match(stmts[0], /^CREATE TABLE fixture_audit \(/);
  for (const t of stmts.slice(2, 5)) assert.match(t, /^CREATE TRIGGER [\s\S]*;\s*END$/);
  assert.match(stmts[3], /delete attempted; refused'\);\s+SELECT RAISE/);
  assert.match(stmts[4], /'insert; with semicolon' ELSE 'insert' END\);\s*END$/);
  assert.equal(stmts[5], "INSERT INTO fixture_audit (id, note) VALUES (1, 'first; it''s -- not a comment /* nor this */')");
  for (const s of stmts) assert.doesNotMatch(s.replace(/'[^']*'/g, "''"), /--|\/\*/);
  assert.deepEqual(splitSql("SELECT 1;;  ; -- only a comment\nSELECT [a;b], \"c;d\", `e;f` FROM t"), [
    "SELECT 1",
    'SELECT [a;b], "c;d", `e;f` FROM t',
  ]);
  assert.deepEqual(splitSql("CREATE TEMP TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END"), [
    "CREATE TEMP TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END",
  ]);
  assert.deepEqual(splitSql("CREATE TABLE end_(x); SELECT 1"), ["CREATE TABLE end_(x)", "SELECT 1"]);
  assert.throws(() => splitSql("SELECT 'open"), /unterminated ' quote/);
  assert.throws(() => splitSql("/* open"), /unterminated \/\* comment/);
  assert.throws(() => splitSql("CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1;"), /CREATE TRIGGER body/);
});

test("splitSql finds the same statements as wrangler's splitter (d1 execute / migrations apply)", async () => {
  const { unstable_splitSqlQuery } = await import("wrangler");
  // wrangler keeps comments and the final `;`: compare without them (one left-to-right pass,
  // so string literals are kept verbatim) and with whitespace collapsed
  const norm = (stmts) =>
    stmts
      .map((s) =>
        s
          .replace(/'(?:[^']|'')*'|--[^\n]*|\/\*[\s\S]*?\*\//g, (m) => (m.startsWith("'") ? m : " "))
          .replace(/;\s*$/, "")
          .replace(/\s+/g, " ")
          .trim(),
      )
      .filter(Boolean);
  const dirs = [FIXTURE, join(ROOT, "infra/migrations"), ...BINDINGS.map((b) => join(ROOT, "infra/seed", b))];
  for (const { name, sql } of dirs.flatMap((d) => readMigrations(d))) {
    assert.deepEqual(norm(splitSql(sql)), norm(unstable_splitSqlQuery(sql)), name);
  }
});

test("the shared fixture applies once on D1, its triggers refuse UPDATE and DELETE", () =>
  withD1(async ({ db_eu: db }) => {
    const started = Math.floor(Date.now() / 1000);
    assert.deepEqual(await applyMigrations(db, FIXTURE), ["0001_append_only.sql", "0002_second.sql"]);
    assert.deepEqual(await applyMigrations(db, FIXTURE), []);
    assert.deepEqual(await applyMigrations(db, join(FIXTURE, "0002_second.sql")), []);

    const rows = await all(db, "SELECT name, applied_at, typeof(applied_at) AS type FROM _migrations ORDER BY name");
    assert.deepEqual(rows.map((r) => r.name), ["0001_append_only.sql", "0002_second.sql"]);
    for (const r of rows) {
      assert.equal(r.type, "integer");
      assert.ok(r.applied_at >= started && r.applied_at <= Date.now() / 1000 + 1, `applied_at ${r.applied_at} is not unix seconds`);
    }
    const notes = (await all(db, "SELECT note FROM fixture_audit ORDER BY id")).map((r) => r.note);
    assert.deepEqual(notes, ["first; it's -- not a comment /* nor this */", "second", "third"]);
    await assert.rejects(db.prepare("UPDATE fixture_audit SET note = 'changed' WHERE id = 1").run(), /append-only; UPDATE refused/);
    await assert.rejects(db.prepare("DELETE FROM fixture_audit WHERE id = 1").run(), /append-only; DELETE refused/);
    assert.equal((await db.prepare("SELECT count(*) AS n FROM fixture_audit").first()).n, 3);
    const log = (await all(db, "SELECT kind FROM fixture_audit_log ORDER BY seq")).map((r) => r.kind);
    assert.deepEqual(log, ["insert; with semicolon", "insert", "insert"]);
  }));

test("a failing file leaves no trace; the files before it stay applied", () =>
  withD1(async ({ db_eu: db }) => {
    const m = (name, sql) => ({ name, sql });
    await assert.rejects(
      applyMigrations(db, [
        m("1.sql", "CREATE TABLE one (x);"),
        m("2.sql", "CREATE TABLE two (x); INSERT INTO two VALUES (1); INSERT INTO missing VALUES (1);"),
        m("3.sql", "CREATE TABLE three (x);"),
      ]),
      /migration 2\.sql: .*missing/,
    );
    const tables = (await all(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('one', 'two', 'three')")).map((r) => r.name);
    assert.deepEqual(tables, ["one"]);
    assert.deepEqual((await all(db, "SELECT name FROM _migrations")).map((r) => r.name), ["1.sql"]);
    assert.deepEqual(await applyMigrations(db, [m("2.sql", "CREATE TABLE two (x);")]), ["2.sql"]);
  }));

test("older _migrations layouts become integer seconds", () =>
  withD1(async ({ db_eu: text, db_us: millis }) => {
    await text.batch([
      text.prepare("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT (datetime('now')))"),
      text.prepare("INSERT INTO _migrations VALUES ('a.sql', '2024-01-02 03:04:05')"),
    ]);
    assert.deepEqual(await applyMigrations(text, [{ name: "a.sql", sql: "CREATE TABLE never (x)" }]), []);
    assert.deepEqual(await all(text, "SELECT applied_at, typeof(applied_at) AS type FROM _migrations"), [{ applied_at: 1704164645, type: "integer" }]);
    await millis.prepare(
      "CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)",
    ).run();
    await millis.prepare("INSERT INTO _migrations VALUES ('a.sql', 1704164645123)").run();
    await applyMigrations(millis, []);
    assert.equal((await millis.prepare("SELECT applied_at FROM _migrations").first()).applied_at, 1704164645);
  }));

test("the portal's migrations and seeds apply on D1, once", () =>
  withD1(async (dbs) => {
    const schema = readMigrations(join(ROOT, "infra/migrations")).map((m) => m.name);
    for (const binding of BINDINGS) {
      const seeds = readMigrations(join(ROOT, "infra/seed", binding)).map((m) => m.name);
      assert.deepEqual(await migrateDatabase(dbs[binding], binding), [...schema, ...seeds]);
      assert.deepEqual(await migrateDatabase(dbs[binding], binding), []);
    }
  }));
