//! The BM25F fields of a document as the index sees them: their texts and analysed lengths.
//! Shared by the builder (new segments) and the merge (which re-measures stored documents).

use crate::analysis::{is_stopword, tokenize};
use crate::document::Document;
use crate::format::NUM_FIELDS;

/// Text of each BM25F field.
pub fn field_texts(d: &Document) -> [std::borrow::Cow<'_, str>; NUM_FIELDS] {
    [
        d.title.as_str().into(),
        d.summary.as_str().into(),
        d.body.as_str().into(),
        d.references.as_str().into(),
        d.taxonomy_text().into(),
    ]
}

/// Analysed length (non-stopword tokens) of each field.
pub fn field_lengths(d: &Document) -> [u32; NUM_FIELDS] {
    let texts = field_texts(d);
    std::array::from_fn(|f| {
        let mut n = 0u32;
        tokenize(&texts[f], |t| {
            if !is_stopword(t.text) {
                n += 1;
            }
        });
        n
    })
}
