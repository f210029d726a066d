//! Medical inquiries: the HCP's form, confirmation, "My inquiries" and thread (with the
//! answer as a printable response letter), and the specialists' queue and workspace. Plain
//! forms: everything works without JavaScript.

use maud::{Markup, html};
use time::OffsetDateTime;

use crate::components::{ButtonKind, Field, FieldError, FieldKind, NoticeKind, SelectOption, button, button_with_value, error_summary, field, link_button, notice};
use crate::format::{format_datetime, iso_datetime};
use crate::layout::{PageContext, page};
use crate::{Locale, Msg, paths, t, tf};

use paths::inquiries as p;

fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name=(paths::CSRF_FIELD) value=(token); }
}

fn when(l: Locale, at: OffsetDateTime) -> Markup {
    html! { time datetime=(iso_datetime(at)) { (format_datetime(l, at)) } }
}

/// The label of a status, category, urgency or channel code.
pub fn label(l: Locale, code: &str) -> &str {
    let m = match code {
        "received" => Msg::InqStatusReceived,
        "triaged" => Msg::InqStatusTriaged,
        "in_progress" => Msg::InqStatusInProgress,
        "answered" => Msg::InqStatusAnswered,
        "closed" => Msg::InqStatusClosed,
        "referred" => Msg::InqStatusReferred,
        "efficacy" => Msg::InqCatEfficacy,
        "safety" => Msg::InqCatSafety,
        "dosing" => Msg::InqCatDosing,
        "interactions" => Msg::InqCatInteractions,
        "availability" => Msg::InqCatAvailability,
        "other" => Msg::InqCatOther,
        "urgent" => Msg::InqUrgUrgent,
        "routine" => Msg::InqUrgRoutine,
        "low" => Msg::InqUrgLow,
        "portal" => Msg::InqChanPortal,
        "email" => Msg::InqChanEmail,
        "phone" => Msg::InqChanPhone,
        "letter" => Msg::InqChanLetter,
        "adverse_event" => Msg::InqPvKindAdverseEvent,
        "product_complaint" => Msg::InqPvKindProductComplaint,
        "open" => Msg::InqPvStatusOpen,
        "forwarded" => Msg::InqPvStatusForwarded,
        "event" => Msg::InqPvRuleEvent,
        "patient" => Msg::InqPvRulePatient,
        "occurrence" => Msg::InqPvRuleOccurrence,
        "defect" => Msg::InqPvRuleDefect,
        "item" => Msg::InqPvRuleItem,
        "product" => Msg::InqPvRuleProduct,
        _ => return "—",
    };
    t(l, m)
}

fn error_text(l: Locale, code: &str) -> &str {
    t(
        l,
        match code {
            "question_missing" => Msg::InqErrQuestion,
            "question_too_long" => Msg::InqErrQuestionLong,
            "product_missing" => Msg::InqErrProduct,
            "product_unknown" => Msg::InqErrProductUnknown,
            "category_missing" => Msg::InqErrCategory,
            "urgency_missing" => Msg::InqErrUrgency,
            "channel_missing" => Msg::InqErrChannel,
            "patient_too_long" => Msg::InqErrPatientLong,
            _ => Msg::InqErrAcknowledge,
        },
    )
}

/// The inquiry form, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormView {
    pub csrf: String,
    /// The form's idempotency key (hidden field).
    pub key: String,
    pub question: String,
    pub product: String,
    pub category: String,
    pub urgency: String,
    pub channel: String,
    pub patient_context: String,
    pub acknowledged: bool,
    /// (field, error code)
    pub errors: Vec<(String, String)>,
}

const CATEGORIES: [&str; 6] = ["efficacy", "safety", "dosing", "interactions", "availability", "other"];
const URGENCIES: [&str; 3] = ["routine", "urgent", "low"];
const CHANNELS: [&str; 4] = ["portal", "email", "phone", "letter"];

pub fn inquiry_form(ctx: &PageContext, v: &FormView) -> Markup {
    let l = ctx.locale;
    let err = |f: &str| v.errors.iter().find(|(name, _)| name == f).map(|(_, c)| error_text(l, c));
    let opts = |codes: &[&'static str]| -> Vec<SelectOption<'static>> { codes.iter().map(|c| SelectOption { value: c, label: label(l, c) }).collect() };
    let (cats, urgs, chans) = (opts(&CATEGORIES), opts(&URGENCIES), opts(&CHANNELS));
    let summary: Vec<FieldError> = v.errors.iter().map(|(f, c)| FieldError { field_id: f, message: error_text(l, c) }).collect();
    let title = if v.errors.is_empty() { t(l, Msg::InqNewTitle).to_owned() } else { format!("{}: {}", t(l, Msg::FormErrorSummaryTitle), t(l, Msg::InqNewTitle)) };
    page(
        ctx,
        &title,
        html! {
            h1 { (t(l, Msg::InqNewTitle)) }
            (error_summary(l, &summary))
            p.lead { (t(l, Msg::InqNewIntro)) }
            (notice(NoticeKind::Warning, html! { p { (t(l, Msg::InquiriesAeText)) " " a href=(paths::content::AE_REPORTING) { (t(l, Msg::AeReportLink)) } } }))
            form method="post" action=(p::NEW) novalidate {
                (csrf_field(&v.csrf))
                input type="hidden" name="key" value=(v.key);
                (field(l, &Field::new(FieldKind::Textarea, "question", "question", t(l, Msg::InqFieldQuestion)).value(&v.question).required().error(err("question"))))
                (field(l, &Field::new(FieldKind::Text, "product", "product", t(l, Msg::InqFieldProduct)).value(&v.product).hint(t(l, Msg::InqFieldProductHint)).required().error(err("product"))))
                (field(l, &Field::new(FieldKind::Select(&cats), "category", "category", t(l, Msg::InqFieldCategory)).value(&v.category).required().error(err("category"))))
                (field(l, &Field::new(FieldKind::Select(&urgs), "urgency", "urgency", t(l, Msg::InqFieldUrgency)).value(&v.urgency).hint(t(l, Msg::InqFieldUrgencyHint)).required().error(err("urgency"))))
                (field(l, &Field::new(FieldKind::Select(&chans), "channel", "channel", t(l, Msg::InqFieldChannel)).value(&v.channel).required().error(err("channel"))))
                details open[!v.patient_context.is_empty() || err("patient_context").is_some()] {
                    summary { (t(l, Msg::InqPatientSummary)) }
                    (notice(NoticeKind::Warning, html! { p { strong { (t(l, Msg::InqPatientWarning)) } } }))
                    (field(l, &Field::new(FieldKind::Textarea, "patient_context", "patient_context", t(l, Msg::InqFieldPatient)).value(&v.patient_context).error(err("patient_context"))))
                }
                (field(l, &Field::new(FieldKind::Checkbox, "acknowledged", "acknowledged", t(l, Msg::InqFieldAcknowledge)).checked(v.acknowledged).required().error(err("acknowledged"))))
                (button(ButtonKind::Primary, t(l, Msg::InqSubmit)))
            }
        },
    )
}

/// After a submission (the same page for a repeated one).
pub fn confirmation(ctx: &PageContext, reference: &str, due: OffsetDateTime) -> Markup {
    let l = ctx.locale;
    page(
        ctx,
        t(l, Msg::InqConfirmTitle),
        html! {
            h1 { (t(l, Msg::InqConfirmTitle)) }
            (notice(NoticeKind::Success, html! { p { (t(l, Msg::InqConfirmReference)) " " strong.reference { (reference) } } }))
            p { (t(l, Msg::InqExpected)) " " (when(l, due)) }
            p { (link_button(ButtonKind::Primary, &p::thread(reference), t(l, Msg::InqConfirmFollow))) }
        },
    )
}

/// One inquiry in a list (mine or the queue).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub reference: String,
    pub href: String,
    pub status: String,
    pub product: String,
    pub category: String,
    pub urgency: String,
    pub received: OffsetDateTime,
    pub due: OffsetDateTime,
    pub overdue: bool,
    pub assignee: Option<String>,
    /// The inquiry's market (its business days count).
    pub market: String,
}

fn rows_table(l: Locale, rows: &[Row], staff: bool) -> Markup {
    html! {
        @if rows.is_empty() { p { (t(l, Msg::InqNone)) } } @else {
            div.table-wrap { table {
                thead { tr {
                    th scope="col" { (t(l, Msg::InqColReference)) }
                    th scope="col" { (t(l, Msg::InqColStatus)) }
                    th scope="col" { (t(l, Msg::InqFieldProduct)) }
                    th scope="col" { (t(l, Msg::InqFieldCategory)) }
                    @if staff { th scope="col" { (t(l, Msg::InqFieldUrgency)) } th scope="col" { (t(l, Msg::InqColMarket)) } th scope="col" { (t(l, Msg::InqColAssignee)) } }
                    th scope="col" { (t(l, Msg::InqColReceived)) }
                    th scope="col" { (t(l, Msg::InqColDue)) }
                } }
                tbody { @for r in rows { tr {
                    td { a href=(r.href) { (r.reference) } }
                    td { (label(l, &r.status)) }
                    td { (r.product) }
                    td { (label(l, &r.category)) }
                    @if staff { td { (label(l, &r.urgency)) } td { (r.market) } td { (r.assignee.as_deref().unwrap_or("—")) } }
                    td { (when(l, r.received)) }
                    td { (when(l, r.due)) @if r.overdue { " " strong { (t(l, Msg::InqOverdue)) } } }
                } } }
            } }
        }
    }
}

/// "My inquiries".
pub fn mine(ctx: &PageContext, rows: &[Row]) -> Markup {
    let l = ctx.locale;
    page(
        ctx,
        t(l, Msg::InqMineTitle),
        html! {
            h1 { (t(l, Msg::InqMineTitle)) }
            p { (link_button(ButtonKind::Primary, p::NEW, t(l, Msg::InqNewTitle))) }
            (rows_table(l, rows, false))
            p { a href=(paths::content::AE_REPORTING) { (t(l, Msg::AeReportLink)) } }
        },
    )
}

/// A cited library version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CitationView {
    pub slug: String,
    pub version: i64,
    pub sha256: String,
    pub title: String,
}

/// One message of a thread.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageView {
    /// `question`, `follow_up`, `answer` or `note`.
    pub kind: String,
    pub author: String,
    pub body: String,
    pub citations: Vec<CitationView>,
    pub at: OffsetDateTime,
}

/// An inquiry with its thread.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThreadView {
    pub csrf: String,
    pub reference: String,
    pub status: String,
    pub product: String,
    pub category: String,
    pub urgency: String,
    pub channel: String,
    pub patient_context: Option<String>,
    pub received: OffsetDateTime,
    pub due: OffsetDateTime,
    pub messages: Vec<MessageView>,
    pub rating: i64,
    pub may_follow_up: bool,
    pub may_rate: bool,
    pub may_close: bool,
    /// Set when a specialist marked the inquiry an unsolicited off-label request.
    pub off_label: Option<OffLabelView>,
}

/// What every response letter of an off-label inquiry carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OffLabelView {
    pub use_asked: String,
    /// The approved indications and important safety information (configuration), if known.
    pub information: Option<(String, String)>,
}

fn off_label_block(l: Locale, o: &OffLabelView) -> Markup {
    html! {
        section.off-label {
            p { strong { (tf(l, Msg::InqOffLabelStatement, &[("use", &o.use_asked)])) } }
            @if let Some((indications, safety)) = &o.information {
                h4 { (t(l, Msg::InqOffLabelIndications)) } p { (indications) }
                h4 { (t(l, Msg::InqOffLabelSafety)) } p { (safety) }
            } @else {
                p { (t(l, Msg::InqOffLabelSeePi)) }
            }
        }
    }
}

fn paragraphs(text: &str) -> Markup {
    html! { @for para in text.split("\n\n").filter(|p| !p.trim().is_empty()) { p { (para.trim()) } } }
}

fn letter(l: Locale, reference: &str, m: &MessageView, off_label: Option<&OffLabelView>) -> Markup {
    html! {
        article.letter aria-labelledby={ "letter-" (m.at.unix_timestamp()) } {
            h3 id={ "letter-" (m.at.unix_timestamp()) } { (t(l, Msg::InqLetterTitle)) }
            p { (t(l, Msg::InqColReference)) ": " (reference) ", " (when(l, m.at)) }
            (paragraphs(&m.body))
            @if let Some(o) = off_label { (off_label_block(l, o)) }
            @if !m.citations.is_empty() {
                h4 { (t(l, Msg::InqLetterReferences)) }
                ol { @for c in &m.citations { li {
                    a href=(paths::content::item(&c.slug)) { (c.title) } " — "
                    (tf(l, Msg::InqLetterVersion, &[("n", &c.version.to_string()), ("sha", c.sha256.get(..12).unwrap_or(&c.sha256))]))
                } } }
            }
            p.disclaimer { small { (t(l, Msg::InqLetterDisclaimer)) } }
        }
    }
}

fn message(l: Locale, reference: &str, m: &MessageView, off_label: Option<&OffLabelView>) -> Markup {
    let heading = match m.kind.as_str() {
        "question" => Msg::InqMsgQuestion,
        "follow_up" => Msg::InqMsgFollowUp,
        "note" => Msg::InqMsgNote,
        _ => return letter(l, reference, m, off_label),
    };
    html! {
        section.message {
            h3 { (t(l, heading)) }
            p.hint { (when(l, m.at)) @if m.kind == "note" { " · " (m.author) } }
            (paragraphs(&m.body))
        }
    }
}

fn details(l: Locale, v: &ThreadView) -> Markup {
    html! {
        dl {
            dt { (t(l, Msg::InqColStatus)) } dd { (label(l, &v.status)) }
            dt { (t(l, Msg::InqFieldProduct)) } dd { (v.product) }
            dt { (t(l, Msg::InqFieldCategory)) } dd { (label(l, &v.category)) }
            dt { (t(l, Msg::InqFieldUrgency)) } dd { (label(l, &v.urgency)) }
            dt { (t(l, Msg::InqFieldChannel)) } dd { (label(l, &v.channel)) }
            dt { (t(l, Msg::InqColReceived)) } dd { (when(l, v.received)) }
            dt { (t(l, Msg::InqExpected)) } dd { (when(l, v.due)) }
            @if let Some(pc) = &v.patient_context { dt { (t(l, Msg::InqFieldPatient)) } dd { (pc) } }
        }
    }
}

/// The HCP's thread: details, messages (answers as response letters), follow-up, rating,
/// closing.
pub fn thread(ctx: &PageContext, v: &ThreadView) -> Markup {
    let l = ctx.locale;
    page(
        ctx,
        &v.reference,
        html! {
            h1 { (t(l, Msg::InqThreadTitle)) " " (v.reference) }
            (details(l, v))
            @for m in &v.messages { (message(l, &v.reference, m, v.off_label.as_ref())) }
            @if v.may_follow_up {
                form method="post" action=(p::follow_up(&v.reference)) {
                    (csrf_field(&v.csrf))
                    (field(l, &Field::new(FieldKind::Textarea, "body", "body", t(l, Msg::InqFollowUpLabel)).required()))
                    (button(ButtonKind::Primary, t(l, Msg::InqFollowUpSend)))
                }
            }
            @if v.may_rate {
                form method="post" action=(p::rating(&v.reference)) {
                    (csrf_field(&v.csrf))
                    fieldset {
                        legend { (t(l, Msg::InqRatingLegend)) }
                        @for n in 1..=5_i64 {
                            div.field--checkbox {
                                input type="radio" name="rating" id={ "rating-" (n) } value=(n) checked[v.rating == n];
                                label for={ "rating-" (n) } { (n) }
                            }
                        }
                    }
                    (button(ButtonKind::Secondary, t(l, Msg::InqRatingSend)))
                }
            }
            @if v.may_close {
                form method="post" action=(p::close(&v.reference)) {
                    (csrf_field(&v.csrf))
                    (button(ButtonKind::Secondary, t(l, Msg::InqClose)))
                }
            }
            p { a href=(p::INQUIRIES) { (t(l, Msg::InqMineTitle)) } }
        },
    )
}

/// The specialists' queue, due first.
pub fn queue(ctx: &PageContext, rows: &[Row]) -> Markup {
    let l = ctx.locale;
    page(
        ctx,
        t(l, Msg::InqQueueTitle),
        html! {
            h1 { (t(l, Msg::InqQueueTitle)) }
            p.lead { (t(l, Msg::InqQueueIntro)) }
            p { a href=(p::METRICS) { (t(l, Msg::InqMetricsTitle)) } }
            (rows_table(l, rows, true))
        },
    )
}

/// The specialist's view of one inquiry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkView {
    pub thread: ThreadView,
    pub assignee: Option<String>,
    pub mine: bool,
    /// Status codes the inquiry may move to from here (triaged, in_progress, referred, closed).
    pub moves: Vec<&'static str>,
    pub open: bool,
    /// The PV cases the screening opened on this inquiry.
    pub flags: Vec<FlagView>,
    /// Answered: it can be turned into an FAQ draft.
    pub answered: bool,
}

/// A screening flag on an inquiry, for the specialist: the case's kind, status and reasons.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagView {
    pub kind: String,
    pub status: String,
    /// `rule: term` lines.
    pub reasons: Vec<String>,
}

fn reasons(l: Locale, lines: &[String]) -> Markup {
    html! {
        ul.reasons { @for r in lines {
            @let (rule, term) = r.split_once(": ").unwrap_or(("", r));
            li { (label(l, rule)) ": " q { (term) } }
        } }
    }
}

fn flags(l: Locale, flags: &[FlagView]) -> Markup {
    html! {
        @if !flags.is_empty() {
            section.flags aria-labelledby="flags" {
                h2 id="flags" { (t(l, Msg::InqPvFlags)) }
                (notice(NoticeKind::Warning, html! { p { (t(l, Msg::InqPvFlagsIntro)) } }))
                @for f in flags {
                    h3 { (label(l, &f.kind)) " (" (label(l, &f.status)) ")" }
                    (reasons(l, &f.reasons))
                }
            }
        }
    }
}

pub fn workspace(ctx: &PageContext, v: &WorkView) -> Markup {
    let l = ctx.locale;
    let th = &v.thread;
    let action = |a: &str| p::mi_action(&th.reference, a);
    page(
        ctx,
        &th.reference,
        html! {
            h1 { (t(l, Msg::InqThreadTitle)) " " (th.reference) }
            (details(l, th))
            (flags(l, &v.flags))
            p { (t(l, Msg::InqColAssignee)) ": " (v.assignee.as_deref().unwrap_or("—")) }
            @if v.open && !v.mine {
                form method="post" action=(action("assign")) { (csrf_field(&th.csrf)) (button(ButtonKind::Secondary, t(l, Msg::InqAssignMe))) }
            }
            @if !v.moves.is_empty() {
                form method="post" action=(action("status")) {
                    (csrf_field(&th.csrf))
                    @for m in &v.moves { (button_with_value(ButtonKind::Secondary, label(l, m), "to", m)) " " }
                }
            }
            @if let Some(o) = &th.off_label {
                (notice(NoticeKind::Info, html! { p { strong { (t(l, Msg::InqOffLabelMarked)) } ": " (o.use_asked) } }))
                @if !v.answered {
                    form method="post" action=(action("off-label/undo")) {
                        (csrf_field(&th.csrf))
                        (field(l, &Field::new(FieldKind::Textarea, "off-label-undo", "reason", t(l, Msg::InqOffLabelUndoReason)).hint(t(l, Msg::InqOffLabelUndoHint)).required()))
                        (button(ButtonKind::Secondary, t(l, Msg::InqOffLabelUndo)))
                    }
                }
            } @else if v.open {
                form method="post" action=(action("off-label")) {
                    (csrf_field(&th.csrf))
                    (field(l, &Field::new(FieldKind::Textarea, "off-label-use", "use", t(l, Msg::InqOffLabelUse)).hint(t(l, Msg::InqOffLabelHint)).required()))
                    (button(ButtonKind::Secondary, t(l, Msg::InqOffLabelMark)))
                }
            }
            @for m in &th.messages { (message(l, &th.reference, m, th.off_label.as_ref())) }
            form method="post" action=(action("note")) {
                (csrf_field(&th.csrf))
                (field(l, &Field::new(FieldKind::Textarea, "note", "body", t(l, Msg::InqNoteLabel)).hint(t(l, Msg::InqNoteHint)).required()))
                (button(ButtonKind::Secondary, t(l, Msg::InqNoteSend)))
            }
            @if v.open {
                form method="post" action=(action("answer")) {
                    (csrf_field(&th.csrf))
                    (field(l, &Field::new(FieldKind::Textarea, "answer", "body", t(l, Msg::InqAnswerLabel)).required()))
                    (field(l, &Field::new(FieldKind::Textarea, "citations", "citations", t(l, Msg::InqCitationsLabel)).hint(t(l, Msg::InqCitationsHint))))
                    (button(ButtonKind::Primary, t(l, Msg::InqAnswerSend)))
                }
            }
            @if v.answered { p { a href=(action("faq")) { (t(l, Msg::FaqMake)) } } }
            p { a href=(p::QUEUE) { (t(l, Msg::InqQueueTitle)) } }
        },
    )
}

/// The FAQ draft form: the de-identified proposal, editable.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FaqFormView {
    pub reference: String,
    pub csrf: String,
    pub question: String,
    pub answer: String,
    /// What was wrong with the last attempt: `faq_text` (missing or too long) or
    /// `faq_personal` (still tells of a patient or a case); shown in the error summary.
    pub error: Option<String>,
}

pub fn faq_form(ctx: &PageContext, v: &FaqFormView) -> Markup {
    let l = ctx.locale;
    let message = |code: &str| t(l, if code == "faq_personal" { Msg::FaqErrorPersonal } else { Msg::FaqErrorText });
    let errors: Vec<FieldError> = v.error.iter().map(|e| FieldError { field_id: "faq-question", message: message(e) }).collect();
    page(
        ctx,
        t(l, Msg::FaqFormTitle),
        html! {
            h1 { (t(l, Msg::FaqFormTitle)) " " (v.reference) }
            (error_summary(l, &errors))
            (notice(NoticeKind::Warning, html! { p { (t(l, Msg::FaqFormIntro)) } }))
            form method="post" action=(p::mi_action(&v.reference, "faq")) {
                (csrf_field(&v.csrf))
                (field(l, &Field::new(FieldKind::Textarea, "faq-question", "question", t(l, Msg::FaqQuestion)).value(&v.question).required()))
                (field(l, &Field::new(FieldKind::Textarea, "faq-answer", "answer", t(l, Msg::FaqAnswer)).value(&v.answer).required()))
                (button(ButtonKind::Primary, t(l, Msg::FaqSubmit)))
            }
            p { a href=(p::mi_inquiry(&v.reference)) { (v.reference) } }
        },
    )
}

pub fn faq_created(ctx: &PageContext, reference: &str, review_href: &str) -> Markup {
    let l = ctx.locale;
    page(
        ctx,
        t(l, Msg::FaqCreatedTitle),
        html! {
            h1 { (t(l, Msg::FaqCreatedTitle)) }
            p { (t(l, Msg::FaqCreatedText)) }
            p { a.review href=(review_href) { (t(l, Msg::FaqReviewLink)) } }
            p { a href=(p::mi_inquiry(reference)) { (reference) } }
        },
    )
}

/// One published FAQ on `/faq`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaqEntry {
    pub href: String,
    pub title: String,
    /// The answer's summary (for readers allowed to read it).
    pub summary: String,
}

/// The FAQs of one product (`product` empty: no product).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaqGroup {
    pub product: String,
    pub entries: Vec<FaqEntry>,
}

pub fn faq_list(ctx: &PageContext, groups: &[FaqGroup], hcp: bool) -> Markup {
    let l = ctx.locale;
    page(
        ctx,
        t(l, Msg::FaqTitle),
        html! {
            h1 { (t(l, Msg::FaqTitle)) }
            p.lead { (t(l, Msg::FaqIntro)) }
            @if !hcp { p { (t(l, Msg::FaqSignIn)) } }
            @if groups.is_empty() { p { (t(l, Msg::FaqEmpty)) } }
            @for (n, g) in groups.iter().enumerate() {
                section.faq aria-labelledby=(format!("faq-{n}")) {
                    h2 id=(format!("faq-{n}")) { @if g.product.is_empty() { (t(l, Msg::FaqOtherProduct)) } @else { (g.product) } }
                    dl { @for e in &g.entries {
                        dt { a href=(e.href) { (e.title) } }
                        dd { (e.summary) }
                    } }
                }
            }
        },
    )
}

/// The metrics page's figures (one region).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MetricsView {
    pub total: i64,
    pub open: i64,
    pub answered: i64,
    pub on_time: i64,
    /// Mean hours from receipt to the first answer.
    pub first_response_hours: i64,
    /// (label, count), largest first.
    pub products: Vec<(String, i64)>,
    pub categories: Vec<(String, i64)>,
}

/// A horizontal bar chart (server-rendered SVG): its title and a description with every
/// figure for assistive technology, each figure as text beside its bar (nothing depends on
/// colour or on seeing the bars), and the same figures as a table.
fn bars(l: Locale, id: &str, title: &str, what: &str, rows: &[(String, i64)]) -> Markup {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(1).max(1);
    let height = 24 * rows.len().max(1) + 8;
    let desc = rows.iter().map(|(label, n)| format!("{label}: {n}")).collect::<Vec<_>>().join("; ");
    html! {
        figure {
            figcaption id=(id) { (title) }
            svg role="img" aria-labelledby={ (id) "-title" } aria-describedby={ (id) "-desc" } width="480" height=(height) viewBox={ "0 0 480 " (height) } {
                title id={ (id) "-title" } { (title) }
                desc id={ (id) "-desc" } { (desc) }
                @for (i, (label, n)) in rows.iter().enumerate() {
                    text x="0" y=(24 * i + 18) font-size="13" fill="#1a1a1a" { (label) }
                    rect x="180" y=(24 * i + 6) width=(1 + 240 * n / max) height="16" fill="#1f5f8b" {}
                    text x=(186 + 240 * n / max) y=(24 * i + 18) font-size="13" fill="#1a1a1a" { (n) }
                }
            }
            details {
                summary { (t(l, Msg::InqMetricsTable)) }
                div.table-wrap { table {
                    caption { (title) }
                    thead { tr { th scope="col" { (what) } th scope="col" { (t(l, Msg::InqMetricsCount)) } } }
                    tbody { @for (label, n) in rows { tr { th scope="row" { (label) } td { (n) } } } }
                } }
            }
        }
    }
}

pub fn metrics(ctx: &PageContext, v: &MetricsView) -> Markup {
    let l = ctx.locale;
    let pct = if v.answered == 0 { "—".to_owned() } else { format!("{} %", 100 * v.on_time / v.answered) };
    let categories: Vec<(String, i64)> = v.categories.iter().map(|(c, n)| (label(l, c).to_owned(), *n)).collect();
    page(
        ctx,
        t(l, Msg::InqMetricsTitle),
        html! {
            h1 { (t(l, Msg::InqMetricsTitle)) }
            dl {
                dt { (t(l, Msg::InqMetricsTotal)) } dd { (v.total) }
                dt { (t(l, Msg::InqMetricsOpen)) } dd { (v.open) }
                dt { (t(l, Msg::InqMetricsAnswered)) } dd { (v.answered) }
                dt { (t(l, Msg::InqMetricsFirstResponse)) } dd { (v.first_response_hours) " h" }
                dt { (t(l, Msg::InqMetricsOnTime)) } dd { (pct) }
            }
            (bars(l, "chart-products", t(l, Msg::InqMetricsProducts), t(l, Msg::InqFieldProduct), &v.products))
            (bars(l, "chart-categories", t(l, Msg::InqMetricsCategories), t(l, Msg::InqFieldCategory), &categories))
            p { a href=(p::QUEUE) { (t(l, Msg::InqQueueTitle)) } }
        },
    )
}

/// A PV case in the queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseRow {
    pub href: String,
    pub reference: String,
    pub kind: String,
    pub status: String,
    pub market: String,
    pub received: OffsetDateTime,
    pub forward_due: OffsetDateTime,
    pub expedited_due: OffsetDateTime,
    /// Open and past its forward-to-PV due time.
    pub overdue: bool,
}

/// The PV officers' queue of their region.
pub fn pv_cases(ctx: &PageContext, rows: &[CaseRow]) -> Markup {
    let l = ctx.locale;
    page(
        ctx,
        t(l, Msg::InqPvTitle),
        html! {
            h1 { (t(l, Msg::InqPvTitle)) }
            p.lead { (t(l, Msg::InqPvIntro)) }
            @if rows.is_empty() { p { (t(l, Msg::InqPvNone)) } } @else {
                div.table-wrap { table {
                    thead { tr {
                        th scope="col" { (t(l, Msg::InqPvColCase)) }
                        th scope="col" { (t(l, Msg::InqPvColKind)) }
                        th scope="col" { (t(l, Msg::InqColStatus)) }
                        th scope="col" { (t(l, Msg::InqColMarket)) }
                        th scope="col" { (t(l, Msg::InqPvDay0)) }
                        th scope="col" { (t(l, Msg::InqPvForwardDue)) }
                        th scope="col" { (t(l, Msg::InqPvExpeditedDue)) }
                    } }
                    tbody { @for r in rows { tr {
                        td { a href=(r.href) { (r.reference) } }
                        td { (label(l, &r.kind)) }
                        td { (label(l, &r.status)) }
                        td { (r.market) }
                        td { (when(l, r.received)) }
                        td { (when(l, r.forward_due)) @if r.overdue { " " strong { (t(l, Msg::InqPvOverdue)) } } }
                        td { (when(l, r.expedited_due)) }
                    } } }
                } }
            }
        },
    )
}

/// One PV case: the four minimum elements, why it was flagged, the clocks, forwarding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseView {
    pub csrf: String,
    pub forward_href: String,
    pub row: CaseRow,
    pub reporter: Option<String>,
    pub patient: Option<String>,
    pub product: Option<String>,
    pub event: Option<String>,
    pub reasons: Vec<String>,
    pub verbatim: String,
    /// When and by whom it was forwarded.
    pub forwarded: Option<(OffsetDateTime, String)>,
    /// Later flagged messages of the inquiry added to the case, oldest first.
    pub follow_ups: Vec<CaseFollowUp>,
}

/// A flagged follow-up added to a case: its receipt, why, and what was reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseFollowUp {
    pub received: OffsetDateTime,
    pub reasons: Vec<String>,
    pub verbatim: String,
}

pub fn pv_case(ctx: &PageContext, v: &CaseView) -> Markup {
    let l = ctx.locale;
    let r = &v.row;
    let known = |x: &Option<String>| x.clone().unwrap_or_else(|| t(l, Msg::InqPvUnknown).to_owned());
    page(
        ctx,
        &format!("{} {}", t(l, Msg::InqPvCaseTitle), r.reference),
        html! {
            h1 { (t(l, Msg::InqPvCaseTitle)) " " (r.reference) }
            dl.case {
                dt { (t(l, Msg::InqPvColKind)) } dd { (label(l, &r.kind)) }
                dt { (t(l, Msg::InqColStatus)) } dd { (label(l, &r.status)) }
                dt { (t(l, Msg::InqPvReporter)) } dd { (known(&v.reporter)) }
                dt { (t(l, Msg::InqPvPatient)) } dd { (known(&v.patient)) }
                dt { (t(l, Msg::InqPvProduct)) } dd { (known(&v.product)) }
                dt { (t(l, Msg::InqPvEvent)) } dd { (known(&v.event)) }
                dt { (t(l, Msg::InqColMarket)) } dd { (r.market) }
                dt { (t(l, Msg::InqPvDay0)) } dd { (when(l, r.received)) }
                dt { (t(l, Msg::InqPvForwardDue)) } dd.forward-due { (when(l, r.forward_due)) @if r.overdue { " " strong { (t(l, Msg::InqPvOverdue)) } } }
                dt { (t(l, Msg::InqPvExpeditedDue)) } dd.expedited-due { (when(l, r.expedited_due)) }
            }
            h2 { (t(l, Msg::InqPvReasons)) }
            (reasons(l, &v.reasons))
            h2 { (t(l, Msg::InqPvVerbatim)) }
            blockquote { (paragraphs(&v.verbatim)) }
            @if !v.follow_ups.is_empty() {
                section.follow-ups aria-labelledby="follow-ups" {
                    h2 #follow-ups { (t(l, Msg::InqPvFollowUps)) }
                    p { (t(l, Msg::InqPvFollowUpsIntro)) }
                    ol { @for f in &v.follow_ups { li.follow-up {
                        h3 { (t(l, Msg::InqPvFollowUpReceived)) ": " (when(l, f.received)) }
                        (reasons(l, &f.reasons))
                        blockquote { (paragraphs(&f.verbatim)) }
                    } } }
                }
            }
            @if let Some((at, who)) = &v.forwarded {
                (notice(NoticeKind::Success, html! { p { (t(l, Msg::InqPvForwarded)) ": " (when(l, *at)) " · " (who) } }))
            } @else {
                form method="post" action=(v.forward_href) {
                    (csrf_field(&v.csrf))
                    // the case as shown: a follow-up added since refuses the forwarding
                    input type="hidden" name="seen" value=(v.follow_ups.len());
                    (button(ButtonKind::Primary, t(l, Msg::InqPvForward)))
                }
            }
            p { a href=(paths::pv::CASES) { (t(l, Msg::InqPvTitle)) } }
        },
    )
}
