#![doc = include_str!("../README.md")]

pub mod allowlist;
pub mod app;
pub mod cli;
pub mod connect;
pub mod connections;
pub mod console_config;
pub mod credentials;
pub mod csp;
mod deadline;
pub mod error;
pub mod invoke;
pub mod logging;
pub mod policy;
pub mod proxy;
pub mod security;
pub mod serve;
pub mod session;
pub mod state;
pub mod static_files;
pub mod trust;
pub mod upload_peek;
pub mod upstream;

pub use app::app;
pub use state::{AppState, RelayConfig};
pub use upstream::{Upstream, UpstreamKind};
