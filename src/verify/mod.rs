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
//! [`verify_zone_with`] also takes [`FastPathOptions`].
//!
//! # Signature verification paths
//! Each chunk of nodes is walked twice. The first walk collects every
//! signature to verify (signed data, signature, candidate keys); those are
//! verified in batches per key through [`fast`] (ECDSA P-256/P-384 tables,
//! Ed25519 batches where enabled) and everything the fast path does not
//! accept, or has no fast path, through aws-lc-rs ([`crypto`]). The second
//! walk repeats the first one's checks and consumes the verdicts in the
//! same order, so findings, their order and counts are those of a
//! signature-by-signature walk. A sample of fast accepts is re-verified
//! with aws-lc-rs; a disagreement is the error finding
//! `fast-path-disagreement` (the run fails) and switches the fast path off
//! for the rest of the run.

pub mod cds;
pub mod crypto;
mod denial;
mod names;
pub use denial::MAX_ITERATIONS as MAX_NSEC3_ITERATIONS;
pub mod fast;
mod zonemd;

/// Nodes per parallel work unit. Its signatures form the fast path's
/// batches, whose shared inversions are only amortised over a full batch
/// ([`fast::BATCH`]): a TLD has about one signature per two nodes (DS and
/// NSEC3 RRsets), so 256-node chunks made batches of ~110 and the field
/// inversions cost 1.7 µs per P-256 signature instead of ~0.4. 2048 nodes
/// are about 1,100 signatures: one batch.
const CHUNK_NODES: usize = 2048;

/// The signed data a chunk collects before it verifies what it has (see
/// `Ctx::check_chunk`): a TLD's 2,048 nodes hold about 200 KB. (Unit
/// tests verify every few nodes, so that every zone they verify crosses
/// the budget.)
const ARENA_BUDGET: usize = if cfg!(test) { 2048 } else { 32 << 20 };

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use serde::Serialize;

use crate::zone::name::Name;
use crate::zone::rtype::Rtype;
use crate::zone::{Node, NodeFlags, Rrset, Zone};
use crypto::PreparedKey;
use fast::{FastKey, FastPath};

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
    /// Signatures accepted by the batched ECDSA P-256 fast path.
    pub fast_p256: usize,
    /// Signatures accepted by the batched ECDSA P-384 fast path.
    pub fast_p384: usize,
    /// Signatures accepted by Ed25519 batch verification.
    pub fast_ed25519_batch: usize,
    /// Signatures decided by aws-lc-rs: no fast path, or not accepted by it.
    pub aws_lc: usize,
    /// Fast accepts re-verified with aws-lc-rs as a canary.
    pub canary_checks: usize,
    /// Apex ZONEMD RRs whose digest matched the zone (RFC 8976).
    pub zonemd: usize,
}

impl Counts {
    /// Adds the signature counters of `other` (not nsec/nsec3, which the
    /// denial check sets once).
    fn add_signatures(&mut self, other: &Counts) {
        self.rrsets_checked += other.rrsets_checked;
        self.signatures_verified += other.signatures_verified;
        self.signatures_failed += other.signatures_failed;
        self.fast_p256 += other.fast_p256;
        self.fast_p384 += other.fast_p384;
        self.fast_ed25519_batch += other.fast_ed25519_batch;
        self.aws_lc += other.aws_lc;
        self.canary_checks += other.canary_checks;
    }

    /// One line for the run summary: which path verified how many, and for
    /// P-256 which kernel added the points (the AVX-512 IFMA one is about
    /// 2.5x the portable one, so a run's speed depends on it).
    pub fn paths_summary(&self) -> String {
        let p256_kernel = if self.fast_p256 == 0 {
            String::new()
        } else {
            format!(" ({})", fast::p256ifma::kernel_name())
        };
        format!(
            "verification paths: {} fast P-256{p256_kernel}, {} fast P-384, {} Ed25519 batch, {} aws-lc-rs; {} canary re-checks",
            self.fast_p256, self.fast_p384, self.fast_ed25519_batch, self.aws_lc, self.canary_checks
        )
    }
}

/// A key of the DNSKEY RRset and how many valid signatures it made: 0 for
/// a key published without signing (a rollover's stand-by key, as BIND's
/// `dnssec-verify` counts them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyUse {
    pub key_tag: u16,
    pub algorithm: u8,
    pub flags: u16,
    /// The first 16 hex digits of SHA-256 over the public key field, as
    /// the signer names keys: two DNSKEYs sharing algorithm and tag were
    /// two identical entries, one signing and one not, with nothing saying
    /// which (the twenty-sixth audit, 2026-12-06; the .de failure's shape).
    pub public_key: String,
    pub signatures: usize,
    /// Signatures naming its algorithm and key tag that verify under no
    /// DNSKEY of them (`bad-signature` errors): the count an operator needs
    /// first in a failure of the .de shape, where the summary said
    /// "stand-by, signs nothing" of the key whose signatures were bogus
    /// (the seventy-second audit). Shared by the keys of one tag.
    #[serde(skip_serializing_if = "is_zero")]
    pub bad_signatures: usize,
    /// A key past the first [`MAX_KEYS_PER_TAG`] of its algorithm and tag
    /// (the `dnskey-tag-collisions` error): no signature was tried against
    /// it, so its count of 0 says nothing. It was listed as a stand-by key
    /// that signs nothing (the forty-ninth session's list, 2026-12-07).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub not_tried: bool,
    /// Another key of the RRset has the same algorithm and tag: the
    /// summary line names the public key then.
    #[serde(skip)]
    pub shares_tag: bool,
}

impl fmt::Display for KeyUse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let role = match self.flags {
            fl if fl & FLAG_REVOKE != 0 => "revoked",
            fl if fl & FLAG_SEP != 0 => "KSK",
            _ => "ZSK",
        };
        write!(f, "key {:>5} alg {:>2} {role}", self.key_tag, self.algorithm)?;
        if self.shares_tag {
            write!(f, " (public key {})", self.public_key)?;
        }
        f.write_str(": ")?;
        match (self.signatures, self.bad_signatures) {
            (0, 0) if self.not_tried => write!(
                f,
                "not tried (more than {MAX_KEYS_PER_TAG} keys share its algorithm and tag)"
            ),
            (0, 0) => f.write_str("stand-by, signs nothing"),
            (n, 0) => write!(f, "{n} signatures"),
            (0, bad) => write!(f, "no valid signature, {bad} with its tag that do not verify"),
            (n, bad) => write!(f, "{n} signatures, {bad} more with its tag that do not verify"),
        }
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// All findings of one verification.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub counts: Counts,
    /// The zone keys of the DNSKEY RRset, in its order, with their valid
    /// signatures.
    pub keys: Vec<KeyUse>,
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

impl TrustAnchor {
    /// Whether `dnskey` (RDATA of a DNSKEY of the zone `owner`) is the key
    /// this anchor names: the same RDATA, or for a DS the key tag,
    /// algorithm and digest of RFC 4034 §5.1.4.
    pub fn matches(&self, owner: &Name, dnskey: &[u8]) -> bool {
        match self {
            TrustAnchor::Dnskey(rd) => rd.as_slice() == dnskey,
            TrustAnchor::Ds(ds) => ds_matches(owner, dnskey, ds),
        }
    }

    /// The digest type of a DS anchor whose digest type and key algorithm
    /// validators support (RFC 8624 §3.3: digests 1, 2, 4; the key
    /// algorithms of its §3.1 that validators implement).
    fn supported_ds_digest(&self) -> Option<u8> {
        match self {
            TrustAnchor::Ds(ds) => supported_ds_digest(ds),
            TrustAnchor::Dnskey(_) => None,
        }
    }
}

/// The digest type of DS (or CDS) RDATA `ds` when validators support it
/// and its key algorithm (see [`anchors_validators_use`]).
pub(crate) fn supported_ds_digest(ds: &[u8]) -> Option<u8> {
    match ds.get(2..4) {
        Some(&[5 | 7 | 8 | 10 | 13 | 14 | 15 | 16, t @ (1 | 2 | 4)]) => Some(t),
        _ => None,
    }
}

/// The anchors of `anchors` that validators use. RFC 4509 §3: "Validator
/// implementations SHOULD ignore DS RRs containing SHA-1 digests if DS RRs
/// with SHA-256 digests are present in the DS RRset." Unbound goes
/// further: it uses the DS records of one digest type only, the highest it
/// supports among those of key algorithms it supports. A parent's DS set
/// holding a SHA-1 DS of the signing KSK beside a SHA-256 DS of other key
/// material is bogus to BIND and unbound alike, and one holding a SHA-256
/// DS of the KSK beside a wrong SHA-384 DS is bogus to unbound; both
/// passed the trust-anchor check while any DS sufficed (the twenty-first
/// audit, 2026-12-06). So a DS anchor counts only when its digest type is
/// the highest supported one of the set; DNSKEY anchors always count.
pub fn anchors_validators_use(anchors: &[TrustAnchor]) -> Vec<&TrustAnchor> {
    let favourite = anchors.iter().filter_map(TrustAnchor::supported_ds_digest).max();
    anchors
        .iter()
        .filter(|a| match a {
            TrustAnchor::Dnskey(_) => true,
            TrustAnchor::Ds(_) => favourite.is_none() || a.supported_ds_digest() == favourite,
        })
        .collect()
}

/// Why no key of `keys` that the full `anchors` name is anchored by the
/// anchors validators use ([`anchors_validators_use`]): names the keys that
/// only an ignored DS names, and the digest type validators take. `None`
/// when no ignored DS names any of them.
pub fn ignored_anchor_note<'a>(
    origin: &Name,
    anchors: &[TrustAnchor],
    keys: impl Iterator<Item = (u16, &'a [u8])>,
) -> Option<String> {
    let in_use = anchors_validators_use(anchors);
    let favourite = in_use.iter().find_map(|a| a.supported_ds_digest())?;
    let named: Vec<String> = keys
        .filter(|(_, rd)| {
            anchors.iter().any(|a| a.matches(origin, rd))
                && !in_use.iter().any(|a| a.matches(origin, rd))
        })
        .map(|(tag, _)| tag.to_string())
        .collect();
    if named.is_empty() {
        return None;
    }
    Some(format!(
        "only a DS of a digest type validators ignore names key {}: with a DS of digest type \
         {favourite} in the set, validators use only those (RFC 4509 §3: SHA-1 ignored beside \
         SHA-256; unbound uses the highest digest type alone)",
        named.join(", ")
    ))
}

/// What to verify against.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Time of the check, seconds since the epoch.
    pub at: i64,
    pub trust_anchors: Vec<TrustAnchor>,
}

/// Whether the fast verification paths run at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FastVerification {
    Enabled,
    /// aws-lc-rs for every signature.
    Disabled,
}

/// Whether Ed25519 signatures go through batch verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ed25519Batch {
    /// aws-lc-rs verifies each Ed25519 signature: exact.
    Disabled,
    /// ed25519-dalek batches. Not exact for a signature whose R carries an
    /// 8-torsion component, which aws-lc-rs rejects and a batch may accept
    /// (see `verify::fast::ed25519`); no RFC 8032 signer makes one, so this
    /// is for checking signatures this program just made, not for judging
    /// someone else's zone.
    DangerousIgnoreTorsion,
}

/// How signatures are verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FastPathOptions {
    pub fast: FastVerification,
    pub ed25519: Ed25519Batch,
    /// Re-verify one in `canary_every` fast-accepted signatures with
    /// aws-lc-rs (deterministic sample by signature hash; 0: none).
    pub canary_every: u32,
}

impl Default for FastPathOptions {
    fn default() -> Self {
        FastPathOptions {
            fast: FastVerification::Enabled,
            ed25519: Ed25519Batch::Disabled,
            canary_every: 1000,
        }
    }
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

impl PublishedKey {
    /// A zone key a validator can use: the Zone Key flag set and protocol 3.
    /// RFC 4034 §2.1.2: "The Protocol Field MUST have value 3, and the
    /// DNSKEY RR MUST be treated as invalid during signature verification
    /// if it is found to be some value other than 3."
    fn is_zone_key(&self) -> bool {
        self.flags & FLAG_ZONE != 0 && self.rdata.get(2) == Some(&DNSKEY_PROTOCOL)
    }

    /// RFC 5011 §2.1: "the resolver MUST consider this key permanently
    /// invalid for all purposes except for validating the revocation".
    fn is_revoked(&self) -> bool {
        self.flags & FLAG_REVOKE != 0
    }

    /// A key whose signatures count for the zone's data: a zone key, not
    /// revoked.
    fn signs_data(&self) -> bool {
        self.is_zone_key() && !self.is_revoked()
    }
}

/// RFC 4034 §2.1.1: "Bit 7 of the Flags field is the Zone Key flag".
const FLAG_ZONE: u16 = 0x0100;
/// RFC 4034 §2.1.1: "Bit 15 of the Flags field is the Secure Entry Point flag".
const FLAG_SEP: u16 = 0x0001;
/// RFC 5011 §3: "bit 8 ... the REVOKE flag".
const FLAG_REVOKE: u16 = 0x0080;
/// RFC 4034 §2.1.2: "The Protocol Field MUST have value 3".
const DNSKEY_PROTOCOL: u8 = 3;

/// RFC 4034 Appendix B, written again here so the verifier depends on
/// nothing in `sign/`. Appendix B.1: "The key tag for algorithm 1
/// (RSA/MD5) is defined differently ... the key tag is defined to be the
/// most significant 16 bits of the least significant 24 bits in the public
/// key modulus" (the general sum until the fifth audit, 2026-12-06: every
/// RSA/MD5 signature's key looked unpublished).
fn key_tag(rdata: &[u8]) -> u16 {
    if rdata.len() >= 4 + 3 && rdata[3] == 1 {
        let n = rdata.len();
        return u16::from_be_bytes([rdata[n - 3], rdata[n - 2]]);
    }
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
    /// The signer's name, wire form (canonical form: lowercase).
    signer: &'a [u8],
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
    let end = crate::zone::name::wire_name_end(rdata, 18).ok()?;
    let signer = &rdata[18..end];
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

/// Verifies a zone with the default [`FastPathOptions`]. Collects every
/// finding.
pub fn verify_zone(zone: &Zone, opts: &VerifyOptions) -> Report {
    verify_zone_with(zone, opts, &FastPathOptions::default())
}

/// Verifies a zone. Collects every finding.
pub fn verify_zone_with(zone: &Zone, opts: &VerifyOptions, paths: &FastPathOptions) -> Report {
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
            // Not the shape its algorithm defines (RFC 3110 §2, RFC 6605
            // §4, RFC 8080 §3), or not a point on its curve: Knot's
            // libdnssec (kzonecheck, Knot Resolver) rejects the DNSKEY as
            // invalid. It was a warning here, as for a key zonesign cannot
            // use but validators do (the forty-fifth audit, 2026-12-07).
            Err(e @ crate::verify::crypto::CryptoError::MalformedKey { .. }) => {
                // An RSA form Knot rejects is said once, below.
                let said_below = matches!(
                    crate::verify::crypto::rfc3110_departure(algorithm, &rdata[4..]),
                    Some(Err(_))
                );
                report.findings.extend((!said_below).then(|| {
                    Finding::error(
                        "malformed-dnskey",
                        format!("{e}: Knot's libdnssec rejects this DNSKEY as invalid"),
                    )
                    .at(origin, Some(Rtype::DNSKEY))
                    .key(tag, algorithm)
                }));
                None
            }
            Err(e) => {
                report.findings.push(
                    Finding::warning("unusable-dnskey", format!("cannot use this key: {e}"))
                        .at(origin, Some(Rtype::DNSKEY))
                        .key(tag, algorithm),
                );
                None
            }
        };
        match crate::verify::crypto::rfc3110_departure(algorithm, &rdata[4..]) {
            Some(Ok(why)) => report.findings.push(
                Finding::warning(
                    "dnskey-rsa-form",
                    format!("{why}: BIND, ldns and Knot read it; zonesign signs with no such key"),
                )
                .at(origin, Some(Rtype::DNSKEY))
                .key(tag, algorithm),
            ),
            Some(Err(why)) => report.findings.push(
                Finding::error(
                    "dnskey-rsa-form",
                    format!(
                        "{why}: Knot's libdnssec (kzonecheck, Knot Resolver) rejects this DNSKEY as invalid"
                    ),
                )
                .at(origin, Some(Rtype::DNSKEY))
                .key(tag, algorithm),
            ),
            None => {}
        }
        if rdata[2] != DNSKEY_PROTOCOL {
            report.findings.push(
                Finding::error(
                    "dnskey-bad-protocol",
                    format!(
                        "protocol field {}, not 3: validators treat this key as invalid (RFC 4034 §2.1.2)",
                        rdata[2]
                    ),
                )
                .at(origin, Some(Rtype::DNSKEY))
                .key(tag, algorithm),
            );
        }
        // RFC 4034 §2.1.1: "Bits 0-6 and 8-14 are reserved: these bits MUST
        // have value 0 upon creation of the DNSKEY RR and MUST be ignored
        // upon receipt." BIND and ldns ignore them; Knot (kzonecheck, as
        // measured with 3.2) rejects a DNSKEY with any of bits 0-6 set or
        // the Zone Key bit (7) clear as invalid, while bits 8-14 pass. As
        // for the protocol field, a zone one validator rejects fails.
        if flags & 0xfe00 != 0 || flags & FLAG_ZONE == 0 {
            let why = if flags & FLAG_ZONE == 0 {
                "the Zone Key bit (7) is clear"
            } else {
                "a reserved bit of bits 0-6 is set"
            };
            report.findings.push(
                Finding::error(
                    "dnskey-bad-flags",
                    format!(
                        "flags {flags}: {why}; RFC 4034 §2.1.1 has validators ignore reserved bits, but Knot (kzonecheck) rejects this DNSKEY as invalid"
                    ),
                )
                .at(origin, Some(Rtype::DNSKEY))
                .key(tag, algorithm),
            );
        }
        keys.push(PublishedKey { tag, algorithm, flags, rdata: rdata.into(), prepared });
    }
    // RFC 4035 §2.2: each algorithm of the DNSKEY RRset signs every RRset.
    let mut algorithms: Vec<u8> =
        keys.iter().filter(|k| k.signs_data()).map(|k| k.algorithm).collect();
    algorithms.sort_unstable();
    algorithms.dedup();
    if algorithms.is_empty() {
        report.findings.push(
            Finding::error("no-zone-key", "the DNSKEY RRset has no usable zone key")
                .at(origin, Some(Rtype::DNSKEY)),
        );
        return report;
    }
    // The keys an RRSIG may name, by algorithm and key tag: for the
    // DNSKEY RRset every zone key, for the rest none that is revoked.
    let mut by_tag = KeysByTag::default();
    for (i, k) in keys.iter().enumerate() {
        if k.is_zone_key() {
            by_tag.dnskey.entry((k.algorithm, k.tag)).or_default().push(i);
        }
        if k.signs_data() {
            by_tag.data.entry((k.algorithm, k.tag)).or_default().push(i);
        }
    }
    // Two zone keys of one algorithm and tag (a revoked key whose tag, the
    // REVOKE bit added, is another key's; two keys that collide): BIND and
    // ldns try each, but Knot's `kzonecheck` rejects the zone ("unknown
    // error", 3.2, with or without signatures by the revoked key: the
    // twentieth audit, 2026-12-06). A warning, as the zone validates.
    let mut shared: Vec<(u8, u16)> =
        by_tag.dnskey.iter().filter(|(_, keys)| keys.len() > 1).map(|(tag, _)| *tag).collect();
    shared.sort_unstable();
    for (algorithm, tag) in shared {
        // KeyTrap (CVE-2023-50387): each signature naming a tag is tried
        // against every key of the tag, so n keys and n signatures over one
        // RRset cost n² verifications; 400 of each, 120 KB of zone file,
        // took 6.5 s where BIND and ldns take 0.1 s (the fifty-ninth audit,
        // 2026-12-07). A signature is tried against the first
        // MAX_KEYS_PER_TAG keys of its tag only: linear in the zone's
        // signatures. No zone needs more keys of one algorithm and tag.
        let count = by_tag.dnskey[&(algorithm, tag)].len();
        if count > MAX_KEYS_PER_TAG {
            for keys in [&mut by_tag.dnskey, &mut by_tag.data] {
                if let Some(list) = keys.get_mut(&(algorithm, tag)) {
                    list.truncate(MAX_KEYS_PER_TAG);
                }
            }
            by_tag.truncated.insert((algorithm, tag));
            report.findings.push(
                Finding::error(
                    "dnskey-tag-collisions",
                    format!(
                        "{count} DNSKEYs share this algorithm and key tag: signatures naming it were tried against the first {MAX_KEYS_PER_TAG} only (each signature against every such key is the KeyTrap attack, CVE-2023-50387, which validators bound too)"
                    ),
                )
                .at(origin, Some(Rtype::DNSKEY))
                .key(tag, algorithm),
            );
            // The warning would say it again.
            continue;
        }
        let many = if count == 2 { "two".to_string() } else { count.to_string() };
        report.findings.push(
            Finding::warning(
                "dnskey-tag-shared",
                format!("{many} DNSKEYs share this algorithm and key tag: BIND and ldns try each, but Knot's kzonecheck rejects such a zone; a key rollover should pick keys whose tags differ, also once revoked (the REVOKE bit adds 128 to a tag)"),
            )
            .at(origin, Some(Rtype::DNSKEY))
            .key(tag, algorithm),
        );
    }
    // The denial chain is checked beside the signatures (fast-path tables,
    // then the chunks of nodes): the chain check is mostly sequential, and
    // with many cores the signatures would otherwise wait for it. Results
    // are merged in a fixed order whatever the threads.
    let (parts, denial_report) = rayon::join(
        || {
            let fast_keys = build_fast_keys(&keys, paths, &signatures_per_key(zone, &keys));
            let ctx = Ctx {
                zone,
                by_tag: &by_tag,
                algorithms: &algorithms,
                at: opts.at as u32,
                verifier: Verifier {
                    keys: &keys,
                    fast_keys: &fast_keys,
                    canary_every: paths.canary_every,
                    fast_off: AtomicBool::new(false),
                },
            };
            // Signatures, in parallel over chunks of nodes; merged in order.
            zone.nodes
                .par_chunks(CHUNK_NODES)
                .map(|chunk| ctx.check_chunk(chunk))
                .collect::<Vec<ChunkResult>>()
        },
        || {
            rayon::join(
                || {
                    let mut r = Report::default();
                    denial::check_denial(zone, &mut r);
                    r
                },
                || zonemd::check_zonemd(zone),
            )
        },
    );
    let (denial_report, (zonemd_findings, zonemd_matched)) = denial_report;
    let mut signers = Signers::default();
    for (f, c, d) in parts {
        report.findings.extend(f);
        report.counts.add_signatures(&c);
        signers.merge(d);
    }
    // The `bad-signature` findings by algorithm and tag, counted in one
    // pass: a zone of many keys and many bad signatures is the verifier's
    // input too.
    let mut bad_by_tag: HashMap<(u8, u16), usize> = HashMap::new();
    for f in report.findings.iter().filter(|f| f.kind == "bad-signature") {
        if let (Some(alg), Some(tag)) = (f.algorithm, f.key_tag) {
            *bad_by_tag.entry((alg, tag)).or_default() += 1;
        }
    }
    report.keys = keys
        .iter()
        .enumerate()
        .filter(|(_, k)| k.flags & FLAG_ZONE != 0)
        .map(|(i, k)| KeyUse {
            key_tag: k.tag,
            algorithm: k.algorithm,
            flags: k.flags,
            public_key: crate::sign::keys::fingerprint(k.rdata.get(4..).unwrap_or_default()),
            signatures: signers.signatures(i),
            bad_signatures: bad_by_tag.get(&(k.algorithm, k.tag)).copied().unwrap_or(0),
            not_tried: by_tag.truncated.contains(&(k.algorithm, k.tag))
                && !by_tag.dnskey.get(&(k.algorithm, k.tag)).is_some_and(|l| l.contains(&i)),
            shares_tag: keys.iter().enumerate().any(|(j, o)| {
                j != i && o.flags & FLAG_ZONE != 0 && (o.tag, o.algorithm) == (k.tag, k.algorithm)
            }),
        })
        .collect();
    // The keys, by their place in `keys`, whose signature over the DNSKEY
    // RRset verified: the key itself, not its tag, which another key may
    // share (the .de failure of 5 May 2026: same tag, other key material).
    let dnskey_signers = signers.dnskey;

    // The DNSKEY RRset must be signed by a SEP key, when the zone has one.
    let is_sep = |k: &PublishedKey| k.flags & FLAG_SEP != 0 && k.signs_data();
    let has_sep = keys.iter().any(is_sep);
    let signed_by_sep = dnskey_signers.iter().any(|&i| is_sep(&keys[i]));
    if !has_sep {
        // RFC 4034 §2.1.1 on the SEP flag: "validators MUST NOT alter
        // their behavior during the signature validation process in any
        // way based on the setting of this bit": resolvers accept such a
        // zone, BIND's dnssec-verify ("No self-signed KSK DNSKEY found")
        // and kzonecheck do not.
        report.findings.push(
            Finding::warning(
                "dnskey-no-sep",
                "no key of the DNSKEY RRset has the SEP flag: validators accept this, BIND's dnssec-verify and kzonecheck reject it",
            )
            .at(origin, Some(Rtype::DNSKEY)),
        );
    }
    // RFC 4035 §2.3 leaves a KEY RRset at a delegation point out of its
    // NSEC type bit map ("bits corresponding to any non-NS RRset for which
    // the parent is not authoritative MUST be clear"), as zonesign does and
    // `kzonecheck` wants; BIND 9.18 takes KEY there as the parent's data,
    // after RFC 2535, and `dnssec-verify` rejects the zone without its bit.
    // No bit map passes both (the seventy-ninth audit); NSEC3 passes all
    // three.
    if zone.nodes.iter().any(|n| n.rrset(Rtype::NSEC).is_some()) {
        let cuts = zone
            .nodes
            .iter()
            .filter(|n| n.flags.contains(NodeFlags::DELEGATION) && n.rrset(Rtype::KEY).is_some());
        for node in cuts {
            report.findings.push(
                Finding::warning(
                    "key-at-delegation",
                    "a KEY RRset at a delegation point under NSEC: validators and kzonecheck accept the zone, BIND's dnssec-verify rejects its NSEC type bit map (BIND 9.18 takes KEY there as the parent's); remove the KEY record, or sign with NSEC3",
                )
                .at(&node.name, Some(Rtype::KEY)),
            );
        }
    }
    // The same convention by algorithm: `dnssec-verify` wants a
    // self-signed KSK of each ("Missing self-signed KSK for algorithm
    // RSASHA256"); a zone whose second algorithm had ZSKs only, signed
    // with `--csk`, passed without a word (the seventy-ninth audit).
    let mut without_sep: Vec<u8> = keys
        .iter()
        .filter(|k| has_sep && k.signs_data())
        .map(|k| k.algorithm)
        .filter(|&a| !keys.iter().any(|k| k.algorithm == a && is_sep(k)))
        .collect();
    without_sep.sort_unstable();
    without_sep.dedup();
    for algorithm in without_sep {
        report.findings.push(
            Finding::warning(
                "dnskey-no-sep",
                format!(
                    "no key of algorithm {algorithm} in the DNSKEY RRset has the SEP flag: validators accept this, BIND's dnssec-verify rejects it"
                ),
            )
            .at(origin, Some(Rtype::DNSKEY)),
        );
    }
    if has_sep && !signed_by_sep {
        report.findings.push(
            Finding::error(
                "dnskey-not-signed-by-sep",
                "no valid RRSIG over the DNSKEY RRset from a key with the SEP flag",
            )
            .at(origin, Some(Rtype::DNSKEY)),
        );
    }
    // RFC 7344, RFC 8078: what the parent would take from the zone.
    let dnskeys: Vec<&[u8]> = dnskey_set.rdatas.iter().collect();
    for (kind, detail) in cds::apex_problems(zone, &dnskeys) {
        let rtype = if kind.starts_with("cdnskey") { Rtype::CDNSKEY } else { Rtype::CDS };
        report.findings.push(Finding::error(kind, detail).at(origin, Some(rtype)));
    }
    // RFC 7344 has a parent take either RRset (BIND's `dnssec-cds` reads
    // CDS or CDNSKEY, whichever is there); `kzonecheck` rejects a zone
    // with one alone ("missing CDNSKEY", "missing CDS"). A warning (the
    // twenty-second audit, 2026-12-06: published without a word).
    let apex = zone.apex();
    if let (Some(_), None) | (None, Some(_)) = (apex.rrset(Rtype::CDS), apex.rrset(Rtype::CDNSKEY))
    {
        let (has, lacks) = if apex.rrset(Rtype::CDS).is_some() {
            (Rtype::CDS, Rtype::CDNSKEY)
        } else {
            (Rtype::CDNSKEY, Rtype::CDS)
        };
        report.findings.push(
            Finding::warning(
                "cds-cdnskey-alone",
                format!(
                    "the apex has {has} and no {lacks}: a parent that reads {lacks} finds \
                     nothing (RFC 7344); kzonecheck rejects the zone (\"missing {lacks}\")"
                ),
            )
            .at(origin, Some(has)),
        );
    }
    check_cds_signers_and_continuity(
        zone,
        &keys,
        &dnskey_signers,
        &signers.cds,
        &opts.trust_anchors,
        &mut report,
    );
    if !opts.trust_anchors.is_empty() {
        // The keys an RRSIG over the DNSKEY RRset names, by tag and
        // algorithm, verified or not (see `check_trust_anchors`).
        let named_by_rrsigs: Vec<(u16, u8)> = apex
            .rrsigs(Rtype::DNSKEY)
            .map(|set| {
                set.rdatas
                    .iter()
                    .filter(|rd| rd.len() >= 18)
                    .map(|rd| (u16::from_be_bytes([rd[16], rd[17]]), rd[2]))
                    .collect()
            })
            .unwrap_or_default();
        check_trust_anchors(
            origin,
            &keys,
            &dnskey_signers,
            &named_by_rrsigs,
            &opts.trust_anchors,
            &mut report,
        );
    }

    report.findings.extend(denial_report.findings);
    report.counts.nsec = denial_report.counts.nsec;
    report.counts.nsec3 = denial_report.counts.nsec3;
    report.findings.extend(zonemd_findings);
    report.counts.zonemd = zonemd_matched;
    report
}

/// RFC 8624 §3.3: validators use DS digest types 1 (SHA-1), 2 (SHA-256) and
/// 4 (SHA-384); GOST (3) is not to be used, others are not defined. A DS of
/// another type is one validators cannot use, and a delegation left with no
/// DS they can use is treated as insecure (as RFC 4035 §5.2 treats a DS
/// RRset of unsupported algorithms); `kzonecheck` rejects the zone
/// ("invalid algorithm in DS"). The zone still validates: a warning, which
/// says whether the delegation is left without a usable DS.
fn check_ds_digest_types(node: &Node, findings: &mut Vec<Finding>) {
    let Some(ds) = node.rrset(Rtype::DS) else { return };
    let usable = |d: &[u8]| matches!(d.get(3), Some(1 | 2 | 4));
    let any_usable = ds.rdatas.iter().any(usable);
    for d in ds.rdatas.iter().filter(|d| !usable(d)) {
        let (tag, digest_type) = match d {
            [a, b, _, t, ..] => (u16::from_be_bytes([*a, *b]), *t),
            _ => (0, 0),
        };
        let left = if any_usable {
            "another DS of the delegation is usable"
        } else {
            "no DS of the delegation is usable: it validates as insecure"
        };
        findings.push(
            Finding::warning(
                "ds-digest-type-unsupported",
                format!(
                    "DS {tag} has digest type {digest_type}, which validators ignore (RFC 8624 \
                     §3.3: 1, 2, 4); {left}"
                ),
            )
            .at(&node.name, Some(Rtype::DS)),
        );
    }
}

/// Knot's "missing glue record": a name server of a delegation or of the
/// apex whose name is in the zone and not below another delegation, with
/// no address record (A or AAAA) at that name, nor at the wildcard of its
/// closest encloser when the name is not there. RFC 1034 §4.2.1 has a
/// zone hold the addresses (glue) of name servers below its cuts, or no
/// resolver reaches them (RFC 9471 on glue in referrals). `kzonecheck`
/// rejects such a zone and `knotd` will not load it; BIND warns and serves
/// it when the name server is a delegation's, and refuses to load it when
/// it is the apex's. The zone validates, and the other signers sign it: a
/// warning (the twenty-first audit, 2026-12-06, found one signed and passed
/// without a word). Only names in the zone are looked up: one binary search
/// each.
fn check_glue(zone: &Zone, node: &Node, findings: &mut Vec<Finding>) {
    use crate::zone::name::{canonical_cmp_wire, common_suffix_labels, wire_label_count};
    if !node.flags.contains(NodeFlags::DELEGATION) && !node.flags.contains(NodeFlags::APEX) {
        return;
    }
    let Some(ns) = node.rrset(Rtype::NS) else { return };
    let nodes = &zone.nodes;
    let search =
        |wire: &[u8]| nodes.binary_search_by(|n| canonical_cmp_wire(n.name.as_wire(), wire));
    // An NSEC3 owner with nothing else is no name of the zone's tree (Knot
    // keeps NSEC3 nodes apart): a name server whose name is one, covered by
    // a wildcard A, was warned of though Knot accepts it (the twenty-second
    // audit, 2026-12-06).
    // One with names below it is an empty non-terminal of the tree all the
    // same (descendants follow a name in canonical order; the twenty-third
    // audit).
    let in_tree = |i: usize| {
        let n = &nodes[i];
        n.rrset(Rtype::NSEC3).is_none()
            || n.rrsets.iter().any(|r| {
                r.rtype != Rtype::NSEC3
                    && (r.rtype != Rtype::RRSIG || r.covered() != Some(Rtype::NSEC3))
            })
            || nodes
                .get(i + 1)
                .is_some_and(|next| next.name != n.name && next.name.is_subdomain_of(&n.name))
    };
    let has_address = |n: &Node| n.rrset(Rtype::A).is_some() || n.rrset(Rtype::AAAA).is_some();
    // Why a name server has no address, for the message: BIND names an
    // alias as such ("is a CNAME (illegal)", "is below a DNAME (illegal)"),
    // where "no address record" sent the operator looking for the wrong
    // fault (the twenty-fifth audit, 2026-12-06). A CNAME below a cut is
    // no alias the zone serves: BIND calls it missing glue (the
    // twenty-sixth audit).
    let lacks = |n: &Node| {
        if n.flags.is_authoritative() && n.rrset(Rtype::CNAME).is_some() {
            Lack::Cname
        } else {
            Lack::Address
        }
    };
    for rd in ns.rdatas.iter() {
        let Ok(target) = Name::from_wire_exact(rd) else { continue };
        if !target.is_subdomain_of(&zone.origin) {
            continue;
        }
        let wire = target.as_wire();
        let found = search(wire);
        let lack = match found {
            Ok(i) if in_tree(i) => (!has_address(&nodes[i])).then(|| lacks(&nodes[i])),
            Ok(i) | Err(i) => {
                // The closest encloser is what the name shares with the
                // name before it in canonical order: the names between an
                // existing ancestor and its descendants are descendants of
                // it, and every ancestor of a name of the zone is a node
                // (empty non-terminals included). One search, not one per
                // label: 120-label name servers took 0.5 ms each (the
                // twenty-second audit).
                let shared = match i.checked_sub(1).map(|p| &nodes[p]) {
                    Some(before) => common_suffix_labels(before.name.as_wire(), wire),
                    None => zone.origin.label_count(),
                };
                let mut at = 0usize;
                for _ in 0..wire_label_count(wire).saturating_sub(shared) {
                    at += 1 + wire[at] as usize;
                }
                let Ok(mut e) = search(&wire[at..]) else { continue };
                // An NSEC3 owner alone is no encloser: its parent, the apex, is.
                if !in_tree(e) {
                    let Ok(apex) = search(zone.origin.as_wire()) else { continue };
                    e = apex;
                }
                let other_cut = nodes[e].name != node.name
                    && (nodes[e].flags.contains(NodeFlags::DELEGATION)
                        || !nodes[e].flags.is_authoritative());
                if other_cut {
                    continue;
                }
                if nodes[e].rrset(Rtype::DNAME).is_some() {
                    Some(Lack::BelowDname(&nodes[e].name))
                } else {
                    let mut wildcard = vec![1, b'*'];
                    wildcard.extend_from_slice(nodes[e].name.as_wire());
                    match search(&wildcard) {
                        Ok(w) if has_address(&nodes[w]) => None,
                        Ok(w) => Some(lacks(&nodes[w])),
                        Err(_) => Some(Lack::Address),
                    }
                }
            }
        };
        let Some(lack) = lack else { continue };
        let what = match lack {
            Lack::Address => format!("name server {target} is in the zone but has no address record (A or AAAA): resolvers cannot reach it (RFC 1034 §4.2.1)"),
            Lack::Cname => format!("name server {target} is a CNAME, and has no address record (A or AAAA) of its own: an NS must name a host, not an alias (RFC 2181 §10.3)"),
            Lack::BelowDname(at) => format!("name server {target} is below the DNAME at {at}, and has no address record (A or AAAA) of its own: an NS must name a host, not an alias (RFC 2181 §10.3)"),
        };
        // BIND refuses the zone ("has no address records", "not loaded due
        // to errors") for a name server of the apex that is the zone's own
        // data; a delegation's it warns of and serves, and one below a cut
        // it does not check (the twenty-sixth audit, 2026-12-06).
        let served_by_zone = match found {
            Ok(i) => nodes[i].flags.is_authoritative(),
            Err(_) => true,
        };
        let servers = if node.flags.contains(NodeFlags::APEX) && served_by_zone {
            "kzonecheck rejects the zone (\"missing glue record\"), knotd and named will not load it"
        } else {
            "kzonecheck rejects the zone (\"missing glue record\") and knotd will not load it; named serves it"
        };
        findings.push(
            Finding::warning("missing-glue", format!("{what}; {servers}"))
                .at(&node.name, Some(Rtype::NS)),
        );
    }
}

/// Why a name server of the zone has no address ([`check_glue`]).
enum Lack<'a> {
    Address,
    Cname,
    BelowDname(&'a Name),
}

/// CDS and CDNSKEY belong at the apex, where the parent reads them (RFC
/// 7344); below it no parent reads them, and
/// `kzonecheck` checks them at every name as at the apex, rejecting the
/// zone unless both are there and match a DNSKEY RRset at that name (the
/// twenty-second audit, 2026-12-06: published without a word). BIND serves
/// them as any data: a warning.
/// RFC 4034 §2.1.1: "If bit 7 has value 1, then the DNSKEY record holds a
/// DNS zone key, and the DNSKEY RR's owner name MUST be the name of a
/// zone." An authoritative DNSKEY RRset below the apex passed here, while
/// `dnssec-verify` rejects it ("No correct ... signature") and the signer
/// refuses to sign one (the forty-fifth audit, 2026-12-07).
fn check_dnskey_below_apex(node: &Node, findings: &mut Vec<Finding>) {
    if !node.flags.contains(NodeFlags::APEX)
        && node.rrset(Rtype::DNSKEY).is_some()
        && must_be_signed(node, Rtype::DNSKEY)
    {
        findings.push(
            Finding::error(
                "dnskey-below-apex",
                "a DNSKEY RRset below the apex: zone keys are published at the apex (RFC 4034 \
                 §2.1.1, RFC 4035 §2.1); dnssec-verify rejects it, and zonesign does not sign it",
            )
            .at(&node.name, Some(Rtype::DNSKEY)),
        );
    }
}

fn check_cds_below_apex(node: &Node, findings: &mut Vec<Finding>) {
    if node.flags.contains(NodeFlags::APEX) {
        return;
    }
    for rtype in [Rtype::CDS, Rtype::CDNSKEY] {
        if node.rrset(rtype).is_some() {
            findings.push(
                Finding::warning(
                    "cds-below-apex",
                    format!(
                        "{rtype} below the apex: no parent reads it (RFC 7344: at the child's \
                         apex); kzonecheck rejects the zone unless CDS and CDNSKEY are both here \
                         and match a DNSKEY RRset of this name"
                    ),
                )
                .at(&node.name, Some(rtype)),
            );
        }
    }
}

/// Below this many signatures naming a key no fast-path table is built for
/// it: a P-256 table takes about 100 ms and 9.5 MiB (the shared G table as
/// long again), in which aws-lc-rs checks about 1,000 signatures one by
/// one.
const FAST_PATH_MIN_SIGNATURES: usize = 1024;

/// At most this many ECDSA keys get a fast-path table, those with the most
/// signatures: 64 ZSKs signing every RRset held 64 tables at once, 710 MB
/// for a zone of 23 MB (the twelfth audit, 2026-12-06). The others are
/// verified by aws-lc-rs, as correct and slower.
const FAST_PATH_MAX_ECDSA_KEYS: usize = 16;

/// For each published key, how many RRSIG records name its algorithm and
/// key tag, shared out among the keys that have both. A table was built
/// for every published key once the zone had 1,024 signatures in all: 600
/// stand-by P-256 keys beside them cost 43 CPU seconds and 5.9 GB (the
/// tenth audit, 2026-12-06); keys sharing a tag (as in KeyTrap,
/// CVE-2023-50387) now share its count, so the tables built never cost
/// more than checking the signatures one by one would.
fn signatures_per_key(zone: &Zone, keys: &[PublishedKey]) -> Vec<usize> {
    let mut index: HashMap<(u8, u16), usize> = HashMap::new();
    let mut sharing: Vec<usize> = Vec::new();
    let slots: Vec<usize> = keys
        .iter()
        .map(|k| {
            let next = index.len();
            let i = *index.entry((k.algorithm, k.tag)).or_insert(next);
            if i == sharing.len() {
                sharing.push(0);
            }
            sharing[i] += 1;
            i
        })
        .collect();
    let n = sharing.len();
    let counts = zone
        .nodes
        .par_chunks(CHUNK_NODES)
        .map(|chunk| {
            let mut c = vec![0usize; n];
            // Signatures come in runs of one key (a TLD's ZSK signs nearly
            // all): the last key's slot is kept, and the map is asked only
            // when the key changes (one lookup per signature cost verify
            // about 2 % of its instructions, an audit, 2026-12-06).
            let mut last: Option<((u8, u16), Option<usize>)> = None;
            for set in chunk.iter().flat_map(|node| &node.rrsets) {
                if set.rtype != Rtype::RRSIG {
                    continue;
                }
                // RDATA: type covered (2), algorithm, labels, original
                // TTL (4), expiration (4), inception (4), key tag (2).
                for r in set.rdatas.iter().filter(|r| r.len() >= 18) {
                    let key = (r[2], u16::from_be_bytes([r[16], r[17]]));
                    let slot = match last {
                        Some((k, slot)) if k == key => slot,
                        _ => {
                            let slot = index.get(&key).copied();
                            last = Some((key, slot));
                            slot
                        }
                    };
                    if let Some(i) = slot {
                        c[i] += 1;
                    }
                }
            }
            c
        })
        .reduce(
            || vec![0usize; n],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                a
            },
        );
    slots.iter().map(|&i| counts[i] / sharing[i]).collect()
}

/// One [`FastKey`] per published key where a fast path applies and pays:
/// at least [`FAST_PATH_MIN_SIGNATURES`] signatures name it
/// ([`signatures_per_key`]). Built in parallel. A split-key zone's KSK
/// signs a handful of RRsets and gets none.
fn build_fast_keys(
    keys: &[PublishedKey],
    paths: &FastPathOptions,
    signatures: &[usize],
) -> Vec<Option<FastKey>> {
    // The ECDSA keys beyond the cap, fewest signatures first (ties: the
    // later key), get no table.
    let mut ecdsa: Vec<usize> = (0..keys.len())
        .filter(|&i| matches!(keys[i].algorithm, 13 | 14))
        .filter(|&i| signatures[i] >= FAST_PATH_MIN_SIGNATURES)
        .collect();
    ecdsa.sort_by_key(|&i| (std::cmp::Reverse(signatures[i]), i));
    let capped: Vec<usize> = ecdsa.into_iter().skip(FAST_PATH_MAX_ECDSA_KEYS).collect();
    keys.par_iter()
        .zip(signatures)
        .enumerate()
        .map(|(i, (k, &signatures))| {
            let wanted = paths.fast == FastVerification::Enabled
                && signatures >= FAST_PATH_MIN_SIGNATURES
                && k.prepared.is_some()
                && !capped.contains(&i)
                && (k.algorithm != 15 || paths.ed25519 == Ed25519Batch::DangerousIgnoreTorsion);
            if wanted {
                FastKey::new(k.algorithm, k.rdata.get(4..)?)
            } else {
                None
            }
        })
        .collect()
}

/// FNV-1a over the signature: the deterministic canary sample (the same
/// signatures are re-checked whatever the thread count).
fn canary_sampled(signature: &[u8], every: u32) -> bool {
    if every == 0 {
        return false;
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in signature {
        h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    h.is_multiple_of(every as u64)
}

/// One signature to verify, collected by the first walk of a chunk.
struct Job<'z> {
    /// The signed data, in the chunk's arena.
    data: Range<usize>,
    signature: &'z [u8],
    /// Indices into `Ctx::keys` with the RRSIG's algorithm and key tag.
    candidates: &'z [usize],
}

/// The two walks over a chunk: collect the signatures, then consume the
/// verdicts in the same order.
enum Phase<'p, 'z> {
    Collect { jobs: &'p mut Vec<Job<'z>>, arena: &'p mut Vec<u8> },
    Apply { verdicts: std::slice::Iter<'p, Option<usize>> },
}

/// What one chunk yields: findings, counts, and who signed.
type ChunkResult = (Vec<Finding>, Counts, Signers);

/// Valid signatures per key, and the keys that validly signed the DNSKEY
/// RRset; keys by their place in the DNSKEY RRset (never by key tag).
#[derive(Debug, Default)]
struct Signers {
    /// A zone has a handful of keys: a list, searched in order.
    per_key: Vec<(usize, usize)>,
    dnskey: Vec<usize>,
    /// The keys whose signatures over the apex CDS and CDNSKEY RRsets
    /// verified, with the type.
    cds: Vec<(Rtype, usize)>,
}

impl Signers {
    fn add(&mut self, key: usize, n: usize) {
        match self.per_key.iter_mut().find(|(k, _)| *k == key) {
            Some((_, count)) => *count += n,
            None => self.per_key.push((key, n)),
        }
    }

    fn merge(&mut self, other: Signers) {
        for (key, n) in other.per_key {
            self.add(key, n);
        }
        self.dnskey.extend(other.dnskey);
        self.cds.extend(other.cds);
    }

    fn signatures(&self, key: usize) -> usize {
        self.per_key.iter().find(|(k, _)| *k == key).map_or(0, |(_, n)| *n)
    }
}

/// The most keys of one algorithm and key tag a signature is tried
/// against (see the `dnskey-tag-collisions` error).
const MAX_KEYS_PER_TAG: usize = 4;

/// The keys an RRSIG may name, by (algorithm, key tag): indices into the
/// published keys. Several keys may share a tag (RFC 4034 §5.3.1).
#[derive(Debug, Default)]
struct KeysByTag {
    /// For the DNSKEY RRset: every zone key, revoked ones too (RFC 5011
    /// §2.1: a revoked key signs the DNSKEY RRset to make its revocation
    /// count).
    dnskey: HashMap<(u8, u16), Vec<usize>>,
    /// For every other RRset: zone keys not revoked.
    data: HashMap<(u8, u16), Vec<usize>>,
    /// The tags of more than [`MAX_KEYS_PER_TAG`] keys, whose lists above
    /// hold the first of them only.
    truncated: std::collections::HashSet<(u8, u16)>,
}

struct Ctx<'a> {
    zone: &'a Zone,
    by_tag: &'a KeysByTag,
    algorithms: &'a [u8],
    at: u32,
    verifier: Verifier<'a>,
}

/// The signature verification of all chunks: keys, fast keys, canary.
struct Verifier<'a> {
    keys: &'a [PublishedKey],
    fast_keys: &'a [Option<FastKey>],
    canary_every: u32,
    /// Set on a canary disagreement: aws-lc-rs only from then on.
    fast_off: AtomicBool,
}

impl Verifier<'_> {
    /// Verdicts for the jobs: fast path in batches per key, aws-lc-rs for
    /// the rest and for everything the fast path does not accept.
    fn verify_jobs(
        &self,
        jobs: &[Job<'_>],
        arena: &[u8],
        findings: &mut Vec<Finding>,
        counts: &mut Counts,
    ) -> Vec<Option<usize>> {
        // For each job, the key whose signature verified.
        let mut verdicts = vec![None; jobs.len()];
        let mut per_key: Vec<Vec<usize>> = vec![Vec::new(); self.keys.len()];
        let mut slow: Vec<usize> = Vec::new();
        let fast_on = !self.fast_off.load(Ordering::Relaxed);
        for (j, job) in jobs.iter().enumerate() {
            match job.candidates {
                [k] if fast_on && self.fast_keys[*k].is_some() => per_key[*k].push(j),
                _ => slow.push(j),
            }
        }
        for (k, list) in per_key.iter().enumerate() {
            let Some(fast) = &self.fast_keys[k] else { continue };
            if list.is_empty() {
                continue;
            }
            let items: Vec<(&[u8], &[u8])> =
                list.iter().map(|&j| (&arena[jobs[j].data.clone()], jobs[j].signature)).collect();
            let accepted = fast.verify_batch(&items);
            for ((&j, ok), (data, signature)) in list.iter().zip(accepted).zip(&items) {
                let key = &self.keys[k];
                let reference =
                    |d, s| key.prepared.as_ref().is_some_and(|p| p.verify(d, s).is_ok());
                if !ok {
                    // Not accepted here is not "invalid": aws-lc-rs decides.
                    counts.aws_lc += 1;
                    verdicts[j] = reference(data, signature).then_some(k);
                    continue;
                }
                match fast.path() {
                    FastPath::P256 => counts.fast_p256 += 1,
                    FastPath::P384 => counts.fast_p384 += 1,
                    FastPath::Ed25519Batch => counts.fast_ed25519_batch += 1,
                }
                verdicts[j] = Some(k);
                if canary_sampled(signature, self.canary_every) {
                    counts.canary_checks += 1;
                    if !reference(data, signature) {
                        self.fast_off.store(true, Ordering::Relaxed);
                        verdicts[j] = None;
                        findings.push(
                            Finding::error(
                                "fast-path-disagreement",
                                format!(
                                    "the {:?} fast path accepted a signature that aws-lc-rs rejects; the fast path is off for the rest of the run",
                                    fast.path()
                                ),
                            )
                            .key(key.tag, key.algorithm),
                        );
                    }
                }
            }
        }
        for j in slow {
            let job = &jobs[j];
            counts.aws_lc += 1;
            let data = &arena[job.data.clone()];
            // Several keys may share a tag (RFC 4034 §5.3.1); any may verify,
            // and the one that does is the signer.
            verdicts[j] = job.candidates.iter().copied().find(|&i| {
                self.keys[i]
                    .prepared
                    .as_ref()
                    .is_some_and(|k| k.verify(data, job.signature).is_ok())
            });
        }
        verdicts
    }
}

impl<'a> Ctx<'a> {
    /// Both walks over one chunk; returns its findings, counts and the
    /// keys that validly signed the DNSKEY RRset.
    ///
    /// The signed data of a run of nodes is collected, verified, then
    /// applied; a run ends with the chunk, or once its data passes
    /// [`ARENA_BUDGET`]: each RRSIG has its own copy of the RRset it signs,
    /// and 1,200 RRSIGs over RRsets of 62 KB per name held 3.1 GB for a
    /// zone of 3.4 MB (the tenth audit, 2026-12-06).
    fn check_chunk(&self, chunk: &'a [Node]) -> ChunkResult {
        let mut jobs = Vec::new();
        let mut arena = Vec::with_capacity(64 * 1024);
        let mut findings = Vec::new();
        let mut counts = Counts::default();
        let mut signers = Signers::default();
        let mut start = 0;
        for (end, node) in chunk.iter().enumerate() {
            {
                // The first walk's findings and counts are thrown away: the
                // second walk makes them again, with the verdicts.
                let (mut f, mut c, mut d) = (Vec::new(), Counts::default(), Signers::default());
                let mut phase = Phase::Collect { jobs: &mut jobs, arena: &mut arena };
                self.check_node(node, &mut f, &mut c, &mut d, &mut phase);
            }
            if arena.len() < ARENA_BUDGET && end + 1 < chunk.len() {
                continue;
            }
            let verdicts = self.verifier.verify_jobs(&jobs, &arena, &mut findings, &mut counts);
            let mut phase = Phase::Apply { verdicts: verdicts.iter() };
            for node in &chunk[start..=end] {
                self.check_node(node, &mut findings, &mut counts, &mut signers, &mut phase);
            }
            jobs.clear();
            arena.clear();
            start = end + 1;
        }
        (findings, counts, signers)
    }

    fn check_node(
        &self,
        node: &'a Node,
        findings: &mut Vec<Finding>,
        counts: &mut Counts,
        signers: &mut Signers,
        phase: &mut Phase<'_, 'a>,
    ) {
        // The first walk only gathers the signatures to verify: its
        // findings would be thrown away, so it makes none of its own.
        let collecting = matches!(phase, Phase::Collect { .. });
        if !collecting {
            check_ds_digest_types(node, findings);
            check_glue(self.zone, node, findings);
            check_cds_below_apex(node, findings);
            check_dnskey_below_apex(node, findings);
            names::check_names(node, findings);
        }
        for rrsig_set in node.rrsets.iter().filter(|r| !collecting && r.rtype == Rtype::RRSIG) {
            let covered = rrsig_set.covered().unwrap_or(Rtype(0));
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
            // Algorithms with a valid RRSIG over this RRset, as a bit set.
            let mut valid_algs = [0u64; 4];
            // Algorithms of which an RRSIG over this RRset was an
            // `unusable-key` error: "no valid RRSIG" beside it read as if
            // the signature were not there (the seventeenth audit,
            // 2026-12-06). Only where that error was given: an unusable
            // key that shares a tag with the revoked key that made the
            // signature hid the missing signature (the eighteenth).
            let mut unusable_algs = [0u64; 4];
            let rrsigs = node.rrsigs(rrset.rtype);
            if let Some(sigs) = rrsigs {
                for rdata in &sigs.rdatas {
                    let before = findings.len();
                    let checked =
                        self.check_rrsig(node, rrset, sigs.ttl, rdata, findings, counts, phase);
                    // So too where a `signature-not-checked` error was
                    // given: "no valid RRSIG" beside it said again that the
                    // signature was bad, where its key was only not tried
                    // (the sixty-second audit, 2026-12-07).
                    if findings[before..].iter().any(|f| {
                        matches!(f.kind, "unusable-key" | "signature-not-checked")
                            && f.severity == Severity::Error
                    }) {
                        if let Some(&alg) = rdata.get(2) {
                            unusable_algs[usize::from(alg >> 6)] |= 1 << (alg & 63);
                        }
                    }
                    if let Some(key) = checked {
                        let signer = &self.verifier.keys[key];
                        // A revoked key's signature over the DNSKEY RRset
                        // makes its revocation count, not the RRset valid.
                        if signer.signs_data() {
                            let alg = signer.algorithm;
                            valid_algs[usize::from(alg >> 6)] |= 1 << (alg & 63);
                        }
                        signers.add(key, 1);
                        if rrset.rtype == Rtype::DNSKEY {
                            signers.dnskey.push(key);
                        }
                        if matches!(rrset.rtype, Rtype::CDS | Rtype::CDNSKEY)
                            && node.flags.contains(NodeFlags::APEX)
                        {
                            signers.cds.push((rrset.rtype, key));
                        }
                    }
                }
            }
            if collecting {
                continue;
            }
            for &alg in self.algorithms {
                let bit = |set: &[u64; 4]| set[usize::from(alg >> 6)] & (1 << (alg & 63)) != 0;
                if !bit(&valid_algs) && !bit(&unusable_algs) {
                    findings.push(
                        Finding::error(
                            "missing-signature",
                            format!("no valid RRSIG with algorithm {alg}, which the DNSKEY RRset has (RFC 4035 §2.2)"),
                        )
                        .at(&node.name, Some(rrset.rtype)),
                    );
                }
            }
            if let Some(finding) = answer_too_large(node, rrset, rrsigs) {
                findings.push(finding);
            }
        }
    }

    /// Checks one RRSIG; returns the key (its place among the published
    /// keys) whose signature it is, if it is valid.
    #[allow(clippy::too_many_arguments)]
    fn check_rrsig(
        &self,
        node: &Node,
        rrset: &Rrset,
        rrsig_ttl: u32,
        rdata: &'a [u8],
        findings: &mut Vec<Finding>,
        counts: &mut Counts,
        phase: &mut Phase<'_, 'a>,
    ) -> Option<usize> {
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
        if !sig.signer.eq_ignore_ascii_case(self.zone.origin.as_wire()) {
            let signer =
                Name::from_wire_exact(sig.signer).map(|n| n.to_string()).unwrap_or_default();
            findings.push(err(
                "wrong-signer",
                format!("signer {signer} is not the zone {}", self.zone.origin),
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
        // RFC 4034 §3.1.5: "all comparisons involving these fields MUST use
        // 'Serial number arithmetic'": a window of 2^31 seconds or more has
        // its expiration before its inception, and validators reject it
        // whatever the time (BIND: no valid signature; ldns: "expiration
        // date earlier than inception date"). An expiration equal to the
        // inception is a window of one second, valid in it by RFC 4035
        // §5.3.1 (as BIND, Unbound and ldns take it; it was refused, the
        // tenth audit, 2026-12-06). A window of exactly 2^31 seconds is
        // neither (RFC 1982 §3.2: such a pair is "undefined"); BIND and Knot
        // accept it, its times checked against the clock alone, and so do we
        // (it was refused as "before": the fifty-third audit, 2026-12-07).
        let window = sig.expiration.wrapping_sub(sig.inception);
        if window > 1 << 31 {
            findings.push(err(
                "expiration-not-after-inception",
                format!(
                    "expiration {} is before inception {} in serial number arithmetic (RFC 4034 §3.1.5): a validity period must be shorter than 2^31 seconds (68 years)",
                    crate::sign::validity::format_yyyymmddhhmmss(sig.expiration as i64),
                    crate::sign::validity::format_yyyymmddhhmmss(sig.inception as i64)
                ),
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
        // RFC 4034 §3.1.4: "The Original TTL field specifies the TTL of the
        // covered RRset as it appears in the authoritative zone." A zone
        // whose signatures name another TTL was signed over other data:
        // BIND's dnssec-verify ("TTL mismatch") and kzonecheck reject it.
        if sig.original_ttl != rrset.ttl {
            findings.push(err(
                "original-ttl-mismatch",
                format!(
                    "original TTL {} but the RRset has TTL {} (RFC 4034 §3.1.4)",
                    sig.original_ttl, rrset.ttl
                ),
            ));
            // Not a valid signature of this RRset, as an expired one is not:
            // it was counted verified, and for its key, though the zone
            // failed on it (the twenty-first audit, 2026-12-06).
            return None;
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
                .at(owner, Some(rrset.rtype))
                .key(sig.key_tag, sig.algorithm),
            );
        }
        let tag = (sig.algorithm, sig.key_tag);
        let by_tag =
            if rrset.rtype == Rtype::DNSKEY { &self.by_tag.dnskey } else { &self.by_tag.data };
        let Some(candidates) = by_tag.get(&tag) else {
            let finding = if self.by_tag.dnskey.contains_key(&tag) {
                // A warning as for an unknown key: validators skip the
                // signature, and an RRset that has no other is an error
                // below. Extra signatures by a revoked KSK over data the
                // ZSK signs too (kzonesign makes them) were each an error,
                // though all three validators accept the zone (the twelfth
                // audit, 2026-12-06).
                Finding::warning(
                    "signed-by-revoked-key",
                    "the only keys with this algorithm and key tag are revoked: validators use a revoked key for nothing but its signature over the DNSKEY RRset (RFC 5011 §2.1), and skip this signature",
                )
                .at(owner, Some(rrset.rtype))
                .key(sig.key_tag, sig.algorithm)
            } else {
                // RFC 4035 §5.3.1: an RRSIG that names no key of the DNSKEY
                // RRset is one a validator cannot use, and skips (a signature
                // left over from a rollover, say). A warning: whether the
                // RRset has a valid signature of each algorithm is checked
                // below, and is an error when it has not.
                Finding::warning(
                    "unknown-key",
                    "no zone key in the DNSKEY RRset has this algorithm and key tag: validators skip this signature",
                )
                .at(owner, Some(rrset.rtype))
                .key(sig.key_tag, sig.algorithm)
            };
            findings.push(finding);
            return None;
        };
        // A revoked key's tag is its unrevoked tag plus 128 (the REVOKE
        // bit, RFC 5011 §7), and can be a key's that signs: its signatures
        // over data were tried against that key alone, and each called bad
        // though validators skip them and the zone validates (the fourteenth
        // audit, 2026-12-06). So data signatures are tried against the
        // revoked keys of their tag too, and one of those is the warning
        // below. (Every zone key of the tag is in `dnskey`, a superset.)
        let unusable = |c: &[usize]| c.iter().all(|&i| self.verifier.keys[i].prepared.is_none());
        // A key this verifier cannot use, beside a revoked key of its tag:
        // a signature none of them verifies is the unusable key's to
        // vouch for, not a bad one (the fifteenth audit, 2026-12-06).
        let signers_unusable = unusable(candidates);
        let candidates = match self.by_tag.dnskey.get(&tag) {
            Some(all) if rrset.rtype != Rtype::DNSKEY => all,
            _ => candidates,
        };
        if unusable(candidates) {
            // The key is published but this verifier cannot use it (an
            // algorithm it does not implement, a key it cannot parse; the
            // DNSKEY has an `unusable-dnskey` warning saying which).
            findings.push(err(
                "unusable-key",
                "signed by a key this verifier cannot use (see the unusable-dnskey warning): it cannot vouch for the signature".into(),
            ));
            return None;
        }
        let valid = match phase {
            Phase::Collect { jobs, arena } => {
                // Signed data (RFC 4034 §3.1.8.1), with the Original TTL
                // (RFC 4035 §5.3.2).
                let start = arena.len();
                arena.extend_from_slice(sig.prefix);
                for rd in &rrset.rdatas {
                    arena.extend_from_slice(owner.as_wire());
                    arena.extend_from_slice(&rrset.rtype.0.to_be_bytes());
                    arena.extend_from_slice(&self.zone.class.0.to_be_bytes());
                    arena.extend_from_slice(&sig.original_ttl.to_be_bytes());
                    arena.extend_from_slice(&(rd.len() as u16).to_be_bytes());
                    arena.extend_from_slice(rd);
                }
                jobs.push(Job { data: start..arena.len(), signature: sig.signature, candidates });
                // The first walk's outcome is discarded.
                return None;
            }
            // The second walk reaches the same RRSIGs in the same order as
            // the first, so there is one verdict per job; a missing one
            // (a bug) counts as a failure, never as valid.
            Phase::Apply { verdicts } => verdicts.next().copied().flatten(),
        };
        if let Some(key) = valid {
            // Valid under a revoked key only, whose algorithm and tag a key
            // that signs shares: validators skip it (RFC 5011 §2.1). (Made
            // an error in the nineteenth audit, as `kzonecheck` rejected
            // such zones; the twentieth found that it rejects every zone in
            // which two DNSKEYs share an algorithm and tag, signatures or
            // not: the `dnskey-tag-shared` warning says so.)
            if rrset.rtype != Rtype::DNSKEY && !self.verifier.keys[key].signs_data() {
                findings.push(
                    Finding::warning(
                        "signed-by-revoked-key",
                        "signed by a revoked key that shares its algorithm and key tag with a key that signs: validators use a revoked key for nothing but its signature over the DNSKEY RRset (RFC 5011 §2.1), and skip this signature",
                    )
                    .at(owner, Some(rrset.rtype))
                    .key(sig.key_tag, sig.algorithm),
                );
                return None;
            }
            counts.signatures_verified += 1;
            return Some(key);
        }
        if signers_unusable {
            findings.push(err(
                "unusable-key",
                "signed by a key this verifier cannot use (see the unusable-dnskey warning): it cannot vouch for the signature".into(),
            ));
            return None;
        }
        counts.signatures_failed += 1;
        if self.by_tag.truncated.contains(&tag) {
            // Not "bad": the key that signed may be one not tried (the
            // fifty-ninth audit's fixes, attacked in the sixtieth round).
            findings.push(err(
                "signature-not-checked",
                format!("the signature does not verify under the first {MAX_KEYS_PER_TAG} DNSKEYs of its algorithm and key tag, the only ones tried (see dnskey-tag-collisions)"),
            ));
            return None;
        }
        findings.push(err(
            "bad-signature",
            "the signature does not verify under the published DNSKEY".into(),
        ));
        None
    }
}

/// RFC 4035 §3.1.1: a server answering with the DO bit "MUST include" the
/// RRset's RRSIGs in the answer, and RFC 1035 §4.2.2 holds a DNS message to
/// 65,535 octets ("The message is prefixed with a two byte length field").
/// An RRset and its RRSIGs that cannot fit one message together, though
/// each fits alone, are sent without the signatures (TC set), and a
/// validator fails the name; at the apex DNSKEY RRset, the whole zone (the
/// seventieth audit: 752 DNSKEYs, unbound SERVFAIL for every name). The
/// least such an answer takes: header (12), question (the owner, type and
/// class), each record's owner compressed to a pointer (2; the root as it is, 1) with its type,
/// class, TTL and length (10) and RDATA (an RRSIG's signer's name is never
/// compressed, RFC 4034 §3.1.7), and an OPT record (11, RFC 6891 §6.1.2).
/// An error at the apex DNSKEY RRset, a warning elsewhere: BIND signs such
/// data and the three validators accept the zone file.
fn answer_too_large(node: &Node, rrset: &Rrset, rrsigs: Option<&Rrset>) -> Option<Finding> {
    // The root's name is one zero octet, written as it is (RFC 1035
    // §4.1.4): a valid root zone of 818 DNSKEYs was failed (the
    // seventy-third audit; knotd serves it whole in 64,838 octets).
    let owner = node.name.wire_len().min(2);
    let records = |set: &Rrset| set.rdatas.iter().map(|rd| owner + 10 + rd.len()).sum::<usize>();
    let octets = 12 + node.name.wire_len() + 4 + records(rrset) + rrsigs.map_or(0, records) + 11;
    if octets <= 65535 {
        return None;
    }
    let signatures = rrsigs.map_or(0, |s| s.rdatas.len());
    let detail = format!(
        "an answer with this RRset and its {signatures} RRSIGs takes at least {octets} octets, more than the 65535 of a DNS message (RFC 1035 §4.2.2; RFC 4035 §3.1.1 puts the RRSIGs in the answer): servers send it without its signatures"
    );
    let finding = if rrset.rtype == Rtype::DNSKEY && node.flags.contains(NodeFlags::APEX) {
        Finding::error("answer-too-large", format!("{detail}, and validators fail the whole zone"))
    } else {
        Finding::warning("answer-too-large", format!("{detail}, and validators fail this name"))
    };
    Some(finding.at(&node.name, Some(rrset.rtype)))
}

/// RFC 4035 §2.2: authoritative RRsets are signed; at a delegation point
/// only DS and NSEC; never glue or data below a cut or DNAME.
fn must_be_signed(node: &Node, rtype: Rtype) -> bool {
    if node.flags.contains(NodeFlags::BELOW_CUT) || node.flags.contains(NodeFlags::BELOW_DNAME) {
        return false;
    }
    // RFC 4035 §2.2, §2.3, §2.4 at a delegation point: DS and NSEC are
    // the parent's, and so is an NSEC3 whose hash is the delegation's label
    // (RFC 5155 §7.1: each NSEC3 RR "MUST be signed"). dnssec-verify,
    // ldns-verify-zone and kzonecheck all reject it unsigned.
    if node.flags.contains(NodeFlags::DELEGATION) {
        return matches!(rtype, Rtype::DS | Rtype::NSEC | Rtype::NSEC3);
    }
    rtype != Rtype::RRSIG
}

/// RFC 7344 §4.1, the parent's acceptance rules for the apex CDS and
/// CDNSKEY RRsets, as far as the zone shows them:
/// - Signer: "MUST be signed with a key that is represented in both the
///   current DNSKEY and DS RRsets": a key that validly signs the DNSKEY
///   RRset (the parent's DS names those; with `--trust-anchor`, one it
///   matches; without, one with the SEP flag where any signs it), not
///   revoked. `kzonecheck` rejects a CDS signed by the ZSK
///   only.
/// - Continuity: "MUST NOT break the current delegation if applied to DS
///   RRset": some record names a key that validly signs the DNSKEY RRset
///   (the delete request of RFC 8078 §4 aside), else the parent, following
///   it, installs DS records for keys that do not sign the DNSKEY RRset.
fn check_cds_signers_and_continuity(
    zone: &Zone,
    keys: &[PublishedKey],
    dnskey_signers: &[usize],
    cds_signers: &[(Rtype, usize)],
    anchors: &[TrustAnchor],
    report: &mut Report,
) {
    let origin = &zone.origin;
    let in_use = anchors_validators_use(anchors);
    let mut entry_keys: Vec<usize> = dnskey_signers
        .iter()
        .copied()
        .filter(|&i| keys[i].signs_data())
        .filter(|&i| anchors.is_empty() || in_use.iter().any(|a| a.matches(origin, &keys[i].rdata)))
        .collect();
    // Without the parent's DS, the keys it names are taken to be those with
    // the SEP flag (RFC 4034 §2.1.1: "the DNSKEY record holds a key intended
    // for use as a secure entry point"), where any signs the DNSKEY RRset: a
    // ZSK that signs the DNSKEY RRset too (`dnssec-signzone` without `-x`)
    // is not in the parent's DS (an audit, 2026-12-06; `kzonecheck`
    // rejects a CDS signed by the ZSK only).
    if anchors.is_empty() && entry_keys.iter().any(|&i| keys[i].flags & FLAG_SEP != 0) {
        entry_keys.retain(|&i| keys[i].flags & FLAG_SEP != 0);
    }
    // Continuity asks for a key that will sign the DNSKEY RRset once the
    // parent follows the records, anchored now or not: in a KSK rollover
    // the parent's DS names the old KSK and the CDS the new one, both
    // signing. Restricted to the anchored keys, that zone failed with
    // `--trust-anchor` though the three validators accept it (the
    // twenty-second audit, 2026-12-06); the anchor belongs to the signer
    // rule above.
    // Nor only the SEP keys: a ZSK that signs the DNSKEY RRset too
    // (`dnssec-signzone`'s default) keeps the delegation working once the
    // parent installs its DS; `dnssec-cds` takes such a CDS, and the three
    // validators accept the zone (the twenty-third audit).
    let continuity_keys: Vec<&[u8]> = dnskey_signers
        .iter()
        .map(|&i| &keys[i])
        .filter(|k| k.signs_data())
        .map(|k| &*k.rdata)
        .collect();
    for rtype in [Rtype::CDS, Rtype::CDNSKEY] {
        let Some(set) = zone.apex().rrset(rtype) else { continue };
        if !cds_signers.iter().any(|&(t, k)| t == rtype && entry_keys.contains(&k)) {
            report.findings.push(
                Finding::error(
                    "cds-not-signed-by-ksk",
                    format!("no valid RRSIG over the {rtype} RRset from a key that signs the DNSKEY RRset{}: a parent takes it only signed by a key its DS names (RFC 7344 §4.1)", if anchors.is_empty() { "" } else { " and matches the trust anchor" }),
                )
                .at(origin, Some(rtype)),
            );
        }
        let set: Vec<&[u8]> = set.rdatas.iter().collect();
        if !cds::keeps_delegation(origin, rtype, &set, &continuity_keys) {
            report.findings.push(
                Finding::error(
                    "cds-breaks-delegation",
                    format!("no {rtype} record names a key that signs the DNSKEY RRset{}: a parent that follows the RRset installs DS records for keys that do not sign the DNSKEY RRset (RFC 7344 §4.1: \"MUST NOT break the current delegation\")", cds::ignored_digest_note(rtype, &set)),
                )
                .at(origin, Some(rtype)),
            );
        }
    }
}

fn check_trust_anchors(
    origin: &Name,
    keys: &[PublishedKey],
    dnskey_signers: &[usize],
    named_by_rrsigs: &[(u16, u8)],
    anchors: &[TrustAnchor],
    report: &mut Report,
) {
    // RFC 5011 §2.1: a revoked key is no trust anchor ("MUST NOT use this
    // key as a trust anchor").
    let in_use = anchors_validators_use(anchors);
    let anchored = anchored_keys(origin, keys, &in_use);
    let matches = |i: usize| keys[i].signs_data() && anchored[i];
    let ok = dnskey_signers.iter().any(|&i| matches(i));
    if !ok {
        // An anchored key this verifier cannot use may well sign the RRset:
        // say that it could not be checked, not that nothing signs (an
        // Ed448 KSK, an audit, 2026-12-06).
        let unusable: Vec<String> = keys
            .iter()
            .enumerate()
            .filter(|&(i, k)| k.prepared.is_none() && matches(i))
            .map(|(_, k)| format!("{} (algorithm {})", k.tag, k.algorithm))
            .collect();
        let ignored = ignored_anchor_note(
            origin,
            anchors,
            dnskey_signers
                .iter()
                .map(|&i| &keys[i])
                .filter(|k| k.signs_data())
                .map(|k| (k.tag, &*k.rdata)),
        );
        let detail = if let Some(note) = ignored {
            format!(
                "no DNSKEY that matches the trust anchor validly signs the DNSKEY RRset: {note}"
            )
        } else if unusable.is_empty() {
            "no DNSKEY that matches the trust anchor validly signs the DNSKEY RRset".to_string()
        } else {
            format!(
                "no DNSKEY that matches the trust anchor is shown to sign the DNSKEY RRset: the matching key {} is one this verifier cannot use (see the unusable-dnskey warning)",
                unusable.join(", ")
            )
        };
        report
            .findings
            .push(Finding::error("trust-anchor-mismatch", detail).at(origin, Some(Rtype::DNSKEY)));
        return;
    }
    // RFC 4035 §2.2: "The apex DNSKEY RRset itself MUST be signed by each
    // algorithm appearing in the DS RRset located at the delegating
    // parent." Validators accept any one path (RFC 6840 §5.11), but those
    // that guard against a downgrade (Unbound's `harden-algo-downgrade`)
    // do not: the end of an algorithm rollover with the old DS still at
    // the parent passed without a word (the thirty-third audit,
    // 2026-12-07). Of the DS records validators use, each algorithm needs a
    // key that a DS of it names and that signs the RRset: a validator
    // follows the DS to a key (RFC 4035 §5.2), and one of its algorithm
    // that no DS names (a ZSK) is no path (the thirty-fourth audit). An
    // algorithm with a key a DS names that this verifier cannot use is
    // left alone where an RRSIG over the RRset names that key (it may
    // sign); one no DS names, or no RRSIG, is no path either (a published
    // 512-bit RSA key silenced the warning: the thirty-fifth and
    // thirty-sixth audits).
    // An RRSIG that names the key's tag and algorithm and that no usable
    // key of them verified: a usable key sharing the tag made its own
    // signature count for the unusable one (the thirty-seventh audit).
    let signed_by_unverified = |k: &PublishedKey| {
        let id = (k.tag, k.algorithm);
        let verified =
            dnskey_signers.iter().filter(|&&i| (keys[i].tag, keys[i].algorithm) == id).count();
        named_by_rrsigs.iter().filter(|&&n| n == id).count() > verified
    };
    let signing: Vec<u8> = dnskey_signers
        .iter()
        .filter(|&&i| matches(i))
        .map(|&i| keys[i].algorithm)
        .chain(
            keys.iter()
                .enumerate()
                .filter(|&(i, k)| k.prepared.is_none() && signed_by_unverified(k) && matches(i))
                .map(|(_, k)| k.algorithm),
        )
        .collect();
    let mut unsigned: Vec<u8> = in_use
        .iter()
        .filter_map(|a| match a {
            TrustAnchor::Ds(ds) if ds.len() >= 4 => Some(ds[2]),
            _ => None,
        })
        .filter(|alg| !signing.contains(alg))
        .collect();
    unsigned.sort_unstable();
    unsigned.dedup();
    if !unsigned.is_empty() {
        let algs = unsigned.iter().map(u8::to_string).collect::<Vec<_>>().join(", ");
        report.findings.push(
            Finding::warning(
                "ds-algorithm-unsigned",
                format!(
                    "the parent's DS set has algorithm {algs}, but no key of it that a DS \
                     names signs the DNSKEY RRset (RFC 4035 §2.2: it \"MUST be signed by each \
                     algorithm appearing in the DS RRset\"); a validator that supports only that algorithm, or that \
                     refuses a downgrade (Unbound's harden-algo-downgrade), finds the zone \
                     bogus: remove that DS at the parent (the end of an algorithm rollover), or \
                     sign with a key of the algorithm"
                ),
            )
            .at(origin, Some(Rtype::DNSKEY)),
        );
    }
}

/// RFC 4034 §5.1.4: "digest = digest_algorithm( DNSKEY owner name | DNSKEY RDATA)".
pub(crate) fn ds_matches(owner: &Name, dnskey: &[u8], ds: &[u8]) -> bool {
    ds.len() >= 4
        && key_tag(dnskey) == u16::from_be_bytes([ds[0], ds[1]])
        && ds[2] == dnskey.get(3).copied().unwrap_or(0)
        && ds_of(owner, dnskey, ds[3]).is_some_and(|made| made == ds)
}

/// The DS RDATA of `dnskey` at `owner` with `digest_type` (RFC 4034 §5.1.4),
/// for the digest types validators take (1, 2 and 4).
fn ds_of(owner: &Name, dnskey: &[u8], digest_type: u8) -> Option<Vec<u8>> {
    let alg = match digest_type {
        1 => &aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY,
        2 => &aws_lc_rs::digest::SHA256,
        4 => &aws_lc_rs::digest::SHA384,
        _ => return None,
    };
    let mut ctx = aws_lc_rs::digest::Context::new(alg);
    ctx.update(owner.to_lowercase().as_wire());
    ctx.update(dnskey);
    let mut ds = key_tag(dnskey).to_be_bytes().to_vec();
    ds.extend([*dnskey.get(3)?, digest_type]);
    ds.extend_from_slice(ctx.finish().as_ref());
    Some(ds)
}

/// Which of `keys` the anchors validators use name, each key hashed once
/// per digest type the anchors have: every DS set against every key of its
/// tag hashed keys × DS records, and an anchor file of 80,000 DS beside
/// 700 published keys of one tag took 10 s to fail (the seventy-fourth
/// audit; the hashing form of KeyTrap, CVE-2023-50387).
fn anchored_keys(origin: &Name, keys: &[PublishedKey], in_use: &[&TrustAnchor]) -> Vec<bool> {
    use std::collections::HashSet;
    let mut ds_set: HashSet<&[u8]> = HashSet::new();
    let mut dnskey_set: HashSet<&[u8]> = HashSet::new();
    let mut digest_types: Vec<u8> = Vec::new();
    for anchor in in_use {
        match anchor {
            TrustAnchor::Ds(ds) => {
                ds_set.insert(ds);
                if let Some(&t) = ds.get(3) {
                    if !digest_types.contains(&t) {
                        digest_types.push(t);
                    }
                }
            }
            TrustAnchor::Dnskey(rd) => {
                dnskey_set.insert(rd);
            }
        }
    }
    keys.iter()
        .map(|k| {
            dnskey_set.contains(&*k.rdata)
                || digest_types.iter().any(|&t| {
                    ds_of(origin, &k.rdata, t).is_some_and(|ds| ds_set.contains(ds.as_slice()))
                })
        })
        .collect()
}

/// The time [`fuzz_verify`] verifies at: 2026-06-01 00:00:00 UTC, inside
/// the validity of the seeds in `fuzz/seeds/verify`.
#[doc(hidden)]
pub const FUZZ_VERIFY_AT: i64 = 1_780_272_000;

/// Entry point for the fuzzer (`fuzz/fuzz_targets/verify.rs`): loads
/// arbitrary bytes as a zone for `example.`, builds it and verifies it at
/// [`FUZZ_VERIFY_AT`], then renders every finding as `zonesign verify`
/// prints it and the report as `--report` writes it. Must never panic:
/// the verifier judges zones from any signer, broken ones included.
#[doc(hidden)]
pub fn fuzz_verify(data: &[u8]) {
    use std::fmt::Write as _;
    let Ok(zone) = crate::load::fuzz_zone(data, usize::MAX) else { return };
    let report =
        verify_zone(&zone, &VerifyOptions { at: FUZZ_VERIFY_AT, trust_anchors: Vec::new() });
    let mut text = String::new();
    for f in &report.findings {
        let _ = writeln!(text, "{f}");
    }
    let _ = (report.errors(), report.passed());
    serde_json::to_string(&report).expect("a report serializes");
}

#[cfg(test)]
mod fast_path_tests {
    use super::*;
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};

    fn p256_key() -> (EcdsaKeyPair, Vec<u8>) {
        let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).unwrap();
        let public = pair.public_key().as_ref()[1..].to_vec();
        (pair, public)
    }

    fn published(public: &[u8]) -> PublishedKey {
        let mut rdata = vec![1, 0, 3, 13];
        rdata.extend_from_slice(public);
        PublishedKey {
            tag: key_tag(&rdata),
            algorithm: 13,
            flags: 256,
            prepared: Some(PreparedKey::new(13, public).unwrap()),
            rdata: rdata.into(),
        }
    }

    /// A fast path that accepts what aws-lc-rs rejects is caught by the
    /// canary: `fast-path-disagreement`, the aws-lc-rs verdict wins, and the
    /// fast path is off afterwards. Simulated by giving the fast path the
    /// key that made the signatures and aws-lc-rs another one.
    #[test]
    fn canary_disagreement_is_an_error_and_switches_the_fast_path_off() {
        let rng = SystemRandom::new();
        let (signer, signer_public) = p256_key();
        let (_, other_public) = p256_key();
        let keys = vec![published(&other_public)];
        let fast_keys = vec![FastKey::new(13, &signer_public)];
        let verifier = Verifier {
            keys: &keys,
            fast_keys: &fast_keys,
            canary_every: 1,
            fast_off: AtomicBool::new(false),
        };
        let arena = b"signed data".to_vec();
        let signature = signer.sign(&rng, &arena).unwrap().as_ref().to_vec();
        let candidates = [0usize];
        let jobs =
            vec![Job { data: 0..arena.len(), signature: &signature, candidates: &candidates }];
        let (mut findings, mut counts) = (Vec::new(), Counts::default());
        let verdicts = verifier.verify_jobs(&jobs, &arena, &mut findings, &mut counts);
        assert_eq!(verdicts, [None]);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].kind, "fast-path-disagreement");
        assert_eq!(findings[0].severity, Severity::Error);
        assert_eq!((counts.fast_p256, counts.canary_checks), (1, 1));
        assert!(verifier.fast_off.load(Ordering::Relaxed));
        // From now on aws-lc-rs decides alone.
        let (mut findings, mut counts) = (Vec::new(), Counts::default());
        assert_eq!(verifier.verify_jobs(&jobs, &arena, &mut findings, &mut counts), [None]);
        assert!(findings.is_empty());
        assert_eq!((counts.fast_p256, counts.aws_lc), (0, 1));
    }

    /// Every signature is counted on exactly one path; fast rejects are
    /// re-verified by aws-lc-rs (the bad one) and not reported as fast.
    #[test]
    fn every_signature_takes_one_path() {
        let rng = SystemRandom::new();
        let (signer, public) = p256_key();
        let keys = vec![published(&public)];
        let fast_keys = vec![FastKey::new(13, &public)];
        let verifier = Verifier {
            keys: &keys,
            fast_keys: &fast_keys,
            canary_every: 0,
            fast_off: AtomicBool::new(false),
        };
        let data = b"signed data".to_vec();
        let good = signer.sign(&rng, &data).unwrap().as_ref().to_vec();
        let mut bad = good.clone();
        bad[5] ^= 1;
        let candidates = [0usize];
        let jobs: Vec<Job<'_>> = [&good, &bad, &good]
            .iter()
            .map(|s| Job { data: 0..data.len(), signature: s.as_slice(), candidates: &candidates })
            .collect();
        let (mut findings, mut counts) = (Vec::new(), Counts::default());
        let verdicts = verifier.verify_jobs(&jobs, &data, &mut findings, &mut counts);
        assert_eq!(verdicts, [Some(0), None, Some(0)]);
        assert_eq!((counts.fast_p256, counts.aws_lc, counts.canary_checks), (2, 1, 0));
        assert!(findings.is_empty());
    }

    /// A fast-path table only for a key that enough signatures name: the
    /// count is per algorithm and key tag, shared among the keys that have
    /// both (the tenth audit, 2026-12-06).
    #[test]
    fn fast_path_tables_only_for_keys_with_many_signatures() {
        let zone_with = |signatures: usize| {
            let mut text = String::from(
                "example. 3600 IN SOA ns.example. h.example. 1 2 3 4 5\nexample. 3600 IN NS ns.example.\n",
            );
            for i in 0..signatures {
                text.push_str(&format!(
                    "n{i}.example. 3600 IN A 192.0.2.1\nn{i}.example. 3600 IN RRSIG A 13 2 3600 20300101000000 20200101000000 1 example. AAAA\n"
                ));
            }
            let origin = Name::parse(b"example.", &Name::root()).unwrap();
            let opts = crate::load::LoadOptions::new(origin.clone());
            let loaded =
                crate::load::load_bytes(text.as_bytes(), std::path::Path::new("t"), &opts).unwrap();
            Zone::build(loaded, &origin).unwrap()
        };
        let key = |algorithm: u8, tag: u16| PublishedKey {
            tag,
            algorithm,
            flags: 256,
            rdata: Box::new([1, 0, 3, algorithm]),
            prepared: None,
        };
        let keys = [key(13, 1), key(13, 2), key(13, 1), key(8, 1)];
        assert_eq!(signatures_per_key(&zone_with(0), &keys), [0, 0, 0, 0]);
        assert_eq!(signatures_per_key(&zone_with(10), &keys), [5, 0, 5, 0]);
        let n = FAST_PATH_MIN_SIGNATURES;
        assert_eq!(signatures_per_key(&zone_with(2 * n), &keys[..2]), [2 * n, 0]);
    }

    /// The canary sample is about one in `every`, and deterministic.
    #[test]
    fn canary_sample_rate() {
        let sampled = (0u32..200_000)
            .filter(|i| canary_sampled(&i.wrapping_mul(2_654_435_761).to_be_bytes(), 1000))
            .count();
        assert!((100..=300).contains(&sampled), "{sampled}");
        assert!(canary_sampled(b"x", 1));
        assert!(!canary_sampled(b"x", 0));
    }
}

#[cfg(test)]
mod key_tag_tests {
    use super::key_tag;

    /// RFC 4034 Appendix B.1: the key tag of an RSA/MD5 key is octets 3
    /// and 2 from the end of its modulus; every other algorithm sums the
    /// RDATA (the fifth audit, 2026-12-06). The verifier's copy agrees with
    /// the signer's.
    #[test]
    fn rfc4034_appendix_b_1_rsamd5_key_tag() {
        let rsamd5 = [1u8, 0, 3, 1, 3, 1, 0, 1, 0xc5, 0x12, 0x34, 0x56];
        assert_eq!(key_tag(&rsamd5), 0x1234);
        let mut rsasha256 = rsamd5;
        rsasha256[3] = 8;
        assert_ne!(key_tag(&rsasha256), 0x1234);
        for rdata in [&rsamd5[..], &rsasha256[..]] {
            assert_eq!(key_tag(rdata), crate::sign::keys::key_tag(rdata));
        }
    }
}

#[cfg(test)]
mod trust_anchor_tests {
    use super::*;

    fn key(tag: u16, algorithm: u8, public: &[u8]) -> PublishedKey {
        let mut rdata = vec![1, 1, 3, algorithm];
        rdata.extend_from_slice(public);
        PublishedKey { tag, algorithm, flags: 257, rdata: rdata.into(), prepared: None }
    }

    fn ds(origin: &Name, k: &PublishedKey) -> TrustAnchor {
        let rdata =
            crate::sign::keys::ds_rdata(origin, &k.rdata, crate::sign::keys::DigestType::Sha256)
                .unwrap();
        TrustAnchor::Ds(rdata)
    }

    /// RFC 4035 §2.2 and the thirty-seventh audit (2026-12-07): the DS of
    /// algorithm 8 names only key B, which the verifier cannot use and
    /// which signs nothing; key A of algorithm 8, which shares B's tag and
    /// no DS names, signs the DNSKEY RRset. A's RRSIG, naming the shared
    /// tag, was counted as B's and the warning left unsaid.
    #[test]
    fn rfc4035_section_2_2_a_shared_tag_is_no_path_from_the_ds() {
        let origin = Name::parse(b"example.", &Name::root()).unwrap();
        let b = key(0, 8, &[3, 1, 0, 1, 0xc0, 0xff, 0xee]);
        let tag = key_tag(&b.rdata);
        let b = PublishedKey { tag, ..b };
        let a = key(tag, 8, &[3, 1, 0, 1, 0xde, 0xad]);
        let c = key(0, 13, &[7; 64]);
        let c = PublishedKey { tag: key_tag(&c.rdata), ..c };
        let anchors = [ds(&origin, &b), ds(&origin, &c)];
        // A and C verified; one RRSIG each, by tag and algorithm.
        let keys = [a, b, c];
        let rrsigs = [(tag, 8), (keys[2].tag, 13)];
        let mut report = Report::default();
        check_trust_anchors(&origin, &keys, &[0, 2], &rrsigs, &anchors, &mut report);
        let kinds: Vec<&str> = report.findings.iter().map(|f| f.kind).collect();
        assert_eq!(kinds, ["ds-algorithm-unsigned"], "{:?}", report.findings);
        // B's own RRSIG beside A's: B may sign, and is left alone.
        let mut report = Report::default();
        let rrsigs = [(tag, 8), (tag, 8), (keys[2].tag, 13)];
        check_trust_anchors(&origin, &keys, &[0, 2], &rrsigs, &anchors, &mut report);
        assert!(report.findings.is_empty(), "{:?}", report.findings);
    }

    /// The seventy-fourth audit (KeyTrap's hashing form, CVE-2023-50387):
    /// every DS was set against every key of its tag, keys × DS digests,
    /// and 80,000 DS records of one tag beside 700 keys of it took 10 s to
    /// fail. The keys are hashed once per digest type now, and matched by
    /// the whole DS: the same verdicts as `TrustAnchor::matches`, among
    /// many DS of one tag whose digests differ, and DNSKEY anchors.
    #[test]
    fn regression_trust_anchors_hash_each_key_once_per_digest_type() {
        let origin = Name::parse(b"example.", &Name::root()).unwrap();
        let keys: Vec<PublishedKey> = (0u8..6).map(|i| key(0, 13, &[i; 64])).collect();
        let TrustAnchor::Ds(named) = ds(&origin, &keys[1]) else { unreachable!() };
        let mut anchors: Vec<TrustAnchor> = (0u8..200)
            .map(|i| {
                let mut other = named.clone();
                other[10] ^= i.max(1);
                TrustAnchor::Ds(other)
            })
            .collect();
        anchors.push(TrustAnchor::Ds(named));
        anchors.push(TrustAnchor::Dnskey(keys[4].rdata.to_vec()));
        let sha384 = crate::sign::keys::ds_rdata(
            &origin,
            &keys[5].rdata,
            crate::sign::keys::DigestType::Sha384,
        )
        .unwrap();
        anchors.push(TrustAnchor::Ds(sha384));
        let in_use: Vec<&TrustAnchor> = anchors.iter().collect();
        let anchored = anchored_keys(&origin, &keys, &in_use);
        let one_by_one: Vec<bool> =
            keys.iter().map(|k| in_use.iter().any(|a| a.matches(&origin, &k.rdata))).collect();
        assert_eq!(anchored, one_by_one);
        assert_eq!(anchored, [false, true, false, false, true, true]);
    }
}
