//! Character classification for the lexer and the split pass: "find the
//! first byte of a small set", with AVX-512 and AVX2 kernels and a portable
//! scalar one.
//!
//! # Background
//! Zone text is mostly short tokens separated by single tabs, so the hot
//! loops are "find the end of this token" and, in the split pass, "find the
//! next byte that can change the lexer's state" (newline, `;`, parentheses,
//! quote, backslash). The AVX2 kernel compares 32 bytes against every byte
//! of the set (`_mm256_cmpeq_epi8`), ORs the results and takes the first set
//! bit of the movemask, as BurntSushi's `memchr` does. The AVX-512 kernel
//! (AVX-512BW) compares 64 bytes into one 64-bit mask per needle
//! (`_mm512_cmpeq_epi8_mask`), and reads the end of the text with a masked
//! load, so that a text of any length, however short, takes the vector path.
//!
//! # Usage
//! [`Backend::detect`] chooses once per process: AVX-512 where the CPU has
//! AVX-512BW, else AVX2, else scalar; [`BACKEND_ENV`] can force a lesser one.
//! [`find`] dispatches on it. The scalar path is always compiled and is the
//! oracle the tests compare every available backend with.
#![allow(unsafe_code)]

use std::sync::OnceLock;

/// Environment variable that forces a backend: `scalar`, `avx2` or `avx512`
/// (one the CPU lacks falls back to the next one it has; any other value is
/// ignored with a warning).
pub const BACKEND_ENV: &str = "ZONESIGN_LOAD_SIMD";

/// Bytes that end an unquoted token (RFC 1035 §5.1 delimiters, comment,
/// parentheses, quote) and the backslash that escapes the next byte.
pub const TOKEN_END: [u8; 9] = [b' ', b'\t', b'\r', b'\n', b';', b'(', b')', b'"', b'\\'];
/// Bytes that change the lexer's line, depth or quote/comment state.
pub const STRUCTURAL: [u8; 6] = [b'\n', b';', b'(', b')', b'"', b'\\'];
/// Bytes that matter inside a quoted string.
pub const QUOTE_END: [u8; 3] = [b'"', b'\\', b'\n'];
/// End of a comment.
pub const NEWLINE: [u8; 1] = [b'\n'];

/// A classification implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Portable byte loop; always available, the reference for the others.
    Scalar,
    /// x86-64 AVX2, 32 bytes per step.
    Avx2,
    /// x86-64 AVX-512 (F and BW), 64 bytes per step, masked tail.
    Avx512,
}

impl Backend {
    /// The name used in logs and in [`BACKEND_ENV`].
    pub fn name(self) -> &'static str {
        match self {
            Backend::Scalar => "scalar",
            Backend::Avx2 => "avx2",
            Backend::Avx512 => "avx512",
        }
    }

    /// Order from the portable path up.
    fn rank(self) -> u8 {
        match self {
            Backend::Scalar => 0,
            Backend::Avx2 => 1,
            Backend::Avx512 => 2,
        }
    }

    /// Whether this CPU can run the backend.
    pub fn is_available(self) -> bool {
        match self {
            Backend::Scalar => true,
            #[cfg(target_arch = "x86_64")]
            Backend::Avx2 => is_x86_feature_detected!("avx2"),
            #[cfg(target_arch = "x86_64")]
            Backend::Avx512 => {
                is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512bw")
            }
            #[cfg(not(target_arch = "x86_64"))]
            Backend::Avx2 | Backend::Avx512 => false,
        }
    }

    /// The backends this CPU can run, best first; always ends with
    /// [`Backend::Scalar`].
    pub fn available() -> Vec<Backend> {
        [Backend::Avx512, Backend::Avx2, Backend::Scalar]
            .into_iter()
            .filter(|b| b.is_available())
            .collect()
    }

    /// The backend to use, chosen once per process and logged to standard
    /// error when `ZONESIGN_LOG_BACKENDS` is set.
    pub fn detect() -> Backend {
        static CHOSEN: OnceLock<Backend> = OnceLock::new();
        *CHOSEN.get_or_init(|| {
            let forced = std::env::var(BACKEND_ENV).ok();
            let ceiling = match forced.as_deref().map(str::trim) {
                Some(s) if s.eq_ignore_ascii_case("scalar") => Backend::Scalar,
                Some(s) if s.eq_ignore_ascii_case("avx2") => Backend::Avx2,
                // Any other value: the CPU's choice (a misspelt one is
                // warned of as the run starts, `run::warn_of_unknown_backends`).
                _ => Backend::Avx512,
            };
            let b = Backend::available()
                .into_iter()
                .find(|b| b.rank() <= ceiling.rank())
                .unwrap_or(Backend::Scalar);
            if std::env::var_os("ZONESIGN_LOG_BACKENDS").is_some() {
                crate::diag!("zonesign: load character classification: {}", b.name());
            }
            b
        })
    }
}

/// Index of the first byte of `hay[from..]` that is in `set`, as an index
/// into `hay`; `None` if there is none.
#[inline]
pub fn find<const N: usize>(hay: &[u8], from: usize, set: &[u8; N]) -> Option<usize> {
    find_with(Backend::detect(), hay, from, set)
}

/// [`find`] with an explicit backend (for tests and benchmarks). A backend
/// the CPU lacks falls back to the scalar path.
#[inline]
pub fn find_with<const N: usize>(
    backend: Backend,
    hay: &[u8],
    from: usize,
    set: &[u8; N],
) -> Option<usize> {
    let rest = hay.get(from..)?;
    #[cfg(target_arch = "x86_64")]
    if backend == Backend::Avx512 && Backend::Avx512.is_available() {
        // SAFETY: AVX-512F and AVX-512BW support was checked just above (the
        // std macro caches the CPUID result).
        return unsafe { find_avx512(rest, set) }.map(|i| i + from);
    }
    #[cfg(target_arch = "x86_64")]
    if backend != Backend::Scalar && rest.len() >= 32 && Backend::Avx2.is_available() {
        // SAFETY: AVX2 support was checked just above (the std macro caches
        // the CPUID result).
        return unsafe { find_avx2(rest, set) }.map(|i| i + from);
    }
    let _ = backend;
    find_scalar(rest, set).map(|i| i + from)
}

/// Bit `i` set when `hay[at + i]` is in `set`, for the 64 bytes from `at`;
/// bits past the end of `hay` are clear: the classification behind
/// [`Classified`]. A backend the CPU lacks falls back to the scalar path.
#[inline]
pub fn mask64<const N: usize>(backend: Backend, hay: &[u8], at: usize, set: &[u8; N]) -> u64 {
    let rest = &hay[at.min(hay.len())..];
    #[cfg(target_arch = "x86_64")]
    if backend == Backend::Avx512 && Backend::Avx512.is_available() {
        // SAFETY: AVX-512F and AVX-512BW support was checked just above (the
        // std macro caches the CPUID result).
        return unsafe { mask64_avx512(rest, set) };
    }
    #[cfg(target_arch = "x86_64")]
    if backend != Backend::Scalar && rest.len() >= 64 && Backend::Avx2.is_available() {
        // SAFETY: AVX2 support was checked just above, and `rest` has 64
        // bytes.
        return unsafe { mask64_avx2(rest, set) };
    }
    let _ = backend;
    mask64_scalar(rest, set)
}

/// A [`find`] for one set over one text, for a caller that asks for many
/// hits close together, mostly moving forward (the lexer's token ends, the
/// split scan's structural bytes): the 64 bytes around the position asked
/// for are classified once ([`mask64`]), and each hit in them is then a
/// shift and a count of trailing zeros, where [`find`] would set up its
/// needles and load again for each. Positions may come in any order.
#[derive(Debug, Clone)]
pub struct Classified<'a, const N: usize> {
    data: &'a [u8],
    set: &'a [u8; N],
    /// Bit `i` for `data[at + i]` in `set`.
    mask: u64,
    at: usize,
    backend: Backend,
}

impl<'a, const N: usize> Classified<'a, N> {
    pub fn new(data: &'a [u8], set: &'a [u8; N]) -> Classified<'a, N> {
        Classified::with(Backend::detect(), data, set)
    }

    /// With an explicit backend (for tests).
    pub fn with(backend: Backend, data: &'a [u8], set: &'a [u8; N]) -> Classified<'a, N> {
        // Nothing classified yet: every position is outside.
        Classified { data, set, mask: 0, at: usize::MAX - 64, backend }
    }

    /// `find(data, p, set)`, from the classification of the 64 bytes `p`
    /// falls in (made here when it is outside the last one).
    #[inline]
    pub fn find(&mut self, mut p: usize) -> Option<usize> {
        while p < self.data.len() {
            if !(self.at..self.at + 64).contains(&p) {
                self.at = p;
                self.mask = mask64(self.backend, self.data, p, self.set);
            }
            let m = self.mask >> (p - self.at);
            if m != 0 {
                return Some(p + m.trailing_zeros() as usize);
            }
            p = self.at + 64;
        }
        None
    }
}

/// The portable oracle of [`mask64`], for `hay[at..]` given as `hay`.
#[inline]
pub fn mask64_scalar<const N: usize>(hay: &[u8], set: &[u8; N]) -> u64 {
    hay.iter().take(64).enumerate().fold(0, |m, (i, b)| m | u64::from(set.contains(b)) << i)
}

/// The portable oracle.
#[inline]
pub fn find_scalar<const N: usize>(hay: &[u8], set: &[u8; N]) -> Option<usize> {
    hay.iter().position(|b| set.contains(b))
}

/// AVX2 kernel: 32 bytes per step, unaligned loads, the tail handled by
/// re-reading the last 32 bytes (the caller guarantees `hay.len() >= 32`).
///
/// # Safety
/// The CPU must support AVX2, and `hay.len() >= 32`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn find_avx2<const N: usize>(hay: &[u8], set: &[u8; N]) -> Option<usize> {
    use std::arch::x86_64::*;
    debug_assert!(hay.len() >= 32);
    let mut needles = [_mm256_setzero_si256(); N];
    // SAFETY: the caller guarantees AVX2.
    unsafe { set_needles_avx2(&mut needles, set) };
    let mut at = 0;
    while at + 32 <= hay.len() {
        // SAFETY: `at + 32 <= hay.len()`.
        let m = unsafe { mask32(hay, at, &needles) };
        if m != 0 {
            return Some(at + m.trailing_zeros() as usize);
        }
        at += 32;
    }
    if at < hay.len() {
        // The last 32 bytes overlap what was already checked; skip those.
        let last = hay.len() - 32;
        // SAFETY: `last + 32 == hay.len()`.
        let m = unsafe { mask32(hay, last, &needles) } >> (at - last);
        if m != 0 {
            return Some(at + m.trailing_zeros() as usize);
        }
    }
    None
}

/// AVX-512 kernel: 64 bytes per step, unaligned loads; the last step loads
/// only the bytes left (a masked load), so any length takes this path.
///
/// # Safety
/// The CPU must support AVX-512F and AVX-512BW.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw")]
unsafe fn find_avx512<const N: usize>(hay: &[u8], set: &[u8; N]) -> Option<usize> {
    use std::arch::x86_64::*;
    let mut needles = [_mm512_setzero_si512(); N];
    for (n, b) in needles.iter_mut().zip(set) {
        *n = _mm512_set1_epi8(*b as i8);
    }
    let hits = |v: __m512i| needles.iter().fold(0u64, |m, n| m | _mm512_cmpeq_epi8_mask(v, *n));
    let mut at = 0;
    while at + 64 <= hay.len() {
        // SAFETY: `at + 64 <= hay.len()`: 64 readable bytes; the load is
        // unaligned.
        let v = unsafe { _mm512_loadu_si512(hay.as_ptr().add(at) as *const __m512i) };
        let m = hits(v);
        if m != 0 {
            return Some(at + m.trailing_zeros() as usize);
        }
        at += 64;
    }
    let left = hay.len() - at;
    if left > 0 {
        let lanes: __mmask64 = u64::MAX >> (64 - left);
        // SAFETY: only the `left` lanes set in the mask are read, all inside
        // `hay` (`at + left == hay.len()`); a masked load does not access the
        // lanes masked off, nor fault on them (Intel SDM vol. 1, §15.4.4
        // "Memory fault suppression"). Those lanes read as zero,  and are
        // masked out of the result.
        let v = unsafe { _mm512_maskz_loadu_epi8(lanes, hay.as_ptr().add(at) as *const i8) };
        let m = hits(v) & lanes;
        if m != 0 {
            return Some(at + m.trailing_zeros() as usize);
        }
    }
    None
}

/// [`mask64`] with AVX-512: one load of up to 64 bytes, masked to those
/// there are, as the last step of [`find_avx512`].
///
/// # Safety
/// The CPU must support AVX-512F and AVX-512BW.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw")]
unsafe fn mask64_avx512<const N: usize>(hay: &[u8], set: &[u8; N]) -> u64 {
    use std::arch::x86_64::*;
    let left = hay.len().min(64);
    if left == 0 {
        return 0;
    }
    let lanes: __mmask64 = u64::MAX >> (64 - left);
    // SAFETY: only the `left` lanes set in the mask are read, all inside
    // `hay`; masked-off lanes are not accessed and cannot fault (Intel SDM
    // vol. 1, §15.4.4 "Memory fault suppression"). They read as zero and
    // are masked out of the result.
    let v = unsafe { _mm512_maskz_loadu_epi8(lanes, hay.as_ptr() as *const i8) };
    set.iter().fold(0u64, |m, &b| m | _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(b as i8))) & lanes
}

/// [`mask64`] with AVX2: two 32-byte steps of [`find_avx2`].
///
/// # Safety
/// The CPU must support AVX2, and `hay.len() >= 64`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn mask64_avx2<const N: usize>(hay: &[u8], set: &[u8; N]) -> u64 {
    use std::arch::x86_64::*;
    debug_assert!(hay.len() >= 64);
    let mut needles = [_mm256_setzero_si256(); N];
    // SAFETY: the caller guarantees AVX2, and 64 readable bytes: 32 at 0
    // and 32 at 32.
    unsafe {
        set_needles_avx2(&mut needles, set);
        u64::from(mask32(hay, 0, &needles)) | u64::from(mask32(hay, 32, &needles)) << 32
    }
}

/// Fills `needles` with `set`, one byte broadcast to each vector.
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn set_needles_avx2<const N: usize>(
    needles: &mut [std::arch::x86_64::__m256i; N],
    set: &[u8; N],
) {
    use std::arch::x86_64::*;
    for (n, b) in needles.iter_mut().zip(set) {
        *n = _mm256_set1_epi8(*b as i8);
    }
}

/// Bit i set when `hay[at + i]` is one of the needles.
///
/// # Safety
/// The CPU must support AVX2, and `at + 32 <= hay.len()`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn mask32<const N: usize>(
    hay: &[u8],
    at: usize,
    needles: &[std::arch::x86_64::__m256i; N],
) -> u32 {
    use std::arch::x86_64::*;
    // SAFETY: the caller guarantees 32 readable bytes at `at`; the load is
    // unaligned.
    let v = unsafe { _mm256_loadu_si256(hay.as_ptr().add(at) as *const __m256i) };
    let mut hit = _mm256_setzero_si256();
    for n in needles {
        hit = _mm256_or_si256(hit, _mm256_cmpeq_epi8(v, *n));
    }
    _mm256_movemask_epi8(hit) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every available backend finds (`find_with`) and classifies
    /// (`mask64`) as the scalar path does.
    fn check_all<const N: usize>(hay: &[u8], from: usize, set: &[u8; N]) {
        let want = hay.get(from..).and_then(|r| find_scalar(r, set)).map(|i| i + from);
        let want_mask = mask64_scalar(&hay[from.min(hay.len())..], set);
        for b in Backend::available() {
            assert_eq!(find_with(b, hay, from, set), want, "backend {}", b.name());
            assert_eq!(mask64(b, hay, from, set), want_mask, "backend {} (mask)", b.name());
        }
    }

    #[test]
    fn every_available_backend_matches_scalar_on_edges() {
        let names: Vec<_> = Backend::available().iter().map(|b| b.name()).collect();
        println!("load SIMD backends tested against scalar: {names:?}");
        for len in 0..140 {
            for hit in 0..=len {
                let mut hay = vec![b'a'; len];
                if hit < len {
                    hay[hit] = b';';
                }
                for from in [0, 1, 31, 32, 33, 63, 64, 65, 75, 139, 200] {
                    check_all(&hay, from, &STRUCTURAL);
                    check_all(&hay, from, &TOKEN_END);
                }
            }
        }
    }

    proptest! {
        #[test]
        fn every_available_backend_matches_scalar_on_random_text(
            hay in proptest::collection::vec(prop_oneof![
                8 => 0x21u8..0x7f, 1 => Just(b'\t'), 1 => Just(b' '), 1 => Just(b'\n'),
                1 => any::<u8>(),
            ], 0..300),
            from in 0usize..310,
        ) {
            check_all(&hay, from, &TOKEN_END);
            check_all(&hay, from, &STRUCTURAL);
            check_all(&hay, from, &QUOTE_END);
            check_all(&hay, from, &NEWLINE);
        }

        /// The cached classification finds what `find` finds, on every
        /// backend, whatever the order of the positions asked for.
        #[test]
        fn classified_finds_what_find_finds(
            hay in proptest::collection::vec(prop_oneof![
                6 => 0x21u8..0x7f, 2 => Just(b'\t'), 1 => Just(b'\n'), 1 => Just(b'\\'),
            ], 0..400),
            positions in proptest::collection::vec(0usize..420, 1..40),
        ) {
            for b in Backend::available() {
                let mut ends = Classified::with(b, &hay, &TOKEN_END);
                let mut structural = Classified::with(b, &hay, &STRUCTURAL);
                for &p in &positions {
                    prop_assert_eq!(ends.find(p), find(&hay, p, &TOKEN_END), "{} at {}", b.name(), p);
                    prop_assert_eq!(
                        structural.find(p), find(&hay, p, &STRUCTURAL), "{} at {}", b.name(), p
                    );
                }
            }
        }
    }
}
