//! Immutable versions (`library_versions`: inserted only through the shared library crate's
//! draft module, never updated): every save makes one, with its author, UTC time and reason, and the SHA-256 of the canonical serialisation of its content
//! (item id, number and every field, each length-prefixed so no two contents serialise
//! alike). Signatures are bound to that hash.

use medportal_core::ports::{Row, SqlStore, Statement};
use medportal_core::{Error, Result};

pub use medportal_library::draft::{Draft, Product, Reference, Taxonomy, sha256_hex};

use crate::model::{join_markets, parse_markets};

/// A stored version.
#[derive(Debug, Clone)]
pub struct Version {
    pub id: String,
    /// The item and the author are part of the record (the author is shown nowhere yet).
    #[allow(dead_code)]
    pub item_id: String,
    pub number: i64,
    pub sha256: String,
    #[allow(dead_code)]
    pub author: String,
    pub created_at: i64,
    pub reason: String,
    pub draft: Draft,
}

/// The statement storing a new version (the shared draft module builds it); returns it with
/// the version.
pub fn insert(id: String, item_id: &str, number: i64, author: &str, at: i64, reason: &str, draft: Draft) -> Result<(Statement, Version)> {
    let (stmt, sha256) = medportal_library::draft::insert_version(&id, item_id, number, author, at, reason, &draft)?;
    let version = Version { id, item_id: item_id.into(), number, sha256, author: author.into(), created_at: at, reason: reason.into(), draft };
    Ok((stmt, version))
}

/// Columns [`of_row`] reads, in order.
pub const COLUMNS: &str = "v.id, v.item_id, v.number, v.sha256, v.author, v.created_at, v.reason, v.title, v.summary, v.body, v.refs, \
                           v.taxonomy, v.markets, v.reviewed_on, v.expires_on";
/// How many columns [`COLUMNS`] has (callers append their own after them).
pub const WIDTH: usize = 15;

pub fn of_row(r: &Row) -> Result<Version> {
    let refs: Vec<Reference> = serde_json::from_str(&r.text(10)?).map_err(Error::internal)?;
    let taxonomy: Taxonomy = serde_json::from_str(&r.text(11)?).map_err(Error::internal)?;
    let markets = parse_markets(&r.text(12)?).ok_or_else(|| Error::internal("bad stored markets"))?;
    Ok(Version {
        id: r.text(0)?,
        item_id: r.text(1)?,
        number: r.int(2)?,
        sha256: r.text(3)?,
        author: r.text(4)?,
        created_at: r.int(5)?,
        reason: r.text(6)?,
        draft: Draft {
            title: r.text(7)?,
            summary: r.text(8)?,
            body: r.text(9)?,
            references: refs,
            taxonomy,
            markets,
            reviewed_on: r.opt_text(13)?,
            expires_on: r.opt_text(14)?,
        },
    })
}

pub async fn find<S: SqlStore>(db: &S, id: &str) -> Result<Option<Version>> {
    let rows = db.query(&format!("SELECT {COLUMNS} FROM library_versions v WHERE v.id = ?1"), &[id.into()]).await?;
    rows.first().map(of_row).transpose()
}

/// An item's versions, newest first.
pub async fn history<S: SqlStore>(db: &S, item_id: &str) -> Result<Vec<Version>> {
    let rows = db.query(&format!("SELECT {COLUMNS} FROM library_versions v WHERE v.item_id = ?1 ORDER BY v.number DESC"), &[item_id.into()]).await?;
    rows.iter().map(of_row).collect()
}

/// A version's content as lines, for the diff: one line per field, the body line by line.
pub fn lines(v: &Version) -> Vec<String> {
    let d = &v.draft;
    let mut out = vec![format!("# {}", d.title), d.summary.clone(), String::new()];
    out.extend(d.body.lines().map(str::to_owned));
    out.push(String::new());
    out.extend(d.references.iter().map(|r| format!("[ref] {}{}", r.label, r.href().map(|h| format!(" <{h}>")).unwrap_or_default())));
    out.push(format!("[markets] {}", join_markets(&d.markets)));
    out.push(format!("[audience] {}  [area] {}", d.taxonomy.audience, d.taxonomy.area));
    out.push(format!("[reviewed] {}  [expires] {}", d.reviewed_on.as_deref().unwrap_or("-"), d.expires_on.as_deref().unwrap_or("-")));
    out
}

#[cfg(test)]
pub(crate) fn sample() -> Draft {
    Draft {
        title: "Apixaban in AF".into(),
        summary: "Summary".into(),
        body: "## Background\n\nText.\n".into(),
        references: vec![Reference { label: "Granger 2011".into(), doi: Some("10.1056/NEJMoa1107039".into()), pmid: None }],
        taxonomy: Taxonomy { area: "cardiology".into(), audience: "hcp".into(), ..Default::default() },
        markets: vec![crate::model::Market::parse("US").unwrap()],
        reviewed_on: Some("2026-09-14".into()),
        expires_on: Some("2027-09-14".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use medportal_library::draft::canonical;

    #[test]
    fn the_hash_binds_every_field_and_the_version() {
        let d = sample();
        let h = sha256_hex(&canonical("i1", 1, &d));
        assert_eq!(h.len(), 64);
        assert_eq!(h, sha256_hex(&canonical("i1", 1, &d)), "deterministic");
        assert_ne!(h, sha256_hex(&canonical("i1", 2, &d)), "another version");
        assert_ne!(h, sha256_hex(&canonical("i2", 1, &d)), "another item");
        let mut e = d.clone();
        e.body.push('.');
        assert_ne!(h, sha256_hex(&canonical("i1", 1, &e)), "an edit");
        // length prefixes: moving text between fields changes the hash
        let (mut a, mut b) = (d.clone(), d.clone());
        (a.title, a.summary) = ("ab".into(), "c".into());
        (b.title, b.summary) = ("a".into(), "bc".into());
        assert_ne!(sha256_hex(&canonical("i", 1, &a)), sha256_hex(&canonical("i", 1, &b)));
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn drafts_are_validated() {
        assert!(sample().validate().is_ok());
        let mut d = sample();
        d.references[0].doi = Some("not a doi".into());
        assert!(d.validate().is_err());
        let mut d = sample();
        d.expires_on = Some("2026-01-01".into());
        assert!(d.validate().is_err());
        let mut d = sample();
        d.taxonomy.audience = "everyone".into();
        assert!(d.validate().is_err());
        assert_eq!(sample().references[0].href().unwrap(), "https://doi.org/10.1056/NEJMoa1107039");
    }
}
