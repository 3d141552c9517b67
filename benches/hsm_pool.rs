//! The HSM pool against software signing, same batch, same algorithm
//! (ECDSA P-256): three SoftHSM2 tokens with two sessions each, batches of
//! 512 signed-data blocks as the pipeline sends them for one chunk.
//!
//! Sets up its own SoftHSM directory; `SOFTHSM2_CONF` is set in `main`
//! before anything else runs (a bench is its own process).

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use criterion::{Criterion, Throughput};
use zonesign::sign::keys::{generate, Algorithm, SigningKey};
use zonesign::sign::pkcs11::keygen::{keygen, KeygenRequest};
use zonesign::sign::pkcs11::{open_pool, Degraded, HsmConfig, Pool};
use zonesign::sign::KeyRole;
use zonesign::zone::name::Name;

const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
const TOKENS: [&str; 3] = ["fra-1", "fra-2", "ber-1"];
const BATCH: usize = 512;

fn setup(dir: &Path) -> Arc<Pool> {
    let tokens = dir.join("tokens");
    std::fs::create_dir(&tokens).expect("token dir");
    let conf = dir.join("softhsm2.conf");
    std::fs::write(
        &conf,
        format!(
            "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
            tokens.display()
        ),
    )
    .expect("conf");
    for t in TOKENS {
        let st = Command::new("softhsm2-util")
            .env("SOFTHSM2_CONF", &conf)
            .args(["--init-token", "--free", "--label", t, "--pin", "1234", "--so-pin", "5678"])
            .output()
            .expect("softhsm2-util");
        assert!(st.status.success());
    }
    let mut text = String::new();
    for t in TOKENS {
        text.push_str(&format!(
            "[[hsm]]\nname = \"{t}\"\nmodule = \"{MODULE}\"\ntoken = \"{t}\"\npin = \"env:ZONESIGN_BENCH_PIN\"\nsessions = 2\n\n"
        ));
    }
    let bare = dir.join("bare.toml");
    std::fs::write(&bare, &text).expect("config");
    let config = HsmConfig::load(&bare).expect("load config");
    let made = keygen(
        &config,
        &KeygenRequest {
            origin: Name::root(),
            algorithm: Algorithm::EcdsaP256Sha256,
            role: KeyRole::Zsk,
            bits: None,
            class: zonesign::zone::rtype::Class::IN,
            id: vec![1],
            label: "bench".into(),
            key_dir: dir.to_path_buf(),
        },
    )
    .0
    .expect("hsm keygen");
    text.push_str(&format!(
        "[[key]]\nrole = \"zsk\"\nid = \"01\"\ndnskey = \"{}\"\n",
        made.key_file.display()
    ));
    let pool_toml = dir.join("pool.toml");
    std::fs::write(&pool_toml, text).expect("config");
    let config = HsmConfig::load(&pool_toml).expect("load config");
    open_pool(&config, Degraded::Refuse).map_err(|f| f.error).expect("open pool")
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Before any PKCS#11 module is loaded: the bench's own SoftHSM.
    std::env::set_var("SOFTHSM2_CONF", dir.path().join("softhsm2.conf"));
    std::env::set_var("ZONESIGN_BENCH_PIN", "1234");
    let pool = setup(dir.path());
    let software: SigningKey =
        generate(Algorithm::EcdsaP256Sha256, &Name::root(), 256, None).expect("software key");
    let data: Vec<Vec<u8>> = (0..BATCH)
        .map(|i| {
            let mut d = vec![0u8; 180];
            d[..8].copy_from_slice(&(i as u64).to_be_bytes());
            d
        })
        .collect();
    let items: Vec<&[u8]> = data.iter().map(Vec::as_slice).collect();

    let mut c = Criterion::default().configure_from_args();
    {
        let mut g = c.benchmark_group("hsm_pool");
        g.throughput(Throughput::Elements(BATCH as u64));
        g.sample_size(10);
        g.bench_function("software_ecdsa_p256_1_thread", |b| {
            b.iter(|| items.iter().map(|d| software.sign(d).expect("sign")).collect::<Vec<_>>())
        });
        g.bench_function("softhsm_pool_3x2_sessions", |b| {
            b.iter(|| pool.sign_batch(0, &items).expect("pool sign").len())
        });
        g.finish();
    }
    pool.shutdown();
    c.final_summary();
}
