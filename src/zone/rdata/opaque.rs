//! Types zonesign reads only in RFC 3597 form but BIND 9.18 checks.
//!
//! # Background
//! RFC 3597 §5 lets any type be written `\# length hex`. For a type it has
//! no codec for, zonesign took any octets (A6 aside, see
//! `structured::check_a6`). BIND 9.18 knows these types and
//! checks the octets when it loads a zone, so `dnssec-verify` could not
//! load a signed zone that held a malformed one ("unexpected end of input",
//! "FORMERR"; the twelfth audit, 2026-12-06). The rules here were found by
//! giving `named-compilezone -i local` (BIND 9.18.49) `\#` forms of each
//! type, and read in BIND's `lib/dns/rdata/*/*.c` (`fromwire_*`):
//!
//! | type | number | RDATA BIND loads |
//! |------|--------|------------------|
//! | NSAP | 22 | at least one octet (RFC 1706 §5) |
//! | NSAP-PTR | 23 | one domain name, uncompressed (RFC 1706 §6); only the root here |
//! | GPOS | 27 | three character-strings (RFC 1712 §3) |
//! | NXT | 30 | a domain name and a type bit map (RFC 2535 §5.2), its first bit clear |
//! | EID, NIMLOC | 31, 32 | at least one octet |
//! | ATMA | 34 | a format octet and at least one octet; format 1 (E.164) digits only |
//! | SINK | 40 | coding and subcoding octets, then data; at least 3 octets; refused here |
//! | NINFO, AVC, RESINFO, WALLET | 56, 258, 261, 262 | one or more character-strings, as TXT |
//! | RKEY | 57 | flags 0, protocol, algorithm, a key of at least one octet; algorithm 253 starts it with a name |
//! | TALINK | 58 | two domain names |
//! | DSYNC | 66 | type (2), scheme (1), port (2), one domain name, uncompressed (RFC 9859 §2.1) |
//! | HHIT, BRID | 67, 68 | at least one octet |
//! | DOA | 259 | enterprise (4), type (4), location (1), a media type character-string, data |
//! | AMTRELAY | 260 | RFC 8777 §4.2: precedence, D bit and relay type, relay of the type's form |
//! | TA, DLV | 32768, 32769 | DS RDATA (RFC 4431 §3 for DLV) |
//!
//! # Usage
//! [`check`], from the RFC 3597 path of `zone::rdata`; other types pass.
//!
//! # Limitations
//! BIND checks NSAP-PTR, EID, NIMLOC and ATMA in class IN only; they are
//! checked here in every class. TA and DLV digests are held to DS's sizes,
//! but GOST (3), which BIND, Knot and ldns load of any length. Where ldns
//! 1.8 reads other octets than BIND and Knot, so that no signed record of
//! the form validates everywhere, the input is refused (the thirteenth
//! audit, 2026-12-06): every SINK (ldns reads one octet), an NSAP-PTR but
//! the root (ldns drops the name's last octet).

use super::fields::{field_end, Field};
use crate::zone::name::wire_name_end;
use crate::zone::rtype::Rtype;

/// Checks `rdata` of `rtype` as BIND 9.18 does when it loads it; types not
/// in the table of the module documentation pass.
pub(super) fn check(rtype: Rtype, rdata: &[u8]) -> Result<(), String> {
    let at_least = |n: usize, what: &str| {
        if rdata.len() < n {
            Err(format!("{what}: at least {n} octets, not {}", rdata.len()))
        } else {
            Ok(())
        }
    };
    match rtype.0 {
        22 => at_least(1, "an NSAP"),
        // RFC 1706 §6: "The RDATA is a <domain-name>".
        23 => {
            names(rdata, 1, "an NSAP-PTR: one domain name")?;
            if rdata != [0] {
                return Err("an NSAP-PTR other than the root name: ldns 1.8 drops the name's last octet, and the signature fails there".to_owned());
            }
            Ok(())
        }
        // RFC 1712 §3: "<longitude> <latitude> <altitude>", each a string.
        27 => match field_end(Field::CharStrings, rdata, 0) {
            Ok(_) if char_strings(rdata) == 3 => Ok(()),
            _ => Err("a GPOS: three character-strings".to_owned()),
        },
        30 => nxt(rdata),
        31 => at_least(1, "an EID"),
        32 => at_least(1, "a NIMLOC"),
        34 => {
            at_least(2, "an ATMA: a format octet and an address")?;
            // ATM Forum af-dans-0152.000: format 1 is E.164, "a string of
            // digits".
            if rdata[0] == 1 && !rdata[1..].iter().all(u8::is_ascii_digit) {
                return Err("an ATMA of format 1 (E.164): digits only".to_owned());
            }
            Ok(())
        }
        40 => {
            at_least(3, "a SINK: coding, subcoding and data")?;
            Err("a SINK: ldns 1.8 reads a SINK as one octet, and the signature fails there"
                .to_owned())
        }
        56 | 258 | 261 | 262 => field_end(Field::CharStrings, rdata, 0)
            .map(|_| ())
            .map_err(|e| format!("one or more character-strings, as TXT ({e})")),
        57 => rkey(rdata),
        // RFC 9859 §2.1: RRtype (2 octets), Scheme (1), Port (2), then the
        // Target, an uncompressed domain name (the forty-first audit,
        // 2026-12-07, with HHIT and BRID below: BIND 9.18.47 checks them).
        66 => {
            at_least(5, "a DSYNC: type, scheme, port and target")?;
            names(&rdata[5..], 1, "a DSYNC: type, scheme, port, then one domain name")
        }
        67 => at_least(1, "an HHIT"),
        68 => at_least(1, "a BRID"),
        58 => names(rdata, 2, "a TALINK: two domain names"),
        259 => {
            at_least(10, "a DOA: enterprise, type, location and media type")?;
            if usize::from(rdata[9]) > rdata.len() - 10 {
                return Err("a DOA media type that ends inside the RDATA".to_owned());
            }
            Ok(())
        }
        260 => amtrelay(rdata),
        32768 | 32769 => {
            at_least(5, "DS RDATA: key tag, algorithm, digest type and digest")?;
            if rdata[3] == 3 {
                return Ok(());
            }
            super::check_semantics(Rtype::DS, rdata).map_err(|(_, reason)| reason)
        }
        _ => Ok(()),
    }
}

/// Exactly `count` uncompressed domain names.
fn names(rdata: &[u8], count: usize, what: &str) -> Result<(), String> {
    let mut pos = 0;
    for _ in 0..count {
        pos = wire_name_end(rdata, pos).map_err(|e| format!("{what} ({e})"))?;
    }
    if pos != rdata.len() {
        return Err(format!("{what}, then {} octets more", rdata.len() - pos));
    }
    Ok(())
}

/// The number of character-strings in `rdata`, which `field_end` checked.
fn char_strings(rdata: &[u8]) -> usize {
    let (mut count, mut pos) = (0, 0);
    while pos < rdata.len() {
        pos += 1 + usize::from(rdata[pos]);
        count += 1;
    }
    count
}

/// RFC 2535 §5.2: the next domain name, then a bit map of types up to 127
/// in which "trailing zero octets MUST be omitted"; "If the zero bit of the
/// type bit map is a one, it indicates that a different format is being
/// used", which BIND refuses ("bad bitmap"; the thirteenth audit,
/// 2026-12-06).
fn nxt(rdata: &[u8]) -> Result<(), String> {
    let end = wire_name_end(rdata, 0).map_err(|e| format!("an NXT: a domain name ({e})"))?;
    let bitmap = &rdata[end..];
    if bitmap.first().is_some_and(|&b| b & 0x80 != 0) {
        return Err(
            "an NXT type bit map in another format (its first bit set): BIND cannot load it"
                .to_owned(),
        );
    }
    if bitmap.len() > 16 || bitmap.last() == Some(&0) {
        return Err(
            "an NXT type bit map of at most 16 octets with no trailing zero octet".to_owned()
        );
    }
    Ok(())
}

/// RKEY (IANA, draft-reid-dnsext-rkey): the layout of KEY (RFC 2535 §3.1),
/// with flags "reserved and must be zero", which BIND checks.
fn rkey(rdata: &[u8]) -> Result<(), String> {
    if rdata.len() < 5 {
        return Err(format!(
            "an RKEY: flags, protocol, algorithm and a key, at least 5 octets, not {}",
            rdata.len()
        ));
    }
    if rdata[..2] != [0, 0] {
        return Err("an RKEY with flags 0".to_owned());
    }
    // RFC 4034 Appendix A.1.1: with algorithm 253 (PRIVATEDNS) "the Public
    // Key field begins with a wire encoded domain name".
    if rdata[3] == 253 {
        wire_name_end(rdata, 4).map_err(|e| format!("an RKEY of algorithm 253: a name ({e})"))?;
    }
    Ok(())
}

/// RFC 8777 §4.2: precedence (1 octet), the D bit and a 7-bit relay type
/// (1 octet), then the relay: none (type 0), an IPv4 address (1), an IPv6
/// address (2), an uncompressed domain name (3). BIND takes any octets
/// for other types.
fn amtrelay(rdata: &[u8]) -> Result<(), String> {
    if rdata.len() < 2 {
        return Err(format!(
            "an AMTRELAY: precedence, D bit and relay type, at least 2 octets, not {}",
            rdata.len()
        ));
    }
    let relay = &rdata[2..];
    let want = match rdata[1] & 0x7f {
        0 => 0,
        1 => 4,
        2 => 16,
        3 => {
            return names(relay, 1, "an AMTRELAY of relay type 3: a domain name");
        }
        _ => return Ok(()),
    };
    if relay.len() != want {
        return Err(format!(
            "an AMTRELAY of relay type {}: a relay of {want} octets, not {}",
            rdata[1] & 0x7f,
            relay.len()
        ));
    }
    Ok(())
}
