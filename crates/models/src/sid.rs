//! SID prefixes and the shape every Twilio SID has: two letters and 32 hex digits.

/// A Twilio resource kind, named by the two letters its SIDs start with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SidKind {
    Account,
    ApiKey,
    Service,
    Environment,
    Variable,
    /// Functions and Assets share `ZH`; the path tells them apart.
    FunctionOrAsset,
    /// Function Versions and Asset Versions share `ZN`.
    Version,
    Build,
    Deployment,
    Log,
    Request,
}

impl SidKind {
    pub const fn prefix(self) -> &'static str {
        match self {
            SidKind::Account => "AC",
            SidKind::ApiKey => "SK",
            SidKind::Service => "ZS",
            SidKind::Environment => "ZE",
            SidKind::Variable => "ZV",
            SidKind::FunctionOrAsset => "ZH",
            SidKind::Version => "ZN",
            SidKind::Build => "ZB",
            SidKind::Deployment => "ZD",
            SidKind::Log => "NO",
            SidKind::Request => "RQ",
        }
    }
}

/// Whether `value` is a well-formed SID of `kind` (Twilio accepts either case of hex digit).
pub fn is_sid(kind: SidKind, value: &str) -> bool {
    value.len() == 34
        && value.starts_with(kind.prefix())
        && value[2..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// Builds a SID from a prefix and 128 random bits, in Twilio's lowercase-hex form.
pub fn format_sid(kind: SidKind, random: u128) -> String {
    format!("{}{random:032x}", kind.prefix())
}

/// Masks a SID for display, keeping the prefix and the last four digits (`AC…1234`).
/// Counts characters, not bytes, so a malformed (non-ASCII) value cannot split a character.
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= 6 {
        return "•".repeat(chars.len());
    }
    let head: String = chars[..2].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// A SID short enough for a sentence, keeping what tells two apart at a glance: the prefix and
/// the last six digits (`ZB…7da798`). Counts characters, as `mask` does.
pub fn short(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= 10 {
        return value.to_owned();
    }
    let head: String = chars[..2].iter().collect();
    let tail: String = chars[chars.len() - 6..].iter().collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sid_shape_is_checked() {
        let sid = format_sid(SidKind::Service, 0xabc);
        assert_eq!(sid, "ZS00000000000000000000000000000abc");
        assert!(is_sid(SidKind::Service, &sid));
        assert!(is_sid(
            SidKind::Service,
            "ZSAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        ));
        assert!(!is_sid(SidKind::Environment, &sid));
        assert!(!is_sid(SidKind::Service, "ZS123"));
        assert!(!is_sid(
            SidKind::Service,
            "ZSzz000000000000000000000000000abc"
        ));
    }

    #[test]
    fn mask_keeps_prefix_and_tail() {
        assert_eq!(mask("AC0123456789abcdef0123456789abcdef"), "AC…cdef");
        assert_eq!(mask("AC12"), "••••");
        assert_eq!(mask("a𐀀éééé1234"), "a𐀀…1234");
    }

    #[test]
    fn short_keeps_prefix_and_six_digits() {
        assert_eq!(short("ZB0123456789abcdef0123456789a7da798"), "ZB…7da798");
        assert_eq!(short("ZB12"), "ZB12");
    }
}
