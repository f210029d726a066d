//! Evidence files for manual verification: what is accepted (type from the content, size,
//! the note beside it) and how a file name is shown.

use medportal_core::Config;
use medportal_templates::Msg;

/// Room left in the request body for the multipart framing and the other fields.
const FORM_OVERHEAD: usize = 16 * 1024;
const MAX_NOTE: usize = 500;

/// The largest evidence file accepted (the request body limit less the form around it).
pub fn evidence_limit(config: &Config) -> usize {
    config.max_body_bytes.saturating_sub(FORM_OVERHEAD)
}

/// The type of an evidence file, from its content (never from the name or declared type):
/// its media type and file extension.
pub fn sniff(data: &[u8]) -> Option<(&'static str, &'static str)> {
    if data.starts_with(b"%PDF-") {
        Some(("application/pdf", "pdf"))
    } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("image/png", "png"))
    } else if data.starts_with(b"\xff\xd8\xff") {
        Some(("image/jpeg", "jpg"))
    } else {
        None
    }
}

/// Why an upload (the file's bytes, if one was chosen, and the note) is not accepted.
pub fn problem(config: &Config, file: Option<&[u8]>, note: &str) -> Option<Msg> {
    match file {
        None | Some([]) => Some(Msg::IdentityEvidenceMissing),
        Some(f) if f.len() > evidence_limit(config) => Some(Msg::IdentityEvidenceTooLarge),
        Some(f) if sniff(f).is_none() => Some(Msg::IdentityEvidenceType),
        _ if note.chars().count() > MAX_NOTE || note.chars().any(|c| c.is_control() && c != '\n' && c != '\r') => Some(Msg::IdentityEvidenceNote),
        _ => None,
    }
}

/// The media type a stored file is served with (anything unexpected as plain bytes).
pub fn served_type(stored: &str) -> &'static str {
    match stored {
        "application/pdf" => "application/pdf",
        "image/png" => "image/png",
        "image/jpeg" => "image/jpeg",
        _ => "application/octet-stream",
    }
}

/// A file name safe to show and to offer for download.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base.chars().filter(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ')).take(100).collect();
    if cleaned.trim().is_empty() { "evidence".into() } else { cleaned.trim().to_owned() }
}
