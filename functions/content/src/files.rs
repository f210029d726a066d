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
//! Production builds have no scanner wired yet ([`scanner`]), so every upload there stays
//! pending until one is; development builds use the EICAR test-signature check.

use medportal_core::audit::{AuditEntry, Outcome, commit_global};
use medportal_core::ports::{BlobStore, Row, SqlStore, Statement};
use medportal_core::upload::{clean_name, limit, sniff};
use medportal_core::{Ctx, Error, Platform, Result};

use crate::item::Item;
use crate::model::State;
use crate::version::sha256_hex;

/// A scanner's verdict on a file's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    // A production build constructs these once a scanning service is wired (none is yet).
    #[cfg_attr(not(any(test, feature = "dev")), allow(dead_code))]
    Clean,
    /// Refused, with the signature's name.
    #[cfg_attr(not(any(test, feature = "dev")), allow(dead_code))]
    Infected(&'static str),
    /// No verdict: the file must not become visible.
    #[cfg_attr(feature = "dev", allow(dead_code))]
    Unavailable,
}

/// The scan port: what decides whether a file may become visible.
pub trait Scanner {
    fn scan(&self, bytes: &[u8]) -> Verdict;
}

/// Development: finds the EICAR anti-virus test signature anywhere in the file.
#[cfg(any(test, feature = "dev"))]
pub struct EicarScanner;

#[cfg(any(test, feature = "dev"))]
const EICAR: &[u8] = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

#[cfg(any(test, feature = "dev"))]
impl Scanner for EicarScanner {
    fn scan(&self, bytes: &[u8]) -> Verdict {
        if bytes.windows(EICAR.len()).any(|w| w == EICAR) { Verdict::Infected("EICAR-Test-File") } else { Verdict::Clean }
    }
}

/// Production until a scanning service is wired: never a verdict, so nothing becomes visible.
#[cfg_attr(feature = "dev", allow(dead_code))]
pub struct NoScanner;

impl Scanner for NoScanner {
    fn scan(&self, _bytes: &[u8]) -> Verdict {
        Verdict::Unavailable
    }
}

/// The scanner of this build.
#[cfg(any(test, feature = "dev"))]
pub fn scanner() -> impl Scanner {
    EicarScanner
}
#[cfg(not(any(test, feature = "dev")))]
pub fn scanner() -> impl Scanner {
    NoScanner
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
    let verdict = scanner.scan(bytes);
    let (status, note, action, outcome) = match &verdict {
        Verdict::Clean => (Status::Clean, None, "content.file_attached", Outcome::Success),
        Verdict::Infected(sig) => (Status::Rejected, Some(*sig), "content.file_rejected", Outcome::Failure),
        Verdict::Unavailable => (Status::Pending, Some("no scan verdict"), "content.file_pending", Outcome::Success),
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
    fn eicar_is_found_anywhere_and_production_fails_closed() {
        let mut f = b"%PDF-1.4\n".to_vec();
        assert_eq!(EicarScanner.scan(&f), Verdict::Clean);
        f.extend_from_slice(EICAR);
        assert_eq!(EicarScanner.scan(&f), Verdict::Infected("EICAR-Test-File"));
        assert_eq!(NoScanner.scan(b"%PDF-1.4\n"), Verdict::Unavailable);
    }
}
