//! Tests for `sign::keys`: RFC examples, BIND interoperability (with the
//! installed `dnssec-keygen` and `dnssec-dsfromkey`), and the proof of
//! possession, including the .de case of two key pairs behind one key tag.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use super::*;
use crate::verify::crypto;

fn b64(s: &str) -> Vec<u8> {
    let compact: String = s.split_whitespace().collect();
    data_encoding::BASE64.decode(compact.as_bytes()).unwrap()
}

fn hex(s: &str) -> Vec<u8> {
    let compact: String = s.split_whitespace().collect::<String>().to_ascii_lowercase();
    data_encoding::HEXLOWER.decode(compact.as_bytes()).unwrap()
}

fn name(s: &str) -> Name {
    Name::parse(s.as_bytes(), &Name::root()).unwrap()
}

/// RFC 4034 §3.1.8.1 signed data for a one-record RRset, built by hand:
/// "RRSIG_RDATA | RR(1)" with "RR(i) = owner | type | class | TTL | RDATA
/// length | RDATA".
#[allow(clippy::too_many_arguments)]
fn signed_data(
    type_covered: u16,
    algorithm: u8,
    labels: u8,
    ttl: u32,
    expiration: u32,
    inception: u32,
    tag: u16,
    signer: &str,
    owner: &str,
    rdata: &[u8],
) -> Vec<u8> {
    let mut d = Vec::new();
    d.extend_from_slice(&type_covered.to_be_bytes());
    d.push(algorithm);
    d.push(labels);
    d.extend_from_slice(&ttl.to_be_bytes());
    d.extend_from_slice(&expiration.to_be_bytes());
    d.extend_from_slice(&inception.to_be_bytes());
    d.extend_from_slice(&tag.to_be_bytes());
    d.extend_from_slice(name(signer).to_lowercase().as_wire());
    d.extend_from_slice(name(owner).to_lowercase().as_wire());
    d.extend_from_slice(&type_covered.to_be_bytes());
    d.extend_from_slice(&1u16.to_be_bytes());
    d.extend_from_slice(&ttl.to_be_bytes());
    d.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
    d.extend_from_slice(rdata);
    d
}

/// Writes a key pair in BIND form into `dir` and returns the `.key` path.
fn write_pair(dir: &Path, stem: &str, key_text: &str, private_text: &str) -> std::path::PathBuf {
    let key_path = dir.join(format!("{stem}.key"));
    std::fs::write(&key_path, key_text).unwrap();
    std::fs::write(dir.join(format!("{stem}.private")), private_text).unwrap();
    key_path
}

fn ds_of(key: &SigningKey, digest: DigestType) -> Vec<u8> {
    ds_rdata(key.owner(), key.dnskey_rdata(), digest).unwrap()
}

// ---------------------------------------------------------------------
// RFC examples
// ---------------------------------------------------------------------

/// RFC 4034 §5.4: "The following example shows a DNSKEY RR and its
/// corresponding DS RR." — `dskey.example.com. 86400 IN DNSKEY 256 3 5 ...
/// ; key id = 60485` and `DS 60485 5 1 2BB183AF...`. Confirm the tag with
/// `dnssec-dsfromkey -1 -f <file> dskey.example.com.`.
#[test]
fn rfc4034_appendix_b_key_tag_and_section_5_4_ds_example() {
    let public = b64("AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/
                      2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphXdvx
                      egXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9Xzc
                      nOf+EPbtG9DMBmADjFDc2w/rljwvFw==");
    let mut rdata = vec![0x01, 0x00, 3, 5];
    rdata.extend_from_slice(&public);
    assert_eq!(key_tag(&rdata), 60485);

    // The DS digest is SHA-1, which ds_rdata does not offer; the input
    // (§5.1.4 "DNSKEY owner name | DNSKEY RDATA", owner lowercased) is
    // checked by hand.
    let owner = name("DSKEY.Example.COM.");
    let mut input = owner.to_lowercase().as_wire().to_vec();
    input.extend_from_slice(&rdata);
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, &input);
    assert_eq!(digest.as_ref(), hex("2BB183AF5F22588179A53B0A98631FAD1A292118"));
    assert!(matches!(
        DigestType::from_number(1),
        Err(KeyError::UnsupportedDigestType { number: 1 })
    ));
}

/// RFC 4034 Appendix B.1: "the key tag is defined to be the most
/// significant 16 bits of the least significant 24 bits in the public key
/// modulus".
#[test]
fn rfc4034_appendix_b_1_algorithm_1() {
    let rdata = [1, 0, 3, 1, 3, 1, 0, 1, 0xaa, 0xbb, 0xcc, 0xdd, 0xee];
    assert_eq!(key_tag(&rdata), 0xccdd);
    assert!(matches!(Algorithm::from_number(1), Err(KeyError::UnsupportedAlgorithm { number: 1 })));
}

/// RFC 8080 §6.1 with the RRSIGs as corrected by verified Errata ID 4935
/// (Labels 2, algorithm 15). Ed25519 is deterministic, so our signature
/// must equal the RFC's byte for byte.
#[test]
fn rfc8080_section_6_1_ed25519_examples() {
    let dir = tempfile::tempdir().unwrap();
    let mut mx = vec![0, 10];
    mx.extend_from_slice(name("mail.example.com.").as_wire());
    for (private, public, tag, ds, sig) in [
        (
            "ODIyNjAzODQ2MjgwODAxMjI2NDUxOTAyMDQxNDIyNjI=",
            "l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=",
            3613,
            "3aa5ab37efce57f737fc1627013fee07bdf241bd10f3b1964ab55c78e79a304b",
            "oL9krJun7xfBOIWcGHi7mag5/hdZrKWw15jPGrHpjQeRAvTdszaPD+QLs3fx8A4M3e23mRZ9VrbpMngwcrqNAg==",
        ),
        (
            "DSSF3o0s0f+ElWzj9E/Osxw8hLpk55chkmx0LYN5WiY=",
            "zPnZ/QwEe7S8C5SPz2OfS5RR40ATk2/rYnE9xHIEijs=",
            35217,
            "401781b934e392de492ec77ae2e15d70f6575a1c0bc59c5275c04ebe80c6614c",
            "zXQ0bkYgQTEFyfLyi9QoiY6D8ZdYo4wyUhVioYZXFdT410QPRITQSqJSnzQoSm5poJ7gD7AQR0O7KuI5k2pcBg==",
        ),
    ] {
        let stem = format!("Kexample.com.+015+{tag:05}");
        let path = write_pair(
            dir.path(),
            &stem,
            &format!("example.com. 3600 IN DNSKEY 257 3 15 ( {public} )\n"),
            &format!("Private-key-format: v1.2\nAlgorithm: 15 (ED25519)\nPrivateKey: {private}\n"),
        );
        let key = SigningKey::load(&path).unwrap();
        assert_eq!(key.key_tag(), tag);
        assert_eq!(key.algorithm(), Algorithm::Ed25519);
        let mut want_ds = tag.to_be_bytes().to_vec();
        want_ds.extend_from_slice(&[15, 2]);
        want_ds.extend_from_slice(&hex(ds));
        assert_eq!(ds_of(&key, DigestType::Sha256), want_ds);

        let data = signed_data(
            15,
            15,
            2,
            3600,
            1_440_021_600,
            1_438_207_200,
            tag,
            "example.com.",
            "example.com.",
            &mx,
        );
        let ours = key.sign(&data).unwrap();
        assert_eq!(ours, b64(sig), "RFC 8080 §6.1 signature for key tag {tag}");
        crypto::verify_signature(15, key.public_key(), &data, &ours).unwrap();
        key.prove(key.dnskey_rdata()).unwrap();
    }
}

/// RFC 6605 §6.1 and §6.2: the example keys load from BIND files, give the
/// RFC's DS records, and their (randomized) signatures verify; the RFC's
/// own RRSIGs are verified in `verify::crypto`.
#[test]
fn rfc6605_section_6_ecdsa_examples() {
    let dir = tempfile::tempdir().unwrap();
    for (alg, mnemonic, private, public, tag, digest, ds) in [
        (
            13,
            "ECDSAP256SHA256",
            "GU6SnQ/Ou+xC5RumuIUIuJZteXT2z0O/ok1s38Et6mQ=",
            "GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edb
             krSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==",
            55648,
            DigestType::Sha256,
            "b4c8c1fe2e7477127b27115656ad6256f424625bf5c1e2770ce6d6e37df61d17",
        ),
        (
            14,
            "ECDSAP384SHA384",
            "WURgWHCcYIYUPWgeLmiPY2DJJk02vgrmTfitxgqcL4vwW7BOrbawVmVe0d9V94SR",
            "xKYaNhWdGOfJ+nPrL8/arkwf2EY3MDJ+SErKivBVSum1
             w/egsXvSADtNJhyem5RCOpgQ6K8X1DRSEkrbYQ+OB+v8
             /uX45NBwY8rp65F6Glur8I/mlVNgF6W/qTI37m40",
            10771,
            DigestType::Sha384,
            "72d7b62976ce06438e9c0bf319013cf801f09ecc84b8d7e9495f27e305c6a9b0
             563a9b5f4d288405c3008a946df983d6",
        ),
    ] {
        let stem = format!("Kexample.net.+{alg:03}+{tag:05}");
        let path = write_pair(
            dir.path(),
            &stem,
            &format!("example.net. 3600 IN DNSKEY 257 3 {alg} (\n {public} )\n"),
            &format!(
                "Private-key-format: v1.2\nAlgorithm: {alg} ({mnemonic})\nPrivateKey: {private}\n"
            ),
        );
        let key = SigningKey::load(&path).unwrap();
        assert_eq!(key.key_tag(), tag);
        let mut want_ds = tag.to_be_bytes().to_vec();
        want_ds.extend_from_slice(&[alg, digest.number()]);
        want_ds.extend_from_slice(&hex(ds));
        assert_eq!(ds_of(&key, digest), want_ds);

        let data = signed_data(
            1,
            alg,
            3,
            3600,
            1,
            0,
            tag,
            "example.net.",
            "www.example.net.",
            &[192, 0, 2, 1],
        );
        let sig = key.sign(&data).unwrap();
        assert_eq!(sig.len(), if alg == 13 { 64 } else { 96 }, "RFC 6605 §4 r | s");
        crypto::verify_signature(alg, key.public_key(), &data, &sig).unwrap();
        key.prove(key.dnskey_rdata()).unwrap();
    }
}

/// RFC 5702 §6.1 and §6.2: the DNSKEYs built from the RFC's modulus and
/// exponent (RFC 3110 §2 form) equal the RFC's DNSKEYs, with key tags 9033
/// and 3740. The RFC's keys are 512 and 1024 bits, below the 2048 bits
/// aws-lc-rs accepts for private keys: loading them is refused with the
/// size in the error (their signatures are verified in `verify::crypto`).
#[test]
fn rfc5702_section_6_rsa_examples() {
    let dir = tempfile::tempdir().unwrap();
    for (alg, modulus, dnskey, tag, bits) in [
        (
            8u8,
            "wVwaxrHF2CK64aYKRUibLiH30KpPuPBjel7E8ZydQW1HYWHfoGm
             idzC2RnhwCC293hCzw+TFR2nqn8OVSY5t2Q==",
            "AwEAAcFcGsaxxdgiuuGmCkVImy4h99CqT7jwY3pexPGcnUFtR2Fh36BponcwtkZ4cAgtvd4Qs8PkxUdp6p/DlUmObdk=",
            9033,
            512,
        ),
        (
            10,
            "0eg1M5b563zoq4k5ZEOnWmd2/BvpjzedJVdfIsDcMuuhE5SQ3pf
             Q7qmdaeMlC6Nf8DKGoUPGPXe06cP27/WRODtxXquSUytkO0kJDk
             8KX8PtA0+yBWwy7UnZDyCkynO00Uuk8HPVtZeMO1pHtlAGVnc8V
             jXZlNKdyit99waaE4s=",
            "AwEAAdHoNTOW+et86KuJOWRDp1pndvwb6Y83nSVXXyLA3DLroROUkN6X0O6pnWnjJQujX/AyhqFDxj13tOnD9u/1kTg7cV6rklMrZDtJCQ5PCl/D7QNPsgVsMu1J2Q8gpMpztNFLpPBz1bWXjDtaR7ZQBlZ3PFY12ZTSncorffcGmhOL",
            3740,
            1024,
        ),
    ] {
        let algorithm = Algorithm::from_number(alg).unwrap();
        let field = rsa_public_key_field(&b64("AQAB"), &b64(modulus));
        assert_eq!(field, b64(dnskey));
        let rdata = super::dnskey_rdata(FLAGS_ZSK, algorithm, &field);
        assert_eq!(key_tag(&rdata), tag);
        assert_eq!(parse_rsa_public_key_field(&field), Some((&[1u8, 0, 1][..], &b64(modulus)[..])));

        // Only the modulus matters for the size check; the other fields
        // are placeholders.
        let path = write_pair(
            dir.path(),
            &format!("Kexample.net.+{alg:03}+{tag:05}"),
            &format!("example.net. IN DNSKEY 256 3 {alg} {dnskey}\n"),
            &format!(
                "Private-key-format: v1.2\nAlgorithm: {alg} ({})\nModulus: {}\n\
                 PublicExponent: AQAB\nPrivateExponent: AQ==\nPrime1: AQ==\nPrime2: AQ==\n\
                 Exponent1: AQ==\nExponent2: AQ==\nCoefficient: AQ==\n",
                algorithm.mnemonic(),
                modulus.split_whitespace().collect::<String>()
            ),
        );
        let err = SigningKey::load(&path).unwrap_err();
        assert!(
            matches!(err, KeyError::UnsupportedKeySize { bits: b, .. } if b == bits),
            "{err}"
        );
        // The file is named: one key of several was refused without it
        // (the ninth audit, 2026-12-06).
        let stem = format!("Kexample.net.+{alg:03}+{tag:05}.private");
        assert!(err.to_string().contains(&stem), "{err}");
        assert!(err.to_string().contains("2048 to 4096 bits"), "{err}");
    }
    // RFC 3110 §2: exponents longer than 255 octets take "a zero octet
    // followed by a two octet unsigned length".
    let long_exponent = vec![0x01; 256];
    let field = rsa_public_key_field(&long_exponent, &[0xc0, 0x01]);
    assert_eq!(&field[..3], &[0, 1, 0]);
    assert_eq!(parse_rsa_public_key_field(&field), Some((&long_exponent[..], &[0xc0, 0x01][..])));
}

/// RFC 3110 §2: the exponent length "is represented as one octet if it is
/// in the range of 1 to 255", and "Leading zero octets are prohibited in
/// the exponent and modulus". A field in another form has the key tag of
/// the right one; the HSM proof took it for another key pair under the
/// published tag, the .de alarm (the fourteenth audit, 2026-12-06).
#[test]
fn rfc3110_section_2_only_the_minimal_public_key_form_signs() {
    let minimal = [3, 1, 0, 1, 0xc0, 0x01];
    assert_eq!(rsa_public_key_form(&minimal), Ok((&[1u8, 0, 1][..], &[0xc0, 0x01][..])));
    for (field, says) in [
        (&[0, 0, 3, 1, 0, 1, 0xc0, 0x01][..], "written in three octets"),
        (&[0, 1, 0][..], "leaves no modulus"),
        (&[0, 1][..], "ends inside its exponent length"),
        (&[3, 0, 1, 1, 0xc0][..], "leading zero octet"),
        (&[1, 3, 0, 0xc0][..], "leading zero octet"),
        (&[3, 1, 0, 1][..], "leaves no modulus"),
        (&[][..], "empty"),
    ] {
        let err = rsa_public_key_form(field).expect_err("refused");
        assert!(err.contains(says), "{field:?}: {err}");
        assert_eq!(parse_rsa_public_key_field(field), None);
    }
}

/// RFC 5702 §3: RSASSA-PKCS1-v1_5 is deterministic: the same data gives the
/// same signature, and it verifies with the verifier's own code.
#[test]
fn rfc5702_section_3_rsa_signatures_are_deterministic() {
    for algorithm in [Algorithm::RsaSha256, Algorithm::RsaSha512] {
        let key = generate(algorithm, &name("example."), FLAGS_KSK, None).unwrap();
        let data = b"RFC 5702 signed data";
        let a = key.sign(data).unwrap();
        assert_eq!(a.len(), 256);
        assert_eq!(a, key.sign(data).unwrap());
        crypto::verify_signature(algorithm.number(), key.public_key(), data, &a).unwrap();
        key.prove(key.dnskey_rdata()).unwrap();
    }
    assert!(matches!(
        generate(Algorithm::RsaSha256, &name("example."), FLAGS_KSK, Some(1024)),
        Err(KeyError::UnsupportedKeySize { bits: 1024, .. })
    ));
    assert!(matches!(
        generate(Algorithm::Ed25519, &name("example."), FLAGS_KSK, Some(2048)),
        Err(KeyError::UnsupportedKeySize { .. })
    ));
}

#[test]
fn algorithm_numbers_and_mnemonics() {
    for a in Algorithm::ALL {
        assert_eq!(Algorithm::from_number(a.number()).unwrap(), a);
        assert_eq!(Algorithm::from_mnemonic(a.mnemonic()), Some(a));
    }
    assert_eq!(Algorithm::EcdsaP256Sha256.to_string(), "13 (ECDSAP256SHA256)");
    assert!(matches!(Algorithm::try_from(5u8), Err(KeyError::UnsupportedAlgorithm { number: 5 })));
}

// ---------------------------------------------------------------------
// BIND interoperability
// ---------------------------------------------------------------------

fn bind_tools_installed() -> bool {
    let ok = Command::new("dnssec-keygen").arg("-V").output().is_ok_and(|o| o.status.success())
        && Command::new("dnssec-dsfromkey").arg("-V").output().is_ok_and(|o| o.status.success());
    if !ok {
        println!("SKIPPED: BIND tools (dnssec-keygen, dnssec-dsfromkey) are not installed");
    }
    ok
}

/// `dnssec-dsfromkey <args> <file>` parsed into DS RDATA.
fn bind_ds(args: &[&str], key_file: &Path) -> Vec<u8> {
    let out = Command::new("dnssec-dsfromkey").args(args).arg(key_file).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    // "example. IN DS 56191 13 2 B678..."
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let ds = tokens.iter().position(|t| *t == "DS").unwrap();
    let mut rdata = tokens[ds + 1].parse::<u16>().unwrap().to_be_bytes().to_vec();
    rdata.push(tokens[ds + 2].parse().unwrap());
    rdata.push(tokens[ds + 3].parse().unwrap());
    rdata.extend_from_slice(&hex(&tokens[ds + 4..].concat()));
    rdata
}

/// Keys we generate and write are read by BIND: `dnssec-dsfromkey -2`
/// (and `-a SHA-384`) gives the DS our `ds_rdata` gives, and the files read
/// back into the same key; `dnssec-signzone` signs with our private files.
#[test]
fn bind_interop_generated_keys_match_dnssec_dsfromkey() {
    if !bind_tools_installed() {
        return;
    }
    let top = tempfile::tempdir().unwrap();
    for algorithm in Algorithm::ALL {
        let dir = top.path().join(algorithm.mnemonic());
        std::fs::create_dir(&dir).unwrap();
        for flags in [FLAGS_KSK, FLAGS_ZSK] {
            let key = generate(algorithm, &name("example."), flags, None).unwrap();
            let (key_path, private_path) = write_bind_files(&key, &dir).unwrap();
            assert_eq!(
                key_path.file_name().unwrap().to_str().unwrap(),
                format!("Kexample.+{:03}+{:05}.key", algorithm.number(), key.key_tag())
            );
            assert_eq!(bind_ds(&["-2"], &key_path), ds_of(&key, DigestType::Sha256));
            assert_eq!(bind_ds(&["-a", "SHA-384"], &key_path), ds_of(&key, DigestType::Sha384));

            let text = std::fs::read_to_string(&key_path).unwrap();
            let kind = if flags == FLAGS_KSK { "key-signing" } else { "zone-signing" };
            assert!(
                text.starts_with(&format!(
                    "; This is a {kind} key, keyid {}, for example.\n; Created: ",
                    key.key_tag()
                )),
                "{text}"
            );
            let private = std::fs::read_to_string(&private_path).unwrap();
            assert!(private
                .starts_with(&format!("Private-key-format: v1.3\nAlgorithm: {}\n", algorithm)));
            assert!(private.contains("\nCreated: ") && private.contains("\nActivate: "));
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&private_path).unwrap().permissions().mode();
                assert_eq!(mode & 0o777, 0o600);
            }

            let loaded = SigningKey::load(&key_path).unwrap();
            assert_eq!(loaded.dnskey_rdata(), key.dnskey_rdata());
            loaded.prove(key.dnskey_rdata()).unwrap();
            // Files are never overwritten.
            assert!(matches!(write_bind_files(&key, &dir), Err(KeyError::Io { .. })));
        }
        // BIND signs a zone with our private files (smart signing picks up
        // both keys from the directory), and dnssec-verify accepts it.
        let zone = dir.join("example.db");
        std::fs::write(
            &zone,
            "example. 3600 IN SOA ns.example. host.example. 1 3600 600 86400 300\n\
             example. 3600 IN NS ns.example.\nns.example. 3600 IN A 192.0.2.1\n",
        )
        .unwrap();
        let signed = dir.join("example.db.signed");
        let out = Command::new("dnssec-signzone")
            .args(["-q", "-S", "-o", "example.", "-K"])
            .arg(&dir)
            .arg("-d") // the dsset- file, which would otherwise land in the cwd
            .arg(&dir)
            .arg("-f")
            .arg(&signed)
            .arg(&zone)
            .output()
            .unwrap();
        assert!(out.status.success(), "{algorithm}: {}", String::from_utf8_lossy(&out.stderr));
        let out =
            Command::new("dnssec-verify").args(["-q", "-o", "example."]).arg(&signed).output();
        let out = out.unwrap();
        assert!(out.status.success(), "{algorithm}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

/// Keys made by `dnssec-keygen` load with our reader, the key tag matches
/// the file name, `prove()` passes against the `.key` record, and their
/// signatures verify with the verifier's code.
#[test]
fn bind_interop_dnssec_keygen_keys_load_and_prove() {
    if !bind_tools_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (mnemonic, extra) in [
        ("ECDSAP256SHA256", &["-f", "KSK"][..]),
        ("ECDSAP384SHA384", &[][..]),
        ("ED25519", &["-f", "KSK"][..]),
        ("RSASHA256", &["-b", "2048"][..]),
        ("RSASHA512", &["-b", "2048", "-f", "KSK"][..]),
    ] {
        let out = Command::new("dnssec-keygen")
            .args(["-q", "-a", mnemonic])
            .args(extra)
            .arg("-K")
            .arg(dir.path())
            .arg("example.")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let stem = String::from_utf8(out.stdout).unwrap().trim().to_owned();
        let key_path = dir.path().join(format!("{stem}.key"));

        let key = SigningKey::load(&key_path).unwrap();
        let algorithm = Algorithm::from_mnemonic(mnemonic).unwrap();
        assert_eq!(key.algorithm(), algorithm);
        assert_eq!(stem, format!("Kexample.+{:03}+{:05}", algorithm.number(), key.key_tag()));
        assert_eq!(key.name(), stem);
        let published = parse_key_file(&key_path).unwrap();
        key.prove(&published.dnskey_rdata).unwrap();
        assert_eq!(bind_ds(&["-2"], &key_path), ds_of(&key, DigestType::Sha256));

        let data = b"zonesign interop";
        let sig = key.sign(data).unwrap();
        crypto::verify_signature(algorithm.number(), key.public_key(), data, &sig).unwrap();

        // Nothing private in Debug output.
        let private = std::fs::read_to_string(dir.path().join(format!("{stem}.private"))).unwrap();
        let debug = format!("{key:?}");
        for line in private.lines().filter(|l| !l.starts_with("Private-key-format")) {
            if let Some((_, value)) = line.split_once(": ") {
                if value.len() > 20 {
                    assert!(!debug.contains(value), "Debug shows private material");
                }
            }
        }
    }
}

// ---------------------------------------------------------------------
// Proof of possession and collisions
// ---------------------------------------------------------------------

/// Key A is published; key B (same algorithm) is asked to prove itself
/// against it.
#[test]
fn prove_rejects_a_different_key() {
    let owner = name("example.");
    for algorithm in [Algorithm::Ed25519, Algorithm::EcdsaP256Sha256] {
        let a = generate(algorithm, &owner, FLAGS_KSK, None).unwrap();
        let b = generate(algorithm, &owner, FLAGS_KSK, None).unwrap();
        let err = b.prove(a.dnskey_rdata()).unwrap_err();
        match &err {
            KeyError::PublicKeyMismatch {
                key,
                published_tag,
                actual_tag,
                published_fingerprint,
                actual_fingerprint,
            } => {
                assert_eq!(key, b.name());
                assert_eq!(*published_tag, a.key_tag());
                assert_eq!(*actual_tag, b.key_tag());
                assert_eq!(published_fingerprint, &fingerprint(a.public_key()));
                assert_eq!(actual_fingerprint, &fingerprint(b.public_key()));
                assert_eq!(actual_fingerprint.len(), 16);
            }
            other => panic!("expected PublicKeyMismatch, got {other:?}"),
        }
        // The same key published as a ZSK: flags differ, key material not.
        let mut as_zsk = a.dnskey_rdata().to_vec();
        as_zsk[1] = 0;
        assert!(matches!(
            a.prove(&as_zsk),
            Err(KeyError::FlagsMismatch { published_flags: 256, actual_flags: 257, .. })
        ));
        // Garbage is a malformed DNSKEY, not a panic.
        assert!(matches!(a.prove(&[1, 1, 3]), Err(KeyError::MalformedDnskey { .. })));
        assert!(matches!(a.prove(&[1, 1, 2, 15, 0]), Err(KeyError::MalformedDnskey { .. })));
    }
}

/// The .de failure of 5 May 2026: two different key pairs with the same
/// algorithm and key tag. With 65536 tags, about 300 Ed25519 keys give a
/// pair by the birthday bound.
#[test]
fn regression_same_key_tag_different_key_material() {
    let owner = name("de.");
    let mut by_tag: HashMap<u16, SigningKey> = HashMap::new();
    let (first, second) = loop {
        let key = generate(Algorithm::Ed25519, &owner, FLAGS_KSK, None).unwrap();
        if let Some(earlier) = by_tag.remove(&key.key_tag()) {
            break (earlier, key);
        }
        by_tag.insert(key.key_tag(), key);
        assert!(by_tag.len() < 20_000, "no key tag collision in 20000 keys");
    };
    assert_eq!(first.key_tag(), second.key_tag());
    assert_ne!(first.public_key(), second.public_key());

    // HSM 2 holds `second` but the zone publishes `first`.
    let err = second.prove(first.dnskey_rdata()).unwrap_err();
    assert!(matches!(&err, KeyError::PublicKeyMismatch { published_tag, actual_tag, .. }
            if published_tag == actual_tag));
    let message = err.to_string();
    assert!(message.contains("same key tag, different key material"), "{message}");
    assert!(message.contains(&fingerprint(first.public_key())), "{message}");
    assert!(message.contains(&fingerprint(second.public_key())), "{message}");

    // The key set check names both keys.
    let hsm1 = format!("hsm-1:{}", first.name());
    let hsm2 = format!("hsm-2:{}", second.name());
    let err = check_collisions(&[
        (hsm1.as_str(), first.dnskey_rdata()),
        (hsm2.as_str(), second.dnskey_rdata()),
    ])
    .unwrap_err();
    match &err {
        KeyError::TagCollision { first: f, second: s, algorithm, tag, .. } => {
            assert_eq!((f, s), (&hsm1, &hsm2));
            assert_eq!((*algorithm, *tag), (15, first.key_tag()));
        }
        other => panic!("expected TagCollision, got {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains(&hsm1) && message.contains(&hsm2), "{message}");

    // The same key listed twice (e.g. in two HSMs, replicated) is one key.
    check_collisions(&[
        (hsm1.as_str(), first.dnskey_rdata()),
        (hsm2.as_str(), first.dnskey_rdata()),
    ])
    .unwrap();
    // The same tag under another algorithm is no collision.
    let mut other_alg = second.dnskey_rdata().to_vec();
    other_alg[3] = 13;
    let tag_shift = key_tag(&other_alg);
    assert_ne!(tag_shift, first.key_tag());
}

/// RFC 6605 §4: an ECDSA private key is an integer, written by
/// `ldns-keygen` without its leading zero octets, by others with one: both
/// load (a key in 256 was refused as cut short: the thirty-first audit,
/// 2026-12-06), and a key that signs nothing passes the material check.
#[test]
fn rfc6605_section_4_an_ecdsa_private_key_is_an_integer() {
    let dir = tempfile::tempdir().unwrap();
    let leading_zero = |private: &Path| {
        let text = std::fs::read_to_string(private).unwrap();
        let field = text.lines().find_map(|l| l.strip_prefix("PrivateKey: ")).unwrap();
        b64(field)[0] == 0
    };
    let (key_path, private_path) = (0..4096)
        .find_map(|_| {
            let k =
                generate(Algorithm::EcdsaP256Sha256, &name("example."), FLAGS_KSK, None).unwrap();
            let (key, private) = write_bind_files(&k, dir.path()).unwrap();
            if leading_zero(&private) {
                return Some((key, private));
            }
            std::fs::remove_file(key).unwrap();
            std::fs::remove_file(private).unwrap();
            None
        })
        .expect("a scalar with a leading zero octet in 4,096 keys");
    let text = std::fs::read_to_string(&private_path).unwrap();
    let field = text.lines().find_map(|l| l.strip_prefix("PrivateKey: ")).unwrap().to_string();
    let scalar = b64(&field);
    for written in [&scalar[1..], &[&[0u8][..], &scalar].concat()[..]] {
        let b64_written = data_encoding::BASE64.encode(written);
        std::fs::write(&private_path, text.replace(&field, &b64_written)).unwrap();
        SigningKey::load(&key_path).unwrap_or_else(|e| panic!("{} octets: {e}", written.len()));
        check_private_material(&key_path).unwrap();
    }
    // Zero is no key, and was called "32 octets, not 32: cut short"; one
    // longer than the curve is not called cut short either (the
    // thirty-second audit, 2026-12-07).
    // The thirty-third: the curve's order n and above were the library's
    // bare "InvalidEncoding", naming no file; an empty field was "zero".
    let order = data_encoding::HEXLOWER
        .decode(b"ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")
        .unwrap();
    for (written, says) in [
        ([0u8; 32].to_vec(), "is zero"),
        ([1u8; 33].to_vec(), "more than"),
        (order, "not below the order of the curve"),
        ([0xff; 32].to_vec(), "not below the order of the curve"),
        (Vec::new(), "an empty PrivateKey: the file is cut short"),
    ] {
        let b64_written = data_encoding::BASE64.encode(&written);
        std::fs::write(&private_path, text.replace(&field, &b64_written)).unwrap();
        for err in [
            SigningKey::load(&key_path).unwrap_err(),
            check_private_material(&key_path).unwrap_err(),
        ] {
            let message = err.to_string();
            let cut = says.contains("cut short");
            assert!(message.contains(says) && message.contains(".private"), "{message}");
            assert!(cut || !message.contains("cut short"), "{message}");
        }
    }
}

/// A `.private` file that belongs to another key is caught at load time,
/// for every algorithm family.
#[test]
fn load_rejects_private_key_of_another_key() {
    let dir = tempfile::tempdir().unwrap();
    for algorithm in [Algorithm::Ed25519, Algorithm::EcdsaP384Sha384, Algorithm::RsaSha256] {
        let a = generate(algorithm, &name("example."), FLAGS_KSK, None).unwrap();
        let b = generate(algorithm, &name("example."), FLAGS_KSK, None).unwrap();
        let (a_key, a_private) = write_bind_files(&a, dir.path()).unwrap();
        let (_, b_private) = write_bind_files(&b, dir.path()).unwrap();
        std::fs::copy(&b_private, &a_private).unwrap();
        let err = SigningKey::load(&a_key).unwrap_err();
        assert!(matches!(err, KeyError::KeyPairMismatch { .. }), "{algorithm}: {err}");
    }
}

/// The fourteenth audit (2026-12-06): a `.key` file writing its RSA
/// exponent's length in three octets (RFC 3110 §2 allows that only for
/// exponents over 255 octets) has the right key's tag, and was reported as
/// "not the private key of the public key". It is a malformed DNSKEY.
#[test]
fn rfc3110_section_2_a_key_file_with_a_three_octet_exponent_length_is_malformed() {
    let dir = tempfile::tempdir().unwrap();
    let key = generate(Algorithm::RsaSha256, &name("example."), FLAGS_KSK, None).unwrap();
    let (key_path, _) = write_bind_files(&key, dir.path()).unwrap();
    let text = std::fs::read_to_string(&key_path).unwrap();
    let line = text.lines().find(|l| l.contains(" DNSKEY ")).expect("DNSKEY line");
    let fields: Vec<&str> = line.split_whitespace().collect();
    let at = fields.iter().position(|f| *f == "DNSKEY").expect("DNSKEY") + 4;
    let field = data_encoding::BASE64.decode(fields[at..].concat().as_bytes()).unwrap();
    assert_eq!(field[0], 3, "a 3-octet exponent, one-octet length");
    let long = [&[0u8, 0][..], &field].concat();
    let long_b64 = data_encoding::BASE64.encode(&long);
    std::fs::write(&key_path, format!("example. IN DNSKEY 257 3 8 {long_b64}\n")).unwrap();
    let err = SigningKey::load(&key_path).unwrap_err();
    assert!(
        matches!(err, KeyError::MalformedDnskey { reason, .. } if reason.contains("three octets")),
        "{err}"
    );
}

/// The fourteenth audit (2026-12-06): a key pair whose public exponent is
/// over 33 bits (RFC 3110 §2 allows 4096; BIND and ldns sign with it) was
/// refused with aws-lc-rs' "InconsistentComponents", as if the file were
/// corrupt. The refusal says why, and names the file.
#[test]
fn rfc3110_section_2_an_exponent_over_33_bits_cannot_sign_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let key = generate(Algorithm::RsaSha256, &name("example."), FLAGS_ZSK, None).unwrap();
    let (key_path, private_path) = write_bind_files(&key, dir.path()).unwrap();
    let text = std::fs::read_to_string(&private_path).unwrap();
    let e = data_encoding::BASE64.encode(&[4, 0, 0, 0, 1]);
    let replaced: String = text
        .lines()
        .map(|l| {
            if l.starts_with("PublicExponent:") {
                format!("PublicExponent: {e}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    // A `.private` whose exponent is not its `.key`'s is another key's (the
    // thirty-eighth audit); so the `.key` file gets the same exponent (its
    // tag, and so its name, change).
    std::fs::write(&private_path, &replaced).unwrap();
    let err = SigningKey::load(&key_path).unwrap_err();
    assert!(err.to_string().contains("a PublicExponent not the .key file's"), "{err}");
    let modulus = text.lines().find_map(|l| l.strip_prefix("Modulus: ")).unwrap();
    let modulus = data_encoding::BASE64.decode(modulus.trim().as_bytes()).unwrap();
    let field = rsa_public_key_field(&[4, 0, 0, 0, 1], &modulus);
    let rdata = dnskey_rdata(FLAGS_ZSK, Algorithm::RsaSha256, &field);
    let stem = format!("Kexample.+008+{:05}", key_tag(&rdata));
    let key_path = dir.path().join(format!("{stem}.key"));
    let private_path = dir.path().join(format!("{stem}.private"));
    std::fs::write(
        &key_path,
        format!("example. IN DNSKEY 256 3 8 {}\n", data_encoding::BASE64.encode(&field)),
    )
    .unwrap();
    std::fs::write(&private_path, replaced).unwrap();
    let err = SigningKey::load(&key_path).unwrap_err();
    assert!(matches!(err, KeyError::KeyRejected { .. }), "{err}");
    let said = err.to_string();
    assert!(said.contains("public exponent is over 33 bits"), "{said}");
    assert!(said.contains(&private_path.display().to_string()), "{said}");
}

/// A key file renamed to another tag is refused.
#[test]
fn load_rejects_wrong_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let key = generate(Algorithm::Ed25519, &name("example."), FLAGS_ZSK, None).unwrap();
    let (key_path, private_path) = write_bind_files(&key, dir.path()).unwrap();
    let wrong = key.key_tag().wrapping_add(1);
    let renamed_key = dir.path().join(format!("Kexample.+015+{wrong:05}.key"));
    let renamed_private = dir.path().join(format!("Kexample.+015+{wrong:05}.private"));
    std::fs::rename(&key_path, &renamed_key).unwrap();
    std::fs::rename(&private_path, &renamed_private).unwrap();
    let err = SigningKey::load(&renamed_key).unwrap_err();
    assert!(
        matches!(err, KeyError::FileNameMismatch { file_tag, tag, .. }
            if file_tag == u64::from(wrong) && tag == key.key_tag()),
        "{err}"
    );

    // Names of BIND's shape with other digit counts are held to their key
    // too (the fifty-fourth audit, 2026-12-07: BIND's search passes them
    // over, and they signed as the keys they held).
    // The renamed pair copied under `name` (a `.key` file name).
    let copy_as = |name: &str| {
        let key_path = dir.path().join(name);
        std::fs::copy(&renamed_key, &key_path).unwrap();
        std::fs::copy(&renamed_private, key_path.with_extension("private")).unwrap();
        key_path
    };
    let tag = key.key_tag();
    for (stem, file_tag) in [
        (format!("Kexample.+015+{}", tag % 10_000 + 1), u64::from(tag % 10_000 + 1)),
        ("Kexample.+15+11111".to_string(), 11_111),
        ("Kexample.+015+99998".to_string(), 99_998),
        // A lower-case `k` is held to its key too (the fifty-fifth audit).
        ("kexample.+015+00001".to_string(), 1),
    ] {
        let err = SigningKey::load(&copy_as(&format!("{stem}.key"))).unwrap_err();
        assert!(
            matches!(err, KeyError::FileNameMismatch { file_tag: t, .. } if t == file_tag),
            "{stem}: {err}"
        );
    }
    // An owner part that reads as no name is no name of BIND's shape
    // (`K+15+1.key` was refused as "file name says owner ,": the
    // fifty-fifth audit); the same shape with the right numbers is the
    // key's.
    SigningKey::load(&copy_as("K+15+1.key")).unwrap();
    SigningKey::load(&copy_as(&format!("Kexample.+15+{tag}.key"))).unwrap();

    // Algorithm of .private differs from .key.
    let other = generate(Algorithm::Ed25519, &name("example."), FLAGS_ZSK, None).unwrap();
    let (other_key, other_private) = write_bind_files(&other, dir.path()).unwrap();
    let text = std::fs::read_to_string(&other_private).unwrap();
    std::fs::write(&other_private, text.replace("Algorithm: 15 (ED25519)", "Algorithm: 13"))
        .unwrap();
    assert!(matches!(
        SigningKey::load(&other_key),
        Err(KeyError::AlgorithmMismatch { key_file: 15, private_file: 13, .. })
    ));
}

/// A key directory whose name is not UTF-8 (`keys\377`) was refused: the
/// `.private` path was rebuilt from a lossy text of the `.key` path and
/// named a file that is not there (an audit, 2026-12-06).
/// `dnssec-signzone -K` and `ldns-signzone` read such a directory.
#[test]
fn regression_key_paths_that_are_not_utf8_keep_their_octets() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = Path::new(OsStr::from_bytes(b"/k\xffeys/Kexample.+013+12345"));
    for given in [".key", ".private", ""] {
        let mut path = dir.as_os_str().to_owned();
        path.push(given);
        let (key, private) = pair_paths(Path::new(&path));
        assert_eq!(key.as_os_str().as_bytes(), b"/k\xffeys/Kexample.+013+12345.key");
        assert_eq!(private.as_os_str().as_bytes(), b"/k\xffeys/Kexample.+013+12345.private");
    }
    if !bind_tools_installed() {
        return;
    }
    let top = tempfile::tempdir().unwrap();
    let keys = top.path().join(OsStr::from_bytes(b"keys\xff"));
    std::fs::create_dir(&keys).unwrap();
    let out = Command::new("dnssec-keygen")
        .args(["-q", "-a", "ECDSAP256SHA256", "-K"])
        .arg(&keys)
        .arg("example.")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stem = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let key = SigningKey::load(&keys.join(format!("{stem}.key"))).unwrap();
    assert_eq!(key.name(), stem);
}
