//! A library item's draft: what an author writes (title, summary, body, references,
//! taxonomy, markets, dates), its validation, the canonical serialisation its SHA-256 (the
//! hash signatures are bound to) is taken of, and the statements that store a new item and a
//! new version (`library_families`, `library_items`, `library_versions` inserts: written only
//! here; content's item and version modules change the rows afterwards). Content's authoring
//! and the inquiries function's FAQ drafts both create items through this module.

use medportal_core::ports::Statement;
use medportal_core::{Error, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::model::{Audience, ContentType, Market, State, join_markets, valid_date, valid_language, valid_slug};

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
    #[inline]
    pub fn href(&self) -> Option<String> {
        if let Some(doi) = &self.doi {
            return Some(format!("https://doi.org/{}", medportal_core::web::url_encode(doi).replace("%2F", "/")));
        }
        self.pmid.as_ref().map(|p| format!("https://pubmed.ncbi.nlm.nih.gov/{p}/"))
    }
    #[inline]
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
    #[inline]
    pub fn audience(&self) -> Result<Audience> {
        Audience::submitted(&self.audience)
    }
    /// Product names for display and search (brand first).
    #[inline]
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

#[inline]
fn invalid(code: &'static str, message: &str) -> Error {
    Error::bad_request(code, message)
}

impl Draft {
    /// Checks the draft's fields (a 400 naming the first problem).
    #[inline]
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

#[inline]
fn field(out: &mut Vec<u8>, name: &str, value: &str) {
    out.extend_from_slice(format!("{name}:{}:", value.len()).as_bytes());
    out.extend_from_slice(value.as_bytes());
    out.push(b'\n');
}

/// The canonical serialisation of a version's content (what its SHA-256 is taken of).
#[inline]
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
#[inline]
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The statement storing version `number` of `item_id` (its hash computed here, after the
/// draft is validated); returns it with the hash.
#[inline]
pub fn insert_version(id: &str, item_id: &str, number: i64, author: &str, at: i64, reason: &str, draft: &Draft) -> Result<(Statement, String)> {
    draft.validate()?;
    let sha256 = sha256_hex(&canonical(item_id, number, draft));
    let refs = serde_json::to_string(&draft.references).map_err(Error::internal)?;
    let taxonomy = serde_json::to_string(&draft.taxonomy).map_err(Error::internal)?;
    let stmt = Statement::new(
        "INSERT INTO library_versions (id, item_id, number, sha256, author, created_at, reason, title, summary, body, refs, taxonomy, \
         audience, area, markets, reviewed_on, expires_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        vec![
            id.into(),
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
    Ok((stmt, sha256))
}

/// What identifies a new item.
#[derive(Debug, Clone)]
pub struct NewItem {
    pub family: String,
    pub slug: String,
    pub language: String,
    pub content_type: ContentType,
    pub featured: bool,
}

/// The ids a new item gets.
#[derive(Debug, Clone)]
pub struct Ids {
    pub item: String,
    pub version: String,
}

/// The statements creating `new` (and its family, when new) in `state` (`Draft`, or
/// `InReview` for one submitted at once; callers pass nothing else) with `draft` as its version 1, and that version's hash. The
/// caller checks the slug is free and commits them with its audit entry.
#[inline]
pub fn create_item(ids: &Ids, new: &NewItem, state: State, draft: &Draft, actor: &str, now: i64, reason: &str) -> Result<(Vec<Statement>, String)> {
    if !valid_slug(&new.slug) || !valid_slug(&new.family) || !valid_language(&new.language) {
        return Err(Error::bad_request("invalid_item", "Slug, family and language must be codes."));
    }
    let (insert_version, sha256) = insert_version(&ids.version, &ids.item, 1, actor, now, reason, draft)?;
    let stmts = vec![
        Statement::new("INSERT OR IGNORE INTO library_families (id, created_at) VALUES (?1, ?2)", vec![new.family.as_str().into(), now.into()]),
        Statement::new(
            "INSERT INTO library_items (id, family_id, slug, language, content_type, state, head_version, featured, created_by, created_at, state_since) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
            vec![
                ids.item.as_str().into(),
                new.family.as_str().into(),
                new.slug.as_str().into(),
                new.language.as_str().into(),
                new.content_type.code().into(),
                state.code().into(),
                ids.version.as_str().into(),
                i64::from(new.featured).into(),
                actor.into(),
                now.into(),
            ],
        ),
        insert_version,
    ];
    Ok((stmts, sha256))
}
