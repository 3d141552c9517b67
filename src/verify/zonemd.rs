//! Verification of the apex ZONEMD (RFC 8976 §4), beside the signatures:
//! a zone whose digest does not match its data fails, however valid its
//! signatures, since recipients that check ZONEMD reject it.
//!
//! As RFC 8976 §4 lays it out (in our words): a ZONEMD RR whose serial is
//! not the SOA serial, or whose scheme or hash algorithm the verifier does
//! not support, is not used; the RRset may not hold two RRs of one scheme
//! and hash algorithm; a match of any usable RR verifies the zone. A
//! ZONEMD RRset with no usable RR fails here, as `ldns-verify-zone` fails
//! it: the zone asks for a digest check that cannot be made.

use super::Finding;
use crate::zone::rdata::soa_serial;
use crate::zone::rtype::Rtype;
use crate::zone::Zone;
use crate::zonemd::{digest_zone, fields, serial, HashAlg, SCHEME_SIMPLE};

/// The findings, and how many ZONEMD RRs matched the zone's data.
pub(super) fn check_zonemd(zone: &Zone) -> (Vec<Finding>, usize) {
    let origin = &zone.origin;
    let apex = zone.apex();
    let Some(set) = apex.rrset(Rtype::ZONEMD) else {
        return (Vec::new(), 0);
    };
    let at = |f: Finding| f.at(origin, Some(Rtype::ZONEMD));
    let mut findings = Vec::new();
    let soa = apex.rrset(Rtype::SOA).and_then(|s| s.rdatas.first()).and_then(soa_serial);
    let mut seen: Vec<(u8, u8)> = Vec::new();
    let mut usable: Vec<(HashAlg, &[u8])> = Vec::new();
    for rdata in &set.rdatas {
        let Some((scheme, hash)) = fields(rdata) else {
            findings.push(at(Finding::error(
                "malformed-zonemd",
                format!("ZONEMD RDATA of {} octets", rdata.len()),
            )));
            continue;
        };
        if seen.contains(&(scheme, hash)) {
            findings.push(at(Finding::error(
                "zonemd-duplicate",
                format!(
                    "the ZONEMD RRset holds more than one RR with scheme {scheme} and hash \
                     algorithm {hash}"
                ),
            )));
        }
        seen.push((scheme, hash));
        let h = HashAlg::from_number(hash).filter(|_| scheme == SCHEME_SIMPLE);
        match h {
            Some(h) if serial(rdata) == soa && rdata.len() == 6 + h.digest_len() => {
                usable.push((h, &rdata[6..]));
            }
            _ => {}
        }
    }
    if !findings.is_empty() {
        return (findings, 0);
    }
    if usable.is_empty() {
        findings.push(at(Finding::error(
            "zonemd-unusable",
            format!(
                "no ZONEMD RR has the SOA serial {} with scheme 1 (SIMPLE) and hash algorithm 1 \
                 (SHA-384) or 2 (SHA-512)",
                soa.map_or("(none)".to_string(), |s| s.to_string())
            ),
        )));
        return (findings, 0);
    }
    let mut hashes: Vec<HashAlg> = usable.iter().map(|u| u.0).collect();
    hashes.sort_unstable();
    hashes.dedup();
    let computed = digest_zone(zone, &hashes);
    let digest_of = |h: HashAlg| computed.iter().find(|c| c.0 == h).map(|c| &c.1[..]);
    let hex = |d: &[u8]| data_encoding::HEXUPPER.encode(d);
    let matched = usable.iter().filter(|(h, d)| digest_of(*h) == Some(*d)).count();
    for (h, d) in &usable {
        let Some(want) = digest_of(*h) else { continue };
        if want != *d {
            let detail = format!(
                "the {h} digest of the zone is {}, the ZONEMD RR says {}",
                hex(want),
                hex(d)
            );
            // One match verifies the zone (RFC 8976 §4); a mismatch beside
            // it is still worth knowing.
            findings.push(at(if matched == 0 {
                Finding::error("zonemd-mismatch", detail)
            } else {
                Finding::warning("zonemd-mismatch", detail)
            }));
        }
    }
    (findings, matched)
}
