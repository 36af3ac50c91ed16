//! The pages, grouped by the chunk they load in (`src/chunks.rs`): the first screen's pages sit
//! here, each group's in its folder. A page one group borrows from another (a confirmation, a
//! form) is fetched with either (the split tool puts shared code in a shared chunk).

pub mod code;
pub mod deploy;
pub mod environment;
pub mod not_found;
pub mod service;
pub mod services;
