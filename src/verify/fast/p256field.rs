//! GF(p) for P-256, p = 2^256 − 2^224 + 2^192 + 2^96 − 1: a small,
//! inlinable field element for the batch verifier only.
//!
//! # Background
//! The `p256` crate's field functions are not `#[inline]` and cannot be
//! inlined across crates without LTO; in the verifier's inner loops (six
//! multiplications per affine addition) the call overhead and the lost
//! scheduling dominated. This is the same representation as the crate's
//! (four 64-bit little-endian limbs, Montgomery form a·2^256 mod p, always
//! fully reduced below p) with every operation `#[inline]`, a dedicated
//! squaring, and a variable-time `is_zero`.
//!
//! # Method
//! Montgomery multiplication: the 512-bit product, then four word-by-word
//! reduction steps (Handbook of Applied Cryptography, Algorithm 14.32).
//! For this p the Montgomery factor −p⁻¹ mod 2^64 is 1 (the lowest limb of
//! p is 2^64 − 1), so each step's multiplier is the current low limb, the
//! multiplication by the lowest limb of p collapses into a carry, the one
//! by the second limb (2^32 − 1) into a shift and the third limb (0)
//! vanishes: one 64×64 multiplication per step. The result
//! is below 2p and one conditional subtraction brings it below p.
//!
//! # Exactness
//! Every value is kept in [0, p), so equality and `is_zero` compare limbs.
//! Tested against the `p256` crate's `FieldElement` on random and edge
//! values (`tests.rs`, `p256_field_*`).
//!
//! # Limitations
//! Not constant time (masks are used where they are cheaper than branches,
//! `is_zero` and `invert` are variable time): verification handles public
//! data only. Never use it for secrets.

use std::ops::{Add, Mul, Neg, Sub};

/// p, little-endian limbs.
const P: [u64; 4] = [u64::MAX, 0x0000_0000_ffff_ffff, 0, 0xffff_ffff_0000_0001];
/// 2^512 mod p (R² for the conversion into Montgomery form).
const R2: [u64; 4] = [0x3, 0xffff_fffb_ffff_ffff, 0xffff_ffff_ffff_fffe, 0x0000_0004_ffff_fffd];

/// An element of GF(p) in Montgomery form, always below p.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fe([u64; 4]);

impl std::fmt::Debug for Fe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Fe(0x")?;
        for b in self.to_bytes() {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

/// a + b + carry, as (low limb, carry out); the carry out is 0 or 1 when
/// the carry in is, at most 2 for any carry in.
#[inline(always)]
fn adc(a: u64, b: u64, carry: u64) -> (u64, u64) {
    let t = a as u128 + b as u128 + carry as u128;
    (t as u64, (t >> 64) as u64)
}

/// a + b·c + carry (cannot overflow 128 bits).
#[inline(always)]
fn mac(a: u64, b: u64, c: u64, carry: u64) -> (u64, u64) {
    let t = a as u128 + (b as u128) * (c as u128) + carry as u128;
    (t as u64, (t >> 64) as u64)
}

/// a − b − borrow; borrow in and out is 0 or u64::MAX.
#[inline(always)]
fn sbb(a: u64, b: u64, borrow: u64) -> (u64, u64) {
    let t = (a as u128).wrapping_sub(b as u128 + (borrow >> 63) as u128);
    (t as u64, (t >> 64) as u64)
}

/// (l − r) for a 5-limb l < 2p and r = p: subtracts p, adds it back if
/// that went below zero.
#[inline(always)]
fn sub_p(l: [u64; 5]) -> [u64; 4] {
    let (w0, borrow) = sbb(l[0], P[0], 0);
    let (w1, borrow) = sbb(l[1], P[1], borrow);
    let (w2, borrow) = sbb(l[2], P[2], borrow);
    let (w3, borrow) = sbb(l[3], P[3], borrow);
    let (_, borrow) = sbb(l[4], 0, borrow);
    add_p_masked([w0, w1, w2, w3], borrow)
}

/// w + (p & mask), modulo 2^256.
#[inline(always)]
fn add_p_masked(w: [u64; 4], mask: u64) -> [u64; 4] {
    let (w0, carry) = adc(w[0], P[0] & mask, 0);
    let (w1, carry) = adc(w[1], P[1] & mask, carry);
    let (w2, carry) = adc(w[2], P[2] & mask, carry);
    let (w3, _) = adc(w[3], P[3] & mask, carry);
    [w0, w1, w2, w3]
}

/// a + m·2^32 for m < 2^64, as (low limb, carry); the carry is below 2^32 + 1.
///
/// This is `a + m·p₁ + m` (p₁ = 2^32 − 1, the second limb of p) without a
/// multiplication.
#[inline(always)]
fn add_shl32(a: u64, m: u64) -> (u64, u64) {
    let (lo, overflow) = a.overflowing_add(m << 32);
    (lo, (m >> 32) + overflow as u64)
}

/// Montgomery reduction of a 512-bit value below p·2^256: value / 2^256
/// mod p, below p. The step multiplier is the low limb (−p⁻¹ = 1 mod 2^64).
#[inline(always)]
fn reduce(r: [u64; 8]) -> [u64; 4] {
    let [r0, r1, r2, r3, r4, r5, r6, r7] = r;
    // Adding r0·p zeroes limb 0 with a carry of exactly r0 (r0·(2^64 − 1)
    // + r0 = r0·2^64), and r0·p₁ + r0 = r0·2^32 is a shift; p's limb 2 is
    // zero.
    let (r1, carry) = add_shl32(r1, r0);
    let (r2, carry) = adc(r2, 0, carry);
    let (r3, carry) = mac(r3, r0, P[3], carry);
    let (r4, carry2) = adc(r4, 0, carry);

    let (r2, carry) = add_shl32(r2, r1);
    let (r3, carry) = adc(r3, 0, carry);
    let (r4, carry) = mac(r4, r1, P[3], carry);
    let (r5, carry2) = adc(r5, carry2, carry);

    let (r3, carry) = add_shl32(r3, r2);
    let (r4, carry) = adc(r4, 0, carry);
    let (r5, carry) = mac(r5, r2, P[3], carry);
    let (r6, carry2) = adc(r6, carry2, carry);

    let (r4, carry) = add_shl32(r4, r3);
    let (r5, carry) = adc(r5, 0, carry);
    let (r6, carry) = mac(r6, r3, P[3], carry);
    let (r7, r8) = adc(r7, carry2, carry);

    sub_p([r4, r5, r6, r7, r8])
}

impl Fe {
    pub(crate) const ZERO: Fe = Fe([0; 4]);
    /// 1 in Montgomery form: 2^256 mod p.
    pub(crate) const ONE: Fe = Fe([1, 0xffff_ffff_0000_0000, u64::MAX, 0x0000_0000_ffff_fffe]);

    /// A big-endian integer of 32 octets; None unless it is below p.
    pub(crate) fn from_bytes(bytes: &[u8; 32]) -> Option<Fe> {
        let mut w = [0u64; 4];
        for (i, limb) in w.iter_mut().enumerate() {
            let mut b = [0u8; 8];
            b.copy_from_slice(&bytes[32 - 8 * (i + 1)..32 - 8 * i]);
            *limb = u64::from_be_bytes(b);
        }
        // Canonical: w < p, i.e. w − p borrows.
        let (_, borrow) = sbb(w[0], P[0], 0);
        let (_, borrow) = sbb(w[1], P[1], borrow);
        let (_, borrow) = sbb(w[2], P[2], borrow);
        let (_, borrow) = sbb(w[3], P[3], borrow);
        if borrow == 0 {
            return None;
        }
        Some(Fe(w) * Fe(R2))
    }

    /// The canonical big-endian encoding (32 octets).
    pub(crate) fn to_bytes(self) -> [u8; 32] {
        let [a0, a1, a2, a3] = self.0;
        let w = reduce([a0, a1, a2, a3, 0, 0, 0, 0]);
        let mut out = [0u8; 32];
        for (i, limb) in w.iter().enumerate() {
            out[32 - 8 * (i + 1)..32 - 8 * i].copy_from_slice(&limb.to_be_bytes());
        }
        out
    }

    /// The Montgomery-form limbs (a·2^256 mod p, little-endian, below p),
    /// for the SIMD kernels ([`super::p256ifma`]).
    #[inline(always)]
    pub(crate) fn limbs(&self) -> [u64; 4] {
        self.0
    }

    /// The element whose Montgomery-form limbs are `limbs`, unchecked: the
    /// caller guarantees the little-endian integer is below p (every
    /// operation relies on it; equality compares limbs).
    #[inline(always)]
    pub(crate) fn from_limbs_unchecked(limbs: [u64; 4]) -> Fe {
        Fe(limbs)
    }

    /// Variable time: the limbs are canonical, so zero is all-zero limbs.
    #[inline(always)]
    pub(crate) fn is_zero(&self) -> bool {
        (self.0[0] | self.0[1] | self.0[2] | self.0[3]) == 0
    }

    #[inline(always)]
    pub(crate) fn double(&self) -> Fe {
        *self + *self
    }

    /// self², with the six cross products computed once.
    #[inline(always)]
    pub(crate) fn square(&self) -> Fe {
        let [a0, a1, a2, a3] = self.0;
        let (w1, c) = mac(0, a0, a1, 0);
        let (w2, c) = mac(0, a0, a2, c);
        let (w3, w4) = mac(0, a0, a3, c);
        let (w3, c) = mac(w3, a1, a2, 0);
        let (w4, w5) = mac(w4, a1, a3, c);
        let (w5, w6) = mac(w5, a2, a3, 0);
        let w7 = w6 >> 63;
        let w6 = (w6 << 1) | (w5 >> 63);
        let w5 = (w5 << 1) | (w4 >> 63);
        let w4 = (w4 << 1) | (w3 >> 63);
        let w3 = (w3 << 1) | (w2 >> 63);
        let w2 = (w2 << 1) | (w1 >> 63);
        let w1 = w1 << 1;
        let (w0, c) = mac(0, a0, a0, 0);
        let (w1, c) = adc(w1, 0, c);
        let (w2, c) = mac(w2, a1, a1, c);
        let (w3, c) = adc(w3, 0, c);
        let (w4, c) = mac(w4, a2, a2, c);
        let (w5, c) = adc(w5, 0, c);
        let (w6, c) = mac(w6, a3, a3, c);
        let (w7, _) = adc(w7, 0, c);
        Fe(reduce([w0, w1, w2, w3, w4, w5, w6, w7]))
    }

    /// `if negate { −self } else { self }`, without a branch (the sign of
    /// a table digit is unpredictable).
    #[inline(always)]
    pub(crate) fn negate_if(self, negate: bool) -> Fe {
        let mask = (negate as u64).wrapping_neg();
        let n = -self;
        let mut out = self.0;
        for (o, m) in out.iter_mut().zip(n.0) {
            *o ^= (*o ^ m) & mask;
        }
        Fe(out)
    }

    /// self^(2^n).
    #[inline]
    fn sqn(&self, n: usize) -> Fe {
        let mut x = *self;
        for _ in 0..n {
            x = x.square();
        }
        x
    }

    /// self⁻¹ = self^(p−2) (Fermat), None for zero. The addition chain of
    /// the `p256` crate (`FieldElement::invert`).
    pub(crate) fn invert(&self) -> Option<Fe> {
        if self.is_zero() {
            return None;
        }
        let t111 = *self * (*self * self.square()).square();
        let t111111 = t111 * t111.sqn(3);
        let x15 = (t111111.sqn(6) * t111111).sqn(3) * t111;
        let x16 = x15.square() * *self;
        let i53 = (x16.sqn(16) * x16).sqn(15);
        let x47 = x15 * i53;
        Some(((x47 * ((i53.sqn(17) * *self).sqn(143) * x47).sqn(47)).sqn(2)) * *self)
    }
}

impl Add for Fe {
    type Output = Fe;
    #[inline(always)]
    fn add(self, b: Fe) -> Fe {
        let a = self.0;
        let b = b.0;
        let (w0, carry) = adc(a[0], b[0], 0);
        let (w1, carry) = adc(a[1], b[1], carry);
        let (w2, carry) = adc(a[2], b[2], carry);
        let (w3, w4) = adc(a[3], b[3], carry);
        Fe(sub_p([w0, w1, w2, w3, w4]))
    }
}

impl Sub for Fe {
    type Output = Fe;
    #[inline(always)]
    fn sub(self, b: Fe) -> Fe {
        let a = self.0;
        let b = b.0;
        let (w0, borrow) = sbb(a[0], b[0], 0);
        let (w1, borrow) = sbb(a[1], b[1], borrow);
        let (w2, borrow) = sbb(a[2], b[2], borrow);
        let (w3, borrow) = sbb(a[3], b[3], borrow);
        Fe(add_p_masked([w0, w1, w2, w3], borrow))
    }
}

impl Neg for Fe {
    type Output = Fe;
    #[inline(always)]
    fn neg(self) -> Fe {
        Fe::ZERO - self
    }
}

impl Mul for Fe {
    type Output = Fe;
    #[inline(always)]
    fn mul(self, b: Fe) -> Fe {
        let a = self.0;
        let b = b.0;
        let (w0, carry) = mac(0, a[0], b[0], 0);
        let (w1, carry) = mac(0, a[0], b[1], carry);
        let (w2, carry) = mac(0, a[0], b[2], carry);
        let (w3, w4) = mac(0, a[0], b[3], carry);

        let (w1, carry) = mac(w1, a[1], b[0], 0);
        let (w2, carry) = mac(w2, a[1], b[1], carry);
        let (w3, carry) = mac(w3, a[1], b[2], carry);
        let (w4, w5) = mac(w4, a[1], b[3], carry);

        let (w2, carry) = mac(w2, a[2], b[0], 0);
        let (w3, carry) = mac(w3, a[2], b[1], carry);
        let (w4, carry) = mac(w4, a[2], b[2], carry);
        let (w5, w6) = mac(w5, a[2], b[3], carry);

        let (w3, carry) = mac(w3, a[3], b[0], 0);
        let (w4, carry) = mac(w4, a[3], b[1], carry);
        let (w5, carry) = mac(w5, a[3], b[2], carry);
        let (w6, w7) = mac(w6, a[3], b[3], carry);

        Fe(reduce([w0, w1, w2, w3, w4, w5, w6, w7]))
    }
}
