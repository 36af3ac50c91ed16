//! CreateEnvironment (environments have no update).

use super::{FormPairs, Params};
use crate::validate::{self, FieldResult};

/// An environment to create.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewEnvironment {
    pub unique_name: String,
    /// `None` (or empty) gives the environment no suffix in its domain.
    pub domain_suffix: Option<String>,
}

impl NewEnvironment {
    pub fn encode(&self) -> FormPairs {
        let mut fields = vec![("UniqueName", self.unique_name.clone())];
        if let Some(suffix) = self.domain_suffix.as_ref().filter(|s| !s.is_empty()) {
            fields.push(("DomainSuffix", suffix.clone()));
        }
        fields
    }

    pub fn decode(params: &Params) -> FieldResult<NewEnvironment> {
        validate::environment_unique_name(params.get("UniqueName"))?;
        validate::domain_suffix(params.get("DomainSuffix"))?;
        Ok(NewEnvironment {
            unique_name: params.owned("UniqueName").unwrap_or_default(),
            domain_suffix: params
                .owned("DomainSuffix")
                .filter(|suffix| !suffix.is_empty()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_suffix_is_no_suffix() {
        let new = NewEnvironment {
            unique_name: "dev".into(),
            domain_suffix: Some(String::new()),
        };
        assert_eq!(new.encode(), vec![("UniqueName", "dev".to_owned())]);
        let sent = [("UniqueName", "dev"), ("DomainSuffix", "")]
            .into_iter()
            .collect();
        assert_eq!(NewEnvironment::decode(&sent).unwrap().domain_suffix, None);
    }

    #[test]
    fn round_trips_and_refuses_a_bad_suffix() {
        let new = NewEnvironment {
            unique_name: "stage".into(),
            domain_suffix: Some("stage".into()),
        };
        assert_eq!(
            NewEnvironment::decode(&new.encode().into_iter().collect()),
            Ok(new)
        );
        let bad = [("UniqueName", "stage"), ("DomainSuffix", "Stage!")]
            .into_iter()
            .collect();
        assert_eq!(
            NewEnvironment::decode(&bad).unwrap_err().field,
            "DomainSuffix"
        );
    }
}
