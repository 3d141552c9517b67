//! NSEC3 hashing (RFC 5155 §5): SHA-1 with salt and iterations, scalar and
//! multi-buffer SIMD backends.
