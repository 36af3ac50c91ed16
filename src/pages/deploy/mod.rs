//! The `deploy` chunk: deploying a whole project from the browser.

pub mod apply;
pub mod export;
pub mod page;
pub mod plan;
