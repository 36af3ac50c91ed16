//! A twilio-run project in the browser: which files a deploy takes (`layout`, `ignore`), what it
//! changes (`plan`), and exporting a live environment as a project (`export`, `zip`). Everything
//! here is pure and tested natively except `read` and `load`, which read files in the browser.

pub mod export;
pub mod hash;
pub mod ignore;
pub mod layout;
pub mod load;
pub mod plan;
pub mod read;
pub mod zip;
