//! The search-admin deployable: search's indexing entry point (`POST /admin/search/index`,
//! `PUT /admin/search/vocab`) and staff pages (`/admin/search`), i.e.
//! [`medportal_search::SearchAdmin`]. Its own Worker and Spin component so that the query
//! Worker every HCP search hits carries neither the index builder nor the indexing token.
//! This crate holds only the runtime entries; the code and its tests are in `medportal-search`.

pub use medportal_search::SearchAdmin;

#[cfg(feature = "workers")]
medportal_workers::entry!(medportal_search::SearchAdmin);
#[cfg(feature = "spin")]
medportal_spin::entry!(medportal_search::SearchAdmin);
