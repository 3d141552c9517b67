//! Signature verification primitives for the verifier.
