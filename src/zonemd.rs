//! The zone digest (RFC 8976): the apex ZONEMD record, a hash over every
//! record of the zone.
//!
//! # Why a signer must own it
//! A ZONEMD covers the zone's RRSIGs and NSEC/NSEC3 records, so every
//! re-signing changes the digest. A signer that keeps the input's ZONEMD
//! publishes a digest of the old zone: recipients that check it (Unbound's
//! `zonemd-check`, `ldns-verify-zone`) reject the zone, however valid its
//! signatures. The IANA root zone carries one. So `zonesign sign`
//! recomputes the input's ZONEMD records (or those `--zonemd` asks for)
//! and the verifier checks the digest of every zone that has one.
//!
//! # How the signer computes it (RFC 8976 §3)
//! [`crate::sign::prepare`] puts placeholders into the apex ZONEMD RRset
//! (the right serial, scheme and hash, a digest of zeros of the right
//! length) before the denial chain is built, so the apex NSEC or NSEC3 type
//! bitmap lists ZONEMD. Signing then signs the placeholder like any RRset.
//! The streaming writer hashes each signed chunk's records
//! ([`append_node`]) in zone order while it writes the text. At the end
//! the real ZONEMD RRset is signed and its text, exactly as long as the
//! placeholder's (fixed-length digests and signatures), is written over
//! the placeholder's (`run::sign::finish_zonemd`). The post-write verification
//! then recomputes the digest from the file on disk ([`digest_zone`]).
//!
//! # Scope
//! Scheme 1 (SIMPLE) with hash algorithms 1 (SHA-384) and 2 (SHA-512),
//! the only ones RFC 8976 §5.2 and §5.3 define. An input ZONEMD with any
//! other scheme or hash is refused: zonesign cannot recompute it, and
//! keeping it would publish a stale digest.

use std::fmt;
use std::str::FromStr;

use crate::zone::rtype::{Class, Rtype};
use crate::zone::{Node, NodeFlags, Rrset, Zone};

/// RFC 8976 §5.2: scheme 1, SIMPLE.
pub const SCHEME_SIMPLE: u8 = 1;

/// A ZONEMD hash algorithm (RFC 8976 §5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum HashAlg {
    Sha384,
    Sha512,
}

impl HashAlg {
    /// The Hash Algorithm field.
    pub fn number(self) -> u8 {
        match self {
            HashAlg::Sha384 => 1,
            HashAlg::Sha512 => 2,
        }
    }

    pub fn from_number(n: u8) -> Option<HashAlg> {
        match n {
            1 => Some(HashAlg::Sha384),
            2 => Some(HashAlg::Sha512),
            _ => None,
        }
    }

    /// Octets of the digest.
    pub fn digest_len(self) -> usize {
        match self {
            HashAlg::Sha384 => 48,
            HashAlg::Sha512 => 64,
        }
    }

    fn algorithm(self) -> &'static aws_lc_rs::digest::Algorithm {
        match self {
            HashAlg::Sha384 => &aws_lc_rs::digest::SHA384,
            HashAlg::Sha512 => &aws_lc_rs::digest::SHA512,
        }
    }
}

impl fmt::Display for HashAlg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HashAlg::Sha384 => "SHA-384",
            HashAlg::Sha512 => "SHA-512",
        })
    }
}

impl FromStr for HashAlg {
    type Err = String;
    /// `sha384` or `1:1` (scheme:hash), `sha512` or `1:2`.
    fn from_str(s: &str) -> Result<HashAlg, String> {
        match s.to_ascii_lowercase().as_str() {
            "sha384" | "sha-384" | "1:1" => Ok(HashAlg::Sha384),
            "sha512" | "sha-512" | "1:2" => Ok(HashAlg::Sha512),
            _ => Err(format!(
                "unknown ZONEMD digest {s:?}: expected sha384 (1:1), sha512 (1:2) or none"
            )),
        }
    }
}

/// Why the zone digest cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZonemdError {
    /// The input's apex ZONEMD has a scheme or hash algorithm zonesign
    /// cannot compute.
    Unsupported { scheme: u8, hash: u8 },
    /// An apex ZONEMD RDATA shorter than its fixed fields.
    Malformed { len: usize },
    /// The ZONEMD placeholder is missing where the digest goes (a bug).
    Placeholder { what: &'static str },
    /// The signed ZONEMD text is not as long as the placeholder's it
    /// replaces in the written file (a bug: the run stops, fail closed).
    Patch { placeholder: usize, actual: usize },
}

impl fmt::Display for ZonemdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ZonemdError::Unsupported { scheme, hash } => write!(
                f,
                "the input's apex ZONEMD has scheme {scheme} and hash algorithm {hash}, which \
                 zonesign cannot compute (RFC 8976: scheme 1 with hash 1 SHA-384 or 2 SHA-512); \
                 choose with --zonemd sha384, sha512 or none"
            ),
            ZonemdError::Malformed { len } => {
                write!(f, "the input's apex ZONEMD RDATA is {len} octets, shorter than 6")
            }
            ZonemdError::Placeholder { what } => write!(f, "{what}"),
            ZonemdError::Patch { placeholder, actual } => write!(
                f,
                "the signed ZONEMD text is {actual} octets where its placeholder took \
                 {placeholder}"
            ),
        }
    }
}

impl std::error::Error for ZonemdError {}

/// The hash algorithms of the apex ZONEMD RRset of `zone`, to be
/// recomputed on re-signing (none if it has none).
pub fn input_hashes(zone: &Zone) -> Result<Vec<HashAlg>, ZonemdError> {
    let mut hashes = Vec::new();
    for rdata in zone.apex().rrset(Rtype::ZONEMD).into_iter().flat_map(|r| &r.rdatas) {
        let (scheme, hash) = fields(rdata).ok_or(ZonemdError::Malformed { len: rdata.len() })?;
        match HashAlg::from_number(hash) {
            Some(h) if scheme == SCHEME_SIMPLE => hashes.push(h),
            _ => return Err(ZonemdError::Unsupported { scheme, hash }),
        }
    }
    hashes.sort_unstable();
    hashes.dedup();
    Ok(hashes)
}

/// Scheme and hash algorithm of a ZONEMD RDATA (RFC 8976 §2.2: serial,
/// scheme, hash algorithm, digest).
pub fn fields(rdata: &[u8]) -> Option<(u8, u8)> {
    (rdata.len() >= 6).then(|| (rdata[4], rdata[5]))
}

/// The serial field of a ZONEMD RDATA.
pub fn serial(rdata: &[u8]) -> Option<u32> {
    Some(u32::from_be_bytes(rdata.get(..4)?.try_into().ok()?))
}

/// A ZONEMD RDATA: serial, SIMPLE, `hash`, `digest`.
pub fn rdata(serial: u32, hash: HashAlg, digest: &[u8]) -> Box<[u8]> {
    let mut r = Vec::with_capacity(6 + digest.len());
    r.extend_from_slice(&serial.to_be_bytes());
    r.push(SCHEME_SIMPLE);
    r.push(hash.number());
    r.extend_from_slice(digest);
    r.into()
}

/// The apex ZONEMD RRset with these digests, in canonical order.
pub fn rrset(
    serial: u32,
    digests: &[(HashAlg, Vec<u8>)],
    ttl: u32,
    src: crate::zone::record::SourcePos,
) -> Rrset {
    let mut rdatas: Vec<Box<[u8]>> = digests.iter().map(|(h, d)| rdata(serial, *h, d)).collect();
    rdatas.sort();
    Rrset { rtype: Rtype::ZONEMD, ttl, rdatas: rdatas.into(), src }
}

/// The placeholder digests (RFC 8976 §3.1): zeros of the digest's length.
/// Any value of that length would do, since the apex ZONEMD RRset is left
/// out of the digest; the length makes the signed text of the real record
/// as long as the placeholder's.
pub fn placeholders(hashes: &[HashAlg]) -> Vec<(HashAlg, Vec<u8>)> {
    hashes.iter().map(|&h| (h, vec![0u8; h.digest_len()])).collect()
}

/// Running hashes, one per algorithm, fed the same records.
pub struct Digester {
    contexts: Vec<(HashAlg, aws_lc_rs::digest::Context)>,
}

impl fmt::Debug for Digester {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hashes: Vec<HashAlg> = self.contexts.iter().map(|c| c.0).collect();
        f.debug_struct("Digester").field("hashes", &hashes).finish()
    }
}

impl Digester {
    pub fn new(hashes: &[HashAlg]) -> Digester {
        Digester {
            contexts: hashes
                .iter()
                .map(|&h| (h, aws_lc_rs::digest::Context::new(h.algorithm())))
                .collect(),
        }
    }

    pub fn update(&mut self, data: &[u8]) {
        for (_, c) in &mut self.contexts {
            c.update(data);
        }
    }

    pub fn finish(self) -> Vec<(HashAlg, Vec<u8>)> {
        self.contexts.into_iter().map(|(h, c)| (h, c.finish().as_ref().to_vec())).collect()
    }
}

/// RRSIG type covered by an RRSIG RDATA.
fn covered(rdata: &[u8]) -> Option<Rtype> {
    Some(Rtype(u16::from_be_bytes(rdata.get(..2)?.try_into().ok()?)))
}

/// Appends the records of `node` to `out` as RFC 8976 §3.3.1 hashes them,
/// with `beside` holding RRSIG RRsets kept outside the node (the streaming
/// signer's, see [`crate::emit::write_nodes_with`]).
///
/// RFC 8976 §3.3.1: "This specification uses DNSSEC's canonical
/// on-the-wire RR format (without name compression) and ordering as
/// specified in Sections 6.1, 6.2, and 6.3 of [RFC4034] with the additional
/// provision that RRsets having the same owner name MUST be numerically
/// ordered, in ascending order, by their numeric RR TYPE." The zone is held
/// in canonical form and order already; the RRSIGs of a name form one
/// RRset (type 46) whose records are ordered by RDATA, whatever type they
/// cover. §3.3.1.1: "The placeholder apex ZONEMD RR(s) MUST NOT be
/// included" and "The RRSIG covering the apex ZONEMD RRset MUST NOT be
/// included"; glue and occluded data are included, as every node of the
/// zone is; duplicates were dropped when the zone was built.
pub fn append_node(out: &mut Vec<u8>, node: &Node, beside: &[Rrset], class: Class) {
    let apex = node.flags.contains(NodeFlags::APEX);
    let mut sigs: Vec<(&[u8], u32)> = node
        .rrsets
        .iter()
        .filter(|r| r.rtype == Rtype::RRSIG)
        .chain(beside)
        .flat_map(|r| r.rdatas.iter().map(move |d| (d, r.ttl)))
        .filter(|(d, _)| !(apex && covered(d) == Some(Rtype::ZONEMD)))
        .collect();
    sigs.sort_unstable_by(|a, b| a.0.cmp(b.0));
    sigs.dedup_by(|a, b| a.0 == b.0);
    let name = node.name.as_wire();
    let mut sigs_pending = !sigs.is_empty();
    for rrset in &node.rrsets {
        if rrset.rtype == Rtype::RRSIG {
            continue;
        }
        if sigs_pending && rrset.rtype > Rtype::RRSIG {
            put_rrsigs(out, name, class, &sigs);
            sigs_pending = false;
        }
        if apex && rrset.rtype == Rtype::ZONEMD {
            continue;
        }
        for d in &rrset.rdatas {
            put_rr(out, name, rrset.rtype, class, rrset.ttl, d);
        }
    }
    if sigs_pending {
        put_rrsigs(out, name, class, &sigs);
    }
}

fn put_rrsigs(out: &mut Vec<u8>, name: &[u8], class: Class, sigs: &[(&[u8], u32)]) {
    for &(d, ttl) in sigs {
        put_rr(out, name, Rtype::RRSIG, class, ttl, d);
    }
}

/// One RR in canonical wire form (RFC 4034 §6.2): owner, type, class, TTL,
/// RDATA length, RDATA.
fn put_rr(out: &mut Vec<u8>, name: &[u8], rtype: Rtype, class: Class, ttl: u32, rdata: &[u8]) {
    out.extend_from_slice(name);
    out.extend_from_slice(&rtype.0.to_be_bytes());
    out.extend_from_slice(&class.0.to_be_bytes());
    out.extend_from_slice(&ttl.to_be_bytes());
    out.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
    out.extend_from_slice(rdata);
}

/// The SIMPLE digests (RFC 8976 §3.3.1.2: "digest = hash( RR(1) | RR(2) |
/// RR(3) | ... )") of a whole zone held in memory.
pub fn digest_zone(zone: &Zone, hashes: &[HashAlg]) -> Vec<(HashAlg, Vec<u8>)> {
    let mut digester = Digester::new(hashes);
    let mut buffer = Vec::with_capacity(1 << 16);
    for node in &zone.nodes {
        append_node(&mut buffer, node, &[], zone.class);
        if buffer.len() >= 1 << 16 {
            digester.update(&buffer);
            buffer.clear();
        }
    }
    digester.update(&buffer);
    digester.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{load_bytes, LoadOptions};
    use crate::zone::name::Name;

    fn zone(text: &str, origin: &str) -> Zone {
        let origin = Name::parse(origin.as_bytes(), &Name::root()).unwrap();
        let loaded = load_bytes(
            text.as_bytes(),
            std::path::Path::new("t.zone"),
            &LoadOptions::new(origin.clone()),
        )
        .expect("loads");
        Zone::build(loaded, &origin).expect("builds")
    }

    /// RFC 8976 Appendix A.3 ("The Multiple Digests Example"): the SHA-384
    /// and SHA-512 digests it gives, beside digests of a scheme and a hash
    /// algorithm nobody defines.
    #[test]
    fn rfc8976_appendix_a_3_multiple_digests() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/test-data/rfc/rfc8976-appendix-a3.zone"
        ))
        .unwrap();
        let z = zone(&text, "example.");
        let got = digest_zone(&z, &[HashAlg::Sha384, HashAlg::Sha512]);
        let hex = |d: &[u8]| data_encoding::HEXLOWER.encode(d);
        assert_eq!(
            hex(&got[0].1),
            "62e6cf51b02e54b9b5f967d547ce43136792901f9f88e637493daaf401c92c279dd10f0edb1c56f8080211f8480ee306"
        );
        assert_eq!(
            hex(&got[1].1),
            "08cfa1115c7b948c4163a901270395ea226a930cd2cbcf2fa9a5e6eb85f37c8a4e114d884e66f176eab121cb02db7d652e0cc4827e7a3204f166b47e5613fd27"
        );
        // The input's digests include scheme 241 and hash 240: a signer
        // cannot recompute those.
        assert_eq!(input_hashes(&z), Err(ZonemdError::Unsupported { scheme: 1, hash: 240 }));
    }

    /// RFC 8976 §3.3.1.1: the apex ZONEMD RRset and the RRSIGs over it are
    /// left out, whatever they hold; a ZONEMD below the apex is data.
    #[test]
    fn rfc8976_section_3_3_1_1_apex_zonemd_and_its_rrsig_excluded() {
        let base = "example. 60 IN SOA ns1 admin 1 2 3 4 5\nexample. 60 IN NS ns1\n\
                    ns1 60 IN A 192.0.2.1\n";
        let a =
            zone(&format!("{base}example. 60 IN ZONEMD 1 1 1 {}\n", "00".repeat(48)), "example.");
        let b = zone(
            &format!(
                "{base}example. 60 IN ZONEMD 1 1 1 {}\nexample. 60 IN RRSIG ZONEMD 13 1 60 \
                 20300101000000 20200101000000 1 example. AAAA\n",
                "11".repeat(48)
            ),
            "example.",
        );
        let c = zone(&format!("{base}ns1 60 IN ZONEMD 1 1 1 {}\n", "00".repeat(48)), "example.");
        let d = |z: &Zone| digest_zone(z, &[HashAlg::Sha384]);
        assert_eq!(d(&a), d(&b));
        assert_ne!(d(&a), d(&c));
    }

    #[test]
    fn hash_names_parse() {
        assert_eq!("sha384".parse(), Ok(HashAlg::Sha384));
        assert_eq!("1:2".parse(), Ok(HashAlg::Sha512));
        assert!("1:3".parse::<HashAlg>().is_err());
    }
}
