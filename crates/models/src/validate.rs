//! Field rules for every form the console shows and every request the emulator accepts.
//!
//! Each check returns the exact message the emulator sends as a 400/20001 and the console shows
//! beside the field, so a user sees the same words whether the browser or the server caught it.

use crate::limits::*;

/// A field that failed its rule, named by its Twilio form parameter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    /// The message as a form shows it: the field's label where the API's parameter name stands
    /// ("Unique name may contain only…"), and "… is required" for a missing one.
    pub fn in_words(&self) -> String {
        let label = match self.field {
            "UniqueName" => "Unique name",
            "FriendlyName" => "Friendly name",
            "DomainSuffix" => "Domain suffix",
            other => other,
        };
        if self.message.starts_with("Missing required parameter") {
            return format!("{label} is required");
        }
        self.message.replacen(self.field, label, 1)
    }

    fn new(field: &'static str, message: impl Into<String>) -> Self {
        FieldError {
            field,
            message: message.into(),
        }
    }
}

pub type FieldResult<T = ()> = Result<T, FieldError>;

/// Twilio's wording for a required parameter that was not sent.
pub fn missing(field: &'static str) -> FieldError {
    FieldError::new(
        field,
        format!("Missing required parameter {field} in the post body"),
    )
}

fn required<'a>(field: &'static str, value: Option<&'a str>) -> FieldResult<&'a str> {
    match value {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(missing(field)),
    }
}

/// A length limit, in characters. The message says how long the value is now: a form that never
/// cuts what is typed says how much to take off ("… at most 50 characters long (60 now)").
pub fn max_chars(field: &'static str, value: &str, max: usize) -> FieldResult {
    let now = value.chars().count();
    if now > max {
        return Err(FieldError::new(
            field,
            format!("{field} must be at most {max} characters long ({now} now)"),
        ));
    }
    Ok(())
}

/// Letters, digits and inner hyphens: the rule of the Twilio Console and the serverless toolkit,
/// since the name becomes the first label of the service's domain.
pub fn service_unique_name(value: Option<&str>) -> FieldResult {
    let value = required("UniqueName", value)?;
    max_chars("UniqueName", value, SERVICE_UNIQUE_NAME_MAX)?;
    if !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        || value.starts_with('-')
        || value.ends_with('-')
    {
        return Err(FieldError::new(
            "UniqueName",
            "UniqueName may contain only letters, numbers and hyphens, and may not start or end with a hyphen",
        ));
    }
    Ok(())
}

/// Friendly names of services, functions and assets.
pub fn friendly_name(value: Option<&str>) -> FieldResult {
    let value = required("FriendlyName", value)?;
    max_chars("FriendlyName", value, FRIENDLY_NAME_MAX)
}

/// An optional friendly name on an update: absent is fine, present must fit.
pub fn optional_friendly_name(value: Option<&str>) -> FieldResult {
    match value {
        None => Ok(()),
        Some(v) => friendly_name(Some(v)),
    }
}

pub fn environment_unique_name(value: Option<&str>) -> FieldResult {
    let value = required("UniqueName", value)?;
    max_chars("UniqueName", value, ENVIRONMENT_UNIQUE_NAME_MAX)
}

/// Decision: Twilio documents the suffix only as "URL-friendly"; it becomes part of a DNS label,
/// so the emulator accepts lowercase letters, digits and inner hyphens (docs/EMULATOR.md).
pub fn domain_suffix(value: Option<&str>) -> FieldResult {
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        return Ok(());
    };
    max_chars("DomainSuffix", value, DOMAIN_SUFFIX_MAX)?;
    if !value
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        || value.starts_with('-')
        || value.ends_with('-')
    {
        return Err(FieldError::new(
            "DomainSuffix",
            "DomainSuffix may contain only lowercase letters, numbers and hyphens, and may not start or end with a hyphen",
        ));
    }
    Ok(())
}

pub fn variable_key(value: Option<&str>) -> FieldResult {
    let value = required("Key", value)?;
    max_chars("Key", value, VARIABLE_KEY_MAX)
}

/// Values are limited in bytes, not characters.
pub fn variable_value(value: Option<&str>) -> FieldResult {
    let Some(value) = value else {
        return Err(missing("Value"));
    };
    if value.len() > VARIABLE_VALUE_MAX_BYTES {
        return Err(FieldError::new(
            "Value",
            format!(
                "Value must be at most {VARIABLE_VALUE_MAX_BYTES} bytes long ({} now)",
                value.len()
            ),
        ));
    }
    Ok(())
}

/// Characters Twilio's docs disallow in a version Path, besides white space and `#`.
pub const PATH_FORBIDDEN: &str = ";,?:@+&$()'\"#";

/// Checks a version Path and returns it with the leading `/` Twilio adds when it is missing.
pub fn version_path(value: Option<&str>) -> FieldResult<String> {
    let value = required("Path", value)?;
    let path = if value.starts_with('/') {
        value.to_owned()
    } else {
        format!("/{value}")
    };
    max_chars("Path", &path, PATH_MAX)?;
    if let Some(bad) = path
        .chars()
        .find(|c| PATH_FORBIDDEN.contains(*c) || c.is_whitespace() || c.is_control())
    {
        return Err(FieldError::new(
            "Path",
            format!(
                "Path may not contain {bad:?}: it must be URL friendly, without spaces or any of {PATH_FORBIDDEN}"
            ),
        ));
    }
    Ok(path)
}

/// Twilio's boolean form values.
pub fn boolean(field: &'static str, value: Option<&str>) -> FieldResult<Option<bool>> {
    match value {
        None => Ok(None),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(_) => Err(FieldError::new(
            field,
            format!("{field} must be true or false"),
        )),
    }
}

pub fn visibility(value: Option<&str>) -> FieldResult<crate::Visibility> {
    let value = required("Visibility", value)?;
    crate::Visibility::parse(value).ok_or_else(|| {
        FieldError::new(
            "Visibility",
            "Visibility must be one of public, protected or private",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_read_in_the_forms_words() {
        assert_eq!(
            service_unique_name(None).unwrap_err().in_words(),
            "Unique name is required"
        );
        assert!(
            domain_suffix(Some("Stage!"))
                .unwrap_err()
                .in_words()
                .starts_with("Domain suffix may contain only lowercase letters")
        );
        assert_eq!(
            version_path(Some("/a b")).unwrap_err().in_words(),
            version_path(Some("/a b")).unwrap_err().message
        );
    }

    #[test]
    fn service_unique_names() {
        assert!(service_unique_name(Some("my-service-1")).is_ok());
        assert_eq!(
            service_unique_name(None).unwrap_err(),
            missing("UniqueName")
        );
        assert!(service_unique_name(Some("")).is_err());
        assert!(service_unique_name(Some("-lead")).is_err());
        assert!(service_unique_name(Some("trail-")).is_err());
        assert!(service_unique_name(Some("under_score")).is_err());
        assert!(service_unique_name(Some(&"a".repeat(50))).is_ok());
        assert!(service_unique_name(Some(&"a".repeat(51))).is_err());
        assert_eq!(
            service_unique_name(Some(&"a".repeat(60)))
                .unwrap_err()
                .in_words(),
            "Unique name must be at most 50 characters long (60 now)"
        );
    }

    #[test]
    fn friendly_names_count_characters_not_bytes() {
        assert!(friendly_name(Some(&"é".repeat(255))).is_ok());
        assert!(friendly_name(Some(&"é".repeat(256))).is_err());
        assert!(optional_friendly_name(None).is_ok());
    }

    #[test]
    fn domain_suffixes() {
        assert!(domain_suffix(None).is_ok());
        assert!(domain_suffix(Some("dev")).is_ok());
        assert!(domain_suffix(Some("Dev")).is_err());
        assert!(domain_suffix(Some("a.b")).is_err());
        assert!(domain_suffix(Some(&"a".repeat(17))).is_err());
    }

    #[test]
    fn variable_values_count_bytes() {
        assert!(variable_value(Some(&"a".repeat(450))).is_ok());
        assert!(variable_value(Some(&"é".repeat(226))).is_err());
        assert!(variable_value(Some("")).is_ok());
        assert!(variable_value(None).is_err());
        assert!(variable_key(Some(&"k".repeat(129))).is_err());
    }

    #[test]
    fn paths_get_a_leading_slash_and_refuse_bad_characters() {
        assert_eq!(version_path(Some("hello")).unwrap(), "/hello");
        assert_eq!(version_path(Some("/a/b.js")).unwrap(), "/a/b.js");
        for bad in ["/a;b", "/a b", "/a?b", "/a#b", "/a@b", "/(x)"] {
            assert!(version_path(Some(bad)).is_err(), "{bad}");
        }
        assert!(version_path(Some(&"a".repeat(254))).is_ok());
        assert!(version_path(Some(&"a".repeat(255))).is_err());
    }

    #[test]
    fn booleans_and_visibility() {
        assert_eq!(boolean("X", Some("true")).unwrap(), Some(true));
        assert_eq!(boolean("X", Some("False")).unwrap(), Some(false));
        assert!(boolean("X", Some("yes")).is_err());
        assert_eq!(
            visibility(Some("private")).unwrap(),
            crate::Visibility::Private
        );
        assert!(visibility(Some("secret")).is_err());
    }
}
