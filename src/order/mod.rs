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
//! index of the record's owner run (see [`sort_records`]) in the low 32
//! bits; keys that tie fall back to the full comparison. In a TLD zone the
//! key holds the TLD and the first octets of the child label, so most
//! comparisons are one 128-bit compare.
//!
//! # Determinism
//! Sorting is by (owner, type, RDATA, position in the input): the order of
//! a stable sort on the first three, with duplicates (records equal in all
//! three, dropped later) in input order. It is a parallel sort of (key, run
//! index) pairs, the full comparison within each run of equal keys, then a
//! stable sort by type and RDATA of each owner's records, which arrive in
//! input order; the result is the same for any thread count.

use rayon::prelude::*;

use crate::zone::name::canonical_cmp_wire;
use crate::zone::record::{Blocks, Record};

/// The first 16 octets of the order-preserving key of a wire-form name
/// (see the module documentation), big-endian, zero-padded.
pub fn canonical_prefix_key(wire: &[u8]) -> u128 {
    // Where the last eight labels start: each label takes at least two of
    // the key's sixteen octets (an octet and its terminator), so no more
    // than eight, from the right, reach it.
    let mut starts = [0u8; 8];
    let mut n = 0usize;
    let mut p = 0usize;
    while p < wire.len() && wire[p] != 0 && n < 128 {
        starts[n % 8] = p as u8;
        n += 1;
        p += 1 + wire[p] as usize;
    }
    let mut key = [0u8; 16];
    let mut k = 0usize;
    for i in (n.saturating_sub(8)..n).rev() {
        let start = starts[i % 8] as usize;
        let label = &wire[start + 1..start + 1 + wire[start] as usize];
        // Nearly always: no octet to escape, copied lowercased as it is
        // (a loop the compiler vectorises), checked after the copy.
        let take = label.len().min(16 - k);
        let mut lowest = u8::MAX;
        for (to, &b) in key[k..k + take].iter_mut().zip(label) {
            *to = b.to_ascii_lowercase();
            lowest = lowest.min(b);
        }
        if lowest > 1 {
            k += take;
        } else {
            k = escaped_label_key(label, &mut key, k);
        }
        if k >= 15 {
            // Full, or room for the terminator only, which is zero.
            break;
        }
        // Label terminator: already zero.
        k += 1;
    }
    u128::from_be_bytes(key)
}

/// The key octets of a label with an octet 0x00 or 0x01, written from
/// `key[k]`, escaped as 0x01 0x01 and 0x01 0x02; returns where the label
/// ends in the key (16 when it fills the key).
fn escaped_label_key(label: &[u8], key: &mut [u8; 16], mut k: usize) -> usize {
    for &b in label {
        let (x, y) = match b.to_ascii_lowercase() {
            0 => (1, Some(1)),
            1 => (1, Some(2)),
            b => (b, None),
        };
        for octet in std::iter::once(x).chain(y) {
            if k == 16 {
                return k;
            }
            key[k] = octet;
            k += 1;
        }
    }
    k
}

/// The sort of [`sort_records`] for records whose owners are already in
/// canonical order: then only each owner's records are sorted, by type and
/// RDATA. Returns false, leaving the records as they are, when the owners
/// are not in order.
pub fn sort_if_owners_in_order(records: &mut [Record], blocks: &Blocks) -> bool {
    let owner = |r: &Record| blocks.owner(r).as_wire();
    // A signed zone read back for verification has its owners in canonical
    // order already (each RRset followed by its RRSIGs, as zone files are
    // written): one pass of comparisons, then each owner's few records are
    // sorted by type and RDATA. With the owners in order, equal owners are
    // adjacent, so this is exactly the stable sort below.
    let owners_in_order = |w: &[Record]| {
        same_owner(blocks, &w[0], &w[1]) || canonical_cmp_wire(owner(&w[0]), owner(&w[1])).is_lt()
    };
    if !records.par_windows(2).all(owners_in_order) {
        return false;
    }
    records.par_chunk_by_mut(|a, b| same_owner(blocks, a, b)).for_each(|group| {
        sort_group(blocks, group);
        mark_owner(group);
    });
    true
}

/// Whether `a` and `b` have the same owner. Records of one owner run share
/// the owner entry; otherwise the names are compared, as octets (canonical
/// form: equal names are equal octets). Once sorted, records carry the
/// answer for their neighbour (`Record::continues_owner`).
#[inline]
fn same_owner(blocks: &Blocks, a: &Record, b: &Record) -> bool {
    (a.block, a.owner) == (b.block, b.owner)
        || blocks.owner(a).as_wire() == blocks.owner(b).as_wire()
}

/// Marks the records of one owner, in sorted order, for the build of the
/// zone's nodes (`Record::continues_owner`): all but the first.
fn mark_owner(group: &mut [Record]) {
    for (i, r) in group.iter_mut().enumerate() {
        r.continues_owner = i > 0;
    }
}

/// Puts one owner's records, in input order, in order by type and RDATA,
/// stably; as they are when each follows the one before it in its run
/// (`Record::follows_in_order`, never set on the first record of a run).
fn sort_group(blocks: &Blocks, group: &mut [Record]) {
    if !group.iter().skip(1).all(|r| r.follows_in_order) {
        group.sort_by(|a, b| by_type_rdata(blocks, a, b));
    }
}

/// Sorts records into canonical order: owner (RFC 4034 §6.1), then type,
/// then RDATA octets (§6.3). Records must already be in canonical form.
///
/// The sort works on *owner runs*, not records: the records that share one
/// owner entry of their block (a TLD delegation's NS records and its DS)
/// are adjacent in the input and move together. The runs are sorted by
/// owner as `u128` keys (see the module documentation); runs that spell the
/// same owner (written apart in the file) are then one group, and each
/// group's records are put in order by type and RDATA, which reads only
/// records that lie side by side. At TLD scale that halves the keys to
/// sort, and the full comparisons, which used to fetch two records and
/// their RDATA from anywhere in memory for every owner with more than one
/// record, become local.
///
/// The result comes in *segments*: vectors that, one after the other, hold
/// the sorted records, each starting with an owner's first record (no owner
/// spans two). The nodes are built from the last segment back and each is
/// freed once built ([`crate::zone::Zone::build`]), so the sorted records
/// and the nodes made of them never coexist in full, with nothing copied.
/// (One vector shrunk as it was used up was copied whenever the allocator
/// moved it: at .de scale 1.7 s on one thread, nearly all of it first
/// touches of the new pages.) Records whose owners are in order already are
/// sorted in place and come back as one segment.
pub fn sort_records(mut records: Vec<Record>, blocks: &Blocks) -> Vec<Vec<Record>> {
    // A signed zone read back for verification has its owners in canonical
    // order already.
    if sort_if_owners_in_order(&mut records, blocks) {
        return vec![records];
    }
    let owner = |r: &Record| blocks.owner(r).as_wire();
    // Owner runs, as (first record, end): records of one owner entry. Where
    // they start is found in parallel (40M records at .de scale).
    let entry = |i: usize| (records[i].block, records[i].owner);
    let mut starts: Vec<u32> = vec![0];
    starts.par_extend(
        (1..records.len()).into_par_iter().filter(|&i| entry(i - 1) != entry(i)).map(|i| i as u32),
    );
    starts.push(records.len() as u32);
    let runs: Vec<(u32, u32)> = starts.windows(2).map(|w| (w[0], w[1])).collect();
    drop(starts);
    let run_owner = |k: u128| owner(&records[runs[(k & INDEX) as usize].0 as usize]);
    // One u128 per run: the first 12 octets of its owner's key above the
    // run's index. The index as the last tie-break makes the unstable sort
    // give the stable order.
    const INDEX: u128 = u32::MAX as u128;
    let mut keys: Vec<u128> = runs
        .par_iter()
        .enumerate()
        .map(|(i, &(start, _))| {
            (canonical_prefix_key(owner(&records[start as usize])) & !INDEX) | i as u128
        })
        .collect();
    keys.par_sort_unstable();
    // Runs with one key prefix are ordered by the full owner comparison.
    let prefix = |k: &u128| k & !INDEX;
    keys.par_chunk_by_mut(|a, b| prefix(a) == prefix(b)).filter(|run| run.len() > 1).for_each(
        |tied| {
            tied.sort_unstable_by(|&a, &b| {
                // In canonical form equal octets are equal names.
                canonical_cmp_wire(run_owner(a), run_owner(b)).then(a.cmp(&b))
            })
        },
    );
    // The runs in owner order: independent loads, gathered in parallel.
    let sorted_runs: Vec<(u32, u32)> =
        keys.par_iter().map(|&k| runs[(k & INDEX) as usize]).collect();
    // Where each stretch of COPY runs starts among the sorted records, and
    // the groups of more than one run (one owner written in places apart
    // in the file: rare) as ranges of the sorted records. Runs of one owner
    // are adjacent now; only runs with one key prefix can be. Both in
    // parallel, a stretch of runs at a time: a stretch's groups are those
    // that start in it (the last may reach into the next stretch, which
    // skips it). (Tests use stretches of 4 runs, so that small inputs have
    // groups across stretches.)
    const COPY: usize = if cfg!(test) { 4 } else { 1 << 14 };
    let run_len = |i: usize| sorted_runs[i].1 - sorted_runs[i].0;
    let same_as_previous = |i: usize| {
        prefix(&keys[i]) == prefix(&keys[i - 1]) && run_owner(keys[i]) == run_owner(keys[i - 1])
    };
    let stretch_records: Vec<u32> =
        sorted_runs.par_chunks(COPY).map(|c| c.iter().map(|&(s, e)| e - s).sum()).collect();
    let mut copy_starts: Vec<u32> = Vec::with_capacity(stretch_records.len() + 1);
    let mut at = 0u32;
    for n in &stretch_records {
        copy_starts.push(at);
        at += n;
    }
    copy_starts.push(at);
    let merged: Vec<(u32, u32)> = (0..stretch_records.len())
        .into_par_iter()
        .flat_map_iter(|c| {
            let mut groups = Vec::new();
            let end = ((c + 1) * COPY).min(keys.len());
            let (mut i, mut at) = (c * COPY, copy_starts[c]);
            while i < end && i > 0 && same_as_previous(i) {
                at += run_len(i);
                i += 1;
            }
            while i < end {
                let group_start = at;
                at += run_len(i);
                i += 1;
                if i < keys.len() && same_as_previous(i) {
                    while i < keys.len() && same_as_previous(i) {
                        at += run_len(i);
                        i += 1;
                    }
                    groups.push((group_start, at));
                }
            }
            groups
        })
        .collect();
    // Segments of about SEGMENT_RECORDS records, each made of whole
    // stretches, each starting at a run that does not join the one before
    // it: no owner spans two segments. As stretch indexes, with the end.
    let mut segments: Vec<usize> = vec![0];
    let mut c = 0;
    while c < stretch_records.len() {
        c += 1;
        let last = *segments.last().expect("starts with 0");
        let big = copy_starts[c] - copy_starts[last] >= SEGMENT_RECORDS;
        if c < stretch_records.len() && big && !same_as_previous(c * COPY) {
            segments.push(c);
        }
    }
    segments.push(stretch_records.len());
    drop(keys);
    // The records themselves gathered in that order, each run a contiguous
    // copy, in parallel stretches (not an in-place permutation: following
    // a permutation's cycles is one dependent cache miss after another, a
    // third of a second for 2.3M records). For a moment there are two
    // record vectors, before any node exists. Each run is put in order by
    // type and RDATA as it is copied, stably ([`sort_group`]): it holds
    // its records in input order, and is all of its owner's but in the
    // merged groups.
    // Zeroed memory, not a filled vector: fresh pages stay unmapped until
    // the parallel copy below writes them (filling 1.3 GB of records at
    // .de scale took seconds on one thread, most of it page faults).
    let mut sorted: Vec<Vec<Record>> = segments
        .windows(2)
        .map(|w| Record::zeroed_vec((copy_starts[w[1]] - copy_starts[w[0]]) as usize))
        .collect();
    // Each stretch's place in its segment.
    let mut outs: Vec<&mut [Record]> = Vec::with_capacity(stretch_records.len());
    for (segment, w) in sorted.iter_mut().zip(segments.windows(2)) {
        let base = copy_starts[w[0]];
        let ranges: Vec<(u32, u32)> =
            copy_starts[w[0]..=w[1]].windows(2).map(|r| (r[0] - base, r[1] - base)).collect();
        outs.extend(split_ranges_mut(segment, &ranges));
    }
    outs.into_par_iter().zip(sorted_runs.par_chunks(COPY)).for_each(|(out, runs)| {
        let mut o = 0;
        for &(start, end) in runs {
            let n = (end - start) as usize;
            let run = &mut out[o..o + n];
            run.copy_from_slice(&records[start as usize..end as usize]);
            sort_group(blocks, run);
            // The first run of a merged group is marked again below.
            mark_owner(run);
            o += n;
        }
    });
    drop((sorted_runs, runs, records));
    // A merged group's runs are each in order, and in input order: the
    // stable sort of the whole group is the stable sort of its records as
    // they arrived. Each group lies in one segment.
    let mut slices: Vec<&mut [Record]> = Vec::with_capacity(merged.len());
    let mut groups = merged.as_slice();
    for (segment, w) in sorted.iter_mut().zip(segments.windows(2)) {
        let (base, end) = (copy_starts[w[0]], copy_starts[w[1]]);
        let n = groups.partition_point(|g| g.0 < end);
        let ranges: Vec<(u32, u32)> =
            groups[..n].iter().map(|g| (g.0 - base, g.1 - base)).collect();
        slices.extend(split_ranges_mut(segment, &ranges));
        groups = &groups[n..];
    }
    slices.par_iter_mut().for_each(|group| {
        group.sort_by(|a, b| by_type_rdata(blocks, a, b));
        mark_owner(group);
    });
    drop(slices);
    sorted
}

/// About how many records a segment of [`sort_records`] holds: it is made
/// of whole stretches of runs. (Small in tests, so that they have several.)
const SEGMENT_RECORDS: u32 = if cfg!(test) { 8 } else { 1 << 21 };

/// The order of one owner's records: type, then RDATA octets (RFC 4034
/// §6.3).
fn by_type_rdata(blocks: &Blocks, a: &Record, b: &Record) -> std::cmp::Ordering {
    a.rtype.cmp(&b.rtype).then_with(|| blocks.rdata(a).cmp(blocks.rdata(b)))
}

/// Disjoint mutable slices of `items` for ranges given in increasing order,
/// not overlapping.
pub(crate) fn split_ranges_mut<'a, T>(
    items: &'a mut [T],
    ranges: &[(u32, u32)],
) -> Vec<&'a mut [T]> {
    let mut slices = Vec::with_capacity(ranges.len());
    let mut rest = items;
    let mut done = 0u32;
    for &(start, end) in ranges {
        let (_, tail) = std::mem::take(&mut rest).split_at_mut((start - done) as usize);
        let (range, tail) = tail.split_at_mut((end - start) as usize);
        slices.push(range);
        rest = tail;
        done = end;
    }
    slices
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

    /// Names of up to 12 labels, short ones, so that more than the eight
    /// labels a key can hold are often there.
    fn deep_name() -> impl Strategy<Value = Name> {
        proptest::collection::vec(
            proptest::collection::vec(
                prop::sample::select(vec![0u8, 1, 2, b'a', b'Z', 0xff]),
                1..3,
            ),
            0..13,
        )
        .prop_map(|ls| {
            let mut n = Name::root();
            for l in ls {
                n = n.prepend_label(&l).unwrap_or(n);
            }
            n
        })
    }

    /// The key as the module documentation defines it, written out whole
    /// and cut to 16 octets.
    fn reference_key(name: &Name) -> u128 {
        let mut labels = Vec::new();
        let wire = name.as_wire();
        let mut p = 0;
        while wire[p] != 0 {
            labels.push(&wire[p + 1..p + 1 + wire[p] as usize]);
            p += 1 + wire[p] as usize;
        }
        let mut octets = Vec::new();
        for label in labels.iter().rev() {
            for b in label.iter().map(u8::to_ascii_lowercase) {
                match b {
                    0 => octets.extend([1, 1]),
                    1 => octets.extend([1, 2]),
                    b => octets.push(b),
                }
            }
            octets.push(0);
        }
        octets.resize(16.max(octets.len()), 0);
        u128::from_be_bytes(octets[..16].try_into().unwrap())
    }

    proptest! {
        /// The key is the documented one, for names with octets to escape,
        /// long labels and more labels than the key holds.
        #[test]
        fn prefix_key_is_the_documented_octet_string(a in name(), b in deep_name()) {
            prop_assert_eq!(canonical_prefix_key(a.as_wire()), reference_key(&a));
            prop_assert_eq!(canonical_prefix_key(b.as_wire()), reference_key(&b));
        }

        /// `sort_records` is the stable sort by (owner per RFC 4034 §6.1,
        /// type, RDATA octets), for shuffled input and for input already in
        /// order (the pass that skips the sort), and with only the owners in
        /// order; and it marks exactly the records that continue an owner.
        #[test]
        fn sort_records_is_the_stable_canonical_sort(
            entries in proptest::collection::vec((name(), 0u16..4, proptest::collection::vec(0u8..3, 0..3), any::<bool>()), 0..60),
            unmarked in proptest::collection::hash_set(0usize..60, 0..10),
        ) {
            use crate::zone::record::{BlockWriter, SourcePos};
            use crate::zone::rtype::{Class, Rtype};
            let mut w = BlockWriter::new();
            let mut records: Vec<Record> = entries
                .into_iter()
                .enumerate()
                .map(|(i, (owner, t, rdata, same_run))| {
                    // Records of one owner run share its entry, as the
                    // parser writes a blank owner field.
                    if i == 0 || !same_run {
                        w.set_owner(owner.to_lowercase());
                    }
                    w.push(Rtype(t), Class::IN, 0, &rdata, SourcePos { file: 0, line: i as u32 })
                })
                .collect();
            let blocks = w.blocks;
            // What canonicalization marks (`Record::follows_in_order`), but
            // for the records `unmarked` picks: unknown is always allowed.
            let mark = |records: &mut [Record]| {
                for i in 1..records.len() {
                    let (prev, r) = (records[i - 1], records[i]);
                    records[i].follows_in_order = !unmarked.contains(&i)
                        && (prev.block, prev.owner) == (r.block, r.owner)
                        && by_type_rdata(&blocks, &prev, &r).is_le();
                }
            };
            mark(&mut records);
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
            // Every record but an owner's first continues its owner.
            let continued = |v: &mut Vec<Record>| {
                for i in 0..v.len() {
                    v[i].continues_owner = i > 0 && blocks.owner(&v[i - 1]) == blocks.owner(&v[i]);
                }
            };
            continued(&mut expected);
            // Segments start at an owner's first record.
            let sorted = |records: Vec<Record>| -> Vec<Record> {
                let segments = sort_records(records, &blocks);
                for w in segments.windows(2) {
                    if let (Some(last), Some(first)) = (w[0].last(), w[1].first()) {
                        assert_ne!(blocks.owner(last), blocks.owner(first));
                    }
                }
                segments.concat()
            };
            let got = sorted(records.clone());
            prop_assert_eq!(keys(&got), keys(&expected));
            prop_assert_eq!(&got, &expected);
            let got = sorted(got);
            prop_assert_eq!(&got, &expected);
            // Owners in order, types and RDATA not (a zone file as written).
            records.sort_by(|a, b| blocks.owner(a).canonical_cmp(blocks.owner(b)));
            records.iter_mut().for_each(|r| r.rtype = Rtype(3 - r.rtype.0));
            mark(&mut records);
            let mut expected = records.clone();
            reference(&mut expected);
            continued(&mut expected);
            prop_assert_eq!(&sorted(records), &expected);
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
