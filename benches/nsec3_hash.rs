//! NSEC3 hashing throughput (RFC 5155 §5): every backend this CPU has, on
//! the same batch of TLD-shaped owner names, with the scalar baseline in the
//! same group, plus `shani-single-stream`: SHA-NI one name per call
//! ([`hash::nsec3_hash`], one stream, nothing interleaved), the baseline the
//! multi-buffer kernels are judged against. Like any caller hashing names one
//! at a time, it pays per name for what a batch does once (the iteration
//! template, the argument checks). Run with
//! `cargo bench --bench nsec3_hash -- --warm-up-time 1 --measurement-time 3`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use zonesign::denial::hash::{self, nsec3_hash_batch, Backend, DIGEST_LEN};

/// Names per batch: a slice of a TLD's NSEC3 chain.
const BATCH: usize = 4096;

/// Deterministic TLD-shaped owner names `<label>.de.` in wire form: one label
/// of 5..=25 lowercase letters and digits, 10..=30 octets in all.
fn tld_names(count: usize, seed: u64) -> Vec<Vec<u8>> {
    let mut state = seed;
    let mut next = move || {
        // SplitMix64: seeded, reproducible, no dependency.
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..count)
        .map(|_| {
            let len = 5 + (next() % 21) as usize;
            let mut name = vec![len as u8];
            name.extend((0..len).map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize]));
            name.extend_from_slice(b"\x02de\x00");
            name
        })
        .collect()
}

fn nsec3_hash(c: &mut Criterion) {
    eprintln!("{}", Backend::detection());
    let owned = tld_names(BATCH, 5155);
    let names: Vec<&[u8]> = owned.iter().map(Vec::as_slice).collect();
    let salt = [0xaa, 0xbb, 0xcc, 0xdd, 0x01, 0x02, 0x03, 0x04];
    let mut out = vec![[0u8; DIGEST_LEN]; BATCH];
    for iterations in [0u16, 10] {
        let mut group = c.benchmark_group(format!("nsec3_hash/iterations={iterations}"));
        group.throughput(Throughput::Elements(BATCH as u64));
        for backend in Backend::ALL {
            if !backend.is_available() {
                eprintln!("nsec3_hash: backend {backend} SKIPPED: not available on this CPU");
                continue;
            }
            group.bench_function(BenchmarkId::from_parameter(backend.name()), |b| {
                b.iter(|| nsec3_hash_batch(backend, &names, &salt, iterations, &mut out))
            });
        }
        if Backend::ShaNi.is_available() {
            group.bench_function(BenchmarkId::from_parameter("shani-single-stream"), |b| {
                b.iter(|| {
                    for (name, slot) in names.iter().zip(out.iter_mut()) {
                        *slot = hash::nsec3_hash(Backend::ShaNi, name, &salt, iterations);
                    }
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, nsec3_hash);
criterion_main!(benches);
