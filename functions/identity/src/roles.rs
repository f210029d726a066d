//! Role administration: administrators assign roles to people of their region. Every change is
//! audited and ends the person's sessions, so new rights (and the staff second factor) apply
//! at their next sign-in.

use crate::enrolment;
use crate::events;
use crate::users::{self, Person};
use medportal_core::policy::Role;
use medportal_core::{Ctx, Error, Platform, Region, Result};
use medportal_templates::Msg;
use time::OffsetDateTime;

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

/// The outcome of a role change.
pub enum Assigned {
    /// Nothing changed, and why not.
    Refused(Msg),
    /// Not saved: another administrator changed the person's roles since `seen` was read.
    Overtaken,
    /// Saved; with a one-time enrolment code (and its expiry) when the person now holds a
    /// staff role without an enrolled second factor: shown to the administrator once.
    Saved(Option<(String, OffsetDateTime)>),
}

/// Gives `who` exactly `roles`, by the administrator `admin`, who saw the roles `seen` (as
/// stored; the form carries them). A change is audited and ends the person's sessions. Staff
/// without a second factor get a new enrolment code (also when the roles are saved unchanged:
/// a lost or expired code is replaced this way). Roles changed since `seen` (read here, or
/// committed by another administrator before this batch: a guard in it) are `Overtaken`:
/// nothing saved, no entry, never one administrator's change silently undoing another's.
pub async fn assign<P: Platform>(ctx: &Ctx<'_, P>, region: Region, admin: &str, who: &Person, seen: &str, roles: &[Role]) -> Result<Assigned> {
    if who.stored_roles != seen {
        return Ok(Assigned::Overtaken);
    }
    if roles.is_empty() {
        return Ok(Assigned::Refused(Msg::IdentityRolesNone));
    }
    if who.id == admin && !roles.contains(&Role::Admin) {
        return Ok(Assigned::Refused(Msg::IdentityRolesOwnAdmin));
    }
    let (before, after) = (codes(&who.roles), codes(roles));
    if before != after {
        let change = format!("{before} -> {after}");
        let entry = events::success(admin, "role.changed", &who.id, Some(&change));
        match events::commit(ctx, region, vec![users::roles_still(&who.id, seen), users::set_roles(&who.id, roles)], &[entry]).await {
            Err(e) if medportal_core::audit::refused(&e) => return Ok(Assigned::Overtaken),
            other => other?,
        }
        // Sessions carry roles: end them so the change applies at the next sign-in.
        medportal_auth::revoke_user(ctx, region, &who.id).await?;
        let revoked = events::success(admin, "session.revoked", &who.id, Some("roles_changed"));
        events::commit(ctx, region, Vec::new(), &[revoked]).await?;
    }
    let staff = roles.iter().any(|r| r.is_staff());
    let code = if staff && !who.enrolled { Some(enrolment::issue(ctx, region, admin, &who.id).await?) } else { None };
    Ok(Assigned::Saved(code))
}
