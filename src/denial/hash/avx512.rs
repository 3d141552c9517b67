//! Sixteen-lane multi-buffer SHA-1 with AVX-512, for NSEC3 batches.
//!
//! # Background
//! The same method as the AVX2 kernel ([`super::avx2`]), twice as wide: each
//! 32-bit lane of a `__m512i` carries one message, register `a` holds the
//! `a` word of sixteen independent SHA-1 states, and `W[t]` holds word `t`
//! of sixteen message schedules ("transposed"). AVX-512F makes the two
//! expensive parts of the AVX2 round single instructions:
//!
//! - `vprold` ([`_mm512_rol_epi32`]) rotates each lane; AVX2 needs two
//!   shifts and an OR per rotate, and a round has two of them (three once
//!   the schedule is extended).
//! - `vpternlogd` ([`_mm512_ternarylogic_epi32`]) evaluates any function of
//!   three inputs given its truth table as an immediate, so each round
//!   function (FIPS 180-4 §4.1.1) is one instruction: Ch = `0xCA`,
//!   Parity = `0x96`, Maj = `0xE8`. The schedule's four-way XOR is one
//!   `vpternlogd` and one `vpxord`.
//!
//! A round is then about ten instructions for sixteen lanes, against about
//! twenty for eight lanes with AVX2. There are 32 vector registers, so the
//! state, the 16-word schedule ring and the round constants stay in
//! registers, where the AVX2 kernel (16 registers) spills.
//!
//! First messages are transposed in safe code
//! ([`super::TransposedMessages`], shared with the AVX2 kernel) from
//! the padded `name || salt` of each lane. For the iterations nothing is
//! transposed again: the sixteen digests, one state word per register,
//! *are* schedule words 0..5 of the next message, and words 5..16 (salt,
//! padding, length) are the same for every lane, broadcast once per kernel
//! call and only when there are iterations.
//!
//! # Limitations
//! x86-64 only, and only AVX-512F instructions (no VL/BW/DQ). All sixteen
//! lanes must have the same first-message block count (the caller buckets
//! names and fills short groups with dummy lanes, so a bucket of one name
//! costs as much as a bucket of sixteen).

#![allow(unsafe_code)]

use std::arch::x86_64::{
    __m512i, _mm512_add_epi32, _mm512_loadu_si512, _mm512_rol_epi32, _mm512_set1_epi32,
    _mm512_storeu_si512, _mm512_ternarylogic_epi32, _mm512_xor_si512,
};

use super::{
    scalar, untranspose, IterationTemplate, TransposedMessages, AVX512_LANES, DIGEST_LEN,
    MAX_ITERATION_BLOCKS,
};

/// Whether this CPU has AVX-512F, the only extension the kernel uses
/// (`vprold`, `vpternlogd`, 512-bit loads, stores, adds and XORs).
pub(super) fn is_supported() -> bool {
    is_x86_feature_detected!("avx512f")
}

/// NSEC3 hashes of sixteen names whose first messages have the same block
/// count. `scratch` is allocated once per batch by the caller.
///
/// # Panics
/// If the CPU lacks AVX-512F or the names' first messages differ in block
/// count.
pub(super) fn nsec3_lanes(
    scratch: &mut TransposedMessages<AVX512_LANES>,
    names: &[&[u8]; AVX512_LANES],
    salt: &[u8],
    template: &IterationTemplate,
    iterations: u16,
) -> [[u8; DIGEST_LEN]; AVX512_LANES] {
    assert!(is_supported(), "AVX-512 kernel called on a CPU without AVX-512F");
    let rows = scratch.transpose(names, salt);
    // SAFETY: AVX-512F support was checked just above.
    let state = unsafe { nsec3_kernel(rows, template, iterations) };
    untranspose(&state)
}

/// FIPS 180-4 §4.1.1 Ch(b, c, d) = (b & c) ^ (!b & d): `vpternlogd` with
/// truth table 0xCA ("b ? c : d", bit `4b + 2c + d` of the immediate).
#[target_feature(enable = "avx512f")]
#[inline]
fn choose(b: __m512i, c: __m512i, d: __m512i) -> __m512i {
    _mm512_ternarylogic_epi32::<0xCA>(b, c, d)
}

/// FIPS 180-4 §4.1.1 Parity(b, c, d) = b ^ c ^ d: truth table 0x96.
#[target_feature(enable = "avx512f")]
#[inline]
fn parity(b: __m512i, c: __m512i, d: __m512i) -> __m512i {
    _mm512_ternarylogic_epi32::<0x96>(b, c, d)
}

/// FIPS 180-4 §4.1.1 Maj(b, c, d) = (b & c) ^ (b & d) ^ (c & d): truth
/// table 0xE8 (set where at least two inputs are).
#[target_feature(enable = "avx512f")]
#[inline]
fn majority(b: __m512i, c: __m512i, d: __m512i) -> __m512i {
    _mm512_ternarylogic_epi32::<0xE8>(b, c, d)
}

/// One SHA-1 block function on sixteen states; `w` is the block's schedule
/// (consumed: it becomes the ring of the last 16 schedule words).
#[target_feature(enable = "avx512f")]
#[inline]
fn compress(state: &mut [__m512i; 5], w: &mut [__m512i; 16]) {
    let [mut a, mut b, mut c, mut d, mut e] = *state;
    let k = scalar::K.map(|k| _mm512_set1_epi32(k as i32));
    // W_t for t < 16 is the block; after that
    // W_t = ROTL^1(W_{t-3} ^ W_{t-8} ^ W_{t-14} ^ W_{t-16}), in a ring of 16.
    // `t` is always a literal expression, so the branch and the indices fold.
    macro_rules! schedule {
        ($t:expr) => {{
            let t: usize = $t;
            if t >= 16 {
                let x = _mm512_xor_si512(
                    parity(w[(t - 3) & 15], w[(t - 8) & 15], w[(t - 14) & 15]),
                    w[t & 15],
                );
                w[t & 15] = _mm512_rol_epi32::<1>(x);
            }
            w[t & 15]
        }};
    }
    // One round, written so that the caller rotates the names instead of
    // moving five registers: e += ROTL^5(a) + f(b, c, d) + K + W_t;
    // b = ROTL^30(b). `e + K + W_t` does not depend on the previous round,
    // so only two adds sit on the path through `a`.
    macro_rules! round {
        ($a:ident, $b:ident, $c:ident, $d:ident, $e:ident, $f:ident, $k:expr, $t:expr) => {{
            let w_t = schedule!($t);
            $e = _mm512_add_epi32(
                _mm512_add_epi32(_mm512_rol_epi32::<5>($a), $f($b, $c, $d)),
                _mm512_add_epi32(_mm512_add_epi32($e, $k), w_t),
            );
            $b = _mm512_rol_epi32::<30>($b);
        }};
    }
    sha1_rounds!(round, k, [a, b, c, d, e]);
    for (s, v) in state.iter_mut().zip([a, b, c, d, e]) {
        *s = _mm512_add_epi32(*s, v);
    }
}

/// IH(salt, x, k) = H(IH(salt, x, k-1) || salt) for k = 1..=`iterations`,
/// on sixteen digests in `state`. The template words are the same in every
/// lane and are broadcast once per call; with RFC 9276's 0 iterations the
/// caller skips this, and the 5 KiB of broadcasts with it.
#[target_feature(enable = "avx512f")]
fn iterate(state: &mut [__m512i; 5], template: &IterationTemplate, iterations: u16) {
    if let Ok(words) = <&[u32; 16]>::try_from(template.words()) {
        // A salt of up to 35 octets (RFC 9276 §3.1 recommends none).
        let consts = OneBlockConstants::new(words);
        for _ in 0..iterations {
            *state = compress_one_block(*state, &consts);
        }
        return;
    }
    let initial = scalar::H0.map(|h| _mm512_set1_epi32(h as i32));
    let mut broadcast = [initial[0]; MAX_ITERATION_BLOCKS * 16];
    for (v, &word) in broadcast.iter_mut().zip(template.words()) {
        *v = _mm512_set1_epi32(word as i32);
    }
    let template_words = template.words().len();
    for _ in 0..iterations {
        let digest = *state;
        *state = initial;
        let mut w: [__m512i; 16] = std::array::from_fn(|t| broadcast[t]);
        w[..5].copy_from_slice(&digest);
        compress(state, &mut w);
        for block in broadcast[16..template_words].chunks_exact(16) {
            let mut w: [__m512i; 16] = std::array::from_fn(|t| block[t]);
            compress(state, &mut w);
        }
    }
}

/// Whether word `i` of a one-block iteration message is the same in every
/// lane: words 0..5 are the previous digest, 5..16 salt, padding and length.
const fn is_template_word(i: usize) -> bool {
    5 <= i && i < 16
}

/// What the template words of a one-block iteration message contribute to
/// the block function, worked out once per batch: the same in every lane,
/// so none of it needs to be computed sixteen lanes wide per iteration.
struct OneBlockConstants {
    /// At index `t` for `t` in 5..16: `K_0 + W_t`, so that rounds 5..15 add
    /// one vector where [`compress`] adds two.
    kw: [__m512i; 16],
    /// At index `t - 16` for `t` in 16..32: the XOR of those of `W_{t-3}`,
    /// `W_{t-8}`, `W_{t-14}` and `W_{t-16}` that are template words (zero
    /// where none is), so that the schedule XORs fewer vectors.
    x: [__m512i; 16],
}

impl OneBlockConstants {
    #[target_feature(enable = "avx512f")]
    fn new(words: &[u32; 16]) -> OneBlockConstants {
        let kw = std::array::from_fn(|t| {
            let w = if is_template_word(t) { words[t] } else { 0 };
            _mm512_set1_epi32(scalar::K[0].wrapping_add(w) as i32)
        });
        let x = std::array::from_fn(|i| {
            let t = i + 16;
            let c = [t - 3, t - 8, t - 14, t - 16]
                .into_iter()
                .filter(|&j| is_template_word(j))
                .fold(0, |acc, j| acc ^ words[j]);
            _mm512_set1_epi32(c as i32)
        });
        OneBlockConstants { kw, x }
    }
}

/// XOR of the first `n` of `v` (1 to 4): one `vpternlogd` for three.
#[target_feature(enable = "avx512f")]
#[inline]
fn xor_first(v: &[__m512i; 4], n: usize) -> __m512i {
    match n {
        1 => v[0],
        2 => _mm512_xor_si512(v[0], v[1]),
        3 => parity(v[0], v[1], v[2]),
        _ => _mm512_xor_si512(parity(v[0], v[1], v[2]), v[3]),
    }
}

/// [`compress`] from the initial state for a one-block iteration message
/// whose words 0..5 are `digest` and whose other words are the template's:
/// returns H(digest || salt) as a state. Every step that depends only on
/// the template or the initial state is folded into `consts` (or, for the
/// initial state, by the compiler): about 30 fewer vector instructions a
/// block, 4% of them, in the loop that is all of the time at RFC 5155's
/// higher iteration counts.
#[target_feature(enable = "avx512f")]
#[inline]
fn compress_one_block(digest: [__m512i; 5], consts: &OneBlockConstants) -> [__m512i; 5] {
    let initial = scalar::H0.map(|h| _mm512_set1_epi32(h as i32));
    let [mut a, mut b, mut c, mut d, mut e] = initial;
    let k = scalar::K.map(|k| _mm512_set1_epi32(k as i32));
    // The ring of the last 16 schedule words; the template's slots (5..16)
    // are never read: their words come folded from `consts`.
    let mut w = [digest[0]; 16];
    w[..5].copy_from_slice(&digest);
    // W_t = ROTL^1(W_{t-3} ^ W_{t-8} ^ W_{t-14} ^ W_{t-16}), with the
    // template words among the four (only while t < 32) taken as one
    // precomputed XOR. `T` is a constant, so the branches, the loop and the
    // count fold away.
    macro_rules! schedule {
        ($t:expr) => {{
            const T: usize = $t;
            // (Wrapping: the macro is also compiled, never run, for T < 16.)
            let inputs = [3, 8, 14, 16].map(|back| T.wrapping_sub(back));
            let mut v = [consts.x[T & 15]; 4];
            let mut n = usize::from(T < 32 && inputs.iter().any(|&j| is_template_word(j)));
            for j in inputs {
                if !(T < 32 && is_template_word(j)) {
                    v[n] = w[j & 15];
                    n += 1;
                }
            }
            w[T & 15] = _mm512_rol_epi32::<1>(xor_first(&v, n));
            w[T & 15]
        }};
    }
    // As in `compress`: e += ROTL^5(a) + f(b, c, d) + K + W_t; b = ROTL^30(b),
    // with `K + W_t` one constant for the template's words.
    macro_rules! round {
        ($a:ident, $b:ident, $c:ident, $d:ident, $e:ident, $f:ident, $k:expr, $t:expr) => {{
            const T: usize = $t;
            let ekw = if is_template_word(T) {
                _mm512_add_epi32($e, consts.kw[T & 15])
            } else if T < 16 {
                _mm512_add_epi32(_mm512_add_epi32($e, $k), w[T & 15])
            } else {
                _mm512_add_epi32(_mm512_add_epi32($e, $k), schedule!($t))
            };
            $e = _mm512_add_epi32(_mm512_add_epi32(_mm512_rol_epi32::<5>($a), $f($b, $c, $d)), ekw);
            $b = _mm512_rol_epi32::<30>($b);
        }};
    }
    sha1_rounds!(round, k, [a, b, c, d, e]);
    let mut out = initial;
    for (s, v) in out.iter_mut().zip([a, b, c, d, e]) {
        *s = _mm512_add_epi32(*s, v);
    }
    out
}

/// RFC 5155 §5 for sixteen transposed first messages of `rows.len() / 16`
/// blocks; returns the sixteen final states, transposed.
#[target_feature(enable = "avx512f")]
fn nsec3_kernel(
    rows: &[[u32; AVX512_LANES]],
    template: &IterationTemplate,
    iterations: u16,
) -> [[u32; AVX512_LANES]; 5] {
    let initial = scalar::H0.map(|h| _mm512_set1_epi32(h as i32));
    let mut state = initial;
    // IH(salt, x, 0) = H(x || salt)
    for block in rows.chunks_exact(16) {
        let mut w: [__m512i; 16] = std::array::from_fn(|t| {
            // SAFETY: each row is [u32; 16], exactly the 64 octets loaded;
            // _mm512_loadu_si512 has no alignment requirement.
            unsafe { _mm512_loadu_si512(block[t].as_ptr().cast()) }
        });
        compress(&mut state, &mut w);
    }
    if iterations > 0 {
        iterate(&mut state, template, iterations);
    }
    let mut out = [[0u32; AVX512_LANES]; 5];
    for (row, v) in out.iter_mut().zip(state) {
        // SAFETY: each row is [u32; 16], exactly the 64 octets stored;
        // _mm512_storeu_si512 has no alignment requirement.
        unsafe { _mm512_storeu_si512(row.as_mut_ptr().cast(), v) };
    }
    out
}
