//! The log lines of one test call, read from the environment's Logs after it answered: by the
//! request SID the answer carried (the emulator names it), else by the function and the time of
//! the call. Logs reach the API a little after the answer (on Twilio, seconds), so the panel
//! polls briefly, and stops once the lines it found stop growing.

use crate::api::logs::{self, LogFilter};
use crate::api::{ClientError, invoke::Invoked};
use crate::flows::sleep::sleep;
use switchboard_models::Log;

/// Polls at most this many times, one second apart.
const POLLS: u32 = 8;
/// Lines asked for per poll: a test call writes a few; on a busy function the newest page
/// holds them.
const PAGE: u32 = 200;
/// How far before the call a time-based search starts: the browser's clock and the platform's
/// may differ by a little, and dates have whole seconds only.
const CLOCK_SLACK_SECONDS: f64 = 5.0;
/// A search by request SID can afford a wider window, since the SID picks the lines.
const SID_SLACK_SECONDS: f64 = 120.0;

/// Where the lines of one call are looked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Search {
    pub service: String,
    pub environment: String,
    pub function: String,
    pub request_sid: Option<String>,
    /// The call's start and end by the browser's clock, in milliseconds since the epoch.
    pub started_ms: f64,
    pub ended_ms: f64,
}

impl Search {
    /// `StartDate` of the Logs query.
    fn since(&self) -> String {
        let slack = match self.request_sid {
            Some(_) => SID_SLACK_SECONDS,
            None => CLOCK_SLACK_SECONDS,
        };
        iso_seconds(self.started_ms - slack * 1000.0)
    }

    /// The lines of this call among `found` (newest first, as the API lists them), oldest first
    /// so they read as the call ran.
    pub fn lines_of(&self, found: &[Log]) -> Vec<Log> {
        let (since, until) = (
            iso_seconds(self.started_ms - CLOCK_SLACK_SECONDS * 1000.0),
            iso_seconds(self.ended_ms + CLOCK_SLACK_SECONDS * 1000.0),
        );
        let mut lines: Vec<Log> = found
            .iter()
            .filter(|log| match &self.request_sid {
                Some(sid) => log.request_sid == *sid,
                None => {
                    log.function_sid == self.function
                        && log.date_created.as_str() >= since.as_str()
                        && log.date_created.as_str() <= until.as_str()
                }
            })
            .cloned()
            .collect();
        lines.reverse();
        lines
    }
}

/// The request SID of an answer: the relay's reading of the emulator's header, or a
/// `*-request-id` header that holds an `RQ…` SID, where a platform sends one.
pub fn request_sid(invoked: &Invoked) -> Option<String> {
    invoked.request_sid.clone().or_else(|| {
        invoked
            .headers
            .iter()
            .find(|(name, value)| {
                name.to_ascii_lowercase().ends_with("request-id") && value.starts_with("RQ")
            })
            .map(|(_, value)| value.clone())
    })
}

/// Polls the Logs for `search`, handing every new reading to `show`, until the lines found stop
/// growing or the polls run out, or `current` says a newer call took over.
pub async fn poll(
    search: Search,
    current: impl Fn() -> bool,
    show: impl Fn(Vec<Log>),
) -> Result<(), ClientError> {
    let filter = LogFilter {
        function_sid: Some(search.function.clone()),
        start_date: Some(search.since()),
        end_date: None,
    };
    let mut seen = 0;
    for poll in 0..POLLS {
        if poll > 0 {
            sleep(1000).await;
        }
        if !current() {
            return Ok(());
        }
        let (found, _) =
            logs::page(&search.service, &search.environment, &filter, PAGE, None).await?;
        let lines = search.lines_of(&found);
        let count = lines.len();
        if !current() {
            return Ok(());
        }
        show(lines);
        if count > 0 && count == seen {
            return Ok(());
        }
        seen = count;
    }
    Ok(())
}

/// `YYYY-MM-DDTHH:MM:SSZ` for a time in milliseconds since the epoch, the API's date form.
pub fn iso_seconds(ms: f64) -> String {
    let seconds = (ms / 1000.0).floor() as i64;
    let (days, rest) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The calendar date of a day number since 1970-01-01 (Howard Hinnant's `civil_from_days`), so
/// the flow needs no clock library.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::{Invoked, Log, Search, iso_seconds, request_sid};

    fn log(sid: &str, function: &str, request: &str, date: &str) -> Log {
        Log {
            sid: sid.into(),
            function_sid: function.into(),
            request_sid: request.into(),
            date_created: date.into(),
            ..Log::default()
        }
    }

    fn search(request_sid: Option<&str>) -> Search {
        // 2026-12-02T12:00:10Z and three seconds later.
        let started_ms = 1_796_212_810_000.0;
        Search {
            service: "ZS1".into(),
            environment: "ZE1".into(),
            function: "ZH1".into(),
            request_sid: request_sid.map(str::to_owned),
            started_ms,
            ended_ms: started_ms + 3000.0,
        }
    }

    #[test]
    fn dates_are_the_apis_to_the_second() {
        assert_eq!(iso_seconds(0.0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_seconds(1_796_212_810_999.0), "2026-12-02T12:00:10Z");
        assert_eq!(iso_seconds(951_782_400_000.0), "2000-02-29T00:00:00Z");
        assert_eq!(search(None).since(), "2026-12-02T12:00:05Z");
        assert_eq!(search(Some("RQ1")).since(), "2026-12-02T11:58:10Z");
    }

    #[test]
    fn a_request_sid_picks_its_lines_oldest_first() {
        let found = [
            log("NO4", "ZH1", "RQ2", "2026-12-02T12:00:12Z"),
            log("NO3", "ZH1", "RQ1", "2026-12-02T12:00:11Z"),
            log("NO2", "ZH1", "RQ1", "2026-12-02T12:00:11Z"),
            log("NO1", "ZH1", "RQ0", "2026-12-02T12:00:09Z"),
        ];
        let sids = |lines: Vec<Log>| lines.into_iter().map(|l| l.sid).collect::<Vec<_>>();
        assert_eq!(sids(search(Some("RQ1")).lines_of(&found)), ["NO2", "NO3"]);
        assert!(search(Some("RQ9")).lines_of(&found).is_empty());
    }

    #[test]
    fn without_one_the_function_and_the_time_of_the_call_do() {
        let found = [
            log("NO5", "ZH1", "RQ5", "2026-12-02T12:00:19Z"),
            log("NO4", "ZH2", "RQ4", "2026-12-02T12:00:12Z"),
            log("NO3", "ZH1", "RQ3", "2026-12-02T12:00:12Z"),
            log("NO2", "ZH1", "RQ2", "2026-12-02T12:00:06Z"),
            log("NO1", "ZH1", "RQ1", "2026-12-02T12:00:01Z"),
        ];
        let lines: Vec<String> = search(None)
            .lines_of(&found)
            .into_iter()
            .map(|l| l.sid)
            .collect();
        assert_eq!(lines, ["NO2", "NO3"]);
    }

    #[test]
    fn the_request_sid_comes_from_the_relay_or_a_request_id_header() {
        let mut invoked = Invoked {
            request_sid: Some("RQ1".into()),
            headers: vec![("t-request-id".into(), "RQ2".into())],
            ..Invoked::default()
        };
        assert_eq!(request_sid(&invoked).as_deref(), Some("RQ1"));
        invoked.request_sid = None;
        assert_eq!(request_sid(&invoked).as_deref(), Some("RQ2"));
        invoked.headers = vec![("x-request-id".into(), "abc".into())];
        assert_eq!(request_sid(&invoked), None);
    }
}
