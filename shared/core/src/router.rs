//! One route table per function, on matchit (`{param}` syntax), with method dispatch:
//! unknown path → 404, known path with another method → 405 with `Allow`.

use crate::error::{Error, Result};
use http::Method;

pub struct Routes<R: Copy> {
    router: matchit::Router<Slot<R>>,
    patterns: Vec<&'static str>,
}

/// What one path pattern answers: its methods, and whether it is an API path (errors on it
/// are JSON whatever the client asked for).
struct Slot<R> {
    methods: Vec<(Method, R)>,
    api: bool,
}

/// Path parameters of a matched route.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Builds a [`Routes`] table; duplicate or malformed patterns are programming errors
/// reported when the table is built (checked by each function's route tests).
pub struct RoutesBuilder<R: Copy> {
    entries: Vec<(&'static str, Slot<R>)>,
}

impl<R: Copy> Default for RoutesBuilder<R> {
    fn default() -> Self {
        RoutesBuilder { entries: Vec::new() }
    }
}

impl<R: Copy> RoutesBuilder<R> {
    pub fn new() -> Self {
        Self::default()
    }

    fn add(mut self, path: &'static str, methods: &[Method], route: R, api: bool) -> Self {
        let slot = match self.entries.iter().position(|(p, _)| *p == path) {
            Some(i) => &mut self.entries[i].1,
            None => {
                self.entries.push((path, Slot { methods: Vec::new(), api: false }));
                &mut self.entries.last_mut().expect("just pushed").1
            }
        };
        slot.api |= api;
        for m in methods {
            slot.methods.push((m.clone(), route));
        }
        self
    }

    pub fn at(self, path: &'static str, methods: &[Method], route: R) -> Self {
        self.add(path, methods, route, false)
    }
    pub fn get(self, path: &'static str, route: R) -> Self {
        self.add(path, &[Method::GET], route, false)
    }
    pub fn post(self, path: &'static str, route: R) -> Self {
        self.add(path, &[Method::POST], route, false)
    }
    /// An API path: it answers JSON, and so do its errors (no content negotiation needed).
    pub fn api(self, path: &'static str, methods: &[Method], route: R) -> Self {
        self.add(path, methods, route, true)
    }

    pub fn build(self) -> std::result::Result<Routes<R>, String> {
        let mut router = matchit::Router::new();
        let mut patterns = Vec::with_capacity(self.entries.len());
        for (path, slot) in self.entries {
            let mut seen: Vec<&Method> = Vec::new();
            for (m, _) in &slot.methods {
                if seen.contains(&m) {
                    return Err(format!("duplicate {m} {path}"));
                }
                seen.push(m);
            }
            router.insert(path, slot).map_err(|e| format!("{path}: {e}"))?;
            patterns.push(path);
        }
        Ok(Routes { router, patterns })
    }
}

impl<R: Copy> Routes<R> {
    /// Resolves a request. `HEAD` falls back to the `GET` route (the body is dropped later).
    pub fn resolve(&self, method: &Method, path: &str) -> Result<(R, Params)> {
        self.resolve_marked(method, path).0
    }

    /// [`resolve`](Self::resolve), and whether the path is an API path (see
    /// [`RoutesBuilder::api`]), from one lookup.
    pub fn resolve_marked(&self, method: &Method, path: &str) -> (Result<(R, Params)>, bool) {
        let Ok(matched) = self.router.at(path) else { return (Err(Error::NotFound), false) };
        let find = |m: &Method| matched.value.methods.iter().find(|(rm, _)| rm == m).map(|(_, r)| *r);
        let route = find(method).or_else(|| (method == Method::HEAD).then(|| find(&Method::GET)).flatten());
        let result = match route {
            Some(r) => {
                let params = matched.params.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
                Ok((r, Params(params)))
            }
            None => {
                let mut allow: Vec<&str> = matched.value.methods.iter().map(|(m, _)| m.as_str()).collect();
                if allow.contains(&"GET") {
                    allow.push("HEAD");
                }
                Err(Error::MethodNotAllowed { allow: allow.join(", ") })
            }
        };
        (result, matched.value.api)
    }

    /// The table's path patterns, in the order they were added (the manifests are checked
    /// against them).
    pub fn patterns(&self) -> &[&'static str] {
        &self.patterns
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq)]
    enum R {
        Home,
        Item,
        Save,
    }

    fn routes() -> Routes<R> {
        RoutesBuilder::new()
            .get("/", R::Home)
            .get("/items/{id}", R::Item)
            .post("/items/{id}", R::Save)
            .build()
            .unwrap()
    }

    #[test]
    fn resolves_methods_params_and_errors() {
        let r = routes();
        assert_eq!(r.resolve(&Method::GET, "/").unwrap().0, R::Home);
        let (route, params) = r.resolve(&Method::GET, "/items/42").unwrap();
        assert_eq!((route, params.get("id")), (R::Item, Some("42")));
        assert_eq!(r.resolve(&Method::POST, "/items/42").unwrap().0, R::Save);
        assert_eq!(r.resolve(&Method::HEAD, "/items/1").unwrap().0, R::Item);
        assert!(matches!(r.resolve(&Method::GET, "/nope"), Err(Error::NotFound)));
        match r.resolve(&Method::DELETE, "/items/1") {
            Err(Error::MethodNotAllowed { allow }) => assert_eq!(allow, "GET, POST, HEAD"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn api_paths_and_patterns() {
        let r = RoutesBuilder::new().get("/", R::Home).api("/items/{id}", &[Method::GET], R::Item).build().unwrap();
        assert!(r.resolve_marked(&Method::GET, "/items/7").1);
        assert!(r.resolve_marked(&Method::POST, "/items/7").1, "errors on an API path are the API's");
        assert!(!r.resolve_marked(&Method::GET, "/").1);
        assert!(!r.resolve_marked(&Method::GET, "/nope").1);
        assert_eq!(r.patterns(), ["/", "/items/{id}"]);
    }

    #[test]
    fn duplicate_routes_are_rejected() {
        let dup = RoutesBuilder::new().get("/a", R::Home).get("/a", R::Item).build();
        assert!(dup.is_err());
        let conflict = RoutesBuilder::new().get("/{a}", R::Home).get("/{b}", R::Item).build();
        assert!(conflict.is_err());
    }
}
