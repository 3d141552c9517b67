//! RRSIG construction (RFC 4034 §3).
//!
//! # Background
//! RFC 4034 §3.1.8.1: "signature = sign(RRSIG_RDATA | RR(1) | RR(2)... )
//! where "|" denotes concatenation; RRSIG_RDATA is the wire format of the
//! RRSIG RDATA fields with the Signer's Name field in canonical form and the
//! Signature field excluded; RR(i) = owner | type | class | TTL | RDATA
//! length | RDATA". The RRs are in canonical form and order (§6.2, §6.3),
//! which a built [`Zone`](crate::zone::Zone) already guarantees.

use crate::zone::name::Name;
use crate::zone::rtype::{Class, Rtype};
use crate::zone::Rrset;

/// The RRSIG fields other than the signature.
#[derive(Debug, Clone, Copy)]
pub struct RrsigFields<'a> {
    pub type_covered: Rtype,
    pub algorithm: u8,
    pub labels: u8,
    pub original_ttl: u32,
    pub expiration: u32,
    pub inception: u32,
    pub key_tag: u16,
    /// Lowercase (canonical) signer name: the zone apex.
    pub signer: &'a Name,
}

/// RFC 4034 §3.1.3: "The Labels field specifies the number of labels in the
/// original RRSIG RR owner name. ... The value of the Labels field MUST NOT
/// count either the null (root) label that terminates the owner name or the
/// wildcard label (if present)."
pub fn labels_field(owner: &Name) -> u8 {
    let n = owner.label_count();
    let n = if owner.is_wildcard() { n - 1 } else { n };
    // A name has at most 127 labels (255 octets), so this cannot truncate.
    n as u8
}

/// Appends the RRSIG RDATA without the signature (RRSIG_RDATA of §3.1.8.1).
pub fn write_rrsig_prefix(f: &RrsigFields<'_>, out: &mut Vec<u8>) {
    out.extend_from_slice(&f.type_covered.0.to_be_bytes());
    out.push(f.algorithm);
    out.push(f.labels);
    out.extend_from_slice(&f.original_ttl.to_be_bytes());
    out.extend_from_slice(&f.expiration.to_be_bytes());
    out.extend_from_slice(&f.inception.to_be_bytes());
    out.extend_from_slice(&f.key_tag.to_be_bytes());
    out.extend_from_slice(f.signer.as_wire());
}

/// Builds the data to sign for `rrset` at `owner` into `out` (cleared first).
pub fn signed_data(
    f: &RrsigFields<'_>,
    owner: &Name,
    class: Class,
    rrset: &Rrset,
    out: &mut Vec<u8>,
) {
    out.clear();
    append_signed_data(f, owner, class, rrset, out);
}

/// [`signed_data`], appended to what `out` holds (the signing pipeline puts
/// a chunk's signed data into one buffer).
pub fn append_signed_data(
    f: &RrsigFields<'_>,
    owner: &Name,
    class: Class,
    rrset: &Rrset,
    out: &mut Vec<u8>,
) {
    write_rrsig_prefix(f, out);
    for rdata in &rrset.rdatas {
        out.extend_from_slice(owner.as_wire());
        out.extend_from_slice(&rrset.rtype.0.to_be_bytes());
        out.extend_from_slice(&class.0.to_be_bytes());
        // RFC 4035 §5.3.2: the TTL in RR(i) is the Original TTL.
        out.extend_from_slice(&f.original_ttl.to_be_bytes());
        // RDATA is at most 65535 octets by construction (RFC 1035 §3.2.1).
        out.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
        out.extend_from_slice(rdata);
    }
}

/// The full RRSIG RDATA: the fields and the signature.
pub fn rrsig_rdata(f: &RrsigFields<'_>, signature: &[u8]) -> Box<[u8]> {
    let mut out = Vec::with_capacity(18 + f.signer.wire_len() + signature.len());
    write_rrsig_prefix(f, &mut out);
    out.extend_from_slice(signature);
    out.into_boxed_slice()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4034_section_3_1_3_labels_field_skips_root_and_wildcard() {
        let n = |s: &str| Name::parse(s.as_bytes(), &Name::root()).unwrap();
        assert_eq!(labels_field(&n("a.example.")), 2);
        assert_eq!(labels_field(&n("*.example.")), 1);
        assert_eq!(labels_field(&Name::root()), 0);
    }
}
