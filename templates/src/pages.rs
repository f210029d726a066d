//! Complete pages. Each function returns the whole HTML document.

pub mod audit;
pub mod compliance;
pub mod content;
pub mod files;
pub mod identity;
pub mod inquiries;
mod legal;
pub mod placements;
pub mod reader;
pub mod search;
pub mod staff;

use crate::components::{
    ButtonKind, Crumb, breadcrumb, content_card, empty_state, hcp_only_badge, link_button,
    pagination,
};
use crate::format::{format_date, format_datetime, format_number, iso_date, iso_datetime};
use crate::layout::{PageContext, page, tel_href};
use crate::{Locale, Msg, paths, t, tf};
use maud::{Markup, html};
use time::OffsetDateTime;

pub use crate::components::ContentCard;
pub use crate::labels;
pub use legal::{LegalPage, legal};
pub use search::{SearchView, search};

/// Data protection officer's mailbox (placeholder of the demo deployment).
pub const DPO_EMAIL: &str = "privacy@example.com";
/// Where accessibility barriers are reported (placeholder).
pub const ACCESSIBILITY_EMAIL: &str = "accessibility@example.com";
/// General company mailbox shown in the legal notice (placeholder).
pub const COMPANY_EMAIL: &str = "info@example.com";

/// Data for [`home`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HomeView {
    /// Featured content, in display order (may be empty).
    pub featured: Vec<ContentCard>,
    /// The signed-in reader's sections (new since the last visit, continue reading).
    pub reader: reader::HomeExtras,
}

/// Heading for an HTTP error status.
fn error_title(status: u16) -> Msg {
    match status {
        401 => Msg::ErrorTitle401,
        403 => Msg::ErrorTitle403,
        404 | 410 => Msg::ErrorTitle404,
        405 => Msg::ErrorTitle405,
        409 => Msg::ErrorTitle409,
        413 => Msg::ErrorTitle413,
        429 => Msg::ErrorTitle429,
        503 => Msg::ErrorTitle503,
        500..=599 => Msg::ErrorTitle500,
        _ => Msg::ErrorTitle400,
    }
}

/// Error page: a title derived from `status`, the human explanation
/// `message`, the stable error `code` in small print (for support calls),
/// and a link home (plus a sign-in link for 401). Never shows internals.
pub fn error_page(ctx: &PageContext, status: u16, code: &str, message: Msg) -> Markup {
    let l = ctx.locale;
    let title = t(l, error_title(status));
    page(
        ctx,
        title,
        html! {
            div.error-page {
                h1 { (title) }
                p.lead { (t(l, message)) }
                p.actions {
                    @if status == 401 {
                        (link_button(ButtonKind::Primary, paths::identity::LOGIN, t(l, Msg::NavSignIn)))
                        " "
                    }
                    (link_button(
                        if status == 401 { ButtonKind::Secondary } else { ButtonKind::Primary },
                        paths::content::HOME,
                        t(l, Msg::ErrorBackHome),
                    ))
                }
                p.error-code { (tf(l, Msg::ErrorCode, &[("code", code)])) }
            }
        },
    )
}

/// Home page: purpose statement with search, featured content, and the way
/// to ask a medical question.
pub fn home(ctx: &PageContext, view: &HomeView) -> Markup {
    let l = ctx.locale;
    page(
        ctx,
        t(l, Msg::HomeTitle),
        html! {
            section.hero aria-labelledby="home-title" {
                h1 #home-title { (t(l, Msg::HomeHeading)) }
                @if let Some(user) = &ctx.user {
                    p.welcome { (tf(l, Msg::HomeWelcome, &[("name", &user.display_name)])) }
                }
                p.lead { (t(l, Msg::HomePurpose)) }
                form.search role="search" method="get" action=(paths::search::SEARCH) {
                    label for="home-search-q" { (t(l, Msg::HomeSearchLabel)) }
                    p.hint #home-search-hint { (t(l, Msg::HomeSearchHint)) }
                    input #home-search-q type="search" name=(paths::SEARCH_PARAM)
                        aria-describedby="home-search-hint" autocomplete="off";
                    button.btn.btn--primary type="submit" { (t(l, Msg::SearchButton)) }
                }
            }
            (reader::home_sections(l, &view.reader))
            section aria-labelledby="featured-title" {
                h2 #featured-title { (t(l, Msg::HomeFeaturedHeading)) }
                @if view.featured.is_empty() {
                    (empty_state(
                        t(l, Msg::HomeFeaturedEmptyTitle),
                        t(l, Msg::HomeFeaturedEmptyText),
                        Some((paths::content::LIBRARY, t(l, Msg::HomeBrowseLibrary))),
                    ))
                } @else {
                    div.cards {
                        @for card in &view.featured { (content_card(l, card)) }
                    }
                    p { a href=(paths::content::LIBRARY) { (t(l, Msg::HomeBrowseLibrary)) } }
                }
            }
            section.ask aria-labelledby="ask-title" {
                h2 #ask-title { (t(l, Msg::HomeAskHeading)) }
                p { (t(l, Msg::HomeAskText)) }
                p { (link_button(ButtonKind::Primary, paths::inquiries::INQUIRIES, t(l, Msg::HomeAskLink))) }
            }
        },
    )
}

/// Generic landing page for a function: `<h1>` title, lead paragraph, body.
pub fn simple_page(ctx: &PageContext, title: &str, intro: &str, body: Markup) -> Markup {
    page(
        ctx,
        title,
        html! {
            h1 { (title) }
            p.lead { (intro) }
            (body)
        },
    )
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A `mailto:` link showing the address.
fn mailto(email: &str) -> Markup {
    html! { a href={ "mailto:" (email) } { (email) } }
}

/// The text of `msg` with its `{name}` placeholder replaced by `inner`
/// (e.g. a link), so links can sit anywhere in a translated sentence.
/// Both text halves are escaped by maud.
fn with_markup(locale: Locale, msg: Msg, name: &str, inner: Markup) -> Markup {
    let text = t(locale, msg);
    let placeholder = format!("{{{name}}}");
    match text.split_once(&placeholder) {
        Some((before, after)) => html! { (before) (inner) (after) },
        None => html! { (text) },
    }
}

/// "1 item" / "12 items": `one` for exactly one, otherwise `many` with a
/// localised `{count}`. `args` fill any further placeholders.
fn count_text(locale: Locale, n: u64, one: Msg, many: Msg, args: &[(&str, &str)]) -> String {
    if n == 1 {
        tf(locale, one, args)
    } else {
        let count = format_number(locale, i64::try_from(n).unwrap_or(i64::MAX));
        let mut all = args.to_vec();
        all.push(("count", &count));
        tf(locale, many, &all)
    }
}

/// Percent-encodes a query-string value (RFC 3986 unreserved chars pass).
fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b >> 4)]));
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b & 15)]));
        }
    }
    out
}

/// A plausible BCP 47 language tag (`en`, `de-AT`, `zh-Hant-TW`).
fn valid_lang_tag(tag: &str) -> bool {
    let mut subtags = tag.split('-');
    let primary = subtags.next().unwrap_or("");
    (2..=8).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && subtags
            .all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Phone and email of Medical Information, as links.
fn contact_list(ctx: &PageContext) -> Markup {
    let l = ctx.locale;
    html! {
        ul.contact-list {
            li { (t(l, Msg::FooterPhone)) ": " a href=(tel_href(&ctx.contact.phone)) { (ctx.contact.phone) } }
            li { (t(l, Msg::FooterEmail)) ": " (mailto(&ctx.contact.email)) }
        }
    }
}

/// "Please report suspected adverse reactions … How to report …".
fn ae_hint(locale: Locale) -> Markup {
    html! {
        p.ae-notice {
            (t(locale, Msg::AeReportText)) " "
            a href=(paths::content::AE_REPORTING) { (t(locale, Msg::AeReportLink)) }
        }
    }
}

// ---------------------------------------------------------------------------
// Library
// ---------------------------------------------------------------------------

/// Data for [`library`]. Filter values are codes (see [`labels`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LibraryView {
    /// The items of the current page.
    pub items: Vec<ContentCard>,
    /// Number of items matching the filters, over all pages.
    pub total: u32,
    /// Current page, 1-based.
    pub page: u32,
    pub total_pages: u32,
    pub content_type: Option<String>,
    pub area: Option<String>,
}

/// A filter `<select>` with an "all" option, the known codes, and the
/// current value even when it is not a known code.
#[allow(clippy::too_many_arguments)]
fn filter_select(
    locale: Locale,
    id: &str,
    name: &str,
    label: Msg,
    all: Msg,
    codes: &[&str],
    current: Option<&str>,
    label_of: fn(Locale, &str) -> &str,
) -> Markup {
    let unknown = current.filter(|c| !codes.contains(c));
    html! {
        div.field {
            label for=(id) { (t(locale, label)) }
            select id=(id) name=(name) {
                option value="" selected[current.is_none()] { (t(locale, all)) }
                @for code in codes {
                    option value=(code) selected[current == Some(*code)] { (label_of(locale, code)) }
                }
                @if let Some(code) = unknown {
                    option value=(code) selected { (code) }
                }
            }
        }
    }
}

/// The content library: filter form (GET, so results can be bookmarked
/// and work without JavaScript), result count, cards, pagination.
pub fn library(ctx: &PageContext, view: &LibraryView) -> Markup {
    let l = ctx.locale;
    let content_type = view.content_type.as_deref().filter(|v| !v.is_empty());
    let area = view.area.as_deref().filter(|v| !v.is_empty());
    let filtered = content_type.is_some() || area.is_some();
    let title = if view.page > 1 {
        tf(
            l,
            Msg::LibraryTitlePaged,
            &[
                ("page", &format_number(l, i64::from(view.page))),
                (
                    "pages",
                    &format_number(l, i64::from(view.total_pages.max(view.page))),
                ),
            ],
        )
    } else {
        t(l, Msg::LibraryTitle).to_string()
    };
    // An area's library has its own path (`/library/{area}`).
    let mut base = match area {
        Some(a) => paths::content::library_area(&encode_query_value(a)),
        None => String::from(paths::content::LIBRARY),
    };
    for (name, value) in [(paths::TYPE_PARAM, content_type)] {
        if let Some(value) = value {
            base.push(if base.contains('?') { '&' } else { '?' });
            base.push_str(name);
            base.push('=');
            base.push_str(&encode_query_value(value));
        }
    }
    page(
        ctx,
        &title,
        html! {
            h1 { (t(l, Msg::LibraryTitle)) }
            p.lead { (t(l, Msg::LibraryIntro)) }
            h2 { (t(l, Msg::LibraryFilterHeading)) }
            form.filters method="get" action=(paths::content::LIBRARY) {
                (filter_select(l, "filter-type", paths::TYPE_PARAM, Msg::LibraryFilterType,
                    Msg::LibraryFilterTypeAll, labels::CONTENT_TYPES, content_type, labels::content_type))
                (filter_select(l, "filter-area", paths::AREA_PARAM, Msg::LibraryFilterArea,
                    Msg::LibraryFilterAreaAll, labels::AREAS, area, labels::area))
                p.actions {
                    button.btn.btn--primary type="submit" { (t(l, Msg::LibraryFilterApply)) }
                    @if filtered {
                        " " a href=(paths::content::LIBRARY) { (t(l, Msg::LibraryFilterClear)) }
                    }
                }
            }
            section aria-labelledby="results-title" {
                h2 #results-title {
                    (count_text(l, u64::from(view.total), Msg::LibraryCountOne, Msg::LibraryCount, &[]))
                }
                @if view.items.is_empty() {
                    @if filtered {
                        (empty_state(
                            t(l, Msg::LibraryEmptyFilteredTitle),
                            t(l, Msg::LibraryEmptyFilteredText),
                            Some((paths::content::LIBRARY, t(l, Msg::LibraryFilterClear))),
                        ))
                    } @else {
                        (empty_state(
                            t(l, Msg::LibraryEmptyTitle),
                            t(l, Msg::LibraryEmptyText),
                            Some((paths::inquiries::INQUIRIES, t(l, Msg::HomeAskLink))),
                        ))
                    }
                } @else {
                    div.cards {
                        @for card in &view.items { (content_card(l, card)) }
                    }
                }
                (pagination(l, &base, view.page, view.total_pages))
            }
        },
    )
}

// ---------------------------------------------------------------------------
// Content item
// ---------------------------------------------------------------------------

/// Data for [`content_item`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemView {
    pub card: ContentCard,
    /// The body as typed blocks (medmark). Empty when `gated`.
    pub blocks: Vec<crate::medmark::Block>,
    /// Medicine the item is about, if any.
    pub product: Option<String>,
    /// Language of the content (BCP 47, e.g. `en`); may differ from the UI
    /// language when no translation exists.
    pub language: String,
    /// The viewer may see only the title (HCP-only content).
    pub gated: bool,
    /// The published version's number and SHA-256.
    pub version: i64,
    pub sha256: String,
    /// "Medically reviewed on" (YYYY-MM-DD).
    pub reviewed_on: Option<String>,
    pub references: Vec<content::ReferenceView>,
    /// The signatures of the shown version.
    pub signatures: Vec<content::SignatureView>,
    pub versions_href: String,
    /// Relevance cues, translations, saving, series and related content.
    pub reader: reader::ItemExtras,
    /// Clean files of the item (empty when `gated`).
    pub attachments: Vec<files::FileLink>,
}

/// One content item: breadcrumb, title, badges, metadata, summary, then the
/// body or (when gated) a sign-in prompt; always the way to ask Medical
/// Information and the adverse-event reporting hint.
pub fn content_item(ctx: &PageContext, view: &ItemView) -> Markup {
    let l = ctx.locale;
    let card = &view.card;
    let lang = view.language.trim();
    // Mark content in another language (WCAG 3.1.2); the UI text around it
    // stays in the page language.
    let other_lang = (valid_lang_tag(lang) && Locale::from_tag(lang) != Some(l)).then_some(lang);
    let other_lang_name = other_lang.and_then(|tag| labels::language_name(l, tag));
    page(
        ctx,
        &card.title,
        html! {
            (breadcrumb(l, &[
                Crumb { label: t(l, Msg::NavHome), href: paths::content::HOME },
                Crumb { label: t(l, Msg::NavLibrary), href: paths::content::LIBRARY },
            ], &card.title))
            article.item {
                h1 lang=[other_lang] { (card.title) }
                @if card.hcp_only { p.badges { (hcp_only_badge(l)) } }
                dl.meta {
                    div { dt { (t(l, Msg::CardType)) } dd { (labels::content_type(l, &card.content_type)) } }
                    div { dt { (t(l, Msg::CardArea)) } dd { (labels::area(l, &card.therapeutic_area)) } }
                    @if let Some(product) = view.product.as_deref().filter(|p| !p.trim().is_empty()) {
                        div { dt { (t(l, Msg::ItemProduct)) } dd { (product) } }
                    }
                    div {
                        dt { (t(l, Msg::CardPublished)) }
                        dd { time datetime=(iso_date(card.published)) { (format_date(l, card.published)) } }
                    }
                }
                (reader::item_top(l, &view.reader))
                @if let Some(name) = other_lang_name {
                    p.hint { (tf(l, Msg::ItemLanguageNotice, &[("language", name)])) }
                }
                @if let Some(summary) = &card.summary {
                    p.lead lang=[other_lang] { (summary) }
                }
                @if view.gated {
                    div.notice.notice--info {
                        h2 { (t(l, Msg::ItemGatedTitle)) }
                        @if ctx.user.is_some() {
                            p { (t(l, Msg::ItemGatedUnverified)) }
                        } @else {
                            p { (t(l, Msg::ItemGatedText)) }
                            p { (link_button(ButtonKind::Primary, paths::identity::LOGIN, t(l, Msg::NavSignIn))) }
                            p { (t(l, Msg::ItemGatedRegister)) }
                        }
                    }
                } @else {
                    div.prose lang=[other_lang] {
                        (crate::medmark::render(&view.blocks))
                    }
                    (files::downloads(l, &view.attachments))
                    (content::record(l, view))
                }
            }
            (reader::item_bottom(l, &view.reader))
            section.ask aria-labelledby="ask-title" {
                h2 #ask-title { (t(l, Msg::ItemAskHeading)) }
                p { (t(l, Msg::ItemAskText)) }
                p { (link_button(ButtonKind::Primary, paths::inquiries::INQUIRIES, t(l, Msg::ItemAskLink))) }
                (ae_hint(l))
            }
        },
    )
}

// ---------------------------------------------------------------------------
// Medical Information
// ---------------------------------------------------------------------------

/// "Ask Medical Information": what the service is, how to reach it now,
/// what to include, online inquiries, and adverse-event reporting.
pub fn inquiries_landing(ctx: &PageContext) -> Markup {
    let l = ctx.locale;
    page(
        ctx,
        t(l, Msg::InquiriesTitle),
        html! {
            h1 { (t(l, Msg::InquiriesTitle)) }
            p.lead { (t(l, Msg::InquiriesIntro)) }
            section.notice.notice--warning aria-labelledby="ae-title" {
                h2 #ae-title { (t(l, Msg::InquiriesAeHeading)) }
                p { (t(l, Msg::InquiriesAeText)) }
                p { a href=(paths::content::AE_REPORTING) { (t(l, Msg::AeReportLink)) } }
                p { strong { (t(l, Msg::InquiriesEmergency)) } }
            }
            section {
                h2 { (t(l, Msg::InquiriesReachHeading)) }
                p { (t(l, Msg::InquiriesReachText)) }
                (contact_list(ctx))
                p { (t(l, Msg::InquiriesResponseTime)) }
            }
            section {
                h2 { (t(l, Msg::InquiriesIncludeHeading)) }
                p { (t(l, Msg::InquiriesIncludeIntro)) }
                ul {
                    li { (t(l, Msg::InquiriesIncludeContact)) }
                    li { (t(l, Msg::InquiriesIncludeProduct)) }
                    li { (t(l, Msg::InquiriesIncludeQuestion)) }
                    li { (t(l, Msg::InquiriesIncludeNoPatientData)) }
                }
            }
            section {
                h2 { (t(l, Msg::InquiriesOnlineHeading)) }
                p { (t(l, Msg::InquiriesOnlineText)) }
                @if ctx.user.is_none() {
                    p { (link_button(ButtonKind::Primary, paths::identity::LOGIN, t(l, Msg::InquiriesOnlineSignIn))) }
                }
            }
        },
    )
}

// ---------------------------------------------------------------------------
// Data protection and audit trail
// ---------------------------------------------------------------------------

/// Public page of the audit function: what the audit trail records, why,
/// where it is stored, and how to exercise data-subject rights.
pub fn data_protection(ctx: &PageContext) -> Markup {
    let l = ctx.locale;
    page(
        ctx,
        t(l, Msg::AuditTitle),
        html! {
            h1 { (t(l, Msg::AuditTitle)) }
            p.lead { (t(l, Msg::AuditIntro)) }
            section {
                h2 { (t(l, Msg::AuditWhatHeading)) }
                p { (t(l, Msg::AuditWhatIntro)) }
                ul {
                    li { (t(l, Msg::AuditWhatWho)) }
                    li { (t(l, Msg::AuditWhatWhat)) }
                    li { (t(l, Msg::AuditWhatWhen)) }
                    li { (t(l, Msg::AuditWhatOutcome)) }
                }
                p { (t(l, Msg::AuditTamper)) }
            }
            section {
                h2 { (t(l, Msg::AuditGuaranteeHeading)) }
                p { (t(l, Msg::AuditGuaranteeTree)) }
                p { (t(l, Msg::AuditGuaranteeVerify)) }
                p { (t(l, Msg::AuditGuaranteeLimits)) }
                p {
                    (t(l, Msg::AuditGuaranteeLinks)) " "
                    a href=(paths::audit::KEYS) { (t(l, Msg::AuditKeysLink)) } ", "
                    a href=(paths::audit::CHECKPOINTS) { (t(l, Msg::AuditCheckpointsLink)) } "."
                }
            }
            section {
                h2 { (t(l, Msg::AuditWhyHeading)) }
                p { (t(l, Msg::AuditWhyText)) }
                p { (t(l, Msg::AuditWhyBasis)) }
            }
            section {
                h2 { (t(l, Msg::AuditWhereHeading)) }
                p { (t(l, Msg::AuditWhereText)) }
                p { (t(l, Msg::AuditRetention)) }
            }
            section {
                h2 { (t(l, Msg::AuditRightsHeading)) }
                p { (with_markup(l, Msg::AuditRightsText, "email", mailto(DPO_EMAIL))) }
                p { a href=(paths::content::PRIVACY) { (t(l, Msg::AuditPrivacyLink)) } }
            }
        },
    )
}

// ---------------------------------------------------------------------------
// Development mail outbox
// ---------------------------------------------------------------------------

/// A mail the portal would have sent (development only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxMail {
    /// Data region code, e.g. `eu`.
    pub region: String,
    pub to: String,
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    pub sent_at: OffsetDateTime,
}

/// Plain text with `http(s)://` URLs turned into links (so sign-in and
/// verification links in dev mails can be followed). Everything is
/// escaped by maud; only http(s) URLs become `href`s.
fn linkify(text: &str) -> Markup {
    let mut parts: Vec<(&str, bool)> = Vec::new();
    let mut rest = text;
    loop {
        let start = [rest.find("https://"), rest.find("http://")]
            .into_iter()
            .flatten()
            .min();
        let Some(start) = start else { break };
        let tail = &rest[start..];
        let scheme_len = if tail.starts_with("https://") { 8 } else { 7 };
        let mut end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\''))
            .unwrap_or(tail.len());
        while end > scheme_len && tail[..end].ends_with(['.', ',', ';', ':', '!', '?', ')', ']']) {
            end -= 1;
        }
        if end == scheme_len {
            parts.push((&rest[..start + scheme_len], false));
        } else {
            parts.push((&rest[..start], false));
            parts.push((&tail[..end], true));
        }
        rest = &rest[start + end.max(scheme_len)..];
    }
    parts.push((rest, false));
    html! {
        @for (part, is_link) in parts {
            @if is_link { a href=(part) { (part) } } @else { (part) }
        }
    }
}

/// Development page listing the mails the portal would have sent, in the
/// order given (newest first).
pub fn outbox(ctx: &PageContext, mails: &[OutboxMail]) -> Markup {
    let l = ctx.locale;
    page(
        ctx,
        t(l, Msg::OutboxTitle),
        html! {
            h1 { (t(l, Msg::OutboxTitle)) }
            p.notice.notice--warning { (t(l, Msg::OutboxWarning)) }
            p.lead { (t(l, Msg::OutboxIntro)) }
            @if mails.is_empty() {
                (empty_state(t(l, Msg::OutboxEmptyTitle), t(l, Msg::OutboxEmptyText), None))
            } @else {
                p { (count_text(l, mails.len() as u64, Msg::OutboxCountOne, Msg::OutboxCount, &[])) }
                ol.list {
                    @for mail in mails {
                        li.card {
                            h2 {
                                @if mail.subject.trim().is_empty() { (t(l, Msg::OutboxNoSubject)) }
                                @else { (mail.subject) }
                            }
                            dl.meta {
                                div { dt { (t(l, Msg::OutboxRegion)) } dd { (mail.region) } }
                                div { dt { (t(l, Msg::OutboxTo)) } dd { (mail.to) } }
                                div {
                                    dt { (t(l, Msg::OutboxSent)) }
                                    dd { time datetime=(iso_datetime(mail.sent_at)) { (format_datetime(l, mail.sent_at)) } }
                                }
                            }
                            pre { (linkify(&mail.text)) }
                        }
                    }
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(encode_query_value("clinical_summary"), "clinical_summary");
        assert_eq!(encode_query_value("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
    }

    #[test]
    fn lang_tags() {
        for ok in ["en", "de-AT", "zh-Hant-TW"] {
            assert!(valid_lang_tag(ok), "{ok}");
        }
        for bad in ["", "e", "en_", "en-", "\"><x", "toolonglang", "de-AT-"] {
            assert!(!valid_lang_tag(bad), "{bad}");
        }
    }

    #[test]
    fn markup_placeholder() {
        let html = with_markup(
            Locale::En,
            Msg::AuditRightsText,
            "email",
            html! { b { "x" } },
        )
        .into_string();
        assert!(html.contains("officer at <b>x</b>. Because"), "{html}");
        assert!(!html.contains('{'));
    }

    #[test]
    fn counts_are_pluralised_and_localised() {
        let c = |l, n| count_text(l, n, Msg::LibraryCountOne, Msg::LibraryCount, &[]);
        assert_eq!(c(Locale::En, 0), "0 items");
        assert_eq!(c(Locale::En, 1), "1 item");
        assert_eq!(c(Locale::En, 12345), "12,345 items");
        assert_eq!(c(Locale::De, 1), "1 Eintrag");
        assert_eq!(c(Locale::De, 12345), "12.345 Einträge");
        assert_eq!(
            count_text(
                Locale::De,
                2,
                Msg::SearchCountOne,
                Msg::SearchCount,
                &[("query", "Herz")]
            ),
            "2 Ergebnisse für „Herz“"
        );
    }

    #[test]
    fn linkify_only_links_http_urls() {
        let html = linkify(
            "Open https://x.example/verify?t=1&u=2.\nNot javascript:alert(1) or http:// alone.",
        )
        .into_string();
        assert!(html.contains("<a href=\"https://x.example/verify?t=1&amp;u=2\">https://x.example/verify?t=1&amp;u=2</a>.\nNot"), "{html}");
        assert!(html.contains("javascript:alert(1) or http:// alone."));
        assert_eq!(html.matches("<a ").count(), 1);
        let html = linkify("<b>\"http://a.b/<script>\"</b>").into_string();
        assert!(!html.contains("<script") && !html.contains("<b>"), "{html}");
        assert!(
            html.contains("<a href=\"http://a.b/\">http://a.b/</a>"),
            "{html}"
        );
        assert_eq!(linkify("").into_string(), "");
        assert_eq!(linkify("plain").into_string(), "plain");
    }
}
