//! Widgets shared by every page.

pub mod copy;
pub mod error_view;
pub mod header;
