//! Resource records as loaded: owner, type, class, TTL and wire-form RDATA,
//! with the place in the source they came from.

use super::name::Name;
use super::rtype::{Class, Rtype};

/// Where a record came from: an index into the loader's file table, and the
/// 1-based line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SourcePos {
    pub file: u32,
    pub line: u32,
}

/// One resource record. RDATA is uncompressed wire form, case as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub owner: Name,
    pub rtype: Rtype,
    pub class: Class,
    pub ttl: u32,
    pub rdata: Box<[u8]>,
    pub src: SourcePos,
}
