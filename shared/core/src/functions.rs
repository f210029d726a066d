//! The functions' deployables (one Worker / one Spin component each) and their store grants:
//! one table that the manifests (wrangler.toml, spin.toml) are checked against, and that `Ctx`
//! enforces. Their routes are their own route tables (the manifests are checked against
//! those). The five functions of the design deploy as seven: search's staff and indexing side
//! (`search-admin`) is its own Worker, built from the search crate, so the Worker every HCP
//! query hits carries neither the index builder nor the indexing token; content's staff
//! workspaces (`content-desk`) likewise, built from the content crate, so the reader Worker
//! carries neither the workspaces nor the scanner's token (each within the size budget).

use crate::region::Region;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Function {
    Identity,
    Content,
    /// Content's staff workspaces: authoring, review and signing, governance (same crate as
    /// [`Function::Content`]).
    ContentDesk,
    Search,
    /// Search's indexing entry point and staff pages (same crate as [`Function::Search`]).
    SearchAdmin,
    Inquiries,
    Audit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StoreKind {
    Kv,
    Sql,
    Blob,
}

impl StoreKind {
    pub fn prefix(self) -> &'static str {
        match self {
            StoreKind::Kv => "kv",
            StoreKind::Sql => "db",
            StoreKind::Blob => "blob",
        }
    }
}

/// A logical store: identical binding name on Cloudflare and label on Spin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StoreName {
    Global(StoreKind),
    Regional(StoreKind, Region),
}

impl StoreName {
    pub fn kind(self) -> StoreKind {
        match self {
            StoreName::Global(k) | StoreName::Regional(k, _) => k,
        }
    }
    pub fn region(self) -> Option<Region> {
        match self {
            StoreName::Global(_) => None,
            StoreName::Regional(_, r) => Some(r),
        }
    }
    /// Parses `kv_eu`, `db_global`, … (only names the policy can produce).
    pub fn parse(name: &str) -> Option<StoreName> {
        let (prefix, scope) = name.split_once('_')?;
        let kind = [StoreKind::Kv, StoreKind::Sql, StoreKind::Blob]
            .into_iter()
            .find(|k| k.prefix() == prefix)?;
        if scope == "global" {
            Some(StoreName::Global(kind))
        } else {
            Region::from_code(scope).map(|r| StoreName::Regional(kind, r))
        }
    }
}

impl fmt::Display for StoreName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreName::Global(k) => write!(f, "{}_global", k.prefix()),
            StoreName::Regional(k, r) => write!(f, "{}_{}", k.prefix(), r.code()),
        }
    }
}

pub struct FunctionSpec {
    pub function: Function,
    pub name: &'static str,
    /// Global (non-personal) stores this function may open.
    pub global: &'static [StoreKind],
    /// Regional stores this function may open, in every region.
    pub regional: &'static [StoreKind],
}

use StoreKind::{Blob, Kv, Sql};

pub static FUNCTIONS: &[FunctionSpec] = &[
    FunctionSpec {
        function: Function::Identity,
        name: "identity",
        // Sql: the rate-limit counters (keyed pseudonyms, deleted after their window).
        global: &[Kv, Sql],
        regional: &[Kv, Sql, Blob],
    },
    FunctionSpec {
        function: Function::Content,
        name: "content",
        global: &[Kv, Sql, Blob],
        // Sql: the reader's engagement (last visit, recently viewed, saved, series progress,
        // co-view counts) in their home region; no regional files.
        regional: &[Kv, Sql],
    },
    FunctionSpec {
        function: Function::ContentDesk,
        name: "content-desk",
        // Sql: the library (db_global) and its audit entries; Blob: the files authors upload.
        // Regional kv only for session checks: no reader data, no personal files.
        global: &[Sql, Blob],
        regional: &[Kv],
    },
    FunctionSpec {
        function: Function::Search,
        name: "search",
        global: &[Kv, Blob],
        regional: &[Kv, Sql],
    },
    FunctionSpec {
        function: Function::SearchAdmin,
        name: "search-admin",
        global: &[Kv, Blob],
        regional: &[Kv, Sql],
    },
    FunctionSpec {
        function: Function::Inquiries,
        name: "inquiries",
        global: &[Kv, Sql],
        regional: &[Kv, Sql, Blob],
    },
    FunctionSpec {
        function: Function::Audit,
        name: "audit",
        // Sql: db_global's audit log (content's library changes), checkpointed and read here.
        global: &[Kv, Sql],
        regional: &[Kv, Sql, Blob],
    },
];

impl Function {
    pub fn spec(self) -> &'static FunctionSpec {
        FUNCTIONS
            .iter()
            .find(|s| s.function == self)
            .unwrap_or(&FUNCTIONS[0])
    }
    pub fn name(self) -> &'static str {
        self.spec().name
    }
    pub fn from_name(name: &str) -> Option<Function> {
        FUNCTIONS.iter().find(|s| s.name == name).map(|s| s.function)
    }
    pub fn all() -> impl Iterator<Item = Function> {
        FUNCTIONS.iter().map(|s| s.function)
    }
    /// Whether this function was granted the store.
    pub fn may_open(self, store: StoreName) -> bool {
        let spec = self.spec();
        match store {
            StoreName::Global(k) => spec.global.contains(&k),
            StoreName::Regional(k, _) => spec.regional.contains(&k),
        }
    }
    /// Every store this function may open, global first.
    pub fn granted_stores(self) -> Vec<StoreName> {
        let spec = self.spec();
        let mut out: Vec<StoreName> = spec.global.iter().map(|k| StoreName::Global(*k)).collect();
        for k in spec.regional {
            for r in Region::all() {
                out.push(StoreName::Regional(*k, r));
            }
        }
        out
    }
}

/// Every store any function may open.
pub fn all_stores() -> Vec<StoreName> {
    let mut out: Vec<StoreName> = Vec::new();
    for f in Function::all() {
        for s in f.granted_stores() {
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_names_round_trip() {
        for s in all_stores() {
            assert_eq!(StoreName::parse(&s.to_string()), Some(s));
        }
        assert_eq!(StoreName::parse("kv_mars"), None);
        assert_eq!(StoreName::parse("disk_eu"), None);
        assert_eq!(StoreName::parse("kv"), None);
    }

    #[test]
    fn grants_are_least_privilege() {
        let eu = Region::from_code("eu").unwrap();
        // search holds no personal files and cannot touch the content database
        assert!(!Function::Search.may_open(StoreName::Regional(StoreKind::Blob, eu)));
        assert!(!Function::Search.may_open(StoreName::Global(StoreKind::Sql)));
        // content keeps readers' engagement in their home region's database, no personal files
        assert!(Function::Content.may_open(StoreName::Regional(StoreKind::Sql, eu)));
        assert!(!Function::Content.may_open(StoreName::Regional(StoreKind::Blob, eu)));
        assert!(Function::Identity.may_open(StoreName::Regional(StoreKind::Blob, eu)));
        // the staff workspaces open the library and its files, no reader or personal data
        assert!(Function::ContentDesk.may_open(StoreName::Global(StoreKind::Sql)));
        assert!(Function::ContentDesk.may_open(StoreName::Global(StoreKind::Blob)));
        assert!(!Function::ContentDesk.may_open(StoreName::Regional(StoreKind::Sql, eu)));
        assert!(!Function::ContentDesk.may_open(StoreName::Regional(StoreKind::Blob, eu)));
        // every function can read every region's kv (session revocation checks)
        for f in Function::all() {
            for r in Region::all() {
                assert!(f.may_open(StoreName::Regional(StoreKind::Kv, r)), "{f:?} kv_{r}");
            }
        }
    }

    #[test]
    fn names_are_unique_and_resolvable() {
        for f in Function::all() {
            assert_eq!(Function::from_name(f.name()), Some(f));
        }
        assert_eq!(Function::from_name("gateway"), None);
    }
}
