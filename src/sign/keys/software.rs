//! Software signing keys over aws-lc-rs: loading BIND key pairs, key
//! generation, signing in DNSSEC wire form, and proof of possession.
//!
//! # Background
//! Signature forms:
//! - RSA (RFC 5702 §3): "The value of the signature field in the RRSIG RR
//!   follows the RSASSA-PKCS1-v1_5 signature scheme", with SHA-256 (8) or
//!   SHA-512 (10); the signature is as long as the modulus.
//! - ECDSA (RFC 6605 §4): "The two integers, each of which is formatted as
//!   a simple octet string, are combined into a single longer octet string
//!   for DNSSEC as the concatenation "r | s"", 32 octets each for P-256 and
//!   48 for P-384: aws-lc-rs' `*_FIXED_SIGNING` algorithms.
//! - Ed25519 (RFC 8080 §4): "An Ed25519 signature consists of a 64-octet
//!   value, which is encoded into the Signature field of an RRSIG resource
//!   record as a simple bit string."
//!
//! # Limitations
//! RSA keys must be 2048 (aws-lc-rs' floor) to 4096 bits (RFC 3110 §2's
//! ceiling); generation offers 2048, 3072 and 4096.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use aws_lc_rs::encoding::{AsBigEndian, AsDer, Pkcs8V1Der};
use aws_lc_rs::rand::{self, SystemRandom};
use aws_lc_rs::rsa::{KeyPairComponents, KeySize};
use aws_lc_rs::signature::{
    self, EcdsaKeyPair, Ed25519KeyPair, KeyPair, RsaKeyPair, RsaPublicKeyComponents,
    UnparsedPublicKey,
};
use time::OffsetDateTime;
use zeroize::Zeroizing;

use super::bind::{self, PrivateFile};
use super::{
    der, dnskey_rdata, fingerprint, key_tag, parse_rsa_public_key_field, rsa_public_key_field,
    strip_leading_zeros, Algorithm, ChallengeStage, Dnskey, KeyError,
};
use crate::zone::name::Name;
use crate::zone::rtype::Class;

/// The private half, as aws-lc-rs objects (which wipe their memory on drop).
enum PrivateKey {
    Rsa(RsaKeyPair),
    Ecdsa(EcdsaKeyPair),
    Ed25519(Ed25519KeyPair),
}

/// A DNSSEC signing key held in memory (software backend).
pub struct SigningKey {
    /// How the key is named in messages: the file stem
    /// `K<owner>+<alg>+<tag>`.
    name: String,
    owner: Name,
    /// The class of its zone, as its `.key` file says (IN if not).
    class: Class,
    algorithm: Algorithm,
    flags: u16,
    key_tag: u16,
    dnskey_rdata: Vec<u8>,
    private: PrivateKey,
    /// When the key was generated; `None` for keys read from files.
    created: Option<OffsetDateTime>,
}

impl std::fmt::Debug for SigningKey {
    // Never the private key: only what is public anyway.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("name", &self.name)
            .field("owner", &self.owner)
            .field("algorithm", &self.algorithm)
            .field("flags", &self.flags)
            .field("key_tag", &self.key_tag)
            .finish_non_exhaustive()
    }
}

fn ecdsa_signing(algorithm: Algorithm) -> &'static signature::EcdsaSigningAlgorithm {
    if algorithm == Algorithm::EcdsaP384Sha384 {
        &signature::ECDSA_P384_SHA384_FIXED_SIGNING
    } else {
        &signature::ECDSA_P256_SHA256_FIXED_SIGNING
    }
}

/// RFC 6605 §4: "In DNSSEC keys, Q is a simple bit string that represents
/// the uncompressed form of a curve point, "x | y"": 64 octets for P-256,
/// 96 for P-384, without the SEC 1 `04` prefix.
fn ecdsa_public_len(algorithm: Algorithm) -> usize {
    if algorithm == Algorithm::EcdsaP384Sha384 {
        96
    } else {
        64
    }
}

/// The DNSKEY public key field of a key pair.
fn public_key_field(private: &PrivateKey) -> Vec<u8> {
    match private {
        PrivateKey::Rsa(pair) => {
            let public = pair.public_key();
            rsa_public_key_field(
                public.exponent().big_endian_without_leading_zero(),
                public.modulus().big_endian_without_leading_zero(),
            )
        }
        // SEC 1 uncompressed form is 04 | x | y; RFC 6605 §4 drops the 04.
        PrivateKey::Ecdsa(pair) => pair.public_key().as_ref().get(1..).unwrap_or(&[]).to_vec(),
        // RFC 8080 §3: "An Ed25519 public key consists of a 32-octet value".
        PrivateKey::Ed25519(pair) => pair.public_key().as_ref().to_vec(),
    }
}

/// Where the `.private` file of a `.key` file is, and vice versa.
///
/// Works on the path's octets, not a lossy text of them: a directory whose
/// name is not UTF-8 holds key files too (`dnssec-signzone -K` reads them;
/// the lossy text named a file that is not there, an audit, 2026-12-06).
pub(crate) fn pair_paths(path: &Path) -> (PathBuf, PathBuf) {
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    let octets = path.as_os_str().as_bytes();
    let stem =
        octets.strip_suffix(b".key").or_else(|| octets.strip_suffix(b".private")).unwrap_or(octets);
    let with = |suffix: &[u8]| PathBuf::from(std::ffi::OsString::from_vec([stem, suffix].concat()));
    (with(b".key"), with(b".private"))
}

/// Whether `path` names a key pair the way BIND's tools do: its `.key` or
/// `.private` file, or their stem (`Kexample.+013+12345`, no file of its
/// own).
pub(crate) fn names_a_key_pair(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let octets = path.as_os_str().as_bytes();
    octets.ends_with(b".key") || octets.ends_with(b".private") || !path.is_file()
}

/// The DNSKEY file of a key given by `--publish`: as [`pair_paths`] reads
/// it, but a file of another name (`dig` output saved as
/// `provider-b.dnskey`, as the README's multi-signer recipe suggests) is
/// read as it is named: `provider-b.dnskey.key` was looked for, and the
/// error named a file the operator never gave (the forty-fifth audit,
/// 2026-12-07).
pub(crate) fn published_key_path(path: &Path) -> PathBuf {
    if names_a_key_pair(path) {
        pair_paths(path).0
    } else {
        path.to_path_buf()
    }
}

/// The timing metadata of the `.private` file of the key at `path` (its
/// `.key` or `.private` path, or their stem), and the flags and DNSKEY
/// RDATA of its `.key` file: what a key directory's keys are chosen by,
/// before any is loaded.
pub fn read_key_timing(path: &Path) -> Result<(bind::KeyTiming, u16, Vec<u8>), KeyError> {
    let (key_path, private_path) = pair_paths(path);
    let key_file = bind::parse_key_file(&key_path)?;
    let flags = Dnskey::parse(&key_file.dnskey_rdata, &key_path.display().to_string())?.flags;
    Ok((read_private_file(&private_path)?.timing, flags, key_file.dnskey_rdata))
}

/// Checks that the key pair at `path` holds the key material its
/// algorithm needs, whole: for a key that signs nothing (published only,
/// retired, not yet published), whose private key is never used. Not the
/// signing checks of [`SigningKey::load`]: a retired 1024-bit RSA ZSK, or
/// a key of an algorithm zonesign does not sign with, stays in a key
/// directory as it does for `dnssec-signzone -S` (a first fix loaded every
/// key and refused them; the thirtieth audit, 2026-12-06).
pub fn check_private_material(path: &Path) -> Result<(), KeyError> {
    let (key_path, private_path) = pair_paths(path);
    let key_file = bind::parse_key_file(&key_path)?;
    let published = Dnskey::parse(&key_file.dnskey_rdata, &key_path.display().to_string())?;
    let private_file = read_private_file(&private_path)?;
    if private_file.algorithm != published.algorithm {
        return Err(KeyError::AlgorithmMismatch {
            path: private_path,
            key_file: published.algorithm,
            private_file: private_file.algorithm,
        });
    }
    // ECDSA and Ed25519 keys have no size rules: loaded as a signing key
    // is, their pair is checked too.
    if matches!(published.algorithm, 13..=15) {
        return SigningKey::load_pair(&key_path, &private_path).map(|_| ());
    }
    material_is_whole(&private_file, published.algorithm, published.public_key, &private_path)?;
    if matches!(published.algorithm, 5 | 7 | 8 | 10) {
        rsa_fields_agree(&private_file, &private_path)?;
    }
    Ok(())
}

/// Every field of an RSA `.private` there is not every field whole: a file
/// cut inside its Coefficient (at a base64 quantum, so that it still
/// decodes) passed for a key that signs nothing (the forty-third session's
/// notes). aws-lc-rs checks the fields against each other (RFC 8017 §3.2:
/// n = p·q, e·d ≡ 1, dP = d mod (p − 1), dQ = d mod (q − 1),
/// q·qInv ≡ 1 mod p) wherever it takes them: even for a key it then
/// refuses as too small; not with a public exponent over 33 bits, which it
/// calls inconsistent whatever the key (see `private_from_file`).
fn rsa_fields_agree(file: &PrivateFile, path: &Path) -> Result<(), KeyError> {
    let exponent = strip_leading_zeros(file.field("PublicExponent", path)?);
    let e_bits = bits_of(exponent);
    if e_bits > 33 {
        return Ok(());
    }
    let modulus = strip_leading_zeros(file.field("Modulus", path)?);
    match RsaKeyPair::from_components(&rsa_components(file, path, modulus, exponent)?) {
        Err(e) if e.description_() == INCONSISTENT => Err(rsa_fields_disagree(path)),
        _ => Ok(()),
    }
}

/// The RSA key pair of `file`, with its modulus `n` and exponent `e`
/// (without leading zero octets), for aws-lc-rs.
fn rsa_components<'a>(
    file: &'a PrivateFile,
    path: &Path,
    n: &'a [u8],
    e: &'a [u8],
) -> Result<KeyPairComponents<&'a [u8], &'a [u8]>, KeyError> {
    Ok(KeyPairComponents {
        public_key: RsaPublicKeyComponents { n, e },
        d: file.field("PrivateExponent", path)?,
        p: file.field("Prime1", path)?,
        q: file.field("Prime2", path)?,
        dP: file.field("Exponent1", path)?,
        dQ: file.field("Exponent2", path)?,
        qInv: file.field("Coefficient", path)?,
    })
}

/// The length in bits of an unsigned big-endian integer without leading
/// zero octets.
fn bits_of(number: &[u8]) -> usize {
    number.first().map_or(0, |b| number.len() * 8 - b.leading_zeros() as usize)
}

/// What aws-lc-rs calls RSA fields that do not agree with each other.
const INCONSISTENT: &str = "InconsistentComponents";

fn rsa_fields_disagree(path: &Path) -> KeyError {
    KeyError::Unreadable {
        path: path.to_owned(),
        line: 0,
        reason: "its RSA fields do not agree with each other (RFC 8017 §3.2): the file is cut \
                 short, or not this key's private key file"
            .to_owned(),
    }
}

/// The key material of `file` is all there for `algorithm`, and an RSA
/// key's modulus is the one of `public_key` (the `.key` file's): a file cut
/// short (a full disk, a broken copy) says so, where it was read as a key
/// with no material (a `dnssec-keygen -G` key, exit 0: the twenty-ninth
/// audit, 2026-12-06) or an "unsupported 24-bit key" (the thirtieth).
fn material_is_whole(
    file: &PrivateFile,
    algorithm: u8,
    public_key: &[u8],
    path: &Path,
) -> Result<(), KeyError> {
    let cut = |what: String| KeyError::Unreadable {
        path: path.to_owned(),
        line: 0,
        reason: format!("{what}: the file is cut short, or not this key's private key file"),
    };
    // RFC 8080 §3: an EdDSA private key is a string of a fixed number of
    // octets; RFC 6605 §4: an ECDSA one an integer, which `ldns-keygen`
    // writes without its leading zero octets (a key in 256 was refused as
    // cut short: the thirty-first audit, 2026-12-06).
    let (len, integer) = match algorithm {
        13 => (32, true),
        14 => (48, true),
        15 => (32, false),
        16 => (57, false),
        _ => (0, false),
    };
    let wrong = |reason: String| KeyError::Unreadable { path: path.to_owned(), line: 0, reason };
    if len > 0 {
        let key = file.field("PrivateKey", path)?;
        // As `private_from_file` reads an integer: leading zero octets are
        // no part of the number.
        if key.is_empty() {
            return Err(cut("an empty PrivateKey".to_string()));
        }
        let octets = if integer { strip_leading_zeros(key).len() } else { key.len() };
        if integer && octets == 0 {
            // FIPS 186-4 §B.4: d is in [1, n − 1]. A zero key was called
            // "32 octets, not 32: cut short" (the thirty-second audit).
            return Err(wrong("the PrivateKey is zero, which no ECDSA key is".to_string()));
        }
        // And one of n or more the library refused as "InvalidEncoding",
        // naming no file (the thirty-third audit, 2026-12-07).
        // (The curves' own crates know n: a secret scalar is from 1 to
        // n − 1.)
        let below_order = |scalar: &[u8]| {
            let mut fixed = Zeroizing::new(vec![0u8; len]);
            fixed[len - scalar.len()..].copy_from_slice(scalar);
            match algorithm {
                13 => p256::SecretKey::from_slice(&fixed).is_ok(),
                14 => p384::SecretKey::from_slice(&fixed).is_ok(),
                _ => true,
            }
        };
        if integer && octets <= len && !below_order(strip_leading_zeros(key)) {
            return Err(wrong(format!(
                "the PrivateKey is not below the order of the curve of algorithm {algorithm}, \
                 which no ECDSA key is (FIPS 186-4 §B.4: from 1 to n − 1)"
            )));
        }
        if octets > len {
            return Err(wrong(format!(
                "a PrivateKey of {octets} octets, more than the {len} of algorithm \
                 {algorithm}'s keys: not this key's private key file"
            )));
        }
        if octets < len && !integer {
            return Err(cut(format!("a PrivateKey of {octets} octets, not {len}")));
        }
    } else if matches!(algorithm, 5 | 7 | 8 | 10) {
        for field in bind::RSA_FIELDS {
            file.field(field, path)?;
        }
        // Compared as numbers: some writers give an integer a leading zero.
        let number = |n: &[u8]| {
            let lead = n.iter().take_while(|&&b| b == 0).count();
            n[lead..].to_vec()
        };
        let modulus = number(file.field("Modulus", path)?);
        if let Some((e, m)) = super::parse_rsa_public_key_field(public_key) {
            // The exponent too: an emptied or zero PublicExponent of a key
            // that signs nothing was published without a word, and named
            // no file for a key that signs (the thirty-eighth audit,
            // 2026-12-07; `dnssec-signzone`: "private key is invalid").
            let exponent = number(file.field("PublicExponent", path)?);
            if exponent != number(e) {
                let what =
                    if exponent.is_empty() { "empty or zero" } else { "not the .key file's" };
                return Err(cut(format!("a PublicExponent {what}")));
            }
            let public = number(m);
            if public.len() != modulus.len() {
                return Err(cut(format!(
                    "a Modulus of {} octets, the .key file's has {}",
                    modulus.len(),
                    public.len()
                )));
            }
            if public != modulus {
                return Err(KeyError::KeyPairMismatch {
                    key_path: path.with_extension("key"),
                    private_path: path.to_owned(),
                });
            }
        }
    } else if !file.has_material() {
        return Err(cut("no key material".to_string()));
    }
    Ok(())
}

/// Reads and parses a `.private` file; its text is wiped once parsed.
fn read_private_file(private_path: &Path) -> Result<PrivateFile, KeyError> {
    let bytes = Zeroizing::new(
        bind::read_regular_file(private_path)
            .map_err(|source| KeyError::Io { path: private_path.to_owned(), source })?,
    );
    let text = std::str::from_utf8(&bytes).map_err(|_| KeyError::Unreadable {
        path: private_path.to_owned(),
        line: 0,
        reason: "not UTF-8 text".to_owned(),
    })?;
    bind::parse_private_text(text, private_path)
}

impl SigningKey {
    /// Loads a BIND key pair from `K<zone>+<alg>+<tag>.key` and the
    /// `.private` file next to it (either path, or the common stem, may be
    /// given).
    pub fn load(path: &Path) -> Result<SigningKey, KeyError> {
        let (key_path, private_path) = pair_paths(path);
        SigningKey::load_pair(&key_path, &private_path)
    }

    /// Loads a key pair from an explicit `.key` and `.private` file.
    ///
    /// Checks, in order: the DNSKEY record parses and its algorithm is
    /// supported; the private file has the same algorithm; the private key
    /// is accepted by aws-lc-rs; the public key derived from the private key
    /// equals the `.key` public key; the file name's algorithm, tag and
    /// owner (when it has the BIND shape) match the key.
    pub fn load_pair(key_path: &Path, private_path: &Path) -> Result<SigningKey, KeyError> {
        let key_file = bind::parse_key_file(key_path)?;
        let published = Dnskey::parse(&key_file.dnskey_rdata, &key_path.display().to_string())?;
        let algorithm =
            Algorithm::from_number(published.algorithm).map_err(|_| KeyError::Unreadable {
                path: key_path.to_owned(),
                line: 0,
                reason: format!(
                    "algorithm {} is not one zonesign signs with (8, 10, 13, 14, 15)",
                    published.algorithm
                ),
            })?;

        let private_file = read_private_file(private_path)?;
        if private_file.algorithm != published.algorithm {
            return Err(KeyError::AlgorithmMismatch {
                path: private_path.to_owned(),
                key_file: published.algorithm,
                private_file: private_file.algorithm,
            });
        }

        material_is_whole(&private_file, published.algorithm, published.public_key, private_path)?;
        let name = file_stem_for_messages(key_path);
        if matches!(algorithm, Algorithm::RsaSha256 | Algorithm::RsaSha512) {
            // Before the pair is compared: a field in another form than the
            // one the signer writes was reported as "not the private key of
            // the public key" (see `parse_rsa_public_key_field`).
            super::rsa_public_key_form(published.public_key)
                .map_err(|reason| KeyError::MalformedDnskey { key: name.clone(), reason })?;
        }
        let mismatch = || KeyError::KeyPairMismatch {
            key_path: key_path.to_owned(),
            private_path: private_path.to_owned(),
        };
        let private =
            private_from_file(algorithm, &private_file, published.public_key, private_path, &name)?
                .ok_or_else(mismatch)?;
        let rdata = dnskey_rdata(published.flags, algorithm, &public_key_field(&private));
        if rdata != key_file.dnskey_rdata {
            return Err(mismatch());
        }
        // The file's name was checked against this key when it was read
        // (`bind::parse_key_file`).
        let tag = key_tag(&rdata);

        Ok(SigningKey {
            name,
            owner: key_file.owner,
            class: key_file.class,
            algorithm,
            flags: published.flags,
            key_tag: tag,
            dnskey_rdata: rdata,
            private,
            created: None,
        })
    }

    /// Generates a new key. `rsa_bits` applies to algorithms 8 and 10
    /// (default 2048; 2048, 3072 or 4096) and must be `None` for the
    /// others, whose size the algorithm fixes.
    pub fn generate(
        algorithm: Algorithm,
        owner: &Name,
        flags: u16,
        rsa_bits: Option<usize>,
    ) -> Result<SigningKey, KeyError> {
        let failed = |_| KeyError::GenerationFailed { algorithm };
        let private = match algorithm {
            Algorithm::RsaSha256 | Algorithm::RsaSha512 => {
                let size = match rsa_bits.unwrap_or(2048) {
                    2048 => KeySize::Rsa2048,
                    3072 => KeySize::Rsa3072,
                    4096 => KeySize::Rsa4096,
                    bits => {
                        return Err(KeyError::UnsupportedKeySize { algorithm, bits, path: None })
                    }
                };
                PrivateKey::Rsa(RsaKeyPair::generate(size).map_err(failed)?)
            }
            _ if rsa_bits.is_some() => {
                return Err(KeyError::UnsupportedKeySize {
                    algorithm,
                    bits: rsa_bits.unwrap_or_default(),
                    path: None,
                })
            }
            Algorithm::EcdsaP256Sha256 | Algorithm::EcdsaP384Sha384 => {
                PrivateKey::Ecdsa(EcdsaKeyPair::generate(ecdsa_signing(algorithm)).map_err(failed)?)
            }
            Algorithm::Ed25519 => PrivateKey::Ed25519(Ed25519KeyPair::generate().map_err(failed)?),
        };
        let rdata = dnskey_rdata(flags, algorithm, &public_key_field(&private));
        let tag = key_tag(&rdata);
        let name = bind::key_file_stem(owner, algorithm, tag);
        let now = OffsetDateTime::now_utc();
        let created = now.replace_nanosecond(0).unwrap_or(now);
        Ok(SigningKey {
            name,
            owner: owner.clone(),
            class: Class::IN,
            algorithm,
            flags,
            key_tag: tag,
            dnskey_rdata: rdata,
            private,
            created: Some(created),
        })
    }

    /// The name used in messages: the BIND file stem `K<owner>+<alg>+<tag>`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The owner name of the DNSKEY (the zone apex).
    pub fn owner(&self) -> &Name {
        &self.owner
    }

    /// The class of the key's zone.
    pub fn class(&self) -> Class {
        self.class
    }

    /// The key for a zone of `class` (`keygen --class`).
    pub fn in_class(self, class: Class) -> SigningKey {
        SigningKey { class, ..self }
    }

    /// The DNSSEC algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The DNSKEY flags (257 KSK, 256 ZSK).
    pub fn flags(&self) -> u16 {
        self.flags
    }

    /// The RFC 4034 Appendix B key tag of [`SigningKey::dnskey_rdata`].
    pub fn key_tag(&self) -> u16 {
        self.key_tag
    }

    /// The DNSKEY RDATA derived from the private key.
    pub fn dnskey_rdata(&self) -> &[u8] {
        &self.dnskey_rdata
    }

    /// The DNSKEY public key field.
    pub fn public_key(&self) -> &[u8] {
        // dnskey_rdata always comes from dnskey_rdata(): 4 octets of flags,
        // protocol and algorithm before the key.
        &self.dnskey_rdata[4..]
    }

    /// Signs `signed_data` (RFC 4034 §3.1.8.1: RRSIG RDATA without the
    /// signature, followed by the canonical RRset) and returns the
    /// signature field in DNSSEC wire form.
    pub fn sign(&self, signed_data: &[u8]) -> Result<Vec<u8>, KeyError> {
        let failed = || KeyError::SigningFailed {
            key: self.name.clone(),
            tag: self.key_tag,
            algorithm: self.algorithm,
        };
        match &self.private {
            PrivateKey::Rsa(pair) => {
                let encoding: &'static dyn signature::RsaEncoding =
                    if self.algorithm == Algorithm::RsaSha512 {
                        &signature::RSA_PKCS1_SHA512
                    } else {
                        &signature::RSA_PKCS1_SHA256
                    };
                let mut out = vec![0u8; pair.public_modulus_len()];
                pair.sign(encoding, &SystemRandom::new(), signed_data, &mut out)
                    .map_err(|_| failed())?;
                Ok(out)
            }
            PrivateKey::Ecdsa(pair) => pair
                .sign(&SystemRandom::new(), signed_data)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| failed()),
            PrivateKey::Ed25519(pair) => {
                pair.try_sign(signed_data).map(|s| s.as_ref().to_vec()).map_err(|_| failed())
            }
        }
    }

    /// Proves that this key is the published DNSKEY before it signs:
    ///
    /// 1. the published DNSKEY RDATA must equal ours byte for byte. Flags
    ///    are part of the comparison: they are part of the key tag, and an
    ///    RRSIG made with the wrong tag does not point at the published key;
    /// 2. a fresh random 32-octet challenge signed with our private key must
    ///    verify under the *published* public key.
    ///
    /// Step 1 catches the .de failure of 5 May 2026 (a different key pair
    /// behind the same key tag) with both tags and fingerprints in the
    /// error; step 2 catches a private key that does not produce signatures
    /// for the public key it claims (a corrupt or substituted key, and for
    /// HSM backends a label pointing at the wrong object).
    pub fn prove(&self, published_dnskey_rdata: &[u8]) -> Result<(), KeyError> {
        let published = Dnskey::parse(published_dnskey_rdata, &self.name)?;
        if published_dnskey_rdata != self.dnskey_rdata.as_slice() {
            if published.algorithm == self.algorithm.number()
                && published.public_key == self.public_key()
            {
                return Err(KeyError::FlagsMismatch {
                    key: self.name.clone(),
                    published_flags: published.flags,
                    actual_flags: self.flags,
                });
            }
            return Err(KeyError::PublicKeyMismatch {
                key: self.name.clone(),
                published_tag: key_tag(published_dnskey_rdata),
                actual_tag: self.key_tag,
                published_fingerprint: fingerprint(published.public_key),
                actual_fingerprint: fingerprint(self.public_key()),
            });
        }
        let challenge_failed = |stage| KeyError::ChallengeFailed {
            key: self.name.clone(),
            tag: self.key_tag,
            algorithm: self.algorithm,
            stage,
        };
        let mut challenge = [0u8; 32];
        rand::fill(&mut challenge).map_err(|_| KeyError::RandomFailed)?;
        let signature =
            self.sign(&challenge).map_err(|_| challenge_failed(ChallengeStage::Sign))?;
        verify_with_published(self.algorithm, published.public_key, &challenge, &signature)
            .map_err(challenge_failed)
    }

    /// The key material as BIND `.private` fields, in BIND's order.
    fn write_private_text(&self, created: OffsetDateTime) -> Result<Zeroizing<String>, KeyError> {
        let failed = || KeyError::GenerationFailed { algorithm: self.algorithm };
        match &self.private {
            PrivateKey::Rsa(pair) => {
                let pkcs8: Pkcs8V1Der<'static> = pair.as_der().map_err(|_| failed())?;
                let c = der::rsa_components_from_pkcs8(pkcs8.as_ref()).ok_or_else(failed)?;
                let fields: [(&str, &[u8]); 8] = [
                    ("Modulus", c.modulus),
                    ("PublicExponent", c.public_exponent),
                    ("PrivateExponent", c.private_exponent),
                    ("Prime1", c.prime1),
                    ("Prime2", c.prime2),
                    ("Exponent1", c.exponent1),
                    ("Exponent2", c.exponent2),
                    ("Coefficient", c.coefficient),
                ];
                Ok(bind::format_private_file(self.algorithm, &fields, created))
            }
            PrivateKey::Ecdsa(pair) => {
                let scalar: aws_lc_rs::encoding::EcPrivateKeyBin<'static> =
                    pair.private_key().as_be_bytes().map_err(|_| failed())?;
                Ok(bind::format_private_file(
                    self.algorithm,
                    &[("PrivateKey", scalar.as_ref())],
                    created,
                ))
            }
            PrivateKey::Ed25519(pair) => {
                let seed = pair.seed().map_err(|_| failed())?;
                let bytes: aws_lc_rs::encoding::Curve25519SeedBin<'static> =
                    seed.as_be_bytes().map_err(|_| failed())?;
                Ok(bind::format_private_file(
                    self.algorithm,
                    &[("PrivateKey", bytes.as_ref())],
                    created,
                ))
            }
        }
    }
}

/// Generates a key for `zonesign keygen`; see [`SigningKey::generate`].
pub fn generate(
    algorithm: Algorithm,
    owner: &Name,
    flags: u16,
    rsa_bits: Option<usize>,
) -> Result<SigningKey, KeyError> {
    SigningKey::generate(algorithm, owner, flags, rsa_bits)
}

/// Writes `K<owner>+<alg>+<tag>.key` and `.private` into `dir` as
/// `dnssec-keygen` does; the private file is created with mode 0600.
/// Existing files are never overwritten. Returns (key path, private path).
pub fn write_bind_files(key: &SigningKey, dir: &Path) -> Result<(PathBuf, PathBuf), KeyError> {
    let stem = bind::key_file_stem(&key.owner, key.algorithm, key.key_tag);
    let key_path = dir.join(format!("{stem}.key"));
    let private_path = dir.join(format!("{stem}.private"));
    let now = OffsetDateTime::now_utc();
    let created = key.created.unwrap_or(now.replace_nanosecond(0).unwrap_or(now));

    let private_text = key.write_private_text(created)?;
    write_new_file(&private_path, private_text.as_bytes(), 0o600)?;
    let key_text =
        bind::format_key_file(&key.owner, key.class, &key.dnskey_rdata, key.key_tag, created);
    if let Err(e) = write_new_file(&key_path, key_text.as_bytes(), 0o644) {
        // Do not leave half a key pair behind.
        let _ = std::fs::remove_file(&private_path);
        return Err(e);
    }
    Ok((key_path, private_path))
}

fn write_new_file(path: &Path, contents: &[u8], mode: u32) -> Result<(), KeyError> {
    let io = |source| KeyError::Io { path: path.to_owned(), source };
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path).map_err(io)?;
    // A file this call created and could not fill is removed: an empty
    // `.key` would stop every later run on the directory (found by an
    // audit on a full disk, 2026-12-06).
    file.write_all(contents).and_then(|()| file.sync_all()).map_err(|e| {
        drop(file);
        let _ = std::fs::remove_file(path);
        io(e)
    })
}

fn file_stem_for_messages(key_path: &Path) -> String {
    let name = key_path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    name.strip_suffix(".key").unwrap_or(&name).to_owned()
}

/// Builds the aws-lc-rs key pair from `.private` fields. `Ok(None)` means
/// the private key does not belong to `published_public_key` (where the
/// library checks that itself).
fn private_from_file(
    algorithm: Algorithm,
    file: &PrivateFile,
    published_public_key: &[u8],
    path: &Path,
    name: &str,
) -> Result<Option<PrivateKey>, KeyError> {
    let rejected = |e: aws_lc_rs::error::KeyRejected| KeyError::KeyRejected {
        key: name.to_owned(),
        algorithm,
        reason: e.description_(),
    };
    match algorithm {
        Algorithm::RsaSha256 | Algorithm::RsaSha512 => {
            let modulus = strip_leading_zeros(file.field("Modulus", path)?);
            super::check_rsa_modulus(algorithm, modulus, path)?;
            let exponent = strip_leading_zeros(file.field("PublicExponent", path)?);
            // aws-lc-rs takes public exponents of at most 33 bits, and said
            // "InconsistentComponents" of a sound key pair with a larger one,
            // as if the file were corrupt (the fourteenth audit,
            // 2026-12-06). RFC 3110 §2 allows up to 4096 bits; BIND and
            // ldns sign with such keys.
            let e_bits = bits_of(exponent);
            if e_bits > 33 {
                return Err(KeyError::KeyRejected {
                    key: path.display().to_string(),
                    algorithm,
                    reason: "its public exponent is over 33 bits, more than aws-lc-rs signs with \
                             (65537 is usual; RFC 3110 §2 allows up to 4096 bits, and BIND and ldns \
                             sign with it)",
                });
            }
            let components = rsa_components(file, path, modulus, exponent)?;
            // A cut file's fields (not a sound pair's with a large
            // exponent, refused above) are named as `rsa_fields_agree`
            // names them for a key that signs nothing.
            let pair = RsaKeyPair::from_components(&components).map_err(|e| {
                if e.description_() == INCONSISTENT {
                    rsa_fields_disagree(path)
                } else {
                    rejected(e)
                }
            })?;
            Ok(Some(PrivateKey::Rsa(pair)))
        }
        Algorithm::EcdsaP256Sha256 | Algorithm::EcdsaP384Sha384 => {
            let len = ecdsa_public_len(algorithm) / 2;
            let scalar = strip_leading_zeros(file.field("PrivateKey", path)?);
            if scalar.len() > len {
                return Err(KeyError::KeyRejected {
                    key: name.to_owned(),
                    algorithm,
                    reason: "private key longer than the curve order",
                });
            }
            // aws-lc-rs wants the scalar as a fixed-length big-endian integer.
            let mut fixed = Zeroizing::new(vec![0u8; len]);
            fixed[len - scalar.len()..].copy_from_slice(scalar);
            if published_public_key.len() != 2 * len {
                return Err(KeyError::MalformedDnskey {
                    key: name.to_owned(),
                    reason: "ECDSA public key is not 64 (P-256) or 96 (P-384) octets",
                });
            }
            let mut point = Vec::with_capacity(1 + 2 * len);
            point.push(0x04);
            point.extend_from_slice(published_public_key);
            match EcdsaKeyPair::from_private_key_and_public_key(
                ecdsa_signing(algorithm),
                &fixed,
                &point,
            ) {
                Ok(pair) => Ok(Some(PrivateKey::Ecdsa(pair))),
                Err(e) if e.description_() == "InconsistentComponents" => Ok(None),
                Err(e) => Err(rejected(e)),
            }
        }
        Algorithm::Ed25519 => {
            let seed = file.field("PrivateKey", path)?;
            // RFC 8080 §3 defines the public key only; BIND, like RFC 8032
            // §5.1.5, stores the 32-octet private key (the seed).
            if seed.len() != 32 {
                return Err(KeyError::KeyRejected {
                    key: name.to_owned(),
                    algorithm,
                    reason: "Ed25519 private key is not 32 octets",
                });
            }
            // The derived public key is compared with the .key file by the
            // caller, which turns a difference into KeyPairMismatch.
            let pair = Ed25519KeyPair::from_seed_unchecked(seed).map_err(rejected)?;
            Ok(Some(PrivateKey::Ed25519(pair)))
        }
    }
}

/// Verifies `signature` over `message` with a DNSKEY public key field; used
/// by [`SigningKey::prove`] with the *published* key. Deliberately separate
/// from `verify::crypto`, which must not share code with the signer.
fn verify_with_published(
    algorithm: Algorithm,
    public_key: &[u8],
    message: &[u8],
    signature_bytes: &[u8],
) -> Result<(), ChallengeStage> {
    let verified = match algorithm {
        Algorithm::RsaSha256 | Algorithm::RsaSha512 => {
            let (e, n) =
                parse_rsa_public_key_field(public_key).ok_or(ChallengeStage::ParsePublished)?;
            let params = if algorithm == Algorithm::RsaSha512 {
                &signature::RSA_PKCS1_2048_8192_SHA512
            } else {
                &signature::RSA_PKCS1_2048_8192_SHA256
            };
            RsaPublicKeyComponents { n, e }.verify(params, message, signature_bytes)
        }
        Algorithm::EcdsaP256Sha256 | Algorithm::EcdsaP384Sha384 => {
            if public_key.len() != ecdsa_public_len(algorithm) {
                return Err(ChallengeStage::ParsePublished);
            }
            let mut point = Vec::with_capacity(1 + public_key.len());
            point.push(0x04);
            point.extend_from_slice(public_key);
            let alg = if algorithm == Algorithm::EcdsaP384Sha384 {
                &signature::ECDSA_P384_SHA384_FIXED
            } else {
                &signature::ECDSA_P256_SHA256_FIXED
            };
            UnparsedPublicKey::new(alg, &point).verify(message, signature_bytes)
        }
        Algorithm::Ed25519 => {
            UnparsedPublicKey::new(&signature::ED25519, public_key).verify(message, signature_bytes)
        }
    };
    verified.map_err(|_| ChallengeStage::Verify)
}

/// Writes only the public half, `K<owner>+<alg>+<tag>.key`, into `dir`:
/// for keys whose private half lives in HSMs (`zonesign hsm keygen`).
/// Never overwrites an existing file. Returns the path.
pub fn write_public_key_file(
    owner: &Name,
    class: Class,
    dnskey_rdata: &[u8],
    dir: &Path,
) -> Result<PathBuf, KeyError> {
    let dnskey = Dnskey::parse(dnskey_rdata, &owner.to_string())?;
    let algorithm = Algorithm::from_number(dnskey.algorithm)?;
    let tag = key_tag(dnskey_rdata);
    let stem = bind::key_file_stem(owner, algorithm, tag);
    let key_path = dir.join(format!("{stem}.key"));
    let now = OffsetDateTime::now_utc();
    let created = now.replace_nanosecond(0).unwrap_or(now);
    let key_text = bind::format_key_file(owner, class, dnskey_rdata, tag, created);
    write_new_file(&key_path, key_text.as_bytes(), 0o644)?;
    Ok(key_path)
}
