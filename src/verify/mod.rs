//! Independent verification of a signed zone. Shares only the wire codec
//! (names, RDATA) with `sign`.

pub mod crypto;
