//! Files attached to items (`library_files`, written only here; the bytes in the global blob
//! store under `files/<id>`, never behind a public bucket URL). An upload is accepted only as
//! one of the allowed types, sniffed from its bytes (the name and the declared type are not
//! trusted), within the size limit (both checks are core's `upload`, shared with identity's
//! evidence files), and only after the scanner has spoken:
//! * clean: stored and streamed, through `/files/{id}`, to those who may read the item;
//! * infected: refused, the bytes never stored, the refusal recorded and audited;
//! * no verdict (no scanner, or it failed): stored but `pending`, never streamed (fails
//!   closed).
//!
//! A file is attached to the item's head version while that is a draft; readers get it only
//! once a version at least that new is published (so it went through review with its item).
//!
//! The scanner is the deployment's scanning service (an HTTP adapter behind the port, set by
//! `scanner_url` and the secret `scanner_token`); without one, production uploads stay
//! pending (staff are told no scanner is configured) and development builds use the EICAR
//! test-signature check.

use medportal_core::audit::{AuditEntry, Outcome, commit_global, conflict_if_refused, guard};
use medportal_core::ports::{BlobStore, Row, SqlStore, Statement};
use medportal_core::upload::{clean_name, limit, sniff};
use medportal_core::{Ctx, Error, Platform, Result};

use crate::item::Item;
use crate::model::State;
use crate::version::sha256_hex;

/// A scanner's verdict on a file's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Clean,
    /// Refused, with the signature's name.
    Infected(String),
    /// No verdict (why, for the record): the file must not become visible.
    Unavailable(&'static str),
}

/// The scan port: what decides whether a file may become visible.
pub trait Scanner {
    async fn scan(&self, bytes: &[u8]) -> Verdict;
}

/// Production: the deployment's scanning service (`scanner_url`, bearer `scanner_token`).
/// The file's bytes are POSTed; a 200 answer in clamd's reply form is the verdict:
/// `stream: OK` (clean) or `stream: <signature> FOUND` (infected). Anything else —
/// unreachable, no answer within the outbound deadline, another status, an answer not
/// understood (clamd's `… ERROR` included) — is no verdict, so the file stays pending (fails
/// closed).
pub struct HttpScanner<'c, 'a, P: Platform> {
    ctx: &'c Ctx<'a, P>,
    url: &'c str,
    token: &'c str,
}

/// A scanning service's answer body (clamd's reply: `stream: OK`, `stream: <name> FOUND`) as
/// a verdict.
fn verdict_of(body: &[u8]) -> Verdict {
    let text = std::str::from_utf8(body).unwrap_or("").trim();
    let reply = text.strip_prefix("stream:").unwrap_or(text).trim();
    if reply == "OK" {
        return Verdict::Clean;
    }
    match reply.strip_suffix(" FOUND") {
        Some(name) => {
            let name: String = name.chars().filter(|c| c.is_ascii_graphic()).take(100).collect();
            Verdict::Infected(if name.is_empty() { "unnamed".into() } else { name })
        }
        None => Verdict::Unavailable("scanner answer not understood"),
    }
}

impl<P: Platform> Scanner for HttpScanner<'_, '_, P> {
    async fn scan(&self, bytes: &[u8]) -> Verdict {
        let req = http::Request::builder()
            .method(http::Method::POST)
            .uri(self.url)
            .header(http::header::AUTHORIZATION, format!("Bearer {}", self.token))
            .header(http::header::CONTENT_TYPE, "application/octet-stream")
            .body(bytes.to_vec());
        let Ok(req) = req else { return Verdict::Unavailable("scanner request invalid") };
        match self.ctx.http_send(req).await {
            Ok(resp) if resp.status() == http::StatusCode::OK => verdict_of(resp.body()),
            Ok(_) => Verdict::Unavailable("scanner refused"),
            Err(_) => Verdict::Unavailable("scanner unreachable"),
        }
    }
}

/// Development: finds the EICAR anti-virus test signature anywhere in the file.
#[cfg(any(test, feature = "dev"))]
pub struct EicarScanner;

#[cfg(any(test, feature = "dev"))]
const EICAR: &[u8] = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

#[cfg(any(test, feature = "dev"))]
impl Scanner for EicarScanner {
    async fn scan(&self, bytes: &[u8]) -> Verdict {
        if bytes.windows(EICAR.len()).any(|w| w == EICAR) { Verdict::Infected("EICAR-Test-File".into()) } else { Verdict::Clean }
    }
}

/// No scanning service configured: never a verdict, so nothing becomes visible.
#[cfg_attr(feature = "dev", allow(dead_code))]
pub struct NoScanner;

impl Scanner for NoScanner {
    async fn scan(&self, _bytes: &[u8]) -> Verdict {
        Verdict::Unavailable("no scanner configured")
    }
}

/// The scanner of this deployment: its scanning service when `scanner_url` is set; otherwise
/// none (development builds: the EICAR check).
pub enum Configured<'c, 'a, P: Platform> {
    Http(HttpScanner<'c, 'a, P>),
    #[cfg(any(test, feature = "dev"))]
    Eicar,
    #[cfg(not(any(test, feature = "dev")))]
    None,
}

impl<P: Platform> Scanner for Configured<'_, '_, P> {
    async fn scan(&self, bytes: &[u8]) -> Verdict {
        match self {
            Configured::Http(s) => s.scan(bytes).await,
            #[cfg(any(test, feature = "dev"))]
            Configured::Eicar => EicarScanner.scan(bytes).await,
            #[cfg(not(any(test, feature = "dev")))]
            Configured::None => NoScanner.scan(bytes).await,
        }
    }
}

/// Whether this deployment has a scanning service (staff are told when it has not).
pub fn configured<P: Platform>(ctx: &Ctx<'_, P>) -> bool {
    ctx.config.scanner.is_some() || cfg!(any(test, feature = "dev"))
}

pub fn scanner<'c, 'a, P: Platform>(ctx: &'c Ctx<'a, P>) -> Configured<'c, 'a, P> {
    match &ctx.config.scanner {
        Some(s) => Configured::Http(HttpScanner { ctx, url: &s.url, token: &s.token }),
        #[cfg(any(test, feature = "dev"))]
        None => Configured::Eicar,
        #[cfg(not(any(test, feature = "dev")))]
        None => Configured::None,
    }
}

/// The scan state of a stored file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    Clean,
    Rejected,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Clean => "clean",
            Status::Rejected => "rejected",
        }
    }
    fn stored(s: &str) -> Result<Status> {
        match s {
            "pending" => Ok(Status::Pending),
            "clean" => Ok(Status::Clean),
            "rejected" => Ok(Status::Rejected),
            other => Err(Error::internal(format!("library_files.status: {other}"))),
        }
    }
}

/// A stored file's record.
#[derive(Debug, Clone)]
pub struct File {
    pub id: String,
    pub item_id: String,
    /// The number of the version it was attached to.
    pub version: i64,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub status: Status,
}

const COLUMNS: &str = "f.id, f.item_id, v.number, f.name, f.content_type, f.size, f.status";
const FROM: &str = "library_files f JOIN library_versions v ON v.id = f.version_id";

fn of_row(r: &Row) -> Result<File> {
    Ok(File {
        id: r.text(0)?,
        item_id: r.text(1)?,
        version: r.int(2)?,
        name: r.text(3)?,
        content_type: r.text(4)?,
        size: r.int(5)?,
        status: Status::stored(&r.text(6)?)?,
    })
}

pub async fn find<S: SqlStore>(db: &S, id: &str) -> Result<Option<File>> {
    let rows = db.query(&format!("SELECT {COLUMNS} FROM {FROM} WHERE f.id = ?1"), &[id.into()]).await?;
    rows.first().map(of_row).transpose()
}

/// An item's files, oldest first.
pub async fn of_item<S: SqlStore>(db: &S, item_id: &str) -> Result<Vec<File>> {
    let rows = db.query(&format!("SELECT {COLUMNS} FROM {FROM} WHERE f.item_id = ?1 ORDER BY f.uploaded_at, f.id LIMIT 100"), &[item_id.into()]).await?;
    rows.iter().map(of_row).collect()
}

/// Every clean file (the live table's attachments).
pub async fn clean<S: SqlStore>(db: &S) -> Result<Vec<File>> {
    let rows = db.query(&format!("SELECT {COLUMNS} FROM {FROM} WHERE f.status = 'clean' ORDER BY f.uploaded_at, f.id"), &[]).await?;
    rows.iter().map(of_row).collect()
}

fn blob_key(id: &str) -> String {
    format!("files/{id}")
}

/// Attaches `bytes` (uploaded as `name`) to `it`: type and size checked, scanned, stored,
/// recorded and audited. A refused type or size is a 400 (nothing recorded); an infected file
/// is recorded as rejected (its bytes never stored) and then a 400 `file_rejected`. Returns
/// the file's id.
pub async fn attach<P: Platform>(ctx: &Ctx<'_, P>, actor: &str, it: &Item, name: &str, bytes: &[u8], scanner: &impl Scanner) -> Result<String> {
    let head = match (it.state, it.head_version.as_deref()) {
        (State::Draft, Some(head)) => head,
        _ => return Err(Error::bad_request("file_not_draft", "Files can be attached to a draft only: save a new version first.")),
    };
    if bytes.is_empty() {
        return Err(Error::bad_request("file_missing", "Choose a file to attach."));
    }
    if bytes.len() > limit(ctx.config) {
        return Err(Error::bad_request("file_too_large", "The file is too large."));
    }
    let content_type = sniff(bytes).ok_or_else(|| Error::bad_request("file_type", "Only PDF, PNG and JPEG files can be attached."))?.media_type;
    let (id, now, name) = (ctx.random_id()?, ctx.now().unix_timestamp(), clean_name(name, "attachment"));
    let verdict = scanner.scan(bytes).await;
    let (status, note, action, outcome) = match &verdict {
        Verdict::Clean => (Status::Clean, None, "content.file_attached", Outcome::Success),
        Verdict::Infected(sig) => (Status::Rejected, Some(sig.as_str()), "content.file_rejected", Outcome::Failure),
        Verdict::Unavailable(why) => (Status::Pending, Some(*why), "content.file_pending", Outcome::Success),
    };
    if status != Status::Rejected {
        ctx.global_blob().await?.put(&blob_key(&id), bytes, content_type).await?;
    }
    let stmt = Statement::new(
        "INSERT INTO library_files (id, item_id, version_id, name, content_type, size, sha256, status, scan_note, uploaded_by, uploaded_at, scanned_at) \
         VALUES (?1, ?2, ?12, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        vec![
            id.as_str().into(),
            it.id.as_str().into(),
            name.as_str().into(),
            content_type.into(),
            (bytes.len() as i64).into(),
            sha256_hex(bytes).into(),
            status.code().into(),
            note.into(),
            actor.into(),
            now.into(),
            (status != Status::Pending).then_some(now).into(),
            head.into(),
        ],
    );
    let why = format!("file={id}; type={content_type}; size={}; scan={}", bytes.len(), note.unwrap_or("clean"));
    let entry = AuditEntry { actor, action, target: Some(&it.id), outcome, reason: Some(&why), ..Default::default() };
    commit_global(ctx, vec![stmt], &[entry]).await?;
    if status == Status::Rejected {
        return Err(Error::bad_request("file_rejected", "The file did not pass the malware scan and was not stored."));
    }
    Ok(id)
}

/// The state that lets file `?1` of item `?2` be removed: it is still attached to the item's
/// head version `?3`, and that version is still a draft.
const REMOVABLE: &str = "EXISTS (SELECT 1 FROM library_files WHERE id = ?1 AND item_id = ?2 AND version_id = ?3) \
    AND EXISTS (SELECT 1 FROM library_items WHERE id = ?2 AND state = 'draft' AND head_version = ?3)";

/// Removes file `file_id` from `it`: only a file attached to the head version while that is
/// a draft (a submitted, approved or published version's files are part of what was reviewed
/// and stay as they are); audited. The rule is a guard in the batch: when the item left draft
/// or the file was removed after the read, nothing changes, no entry is written and the
/// answer is the 409 `file_not_removable`. The bytes are deleted once the batch committed. To replace a file, remove it and attach the new one.
/// `head_number` is the number of `it`'s head version.
pub async fn remove<P: Platform>(ctx: &Ctx<'_, P>, actor: &str, it: &Item, head_number: i64, file_id: &str) -> Result<()> {
    let f = find(&ctx.global_sql().await?, file_id).await?.filter(|f| f.item_id == it.id && f.version == head_number);
    let (Some(f), State::Draft, Some(head)) = (f, it.state, it.head_version.as_deref()) else {
        return Err(Error::Conflict { code: "file_not_removable" });
    };
    let params = || vec![file_id.into(), it.id.as_str().into(), head.into()];
    // The rule read above, checked again inside the batch: a submission, publication or
    // removal committed since refuses the whole batch (no change, no entry, the bytes kept).
    let removable = guard(REMOVABLE, params());
    let stmt = Statement::new(format!("DELETE FROM library_files WHERE id = ?1 AND item_id = ?2 AND version_id = ?3 AND {REMOVABLE}"), params());
    let why = format!("file={file_id}; name={}", f.name);
    let entry = AuditEntry { actor, action: "content.file_removed", target: Some(&it.id), outcome: Outcome::Success, reason: Some(&why), ..Default::default() };
    commit_global(ctx, vec![removable, stmt], &[entry]).await.map_err(|e| conflict_if_refused(e, "file_not_removable"))?;
    // The record is gone (nothing serves these bytes any more); a failed delete leaves
    // unreachable bytes only.
    ctx.global_blob().await?.delete(&blob_key(file_id)).await.ok();
    Ok(())
}

/// The state that lets file `?1` be scanned again: it is pending.
const PENDING: &str = "EXISTS (SELECT 1 FROM library_files WHERE id = ?1 AND status = 'pending')";

/// Scans pending file `file_id` of `it` again (the scanner was unreachable or had no verdict
/// when it was attached): clean makes it available with its item, infected rejects it and
/// deletes its bytes, no verdict again leaves it pending. Each attempt is audited. A file that
/// is not pending (or not the item's) is the 409 `file_not_pending`, also when another scan
/// moved it out of pending while this one ran (a guard in the batch: no change, no entry,
/// the bytes untouched).
pub async fn rescan<P: Platform>(ctx: &Ctx<'_, P>, actor: &str, it: &Item, file_id: &str, scanner: &impl Scanner) -> Result<Verdict> {
    let f = find(&ctx.global_sql().await?, file_id).await?.filter(|f| f.item_id == it.id && f.status == Status::Pending);
    let Some(f) = f else { return Err(Error::Conflict { code: "file_not_pending" }) };
    let stored = ctx.global_blob().await?.get(&blob_key(&f.id)).await?;
    let verdict = match &stored {
        Some(b) => scanner.scan(&b.bytes).await,
        None => Verdict::Unavailable("bytes missing"),
    };
    let now = ctx.now().unix_timestamp();
    let (status, note, action, outcome) = match &verdict {
        Verdict::Clean => (Status::Clean, None, "content.file_rescanned", Outcome::Success),
        Verdict::Infected(sig) => (Status::Rejected, Some(sig.as_str()), "content.file_rejected", Outcome::Failure),
        Verdict::Unavailable(why) => (Status::Pending, Some(*why), "content.file_pending", Outcome::Success),
    };
    // Still pending when the batch runs (a scan committed since the read refuses it whole:
    // no entry, and the bytes of a file another scan found clean are never deleted).
    let mut stmts = vec![guard(PENDING, vec![f.id.as_str().into()])];
    if status != Status::Pending {
        stmts.push(Statement::new(
            "UPDATE library_files SET status = ?1, scan_note = ?2, scanned_at = ?3 WHERE id = ?4 AND status = 'pending'",
            vec![status.code().into(), note.into(), now.into(), f.id.as_str().into()],
        ));
    }
    let why = format!("file={}; rescan; scan={}", f.id, note.unwrap_or("clean"));
    let entry = AuditEntry { actor, action, target: Some(&it.id), outcome, reason: Some(&why), ..Default::default() };
    commit_global(ctx, stmts, &[entry]).await.map_err(|e| conflict_if_refused(e, "file_not_pending"))?;
    if status == Status::Rejected {
        // Refused: nothing may serve these bytes again.
        ctx.global_blob().await?.delete(&blob_key(&f.id)).await.ok();
    }
    Ok(verdict)
}

/// The bytes of a clean file (`None`: missing, pending or rejected).
pub async fn bytes<P: Platform>(ctx: &Ctx<'_, P>, f: &File) -> Result<Option<Vec<u8>>> {
    if f.status != Status::Clean {
        return Ok(None);
    }
    Ok(ctx.global_blob().await?.get(&blob_key(&f.id)).await?.map(|b| b.bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eicar_is_found_anywhere_and_no_scanner_fails_closed() {
        let eicar = |b: &[u8]| pollster::block_on(EicarScanner.scan(b));
        let mut f = b"%PDF-1.4\n".to_vec();
        assert_eq!(eicar(&f), Verdict::Clean);
        f.extend_from_slice(EICAR);
        assert_eq!(eicar(&f), Verdict::Infected("EICAR-Test-File".into()));
        assert_eq!(pollster::block_on(NoScanner.scan(b"%PDF-1.4\n")), Verdict::Unavailable("no scanner configured"));
    }

    #[test]
    fn a_scanning_service_answer_is_a_verdict_only_when_understood() {
        assert_eq!(verdict_of(b"stream: OK\n"), Verdict::Clean);
        assert_eq!(verdict_of(b"OK"), Verdict::Clean);
        assert_eq!(verdict_of(b"stream: Win.Test.EICAR_HDB-1 FOUND\n"), Verdict::Infected("Win.Test.EICAR_HDB-1".into()));
        // a signature name is cut to printable ASCII; a name with none left is still a refusal
        assert_eq!(verdict_of(b"stream: <b>x y</b> FOUND"), Verdict::Infected("<b>xy</b>".into()));
        assert_eq!(verdict_of("stream: \u{e9} FOUND".as_bytes()), Verdict::Infected("unnamed".into()));
        // clamd's errors, a reply without a name, anything else: no verdict
        for body in [&b"stream: Can't allocate memory ERROR"[..], b"stream:  FOUND", b"", b"OKAY", b"{\"status\":\"clean\"}", b"\xff\xfe"] {
            assert!(matches!(verdict_of(body), Verdict::Unavailable(_)), "{}", String::from_utf8_lossy(body));
        }
    }
}
