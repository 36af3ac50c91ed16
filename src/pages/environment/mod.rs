//! The `environment` chunk: one environment's page, its deployments, variables and logs.

pub mod confirm_deploy;
pub mod deployments;
pub mod logs;
pub mod page;
pub mod promote;
pub mod test;
pub mod variables;
pub mod variables_import;
