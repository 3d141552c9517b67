//! Signature validity: inception and expiration times, and jitter.
//!
//! RFC 4034 §3.1.5: times are "the number of seconds since 1 January 1970
//! 00:00:00 UTC, ignoring leap seconds", compared with serial number
//! arithmetic (RFC 1982); in presentation format `YYYYMMDDHHmmSS`.

use std::fmt;

/// A time given on the command line that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeError {
    pub text: String,
}

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "bad time `{}`: expected YYYYMMDDHHmmSS, seconds since the epoch, `now`, or a relative time such as +14d or -1h",
            self.text
        )
    }
}

impl std::error::Error for TimeError {}

/// Seconds since the epoch, now.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Parses a duration such as `14d`, `1h30m`, `2w`, `3600`.
pub fn parse_duration(text: &str) -> Option<i64> {
    crate::zone::rdata::ttl::parse_ttl(text.as_bytes()).map(i64::from)
}

/// Parses an absolute (`YYYYMMDDHHmmSS`, or seconds since the epoch with at
/// most 10 digits) or relative (`+14d`, `-1h`, `now`) time against `now`.
pub fn parse_time(text: &str, now: i64) -> Result<i64, TimeError> {
    let err = || TimeError { text: text.to_string() };
    if text == "now" {
        return Ok(now);
    }
    if let Some(rest) = text.strip_prefix('+') {
        return parse_duration(rest).map(|d| now + d).ok_or_else(err);
    }
    if let Some(rest) = text.strip_prefix('-') {
        return parse_duration(rest).map(|d| now - d).ok_or_else(err);
    }
    if text.len() == 14 && text.bytes().all(|b| b.is_ascii_digit()) {
        return parse_yyyymmddhhmmss(text).ok_or_else(err);
    }
    if !text.is_empty() && text.len() <= 10 && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().map_err(|_| err());
    }
    Err(err())
}

/// `YYYYMMDDHHmmSS` in UTC to seconds since the epoch.
pub fn parse_yyyymmddhhmmss(text: &str) -> Option<i64> {
    let num = |r: std::ops::Range<usize>| text.get(r)?.parse::<u32>().ok();
    let month = time::Month::try_from(num(4..6)? as u8).ok()?;
    let date = time::Date::from_calendar_date(num(0..4)? as i32, month, num(6..8)? as u8).ok()?;
    let t = time::Time::from_hms(num(8..10)? as u8, num(10..12)? as u8, num(12..14)? as u8).ok()?;
    Some(time::PrimitiveDateTime::new(date, t).assume_utc().unix_timestamp())
}

/// Seconds since the epoch to `YYYYMMDDHHmmSS` (UTC).
pub fn format_yyyymmddhhmmss(secs: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(secs) {
        Ok(t) => format!(
            "{:04}{:02}{:02}{:02}{:02}{:02}",
            t.year(),
            t.month() as u8,
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        Err(_) => secs.to_string(),
    }
}

/// The 32-bit wire value of a time (RFC 4034 §3.1.5: modulo 2^32).
pub fn wire_time(secs: i64) -> u32 {
    secs as u32
}

/// A deterministic jitter for one RRset in `0..jitter` seconds, so that
/// expirations spread out (avoiding a re-signing storm) yet the output is
/// the same for every run and thread count. FNV-1a over owner and type.
pub fn jitter_for(owner_wire: &[u8], rtype: u16, jitter: u32) -> u32 {
    if jitter == 0 {
        return 0;
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in owner_wire.iter().chain(rtype.to_be_bytes().iter()) {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % jitter as u64) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4034_section_3_2_time_format() {
        // RFC 4034 §3.3 example: 20030322173103 is 1048354263.
        assert_eq!(parse_yyyymmddhhmmss("20030322173103"), Some(1_048_354_263));
        assert_eq!(format_yyyymmddhhmmss(1_048_354_263), "20030322173103");
        assert_eq!(parse_time("+14d", 1000), Ok(1000 + 14 * 86400));
        assert_eq!(parse_time("-1h", 10_000), Ok(10_000 - 3600));
        assert!(parse_time("20031322173103", 0).is_err());
        assert!(parse_time("soon", 0).is_err());
    }

    #[test]
    fn jitter_is_deterministic_and_bounded() {
        let a = jitter_for(b"\x03www\x07example\x00", 1, 3600);
        assert_eq!(a, jitter_for(b"\x03www\x07example\x00", 1, 3600));
        assert!(a < 3600);
        assert_eq!(jitter_for(b"\x00", 1, 0), 0);
    }
}
