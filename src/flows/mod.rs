//! Procedures of several calls: what the console does between one click and its answer when
//! that takes more than one request (project deploy and resume, deploying one version,
//! promoting, importing a `.env` file). `api/` stays one thin module per resource; pages hold
//! only what is shown. Each flow keeps its decisions in pure functions, tested natively
//! (`cargo test --lib`); the calls around them are covered by the browser tests.

pub mod build_wait;
pub mod deploy_version;
pub mod dotenv_import;
pub mod live;
pub mod pending;
pub mod project_deploy;
pub mod project_uploads;
pub mod project_variables;
pub mod promote;
pub mod sleep;
pub mod test_events;
pub mod test_logs;
pub mod test_targets;
