//! Spin-style HTTP routing: exact routes beat wildcard (`/x/...`) routes, and among
//! wildcards the longest prefix wins. `/...` is the catch-all.

use anyhow::{Result, bail};

#[derive(Debug, Clone)]
enum Pattern {
    Exact(String),
    /// Prefix without the trailing `/...`; empty for the catch-all.
    Prefix(String),
}

#[derive(Debug, Clone)]
pub struct Route {
    pattern: Pattern,
    /// The route as written in the manifest.
    pub raw: String,
    pub component: usize,
}

/// The outcome of matching a request path.
#[derive(Debug, Clone)]
pub struct Match<'a> {
    pub route: &'a Route,
    /// The part of the path below a wildcard route's prefix ("" for exact routes).
    pub path_info: String,
    /// The route without its `/...` suffix (Spin's `spin-component-route`).
    pub component_route: String,
}

#[derive(Debug, Default)]
pub struct Router {
    routes: Vec<Route>,
}

fn trim_slash(s: &str) -> &str {
    if s.len() > 1 { s.trim_end_matches('/') } else { s }
}

impl Router {
    pub fn add(&mut self, raw: &str, component: usize) -> Result<()> {
        if !raw.starts_with('/') {
            bail!("route `{raw}` must start with `/`");
        }
        let pattern = if raw == "/..." {
            Pattern::Prefix(String::new())
        } else if let Some(prefix) = raw.strip_suffix("/...") {
            Pattern::Prefix(trim_slash(prefix).to_string())
        } else if raw.contains("...") || raw.contains('*') {
            bail!("route `{raw}`: wildcards are only supported as a trailing `/...`");
        } else {
            Pattern::Exact(trim_slash(raw).to_string())
        };
        let dup = self.routes.iter().any(|r| match (&r.pattern, &pattern) {
            (Pattern::Exact(a), Pattern::Exact(b)) | (Pattern::Prefix(a), Pattern::Prefix(b)) => a == b,
            _ => false,
        });
        if dup {
            bail!("duplicate route `{raw}`");
        }
        self.routes.push(Route { pattern, raw: raw.to_string(), component });
        Ok(())
    }

    pub fn route(&self, path: &str) -> Option<Match<'_>> {
        let path = trim_slash(path);
        if let Some(route) = self
            .routes
            .iter()
            .find(|r| matches!(&r.pattern, Pattern::Exact(p) if p == path))
        {
            return Some(Match {
                route,
                path_info: String::new(),
                component_route: route.raw.clone(),
            });
        }
        let mut best: Option<(&Route, &str)> = None;
        for r in &self.routes {
            if let Pattern::Prefix(prefix) = &r.pattern {
                let hit = prefix.is_empty()
                    || path == prefix
                    || (path.starts_with(prefix.as_str()) && path.as_bytes()[prefix.len()] == b'/');
                if hit && best.is_none_or(|(_, p)| prefix.len() > p.len()) {
                    best = Some((r, prefix));
                }
            }
        }
        best.map(|(route, prefix)| Match {
            route,
            path_info: path[prefix.len()..].to_string(),
            component_route: prefix.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn router() -> Router {
        let mut r = Router::default();
        r.add("/...", 0).unwrap();
        r.add("/search/...", 1).unwrap();
        r.add("/search/deep/...", 2).unwrap();
        r.add("/search/exact", 3).unwrap();
        r.add("/api", 4).unwrap();
        r
    }

    fn hit(r: &Router, p: &str) -> (usize, String) {
        let m = r.route(p).unwrap();
        (m.route.component, m.path_info)
    }

    #[test]
    fn spin_precedence() {
        let r = router();
        assert_eq!(hit(&r, "/"), (0, "/".into()));
        assert_eq!(hit(&r, "/other/x"), (0, "/other/x".into()));
        assert_eq!(hit(&r, "/search"), (1, "".into()));
        assert_eq!(hit(&r, "/search/"), (1, "".into()));
        assert_eq!(hit(&r, "/search/a/b"), (1, "/a/b".into()));
        assert_eq!(hit(&r, "/searching"), (0, "/searching".into()));
        assert_eq!(hit(&r, "/search/deep"), (2, "".into()));
        assert_eq!(hit(&r, "/search/deep/x"), (2, "/x".into()));
        assert_eq!(hit(&r, "/search/exact"), (3, "".into()));
        assert_eq!(hit(&r, "/search/exact/x"), (1, "/exact/x".into()));
        assert_eq!(hit(&r, "/api"), (4, "".into()));
        assert_eq!(hit(&r, "/api/x"), (0, "/api/x".into()));
    }

    #[test]
    fn no_catch_all_gives_none() {
        let mut r = Router::default();
        r.add("/a/...", 0).unwrap();
        assert!(r.route("/b").is_none());
        assert!(r.route("/ab").is_none());
        assert!(r.add("/a/...", 1).is_err());
    }
}
