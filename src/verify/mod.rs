//! Independent verification of a signed zone.
//!
//! # Background
//! The verifier answers one question: would a validating resolver accept
//! every answer this zone can give? It checks, against the DNSKEY RRset *as
//! published in the zone* (never against the keys that signed it):
//! - RFC 4035 §2.2: every authoritative RRset has a valid RRSIG from each
//!   algorithm in the DNSKEY RRset; glue, occluded data and delegation NS
//!   RRsets have none; no RRSIG covers an RRset that is not there;
//! - the DNSKEY RRset is signed by a key with the SEP flag (when the zone
//!   has one), and by the trust anchor's key when one is given;
//! - validity windows contain the time of the check (RFC 4035 §5.3.1);
//! - the NSEC chain (RFC 4034 §4, RFC 4035 §2.3) or the NSEC3 chain
//!   (RFC 5155 §7.1) is complete, ordered, closed, with exact type bitmaps
//!   and one parameter set, and Opt-Out only where RFC 5155 §6 allows it;
//! - TTL rules (RFC 4034 §3, RFC 9077) as warnings.
//!
//! It shares the zone model and wire codec with the signer, and nothing
//! from `sign/`: signed data, RRSIG parsing, NSEC3 hashing (aws-lc-rs SHA-1)
//! and the expected type bitmaps are computed here again, independently.
//!
//! # Usage
//! [`verify_zone`] returns a [`Report`] with every finding (it does not stop
//! at the first); [`Report::passed`] is the only way to obtain a
//! [`VerificationPassed`], which the atomic writer demands.

pub mod crypto;
mod denial;

use std::collections::HashMap;
use std::fmt;

use rayon::prelude::*;
use serde::Serialize;

use crate::zone::name::Name;
use crate::zone::rtype::Rtype;
use crate::zone::{Node, NodeFlags, Rrset, Zone};
use crypto::PreparedKey;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The zone would not validate, or breaks a MUST: the run fails.
    Error,
    /// Worth fixing, but resolvers accept the zone.
    Warning,
}

/// One finding, with structured fields for reports and tests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// A stable identifier: `missing-signature`, `bad-signature`, ...
    pub kind: &'static str,
    pub owner: Option<String>,
    pub rtype: Option<String>,
    pub key_tag: Option<u16>,
    pub algorithm: Option<u8>,
    pub detail: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}: {}", self.kind)?;
        if let Some(o) = &self.owner {
            write!(f, " {o}")?;
        }
        if let Some(t) = &self.rtype {
            write!(f, " {t}")?;
        }
        if let Some(k) = self.key_tag {
            write!(f, " key {k}")?;
        }
        if let Some(a) = self.algorithm {
            write!(f, " alg {a}")?;
        }
        write!(f, ": {}", self.detail)
    }
}

impl Finding {
    fn error(kind: &'static str, detail: impl Into<String>) -> Finding {
        Finding {
            severity: Severity::Error,
            kind,
            owner: None,
            rtype: None,
            key_tag: None,
            algorithm: None,
            detail: detail.into(),
        }
    }
    fn warning(kind: &'static str, detail: impl Into<String>) -> Finding {
        Finding { severity: Severity::Warning, ..Finding::error(kind, detail) }
    }
    fn at(mut self, owner: &Name, rtype: Option<Rtype>) -> Finding {
        self.owner = Some(owner.to_string());
        self.rtype = rtype.map(|t| t.to_string());
        self
    }
    fn key(mut self, tag: u16, alg: u8) -> Finding {
        self.key_tag = Some(tag);
        self.algorithm = Some(alg);
        self
    }
}

/// What the verifier counted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub rrsets_checked: usize,
    pub signatures_verified: usize,
    pub signatures_failed: usize,
    pub nsec: usize,
    pub nsec3: usize,
}

/// All findings of one verification.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub counts: Counts,
    /// The time checked against, seconds since the epoch.
    pub at: i64,
}

/// Proof that a zone passed verification; only [`Report::passed`] makes one.
#[derive(Debug)]
pub struct VerificationPassed {
    _private: (),
}

impl Report {
    pub fn errors(&self) -> usize {
        self.findings.iter().filter(|f| f.severity == Severity::Error).count()
    }

    /// `Some` when there is no error finding.
    pub fn passed(&self) -> Option<VerificationPassed> {
        (self.errors() == 0).then_some(VerificationPassed { _private: () })
    }

    /// True if some finding is of this kind (for tests and callers).
    pub fn has(&self, kind: &str) -> bool {
        self.findings.iter().any(|f| f.kind == kind)
    }
}

/// A trust anchor for the zone: DS or DNSKEY RDATA (RFC 4035 §4.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustAnchor {
    Ds(Vec<u8>),
    Dnskey(Vec<u8>),
}

/// What to verify against.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Time of the check, seconds since the epoch.
    pub at: i64,
    pub trust_anchors: Vec<TrustAnchor>,
}

/// A zone key from the published DNSKEY RRset.
#[derive(Debug)]
struct PublishedKey {
    tag: u16,
    algorithm: u8,
    flags: u16,
    rdata: Box<[u8]>,
    prepared: Option<PreparedKey>,
}

/// RFC 4034 §2.1.1: "Bit 7 of the Flags field is the Zone Key flag".
const FLAG_ZONE: u16 = 0x0100;
/// RFC 4034 §2.1.1: "Bit 15 of the Flags field is the Secure Entry Point flag".
const FLAG_SEP: u16 = 0x0001;
/// RFC 5011 §3: "bit 8 ... the REVOKE flag".
const FLAG_REVOKE: u16 = 0x0080;

/// RFC 4034 Appendix B, written again here so the verifier depends on
/// nothing in `sign/`.
fn key_tag(rdata: &[u8]) -> u16 {
    let mut ac: u32 = 0;
    for (i, &b) in rdata.iter().enumerate() {
        ac += if i & 1 == 1 { b as u32 } else { (b as u32) << 8 };
    }
    ac += (ac >> 16) & 0xFFFF;
    (ac & 0xFFFF) as u16
}

/// An RRSIG RDATA, parsed (RFC 4034 §3.1).
#[derive(Debug)]
struct Rrsig<'a> {
    type_covered: Rtype,
    algorithm: u8,
    labels: u8,
    original_ttl: u32,
    expiration: u32,
    inception: u32,
    key_tag: u16,
    signer: Name,
    /// The RDATA without the signature: RRSIG_RDATA of §3.1.8.1.
    prefix: &'a [u8],
    signature: &'a [u8],
}

fn parse_rrsig(rdata: &[u8]) -> Option<Rrsig<'_>> {
    if rdata.len() < 19 {
        return None;
    }
    let u16_at = |p: usize| u16::from_be_bytes([rdata[p], rdata[p + 1]]);
    let u32_at =
        |p: usize| u32::from_be_bytes([rdata[p], rdata[p + 1], rdata[p + 2], rdata[p + 3]]);
    let (signer, end) = Name::from_wire(rdata, 18).ok()?;
    Some(Rrsig {
        type_covered: Rtype(u16_at(0)),
        algorithm: rdata[2],
        labels: rdata[3],
        original_ttl: u32_at(4),
        expiration: u32_at(8),
        inception: u32_at(12),
        key_tag: u16_at(16),
        signer,
        prefix: &rdata[..end],
        signature: &rdata[end..],
    })
}

/// RFC 1982 serial arithmetic on 32-bit times (RFC 4034 §3.1.5): a ≤ b.
fn serial_le(a: u32, b: u32) -> bool {
    (b.wrapping_sub(a) as i32) >= 0
}

/// Verifies a zone. Collects every finding.
pub fn verify_zone(zone: &Zone, opts: &VerifyOptions) -> Report {
    let mut report = Report { at: opts.at, ..Report::default() };
    let origin = &zone.origin;
    let apex = zone.apex();
    let Some(dnskey_set) = apex.rrset(Rtype::DNSKEY) else {
        report.findings.push(
            Finding::error("no-dnskey", "the apex has no DNSKEY RRset")
                .at(origin, Some(Rtype::DNSKEY)),
        );
        return report;
    };
    let mut keys: Vec<PublishedKey> = Vec::new();
    for rdata in &dnskey_set.rdatas {
        if rdata.len() < 4 {
            report.findings.push(
                Finding::error("malformed-dnskey", "DNSKEY RDATA shorter than 4 octets")
                    .at(origin, Some(Rtype::DNSKEY)),
            );
            continue;
        }
        let flags = u16::from_be_bytes([rdata[0], rdata[1]]);
        let algorithm = rdata[3];
        let tag = key_tag(rdata);
        let prepared = match PreparedKey::new(algorithm, &rdata[4..]) {
            Ok(p) => Some(p),
            Err(e) => {
                report.findings.push(
                    Finding::warning("unusable-dnskey", format!("cannot use this key: {e}"))
                        .at(origin, Some(Rtype::DNSKEY))
                        .key(tag, algorithm),
                );
                None
            }
        };
        keys.push(PublishedKey { tag, algorithm, flags, rdata: rdata.clone(), prepared });
    }
    // RFC 4035 §2.2: each algorithm of the DNSKEY RRset signs every RRset.
    let mut algorithms: Vec<u8> = keys
        .iter()
        .filter(|k| k.flags & FLAG_ZONE != 0 && k.flags & FLAG_REVOKE == 0)
        .map(|k| k.algorithm)
        .collect();
    algorithms.sort_unstable();
    algorithms.dedup();
    if algorithms.is_empty() {
        report.findings.push(
            Finding::error("no-zone-key", "the DNSKEY RRset has no usable zone key")
                .at(origin, Some(Rtype::DNSKEY)),
        );
        return report;
    }
    let mut by_tag: HashMap<(u8, u16), Vec<usize>> = HashMap::new();
    for (i, k) in keys.iter().enumerate() {
        if k.flags & FLAG_ZONE != 0 {
            by_tag.entry((k.algorithm, k.tag)).or_default().push(i);
        }
    }
    let ctx =
        Ctx { zone, keys: &keys, by_tag: &by_tag, algorithms: &algorithms, at: opts.at as u32 };

    // Signatures, in parallel over chunks of nodes; merged in order.
    let parts: Vec<(Vec<Finding>, Counts, Vec<(u16, u8)>)> = zone
        .nodes
        .par_chunks(256)
        .map(|chunk| {
            let mut findings = Vec::new();
            let mut counts = Counts::default();
            let mut dnskey_signers = Vec::new();
            let mut buf = Vec::with_capacity(4096);
            for node in chunk {
                ctx.check_node(node, &mut findings, &mut counts, &mut dnskey_signers, &mut buf);
            }
            (findings, counts, dnskey_signers)
        })
        .collect();
    let mut dnskey_signers: Vec<(u16, u8)> = Vec::new();
    for (f, c, d) in parts {
        report.findings.extend(f);
        report.counts.rrsets_checked += c.rrsets_checked;
        report.counts.signatures_verified += c.signatures_verified;
        report.counts.signatures_failed += c.signatures_failed;
        dnskey_signers.extend(d);
    }

    // The DNSKEY RRset must be signed by a SEP key, when the zone has one.
    let sep_keys: Vec<&PublishedKey> = keys
        .iter()
        .filter(|k| {
            k.flags & FLAG_SEP != 0 && k.flags & FLAG_ZONE != 0 && k.flags & FLAG_REVOKE == 0
        })
        .collect();
    let signed_by_sep = dnskey_signers
        .iter()
        .any(|&(tag, alg)| sep_keys.iter().any(|k| k.tag == tag && k.algorithm == alg));
    if !sep_keys.is_empty() && !signed_by_sep {
        report.findings.push(
            Finding::error(
                "dnskey-not-signed-by-sep",
                "no valid RRSIG over the DNSKEY RRset from a key with the SEP flag",
            )
            .at(origin, Some(Rtype::DNSKEY)),
        );
    }
    if !opts.trust_anchors.is_empty() {
        check_trust_anchors(origin, &keys, &dnskey_signers, &opts.trust_anchors, &mut report);
    }

    denial::check_denial(zone, &mut report);
    report
}

struct Ctx<'a> {
    zone: &'a Zone,
    keys: &'a [PublishedKey],
    by_tag: &'a HashMap<(u8, u16), Vec<usize>>,
    algorithms: &'a [u8],
    at: u32,
}

impl Ctx<'_> {
    fn check_node(
        &self,
        node: &Node,
        findings: &mut Vec<Finding>,
        counts: &mut Counts,
        dnskey_signers: &mut Vec<(u16, u8)>,
        buf: &mut Vec<u8>,
    ) {
        for rrsig_set in node.rrsets.iter().filter(|r| r.rtype == Rtype::RRSIG) {
            let covered = rrsig_set
                .rdatas
                .first()
                .and_then(|d| d.get(..2))
                .map(|b| Rtype(u16::from_be_bytes([b[0], b[1]])))
                .unwrap_or(Rtype(0));
            if node.rrset(covered).is_none() {
                findings.push(
                    Finding::error(
                        "orphan-signature",
                        format!("RRSIG covers {covered}, which is not at this name"),
                    )
                    .at(&node.name, Some(covered)),
                );
            } else if !must_be_signed(node, covered) {
                findings.push(
                    Finding::error(
                        "signature-on-unsigned-data",
                        "RRSIG over data that must not be signed (glue, occluded data or a delegation NS RRset; RFC 4035 §2.2)",
                    )
                    .at(&node.name, Some(covered)),
                );
            }
        }
        for rrset in &node.rrsets {
            if rrset.rtype == Rtype::RRSIG || !must_be_signed(node, rrset.rtype) {
                continue;
            }
            counts.rrsets_checked += 1;
            let mut valid_algs: Vec<u8> = Vec::new();
            if let Some(sigs) = node.rrsigs(rrset.rtype) {
                for rdata in &sigs.rdatas {
                    if let Some((tag, alg)) =
                        self.check_rrsig(node, rrset, sigs.ttl, rdata, findings, counts, buf)
                    {
                        valid_algs.push(alg);
                        if rrset.rtype == Rtype::DNSKEY {
                            dnskey_signers.push((tag, alg));
                        }
                    }
                }
            }
            for &alg in self.algorithms {
                if !valid_algs.contains(&alg) {
                    findings.push(
                        Finding::error(
                            "missing-signature",
                            format!("no valid RRSIG with algorithm {alg}, which the DNSKEY RRset has (RFC 4035 §2.2)"),
                        )
                        .at(&node.name, Some(rrset.rtype)),
                    );
                }
            }
        }
    }

    /// Checks one RRSIG; returns its key tag and algorithm if it is valid.
    #[allow(clippy::too_many_arguments)]
    fn check_rrsig(
        &self,
        node: &Node,
        rrset: &Rrset,
        rrsig_ttl: u32,
        rdata: &[u8],
        findings: &mut Vec<Finding>,
        counts: &mut Counts,
        buf: &mut Vec<u8>,
    ) -> Option<(u16, u8)> {
        let owner = &node.name;
        let Some(sig) = parse_rrsig(rdata) else {
            findings.push(
                Finding::error("malformed-rrsig", "RRSIG RDATA does not parse")
                    .at(owner, Some(rrset.rtype)),
            );
            return None;
        };
        let err = |kind: &'static str, detail: String| {
            Finding::error(kind, detail)
                .at(owner, Some(rrset.rtype))
                .key(sig.key_tag, sig.algorithm)
        };
        // RFC 4035 §5.3.1: "The RRSIG RR's Signer's Name field MUST be the
        // name of the zone that contains the RRset."
        if sig.signer != self.zone.origin {
            findings.push(err(
                "wrong-signer",
                format!("signer {} is not the zone {}", sig.signer, self.zone.origin),
            ));
            return None;
        }
        // "The number of labels in the RRset owner name MUST be greater than
        // or equal to the value in the RRSIG RR's Labels field."
        let owner_labels = owner.label_count();
        let expected_labels = if owner.is_wildcard() { owner_labels - 1 } else { owner_labels };
        if sig.labels as usize != expected_labels {
            findings.push(err(
                "wrong-labels",
                format!("labels field {} for an owner with {expected_labels}", sig.labels),
            ));
            return None;
        }
        // "The validator's notion of the current time MUST be less than or
        // equal to the time listed in the RRSIG RR's Expiration field" and
        // "greater than or equal to the time listed in the ... Inception field".
        if !serial_le(self.at, sig.expiration) {
            findings.push(err(
                "expired-signature",
                format!(
                    "expired at {}",
                    crate::sign::validity::format_yyyymmddhhmmss(sig.expiration as i64)
                ),
            ));
            return None;
        }
        if !serial_le(sig.inception, self.at) {
            findings.push(err(
                "signature-not-yet-valid",
                format!(
                    "valid only from {}",
                    crate::sign::validity::format_yyyymmddhhmmss(sig.inception as i64)
                ),
            ));
            return None;
        }
        if sig.type_covered != rrset.rtype {
            return None;
        }
        // RFC 4034 §3.1.4: the Original TTL is the TTL of the covered RRset;
        // §3: "The TTL value of an RRSIG RR MUST match the TTL value of the
        // RRset it covers."
        if sig.original_ttl != rrset.ttl {
            findings.push(
                Finding::warning(
                    "original-ttl-mismatch",
                    format!(
                        "original TTL {} but the RRset has TTL {}",
                        sig.original_ttl, rrset.ttl
                    ),
                )
                .at(owner, Some(rrset.rtype))
                .key(sig.key_tag, sig.algorithm),
            );
        }
        if rrsig_ttl != rrset.ttl {
            findings.push(
                Finding::warning(
                    "rrsig-ttl-mismatch",
                    format!(
                        "RRSIG TTL {rrsig_ttl} but the RRset has TTL {} (RFC 4034 §3)",
                        rrset.ttl
                    ),
                )
                .at(owner, Some(rrset.rtype)),
            );
        }
        let Some(candidates) = self.by_tag.get(&(sig.algorithm, sig.key_tag)) else {
            findings.push(err(
                "unknown-key",
                "no zone key in the DNSKEY RRset has this algorithm and key tag".into(),
            ));
            return None;
        };
        // Signed data (RFC 4034 §3.1.8.1), with the Original TTL (RFC 4035 §5.3.2).
        buf.clear();
        buf.extend_from_slice(sig.prefix);
        for rd in &rrset.rdatas {
            buf.extend_from_slice(owner.as_wire());
            buf.extend_from_slice(&rrset.rtype.0.to_be_bytes());
            buf.extend_from_slice(&self.zone.class.0.to_be_bytes());
            buf.extend_from_slice(&sig.original_ttl.to_be_bytes());
            buf.extend_from_slice(&(rd.len() as u16).to_be_bytes());
            buf.extend_from_slice(rd);
        }
        // Several keys may share a tag (RFC 4034 §5.3.1); any may verify.
        for &i in candidates {
            if let Some(k) = &self.keys[i].prepared {
                if k.verify(buf, sig.signature).is_ok() {
                    counts.signatures_verified += 1;
                    return Some((sig.key_tag, sig.algorithm));
                }
            }
        }
        counts.signatures_failed += 1;
        findings.push(err(
            "bad-signature",
            "the signature does not verify under the published DNSKEY".into(),
        ));
        None
    }
}

/// RFC 4035 §2.2: authoritative RRsets are signed; at a delegation point
/// only DS and NSEC; never glue or data below a cut or DNAME.
fn must_be_signed(node: &Node, rtype: Rtype) -> bool {
    if node.flags.contains(NodeFlags::BELOW_CUT) || node.flags.contains(NodeFlags::BELOW_DNAME) {
        return false;
    }
    if node.flags.contains(NodeFlags::DELEGATION) {
        return matches!(rtype, Rtype::DS | Rtype::NSEC);
    }
    rtype != Rtype::RRSIG
}

fn check_trust_anchors(
    origin: &Name,
    keys: &[PublishedKey],
    dnskey_signers: &[(u16, u8)],
    anchors: &[TrustAnchor],
    report: &mut Report,
) {
    let matches = |k: &PublishedKey| {
        anchors.iter().any(|a| match a {
            TrustAnchor::Dnskey(rd) => **rd == *k.rdata,
            TrustAnchor::Ds(ds) => ds_matches(origin, &k.rdata, ds),
        })
    };
    let ok = keys.iter().any(|k| matches(k) && dnskey_signers.contains(&(k.tag, k.algorithm)));
    if !ok {
        report.findings.push(
            Finding::error(
                "trust-anchor-mismatch",
                "no DNSKEY that matches the trust anchor validly signs the DNSKEY RRset",
            )
            .at(origin, Some(Rtype::DNSKEY)),
        );
    }
}

/// RFC 4034 §5.1.4: "digest = digest_algorithm( DNSKEY owner name | DNSKEY RDATA)".
fn ds_matches(owner: &Name, dnskey: &[u8], ds: &[u8]) -> bool {
    if ds.len() < 4
        || key_tag(dnskey) != u16::from_be_bytes([ds[0], ds[1]])
        || ds[2] != dnskey.get(3).copied().unwrap_or(0)
    {
        return false;
    }
    let alg = match ds[3] {
        1 => &aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY,
        2 => &aws_lc_rs::digest::SHA256,
        4 => &aws_lc_rs::digest::SHA384,
        _ => return false,
    };
    let mut ctx = aws_lc_rs::digest::Context::new(alg);
    ctx.update(owner.to_lowercase().as_wire());
    ctx.update(dnskey);
    ctx.finish().as_ref() == &ds[4..]
}
