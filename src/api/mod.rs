//! The typed client for the relay's `/api`. Every call goes to the console's own origin; the
//! relay adds credentials and picks the Twilio host.

pub mod builds;
mod client;
pub mod code;
pub mod deployments;
pub mod environments;
mod error;
pub mod invoke;
pub mod logs;
pub mod services;
pub mod session;
pub mod upload;

pub use client::{delete, get_json, list_all, post_form, set_token};
pub use error::ClientError;
