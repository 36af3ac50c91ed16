//! Waiting for a build to finish, the step every deploy shares.

use super::sleep::sleep;
use crate::api::{ClientError, builds};
use switchboard_models::{Build, BuildStatus};

/// Why a deploy stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    Api(ClientError),
    BuildFailed(String),
}

impl From<ClientError> for Failure {
    fn from(error: ClientError) -> Failure {
        Failure::Api(error)
    }
}

/// Transient failures in a row tolerated while waiting for the build.
const STATUS_RETRIES: u32 = 5;

/// Whether a failed status call, after `failures` failed ones in a row, is waited out: the
/// build goes on whatever happens to one status call, so a dropped connection or a 429 must
/// not stop the deploy, but a refusal (or too many failures) does.
fn wait_out(error: &ClientError, failures: u32) -> bool {
    error.is_transient() && failures < STATUS_RETRIES
}

/// What a finished build means for the deploy waiting on it.
fn outcome(build: &str, status: BuildStatus) -> Result<(), Failure> {
    match status {
        BuildStatus::Failed => Err(Failure::BuildFailed(build.to_owned())),
        _ => Ok(()),
    }
}

/// Waits until `build` completes, polling its status once a second.
pub async fn wait_for_build(service: &str, build: &Build) -> Result<(), Failure> {
    let mut status = build.status;
    let mut failures = 0;
    while !status.is_terminal() {
        sleep(1000).await;
        match builds::status(service, &build.sid).await {
            Ok(answer) => {
                status = answer.status;
                failures = 0;
            }
            Err(error) if wait_out(&error, failures) => failures += 1,
            Err(error) => return Err(error.into()),
        }
    }
    outcome(&build.sid, status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_transient_failures_in_a_row_are_waited_out_and_a_refusal_is_not() {
        let dropped = ClientError::Network("reset".into());
        assert!(wait_out(&dropped, 0) && wait_out(&dropped, STATUS_RETRIES - 1));
        assert!(!wait_out(&dropped, STATUS_RETRIES));
        assert!(wait_out(&ClientError::refused(429), 2) && wait_out(&ClientError::refused(503), 0));
        assert!(
            !wait_out(&ClientError::refused(404), 0) && !wait_out(&ClientError::TokenRequired, 0)
        );
    }

    #[test]
    fn only_a_failed_build_stops_the_deploy() {
        assert_eq!(
            outcome("ZB1", BuildStatus::Failed),
            Err(Failure::BuildFailed("ZB1".into()))
        );
        assert_eq!(outcome("ZB1", BuildStatus::Completed), Ok(()));
    }
}
