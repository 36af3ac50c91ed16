//! The `code` chunk: one function's or asset's page, with its editor, live versions, deploying
//! one version and deleting.

pub mod delete;
pub mod deploy;
mod draft;
pub mod edit;
mod edit_form;
pub mod live;
pub mod page;
pub mod rename;
pub mod test;
pub mod versions;
