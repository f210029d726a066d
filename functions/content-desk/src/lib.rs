//! The content-desk deployable: content's staff workspaces (`/author…` with file uploads and
//! their removal, `/review…` with signing, `/governance`), i.e. [`medportal_content::ContentDesk`].
//! Its own Worker and Spin component so that the content Worker every reader hits carries
//! neither the workspaces nor the file scanner's token. This crate holds only the runtime
//! entries; the code and its tests are in `medportal-content`.

pub use medportal_content::ContentDesk;

#[cfg(feature = "workers")]
medportal_workers::entry!(medportal_content::ContentDesk);
#[cfg(feature = "spin")]
medportal_spin::entry!(medportal_content::ContentDesk);
