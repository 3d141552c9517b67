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

/// Writes a line to standard error, as `eprintln!` does, but ignores a
/// failure to write: a closed stderr (a pipe whose reader has gone, as in
/// `zonesign sign ... 2>&1 | head -1`) must not turn a run into a panic,
/// exit 101, after the verified output was swapped in (the fifth audit,
/// 2026-12-06). The outcome and the exit code are the run's.
#[macro_export]
macro_rules! diag {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// Writes a line to standard output, ignoring a failure to write, as
/// [`diag!`] does for standard error: the paths `keygen` prints and the
/// `hsm` commands' results; the outcome is the exit code.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

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
