//! The `code` chunk: one function's or asset's page, with its editor, live versions, deploying
//! one version and deleting.

pub mod delete;
pub mod deploy;
pub mod edit;
pub mod live;
pub mod page;
pub mod test;
