//! Ed25519 batch verification under one public key.
//!
//! # Background
//! aws-lc-rs (RFC 8032 §5.1.7) checks each signature alone, cofactorless:
//! it recomputes R' = s·B − h·A, h = SHA-512(R | A | M) mod L, and compares
//! its encoding with the R octets. Batch verification (as
//! `ed25519_dalek::verify_batch`) checks one random linear combination of
//! the n equations instead: Σ zᵢ·(Rᵢ + hᵢ·A − sᵢ·B) = 0 for random 128-bit
//! weights zᵢ. dalek's function takes a key per signature, so its
//! multiscalar multiplication has 2n + 1 points. In a zone every signature
//! is under the same key A, so the A terms merge:
//!
//!   −(Σ zᵢsᵢ)·B + (Σ zᵢhᵢ)·A + Σ zᵢ·Rᵢ = 0,
//!
//! n + 2 points, about half of dalek's work
//! (`EdwardsPoint::vartime_multiscalar_mul`: Straus for small n, Pippenger
//! for large). The zᵢ come from the system CSPRNG (aws-lc-rs `SystemRandom`),
//! fresh for every batch, so nobody can choose signatures against them
//! (dalek derives them from a transcript of the batch). The check is
//! cofactorless, as dalek's: the sum must be the identity itself, not only
//! after multiplication by 8.
//!
//! A batch that fails is split in halves, down to single signatures; a
//! single signature is checked with z = 1, i.e. R = s·B − h·A exactly, which
//! is the RFC 8032 cofactorless equation itself.
//!
//! # Exactness (and where it is not)
//! Before a signature joins a batch it must pass the checks dalek's batch
//! makes and more: the key A is canonically encoded and torsion-free
//! (checked once per key); s < L; R is canonically encoded (y < p), decodes
//! to a curve point and is not of small order. Then a batch that holds means,
//! except with probability about 2⁻¹²⁷ over the zᵢ, that every
//! Rᵢ + hᵢ·A − sᵢ·B has no prime-order part. What these checks do *not*
//! exclude is an R = R' + T with T a non-zero 8-torsion point: aws-lc-rs
//! rejects it, and a batch of several signatures accepts it when the zᵢ kill
//! T (probability 1/2 when T has order 2, since the zᵢ are random and
//! unknown to the signer). Such a signature cannot come from an RFC 8032
//! signer (R = r·B has no torsion part); only someone who holds the private
//! key and crafts R on purpose can make one. Excluding it exactly costs a
//! multiplication of each R by L, about one verification, which would cancel
//! the gain; the caller uses Ed25519 batches only for signatures it has just
//! made itself. The canary sample re-verifies fast-accepted signatures with
//! aws-lc-rs.

use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};
use curve25519_dalek::Scalar;

/// A verifying key eligible for batches.
#[derive(Debug)]
pub(crate) struct Ed25519Key {
    /// The encoded key (for h = SHA-512(R | A | M)).
    encoded: [u8; 32],
    /// The key A as a point.
    point: EdwardsPoint,
}

/// One signature ready for the batch equation.
struct Prepared {
    /// Its position in the caller's items.
    index: usize,
    r: EdwardsPoint,
    s: Scalar,
    /// h = SHA-512(R | A | M) mod L.
    h: Scalar,
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
    /// not on the curve, of small order or with a torsion component): such
    /// keys are verified by aws-lc-rs alone.
    pub(crate) fn new(public_key: &[u8]) -> Option<Ed25519Key> {
        let bytes: [u8; 32] = public_key.try_into().ok()?;
        if !canonical_y(&bytes) {
            return None;
        }
        let point = CompressedEdwardsY(bytes).decompress()?;
        if point.compress().0 != bytes || point.is_small_order() || !point.is_torsion_free() {
            return None;
        }
        Some(Ed25519Key { encoded: bytes, point })
    }

    /// The checks of the module doc, per signature; R decoded, h computed.
    fn prepare(&self, index: usize, data: &[u8], signature: &[u8]) -> Option<Prepared> {
        let bytes: &[u8; 64] = signature.try_into().ok()?;
        let mut r = [0u8; 32];
        r.copy_from_slice(&bytes[..32]);
        let mut s = [0u8; 32];
        s.copy_from_slice(&bytes[32..]);
        let s: Option<Scalar> = Scalar::from_canonical_bytes(s).into();
        let s = s?;
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
        let r_point = CompressedEdwardsY(r).decompress()?;
        let mut ctx = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA512);
        ctx.update(&r);
        ctx.update(&self.encoded);
        ctx.update(data);
        let digest = ctx.finish();
        let wide: [u8; 64] = digest.as_ref().try_into().ok()?;
        let h = Scalar::from_bytes_mod_order_wide(&wide);
        Some(Prepared { index, r: r_point, s, h })
    }

    /// `true` for the signatures of batches that verified.
    pub(crate) fn verify_batch(&self, items: &[(&[u8], &[u8])], batch: usize) -> Vec<bool> {
        let mut accepted = vec![false; items.len()];
        let prepared: Vec<Prepared> = items
            .iter()
            .enumerate()
            .filter_map(|(i, (data, signature))| self.prepare(i, data, signature))
            .collect();
        for chunk in prepared.chunks(batch.max(1)) {
            self.verify_range(chunk, &mut accepted);
        }
        accepted
    }

    /// Verifies `sigs` as one batch; on failure halves it, down to single
    /// signatures, so one bad signature costs about two batches.
    fn verify_range(&self, sigs: &[Prepared], accepted: &mut [bool]) {
        let holds = match sigs {
            [] => return,
            [one] => self.verify_one(one),
            _ => self.batch_holds(sigs),
        };
        if holds {
            for sig in sigs {
                accepted[sig.index] = true;
            }
        } else if sigs.len() > 1 {
            let (left, right) = sigs.split_at(sigs.len() / 2);
            self.verify_range(left, accepted);
            self.verify_range(right, accepted);
        }
    }

    /// R = s·B − h·A exactly (RFC 8032 §5.1.7, cofactorless; R was
    /// decoded from canonical octets, so equal points mean equal octets).
    fn verify_one(&self, sig: &Prepared) -> bool {
        let expected =
            EdwardsPoint::vartime_double_scalar_mul_basepoint(&(-sig.h), &self.point, &sig.s);
        expected == sig.r
    }

    /// −(Σ zᵢsᵢ)·B + (Σ zᵢhᵢ)·A + Σ zᵢ·Rᵢ = 0 for fresh random 128-bit
    /// zᵢ. False also when the system RNG fails.
    fn batch_holds(&self, sigs: &[Prepared]) -> bool {
        use aws_lc_rs::rand::SecureRandom;
        let mut random = vec![0u8; 16 * sigs.len()];
        if aws_lc_rs::rand::SystemRandom::new().fill(&mut random).is_err() {
            return false;
        }
        let mut scalars = Vec::with_capacity(sigs.len() + 2);
        let mut points = Vec::with_capacity(sigs.len() + 2);
        scalars.extend([Scalar::ZERO, Scalar::ZERO]);
        points.extend([ED25519_BASEPOINT_POINT, self.point]);
        let (mut zs_sum, mut zh_sum) = (Scalar::ZERO, Scalar::ZERO);
        for (sig, z) in sigs.iter().zip(random.chunks_exact(16)) {
            let mut bytes = [0u8; 32];
            bytes[..16].copy_from_slice(z);
            // Odd, so never zero: 2^127 possible weights.
            bytes[0] |= 1;
            let z = Scalar::from_bytes_mod_order(bytes);
            zs_sum += z * sig.s;
            zh_sum += z * sig.h;
            scalars.push(z);
            points.push(sig.r);
        }
        scalars[0] = -zs_sum;
        scalars[1] = zh_sum;
        EdwardsPoint::vartime_multiscalar_mul(&scalars, &points).is_identity()
    }
}
