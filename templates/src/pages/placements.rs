//! An item's places in series and educational modules, on `/author/{id}`: the series it is in
//! (each with its position and, for authors, a removal), and for authors the form that puts it
//! in a series (an existing one by its code, or a new one with a title) at a position or moves
//! it there. Plain forms: no JavaScript.

use maud::{Markup, html};

use crate::components::{ButtonKind, Field, FieldError, FieldKind, button, error_summary, field};
use crate::{Locale, Msg, paths, t, tf};

/// One series the item is placed in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlacementRow {
    pub series: String,
    pub title: String,
    pub position: i64,
}

/// The values of the placement form (shown again with the problem when refused).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlacementForm {
    pub series: String,
    pub title: String,
    pub position: String,
}

/// The series panel of an item's authoring page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeriesPanel {
    pub csrf: String,
    /// Where a placement (new or moved) is posted.
    pub action: String,
    /// Where a removal is posted.
    pub remove_action: String,
    pub placements: Vec<PlacementRow>,
    /// Every series of the library: code and title.
    pub known: Vec<(String, String)>,
    pub can_place: bool,
    pub form: PlacementForm,
    /// A refused placement's error code (`series_code`, `series_title`, `series_position`).
    pub error: Option<String>,
}

/// The field a refused placement's code points at, and its message.
fn problem(l: Locale, code: &str) -> (&'static str, &'static str) {
    match code {
        "series_code" => ("series", t(l, Msg::SeriesDeskErrorCode)),
        "series_title" => ("series_title", t(l, Msg::SeriesDeskErrorTitle)),
        _ => ("position", t(l, Msg::SeriesDeskErrorPosition)),
    }
}

pub fn panel(l: Locale, v: &SeriesPanel) -> Markup {
    let refused = v.error.as_deref().map(|c| problem(l, c));
    let error_of = |id: &str| refused.filter(|(f, _)| *f == id).map(|(_, m)| m);
    html! {
        section aria-labelledby="series-title" {
            h2 #series-title { (t(l, Msg::SeriesDeskTitle)) }
            @if v.placements.is_empty() {
                p { (t(l, Msg::SeriesDeskNone)) }
            } @else {
                table {
                    caption.visually-hidden { (t(l, Msg::SeriesDeskTitle)) }
                    thead { tr {
                        th scope="col" { (t(l, Msg::SeriesDeskColSeries)) }
                        th scope="col" { (t(l, Msg::SeriesDeskColPosition)) }
                        @if v.can_place { th scope="col" { (t(l, Msg::SeriesDeskColAction)) } }
                    } }
                    tbody { @for p in &v.placements { tr {
                        td { a href=(paths::content::series(&p.series)) { (p.title) } " " code { (p.series) } }
                        td { (p.position) }
                        @if v.can_place { td {
                            form.inline-form method="post" action=(v.remove_action) {
                                input type="hidden" name=(paths::CSRF_FIELD) value=(v.csrf);
                                input type="hidden" name="series" value=(p.series);
                                button.btn.btn--secondary type="submit" { (t(l, Msg::SeriesDeskRemove)) span.visually-hidden { " " (p.title) } }
                            }
                        } }
                    } } }
                }
            }
            @if v.can_place {
                h3 { (t(l, Msg::SeriesDeskPlace)) }
                @if let Some((id, message)) = refused {
                    (error_summary(l, &[FieldError { field_id: id, message }]))
                }
                form method="post" action=(v.action) novalidate {
                    input type="hidden" name=(paths::CSRF_FIELD) value=(v.csrf);
                    (field(l, &Field::new(FieldKind::Text, "series", "series", t(l, Msg::SeriesDeskCode)).value(&v.form.series).hint(t(l, Msg::SeriesDeskCodeHint)).error(error_of("series")).required()))
                    (field(l, &Field::new(FieldKind::Text, "series_title", "series_title", t(l, Msg::SeriesDeskName)).value(&v.form.title).hint(t(l, Msg::SeriesDeskNameHint)).error(error_of("series_title"))))
                    (field(l, &Field::new(FieldKind::Text, "position", "position", t(l, Msg::SeriesDeskPosition)).value(&v.form.position).hint(t(l, Msg::SeriesDeskPositionHint)).error(error_of("position")).required()))
                    (button(ButtonKind::Secondary, t(l, Msg::SeriesDeskSubmit)))
                }
                @if !v.known.is_empty() {
                    h3 #series-known { (t(l, Msg::SeriesDeskKnown)) }
                    ul aria-labelledby="series-known" { @for (code, title) in &v.known {
                        li { code { (code) } " " (tf(l, Msg::SeriesDeskKnownTitle, &[("title", title)])) }
                    } }
                }
            }
        }
    }
}
