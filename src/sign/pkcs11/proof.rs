//! Proof before use: the key an HSM holds is the published DNSKEY.
//!
//! # Background
//! For each HSM and each configured key:
//! 1. find exactly one private and one public key object (CKA_ID/label);
//! 2. check the private object's CKA_KEY_TYPE (and curve) against the
//!    published DNSKEY's algorithm;
//! 3. read the public key (CKA_EC_POINT, raw or DER OCTET STRING;
//!    CKA_MODULUS + CKA_PUBLIC_EXPONENT; Ed25519 as CKA_EC_POINT with the
//!    Ed25519 parameters), build the DNSKEY RDATA with the published flags,
//!    and compare byte for byte;
//! 4. sign a fresh random challenge with the private object, in that HSM,
//!    exactly as the pool signs, and verify it with the published DNSKEY.
//!
//! Step 3 catches the .de failure (different key material behind one tag);
//! step 4 catches a private object that is not the pair of its public
//! object (a substituted or mislabelled private key).
//!
//! Signing inputs per mechanism:
//! - CKM_ECDSA signs a digest: SHA-256 (13) or SHA-384 (14) of the signed
//!   data; the output is r | s, already the RFC 6605 §4 form.
//! - CKM_RSA_PKCS pads what it is given: RFC 5702 §3.1 "the DigestInfo
//!   ... prefix" followed by the SHA-256 (8) or SHA-512 (10) digest.
//! - CKM_EDDSA signs the whole message (RFC 8032 PureEdDSA).

use aws_lc_rs::digest;
use cryptoki::mechanism::eddsa::{EddsaParams, EddsaSignatureScheme};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::Session;

use super::config::KeyEntry;
use super::session::{find_key_object, OpenHsmRef};
use super::{pkcs11_error, HsmError};
use crate::sign::keys::{
    dnskey_rdata, fingerprint, key_tag, rsa_public_key_field, Algorithm, Dnskey,
};
use crate::verify::crypto::PreparedKey;

/// RFC 5702 §3.1: "the DigestInfo ... for SHA-256 ... hex 30 31 30 0d 06 09
/// 60 86 48 01 65 03 04 02 01 05 00 04 20".
pub const DIGEST_INFO_SHA256: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];
/// RFC 5702 §3.1: "... for SHA-512 ... hex 30 51 30 0d 06 09 60 86 48 01 65
/// 03 04 02 03 05 00 04 40".
pub const DIGEST_INFO_SHA512: [u8; 19] = [
    0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05,
    0x00, 0x04, 0x40,
];

/// DER of the curve OIDs in CKA_EC_PARAMS: prime256v1 (1.2.840.10045.3.1.7),
/// secp384r1 (1.3.132.0.34), id-Ed25519 (1.3.101.112, RFC 8410 §3).
pub const OID_P256: [u8; 10] = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
pub const OID_P384: [u8; 7] = [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22];
pub const OID_ED25519: [u8; 5] = [0x06, 0x03, 0x2b, 0x65, 0x70];
/// PKCS#11 3.0 §2.3.10 also allows the curve name as a PrintableString.
const NAME_ED25519: &[u8] = b"\x13\x0cedwards25519";

/// What the HSM is given to sign for `signed_data` (see the module docs).
pub fn signing_input(algorithm: Algorithm, signed_data: &[u8]) -> Vec<u8> {
    match algorithm {
        Algorithm::EcdsaP256Sha256 => {
            digest::digest(&digest::SHA256, signed_data).as_ref().to_vec()
        }
        Algorithm::EcdsaP384Sha384 => {
            digest::digest(&digest::SHA384, signed_data).as_ref().to_vec()
        }
        Algorithm::RsaSha256 => {
            let d = digest::digest(&digest::SHA256, signed_data);
            [&DIGEST_INFO_SHA256[..], d.as_ref()].concat()
        }
        Algorithm::RsaSha512 => {
            let d = digest::digest(&digest::SHA512, signed_data);
            [&DIGEST_INFO_SHA512[..], d.as_ref()].concat()
        }
        Algorithm::Ed25519 => signed_data.to_vec(),
    }
}

/// The PKCS#11 mechanism for an algorithm.
pub fn mechanism(algorithm: Algorithm) -> Mechanism<'static> {
    match algorithm {
        Algorithm::EcdsaP256Sha256 | Algorithm::EcdsaP384Sha384 => Mechanism::Ecdsa,
        Algorithm::RsaSha256 | Algorithm::RsaSha512 => Mechanism::RsaPkcs,
        Algorithm::Ed25519 => Mechanism::Eddsa(EddsaParams::new(EddsaSignatureScheme::Pure)),
    }
}

/// The published key's algorithm (checked supported when the config was read).
pub fn key_algorithm(key: &KeyEntry) -> Result<Algorithm, HsmError> {
    Algorithm::from_number(key.algorithm()).map_err(HsmError::Key)
}

fn unsupported(hsm: &OpenHsmRef<'_>, key: &KeyEntry, reason: &'static str) -> HsmError {
    HsmError::UnsupportedKey {
        hsm: hsm.name.to_owned(),
        token: hsm.token_display(),
        key: key.describe(),
        reason,
    }
}

/// Strips a DER OCTET STRING wrapper if `value` is exactly one (short or
/// one-octet long form), else returns it unchanged. PKCS#11 v2.40 says
/// CKA_EC_POINT is "DER-encoding of ANSI X9.62 ECPoint value Q"; several
/// modules store the raw point instead.
fn unwrap_octet_string(value: &[u8], raw_len: usize) -> &[u8] {
    if value.len() == raw_len {
        return value;
    }
    match value {
        [0x04, len, rest @ ..] if *len < 0x80 && *len as usize == rest.len() => rest,
        [0x04, 0x81, len, rest @ ..] if *len as usize == rest.len() => rest,
        _ => value,
    }
}

fn attributes(
    session: &Session,
    hsm: &OpenHsmRef<'_>,
    key: &KeyEntry,
    handle: ObjectHandle,
    types: &[AttributeType],
) -> Result<Vec<Attribute>, HsmError> {
    session
        .get_attributes(handle, types)
        .map_err(|e| pkcs11_error(hsm.name, Some(&key.describe()), "C_GetAttributeValue", e))
}

/// Checks that an object is a key of the algorithm's type and curve.
fn check_key_type(
    session: &Session,
    hsm: &OpenHsmRef<'_>,
    key: &KeyEntry,
    handle: ObjectHandle,
    algorithm: Algorithm,
) -> Result<(), HsmError> {
    let attrs = attributes(session, hsm, key, handle, &[AttributeType::KeyType])?;
    let key_type = attrs.iter().find_map(|a| match a {
        Attribute::KeyType(t) => Some(*t),
        _ => None,
    });
    let expected = match algorithm {
        Algorithm::RsaSha256 | Algorithm::RsaSha512 => KeyType::RSA,
        Algorithm::EcdsaP256Sha256 | Algorithm::EcdsaP384Sha384 => KeyType::EC,
        Algorithm::Ed25519 => KeyType::EC_EDWARDS,
    };
    if key_type != Some(expected) {
        return Err(unsupported(
            hsm,
            key,
            "the object's CKA_KEY_TYPE does not match the published DNSKEY's algorithm",
        ));
    }
    if !algorithm.is_rsa() {
        let attrs = attributes(session, hsm, key, handle, &[AttributeType::EcParams])?;
        let params = attrs.iter().find_map(|a| match a {
            Attribute::EcParams(p) => Some(p.as_slice()),
            _ => None,
        });
        let ok = match (algorithm, params) {
            (Algorithm::EcdsaP256Sha256, Some(p)) => p == OID_P256,
            (Algorithm::EcdsaP384Sha384, Some(p)) => p == OID_P384,
            (Algorithm::Ed25519, Some(p)) => p == OID_ED25519 || p == NAME_ED25519,
            _ => false,
        };
        if !ok {
            return Err(unsupported(
                hsm,
                key,
                "the object's CKA_EC_PARAMS is not the published algorithm's curve",
            ));
        }
    }
    Ok(())
}

/// Reads the public key object and returns the DNSKEY public key field.
pub fn public_key_field(
    session: &Session,
    hsm: &OpenHsmRef<'_>,
    key: &KeyEntry,
    public: ObjectHandle,
    algorithm: Algorithm,
) -> Result<Vec<u8>, HsmError> {
    check_key_type(session, hsm, key, public, algorithm)?;
    if algorithm.is_rsa() {
        let attrs = attributes(
            session,
            hsm,
            key,
            public,
            &[AttributeType::Modulus, AttributeType::PublicExponent],
        )?;
        let (mut n, mut e) = (None, None);
        for a in &attrs {
            match a {
                Attribute::Modulus(m) => n = Some(m.as_slice()),
                Attribute::PublicExponent(x) => e = Some(x.as_slice()),
                _ => {}
            }
        }
        let (Some(n), Some(e)) = (n, e) else {
            return Err(unsupported(hsm, key, "the RSA public key has no modulus or exponent"));
        };
        return Ok(rsa_public_key_field(e, n));
    }
    let attrs = attributes(session, hsm, key, public, &[AttributeType::EcPoint])?;
    let point = attrs
        .iter()
        .find_map(|a| match a {
            Attribute::EcPoint(p) => Some(p.as_slice()),
            _ => None,
        })
        .ok_or_else(|| unsupported(hsm, key, "the public key object has no CKA_EC_POINT"))?;
    match algorithm {
        Algorithm::Ed25519 => {
            // RFC 8080 §3: "An Ed25519 public key consists of a 32-octet value".
            let raw = unwrap_octet_string(point, 32);
            if raw.len() != 32 {
                return Err(unsupported(hsm, key, "the Ed25519 CKA_EC_POINT is not 32 octets"));
            }
            Ok(raw.to_vec())
        }
        _ => {
            let coordinates = if algorithm == Algorithm::EcdsaP384Sha384 { 96 } else { 64 };
            let raw = unwrap_octet_string(point, 1 + coordinates);
            // RFC 6605 §4: the DNSKEY holds x | y without the SEC 1 `04`.
            match raw {
                [0x04, xy @ ..] if xy.len() == coordinates => Ok(xy.to_vec()),
                _ => Err(unsupported(
                    hsm,
                    key,
                    "CKA_EC_POINT is not an uncompressed point of the curve",
                )),
            }
        }
    }
}

/// Signs `signed_data` with a private key object, in DNSSEC wire form.
pub fn sign_with(
    session: &Session,
    private: ObjectHandle,
    algorithm: Algorithm,
    signed_data: &[u8],
) -> cryptoki::error::Result<Vec<u8>> {
    session.sign(&mechanism(algorithm), private, &signing_input(algorithm, signed_data))
}

/// Runs the proof for one key in one HSM; returns the private key's handle.
pub fn prove_key(
    session: &Session,
    hsm: &OpenHsmRef<'_>,
    key: &KeyEntry,
) -> Result<ObjectHandle, HsmError> {
    let algorithm = key_algorithm(key)?;
    let private = find_key_object(session, hsm, key, ObjectClass::PRIVATE_KEY)?;
    let public = find_key_object(session, hsm, key, ObjectClass::PUBLIC_KEY)?;
    check_key_type(session, hsm, key, private, algorithm)?;
    let field = public_key_field(session, hsm, key, public, algorithm)?;
    let published = Dnskey::parse(&key.published, &key.describe()).map_err(HsmError::Key)?;
    let actual = dnskey_rdata(published.flags, algorithm, &field);
    if actual != key.published {
        return Err(HsmError::PublicKeyMismatch {
            hsm: hsm.name.to_owned(),
            token: hsm.token_display(),
            key: key.describe(),
            published_tag: key_tag(&key.published),
            actual_tag: key_tag(&actual),
            published_fingerprint: fingerprint(published.public_key),
            actual_fingerprint: fingerprint(&field),
        });
    }
    let challenge_failed = || HsmError::ChallengeFailed {
        hsm: hsm.name.to_owned(),
        token: hsm.token_display(),
        key: key.describe(),
        tag: key_tag(&key.published),
    };
    let mut challenge = [0u8; 32];
    aws_lc_rs::rand::fill(&mut challenge)
        .map_err(|_| HsmError::Key(crate::sign::keys::KeyError::RandomFailed))?;
    let signature = sign_with(session, private, algorithm, &challenge)
        .map_err(|e| pkcs11_error(hsm.name, Some(&key.describe()), "C_Sign", e))?;
    // The configuration refused every published key zonesign cannot
    // verify with; were one to come here, it is no proof that the HSM
    // holds another key pair (the twelfth audit, 2026-12-06).
    let verifier = PreparedKey::new(published.algorithm, published.public_key).map_err(|_| {
        HsmError::Key(crate::sign::keys::KeyError::MalformedDnskey {
            key: key.describe(),
            reason: "the published public key cannot be used for verification",
        })
    })?;
    verifier.verify(&challenge, &signature).map_err(|_| challenge_failed())?;
    Ok(private)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 5702 §3.1 prefixes are the DER DigestInfo headers; the last two
    /// octets are `04 <digest length>`.
    #[test]
    fn rfc5702_digest_info_prefixes() {
        assert_eq!(signing_input(Algorithm::RsaSha256, b"x").len(), 19 + 32);
        assert_eq!(signing_input(Algorithm::RsaSha512, b"x").len(), 19 + 64);
        assert_eq!(&DIGEST_INFO_SHA256[17..], &[0x04, 0x20]);
        assert_eq!(&DIGEST_INFO_SHA512[17..], &[0x04, 0x40]);
        assert_eq!(signing_input(Algorithm::EcdsaP384Sha384, b"x").len(), 48);
        assert_eq!(signing_input(Algorithm::Ed25519, b"abc"), b"abc");
    }

    #[test]
    fn ec_point_raw_and_der_wrapped() {
        let raw = [7u8; 32];
        assert_eq!(unwrap_octet_string(&raw, 32), &raw);
        let der = [&[0x04, 0x20][..], &raw].concat();
        assert_eq!(unwrap_octet_string(&der, 32), &raw);
        let point: Vec<u8> = std::iter::once(4).chain([1u8; 96]).collect();
        let der = [&[0x04, 0x61][..], &point].concat();
        assert_eq!(unwrap_octet_string(&der, 97), point.as_slice());
    }
}
