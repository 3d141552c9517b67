//! Signature verification: the fast paths against aws-lc-rs, single thread,
//! in the same run (`cargo bench --bench verify`).
//!
//! Groups: `p256` (fast batch vs aws-lc-rs), `p256_window` and
//! `p256_batch` (tuning), `p384`, `ed25519` (merged-key batch vs
//! aws-lc-rs). `VERIFY_MIN=reps` and `VERIFY_TUNE=reps` replace criterion
//! with minimum-of-runs timings (see [`min_times`], [`tune`]).

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    EcdsaKeyPair, Ed25519KeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING,
    ECDSA_P384_SHA384_FIXED_SIGNING,
};
use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use zonesign::verify::crypto::PreparedKey;
use zonesign::verify::fast::FastKey;

/// Signed data of DS-RRset size (about 100 octets), varied per signature.
fn messages(n: usize) -> Vec<Vec<u8>> {
    (0..n).map(|i| format!("{i:08} signed data of a DS RRset at a delegation, about a hundred octets long......").into_bytes()).collect()
}

/// An Ed25519 key and `n` messages signed with it: (public key, messages,
/// signatures), as [`ecdsa_set`] for ECDSA.
fn ed25519_set(n: usize) -> (Vec<u8>, Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let pair = Ed25519KeyPair::generate().unwrap();
    let data = messages(n);
    let sigs = data.iter().map(|d| pair.sign(d).as_ref().to_vec()).collect();
    (pair.public_key().as_ref().to_vec(), data, sigs)
}

fn ecdsa_set(alg: u8, n: usize) -> (Vec<u8>, Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let signing =
        if alg == 13 { &ECDSA_P256_SHA256_FIXED_SIGNING } else { &ECDSA_P384_SHA384_FIXED_SIGNING };
    let rng = SystemRandom::new();
    let pair = EcdsaKeyPair::generate(signing).unwrap();
    let data = messages(n);
    let sigs = data.iter().map(|d| pair.sign(&rng, d).unwrap().as_ref().to_vec()).collect();
    (pair.public_key().as_ref()[1..].to_vec(), data, sigs)
}

fn bench_ecdsa(c: &mut Criterion, alg: u8, name: &str) {
    const N: usize = 1024;
    let (key, data, sigs) = ecdsa_set(alg, N);
    let items: Vec<(&[u8], &[u8])> =
        data.iter().zip(&sigs).map(|(d, s)| (d.as_slice(), s.as_slice())).collect();
    let reference = PreparedKey::new(alg, &key).unwrap();
    let fast = FastKey::new(alg, &key).unwrap();
    assert!(fast.verify_batch(&items).iter().all(|&ok| ok));
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Elements(N as u64));
    g.sample_size(10);
    g.bench_function("aws_lc_rs", |b| {
        b.iter(|| items.iter().filter(|(d, s)| reference.verify(d, s).is_ok()).count())
    });
    g.bench_function("fast_batch", |b| b.iter(|| fast.verify_batch(&items)));
    g.finish();
}

fn p256(c: &mut Criterion) {
    bench_ecdsa(c, 13, "p256");
}

fn p384(c: &mut Criterion) {
    bench_ecdsa(c, 14, "p384");
}

/// Window and batch size tuning for P-256.
fn p256_tuning(c: &mut Criterion) {
    const N: usize = 1024;
    let (key, data, sigs) = ecdsa_set(13, N);
    let items: Vec<(&[u8], &[u8])> =
        data.iter().zip(&sigs).map(|(d, s)| (d.as_slice(), s.as_slice())).collect();
    let mut g = c.benchmark_group("p256_window");
    g.throughput(Throughput::Elements(N as u64));
    g.sample_size(10);
    for window in [12, 13, 14] {
        let fast = FastKey::with_window(13, &key, window).unwrap();
        g.bench_with_input(BenchmarkId::from_parameter(window), &window, |b, _| {
            b.iter(|| fast.verify_batch(&items))
        });
    }
    g.finish();
    let fast = FastKey::new(13, &key).unwrap();
    let mut g = c.benchmark_group("p256_batch");
    g.throughput(Throughput::Elements(N as u64));
    g.sample_size(10);
    for batch in [128, 256, 512, 1024] {
        g.bench_with_input(BenchmarkId::from_parameter(batch), &batch, |b, &batch| {
            b.iter(|| fast.verify_batch_sized(&items, batch))
        });
    }
    g.finish();
    let mut g = c.benchmark_group("p256_table");
    g.sample_size(10);
    g.bench_function("build_default", |b| b.iter(|| FastKey::new(13, &key).unwrap()));
    g.finish();
}

fn ed25519(c: &mut Criterion) {
    const N: usize = 1024;
    let (key, data, sigs) = ed25519_set(N);
    let items: Vec<(&[u8], &[u8])> =
        data.iter().zip(&sigs).map(|(d, s)| (d.as_slice(), s.as_slice())).collect();
    let reference = PreparedKey::new(15, &key).unwrap();
    let fast = FastKey::new(15, &key).unwrap();
    assert!(fast.verify_batch(&items).iter().all(|&ok| ok));
    let mut g = c.benchmark_group("ed25519");
    g.throughput(Throughput::Elements(N as u64));
    g.sample_size(10);
    g.bench_function("aws_lc_rs", |b| {
        b.iter(|| items.iter().filter(|(d, s)| reference.verify(d, s).is_ok()).count())
    });
    for batch in [256, 1024] {
        g.bench_with_input(BenchmarkId::new("batch", batch), &batch, |b, &batch| {
            b.iter(|| fast.verify_batch_sized(&items, batch))
        });
    }
    g.finish();
}

criterion_group!(benches, p256, p384, ed25519, p256_tuning);

/// The fastest of `reps` runs of `f`, divided by the `n` signatures a run
/// verifies.
fn min_per_signature(reps: usize, n: usize, f: &mut dyn FnMut()) -> std::time::Duration {
    (0..reps)
        .map(|_| {
            let t = std::time::Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
        / n as u32
}

/// `VERIFY_MIN=reps cargo bench --bench verify`: instead of criterion, the
/// minimum over `reps` runs of 1024 signatures, per signature, for each
/// verifier in turn. On a shared machine the minimum is the least
/// disturbed run, which the mean of a criterion sample is not.
fn min_times(reps: usize) {
    use std::time::Instant;
    const N: usize = 1024;
    let min_of = |f: &mut dyn FnMut()| min_per_signature(reps, N, f);
    for alg in [13u8, 14] {
        let (key, data, sigs) = ecdsa_set(alg, N);
        let items: Vec<(&[u8], &[u8])> =
            data.iter().zip(&sigs).map(|(d, s)| (d.as_slice(), s.as_slice())).collect();
        let reference = PreparedKey::new(alg, &key).unwrap();
        let t = Instant::now();
        let fast = FastKey::new(alg, &key).unwrap();
        let first = t.elapsed();
        let t = Instant::now();
        let _again = FastKey::new(alg, &key).unwrap();
        println!(
            "alg {alg}: first key {first:?} (with the shared G table), next key {:?}, {} KiB",
            t.elapsed(),
            fast.table_memory() / 1024
        );
        let aws = min_of(&mut || {
            assert_eq!(items.iter().filter(|(d, s)| reference.verify(d, s).is_ok()).count(), N)
        });
        let f = min_of(&mut || assert!(fast.verify_batch(&items).iter().all(|&ok| ok)));
        println!("alg {alg}: aws-lc-rs {aws:?}/sig, fast {f:?}/sig, {:.2}x", ratio(aws, f));
    }
    let (key, data, sigs) = ed25519_set(N);
    let items: Vec<(&[u8], &[u8])> =
        data.iter().zip(&sigs).map(|(d, s)| (d.as_slice(), s.as_slice())).collect();
    let reference = PreparedKey::new(15, &key).unwrap();
    let fast = FastKey::new(15, &key).unwrap();
    let aws = min_of(&mut || {
        assert_eq!(items.iter().filter(|(d, s)| reference.verify(d, s).is_ok()).count(), N)
    });
    let f = min_of(&mut || assert!(fast.verify_batch(&items).iter().all(|&ok| ok)));
    println!("alg 15: aws-lc-rs {aws:?}/sig, batch {f:?}/sig, {:.2}x", ratio(aws, f));
}

/// `VERIFY_TUNE=reps`: P-256 window and batch size, and the Ed25519 batch
/// size, as minimum over `reps` runs of 4096 signatures.
fn tune(reps: usize) {
    const N: usize = 4096;
    let min_of = |f: &mut dyn FnMut()| min_per_signature(reps, N, f);
    let (key, data, sigs) = ecdsa_set(13, N);
    let items: Vec<(&[u8], &[u8])> =
        data.iter().zip(&sigs).map(|(d, s)| (d.as_slice(), s.as_slice())).collect();
    for window in [12, 13, 14] {
        let fast = FastKey::with_window(13, &key, window).unwrap();
        for batch in [512, 1024, 2048] {
            let t = min_of(&mut || {
                assert!(fast.verify_batch_sized(&items, batch).iter().all(|&ok| ok))
            });
            println!("p256 window {window} batch {batch}: {t:?}/sig");
        }
    }
    let (key, data, sigs) = ed25519_set(N);
    let items: Vec<(&[u8], &[u8])> =
        data.iter().zip(&sigs).map(|(d, s)| (d.as_slice(), s.as_slice())).collect();
    let fast = FastKey::new(15, &key).unwrap();
    for batch in [64, 128, 256, 512, 1024] {
        let t =
            min_of(&mut || assert!(fast.verify_batch_sized(&items, batch).iter().all(|&ok| ok)));
        println!("ed25519 batch {batch}: {t:?}/sig");
    }
}

fn ratio(a: std::time::Duration, b: std::time::Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

fn main() {
    if let Some(reps) = std::env::var("VERIFY_MIN").ok().and_then(|v| v.parse().ok()) {
        min_times(reps);
        return;
    }
    if let Some(reps) = std::env::var("VERIFY_TUNE").ok().and_then(|v| v.parse().ok()) {
        tune(reps);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
