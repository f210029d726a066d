//! View rows of the privacy pages, from the repository's types (a leaf module).

use medportal_templates::pages::compliance::{OutcomeRow, RequestRow};

use crate::requests::{Request, Status};

#[derive(serde::Deserialize)]
struct Done {
    store: String,
    table: String,
    records: i64,
    action: String,
    reason: String,
}

pub fn row(r: &Request, now: i64) -> RequestRow {
    let outcome: Vec<Done> = r.outcome.as_deref().and_then(|o| serde_json::from_str(o).ok()).unwrap_or_default();
    RequestRow {
        id: r.id.clone(),
        kind: r.kind.code().to_owned(),
        status: r.status.code().to_owned(),
        received_at: r.received_at,
        due_at: r.due_at,
        overdue: r.status == Status::Open && r.due_at < now,
        details: r.details.clone(),
        reason: r.reason.clone(),
        outcome: outcome.into_iter().map(|d| OutcomeRow { store: d.store, table: d.table, records: d.records, action: d.action, reason: d.reason }).collect(),
    }
}
