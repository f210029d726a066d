//! The medmark parser: a stored body → typed blocks (rendered by the templates' medmark
//! module). `## ` / `### ` headings, paragraphs separated by a blank line, `- ` and `1. `
//! list items (one level), tables (header row, `|---|` separator, body rows), `*emphasis*`,
//! `**strong**`, `[text](https://…)`. Anything else is plain text; no raw HTML ever (every
//! text is escaped when rendered) and a link that is not `https://` stays text.

use medportal_templates::medmark::{Block, Inline};

/// Longest link target kept as a link.
const MAX_HREF: usize = 2048;

fn safe_href(href: &str) -> bool {
    href.len() <= MAX_HREF
        && href.strip_prefix("https://").is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
        && !href.bytes().any(|b| b.is_ascii_whitespace() || b.is_ascii_control() || matches!(b, b'"' | b'\'' | b'<' | b'>' | b'\\' | b'`'))
}

fn push_text(out: &mut Vec<Inline>, s: &str) {
    if s.is_empty() {
        return;
    }
    if let Some(Inline::Text(t)) = out.last_mut() {
        t.push_str(s);
    } else {
        out.push(Inline::Text(s.to_owned()));
    }
}

/// Inline markup of one line.
pub fn inline(s: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("**")
            && let Some(end) = after.find("**").filter(|&e| e > 0)
        {
            out.push(Inline::Strong(after[..end].to_owned()));
            rest = &after[end + 2..];
            continue;
        }
        if let Some(after) = rest.strip_prefix('*')
            && let Some(end) = after.find('*').filter(|&e| e > 0)
        {
            out.push(Inline::Emphasis(after[..end].to_owned()));
            rest = &after[end + 1..];
            continue;
        }
        if let Some(after) = rest.strip_prefix('[')
            && let Some(close) = after.find("](")
            && let Some(end) = after[close + 2..].find(')')
        {
            let (text, href) = (&after[..close], &after[close + 2..close + 2 + end]);
            if !text.is_empty() && !text.contains('[') && safe_href(href) {
                out.push(Inline::Link { text: text.to_owned(), href: href.to_owned() });
                rest = &after[close + 3 + end..];
                continue;
            }
        }
        // plain text up to the next possible markup character (after the first character)
        let first = rest.chars().next().map_or(1, char::len_utf8);
        let next = rest[first..].find(['*', '[']).map_or(rest.len(), |i| i + first);
        push_text(&mut out, &rest[..next]);
        rest = &rest[next..];
    }
    out
}

fn list_item(line: &str) -> Option<(bool, &str)> {
    if let Some(t) = line.strip_prefix("- ") {
        return Some((false, t));
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0 && digits <= 3).then(|| line[digits..].strip_prefix(". ").map(|t| (true, t))).flatten()
}

fn cells(line: &str) -> Vec<&str> {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    t.split('|').map(str::trim).collect()
}

fn is_separator(line: &str) -> bool {
    let c = cells(line);
    !c.is_empty() && c.iter().all(|c| c.len() >= 3 && c.trim_matches(':').bytes().all(|b| b == b'-') && c.contains('-'))
}

/// One blank-line-separated chunk → blocks (a chunk may hold a heading followed by text).
fn chunk(lines: &[&str], out: &mut Vec<Block>) {
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if let Some(t) = line.strip_prefix("### ") {
            out.push(Block::Heading { level: 3, text: inline(t.trim()) });
            i += 1;
        } else if let Some(t) = line.strip_prefix("## ") {
            out.push(Block::Heading { level: 2, text: inline(t.trim()) });
            i += 1;
        } else if line.starts_with('|') && lines.get(i + 1).is_some_and(|l| is_separator(l)) {
            let head: Vec<Vec<Inline>> = cells(line).into_iter().map(inline).collect();
            let width = head.len();
            i += 2;
            let mut rows = Vec::new();
            while i < lines.len() && lines[i].starts_with('|') {
                let mut r: Vec<Vec<Inline>> = cells(lines[i]).into_iter().map(inline).collect();
                r.resize(width, Vec::new());
                rows.push(r);
                i += 1;
            }
            out.push(Block::Table { head, rows });
        } else if let Some((ordered, _)) = list_item(line) {
            let mut items = Vec::new();
            while let Some((o, t)) = lines.get(i).and_then(|l| list_item(l)) {
                if o != ordered {
                    break;
                }
                items.push(inline(t.trim()));
                i += 1;
            }
            out.push(Block::List { ordered, items });
        } else {
            let start = i;
            while i < lines.len() && (i == start || !(lines[i].starts_with("## ") || lines[i].starts_with("### ") || list_item(lines[i]).is_some())) {
                i += 1;
            }
            out.push(Block::Paragraph(inline(&lines[start..i].join(" "))));
        }
    }
}

/// A body → blocks.
pub fn parse(body: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut lines: Vec<&str> = Vec::new();
    for raw in body.lines().map(str::trim_end) {
        if raw.trim().is_empty() {
            chunk(&lines, &mut out);
            lines.clear();
        } else {
            lines.push(raw.trim_start());
        }
    }
    chunk(&lines, &mut out);
    out
}

/// The body as plain text (search documents, reading time).
pub fn plain(body: &str) -> String {
    let text = |parts: &[Inline]| {
        parts
            .iter()
            .map(|p| match p {
                Inline::Text(t) | Inline::Emphasis(t) | Inline::Strong(t) => t.as_str(),
                Inline::Link { text, .. } => text.as_str(),
            })
            .collect::<String>()
    };
    let mut out = Vec::new();
    for b in parse(body) {
        match b {
            Block::Heading { text: t, .. } | Block::Paragraph(t) => out.push(text(&t)),
            Block::List { items, .. } => out.extend(items.iter().map(|i| text(i))),
            Block::Table { head, rows } => {
                out.push(head.iter().map(|c| text(c)).collect::<Vec<_>>().join(" "));
                out.extend(rows.iter().map(|r| r.iter().map(|c| text(c)).collect::<Vec<_>>().join(" ")));
            }
        }
    }
    out.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use Inline::*;

    #[test]
    fn blocks_of_the_exchange_format() {
        let body = "## Background\n\nParagraph with *emphasis* and **strong** and [a link](https://doi.org/10.1056/x).\n\n- item\n- item two\n\n1. first\n2. second\n\n| Outcome | Apixaban | Warfarin |\n|---|---|---|\n| Stroke | 1.27% | 1.60% |\n";
        let blocks = parse(body);
        assert_eq!(blocks.len(), 5, "{blocks:?}");
        assert_eq!(blocks[0], Block::Heading { level: 2, text: vec![Text("Background".into())] });
        assert_eq!(
            blocks[1],
            Block::Paragraph(vec![
                Text("Paragraph with ".into()),
                Emphasis("emphasis".into()),
                Text(" and ".into()),
                Strong("strong".into()),
                Text(" and ".into()),
                Link { text: "a link".into(), href: "https://doi.org/10.1056/x".into() },
                Text(".".into()),
            ])
        );
        assert!(matches!(&blocks[2], Block::List { ordered: false, items } if items.len() == 2));
        assert!(matches!(&blocks[3], Block::List { ordered: true, items } if items.len() == 2));
        let Block::Table { head, rows } = &blocks[4] else { panic!("{:?}", blocks[4]) };
        assert_eq!((head.len(), rows.len(), rows[0][2].clone()), (3, 1, vec![Text("1.60%".into())]));
    }

    #[test]
    fn no_raw_html_and_only_https_links() {
        let blocks = parse("<script>alert(1)</script> [x](javascript:alert(1)) [y](http://a.example) [z](https://a.example/\"onclick) *open");
        let Block::Paragraph(parts) = &blocks[0] else { panic!() };
        assert!(parts.iter().all(|p| matches!(p, Text(_))), "{parts:?}");
        let html = medportal_templates::medmark::render(&blocks).into_string();
        assert!(html.contains("&lt;script&gt;") && !html.contains("<script>") && !html.contains("href"));
        assert!(plain("## A\n\n- b\n").contains("A\n\nb"));
        // multi-byte text and stray markup characters never panic
        for s in ["**", "*", "[", "[a](", "ä*ö**ü[", "| a |\n|---|\n| ü |", "1. x\n- y"] {
            let _ = parse(s);
        }
    }
}
