//! Runtime entries: the only place the Workers and Spin SDKs meet this function.
#[cfg(feature = "workers")]
medportal_workers::entry!(crate::Audit);
// cron (wrangler.toml `[env.audit.triggers]`): extends each log's tree and signs due checkpoints
#[cfg(feature = "workers")]
medportal_workers::scheduled_entry!(crate::Audit);
#[cfg(feature = "spin")]
medportal_spin::entry!(crate::Audit);
