//! Signing through a pool of three SoftHSM2 tokens ("fra-1", "fra-2",
//! "ber-1") standing for three HSMs, through cryptoki, never a mock.
//!
//! Every test gets its own token directory and `softhsm2.conf`; the
//! `zonesign` binary runs as a child with `SOFTHSM2_CONF` set on the
//! `Command` (tests share one process environment, so nothing here calls
//! `std::env::set_var`). SoftHSM's `--init-token --free` picks random slot
//! numbers, so tokens are always found by label.
//!
//! The .de case of 5 May 2026 is reproduced exactly: three tokens, same
//! CKA_ID, same label, same key tag, and two of them hold a different key
//! pair (key pairs generated until three collide on the tag).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use zonesign::sign::keys::key_tag;

const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
const TOKENS: [&str; 3] = ["fra-1", "fra-2", "ber-1"];
const PIN: &str = "1234";

/// A SoftHSM installation of its own: config, token directory, tokens.
struct SoftHsm {
    dir: tempfile::TempDir,
    conf: PathBuf,
}

impl SoftHsm {
    fn new() -> SoftHsm {
        assert!(Path::new(MODULE).exists(), "{MODULE} missing: apt-get install softhsm2");
        let dir = tempfile::Builder::new().prefix("zonesign-hsm-").tempdir().expect("tempdir");
        let tokens = dir.path().join("tokens");
        std::fs::create_dir(&tokens).expect("token dir");
        let conf = dir.path().join("softhsm2.conf");
        std::fs::write(
            &conf,
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
                tokens.display()
            ),
        )
        .expect("write softhsm2.conf");
        let hsm = SoftHsm { dir, conf };
        for label in TOKENS {
            hsm.ok(Command::new("softhsm2-util").args([
                "--init-token",
                "--free",
                "--label",
                label,
                "--pin",
                PIN,
                "--so-pin",
                "5678",
            ]));
        }
        hsm
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A command with this installation's SoftHSM and the PIN variable.
    fn env<'a>(&self, cmd: &'a mut Command) -> &'a mut Command {
        cmd.env("SOFTHSM2_CONF", &self.conf).env("ZONESIGN_TEST_PIN", PIN)
    }

    fn zonesign(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_zonesign"));
        self.env(&mut c);
        c
    }

    fn run(&self, cmd: &mut Command) -> Output {
        self.env(cmd).output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
    }

    fn ok(&self, cmd: &mut Command) -> Output {
        let out = self.run(cmd);
        assert!(
            out.status.success(),
            "{cmd:?} failed ({}):\nstderr:\n{}\nstdout:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        out
    }

    /// Writes a pool configuration: the three tokens, `sessions` each,
    /// PIN from the environment, then `keys` (TOML `[[key]]` text).
    fn pool(&self, name: &str, sessions: usize, keys: &str) -> PathBuf {
        let mut text = String::new();
        for t in TOKENS {
            text.push_str(&hsm_section(t, t, "env:ZONESIGN_TEST_PIN", sessions));
        }
        text.push_str(keys);
        let p = self.path(name);
        std::fs::write(&p, text).expect("write pool config");
        p
    }
}

fn hsm_section(name: &str, token: &str, pin: &str, sessions: usize) -> String {
    format!(
        "[[hsm]]\nname = \"{name}\"\nmodule = \"{MODULE}\"\ntoken = \"{token}\"\npin = \"{pin}\"\nsessions = {sessions}\n\n"
    )
}

/// `hsm keygen --hsm-config config ARGS`; returns the `.key` file it wrote.
fn hsm_keygen(hsm: &SoftHsm, config: &Path, args: &[&str]) -> PathBuf {
    let out = hsm.ok(hsm.zonesign().args(["hsm", "keygen", "--hsm-config"]).arg(config).args(args));
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

fn key_section(role: &str, id: &str, label: &str, dnskey: &Path) -> String {
    format!(
        "[[key]]\nrole = \"{role}\"\nid = \"{id}\"\nlabel = \"{label}\"\ndnskey = \"{}\"\n\n",
        dnskey.display()
    )
}

/// `zonesign sign` of the root zone through the pool of `pool`, with the
/// keys of `key_dir` beside it, into `output`.
fn sign_root(hsm: &SoftHsm, key_dir: Option<&Path>, pool: &Path, output: &Path) -> Command {
    let mut cmd = hsm.zonesign();
    cmd.arg("sign").arg(data("root.zone")).args(["--origin", "."]);
    if let Some(dir) = key_dir {
        cmd.arg("--key-dir").arg(dir);
    }
    cmd.arg("--hsm-config").arg(pool).arg("--output").arg(output);
    cmd
}

/// A shared library built from C `source` with `cc` (the Rust toolchain
/// links with it) at `name` in the installation's directory: a module of
/// the tests' own making.
fn build_module(hsm: &SoftHsm, name: &str, source: &str) -> PathBuf {
    let module = hsm.path(name);
    let c = module.with_extension("c");
    std::fs::write(&c, source).expect("write module source");
    let built = Command::new("cc")
        .args(["-shared", "-fPIC", "-o"])
        .arg(&module)
        .arg(&c)
        .arg("-ldl")
        .status()
        .expect("run cc");
    assert!(built.success(), "cc failed on {source}");
    module
}

/// `sections` written as `pool.toml`, and `hsm check` run on it.
fn check_pool(hsm: &SoftHsm, sections: &[String]) -> (PathBuf, Output) {
    let pool = hsm.path("pool.toml");
    std::fs::write(&pool, sections.concat()).expect("write config");
    let out = hsm.run(hsm.zonesign().args(["hsm", "check", "--hsm-config"]).arg(&pool));
    (pool, out)
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test-data").join(name)
}

fn generated_zone(dir: &Path, delegations: u32) -> PathBuf {
    let out = dir.join("gen.zone");
    let st = Command::new(env!("CARGO_BIN_EXE_zonesign-genzone"))
        .args(["--origin", "tld.", "--delegations", &delegations.to_string(), "--seed", "4"])
        .arg("--output")
        .arg(&out)
        .status()
        .expect("run zonesign-genzone");
    assert!(st.success());
    out
}

/// dnssec-verify, ldns-verify-zone and kzonecheck must all accept `signed`.
fn assert_validators_accept(signed: &Path, origin: &str) {
    for (tool, args) in [
        ("dnssec-verify", vec!["-q", "-o", origin]),
        ("ldns-verify-zone", vec![]),
        ("kzonecheck", vec!["-d", "on", "-o", origin]),
    ] {
        let out = Command::new(tool)
            .args(&args)
            .arg(signed)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {tool} (tools/test.sh installs it): {e}"));
        assert!(out.status.success(), "{tool} rejects {}:\n{}", signed.display(), text(&out));
    }
}

/// The report's per-HSM entries as (name, token, signatures, state,
/// seconds in C_Sign).
fn hsm_counts(report: &Path) -> Vec<(String, String, u64, String, f64)> {
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(report).expect("read report")).expect("JSON");
    v["hsms"]
        .as_array()
        .expect("hsms array")
        .iter()
        .map(|h| {
            (
                h["name"].as_str().unwrap_or_default().to_owned(),
                h["token"].as_str().unwrap_or_default().to_owned(),
                h["signatures"].as_u64().unwrap_or(0),
                h["status"]["state"].as_str().unwrap_or_default().to_owned(),
                h["busy_seconds"].as_f64().unwrap_or(0.0),
            )
        })
        .collect()
}

/// `hsm keygen` puts one key in all three tokens; `sign` with a KSK file
/// and the HSM ZSK signs the root zone and a generated TLD zone through
/// all three; the validators accept both and every token signed.
fn keygen_and_sign(alg: u8) {
    let hsm = SoftHsm::new();
    for (origin, zone) in [(".", data("root.zone")), ("tld.", generated_zone(hsm.dir.path(), 2000))]
    {
        let tag = if origin == "." { "root" } else { "tld" };
        let ksk_dir = hsm.path(&format!("ksk-{tag}"));
        std::fs::create_dir(&ksk_dir).expect("ksk dir");
        hsm.ok(hsm
            .zonesign()
            .args(["keygen", origin, "--ksk", "-a", &alg.to_string(), "--key-dir"])
            .arg(&ksk_dir));
        let id = if origin == "." { "a1" } else { "b2" };
        let label = format!("zsk-{tag}-{alg}");
        let bare = hsm.pool(&format!("bare-{tag}.toml"), 2, "");
        let out = hsm.ok(hsm.zonesign().args([
            "hsm",
            "keygen",
            "--hsm-config",
            bare.to_str().unwrap_or_default(),
            "-o",
            origin,
            "-a",
            &alg.to_string(),
            "--zsk",
            "--id",
            id,
            "--label",
            &label,
        ]));
        let key_file = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        assert!(key_file.exists(), "hsm keygen printed {}", key_file.display());
        let pool =
            hsm.pool(&format!("pool-{tag}.toml"), 2, &key_section("zsk", id, &label, &key_file));
        hsm.ok(hsm.zonesign().args(["hsm", "check", "--hsm-config"]).arg(&pool));
        let sign = |threads: usize| {
            let signed = hsm.path(&format!("{tag}-{threads}.signed"));
            let report = hsm.path(&format!("{tag}-{threads}.json"));
            hsm.ok(hsm
                .zonesign()
                .arg("sign")
                .arg(&zone)
                .args(["--origin", origin, "--key-dir"])
                .arg(&ksk_dir)
                .arg("--hsm-config")
                .arg(&pool)
                .args(["--threads", &threads.to_string()])
                .args(["--inception", "20261101000000", "--expiration", "20361201000000"])
                // The root zone with a ZONEMD (RFC 8976), signed through
                // the pool once every chunk is written.
                .args(if origin == "." { &["--zonemd", "sha384"][..] } else { &[][..] })
                .arg("--output")
                .arg(&signed)
                .arg("--report")
                .arg(&report));
            (signed, report)
        };
        let (signed, report) = sign(3);
        let counts = hsm_counts(&report);
        assert_eq!(counts.len(), 3, "{counts:?}");
        for (name, token, sigs, state, busy) in &counts {
            assert!(TOKENS.contains(&token.as_str()) && name == token, "{counts:?}");
            assert!(*sigs > 0, "{name} made no signatures: {counts:?}");
            assert_eq!(state, "active");
            assert!(*busy > 0.0, "{name} reports no time in C_Sign: {counts:?}");
        }
        assert_validators_accept(&signed, origin);
        // Ed25519 signatures are deterministic (RFC 8032 §5.1.6): the pool,
        // with its workers beyond the threads (`sign::EXTRA_IN_FLIGHT`),
        // must write the same zone for any thread count.
        if alg == 15 {
            let (one, _) = sign(1);
            assert!(
                std::fs::read(&one).expect("read") == std::fs::read(&signed).expect("read"),
                "{origin}: the HSM pool's output differs between 1 and 3 threads"
            );
        }
    }
}

#[test]
fn keygen_pool_signs_with_ecdsa_p256_through_three_tokens() {
    keygen_and_sign(13);
}

#[test]
fn keygen_pool_signs_with_rsasha256_through_three_tokens() {
    keygen_and_sign(8);
}

#[test]
fn keygen_pool_signs_with_ed25519_through_three_tokens() {
    keygen_and_sign(15);
}

/// A P-256 key pair as PKCS#8 PEM (what `openssl genpkey` writes) and its
/// DNSKEY public key field (x | y, RFC 6605 §4).
fn p256_pem() -> (String, Vec<u8>) {
    let doc = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
        .expect("generate");
    let pair =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, doc.as_ref()).expect("parse");
    let public = pair.public_key().as_ref()[1..].to_vec();
    let b64 = data_encoding::BASE64.encode(doc.as_ref());
    let mut pem = String::from("-----BEGIN PRIVATE KEY-----\n");
    for line in b64.as_bytes().chunks(64) {
        pem.push_str(&String::from_utf8_lossy(line));
        pem.push('\n');
    }
    pem.push_str("-----END PRIVATE KEY-----\n");
    (pem, public)
}

fn dnskey_rdata(flags: u16, public: &[u8]) -> Vec<u8> {
    [&flags.to_be_bytes()[..], &[3, 13], public].concat()
}

fn write_key_file(path: &Path, owner: &str, flags: u16, public: &[u8]) {
    std::fs::write(
        path,
        format!("{owner} 3600 IN DNSKEY {flags} 3 13 {}\n", data_encoding::BASE64.encode(public)),
    )
    .expect("write .key");
}

fn import(hsm: &SoftHsm, pem: &str, file: &str, token: &str, id: &str, label: &str) {
    let path = hsm.path(file);
    std::fs::write(&path, pem).expect("write pem");
    hsm.ok(Command::new("softhsm2-util")
        .arg("--import")
        .arg(&path)
        .args(["--label", label, "--id", id, "--token", token, "--pin", PIN]));
}

/// One PKCS#8 file imported into all three tokens with softhsm2-util (the
/// way an operator would) signs, through all three.
#[test]
fn pkcs8_imported_with_softhsm2_util_signs_through_three_tokens() {
    let hsm = SoftHsm::new();
    let (pem, public) = p256_pem();
    for t in TOKENS {
        import(&hsm, &pem, "csk.pem", t, "01", "csk");
    }
    let key_file = hsm.path("K.+013+zsk.key");
    write_key_file(&key_file, ".", 256, &public);
    let pool = hsm.pool("pool.toml", 2, &key_section("zsk", "01", "csk", &key_file));
    let ksk_dir = root_ksk_dir(&hsm);
    let signed = hsm.path("root.signed");
    let report = hsm.path("report.json");
    hsm.ok(sign_root(&hsm, Some(&ksk_dir), &pool, &signed).arg("--report").arg(&report));
    for (name, _, sigs, _, _) in hsm_counts(&report) {
        assert!(sigs > 0, "{name} made no signatures");
    }
    assert_validators_accept(&signed, ".");
}

/// Generates P-256 key pairs until three of them share a key tag as ZSKs
/// of the same owner: the .de fixture. About 3 000 pairs (birthday bound
/// for three in 65 536 tags); a fraction of a second.
fn three_colliding_keys() -> Vec<(String, Vec<u8>)> {
    let mut by_tag: std::collections::HashMap<u16, Vec<(String, Vec<u8>)>> = Default::default();
    loop {
        let (pem, public) = p256_pem();
        let tag = key_tag(&dnskey_rdata(256, &public));
        let bucket = by_tag.entry(tag).or_default();
        bucket.push((pem, public));
        if bucket.len() == 3 {
            return std::mem::take(bucket);
        }
    }
}

fn dir_listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The .de case: same CKA_ID, label and key tag in all three tokens, but
/// fra-2 and ber-1 hold different key pairs. `hsm check` and `sign` refuse
/// with exit 3, name both bad tokens, and write nothing; with
/// `--allow-degraded-pool` the run signs with fra-1 alone and verifies.
#[test]
fn regression_de_outage_same_key_tag_different_key_material() {
    let hsm = SoftHsm::new();
    let keys = three_colliding_keys();
    let tags: Vec<u16> = keys.iter().map(|(_, p)| key_tag(&dnskey_rdata(256, p))).collect();
    assert!(tags[0] == tags[1] && tags[1] == tags[2]);
    assert!(keys[0].1 != keys[1].1 && keys[0].1 != keys[2].1);
    for (t, (pem, _)) in TOKENS.iter().zip(&keys) {
        import(&hsm, pem, &format!("{t}.pem"), t, "01", "zsk");
    }
    // Published: fra-1's key.
    let key_file = hsm.path("published.key");
    write_key_file(&key_file, "tld.", 256, &keys[0].1);
    let ksk_dir = hsm.path("ksk");
    std::fs::create_dir(&ksk_dir).expect("ksk dir");
    hsm.ok(hsm.zonesign().args(["keygen", "tld.", "--ksk", "-a", "13", "--key-dir"]).arg(&ksk_dir));
    let pool = hsm.pool("pool.toml", 2, &key_section("zsk", "01", "zsk", &key_file));

    let out = hsm.run(hsm.zonesign().args(["hsm", "check", "--hsm-config"]).arg(&pool));
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert!(all.contains("same key tag, different key material"), "{all}");
    for bad in ["hsm fra-2", "hsm ber-1"] {
        assert!(all.contains(bad), "{bad} not named:\n{all}");
    }
    assert!(all.contains(&format!("tag {}", tags[0])), "{all}");
    assert!(!all.contains("hsm fra-1 (token \"fra-1\"): key"), "fra-1 is good:\n{all}");

    // `hsm bench` has no --allow-degraded-pool and suggested it when the
    // .de key came after a good one (the fourteenth audit, 2026-12-06).
    let bare = hsm.pool("bare.toml", 1, "");
    let good = hsm_keygen(
        &hsm,
        &bare,
        &["-o", "tld.", "-a", "13", "--zsk", "--id", "02", "--label", "good"],
    );
    let both = hsm.pool(
        "both.toml",
        1,
        &[key_section("zsk", "02", "good", &good), key_section("zsk", "01", "zsk", &key_file)]
            .concat(),
    );
    let out = hsm.run(
        hsm.zonesign().args(["hsm", "bench", "--duration", "100ms", "--hsm-config"]).arg(&both),
    );
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert!(all.contains("hsm fra-2") && all.contains("hsm ber-1"), "{all}");
    assert!(!all.contains("--allow-degraded-pool"), "{all}");

    let zone = generated_zone(hsm.dir.path(), 300);
    let out_dir = hsm.path("out");
    std::fs::create_dir(&out_dir).expect("out dir");
    let signed = out_dir.join("tld.signed");
    std::fs::write(&signed, "previous contents\n").expect("write old output");
    let before = dir_listing(&out_dir);
    let sign = |extra: &[&str]| {
        hsm.run(
            hsm.zonesign()
                .arg("sign")
                .arg(&zone)
                .args(["--origin", "tld.", "--key-dir"])
                .arg(&ksk_dir)
                .arg("--hsm-config")
                .arg(&pool)
                .arg("--output")
                .arg(&signed)
                .arg("--report")
                .arg(out_dir.join("report.json"))
                .args(extra),
        )
    };
    let out = sign(&[]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert!(all.contains("same key tag, different key material"), "{all}");
    assert!(all.contains("hsm fra-2") && all.contains("hsm ber-1"), "{all}");
    assert_eq!(std::fs::read_to_string(&signed).expect("read"), "previous contents\n");
    let mut after = dir_listing(&out_dir);
    after.retain(|f| f != "report.json");
    assert_eq!(before, after, "stray files after a refused run");

    let out = sign(&["--allow-degraded-pool"]);
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("DEGRADED"), "the degraded pool must be announced loudly:\n{all}");
    let counts = hsm_counts(&out_dir.join("report.json"));
    for (name, _, sigs, state, _) in &counts {
        if name == "fra-1" {
            assert!(*sigs > 0 && state == "active", "{counts:?}");
        } else {
            assert!(*sigs == 0 && state == "excluded", "{counts:?}");
        }
    }
    // The smaller pool is in the report's warnings too (the fifth audit,
    // 2026-12-06: on standard error only).
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("report.json")).unwrap()).unwrap();
    let warnings = report["warnings"].to_string();
    for name in ["fra-2", "ber-1"] {
        assert!(
            warnings.contains(&format!("hsm {name}: excluded from the pool, never used")),
            "{warnings}"
        );
    }
    assert_validators_accept(&signed, "tld.");
}

/// A wrong PIN and a missing token: exit 3, each named, and the PIN
/// appears in no output and not in the report.
#[test]
fn wrong_pin_and_missing_token_are_named_and_the_pin_never_shown() {
    let hsm = SoftHsm::new();
    let bare = hsm.pool("bare.toml", 1, "");
    let key_file = hsm_keygen(&hsm, &bare, &["-o", ".", "--id", "07", "--label", "zsk"]);
    let wrong_pin = "31415926";
    let pin_file = hsm.path("fra-2.pin");
    std::fs::write(&pin_file, format!("{wrong_pin}\n")).expect("pin file");
    let (pool, out) = check_pool(
        &hsm,
        &[
            hsm_section("fra-1", "fra-1", "env:ZONESIGN_TEST_PIN", 1),
            hsm_section("fra-2", "fra-2", &format!("file:{}", pin_file.display()), 1),
            hsm_section("muc-9", "muc-9", "env:ZONESIGN_TEST_PIN", 1),
            key_section("zsk", "07", "zsk", &key_file),
        ],
    );
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert!(all.contains("hsm fra-2") && all.contains("CKR_PIN_INCORRECT"), "{all}");
    assert!(all.contains("hsm muc-9") && all.contains("\"muc-9\" not found"), "{all}");
    assert!(!all.contains(wrong_pin), "the PIN was printed:\n{all}");

    let report = hsm.path("report.json");
    let out = hsm
        .run(sign_root(&hsm, None, &pool, &hsm.path("root.signed")).arg("--report").arg(&report));
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert!(all.contains("hsm fra-2") && all.contains("hsm muc-9"), "{all}");
    assert!(!all.contains(wrong_pin), "the PIN was printed:\n{all}");
    let report_text = std::fs::read_to_string(&report).expect("report written");
    assert!(report_text.contains("muc-9") && report_text.contains("fra-2"), "{report_text}");
    assert!(!report_text.contains(wrong_pin), "the PIN is in the report");
    assert!(!hsm.path("root.signed").exists());
}

/// The eleventh audit (2026-12-06): a module path naming a shared library
/// that is no PKCS#11 module (here the C library, which has no
/// C_GetFunctionList) made the cryptoki bindings panic: exit 101, no HSM
/// named. It is now that HSM's failure, exit 3, named.
#[test]
fn regression_a_library_that_is_no_pkcs11_module_is_the_hsm_s_failure() {
    let Some(libc) =
        ["/lib/x86_64-linux-gnu/libc.so.6", "/lib/aarch64-linux-gnu/libc.so.6", "/lib64/libc.so.6"]
            .into_iter()
            .find(|p| Path::new(p).exists())
    else {
        eprintln!("no C library at a known path: skipped");
        return;
    };
    let hsm = SoftHsm::new();
    let bare = hsm.pool("bare.toml", 1, "");
    let key_file = hsm_keygen(&hsm, &bare, &["-o", ".", "--id", "07", "--label", "zsk"]);
    let (_, out) = check_pool(
        &hsm,
        &[
            hsm_section("fra-1", "fra-1", "env:ZONESIGN_TEST_PIN", 1),
            hsm_section("libc", "fra-2", "env:ZONESIGN_TEST_PIN", 1).replace(MODULE, libc),
            key_section("zsk", "07", "zsk", &key_file),
        ],
    );
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert!(all.contains("hsm libc") && all.contains("not a PKCS#11 module"), "{all}");
    assert!(!all.contains("panicked"), "{all}");
}

/// The twenty-eighth audit (2026-12-06): a module whose
/// `C_GetFunctionList` (or v3.0 `C_GetInterface`) returns `CKR_OK` and no
/// function list made the cryptoki bindings read through a NULL pointer:
/// the run died of SIGSEGV, no HSM named. Each module is now loaded first
/// in a child process; its crash is that HSM's failure (exit 3), and the
/// child leaves no core file. The thirty-third audit (2026-12-07): a
/// module that calls `exit(0)` while loaded ended the run with exit 0 and
/// no word; one whose C_Finalize does not survive a call before
/// C_Initialize was refused as crashing (the bindings finalise every
/// context they drop), or, after its C_Initialize failed, crashed the run;
/// and a module path that begins with `-` was taken for an option of the
/// child, which then tried nothing.
#[test]
fn regression_a_module_that_crashes_when_loaded_is_the_hsm_s_failure() {
    let hsm = SoftHsm::new();
    let bare = hsm.pool("bare.toml", 1, "");
    let key_file = hsm_keygen(&hsm, &bare, &["-o", ".", "--id", "07", "--label", "zsk"]);
    let null_list = "unsigned long C_GetFunctionList(void **list) { *list = 0; return 0; }\n";
    // A v2.40 function list: C_Initialize fails, C_Finalize crashes.
    let finalize_crashes = "struct list { unsigned char major, minor; void *f[68]; };\n\
         static unsigned long init(void *a) { return 5; }\n\
         static unsigned long fini(void *a) { *(volatile int *)0 = 0; return 0; }\n\
         static struct list l = { 2, 40, { (void *)init, (void *)fini } };\n\
         unsigned long C_GetFunctionList(void **out) { *out = &l; return 0; }\n";
    let cases = [
        ("null-list", null_list, "crashed a process that did nothing else"),
        (
            "null-interface",
            "unsigned long C_GetInterface(void *name, void *version, void **interface, \
             unsigned long flags) { *interface = 0; return 0; }\n\
             unsigned long C_GetFunctionList(void **list) { *list = 0; return 0; }\n",
            "crashed a process that did nothing else",
        ),
        (
            "exits",
            "#include <stdlib.h>\nunsigned long C_GetFunctionList(void **l) { exit(0); }\n",
            "ended a process that did nothing else (exit status 0)",
        ),
        ("-dash", null_list, "crashed a process that did nothing else"),
        ("finalize-crashes", finalize_crashes, "C_Initialize failed"),
    ];
    for (name, source, says) in cases {
        // Each in a directory of its name, given relative to the run's
        // directory: `-dash/module.so` begins with `-`.
        std::fs::create_dir(hsm.path(name)).expect("module directory");
        let module_name = format!("{name}/module.so");
        build_module(&hsm, &module_name, source);
        let pool = hsm.path("pool.toml");
        let sections = [
            hsm_section("fra-1", "fra-1", "env:ZONESIGN_TEST_PIN", 1),
            hsm_section(name, "fra-2", "env:ZONESIGN_TEST_PIN", 1).replace(MODULE, &module_name),
            key_section("zsk", "07", "zsk", &key_file),
        ];
        std::fs::write(&pool, sections.concat()).expect("write config");
        // Cores allowed, so that a core file would show.
        let out = hsm.run(
            Command::new("sh")
                .arg("-c")
                .arg("ulimit -c unlimited 2>/dev/null; exec \"$0\" hsm check --hsm-config \"$1\"")
                .arg(env!("CARGO_BIN_EXE_zonesign"))
                .arg(&pool)
                .current_dir(hsm.path(".")),
        );
        let all = text(&out);
        assert_eq!(out.status.code(), Some(3), "{name}: {all}");
        assert!(all.contains(&format!("hsm {name}: ")) && all.contains(says), "{name}: {all}");
        let cores: Vec<_> = std::fs::read_dir(hsm.path("."))
            .expect("read the test directory")
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with("core"))
            .collect();
        assert!(cores.is_empty(), "{name}: core files left: {cores:?}");
    }
}

/// The thirty-fourth audit (2026-12-07), the other side of the trial load:
/// working modules must pass it. SoftHSM2 behind a shim whose constructor
/// writes a banner without a newline, closes standard output, or starts a
/// process that keeps it open (the trial read its output to the end and
/// waited as long as that process lived); and SoftHSM2 reached through a
/// hard link beside its own path (taken for a second module, whose
/// C_Initialize failed). The thirty-fifth: a module that prints over a MiB
/// while loaded, and a missing temporary directory, refused working
/// modules; a wrapper that loads SoftHSM2, beside SoftHSM2 itself, failed
/// the second HSM's C_Initialize (CKR_CRYPTOKI_ALREADY_INITIALIZED) with no
/// remedy (now named: one module path for one library), and so did the
/// library by name and by path (now one module). The thirty-sixth: one
/// printing over 64 KiB at exit was refused.
#[test]
fn regression_working_modules_pass_the_trial_load() {
    let hsm = SoftHsm::new();
    let bare = hsm.pool("bare.toml", 1, "");
    let key_file = hsm_keygen(&hsm, &bare, &["-o", ".", "--id", "07", "--label", "zsk"]);
    let forward = format!(
        "#include <dlfcn.h>\n#include <stdio.h>\n#include <unistd.h>\n\
         unsigned long C_GetFunctionList(void **list) {{\n\
           void *h = dlopen(\"{MODULE}\", RTLD_NOW);\n\
           unsigned long (*f)(void **) = (unsigned long (*)(void **))dlsym(h, \"C_GetFunctionList\");\n\
           return f(list);\n}}\n"
    );
    let constructors = [
        ("banner", "printf(\"module banner\"); fflush(stdout);"),
        ("closes-stdout", "close(1);"),
        // Sixty seconds: longer than the `timeout` below.
        (
            "forks",
            "if (fork() == 0) { execlp(\"sleep\", \"sleep\", \"60\", (char *)0); _exit(0); }",
        ),
        (
            "noisy",
            "for (int i = 0; i < 40000; i++) fputs(\"0123456789012345678901234567890123456789\\n\", stderr);",
        ),
        // Printing at the child's exit, after its words (the thirty-sixth
        // audit: only the last 64 KiB were read).
        (
            "noisy-at-exit",
            "atexit(shout);",
        ),
    ];
    // The run's exit status and what it said, with `env` set.
    let run_in = |sections: &[String], env: &[(&str, &str)]| -> (Option<i32>, String) {
        let pool = hsm.path("pool.toml");
        std::fs::write(&pool, sections.concat()).expect("write config");
        let said = hsm.path("said.txt");
        // Its output to a file, which the process the module starts
        // inherits (a pipe to this test would wait for it); `timeout`
        // ends a run that waits for that process.
        let status = hsm
            .env(
                Command::new("sh")
                    .arg("-c")
                    .arg("exec timeout 30 \"$0\" hsm check --hsm-config \"$1\" > \"$2\" 2>&1")
                    .arg(env!("CARGO_BIN_EXE_zonesign"))
                    .arg(&pool)
                    .arg(&said)
                    .envs(env.iter().copied()),
            )
            .status()
            .expect("run sh");
        (status.code(), std::fs::read_to_string(&said).unwrap_or_default())
    };
    let check_in = |name: &str, sections: &[String], env: &[(&str, &str)]| {
        let (code, all) = run_in(sections, env);
        assert_eq!(code, Some(0), "{name}: {all}");
    };
    let check = |name: &str, sections: &[String]| check_in(name, sections, &[]);
    let mut banner = None;
    for (name, body) in constructors {
        let module = hsm.path(&format!("lib{name}.so"));
        let shout = "#include <stdlib.h>\nstatic void shout(void) { for (int i = 0; i < 2000; \
                     i++) fputs(\"0123456789012345678901234567890123456789\\n\", stderr); }\n";
        let source = format!(
            "{forward}{shout}__attribute__((constructor)) static void start(void) {{ {body} }}\n"
        );
        build_module(&hsm, &format!("lib{name}.so"), &source);
        // Both tokens through the shim (beside SoftHSM2 itself below).
        if name == "banner" {
            banner = Some(module.clone());
        }
        let module = module.to_str().expect("UTF-8 path");
        check(
            name,
            &[
                hsm_section("fra-1", "fra-1", "env:ZONESIGN_TEST_PIN", 1).replace(MODULE, module),
                hsm_section("fra-2", "fra-2", "env:ZONESIGN_TEST_PIN", 1).replace(MODULE, module),
                key_section("zsk", "07", "zsk", &key_file),
            ],
        );
    }
    let shim = banner.expect("the banner module");
    let with_shim = [
        hsm_section("fra-1", "fra-1", "env:ZONESIGN_TEST_PIN", 1)
            .replace(MODULE, shim.to_str().expect("UTF-8 path")),
        hsm_section("fra-2", "fra-2", "env:ZONESIGN_TEST_PIN", 1),
        key_section("zsk", "07", "zsk", &key_file),
    ];
    // A wrapper of the library beside the library: the configuration is to
    // name one library once (the thirty-seventh audit: a module that only
    // says it was initialised cannot be told from it).
    let (code, all) = run_in(&with_shim, &[]);
    assert_eq!(code, Some(3), "{all}");
    assert!(all.contains("give every HSM of one library the same module path"), "{all}");
    let both_shim = [
        with_shim[0].clone(),
        with_shim[1].replace(MODULE, shim.to_str().expect("UTF-8 path")),
        with_shim[2].clone(),
    ];
    check_in("no temporary directory", &both_shim, &[("TMPDIR", "/nonexistent/tmp")]);
    // The library by name, found through LD_LIBRARY_PATH, and by path: one
    // module.
    let by_name = [
        with_shim[1].replace("fra-2", "fra-1").replace(MODULE, "libsofthsm2.so"),
        with_shim[1].clone(),
        with_shim[2].clone(),
    ];
    let dir = Path::new(MODULE).parent().and_then(Path::to_str).expect("MODULE's directory");
    check_in("by name and by path", &by_name, &[("LD_LIBRARY_PATH", dir)]);
    let linked = hsm.path("libsofthsm2-link.so");
    // (The link to the file: MODULE is a symbolic link, relative.)
    let file = std::fs::canonicalize(MODULE).expect("SoftHSM2's library");
    match std::fs::hard_link(&file, &linked) {
        Ok(()) => check(
            "hard link",
            &[
                hsm_section("fra-1", "fra-1", "env:ZONESIGN_TEST_PIN", 1)
                    .replace(MODULE, linked.to_str().expect("UTF-8 path")),
                hsm_section("fra-2", "fra-2", "env:ZONESIGN_TEST_PIN", 1),
                key_section("zsk", "07", "zsk", &key_file),
            ],
        ),
        Err(e) => eprintln!("no hard link to {MODULE} here ({e}): that case skipped"),
    }
}

/// The thirty-sixth audit (2026-12-07): `CKR_CRYPTOKI_ALREADY_INITIALIZED`
/// from the only module of a run (no module of it was initialised) was
/// taken for a library initialised through another module file, and the
/// module used uninitialised. It is that HSM's C_Initialize failure.
#[test]
fn regression_already_initialised_from_the_first_module_is_a_failure() {
    let hsm = SoftHsm::new();
    let bare = hsm.pool("bare.toml", 1, "");
    let key_file = hsm_keygen(&hsm, &bare, &["-o", ".", "--id", "07", "--label", "zsk"]);
    let module = build_module(
        &hsm,
        "liar.so",
        "struct list { unsigned char major, minor; void *f[68]; };\n\
         static unsigned long init(void *a) { return 0x191; }\n\
         static struct list l = { 2, 40, { (void *)init } };\n\
         unsigned long C_GetFunctionList(void **out) { *out = &l; return 0; }\n",
    );
    let (_, out) = check_pool(
        &hsm,
        &[
            hsm_section("liar", "fra-1", "env:ZONESIGN_TEST_PIN", 1)
                .replace(MODULE, module.to_str().expect("UTF-8 path")),
            key_section("zsk", "07", "zsk", &key_file),
        ],
    );
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert!(
        all.contains("hsm liar: C_Initialize failed: CKR_CRYPTOKI_ALREADY_INITIALIZED"),
        "{all}"
    );
}

/// `hsm keygen` refuses to overwrite an object with the same CKA_ID or label.
#[test]
fn keygen_refuses_existing_id_or_label() {
    let hsm = SoftHsm::new();
    let bare = hsm.pool("bare.toml", 1, "");
    let keygen = |id: &str, label: &str| {
        hsm.run(hsm.zonesign().args([
            "hsm",
            "keygen",
            "--hsm-config",
            bare.to_str().unwrap_or_default(),
            "-o",
            "example.",
            "-a",
            "15",
            "--id",
            id,
            "--label",
            label,
        ]))
    };
    assert!(keygen("01", "a").status.success());
    let out = keygen("01", "b");
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(text(&out).contains("CKA_ID 01 exists already"), "{}", text(&out));
    let out = keygen("02", "a");
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(text(&out).contains("label \"a\" exists already"), "{}", text(&out));
}

/// `hsm bench` measures every token and the pool, prints a table, and its
/// `--json` parses with a projection for the zone.
#[test]
fn bench_reports_figures_and_json_parses() {
    let hsm = SoftHsm::new();
    let bare = hsm.pool("bare.toml", 2, "");
    let out = hsm.ok(hsm.zonesign().args([
        "hsm",
        "keygen",
        "--hsm-config",
        bare.to_str().unwrap_or_default(),
        "-o",
        ".",
        "--id",
        "42",
        "--label",
        "bench",
    ]));
    let key_file = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let pool = hsm.pool("pool.toml", 2, &key_section("zsk", "42", "bench", &key_file));
    let out = hsm.ok(hsm
        .zonesign()
        .args(["hsm", "bench", "--duration", "200ms", "--sessions", "1,2", "--hsm-config"])
        .arg(&pool));
    let table = String::from_utf8_lossy(&out.stdout).into_owned();
    for t in TOKENS.iter().chain(&["pool", "software"]) {
        assert!(table.contains(t), "{t} missing:\n{table}");
    }
    let out = hsm.ok(hsm
        .zonesign()
        .args(["hsm", "bench", "--duration", "200ms", "--sessions", "1", "--json", "--zone"])
        .arg(data("root.zone"))
        .args(["--origin", ".", "--hsm-config"])
        .arg(&pool)
        .env("ZONESIGN_LOAD_SIMD", "avx3"));
    // It loads the zone as `sign` does, and says a misspelt SIMD variable
    // as `sign` does (the forty-seventh audit: it said nothing).
    assert!(text(&out).contains("ZONESIGN_LOAD_SIMD=\"avx3\" ignored"), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("--json parses");
    let rows = v["rows"].as_array().expect("rows");
    assert!(rows.iter().all(|r| r["signatures_per_second"].as_f64().unwrap_or(0.0) > 0.0));
    assert!(v["projection"]["signatures"].as_u64().unwrap_or(0) > 2000, "{v}");
}

/// Found by an audit (2026-12-06): one token listed twice, by label and by
/// serial, counted as two HSMs, and the second entry's PIN went unchecked
/// (the first login holds for the token). Refused, naming both entries.
#[test]
fn regression_one_token_listed_twice_is_refused() {
    let hsm = SoftHsm::new();
    let bare = hsm.pool("bare.toml", 1, "");
    let key_file = hsm_keygen(
        &hsm,
        &bare,
        &["-o", "example.", "-a", "13", "--zsk", "--id", "07", "--label", "twice"],
    );
    // fra-1's serial: SoftHSM prints it before the label in each slot.
    let slots = text(&hsm.ok(Command::new("softhsm2-util").arg("--show-slots")));
    let mut serial = None;
    let mut last_serial = None;
    for line in slots.lines() {
        if let Some(s) = line.trim().strip_prefix("Serial number:") {
            last_serial = Some(s.trim().to_string());
        }
        if line.trim().strip_prefix("Label:").is_some_and(|l| l.trim() == TOKENS[0]) {
            serial = last_serial.clone();
        }
    }
    let serial = serial.expect("fra-1's serial in softhsm2-util --show-slots");
    let again = hsm_section("again", TOKENS[0], "file:/nonexistent-but-unused", 1)
        .replace(&format!("token = \"{}\"", TOKENS[0]), &format!("token_serial = \"{serial}\""));
    let (_, out) = check_pool(
        &hsm,
        &[
            hsm_section(TOKENS[0], TOKENS[0], "env:ZONESIGN_TEST_PIN", 1),
            again,
            key_section("zsk", "07", "twice", &key_file),
        ],
    );
    let said = text(&out);
    assert_eq!(out.status.code(), Some(3), "{said}");
    assert!(
        said.contains(&format!("hsm again: its token (serial {serial}) is hsm fra-1's too")),
        "{said}"
    );
}

/// Found by the fifth audit (2026-12-06): one token reached through two
/// files of its module (a copy of the library, as installers and client
/// upgrades leave behind) counted as two HSMs, both proven and signing.
/// A token is known by its manufacturer, model and serial, whatever module
/// file reaches it (PKCS#11 v2.40 §3.2, CK_TOKEN_INFO).
#[test]
fn regression_one_token_through_two_module_files_is_refused() {
    let hsm = SoftHsm::new();
    let bare = hsm.pool("bare.toml", 1, "");
    let key_file = hsm_keygen(
        &hsm,
        &bare,
        &["-o", "example.", "-a", "13", "--zsk", "--id", "08", "--label", "copied"],
    );
    let copy = hsm.path("copy-of-libsofthsm2.so");
    std::fs::copy(std::fs::canonicalize(MODULE).expect("module"), &copy).expect("copy module");
    let copied = hsm_section("copy", TOKENS[0], "env:ZONESIGN_TEST_PIN", 1)
        .replace(MODULE, &copy.display().to_string());
    let (_, out) = check_pool(
        &hsm,
        &[
            hsm_section(TOKENS[0], TOKENS[0], "env:ZONESIGN_TEST_PIN", 1),
            copied,
            key_section("zsk", "08", "copied", &key_file),
        ],
    );
    let said = text(&out);
    assert_eq!(out.status.code(), Some(3), "{said}");
    assert!(said.contains("hsm copy: its token (serial"), "{said}");
    assert!(said.contains("is hsm fra-1's too"), "{said}");
}

/// The fifth audit (2026-12-06): `hsm keygen` left CKA_DECRYPT, CKA_UNWRAP
/// (and on the public key CKA_ENCRYPT, CKA_WRAP) to the token's default,
/// which SoftHSM2 allows: the RSA zone key decrypted inside the HSM. A zone
/// key is for signing only (PKCS#11 v2.40 §4.9 leaves those defaults to
/// the token, so every usage is set). Read back by OpenSC's `pkcs11-tool`.
#[test]
fn hsm_keygen_keys_sign_and_do_nothing_else() {
    let hsm = SoftHsm::new();
    let bare = hsm.pool("bare.toml", 1, "");
    // A key directory that is not there is an I/O error (exit 5), as for
    // `keygen`, before anything is made (the fiftieth audit: exit 3, "HSM
    // problem"); the keygen below then takes the same id and label.
    let out = hsm.run(
        hsm.zonesign()
            .args(["hsm", "keygen", "--hsm-config"])
            .arg(&bare)
            .args(["-o", ".", "-a", "8", "--zsk", "--id", "09", "--label", "rsa", "--key-dir"])
            .arg(hsm.path("no-such-dir")),
    );
    assert_eq!(out.status.code(), Some(5), "{}", text(&out));
    hsm_keygen(
        &hsm,
        &bare,
        &["-o", "example.", "-a", "8", "--zsk", "--id", "09", "--label", "rsa"],
    );
    let listing = text(&hsm.ok(Command::new("pkcs11-tool").args([
        "--module",
        MODULE,
        "--token-label",
        TOKENS[1],
        "--login",
        "--pin",
        PIN,
        "--list-objects",
    ])));
    let mut usages: Vec<&str> =
        listing.lines().filter_map(|l| l.trim().strip_prefix("Usage:")).map(str::trim).collect();
    usages.sort_unstable();
    assert_eq!(usages, ["sign", "verify"], "{listing}");
}

/// The twelfth audit (2026-12-06): a ZSK whose files were in the key
/// directory and which the pool held too (as while a zone moves to HSMs)
/// signed every RRset twice, once from its file and once through the pool,
/// with no word. One key named twice signs once: through the pool, with a
/// warning naming the files.
/// A P-256 ZSK in every token and as BIND files in a key directory (its
/// `.private` with `timing` lines added) beside a zonesign KSK; the root
/// zone signed with both and `args`. Returns the ZSK's tag, what the run
/// said, and the signed zone, which the validators accept.
fn sign_with_a_key_in_the_directory_and_the_pool(
    hsm: &SoftHsm,
    timing: &str,
    args: &[&str],
) -> (u16, String, String) {
    let (pem, public) = p256_pem();
    for t in TOKENS {
        import(hsm, &pem, "zsk.pem", t, "01", "zsk");
    }
    let key_dir = hsm.path("keys");
    std::fs::create_dir(&key_dir).expect("key dir");
    hsm.ok(hsm.zonesign().args(["keygen", ".", "--ksk", "-a", "13", "--key-dir"]).arg(&key_dir));
    // The same key pair as BIND key files: the scalar is the OCTET STRING
    // of the PKCS#8 document's ECPrivateKey (version 1, then 32 octets).
    let der = data_encoding::BASE64
        .decode(pem.lines().filter(|l| !l.starts_with("-----")).collect::<String>().as_bytes())
        .expect("base64");
    let at = der.windows(5).position(|w| w == [2, 1, 1, 4, 32]).expect("ECPrivateKey") + 5;
    let tag = key_tag(&dnskey_rdata(256, &public));
    let key_file = key_dir.join(format!("K.+013+{tag:05}.key"));
    write_key_file(&key_file, ".", 256, &public);
    std::fs::write(
        key_dir.join(format!("K.+013+{tag:05}.private")),
        format!(
            "Private-key-format: v1.{}\nAlgorithm: 13 (ECDSAP256SHA256)\nPrivateKey: {}\n{timing}",
            // Timing is read from v1.3 files, where a key without it is
            // one `dnssec-keygen -G` made: published by no time.
            if timing.is_empty() { 2 } else { 3 },
            data_encoding::BASE64.encode(&der[at..at + 32])
        ),
    )
    .expect("write .private");
    let pool = hsm.pool("pool.toml", 1, &key_section("zsk", "01", "zsk", &key_file));
    let signed = hsm.path("root.signed");
    let out = hsm.ok(sign_root(hsm, Some(&key_dir), &pool, &signed).args(args));
    assert_validators_accept(&signed, ".");
    (tag, text(&out), std::fs::read_to_string(&signed).expect("read signed zone"))
}

/// The RRSIG records of `zone` that cover `covered`.
fn signatures_of(zone: &str, covered: &str) -> usize {
    zone.lines()
        .filter(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            f.get(3) == Some(&"RRSIG") && f.get(4) == Some(&covered)
        })
        .count()
}

#[test]
fn regression_a_key_in_the_key_directory_and_the_pool_signs_once() {
    let hsm = SoftHsm::new();
    let (tag, said, zone) = sign_with_a_key_in_the_directory_and_the_pool(&hsm, "", &[]);
    assert!(said.contains(&format!("key {tag} (")), "{said}");
    assert!(said.contains("is in the HSM pool too: it signs through the pool"), "{said}");
    assert_eq!(signatures_of(&zone, "SOA"), 1, "the SOA is signed once, by the ZSK");
}

/// The fourteenth audit (2026-12-06): the pool's key, whose files the key
/// directory's timing publishes only (Inactive passed), was refused (exit
/// 2) as "given both to sign and, with --publish …", a `--publish` nobody
/// gave. The pool's configuration names it to sign: it signs, through the
/// pool, and the run says why.
#[test]
fn regression_a_pool_key_its_directory_calls_inactive_signs_through_the_pool() {
    let hsm = SoftHsm::new();
    let (tag, said, zone) = sign_with_a_key_in_the_directory_and_the_pool(
        &hsm,
        "Created: 20260101000000\nPublish: 20260101000000\nActivate: 20260101000000\nInactive: 20260102000000\n",
        &[],
    );
    assert!(!said.contains("--publish"), "{said}");
    assert!(said.contains("would not have it sign"), "{said}");
    assert!(said.contains(&format!("key {tag} (hsm pool")), "{said}");
    assert!(said.contains(&format!("key {tag:>5} alg 13 ZSK")), "{said}");
    assert_eq!(signatures_of(&zone, "SOA"), 1, "the SOA is signed once, by the ZSK");
}

/// The fifteenth audit (2026-12-06): the same past its Delete time: the
/// pool signed with it and published it while the notice and the report
/// said "not published", and no warning was given.
#[test]
fn regression_a_pool_key_its_directory_calls_deleted_signs_and_says_so() {
    let hsm = SoftHsm::new();
    let (tag, said, zone) = sign_with_a_key_in_the_directory_and_the_pool(
        &hsm,
        "Created: 20260101000000\nPublish: 20260101000000\nActivate: 20260101000000\nInactive: 20260102000000\nDelete: 20260103000000\n",
        &[],
    );
    assert!(said.contains(&format!("key {tag} (hsm pool")), "{said}");
    assert!(said.contains("would not have it sign"), "{said}");
    assert!(said.contains(&format!("key {tag:>5} alg 13 ZSK")), "{said}");
    assert_eq!(signatures_of(&zone, "SOA"), 1, "the SOA is signed once, by the ZSK");
}

/// The fourteenth audit (2026-12-06): `--csk` ("every key signs
/// everything") left the pool's keys in their configured roles: the pool's
/// ZSK did not sign the DNSKEY RRset.
#[test]
fn regression_csk_makes_the_pool_s_keys_csks_too() {
    let hsm = SoftHsm::new();
    let (tag, said, zone) = sign_with_a_key_in_the_directory_and_the_pool(&hsm, "", &["--csk"]);
    assert!(said.contains(&format!("key {tag:>5} alg 13 CSK")), "{said}");
    assert_eq!(signatures_of(&zone, "DNSKEY"), 2, "both keys sign the DNSKEY RRset");
    assert_eq!(signatures_of(&zone, "SOA"), 2, "both keys sign the SOA");
}

/// The twelfth audit (2026-12-06): with no HSM usable (here a wrong PIN)
/// the headline sent the operator to `--allow-degraded-pool`, which fails
/// the same way; `hsm check`, which has no such option, said so too.
#[test]
fn regression_no_usable_hsm_suggests_no_degraded_pool() {
    let hsm = SoftHsm::new();
    let bare = hsm.pool("bare.toml", 1, "");
    let key_file = hsm_keygen(
        &hsm,
        &bare,
        &["-o", "example.", "-a", "13", "--zsk", "--id", "05", "--label", "zsk"],
    );
    let (pool, out) = check_pool(
        &hsm,
        &[
            hsm_section(TOKENS[0], TOKENS[0], "env:NO_SUCH_PIN_VARIABLE", 1),
            key_section("zsk", "05", "zsk", &key_file),
        ],
    );
    let said = text(&out);
    assert_eq!(out.status.code(), Some(3), "{said}");
    assert!(said.contains("no HSM of the pool can sign"), "{said}");
    assert!(!said.contains("--allow-degraded-pool"), "{said}");
    let out = hsm.run(
        hsm.zonesign()
            .arg("sign")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/example.zone"))
            .args(["--origin", "example.", "--hsm-config"])
            .arg(&pool)
            .arg("--output")
            .arg(hsm.path("out.zone")),
    );
    let said = text(&out);
    assert_eq!(out.status.code(), Some(3), "{said}");
    assert!(!said.contains("--allow-degraded-pool continues"), "{said}");
}

/// A PKCS#11 module that forwards every call to SoftHSM2, except that
/// C_Sign fails (`CKR_DEVICE_ERROR`) while `SHIM_SIGN_FAIL` is set, C_Sign
/// call number `SHIM_HANG_AT` (counted over the process) never returns (an
/// HSM behind a link that drops packets, or stuck in a firmware fault),
/// C_Sign from call number `SHIM_CORRUPT_FROM` on returns signatures with
/// their first bit flipped (a faulty signing engine), from C_Sign number
/// `SHIM_DEAD_FROM` on every C_Sign and C_CloseSession never returns (a
/// network HSM whose link went down), C_GetTokenInfo of the token
/// labelled `SHIM_TOKENINFO_HANG` never returns and of the one labelled
/// `SHIM_TOKENINFO_FAIL` fails (`CKR_DEVICE_ERROR`), that of the one
/// labelled `SHIM_PIN_LOCKED` says CKF_USER_PIN_LOCKED and of the one
/// labelled `SHIM_PIN_FINAL_TRY` CKF_USER_PIN_FINAL_TRY (the flags at
/// offset 96 of CK_TOKEN_INFO, after its four text fields), and
/// C_DestroyObject fails while `SHIM_DESTROY_FAIL` is set, and
/// C_Initialize (`SHIM_INIT_HANG`) or every C_CloseSession
/// (`SHIM_CLOSE_HANG`) never returns while set, and with `SHIM_SIGN_MARK`
/// each C_Sign creates that file and takes a second (a slow HSM, and a
/// sign to the test that a signature is under way). The function list is
/// copied as PKCS#11 2.40 lays it out: a version, then 68 functions, of
/// which C_Initialize is the 1st, C_GetTokenInfo the 7th, C_CloseSession
/// the 14th, C_DestroyObject the 23rd and C_Sign the 44th.
const FAULT_SHIM: &str =
    "#include <dlfcn.h>\n#include <fcntl.h>\n#include <stdlib.h>\n#include <string.h>\n\
    #include <unistd.h>\n\
    typedef unsigned long rv_t;\n\
    static struct { unsigned char version[8]; void *f[68]; } list;\n\
    static rv_t (*real_sign)(unsigned long, void *, unsigned long, void *, void *);\n\
    static rv_t (*real_destroy)(unsigned long, unsigned long);\n\
    static rv_t (*real_close)(unsigned long);\n\
    static rv_t (*real_token_info)(unsigned long, void *);\n\
    static unsigned long calls;\n\
    static int labelled(const void *info, const char *var) {\n\
      const char *want = getenv(var);\n\
      size_t n = want ? strlen(want) : 0;\n\
      return n && n <= 32 && !memcmp(info, want, n) && (n == 32 || ((char *)info)[n] == ' ');\n\
    }\n\
    static rv_t my_token_info(unsigned long slot, void *info) {\n\
      rv_t rv = real_token_info(slot, info);\n\
      if (!rv && labelled(info, \"SHIM_TOKENINFO_HANG\")) for (;;) sleep(1000);\n\
      if (!rv && labelled(info, \"SHIM_TOKENINFO_FAIL\")) return 0x30;\n\
      if (!rv && labelled(info, \"SHIM_PIN_LOCKED\")) *(unsigned long *)((char *)info + 96) |= 0x40000;\n\
      if (!rv && labelled(info, \"SHIM_PIN_FINAL_TRY\")) *(unsigned long *)((char *)info + 96) |= 0x20000;\n\
      return rv;\n\
    }\n\
    static rv_t my_sign(unsigned long s, void *d, unsigned long n, void *sig, void *len) {\n\
      unsigned long k = sig ? __atomic_add_fetch(&calls, 1, __ATOMIC_SEQ_CST) : 0;\n\
      const char *at = getenv(\"SHIM_HANG_AT\"), *bad = getenv(\"SHIM_CORRUPT_FROM\");\n\
      const char *dead = getenv(\"SHIM_DEAD_FROM\");\n\
      if (sig && at && k == strtoul(at, 0, 10))\n\
        for (;;) sleep(1000);\n\
      if (dead && (k ? k : calls + 1) >= strtoul(dead, 0, 10))\n\
        for (;;) sleep(1000);\n\
      if (getenv(\"SHIM_SIGN_FAIL\")) return 0x30;\n\
      const char *mark = getenv(\"SHIM_SIGN_MARK\");\n\
      if (sig && mark) { close(open(mark, O_CREAT | O_WRONLY, 0644)); sleep(1); }\n\
      rv_t rv = real_sign(s, d, n, sig, len);\n\
      if (!rv && sig && bad && k >= strtoul(bad, 0, 10)) ((unsigned char *)sig)[0] ^= 1;\n\
      return rv;\n\
    }\n\
    static rv_t my_close(unsigned long s) {\n\
      const char *dead = getenv(\"SHIM_DEAD_FROM\");\n\
      if (dead && calls >= strtoul(dead, 0, 10)) for (;;) sleep(1000);\n\
      if (getenv(\"SHIM_CLOSE_HANG\")) for (;;) sleep(1000);\n\
      return real_close(s);\n\
    }\n\
    static rv_t (*real_initialize)(void *);\n\
    static rv_t my_initialize(void *args) {\n\
      if (getenv(\"SHIM_INIT_HANG\")) for (;;) sleep(1000);\n\
      return real_initialize(args);\n\
    }\n\
    static rv_t my_destroy(unsigned long s, unsigned long o) {\n\
      if (getenv(\"SHIM_DESTROY_FAIL\")) return 0x30;\n\
      return real_destroy(s, o);\n\
    }\n\
    rv_t C_GetFunctionList(void **out) {\n\
      void *h = dlopen(\"/usr/lib/softhsm/libsofthsm2.so\", RTLD_NOW);\n\
      if (!h) return 5;\n\
      rv_t (*get)(void **) = (rv_t (*)(void **))dlsym(h, \"C_GetFunctionList\");\n\
      void *real; rv_t rv = get(&real); if (rv) return rv;\n\
      memcpy(&list, real, sizeof list);\n\
      real_token_info = list.f[6]; list.f[6] = (void *)my_token_info;\n\
      real_destroy = list.f[22]; list.f[22] = (void *)my_destroy;\n\
      real_close = list.f[13]; list.f[13] = (void *)my_close;\n\
      real_initialize = list.f[0]; list.f[0] = (void *)my_initialize;\n\
      real_sign = list.f[43]; list.f[43] = (void *)my_sign;\n\
      *out = &list; return 0;\n\
    }\n";

/// The three tokens through [`FAULT_SHIM`], one session each and `extra`
/// in each `[[hsm]]`, then `keys`: the configuration's path.
fn shim_pool(hsm: &SoftHsm, extra: &str, keys: &str) -> PathBuf {
    let shim = build_module(hsm, "libfaultshim.so", FAULT_SHIM);
    let mut config = String::new();
    for t in TOKENS {
        let section = hsm_section(t, t, "env:ZONESIGN_TEST_PIN", 1)
            .replace(MODULE, shim.to_str().expect("UTF-8 path"))
            .replace("sessions = 1\n", &format!("sessions = 1\n{extra}"));
        config.push_str(&section);
    }
    config.push_str(keys);
    let pool = hsm.path("shim.toml");
    std::fs::write(&pool, config).expect("write pool config");
    pool
}

/// A KSK of the root zone in a directory of its own, for `sign_root`.
fn root_ksk_dir(hsm: &SoftHsm) -> PathBuf {
    let ksk_dir = hsm.path("ksk");
    std::fs::create_dir(&ksk_dir).expect("ksk dir");
    hsm.ok(hsm.zonesign().args(["keygen", ".", "--ksk", "-a", "13", "--key-dir"]).arg(&ksk_dir));
    ksk_dir
}

/// A root ZSK (CKA_ID `id`, label `zsk`) made in the three tokens, and
/// the [`shim_pool`] configuration that signs with it.
fn shim_root_pool(hsm: &SoftHsm, extra: &str, id: &str) -> PathBuf {
    let bare = hsm.pool("bare.toml", 1, "");
    let key_file = hsm_keygen(hsm, &bare, &["-o", ".", "--id", id, "--label", "zsk"]);
    shim_pool(hsm, extra, &key_section("zsk", id, "zsk", &key_file))
}

/// The thirty-eighth audit (2026-12-07): `hsm keygen` whose proof failed
/// after every import (an HSM on a full disk takes the objects and stores
/// nothing; here C_Sign fails) left the key in the HSMs and its `.key`
/// file, said nothing of them, and the same keygen was then refused ("an
/// object with CKA_ID 07 exists already"); a destroy that failed while
/// undoing went unsaid. Every HSM is undone now, and what could not be is
/// named.
#[test]
fn regression_hsm_keygen_whose_proof_fails_is_undone_in_every_hsm() {
    let hsm = SoftHsm::new();
    let pool = shim_pool(&hsm, "", "");
    let keys = hsm.path("keys");
    std::fs::create_dir(&keys).unwrap();
    let keygen = |faults: &[&str]| {
        let mut cmd = hsm.zonesign();
        cmd.args(["hsm", "keygen", "--hsm-config"]).arg(&pool);
        cmd.args(["-o", ".", "-a", "13", "--zsk", "--id", "07", "--label", "zsk", "--key-dir"]);
        cmd.arg(&keys);
        for f in faults {
            cmd.env(f, "1");
        }
        hsm.run(&mut cmd)
    };
    let key_files = || std::fs::read_dir(&keys).unwrap().count();

    let out = keygen(&["SHIM_SIGN_FAIL"]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert!(all.contains("CKR_DEVICE_ERROR") && all.contains("undone"), "{all}");
    assert!(!all.contains("NOT undone"), "{all}");
    assert_eq!(key_files(), 0, "{all}");

    let out = keygen(&["SHIM_SIGN_FAIL", "SHIM_DESTROY_FAIL"]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert!(all.contains("NOT undone everywhere"), "{all}");
    for t in TOKENS {
        assert!(all.contains(&format!("hsm {t} (id 07, label zsk")), "{all}");
    }
    assert_eq!(key_files(), 0, "{all}");
}

/// The thirty-eighth audit (2026-12-07): one HSM whose C_Sign never
/// returned hung the whole run, silently and for ever, while the others
/// sat idle: the pool waited for its sub-batch and counted it alive. A
/// session past its HSM's `timeout` now loses its sub-batch to the others,
/// the HSM is taken out of the pool and named, and the run ends with a
/// verified zone.
#[test]
fn regression_an_hsm_that_never_answers_is_taken_out_of_the_pool() {
    let hsm = SoftHsm::new();
    let ksk_dir = root_ksk_dir(&hsm);
    let pool = shim_root_pool(&hsm, "timeout = 2\n", "a1");
    let report = hsm.path("hang.json");
    let out = hsm.run(
        sign_root(&hsm, Some(&ksk_dir), &pool, &hsm.path("root.signed"))
            .arg("--report")
            .arg(&report)
            .env("SHIM_HANG_AT", "50"),
    );
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("removed from the pool"), "{all}");
    assert!(all.contains("no answer to C_Sign within 2 s (its timeout)"), "{all}");
    let report = std::fs::read_to_string(&report).expect("report");
    assert!(report.contains("no answer to C_Sign within 2 s"), "{report}");
}

/// Left by the forty-fourth session's note: `hsm check`, and the proof
/// before `sign`, waited for ever on an HSM whose test signature never
/// came; the signing timeout covered signing only. The proof is now held
/// to the HSM's `timeout` too: the HSM that does not answer fails its
/// proof, named with the call it was in, and `sign --allow-degraded-pool`
/// goes on with the others.
#[test]
fn regression_an_hsm_that_never_answers_its_test_signature_fails_the_proof() {
    let hsm = SoftHsm::new();
    let pool = shim_root_pool(&hsm, "timeout = 2\n", "b1");
    // The proofs run at once; the first C_Sign of the process never returns.
    let one_named = |all: &str| {
        let named = TOKENS.iter().filter(|t| all.contains(&format!("hsm {t}: no answer"))).count();
        assert_eq!(named, 1, "{all}");
        assert!(
            all.contains("no answer to the proof (key lookup and test signature) of key"),
            "{all}"
        );
        assert!(all.contains("within 2 s (its timeout)"), "{all}");
    };

    let ksk_dir = root_ksk_dir(&hsm);
    let signed = hsm.path("root.signed");
    let out = hsm.run(sign_root(&hsm, Some(&ksk_dir), &pool, &signed).env("SHIM_HANG_AT", "1"));
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    one_named(&all);
    assert!(!signed.exists(), "{all}");
    one_hsm_fails(&hsm, &pool, &ksk_dir, ("SHIM_HANG_AT", "1"), one_named);
}

/// `hsm check` under `fault` (a variable of [`FAULT_SHIM`] and its value)
/// fails, exit 3, with one HSM FAILED; `sign --allow-degraded-pool` then
/// signs with the others. `judge` reads the output of both.
fn one_hsm_fails(
    hsm: &SoftHsm,
    pool: &Path,
    ksk_dir: &Path,
    (variable, value): (&str, &str),
    judge: impl Fn(&str),
) {
    let mut check = hsm.zonesign();
    check.args(["hsm", "check", "--hsm-config"]).arg(pool).env(variable, value);
    let out = hsm.run(&mut check);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert_eq!(all.matches("FAILED").count(), 1, "{all}");
    judge(&all);

    let signed = hsm.path("root.signed");
    let out = hsm.run(
        sign_root(hsm, Some(ksk_dir), pool, &signed)
            .arg("--allow-degraded-pool")
            .env(variable, value),
    );
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("DEGRADED HSM POOL"), "{all}");
    judge(&all);
}

/// Left by the forty-fifth session's note: a module whose C_GetTokenInfo
/// never returned hung `hsm check` and `sign` for ever, before any
/// timeout applied (the tokens were found one HSM after the other, ahead
/// of the timed proofs). And the forty-third audit: with the tokens found
/// on one thread per HSM, each asked every slot, so one token that failed
/// or never answered failed every HSM of its module. Each module's slots
/// are now asked once, each on a thread of its own under the timeout, and
/// only the HSM of that token fails, its message naming the slot.
#[test]
fn regression_a_token_that_fails_or_never_answers_fails_its_hsm_only() {
    let hsm = SoftHsm::new();
    let pool = shim_root_pool(&hsm, "timeout = 2\n", "b2");
    let ksk_dir = root_ksk_dir(&hsm);
    let bad = TOKENS[1];
    for (fault, said) in [
        ("SHIM_TOKENINFO_HANG", "no answer to C_GetTokenInfo within 2 s"),
        ("SHIM_TOKENINFO_FAIL", "C_GetTokenInfo failed: CKR_DEVICE_ERROR"),
    ] {
        let only_bad_named = |all: &str| only_hsm_named(all, bad, "token", said);
        one_hsm_fails(&hsm, &pool, &ksk_dir, (fault, bad), only_bad_named);
    }
}

/// The sixty-fifth audit (2026-12-07): a token that says its user PIN is
/// locked, or that one wrong PIN more locks it, was sent a login all the
/// same (a run with a wrong PIN file spent the last try, and said only
/// CKR_PIN_INCORRECT). PKCS#11 v2.40 §3.2: CKF_USER_PIN_FINAL_TRY is "True
/// if supplying an incorrect user PIN will cause it to become locked". No
/// login is tried now, and only that HSM fails, named.
#[test]
fn regression_a_token_whose_pin_is_locked_or_on_its_last_try_gets_no_login() {
    let hsm = SoftHsm::new();
    let pool = shim_root_pool(&hsm, "", "b5");
    let ksk_dir = root_ksk_dir(&hsm);
    let bad = TOKENS[2];
    for (flag, said) in [
        ("SHIM_PIN_LOCKED", "says its user PIN is locked (CKF_USER_PIN_LOCKED): not logging in"),
        ("SHIM_PIN_FINAL_TRY", "one wrong user PIN more locks it (CKF_USER_PIN_FINAL_TRY)"),
    ] {
        let says = format!("token \"{bad}\" says");
        let only_bad_named = |all: &str| only_hsm_named(all, bad, &says, said);
        one_hsm_fails(&hsm, &pool, &ksk_dir, (flag, bad), only_bad_named);
    }
}

/// `all` names HSM `bad` (as `hsm BAD: WHAT`) and says `said`, and names no
/// other HSM.
fn only_hsm_named(all: &str, bad: &str, what: &str, said: &str) {
    assert!(all.contains(&format!("hsm {bad}: {what}")), "{all}");
    assert!(all.contains(said), "{all}");
    for t in TOKENS.iter().filter(|t| **t != bad) {
        assert!(!all.contains(&format!("hsm {t}: ")), "{all}");
    }
}

/// The forty-fourth audit (2026-12-07): a module whose C_Initialize never
/// returned (a network HSM's client connecting) hung `hsm check` and
/// `sign` for ever; one that answered every call and then never returned
/// from C_CloseSession hung `hsm check` before its verdict and `sign`
/// before it wrote its zone. Loading a module, and closing its sessions,
/// are held to the HSMs' timeout now.
#[test]
fn regression_a_module_that_never_initialises_or_closes_holds_no_run() {
    let hsm = SoftHsm::new();
    let pool = shim_root_pool(&hsm, "timeout = 2\n", "b3");
    let ksk_dir = root_ksk_dir(&hsm);
    let mut check = hsm.zonesign();
    check.args(["hsm", "check", "--hsm-config"]).arg(&pool).env("SHIM_INIT_HANG", "1");
    let out = hsm.run(&mut check);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    let said = "no answer to C_GetFunctionList or C_Initialize (loading the module) within 2 s";
    assert!(all.contains(said), "{all}");

    let mut check = hsm.zonesign();
    check.args(["hsm", "check", "--hsm-config"]).arg(&pool).env("SHIM_CLOSE_HANG", "1");
    let out = hsm.run(&mut check);
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert_eq!(all.matches("ok: every key proven").count(), TOKENS.len(), "{all}");

    let signed = hsm.path("root.signed");
    let out = hsm.run(sign_root(&hsm, Some(&ksk_dir), &pool, &signed).env("SHIM_CLOSE_HANG", "1"));
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(signed.exists(), "{all}");
}

/// The forty-sixth audit (2026-12-07): with a module that never returns
/// from C_CloseSession, a `sign` whose proofs failed hung for ever (the
/// failure's sessions were closed on the caller's thread), and `hsm check`
/// said "no answer" where C_Sign had failed (the failed proof's sessions
/// were closed inside its deadline).
#[test]
fn regression_a_failure_is_said_though_the_module_never_closes() {
    let hsm = SoftHsm::new();
    let pool = shim_root_pool(&hsm, "timeout = 2\n", "b4");
    let ksk_dir = root_ksk_dir(&hsm);
    let signed = hsm.path("root.signed");
    let out = hsm.run(
        sign_root(&hsm, Some(&ksk_dir), &pool, &signed)
            .env("SHIM_CLOSE_HANG", "1")
            .env("SHIM_TOKENINFO_FAIL", TOKENS[1]),
    );
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert!(all.contains(&format!("hsm {}: token", TOKENS[1])), "{all}");
    assert!(!signed.exists(), "{all}");

    let mut check = hsm.zonesign();
    check.args(["hsm", "check", "--hsm-config"]).arg(&pool);
    check.env("SHIM_CLOSE_HANG", "1").env("SHIM_SIGN_FAIL", "1");
    let out = hsm.run(&mut check);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert_eq!(all.matches("C_Sign failed: CKR_DEVICE_ERROR").count(), TOKENS.len(), "{all}");
    assert!(!all.contains("no answer"), "{all}");
}

/// `hsm keygen` called its HSMs without a deadline: a rollover agent's
/// keygen waited for ever on an HSM that stopped answering (left by the
/// forty-fifth session's note). Each call is held to the HSM's timeout
/// now; a test signature that never comes undoes the key in the HSMs that
/// answer and names the one that may still hold it.
#[test]
fn regression_hsm_keygen_gives_up_on_an_hsm_that_never_answers() {
    let hsm = SoftHsm::new();
    let pool = shim_pool(&hsm, "timeout = 2\n", "");
    let keys = hsm.path("keys");
    std::fs::create_dir(&keys).unwrap();
    let mut cmd = hsm.zonesign();
    cmd.args(["hsm", "keygen", "--hsm-config"]).arg(&pool);
    cmd.args(["-o", ".", "-a", "13", "--zsk", "--id", "09", "--label", "z9", "--key-dir"]);
    cmd.arg(&keys).env("SHIM_HANG_AT", "1");
    let out = hsm.run(&mut cmd);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert!(all.contains("no answer to the proof (key lookup and test signature)"), "{all}");
    assert!(all.contains("NOT undone everywhere"), "{all}");
    assert!(all.contains(&format!("hsm {} (id 09, label z9: no answer", TOKENS[0])), "{all}");
    assert_eq!(std::fs::read_dir(&keys).unwrap().count(), 0, "{all}");

    let mut cmd = hsm.zonesign();
    cmd.args(["hsm", "keygen", "--hsm-config"]).arg(&pool);
    cmd.args(["-o", ".", "-a", "13", "--zsk", "--id", "0a", "--label", "za", "--key-dir"]);
    cmd.arg(&keys).env("SHIM_TOKENINFO_HANG", TOKENS[2]);
    let out = hsm.run(&mut cmd);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert!(all.contains("no answer to C_GetTokenInfo within 2 s"), "{all}");
    assert_eq!(std::fs::read_dir(&keys).unwrap().count(), 0, "{all}");
}

/// Left by the forty-fourth session's note: `hsm bench` rated an HSM
/// whose signatures went bad mid-measurement, and exited 0; one whose
/// C_Sign stopped answering hung it. A sample of every session's
/// signatures is now verified after the measurement, and the measurement
/// is held to the HSM's `timeout`.
#[test]
fn regression_hsm_bench_refuses_an_hsm_whose_signatures_go_bad_or_stop() {
    let hsm = SoftHsm::new();
    let bare = hsm.pool("bare.toml", 1, "");
    let key_file = hsm_keygen(&hsm, &bare, &["-o", ".", "-a", "13", "--id", "c1", "--label", "k"]);
    let pool = shim_pool(&hsm, "timeout = 2\n", &key_section("zsk", "c1", "k", &key_file));
    let bench = |fault: &str, at: &str| {
        hsm.run(
            hsm.zonesign()
                .args(["hsm", "bench", "--duration", "300ms", "--sessions", "1", "--hsm-config"])
                .arg(&pool)
                .env(fault, at),
        )
    };
    // Three proofs (one per HSM) sign first; the measurement then signs
    // hundreds of times in 300 ms.
    let out = bench("SHIM_CORRUPT_FROM", "20");
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert!(all.contains("returned a signature that does not verify"), "{all}");
    assert!(all.contains(&format!("hsm {} (token", TOKENS[0])), "{all}");

    let out = bench("SHIM_HANG_AT", "20");
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert!(all.contains("no answer to C_Sign within 2 s (its timeout)"), "{all}");

    // The forty-first audit: `--zone` was read after the measurement, and
    // a zone that does not load was an "HSM problem", exit 2. Read first
    // now, with `sign`'s exit codes (5: cannot be read; 4: bad input).
    let bad = hsm.path("bad.zone");
    std::fs::write(&bad, "@ 300 IN SOA a. b. 1 2 3 4 5\n@ BOGUS x\n").expect("write zone");
    for (zone, code) in [(hsm.path("missing.zone"), 5), (bad, 4)] {
        let out = hsm.run(
            hsm.zonesign()
                .args(["hsm", "bench", "--duration", "300ms", "--zone"])
                .arg(&zone)
                .args(["--origin", ".", "--hsm-config"])
                .arg(&pool),
        );
        let all = text(&out);
        assert_eq!(out.status.code(), Some(code), "{all}");
        assert!(!all.contains("HSM problem"), "{all}");
    }
}

/// The processes whose parent is `parent` and whose command line holds
/// `word`, by pid (from /proc).
fn children_with(parent: u32, word: &str) -> Vec<u32> {
    let Ok(dir) = std::fs::read_dir("/proc") else { return Vec::new() };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // `pid (comm) state ppid ...`: the fields after the last `)`.
            let after = stat.rsplit_once(')').map(|(_, a)| a).unwrap_or("");
            let ppid = after.split_whitespace().nth(1).and_then(|p| p.parse::<u32>().ok());
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            ppid == Some(parent) && String::from_utf8_lossy(&cmdline).contains(word)
        })
        .collect()
}

/// Whether process `pid` has ended (gone, or a zombie nobody reaped).
fn ended(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => {
            stat.rsplit_once(')').and_then(|(_, a)| a.split_whitespace().next()) == Some("Z")
        }
    }
}

/// Left by the forty-fourth session's note: SIGTERM to a run while it
/// loaded a module in its trial process ended the run and left that
/// process to go on loading, for as long as the module took (here a
/// minute). The trial process now dies with the run.
#[test]
fn regression_the_trial_load_ends_with_the_run() {
    let hsm = SoftHsm::new();
    let bare = hsm.pool("bare.toml", 1, "");
    let key_file = hsm_keygen(&hsm, &bare, &["-o", ".", "--id", "01", "--label", "k"]);
    let slow = build_module(
        &hsm,
        "libslow.so",
        "#include <unistd.h>\n__attribute__((constructor)) static void start(void) { sleep(60); }\n\
         unsigned long C_GetFunctionList(void **list) { return 5; }\n",
    );
    let pool = hsm.path("slow.toml");
    let section = hsm_section("fra-1", "fra-1", "env:ZONESIGN_TEST_PIN", 1)
        .replace(MODULE, slow.to_str().expect("UTF-8 path"));
    std::fs::write(&pool, format!("{section}{}", key_section("zsk", "01", "k", &key_file)))
        .expect("write config");
    let mut run = hsm
        .env(hsm.zonesign().args(["hsm", "check", "--hsm-config"]).arg(&pool))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start zonesign");
    let start = std::time::Instant::now();
    let mut trial = Vec::new();
    while trial.is_empty() && start.elapsed() < std::time::Duration::from_secs(30) {
        std::thread::sleep(std::time::Duration::from_millis(20));
        trial = children_with(run.id(), "load-module-alone");
    }
    let _ = Command::new("kill").arg("-TERM").arg(run.id().to_string()).status();
    let status = run.wait().expect("wait for zonesign");
    assert_eq!(trial.len(), 1, "no trial process seen (the run ended {status})");
    let gone = std::time::Instant::now();
    while !ended(trial[0]) && gone.elapsed() < std::time::Duration::from_secs(10) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(ended(trial[0]), "the trial process {} outlived the run", trial[0]);
}

/// The forty-second audit (2026-12-07): when every session of the pool
/// stopped answering C_Sign, every caller waited to queue work on a full
/// queue, nobody took the stuck sub-batches, and the run hung silently;
/// and the sessions of an HSM taken out for want of an answer were closed
/// at the end, where C_CloseSession on the dead link hung the run after
/// its zone was signed. Now the run fails in about the timeout, exit 1,
/// nothing written, and no session of a dead HSM is closed.
#[test]
fn regression_a_pool_whose_every_session_stops_answering_fails_and_ends() {
    let hsm = SoftHsm::new();
    let ksk_dir = root_ksk_dir(&hsm);
    let pool = shim_root_pool(&hsm, "timeout = 1\n", "d1");
    let signed = hsm.path("root.signed");
    let out = hsm.run(
        sign_root(&hsm, Some(&ksk_dir), &pool, &signed)
            .args(["--threads", "1"])
            .env("SHIM_DEAD_FROM", "40"),
    );
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("no answer to C_Sign within 1 s"), "{all}");
    assert!(!signed.exists(), "{all}");
}

/// The forty-sixth session's list: the TTL of a BIND `.key` file named as
/// `dnskey` in the HSM configuration was ignored, where that of `--key` and
/// `--key-dir` files sets the DNSKEY RRset's TTL (as `dnssec-signzone -S`
/// takes it). It counts now, as theirs does.
#[test]
fn regression_the_pool_s_key_file_ttl_is_the_dnskey_ttl() {
    let hsm = SoftHsm::new();
    let bare = hsm.pool("bare.toml", 1, "");
    let key_file = hsm_keygen(&hsm, &bare, &["-o", ".", "--id", "05", "--label", "zsk"]);
    let text = std::fs::read_to_string(&key_file).expect("read .key");
    let with_ttl: String = text
        .lines()
        .map(|l| match l.strip_prefix(". IN DNSKEY ") {
            Some(rest) => format!(". 600 IN DNSKEY {rest}\n"),
            None => format!("{l}\n"),
        })
        .collect();
    assert_ne!(with_ttl, text, "the .key file's record line: {text}");
    std::fs::write(&key_file, with_ttl).expect("write .key");
    let pool = hsm.pool("pool.toml", 1, &key_section("zsk", "05", "zsk", &key_file));
    let ksk_dir = root_ksk_dir(&hsm);
    let signed = hsm.path("root.signed");
    hsm.ok(&mut sign_root(&hsm, Some(&ksk_dir), &pool, &signed));
    let zone = std::fs::read_to_string(&signed).expect("read signed zone");
    let ttls: Vec<&str> = zone
        .lines()
        .filter(|l| l.split_whitespace().nth(3) == Some("DNSKEY"))
        .filter_map(|l| l.split_whitespace().nth(1))
        .collect();
    assert_eq!(ttls, ["600", "600"], "{zone}");
    assert_validators_accept(&signed, ".");
}

/// `cmd` started with no input and its outputs kept.
fn spawn_piped(cmd: &mut Command) -> std::process::Child {
    cmd.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start zonesign")
}

/// Sends `child` SIGTERM and waits for it to end. SIGTERM: a test run
/// started in the background (as CI may start it) ignores SIGINT, and
/// zonesign leaves an ignored signal ignored.
fn terminate(child: std::process::Child) -> Output {
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
    child.wait_with_output().expect("zonesign ends")
}

/// The forty-sixth session's list: a signal between two HSMs' steps of `hsm
/// keygen` ended the run with the key in the HSMs done so far, and the
/// same keygen was then refused there ("an object with CKA_ID exists").
/// The keygen now stops at the next step, undoes the key in every HSM,
/// says so, and then ends by the signal.
#[test]
fn regression_hsm_keygen_interrupted_is_undone_in_every_hsm() {
    use std::os::unix::process::ExitStatusExt;
    let hsm = SoftHsm::new();
    let pool = shim_pool(&hsm, "", "");
    let keys = hsm.path("keys");
    std::fs::create_dir(&keys).unwrap();
    let mark = hsm.path("signing");
    let keygen = || {
        let mut cmd = hsm.zonesign();
        cmd.args(["hsm", "keygen", "--hsm-config"]).arg(&pool);
        cmd.args(["-o", ".", "-a", "13", "--zsk", "--id", "0b", "--label", "zsk", "--key-dir"]);
        cmd.arg(&keys);
        cmd
    };
    let mut cmd = keygen();
    hsm.env(&mut cmd).env("SHIM_SIGN_MARK", &mark);
    let child = spawn_piped(&mut cmd);
    // The first HSM's proof is signing: the key is in every HSM.
    let start = std::time::Instant::now();
    while !mark.exists() {
        assert!(start.elapsed() < std::time::Duration::from_secs(60), "no proof began");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = terminate(child);
    let all = text(&out);
    assert_eq!(out.status.signal(), Some(15), "dies by SIGTERM: {all}");
    assert!(all.contains("interrupted by signal 15 while the key was made"), "{all}");
    assert!(all.contains("undone: the key's objects were destroyed in every HSM"), "{all}");
    assert_eq!(std::fs::read_dir(&keys).unwrap().count(), 0, "the .key file is removed: {all}");
    // Nothing is left in any HSM: the same keygen runs again.
    hsm.ok(&mut keygen());

    // Before the key exists a signal ends the run as it comes: held from
    // the start, it waited for an HSM that did not answer (the forty-eighth
    // audit: up to each step's timeout).
    let slow = shim_pool(&hsm, "timeout = 30\n", "");
    let mut cmd = hsm.zonesign();
    cmd.args(["hsm", "keygen", "--hsm-config"]).arg(&slow);
    cmd.args(["-o", ".", "-a", "13", "--zsk", "--id", "0c", "--label", "z2", "--key-dir"]);
    cmd.arg(&keys);
    hsm.env(&mut cmd).env("SHIM_TOKENINFO_HANG", TOKENS[1]);
    let child = spawn_piped(&mut cmd);
    std::thread::sleep(std::time::Duration::from_millis(500));
    let out = terminate(child);
    let all = text(&out);
    assert_eq!(out.status.signal(), Some(15), "dies by SIGTERM: {all}");
    assert!(!all.contains("finished or undone"), "nothing to undo, nothing held: {all}");
    assert_eq!(std::fs::read_dir(&keys).unwrap().count(), 1, "only the first key's file: {all}");
}
