//! Files attached to content items: the authors' panel on `/author/{id}` (the list with each
//! file's scan state, and on drafts the upload form: multipart, no JavaScript) and the
//! readers' list of downloads on an item page.

use maud::{Markup, html};

use crate::components::{ButtonKind, FieldError, button, error_summary};
use crate::{Locale, Msg, paths, t, tf};

/// One stored file, as authors see it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileRow {
    pub name: String,
    /// `pending`, `clean` or `rejected`.
    pub status: String,
    pub size_kb: i64,
    /// The version it was attached to.
    pub version: i64,
    /// The download, for clean files.
    pub href: Option<String>,
    /// The file's id when it may be removed (attached to the draft being edited).
    pub removable: Option<String>,
    /// The file's id when it may be scanned again (pending, and the viewer authors or reviews).
    pub rescannable: Option<String>,
}

/// The authors' files panel.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FilesPanel {
    pub csrf: String,
    pub action: String,
    /// Where a removal is posted.
    pub remove_action: String,
    /// Where a new scan of a pending file is posted.
    pub rescan_action: String,
    pub files: Vec<FileRow>,
    pub limit_kb: usize,
    pub can_attach: bool,
    /// A refused upload's error code (`file_type`, `file_too_large`, …).
    pub error: Option<String>,
    /// No malware scanner is configured: uploads stay pending.
    pub no_scanner: bool,
}

/// One download on an item page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileLink {
    pub href: String,
    pub name: String,
    pub content_type: String,
    pub size_kb: i64,
}

fn status(l: Locale, code: &str) -> &str {
    match code {
        "clean" => t(l, Msg::FilesStatusClean),
        "rejected" => t(l, Msg::FilesStatusRejected),
        _ => t(l, Msg::FilesStatusPending),
    }
}

fn problem(l: Locale, code: &str) -> &str {
    match code {
        "file_missing" => t(l, Msg::FilesErrorMissing),
        "file_too_large" => t(l, Msg::FilesErrorTooLarge),
        "file_type" => t(l, Msg::FilesErrorType),
        "file_rejected" => t(l, Msg::FilesErrorRejected),
        "file_not_draft" => t(l, Msg::FilesErrorNotDraft),
        _ => t(l, Msg::FilesErrorOther),
    }
}

fn kind(content_type: &str) -> &'static str {
    match content_type {
        "application/pdf" => "PDF",
        "image/png" => "PNG",
        "image/jpeg" => "JPEG",
        _ => "",
    }
}

/// The authors' panel: files with their scan state, and the upload form on drafts.
pub fn author_panel(l: Locale, v: &FilesPanel) -> Markup {
    let kb = v.limit_kb.to_string();
    let actions = v.can_attach || v.files.iter().any(|f| f.rescannable.is_some());
    html! {
        section aria-labelledby="files-title" {
            h2 #files-title { (t(l, Msg::FilesTitle)) }
            @if v.no_scanner {
                p.notice.notice--warning { (t(l, Msg::FilesNoScanner)) }
            }
            @if v.files.is_empty() {
                p { (t(l, Msg::FilesNone)) }
            } @else {
                table {
                    caption.visually-hidden { (t(l, Msg::FilesTitle)) }
                    thead { tr {
                        th scope="col" { (t(l, Msg::FilesColName)) }
                        th scope="col" { (t(l, Msg::FilesColVersion)) }
                        th scope="col" { (t(l, Msg::FilesColSize)) }
                        th scope="col" { (t(l, Msg::FilesColStatus)) }
                        @if actions { th scope="col" { (t(l, Msg::FilesColAction)) } }
                    } }
                    tbody { @for f in &v.files { tr {
                        td { @match &f.href { Some(h) => a href=(h) { (f.name) }, None => (f.name) } }
                        td { (f.version) }
                        td { (tf(l, Msg::FilesSizeKb, &[("size", &f.size_kb.to_string())])) }
                        td { (status(l, &f.status)) }
                        @if actions { td {
                            @if let Some(id) = &f.rescannable {
                                form.inline-form method="post" action=(v.rescan_action) {
                                    input type="hidden" name=(paths::CSRF_FIELD) value=(v.csrf);
                                    input type="hidden" name="file" value=(id);
                                    button.btn.btn--secondary type="submit" { (t(l, Msg::FilesRescan)) span.visually-hidden { " " (f.name) } }
                                }
                            }
                            @if let Some(id) = &f.removable {
                                form.inline-form method="post" action=(v.remove_action) {
                                    input type="hidden" name=(paths::CSRF_FIELD) value=(v.csrf);
                                    input type="hidden" name="file" value=(id);
                                    button.btn.btn--secondary type="submit" { (t(l, Msg::FilesRemove)) span.visually-hidden { " " (f.name) } }
                                }
                            }
                        } }
                    } } }
                }
            }
            @if v.can_attach {
                @if let Some(code) = &v.error {
                    (error_summary(l, &[FieldError { field_id: "file", message: problem(l, code) }]))
                }
                form method="post" action=(v.action) enctype="multipart/form-data" novalidate {
                    input type="hidden" name=(paths::CSRF_FIELD) value=(v.csrf);
                    div.field.field--error[v.error.is_some()] {
                        label for="file" { (t(l, Msg::FilesAttach)) }
                        p.hint #file-hint { (tf(l, Msg::FilesHint, &[("size", &kb)])) }
                        @if let Some(code) = &v.error {
                            p.error-text #file-error { span.visually-hidden { (t(l, Msg::FormErrorPrefix)) " " } (problem(l, code)) }
                        }
                        input #file name="file" type="file" accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
                            aria-describedby=(if v.error.is_some() { "file-hint file-error" } else { "file-hint" })
                            aria-invalid=[v.error.as_ref().map(|_| "true")] aria-required="true";
                    }
                    (button(ButtonKind::Secondary, t(l, Msg::FilesSubmit)))
                }
            } @else {
                p.hint { (t(l, Msg::FilesDraftOnly)) }
            }
        }
    }
}

/// The readers' downloads on an item page (nothing when there are none).
pub fn downloads(l: Locale, files: &[FileLink]) -> Markup {
    html! {
        @if !files.is_empty() {
            section.downloads aria-labelledby="downloads-title" {
                h2 #downloads-title { (t(l, Msg::FilesDownloads)) }
                ul { @for f in files {
                    li { a href=(f.href) download { (f.name) } " " (tf(l, Msg::FilesDownloadMeta, &[("type", kind(&f.content_type)), ("size", &f.size_kb.to_string())])) }
                } }
            }
        }
    }
}
