//! Authenticated denial of existence: NSEC (RFC 4034/4035) and NSEC3
//! (RFC 5155) chains.

pub mod hash;
pub mod nsec;
pub mod nsec3;
