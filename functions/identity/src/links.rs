//! A mailed link redeemed at `/login/verify`: a registration's confirmation (the account is
//! created, then the person is signed in) or a sign-in link. Both are single use and bound to
//! the browser that asked for them.

use crate::registration;
use crate::sign_in::{self, Redeemed};
use medportal_core::{Ctx, Platform, Region, Result};

/// Redeems the link token `token` of region `region` in the browser holding `nonce`, asked
/// from the client address `origin` (recorded, keyed, in the sign-in's audit entry).
pub async fn redeem<P: Platform>(ctx: &Ctx<'_, P>, region: &str, token: &str, nonce: &str, origin: Option<&str>) -> Result<Redeemed> {
    let Some(r) = Region::from_code(region) else { return Ok(Redeemed::Invalid) };
    match registration::confirm(ctx, r, token, nonce).await? {
        Some(user) => sign_in::signed_in(ctx, user, origin).await,
        None => sign_in::redeem(ctx, region, token, nonce, origin).await,
    }
}
