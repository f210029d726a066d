//! The reader's own sections and pages: "new since your last visit" and "continue where you
//! left off" on the home page, saved items, a series with the reader's progress, and on an
//! item its relevance cues (updated, for which specialties, reading time), its translations,
//! "save for later", its place in a series and related content. Complete without JavaScript:
//! every action is a form POST answered by a redirect.

use maud::{Markup, html};
use time::{Date, OffsetDateTime};

use super::with_markup;
use crate::components::{ContentCard, empty_state, hcp_only_badge};
use crate::format::{format_date, format_datetime, format_number, iso_date, iso_datetime};
use crate::layout::{PageContext, page};
use crate::{Locale, Msg, labels, paths, t, tf};

/// What "new since your last visit" shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSince {
    /// The end of the reader's previous visit; `None` on their first visit.
    pub since: Option<OffsetDateTime>,
    /// The newest items published for the reader's market since then.
    pub items: Vec<ContentCard>,
    /// How many there are in all.
    pub total: u32,
}

/// The home page's personal sections (empty for anonymous visitors).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HomeExtras {
    pub new_since: Option<NewSince>,
    /// Recently opened items, newest first.
    pub recent: Vec<ContentCard>,
    pub signed_in: bool,
}

/// Titles with their type and date: a compact list for the personal sections.
fn compact_list(l: Locale, cards: &[ContentCard]) -> Markup {
    html! {
        ul.compact-list {
            @for c in cards {
                li {
                    a href=(c.href) { (c.title) }
                    @if c.hcp_only { " " (hcp_only_badge(l)) }
                    " "
                    small {
                        (labels::content_type(l, &c.content_type)) ", "
                        time datetime=(iso_date(c.published)) { (format_date(l, c.published)) }
                    }
                }
            }
        }
    }
}

fn when(l: Locale, at: OffsetDateTime) -> Markup {
    html! { time datetime=(iso_datetime(at)) { (format_datetime(l, at)) } }
}

/// The personal sections of the home page.
pub fn home_sections(l: Locale, x: &HomeExtras) -> Markup {
    html! {
        @if let Some(n) = &x.new_since {
            section #new-since aria-labelledby="new-since-title" {
                h2 #new-since-title { (t(l, Msg::ReaderNewHeading)) }
                @match n.since {
                    None => p { (t(l, Msg::ReaderNewFirst)) },
                    Some(since) if n.items.is_empty() => p { (with_markup(l, Msg::ReaderNewNone, "date", when(l, since))) },
                    Some(since) => {
                        p { (with_markup(l, Msg::ReaderNewSince, "date", when(l, since))) }
                        (compact_list(l, &n.items))
                        @if n.total as usize > n.items.len() {
                            p { a href=(paths::content::LIBRARY) {
                                (tf(l, Msg::ReaderNewMore, &[("count", &format_number(l, i64::from(n.total) - n.items.len() as i64))]))
                            } }
                        }
                    }
                }
            }
        }
        @if !x.recent.is_empty() {
            section #continue aria-labelledby="continue-title" {
                h2 #continue-title { (t(l, Msg::ReaderContinueHeading)) }
                (compact_list(l, &x.recent))
            }
        }
        @if x.signed_in {
            p { a href=(paths::content::SAVED) { (t(l, Msg::ReaderSavedLink)) } }
        }
    }
}

/// The "save for later" / "remove" form of one item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaveButton {
    pub slug: String,
    pub saved: bool,
    pub csrf: String,
    /// Return to the saved-items page (not the item) after the POST.
    pub back_to_saved: bool,
}

fn save_form(l: Locale, s: &SaveButton) -> Markup {
    html! {
        form.inline-form method="post" action=(paths::content::SAVED) {
            input type="hidden" name=(paths::CSRF_FIELD) value=(s.csrf);
            input type="hidden" name="item" value=(s.slug);
            input type="hidden" name="action" value=(if s.saved { "unsave" } else { "save" });
            @if s.back_to_saved { input type="hidden" name="back" value="saved"; }
            button.btn.btn--secondary type="submit" {
                @if s.saved { (t(l, Msg::ReaderUnsave)) } @else { (t(l, Msg::ReaderSave)) }
            }
        }
    }
}

/// Relevance cues: updated when, for which specialties, reading time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cues {
    pub updated: Date,
    /// Specialty codes (`general-practice`).
    pub specialties: Vec<String>,
    pub reading_minutes: u32,
}

/// Another language version of the same item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Translation {
    /// BCP 47 tag.
    pub language: String,
    pub href: String,
    pub title: String,
}

/// The item's place in its series.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeriesNav {
    pub id: String,
    pub title: String,
    /// 1-based, among the parts visible to the reader.
    pub position: usize,
    pub total: usize,
    pub previous: Option<(String, String)>,
    pub next: Option<(String, String)>,
    /// The reader completed this part (`None`: not signed in).
    pub completed: Option<bool>,
    pub slug: String,
    pub csrf: Option<String>,
}

/// What an item page shows beyond the item itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ItemExtras {
    pub cues: Option<Cues>,
    pub translations: Vec<Translation>,
    pub save: Option<SaveButton>,
    pub series: Option<SeriesNav>,
    pub related: Vec<ContentCard>,
}

/// A specialty's name (codes without a name are shown as they are).
pub fn specialty(l: Locale, code: &str) -> &str {
    let msg = match code {
        "general-practice" => Msg::SpecialtyGeneralPractice,
        "cardiology" => Msg::SpecialtyCardiology,
        "oncology" => Msg::SpecialtyOncology,
        "infectious-diseases" => Msg::SpecialtyInfectiousDiseases,
        "endocrinology" => Msg::SpecialtyEndocrinology,
        "neurology" => Msg::SpecialtyNeurology,
        "pulmonology" => Msg::SpecialtyPulmonology,
        "rheumatology" => Msg::SpecialtyRheumatology,
        "gastroenterology" => Msg::SpecialtyGastroenterology,
        "pharmacy" => Msg::SpecialtyPharmacy,
        _ => return code,
    };
    t(l, msg)
}

/// Under the item's title: relevance cues, translations and "save for later".
pub fn item_top(l: Locale, x: &ItemExtras) -> Markup {
    html! {
        @if let Some(c) = &x.cues {
            dl.meta.cues {
                div { dt { (t(l, Msg::ReaderCueUpdated)) } dd { time datetime=(iso_date(c.updated)) { (format_date(l, c.updated)) } } }
                @if !c.specialties.is_empty() {
                    div { dt { (t(l, Msg::ReaderCueSpecialties)) } dd {
                        @for (i, s) in c.specialties.iter().enumerate() { @if i > 0 { ", " } (specialty(l, s)) }
                    } }
                }
                div { dt { (t(l, Msg::ReaderCueReading)) } dd { (tf(l, Msg::ReaderCueMinutes, &[("n", &c.reading_minutes.to_string())])) } }
            }
        }
        @if !x.translations.is_empty() {
            p.translations {
                (t(l, Msg::ReaderTranslations)) " "
                @for (i, tr) in x.translations.iter().enumerate() {
                    @if i > 0 { ", " }
                    a href=(tr.href) hreflang=(tr.language) lang=(tr.language) { (tr.title) }
                    " (" (labels::language_name(l, &tr.language).unwrap_or(&tr.language)) ")"
                }
            }
        }
        @if let Some(s) = &x.save { (save_form(l, s)) }
    }
}

/// After the item: its series (parts, progress) and related content.
pub fn item_bottom(l: Locale, x: &ItemExtras) -> Markup {
    html! {
        @if let Some(s) = &x.series {
            nav.series aria-labelledby="series-title" {
                h2 #series-title { (tf(l, Msg::ReaderSeriesPart, &[("n", &s.position.to_string()), ("total", &s.total.to_string()), ("title", &s.title)])) }
                ul {
                    @if let Some((href, title)) = &s.previous { li { (t(l, Msg::ReaderSeriesPrevious)) ": " a href=(href) rel="prev" { (title) } } }
                    @if let Some((href, title)) = &s.next { li { (t(l, Msg::ReaderSeriesNext)) ": " a href=(href) rel="next" { (title) } } }
                    li { a href=(paths::content::series(&s.id)) { (t(l, Msg::ReaderSeriesLink)) } }
                }
                @match (s.completed, &s.csrf) {
                    (Some(true), _) => p.done { (t(l, Msg::ReaderSeriesCompleted)) },
                    (Some(false), Some(csrf)) => form.inline-form method="post" action=(paths::content::progress(&s.slug)) {
                        input type="hidden" name=(paths::CSRF_FIELD) value=(csrf);
                        button.btn.btn--secondary type="submit" { (t(l, Msg::ReaderSeriesComplete)) }
                    },
                    _ => {}
                }
            }
        }
        @if !x.related.is_empty() {
            section.related aria-labelledby="related-title" {
                h2 #related-title { (t(l, Msg::ReaderRelatedHeading)) }
                (compact_list(l, &x.related))
            }
        }
    }
}

/// Data for [`saved`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedView {
    pub items: Vec<ContentCard>,
    pub csrf: String,
}

/// The reader's saved items, each with its "remove" form.
pub fn saved(ctx: &PageContext, view: &SavedView) -> Markup {
    let l = ctx.locale;
    page(
        ctx,
        t(l, Msg::ReaderSavedTitle),
        html! {
            h1 { (t(l, Msg::ReaderSavedTitle)) }
            p.lead { (t(l, Msg::ReaderSavedIntro)) }
            @if view.items.is_empty() {
                (empty_state(t(l, Msg::ReaderSavedEmptyTitle), t(l, Msg::ReaderSavedEmptyText), Some((paths::content::LIBRARY, t(l, Msg::HomeBrowseLibrary)))))
            } @else {
                ul.compact-list {
                    @for c in &view.items {
                        li {
                            a href=(c.href) { (c.title) }
                            " "
                            small { (labels::content_type(l, &c.content_type)) ", " time datetime=(iso_date(c.published)) { (format_date(l, c.published)) } }
                            (save_form(l, &SaveButton {
                                slug: c.href.trim_start_matches(paths::content::ITEM_PREFIX).to_owned(),
                                saved: true,
                                csrf: view.csrf.clone(),
                                back_to_saved: true,
                            }))
                        }
                    }
                }
            }
        },
    )
}

/// One part of a series with the reader's progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeriesPart {
    pub card: ContentCard,
    /// `None`: not signed in.
    pub done: Option<bool>,
}

/// Data for [`series`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeriesView {
    pub title: String,
    pub parts: Vec<SeriesPart>,
}

/// A series: its parts in order and, for a signed-in reader, their progress.
pub fn series(ctx: &PageContext, view: &SeriesView) -> Markup {
    let l = ctx.locale;
    let done = view.parts.iter().filter(|p| p.done == Some(true)).count();
    let signed_in = view.parts.iter().any(|p| p.done.is_some());
    page(
        ctx,
        &view.title,
        html! {
            h1 { (view.title) }
            p.lead { (t(l, Msg::ReaderSeriesIntro)) }
            @if signed_in {
                p { (tf(l, Msg::ReaderSeriesProgress, &[("done", &done.to_string()), ("total", &view.parts.len().to_string())])) }
                progress max=(view.parts.len()) value=(done) aria-label=(t(l, Msg::ReaderSeriesLink)) { (done) "/" (view.parts.len()) }
            }
            ol.series-parts {
                @for p in &view.parts {
                    li {
                        a href=(p.card.href) { (p.card.title) }
                        @if p.card.hcp_only { " " (hcp_only_badge(l)) }
                        @match p.done {
                            Some(true) => { " — " strong { (t(l, Msg::ReaderSeriesStatusDone)) } },
                            Some(false) => { " — " span { (t(l, Msg::ReaderSeriesStatusOpen)) } },
                            None => {}
                        }
                    }
                }
            }
        },
    )
}
