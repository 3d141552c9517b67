//! Shared helpers for the stage benches: a seeded TLD-shaped zone from the
//! generator in `tools/genzone`, loaded, built, and (for sign and emit)
//! signed with fresh keys.
//!
//! Included with `mod common;` (`benches/common/mod.rs`, so Cargo does not take it for a bench target) by each bench file; not
//! every bench uses every helper.
#![allow(dead_code)]

use std::path::Path;

pub mod bound;

use zonesign::load::{load_bytes, LoadOptions};
use zonesign::sign::keys::{generate, Algorithm, FLAGS_KSK, FLAGS_ZSK};
use zonesign::sign::{DenialMode, KeyRole, SignOptions, ZoneKey};
use zonesign::zone::name::Name;
use zonesign::zone::Zone;

/// The binary's allocator (`src/main.rs`), so that the stages are measured
/// as `zonesign` runs them: under glibc's malloc a fifth of the load bench
/// was `malloc`, `free` and `malloc_consolidate`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../../tools/genzone/gen.rs"]
pub mod gen;

/// Fixed validity so that runs are comparable: 2026-01-01 to 2026-02-01 UTC.
pub const INCEPTION: i64 = 1_767_225_600;
pub const EXPIRATION: i64 = 1_769_904_000;

pub fn origin() -> Name {
    Name::parse(b"tld.", &Name::root()).expect("tld. is a valid name")
}

/// The text of a seeded TLD-shaped zone with `delegations` delegations
/// (10 % DS, 5 % glue, 3 % IDN: the generator's defaults).
pub fn zone_text(delegations: u64, seed: u64) -> Vec<u8> {
    let config = gen::Config { delegations, seed, ..gen::Config::default() };
    let mut out = Vec::with_capacity(delegations as usize * 80);
    gen::write_zone(&config, &mut out).expect("writing to a Vec cannot fail");
    out
}

/// Loads and builds a zone from text.
pub fn build(text: &[u8]) -> Zone {
    let origin = origin();
    let loaded = load_bytes(text, Path::new("bench.zone"), &LoadOptions::new(origin.clone()))
        .expect("the generated zone loads");
    Zone::build(loaded, &origin).expect("the generated zone builds")
}

/// A KSK and a ZSK of `algorithm` as zone keys (RSA: 2048 bits).
pub fn key_pair(algorithm: Algorithm) -> Vec<ZoneKey> {
    let origin = origin();
    [(FLAGS_KSK, KeyRole::Ksk), (FLAGS_ZSK, KeyRole::Zsk)]
        .into_iter()
        .map(|(flags, role)| {
            let k = generate(algorithm, &origin, flags, None).expect("key generation");
            ZoneKey {
                role,
                algorithm: k.algorithm().number(),
                key_tag: k.key_tag(),
                dnskey: k.dnskey_rdata().into(),
                source: k.name().to_string(),
                signer: std::sync::Arc::new(k),
            }
        })
        .collect()
}

pub fn sign_options(denial: DenialMode) -> SignOptions {
    SignOptions {
        cds_withheld: Vec::new(),
        cds_published: Vec::new(),
        inception: INCEPTION,
        expiration: EXPIRATION,
        jitter: 0,
        denial,
        dnskey_ttl: None,
        key_file_ttl: None,
        cds: false,
        cds_digests: Vec::new(),
        publish: Vec::new(),
        zonemd: None,
        hash_backend: zonesign::denial::hash::Backend::detect(),
        progress: None,
    }
}

/// A one-thread rayon pool, so that per-core numbers compare with the
/// single-threaded baselines in the same group.
pub fn one_thread() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("a one-thread pool")
}
