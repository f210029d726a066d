//! Every path of the portal, one table per function: the function's route table, its
//! redirects, the templates' links and the manifest test (through the route tables) all read
//! these constants, so a path is written once. Patterns use matchit's `{param}` syntax.

/// Identity: sign-up, sign-in, account, verification, staff administration.
pub mod identity {
    pub const REGISTER: &str = "/register";
    pub const LOGIN: &str = "/login";
    pub const LOGIN_VERIFY: &str = "/login/verify";
    pub const SECOND_FACTOR: &str = "/login/totp";
    /// POST only, with a `csrf` form field.
    pub const LOGOUT: &str = "/logout";
    pub const ACCOUNT: &str = "/account";
    pub const PROFILE: &str = "/account/profile";
    /// The one-time bootstrap of the first administrator (`admin_bootstrap_token`).
    pub const ADMIN_BOOTSTRAP: &str = "/account/admin-bootstrap";
    pub const VERIFY: &str = "/verify";
    pub const VERIFY_EVIDENCE: &str = "/verify/evidence";
    pub const VERIFY_OIDC: &str = "/verify/oidc";
    pub const VERIFY_OIDC_CALLBACK: &str = "/verify/oidc/callback";
    pub const ADMIN_VERIFICATIONS: &str = "/admin/verifications";
    pub const ADMIN_VERIFICATION: &str = "/admin/verifications/{id}";
    pub const ADMIN_VERIFICATION_EVIDENCE: &str = "/admin/verifications/{id}/evidence";
    pub const ADMIN_ROLES: &str = "/admin/roles";
    pub const ADMIN_ROLE: &str = "/admin/roles/{id}";
    /// Re-authentication with the second factor for one purpose (an electronic signature):
    /// `?purpose=sign:<sha256>:<meaning>:<discipline>&return=<a path in STEP_UP_RETURNS>`.
    pub const STEP_UP: &str = "/account/step-up";
    /// Where a step-up assertion may be handed to (path prefixes).
    pub const STEP_UP_RETURNS: &[&str] = &["/review/", "/compliance/dsar/"];
    /// Development-only mail outbox.
    pub const DEV_OUTBOX: &str = "/dev/outbox";
}

/// Content: home, library, items, legal pages, the stylesheet (the catch-all function).
pub mod content {
    pub const HOME: &str = "/";
    pub const LIBRARY: &str = "/content";
    pub const ITEM: &str = "/content/{slug}";
    /// What precedes an item's slug in its path ([`ITEM`]); links are `item(slug)`.
    pub const ITEM_PREFIX: &str = "/content/";

    /// The path of the item `slug`.
    pub fn item(slug: &str) -> String {
        format!("{ITEM_PREFIX}{slug}")
    }
    /// An item's version history and a diff between two of its versions (by number).
    pub const VERSIONS: &str = "/content/{slug}/versions";
    pub const DIFF: &str = "/content/{slug}/diff/{a}/{b}";
    pub fn versions(slug: &str) -> String {
        format!("{ITEM_PREFIX}{slug}/versions")
    }
    pub fn diff(slug: &str, a: i64, b: i64) -> String {
        format!("{ITEM_PREFIX}{slug}/diff/{a}/{b}")
    }
    /// Staff workspaces: authoring, review (with signing), governance.
    pub const AUTHOR: &str = "/author";
    pub const AUTHOR_ITEM: &str = "/author/{id}";
    pub const AUTHOR_SUBMIT: &str = "/author/{id}/submit";
    pub const AUTHOR_PUBLISH: &str = "/author/{id}/publish";
    pub const AUTHOR_WITHDRAW: &str = "/author/{id}/withdraw";
    pub const REVIEW: &str = "/review";
    pub const REVIEW_ITEM: &str = "/review/{id}";
    pub const REVIEW_SIGN: &str = "/review/{id}/sign";
    pub const GOVERNANCE: &str = "/governance";
    pub fn author_item(id: &str) -> String {
        format!("/author/{id}")
    }
    pub fn author_submit(id: &str) -> String {
        format!("/author/{id}/submit")
    }
    pub fn author_publish(id: &str) -> String {
        format!("/author/{id}/publish")
    }
    pub fn author_withdraw(id: &str) -> String {
        format!("/author/{id}/withdraw")
    }
    pub fn review_item(id: &str) -> String {
        format!("/review/{id}")
    }
    pub fn review_sign(id: &str) -> String {
        format!("/review/{id}/sign")
    }
    /// The reader's own pages: saved items (GET lists them, POST saves or unsaves one), a
    /// series with their progress, marking a part of a series completed, and the library of
    /// one therapeutic area (`/content?area=` redirects there).
    pub const SAVED: &str = "/saved";
    pub const SERIES: &str = "/series/{id}";
    pub const PROGRESS: &str = "/content/{slug}/progress";
    pub const LIBRARY_ROOT: &str = "/library";
    pub const LIBRARY_AREA: &str = "/library/{area}";
    pub fn series(id: &str) -> String {
        format!("/series/{id}")
    }
    pub fn progress(slug: &str) -> String {
        format!("{ITEM_PREFIX}{slug}/progress")
    }
    pub fn library_area(area: &str) -> String {
        format!("{LIBRARY_ROOT}/{area}")
    }
    /// Files attached to items: the upload (staff, multipart) and the download (readers
    /// allowed to read the item; never a bucket URL).
    pub const AUTHOR_FILES: &str = "/author/{id}/files";
    /// Removing a file from a draft (form field `file`: its id).
    pub const AUTHOR_FILES_REMOVE: &str = "/author/{id}/files/remove";
    pub const FILE: &str = "/files/{id}";
    /// Scanning a pending file again (form field `file`: its id; authors and reviewers).
    pub const AUTHOR_FILES_RESCAN: &str = "/author/{id}/files/rescan";
    /// Placing the item in a series or moving it there (fields `series`, `series_title`,
    /// `position`), and removing it from one (field `series`).
    pub const AUTHOR_SERIES: &str = "/author/{id}/series";
    pub const AUTHOR_SERIES_REMOVE: &str = "/author/{id}/series/remove";
    pub fn author_files_rescan(id: &str) -> String {
        format!("/author/{id}/files/rescan")
    }
    pub fn author_series(id: &str) -> String {
        format!("/author/{id}/series")
    }
    pub fn author_series_remove(id: &str) -> String {
        format!("/author/{id}/series/remove")
    }
    pub fn author_files(id: &str) -> String {
        format!("/author/{id}/files")
    }
    pub fn author_files_remove(id: &str) -> String {
        format!("/author/{id}/files/remove")
    }

    pub fn file(id: &str) -> String {
        format!("/files/{id}")
    }
    /// Development builds only: imports demo library lines through the publishing use
    /// cases (bearer: the search indexing token).
    pub const DEV_IMPORT: &str = "/dev/content/import";
    pub const PRIVACY: &str = "/privacy";
    pub const TERMS: &str = "/terms";
    pub const IMPRINT: &str = "/imprint";
    pub const ACCESSIBILITY: &str = "/accessibility";
    /// The public article on reporting suspected adverse reactions.
    pub const AE_REPORTING: &str = "/content/how-to-report-a-suspected-adverse-reaction";
}

/// Search: the results page, suggestions, click signals.
pub mod search {
    pub const SEARCH: &str = "/search";
    pub const SUGGEST: &str = "/search/suggest";
    /// The optional progressive enhancement of the search field.
    pub const SUGGEST_SCRIPT: &str = "/search/suggest.js";
    /// Click signal (`?to=/content/<slug>&r=<rank>&s=<id>`), then a redirect.
    pub const CLICK: &str = "/search/click";
}

/// Search-admin: the indexing entry point, the vocabulary upload, the staff pages.
pub mod search_admin {
    pub const STATUS: &str = "/admin/search";
    pub const REBUILD: &str = "/admin/search/rebuild";
    pub const INDEX: &str = "/admin/search/index";
    pub const VOCAB: &str = "/admin/search/vocab";
}

/// Inquiries: medical information requests.
pub mod inquiries {
    /// The landing page; for a verified HCP also "My inquiries".
    pub const INQUIRIES: &str = "/inquiries";
    pub const NEW: &str = "/inquiries/new";
    /// One inquiry's thread (owner only), by reference (`MI-2026-EU-000123`).
    pub const THREAD: &str = "/inquiries/{ref}";
    pub const FOLLOW_UP: &str = "/inquiries/{ref}/follow-up";
    pub const RATING: &str = "/inquiries/{ref}/rating";
    pub const CLOSE: &str = "/inquiries/{ref}/close";
    /// The Medical Information specialists' workspace: the queue and one inquiry with its
    /// actions (assign, status, note, answer).
    pub const QUEUE: &str = "/mi/queue";
    /// Volume, time to first response, response times met, top products and topics.
    pub const METRICS: &str = "/mi/metrics";
    pub const MI_INQUIRY: &str = "/mi/inquiries/{ref}";
    pub const MI_ASSIGN: &str = "/mi/inquiries/{ref}/assign";
    pub const MI_STATUS: &str = "/mi/inquiries/{ref}/status";
    pub const MI_NOTE: &str = "/mi/inquiries/{ref}/note";
    pub const MI_ANSWER: &str = "/mi/inquiries/{ref}/answer";
    /// Marks an inquiry as an unsolicited off-label request.
    pub const MI_OFF_LABEL: &str = "/mi/inquiries/{ref}/off-label";
    /// Undoes an off-label mark (with a reason; before any answer was sent).
    pub const MI_OFF_LABEL_UNDO: &str = "/mi/inquiries/{ref}/off-label/undo";
    /// An answered inquiry turned, de-identified, into an FAQ draft for the library's review.
    pub const MI_FAQ: &str = "/mi/inquiries/{ref}/faq";
    /// The published FAQs of the reader's market and language, by product.
    pub const FAQ: &str = "/faq";

    pub fn thread(reference: &str) -> String {
        format!("/inquiries/{reference}")
    }
    pub fn follow_up(reference: &str) -> String {
        format!("/inquiries/{reference}/follow-up")
    }
    pub fn rating(reference: &str) -> String {
        format!("/inquiries/{reference}/rating")
    }
    pub fn close(reference: &str) -> String {
        format!("/inquiries/{reference}/close")
    }
    pub fn mi_inquiry(reference: &str) -> String {
        format!("/mi/inquiries/{reference}")
    }
    /// `action`: `assign`, `status`, `note`, `answer`, `off-label` or `faq`.
    pub fn mi_action(reference: &str, action: &str) -> String {
        format!("/mi/inquiries/{reference}/{action}")
    }
}

/// Pharmacovigilance (the inquiries function): the cases the screening opens.
pub mod pv {
    pub const CASES: &str = "/pv/cases";
    pub const CASE: &str = "/pv/cases/{id}";
    pub const FORWARD: &str = "/pv/cases/{id}/forward";

    pub fn case(id: &str) -> String {
        format!("/pv/cases/{id}")
    }
    pub fn forward(id: &str) -> String {
        format!("/pv/cases/{id}/forward")
    }
}

/// Audit: the public data-protection and audit-trail page.
pub mod audit {
    /// The public page: what the audit trail records and guarantees.
    pub const DATA_PROTECTION: &str = "/audit/about";
    /// The audit viewer (compliance officers with a second factor): entries with filters.
    pub const VIEWER: &str = "/audit";
    /// One entry with its inclusion proof: a page, or JSON for `Accept: application/json`:
    /// `/audit/entries/{db}/{seq}`.
    pub const ENTRY: &str = "/audit/entries/{db}/{seq}";
    /// The consistency proof between two signed checkpoints (RFC 9162 §2.1.4, JSON):
    /// `?db=eu&old=M&new=N`.
    pub const CONSISTENCY: &str = "/audit/consistency";
    pub const OLD_PARAM: &str = "old";
    pub const NEW_PARAM: &str = "new";
    /// An export for `tools/audit-verify` (JSON Lines): `?db=eu&from=0`.
    pub const EXPORT: &str = "/audit/export";
    /// The latest signed checkpoint of every log (public, signed notes).
    pub const CHECKPOINTS: &str = "/audit/checkpoints";
    /// The published checkpoint verifier keys (public, one `vkey` per line).
    pub const KEYS: &str = "/audit/keys";
    /// Query parameters of the viewer and export.
    pub const DB_PARAM: &str = "db";
    pub const FROM_PARAM: &str = "from";
    pub const PERSON_PARAM: &str = "person";
    pub const OBJECT_PARAM: &str = "object";
    pub const ACTION_PARAM: &str = "action";
    pub const SINCE_PARAM: &str = "since";
    pub const UNTIL_PARAM: &str = "until";

    /// The entry detail path of one entry.
    pub fn entry(db: &str, seq: u64) -> String {
        format!("/audit/entries/{db}/{seq}")
    }
    /// A person's data-protection requests (served by the audit function: a more specific
    /// route than identity's `/account`).
    pub const ACCOUNT_PRIVACY: &str = "/account/privacy";
    /// The person's own machine-readable export (JSON, Art. 15/20).
    pub const ACCOUNT_PRIVACY_EXPORT: &str = "/account/privacy/export";
    /// Compliance officers: residency, data-subject requests, records of processing.
    pub const RESIDENCY: &str = "/compliance/residency";
    pub const DSAR: &str = "/compliance/dsar";
    pub const DSAR_ITEM: &str = "/compliance/dsar/{id}";
    pub const DSAR_EXPORT: &str = "/compliance/dsar/{id}/export";
    pub const DSAR_DECIDE: &str = "/compliance/dsar/{id}/decide";
    pub const PROCESSING: &str = "/compliance/processing";
    pub fn dsar_item(id: &str) -> String {
        format!("/compliance/dsar/{id}")
    }
    pub fn dsar_export(id: &str) -> String {
        format!("/compliance/dsar/{id}/export")
    }
    pub fn dsar_decide(id: &str) -> String {
        format!("/compliance/dsar/{id}/decide")
    }
}

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
