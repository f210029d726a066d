// The migration runner of the workerd harness (D1 in Miniflare). Same rules as the Rust
// runner (shared/migrate), written down once in infra/migrations/README.md: files in name
// order, each atomically with its `_migrations` row (one D1 batch, which D1 runs as one
// transaction), `applied_at` in unix seconds, re-running a no-op.
//
// D1 has no documented whole-script call that fits: `exec` takes one statement per line (in
// Miniflare 4.20260730 a multi-line statement or a comment-only line fails), and a
// multi-statement `prepare` happens to run in Miniflare but is no D1 contract. So files are
// split into statements by `splitSql`, a port of SQLite's own `sqlite3_complete()` state
// machine (quotes, `--` and `/* */` comments, `CREATE TRIGGER … BEGIN …; …; END` bodies),
// and run as one `batch` (D1 refuses BEGIN/SAVEPOINT) — what `wrangler d1 execute --local`
// and `wrangler d1 migrations apply --local` do too; the test checks both splitters agree.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";

export const MIGRATIONS_TABLE =
  "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)";

// Tokens and transitions of sqlite3_complete() (SQLite's complete.c).
const SEMI = 0, WS = 1, OTHER = 2, EXPLAIN = 3, CREATE = 4, TEMP = 5, TRIGGER = 6, END = 7;
const KEYWORDS = { explain: EXPLAIN, create: CREATE, temp: TEMP, temporary: TEMP, trigger: TRIGGER, end: END };
// States: 0 invalid, 1 start, 2 normal, 3 explain, 4 create, 5 trigger, 6 semi (in a
// trigger), 7 end (in a trigger). A SEMI token that leads to state 1 ends a statement.
const TRANS = [
  //SEMI WS OTHER EXPLAIN CREATE TEMP TRIGGER END
  [1, 0, 2, 3, 4, 2, 2, 2],
  [1, 1, 2, 3, 4, 2, 2, 2],
  [1, 2, 2, 2, 2, 2, 2, 2],
  [1, 3, 3, 2, 4, 2, 2, 2],
  [1, 4, 2, 2, 2, 4, 5, 2],
  [6, 5, 5, 5, 5, 5, 5, 5],
  [6, 6, 5, 5, 5, 5, 5, 7],
  [1, 7, 5, 5, 5, 5, 5, 5],
];
const isIdChar = (c) => /[A-Za-z0-9_$]/.test(c) || c.charCodeAt(0) >= 0x80;

/**
 * Splits a SQL script into its statements, as SQLite would run them: each without its
 * terminating `;`, comments removed (string literals and identifiers kept verbatim), empty
 * statements dropped. Throws on an unterminated string, comment or trigger body.
 */
export function splitSql(sql) {
  const out = [];
  let cur = "";
  let state = 0;
  let i = 0;
  const fail = (what) => {
    const line = sql.slice(0, i).split("\n").length;
    throw new Error(`unterminated ${what} at line ${line}`);
  };
  while (i < sql.length) {
    const c = sql[i];
    let token;
    let text;
    if (c === ";") {
      token = SEMI;
      text = ";";
      i++;
    } else if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f") {
      token = WS;
      text = c;
      i++;
    } else if (c === "/" && sql[i + 1] === "*") {
      const close = sql.indexOf("*/", i + 2);
      if (close < 0) fail("/* comment");
      token = WS;
      text = " ";
      i = close + 2;
    } else if (c === "-" && sql[i + 1] === "-") {
      const nl = sql.indexOf("\n", i);
      token = WS;
      text = "\n";
      i = nl < 0 ? sql.length : nl + 1;
    } else if (c === "'" || c === '"' || c === "`" || c === "[") {
      const closer = c === "[" ? "]" : c;
      const close = sql.indexOf(closer, i + 1);
      if (close < 0) fail(`${c} quote`);
      token = OTHER;
      text = sql.slice(i, close + 1);
      i = close + 1;
    } else if (isIdChar(c)) {
      let j = i + 1;
      while (j < sql.length && isIdChar(sql[j])) j++;
      text = sql.slice(i, j);
      token = KEYWORDS[text.toLowerCase()] ?? OTHER;
      i = j;
    } else {
      token = OTHER;
      text = c;
      i++;
    }
    state = TRANS[state][token];
    if (token === SEMI && state === 1) {
      if (cur.trim()) out.push(cur.trim());
      cur = "";
    } else {
      cur += text;
    }
  }
  if (state === 5 || state === 6) fail("CREATE TRIGGER body (no END;)");
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** The migrations at `source`: every `*.sql` file of a directory in name order, or one file. */
export function readMigrations(source) {
  const files = statSync(source).isDirectory()
    ? readdirSync(source)
        .filter((f) => f.endsWith(".sql") && statSync(join(source, f)).isFile())
        .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
        .map((f) => join(source, f))
    : [source];
  return files.map((file) => ({ name: basename(file), sql: readFileSync(file, "utf8") }));
}

/** Creates `_migrations`, or brings an older layout (TEXT dates, milliseconds) to integer seconds. */
async function prepareTable(db) {
  await db.prepare(MIGRATIONS_TABLE).run();
  const col = await db.prepare("SELECT type FROM pragma_table_info('_migrations') WHERE name = 'applied_at'").first();
  const steps = [];
  if (String(col?.type).toUpperCase() !== "INTEGER") {
    const seconds = `CASE
      WHEN typeof(applied_at) = 'integer' THEN applied_at
      WHEN applied_at GLOB '[0-9]*' AND applied_at NOT GLOB '*[^0-9]*' THEN CAST(applied_at AS INTEGER)
      ELSE COALESCE(unixepoch(applied_at), 0) END`;
    steps.push(
      "ALTER TABLE _migrations RENAME TO _migrations_old",
      MIGRATIONS_TABLE,
      `INSERT INTO _migrations (name, applied_at) SELECT name, ${seconds} FROM _migrations_old`,
      "DROP TABLE _migrations_old",
    );
  }
  // milliseconds: anything past the year 5000 in seconds
  steps.push("UPDATE _migrations SET applied_at = applied_at / 1000 WHERE applied_at > 100000000000");
  await db.batch(steps.map((s) => db.prepare(s)));
}

/**
 * Applies the migrations (`[{ name, sql }]`, or a directory / file path) not yet recorded in
 * `_migrations` to the D1 database `db`, each file as one batch with its `_migrations` row.
 * Returns the names applied now; stops at the first failing file, which leaves no trace.
 */
export async function applyMigrations(db, migrations) {
  if (typeof migrations === "string") migrations = readMigrations(migrations);
  await prepareTable(db);
  // the names recorded so far, read once (each query is a round trip into the runtime)
  const recorded = new Set((await db.prepare("SELECT name FROM _migrations").all()).results.map((r) => r.name));
  const applied = [];
  for (const { name, sql } of migrations) {
    if (recorded.has(name)) continue;
    let statements;
    try {
      statements = splitSql(sql);
    } catch (e) {
      throw new Error(`migration ${name}: ${e.message}`);
    }
    // The row first: a concurrent runner's duplicate fails on the primary key before any
    // statement runs; either way the batch is one transaction.
    const batch = [
      db.prepare("INSERT INTO _migrations (name, applied_at) VALUES (?1, ?2)").bind(name, Math.floor(Date.now() / 1000)),
      ...statements.map((s) => db.prepare(s)),
    ];
    try {
      await db.batch(batch);
    } catch (e) {
      throw new Error(`migration ${name}: ${e.message}`, { cause: e });
    }
    applied.push(name);
  }
  return applied;
}
