//! The JSON report of `zonesign sign`, the DS file for the parent and the
//! trust-anchor check of `zonesign verify`, CDS/CDNSKEY publication.

mod common;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

fn zonesign() -> Command {
    Command::new(common::zonesign_bin())
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    let text =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{cmd:?}: {text}");
    text
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/example.zone")
}

fn keys(dir: &Path) -> PathBuf {
    let k = dir.join("keys");
    std::fs::create_dir_all(&k).unwrap();
    for role in ["--ksk", "--zsk"] {
        run(zonesign().args(["keygen", "example.", "-a", "14", role, "--key-dir"]).arg(&k));
    }
    k
}

/// `zonesign sign INPUT` of the example zone's origin with the keys in
/// `keys` into `out`, `extra` beside -o, -q and --key-dir (`-` as INPUT
/// reads standard input).
fn sign_command(input: &Path, keys: &Path, out: &Path, extra: &[&std::ffi::OsStr]) -> Command {
    let mut cmd = zonesign();
    cmd.arg("sign")
        .arg(input)
        .args(["-o", "example.", "-q", "--key-dir"])
        .arg(keys)
        .arg("--output")
        .arg(out)
        .args(extra);
    cmd
}

/// Signs the example zone (see [`sign_command`]).
fn sign_example(keys: &Path, out: &Path, extra: &[&std::ffi::OsStr]) -> String {
    run(&mut sign_command(&example(), keys, out, extra))
}

/// SHA-256 of the file at `path`, in hex, as the report gives it.
fn sha256_hex(path: &Path) -> String {
    let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &std::fs::read(path).unwrap());
    data_encoding::HEXLOWER.encode(d.as_ref())
}

#[test]
fn report_ds_file_trust_anchor_and_cds() {
    let dir = tempfile::tempdir().unwrap();
    let k = keys(dir.path());
    let out = dir.path().join("signed.zone");
    let report = dir.path().join("report.json");
    let ds = dir.path().join("dsset");
    let extra = ["--cds", "--report", "--ds"].map(std::ffi::OsStr::new);
    sign_example(&k, &out, &[extra[0], extra[1], report.as_os_str(), extra[2], ds.as_os_str()]);

    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(r["zone"], "example.");
    assert_eq!(r["serial"], 2026082201);
    assert_eq!(r["outcome"], "signed");
    // The input hashed beside the load, the output by the writer as it
    // wrote: both the digests of the files.
    assert_eq!(r["input_sha256"].as_str().unwrap(), sha256_hex(&example()));
    assert_eq!(r["output_sha256"].as_str().unwrap(), sha256_hex(&out));
    let key_reports = r["keys"].as_array().unwrap();
    assert_eq!(key_reports.len(), 2);
    assert!(key_reports
        .iter()
        .all(|k| k["signatures"].as_u64().unwrap() > 0 && k["algorithm"] == 14));
    assert_eq!(r["verification"]["counts"]["signatures_failed"], 0);
    let stages: Vec<&str> =
        r["timeline"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(stages, ["keys", "load", "denial", "sign", "write", "verify"]);
    assert!(r["timeline"][0]["start_utc"].as_str().unwrap().ends_with('Z'));

    // RFC 7344: CDS and CDNSKEY at the apex, signed by the KSK; validators accept.
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.lines().any(|l| l.split_whitespace().nth(3) == Some("CDS")));
    assert!(text.lines().any(|l| l.split_whitespace().nth(3) == Some("CDNSKEY")));
    run(Command::new("dnssec-verify").args(["-q", "-o", "example."]).arg(&out));
    run(Command::new("kzonecheck").args(["-d", "on", "-o", "example."]).arg(&out));

    // The DS file: digest 2 and, for algorithm 14, digest 4 (RFC 6605 §2),
    // equal to what BIND derives from the zone's DNSKEY; no TTL, as BIND's
    // `dsset-` files (the seventy-third audit: a fixed 3600 overrode the
    // parent's `$TTL`).
    let ds_text = std::fs::read_to_string(&ds).unwrap();
    assert!(ds_text.lines().all(|l| l.starts_with("example.\tIN\tDS\t")), "{ds_text}");
    let digests: Vec<&str> =
        ds_text.lines().map(|l| l.split_whitespace().nth(5).unwrap()).collect();
    assert_eq!(digests, ["2", "4"]);
    let bind = run(Command::new("dnssec-dsfromkey").args(["-2", "-f"]).arg(&out).arg("example."));
    let bind_digest = bind.split_whitespace().last().unwrap().to_ascii_uppercase();
    assert!(ds_text.to_ascii_uppercase().contains(&bind_digest), "{ds_text} vs {bind}");

    // RFC 4035 §4.4: the DS as trust anchor verifies the chain.
    run(zonesign().args(["verify", "-q", "-o", "example.", "--trust-anchor"]).arg(&ds).arg(&out));
    // Another zone's DS does not.
    let other = tempfile::tempdir().unwrap();
    let k2 = keys(other.path());
    let ds2 = other.path().join("dsset");
    sign_example(&k2, &other.path().join("s.zone"), &["--ds".as_ref(), ds2.as_os_str()]);
    let o = zonesign()
        .args(["verify", "-q", "-o", "example.", "--trust-anchor"])
        .arg(&ds2)
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("trust-anchor-mismatch"));
}

/// The SOA serial of the signed zone text.
fn soa_serial_of(path: &Path) -> u32 {
    let text = std::fs::read_to_string(path).unwrap();
    let soa = text.lines().find(|l| l.split_whitespace().nth(3) == Some("SOA")).unwrap();
    soa.split_whitespace().nth(6).unwrap().parse().unwrap()
}

/// The input read from standard input has its digest in the report too:
/// the bytes the zone was loaded from are hashed, not a second read of the
/// path.
#[test]
fn the_report_gives_the_digest_of_a_zone_read_from_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let k = keys(dir.path());
    let out = dir.path().join("signed.zone");
    let report = dir.path().join("report.json");
    let status = sign_command(Path::new("-"), &k, &out, &["--report".as_ref(), report.as_os_str()])
        .stdin(std::fs::File::open(example()).unwrap())
        .status()
        .unwrap();
    assert!(status.success());
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(r["input_sha256"].as_str().unwrap(), sha256_hex(&example()));
}

/// RFC 1982 §3.1 / `dnssec-signzone -N increment`: re-signing a published
/// zone (the emergency rebuild) with `--serial increment` publishes the next
/// serial, so that secondaries transfer it; `keep` leaves it; `date` moves
/// to today's YYYYMMDD00 when that is greater. Each output validates.
#[test]
fn rfc1982_section_3_1_serial_policies_on_re_signing() {
    common::require_tool("dnssec-verify", "bind9-utils");
    let dir = tempfile::tempdir().unwrap();
    let k = keys(dir.path());
    let sign = |input: &Path, out: &Path, policy: &str| -> serde_json::Value {
        let report = dir.path().join("serial-report.json");
        let extra = ["--serial".as_ref(), policy.as_ref(), "--report".as_ref(), report.as_os_str()];
        run(&mut sign_command(input, &k, out, &extra));
        run(Command::new("dnssec-verify").args(["-q", "-o", "example."]).arg(out));
        serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap()
    };
    let first = dir.path().join("first.zone");
    let r = sign(&example(), &first, "keep");
    assert_eq!(soa_serial_of(&first), 2026082201);
    assert_eq!(
        (r["input_serial"].as_u64(), r["serial"].as_u64()),
        (Some(2026082201), Some(2026082201))
    );
    assert_eq!(r["serial_policy"], "keep");

    // The signed zone as input: its old DNSSEC records are replaced.
    let second = dir.path().join("second.zone");
    let r = sign(&first, &second, "increment");
    assert_eq!(soa_serial_of(&second), 2026082202);
    assert_eq!(r["input_serial"], 2026082201);
    assert_eq!(r["serial"], 2026082202);
    assert_eq!(r["serial_policy"], "increment");
    assert_eq!(r["warnings"].as_array().map(Vec::len), Some(0), "{}", r["warnings"]);

    // A signed input keeping its serial: secondaries would not take it.
    let kept = dir.path().join("kept.zone");
    let r = sign(&second, &kept, "keep");
    let warnings = r["warnings"].to_string();
    assert!(warnings.contains("keeps its serial 2026082202"), "{warnings}");

    let third = dir.path().join("third.zone");
    sign(&second, &third, "date");
    let today = time::OffsetDateTime::now_utc().date();
    let date =
        (today.year() as u32 * 10_000 + today.month() as u32 * 100 + today.day() as u32) * 100;
    // Today's date serial, or (past midnight UTC between the two reads of the clock) tomorrow's.
    let got = soa_serial_of(&third);
    assert!(got == date || got / 100 > date / 100, "date serial {got}, today {date}");

    let out = zonesign()
        .arg("sign")
        .arg(example())
        .args(["-o", "example.", "-q", "--serial", "soon", "--key-dir"])
        .arg(&k)
        .arg("--output")
        .arg(dir.path().join("never.zone"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a bad --serial is a usage error");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("expected keep, increment, unixtime or date")
    );
    assert!(!dir.path().join("never.zone").exists());
}

/// RFC 4035 §5: validators reach the zone's DNSKEY RRset through the
/// parent's DS. An emergency rebuild signed with a KSK the parent's DS does
/// not name would be bogus however valid its signatures: with
/// `--trust-anchor` (the parent's DS set) such a run stops before signing,
/// exit 3, naming the keys, the previous output untouched; with the right
/// KSK it signs, and the written zone is checked against the DS too.
#[test]
fn rfc4035_section_5_sign_under_the_parents_ds_refuses_another_ksk() {
    let dir = tempfile::tempdir().unwrap();
    let k = keys(dir.path());
    let published = dir.path().join("published.zone");
    let ds = dir.path().join("dsset");
    sign_example(&k, &published, &["--ds".as_ref(), ds.as_os_str()]);
    // Re-signs the published zone with `keys` into `out`, with `extra`
    // options beside -o, -q and --key-dir.
    let resign = |keys: &Path, out: &Path, extra: &[&std::ffi::OsStr]| {
        zonesign()
            .arg("sign")
            .arg(&published)
            .args(["-o", "example.", "-q", "--key-dir"])
            .arg(keys)
            .arg("--output")
            .arg(out)
            .args(extra)
            .output()
            .unwrap()
    };
    let under_ds =
        ["--serial".as_ref(), "increment".as_ref(), "--trust-anchor".as_ref(), ds.as_os_str()];
    let rebuild = |keys: &Path, out: &Path| resign(keys, out, &under_ds);
    let good = dir.path().join("rebuilt.zone");
    let o = rebuild(&k, &good);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    run(Command::new("dnssec-verify").args(["-q", "-o", "example."]).arg(&good));

    // The same zone with a freshly generated KSK beside the right ZSK.
    let other = tempfile::tempdir().unwrap();
    let k2 = keys(other.path());
    let files: Vec<PathBuf> = std::fs::read_dir(&k2).unwrap().map(|e| e.unwrap().path()).collect();
    for path in files {
        if path.extension().is_some_and(|e| e == "key")
            && std::fs::read_to_string(&path).unwrap().contains(" 256 3 ")
        {
            std::fs::remove_file(&path).unwrap();
            std::fs::remove_file(path.with_extension("private")).unwrap();
        }
    }
    for entry in std::fs::read_dir(&k).unwrap() {
        let path = entry.unwrap().path();
        let key = path.with_extension("key");
        if std::fs::read_to_string(&key).unwrap().contains(" 256 3 ") {
            std::fs::copy(&path, k2.join(path.file_name().unwrap())).unwrap();
        }
    }
    let before = std::fs::read(&good).unwrap();
    let o = rebuild(&k2, &good);
    assert_eq!(o.status.code(), Some(3), "{}", String::from_utf8_lossy(&o.stderr));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("no key that signs the DNSKEY RRset"), "{stderr}");
    assert!(stderr.contains("dsset"), "{stderr}");
    assert_eq!(std::fs::read(&good).unwrap(), before, "the previous output changed");

    // Without --trust-anchor the new KSK signs, with a warning (stderr and
    // report) that the input's KSK is gone; with the old KSK kept, none.
    let report = dir.path().join("warned.json");
    let o =
        resign(&k2, &dir.path().join("warned.zone"), &["--report".as_ref(), report.as_os_str()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("which does not sign the signed zone's"), "{stderr}");
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert!(r["warnings"][0].as_str().unwrap().contains("give --trust-anchor"), "{r}");
    let o =
        resign(&k, &dir.path().join("quiet.zone"), &["--serial".as_ref(), "increment".as_ref()]);
    assert!(o.status.success());
    assert!(!String::from_utf8_lossy(&o.stderr).contains("warning"));
}

/// `--dnskey-ttl` takes a TTL as the zone file writes one, as
/// `dnssec-signzone -T 1w` does (`1w` was refused: the twenty-ninth audit,
/// 2026-12-06).
#[test]
fn dnskey_ttl_takes_units_as_the_zone_file() {
    let dir = tempfile::tempdir().unwrap();
    let k = keys(dir.path());
    let out = dir.path().join("signed.zone");
    sign_example(&k, &out, &["--dnskey-ttl".as_ref(), "1w".as_ref()]);
    let text = std::fs::read_to_string(&out).unwrap();
    let ttls: Vec<&str> = text
        .lines()
        .filter(|l| l.split_whitespace().nth(3) == Some("DNSKEY"))
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    assert!(!ttls.is_empty() && ttls.iter().all(|&t| t == "604800"), "{ttls:?}");
}

/// RFC 6781 §4.1.1.1 (pre-publish ZSK rollover): the ZSK that signed the
/// published zone stays in the DNSKEY RRset until its signatures are gone
/// from every server and cache. A re-signing run that drops it at once
/// (signing with a new ZSK, the old one neither signing nor `--publish`ed)
/// warns, naming it; with the old key published, no warning.
#[test]
fn rfc6781_section_4_1_1_1_dropping_the_zsk_that_signed_the_input_warns() {
    let dir = tempfile::tempdir().unwrap();
    let k = keys(dir.path());
    let published = dir.path().join("published.zone");
    sign_example(&k, &published, &[]);
    // The KSK, and a new ZSK in place of the old one.
    let k2 = dir.path().join("keys2");
    std::fs::create_dir(&k2).unwrap();
    let mut old_zsk = None;
    for entry in std::fs::read_dir(&k).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "key") {
            if std::fs::read_to_string(&path).unwrap().contains(" 256 3 ") {
                old_zsk = Some(path);
            } else {
                std::fs::copy(&path, k2.join(path.file_name().unwrap())).unwrap();
                let private = path.with_extension("private");
                std::fs::copy(&private, k2.join(private.file_name().unwrap())).unwrap();
            }
        }
    }
    let old_zsk = old_zsk.expect("a ZSK .key file");
    run(zonesign().args(["keygen", "example.", "-a", "14", "--zsk", "--key-dir"]).arg(&k2));
    let old_tag = old_zsk.file_name().unwrap().to_string_lossy().rsplit('+').next().unwrap()[..5]
        .trim_start_matches('0')
        .to_string();
    let resign = |input: &Path, keys: &Path, extra: &[&std::ffi::OsStr]| {
        let output = dir.path().join("resigned.zone");
        let text = run(zonesign()
            .arg("sign")
            .arg(input)
            .args(["-o", "example.", "--serial", "increment", "--key-dir"])
            .arg(keys)
            .arg("--output")
            .arg(&output)
            .args(extra));
        (text, output)
    };
    let (text, _) = resign(&published, &k2, &[]);
    assert!(
        text.contains(&format!("key {old_tag} signed")) && text.contains("--publish"),
        "{text}"
    );
    let (text, _) = resign(&published, &k2, &["--publish".as_ref(), old_zsk.as_os_str()]);
    assert!(!text.contains(&format!("key {old_tag} signed")), "{text}");
    // The fifth audit (2026-12-06): the new ZSK signs though it was never
    // in the published DNSKEY RRset; caches holding that RRset cannot
    // validate its signatures.
    assert!(text.contains("none of the keys signing it was in the input's DNSKEY RRset"), "{text}");
    // The rollover done as §4.1.1.1 has it: the new ZSK published first,
    // then signing with the old one published: no warning.
    let new_zsk = std::fs::read_dir(&k2)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.extension().is_some_and(|e| e == "key")
                && std::fs::read_to_string(p).unwrap().contains(" 256 3 ")
        })
        .expect("the new ZSK's .key file");
    let (_, step1) = resign(&published, &k, &["--publish".as_ref(), new_zsk.as_os_str()]);
    let prepublished = dir.path().join("prepublished.zone");
    std::fs::rename(&step1, &prepublished).unwrap();
    let (text, _) = resign(&prepublished, &k2, &["--publish".as_ref(), old_zsk.as_os_str()]);
    assert!(!text.contains("warning:"), "{text}");
    // Forgetting the pre-published key in a routine re-sign warns.
    let (text, _) = resign(&prepublished, &k, &[]);
    assert!(text.contains("without signing (a key published ahead of a rollover"), "{text}");
}

/// RFC 4035 §2.4: a DS RRset at a name without NS records (a delegation
/// taken out, its DS left behind) is signed as data, with a warning given
/// once, with the input's place, and kept in the report.
#[test]
fn rfc4035_section_2_4_ds_without_ns_warns_once_and_in_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let k = keys(dir.path());
    let zone = dir.path().join("left-ds.zone");
    let mut text = std::fs::read_to_string(example()).unwrap();
    let line = text.lines().count() + 1;
    text.push_str(
        "gone.example. 3600 IN DS 12345 13 2 \
         3F2B1E0D4C5A69788796A5B4C3D2E1F00F1E2D3C4B5A69788796A5B4C3D2E1F0\n",
    );
    std::fs::write(&zone, text).unwrap();
    let report = dir.path().join("report.json");
    let out = run(zonesign()
        .arg("sign")
        .arg(&zone)
        .args(["-o", "example.", "-q", "--key-dir"])
        .arg(&k)
        .arg("--output")
        .arg(dir.path().join("signed.zone"))
        .arg("--report")
        .arg(&report));
    let warning =
        format!("left-ds.zone:{line}: warning: gone.example. has a DS RRset but no NS RRset");
    assert_eq!(out.matches("has a DS RRset but no NS RRset").count(), 1, "{out}");
    assert!(out.contains(&warning), "{out}");
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let warnings = r["warnings"].as_array().unwrap();
    assert!(warnings.iter().any(|w| w.as_str().unwrap().contains(&warning)), "{warnings:?}");
}

/// RFC 8624 §3.3: a delegation whose only DS has a digest type validators
/// cannot use (here 100) validates as insecure. The run's verification of
/// the written zone found it, but `sign` printed only "1 warnings", nothing
/// under -q, and the report's `warnings` left it out (the seventeenth
/// audit, 2026-12-06). `kzonecheck` rejects such a zone; `dnssec-signzone`
/// signs it, as zonesign does.
#[test]
fn rfc8624_section_3_3_the_written_zones_warnings_are_said_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let k = keys(dir.path());
    let zone = dir.path().join("ds-100.zone");
    let mut text = std::fs::read_to_string(example()).unwrap();
    text.push_str(
        "odd.example. 3600 IN NS ns.elsewhere.test.\n\
         odd.example. 3600 IN DS 12345 13 100 00112233\n",
    );
    std::fs::write(&zone, text).unwrap();
    let report = dir.path().join("report.json");
    let out = run(&mut sign_command(
        &zone,
        &k,
        &dir.path().join("signed.zone"),
        &["--report".as_ref(), report.as_os_str()],
    ));
    let warning = "warning: ds-digest-type-unsupported odd.example. DS";
    assert!(out.contains(warning), "{out}");
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let warnings = r["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap().contains(&format!("the written zone: {warning}"))),
        "{warnings:?}"
    );
    // The NSEC3 iterations are warned of once, by the run, not again as a
    // warning of the written zone (the eighteenth audit).
    let out = run(&mut sign_command(
        &example(),
        &k,
        &dir.path().join("signed.zone"),
        &["--nsec3".as_ref(), "--iterations".as_ref(), "5".as_ref()],
    ));
    assert_eq!(out.matches("iterations").count(), 1, "{out}");
}

/// A run that fails before it starts, or a zone that does not load, still
/// writes its report: an earlier run's `"passed": true` or `"outcome":
/// "signed"` stayed in the file (an audit, 2026-12-06). Load warnings are
/// in the verify report as in the sign report.
#[test]
fn regression_a_failed_run_replaces_an_earlier_report() {
    let dir = tempfile::tempdir().unwrap();
    let keys = keys(dir.path());
    let report = dir.path().join("report.json");
    let json = |path: &Path| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
    };
    // Verify: a good zone with a warning, then a zone that does not load.
    let signed = dir.path().join("signed.zone");
    sign_example(&keys, &signed, &[]);
    let mut text = std::fs::read_to_string(&signed).unwrap();
    text.push_str("orphan.example. 3600 IN DS 1 13 2 0000000000000000000000000000000000000000000000000000000000000000\n");
    let warned = dir.path().join("warned.zone");
    std::fs::write(&warned, &text).unwrap();
    let verify = |zone: &Path| {
        zonesign()
            .args(["verify", "-q", "-o", "example.", "--report"])
            .arg(&report)
            .arg(zone)
            .output()
            .unwrap()
    };
    verify(&warned);
    let r = json(&report);
    assert!(r["warnings"][0].as_str().unwrap().contains("DS RRset but no NS"), "{r}");
    let bad = dir.path().join("bad.zone");
    std::fs::write(&bad, "@ 300 SOA ns h 1 2 3 4 5\n@ 300 A 1.2.3\n").unwrap();
    assert_eq!(verify(&signed).status.code(), Some(0));
    assert_eq!(json(&report)["passed"], true);
    // The threads it ran with (the forty-ninth audit: not said).
    assert!(json(&report)["threads"].as_u64().is_some_and(|n| n >= 1), "{}", json(&report));
    assert_eq!(verify(&bad).status.code(), Some(4));
    let r = json(&report);
    assert_eq!(r["passed"], false, "{r}");
    assert!(r["error"].as_str().unwrap().contains("syntax error"), "{r}");

    // Sign: an output in a directory that is not there.
    let out = sign_command(
        &example(),
        &keys,
        &dir.path().join("missing/signed.zone"),
        &["--report".as_ref(), report.as_os_str()],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let r = json(&report);
    assert!(r["outcome"].as_str().unwrap().contains("no directory"), "{r}");
}

/// The seventh audit (2026-12-06): an emergency re-sign of an Opt-Out
/// NSEC3 zone that forgot `--nsec3 --opt-out --salt` published NSEC, a
/// record and a signature per insecure delegation and a walkable zone,
/// without a word. As `dnssec-signzone` keeps an existing chain, a signed
/// input now keeps its denial and NSEC3 parameters unless `--nsec` or
/// `--nsec3` is given; a change asked for is made with a warning naming
/// both; the report names the denial published (RFC 5155 §4, §10.4).
#[test]
fn rfc5155_section_4_a_re_sign_keeps_the_input_nsec3_parameters_unless_told() {
    let dir = tempfile::tempdir().unwrap();
    let k = keys(dir.path());
    let os = |s: &'static str| std::ffi::OsStr::new(s);
    let first = dir.path().join("first.zone");
    sign_example(&k, &first, &[os("--nsec3"), os("--opt-out"), os("--salt"), os("abcd")]);
    let report = dir.path().join("report.json");
    // Re-signs `input` into `name` with `extra`: the output, and the report.
    let resign =
        |input: &Path, name: &str, extra: &[&'static str]| -> (PathBuf, serde_json::Value) {
            let out = dir.path().join(name);
            let mut args: Vec<&std::ffi::OsStr> = extra.iter().map(|a| os(a)).collect();
            args.extend([os("--report"), report.as_os_str()]);
            run(&mut sign_command(input, &k, &out, &args));
            (out, serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap())
        };
    let param = |zone: &Path| -> Option<String> {
        let text = std::fs::read_to_string(zone).unwrap();
        text.lines()
            .find(|l| l.contains("\tNSEC3PARAM\t"))
            .map(|l| l.rsplit('\t').next().unwrap().to_string())
    };
    assert_eq!(param(&first).as_deref(), Some("1 0 0 ABCD"));
    let kept = "NSEC3 (salt ABCD, 0 extra iterations, Opt-Out)";

    // No denial option: the input's kept.
    let (second, r) = resign(&first, "second.zone", &[]);
    assert_eq!(r["denial_mode"], kept);
    assert!(!r["warnings"].to_string().contains("denial"), "{r}");
    // RFC 9276 §3.1: a salt kept from the input is warned about, once
    // (the written zone's own `nsec3-salt` warning is not said again).
    let salt_warning = "the input's NSEC3 salt ABCD: RFC 9276 §3.1 asks for no salt";
    assert!(r["warnings"].to_string().contains(salt_warning), "{r}");
    assert_eq!(r["warnings"].to_string().matches("RFC 9276 §3.1").count(), 1, "{r}");
    assert_eq!(param(&second).as_deref(), Some("1 0 0 ABCD"));
    let text = std::fs::read_to_string(&second).unwrap();
    assert!(text
        .lines()
        .filter(|l| l.contains("\tNSEC3\t"))
        .all(|l| l.contains("\tNSEC3\t1 1 0 ABCD ")));

    // --nsec3 alone: its defaults, with a warning naming both.
    let (third, r) = resign(&first, "third.zone", &["--nsec3"]);
    assert_eq!(r["denial_mode"], "NSEC3 (salt -, 0 extra iterations, no Opt-Out)");
    let replaced = format!("the input's denial of existence is {kept}; this run replaces it");
    assert!(r["warnings"].to_string().contains(&replaced), "{r}");
    assert!(!r["warnings"].to_string().contains("RFC 9276"), "{r}");
    assert_eq!(param(&third).as_deref(), Some("1 0 0 -"));

    // --nsec: NSEC, with the warning.
    let (fourth, r) = resign(&first, "fourth.zone", &["--nsec"]);
    assert_eq!(r["denial_mode"], "NSEC");
    assert!(r["warnings"].to_string().contains("replaces it with NSEC,"), "{r}");
    assert_eq!(param(&fourth), None);

    // An unsigned input without options: NSEC, no warning.
    let (fifth, r) = resign(&example(), "fifth.zone", &[]);
    assert_eq!(r["denial_mode"], "NSEC");
    assert_eq!(r["warnings"].as_array().unwrap().len(), 0, "{r}");

    // --nsec with NSEC3 options is a usage error.
    let out = sign_command(&first, &k, &fifth, &[os("--nsec"), os("--opt-out")]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));

    // RFC 5155 §11: an NSEC3PARAM of hash algorithm 2 beside the SHA-1
    // Opt-Out chain was "kept" as a SHA-1 chain without Opt-Out (the
    // eighteenth audit): which chain to publish must be said, as
    // `dnssec-signzone` refuses such input.
    let odd = dir.path().join("odd-param.zone");
    let text =
        std::fs::read_to_string(&first).unwrap().replace("\tNSEC3PARAM\t1 ", "\tNSEC3PARAM\t2 ");
    std::fs::write(&odd, text).unwrap();
    let out = sign_command(&odd, &k, &fifth, &[]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("NSEC3PARAM records name hash algorithm 2"), "{stderr}");
    let (_, r) = resign(&odd, "sixth.zone", &["--nsec3", "--opt-out", "--salt", "abcd"]);
    assert_eq!(r["denial_mode"], kept);
    assert!(r["warnings"].to_string().contains("--salt ABCD: RFC 9276 §3.1"), "{r}");
    // Asked for NSEC3 without Opt-Out, the change from the input's SHA-1
    // Opt-Out chain is warned about, as for any input (the nineteenth).
    let (_, r) = resign(&odd, "seventh.zone", &["--nsec3", "--salt", "abcd"]);
    assert!(r["warnings"].to_string().contains(&format!("is {kept}; this run replaces it")), "{r}");
}

/// RFC 6781 §4.1.1.1, the README's ZSK rollover: sign with the new ZSK and
/// `--publish` the old one. With the old ZSK still in the key directory
/// (no Inactive time) it went on signing every RRset while the summary
/// and the report listed it as published only (the eleventh audit,
/// 2026-12-06). `--publish` now wins over the key directory, with a
/// warning; naming one key with both `--key` and `--publish` is a usage
/// error.
#[test]
fn rfc6781_section_4_1_1_1_a_published_key_of_the_key_directory_signs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let k = keys(dir.path());
    let keygen =
        run(zonesign().args(["keygen", "example.", "-a", "14", "--zsk", "--key-dir"]).arg(&k));
    let old_key =
        keygen.lines().find(|l| l.trim_end().ends_with(".key")).unwrap().trim().to_string();
    let old_key = PathBuf::from(old_key);
    let old_tag: u64 = old_key
        .to_str()
        .unwrap()
        .rsplit('+')
        .next()
        .unwrap()
        .trim_end_matches(".key")
        .parse()
        .unwrap();
    let out = dir.path().join("signed.zone");
    let report = dir.path().join("report.json");
    let os = std::ffi::OsStr::new;
    sign_example(
        &k,
        &out,
        &[os("--publish"), old_key.as_os_str(), os("--report"), report.as_os_str()],
    );
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let signing: Vec<u64> =
        r["keys"].as_array().unwrap().iter().map(|k| k["key_tag"].as_u64().unwrap()).collect();
    assert!(!signing.contains(&old_tag), "{r}");
    assert_eq!(r["publish_only"][0]["key_tag"].as_u64(), Some(old_tag), "{r}");
    assert!(r["warnings"].to_string().contains("signs nothing: --publish"), "{r}");
    let text = std::fs::read_to_string(&out).unwrap();
    let signed_by_old = text
        .lines()
        .filter(|l| l.contains("\tRRSIG\t"))
        .any(|l| l.split_whitespace().nth(10).and_then(|t| t.parse::<u64>().ok()) == Some(old_tag));
    assert!(!signed_by_old);

    // --key and --publish for one key: a contradiction.
    let private = old_key.with_extension("private");
    let failed = sign_command(
        &example(),
        &k,
        &out,
        &[os("--key"), private.as_os_str(), os("--publish"), old_key.as_os_str()],
    )
    .output()
    .unwrap();
    assert_eq!(failed.status.code(), Some(2), "{}", String::from_utf8_lossy(&failed.stderr));
}

/// RFC 4509 §3: "Validator implementations SHOULD ignore DS RRs containing
/// SHA-1 digests if DS RRs with SHA-256 digests are present in the DS
/// RRset"; unbound uses the highest digest type of the set alone. A parent
/// DS set whose SHA-256 DS names the KSK and whose SHA-384 DS names other
/// key material is bogus to unbound; `sign` and `verify` took it, as any
/// matching DS sufficed (the twenty-first audit, 2026-12-06). A wrong SHA-1
/// DS beside the right SHA-256 one is ignored, as validators ignore it.
#[test]
fn rfc4509_section_3_trust_anchor_ds_of_the_highest_digest_type_only() {
    let dir = tempfile::tempdir().unwrap();
    let k = keys(dir.path());
    let out = dir.path().join("signed.zone");
    let ds = dir.path().join("dsset");
    sign_example(&k, &out, &["--ds".as_ref(), ds.as_os_str()]);
    // The algorithm-14 KSK's SHA-256 DS, as the parent would hold it.
    let text = std::fs::read_to_string(&ds).unwrap();
    let sha256 = text.lines().find(|l| l.split_whitespace().nth(5) == Some("2")).unwrap();
    let fields: Vec<&str> = sha256.split_whitespace().collect();
    let (tag, alg) = (fields[3], fields[4]);
    let set = |extra: &str| {
        let path = dir.path().join("parent-ds");
        std::fs::write(&path, format!("{sha256}\nexample. 3600 IN DS {tag} {alg} {extra}\n"))
            .unwrap();
        path
    };
    let wrong_sha384 = set(&format!("4 {}", "AB".repeat(48)));
    let verify = zonesign()
        .args(["verify", "-o", "example.", "--trust-anchor"])
        .arg(&wrong_sha384)
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&verify.stderr);
    assert_eq!(verify.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("trust-anchor-mismatch") && stderr.contains("RFC 4509"), "{stderr}");
    let again = dir.path().join("again.zone");
    let sign = sign_command(
        &example(),
        &k,
        &again,
        &["--trust-anchor".as_ref(), wrong_sha384.as_os_str()],
    )
    .output()
    .unwrap();
    let stderr = String::from_utf8_lossy(&sign.stderr);
    assert_eq!(sign.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("digest type 4") && stderr.contains(tag), "{stderr}");
    assert!(!again.exists());

    let wrong_sha1 = set(&format!("1 {}", "CD".repeat(20)));
    run(zonesign()
        .args(["verify", "-q", "-o", "example.", "--trust-anchor"])
        .arg(&wrong_sha1)
        .arg(&out));
    sign_example(&k, &again, &["--trust-anchor".as_ref(), wrong_sha1.as_os_str()]);
}

/// A failed run's report says what the command line asked (zone, threads,
/// serial policy) and why it failed in full: each syntax error with its
/// file:line:column, not the headline alone (the twenty-first audit,
/// 2026-12-06: `"zone": ""`, `"threads": 0`, `"serial_policy": "keep"`).
#[test]
fn regression_a_failed_runs_report_gives_its_options_and_details() {
    let dir = tempfile::tempdir().unwrap();
    let k = keys(dir.path());
    let bad = dir.path().join("bad.zone");
    let mut text = std::fs::read_to_string(example()).unwrap();
    let line = text.lines().count() + 1;
    text.push_str("www.example. 3600 IN A 192.0.2.300\n");
    std::fs::write(&bad, text).unwrap();
    let report = dir.path().join("report.json");
    let out = dir.path().join("signed.zone");
    let extra = ["--report", "--serial", "date", "--threads", "1"].map(std::ffi::OsStr::new);
    let status = sign_command(
        &bad,
        &k,
        &out,
        &[extra[0], report.as_os_str(), extra[1], extra[2], extra[3], extra[4]],
    )
    .status()
    .unwrap();
    assert_eq!(status.code(), Some(4));
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!((r["zone"].as_str(), r["threads"].as_u64()), (Some("example."), Some(1)), "{r}");
    assert_eq!(r["serial_policy"], "date");
    let details = r["outcome_details"].to_string();
    assert!(details.contains(&format!("bad.zone:{line}:")), "{details}");

    // Refused before the run starts (an unknown key directory): the same.
    let none = dir.path().join("no-such-keys");
    let extra = ["--report", "--serial", "increment"].map(std::ffi::OsStr::new);
    let status =
        sign_command(&example(), &none, &out, &[extra[0], report.as_os_str(), extra[1], extra[2]])
            .status()
            .unwrap();
    assert!(!status.success());
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(r["zone"], "example.");
    assert_eq!(r["serial_policy"], "increment");
    assert!(r["threads"].as_u64().unwrap() >= 1, "{r}");

    // `verify --report` of a zone that does not load: the details too.
    let vreport = dir.path().join("verify.json");
    let status = zonesign()
        .args(["verify", "-q", "-o", "example.", "--report"])
        .arg(&vreport)
        .arg(&bad)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(4));
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&vreport).unwrap()).unwrap();
    assert!(r["error_details"].to_string().contains(&format!("bad.zone:{line}:")), "{r}");
}

/// RFC 1034 §4.2.1, as Knot applies it ("missing glue record"): a name
/// server whose name is in the zone, and not below another delegation,
/// with no address record. `kzonecheck` rejects such a zone and `knotd`
/// will not load it; `sign` published one and `verify` passed it without a
/// word (the twenty-first audit, 2026-12-06). A warning now, on exactly the
/// names `kzonecheck` gives; the zone still validates.
#[test]
fn rfc1034_section_4_2_1_name_servers_in_the_zone_without_glue_are_warned_of() {
    common::require_tool("kzonecheck", "knot-dnssecutils");
    common::require_tool("knsec3hash", "knot-dnssecutils");
    let dir = tempfile::tempdir().unwrap();
    let k = keys(dir.path());
    let zone = dir.path().join("glue.zone");
    let signed = dir.path().join("signed.zone");
    // The owners of the `missing-glue` warnings in `out`.
    let warned = |out: &str| -> Vec<String> {
        let mut owners: Vec<String> = out
            .lines()
            .filter(|l| {
                l.starts_with("warning: missing-glue ") || l.contains(": warning: missing-glue ")
            })
            .map(|l| {
                l.split("missing-glue ").nth(1).unwrap().split(' ').next().unwrap().to_string()
            })
            .collect();
        owners.sort();
        owners.dedup();
        owners
    };
    // Signs the example zone with `extra`; asserts that `sign`, `verify`
    // and `kzonecheck` ("missing glue record") name exactly `expected`.
    let case = |extra: &str, denial: &str, expected: &[&str]| {
        let mut text = std::fs::read_to_string(example()).unwrap();
        text.push_str(extra);
        std::fs::write(&zone, text).unwrap();
        let out = run(&mut sign_command(&zone, &k, &signed, &[denial.as_ref()]));
        assert_eq!(warned(&out), expected, "{extra}: {out}");
        let verify = run(zonesign().args(["verify", "-o", "example."]).arg(&signed));
        assert_eq!(warned(&verify), expected, "{extra}: {verify}");
        let knot = Command::new("kzonecheck")
            .args(["-d", "on", "-o", "example."])
            .arg(&signed)
            .output()
            .unwrap();
        let knot = String::from_utf8_lossy(&knot.stdout).to_string()
            + &String::from_utf8_lossy(&knot.stderr);
        let mut rejected: Vec<&str> = knot
            .lines()
            .filter(|l| l.ends_with("missing glue record") && l.starts_with('['))
            .map(|l| l.trim_start_matches('[').split(']').next().unwrap())
            .collect();
        rejected.sort();
        assert_eq!(rejected, expected, "{extra}: {knot}");
    };
    case(
        "lame.example. 3600 IN NS ns.lame.example.\n\
         lame.example. 3600 IN NS ns.elsewhere.test.\n\
         inzone.example. 3600 IN NS ns.missing.example.\n\
         glued.example. 3600 IN NS ns.glued.example.\n\
         ns.glued.example. 3600 IN A 192.0.2.53\n\
         sibling.example. 3600 IN NS ns.glued.example.\n\
         under.example. 3600 IN NS ns.deeper.glued.example.\n",
        "--nsec",
        &["inzone.example.", "lame.example."],
    );
    // A name server whose name is an NSEC3 owner of the signed zone,
    // covered by a wildcard A: NSEC3 owners are no names of the zone's tree
    // (Knot keeps them apart), so it resolves, and Knot accepts the zone;
    // it was warned of (the twenty-second audit, 2026-12-06).
    let hash = Command::new("knsec3hash").args(["-", "1", "0", "www.example."]).output().unwrap();
    let hash =
        String::from_utf8_lossy(&hash.stdout).split_whitespace().next().unwrap().to_lowercase();
    let wildcard = "*.example. 3600 IN A 192.0.2.8\n";
    case(&format!("{wildcard}sub.example. 3600 IN NS {hash}.example.\n"), "--nsec3", &[]);
    // Below such a name, which is no encloser (the apex is), the wildcard
    // covers the name server: no warning, as Knot gives none; and the name
    // made an empty non-terminal by a name below it is one of the tree,
    // without an address: a warning, as Knot's (the twenty-third audit).
    case(&format!("{wildcard}sub.example. 3600 IN NS ns.{hash}.example.\n"), "--nsec3", &[]);
    case(
        &format!(
            "{wildcard}sub.example. 3600 IN NS {hash}.example.\n\
             x.{hash}.example. 3600 IN TXT \"below\"\n"
        ),
        "--nsec3",
        &["sub.example."],
    );
}

/// BIND's `check-names` (RFC 952, RFC 1123 §2.1 host names), and name
/// servers that are aliases (RFC 2181 §10.3): `named` refuses a zone with
/// a registrant's `ns_1.example.net.` (its default `check-names primary
/// fail`), and one whose apex name server is a CNAME ("is a CNAME
/// (illegal)"). Such zones validate and the other signers sign them; they
/// were published without a word, or with "has no address record" for an
/// alias (the twenty-fifth audit, 2026-12-06). Warnings now, each saying
/// that named refuses the zone; `named-checkzone` agrees on each.
#[test]
fn bind_check_names_and_aliased_name_servers_are_warned_of() {
    common::require_tool("named-checkzone", "bind9-utils");
    let dir = tempfile::tempdir().unwrap();
    let k = keys(dir.path());
    let zone = dir.path().join("names.zone");
    let signed = dir.path().join("signed.zone");
    let named_checkzone = |strict: bool| {
        let mut cmd = Command::new("named-checkzone");
        cmd.args(["-i", "local"]);
        if strict {
            cmd.args(["-k", "fail"]);
        }
        let out = cmd.arg("example.").arg(&signed).output().unwrap();
        (out.status.success(), String::from_utf8_lossy(&out.stdout).to_string())
    };
    // Signs the example zone with `extra`; the warnings of `kind` that
    // `sign` and `verify` give, as "OWNER TYPE: text".
    let warned = |extra: &str, kind: &str| -> Vec<String> {
        let mut text = std::fs::read_to_string(example()).unwrap();
        text.push_str(extra);
        std::fs::write(&zone, text).unwrap();
        let out = run(&mut sign_command(&zone, &k, &signed, &[]));
        let verify = run(zonesign().args(["verify", "-o", "example."]).arg(&signed));
        let of = |out: &str| -> Vec<String> {
            out.lines()
                .filter_map(|l| l.split(&format!("warning: {kind} ")).nth(1).map(str::to_string))
                .collect()
        };
        assert_eq!(of(&out), of(&verify), "{out}\n{verify}");
        of(&out)
    };
    // The example zone (`_dmarc` TXT, `_imaps._tcp` SRV, `*.apps` A) passes.
    assert_eq!(warned("", "check-names"), Vec::<String>::new());
    assert!(named_checkzone(true).0, "{}", named_checkzone(true).1);
    let got = warned(
        "sub.example. 3600 IN NS ns_1.example.net.\n\
         a_b.example. 3600 IN A 192.0.2.9\n\
         1.2.0.192.in-addr.arpa.example. 3600 IN PTR not_checked.example.\n",
        "check-names",
    );
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got[0].starts_with("a_b.example. A: the owner of A is not a host name"), "{got:?}");
    assert!(got[1].starts_with("sub.example. NS: the NS target ns_1.example.net. is not"));
    assert!(got.iter().all(|w| w.contains("named refuses to load the zone")), "{got:?}");
    let (ok, said) = named_checkzone(true);
    assert!(!ok && said.contains("bad owner name (check-names)"), "{said}");
    // An apex name server that is a CNAME.
    let got = warned(
        "example. 3600 IN NS alias.example.\nalias.example. 3600 IN CNAME ns1.example.\n",
        "missing-glue",
    );
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].contains("alias.example. is a CNAME"), "{got:?}");
    assert!(got[0].contains("knotd and named will not load it"), "{got:?}");
    let (ok, said) = named_checkzone(false);
    assert!(!ok && said.contains("is a CNAME (illegal)"), "{said}");
    // Below a cut BIND does not check an apex name server, and calls a
    // CNAME there missing glue (the twenty-sixth audit, 2026-12-06).
    let got = warned(
        "example. 3600 IN NS ns.sub.example.\nsub.example. 3600 IN NS ns1.example.\n\
         ns.sub.example. 3600 IN CNAME ns1.example.\n",
        "missing-glue",
    );
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].contains("has no address record") && got[0].ends_with("named serves it"));
    assert!(named_checkzone(false).0, "{}", named_checkzone(false).1);
    // The names BIND checks beyond host names, and one it does not: MB
    // and MG owners and MINFO mailboxes; an SVCB in AliasMode (priority 0).
    let got = warned(
        "x.a_b.example. 3600 IN MB h.example.\n\
         m.example. 3600 IN MINFO x.a_b.example. ok.example.\n\
         sv.example. 3600 IN SVCB 0 a_b.example.\n",
        "check-names",
    );
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(
        got[1].starts_with("m.example. MINFO: the MINFO RMAILBX x.a_b.example. is not a mailbox"),
        "{got:?}"
    );
    assert!(got[0].starts_with("x.a_b.example. MB: the owner of MB is not a mailbox"), "{got:?}");
    let (ok, said) = named_checkzone(true);
    assert!(!ok && said.contains("check-names"), "{said}");
}

/// RFC 8901 §2, model 2: another signer's KSK and ZSK in the input's
/// DNSKEY RRset, and CDS/CDNSKEY for both signers' KSKs. Found by the
/// twenty-sixth audit (2026-12-06): the other signer's DNSKEYs were dropped
/// from an unsigned input without a word, `--cds` dropped its CDS and
/// CDNSKEY though its KSK stayed published (a parent following them would
/// remove its DS), and the refusal of its CDS offered every remedy but
/// `--publish`. (Kept by `--cds` for a while, they were then republished
/// for an old KSK after a rollover too: `--cds` warns now.)
#[test]
fn rfc8901_section_2_another_signers_keys_and_cds_records() {
    common::require_tool("dnssec-dsfromkey", "bind9-utils");
    common::require_tool("dnssec-verify", "bind9-utils");
    let dir = tempfile::tempdir().unwrap();
    let ours = keys(dir.path());
    let theirs = dir.path().join("theirs");
    std::fs::create_dir(&theirs).unwrap();
    let key_file = |role: &str| -> PathBuf {
        let out = run(zonesign()
            .args(["keygen", "example.", "-a", "14", role, "--key-dir"])
            .arg(&theirs));
        PathBuf::from(out.lines().next().unwrap().trim())
    };
    let (their_ksk, their_zsk) = (key_file("--ksk"), key_file("--zsk"));
    let dnskey_line = |key: &Path| -> String {
        let text = std::fs::read_to_string(key).unwrap();
        let rdata = text
            .lines()
            .find(|l| l.contains("DNSKEY"))
            .unwrap()
            .split("DNSKEY")
            .nth(1)
            .unwrap()
            .trim()
            .to_string();
        format!("example. 3600 IN DNSKEY {rdata}\n")
    };
    let cds_lines = |key: &Path| -> String {
        let ds = common::stdout_of(Command::new("dnssec-dsfromkey").arg("-2").arg(key));
        let cds = ds.split(" DS ").nth(1).unwrap().trim().to_string();
        format!("example. 3600 IN CDS {cds}\n{}", dnskey_line(key).replace("DNSKEY", "CDNSKEY"))
    };
    let our_ksk = common::ksk_file_in(&ours);
    let zone = dir.path().join("multi.zone");
    let signed = dir.path().join("signed.zone");
    let write_zone = |extra: &str| {
        let mut text = std::fs::read_to_string(example()).unwrap();
        text.push_str(&dnskey_line(&their_ksk));
        text.push_str(&dnskey_line(&their_zsk));
        text.push_str(extra);
        std::fs::write(&zone, text).unwrap();
    };
    let publish: Vec<std::ffi::OsString> = [&their_ksk, &their_zsk]
        .iter()
        .flat_map(|k| [std::ffi::OsString::from("--publish"), k.as_os_str().to_owned()])
        .collect();
    let publish: Vec<&std::ffi::OsStr> = publish.iter().map(|a| a.as_os_str()).collect();
    let count = |rtype: &str| {
        std::fs::read_to_string(&signed)
            .unwrap()
            .lines()
            .filter(|l| l.split_whitespace().nth(3) == Some(rtype))
            .count()
    };

    // Their keys alone in the input: dropped, with a warning that names them.
    write_zone("");
    let out = run(&mut sign_command(&zone, &ours, &signed, &[]));
    assert!(out.contains("another signer's key") && out.contains("RFC 8901 §2"), "{out}");
    assert_eq!(count("DNSKEY"), 2);
    // Kept with --publish: the same DNSKEY RRset as theirs.
    let out = run(&mut sign_command(&zone, &ours, &signed, &publish));
    assert!(!out.contains("another signer's key"), "{out}");
    assert_eq!(count("DNSKEY"), 4);

    // CDS and CDNSKEY for both KSKs.
    write_zone(&(cds_lines(&our_ksk) + &cds_lines(&their_ksk)));
    let out = sign_command(&zone, &ours, &signed, &[]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{said}");
    assert!(said.contains("give its .key file to --publish"), "{said}");
    run(&mut sign_command(&zone, &ours, &signed, &publish));
    assert_eq!((count("CDS"), count("CDNSKEY")), (2, 2));
    let mut with_cds = publish.clone();
    with_cds.push(std::ffi::OsStr::new("--cds"));
    // --cds makes them for the signing KSKs only, and says what it drops
    // (an old KSK's, kept, was republished at every run: the
    // twenty-seventh audit).
    let out = run(&mut sign_command(&zone, &ours, &signed, &with_cds));
    assert!(out.contains("--cds replaces the input's CDS and CDNSKEY records"), "{out}");
    assert_eq!((count("CDS"), count("CDNSKEY")), (1, 1));
    run(Command::new("dnssec-verify").args(["-q", "-o", "example."]).arg(&signed));

    // Their signed zone as the input (their KSK alone signed its DNSKEY
    // RRset): theirs is no old KSK of ours, and --cds dropping its records
    // is warned of (it was taken for one: the twenty-ninth audit).
    let our_zsk = std::fs::read_dir(&ours)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "key") && *p != our_ksk)
        .unwrap();
    let theirs_signed = dir.path().join("theirs.zone");
    let ours_published: Vec<&std::ffi::OsStr> =
        vec!["--publish".as_ref(), our_ksk.as_os_str(), "--publish".as_ref(), our_zsk.as_os_str()];
    run(&mut sign_command(&zone, &theirs, &theirs_signed, &ours_published));
    let out = run(&mut sign_command(&theirs_signed, &ours, &signed, &with_cds));
    assert!(out.contains("--cds replaces the input's CDS and CDNSKEY records"), "{out}");
}

/// CDS or CDNSKEY alone at the apex, and either below it: `kzonecheck`
/// checks them at every name and rejects such zones ("missing CDNSKEY",
/// "missing CDS"), which `sign` published and `verify` passed without a
/// word (the twenty-second audit, 2026-12-06). BIND and ldns accept them,
/// a parent may read either RRset (RFC 7344): warnings, on the names Knot
/// gives.
#[test]
fn rfc7344_cds_alone_or_below_the_apex_is_warned_of() {
    common::require_tool("kzonecheck", "knot-dnssecutils");
    let dir = tempfile::tempdir().unwrap();
    let k = keys(dir.path());
    let signed = dir.path().join("signed.zone");
    let check = |extra: &str, kind: &str, owner: &str| {
        let zone = dir.path().join("cds.zone");
        let mut text = std::fs::read_to_string(example()).unwrap();
        text.push_str(extra);
        std::fs::write(&zone, text).unwrap();
        let out = run(&mut sign_command(&zone, &k, &signed, &[]));
        assert!(out.contains(&format!("warning: {kind} {owner} ")), "{out}");
        let verify = run(zonesign().args(["verify", "-o", "example."]).arg(&signed));
        assert!(verify.contains(&format!("warning: {kind} {owner} ")), "{verify}");
        let knot = Command::new("kzonecheck")
            .args(["-d", "on", "-o", "example."])
            .arg(&signed)
            .output()
            .unwrap();
        let knot = String::from_utf8_lossy(&knot.stdout).to_string();
        assert!(knot.contains(&format!("[{owner}] missing")), "{knot}");
    };
    // The delete request, which names no key, alone at the apex.
    check("example. 3600 IN CDS 0 0 0 00\n", "cds-cdnskey-alone", "example.");
    check("cdsat.example. 3600 IN CDS 0 0 0 00\n", "cds-below-apex", "cdsat.example.");
}

/// RFC 4035 §2.2: "The apex DNSKEY RRset itself MUST be signed by each
/// algorithm appearing in the DS RRset located at the delegating parent."
/// A DS set with an algorithm no key signs the DNSKEY RRset with (the end
/// of an algorithm rollover before the old DS left the parent) passed sign
/// and verify without a word (the thirty-third audit, 2026-12-07): a
/// validator refusing a downgrade finds it bogus. A warning in both, and in
/// the report.
#[test]
fn rfc4035_section_2_2_every_ds_algorithm_signs_the_dnskey_rrset() {
    let dir = tempfile::tempdir().unwrap();
    let k = keys(dir.path());
    let out = dir.path().join("signed.zone");
    let ds = dir.path().join("dsset");
    sign_example(&k, &out, &["--ds".as_ref(), ds.as_os_str()]);
    let verify = |anchor: &Path| {
        let o = zonesign()
            .args(["verify", "-o", "example.", "--trust-anchor"])
            .arg(anchor)
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0));
        String::from_utf8_lossy(&o.stderr).to_string()
    };
    assert!(!verify(&ds).contains("ds-algorithm-unsigned"));
    // The parent's set with a DS of algorithm 13 beside the run's 14.
    let both = dir.path().join("both");
    // (Digest 4: validators use only the highest digest type of the set,
    // RFC 4509 §3, and the run's DS file has 4 for algorithm 14.)
    let old = format!("example. 3600 IN DS 4711 13 4 {}\n", "AB".repeat(48));
    std::fs::write(&both, std::fs::read_to_string(&ds).unwrap() + &old).unwrap();
    let said = verify(&both);
    assert!(said.contains("ds-algorithm-unsigned") && said.contains("has algorithm 13"), "{said}");
    let report = dir.path().join("report.json");
    let again = dir.path().join("again.zone");
    let said = sign_example(
        &k,
        &again,
        &["--trust-anchor".as_ref(), both.as_os_str(), "--report".as_ref(), report.as_os_str()],
    );
    assert!(said.contains("ds-algorithm-unsigned"), "{said}");
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert!(r["warnings"].to_string().contains("RFC 4035 §2.2"), "{r}");
    // A key of algorithm 13 that signs the DNSKEY RRset is no path from a
    // DS of algorithm 13 that names another key: still the warning (the
    // thirty-fourth audit: any key of the algorithm was taken for one).
    run(zonesign().args(["keygen", "example.", "-a", "13", "--ksk", "--key-dir"]).arg(&k));
    let two = dir.path().join("two.zone");
    let said = sign_example(&k, &two, &["--trust-anchor".as_ref(), both.as_os_str()]);
    assert!(said.contains("ds-algorithm-unsigned") && said.contains("has algorithm 13"), "{said}");
}

/// A temporary directory with an empty `keys` directory in it, for BIND's
/// key tools (which must be installed).
fn bind_key_dir() -> (tempfile::TempDir, PathBuf) {
    common::require_tool("dnssec-settime", "bind9-utils");
    let dir = tempfile::tempdir().unwrap();
    let k = dir.path().join("keys");
    std::fs::create_dir(&k).unwrap();
    (dir, k)
}

/// `dnssec-keygen -q -K dir ARGS`: the new key's file stem.
fn bind_keygen(dir: &Path, args: &[&str]) -> String {
    run(Command::new("dnssec-keygen").args(["-q", "-K"]).arg(dir).args(args)).trim().to_string()
}

/// `dnssec-settime -K dir ARGS stem`.
fn bind_settime(dir: &Path, stem: &str, args: &[&str]) {
    run(Command::new("dnssec-settime").arg("-K").arg(dir).args(args).arg(stem));
}

/// `dnssec-signzone -S` of the example zone with the keys of `dir`, into
/// `out`.
fn bind_sign(dir: &Path, out: &Path) {
    run(Command::new("dnssec-signzone")
        .args(["-q", "-S", "-O", "full", "-o", "example.", "-K"])
        .arg(dir)
        .arg("-f")
        .arg(out)
        .arg(example()));
}

/// The key tag in a BIND key file stem (`Kexample.+013+01234`).
fn stem_tag(stem: &str) -> String {
    stem.rsplit('+').next().unwrap().trim_start_matches('0').to_string()
}

/// The key tags of the CDS records of a zone file, sorted.
fn cds_tags(zone: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(zone).unwrap();
    let mut tags: Vec<String> = text
        .lines()
        .filter(|l| l.split_whitespace().nth(3) == Some("CDS"))
        .filter_map(|l| l.split_whitespace().nth(4))
        .map(str::to_string)
        .collect();
    tags.sort();
    tags
}

/// RFC 7344 §4 and BIND's key timing: a KSK rollover driven by
/// `dnssec-settime -P sync` and `-D sync`. `--key-dir` read neither:
/// `--cds` still offered the parent the old KSK past its SyncDelete (the
/// parent kept its DS: the rollover never ended), and without `--cds`
/// nothing said that the timing asked for CDS records (the thirty-eighth
/// audit, 2026-12-07). `dnssec-signzone -S` publishes the new KSK's only.
#[test]
fn rfc7344_section_4_the_key_directorys_cds_timing_is_followed() {
    let (dir, k) = bind_key_dir();
    let old = bind_keygen(&k, &["-a", "13", "-f", "KSK", "example."]);
    let new = bind_keygen(&k, &["-a", "13", "-f", "KSK", "example."]);
    bind_keygen(&k, &["-a", "13", "example."]);
    bind_settime(&k, &old, &["-P", "sync", "now-2d", "-D", "sync", "now-1h"]);
    bind_settime(&k, &new, &["-P", "sync", "now-1h"]);
    let report = dir.path().join("report.json");
    let os = |p: &Path| p.as_os_str().to_owned();
    let with_cds = dir.path().join("cds.zone");
    let args = [os(Path::new("--cds")), os(Path::new("--report")), os(&report)];
    let refs: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    run(&mut sign_command(&example(), &k, &with_cds, &refs));
    assert_eq!(cds_tags(&with_cds), [stem_tag(&new)]);
    let r = std::fs::read_to_string(&report).unwrap();
    assert!(r.contains("signs, but no CDS or CDNSKEY for it: SyncDelete"), "{r}");

    let without = dir.path().join("plain.zone");
    let refs: Vec<&std::ffi::OsStr> = args[1..].iter().map(|a| a.as_os_str()).collect();
    run(&mut sign_command(&example(), &k, &without, &refs));
    assert!(cds_tags(&without).is_empty());
    let r = std::fs::read_to_string(&report).unwrap();
    assert!(r.contains(&format!("{new}.key: SyncPublish")), "{r}");
    assert!(r.contains("zonesign makes them with --cds only"), "{r}");
}

/// The forty-fifth audit (2026-12-07): the TTL of BIND key files
/// (`dnssec-keygen -L`) was ignored for the SOA's: "If the key is imported
/// into a zone, this is the TTL that will be used for it, unless there was
/// already a DNSKEY RRset in place". The shortest of them is taken, as
/// `dnssec-signzone -S` takes it; `--dnskey-ttl` still decides.
#[test]
fn regression_the_dnskey_ttl_of_bind_key_files_is_followed() {
    let (dir, k) = bind_key_dir();
    bind_keygen(&k, &["-a", "13", "-f", "KSK", "-L", "300", "example."]);
    bind_keygen(&k, &["-a", "13", "-L", "600", "example."]);
    let dnskey_ttls = |zone: &Path| {
        let text = std::fs::read_to_string(zone).unwrap();
        let mut ttls: Vec<String> = text
            .lines()
            .filter(|l| l.split_whitespace().nth(3) == Some("DNSKEY"))
            .filter_map(|l| l.split_whitespace().nth(1).map(str::to_string))
            .collect();
        ttls.dedup();
        ttls
    };
    let ours = dir.path().join("ours.zone");
    run(&mut sign_command(&example(), &k, &ours, &[]));
    assert_eq!(dnskey_ttls(&ours), ["300"]);
    let bind = dir.path().join("bind.zone");
    bind_sign(&k, &bind);
    assert_eq!(dnskey_ttls(&bind), ["300"], "dnssec-signzone -S");
    // The forty-sixth audit: a key file's TTL of 0 ("no TTL" to BIND) or
    // over 2^31 - 1 (RFC 2181 §8) is no TTL; the latter went into the
    // RRSIGs' Original TTL and failed the written zone's verification.
    let odd = dir.path().join("odd");
    std::fs::create_dir(&odd).unwrap();
    for entry in std::fs::read_dir(&k).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let text = text.replace("example. 300 IN", "example. 2147483648 IN");
        let text = text.replace("example. 600 IN", "example. 0 IN");
        std::fs::write(odd.join(path.file_name().unwrap()), text).unwrap();
    }
    let plain = dir.path().join("plain.zone");
    run(&mut sign_command(&example(), &odd, &plain, &[]));
    let soa_ttl = std::fs::read_to_string(&plain)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_string();
    assert_eq!(dnskey_ttls(&plain), [soa_ttl]);
    let set = dir.path().join("set.zone");
    run(&mut sign_command(
        &example(),
        &k,
        &set,
        &[std::ffi::OsStr::new("--dnskey-ttl"), std::ffi::OsStr::new("900")],
    ));
    assert_eq!(dnskey_ttls(&set), ["900"]);
}

/// Left by the forty-fifth session's note: a KSK named twice, by the key
/// directory and by `--key` with another spelling of its path, had its CDS
/// timing said twice in the notices.
#[test]
fn regression_a_key_named_twice_has_its_cds_timing_said_once() {
    let (dir, k) = bind_key_dir();
    let ksk = bind_keygen(&k, &["-a", "13", "-f", "KSK", "example."]);
    bind_keygen(&k, &["-a", "13", "example."]);
    bind_settime(&k, &ksk, &["-P", "sync", "now-1h"]);
    let report = dir.path().join("report.json");
    let again = k.join(".").join(format!("{ksk}.private"));
    let args = [OsString::from("--key"), again.into(), "--report".into(), report.clone().into()];
    let refs: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    run(&mut sign_command(&example(), &k, &dir.path().join("out.zone"), &refs));
    let r = std::fs::read_to_string(&report).unwrap();
    assert_eq!(r.matches("SyncPublish").count(), 1, "{r}");

    // The forty-third audit: a copy of the key whose SyncDelete has passed
    // was skipped or followed by the order of the paths. Whatever the
    // order, the stricter timing holds now, and the difference is said.
    for copy in ["aa", "zz"] {
        let c = dir.path().join(copy);
        std::fs::create_dir(&c).unwrap();
        for ext in ["key", "private"] {
            std::fs::copy(k.join(format!("{ksk}.{ext}")), c.join(format!("{ksk}.{ext}"))).unwrap();
        }
        bind_settime(&c, &ksk, &["-D", "sync", "now-1h"]);
        let out = dir.path().join(format!("{copy}.zone"));
        let args =
            [OsString::from("--cds"), "--key".into(), c.join(format!("{ksk}.private")).into()];
        let refs: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
        let said = run(&mut sign_command(&example(), &k, &out, &refs));
        assert!(cds_tags(&out).is_empty(), "{copy}: {said}");
        assert!(said.contains("whose CDS timing (SyncPublish, SyncDelete) differs"), "{said}");
        std::fs::remove_dir_all(&c).unwrap();
    }
}

/// RFC 7344 §4 in a double-DS KSK rollover: the next KSK is published
/// before it signs, and its CDS goes up at its SyncPublish so that the
/// parent holds its DS when it starts signing. `--cds` gave CDS to signing
/// KSKs only (left by the forty-fourth session's note); `dnssec-signzone
/// -S` gives them to every key of the directory whose SyncPublish has
/// passed and whose SyncDelete has not. Compared with BIND on one key
/// directory, in one run.
#[test]
fn rfc7344_section_4_a_published_ksks_cds_follows_its_sync_publish() {
    let (dir, k) = bind_key_dir();
    let old = bind_keygen(&k, &["-a", "13", "-f", "KSK", "example."]);
    let next = ["-a", "13", "-f", "KSK", "-P", "now-1d", "-A", "now+30d", "example."];
    let next = bind_keygen(&k, &next);
    let later = ["-a", "13", "-f", "KSK", "-P", "now-1d", "-A", "now+60d", "example."];
    let later = bind_keygen(&k, &later);
    bind_keygen(&k, &["-a", "13", "example."]);
    bind_settime(&k, &old, &["-P", "sync", "now-30d"]);
    bind_settime(&k, &next, &["-P", "sync", "now-1h"]);
    bind_settime(&k, &later, &["-P", "sync", "now+1d"]);
    let mut expected = vec![stem_tag(&old), stem_tag(&next)];
    expected.sort();

    let report = dir.path().join("report.json");
    let ours = dir.path().join("cds.zone");
    let args = [OsString::from("--cds"), OsString::from("--report"), report.clone().into()];
    let refs: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    run(&mut sign_command(&example(), &k, &ours, &refs));
    assert_eq!(cds_tags(&ours), expected);
    let r = std::fs::read_to_string(&report).unwrap();
    assert!(r.contains(&format!("{next}.key: published only, with a CDS and CDNSKEY")), "{r}");
    // Re-signed, the next KSK's CDS stays, and is not said to be replaced:
    // that warning told the operator to drop `--cds` at every re-sign of
    // the rollover (the seventieth audit).
    let again = dir.path().join("again.zone");
    let o = sign_command(&ours, &k, &again, &[std::ffi::OsStr::new("--cds")]).output().unwrap();
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{said}");
    assert!(!said.contains("--cds replaces"), "{said}");
    assert_eq!(cds_tags(&again), expected);

    let bind = dir.path().join("bind.zone");
    bind_sign(&k, &bind);
    assert_eq!(cds_tags(&bind), expected, "dnssec-signzone -S");
}

/// RFC 4035 §2.2 in an algorithm rollover whose old KSK passed its
/// Inactive time while the old ZSK still signs: refused, as
/// `dnssec-signzone -S` refuses it ("Missing self-signed KSK for
/// algorithm"). The refusal said "add a KSK of algorithm 8" to a key
/// directory that holds one; it names that KSK and its timing now (the
/// seventieth audit).
#[test]
fn regression_an_algorithm_without_a_signing_ksk_names_the_ksk_its_timing_holds() {
    let (dir, k) = bind_key_dir();
    let rsa = ["-a", "8", "-b", "2048", "-P", "now-30d", "-A", "now-30d"];
    let old_ksk = bind_keygen(&k, &[&rsa[..], &["-f", "KSK", "-I", "now-1d", "example."]].concat());
    bind_keygen(&k, &[&rsa[..], &["example."]].concat());
    bind_keygen(&k, &["-a", "13", "-f", "KSK", "example."]);
    bind_keygen(&k, &["-a", "13", "example."]);
    let out = dir.path().join("out.zone");
    let o = sign_command(&example(), &k, &out, &[]).output().unwrap();
    let said = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{said}");
    assert!(said.contains("no key of algorithm 8 has the SEP flag"), "{said}");
    assert!(said.contains("KSKs of algorithm 8 sign nothing by their timing"), "{said}");
    assert!(said.contains(&old_ksk), "{said}");
    assert!(!out.exists());
}

/// RFC 7344 §4.1, "MUST NOT break the current delegation", with `--cds`
/// (the forty-second audit, 2026-12-07): a double-DS rollover whose old KSK
/// passed its SyncDelete before the next KSK signs gives CDS to a key that
/// does not sign the DNSKEY RRset only; that was found by verifying the
/// written zone (exit 1), and is a key problem before signing now (exit 3).
/// And with `--csk`, the CDS timing of a key without the SEP flag, which
/// signs the DNSKEY RRset then, was not read: it kept its CDS past its
/// SyncDelete, where `dnssec-signzone -S -z` withdraws it.
#[test]
fn rfc7344_section_4_1_cds_timing_that_breaks_the_delegation_and_csk_timing() {
    let (dir, k) = bind_key_dir();
    let old = bind_keygen(&k, &["-a", "13", "-f", "KSK", "example."]);
    let next =
        bind_keygen(&k, &["-a", "13", "-f", "KSK", "-P", "now-1d", "-A", "now+30d", "example."]);
    bind_keygen(&k, &["-a", "13", "example."]);
    bind_settime(&k, &old, &["-P", "sync", "now-30d", "-D", "sync", "now-1h"]);
    bind_settime(&k, &next, &["-P", "sync", "now-1h"]);
    let out = dir.path().join("out.zone");
    let o = sign_command(&example(), &k, &out, &[std::ffi::OsStr::new("--cds")]).output().unwrap();
    let said = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{said}");
    assert!(said.contains("does not sign the DNSKEY RRset"), "{said}");
    assert!(!out.exists());

    let c = dir.path().join("csk");
    std::fs::create_dir(&c).unwrap();
    let sep = bind_keygen(&c, &["-a", "13", "-f", "KSK", "example."]);
    let gone = bind_keygen(&c, &["-a", "13", "example."]);
    let kept = bind_keygen(&c, &["-a", "13", "example."]);
    bind_settime(&c, &sep, &["-P", "sync", "now-30d"]);
    bind_settime(&c, &gone, &["-P", "sync", "now-30d", "-D", "sync", "now-1h"]);
    bind_settime(&c, &kept, &["-P", "sync", "now-30d"]);
    let os = |p: &Path| p.as_os_str().to_owned();
    let args = [OsString::from("--cds"), OsString::from("--csk")];
    let refs: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    let signed = dir.path().join("csk.zone");
    run(&mut sign_command(&example(), &c, &signed, &refs));
    let mut want = vec![stem_tag(&sep), stem_tag(&kept)];
    want.sort();
    assert_eq!(cds_tags(&signed), want, "{}", os(&c).to_string_lossy());
}

#[test]
fn regression_a_misspelt_backend_variable_is_warned_of() {
    // ZONESIGN_LOAD_SIMD=bogus and ZONESIGN_VERIFY_SIMD=bogus ran the
    // defaults and said nothing (the forty-sixth session's list): the
    // operator who asked for a backend is told the value was not taken.
    let dir = tempfile::tempdir().unwrap();
    // P-256 keys: the verifier's fast path (and its variable) is theirs.
    let k = dir.path().join("keys");
    std::fs::create_dir_all(&k).unwrap();
    for role in ["--ksk", "--zsk"] {
        run(zonesign().args(["keygen", "example.", "-a", "13", role, "--key-dir"]).arg(&k));
    }
    let out = dir.path().join("signed.zone");
    let mut cmd = sign_command(&example(), &k, &out, &[]);
    cmd.env("ZONESIGN_LOAD_SIMD", "bogus").env("ZONESIGN_VERIFY_SIMD", "sclar");
    let text = run(&mut cmd);
    assert!(
        text.contains("warning: ZONESIGN_LOAD_SIMD=\"bogus\" ignored: not scalar, avx2 or avx512"),
        "{text}"
    );
    assert!(
        text.contains("warning: ZONESIGN_VERIFY_SIMD=\"sclar\" ignored: not scalar or avx512ifma"),
        "{text}"
    );
    // The backends' own names are taken without a word.
    let mut cmd = sign_command(&example(), &k, &out, &[]);
    cmd.env("ZONESIGN_LOAD_SIMD", "AVX512").env("ZONESIGN_VERIFY_SIMD", "scalar");
    let text = run(&mut cmd);
    assert!(!text.contains("ignored"), "{text}");
    // And `verify` says it too (a run that signs nothing with P-256 and
    // verifies nothing fast is told all the same).
    let mut cmd = zonesign();
    cmd.args(["verify", "-o", "example."]).arg(&out).env("ZONESIGN_NSEC3_HASH", "sha-ni");
    let text = run(&mut cmd);
    assert!(
        text.contains(
            "warning: ZONESIGN_NSEC3_HASH=\"sha-ni\" ignored: not avx512, shani, avx2 or scalar"
        ),
        "{text}"
    );
    // And the reports have them, as every warning printed (the
    // sixty-fourth audit, 2026-12-07: printed only).
    let report = dir.path().join("r.json");
    let warnings = |report: &Path| {
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(report).unwrap()).unwrap();
        v["warnings"].to_string()
    };
    let mut cmd = sign_command(&example(), &k, &out, &[]);
    cmd.arg("--report").arg(&report).env("ZONESIGN_LOAD_SIMD", "bogus");
    run(&mut cmd);
    assert!(warnings(&report).contains("ZONESIGN_LOAD_SIMD"), "{}", warnings(&report));
    let mut cmd = zonesign();
    cmd.args(["verify", "-o", "example.", "--report"]).arg(&report).arg(&out);
    run(cmd.env("ZONESIGN_NSEC3_HASH", "sha-ni"));
    assert!(warnings(&report).contains("ZONESIGN_NSEC3_HASH"), "{}", warnings(&report));
}

#[test]
fn regression_threads_beyond_the_cpus_are_lowered_with_a_notice() {
    // The forty-seventh audit: `--threads 1024` on 2 CPUs took 10 s for
    // the four records of a zone (idle workers looking for work cost time
    // that grows with the square of their number). Above four a CPU the
    // count is lowered, said, and reported; the zone is the same.
    let dir = tempfile::tempdir().unwrap();
    let k = keys(dir.path());
    let out = dir.path().join("signed.zone");
    let report = dir.path().join("report.json");
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let mut cmd = zonesign();
    cmd.arg("sign")
        .arg(example())
        .args(["-o", "example.", "--threads", "1024", "--key-dir"])
        .arg(&k)
        .arg("--output")
        .arg(&out)
        .arg("--report")
        .arg(&report);
    let text = run(&mut cmd);
    let limit = 4 * cpus;
    if limit < 1024 {
        assert!(text.contains(&format!("--threads 1024 lowered to {limit}")), "{text}");
        let r: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
        assert_eq!(r["threads"], limit as u64, "{r}");
    }
    // Quiet runs say nothing of it.
    let text = run(sign_command(&example(), &k, &out, &[]).args(["--threads", "1024"]));
    assert!(!text.contains("lowered"), "{text}");
    // A run refused before its pool is built reports the count it would
    // have used (the forty-eighth audit: 1024).
    let refused = zonesign()
        .arg("sign")
        .arg(example())
        .args(["-o", "example.", "-q", "--threads", "1024", "--key-dir"])
        .arg(&k)
        .args(["--output", "/dev/null", "--report"])
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(5), "{}", String::from_utf8_lossy(&refused.stderr));
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(r["threads"], limit.min(1024) as u64, "{r}");
}

/// The fifty-third audit (2026-12-07), three findings in the reading of
/// key files:
/// - a file named as BIND names key files (`K<owner>+<alg>+<tag>`) but
///   holding another key was refused when the key signed, and taken
///   without a word as a `--publish` file or a retired RSA key of the key
///   directory (its notice then named the key by the wrong tag);
/// - a timing field in lower case (`inactive:`), which BIND reads
///   (`dnssec-signzone -S` retires the key), was skipped and the key
///   signed;
/// - `--ds` wrote a CH zone's DS records as `IN` (`dnssec-dsfromkey -c CH`
///   writes `CH`).
#[test]
fn regression_key_file_names_field_case_and_the_ds_class() {
    let (dir, k) = bind_key_dir();
    let out = dir.path().join("signed.zone");
    let os = std::ffi::OsStr::new;
    bind_keygen(&k, &["-a", "ECDSAP256SHA256", "-f", "KSK", "example."]);
    let zsk = bind_keygen(&k, &["-a", "ECDSAP256SHA256", "example."]);

    // --publish of a file named as a key of another algorithm and tag.
    let other = bind_keygen(dir.path(), &["-a", "ECDSAP256SHA256", "example."]);
    let misnamed = dir.path().join("Kexample.+008+00007.key");
    std::fs::copy(dir.path().join(format!("{other}.key")), &misnamed).unwrap();
    let failed = sign_command(&example(), &k, &out, &[os("--publish"), misnamed.as_os_str()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&failed.stderr);
    assert_eq!(failed.status.code(), Some(3), "{err}");
    assert!(err.contains("file name says algorithm 8 key tag 7"), "{err}");
    assert!(!out.exists());

    // A retired RSA key of the key directory under another tag's name.
    let rsa = bind_keygen(&k, &["-a", "RSASHA256", "-b", "2048", "example."]);
    bind_settime(&k, &rsa, &["-I", "now"]);
    for ext in ["key", "private"] {
        std::fs::rename(
            k.join(format!("{rsa}.{ext}")),
            k.join(format!("Kexample.+008+00009.{ext}")),
        )
        .unwrap();
    }
    let failed = sign_command(&example(), &k, &out, &[]).output().unwrap();
    let err = String::from_utf8_lossy(&failed.stderr);
    assert_eq!(failed.status.code(), Some(3), "{err}");
    assert!(err.contains("Kexample.+008+00009.key: file name says algorithm 8 key tag 9"), "{err}");
    for ext in ["key", "private"] {
        std::fs::remove_file(k.join(format!("Kexample.+008+00009.{ext}"))).unwrap();
    }

    // `inactive:` retires the ZSK: a second ZSK signs, the first only
    // stays published.
    let second = bind_keygen(&k, &["-a", "ECDSAP256SHA256", "example."]);
    let private = k.join(format!("{zsk}.private"));
    let mut text = std::fs::read_to_string(&private).unwrap();
    text.push_str("inactive: 20200101000000\n");
    std::fs::write(&private, text).unwrap();
    run(&mut sign_command(&example(), &k, &out, &[]));
    let signed = std::fs::read_to_string(&out).unwrap();
    let signers: Vec<String> = signed
        .lines()
        .filter(|l| l.contains("\tRRSIG\tA "))
        .filter_map(|l| l.split_whitespace().nth(10).map(str::to_string))
        .collect();
    assert!(!signers.is_empty());
    assert!(signers.iter().all(|t| *t == stem_tag(&second)), "{signers:?}");

    // A CH zone's DS file is in class CH.
    let ch = dir.path().join("ch.zone");
    std::fs::write(
        &ch,
        "$TTL 3600\nexample. CH SOA ns.example. h.example. 1 2 3 4 5\nexample. CH NS ns.example.\n\
         www.example. CH TXT \"hi\"\n",
    )
    .unwrap();
    let ds = dir.path().join("ds");
    let ch_keys = dir.path().join("ch-keys");
    std::fs::create_dir(&ch_keys).unwrap();
    bind_keygen(&ch_keys, &["-a", "ECDSAP256SHA256", "-c", "CH", "-f", "KSK", "example."]);
    bind_keygen(&ch_keys, &["-a", "ECDSAP256SHA256", "-c", "CH", "example."]);
    let extra = [os("--class"), os("CH"), os("--ds"), ds.as_os_str()];
    run(&mut sign_command(&ch, &ch_keys, &out, &extra));
    let ds = std::fs::read_to_string(&ds).unwrap();
    assert!(ds.lines().all(|l| l.contains("\tCH\tDS\t")), "{ds}");
}

/// A key file's class is its zone's: `dnssec-signzone` stops on an
/// assertion (`rdataset->rdclass == db->rdclass`) for a key of another
/// class, where zonesign signed an IN zone with CH key files, and a CH
/// zone with IN ones, without a word (the seventy-fifth audit,
/// 2026-12-07). `keygen --class` writes the class as `dnssec-keygen -c`.
#[test]
fn regression_a_key_file_of_another_class_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let os = std::ffi::OsStr::new;
    let ch_keys = dir.path().join("ch");
    std::fs::create_dir(&ch_keys).unwrap();
    for role in ["--ksk", "--zsk"] {
        run(zonesign()
            .args(["keygen", "example.", "-a", "13", "--class", "CH", role, "--key-dir"])
            .arg(&ch_keys));
    }
    for entry in std::fs::read_dir(&ch_keys).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "key") {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(text.contains("example. CH DNSKEY "), "{text}");
        }
    }
    let out = dir.path().join("signed.zone");
    let refused = sign_command(&example(), &ch_keys, &out, &[]).output().unwrap();
    let err = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(3), "{err}");
    assert!(err.contains("its DNSKEY record is of class CH (IN where the file names none), the zone example. of class IN"), "{err}");
    assert!(!out.exists());

    let ch = dir.path().join("ch.zone");
    std::fs::write(
        &ch,
        "$TTL 3600\nexample. CH SOA ns.example. h.example. 1 2 3 4 5\nexample. CH NS ns.example.\n",
    )
    .unwrap();
    run(&mut sign_command(&ch, &ch_keys, &out, &[os("--class"), os("CH")]));
    let in_keys = keys(dir.path());
    let refused = sign_command(&ch, &in_keys, &out, &[os("--class"), os("CH")]).output().unwrap();
    let err = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(3), "{err}");
    assert!(err.contains("its DNSKEY record is of class IN (IN where the file names none), the zone example. of class CH"), "{err}");
}

/// RFC 4034 §3.1.5: signature times are compared in serial number
/// arithmetic, but ldns 1.8 compares them as signed 32-bit numbers:
/// `ldns-verify-zone` calls every signature bogus whose window reaches past
/// 2038-01-19 03:14:07 UTC. Published with a warning now (it was said
/// nowhere: the fifty-third audit, 2026-12-07); and `--jitter` takes the
/// units of the relative times (`1mo` was a bare "bad --jitter").
#[test]
fn rfc4034_section_3_1_5_expirations_past_2038_are_warned_of() {
    let dir = tempfile::tempdir().unwrap();
    let k = keys(dir.path());
    let out = dir.path().join("signed.zone");
    let report = dir.path().join("report.json");
    let os = std::ffi::OsStr::new;
    let mut cmd = sign_command(
        &example(),
        &k,
        &out,
        &[
            os("--expiration"),
            os("+30y"),
            os("--jitter"),
            os("1mo"),
            os("--report"),
            report.as_os_str(),
        ],
    );
    let text = run(&mut cmd);
    assert!(text.contains("past 2038-01-19 03:14:07 UTC"), "{text}");
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert!(r["warnings"].to_string().contains("ldns-verify-zone 1.8"), "{r}");
    // Within 2038, nothing to say.
    let text = run(&mut sign_command(&example(), &k, &out, &[os("--jitter"), os("2d")]));
    assert!(!text.contains("2038"), "{text}");
    let refused = sign_command(&example(), &k, &out, &[os("--jitter"), os("1m")]).output().unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("`m` is ambiguous"));
}

/// BIND's convention, by algorithm: `dnssec-verify` wants a self-signed
/// KSK of each algorithm ("Missing self-signed KSK for algorithm
/// RSASHA256"). A zone whose second algorithm had a ZSK only, signed with
/// `--csk` as the refusal without it suggests, passed `verify` without a
/// word; RFC 4034 §2.1.1 has validators ignore the SEP flag, so a warning,
/// as for a zone with no SEP key at all (the seventy-ninth audit).
#[test]
fn rfc4034_section_2_1_1_an_algorithm_without_a_sep_key_is_warned_of() {
    let dir = tempfile::tempdir().unwrap();
    let k = dir.path().join("keys");
    std::fs::create_dir(&k).unwrap();
    for (alg, role) in [("13", "--ksk"), ("13", "--zsk"), ("8", "--zsk")] {
        run(zonesign().args(["keygen", "example.", "-a", alg, role, "--key-dir"]).arg(&k));
    }
    let out = dir.path().join("signed.zone");
    let said = sign_example(&k, &out, &["--csk".as_ref()]);
    assert!(said.contains("no key of algorithm 8 in the DNSKEY RRset has the SEP flag"), "{said}");
    let verified = zonesign().arg("verify").arg(&out).args(["-o", "example."]).output().unwrap();
    let text = String::from_utf8_lossy(&verified.stderr);
    assert_eq!(verified.status.code(), Some(0), "{text}");
    assert!(text.contains("dnskey-no-sep") && text.contains("algorithm 8"), "{text}");
}

/// A KEY RRset at a delegation point: RFC 4035 §2.3 leaves it out of the
/// NSEC type bit map (as zonesign does, and `kzonecheck` wants), BIND 9.18
/// takes it as the parent's (`dnssec-verify`: "bit map mismatch"). No bit
/// map passes both: `verify` warns of it, and so `sign` of what it wrote
/// (the seventy-ninth and eightieth audits).
#[test]
fn rfc4035_section_2_3_key_at_a_delegation_is_warned_of_under_nsec() {
    let dir = tempfile::tempdir().unwrap();
    let k = keys(dir.path());
    let zone = dir.path().join("cut.zone");
    let mut text = std::fs::read_to_string(example()).unwrap();
    text.push_str(
        "cut.example. 3600 IN NS ns.other.\ncut.example. 3600 IN KEY 256 3 13 AQIDBA==\n",
    );
    std::fs::write(&zone, text).unwrap();
    let out = dir.path().join("signed.zone");
    let said = run(&mut sign_command(&zone, &k, &out, &["--nsec".as_ref()]));
    assert!(said.contains("key-at-delegation cut.example. KEY"), "{said}");
    let verified = zonesign().arg("verify").arg(&out).args(["-o", "example."]).output().unwrap();
    let text = String::from_utf8_lossy(&verified.stderr);
    assert_eq!(verified.status.code(), Some(0), "{text}");
    assert!(text.contains("key-at-delegation cut.example. KEY"), "{text}");
    let said = run(&mut sign_command(&zone, &k, &out, &["--nsec3".as_ref()]));
    assert!(!said.contains("key-at-delegation"), "{said}");
}
