//! medportal search engine (platform-independent, `no threads, no filesystem`).
//!
//! * [`format`] — the one versioned, checksummed index format (meta + content-hashed chunks).
//! * [`IndexBuilder`] — bulk and incremental (segments + tombstones) index building.
//! * [`Searcher`] — query engine: BM25F over precomputed impacts, synonyms, typo tolerance,
//!   filters and facet counts over bitsets, pagination, suggestions, snippets.
//! * [`Vocab`] — medical vocabulary (brand ↔ generic, abbreviations, lay ↔ clinical).
//!
//! Hosts implement [`ChunkSource`] (KV / object storage) and keep a [`ChunkCache`] alive across
//! requests in the isolate.

pub mod analysis;
pub mod bitset;
pub mod builder;
pub mod cache;
pub mod codec;
mod document;
mod error;
pub mod fields;
pub mod format;
pub mod fuzzy;
pub mod merge;
mod plan;
pub mod search;
pub mod sort;
#[cfg(feature = "topk-stats")]
pub mod topk;
#[cfg(not(feature = "topk-stats"))]
mod topk;
pub mod vocab;
pub mod warmup;

pub use analysis::Analyzer;
pub use bitset::Bitset;
pub use builder::{Commit, IndexBuilder};
pub use cache::{ChunkCache, ChunkSource, MemorySource};
pub use merge::{MergeIo, SyncIo};
pub use document::{Audience, Document, FacetField, NUM_FACETS};
pub use error::Error;
pub use format::{ChunkId, Field, IndexConfig, Meta};
pub use search::{
    Counts, FacetCount, Filter, Hit, RankOptions, SearchRequest, SearchResults, Searcher, Snippet,
    SnippetTerms,
};
pub use vocab::Vocab;

