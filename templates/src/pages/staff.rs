//! The content staff workspaces: authoring (`/author`, `/author/{id}`), the review queue and
//! review page with signing (`/review`, `/review/{id}`), and the governance dashboard
//! (`/governance`). Plain forms: everything works without JavaScript.

use maud::{Markup, html};
use time::OffsetDateTime;

use super::content::{DiffLine, SignatureView, diff_lines, signatures};
use crate::components::{ButtonKind, Field, FieldError, FieldKind, SelectOption, button, error_summary, field};
use crate::format::{format_datetime, iso_datetime};
use crate::layout::{PageContext, page};
use crate::{Locale, Msg, labels, paths, t, tf};

fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name=(paths::CSRF_FIELD) value=(token); }
}

/// A workflow state's label.
pub fn state(l: Locale, code: &str) -> &str {
    match code {
        "draft" => t(l, Msg::StateDraft),
        "in_review" => t(l, Msg::StateInReview),
        "approved" => t(l, Msg::StateApproved),
        "published" => t(l, Msg::StatePublished),
        "expired" => t(l, Msg::StateExpired),
        "withdrawn" => t(l, Msg::StateWithdrawn),
        other => other,
    }
}

/// Who holds an item in its state.
fn holder(l: Locale, state: &str) -> &str {
    match state {
        "draft" | "expired" => t(l, Msg::HolderAuthor),
        "in_review" => t(l, Msg::HolderReviewers),
        "approved" => t(l, Msg::HolderPublisher),
        _ => "—",
    }
}

/// One item in a staff list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffRow {
    pub href: String,
    pub slug: String,
    pub title: String,
    pub state: String,
    pub version: i64,
    pub days_waiting: i64,
    pub expires_on: Option<String>,
}

fn rows_table(l: Locale, rows: &[StaffRow]) -> Markup {
    html! {
        @if rows.is_empty() { p { (t(l, Msg::StaffNothing)) } } @else {
            div.table-wrap { table {
                thead { tr {
                    th scope="col" { (t(l, Msg::StaffColItem)) }
                    th scope="col" { (t(l, Msg::StaffColState)) }
                    th scope="col" { (t(l, Msg::StaffColHolder)) }
                    th scope="col" { (t(l, Msg::StaffColVersion)) }
                    th scope="col" { (t(l, Msg::StaffColWaiting)) }
                    th scope="col" { (t(l, Msg::StaffColExpires)) }
                } }
                tbody { @for r in rows { tr {
                    td { a href=(r.href) { (r.title) } br; small { code { (r.slug) } } }
                    td { (state(l, &r.state)) }
                    td { (holder(l, &r.state)) }
                    td { (r.version) }
                    td { (tf(l, Msg::StaffDays, &[("n", &r.days_waiting.to_string())])) }
                    td { (r.expires_on.as_deref().unwrap_or("—")) }
                } } }
            } }
        }
    }
}

/// What an author edits (the fields of a version, as text).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DraftForm {
    pub slug: String,
    pub family: String,
    pub language: String,
    pub content_type: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    pub area: String,
    pub audience: String,
    pub markets: String,
    pub reviewed_on: String,
    pub expires_on: String,
    /// One per line: `label | 10.xxxx/doi` or `label | PMID`.
    pub references: String,
    pub brand: String,
    pub generic: String,
    /// The version an edit is based on (its head when the form was read): a save checks it.
    pub base: String,
    /// An edit's reason, as submitted.
    pub reason: String,
}

fn draft_fields(l: Locale, f: &DraftForm, new: bool) -> Markup {
    let types: Vec<SelectOption> = labels::CONTENT_TYPES.iter().map(|c| SelectOption { value: c, label: labels::content_type(l, c) }).collect();
    let audiences = [SelectOption { value: "hcp", label: t(l, Msg::AudienceHcp) }, SelectOption { value: "public", label: t(l, Msg::AudiencePublic) }];
    html! {
        @if new {
            (field(l, &Field::new(FieldKind::Text, "slug", "slug", t(l, Msg::DraftSlug)).value(&f.slug).required().hint(t(l, Msg::DraftSlugHint))))
            (field(l, &Field::new(FieldKind::Text, "family", "family", t(l, Msg::DraftFamily)).value(&f.family).hint(t(l, Msg::DraftFamilyHint))))
            (field(l, &Field::new(FieldKind::Text, "language", "language", t(l, Msg::DraftLanguage)).value(&f.language).required()))
            (field(l, &Field::new(FieldKind::Select(&types), "type", "type", t(l, Msg::DraftType)).value(&f.content_type).required()))
        }
        (field(l, &Field::new(FieldKind::Text, "title", "title", t(l, Msg::DraftTitle)).value(&f.title).required()))
        (field(l, &Field::new(FieldKind::Textarea, "summary", "summary", t(l, Msg::DraftSummary)).value(&f.summary)))
        (field(l, &Field::new(FieldKind::Textarea, "body", "body", t(l, Msg::DraftBody)).value(&f.body).hint(t(l, Msg::DraftBodyHint))))
        (field(l, &Field::new(FieldKind::Textarea, "references", "references", t(l, Msg::DraftReferences)).value(&f.references).hint(t(l, Msg::DraftReferencesHint))))
        (field(l, &Field::new(FieldKind::Text, "area", "area", t(l, Msg::DraftArea)).value(&f.area).required()))
        (field(l, &Field::new(FieldKind::Text, "brand", "brand", t(l, Msg::DraftBrand)).value(&f.brand)))
        (field(l, &Field::new(FieldKind::Text, "generic", "generic", t(l, Msg::DraftGeneric)).value(&f.generic)))
        (field(l, &Field::new(FieldKind::Select(&audiences), "audience", "audience", t(l, Msg::DraftAudience)).value(&f.audience).required()))
        (field(l, &Field::new(FieldKind::Text, "markets", "markets", t(l, Msg::DraftMarkets)).value(&f.markets).required().hint(t(l, Msg::DraftMarketsHint))))
        (field(l, &Field::new(FieldKind::Text, "reviewed_on", "reviewed_on", t(l, Msg::DraftReviewedOn)).value(&f.reviewed_on).hint(t(l, Msg::DraftDateHint))))
        (field(l, &Field::new(FieldKind::Text, "expires_on", "expires_on", t(l, Msg::DraftExpiresOn)).value(&f.expires_on).hint(t(l, Msg::DraftDateHint))))
    }
}

fn problem(l: Locale, error: Option<&str>) -> Markup {
    html! { @if let Some(e) = error { (error_summary(l, &[FieldError { field_id: "title", message: e }])) } }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuthorListView {
    pub csrf: String,
    pub rows: Vec<StaffRow>,
    pub form: DraftForm,
    pub error: Option<String>,
}

pub fn author_list(ctx: &PageContext, v: &AuthorListView) -> Markup {
    let l = ctx.locale;
    page(ctx, t(l, Msg::AuthorTitle), html! {
        h1 { (t(l, Msg::AuthorTitle)) }
        (rows_table(l, &v.rows))
        h2 #new { (t(l, Msg::AuthorNew)) }
        (problem(l, v.error.as_deref()))
        form method="post" action=(paths::content::AUTHOR) novalidate {
            (csrf_field(&v.csrf))
            (draft_fields(l, &v.form, true))
            (button(ButtonKind::Primary, t(l, Msg::AuthorCreate)))
        }
    })
}

/// A review decision as shown in the record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewLine {
    pub version: i64,
    pub discipline: String,
    pub decision: String,
    pub reviewer: String,
    pub comment: String,
    pub at: OffsetDateTime,
}

fn decision(l: Locale, code: &str) -> &str {
    match code {
        "approve" => t(l, Msg::DecisionApprove),
        "reject" => t(l, Msg::DecisionReject),
        "request_changes" => t(l, Msg::DecisionRequestChanges),
        other => other,
    }
}

fn review_lines(l: Locale, lines: &[ReviewLine]) -> Markup {
    html! {
        @if !lines.is_empty() {
            h2 { (t(l, Msg::ReviewComments)) }
            ul.reviews { @for r in lines { li {
                (tf(l, Msg::ReviewLine, &[("version", &r.version.to_string()), ("discipline", &r.discipline), ("decision", decision(l, &r.decision)), ("reviewer", &r.reviewer)]))
                " — " time datetime=(iso_datetime(r.at)) { (format_datetime(l, r.at)) " UTC" }
                @if !r.comment.is_empty() { blockquote { (r.comment) } }
            } } }
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuthorItemView {
    pub csrf: String,
    pub id: String,
    pub slug: String,
    pub state: String,
    pub version: i64,
    pub sha256: String,
    pub form: DraftForm,
    pub can_edit: bool,
    pub can_submit: bool,
    pub can_publish: bool,
    pub can_withdraw: bool,
    pub reviews: Vec<ReviewLine>,
    pub signatures: Vec<SignatureView>,
    pub withdraw_reason: Option<String>,
    pub error: Option<String>,
    pub files: super::files::FilesPanel,
    pub series: super::placements::SeriesPanel,
}

pub fn author_item(ctx: &PageContext, v: &AuthorItemView) -> Markup {
    let l = ctx.locale;
    page(ctx, &v.form.title, html! {
        h1 { (v.form.title) }
        p.lead {
            (tf(l, Msg::StaffStateLine, &[("state", state(l, &v.state)), ("n", &v.version.to_string())]))
            " " small { "SHA-256 " code { (v.sha256) } }
        }
        @if let Some(r) = &v.withdraw_reason { p { (t(l, Msg::AuthorWithdrawnBecause)) " " (r) } }
        (signatures(l, &v.signatures))
        (review_lines(l, &v.reviews))
        @if v.can_submit {
            form method="post" action=(paths::content::author_submit(&v.id)) {
                (csrf_field(&v.csrf)) (button(ButtonKind::Primary, t(l, Msg::AuthorSubmit)))
            }
        }
        @if v.can_publish {
            form method="post" action=(paths::content::author_publish(&v.id)) {
                (csrf_field(&v.csrf)) (button(ButtonKind::Primary, t(l, Msg::AuthorPublish)))
            }
        }
        @if v.can_edit {
            h2 { (t(l, Msg::AuthorEdit)) }
            p { (t(l, Msg::AuthorEditHint)) }
            (problem(l, v.error.as_deref()))
            form method="post" action=(paths::content::author_item(&v.id)) novalidate {
                (csrf_field(&v.csrf))
                input type="hidden" name="base" value=(v.form.base);
                (draft_fields(l, &v.form, false))
                (field(l, &Field::new(FieldKind::Text, "reason", "reason", t(l, Msg::AuthorReason)).value(&v.form.reason).required()))
                (button(ButtonKind::Secondary, t(l, Msg::AuthorSave)))
            }
        }
        (super::files::author_panel(l, &v.files))
        (super::placements::panel(l, &v.series))
        @if v.can_withdraw {
            h2 { (t(l, Msg::AuthorWithdraw)) }
            form method="post" action=(paths::content::author_withdraw(&v.id)) novalidate {
                (csrf_field(&v.csrf))
                (field(l, &Field::new(FieldKind::Text, "withdraw_reason", "reason", t(l, Msg::AuthorWithdrawReason)).required()))
                (button(ButtonKind::Secondary, t(l, Msg::AuthorWithdraw)))
            }
        }
    })
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReviewQueueView {
    pub in_review: Vec<StaffRow>,
    /// Expired items waiting for re-review.
    pub expired: Vec<StaffRow>,
}

pub fn review_queue(ctx: &PageContext, v: &ReviewQueueView) -> Markup {
    let l = ctx.locale;
    page(ctx, t(l, Msg::ReviewTitle), html! {
        h1 { (t(l, Msg::ReviewTitle)) }
        (rows_table(l, &v.in_review))
        h2 { (t(l, Msg::ReviewExpired)) }
        (rows_table(l, &v.expired))
    })
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReviewPageView {
    pub csrf: String,
    pub id: String,
    pub title: String,
    pub state: String,
    pub version: i64,
    pub sha256: String,
    /// The version the diff starts from (the last approved or published one), if any.
    pub diff_from: Option<i64>,
    pub diff: Vec<DiffLine>,
    pub reviews: Vec<ReviewLine>,
    pub signatures: Vec<SignatureView>,
    /// (discipline code, step-up link) for each discipline still to sign.
    pub sign_links: Vec<(String, String)>,
    pub in_review: bool,
}

pub fn review_page(ctx: &PageContext, v: &ReviewPageView) -> Markup {
    let l = ctx.locale;
    let disciplines = [
        SelectOption { value: "medical", label: "medical" },
        SelectOption { value: "legal", label: "legal" },
        SelectOption { value: "regulatory", label: "regulatory" },
    ];
    let decisions = [
        SelectOption { value: "request_changes", label: t(l, Msg::DecisionRequestChanges) },
        SelectOption { value: "reject", label: t(l, Msg::DecisionReject) },
    ];
    page(ctx, &v.title, html! {
        h1 { (v.title) }
        p.lead {
            (tf(l, Msg::StaffStateLine, &[("state", state(l, &v.state)), ("n", &v.version.to_string())]))
            " " small { "SHA-256 " code { (v.sha256) } }
        }
        h2 { @match v.diff_from {
            Some(a) => (tf(l, Msg::DiffTitle, &[("a", &a.to_string()), ("b", &v.version.to_string())])),
            None => (t(l, Msg::ReviewFirstVersion)),
        } }
        (diff_lines(l, &v.diff))
        h2 { (t(l, Msg::ReviewSignatures)) }
        (signatures(l, &v.signatures))
        (review_lines(l, &v.reviews))
        @if v.in_review {
            h2 { (t(l, Msg::ReviewSignHeading)) }
            p { (t(l, Msg::ReviewSignText)) }
            ul { @for (d, href) in &v.sign_links { li { a.sign href=(href) { (tf(l, Msg::ReviewSignAs, &[("discipline", d)])) } } } }
            h2 { (t(l, Msg::ReviewSendBack)) }
            form method="post" action=(paths::content::review_item(&v.id)) novalidate {
                (csrf_field(&v.csrf))
                (field(l, &Field::new(FieldKind::Select(&disciplines), "discipline", "discipline", t(l, Msg::ReviewDiscipline)).required()))
                (field(l, &Field::new(FieldKind::Select(&decisions), "decision", "decision", t(l, Msg::ReviewDecision)).required()))
                (field(l, &Field::new(FieldKind::Textarea, "comment", "comment", t(l, Msg::ReviewComment)).required()))
                (button(ButtonKind::Secondary, t(l, Msg::ReviewSendBackButton)))
            }
        }
    })
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GovernanceView {
    /// (state code, number of items).
    pub counts: Vec<(String, u32)>,
    pub rows: Vec<StaffRow>,
    pub expiring: Vec<StaffRow>,
}

pub fn governance(ctx: &PageContext, v: &GovernanceView) -> Markup {
    let l = ctx.locale;
    page(ctx, t(l, Msg::GovernanceTitle), html! {
        h1 { (t(l, Msg::GovernanceTitle)) }
        dl.counts { @for (s, n) in &v.counts { div { dt { (state(l, s)) } dd.count data-state=(s) { (n) } } } }
        h2 { (t(l, Msg::GovernanceExpiring)) }
        (rows_table(l, &v.expiring))
        h2 { (t(l, Msg::GovernanceAll)) }
        (rows_table(l, &v.rows))
    })
}
