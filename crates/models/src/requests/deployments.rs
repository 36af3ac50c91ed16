//! CreateDeployment.

use super::{FormPairs, Params};
use crate::validate::FieldResult;

/// A deployment to create: the build an environment serves from now on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewDeployment {
    /// `None` takes the environment's live build down, which the API allows (the way back from
    /// a first deploy, when nothing was live before).
    pub build_sid: Option<String>,
    /// Twilio's flag for deployments made by a Flex plugin; the console never sets it.
    pub is_plugin: bool,
}

impl NewDeployment {
    pub fn encode(&self) -> FormPairs {
        let mut fields = Vec::new();
        if let Some(build) = &self.build_sid {
            fields.push(("BuildSid", build.clone()));
        }
        if self.is_plugin {
            fields.push(("IsPlugin", "true".to_owned()));
        }
        fields
    }

    pub fn decode(params: &Params) -> FieldResult<NewDeployment> {
        Ok(NewDeployment {
            build_sid: params.owned("BuildSid").filter(|sid| !sid.is_empty()),
            is_plugin: params.boolean("IsPlugin")?.unwrap_or(false),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_with_and_without_a_build() {
        for new in [
            NewDeployment {
                build_sid: Some("ZB1".into()),
                is_plugin: false,
            },
            NewDeployment::default(),
            NewDeployment {
                build_sid: None,
                is_plugin: true,
            },
        ] {
            assert_eq!(
                NewDeployment::decode(&new.encode().into_iter().collect()),
                Ok(new)
            );
        }
        assert!(NewDeployment::default().encode().is_empty());
        let empty = [("BuildSid", "")].into_iter().collect();
        assert_eq!(NewDeployment::decode(&empty).unwrap().build_sid, None);
        let bad = [("IsPlugin", "1")].into_iter().collect();
        assert_eq!(NewDeployment::decode(&bad).unwrap_err().field, "IsPlugin");
    }
}
