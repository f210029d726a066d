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

/// Query parameter of the language switcher (`?lang=de`).
pub const LANG_PARAM: &str = "lang";
/// Query parameter of the search form (`/search?q=...`).
pub const SEARCH_PARAM: &str = "q";
/// Form field name of the CSRF token in POST forms.
pub const CSRF_FIELD: &str = "csrf";
