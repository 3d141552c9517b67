//! The denial chains of the RFCs' example zones, reproduced exactly:
//! RFC 4035 Appendix A (NSEC) and RFC 5155 Appendix A (NSEC3 hashes,
//! next hashed owners, type bitmaps and Opt-Out flags). The expected
//! records are copied from the RFCs; `knsec3hash aabbccdd 1 12 NAME`
//! (Knot) confirms each hash.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Signs `zone` with the golden Ed25519 keys and returns the lines of the
/// given type as `owner rdata...` with single spaces, lowercase.
fn sign_and_extract(zone: &str, extra: &[&str], rtype: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("signed.zone");
    let o = Command::new(env!("CARGO_BIN_EXE_zonesign"))
        .arg("sign")
        .arg(root().join("test-data/rfc").join(zone))
        .args(["-o", "example.", "-q", "--key-dir"])
        .arg(root().join("test-data/keys/golden"))
        .args(["--inception", "20261101000000", "--expiration", "20401201000000", "--output"])
        .arg(&out)
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(Path::new(&out)).unwrap();
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.get(3) == Some(&rtype)).then(|| {
                let mut v = vec![f[0]];
                v.extend(&f[4..]);
                v.join(" ").to_ascii_lowercase()
            })
        })
        .collect()
}

/// RFC 4035 Appendix A: "example. 3600 IN NSEC a.example. NS SOA MX RRSIG
/// NSEC DNSKEY" ... through "xx.example. 3600 IN NSEC example. A HINFO AAAA
/// RRSIG NSEC". Our bitmaps list types in numeric order, as the wire does.
#[test]
fn rfc4035_appendix_a_nsec_chain() {
    let got = sign_and_extract("rfc4035-appendix-a.zone", &[], "NSEC");
    let want = [
        "example. a.example. ns soa mx rrsig nsec dnskey",
        "a.example. ai.example. ns ds rrsig nsec",
        "ai.example. b.example. a hinfo aaaa rrsig nsec",
        "b.example. ns1.example. ns rrsig nsec",
        "ns1.example. ns2.example. a rrsig nsec",
        "ns2.example. *.w.example. a rrsig nsec",
        "*.w.example. x.w.example. mx rrsig nsec",
        "x.w.example. x.y.w.example. mx rrsig nsec",
        "x.y.w.example. xx.example. mx rrsig nsec",
        "xx.example. example. a hinfo aaaa rrsig nsec",
    ];
    assert_eq!(got, want);
}

/// RFC 5155 Appendix A, the NSEC3 records of its example zone (flags 1:
/// Opt-Out; c.example., an insecure delegation, has none; y.w.example. and
/// w.example. are empty non-terminals with empty bitmaps).
#[test]
fn rfc5155_appendix_a_nsec3_chain() {
    let got = sign_and_extract(
        "rfc5155-appendix-a.zone",
        &["--nsec3", "--opt-out", "--salt", "aabbccdd", "--iterations", "12"],
        "NSEC3",
    );
    let want = [
        "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example. 1 1 12 aabbccdd 2t7b4g4vsa5smi47k61mv5bv1a22bojr ns soa mx rrsig dnskey nsec3param",
        "2t7b4g4vsa5smi47k61mv5bv1a22bojr.example. 1 1 12 aabbccdd 2vptu5timamqttgl4luu9kg21e0aor3s a rrsig",
        "2vptu5timamqttgl4luu9kg21e0aor3s.example. 1 1 12 aabbccdd 35mthgpgcu1qg68fab165klnsnk3dpvl mx rrsig",
        "35mthgpgcu1qg68fab165klnsnk3dpvl.example. 1 1 12 aabbccdd b4um86eghhds6nea196smvmlo4ors995 ns ds rrsig",
        "b4um86eghhds6nea196smvmlo4ors995.example. 1 1 12 aabbccdd gjeqe526plbf1g8mklp59enfd789njgi mx rrsig",
        "gjeqe526plbf1g8mklp59enfd789njgi.example. 1 1 12 aabbccdd ji6neoaepv8b5o6k4ev33abha8ht9fgc a hinfo aaaa rrsig",
        "ji6neoaepv8b5o6k4ev33abha8ht9fgc.example. 1 1 12 aabbccdd k8udemvp1j2f7eg6jebps17vp3n8i58h",
        "k8udemvp1j2f7eg6jebps17vp3n8i58h.example. 1 1 12 aabbccdd kohar7mbb8dc2ce8a9qvl8hon4k53uhi",
        "kohar7mbb8dc2ce8a9qvl8hon4k53uhi.example. 1 1 12 aabbccdd q04jkcevqvmu85r014c7dkba38o0ji5r a rrsig",
        "q04jkcevqvmu85r014c7dkba38o0ji5r.example. 1 1 12 aabbccdd r53bq7cc2uvmubfu5ocmm6pers9tk9en a rrsig",
        "r53bq7cc2uvmubfu5ocmm6pers9tk9en.example. 1 1 12 aabbccdd t644ebqk9bibcna874givr6joj62mlhv mx rrsig",
        "t644ebqk9bibcna874givr6joj62mlhv.example. 1 1 12 aabbccdd 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom a hinfo aaaa rrsig",
    ];
    assert_eq!(got, want);
    // RFC 5155 §4: "example. NSEC3PARAM 1 0 12 aabbccdd".
    let param = sign_and_extract(
        "rfc5155-appendix-a.zone",
        &["--nsec3", "--opt-out", "--salt", "aabbccdd", "--iterations", "12"],
        "NSEC3PARAM",
    );
    assert_eq!(param, ["example. 1 0 12 aabbccdd"]);
}
