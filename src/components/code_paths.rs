//! Which other function or asset already answers at a path, said when a version is uploaded
//! there: an environment serves one thing per path, so a build could hold only one of the two,
//! and the composer would refuse the pair much later.

use crate::api::ClientError;
use crate::api::code::{self, Kind};
use futures::StreamExt;

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

/// What to say when `path` is taken in `used`.
pub fn clash(used: &[PathUse], path: &str) -> Option<String> {
    let other = used.iter().find(|u| u.path == path)?;
    Some(format!(
        "{path} is already the path of the {} {}: an environment serves one of them there, so a build cannot include both. Change the path, or press Upload again to upload it anyway.",
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
        let said = clash(&used, "/hello").unwrap();
        assert!(said.starts_with("/hello is already the path of the asset greeting"));
        assert_eq!(clash(&used, "/hello2"), None);
    }
}
