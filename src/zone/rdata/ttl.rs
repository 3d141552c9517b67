//! TTL-style 32-bit durations: `3600`, `1h30m`, `2W` (BIND's units).
//!
//! # Background
//! RFC 1035 §5.1 writes TTLs and the SOA timers as plain decimal integers.
//! BIND and Knot also accept the units `w`, `d`, `h`, `m`, `s` in either
//! case, and zone files in the wild use them, so the loader (record TTLs,
//! `$TTL`) and the SOA codec share [`parse_ttl`].
//!
//! # Usage
//! `parse_ttl(b"1h30m") == Some(5400)`. The result is the full unsigned
//! 32-bit value; callers that parse a *record* TTL apply RFC 2181 §8 with
//! [`clamp_record_ttl`].
//!
//! # Limitations
//! Behaviour follows BIND 9.18 `named-compilezone`, checked by hand:
//! - `1h30` (a trailing number without a unit) is a syntax error;
//! - units may repeat and are summed (`1h1h` is 7200) in any order;
//! - leading zeros are allowed (`01` is 1);
//! - a sum above 2^32-1 is an error;
//! - values above 2^31-1 are accepted here (SOA timers keep them as
//!   written: BIND prints `4294967295` back), while for a record TTL BIND
//!   warns "TTL 2147483648 > MAXTTL, setting TTL to 0": see
//!   [`clamp_record_ttl`].

/// RFC 2181 §8: "it is hereby specified that a TTL value is an unsigned
/// number, with a minimum value of 0, and a maximum value of 2147483647."
pub const MAX_RECORD_TTL: u32 = 0x7fff_ffff;

/// Parses a decimal integer or a sequence of `<number><unit>` with units
/// `w`, `d`, `h`, `m`, `s` (case-insensitive). `None` for anything else or
/// for a sum that does not fit 32 bits.
pub fn parse_ttl(text: &[u8]) -> Option<u32> {
    if text.is_empty() {
        return None;
    }
    if text.iter().all(u8::is_ascii_digit) {
        return decimal_u64(text).and_then(|v| u32::try_from(v).ok());
    }
    let mut total: u64 = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        let value = decimal_u64(&rest[..digits])?;
        // BIND rejects `1h30`: every component of a unit form has a unit.
        let unit = *rest.get(digits)?;
        let seconds: u64 = match unit.to_ascii_lowercase() {
            b'w' => 604_800,
            b'd' => 86_400,
            b'h' => 3_600,
            b'm' => 60,
            b's' => 1,
            _ => return None,
        };
        total = total.checked_add(value.checked_mul(seconds)?)?;
        if total > u64::from(u32::MAX) {
            return None;
        }
        rest = &rest[digits + 1..];
    }
    u32::try_from(total).ok()
}

/// RFC 2181 §8: "Implementations should treat TTL values received with the
/// most significant bit set as if the entire value received was zero."
/// BIND's loader does the same for record TTLs (with a warning), so a
/// record TTL above [`MAX_RECORD_TTL`] becomes 0. The caller should warn.
pub fn clamp_record_ttl(ttl: u32) -> u32 {
    if ttl > MAX_RECORD_TTL {
        0
    } else {
        ttl
    }
}

/// Decimal digits to u64; `None` on overflow or more than 20 digits' worth.
fn decimal_u64(digits: &[u8]) -> Option<u64> {
    digits.iter().try_fold(0u64, |acc, &d| acc.checked_mul(10)?.checked_add(u64::from(d - b'0')))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected values checked with BIND 9.18:
    /// `named-compilezone -i none -f text -F text -s full -o - example. t.zone`
    /// with the value as `$TTL` and as the SOA refresh field.
    #[test]
    fn bind_units_and_limits() {
        assert_eq!(parse_ttl(b"3600"), Some(3600));
        assert_eq!(parse_ttl(b"01"), Some(1));
        assert_eq!(parse_ttl(b"1H30M"), Some(5400));
        assert_eq!(parse_ttl(b"1h30m"), Some(5400));
        assert_eq!(parse_ttl(b"2W"), Some(1_209_600));
        assert_eq!(parse_ttl(b"1d"), Some(86_400));
        assert_eq!(parse_ttl(b"1s1m"), Some(61));
        assert_eq!(parse_ttl(b"1h1h"), Some(7200));
        assert_eq!(parse_ttl(b"4294967295"), Some(u32::MAX));
        assert_eq!(parse_ttl(b"4294967296"), None);
        assert_eq!(parse_ttl(b"7102w"), None);
        assert_eq!(parse_ttl(b"1h30"), None);
        assert_eq!(parse_ttl(b""), None);
        assert_eq!(parse_ttl(b"h"), None);
        assert_eq!(parse_ttl(b"-1"), None);
        assert_eq!(parse_ttl(b"1y"), None);
        assert_eq!(parse_ttl(b"99999999999999999999999"), None);
    }

    /// RFC 2181 §8: "Implementations should treat TTL values received with
    /// the most significant bit set as if the entire value received was
    /// zero." BIND: "$TTL 2147483648 > MAXTTL, setting $TTL to 0".
    #[test]
    fn rfc2181_section_8_msb_set_means_zero() {
        assert_eq!(clamp_record_ttl(MAX_RECORD_TTL), MAX_RECORD_TTL);
        assert_eq!(clamp_record_ttl(0x8000_0000), 0);
        assert_eq!(clamp_record_ttl(u32::MAX), 0);
    }
}
