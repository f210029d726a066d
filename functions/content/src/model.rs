//! The library's typed vocabulary, shared with the inquiries function's FAQ drafts: it lives
//! in the `medportal-library` crate (its `model` module).

pub use medportal_library::model::*;

use medportal_core::router::Params;

/// The `id` of an item or file in a route: at most 64 ASCII letters and digits; anything else
/// becomes `-`, which names nothing.
pub fn route_id(params: &Params) -> &str {
    params.get("id").filter(|i| i.len() <= 64 && i.bytes().all(|b| b.is_ascii_alphanumeric())).unwrap_or("-")
}
