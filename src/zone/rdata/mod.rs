//! RDATA codecs: presentation format to wire form and back, per type.
//!
//! # Background
//! Every record's RDATA is kept in uncompressed wire form from the moment it
//! is parsed. Signing, canonical ordering within an RRset (RFC 4034 §6.3),
//! duplicate removal and verification all work on those octets; text exists
//! only at the edges (loading and writing).
//!
//! # Usage
//! [`parse_rdata`] turns the RDATA tokens of one record into wire form,
//! accepting the RFC 3597 `\# len hex` form for every type (and checking
//! the decoded octets against the type's structure for types we know).
//! [`format_rdata`] writes wire form as BIND 9 and Knot print it, on one
//! line: the types a signed TLD is made of by the writers of `common`, the
//! others by their field table. [`canonicalize_rdata`] lowercases embedded
//! names for the types RFC 4034 §6.2 lists, as corrected by RFC 6840 §5.1.
//! [`embedded_names`], [`soa_serial`], [`soa_minimum`] and
//! [`set_soa_serial`] read wire form for later stages. [`bitmap`] has the
//! NSEC type bit maps and [`ttl`] the TTL syntax the loader shares.
//!
//! # Limitations
//! Printing differs from BIND 9.18 on purpose in a few places:
//! - base64 and hex are one unbroken token (BIND splits long ones);
//! - RRSIG times are printed from the unsigned 32-bit value (1970 to
//!   2106); BIND picks the date in a window around the current time, so it
//!   prints 4102444800 as 19631125173144 in 2026;
//! - SVCB `dohpath` and `ohttp` are read by name but printed `key7="..."`
//!   and `key8`, as BIND 9.18 prints them (it reads `ohttp` by number
//!   only).
//!
//! A6, NXT, NSAP, GPOS, NULL, AMTRELAY and unknown types have no text form
//! but RFC 3597's.

pub mod bitmap;
mod common;
mod fields;
mod loc;
mod naptr;
mod opaque;
mod structured;
mod svcb;
mod text;
pub mod ttl;

#[cfg(test)]
mod tests;

use crate::load::token::Token;
use crate::zone::name::Name;
use crate::zone::rtype::Rtype;
use fields::{field_end, format_field, layout, parse_field, Field};
use std::fmt;
use std::ops::Range;
use text::{err, Cursor};

/// What was wrong with RDATA tokens. `token` is the index of the offending
/// token in the slice given to [`parse_rdata`]; `tokens.len()` means one was
/// missing at the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RdataError {
    pub token: usize,
    /// What was expected there, e.g. "an IPv4 address", "a 16-bit integer".
    pub expected: String,
}

impl fmt::Display for RdataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RDATA token {}: expected {}", self.token, self.expected)
    }
}

impl std::error::Error for RdataError {}

/// Wire-form RDATA that does not parse as its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedRdata {
    pub rtype: Rtype,
    pub reason: String,
}

impl fmt::Display for MalformedRdata {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed {} RDATA: {}", self.rtype, self.reason)
    }
}

impl std::error::Error for MalformedRdata {}

/// RFC 1035 §3.2.1: RDLENGTH is "an unsigned 16 bit integer".
pub const MAX_RDATA_LEN: usize = 65535;

/// How a type's RDATA is coded.
enum Codec {
    Fields(&'static [Field]),
    Loc,
    Svcb,
    Wks,
    Apl,
    Ipseckey,
    Hip,
    /// RFC 3597 form only: NULL, A6, NXT, AMTRELAY, unknown types (those
    /// BIND checks are checked as it does, see `opaque`).
    GenericOnly,
}

fn codec(rtype: Rtype) -> Codec {
    if let Some(fields) = layout(rtype) {
        return Codec::Fields(fields);
    }
    match rtype {
        Rtype::LOC => Codec::Loc,
        Rtype::SVCB | Rtype::HTTPS => Codec::Svcb,
        Rtype::WKS => Codec::Wks,
        Rtype::APL => Codec::Apl,
        Rtype::IPSECKEY => Codec::Ipseckey,
        Rtype::HIP => Codec::Hip,
        _ => Codec::GenericOnly,
    }
}

/// Parses the RDATA tokens of one record of type `rtype` into wire form,
/// appending to `out`. Relative names are completed with `origin`. On error
/// `out` is left as it was.
pub fn parse_rdata(
    rtype: Rtype,
    tokens: &[Token<'_>],
    origin: &Name,
    out: &mut Vec<u8>,
) -> Result<(), RdataError> {
    let start = out.len();
    let result = parse_into(rtype, tokens, origin, out, start);
    match result {
        Ok(()) if out.len() - start > MAX_RDATA_LEN => {
            out.truncate(start);
            Err(err(0, "RDATA of at most 65535 octets"))
        }
        Ok(()) => Ok(()),
        Err(e) => {
            out.truncate(start);
            Err(e)
        }
    }
}

fn parse_into(
    rtype: Rtype,
    tokens: &[Token<'_>],
    origin: &Name,
    out: &mut Vec<u8>,
    start: usize,
) -> Result<(), RdataError> {
    // RFC 3597 §5: "The RDATA section of a RR of unknown type is
    // represented as a sequence of white space separated words as follows:
    // The special token \# (a backslash immediately followed by a hash
    // sign), which identifies the RDATA as having the generic encoding".
    if tokens.first().is_some_and(|t| t.text == b"\\#" && !t.quoted) {
        parse_generic(tokens, out)?;
        // RFC 3597 §5: "An implementation MAY also choose to represent some
        // RRs of known type using the above generic representations" -- and
        // the octets must then be that type's RDATA.
        if let Err(reason) = validate_rdata(rtype, &out[start..]) {
            return Err(err(
                2.min(tokens.len()),
                &format!("{rtype} RDATA in hex ({})", reason.reason),
            ));
        }
        return Ok(());
    }
    let codec = codec(rtype);
    // RDATA that is one name (NS, CNAME, PTR, DNAME, ...; a TLD's NS records
    // are most of its records), given as one token: the field loop below,
    // without the cursor and the checks that cannot fail for it.
    if let (Codec::Fields([Field::Name]), [tok]) = (&codec, tokens) {
        if tok.quoted {
            return Err(text::unquoted(0, "a domain name"));
        }
        return Name::parse_into(tok.text, origin, out)
            .map_err(|e| err(0, &format!("a domain name ({e})")));
    }
    let mut cur = Cursor::new(tokens);
    match codec {
        Codec::Fields(fields) => {
            for &field in fields {
                parse_field(field, &mut cur, origin, out)?;
            }
            if let Err((field, reason)) = check_semantics(rtype, &out[start..]) {
                return Err(err(field_start_token(fields, field, tokens, origin), &reason));
            }
        }
        Codec::Loc => loc::parse(&mut cur, out)?,
        Codec::Svcb => svcb::parse(&mut cur, origin, out)?,
        Codec::Wks => structured::parse_wks(&mut cur, out)?,
        Codec::Apl => structured::parse_apl(&mut cur, out)?,
        Codec::Ipseckey => structured::parse_ipseckey(&mut cur, origin, out)?,
        Codec::Hip => structured::parse_hip(&mut cur, origin, out)?,
        Codec::GenericOnly => {
            match fields::read_only_layout(rtype) {
                Some(fields) => {
                    for &field in fields {
                        parse_field(field, &mut cur, origin, out)?;
                    }
                }
                None => match rtype {
                    Rtype::DSYNC => structured::parse_dsync(&mut cur, origin, out)?,
                    Rtype::ATMA => structured::parse_atma(&mut cur, out)?,
                    Rtype::DOA => structured::parse_doa(&mut cur, origin, out)?,
                    _ => {
                        return Err(err(
                            0,
                            &format!("RDATA in RFC 3597 form (\\# length hex) for {rtype}"),
                        ))
                    }
                },
            }
            if let Err(reason) = validate_rdata(rtype, &out[start..]) {
                return Err(err(0, &format!("{rtype} RDATA ({})", reason.reason)));
            }
        }
    }
    cur.finish()
}

/// The token where field `index` of `fields` begins, 0 if there is no such
/// field. For error messages only: it parses the fields before it again,
/// so that the usual path keeps no per-record list of field positions.
fn field_start_token(fields: &[Field], index: usize, tokens: &[Token<'_>], origin: &Name) -> usize {
    if index >= fields.len() {
        return 0;
    }
    let mut cur = Cursor::new(tokens);
    let mut scratch = Vec::new();
    for &field in &fields[..index] {
        if parse_field(field, &mut cur, origin, &mut scratch).is_err() {
            break;
        }
    }
    cur.position()
}

/// RFC 3597 §5: `\# <length> <hex>...`.
fn parse_generic(tokens: &[Token<'_>], out: &mut Vec<u8>) -> Result<(), RdataError> {
    let err = |token: usize, expected: &str| RdataError { token, expected: expected.into() };
    match tokens.first() {
        Some(t) if t.text == b"\\#" && !t.quoted => {}
        _ => return Err(err(0, "RDATA in RFC 3597 form (\\# length hex)")),
    }
    // RFC 3597 §5: the length and the hex are plain words (see
    // `text::Cursor::next`).
    if let Some(k) = tokens.iter().position(|t| t.quoted) {
        let what = if k == 1 { "an RDATA length" } else { "hexadecimal RDATA" };
        return Err(text::unquoted(k, what));
    }
    let len_tok = tokens.get(1).ok_or_else(|| err(1, "an RDATA length"))?;
    // RFC 3597 §5: "an unsigned decimal integer": digits only (`+1` was
    // read as 1; BIND and Knot refuse it; the eighth audit, 2026-12-06).
    let len = text::parse_decimal(len_tok.text, 65535)
        .map(|n| n as usize)
        .ok_or_else(|| err(1, "an RDATA length from 0 to 65535"))?;
    let mut hex = Vec::new();
    for t in &tokens[2..] {
        hex.extend_from_slice(t.text);
    }
    // The error names the token holding the bad digit (the last one for
    // an odd count), not the first (the twenty-ninth audit, 2026-12-06).
    let bytes = data_encoding::HEXLOWER_PERMISSIVE.decode(&hex).map_err(|e| {
        let at = if e.kind == data_encoding::DecodeKind::Length {
            text::first_invalid(&hex, &data_encoding::HEXLOWER_PERMISSIVE)
        } else {
            Some(e.position)
        };
        err((2 + text::token_at(&tokens[2..], at)).min(tokens.len()), "hexadecimal RDATA")
    })?;
    if bytes.len() != len {
        return Err(err(2.min(tokens.len()), "as many hex octets as the length says"));
    }
    out.extend_from_slice(&bytes);
    Ok(())
}

/// Checks wire-form RDATA against the structure of `rtype` (the same checks
/// [`format_rdata`] makes). Unknown types pass, but for those BIND 9.18
/// checks (AMTRELAY, DLV, DOA, ..., see `opaque`).
pub fn validate_rdata(rtype: Rtype, rdata: &[u8]) -> Result<(), MalformedRdata> {
    let mut scratch = String::new();
    format_rdata(rtype, rdata, &mut scratch)
}

/// Checks that go beyond the layout: digest lengths. Returns the index of
/// the offending field.
fn check_semantics(rtype: Rtype, rdata: &[u8]) -> Result<(), (usize, String)> {
    match rtype {
        Rtype::NAPTR if rdata.len() > 4 => {
            // Order and preference, then flags, services and regexp
            // character-strings (RFC 3403 §4.1), which the layout checked.
            let mut at = 4;
            for _ in 0..2 {
                at += 1 + usize::from(rdata[at]);
            }
            let len = usize::from(rdata[at]);
            let regexp = &rdata[at + 1..at + 1 + len];
            naptr::check_regexp(regexp).map_err(|reason| {
                (4, format!("a substitution expression (RFC 3402 §3.2) or nothing: {reason}"))
            })?;
        }
        Rtype::DS | Rtype::CDS if rdata.len() >= 4 => {
            // RFC 4034 §5.1.4 (SHA-1), RFC 4509 §2.2 (SHA-256), RFC 5933 §3
            // (GOST), RFC 6605 §3 (SHA-384): the digest has the hash's size.
            let want = match rdata[3] {
                1 => 20,
                2 | 3 => 32,
                4 => 48,
                _ => return Ok(()),
            };
            let got = rdata.len() - 4;
            if got != want {
                return Err((
                    3,
                    format!("a digest of {want} octets for digest type {}, not {got}", rdata[3]),
                ));
            }
        }
        // RFC 2535 §3.1.2: flags 0xC000 (both bits 0 and 1) say "no key
        // information". BIND refuses key data after them ("extra input
        // text"), and Knot and ldns refuse a KEY without key data: no such
        // KEY loads in all three (the thirteenth audit, 2026-12-06).
        Rtype::KEY if rdata.len() >= 2 && rdata[0] & 0xc0 == 0xc0 => {
            return Err((
                0,
                "flags with both no-key bits (0xC000, RFC 2535 §3.1.2): BIND loads such a KEY only without key data, Knot and ldns only with it".to_owned(),
            ));
        }
        // RFC 4034 Appendix A.1.1: with algorithm 253 (PRIVATEDNS) "the
        // Public Key field begins with a wire encoded domain name". BIND
        // refuses a key without it on the wire (a secondary fails the
        // transfer) though its text parser takes it; zonesign signed it
        // (left by the forty-fifth session's note).
        Rtype::DNSKEY | Rtype::CDNSKEY | Rtype::KEY if rdata.len() >= 4 && rdata[3] == 253 => {
            crate::zone::name::wire_name_end(rdata, 4).map_err(|e| {
                (
                    3,
                    format!(
                        "a public key that begins with a domain name in wire form for algorithm \
                         253, PRIVATEDNS (RFC 4034 Appendix A.1.1): {e}"
                    ),
                )
            })?;
        }
        Rtype::SSHFP if rdata.len() >= 2 => {
            // RFC 4255 §3.1.3: fingerprint type 1 is SHA-1; RFC 6594 §3:
            // type 2 is SHA-256. BIND refuses another length, in text and
            // on the wire (FORMERR, so a secondary fails the transfer);
            // zonesign signed it and `dnssec-verify` could not load the
            // zone (the seventh audit, 2026-12-06).
            let want = match rdata[1] {
                1 => 20,
                2 => 32,
                _ => return Ok(()),
            };
            let got = rdata.len() - 2;
            if got != want {
                return Err((
                    2,
                    format!(
                        "a fingerprint of {want} octets for fingerprint type {}, not {got}",
                        rdata[1]
                    ),
                ));
            }
        }
        Rtype::ZONEMD if rdata.len() >= 6 => {
            // RFC 8976 §2.2.3: hash algorithm 1 is SHA384, 2 is SHA512.
            // §2.2.4: "The Digest field MUST NOT be shorter than 12 octets",
            // whatever the algorithm.
            let got = rdata.len() - 6;
            let want = match rdata[5] {
                1 => 48,
                2 => 64,
                _ if got < 12 => {
                    return Err((3, format!("a digest of at least 12 octets, not {got}")))
                }
                _ => return Ok(()),
            };
            if got != want {
                return Err((
                    3,
                    format!("a digest of {want} octets for hash algorithm {}, not {got}", rdata[5]),
                ));
            }
        }
        Rtype::X25 if !rdata.is_empty() => {
            // RFC 1183 §3.1: "The <PSDN-address> is a string of decimal
            // digits, beginning with the 4 digit DNIC (Data Network
            // Identification Code), as specified in X.121." BIND refuses
            // anything else; so do we, rather than sign it.
            let address = &rdata[1..];
            if address.len() < 4 || !address.iter().all(u8::is_ascii_digit) {
                return Err((
                    0,
                    "a PSDN address of at least 4 decimal digits (RFC 1183 §3.1)".to_owned(),
                ));
            }
        }
        _ => {}
    }
    Ok(())
}

/// The RDATA as the zone writer writes it, appended to octets: in RFC 3597
/// form where [`written_generic`] says so or [`format_rdata`] refuses it,
/// else as [`format_rdata`] writes it. The types a signed TLD is made of
/// straight into `out`, others through `scratch`.
pub fn format_rdata_or_generic(
    rtype: Rtype,
    rdata: &[u8],
    out: &mut Vec<u8>,
    scratch: &mut String,
) {
    // NS, DS, RRSIG, NSEC, NSEC3: never written generic.
    if common::format_common_bytes(rtype, rdata, out) {
        return;
    }
    // The common writers declined: the codecs' own writers, without asking
    // the common writers again.
    scratch.clear();
    if written_generic(rtype, rdata) || format_by_codec(rtype, rdata, scratch).is_err() {
        scratch.clear();
        format_generic(rdata, scratch);
    }
    out.extend_from_slice(scratch.as_bytes());
}

/// Whether the zone writer writes this RDATA in RFC 3597 form although it
/// has a text form: where BIND, Knot or ldns cannot read the text form
/// back to the same octets, and all three read `\# length hex` (checked
/// with `named-compilezone -i local`, `kzonecheck` and `ldns-read-zone`;
/// the twelfth audit, 2026-12-06):
/// - types Knot 3.2 has no mnemonic for (HIP, WKS, ...; see
///   [`Rtype::written_by_name`]): it reads their text form only as RFC
///   3597's;
/// - CSYNC with no types and WKS with no ports (RFC 7477 §2.1.3 and RFC
///   1035 §3.4.2 allow them): ldns stops at the end of the text ("Syntax
///   error, value expected");
/// - SVCB and HTTPS with an ALPN id holding a `,` or a `\` (RFC 9460
///   Appendix A.1 escapes them): ldns reads other octets from the text, so
///   the signature it checks is over other data ("Bogus DNSSEC signature").
pub fn written_generic(rtype: Rtype, rdata: &[u8]) -> bool {
    match rtype {
        // RFC 7477 §2.1: SOA serial (4 octets), flags (2), type bit map.
        Rtype::CSYNC => rdata.len() == 6,
        Rtype::SVCB | Rtype::HTTPS => svcb::alpn_has_escapes(rdata),
        _ => !rtype.written_by_name(),
    }
}

/// Writes wire-form RDATA of type `rtype` in presentation format, on one
/// line. Types without a text form are written in RFC 3597 form. On error
/// `out` is left as it was; a writer may then fall back to
/// [`format_generic`].
pub fn format_rdata(rtype: Rtype, rdata: &[u8], out: &mut String) -> Result<(), MalformedRdata> {
    // Most of a signed TLD, in one piece each.
    if common::format_common(rtype, rdata, out) {
        return Ok(());
    }
    format_by_codec(rtype, rdata, out)
}

/// [`format_rdata`] by the type's codec (the field walk for most types),
/// without the common writers.
fn format_by_codec(rtype: Rtype, rdata: &[u8], out: &mut String) -> Result<(), MalformedRdata> {
    let start = out.len();
    let result = match codec(rtype) {
        Codec::Fields(fields) => format_fields(rtype, fields, rdata, out),
        Codec::Loc => loc::format(rdata, out),
        Codec::Svcb => svcb::format(rdata, out),
        Codec::Wks => structured::format_wks(rdata, out),
        Codec::Apl => structured::format_apl(rdata, out),
        Codec::Ipseckey => structured::format_ipseckey(rdata, out),
        Codec::Hip => structured::format_hip(rdata, out),
        Codec::GenericOnly => {
            let checked = match rtype {
                Rtype::A6 => structured::check_a6(rdata),
                _ => opaque::check(rtype, rdata),
            };
            checked.map(|()| format_generic(rdata, out))
        }
    };
    result.map_err(|reason| {
        out.truncate(start);
        MalformedRdata { rtype, reason }
    })
}

fn format_fields(
    rtype: Rtype,
    fields: &[Field],
    rdata: &[u8],
    out: &mut String,
) -> Result<(), String> {
    let mut pos = 0;
    for (k, &field) in fields.iter().enumerate() {
        let end = field_end(field, rdata, pos)?;
        let mark = out.len();
        if k > 0 {
            out.push(' ');
        }
        let before = out.len();
        format_field(field, &rdata[pos..end], out)?;
        if out.len() == before {
            // An empty rest field (no types, no subaddress): no separator.
            out.truncate(mark);
        }
        pos = end;
    }
    if pos != rdata.len() {
        return Err(format!("{} octets after the last field", rdata.len() - pos));
    }
    check_semantics(rtype, rdata).map_err(|(_, reason)| reason)
}

/// RFC 3597 §5 generic form.
pub fn format_generic(rdata: &[u8], out: &mut String) {
    out.push_str("\\# ");
    out.push_str(&rdata.len().to_string());
    if !rdata.is_empty() {
        out.push(' ');
        out.push_str(&data_encoding::HEXUPPER.encode(rdata));
    }
}

/// RFC 4034 §6.2 item 3, as corrected by RFC 6840 §5.1: true for the types
/// whose embedded names are lowercased in canonical form.
///
/// RFC 4034 §6.2: "if the type of the RR is NS, MD, MF, CNAME, SOA, MB, MG,
/// MR, PTR, HINFO, MINFO, MX, HINFO, RP, AFSDB, RT, SIG, PX, NXT, NAPTR, KX,
/// SRV, DNAME, A6, RRSIG, or NSEC, all uppercase US-ASCII letters in the DNS
/// names contained within the RDATA are replaced by the corresponding
/// lowercase US-ASCII letters". RFC 6840 §5.1: "DNS names in the RDATA
/// section of NSEC resource records are not converted to lowercase. DNS
/// names in the RDATA section of RRSIG resource records are converted to
/// lowercase." HINFO holds no names, only character-strings, which are
/// never touched.
pub fn lowercases_names_in_canonical_form(rtype: Rtype) -> bool {
    matches!(
        rtype,
        Rtype::NS
            | Rtype::MD
            | Rtype::MF
            | Rtype::CNAME
            | Rtype::SOA
            | Rtype::MB
            | Rtype::MG
            | Rtype::MR
            | Rtype::PTR
            | Rtype::MINFO
            | Rtype::MX
            | Rtype::RP
            | Rtype::AFSDB
            | Rtype::RT
            | Rtype::SIG
            | Rtype::PX
            | Rtype::NXT
            | Rtype::NAPTR
            | Rtype::KX
            | Rtype::SRV
            | Rtype::DNAME
            | Rtype::A6
            | Rtype::RRSIG
    )
}

/// Lowercases the names embedded in `rdata` for the types of RFC 4034 §6.2
/// item 3 as corrected by RFC 6840 §5.1 (see
/// [`lowercases_names_in_canonical_form`]). Other types, and malformed
/// RDATA, are left alone: [`parse_rdata`] only produces well-formed RDATA.
pub fn canonicalize_rdata(rtype: Rtype, rdata: &mut [u8]) {
    if !lowercases_names_in_canonical_form(rtype) {
        return;
    }
    // RDATA that is one name (NS, CNAME, PTR, DNAME, ...; a TLD's NS
    // records are most of its records). Label length octets are at most
    // 63, below b'A', so lowercasing the whole name touches only letters.
    // Well-formed RDATA only, as below.
    let codec = codec(rtype);
    if let Codec::Fields([Field::Name]) = codec {
        if crate::zone::name::wire_name_end(rdata, 0) == Ok(rdata.len()) {
            rdata.make_ascii_lowercase();
        }
        return;
    }
    // The common case (RRSIG, SOA, MX, ...): the names of a field list,
    // found without allocating. Well-formed RDATA only, as below.
    if let Codec::Fields(fields) = codec {
        let mut spans = [0..0, 0..0, 0..0, 0..0];
        let mut count = 0;
        let mut pos = 0;
        for &field in fields {
            let Ok(end) = field_end(field, rdata, pos) else { return };
            if field == Field::Name {
                if count == spans.len() {
                    break;
                }
                spans[count] = pos..end;
                count += 1;
            }
            pos = end;
        }
        if count < spans.len() {
            if pos == rdata.len() {
                for span in &spans[..count] {
                    rdata[span.clone()].make_ascii_lowercase();
                }
            }
            return;
        }
    }
    if let Ok(spans) = embedded_names(rtype, rdata) {
        for span in spans {
            // Label length octets are at most 63, below b'A', so
            // lowercasing the whole wire name touches only letters.
            rdata[span].make_ascii_lowercase();
        }
    }
}

/// The spans of the domain names embedded in `rdata` (NS and MX targets,
/// SOA MNAME/RNAME, RRSIG signer, NSEC next name, SVCB target, ...), in
/// order. Each span is an uncompressed absolute name in wire form.
pub fn embedded_names(rtype: Rtype, rdata: &[u8]) -> Result<Vec<Range<usize>>, MalformedRdata> {
    let malformed = |reason: String| MalformedRdata { rtype, reason };
    match codec(rtype) {
        Codec::Fields(fields) => {
            let mut spans = Vec::new();
            let mut pos = 0;
            for &field in fields {
                let end = field_end(field, rdata, pos).map_err(malformed)?;
                if field == Field::Name {
                    spans.push(pos..end);
                }
                pos = end;
            }
            if pos != rdata.len() {
                return Err(malformed("octets after the last field".into()));
            }
            Ok(spans)
        }
        Codec::Svcb => svcb::target_span(rdata)
            .map(|s| vec![s])
            .ok_or_else(|| malformed("bad target name".into())),
        Codec::Ipseckey => Ok(structured::ipseckey_names(rdata)),
        Codec::Hip => Ok(structured::hip_names(rdata)),
        _ => Ok(match rtype {
            Rtype::A6 => structured::a6_names(rdata),
            Rtype::NXT => structured::nxt_names(rdata),
            _ => Vec::new(),
        }),
    }
}

/// Offset of the SOA SERIAL field, after checking the RDATA is exactly
/// MNAME, RNAME and five 32-bit fields (RFC 1035 §3.3.13).
fn soa_serial_offset(rdata: &[u8]) -> Option<usize> {
    let (_, p) = Name::from_wire(rdata, 0).ok()?;
    let (_, p) = Name::from_wire(rdata, p).ok()?;
    (rdata.len() == p + 20).then_some(p)
}

/// SOA SERIAL from wire form; `None` if the RDATA is not an SOA's.
pub fn soa_serial(rdata: &[u8]) -> Option<u32> {
    let p = soa_serial_offset(rdata)?;
    Some(u32::from_be_bytes([rdata[p], rdata[p + 1], rdata[p + 2], rdata[p + 3]]))
}

/// SOA MINIMUM from wire form (RFC 2308 §4: the negative caching TTL);
/// `None` if the RDATA is not an SOA's.
pub fn soa_minimum(rdata: &[u8]) -> Option<u32> {
    let p = soa_serial_offset(rdata)? + 16;
    Some(u32::from_be_bytes([rdata[p], rdata[p + 1], rdata[p + 2], rdata[p + 3]]))
}

/// Replaces SOA SERIAL in wire form.
pub fn set_soa_serial(rdata: &mut [u8], serial: u32) -> Result<(), MalformedRdata> {
    let p = soa_serial_offset(rdata)
        .ok_or_else(|| MalformedRdata { rtype: Rtype::SOA, reason: "not SOA RDATA".into() })?;
    rdata[p..p + 4].copy_from_slice(&serial.to_be_bytes());
    Ok(())
}
