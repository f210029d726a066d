//! Immutable versions (`library_versions`, written only here): every save makes one, with its
//! author, UTC time and reason, and the SHA-256 of the canonical serialisation of its content
//! (item id, number and every field, each length-prefixed so no two contents serialise
//! alike). Signatures are bound to that hash.

use medportal_core::ports::{Row, SqlStore, Statement};
use medportal_core::{Error, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::model::{Audience, Market, join_markets, parse_markets, valid_date};

/// A DOI or PMID reference.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pmid: Option<String>,
}

impl Reference {
    /// The reference's link: `https://doi.org/<doi>` or PubMed.
    pub fn href(&self) -> Option<String> {
        if let Some(doi) = &self.doi {
            return Some(format!("https://doi.org/{}", medportal_core::web::url_encode(doi).replace("%2F", "/")));
        }
        self.pmid.as_ref().map(|p| format!("https://pubmed.ncbi.nlm.nih.gov/{p}/"))
    }
    fn valid(&self) -> bool {
        let doi_ok = self.doi.as_deref().is_none_or(|d| d.starts_with("10.") && d.contains('/') && d.len() <= 200 && !d.chars().any(char::is_whitespace));
        let pmid_ok = self.pmid.as_deref().is_none_or(|p| (1..=10).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
        !self.label.trim().is_empty() && self.label.len() <= 500 && doi_ok && pmid_ok
    }
}

/// A medicine: brand and generic name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    #[serde(default)]
    pub brand: Option<String>,
    #[serde(default)]
    pub generic: Option<String>,
}

/// Where an item sits in the library.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Taxonomy {
    pub area: String,
    #[serde(default)]
    pub product: Option<Product>,
    #[serde(default)]
    pub indication: Option<String>,
    #[serde(default)]
    pub phase: Option<String>,
    #[serde(default)]
    pub specialties: Vec<String>,
    pub audience: String,
}

impl Taxonomy {
    pub fn audience(&self) -> Result<Audience> {
        Audience::submitted(&self.audience)
    }
    /// Product names for display and search (brand first).
    pub fn products(&self) -> Vec<String> {
        let Some(p) = &self.product else { return Vec::new() };
        [&p.brand, &p.generic].into_iter().flatten().filter(|s| !s.trim().is_empty()).cloned().collect()
    }
}

/// What an author writes: the content of a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub title: String,
    pub summary: String,
    pub body: String,
    pub references: Vec<Reference>,
    pub taxonomy: Taxonomy,
    pub markets: Vec<Market>,
    pub reviewed_on: Option<String>,
    pub expires_on: Option<String>,
}

fn invalid(code: &'static str, message: &str) -> Error {
    Error::bad_request(code, message)
}

impl Draft {
    /// Checks the draft's fields (a 400 naming the first problem).
    pub fn validate(&self) -> Result<()> {
        if self.title.trim().is_empty() || self.title.len() > 300 {
            return Err(invalid("invalid_title", "A title of up to 300 characters is required."));
        }
        if self.summary.len() > 3000 || self.body.len() > 100_000 {
            return Err(invalid("too_long", "The summary or body is too long."));
        }
        if self.references.len() > 100 || !self.references.iter().all(Reference::valid) {
            return Err(invalid("invalid_reference", "A reference needs a label and a valid DOI or PMID."));
        }
        let area_ok = (2..=60).contains(&self.taxonomy.area.len())
            && self.taxonomy.area.bytes().all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'-');
        if !area_ok {
            return Err(invalid("invalid_area", "The therapeutic area is a lower-case code."));
        }
        self.taxonomy.audience()?;
        if self.markets.is_empty() {
            return Err(invalid("invalid_markets", "At least one market is required."));
        }
        for d in [&self.reviewed_on, &self.expires_on].into_iter().flatten() {
            if !valid_date(d) {
                return Err(invalid("invalid_date", "Dates are YYYY-MM-DD."));
            }
        }
        if let (Some(r), Some(e)) = (&self.reviewed_on, &self.expires_on)
            && e <= r
        {
            return Err(invalid("invalid_date", "The expiry date must be after the review date."));
        }
        Ok(())
    }
}

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

fn field(out: &mut Vec<u8>, name: &str, value: &str) {
    out.extend_from_slice(format!("{name}:{}:", value.len()).as_bytes());
    out.extend_from_slice(value.as_bytes());
    out.push(b'\n');
}

/// The canonical serialisation of a version's content (what its SHA-256 is taken of).
pub fn canonical(item_id: &str, number: i64, d: &Draft) -> Vec<u8> {
    let mut out = b"medportal-content-version/1\n".to_vec();
    field(&mut out, "item", item_id);
    field(&mut out, "number", &number.to_string());
    field(&mut out, "title", &d.title);
    field(&mut out, "summary", &d.summary);
    field(&mut out, "body", &d.body);
    for r in &d.references {
        field(&mut out, "ref.label", &r.label);
        field(&mut out, "ref.doi", r.doi.as_deref().unwrap_or(""));
        field(&mut out, "ref.pmid", r.pmid.as_deref().unwrap_or(""));
    }
    let t = &d.taxonomy;
    field(&mut out, "area", &t.area);
    let p = t.product.clone().unwrap_or_default();
    field(&mut out, "product.brand", p.brand.as_deref().unwrap_or(""));
    field(&mut out, "product.generic", p.generic.as_deref().unwrap_or(""));
    field(&mut out, "indication", t.indication.as_deref().unwrap_or(""));
    field(&mut out, "phase", t.phase.as_deref().unwrap_or(""));
    for s in &t.specialties {
        field(&mut out, "specialty", s);
    }
    field(&mut out, "audience", &t.audience);
    field(&mut out, "markets", &join_markets(&d.markets));
    field(&mut out, "reviewed_on", d.reviewed_on.as_deref().unwrap_or(""));
    field(&mut out, "expires_on", d.expires_on.as_deref().unwrap_or(""));
    out
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The statement storing a new version (its hash computed here); returns it with the version.
pub fn insert(id: String, item_id: &str, number: i64, author: &str, at: i64, reason: &str, draft: Draft) -> Result<(Statement, Version)> {
    draft.validate()?;
    let sha256 = sha256_hex(&canonical(item_id, number, &draft));
    let refs = serde_json::to_string(&draft.references).map_err(Error::internal)?;
    let taxonomy = serde_json::to_string(&draft.taxonomy).map_err(Error::internal)?;
    let stmt = Statement::new(
        "INSERT INTO library_versions (id, item_id, number, sha256, author, created_at, reason, title, summary, body, refs, taxonomy, \
         audience, area, markets, reviewed_on, expires_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        vec![
            id.as_str().into(),
            item_id.into(),
            number.into(),
            sha256.as_str().into(),
            author.into(),
            at.into(),
            reason.into(),
            draft.title.as_str().into(),
            draft.summary.as_str().into(),
            draft.body.as_str().into(),
            refs.into(),
            taxonomy.into(),
            draft.taxonomy.audience.as_str().into(),
            draft.taxonomy.area.as_str().into(),
            join_markets(&draft.markets).into(),
            draft.reviewed_on.clone().into(),
            draft.expires_on.clone().into(),
        ],
    );
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
        markets: vec![Market::parse("US").unwrap()],
        reviewed_on: Some("2026-09-14".into()),
        expires_on: Some("2027-09-14".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
