//! medportal core: domain types, ports, errors, config, regions, routing and HTTP helpers.
//! Runtime-independent: no Workers or Spin types appear here.

pub mod app;
pub mod audit;
pub mod b64;
pub mod common;
pub mod config;
pub mod error;
pub mod functions;
pub mod locale;
pub mod platform;
pub mod policy;
pub mod ports;
pub mod region;
pub mod router;
pub mod security;
pub mod upload;
pub mod web;

pub use app::{App, finish, refuse, scheduled, serve};
pub use config::Config;
pub use error::{Error, Result};
pub use functions::{Function, StoreKind, StoreName};
pub use platform::{Ctx, KvBlobStore, Platform};
pub use region::{InRegion, Region};
pub use web::{Request, RequestInfo, Response};

/// The largest request body refused for its declared Content-Length that an adapter reads and
/// drops before it answers 413. A server that answers while the client is still sending, and
/// closes with the body unread, resets the connection, and the reset can destroy the answer
/// before the client reads it: a browser then shows "connection reset" instead of the error
/// page. A larger declared body, or a chunked one over the limit (it may never end), is cut
/// off unread.
pub const DRAIN_BYTES: usize = 8 << 20;

/// The body limit: `serve` applies it to the body read; adapters apply it to a declared
/// Content-Length so they need not keep an oversized body (they read and drop one of up to
/// [`DRAIN_BYTES`], see there).
pub fn check_body_size(config: &Config, len: usize) -> Result<()> {
    if len > config.max_body_bytes {
        Err(Error::PayloadTooLarge { limit: config.max_body_bytes })
    } else {
        Ok(())
    }
}
