//! The `service` chunk: a service's layout and the pages a visit to it opens first.

pub mod build;
pub mod builds;
pub mod code_list;
pub mod compose;
pub mod environments;
pub mod layout;
