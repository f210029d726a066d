//! `medportal-audit-demo DIR [ENTRIES]`: writes a demo audit log export (`export.jsonl`, a
//! checkpoint every 100 entries), its published key (`keys.txt`) and its latest checkpoint
//! (`latest.note`) to DIR, to try the verifier or other tools on. The key is a fixed
//! demonstration key: never a real log's.

use medportal_audit_verify::{SeedSigner, demo_export};
use medportal_transparency::note::{NoteSigner, VerifierKey};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: medportal-audit-demo DIR [ENTRIES]");
        std::process::exit(2);
    };
    let entries: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let origin = "medportal.example/audit/demo";
    let signer = SeedSigner::new(origin, [0x42; 32]);
    let key = VerifierKey::new(origin, signer.public_key()).expect("valid name");
    let export = demo_export(origin, &signer, entries, 100, 1);
    let last = export
        .lines()
        .rev()
        .nth(1)
        .expect("a checkpoint line before the end");
    let note = last
        .strip_prefix("{\"checkpoint\":")
        .and_then(|s| s.strip_suffix('}'))
        .map(|s| serde_json::from_str::<String>(s).expect("a JSON string"))
        .expect("the last checkpoint line");
    let dir = std::path::Path::new(&dir);
    std::fs::create_dir_all(dir).expect("create the directory");
    std::fs::write(dir.join("export.jsonl"), &export).expect("write export.jsonl");
    std::fs::write(dir.join("keys.txt"), format!("{}\n", key.to_vkey())).expect("write keys.txt");
    std::fs::write(dir.join("latest.note"), note).expect("write latest.note");
    println!(
        "wrote {} ({entries} entries), keys.txt ({}), latest.note",
        dir.join("export.jsonl").display(),
        key.to_vkey()
    );
}
