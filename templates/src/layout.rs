//! The HTML document frame shared by every page.

use crate::components::{NoticeKind, notice};
use crate::{CSS_PATH, Locale, Msg, paths, t, tf};
use maud::{DOCTYPE, Markup, html};

/// The signed-in user, as shown in the header.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserInfo {
    pub display_name: String,
    /// Already localised, e.g. "Verified HCP" / "Verifizierte Fachperson".
    pub role_label: String,
}

/// Medical Information contact shown in the footer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MedicalContact {
    /// Shown as written; the `tel:` link keeps only `+` and digits.
    pub phone: String,
    pub email: String,
}

impl Default for MedicalContact {
    /// Placeholder values for development; deployments must configure the
    /// real Medical Information line and mailbox.
    fn default() -> Self {
        MedicalContact {
            phone: "+1 800 555 0100".to_string(),
            email: "medinfo@example.com".to_string(),
        }
    }
}

/// A one-off message shown at the top of `<main>` (e.g. after a redirect).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Flash {
    pub kind: NoticeKind,
    pub text: String,
}

/// Per-request data the layout needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageContext {
    pub locale: Locale,
    /// Request path without query, e.g. `/content/abc`. Used for
    /// `aria-current` and the language switcher. Anything that is not a
    /// plain absolute path is treated as `/`.
    pub path: String,
    /// Raw query string without `?` (may be empty). The language switcher
    /// keeps it, minus any existing `lang` parameter.
    pub query: String,
    pub user: Option<UserInfo>,
    /// Token for the sign-out form's hidden `csrf` field.
    pub csrf_token: Option<String>,
    /// Shows a "development environment" banner and asks robots not to index.
    pub dev_mode: bool,
    pub flash: Option<Flash>,
    pub contact: MedicalContact,
    /// A same-origin script (progressive enhancement only: every page works without it),
    /// loaded with `defer`. The CSP allows `'self'` scripts, never inline ones.
    pub script: Option<String>,
}

impl Default for PageContext {
    fn default() -> Self {
        PageContext::new(Locale::En, "/")
    }
}

impl PageContext {
    /// Anonymous context for `path` in `locale`, default contact.
    pub fn new(locale: Locale, path: &str) -> Self {
        PageContext {
            locale,
            path: path.to_string(),
            query: String::new(),
            user: None,
            csrf_token: None,
            dev_mode: false,
            flash: None,
            contact: MedicalContact::default(),
            script: None,
        }
    }

    /// The path, or `/` when it is not a safe same-origin absolute path
    /// (e.g. `//evil.example` would otherwise become an off-site link).
    fn safe_path(&self) -> &str {
        let p = self.path.as_str();
        let ok = p.starts_with('/')
            && !p.starts_with("//")
            && !p
                .bytes()
                .any(|b| b == b'\\' || b == b'?' || b == b'#' || b.is_ascii_control());
        if ok { p } else { "/" }
    }

    /// Link to the current page in another language.
    pub fn lang_href(&self, locale: Locale) -> String {
        let mut href = String::from(self.safe_path());
        let mut sep = '?';
        for pair in self.query.split('&').filter(|p| !p.is_empty()) {
            let name = pair.split_once('=').map_or(pair, |(n, _)| n);
            if name == paths::LANG_PARAM || pair.bytes().any(|b| b == b'#' || b.is_ascii_control())
            {
                continue;
            }
            href.push(sep);
            href.push_str(pair);
            sep = '&';
        }
        href.push(sep);
        href.push_str(paths::LANG_PARAM);
        href.push('=');
        href.push_str(locale.code());
        href
    }

    /// `aria-current` value for a nav link: `page` on the page itself,
    /// `true` inside its section (e.g. `/content/x` for `/content`).
    fn current_for(&self, href: &str) -> Option<&'static str> {
        let path = self.safe_path();
        if path == href {
            Some("page")
        } else if href != "/" && path.starts_with(href) && path[href.len()..].starts_with('/') {
            Some("true")
        } else {
            None
        }
    }
}

/// `tel:` URL for a phone number as written.
pub(crate) fn tel_href(phone: &str) -> String {
    // "+49 (0)800 ..." is dialled internationally without the "(0)".
    let mut s = String::from("tel:");
    s.extend(
        phone
            .replace("(0)", "")
            .chars()
            .filter(|c| *c == '+' || c.is_ascii_digit()),
    );
    s
}

/// Wraps `body` in the full HTML document: head, skip link, header with
/// primary navigation, `<main id="main">`, footer.
pub fn page(ctx: &PageContext, title: &str, body: Markup) -> Markup {
    let l = ctx.locale;
    let nav_link = |href: &str, msg: Msg| {
        html! { li { a href=(href) aria-current=[ctx.current_for(href)] { (t(l, msg)) } } }
    };
    html! {
        (DOCTYPE)
        html lang=(l.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                @if ctx.dev_mode { meta name="robots" content="noindex, nofollow"; }
                title { (tf(l, Msg::PageTitle, &[("title", title)])) }
                link rel="stylesheet" href=(CSS_PATH);
                // No icon yet: an empty one stops browsers requesting /favicon.ico (a 404).
                link rel="icon" href="data:,";
                @if let Some(src) = &ctx.script { script src=(src) defer {} }
            }
            body {
                a.skip-link href="#main" { (t(l, Msg::SkipToContent)) }
                @if ctx.dev_mode { p.dev-banner { (t(l, Msg::DevBanner)) } }
                header.site-header {
                    div.container.header-top {
                        p.brand {
                            a.site-name href=(paths::content::HOME) { (t(l, Msg::SiteName)) }
                            " "
                            span.tagline { (t(l, Msg::SiteTagline)) }
                        }
                        @if let Some(user) = &ctx.user {
                            p.user {
                                (tf(l, Msg::UserSignedInAs, &[
                                    ("name", &user.display_name),
                                    ("role", &user.role_label),
                                ]))
                            }
                        }
                    }
                    nav.container.primary-nav aria-label=(t(l, Msg::NavLabel)) {
                        ul.nav {
                            (nav_link(paths::content::HOME, Msg::NavHome))
                            (nav_link(paths::content::LIBRARY, Msg::NavLibrary))
                            (nav_link(paths::inquiries::INQUIRIES, Msg::NavAsk))
                            @if ctx.user.is_some() {
                                (nav_link(paths::identity::ACCOUNT, Msg::NavAccount))
                                li {
                                    form.inline-form method="post" action=(paths::identity::LOGOUT) {
                                        input type="hidden" name=(paths::CSRF_FIELD)
                                            value=(ctx.csrf_token.as_deref().unwrap_or(""));
                                        button.link-button type="submit" { (t(l, Msg::NavSignOut)) }
                                    }
                                }
                            } @else {
                                (nav_link(paths::identity::LOGIN, Msg::NavSignIn))
                            }
                        }
                        form.search.site-search role="search" method="get" action=(paths::search::SEARCH) {
                            label for="site-search-q" { (t(l, Msg::SearchLabel)) }
                            input #site-search-q type="search" name=(paths::SEARCH_PARAM) autocomplete="off";
                            button.btn.btn--secondary type="submit" { (t(l, Msg::SearchButton)) }
                        }
                    }
                }
                main #main tabindex="-1" {
                    div.container {
                        @if let Some(flash) = &ctx.flash { (notice(flash.kind, flash.text.as_str())) }
                        (body)
                    }
                }
                footer.site-footer {
                    div.container {
                        section.contact aria-labelledby="footer-contact-title" {
                            h2 #footer-contact-title { (t(l, Msg::FooterContactHeading)) }
                            p { (t(l, Msg::FooterContactText)) }
                            ul.contact-list {
                                li {
                                    (t(l, Msg::FooterPhone)) ": "
                                    a href=(tel_href(&ctx.contact.phone)) { (ctx.contact.phone) }
                                }
                                li {
                                    (t(l, Msg::FooterEmail)) ": "
                                    a href={ "mailto:" (ctx.contact.email) } { (ctx.contact.email) }
                                }
                            }
                        }
                        p.hcp-notice { (t(l, Msg::FooterHcpOnly)) }
                        p.ae-notice { (t(l, Msg::FooterAdverseEvents)) }
                        nav aria-label=(t(l, Msg::FooterLegalLabel)) {
                            ul.footer-links {
                                li { a href=(paths::content::PRIVACY) { (t(l, Msg::FooterPrivacy)) } }
                                li { a href=(paths::content::TERMS) { (t(l, Msg::FooterTerms)) } }
                                li { a href=(paths::content::IMPRINT) { (t(l, Msg::FooterImprint)) } }
                                li { a href=(paths::content::ACCESSIBILITY) { (t(l, Msg::FooterAccessibility)) } }
                            }
                        }
                        nav aria-label=(t(l, Msg::LangSwitcherLabel)) {
                            ul.lang-switch {
                                @for other in Locale::ALL {
                                    li {
                                        a href=(ctx.lang_href(other)) lang=(other.code()) hreflang=(other.code())
                                            aria-current=[(other == l).then_some("true")] {
                                            (crate::native_name(other))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_href_keeps_query_and_replaces_lang() {
        let mut ctx = PageContext::new(Locale::En, "/search");
        ctx.query = "q=asthma&lang=en&page=2".into();
        assert_eq!(ctx.lang_href(Locale::De), "/search?q=asthma&page=2&lang=de");
        ctx.query.clear();
        assert_eq!(ctx.lang_href(Locale::De), "/search?lang=de");
    }

    #[test]
    fn lang_href_never_leaves_the_site() {
        for bad in [
            "//evil.example/x",
            "https://evil.example",
            "",
            "/\\evil",
            "javascript:alert(1)",
        ] {
            let ctx = PageContext::new(Locale::En, bad);
            assert_eq!(ctx.lang_href(Locale::De), "/?lang=de", "{bad}");
        }
    }

    #[test]
    fn current_nav_item() {
        let ctx = PageContext::new(Locale::En, "/content/abc");
        assert_eq!(ctx.current_for("/content"), Some("true"));
        assert_eq!(ctx.current_for("/"), None);
        let ctx = PageContext::new(Locale::En, "/contentious");
        assert_eq!(ctx.current_for("/content"), None);
        let ctx = PageContext::new(Locale::En, "/");
        assert_eq!(ctx.current_for("/"), Some("page"));
    }

    #[test]
    fn tel_links_keep_digits() {
        assert_eq!(tel_href("+49 (0)800 123-45"), "tel:+4980012345");
        assert_eq!(tel_href("0800 123 45"), "tel:080012345");
    }
}
