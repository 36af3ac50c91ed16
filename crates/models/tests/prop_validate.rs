//! Property tests of the shared rules: every validator agrees with a plain reference predicate
//! written from Twilio's documentation, and nothing in `models` panics on any input.
//!
//! Case counts stay modest (256 by default) so the whole file runs in well under a second.

use proptest::prelude::*;
use switchboard_models::limits::*;
use switchboard_models::naming::{CodeKind, path_and_visibility};
use switchboard_models::page::query_param;
use switchboard_models::sid::{SidKind, format_sid, is_sid, mask};
use switchboard_models::validate::{self, PATH_FORBIDDEN};
use switchboard_models::{Page, Service, Visibility, dependencies, dotenv};

/// Strings that hit the rules' edges more often than uniform Unicode would: ASCII letters,
/// digits, hyphens, the forbidden path characters, white space, controls and multi-byte letters.
fn tricky(max: usize) -> impl Strategy<Value = String> {
    let alphabet = prop_oneof![
        6 => proptest::char::range('a', 'z'),
        2 => proptest::char::range('A', 'Z'),
        2 => proptest::char::range('0', '9'),
        2 => Just('-'),
        1 => prop::sample::select(PATH_FORBIDDEN.chars().collect::<Vec<_>>()),
        1 => prop::sample::select(vec![' ', '\t', '\n', '\u{0}', '\u{7f}', '_', '.', '/', '%']),
        1 => prop::sample::select(vec!['é', 'ß', '日', '😀', '\u{a0}', '\u{200b}']),
        1 => any::<char>(),
    ];
    prop::collection::vec(alphabet, 0..=max).prop_map(|chars| chars.into_iter().collect())
}

fn service_name_ok(v: &str) -> bool {
    !v.is_empty()
        && v.chars().count() <= SERVICE_UNIQUE_NAME_MAX
        && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !v.starts_with('-')
        && !v.ends_with('-')
}

fn suffix_ok(v: &str) -> bool {
    v.is_empty()
        || (v.chars().count() <= DOMAIN_SUFFIX_MAX
            && v.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !v.starts_with('-')
            && !v.ends_with('-'))
}

fn path_ok(v: &str) -> Option<String> {
    if v.is_empty() {
        return None;
    }
    let path = if v.starts_with('/') {
        v.to_owned()
    } else {
        format!("/{v}")
    };
    let fine = path.chars().count() <= PATH_MAX
        && path
            .chars()
            .all(|c| !PATH_FORBIDDEN.contains(c) && !c.is_whitespace() && !c.is_control());
    fine.then_some(path)
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn service_unique_name_matches_the_reference(value in tricky(60)) {
        prop_assert_eq!(validate::service_unique_name(Some(&value)).is_ok(), service_name_ok(&value), "{:?}", value);
    }

    #[test]
    fn friendly_names_count_characters(value in tricky(300)) {
        let ok = !value.is_empty() && value.chars().count() <= FRIENDLY_NAME_MAX;
        prop_assert_eq!(validate::friendly_name(Some(&value)).is_ok(), ok);
        prop_assert_eq!(validate::optional_friendly_name(Some(&value)).is_ok(), ok);
    }

    #[test]
    fn environment_names_and_variable_keys(value in tricky(140)) {
        let chars = value.chars().count();
        prop_assert_eq!(
            validate::environment_unique_name(Some(&value)).is_ok(),
            !value.is_empty() && chars <= ENVIRONMENT_UNIQUE_NAME_MAX
        );
        prop_assert_eq!(
            validate::variable_key(Some(&value)).is_ok(),
            !value.is_empty() && chars <= VARIABLE_KEY_MAX
        );
    }

    #[test]
    fn variable_values_count_bytes(value in tricky(480)) {
        prop_assert_eq!(
            validate::variable_value(Some(&value)).is_ok(),
            value.len() <= VARIABLE_VALUE_MAX_BYTES
        );
    }

    #[test]
    fn domain_suffix_matches_the_reference(value in tricky(20)) {
        prop_assert_eq!(validate::domain_suffix(Some(&value)).is_ok(), suffix_ok(&value), "{:?}", value);
    }

    #[test]
    fn version_path_matches_the_reference(value in tricky(260)) {
        prop_assert_eq!(validate::version_path(Some(&value)).ok(), path_ok(&value), "{:?}", value);
    }

    #[test]
    fn booleans_and_visibility(value in "(?i:true|false|public|protected|private)|.{0,8}") {
        let lower = value.to_ascii_lowercase();
        prop_assert_eq!(
            validate::boolean("X", Some(&value)).is_ok(),
            lower == "true" || lower == "false"
        );
        // Visibility is matched exactly, as Twilio's enum is.
        let visibility = validate::visibility(Some(&value)).ok();
        prop_assert_eq!(visibility.map(Visibility::as_str), ["public", "protected", "private"].into_iter().find(|v| *v == value));
    }

    #[test]
    fn every_error_message_names_no_more_than_its_field(value in tricky(300)) {
        for result in [
            validate::service_unique_name(Some(&value)),
            validate::friendly_name(Some(&value)),
            validate::domain_suffix(Some(&value)),
            validate::variable_key(Some(&value)),
        ] {
            if let Err(error) = result {
                prop_assert!(!error.message.is_empty());
                prop_assert!(error.message.contains(error.field), "{}", error.message);
            }
        }
    }

    #[test]
    fn sids_round_trip(random in any::<u128>(), noise in tricky(40)) {
        for kind in [SidKind::Service, SidKind::Environment, SidKind::Build, SidKind::Version] {
            let sid = format_sid(kind, random);
            prop_assert!(is_sid(kind, &sid));
            prop_assert!(is_sid(kind, &sid.to_uppercase()));
            prop_assert_eq!(mask(&sid).chars().count(), 7);
        }
        // Arbitrary text is never a SID unless it has the shape, and masking never panics.
        let shaped = noise.len() == 34 && noise.starts_with("ZS") && noise[2..].bytes().all(|b| b.is_ascii_hexdigit());
        prop_assert_eq!(is_sid(SidKind::Service, &noise), shaped);
        let masked = mask(&noise);
        prop_assert!(!masked.is_empty() || noise.is_empty());
    }

    #[test]
    fn page_tokens_come_back_out_of_next_page_urls(token in "P[AB][A-Za-z0-9]{0,40}", page in 0u32..10_000, noise in tricky(30)) {
        let mut query = String::from("PageSize=50");
        query.push_str(&format!("&Page={page}&PageToken={token}"));
        let url = format!("https://serverless.twilio.com/v1/Services?{query}");
        let json = serde_json::json!({"services": [], "meta": {"key": "services", "next_page_url": url}});
        let parsed: Page<Service> = serde_json::from_value(json).unwrap();
        prop_assert_eq!(parsed.meta.next_page_token(), Some(token));
        prop_assert_eq!(parsed.meta.next_page_index(), Some(page));
        // Any URL at all is read without a panic.
        let _ = query_param(&noise, "PageToken");
        let _ = query_param(&format!("/x?{noise}"), "a");
    }

    #[test]
    fn parsers_never_panic(text in tricky(200), bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let lossy = String::from_utf8_lossy(&bytes);
        for input in [text.as_str(), &lossy] {
            let _ = dependencies::parse(input);
            let _ = dependencies::parse(&format!("\"{input}\""));
            let _ = dependencies::from_package_json(input);
            let parsed = dotenv::parse(input);
            let _ = dotenv::is_text(input);
            let plan = dotenv::Import::plan(&parsed, &[]);
            // Nothing the file does not set is ever sent.
            prop_assert!(plan.to_send().all(|row| parsed.pairs.iter().any(|(k, _)| *k == row.key)));
            let _ = path_and_visibility(CodeKind::Function, input);
            let _ = path_and_visibility(CodeKind::Asset, input);
            let _ = serde_json::from_str::<Page<Service>>(input);
        }
    }

    #[test]
    fn well_formed_dependencies_parse_in_every_accepted_encoding(
        deps in prop::collection::vec(("[a-z@/._-]{1,20}", "[0-9^~<>=. |*x-]{0,12}"), 0..5)
    ) {
        let list: Vec<serde_json::Value> = deps.iter().map(|(n, v)| serde_json::json!({"name": n, "version": v})).collect();
        let json = serde_json::Value::Array(list).to_string();
        let plain = dependencies::parse(&json).unwrap();
        prop_assert_eq!(plain.len(), deps.len());
        let escaped = serde_json::Value::String(json.clone()).to_string();
        prop_assert_eq!(&dependencies::parse(&escaped).unwrap(), &plain);
        let toolkit = format!("\"{json}\"");
        prop_assert_eq!(&dependencies::parse(&toolkit).unwrap(), &plain);
    }
}
