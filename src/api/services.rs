use super::client::SERVERLESS;
use super::{ClientError, delete, get_json, list_all, post_form};
use switchboard_models::Service;

pub async fn list() -> Result<Vec<Service>, ClientError> {
    list_all(&format!("{SERVERLESS}/Services")).await
}

pub async fn fetch(sid: &str) -> Result<Service, ClientError> {
    get_json(&format!("{SERVERLESS}/Services/{sid}")).await
}

/// What the create form collects.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewService {
    pub unique_name: String,
    pub friendly_name: String,
    pub include_credentials: bool,
    pub ui_editable: bool,
}

pub async fn create(new: &NewService) -> Result<Service, ClientError> {
    post_form(
        &format!("{SERVERLESS}/Services"),
        &[
            ("UniqueName", new.unique_name.clone()),
            ("FriendlyName", new.friendly_name.clone()),
            ("IncludeCredentials", new.include_credentials.to_string()),
            ("UiEditable", new.ui_editable.to_string()),
        ],
    )
    .await
}

/// The settings a service can change after creation (its unique name cannot).
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceSettings {
    pub friendly_name: String,
    pub include_credentials: bool,
    pub ui_editable: bool,
}

impl From<&Service> for ServiceSettings {
    fn from(service: &Service) -> ServiceSettings {
        ServiceSettings {
            friendly_name: service.friendly_name.clone(),
            include_credentials: service.include_credentials,
            ui_editable: service.ui_editable,
        }
    }
}

/// Sends only the settings that differ from `before`, the values the form started from: a
/// setting changed elsewhere meanwhile (another tab, the CLI) is not put back to what the page
/// showed. `None` when nothing differs.
pub async fn update(
    sid: &str,
    before: &ServiceSettings,
    after: &ServiceSettings,
) -> Option<Result<Service, ClientError>> {
    let mut fields = Vec::new();
    if after.friendly_name != before.friendly_name {
        fields.push(("FriendlyName", after.friendly_name.clone()));
    }
    if after.include_credentials != before.include_credentials {
        fields.push(("IncludeCredentials", after.include_credentials.to_string()));
    }
    if after.ui_editable != before.ui_editable {
        fields.push(("UiEditable", after.ui_editable.to_string()));
    }
    if fields.is_empty() {
        return None;
    }
    Some(post_form(&format!("{SERVERLESS}/Services/{sid}"), &fields).await)
}

pub async fn remove(sid: &str) -> Result<(), ClientError> {
    delete(&format!("{SERVERLESS}/Services/{sid}")).await
}
