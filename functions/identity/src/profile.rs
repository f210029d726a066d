//! The progressive profile: which question comes next, and storing an answer (or a skip).

use crate::events;
use crate::users::{self, ProfileStep, User};
use medportal_core::{Ctx, Error, Platform, Region, Result};
use medportal_templates::pages::identity::PROFILE_STEPS;

const MAX_ANSWER: usize = 200;

/// The next unanswered question, if any: (step code, step number, total steps).
pub fn next_step(user: &User) -> Option<(&'static str, u32, u32)> {
    let total = PROFILE_STEPS.len() as u32;
    let answered = [&user.specialty, &user.practice_setting, &user.interests];
    PROFILE_STEPS.iter().zip(answered).enumerate().find(|(_, (_, a))| a.is_none()).map(|(i, ((code, _, _), _))| (*code, i as u32 + 1, total))
}

/// Stores the answer to `step`; a skipped question is stored empty so it is not asked again.
pub async fn answer<P: Platform>(ctx: &Ctx<'_, P>, region: Region, user_id: &str, step: &str, value: &str, skipped: bool) -> Result<()> {
    let step = ProfileStep::parse(step).ok_or_else(|| Error::bad_request("invalid_step", "Unknown profile step."))?;
    let value = if skipped { "" } else { value.trim() };
    if value.chars().count() > MAX_ANSWER || value.chars().any(char::is_control) {
        return Err(Error::bad_request("invalid_value", "At most 200 characters."));
    }
    // Not audited: profile answers are the person's own optional data.
    events::commit(ctx, region, vec![users::set_profile_answer(user_id, step, value)], &[]).await
}
