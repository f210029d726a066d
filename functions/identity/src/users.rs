//! People in their home region's database.

use medportal_core::ports::{Row, SqlValue};
use medportal_core::policy::Role;
use medportal_core::{Ctx, Platform, Region, Result};

#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub region: Region,
    pub email: String,
    pub name: String,
    pub country: String,
    pub profession: String,
    pub roles: String,
    pub status: String,
    pub active: bool,
    pub specialty: Option<String>,
    pub practice_setting: Option<String>,
    pub interests: Option<String>,
    /// When a positive verification lapses (unix seconds).
    pub verification_expires_at: Option<i64>,
    /// Confirmed TOTP secret (base32), staff second factor.
    pub totp_secret: Option<String>,
    /// Last accepted TOTP time step (a code is accepted once).
    pub totp_last_step: Option<i64>,
}

impl User {
    pub fn role_list(&self) -> Vec<Role> {
        Role::parse_list(&self.roles)
    }
    /// Staff accounts must sign in with a second factor.
    pub fn is_staff(&self) -> bool {
        self.role_list().iter().any(|r| r.is_staff())
    }
}

const COLUMNS: &str = "id, email, display_name, country, profession, roles, verification_status, status, \
                       specialty, practice_setting, interests, verification_expires_at, totp_secret, totp_last_step";

fn from_row(region: Region, r: &Row) -> Result<User> {
    Ok(User {
        id: r.text(0)?,
        region,
        email: r.text(1)?,
        name: r.text(2)?,
        country: r.text(3)?,
        profession: r.text(4)?,
        roles: r.text(5)?,
        status: r.text(6)?,
        active: r.text(7)? == "active",
        specialty: r.opt_text(8)?,
        practice_setting: r.opt_text(9)?,
        interests: r.opt_text(10)?,
        verification_expires_at: r.0.get(11).and_then(SqlValue::as_i64),
        totp_secret: r.opt_text(12)?,
        totp_last_step: r.0.get(13).and_then(SqlValue::as_i64),
    })
}

/// Normalised email: trimmed, lowercase. `None` if it does not look like an address.
pub fn normalise_email(raw: &str) -> Option<String> {
    let e = raw.trim().to_lowercase();
    let (local, domain) = e.split_once('@')?;
    let ok = !local.is_empty()
        && local.len() <= 64
        && e.len() <= 254
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e.chars().any(|c| c.is_whitespace() || c.is_control() || "<>(),;:\"[]\\".contains(c))
        && !domain.contains('@');
    ok.then_some(e)
}

/// Looks the address up in every region. Every region is always queried, so the time taken
/// does not tell where (or whether) the person is registered.
pub async fn find_by_email<P: Platform>(ctx: &Ctx<'_, P>, email: &str) -> Result<Option<User>> {
    let mut found = None;
    for region in Region::all() {
        let db = ctx.region(region).sql().await?;
        let rows = db.query(&format!("SELECT {COLUMNS} FROM users WHERE email = ?1"), &[email.into()]).await?;
        if let (None, Some(r)) = (&found, rows.first()) {
            found = Some(from_row(region, r)?);
        }
    }
    Ok(found)
}

pub async fn find<P: Platform>(ctx: &Ctx<'_, P>, region: Region, id: &str) -> Result<Option<User>> {
    let db = ctx.region(region).sql().await?;
    let rows = db.query(&format!("SELECT {COLUMNS} FROM users WHERE id = ?1"), &[SqlValue::from(id)]).await?;
    rows.first().map(|r| from_row(region, r)).transpose()
}
