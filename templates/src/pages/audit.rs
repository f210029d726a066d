//! The audit viewer (`/audit`): a compliance officer's filtered list of one log's entries, each
//! linking to its detail with the inclusion proof, and the export link for the range shown.
//! A GET form: works without JavaScript.

use maud::{Markup, html};

use crate::components::{ButtonKind, Field, FieldKind, SelectOption, Table, button, data_table, field};
use crate::layout::{PageContext, page};
use crate::{Msg, paths, t};

/// One listed entry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditRow {
    pub seq: u64,
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub time: String,
    pub actor: String,
    pub role: String,
    pub action: String,
    pub object: String,
    /// `success` or `failure`.
    pub outcome: String,
    pub reason: String,
}

/// The viewer's filters (as submitted) and the entries they select.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditView {
    /// The log's code: `eu`, `us` or `global`.
    pub db: String,
    pub dbs: Vec<String>,
    pub person: String,
    pub object: String,
    pub action: String,
    pub since: String,
    pub until: String,
    pub rows: Vec<AuditRow>,
    /// The log's size and its latest signed checkpoint's size.
    pub size: u64,
    pub signed: u64,
}

pub fn audit_viewer(ctx: &PageContext, v: &AuditView) -> Markup {
    let l = ctx.locale;
    let options: Vec<SelectOption<'_>> = v.dbs.iter().map(|d| SelectOption { value: d, label: d }).collect();
    let headers = [
        t(l, Msg::AuditColSeq),
        t(l, Msg::AuditColTime),
        t(l, Msg::AuditColActor),
        t(l, Msg::AuditColAction),
        t(l, Msg::AuditColObject),
        t(l, Msg::AuditColOutcome),
        t(l, Msg::AuditColReason),
    ];
    let rows: Vec<Vec<Markup>> = v
        .rows
        .iter()
        .map(|r| {
            let outcome = if r.outcome == "success" { t(l, Msg::AuditOutcomeSuccess) } else { t(l, Msg::AuditOutcomeFailure) };
            vec![
                html! { a href=(paths::audit::entry(&v.db, r.seq)) { (r.seq) } },
                html! { time datetime=(r.time) { (r.time) } },
                html! { (r.actor) " (" (r.role) ")" },
                html! { (r.action) },
                html! { (r.object) },
                html! { (outcome) },
                html! { (r.reason) },
            ]
        })
        .collect();
    let export = format!("{}?{}={}", paths::audit::EXPORT, paths::audit::DB_PARAM, v.db);
    page(
        ctx,
        t(l, Msg::AuditViewerTitle),
        html! {
            h1 { (t(l, Msg::AuditViewerTitle)) }
            p { (t(l, Msg::AuditViewerIntro)) }
            form method="get" action=(paths::audit::VIEWER) {
                (field(l, &Field::new(FieldKind::Select(&options), "audit-db", paths::audit::DB_PARAM, t(l, Msg::AuditFilterDb)).value(&v.db)))
                (field(l, &Field::new(FieldKind::Text, "audit-person", paths::audit::PERSON_PARAM, t(l, Msg::AuditFilterPerson)).value(&v.person)))
                (field(l, &Field::new(FieldKind::Text, "audit-object", paths::audit::OBJECT_PARAM, t(l, Msg::AuditFilterObject)).value(&v.object)))
                (field(l, &Field::new(FieldKind::Text, "audit-action", paths::audit::ACTION_PARAM, t(l, Msg::AuditFilterAction)).value(&v.action)))
                (field(l, &Field::new(FieldKind::Text, "audit-since", paths::audit::SINCE_PARAM, t(l, Msg::AuditFilterSince)).value(&v.since).hint(t(l, Msg::AuditFilterTimeHint))))
                (field(l, &Field::new(FieldKind::Text, "audit-until", paths::audit::UNTIL_PARAM, t(l, Msg::AuditFilterUntil)).value(&v.until).hint(t(l, Msg::AuditFilterTimeHint))))
                (button(ButtonKind::Primary, t(l, Msg::AuditFilterSubmit)))
            }
            p { (t(l, Msg::AuditViewerSize)) " " (v.size) ". " (t(l, Msg::AuditViewerSigned)) " " (v.signed) "." }
            p { a href=(export) { (t(l, Msg::AuditExportLink)) } " · " a href=(paths::audit::CHECKPOINTS) { (t(l, Msg::AuditCheckpointsLink)) } " · " a href=(paths::audit::KEYS) { (t(l, Msg::AuditKeysLink)) } }
            @if v.rows.is_empty() {
                p { (t(l, Msg::AuditViewerEmpty)) }
            } @else {
                (data_table(&Table { id: "audit-entries", caption: t(l, Msg::AuditViewerCaption), headers: &headers, rows: &rows, row_headers: true }))
            }
        },
    )
}

/// One personal value of an entry: its name, its commitment, and the value while the
/// person's secret exists (`None`: erased).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PersonalValue {
    pub name: String,
    pub commitment: String,
    pub value: Option<String>,
}

/// One entry with its inclusion proof (`/audit/entries/{db}/{seq}`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EntryView {
    pub db: String,
    pub row: AuditRow,
    pub version: String,
    pub meaning: String,
    /// Hex of the keyed origin hash, empty when none.
    pub origin: String,
    pub subject: String,
    pub personal: Vec<PersonalValue>,
    /// The leaf hash (hex), the checkpoint's size, the proof's hashes (hex) and whether they
    /// lead to the checkpoint's root; `None`: no signed checkpoint covers the entry yet.
    pub proof: Option<(String, u64, Vec<String>, bool)>,
    /// The signed checkpoint note the proof is against.
    pub checkpoint: String,
}

pub fn audit_entry(ctx: &PageContext, v: &EntryView) -> Markup {
    let l = ctx.locale;
    let r = &v.row;
    let outcome = if r.outcome == "success" { t(l, Msg::AuditOutcomeSuccess) } else { t(l, Msg::AuditOutcomeFailure) };
    let export = format!("{}?{}={}", paths::audit::EXPORT, paths::audit::DB_PARAM, v.db);
    let opt = |s: &str| if s.is_empty() { "–".to_string() } else { s.to_string() };
    page(
        ctx,
        t(l, Msg::AuditEntryTitle),
        html! {
            h1 { (t(l, Msg::AuditEntryTitle)) " " code { "db_" (v.db) } " " (r.seq) }
            p { a href=(format!("{}?{}={}", paths::audit::VIEWER, paths::audit::DB_PARAM, v.db)) { (t(l, Msg::AuditViewerTitle)) } }
            dl.summary {
                dt { (t(l, Msg::AuditColSeq)) } dd { (r.seq) }
                dt { (t(l, Msg::AuditColTime)) } dd { time datetime=(r.time) { (r.time) } }
                dt { (t(l, Msg::AuditColActor)) } dd { (r.actor) " (" (r.role) ")" }
                dt { (t(l, Msg::AuditColAction)) } dd { (r.action) }
                dt { (t(l, Msg::AuditColObject)) } dd { (opt(&r.object)) }
                dt { (t(l, Msg::StaffColVersion)) } dd { (opt(&v.version)) }
                dt { (t(l, Msg::AuditColOutcome)) } dd { (outcome) }
                dt { (t(l, Msg::AuditColReason)) } dd { (opt(&r.reason)) }
                dt { (t(l, Msg::AuditEntryMeaning)) } dd { (opt(&v.meaning)) }
                dt { (t(l, Msg::AuditEntryOrigin)) } dd { code { (opt(&v.origin)) } }
                dt { (t(l, Msg::AuditEntrySubject)) } dd { (opt(&v.subject)) }
            }
            @if !v.personal.is_empty() {
                h2 { (t(l, Msg::AuditEntryPersonal)) }
                dl.summary {
                    @for p in &v.personal {
                        dt { (p.name) }
                        dd.personal {
                            @match &p.value { Some(value) => { (value) }, None => { em { (t(l, Msg::AuditEntryErased)) } } }
                            br; code { (p.commitment) }
                        }
                    }
                }
            }
            h2 { (t(l, Msg::AuditEntryProof)) }
            @match &v.proof {
                None => { p { (t(l, Msg::AuditEntryUnsigned)) } },
                Some((leaf, size, hashes, ok)) => {
                    p.proof-verdict { strong { (if *ok { t(l, Msg::AuditEntryProofOk) } else { t(l, Msg::AuditEntryProofBad) }) } }
                    dl.summary {
                        dt { (t(l, Msg::AuditEntryLeaf)) } dd { code { (leaf) } }
                        dt { (t(l, Msg::AuditEntrySize)) } dd { (size) }
                    }
                    ol.proof { @for h in hashes { li { code { (h) } } } }
                    pre.checkpoint { (v.checkpoint) }
                }
            }
            h2 { (t(l, Msg::AuditEntryVerify)) }
            pre { code { "cargo run -p medportal-audit-verify -- --keys keys.txt db_" (v.db) ".jsonl" } }
            p { a href=(export) { (t(l, Msg::AuditExportLink)) } " · " a href=(paths::audit::KEYS) { (t(l, Msg::AuditKeysLink)) } " · " a href=(paths::audit::CHECKPOINTS) { (t(l, Msg::AuditCheckpointsLink)) } }
        },
    )
}
