//! A project deploy's variables: the calls that bring an environment's variables to the plan.

use crate::api::{ClientError, environments};
use crate::project::plan::{Change, VariableRow};

/// Sends the calls `variable_steps` comes to, in order; stops at the first refused one.
pub async fn apply_variables(
    service: &str,
    environment: &str,
    rows: &[VariableRow],
    delete_unknown: bool,
) -> Result<(), ClientError> {
    for step in variable_steps(rows, delete_unknown) {
        match step {
            VariableStep::Create { key, value } => {
                environments::create_variable(service, environment, key, value).await?;
            }
            VariableStep::Update { sid, key, value } => {
                environments::update_variable(service, environment, sid, key, value).await?;
            }
            VariableStep::Remove { sid } => {
                environments::remove_variable(service, environment, sid).await?;
            }
        }
    }
    Ok(())
}

/// One call that brings an environment's variables to the plan.
#[derive(Debug, Clone, PartialEq)]
enum VariableStep<'a> {
    Create {
        key: &'a str,
        value: &'a str,
    },
    Update {
        sid: &'a str,
        key: &'a str,
        value: &'a str,
    },
    Remove {
        sid: &'a str,
    },
}

/// The calls the plan's variable rows come to: new and changed ones are sent; a live one the
/// project lacks is removed only when the user asked for it.
fn variable_steps(rows: &[VariableRow], delete_unknown: bool) -> Vec<VariableStep<'_>> {
    rows.iter()
        .filter_map(|variable| {
            let key = variable.key.as_str();
            match (
                variable.change,
                variable.sid.as_deref(),
                variable.value.as_deref(),
            ) {
                (Change::New, _, Some(value)) => Some(VariableStep::Create { key, value }),
                (Change::Changed, Some(sid), Some(value)) => {
                    Some(VariableStep::Update { sid, key, value })
                }
                (Change::Removed, Some(sid), _) if delete_unknown => {
                    Some(VariableStep::Remove { sid })
                }
                _ => None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variable(key: &str, change: Change, sid: Option<&str>, value: Option<&str>) -> VariableRow {
        VariableRow {
            key: key.into(),
            change,
            sid: sid.map(Into::into),
            value: value.map(Into::into),
        }
    }

    #[test]
    fn variables_are_created_and_updated_and_removed_only_when_asked() {
        let rows = [
            variable("NEW", Change::New, None, Some("1")),
            variable("EDITED", Change::Changed, Some("ZV1"), Some("2")),
            variable("SAME", Change::Unchanged, Some("ZV2"), Some("3")),
            variable("EXTRA", Change::Removed, Some("ZV3"), None),
        ];
        let sent = [
            VariableStep::Create {
                key: "NEW",
                value: "1",
            },
            VariableStep::Update {
                sid: "ZV1",
                key: "EDITED",
                value: "2",
            },
        ];
        assert_eq!(variable_steps(&rows, false), sent);
        let mut removing = sent.to_vec();
        removing.push(VariableStep::Remove { sid: "ZV3" });
        assert_eq!(variable_steps(&rows, true), removing);
    }
}
