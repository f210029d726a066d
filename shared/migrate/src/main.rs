//! `medportal-migrate DB_FILE SOURCE…`: applies migrations (a directory of `*.sql` files, or
//! one file) to a SQLite database file, with the rules of `infra/migrations/README.md`. The
//! step operators run before `spin up` for each database label of the runtime config (and
//! again after an upgrade: what is applied is recorded and skipped).

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [db, sources @ ..] = args.as_slice() else {
        eprintln!("usage: medportal-migrate DB_FILE SOURCE...   (SOURCE: a directory of *.sql files, or one file)");
        return ExitCode::from(2);
    };
    if sources.is_empty() {
        eprintln!("medportal-migrate: give at least one SOURCE");
        return ExitCode::from(2);
    }
    let conn = match rusqlite::Connection::open(db) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("medportal-migrate: {db}: {e}");
            return ExitCode::FAILURE;
        }
    };
    for source in sources {
        match medportal_migrate::apply_path(&conn, Path::new(source)) {
            Ok(applied) => {
                for name in applied {
                    println!("{db}: applied {name}");
                }
            }
            Err(e) => {
                eprintln!("medportal-migrate: {db}: {source}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
