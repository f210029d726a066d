//! The tamper-evident log of each database (`db_global`, `db_eu`, `db_us`; migration 0010):
//! the only writer of `audit_nodes`, `audit_tree` and `audit_checkpoints`. Core's
//! `audit::commit` appends the entries (numbered in the action's batch); this module extends
//! the RFC 9162 tree over them from the stored frontier (compare-and-swap on the stored size),
//! signs C2SP checkpoints when due, and reads entries, proofs and exports back.

use medportal_core::ports::{Row, SqlStore, SqlValue, Statement};
use medportal_core::{Ctx, Error, Platform, Region, Result};
use medportal_transparency::merkle::{self, Hash, Nodes, TreeState};
use medportal_transparency::note::{self, NoteSigner, VerifierKey};
use medportal_transparency::{Checkpoint, Entry, Outcome, Personal, checkpoint_due, export, hex, parse_hash_hex};
use std::collections::HashMap;

/// Entries hashed per read while extending the tree.
const PAGE: i64 = 500;
/// Node rows per INSERT (3 parameters each; D1 binds at most 100 per statement).
const NODES_PER_INSERT: usize = 32;

/// One database's log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Log {
    Global,
    Regional(Region),
}

impl Log {
    pub fn all() -> Vec<Log> {
        let mut out = vec![Log::Global];
        out.extend(Region::all().map(Log::Regional));
        out
    }
    /// `global`, `eu`, `us`: the path segment and the origin's last part.
    pub fn code(self) -> &'static str {
        match self {
            Log::Global => "global",
            Log::Regional(r) => r.code(),
        }
    }
    pub fn parse(code: &str) -> Option<Log> {
        if code == "global" { Some(Log::Global) } else { Region::from_code(code).map(Log::Regional) }
    }
}

/// The portal's host (the public origin without its scheme): the logs' and key's name prefix.
fn host<'c, P: Platform>(ctx: &'c Ctx<'_, P>) -> &'c str {
    let o = ctx.config.public_origin.as_str();
    o.split_once("://").map_or(o, |(_, h)| h)
}

/// The log's C2SP origin line, e.g. `portal.example.com/audit/db_eu`.
pub fn origin<P: Platform>(ctx: &Ctx<'_, P>, log: Log) -> String {
    format!("{}/audit/db_{}", host(ctx), log.code())
}

/// The opened database of a log.
pub enum Db<P: Platform> {
    Global(P::Sql),
    Regional(medportal_core::platform::RegionSql<P::Sql>),
}

impl<P: Platform> Db<P> {
    pub async fn open(ctx: &Ctx<'_, P>, log: Log) -> Result<Self> {
        Ok(match log {
            Log::Global => Db::Global(ctx.global_sql().await?),
            Log::Regional(r) => Db::Regional(ctx.region(r).sql().await?),
        })
    }
    pub async fn query(&self, sql: &str, params: &[SqlValue]) -> Result<Vec<Row>> {
        match self {
            Db::Global(s) => s.query(sql, params).await,
            Db::Regional(s) => s.query(sql, params).await,
        }
    }
    async fn batch(&self, statements: &[Statement]) -> Result<()> {
        match self {
            Db::Global(s) => s.batch(statements).await,
            Db::Regional(s) => {
                let region = s.region();
                s.batch(&region, statements).await
            }
        }
    }
}

/// The stored tree state.
#[derive(Debug, Clone)]
pub struct Tree {
    pub state: TreeState,
    pub root: Hash,
    pub signed_size: u64,
    pub signed_at: i64,
}

fn hash(bytes: &[u8]) -> Result<Hash> {
    bytes.try_into().map_err(|_| Error::internal("audit log: a stored hash is not 32 bytes"))
}

fn size(v: i64) -> Result<u64> {
    u64::try_from(v).map_err(|_| Error::internal("audit log: negative size"))
}

pub async fn tree<P: Platform>(db: &Db<P>) -> Result<Tree> {
    let rows = db.query("SELECT size, frontier, root, signed_size, signed_at FROM audit_tree WHERE id = 1", &[]).await?;
    let r = rows.first().ok_or_else(|| Error::internal("audit log: no tree state (migration 0010 not applied)"))?;
    let frontier = r.0.get(1).and_then(SqlValue::as_bytes).unwrap_or_default().to_vec();
    let state = TreeState::from_parts(size(r.int(0)?)?, &frontier).map_err(|e| Error::internal(format!("audit log: {e}")))?;
    Ok(Tree { state, root: hash(&r.bytes(2)?)?, signed_size: size(r.int(3)?)?, signed_at: r.int(4)? })
}

/// `YYYY-MM-DDTHH:MM:SSZ` of unix seconds.
pub fn rfc3339(at: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(at).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute(), t.second())
}

/// The columns [`entry`] reads, in its order.
pub const COLUMNS: &str = "seq, at, actor, role, action, object, version, outcome, reason, meaning, origin, subject, personal";

/// An entry row (selected with [`COLUMNS`]) as the canonical entry.
pub fn entry(r: &Row) -> Result<Entry> {
    let outcome = match r.text(7)?.as_str() {
        "success" => Outcome::Success,
        "failure" => Outcome::Failure,
        _ => return Err(Error::internal("audit log: unknown outcome")),
    };
    let origin = match r.0.get(10) {
        Some(SqlValue::Null) | None => None,
        _ => Some(hash(&r.bytes(10)?)?),
    };
    let mut personal = Vec::new();
    for line in r.text(12)?.lines() {
        let (name, h) = line.split_once(' ').ok_or_else(|| Error::internal("audit log: malformed personal line"))?;
        let commitment = parse_hash_hex(h).ok_or_else(|| Error::internal("audit log: malformed commitment"))?;
        personal.push(Personal { name: name.to_string(), commitment });
    }
    Ok(Entry {
        seq: size(r.int(0)?)?,
        time: rfc3339(r.int(1)?),
        actor: r.text(2)?,
        role: r.text(3)?,
        action: r.text(4)?,
        object: r.opt_text(5)?,
        version: r.opt_text(6)?,
        outcome,
        reason: r.opt_text(8)?,
        meaning: r.opt_text(9)?,
        origin,
        subject: r.opt_text(11)?,
        personal,
    })
}

/// The statements storing `nodes` (level, index, hash) and the new state, guarded by the
/// size it extends (the `audit_tree_cas` trigger fails the batch if another extended first).
pub fn extension(old: u64, state: &TreeState, nodes: &[(u32, u64, Hash)]) -> Vec<Statement> {
    let mut out = Vec::new();
    for chunk in nodes.chunks(NODES_PER_INSERT) {
        let mut sql = String::from("INSERT INTO audit_nodes (level, idx, hash) VALUES ");
        let mut params = Vec::with_capacity(chunk.len() * 3);
        for (i, (level, idx, h)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str("(?, ?, ?)");
            params.extend([i64::from(*level).into(), (*idx as i64).into(), h.to_vec().into()]);
        }
        out.push(Statement::new(sql, params));
    }
    out.push(Statement::new(
        "UPDATE audit_tree SET size = ?1, frontier = ?2, root = ?3, base = ?4 WHERE id = 1",
        vec![(state.size() as i64).into(), state.frontier_bytes().into(), state.root().to_vec().into(), (old as i64).into()],
    ));
    out
}

/// Hashes the entries beyond the stored tree into it (a page at a time, at most `pages`);
/// returns the tree after. A concurrent extension makes this one's batch fail: the tree is
/// then read again.
pub async fn extend<P: Platform>(db: &Db<P>, pages: usize) -> Result<Tree> {
    let mut t = tree(db).await?;
    for _ in 0..pages {
        let old = t.state.size();
        let sql = format!("SELECT {COLUMNS} FROM audit_entries WHERE seq >= ?1 ORDER BY seq LIMIT ?2");
        let rows = db.query(&sql, &[(old as i64).into(), PAGE.into()]).await?;
        if rows.is_empty() {
            break;
        }
        let mut state = t.state.clone();
        let mut nodes = Vec::with_capacity(rows.len() * 2);
        for r in &rows {
            let e = entry(r)?;
            if e.seq != state.size() {
                return Err(Error::internal(format!("audit log: entry {} where {} was expected", e.seq, state.size())));
            }
            let leaf = e.leaf_hash().map_err(|p| Error::internal(format!("audit log: entry {}: {p}", e.seq)))?;
            nodes.push((0, e.seq, leaf));
            nodes.extend(state.append(&leaf));
        }
        if db.batch(&extension(old, &state, &nodes)).await.is_err() {
            t = tree(db).await?;
            continue;
        }
        t = Tree { root: state.root(), state, ..t };
        if (rows.len() as i64) < PAGE {
            break;
        }
    }
    Ok(t)
}

/// The checkpoint signer: the configured seed behind the platform's signature port.
pub struct Signer<'c, 'a, P: Platform> {
    ctx: &'c Ctx<'a, P>,
    name: String,
    seed: [u8; 32],
    public: [u8; 32],
}

impl<P: Platform> NoteSigner for Signer<'_, '_, P> {
    fn name(&self) -> &str {
        &self.name
    }
    fn public_key(&self) -> [u8; 32] {
        self.public
    }
    async fn sign(&self, message: &[u8]) -> core::result::Result<[u8; 64], String> {
        use medportal_core::ports::Signatures;
        self.ctx.signatures().ed25519_sign(&self.seed, message).await.map_err(|e| e.to_string())
    }
}

/// The signing seed: `audit_signing_key` (base64url, 32 bytes), or in a development build in
/// dev mode the public development key. `None`: no checkpoint can be signed (fail closed).
fn seed<P: Platform>(ctx: &Ctx<'_, P>) -> Result<Option<[u8; 32]>> {
    use base64::Engine;
    if let Some(k) = &ctx.config.audit_signing_key {
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(k.trim_end_matches('='))
            .map_err(|_| Error::internal("config: audit_signing_key is not base64url"))?;
        return raw.try_into().map(Some).map_err(|_| Error::internal("config: audit_signing_key is not 32 bytes"));
    }
    use sha2::Digest;
    Ok(ctx.config.dev_audit_key_label().map(|label| sha2::Sha256::digest(label).into()))
}

/// The checkpoint signer, when a key is configured.
pub async fn signer<'c, 'a, P: Platform>(ctx: &'c Ctx<'a, P>) -> Result<Option<Signer<'c, 'a, P>>> {
    use medportal_core::ports::Signatures;
    let Some(seed) = seed(ctx)? else { return Ok(None) };
    let public = ctx.signatures().ed25519_public(&seed).await?;
    Ok(Some(Signer { ctx, name: format!("{}/audit", host(ctx)), seed, public }))
}

/// The published verifier key (C2SP `vkey`: `name+id+base64`).
pub async fn verifier_key<P: Platform>(ctx: &Ctx<'_, P>) -> Result<Option<VerifierKey>> {
    let Some(s) = signer(ctx).await? else { return Ok(None) };
    VerifierKey::new(&s.name, s.public).map(Some).map_err(|e| Error::internal(format!("audit key: {e}")))
}

/// Extends the log's tree and signs a checkpoint of it when one is due (or when `force`, if
/// anything is unsigned). Returns the tree after.
pub async fn checkpoint<P: Platform>(ctx: &Ctx<'_, P>, log: Log, force: bool) -> Result<Tree> {
    let db = Db::open(ctx, log).await?;
    let t = extend(&db, 20).await?;
    let size = t.state.size();
    let now = ctx.now().unix_timestamp();
    let due = size > t.signed_size && (force || checkpoint_due(size, t.signed_size, t.signed_at, now));
    if !due {
        return Ok(t);
    }
    let Some(signer) = signer(ctx).await? else {
        return Err(Error::internal("audit log: a checkpoint is due and no audit_signing_key is configured"));
    };
    let cp = Checkpoint { origin: origin(ctx, log), size, root: t.root, time: Some(rfc3339(now)), extensions: Vec::new() };
    let text = cp.text().map_err(|e| Error::internal(e.to_string()))?;
    let signed = note::sign(&text, &signer).await.map_err(|e| Error::internal(e.to_string()))?;
    let stmts = [
        Statement::new("INSERT OR IGNORE INTO audit_checkpoints (size, at, note) VALUES (?1, ?2, ?3)", vec![(size as i64).into(), now.into(), signed.into()]),
        Statement::new(
            "UPDATE audit_tree SET signed_size = ?1, signed_at = ?2, base = ?1 WHERE id = 1",
            vec![(size as i64).into(), now.into()],
        ),
    ];
    // A concurrent extension or signature moved the state: the next run signs.
    let _ = db.batch(&stmts).await;
    Ok(Tree { signed_size: size, signed_at: now, ..t })
}

/// Checkpoints every log (the cron trigger, and each request on hosts without one); one
/// log's failure does not stop the others, it is returned after all ran.
pub async fn checkpoint_all<P: Platform>(ctx: &Ctx<'_, P>, force: bool) -> Result<()> {
    let mut first = Ok(());
    for log in Log::all() {
        if let Err(e) = checkpoint(ctx, log, force).await {
            ctx.log(medportal_core::ports::LogLevel::Error, &format!("audit checkpoint db_{}: {e}", log.code()));
            if first.is_ok() {
                first = Err(e);
            }
        }
    }
    first
}

/// The latest signed checkpoint: (size, at, signed note).
pub async fn latest_checkpoint<P: Platform>(db: &Db<P>) -> Result<Option<(u64, i64, String)>> {
    let rows = db.query("SELECT size, at, note FROM audit_checkpoints ORDER BY size DESC LIMIT 1", &[]).await?;
    rows.first().map(|r| Ok((size(r.int(0)?)?, r.int(1)?, r.text(2)?))).transpose()
}

/// The recent signed checkpoints, newest first.
pub async fn checkpoints<P: Platform>(db: &Db<P>, limit: i64) -> Result<Vec<(u64, i64, String)>> {
    let rows = db.query("SELECT size, at, note FROM audit_checkpoints ORDER BY size DESC LIMIT ?1", &[limit.into()]).await?;
    rows.iter().map(|r| Ok((size(r.int(0)?)?, r.int(1)?, r.text(2)?))).collect()
}

/// Stored nodes fetched for a proof.
struct Fetched(HashMap<(u32, u64), Hash>);

impl Nodes for Fetched {
    fn perfect(&self, level: u32, index: u64) -> Hash {
        self.0.get(&(level, index)).copied().unwrap_or([0; 32])
    }
}

async fn fetch<P: Platform>(db: &Db<P>, wanted: &[(u32, u64)]) -> Result<Fetched> {
    let mut map = HashMap::new();
    for chunk in wanted.chunks(NODES_PER_INSERT) {
        let cond = vec!["(level = ? AND idx = ?)"; chunk.len()].join(" OR ");
        let params: Vec<SqlValue> = chunk.iter().flat_map(|(l, i)| [i64::from(*l).into(), (*i as i64).into()]).collect();
        for r in db.query(&format!("SELECT level, idx, hash FROM audit_nodes WHERE {cond}"), &params).await? {
            map.insert((r.int(0)? as u32, size(r.int(1)?)?), hash(&r.bytes(2)?)?);
        }
    }
    if map.len() != wanted.len() {
        return Err(Error::internal("audit log: tree nodes missing"));
    }
    Ok(Fetched(map))
}

/// The inclusion proof of entry `seq` in the tree of `size` entries, from the stored nodes.
pub async fn inclusion<P: Platform>(db: &Db<P>, seq: u64, size: u64) -> Result<Option<(Hash, Vec<Hash>)>> {
    if seq >= size {
        return Ok(None);
    }
    let mut wanted = merkle::inclusion_proof_nodes(seq, size);
    wanted.push((0, seq));
    let nodes = fetch(db, &wanted).await?;
    let leaf = nodes.perfect(0, seq);
    Ok(merkle::inclusion_proof(&nodes, seq, size).map(|p| (leaf, p)))
}

/// The signed note of the checkpoint of exactly `size` entries, if one was signed.
pub async fn checkpoint_of<P: Platform>(db: &Db<P>, size: u64) -> Result<Option<String>> {
    let rows = db.query("SELECT note FROM audit_checkpoints WHERE size = ?1", &[(size as i64).into()]).await?;
    rows.first().map(|r| r.text(0)).transpose()
}

/// The consistency proof between the trees of `old` and `new` entries (`0 < old < new <=`
/// the stored tree's size), from the stored nodes; `None` for any other sizes.
pub async fn consistency<P: Platform>(db: &Db<P>, old: u64, new: u64) -> Result<Option<Vec<Hash>>> {
    if old == 0 || old >= new || new > tree(db).await?.state.size() {
        return Ok(None);
    }
    let mut wanted = merkle::consistency_proof_nodes(old, new);
    wanted.sort_unstable();
    wanted.dedup();
    let nodes = fetch(db, &wanted).await?;
    Ok(merkle::consistency_proof(&nodes, old, new))
}

/// An export of the log (format `medportal-audit-export/1`) from entry `from` to the latest
/// checkpoint: header, the published key, the start frontier (range), entries with the
/// checkpoints at their sizes, end. `None` when nothing is signed yet or `from` is beyond it.
pub async fn export<P: Platform>(ctx: &Ctx<'_, P>, log: Log, from: u64) -> Result<Option<String>> {
    let db = Db::open(ctx, log).await?;
    let Some((last, _, _)) = latest_checkpoint(&db).await? else { return Ok(None) };
    let Some(key) = verifier_key(ctx).await? else { return Ok(None) };
    if from >= last {
        return Ok(None);
    }
    let mut out = export::header_line(&origin(ctx, log));
    out.push_str(&export::key_line(&key));
    if from > 0 {
        let wanted = merkle::frontier_nodes(from);
        let nodes = fetch(&db, &wanted).await?;
        let frontier: Vec<Hash> = wanted.iter().map(|(l, i)| nodes.perfect(*l, *i)).collect();
        out.push_str(&export::start_line(from, &frontier));
    }
    let cps = db
        .query("SELECT size, note FROM audit_checkpoints WHERE size > ?1 AND size <= ?2 ORDER BY size", &[(from as i64).into(), (last as i64).into()])
        .await?;
    let mut cps = cps.iter().map(|r| Ok((size(r.int(0)?)?, r.text(1)?))).collect::<Result<Vec<_>>>()?.into_iter().peekable();
    let mut seq = from;
    while seq < last {
        let sql = format!(
            "SELECT {COLUMNS}, (SELECT hash FROM audit_nodes n WHERE n.level = 0 AND n.idx = e.seq) FROM audit_entries e WHERE seq >= ?1 AND seq < ?2 ORDER BY seq LIMIT ?3"
        );
        let rows = db.query(&sql, &[(seq as i64).into(), (last as i64).into(), PAGE.into()]).await?;
        if rows.is_empty() {
            return Err(Error::internal("audit log: entries missing below the latest checkpoint"));
        }
        for r in &rows {
            let e = entry(r)?;
            let mut line = export::entry_line(&e, &[]).map_err(|p| Error::internal(format!("audit log: entry {}: {p}", e.seq)))?;
            // The leaf the log recorded when it hashed the entry: a changed field then names its entry.
            if let Some(stored) = r.0.get(13).and_then(SqlValue::as_bytes) {
                let computed = e.leaf_hash().map(|h| hex(&h)).unwrap_or_default();
                if let Some(i) = line.rfind(&computed).filter(|_| !computed.is_empty()) {
                    line.replace_range(i..i + computed.len(), &hex(stored));
                }
            }
            out.push_str(&line);
            seq = e.seq + 1;
            while cps.peek().is_some_and(|(s, _)| *s == seq) {
                out.push_str(&export::checkpoint_line(&cps.next().map(|(_, n)| n).unwrap_or_default()));
            }
        }
    }
    let checkpoints = out.matches("{\"checkpoint\":").count() as u64;
    out.push_str(&export::end_line(last - from, checkpoints));
    Ok(Some(out))
}
