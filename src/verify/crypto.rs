//! Signature verification primitives for the verifier.
//!
//! # Background
//! The verifier must not trust the signer's code, so this module shares
//! nothing with `crate::sign`: the RFC 3110 public key parse is duplicated
//! here on purpose. Keys arrive as DNSKEY public key fields:
//!
//! - RSA (RFC 3110 §2): exponent length (1 octet, or 0 and 2 octets),
//!   exponent, modulus; signatures RSASSA-PKCS1-v1_5 with SHA-1 (5, and 7
//!   its NSEC3 alias, RFC 5155 §2), SHA-256 (8) or SHA-512 (10), RFC 5702
//!   §3. RFC 8624 §3.1 has validators support RSASHA1 and
//!   RSASHA1-NSEC3-SHA1 still ("MUST"), so this verifier does too; the
//!   signer makes none.
//! - ECDSA (RFC 6605 §4): x | y, 64 octets (P-256, 13) or 96 (P-384, 14);
//!   signatures r | s, 64 or 96 octets.
//! - Ed25519 (RFC 8080 §3, §4): 32-octet key, 64-octet signature.
//!
//! # Usage
//! A zone is verified against a handful of keys but millions of
//! signatures: parse each key once with [`PreparedKey::new`] and call
//! [`PreparedKey::verify`] per signature. [`verify_signature`] is the
//! one-shot form.
//!
//! # Limitations
//! RSA moduli from 1024 to 4096 bits are accepted. RFC 3110 §2 limits them
//! to 4096 bits; RFC 5702 §2 allows 512-bit RSA/SHA-256 keys, but aws-lc-rs
//! verifies nothing below 1024 bits, and such keys are reported as
//! [`CryptoError::UnsupportedKeySize`] rather than as a bad signature.
//! 1024-bit keys still sign real zones, so they go through aws-lc-rs'
//! `RSA_PKCS1_1024_8192_*_FOR_LEGACY_USE_ONLY` parameters; the signer
//! itself refuses to make keys below 2048 bits. Public exponents longer
//! than 33 bits (RFC 3110 §2 allows up to 4096) are beyond aws-lc-rs too:
//! [`CryptoError::UnsupportedExponent`].

use std::fmt;

use aws_lc_rs::signature::{self, ParsedPublicKey, RsaPublicKeyComponents};

/// Why a signature was not verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CryptoError {
    /// The algorithm number is not 5, 7, 8, 10, 13, 14 or 15.
    UnsupportedAlgorithm { algorithm: u8 },
    /// The DNSKEY public key field does not have the algorithm's shape.
    MalformedKey { algorithm: u8, reason: &'static str },
    /// A well-formed RSA key (RFC 3110) that aws-lc-rs will not use.
    RejectedKey { algorithm: u8 },
    /// An RSA modulus outside 1024..=4096 bits.
    UnsupportedKeySize { algorithm: u8, bits: usize },
    /// An RSA public exponent longer than aws-lc-rs verifies with (33
    /// bits). RFC 3110 §2 allows up to 4096 bits; BIND, ldns and Knot
    /// verify with 2^33 + 1.
    UnsupportedExponent { algorithm: u8, bits: usize },
    /// The signature does not verify (or has the wrong length).
    BadSignature { algorithm: u8 },
}

impl fmt::Display for CryptoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CryptoError::UnsupportedAlgorithm { algorithm } => {
                write!(f, "unsupported DNSSEC algorithm {algorithm}")
            }
            CryptoError::MalformedKey { algorithm, reason } => {
                write!(f, "malformed algorithm {algorithm} public key: {reason}")
            }
            CryptoError::RejectedKey { algorithm } => {
                write!(f, "algorithm {algorithm} RSA key rejected by aws-lc-rs")
            }
            CryptoError::UnsupportedKeySize { algorithm, bits } => write!(
                f,
                "{bits}-bit RSA key (algorithm {algorithm}) outside the supported 1024..=4096 bits"
            ),
            CryptoError::UnsupportedExponent { algorithm, bits } => write!(
                f,
                "RSA key (algorithm {algorithm}) with a {bits}-bit public exponent: zonesign \
                 verifies with exponents of at most 33 bits (aws-lc-rs)"
            ),
            CryptoError::BadSignature { algorithm } => {
                write!(f, "algorithm {algorithm} signature does not verify")
            }
        }
    }
}

impl std::error::Error for CryptoError {}

/// A DNSKEY public key parsed once for many verifications.
#[derive(Clone)]
pub struct PreparedKey {
    algorithm: u8,
    key: ParsedPublicKey,
}

impl fmt::Debug for PreparedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedKey").field("algorithm", &self.algorithm).finish_non_exhaustive()
    }
}

/// RFC 3110 §2: "Its length in octets is represented as one octet if it is
/// in the range of 1 to 255 and by a zero octet followed by a two octet
/// unsigned length if it is longer than 255 bytes. ... Leading zero octets
/// are prohibited in the exponent and modulus."
fn parse_rfc3110<'a>(algorithm: u8, field: &'a [u8]) -> Result<(&'a [u8], &'a [u8]), CryptoError> {
    let malformed = |reason| CryptoError::MalformedKey { algorithm, reason };
    let (&first, rest) = field.split_first().ok_or(malformed("empty public key"))?;
    let (len, rest) = if first == 0 {
        if rest.len() < 2 {
            return Err(malformed("truncated exponent length"));
        }
        (u16::from_be_bytes([rest[0], rest[1]]) as usize, &rest[2..])
    } else {
        (first as usize, rest)
    };
    if len == 0 || rest.len() <= len {
        return Err(malformed("exponent length leaves no modulus"));
    }
    let (exponent, modulus) = rest.split_at(len);
    // Leading zero octets are read past, as BIND, ldns and Knot read them:
    // refused, they made a zone all three validate fail (the fourteenth
    // audit, 2026-12-06); [`rfc3110_departure`] warns of them.
    let strip = |b: &'a [u8]| &b[b.iter().position(|&o| o != 0).unwrap_or(b.len())..];
    let (exponent, modulus) = (strip(exponent), strip(modulus));
    if exponent.is_empty() || modulus.is_empty() {
        return Err(malformed("exponent or modulus of zero"));
    }
    Ok((exponent, modulus))
}

/// How an RSA DNSKEY's public key field departs from the one form RFC 3110
/// §2 allows (quoted at [`parse_rfc3110`]), if it does: `Ok` for leading
/// zero octets, which BIND, ldns and Knot read past; `Err` for the
/// three-octet exponent length, which Knot's libdnssec (kzonecheck, Knot
/// Resolver) rejects as an invalid DNSKEY, while BIND and ldns read it (the
/// fourteenth audit, 2026-12-06). `None`
/// for any other key, or a field that cannot be parsed at all.
pub fn rfc3110_departure(
    algorithm: u8,
    field: &[u8],
) -> Option<Result<&'static str, &'static str>> {
    if !matches!(algorithm, 5 | 7 | 8 | 10) {
        return None;
    }
    let (&first, rest) = field.split_first()?;
    // Knot reads the exponent length in one octet only: any field in the
    // three-octet form is an invalid DNSKEY to it, also one of an exponent
    // over 255 octets, which RFC 3110 §2 writes so (the fifteenth audit,
    // 2026-12-06: such a key, with leading zeros, was published).
    if first == 0 {
        let [hi, lo, ..] = rest else { return None };
        return Some(Err(if u16::from_be_bytes([*hi, *lo]) <= 255 {
            "the RSA exponent's length (255 octets or fewer) is written in three octets; RFC 3110 §2: it \"is represented as one octet if it is in the range of 1 to 255\""
        } else {
            "the RSA exponent is over 255 octets, its length written in three octets (RFC 3110 §2), which Knot does not read"
        }));
    }
    let len = first as usize;
    let (exponent, modulus) = (rest.get(..len)?, rest.get(len..)?);
    (exponent.first() == Some(&0) || modulus.first() == Some(&0)).then_some(Ok(
        "leading zero octets in the RSA exponent or modulus; RFC 3110 §2: \"Leading zero octets are prohibited in the exponent and modulus\"",
    ))
}

impl PreparedKey {
    /// Parses a DNSKEY public key field for `algorithm`.
    pub fn new(algorithm: u8, public_key: &[u8]) -> Result<PreparedKey, CryptoError> {
        let malformed = |reason| CryptoError::MalformedKey { algorithm, reason };
        let key = match algorithm {
            5 | 7 | 8 | 10 => {
                let (e, n) = parse_rfc3110(algorithm, public_key)?;
                let bits = n.len() * 8 - n[0].leading_zeros() as usize;
                if !(1024..=4096).contains(&bits) {
                    return Err(CryptoError::UnsupportedKeySize { algorithm, bits });
                }
                // aws-lc-rs takes a longer exponent when it parses the key,
                // then fails every signature: reported as bad signatures
                // until the fifth audit (2026-12-06).
                let e_bits = e.len() * 8 - e[0].leading_zeros() as usize;
                if e_bits > 33 {
                    return Err(CryptoError::UnsupportedExponent { algorithm, bits: e_bits });
                }
                let params = match algorithm {
                    5 | 7 => &signature::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
                    8 => &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
                    _ => &signature::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
                };
                RsaPublicKeyComponents { n, e }
                    .to_parsed_public_key(params)
                    .map_err(|_| CryptoError::RejectedKey { algorithm })?
            }
            13 | 14 => {
                let (len, alg) = if algorithm == 13 {
                    (64, &signature::ECDSA_P256_SHA256_FIXED)
                } else {
                    (96, &signature::ECDSA_P384_SHA384_FIXED)
                };
                if public_key.len() != len {
                    return Err(malformed("ECDSA key is not 64 (P-256) or 96 (P-384) octets"));
                }
                // RFC 6605 §4 leaves out the SEC 1 uncompressed-point prefix.
                let mut point = Vec::with_capacity(1 + len);
                point.push(0x04);
                point.extend_from_slice(public_key);
                ParsedPublicKey::new(alg, &point)
                    .map_err(|_| malformed("not a point on the curve"))?
            }
            15 => {
                if public_key.len() != 32 {
                    return Err(malformed("Ed25519 key is not 32 octets (RFC 8080 §3)"));
                }
                ParsedPublicKey::new(&signature::ED25519, public_key)
                    .map_err(|_| malformed("Ed25519 key rejected"))?
            }
            _ => return Err(CryptoError::UnsupportedAlgorithm { algorithm }),
        };
        Ok(PreparedKey { algorithm, key })
    }

    /// The algorithm number the key was prepared for.
    pub fn algorithm(&self) -> u8 {
        self.algorithm
    }

    /// Verifies `signature` (the RRSIG signature field) over `signed_data`.
    pub fn verify(&self, signed_data: &[u8], signature: &[u8]) -> Result<(), CryptoError> {
        self.key
            .verify_sig(signed_data, signature)
            .map_err(|_| CryptoError::BadSignature { algorithm: self.algorithm })
    }
}

/// One-shot verification: parses the key and verifies one signature.
pub fn verify_signature(
    algorithm: u8,
    dnskey_public_key: &[u8],
    signed_data: &[u8],
    signature: &[u8],
) -> Result<(), CryptoError> {
    PreparedKey::new(algorithm, dnskey_public_key)?.verify(signed_data, signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> Vec<u8> {
        let compact: String = s.split_whitespace().collect();
        data_encoding::BASE64.decode(compact.as_bytes()).unwrap()
    }

    fn name_wire(s: &str) -> Vec<u8> {
        let mut out = Vec::new();
        for label in s.trim_end_matches('.').split('.') {
            out.push(label.len() as u8);
            out.extend_from_slice(label.to_ascii_lowercase().as_bytes());
        }
        out.push(0);
        out
    }

    /// RFC 4034 §3.1.8.1: "signature = sign(RRSIG_RDATA | RR(1) | RR(2)... )
    /// where ... RRSIG_RDATA is the wire format of the RRSIG RDATA fields
    /// with the Signer's Name field in canonical form and the Signature
    /// field excluded" and "RR(i) = owner | type | class | TTL | RDATA
    /// length | RDATA". Built by hand so the test shares no code with the
    /// signer.
    #[allow(clippy::too_many_arguments)]
    fn signed_data(
        type_covered: u16,
        algorithm: u8,
        labels: u8,
        ttl: u32,
        expiration: u32,
        inception: u32,
        tag: u16,
        signer: &str,
        owner: &str,
        rdata: &[u8],
    ) -> Vec<u8> {
        let mut d = Vec::new();
        d.extend_from_slice(&type_covered.to_be_bytes());
        d.push(algorithm);
        d.push(labels);
        d.extend_from_slice(&ttl.to_be_bytes());
        d.extend_from_slice(&expiration.to_be_bytes());
        d.extend_from_slice(&inception.to_be_bytes());
        d.extend_from_slice(&tag.to_be_bytes());
        d.extend_from_slice(&name_wire(signer));
        d.extend_from_slice(&name_wire(owner));
        d.extend_from_slice(&type_covered.to_be_bytes());
        d.extend_from_slice(&1u16.to_be_bytes());
        d.extend_from_slice(&ttl.to_be_bytes());
        d.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
        d.extend_from_slice(rdata);
        d
    }

    /// 20100909100439 / 20100812100439 and the other RFC timestamps
    /// (`date -u -d 2010-09-09T10:04:39 +%s`).
    const RFC6605_P256_TIMES: (u32, u32) = (1_284_026_679, 1_281_607_479);
    const RFC6605_P384_TIMES: (u32, u32) = (1_284_027_625, 1_281_608_425);
    const RFC5702_TIMES: (u32, u32) = (1_893_456_000, 946_684_800);

    fn flip(mut v: Vec<u8>) -> Vec<u8> {
        v[10] ^= 0x01;
        v
    }

    /// RFC 6605 §6.1: "www.example.net. 3600 IN A 192.0.2.1" signed with
    /// the P-256 key tag 55648.
    #[test]
    fn rfc6605_section_6_1_ecdsa_p256() {
        let key = b64("GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edb
                       krSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==");
        let sig = b64("qx6wLYqmh+l9oCKTN6qIc+bw6ya+KJ8oMz0YP107epXA
                       yGmt+3SNruPFKG7tZoLBLlUzGGus7ZwmwWep666VCw==");
        let (exp, inc) = RFC6605_P256_TIMES;
        let data = signed_data(
            1,
            13,
            3,
            3600,
            exp,
            inc,
            55648,
            "example.net.",
            "www.example.net.",
            &[192, 0, 2, 1],
        );
        verify_signature(13, &key, &data, &sig).unwrap();
        let prepared = PreparedKey::new(13, &key).unwrap();
        assert_eq!(
            prepared.verify(&data, &flip(sig.clone())),
            Err(CryptoError::BadSignature { algorithm: 13 })
        );
        assert!(prepared.verify(&data[1..], &sig).is_err());
    }

    /// RFC 6605 §6.2: the same RRset signed with the P-384 key tag 10771.
    #[test]
    fn rfc6605_section_6_2_ecdsa_p384() {
        let key = b64("xKYaNhWdGOfJ+nPrL8/arkwf2EY3MDJ+SErKivBVSum1
                       w/egsXvSADtNJhyem5RCOpgQ6K8X1DRSEkrbYQ+OB+v8
                       /uX45NBwY8rp65F6Glur8I/mlVNgF6W/qTI37m40");
        let sig = b64("/L5hDKIvGDyI1fcARX3z65qrmPsVz73QD1Mr5CEqOiLP
                       95hxQouuroGCeZOvzFaxsT8Glr74hbavRKayJNuydCuz
                       WTSSPdz7wnqXL5bdcJzusdnI0RSMROxxwGipWcJm");
        let (exp, inc) = RFC6605_P384_TIMES;
        let data = signed_data(
            1,
            14,
            3,
            3600,
            exp,
            inc,
            10771,
            "example.net.",
            "www.example.net.",
            &[192, 0, 2, 1],
        );
        verify_signature(14, &key, &data, &sig).unwrap();
        assert!(verify_signature(14, &key, &data, &flip(sig)).is_err());
        // The P-384 key is not a P-256 key.
        assert!(matches!(
            verify_signature(13, &key, &data, &[0; 64]),
            Err(CryptoError::MalformedKey { algorithm: 13, .. })
        ));
    }

    /// RFC 8080 §6.1 (as corrected by verified Errata ID 4935: Labels 2,
    /// algorithm 15): "example.com. 3600 IN MX 10 mail.example.com."
    #[test]
    fn rfc8080_section_6_1_ed25519() {
        let mut mx = vec![0, 10];
        mx.extend_from_slice(&name_wire("mail.example.com."));
        for (key, tag, sig) in [
            (
                "l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=",
                3613,
                "oL9krJun7xfBOIWcGHi7mag5/hdZrKWw15jPGrHpjQeRAvTdszaPD+QLs3fx8A4M3e23mRZ9VrbpMngwcrqNAg==",
            ),
            (
                "zPnZ/QwEe7S8C5SPz2OfS5RR40ATk2/rYnE9xHIEijs=",
                35217,
                "zXQ0bkYgQTEFyfLyi9QoiY6D8ZdYo4wyUhVioYZXFdT410QPRITQSqJSnzQoSm5poJ7gD7AQR0O7KuI5k2pcBg==",
            ),
        ] {
            let data = signed_data(
                15,
                15,
                2,
                3600,
                1_440_021_600,
                1_438_207_200,
                tag,
                "example.com.",
                "example.com.",
                &mx,
            );
            verify_signature(15, &b64(key), &data, &b64(sig)).unwrap();
            assert!(verify_signature(15, &b64(key), &data, &flip(b64(sig))).is_err());
        }
    }

    /// RFC 5702 §6.2: "www.example.net. 3600 IN A 192.0.2.91" signed with
    /// the 1024-bit RSA/SHA-512 key tag 3740 (legacy size, still verified).
    #[test]
    fn rfc5702_section_6_2_rsasha512() {
        let key = b64("AwEAAdHoNTOW+et86KuJOWRDp1pndvwb6Y83nSVXXyLA3DLroROUkN6X0O6p
                       nWnjJQujX/AyhqFDxj13tOnD9u/1kTg7cV6rklMrZDtJCQ5PCl/D7QNPsgVs
                       Mu1J2Q8gpMpztNFLpPBz1bWXjDtaR7ZQBlZ3PFY12ZTSncorffcGmhOL");
        let sig = b64("tsb4wnjRUDnB1BUi+t6TMTXThjVnG+eCkWqjvvjhzQL1d0YRoOe0CbxrVDYd
                       0xDtsuJRaeUw1ep94PzEWzr0iGYgZBWm/zpq+9fOuagYJRfDqfReKBzMweOL
                       DiNa8iP5g9vMhpuv6OPlvpXwm9Sa9ZXIbNl1MBGk0fthPgxdDLw=");
        let (exp, inc) = RFC5702_TIMES;
        let data = signed_data(
            1,
            10,
            3,
            3600,
            exp,
            inc,
            3740,
            "example.net.",
            "www.example.net.",
            &[192, 0, 2, 91],
        );
        verify_signature(10, &key, &data, &sig).unwrap();
        assert!(verify_signature(10, &key, &data, &flip(sig.clone())).is_err());
        // The same key and signature under algorithm 8 (SHA-256) must fail.
        assert_eq!(
            verify_signature(8, &key, &data, &sig),
            Err(CryptoError::BadSignature { algorithm: 8 })
        );
    }

    /// RFC 5702 §6.1: the 512-bit example key is below what aws-lc-rs can
    /// verify; it is reported as an unsupported size, not a bad signature.
    #[test]
    fn rfc5702_section_6_1_rsasha256_512_bit_key_is_unsupported() {
        let key = b64("AwEAAcFcGsaxxdgiuuGmCkVImy4h99CqT7jwY3pexPGcnUFtR2Fh36BponcwtkZ4cAgtvd4Qs8PkxUdp6p/DlUmObdk=");
        assert_eq!(
            PreparedKey::new(8, &key).err(),
            Some(CryptoError::UnsupportedKeySize { algorithm: 8, bits: 512 })
        );
    }

    /// RFC 3110 §2 allows exponents up to 4096 bits; aws-lc-rs parses a
    /// key with a longer one than 33 bits, then fails every signature. The
    /// key is reported as one zonesign cannot use, not its signatures as
    /// bad (the fifth audit, 2026-12-06: 2^33 + 1, which BIND, ldns and
    /// Knot verify with).
    #[test]
    fn rfc3110_section_2_an_exponent_over_33_bits_is_an_unusable_key() {
        let mut modulus = vec![0xc5u8; 256];
        modulus[255] = 0x4b;
        let field = |e: &[u8]| [&[e.len() as u8][..], e, &modulus].concat();
        // 2^33 + 1: five octets, 34 bits.
        assert_eq!(
            PreparedKey::new(8, &field(&[2, 0, 0, 0, 1])).err(),
            Some(CryptoError::UnsupportedExponent { algorithm: 8, bits: 34 })
        );
        // 2^32 + 1 (33 bits) and 65537 are within aws-lc-rs' reach.
        assert!(PreparedKey::new(8, &field(&[1, 0, 0, 0, 1])).is_ok());
        assert!(PreparedKey::new(8, &field(&[1, 0, 1])).is_ok());
    }

    /// RFC 3110 §2: "Leading zero octets are prohibited in the exponent and
    /// modulus", and the exponent length "is represented as one octet if it
    /// is in the range of 1 to 255". BIND, ldns and Knot read past leading
    /// zeros, so the key is used (and warned of: it was refused, and zones
    /// all three validate failed, the fourteenth audit, 2026-12-06); the
    /// three-octet length of a short exponent, which Knot rejects, is the
    /// verifier's error.
    #[test]
    fn rfc3110_section_2_forms_that_depart_from_the_minimal_one() {
        let mut modulus = vec![0xc5u8; 256];
        modulus[255] = 0x4b;
        let minimal = [&[3u8, 1, 0, 1][..], &modulus].concat();
        let zeros = [&[4u8, 0, 1, 0, 1, 0][..], &modulus].concat();
        let long = [&[0u8, 0, 3, 1, 0, 1][..], &modulus].concat();
        assert_eq!(rfc3110_departure(8, &minimal), None);
        assert!(
            matches!(rfc3110_departure(8, &zeros), Some(Ok(why)) if why.contains("leading zero"))
        );
        assert!(
            matches!(rfc3110_departure(8, &long), Some(Err(why)) if why.contains("three octets"))
        );
        assert_eq!(rfc3110_departure(13, &long), None);
        // An exponent over 255 octets takes the three-octet form, which
        // Knot does not read (the fifteenth audit, 2026-12-06).
        let mut over = vec![0u8, 1, 0];
        over.extend(std::iter::repeat_n(0, 253));
        over.extend([1, 0, 1]);
        over.extend(&modulus);
        assert!(
            matches!(rfc3110_departure(8, &over), Some(Err(why)) if why.contains("Knot does not read"))
        );
        for field in [&minimal, &zeros, &long] {
            let key = PreparedKey::new(8, field).expect("read");
            assert_eq!(parse_rfc3110(8, field).expect("parsed"), (&[1u8, 0, 1][..], &modulus[..]));
            drop(key);
        }
    }

    #[test]
    fn rfc3110_section_2_malformed_keys() {
        for (field, why) in [
            (&[][..], "empty"),
            (&[3, 1, 0, 1][..], "no modulus"),
            (&[0, 0][..], "truncated length"),
            (&[1, 0, 0xc0][..], "zero exponent"),
            (&[1, 3, 0, 0][..], "zero modulus"),
        ] {
            assert!(
                matches!(PreparedKey::new(8, field), Err(CryptoError::MalformedKey { .. })),
                "{why}"
            );
        }
        // RSASHA1 (5) is verified now (RFC 8624 §3.1), DSA (3) is not.
        assert_eq!(
            PreparedKey::new(5, &[1, 3, 0xc0]).err(),
            Some(CryptoError::UnsupportedKeySize { algorithm: 5, bits: 8 })
        );
        assert_eq!(
            PreparedKey::new(3, &[1, 3, 0xc0]).err(),
            Some(CryptoError::UnsupportedAlgorithm { algorithm: 3 })
        );
        assert!(matches!(PreparedKey::new(15, &[0; 31]), Err(CryptoError::MalformedKey { .. })));
    }
}
