//! Batched ECDSA verification under one public key (P-256 and P-384).
//!
//! # Background
//! ECDSA verification (SEC 1 v2 §4.1.4, FIPS 186-5 §6.4.2) of (r, s) over a
//! message under key Q: reject unless 1 ≤ r, s ≤ n−1; e = H(m) as an
//! integer (the digest has exactly the bit length of n for both curves);
//! w = s⁻¹, u1 = e·w, u2 = r·w mod n; R = u1·G + u2·Q; reject R = ∞;
//! accept iff x(R) mod n = r.
//!
//! Both G and Q are fixed for a whole zone, so each gets a fixed-base
//! table: for window j and digit m in 1..=2^(w−1), `m·2^(w·j)·P` in affine
//! form. Scalars are recoded into signed digits in [−2^(w−1), 2^(w−1)], so
//! u·P is the sum of one table point (or its negative) per window: no
//! doublings at all. Each signature has two accumulators, one for u1·G and
//! one for u2·Q; a batch of signatures walks the windows together, and all
//! affine additions of one window (both accumulators of every signature)
//! share one field inversion (Montgomery's trick). The table points of a
//! window are loaded in a loop of their own before the arithmetic, so that
//! many cache misses are in flight at once. A last addition gives
//! R = u1·G + u2·Q, of which only x is computed. The s⁻¹ mod n inversions
//! are batched the same way. P-256 uses our own inlinable field element
//! ([`super::p256field`]), and a window's additions go eight at a time
//! through the AVX-512 IFMA kernel ([`super::p256ifma`]) where the CPU has
//! one ([`FieldOps::add_affine_batch`]); P-384 uses the `p384` crate's.
//!
//! # Exactness
//! The affine chord formula computes P1 + P2 exactly whenever x1 ≠ x2. When
//! x1 = x2 (P2 = P1, P2 = −P1), the denominator is zero: the signature is
//! marked *exceptional* and the batch says "not accepted", so the caller
//! re-verifies it with aws-lc-rs. The identity only appears as the initial
//! accumulator (before the first non-zero digit) and is tracked by a flag,
//! never by coordinates; an accumulator that would become the identity
//! passes through the x1 = x2 case and is routed away as above.
//!
//! Within one accumulator (one base P of prime order n) x1 = x2 is not
//! expected for any honest signature: before window j the accumulator is
//! a·P with |a| about 2^(w·j−1) at most, the next point ±d·2^(w·j)·P, and
//! a ∓ d·2^(w·j) is a non-zero integer below n in absolute value except
//! possibly in the last window. It is checked regardless. The final
//! addition u1·G + u2·Q is exceptional when u1·G = ±u2·Q (R = 2·u1·G or
//! R = ∞); both are refused (`p256_final_doubling_is_refused_not_accepted`
//! constructs valid signatures of the first kind). u1 = 0 leaves the G
//! accumulator at infinity and R = u2·Q; u2 = r·s⁻¹ is never 0.
//!
//! # Limitations
//! Variable time in the signature values (verification handles public data
//! only). Table memory per point: windows · 2^(w−1) entries (P-256: 64
//! octets each, 9.5 MiB at w = 14; P-384: 96 octets, 6.2 MiB at w = 12).

use std::ops::{Add, Mul, Neg, Sub};
use std::sync::{Arc, OnceLock};

use p256::elliptic_curve::ff::{Field, PrimeField};
use p256::elliptic_curve::ops::Reduce;
use p256::elliptic_curve::sec1::{FromEncodedPoint, ToEncodedPoint};

use super::p256field::Fe;

/// GF(p) as the batch verifier uses it: exact arithmetic on canonical
/// elements, variable time.
pub(crate) trait FieldOps:
    Copy + PartialEq + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + Neg<Output = Self>
{
    const ZERO: Self;
    const ONE: Self;
    fn square(&self) -> Self;
    fn double(&self) -> Self;
    /// None for zero.
    fn invert(&self) -> Option<Self>;
    fn is_zero(&self) -> bool;
    /// A big-endian integer of the curve's size; None unless below p.
    fn from_be(bytes: &[u8]) -> Option<Self>;
    /// The canonical big-endian encoding.
    fn to_be(&self) -> Vec<u8>;
    /// `if negate { −self } else { self }`.
    #[inline(always)]
    fn negate_if(self, negate: bool) -> Self {
        if negate {
            -self
        } else {
            self
        }
    }
    /// For every k, `sums[k] = sums[k] + points[k]`, given x(sums[k]) ≠
    /// x(points[k]) (the caller has checked): one window's additions of a
    /// batch. The default is [`add_affine_batch_scalar`]; P-256 runs the
    /// AVX-512 IFMA kernel ([`super::p256ifma`]) where the CPU has it.
    #[inline]
    fn add_affine_batch(
        sums: &mut [Affine<Self>],
        points: &[Affine<Self>],
        dens: &mut Vec<Self>,
        scratch: &mut Vec<Self>,
    ) {
        add_affine_batch_scalar(sums, points, dens, scratch)
    }
    /// An affine point as stored in a [`Table`] (P-256: one cache line).
    type Entry: Copy + Send + Sync + std::fmt::Debug;
    fn pack(point: Affine<Self>) -> Self::Entry;
    fn unpack(entry: &Self::Entry) -> Affine<Self>;
}

/// A P-256 table entry, aligned so that one point is one 64-octet cache
/// line (the table loads are the verifier's cache misses).
#[derive(Clone, Copy, Debug)]
#[repr(C, align(64))]
pub(crate) struct Line64(Fe, Fe);

impl FieldOps for p384::FieldElement {
    const ZERO: Self = p384::FieldElement::ZERO;
    const ONE: Self = p384::FieldElement::ONE;
    #[inline]
    fn square(&self) -> Self {
        Field::square(self)
    }
    #[inline]
    fn double(&self) -> Self {
        Field::double(self)
    }
    #[inline]
    fn invert(&self) -> Option<Self> {
        Field::invert(self).into()
    }
    #[inline]
    fn is_zero(&self) -> bool {
        Field::is_zero(self).into()
    }
    fn from_be(bytes: &[u8]) -> Option<Self> {
        let bytes: [u8; 48] = bytes.try_into().ok()?;
        Self::from_repr(bytes.into()).into()
    }
    fn to_be(&self) -> Vec<u8> {
        self.to_repr().to_vec()
    }
    type Entry = Affine<Self>;
    #[inline(always)]
    fn pack(point: Affine<Self>) -> Self::Entry {
        point
    }
    #[inline(always)]
    fn unpack(entry: &Self::Entry) -> Affine<Self> {
        *entry
    }
}

impl FieldOps for Fe {
    const ZERO: Self = Fe::ZERO;
    const ONE: Self = Fe::ONE;
    #[inline(always)]
    fn square(&self) -> Self {
        Fe::square(self)
    }
    #[inline(always)]
    fn double(&self) -> Self {
        Fe::double(self)
    }
    #[inline]
    fn invert(&self) -> Option<Self> {
        Fe::invert(self)
    }
    #[inline(always)]
    fn is_zero(&self) -> bool {
        Fe::is_zero(self)
    }
    fn from_be(bytes: &[u8]) -> Option<Self> {
        Fe::from_bytes(bytes.try_into().ok()?)
    }
    fn to_be(&self) -> Vec<u8> {
        self.to_bytes().to_vec()
    }
    #[inline(always)]
    fn negate_if(self, negate: bool) -> Self {
        Fe::negate_if(self, negate)
    }
    #[inline]
    fn add_affine_batch(
        sums: &mut [Affine<Self>],
        points: &[Affine<Self>],
        dens: &mut Vec<Self>,
        scratch: &mut Vec<Self>,
    ) {
        super::p256ifma::add_affine_batch(sums, points, dens, scratch);
    }
    type Entry = Line64;
    #[inline(always)]
    fn pack(point: Affine<Self>) -> Self::Entry {
        Line64(point.0, point.1)
    }
    #[inline(always)]
    fn unpack(entry: &Self::Entry) -> Affine<Self> {
        (entry.0, entry.1)
    }
}

/// The operations the batch verifier needs from a curve crate.
pub(crate) trait Curve: 'static {
    /// GF(p): our own [`Fe`] for P-256, the `p384` crate's for P-384.
    type F: FieldOps;
    /// GF(n).
    type S: PrimeField;
    /// Octets of one coordinate, of r and of s.
    const BYTES: usize;
    /// The default window (bits), which the shared G table uses.
    const WINDOW: usize;
    /// The digest of the signed data (RFC 6605 §2: SHA-256 / SHA-384).
    fn digest() -> &'static aws_lc_rs::digest::Algorithm;
    /// The base point, affine.
    fn generator() -> (Self::F, Self::F);
    /// RFC 6605 §4 public key (x | y) to an affine point, through the curve
    /// crate's SEC 1 decoding: coordinates below p, point on the curve.
    fn decode_key(public_key: &[u8]) -> Option<(Self::F, Self::F)>;
    /// A big-endian integer below n, or None.
    fn scalar_canonical(bytes: &[u8]) -> Option<Self::S>;
    /// A big-endian integer of `BYTES` octets reduced mod n.
    fn scalar_reduce(bytes: &[u8]) -> Self::S;
    /// A coordinate as `BYTES` big-endian octets.
    fn field_bytes(f: &Self::F) -> Vec<u8>;
    /// A scalar as `BYTES` big-endian octets.
    fn scalar_bytes(s: &Self::S) -> Vec<u8>;
    /// The shared table of G for the default window [`Curve::WINDOW`].
    fn generator_table() -> Arc<Table<Self::F>>;
}

macro_rules! curve {
    ($name:ident, $krate:ident, $field:ty, $uint:ty, $alg:expr, $bytes:expr, $window:expr, $digest:expr) => {
        /// The curve for DNSSEC algorithm
        #[doc = stringify!($alg)]
        #[derive(Debug)]
        pub(crate) struct $name;

        impl $name {
            /// `BYTES` octets (the callers check the length) as FieldBytes.
            fn bytes(b: &[u8]) -> $krate::FieldBytes {
                let mut out = $krate::FieldBytes::default();
                out.copy_from_slice(b);
                out
            }
        }

        impl Curve for $name {
            type F = $field;
            type S = $krate::Scalar;
            const BYTES: usize = $bytes;
            const WINDOW: usize = $window;
            fn digest() -> &'static aws_lc_rs::digest::Algorithm {
                $digest
            }
            fn generator() -> (Self::F, Self::F) {
                let encoded = $krate::AffinePoint::GENERATOR.to_encoded_point(false);
                // The generator is a finite point with canonical coordinates.
                #[allow(clippy::expect_used)]
                let coords = (
                    Self::F::from_be(encoded.x().expect("finite point")).expect("below p"),
                    Self::F::from_be(encoded.y().expect("finite point")).expect("below p"),
                );
                coords
            }
            fn decode_key(public_key: &[u8]) -> Option<(Self::F, Self::F)> {
                if public_key.len() != 2 * $bytes {
                    return None;
                }
                let (x, y) = public_key.split_at($bytes);
                let encoded = $krate::EncodedPoint::from_affine_coordinates(
                    &$name::bytes(x),
                    &$name::bytes(y),
                    false,
                );
                // Rejects coordinates ≥ p and points off the curve.
                let point: Option<$krate::AffinePoint> =
                    $krate::AffinePoint::from_encoded_point(&encoded).into();
                point?;
                Some((Self::F::from_be(x)?, Self::F::from_be(y)?))
            }
            fn scalar_canonical(bytes: &[u8]) -> Option<Self::S> {
                if bytes.len() != $bytes {
                    return None;
                }
                Self::S::from_repr($name::bytes(bytes)).into()
            }
            fn scalar_reduce(bytes: &[u8]) -> Self::S {
                <Self::S as Reduce<$uint>>::reduce_bytes(&$name::bytes(bytes))
            }
            fn field_bytes(f: &Self::F) -> Vec<u8> {
                f.to_be()
            }
            fn scalar_bytes(s: &Self::S) -> Vec<u8> {
                s.to_repr().to_vec()
            }
            fn generator_table() -> Arc<Table<Self::F>> {
                static TABLE: OnceLock<Arc<Table<$field>>> = OnceLock::new();
                TABLE
                    .get_or_init(|| {
                        // The generator is on the curve and the default
                        // window is in range, so the build cannot fail.
                        #[allow(clippy::expect_used)]
                        let table = Table::build(Self::generator(), $window, $bytes * 8)
                            .expect("the generator table builds");
                        Arc::new(table)
                    })
                    .clone()
            }
        }
    };
}

curve!(P256, p256, Fe, p256::U256, 13, 32, DEFAULT_WINDOW, &aws_lc_rs::digest::SHA256);
curve!(P384, p384, p384::FieldElement, p384::U384, 14, 48, P384_WINDOW, &aws_lc_rs::digest::SHA384);

/// P-256 window width in bits, chosen by `benches/verify.rs` (see the
/// module doc of `verify::fast`).
pub const DEFAULT_WINDOW: usize = 14;
/// P-384 window width: one less than P-256's, as its table entries are
/// half as large again (12 bits: 6.2 MiB per table).
pub const P384_WINDOW: usize = 12;
/// Smallest and largest window accepted by [`Table::build`].
pub(crate) const WINDOWS: std::ops::RangeInclusive<usize> = 4..=14;

/// An affine point: (x, y).
pub(crate) type Affine<F> = (F, F);

/// A fixed-base table: `points[j * half + m - 1] = m · 2^(w·j) · P` for
/// m in 1..=half, half = 2^(w−1).
#[derive(Debug)]
pub(crate) struct Table<F: FieldOps> {
    window: usize,
    windows: usize,
    half: usize,
    points: Vec<F::Entry>,
}

/// The curves' a = −3 (both P-256 and P-384).
fn three<F: FieldOps>() -> F {
    F::ONE.double() + F::ONE
}

/// 2·P in affine form; None if y = 0 (impossible on a prime-order curve,
/// checked anyway).
fn double<F: FieldOps>(p: &Affine<F>) -> Option<Affine<F>> {
    let (x, y) = *p;
    let inv = y.double().invert();
    // RFC 6090 §3 / SEC 1 §2.2.1: λ = (3x² + a) / 2y with a = −3.
    let lambda = (x.square() - F::ONE) * three::<F>() * inv?;
    let x3 = lambda.square() - x.double();
    let y3 = lambda * (x - x3) - y;
    Some((x3, y3))
}

/// Replaces each element by its inverse with one field inversion
/// (Montgomery's trick). None if any element is zero.
#[inline]
pub(crate) fn batch_invert<F: FieldOps>(values: &mut [F], scratch: &mut Vec<F>) -> Option<()> {
    batch_invert_with(values, scratch, F::ONE, |x| x.invert())
}

/// [`batch_invert`] for any multiplicative group with its `one` and
/// `invert` (also the scalars mod n).
///
/// One chain of products, not several interleaved: four chains measured
/// the same (9.43 against 9.37 µs per P-256 signature), the out-of-order
/// core already overlaps the backward pass's independent multiplications.
#[inline]
fn batch_invert_with<T: Copy + Mul<Output = T>>(
    values: &mut [T],
    scratch: &mut Vec<T>,
    one: T,
    invert: impl Fn(&T) -> Option<T>,
) -> Option<()> {
    scratch.clear();
    let mut acc = one;
    for v in values.iter() {
        acc = acc * *v;
        scratch.push(acc);
    }
    let mut inv = invert(&acc)?;
    for i in (1..values.len()).rev() {
        let vi = values[i];
        values[i] = inv * scratch[i - 1];
        inv = inv * vi;
    }
    if let Some(first) = values.first_mut() {
        *first = inv;
    }
    Some(())
}

#[cfg(test)]
pub(crate) fn batch_invert_for_test<T: Copy + Mul<Output = T>>(
    values: &mut [T],
    one: T,
    invert: impl Fn(&T) -> Option<T>,
) -> Option<()> {
    batch_invert_with(values, &mut Vec::new(), one, invert)
}

impl<F: FieldOps> Table<F> {
    /// Builds the table of `base` for scalars of `bits` bits. None if the
    /// window is out of range or an exceptional case shows up (it cannot
    /// for a point of prime order n > 2^(w−1); checked, not assumed).
    pub(crate) fn build(base: Affine<F>, window: usize, bits: usize) -> Option<Table<F>> {
        if !WINDOWS.contains(&window) {
            return None;
        }
        // One window more than ⌊bits/w⌋ absorbs the final carry of the
        // signed recoding.
        let windows = bits / window + 1;
        let half = 1usize << (window - 1);
        let mut bases = Vec::with_capacity(windows);
        let mut b = base;
        for j in 0..windows {
            bases.push(b);
            if j + 1 < windows {
                for _ in 0..window {
                    b = double(&b)?;
                }
            }
        }
        let mut columns: Vec<Vec<Affine<F>>> = Vec::with_capacity(half);
        columns.push(bases.clone());
        if half >= 2 {
            columns.push(bases.iter().map(double).collect::<Option<Vec<_>>>()?);
        }
        let mut dens = Vec::with_capacity(windows);
        let mut scratch = Vec::with_capacity(windows);
        for m in 3..=half {
            let prev = &columns[m - 2];
            dens.clear();
            dens.extend(prev.iter().zip(&bases).map(|(p, b)| b.0 - p.0));
            batch_invert(&mut dens, &mut scratch)?;
            let next = prev
                .iter()
                .zip(&bases)
                .zip(&dens)
                .map(|((p, b), inv)| add_with_inverse(p, b, inv))
                .collect();
            columns.push(next);
        }
        let mut points = Vec::with_capacity(windows * half);
        for j in 0..windows {
            for column in &columns {
                points.push(F::pack(column[j]));
            }
        }
        Some(Table { window, windows, half, points })
    }

    /// Bytes of memory held by the points.
    pub(crate) fn memory(&self) -> usize {
        self.points.len() * std::mem::size_of::<F::Entry>()
    }
}

/// For every k, `sums[k] = sums[k] + points[k]` by the affine chord
/// formula, all denominators x2 − x1 inverted at once (Montgomery's trick):
/// the portable path of [`FieldOps::add_affine_batch`], and the oracle the
/// IFMA kernel is tested against.
///
/// Precondition: x(sums[k]) ≠ x(points[k]) (the caller has checked). An
/// item that breaks it anyway gets the denominator 1, so that it spoils
/// only its own result; only the common prefix of unequal slices is added.
pub(crate) fn add_affine_batch_scalar<F: FieldOps>(
    sums: &mut [Affine<F>],
    points: &[Affine<F>],
    dens: &mut Vec<F>,
    scratch: &mut Vec<F>,
) {
    dens.clear();
    dens.extend(sums.iter().zip(points).map(|(a, p)| {
        let den = p.0 - a.0;
        if den.is_zero() {
            F::ONE
        } else {
            den
        }
    }));
    if batch_invert(dens, scratch).is_none() {
        // Every denominator is non-zero, so their product is.
        return;
    }
    for ((a, p), inv) in sums.iter_mut().zip(points).zip(dens.iter()) {
        *a = add_with_inverse(a, p, inv);
    }
}

/// P1 + P2 given inv = 1 / (x2 − x1).
#[inline]
fn add_with_inverse<F: FieldOps>(p1: &Affine<F>, p2: &Affine<F>, inv: &F) -> Affine<F> {
    let lambda = (p2.1 - p1.1) * *inv;
    let x3 = lambda.square() - p1.0 - p2.0;
    let y3 = lambda * (p1.0 - x3) - p1.1;
    (x3, y3)
}

/// Signed-digit recoding of a big-endian scalar: digits d_j in
/// [−2^(w−1), 2^(w−1)] with k = Σ d_j·2^(w·j), written to `out`.
fn recode(big_endian: &[u8], window: usize, out: &mut [i16]) {
    let mut limbs = [0u64; 8];
    for (i, byte) in big_endian.iter().rev().enumerate() {
        limbs[i / 8] |= (*byte as u64) << (8 * (i % 8));
    }
    let bit_window = |pos: usize| -> u64 {
        let (l, o) = (pos / 64, pos % 64);
        let lo = limbs.get(l).copied().unwrap_or(0) >> o;
        let hi = if o == 0 { 0 } else { limbs.get(l + 1).copied().unwrap_or(0) << (64 - o) };
        (lo | hi) & ((1u64 << window) - 1)
    };
    let half = 1i32 << (window - 1);
    let mut carry = 0i32;
    for (j, d) in out.iter_mut().enumerate() {
        let v = bit_window(j * window) as i32 + carry;
        if v > half {
            *d = (v - (1 << window)) as i16;
            carry = 1;
        } else {
            *d = v as i16;
            carry = 0;
        }
    }
    debug_assert_eq!(carry, 0, "the last window absorbs the carry");
}

/// A public key with its table, ready for batches.
#[derive(Debug)]
pub(crate) struct EcdsaKey<C: Curve> {
    g: Arc<Table<C::F>>,
    q: Table<C::F>,
}

/// The final addition of one signature: its index, x(R) when R needs no
/// addition (u1 = 0), else the two accumulators to add.
type Final<F> = (usize, F, Option<(Affine<F>, Affine<F>)>);

/// Where one accumulator of a batch stands.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Refused by an exceptional case (the signature goes to aws-lc-rs).
    Out,
    /// The accumulator is still the point at infinity.
    Infinity,
    /// The accumulator holds a finite point.
    Point,
}

impl<C: Curve> EcdsaKey<C> {
    /// Decodes the key and builds its table; None for an invalid key.
    pub(crate) fn new(public_key: &[u8], window: usize) -> Option<EcdsaKey<C>> {
        let q = C::decode_key(public_key)?;
        let g = if window == C::WINDOW {
            C::generator_table()
        } else {
            Arc::new(Table::build(C::generator(), window, C::BYTES * 8)?)
        };
        let q = Table::build(q, window, C::BYTES * 8)?;
        Some(EcdsaKey { g, q })
    }

    pub(crate) fn table_memory(&self) -> usize {
        self.q.memory()
    }

    /// Verifies a batch; `true` only for signatures whose R = u1·G + u2·Q
    /// was computed without an exceptional case and matched r.
    pub(crate) fn verify_batch(&self, items: &[(&[u8], &[u8])]) -> Vec<bool> {
        let n = items.len();
        let windows = self.q.windows;
        let window = self.q.window;
        let half = self.q.half;
        let mut accepted = vec![false; n];
        let mut r_values: Vec<C::S> = vec![C::S::ZERO; n];
        let mut e_values: Vec<C::S> = vec![C::S::ZERO; n];
        let mut s_inverses: Vec<C::S> = Vec::with_capacity(n);
        let mut live: Vec<usize> = Vec::with_capacity(n);
        for (i, (data, signature)) in items.iter().enumerate() {
            // RFC 6605 §4: r | s, each exactly BYTES octets.
            if signature.len() != 2 * C::BYTES {
                continue;
            }
            let (r, s) = signature.split_at(C::BYTES);
            let (Some(r), Some(s)) = (C::scalar_canonical(r), C::scalar_canonical(s)) else {
                continue;
            };
            // 1 ≤ r, s ≤ n − 1.
            if bool::from(r.is_zero()) || bool::from(s.is_zero()) {
                continue;
            }
            let digest = aws_lc_rs::digest::digest(C::digest(), data);
            e_values[i] = C::scalar_reduce(digest.as_ref());
            r_values[i] = r;
            s_inverses.push(s);
            live.push(i);
        }
        let mut scalar_scratch = Vec::with_capacity(live.len());
        let invert_scalar = |x: &C::S| -> Option<C::S> { x.invert().into() };
        if batch_invert_with(&mut s_inverses, &mut scalar_scratch, C::S::ONE, invert_scalar)
            .is_none()
        {
            // No s is zero, so this cannot happen; reject everything if it does.
            return accepted;
        }
        // Two accumulators per live signature: slot 2k sums u1·G, slot
        // 2k + 1 sums u2·Q (k the signature's position in `live`), so both
        // additions of a window share one inversion. Digits are stored
        // window-major: digits[j][slot].
        let slots = 2 * live.len();
        let mut digits = vec![0i16; windows * slots];
        let mut recoded = vec![0i16; windows];
        for (k, (&i, w)) in live.iter().zip(&s_inverses).enumerate() {
            let u1 = e_values[i] * w;
            let u2 = r_values[i] * w;
            for (slot, u) in [(2 * k, u1), (2 * k + 1, u2)] {
                recode(&C::scalar_bytes(&u), window, &mut recoded);
                for (j, d) in recoded.iter().enumerate() {
                    digits[j * slots + slot] = *d;
                }
            }
        }
        let tables = [&self.g.points, &self.q.points];
        let mut state = vec![State::Infinity; slots];
        let mut acc: Vec<Affine<C::F>> = vec![(C::F::ZERO, C::F::ZERO); slots];
        // (slot, table point, negate) for this window, then the pending
        // additions: the accumulators' slots, their points (copied out and
        // back) and the table points to add.
        let mut gathered: Vec<(u32, <C::F as FieldOps>::Entry, bool)> = Vec::with_capacity(slots);
        let mut pending: Vec<u32> = Vec::with_capacity(slots);
        let mut sums: Vec<Affine<C::F>> = Vec::with_capacity(slots);
        let mut points: Vec<Affine<C::F>> = Vec::with_capacity(slots);
        let mut dens: Vec<C::F> = Vec::with_capacity(slots);
        let mut scratch: Vec<C::F> = Vec::with_capacity(slots);
        for j in 0..windows {
            // The table loads first, in a tight loop of their own: they are
            // the cache misses, and this way many are in flight at once.
            gathered.clear();
            let row = &digits[j * slots..(j + 1) * slots];
            let base = j * half;
            for (slot, &d) in row.iter().enumerate() {
                if d == 0 || state[slot] == State::Out {
                    continue;
                }
                let entry = tables[slot & 1][base + d.unsigned_abs() as usize - 1];
                gathered.push((slot as u32, entry, d < 0));
            }
            pending.clear();
            sums.clear();
            points.clear();
            for (slot, entry, negative) in &gathered {
                let slot = *slot as usize;
                let (x, y) = C::F::unpack(entry);
                let p = (x, y.negate_if(*negative));
                if state[slot] == State::Infinity {
                    acc[slot] = p;
                    state[slot] = State::Point;
                    continue;
                }
                if p.0 == acc[slot].0 {
                    // P = ±acc: doubling or cancellation. Not handled
                    // here; aws-lc-rs decides.
                    state[slot] = State::Out;
                    continue;
                }
                pending.push(slot as u32);
                sums.push(acc[slot]);
                points.push(p);
            }
            C::F::add_affine_batch(&mut sums, &points, &mut dens, &mut scratch);
            for (slot, sum) in pending.iter().zip(&sums) {
                acc[*slot as usize] = *sum;
            }
        }
        // R = u1·G + u2·Q: one more addition per signature, of which only
        // x is needed. u2 ≠ 0 (r, w ≠ 0), so the Q slot is never at
        // infinity when it is exact; u1 = 0 leaves the G slot at infinity
        // and R = u2·Q.
        let mut finals: Vec<Final<C::F>> = Vec::with_capacity(live.len());
        dens.clear();
        for (k, &i) in live.iter().enumerate() {
            let (g, q) = (2 * k, 2 * k + 1);
            match (state[g], state[q]) {
                (State::Out, _) | (_, State::Out) | (_, State::Infinity) => {}
                (State::Infinity, State::Point) => finals.push((i, acc[q].0, None)),
                (State::Point, State::Point) => {
                    let den = acc[q].0 - acc[g].0;
                    if den.is_zero() {
                        // u1·G = ±u2·Q: R is a doubling or infinity.
                        continue;
                    }
                    dens.push(den);
                    finals.push((i, C::F::ZERO, Some((acc[g], acc[q]))));
                }
            }
        }
        if batch_invert(&mut dens, &mut scratch).is_none() {
            return accepted;
        }
        let mut inverses = dens.iter();
        for (i, x, sum) in &mut finals {
            if let Some((p1, p2)) = sum {
                let Some(inv) = inverses.next() else { return accepted };
                let lambda = (p2.1 - p1.1) * *inv;
                *x = lambda.square() - p1.0 - p2.0;
            }
            // x(R) < p < 2n, so x(R) mod n is x or x − n: reduce and compare.
            let xr = C::scalar_reduce(&C::field_bytes(x));
            accepted[*i] = xr == r_values[*i];
        }
        accepted
    }
}

#[cfg(test)]
pub(crate) fn recode_for_test(big_endian: &[u8], window: usize, out: &mut [i16]) {
    recode(big_endian, window, out)
}
