//! The editor's draft: what was typed, kept in the tab until it is saved or discarded.

/// A draft of one function's next version, kept in the tab's sessionStorage under the function
/// and the version it started from.
#[derive(Clone)]
pub(super) struct Draft {
    key: String,
}

impl Draft {
    pub(super) fn new(function: &str, base: Option<&str>) -> Draft {
        Draft {
            key: format!("switchboard.draft.{function}.{}", base.unwrap_or("first")),
        }
    }

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.session_storage().ok()?
    }

    pub(super) fn read(&self) -> Option<String> {
        Draft::storage()?.get_item(&self.key).ok()?
    }

    /// A full storage (the quota is a few MB) only means the draft is not kept.
    pub(super) fn write(&self, text: &str) {
        if let Some(storage) = Draft::storage() {
            let _ = storage.set_item(&self.key, text);
        }
    }

    pub(super) fn clear(&self) {
        if let Some(storage) = Draft::storage() {
            let _ = storage.remove_item(&self.key);
        }
    }
}
