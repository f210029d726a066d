//! Runtime entries: the only place the Workers and Spin SDKs meet this function.
#[cfg(feature = "workers")]
medportal_workers::entry!(crate::Inquiries);
#[cfg(feature = "spin")]
medportal_spin::entry!(crate::Inquiries);
