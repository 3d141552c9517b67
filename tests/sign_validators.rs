//! End-to-end signing judged by the independent validators: `dnssec-verify`
//! (BIND), `ldns-verify-zone` (ldns) and `kzonecheck -d on` (Knot). Each
//! must accept every zone zonesign writes, for algorithms 8, 13, 14 and 15,
//! NSEC, NSEC3 and NSEC3 Opt-Out, with a KSK/ZSK pair and with a CSK.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn zonesign() -> Command {
    Command::new(common::zonesign_bin())
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let text =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{cmd:?} failed ({}):\n{text}", out.status);
    text
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test-data").join(name)
}

/// A new temporary directory with an empty `keys` directory in it.
fn key_dir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    std::fs::create_dir(&keys).unwrap();
    (dir, keys)
}

fn keygen(dir: &Path, origin: &str, alg: u8, ksk: bool) {
    let role = if ksk { "--ksk" } else { "--zsk" };
    run(zonesign()
        .args(["keygen", origin, "--algorithm", &alg.to_string(), role, "--key-dir"])
        .arg(dir));
}

fn generated_zone(dir: &Path, delegations: u32) -> PathBuf {
    let out = dir.join("gen.zone");
    run(Command::new(env!("CARGO_BIN_EXE_zonesign-genzone"))
        .args([
            "--origin",
            "tld.",
            "--delegations",
            &delegations.to_string(),
            "--seed",
            "7",
            "--output",
        ])
        .arg(&out));
    out
}

/// Every validator must accept `signed`. A combined signing key (one key
/// with the SEP flag that signs everything) needs `dnssec-verify -z`:
/// without it BIND insists on a separate key without the SEP flag ("Missing
/// ZSK for algorithm"), a BIND convention, not an RFC rule; ldns and Knot
/// accept such zones as they are.
fn assert_validators_accept(signed: &Path, origin: &str, csk: bool) {
    let mut bind = Command::new("dnssec-verify");
    if csk {
        bind.arg("-z");
    }
    run(bind.args(["-q", "-o", origin]).arg(signed));
    run(Command::new("ldns-verify-zone").arg(signed));
    run(Command::new("kzonecheck").args(["-d", "on", "-o", origin]).arg(signed));
    // And our own verifier, as a fourth opinion.
    run(zonesign().args(["verify", "--quiet", "-o", origin]).arg(signed));
}

#[derive(Clone, Copy, Debug)]
enum Denial {
    Nsec,
    Nsec3,
    Nsec3OptOut,
}

fn sign_and_check(zone: &Path, origin: &str, alg: u8, csk: bool, denial: Denial) {
    let (dir, keys) = key_dir();
    keygen(&keys, origin, alg, true);
    if !csk {
        keygen(&keys, origin, alg, false);
    }
    let out = dir.path().join("signed.zone");
    let mut cmd = zonesign();
    cmd.arg("sign")
        .arg(zone)
        .args(["--origin", origin, "--quiet", "--key-dir"])
        .arg(&keys)
        .arg("--output")
        .arg(&out);
    match denial {
        Denial::Nsec => {}
        Denial::Nsec3 => {
            cmd.arg("--nsec3");
        }
        Denial::Nsec3OptOut => {
            cmd.args(["--nsec3", "--opt-out"]);
        }
    }
    run(&mut cmd);
    assert_validators_accept(&out, origin, csk);
}

#[test]
fn generated_tld_every_algorithm_and_denial_with_ksk_zsk() {
    let dir = tempfile::tempdir().unwrap();
    let zone = generated_zone(dir.path(), 1500);
    for alg in [8, 13, 14, 15] {
        for denial in [Denial::Nsec, Denial::Nsec3, Denial::Nsec3OptOut] {
            eprintln!("alg {alg} {denial:?} KSK+ZSK");
            sign_and_check(&zone, "tld.", alg, false, denial);
        }
    }
}

#[test]
fn generated_tld_with_a_csk() {
    let dir = tempfile::tempdir().unwrap();
    let zone = generated_zone(dir.path(), 800);
    for alg in [13, 15] {
        for denial in [Denial::Nsec, Denial::Nsec3OptOut] {
            sign_and_check(&zone, "tld.", alg, true, denial);
        }
    }
}

#[test]
fn root_zone_nsec_and_nsec3_opt_out() {
    let zone = data("root.zone");
    sign_and_check(&zone, ".", 8, false, Denial::Nsec);
    sign_and_check(&zone, ".", 13, false, Denial::Nsec3OptOut);
    sign_and_check(&zone, ".", 15, true, Denial::Nsec3);
}

#[test]
fn example_zone_every_construct_signs() {
    let zone = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/example.zone");
    for denial in [Denial::Nsec, Denial::Nsec3, Denial::Nsec3OptOut] {
        sign_and_check(&zone, "example.", 13, false, denial);
    }
}

/// `text` written as a zone file in a new temporary directory, which
/// lives as long as the returned guard.
fn zone_file(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let zone = dir.path().join("test.zone");
    std::fs::write(&zone, text).unwrap();
    (dir, zone)
}

/// Regression (found by the `sign` fuzz target): names of the zone that are
/// also owners of NSEC3 records. A label can spell the hash of another name
/// (RFC 5155 §3: the NSEC3 owner is that hash as one label below the
/// apex), so an NSEC3 shares its owner with a name that has data, or with
/// an empty non-terminal. Each name still needs an NSEC3 of its own; our
/// verifier took the ENT for an NSEC3 owner only and refused the signed
/// zone, which BIND and ldns accept. Hashes: SHA-1, no salt, no extra
/// iteration (`knsec3hash - 1 0 NAME`).
#[test]
fn regression_nsec3_owner_names_that_are_names_of_the_zone() {
    let (_dir, zone) = zone_file(
        "$TTL 300\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.53\n\
         ; the NSEC3 owner of example., as a name with data\n\
         3msev9usmd4br9s97v51r2tdvmr9iqo1 A 192.0.2.1\n\
         ; the NSEC3 owner of ns.example., as an empty non-terminal\n\
         x.kncb8asp44gj31sjvi5s29d8q49gb30r TXT \"ent\"\n",
    );
    for alg in [13, 15] {
        for denial in [Denial::Nsec3, Denial::Nsec3OptOut] {
            sign_and_check(&zone, "example.", alg, false, denial);
        }
    }
}

/// The seventeenth audit (2026-12-06), serving zonesign's output with
/// knotd: a label holding any of ``! # % & ' + , : < = > ? [ ] ^ ` { | } ~``
/// was written as it is (`a[b.example.`), which BIND and ldns read but
/// Knot refuses ("invalid domain name character"; knotd did not load the
/// zone). Every printable octet in an owner, an NSEC next name and a name
/// in RDATA must reach all three validators.
#[test]
fn regression_every_printable_octet_in_a_name_is_read_by_knot_bind_and_ldns() {
    let mut text = String::from("$TTL 300\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.53\n");
    // Letters and digits are plain anyway (and `aAb` is `aab`).
    for b in (0x21u8..=0x7e).filter(|b| !b.is_ascii_alphanumeric()) {
        text.push_str(&format!("a\\{b:03}b CNAME x\\{b:03}y\n"));
    }
    let (_dir, zone) = zone_file(&text);
    for denial in [Denial::Nsec, Denial::Nsec3] {
        sign_and_check(&zone, "example.", 13, false, denial);
    }
}

/// The seventh audit (2026-12-06): a name whose label is the NSEC3 hash of
/// another name holds that name's NSEC3 (RFC 5155 §7.1), whatever else it
/// is. At a delegation point that NSEC3 was published unsigned (signer and
/// verifier both signed only DS and NSEC there), so a registrant could
/// register the hash of another name and break its denial proofs; beside
/// a CNAME the zone was refused as "CNAME and other data"; and at an empty
/// non-terminal, a re-sign dropped the name with the stale NSEC3 it held,
/// leaving the ENT without an NSEC3. Each output, and the re-signed one,
/// must pass every validator. Hashes: `knsec3hash - 1 0 NAME`.
#[test]
fn rfc5155_section_7_1_an_nsec3_at_a_delegation_cname_or_ent_is_signed_and_re_signed() {
    let (_dir, zone) = zone_file(
        "$TTL 300\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.53\n\
         mail A 192.0.2.25\nwww A 192.0.2.80\nftp A 192.0.2.21\ntxt TXT \"t\"\n\
         ; the hash of mail.example., an insecure delegation\n\
         o133jc5mtd9pmvpdiobhjem12ke3sc6m NS ns.elsewhere.net.\n\
         ; the hash of www.example., a secure delegation\n\
         9kqnrpnekplbct2m3k9jh3cljviok2b5 NS ns.elsewhere.net.\n\
         9kqnrpnekplbct2m3k9jh3cljviok2b5 DS 12345 13 2 \
         0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF\n\
         ; the hash of ftp.example., a CNAME\n\
         i9r570v09q0hkprklgrhlocc3usek914 CNAME www\n\
         ; the hash of txt.example., an empty non-terminal\n\
         sub.62aonb0t8kq78mfsquph6u7kk68asa2u A 192.0.2.2\n",
    );
    for opt_out in [false, true] {
        let (dir, keys) = key_dir();
        keygen(&keys, "example.", 13, true);
        keygen(&keys, "example.", 13, false);
        let mut input = zone.clone();
        for round in ["signed.zone", "re-signed.zone"] {
            let out = dir.path().join(round);
            let mut cmd = zonesign();
            cmd.arg("sign").arg(&input).args(["-o", "example.", "--quiet", "--nsec3", "--key-dir"]);
            cmd.arg(&keys).arg("--output").arg(&out);
            if opt_out {
                cmd.arg("--opt-out");
            }
            run(&mut cmd);
            let text = std::fs::read_to_string(&out).unwrap();
            let at_cut = "o133jc5mtd9pmvpdiobhjem12ke3sc6m.example.";
            assert!(
                text.lines().any(|l| l.starts_with(at_cut) && l.contains("\tRRSIG\tNSEC3 ")),
                "{round}: no RRSIG over the NSEC3 at the delegation point"
            );
            assert_validators_accept(&out, "example.", false);
            input = out;
        }
    }
}

/// Regression (found by the `sign` fuzz target): stale DNSSEC records in
/// the input, an RRSIG left behind at `a.b.example.` whose RRset is gone
/// and an NSEC at `c.d.example.`, are stripped, and the names that held
/// nothing else go with them; so must the empty non-terminals above them
/// (`b.example.`, `d.example.`), which an NSEC or NSEC3 would otherwise
/// prove to exist. zonesign wrote NSEC3s for them and then failed its own
/// verification, as every validator would have.
#[test]
fn regression_stale_dnssec_records_leave_no_empty_non_terminal() {
    let (_dir, zone) = zone_file(
        "$TTL 300\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.53\n\
         a.b RRSIG A 13 3 300 20300101000000 20200101000000 1 example. AAAA\n\
         c.d NSEC ns.example. A RRSIG NSEC\n\
         e.f A 192.0.2.1\n",
    );
    for denial in [Denial::Nsec, Denial::Nsec3, Denial::Nsec3OptOut] {
        sign_and_check(&zone, "example.", 13, false, denial);
    }
}

/// RFC 6781 §4.1.1.1 (pre-publish ZSK rollover) and §4.1.2 (double-KSK
/// rollover): the next ZSK and the next KSK are published beside the keys
/// that sign, and sign nothing (`--publish`). Every validator accepts the
/// zone; BIND counts them as stand-by keys.
#[test]
fn rfc6781_section_4_1_1_1_pre_published_keys_sign_nothing_and_validate() {
    let dir = tempfile::tempdir().unwrap();
    let (keys, next) = (dir.path().join("keys"), dir.path().join("next"));
    std::fs::create_dir(&keys).unwrap();
    std::fs::create_dir(&next).unwrap();
    keygen(&keys, "tld.", 13, true);
    keygen(&keys, "tld.", 13, false);
    keygen(&next, "tld.", 13, true);
    keygen(&next, "tld.", 13, false);
    let zone = generated_zone(dir.path(), 300);
    let out = dir.path().join("signed.zone");
    let report = dir.path().join("report.json");
    let mut cmd = zonesign();
    cmd.arg("sign")
        .arg(&zone)
        .args(["--origin", "tld.", "--quiet", "--nsec3", "--key-dir"])
        .arg(&keys)
        .arg("--output")
        .arg(&out)
        .arg("--report")
        .arg(&report);
    for entry in std::fs::read_dir(&next).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "key") {
            cmd.arg("--publish").arg(path);
        }
    }
    run(&mut cmd);
    assert_validators_accept(&out, "tld.", false);
    let bind = run(Command::new("dnssec-verify").args(["-o", "tld."]).arg(&out));
    assert!(bind.contains("KSKs: 1 active, 1 stand-by"), "{bind}");
    assert!(bind.contains("ZSKs: 1 active, 1 stand-by"), "{bind}");
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(r["publish_only"].as_array().unwrap().len(), 2);
    // Our verifier counts them as BIND does: two keys sign, two stand by.
    let uses = r["verification"]["keys"].as_array().unwrap();
    assert_eq!(uses.len(), 4);
    assert_eq!(uses.iter().filter(|k| k["signatures"] == 0).count(), 2);
    assert_eq!(r["keys"].as_array().unwrap().len(), 2);
    let text = std::fs::read_to_string(&out).unwrap();
    let dnskeys = text.lines().filter(|l| l.split_whitespace().nth(3) == Some("DNSKEY")).count();
    assert_eq!(dnskeys, 4);
}

/// RFC 8976 §3: re-signing a zone with an apex ZONEMD (the root zone, as
/// IANA publishes it, carries a SHA-384 one) makes the digest again over
/// the signed zone. Before, zonesign kept the input's digest: every
/// signature valid, the zone still rejected by `ldns-verify-zone` ("No
/// ZONEMD matching the zone data was found") and by resolvers that check
/// ZONEMD. Every validator accepts the result; `ldns-verify-zone` checks
/// the digest. With Ed25519 (deterministic signatures) the file is the same
/// for one thread and three.
#[test]
fn rfc8976_section_3_root_zone_zonemd_made_again() {
    let dir = tempfile::tempdir().unwrap();
    let stale = "5E21E890ACDE0249A3C73F5500159960F01C1783534876FAEC24F3CBB7E0442D498E54B3E6DDCDECDD8D96E3FE1BF733";
    let zone = dir.path().join("root.zone");
    let mut text = std::fs::read_to_string(data("root.zone")).unwrap();
    text.push_str(&format!(".\t86400\tIN\tZONEMD\t2026082201 1 1 {stale}\n"));
    std::fs::write(&zone, text).unwrap();
    // One validity period for every run, so that the runs compare.
    let hour =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
            / 3600
            * 3600;
    let inception = (hour - 3600).to_string();
    let expiration = (hour + 14 * 86400).to_string();
    for (alg, extra) in [
        (8, &[][..]),
        (13, &["--nsec3", "--opt-out", "--zonemd", "sha384", "--zonemd", "sha512"][..]),
        (15, &["--nsec3", "--serial", "increment"][..]),
    ] {
        let keys = dir.path().join(format!("keys{alg}"));
        std::fs::create_dir(&keys).unwrap();
        keygen(&keys, ".", alg, true);
        keygen(&keys, ".", alg, false);
        let sign = |out: &Path, threads: &str| {
            run(zonesign()
                .arg("sign")
                .arg(&zone)
                .args(["--origin", ".", "--quiet", "--threads", threads])
                .args(["--inception", &inception, "--expiration", &expiration, "--key-dir"])
                .arg(&keys)
                .arg("--output")
                .arg(out)
                .args(extra));
        };
        let out = dir.path().join(format!("signed{alg}.zone"));
        sign(&out, "1");
        assert_validators_accept(&out, ".", false);
        let signed = std::fs::read_to_string(&out).unwrap();
        let zonemd: Vec<&str> = signed.lines().filter(|l| l.contains("\tZONEMD\t")).collect();
        let serial = if alg == 15 { "2026082202" } else { "2026082201" };
        assert!(zonemd.iter().all(|l| l.contains(&format!("\t{serial} 1 "))), "{zonemd:?}");
        assert_eq!(zonemd.len(), if alg == 13 { 2 } else { 1 }, "{zonemd:?}");
        assert!(!signed.contains(stale), "the input's digest was kept");
        let verified = run(zonesign().args(["verify", "-o", "."]).arg(&out));
        assert!(verified.contains("ZONEMD digest"), "{verified}");
        if alg == 15 {
            let again = dir.path().join("signed15-3.zone");
            sign(&again, "3");
            assert_eq!(
                std::fs::read(&again).unwrap(),
                signed.as_bytes(),
                "thread count changed the output"
            );
        }
    }
}

/// RFC 7344 §4.1 and RFC 8078 §4: CDS and CDNSKEY records kept from the
/// input (no `--cds`) pass every validator when they name the zone's KSK
/// (a zone re-signed as it was) or ask the parent to delete the DS RRset.
#[test]
fn rfc7344_and_rfc8078_input_cds_kept_when_they_match() {
    let (dir, keys) = key_dir();
    keygen(&keys, "example.", 13, true);
    keygen(&keys, "example.", 13, false);
    let sign = |input: &Path, output: &Path, extra: &[&str]| {
        run(zonesign()
            .arg("sign")
            .arg(input)
            .args(["--origin", "example.", "--quiet", "--key-dir"])
            .arg(&keys)
            .arg("--output")
            .arg(output)
            .args(extra));
    };
    let first = dir.path().join("first.zone");
    sign(&common::repo_path("examples/example.zone"), &first, &["--cds"]);
    let again = dir.path().join("again.zone");
    sign(&first, &again, &["--nsec3"]);
    assert_validators_accept(&again, "example.", false);
    let cds = |path: &Path| -> Vec<String> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .filter(|l| l.contains("\tCDS\t") || l.contains("\tCDNSKEY\t"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(cds(&again), cds(&first));
    assert_eq!(cds(&again).len(), 2);

    let delete = dir.path().join("delete.zone");
    let mut text = std::fs::read_to_string(common::repo_path("examples/example.zone")).unwrap();
    text.push_str("example. 3600 IN CDS 0 0 0 00\nexample. 3600 IN CDNSKEY 0 3 0 AA==\n");
    std::fs::write(&delete, text).unwrap();
    let signed = dir.path().join("delete.signed");
    sign(&delete, &signed, &[]);
    assert_validators_accept(&signed, "example.", false);
}

/// RFC 6672 and RFC 5155 §3: a DNAME at the apex occludes every name below
/// it, but not the NSEC3 owner names (one label below the apex), which are
/// the zone's denial of existence and signed. Found by the `sign` fuzz
/// target: such a zone, signed with NSEC3, failed our verification ("RRSIG
/// over data that must not be signed") while the three validators accepted
/// it, so zonesign refused to publish a valid zone.
#[test]
fn regression_apex_dname_with_nsec3() {
    let (_dir, zone) = zone_file(
        "$ORIGIN example.\n$TTL 3600\n@ SOA ns1.other. host.other. 1 7200 3600 1209600 300\n\
         @ NS ns1.other.\n@ NS ns2.other.\n@ DNAME example.net.\n",
    );
    for denial in [Denial::Nsec, Denial::Nsec3, Denial::Nsec3OptOut] {
        sign_and_check(&zone, "example.", 13, false, denial);
    }
}

/// BIND's smart signing (`dnssec-signzone -S -K`): the keys of a key
/// directory follow the timing in their files, as `dnssec-keygen` and
/// `dnssec-settime` set it. A key past its Inactive time, or not yet
/// active, is published and signs nothing; a key past its Delete time, or
/// before its Publish time, is left out. (zonesign signed with all of them,
/// a retired and a deleted key too: an audit, 2026-12-06.) A key whose
/// Revoke time has passed but that `dnssec-revoke` has not revoked is
/// refused (exit 3). Keys named with `--key` sign whatever their timing, as
/// keys named on `dnssec-signzone`'s command line do.
#[test]
fn bind_key_directory_keys_follow_their_timing() {
    common::require_tool("dnssec-keygen", "bind9-utils");
    let (dir, keys) = key_dir();
    let bind_key = |args: &[&str]| bind_keygen(&keys, args);
    let ksk = bind_key(&["-f", "KSK"]);
    let zsk = bind_key(&[]);
    let _retired = bind_key(&["-I", "now"]);
    let _deleted = bind_key(&["-I", "now", "-D", "now"]);
    let _next = bind_key(&["-P", "now", "-A", "+30d"]);
    let _future = bind_key(&["-P", "+30d", "-A", "+60d"]);
    // `-G`: "generate key only; do not set -P or -A": neither published
    // nor used, as `dnssec-signzone -S` (the ninth audit, 2026-12-06).
    let unscheduled = bind_key(&["-G"]);
    let zone = generated_zone(dir.path(), 50);
    let out = dir.path().join("signed.zone");
    let report = dir.path().join("report.json");
    let sign = || {
        let mut cmd = zonesign();
        cmd.arg("sign")
            .arg(&zone)
            .args(["--origin", "tld.", "--key-dir"])
            .arg(&keys)
            .arg("--output")
            .arg(&out);
        cmd
    };
    let text = run(sign().arg("--report").arg(&report));
    assert!(text.contains("Inactive"), "{text}");
    assert_validators_accept(&out, "tld.", false);
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let mut signing: Vec<String> = r["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| format!("Ktld.+013+{:05}", k["key_tag"].as_u64().unwrap()))
        .collect();
    signing.sort();
    let mut want = vec![ksk, zsk];
    want.sort();
    assert_eq!(signing, want);
    assert_eq!(r["publish_only"].as_array().unwrap().len(), 2, "{}", r["key_timing"]);
    assert_eq!(r["key_timing"].as_array().unwrap().len(), 5, "{}", r["key_timing"]);
    assert!(r["key_timing"].to_string().contains(&unscheduled), "{}", r["key_timing"]);
    let signed = std::fs::read_to_string(&out).unwrap();
    let dnskeys = signed.lines().filter(|l| l.split_whitespace().nth(3) == Some("DNSKEY")).count();
    assert_eq!(dnskeys, 4);

    // A revocation that is due but not done: refused, nothing written.
    let revoking = bind_key(&["-f", "KSK", "-R", "now"]);
    std::fs::remove_file(&out).unwrap();
    let failed = sign().output().unwrap();
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert_eq!(failed.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains(&revoking) && stderr.contains("dnssec-revoke"), "{stderr}");
    assert!(!out.exists());
}

/// `dnssec-keygen -q -a 13 -K KEYS ARGS tld.`: the new key's base name.
fn bind_keygen(keys: &Path, args: &[&str]) -> String {
    let mut cmd = Command::new("dnssec-keygen");
    cmd.args(["-q", "-a", "13", "-K"]).arg(keys).args(args).arg("tld.");
    run(&mut cmd).trim().to_string()
}

/// RFC 5011 §2.1: `dnssec-revoke` writes the revoked key beside the
/// original files, which it keeps. Both were taken as two keys: the same
/// key published unrevoked and revoked, the unrevoked copy still signing
/// the DNSKEY RRset and named in CDS, CDNSKEY and the DS file (the fifth
/// audit, 2026-12-06). The original is left out, as `dnssec-signzone -S`
/// does ("Removing revoked key ... from DNSKEY RRset"), with a notice: a
/// warning on every re-sign of the 30-day hold-down taught operators to
/// ignore warnings (the thirty-second audit, 2026-12-07).
#[test]
fn rfc5011_section_2_1_a_revoked_key_directory_key_is_not_also_published_unrevoked() {
    common::require_tool("dnssec-revoke", "bind9-utils");
    let (dir, keys) = key_dir();
    let bind_key = |args: &[&str]| bind_keygen(&keys, args);
    let _zsk = bind_key(&[]);
    let kept = bind_key(&["-f", "KSK"]);
    // The key to revoke, a stand-by KSK of the zone published before the
    // revocation: published unrevoked, signing nothing.
    let standby = dir.path().join("standby");
    std::fs::create_dir(&standby).unwrap();
    let old = bind_keygen(&standby, &["-f", "KSK"]);
    let zone = generated_zone(dir.path(), 20);
    let before = dir.path().join("before.zone");
    run(zonesign()
        .arg("sign")
        .arg(&zone)
        .args(["--origin", "tld.", "-q", "--key-dir"])
        .arg(&keys)
        .arg("--publish")
        .arg(standby.join(format!("{old}.key")))
        .arg("--output")
        .arg(&before));
    for ext in ["key", "private"] {
        let name = format!("{old}.{ext}");
        std::fs::copy(standby.join(&name), keys.join(&name)).unwrap();
    }
    let mut revoke = Command::new("dnssec-revoke");
    revoke.arg("-K").arg(&keys).arg(format!("{old}.private"));
    run(&mut revoke);
    let old_tag: u16 = old.rsplit('+').next().unwrap().parse().unwrap();
    let kept_tag: u16 = kept.rsplit('+').next().unwrap().parse().unwrap();
    let revoked_tag = old_tag.wrapping_add(128);
    assert!(keys.join(format!("{old}.private")).exists(), "dnssec-revoke kept the original");
    // Re-signing the zone published before: the revoked key replaces its
    // unrevoked form, which is no stand-by key dropped (a warning with
    // advice that cannot be followed: the twenty-seventh audit,
    // 2026-12-06).
    let again = dir.path().join("again.zone");
    let text = sign_tld(&before, &keys, &again, &["--serial", "increment"]);
    assert!(!text.contains("without signing"), "{text}");
    let left_out = format!("{old}: key {old_tag} is revoked as key {revoked_tag}");
    assert!(text.contains(&format!("notice: key timing: {left_out}")), "{text}");
    assert!(!text.contains("warning:"), "{text}");
    // The hold-down (RFC 5011 §2.4.2: 30 days): re-signs with nothing
    // changed say nothing to warn about.
    let held = dir.path().join("held.zone");
    let report = dir.path().join("held.json");
    let report_arg = report.to_str().unwrap();
    let text = sign_tld(&again, &keys, &held, &["--serial", "increment", "--report", report_arg]);
    assert!(!text.contains("warning:"), "{text}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(report["warnings"], serde_json::json!([]), "{report}");
    assert!(report["key_timing"].to_string().contains(&left_out), "{report}");
    // The original's key file TTL (`dnssec-keygen -L`) is not the DNSKEY
    // RRset's: the key is not published (it was, the seventy-fifth audit).
    let mut settime = Command::new("dnssec-settime");
    settime.arg("-K").arg(&keys).args(["-L", "60"]).arg(&old);
    run(&mut settime);
    let out = dir.path().join("signed.zone");
    let ds = dir.path().join("ds.txt");
    let text = run(zonesign()
        .arg("sign")
        .arg(&zone)
        .args(["--origin", "tld.", "--cds", "--key-dir"])
        .arg(&keys)
        .arg("--output")
        .arg(&out)
        .arg("--ds")
        .arg(&ds));
    assert!(text.contains(&format!("key {old_tag} is revoked as key {revoked_tag}")), "{text}");
    assert_validators_accept(&out, "tld.", false);
    let signed = std::fs::read_to_string(&out).unwrap();
    let tags_of = |rtype: &str, field: usize| -> Vec<u16> {
        signed
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            .filter(|f| f.get(3) == Some(&rtype))
            .map(|f| f[field].parse().unwrap())
            .collect()
    };
    let dnskey_signers: Vec<u16> = signed
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|f| f.get(3) == Some(&"RRSIG") && f.get(4) == Some(&"DNSKEY"))
        .map(|f| f[10].parse().unwrap())
        .collect();
    assert!(!dnskey_signers.contains(&old_tag), "{dnskey_signers:?}");
    assert!(dnskey_signers.contains(&revoked_tag), "{dnskey_signers:?}");
    assert_eq!(tags_of("CDS", 4), [kept_tag]);
    let ds_text = std::fs::read_to_string(&ds).unwrap();
    assert!(!ds_text.contains(&format!("\t{old_tag} ")), "{ds_text}");
    assert!(ds_text.contains(&format!("\t{kept_tag} ")), "{ds_text}");
    assert_eq!(signed.lines().filter(|l| l.contains("\tDNSKEY\t257 ")).count(), 1, "{signed}");
    let dnskey_ttls: Vec<&str> = signed
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|f| f.get(3) == Some(&"DNSKEY"))
        .map(|f| f[1])
        .collect();
    assert!(!dnskey_ttls.is_empty() && !dnskey_ttls.contains(&"60"), "{dnskey_ttls:?}");

    // The revoked key past its Delete time (the hold-down over): its
    // original came back then, signed the DNSKEY RRset and got a CDS (the
    // seventieth audit). Neither form is published now, as `dnssec-signzone
    // -S` publishes neither.
    let revoked_stem = format!("{}+{revoked_tag:05}", old.rsplit_once('+').unwrap().0);
    {
        let mut settime = Command::new("dnssec-settime");
        settime.arg("-K").arg(&keys).args(["-D", "now-1h"]).arg(&revoked_stem);
        run(&mut settime);
        let later = dir.path().join("later.zone");
        let text = sign_tld(&zone, &keys, &later, &["--cds"]);
        assert!(text.contains(&format!("key {old_tag} is revoked as key {revoked_tag}")), "{text}");
        assert_validators_accept(&later, "tld.", false);
        let signed = std::fs::read_to_string(&later).unwrap();
        let fields = |l: &str| l.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
        let records: Vec<Vec<String>> = signed.lines().map(fields).collect();
        let of = |rtype: &'static str| {
            records.iter().filter(move |f| f.get(3).map(String::as_str) == Some(rtype))
        };
        let dnskey_signers: Vec<u16> =
            of("RRSIG").filter(|f| f[4] == "DNSKEY").map(|f| f[10].parse().unwrap()).collect();
        assert!(!dnskey_signers.contains(&old_tag), "{dnskey_signers:?}");
        assert!(!dnskey_signers.contains(&revoked_tag), "{dnskey_signers:?}");
        let cds: Vec<u16> = of("CDS").map(|f| f[4].parse().unwrap()).collect();
        assert_eq!(cds, [kept_tag]);
        assert_eq!(of("DNSKEY").filter(|f| f[4] == "257").count(), 1, "{signed}");
        assert_eq!(of("DNSKEY").filter(|f| f[4] == "385").count(), 0, "{signed}");
    }
}

/// `zonesign sign ZONE --origin tld. --key-dir KEYS --output OUT ARGS`,
/// which must succeed; returns what it said.
fn sign_tld(zone: &Path, keys: &Path, out: &Path, args: &[&str]) -> String {
    run(zonesign()
        .arg("sign")
        .arg(zone)
        .args(["--origin", "tld.", "--key-dir"])
        .arg(keys)
        .arg("--output")
        .arg(out)
        .args(args))
}

/// The twelfth audit (2026-12-06): `--key` naming a key of `--key-dir`
/// whose timing makes it published only (the next ZSK, Activate to come)
/// was refused as "given to --publish"; `--key` signs whatever the timing,
/// as keys named on `dnssec-signzone`'s command line.
#[test]
fn regression_a_key_named_by_key_signs_whatever_its_directory_timing() {
    common::require_tool("dnssec-keygen", "bind9-utils");
    let (dir, keys) = key_dir();
    let _ksk = bind_keygen(&keys, &["-f", "KSK"]);
    let next = bind_keygen(&keys, &["-P", "now", "-A", "+30d"]);
    let zone = generated_zone(dir.path(), 10);
    let out = dir.path().join("signed.zone");
    let key = keys.join(format!("{next}.key"));
    let text = sign_tld(&zone, &keys, &out, &["--key", key.to_str().unwrap()]);
    assert!(text.contains("signs, named by --key, whatever its timing"), "{text}");
    let tag = next.rsplit('+').next().unwrap().trim_start_matches('0').to_string();
    assert!(text.contains(&format!("key {tag:>5} alg 13 ZSK")), "{text}");
    assert_validators_accept(&out, "tld.", false);
}

/// The twelfth audit (2026-12-06), the ends of three rollovers:
/// - RFC 6781 §4.1.1.2, double signature: the last step drops the old ZSK
///   whose signatures every answer carries beside the new one's; it was
///   warned about as if those answers could not be validated;
/// - RFC 6781 §4.1.1.1, pre-publication, as the README gives it: the old
///   ZSK, past its Delete time in the key directory, is dropped; it was
///   warned about as if it were the next key;
/// - the end of an algorithm rollover for RFC 5011 trust anchors: the old
///   algorithm's KSK revoked (`dnssec-revoke`, original kept past its
///   Inactive time) signs the DNSKEY RRset only; it was refused as "no key
///   of algorithm 8 has the SEP flag", and its original was published
///   beside it unrevoked.
#[test]
fn regression_rfc6781_rollover_ends_sign_without_false_warnings() {
    common::require_tool("dnssec-revoke", "bind9-utils");
    let (dir, keys) = key_dir();
    let _ksk = bind_keygen(&keys, &["-f", "KSK"]);
    let old = bind_keygen(&keys, &[]);
    let new = bind_keygen(&keys, &[]);
    let zone = generated_zone(dir.path(), 10);
    let step1 = dir.path().join("step1.zone");
    sign_tld(&zone, &keys, &step1, &[]);
    // Double signature, last step: the old ZSK retired and deleted.
    let mut settime = Command::new("dnssec-settime");
    settime.args(["-I", "now", "-D", "now", "-K"]).arg(&keys).arg(&old);
    run(&mut settime);
    let step2 = dir.path().join("step2.zone");
    let text = sign_tld(&step1, &keys, &step2, &["--serial", "increment"]);
    assert!(!text.contains("cannot be validated"), "{text}");
    assert!(!text.contains("without signing"), "{text}");
    assert_validators_accept(&step2, "tld.", false);

    // Pre-publication, last step: step 3 publishes the old ZSK (now only
    // published: Inactive passed, Delete to come) and step 4 drops it.
    let mut settime = Command::new("dnssec-settime");
    settime.args(["-D", "+1d", "-K"]).arg(&keys).arg(&old);
    run(&mut settime);
    let step3 = dir.path().join("step3.zone");
    sign_tld(&step2, &keys, &step3, &["--serial", "increment"]);
    let mut settime = Command::new("dnssec-settime");
    settime.args(["-D", "now", "-K"]).arg(&keys).arg(&old);
    run(&mut settime);
    let step4 = dir.path().join("step4.zone");
    let text = sign_tld(&step3, &keys, &step4, &["--serial", "increment"]);
    assert!(!text.contains("without signing"), "{text}");
    assert!(text.contains(&new) || !text.is_empty());

    // The end of an algorithm rollover: algorithm 8's KSK revoked.
    let rsa = |args: &[&str]| {
        let mut cmd = Command::new("dnssec-keygen");
        cmd.args(["-q", "-a", "8", "-b", "2048", "-K"]).arg(&keys).args(args).arg("tld.");
        run(&mut cmd).trim().to_string()
    };
    let rsa_ksk = rsa(&["-f", "KSK"]);
    let mut revoke = Command::new("dnssec-revoke");
    revoke.arg("-K").arg(&keys).arg(format!("{rsa_ksk}.private"));
    run(&mut revoke);
    let mut settime = Command::new("dnssec-settime");
    settime.args(["-I", "now", "-K"]).arg(&keys).arg(&rsa_ksk);
    run(&mut settime);
    let step5 = dir.path().join("step5.zone");
    let text = sign_tld(&step4, &keys, &step5, &["--serial", "increment"]);
    let rsa_tag: u16 = rsa_ksk.rsplit('+').next().unwrap().parse().unwrap();
    assert!(text.contains(&format!("key {rsa_tag} is revoked as key")), "{text}");
    assert_validators_accept(&step5, "tld.", false);
    let signed = std::fs::read_to_string(&step5).unwrap();
    let dnskeys: Vec<&str> = signed.lines().filter(|l| l.contains("\tDNSKEY\t")).collect();
    assert!(dnskeys.iter().any(|l| l.contains("\t385 3 8 ")), "{dnskeys:?}");
    assert!(!dnskeys.iter().any(|l| l.contains("\t257 3 8 ")), "{dnskeys:?}");
}

/// The twelfth audit (2026-12-06): records every reference parser loads
/// were published in forms one validator could not read, or read as other
/// octets: CERT algorithms 4, 6, 7 and 12 by name; types Knot 3.2 has no
/// mnemonic for (HIP, WKS, X25, ..., meta types in a CSYNC bit map) by
/// name, as record type, in the bit maps and as RRSIG type covered; CSYNC
/// with no types and WKS with no ports (ldns); SVCB/HTTPS ALPN ids holding
/// `,` or `\` (ldns). And RFC 3597 RDATA of types BIND checks (AMTRELAY,
/// DLV, ...) was signed unchecked, an IPSECKEY without a key too; a LOC of
/// version 1 and key65535, which all three load, were refused. A zone of
/// all of them, well formed, must pass every validator with NSEC and NSEC3.
#[test]
fn regression_rdata_every_validator_reads() {
    let (_dir, zone) = zone_file(
        "$TTL 300\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.53\n\
         c4 CERT PKIX 0 4 AAAA\nc6 CERT PKIX 0 NSEC3DSA AAAA\n\
         c7 CERT PKIX 0 7 AAAA\nc12 CERT PKIX 0 ECC-GOST AAAA\n\
         amt AMTRELAY \\# 6 0A01C0000201\ndlv TYPE32769 \\# 5 0001080500\n\
         doa TYPE259 \\# 10 00000000000000000000\nrkey TYPE57 \\# 5 00000308AA\n\
         ipsec IPSECKEY 10 1 2 192.0.2.38 AQNRU3mG\n\
         hip TYPE55 \\# 12 04020004 01020304 05060708\n\
         w WKS 10.0.0.1 17\nw2 WKS 10.0.0.1 6 25 80\nx X25 311061700956\n\
         p PX 10 net2.it. PRMD-net2.ADMD-p400.C-it.\nmb MB mail.example.\n\
         null NULL \\# 3 010203\ngpos GPOS \\# 6 012D01300131\n\
         a6 A6 \\# 17 00 20010db8000000000000000000000001\n\
         cs CSYNC 1 0\ncs2 CSYNC 1 3 A HIP WKS\ncs3 CSYNC 1 0 A TKEY IXFR\n\
         s1 SVCB 1 . alpn=\"a\\\\,b\"\ns2 HTTPS 1 . alpn=\"x\\\\\\\\y\"\n\
         s3 SVCB 1 . alpn=h2 key65535=ab\n\
         loc LOC \\# 16 01120000800000008000000000989680\n",
    );
    for denial in [Denial::Nsec, Denial::Nsec3] {
        sign_and_check(&zone, "example.", 13, false, denial);
    }
}

/// RFC 7344 in zonesign's own double-KSK rollover with `--cds`: once the
/// new KSK signs alone and the old one stays published, `--cds` drops the
/// old KSK's CDS and CDNSKEY, as it should, and warns of nothing (the
/// twenty-eighth audit, 2026-12-06: it warned of "another signer's KSK"
/// and advised signing without --cds, which keeps the old DS). A CSK the
/// run revokes (RFC 5011 §2.1) is not advised to be kept published
/// unrevoked, which is refused.
#[test]
fn rfc7344_cds_across_a_ksk_rollover_and_a_revoked_csk() {
    common::require_tool("dnssec-revoke", "bind9-utils");
    let (dir, keys) = key_dir();
    let k1 = bind_keygen(&keys, &["-f", "KSK"]);
    let k2 = bind_keygen(&keys, &["-f", "KSK"]);
    let zsk = bind_keygen(&keys, &[]);
    let zone = generated_zone(dir.path(), 5);
    let key = |k: &str, ext: &str| keys.join(format!("{k}.{ext}"));
    let step = |input: &Path, output: &str, args: &[&Path], publish: Option<&Path>| -> String {
        let out = dir.path().join(output);
        let mut cmd = zonesign();
        cmd.arg("sign").arg(input).args(["--origin", "tld.", "--cds", "--serial", "increment"]);
        for k in args {
            cmd.arg("--key").arg(k);
        }
        if let Some(p) = publish {
            cmd.arg("--publish").arg(p);
        }
        run(cmd.arg("--output").arg(&out))
    };
    step(&zone, "s0.zone", &[&key(&k1, "private"), &key(&zsk, "private")], None);
    let s0 = dir.path().join("s0.zone");
    step(
        &s0,
        "s1.zone",
        &[&key(&k1, "private"), &key(&k2, "private"), &key(&zsk, "private")],
        None,
    );
    let s1 = dir.path().join("s1.zone");
    let said = step(
        &s1,
        "s2.zone",
        &[&key(&k2, "private"), &key(&zsk, "private")],
        Some(&key(&k1, "key")),
    );
    assert!(!said.contains("--cds replaces"), "{said}");
    assert!(!said.contains("the zone will be bogus"), "{said}");
    let s2 = std::fs::read_to_string(dir.path().join("s2.zone")).unwrap();
    let k2_tag = k2.rsplit('+').next().unwrap().trim_start_matches('0');
    let cds: Vec<&str> =
        s2.lines().filter(|l| l.split_whitespace().nth(3) == Some("CDS")).collect();
    assert!(cds.len() == 1 && cds[0].split_whitespace().nth(4) == Some(k2_tag), "{cds:?}");

    // The KSK swapped in one run, the old one published only: it keeps no
    // chain from a DS naming it (RFC 4035 §5), and the warning says so
    // (it was taken for a kept KSK: the twenty-ninth audit).
    let said = step(
        &s0,
        "swapped.zone",
        &[&key(&k2, "private"), &key(&zsk, "private")],
        Some(&key(&k1, "key")),
    );
    let k1_tag = k1.rsplit('+').next().unwrap().trim_start_matches('0');
    assert!(
        said.contains(&format!(
            "the input's DNSKEY RRset is signed by KSK {k1_tag}, which does not sign the signed zone's (key {k1_tag} stays published"
        )),
        "{said}"
    );

    // A CSK revoked by the run: the warning says what to do instead.
    let csk_input = dir.path().join("csk-input.zone");
    run(zonesign()
        .arg("sign")
        .arg(&zone)
        .args(["--origin", "tld.", "--csk", "-q", "--key"])
        .arg(key(&k1, "private"))
        .arg("--publish")
        .arg(key(&k2, "key"))
        .arg("--output")
        .arg(&csk_input));
    let mut revoke = Command::new("dnssec-revoke");
    revoke.arg("-r").arg("-K").arg(&keys).arg(format!("{k1}.private"));
    run(&mut revoke);
    let revoked = std::fs::read_dir(&keys)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.extension().is_some_and(|e| e == "private")
                && !p.to_string_lossy().contains(&k2)
                && !p.to_string_lossy().contains(&zsk)
        })
        .unwrap();
    let out = dir.path().join("csk.zone");
    let said = run(zonesign()
        .arg("sign")
        .arg(&csk_input)
        .args(["--origin", "tld.", "--csk", "--serial", "increment", "--key"])
        .arg(&revoked)
        .arg("--key")
        .arg(key(&k2, "private"))
        .arg("--output")
        .arg(&out));
    assert!(said.contains(&format!("the run revokes key {k1_tag}")), "{said}");
    assert!(!said.contains("keep it published with --publish"), "{said}");
    // The KSK warning of the revocation step says why a DS of the key
    // does not reach the revoked key that signs (it read as if the key
    // were gone: the thirty-second audit, 2026-12-07).
    assert!(said.contains(&format!("key {k1_tag} is revoked as key ")), "{said}");
    assert!(said.contains("RFC 4034 §5.1.4"), "{said}");
}

/// RFC 6781 §4.1.1.1 and RFC 5011 §2.1: a run that revokes one ZSK that
/// signed the input's data and drops another gets each its remedy: keep
/// the dropped one published, and the revoked one cannot be (both were
/// told to `--publish`, and following that for the revoked key gave two
/// warnings that contradict each other: the twenty-ninth audit,
/// 2026-12-06).
#[test]
fn rfc5011_a_revoked_zsk_beside_a_dropped_one_gets_each_its_remedy() {
    common::require_tool("dnssec-revoke", "bind9-utils");
    let (dir, keys) = key_dir();
    let ksk = bind_keygen(&keys, &["-f", "KSK"]);
    let [a, b, c] = [(); 3].map(|_| bind_keygen(&keys, &[]));
    let tag = |k: &str| k.rsplit('+').next().unwrap().trim_start_matches('0').to_string();
    let copy = |to: &str, which: &[&str]| -> PathBuf {
        let d = dir.path().join(to);
        std::fs::create_dir(&d).unwrap();
        for k in which {
            for ext in ["key", "private"] {
                let f = format!("{k}.{ext}");
                std::fs::copy(keys.join(&f), d.join(&f)).unwrap();
            }
        }
        d
    };
    let (before, after) = (copy("before", &[&ksk, &a, &b]), copy("after", &[&ksk, &a, &c]));
    run(Command::new("dnssec-revoke").arg("-K").arg(&after).arg(&a));
    let zone = generated_zone(dir.path(), 3);
    let published = dir.path().join("published.zone");
    let sign = |input: &Path, key_dir: &Path, out: &str, extra: &[&Path]| -> String {
        let mut cmd = zonesign();
        cmd.arg("sign").arg(input).args(["--origin", "tld.", "--serial", "increment", "--key-dir"]);
        cmd.arg(key_dir);
        for p in extra {
            cmd.arg("--publish").arg(p);
        }
        run(cmd.arg("--output").arg(dir.path().join(out)))
    };
    sign(&zone, &before, "published.zone", &[]);
    let said = sign(&published, &after, "next.zone", &[]);
    assert!(
        said.contains(&format!("keep key {} published with --publish", tag(&b)))
            && said.contains(&format!("the run revokes key {}", tag(&a))),
        "{said}"
    );
    // The advice followed for both: the revoked key's original is left
    // out, and said so once.
    let said = sign(
        &published,
        &after,
        "advised.zone",
        &[&keys.join(format!("{a}.key")), &keys.join(format!("{b}.key"))],
    );
    assert!(!said.contains("asks it to be published only"), "{said}");
    assert!(said.contains(&format!("key {} is revoked as key", tag(&a))), "{said}");
    assert_validators_accept(&dir.path().join("advised.zone"), "tld.", false);
}

/// RFC 8624 §3.3: DS (and so CDS) digests: SHA-256 "MUST", SHA-384 "MAY",
/// SHA-1 "MUST NOT". `--cds-digest` chooses them, as Knot's
/// `cds-digest-type` and BIND's `cds-digest-types` do; each CDS is the
/// digest `dnssec-dsfromkey` makes of the KSK, and the zone validates.
#[test]
fn rfc8624_section_3_3_cds_digest_types_are_chosen_and_sha1_refused() {
    common::require_tool("dnssec-dsfromkey", "bind9-utils");
    let (dir, keys) = key_dir();
    let ksk = bind_keygen(&keys, &["-f", "KSK"]);
    let _zsk = bind_keygen(&keys, &[]);
    let zone = generated_zone(dir.path(), 5);
    let digests_of = |out: &Path| -> Vec<String> {
        std::fs::read_to_string(out)
            .unwrap()
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            .filter(|f| f.get(3) == Some(&"CDS"))
            .map(|f| f[4..].join(" "))
            .collect()
    };
    let ds = |digest: &str| -> String {
        let mut cmd = Command::new("dnssec-dsfromkey");
        cmd.args(["-a", digest]).arg(keys.join(format!("{ksk}.key")));
        let line = run(&mut cmd);
        line.split_whitespace().skip(3).collect::<Vec<_>>().join(" ")
    };
    for (args, want) in [
        (vec![], vec![ds("SHA-256")]),
        (vec!["--cds-digest", "sha384"], vec![ds("SHA-384")]),
        (vec!["--cds-digest", "SHA-384", "--cds-digest", "2"], vec![ds("SHA-256"), ds("SHA-384")]),
    ] {
        let out = dir.path().join("signed.zone");
        let mut all = vec!["--cds"];
        all.extend(&args);
        sign_tld(&zone, &keys, &out, &all);
        assert_eq!(digests_of(&out), want, "{args:?}");
        assert_validators_accept(&out, "tld.", false);
    }
    let out = dir.path().join("sha1.zone");
    let refused = zonesign()
        .arg("sign")
        .arg(&zone)
        .args(["--origin", "tld.", "--cds", "--cds-digest", "sha1", "--key-dir"])
        .arg(&keys)
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("RFC 8624 §3.3"));
    assert!(!out.exists());
}

/// `--key` takes a key's stem alone (`K<zone>+<alg>+<tag>`), as
/// `dnssec-signzone` does; so given, the key did not count as named by
/// `--key`: beside `--publish` of the same key it was published only, exit
/// 0, where its `.key` path is refused as given both ways (the
/// thirty-third audit, 2026-12-07).
#[test]
fn regression_a_key_named_by_its_stem_counts_as_named_by_key() {
    let (dir, keys) = key_dir();
    let _ksk = bind_keygen(&keys, &["-f", "KSK"]);
    let zsk = bind_keygen(&keys, &[]);
    let zone = generated_zone(dir.path(), 3);
    let out = dir.path().join("signed.zone");
    let publish = keys.join(format!("{zsk}.key"));
    for named in [keys.join(&zsk), keys.join(format!("{zsk}.key"))] {
        let o = zonesign()
            .arg("sign")
            .arg(&zone)
            .args(["--origin", "tld.", "--key-dir"])
            .arg(&keys)
            .arg("--key")
            .arg(&named)
            .arg("--publish")
            .arg(&publish)
            .arg("--output")
            .arg(&out)
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{named:?}: {said}");
        assert!(said.contains("is given both to sign and"), "{said}");
        assert!(!out.exists());
    }
}
