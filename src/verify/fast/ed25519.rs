//! Ed25519 batch verification through `ed25519-dalek`.
//!
//! # Background
//! `ed25519_dalek::verify_batch` checks Σ zᵢ·(sᵢ·B − Rᵢ − kᵢ·A) = 0 for
//! 128-bit weights zᵢ derived from a transcript of the batch. aws-lc-rs
//! (RFC 8032 §5.1.7) checks each signature alone, cofactorless: it recomputes
//! R' = s·B − k·A and compares its encoding with the R octets.
//!
//! # Exactness (and where it is not)
//! Before a signature joins a batch it must pass checks that make the two
//! equations agree whenever every point lies in the prime-order subgroup:
//! the key A is canonically encoded and torsion-free (checked once per key);
//! s < L; R is canonically encoded (y < p, re-encoding gives the same
//! octets) and not of small order. Then a batch that holds means, except
//! with probability about 2⁻¹²⁸, that every sᵢ·B − Rᵢ − kᵢ·A has no
//! prime-order part. What these checks do *not* exclude is an R = R' + T
//! with T a non-zero 8-torsion point: aws-lc-rs rejects it, and the batch
//! accepts it for the transcripts whose zᵢ kill T (half of them when T has
//! order 2). Such a signature cannot come from an RFC 8032 signer (R = r·B
//! has no torsion part); only someone who holds the private key and crafts
//! R on purpose can make one. Excluding it exactly costs a multiplication
//! of each R by L, about one verification, which would cancel the gain. The
//! canary sample re-verifies fast-accepted signatures with aws-lc-rs.

use curve25519_dalek::edwards::CompressedEdwardsY;
use ed25519_dalek::{Signature, VerifyingKey};

/// A verifying key eligible for batches.
#[derive(Debug)]
pub(crate) struct Ed25519Key {
    key: VerifyingKey,
}

/// 2^255 − 19, little-endian.
const P_LE: [u8; 32] = {
    let mut p = [0xffu8; 32];
    p[0] = 0xed;
    p[31] = 0x7f;
    p
};

/// The y coordinates (little-endian) of the eight points of small order:
/// 0 (order 4, two points), 1 (the identity), p − 1 (order 2) and the two
/// of the order-8 points (libsodium's `has_small_order` list; the test
/// `small_order_y_list_is_complete` recomputes it).
pub(crate) const SMALL_ORDER_Y: [[u8; 32]; 5] = [
    [0; 32],
    [
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0,
    ],
    [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
        0xfc, 0x05,
    ],
    [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
        0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
        0x03, 0x7a,
    ],
    P_MINUS_ONE_LE,
];

/// p − 1, little-endian.
const P_MINUS_ONE_LE: [u8; 32] = {
    let mut p = P_LE;
    p[0] = 0xec;
    p
};

/// The y coordinate (the low 255 bits) is below p: RFC 8032 §5.1.3 step 1
/// "If the resulting value is >= p, decoding fails."
fn canonical_y(encoded: &[u8; 32]) -> bool {
    let mut y = *encoded;
    y[31] &= 0x7f;
    for i in (0..32).rev() {
        if y[i] != P_LE[i] {
            return y[i] < P_LE[i];
        }
    }
    false
}

impl Ed25519Key {
    /// None for a key that does not qualify for batches (non-canonical,
    /// not on the curve, of small order or with a torsion component): such keys are
    /// verified by aws-lc-rs alone.
    pub(crate) fn new(public_key: &[u8]) -> Option<Ed25519Key> {
        let bytes: [u8; 32] = public_key.try_into().ok()?;
        if !canonical_y(&bytes) {
            return None;
        }
        let point = CompressedEdwardsY(bytes).decompress()?;
        if point.compress().0 != bytes || point.is_small_order() || !point.is_torsion_free() {
            return None;
        }
        let key = VerifyingKey::from_bytes(&bytes).ok()?;
        Some(Ed25519Key { key })
    }

    /// The checks of the module doc, per signature.
    fn eligible(signature: &[u8]) -> Option<Signature> {
        let bytes: [u8; 64] = signature.try_into().ok()?;
        let mut r = [0u8; 32];
        r.copy_from_slice(&bytes[..32]);
        let mut s = [0u8; 32];
        s.copy_from_slice(&bytes[32..]);
        let s_canonical: Option<curve25519_dalek::Scalar> =
            curve25519_dalek::Scalar::from_canonical_bytes(s).into();
        s_canonical?;
        if !canonical_y(&r) {
            return None;
        }
        // Small order, by the y coordinate alone (no decompression): this
        // also covers the non-canonical "x = 0 with the sign bit" forms,
        // whose y is 1 or p − 1.
        let mut y = r;
        y[31] &= 0x7f;
        if SMALL_ORDER_Y.contains(&y) {
            return None;
        }
        Some(Signature::from_bytes(&bytes))
    }

    /// `true` for the signatures of batches that verified.
    pub(crate) fn verify_batch(&self, items: &[(&[u8], &[u8])], batch: usize) -> Vec<bool> {
        let mut accepted = vec![false; items.len()];
        let mut indices = Vec::with_capacity(items.len());
        let mut messages = Vec::with_capacity(items.len());
        let mut signatures = Vec::with_capacity(items.len());
        for (i, (data, signature)) in items.iter().enumerate() {
            if let Some(sig) = Self::eligible(signature) {
                indices.push(i);
                messages.push(*data);
                signatures.push(sig);
            }
        }
        let mut start = 0;
        while start < indices.len() {
            let end = (start + batch.max(1)).min(indices.len());
            self.verify_range(&indices, &messages, &signatures, start, end, &mut accepted);
            start = end;
        }
        accepted
    }

    /// Verifies [start, end) as one batch; on failure halves it, down to
    /// single signatures, so one bad signature costs about two batches.
    fn verify_range(
        &self,
        indices: &[usize],
        messages: &[&[u8]],
        signatures: &[Signature],
        start: usize,
        end: usize,
        accepted: &mut [bool],
    ) {
        let keys = vec![self.key; end - start];
        if ed25519_dalek::verify_batch(&messages[start..end], &signatures[start..end], &keys)
            .is_ok()
        {
            for &i in &indices[start..end] {
                accepted[i] = true;
            }
        } else if end - start > 1 {
            let mid = start + (end - start) / 2;
            self.verify_range(indices, messages, signatures, start, mid, accepted);
            self.verify_range(indices, messages, signatures, mid, end, accepted);
        }
    }
}
