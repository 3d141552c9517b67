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

/// The SOA MINIMUM field of SOA RDATA in wire form (RFC 1035 §3.3.13: MNAME,
/// RNAME, then SERIAL, REFRESH, RETRY, EXPIRE, MINIMUM as 32-bit integers).
pub fn soa_minimum(rdata: &[u8]) -> Option<u32> {
    soa_u32_field(rdata, 4)
}

/// The SOA SERIAL field of SOA RDATA in wire form.
pub fn soa_serial(rdata: &[u8]) -> Option<u32> {
    soa_u32_field(rdata, 0)
}

fn soa_u32_field(rdata: &[u8], index: usize) -> Option<u32> {
    let (_, p) = Name::from_wire(rdata, 0).ok()?;
    let (_, p) = Name::from_wire(rdata, p).ok()?;
    let at = p + 4 * index;
    let b = rdata.get(at..at + 4)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}
