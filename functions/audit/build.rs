//! Compiles the categories of personal data (`infra/regions.toml`, `[[category]]`) and the
//! records of processing (`infra/processing.toml`) into static tables, so a malformed or
//! inconsistent file fails the build, not a request.
use std::{env, fs, path::PathBuf};

#[derive(serde::Deserialize)]
struct Regions {
    #[serde(default)]
    category: Vec<Category>,
}

#[derive(serde::Deserialize)]
struct Category {
    code: String,
    name: String,
    store: String,
    #[serde(default)]
    tables: Vec<String>,
    #[serde(default)]
    prefixes: Vec<String>,
    person: String,
}

#[derive(serde::Deserialize)]
struct Processing {
    controller: String,
    dpo: String,
    activity: Vec<Activity>,
}

#[derive(serde::Deserialize)]
struct Activity {
    code: String,
    purpose: String,
    basis: String,
    subjects: String,
    categories: Vec<String>,
    recipients: String,
    retention: String,
}

fn read<T: serde::de::DeserializeOwned>(name: &str) -> T {
    let path = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("../../infra").join(name);
    println!("cargo:rerun-if-changed={}", path.display());
    toml::from_str(&fs::read_to_string(&path).unwrap_or_else(|e| panic!("read infra/{name}: {e}"))).unwrap_or_else(|e| panic!("parse infra/{name}: {e}"))
}

fn main() {
    let regions: Regions = read("regions.toml");
    let processing: Processing = read("processing.toml");
    let mut out = String::from("pub static CATEGORIES: &[Category] = &[\n");
    for c in &regions.category {
        let store = match c.store.as_str() {
            "db" => "StoreKind::Sql",
            "kv" => "StoreKind::Kv",
            "blob" => "StoreKind::Blob",
            other => panic!("category {}: unknown store {other:?}", c.code),
        };
        let ok = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'/' || b.is_ascii_digit());
        assert!(ok(&c.code), "category code {:?}", c.code);
        for t in c.tables.iter().chain(&c.prefixes) {
            assert!(ok(t), "category {}: {t:?} must be lowercase letters, digits, _ and /", c.code);
        }
        assert!(c.store == "db" || c.tables.is_empty(), "category {}: tables belong to db", c.code);
        assert!(c.store != "db" || (c.prefixes.is_empty() && !c.tables.is_empty()), "category {}: a db category names tables", c.code);
        out.push_str(&format!(
            "    Category {{ code: {:?}, name: {:?}, store: {store}, tables: &{:?}, prefixes: &{:?}, person: {:?} }},\n",
            c.code, c.name, c.tables, c.prefixes, c.person
        ));
    }
    out.push_str("];\n");
    out.push_str(&format!("pub static CONTROLLER: &str = {:?};\npub static DPO: &str = {:?};\n", processing.controller, processing.dpo));
    out.push_str("pub static ACTIVITIES: &[Activity] = &[\n");
    for a in &processing.activity {
        for c in &a.categories {
            assert!(regions.category.iter().any(|x| &x.code == c), "processing activity {}: unknown category {c:?}", a.code);
        }
        out.push_str(&format!(
            "    Activity {{ code: {:?}, purpose: {:?}, basis: {:?}, subjects: {:?}, categories: &{:?}, recipients: {:?}, retention: {:?} }},\n",
            a.code, a.purpose, a.basis, a.subjects, a.categories, a.recipients, a.retention
        ));
    }
    out.push_str("];\n");
    fs::write(PathBuf::from(env::var("OUT_DIR").unwrap()).join("compliance.rs"), out).expect("write compliance.rs");
}
