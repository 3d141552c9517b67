//! LOC (RFC 1876): location in degrees, minutes, seconds, altitude and
//! precision.
//!
//! # Background
//! RFC 1876 §3: "LOC ( d1 [m1 [s1]] {"N"|"S"} d2 [m2 [s2]] {"E"|"W"}
//! alt["m"] [siz["m"] [hp["m"] [vp["m"]]]] )". Defaults: "If omitted,
//! minutes and seconds default to zero, size defaults to 1m, horizontal
//! precision defaults to 10000m, and vertical precision defaults to 10m."
//!
//! # Usage
//! [`parse`] and [`format`], called from `zone::rdata`.
//!
//! # Limitations
//! Size and precisions are stored as one decimal digit times a power of ten
//! centimetres (RFC 1876 §2); other values are truncated to that form as
//! BIND does (`1.5m` becomes `1m`). Printing follows BIND 9.18:
//! `42 21 54.000 N 71 6 18.000 W -24.00m 30m 10000m 10m`. A version other
//! than 0 is read in RFC 3597 form only, as opaque octets, and so written.

use super::text::{err, Cursor};
use super::RdataError;

/// RFC 1876 §2: latitude and longitude are "expressed as a 32-bit integer,
/// most significant octet first, with 2^31 representing the equator" /
/// "prime meridian", in thousandths of a second of arc.
const EQUATOR: i64 = 1 << 31;
/// RFC 1876 §2: altitude in centimeters "from a base of 100,000m below the
/// WGS 84 reference spheroid".
const ALTITUDE_BASE_CM: i64 = 10_000_000;

pub(super) fn parse(cur: &mut Cursor<'_, '_>, out: &mut Vec<u8>) -> Result<(), RdataError> {
    let latitude = parse_coordinate(cur, 90, b'N', b'S')?;
    let longitude = parse_coordinate(cur, 180, b'E', b'W')?;
    let (i, tok) = cur.next("an altitude in metres")?;
    let altitude = parse_metres(tok.text, true)
        .filter(|cm| (-ALTITUDE_BASE_CM..=u32::MAX as i64 - ALTITUDE_BASE_CM).contains(cm))
        .ok_or_else(|| err(i, "an altitude from -100000.00 to 42849672.95 metres"))?;
    // Size 1m, horizontal precision 10000m, vertical precision 10m.
    let mut precision = [100i64, 1_000_000, 1000];
    for slot in &mut precision {
        let Some(tok) = cur.peek() else { break };
        let i = cur.position();
        let cm = parse_metres(tok.text, false)
            .filter(|cm| *cm <= 9_000_000_000)
            .ok_or_else(|| err(i, "a size or precision from 0 to 90000000.00 metres"))?;
        cur.next("a size or precision from 0 to 90000000.00 metres")?;
        *slot = cm;
    }
    cur.finish()?;
    out.push(0); // RFC 1876 §2: "VERSION ... MUST be zero"
    for cm in precision {
        out.push(encode_precision(cm));
    }
    out.extend_from_slice(&((EQUATOR + latitude) as u32).to_be_bytes());
    out.extend_from_slice(&((EQUATOR + longitude) as u32).to_be_bytes());
    out.extend_from_slice(&((altitude + ALTITUDE_BASE_CM) as u32).to_be_bytes());
    Ok(())
}

/// `d [m [s]] H`: signed thousandths of arcseconds.
fn parse_coordinate(
    cur: &mut Cursor<'_, '_>,
    max_degrees: u64,
    positive: u8,
    negative: u8,
) -> Result<i64, RdataError> {
    let what_deg =
        if max_degrees == 90 { "latitude degrees (0-90)" } else { "longitude degrees (0-180)" };
    let what_hemi = if max_degrees == 90 { "N or S" } else { "E or W" };
    let degrees = super::text::next_decimal(cur, max_degrees, what_deg)? as i64;
    let mut minutes = 0i64;
    let mut millis = 0i64;
    let mut sign = None;
    for step in 0..3 {
        let (i, tok) = cur.next(what_hemi)?;
        // RFC 1876 §3: `"N"|"S"`, `"E"|"W"`: upper case, as BIND, Knot
        // and ldns read them (lower case was taken; the eighth audit,
        // 2026-12-06).
        if tok.text == [positive] {
            sign = Some(1);
            break;
        }
        if tok.text == [negative] {
            sign = Some(-1);
            break;
        }
        match step {
            0 => {
                minutes = super::text::parse_decimal(tok.text, 59)
                    .ok_or_else(|| err(i, "minutes (0-59) or a hemisphere"))?
                    as i64
            }
            1 => {
                millis = parse_fixed(tok.text, 3)
                    .filter(|v| *v < 60_000)
                    .ok_or_else(|| err(i, "seconds (0-59.999) or a hemisphere"))?
            }
            _ => return Err(err(i, what_hemi)),
        }
    }
    let sign = sign.ok_or_else(|| err(cur.position(), what_hemi))?;
    let value = (degrees * 3600 + minutes * 60) * 1000 + millis;
    if value > max_degrees as i64 * 3_600_000 {
        return Err(err(cur.position() - 1, "a coordinate within range"));
    }
    Ok(sign * value)
}

/// Decimal with at most `scale` fraction digits, scaled to an integer.
/// Either side of the point may be empty (`5.`, `.5`), not both: BIND
/// reads both forms, Knot and ldns the first; zonesign refused them (the
/// eighth audit, 2026-12-06).
fn parse_fixed(text: &[u8], scale: u32) -> Option<i64> {
    let (int, frac) = match text.iter().position(|&b| b == b'.') {
        Some(p) => (&text[..p], &text[p + 1..]),
        None => (text, &text[..0]),
    };
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if frac.len() > scale as usize || !frac.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let whole =
        if int.is_empty() { 0 } else { super::text::parse_decimal(int, 100_000_000_000)? as i64 };
    let mut f = 0i64;
    for k in 0..scale as usize {
        f = f * 10 + frac.get(k).map_or(0, |&d| i64::from(d - b'0'));
    }
    Some(whole * 10i64.pow(scale) + f)
}

/// Metres with up to two decimals and an optional `m`, to centimetres.
/// RFC 1876 §3 writes the unit `m`; BIND and Knot refuse `M` (the
/// forty-first audit, 2026-12-07: zonesign took it).
fn parse_metres(text: &[u8], signed: bool) -> Option<i64> {
    let text = text.strip_suffix(b"m").unwrap_or(text);
    let (neg, body) = match text.strip_prefix(b"-") {
        Some(rest) if signed => (true, rest),
        _ => (false, text),
    };
    let v = parse_fixed(body, 2)?;
    Some(if neg { -v } else { v })
}

/// RFC 1876 §2: "expressed as a pair of four-bit unsigned integers, each
/// ranging from zero to nine, with the most significant four bits
/// representing the base and the second number representing the power of
/// ten by which to multiply the base."
fn encode_precision(cm: i64) -> u8 {
    let mut mantissa = cm;
    let mut exponent = 0u8;
    while mantissa > 9 {
        mantissa /= 10;
        exponent += 1;
    }
    (mantissa as u8) << 4 | exponent
}

/// The inverse of [`encode_precision`], for the octets it makes: a zero
/// base with a power of ten above zero (0x01 to 0x09) is zero as well, but
/// text cannot say which of those octets it was, so the zone written would
/// not be the zone signed. BIND refuses such an octet too (`loc_29.c`:
/// `ISC_R_RANGE`).
fn decode_precision(b: u8) -> Result<u64, String> {
    let (mantissa, exponent) = (b >> 4, b & 0x0f);
    if mantissa > 9 || exponent > 9 {
        return Err(format!("size or precision octet {b:#04x} has a digit above 9 (RFC 1876 §2)"));
    }
    if mantissa == 0 && exponent != 0 {
        return Err(format!(
            "size or precision octet {b:#04x} is zero with a power of ten (RFC 1876 §2: only 0x00 is zero)"
        ));
    }
    Ok(u64::from(mantissa) * 10u64.pow(u32::from(exponent)))
}

pub(super) fn format(rdata: &[u8], out: &mut String) -> Result<(), String> {
    // RFC 1876 §2: VERSION "must be zero. Implementations are required to
    // check this field and make no assumptions about the format of
    // unrecognized versions." Another version is opaque RDATA, written in
    // RFC 3597 form, as BIND writes it; BIND, Knot and ldns load it
    // (zonesign refused it; the twelfth audit, 2026-12-06).
    // Knot reads every LOC as 16 octets and calls the signature over any
    // other length bogus: another version is held to 16 octets too (the
    // thirteenth audit, 2026-12-06).
    if rdata.first().is_some_and(|&version| version != 0) {
        if rdata.len() != 16 {
            return Err(format!(
                "LOC RDATA of version {} in {} octets: Knot reads every LOC as 16",
                rdata[0],
                rdata.len()
            ));
        }
        super::format_generic(rdata, out);
        return Ok(());
    }
    if rdata.len() != 16 {
        return Err(format!("LOC RDATA of {} octets, not 16", rdata.len()));
    }
    let precision =
        [decode_precision(rdata[1])?, decode_precision(rdata[2])?, decode_precision(rdata[3])?];
    let be32 = |k: usize| {
        i64::from(u32::from_be_bytes([rdata[k], rdata[k + 1], rdata[k + 2], rdata[k + 3]]))
    };
    let latitude = be32(4) - EQUATOR;
    let longitude = be32(8) - EQUATOR;
    if latitude.abs() > 90 * 3_600_000 || longitude.abs() > 180 * 3_600_000 {
        return Err("latitude or longitude out of range (RFC 1876 §2)".into());
    }
    write_coordinate(latitude, b'N', b'S', out);
    out.push(' ');
    write_coordinate(longitude, b'E', b'W', out);
    let altitude = be32(12) - ALTITUDE_BASE_CM;
    let sign = if altitude < 0 { "-" } else { "" };
    out.push_str(&format!(" {sign}{}.{:02}m", altitude.abs() / 100, altitude.abs() % 100));
    for cm in precision {
        if cm >= 100 {
            out.push_str(&format!(" {}m", cm / 100));
        } else {
            out.push_str(&format!(" 0.{cm:02}m"));
        }
    }
    Ok(())
}

fn write_coordinate(value: i64, positive: u8, negative: u8, out: &mut String) {
    let hemisphere = if value < 0 { negative } else { positive } as char;
    let v = value.abs();
    let (degrees, minutes) = (v / 3_600_000, (v / 60_000) % 60);
    let (seconds, millis) = ((v / 1000) % 60, v % 1000);
    out.push_str(&format!("{degrees} {minutes} {seconds}.{millis:03} {hemisphere}"));
}
