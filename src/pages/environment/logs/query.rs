//! What a logs page URL says: the API's filter (function and dates), and the level and text
//! the loaded entries are narrowed to in the browser.

use crate::api::logs::{self, LogFilter};
use switchboard_models::{Log, LogLevel};

/// The CSS class of a level, whatever its case or spelling on the wire.
pub fn level_class(level: &str) -> &'static str {
    match LogLevel::parse(level) {
        LogLevel::Info => "level level-info",
        LogLevel::Warn => "level level-warn",
        LogLevel::Error => "level level-error",
        LogLevel::Other => "level level-other",
    }
}

/// Which levels the table shows. The API filters by function and dates only; this and the text
/// search narrow the entries already loaded, in the browser, as they arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    All,
    WarningsAndErrors,
    Errors,
}

impl Shown {
    pub(super) fn parse(value: &str) -> Shown {
        match value {
            "warn" => Shown::WarningsAndErrors,
            "error" => Shown::Errors,
            _ => Shown::All,
        }
    }

    pub(super) fn as_str(self) -> &'static str {
        match self {
            Shown::All => "all",
            Shown::WarningsAndErrors => "warn",
            Shown::Errors => "error",
        }
    }

    fn admits(self, level: &str) -> bool {
        matches!(
            (self, LogLevel::parse(level)),
            (Shown::All, _)
                | (Shown::WarningsAndErrors, LogLevel::Warn | LogLevel::Error)
                | (Shown::Errors, LogLevel::Error)
        )
    }
}

/// Whether `log` is shown for a level choice and a search text (any case, in the message or
/// the request SID).
pub fn shows(log: &Log, shown: Shown, text: &str) -> bool {
    let text = text.trim().to_lowercase();
    shown.admits(&log.level)
        && (text.is_empty()
            || log.message.to_lowercase().contains(&text)
            || log.request_sid.to_lowercase().contains(&text))
}

/// The filter a page URL asks for; values that are not valid are ignored.
pub fn filter_from_query(get: impl Fn(&str) -> Option<String>) -> LogFilter {
    LogFilter {
        function_sid: get("FunctionSid").filter(|s| !s.is_empty()),
        start_date: get("StartDate").and_then(|d| logs::api_date(&d, false)),
        end_date: get("EndDate").and_then(|d| logs::api_date(&d, true)),
    }
}

/// The level and text a page URL narrows the loaded entries to (`level`, `q`).
pub(super) fn narrowing_in(query: &leptos_router::params::ParamsMap) -> (Shown, String) {
    (
        Shown::parse(&query.get("level").unwrap_or_default()),
        query.get("q").unwrap_or_default(),
    )
}

/// The page query string (with its `?`, or empty) that shares `filter`, and the level and text
/// the loaded entries are narrowed to (`level`, `q`), so a reload or a shared link shows the same.
pub fn page_query(filter: &LogFilter, shown: Shown, text: &str) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (key, value) in [
        ("FunctionSid", &filter.function_sid),
        ("StartDate", &filter.start_date),
        ("EndDate", &filter.end_date),
    ] {
        if let Some(value) = value {
            query.append_pair(key, value);
        }
    }
    if shown != Shown::All {
        query.append_pair("level", shown.as_str());
    }
    if !text.is_empty() {
        query.append_pair("q", text);
    }
    let query = query.finish();
    if query.is_empty() {
        query
    } else {
        format!("?{query}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_coloured_whatever_their_spelling() {
        assert_eq!(level_class("info"), "level level-info");
        assert_eq!(level_class("INFO"), "level level-info");
        assert_eq!(level_class("warn"), "level level-warn");
        assert_eq!(level_class("Warning"), "level level-warn");
        assert_eq!(level_class("ERROR"), "level level-error");
        assert_eq!(level_class("trace"), "level level-other");
    }

    #[test]
    fn level_and_text_narrow_the_loaded_entries() {
        let log = |level: &str, message: &str| Log {
            level: level.into(),
            message: message.into(),
            request_sid: "RQ1".into(),
            ..Log::default()
        };
        let (info, warning, error) = (
            log("info", "Sent SMS"),
            log("Warning", "slow"),
            log("ERROR", "Boom"),
        );
        assert!(shows(&info, Shown::All, ""));
        assert!(!shows(&info, Shown::WarningsAndErrors, ""));
        assert!(shows(&warning, Shown::WarningsAndErrors, ""));
        assert!(!shows(&warning, Shown::Errors, ""));
        assert!(shows(&error, Shown::Errors, "boom"));
        assert!(shows(&info, Shown::All, " sms "));
        assert!(shows(&info, Shown::All, "rq1"));
        assert!(!shows(&info, Shown::All, "boom"));
    }

    #[test]
    fn filters_round_trip_through_the_page_query() {
        let filter = LogFilter {
            function_sid: Some("ZH1".into()),
            start_date: Some("2024-05-01T10:30:00Z".into()),
            end_date: None,
        };
        let query = page_query(&filter, Shown::All, "");
        assert_eq!(query, "?FunctionSid=ZH1&StartDate=2024-05-01T10%3A30%3A00Z");
        let url = format!("/x{query}");
        let back = filter_from_query(|key| switchboard_models::page::query_param(&url, key));
        assert_eq!(back, filter);
        assert_eq!(page_query(&LogFilter::default(), Shown::All, ""), "");
        assert_eq!(
            page_query(&LogFilter::default(), Shown::Errors, "sms failed"),
            "?level=error&q=sms+failed"
        );
        let lenient =
            filter_from_query(|key| (key == "StartDate").then(|| "2024-05-01T10:30".to_owned()));
        assert_eq!(lenient.start_date.as_deref(), Some("2024-05-01T10:30:00Z"));
        assert_eq!(filter_from_query(|_| Some("junk".into())).start_date, None);
    }
}
