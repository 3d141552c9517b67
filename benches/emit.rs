//! Emit stage: `write_zone`, the zone text writer, on a signed TLD-shaped
//! zone (20,000 delegations, ECDSA P-256, NSEC3 without opt-out, signed once
//! outside the timing).
//!
//! Groups: `emit/bytes` (MB/s of output text) and `emit/records` (records per
//! second). Each holds `write_zone` into a reused `Vec` (memory only, no
//! file system), and the baseline: copying the same number of bytes of
//! already formatted text into a `Vec` through the same 1 MiB `BufWriter`,
//! the floor for any writer.
//!
//! `ZONESIGN_BENCH_EMIT_DELEGATIONS=N` changes the zone size.

use std::io::Write;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use zonesign::denial::nsec3::{Nsec3Params, OptOut};
use zonesign::emit::write_zone;
use zonesign::sign::keys::Algorithm;
use zonesign::sign::{prepare, sign_zone, DenialMode};

mod common;

fn delegations() -> u64 {
    std::env::var("ZONESIGN_BENCH_EMIT_DELEGATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000)
}

fn bench_emit(c: &mut Criterion) {
    let text = common::zone_text(delegations(), 1);
    let mut zone = common::build(&text);
    let keys = common::key_pair(Algorithm::EcdsaP256Sha256);
    let opts = common::sign_options(DenialMode::Nsec3(Nsec3Params {
        iterations: 0,
        salt: Vec::new(),
        opt_out: OptOut::Disabled,
    }));
    prepare(&mut zone, &keys, &opts).expect("prepares");
    sign_zone(&mut zone, &keys, &opts).expect("signs");
    let records: usize = zone.nodes.iter().flat_map(|n| &n.rrsets).map(|r| r.rdatas.len()).sum();
    let output = write_zone(&zone, Vec::new()).expect("writes to memory");
    let bytes = output.len();

    for (group_name, throughput) in [
        ("emit/bytes", Throughput::Bytes(bytes as u64)),
        ("emit/records", Throughput::Elements(records as u64)),
    ] {
        let mut g = c.benchmark_group(group_name);
        g.sample_size(10).measurement_time(Duration::from_secs(4)).throughput(throughput);
        g.bench_function("write_zone", |b| {
            let mut buf = Vec::with_capacity(bytes + (1 << 20));
            b.iter(|| {
                buf.clear();
                buf = write_zone(std::hint::black_box(&zone), std::mem::take(&mut buf))
                    .expect("writes to memory");
                buf.len()
            })
        });
        g.bench_function("baseline_copy_text", |b| {
            let mut buf = Vec::with_capacity(bytes + (1 << 20));
            b.iter(|| {
                buf.clear();
                let mut w = std::io::BufWriter::with_capacity(1 << 20, std::mem::take(&mut buf));
                for line in std::hint::black_box(&output).split_inclusive(|&c| c == b'\n') {
                    w.write_all(line).expect("writes to memory");
                }
                buf = w.into_inner().expect("flushes to memory");
                buf.len()
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench_emit);
criterion_main!(benches);
