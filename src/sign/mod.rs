//! Signing: keys, RRSIG construction (RFC 4034 §3), and the backends.

pub mod keys;
