//! Load stage: lexing and parsing a TLD-shaped zone (`load_bytes`), and
//! building the zone from the parsed records (`Zone::build`: classification
//! of apex, cuts, glue and ENTs, and the canonical sort).
//!
//! Two groups over the same zone (100k delegations from the seeded
//! generator): `load/bytes` reports MB/s of zone text, `load/records`
//! records per second. In each, `parse` is the lexer and parser alone,
//! `build` is `Zone::build` alone (its input parsed outside the timing), and
//! `parse+build` is the whole stage as `zonesign sign` runs it. The baseline
//! in the same group is a plain line count of the text (`memchr`-free
//! `split`), the floor that any text loader pays to touch every byte, and
//! `bound_plain_loader` ([`common::bound`]): the least work any loader of
//! this text must do (fields, names to wire form, RDATA, canonical sort of
//! the owners), written plainly with no checks, no positions and no nodes,
//! the upper bound of what a loader of that design reaches.
//!
//! `ZONESIGN_BENCH_DELEGATIONS=N` changes the zone size.

use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use zonesign::load::{load_bytes, LoadOptions};
use zonesign::zone::Zone;

mod common;

fn delegations() -> u64 {
    std::env::var("ZONESIGN_BENCH_DELEGATIONS").ok().and_then(|s| s.parse().ok()).unwrap_or(100_000)
}

fn bench_load(c: &mut Criterion) {
    let text = common::zone_text(delegations(), 1);
    let origin = common::origin();
    let opts = LoadOptions::new(origin.clone());
    let records = load_bytes(&text, Path::new("bench.zone"), &opts)
        .expect("the generated zone loads")
        .records
        .len() as u64;
    let path = Path::new("bench.zone");
    let bound =
        common::bound::load(&text, origin.as_wire()).expect("the generated zone is in the subset");
    assert_eq!(bound as u64, records, "the bound reads every record");

    for (group_name, throughput) in [
        ("load/bytes", Throughput::Bytes(text.len() as u64)),
        ("load/records", Throughput::Elements(records)),
    ] {
        let mut g = c.benchmark_group(group_name);
        g.sample_size(10).measurement_time(Duration::from_secs(5)).throughput(throughput);
        g.bench_function("baseline_count_lines", |b| {
            b.iter(|| std::hint::black_box(&text).split(|&c| c == b'\n').count())
        });
        g.bench_function("bound_plain_loader", |b| {
            b.iter(|| common::bound::load(std::hint::black_box(&text), origin.as_wire()))
        });
        g.bench_function("parse", |b| {
            b.iter(|| load_bytes(std::hint::black_box(&text), path, &opts).expect("loads"))
        });
        g.bench_function("build", |b| {
            b.iter_batched(
                || load_bytes(&text, path, &opts).expect("loads"),
                |loaded| Zone::build(loaded, &origin).expect("builds"),
                BatchSize::PerIteration,
            )
        });
        g.bench_function("parse+build", |b| {
            b.iter(|| {
                let loaded = load_bytes(std::hint::black_box(&text), path, &opts).expect("loads");
                Zone::build(loaded, &origin).expect("builds")
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench_load);
criterion_main!(benches);
