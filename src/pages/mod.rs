//! One module per page.

pub mod code;
pub mod environments;
pub mod not_found;
pub mod service;
pub mod services;
pub mod variables;
