//! Runtime entries: the only place the Workers and Spin SDKs meet this function.
#[cfg(feature = "workers")]
medportal_workers::entry!(crate::Identity);
// cron (wrangler.toml `[env.identity.triggers]`): retries mail the transport did not take
#[cfg(feature = "workers")]
medportal_workers::scheduled_entry!(crate::Identity);
#[cfg(feature = "spin")]
medportal_spin::entry!(crate::Identity);
