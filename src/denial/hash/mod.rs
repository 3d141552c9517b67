//! NSEC3 hashing (RFC 5155 §5): SHA-1 with salt and iterations, scalar and
//! multi-buffer SIMD backends.
//!
//! # Background
//! RFC 5155 §5 defines the hashed owner name as
//!
//! ```text
//! IH(salt, x, 0) = H(x || salt)
//! IH(salt, x, k) = H(IH(salt, x, k-1) || salt), k > 0
//! hash           = IH(salt, owner name in canonical wire form, iterations)
//! ```
//!
//! with H = SHA-1 (hash algorithm 1, the only one assigned). A TLD has
//! millions of owner names, each hashed once per signing run, so this is a
//! throughput problem: many small, independent messages.
//!
//! Backends, in the style of the `memchr` crate: [`scalar`] is portable,
//! always compiled, and the oracle every other backend is tested against;
//! the SIMD kernels are `#[target_feature]` functions chosen once at run time.
//!
//! - [`Backend::Scalar`]: portable SHA-1, one message at a time.
//! - [`Backend::ShaNi`]: the x86 SHA extensions (`sha1rnds4` and friends).
//!   A single message is latency-bound on `sha1rnds4`, so batches run
//!   [`SHANI_STREAMS`] independent messages interleaved in one instruction
//!   stream to fill the pipeline.
//! - [`Backend::Avx2`]: eight messages, one per 32-bit lane of a `__m256i`,
//!   with the message schedule transposed.
//! - [`Backend::Avx512`]: the same method sixteen wide in a `__m512i`, with
//!   `vprold` for the rotates and `vpternlogd` for the round functions.
//!
//! Measured on AMD EPYC (Zen with SHA-NI, no AVX-512; 4096 TLD-shaped
//! names, `benches/nsec3_hash.rs`): SHA-NI with two interleaved streams is
//! the fastest, about 1.4x a single stream (three or four streams gain
//! nothing more), and 1.5-1.75x AVX2. AVX2 has no vector rotate, so a round
//! costs about 20 vector instructions for eight lanes (about 200 per message
//! block) where SHA-NI needs about 80 per block. On a later AMD EPYC VM
//! (family 25 model 1, Zen 3; seventeenth session, two bench runs) the
//! two are closer: at 0 iterations SHA-NI 168-178 µs against AVX2 191-195,
//! at 10 iterations 1.25-1.29 ms against 1.07-1.33 ms, within the noise;
//! the order below stands.
//!
//! Measured on an Intel Xeon with AVX-512 (Sapphire Rapids class under KVM,
//! about 2.35 GHz; same bench, two short runs on a shared machine, so the
//! ranges are run-to-run noise; time per 4096 names):
//!
//! | backend                    | 0 iterations | 10 iterations |
//! |----------------------------|--------------|---------------|
//! | AVX-512, 16 lanes          | 175 µs       | 640-700 µs    |
//! | SHA-NI, 2 streams          | 268-300 µs   | 2.08-2.11 ms  |
//! | AVX2, 8 lanes              | 255-260 µs   | 1.42-1.49 ms  |
//! | SHA-NI, 1 stream, per name | 600 µs       | 2.90-3.11 ms  |
//! | scalar                     | 625-690 µs   | 6.0-8.5 ms    |
//!
//! AVX-512 is 3.4x single-stream SHA-NI at 0 iterations and 4.1-4.9x at 10
//! (1.5-1.7x and 3.0-3.3x two-stream SHA-NI). Its block function is 757
//! vector instructions for sixteen messages (224 `vprold`, 144 `vpternlogd`,
//! 325 adds, 64 XORs, no spills), which at two 512-bit instructions per
//! cycle is about 24 cycles per message block; the cost of one more
//! iteration measures 27-30, against 130-145 for one SHA-NI stream. At 0
//! iterations about 70% of the AVX-512 time is padding, bucketing and
//! transposing, not hashing. On this CPU AVX2 also beats two-stream SHA-NI
//! (1.05-1.15x at 0 iterations, 1.4-1.5x at 10), the reverse of Zen;
//! [`Backend::ALL`] keeps SHA-NI ahead of AVX2 because that order only
//! matters on CPUs without AVX-512, where the Zen measurement applies.
//!
//! Later (eleventh session, same machine, one bench run): an iteration
//! message of one block (salt up to 35 octets) has its own AVX-512 block
//! function, which folds what depends only on the salt and the initial
//! state (`K + W_t` for the salt, padding and length words, their part of
//! the message schedule, the first rounds' constants): 718 vector
//! instructions instead of 757. AVX-512 at 10 iterations 421 -> 381 µs,
//! single-stream SHA-NI 1.98-2.06 ms: 5.2x (at 0 iterations, unchanged,
//! 114 µs: 3.6-4.5x, the single stream being the noisier).
//!
//! Multi-message kernels need every message in a batch to have the same
//! number of 64-octet blocks. After the first hash every message is
//! `digest (20 octets) || salt`, the same for every name, so the iterations
//! are perfectly parallel. The first message, `name || salt`, is not: the
//! batch entry point buckets names by first-message block count
//! (`name + salt + 9` padding octets, rounded up to 64) and fills the last,
//! partial group of each bucket with dummy lanes whose results are dropped.
//!
//! # Usage
//! ```
//! use zonesign::denial::hash::{nsec3_hash, nsec3_hash_batch, Backend};
//!
//! let backend = Backend::detect(); // cached; ZONESIGN_NSEC3_HASH overrides
//! let salt = [0xaa, 0xbb, 0xcc, 0xdd];
//! // "example." in wire form, lowercased by the caller.
//! let one = nsec3_hash(backend, b"\x07example\x00", &salt, 12);
//! let mut out = [[0u8; 20]; 2];
//! nsec3_hash_batch(backend, &[b"\x07example\x00", b"\x01a\x07example\x00"], &salt, 12, &mut out);
//! assert_eq!(out[0], one);
//! ```
//!
//! # Limitations
//! - Names must already be lowercased (RFC 4034 §6.2 canonical form); this
//!   module hashes the octets it is given.
//! - Names and salt are at most 255 octets (RFC 1035 §2.3.4, RFC 5155 §3.1.5);
//!   longer inputs panic.
//! - The multi-message backends pay for dummy lanes; [`nsec3_hash`] on AVX2
//!   and AVX-512 runs one real lane of 8 or 16 (on SHA-NI, one stream). Call
//!   [`nsec3_hash_batch`] with the whole chain.
//! - AVX-512 comes first wherever the CPU has AVX-512F, but it was measured
//!   only on the Intel CPU above. CPUs that run 512-bit instructions at half
//!   width (AMD Zen 4) or lower their clock for them (older Xeons) are
//!   unmeasured; [`BACKEND_ENV`] forces another backend.

/// FIPS 180-4 §6.1.2 step 3, for every backend: the 80 rounds as 16 groups
/// of five, each with its function and constant (§4.1.1, §4.2.1). `$round`
/// is the backend's macro for one round, given the five working variables
/// in their roles of the round, the function, K and t; five rounds bring
/// the roles back to where they started, so the variables are renamed,
/// never moved. `$k` is the backend's array of the four constants; its
/// `choose`, `parity` and `majority` must be in scope.
macro_rules! sha1_rounds {
    ($round:ident, $k:expr, [$a:ident, $b:ident, $c:ident, $d:ident, $e:ident]) => {
        sha1_rounds!(@five $round, [$a, $b, $c, $d, $e], choose, $k[0], 0);
        sha1_rounds!(@five $round, [$a, $b, $c, $d, $e], choose, $k[0], 5);
        sha1_rounds!(@five $round, [$a, $b, $c, $d, $e], choose, $k[0], 10);
        sha1_rounds!(@five $round, [$a, $b, $c, $d, $e], choose, $k[0], 15);
        sha1_rounds!(@five $round, [$a, $b, $c, $d, $e], parity, $k[1], 20);
        sha1_rounds!(@five $round, [$a, $b, $c, $d, $e], parity, $k[1], 25);
        sha1_rounds!(@five $round, [$a, $b, $c, $d, $e], parity, $k[1], 30);
        sha1_rounds!(@five $round, [$a, $b, $c, $d, $e], parity, $k[1], 35);
        sha1_rounds!(@five $round, [$a, $b, $c, $d, $e], majority, $k[2], 40);
        sha1_rounds!(@five $round, [$a, $b, $c, $d, $e], majority, $k[2], 45);
        sha1_rounds!(@five $round, [$a, $b, $c, $d, $e], majority, $k[2], 50);
        sha1_rounds!(@five $round, [$a, $b, $c, $d, $e], majority, $k[2], 55);
        sha1_rounds!(@five $round, [$a, $b, $c, $d, $e], parity, $k[3], 60);
        sha1_rounds!(@five $round, [$a, $b, $c, $d, $e], parity, $k[3], 65);
        sha1_rounds!(@five $round, [$a, $b, $c, $d, $e], parity, $k[3], 70);
        sha1_rounds!(@five $round, [$a, $b, $c, $d, $e], parity, $k[3], 75);
    };
    (@five $round:ident, [$a:ident, $b:ident, $c:ident, $d:ident, $e:ident], $f:ident, $k:expr, $t:expr) => {
        $round!($a, $b, $c, $d, $e, $f, $k, $t);
        $round!($e, $a, $b, $c, $d, $f, $k, $t + 1);
        $round!($d, $e, $a, $b, $c, $f, $k, $t + 2);
        $round!($c, $d, $e, $a, $b, $f, $k, $t + 3);
        $round!($b, $c, $d, $e, $a, $f, $k, $t + 4);
    };
}

pub mod scalar;

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;
#[cfg(target_arch = "x86_64")]
mod shani;

use std::fmt;
use std::sync::OnceLock;

/// Length of a SHA-1 digest, and of an NSEC3 hash (RFC 5155 §3.1.7).
pub const DIGEST_LEN: usize = 20;

/// Longest accepted owner name and salt, in octets (RFC 1035 §2.3.4; the
/// salt length field is one octet, RFC 5155 §3.2).
pub const MAX_INPUT_LEN: usize = 255;

/// Environment variable that forces a backend: `scalar`, `shani`, `avx2` or
/// `avx512`.
pub const BACKEND_ENV: &str = "ZONESIGN_NSEC3_HASH";

/// How many independent messages the SHA-NI batch kernel interleaves: two
/// hide most of the `sha1rnds4` latency (measured +40% over one on Zen);
/// three and four measured no better.
pub const SHANI_STREAMS: usize = 2;

/// Number of lanes in the AVX2 kernel.
pub const AVX2_LANES: usize = 8;

/// Number of lanes in the AVX-512 kernel.
pub const AVX512_LANES: usize = 16;

/// SHA-1 appends 0x80 and a 64-bit length: at least 9 octets of padding.
const PADDING_MIN: usize = 9;
/// Longest first message, `name || salt`, padded: 255 + 255 + 9 = 519 → 9 blocks.
const MAX_FIRST_BLOCKS: usize = (2 * MAX_INPUT_LEN + PADDING_MIN).div_ceil(64);
/// Longest iteration message, `digest || salt`, padded: 20 + 255 + 9 = 284 → 5 blocks.
const MAX_ITERATION_BLOCKS: usize = (DIGEST_LEN + MAX_INPUT_LEN + PADDING_MIN).div_ceil(64);

/// An NSEC3 hash implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// Portable SHA-1; always available, the reference for the others.
    Scalar,
    /// x86-64 SHA extensions, [`SHANI_STREAMS`] messages interleaved in batches.
    ShaNi,
    /// x86-64 AVX2, eight messages per kernel call.
    Avx2,
    /// x86-64 AVX-512F, sixteen messages per kernel call.
    Avx512,
}

impl Backend {
    /// Every backend, fastest first; [`Backend::detect`] picks the first
    /// available. AVX-512 is first by measurement on an Intel Xeon with
    /// AVX-512 (3.4x single-stream and 1.5-1.7x two-stream SHA-NI at 0
    /// iterations, 4.1-4.9x and 3.0-3.3x at 10); SHA-NI before AVX2 is the
    /// measurement on AMD Zen, which has no AVX-512 (see the module docs).
    pub const ALL: [Backend; 4] = [Backend::Avx512, Backend::ShaNi, Backend::Avx2, Backend::Scalar];

    /// The name used in logs and in [`BACKEND_ENV`].
    pub fn name(&self) -> &'static str {
        match self {
            Backend::Scalar => "scalar",
            Backend::ShaNi => "shani",
            Backend::Avx2 => "avx2",
            Backend::Avx512 => "avx512",
        }
    }

    /// Parses a name as written in [`BACKEND_ENV`].
    pub fn from_name(name: &str) -> Option<Backend> {
        Backend::ALL.into_iter().find(|b| b.name().eq_ignore_ascii_case(name.trim()))
    }

    /// Whether this CPU can run the backend.
    pub fn is_available(&self) -> bool {
        match self {
            Backend::Scalar => true,
            #[cfg(target_arch = "x86_64")]
            Backend::ShaNi => shani::is_supported(),
            #[cfg(target_arch = "x86_64")]
            Backend::Avx2 => avx2::is_supported(),
            #[cfg(target_arch = "x86_64")]
            Backend::Avx512 => avx512::is_supported(),
            #[cfg(not(target_arch = "x86_64"))]
            Backend::ShaNi | Backend::Avx2 | Backend::Avx512 => false,
        }
    }

    /// The backends this CPU can run, fastest first; always ends with
    /// [`Backend::Scalar`].
    pub fn available() -> Vec<Backend> {
        Backend::ALL.into_iter().filter(Backend::is_available).collect()
    }

    /// The backend to use, chosen once per process: [`BACKEND_ENV`] if it
    /// names an available backend, otherwise the fastest available one.
    /// [`Detection`] (from [`Backend::detection`]) says why, for the log.
    pub fn detect() -> Backend {
        Backend::detection().backend
    }

    /// The cached detection result, with the reason for the choice.
    pub fn detection() -> &'static Detection {
        static DETECTION: OnceLock<Detection> = OnceLock::new();
        DETECTION.get_or_init(|| Detection::from_env(std::env::var(BACKEND_ENV).ok().as_deref()))
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which backend [`Backend::detect`] chose, and why; `Display` is one log line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    /// The chosen backend.
    pub backend: Backend,
    /// Why it was chosen.
    pub source: DetectionSource,
}

/// Why a backend was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetectionSource {
    /// The fastest backend this CPU supports; [`BACKEND_ENV`] was not set.
    Cpu,
    /// Forced by [`BACKEND_ENV`].
    Env,
    /// [`BACKEND_ENV`] was set to something unusable and was ignored; the
    /// CPU choice applies. Every backend gives identical output, so this
    /// costs speed, never correctness.
    EnvIgnored {
        /// The value of the variable.
        value: String,
        /// Why it was ignored.
        reason: EnvIgnoredReason,
    },
}

/// Why [`BACKEND_ENV`] was ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvIgnoredReason {
    /// Not `scalar`, `shani`, `avx2` or `avx512`.
    UnknownBackend,
    /// A known backend this CPU cannot run.
    Unavailable,
}

impl Detection {
    fn from_env(value: Option<&str>) -> Detection {
        let cpu = Backend::ALL.into_iter().find(Backend::is_available).unwrap_or(Backend::Scalar);
        let Some(value) = value else {
            return Detection { backend: cpu, source: DetectionSource::Cpu };
        };
        let reason = match Backend::from_name(value) {
            Some(forced) if forced.is_available() => {
                return Detection { backend: forced, source: DetectionSource::Env };
            }
            Some(_) => EnvIgnoredReason::Unavailable,
            None => EnvIgnoredReason::UnknownBackend,
        };
        Detection {
            backend: cpu,
            source: DetectionSource::EnvIgnored { value: value.to_owned(), reason },
        }
    }
}

impl fmt::Display for Detection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NSEC3 hash backend {}", self.backend)?;
        match &self.source {
            DetectionSource::Cpu => f.write_str(" (CPU detection")?,
            DetectionSource::Env => write!(f, " (forced by {BACKEND_ENV}")?,
            DetectionSource::EnvIgnored { value, reason } => {
                let why = match reason {
                    EnvIgnoredReason::UnknownBackend => "unknown backend",
                    EnvIgnoredReason::Unavailable => "not supported by this CPU",
                };
                write!(f, " (CPU detection; ignored {BACKEND_ENV}={value:?}: {why}")?
            }
        }
        let names: Vec<&str> = Backend::available().iter().map(|b| b.name()).collect();
        write!(f, "; available: {})", names.join(", "))
    }
}

/// NSEC3 hash (RFC 5155 §5) of one owner name.
///
/// `name_wire_lowercase` is the owner name in canonical wire form
/// (RFC 4034 §6.2: uncompressed, lowercased; lowercasing is the caller's
/// job). Multi-message backends run one real lane here; prefer
/// [`nsec3_hash_batch`].
///
/// # Panics
/// If `backend` is not available on this CPU (see [`Backend::available`]),
/// or the name or the salt is longer than [`MAX_INPUT_LEN`] octets.
pub fn nsec3_hash(
    backend: Backend,
    name_wire_lowercase: &[u8],
    salt: &[u8],
    iterations: u16,
) -> [u8; DIGEST_LEN] {
    let mut out = [[0u8; DIGEST_LEN]; 1];
    nsec3_hash_batch(backend, &[name_wire_lowercase], salt, iterations, &mut out);
    out[0]
}

/// NSEC3 hashes (RFC 5155 §5) of many owner names with one salt and
/// iteration count: `out[i]` receives the hash of `names[i]`.
///
/// Names are in canonical wire form (RFC 4034 §6.2), already lowercased.
///
/// # Panics
/// If `out.len() != names.len()`, if `backend` is not available on this CPU
/// (see [`Backend::available`]), or if a name or the salt is longer than
/// [`MAX_INPUT_LEN`] octets.
pub fn nsec3_hash_batch(
    backend: Backend,
    names: &[&[u8]],
    salt: &[u8],
    iterations: u16,
    out: &mut [[u8; DIGEST_LEN]],
) {
    assert_eq!(names.len(), out.len(), "nsec3_hash_batch: one output slot per name");
    assert!(salt.len() <= MAX_INPUT_LEN, "NSEC3 salt longer than {MAX_INPUT_LEN} octets");
    if let Some(name) = names.iter().find(|n| n.len() > MAX_INPUT_LEN) {
        panic!("owner name of {} octets is longer than {MAX_INPUT_LEN}", name.len());
    }
    assert!(backend.is_available(), "NSEC3 hash backend {backend} is not available on this CPU");
    let template = IterationTemplate::new(salt);
    match backend {
        Backend::Scalar => {
            for (name, slot) in names.iter().zip(out.iter_mut()) {
                *slot = scalar_nsec3(name, salt, &template, iterations);
            }
        }
        #[cfg(target_arch = "x86_64")]
        Backend::ShaNi if names.len() == 1 => {
            // A lone name (as from nsec3_hash) runs one stream: a second,
            // dummy stream would cost time for a result that is dropped.
            let mut message = [FirstMessage::new()];
            let [digest] =
                shani::nsec3_streams(&mut message, &[names[0]], salt, &template, iterations);
            out[0] = digest;
        }
        #[cfg(target_arch = "x86_64")]
        Backend::ShaNi => {
            let mut messages: [FirstMessage; SHANI_STREAMS] =
                std::array::from_fn(|_| FirstMessage::new());
            for_each_lane_group::<SHANI_STREAMS>(names, salt, out, |group| {
                shani::nsec3_streams(&mut messages, group, salt, &template, iterations)
            });
        }
        #[cfg(target_arch = "x86_64")]
        Backend::Avx2 => {
            let mut scratch = TransposedMessages::<AVX2_LANES>::new();
            for_each_lane_group::<AVX2_LANES>(names, salt, out, |group| {
                avx2::nsec3_lanes(&mut scratch, group, salt, &template, iterations)
            });
        }
        #[cfg(target_arch = "x86_64")]
        Backend::Avx512 => {
            let mut scratch = TransposedMessages::<AVX512_LANES>::new();
            for_each_lane_group::<AVX512_LANES>(names, salt, out, |group| {
                avx512::nsec3_lanes(&mut scratch, group, salt, &template, iterations)
            });
        }
        #[cfg(not(target_arch = "x86_64"))]
        Backend::ShaNi | Backend::Avx2 | Backend::Avx512 => {
            // is_available() is false for these off x86-64 and was asserted above.
            unreachable!("SIMD backend on a non-x86-64 target")
        }
    }
}

/// Number of 64-octet SHA-1 blocks in `name || salt` once padded.
fn first_message_blocks(name_len: usize, salt_len: usize) -> usize {
    (name_len + salt_len + PADDING_MIN).div_ceil(64)
}

/// A padded first message, `name || salt || 0x80 || 0… || bit length`.
struct FirstMessage {
    bytes: [u8; MAX_FIRST_BLOCKS * 64],
    blocks: usize,
}

impl FirstMessage {
    fn new() -> FirstMessage {
        FirstMessage { bytes: [0; MAX_FIRST_BLOCKS * 64], blocks: 0 }
    }

    /// Pads `name || salt` per FIPS 180-4 §5.1.1. Callers checked both
    /// lengths against [`MAX_INPUT_LEN`], so everything fits.
    fn fill(&mut self, name: &[u8], salt: &[u8]) {
        let len = name.len() + salt.len();
        self.blocks = first_message_blocks(name.len(), salt.len());
        let end = self.blocks * 64;
        self.bytes[..name.len()].copy_from_slice(name);
        self.bytes[name.len()..len].copy_from_slice(salt);
        self.bytes[len] = 0x80;
        self.bytes[len + 1..end - 8].fill(0);
        self.bytes[end - 8..end].copy_from_slice(&(len as u64 * 8).to_be_bytes());
    }

    /// The padded message, a whole number of blocks.
    fn padded(&self) -> &[u8] {
        &self.bytes[..self.blocks * 64]
    }
}

/// The first messages of one lane group, padded ([`FirstMessage`]) and
/// transposed for the vector kernels: `rows[t][lane]` is big-endian word `t`
/// of lane `lane`'s padded message. Scratch space, allocated once per batch
/// so that it is not zeroed for every group (9 KiB for eight lanes, 18 KiB
/// for sixteen); rows past the current block count are stale.
///
/// Every lane is padded before any is transposed, into a message of its own
/// that is never zeroed again: the word loads then come long after
/// [`FirstMessage::fill`] stored the pieces they span (name, salt, 0x80,
/// zeros, length; a load that straddles two stores still in flight cannot
/// be forwarded from them), and each row is written whole. Measured back to
/// back against padding and transposing one lane at a time through a single
/// message, 0 iterations: 7-13% faster with sixteen lanes, within noise
/// with eight.
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
struct TransposedMessages<const LANES: usize> {
    messages: [FirstMessage; LANES],
    rows: [[u32; LANES]; MAX_FIRST_BLOCKS * 16],
}

#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
impl<const LANES: usize> TransposedMessages<LANES> {
    fn new() -> Box<TransposedMessages<LANES>> {
        Box::new(TransposedMessages {
            messages: std::array::from_fn(|_| FirstMessage::new()),
            rows: [[0; LANES]; MAX_FIRST_BLOCKS * 16],
        })
    }

    /// Pads and transposes the first messages of `names`; returns the rows
    /// of their common block count (16 rows per block).
    ///
    /// # Panics
    /// If the names' first messages differ in block count (the caller,
    /// [`for_each_lane_group`], buckets them so that they never do).
    fn transpose(&mut self, names: &[&[u8]; LANES], salt: &[u8]) -> &[[u32; LANES]] {
        for (message, name) in self.messages.iter_mut().zip(names) {
            message.fill(name, salt);
        }
        // Every kernel has at least one lane.
        let blocks = self.messages[0].blocks;
        assert!(self.messages.iter().all(|m| m.blocks == blocks), "lanes differ in block count");
        let rows = &mut self.rows[..blocks * 16];
        for (t, row) in rows.iter_mut().enumerate() {
            for (word, message) in row.iter_mut().zip(&self.messages) {
                let b = &message.bytes[4 * t..4 * t + 4];
                *word = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
            }
        }
        rows
    }
}

/// The digests of a multi-lane kernel's final states, given one row per
/// state word (`state[i][lane]`): lanes back to messages, the other way
/// round from [`TransposedMessages::transpose`].
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
fn untranspose<const LANES: usize>(state: &[[u32; LANES]; 5]) -> [[u8; DIGEST_LEN]; LANES] {
    std::array::from_fn(|lane| scalar::digest_bytes(&std::array::from_fn(|i| state[i][lane])))
}

/// The iteration message `digest || salt`, padded and decoded into
/// big-endian words; words 0..5 are where each lane puts its digest.
/// Identical for every name, so it is built once per batch.
#[derive(Debug)]
struct IterationTemplate {
    words: [u32; MAX_ITERATION_BLOCKS * 16],
    blocks: usize,
}

impl IterationTemplate {
    fn new(salt: &[u8]) -> IterationTemplate {
        let len = DIGEST_LEN + salt.len();
        let blocks = (len + PADDING_MIN).div_ceil(64);
        let mut bytes = [0u8; MAX_ITERATION_BLOCKS * 64];
        bytes[DIGEST_LEN..len].copy_from_slice(salt);
        bytes[len] = 0x80;
        let end = blocks * 64;
        bytes[end - 8..end].copy_from_slice(&(len as u64 * 8).to_be_bytes());
        let mut words = [0u32; MAX_ITERATION_BLOCKS * 16];
        for (word, b) in words.iter_mut().zip(bytes.chunks_exact(4)) {
            *word = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
        }
        IterationTemplate { words, blocks }
    }

    /// The padded words, a whole number of 16-word blocks.
    fn words(&self) -> &[u32] {
        &self.words[..self.blocks * 16]
    }
}

/// The scalar backend: RFC 5155 §5 written out, one name at a time.
fn scalar_nsec3(
    name: &[u8],
    salt: &[u8],
    template: &IterationTemplate,
    iterations: u16,
) -> [u8; DIGEST_LEN] {
    let mut message = FirstMessage::new();
    message.fill(name, salt);
    // IH(salt, x, 0) = H(x || salt)
    let mut state = scalar::H0;
    for block in message.padded().chunks_exact(64) {
        // chunks_exact(64) yields exactly 64 octets.
        let block: &[u8; 64] = block.try_into().unwrap_or(&[0; 64]);
        scalar::compress(&mut state, block);
    }
    // IH(salt, x, k) = H(IH(salt, x, k-1) || salt)
    let mut words = [0u32; 16];
    for _ in 0..iterations {
        let digest = state;
        state = scalar::H0;
        for (i, block) in template.words().chunks_exact(16).enumerate() {
            words.copy_from_slice(block);
            if i == 0 {
                words[..5].copy_from_slice(&digest);
            }
            scalar::compress_words(&mut state, &words);
        }
    }
    scalar::digest_bytes(&state)
}

/// Runs a `LANES`-message kernel over `names`: groups names whose first
/// message has the same block count, `LANES` at a time, and pads the last
/// group of each block count with dummy lanes (copies of a real name in the
/// group) whose results are dropped.
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
fn for_each_lane_group<const LANES: usize>(
    names: &[&[u8]],
    salt: &[u8],
    out: &mut [[u8; DIGEST_LEN]],
    mut kernel: impl FnMut(&[&[u8]; LANES]) -> [[u8; DIGEST_LEN]; LANES],
) {
    // Counting sort of name indices by first-message block count (1..=9).
    let mut counts = [0usize; MAX_FIRST_BLOCKS + 2];
    for name in names {
        counts[first_message_blocks(name.len(), salt.len()) + 1] += 1;
    }
    for i in 1..counts.len() {
        counts[i] += counts[i - 1];
    }
    let bucket_ends: Vec<usize> = counts[1..].to_vec();
    let mut order = vec![0usize; names.len()];
    for (i, name) in names.iter().enumerate() {
        let slot = &mut counts[first_message_blocks(name.len(), salt.len())];
        order[*slot] = i;
        *slot += 1;
    }
    let mut start = 0;
    for end in bucket_ends {
        for group in order[start..end].chunks(LANES) {
            let mut lanes: [&[u8]; LANES] = [names[group[0]]; LANES];
            for (lane, &index) in lanes.iter_mut().zip(group) {
                *lane = names[index];
            }
            let digests = kernel(&lanes);
            for (&index, digest) in group.iter().zip(digests) {
                out[index] = digest;
            }
        }
        start = end;
    }
}

#[cfg(test)]
mod tests;
