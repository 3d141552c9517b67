//! Canonical order and form (RFC 4034 §6).
//!
//! # Background
//! RFC 4034 §6.1 orders owner names; §6.3 orders the RRs of an RRset "by
//! treating the RDATA portion of the canonical form of each RR as a
//! left-justified unsigned octet sequence in which the absence of an octet
//! sorts before a zero octet". Between RRsets of one owner we order by type
//! number, so a zone has exactly one order.
//!
//! # Sort keys
//! Comparing two names label by label from the right is the hot spot of
//! loading (a third of its time, measured with `perf` on a 200k-delegation
//! zone). Each record gets a 128-bit key once: the first 16 octets of an
//! octet string whose plain byte order *is* the canonical order — the
//! labels from the rightmost, lowercased, each followed by a 0x00
//! terminator, with 0x00 and 0x01 inside a label escaped as 0x01 0x01 and
//! 0x01 0x02. A terminator sorts before every octet of a longer label, and
//! a name that is a suffix of another yields a prefix of its key, so it
//! sorts first, as §6.1 requires. The sort uses the first 12 octets with the
//! record's position in the low 32 bits; keys that tie fall back to the full
//! comparison. In a TLD zone the key holds the TLD and the first octets of
//! the child label, so most comparisons are one 128-bit compare.
//!
//! # Determinism
//! Sorting is by (owner, type, RDATA, position in the input): the order of
//! a stable sort on the first three, with duplicates (records equal in all
//! three, dropped later) in input order. It is a parallel sort of
//! (key, position) pairs, then the full comparison within each run of equal
//! keys; the result is the same for any thread count.

use rayon::prelude::*;

use crate::zone::name::canonical_cmp_wire;
use crate::zone::record::{Blocks, Record};

/// The first 16 octets of the order-preserving key of a wire-form name
/// (see the module documentation), big-endian, zero-padded.
pub fn canonical_prefix_key(wire: &[u8]) -> u128 {
    let mut offsets = [0u8; 128];
    let mut n = 0usize;
    let mut p = 0usize;
    while p < wire.len() && wire[p] != 0 && n < 128 {
        offsets[n] = p as u8;
        n += 1;
        p += 1 + wire[p] as usize;
    }
    let mut key = [0u8; 16];
    let mut k = 0usize;
    'labels: for i in (0..n).rev() {
        let start = offsets[i] as usize;
        let len = wire[start] as usize;
        for &b in &wire[start + 1..start + 1 + len] {
            let b = b.to_ascii_lowercase();
            let (x, y) = match b {
                0 => (1, Some(1)),
                1 => (1, Some(2)),
                b => (b, None),
            };
            if k == 16 {
                break 'labels;
            }
            key[k] = x;
            k += 1;
            if let Some(y) = y {
                if k == 16 {
                    break 'labels;
                }
                key[k] = y;
                k += 1;
            }
        }
        if k == 16 {
            break;
        }
        // Label terminator: already zero.
        k += 1;
        if k >= 16 {
            break;
        }
    }
    u128::from_be_bytes(key)
}

/// The sort of [`sort_records`] for records whose owners are already in
/// canonical order: then only each owner's records are sorted, by type and
/// RDATA. Returns false, leaving the records as they are, when the owners
/// are not in order.
pub fn sort_if_owners_in_order(records: &mut [Record], blocks: &Blocks) -> bool {
    let owner = |r: &Record| blocks.owner(r).as_wire();
    let rdata = |r: &Record| blocks.rdata(r);
    // Records of one owner run share the owner entry: equal without a look.
    let same_owner =
        |a: &Record, b: &Record| (a.block, a.owner) == (b.block, b.owner) || owner(a) == owner(b);
    // A signed zone read back for verification has its owners in canonical
    // order already (each RRset followed by its RRSIGs, as zone files are
    // written): one pass of comparisons, then each owner's few records are
    // sorted by type and RDATA. With the owners in order, equal owners are
    // adjacent, so this is exactly the stable sort below.
    let owners_in_order = |w: &[Record]| {
        same_owner(&w[0], &w[1]) || canonical_cmp_wire(owner(&w[0]), owner(&w[1])).is_lt()
    };
    if !records.par_windows(2).all(owners_in_order) {
        return false;
    }
    records.par_chunk_by_mut(same_owner).for_each(|group| {
        group.sort_by(|a, b| a.rtype.cmp(&b.rtype).then_with(|| rdata(a).cmp(rdata(b))))
    });
    true
}

/// Sorts records into canonical order: owner (RFC 4034 §6.1), then type,
/// then RDATA octets (§6.3). Records must already be in canonical form.
pub fn sort_records(records: &mut [Record], blocks: &Blocks) {
    // A signed zone read back for verification has its owners in canonical
    // order already.
    if sort_if_owners_in_order(records, blocks) {
        return;
    }
    let owner = |r: &Record| blocks.owner(r).as_wire();
    let rdata = |r: &Record| blocks.rdata(r);
    // Records of one owner run share the owner entry: equal without a look.
    let same_owner =
        |a: &Record, b: &Record| (a.block, a.owner) == (b.block, b.owner) || owner(a) == owner(b);
    // One u128 per record, sorted by value (no indirection in the common
    // comparison, 16 octets a record): the first 12 octets of the key
    // above the record's position. The position as the last tie-break makes
    // the unstable sort give exactly the stable order.
    const POSITION: u128 = u32::MAX as u128;
    let mut order: Vec<u128> = records
        .par_iter()
        .enumerate()
        .map(|(i, r)| (canonical_prefix_key(owner(r)) & !POSITION) | i as u128)
        .collect();
    order.par_sort_unstable();
    // Runs with one key prefix (mostly the records of one owner) are
    // ordered by the full comparison.
    let prefix = |k: &u128| k & !POSITION;
    order.par_chunk_by_mut(|a, b| prefix(a) == prefix(b)).filter(|run| run.len() > 1).for_each(
        |run| {
            run.sort_unstable_by(|&a, &b| {
                let (a, b) = ((a & POSITION) as usize, (b & POSITION) as usize);
                let (ra, rb) = (&records[a], &records[b]);
                // In canonical form equal octets are equal names.
                let owners = if same_owner(ra, rb) {
                    std::cmp::Ordering::Equal
                } else {
                    canonical_cmp_wire(owner(ra), owner(rb))
                };
                owners
                    .then(ra.rtype.cmp(&rb.rtype))
                    .then_with(|| rdata(ra).cmp(rdata(rb)))
                    .then(a.cmp(&b))
            })
        },
    );
    let order: Vec<u32> = order.into_iter().map(|k| (k & POSITION) as u32).collect();
    apply_permutation(records, order);
}

/// Reorders `items` so that position i receives the element that was at
/// `order[i]`, in place: each cycle of the permutation is followed once
/// with swaps (no second vector of records at TLD scale; `order` marks
/// what is done).
fn apply_permutation<T>(items: &mut [T], mut order: Vec<u32>) {
    const DONE: u32 = u32::MAX;
    for start in 0..items.len() {
        if order[start] == DONE {
            continue;
        }
        let mut at = start;
        loop {
            let from = order[at] as usize;
            order[at] = DONE;
            if from == start {
                break;
            }
            // Position `at` takes the element from `from`; the element
            // that belongs to the cycle's start travels on to `from`.
            items.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zone::name::Name;
    use proptest::prelude::*;

    fn label() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            proptest::collection::vec(
                prop::sample::select(vec![0u8, 1, 2, b'a', b'A', b'b', b'z', b'*', 0xff]),
                1..6
            ),
            proptest::collection::vec(any::<u8>(), 1..20),
        ]
    }

    fn name() -> impl Strategy<Value = Name> {
        proptest::collection::vec(label(), 0..5).prop_map(|ls| {
            let mut n = Name::root();
            for l in ls {
                n = n.prepend_label(&l).unwrap_or(n);
            }
            n
        })
    }

    proptest! {
        /// The in-place permutation equals the plain gather.
        #[test]
        fn apply_permutation_matches_gather(perm in Just((0u32..200).collect::<Vec<u32>>()).prop_shuffle()) {
            let items: Vec<u32> = (0..perm.len() as u32).map(|i| i * 7 + 1).collect();
            let expected: Vec<u32> = perm.iter().map(|&i| items[i as usize]).collect();
            let mut got = items.clone();
            apply_permutation(&mut got, perm);
            prop_assert_eq!(got, expected);
        }

        /// `sort_records` is the stable sort by (owner per RFC 4034 §6.1,
        /// type, RDATA octets), for shuffled input and for input already in
        /// order (the pass that skips the sort), and with only the owners in order.
        #[test]
        fn sort_records_is_the_stable_canonical_sort(
            entries in proptest::collection::vec((name(), 0u16..4, proptest::collection::vec(0u8..3, 0..3)), 0..60)
        ) {
            use crate::zone::record::{BlockWriter, SourcePos};
            use crate::zone::rtype::{Class, Rtype};
            let mut w = BlockWriter::new();
            let mut records: Vec<Record> = entries
                .into_iter()
                .enumerate()
                .map(|(i, (owner, t, rdata))| {
                    w.set_owner(owner.to_lowercase());
                    w.push(Rtype(t), Class::IN, 0, &rdata, SourcePos { file: 0, line: i as u32 })
                })
                .collect();
            let blocks = w.blocks;
            let key = |r: &Record| (blocks.owner(r).clone(), r.rtype, blocks.rdata(r).to_vec());
            let reference = |v: &mut Vec<Record>| {
                v.sort_by(|a, b| {
                    let (a, b) = (blocks.resolve(a), blocks.resolve(b));
                    a.owner.canonical_cmp(b.owner).then(a.rtype.cmp(&b.rtype)).then_with(|| a.rdata.cmp(b.rdata))
                })
            };
            let keys = |v: &[Record]| v.iter().map(key).collect::<Vec<_>>();
            let mut expected = records.clone();
            reference(&mut expected);
            let mut got = records.clone();
            sort_records(&mut got, &blocks);
            prop_assert_eq!(keys(&got), keys(&expected));
            prop_assert_eq!(&got, &expected);
            sort_records(&mut got, &blocks);
            prop_assert_eq!(&got, &expected);
            // Owners in order, types and RDATA not (a zone file as written).
            records.sort_by(|a, b| blocks.owner(a).canonical_cmp(blocks.owner(b)));
            records.iter_mut().for_each(|r| r.rtype = Rtype(3 - r.rtype.0));
            let mut by_owner = records;
            let mut expected = by_owner.clone();
            reference(&mut expected);
            sort_records(&mut by_owner, &blocks);
            prop_assert_eq!(&by_owner, &expected);
        }

        /// The prefix key never contradicts the reference comparator of
        /// RFC 4034 §6.1 (`Name::canonical_cmp`, itself pinned to the RFC's
        /// example list): key(a) < key(b) implies a < b.
        #[test]
        fn prefix_key_agrees_with_canonical_order(a in name(), b in name()) {
            let (ka, kb) = (canonical_prefix_key(a.as_wire()), canonical_prefix_key(b.as_wire()));
            let reference = a.canonical_cmp(&b);
            if ka != kb {
                prop_assert_eq!(ka.cmp(&kb), reference);
            }
            if reference == std::cmp::Ordering::Equal {
                prop_assert_eq!(ka, kb);
            }
        }
    }
}
