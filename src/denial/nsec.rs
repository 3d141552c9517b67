//! NSEC chain generation (RFC 4034 §4, RFC 4035 §2.3).
//!
//! # Background
//! RFC 4035 §2.3: "Each owner name in the zone that has authoritative data
//! or a delegation point NS RRset MUST have an NSEC resource record." The
//! chain runs through those names in canonical order and the last one points
//! back to the apex (RFC 4034 §4.1.1: "The value of the Next Domain Name
//! field in the last NSEC record in the zone is the name of the zone apex").
//! Empty non-terminals, glue and occluded names get no NSEC.

use crate::zone::rdata::bitmap::encode_type_bitmap;
use crate::zone::rtype::Rtype;
use crate::zone::{Node, NodeFlags, Rdatas, Rrset, Zone};

/// True for the names that own an NSEC record.
pub fn has_nsec(node: &Node) -> bool {
    node.flags.is_authoritative() && !node.flags.contains(NodeFlags::ENT)
}

/// The types an NSEC at `node` lists. RFC 4035 §2.3: at a delegation point
/// "Bits corresponding to the delegation NS RRset and any RRsets for which
/// the parent zone has authoritative data MUST be set; bits corresponding to
/// any non-NS RRset for which the parent is not authoritative MUST be
/// clear." Every NSEC is signed, so RRSIG is always present.
pub fn nsec_types(node: &Node) -> Vec<Rtype> {
    let mut types: Vec<Rtype> = if node.flags.contains(NodeFlags::DELEGATION) {
        node.rrsets.iter().map(|r| r.rtype).filter(|&t| t == Rtype::NS || t == Rtype::DS).collect()
    } else {
        node.rrsets.iter().map(|r| r.rtype).filter(|&t| t != Rtype::RRSIG).collect()
    };
    types.push(Rtype::NSEC);
    types.push(Rtype::RRSIG);
    types
}

/// Adds an NSEC RRset with TTL `ttl` to every name that needs one. The zone
/// must not hold NSEC, NSEC3 or RRSIG records already.
pub fn generate_nsecs(zone: &mut Zone, ttl: u32) -> usize {
    let owners: Vec<usize> =
        zone.nodes.iter().enumerate().filter(|(_, n)| has_nsec(n)).map(|(i, _)| i).collect();
    for (k, &i) in owners.iter().enumerate() {
        let next = owners[(k + 1) % owners.len()];
        let mut rdata = zone.nodes[next].name.as_wire().to_vec();
        rdata.extend_from_slice(&encode_type_bitmap(&nsec_types(&zone.nodes[i])));
        let node = &mut zone.nodes[i];
        let src = node.rrsets.first().map(|r| r.src).unwrap_or_default();
        insert_rrset(node, Rrset { rtype: Rtype::NSEC, ttl, rdatas: Rdatas::single(&rdata), src });
    }
    owners.len()
}

/// Inserts an RRset keeping the node's RRsets sorted by type.
pub fn insert_rrset(node: &mut Node, rrset: Rrset) {
    let at = node.rrsets.partition_point(|r| r.rtype <= rrset.rtype);
    // Exactly one more slot: `Vec` would grow a node's one or two RRsets
    // to four, for every owner of a TLD.
    node.rrsets.reserve_exact(1);
    node.rrsets.insert(at, rrset);
}
