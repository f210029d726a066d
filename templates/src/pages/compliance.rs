//! Data-protection pages (served by the audit function): a person's requests and export
//! (`/account/privacy`), and the compliance officers' data-subject requests, residency report
//! and records of processing. Plain forms and tables: everything works without JavaScript.

use maud::{Markup, html};
use time::OffsetDateTime;

use crate::components::{ButtonKind, Field, FieldError, FieldKind, NoticeKind, SelectOption, Table, button, data_table, error_summary, field, notice};
use crate::format::{format_date, iso_datetime};
use crate::layout::{PageContext, page};
use crate::{Locale, Msg, paths, t, tf};

use paths::audit as p;

fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name=(paths::CSRF_FIELD) value=(token); }
}

fn day(l: Locale, unix: i64) -> Markup {
    let at = OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    html! { time datetime=(iso_datetime(at)) { (format_date(l, at.date())) } }
}

/// The label of a request kind, status, decision, action or reason code.
pub fn label(l: Locale, code: &str) -> &str {
    let m = match code {
        "access" => Msg::DsarKindAccess,
        "rectification" => Msg::DsarKindRectification,
        "erasure" => Msg::DsarKindErasure,
        "open" => Msg::DsarStatusOpen,
        "completed" => Msg::DsarStatusCompleted,
        "refused" => Msg::DsarStatusRefused,
        "complete" => Msg::DsarDecisionComplete,
        "erase" => Msg::DsarDecisionErase,
        "refuse" => Msg::DsarDecisionRefuse,
        "deleted" => Msg::DsarActionDeleted,
        "pseudonymised" => Msg::DsarActionPseudonymised,
        "kept" => Msg::DsarActionKept,
        "pending" => Msg::DsarActionPending,
        "legal_duty_audit_trail" => Msg::DsarWhyLegalDutyAuditTrail,
        "session_revocation_until_expiry" => Msg::DsarWhySessionRevocationUntilExpiry,
        "pseudonymised_proof_of_handling" => Msg::DsarWhyPseudonymisedProofOfHandling,
        "legal_duty_pharmacovigilance" => Msg::DsarWhyLegalDutyPharmacovigilance,
        _ => return code,
    };
    t(l, m)
}

/// One line of an erasure's outcome.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutcomeRow {
    pub store: String,
    pub table: String,
    pub records: i64,
    pub action: String,
    pub reason: String,
}

/// One request, as listed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestRow {
    pub id: String,
    pub kind: String,
    pub status: String,
    pub received_at: i64,
    pub due_at: i64,
    pub overdue: bool,
    pub details: Option<String>,
    pub reason: Option<String>,
    pub outcome: Vec<OutcomeRow>,
}

fn status_cell(l: Locale, r: &RequestRow) -> Markup {
    html! {
        (label(l, &r.status))
        @if r.overdue { " " strong { (t(l, Msg::DsarOverdue)) } }
    }
}

fn requests_table(l: Locale, id: &str, caption: &str, rows: &[RequestRow], link: bool) -> Markup {
    let cells: Vec<Vec<Markup>> = rows
        .iter()
        .map(|r| {
            let kind = if link {
                html! { a href=(p::dsar_item(&r.id)) { (label(l, &r.kind)) span.visually-hidden { " " (r.id) } } }
            } else {
                html! { (label(l, &r.kind)) }
            };
            vec![kind, status_cell(l, r), day(l, r.received_at), day(l, r.due_at)]
        })
        .collect();
    let headers = [t(l, Msg::DsarKind), t(l, Msg::DsarStatus), t(l, Msg::DsarReceived), t(l, Msg::DsarDue)];
    data_table(&Table { id, caption, headers: &headers, rows: &cells, row_headers: true })
}

/// `/account/privacy`: the export link, the request form and the person's requests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PrivacyView {
    pub csrf: String,
    pub region: String,
    pub kind: String,
    pub details: String,
    /// (field id, message) of a refused form.
    pub error: Option<(&'static str, Msg)>,
    /// The due date of the request just sent.
    pub sent_due: Option<i64>,
    pub requests: Vec<RequestRow>,
}

pub fn account_privacy(ctx: &PageContext, v: &PrivacyView) -> Markup {
    let l = ctx.locale;
    let kinds = [
        SelectOption { value: "access", label: t(l, Msg::PrivacyKindAccess) },
        SelectOption { value: "rectification", label: t(l, Msg::PrivacyKindRectification) },
        SelectOption { value: "erasure", label: t(l, Msg::PrivacyKindErasure) },
    ];
    let err = |id: &str| v.error.filter(|(f, _)| *f == id).map(|(_, m)| t(l, m));
    page(
        ctx,
        t(l, Msg::PrivacyTitle),
        html! {
            h1 { (t(l, Msg::PrivacyTitle)) }
            p.lead { (tf(l, Msg::PrivacyIntro, &[("region", &v.region)])) }
            @if let Some(due) = v.sent_due {
                (notice(NoticeKind::Success, html! { (tf(l, Msg::PrivacySent, &[("due", &format_date(l, OffsetDateTime::from_unix_timestamp(due).unwrap_or(OffsetDateTime::UNIX_EPOCH).date()))])) }))
            }
            section {
                h2 { (t(l, Msg::PrivacyExportHeading)) }
                p { (t(l, Msg::PrivacyExportText)) }
                p { a href=(p::ACCOUNT_PRIVACY_EXPORT) download="medportal-my-data.json" { (t(l, Msg::PrivacyExportLink)) } }
            }
            section {
                h2 { (t(l, Msg::PrivacyRequestHeading)) }
                @if let Some((id, m)) = v.error {
                    (error_summary(l, &[FieldError { field_id: id, message: t(l, m) }]))
                }
                form method="post" action=(p::ACCOUNT_PRIVACY) novalidate {
                    (csrf_field(&v.csrf))
                    (field(l, &Field::new(FieldKind::Select(&kinds), "kind", "kind", t(l, Msg::PrivacyKind)).value(&v.kind).required().error(err("kind"))))
                    (field(l, &Field::new(FieldKind::Textarea, "details", "details", t(l, Msg::PrivacyDetails)).value(&v.details).hint(t(l, Msg::PrivacyDetailsHint)).error(err("details"))))
                    p { (t(l, Msg::PrivacyErasureNote)) }
                    (button(ButtonKind::Primary, t(l, Msg::PrivacySubmit)))
                }
            }
            section {
                h2 { (t(l, Msg::PrivacyMineHeading)) }
                @if v.requests.is_empty() {
                    p { (t(l, Msg::PrivacyNone)) }
                } @else {
                    (requests_table(l, "my-requests", t(l, Msg::PrivacyMineHeading), &v.requests, false))
                }
            }
        },
    )
}

/// `/compliance/dsar`: the region's requests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DsarQueueView {
    pub region: String,
    pub rows: Vec<RequestRow>,
}

pub fn dsar_queue(ctx: &PageContext, v: &DsarQueueView) -> Markup {
    let l = ctx.locale;
    page(
        ctx,
        t(l, Msg::DsarTitle),
        html! {
            h1 { (t(l, Msg::DsarTitle)) }
            p.lead { (tf(l, Msg::DsarIntro, &[("region", &v.region)])) }
            @if v.rows.is_empty() {
                p { (t(l, Msg::DsarEmpty)) }
            } @else {
                (requests_table(l, "requests", &tf(l, Msg::DsarCaption, &[("region", &v.region)]), &v.rows, true))
            }
        },
    )
}

/// `/compliance/dsar/{id}`: one request, the export, the decisions (each through the second
/// factor) and, once decided, what was done.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DsarItemView {
    pub row: RequestRow,
    pub subject: String,
    /// (decision code, step-up link)
    pub decisions: Vec<(String, String)>,
}

pub fn dsar_item(ctx: &PageContext, v: &DsarItemView) -> Markup {
    let l = ctx.locale;
    let r = &v.row;
    let title = tf(l, Msg::DsarItemTitle, &[("id", &r.id)]);
    page(
        ctx,
        &title,
        html! {
            h1 { (title) }
            dl {
                dt { (t(l, Msg::DsarKind)) } dd { (label(l, &r.kind)) }
                dt { (t(l, Msg::DsarStatus)) } dd { (status_cell(l, r)) }
                dt { (t(l, Msg::DsarReceived)) } dd { (day(l, r.received_at)) }
                dt { (t(l, Msg::DsarDue)) } dd { (day(l, r.due_at)) }
                dt { (t(l, Msg::DsarSubject)) } dd { code { (v.subject) } }
                @if let Some(d) = &r.details { dt { (t(l, Msg::DsarDetails)) } dd { (d) } }
                @if let Some(reason) = &r.reason { dt { (t(l, Msg::DsarReason)) } dd { (reason) } }
            }
            @if r.status == "open" {
                p { a href=(p::dsar_export(&r.id)) download { (t(l, Msg::DsarExportLink)) } }
                section {
                    h2 { (t(l, Msg::DsarDecideHeading)) }
                    p { (t(l, Msg::DsarDecideText)) }
                    ul { @for (code, href) in &v.decisions { li { a href=(href) { (label(l, code)) } } } }
                }
            }
            @if !r.outcome.is_empty() {
                section {
                    h2 { (t(l, Msg::DsarOutcomeHeading)) }
                    (outcome_table(l, &r.outcome))
                }
            }
        },
    )
}

fn outcome_table(l: Locale, rows: &[OutcomeRow]) -> Markup {
    let cells: Vec<Vec<Markup>> = rows
        .iter()
        .map(|o| vec![html! { (o.store) }, html! { code { (o.table) } }, html! { (o.records) }, html! { (label(l, &o.action)) }, html! { @if !o.reason.is_empty() { (label(l, &o.reason)) } }])
        .collect();
    let headers = [t(l, Msg::DsarStore), t(l, Msg::DsarTable), t(l, Msg::DsarRecords), t(l, Msg::DsarAction), t(l, Msg::DsarWhy)];
    data_table(&Table { id: "outcome", caption: t(l, Msg::DsarOutcomeCaption), headers: &headers, rows: &cells, row_headers: false })
}

/// One region of the residency report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResidencyRegion {
    pub code: String,
    pub name: String,
    /// (category, store, live count)
    pub rows: Vec<(String, String, i64)>,
    /// (store, table or prefix, home region) of each misplaced record group
    pub misplaced: Vec<(String, String, String)>,
}

pub fn residency(ctx: &PageContext, regions: &[ResidencyRegion]) -> Markup {
    let l = ctx.locale;
    page(
        ctx,
        t(l, Msg::ResidencyTitle),
        html! {
            h1 { (t(l, Msg::ResidencyTitle)) }
            p.lead { (t(l, Msg::ResidencyIntro)) }
            @for r in regions {
                section {
                    h2 { (tf(l, Msg::ResidencyRegionHeading, &[("region", &r.code), ("name", &r.name)])) }
                    @let cells: Vec<Vec<Markup>> = r.rows.iter().map(|(c, s, n)| vec![html! { (c) }, html! { code { (s) } }, html! { (n) }]).collect();
                    @let headers = [t(l, Msg::ResidencyCategory), t(l, Msg::ResidencyStore), t(l, Msg::ResidencyCount)];
                    (data_table(&Table { id: &format!("residency-{}", r.code), caption: &tf(l, Msg::ResidencyCaption, &[("region", &r.code)]), headers: &headers, rows: &cells, row_headers: true }))
                    @if r.misplaced.is_empty() {
                        (notice(NoticeKind::Success, t(l, Msg::ResidencyOk)))
                    } @else {
                        (notice(NoticeKind::Error, html! {
                            p { (tf(l, Msg::ResidencyMisplaced, &[("count", &r.misplaced.len().to_string())])) }
                            ul { @for (s, tb, h) in &r.misplaced { li { (tf(l, Msg::ResidencyMisplacedItem, &[("store", s), ("table", tb), ("home", h)])) } } }
                        }))
                    }
                }
            }
        },
    )
}

/// One processing activity (Art. 30).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActivityRow {
    /// The activity's code (the section's fragment id).
    pub code: String,
    pub purpose: String,
    pub basis: String,
    pub subjects: String,
    pub categories: Vec<String>,
    pub recipients: String,
    pub retention: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProcessingView {
    pub controller: String,
    pub dpo: String,
    pub regions: String,
    pub activities: Vec<ActivityRow>,
}

pub fn processing(ctx: &PageContext, v: &ProcessingView) -> Markup {
    let l = ctx.locale;
    page(
        ctx,
        t(l, Msg::ProcessingTitle),
        html! {
            h1 { (t(l, Msg::ProcessingTitle)) }
            p.lead { (tf(l, Msg::ProcessingIntro, &[("controller", &v.controller), ("dpo", &v.dpo)])) }
            p { (tf(l, Msg::ProcessingRegions, &[("regions", &v.regions)])) }
            @for (i, a) in v.activities.iter().enumerate() {
                section id=(a.code) {
                    h2 { (a.purpose) }
                    dl aria-label=(tf(l, Msg::ProcessingCaption, &[("n", &(i + 1).to_string())])) {
                        dt { (t(l, Msg::ProcessingPurpose)) } dd { (a.purpose) }
                        dt { (t(l, Msg::ProcessingBasis)) } dd { (a.basis) }
                        dt { (t(l, Msg::ProcessingSubjects)) } dd { (a.subjects) }
                        dt { (t(l, Msg::ProcessingCategories)) } dd { ul { @for c in &a.categories { li { (c) } } } }
                        dt { (t(l, Msg::ProcessingRecipients)) } dd { (a.recipients) }
                        dt { (t(l, Msg::ProcessingRetention)) } dd { (a.retention) }
                    }
                }
            }
        },
    )
}
