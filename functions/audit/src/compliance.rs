//! The categories of personal data (`infra/regions.toml`) and the records of processing
//! (`infra/processing.toml`), compiled in by build.rs; the residency report: per region and
//! category the store and its live count, and the check that no record lives outside its
//! person's home region (the same check `scripts/residency.mjs` runs on store dumps).

use medportal_core::functions::StoreKind;
use medportal_core::ports::SqlValue;
use medportal_core::{Ctx, Platform, Region, Result};

pub struct Category {
    pub code: &'static str,
    pub name: &'static str,
    pub store: StoreKind,
    pub tables: &'static [&'static str],
    pub prefixes: &'static [&'static str],
    /// The column naming the person (db), or `key` / `value.uid` (kv, blob).
    pub person: &'static str,
}

pub struct Activity {
    pub code: &'static str,
    pub purpose: &'static str,
    pub basis: &'static str,
    pub subjects: &'static str,
    pub categories: &'static [&'static str],
    pub recipients: &'static str,
    pub retention: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/compliance.rs"));

/// Every key or object of a prefix is counted and checked (a misplaced record may sort after
/// any number of others).
const LIST_LIMIT: usize = medportal_core::ports::EVERY_KEY;

pub struct CategoryCount {
    pub category: &'static Category,
    pub count: i64,
}

/// A record in `store` whose person's home region is `home`.
pub struct Misplaced {
    pub store: String,
    pub table: &'static str,
    pub home: Region,
}

pub struct RegionReport {
    pub region: Region,
    pub counts: Vec<CategoryCount>,
    pub misplaced: Vec<Misplaced>,
}

/// The people (ids) of every region, by the home region of their country.
async fn people<P: Platform>(ctx: &Ctx<'_, P>) -> Result<Vec<(String, Region)>> {
    let mut out = Vec::new();
    for r in Region::all() {
        for row in ctx.region(r).sql().await?.query("SELECT id, country FROM users", &[]).await? {
            out.push((row.text(0)?, Region::for_country(&row.text(1)?)));
        }
    }
    Ok(out)
}

fn home_of(people: &[(String, Region)], person: &str) -> Option<Region> {
    people.iter().find(|(id, _)| id == person).map(|(_, r)| *r)
}

/// The report of every region.
pub async fn residency<P: Platform>(ctx: &Ctx<'_, P>) -> Result<Vec<RegionReport>> {
    let people = people(ctx).await?;
    let mut out = Vec::new();
    for region in Region::all() {
        let mut report = RegionReport { region, counts: Vec::new(), misplaced: Vec::new() };
        for c in CATEGORIES {
            let count = match c.store {
                StoreKind::Sql => sql_category(ctx, region, c, &people, &mut report.misplaced).await?,
                _ => keyed_category(ctx, region, c, &people, &mut report.misplaced).await?,
            };
            report.counts.push(CategoryCount { category: c, count });
        }
        out.push(report);
    }
    Ok(out)
}

async fn sql_category<P: Platform>(ctx: &Ctx<'_, P>, region: Region, c: &'static Category, people: &[(String, Region)], out: &mut Vec<Misplaced>) -> Result<i64> {
    let sql = ctx.region(region).sql().await?;
    let mut count = 0;
    for table in c.tables {
        let rows = sql.query(&format!("SELECT COUNT(*) FROM {table}"), &[]).await?;
        count += rows.first().map(|r| r.int(0)).transpose()?.unwrap_or(0);
        let person = person_column(table, c.person);
        let sql_text = if *table == "users" || *table == "pending_registrations" {
            format!("SELECT DISTINCT country FROM {table}")
        } else {
            format!("SELECT DISTINCT {person} FROM {table}")
        };
        for row in sql.query(&sql_text, &[]).await? {
            let Some(SqlValue::Text(v)) = row.0.first() else { continue };
            let home = if *table == "users" || *table == "pending_registrations" { Some(Region::for_country(v)) } else { home_of(people, v) };
            if let Some(home) = home.filter(|h| *h != region) {
                out.push(Misplaced { store: format!("db_{}", region.code()), table, home });
            }
        }
    }
    Ok(count)
}

/// The column of `table` naming its person (a category names one column for most tables).
fn person_column(table: &str, default: &'static str) -> &'static str {
    match table {
        "search_clicks" => "(SELECT user_id FROM search_events e WHERE e.id = search_id)",
        "inquiry_messages" | "inquiry_off_label" | "inquiry_off_label_undone" => "(SELECT user_id FROM inquiries i WHERE i.id = inquiry_id)",
        "mail_outbox" => "(SELECT id FROM users u WHERE u.email = to_addr)",
        "audit_salts" => "subject",
        _ => default,
    }
}

async fn keyed_category<P: Platform>(ctx: &Ctx<'_, P>, region: Region, c: &'static Category, people: &[(String, Region)], out: &mut Vec<Misplaced>) -> Result<i64> {
    let stores = ctx.region(region);
    let mut count = 0;
    for prefix in c.prefixes {
        let keys = match c.store {
            StoreKind::Blob => stores.blob().await?.list(prefix, LIST_LIMIT).await?,
            _ => stores.kv().await?.list(prefix, LIST_LIMIT).await?,
        };
        count += keys.len() as i64;
        for key in &keys {
            let rest = &key[prefix.len().min(key.len())..];
            let person = if c.person == "key" || prefix.starts_with("deny/u/") {
                rest.split('/').next().map(str::to_owned)
            } else {
                let value = stores.kv().await?.get(key).await?;
                value.and_then(|v| serde_json::from_slice::<serde_json::Value>(&v).ok()).and_then(|v| v.get("uid")?.as_str().map(str::to_owned))
            };
            if let Some(home) = person.and_then(|p| home_of(people, &p)).filter(|h| *h != region) {
                out.push(Misplaced { store: format!("{}_{}", c.store.prefix(), region.code()), table: prefix, home });
            }
        }
    }
    Ok(count)
}
