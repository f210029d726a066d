//! An inquiry's thread (`inquiry_messages`, append-only, written only here): the question,
//! follow-ups, answers with the approved library versions they cite, and internal notes,
//! which are never shown to the HCP.

use medportal_core::platform::RegionSql;
use medportal_core::ports::{Row, SqlStore, Statement};
use medportal_core::{Error, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Question,
    FollowUp,
    Answer,
    /// Internal: specialists only.
    Note,
}

impl Kind {
    pub const fn code(self) -> &'static str {
        match self {
            Kind::Question => "question",
            Kind::FollowUp => "follow_up",
            Kind::Answer => "answer",
            Kind::Note => "note",
        }
    }
    fn stored(code: &str) -> Result<Kind> {
        [Kind::Question, Kind::FollowUp, Kind::Answer, Kind::Note]
            .into_iter()
            .find(|k| k.code() == code)
            .ok_or_else(|| Error::internal("unknown stored message kind"))
    }
}

/// An approved library version an answer cites (a snapshot: the letter keeps citing exactly
/// this version whatever the library does later).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    pub slug: String,
    pub version: i64,
    pub sha256: String,
    pub title: String,
}

#[derive(Debug, Clone)]
pub struct Message {
    pub kind: Kind,
    pub author: String,
    pub body: String,
    pub citations: Vec<Citation>,
    pub at: i64,
}

/// Longest message body accepted.
pub const MAX_BODY: usize = 8000;

fn of_row(r: &Row) -> Result<Message> {
    Ok(Message {
        kind: Kind::stored(&r.text(0)?)?,
        author: r.text(1)?,
        body: r.text(2)?,
        citations: serde_json::from_str(&r.text(3)?).map_err(Error::internal)?,
        at: r.int(4)?,
    })
}

/// The thread, oldest first; internal notes only for `staff`.
pub async fn messages<S: SqlStore>(db: &RegionSql<S>, inquiry_id: &str, staff: bool) -> Result<Vec<Message>> {
    let rows = db
        .query(
            "SELECT kind, author, body, citations, created_at FROM inquiry_messages \
             WHERE inquiry_id = ?1 AND (?2 = 1 OR kind <> 'note') ORDER BY created_at, rowid",
            &[inquiry_id.into(), i64::from(staff).into()],
        )
        .await?;
    rows.iter().map(of_row).collect()
}

/// A message's insert, for the batch of the use case that adds it.
pub fn append(id: String, inquiry_id: &str, kind: Kind, author: &str, body: &str, citations: &[Citation], now: i64) -> Result<Statement> {
    let citations = serde_json::to_string(citations).map_err(Error::internal)?;
    Ok(Statement::new(
        "INSERT INTO inquiry_messages (id, inquiry_id, kind, author, body, citations, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        vec![id.into(), inquiry_id.into(), kind.code().into(), author.into(), body.into(), citations.into(), now.into()],
    ))
}
