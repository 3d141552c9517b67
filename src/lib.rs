//! zonesign: a batch DNSSEC zone signer for zones of TLD size.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! load    mmap, lexer, parser, directives, spans (file:line:col)
//! zone    names, records, RRsets, classification (apex, cuts, glue, occluded, ENT)
//! order   canonical ordering (RFC 4034 §6), owner-aligned partitioning
//! denial  NSEC and NSEC3 chains, NSEC3 hashing (scalar + SIMD)
//! sign    keys, RRSIG construction, software and PKCS#11 backends
//! verify  independent verification; shares only the wire codec with sign
//! emit    zone text writer, atomic replace
//! ```
#![deny(unsafe_code)]
#![warn(missing_debug_implementations)]

pub mod denial;
pub mod emit;
pub mod load;
pub mod order;
pub mod run;
pub mod sign;
pub mod timeline;
pub mod verify;
pub mod zone;
pub mod zonemd;

/// The TLD-shaped zone generator of `tools/genzone`, for the tests.
#[cfg(test)]
#[path = "../tools/genzone/gen.rs"]
pub(crate) mod gen;
