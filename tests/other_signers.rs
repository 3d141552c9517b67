//! Our verifier must agree with the independent validators on zones signed
//! by other signers: dnssec-signzone (BIND), ldns-signzone (ldns) and
//! kzonesign (Knot) each produce a zone `zonesign verify` accepts.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let text =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{cmd:?} failed ({}):\n{text}", out.status);
    text
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/example.zone")
}

/// Makes a KSK and a ZSK with `dnssec-keygen`; returns their base names.
fn bind_keys(dir: &Path) -> (String, String) {
    let ksk = run(Command::new("dnssec-keygen").current_dir(dir).args([
        "-q",
        "-a",
        "ECDSAP256SHA256",
        "-f",
        "KSK",
        "example.",
    ]));
    let zsk = run(Command::new("dnssec-keygen").current_dir(dir).args([
        "-q",
        "-a",
        "ECDSAP256SHA256",
        "example.",
    ]));
    (ksk.trim().to_string(), zsk.trim().to_string())
}

/// `dnssec-signzone -q -O full [EXTRA] -o example. -f OUT ZONE KEYS...` in `dir`.
fn dnssec_signzone(dir: &Path, zone: &Path, out: &Path, extra: &[&str], keys: &[&str]) {
    run(Command::new("dnssec-signzone")
        .current_dir(dir)
        .args(["-q", "-O", "full"])
        .args(extra)
        .args(["-o", "example.", "-f"])
        .arg(out)
        .arg(zone)
        .args(keys));
}

fn zonesign_verify(zone: &Path) {
    run(Command::new(env!("CARGO_BIN_EXE_zonesign")).args(["verify", "-o", "example."]).arg(zone));
}

fn zone_with_keys(dir: &Path, keys: &[&str]) -> PathBuf {
    let mut text = std::fs::read_to_string(example()).unwrap();
    for k in keys {
        text.push_str(&std::fs::read_to_string(dir.join(format!("{k}.key"))).unwrap());
    }
    let p = dir.join("example.zone");
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn dnssec_signzone_nsec_and_nsec3_opt_out_verify() {
    let dir = tempfile::tempdir().unwrap();
    let (ksk, zsk) = bind_keys(dir.path());
    let zone = zone_with_keys(dir.path(), &[&ksk, &zsk]);
    let out = dir.path().join("bind-nsec.zone");
    dnssec_signzone(dir.path(), &zone, &out, &[], &[&ksk, &zsk]);
    zonesign_verify(&out);
    let out3 = dir.path().join("bind-nsec3.zone");
    dnssec_signzone(dir.path(), &zone, &out3, &["-3", "-", "-H", "0", "-A"], &[&ksk, &zsk]);
    zonesign_verify(&out3);
}

#[test]
fn ldns_signzone_nsec_and_nsec3_verify() {
    let dir = tempfile::tempdir().unwrap();
    let (ksk, zsk) = bind_keys(dir.path());
    let zone = dir.path().join("example.zone");
    std::fs::copy(example(), &zone).unwrap();
    let out = dir.path().join("ldns-nsec.zone");
    run(Command::new("ldns-signzone")
        .current_dir(dir.path())
        .arg("-f")
        .arg(&out)
        .arg(&zone)
        .args([&ksk, &zsk]));
    zonesign_verify(&out);
    let out3 = dir.path().join("ldns-nsec3.zone");
    run(Command::new("ldns-signzone")
        .current_dir(dir.path())
        .args(["-n", "-t", "0", "-f"])
        .arg(&out3)
        .arg(&zone)
        .args([&ksk, &zsk]));
    zonesign_verify(&out3);
}

#[test]
fn kzonesign_nsec3_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (ksk, zsk) = bind_keys(d);
    let zone = d.join("example.zone");
    std::fs::copy(example(), &zone).unwrap();
    let outdir = d.join("out");
    std::fs::create_dir(&outdir).unwrap();
    std::fs::create_dir(d.join("db")).unwrap();
    let conf = d.join("knot.conf");
    std::fs::write(
        &conf,
        format!(
            "database:\n  storage: \"{db}\"\npolicy:\n  - id: manual\n    manual: on\n    nsec3: on\n    nsec3-iterations: 0\n    nsec3-salt-length: 0\nzone:\n  - domain: example.\n    file: \"{zone}\"\n    dnssec-signing: on\n    dnssec-policy: manual\n",
            db = d.join("db").display(),
            zone = zone.display()
        ),
    )
    .unwrap();
    for k in [&ksk, &zsk] {
        run(Command::new("keymgr")
            .arg("-c")
            .arg(&conf)
            .args(["example.", "import-bind"])
            .arg(d.join(format!("{k}.private"))));
    }
    run(Command::new("kzonesign").arg("-c").arg(&conf).arg("-o").arg(&outdir).arg("example."));
    let signed = std::fs::read_dir(&outdir)
        .unwrap()
        .flatten()
        .next()
        .expect("kzonesign wrote nothing")
        .path();
    zonesign_verify(&signed);
}

/// RFC 7344 §4.1, continuity: a CDNSKEY naming the ZSK, which
/// `dnssec-signzone` (without `-x`) has sign the DNSKEY RRset too, keeps the
/// delegation working once the parent follows it; `dnssec-cds` takes it and
/// the three validators accept the zone. `verify` failed it,
/// `cds-breaks-delegation`, counting only the SEP keys (the twenty-third
/// audit, 2026-12-06).
#[test]
fn rfc7344_section_4_1_cdnskey_of_a_zsk_that_signs_the_dnskey_rrset_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let (ksk, zsk) = bind_keys(dir.path());
    let zone = zone_with_keys(dir.path(), &[&ksk, &zsk]);
    let key = std::fs::read_to_string(dir.path().join(format!("{zsk}.key"))).unwrap();
    let dnskey = key.lines().find(|l| !l.starts_with(';') && l.contains("DNSKEY")).unwrap();
    let rdata = dnskey.split("DNSKEY").nth(1).unwrap().trim();
    let mut text = std::fs::read_to_string(&zone).unwrap();
    text.push_str(&format!("example. 3600 IN CDNSKEY {rdata}\n"));
    std::fs::write(&zone, text).unwrap();
    let out = dir.path().join("bind-zsk-cdnskey.zone");
    dnssec_signzone(dir.path(), &zone, &out, &[], &[&ksk, &zsk]);
    zonesign_verify(&out);
}
