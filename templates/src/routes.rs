//! URL paths the templates link to. Shared so handlers and links agree.

pub const HOME: &str = "/";
pub const LIBRARY: &str = "/content";
pub const SEARCH: &str = "/search";
pub const INQUIRIES: &str = "/inquiries";
pub const LOGIN: &str = "/login";
/// POST only, with a `csrf` form field.
pub const LOGOUT: &str = "/logout";
pub const ACCOUNT: &str = "/account";
pub const PRIVACY: &str = "/privacy";
pub const TERMS: &str = "/terms";
pub const IMPRINT: &str = "/imprint";
pub const ACCESSIBILITY: &str = "/accessibility";
/// Public data-protection and audit-trail page (audit function).
pub const DATA_PROTECTION: &str = "/audit";
/// Development-only mail outbox (identity function).
pub const DEV_OUTBOX: &str = "/dev/outbox";
/// The public article on reporting suspected adverse reactions.
pub const AE_REPORTING: &str = "/content/how-to-report-a-suspected-adverse-reaction";

/// Query parameter of the language switcher (`?lang=de`).
pub const LANG_PARAM: &str = "lang";
/// Query parameter of the search form (`/search?q=...`).
pub const SEARCH_PARAM: &str = "q";
/// Query parameters of the library filters (`/content?type=faq&area=oncology`).
pub const TYPE_PARAM: &str = "type";
pub const AREA_PARAM: &str = "area";
/// Query parameter of paginated listings.
pub const PAGE_PARAM: &str = "page";
/// Form field name of the CSRF token in POST forms.
pub const CSRF_FIELD: &str = "csrf";
