#![doc = include_str!("../README.md")]

pub mod build_diff;
pub mod build_rules;
pub mod dependencies;
pub mod dotenv;
pub mod error;
pub mod limits;
pub mod naming;
pub mod npm_version;
pub mod page;
pub mod plan;
pub mod relay;
pub mod requests;
pub mod resources;
pub mod sid;
pub mod validate;

pub use error::TwilioError;
pub use page::{Page, PageMeta};
pub use resources::*;
