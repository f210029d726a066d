//! Spin's HTTP routing rules, so the native host routes exactly like the Spin runtime:
//! an exact route beats any wildcard; among wildcards (`/x/...`) the longest prefix wins.

#[derive(Debug, Clone)]
pub struct RouteTable {
    exact: Vec<(String, String)>,
    wildcard: Vec<(String, String)>,
}

impl RouteTable {
    pub fn new(routes: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut exact = Vec::new();
        let mut wildcard = Vec::new();
        for (route, component) in routes {
            match route.strip_suffix("/...") {
                Some(prefix) => wildcard.push((prefix.to_owned(), component)),
                None => exact.push((route, component)),
            }
        }
        wildcard.sort_by(|a, b| b.0.len().cmp(&a.0.len()));
        RouteTable { exact, wildcard }
    }

    /// The component serving `path`, if any.
    pub fn component(&self, path: &str) -> Option<&str> {
        if let Some((_, c)) = self.exact.iter().find(|(r, _)| r == path) {
            return Some(c);
        }
        self.wildcard
            .iter()
            .find(|(prefix, _)| {
                prefix.is_empty() || path == prefix || path.starts_with(&format!("{prefix}/"))
            })
            .map(|(_, c)| c.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_beats_wildcard_and_longest_prefix_wins() {
        let t = RouteTable::new(
            [("/...", "content"), ("/search/...", "search"), ("/admin/search/...", "search-admin"), ("/logout", "identity")]
                .map(|(a, b)| (a.to_owned(), b.to_owned())),
        );
        assert_eq!(t.component("/"), Some("content"));
        assert_eq!(t.component("/search"), Some("search"));
        assert_eq!(t.component("/search/suggest"), Some("search"));
        assert_eq!(t.component("/searchx"), Some("content"));
        assert_eq!(t.component("/admin/search/x"), Some("search-admin"));
        assert_eq!(t.component("/logout"), Some("identity"));
        assert_eq!(t.component("/logout/x"), Some("content"));
    }
}
