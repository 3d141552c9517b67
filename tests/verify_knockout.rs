//! Knock-out tests for `zonesign verify` (the Hickory DNS model): take a
//! valid signed zone, break one thing, and assert the specific finding and
//! exit code 1. And the other side: zones signed by dnssec-signzone,
//! ldns-signzone and kzonesign verify with exit 0.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/example.zone")
}

/// Signs the example zone with a fresh KSK/ZSK pair (ECDSA P-256).
fn signed_example(dir: &Path, nsec3: bool) -> PathBuf {
    if nsec3 {
        signed_example_with(dir, "nsec3.zone", &["--nsec3"])
    } else {
        signed_example_with(dir, "nsec.zone", &[])
    }
}

/// Signs the example zone into `dir/name` with `extra` options and a fresh
/// KSK/ZSK pair (ECDSA P-256) in `dir/keys`.
fn signed_example_with(dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    signed_with(dir, &example(), name, extra)
}

/// Signs `zone` (for `example.`) as [`signed_example_with`] does.
fn signed_with(dir: &Path, zone: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let keys = dir.join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    for role in ["--ksk", "--zsk"] {
        run(zonesign().args(["keygen", "example.", "-a", "13", role, "--key-dir"]).arg(&keys));
    }
    let out = dir.join(name);
    run(zonesign()
        .arg("sign")
        .arg(zone)
        .args(["-o", "example.", "--quiet", "--key-dir"])
        .arg(&keys)
        .arg("--output")
        .arg(&out)
        .args(extra));
    out
}

/// Runs `zonesign verify` and returns (exit code, finding kinds).
fn verify(zone: &Path, extra: &[&str]) -> (i32, Vec<String>, String) {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.json");
    let out: Output = zonesign()
        .args(["verify", "-o", "example.", "--quiet", "--report"])
        .arg(&report)
        .arg(zone)
        .args(extra)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let kinds = json["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| f["kind"].as_str().unwrap().to_string())
        .collect();
    (out.status.code().unwrap_or(-1), kinds, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Rewrites the zone's lines with `f` (returning None drops a line).
fn mutate(src: &Path, dst: &Path, mut f: impl FnMut(&str) -> Option<String>) -> usize {
    let text = std::fs::read_to_string(src).unwrap();
    let mut changed = 0;
    let mut out = String::new();
    for line in text.lines() {
        match f(line) {
            Some(l) => {
                if l != line {
                    changed += 1;
                }
                out.push_str(&l);
                out.push('\n');
            }
            None => changed += 1,
        }
    }
    std::fs::write(dst, out).unwrap();
    changed
}

/// Writes `src` to `dst` without the first line whose fields match; panics
/// if none does, so a knock-out never silently tests the unbroken zone.
fn drop_first(src: &Path, dst: &Path, matches: impl Fn(&[&str]) -> bool) {
    let mut dropped = false;
    mutate(src, dst, |l| {
        if !dropped && matches(&fields(l)) {
            dropped = true;
            return None;
        }
        Some(l.to_string())
    });
    assert!(dropped, "no line to drop in {}", src.display());
}

fn fields(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

/// Asserts the knocked-out zone fails with exit 1 and reports `kind`.
fn assert_finding(zone: &Path, kind: &str) {
    let (code, kinds, stderr) = verify(zone, &[]);
    assert_eq!(code, 1, "expected exit 1 for {kind}; stderr:\n{stderr}");
    assert!(kinds.iter().any(|k| k == kind), "expected finding {kind}, got {kinds:?}");
}

#[test]
fn knockouts_on_an_nsec_zone() {
    let dir = tempfile::tempdir().unwrap();
    let good = signed_example(dir.path(), false);
    let (code, kinds, stderr) = verify(&good, &[]);
    assert_eq!((code, kinds.len()), (0, 0), "{stderr}");
    let bad = dir.path().join("bad.zone");

    // RFC 4035 §2.2: every authoritative RRset is signed.
    drop_first(&good, &bad, |f| f.get(3) == Some(&"RRSIG") && f.get(4) == Some(&"MX"));
    assert_finding(&bad, "missing-signature");

    // A flipped bit in a signature.
    let mut flipped = false;
    mutate(&good, &bad, |l| {
        let f = fields(l);
        if !flipped && f.get(3) == Some(&"RRSIG") && f.get(4) == Some(&"SOA") {
            flipped = true;
            let sig = f[f.len() - 1];
            let mut b: Vec<char> = sig.chars().collect();
            b[10] = if b[10] == 'A' { 'B' } else { 'A' };
            let new_sig: String = b.into_iter().collect();
            return Some(l.replacen(sig, &new_sig, 1));
        }
        Some(l.to_string())
    });
    assert_finding(&bad, "bad-signature");
    // The summary names the key with its valid and bad signatures, also
    // when the zone fails; it gave nothing but the errors (the
    // seventy-second audit: in a failure of the .de shape, the share of a
    // key's signatures that are bad is the first thing to know).
    let out = zonesign().args(["verify", "-o", "example."]).arg(&bad).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains(" ZSK: 29 signatures, 1 more with its tag that do not verify"), "{said}");

    // A missing NSEC record.
    drop_first(&good, &bad, |f| f.get(3) == Some(&"NSEC") && f[0] != "example.");
    assert_finding(&bad, "missing-nsec");

    // A broken chain: an NSEC whose next name skips a name.
    let mut broken = false;
    mutate(&good, &bad, |l| {
        let f = fields(l);
        if !broken && f.get(3) == Some(&"NSEC") && f[0] == "example." {
            broken = true;
            return Some(l.replacen(f[4], "zzz.example.", 1));
        }
        Some(l.to_string())
    });
    assert_finding(&bad, "nsec-wrong-next");

    // A wrong type bitmap: an NSEC that does not list MX at the apex.
    let mut changed = false;
    mutate(&good, &bad, |l| {
        let f = fields(l);
        if !changed && f.get(3) == Some(&"NSEC") && f[0] == "example." && f.contains(&"MX") {
            changed = true;
            return Some(l.replacen(" MX", "", 1).replacen("\tMX", "", 1));
        }
        Some(l.to_string())
    });
    assert!(changed);
    assert_finding(&bad, "nsec-wrong-bitmap");

    // The DNSKEY RRset without a signature by the SEP key: drop the KSK's
    // RRSIG over DNSKEY (the only one: the ZSK does not sign DNSKEY).
    mutate(&good, &bad, |l| {
        let f = fields(l);
        (!(f.get(3) == Some(&"RRSIG") && f.get(4) == Some(&"DNSKEY"))).then(|| l.to_string())
    });
    assert_finding(&bad, "dnskey-not-signed-by-sep");

    // An expired signature: the good zone checked a year later.
    let (code, kinds, _) = verify(&good, &["--at", "+365d"]);
    assert_eq!(code, 1);
    assert!(kinds.iter().any(|k| k == "expired-signature"));

    // An RRSIG over glue or a delegation NS RRset (copied from the apex NS).
    let text = std::fs::read_to_string(&good).unwrap();
    let apex_ns_sig = text
        .lines()
        .find(|l| fields(l).get(3) == Some(&"RRSIG") && fields(l).get(4) == Some(&"NS"))
        .unwrap()
        .to_string();
    let deleg = text
        .lines()
        .map(fields)
        .find(|f| f.get(3) == Some(&"NS") && f[0] != "example.")
        .map(|f| f[0].to_string())
        .unwrap();
    std::fs::write(&bad, format!("{text}{}\n", apex_ns_sig.replacen("example.", &deleg, 1)))
        .unwrap();
    assert_finding(&bad, "signature-on-unsigned-data");
}

#[test]
fn knockouts_on_an_nsec3_zone() {
    let dir = tempfile::tempdir().unwrap();
    let good = signed_example(dir.path(), true);
    let (code, kinds, stderr) = verify(&good, &[]);
    assert_eq!((code, kinds.len()), (0, 0), "{stderr}");
    let bad = dir.path().join("bad.zone");

    // RFC 5155 §7.1: each authoritative name has an NSEC3.
    drop_first(&good, &bad, |f| f.get(3) == Some(&"NSEC3"));
    assert_finding(&bad, "missing-nsec3");
    assert_finding(&bad, "nsec3-wrong-next");

    // A dropped RRSIG over an NSEC3.
    drop_first(&good, &bad, |f| f.get(3) == Some(&"RRSIG") && f.get(4) == Some(&"NSEC3"));
    assert_finding(&bad, "missing-signature");

    // A wrong NSEC3 bitmap: add TXT to one that lacks it.
    let mut changed = false;
    mutate(&good, &bad, |l| {
        let f = fields(l);
        if !changed && f.get(3) == Some(&"NSEC3") && !f.contains(&"TXT") && f.contains(&"A") {
            changed = true;
            return Some(format!("{l} TXT"));
        }
        Some(l.to_string())
    });
    assert!(changed);
    assert_finding(&bad, "nsec3-wrong-bitmap");

    // The NSEC3PARAM removed.
    mutate(&good, &bad, |l| (fields(l).get(3) != Some(&"NSEC3PARAM")).then(|| l.to_string()));
    assert_finding(&bad, "missing-nsec3param");

    // RFC 5155 §7.1: one parameter set. One NSEC3 with 1 iteration.
    let mut changed = false;
    mutate(&good, &bad, |l| {
        let mut f: Vec<String> = fields(l).iter().map(|s| s.to_string()).collect();
        if !changed && f.get(3).map(String::as_str) == Some("NSEC3") {
            changed = true;
            f[6] = "1".into();
            return Some(f.join("\t"));
        }
        Some(l.to_string())
    });
    assert!(changed);
    assert_finding(&bad, "nsec3-param-mismatch");

    // An NSEC3 whose hash is no name's, and a second NSEC3 at one owner.
    let text = std::fs::read_to_string(&good).unwrap();
    let nsec3 = text.lines().find(|l| fields(l).get(3) == Some(&"NSEC3")).unwrap();
    let owner = fields(nsec3)[0].to_string();
    let stray = nsec3.replacen(&owner[..32], "00000000000000000000000000000000", 1);
    std::fs::write(&bad, format!("{text}{stray}\n")).unwrap();
    assert_finding(&bad, "nsec3-without-name");
    std::fs::write(&bad, format!("{text}{nsec3} SPF\n")).unwrap();
    assert_finding(&bad, "duplicate-nsec3");

    // RFC 5155 §5: SHA-1, 20 octets, 32 base32hex characters. An NSEC3
    // whose owner label spells 15 octets (24 characters) is a bad owner.
    let short = nsec3.replacen(&owner[..32], &owner[..24], 1);
    std::fs::write(&bad, format!("{text}{short}\n")).unwrap();
    assert_finding(&bad, "nsec3-bad-owner");

    // RFC 5155 §7.1: without its own NSEC3, an insecure delegation
    // (`branch`) must be covered by an Opt-Out NSEC3; this chain has none.
    // Which NSEC3 is the delegation's is a matter of hashes: drop each in
    // turn.
    let owners: Vec<String> = text
        .lines()
        .filter(|l| fields(l).get(3) == Some(&"NSEC3"))
        .map(|l| fields(l)[0].to_string())
        .collect();
    let uncovered = owners.iter().any(|dropped| {
        mutate(&good, &bad, |l| {
            let f = fields(l);
            (f.first() != Some(&dropped.as_str()) || f.get(3) != Some(&"NSEC3"))
                .then(|| l.to_string())
        });
        verify(&bad, &[]).1.iter().any(|k| k == "opt-out-not-covered")
    });
    assert!(uncovered, "no NSEC3 left the insecure delegation uncovered");
}

/// RFC 8976 §4: the digest is checked over every record, glue too, which
/// no RRSIG covers; a ZONEMD without the SOA serial cannot be used; two of
/// one scheme and hash algorithm make the RRset ambiguous. `ldns-verify-zone`
/// agrees on each.
#[test]
fn rfc8976_section_4_zonemd_knockouts() {
    let dir = tempfile::tempdir().unwrap();
    let good = signed_example_with(dir.path(), "zonemd.zone", &["--zonemd", "sha384"]);
    let (code, kinds, stderr) = verify(&good, &[]);
    assert_eq!((code, kinds.len()), (0, 0), "{stderr}");
    run(Command::new("ldns-verify-zone").arg(&good));
    let bad = dir.path().join("bad.zone");
    let ldns_rejects = |zone: &Path| {
        let out = Command::new("ldns-verify-zone").arg(zone).output().unwrap();
        assert!(!out.status.success(), "ldns-verify-zone accepted {}", zone.display());
    };

    // Glue changed: every signature still verifies, the digest does not.
    let n = mutate(&good, &bad, |l| {
        let f = fields(l);
        Some(if f.first() == Some(&"ns1.branch.example.") && f.get(3) == Some(&"A") {
            l.replacen(f[4], "192.0.2.254", 1)
        } else {
            l.to_string()
        })
    });
    assert_eq!(n, 1, "one glue record changed");
    let (code, kinds, stderr) = verify(&bad, &[]);
    assert_eq!((code, kinds), (1, vec!["zonemd-mismatch".to_string()]), "{stderr}");
    ldns_rejects(&bad);

    // A ZONEMD whose serial is not the SOA's is not used: none is left.
    mutate(&good, &bad, |l| {
        let f = fields(l);
        Some(if f.get(3) == Some(&"ZONEMD") { l.replacen(f[4], "1", 1) } else { l.to_string() })
    });
    assert_finding(&bad, "zonemd-unusable");
    ldns_rejects(&bad);

    // Two SHA-384 digests in the RRset.
    let text = std::fs::read_to_string(&good).unwrap();
    let zonemd = text.lines().find(|l| fields(l).get(3) == Some(&"ZONEMD")).unwrap();
    let f = fields(zonemd);
    let twin = zonemd.replacen(f[7], &"0".repeat(96), 1);
    std::fs::write(&bad, format!("{text}{twin}\n")).unwrap();
    assert_finding(&bad, "zonemd-duplicate");
}

/// RFC 7344 §4.1: a CDNSKEY that is not in the DNSKEY RRset, a CDS that
/// matches no DNSKEY; RFC 8078 §4: a delete request beside another record.
#[test]
fn rfc7344_section_4_1_cds_knockouts() {
    let dir = tempfile::tempdir().unwrap();
    let good = signed_example_with(dir.path(), "cds.zone", &["--cds"]);
    let (code, kinds, stderr) = verify(&good, &[]);
    assert_eq!((code, kinds.len()), (0, 0), "{stderr}");
    let bad = dir.path().join("bad.zone");
    let other =
        "mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==";
    mutate(&good, &bad, |l| {
        let f = fields(l);
        Some(if f.get(3) == Some(&"CDNSKEY") {
            format!("{}\t{}\t{}\tCDNSKEY\t257 3 13 {other}", f[0], f[1], f[2])
        } else {
            l.to_string()
        })
    });
    assert_finding(&bad, "cdnskey-not-in-dnskey");
    assert_finding(&bad, "cds-cdnskey-mismatch");
    mutate(&good, &bad, |l| {
        let f = fields(l);
        Some(if f.get(3) == Some(&"CDS") { l.replacen(f[4], "12345", 1) } else { l.to_string() })
    });
    assert_finding(&bad, "cds-matches-no-dnskey");
    let text = std::fs::read_to_string(&good).unwrap();
    std::fs::write(&bad, format!("{text}example.\t3600\tIN\tCDS\t0 0 0 00\n")).unwrap();
    assert_finding(&bad, "cds-delete-not-alone");
}

/// RFC 8624 §3.3: a DS of digest type 3 (GOST, not to be used) or of an
/// undefined type is one validators cannot use; the zone still validates
/// (a warning, exit 0), and the warning says when a delegation is left with
/// no usable DS. (`kzonecheck` rejects such zones: "invalid algorithm in DS".)
#[test]
fn rfc8624_section_3_3_unusable_ds_digest_type_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let zone = dir.path().join("ds.zone");
    let mut text = std::fs::read_to_string(example()).unwrap();
    text.push_str(
        "gost.example. 3600 IN NS ns1.example.\n\
         gost.example. 3600 IN DS 12345 13 3 \
         3F2B1E0D4C5A69788796A5B4C3D2E1F00F1E2D3C4B5A69788796A5B4C3D2E1F0\n",
    );
    std::fs::write(&zone, text).unwrap();
    let signed = signed_with(dir.path(), &zone, "ds.signed", &[]);
    let (code, errors, stderr) = verify(&signed, &[]);
    assert_eq!((code, errors.len()), (0, 0), "{stderr}");
    let out = zonesign().args(["verify", "-o", "example."]).arg(&signed).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("ds-digest-type-unsupported gost.example.")
            && stderr.contains("no DS of the delegation is usable"),
        "{stderr}"
    );
}

/// RFC 4035 §3.1.1 and RFC 1035 §4.2.2: an RRset and its RRSIGs that
/// cannot fit one DNS message together are served without the signatures,
/// and validators fail the name (the seventieth audit found it at the apex
/// DNSKEY RRset, which `sign` refuses now). A TXT record of 65,450 octets
/// fits alone (13 + 10 + 65,450 in what its RRSIG signs) and is signed, as
/// BIND signs it; with its RRSIG the answer takes at least 65,605 octets.
/// A warning, in `verify` and in the signer's check of the written zone.
#[test]
fn rfc4035_section_3_1_1_an_answer_too_large_for_one_message_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let zone = dir.path().join("big.zone");
    let mut text = std::fs::read_to_string(example()).unwrap();
    let strings: Vec<String> = (0..255)
        .map(|_| format!("\"{}\"", "a".repeat(255)))
        .chain([format!("\"{}\"", "b".repeat(169))])
        .collect();
    text.push_str(&format!("big.example. 3600 IN TXT {}\n", strings.join(" ")));
    std::fs::write(&zone, text).unwrap();
    let signed = signed_with(dir.path(), &zone, "big.signed", &[]);
    let (code, errors, stderr) = verify(&signed, &[]);
    assert_eq!((code, errors.len()), (0, 0), "{stderr}");
    let out = zonesign().args(["verify", "-o", "example."]).arg(&signed).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("answer-too-large big.example. TXT"), "{stderr}");
    assert!(stderr.contains("at least 65605 octets"), "{stderr}");
}

fn audit_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test-data/verify-audit").join(name)
}

/// RFC 5155 §7.1: "Each empty non-terminal MUST have a corresponding NSEC3
/// RR, unless the empty non-terminal is only derived from an insecure
/// delegation covered by an Opt-Out NSEC3 RR." The verifier let every empty
/// non-terminal above an insecure delegation go without one, also when the
/// delegation has an NSEC3 of its own (the fourth audit, 2026-12-06; BIND's
/// `dnssec-verify` and `kzonecheck` report it).
#[test]
fn rfc5155_section_7_1_empty_non_terminal_above_an_insecure_delegation_with_its_own_nsec3() {
    let out = zonesign()
        .args(["verify", "-o", "m.test.", "--at", "20261210000000"])
        .arg(audit_fixture("ent-above-insecure-with-nsec3.m.test.zone"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("missing-nsec3 e1.m.test."), "{stderr}");
}

/// RFC 5155 §4.1.2: "NSEC3PARAM RRs with a Flags field value other than
/// zero MUST be ignored." Such a record judged the chain (a cascade of
/// `missing-nsec3` and `nsec3-param-mismatch` errors), or was a second
/// NSEC3PARAM beside the one in use (the sixtieth audit, 2026-12-07; BIND
/// and ldns pass both zones, `kzonecheck` rejects them): an error of its
/// own now, and nothing else.
#[test]
fn rfc5155_section_4_1_2_an_nsec3param_with_flags_is_ignored_by_the_verifier() {
    for zone in [
        "nsec3param-flags-1-beside-another-chain.zone",
        "nsec3param-flags-128-beside-one-in-use.zone",
    ] {
        let (code, kinds, stderr) = verify(&audit_fixture(zone), &["--at", "20261210000000"]);
        assert_eq!((code, kinds), (1, vec!["nsec3param-flags".to_string()]), "{zone}\n{stderr}");
    }
}

/// KeyTrap, CVE-2023-50387: a signature is tried against the first four
/// keys of its algorithm and tag only, and one none of them verifies is
/// not called bad, as its signer may be a key not tried (the sixtieth
/// audit, 2026-12-07: a zone whose fifth key signed had a `bad-signature`
/// for every RRset).
#[test]
fn keytrap_signatures_past_the_keys_tried_are_not_called_bad() {
    let zone = audit_fixture("keytrap-six-keys-one-tag.zone");
    let (code, kinds, stderr) = verify(&zone, &["--at", "20261210000000"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(kinds.iter().any(|k| k == "signature-not-checked"), "{kinds:?}");
    assert!(!kinds.iter().any(|k| k == "bad-signature"), "{kinds:?}");
    // Nor is the RRset whose only signatures of the algorithm were not
    // checked "without a valid RRSIG" (the sixty-second audit); the one
    // with none at all is.
    assert!(!stderr.contains("missing-signature h0.example. A:"), "{stderr}");
    assert!(stderr.contains("missing-signature h0.example. NSEC:"), "{stderr}");
    // The keys past the four tried are not listed as stand-by keys that
    // sign nothing: no signature was tried against them (the forty-ninth
    // session's list, 2026-12-07).
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.json");
    let out = zonesign()
        .args(["verify", "-o", "example.", "--quiet", "--at", "20261210000000", "--report"])
        .arg(&report)
        .arg(&zone)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let keys = json["report"]["keys"].as_array().unwrap();
    let of_tag: Vec<_> = keys.iter().filter(|k| k["key_tag"] == 4242).collect();
    assert_eq!(of_tag.len(), 6, "{keys:?}");
    let not_tried = of_tag.iter().filter(|k| k["not_tried"] == true).count();
    assert_eq!(not_tried, 2, "{keys:?}");
    // Keys of other tags carry no such field.
    assert!(keys.iter().filter(|k| k["key_tag"] != 4242).all(|k| k.get("not_tried").is_none()));
}

/// Zones the verifier accepted until an audit against dnssec-verify,
/// ldns-verify-zone and kzonecheck (2026-12-06; `test-data/verify-audit`),
/// each with the error it must give now.
#[test]
fn validator_audit_regressions() {
    let at = ["--at", "20261210000000"];
    let cases: [(&str, &[&str], &str); 20] = [
        // The .de failure's shape: the check that a SEP key (or the
        // anchored key) signs the DNSKEY RRset matched signers by key tag.
        ("collide-ksk-zsk.zone", &[], "dnskey-not-signed-by-sep"),
        (
            "collide-ksk-zsk.zone",
            &["--trust-anchor", "collide-ksk-zsk.ds"],
            "trust-anchor-mismatch",
        ),
        (
            "collide-two-ksks.zone",
            &["--trust-anchor", "collide-two-ksks.ds"],
            "trust-anchor-mismatch",
        ),
        // RFC 5011 §2.1: a revoked key validates its revocation only, so
        // data signed by nothing else has no valid signature (the
        // signature itself is a `signed-by-revoked-key` warning since the
        // twelfth audit).
        ("revoked-zsk-signs-data.zone", &[], "missing-signature"),
        // The same, with an unused key the verifier cannot use (a 35-bit
        // exponent) sharing the revoked key's tag: the eighteenth round
        // found the seventeenth's fix hiding the missing signature.
        ("revoked-key-signs-data-beside-an-unusable-twin.zone", &[], "missing-signature"),
        // RFC 4034 §2.1.2: protocol 3 or an invalid key.
        ("protocol-4.zone", &[], "dnskey-bad-protocol"),
        // RFC 4034 §2.1.1 as Knot applies it (seventeenth round): bits
        // 0-6 clear and the Zone Key bit set, or an invalid DNSKEY.
        ("dnskey-reserved-flag-bit-2.zone", &[], "dnskey-bad-flags"),
        ("dnskey-not-a-zone-key.zone", &[], "dnskey-bad-flags"),
        // RFC 5155 §8.2 and §4.1.2.
        ("nsec3-flags-2.zone", &[], "nsec3-unknown-flags"),
        ("nsec3param-flags-1.zone", &[], "nsec3param-flags"),
        // RFC 4034 §3.1.5: serial number arithmetic.
        ("window-wraps.zone", &[], "expiration-not-after-inception"),
        // RFC 9276 §3.2: validators give up on high iteration counts.
        ("iterations-200.zone", &[], "nsec3-iterations"),
        // RFC 4034 §3.1.4.
        ("original-ttl-7200.zone", &[], "original-ttl-mismatch"),
        // RFC 7344 §4.1, Signer and Continuity (second round).
        ("cds-signed-by-zsk.zone", &[], "cds-not-signed-by-ksk"),
        ("cds-names-standby-key.zone", &[], "cds-breaks-delegation"),
        // RFC 7344 §4.1 (fifth round): the ZSK signs the DNSKEY RRset too
        // (`dnssec-signzone` without `-x`), and only the ZSK signs the CDS
        // and CDNSKEY RRsets; `kzonecheck` rejects the zone.
        ("cds-signed-by-zsk-that-signs-dnskey.zone", &[], "cds-not-signed-by-ksk"),
        // RFC 4034 §2.1.1 (forty-fifth round): a DNSKEY RRset below the
        // apex, signed; `dnssec-verify`: "No correct ... signature".
        ("dnskey-below-apex.zone", &[], "dnskey-below-apex"),
        // RFC 6605 §4 (forty-fifth round): a P-256 DNSKEY off the curve,
        // or of 63 octets, in the apex RRset and signed; `kzonecheck`:
        // "invalid DNSKEY" (it was an `unusable-dnskey` warning).
        ("dnskey-p256-off-curve.zone", &[], "malformed-dnskey"),
        ("dnskey-p256-63-octets.zone", &[], "malformed-dnskey"),
        // KeyTrap, CVE-2023-50387 (fifty-ninth round): six Ed25519 DNSKEYs
        // of one tag and three signatures naming it; each signature was
        // tried against every key, n² verifications for n of each.
        ("keytrap-six-keys-one-tag.zone", &[], "dnskey-tag-collisions"),
    ];
    for (zone, extra, kind) in cases {
        let mut args: Vec<String> = at.iter().map(|s| s.to_string()).collect();
        for a in extra {
            let fixture = audit_fixture(a);
            args.push(if fixture.exists() { fixture.display().to_string() } else { a.to_string() });
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, kinds, stderr) = verify(&audit_fixture(zone), &args);
        assert_eq!(code, 1, "{zone} {extra:?}: expected exit 1\n{stderr}");
        assert!(
            kinds.iter().any(|k| k == kind),
            "{zone} {extra:?}: expected {kind}, got {kinds:?}"
        );
    }
    // The control: the key the DS names signs the DNSKEY RRset.
    let control = audit_fixture("collide-two-ksks-control.zone");
    let anchor = audit_fixture("collide-two-ksks.ds").display().to_string();
    let (code, kinds, stderr) =
        verify(&control, &["--at", "20261210000000", "--trust-anchor", &anchor]);
    assert_eq!((code, kinds.len()), (0, 0), "{stderr}");
    // RFC 4034 §5: the same DS owned by another name anchors another zone
    // (the fifth audit, 2026-12-06: taken for this zone's).
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(&anchor).unwrap();
    for owner in ["other.", "sub.example."] {
        let elsewhere = dir.path().join("elsewhere.ds");
        std::fs::write(&elsewhere, text.replacen("example.", owner, 1)).unwrap();
        let out = zonesign()
            .args(["verify", "-o", "example.", "--at", "20261210000000", "--trust-anchor"])
            .arg(&elsewhere)
            .arg(&control)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{owner}: {stderr}");
        assert!(
            stderr.contains("holds no DS or DNSKEY record for example. (1 for other names)"),
            "{owner}: {stderr}"
        );
    }
    // False alarms of the second round, valid zones: RSASHA1 and
    // RSASHA1-NSEC3-SHA1 from dnssec-signzone (RFC 8624 §3.1: validators
    // MUST support them), and an extra RRSIG by a key the DNSKEY RRset
    // does not have (RFC 4035 §5.3.1: skipped), a warning now; and (the
    // twelfth audit) extra RRSIGs by a revoked KSK over data the ZSK signs
    // too, as kzonesign makes them (RFC 5011 §2.1: skipped).
    for zone in [
        "rsasha1-by-dnssec-signzone.zone",
        "nsec3rsasha1-by-dnssec-signzone.zone",
        "extra-rrsig-unpublished-key.zone",
        "revoked-ksk-extra-signatures.zone",
        // The fourteenth audit: the revoked KSK's tag is the ZSK's, and its
        // signatures were tried against the ZSK alone and called bad. (The
        // nineteenth made them an error, as `kzonecheck` rejects the zone;
        // the twentieth found that it rejects every zone of two DNSKEYs of
        // one tag: the `dnskey-tag-shared` warning.)
        "revoked-ksk-shares-the-zsk-tag.zone",
        // The fifty-third audit (2026-12-07): a window of exactly 2^31
        // seconds is undefined in RFC 1982 §3.2; `dnssec-verify` and
        // `kzonecheck` accept it, and it was refused as "expiration before
        // inception".
        "window-exactly-2-31.zone",
    ] {
        let (code, kinds, stderr) = verify(&audit_fixture(zone), &at);
        assert_eq!((code, kinds.len()), (0, 0), "{zone}: {stderr}");
        if zone.starts_with("revoked") {
            assert!(stderr.contains("warning: signed-by-revoked-key"), "{zone}: {stderr}");
        }
        if zone == "revoked-ksk-shares-the-zsk-tag.zone" {
            assert!(stderr.contains("warning: dnskey-tag-shared example. DNSKEY key 42418"));
        }
    }
}

/// The fifteenth audit (2026-12-06): signatures of a key this verifier
/// cannot use (an RSA exponent over 33 bits) beside a revoked key of its
/// tag, which the verifier also tries, were called bad; they are the
/// unusable key's to vouch for, as without the revoked twin.
#[test]
fn regression_an_unusable_key_beside_a_revoked_twin_is_unusable_not_bad() {
    let zone = audit_fixture("unusable-zsk-shares-a-revoked-key-tag.zone");
    let (code, kinds, stderr) = verify(&zone, &["--at", "20261210000000"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(kinds.contains(&"unusable-key".to_string()), "{stderr}");
    assert!(!kinds.contains(&"bad-signature".to_string()), "{stderr}");
}

/// The seventeenth audit (2026-12-06): signatures of an algorithm this
/// verifier lacks (Ed448; aws-lc-rs has none) cannot be shown valid, so a
/// zone both Ed448 and P-256 sign fails, each such signature an
/// `unusable-key` error, and no `missing-signature` beside it as if the
/// RRSIG were not there. A trust anchor naming the Ed448 KSK says that the
/// key cannot be used, not that nothing signs. A revoked Ed448 KSK's
/// signature over the DNSKEY RRset cannot be shown valid either (made a
/// warning in the seventeenth round, it passed a corrupted one, which
/// `dnssec-verify` fails: the eighteenth). `dnssec-verify`,
/// `ldns-verify-zone` and `kzonecheck` accept both zones.
#[test]
fn regression_signatures_of_an_algorithm_the_verifier_lacks() {
    let at = ["--at", "20261210000000"];
    let (code, kinds, stderr) = verify(&audit_fixture("ed448-and-p256-both-sign.zone"), &at);
    assert_eq!(code, 1, "{stderr}");
    assert!(!kinds.is_empty() && kinds.iter().all(|k| k == "unusable-key"), "{stderr}");
    let anchor = audit_fixture("ed448-and-p256-both-sign.ds");
    let mut args: Vec<&str> = at.to_vec();
    args.extend(["--trust-anchor", anchor.to_str().unwrap()]);
    let (code, kinds, stderr) = verify(&audit_fixture("ed448-and-p256-both-sign.zone"), &args);
    assert_eq!(code, 1, "{stderr}");
    assert!(kinds.contains(&"trust-anchor-mismatch".to_string()), "{stderr}");
    assert!(
        stderr.contains("the matching key 23370 (algorithm 16) is one this verifier cannot use")
    );
    let (code, kinds, stderr) = verify(&audit_fixture("revoked-ed448-ksk-beside-p256.zone"), &at);
    assert_eq!((code, kinds), (1, vec!["unusable-key".to_string()]), "{stderr}");
    assert!(stderr.contains("error: unusable-key example. DNSKEY key 248 alg 16"), "{stderr}");
}

/// RFC 4034 §3.1.5 and RFC 9276 §3.2 on the signer's side: a validity
/// period of 2^31 seconds or more, and more than 150 NSEC3 iterations, are
/// refused before anything is signed (exit 2, usage), the output untouched.
#[test]
fn rfc4034_section_3_1_5_and_rfc9276_section_3_2_refused_by_the_signer() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    run(zonesign().args(["keygen", "example.", "-a", "13", "--ksk", "--key-dir"]).arg(&keys));
    let out = dir.path().join("out.zone");
    for extra in [
        &["--inception", "19700101000000", "--expiration", "20400101000000"][..],
        &["--nsec3", "--iterations", "151"][..],
        // 32-bit times: 2107 would wrap to 1971.
        &["--expiration", "21070101000000"][..],
        // RFC 4035 §5.3.1: bogus until the inception (it was signed, and
        // verified at the inception, with exit 0).
        &["--inception", "+2h"][..],
        // RFC 2181 §8: 31-bit TTLs.
        &["--dnskey-ttl", "2147483648"][..],
    ] {
        let status = zonesign()
            .arg("sign")
            .arg(example())
            .args(["-o", "example.", "--quiet", "--key-dir"])
            .arg(&keys)
            .arg("--output")
            .arg(&out)
            .args(extra)
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(2), "{extra:?}");
        assert!(!out.exists(), "{extra:?}");
    }
}

/// BIND's `dsset-` and `.key` files, and zonesign's own `.key` files, give
/// no TTL; as trust anchors they were refused ("expected a TTL", exit 4).
/// Found by an audit, 2026-12-06.
#[test]
fn regression_trust_anchor_files_without_a_ttl_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let signed = signed_example(dir.path(), false);
    let ksk = std::fs::read_dir(dir.path().join("keys"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.extension().is_some_and(|x| x == "key")
                && std::fs::read_to_string(p).unwrap().contains(" DNSKEY 257 ")
        })
        .expect("the KSK's .key file");
    let text = std::fs::read_to_string(&ksk).unwrap();
    assert!(!text.lines().any(|l| l.starts_with("$TTL")), "the fixture must have no TTL");
    let (code, kinds, stderr) = verify(&signed, &["--trust-anchor", ksk.to_str().unwrap()]);
    assert_eq!((code, kinds.len()), (0, 0), "{stderr}");
}

/// RFC 5155 §10.4: in the middle of a change from NSEC to NSEC3 a zone
/// holds both chains, each complete, and validators take either. `verify`
/// failed such a zone as "mixed-denial", which all three validators pass;
/// `sign` kept the NSEC chain and dropped the NSEC3 chain without a word
/// (the twelfth audit, 2026-12-06). `sign` now asks which (exit 2), as
/// `dnssec-signzone` does, and signs what it is told.
#[test]
fn rfc5155_section_10_4_a_zone_with_both_chains_verifies_and_sign_asks_which() {
    let zone = audit_fixture("nsec-to-nsec3-transition.zone");
    let out = zonesign()
        .args(["verify", "-o", "ex.test.", "--at", "20261210000000"])
        .arg(&zone)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("5 NSEC, 7 NSEC3"), "{stderr}");
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    std::fs::create_dir(&keys).unwrap();
    for role in ["--ksk", "--zsk"] {
        let st = zonesign()
            .args(["keygen", "ex.test.", "-a", "13", role, "--key-dir"])
            .arg(&keys)
            .output()
            .unwrap();
        assert!(st.status.success());
    }
    let signed = dir.path().join("signed.zone");
    let sign = |extra: &[&str]| {
        zonesign()
            .arg("sign")
            .arg(&zone)
            .args(["-o", "ex.test.", "--serial", "increment", "--key-dir"])
            .arg(&keys)
            .arg("--output")
            .arg(&signed)
            .args(extra)
            .output()
            .unwrap()
    };
    let out = sign(&[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("give --nsec or --nsec3"), "{stderr}");
    assert!(!signed.exists());
    let out = sign(&["--nsec3"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("holds both an NSEC chain and NSEC3 records"), "{stderr}");
    let text = std::fs::read_to_string(&signed).unwrap();
    assert!(text.contains("\tNSEC3PARAM\t") && !text.contains("\tNSEC\t"));
}

/// RFC 4035 §2.2 and the thirty-fifth audit (2026-12-07): a key of the
/// DS set's algorithm that this verifier cannot use (a 512-bit RSA ZSK,
/// published) left `ds-algorithm-unsigned` unsaid although no DS names it:
/// Unbound with `harden-algo-downgrade` finds the zone bogus ("no keys have
/// a DS with algorithm RSASHA256"). Nor is one a DS names but no RRSIG
/// over the RRset does (the thirty-sixth). Zones signed by
/// `dnssec-signzone`.
#[test]
fn rfc4035_section_2_2_an_unusable_key_no_ds_names_is_no_path() {
    common::require_tool("dnssec-signzone", "bind9-utils");
    common::require_tool("ldns-keygen", "ldnsutils");
    let dir = tempfile::tempdir().unwrap();
    let keygen = |tool: &str, args: &[&str]| -> String {
        let mut cmd = Command::new(tool);
        cmd.current_dir(dir.path()).args(args).arg("example");
        run(&mut cmd).trim().to_string()
    };
    let ksk8 = keygen("dnssec-keygen", &["-q", "-a", "RSASHA256", "-b", "2048", "-f", "KSK"]);
    let zsk8 = keygen("dnssec-keygen", &["-q", "-a", "RSASHA256", "-b", "2048"]);
    let ksk13 = keygen("dnssec-keygen", &["-q", "-a", "ECDSAP256SHA256", "-f", "KSK"]);
    let zsk13 = keygen("dnssec-keygen", &["-q", "-a", "ECDSAP256SHA256"]);
    let small = keygen("ldns-keygen", &["-a", "RSASHA256", "-b", "512"]);
    let key = |k: &str| std::fs::read_to_string(dir.path().join(format!("{k}.key"))).unwrap();
    let zone = "$TTL 300\nexample. IN SOA ns hm 1 2 3 4 5\nexample. NS ns\nns A 192.0.2.1\n";
    // The parent's DS set: the algorithm-13 KSK's and the algorithm-8
    // KSK's, which the zone no longer has (its ZSK still signs); or, the
    // thirty-sixth audit, the DS of the small key itself, published and
    // signing nothing (an unusable key was exempt without an RRSIG of it).
    let ds_of = |named: &[&String]| -> PathBuf {
        let mut ds = String::new();
        for k in named {
            let mut cmd = Command::new("dnssec-dsfromkey");
            cmd.current_dir(dir.path()).args(["-a", "SHA-256"]).arg(format!("{k}.key"));
            ds.push_str(&run(&mut cmd));
        }
        let anchor = dir.path().join(format!("ds-{}", named[0]));
        std::fs::write(&anchor, ds).unwrap();
        anchor
    };
    for (name, extra, anchor) in [
        ("plain", String::new(), ds_of(&[&ksk8, &ksk13])),
        ("with-small", key(&small), ds_of(&[&ksk8, &ksk13])),
        ("small-named", key(&small), ds_of(&[&small, &ksk13])),
    ] {
        let input = dir.path().join(format!("{name}.in"));
        let keys = [key(&ksk13), key(&zsk13), key(&zsk8)].concat();
        let text: String = format!("{zone}{keys}{extra}")
            .lines()
            .filter(|l| !l.starts_with(';'))
            .map(|l| format!("{l}\n"))
            .collect();
        std::fs::write(&input, text).unwrap();
        let signed = dir.path().join(format!("{name}.signed"));
        let mut sign = Command::new("dnssec-signzone");
        sign.current_dir(dir.path())
            .args(["-q", "-O", "full", "-z", "-o", "example", "-f"])
            .arg(&signed)
            .arg(&input)
            .args([&ksk13, &zsk13, &zsk8]);
        run(&mut sign);
        let out = zonesign()
            .args(["verify", "-o", "example.", "--trust-anchor"])
            .arg(&anchor)
            .arg(&signed)
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{name}: {said}");
        assert!(
            said.contains("ds-algorithm-unsigned") && said.contains("has algorithm 8"),
            "{name}: {said}"
        );
    }
}
