//! SVCB and HTTPS (RFC 9460): priority, target name and SvcParams.
//!
//! # Background
//! RFC 9460 §2.2: "SvcParamKeys SHALL appear in increasing numeric order"
//! in wire form, and §2.1: "SvcParams in presentation format MAY appear in
//! any order, but keys MUST NOT be repeated." Values are char-strings
//! (Appendix A); `alpn` and `mandatory` are comma-separated lists in which
//! `\,` and `\\` escape a comma and a backslash (Appendix A.1).
//!
//! # Usage
//! [`parse`] and [`format`], called from `zone::rdata`. Printing follows
//! BIND: params in wire order, `alpn` and unknown-key values quoted, hints
//! and `port` bare, valueless keys bare.
//!
//! # Limitations
//! The lexer must hand a `key="value with spaces"` param either as one
//! unquoted token that still contains the quotes, or as `key=` followed by
//! a quoted token; both are accepted. Keys 0 to 8 have names; others are
//! written `keyNNNNN` (§2.1). `key65535` is "Reserved (Invalid key)"
//! (§14.3.2), a registry entry rather than a rule on zone data: BIND, Knot
//! and ldns load it, and so does zonesign (it refused it until the twelfth
//! audit, 2026-12-06).

use super::text::{decode_base64, err, parse_decimal, write_escaped, write_quoted, Cursor, BASE64};
use super::RdataError;
use crate::load::token::unescape;
use crate::zone::name::Name;
use std::net::{Ipv4Addr, Ipv6Addr};

const MANDATORY: u16 = 0;
const ALPN: u16 = 1;
const NO_DEFAULT_ALPN: u16 = 2;
const PORT: u16 = 3;
const IPV4HINT: u16 = 4;
const ECH: u16 = 5;
const IPV6HINT: u16 = 6;
const DOHPATH: u16 = 7;
const OHTTP: u16 = 8;

/// RFC 9460 §14.3.2 and RFC 9461 (dohpath), RFC 9540 (ohttp).
const KEY_NAMES: &[&str] = &[
    "mandatory",
    "alpn",
    "no-default-alpn",
    "port",
    "ipv4hint",
    "ech",
    "ipv6hint",
    "dohpath",
    "ohttp",
];

/// A key name or `keyNNNNN` (no leading zeros, RFC 9460 §2.1).
fn parse_key(text: &[u8]) -> Option<u16> {
    if let Some(k) = KEY_NAMES.iter().position(|n| n.as_bytes() == text) {
        return Some(k as u16);
    }
    let digits = text.strip_prefix(b"key")?;
    if digits.len() > 1 && digits[0] == b'0' {
        return None;
    }
    let v = parse_decimal(digits, 65535)?;
    Some(v as u16)
}

/// Keys written by name: those of RFC 9460 itself. `dohpath` (RFC 9461)
/// and `ohttp` (RFC 9540) are read by name but written as `key7`/`key8`,
/// the generic form every parser accepts: BIND 9.18 rejects the names
/// ("near 'ohttp': syntax error"), and a signed zone must load in the
/// name servers that serve it.
const WRITTEN_BY_NAME: u16 = IPV6HINT + 1;

fn write_key(key: u16, out: &mut String) {
    match KEY_NAMES.get(key as usize) {
        Some(n) if key < WRITTEN_BY_NAME => out.push_str(n),
        _ => out.push_str(&format!("key{key}")),
    }
}

pub(super) fn parse(
    cur: &mut Cursor<'_, '_>,
    origin: &Name,
    out: &mut Vec<u8>,
) -> Result<(), RdataError> {
    let priority = super::text::next_decimal(cur, 0xffff, "a 16-bit SvcPriority")? as u16;
    let (i, tok) = cur.next("a target name")?;
    let target =
        Name::parse(tok.text, origin).map_err(|e| err(i, &format!("a target name ({e})")))?;
    out.extend_from_slice(&priority.to_be_bytes());
    out.extend_from_slice(target.as_wire());
    let mut params: Vec<(u16, Vec<u8>, usize)> = Vec::new();
    while let Some(tok) = cur.peek() {
        let i = cur.position();
        cur.next_string("a SvcParam key")?;
        if tok.quoted {
            return Err(err(i, "a SvcParam key"));
        }
        let (key_text, raw_value): (&[u8], Option<Vec<u8>>) = match tok
            .text
            .iter()
            .position(|&b| b == b'=')
        {
            None => (tok.text, None),
            Some(p) => {
                let v = &tok.text[p + 1..];
                let value = if v.is_empty() && cur.peek().is_some_and(|t| t.quoted) {
                    // `key=` followed by a quoted token.
                    let (_, q) = cur.next_string("a SvcParam value")?;
                    q.text.to_vec()
                } else if v.first() == Some(&b'"') {
                    if v.len() < 2 || v[v.len() - 1] != b'"' || ends_in_escape(&v[..v.len() - 1]) {
                        return Err(err(i, "a SvcParam value with a closing quote"));
                    }
                    v[1..v.len() - 1].to_vec()
                } else {
                    v.to_vec()
                };
                (&tok.text[..p], Some(value))
            }
        };
        let key = parse_key(key_text).ok_or_else(|| err(i, "a SvcParam key (RFC 9460 §2.1)"))?;
        // RFC 9460 §2.1: "Arbitrary keys can be represented using the
        // unknown-key presentation format "keyNNNNN" ... A SvcParam in this
        // form SHALL be parsed as specified above, and the decoded value
        // SHALL be used as its wire-format encoding": `key3=53` is the two
        // octets "53", not port 53 (as BIND reads it). The wire form of a
        // known key is then checked like any other (`check_params`).
        let generic = !KEY_NAMES.iter().any(|n| n.as_bytes() == key_text);
        let value = match raw_value {
            None => None,
            Some(raw) => Some(
                unescape(&raw)
                    .ok_or_else(|| err(i, "a SvcParam value with valid escapes"))?
                    .into_owned(),
            ),
        };
        let wire = if generic {
            value.unwrap_or_default()
        } else {
            encode_value(key, value.as_deref()).map_err(|what| err(i, what))?
        };
        if wire.len() > 65535 {
            return Err(err(i, "a SvcParam value of at most 65535 octets"));
        }
        params.push((key, wire, i));
    }
    // Sorted (stably), a key used twice sits beside itself: found in one
    // pass, not a scan of the keys before each (quadratic in a record of
    // ten thousand params, an audit, 2026-12-06). The later use is named,
    // the earliest in the text of all keys used twice.
    params.sort_by_key(|(k, _, _)| *k);
    if let Some(i) = params.windows(2).filter(|w| w[0].0 == w[1].0).map(|w| w[1].2).min() {
        return Err(err(i, "a SvcParam key not used before (RFC 9460 §2.1)"));
    }
    // Each value as its key defines it, naming its own token: a generic
    // `key3=\000` was named by the first parameter of the record (the
    // forty-third audit, 2026-12-07).
    for (key, value, i) in &params {
        if let Err(reason) = check_value(*key, value) {
            return Err(err(*i, &format!("a SvcParam value as its key defines ({reason})")));
        }
    }
    let start = out.len();
    for (key, value, _) in &params {
        out.extend_from_slice(&key.to_be_bytes());
        out.extend_from_slice(&(value.len() as u16).to_be_bytes());
        out.extend_from_slice(value);
    }
    // The mandatory list refers to other keys: check it on the wire form.
    if let Err(reason) = check_params(&out[start..]) {
        // The token of the key at fault: the first parameter was named
        // whatever the fault (the forty-first audit, 2026-12-07).
        let at_fault =
            if reason.starts_with("no-default-alpn") { NO_DEFAULT_ALPN } else { MANDATORY };
        let at = params
            .iter()
            .find(|(k, _, _)| *k == at_fault)
            .or(params.first())
            .map_or(cur.position(), |(_, _, i)| *i);
        return Err(err(at, &format!("SvcParams that are consistent ({reason})")));
    }
    Ok(())
}

/// True if `s` ends in an odd number of backslashes.
fn ends_in_escape(s: &[u8]) -> bool {
    s.iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1
}

/// RFC 9460 Appendix A.1 value-list: split on commas not escaped by `\`.
/// A lone `\` at the end escapes nothing: `None` (its grammar has
/// `item-allowed` exclude `\`, which comes only as `\,` or `\\`; BIND
/// refuses it, and `alpn=h2\\` was signed as the id `h2\`: the
/// forty-fourth audit, 2026-12-07).
fn split_value_list(value: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut items = vec![Vec::new()];
    let mut k = 0;
    while k < value.len() {
        match value[k] {
            b'\\' if k + 1 == value.len() => return None,
            b'\\' => {
                if let Some(item) = items.last_mut() {
                    item.push(value[k + 1]);
                }
                k += 2;
            }
            b',' => {
                items.push(Vec::new());
                k += 1;
            }
            b => {
                if let Some(item) = items.last_mut() {
                    item.push(b);
                }
                k += 1;
            }
        }
    }
    Some(items)
}

fn encode_value(key: u16, value: Option<&[u8]>) -> Result<Vec<u8>, &'static str> {
    let mut wire = Vec::new();
    let need = |v: Option<&[u8]>| -> Result<Vec<u8>, &'static str> {
        match v {
            Some(v) if !v.is_empty() => Ok(v.to_vec()),
            _ => Err("a non-empty SvcParam value (RFC 9460 §7)"),
        }
    };
    match key {
        MANDATORY => {
            let v = need(value)?;
            let mut keys = Vec::new();
            for item in v.split(|&b| b == b',') {
                keys.push(parse_key(item).ok_or("a list of SvcParam keys")?);
            }
            keys.sort_unstable();
            for k in keys {
                wire.extend_from_slice(&k.to_be_bytes());
            }
        }
        ALPN => {
            let v = need(value)?;
            let ids = split_value_list(&v)
                .ok_or("an ALPN list whose backslashes escape a comma or a backslash (RFC 9460 Appendix A.1)")?;
            for id in ids {
                if id.is_empty() || id.len() > 255 {
                    return Err("ALPN ids of 1 to 255 octets (RFC 9460 §7.1.1)");
                }
                wire.push(id.len() as u8);
                wire.extend_from_slice(&id);
            }
        }
        NO_DEFAULT_ALPN | OHTTP => {
            if value.is_some_and(|v| !v.is_empty()) {
                return Err("no value for this SvcParam key (RFC 9460 §7.1.1, RFC 9540)");
            }
        }
        PORT => {
            let v = need(value)?;
            let port = parse_decimal(&v, 0xffff).ok_or("a port number from 0 to 65535")?;
            wire.extend_from_slice(&(port as u16).to_be_bytes());
        }
        IPV4HINT => {
            for item in need(value)?.split(|&b| b == b',') {
                let a: Ipv4Addr = std::str::from_utf8(item)
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .ok_or("a comma-separated list of IPv4 addresses")?;
                wire.extend_from_slice(&a.octets());
            }
        }
        IPV6HINT => {
            for item in need(value)?.split(|&b| b == b',') {
                let a: Ipv6Addr = std::str::from_utf8(item)
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .ok_or("a comma-separated list of IPv6 addresses")?;
                wire.extend_from_slice(&a.octets());
            }
        }
        ECH => {
            wire = decode_base64(&need(value)?).ok_or("an ECHConfigList in base64")?;
        }
        DOHPATH => {
            let v = need(value)?;
            check_dohpath(&v)?;
            wire = v;
        }
        _ => wire = value.unwrap_or_default().to_vec(),
    }
    Ok(wire)
}

/// RFC 9461 §5: the dohpath is "a relative URI Template [RFC6570]" for
/// the path, and "The URI Template MUST contain a "dns" variable". BIND
/// 9.18 refuses, from text and from the wire, a dohpath that does not
/// begin with `/`, is no RFC 6570 template (an unclosed or stray brace, a
/// bad variable name or modifier) or has no `dns` variable: zonesign
/// signed `dohpath=/dns-query`, and BIND primaries and secondaries refused
/// the zone (the forty-third audit, 2026-12-07).
fn check_dohpath(v: &[u8]) -> Result<(), &'static str> {
    let s = std::str::from_utf8(v).map_err(|_| "a dohpath in UTF-8 (RFC 9461 §5)")?;
    if !s.starts_with('/') {
        return Err("a dohpath that begins with / (RFC 9461 §5: a relative URI Template)");
    }
    let mut dns = false;
    let mut rest = s;
    while let Some(at) = rest.find('{') {
        literals(&rest[..at])?;
        let inside = &rest[at + 1..];
        let close = inside.find('}').ok_or("a dohpath whose { is closed (RFC 6570 §2.2)")?;
        // RFC 6570 §2.2: expression = "{" [ operator ] variable-list "}"
        let list = &inside[..close];
        let list = list.strip_prefix(['+', '#', '.', '/', ';', '?', '&']).unwrap_or(list);
        for varspec in list.split(',') {
            // §2.4: varspec = varname [ modifier-level4 ]; prefix ":" max-length
            // (1 to 9999, no leading zero) or explode "*".
            let name = if let Some(name) = varspec.strip_suffix('*') {
                name
            } else if let Some((name, max)) = varspec.split_once(':') {
                let ok = (1..=4).contains(&max.len())
                    && max.bytes().all(|b| b.is_ascii_digit())
                    && !max.starts_with('0');
                if !ok {
                    return Err(
                        "a dohpath whose prefix modifiers are :1 to :9999 (RFC 6570 §2.4.1)",
                    );
                }
                name
            } else {
                varspec
            };
            if !varname(name) {
                return Err(
                    "a dohpath whose variable names are letters, digits, _ and %XX (RFC 6570 §2.3)",
                );
            }
            dns |= name == "dns";
        }
        rest = &inside[close + 1..];
    }
    literals(rest)?;
    if !dns {
        return Err("a dohpath with a dns variable (RFC 9461 §5: \"The URI Template MUST contain a \"dns\" variable\")");
    }
    Ok(())
}

/// RFC 6570 §2.3: varchar = ALPHA / DIGIT / "_" / pct-encoded. Its
/// varname also takes inner dots, which BIND refuses, and so does
/// zonesign.
fn varname(name: &str) -> bool {
    let b = name.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if b.len() > i + 2
                && b[i + 1].is_ascii_hexdigit()
                && b[i + 2].is_ascii_hexdigit() =>
            {
                i += 3;
                continue;
            }
            c if c.is_ascii_alphanumeric() || c == b'_' => {}
            _ => return false,
        }
        i += 1;
    }
    !b.is_empty()
}

/// RFC 6570 §2.1: in the literals between expressions a "%" begins
/// pct-encoded, two hexadecimal digits. (The other characters §2.1 leaves
/// out, a stray "}" among them, BIND takes, and so does zonesign.)
fn literals(text: &str) -> Result<(), &'static str> {
    let b = text.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        let pct =
            || b.len() > i + 2 && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit();
        if c == 0 || (c == b'%' && !pct()) {
            return Err(
                "a dohpath whose % begin pct-encoded octets and with no NUL (RFC 6570 §2.1)",
            );
        }
    }
    Ok(())
}

/// Walks the SvcParams in wire form, checking order and each known value.
fn check_params(params: &[u8]) -> Result<Vec<(u16, &[u8])>, String> {
    let mut list = Vec::new();
    let mut p = 0;
    let mut previous: Option<u16> = None;
    while p < params.len() {
        if p + 4 > params.len() {
            return Err("SvcParam header truncated".into());
        }
        let key = u16::from_be_bytes([params[p], params[p + 1]]);
        let len = u16::from_be_bytes([params[p + 2], params[p + 3]]) as usize;
        let value = params.get(p + 4..p + 4 + len).ok_or("SvcParam value truncated")?;
        if previous.is_some_and(|k| key <= k) {
            return Err(format!("key{key} out of order (RFC 9460 §2.2: strictly increasing)"));
        }
        check_value(key, value)?;
        previous = Some(key);
        list.push((key, value));
        p += 4 + len;
    }
    // RFC 9460 §7.1.1: "When "no-default-alpn" is specified in an RR,
    // "alpn" must also be specified in order for the RR to be
    // "self-consistent"".
    // The list is in strictly increasing order (checked above): keys are
    // found by binary search, not a scan per key of the mandatory list.
    let find = |key: u16| list.binary_search_by_key(&key, |(k, _)| *k).ok().map(|at| list[at]);
    let has = |key: u16| find(key).is_some();
    if has(NO_DEFAULT_ALPN) && !has(ALPN) {
        return Err("no-default-alpn without alpn (RFC 9460 §7.1.1)".into());
    }
    if let Some((_, m)) = find(MANDATORY) {
        for pair in m.chunks(2) {
            let k = u16::from_be_bytes([pair[0], pair[1]]);
            // RFC 9460 §8: "The "mandatory" SvcParamKey MUST NOT be included
            // in the mandatory list" and a listed key must be present.
            if k == MANDATORY {
                return Err("mandatory lists itself (RFC 9460 §8)".into());
            }
            if !has(k) {
                return Err(format!("mandatory key{k} is missing (RFC 9460 §8)"));
            }
        }
    }
    Ok(list)
}

fn check_value(key: u16, v: &[u8]) -> Result<(), String> {
    let bad = |what: &str| Err(format!("malformed {what} value"));
    match key {
        MANDATORY => {
            if v.is_empty() || !v.len().is_multiple_of(2) {
                return bad("mandatory");
            }
            // RFC 9460 §8: "the keys are represented by their numeric values
            // in network byte order, concatenated in strictly increasing
            // numeric order."
            let keys: Vec<u16> = v.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            if keys.windows(2).any(|w| w[0] >= w[1]) {
                return Err("mandatory keys not strictly increasing (RFC 9460 §8)".into());
            }
        }
        ALPN => {
            let mut p = 0;
            if v.is_empty() {
                return bad("alpn");
            }
            while p < v.len() {
                let len = v[p] as usize;
                if len == 0 || p + 1 + len > v.len() {
                    return bad("alpn");
                }
                p += 1 + len;
            }
        }
        NO_DEFAULT_ALPN | OHTTP if !v.is_empty() => return bad("valueless key's"),
        PORT if v.len() != 2 => return bad("port"),
        IPV4HINT if v.is_empty() || !v.len().is_multiple_of(4) => return bad("ipv4hint"),
        IPV6HINT if v.is_empty() || !v.len().is_multiple_of(16) => return bad("ipv6hint"),
        ECH if v.is_empty() => return bad("ech"),
        DOHPATH => check_dohpath(v).map_err(|e| format!("malformed dohpath: {e}"))?,
        _ => {}
    }
    Ok(())
}

pub(super) fn format(rdata: &[u8], out: &mut String) -> Result<(), String> {
    if rdata.len() < 3 {
        return Err("SVCB RDATA shorter than priority and target".into());
    }
    let priority = u16::from_be_bytes([rdata[0], rdata[1]]);
    let (target, end) = Name::from_wire(rdata, 2).map_err(|e| e.to_string())?;
    let params = check_params(&rdata[end..])?;
    out.push_str(&priority.to_string());
    out.push(' ');
    target.write_presentation(out);
    for (key, value) in params {
        out.push(' ');
        write_key(key, out);
        match key {
            MANDATORY => {
                out.push('=');
                for (k, c) in value.chunks(2).enumerate() {
                    if k > 0 {
                        out.push(',');
                    }
                    write_key(u16::from_be_bytes([c[0], c[1]]), out);
                }
            }
            ALPN => {
                // Appendix A.1 escaping inside the list, then char-string
                // escaping: "f\oo,bar" becomes "f\\\\oo\\,bar".
                let mut list = Vec::new();
                let mut p = 0;
                while p < value.len() {
                    let len = value[p] as usize;
                    if p > 0 {
                        list.push(b',');
                    }
                    for &b in &value[p + 1..p + 1 + len] {
                        if b == b',' || b == b'\\' {
                            list.push(b'\\');
                        }
                        list.push(b);
                    }
                    p += 1 + len;
                }
                out.push('=');
                write_quoted(&list, out);
            }
            NO_DEFAULT_ALPN | OHTTP => {}
            PORT => out.push_str(&format!("={}", u16::from_be_bytes([value[0], value[1]]))),
            IPV4HINT => {
                out.push('=');
                for (k, a) in value.chunks(4).enumerate() {
                    if k > 0 {
                        out.push(',');
                    }
                    out.push_str(&Ipv4Addr::new(a[0], a[1], a[2], a[3]).to_string());
                }
            }
            IPV6HINT => {
                out.push('=');
                for (k, a) in value.chunks(16).enumerate() {
                    if k > 0 {
                        out.push(',');
                    }
                    let mut octets = [0u8; 16];
                    octets.copy_from_slice(a);
                    out.push_str(&Ipv6Addr::from(octets).to_string());
                }
            }
            ECH => {
                out.push('=');
                out.push_str(&BASE64.encode(value));
            }
            _ if value.is_empty() => {}
            _ => {
                out.push_str("=\"");
                write_escaped(value, out);
                out.push('"');
            }
        }
    }
    Ok(())
}

/// Whether an ALPN id of the RDATA holds a `,` or a `\\`, which the text
/// form escapes (RFC 9460 Appendix A.1) and ldns 1.8 reads back as other
/// octets: such RDATA is written in RFC 3597 form (see
/// [`super::written_generic`]). False for malformed RDATA.
pub(super) fn alpn_has_escapes(rdata: &[u8]) -> bool {
    let Ok((_, end)) = Name::from_wire(rdata, 2) else { return false };
    let Ok(params) = check_params(&rdata[end..]) else { return false };
    params.iter().filter(|&&(key, _)| key == ALPN).any(|&(_, mut ids)| {
        // `check_params` checked the ids' lengths.
        while let Some((&len, rest)) = ids.split_first() {
            let (id, next) = rest.split_at(usize::from(len).min(rest.len()));
            if id.iter().any(|&b| b == b',' || b == b'\\') {
                return true;
            }
            ids = next;
        }
        false
    })
}

/// The target name's span, for [`super::embedded_names`].
pub(super) fn target_span(rdata: &[u8]) -> Option<std::ops::Range<usize>> {
    let (_, end) = Name::from_wire(rdata, 2).ok()?;
    Some(2..end)
}
