//! The requests the console sends and the emulator answers, each with one `encode` (the form
//! pairs Twilio's API takes: PascalCase keys, lists as repeated keys) and one `decode` (the
//! emulator's reading of them, with its checks in the order Twilio reports them). Keeping both
//! halves on one type means a field added on one side cannot be forgotten on the other.
//!
//! Decision: one-field forms (a Function's or Asset's `FriendlyName`) and the multipart version
//! upload are not here; a type would add more than the one line each side writes today.

mod builds;
mod deployments;
mod environments;
mod services;
mod variables;

pub use builds::NewBuild;
pub use deployments::NewDeployment;
pub use environments::NewEnvironment;
pub use services::{NewService, ServiceChanges};
pub use variables::{NewVariable, VariableChanges};

use crate::validate::{self, FieldResult};

/// Form pairs as [`encode`](NewBuild::encode) writes them, ready for form-urlencoding.
pub type FormPairs = Vec<(&'static str, String)>;

/// A request's parameters, already split into pairs (form-urlencoded body or query string).
/// Unknown keys are kept but never looked at, so clients' extras are ignored.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Params(Vec<(String, String)>);

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Params {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Params {
        Params(
            pairs
                .into_iter()
                .map(|(key, value)| (key.into(), value.into()))
                .collect(),
        )
    }
}

impl Params {
    /// The first value sent for `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Every value sent for `name`, in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .collect()
    }

    pub fn owned(&self, name: &str) -> Option<String> {
        self.get(name).map(str::to_owned)
    }

    pub fn boolean(&self, name: &'static str) -> FieldResult<Option<bool>> {
        validate::boolean(name, self.get(name))
    }
}
