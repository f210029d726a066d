//! Search pages: the results page (plain GET forms, works without JavaScript) and the staff
//! page with index status and rebuilds.

use crate::components::{
    ButtonKind, Table, button, data_table, empty_state, hcp_only_badge, link_button, pagination,
};
use crate::format::{format_date, format_datetime, format_number, iso_date, iso_datetime};
use crate::layout::{PageContext, page};
use crate::pages::identity::{COUNTRIES, label_of};
use crate::{Locale, Msg, labels, paths, t, tf};
use maud::{Markup, html};
use time::{Date, OffsetDateTime};

pub use crate::paths::search::{CLICK, SUGGEST};
pub use crate::paths::search_admin::{REBUILD as ADMIN_REBUILD, STATUS as ADMIN};
/// Id of the (initially empty) `<datalist>` the enhancement script fills.
pub const SUGGESTIONS_ID: &str = "search-suggestions";

/// One result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchHit {
    pub title: String,
    /// The link (through the click redirect).
    pub href: String,
    /// The snippet as runs of text; `true` runs are highlighted matches.
    pub snippet: Vec<(String, bool)>,
    pub content_type: String,
    pub therapeutic_area: Option<String>,
    pub product: Option<String>,
    pub published: Option<Date>,
    pub hcp_only: bool,
    /// Language of the item (BCP 47 primary subtag).
    pub language: String,
}

/// One facet value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FacetOption {
    pub value: String,
    /// Already localised (or the value itself).
    pub label: String,
    pub count: u32,
    pub selected: bool,
}

/// A facet: a fieldset of checkboxes (`multi`) or radio buttons.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FacetGroup {
    /// Query parameter name.
    pub param: &'static str,
    pub legend: Msg,
    pub multi: bool,
    pub options: Vec<FacetOption>,
}

/// How the market of a search was decided.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum MarketChoice {
    /// From the signed-in person's country of practice.
    Session(String),
    /// Anonymous visitors pick one (None = global content only); `options` are the markets
    /// that have content.
    Visitor { selected: Option<String>, options: Vec<String> },
    #[default]
    None,
}

/// Data for [`search`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchView {
    /// The query as entered (re-displayed in the field; may be empty).
    pub query: String,
    pub total: u64,
    pub hits: Vec<SearchHit>,
    /// Current page (1-based) and number of pages.
    pub page: u32,
    pub total_pages: u32,
    /// The search URL with query and filters, without `page` (pagination base).
    pub base_href: String,
    pub facets: Vec<FacetGroup>,
    /// Date range as entered (`YYYY-MM-DD` or empty).
    pub date_from: String,
    pub date_to: String,
    /// `(corrected query, href)`.
    pub did_you_mean: Option<(String, String)>,
    /// Terms the search also looked for (synonyms, corrections), for transparency.
    pub expansions: Vec<String>,
    /// Zero results: broader searches that have results, `(query, href)`.
    pub broader: Vec<(String, String)>,
    /// Link to the same search without filters, when filters are set.
    pub clear_filters_href: Option<String>,
    /// Results hidden from this visitor because they are for verified HCPs only.
    pub hidden_hcp: u64,
    pub signed_in: bool,
    pub market: MarketChoice,
    /// The language the results were limited to by default because none exist in the
    /// page's language (e.g. `en`).
    pub language_fallback: Option<String>,
    /// Hidden `prev` field: the search this one follows (reformulation signal).
    pub prev: Option<String>,
    /// No index has been built yet.
    pub unavailable: bool,
}

fn market_label(locale: Locale, code: &str) -> String {
    label_of(locale, COUNTRIES, code)
}

fn hit(l: Locale, h: &SearchHit) -> Markup {
    let other_lang = (Locale::from_tag(&h.language) != Some(l)).then_some(h.language.as_str());
    html! {
        article.card {
            h3 lang=[other_lang] { a href=(h.href) { (h.title) } }
            @if h.hcp_only { p.badges { (hcp_only_badge(l)) } }
            dl.meta {
                @if !h.content_type.is_empty() {
                    div { dt { (t(l, Msg::CardType)) } dd { (labels::content_type(l, &h.content_type)) } }
                }
                @if let Some(area) = &h.therapeutic_area {
                    div { dt { (t(l, Msg::CardArea)) } dd { (labels::area(l, area)) } }
                }
                @if let Some(product) = &h.product {
                    div { dt { (t(l, Msg::ItemProduct)) } dd { (product) } }
                }
                @if let Some(date) = h.published {
                    div { dt { (t(l, Msg::CardPublished)) } dd { time datetime=(iso_date(date)) { (format_date(l, date)) } } }
                }
                @if let Some(name) = other_lang.and_then(|tag| labels::language_name(l, tag)) {
                    div { dt { (t(l, Msg::SearchFacetLanguage)) } dd { (name) } }
                }
            }
            p lang=[other_lang] {
                @for (text, marked) in &h.snippet {
                    @if *marked { mark { (text) } } @else { (text) }
                }
            }
        }
    }
}

fn facet_form(l: Locale, v: &SearchView) -> Markup {
    html! {
        form.filters method="get" action=(paths::search::SEARCH) aria-labelledby="filters-title" {
            h2 #filters-title { (t(l, Msg::SearchFiltersHeading)) }
            input type="hidden" name=(paths::SEARCH_PARAM) value=(v.query);
            @if let MarketChoice::Visitor { selected: Some(m), .. } = &v.market {
                input type="hidden" name="market" value=(m);
            }
            @for g in &v.facets {
                @if !g.options.is_empty() {
                    fieldset.field {
                        legend { (t(l, g.legend)) }
                        @for (i, o) in g.options.iter().enumerate() {
                            @let id = format!("f-{}-{i}", g.param);
                            div.field--checkbox {
                                input id=(id) type=(if g.multi { "checkbox" } else { "radio" }) name=(g.param)
                                    value=(o.value) checked[o.selected];
                                label for=(id) {
                                    (o.label)
                                    @if o.count > 0 { " (" (format_number(l, i64::from(o.count))) ")" }
                                }
                            }
                        }
                    }
                }
            }
            fieldset.field {
                legend { (t(l, Msg::SearchFacetDate)) }
                div.field {
                    label for="f-from" { (t(l, Msg::SearchDateFrom)) }
                    input #f-from type="date" name="from" value=(v.date_from);
                }
                div.field {
                    label for="f-to" { (t(l, Msg::SearchDateTo)) }
                    input #f-to type="date" name="to" value=(v.date_to);
                }
            }
            p.actions {
                (button(ButtonKind::Secondary, t(l, Msg::SearchFiltersApply)))
                @if let Some(href) = &v.clear_filters_href {
                    " " a href=(href) { (t(l, Msg::SearchFiltersClear)) }
                }
            }
        }
    }
}

fn ask(l: Locale) -> Markup {
    html! {
        section.ask aria-labelledby="ask-title" {
            h2 #ask-title { (t(l, Msg::ItemAskHeading)) }
            p { (t(l, Msg::SearchAskText)) }
            p { (link_button(ButtonKind::Primary, paths::inquiries::INQUIRIES, t(l, Msg::ItemAskLink))) }
        }
    }
}

/// Search page: form (with market choice for anonymous visitors), then a hint (no query),
/// results with highlighted snippets, facets and pagination, or zero-result recovery.
pub fn search(ctx: &PageContext, v: &SearchView) -> Markup {
    let l = ctx.locale;
    let query = v.query.trim();
    let title = if query.is_empty() {
        t(l, Msg::SearchTitle).to_string()
    } else {
        tf(l, Msg::SearchTitleQuery, &[("query", query)])
    };
    page(
        ctx,
        &title,
        html! {
            h1 { (t(l, Msg::SearchTitle)) }
            form.search method="get" action=(paths::search::SEARCH) {
                label for="search-q" { (t(l, Msg::SearchPageLabel)) }
                p.hint #search-q-hint { (t(l, Msg::SearchPageHint)) }
                input #search-q type="search" name=(paths::SEARCH_PARAM) value=(v.query)
                    aria-describedby="search-q-hint" autocomplete="off" list=(SUGGESTIONS_ID)
                    data-suggest=(SUGGEST);
                datalist id=(SUGGESTIONS_ID) {}
                @if let Some(prev) = &v.prev { input type="hidden" name="prev" value=(prev); }
                @if let MarketChoice::Visitor { selected, options } = &v.market {
                    @if !options.is_empty() {
                        label for="search-market" { (t(l, Msg::SearchMarketLabel)) }
                        select #search-market name="market" {
                            option value="" selected[selected.is_none()] { (t(l, Msg::SearchMarketGlobal)) }
                            @for m in options {
                                option value=(m) selected[selected.as_deref() == Some(m.as_str())] { (market_label(l, m)) }
                            }
                        }
                    }
                }
                button.btn.btn--primary type="submit" { (t(l, Msg::SearchButton)) }
            }
            @if let MarketChoice::Session(m) = &v.market {
                p.hint { (tf(l, Msg::SearchMarketSession, &[("market", &market_label(l, m))])) }
            }
            @if v.unavailable {
                p.notice.notice--info { (t(l, Msg::SearchUnavailable)) }
            }
            @if query.is_empty() {
                p { (t(l, Msg::SearchNoQuery)) }
                p { a href=(paths::content::LIBRARY) { (t(l, Msg::HomeBrowseLibrary)) } }
            } @else {
                @if let Some(lang) = v.language_fallback.as_deref().and_then(|tag| labels::language_name(l, tag)) {
                    p.notice.notice--info { (tf(l, Msg::SearchLanguageFallback, &[("language", lang)])) }
                }
                @if let Some((text, href)) = &v.did_you_mean {
                    p.did-you-mean { (t(l, Msg::SearchDidYouMean)) " " a href=(href) { (text) } }
                }
                @if v.hidden_hcp > 0 {
                    p.notice.notice--info {
                        (if v.hidden_hcp == 1 { t(l, Msg::SearchHiddenHcpOne).to_owned() } else {
                            tf(l, Msg::SearchHiddenHcp, &[("count", &format_number(l, v.hidden_hcp as i64))])
                        })
                        " "
                        @if v.signed_in { a href=(paths::identity::VERIFY) { (t(l, Msg::SearchHiddenHcpVerify)) } }
                        @else { a href=(paths::identity::LOGIN) { (t(l, Msg::NavSignIn)) } }
                    }
                }
                @if v.hits.is_empty() {
                    section aria-labelledby="results-title" {
                        h2 #results-title { (tf(l, Msg::SearchNoResults, &[("query", query)])) }
                        @if !v.broader.is_empty() {
                            p { (t(l, Msg::SearchBroaderIntro)) }
                            ul {
                                @for (q, href) in &v.broader { li { a href=(href) { (q) } } }
                            }
                        }
                        @if let Some(href) = &v.clear_filters_href {
                            p { a href=(href) { (t(l, Msg::SearchFiltersClearRetry)) } }
                        }
                        p { (t(l, Msg::SearchSuggestionsIntro)) }
                        ul {
                            li { (t(l, Msg::SearchSuggestionSpelling)) }
                            li { (t(l, Msg::SearchSuggestionNames)) }
                            li { (t(l, Msg::SearchSuggestionBroader)) }
                        }
                        p { a href=(paths::content::LIBRARY) { (t(l, Msg::HomeBrowseLibrary)) } }
                    }
                    (ask(l))
                } @else {
                    section aria-labelledby="results-title" {
                        h2 #results-title aria-live="polite" {
                            @if v.total == 1 { (tf(l, Msg::SearchCountOne, &[("query", query)])) }
                            @else {
                                (tf(l, Msg::SearchCount, &[("query", query), ("count", &format_number(l, v.total as i64))]))
                            }
                        }
                        @if !v.expansions.is_empty() {
                            p.hint { (tf(l, Msg::SearchExpansions, &[("terms", &v.expansions.join(", "))])) }
                        }
                        div.cards {
                            @for h in &v.hits { (hit(l, h)) }
                        }
                        (pagination(l, &v.base_href, v.page, v.total_pages))
                    }
                }
                @if !v.facets.iter().all(|g| g.options.is_empty()) || v.clear_filters_href.is_some() {
                    (facet_form(l, v))
                }
                @if !v.hits.is_empty() { (ask(l)) }
            }
        },
    )
}

// ---------------------------------------------------------------------------
// Admin
// ---------------------------------------------------------------------------

/// Progress of a rebuild.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RebuildView {
    /// `reading` (store chunks read so far of `total`) | `done` | `failed`
    pub state: String,
    pub done: u64,
    pub total: u64,
    pub finished: Option<OffsetDateTime>,
}

/// One index on the admin page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexRow {
    /// `DE-de`
    pub name: String,
    pub market: String,
    pub language: String,
    pub generation: u64,
    pub documents: u64,
    pub tombstones: u64,
    pub segments: u64,
    pub bytes: u64,
    pub published: Option<OffsetDateTime>,
    /// `publishing` or `admin`.
    pub published_by: String,
    pub rebuild: Option<RebuildView>,
}

/// Data for [`admin`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchAdminView {
    pub indexes: Vec<IndexRow>,
    /// Stored vocabulary size in bytes, if any.
    pub vocab_bytes: Option<u64>,
    pub csrf: String,
    /// Index just rebuilt (after the POST redirect).
    pub rebuilt: Option<String>,
}

fn kib(l: Locale, bytes: u64) -> String {
    format!("{} KiB", format_number(l, bytes.div_ceil(1024) as i64))
}

/// Staff page: index status per market and language, rebuild buttons (POST + CSRF).
pub fn admin(ctx: &PageContext, v: &SearchAdminView) -> Markup {
    let l = ctx.locale;
    let headers = [
        t(l, Msg::SearchAdminIndex),
        t(l, Msg::SearchAdminGeneration),
        t(l, Msg::SearchAdminDocuments),
        t(l, Msg::SearchAdminSize),
        t(l, Msg::SearchAdminPublished),
        t(l, Msg::SearchAdminRebuild),
    ];
    let rows: Vec<Vec<Markup>> = v
        .indexes
        .iter()
        .map(|r| {
            let lang = labels::language_name(l, &r.language).map_or(r.language.clone(), str::to_owned);
            let market = if r.market == "global" { t(l, Msg::SearchMarketGlobal).to_owned() } else { market_label(l, &r.market) };
            vec![
                html! { (market) " · " (lang) br; small { code { (r.name) } } },
                html! { (format_number(l, r.generation as i64)) },
                html! {
                    (format_number(l, r.documents as i64))
                    @if r.tombstones > 0 { br; small { (tf(l, Msg::SearchAdminTombstones, &[("count", &format_number(l, r.tombstones as i64))])) } }
                    br; small { (tf(l, Msg::SearchAdminSegments, &[("count", &format_number(l, r.segments as i64))])) }
                },
                html! { (kib(l, r.bytes)) },
                html! {
                    @if let Some(at) = r.published {
                        time datetime=(iso_datetime(at)) { (format_datetime(l, at)) }
                        br; small { (if r.published_by == "admin" { t(l, Msg::SearchAdminByAdmin) } else { t(l, Msg::SearchAdminByPublishing) }) }
                    }
                },
                html! {
                    @if let Some(rb) = &r.rebuild {
                        p {
                            @match rb.state.as_str() {
                                "done" => { (t(l, Msg::SearchAdminRebuildDone)) }
                                "failed" => { (t(l, Msg::SearchAdminRebuildFailed)) }
                                _ => {
                                    (tf(l, Msg::SearchAdminRebuildRunning, &[
                                        ("done", &format_number(l, rb.done as i64)),
                                        ("total", &format_number(l, rb.total as i64)),
                                    ]))
                                    " " progress value=(rb.done) max=(rb.total.max(1)) { (rb.done) "/" (rb.total) }
                                }
                            }
                        }
                    }
                    form.inline-form method="post" action=(ADMIN_REBUILD) {
                        input type="hidden" name=(paths::CSRF_FIELD) value=(v.csrf);
                        input type="hidden" name="index" value=(r.name);
                        button.btn.btn--secondary type="submit" aria-label=(tf(l, Msg::SearchAdminRebuildLabel, &[("index", &r.name)])) {
                            (t(l, Msg::SearchAdminRebuildButton))
                        }
                    }
                },
            ]
        })
        .collect();
    page(
        ctx,
        t(l, Msg::SearchAdminTitle),
        html! {
            h1 { (t(l, Msg::SearchAdminTitle)) }
            p.lead { (t(l, Msg::SearchAdminIntro)) }
            @if let Some(name) = &v.rebuilt {
                div.notice.notice--success role="status" { (tf(l, Msg::SearchAdminRebuilt, &[("index", name)])) }
            }
            p {
                @match v.vocab_bytes {
                    Some(b) => { (tf(l, Msg::SearchAdminVocab, &[("size", &kib(l, b))])) }
                    None => { strong { (t(l, Msg::SearchAdminVocabMissing)) } }
                }
            }
            @if v.indexes.is_empty() {
                (empty_state(t(l, Msg::SearchAdminEmptyTitle), t(l, Msg::SearchAdminEmptyText), None))
            } @else {
                (data_table(&Table {
                    id: "search-indexes",
                    caption: t(l, Msg::SearchAdminCaption),
                    headers: &headers,
                    rows: &rows,
                    row_headers: true,
                }))
            }
        },
    )
}
