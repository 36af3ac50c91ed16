//! Importing a `.env` file into an environment: read as dotenv reads it, planned against the
//! variables there now, then applied only if the environment still matches the preview the user
//! saw (Twilio applies variable changes to running functions at once).

use crate::api::{ClientError, environments};
use switchboard_models::Variable;
use switchboard_models::dotenv::{self, Import, Parsed};

/// Why an import stopped: what it had done by then, and the API's error when one refused it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportFailure {
    pub message: String,
    pub error: Option<ClientError>,
}

impl ImportFailure {
    fn said(message: String) -> ImportFailure {
        ImportFailure {
            message,
            error: None,
        }
    }
}

/// What a picked file would do here: what it holds and the plan, or why there is no preview.
/// `text` is the file's content, or `None` when it could not be read.
pub async fn preview(
    service: &str,
    environment: &str,
    name: &str,
    text: Option<String>,
) -> Result<(Parsed, Import), ImportFailure> {
    let parsed = dotenv::parse(&readable(name, text)?);
    // Asked now rather than taken from the list on screen, which may be loading or stale.
    match environments::list_variables(service, environment).await {
        Ok(live) => {
            let plan = Import::plan(&parsed, &live);
            Ok((parsed, plan))
        }
        Err(error) => Err(ImportFailure {
            message: "No preview: the variables here could not be read. Nothing was sent.".into(),
            error: Some(error),
        }),
    }
}

/// A file that is not text is refused in one sentence (its bytes would otherwise read as a
/// screenful of keys).
fn readable(name: &str, text: Option<String>) -> Result<String, ImportFailure> {
    match text {
        Some(text) if dotenv::is_text(&text) => Ok(text),
        Some(_) => Err(ImportFailure::said(format!(
            "{name} is not a text file: pick a .env file."
        ))),
        None => Err(ImportFailure::said(format!("{name} could not be read."))),
    }
}

/// What applying a preview came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Applied {
    Done(Result<String, ImportFailure>),
    /// The environment changed since the preview: nothing was sent, and this is the plan now.
    Changed {
        parsed: Parsed,
        plan: Import,
    },
}

/// Applies the preview `shown`, after asking again what the environment holds.
pub async fn apply(service: &str, environment: &str, parsed: Parsed, shown: Import) -> Applied {
    let live = match environments::list_variables(service, environment).await {
        Ok(live) => live,
        Err(error) => {
            return Applied::Done(Err(ImportFailure {
                message: "Nothing was imported: the current variables could not be read.".into(),
                error: Some(error),
            }));
        }
    };
    let plan = match replan(&parsed, &live, &shown) {
        Ok(plan) => plan,
        Err(plan) => return Applied::Changed { parsed, plan },
    };
    let (mut created, mut updated) = (0, 0);
    for row in plan.to_send() {
        let value = row.value.clone().unwrap_or_default();
        let result = match &row.sid {
            Some(sid) => environments::update_variable(service, environment, sid, &row.key, &value)
                .await
                .map(|_| updated += 1),
            None => environments::create_variable(service, environment, &row.key, &value)
                .await
                .map(|_| created += 1),
        };
        // Stops at the first refusal; what came before it is saved, and the message says so.
        if let Err(error) = result {
            return Applied::Done(Err(ImportFailure {
                message: format!(
                    "Stopped at {}: {created} created and {updated} updated before it; the rest of the file was not imported.",
                    row.key
                ),
                error: Some(error),
            }));
        }
    }
    Applied::Done(Ok(imported(created, updated, &plan)))
}

/// The plan against the variables there now: `Ok` when it sends what the preview showed,
/// `Err` with the new plan when it would not.
fn replan(parsed: &Parsed, live: &[Variable], shown: &Import) -> Result<Import, Import> {
    let plan = Import::plan(parsed, live);
    if plan.sends_the_same_as(shown) {
        Ok(plan)
    } else {
        Err(plan)
    }
}

/// What an applied import says: the counts, then what was left out and skipped.
fn imported(created: usize, updated: usize, plan: &Import) -> String {
    let mut outcome = format!("Imported: {created} created, {updated} updated.");
    for (key, why) in &plan.left_out {
        outcome.push_str(&format!(" {key}: {}.", why.reason()));
    }
    if !plan.skipped.is_empty() {
        let lines: Vec<usize> = plan.skipped.iter().map(|s| s.line).collect();
        outcome.push_str(&format!(" Skipped {}.", dotenv::lines_in_words(&lines)));
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variable(sid: &str, key: &str, value: &str) -> Variable {
        Variable {
            sid: sid.into(),
            key: key.into(),
            value: value.into(),
            ..Variable::default()
        }
    }

    #[test]
    fn a_preview_is_applied_only_while_the_environment_still_matches_it() {
        let parsed = dotenv::parse("GREETING=hello\nCOLOR=blue\n");
        let before = [variable("ZV1", "COLOR", "red")];
        let shown = Import::plan(&parsed, &before);
        let sent = replan(&parsed, &before, &shown).unwrap();
        assert_eq!(sent.to_send().count(), 2);
        // Someone set COLOR to blue meanwhile: the import now sends less than was shown.
        let now = [variable("ZV1", "COLOR", "blue")];
        let changed = replan(&parsed, &now, &shown).unwrap_err();
        let keys: Vec<&str> = changed.to_send().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["GREETING"]);
        // A variable the file lacks, added meanwhile, changes nothing sent: the import keeps it.
        let added = [
            variable("ZV1", "COLOR", "red"),
            variable("ZV2", "OTHER", "x"),
        ];
        assert!(replan(&parsed, &added, &shown).is_ok());
    }

    #[test]
    fn the_outcome_counts_and_says_what_was_left_out_and_skipped() {
        let parsed = dotenv::parse("A=1\nnot a line\nAUTH_TOKEN=secret\nEMPTY=\n");
        let plan = Import::plan(&parsed, &[]);
        assert_eq!(
            imported(1, 0, &plan),
            "Imported: 1 created, 0 updated. \
             AUTH_TOKEN: not uploaded: Twilio gives every function its account's credentials itself. \
             EMPTY: not uploaded: the value is empty. Skipped line 2."
        );
    }

    #[test]
    fn a_file_that_is_not_text_or_not_readable_is_refused_by_name() {
        assert_eq!(readable(".env", Some("A=1".into())), Ok("A=1".into()));
        let binary = readable("logo.png", Some("\u{0}\u{1}PNG".into())).unwrap_err();
        assert_eq!(
            binary.message,
            "logo.png is not a text file: pick a .env file."
        );
        assert_eq!(
            readable(".env", None).unwrap_err().message,
            ".env could not be read."
        );
    }
}
