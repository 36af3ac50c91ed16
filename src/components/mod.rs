//! Widgets shared by every page.

pub mod build_diff;
pub mod build_failure;
pub mod build_link;
pub mod code_paths;
pub mod code_view;
pub mod confirm;
pub mod copy;
pub mod environment_select;
pub mod error_view;
pub mod file_input;
pub mod focus;
pub mod form_check;
pub mod header;
pub mod jumps;
pub mod live_urls;
pub mod loaded;
pub mod on_demand;
pub mod outcome;
pub mod page_focus;
pub mod plural;
pub mod poller;
pub mod status_badge;
pub mod time;
pub mod title;
pub mod upload;
pub mod variable_plan;
