//! Outgoing mail with its retry queue: the shared `medportal-mail` crate (also used by the
//! inquiries function's notifications).

pub use medportal_mail::{Delivery, deliver, retry_due, transport_failing};
