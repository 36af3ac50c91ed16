//! One module per page.

pub mod build;
pub mod builds;
pub mod code;
pub mod code_delete;
pub mod code_deploy;
pub mod code_edit;
pub mod code_list;
pub mod code_live;
pub mod compose;
pub mod deploy;
pub mod deploy_apply;
pub mod deploy_export;
pub mod deploy_plan;
pub mod deployments;
pub mod deployments_confirm;
pub mod deployments_promote;
pub mod environments;
pub mod logs;
pub mod not_found;
pub mod service;
pub mod services;
pub mod variables;
pub mod variables_import;
