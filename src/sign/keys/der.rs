//! Just enough DER (ITU-T X.690) to read the components of an RSA private
//! key out of the PKCS#8 document aws-lc-rs produces for a generated key,
//! so they can be written as the BIND `.private` fields.
//!
//! RFC 5208 §5: `PrivateKeyInfo ::= SEQUENCE { version Version,
//! privateKeyAlgorithm AlgorithmIdentifier, privateKey OCTET STRING, ... }`;
//! RFC 8017 Appendix A.1.2: `RSAPrivateKey ::= SEQUENCE { version,
//! modulus, publicExponent, privateExponent, prime1, prime2, exponent1,
//! exponent2, coefficient, otherPrimeInfos OPTIONAL }`.
//!
//! The slices returned borrow from the caller's (zeroizing) buffer.

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const OCTET_STRING: u8 = 0x04;

/// The nine integers of an `RSAPrivateKey`, version first, each without
/// the sign-padding leading zero.
pub(crate) struct RsaComponents<'a> {
    pub(crate) modulus: &'a [u8],
    pub(crate) public_exponent: &'a [u8],
    pub(crate) private_exponent: &'a [u8],
    pub(crate) prime1: &'a [u8],
    pub(crate) prime2: &'a [u8],
    pub(crate) exponent1: &'a [u8],
    pub(crate) exponent2: &'a [u8],
    pub(crate) coefficient: &'a [u8],
}

/// Reads one TLV with tag `tag` at the start of `input`; returns its
/// contents and the rest.
fn read_tlv(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&t, rest) = input.split_first()?;
    if t != tag {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 3 || rest.len() < n {
            return None;
        }
        let len = rest[..n].iter().fold(0usize, |a, &b| (a << 8) | b as usize);
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some(rest.split_at(len))
}

fn read_unsigned(input: &[u8]) -> Option<(&[u8], &[u8])> {
    let (value, rest) = read_tlv(input, INTEGER)?;
    Some((super::strip_leading_zeros(value), rest))
}

/// Parses an unencrypted PKCS#8 `PrivateKeyInfo` holding an RSA key.
pub(crate) fn rsa_components_from_pkcs8(pkcs8: &[u8]) -> Option<RsaComponents<'_>> {
    let (info, _) = read_tlv(pkcs8, SEQUENCE)?;
    let (_version, rest) = read_tlv(info, INTEGER)?;
    let (_algorithm, rest) = read_tlv(rest, SEQUENCE)?;
    let (private_key, _) = read_tlv(rest, OCTET_STRING)?;
    let (key, _) = read_tlv(private_key, SEQUENCE)?;
    let (_version, rest) = read_tlv(key, INTEGER)?;
    let (modulus, rest) = read_unsigned(rest)?;
    let (public_exponent, rest) = read_unsigned(rest)?;
    let (private_exponent, rest) = read_unsigned(rest)?;
    let (prime1, rest) = read_unsigned(rest)?;
    let (prime2, rest) = read_unsigned(rest)?;
    let (exponent1, rest) = read_unsigned(rest)?;
    let (exponent2, rest) = read_unsigned(rest)?;
    let (coefficient, _) = read_unsigned(rest)?;
    Some(RsaComponents {
        modulus,
        public_exponent,
        private_exponent,
        prime1,
        prime2,
        exponent1,
        exponent2,
        coefficient,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x690_length_forms() {
        assert_eq!(read_tlv(&[0x02, 0x01, 0x05], INTEGER), Some((&[5u8][..], &[][..])));
        let long = [&[0x04, 0x81, 0x80][..], &[7u8; 0x80]].concat();
        assert_eq!(read_tlv(&long, OCTET_STRING).map(|(v, _)| v.len()), Some(0x80));
        assert_eq!(read_tlv(&[0x02, 0x05, 0x00], INTEGER), None);
        assert_eq!(read_tlv(&[0x30, 0x01, 0x00], INTEGER), None);
    }
}
