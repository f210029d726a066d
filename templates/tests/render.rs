//! Rendering tests: whole pages in both locales, escaping, landmarks,
//! labels, no inline script/style.

use medportal_templates::components::{
    self, ButtonKind, ContentCard, Crumb, Field, FieldError, FieldKind, NoticeKind, SelectOption,
    Table, data_table, error_summary, field, pagination,
};
use medportal_templates::layout::{Flash, page};
use medportal_templates::pages::{HomeView, error_page, home, simple_page};
use medportal_templates::{CSS_PATH, Locale, Markup, Msg, PageContext, UserInfo, html, t};
use time::{Date, Month};

fn ctx(locale: Locale, signed_in: bool) -> PageContext {
    let mut ctx = PageContext::new(locale, "/");
    if signed_in {
        ctx.user = Some(UserInfo {
            display_name: "Dr. Erika Mustermann".into(),
            role_label: "HCP".into(),
        });
        ctx.csrf_token = Some("tok123".into());
    }
    ctx
}

fn card(title: &str) -> ContentCard {
    ContentCard {
        title: title.into(),
        href: "/content/abc".into(),
        content_type: "Article".into(),
        therapeutic_area: "Cardiology".into(),
        published: Date::from_calendar_date(2026, Month::November, 23).unwrap(),
        hcp_only: true,
        summary: Some("Summary".into()),
    }
}

fn form_demo(locale: Locale) -> Markup {
    let options = [
        SelectOption {
            value: "cardio",
            label: "Cardiology",
        },
        SelectOption {
            value: "onco",
            label: "Oncology",
        },
    ];
    let rows = vec![
        vec![html! { "Row 1" }, html! { "1,234" }],
        vec![
            html! { "Row 2" },
            html! { (components::verified_badge(locale)) },
        ],
    ];
    html! {
        (error_summary(locale, &[FieldError { field_id: "email", message: "Enter an email address" }]))
        (components::breadcrumb(locale, &[Crumb { label: "Home", href: "/" }], "Here"))
        form method="post" action="/x" {
            (field(locale, &Field::new(FieldKind::Email, "email", "email", "Email")
                .hint("We reply here").error(Some("Enter an email address")).required()
                .autocomplete("email")))
            (field(locale, &Field::new(FieldKind::Text, "name", "name", "Name").value("A")))
            (field(locale, &Field::new(FieldKind::Password, "pw", "pw", "Password")))
            (field(locale, &Field::new(FieldKind::Textarea, "q", "question", "Question").hint("Max 2000")))
            (field(locale, &Field::new(FieldKind::Select(&options), "area", "area", "Area").value("onco")))
            (field(locale, &Field::new(FieldKind::Checkbox, "ok", "consent", "I agree").checked(true)
                .error(Some("Please confirm"))))
            (components::button(ButtonKind::Primary, "Send"))
            (components::button_with_value(ButtonKind::Secondary, "Save draft", "action", "draft"))
        }
        (data_table(&Table { id: "t1", caption: "Numbers", headers: &["Name", "Value"], rows: &rows, row_headers: true }))
        (pagination(locale, "/content?area=x", 5, 10))
        (components::notice(NoticeKind::Warning, "Careful"))
        (components::empty_state("Nothing", "Nothing here", Some(("/", "Home"))))
        (components::link_button(ButtonKind::Secondary, "/", "Back"))
    }
}

/// Every page in every state we can produce, per locale.
fn all_pages(locale: Locale) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for signed_in in [false, true] {
        let mut c = ctx(locale, signed_in);
        c.dev_mode = signed_in;
        c.flash = signed_in.then(|| Flash {
            kind: NoticeKind::Success,
            text: "Saved".into(),
        });
        out.push(("home-empty", home(&c, &HomeView::default()).into_string()));
        out.push((
            "home-cards",
            home(
                &c,
                &HomeView {
                    featured: vec![card("A"), card("B")],
                },
            )
            .into_string(),
        ));
        for (status, msg) in [
            (400, Msg::ErrorMsgBadRequest),
            (401, Msg::ErrorMsgUnauthorized),
            (403, Msg::ErrorMsgForbidden),
            (403, Msg::ErrorMsgCsrf),
            (404, Msg::ErrorMsgNotFound),
            (405, Msg::ErrorMsgMethodNotAllowed),
            (413, Msg::ErrorMsgTooLarge),
            (429, Msg::ErrorMsgRateLimited),
            (500, Msg::ErrorMsgInternal),
            (503, Msg::ErrorMsgUnavailable),
            (418, Msg::ErrorMsgBadRequest),
            (502, Msg::ErrorMsgInternal),
        ] {
            out.push(("error", error_page(&c, status, "E_TEST", msg).into_string()));
        }
        out.push((
            "simple",
            simple_page(&c, "Inquiries", "Ask us.", form_demo(locale)).into_string(),
        ));
    }
    out
}

/// Crude attribute extraction from one tag's text.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    Some(&tag[start..start + tag[start..].find('"')?])
}

/// All opening tags `<name ...>` in `html`.
fn tags<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name}");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        let tail = &rest[i..];
        let end = tail.find('>').expect("unclosed tag");
        let next = tail.as_bytes()[open.len()];
        if next == b' ' || next == b'>' || next == b'/' {
            out.push(&tail[..=end]);
        }
        rest = &tail[end..];
    }
    out
}

#[test]
fn every_page_renders_completely_in_every_locale() {
    for locale in Locale::ALL {
        for (name, html) in all_pages(locale) {
            assert!(html.starts_with("<!DOCTYPE html>"), "{name}");
            assert!(
                html.contains(&format!("<html lang=\"{}\">", locale.code())),
                "{name}"
            );
            // No unreplaced placeholders (the fixtures contain no braces).
            assert!(
                !html.contains('{') && !html.contains('}'),
                "{name}: placeholder left"
            );
            // The chrome is in the page's language.
            assert!(html.contains(t(locale, Msg::NavHome)), "{name}");
            assert!(
                html.contains(t(locale, Msg::FooterContactHeading)),
                "{name}"
            );
        }
    }
    // German pages carry none of the English chrome, and vice versa.
    for (name, html) in all_pages(Locale::De) {
        for msg in [
            Msg::NavLibrary,
            Msg::NavAsk,
            Msg::FooterAdverseEvents,
            Msg::SkipToContent,
        ] {
            assert!(
                !html.contains(t(Locale::En, msg)),
                "{name}: English {:?} on German page",
                msg
            );
        }
    }
    for (name, html) in all_pages(Locale::En) {
        for msg in [Msg::NavLibrary, Msg::NavAsk, Msg::FooterAdverseEvents] {
            assert!(
                !html.contains(t(Locale::De, msg)),
                "{name}: German {:?} on English page",
                msg
            );
        }
    }
}

#[test]
fn document_head_and_landmarks() {
    for locale in Locale::ALL {
        for (name, html) in all_pages(locale) {
            for needle in [
                "<meta charset=\"utf-8\">",
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
                &format!("<link rel=\"stylesheet\" href=\"{CSS_PATH}\">"),
                " · medportal</title>",
                "<header",
                "<nav class=\"container primary-nav\" aria-label=",
                "<main id=\"main\"",
                "<footer",
                "</html>",
            ] {
                assert!(html.contains(needle), "{name}: missing {needle}");
            }
            assert_eq!(html.matches("<main").count(), 1, "{name}: one main");
            assert_eq!(html.matches("<h1").count(), 1, "{name}: one h1");
            // Skip link is the first thing in <body> and targets main.
            let body = &html[html.find("<body>").unwrap() + 6..];
            assert!(
                body.starts_with("<a class=\"skip-link\" href=\"#main\">"),
                "{name}"
            );
            // Every nav has a label.
            for nav in tags(&html, "nav") {
                assert!(
                    attr(nav, "aria-label").is_some_and(|l| !l.is_empty()),
                    "{name}: {nav}"
                );
            }
        }
    }
}

#[test]
fn no_inline_scripts_styles_or_handlers() {
    for locale in Locale::ALL {
        for (name, html) in all_pages(locale) {
            let lower = html.to_ascii_lowercase();
            assert!(!lower.contains("<script"), "{name}");
            assert!(!lower.contains(" style="), "{name}");
            assert!(!lower.contains("<style"), "{name}");
            assert!(
                !lower.contains(" onclick=") && !lower.contains(" onload="),
                "{name}"
            );
            assert!(!lower.contains("javascript:"), "{name}");
        }
    }
}

#[test]
fn every_control_has_a_label_and_ids_are_unique() {
    for locale in Locale::ALL {
        for (name, html) in all_pages(locale) {
            let mut controls = Vec::new();
            for kind in ["input", "select", "textarea"] {
                controls.extend(tags(&html, kind));
            }
            for tag in controls {
                if attr(tag, "type") == Some("hidden") {
                    continue;
                }
                let id =
                    attr(tag, "id").unwrap_or_else(|| panic!("{name}: control without id: {tag}"));
                assert!(
                    html.contains(&format!("<label for=\"{id}\"")),
                    "{name}: no <label for=\"{id}\">"
                );
            }
            let mut ids: Vec<&str> = html
                .split(" id=\"")
                .skip(1)
                .map(|s| &s[..s.find('"').unwrap()])
                .collect();
            let n = ids.len();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(ids.len(), n, "{name}: duplicate ids");
            // Every aria-describedby / aria-labelledby / href="#x" target exists.
            for key in [" aria-describedby=\"", " aria-labelledby=\"", " href=\"#"] {
                for s in html.split(key).skip(1) {
                    for target in s[..s.find('"').unwrap()].split(' ') {
                        assert!(
                            ids.binary_search(&target).is_ok(),
                            "{name}: dangling ref {target}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn user_strings_are_escaped() {
    let evil = "<script>alert(\"x\")</script>&";
    let mut c = ctx(Locale::En, true);
    c.user.as_mut().unwrap().display_name = evil.into();
    c.user.as_mut().unwrap().role_label = evil.into();
    c.csrf_token = Some("\"><script>".into());
    c.flash = Some(Flash {
        kind: NoticeKind::Info,
        text: evil.into(),
    });
    c.query = "q=\"><script>".into();
    c.contact.email = "\"><script>@x".into();
    let mut evil_card = card(evil);
    evil_card.href = "\"><script>".into();
    evil_card.content_type = evil.into();
    let pages = [
        simple_page(&c, evil, evil, html! { p { (evil) } }).into_string(),
        home(
            &c,
            &HomeView {
                featured: vec![evil_card],
            },
        )
        .into_string(),
        error_page(&c, 500, evil, Msg::ErrorMsgInternal).into_string(),
        page(&c, evil, html! {}).into_string(),
    ];
    for html in pages {
        assert!(!html.contains("<script"), "unescaped: {html}");
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("<title>&lt;script&gt;") || html.contains("<title>"));
    }
    let html = simple_page(&c, evil, "", html! {}).into_string();
    assert!(html.contains(
        "<title>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp; · medportal</title>"
    ));
}

#[test]
fn navigation_state_and_sign_in_out() {
    let anon = home(&ctx(Locale::En, false), &HomeView::default()).into_string();
    assert!(anon.contains("<a href=\"/\" aria-current=\"page\">Home</a>"));
    assert!(anon.contains("href=\"/login\""));
    assert!(!anon.contains("/logout"));
    assert!(anon.contains("action=\"/search\""));

    let mut c = ctx(Locale::En, true);
    c.path = "/content/abc".into();
    let html = simple_page(&c, "X", "Y", html! {}).into_string();
    assert!(html.contains("<a href=\"/content\" aria-current=\"true\">Library</a>"));
    assert!(html.contains("<a href=\"/\">Home</a>"));
    assert!(!html.contains("href=\"/login\""));
    assert!(html.contains("href=\"/account\""));
    assert!(html.contains("<form class=\"inline-form\" method=\"post\" action=\"/logout\">"));
    assert!(html.contains("<input type=\"hidden\" name=\"csrf\" value=\"tok123\">"));
    assert!(html.contains("Signed in as Dr. Erika Mustermann (HCP)"));
}

#[test]
fn footer_contents_and_language_switcher() {
    let mut c = ctx(Locale::De, false);
    c.path = "/search".into();
    c.query = "q=herz&lang=en".into();
    c.contact.phone = "+49 (0)30 1234 567".into();
    c.contact.email = "medinfo@pharma.example".into();
    let html = simple_page(&c, "Suche", "", html! {}).into_string();
    assert!(html.contains("href=\"tel:+49301234567\""));
    assert!(html.contains("href=\"mailto:medinfo@pharma.example\""));
    assert!(html.contains(t(Locale::De, Msg::FooterHcpOnly)));
    assert!(html.contains(t(Locale::De, Msg::FooterAdverseEvents)));
    for href in ["/privacy", "/terms", "/imprint", "/accessibility"] {
        assert!(html.contains(&format!("href=\"{href}\"")), "{href}");
    }
    assert!(html.contains(
        "<a href=\"/search?q=herz&amp;lang=de\" lang=\"de\" hreflang=\"de\" aria-current=\"true\">Deutsch</a>"
    ));
    assert!(html.contains(
        "<a href=\"/search?q=herz&amp;lang=en\" lang=\"en\" hreflang=\"en\">English</a>"
    ));
    // Default contact is present when not configured.
    let html = simple_page(&PageContext::default(), "X", "", html! {}).into_string();
    assert!(html.contains("mailto:medinfo@example.com"));
}

#[test]
fn dev_mode_and_flash() {
    let mut c = ctx(Locale::En, false);
    let html = simple_page(&c, "X", "", html! {}).into_string();
    assert!(!html.contains("dev-banner") && !html.contains("noindex"));
    c.dev_mode = true;
    c.flash = Some(Flash {
        kind: NoticeKind::Error,
        text: "Oops".into(),
    });
    let html = simple_page(&c, "X", "", html! {}).into_string();
    assert!(html.contains("<p class=\"dev-banner\">"));
    assert!(html.contains("noindex"));
    assert!(html.contains("<div class=\"notice notice--error\" role=\"alert\">Oops</div>"));
}

#[test]
fn form_field_wiring() {
    let l = Locale::En;
    let html = field(
        l,
        &Field::new(FieldKind::Email, "email", "email", "Email")
            .hint("Hint")
            .error(Some("Bad"))
            .required(),
    )
    .into_string();
    assert!(html.contains("class=\"field field--error\""));
    assert!(
        html.contains("<label for=\"email\">Email <span class=\"req\">(required)</span></label>")
    );
    assert!(html.contains("<p class=\"hint\" id=\"email-hint\">Hint</p>"));
    assert!(
        html.contains("id=\"email-error\"><span class=\"visually-hidden\">Error: </span>Bad</p>")
    );
    assert!(html.contains("aria-describedby=\"email-hint email-error\""));
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(html.contains("aria-required=\"true\""));
    assert!(html.contains("type=\"email\""));

    let html = field(l, &Field::new(FieldKind::Text, "n", "n", "Name")).into_string();
    assert!(!html.contains("aria-describedby") && !html.contains("aria-invalid"));

    let opts = [
        SelectOption {
            value: "a",
            label: "A",
        },
        SelectOption {
            value: "b",
            label: "B",
        },
    ];
    let html = field(
        Locale::De,
        &Field::new(FieldKind::Select(&opts), "s", "s", "S").value("b"),
    )
    .into_string();
    assert!(html.contains("<option value=\"\">Bitte auswählen</option>"));
    assert!(html.contains("<option value=\"b\" selected>B</option>"));
    assert!(html.contains("<option value=\"a\">A</option>"));

    let html = field(
        l,
        &Field::new(FieldKind::Checkbox, "c", "c", "Agree").checked(true),
    )
    .into_string();
    let input_pos = html.find("<input").unwrap();
    assert!(
        input_pos < html.find("<label").unwrap(),
        "checkbox precedes its label"
    );
    assert!(html.contains("type=\"checkbox\" value=\"1\" checked"));

    let summary = error_summary(
        l,
        &[FieldError {
            field_id: "email",
            message: "Bad",
        }],
    )
    .into_string();
    assert!(summary.contains("role=\"alert\""));
    assert!(summary.contains("<a href=\"#email\">Bad</a>"));
    assert!(error_summary(l, &[]).into_string().is_empty());
}

#[test]
fn table_breadcrumb_pagination_badges() {
    let l = Locale::En;
    let rows = vec![vec![html! { "a" }, html! { "1" }]];
    let html = data_table(&Table {
        id: "t",
        caption: "Cap",
        headers: &["H1", "H2"],
        rows: &rows,
        row_headers: true,
    })
    .into_string();
    assert!(html.contains("<caption id=\"t-caption\">Cap</caption>"));
    assert!(html.contains("<th scope=\"col\">H1</th>"));
    assert!(html.contains("<th scope=\"row\">a</th><td>1</td>"));

    let html = components::breadcrumb(
        l,
        &[Crumb {
            label: "Home",
            href: "/",
        }],
        "Here",
    )
    .into_string();
    assert!(html.contains("aria-label=\"Breadcrumb\""));
    assert!(html.contains("<li aria-current=\"page\">Here</li>"));

    let html = pagination(l, "/content", 2, 3).into_string();
    assert!(html.contains("href=\"/content?page=1\" rel=\"prev\""));
    assert!(html.contains("href=\"/content?page=3\" rel=\"next\""));
    assert!(html.contains("aria-label=\"Page 2\" aria-current=\"page\">2</a>"));
    assert!(pagination(l, "/content", 1, 1).into_string().is_empty());
    assert!(pagination(l, "/content", 1, 0).into_string().is_empty());

    assert_eq!(
        components::hcp_only_badge(Locale::De).into_string(),
        "<span class=\"badge badge--hcp\">Nur für Fachkreise</span>"
    );
    assert!(
        components::notice(NoticeKind::Info, "x")
            .into_string()
            .contains("role=\"status\"")
    );
}

#[test]
fn home_cards_and_error_page_details() {
    let html = home(
        &ctx(Locale::De, true),
        &HomeView {
            featured: vec![card("Studie X")],
        },
    )
    .into_string();
    assert!(html.contains("<time datetime=\"2026-11-23\">23. November 2026</time>"));
    assert!(html.contains("Nur für Fachkreise"));
    assert!(html.contains("Willkommen, Dr. Erika Mustermann"));
    assert!(html.contains("href=\"/inquiries\""));
    assert!(html.contains("<a href=\"/content/abc\">Studie X</a>"));
    let html = home(
        &ctx(Locale::En, false),
        &HomeView {
            featured: vec![card("Study X")],
        },
    )
    .into_string();
    assert!(html.contains("<time datetime=\"2026-11-23\">23 November 2026</time>"));

    let html = error_page(
        &ctx(Locale::En, false),
        404,
        "NOT_FOUND",
        Msg::ErrorMsgNotFound,
    )
    .into_string();
    assert!(html.contains("<title>Page not found · medportal</title>"));
    assert!(html.contains("<h1>Page not found</h1>"));
    assert!(html.contains("Error code: NOT_FOUND"));
    assert!(html.contains(t(Locale::En, Msg::ErrorMsgNotFound)));
    assert!(html.contains("href=\"/\">Go to the home page</a>"));
    let html = error_page(
        &ctx(Locale::De, false),
        401,
        "AUTH",
        Msg::ErrorMsgUnauthorized,
    )
    .into_string();
    assert!(html.contains("<h1>Bitte melden Sie sich an</h1>"));
    assert!(html.contains("class=\"btn btn--primary\" href=\"/login\""));
}
