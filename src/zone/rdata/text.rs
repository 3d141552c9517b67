//! Pieces of the presentation format shared by the RDATA codecs: a cursor
//! over tokens, integers, character-strings, base64, hex and RRSIG times.
//!
//! # Background
//! RFC 1035 §5.1 defines the tokens; RFC 4034 §3.2 the RRSIG time forms.
//! Integers are decimal only: no sign, no `0x`, leading zeros allowed (BIND
//! reads `01` as 1).
//!
//! # Usage
//! Internal to `zone::rdata`: each codec walks a [`Cursor`] and calls the
//! helpers here for each field.
//!
//! # Limitations
//! RRSIG times are printed from the plain unsigned 32-bit value (1970 to
//! 2106), not in BIND's window around the current time, so output does not
//! depend on the clock.

use super::RdataError;
use crate::load::token::Token;

/// Builds an [`RdataError`].
pub(super) fn err(token: usize, expected: &str) -> RdataError {
    RdataError { token, expected: expected.into() }
}

/// The RDATA tokens of one record and the index of the next one.
pub(super) struct Cursor<'t, 'a> {
    tokens: &'t [Token<'a>],
    pos: usize,
}

impl<'t, 'a> Cursor<'t, 'a> {
    pub(super) fn new(tokens: &'t [Token<'a>]) -> Self {
        Cursor { tokens, pos: 0 }
    }

    /// The next token and its index, or an error at `tokens.len()`; a
    /// quoted token is an error. RFC 1035 §5.1: "<character-string> is
    /// expressed in one or two ways: as a contiguous set of characters
    /// without interior spaces, or as a string beginning with a \" and
    /// ending with a \"": quotes are a form of character-strings only, and
    /// BIND, Knot and ldns refuse them around an address, a number, a name
    /// or base64 (an audit found `A "192.0.2.2"` accepted, 2026-12-06).
    pub(super) fn next(&mut self, expected: &str) -> Result<(usize, &'t Token<'a>), RdataError> {
        let (i, tok) = self.next_string(expected)?;
        if tok.quoted {
            return Err(unquoted(i, expected));
        }
        Ok((i, tok))
    }

    /// The next token and its index, quoted or not (a character-string),
    /// or an error at `tokens.len()`.
    pub(super) fn next_string(
        &mut self,
        expected: &str,
    ) -> Result<(usize, &'t Token<'a>), RdataError> {
        let tok = self.tokens.get(self.pos).ok_or_else(|| err(self.pos, expected))?;
        self.pos += 1;
        Ok((self.pos - 1, tok))
    }

    pub(super) fn peek(&self) -> Option<&'t Token<'a>> {
        self.tokens.get(self.pos)
    }

    pub(super) fn position(&self) -> usize {
        self.pos
    }

    /// All remaining tokens and the index of the first; a quoted one is an
    /// error (see [`Cursor::next`]).
    pub(super) fn rest(&mut self, expected: &str) -> Result<(usize, &'t [Token<'a>]), RdataError> {
        let (start, tokens) = self.rest_strings();
        match tokens.iter().position(|t| t.quoted) {
            Some(k) => Err(unquoted(start + k, expected)),
            None => Ok((start, tokens)),
        }
    }

    /// All remaining tokens, quoted or not (character-strings), and the
    /// index of the first.
    pub(super) fn rest_strings(&mut self) -> (usize, &'t [Token<'a>]) {
        let start = self.pos;
        self.pos = self.tokens.len();
        (start, &self.tokens[start..])
    }

    /// Rejects trailing junk.
    pub(super) fn finish(&self) -> Result<(), RdataError> {
        if self.pos < self.tokens.len() {
            return Err(err(self.pos, "the end of the RDATA"));
        }
        Ok(())
    }
}

/// The error for a quoted token where only a plain one can be.
pub(super) fn unquoted(token: usize, expected: &str) -> RdataError {
    err(token, &format!("{expected} without quotes (RFC 1035 §5.1 quotes only character-strings)"))
}

/// Decimal digits (at least one, nothing else) up to `max`.
pub(super) fn parse_decimal(text: &[u8], max: u64) -> Option<u64> {
    if text.is_empty() || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let v = text
        .iter()
        .try_fold(0u64, |acc, &d| acc.checked_mul(10)?.checked_add(u64::from(d - b'0')))?;
    (v <= max).then_some(v)
}

/// Next token as a decimal integer up to `max`.
pub(super) fn next_decimal(
    cur: &mut Cursor<'_, '_>,
    max: u64,
    expected: &str,
) -> Result<u64, RdataError> {
    let (i, tok) = cur.next(expected)?;
    parse_decimal(tok.text, max).ok_or_else(|| err(i, expected))
}

/// RFC 1035 §3.3: "<character-string> is a single length octet followed by
/// that number of characters." Decodes escapes; `None` if an escape is bad
/// or the result is longer than 255 octets.
pub(super) fn parse_char_string(tok: &Token<'_>) -> Option<Vec<u8>> {
    let bytes = tok.unescaped()?.into_owned();
    (bytes.len() <= 255).then_some(bytes)
}

/// Writes octets as a quoted string the way BIND does: `"` and `\` escaped
/// with a backslash, octets outside 0x20..=0x7e as `\DDD`.
pub(super) fn write_quoted(bytes: &[u8], out: &mut String) {
    out.push('"');
    write_escaped(bytes, out);
    out.push('"');
}

/// The inside of [`write_quoted`].
pub(super) fn write_escaped(bytes: &[u8], out: &mut String) {
    for &b in bytes {
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7e => out.push(b as char),
            _ => write_ddd(b, out),
        }
    }
}

/// `\DDD`.
pub(super) fn write_ddd(b: u8, out: &mut String) {
    out.push('\\');
    out.push((b'0' + b / 100) as char);
    out.push((b'0' + (b / 10) % 10) as char);
    out.push((b'0' + b % 10) as char);
}

/// Concatenates tokens (RFC 4034 §2.2: "whitespace is allowed within the
/// Base64 text") and decodes them with `encoding`, appending to `out`;
/// returns the number of octets decoded. On failure `out` is unchanged and
/// the error is the index in `tokens` of the one at fault: the token that
/// holds the octet the decoder stopped at, the last one when the length is
/// wrong. Every error named the first token, often a valid one on another
/// line than the bad octet (the twenty-ninth audit, 2026-12-06).
/// Escapes are not decoded: no valid base64 or hex contains a backslash.
pub(super) fn decode_tokens(
    tokens: &[Token<'_>],
    encoding: &data_encoding::Encoding,
    out: &mut Vec<u8>,
) -> Result<usize, usize> {
    let start = out.len();
    // Err(Some(offset)): the octet at fault; Err(None): the length.
    let decode = |text: &[u8], out: &mut Vec<u8>| -> Result<usize, Option<usize>> {
        if let Some(at) = padding_inside_at(text) {
            return Err(Some(at));
        }
        // A wrong length is named at the last token only when every
        // character is right: a bad one and a stray one together were
        // named at the last token, lines away (the thirtieth audit).
        let len = encoding.decode_len(text.len()).map_err(|_| first_invalid(text, encoding))?;
        out.resize(start + len, 0);
        match encoding.decode_mut(text, &mut out[start..]) {
            Ok(n) => {
                out.truncate(start + n);
                Ok(n)
            }
            Err(partial) => {
                out.truncate(start);
                Err(match partial.error.kind {
                    data_encoding::DecodeKind::Length => first_invalid(text, encoding),
                    _ => Some(partial.error.position),
                })
            }
        }
    };
    // One token (the usual layout) decodes in place; several are joined
    // first, as a group may straddle them.
    if let [one] = tokens {
        return decode(one.text, out).map_err(|_| 0);
    }
    let text: Vec<u8> = tokens.iter().flat_map(|t| t.text.iter().copied()).collect();
    decode(&text, out).map_err(|at| token_at(tokens, at))
}

/// The offset of the first octet of `text` that is neither a symbol of
/// `encoding` nor its padding, if any.
pub(super) fn first_invalid(text: &[u8], encoding: &data_encoding::Encoding) -> Option<usize> {
    let spec = encoding.specification();
    let valid = |b: u8| {
        spec.symbols.as_bytes().contains(&b)
            || spec.padding.is_some_and(|p| p as u32 == u32::from(b))
            || spec.translate.from.as_bytes().contains(&b)
    };
    text.iter().position(|&b| !valid(b))
}

/// The index of the token of `tokens` that holds octet `at` of their
/// concatenation (the last token for `None` or an offset past the end).
pub(super) fn token_at(tokens: &[Token<'_>], at: Option<usize>) -> usize {
    let last = tokens.len().saturating_sub(1);
    let Some(mut at) = at else { return last };
    for (k, t) in tokens.iter().enumerate() {
        if at < t.text.len() {
            return k;
        }
        at -= t.text.len();
    }
    last
}

/// Strict base64 (padding required, no stray bits). Its decoder takes
/// padded groups one after another (`AwE=AAA=`), which RFC 4648 §3.2 does
/// not: decode through [`decode_base64`] or [`decode_tokens`], which
/// refuse them.
pub(super) const BASE64: data_encoding::Encoding = data_encoding::BASE64;

/// RFC 4648 §4: padding comes only with the final quantum ("the final
/// quantum of encoding input is exactly 8 bits; here, the final unit of
/// encoded output will be two characters followed by two "=" padding
/// characters"): an `=` with anything but `=` after it is inside the data.
/// BIND and ldns refuse such text.
/// Returns the offset of the first octet after the padding that is not
/// `=`, if any.
fn padding_inside_at(text: &[u8]) -> Option<usize> {
    let p = text.iter().position(|&b| b == b'=')?;
    text[p..].iter().position(|&b| b != b'=').map(|q| p + q)
}

/// Base64 with [`BASE64`], padding only at the end ([`padding_inside`]).
pub(super) fn decode_base64(text: &[u8]) -> Option<Vec<u8>> {
    if padding_inside_at(text).is_some() {
        return None;
    }
    BASE64.decode(text).ok()
}
/// Hex in either case.
pub(super) const HEX_ANY_CASE: data_encoding::Encoding = data_encoding::HEXLOWER_PERMISSIVE;

/// RFC 4034 §3.2: "The Signature Expiration Time and Inception Time field
/// values MUST be represented either as an unsigned decimal integer
/// indicating seconds since 1 January 1970 00:00:00 UTC, or in the form
/// YYYYMMDDHHmmSS in UTC." Fourteen digits are a date (no 32-bit integer
/// has that many); dates outside 1970-01-01 .. 2106-02-07T06:28:15 are
/// rejected rather than wrapped.
pub(super) fn parse_time(text: &[u8]) -> Option<u32> {
    if text.len() != 14 {
        return parse_decimal(text, u64::from(u32::MAX)).map(|v| v as u32);
    }
    if !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let num =
        |r: std::ops::Range<usize>| text[r].iter().fold(0i64, |a, &d| a * 10 + i64::from(d - b'0'));
    let (year, month, day) = (num(0..4), num(4..6), num(6..8));
    let (hour, minute, second) = (num(8..10), num(10..12), num(12..14));
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let secs = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    // RFC 4034 §3.1.5: the times are "the number of seconds elapsed since 1
    // January 1970 00:00:00 UTC" in 32 bits, compared in serial number
    // arithmetic, so a date past 2106-02-07 06:28:15 is its value modulo
    // 2^32, as BIND, ldns and Knot read it (refused until the fifth audit,
    // 2026-12-06). A date before 1970 is refused.
    (secs >= 0).then_some(secs as u64 as u32)
}

/// Writes `YYYYMMDDHHmmSS` for seconds since the epoch.
pub(super) fn write_time(secs: u32, out: &mut String) {
    // One append: the UTF-8 check of 14 ASCII octets is a few word tests,
    // where pushing them as characters cost 20 instructions each.
    out.push_str(std::str::from_utf8(&time_text(secs)).expect("ASCII digits"));
}

/// The RRSIG time `secs` as `YYYYMMDDHHmmSS`, ASCII digits (RFC 4034 §3.2).
pub(super) fn time_text(secs: u32) -> [u8; 14] {
    // A signed zone's RRSIGs nearly all share one inception and one
    // expiration: the last two times written on this thread are kept, and
    // the calendar arithmetic is done once per run instead of twice per
    // RRSIG (400 instructions each).
    /// A time and its digits.
    type Written = Option<(u32, [u8; 14])>;
    thread_local! {
        static RECENT: std::cell::Cell<[Written; 2]> = const { std::cell::Cell::new([None, None]) };
    }
    RECENT.with(|recent| {
        let mut kept = recent.get();
        match kept {
            [Some((t, d)), _] | [_, Some((t, d))] if t == secs => d,
            _ => {
                let d = time_digits(secs);
                kept = [Some((secs, d)), kept[0]];
                recent.set(kept);
                d
            }
        }
    })
}

/// `YYYYMMDDHHmmSS` for seconds since the epoch, as ASCII digits.
fn time_digits(secs: u32) -> [u8; 14] {
    let days = i64::from(secs / 86_400);
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    // Years run to 2106 at most (u32 seconds): four digits.
    let mut digits = [0u8; 14];
    let mut put = |at: usize, width: usize, mut v: u32| {
        for k in (at..at + width).rev() {
            digits[k] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, 4, y as u32);
    put(4, 2, m as u32);
    put(6, 2, d as u32);
    put(8, 2, rem / 3600);
    put(10, 2, (rem / 60) % 60);
    put(12, 2, rem % 60);
    digits
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4034 §3.3 example: inception 20030220173103; `date -u -d
    /// 2003-02-20T17:31:03 +%s` prints 1045762263.
    #[test]
    fn rfc4034_section_3_2_time_forms() {
        assert_eq!(parse_time(b"20030220173103"), Some(1_045_762_263));
        assert_eq!(parse_time(b"1045762263"), Some(1_045_762_263));
        let mut s = String::new();
        write_time(1_045_762_263, &mut s);
        assert_eq!(s, "20030220173103");
        assert_eq!(parse_time(b"19700101000000"), Some(0));
        assert_eq!(parse_time(b"21060207062815"), Some(u32::MAX));
        // RFC 4034 §3.1.5: modulo 2^32 past 2106.
        assert_eq!(parse_time(b"21060207062816"), Some(0));
        assert_eq!(parse_time(b"19691231235959"), None);
        assert_eq!(parse_time(b"20230229000000"), None);
        assert!(parse_time(b"20240229000000").is_some());
        assert_eq!(parse_time(b"4294967296"), None);
        let mut s = String::new();
        write_time(u32::MAX, &mut s);
        assert_eq!(s, "21060207062815");
    }

    proptest::proptest! {
        /// The times kept from earlier calls are the right ones, whatever
        /// the order of the times asked for (a few repeated, most not).
        #[test]
        fn recent_times_are_written_as_computed(
            times in proptest::collection::vec(
                proptest::prop_oneof![0u32..4, proptest::num::u32::ANY], 1..50),
        ) {
            for secs in times {
                let mut s = String::new();
                write_time(secs, &mut s);
                proptest::prop_assert_eq!(s.as_bytes(), &time_digits(secs)[..]);
                proptest::prop_assert_eq!(parse_time(s.as_bytes()), Some(secs));
            }
        }
    }
}
