//! Portable SHA-1 (FIPS 180-4 §6.1): the oracle every SIMD backend is tested
//! against, and the backend of last resort.
//!
//! # Background
//! SHA-1 processes a message in 64-octet blocks. Each block expands into 80
//! 32-bit words (the message schedule) that drive 80 rounds over a five-word
//! state. This module is deliberately plain: one block at a time, a 16-word
//! ring for the schedule, no `unsafe`.
//!
//! # Usage
//! [`sha1`] hashes a whole message; [`compress`] is the block function the
//! NSEC3 driver in [`super`] calls on messages it has padded itself.
//!
//! # Limitations
//! SHA-1 is broken for collision resistance; NSEC3 (RFC 5155) still uses it,
//! which is the only reason it lives here. Do not use it for anything else.

/// FIPS 180-4 §5.3.1: initial hash value.
pub const H0: [u32; 5] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0];

/// FIPS 180-4 §4.2.1: one constant per group of 20 rounds.
pub const K: [u32; 4] = [0x5A82_7999, 0x6ED9_EBA1, 0x8F1B_BCDC, 0xCA62_C1D6];

/// Runs the SHA-1 block function over one 64-octet block.
pub fn compress(state: &mut [u32; 5], block: &[u8; 64]) {
    let mut w = [0u32; 16];
    for (word, bytes) in w.iter_mut().zip(block.chunks_exact(4)) {
        *word = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    }
    compress_words(state, &w);
}

/// Runs the SHA-1 block function over one block already decoded into
/// big-endian words (the NSEC3 iteration path feeds digests back this way).
pub fn compress_words(state: &mut [u32; 5], block: &[u32; 16]) {
    let mut w = *block;
    let [mut a, mut b, mut c, mut d, mut e] = *state;
    // FIPS 180-4 §6.1.2 step 1: W_t = ROTL^1(W_{t-3} ^ W_{t-8} ^ W_{t-14} ^ W_{t-16}),
    // kept in a ring of 16 words. `t` is always a literal expression, so the
    // branch and the indices fold away.
    macro_rules! schedule {
        ($t:expr) => {{
            let t: usize = $t;
            if t >= 16 {
                let x = w[(t - 3) & 15] ^ w[(t - 8) & 15] ^ w[(t - 14) & 15] ^ w[t & 15];
                w[t & 15] = x.rotate_left(1);
            }
            w[t & 15]
        }};
    }
    // FIPS 180-4 §6.1.2 step 3, with the five-register shuffle done by
    // renaming: e += ROTL^5(a) + f(b, c, d) + K + W_t; b = ROTL^30(b).
    macro_rules! round {
        ($a:ident, $b:ident, $c:ident, $d:ident, $e:ident, $f:ident, $k:expr, $t:expr) => {{
            let w_t = schedule!($t);
            $e = $e
                .wrapping_add($a.rotate_left(5))
                .wrapping_add($f($b, $c, $d))
                .wrapping_add($k)
                .wrapping_add(w_t);
            $b = $b.rotate_left(30);
        }};
    }
    sha1_rounds!(round, K, [a, b, c, d, e]);
    for (s, v) in state.iter_mut().zip([a, b, c, d, e]) {
        *s = s.wrapping_add(v);
    }
}

/// FIPS 180-4 §4.1.1 Ch(b, c, d) = (b & c) ^ (!b & d), as d ^ (b & (c ^ d)).
#[inline(always)]
fn choose(b: u32, c: u32, d: u32) -> u32 {
    d ^ (b & (c ^ d))
}

/// FIPS 180-4 §4.1.1 Parity(b, c, d) = b ^ c ^ d.
#[inline(always)]
fn parity(b: u32, c: u32, d: u32) -> u32 {
    b ^ c ^ d
}

/// FIPS 180-4 §4.1.1 Maj(b, c, d), as (b & c) | (d & (b | c)).
#[inline(always)]
fn majority(b: u32, c: u32, d: u32) -> u32 {
    (b & c) | (d & (b | c))
}

/// Serialises a SHA-1 state as the 20-octet big-endian digest.
pub fn digest_bytes(state: &[u32; 5]) -> [u8; 20] {
    let mut out = [0u8; 20];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// SHA-1 of a whole message (FIPS 180-4 §5.1.1 padding included).
pub fn sha1(message: &[u8]) -> [u8; 20] {
    let mut state = H0;
    let mut blocks = message.chunks_exact(64);
    for block in &mut blocks {
        // chunks_exact(64) yields exactly 64 octets.
        let block: &[u8; 64] = block.try_into().unwrap_or(&[0; 64]);
        compress(&mut state, block);
    }
    let rest = blocks.remainder();
    let mut tail = [0u8; 128];
    tail[..rest.len()].copy_from_slice(rest);
    tail[rest.len()] = 0x80;
    let tail_len = if rest.len() + 9 <= 64 { 64 } else { 128 };
    let bit_len = (message.len() as u64).wrapping_mul(8);
    tail[tail_len - 8..tail_len].copy_from_slice(&bit_len.to_be_bytes());
    for block in tail[..tail_len].chunks_exact(64) {
        let block: &[u8; 64] = block.try_into().unwrap_or(&[0; 64]);
        compress(&mut state, block);
    }
    digest_bytes(&state)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// FIPS 180-2 Appendix A and the NIST "SHA-1 examples" vectors; confirm
    /// with `printf %s abc | sha1sum`.
    #[test]
    fn sha1_known_vectors() {
        let cases: &[(&[u8], &str)] = &[
            (b"", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
            (b"abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
            (
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
            ),
            (
                b"The quick brown fox jumps over the lazy dog",
                "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",
            ),
        ];
        for (message, expected) in cases {
            assert_eq!(hex(&sha1(message)), *expected, "message {message:?}");
        }
    }

    /// FIPS 180-2 Appendix A.3: one million repetitions of "a"; confirm with
    /// `head -c 1000000 /dev/zero | tr '\0' a | sha1sum`.
    #[test]
    fn sha1_million_a() {
        let message = vec![b'a'; 1_000_000];
        assert_eq!(hex(&sha1(&message)), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    }

    /// Every length around the one- and two-block padding boundaries (55, 56,
    /// 63, 64 octets) agrees with the precomputed `sha1sum` of "a"*n for a
    /// few n, and the padding never panics.
    #[test]
    fn sha1_padding_boundaries() {
        let cases: &[(usize, &str)] = &[
            (55, "c1c8bbdc22796e28c0e15163d20899b65621d65a"),
            (56, "c2db330f6083854c99d4b5bfb6e8f29f201be699"),
            (64, "0098ba824b5c16427bd7a1122a5a442a25ec644d"),
        ];
        for (n, expected) in cases {
            assert_eq!(hex(&sha1(&vec![b'a'; *n])), *expected, "length {n}");
        }
        for n in 0..200 {
            let _ = sha1(&vec![0u8; n]);
        }
    }
}
