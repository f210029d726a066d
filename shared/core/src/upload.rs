//! Uploaded files, as every function that accepts one checks them: the size limit, the type
//! from the content (never from the name or the declared type), the type a stored file is
//! served with, and a file name safe to show and to offer for download.

use crate::Config;

/// Room left in the request body for the multipart framing and the other fields.
const FORM_OVERHEAD: usize = 16 * 1024;

/// The largest file accepted (the request body limit less the form around it).
pub fn limit(config: &Config) -> usize {
    config.max_body_bytes.saturating_sub(FORM_OVERHEAD)
}

/// An accepted file type: its media type and file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileType {
    pub media_type: &'static str,
    pub extension: &'static str,
}

const PDF: FileType = FileType { media_type: "application/pdf", extension: "pdf" };
const PNG: FileType = FileType { media_type: "image/png", extension: "png" };
const JPEG: FileType = FileType { media_type: "image/jpeg", extension: "jpg" };

/// The type of a file, from its content only: PDF, PNG or JPEG; anything else is refused.
pub fn sniff(data: &[u8]) -> Option<FileType> {
    if data.starts_with(b"%PDF-") {
        Some(PDF)
    } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(PNG)
    } else if data.starts_with(b"\xff\xd8\xff") {
        Some(JPEG)
    } else {
        None
    }
}

/// The media type a stored file is served with (anything unexpected as plain bytes).
pub fn served_type(stored: &str) -> &'static str {
    match stored {
        "application/pdf" => PDF.media_type,
        "image/png" => PNG.media_type,
        "image/jpeg" => JPEG.media_type,
        _ => "application/octet-stream",
    }
}

/// A file name safe to show and to offer for download: the last path segment, letters,
/// digits, `.`, `-`, `_` and spaces only, at most 100 characters; `fallback` when nothing is
/// left.
pub fn clean_name(name: &str, fallback: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base.chars().filter(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ')).take(100).collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() { fallback.to_owned() } else { cleaned.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_only_allowed_types_from_content() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(FileType { media_type: "application/pdf", extension: "pdf" }));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some(FileType { media_type: "image/png", extension: "png" }));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0"), Some(FileType { media_type: "image/jpeg", extension: "jpg" }));
        assert_eq!(sniff(b"<html><script>"), None);
        assert_eq!(sniff(b"MZ\x90\x00"), None);
        assert_eq!(sniff(b"%PD"), None, "a prefix of a signature is not the type");
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn stored_types_are_served_as_themselves_or_as_plain_bytes() {
        for t in ["application/pdf", "image/png", "image/jpeg"] {
            assert_eq!(served_type(t), t);
        }
        for t in ["text/html", "image/svg+xml", "application/pdf; charset=utf-8", ""] {
            assert_eq!(served_type(t), "application/octet-stream", "{t}");
        }
    }

    #[test]
    fn names_are_cleaned_with_the_callers_fallback() {
        assert_eq!(clean_name("../../etc/passwd", "attachment"), "passwd");
        assert_eq!(clean_name("C:\\x\\Leaflet \"v2\".pdf", "attachment"), "Leaflet v2.pdf");
        assert_eq!(clean_name("  <script>.pdf  ", "attachment"), "script.pdf");
        assert_eq!(clean_name("<>", "attachment"), "attachment");
        assert_eq!(clean_name("dir/", "evidence"), "evidence");
        assert_eq!(clean_name(&"a".repeat(300), "x").len(), 100);
    }

    #[test]
    fn the_limit_leaves_room_for_the_form() {
        let mut config = Config::from_lookup(|k| (k == "public_origin").then(|| "https://portal.example.com".into())).unwrap();
        config.max_body_bytes = 1024 * 1024;
        assert_eq!(limit(&config), 1024 * 1024 - 16 * 1024);
        config.max_body_bytes = 10;
        assert_eq!(limit(&config), 0);
    }
}
