//! Time as the store keeps it (Unix seconds, milliseconds for build deadlines) and as Twilio
//! writes it (ISO 8601 UTC with second precision).

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

pub fn now_millis() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// `2018-11-10T20:00:00Z`.
pub fn format(seconds: i64) -> String {
    OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|date| date.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// Parses an ISO 8601 date-time into Unix seconds.
pub fn parse(value: &str) -> Option<i64> {
    OffsetDateTime::parse(value, &Rfc3339)
        .ok()
        .map(OffsetDateTime::unix_timestamp)
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trips_twilio_dates() {
        let seconds = super::parse("2018-11-10T20:00:00Z").expect("valid date");
        assert_eq!(super::format(seconds), "2018-11-10T20:00:00Z");
        assert_eq!(super::parse("yesterday"), None);
    }
}
