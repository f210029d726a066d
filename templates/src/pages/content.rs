//! The governed library's reader pages beyond the item itself: the record under an item
//! (version, medically reviewed on, references, signatures), the notice where an item is not
//! available in the reader's market, the version history and the diff between two versions.

use maud::{Markup, html};
use time::OffsetDateTime;

use crate::components::{Crumb, breadcrumb};
use crate::format::{format_datetime, iso_datetime};
use crate::layout::{PageContext, page};
use crate::{Locale, Msg, paths, t, tf};

/// A reference with its DOI or PubMed link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferenceView {
    pub label: String,
    pub href: Option<String>,
}

/// An electronic signature as every rendering of the signed record shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureView {
    pub printed_name: String,
    pub role: String,
    /// `review`, `approval` or `responsibility`.
    pub meaning: String,
    /// `medical`, `legal` or `regulatory`.
    pub discipline: String,
    pub at: OffsetDateTime,
    pub sha256: String,
}

fn meaning(l: Locale, code: &str) -> &str {
    match code {
        "approval" => t(l, Msg::SignatureMeaningApproval),
        "review" => t(l, Msg::SignatureMeaningReview),
        "responsibility" => t(l, Msg::SignatureMeaningResponsibility),
        other => other,
    }
}

fn discipline(l: Locale, code: &str) -> &str {
    match code {
        "medical" => t(l, Msg::DisciplineMedical),
        "legal" => t(l, Msg::DisciplineLegal),
        "regulatory" => t(l, Msg::DisciplineRegulatory),
        other => other,
    }
}

/// The signatures of a record (a list; empty: nothing).
pub fn signatures(l: Locale, list: &[SignatureView]) -> Markup {
    html! {
        @if !list.is_empty() {
            ul.signatures {
                @for s in list {
                    li.signature {
                        (tf(l, Msg::SignatureLine, &[
                            ("name", &s.printed_name),
                            ("discipline", discipline(l, &s.discipline)),
                            ("meaning", meaning(l, &s.meaning)),
                        ]))
                        " — "
                        time datetime=(iso_datetime(s.at)) { (format_datetime(l, s.at)) " UTC" }
                        " "
                        small { (t(l, Msg::SignatureHash)) " " code { (&s.sha256[..s.sha256.len().min(16)]) "…" } }
                    }
                }
            }
        }
    }
}

/// Under an item: version, "medically reviewed on", references and signatures.
pub fn record(l: Locale, view: &super::ItemView) -> Markup {
    html! {
        @if !view.references.is_empty() {
            section.references aria-labelledby="refs-title" {
                h2 #refs-title { (t(l, Msg::ItemReferences)) }
                ol {
                    @for r in &view.references {
                        li {
                            (r.label)
                            @if let Some(href) = &r.href { " " a href=(href) rel="noopener" { (href) } }
                        }
                    }
                }
            }
        }
        section.record aria-labelledby="record-title" {
            h2 #record-title { (t(l, Msg::ItemRecord)) }
            p {
                (tf(l, Msg::ItemVersion, &[("n", &view.version.to_string())]))
                @if let Some(d) = &view.reviewed_on {
                    " · " (tf(l, Msg::ItemReviewedOn, &[("date", d)]))
                }
            }
            (signatures(l, &view.signatures))
            p { a href=(view.versions_href) { (t(l, Msg::ItemVersionsLink)) } }
        }
    }
}

/// Data for [`unavailable`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unavailable {
    pub market: String,
    /// The market is the session's (not the visitor's choice).
    pub fixed: bool,
}

/// The notice where an item exists but is not available for the reader's market (or no
/// longer: expired or withdrawn). Anonymous visitors may choose another market.
pub fn unavailable(ctx: &PageContext, view: &Unavailable) -> Markup {
    let l = ctx.locale;
    page(
        ctx,
        t(l, Msg::UnavailableTitle),
        html! {
            h1 { (t(l, Msg::UnavailableTitle)) }
            p.lead { (tf(l, Msg::UnavailableText, &[("market", &view.market)])) }
            @if !view.fixed {
                form.filters method="get" action=(paths::content::LIBRARY) {
                    div.field {
                        label for="market" { (t(l, Msg::MarketLabel)) }
                        input #market name="market" value=(view.market) maxlength="4" autocomplete="off";
                    }
                    button.btn.btn--primary type="submit" { (t(l, Msg::MarketChoose)) }
                }
            }
            p { a href=(paths::content::LIBRARY) { (t(l, Msg::HomeBrowseLibrary)) } }
        },
    )
}

/// One version in the history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionRow {
    pub number: i64,
    pub at: OffsetDateTime,
    pub reason: String,
    pub sha256: String,
    /// The version readers see now.
    pub live: bool,
    pub signatures: Vec<SignatureView>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryView {
    pub title: String,
    pub slug: String,
    /// Newest first.
    pub versions: Vec<VersionRow>,
}

pub fn history(ctx: &PageContext, view: &HistoryView) -> Markup {
    let l = ctx.locale;
    let item = paths::content::item(&view.slug);
    page(
        ctx,
        t(l, Msg::HistoryTitle),
        html! {
            (breadcrumb(l, &[
                Crumb { label: t(l, Msg::NavLibrary), href: paths::content::LIBRARY },
                Crumb { label: &view.title, href: &item },
            ], t(l, Msg::HistoryTitle)))
            h1 { (t(l, Msg::HistoryTitle)) }
            ol.versions reversed {
                @for (i, v) in view.versions.iter().enumerate() {
                    li {
                        h2 {
                            (tf(l, Msg::ItemVersion, &[("n", &v.number.to_string())]))
                            @if v.live { " " span.badge { (t(l, Msg::HistoryLive)) } }
                        }
                        p {
                            time datetime=(iso_datetime(v.at)) { (format_datetime(l, v.at)) " UTC" }
                            " — " (v.reason)
                        }
                        p { small { "SHA-256 " code { (v.sha256) } } }
                        (signatures(l, &v.signatures))
                        @if let Some(prev) = view.versions.get(i + 1) {
                            p { a href=(paths::content::diff(&view.slug, prev.number, v.number)) {
                                (tf(l, Msg::HistoryCompare, &[("a", &prev.number.to_string()), ("b", &v.number.to_string())]))
                            } }
                        }
                    }
                }
            }
        },
    )
}

/// A line of a diff.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiffOp {
    Same,
    Added,
    Removed,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffLine {
    pub op: DiffOp,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffView {
    pub title: String,
    pub slug: String,
    pub from: i64,
    pub to: i64,
    pub lines: Vec<DiffLine>,
}

/// The lines of a diff: added and removed lines are marked by element (`ins`/`del`) and a
/// visible sign, not by colour alone.
pub fn diff_lines(l: Locale, lines: &[DiffLine]) -> Markup {
    html! {
        div.diff role="region" aria-label=(t(l, Msg::DiffRegion)) {
            @for line in lines {
                @match line.op {
                    DiffOp::Same => div.diff-same { span.diff-sign aria-hidden="true" { "  " } (line.text) },
                    DiffOp::Added => ins.diff-added { span.diff-sign { "+ " } span.visually-hidden { (t(l, Msg::DiffAdded)) " " } (line.text) },
                    DiffOp::Removed => del.diff-removed { span.diff-sign { "− " } span.visually-hidden { (t(l, Msg::DiffRemoved)) " " } (line.text) },
                }
            }
        }
    }
}

pub fn diff(ctx: &PageContext, view: &DiffView) -> Markup {
    let l = ctx.locale;
    let (a, b) = (view.from.to_string(), view.to.to_string());
    let title = tf(l, Msg::DiffTitle, &[("a", &a), ("b", &b)]);
    page(
        ctx,
        &title,
        html! {
            h1 { (title) }
            p { a href=(paths::content::versions(&view.slug)) { (t(l, Msg::ItemVersionsLink)) } }
            (diff_lines(l, &view.lines))
        },
    )
}
