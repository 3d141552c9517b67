//! The RDATA of one RRset, packed into one allocation.
//!
//! # Layout
//! Each RDATA as a two-octet big-endian length followed by its octets, one
//! after the other, in the order given (for a zone's RRsets: canonical
//! order, RFC 4034 §6.3). RDATA is at most 65,535 octets (RFC 1035 §3.2.1),
//! so the length always fits.
//!
//! # Background
//! At TLD scale most RRsets hold one or two short RDATAs (NS, DS, NSEC3,
//! RRSIG). As a `Vec<Box<[u8]>>` each RRset cost a vector header, a heap
//! block of pointers and one heap block per RDATA, each with the
//! allocator's header and rounding: about 30 octets of overhead per RDATA
//! and as many allocations as records. Packed, an RRset is one box of
//! exactly the octets it needs (two per RDATA for the length).

use std::fmt;

/// The RDATAs of one RRset: see the module documentation for the layout.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Rdatas(Box<[u8]>);

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
        for r in it {
            let len = u16::try_from(r.len()).expect("RDATA is at most 65535 octets");
            packed.extend_from_slice(&len.to_be_bytes());
            packed.extend_from_slice(r);
        }
        Rdatas(packed.into_boxed_slice())
    }

    /// One RDATA.
    pub fn single(rdata: &[u8]) -> Rdatas {
        Rdatas::from_slices([rdata])
    }

    pub fn iter(&self) -> Iter<'_> {
        Iter { rest: &self.0 }
    }

    /// Number of RDATAs (a walk over the lengths).
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first octet of the packed data (0 when empty): a read that
    /// brings the data into the cache ahead of its use.
    pub fn first_octet(&self) -> u8 {
        self.0.first().copied().unwrap_or(0)
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

    #[test]
    fn longest_rdata_fits() {
        let big = vec![7u8; 65535];
        let packed = Rdatas::single(&big);
        assert_eq!(packed.first(), Some(&big[..]));
    }
}
