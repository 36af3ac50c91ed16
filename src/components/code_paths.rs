//! Which other function or asset already answers at a path, said when a version is uploaded
//! there: an environment serves one thing per path, so a build could hold only one of the two,
//! and the composer would refuse the pair much later.

use crate::api::ClientError;
use crate::api::code::{self, Kind};
use futures::StreamExt;
use leptos::prelude::*;

/// A form's check of the path it sends against the paths the others answer at: read ahead (so
/// that a send seldom waits for it), said once before sending, and let through when the user
/// sends the same path again.
#[derive(Clone, Copy)]
pub struct PathCheck {
    /// The service, and the function or asset the form sends a version of.
    ids: StoredValue<(String, String)>,
    used: StoredValue<Option<Vec<PathUse>>>,
    /// The path last said to be taken.
    said: StoredValue<Option<String>>,
    /// How the form sends anyway, ending what is said ("press Upload again to upload it anyway").
    anyway: &'static str,
}

impl PathCheck {
    /// The check for versions of `resource`, whose own paths are not a clash; `anyway` says how
    /// to send one anyway.
    pub fn new(service: String, resource: String, anyway: &'static str) -> PathCheck {
        PathCheck {
            ids: StoredValue::new((service, resource)),
            used: StoredValue::new(None),
            said: StoredValue::new(None),
            anyway,
        }
    }

    /// Reads the paths in use, unless they are known.
    pub fn read_ahead(self) {
        if self.used.with_value(Option::is_some) {
            return;
        }
        let (service, resource) = self.ids.get_value();
        leptos::task::spawn_local(async move {
            if let Ok(used) = in_use(&service, &resource).await
                && !self.used.is_disposed()
            {
                self.used.set_value(Some(used));
            }
        });
    }

    /// What to say before `path` is sent: the clash, once; `None` when the path is free, was
    /// said already, or the paths could not be read (the send goes on unchecked rather than be
    /// blocked by a check).
    pub async fn before_sending(self, path: &str) -> Option<String> {
        let known = self.used.try_get_value().flatten();
        let used = match known {
            Some(used) => used,
            None => {
                let (service, resource) = self.ids.try_get_value()?;
                in_use(&service, &resource).await.ok()?
            }
        };
        let message = clash(&used, path, self.anyway)?;
        let said = self.said.try_get_value()?;
        if said.as_deref() == Some(path) {
            return None;
        }
        self.said.set_value(Some(path.to_owned()));
        Some(message)
    }

    /// After a version is sent: the paths are read again (others may change meanwhile), and a
    /// clash is said again.
    pub fn forget(self) {
        self.said.set_value(None);
        self.used.set_value(None);
    }
}

/// The newest version's path of a function or asset.
#[derive(Debug, Clone, PartialEq)]
pub struct PathUse {
    pub path: String,
    pub name: String,
    pub kind: Kind,
}

/// The paths the service's functions and assets answer at by their newest versions (what a
/// build takes by default), except `skip`'s own. Older versions do not count: a function that
/// moved from /a to /b leaves /a free.
pub async fn in_use(service: &str, skip: &str) -> Result<Vec<PathUse>, ClientError> {
    let mut used = Vec::new();
    for kind in [Kind::Function, Kind::Asset] {
        let items = code::list(service, kind).await?;
        let items: Vec<_> = items.into_iter().filter(|item| item.sid != skip).collect();
        // A few at a time, as the composer reads them: hundreds at once would set off 429s.
        let newest: Vec<_> = futures::stream::iter(
            items
                .iter()
                .map(|item| code::versions(service, kind, &item.sid)),
        )
        .buffered(8)
        .collect()
        .await;
        for (item, versions) in items.into_iter().zip(newest) {
            if let Some(version) = versions?.into_iter().next() {
                used.push(PathUse {
                    path: version.path,
                    name: item.friendly_name,
                    kind,
                });
            }
        }
    }
    Ok(used)
}

/// What to say when `path` is taken in `used`, ending with how to send it `anyway`.
pub fn clash(used: &[PathUse], path: &str, anyway: &str) -> Option<String> {
    let other = used.iter().find(|u| u.path == path)?;
    Some(format!(
        "{path} is already the path of the {} {}: an environment serves one of them there, so a build cannot include both. Change the path, or {anyway}.",
        other.kind.noun(),
        other.name
    ))
}

#[cfg(test)]
mod tests {
    use super::{PathUse, clash};
    use crate::api::code::Kind;

    #[test]
    fn a_clash_names_what_is_at_the_path() {
        let used = [PathUse {
            path: "/hello".into(),
            name: "greeting".into(),
            kind: Kind::Asset,
        }];
        let said = clash(&used, "/hello", "save again").unwrap();
        assert!(said.starts_with("/hello is already the path of the asset greeting"));
        assert!(said.ends_with("Change the path, or save again."), "{said}");
        assert_eq!(clash(&used, "/hello2", "save again"), None);
    }
}
