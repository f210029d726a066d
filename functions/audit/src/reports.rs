//! The compliance officers' reports: residency (categories, stores, live counts and the
//! home-region check) and the records of processing, both generated from configuration.

use http::StatusCode;
use medportal_core::policy::Action;
use medportal_core::web::{Request, RequestInfo, Response};
use medportal_core::{Ctx, Platform, Region, Result};
use medportal_templates::pages::compliance::{self as views, ActivityRow, ProcessingView, ResidencyRegion};

use crate::compliance::{self, ACTIVITIES, CATEGORIES, CONTROLLER, DPO};

pub async fn residency<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let s = medportal_auth::require(ctx, req, Action::ViewCompliance).await?;
    let reports = compliance::residency(ctx).await?;
    let regions: Vec<ResidencyRegion> = reports
        .iter()
        .map(|r| ResidencyRegion {
            code: r.region.code().to_owned(),
            name: r.region.name().to_owned(),
            rows: r.counts.iter().map(|c| (c.category.name.to_owned(), format!("{}_{}", c.category.store.prefix(), r.region.code()), c.count)).collect(),
            misplaced: r.misplaced.iter().map(|m| (m.store.clone(), m.table.to_owned(), m.home.code().to_owned())).collect(),
        })
        .collect();
    Ok(medportal_web::html(StatusCode::OK, views::residency(&medportal_web::page_context(ctx, info, "", Some(&s)), &regions)))
}

pub async fn processing<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let s = medportal_auth::require(ctx, req, Action::ViewCompliance).await?;
    let name = |code: &str| CATEGORIES.iter().find(|c| c.code == code).map_or(code, |c| c.name).to_owned();
    let view = ProcessingView {
        controller: CONTROLLER.to_owned(),
        dpo: DPO.to_owned(),
        regions: Region::all().map(|r| format!("{} ({})", r.code(), r.name())).collect::<Vec<_>>().join(", "),
        activities: ACTIVITIES
            .iter()
            .map(|a| ActivityRow {
                code: a.code.to_owned(),
                purpose: a.purpose.to_owned(),
                basis: a.basis.to_owned(),
                subjects: a.subjects.to_owned(),
                categories: a.categories.iter().map(|c| name(c)).collect(),
                recipients: a.recipients.to_owned(),
                retention: a.retention.to_owned(),
            })
            .collect(),
    };
    Ok(medportal_web::html(StatusCode::OK, views::processing(&medportal_web::page_context(ctx, info, "", Some(&s)), &view)))
}
