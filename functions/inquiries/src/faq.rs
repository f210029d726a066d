//! Evolving FAQs: an MI specialist turns an answered inquiry, de-identified, into an FAQ
//! draft (`faq_answer`) that enters the library's MLR review (`in_review`, seen on `/review`,
//! signed and published by content's workflow); published FAQs are listed on `/faq`.
//!
//! Residency: the inquiry stays in its region. What crosses to `db_global` is only the text
//! the specialist confirmed, after the server stripped it: the patient context is never
//! used; the proposal drops every sentence the screening sees a patient or an event in;
//! every text (the proposal and what the specialist sends) loses the HCP's name, the
//! patient context's identifier-like words (names, numbers, codes), email addresses and
//! long numbers (dates, phone numbers, references). A text the screening still flags is
//! refused. The item is created through the library crate's statements (the one owner of
//! the item and version inserts), audited in the same batch; its slug is derived from the
//! inquiry's id, so one inquiry makes at most one FAQ.

use medportal_core::audit::{AuditEntry, Outcome, commit_global};
use medportal_core::ports::SqlStore;
use medportal_core::region::Region;
use medportal_core::{Ctx, Error, Platform, Result};
use medportal_library::draft::{self, Draft, Ids, NewItem, Product, Reference, Taxonomy};
use medportal_library::model::{ContentType, Market, State};

use crate::inquiry::Inquiry;
use crate::screening;
use crate::thread::{self, Kind};

/// What stands in for a stripped word.
pub const REMOVED: &str = "[…]";

/// The words that identify the HCP or the patient: the HCP's name, and the patient
/// context's words that contain a digit or a hyphen or are capitalised (names, dates,
/// record numbers), each lower-case, three characters or more.
pub fn secrets(hcp_name: &str, patient_context: &str) -> Vec<String> {
    let mut out: Vec<String> = hcp_name.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() >= 3).map(str::to_lowercase).collect();
    for token in patient_context.split_whitespace() {
        let core = token.trim_matches(|c: char| !c.is_alphanumeric());
        let identifying = core.chars().any(|c| c.is_ascii_digit() || c == '-') || core.chars().next().is_some_and(char::is_uppercase);
        if identifying && core.chars().count() >= 3 {
            out.push(core.to_lowercase());
            out.extend(core.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() >= 3).map(str::to_lowercase));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Whether a token (a whitespace-separated word) is personal: an email address, five digits
/// or more (dates, phone and record numbers, references), or one of `secrets` (whole, or one
/// of its hyphen/slash parts).
fn personal(token: &str, secrets: &[String]) -> bool {
    let core = token.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    token.contains('@')
        || token.chars().filter(char::is_ascii_digit).count() >= 5
        || secrets.contains(&core)
        || core.split(|c: char| !c.is_alphanumeric()).any(|p| secrets.iter().any(|s| s == p))
}

/// `text` without personal tokens (line breaks kept, spaces normalised).
pub fn scrub(text: &str, secrets: &[String]) -> String {
    let lines: Vec<String> = text
        .lines()
        .map(|line| line.split_whitespace().map(|t| if personal(t, secrets) { REMOVED } else { t }).collect::<Vec<_>>().join(" "))
        .collect();
    lines.join("\n").trim().to_owned()
}

/// The proposal of `text`: only the sentences in which the screening finds no patient and
/// nothing to report, scrubbed.
pub fn propose_text(text: &str, language: &str, secrets: &[String]) -> String {
    let kept: Vec<&str> = screening::sentences(text)
        .into_iter()
        .filter(|s| {
            let found = screening::screen(s, language, "", &[]);
            !found.flagged() && found.patients.is_empty()
        })
        .collect();
    scrub(&kept.join(" "), secrets)
}

/// The HCP's display name (identity's `users` of the region, read only).
async fn hcp_name<P: Platform>(ctx: &Ctx<'_, P>, region: Region, user_id: &str) -> Result<String> {
    let rows = ctx.region(region).sql().await?.query("SELECT display_name FROM users WHERE id = ?1", &[user_id.into()]).await?;
    Ok(rows.first().map(|r| r.text(0)).transpose()?.unwrap_or_default())
}

/// An answered inquiry's question and (latest) answer, proposed de-identified.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Proposal {
    pub question: String,
    pub answer: String,
}

fn answered(inq: &Inquiry) -> Result<()> {
    if inq.answered_at == 0 {
        return Err(Error::Conflict { code: "not_answered" });
    }
    Ok(())
}

pub async fn propose<P: Platform>(ctx: &Ctx<'_, P>, region: Region, inq: &Inquiry) -> Result<Proposal> {
    answered(inq)?;
    let messages = thread::messages(&ctx.region(region).sql().await?, &inq.id, false).await?;
    let secrets = secrets(&hcp_name(ctx, region, &inq.user_id).await?, inq.patient_context.as_deref().unwrap_or(""));
    let text = |kind: Kind, first: bool| {
        let mut of_kind = messages.iter().filter(|m| m.kind == kind);
        let m = if first { of_kind.next() } else { of_kind.next_back() };
        m.map(|m| propose_text(&m.body, &inq.language, &secrets)).unwrap_or_default()
    };
    Ok(Proposal { question: text(Kind::Question, true), answer: text(Kind::Answer, false) })
}

/// The FAQ's slug: derived from the inquiry's id (one FAQ per inquiry), not revealing it.
pub fn slug_of(inq: &Inquiry) -> String {
    format!("faq-{}", &draft::sha256_hex(format!("medportal-faq/1\n{}", inq.id).as_bytes())[..24])
}

/// The area and product of a published library item about the inquiry's medicine (what the
/// FAQ is filed under), else `general` and the vocabulary's name.
async fn filing<S: SqlStore>(db: &S, product: &str) -> Result<Taxonomy> {
    let rows = db
        .query(
            "SELECT v.taxonomy FROM library_items i JOIN library_versions v ON v.id = i.published_version \
             WHERE i.state = 'published' AND lower(v.taxonomy) LIKE ?1 ORDER BY i.slug LIMIT 20",
            &[format!("%\"{}\"%", product.replace(['%', '_', '"', '\\'], "")).into()],
        )
        .await?;
    for r in rows {
        let Ok(t) = serde_json::from_str::<Taxonomy>(&r.text(0)?) else { continue };
        if t.products().iter().any(|n| n.eq_ignore_ascii_case(product)) {
            return Ok(Taxonomy { area: t.area, product: t.product, audience: "hcp".into(), ..Default::default() });
        }
    }
    let product = Some(Product { brand: None, generic: Some(product.to_owned()) });
    Ok(Taxonomy { area: "general".into(), product, audience: "hcp".into(), ..Default::default() })
}

fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    format!("{}…", s.chars().take(max - 1).collect::<String>().trim_end())
}

/// Creates the FAQ draft from the specialist's `question` and `answer` (scrubbed again),
/// submitted for MLR review and audited in the same batch. Returns the item id.
pub async fn create<P: Platform>(ctx: &Ctx<'_, P>, region: Region, actor: &str, inq: &Inquiry, question: &str, answer: &str) -> Result<String> {
    answered(inq)?;
    let secrets = secrets(&hcp_name(ctx, region, &inq.user_id).await?, inq.patient_context.as_deref().unwrap_or(""));
    let (question, answer) = (scrub(question, &secrets), scrub(answer, &secrets));
    if question.is_empty() || answer.is_empty() || question.len() > 2000 || answer.len() > thread::MAX_BODY {
        return Err(Error::bad_request("faq_text", "Write the question and the answer."));
    }
    if [&question, &answer].iter().any(|t| screening::screen(t, &inq.language, "", &[]).flagged()) {
        return Err(Error::bad_request("faq_personal", "The text still tells of a patient or a case: remove it."));
    }
    let db = ctx.global_sql().await?;
    let slug = slug_of(inq);
    if db.query("SELECT 1 FROM library_items WHERE slug = ?1", &[slug.as_str().into()]).await?.first().is_some() {
        return Err(Error::Conflict { code: "faq_exists" });
    }
    let cited = thread::messages(&ctx.region(region).sql().await?, &inq.id, false).await?;
    let references = cited
        .iter()
        .filter(|m| m.kind == Kind::Answer)
        .flat_map(|m| m.citations.iter())
        .map(|c| Reference { label: format!("{} (library version {})", c.title, c.version), doi: None, pmid: None })
        .collect();
    let market = Market::parse(&inq.market).ok_or_else(|| Error::internal("bad stored market"))?;
    let d = Draft {
        title: cut(screening::sentences(&question).first().copied().unwrap_or(""), 200),
        summary: cut(&answer.replace('\n', " "), 300),
        body: format!("## Question\n\n{question}\n\n## Answer\n\n{answer}\n"),
        references,
        taxonomy: filing(&db, &inq.product).await?,
        markets: vec![market],
        reviewed_on: None,
        expires_on: None,
    };
    let new = NewItem { family: slug.clone(), slug, language: inq.language.clone(), content_type: ContentType::FaqAnswer, featured: false };
    let ids = Ids { item: ctx.random_id()?, version: ctx.random_id()? };
    let now = ctx.now().unix_timestamp();
    let reason = "FAQ from an answered inquiry, de-identified";
    let (stmts, sha256) = draft::create_item(&ids, &new, State::InReview, &d, actor, now, reason)?;
    let why = format!("sha256={sha256}; type=faq_answer; submitted for review; reason={reason}");
    let entry = AuditEntry { actor, action: "inquiries.faq_drafted", target: Some(&ids.item), outcome: Outcome::Success, reason: Some(&why), ..Default::default() };
    commit_global(ctx, stmts, &[entry]).await?;
    Ok(ids.item)
}

/// A published FAQ, as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Faq {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub product: String,
}

/// The FAQs published for `market` (or INTL) in `language`, not expired on `today`, of the
/// audiences the reader may see; by product, then title.
pub async fn published<S: SqlStore>(db: &S, market: &str, language: &str, today: &str, hcp: bool) -> Result<Vec<Faq>> {
    let rows = db
        .query(
            "SELECT DISTINCT i.slug, v.title, v.summary, v.taxonomy FROM library_items i \
             JOIN library_versions v ON v.id = i.published_version \
             JOIN library_publications p ON p.item_id = i.id AND p.version_id = i.published_version \
             WHERE i.content_type = 'faq_answer' AND i.state = 'published' AND i.language = ?1 AND p.market IN (?2, 'INTL') \
             AND (v.expires_on IS NULL OR v.expires_on > ?3) AND (v.audience = 'public' OR ?4 = 1) LIMIT 500",
            &[language.into(), market.into(), today.into(), i64::from(hcp).into()],
        )
        .await?;
    let mut out = Vec::new();
    for r in rows {
        let t: Taxonomy = serde_json::from_str(&r.text(3)?).map_err(Error::internal)?;
        let product = t.products().into_iter().next().unwrap_or_default();
        out.push(Faq { slug: r.text(0)?, title: r.text(1)?, summary: r.text(2)?, product });
    }
    out.sort_by(|a, b| (a.product.to_lowercase(), &a.title).cmp(&(b.product.to_lowercase(), &b.title)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proposal_keeps_the_medical_question_and_drops_who_and_whom() {
        let secrets = secrets("Dr. Anna Müller", "Frau Kx-7781 Schmidt, 72 years, CrCl 25, anticoag since 03.02.2026");
        assert!(secrets.contains(&"müller".to_owned()) && secrets.contains(&"schmidt".to_owned()) && secrets.contains(&"kx-7781".to_owned()));
        let q = "Dr Anna Müller here. What is the apixaban dose in severe renal impairment? My patient Schmidt developed a bleed after the second dose. Call 0171 2345678 or anna@example.org.";
        let p = propose_text(q, "en", &secrets);
        assert!(p.contains("What is the apixaban dose in severe renal impairment?"), "{p}");
        for gone in ["Anna", "Müller", "Schmidt", "bleed", "2345678", "anna@example.org"] {
            assert!(!p.contains(gone), "{gone} in {p}");
        }
        // what the specialist sends is scrubbed again
        let s = scrub("As Dr. Müller asked (MI-2026-EU-000123): Kx-7781 on 2.5 mg twice daily.", &secrets);
        assert_eq!(s, "As Dr. […] asked […] […] on 2.5 mg twice daily.");
        let de = propose_text("Welche Dosis bei Niereninsuffizienz? Meine Patientin bekam eine Blutung.", "de", &secrets);
        assert_eq!(de, "Welche Dosis bei Niereninsuffizienz?");
    }
}
