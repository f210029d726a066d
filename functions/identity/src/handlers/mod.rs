//! The HTTP side of the identity function: each handler authenticates or authorises, reads
//! its (typed) form, calls one use case and renders or redirects. Every POST checks CSRF
//! (origin headers + token) before anything is read from or written to a store. Grouped by
//! the pages they serve.

pub mod account;
pub mod admin_roles;
pub mod admin_verifications;
pub mod bootstrap;
pub mod login;
#[cfg(any(test, feature = "dev"))]
pub mod outbox;
pub mod register;
pub mod step_up;
pub mod verify;
