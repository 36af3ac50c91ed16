//! Dates as people read them: "5 min ago" in tables, with the exact UTC time on hover and in the
//! `datetime` attribute.

use leptos::prelude::*;

/// A Twilio date (`2018-11-10T20:00:00Z`) shown relative to now.
#[component]
pub fn Time(#[prop(into)] iso: String) -> impl IntoView {
    let now = (js_sys::Date::now() / 1000.0) as i64;
    let text = relative(&iso, now).unwrap_or_else(|| iso.clone());
    let exact = iso.replace('T', " ").replace('Z', " UTC");
    view! { <time datetime=iso title=exact>{text}</time> }
}

/// Seconds since 1970 of an ISO 8601 UTC date with second precision, or `None` if it is not one.
pub fn unix_seconds(iso: &str) -> Option<i64> {
    let b = iso.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |range: std::ops::Range<usize>| iso.get(range)?.parse::<i64>().ok();
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    // Days from the civil calendar (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second)
}

/// "just now", "5 min ago", "3 h ago", "2 days ago", or the date for anything older than a month.
pub fn relative(iso: &str, now: i64) -> Option<String> {
    let age = now - unix_seconds(iso)?;
    Some(match age {
        i64::MIN..=44 => "just now".to_owned(),
        45..=3599 => format!("{} min ago", (age + 30) / 60),
        3600..=86_399 => format!("{} h ago", age / 3600),
        86_400..=2_591_999 => match age / 86_400 {
            1 => "yesterday".to_owned(),
            days => format!("{days} days ago"),
        },
        _ => iso.get(0..10)?.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_twilio_dates() {
        assert_eq!(unix_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(unix_seconds("2018-11-10T20:00:00Z"), Some(1_541_880_000));
        assert_eq!(unix_seconds("2024-02-29T12:34:56Z"), Some(1_709_210_096));
        assert_eq!(unix_seconds("not a date"), None);
        assert_eq!(unix_seconds("2024-13-01T00:00:00Z"), None);
    }

    #[test]
    fn reads_like_a_person_would_say_it() {
        let then = unix_seconds("2026-11-26T00:00:00Z").unwrap();
        let at = |seconds: i64| relative("2026-11-26T00:00:00Z", then + seconds).unwrap();
        assert_eq!(at(5), "just now");
        assert_eq!(at(-30), "just now");
        assert_eq!(at(300), "5 min ago");
        assert_eq!(at(7200), "2 h ago");
        assert_eq!(at(86_400 + 5), "yesterday");
        assert_eq!(at(3 * 86_400), "3 days ago");
        assert_eq!(at(40 * 86_400), "2026-11-26");
    }
}
