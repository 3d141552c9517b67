//! NSEC3 chain generation (RFC 5155 §7.1), with Opt-Out (§6).
//!
//! # Background
//! RFC 5155 §7.1: "Each owner name within the zone that owns authoritative
//! RRSets MUST have a corresponding NSEC3 RR. Owner names that correspond
//! to unsigned delegations MAY have a corresponding NSEC3 RR. However, if
//! there is not a corresponding NSEC3 RR, there MUST be an Opt-Out NSEC3 RR
//! that covers the "next closer" name to the delegation." and "Each empty
//! non-terminal MUST have a corresponding NSEC3 RR, unless the empty
//! non-terminal is only derived from an insecure delegation covered by an
//! Opt-Out NSEC3 RR."
//!
//! # Usage
//! [`generate_nsec3s`] hashes every name that needs an NSEC3 (in one batch,
//! through the fastest hash backend), sorts the hashes into the chain, and
//! adds the NSEC3 nodes and the NSEC3PARAM at the apex.
//!
//! # Limitations
//! Only hash algorithm 1 (SHA-1) exists (RFC 5155 §11).

use std::cmp::Ordering;
use std::fmt;

use data_encoding::BASE32HEX_NOPAD;
use rayon::prelude::*;

use super::hash::{nsec3_hash_batch, Backend};
use super::nsec::insert_rrset;
use crate::zone::name::Name;
use crate::zone::rdata::bitmap::encode_type_bitmap_into;
use crate::zone::record::SourcePos;
use crate::zone::rtype::Rtype;
use crate::zone::{Node, NodeFlags, Rdatas, Rrset, Zone};

/// Whether insecure delegations are left out of the chain (RFC 5155 §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptOut {
    Disabled,
    Enabled,
}

/// NSEC3 parameters (RFC 5155 §3.1, §4.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nsec3Params {
    pub iterations: u16,
    pub salt: Vec<u8>,
    pub opt_out: OptOut,
}

/// Why the chain cannot be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DenialError {
    /// Two owner names hash to the same value (RFC 5155 §7.1).
    HashCollision { first: Name, second: Name },
}

impl fmt::Display for DenialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DenialError::HashCollision { first, second } => write!(
                f,
                "NSEC3 hash collision: {first} and {second} have the same hash with these parameters; choose another salt (--salt)"
            ),
        }
    }
}

impl std::error::Error for DenialError {}

/// The 'SHA-1' hash algorithm number (RFC 5155 §11).
pub const SHA1: u8 = 1;
/// RFC 5155 §3.1.2.1: "Opt-Out flag ... the least significant bit".
pub const FLAG_OPT_OUT: u8 = 1;

/// What needs an NSEC3, per RFC 5155 §7.1, given the classification.
/// Returns the indices of the nodes that need one, in order.
pub fn nsec3_owners(zone: &Zone, opt_out: OptOut) -> Vec<usize> {
    let mut needed = names_with_data_in_chain(zone, opt_out);
    // Empty non-terminals: with opt-out, only those above a name that is in
    // the chain; without, all authoritative ones.
    let mut ent_needed = vec![false; zone.nodes.len()];
    match opt_out {
        OptOut::Disabled => {
            for (i, n) in zone.nodes.iter().enumerate() {
                ent_needed[i] = n.flags.contains(NodeFlags::ENT) && n.flags.is_authoritative();
            }
        }
        OptOut::Enabled => {
            // Canonical order puts every name after its ancestors, and all
            // names between an ancestor and its descendant below the
            // ancestor: a stack of the current name's ancestors (as in the
            // ENT pass of `Zone::build`) gives each name its parent, with
            // no index of every name (at .de scale a hash map of 20M names).
            let mut stack: Vec<usize> = Vec::new();
            for (i, n) in zone.nodes.iter().enumerate() {
                while let Some(&top) = stack.last() {
                    if n.name.is_subdomain_of(&zone.nodes[top].name) {
                        break;
                    }
                    stack.pop();
                }
                if needed[i] {
                    // From the parent up, while each is an empty
                    // non-terminal not yet marked.
                    let mut labels = n.name.label_count();
                    for &j in stack.iter().rev() {
                        let p = &zone.nodes[j];
                        if p.name.label_count() + 1 != labels
                            || !p.flags.contains(NodeFlags::ENT)
                            || ent_needed[j]
                        {
                            break;
                        }
                        ent_needed[j] = true;
                        labels -= 1;
                    }
                }
                stack.push(i);
            }
        }
    }
    for (i, e) in ent_needed.into_iter().enumerate() {
        needed[i] |= e;
    }
    needed.iter().enumerate().filter(|(_, &b)| b).map(|(i, _)| i).collect()
}

/// Per node: whether it owns authoritative data that is in the chain (every
/// such name, but insecure delegations under Opt-Out); empty non-terminals
/// are decided after.
fn names_with_data_in_chain(zone: &Zone, opt_out: OptOut) -> Vec<bool> {
    let insecure =
        |n: &Node| n.flags.contains(NodeFlags::DELEGATION) && n.rrset(Rtype::DS).is_none();
    zone.nodes
        .iter()
        .map(|n| {
            n.flags.is_authoritative()
                && !n.flags.contains(NodeFlags::ENT)
                && (opt_out == OptOut::Disabled || !insecure(n))
                && !is_nsec3_node(n)
        })
        .collect()
}

/// A node that holds only NSEC3 records (and their RRSIGs): the owner of an
/// NSEC3 record is a hash, not a name of the zone's data.
pub fn is_nsec3_node(n: &Node) -> bool {
    !n.rrsets.is_empty() && n.rrsets.iter().all(|r| matches!(r.rtype, Rtype::NSEC3 | Rtype::RRSIG))
}

/// The types an NSEC3 lists: RFC 5155 §3.2.1: "The Type Bit Maps field
/// identifies the RRSet types that exist at the original owner name". At a
/// delegation only NS and DS (the parent's authoritative data); RRSIG when
/// anything there is signed; nothing for an empty non-terminal.
/// The type numbers go into `types` (cleared first), unsorted.
pub fn nsec3_types(node: &Node, types: &mut Vec<u16>) {
    types.clear();
    if node.flags.contains(NodeFlags::ENT) {
        return;
    }
    if node.flags.contains(NodeFlags::DELEGATION) {
        types.push(Rtype::NS.0);
        if node.rrset(Rtype::DS).is_some() {
            types.extend([Rtype::DS.0, Rtype::RRSIG.0]);
        }
        return;
    }
    types.extend(node.rrsets.iter().map(|r| r.rtype).filter(|&t| t != Rtype::RRSIG).map(|t| t.0));
    if !types.is_empty() {
        types.push(Rtype::RRSIG.0);
    }
}

/// The NSEC3PARAM RDATA (RFC 5155 §4.2): flags are 0 in NSEC3PARAM.
pub fn nsec3param_rdata(params: &Nsec3Params) -> Vec<u8> {
    let mut r = vec![SHA1, 0];
    r.extend_from_slice(&params.iterations.to_be_bytes());
    r.push(params.salt.len() as u8);
    r.extend_from_slice(&params.salt);
    r
}

/// What [`generate_nsec3s`] made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Nsec3Stats {
    pub records: usize,
    pub backend: &'static str,
}

/// Builds the NSEC3 chain and adds it, and the NSEC3PARAM, to the zone.
pub fn generate_nsec3s(
    zone: &mut Zone,
    params: &Nsec3Params,
    ttl: u32,
    backend: Backend,
) -> Result<Nsec3Stats, DenialError> {
    // NSEC3PARAM first: RFC 5155 §7.1 lists it among the apex types.
    let apex_src = zone.nodes[0].rrsets.first().map(|r| r.src).unwrap_or_default();
    insert_rrset(
        &mut zone.nodes[0],
        Rrset {
            rtype: Rtype::NSEC3PARAM,
            ttl,
            rdatas: Rdatas::single(&nsec3param_rdata(params)),
            src: apex_src,
        },
    );
    let owners = nsec3_owners(zone, params.opt_out);
    // The node vector grows to take the chain now, while only the small
    // vectors below are alive: growing moves it (the old and the new vector
    // side by side for a moment), which beside the new NSEC3 nodes would
    // raise the peak by the vector's size.
    zone.nodes.reserve_exact(owners.len());
    let mut hashes = vec![[0u8; 20]; owners.len()];
    {
        let names: Vec<&[u8]> = owners.iter().map(|&i| zone.nodes[i].name.as_wire()).collect();
        nsec3_hash_batch(backend, &names, &params.salt, params.iterations, &mut hashes);
    }
    let order = hash_order(&hashes);
    // The hashes in chain order, gathered in one tight loop of independent
    // loads (the chain below then reads them in sequence).
    let chain: Vec<[u8; 20]> = order.par_iter().map(|&o| hashes[o as usize]).collect();
    drop(hashes);
    if let Some(k) = chain.windows(2).position(|w| w[0] == w[1]) {
        let (a, b) = (owners[order[k] as usize], owners[order[k + 1] as usize]);
        return Err(DenialError::HashCollision {
            first: zone.nodes[a].name.clone(),
            second: zone.nodes[b].name.clone(),
        });
    }
    // What each NSEC3 takes from its original owner (the type bitmap and
    // where the owner was read), gathered in zone order: the chain below
    // visits the owners in hash order, and reaching into a node and its
    // RRsets there is a cache miss or two a name at TLD scale.
    let owner_info = OwnerInfo::gather(zone, &owners);
    let info: Vec<(&[u8], SourcePos)> =
        order.par_iter().map(|&o| owner_info.get(o as usize)).collect();
    let flags = if params.opt_out == OptOut::Enabled { FLAG_OPT_OUT } else { 0 };
    let origin = zone.origin.clone();
    let mut header = vec![SHA1, flags];
    header.extend_from_slice(&params.iterations.to_be_bytes());
    header.push(params.salt.len() as u8);
    header.extend_from_slice(&params.salt);
    header.push(20);
    let new_nodes: Vec<Node> = chain
        .par_iter()
        .zip(&info)
        .enumerate()
        .map_init(Vec::new, |rdata, (k, (hash, &(bitmap, src)))| {
            let next = &chain[(k + 1) % chain.len()];
            rdata.clear();
            rdata.extend_from_slice(&header);
            rdata.extend_from_slice(next);
            rdata.extend_from_slice(bitmap);
            let mut label = [0u8; 32];
            BASE32HEX_NOPAD.encode_mut(hash, &mut label);
            label.make_ascii_lowercase();
            // A 32-character label below a valid apex: fits unless the apex
            // is longer than 222 octets, which the caller checks.
            let name = origin.prepend_label(&label).unwrap_or_else(|_| origin.clone());
            Node {
                name,
                rrsets: vec![Rrset {
                    rtype: Rtype::NSEC3,
                    ttl,
                    rdatas: Rdatas::single(rdata),
                    src,
                }],
                flags: NodeFlags::default(),
            }
        })
        .collect();
    let count = new_nodes.len();
    drop(info);
    drop((owner_info, owners, chain, order));
    merge_nodes(zone, new_nodes);
    Ok(Nsec3Stats { records: count, backend: backend.name() })
}

/// The chain order: indices into `hashes`, sorted by hash value, equal
/// hashes by index. One `u128` a name (the first 12 octets of the hash
/// above the index), sorted by value, so the sort reads no hash through an
/// index; names whose first 12 octets tie (never seen: about n²/2⁹⁷) are
/// put in order by the full comparison.
fn hash_order(hashes: &[[u8; 20]]) -> Vec<u32> {
    const INDEX: u128 = u32::MAX as u128;
    let mut keys: Vec<u128> = hashes
        .par_iter()
        .enumerate()
        .map(|(i, h)| {
            let mut prefix = [0u8; 16];
            prefix[..12].copy_from_slice(&h[..12]);
            u128::from_be_bytes(prefix) | i as u128
        })
        .collect();
    keys.par_sort_unstable();
    let index = |k: &u128| (k & INDEX) as usize;
    keys.par_chunk_by_mut(|a, b| a & !INDEX == b & !INDEX).filter(|run| run.len() > 1).for_each(
        |run| run.sort_unstable_by(|a, b| hashes[index(a)].cmp(&hashes[index(b)]).then(a.cmp(b))),
    );
    keys.into_iter().map(|k| index(&k) as u32).collect()
}

/// Per name of the chain, in the order of `owners`: the type bitmap its
/// NSEC3 carries (RFC 5155 §3.2.1) and where the name was read. Built in
/// parallel stretches, each with one octet vector for its bitmaps.
struct OwnerInfo {
    parts: Vec<OwnerInfoPart>,
}

struct OwnerInfoPart {
    /// The bitmaps, one after the other.
    bitmaps: Vec<u8>,
    /// End of each name's bitmap in `bitmaps`.
    ends: Vec<u32>,
    srcs: Vec<SourcePos>,
}

impl OwnerInfo {
    const PART: usize = 8192;

    fn gather(zone: &Zone, owners: &[usize]) -> OwnerInfo {
        let parts = owners
            .par_chunks(Self::PART)
            .map(|chunk| {
                let mut part = OwnerInfoPart {
                    bitmaps: Vec::with_capacity(chunk.len() * 4),
                    ends: Vec::with_capacity(chunk.len()),
                    srcs: Vec::with_capacity(chunk.len()),
                };
                let mut types: Vec<u16> = Vec::new();
                for &i in chunk {
                    let node = &zone.nodes[i];
                    nsec3_types(node, &mut types);
                    encode_type_bitmap_into(&mut types, &mut part.bitmaps);
                    part.ends.push(part.bitmaps.len() as u32);
                    part.srcs.push(node.rrsets.first().map(|r| r.src).unwrap_or_default());
                }
                part
            })
            .collect();
        OwnerInfo { parts }
    }

    /// The bitmap and source position of the `k`th name of `owners`.
    fn get(&self, k: usize) -> (&[u8], SourcePos) {
        let part = &self.parts[k / Self::PART];
        let j = k % Self::PART;
        let start = if j == 0 { 0 } else { part.ends[j - 1] as usize };
        (&part.bitmaps[start..part.ends[j] as usize], part.srcs[j])
    }
}

/// Merges NSEC3 nodes (sorted among themselves by hash, which is their
/// canonical order too: same length labels, base32hex preserves order) into
/// the zone's canonical order. A hashed name that already exists as a node
/// gets the NSEC3 RRset added to it.
fn merge_nodes(zone: &mut Zone, new_nodes: Vec<Node>) {
    // In place, from the back: the vector grows once and every node moves
    // at most once, so the zone is never held twice. Invariant: the slots
    // in `read..write` hold placeholders.
    let nodes = &mut zone.nodes;
    let old_len = nodes.len();
    nodes.reserve_exact(new_nodes.len());
    nodes.resize_with(old_len + new_nodes.len(), Node::placeholder);
    let (mut read, mut write) = (old_len, nodes.len());
    for y in new_nodes.into_iter().rev() {
        while read > 0 && nodes[read - 1].name.canonical_cmp(&y.name) == Ordering::Greater {
            read -= 1;
            write -= 1;
            nodes.swap(read, write);
        }
        write -= 1;
        if read > 0 && nodes[read - 1].name.canonical_cmp(&y.name) == Ordering::Equal {
            read -= 1;
            let mut x = std::mem::replace(&mut nodes[read], Node::placeholder());
            for r in y.rrsets {
                insert_rrset(&mut x, r);
            }
            nodes[write] = x;
        } else {
            nodes[write] = y;
        }
    }
    // One placeholder is left per hashed name that was already a node.
    nodes.drain(read..write);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 5155 §7.1 orders the chain by hash; `hash_order` sorts on the
    /// first 12 octets and must still order hashes that differ only after
    /// them, and keep equal hashes adjacent (the collision check reads
    /// neighbours).
    #[test]
    fn rfc5155_7_1_chain_order_past_the_sort_prefix() {
        let mut hashes = vec![[0u8; 20]; 6];
        hashes[0][19] = 9; // ties with 1, 2 and 5 on the prefix
        hashes[1][19] = 3;
        hashes[2][12] = 1;
        hashes[3][0] = 0xff;
        hashes[4][11] = 1;
        hashes[5][19] = 3; // equal to 1
        let order = hash_order(&hashes);
        let sorted: Vec<[u8; 20]> = order.iter().map(|&i| hashes[i as usize]).collect();
        let mut expected = hashes.clone();
        expected.sort();
        assert_eq!(sorted, expected);
        assert_eq!(order[..2], [1, 5], "equal hashes by index");
    }
}

/// RFC 5155 §7.1 with Opt-Out: "Each empty non-terminal MUST have a
/// corresponding NSEC3 RR, unless the empty non-terminal is only derived
/// from an insecure delegation covered by an Opt-Out NSEC3 RR." The ancestor
/// stack of `nsec3_owners` against the definition walked name by name
/// through an index of every name (the earlier implementation), on random
/// trees of delegations (secure and not), data and glue.
#[cfg(test)]
mod opt_out_ents {
    use super::*;
    use crate::load::{load_bytes, LoadOptions};
    use proptest::prelude::*;
    use std::collections::HashMap;

    fn reference(zone: &Zone) -> Vec<usize> {
        let mut needed = names_with_data_in_chain(zone, OptOut::Enabled);
        let index: HashMap<&Name, usize> =
            zone.nodes.iter().enumerate().map(|(i, n)| (&n.name, i)).collect();
        let mut ent = vec![false; zone.nodes.len()];
        for (i, n) in zone.nodes.iter().enumerate() {
            if !needed[i] {
                continue;
            }
            let mut cur = n.name.parent();
            while let Some(p) = cur {
                match index.get(&p) {
                    Some(&j) if zone.nodes[j].flags.contains(NodeFlags::ENT) && !ent[j] => {
                        ent[j] = true
                    }
                    _ => break,
                }
                cur = p.parent();
            }
        }
        for (i, e) in ent.into_iter().enumerate() {
            needed[i] |= e;
        }
        needed.iter().enumerate().filter(|(_, &b)| b).map(|(i, _)| i).collect()
    }

    fn label() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["a", "b", "c", "d-e", "x0"])
    }

    proptest! {
        #[test]
        fn rfc5155_7_1_opt_out_ents_match_the_definition(
            owners in prop::collection::vec((prop::collection::vec(label(), 1..5), 0u8..4), 0..40)
        ) {
            let mut src = String::from("$TTL 3600\n@ SOA ns h 1 2 3 4 5\n@ NS ns\n");
            for (labels, kind) in &owners {
                let name = format!("{}.example.", labels.join("."));
                src.push_str(&match kind {
                    0 => format!("{name} NS ns.other.\n"),
                    1 => format!("{name} NS ns.other.\n{name} DS 1 13 2 {}\n", "00".repeat(32)),
                    2 => format!("{name} TXT x\n"),
                    _ => format!("{name} A 192.0.2.1\n"),
                });
            }
            let origin = Name::parse(b"example.", &Name::root()).unwrap();
            let loaded = load_bytes(
                src.as_bytes(),
                std::path::Path::new("t.zone"),
                &LoadOptions::new(origin.clone()),
            )
            .unwrap();
            let Ok(zone) = Zone::build(loaded, &origin) else { return Ok(()) };
            prop_assert_eq!(nsec3_owners(&zone, OptOut::Enabled), reference(&zone));
        }
    }
}
