//! The CDS and CDNSKEY RRsets (RFC 7344, RFC 8078) against the DNSKEY
//! RRset. A parent that scans for them replaces its DS RRset with what
//! they say: a CDS or CDNSKEY for a key the zone does not publish makes
//! the parent install a DS that no DNSKEY matches, and the zone goes bogus
//! at the next scan however valid its signatures. So they are checked as
//! the signatures are, and `zonesign sign` refuses input ones that fail
//! (before signing, [`problems`]).
//!
//! The rules, in our words:
//! - RFC 7344 §4.1 asks that the CDS/CDNSKEY records, applied to the
//!   parent's DS RRset, do not break the delegation. Hence here: a CDNSKEY
//!   is a DNSKEY of the zone; a CDS is a DS (RFC 4034 §5.1.4 digest) of
//!   one; both RRsets, when both are published, name the same keys (a
//!   parent may read either).
//! - RFC 8078 §4: the delete request is `CDS 0 0 0 00` and `CDNSKEY 0 3 0
//!   AA==`, each alone in its RRset, both when both RRsets are published.
//!
//! Knot's `kzonecheck` checks the same (its "CDNSKEY not match DNSKEY",
//! "CDS not match CDNSKEY"), so the zones zonesign writes pass it; it also
//! rejects one RRset without the other, and either below the apex, which
//! the verifier warns of (`cds-cdnskey-alone`, `cds-below-apex`).

use super::ds_matches;
use crate::zone::name::Name;

/// RDATA of the delete request (RFC 8078 §4): CDS `0 0 0 00`.
pub(super) const CDS_DELETE: &[u8] = &[0, 0, 0, 0, 0];
/// RDATA of the delete request (RFC 8078 §4): CDNSKEY `0 3 0 AA==`.
pub(super) const CDNSKEY_DELETE: &[u8] = &[0, 0, 3, 0, 0];

/// [`problems`] of the zone's apex CDS and CDNSKEY RRsets, given the
/// DNSKEY RDATA the zone publishes (the signer passes the RRset it will
/// publish, the verifier the one in the zone).
pub fn apex_problems(zone: &crate::zone::Zone, dnskeys: &[&[u8]]) -> Vec<Problem> {
    use crate::zone::rtype::Rtype;
    let apex = zone.apex();
    let rdatas = |t: Rtype| -> Vec<&[u8]> {
        apex.rrset(t).map(|r| r.rdatas.iter().collect()).unwrap_or_default()
    };
    problems(&zone.origin, dnskeys, &rdatas(Rtype::CDS), &rdatas(Rtype::CDNSKEY))
}

/// Whether the zone's apex CDS or CDNSKEY RRset names the key of DNSKEY
/// RDATA `dnskey` (a CDNSKEY equal to it, or a CDS that is a digest of it).
pub fn apex_names_key(zone: &crate::zone::Zone, dnskey: &[u8]) -> bool {
    use crate::zone::rtype::Rtype;
    let apex = zone.apex();
    let any =
        |t: Rtype, m: &dyn Fn(&[u8]) -> bool| apex.rrset(t).is_some_and(|s| s.rdatas.iter().any(m));
    any(Rtype::CDNSKEY, &|rd| rd == dnskey)
        || any(Rtype::CDS, &|rd| ds_matches(&zone.origin, dnskey, rd))
}

/// RFC 7344 §4.1, continuity ("MUST NOT break the current delegation if
/// applied to DS RRset"): whether the apex RRset `set` of `rtype` (CDS or
/// CDNSKEY RDATA) is the delete request of RFC 8078 §4 or names one of
/// `signers`, the DNSKEY RDATA of the keys that sign the DNSKEY RRset. True
/// when there are none to name. The verifier's rule, and the signer's
/// check of kept records before signing.
///
/// Of a CDS set, only the records a validator would use once the parent
/// installs them as DS count: those of the set's highest supported digest
/// type (RFC 4509 §3, and unbound; see [`super::anchors_validators_use`]).
/// A SHA-1 CDS of the signing KSK beside a SHA-256 CDS of a stand-by key
/// passed, and `dnssec-cds` refuses to follow it (the twenty-fifth audit,
/// 2026-12-06).
pub fn keeps_delegation(
    origin: &Name,
    rtype: crate::zone::rtype::Rtype,
    set: &[&[u8]],
    signers: &[&[u8]],
) -> bool {
    use super::supported_ds_digest;
    use crate::zone::rtype::Rtype;
    let delete = if rtype == Rtype::CDS { CDS_DELETE } else { CDNSKEY_DELETE };
    let favourite = match rtype {
        Rtype::CDS => set.iter().filter_map(|rd| supported_ds_digest(rd)).max(),
        _ => None,
    };
    let used = |rd: &[u8]| favourite.is_none() || supported_ds_digest(rd) == favourite;
    signers.is_empty()
        || set.iter().any(|&rd| {
            rd == delete
                || (used(rd)
                    && signers.iter().any(|&key| match rtype {
                        Rtype::CDS => ds_matches(origin, key, rd),
                        _ => key == rd,
                    }))
        })
}

/// What to add to a message of [`keeps_delegation`]'s failure: that records
/// of a lower digest type did not count, when the set has some.
pub fn ignored_digest_note(rtype: crate::zone::rtype::Rtype, set: &[&[u8]]) -> String {
    use super::supported_ds_digest;
    if rtype != crate::zone::rtype::Rtype::CDS {
        return String::new();
    }
    let digests: Vec<u8> = set.iter().filter_map(|rd| supported_ds_digest(rd)).collect();
    match digests.iter().max() {
        Some(&top) if digests.iter().any(|&d| d != top) => format!(
            " (only the CDS records of digest type {top} count: validators use only the highest \
             digest type of a DS set, RFC 4509 §3)"
        ),
        _ => String::new(),
    }
}

/// One problem: a finding kind and what is wrong.
pub type Problem = (&'static str, String);

/// What is wrong with `cds` and `cdnskey` (RDATA of the apex RRsets; empty
/// when absent) given the zone's DNSKEY RRset.
pub fn problems(
    origin: &Name,
    dnskeys: &[&[u8]],
    cds: &[&[u8]],
    cdnskey: &[&[u8]],
) -> Vec<Problem> {
    let mut out = Vec::new();
    let hex = |d: &[u8]| data_encoding::HEXUPPER.encode(d);
    let cds_delete = cds.contains(&CDS_DELETE);
    let cdnskey_delete = cdnskey.contains(&CDNSKEY_DELETE);
    if (cds_delete && cds.len() > 1) || (cdnskey_delete && cdnskey.len() > 1) {
        out.push((
            "cds-delete-not-alone",
            "the delete request (RFC 8078 §4) shares its RRset with other records".to_string(),
        ));
    }
    if (cds_delete && !cdnskey.is_empty() && !cdnskey_delete)
        || (cdnskey_delete && !cds.is_empty() && !cds_delete)
    {
        out.push((
            "cds-delete-mismatch",
            "one of CDS and CDNSKEY asks to delete the DS RRset, the other does not".to_string(),
        ));
    }
    let ds_of = |cds: &[u8], key: &[u8]| ds_matches(origin, key, cds);
    for key in cdnskey.iter().filter(|k| **k != CDNSKEY_DELETE) {
        if !dnskeys.contains(key) {
            out.push((
                "cdnskey-not-in-dnskey",
                format!(
                    "CDNSKEY with key tag {} is not in the DNSKEY RRset: a parent that follows \
                     it installs a DS no key matches",
                    crate::sign::keys::key_tag(key)
                ),
            ));
        }
    }
    for ds in cds.iter().filter(|d| **d != CDS_DELETE) {
        let tag = ds.get(..2).map_or(0, |t| u16::from_be_bytes([t[0], t[1]]));
        if !dnskeys.iter().any(|k| ds_of(ds, k)) {
            let (alg, digest_type) =
                (ds.get(2).copied().unwrap_or(0), ds.get(3).copied().unwrap_or(0));
            out.push((
                "cds-matches-no-dnskey",
                format!(
                    "CDS {tag} {alg} {digest_type} {} matches no DNSKEY of the zone: a parent \
                     that follows it installs a DS no key matches",
                    hex(ds.get(4..).unwrap_or_default())
                ),
            ));
        } else if !cdnskey.is_empty() && !cdnskey.iter().any(|k| ds_of(ds, k)) {
            out.push((
                "cds-cdnskey-mismatch",
                format!("CDS with key tag {tag} names a key the CDNSKEY RRset does not"),
            ));
        }
    }
    if !cds.is_empty() {
        for key in cdnskey.iter().filter(|k| **k != CDNSKEY_DELETE) {
            if !cds.iter().any(|ds| ds_of(ds, key)) {
                out.push((
                    "cds-cdnskey-mismatch",
                    format!("CDNSKEY with key tag {} has no CDS", crate::sign::keys::key_tag(key)),
                ));
            }
        }
    }
    out
}
