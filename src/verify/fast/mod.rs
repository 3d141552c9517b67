//! Fast signature verification for the many-signatures-one-key case.
//!
//! # Background
//! A zone is millions of signatures under one or two keys. aws-lc-rs'
//! ECDSA verify treats the public key as an unknown point every time (about
//! 256 doublings per signature). Here each key gets a fixed-base table once,
//! and signatures are verified in batches (see [`ecdsa`] for the method):
//! - ECDSA P-256 (13) and P-384 (14): the same generic code, over our own
//!   inlinable P-256 field element ([`p256field`]) and the `p384` crate's.
//!   For P-256 each window's batch of additions runs eight lanes at a time
//!   with AVX-512 IFMA ([`p256ifma`]) where the CPU has it, chosen at run
//!   time (`ZONESIGN_VERIFY_SIMD=scalar` forces the portable path);
//! - Ed25519 (15): a batch equation with the key's terms merged (see
//!   [`ed25519`]).
//!
//! Tuned by `benches/verify.rs` (`VERIFY_TUNE`) on the 2-core development
//! machine: P-256 window [`DEFAULT_WINDOW`] = 14 bits (19 windows, 38 mixed
//! additions and one x-only addition per signature, 9.5 MiB per table),
//! P-384 window [`P384_WINDOW`] = 12 (6.2 MiB per table), [`BATCH`] = 1024
//! ECDSA signatures per batch, [`ED25519_BATCH`] = 1024. The shared G
//! table is built once per process (P-256: about 100 ms, P-384: about
//! 300 ms); each key's table takes as long again. Fourth session,
//! `VERIFY_TUNE=8` over 4096 signatures (minimum of 8 runs, per
//! signature): window 12 / 13 / 14 at batches of 1024: 11.7 / 9.69 /
//! 9.37 µs; window 14 at 512 / 1024 / 2048: 9.50 / 9.37 / 9.30 µs (13 at
//! 512, the previous choice: 9.80 µs). Window 14 doubles the table for
//! 3-5 %; batches beyond 1024 gain less than the noise. With these,
//! `VERIFY_MIN=30` (minimum of 30 runs of 1024 signatures, same run):
//! P-256 8.92 µs against aws-lc-rs' 82.6 (9.3×), P-384 50.8 against 306
//! (6.0×), Ed25519 batch 15.1 against 59.5 (3.9×).
//!
//! Ninth session, with the IFMA kernel (`VERIFY_MIN=20`, interleaved with
//! `ZONESIGN_VERIFY_SIMD=scalar` runs of the same binary, three pairs):
//! P-256 5.08 / 6.03 / 4.88 µs a signature against 14.8 / 12.6 / 13.3 µs
//! portable (2.6×), 17-20× aws-lc-rs. The kernel alone, batches of 2048
//! additions: 40-49 ns an addition against 167-229 ns (4.2-4.7×).
//! `VERIFY_TUNE=10` gave 4.3-5.0 µs for every window in 12..=14 and batch
//! in 512..=2048, all within the noise, so window and batch stay.
//!
//! The IFMA kernel is the fast path's only `unsafe` code: the
//! `#[target_feature]` entry after the CPU check and its vector loads and
//! stores, each with its `SAFETY:` note, as the brief allows for SIMD. The
//! arithmetic is still ours, in Rust, with no FFI into aws-lc.
//!
//! Earlier, window 13 and batches of 512: single thread, criterion
//! (`cargo bench --bench verify`, 1024 signatures, one run, a machine
//! shared with other work), per signature:
//!
//! | algorithm | aws-lc-rs | fast path | speed-up |
//! |-----------|-----------|-----------|----------|
//! | P-256     | 106.8 µs  | 12.5 µs   | 8.6×     |
//! | P-384     | 381 µs    | 67.2 µs   | 5.7×     |
//! | Ed25519   | 76.1 µs   | 18.5 µs   | 4.1×     |
//!
//! Before this version (window 11, one accumulator per signature, the
//! `p256` crate's field, dalek's `verify_batch`), by the minimum-of-runs
//! mode (`VERIFY_MIN=30`) in one session: P-256 18.4 → 11.6 µs (1.6×),
//! P-384 89.6 → 64.9 µs, Ed25519 batch 34.7 → 17.9 µs (2.0× → 3.9× over
//! aws-lc-rs).
//!
//! # The fast path only ever accepts
//! A `false` from [`FastKey::verify_batch`] means "not accepted here", never
//! "invalid": the caller re-verifies it with aws-lc-rs before it becomes a
//! finding. So the fast path may only *accept* what aws-lc-rs accepts. For
//! ECDSA the argument is that both compute the same predicate exactly:
//! - the key is decoded by the curve crate with full SEC 1 checks
//!   (coordinates below p, on the curve), as aws-lc-rs does; an invalid key
//!   gets no [`FastKey`] at all;
//! - the signature must be exactly r | s of the curve's size, with r and s
//!   canonical integers in [1, n−1] (no reduction of out-of-range values);
//! - e is the full digest (SHA-256 / SHA-384, as long as n) reduced mod n,
//!   u1 = e·s⁻¹ and u2 = r·s⁻¹ in exact modular arithmetic;
//! - R = u1·G + u2·Q is computed exactly: the signed-digit tables hold
//!   exact multiples, u1·G and u2·Q are summed in separate accumulators and
//!   then added, and the affine chord formula is exact whenever the two x
//!   coordinates differ. Equal x coordinates (doubling, adding a negative,
//!   reaching infinity) are detected before the addition (canonical x
//!   compared, or a zero denominator in the final addition) and the
//!   signature is not accepted. R is never the point at infinity for an
//!   accepted signature. The AVX-512 IFMA kernel computes the same sums
//!   exactly, with canonical results ([`p256ifma`]: the bounds argument;
//!   tested bit for bit against the portable path);
//! - x(R) is reduced mod n (x(R) < p < 2n) and compared with r, which also
//!   covers the x(R) ≥ n case exactly as SEC 1 §4.1.4 step 7 says.
//!
//! Every step either matches the specification exactly or refuses. Ed25519
//! batches are exact only for signatures without an 8-torsion component in
//! R, which no honest signer produces; the [`ed25519`] doc says what is and
//! is not checked. As a canary the verifier re-checks a sample of accepted
//! signatures with aws-lc-rs (`verify::FastPathOptions`).
//!
//! # Usage
//! Build a [`FastKey`] once per DNSKEY ([`FastKey::new`] is None for
//! algorithms without a fast path and for keys the fast path refuses), then
//! call [`FastKey::verify_batch`] with (signed data, signature) pairs.
//!
//! # Limitations
//! RSA has no fast path (aws-lc-rs RSA verification is already cheap).
//! Building a P-256 table takes about 60 ms; it pays off from several
//! thousand signatures on.

pub(crate) mod ecdsa;
pub(crate) mod ed25519;
pub(crate) mod p256field;
pub(crate) mod p256ifma;

#[cfg(test)]
mod p256field_tests;
#[cfg(test)]
mod p256ifma_tests;
#[cfg(test)]
mod tests;

use std::fmt;

use ecdsa::{EcdsaKey, P256, P384};
use ed25519::Ed25519Key;

pub use ecdsa::{DEFAULT_WINDOW, P384_WINDOW};

/// Signatures per ECDSA batch (one field inversion per window for all).
pub const BATCH: usize = 1024;
/// Signatures per Ed25519 batch (one multiscalar multiplication).
pub const ED25519_BATCH: usize = 1024;

/// Which fast path a key takes; also the key of the per-path counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FastPath {
    /// Batched fixed-base ECDSA P-256 (algorithm 13).
    P256,
    /// Batched fixed-base ECDSA P-384 (algorithm 14).
    P384,
    /// ed25519-dalek batch verification (algorithm 15).
    Ed25519Batch,
}

enum Inner {
    P256(EcdsaKey<P256>),
    P384(EcdsaKey<P384>),
    Ed25519(Ed25519Key),
}

/// A DNSKEY public key with its precomputation, for batches.
pub struct FastKey {
    inner: Inner,
}

impl fmt::Debug for FastKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FastKey").field("path", &self.path()).finish_non_exhaustive()
    }
}

impl FastKey {
    /// Prepares `public_key` (the DNSKEY public key field) for `algorithm`
    /// with the default window. None when there is no fast path for the
    /// algorithm or the key does not qualify; use aws-lc-rs then.
    pub fn new(algorithm: u8, public_key: &[u8]) -> Option<FastKey> {
        let window = if algorithm == 14 { P384_WINDOW } else { DEFAULT_WINDOW };
        FastKey::with_window(algorithm, public_key, window)
    }

    /// As [`FastKey::new`] with an ECDSA window of `window` bits (4..=14;
    /// for tuning). Ed25519 ignores it.
    pub fn with_window(algorithm: u8, public_key: &[u8], window: usize) -> Option<FastKey> {
        let inner = match algorithm {
            13 => Inner::P256(EcdsaKey::new(public_key, window)?),
            14 => Inner::P384(EcdsaKey::new(public_key, window)?),
            15 => Inner::Ed25519(Ed25519Key::new(public_key)?),
            _ => return None,
        };
        Some(FastKey { inner })
    }

    pub fn path(&self) -> FastPath {
        match self.inner {
            Inner::P256(_) => FastPath::P256,
            Inner::P384(_) => FastPath::P384,
            Inner::Ed25519(_) => FastPath::Ed25519Batch,
        }
    }

    /// Bytes of precomputed table owned by this key (the shared generator
    /// table not counted).
    pub fn table_memory(&self) -> usize {
        match &self.inner {
            Inner::P256(k) => k.table_memory(),
            Inner::P384(k) => k.table_memory(),
            Inner::Ed25519(_) => 0,
        }
    }

    /// Verifies (signed data, signature) pairs in batches of [`BATCH`]
    /// (Ed25519: [`ED25519_BATCH`]). `true`: valid. `false`: not accepted by
    /// the fast path; re-verify with aws-lc-rs before calling it invalid.
    pub fn verify_batch(&self, items: &[(&[u8], &[u8])]) -> Vec<bool> {
        let batch = if self.path() == FastPath::Ed25519Batch { ED25519_BATCH } else { BATCH };
        self.verify_batch_sized(items, batch)
    }

    /// As [`FastKey::verify_batch`] with another batch size (for tuning).
    pub fn verify_batch_sized(&self, items: &[(&[u8], &[u8])], batch: usize) -> Vec<bool> {
        let batch = batch.max(1);
        let even = even_batch(items.len(), batch);
        match &self.inner {
            Inner::P256(k) => items.chunks(even).flat_map(|c| k.verify_batch(c)).collect(),
            Inner::P384(k) => items.chunks(even).flat_map(|c| k.verify_batch(c)).collect(),
            Inner::Ed25519(k) => k.verify_batch(items, batch),
        }
    }
}

/// The ECDSA batch size for `len` items when about `batch` is best: the
/// items split into batches of equal size (2,200 items at 1,024 are two of
/// 1,100, not 1,024 + 1,024 + 152), as each batch pays one field inversion
/// per window and a short tail batch amortises it badly.
fn even_batch(len: usize, batch: usize) -> usize {
    let count = ((len + batch / 2) / batch).max(1);
    len.div_ceil(count).max(1)
}

/// Fuzzing entry point: compares the fast path with aws-lc-rs on one
/// (key choice, data, signature) input and panics on a fast accept that
/// aws-lc-rs rejects. Hidden: for `fuzz/fuzz_targets/fast_verify.rs`.
#[doc(hidden)]
pub fn fuzz_compare(input: &[u8]) {
    use std::sync::OnceLock;
    // Keys, reference signatures and their fast keys (tables) are built
    // once per process: a P-256 table takes tens of milliseconds, which
    // would otherwise dominate every input.
    static KEYS: OnceLock<Vec<(FuzzKey, Option<FastKey>)>> = OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        fuzz_keys()
            .into_iter()
            .map(|k| {
                let fast = FastKey::new(k.0, &k.1);
                (k, fast)
            })
            .collect()
    });
    let Some((&choice, rest)) = input.split_first() else { return };
    let ((algorithm, key, valid), fast) = &keys[choice as usize % keys.len()];
    let sig_len = valid.len();
    // The signature is either fuzzed outright, or the valid one with
    // fuzzed bytes XORed in, so valid signatures are reachable.
    let (signature, data): (Vec<u8>, &[u8]) = if rest.first().is_some_and(|b| b & 1 == 1) {
        let rest = &rest[1..];
        let n = rest.len().min(sig_len);
        let mut s = valid.clone();
        for (a, b) in s.iter_mut().zip(&rest[..n]) {
            *a ^= b;
        }
        (s, b"fuzz")
    } else {
        let rest = rest.get(1..).unwrap_or(&[]);
        let n = rest.len().min(sig_len);
        (rest[..n].to_vec(), &rest[n..])
    };
    let reference = super::crypto::PreparedKey::new(*algorithm, key)
        .map(|k| k.verify(data, &signature).is_ok())
        .unwrap_or(false);
    if let Some(fast) = fast {
        let got = fast.verify_batch(&[(data, &signature), (b"fuzz", valid)]);
        assert!(!got[0] || reference, "fast path accepted what aws-lc-rs rejects");
        assert_eq!(got[0], reference, "fast path and aws-lc-rs disagree");
        assert!(got[1], "the reference signature must verify");
    }
}

/// (algorithm, public key, a valid signature over b"fuzz").
type FuzzKey = (u8, Vec<u8>, Vec<u8>);

/// ECDSA signing (FIPS 186-5 §6.4.1: r = x(kG) mod n, s = k^-1 (e + r d)
/// mod n, e the digest's leftmost bits) with a chosen private key `d` and
/// nonce `k`, on the `p256` and `p384` crates' arithmetic, as r || s; `None`
/// where r or s is zero. For the fuzz keys and the tests' constructed
/// cases: aws-lc-rs draws the nonce at random.
macro_rules! sign_with_nonce {
    ($name:ident, $curve:ident, $uint:ty, $digest:expr) => {
        pub(super) fn $name(d: $curve::Scalar, k: $curve::Scalar, data: &[u8]) -> Option<Vec<u8>> {
            use $curve::elliptic_curve::{
                ff::{Field, PrimeField},
                ops::Reduce,
                point::AffineCoordinates,
            };
            use $curve::{FieldBytes, ProjectivePoint, Scalar};
            let r = <Scalar as Reduce<$uint>>::reduce_bytes(
                &(ProjectivePoint::GENERATOR * k).to_affine().x(),
            );
            let digest = aws_lc_rs::digest::digest($digest, data);
            let mut e = FieldBytes::default();
            e.copy_from_slice(digest.as_ref());
            let e = <Scalar as Reduce<$uint>>::reduce_bytes(&e);
            let s = Option::<Scalar>::from(k.invert())? * (e + r * d);
            if bool::from(Field::is_zero(&r)) || bool::from(Field::is_zero(&s)) {
                return None;
            }
            Some([r.to_repr().to_vec(), s.to_repr().to_vec()].concat())
        }
    };
}
sign_with_nonce!(sign_with_nonce_p256, p256, p256::U256, &aws_lc_rs::digest::SHA256);
sign_with_nonce!(sign_with_nonce_p384, p384, p384::U384, &aws_lc_rs::digest::SHA384);

/// The fuzz target's keys and reference signatures, the same in every
/// process, so that an input the fuzzer saves (a crash, the corpus) means
/// the same after a restart: ECDSA with a fixed private key and a fixed
/// nonce ([`sign_with_nonce_p256`]), Ed25519 from a fixed seed (RFC 8032
/// signing is deterministic).
fn fuzz_keys() -> Vec<FuzzKey> {
    use aws_lc_rs::digest::{digest, SHA384};
    use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
    // Fixed secrets, spread over the whole scalar range.
    let secret = |what: &str| digest(&SHA384, what.as_bytes());
    macro_rules! fixed_ecdsa {
        ($curve:ident, $uint:ty, $sign:ident, $algorithm:expr) => {{
            use $curve::elliptic_curve::{ops::Reduce, sec1::ToEncodedPoint};
            use $curve::{FieldBytes, ProjectivePoint, Scalar};
            let scalar = |what: &str| {
                let mut field = FieldBytes::default();
                let n = field.len();
                field.copy_from_slice(&secret(what).as_ref()[..n]);
                <Scalar as Reduce<$uint>>::reduce_bytes(&field)
            };
            let d = scalar(concat!(stringify!($curve), " private key"));
            let public = (ProjectivePoint::GENERATOR * d).to_affine().to_encoded_point(false);
            // Neither r nor s is zero for these two fixed secrets.
            #[allow(clippy::expect_used)]
            let signature = $sign(d, scalar(concat!(stringify!($curve), " nonce")), b"fuzz")
                .expect("a valid signature");
            ($algorithm, public.as_bytes()[1..].to_vec(), signature)
        }};
    }
    let seed = secret("Ed25519 seed");
    // A 32-octet seed is all that RFC 8032 §5.1.5 asks for.
    #[allow(clippy::expect_used)]
    let pair = Ed25519KeyPair::from_seed_unchecked(&seed.as_ref()[..32]).expect("a 32-octet seed");
    vec![
        fixed_ecdsa!(p256, p256::U256, sign_with_nonce_p256, 13),
        fixed_ecdsa!(p384, p384::U384, sign_with_nonce_p384, 14),
        (15, pair.public_key().as_ref().to_vec(), pair.sign(b"fuzz").as_ref().to_vec()),
    ]
}
