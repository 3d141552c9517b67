//! NSEC3 hashing with the x86 SHA extensions (`sha1rnds4`, `sha1nexte`,
//! `sha1msg1`, `sha1msg2`).
//!
//! # Background
//! `sha1rnds4` runs four SHA-1 rounds on the `abcd` words; `sha1nexte`
//! derives the next `e` from the previous `a` and adds it to four schedule
//! words; `sha1msg1`/`sha1msg2` compute the message schedule four words at a
//! time. A register `abcd` holds `a` in its highest 32-bit lane and `d` in
//! its lowest, and a schedule register holds `W[4i]` in its highest lane,
//! which is why loaded blocks are byte-reversed as a whole.
//!
//! One message is a chain of 20 dependent `sha1rnds4`, so a single stream
//! runs at the instruction's latency while the unit could take more. The
//! kernel is generic over `N` streams interleaved in lockstep; the batch path
//! uses [`super::SHANI_STREAMS`], a single name uses `N = 1`.
//!
//! Iterations never leave registers: the digest `abcd` *is* the first
//! schedule register of the next message (same lane order), and `e` lands
//! in the top lane of the second one; the remaining words are the constant
//! salt and padding of [`IterationTemplate`].
//!
//! # Limitations
//! x86-64 only. All `N` messages of a call must have the same first-message
//! block count (the caller buckets them).

#![allow(unsafe_code)]

use std::arch::x86_64::{
    __m128i, _mm_add_epi32, _mm_blend_epi16, _mm_extract_epi32, _mm_loadu_si128, _mm_set_epi32,
    _mm_set_epi8, _mm_sha1msg1_epu32, _mm_sha1msg2_epu32, _mm_sha1nexte_epu32, _mm_sha1rnds4_epu32,
    _mm_shuffle_epi8, _mm_storeu_si128, _mm_xor_si128,
};

use super::{scalar, FirstMessage, IterationTemplate, DIGEST_LEN};

/// Whether this CPU has the SHA extensions and the SSE levels the kernel uses.
pub(super) fn is_supported() -> bool {
    is_x86_feature_detected!("sha")
        && is_x86_feature_detected!("sse2")
        && is_x86_feature_detected!("ssse3")
        && is_x86_feature_detected!("sse4.1")
}

/// NSEC3 hashes of `N` names whose first messages have the same block count.
/// `messages` is scratch space, allocated once per batch by the caller.
///
/// # Panics
/// If the CPU lacks the features ([`is_supported`]) or the names' first
/// messages differ in block count.
pub(super) fn nsec3_streams<const N: usize>(
    messages: &mut [FirstMessage; N],
    names: &[&[u8]; N],
    salt: &[u8],
    template: &IterationTemplate,
    iterations: u16,
) -> [[u8; DIGEST_LEN]; N] {
    assert!(is_supported(), "SHA-NI kernel called on a CPU without SHA extensions");
    for (message, name) in messages.iter_mut().zip(names) {
        message.fill(name, salt);
    }
    let blocks = messages[0].blocks;
    assert!(messages.iter().all(|m| m.blocks == blocks), "lanes differ in block count");
    // SAFETY: the required CPU features were checked just above.
    unsafe { nsec3_kernel(messages, template, iterations) }
}

/// Index shuffle that reverses all 16 bytes: big-endian words, `W[4i]` in
/// the highest lane.
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn byte_reverse_mask() -> __m128i {
    _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
}

/// The SHA-1 initial value as `(abcd, e)` registers.
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn initial_state() -> (__m128i, __m128i) {
    let h = scalar::H0;
    let abcd = _mm_set_epi32(h[0] as i32, h[1] as i32, h[2] as i32, h[3] as i32);
    let e = _mm_set_epi32(h[4] as i32, 0, 0, 0);
    (abcd, e)
}

/// Loads one 64-octet block as four schedule registers.
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn load_block(block: &[u8; 64]) -> [__m128i; 4] {
    let mask = byte_reverse_mask();
    std::array::from_fn(|i| {
        // SAFETY: bytes 16*i..16*i+16 with i < 4 lie inside the 64-octet
        // block; _mm_loadu_si128 has no alignment requirement.
        let v = unsafe { _mm_loadu_si128(block.as_ptr().add(16 * i).cast()) };
        _mm_shuffle_epi8(v, mask)
    })
}

/// Builds schedule registers from already decoded words (`W[4i]` highest).
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn words_block(words: &[u32]) -> [__m128i; 4] {
    std::array::from_fn(|i| {
        let w = &words[4 * i..4 * i + 4];
        _mm_set_epi32(w[0] as i32, w[1] as i32, w[2] as i32, w[3] as i32)
    })
}

/// One SHA-1 block function on `N` independent states, interleaved.
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
#[inline]
fn compress<const N: usize>(
    abcd: &mut [__m128i; N],
    e: &mut [__m128i; N],
    mut w: [[__m128i; 4]; N],
) {
    let abcd_saved = *abcd;
    let e_saved = *e;
    // `previous[j]` is `abcd` at the start of the previous group of four
    // rounds: sha1nexte derives the next `e` from its `a`.
    let mut previous = *abcd;
    for j in 0..N {
        let e_plus_w = _mm_add_epi32(e[j], w[j][0]);
        abcd[j] = _mm_sha1rnds4_epu32::<0>(abcd[j], e_plus_w);
    }
    // Rounds 4i..4i+4 with round function `f` = i / 5; groups 4.. first
    // extend the schedule: W[i] = msg2(msg1(W[i-4], W[i-3]) ^ W[i-2], W[i-1]),
    // kept in a ring of four registers.
    macro_rules! group {
        ($i:literal, $f:literal) => {
            for j in 0..N {
                if $i >= 4 {
                    let w = &mut w[j];
                    let partial = _mm_sha1msg1_epu32(w[$i % 4], w[($i + 1) % 4]);
                    w[$i % 4] = _mm_sha1msg2_epu32(
                        _mm_xor_si128(partial, w[($i + 2) % 4]),
                        w[($i + 3) % 4],
                    );
                }
                let e_plus_w = _mm_sha1nexte_epu32(previous[j], w[j][$i % 4]);
                previous[j] = abcd[j];
                abcd[j] = _mm_sha1rnds4_epu32::<$f>(abcd[j], e_plus_w);
            }
        };
    }
    group!(1, 0);
    group!(2, 0);
    group!(3, 0);
    group!(4, 0);
    group!(5, 1);
    group!(6, 1);
    group!(7, 1);
    group!(8, 1);
    group!(9, 1);
    group!(10, 2);
    group!(11, 2);
    group!(12, 2);
    group!(13, 2);
    group!(14, 2);
    group!(15, 3);
    group!(16, 3);
    group!(17, 3);
    group!(18, 3);
    group!(19, 3);
    for j in 0..N {
        e[j] = _mm_sha1nexte_epu32(previous[j], e_saved[j]);
        abcd[j] = _mm_add_epi32(abcd[j], abcd_saved[j]);
    }
}

/// RFC 5155 §5 for `N` messages of equal block count.
#[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
fn nsec3_kernel<const N: usize>(
    messages: &[FirstMessage; N],
    template: &IterationTemplate,
    iterations: u16,
) -> [[u8; DIGEST_LEN]; N] {
    let (abcd_init, e_init) = initial_state();
    let mut abcd = [abcd_init; N];
    let mut e = [e_init; N];
    // IH(salt, x, 0) = H(x || salt)
    for b in 0..messages[0].blocks {
        let w: [[__m128i; 4]; N] = std::array::from_fn(|j| {
            let block = &messages[j].bytes[64 * b..64 * b + 64];
            // A 64-octet subslice always converts to [u8; 64].
            load_block(block.try_into().unwrap_or(&[0; 64]))
        });
        compress(&mut abcd, &mut e, w);
    }
    // IH(salt, x, k) = H(IH(salt, x, k-1) || salt)
    let first = words_block(&template.words()[..16]);
    let rest = &template.words()[16..];
    for _ in 0..iterations {
        let digest_abcd = abcd;
        let digest_e = e;
        abcd = [abcd_init; N];
        e = [e_init; N];
        let w: [[__m128i; 4]; N] = std::array::from_fn(|j| {
            // Words 0..4 are the digest's a..d in the same lane order; word 4
            // is e, in the top lane of `digest_e` (16-bit lanes 6 and 7).
            let second = _mm_blend_epi16::<0xC0>(first[1], digest_e[j]);
            [digest_abcd[j], second, first[2], first[3]]
        });
        compress(&mut abcd, &mut e, w);
        // Salts longer than 35 octets spill into constant blocks.
        for block in rest.chunks_exact(16) {
            let w = words_block(block);
            compress(&mut abcd, &mut e, [w; N]);
        }
    }
    let mask = byte_reverse_mask();
    std::array::from_fn(|j| {
        let mut out = [0u8; DIGEST_LEN];
        // SAFETY: `out` has 20 octets; the store writes the first 16.
        unsafe { _mm_storeu_si128(out.as_mut_ptr().cast(), _mm_shuffle_epi8(abcd[j], mask)) };
        out[16..].copy_from_slice(&(_mm_extract_epi32::<3>(e[j]) as u32).to_be_bytes());
        out
    })
}
