//! Role administration: administrators assign roles to people of their region. Every change is
//! audited and ends the person's sessions, so new rights (and the staff second factor) apply
//! at their next sign-in.

use crate::events;
use crate::users::{self, Person};
use medportal_core::policy::Role;
use medportal_core::{Ctx, Error, Platform, Region, Result};
use medportal_templates::Msg;

/// People listed per page.
const PAGE: usize = 50;
const MAX_QUERY: usize = 100;

/// People of the region matching `q` (name or email), one page; and whether there are more.
pub async fn search<P: Platform>(ctx: &Ctx<'_, P>, region: Region, q: &str) -> Result<(Vec<Person>, bool)> {
    if q.chars().count() > MAX_QUERY {
        return Err(Error::bad_request("query_too_long", "Search terms are at most 100 characters."));
    }
    let mut people = users::search(ctx, region, q, PAGE + 1).await?;
    let more = people.len() > PAGE;
    people.truncate(PAGE);
    Ok((people, more))
}

/// The roles chosen in the form (role codes), sorted and without repeats.
pub fn selection<'f>(codes: impl Iterator<Item = &'f str>) -> Result<Vec<Role>> {
    let mut roles = codes.map(|c| Role::from_code(c).ok_or_else(|| Error::bad_request("invalid_role", "Unknown role."))).collect::<Result<Vec<_>>>()?;
    roles.sort();
    roles.dedup();
    Ok(roles)
}

fn codes(roles: &[Role]) -> String {
    roles.iter().map(|r| r.code()).collect::<Vec<_>>().join(",")
}

/// Gives `who` exactly `roles`, by the administrator `admin` (`Some`: why not, nothing
/// changed). A change is audited and ends the person's sessions.
pub async fn assign<P: Platform>(ctx: &Ctx<'_, P>, region: Region, admin: &str, who: &Person, roles: &[Role]) -> Result<Option<Msg>> {
    if roles.is_empty() {
        return Ok(Some(Msg::IdentityRolesNone));
    }
    if who.id == admin && !roles.contains(&Role::Admin) {
        return Ok(Some(Msg::IdentityRolesOwnAdmin));
    }
    let (before, after) = (codes(&who.roles), codes(roles));
    if before == after {
        return Ok(None);
    }
    let change = format!("{before} -> {after}");
    let entry = events::success(admin, "role.changed", &who.id, Some(&change));
    events::commit(ctx, region, vec![users::set_roles(&who.id, roles)], &[entry]).await?;
    // Sessions carry roles: end them so the change applies at the next sign-in.
    medportal_auth::revoke_user(ctx, region, &who.id).await?;
    let revoked = events::success(admin, "session.revoked", &who.id, Some("roles_changed"));
    events::commit(ctx, region, Vec::new(), &[revoked]).await?;
    Ok(None)
}
