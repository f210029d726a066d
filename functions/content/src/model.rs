//! The library's typed vocabulary, shared with the inquiries function's FAQ drafts: it lives
//! in the `medportal-library` crate (its `model` module).

pub use medportal_library::model::*;
