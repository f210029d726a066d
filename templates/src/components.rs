//! Reusable, accessible building blocks. All text parameters are plain text
//! (maud escapes them); labels should come from [`crate::t`]/[`crate::tf`].

use crate::format::{format_date, iso_date};
use crate::{Locale, Msg, labels, t, tf};
use maud::{Markup, Render, html};
use time::Date;

// ---------------------------------------------------------------------------
// Form fields
// ---------------------------------------------------------------------------

/// One `<option>` of a select field.
#[derive(Clone, Copy, Debug)]
pub struct SelectOption<'a> {
    pub value: &'a str,
    pub label: &'a str,
}

/// What kind of control a [`Field`] renders.
#[derive(Clone, Copy, Debug)]
pub enum FieldKind<'a> {
    Text,
    Email,
    Password,
    /// Multi-line text (`<textarea>`).
    Textarea,
    /// `<select>` with a leading empty "Please select" option; the option
    /// whose value equals [`Field::value`] is selected.
    Select(&'a [SelectOption<'a>]),
    /// A single checkbox; the label follows the box. Submits
    /// [`Field::value`] (or `"1"` if empty) when checked.
    Checkbox,
}

/// A labelled form control with optional hint and error text, wired up
/// with `aria-describedby` / `aria-invalid`. Build with [`Field::new`] and
/// the chained setters, render with [`field`].
#[derive(Clone, Copy, Debug)]
pub struct Field<'a> {
    pub kind: FieldKind<'a>,
    /// Unique id in the document; also the target of error-summary links.
    pub id: &'a str,
    pub name: &'a str,
    pub label: &'a str,
    /// Current value (re-displayed after a failed submission).
    pub value: &'a str,
    pub checked: bool,
    pub hint: Option<&'a str>,
    pub error: Option<&'a str>,
    pub required: bool,
    /// `autocomplete` token, e.g. `"email"`, `"current-password"`.
    pub autocomplete: Option<&'a str>,
}

impl<'a> Field<'a> {
    pub fn new(kind: FieldKind<'a>, id: &'a str, name: &'a str, label: &'a str) -> Self {
        Field {
            kind,
            id,
            name,
            label,
            value: "",
            checked: false,
            hint: None,
            error: None,
            required: false,
            autocomplete: None,
        }
    }
    pub fn value(mut self, value: &'a str) -> Self {
        self.value = value;
        self
    }
    pub fn checked(mut self, checked: bool) -> Self {
        self.checked = checked;
        self
    }
    pub fn hint(mut self, hint: &'a str) -> Self {
        self.hint = Some(hint);
        self
    }
    /// Sets the error message; `None` clears it (handy with `Option` maps).
    pub fn error(mut self, error: Option<&'a str>) -> Self {
        self.error = error;
        self
    }
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub fn autocomplete(mut self, token: &'a str) -> Self {
        self.autocomplete = Some(token);
        self
    }
}

/// Renders a [`Field`]: label (with "(required)"), hint, error, control.
/// Required fields are marked with `aria-required`, not the HTML `required`
/// attribute, so validation messages come from the server in the page's
/// language rather than from the browser.
pub fn field(locale: Locale, f: &Field<'_>) -> Markup {
    let hint_id = f.hint.map(|_| format!("{}-hint", f.id));
    let error_id = f.error.map(|_| format!("{}-error", f.id));
    let described_by = match (&hint_id, &error_id) {
        (Some(h), Some(e)) => Some(format!("{h} {e}")),
        (Some(h), None) => Some(h.clone()),
        (None, Some(e)) => Some(e.clone()),
        (None, None) => None,
    };
    let invalid = f.error.map(|_| "true");
    let required = f.required.then_some("true");
    let label = html! {
        label for=(f.id) {
            (f.label)
            @if f.required { " " span.req { (t(locale, Msg::FormRequired)) } }
        }
    };
    let hint = html! {
        @if let (Some(hint), Some(id)) = (f.hint, &hint_id) { p.hint id=(id) { (hint) } }
    };
    let error = html! {
        @if let (Some(error), Some(id)) = (f.error, &error_id) {
            p.error-text id=(id) {
                span.visually-hidden { (t(locale, Msg::FormErrorPrefix)) " " }
                (error)
            }
        }
    };
    let input = |ty: &str| {
        html! {
            input id=(f.id) name=(f.name) type=(ty) value=(f.value)
                autocomplete=[f.autocomplete] aria-describedby=[&described_by]
                aria-invalid=[invalid] aria-required=[required];
        }
    };
    html! {
        div.field.field--error[f.error.is_some()].field--checkbox[matches!(f.kind, FieldKind::Checkbox)] {
            @match f.kind {
                FieldKind::Checkbox => {
                    input id=(f.id) name=(f.name) type="checkbox"
                        value=(if f.value.is_empty() { "1" } else { f.value })
                        checked[f.checked] aria-describedby=[&described_by]
                        aria-invalid=[invalid] aria-required=[required];
                    (label) (hint) (error)
                }
                kind => {
                    (label) (hint) (error)
                    @match kind {
                        FieldKind::Text => (input("text")),
                        FieldKind::Email => (input("email")),
                        FieldKind::Password => (input("password")),
                        FieldKind::Textarea => {
                            textarea id=(f.id) name=(f.name) rows="8"
                                autocomplete=[f.autocomplete] aria-describedby=[&described_by]
                                aria-invalid=[invalid] aria-required=[required] { (f.value) }
                        }
                        FieldKind::Select(options) => {
                            select id=(f.id) name=(f.name) autocomplete=[f.autocomplete]
                                aria-describedby=[&described_by] aria-invalid=[invalid]
                                aria-required=[required] {
                                option value="" selected[f.value.is_empty()] {
                                    (t(locale, Msg::FormSelectPlaceholder))
                                }
                                @for o in options {
                                    option value=(o.value)
                                        selected[!f.value.is_empty() && o.value == f.value] { (o.label) }
                                }
                            }
                        }
                        FieldKind::Checkbox => {}
                    }
                }
            }
        }
    }
}

/// A validation error, for [`error_summary`].
#[derive(Clone, Copy, Debug)]
pub struct FieldError<'a> {
    /// Id of the field in error (the link target).
    pub field_id: &'a str,
    pub message: &'a str,
}

/// "There is a problem" box for the top of a form, linking to each field in
/// error. Renders nothing when `errors` is empty. Uses `role="alert"` so it
/// is announced on page load (no JavaScript focus management needed).
pub fn error_summary(locale: Locale, errors: &[FieldError<'_>]) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.error-summary role="alert" aria-labelledby="error-summary-title" tabindex="-1" {
                h2 #error-summary-title { (t(locale, Msg::FormErrorSummaryTitle)) }
                ul {
                    @for e in errors {
                        li { a href={ "#" (e.field_id) } { (e.message) } }
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Buttons
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ButtonKind {
    Primary,
    Secondary,
}

impl ButtonKind {
    fn class(self) -> &'static str {
        match self {
            ButtonKind::Primary => "btn btn--primary",
            ButtonKind::Secondary => "btn btn--secondary",
        }
    }
}

/// A submit button.
pub fn button(kind: ButtonKind, label: &str) -> Markup {
    html! { button class=(kind.class()) type="submit" { (label) } }
}

/// A submit button that sends `name=value` (for forms with several actions).
pub fn button_with_value(kind: ButtonKind, label: &str, name: &str, value: &str) -> Markup {
    html! { button class=(kind.class()) type="submit" name=(name) value=(value) { (label) } }
}

/// A link styled as a button (navigation, not an action).
pub fn link_button(kind: ButtonKind, href: &str, label: &str) -> Markup {
    html! { a class=(kind.class()) href=(href) { (label) } }
}

// ---------------------------------------------------------------------------
// Notices, badges, empty state
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NoticeKind {
    #[default]
    Info,
    Success,
    Warning,
    Error,
}

/// A notice box. Info/Success use `role="status"` (polite); Warning/Error
/// use `role="alert"`. `body` may be a `&str` (escaped) or `Markup`.
pub fn notice(kind: NoticeKind, body: impl Render) -> Markup {
    let (class, role) = match kind {
        NoticeKind::Info => ("notice notice--info", "status"),
        NoticeKind::Success => ("notice notice--success", "status"),
        NoticeKind::Warning => ("notice notice--warning", "alert"),
        NoticeKind::Error => ("notice notice--error", "alert"),
    };
    html! { div class=(class) role=(role) { (body) } }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BadgeKind {
    #[default]
    Neutral,
    Hcp,
    Verified,
}

/// A small inline label.
pub fn badge(kind: BadgeKind, text: &str) -> Markup {
    let class = match kind {
        BadgeKind::Neutral => "badge",
        BadgeKind::Hcp => "badge badge--hcp",
        BadgeKind::Verified => "badge badge--verified",
    };
    html! { span class=(class) { (text) } }
}

/// "HCP only" badge.
pub fn hcp_only_badge(locale: Locale) -> Markup {
    badge(BadgeKind::Hcp, t(locale, Msg::BadgeHcpOnly))
}

/// "Verified" badge.
pub fn verified_badge(locale: Locale) -> Markup {
    badge(BadgeKind::Verified, t(locale, Msg::BadgeVerified))
}

/// Empty-state block: a bold title line (not a heading, so it fits under
/// any heading level), text and an optional link (`(href, label)`).
pub fn empty_state(title: &str, text: &str, action: Option<(&str, &str)>) -> Markup {
    html! {
        div.empty-state {
            p.empty-title { (title) }
            p { (text) }
            @if let Some((href, label)) = action {
                p { (link_button(ButtonKind::Secondary, href, label)) }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Table
// ---------------------------------------------------------------------------

/// A data table. Cells are `Markup` so they can hold links or badges; use
/// `html!{ (text) }` for plain text.
#[derive(Clone, Copy, Debug)]
pub struct Table<'a> {
    /// Unique id; the caption gets `{id}-caption`.
    pub id: &'a str,
    pub caption: &'a str,
    pub headers: &'a [&'a str],
    pub rows: &'a [Vec<Markup>],
    /// Render the first cell of each row as `<th scope="row">`.
    pub row_headers: bool,
}

/// Renders a [`Table`] inside a keyboard-scrollable region (narrow screens).
pub fn data_table(table: &Table<'_>) -> Markup {
    let caption_id = format!("{}-caption", table.id);
    html! {
        div.table-wrap role="region" aria-labelledby=(caption_id) tabindex="0" {
            table id=(table.id) {
                caption id=(caption_id) { (table.caption) }
                thead { tr { @for h in table.headers { th scope="col" { (h) } } } }
                tbody {
                    @for row in table.rows {
                        tr {
                            @for (i, cell) in row.iter().enumerate() {
                                @if i == 0 && table.row_headers {
                                    th scope="row" { (cell) }
                                } @else {
                                    td { (cell) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Navigation helpers
// ---------------------------------------------------------------------------

/// One ancestor in a [`breadcrumb`] trail.
#[derive(Clone, Copy, Debug)]
pub struct Crumb<'a> {
    pub label: &'a str,
    pub href: &'a str,
}

/// Breadcrumb trail: linked ancestors, then the current page (not linked,
/// `aria-current="page"`).
pub fn breadcrumb(locale: Locale, ancestors: &[Crumb<'_>], current: &str) -> Markup {
    html! {
        nav.breadcrumb aria-label=(t(locale, Msg::BreadcrumbLabel)) {
            ol {
                @for c in ancestors { li { a href=(c.href) { (c.label) } } }
                li aria-current="page" { (current) }
            }
        }
    }
}

/// Appends `page=N` to `base` (which may already have a query string).
fn page_href(base: &str, page: u32) -> String {
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}page={page}")
}

/// Page numbers to show: first, last, and current ±1; `None` is a gap.
fn page_window(current: u32, total: u32) -> Vec<Option<u32>> {
    let mut out = Vec::new();
    let mut last = 0;
    for p in 1..=total {
        if p == 1 || p == total || p.abs_diff(current) <= 1 {
            if p > last + 1 {
                out.push(None);
            }
            out.push(Some(p));
            last = p;
        }
    }
    out
}

/// Pagination links for `current` of `total` pages (1-based). `base_href`
/// is the listing URL without a `page` parameter; `page=N` is appended.
/// Renders nothing when there is only one page.
pub fn pagination(locale: Locale, base_href: &str, current: u32, total: u32) -> Markup {
    let current = current.clamp(1, total.max(1));
    html! {
        @if total > 1 {
            nav.pagination aria-label=(t(locale, Msg::PaginationLabel)) {
                ul {
                    @if current > 1 {
                        li { a href=(page_href(base_href, current - 1)) rel="prev" {
                            (t(locale, Msg::PaginationPrevious))
                        } }
                    }
                    @for p in page_window(current, total) {
                        @match p {
                            Some(p) => {
                                li { a href=(page_href(base_href, p))
                                    aria-label=(tf(locale, Msg::PaginationPage, &[("number", &p.to_string())]))
                                    aria-current=[(p == current).then_some("page")] { (p) } }
                            }
                            None => { li.gap aria-hidden="true" { "…" } }
                        }
                    }
                    @if current < total {
                        li { a href=(page_href(base_href, current + 1)) rel="next" {
                            (t(locale, Msg::PaginationNext))
                        } }
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Content card
// ---------------------------------------------------------------------------

/// A content item in a listing. `content_type` and `therapeutic_area` hold
/// codes (`clinical_summary`, `cardiology`; see [`crate::labels`]), shown
/// with their localised labels; unknown codes are shown as they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentCard {
    pub title: String,
    pub href: String,
    pub content_type: String,
    pub therapeutic_area: String,
    pub published: Date,
    pub hcp_only: bool,
    pub summary: Option<String>,
}

/// Renders a [`ContentCard`] as an `<article>` with an `<h3>` title.
pub fn content_card(locale: Locale, card: &ContentCard) -> Markup {
    html! {
        article.card {
            h3 { a href=(card.href) { (card.title) } }
            @if card.hcp_only { p.badges { (hcp_only_badge(locale)) } }
            dl.meta {
                div { dt { (t(locale, Msg::CardType)) } dd { (labels::content_type(locale, &card.content_type)) } }
                div { dt { (t(locale, Msg::CardArea)) } dd { (labels::area(locale, &card.therapeutic_area)) } }
                div {
                    dt { (t(locale, Msg::CardPublished)) }
                    dd { time datetime=(iso_date(card.published)) { (format_date(locale, card.published)) } }
                }
            }
            @if let Some(summary) = &card.summary { p { (summary) } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_window_has_gaps() {
        assert_eq!(page_window(1, 1), vec![Some(1)]);
        assert_eq!(
            page_window(5, 10),
            vec![Some(1), None, Some(4), Some(5), Some(6), None, Some(10)]
        );
        assert_eq!(page_window(2, 4), vec![Some(1), Some(2), Some(3), Some(4)]);
    }

    #[test]
    fn page_href_appends() {
        assert_eq!(page_href("/content", 2), "/content?page=2");
        assert_eq!(page_href("/search?q=x", 3), "/search?q=x&page=3");
    }
}
