//! Batched affine point addition on P-256 with AVX-512 IFMA: eight
//! additions per vector, one field inversion for the whole batch.
//!
//! # Background
//! The batch verifier's hot loop ([`super::ecdsa`]) is, per window, one
//! affine chord addition per accumulator with all denominators inverted at
//! once (Montgomery's trick): about six field multiplications per addition
//! on [`Fe`], whose 64×64-bit products go through the one scalar
//! multiplier port. AVX-512 IFMA (`vpmadd52luq` / `vpmadd52huq`) multiplies
//! eight pairs of 52-bit integers per instruction and adds the low or high
//! 52 bits of each 104-bit product to a 64-bit accumulator, so eight field
//! elements can be multiplied side by side.
//!
//! # Method
//! *Representation.* An element is five 52-bit limbs (radix 2^52, 260
//! bits), and eight elements are stored limb by limb in five `__m512i`
//! (structure of arrays, one element per 64-bit lane). Loading slices the
//! canonical 256-bit Montgomery limbs of [`Fe`] (aR mod p, R = 2^256) into
//! 52-bit limbs unchanged; storing joins them back. The kernel multiplies
//! with Montgomery's method for R' = 2^260 (five reduction steps of 52
//! bits), so inside the kernel the same limbs stand for a/16: an integer V
//! is aR = (a/16)·R'. Rather than converting on entry and exit, the chord
//! formula is run on the scaled coordinates X = x/16, Y = y/16, with the
//! scale folded in where it is free:
//! - the slope is the same for scaled coordinates, λ = (Y2 − Y1)/(X2 − X1);
//! - the inverses are computed as I = 1/(4·(X2 − X1)), so the kernel's
//!   slope is Λ = λ/4 and Λ² = λ²/16: X3 = Λ² − X1 − X2 = x3/16;
//! - Y3 = 4Λ·(X1 − X3) − Y1 = y3/16, the factor 4 taken by shifting the
//!   limbs of X1 − X3 before they are normalized.
//!
//! So the limbs written back are exactly [`Fe`]'s limbs of (x3, y3), and
//! the 1/4 costs one scalar multiplication per lane total (below).
//!
//! *Multiplication.* The 5×5-limb product is accumulated in ten 64-bit
//! columns (low halves and high halves in separate registers, so no chain
//! of dependent `vpmadd52` is longer than five), then reduced in five
//! steps. p = 2^256 − 2^224 + 2^192 + 2^96 − 1 ≡ −1 (mod 2^52), so
//! −p⁻¹ mod 2^52 = 1 and each step's quotient digit m is the low 52 bits
//! of the current column. p's radix-2^52 limbs are (2^52 − 1, 2^44 − 1, 0,
//! 2^36, 2^48 − 2^16): the lowest turns into a carry (column + m·(2^52 − 1)
//! is a multiple of 2^52, namely (column >> 52) + m times 2^52), the zero
//! limb vanishes, three limbs take `vpmadd52`. Squaring computes the ten
//! cross products once and doubles them.
//!
//! *Montgomery's trick, lane-parallel.* The K additions are G = ⌈K/8⌉
//! groups of eight (the last one padded with harmless points whose results
//! are discarded). Each lane runs its own prefix product over the groups,
//! in two interleaved chains (even and odd groups) so that two independent
//! multiplications are in flight: P[g] = P[g − 2]·D[g]. The (up to)
//! sixteen lane totals are inverted on the scalar side with [`Fe`] (one
//! [`Fe::invert`] and a scalar Montgomery trick), then the backward pass
//! per group recovers each inverse and immediately does that group's
//! chord addition, so the points are loaded twice (x only in the forward
//! pass) and only the prefix products are stored.
//!
//! Measured by `p256ifma_speed` (`cargo test --release --lib p256ifma --
//! --ignored --nocapture`: batches of 2048, minimum of 50 alternating runs,
//! 2-vCPU Sapphire Rapids VM under load), per addition: the scalar code of
//! `ecdsa.rs` 167-229 ns, this kernel 40-49 ns (4.2-4.7× in each run).
//! One, two or four chains measured the same within the noise.
//!
//! # Exactness
//! Bounds, with u = 2^256 > p. A multiplication of A and B (limbs below
//! 2^52, the only requirement of `vpmadd52` on its factors) returns
//! T = (A·B + M·p)/2^260 with M < 2^260, so T < A·B/2^260 + p; every
//! column stays below 2^58 (at most ten products' halves of 52 bits plus
//! the reduction's, plus carries), so no 64-bit accumulator overflows, and
//! T < 2^260 fits five normalized limbs whenever A·B/2^260 + p < 2^260.
//! Along the formula (inputs X1, Y1, X2, Y2 < p, differences a − b
//! computed as a + k·p − b with k·p above b's bound, never negative):
//! D = X2 + p − X1 < 2u; prefix products and inverses stay below 2u (a
//! product of two values below 2u is below (2·2/16 + 1)u = 1.25u, the
//! scalar inverses are below p); Λ < 2·1.25/16·u + u < 1.16u; Λ² < 1.09u;
//! X3 = Λ² + 2p − X1 − X2 < 3.1u, reduced to canonical; 4·(X1 + p − X3) <
//! 8u; the last product < (1.16·8/16 + 1)u < 1.6u; Y3 = that + p − Y1 <
//! 2.6u, reduced to canonical. All far below 2^260 = 16u. Reduction to
//! canonical of any V < 2^260: V = q·2^256 + L (q < 16) becomes
//! L + q·(2^256 − p), below 2^256 + 2^228 < 2p, and one conditional
//! subtraction of p leaves it below p. So the results are the canonical
//! limbs of the exact sum; `p256ifma_tests.rs` checks them against the
//! scalar formula ([`add_affine_batch_scalar`]) bit for bit, and the field
//! operations against [`Fe`] on edge values.
//!
//! # Limitations
//! x86-64 with AVX-512F and AVX-512 IFMA only (no AVX-512VL: every vector
//! is 512 bits); elsewhere [`add_affine_batch`] runs the scalar code.
//! `ZONESIGN_VERIFY_SIMD=scalar` forces the scalar path. Variable time (public
//! data only). Batches much shorter than 16 pay for padded lanes and for
//! the scalar inversion of the lane totals.

#![allow(unsafe_code)]

use std::sync::OnceLock;

use super::ecdsa::add_affine_batch_scalar;
use super::p256field::Fe;

/// Environment variable that forces the scalar path: `scalar`; `avx512ifma`
/// names the default, and any other value is ignored with a warning.
pub(crate) const BACKEND_ENV: &str = "ZONESIGN_VERIFY_SIMD";

/// True when the CPU has what [`add_affine_batch`] needs (AVX-512F and
/// AVX-512 IFMA) and [`BACKEND_ENV`] does not force the scalar path.
/// Detected once per process; logged to standard error when
/// `ZONESIGN_LOG_BACKENDS` is set.
pub(crate) fn available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        // Any other value: the CPU's choice (a misspelt one is warned of as
        // the run starts, `run::warn_of_unknown_backends`).
        let forced =
            std::env::var(BACKEND_ENV).is_ok_and(|v| v.trim().eq_ignore_ascii_case("scalar"));
        let chosen = !forced && cpu_has_ifma();
        if std::env::var_os("ZONESIGN_LOG_BACKENDS").is_some() {
            crate::diag!("zonesign: P-256 batch addition: {}", kernel_name_of(chosen));
        }
        chosen
    })
}

/// The name of the kernel [`available`] chose, for logs and the run summary.
pub(crate) fn kernel_name() -> &'static str {
    kernel_name_of(available())
}

pub(crate) fn kernel_name_of(ifma: bool) -> &'static str {
    if ifma {
        "avx512ifma"
    } else {
        "portable"
    }
}

/// Whether the CPU itself has AVX-512F and AVX-512 IFMA (the std macro
/// caches the CPUID result).
fn cpu_has_ifma() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512ifma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// For every k: `a[k] = a[k] + b[k]`, the affine chord addition on P-256
/// (y² = x³ − 3x + b): with λ = (y2 − y1)/(x2 − x1), x3 = λ² − x1 − x2 and
/// y3 = λ·(x1 − x3) − y1. One field inversion for the whole batch
/// (Montgomery's trick), eight additions per vector when [`available`],
/// the scalar code otherwise; both give the same canonical results.
///
/// Precondition: x(a[k]) ≠ x(b[k]) for every k (the caller has checked;
/// doubling and P + (−P) are not chord additions), and `a` and `b` have the
/// same length. Debug builds assert both. In release builds an item with
/// x1 = x2 gets unspecified (but canonical) coordinates and leaves every
/// other item exact, and only the common prefix of unequal slices is
/// added. Never panics in release builds. `dens` and `scratch` are the
/// portable path's working space, reused across calls.
pub(crate) fn add_affine_batch(
    a: &mut [(Fe, Fe)],
    b: &[(Fe, Fe)],
    dens: &mut Vec<Fe>,
    scratch: &mut Vec<Fe>,
) {
    debug_assert_eq!(a.len(), b.len(), "one addend per accumulator");
    debug_assert!(a.iter().zip(b).all(|(p, q)| p.0 != q.0), "x1 = x2 is not a chord addition");
    #[cfg(target_arch = "x86_64")]
    if available() {
        // SAFETY: `available` is true only when the CPU has AVX-512F and
        // AVX-512 IFMA, the features the kernel is compiled for.
        unsafe { kernel::add_affine_batch(a, b) };
        return;
    }
    add_affine_batch_scalar(a, b, dens, scratch);
}

/// Test hook: the IFMA kernel itself (not the dispatcher, so no debug
/// assertions); None when the CPU lacks it (or off x86-64).
#[cfg(test)]
pub(crate) fn add_affine_batch_ifma_for_test(a: &mut [(Fe, Fe)], b: &[(Fe, Fe)]) -> Option<()> {
    #[cfg(target_arch = "x86_64")]
    if cpu_has_ifma() {
        // SAFETY: the CPU features were checked just above.
        unsafe { kernel::add_affine_batch(a, b) };
        return Some(());
    }
    let _ = (a, b);
    None
}

/// The AVX-512 IFMA kernel and its helpers. Every function is compiled for
/// AVX-512F and AVX-512 IFMA; only [`kernel::add_affine_batch`] and the test
/// hooks are entered from outside, after the CPU check.
#[cfg(target_arch = "x86_64")]
pub(crate) mod kernel {
    use std::arch::x86_64::{
        __m512i, _mm256_loadu_si256, _mm256_storeu_si256, _mm512_add_epi64, _mm512_and_si512,
        _mm512_castsi256_si512, _mm512_castsi512_si256, _mm512_cmpeq_epi64_mask,
        _mm512_cmplt_epi64_mask, _mm512_extracti64x4_epi64, _mm512_inserti64x4,
        _mm512_madd52hi_epu64, _mm512_madd52lo_epu64, _mm512_mask_blend_epi64, _mm512_or_si512,
        _mm512_permutex2var_epi64, _mm512_set1_epi64, _mm512_set_epi64, _mm512_setzero_si512,
        _mm512_shuffle_i64x2, _mm512_slli_epi64, _mm512_srai_epi64, _mm512_srli_epi64,
        _mm512_storeu_si512, _mm512_sub_epi64, _mm512_unpackhi_epi64, _mm512_unpacklo_epi64,
    };

    use super::super::ecdsa::batch_invert;
    use super::Fe;

    /// Elements per vector.
    pub(crate) const LANES: usize = 8;
    /// Independent prefix-product chains per lane (even and odd groups).
    const CHAINS: usize = 2;
    const MASK52: u64 = (1 << 52) - 1;
    /// p in radix 2^52: 2^52 − 1, 2^44 − 1, 0, 2^36, 2^48 − 2^16.
    pub(crate) const P52: [u64; 5] = [MASK52, (1 << 44) - 1, 0, 1 << 36, 0xffff_ffff_0000];

    /// Eight field elements, limb by limb (limb i of lane k is lane k of
    /// element i). Limbs are signed 64-bit between operations and
    /// "normalized" (each in [0, 2^52), the top one holding the rest) where
    /// a multiplication needs them.
    pub(crate) type Lanes = [__m512i; 5];

    /// A padding point of `a`: (0, 0).
    const PAD_A: (Fe, Fe) = (Fe::ZERO, Fe::ZERO);
    /// A padding point of `b`: (1, 0), so the padded denominator is 1 − 0.
    const PAD_B: (Fe, Fe) = (Fe::ONE, Fe::ZERO);

    #[target_feature(enable = "avx512f")]
    #[inline]
    fn splat(x: u64) -> __m512i {
        _mm512_set1_epi64(x as i64)
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    fn add(a: __m512i, b: __m512i) -> __m512i {
        _mm512_add_epi64(a, b)
    }

    #[target_feature(enable = "avx512f")]
    #[inline]
    fn sub(a: __m512i, b: __m512i) -> __m512i {
        _mm512_sub_epi64(a, b)
    }

    /// p·k in radix 2^52, limb by limb (not normalized; any small k).
    #[target_feature(enable = "avx512f")]
    #[inline]
    fn p_times(k: u64) -> Lanes {
        [
            splat(P52[0] * k),
            splat(P52[1] * k),
            splat(P52[2] * k),
            splat(P52[3] * k),
            splat(P52[4] * k),
        ]
    }

    /// Carries signed limbs upwards: limbs 0..4 into [0, 2^52), limb 4 gets
    /// the rest (arithmetic shifts, so negative limbs borrow). The value is
    /// unchanged; for a value in [0, 2^260) the result is normalized.
    #[target_feature(enable = "avx512f")]
    #[inline]
    fn normalize(mut l: Lanes) -> Lanes {
        let mask = splat(MASK52);
        for k in 0..4 {
            let carry = _mm512_srai_epi64::<52>(l[k]);
            l[k] = _mm512_and_si512(l[k], mask);
            l[k + 1] = add(l[k + 1], carry);
        }
        l
    }

    /// Montgomery reduction of ten product columns (each below 2^58):
    /// (columns + M·p)/2^260 with normalized limbs. The quotient digit of
    /// each step is the column's low 52 bits (−p⁻¹ ≡ 1 mod 2^52).
    #[target_feature(enable = "avx512f,avx512ifma")]
    #[inline]
    fn reduce(mut t: [__m512i; 10]) -> Lanes {
        let mask = splat(MASK52);
        let p1 = splat(P52[1]);
        let p3 = splat(P52[3]);
        let p4 = splat(P52[4]);
        for i in 0..5 {
            let m = _mm512_and_si512(t[i], mask);
            // t_i + m·(2^52 − 1) = ((t_i >> 52) + m)·2^52 exactly, as
            // t_i ≡ m (mod 2^52): p's lowest limb becomes a carry.
            let carry = add(_mm512_srli_epi64::<52>(t[i]), m);
            t[i + 1] = add(_mm512_madd52lo_epu64(t[i + 1], m, p1), carry);
            t[i + 2] = _mm512_madd52hi_epu64(t[i + 2], m, p1);
            // p's limb 2 is zero.
            t[i + 3] = _mm512_madd52lo_epu64(t[i + 3], m, p3);
            t[i + 4] = _mm512_madd52hi_epu64(t[i + 4], m, p3);
            t[i + 4] = _mm512_madd52lo_epu64(t[i + 4], m, p4);
            t[i + 5] = _mm512_madd52hi_epu64(t[i + 5], m, p4);
        }
        normalize([t[5], t[6], t[7], t[8], t[9]])
    }

    /// a·b/2^260 mod p (not reduced: below a·b/2^260 + p), normalized.
    /// Both factors must be normalized.
    #[target_feature(enable = "avx512f,avx512ifma")]
    #[inline]
    pub(crate) fn mul(a: &Lanes, b: &Lanes) -> Lanes {
        let zero = _mm512_setzero_si512();
        // Low and high halves in separate columns: shorter dependency
        // chains through the accumulating multiply-adds.
        let mut lo = [zero; 10];
        let mut hi = [zero; 10];
        for i in 0..5 {
            for j in 0..5 {
                lo[i + j] = _mm512_madd52lo_epu64(lo[i + j], a[i], b[j]);
                hi[i + j + 1] = _mm512_madd52hi_epu64(hi[i + j + 1], a[i], b[j]);
            }
        }
        let mut t = [zero; 10];
        for k in 0..10 {
            t[k] = add(lo[k], hi[k]);
        }
        reduce(t)
    }

    /// a²/2^260 mod p as [`mul`], with the ten cross products computed once.
    #[target_feature(enable = "avx512f,avx512ifma")]
    #[inline]
    pub(crate) fn square(a: &Lanes) -> Lanes {
        let zero = _mm512_setzero_si512();
        let mut lo = [zero; 10];
        let mut hi = [zero; 10];
        for i in 0..5 {
            for j in i + 1..5 {
                lo[i + j] = _mm512_madd52lo_epu64(lo[i + j], a[i], a[j]);
                hi[i + j + 1] = _mm512_madd52hi_epu64(hi[i + j + 1], a[i], a[j]);
            }
        }
        let mut t = [zero; 10];
        for k in 0..10 {
            let cross = add(lo[k], hi[k]);
            t[k] = add(cross, cross);
        }
        for i in 0..5 {
            t[2 * i] = _mm512_madd52lo_epu64(t[2 * i], a[i], a[i]);
            t[2 * i + 1] = _mm512_madd52hi_epu64(t[2 * i + 1], a[i], a[i]);
        }
        reduce(t)
    }

    /// a + k·p − b limb by limb (signed, not normalized).
    #[target_feature(enable = "avx512f")]
    #[inline]
    fn sub_lazy(a: &Lanes, b: &Lanes, kp: &Lanes) -> Lanes {
        let mut out = *a;
        for i in 0..5 {
            out[i] = sub(add(a[i], kp[i]), b[i]);
        }
        out
    }

    /// The canonical representative (below p, normalized) of a value in
    /// [0, 2^260) given in any signed limbs: fold the bits from 2^256 up
    /// back with 2^256 ≡ 2^224 − 2^192 − 2^96 + 1 (mod p), then subtract p
    /// once if that does not go negative.
    #[target_feature(enable = "avx512f")]
    #[inline]
    pub(crate) fn canonical(l: &Lanes) -> Lanes {
        let mut l = normalize(*l);
        // Bits 256..259 are bits 48..51 of limb 4 (limb 4 starts at 208).
        let q = _mm512_srli_epi64::<48>(l[4]);
        l[4] = _mm512_and_si512(l[4], splat((1 << 48) - 1));
        // q·(2^224 − 2^192 − 2^96 + 1): 2^224 = limb 4 bit 16, 2^192 =
        // limb 3 bit 36, 2^96 = limb 1 bit 44. Now below 2^256 + 2^228.
        l[0] = add(l[0], q);
        l[1] = sub(l[1], _mm512_slli_epi64::<44>(q));
        l[3] = sub(l[3], _mm512_slli_epi64::<36>(q));
        l[4] = add(l[4], _mm512_slli_epi64::<16>(q));
        let l = normalize(l);
        let mut w = l;
        for i in 0..5 {
            w[i] = sub(l[i], splat(P52[i]));
        }
        let w = normalize(w);
        // The top limb carries the sign: negative means l < p, keep l.
        let below_p = _mm512_cmplt_epi64_mask(w[4], _mm512_setzero_si512());
        let mut out = l;
        for i in 0..5 {
            out[i] = _mm512_mask_blend_epi64(below_p, w[i], l[i]);
        }
        out
    }

    /// 64-bit limbs (four vectors, each value below 2^256) to radix 2^52.
    #[target_feature(enable = "avx512f")]
    #[inline]
    pub(crate) fn from_u64_limbs(w: [__m512i; 4]) -> Lanes {
        let mask = splat(MASK52);
        let or = _mm512_or_si512;
        [
            _mm512_and_si512(w[0], mask),
            _mm512_and_si512(
                or(_mm512_srli_epi64::<52>(w[0]), _mm512_slli_epi64::<12>(w[1])),
                mask,
            ),
            _mm512_and_si512(
                or(_mm512_srli_epi64::<40>(w[1]), _mm512_slli_epi64::<24>(w[2])),
                mask,
            ),
            _mm512_and_si512(
                or(_mm512_srli_epi64::<28>(w[2]), _mm512_slli_epi64::<36>(w[3])),
                mask,
            ),
            _mm512_srli_epi64::<16>(w[3]),
        ]
    }

    /// Normalized radix-2^52 limbs of a value below 2^256 to 64-bit limbs.
    #[target_feature(enable = "avx512f")]
    #[inline]
    pub(crate) fn to_u64_limbs(l: &Lanes) -> [__m512i; 4] {
        let or = _mm512_or_si512;
        [
            or(l[0], _mm512_slli_epi64::<52>(l[1])),
            or(_mm512_srli_epi64::<12>(l[1]), _mm512_slli_epi64::<40>(l[2])),
            or(_mm512_srli_epi64::<24>(l[2]), _mm512_slli_epi64::<28>(l[3])),
            or(_mm512_srli_epi64::<36>(l[3]), _mm512_slli_epi64::<16>(l[4])),
        ]
    }

    /// Transposes an 8×8 matrix of 64-bit words (rows in, columns out; its
    /// own inverse): unpack pairs, then 2×2 blocks, then 4×4 blocks.
    #[target_feature(enable = "avx512f")]
    #[inline]
    fn transpose(r: [__m512i; 8]) -> [__m512i; 8] {
        let mut a = r;
        for k in 0..4 {
            a[2 * k] = _mm512_unpacklo_epi64(r[2 * k], r[2 * k + 1]);
            a[2 * k + 1] = _mm512_unpackhi_epi64(r[2 * k], r[2 * k + 1]);
        }
        // a[0] = r0[0] r1[0] r0[2] r1[2] r0[4] r1[4] r0[6] r1[6], a[1] the
        // odd columns; a[2], a[3] the same for rows 2 and 3, and so on.
        let even = _mm512_set_epi64(13, 12, 5, 4, 9, 8, 1, 0);
        let odd = _mm512_set_epi64(15, 14, 7, 6, 11, 10, 3, 2);
        let mut b = a;
        for h in 0..2 {
            for k in 0..2 {
                let (x, y) = (a[4 * h + k], a[4 * h + k + 2]);
                // Columns k and k + 4 (even) / k + 2 and k + 6 (odd), rows
                // 4h..4h + 3.
                b[4 * h + k] = _mm512_permutex2var_epi64(x, even, y);
                b[4 * h + k + 2] = _mm512_permutex2var_epi64(x, odd, y);
            }
        }
        // b[k] for k < 4 holds column c and column c + 4 of rows 0..3
        // (c = 0, 1, 2, 3 for k = 0, 1, 2, 3), b[k + 4] the same of rows 4..7.
        let mut c = b;
        for k in 0..4 {
            c[k] = _mm512_shuffle_i64x2::<0x44>(b[k], b[k + 4]);
            c[k + 4] = _mm512_shuffle_i64x2::<0xEE>(b[k], b[k + 4]);
        }
        c
    }

    /// Eight points of `src` (fewer at its end: `pad` fills the lanes), as
    /// their x and y coordinates in lanes.
    #[target_feature(enable = "avx512f")]
    #[inline]
    fn load_points(src: &[(Fe, Fe)], pad: (Fe, Fe)) -> (Lanes, Lanes) {
        let padded: [(Fe, Fe); LANES];
        let points = if src.len() >= LANES {
            &src[..LANES]
        } else {
            padded = std::array::from_fn(|k| src.get(k).copied().unwrap_or(pad));
            &padded[..]
        };
        let mut rows = [_mm512_setzero_si512(); LANES];
        for (row, (x, y)) in rows.iter_mut().zip(points) {
            let (x, y) = (x.limbs(), y.limbs());
            // SAFETY: `x` and `y` are [u64; 4], the 32 octets each load reads.
            let (x, y) = unsafe {
                (_mm256_loadu_si256(x.as_ptr().cast()), _mm256_loadu_si256(y.as_ptr().cast()))
            };
            *row = _mm512_inserti64x4::<1>(_mm512_castsi256_si512(x), y);
        }
        let c = transpose(rows);
        (from_u64_limbs([c[0], c[1], c[2], c[3]]), from_u64_limbs([c[4], c[5], c[6], c[7]]))
    }

    /// Writes canonical lanes back into the first (up to) eight points of
    /// `dst`.
    #[target_feature(enable = "avx512f")]
    #[inline]
    fn store_points(dst: &mut [(Fe, Fe)], x: &Lanes, y: &Lanes) {
        let [x0, x1, x2, x3] = to_u64_limbs(x);
        let [y0, y1, y2, y3] = to_u64_limbs(y);
        let rows = transpose([x0, x1, x2, x3, y0, y1, y2, y3]);
        for (point, row) in dst.iter_mut().zip(rows) {
            let (mut x, mut y) = ([0u64; 4], [0u64; 4]);
            // SAFETY: `x` and `y` are [u64; 4], the 32 octets each store
            // writes.
            unsafe {
                _mm256_storeu_si256(x.as_mut_ptr().cast(), _mm512_castsi512_si256(row));
                _mm256_storeu_si256(y.as_mut_ptr().cast(), _mm512_extracti64x4_epi64::<1>(row));
            }
            // Canonical by `canonical`: both coordinates are below p.
            *point = (Fe::from_limbs_unchecked(x), Fe::from_limbs_unchecked(y));
        }
    }

    /// One vector of eight words, word k in lane k.
    #[target_feature(enable = "avx512f")]
    #[inline]
    fn lanes_of(w: [u64; LANES]) -> __m512i {
        let w = w.map(|x| x as i64);
        _mm512_set_epi64(w[7], w[6], w[5], w[4], w[3], w[2], w[1], w[0])
    }

    /// Eight elements into lanes (64-bit limbs to radix 2^52).
    #[target_feature(enable = "avx512f")]
    #[inline]
    pub(crate) fn lanes_from_fe(v: &[Fe; LANES]) -> Lanes {
        from_u64_limbs(std::array::from_fn(|i| lanes_of(std::array::from_fn(|k| v[k].limbs()[i]))))
    }

    /// Lanes (any value in [0, 2^260)) to their canonical elements.
    #[target_feature(enable = "avx512f")]
    #[inline]
    pub(crate) fn lanes_to_fe(l: &Lanes) -> [Fe; LANES] {
        let limbs = to_u64_limbs(&canonical(l));
        let mut words = [[0u64; LANES]; 4];
        for (v, out) in limbs.iter().zip(words.iter_mut()) {
            // SAFETY: `out` is [u64; 8], exactly the 64 octets stored.
            unsafe { _mm512_storeu_si512(out.as_mut_ptr().cast(), *v) };
        }
        // Canonical: below p.
        std::array::from_fn(|k| {
            Fe::from_limbs_unchecked([words[0][k], words[1][k], words[2][k], words[3][k]])
        })
    }

    /// x2 − x1 (+ p), normalized; 1 in a lane where x1 = x2, so that an
    /// item outside the precondition cannot zero its lane's product.
    #[target_feature(enable = "avx512f")]
    #[inline]
    fn denominator(x1: &Lanes, x2: &Lanes) -> Lanes {
        let d = normalize(sub_lazy(x2, x1, &p_times(1)));
        let mut equal = !0u8;
        for i in 0..5 {
            equal &= _mm512_cmpeq_epi64_mask(x1[i], x2[i]);
        }
        let zero = _mm512_setzero_si512();
        let one = [splat(1), zero, zero, zero, zero];
        let mut out = d;
        for i in 0..5 {
            out[i] = _mm512_mask_blend_epi64(equal, d[i], one[i]);
        }
        out
    }

    /// The chord addition of one group given inv = 1/(4·(X2 − X1)) in the
    /// kernel's scaling (module doc): (X3, Y3), canonical.
    #[target_feature(enable = "avx512f,avx512ifma")]
    #[inline]
    fn chord(x1: &Lanes, y1: &Lanes, x2: &Lanes, y2: &Lanes, inv: &Lanes) -> (Lanes, Lanes) {
        let p1 = p_times(1);
        let dy = normalize(sub_lazy(y2, y1, &p1));
        // Λ = λ/4.
        let lambda = mul(&dy, inv);
        let lambda2 = square(&lambda);
        // X3 = Λ² + 2p − X1 − X2 (both below p).
        let mut x3 = lambda2;
        let p2 = p_times(2);
        for i in 0..5 {
            x3[i] = sub(sub(add(lambda2[i], p2[i]), x1[i]), x2[i]);
        }
        let x3 = canonical(&x3);
        // 4·(X1 + p − X3), the 4 being λ/Λ.
        let mut s = sub_lazy(x1, &x3, &p1);
        for limb in s.iter_mut() {
            *limb = _mm512_slli_epi64::<2>(*limb);
        }
        let t = mul(&lambda, &normalize(s));
        let y3 = canonical(&sub_lazy(&t, y1, &p1));
        (x3, y3)
    }

    /// [`super::add_affine_batch`] on eight lanes; see the module doc.
    ///
    /// # Safety
    /// The CPU must support AVX-512F and AVX-512 IFMA.
    #[target_feature(enable = "avx512f,avx512ifma")]
    pub(crate) fn add_affine_batch(a: &mut [(Fe, Fe)], b: &[(Fe, Fe)]) {
        let n = a.len().min(b.len());
        if n == 0 {
            return;
        }
        let groups = n.div_ceil(LANES);
        // Forward pass: prefix[g] = prefix[g − CHAINS]·D[g] per lane.
        let mut prefix: Vec<Lanes> = Vec::with_capacity(groups);
        for g in 0..groups {
            let start = g * LANES;
            let (x1, _) = load_points(&a[start..n], PAD_A);
            let (x2, _) = load_points(&b[start..n], PAD_B);
            let d = denominator(&x1, &x2);
            let p = if g < CHAINS { d } else { mul(&prefix[g - CHAINS], &d) };
            prefix.push(p);
        }
        // The lane totals of each chain, inverted on the scalar side. Limbs
        // that stand for π in the kernel stand for 16π as an Fe (module
        // doc), so 64 times Fe's inverse 1/(16π) is 4/π as an Fe and
        // 1/(4π) in the kernel: the scaled inverse the chord needs.
        let chains = groups.min(CHAINS);
        let mut totals = [Fe::ZERO; CHAINS * LANES];
        for c in 0..chains {
            let last = groups - 1 - (groups - 1 - c) % CHAINS;
            let t = lanes_to_fe(&prefix[last]);
            totals[c * LANES..(c + 1) * LANES].copy_from_slice(&t);
        }
        let totals = &mut totals[..chains * LANES];
        // Non-zero: every denominator is (a zero one was replaced by 1).
        if batch_invert(totals, &mut Vec::with_capacity(CHAINS * LANES)).is_none() {
            totals.fill(Fe::ZERO);
        }
        let mut scale = Fe::ONE;
        for _ in 0..6 {
            scale = scale.double();
        }
        let zero = _mm512_setzero_si512();
        let mut inverse = [[zero; 5]; CHAINS];
        for (c, inv) in inverse.iter_mut().enumerate().take(chains) {
            let mut lanes = [Fe::ZERO; LANES];
            for (l, t) in lanes.iter_mut().zip(&totals[c * LANES..(c + 1) * LANES]) {
                *l = *t * scale;
            }
            *inv = lanes_from_fe(&lanes);
        }
        // Backward pass: each group's inverses, then its additions.
        for g in (0..groups).rev() {
            let start = g * LANES;
            let (x1, y1) = load_points(&a[start..n], PAD_A);
            let (x2, y2) = load_points(&b[start..n], PAD_B);
            let chain = &mut inverse[g % CHAINS];
            let inv = if g >= CHAINS {
                let inv = mul(chain, &prefix[g - CHAINS]);
                *chain = mul(chain, &denominator(&x1, &x2));
                inv
            } else {
                *chain
            };
            let (x3, y3) = chord(&x1, &y1, &x2, &y2, &inv);
            store_points(&mut a[start..n], &x3, &y3);
        }
    }

    /// Test hook: the kernel's multiplication of eight pairs, canonical
    /// (a·b/2^260 mod p as limbs). None without the CPU features.
    #[cfg(test)]
    pub(crate) fn mul_for_test(a: &[Fe; LANES], b: &[Fe; LANES]) -> Option<[Fe; LANES]> {
        if !super::cpu_has_ifma() {
            return None;
        }
        #[target_feature(enable = "avx512f,avx512ifma")]
        fn run(a: &[Fe; LANES], b: &[Fe; LANES]) -> [Fe; LANES] {
            lanes_to_fe(&mul(&lanes_from_fe(a), &lanes_from_fe(b)))
        }
        // SAFETY: the CPU features were checked just above.
        Some(unsafe { run(a, b) })
    }

    /// Test hook: the kernel's squaring, as [`mul_for_test`].
    #[cfg(test)]
    pub(crate) fn square_for_test(a: &[Fe; LANES]) -> Option<[Fe; LANES]> {
        if !super::cpu_has_ifma() {
            return None;
        }
        #[target_feature(enable = "avx512f,avx512ifma")]
        fn run(a: &[Fe; LANES]) -> [Fe; LANES] {
            lanes_to_fe(&square(&lanes_from_fe(a)))
        }
        // SAFETY: the CPU features were checked just above.
        Some(unsafe { run(a) })
    }

    /// Test hook: the kernel's a + k·p − b reduced to canonical.
    #[cfg(test)]
    pub(crate) fn sub_for_test(a: &[Fe; LANES], b: &[Fe; LANES], k: u64) -> Option<[Fe; LANES]> {
        if !super::cpu_has_ifma() {
            return None;
        }
        #[target_feature(enable = "avx512f,avx512ifma")]
        fn run(a: &[Fe; LANES], b: &[Fe; LANES], k: u64) -> [Fe; LANES] {
            lanes_to_fe(&sub_lazy(&lanes_from_fe(a), &lanes_from_fe(b), &p_times(k)))
        }
        // SAFETY: the CPU features were checked just above.
        Some(unsafe { run(a, b, k) })
    }

    /// Test hook: [`canonical`] of eight values below 2^260 given as five
    /// 52-bit limbs each (limb 4 below 2^52); the 64-bit limbs out.
    #[cfg(test)]
    pub(crate) fn canonical_for_test(v: &[[u64; 5]; LANES]) -> Option<[[u64; 4]; LANES]> {
        if !super::cpu_has_ifma() {
            return None;
        }
        #[target_feature(enable = "avx512f,avx512ifma")]
        fn run(v: &[[u64; 5]; LANES]) -> [[u64; 4]; LANES] {
            let l: Lanes = std::array::from_fn(|i| lanes_of(std::array::from_fn(|k| v[k][i])));
            lanes_to_fe(&l).map(|f| f.limbs())
        }
        // SAFETY: the CPU features were checked just above.
        Some(unsafe { run(v) })
    }
}
