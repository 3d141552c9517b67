//! The RDATA of one RRset, packed into one allocation, and shared between
//! RRsets that hold the same RDATA.
//!
//! # Layout
//! Each RDATA as a two-octet big-endian length followed by its octets, one
//! after the other, in the order given (for a zone's RRsets: canonical
//! order, RFC 4034 §6.3). RDATA is at most 65,535 octets (RFC 1035 §3.2.1),
//! so the length always fits.
//!
//! The packed octets are either the RRset's own (`Box<[u8]>`, 16 octets in
//! the RRset) or shared with other RRsets (`Arc<Box<[u8]>>`: the enum of
//! both stays 16 octets, the shared variant taking the slot of the box's
//! length). Which one an RRset holds is invisible: equality, iteration and
//! every accessor see only the octets.
//!
//! # Background
//! At TLD scale most RRsets hold one or two short RDATAs (NS, DS, NSEC3,
//! RRSIG). As a `Vec<Box<[u8]>>` each RRset cost a vector header, a heap
//! block of pointers and one heap block per RDATA, each with the
//! allocator's header and rounding: about 30 octets of overhead per RDATA
//! and as many allocations as records. Packed, an RRset is one box of
//! exactly the octets it needs (two per RDATA for the length).
//!
//! Most delegations of a TLD name the name servers of a hosting provider
//! that serves thousands of others: the generated 1M-delegation zone of
//! `tools/compare` has 147,244 distinct NS RRsets among 1,000,000
//! delegations. [`ShareTable`] hands out one shared copy of each NS RRset
//! it has met before, so that such a delegation's NS RDATA costs no heap
//! block of its own.

use std::fmt;
use std::sync::Arc;

/// The RDATAs of one RRset: see the module documentation for the layout.
#[derive(Clone)]
pub struct Rdatas(Packed);

#[derive(Clone)]
enum Packed {
    Own(Box<[u8]>),
    Shared(Arc<Box<[u8]>>),
}

const _: () = assert!(std::mem::size_of::<Rdatas>() == 16);

impl Default for Rdatas {
    fn default() -> Rdatas {
        Rdatas(Packed::Own(Box::default()))
    }
}

impl PartialEq for Rdatas {
    fn eq(&self, other: &Rdatas) -> bool {
        self.packed() == other.packed()
    }
}

impl Eq for Rdatas {}

/// Appends `rdatas` to `packed` in the layout of the module documentation.
/// Panics if one is longer than 65,535 octets (no parser or signer makes one).
fn pack_into<'a>(rdatas: impl Iterator<Item = &'a [u8]>, packed: &mut Vec<u8>) {
    for r in rdatas {
        let len = u16::try_from(r.len()).expect("RDATA is at most 65535 octets");
        packed.extend_from_slice(&len.to_be_bytes());
        packed.extend_from_slice(r);
    }
}

impl Rdatas {
    /// Packs `rdatas` in the order given. Panics if one is longer than
    /// 65,535 octets (no parser or signer makes one).
    pub fn from_slices<'a, I>(rdatas: I) -> Rdatas
    where
        I: IntoIterator<Item = &'a [u8]>,
        I::IntoIter: Clone,
    {
        let it = rdatas.into_iter();
        let size = it.clone().map(|r| 2 + r.len()).sum();
        let mut packed = Vec::with_capacity(size);
        pack_into(it, &mut packed);
        Rdatas(Packed::Own(packed.into_boxed_slice()))
    }

    /// One RDATA.
    pub fn single(rdata: &[u8]) -> Rdatas {
        Rdatas::from_slices([rdata])
    }

    /// The packed octets (see the module documentation).
    fn packed(&self) -> &[u8] {
        match &self.0 {
            Packed::Own(b) => b,
            Packed::Shared(a) => a,
        }
    }

    /// Whether these octets are shared with other RRsets.
    pub fn is_shared(&self) -> bool {
        matches!(self.0, Packed::Shared(_))
    }

    pub fn iter(&self) -> Iter<'_> {
        Iter { rest: self.packed() }
    }

    /// Number of RDATAs (a walk over the lengths).
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    pub fn is_empty(&self) -> bool {
        self.packed().is_empty()
    }

    /// The first octet of the packed data (0 when empty): a read that
    /// brings the data into the cache ahead of its use.
    pub fn first_octet(&self) -> u8 {
        self.packed().first().copied().unwrap_or(0)
    }

    pub fn first(&self) -> Option<&[u8]> {
        self.iter().next()
    }

    pub fn get(&self, i: usize) -> Option<&[u8]> {
        self.iter().nth(i)
    }
}

impl From<Vec<Box<[u8]>>> for Rdatas {
    fn from(v: Vec<Box<[u8]>>) -> Rdatas {
        Rdatas::from_slices(v.iter().map(|r| &r[..]))
    }
}

/// Packs RDATA sets, sharing those met before (see the module
/// documentation).
///
/// A fixed number of slots, each found by a hash of the packed octets.
/// A slot first only notes a set's hash; the set is shared from its
/// second meeting on (so that the many sets met once cost no shared copy).
/// A shared set keeps its slot while it is met more often than the sets
/// that land on it and miss. The hash needs no resistance to chosen input:
/// a collision only costs a miss, and a slot never holds more than one set.
#[derive(Debug)]
pub struct ShareTable {
    slots: Vec<Slot>,
    shift: u32,
    scratch: Vec<u8>,
}

#[derive(Debug, Default)]
enum Slot {
    #[default]
    Empty,
    /// A set of this hash was met once.
    Seen(u64),
    /// The shared copy; `score` goes up at each hit, down at each miss.
    Shared { hash: u64, set: Arc<Box<[u8]>>, score: u32 },
}

const _: () = assert!(std::mem::size_of::<Slot>() == 24);

/// Highest score a shared set keeps: a set that stops being met loses its
/// slot after at most this many misses.
const MAX_SCORE: u32 = 64;

impl ShareTable {
    /// A table of `2^bits` slots (`bits` at most 30).
    pub fn new(bits: u32) -> ShareTable {
        let bits = bits.clamp(1, 30);
        ShareTable {
            slots: std::iter::repeat_with(Slot::default).take(1 << bits).collect(),
            shift: 64 - bits,
            scratch: Vec::new(),
        }
    }

    /// Packs `rdatas` as [`Rdatas::from_slices`] does, into a copy shared
    /// with earlier calls that packed the same octets where the table
    /// still holds one.
    pub fn pack<'a>(&mut self, rdatas: impl Iterator<Item = &'a [u8]>) -> Rdatas {
        self.scratch.clear();
        pack_into(rdatas, &mut self.scratch);
        let packed = &self.scratch[..];
        let hash = hash(packed);
        let slot = &mut self.slots[(hash >> self.shift) as usize];
        match slot {
            Slot::Shared { hash: h, set, score } if *h == hash && set[..] == *packed => {
                *score = (*score + 1).min(MAX_SCORE);
                return Rdatas(Packed::Shared(Arc::clone(set)));
            }
            Slot::Shared { score, .. } if *score > 1 => *score -= 1,
            Slot::Seen(h) if *h == hash => {
                let set = Arc::new(Box::<[u8]>::from(packed));
                *slot = Slot::Shared { hash, set: Arc::clone(&set), score: 1 };
                return Rdatas(Packed::Shared(set));
            }
            _ => *slot = Slot::Seen(hash),
        }
        Rdatas(Packed::Own(packed.into()))
    }
}

/// A fast 64-bit hash of `bytes` (a multiply-rotate over 8-octet words, as
/// in Firefox's and rustc's FxHash), good enough to spread sets over slots.
fn hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mix = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(K);
    let mut h = bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        h = mix(h, u64::from_le_bytes(w.try_into().expect("8 octets")));
    }
    let rest = words.remainder();
    let mut last = [0u8; 8];
    last[..rest.len()].copy_from_slice(rest);
    mix(h, u64::from_le_bytes(last))
}

impl<'a> IntoIterator for &'a Rdatas {
    type Item = &'a [u8];
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// The RDATAs of an [`Rdatas`], in order.
#[derive(Clone, Debug)]
pub struct Iter<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        let (len, rest) = self.rest.split_first_chunk::<2>()?;
        let (rdata, rest) = rest.split_at(u16::from_be_bytes(*len) as usize);
        self.rest = rest;
        Some(rdata)
    }
}

impl fmt::Debug for Rdatas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter().map(|r| data_encoding::HEXLOWER.encode(r))).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn packed_rdatas_read_back_as_given(
            rdatas in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 0..6)
        ) {
            let packed = Rdatas::from_slices(rdatas.iter().map(|r| &r[..]));
            let back: Vec<Vec<u8>> = packed.iter().map(<[u8]>::to_vec).collect();
            prop_assert_eq!(&back, &rdatas);
            prop_assert_eq!(packed.len(), rdatas.len());
            prop_assert_eq!(packed.is_empty(), rdatas.is_empty());
            prop_assert_eq!(packed.first(), rdatas.first().map(|r| &r[..]));
        }
    }

    proptest! {
        /// Whatever the table shares or not, every set reads back as
        /// packed alone, and equal sets compare equal either way.
        #[test]
        fn shared_sets_read_back_as_given(
            sets in proptest::collection::vec(0usize..6, 1..200),
            bits in 1u32..4,
        ) {
            let pool: Vec<Vec<Vec<u8>>> = (0..6u8)
                .map(|i| (0..=i % 3).map(|j| vec![i, j, 7]).collect())
                .collect();
            let mut table = ShareTable::new(bits);
            for &k in &sets {
                let alone = Rdatas::from_slices(pool[k].iter().map(|r| &r[..]));
                let packed = table.pack(pool[k].iter().map(|r| &r[..]));
                prop_assert!(packed == alone);
                prop_assert_eq!(packed.len(), pool[k].len());
                let back: Vec<Vec<u8>> = packed.iter().map(<[u8]>::to_vec).collect();
                prop_assert_eq!(&back, &pool[k]);
            }
        }
    }

    #[test]
    fn a_set_met_twice_is_shared_from_the_second_time() {
        let ns: [&[u8]; 2] = [b"\x03ns1\x02pr\x00", b"\x03ns2\x02pr\x00"];
        let mut table = ShareTable::new(4);
        let first = table.pack(ns.iter().copied());
        let second = table.pack(ns.iter().copied());
        let third = table.pack(ns.iter().copied());
        assert!(!first.is_shared());
        assert!(second.is_shared() && third.is_shared());
        let (Packed::Shared(a), Packed::Shared(b)) = (&second.0, &third.0) else { unreachable!() };
        assert!(Arc::ptr_eq(a, b));
        assert!(first == second && second == third);
    }

    #[test]
    fn longest_rdata_fits() {
        let big = vec![7u8; 65535];
        let packed = Rdatas::single(&big);
        assert_eq!(packed.first(), Some(&big[..]));
    }
}
