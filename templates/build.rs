//! Generates `$OUT_DIR/messages.rs` (the `Msg` enum and per-locale tables)
//! from `messages/*.txt`, and `$OUT_DIR/css_path.rs` (the content-hashed
//! stylesheet URL). Fails the build when a locale is incomplete or a
//! placeholder set differs between locales.

#[path = "build_support/catalog.rs"]
mod catalog;

use std::{env, fs, path::PathBuf, process};

/// Order must match `Locale` in src/lib.rs. The first is the reference.
const LOCALES: &[&str] = &["en", "de"];
const CSS_FILE: &str = "static/medportal.css";

fn main() {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build_support/catalog.rs");
    println!("cargo:rerun-if-changed={CSS_FILE}");

    // Every `messages/*.txt` holds one area's messages in every locale (`[en]`, `[de]`
    // sections); each locale's catalog is the concatenation of its sections, by file name.
    let mut errors = Vec::new();
    let mut sources = vec![String::new(); LOCALES.len()];
    println!("cargo:rerun-if-changed=messages");
    let mut files: Vec<PathBuf> = match fs::read_dir(manifest.join("messages")) {
        Ok(dir) => dir.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "txt")).collect(),
        Err(e) => {
            errors.push(format!("cannot read messages/: {e}"));
            Vec::new()
        }
    };
    files.sort();
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        match fs::read_to_string(file) {
            Ok(src) => match catalog::split_locales(&src, LOCALES) {
                Ok(parts) => {
                    for (i, part) in parts.into_iter().enumerate() {
                        // Parsed alone first, so errors name the file and line.
                        if let Err(e) = catalog::parse(&format!("messages/{name} [{}]", LOCALES[i]), &part) {
                            errors.extend(e);
                        }
                        sources[i].push_str(&part);
                    }
                }
                Err(e) => errors.push(format!("messages/{name}: {e}")),
            },
            Err(e) => errors.push(format!("cannot read messages/{name}: {e}")),
        }
    }
    let mut catalogs = Vec::new();
    let files_ok = errors.is_empty();
    for (locale, src) in LOCALES.iter().zip(&sources).filter(|_| files_ok) {
        match catalog::parse(locale, src) {
            Ok(c) => catalogs.push(c),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        errors = catalog::check(&catalogs);
    }
    if !errors.is_empty() {
        eprintln!("error: message catalogs are inconsistent:");
        for e in &errors {
            eprintln!("  - {e}");
            // Also surface in cargo's warning output, which is always shown.
            println!("cargo:warning=catalog: {e}");
        }
        process::exit(1);
    }
    fs::write(out.join("messages.rs"), catalog::generate(&catalogs)).expect("write messages.rs");

    let css = fs::read(manifest.join(CSS_FILE)).expect("read static/medportal.css");
    let hash = format!("{:016x}", catalog::fnv1a64(&css));
    let code = format!(
        "/// URL path of the stylesheet; changes whenever the CSS content changes,\n\
         /// so it can be served with `Cache-Control: immutable`.\n\
         pub const CSS_PATH: &str = \"/static/medportal.{}.css\";\n",
        &hash[..10]
    );
    fs::write(out.join("css_path.rs"), code).expect("write css_path.rs");
}
