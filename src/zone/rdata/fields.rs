//! RDATA described as a sequence of fields, for every type whose layout is
//! a fixed list (most of them).
//!
//! # Background
//! RFC 1035 §3.3 and later RFCs define most RDATA as fields in a fixed
//! order; the presentation format writes them in the same order separated
//! by whitespace. One table entry per type then drives parsing, printing,
//! validation of RFC 3597 data and the search for embedded names.
//!
//! # Usage
//! [`layout`] gives the fields of a type; [`field_end`] measures a field in
//! wire form; [`parse_field`] and [`format_field`] convert one field.
//!
//! # Limitations
//! A "rest" field (one that takes every remaining token or octet) is only
//! ever last.

use super::bitmap::{encode_type_bitmap_into, walk_type_bitmap};
use super::text::{
    decode_tokens, err, next_decimal, parse_char_string, parse_time, write_quoted, write_time,
    Cursor, BASE64, HEX_ANY_CASE,
};
use super::RdataError;
use crate::zone::rtype::Rtype;
use std::net::{Ipv4Addr, Ipv6Addr};

/// One field of RDATA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    U8,
    U16,
    U32,
    /// A 32-bit duration accepting BIND's units (SOA timers).
    Ttl,
    Ipv4,
    Ipv6,
    Name,
    /// One `<character-string>`.
    CharString,
    /// One or more `<character-string>`s, to the end (TXT, SPF).
    CharStrings,
    /// Zero or one `<character-string>`, to the end (ISDN subaddress).
    OptionalCharString,
    /// Base64, one or more tokens, to the end, at least one octet.
    Base64,
    /// Hex, one or more tokens, to the end, at least one octet.
    Hex,
    /// RFC 4034 §4.1.2 type bit map, zero or more type mnemonics, to the end.
    Bitmap,
    /// A type mnemonic or `TYPEnnn` in a 16-bit field (RRSIG type covered).
    Type,
    /// A DNSSEC algorithm number or mnemonic in 8 bits, printed as a
    /// number (also in CERT, see [`format_field`]).
    Algorithm,
    /// RFC 4398 §2.1 certificate type, number or mnemonic, 16 bits.
    CertType,
    /// RRSIG time, 32 bits.
    Time,
    /// RFC 7043 `xx-xx-xx-xx-xx-xx`.
    Eui48,
    /// RFC 7043 `xx-xx-xx-xx-xx-xx-xx-xx`.
    Eui64,
    /// RFC 6742 Locator64 / NodeID: `xxxx:xxxx:xxxx:xxxx`.
    Locator64,
    /// RFC 5155 salt: length octet and hex, `-` when empty.
    Salt,
    /// RFC 5155 next hashed owner: length octet and unpadded base32hex.
    NextHashed,
    /// RFC 8659 CAA tag: length octet and letters/digits.
    CaaTag,
    /// Octets to the end without a length octet, written as one quoted
    /// string (URI target, CAA value).
    QuotedRest,
}

use Field::*;

/// The fields of a type with a plain layout.
pub(super) fn layout(rtype: Rtype) -> Option<&'static [Field]> {
    Some(match rtype {
        Rtype::A => &[Ipv4],
        Rtype::NS
        | Rtype::MD
        | Rtype::MF
        | Rtype::CNAME
        | Rtype::MB
        | Rtype::MG
        | Rtype::MR
        | Rtype::PTR
        | Rtype::DNAME => &[Name],
        // RFC 1035 §3.3.13: MNAME RNAME SERIAL REFRESH RETRY EXPIRE MINIMUM.
        Rtype::SOA => &[Name, Name, U32, Ttl, Ttl, Ttl, Ttl],
        Rtype::HINFO => &[CharString, CharString],
        Rtype::MINFO | Rtype::RP => &[Name, Name],
        Rtype::MX | Rtype::AFSDB | Rtype::RT | Rtype::KX => &[U16, Name],
        Rtype::TXT | Rtype::SPF => &[CharStrings],
        Rtype::X25 => &[CharString],
        Rtype::ISDN => &[CharString, OptionalCharString],
        Rtype::PX => &[U16, Name, Name],
        Rtype::AAAA => &[Ipv6],
        Rtype::SRV => &[U16, U16, U16, Name],
        Rtype::NAPTR => &[U16, U16, CharString, CharString, CharString, Name],
        Rtype::CERT => &[CertType, U16, Algorithm, Base64],
        Rtype::DS | Rtype::CDS => &[U16, Algorithm, U8, Hex],
        Rtype::SSHFP => &[U8, U8, Hex],
        Rtype::RRSIG | Rtype::SIG => &[Type, Algorithm, U8, U32, Time, Time, U16, Name, Base64],
        Rtype::NSEC => &[Name, Bitmap],
        Rtype::DNSKEY | Rtype::CDNSKEY | Rtype::KEY => &[U16, U8, Algorithm, Base64],
        Rtype::DHCID | Rtype::OPENPGPKEY => &[Base64],
        Rtype::NSEC3 => &[U8, U8, U16, Salt, NextHashed, Bitmap],
        Rtype::NSEC3PARAM => &[U8, U8, U16, Salt],
        Rtype::TLSA | Rtype::SMIMEA => &[U8, U8, U8, Hex],
        Rtype::CSYNC => &[U32, U16, Bitmap],
        Rtype::ZONEMD => &[U32, U8, U8, Hex],
        Rtype::URI => &[U16, U16, QuotedRest],
        Rtype::CAA => &[U8, CaaTag, QuotedRest],
        Rtype::EUI48 => &[Eui48],
        Rtype::EUI64 => &[Eui64],
        Rtype::L32 => &[U16, Ipv4],
        Rtype::L64 | Rtype::NID => &[U16, Locator64],
        Rtype::LP => &[U16, Name],
        _ => return None,
    })
}

/// The text forms of types written only in RFC 3597 form (see
/// [`Rtype::written_by_name`]), as BIND 9.18 writes them: read, then held
/// to `opaque::check` as their `\#` form is. A zone `dnssec-signzone`
/// signed with `DLV 1 2 3 00` or `AVC "x"` was refused (the seventy-ninth
/// audit). DSYNC, ATMA and DOA have parsers of their own
/// (`structured::parse_dsync` and its neighbours); SINK (refused in any
/// form, see `opaque`), and UINFO, UID, GID and UNSPEC, which BIND reads in
/// `\#` form only, are read in `\#` form only.
pub(super) fn read_only_layout(rtype: Rtype) -> Option<&'static [Field]> {
    Some(match rtype {
        Rtype::NSAP_PTR => &[Name],
        Rtype::EID | Rtype::NIMLOC => &[Hex],
        Rtype::NINFO | Rtype::AVC | Rtype::RESINFO | Rtype::WALLET => &[CharStrings],
        Rtype::RKEY => &[U16, U8, Algorithm, Base64],
        Rtype::TALINK => &[Name, Name],
        Rtype::HHIT | Rtype::BRID => &[Base64],
        Rtype::TA | Rtype::DLV => &[U16, Algorithm, U8, Hex],
        _ => return None,
    })
}

/// DNSSEC algorithm mnemonics (RFC 4034 Appendix A.1 and the IANA
/// registry), BIND's spellings first, then the IANA ones Knot and ldns
/// read. Read only: every algorithm field is written as a number.
const ALGORITHMS: &[(u8, &str)] = &[
    (1, "RSAMD5"),
    (2, "DH"),
    (3, "DSA"),
    (4, "ECC"),
    (5, "RSASHA1"),
    (6, "NSEC3DSA"),
    (7, "NSEC3RSASHA1"),
    (8, "RSASHA256"),
    (10, "RSASHA512"),
    (12, "ECCGOST"),
    (13, "ECDSAP256SHA256"),
    (14, "ECDSAP384SHA384"),
    (15, "ED25519"),
    (16, "ED448"),
    (252, "INDIRECT"),
    (253, "PRIVATEDNS"),
    (254, "PRIVATEOID"),
    (6, "DSA-NSEC3-SHA1"),
    (7, "RSASHA1-NSEC3-SHA1"),
    (12, "ECC-GOST"),
];

/// RFC 4398 §2.1 certificate types.
const CERT_TYPES: &[(u16, &str)] = &[
    (1, "PKIX"),
    (2, "SPKI"),
    (3, "PGP"),
    (4, "IPKIX"),
    (5, "ISPKI"),
    (6, "IPGP"),
    (7, "ACPKIX"),
    (8, "IACPKIX"),
    (253, "URI"),
    (254, "OID"),
];

/// A DNSSEC algorithm number or mnemonic (case-insensitive).
pub(super) fn parse_algorithm(text: &[u8]) -> Option<u8> {
    if let Some(v) = super::text::parse_decimal(text, 255) {
        return Some(v as u8);
    }
    ALGORITHMS.iter().find(|(_, m)| text.eq_ignore_ascii_case(m.as_bytes())).map(|&(n, _)| n)
}

/// Where the field starting at `pos` ends, checking its content.
pub(super) fn field_end(field: Field, rdata: &[u8], pos: usize) -> Result<usize, String> {
    let fixed = |len: usize| -> Result<usize, String> {
        if rdata.len() < pos + len {
            Err(format!("ends inside a {len}-octet field"))
        } else {
            Ok(pos + len)
        }
    };
    let rest = &rdata[pos.min(rdata.len())..];
    match field {
        U8 | Algorithm => fixed(1),
        U16 | Type | CertType => fixed(2),
        U32 | Ttl | Time | Ipv4 => fixed(4),
        Ipv6 => fixed(16),
        Eui48 => fixed(6),
        Eui64 | Locator64 => fixed(8),
        // The checks of `Name::from_wire`, without building the name.
        Name => crate::zone::name::wire_name_end(rdata, pos).map_err(|e| e.to_string()),
        CharString => {
            let len = *rest.first().ok_or("ends before a character-string")? as usize;
            fixed(1 + len)
        }
        Salt | NextHashed | CaaTag => {
            let len = *rest.first().ok_or("ends before a length octet")? as usize;
            let end = fixed(1 + len)?;
            let body = &rdata[pos + 1..end];
            if field == NextHashed && body.is_empty() {
                return Err("empty next hashed owner name (RFC 5155 §3.1.7)".into());
            }
            if field == CaaTag && (body.is_empty() || !body.iter().all(u8::is_ascii_alphanumeric)) {
                return Err(
                    "CAA tag that is not 1 or more letters and digits (RFC 8659 §4.1)".into()
                );
            }
            Ok(end)
        }
        CharStrings | OptionalCharString => {
            let mut p = 0;
            let mut count = 0;
            while p < rest.len() {
                p += 1 + rest[p] as usize;
                count += 1;
            }
            if p > rest.len() {
                return Err("a character-string runs past the end".into());
            }
            if field == CharStrings && count == 0 {
                return Err("no character-string".into());
            }
            if field == OptionalCharString && count > 1 {
                return Err("more than one trailing character-string".into());
            }
            Ok(rdata.len())
        }
        Base64 | Hex => {
            if rest.is_empty() {
                return Err("empty binary field at the end".into());
            }
            Ok(rdata.len())
        }
        Bitmap => walk_type_bitmap(rest, |_| {}).map(|_| rdata.len()).map_err(|e| e.to_string()),
        QuotedRest => Ok(rdata.len()),
    }
}

/// Parses one field from the cursor, appending wire form to `out`.
pub(super) fn parse_field(
    field: Field,
    cur: &mut Cursor<'_, '_>,
    origin: &crate::zone::name::Name,
    out: &mut Vec<u8>,
) -> Result<(), RdataError> {
    match field {
        U8 => out.push(next_decimal(cur, 0xff, "an 8-bit integer")? as u8),
        U16 => out.extend_from_slice(
            &(next_decimal(cur, 0xffff, "a 16-bit integer")? as u16).to_be_bytes(),
        ),
        U32 => out.extend_from_slice(
            &(next_decimal(cur, 0xffff_ffff, "a 32-bit integer")? as u32).to_be_bytes(),
        ),
        Ttl => {
            let (i, tok) = cur.next("a TTL-style 32-bit integer")?;
            let v = super::ttl::parse_ttl(tok.text)
                .ok_or_else(|| err(i, "a TTL-style 32-bit integer"))?;
            out.extend_from_slice(&v.to_be_bytes());
        }
        Ipv4 => {
            let (i, tok) = cur.next("an IPv4 address")?;
            let addr: Ipv4Addr = std::str::from_utf8(tok.text)
                .ok()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| err(i, "an IPv4 address"))?;
            out.extend_from_slice(&addr.octets());
        }
        Ipv6 => {
            let (i, tok) = cur.next("an IPv6 address")?;
            let addr: Ipv6Addr = std::str::from_utf8(tok.text)
                .ok()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| err(i, "an IPv6 address"))?;
            out.extend_from_slice(&addr.octets());
        }
        Name => {
            let (i, tok) = cur.next("a domain name")?;
            crate::zone::name::Name::parse_into(tok.text, origin, out)
                .map_err(|e| err(i, &format!("a domain name ({e})")))?;
        }
        CharString => {
            let (i, tok) = cur.next_string("a character-string")?;
            push_char_string(i, tok, out)?;
        }
        CharStrings | OptionalCharString => {
            let (start, tokens) = cur.rest_strings();
            if field == CharStrings && tokens.is_empty() {
                return Err(err(start, "a character-string"));
            }
            if field == OptionalCharString && tokens.len() > 1 {
                return Err(err(start + 1, "the end of the RDATA"));
            }
            for (k, tok) in tokens.iter().enumerate() {
                push_char_string(start + k, tok, out)?;
            }
        }
        Base64 | Hex => {
            let (encoding, what) = match field {
                Base64 => (&BASE64, "base64 data"),
                _ => (&HEX_ANY_CASE, "hexadecimal data"),
            };
            let (start, tokens) = cur.rest(what)?;
            if tokens.is_empty() {
                return Err(err(start, what));
            }
            let decoded = decode_tokens(tokens, encoding, out).map_err(|k| err(start + k, what))?;
            if decoded == 0 {
                return Err(err(start, what));
            }
        }
        Bitmap => {
            let (start, tokens) = cur.rest("a record type")?;
            // On the stack for the usual handful of types (NSEC3 of a
            // delegation: NS DS RRSIG).
            let mut stack = [0u16; 16];
            let mut heap = Vec::new();
            let types: &mut [u16] = if tokens.len() <= stack.len() {
                &mut stack[..tokens.len()]
            } else {
                heap.resize(tokens.len(), 0);
                &mut heap
            };
            for (k, (tok, t)) in tokens.iter().zip(types.iter_mut()).enumerate() {
                *t = Rtype::from_text(tok.text).ok_or_else(|| err(start + k, "a record type"))?.0;
            }
            encode_type_bitmap_into(types, out);
        }
        Type => {
            let (i, tok) = cur.next("a record type")?;
            let t = Rtype::from_text(tok.text).ok_or_else(|| err(i, "a record type"))?;
            out.extend_from_slice(&t.0.to_be_bytes());
        }
        Algorithm => {
            let (i, tok) = cur.next("a DNSSEC algorithm number or mnemonic")?;
            let v = parse_algorithm(tok.text)
                .ok_or_else(|| err(i, "a DNSSEC algorithm number or mnemonic"))?;
            out.push(v);
        }
        CertType => {
            let (i, tok) = cur.next("a certificate type number or mnemonic")?;
            let v = super::text::parse_decimal(tok.text, 0xffff)
                .map(|v| v as u16)
                .or_else(|| {
                    CERT_TYPES
                        .iter()
                        .find(|(_, m)| tok.text.eq_ignore_ascii_case(m.as_bytes()))
                        .map(|&(n, _)| n)
                })
                .ok_or_else(|| err(i, "a certificate type number or mnemonic"))?;
            out.extend_from_slice(&v.to_be_bytes());
        }
        Time => {
            let what = "a time as YYYYMMDDHHmmSS or seconds since 1970";
            let (i, tok) = cur.next(what)?;
            out.extend_from_slice(&parse_time(tok.text).ok_or_else(|| err(i, what))?.to_be_bytes());
        }
        Eui48 | Eui64 => {
            let (n, what) = if field == Eui48 {
                (6, "an EUI-48 address (xx-xx-xx-xx-xx-xx)")
            } else {
                (8, "an EUI-64 address (xx-xx-xx-xx-xx-xx-xx-xx)")
            };
            let (i, tok) = cur.next(what)?;
            // RFC 7043 §3.2: "six groups of two hexadecimal digits separated
            // by hyphens" (eight for EUI-64).
            let groups: Vec<&[u8]> = tok.text.split(|&b| b == b'-').collect();
            if groups.len() != n || groups.iter().any(|g| g.len() != 2) {
                return Err(err(i, what));
            }
            for g in groups {
                let v = HEX_ANY_CASE.decode(g).map_err(|_| err(i, what))?;
                out.extend_from_slice(&v);
            }
        }
        Locator64 => {
            let what = "a 64-bit locator (xxxx:xxxx:xxxx:xxxx)";
            let (i, tok) = cur.next(what)?;
            let groups: Vec<&[u8]> = tok.text.split(|&b| b == b':').collect();
            if groups.len() != 4 {
                return Err(err(i, what));
            }
            for g in groups {
                if g.is_empty() || g.len() > 4 || !g.iter().all(u8::is_ascii_hexdigit) {
                    return Err(err(i, what));
                }
                let v = g.iter().fold(0u16, |a, &d| {
                    // Invariant: `d` is an ASCII hex digit, checked above.
                    a << 4 | (d as char).to_digit(16).unwrap_or(0) as u16
                });
                out.extend_from_slice(&v.to_be_bytes());
            }
        }
        Salt => {
            let what = "a salt in hex or -";
            let (i, tok) = cur.next(what)?;
            if tok.text == b"-" {
                out.push(0);
            } else {
                let salt = HEX_ANY_CASE.decode(tok.text).map_err(|_| err(i, what))?;
                // RFC 5155 §3.3: "the Salt field is represented as a sequence
                // of case-insensitive hexadecimal digits"; an empty salt is "-".
                if salt.is_empty() || salt.len() > 255 {
                    return Err(err(i, "a salt of 1 to 255 octets in hex, or -"));
                }
                out.push(salt.len() as u8);
                out.extend_from_slice(&salt);
            }
        }
        NextHashed => {
            let what = "a next hashed owner name in base32hex";
            let (i, tok) = cur.next(what)?;
            // RFC 5155 §3.3: "an unpadded sequence of case-insensitive
            // base32 digits" (base32hex, erratum 3544).
            // On the stack: at most 255 octets, 408 base32 digits.
            let mut upper = [0u8; 408];
            let text = upper.get_mut(..tok.text.len()).ok_or_else(|| err(i, what))?;
            text.copy_from_slice(tok.text);
            text.make_ascii_uppercase();
            let b32 = &data_encoding::BASE32HEX_NOPAD;
            let len = b32.decode_len(text.len()).map_err(|_| err(i, what))?;
            let mut hash = [0u8; 255];
            let hash = hash.get_mut(..len).ok_or_else(|| err(i, what))?;
            let n = b32.decode_mut(text, hash).map_err(|_| err(i, what))?;
            if n == 0 {
                return Err(err(i, what));
            }
            out.push(n as u8);
            out.extend_from_slice(&hash[..n]);
        }
        CaaTag => {
            let what = "a CAA tag of letters and digits";
            let (i, tok) = cur.next(what)?;
            if tok.quoted
                || tok.text.is_empty()
                || tok.text.len() > 255
                || !tok.text.iter().all(u8::is_ascii_alphanumeric)
            {
                return Err(err(i, what));
            }
            out.push(tok.text.len() as u8);
            out.extend_from_slice(tok.text);
        }
        QuotedRest => {
            let (i, tok) = cur.next_string("a quoted string")?;
            let bytes = tok.unescaped().ok_or_else(|| err(i, "a string with valid escapes"))?;
            out.extend_from_slice(&bytes);
        }
    }
    Ok(())
}

fn push_char_string(
    i: usize,
    tok: &crate::load::token::Token<'_>,
    out: &mut Vec<u8>,
) -> Result<(), RdataError> {
    let bytes = parse_char_string(tok)
        .ok_or_else(|| err(i, "a character-string of at most 255 octets with valid escapes"))?;
    out.push(bytes.len() as u8);
    out.extend_from_slice(&bytes);
    Ok(())
}

/// Writes one field, whose wire form is exactly `bytes` (as measured by
/// [`field_end`]).
/// Appends an unsigned integer in decimal.
fn push_uint<I: itoa::Integer>(out: &mut String, v: I) {
    out.push_str(itoa::Buffer::new().format(v));
}

/// Prints one field, `bytes` being exactly the field as [`field_end`]
/// delimited and checked it.
pub(super) fn format_field(field: Field, bytes: &[u8], out: &mut String) -> Result<(), String> {
    let be16 = |b: &[u8]| u16::from_be_bytes([b[0], b[1]]);
    let be32 = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    match field {
        // RFC 4398 §2.2: "The algorithm field can be represented as either
        // an unsigned decimal integer or as an algorithm mnemonic symbol";
        // CERT's is written as a number, as DNSKEY's and RRSIG's are. BIND printed 4 as `ECC`, which BIND itself
        // cannot read, and 6, 7 and 12 by names Knot and ldns cannot read:
        // no mnemonic of those four is read by all three, a number is (as
        // ldns writes every CERT algorithm; the twelfth audit, 2026-12-06).
        U8 | Algorithm => push_uint(out, bytes[0]),
        U16 => push_uint(out, be16(bytes)),
        U32 | Ttl => push_uint(out, be32(bytes)),
        Time => write_time(be32(bytes), out),
        Type => Rtype(be16(bytes)).write_to(out),
        CertType => {
            let v = be16(bytes);
            match CERT_TYPES.iter().find(|(n, _)| *n == v) {
                Some((_, m)) => out.push_str(m),
                None => push_uint(out, v),
            }
        }
        Ipv4 => {
            for (k, &b) in bytes[..4].iter().enumerate() {
                if k > 0 {
                    out.push('.');
                }
                push_uint(out, b);
            }
        }
        Ipv6 => {
            use std::fmt::Write as _;
            let mut a = [0u8; 16];
            a.copy_from_slice(bytes);
            // Writing to a String cannot fail.
            let _ = write!(out, "{}", Ipv6Addr::from(a));
        }
        // `field_end` found exactly one valid name here.
        Name => crate::zone::name::write_wire_presentation(bytes, out),
        CharString => write_quoted(&bytes[1..], out),
        CharStrings | OptionalCharString => {
            let mut p = 0;
            while p < bytes.len() {
                let len = bytes[p] as usize;
                if p > 0 {
                    out.push(' ');
                }
                write_quoted(&bytes[p + 1..p + 1 + len], out);
                p += 1 + len;
            }
        }
        Base64 => BASE64.encode_append(bytes, out),
        // BIND prints hex in uppercase (DS, TLSA, SSHFP, ZONEMD, salt).
        Hex => data_encoding::HEXUPPER.encode_append(bytes, out),
        Bitmap => {
            let mark = out.len();
            let mut first = true;
            walk_type_bitmap(bytes, |t| {
                if !first {
                    out.push(' ');
                }
                first = false;
                t.write_to(out);
            })
            .map_err(|e| {
                out.truncate(mark);
                e.to_string()
            })?;
        }
        Eui48 | Eui64 => {
            // BIND and RFC 7043 §3.2 examples use lowercase.
            for (k, b) in bytes.iter().enumerate() {
                if k > 0 {
                    out.push('-');
                }
                out.push_str(&format!("{b:02x}"));
            }
        }
        Locator64 => {
            // Four hex digits a group, lowercase, as RFC 6742 §2.1.2 and
            // §2.3.2 write them ("0014:4fff:ff20:ee64") and ldns prints
            // them. BIND prints them without leading zeros and reads
            // either; Knot reads only four digits and refused the signed
            // zone (the seventh audit, 2026-12-06).
            for k in 0..4 {
                if k > 0 {
                    out.push(':');
                }
                out.push_str(&format!("{:04x}", be16(&bytes[2 * k..])));
            }
        }
        Salt => {
            if bytes.len() == 1 {
                out.push('-');
            } else {
                data_encoding::HEXUPPER.encode_append(&bytes[1..], out);
            }
        }
        // BIND prints the next hashed owner name in uppercase base32hex.
        NextHashed => data_encoding::BASE32HEX_NOPAD.encode_append(&bytes[1..], out),
        CaaTag => out.push_str(&String::from_utf8_lossy(&bytes[1..])),
        QuotedRest => write_quoted(bytes, out),
    }
    Ok(())
}
