//! A query resolved against the index, as the planner in `search` produces it and the
//! scorers (exhaustive in `search`, top-k in `topk`) consume it. A leaf of both: neither
//! module's types are needed here.

use std::rc::Rc;

use crate::cache::Decoded;

/// Term postings located in one segment.
pub(crate) struct TermLoc {
    pub(crate) base: u32,
    /// One past the segment's last global docnum.
    pub(crate) end: u32,
    pub(crate) chunk: Rc<Decoded>,
    pub(crate) idx: usize,
}

/// A clause resolved against the index: per alternative, its terms' postings with their
/// fixed-point score tables (`topk::SCALE`).
pub(crate) struct RClause {
    pub(crate) alts: Vec<RAlt>,
    pub(crate) simple: bool,
}

pub(crate) struct RAlt {
    pub(crate) terms: Vec<(Rc<TermInfo>, [u64; 16])>,
    /// Postings a document needs to score this alternative.
    pub(crate) need: u8,
}

pub(crate) struct TermInfo {
    pub(crate) df: u32,
    pub(crate) locs: Vec<TermLoc>,
}
