//! Signing keys: algorithms, key tags, DNSKEY and DS RDATA, BIND key files,
//! software signing keys and proof of possession.
//!
//! # Background
//! On 5 May 2026 the .de zone failed because HSMs held *different* key pairs
//! that carried the same key tag. A key tag is a 16-bit checksum (RFC 4034
//! Appendix B), not an identity: it says nothing about which private key
//! will make a signature. This module therefore never trusts a tag or a file
//! name. Before a key signs anything, [`SigningKey::prove`] checks that
//!
//! 1. the key's own DNSKEY RDATA equals the published DNSKEY RDATA byte for
//!    byte (flags, protocol, algorithm and public key), and
//! 2. a fresh random challenge signed with the private key verifies under the
//!    *published* public key.
//!
//! [`check_collisions`] rejects a key set in which two different DNSKEYs
//! share an algorithm and a key tag, naming both.
//!
//! # Usage
//! ```no_run
//! # use std::path::Path;
//! # use zonesign::sign::keys::{SigningKey, ds_rdata, DigestType};
//! let key = SigningKey::load(Path::new("Kexample.+013+56191.key"))?;
//! key.prove(key.dnskey_rdata())?; // in real use: the DNSKEY from the zone
//! let ds = ds_rdata(key.owner(), key.dnskey_rdata(), DigestType::Sha256)?;
//! let signature = key.sign(b"signed data")?;
//! # Ok::<(), zonesign::sign::keys::KeyError>(())
//! ```
//!
//! # Layout
//! - `mod.rs`: [`Algorithm`], [`DigestType`], [`KeyError`], [`key_tag`],
//!   [`ds_rdata`], [`Dnskey`] (RDATA view), [`check_collisions`].
//! - `bind.rs`: reading and writing BIND `K<zone>+<alg>+<tag>.{key,private}`.
//! - `software.rs`: [`SigningKey`] over aws-lc-rs, [`generate`], proof of
//!   possession.
//! - `der.rs`: the few lines of DER reading needed to take the CRT
//!   components of a freshly generated RSA key out of its PKCS#8 form.
//!
//! # Limitations
//! - Algorithms 8, 10, 13, 14 and 15 only. Algorithm 1 (RSAMD5) keys get
//!   the Appendix B.1 key tag but cannot be loaded or used.
//! - RSA keys must be 2048 to 4096 bits: RFC 3110 §2 caps the modulus at
//!   4096 bits, and aws-lc-rs refuses smaller private keys, so the 512- and
//!   1024-bit example keys of RFC 5702 §6 cannot sign here. The verifier
//!   (`verify::crypto`) still checks 1024-bit signatures.
//! - Private key material lives in aws-lc-rs key objects and, while files are
//!   read or written, in [`zeroize::Zeroizing`] buffers. It is never part of
//!   an error or a `Debug` output.

mod bind;
pub(crate) mod der;
mod software;

#[cfg(test)]
mod tests;

use std::fmt;
use std::path::{Path, PathBuf};

use aws_lc_rs::digest;

use crate::zone::name::Name;
use crate::zone::rtype::Class;

pub(crate) use bind::{file_name_names, parse_file_name, read_key_record, read_regular_file};
pub use bind::{
    file_name_owner, is_key_record_file, key_file_stem, parse_key_file, KeyFile, KeyState,
    KeyTiming, SyncState,
};
pub use software::{
    check_private_material, generate, read_key_timing, write_bind_files, write_public_key_file,
    SigningKey,
};
pub(crate) use software::{names_a_key_pair, pair_paths, published_key_path};

/// Why a key of `owner` whose file says `class` is not a key of the zone
/// `origin` of class `zone_class`, if it is not. A key file's class is its
/// zone's: `dnssec-signzone` stops on an assertion (`rdataset->rdclass ==
/// db->rdclass`) for a key of another class, where a CH key file signed an
/// IN zone, and an IN one a CH zone, without a word (the seventy-fifth
/// audit, 2026-12-07).
pub fn not_of_zone(owner: &Name, class: Class, origin: &Name, zone_class: Class) -> Option<String> {
    if owner != origin {
        Some(format!("the key belongs to {owner}, not to the zone {origin}"))
    } else if class != zone_class {
        Some(format!(
            "its DNSKEY record is of class {class} (IN where the file names none), the zone \
             {origin} of class {zone_class} (`--class`; `keygen --class` makes keys of another \
             class)"
        ))
    } else {
        None
    }
}

/// RFC 4034 §2.1.1: "Bit 7 of the Flags field is the Zone Key flag."
pub const FLAG_ZONE: u16 = 0x0100;
/// RFC 4034 §2.1.1: "Bit 15 of the Flags field is the Secure Entry Point flag".
pub const FLAG_SEP: u16 = 0x0001;
/// RFC 5011 §2.1: the REVOKE flag, bit 8 of the Flags field.
pub const FLAG_REVOKE: u16 = 0x0080;
/// Flags of a key-signing key: Zone Key and SEP (257).
pub const FLAGS_KSK: u16 = FLAG_ZONE | FLAG_SEP;
/// Flags of a zone-signing key: Zone Key only (256).
pub const FLAGS_ZSK: u16 = FLAG_ZONE;
/// RFC 4034 §2.1.2: "The Protocol Field MUST have value 3".
pub const PROTOCOL: u8 = 3;

/// The DNSSEC algorithms zonesign signs with (IANA "DNS Security Algorithm
/// Numbers").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Algorithm {
    /// 8, RFC 5702.
    RsaSha256,
    /// 10, RFC 5702.
    RsaSha512,
    /// 13, RFC 6605.
    EcdsaP256Sha256,
    /// 14, RFC 6605.
    EcdsaP384Sha384,
    /// 15, RFC 8080.
    Ed25519,
}

impl Algorithm {
    /// Every supported algorithm, in number order.
    pub const ALL: [Algorithm; 5] = [
        Algorithm::RsaSha256,
        Algorithm::RsaSha512,
        Algorithm::EcdsaP256Sha256,
        Algorithm::EcdsaP384Sha384,
        Algorithm::Ed25519,
    ];

    /// The algorithm number of the DNSKEY, RRSIG and DS records.
    pub fn number(self) -> u8 {
        match self {
            Algorithm::RsaSha256 => 8,
            Algorithm::RsaSha512 => 10,
            Algorithm::EcdsaP256Sha256 => 13,
            Algorithm::EcdsaP384Sha384 => 14,
            Algorithm::Ed25519 => 15,
        }
    }

    /// The algorithm for a number; `UnsupportedAlgorithm` for any other.
    pub fn from_number(number: u8) -> Result<Algorithm, KeyError> {
        Algorithm::ALL
            .into_iter()
            .find(|a| a.number() == number)
            .ok_or(KeyError::UnsupportedAlgorithm { number })
    }

    /// The IANA mnemonic, as BIND writes it (`ECDSAP256SHA256`).
    pub fn mnemonic(self) -> &'static str {
        match self {
            Algorithm::RsaSha256 => "RSASHA256",
            Algorithm::RsaSha512 => "RSASHA512",
            Algorithm::EcdsaP256Sha256 => "ECDSAP256SHA256",
            Algorithm::EcdsaP384Sha384 => "ECDSAP384SHA384",
            Algorithm::Ed25519 => "ED25519",
        }
    }

    /// Parses a mnemonic, case-insensitively.
    pub fn from_mnemonic(text: &str) -> Option<Algorithm> {
        Algorithm::ALL.into_iter().find(|a| a.mnemonic().eq_ignore_ascii_case(text))
    }

    /// True for the RSA algorithms (public key in RFC 3110 form).
    pub fn is_rsa(self) -> bool {
        matches!(self, Algorithm::RsaSha256 | Algorithm::RsaSha512)
    }
}

impl TryFrom<u8> for Algorithm {
    type Error = KeyError;
    fn try_from(number: u8) -> Result<Algorithm, KeyError> {
        Algorithm::from_number(number)
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.number(), self.mnemonic())
    }
}

/// DS digest types (IANA "Delegation Signer (DS) Resource Record (RR) Type
/// Digest Algorithms").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DigestType {
    /// 2, RFC 4509.
    Sha256,
    /// 4, RFC 6605 §2.
    Sha384,
}

impl DigestType {
    /// The number in the DS RDATA.
    pub fn number(self) -> u8 {
        match self {
            DigestType::Sha256 => 2,
            DigestType::Sha384 => 4,
        }
    }

    /// The digest type for a number; `UnsupportedDigestType` for any other
    /// (SHA-1, type 1, is deliberately not offered: RFC 8624 §3.3 "MUST NOT").
    pub fn from_number(number: u8) -> Result<DigestType, KeyError> {
        match number {
            2 => Ok(DigestType::Sha256),
            4 => Ok(DigestType::Sha384),
            _ => Err(KeyError::UnsupportedDigestType { number }),
        }
    }

    fn algorithm(self) -> &'static digest::Algorithm {
        match self {
            DigestType::Sha256 => &digest::SHA256,
            DigestType::Sha384 => &digest::SHA384,
        }
    }
}

impl TryFrom<u8> for DigestType {
    type Error = KeyError;
    fn try_from(number: u8) -> Result<DigestType, KeyError> {
        DigestType::from_number(number)
    }
}

/// Why a key could not be read, used, or proven.
#[derive(Debug)]
#[non_exhaustive]
pub enum KeyError {
    /// A key file could not be opened, read or written.
    Io { path: PathBuf, source: std::io::Error },
    /// A key file is not in the expected syntax. `line` is 1-based; 0 when
    /// the problem is with the file as a whole.
    Unreadable { path: PathBuf, line: usize, reason: String },
    /// The algorithm number is not one zonesign signs with.
    UnsupportedAlgorithm { number: u8 },
    /// The DS digest type is not SHA-256 (2) or SHA-384 (4).
    UnsupportedDigestType { number: u8 },
    /// RSA key size outside 2048..=4096 bits (generation: 2048, 3072, 4096),
    /// or a size given for an algorithm whose size is fixed.
    /// `path`: the key file, when the key was read from one.
    UnsupportedKeySize { algorithm: Algorithm, bits: usize, path: Option<PathBuf> },
    /// The `.key` and `.private` files disagree on the algorithm.
    AlgorithmMismatch { path: PathBuf, key_file: u8, private_file: u8 },
    /// The private key in `.private` does not belong to the public key in
    /// `.key`.
    KeyPairMismatch { key_path: PathBuf, private_path: PathBuf },
    /// The file name `K<zone>+<alg>+<tag>` disagrees with the key inside.
    FileNameMismatch { path: PathBuf, file_algorithm: u64, file_tag: u64, algorithm: u8, tag: u16 },
    /// The file's owner name differs from the one in its name.
    OwnerMismatch { path: PathBuf, file_owner: String, record_owner: String },
    /// aws-lc-rs rejected the private key (inconsistent components, wrong
    /// curve, too small ...).
    KeyRejected { key: String, algorithm: Algorithm, reason: &'static str },
    /// DNSKEY RDATA is too short, has a protocol other than 3, or a public
    /// key of the wrong shape.
    MalformedDnskey { key: String, reason: &'static str },
    /// The published DNSKEY has a different algorithm or public key than
    /// the key we hold. When the tags are equal this is the .de failure.
    PublicKeyMismatch {
        key: String,
        published_tag: u16,
        actual_tag: u16,
        published_fingerprint: String,
        actual_fingerprint: String,
    },
    /// Same algorithm and public key, different flags (for example the key
    /// is published as a ZSK but the key file says KSK): the key tag and
    /// the RRSIGs' key tag field would not match the published record.
    FlagsMismatch { key: String, published_flags: u16, actual_flags: u16 },
    /// A signature over a random challenge, made with our private key, did
    /// not verify under the published DNSKEY.
    ChallengeFailed { key: String, tag: u16, algorithm: Algorithm, stage: ChallengeStage },
    /// Two different DNSKEYs with the same algorithm and key tag.
    TagCollision {
        first: String,
        second: String,
        algorithm: u8,
        tag: u16,
        first_fingerprint: String,
        second_fingerprint: String,
    },
    /// The private-key operation failed inside aws-lc-rs.
    SigningFailed { key: String, tag: u16, algorithm: Algorithm },
    /// The system random generator failed.
    RandomFailed,
    /// A key could not be generated.
    GenerationFailed { algorithm: Algorithm },
    /// A key given to publish without signing (`--publish`) that cannot be
    /// published so; `reason` says why.
    PublishOnlyRefused { key: String, tag: u16, algorithm: u8, reason: &'static str },
    /// The DNSKEY RRset the keys make is over 65,535 octets in the wire
    /// form its RRSIG signs.
    DnskeyRrsetTooLarge { records: usize, octets: usize },
    /// The RRSIG RRset the signing keys make over one RRset could be over
    /// 65,535 octets.
    RrsigRrsetTooLarge { keys: usize, octets: usize, over: String },
    /// The DNSKEY RRset and its RRSIG RRset could not fit one DNS message
    /// (65,535 octets): no resolver could get the two together.
    DnskeyResponseTooLarge { records: usize, signatures: usize, octets: usize },
    /// No key that signs the DNSKEY RRset matches the trust anchor (the
    /// parent's DS): validators that start from it would find the zone
    /// bogus. `signers` lists the keys that sign the DNSKEY RRset.
    TrustAnchorUnmatched {
        anchor: PathBuf,
        signers: String,
        /// Why a DS that names a signer does not count (` (...)`), or empty.
        note: String,
    },
    /// The input's CDS or CDNSKEY records, kept without `--cds`, do not
    /// match the signed zone's DNSKEY RRset (RFC 7344, RFC 8078): a parent
    /// that follows them would install a DS that matches no key.
    CdsUnmatched { problems: String },
    /// `--cds`: the key timing gives CDS and CDNSKEY only to keys
    /// (`named`, by tag) none of which signs the DNSKEY RRset (`signers`).
    CdsTimingBreaksDelegation { named: Vec<u16>, signers: Vec<u16> },
    /// A revoked key without the SEP flag, and no other key of its
    /// algorithm without it to sign the zone data: the revoked key signs
    /// only the DNSKEY RRset (RFC 5011 §2.1), and a zone whose data the
    /// KSK would sign beside a revoked ZSK is one BIND's `dnssec-verify`
    /// ("Missing ZSK") and `kzonecheck` reject.
    RevokedZsk { key: String, tag: u16, algorithm: u8 },
    /// No signing key has the SEP flag: the DNSKEY RRset would be signed
    /// by keys without it. RFC 4034 §2.1.1 lets validators ignore the
    /// flag, but BIND's `dnssec-verify` ("No self-signed KSK") and
    /// `kzonecheck` reject such a zone, and `dnssec-signzone` will not
    /// make one. `keys` lists the signing keys; `timing`, the key
    /// directory's SEP keys its timing keeps from signing, with why.
    NoSepKey { keys: String, timing: Vec<String> },
    /// Every signing key with the SEP flag is revoked: a revoked key signs
    /// only the DNSKEY RRset, for its revocation (RFC 5011 §2.1), and is no
    /// entry point; nothing would carry the chain of trust from the
    /// parent's DS. `keys` lists the revoked KSKs.
    OnlyRevokedKsks { keys: String },
    /// A signing key's Flags field is one validators refuse: without the
    /// Zone Key bit, or with reserved bits set (RFC 4034 §2.1.1).
    BadFlags { key: String, tag: u16, algorithm: u8, flags: u16, reason: &'static str },
    /// An algorithm whose keys all lack the SEP flag: nothing of it would
    /// sign the DNSKEY RRset, yet every algorithm there must sign every
    /// RRset (RFC 4035 §2.2). `keys` lists its keys; `timing`, the key
    /// directory's KSKs of that algorithm that its timing keeps from
    /// signing, with why.
    NoKskForAlgorithm { algorithm: u8, keys: String, timing: Vec<String> },
    /// A key of a key directory whose Revoke time (its `.private` timing)
    /// has passed, without the REVOKE flag: `dnssec-signzone -S` would
    /// publish it revoked, which changes its key tag and so its files.
    RevokeDue { key: PathBuf, at: String },
}

/// Which step of the challenge in [`SigningKey::prove`] failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChallengeStage {
    /// The private key did not produce a signature.
    Sign,
    /// The published public key could not be parsed for verification.
    ParsePublished,
    /// The signature did not verify under the published public key.
    Verify,
}

impl fmt::Display for ChallengeStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ChallengeStage::Sign => "signing the challenge failed",
            ChallengeStage::ParsePublished => "the published public key could not be parsed",
            ChallengeStage::Verify => "the signature did not verify under the published key",
        })
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            KeyError::Unreadable { path, line: 0, reason } => {
                write!(f, "{}: {reason}", path.display())
            }
            KeyError::Unreadable { path, line, reason } => {
                write!(f, "{}:{line}: {reason}", path.display())
            }
            KeyError::UnsupportedAlgorithm { number } => {
                write!(f, "unsupported DNSSEC algorithm {number} (supported: 8, 10, 13, 14, 15)")
            }
            KeyError::UnsupportedDigestType { number } => {
                write!(f, "unsupported DS digest type {number} (supported: 2, 4)")
            }
            KeyError::UnsupportedKeySize { algorithm, bits, path } => {
                if let Some(path) = path {
                    write!(f, "{}: ", path.display())?;
                }
                write!(f, "unsupported {bits}-bit key for algorithm {algorithm}")?;
                if matches!(algorithm, Algorithm::RsaSha256 | Algorithm::RsaSha512) {
                    // The file was named only since the ninth audit
                    // (2026-12-06): one key among several was refused.
                    write!(f, ": zonesign signs with RSA keys of 2048 to 4096 bits (aws-lc-rs signs with no smaller key; RFC 3110 §2 caps the modulus at 4096)")?;
                }
                Ok(())
            }
            KeyError::AlgorithmMismatch { path, key_file, private_file } => write!(
                f,
                "{}: algorithm {private_file} in the private file, {key_file} in the key file",
                path.display()
            ),
            KeyError::KeyPairMismatch { key_path, private_path } => write!(
                f,
                "{} does not hold the private key of the public key in {}",
                private_path.display(),
                key_path.display()
            ),
            KeyError::FileNameMismatch { path, file_algorithm, file_tag, algorithm, tag } => {
                write!(
                    f,
                    "{}: file name says algorithm {file_algorithm} key tag {file_tag}, \
                     the key is algorithm {algorithm} key tag {tag}",
                    path.display()
                )
            }
            KeyError::OwnerMismatch { path, file_owner, record_owner } => write!(
                f,
                "{}: file name says owner {file_owner}, the record says {record_owner}",
                path.display()
            ),
            KeyError::KeyRejected { key, algorithm, reason } => {
                write!(f, "{key}: private key rejected for algorithm {algorithm}: {reason}")
            }
            KeyError::MalformedDnskey { key, reason } => {
                write!(f, "{key}: malformed DNSKEY RDATA: {reason}")
            }
            KeyError::PublicKeyMismatch {
                key,
                published_tag,
                actual_tag,
                published_fingerprint,
                actual_fingerprint,
            } => {
                if published_tag == actual_tag {
                    write!(
                        f,
                        "{key}: same key tag, different key material: published DNSKEY \
                         tag {published_tag} has public key {published_fingerprint}, \
                         the private key belongs to public key {actual_fingerprint}"
                    )
                } else {
                    write!(
                        f,
                        "{key}: published DNSKEY tag {published_tag} (public key \
                         {published_fingerprint}) is not this key, tag {actual_tag} \
                         (public key {actual_fingerprint})"
                    )
                }
            }
            KeyError::FlagsMismatch { key, published_flags, actual_flags } => write!(
                f,
                "{key}: published with flags {published_flags}, the key file says {actual_flags}"
            ),
            KeyError::ChallengeFailed { key, tag, algorithm, stage } => write!(
                f,
                "{key}: proof of possession failed for key tag {tag} algorithm {algorithm}: \
                 {stage}"
            ),
            KeyError::TagCollision {
                first,
                second,
                algorithm,
                tag,
                first_fingerprint,
                second_fingerprint,
            } => write!(
                f,
                "key tag collision: {first} (public key {first_fingerprint}) and {second} \
                 (public key {second_fingerprint}) are different DNSKEYs with algorithm \
                 {algorithm} and key tag {tag}: same key tag, different key material"
            ),
            KeyError::SigningFailed { key, tag, algorithm } => {
                write!(f, "{key}: signing failed (key tag {tag}, algorithm {algorithm})")
            }
            KeyError::RandomFailed => f.write_str("the system random number generator failed"),
            KeyError::GenerationFailed { algorithm } => {
                write!(f, "generating a key for algorithm {algorithm} failed")
            }
            KeyError::CdsTimingBreaksDelegation { named, signers } => {
                let tags = |t: &[u16]| t.iter().map(u16::to_string).collect::<Vec<_>>().join(", ");
                write!(
                    f,
                    "with --cds the key timing gives CDS and CDNSKEY records to key {} only, \
                     which does not sign the DNSKEY RRset ({}): a parent that follows them \
                     installs DS records for keys that do not sign it (RFC 7344 §4.1, \"MUST NOT \
                     break the current delegation\"); keep a signing KSK's SyncDelete until the \
                     next KSK signs",
                    tags(named),
                    tags(signers)
                )
            }
            KeyError::CdsUnmatched { problems } => write!(
                f,
                "the input's CDS/CDNSKEY records do not match the signed zone's DNSKEY RRset \
                 ({problems}); publish them for the signing KSKs with --cds, or remove them"
            ),
            KeyError::TrustAnchorUnmatched { anchor, signers, note } => write!(
                f,
                "no key that signs the DNSKEY RRset ({signers}) matches a DS or DNSKEY in {}{note}: \
                 validators that start from it (the parent's DS) would find the zone bogus",
                anchor.display()
            ),
            KeyError::PublishOnlyRefused { key, tag, algorithm, reason } => write!(
                f,
                "{key}: key tag {tag} algorithm {algorithm} cannot be published without signing: \
                 {reason}"
            ),
            KeyError::DnskeyRrsetTooLarge { records, octets } => write!(
                f,
                "the DNSKEY RRset of these keys would be {records} records, {octets} octets in what \
                 its RRSIG signs (the RRSIG's fields and each record with its owner, RFC 4034 \
                 §3.1.8.1), more than 65535 (ldns-verify-zone verifies no more than that; RFC \
                 1035 §4.2.2 holds an RRset to it): retire keys for good (a Delete time in the past, or move their files out of the \
                 key directory) or publish fewer"
            ),
            KeyError::RrsigRrsetTooLarge { keys, octets, over } => write!(
                f,
                "{keys} keys sign {over}: their RRSIG RRset would be up to {octets} octets in \
                 wire form, more than 65535 (RFC 1035 §4.2.2), and no validator could get it: \
                 sign with fewer keys"
            ),
            KeyError::DnskeyResponseTooLarge { records, signatures, octets } => write!(
                f,
                "the DNSKEY RRset of these keys ({records} records) and its {signatures} \
                 signatures would take at least {octets} octets in the answer to a DNSKEY query, \
                 more than the 65535 of a DNS message (RFC 1035 §4.2.2): servers would send the \
                 DNSKEY RRset without its signatures and validators would fail the whole zone; \
                 retire keys for good (a Delete time in the past, or move their files out of the \
                 key directory), publish fewer, or sign the DNSKEY RRset with fewer keys"
            ),
            KeyError::OnlyRevokedKsks { keys } => write!(
                f,
                "every KSK is revoked ({keys}): a revoked key signs only the DNSKEY RRset, for \
                 its revocation (RFC 5011 §2.1), and no longer carries the chain of trust from \
                 the parent's DS; add an unrevoked KSK (keygen --ksk, flags 257) whose DS the \
                 parent has"
            ),
            KeyError::NoSepKey { keys, timing } if timing.is_empty() => write!(
                f,
                "no signing key has the SEP flag ({keys}): the DNSKEY RRset would be signed by \
                 keys without it, which BIND's dnssec-verify and kzonecheck reject; make one a \
                 KSK (keygen --ksk, flags 257)"
            ),
            // The key directory's KSKs that its timing keeps from signing
            // are named: a lone KSK past its Inactive time was answered
            // with "make one a KSK" alone, its timing said only in a
            // notice that `-q` hides (the thirty-eighth audit, 2026-12-07).
            KeyError::NoSepKey { keys, timing } => write!(
                f,
                "no signing key has the SEP flag ({keys}): the DNSKEY RRset would be signed by \
                 keys without it, which BIND's dnssec-verify and kzonecheck reject; the key \
                 directory's KSKs sign nothing by their timing ({}): change it (dnssec-settime) \
                 or add a KSK (keygen --ksk, flags 257)",
                timing.join("; ")
            ),
            KeyError::BadFlags { key, tag, algorithm, flags, reason } => write!(
                f,
                "{key}: key tag {tag} algorithm {algorithm} has flags {flags}: {reason}; \
                 validators refuse such a key"
            ),
            KeyError::NoKskForAlgorithm { algorithm, keys, timing } if timing.is_empty() => {
                write!(
                    f,
                    "no key of algorithm {algorithm} has the SEP flag ({keys}): none would sign \
                     the DNSKEY RRset, and every algorithm of the DNSKEY RRset must sign every \
                     RRset (RFC 4035 §2.2); add a KSK of algorithm {algorithm} (keygen --ksk), or \
                     sign with --csk (validators accept that zone; BIND's dnssec-verify does not, \
                     wanting a KSK of each algorithm)"
                )
            }
            KeyError::NoKskForAlgorithm { algorithm, keys, timing } => write!(
                f,
                "no key of algorithm {algorithm} has the SEP flag ({keys}): none would sign the \
                 DNSKEY RRset, and every algorithm of the DNSKEY RRset must sign every RRset \
                 (RFC 4035 §2.2); the key directory's KSKs of algorithm {algorithm} sign nothing \
                 by their timing ({}): change it (dnssec-settime) so that one signs while keys \
                 of algorithm {algorithm} do, or add a KSK of algorithm {algorithm} (keygen \
                 --ksk), or sign with --csk (validators accept that zone; BIND's dnssec-verify \
                 does not, wanting a KSK of each algorithm)",
                timing.join("; ")
            ),
            KeyError::RevokeDue { key, at } => write!(
                f,
                "{}: its Revoke time ({at}) has passed but the key is not revoked: run \
                 dnssec-revoke on it (the revoked key has a new tag and new files), or \
                 remove the Revoke time (dnssec-settime -R none)",
                key.display()
            ),
            KeyError::RevokedZsk { key, tag, algorithm } => write!(
                f,
                "{key}: key tag {tag} algorithm {algorithm} is revoked (flag 0x0080): a revoked \
                 key signs only the DNSKEY RRset (RFC 5011 §2.1), and no other ZSK of algorithm \
                 {algorithm} would sign the zone data; add one, or leave the revoked key out"
            ),
        }
    }
}

impl std::error::Error for KeyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            KeyError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// A view of DNSKEY RDATA (RFC 4034 §2.1):
///
/// ```text
/// "The RDATA for a DNSKEY RR consists of a 2 octet Flags Field, a 1 octet
///  Protocol Field, a 1 octet Algorithm Field, and the Public Key Field."
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dnskey<'a> {
    pub flags: u16,
    pub protocol: u8,
    pub algorithm: u8,
    pub public_key: &'a [u8],
}

impl<'a> Dnskey<'a> {
    /// Splits DNSKEY RDATA into its fields. Checks the length and the
    /// protocol only; the public key's shape is checked by whoever uses it.
    pub fn parse(rdata: &'a [u8], key: &str) -> Result<Dnskey<'a>, KeyError> {
        if rdata.len() < 5 {
            return Err(KeyError::MalformedDnskey {
                key: key.to_owned(),
                reason: "shorter than flags, protocol, algorithm and one octet of key",
            });
        }
        if rdata[2] != PROTOCOL {
            return Err(KeyError::MalformedDnskey {
                key: key.to_owned(),
                reason: "protocol field is not 3 (RFC 4034 §2.1.2)",
            });
        }
        Ok(Dnskey {
            flags: u16::from_be_bytes([rdata[0], rdata[1]]),
            protocol: rdata[2],
            algorithm: rdata[3],
            public_key: &rdata[4..],
        })
    }
}

/// Builds DNSKEY RDATA from flags, algorithm and the public key field.
pub fn dnskey_rdata(flags: u16, algorithm: Algorithm, public_key: &[u8]) -> Vec<u8> {
    let mut rdata = Vec::with_capacity(4 + public_key.len());
    rdata.extend_from_slice(&flags.to_be_bytes());
    rdata.push(PROTOCOL);
    rdata.push(algorithm.number());
    rdata.extend_from_slice(public_key);
    rdata
}

/// The RSA public key field of RFC 3110 §2:
///
/// ```text
/// "The structure of the algorithm specific portion of the RDATA part of
///  such RRs is as shown below.
///        Field             Size
///        -----             ----
///        exponent length   1 or 3 octets (see text)
///        exponent          as specified by length field
///        modulus           remaining space
///  For interoperability, the exponent and modulus are each limited to
///  4096 bits in length.  The public key exponent is a variable length
///  unsigned integer.  Its length in octets is represented as one octet
///  if it is in the range of 1 to 255 and by a zero octet followed by a
///  two octet unsigned length if it is longer than 255 bytes.  The public
///  key modulus field is a multiprecision unsigned integer.  The length
///  of the modulus can be determined from the RDLENGTH and the preceding
///  RDATA fields including the exponent.  Leading zero octets are
///  prohibited in the exponent and modulus."
/// ```
pub fn rsa_public_key_field(exponent: &[u8], modulus: &[u8]) -> Vec<u8> {
    let exponent = strip_leading_zeros(exponent);
    let modulus = strip_leading_zeros(modulus);
    let mut out = Vec::with_capacity(3 + exponent.len() + modulus.len());
    if exponent.len() <= 255 {
        out.push(exponent.len() as u8);
    } else {
        out.push(0);
        // An exponent longer than 65535 octets cannot come from aws-lc-rs
        // (it limits e to 33 bits); truncating the length would be caught
        // by the RDATA round trip in prove().
        out.extend_from_slice(&(exponent.len() as u16).to_be_bytes());
    }
    out.extend_from_slice(exponent);
    out.extend_from_slice(modulus);
    out
}

/// Splits an RFC 3110 public key field into (exponent, modulus), in the
/// one form §2 allows (quoted at [`rsa_public_key_field`]): the exponent
/// length in one octet when it is 1 to 255, no leading zero octets. `None`
/// for any other field. The signer publishes only this form, and a key
/// file or HSM key whose DNSKEY is written otherwise is a malformed DNSKEY
/// ([`rsa_public_key_form`]): a DNSKEY with a 3-octet exponent written
/// with the three-octet length has the key tag of the right one, and the
/// HSM proof, which compares the DNSKEY it builds from the token's key,
/// took it for the .de case, another key pair under the published key's
/// tag (the fourteenth audit, 2026-12-06). (The verifier reads any form
/// validators read: see `verify::crypto`.)
pub fn parse_rsa_public_key_field(field: &[u8]) -> Option<(&[u8], &[u8])> {
    rsa_public_key_form(field).ok()
}

/// [`parse_rsa_public_key_field`], saying what is wrong with a field.
pub fn rsa_public_key_form(field: &[u8]) -> Result<(&[u8], &[u8]), &'static str> {
    let (&first, rest) = field.split_first().ok_or("empty RSA public key")?;
    let (len, rest) = if first == 0 {
        let [hi, lo, rest @ ..] = rest else {
            return Err("RSA public key ends inside its exponent length");
        };
        let len = u16::from_be_bytes([*hi, *lo]) as usize;
        if len <= 255 {
            return Err("RSA exponent length of 255 octets or fewer written in three octets \
                        (RFC 3110 §2: \"represented as one octet if it is in the range of 1 to 255\")");
        }
        (len, rest)
    } else {
        (first as usize, rest)
    };
    if rest.len() <= len {
        return Err("RSA exponent length leaves no modulus");
    }
    let (exponent, modulus) = rest.split_at(len);
    if exponent[0] == 0 || modulus[0] == 0 {
        return Err("leading zero octet in the RSA exponent or modulus (RFC 3110 §2: \
                    \"Leading zero octets are prohibited in the exponent and modulus\")");
    }
    Ok((exponent, modulus))
}

/// The RSA moduli zonesign signs with, for key files and HSM keys alike:
/// aws-lc-rs signs with 2048..=8192 bits; RFC 3110 §2: "For
/// interoperability, the exponent and modulus are each limited to 4096
/// bits in length." `modulus` may have leading zero octets; `path` names
/// the key's file in the error.
pub(crate) fn check_rsa_modulus(
    algorithm: Algorithm,
    modulus: &[u8],
    path: &Path,
) -> Result<(), KeyError> {
    let modulus = strip_leading_zeros(modulus);
    // Leading zeros are stripped, so the first octet is non-zero.
    let bits = modulus.first().map_or(0, |m| modulus.len() * 8 - m.leading_zeros() as usize);
    if !(2048..=4096).contains(&bits) {
        let path = Some(path.to_path_buf());
        return Err(KeyError::UnsupportedKeySize { algorithm, bits, path });
    }
    Ok(())
}

pub(crate) fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[first..]
}

/// The Flags field of DNSKEY RDATA (RFC 4034 §2.1.1), 0 for RDATA too short
/// to have one.
pub fn dnskey_flags(dnskey_rdata: &[u8]) -> u16 {
    dnskey_rdata.get(..2).map_or(0, |f| u16::from_be_bytes([f[0], f[1]]))
}

/// The key tag of RFC 4034 Appendix B over DNSKEY RDATA.
///
/// ```text
/// "The key tag algorithm is the sum of the wire format of the DNSKEY RDATA
///  broken into 2 octet groups."
/// "... the numerical value of the Key Tag MUST be identical to the value
///  generated by the reference implementation for the same input."
/// ```
///
/// Algorithm 1 (RSAMD5, Appendix B.1: "the key tag is defined to be the
/// most significant 16 bits of the least significant 24 bits in the public
/// key modulus") is computed for completeness; zonesign cannot use such keys.
pub fn key_tag(dnskey_rdata: &[u8]) -> u16 {
    if dnskey_rdata.len() >= 4 + 3 && dnskey_rdata[3] == 1 {
        let n = dnskey_rdata.len();
        return u16::from_be_bytes([dnskey_rdata[n - 3], dnskey_rdata[n - 2]]);
    }
    // Appendix B reference code:
    //   for ( ac = 0, i = 0; i < keysize; ++i )
    //           ac += (i & 1) ? key[i] : key[i] << 8;
    //   ac += (ac >> 16) & 0xFFFF;
    //   return ac & 0xFFFF;
    let mut ac: u32 = 0;
    for (i, &b) in dnskey_rdata.iter().enumerate() {
        ac = ac.wrapping_add(if i & 1 == 1 { u32::from(b) } else { u32::from(b) << 8 });
    }
    ac = ac.wrapping_add((ac >> 16) & 0xFFFF);
    (ac & 0xFFFF) as u16
}

/// DS RDATA for a DNSKEY (RFC 4034 §5.1):
///
/// ```text
/// "The DS RR RDATA consists of a 2 octet Key Tag field, a 1 octet
///  Algorithm field, a 1 octet Digest Type field, and a Digest field."
/// ```
///
/// and §5.1.4: "digest = digest_algorithm( DNSKEY owner name | DNSKEY RDATA);
/// "|" denotes concatenation ... The DNSKEY owner name is the canonical wire
/// format of the owner name" (lowercase, RFC 4034 §6.2).
///
/// Confirm with `dnssec-dsfromkey -2 Kexample.+013+NNNNN.key`.
pub fn ds_rdata(
    owner: &Name,
    dnskey_rdata: &[u8],
    digest_type: DigestType,
) -> Result<Vec<u8>, KeyError> {
    let dnskey = Dnskey::parse(dnskey_rdata, &owner.to_string())?;
    let mut ctx = digest::Context::new(digest_type.algorithm());
    ctx.update(owner.to_lowercase().as_wire());
    ctx.update(dnskey_rdata);
    let digest = ctx.finish();
    let mut rdata = Vec::with_capacity(4 + digest.as_ref().len());
    rdata.extend_from_slice(&key_tag(dnskey_rdata).to_be_bytes());
    rdata.push(dnskey.algorithm);
    rdata.push(digest_type.number());
    rdata.extend_from_slice(digest.as_ref());
    Ok(rdata)
}

/// A short, stable name for a public key in error messages: the first 16
/// hex digits of SHA-256 over the DNSKEY public key field.
pub fn fingerprint(public_key: &[u8]) -> String {
    let d = digest::digest(&digest::SHA256, public_key);
    data_encoding::HEXLOWER.encode(&d.as_ref()[..8])
}

/// Rejects a key set in which two *different* DNSKEYs have the same
/// algorithm and key tag (the .de failure of 5 May 2026). `keys` holds a
/// display name (file name, HSM label) and the DNSKEY RDATA of each key.
/// The same RDATA listed twice is one key, not a collision.
///
/// RFC 4034 Appendix B allows tags to collide: "It is possible for two
/// distinct DNSKEY RRs to have the same owner name, the same algorithm, and
/// the same key tag ... Implementations MUST NOT assume that the key tag
/// uniquely identifies a DNSKEY RR." Validators cope by trying every
/// candidate; a signer or an HSM that selects keys by tag picks the wrong
/// one, so zonesign refuses to sign with such a set.
pub fn check_collisions(keys: &[(&str, &[u8])]) -> Result<(), KeyError> {
    let mut seen: Vec<(u8, u16, &str, &[u8])> = Vec::with_capacity(keys.len());
    for &(name, rdata) in keys {
        let dnskey = Dnskey::parse(rdata, name)?;
        let tag = key_tag(rdata);
        for &(alg, other_tag, other_name, other_rdata) in &seen {
            if alg == dnskey.algorithm && other_tag == tag && other_rdata != rdata {
                // Every RDATA in `seen` passed Dnskey::parse: at least 5 octets.
                let other_public = &other_rdata[4..];
                return Err(KeyError::TagCollision {
                    first: other_name.to_owned(),
                    second: name.to_owned(),
                    algorithm: alg,
                    tag,
                    first_fingerprint: fingerprint(other_public),
                    second_fingerprint: fingerprint(dnskey.public_key),
                });
            }
        }
        seen.push((dnskey.algorithm, tag, name, rdata));
    }
    Ok(())
}
