//! Golden signed zones: Ed25519 (deterministic, RFC 8032 §5.1.6) with fixed
//! inception and expiration must reproduce the committed output byte for
//! byte, for any thread count. ECDSA output is randomized and is verified,
//! not compared (tests/sign_validators.rs).
//!
//! Regenerate after an intended output change with
//! `tools/regen-golden.sh` and review the diff.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sign(threads: usize, nsec3: bool, out: &Path) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_zonesign"));
    cmd.arg("sign")
        .arg(root().join("examples/example.zone"))
        .args(["-o", "example.", "--key-dir"])
        .arg(root().join("test-data/keys/golden"))
        .args([
            "--inception",
            "20261101000000",
            "--expiration",
            "20401201000000",
            "--jitter",
            "1d",
            "-q",
        ])
        .args(["--threads", &threads.to_string(), "--output"])
        .arg(out);
    if nsec3 {
        cmd.args(["--nsec3", "--opt-out"]);
    }
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn check(nsec3: bool) {
    let name = if nsec3 { "example.ed25519.nsec3.zone" } else { "example.ed25519.nsec.zone" };
    let golden = std::fs::read(root().join("test-data/golden").join(name)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for threads in [1, 2, 3, 4, 8] {
        let out = dir.path().join(format!("{threads}.zone"));
        sign(threads, nsec3, &out);
        let got = std::fs::read(&out).unwrap();
        assert!(got == golden, "--threads {threads} differs from test-data/golden/{name}");
    }
}

#[test]
fn golden_ed25519_nsec_identical_for_1_to_8_threads() {
    check(false);
}

#[test]
fn golden_ed25519_nsec3_opt_out_identical_for_1_to_8_threads() {
    check(true);
}

/// Many chunks: a generated zone of 3000 delegations (several owner-aligned
/// chunks of work) signs byte-identically with 1, 2, 3, 4 and 8 threads.
#[test]
fn generated_zone_identical_for_1_to_8_threads() {
    let dir = tempfile::tempdir().unwrap();
    let zone = dir.path().join("gen.zone");
    let o = Command::new(env!("CARGO_BIN_EXE_zonesign-genzone"))
        .args(["--origin", "example.", "--delegations", "3000", "--seed", "11", "--output"])
        .arg(&zone)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for nsec3 in [false, true] {
        let mut first: Option<Vec<u8>> = None;
        for threads in [1, 2, 3, 4, 8] {
            let out = dir.path().join(format!("{threads}-{nsec3}.zone"));
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_zonesign"));
            cmd.arg("sign")
                .arg(&zone)
                .args(["-o", "example.", "--key-dir"])
                .arg(root().join("test-data/keys/golden"))
                .args(["--inception", "20261101000000", "--expiration", "20401201000000", "-q"])
                .args(["--threads", &threads.to_string(), "--output"])
                .arg(&out);
            if nsec3 {
                cmd.args(["--nsec3", "--opt-out"]);
            }
            let o = cmd.output().unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            let got = std::fs::read(&out).unwrap();
            match &first {
                None => first = Some(got),
                Some(f) => assert!(
                    *f == got,
                    "--threads {threads} (nsec3: {nsec3}) differs from --threads 1"
                ),
            }
        }
    }
}
