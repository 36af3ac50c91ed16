//! Promoting an environment's live build to another environment, like
//! `twilio serverless:promote`: a new deployment there with the same build.

use crate::api::{ClientError, deployments, environments};
use switchboard_models::{Deployment, Environment};

/// A promote done: the deployment, the target's name, and the build it served before.
#[derive(Debug, Clone, PartialEq)]
pub struct Promoted {
    pub deployment: Deployment,
    pub name: String,
    pub before: Option<String>,
}

/// Why a promote was not sent, or failed.
#[derive(Debug, Clone, PartialEq)]
pub enum NotPromoted {
    /// The source environment's live build is no longer the one the page shows.
    Stale {
        shown: String,
        now: Option<String>,
    },
    /// The target already serves it.
    AlreadyThere {
        name: String,
        build: String,
    },
    Failed(ClientError),
}

/// Promotes `shown`, the build the page shows live in `source`, to `target`.
pub async fn promote(
    service: &str,
    source: &str,
    target: &str,
    shown: String,
) -> Result<Promoted, NotPromoted> {
    let now = environments::fetch(service, source)
        .await
        .map_err(NotPromoted::Failed)?
        .build_sid;
    still_live(&shown, now)?;
    let there = environments::fetch(service, target)
        .await
        .map_err(NotPromoted::Failed)?;
    not_there_yet(&shown, &there)?;
    let deployment = deployments::create(service, target, &shown)
        .await
        .map_err(NotPromoted::Failed)?;
    Ok(Promoted {
        deployment,
        name: there.unique_name,
        before: there.build_sid,
    })
}

/// The page may be older than the live build (a deploy from another tab or the CLI): promote
/// only the build the user was looking at, and only while it is still live.
fn still_live(shown: &str, now: Option<String>) -> Result<(), NotPromoted> {
    if now.as_deref() == Some(shown) {
        Ok(())
    } else {
        Err(NotPromoted::Stale {
            shown: shown.to_owned(),
            now,
        })
    }
}

/// Twilio refuses a deployment of the build already live there (20409): say so instead.
fn not_there_yet(shown: &str, there: &Environment) -> Result<(), NotPromoted> {
    if there.build_sid.as_deref() == Some(shown) {
        Err(NotPromoted::AlreadyThere {
            name: there.unique_name.clone(),
            build: shown.to_owned(),
        })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_build_still_live_in_the_source_is_promoted() {
        assert_eq!(still_live("ZB1", Some("ZB1".into())), Ok(()));
        assert_eq!(
            still_live("ZB1", Some("ZB2".into())),
            Err(NotPromoted::Stale {
                shown: "ZB1".into(),
                now: Some("ZB2".into())
            })
        );
        // Undeployed elsewhere since.
        assert_eq!(
            still_live("ZB1", None),
            Err(NotPromoted::Stale {
                shown: "ZB1".into(),
                now: None
            })
        );
    }

    #[test]
    fn a_target_that_already_serves_the_build_is_not_sent_a_deployment() {
        let prod = |build: Option<&str>| Environment {
            unique_name: "prod".into(),
            build_sid: build.map(Into::into),
            ..Environment::default()
        };
        assert_eq!(
            not_there_yet("ZB1", &prod(Some("ZB1"))),
            Err(NotPromoted::AlreadyThere {
                name: "prod".into(),
                build: "ZB1".into()
            })
        );
        assert_eq!(not_there_yet("ZB1", &prod(Some("ZB0"))), Ok(()));
        assert_eq!(not_there_yet("ZB1", &prod(None)), Ok(()));
    }
}
