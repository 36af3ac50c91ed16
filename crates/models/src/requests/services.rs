//! CreateService and UpdateService.

use super::{FormPairs, Params};
use crate::validate::{self, FieldResult};

/// A service to create.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewService {
    pub unique_name: String,
    pub friendly_name: String,
    pub include_credentials: bool,
    pub ui_editable: bool,
}

impl NewService {
    /// Every field is sent, so the API's defaults never decide for the form.
    pub fn encode(&self) -> FormPairs {
        vec![
            ("UniqueName", self.unique_name.clone()),
            ("FriendlyName", self.friendly_name.clone()),
            ("IncludeCredentials", self.include_credentials.to_string()),
            ("UiEditable", self.ui_editable.to_string()),
        ]
    }

    /// Twilio's defaults: credentials included, not editable in Twilio's own UI.
    pub fn decode(params: &Params) -> FieldResult<NewService> {
        validate::service_unique_name(params.get("UniqueName"))?;
        validate::friendly_name(params.get("FriendlyName"))?;
        Ok(NewService {
            unique_name: params.owned("UniqueName").unwrap_or_default(),
            friendly_name: params.owned("FriendlyName").unwrap_or_default(),
            include_credentials: params.boolean("IncludeCredentials")?.unwrap_or(true),
            ui_editable: params.boolean("UiEditable")?.unwrap_or(false),
        })
    }
}

/// The settings an update changes; `None` leaves one as it is (a service's unique name cannot
/// change).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceChanges {
    pub friendly_name: Option<String>,
    pub include_credentials: Option<bool>,
    pub ui_editable: Option<bool>,
}

impl ServiceChanges {
    pub fn is_empty(&self) -> bool {
        *self == ServiceChanges::default()
    }

    /// Only the settings that change are sent.
    pub fn encode(&self) -> FormPairs {
        let mut fields = Vec::new();
        if let Some(name) = &self.friendly_name {
            fields.push(("FriendlyName", name.clone()));
        }
        if let Some(include) = self.include_credentials {
            fields.push(("IncludeCredentials", include.to_string()));
        }
        if let Some(editable) = self.ui_editable {
            fields.push(("UiEditable", editable.to_string()));
        }
        fields
    }

    pub fn decode(params: &Params) -> FieldResult<ServiceChanges> {
        validate::optional_friendly_name(params.get("FriendlyName"))?;
        Ok(ServiceChanges {
            friendly_name: params.owned("FriendlyName"),
            include_credentials: params.boolean("IncludeCredentials")?,
            ui_editable: params.boolean("UiEditable")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_service_round_trips_and_defaults_like_twilio() {
        let new = NewService {
            unique_name: "hotline".into(),
            friendly_name: "Hotline".into(),
            include_credentials: false,
            ui_editable: true,
        };
        assert_eq!(
            NewService::decode(&new.encode().into_iter().collect()),
            Ok(new)
        );
        let bare = [("UniqueName", "a"), ("FriendlyName", "A")]
            .into_iter()
            .collect();
        let decoded = NewService::decode(&bare).unwrap();
        assert!(decoded.include_credentials && !decoded.ui_editable);
    }

    #[test]
    fn checks_run_in_the_apis_order() {
        let decode = |pairs: &[(&str, &str)]| {
            NewService::decode(&pairs.iter().copied().collect()).unwrap_err()
        };
        assert_eq!(decode(&[]).field, "UniqueName");
        assert_eq!(decode(&[("UniqueName", "a")]).field, "FriendlyName");
        let error = decode(&[
            ("UniqueName", "a"),
            ("FriendlyName", "A"),
            ("IncludeCredentials", "yes"),
        ]);
        assert_eq!(error.message, "IncludeCredentials must be true or false");
    }

    #[test]
    fn changes_send_only_what_changes() {
        let changes = ServiceChanges {
            ui_editable: Some(true),
            ..ServiceChanges::default()
        };
        assert_eq!(changes.encode(), vec![("UiEditable", "true".to_owned())]);
        assert_eq!(
            ServiceChanges::decode(&changes.encode().into_iter().collect()),
            Ok(changes)
        );
        assert!(ServiceChanges::default().is_empty());
        assert!(ServiceChanges::default().encode().is_empty());
        let long = [("FriendlyName", "x".repeat(256))].into_iter().collect();
        assert_eq!(
            ServiceChanges::decode(&long).unwrap_err().field,
            "FriendlyName"
        );
    }
}
