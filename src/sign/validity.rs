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
    /// Why, where more can be said than what the forms are.
    pub reason: Option<&'static str>,
}

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reason {
            Some(reason) => write!(f, "bad time `{}`: {reason}", self.text),
            None => write!(
                f,
                "bad time `{}`: expected YYYYMMDDHHmmSS, YYYYMMDD, seconds since the epoch, `now`, or a relative time such as +14d, +1mo or -1h",
                self.text
            ),
        }
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

/// A span of time in the units of the relative times ([`parse_offset`]):
/// `14d`, `1mo`, `12h30mi`, or seconds alone. For `--jitter`.
pub fn parse_span(text: &str) -> Result<i64, TimeError> {
    parse_offset(text).map_err(|reason| TimeError {
        text: text.to_string(),
        reason: reason.or(Some(
            "expected a number of seconds, or numbers with units s, mi, h, d, w, mo, y (as 7d or 1h30mi)",
        )),
    })
}

/// The reason of a time past what a signature time can hold.
const OUT_OF_RANGE: Option<&str> = Some("the time is out of range");

/// A relative time's offset, with `dnssec-signzone`'s units: `s`, `mi`,
/// `h`, `d`, `w`, `mo` (30 days), `y` (365 days), in either case, a number
/// alone being seconds; several may follow each other (`1h30mi`). A bare
/// `m` is refused: `+1m` was one minute, and an operator who meant a month
/// published signatures that expired a minute later (the thirty-eighth
/// audit, 2026-12-07); `dnssec-signzone` says "ambiguous: use 'mi' for
/// minutes or 'mo' for months", Knot's `keymgr` "invalid timestamp".
fn parse_offset(text: &str) -> Result<i64, Option<&'static str>> {
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return Err(None);
    }
    let mut total: i64 = 0;
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return Err(None);
        }
        if i - start > 12 {
            return Err(OUT_OF_RANGE);
        }
        let n: i64 = text[start..i].parse().map_err(|_| None)?;
        let unit_start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        let unit = text[unit_start..i].to_ascii_lowercase();
        let scale = match unit.as_str() {
            // A number alone is seconds; not after other units (`1d2`).
            "" if start == 0 && i == bytes.len() => 1,
            "s" => 1,
            "mi" => 60,
            "h" => 3600,
            "d" => 86_400,
            "w" => 7 * 86_400,
            "mo" => 30 * 86_400,
            "y" => 365 * 86_400,
            "m" => {
                return Err(Some(
                    "`m` is ambiguous: write `mi` for minutes or `mo` for months (30 days), as dnssec-signzone asks",
                ))
            }
            _ => return Err(None),
        };
        total = total.checked_add(n.checked_mul(scale).ok_or(OUT_OF_RANGE)?).ok_or(OUT_OF_RANGE)?;
    }
    Ok(total)
}

/// Parses an absolute (`YYYYMMDDHHmmSS`, `YYYYMMDD` at 00:00:00 UTC, or
/// seconds since the epoch with at most 10 digits) or relative (`+14d`,
/// `-1h`, `now`) time against `now`. Eight digits are a date, as
/// `dnssec-signzone` and `ldns-signzone` read them: `--inception 20261204`
/// was 20,261,204 seconds, in August 1970 (the thirty-eighth audit).
pub fn parse_time(text: &str, now: i64) -> Result<i64, TimeError> {
    let err = |reason| TimeError { text: text.to_string(), reason };
    // An offset is added to now, or, as `dnssec-signzone` takes `now+30d`
    // and `20270101+1d`, to the time before it (refused as "bad time": the
    // thirty-ninth audit, 2026-12-07). Out of range, the sum was printed
    // as a negative time (the same audit).
    // (Split after the first character, not the first octet: `é+1d`
    // panicked, the fortieth audit.)
    let split = text.char_indices().skip(1).find(|&(_, c)| c == '+' || c == '-');
    let (base, offset) = match split {
        Some((i, _)) => (&text[..i], &text[i..]),
        None if text.starts_with(['+', '-']) => ("", text),
        None => (text, ""),
    };
    if !offset.is_empty() {
        // Before an offset: now, or a date or time of 8, 10 or 14 digits, as
        // `dnssec-signzone` takes them (`2027+1d` was two days into 1970).
        let base = match base {
            "" | "now" => now,
            absolute if matches!(absolute.len(), 8 | 10 | 14) => {
                parse_absolute(absolute).map_err(err)?
            }
            _ => return Err(err(Some("before `+` or `-` only `now`, YYYYMMDD, YYYYMMDDHHmmSS or ten digits of seconds since 1970 may stand"))),
        };
        let d = parse_offset(&offset[1..]).map_err(err)?;
        let t = if offset.starts_with('+') { base.checked_add(d) } else { base.checked_sub(d) };
        return t.ok_or_else(|| err(OUT_OF_RANGE));
    }
    parse_absolute(text).or_else(|reason| if text == "now" { Ok(now) } else { Err(err(reason)) })
}

/// `YYYYMMDDHHmmSS`, `YYYYMMDD`, or seconds since the epoch (at most ten
/// digits).
fn parse_absolute(text: &str) -> Result<i64, Option<&'static str>> {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if digits && text.len() == 14 {
        return parse_yyyymmddhhmmss(text).ok_or(None);
    }
    if digits && text.len() == 8 {
        return parse_yyyymmddhhmmss(&format!("{text}000000"))
            .ok_or(Some("eight digits are a date, YYYYMMDD, and this is none"));
    }
    if digits && text.len() <= 10 {
        return text.parse().map_err(|_| None);
    }
    // More digits are no time a signature can carry: said so, rather
    // than "expected ... seconds since the epoch" of what was seconds
    // since the epoch (the seventy-fifth audit).
    if digits && !matches!(text.len(), 8 | 14) {
        return Err(Some("seconds since 1970 take at most ten digits (signature times are 32-bit, RFC 4034 §3.1.5)"));
    }
    Err(None)
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
        // Beyond the years 1 to 9999 no date is written: the seconds are,
        // said as such (a bare number stood where a date was expected: the
        // seventy-fifth audit).
        Err(_) => format!("{secs} seconds since 1970"),
    }
}

/// Whether a signature time `t` (seconds since the epoch) reads as itself
/// to a validator whose clock says `now`: after 1970, and less than 2^31
/// seconds from now either way (RFC 1982 serial number arithmetic, which
/// RFC 4034 §3.1.5 asks for). Past 2106 it wraps in the wire, as the RFC
/// allows ([`wire_time`]).
pub fn within_serial_reach(t: i64, now: i64) -> bool {
    t >= 0 && (t - now).abs() < 1 << 31
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

    /// The thirty-eighth audit (2026-12-07): `+1m` was a minute where an
    /// operator meant a month; `dnssec-signzone` refuses it as ambiguous
    /// and takes `mi` and `mo` (30 days), `y` (365 days). Eight digits are
    /// a date, as `dnssec-signzone` and `ldns-signzone` read them.
    #[test]
    fn regression_time_units_and_dates_as_dnssec_signzone_reads_them() {
        for m in ["+1m", "-1M", "+1h30m"] {
            let e = parse_time(m, 0).unwrap_err();
            assert!(e.to_string().contains("`m` is ambiguous"), "{e}");
        }
        assert_eq!(parse_time("+1mo", 0), Ok(30 * 86_400));
        assert_eq!(parse_time("+1MI", 0), Ok(60));
        assert_eq!(parse_time("+1h30mi", 0), Ok(5400));
        assert_eq!(parse_time("+1y", 0), Ok(365 * 86_400));
        assert_eq!(parse_time("+2w1d", 0), Ok(15 * 86_400));
        assert_eq!(parse_time("+90", 100), Ok(190));
        for bad in ["+", "+d", "+1x", "+1d2", "+1s1", "+99999999999999d"] {
            assert!(parse_time(bad, 0).is_err(), "{bad}");
        }
        assert_eq!(parse_time("20261204", 0), Ok(parse_yyyymmddhhmmss("20261204000000").unwrap()));
        let e = parse_time("20261304", 0).unwrap_err();
        assert!(e.to_string().contains("YYYYMMDD"), "{e}");
        // Nine and ten digits stay seconds since the epoch.
        assert_eq!(parse_time("202612040", 0), Ok(202_612_040));
    }

    /// The thirty-ninth audit (2026-12-07): `dnssec-signzone`'s `now+30d`
    /// and `20270101+1d` were refused; a huge offset was printed as a
    /// negative time.
    #[test]
    fn regression_offsets_from_now_or_a_time_and_out_of_range() {
        let day = 86_400;
        assert_eq!(parse_time("now+30d", 5), Ok(5 + 30 * day));
        assert_eq!(parse_time("now-1h", 7200), Ok(3600));
        let jan = parse_yyyymmddhhmmss("20270101000000").unwrap();
        assert_eq!(parse_time("20270101+1d", 0), Ok(jan + day));
        assert_eq!(parse_time("20270101000000-1d", 0), Ok(jan - day));
        assert_eq!(parse_time("1893456000+1d", 0), Ok(1_893_456_000 + day));
        assert_eq!(parse_time("now", 9), Ok(9));
        for bad in ["now+", "soon+1d", "now+1m", "+1d+1d", "now+-1d", "-", "2027+1d", "0+99d"] {
            assert!(parse_time(bad, 0).is_err(), "{bad}");
        }
        // Not a panic (the fortieth audit).
        for bad in ["é", "€+1d", "ñow+1d", "+1é"] {
            assert!(parse_time(bad, 0).is_err(), "{bad}");
        }
        let e = parse_time("+1000000000000s", 0).unwrap_err();
        assert!(e.to_string().contains("out of range"), "{e}");
        let e = parse_time("+292471208621y", 1_800_000_000).unwrap_err();
        assert!(e.to_string().contains("out of range"), "{e}");
        // Seconds of eleven digits are said to be too many, not asked for
        // as seconds; a time past the year 9999 is said as seconds (both
        // were misread: the seventy-fifth audit).
        let e = parse_time("99999999999", 0).unwrap_err();
        assert!(e.to_string().contains("at most ten digits"), "{e}");
        assert_eq!(format_yyyymmddhhmmss(9_462_596_682_314), "9462596682314 seconds since 1970");
    }

    /// RFC 4034 §3.1.5: "An RRSIG RR can have an Expiration field value
    /// that is numerically smaller than the Inception field value if the
    /// expiration field value is near the 32-bit wrap-around point". Times
    /// past 2106 were refused, and with them every run from then on, its
    /// default times included (the fifty-third audit, 2026-12-07, under
    /// faketime).
    #[test]
    fn rfc4034_section_3_1_5_times_across_the_2106_wrap() {
        let now = parse_yyyymmddhhmmss("21060301000000").unwrap();
        assert!(now > i64::from(u32::MAX));
        for t in [now - 3600, now + 14 * 86_400, now + (1 << 31) - 1, now - (1 << 31) + 1] {
            assert!(within_serial_reach(t, now), "{t}");
        }
        for t in [now + (1 << 31), now - (1 << 31), -1] {
            assert!(!within_serial_reach(t, now), "{t}");
        }
        // Across the wrap the expiration is the smaller number, and serial
        // number arithmetic still puts it after the inception.
        let (inception, expiration) = (now - 40 * 86_400, now + 14 * 86_400);
        assert!(inception <= i64::from(u32::MAX) && expiration > i64::from(u32::MAX));
        let (i, e) = (wire_time(inception), wire_time(expiration));
        assert!(e < i && (e.wrapping_sub(i) as i32) > 0);
        // Spans take the relative times' units, a bare `m` refused.
        assert_eq!(parse_span("1mo").unwrap(), 30 * 86_400);
        assert_eq!(parse_span("1h30mi").unwrap(), 5_400);
        assert_eq!(parse_span("90").unwrap(), 90);
        assert!(parse_span("1m").unwrap_err().to_string().contains("ambiguous"));
        assert!(parse_span("x").unwrap_err().to_string().contains("units s, mi, h"));
    }

    #[test]
    fn jitter_is_deterministic_and_bounded() {
        let a = jitter_for(b"\x03www\x07example\x00", 1, 3600);
        assert_eq!(a, jitter_for(b"\x03www\x07example\x00", 1, 3600));
        assert!(a < 3600);
        assert_eq!(jitter_for(b"\x00", 1, 0), 0);
    }
}
