//! The fuzz targets' committed seeds, run through the same entry points as
//! the fuzzer (`fuzz/fuzz_targets/`), so that a plain `cargo test` checks
//! their properties too: the loader's (no panic; the parallel load the same
//! as the sequential one; what is written loads back to the same text) on
//! every seed of `fuzz/seeds/load`, and the verifier's (no panic) on every
//! signed zone of `fuzz/seeds/verify`; and the signer's (a zone that loads
//! signs into one that verifies) on both the loader's seeds and
//! `fuzz/seeds/sign`.

use std::path::Path;

fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds").join(target);
    let mut seeds: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.expect("a directory entry").path();
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (path.display().to_string(), bytes)
        })
        .collect();
    seeds.sort();
    assert!(!seeds.is_empty(), "no seeds in {}", dir.display());
    seeds
}

#[test]
fn load_seeds_hold_the_fuzz_properties() {
    for (path, bytes) in seeds("load") {
        let outcome = std::panic::catch_unwind(|| zonesign::load::fuzz_load(&bytes));
        assert!(outcome.is_ok(), "{path}");
    }
}

#[test]
fn verify_seeds_verify_without_panic() {
    for (path, bytes) in seeds("verify") {
        let outcome = std::panic::catch_unwind(|| zonesign::verify::fuzz_verify(&bytes));
        assert!(outcome.is_ok(), "{path}");
    }
}

/// The verify seeds are valid signed zones at the time the fuzz target
/// verifies at: mutations start from zones that pass, so that the fuzzer
/// reaches every check rather than stopping at the first broken record.
#[test]
fn verify_seeds_pass_verification() {
    use zonesign::verify::{verify_zone, VerifyOptions, FUZZ_VERIFY_AT};
    for (path, bytes) in seeds("verify") {
        let zone =
            zonesign::load::fuzz_zone(&bytes, usize::MAX).unwrap_or_else(|e| panic!("{path}: {e}"));
        let report =
            verify_zone(&zone, &VerifyOptions { at: FUZZ_VERIFY_AT, trust_anchors: vec![] });
        assert_eq!(report.errors(), 0, "{path}: {:?}", report.findings);
    }
}

/// Every seed of the loader that loads and builds signs, in the mode its
/// length picks, into a zone that passes verification; and so do the
/// `sign` target's own seeds (two zones, in all eight modes).
#[test]
fn load_seeds_sign_into_zones_that_verify() {
    for (path, input) in seeds("load").into_iter().chain(seeds("sign")) {
        let outcome = std::panic::catch_unwind(|| zonesign::sign::fuzz_sign(&input));
        assert!(outcome.is_ok(), "{path} (mode {})", input.len() % 8);
    }
}
