//! Medical inquiries: verified HCPs ask Medical Information (exactly once per form), follow
//! their inquiries and the answers; MI specialists work the queue of their region. An inquiry
//! and everything about it stays in the HCP's home region (db_eu / db_us).
//!
//! | module | owns |
//! |---|---|
//! | `model` | the typed codes (status and its rules, category, urgency, channel) |
//! | `calendar` | business days per market (weekends, holidays from `infra/holidays.txt`) |
//! | `products` | recognising a medicine: search's vocabulary as `product_names` (db_global, read only) |
//! | `inquiry` | `inquiries`, `inquiry_counters`: intake, reads, status changes |
//! | `thread` | `inquiry_messages` (question, follow-ups, answers, internal notes) |
//! | `form_keys` | `inquiry_form_keys`: exactly-once submission |
//! | `citations` | reads the library's published versions an answer cites (db_global) |
//! | `off_label` | `inquiry_off_label`: unsolicited off-label requests, product information |
//! | `faq` | FAQ drafts from answered inquiries (de-identified; the library's statements), the published FAQs |
//! | `notify` | mails the owner a link on news (never medical content) |
//! | `screening` | adverse-event and product-complaint rules (en, de) over what HCPs write |
//! | `pv` | `pv_cases`, `pv_case_follow_ups`: cases the screening opens or adds follow-ups to, due times, forwarding |
//! | `hcp`, `mi`, `pv_desk`, `faq_desk`, `views` | handlers of HCPs, specialists and PV officers; view models |

mod calendar;
mod citations;
mod entry;
mod faq;
mod faq_desk;
mod form_keys;
mod hcp;
mod inquiry;
mod mi;
mod model;
mod notify;
mod off_label;
mod products;
mod pv;
mod pv_desk;
mod screening;
mod thread;
mod views;

use medportal_core::router::{Params, Routes, RoutesBuilder};
use medportal_core::web::{Request, RequestInfo, Response};
use medportal_core::{App, Config, Ctx, Error, Function, Platform, Result, route_table};
use medportal_templates::paths::{inquiries as paths, pv as pv_paths};

use hcp::OwnerAction;
use mi::Work;

pub struct Inquiries;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Landing,
    NewForm,
    Submit,
    Thread,
    Owner(OwnerAction),
    Queue,
    Metrics,
    Workspace,
    Work(Work),
    PvCases,
    PvCase,
    PvForward,
    FaqForm,
    FaqCreate,
    Faqs,
}

impl App for Inquiries {
    type Route = Route;
    const FUNCTION: Function = Function::Inquiries;

    fn routes() -> &'static Routes<Route> {
        route_table!(
            Route,
            RoutesBuilder::new()
                .get(paths::INQUIRIES, Route::Landing)
                .get(paths::NEW, Route::NewForm)
                .post(paths::NEW, Route::Submit)
                .get(paths::THREAD, Route::Thread)
                .post(paths::FOLLOW_UP, Route::Owner(OwnerAction::FollowUp))
                .post(paths::RATING, Route::Owner(OwnerAction::Rate))
                .post(paths::CLOSE, Route::Owner(OwnerAction::Close))
                .get(paths::QUEUE, Route::Queue)
                .get(paths::METRICS, Route::Metrics)
                .get(paths::MI_INQUIRY, Route::Workspace)
                .post(paths::MI_ASSIGN, Route::Work(Work::Assign))
                .post(paths::MI_STATUS, Route::Work(Work::Status))
                .post(paths::MI_NOTE, Route::Work(Work::Note))
                .post(paths::MI_ANSWER, Route::Work(Work::Answer))
                .post(paths::MI_OFF_LABEL, Route::Work(Work::OffLabel))
                .post(paths::MI_OFF_LABEL_UNDO, Route::Work(Work::OffLabelUndo))
                .get(pv_paths::CASES, Route::PvCases)
                .get(pv_paths::CASE, Route::PvCase)
                .post(pv_paths::FORWARD, Route::PvForward)
                .get(paths::MI_FAQ, Route::FaqForm)
                .post(paths::MI_FAQ, Route::FaqCreate)
                .get(paths::FAQ, Route::Faqs)
                .build()
        )
    }

    async fn dispatch<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, route: Route, params: Params, req: Request) -> Result<Response> {
        let reference = params.get("ref").unwrap_or("");
        match route {
            Route::Landing => hcp::landing(ctx, info, &req).await,
            Route::NewForm => hcp::new_form(ctx, info, &req).await,
            Route::Submit => hcp::submit(ctx, info, &req).await,
            Route::Thread => hcp::thread(ctx, info, &req, reference).await,
            Route::Owner(what) => hcp::act(ctx, &req, reference, what).await,
            Route::Queue => mi::queue(ctx, info, &req).await,
            Route::Metrics => mi::metrics(ctx, info, &req).await,
            Route::Workspace => mi::inquiry(ctx, info, &req, reference).await,
            Route::Work(what) => mi::act(ctx, &req, reference, what).await,
            Route::PvCases => pv_desk::cases(ctx, info, &req).await,
            Route::PvCase => pv_desk::case(ctx, info, &req, params.get("id").unwrap_or("")).await,
            Route::PvForward => pv_desk::forward(ctx, &req, params.get("id").unwrap_or("")).await,
            Route::FaqForm => faq_desk::form(ctx, info, &req, reference).await,
            Route::FaqCreate => faq_desk::create(ctx, info, &req, reference).await,
            Route::Faqs => faq_desk::list(ctx, info, &req).await,
        }
    }

    fn error_page(config: &Config, info: &RequestInfo, err: &Error) -> Response {
        medportal_web::error_page(config, info, err)
    }
}

#[cfg(test)]
mod tests;
