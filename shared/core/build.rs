//! Compiles `infra/regions.toml` (the residency policy) into a static table, so every
//! function carries the same policy and a malformed policy fails the build, not a request.
use std::{collections::BTreeMap, env, fs, path::PathBuf};

#[derive(serde::Deserialize)]
struct Policy {
    default_region: String,
    region: BTreeMap<String, RegionDef>,
}

#[derive(serde::Deserialize)]
struct RegionDef {
    name: String,
    d1_location: String,
    jurisdiction: String,
    countries: Vec<String>,
}

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let path = manifest_dir.join("../../infra/regions.toml");
    println!("cargo:rerun-if-changed={}", path.display());
    let text = fs::read_to_string(&path).expect("read infra/regions.toml");
    let policy: Policy = toml::from_str(&text).expect("parse infra/regions.toml");

    let codes: Vec<&String> = policy.region.keys().collect();
    assert!(codes.len() >= 2, "regions.toml must define at least two regions");
    for code in &codes {
        assert!(
            !code.is_empty() && code.len() <= 8 && code.bytes().all(|b| b.is_ascii_lowercase()),
            "region code {code:?} must be 1-8 lowercase ASCII letters"
        );
        assert!(code.as_str() != "global", "`global` is reserved for non-personal stores");
    }
    let default_index = codes
        .iter()
        .position(|c| **c == policy.default_region)
        .expect("default_region must name a defined region");

    let mut countries: Vec<(String, usize)> = Vec::new();
    for (i, def) in policy.region.values().enumerate() {
        for c in &def.countries {
            assert!(
                c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()),
                "country {c:?} must be an ISO 3166-1 alpha-2 code"
            );
            assert!(
                !countries.iter().any(|(x, _)| x == c),
                "country {c} is assigned to more than one region"
            );
            countries.push((c.clone(), i));
        }
    }
    countries.sort();

    let mut out = String::new();
    out.push_str("pub(crate) static REGION_DEFS: &[RegionDef] = &[\n");
    for (code, def) in &policy.region {
        out.push_str(&format!(
            "    RegionDef {{ code: {code:?}, name: {:?}, d1_location: {:?}, jurisdiction: {:?} }},\n",
            def.name, def.d1_location, def.jurisdiction
        ));
    }
    out.push_str("];\n");
    out.push_str(&format!("pub(crate) const DEFAULT_REGION: u8 = {default_index};\n"));
    out.push_str("pub(crate) static COUNTRY_REGION: &[(&str, u8)] = &[\n");
    for (c, i) in &countries {
        out.push_str(&format!("    ({c:?}, {i}),\n"));
    }
    out.push_str("];\n");
    let dest = PathBuf::from(env::var("OUT_DIR").unwrap()).join("regions.rs");
    fs::write(dest, out).expect("write regions.rs");
}
