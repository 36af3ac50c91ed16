use super::client::SERVERLESS;
use super::{ClientError, delete, get_json, list_all, post_form};
use switchboard_models::Service;
use switchboard_models::requests::ServiceChanges;

pub async fn list() -> Result<Vec<Service>, ClientError> {
    list_all(&format!("{SERVERLESS}/Services")).await
}

pub async fn fetch(sid: &str) -> Result<Service, ClientError> {
    get_json(&format!("{SERVERLESS}/Services/{sid}")).await
}

/// What the create form collects, encoded as the emulator decodes it.
pub use switchboard_models::requests::NewService;

pub async fn create(new: &NewService) -> Result<Service, ClientError> {
    post_form(&format!("{SERVERLESS}/Services"), &new.encode()).await
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
    let changes = ServiceChanges {
        friendly_name: (after.friendly_name != before.friendly_name)
            .then(|| after.friendly_name.clone()),
        include_credentials: (after.include_credentials != before.include_credentials)
            .then_some(after.include_credentials),
        ui_editable: (after.ui_editable != before.ui_editable).then_some(after.ui_editable),
    };
    if changes.is_empty() {
        return None;
    }
    Some(post_form(&format!("{SERVERLESS}/Services/{sid}"), &changes.encode()).await)
}

pub async fn remove(sid: &str) -> Result<(), ClientError> {
    delete(&format!("{SERVERLESS}/Services/{sid}")).await
}
