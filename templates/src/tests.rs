//! Unit tests: catalogs, negotiation, tf, CSS contrast and hygiene.

use super::*;
use std::collections::{BTreeMap, BTreeSet};

// ---------------------------------------------------------------- catalogs

#[test]
fn every_message_is_non_empty_in_every_locale() {
    for locale in Locale::ALL {
        for msg in Msg::ALL {
            let text = t(locale, msg);
            assert!(
                !text.trim().is_empty(),
                "{} empty in {}",
                msg.key(),
                locale.code()
            );
            assert_eq!(text, text.trim(), "{} has stray whitespace", msg.key());
        }
    }
}

#[test]
fn placeholders_match_and_are_all_filled_by_tf() {
    for locale in Locale::ALL {
        for msg in Msg::ALL {
            let args: Vec<(&str, &str)> = msg.placeholders().iter().map(|p| (*p, "X")).collect();
            let out = tf(locale, msg, &args);
            assert!(
                !out.contains('{') && !out.contains('}'),
                "{}: {out}",
                msg.key()
            );
            // The placeholder set is the same in every locale (build.rs checks
            // this; here we re-derive it from the tables).
            let found = catalog::placeholders(t(locale, msg)).unwrap();
            let expected: BTreeSet<String> =
                msg.placeholders().iter().map(|s| s.to_string()).collect();
            assert_eq!(found, expected, "{} in {}", msg.key(), locale.code());
        }
    }
}

/// Messages that may legitimately be identical in English and German.
const SAME_IN_BOTH: &[&str] = &[
    "identity.country.pt",
    "site.name",
    "page.title",
    "lang.en",
    "lang.de",
    "format.datetime",
    "month.04",
    "month.08",
    "month.09",
    "month.11",
    // Placeholder company name and VAT number of the demo legal notice.
    "legal.imprint.company",
    "legal.imprint.vat",
    // The one-time code field: "Code" in German too.
    "identity.totp.code",
    // "Position" is German too; a series' title in brackets has no words to translate.
    "series_desk.col_position",
    "series_desk.known_title",
];

#[test]
fn german_is_actually_translated() {
    let untranslated: Vec<&str> = Msg::ALL
        .iter()
        .filter(|m| t(Locale::En, **m) == t(Locale::De, **m) && !SAME_IN_BOTH.contains(&m.key()))
        .map(|m| m.key())
        .collect();
    assert!(
        untranslated.is_empty(),
        "identical in en and de: {untranslated:?}"
    );
}

#[test]
fn keys_round_trip() {
    assert_eq!(Msg::NavHome.key(), "nav.home");
    assert_eq!(Msg::ErrorTitle404.key(), "error.title.404");
    assert_eq!(t(Locale::De, Msg::NavHome), "Startseite");
    let keys: BTreeSet<&str> = Msg::ALL.iter().map(|m| m.key()).collect();
    assert_eq!(keys.len(), Msg::ALL.len());
}

#[test]
fn catalog_checker_rejects_incomplete_or_inconsistent_locales() {
    let en = catalog::parse("en", "a.b = Hello {name}\nc = Bye\n").unwrap();
    // Missing key.
    let de = catalog::parse("de", "a.b = Hallo {name}\n").unwrap();
    let errs = catalog::check(&[en.clone(), de]);
    assert!(
        errs.iter().any(|e| e.contains("missing key `c`")),
        "{errs:?}"
    );
    // Placeholder set differs.
    let de = catalog::parse("de", "a.b = Hallo {nom}\nc = Tschüss\n").unwrap();
    let errs = catalog::check(&[en.clone(), de]);
    assert!(
        errs.iter().any(|e| e.contains("placeholders of `a.b`")),
        "{errs:?}"
    );
    // Extra key.
    let de = catalog::parse("de", "a.b = Hallo {name}\nc = Tschüss\nd = Extra\n").unwrap();
    let errs = catalog::check(&[en.clone(), de]);
    assert!(
        errs.iter().any(|e| e.contains("`d` does not exist")),
        "{errs:?}"
    );
    // Consistent.
    let de = catalog::parse("de", "# comment\n\na.b = Hallo {name}\nc = Tschüss\n").unwrap();
    assert!(catalog::check(&[en, de]).is_empty());
}

#[test]
fn catalog_parser_rejects_malformed_lines() {
    for bad in [
        "no equals sign",
        "Key = upper-case key",
        "k = ",
        "k = {unclosed",
        "k = stray }",
        "k = {Bad-Name}",
        "k = a\nk = b",
    ] {
        assert!(catalog::parse("xx", bad).is_err(), "accepted: {bad:?}");
    }
    let errs = catalog::check(&[catalog::parse("en", "a_b = x\na.b = y").unwrap()]);
    assert!(
        errs.iter()
            .any(|e| e.contains("same") || e.contains("both map")),
        "{errs:?}"
    );
}

#[test]
fn variant_names() {
    assert_eq!(catalog::variant_name("error.title.404"), "ErrorTitle404");
    assert_eq!(
        catalog::variant_name("form.error_summary_title"),
        "FormErrorSummaryTitle"
    );
}

// ------------------------------------------------------------------- tf

#[test]
fn tf_replaces_and_leaves_unknown_visible() {
    assert_eq!(
        tf(Locale::En, Msg::ErrorCode, &[("code", "E42")]),
        "Error code: E42"
    );
    assert_eq!(
        tf(Locale::De, Msg::ErrorCode, &[("code", "E42")]),
        "Fehlercode: E42"
    );
    assert_eq!(tf(Locale::En, Msg::ErrorCode, &[]), "Error code: {code}");
    // Values are not re-scanned for placeholders.
    assert_eq!(
        tf(Locale::En, Msg::ErrorCode, &[("code", "{code}")]),
        "Error code: {code}"
    );
    assert_eq!(
        tf(
            Locale::En,
            Msg::UserSignedInAs,
            &[("role", "HCP"), ("name", "Dr. Ä")]
        ),
        "Signed in as Dr. Ä (HCP)"
    );
}

// ------------------------------------------------------------ negotiation

#[test]
fn negotiation() {
    use Locale::{De, En};
    let cases: &[(Option<&str>, Option<&str>, Locale)] = &[
        (None, None, En),
        (None, Some(""), En),
        (None, Some("de"), De),
        (None, Some("de-AT"), De),
        (None, Some("DE-at"), De),
        (None, Some("de_CH"), De),
        (None, Some("de-AT,de;q=0.9,en;q=0.8"), De),
        (None, Some("en-US,en;q=0.9,de;q=0.8"), En),
        (None, Some("fr-FR, fr;q=0.9, de;q=0.5, en;q=0.4"), De),
        (None, Some("en;q=0.4, de;q=0.5"), De),
        (None, Some("de;q=0.5, en;q=0.5"), De), // tie: first listed wins
        (None, Some("en;q=0.5, de;q=0.5"), En),
        (None, Some("*"), En),
        (None, Some("fr, *;q=0.5"), En),
        (None, Some("en;q=0, *"), De), // * = anything but English
        (None, Some("de;q=0"), En),
        (None, Some("en;q=0, de;q=0"), En),
        (None, Some("fr, it"), En),
        (None, Some("de;q=0.000, en;q=0.001"), En),
        (None, Some("de;q=1.000"), De),
        (None, Some("de ; Q=0.8 , en;q=0.7"), De),
        // Garbage is ignored, never fatal.
        (None, Some(";;;,,,q=abc"), En),
        (None, Some("de;q=2, en;q=0.1"), En), // invalid q ignores the entry
        (None, Some("de;q=0.1234"), En),      // too many decimals
        (None, Some("de;q=-1"), En),
        (None, Some("de;q="), En),
        (None, Some("🤖, de-ÄT, d€"), En),
        (None, Some("de-toolongsubtag"), En),
        (None, Some("deutsch"), En),
        (None, Some("x-klingon, de;q=0.3"), De),
        // The explicit user choice wins.
        (Some("de"), Some("en"), De),
        (Some("en"), Some("de"), En),
        (Some("DE"), None, De),
        (Some("de-AT"), None, De),
        (Some("fr"), Some("de"), De), // unsupported choice falls through
        (Some(""), Some("de"), De),
        (Some("<script>"), None, En),
    ];
    for &(choice, header, expected) in cases {
        assert_eq!(
            Locale::negotiate(choice, header),
            expected,
            "{choice:?} / {header:?}"
        );
    }
}

#[test]
fn negotiation_bounds_work_on_huge_headers() {
    let mut header = "fr;q=0.9,".repeat(10_000);
    header.push_str("de");
    // Entries past the cap are not considered.
    assert_eq!(Locale::negotiate(None, Some(&header)), Locale::En);
}

#[test]
fn locale_codes() {
    assert_eq!(Locale::En.code(), "en");
    assert_eq!(Locale::De.code(), "de");
    assert_eq!(Locale::default(), Locale::En);
    assert_eq!(crate::native_name(Locale::De), "Deutsch");
    assert_eq!(Locale::from_tag("en-GB"), Some(Locale::En));
    assert_eq!(Locale::from_tag("fr"), None);
}

// -------------------------------------------------------------------- CSS

fn css_vars() -> BTreeMap<String, String> {
    let root_start = CSS.find(":root{").expect(":root block");
    let root = &CSS[root_start + 6..];
    let root = &root[..root.find('}').unwrap()];
    root.split(';')
        .filter_map(|decl| decl.trim().strip_prefix("--"))
        .filter_map(|decl| decl.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

fn rgb(hex: &str) -> [f64; 3] {
    let h = hex
        .strip_prefix('#')
        .unwrap_or_else(|| panic!("not a hex colour: {hex}"));
    let full: String = match h.len() {
        3 => h.chars().flat_map(|c| [c, c]).collect(),
        6 => h.to_string(),
        _ => panic!("bad colour {hex}"),
    };
    let c = |i: usize| u8::from_str_radix(&full[i..i + 2], 16).unwrap() as f64 / 255.0;
    [c(0), c(2), c(4)]
}

fn luminance(hex: &str) -> f64 {
    let lin = |c: f64| {
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let [r, g, b] = rgb(hex);
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Text colour on background colour, as used in the stylesheet (WCAG 1.4.3:
/// 4.5:1, all our text is treated as normal-size).
const TEXT_PAIRS: &[(&str, &str)] = &[
    ("text", "bg"),
    ("muted", "bg"),
    ("link", "bg"),
    ("link-hover", "bg"),
    ("text", "surface"),
    ("muted", "surface"),
    ("link", "surface"),
    ("link-hover", "surface"),
    ("on-primary", "primary"),      // primary button, current page number
    ("on-primary", "primary-dark"), // primary button hover
    ("primary", "bg"),              // secondary button
    ("primary", "info-bg"),         // secondary button hover
    ("error", "bg"),                // inline error text, summary links
    ("text", "info-bg"),            // notices
    ("text", "success-bg"),
    ("text", "warning-bg"),
    ("text", "error-bg"),
    ("info", "info-bg"), // badges
    ("success", "success-bg"),
    ("link", "info-bg"), // links inside notices
    ("link", "success-bg"),
    ("link", "warning-bg"),
    ("link", "error-bg"),
    ("text", "dev-bg"), // dev banner
];

/// Non-text contrast (WCAG 1.4.11: 3:1): input borders, focus ring, the
/// error and notice borders against the page.
const UI_PAIRS: &[(&str, &str)] = &[
    ("border", "bg"),
    ("border", "surface"),
    ("focus", "bg"),
    ("focus", "surface"),
    ("error", "bg"),
    ("primary", "bg"),
    ("primary", "surface"),
    ("info", "info-bg"),
    ("success", "success-bg"),
    ("warning", "warning-bg"),
    ("error", "error-bg"),
];

#[test]
fn contrast_formula_is_right() {
    assert!((contrast("#000", "#fff") - 21.0).abs() < 1e-9);
    assert!((contrast("#fff", "#fff") - 1.0).abs() < 1e-9);
    assert!((contrast("#777", "#fff") - 4.48).abs() < 0.01);
}

#[test]
fn css_colour_pairs_meet_wcag_aa() {
    let vars = css_vars();
    let get = |k: &str| vars.get(k).unwrap_or_else(|| panic!("--{k} not defined"));
    let mut failures = Vec::new();
    for (min, pairs) in [(4.5, TEXT_PAIRS), (3.0, UI_PAIRS)] {
        for (fg, bg) in pairs {
            let ratio = contrast(get(fg), get(bg));
            if ratio < min {
                failures.push(format!("--{fg} on --{bg}: {ratio:.2} < {min}"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn css_colours_live_only_in_root_and_every_var_is_defined() {
    let vars = css_vars();
    let root_end =
        CSS.find(":root{").unwrap() + CSS[CSS.find(":root{").unwrap()..].find('}').unwrap();
    let rest = &CSS[root_end..];
    assert!(
        !rest.contains('#')
            || !rest
                .split('#')
                .skip(1)
                .any(|s| s.starts_with(|c: char| c.is_ascii_hexdigit())),
        "hex colour outside :root"
    );
    for kw in ["rgb(", "hsl(", "oklch("] {
        assert!(
            !CSS.contains(kw),
            "colour function {kw} outside the checked palette"
        );
    }
    for used in rest.split("var(--").skip(1) {
        let name = &used[..used.find(')').unwrap()];
        assert!(
            vars.contains_key(name),
            "var(--{name}) used but not defined"
        );
    }
}

#[test]
fn css_is_small_and_self_contained() {
    assert!(CSS.len() < 8 * 1024, "CSS is {} bytes", CSS.len());
    assert!(!CSS.contains("url("), "no external resources");
    assert!(!CSS.contains("@import"));
    assert!(CSS.contains(":focus-visible"));
    assert!(CSS.contains("prefers-reduced-motion"));
}

#[test]
fn css_path_is_content_hashed() {
    let expected = format!("{:016x}", catalog::fnv1a64(CSS.as_bytes()));
    assert_eq!(
        CSS_PATH,
        format!("/static/medportal.{}.css", &expected[..10])
    );
    assert_eq!(catalog::fnv1a64(b""), 0xcbf29ce484222325);
    assert_eq!(catalog::fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
}
