//! NSEC chain generation (RFC 4034 §4, RFC 4035 §2.3).
//!
//! # Background
//! RFC 4035 §2.3: "Each owner name in the zone that has authoritative data
//! or a delegation point NS RRset MUST have an NSEC resource record." The
//! chain runs through those names in canonical order and the last one points
//! back to the apex (RFC 4034 §4.1.1: "The value of the Next Domain Name
//! field in the last NSEC record in the zone is the name of the zone apex").
//! Empty non-terminals, glue and occluded names get no NSEC.

use rayon::prelude::*;

use crate::order::split_ranges_mut;
use crate::zone::name::Name;
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
///
/// On every thread, in pieces of [`NSEC_PIECE`] owners: each piece holds
/// the nodes from its first owner to the next piece's, and is given the
/// name its last NSEC points to.
pub fn generate_nsecs(zone: &mut Zone, ttl: u32) -> usize {
    let owners: Vec<usize> =
        zone.nodes.par_iter().enumerate().filter(|(_, n)| has_nsec(n)).map(|(i, _)| i).collect();
    let pieces: Vec<&[usize]> = owners.chunks(NSEC_PIECE).collect();
    // The last NSEC points back to the first owner, the apex (RFC 4034
    // §4.1.1).
    let after: Vec<Name> = (0..pieces.len())
        .map(|p| zone.nodes[pieces.get(p + 1).map_or(owners[0], |next| next[0])].name.clone())
        .collect();
    let ranges: Vec<(u32, u32)> = (0..pieces.len())
        .map(|p| {
            let end = pieces.get(p + 1).map_or(zone.nodes.len(), |next| next[0]);
            (pieces[p][0] as u32, end as u32)
        })
        .collect();
    let slices = split_ranges_mut(&mut zone.nodes, &ranges);
    slices.into_par_iter().zip(&pieces).zip(&after).for_each(|((nodes, piece), after)| {
        let base = piece[0];
        for (j, &i) in piece.iter().enumerate() {
            let next = piece.get(j + 1).map_or(after, |&next| &nodes[next - base].name);
            let mut rdata = next.as_wire().to_vec();
            rdata.extend_from_slice(&encode_type_bitmap(&nsec_types(&nodes[i - base])));
            let node = &mut nodes[i - base];
            let src = node.rrsets.first().map(|r| r.src).unwrap_or_default();
            insert_rrset(
                node,
                Rrset { rtype: Rtype::NSEC, ttl, rdatas: Rdatas::single(&rdata), src },
            );
        }
    });
    owners.len()
}

/// Owners per piece of [`generate_nsecs`] (small in tests, so that they
/// cross pieces).
const NSEC_PIECE: usize = if cfg!(test) { 3 } else { 4096 };

/// Inserts an RRset keeping the node's RRsets sorted by type, and its RRSIG
/// RRsets by the type they cover (see [`Node::rrsets`]): the RRSIGs over a
/// new apex ZONEMD came after those over the apex's types above 63.
pub fn insert_rrset(node: &mut Node, rrset: Rrset) {
    fn key(r: &Rrset) -> (Rtype, &[u8]) {
        (r.rtype, if r.rtype == Rtype::RRSIG { r.covered_octets() } else { &[] })
    }
    let at = node.rrsets.partition_point(|r| key(r) <= key(&rrset));
    // Exactly one more slot: `Vec` would grow a node's one or two RRsets
    // to four, for every owner of a TLD.
    node.rrsets.reserve_exact(1);
    node.rrsets.insert(at, rrset);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{load_bytes, LoadOptions};

    /// RFC 4035 §2.3: every name with authoritative data or a delegation
    /// gets one NSEC pointing at the next such name, the last at the apex;
    /// empty non-terminals, glue and occluded names get none. The pieces
    /// (of 3 owners in tests) give what one sequential walk gives.
    #[test]
    fn rfc4035_2_3_chain_across_pieces_matches_a_sequential_walk() {
        let origin = Name::parse(b"example.", &Name::root()).unwrap();
        let text = b"$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n\
            a TXT a\nb.c.d TXT b\ncut NS ns.cut\nns.cut A 192.0.2.2\n\
            e MX 1 ns\nf TXT f\ng TXT g\nh.i TXT h\nz TXT z\n";
        let loaded =
            load_bytes(text, std::path::Path::new("n.zone"), &LoadOptions::new(origin.clone()))
                .unwrap();
        let zone = Zone::build(loaded, &origin).unwrap();
        let mut expected = zone.clone();
        let owners: Vec<usize> = expected
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| has_nsec(n))
            .map(|(i, _)| i)
            .collect();
        for (k, &i) in owners.iter().enumerate() {
            let next = owners[(k + 1) % owners.len()];
            let mut rdata = expected.nodes[next].name.as_wire().to_vec();
            rdata.extend_from_slice(&encode_type_bitmap(&nsec_types(&expected.nodes[i])));
            let node = &mut expected.nodes[i];
            let src = node.rrsets.first().map(|r| r.src).unwrap_or_default();
            insert_rrset(
                node,
                Rrset { rtype: Rtype::NSEC, ttl: 60, rdatas: Rdatas::single(&rdata), src },
            );
        }
        let mut zone = zone;
        assert_eq!(generate_nsecs(&mut zone, 60), owners.len());
        assert!(owners.len() > 3 * NSEC_PIECE, "{} owners", owners.len());
        assert_eq!(zone.nodes, expected.nodes);
    }
}
