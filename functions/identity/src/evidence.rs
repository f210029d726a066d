//! Evidence files for manual verification: what is accepted (core's upload checks: the type
//! from the content, the size; and the note beside it) and the name a nameless file is shown
//! with.

use medportal_core::Config;
use medportal_core::upload::{limit, sniff};
use medportal_templates::Msg;

const MAX_NOTE: usize = 500;

/// The name shown for an evidence file whose own name cleans to nothing.
pub const FALLBACK_NAME: &str = "evidence";

/// Why an upload (the file's bytes, if one was chosen, and the note) is not accepted.
pub fn problem(config: &Config, file: Option<&[u8]>, note: &str) -> Option<Msg> {
    match file {
        None | Some([]) => Some(Msg::IdentityEvidenceMissing),
        Some(f) if f.len() > limit(config) => Some(Msg::IdentityEvidenceTooLarge),
        Some(f) if sniff(f).is_none() => Some(Msg::IdentityEvidenceType),
        _ if note.chars().count() > MAX_NOTE || note.chars().any(|c| c.is_control() && c != '\n' && c != '\r') => Some(Msg::IdentityEvidenceNote),
        _ => None,
    }
}
