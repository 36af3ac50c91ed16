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

/// The API's date (UTC, to the second) for what was typed in a date filter: `2024-05-01T10:30`
/// or `…T10:30:15`, with or without a `Z` or milliseconds, or a day alone (`2024-05-01`), which
/// means its first second, or its last with `end_of_day` (an "until" date takes the whole day).
/// `None` when it is not a date on the calendar (`2024-13-45`, `25:00`).
pub fn api_date(input: &str, end_of_day: bool) -> Option<String> {
    let input = input.trim();
    let input = input.strip_suffix('Z').unwrap_or(input);
    let (date, time) = match input.split_once('T') {
        Some((date, time)) => (date, time),
        None if end_of_day => (input, "23:59:59"),
        None => (input, "00:00:00"),
    };
    let time = match time.len() {
        5 => format!("{time}:00"),
        8 => time.to_owned(),
        // Milliseconds are dropped: the API has second precision.
        n if n > 9
            && time.as_bytes()[8] == b'.'
            && time[9..].bytes().all(|b| b.is_ascii_digit()) =>
        {
            time[..8].to_owned()
        }
        _ => return None,
    };
    let [year, month, day] = numbers(date, '-', [4, 2, 2])?;
    let [hour, minute, second] = numbers(&time, ':', [2, 2, 2])?;
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    let valid = (1..=days).contains(&day) && hour < 24 && minute < 60 && second < 60;
    valid.then(|| format!("{date}T{time}Z"))
}

/// Three numbers of exactly `widths` digits joined by `separator` (`2024-05-01`, `10:30:15`).
fn numbers(text: &str, separator: char, widths: [usize; 3]) -> Option<[u32; 3]> {
    let mut parts = text.split(separator);
    let mut out = [0; 3];
    for (slot, width) in out.iter_mut().zip(widths) {
        let part = parts.next()?;
        if part.len() != width || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *slot = part.parse().ok()?;
    }
    parts.next().is_none().then_some(out)
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
        let start = |typed: &str| api_date(typed, false);
        assert_eq!(
            start("2024-05-01T10:30").as_deref(),
            Some("2024-05-01T10:30:00Z")
        );
        assert_eq!(
            start("2024-05-01T10:30:15").as_deref(),
            Some("2024-05-01T10:30:15Z")
        );
        assert_eq!(
            start("2024-05-01T10:30:15.250").as_deref(),
            Some("2024-05-01T10:30:15Z")
        );
        assert_eq!(
            start("2024-05-01T10:30:15Z").as_deref(),
            Some("2024-05-01T10:30:15Z")
        );
        assert_eq!(
            start(" 2024-05-01 ").as_deref(),
            Some("2024-05-01T00:00:00Z")
        );
        assert_eq!(
            api_date("2024-05-01", true).as_deref(),
            Some("2024-05-01T23:59:59Z")
        );
        assert_eq!(
            start("2024-02-29T00:00").as_deref(),
            Some("2024-02-29T00:00:00Z")
        );
    }

    #[test]
    fn dates_not_on_the_calendar_are_refused() {
        for typed in [
            "",
            "yesterday",
            "2024-5-1T10:30",
            "2026-13-45T99:99:99Z",
            "2023-02-29T00:00",
            "2024-04-31T00:00",
            "2024-05-01T24:00",
            "2024-05-01T10:60",
            "2024-05-01T10:30:60",
            "2024-05-01-01T10:30",
            "+024-05-01T10:30",
            "2024-05-01T10:30ZZZ",
            "2024-05-01T10:30:15.xyz",
            "2024-05-01T10:30:15.",
        ] {
            assert_eq!(api_date(typed, false), None, "{typed}");
        }
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
