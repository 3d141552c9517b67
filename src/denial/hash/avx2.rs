//! Eight-lane multi-buffer SHA-1 with AVX2, for NSEC3 batches.
//!
//! # Background
//! Each 32-bit lane of a `__m256i` carries one message: register `a` holds
//! the `a` word of eight independent SHA-1 states, and `W[t]` holds word `t`
//! of eight message schedules ("transposed"). The rounds are the scalar ones
//! with every operation eight wide; AVX2 has no vector rotate, so each
//! rotate is two shifts and an OR.
//!
//! First messages are transposed in safe code
//! ([`super::TransposedMessages`], shared with the AVX-512 kernel)
//! from the padded `name || salt` of each lane. For the iterations nothing is
//! transposed again: the eight digests, one state word per register, *are*
//! schedule words 0..5 of the next message, and words 5..16 (salt, padding,
//! length) are the same for every lane, broadcast once per batch.
//!
//! # Limitations
//! x86-64 only. All eight lanes must have the same first-message block count
//! (the caller buckets names and fills short groups with dummy lanes).

#![allow(unsafe_code)]

use std::arch::x86_64::{
    __m256i, _mm256_add_epi32, _mm256_and_si256, _mm256_loadu_si256, _mm256_or_si256,
    _mm256_set1_epi32, _mm256_slli_epi32, _mm256_srli_epi32, _mm256_storeu_si256, _mm256_xor_si256,
};

use super::{
    scalar, untranspose, IterationTemplate, TransposedMessages, AVX2_LANES, DIGEST_LEN,
    MAX_ITERATION_BLOCKS,
};

/// Whether this CPU has AVX2.
pub(super) fn is_supported() -> bool {
    is_x86_feature_detected!("avx2")
}

/// NSEC3 hashes of eight names whose first messages have the same block count.
///
/// # Panics
/// If the CPU lacks AVX2 or the names' first messages differ in block count.
pub(super) fn nsec3_lanes(
    scratch: &mut TransposedMessages<AVX2_LANES>,
    names: &[&[u8]; AVX2_LANES],
    salt: &[u8],
    template: &IterationTemplate,
    iterations: u16,
) -> [[u8; DIGEST_LEN]; AVX2_LANES] {
    assert!(is_supported(), "AVX2 kernel called on a CPU without AVX2");
    let rows = scratch.transpose(names, salt);
    // SAFETY: AVX2 support was checked just above.
    let state = unsafe { nsec3_kernel(rows, template, iterations) };
    untranspose(&state)
}

#[target_feature(enable = "avx2")]
#[inline]
fn rotate_left<const L: i32, const R: i32>(x: __m256i) -> __m256i {
    debug_assert_eq!(L + R, 32);
    _mm256_or_si256(_mm256_slli_epi32::<L>(x), _mm256_srli_epi32::<R>(x))
}

/// FIPS 180-4 §4.1.1 Ch(b, c, d) = (b & c) ^ (!b & d), as d ^ (b & (c ^ d)).
#[target_feature(enable = "avx2")]
#[inline]
fn choose(b: __m256i, c: __m256i, d: __m256i) -> __m256i {
    _mm256_xor_si256(d, _mm256_and_si256(b, _mm256_xor_si256(c, d)))
}

/// FIPS 180-4 §4.1.1 Parity(b, c, d) = b ^ c ^ d.
#[target_feature(enable = "avx2")]
#[inline]
fn parity(b: __m256i, c: __m256i, d: __m256i) -> __m256i {
    _mm256_xor_si256(_mm256_xor_si256(b, c), d)
}

/// FIPS 180-4 §4.1.1 Maj(b, c, d), as (b & c) | (d & (b | c)).
#[target_feature(enable = "avx2")]
#[inline]
fn majority(b: __m256i, c: __m256i, d: __m256i) -> __m256i {
    _mm256_or_si256(_mm256_and_si256(b, c), _mm256_and_si256(d, _mm256_or_si256(b, c)))
}

/// One SHA-1 block function on eight states; `w` is the block's schedule
/// (consumed: it becomes the ring of the last 16 schedule words).
#[target_feature(enable = "avx2")]
#[inline]
fn compress(state: &mut [__m256i; 5], w: &mut [__m256i; 16]) {
    let [mut a, mut b, mut c, mut d, mut e] = *state;
    let k = scalar::K.map(|k| _mm256_set1_epi32(k as i32));
    // W_t for t < 16 is the block; after that
    // W_t = ROTL^1(W_{t-3} ^ W_{t-8} ^ W_{t-14} ^ W_{t-16}), in a ring of 16.
    // `t` is always a literal expression, so the branch and the indices fold.
    macro_rules! schedule {
        ($t:expr) => {{
            let t: usize = $t;
            if t >= 16 {
                let x = _mm256_xor_si256(
                    _mm256_xor_si256(w[(t - 3) & 15], w[(t - 8) & 15]),
                    _mm256_xor_si256(w[(t - 14) & 15], w[t & 15]),
                );
                w[t & 15] = rotate_left::<1, 31>(x);
            }
            w[t & 15]
        }};
    }
    // One round, written so that the caller rotates the names instead of
    // moving five registers: e += ROTL^5(a) + f(b, c, d) + K + W_t;
    // b = ROTL^30(b).
    macro_rules! round {
        ($a:ident, $b:ident, $c:ident, $d:ident, $e:ident, $f:ident, $k:expr, $t:expr) => {{
            let w_t = schedule!($t);
            $e = _mm256_add_epi32(
                _mm256_add_epi32(rotate_left::<5, 27>($a), $f($b, $c, $d)),
                _mm256_add_epi32(_mm256_add_epi32($e, $k), w_t),
            );
            $b = rotate_left::<30, 2>($b);
        }};
    }
    sha1_rounds!(round, k, [a, b, c, d, e]);
    for (s, v) in state.iter_mut().zip([a, b, c, d, e]) {
        *s = _mm256_add_epi32(*s, v);
    }
}

/// RFC 5155 §5 for eight transposed first messages of `rows.len() / 16`
/// blocks; returns the eight final states, transposed.
#[target_feature(enable = "avx2")]
fn nsec3_kernel(
    rows: &[[u32; AVX2_LANES]],
    template: &IterationTemplate,
    iterations: u16,
) -> [[u32; AVX2_LANES]; 5] {
    let initial = scalar::H0.map(|h| _mm256_set1_epi32(h as i32));
    let mut state = initial;
    // IH(salt, x, 0) = H(x || salt)
    for block in rows.chunks_exact(16) {
        let mut w: [__m256i; 16] = std::array::from_fn(|t| {
            // SAFETY: each row is [u32; 8], exactly the 32 octets loaded;
            // _mm256_loadu_si256 has no alignment requirement.
            unsafe { _mm256_loadu_si256(block[t].as_ptr().cast()) }
        });
        compress(&mut state, &mut w);
    }
    // IH(salt, x, k) = H(IH(salt, x, k-1) || salt): the same template words
    // in every lane, broadcast once.
    let mut broadcast = [initial[0]; MAX_ITERATION_BLOCKS * 16];
    for (v, &word) in broadcast.iter_mut().zip(template.words()) {
        *v = _mm256_set1_epi32(word as i32);
    }
    let template_words = template.words().len();
    for _ in 0..iterations {
        let digest = state;
        state = initial;
        let mut w: [__m256i; 16] = std::array::from_fn(|t| broadcast[t]);
        w[..5].copy_from_slice(&digest);
        compress(&mut state, &mut w);
        for block in broadcast[16..template_words].chunks_exact(16) {
            let mut w: [__m256i; 16] = std::array::from_fn(|t| block[t]);
            compress(&mut state, &mut w);
        }
    }
    let mut out = [[0u32; AVX2_LANES]; 5];
    for (row, v) in out.iter_mut().zip(state) {
        // SAFETY: each row is [u32; 8], exactly the 32 octets stored.
        unsafe { _mm256_storeu_si256(row.as_mut_ptr().cast(), v) };
    }
    out
}
