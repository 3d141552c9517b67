//! Types whose RDATA is not a fixed list of fields: WKS, APL, IPSECKEY, HIP,
//! and the name positions of A6 and NXT.
//!
//! # Background
//! - WKS (RFC 1035 §3.4.2): address, protocol, a bit map of ports.
//! - APL (RFC 3123 §4): items `[!]afi:address/prefix`.
//! - IPSECKEY (RFC 4025 §2): the gateway field's form depends on the
//!   gateway type (0 none, 1 IPv4, 2 IPv6, 3 a domain name).
//! - HIP (RFC 8005 §5): lengths first, then HIT, public key, servers.
//!
//! # Usage
//! `parse_*` and `format_*`, called from `zone::rdata`.
//!
//! # Limitations
//! WKS accepts protocol numbers and `tcp`/`udp`, and port numbers only (no
//! service names); it is printed with numbers, as BIND does. A6 and NXT
//! have no text codec (RFC 3597 form only); only their names are located,
//! for canonical form.

use super::fields::{parse_field, Field};
use super::text::{
    decode_base64, decode_tokens, err, next_decimal, parse_decimal, Cursor, BASE64, HEX_ANY_CASE,
};
use super::RdataError;
use crate::zone::name::Name;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;

pub(super) fn parse_wks(cur: &mut Cursor<'_, '_>, out: &mut Vec<u8>) -> Result<(), RdataError> {
    let (i, tok) = cur.next("an IPv4 address")?;
    let addr: Ipv4Addr = std::str::from_utf8(tok.text)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| err(i, "an IPv4 address"))?;
    let (i, tok) = cur.next("a protocol number, tcp or udp")?;
    let protocol = if tok.text.eq_ignore_ascii_case(b"tcp") {
        6
    } else if tok.text.eq_ignore_ascii_case(b"udp") {
        17
    } else {
        parse_decimal(tok.text, 255).ok_or_else(|| err(i, "a protocol number, tcp or udp"))? as u8
    };
    let mut bits = Vec::new();
    while cur.peek().is_some() {
        let port = next_decimal(cur, 0xffff, "a port number")? as usize;
        if bits.len() <= port / 8 {
            bits.resize(port / 8 + 1, 0);
        }
        bits[port / 8] |= 0x80 >> (port % 8);
    }
    out.extend_from_slice(&addr.octets());
    out.push(protocol);
    out.extend_from_slice(&bits);
    Ok(())
}

pub(super) fn format_wks(rdata: &[u8], out: &mut String) -> Result<(), String> {
    if rdata.len() < 5 {
        return Err("WKS RDATA shorter than 5 octets".into());
    }
    if rdata.len() > 5 && rdata[rdata.len() - 1] == 0 {
        // Text cannot express trailing zero octets; refusing keeps
        // parse(format(wire)) == wire.
        return Err("WKS bit map ends in a zero octet".into());
    }
    out.push_str(&Ipv4Addr::new(rdata[0], rdata[1], rdata[2], rdata[3]).to_string());
    out.push(' ');
    out.push_str(&rdata[4].to_string());
    for (k, &octet) in rdata[5..].iter().enumerate() {
        for bit in 0..8 {
            if octet & (0x80 >> bit) != 0 {
                out.push(' ');
                out.push_str(&(k * 8 + bit).to_string());
            }
        }
    }
    Ok(())
}

pub(super) fn parse_apl(cur: &mut Cursor<'_, '_>, out: &mut Vec<u8>) -> Result<(), RdataError> {
    let what = "an APL item [!]afi:address/prefix";
    while cur.peek().is_some() {
        let (i, tok) = cur.next(what)?;
        let (negate, text) = match tok.text.strip_prefix(b"!") {
            Some(rest) => (true, rest),
            None => (false, tok.text),
        };
        let text = std::str::from_utf8(text).map_err(|_| err(i, what))?;
        let (family, rest) = text.split_once(':').ok_or_else(|| err(i, what))?;
        let (address, prefix) = rest.rsplit_once('/').ok_or_else(|| err(i, what))?;
        let (family, octets, max_prefix): (u16, Vec<u8>, u64) = match family {
            "1" => {
                (1, address.parse::<Ipv4Addr>().map_err(|_| err(i, what))?.octets().to_vec(), 32)
            }
            "2" => {
                (2, address.parse::<Ipv6Addr>().map_err(|_| err(i, what))?.octets().to_vec(), 128)
            }
            _ => return Err(err(i, "an APL address family 1 or 2")),
        };
        let prefix = parse_decimal(prefix.as_bytes(), max_prefix)
            .ok_or_else(|| err(i, "an APL prefix length within the family's range"))?;
        // RFC 3123 §4.1: "AFDPART ... the address ... trailing zero octets
        // ... are not sent" (trailing zeros are dropped).
        let len = octets.iter().rposition(|&b| b != 0).map_or(0, |p| p + 1);
        out.extend_from_slice(&family.to_be_bytes());
        out.push(prefix as u8);
        out.push((u8::from(negate) << 7) | len as u8);
        out.extend_from_slice(&octets[..len]);
    }
    Ok(())
}

pub(super) fn format_apl(rdata: &[u8], out: &mut String) -> Result<(), String> {
    let mut p = 0;
    while p < rdata.len() {
        let header = rdata.get(p..p + 4).ok_or("APL item header truncated")?;
        let family = u16::from_be_bytes([header[0], header[1]]);
        let prefix = header[2];
        let negate = header[3] & 0x80 != 0;
        let len = (header[3] & 0x7f) as usize;
        let part = rdata.get(p + 4..p + 4 + len).ok_or("APL address truncated")?;
        if part.last() == Some(&0) {
            return Err("APL address with trailing zero octets (RFC 3123 §4.1)".into());
        }
        if p > 0 {
            out.push(' ');
        }
        if negate {
            out.push('!');
        }
        match family {
            1 if len <= 4 && prefix <= 32 => {
                let mut a = [0u8; 4];
                a[..len].copy_from_slice(part);
                out.push_str(&format!("1:{}/{prefix}", Ipv4Addr::from(a)));
            }
            2 if len <= 16 && prefix <= 128 => {
                let mut a = [0u8; 16];
                a[..len].copy_from_slice(part);
                out.push_str(&format!("2:{}/{prefix}", Ipv6Addr::from(a)));
            }
            _ => {
                return Err(format!("APL item with family {family}, prefix {prefix}, length {len}"))
            }
        }
        p += 4 + len;
    }
    Ok(())
}

pub(super) fn parse_ipseckey(
    cur: &mut Cursor<'_, '_>,
    origin: &Name,
    out: &mut Vec<u8>,
) -> Result<(), RdataError> {
    let precedence = next_decimal(cur, 255, "an 8-bit precedence")? as u8;
    let gateway_type = next_decimal(cur, 3, "a gateway type from 0 to 3")? as u8;
    let algorithm = next_decimal(cur, 255, "an 8-bit algorithm")? as u8;
    out.extend_from_slice(&[precedence, gateway_type, algorithm]);
    match gateway_type {
        // RFC 4025 §3.1: "If no gateway is to be indicated, then the
        // gateway type field MUST be zero, and the gateway field should be
        // "."."
        0 => {
            let (i, tok) = cur.next("\".\" for no gateway")?;
            if tok.text != b"." {
                return Err(err(i, "\".\" for no gateway"));
            }
        }
        1 => {
            let (i, tok) = cur.next("an IPv4 gateway")?;
            let a: Ipv4Addr = std::str::from_utf8(tok.text)
                .ok()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| err(i, "an IPv4 gateway"))?;
            out.extend_from_slice(&a.octets());
        }
        2 => {
            let (i, tok) = cur.next("an IPv6 gateway")?;
            let a: Ipv6Addr = std::str::from_utf8(tok.text)
                .ok()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| err(i, "an IPv6 gateway"))?;
            out.extend_from_slice(&a.octets());
        }
        _ => {
            let (i, tok) = cur.next("a gateway name")?;
            let name = Name::parse(tok.text, origin)
                .map_err(|e| err(i, &format!("a gateway name ({e})")))?;
            out.extend_from_slice(name.as_wire());
        }
    }
    let (start, tokens) = cur.rest(IPSECKEY_KEY)?;
    if algorithm == 0 {
        return Err(err(2, IPSECKEY_ALGORITHM));
    }
    if tokens.is_empty() {
        return Err(err(start, IPSECKEY_KEY));
    }
    decode_tokens(tokens, &BASE64, out).map_err(|k| err(start + k, IPSECKEY_KEY))?;
    Ok(())
}

// RFC 4025 §2.4: "A value of 0 indicates that no key is present", and §2.6
// lets the key be absent. BIND and ldns cannot load an IPSECKEY without a
// key, in text or RFC 3597 form ("unexpected end of input"), and Knot
// refuses algorithm 0 with a key ("invalid gateway key"): no zone holding
// either passes all three validators, so both are refused (the twelfth
// audit, 2026-12-06).
const IPSECKEY_ALGORITHM: &str = "an algorithm from 1 to 255 (RFC 4025 §2.4: 0 means no key; \
     BIND and ldns cannot load an IPSECKEY without one, and Knot refuses algorithm 0 with one)";
const IPSECKEY_KEY: &str = "a public key in base64 (RFC 4025 §2.6 lets it be absent, but BIND \
     and ldns cannot load an IPSECKEY without one)";

/// The checks of [`parse_ipseckey`] on the algorithm and the key, for wire
/// form.
fn check_ipseckey_key(algorithm: u8, key: &[u8]) -> Result<(), String> {
    match (algorithm, key.is_empty()) {
        (0, _) => Err(IPSECKEY_ALGORITHM.to_owned()),
        (_, true) => Err(IPSECKEY_KEY.to_owned()),
        _ => Ok(()),
    }
}

/// Offset just after the gateway field.
fn ipseckey_gateway(rdata: &[u8]) -> Result<(u8, usize), String> {
    if rdata.len() < 3 {
        return Err("IPSECKEY RDATA shorter than 3 octets".into());
    }
    let end = match rdata[1] {
        0 => 3,
        1 => 7,
        2 => 19,
        3 => Name::from_wire(rdata, 3).map_err(|e| e.to_string())?.1,
        t => return Err(format!("IPSECKEY gateway type {t} (RFC 4025 §2.3: 0 to 3)")),
    };
    if end > rdata.len() {
        return Err("IPSECKEY gateway truncated".into());
    }
    Ok((rdata[1], end))
}

pub(super) fn format_ipseckey(rdata: &[u8], out: &mut String) -> Result<(), String> {
    let (gateway_type, end) = ipseckey_gateway(rdata)?;
    check_ipseckey_key(rdata[2], &rdata[end..])?;
    out.push_str(&format!("{} {} {} ", rdata[0], rdata[1], rdata[2]));
    let g = &rdata[3..end];
    match gateway_type {
        0 => out.push('.'),
        1 => out.push_str(&Ipv4Addr::new(g[0], g[1], g[2], g[3]).to_string()),
        2 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(g);
            out.push_str(&Ipv6Addr::from(a).to_string());
        }
        _ => Name::from_wire_exact(g).map_err(|e| e.to_string())?.write_presentation(out),
    }
    out.push(' ');
    out.push_str(&BASE64.encode(&rdata[end..]));
    Ok(())
}

pub(super) fn ipseckey_names(rdata: &[u8]) -> Vec<Range<usize>> {
    match ipseckey_gateway(rdata) {
        Ok((3, end)) => std::iter::once(3..end).collect(),
        _ => Vec::new(),
    }
}

pub(super) fn parse_hip(
    cur: &mut Cursor<'_, '_>,
    origin: &Name,
    out: &mut Vec<u8>,
) -> Result<(), RdataError> {
    let algorithm = next_decimal(cur, 255, "an 8-bit public key algorithm")? as u8;
    let (i, tok) = cur.next("a HIT in hex")?;
    let hit = HEX_ANY_CASE.decode(tok.text).map_err(|_| err(i, "a HIT in hex"))?;
    if hit.is_empty() || hit.len() > 255 {
        return Err(err(i, "a HIT of 1 to 255 octets in hex"));
    }
    let (i, tok) = cur.next("a public key in base64")?;
    let key = decode_base64(tok.text).ok_or_else(|| err(i, "a public key in base64"))?;
    if key.is_empty() || key.len() > 65535 {
        return Err(err(i, "a non-empty public key in base64"));
    }
    out.push(hit.len() as u8);
    out.push(algorithm);
    out.extend_from_slice(&(key.len() as u16).to_be_bytes());
    out.extend_from_slice(&hit);
    out.extend_from_slice(&key);
    while cur.peek().is_some() {
        let (i, tok) = cur.next("a rendezvous server name")?;
        let name = Name::parse(tok.text, origin)
            .map_err(|e| err(i, &format!("a rendezvous server name ({e})")))?;
        out.extend_from_slice(name.as_wire());
    }
    Ok(())
}

/// The rendezvous server names' spans, after checking the fixed part.
fn hip_layout(rdata: &[u8]) -> Result<Vec<Range<usize>>, String> {
    if rdata.len() < 4 {
        return Err("HIP RDATA shorter than 4 octets".into());
    }
    let hit_len = rdata[0] as usize;
    let key_len = u16::from_be_bytes([rdata[2], rdata[3]]) as usize;
    if hit_len == 0 || key_len == 0 {
        return Err("HIP with an empty HIT or public key".into());
    }
    let mut p = 4 + hit_len + key_len;
    if p > rdata.len() {
        return Err("HIP HIT or public key truncated".into());
    }
    let mut names = Vec::new();
    while p < rdata.len() {
        let (_, end) = Name::from_wire(rdata, p).map_err(|e| e.to_string())?;
        names.push(p..end);
        p = end;
    }
    Ok(names)
}

pub(super) fn format_hip(rdata: &[u8], out: &mut String) -> Result<(), String> {
    let names = hip_layout(rdata)?;
    let hit_end = 4 + rdata[0] as usize;
    let key_end = hit_end + u16::from_be_bytes([rdata[2], rdata[3]]) as usize;
    out.push_str(&rdata[1].to_string());
    out.push(' ');
    // BIND prints the HIT in uppercase hex.
    out.push_str(&data_encoding::HEXUPPER.encode(&rdata[4..hit_end]));
    out.push(' ');
    out.push_str(&BASE64.encode(&rdata[hit_end..key_end]));
    for r in names {
        out.push(' ');
        Name::from_wire_exact(&rdata[r]).map_err(|e| e.to_string())?.write_presentation(out);
    }
    Ok(())
}

pub(super) fn hip_names(rdata: &[u8]) -> Vec<Range<usize>> {
    hip_layout(rdata).unwrap_or_default()
}

/// RFC 2874 §3.1.1, the A6 RDATA:
///
/// ```text
/// | Prefix len. | Address suffix | Prefix name     |
/// | (1 octet)   | (0..16 octets) | (0..255 octets) |
/// ```
///
/// The prefix length is 0 to 128, the suffix holds the other bits in
/// whole octets, and the prefix name is there exactly when the prefix
/// length is not 0. zonesign reads A6 only in RFC 3597 form, and checks
/// that layout as BIND does when it loads one.
pub(super) fn check_a6(rdata: &[u8]) -> Result<(), String> {
    let Some(&prefix) = rdata.first() else {
        return Err("an A6 prefix length".to_owned());
    };
    if prefix > 128 {
        return Err(format!("an A6 prefix length from 0 to 128, not {prefix}"));
    }
    let start = a6_prefix_name_start(prefix);
    if rdata.len() < start {
        return Err(format!(
            "{} octets of A6 address suffix for prefix length {prefix}",
            start - 1
        ));
    }
    if prefix == 0 {
        return match rdata.len() - start {
            0 => Ok(()),
            _ => Err("no A6 prefix name after prefix length 0".to_owned()),
        };
    }
    match Name::from_wire(rdata, start) {
        Ok((_, end)) if end == rdata.len() => Ok(()),
        Ok((_, end)) => Err(format!("{} octets after the A6 prefix name", rdata.len() - end)),
        Err(_) => Err(format!("an A6 prefix name after prefix length {prefix}")),
    }
}

/// Where an A6's prefix name begins: after the prefix length octet and an
/// address suffix of (128 - prefix)/8 octets rounded up (`prefix` ≤ 128).
fn a6_prefix_name_start(prefix: u8) -> usize {
    1 + (128 - prefix as usize).div_ceil(8)
}

/// RFC 2874 §3.1.1: prefix length, address suffix, then the prefix name if
/// the prefix length is not 0.
pub(super) fn a6_names(rdata: &[u8]) -> Vec<Range<usize>> {
    let Some(&prefix) = rdata.first() else { return Vec::new() };
    if prefix == 0 || prefix > 128 {
        return Vec::new();
    }
    let start = a6_prefix_name_start(prefix);
    match Name::from_wire(rdata, start) {
        Ok((_, end)) => std::iter::once(start..end).collect(),
        Err(_) => Vec::new(),
    }
}

/// RFC 2535 §5.2: the NXT next domain name comes first.
pub(super) fn nxt_names(rdata: &[u8]) -> Vec<Range<usize>> {
    match Name::from_wire(rdata, 0) {
        Ok((_, end)) => std::iter::once(0..end).collect(),
        Err(_) => Vec::new(),
    }
}

/// DSYNC as BIND 9.18 writes it (RFC 9859 §2.1: RRtype, Scheme, Port,
/// Target): `CDS NOTIFY 5359 notify.example.`, the scheme a number or the
/// mnemonic of scheme 1. Read only: written in RFC 3597 form (see
/// [`crate::zone::rtype::Rtype::written_by_name`]); a TLD publishes DSYNC records for its
/// children's generalized NOTIFY, and a zone `dnssec-signzone` signed with
/// one was refused (the eightieth audit).
pub(super) fn parse_dsync(
    cur: &mut Cursor<'_, '_>,
    origin: &Name,
    out: &mut Vec<u8>,
) -> Result<(), RdataError> {
    parse_field(Field::Type, cur, origin, out)?;
    let (i, tok) = cur.next("a DSYNC scheme (a number, or NOTIFY)")?;
    let scheme = if tok.text.eq_ignore_ascii_case(b"NOTIFY") {
        1
    } else {
        parse_decimal(tok.text, 0xff)
            .ok_or_else(|| err(i, "a DSYNC scheme (a number, or NOTIFY)"))?
    };
    out.push(scheme as u8);
    parse_field(Field::U16, cur, origin, out)?;
    parse_field(Field::Name, cur, origin, out)
}

/// ATMA as BIND 9.18 writes it (the ATM Forum's address format, as
/// `opaque::check` takes it): `+` and the digits of an E.164 address
/// (format 1), or the hex of an NSAP address (format 0), dots allowed
/// between its digits. Read only, as [`parse_dsync`].
pub(super) fn parse_atma(cur: &mut Cursor<'_, '_>, out: &mut Vec<u8>) -> Result<(), RdataError> {
    let what = "an ATM address (+ and E.164 digits, or NSAP hex)";
    let (i, tok) = cur.next(what)?;
    if let Some(digits) = tok.text.strip_prefix(b"+") {
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return Err(err(i, what));
        }
        out.push(1);
        out.extend_from_slice(digits);
        return Ok(());
    }
    let hex: Vec<u8> = tok.text.iter().copied().filter(|&c| c != b'.').collect();
    let octets = HEX_ANY_CASE.decode(&hex).map_err(|_| err(i, what))?;
    if octets.is_empty() {
        return Err(err(i, what));
    }
    out.push(0);
    out.extend_from_slice(&octets);
    Ok(())
}

/// DOA as BIND 9.18 writes it: enterprise, type, location, the media type
/// as a character-string, then the data in base64 or `-` for none. Read
/// only, as [`parse_dsync`].
pub(super) fn parse_doa(
    cur: &mut Cursor<'_, '_>,
    origin: &Name,
    out: &mut Vec<u8>,
) -> Result<(), RdataError> {
    for field in [Field::U32, Field::U32, Field::U8, Field::CharString] {
        parse_field(field, cur, origin, out)?;
    }
    if cur.peek().is_some_and(|t| t.text == b"-" && !t.quoted) {
        cur.next("DOA data (base64, or - for none)")?;
        return Ok(());
    }
    parse_field(Field::Base64, cur, origin, out)
}
