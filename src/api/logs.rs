//! An environment's logs: filters, pages followed on the relay's own path, and the merge the live
//! tail needs.

use super::client::SERVERLESS;
use super::{ClientError, get_json};
use switchboard_models::{Log, Page};

/// The ListLog filters; `None` leaves Twilio's default (the last day, every function).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogFilter {
    pub function_sid: Option<String>,
    /// ISO 8601 UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub start_date: Option<String>,
    pub end_date: Option<String>,
}

/// Where the next page is: the `Page` and `PageToken` of `meta.next_page_url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub page: u32,
    pub token: String,
}

/// The relay URL of one page of logs.
pub fn url(
    service: &str,
    environment: &str,
    filter: &LogFilter,
    page_size: u32,
    cursor: Option<&Cursor>,
) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Some(sid) = &filter.function_sid {
        query.append_pair("FunctionSid", sid);
    }
    if let Some(start) = &filter.start_date {
        query.append_pair("StartDate", start);
    }
    if let Some(end) = &filter.end_date {
        query.append_pair("EndDate", end);
    }
    query.append_pair("PageSize", &page_size.to_string());
    if let Some(cursor) = cursor {
        query.append_pair("Page", &cursor.page.to_string());
        query.append_pair("PageToken", &cursor.token);
    }
    format!(
        "{SERVERLESS}/Services/{service}/Environments/{environment}/Logs?{}",
        query.finish()
    )
}

/// One page of logs and where the next one is.
pub async fn page(
    service: &str,
    environment: &str,
    filter: &LogFilter,
    page_size: u32,
    cursor: Option<&Cursor>,
) -> Result<(Vec<Log>, Option<Cursor>), ClientError> {
    let page: Page<Log> = get_json(&url(service, environment, filter, page_size, cursor)).await?;
    let next = match (page.meta.next_page_token(), page.meta.next_page_index()) {
        (Some(token), Some(page)) => Some(Cursor { page, token }),
        _ => None,
    };
    Ok((page.items, next))
}

/// Adds `incoming` to `entries` (newest first), skipping SIDs already shown, and returns how many
/// were new. Dates have second precision, so among equal dates the later-fetched come first.
pub fn merge(entries: &mut Vec<Log>, incoming: Vec<Log>) -> usize {
    let mut fresh: Vec<Log> = incoming
        .into_iter()
        .filter(|log| !entries.iter().any(|seen| seen.sid == log.sid))
        .collect();
    fresh.dedup_by(|a, b| a.sid == b.sid);
    let added = fresh.len();
    fresh.append(entries);
    // A stable sort keeps the order within one second as fetched.
    fresh.sort_by(|a, b| b.date_created.cmp(&a.date_created));
    *entries = fresh;
    added
}

/// Adds an older page below `entries`, skipping SIDs already shown, and returns how many were new.
pub fn append_older(entries: &mut Vec<Log>, incoming: Vec<Log>) -> usize {
    let before = entries.len();
    for log in incoming {
        if !entries.iter().any(|seen| seen.sid == log.sid) {
            entries.push(log);
        }
    }
    // A stable sort keeps the order within one second as fetched.
    entries.sort_by(|a, b| b.date_created.cmp(&a.date_created));
    entries.len() - before
}

/// The newest `date_created` among `entries`, where the tail resumes.
pub fn newest(entries: &[Log]) -> Option<String> {
    entries.iter().map(|log| log.date_created.clone()).max()
}

/// The API's date for a `<input type="datetime-local">` value read as UTC
/// (`2024-05-01T10:30` or `2024-05-01T10:30:15`), or `None` when it is not one.
pub fn api_date(input: &str) -> Option<String> {
    let input = input.trim().trim_end_matches('Z');
    let (date, time) = input.split_once('T')?;
    let date_ok = date.len() == 10
        && date.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    let time = match time.len() {
        5 => format!("{time}:00"),
        8 => time.to_owned(),
        // Chromium may add milliseconds; the API has second precision.
        n if n > 8 && time.as_bytes()[8] == b'.' => time[..8].to_owned(),
        _ => return None,
    };
    let time_ok = time.char_indices().all(|(i, c)| {
        if i == 2 || i == 5 {
            c == ':'
        } else {
            c.is_ascii_digit()
        }
    });
    (date_ok && time_ok).then(|| format!("{date}T{time}Z"))
}

/// The `<input type="datetime-local">` value for an API date (`…T10:30:15Z` → `…T10:30:15`).
pub fn input_date(api: &str) -> String {
    api.trim_end_matches('Z').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(sid: &str, date: &str) -> Log {
        Log {
            sid: sid.into(),
            date_created: date.into(),
            ..Log::default()
        }
    }

    fn sids(entries: &[Log]) -> Vec<&str> {
        entries.iter().map(|l| l.sid.as_str()).collect()
    }

    #[test]
    fn the_tail_adds_only_unseen_entries_newest_first() {
        let mut entries = vec![
            log("NO2", "2024-05-01T10:00:02Z"),
            log("NO1", "2024-05-01T10:00:01Z"),
        ];
        let added = merge(
            &mut entries,
            vec![
                log("NO4", "2024-05-01T10:00:03Z"),
                log("NO3", "2024-05-01T10:00:02Z"),
                log("NO2", "2024-05-01T10:00:02Z"),
            ],
        );
        assert_eq!(added, 2);
        assert_eq!(sids(&entries), ["NO4", "NO3", "NO2", "NO1"]);
        assert_eq!(
            merge(&mut entries, vec![log("NO4", "2024-05-01T10:00:03Z")]),
            0
        );
        assert_eq!(newest(&entries).as_deref(), Some("2024-05-01T10:00:03Z"));
        assert_eq!(newest(&[]), None);
    }

    #[test]
    fn older_pages_append_below() {
        let mut entries = vec![
            log("NO9", "2024-05-01T10:00:09Z"),
            log("NO8", "2024-05-01T10:00:08Z"),
        ];
        let added = append_older(
            &mut entries,
            vec![
                log("NO8", "2024-05-01T10:00:08Z"),
                log("NO7", "2024-05-01T10:00:08Z"),
                log("NO6", "2024-05-01T10:00:07Z"),
            ],
        );
        assert_eq!(added, 2);
        assert_eq!(sids(&entries), ["NO9", "NO8", "NO7", "NO6"]);
    }

    #[test]
    fn dates_are_iso_8601_utc_with_seconds() {
        assert_eq!(
            api_date("2024-05-01T10:30").as_deref(),
            Some("2024-05-01T10:30:00Z")
        );
        assert_eq!(
            api_date("2024-05-01T10:30:15").as_deref(),
            Some("2024-05-01T10:30:15Z")
        );
        assert_eq!(
            api_date("2024-05-01T10:30:15.250").as_deref(),
            Some("2024-05-01T10:30:15Z")
        );
        assert_eq!(
            api_date("2024-05-01T10:30:15Z").as_deref(),
            Some("2024-05-01T10:30:15Z")
        );
        assert_eq!(api_date(""), None);
        assert_eq!(api_date("yesterday"), None);
        assert_eq!(api_date("2024-5-1T10:30"), None);
        assert_eq!(input_date("2024-05-01T10:30:15Z"), "2024-05-01T10:30:15");
    }

    #[test]
    fn filters_and_cursor_go_in_the_relay_query() {
        let filter = LogFilter {
            function_sid: Some("ZH1".into()),
            start_date: Some("2024-05-01T10:30:00Z".into()),
            end_date: None,
        };
        let cursor = Cursor {
            page: 1,
            token: "PANO1".into(),
        };
        assert_eq!(
            url("ZS1", "ZE1", &filter, 50, Some(&cursor)),
            "/api/serverless/v1/Services/ZS1/Environments/ZE1/Logs?FunctionSid=ZH1&StartDate=2024-05-01T10%3A30%3A00Z&PageSize=50&Page=1&PageToken=PANO1"
        );
        assert_eq!(
            url("ZS1", "ZE1", &LogFilter::default(), 50, None),
            "/api/serverless/v1/Services/ZS1/Environments/ZE1/Logs?PageSize=50"
        );
    }
}
