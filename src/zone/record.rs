//! Resource records as loaded: owner, type, class, TTL and wire-form RDATA,
//! with the place in the source they came from.
//!
//! # Layout
//! A loaded record is a small fixed-size [`Record`] (32 octets) that refers
//! to its owner name and its RDATA by index into a [`Block`]: the owners
//! and RDATA octets of one stretch of the input (one chunk of the parallel
//! load, or up to [`BLOCK_RDATA_TARGET`] octets of RDATA of a sequential
//! one). A block holds
//! - `owners`: one [`Name`] per *run* of records with the same owner as
//!   written (a blank owner field, or the same owner text again, RFC 1035
//!   §5.1), not one per record: a TLD delegation's two NS records and its
//!   DS share one, a signed RRset and its RRSIG share one;
//! - `rdata`: the RDATA of its records, one after the other, uncompressed
//!   wire form, case as written.
//!
//! # Background
//! With a heap allocation per owner and per RDATA, loading a signed TLD of
//! 4.4 million records cost 8.7 million allocations and as many frees in
//! [`crate::zone::Zone::build`], about a fifth of the reload's time in the
//! verification of `zonesign sign`, and each allocation's header and
//! rounding in memory. Blocks are freed as a whole once the zone model has
//! taken every record out of them.

use super::name::Name;
use super::rtype::{Class, Rtype};

/// Where a record came from: an index into the loader's file table, and the
/// 1-based line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, zerocopy::FromZeros)]
pub struct SourcePos {
    pub file: u32,
    pub line: u32,
}

/// A sequential load starts a new block once its RDATA reaches this size,
/// so that a block's offsets fit in 32 bits and its vector never grows by
/// copying gigabytes.
pub const BLOCK_RDATA_TARGET: usize = 64 << 20;

/// One resource record; its owner and RDATA are in a [`Block`] (see the
/// module documentation). All zeros is a record (of type 0, class 0):
/// [`zerocopy::FromZeros`] lets a large vector of them be allocated as
/// zeroed memory that the kernel maps in as it is written, by whichever
/// thread writes it, rather than filled first by one thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, zerocopy::FromZeros)]
pub struct Record {
    /// Index of the block holding the owner and the RDATA.
    pub block: u32,
    /// Index into the block's `owners`.
    pub owner: u32,
    /// Offset of the RDATA in the block's `rdata`.
    pub rdata_off: u32,
    pub ttl: u32,
    pub src: SourcePos,
    pub rtype: Rtype,
    pub class: Class,
    /// RDATA length: at most 65,535 octets (RFC 1035 §3.2.1).
    pub rdata_len: u16,
    /// Set by the canonicalization of [`crate::zone::Zone::build`]: this
    /// record does not sort before the record ahead of it in its owner run
    /// (same block and owner entry) by type and canonical RDATA (RFC 4034
    /// §6.3). False when not known, and for the first record of a run. The
    /// sort then leaves a run alone whose records are all in order, without
    /// fetching their RDATA a second time.
    pub follows_in_order: bool,
    /// Set by the sort ([`crate::order::sort_records`],
    /// [`crate::order::sort_if_owners_in_order`]): in sorted order, this
    /// record has the owner of the record before it. So the zone's nodes
    /// are built without comparing names: each such comparison fetched two
    /// owner names from anywhere in the blocks. False until sorted. (These
    /// two flags fill the record's padding.)
    pub continues_owner: bool,
}

// The layout the module documentation gives: 32 octets, no more.
const _: () = assert!(std::mem::size_of::<Record>() == 32);

impl Record {
    /// A vector of `len` all-zero records, to be overwritten in full: the
    /// kernel maps its pages in as they are first written, by whichever
    /// thread writes them.
    /// Where the RDATA lies in its block's `rdata`.
    #[inline]
    pub fn rdata_range(&self) -> std::ops::Range<usize> {
        let start = self.rdata_off as usize;
        start..start + self.rdata_len as usize
    }

    pub(crate) fn zeroed_vec(len: usize) -> Vec<Record> {
        use zerocopy::FromZeros;
        Record::new_vec_zeroed(len).unwrap_or_else(|_| {
            std::alloc::handle_alloc_error(
                std::alloc::Layout::array::<Record>(len).expect("a record vector's size"),
            )
        })
    }
}

/// Owners and RDATA of a stretch of records (see the module documentation).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Block {
    pub owners: Vec<Name>,
    pub rdata: Vec<u8>,
}

/// The blocks of a load, indexed by [`Record::block`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Blocks(pub Vec<Block>);

impl Blocks {
    /// The owner name of `r`.
    #[inline]
    pub fn owner(&self, r: &Record) -> &Name {
        &self.0[r.block as usize].owners[r.owner as usize]
    }

    /// The RDATA of `r`.
    #[inline]
    pub fn rdata(&self, r: &Record) -> &[u8] {
        &self.0[r.block as usize].rdata[r.rdata_range()]
    }

    /// Every record's owner and RDATA, resolved.
    pub fn resolve<'a>(&'a self, r: &'a Record) -> RecordRef<'a> {
        RecordRef {
            owner: self.owner(r),
            rtype: r.rtype,
            class: r.class,
            ttl: r.ttl,
            rdata: self.rdata(r),
            src: r.src,
        }
    }
}

/// A record with its owner and RDATA resolved from its block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordRef<'a> {
    pub owner: &'a Name,
    pub rtype: Rtype,
    pub class: Class,
    pub ttl: u32,
    pub rdata: &'a [u8],
    pub src: SourcePos,
}

/// Where a [`BlockWriter`] keeps an owner name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OwnerRef {
    block: u32,
    owner: u32,
}

/// Appends records to the current block: the parser's side of the layout.
#[derive(Debug)]
pub struct BlockWriter {
    /// Finished blocks and the current (last) one.
    pub blocks: Blocks,
    /// Whether [`BlockWriter::set_owner`] was called: records have an owner.
    last_owner_open: bool,
    /// RDATA octets after which a new block starts.
    target: usize,
}

impl Default for BlockWriter {
    fn default() -> BlockWriter {
        BlockWriter::new()
    }
}

impl BlockWriter {
    /// A writer with one empty block; blocks of [`BLOCK_RDATA_TARGET`].
    pub fn new() -> BlockWriter {
        BlockWriter::with_target(BLOCK_RDATA_TARGET)
    }

    /// A writer that starts a new block once a block's RDATA would exceed
    /// `target` octets (at least one record per block).
    pub fn with_target(target: usize) -> BlockWriter {
        BlockWriter { blocks: Blocks(vec![Block::default()]), last_owner_open: false, target }
    }

    /// Reserves room in the current block for `owners` more owner names
    /// and `rdata` more RDATA octets (no more than a block takes).
    pub fn reserve(&mut self, owners: usize, rdata: usize) {
        let target = self.target;
        let b = self.current();
        b.owners.reserve(owners);
        b.rdata.reserve(rdata.min(target));
    }

    fn current(&mut self) -> &mut Block {
        self.blocks.0.last_mut().expect("a writer always has a current block")
    }

    /// Starts a new owner run: the next records get `owner` until the next
    /// call. Returns where the name is kept.
    pub fn set_owner(&mut self, owner: Name) -> OwnerRef {
        let b = self.current();
        b.owners.push(owner);
        let idx = (b.owners.len() - 1) as u32;
        self.last_owner_open = true;
        OwnerRef { block: (self.blocks.0.len() - 1) as u32, owner: idx }
    }

    /// A name given to [`BlockWriter::set_owner`].
    pub fn owner_at(&self, r: OwnerRef) -> &Name {
        &self.blocks.0[r.block as usize].owners[r.owner as usize]
    }

    /// Makes the name at `r` the current owner, unless it already is (the
    /// same entry, or an equal name): one entry per run.
    pub fn continue_owner(&mut self, r: OwnerRef) {
        if self.current_ref() == Some(r) || self.current_owner() == Some(self.owner_at(r)) {
            return;
        }
        let name = self.owner_at(r).clone();
        self.set_owner(name);
    }

    fn current_ref(&self) -> Option<OwnerRef> {
        let b = self.blocks.0.last()?;
        (self.last_owner_open && !b.owners.is_empty()).then(|| OwnerRef {
            block: (self.blocks.0.len() - 1) as u32,
            owner: (b.owners.len() - 1) as u32,
        })
    }

    /// Whether [`BlockWriter::push`] has an owner to use (false before the
    /// first [`BlockWriter::set_owner`]).
    pub fn has_owner(&self) -> bool {
        self.last_owner_open
    }

    /// The owner the next record gets, if any.
    pub fn current_owner(&self) -> Option<&Name> {
        if self.last_owner_open {
            self.blocks.0.last().and_then(|b| b.owners.last())
        } else {
            None
        }
    }

    /// Appends a record with the current owner and `rdata`.
    ///
    /// # Panics
    /// Without a current owner, or if `rdata` is longer than 65,535
    /// octets (the RDATA parsers never make one).
    pub fn push(
        &mut self,
        rtype: Rtype,
        class: Class,
        ttl: u32,
        rdata: &[u8],
        src: SourcePos,
    ) -> Record {
        assert!(self.last_owner_open, "a record needs an owner");
        let rdata_len = u16::try_from(rdata.len()).expect("RDATA is at most 65535 octets");
        let target = self.target;
        let current = self.current();
        if !current.rdata.is_empty() && current.rdata.len() + rdata.len() > target {
            // Carry the owner over into the new block.
            let owner = self.current().owners.last().cloned().expect("checked above");
            self.blocks.0.push(Block::default());
            self.current().owners.push(owner);
        }
        let block = (self.blocks.0.len() - 1) as u32;
        let b = self.current();
        let rdata_off = b.rdata.len() as u32;
        b.rdata.extend_from_slice(rdata);
        Record {
            block,
            owner: (b.owners.len() - 1) as u32,
            rdata_off,
            ttl,
            src,
            rtype,
            class,
            rdata_len,
            follows_in_order: false,
            continues_owner: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> Name {
        Name::parse(s.as_bytes(), &Name::root()).unwrap()
    }

    /// A sequential load's blocks stay below their target (so offsets fit
    /// in 32 bits), the owner run continues across the new block, and
    /// every record still resolves to what was pushed.
    #[test]
    fn blocks_roll_over_and_records_resolve() {
        let mut w = BlockWriter::with_target(10);
        let src = SourcePos::default();
        let mut records = Vec::new();
        w.set_owner(name("a."));
        for i in 0..5u8 {
            records.push(w.push(Rtype::TXT, Class::IN, 1, &[i; 4], src));
        }
        w.set_owner(name("b."));
        records.push(w.push(Rtype::A, Class::IN, 2, &[9; 4], src));
        let blocks = w.blocks;
        assert_eq!(blocks.0.len(), 3, "{blocks:?}");
        assert!(blocks.0.iter().all(|b| b.rdata.len() <= 10));
        for (i, r) in records[..5].iter().enumerate() {
            assert_eq!(blocks.owner(r), &name("a."));
            assert_eq!(blocks.rdata(r), &[i as u8; 4]);
        }
        assert_eq!(blocks.owner(&records[5]), &name("b."));
        assert_eq!(blocks.rdata(&records[5]), &[9; 4]);
    }

    /// One owner entry per run of records of one owner, not per record.
    #[test]
    fn an_owner_run_shares_one_entry() {
        let origin = name("example.");
        let text = "$TTL 1\n@ SOA ns h 1 2 3 4 5\n  NS a\n  NS b\nd NS a\nd DS 1 13 1 0000000000000000000000000000000000000000\n  RRSIG DS 13 2 1 20260101000000 20250101000000 1 example. AAAA\n";
        let loaded = crate::load::load_bytes(
            text.as_bytes(),
            std::path::Path::new("t"),
            &crate::load::LoadOptions::new(origin),
        )
        .unwrap();
        assert_eq!(loaded.records.len(), 6);
        let owners: usize = loaded.blocks.0.iter().map(|b| b.owners.len()).sum();
        assert_eq!(owners, 2);
    }
}
