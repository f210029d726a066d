//! Structured bodies ("medmark") as typed blocks, and their rendering. The content function
//! parses the stored markup into these; nothing here ever emits raw HTML: every text goes
//! through maud's escaping, and a link's target is an `https://` URL checked by the parser.

use maud::{Markup, html};

/// Inline text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Emphasis(String),
    Strong(String),
    /// `href` is an `https://` URL without white space or quotes.
    Link { text: String, href: String },
}

/// A block of a body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// `##` (level 2) or `###` (level 3).
    Heading { level: u8, text: Vec<Inline> },
    Paragraph(Vec<Inline>),
    List { ordered: bool, items: Vec<Vec<Inline>> },
    Table { head: Vec<Vec<Inline>>, rows: Vec<Vec<Vec<Inline>>> },
}

fn inline(parts: &[Inline]) -> Markup {
    html! {
        @for p in parts {
            @match p {
                Inline::Text(t) => (t),
                Inline::Emphasis(t) => em { (t) },
                Inline::Strong(t) => strong { (t) },
                Inline::Link { text, href } => a href=(href) rel="noopener" { (text) },
            }
        }
    }
}

/// The blocks as HTML (headings `h2`/`h3`: the page's `h1` is the title).
pub fn render(blocks: &[Block]) -> Markup {
    html! {
        @for b in blocks {
            @match b {
                Block::Heading { level: 3, text } => h3 { (inline(text)) },
                Block::Heading { text, .. } => h2 { (inline(text)) },
                Block::Paragraph(text) => p { (inline(text)) },
                Block::List { ordered: true, items } => ol { @for i in items { li { (inline(i)) } } },
                Block::List { items, .. } => ul { @for i in items { li { (inline(i)) } } },
                Block::Table { head, rows } => div.table-wrap {
                    table {
                        thead { tr { @for h in head { th scope="col" { (inline(h)) } } } }
                        tbody { @for r in rows { tr { @for c in r { td { (inline(c)) } } } } }
                    }
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_links_keep_their_target() {
        let html = render(&[
            Block::Heading { level: 2, text: vec![Inline::Text("<script>".into())] },
            Block::Paragraph(vec![Inline::Strong("a&b".into()), Inline::Link { text: "DOI".into(), href: "https://doi.org/10.1/x".into() }]),
        ])
        .into_string();
        assert_eq!(html, "<h2>&lt;script&gt;</h2><p><strong>a&amp;b</strong><a href=\"https://doi.org/10.1/x\" rel=\"noopener\">DOI</a></p>");
    }
}
