//! Complete pages. Each function returns the whole HTML document.

use crate::components::{ButtonKind, content_card, empty_state, link_button};
use crate::layout::{PageContext, page};
use crate::{Msg, routes, t, tf};
use maud::{Markup, html};

pub use crate::components::ContentCard;

/// Data for [`home`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HomeView {
    /// Featured content, in display order (may be empty).
    pub featured: Vec<ContentCard>,
}

/// Heading for an HTTP error status.
fn error_title(status: u16) -> Msg {
    match status {
        401 => Msg::ErrorTitle401,
        403 => Msg::ErrorTitle403,
        404 | 410 => Msg::ErrorTitle404,
        405 => Msg::ErrorTitle405,
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
                        (link_button(ButtonKind::Primary, routes::LOGIN, t(l, Msg::NavSignIn)))
                        " "
                    }
                    (link_button(
                        if status == 401 { ButtonKind::Secondary } else { ButtonKind::Primary },
                        routes::HOME,
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
                form.search role="search" method="get" action=(routes::SEARCH) {
                    label for="home-search-q" { (t(l, Msg::HomeSearchLabel)) }
                    p.hint #home-search-hint { (t(l, Msg::HomeSearchHint)) }
                    input #home-search-q type="search" name=(routes::SEARCH_PARAM)
                        aria-describedby="home-search-hint" autocomplete="off";
                    button.btn.btn--primary type="submit" { (t(l, Msg::SearchButton)) }
                }
            }
            section aria-labelledby="featured-title" {
                h2 #featured-title { (t(l, Msg::HomeFeaturedHeading)) }
                @if view.featured.is_empty() {
                    (empty_state(
                        t(l, Msg::HomeFeaturedEmptyTitle),
                        t(l, Msg::HomeFeaturedEmptyText),
                        Some((routes::LIBRARY, t(l, Msg::HomeBrowseLibrary))),
                    ))
                } @else {
                    div.cards {
                        @for card in &view.featured { (content_card(l, card)) }
                    }
                    p { a href=(routes::LIBRARY) { (t(l, Msg::HomeBrowseLibrary)) } }
                }
            }
            section.ask aria-labelledby="ask-title" {
                h2 #ask-title { (t(l, Msg::HomeAskHeading)) }
                p { (t(l, Msg::HomeAskText)) }
                p { (link_button(ButtonKind::Primary, routes::INQUIRIES, t(l, Msg::HomeAskLink))) }
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
