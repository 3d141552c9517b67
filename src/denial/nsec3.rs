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
    /// The origin leaves no room for a hashed owner name. RFC 5155 §3:
    /// "The owner name for the NSEC3 RR is the base32 encoding of the
    /// hashed owner name prepended as a single label to the name of the
    /// zone": 33 octets more, and a name has at most 255 (RFC 1035
    /// §2.3.4).
    OriginTooLong { origin: Name },
}

impl fmt::Display for DenialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DenialError::HashCollision { first, second } => write!(
                f,
                "NSEC3 hash collision: {first} and {second} have the same hash with these parameters; choose another salt (--salt)"
            ),
            DenialError::OriginTooLong { origin } => write!(
                f,
                "the origin {origin} is too long for NSEC3: a 32-character hash label before it would make names over 255 octets (RFC 5155 §3, RFC 1035 §2.3.4); use NSEC"
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
    let ent_needed: Vec<bool> = match opt_out {
        OptOut::Disabled => zone
            .nodes
            .par_iter()
            .map(|n| n.flags.contains(NodeFlags::ENT) && n.flags.is_authoritative())
            .collect(),
        // Each name in the chain marks the empty non-terminals right above
        // it, on every thread.
        OptOut::Enabled => zone.empty_ancestors_of(|i| needed[i]),
    };
    needed.par_iter_mut().zip(ent_needed).for_each(|(n, e)| *n |= e);
    needed.par_iter().enumerate().filter(|(_, &b)| b).map(|(i, _)| i).collect()
}

/// Per node: whether it owns authoritative data that is in the chain (every
/// such name, but insecure delegations under Opt-Out); empty non-terminals
/// are decided after.
fn names_with_data_in_chain(zone: &Zone, opt_out: OptOut) -> Vec<bool> {
    let insecure =
        |n: &Node| n.flags.contains(NodeFlags::DELEGATION) && n.rrset(Rtype::DS).is_none();
    zone.nodes
        .par_iter()
        .map(|n| {
            n.flags.is_authoritative()
                && !n.flags.contains(NodeFlags::ENT)
                && (opt_out == OptOut::Disabled || !insecure(n))
                && !is_nsec3_node(n)
        })
        .collect()
}

/// The SHA-1 hash `name` spells if it can own an NSEC3 record of a chain
/// of `origin`: a single base32hex label of a hash directly below the
/// apex (RFC 5155 §3: "The owner name for the NSEC3 RR is the hash of the
/// original owner name, prepended as a single label to the zone name"),
/// 20 octets, 32 characters (SHA-1, §11, the one hash algorithm). Such a
/// name may also own ordinary data (RFC 5155 Appendix A has
/// `2t7b4g4vsa5smi47k61mv5bv1a22bojr.example. A`).
pub fn owner_hash(origin: &Name, name: &Name) -> Option<[u8; 20]> {
    let wire = name.as_wire();
    let len = *wire.first()? as usize;
    // One label, then exactly the apex (canonical form: lowercase).
    if len == 0 || !wire.get(1 + len..)?.eq_ignore_ascii_case(origin.as_wire()) {
        return None;
    }
    let mut upper = [0u8; 63];
    let label = upper.get_mut(..len)?;
    label.copy_from_slice(wire.get(1..1 + len)?);
    label.make_ascii_uppercase();
    let mut hash = [0u8; 20];
    if BASE32HEX_NOPAD.decode_len(len).ok()? != hash.len() {
        return None;
    }
    BASE32HEX_NOPAD.decode_mut(label, &mut hash).ok()?;
    Some(hash)
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
    if zone.origin.as_wire().len() + 33 > 255 {
        return Err(DenialError::OriginTooLong { origin: zone.origin.clone() });
    }
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
        let names: Vec<&[u8]> = owners.par_iter().map(|&i| zone.nodes[i].name.as_wire()).collect();
        // Each batch on whichever thread takes it: a name's hash depends on
        // nothing else, so the result is the same for any split.
        names.par_chunks(HASH_BATCH).zip(hashes.par_chunks_mut(HASH_BATCH)).for_each(
            |(names, hashes)| {
                nsec3_hash_batch(backend, names, &params.salt, params.iterations, hashes)
            },
        );
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

/// Names hashed per call of [`nsec3_hash_batch`] (which groups them by
/// length into SIMD lanes): enough that the few part-filled lane groups at
/// each batch's end cost nothing, few enough to spread over every core.
const HASH_BATCH: usize = if cfg!(test) { 5 } else { 4096 };

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
///
/// Where each NSEC3 node goes is found first, on every thread
/// ([`insertion_points`]); the sequential pass then only moves nodes,
/// reading no names.
fn merge_nodes(zone: &mut Zone, new_nodes: Vec<Node>) {
    let apex_labels = zone.origin.label_count();
    let points: Vec<Vec<(usize, bool)>> = new_nodes
        .par_chunks(MERGE_PIECE)
        .map(|piece| insertion_points(&zone.nodes, piece, apex_labels))
        .collect();
    // In place, from the back: the vector grows once and every node moves
    // at most once, so the zone is never held twice. Invariant: the slots
    // in `read..write` hold placeholders.
    let nodes = &mut zone.nodes;
    let old_len = nodes.len();
    nodes.reserve_exact(new_nodes.len());
    nodes.resize_with(old_len + new_nodes.len(), Node::placeholder);
    let (mut read, mut write) = (old_len, nodes.len());
    let points = points.iter().rev().flat_map(|piece| piece.iter().rev());
    for (y, &(at, same_name)) in new_nodes.into_iter().rev().zip(points) {
        // The nodes that sort after `y` move up past the placeholders.
        let stop = at + usize::from(same_name);
        while read > stop {
            read -= 1;
            write -= 1;
            nodes.swap(read, write);
        }
        write -= 1;
        if same_name {
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

/// NSEC3 nodes per piece of [`insertion_points`].
const MERGE_PIECE: usize = if cfg!(test) { 3 } else { 16 << 10 };

/// For each of `piece` (consecutive NSEC3 nodes, in order): the number of
/// `nodes` that sort before it, and whether the node at that place has the
/// same name. One binary search for the piece's first node, then one walk
/// over the nodes up to the piece's last: over all pieces, about one
/// comparison per node, as a sequential merge makes.
fn insertion_points(nodes: &[Node], piece: &[Node], apex_labels: usize) -> Vec<(usize, bool)> {
    let cmp =
        |x: &Node, hash_label: &[u8]| cmp_to_hashed(x.name.as_wire(), apex_labels, hash_label);
    let Some(first) = piece.first() else { return Vec::new() };
    let first = hash_label_of(first);
    let mut at = nodes.partition_point(|x| cmp(x, first) == Ordering::Less);
    piece
        .iter()
        .map(|y| {
            let hash_label = hash_label_of(y);
            while at < nodes.len() && cmp(&nodes[at], hash_label) == Ordering::Less {
                at += 1;
            }
            let same_name = at < nodes.len() && cmp(&nodes[at], hash_label) == Ordering::Equal;
            (at, same_name)
        })
        .collect()
}

/// The leftmost label of an NSEC3 node's name: the hash.
fn hash_label_of(y: &Node) -> &[u8] {
    let wire = y.name.as_wire();
    &wire[1..1 + usize::from(wire[0])]
}

/// RFC 4034 §6.1 canonical order of a zone name `x` (wire form, at or
/// below the apex, which has `apex_labels` labels) against the hashed owner
/// name `<hash_label>.<apex>`: what `canonical_cmp_wire` returns, without
/// its label tables. Names are compared "by their most significant
/// (rightmost) labels" first; all of `x` above its label just below the
/// apex is the apex, so that label decides, and when it is the hash label
/// `x` is the hashed name itself or a name below it, which sorts after.
/// Zone names are in canonical form (lowercase), as the hash label is, so
/// labels compare as plain octet strings.
fn cmp_to_hashed(x: &[u8], apex_labels: usize, hash_label: &[u8]) -> Ordering {
    let mut labels = 0usize;
    let mut p = 0;
    while p < x.len() && x[p] != 0 {
        labels += 1;
        p += 1 + usize::from(x[p]);
    }
    // The zone holds only names at or below the apex (`Zone::build`).
    let below = labels.saturating_sub(apex_labels);
    if below == 0 {
        // The apex sorts before every name below it.
        return Ordering::Less;
    }
    let mut p = 0;
    for _ in 1..below {
        p += 1 + usize::from(x[p]);
    }
    let label = &x[p + 1..p + 1 + usize::from(x[p])];
    label.cmp(hash_label).then(if below == 1 { Ordering::Equal } else { Ordering::Greater })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zone::name::canonical_cmp_wire;
    use proptest::prelude::*;

    /// A lowercase label of 1 to 40 octets from a small alphabet, so that
    /// labels often share prefixes or equal the hash label.
    fn label() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            proptest::collection::vec(prop::sample::select(b"0v-a\x00\xff".to_vec()), 1..40),
            Just(b"0v0v0v0v0v0v0v0v0v0v0v0v0v0v0v0v".to_vec()),
        ]
    }

    fn wire(labels: &[Vec<u8>]) -> Vec<u8> {
        let mut w = Vec::new();
        for l in labels {
            w.push(l.len() as u8);
            w.extend_from_slice(l);
        }
        w.push(0);
        w
    }

    /// A name that is also a hashed owner name (here the hash of the apex
    /// with RFC 5155 Appendix A's salt and iterations): the chain's node
    /// for it is that node, which keeps its data and gains the NSEC3
    /// RRset; every other node stays where canonical order puts it.
    #[test]
    fn rfc5155_appendix_a_hashed_name_that_is_already_a_node() {
        use crate::load::{load_bytes, LoadOptions};
        let origin = Name::parse(b"example.", &Name::root()).unwrap();
        let text = b"$TTL 3600\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n\
            0p9mhaveqvm6t7vbl5lop2u3t2rp3tom TXT \"here first\"\n\
            a TXT a\nb TXT b\nc.d TXT c\nz TXT z\nzz.z TXT zz\n";
        let loaded =
            load_bytes(text, std::path::Path::new("a.zone"), &LoadOptions::new(origin.clone()))
                .unwrap();
        let mut zone = Zone::build(loaded, &origin).unwrap();
        let before = zone.nodes.len();
        let params = Nsec3Params {
            iterations: 12,
            salt: vec![0xaa, 0xbb, 0xcc, 0xdd],
            opt_out: OptOut::Disabled,
        };
        let stats = generate_nsec3s(&mut zone, &params, 3600, Backend::Scalar).unwrap();
        assert_eq!(zone.nodes.len(), before + stats.records - 1);
        for w in zone.nodes.windows(2) {
            assert_eq!(
                w[0].name.canonical_cmp(&w[1].name),
                Ordering::Less,
                "{} {}",
                w[0].name,
                w[1].name
            );
        }
        let hashed =
            Name::parse(b"0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example.", &Name::root()).unwrap();
        let node = zone.nodes.iter().find(|n| n.name == hashed).unwrap();
        assert!(node.rrset(Rtype::TXT).is_some() && node.rrset(Rtype::NSEC3).is_some());
        let nsec3s = zone.nodes.iter().filter(|n| n.rrset(Rtype::NSEC3).is_some()).count();
        assert_eq!(nsec3s, stats.records);
    }

    /// The sequential pass `nsec3_owners` had before its Opt-Out marks
    /// were made on every thread: a stack of the current name's ancestors.
    fn opt_out_owners_by_stack(zone: &Zone) -> Vec<usize> {
        let mut needed = names_with_data_in_chain(zone, OptOut::Enabled);
        let mut ent_needed = vec![false; zone.nodes.len()];
        let mut stack: Vec<usize> = Vec::new();
        for (i, n) in zone.nodes.iter().enumerate() {
            while let Some(&top) = stack.last() {
                if n.name.is_subdomain_of(&zone.nodes[top].name) {
                    break;
                }
                stack.pop();
            }
            if needed[i] {
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
        for (i, e) in ent_needed.into_iter().enumerate() {
            needed[i] |= e;
        }
        needed.iter().enumerate().filter(|(_, &b)| b).map(|(i, _)| i).collect()
    }

    proptest! {
        /// RFC 5155 §7.1 with Opt-Out: empty non-terminals above a name in
        /// the chain are in it, those above only insecure delegations are
        /// not. The parallel marks agree with the stack they replaced, on
        /// zones of names one to four labels deep with delegations (some
        /// secure), glue and data.
        #[test]
        fn rfc5155_7_1_opt_out_empty_non_terminals_match_the_stack(
            entries in proptest::collection::vec(
                (proptest::collection::vec(prop::sample::select(vec!["a", "b", "c"]), 1..5), 0..4usize),
                1..40,
            )
        ) {
            use crate::load::{load_bytes, LoadOptions};
            let origin = Name::parse(b"example.", &Name::root()).unwrap();
            let mut text = String::from("$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n");
            for (labels, kind) in &entries {
                let owner = labels.join(".");
                text += &match kind {
                    0 => format!("{owner} NS ns.other.\n"),
                    1 => format!("{owner} NS ns.other.\n{owner} DS 1 13 2 {}\n", "00".repeat(32)),
                    2 => format!("{owner} A 192.0.2.2\n"),
                    _ => format!("{owner} TXT x\n"),
                };
            }
            let loaded = load_bytes(text.as_bytes(), std::path::Path::new("o.zone"), &LoadOptions::new(origin.clone()))
                .unwrap();
            // Data below a delegation is glue or occluded, which builds; a
            // zone that does not build is not this test's business.
            let zone = Zone::build(loaded, &origin);
            prop_assume!(zone.is_ok());
            let zone = zone.unwrap();
            let by_stack = opt_out_owners_by_stack(&zone);
            prop_assert_eq!(nsec3_owners(&zone, OptOut::Enabled), by_stack);
        }

        /// `merge_nodes` puts the chain into the zone with `cmp_to_hashed`:
        /// it must be RFC 4034 §6.1 order, as `canonical_cmp_wire` has it.
        #[test]
        fn rfc4034_6_1_order_against_hashed_names(
            apex in proptest::collection::vec(label(), 0..3),
            below in proptest::collection::vec(label(), 0..4),
            hash in prop_oneof![Just(b"0v0v0v0v0v0v0v0v0v0v0v0v0v0v0v0v".to_vec()), label()],
        ) {
            let x = wire(&[below, apex.clone()].concat());
            let hashed = wire(&[vec![hash.clone()], apex.clone()].concat());
            prop_assert_eq!(
                cmp_to_hashed(&x, apex.len(), &hash),
                canonical_cmp_wire(&x, &hashed)
            );
        }
    }

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

/// RFC 5155 §3 and RFC 1035 §2.3.4: an origin of more than 222 octets
/// leaves no room for the hash label. Refused before the chain is built
/// (it used to be found by the final verification only, as bad owners).
#[test]
fn rfc5155_section_3_origin_too_long_for_a_hash_label() {
    use crate::load::{load_bytes, LoadOptions};
    for (labels, refused) in [(3usize, false), (4, true)] {
        // 3 labels of 60: 184 octets with `example.`; 4: 245.
        let text = (0..labels).map(|_| "a".repeat(60)).collect::<Vec<_>>().join(".");
        let origin = Name::parse(format!("{text}.example.").as_bytes(), &Name::root()).unwrap();
        let src = "$TTL 3600\n@ SOA ns.other. h.other. 1 2 3 4 5\n@ NS ns.other.\n";
        let opts = LoadOptions::new(origin.clone());
        let loaded = load_bytes(src.as_bytes(), std::path::Path::new("t.zone"), &opts).unwrap();
        let mut zone = Zone::build(loaded, &origin).unwrap();
        let params = Nsec3Params { iterations: 0, salt: Vec::new(), opt_out: OptOut::Disabled };
        let got = generate_nsec3s(&mut zone, &params, 300, Backend::Scalar);
        assert_eq!(matches!(got, Err(DenialError::OriginTooLong { .. })), refused, "{labels}");
    }
}
