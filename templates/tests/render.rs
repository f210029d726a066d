//! Rendering tests: whole pages in both locales, escaping, landmarks,
//! labels, no inline script/style.

use medportal_templates::components::{
    self, ButtonKind, ContentCard, Crumb, Field, FieldError, FieldKind, NoticeKind, SelectOption,
    Table, data_table, error_summary, field, pagination,
};
use medportal_templates::layout::{Flash, page};
use medportal_templates::pages::search::{
    FacetGroup, FacetOption, IndexRow, MarketChoice, RebuildView, SearchAdminView, SearchHit, admin as search_admin,
};
use medportal_templates::pages::{
    HomeView, ItemView, LegalPage, LibraryView, OutboxMail, SearchView, content_item,
    data_protection, error_page, home, inquiries_landing, legal, library, outbox, search,
    simple_page,
};
use medportal_templates::{CSS_PATH, Locale, Markup, Msg, PageContext, UserInfo, html, t};
use time::{Date, Month, OffsetDateTime};
use medportal_templates::medmark::{Block, Inline};
use medportal_templates::pages::content::{ReferenceView, SignatureView};

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
        content_type: "trial_summary".into(),
        therapeutic_area: "cardiology".into(),
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
                    featured: vec![card("A"), card("B")], ..Default::default()
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
        for (name, view) in library_views() {
            out.push((name, library(&c, &view).into_string()));
        }
        for (name, view) in item_views() {
            out.push((name, content_item(&c, &view).into_string()));
        }
        for (name, view) in search_views() {
            out.push((name, search(&c, &view).into_string()));
        }
        out.push(("search-admin", search_admin(&c, &admin_view()).into_string()));
        out.push(("search-admin-empty", search_admin(&c, &SearchAdminView::default()).into_string()));
        out.push(("outbox-empty", outbox(&c, &[]).into_string()));
        out.push(("outbox", outbox(&c, &mails()).into_string()));
        out.push(("inquiries", inquiries_landing(&c).into_string()));
        out.push(("data-protection", data_protection(&c).into_string()));
        for which in LEGAL_PAGES {
            out.push(("legal", legal(&c, which).into_string()));
        }
    }
    out
}

const LEGAL_PAGES: [LegalPage; 4] = [
    LegalPage::Privacy,
    LegalPage::Terms,
    LegalPage::Imprint,
    LegalPage::Accessibility,
];

fn library_views() -> Vec<(&'static str, LibraryView)> {
    let items: Vec<ContentCard> = (1..=3).map(|i| card(&format!("Item {i}"))).collect();
    vec![
        (
            "library-empty",
            LibraryView {
                page: 1,
                total_pages: 1,
                ..Default::default()
            },
        ),
        (
            "library-empty-filtered",
            LibraryView {
                page: 1,
                total_pages: 1,
                content_type: Some("faq_answer".into()),
                ..Default::default()
            },
        ),
        (
            "library-page-1",
            LibraryView {
                items: items.clone(),
                total: 3,
                page: 1,
                total_pages: 1,
                ..Default::default()
            },
        ),
        (
            "library-filtered-paged",
            LibraryView {
                items,
                total: 12_345,
                page: 3,
                total_pages: 1029,
                content_type: Some("faq_answer".into()),
                area: Some("oncology".into()),
            },
        ),
        (
            "library-unknown-filter",
            LibraryView {
                items: vec![card("X")],
                total: 1,
                page: 1,
                total_pages: 1,
                content_type: Some("podcast".into()),
                area: Some(String::new()),
            },
        ),
    ]
}

fn item(gated: bool, language: &str) -> ItemView {
    ItemView {
        card: card("Apixaban versus warfarin"),
        blocks: if gated {
            Vec::new()
        } else {
            vec![
                Block::Paragraph(vec![Inline::Text("First paragraph.".into())]),
                Block::Paragraph(vec![Inline::Text("Second paragraph.".into())]),
            ]
        },
        product: Some("Apixaban".into()),
        language: language.into(),
        gated,
        version: 2,
        sha256: "ab".repeat(32),
        reviewed_on: Some("2026-09-14".into()),
        references: vec![ReferenceView { label: "Granger CB et al. N Engl J Med 2011".into(), href: Some("https://doi.org/10.1056/NEJMoa1107039".into()) }],
        signatures: vec![SignatureView {
            printed_name: "Jan de Vries".into(),
            role: "mlr_reviewer".into(),
            meaning: "approval".into(),
            discipline: "medical".into(),
            at: time::OffsetDateTime::UNIX_EPOCH,
            sha256: "ab".repeat(32),
        }],
        versions_href: "/content/x/versions".into(),
        reader: Default::default(),
        attachments: vec![medportal_templates::pages::files::FileLink { href: "/files/f1".into(), name: "Leaflet.pdf".into(), content_type: "application/pdf".into(), size_kb: 12 }],
    }
}

fn item_views() -> Vec<(&'static str, ItemView)> {
    let mut public = item(false, "de");
    public.card.hcp_only = false;
    public.card.summary = None;
    public.product = None;
    vec![
        ("item-gated", item(true, "en")),
        ("item-full-en", item(false, "en")),
        ("item-public-de", public),
        ("item-bad-lang", item(false, "\"><x")),
    ]
}

fn hit(title: &str) -> SearchHit {
    SearchHit {
        title: title.into(),
        href: "/search/click?to=%2Fcontent%2Fabc&r=1".into(),
        snippet: vec![
            ("Apixaban versus ".into(), false),
            ("warfarin".into(), true),
            (" in atrial fibrillation".into(), false),
        ],
        content_type: "trial_summary".into(),
        therapeutic_area: Some("cardiology".into()),
        product: Some("Apixaban".into()),
        published: Some(Date::from_calendar_date(2026, Month::November, 23).unwrap()),
        hcp_only: true,
        language: "en".into(),
    }
}

fn facets() -> Vec<FacetGroup> {
    vec![
        FacetGroup {
            param: "area",
            legend: Msg::SearchFacetArea,
            multi: true,
            options: vec![
                FacetOption { value: "cardiology".into(), label: "Cardiology".into(), count: 2, selected: true },
                FacetOption { value: "oncology".into(), label: "Oncology".into(), count: 1, selected: false },
            ],
        },
        FacetGroup {
            param: "language",
            legend: Msg::SearchFacetLanguage,
            multi: false,
            options: vec![
                FacetOption { value: "all".into(), label: "All languages".into(), count: 0, selected: false },
                FacetOption { value: "en".into(), label: "English".into(), count: 2, selected: true },
            ],
        },
    ]
}

fn search_views() -> Vec<(&'static str, SearchView)> {
    let results = |n: usize| SearchView {
        query: "warfarin".into(),
        total: n as u64,
        hits: (0..n).map(|i| hit(&format!("Result {i}"))).collect(),
        page: 1,
        total_pages: 2,
        base_href: "/search?q=warfarin".into(),
        facets: facets(),
        clear_filters_href: Some("/search?q=warfarin".into()),
        expansions: vec!["Coumadin".into()],
        ..Default::default()
    };
    vec![
        ("search-no-query", SearchView::default()),
        ("search-blank-query", SearchView { query: "   ".into(), ..Default::default() }),
        (
            "search-no-results",
            SearchView {
                query: "xyzzy".into(),
                broader: vec![("xyz".into(), "/search?q=xyz".into())],
                did_you_mean: Some(("xyz".into(), "/search?q=xyz".into())),
                hidden_hcp: 2,
                market: MarketChoice::Visitor { selected: None, options: vec!["DE".into()] },
                ..Default::default()
            },
        ),
        ("search-one", SearchView { total: 1, ..results(1) }),
        ("search-many", results(2)),
        (
            "search-session-market",
            SearchView { market: MarketChoice::Session("DE".into()), signed_in: true, hidden_hcp: 1, ..results(2) },
        ),
    ]
}

fn admin_view() -> SearchAdminView {
    let at = OffsetDateTime::from_unix_timestamp(1_790_000_000).unwrap();
    SearchAdminView {
        indexes: vec![
            IndexRow {
                name: "DE-de".into(),
                market: "DE".into(),
                language: "de".into(),
                generation: 3,
                documents: 12,
                tombstones: 1,
                segments: 2,
                bytes: 40_000,
                published: Some(at),
                published_by: "publishing".into(),
                rebuild: Some(RebuildView { state: "reading".into(), done: 1, total: 4, finished: None }),
            },
            IndexRow {
                name: "global-en".into(),
                market: "global".into(),
                language: "en".into(),
                generation: 1,
                documents: 10,
                tombstones: 0,
                segments: 1,
                bytes: 20_000,
                published: Some(at),
                published_by: "admin".into(),
                rebuild: None,
            },
        ],
        vocab_bytes: Some(316_000),
        csrf: "tok123".into(),
        rebuilt: Some("DE-de".into()),
    }
}

fn at(y: i32, m: Month, d: u8, h: u8, min: u8) -> OffsetDateTime {
    Date::from_calendar_date(y, m, d)
        .unwrap()
        .with_hms(h, min, 0)
        .unwrap()
        .assume_utc()
}

fn mails() -> Vec<OutboxMail> {
    vec![
        OutboxMail {
            region: "eu".into(),
            to: "erika@example.org".into(),
            subject: "Verify your email".into(),
            text:
                "Hello,\n\nplease open https://medportal.example/verify?token=abc&x=1 to verify.\n"
                    .into(),
            sent_at: at(2026, Month::November, 23, 14, 5),
        },
        OutboxMail {
            region: "us".into(),
            to: "john@example.com".into(),
            subject: String::new(),
            text: "Second".into(),
            sent_at: at(2026, Month::November, 22, 9, 0),
        },
    ]
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
                featured: vec![evil_card], ..Default::default()
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
            featured: vec![card("Studie X")], ..Default::default()
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
            featured: vec![card("Study X")], ..Default::default()
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

// ------------------------------------------------------------ new pages

/// Every page's `<h1>` text (tags stripped).
fn h1_text(html: &str) -> String {
    let start = html.find("<h1").unwrap();
    let body = &html[start + html[start..].find('>').unwrap() + 1..];
    let inner = &body[..body.find("</h1>").unwrap()];
    let mut out = String::new();
    let mut in_tag = false;
    for c in inner.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn headings_are_in_order_and_titles_match() {
    for locale in Locale::ALL {
        for (name, html) in all_pages(locale) {
            // No heading level is skipped (h1 → h2 → h3; cards are h3).
            let mut last = 1;
            let mut rest = html.as_str();
            while let Some(i) = rest.find("<h") {
                let level = rest.as_bytes()[i + 2];
                rest = &rest[i + 3..];
                if !(b'1'..=b'6').contains(&level) {
                    continue;
                }
                let level = level - b'0';
                assert!(level <= last + 1, "{name}: h{level} after h{last}");
                last = level;
            }
            assert!(!h1_text(&html).trim().is_empty(), "{name}: empty h1");
        }
    }
}

#[test]
fn content_cards_show_localised_labels_for_codes() {
    let html = components::content_card(Locale::De, &card("X")).into_string();
    assert!(
        html.contains("<dd>Zusammenfassung einer klinischen Studie</dd>"),
        "{html}"
    );
    assert!(html.contains("<dd>Kardiologie</dd>"));
    let mut unknown = card("X");
    unknown.content_type = "podcast".into();
    unknown.therapeutic_area = "<b>".into();
    let html = components::content_card(Locale::En, &unknown).into_string();
    assert!(html.contains("<dd>podcast</dd>") && html.contains("<dd>&lt;b&gt;</dd>"));
}

#[test]
fn library_filters_count_and_pagination() {
    let views: std::collections::BTreeMap<_, _> = library_views().into_iter().collect();
    let c = ctx(Locale::En, false);
    let html = library(&c, &views["library-filtered-paged"]).into_string();
    assert!(html.contains("<title>Library – page 3 of 1,029 · medportal</title>"));
    assert!(html.contains("<h1>Library</h1>"));
    assert!(html.contains("<form class=\"filters\" method=\"get\" action=\"/content\">"));
    assert!(html.contains("<label for=\"filter-type\">Type of content</label>"));
    assert!(html.contains("<select id=\"filter-type\" name=\"type\">"));
    assert!(html.contains("<select id=\"filter-area\" name=\"area\">"));
    assert!(html.contains("<option value=\"\">All types</option>"));
    assert!(html.contains("<option value=\"faq_answer\" selected>Medical FAQ answer</option>"));
    assert!(html.contains("<option value=\"oncology\" selected>Oncology</option>"));
    assert!(html.contains("<option value=\"cardiology\">Cardiology</option>"));
    assert!(html.contains(">12,345 items</h2>"));
    assert!(html.contains("href=\"/content\">Clear filters</a>"));
    // Pagination keeps the filters.
    assert!(html.contains("href=\"/library/oncology?type=faq_answer&amp;page=2\" rel=\"prev\""));
    assert!(html.contains("href=\"/library/oncology?type=faq_answer&amp;page=1029\""));
    assert_eq!(html.matches("<article class=\"card\">").count(), 3);

    let html = library(&ctx(Locale::De, false), &views["library-filtered-paged"]).into_string();
    assert!(html.contains(">12.345 Einträge</h2>"));
    assert!(html.contains("<title>Bibliothek – Seite 3 von 1.029 · medportal</title>"));

    let html = library(&c, &views["library-page-1"]).into_string();
    assert!(html.contains("<title>Library · medportal</title>"));
    assert!(html.contains("<option value=\"\" selected>All types</option>"));
    assert!(html.contains("<option value=\"\" selected>All therapeutic areas</option>"));
    assert!(html.contains(">3 items</h2>"));
    assert!(!html.contains("Clear filters"));
    assert!(!html.contains("class=\"pagination\""));

    let html = library(&c, &views["library-unknown-filter"]).into_string();
    assert!(html.contains(">1 item</h2>"));
    assert!(html.contains("<option value=\"podcast\" selected>podcast</option>"));
    assert!(html.contains("<option value=\"\" selected>All therapeutic areas</option>"));

    let html = library(&c, &views["library-empty"]).into_string();
    assert!(html.contains(t(Locale::En, Msg::LibraryEmptyTitle)));
    assert!(html.contains("href=\"/inquiries\""));
    let html = library(&c, &views["library-empty-filtered"]).into_string();
    assert!(html.contains(t(Locale::En, Msg::LibraryEmptyFilteredTitle)));
    assert!(html.contains("class=\"btn btn--secondary\" href=\"/content\">Clear filters</a>"));
}

#[test]
fn content_item_full_and_gated() {
    let c = ctx(Locale::En, false);
    let html = content_item(&c, &item(false, "en")).into_string();
    assert!(html.contains("<title>Apixaban versus warfarin · medportal</title>"));
    assert!(html.contains("<nav class=\"breadcrumb\" aria-label=\"Breadcrumb\"><ol><li><a href=\"/\">Home</a></li><li><a href=\"/content\">Library</a></li><li aria-current=\"page\">Apixaban versus warfarin</li></ol></nav>"));
    assert!(html.contains("<h1>Apixaban versus warfarin</h1>"));
    assert!(html.contains("<span class=\"badge badge--hcp\">HCP only</span>"));
    assert!(html.contains("<dt>Type</dt><dd>Clinical trial summary</dd>"));
    assert!(html.contains("<dt>Medicine</dt><dd>Apixaban</dd>"));
    assert!(html.contains("<dd>Cardiology</dd>"));
    assert!(html.contains("<time datetime=\"2026-11-23\">23 November 2026</time>"));
    assert!(html.contains("<p class=\"lead\">Summary</p>"));
    assert!(html.contains("<p>First paragraph.</p><p>Second paragraph.</p>"));
    assert!(!html.contains(t(Locale::En, Msg::ItemGatedText)));
    assert!(
        html.contains("<div class=\"prose\"><p>"),
        "same language: no lang attribute"
    );
    // The question box and adverse-event hint are always there.
    assert!(html.contains(t(Locale::En, Msg::ItemAskHeading)));
    assert!(html.contains("href=\"/inquiries\">Ask Medical Information</a>"));
    assert!(html.contains("href=\"/content/how-to-report-a-suspected-adverse-reaction\""));

    let html = content_item(&c, &item(true, "en")).into_string();
    assert!(html.contains(t(Locale::En, Msg::ItemGatedText)));
    assert!(html.contains(t(Locale::En, Msg::ItemGatedRegister)));
    assert!(html.contains("class=\"btn btn--primary\" href=\"/login\">Sign in</a>"));
    assert!(!html.contains("First paragraph"));
    assert!(
        html.contains("<p class=\"lead\">Summary</p>"),
        "summary stays visible"
    );
    assert!(html.contains("href=\"/inquiries\">Ask Medical Information</a>"));

    // Signed in but not verified: no sign-in prompt.
    let html = content_item(&ctx(Locale::En, true), &item(true, "en")).into_string();
    assert!(html.contains(t(Locale::En, Msg::ItemGatedUnverified)));
    assert!(!html.contains("btn--primary\" href=\"/login\""));

    // English content on a German page is marked as such.
    let html = content_item(&ctx(Locale::De, false), &item(false, "en")).into_string();
    assert!(html.contains("<h1 lang=\"en\">Apixaban versus warfarin</h1>"));
    assert!(html.contains("<p class=\"lead\" lang=\"en\">Summary</p>"));
    assert!(html.contains("<div class=\"prose\" lang=\"en\">"));
    assert!(html.contains("Dieser Inhalt ist nur auf Englisch verfügbar."));
    assert!(html.contains("<dt>Arzneimittel</dt>"));
    assert!(html.contains("<time datetime=\"2026-11-23\">23. November 2026</time>"));
    assert!(html.contains("Haben Sie eine Frage zu diesem Thema?"));

    // A malformed language never reaches an attribute.
    let html = content_item(&ctx(Locale::De, false), &item(false, "\"><x")).into_string();
    assert!(!html.contains(" lang=\"&quot;") && !html.contains("<x"));
}

#[test]
fn search_states() {
    let c = ctx(Locale::En, false);
    let views: std::collections::BTreeMap<_, _> = search_views().into_iter().collect();
    let html = search(&c, &views["search-no-query"]).into_string();
    assert!(html.contains("<title>Search · medportal</title>"));
    assert!(html.contains("<form class=\"search\" method=\"get\" action=\"/search\">"));
    assert!(html.contains("<label for=\"search-q\">Search term</label>"));
    assert!(html.contains("name=\"q\" value=\"\""));
    assert!(html.contains(t(Locale::En, Msg::SearchNoQuery)));
    assert!(!html.contains("results-title"));

    let html = search(&c, &views["search-no-results"]).into_string();
    assert!(html.contains("<title>Search results for “xyzzy” · medportal</title>"));
    assert!(html.contains("value=\"xyzzy\""));
    assert!(html.contains("<h2 id=\"results-title\">No results for “xyzzy”</h2>"));
    for msg in [
        Msg::SearchSuggestionSpelling,
        Msg::SearchSuggestionNames,
        Msg::SearchSuggestionBroader,
        Msg::SearchBroaderIntro,
        Msg::SearchDidYouMean,
    ] {
        assert!(html.contains(t(Locale::En, msg)), "{msg:?}");
    }
    assert!(html.contains("<a href=\"/search?q=xyz\">xyz</a>"));
    assert!(html.contains("href=\"/content\""));
    assert!(html.contains("href=\"/inquiries\""));
    // anonymous: market choice, and a sign-in link for the hidden HCP results
    assert!(html.contains("<select id=\"search-market\" name=\"market\">"));
    assert!(html.contains("2 further results"), "{html}");
    assert!(html.contains("href=\"/login\""));

    let html = search(&c, &views["search-one"]).into_string();
    assert!(html.contains(">1 result for “warfarin”</h2>"));
    let html = search(&ctx(Locale::De, false), &views["search-many"]).into_string();
    assert!(html.contains(">2 Ergebnisse für „warfarin“</h2>"));
    assert!(html.contains("<title>Suchergebnisse für „warfarin“ · medportal</title>"));
    assert_eq!(html.matches("<article class=\"card\">").count(), 2);
    // highlighted, escaped snippets; facets as a GET form with counts; pagination
    assert!(html.contains("Apixaban versus <mark>warfarin</mark> in atrial fibrillation"));
    assert!(html.contains("<form class=\"filters\" method=\"get\" action=\"/search\""));
    assert!(html.contains("type=\"checkbox\" name=\"area\" value=\"cardiology\" checked"));
    assert!(html.contains("type=\"radio\" name=\"language\" value=\"en\" checked"));
    assert!(html.contains("Cardiology (2)"));
    assert!(html.contains("href=\"/search?q=warfarin&amp;page=2\""));
    assert!(html.contains("Coumadin"));

    let html = search(&ctx(Locale::De, false), &views["search-no-results"]).into_string();
    assert!(html.contains("Keine Ergebnisse für „xyzzy“"));

    let html = search(&ctx(Locale::En, true), &views["search-session-market"]).into_string();
    assert!(html.contains("Germany") && !html.contains("name=\"market\""));
    assert!(html.contains("href=\"/verify\""));
}

#[test]
fn search_snippets_and_hits_are_escaped() {
    let mut v = search_views().into_iter().find(|(n, _)| *n == "search-many").unwrap().1;
    v.hits[0].snippet = vec![("<b>x</b>".into(), false), ("<script>".into(), true)];
    v.hits[0].title = "<img src=x>".into();
    v.hits[0].href = "\"><script>".into();
    let html = search(&ctx(Locale::En, false), &v).into_string();
    assert!(!html.contains("<script") && !html.contains("<img") && !html.contains("<b>x"));
    assert!(html.contains("<mark>&lt;script&gt;</mark>"));
}

#[test]
fn the_enhancement_script_is_external_and_deferred() {
    let mut c = ctx(Locale::En, false);
    c.script = Some("/search/suggest.js".into());
    let html = search(&c, &SearchView::default()).into_string();
    assert!(html.contains("<script src=\"/search/suggest.js\" defer></script>"));
    assert!(html.contains("list=\"search-suggestions\"") && html.contains("<datalist id=\"search-suggestions\">"));
}

#[test]
fn search_admin_page() {
    let html = search_admin(&ctx(Locale::En, true), &admin_view()).into_string();
    assert!(html.contains("<h1>Search indexes</h1>"), "{html}");
    assert!(html.contains("<code>DE-de</code>") && html.contains("<code>global-en</code>"));
    assert!(html.contains("<form class=\"inline-form\" method=\"post\" action=\"/admin/search/rebuild\">"));
    assert_eq!(html.matches("name=\"csrf\" value=\"tok123\"").count(), 2 + 1); // two rebuild forms + sign-out
    assert!(html.contains("<progress value=\"1\" max=\"4\">"));
    let html = search_admin(&ctx(Locale::De, true), &SearchAdminView::default()).into_string();
    assert!(html.contains(t(Locale::De, Msg::SearchAdminEmptyTitle)));
    assert!(html.contains(t(Locale::De, Msg::SearchAdminVocabMissing)));
}

#[test]
fn outbox_lists_mails_in_order() {
    let html = outbox(&ctx(Locale::En, false), &mails()).into_string();
    assert!(html.contains("<h1>Mail outbox (development)</h1>"));
    assert!(html.contains(t(Locale::En, Msg::OutboxWarning)));
    assert!(html.contains("<p>2 emails</p>"));
    let first = html.find("Verify your email").unwrap();
    let second = html.find("(no subject)").unwrap();
    assert!(first < second, "order as given");
    assert!(html.contains("<dd>eu</dd>") && html.contains("<dd>erika@example.org</dd>"));
    assert!(
        html.contains("<time datetime=\"2026-11-23T14:05:00Z\">23 November 2026, 14:05 UTC</time>")
    );
    assert!(html.contains(
        "<pre>Hello,\n\nplease open <a href=\"https://medportal.example/verify?token=abc&amp;x=1\">"
    ));
    let html = outbox(&ctx(Locale::De, false), &mails()).into_string();
    assert!(html.contains("23. November 2026, 14:05 UTC"));
    assert!(html.contains("(kein Betreff)") && html.contains("<p>2 E-Mails</p>"));
    let html = outbox(&ctx(Locale::De, false), &mails()[..1]).into_string();
    assert!(html.contains("<p>1 E-Mail</p>"));
    let html = outbox(&ctx(Locale::En, false), &[]).into_string();
    assert!(html.contains(t(Locale::En, Msg::OutboxEmptyTitle)));
    assert!(!html.contains("<pre"));
}

#[test]
fn inquiries_landing_contents() {
    let mut c = ctx(Locale::En, false);
    c.contact.phone = "+1 800 555 0100".into();
    let html = inquiries_landing(&c).into_string();
    assert!(html.contains("<h1>Ask Medical Information</h1>"));
    assert!(html.contains("href=\"tel:+18005550100\">+1 800 555 0100</a>"));
    assert!(html.contains("href=\"mailto:medinfo@example.com\">medinfo@example.com</a>"));
    assert!(html.contains("usually reply within 2 working days"));
    assert!(html.contains("href=\"/content/how-to-report-a-suspected-adverse-reaction\""));
    assert!(html.contains(t(Locale::En, Msg::InquiriesEmergency)));
    assert!(html.contains("href=\"/login\">Sign in to submit an inquiry</a>"));
    // The adverse-event notice comes before everything else in the content.
    assert!(
        html.find(t(Locale::En, Msg::InquiriesAeHeading)).unwrap()
            < html
                .find(t(Locale::En, Msg::InquiriesReachHeading))
                .unwrap()
    );
    let html = inquiries_landing(&ctx(Locale::De, true)).into_string();
    assert!(html.contains("innerhalb von 2 Werktagen"));
    assert!(!html.contains(t(Locale::De, Msg::InquiriesOnlineSignIn)));
}

#[test]
fn data_protection_page() {
    let html = data_protection(&ctx(Locale::En, false)).into_string();
    assert!(html.contains("<h1>Data protection and audit trail</h1>"));
    assert!(html.contains("21 CFR Part 11"));
    assert!(html.contains("<a href=\"mailto:privacy@example.com\">privacy@example.com</a>"));
    assert!(html.contains("href=\"/privacy\">Read the full privacy notice</a>"));
    let html = data_protection(&ctx(Locale::De, false)).into_string();
    assert!(html.contains("Art. 5 Abs. 2 DSGVO"));
}

#[test]
fn legal_pages() {
    for locale in Locale::ALL {
        let c = ctx(locale, false);
        for (which, title) in [
            (LegalPage::Privacy, Msg::FooterPrivacy),
            (LegalPage::Terms, Msg::FooterTerms),
            (LegalPage::Imprint, Msg::FooterImprint),
            (LegalPage::Accessibility, Msg::FooterAccessibility),
        ] {
            let html = legal(&c, which).into_string();
            let title = t(locale, title);
            assert!(html.contains(&format!("<h1>{title}</h1>")), "{which:?}");
            assert!(html.contains(&format!("<title>{title} · medportal</title>")));
            assert!(html.matches("<h2>").count() >= 2, "{which:?}: sections");
            assert!(html.matches("<p>").count() >= 3, "{which:?}: paragraphs");
        }
        let privacy = legal(&c, LegalPage::Privacy).into_string();
        assert!(privacy.contains("medportal demo company"));
        assert!(privacy.contains("href=\"mailto:privacy@example.com\""));
        let imprint = legal(&c, LegalPage::Imprint).into_string();
        assert!(imprint.contains(&format!(
            "<p class=\"notice notice--warning\">{}</p>",
            t(locale, Msg::LegalImprintDemoNotice)
        )));
        assert!(imprint.contains("href=\"mailto:medinfo@example.com\""));
        let a11y = legal(&c, LegalPage::Accessibility).into_string();
        assert!(a11y.contains("WCAG) 2.2"));
        assert!(a11y.contains("JavaScript"));
        assert!(a11y.contains("href=\"mailto:accessibility@example.com\""));
        let terms = legal(&c, LegalPage::Terms).into_string();
        assert!(terms.contains("href=\"/content/how-to-report-a-suspected-adverse-reaction\""));
    }
    let privacy = legal(&ctx(Locale::En, false), LegalPage::Privacy).into_string();
    for needle in [
        "Art. 15",
        "Art. 17",
        "Art. 20",
        "pharmacovigilance",
        "in the EU",
    ] {
        assert!(privacy.contains(needle), "{needle}");
    }
    let privacy = legal(&ctx(Locale::De, false), LegalPage::Privacy).into_string();
    for needle in [
        "Art. 15 DSGVO",
        "Datenübertragbarkeit",
        "Pharmakovigilanz",
        "in der EU",
    ] {
        assert!(privacy.contains(needle), "{needle}");
    }
}

#[test]
fn default_medical_contact() {
    let html = inquiries_landing(&PageContext::default()).into_string();
    assert!(html.contains("href=\"tel:+18005550100\">+1 800 555 0100</a>"));
    assert!(html.contains("mailto:medinfo@example.com"));
}

#[test]
fn user_strings_on_new_pages_are_escaped() {
    let evil = "<script>alert(\"x\")</script>&";
    let c = ctx(Locale::En, false);
    let mut evil_card = card(evil);
    evil_card.summary = Some(evil.into());
    evil_card.content_type = evil.into();
    evil_card.therapeutic_area = evil.into();
    let pages = [
        search(
            &c,
            &SearchView {
                query: evil.into(),
                ..Default::default()
            },
        )
        .into_string(),
        search(
            &c,
            &SearchView {
                query: evil.into(),
                total: 1,
                hits: vec![SearchHit {
                    title: evil.into(),
                    content_type: evil.into(),
                    therapeutic_area: Some(evil.into()),
                    product: Some(evil.into()),
                    snippet: vec![(evil.into(), false), (evil.into(), true)],
                    ..hit(evil)
                }],
                expansions: vec![evil.into()],
                did_you_mean: Some((evil.into(), evil.into())),
                ..Default::default()
            },
        )
        .into_string(),
        library(
            &c,
            &LibraryView {
                items: vec![evil_card.clone()],
                total: 20,
                page: 1,
                total_pages: 2,
                content_type: Some(evil.into()),
                area: Some(evil.into()),
            },
        )
        .into_string(),
        content_item(
            &c,
            &ItemView {
                card: evil_card.clone(),
                blocks: vec![Block::Paragraph(vec![Inline::Text(evil.into())])],
                product: Some(evil.into()),
                language: evil.into(),
                gated: false,
                version: 1,
                sha256: evil.into(),
                reviewed_on: Some(evil.into()),
                references: vec![ReferenceView { label: evil.into(), href: None }],
                signatures: vec![SignatureView {
                    printed_name: evil.into(),
                    role: evil.into(),
                    meaning: evil.into(),
                    discipline: evil.into(),
                    at: time::OffsetDateTime::UNIX_EPOCH,
                    sha256: evil.into(),
                }],
                versions_href: "/content/x/versions".into(),
                reader: Default::default(),
                attachments: vec![medportal_templates::pages::files::FileLink { href: "/files/f1".into(), name: evil.into(), content_type: evil.into(), size_kb: 1 }],
            },
        )
        .into_string(),
        outbox(
            &c,
            &[OutboxMail {
                region: evil.into(),
                to: evil.into(),
                subject: evil.into(),
                text: format!("{evil} https://x.example/\"><script>"),
                sent_at: OffsetDateTime::UNIX_EPOCH,
            }],
        )
        .into_string(),
    ];
    for html in &pages {
        assert!(!html.contains("<script"), "unescaped: {html}");
        assert!(html.contains("&lt;script&gt;"));
    }
    // The query is shown escaped in the zero-result heading and the field.
    assert!(pages[0].contains(&format!(
        "No results for “{}”",
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;"
    )));
    assert!(pages[0].contains("value=\"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;\""));
    // Filter values are percent-encoded in pagination links.
    assert!(pages[2].contains(
        "href=\"/library/%3Cscript%3Ealert%28%22x%22%29%3C%2Fscript%3E%26?type=%3Cscript%3Ealert%28%22x%22%29%3C%2Fscript%3E%26&amp;page="
    ));
    // Mail text sits escaped in <pre>; the link stops at the quote.
    assert!(pages[4].contains(
        "<a href=\"https://x.example/\">https://x.example/</a>&quot;&gt;&lt;script&gt;</pre>"
    ));
}
