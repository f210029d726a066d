//! The native runner (`NativeStores::migrate`) on the shared fixture and on the real
//! migrations and seeds.

use medportal_migrate::fixture;
use medportal_native::{NativeStores, prepare_databases};
use std::path::Path;

#[test]
fn the_shared_fixture_applies_once_and_its_triggers_refuse_changes() {
    let dir = std::env::temp_dir().join(format!("medportal-native-migrate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let started = fixture::now();
    {
        let stores = NativeStores::at(&dir).unwrap();
        assert_eq!(stores.migrate("db_fixture", &fixture::dir()).unwrap(), ["0001_append_only.sql", "0002_second.sql"]);
        assert!(stores.migrate("db_fixture", &fixture::dir()).unwrap().is_empty());
    }
    // a new process on the same file: still a no-op
    let stores = NativeStores::at(&dir).unwrap();
    assert!(stores.migrate("db_fixture", &fixture::dir()).unwrap().is_empty());
    drop(stores);
    let conn = rusqlite::Connection::open(dir.join("db_fixture.db")).unwrap();
    fixture::assert_applied(&conn, started);
    drop(conn);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_real_migrations_and_seeds_apply_twice() {
    let infra = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../infra");
    let stores = NativeStores::in_memory();
    prepare_databases(&stores, &infra, true).unwrap();
    prepare_databases(&stores, &infra, true).unwrap();
    assert!(stores.migrate("db_eu", &infra.join("migrations")).unwrap().is_empty());
}
