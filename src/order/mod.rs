//! Canonical order and form (RFC 4034 §6).
