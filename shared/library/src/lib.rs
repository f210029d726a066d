//! The content library's shared part: its typed vocabulary (`model`) and drafts (`draft`: a
//! version's content, its hash, and the one owner of the statements creating items and
//! versions). The content function authors, reviews and publishes; the inquiries function
//! creates FAQ drafts from answered inquiries through the same statements.

pub mod draft;
pub mod model;
