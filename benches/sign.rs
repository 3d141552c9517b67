//! Sign stage: RRSIG construction and signing, per algorithm (8 RSASHA256
//! 2048-bit, 13 ECDSAP256SHA256, 14 ECDSAP384SHA384, 15 ED25519).
//!
//! Per algorithm two groups:
//!
//! * `sign/one/ALG`, one element = one signature over the signed data of a
//!   delegation's DS RRset (about 100 octets, the typical TLD case):
//!   `signed_data` builds the data alone; `zonesign_sign` signs it through
//!   the zone key (`RawSigner::sign`, what the pipeline calls);
//!   `signed_data+sign` does both; `baseline_aws_lc_rs_sign` is the raw
//!   aws-lc-rs call on the same bytes with a key made by aws-lc-rs directly.
//! * `sign/zone/ALG`, elements = signatures made: `sign_zone` over a small
//!   generated zone (2,000 delegations, NSEC3 without opt-out) that was
//!   prepared (DNSKEY and NSEC3 chain) outside the timing, on a one-thread
//!   pool; `baseline_aws_lc_rs_sign` signs the signed data of every RRset that
//!   `sign_zone` signs with raw aws-lc-rs, once each, on the same thread.
//!   The gap between the two is the pipeline's own overhead per signature.
//!
//! `ZONESIGN_BENCH_SIGN_DELEGATIONS=N` changes the zone size.

use std::time::Duration;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{
    EcdsaKeyPair, Ed25519KeyPair, RsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING,
    ECDSA_P384_SHA384_FIXED_SIGNING, RSA_PKCS1_SHA256,
};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use zonesign::denial::nsec3::{Nsec3Params, OptOut};
use zonesign::sign::keys::Algorithm;
use zonesign::sign::rrsig::{labels_field, signed_data, RrsigFields};
use zonesign::sign::validity::wire_time;
use zonesign::sign::{prepare, sign_zone, DenialMode, KeyRole, ZoneKey};
use zonesign::zone::rtype::Rtype;
use zonesign::zone::Zone;

mod common;

fn zone_delegations() -> u64 {
    std::env::var("ZONESIGN_BENCH_SIGN_DELEGATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2_000)
}

/// A key made by aws-lc-rs directly: the baseline signer.
enum RawKey {
    Rsa(RsaKeyPair),
    Ecdsa(EcdsaKeyPair),
    Ed25519(Ed25519KeyPair),
}

impl RawKey {
    fn generate(algorithm: Algorithm) -> RawKey {
        match algorithm {
            Algorithm::RsaSha256 | Algorithm::RsaSha512 => {
                RawKey::Rsa(RsaKeyPair::generate(KeySize::Rsa2048).expect("RSA key"))
            }
            Algorithm::EcdsaP256Sha256 => RawKey::Ecdsa(
                EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).expect("P-256 key"),
            ),
            Algorithm::EcdsaP384Sha384 => RawKey::Ecdsa(
                EcdsaKeyPair::generate(&ECDSA_P384_SHA384_FIXED_SIGNING).expect("P-384 key"),
            ),
            Algorithm::Ed25519 => RawKey::Ed25519(Ed25519KeyPair::generate().expect("Ed25519 key")),
        }
    }

    fn sign(&self, rng: &SystemRandom, data: &[u8], out: &mut Vec<u8>) {
        match self {
            RawKey::Rsa(k) => {
                out.resize(k.public_modulus_len(), 0);
                k.sign(&RSA_PKCS1_SHA256, rng, data, out).expect("RSA sign");
            }
            RawKey::Ecdsa(k) => {
                let s = k.sign(rng, data).expect("ECDSA sign");
                out.clear();
                out.extend_from_slice(s.as_ref());
            }
            RawKey::Ed25519(k) => {
                let s = k.sign(data);
                out.clear();
                out.extend_from_slice(s.as_ref());
            }
        }
    }
}

/// The signed data of every RRset that `sign_zone` will sign in a prepared
/// zone: DNSKEY with the KSK, everything else with the ZSK.
fn all_signed_data(zone: &Zone, keys: &[ZoneKey]) -> Vec<Vec<u8>> {
    let ksk = keys.iter().find(|k| k.role == KeyRole::Ksk).expect("a KSK");
    let zsk = keys.iter().find(|k| k.role == KeyRole::Zsk).expect("a ZSK");
    let mut out = Vec::new();
    for node in &zone.nodes {
        for rrset in &node.rrsets {
            if !node.is_signed_rrset(rrset.rtype) {
                continue;
            }
            let key = if rrset.rtype == Rtype::DNSKEY { ksk } else { zsk };
            let f = RrsigFields {
                type_covered: rrset.rtype,
                algorithm: key.algorithm,
                labels: labels_field(&node.name),
                original_ttl: rrset.ttl,
                expiration: wire_time(common::EXPIRATION),
                inception: wire_time(common::INCEPTION),
                key_tag: key.key_tag,
                signer: &zone.origin,
            };
            let mut data = Vec::new();
            signed_data(&f, &node.name, zone.class, rrset, &mut data);
            out.push(data);
        }
    }
    out
}

fn bench_sign(c: &mut Criterion) {
    let pool = common::one_thread();
    let text = common::zone_text(zone_delegations(), 1);
    let unsigned = common::build(&text);
    let rng = SystemRandom::new();
    let algorithms = [
        (Algorithm::RsaSha256, "8_rsasha256_2048"),
        (Algorithm::EcdsaP256Sha256, "13_ecdsap256"),
        (Algorithm::EcdsaP384Sha384, "14_ecdsap384"),
        (Algorithm::Ed25519, "15_ed25519"),
    ];
    for (algorithm, label) in algorithms {
        let keys = common::key_pair(algorithm);
        let zsk = keys.iter().find(|k| k.role == KeyRole::Zsk).expect("a ZSK");
        let raw = RawKey::generate(algorithm);

        // One delegation's DS RRset: the bulk of what a TLD signs.
        let node = unsigned
            .nodes
            .iter()
            .find(|n| n.rrset(Rtype::DS).is_some())
            .expect("the generated zone has DS records");
        let ds = node.rrset(Rtype::DS).expect("just found");
        let fields = RrsigFields {
            type_covered: Rtype::DS,
            algorithm: zsk.algorithm,
            labels: labels_field(&node.name),
            original_ttl: ds.ttl,
            expiration: wire_time(common::EXPIRATION),
            inception: wire_time(common::INCEPTION),
            key_tag: zsk.key_tag,
            signer: &unsigned.origin,
        };
        let mut data = Vec::with_capacity(256);
        signed_data(&fields, &node.name, unsigned.class, ds, &mut data);

        let mut g = c.benchmark_group(format!("sign/one/{label}"));
        g.sample_size(10)
            .measurement_time(Duration::from_secs(3))
            .throughput(Throughput::Elements(1));
        g.bench_function("signed_data", |b| {
            let mut buf = Vec::with_capacity(256);
            b.iter(|| {
                signed_data(
                    std::hint::black_box(&fields),
                    &node.name,
                    unsigned.class,
                    ds,
                    &mut buf,
                );
                buf.len()
            })
        });
        g.bench_function("zonesign_sign", |b| {
            b.iter(|| zsk.signer.sign(std::hint::black_box(&data)).expect("signs"))
        });
        g.bench_function("signed_data+sign", |b| {
            let mut buf = Vec::with_capacity(256);
            b.iter(|| {
                signed_data(
                    std::hint::black_box(&fields),
                    &node.name,
                    unsigned.class,
                    ds,
                    &mut buf,
                );
                zsk.signer.sign(&buf).expect("signs")
            })
        });
        g.bench_function("baseline_aws_lc_rs_sign", |b| {
            let mut out = Vec::with_capacity(512);
            b.iter(|| {
                raw.sign(&rng, std::hint::black_box(&data), &mut out);
                out.len()
            })
        });
        g.finish();

        // The whole sign stage on a small zone.
        let opts = common::sign_options(DenialMode::Nsec3(Nsec3Params {
            iterations: 0,
            salt: Vec::new(),
            opt_out: OptOut::Disabled,
        }));
        let mut prepared = unsigned.clone();
        prepare(&mut prepared, &keys, &opts).expect("prepares");
        let batch = all_signed_data(&prepared, &keys);
        let signatures = {
            let mut z = prepared.clone();
            let stats = pool.install(|| sign_zone(&mut z, &keys, &opts)).expect("signs");
            stats.signatures_per_key.iter().sum::<usize>()
        };
        assert_eq!(signatures, batch.len(), "the baseline signs what sign_zone signs");

        let mut g = c.benchmark_group(format!("sign/zone/{label}"));
        let seconds = if algorithm.is_rsa() { 8 } else { 4 };
        g.sample_size(10)
            .measurement_time(Duration::from_secs(seconds))
            .throughput(Throughput::Elements(signatures as u64));
        g.bench_function("sign_zone_1thread", |b| {
            b.iter_batched(
                || prepared.clone(),
                |mut z| {
                    pool.install(|| sign_zone(&mut z, &keys, &opts)).expect("signs");
                    z
                },
                BatchSize::LargeInput,
            )
        });
        g.bench_function("baseline_aws_lc_rs_sign", |b| {
            let mut out = Vec::with_capacity(512);
            b.iter(|| {
                for d in &batch {
                    raw.sign(&rng, d, &mut out);
                }
                out.len()
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench_sign);
criterion_main!(benches);
