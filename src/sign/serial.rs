//! The SOA serial of the signed zone (`zonesign sign --serial`).
//!
//! A re-signed zone that keeps its serial never reaches the secondaries:
//! they transfer a zone when the primary's SOA serial has moved forward
//! (RFC 1034 §4.3.5; "forward" in RFC 1982 arithmetic). An emergency
//! rebuild of a published zone therefore needs a new serial. The policies
//! are BIND's (`dnssec-signzone -N keep|increment|unixtime|date`) and
//! Knot's (`serial-policy`):
//!
//! - `keep` (the default, as in BIND): the input's serial, unchanged;
//! - `increment`: the input's serial plus one, in RFC 1982 arithmetic;
//! - `unixtime`: the signing time in seconds since the epoch, unless the
//!   input's serial is already that or greater, then plus one;
//! - `date`: today (UTC) as `YYYYMMDD00`, unless the input's serial is
//!   already that or greater, then plus one.
//!
//! "Greater" is RFC 1982 §3.2's. Like BIND, an increment that wraps to 0
//! gives 1 instead: some software treats serial 0 as "none".

use std::fmt;
use std::str::FromStr;

use crate::zone::rdata::{set_soa_serial, soa_serial};
use crate::zone::rdatas::Rdatas;
use crate::zone::rtype::Rtype;
use crate::zone::Zone;

/// How the signed zone's SOA serial is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SerialPolicy {
    #[default]
    Keep,
    Increment,
    Unixtime,
    Date,
}

impl FromStr for SerialPolicy {
    type Err = String;

    fn from_str(s: &str) -> Result<SerialPolicy, String> {
        match s {
            "keep" => Ok(SerialPolicy::Keep),
            "increment" => Ok(SerialPolicy::Increment),
            "unixtime" => Ok(SerialPolicy::Unixtime),
            "date" | "dateserial" => Ok(SerialPolicy::Date),
            _ => {
                Err(format!("bad serial policy `{s}`: expected keep, increment, unixtime or date"))
            }
        }
    }
}

impl fmt::Display for SerialPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SerialPolicy::Keep => "keep",
            SerialPolicy::Increment => "increment",
            SerialPolicy::Unixtime => "unixtime",
            SerialPolicy::Date => "date",
        })
    }
}

/// RFC 1982 §3.2: "s1 is said to be greater than s2 if, and only if, s1 is
/// not equal to s2, and (i1 < i2 and i2 - i1 > 2^(SERIAL_BITS - 1)) or
/// (i1 > i2 and i1 - i2 < 2^(SERIAL_BITS - 1))". Neither is greater when
/// they are exactly 2^31 apart (the comparison is undefined there).
pub fn serial_gt(s1: u32, s2: u32) -> bool {
    const HALF: u32 = 1 << 31;
    (s1 < s2 && s2 - s1 > HALF) || (s1 > s2 && s1 - s2 < HALF)
}

/// RFC 1982 §3.1: "s' = (s + n) modulo (2 ^ SERIAL_BITS)", with n = 1; 0 is
/// skipped, as BIND does.
fn increment(serial: u32) -> u32 {
    match serial.wrapping_add(1) {
        0 => 1,
        s => s,
    }
}

/// The serial `policy` gives a zone whose input serial is `old`, signed at
/// `now` (seconds since the epoch).
pub fn next_serial(policy: SerialPolicy, old: u32, now: i64) -> u32 {
    let target = match policy {
        SerialPolicy::Keep => return old,
        SerialPolicy::Increment => return increment(old),
        // Seconds modulo 2^32, as RFC 4034 §3.1.5 keeps signature times
        // (good until 2106).
        SerialPolicy::Unixtime => crate::sign::validity::wire_time(now),
        SerialPolicy::Date => date_serial(now),
    };
    if target != 0 && serial_gt(target, old) {
        target
    } else {
        increment(old)
    }
}

/// `YYYYMMDD00` for the UTC date of `now`.
fn date_serial(now: i64) -> u32 {
    let day = time::OffsetDateTime::from_unix_timestamp(now)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .date();
    let yyyymmdd = day.year() as u32 * 10_000 + day.month() as u32 * 100 + u32::from(day.day());
    yyyymmdd.saturating_mul(100)
}

/// The serial before and after [`apply`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SerialChange {
    pub from: u32,
    pub to: u32,
}

/// Sets the apex SOA's serial by `policy`. `None` when the apex has no
/// readable SOA (the loader refuses such zones, so only for a zone built
/// by hand); the zone is then unchanged.
pub fn apply(zone: &mut Zone, policy: SerialPolicy, now: i64) -> Option<SerialChange> {
    let rrset = zone.nodes.first_mut()?.rrsets.iter_mut().find(|r| r.rtype == Rtype::SOA)?;
    let mut rdata = rrset.rdatas.first()?.to_vec();
    let from = soa_serial(&rdata)?;
    let to = next_serial(policy, from, now);
    if to != from {
        set_soa_serial(&mut rdata, to).ok()?;
        rrset.rdatas = Rdatas::single(&rdata);
    }
    Some(SerialChange { from, to })
}

/// What to say when `unixtime` or `date` could not move the serial to the
/// time or date and incremented it instead (RFC 1982: the input's serial
/// is already that or greater): the run said `--serial date` of a serial
/// that is no date (the thirty-eighth audit, 2026-12-07), where
/// `dnssec-signzone` warns "Serial number would not advance, using
/// increment method instead". A second `date` serial of the same day
/// (`YYYYMMDD01`) is that policy's rule, and no warning.
pub fn fallback_warning(policy: SerialPolicy, change: SerialChange, now: i64) -> Option<String> {
    let (target, what) = match policy {
        SerialPolicy::Unixtime => (crate::sign::validity::wire_time(now), "the time now"),
        SerialPolicy::Date if change.to / 100 != date_serial(now) / 100 => {
            (date_serial(now), "today's date (UTC)")
        }
        _ => return None,
    };
    (change.to != target).then(|| {
        format!(
            "--serial {policy}: the input's serial {} is not below {what}, {target}, in RFC 1982 \
             arithmetic: incremented to {} instead, which is not {what}",
            change.from, change.to
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The thirty-eighth audit (2026-12-07): a fallback to `increment` is
    /// said; a day's second date serial is not.
    #[test]
    fn regression_a_serial_that_cannot_move_to_the_date_or_time_is_warned_of() {
        let date = date_serial(NOW);
        let warn = |policy, from| {
            let to = next_serial(policy, from, NOW);
            fallback_warning(policy, SerialChange { from, to }, NOW)
        };
        assert_eq!(warn(SerialPolicy::Date, 1), None);
        assert_eq!(warn(SerialPolicy::Date, date), None);
        assert_eq!(warn(SerialPolicy::Date, date + 98), None);
        let w = warn(SerialPolicy::Date, date + 99).unwrap();
        assert!(w.contains(&format!("incremented to {}", date + 100)), "{w}");
        assert!(warn(SerialPolicy::Date, 4_000_000_000).unwrap().contains("which is not today"));
        assert_eq!(warn(SerialPolicy::Unixtime, 1), None);
        let w = warn(SerialPolicy::Unixtime, NOW as u32).unwrap();
        assert!(w.contains("not below the time now"), "{w}");
        assert_eq!(warn(SerialPolicy::Increment, 7), None);
        assert_eq!(warn(SerialPolicy::Keep, 7), None);
    }

    /// 2026-12-04 22:38:23 UTC.
    const NOW: i64 = 1_796_423_903;

    #[test]
    fn rfc1982_section_3_2_comparison() {
        assert!(serial_gt(2, 1));
        assert!(!serial_gt(1, 2));
        assert!(!serial_gt(7, 7));
        // Across the wrap: 0 follows 2^32 - 1.
        assert!(serial_gt(0, u32::MAX));
        assert!(serial_gt(5, u32::MAX - 5));
        assert!(!serial_gt(u32::MAX, 0));
        // Exactly 2^31 apart: undefined, so neither is greater.
        assert!(!serial_gt(1 << 31, 0));
        assert!(!serial_gt(0, 1 << 31));
        // Just inside half the space.
        assert!(serial_gt((1 << 31) - 1, 0));
        assert!(!serial_gt((1 << 31) + 1, 0));
    }

    #[test]
    fn rfc1982_section_3_1_increment_wraps_and_skips_zero() {
        assert_eq!(next_serial(SerialPolicy::Increment, 2026082201, NOW), 2026082202);
        assert_eq!(next_serial(SerialPolicy::Increment, u32::MAX, NOW), 1);
        assert_eq!(next_serial(SerialPolicy::Keep, 42, NOW), 42);
    }

    #[test]
    fn unixtime_and_date_move_forward_only() {
        assert_eq!(date_serial(NOW), 2026120400);
        assert_eq!(next_serial(SerialPolicy::Unixtime, 100, NOW), NOW as u32);
        // A date serial (2026...) is ahead of the time in seconds (1796...).
        assert_eq!(next_serial(SerialPolicy::Unixtime, 2026082201, NOW), 2026082202);
        // Already at or past the time: plus one.
        assert_eq!(next_serial(SerialPolicy::Unixtime, NOW as u32, NOW), NOW as u32 + 1);
        assert_eq!(next_serial(SerialPolicy::Unixtime, NOW as u32 + 9, NOW), NOW as u32 + 10);
        assert_eq!(next_serial(SerialPolicy::Date, 2026082201, NOW), 2026120400);
        assert_eq!(next_serial(SerialPolicy::Date, 2026120400, NOW), 2026120401);
        assert_eq!(next_serial(SerialPolicy::Date, 2026120417, NOW), 2026120418);
        // "Greater" in RFC 1982 terms: a serial up to 2^31 - 1 ahead of
        // today's is already greater, and is incremented.
        assert_eq!(next_serial(SerialPolicy::Date, 1, NOW), 2026120400);
        assert_eq!(next_serial(SerialPolicy::Date, 4_000_000_000, NOW), 4_000_000_001);
        assert_eq!(next_serial(SerialPolicy::Unixtime, 3_000_000_000, NOW), 3_000_000_001);
    }

    #[test]
    fn policies_parse_by_their_bind_and_knot_names() {
        for (text, policy) in [
            ("keep", SerialPolicy::Keep),
            ("increment", SerialPolicy::Increment),
            ("unixtime", SerialPolicy::Unixtime),
            ("date", SerialPolicy::Date),
            ("dateserial", SerialPolicy::Date),
        ] {
            assert_eq!(text.parse::<SerialPolicy>(), Ok(policy));
        }
        assert!("soon".parse::<SerialPolicy>().is_err());
    }
}
