//! TTL values in presentation format: plain seconds or BIND's units.

/// RFC 2181 §8: "a TTL value ... an unsigned number, with a minimum value of
/// 0, and a maximum value of 2147483647".
pub const MAX_TTL: u32 = 2_147_483_647;

/// Parses a TTL: decimal seconds (`3600`) or a sequence of numbers with the
/// units `w`, `d`, `h`, `m`, `s` in any case (`1h30m`, `2W`), as BIND and
/// Knot accept. Returns `None` for anything else or a value above
/// [`MAX_TTL`].
pub fn parse_ttl(text: &[u8]) -> Option<u32> {
    if text.is_empty() || !text[0].is_ascii_digit() {
        return None;
    }
    let mut total: u64 = 0;
    let mut current: u64 = 0;
    let mut digits = 0usize;
    let mut had_unit = false;
    for &c in text {
        if c.is_ascii_digit() {
            current = current * 10 + (c - b'0') as u64;
            digits += 1;
            if current > MAX_TTL as u64 {
                return None;
            }
            continue;
        }
        let unit: u64 = match c.to_ascii_lowercase() {
            b'w' => 604_800,
            b'd' => 86_400,
            b'h' => 3_600,
            b'm' => 60,
            b's' => 1,
            _ => return None,
        };
        if digits == 0 {
            return None;
        }
        total += current * unit;
        current = 0;
        digits = 0;
        had_unit = true;
        if total > MAX_TTL as u64 {
            return None;
        }
    }
    if digits > 0 {
        // A trailing bare number counts as seconds ("1h5" = 3605), as BIND does.
        total += current;
    } else if !had_unit {
        return None;
    }
    u32::try_from(total).ok().filter(|&t| t <= MAX_TTL)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl_units() {
        assert_eq!(parse_ttl(b"3600"), Some(3600));
        assert_eq!(parse_ttl(b"1h30m"), Some(5400));
        assert_eq!(parse_ttl(b"2w"), Some(1_209_600));
        assert_eq!(parse_ttl(b"1D2h"), Some(93_600));
        assert_eq!(parse_ttl(b"2147483647"), Some(MAX_TTL));
        assert_eq!(parse_ttl(b"2147483648"), None);
        assert_eq!(parse_ttl(b"h"), None);
        assert_eq!(parse_ttl(b"1x"), None);
        assert_eq!(parse_ttl(b""), None);
    }
}
