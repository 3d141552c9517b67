//! Fail closed: no output is replaced unless the file on disk passed full
//! verification; on any failure a clear message, a distinct exit code, the
//! previous output byte-identical and no stray files.

mod common;

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn zonesign() -> Command {
    Command::new(env!("CARGO_BIN_EXE_zonesign"))
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/example.zone")
}

fn keygen(dir: &Path, role: &str, alg: &str) -> PathBuf {
    let out = zonesign()
        .args(["keygen", "example.", "-a", alg, role, "--key-dir"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

struct Setup {
    _dir: tempfile::TempDir,
    keys: PathBuf,
    outdir: PathBuf,
    output: PathBuf,
    previous: Vec<u8>,
}

/// A key directory with a KSK and a ZSK, and an output directory holding a
/// previous signed zone.
fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    let outdir = dir.path().join("out");
    std::fs::create_dir(&keys).unwrap();
    std::fs::create_dir(&outdir).unwrap();
    keygen(&keys, "--ksk", "13");
    keygen(&keys, "--zsk", "13");
    let output = outdir.join("example.signed");
    let previous = b"; the previous signed zone, which a failed run must leave alone\n".to_vec();
    std::fs::write(&output, &previous).unwrap();
    Setup { _dir: dir, keys, outdir, output, previous }
}

fn sign(s: &Setup, extra: &[&str]) -> Output {
    sign_file(s, &example(), extra)
}

/// Signs `zone` (for `example.`) into the setup's output.
fn sign_file(s: &Setup, zone: &Path, extra: &[&str]) -> Output {
    sign_command(s, zone, extra).output().unwrap()
}

/// The command that signs `zone` (for `example.`) into the setup's output.
fn sign_command(s: &Setup, zone: &Path, extra: &[&str]) -> Command {
    let mut cmd = sign_into(s, zone, &s.output);
    cmd.args(extra);
    cmd
}

/// `zonesign sign EXAMPLE -o example. FLAG PATH ... --output OUTPUT`: the
/// keys given by `keys` alone (`--key`, `--key-dir`, `--publish` and their
/// paths), not the setup's key directory.
fn sign_with_keys(s: &Setup, keys: &[(&str, &Path)]) -> Output {
    let mut cmd = zonesign();
    cmd.arg("sign").arg(example()).args(["-o", "example."]);
    for (flag, path) in keys {
        cmd.arg(flag).arg(path);
    }
    cmd.arg("--output").arg(&s.output).output().unwrap()
}

/// `zonesign sign ZONE -o example. --key-dir KEYS --output OUTPUT`.
fn sign_into(s: &Setup, zone: &Path, output: &Path) -> Command {
    let mut cmd = zonesign();
    cmd.arg("sign")
        .arg(zone)
        .args(["-o", "example.", "--key-dir"])
        .arg(&s.keys)
        .arg("--output")
        .arg(output);
    cmd
}

/// The example zone with `extra` appended, written as `name` in `dir`; and
/// the line number of `extra`'s first line.
fn example_with(dir: &Path, name: &str, extra: &str) -> (PathBuf, usize) {
    let mut text = std::fs::read_to_string(example()).unwrap();
    let line = text.lines().count() + 1;
    text.push_str(extra);
    let zone = dir.join(name);
    std::fs::write(&zone, text).unwrap();
    (zone, line)
}

/// The files of `dir`, sorted.
fn sorted_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files
}

fn assert_untouched(s: &Setup) {
    assert_eq!(std::fs::read(&s.output).unwrap(), s.previous, "the previous output changed");
    assert_eq!(listing(&s.outdir), vec!["example.signed".to_string()], "stray files left behind");
}

/// The run failed with exit `code`, its message holds every one of
/// `needles`, and the previous output is untouched.
fn assert_refused(s: &Setup, out: &Output, code: i32, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "`{needle}` not in: {stderr}");
    }
    assert_untouched(s);
}

#[test]
fn a_good_run_replaces_the_output() {
    let s = setup();
    let out = sign(&s, &["-q"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_ne!(std::fs::read(&s.output).unwrap(), s.previous);
    assert_eq!(listing(&s.outdir), vec!["example.signed".to_string()]);
}

/// The brief's second non-negotiable: a ZSK file whose private key does not
/// match its published DNSKEY is refused with exit 3 before anything is
/// written.
#[test]
fn regression_zsk_private_key_not_matching_its_dnskey_exits_3() {
    let s = setup();
    // Replace the ZSK's private key with another key's of the same algorithm.
    let other = tempfile::tempdir().unwrap();
    let intruder = keygen(other.path(), "--zsk", "13");
    let zsk = listing(&s.keys)
        .into_iter()
        .find(|n| {
            n.ends_with(".private") && {
                let key =
                    std::fs::read_to_string(s.keys.join(n.replace(".private", ".key"))).unwrap();
                key.contains(" 256 3 13 ")
            }
        })
        .unwrap();
    std::fs::copy(intruder.with_extension("private"), s.keys.join(&zsk)).unwrap();
    let out = sign(&s, &[]);
    assert_refused(&s, &out, 3, &["zonesign: key problem"]);
}

/// The fourteenth audit (2026-12-06): a `.key` file without its `.private`
/// in the key directory (a key whose private half is in HSMs, a file left
/// over) stopped every run with exit 3; `dnssec-signzone -S -K` finds keys
/// by their private files and signs. It is left out, with a notice.
#[test]
fn regression_a_public_key_file_alone_in_the_key_directory_is_left_out() {
    let s = setup();
    let alone = keygen(&s.keys, "--zsk", "13");
    std::fs::remove_file(alone.with_extension("private")).unwrap();
    let out = sign(&s, &[]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("not published: no .private file beside it"), "{said}");
    let signed = std::fs::read_to_string(&s.output).unwrap();
    assert_eq!(signed.lines().filter(|l| l.split_whitespace().nth(3) == Some("DNSKEY")).count(), 2);
}

/// The twenty-ninth audit (2026-12-06): a key directory's `.private` cut
/// short (no key material, no timing) was taken for a key made ahead of
/// its schedule and left out, exit 0 (`dnssec-signzone -S`: "private key is
/// invalid"); a `.private` with no `.key` was left out without a word; a
/// FIFO named as a key file kept the run waiting in `open` for ever.
#[test]
fn regression_a_damaged_key_directory_is_named() {
    let s = setup();
    let cut = keygen(&s.keys, "--zsk", "13").with_extension("private");
    let head: String =
        std::fs::read_to_string(&cut).unwrap().lines().take(2).map(|l| format!("{l}\n")).collect();
    std::fs::write(&cut, head).unwrap();
    let out = sign(&s, &[]);
    assert_refused(&s, &out, 3, &["the PrivateKey field is missing"]);

    let s = setup();
    let orphan = keygen(&s.keys, "--zsk", "13");
    std::fs::remove_file(&orphan).unwrap();
    let out = sign(&s, &[]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("a private key file with no .key file beside it"), "{said}");

    let s = setup();
    let fifo = keygen(&s.keys, "--zsk", "13").with_extension("private");
    std::fs::remove_file(&fifo).unwrap();
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let mut cmd = Command::new("timeout");
    cmd.arg("60").arg(env!("CARGO_BIN_EXE_zonesign")).arg("sign").arg(example());
    cmd.args(["-o", "example.", "--key-dir"]).arg(&s.keys).arg("--output").arg(&s.output);
    let out = cmd.output().unwrap();
    assert_refused(&s, &out, 3, &["not a regular file"]);
}

/// The thirtieth audit (2026-12-06): keys that sign nothing are read whole
/// but not held to the signing rules: a retired 1024-bit RSA ZSK (here past
/// its Delete time) stopped the run (exit 3), and
/// a SIG(0) `KEY` pair of the zone's name did too; `dnssec-signzone -S`
/// signs both directories.
#[test]
fn regression_keys_that_sign_nothing_are_not_held_to_the_signing_rules() {
    common::require_tool("dnssec-keygen", "bind9-utils");
    let s = setup();
    let keygen = |args: &[&str]| {
        let out = Command::new("dnssec-keygen")
            .args(["-q", "-K"])
            .arg(&s.keys)
            .args(args)
            .arg("example.")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    keygen(&[
        "-a",
        "8",
        "-b",
        "1024",
        "-P",
        "20200101000000",
        "-A",
        "20200101000000",
        "-I",
        "20210101000000",
        "-D",
        "20220101000000",
    ]);
    keygen(&["-T", "KEY", "-n", "HOST", "-a", "13"]);
    // Its TTL with a unit, too (the thirty-first audit).
    for entry in std::fs::read_dir(&s.keys).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        if path.extension().is_some_and(|e| e == "key") && text.contains(" KEY ") {
            std::fs::write(&path, text.replace(" IN KEY ", " 1h IN KEY ")).unwrap();
        }
    }
    let out = sign(&s, &[]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("a KEY record (a SIG(0) key, RFC 2931)"), "{said}");
    let signed = std::fs::read_to_string(&s.output).unwrap();
    let dnskeys = signed.lines().filter(|l| l.split_whitespace().nth(3) == Some("DNSKEY")).count();
    assert_eq!(dnskeys, 2, "{signed}");
}

/// The forty-third session's notes: an RSA `.private` cut inside its
/// Coefficient (at a base64 quantum, so that it still decodes) passed the
/// material check of a key that signs nothing, here one published ahead of
/// its activation; and (the thirty-eighth audit, 2026-12-07) an emptied
/// PublicExponent did too, and named no file for a key that signs. The
/// fields are now checked against each other and the `.key` file (RFC 8017
/// §3.2), for keys that sign and keys that do not. (`dnssec-signzone -S`
/// says "private key is invalid" of the second and signs with neither.)
/// The activation is before 2038: BIND 9.18 writes a later one modulo 2^32.
#[test]
fn regression_an_rsa_private_key_cut_inside_its_coefficient_is_named() {
    common::require_tool("dnssec-keygen", "bind9-utils");
    let disagree = "its RSA fields do not agree with each other";
    let exponent = "a PublicExponent empty or zero";
    // The field cut, and how many of its base64 digits are kept.
    for (activate, field, keep, says) in [
        (Some("20370101000000"), "Coefficient", 100, disagree),
        (None, "Coefficient", 100, disagree),
        (Some("20370101000000"), "PublicExponent", 0, exponent),
        (None, "PublicExponent", 0, exponent),
    ] {
        let s = setup();
        let mut keygen = Command::new("dnssec-keygen");
        keygen.args(["-q", "-K"]).arg(&s.keys).args(["-a", "8", "-b", "2048"]);
        if let Some(at) = activate {
            keygen.args(["-P", "20200101000000", "-A", at]);
        }
        let out = keygen.arg("example.").output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let stem = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let private = s.keys.join(format!("{stem}.private"));
        let text = std::fs::read_to_string(&private).unwrap();
        let prefix = format!("{field}: ");
        let cut: String = text
            .lines()
            .map(|l| match l.strip_prefix(&prefix) {
                Some(value) => format!("{prefix}{}\n", &value[..keep]),
                None => format!("{l}\n"),
            })
            .collect();
        assert_ne!(cut, text);
        std::fs::write(&private, cut).unwrap();
        let out = sign(&s, &[]);
        assert_refused(&s, &out, 3, &[&format!("{stem}.private"), says]);
    }
}

/// The eighteenth and nineteenth audits (2026-12-06): a key directory with
/// no key that signs was answered "give --key-dir DIR", to a run that gave
/// it; one with no key file of the zone now names the file names looked
/// for, one whose key files none signs (here, `.key` halves alone) says so.
#[test]
fn regression_a_key_directory_without_a_signing_key_is_named() {
    let s = setup();
    let remove = |ext: &str| {
        for entry in std::fs::read_dir(&s.keys).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == ext) {
                std::fs::remove_file(path).unwrap();
            }
        }
    };
    remove("private");
    assert_refused(&s, &sign(&s, &[]), 2, &["signs now"]);
    remove("key");
    let empty = "holds no key file of the zone (Kexample.+<alg>+<tag>.key";
    assert_refused(&s, &sign(&s, &[]), 2, &[empty]);
    // Knot's `keymgr` keeps PEM files: said (the fifty-ninth audit).
    std::fs::write(s.keys.join("0123abcd.pem"), "").unwrap();
    assert_refused(&s, &sign(&s, &[]), 2, &[empty, "its .pem files, as Knot's keymgr keeps keys"]);
}

/// The fourteenth audit (2026-12-06): `--output` into the key directory
/// under a key file's name signed (no such file yet), and then every run
/// on the directory failed reading the zone as a key. Refused (exit 2).
#[test]
fn regression_an_output_named_as_a_key_file_in_the_key_directory_exits_2() {
    let s = setup();
    let before = listing(&s.keys);
    for name in ["Kexample.+013+00001.key", "Kexample.+013+00001.private"] {
        let out = sign_into(&s, &example(), &s.keys.join(name)).output().unwrap();
        let said = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{said}");
        assert!(said.contains("would be read as a key file by every later run"), "{said}");
        // As `--report` or `--ds` too, and the refusal's report is not
        // written there either (the twenty-fourth audit, 2026-12-06: it was).
        for option in ["--report", "--ds"] {
            let out = sign(&s, &[option, s.keys.join(name).to_str().unwrap()]);
            assert_refused(&s, &out, 2, &["would be read as a key file by every later run"]);
        }
    }
    assert_eq!(listing(&s.keys), before);
    assert_untouched(&s);
}

/// The fourteenth audit (2026-12-06): an `$INCLUDE`d FIFO was opened to see
/// whether it could be read, then again to be read: what its writer wrote
/// in between was lost and the run hung. It is opened once.
#[cfg(unix)]
#[test]
fn regression_an_included_fifo_is_read_once_and_the_run_ends() {
    let s = setup();
    let dir = s.outdir.join("fifo");
    std::fs::create_dir(&dir).unwrap();
    let fifo = dir.join("data.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let top = dir.join("top.zone");
    std::fs::write(
        &top,
        "$ORIGIN example.\n$TTL 3600\n@ SOA ns h 1 7200 3600 1209600 300\n@ NS ns\n$INCLUDE data.fifo\n",
    )
    .unwrap();
    let writer = {
        let fifo = fifo.clone();
        // Opening a FIFO to write waits for a reader; the writer then
        // writes and closes at once.
        std::thread::spawn(move || std::fs::write(&fifo, "ns A 192.0.2.1\nwww A 192.0.2.2\n"))
    };
    let mut child = zonesign()
        .args(["verify", "-o", "example."])
        .arg(&top)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > std::time::Duration::from_secs(60) {
            let _ = child.kill();
            // Unblock the writer if it still waits for a reader.
            let _ = std::fs::File::open(&fifo);
            panic!("zonesign hung on an $INCLUDEd FIFO");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    writer.join().unwrap().unwrap();
    let mut said = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut said).unwrap();
    // Loaded, all of it: the verifier then finds no DNSKEY (exit 1).
    assert_eq!(status.code(), Some(1), "{said}");
    assert!(said.contains("no-dnskey"), "{said}");
}

/// Two different keys with the same algorithm and key tag: the .de failure.
/// Each is named by its path (the fourteenth audit, 2026-12-06: by the
/// file stem, which is one for both).
#[test]
fn regression_two_keys_with_one_key_tag_exit_3() {
    let s = setup();
    // Two Ed25519 keys that share key tag 60716 (found once by generating
    // keys until the birthday bound struck; `dnssec-dsfromkey` confirms the
    // tags). Test-only keys for `example.`.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-data/keys/tag-collision");
    let pair =
        (fixture.join("a/Kexample.+015+60716.key"), fixture.join("b/Kexample.+015+60716.key"));
    let out = sign_with_keys(&s, &[("--key", &pair.0), ("--key", &pair.1)]);
    assert_refused(
        &s,
        &out,
        3,
        &[
            "same key tag, different key material",
            "a/Kexample.+015+60716.key",
            "b/Kexample.+015+60716.key",
        ],
    );
}

/// The fifteenth audit (2026-12-06): `--key b/K…` and `--key-dir a` whose
/// file of the same name (another key, the same tag) its timing publishes
/// only: the directory's key was taken for the one named by `--key`, by
/// its stem, and silently left out. Files are told apart by path: the
/// collision is found, naming both.
#[test]
fn regression_a_key_directory_file_of_a_named_key_s_stem_is_another_key() {
    let s = setup();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-data/keys/tag-collision");
    let a = s.keys.with_file_name("a");
    std::fs::create_dir(&a).unwrap();
    for ext in ["key", "private"] {
        let name = format!("Kexample.+015+60716.{ext}");
        let mut text = std::fs::read_to_string(fixture.join("a").join(&name)).unwrap();
        if ext == "private" {
            text.push_str(
                "Publish: 20260101000000\nActivate: 20260101000000\nInactive: 20260102000000\n",
            );
        }
        std::fs::write(a.join(&name), text).unwrap();
    }
    let b = fixture.join("b/Kexample.+015+60716.key");
    let out = sign_with_keys(&s, &[("--key-dir", &a), ("--key", &b)]);
    assert_refused(
        &s,
        &out,
        3,
        &["same key tag, different key material", "a/Kexample.+015+60716.key"],
    );
}

/// A key published without signing (`--publish`, a rollover's next key)
/// that shares algorithm and key tag with the signing key but is another
/// key: the .de failure in another form. Exit 3, naming both keys.
#[test]
fn regression_publish_only_key_sharing_the_signing_key_tag_exit_3() {
    let s = setup();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-data/keys/tag-collision");
    let (a, b) =
        (fixture.join("a/Kexample.+015+60716.key"), fixture.join("b/Kexample.+015+60716.key"));
    let out = sign_with_keys(&s, &[("--key", &a), ("--publish", &b)]);
    assert_refused(
        &s,
        &out,
        3,
        &["same key tag, different key material", "b/Kexample.+015+60716.key"],
    );
}

/// RFC 4035 §2.2: every algorithm of the DNSKEY RRset signs every RRset,
/// so a key of an algorithm that signs nothing cannot be published only
/// (an algorithm rollover publishes the new DNSKEY once it signs, RFC 6781
/// §4.1.4). Exit 3, nothing written.
#[test]
fn rfc4035_section_2_2_publish_only_key_of_an_algorithm_that_signs_nothing_exit_3() {
    let s = setup();
    let other = s.outdir.parent().unwrap().join("ed25519");
    std::fs::create_dir(&other).unwrap();
    let key = keygen(&other, "--zsk", "15");
    let out = sign(&s, &["--publish", key.with_extension("key").to_str().unwrap()]);
    assert_refused(&s, &out, 3, &["cannot be published without signing", "RFC 4035 §2.2"]);
}

/// A zone that fails verification is not swapped in: exit 1, the previous
/// output byte-identical. Every input that would make a signature that
/// does not verify is refused before signing, so the fault is injected: one
/// signature changed in the written file, as a fault between the signer
/// and the disk would (`ZONESIGN_FAULT=flip-signature`).
#[test]
fn a_zone_failing_verification_leaves_the_previous_output() {
    let s = setup();
    let out =
        sign_command(&s, &example(), &[]).env("ZONESIGN_FAULT", "flip-signature").output().unwrap();
    assert_refused(&s, &out, 1, &["zonesign: verification failed", "bad-signature"]);
    // A written file that does not load again is a failed verification
    // too, named as the output, not bad input (exit 4) at the unnamed
    // file's `/proc/self/fd` entry (the seventh audit, 2026-12-06).
    let out =
        sign_command(&s, &example(), &[]).env("ZONESIGN_FAULT", "garble-type").output().unwrap();
    assert_refused(
        &s,
        &out,
        1,
        &["the written zone does not load again", "(as written, not yet in place)"],
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("/proc/self/fd"));
    // Every fault named is made, not the first: this one paused and was
    // published, exit 0 (the seventy-fifth audit, 2026-12-07).
    let out = sign_command(&s, &example(), &[])
        .env("ZONESIGN_FAULT", "pause-before-verify,flip-signature,bogus")
        .output()
        .unwrap();
    assert_refused(&s, &out, 1, &["bad-signature", "(`bogus` names no fault: flip-signature"]);
}

/// RFC 4035 §5.3.1: signatures whose expiration has passed are refused
/// before anything is signed (exit 2); so are jittered ones that would
/// expire before now. They were found only by the verification at the end
/// of the run (an audit, 2026-12-06).
#[test]
fn rfc4035_section_5_3_1_an_expiration_already_past_is_refused_up_front() {
    let s = setup();
    let out = sign(&s, &["--inception", "-30d", "--expiration", "-1d"]);
    assert_refused(&s, &out, 2, &["the expiration", "has passed"]);
    let out = sign(&s, &["--inception", "-30d", "--expiration", "+1d", "--jitter", "2d"]);
    assert_refused(&s, &out, 2, &["with --jitter", "has passed"]);
}

/// Bad input: exit 4, with file:line:column, nothing written.
#[test]
fn bad_input_exits_4_with_position() {
    let s = setup();
    let bad = s.outdir.parent().unwrap().join("bad.zone");
    std::fs::write(&bad, "$TTL 3600\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.300\n").unwrap();
    let out = sign_file(&s, &bad, &[]);
    assert_refused(&s, &out, 4, &["bad.zone:4:6: expected"]);
    // Reading stops at 20 errors: the headline says so rather than giving
    // 20 as the total (the seventh audit, 2026-12-06).
    let many: String = (0..50).map(|i| format!("h{i} A 192.0.2.300\n")).collect();
    std::fs::write(&bad, format!("$TTL 3600\n@ SOA ns h 1 2 3 4 5\n@ NS ns\n{many}")).unwrap();
    let out = sign_file(&s, &bad, &[]);
    assert_refused(&s, &out, 4, &["at least 20 syntax errors; reading stopped there"]);
}

/// An unreadable input: exit 5.
#[test]
fn missing_input_exits_5() {
    let s = setup();
    let out = zonesign()
        .args(["sign", "/nonexistent/zone", "-o", "example.", "--key-dir"])
        .arg(&s.keys)
        .arg("--output")
        .arg(&s.output)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert_untouched(&s);
}

/// Regression: the output is replaced by a rename, which would replace a
/// device or FIFO too (as root, `--output /dev/null` would replace the null
/// device). An output that exists and is not a regular file is refused with
/// the I/O exit code, and nothing is created beside it.
#[test]
fn an_output_that_is_not_a_regular_file_is_refused() {
    let s = setup();
    std::fs::remove_file(&s.output).unwrap();
    let made = Command::new("mkfifo").arg(&s.output).status().unwrap();
    assert!(made.success(), "mkfifo");
    let out = sign(&s, &[]);
    assert_eq!(out.status.code(), Some(5), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a regular file"));
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::symlink_metadata(&s.output).unwrap().file_type().is_fifo());
    assert_eq!(listing(&s.outdir), vec!["example.signed".to_string()], "stray files left behind");
}

/// Usage errors: exit 2.
#[test]
fn usage_errors_exit_2() {
    let out = zonesign().args(["sign", "--no-such-flag"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let s = setup();
    let out = sign(&s, &["--opt-out"]);
    assert_eq!(out.status.code(), Some(2));
    assert_untouched(&s);
    // RFC 5155 §3.2: a salt of 256 octets is too long, not "not hex" (the
    // fourteenth audit); 255 is the most.
    let out = sign(&s, &["--nsec3", "--salt", &"ab".repeat(256)]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(said.contains("--salt of 256 octets: at most 255"), "{said}");
    assert_untouched(&s);
}

/// RFC 8976: an input ZONEMD that zonesign cannot compute (RFC 8976
/// Appendix A.3 holds hash algorithm 240 and scheme 241) is refused with
/// exit 4 rather than kept stale; `--zonemd` then says what to publish.
#[test]
fn rfc8976_input_zonemd_of_an_unknown_hash_algorithm_exits_4() {
    let s = setup();
    let a3 = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-data/rfc/rfc8976-appendix-a3.zone");
    let sign_a3 = |extra: &[&str]| sign_file(&s, &a3, extra);
    let out = sign_a3(&[]);
    assert_refused(&s, &out, 4, &["ZONEMD", "hash algorithm 240", "--zonemd"]);
    let out = sign_a3(&["--zonemd", "sha1"]);
    assert_refused(&s, &out, 2, &["sha384"]);
    let out = sign_a3(&["--zonemd", "none", "--zonemd", "sha384"]);
    assert_refused(&s, &out, 2, &["--zonemd none"]);
    let out = sign_a3(&["--zonemd", "sha512", "-q"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let signed = std::fs::read_to_string(&s.output).unwrap();
    let zonemd: Vec<&str> = signed.lines().filter(|l| l.contains("\tZONEMD\t")).collect();
    assert_eq!(zonemd.len(), 1, "{zonemd:?}");
    assert!(zonemd[0].contains("\t2018031900 1 2 "), "{}", zonemd[0]);
}

/// RFC 7344 §4.1, RFC 8078: CDS and CDNSKEY records kept from the input
/// (no `--cds`) must name keys the signed zone publishes. Before, zonesign
/// published a stale CDS and CDNSKEY that `kzonecheck` rejected ("CDNSKEY
/// not match DNSKEY"); a parent scanning for them would have installed a DS
/// matching no key, and the zone would have gone bogus. Refused with exit 3
/// before anything is signed; `--cds` publishes them for the signing KSKs.
#[test]
fn regression_stale_cds_and_cdnskey_in_the_input_exit_3() {
    let s = setup();
    let dir = tempfile::tempdir().unwrap();
    let (zone, _) = example_with(
        dir.path(),
        "stale-cds.zone",
        "example. 3600 IN CDS 12345 13 2 \
         A3A2AC7A3647627678BC1E6C0672772656DCA3F5DFE9282917B4DEC43FB20EEB\n\
         example. 3600 IN CDNSKEY 257 3 13 \
         mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==\n",
    );
    let sign_stale = |extra: &[&str]| sign_file(&s, &zone, extra);
    let out = sign_stale(&[]);
    assert_refused(&s, &out, 3, &["CDS 12345 13 2", "not in the DNSKEY RRset", "--cds"]);
    let out = sign_stale(&["--cds", "-q"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!std::fs::read_to_string(&s.output).unwrap().contains("A3A2AC7A3647627678BC"));
}

/// RFC 6672 §2.4: data below a DNAME is refused with exit 4 and its place
/// (Knot refuses such zones too: "child record exists under DNAME").
#[test]
fn rfc6672_section_2_4_data_below_a_dname_exits_4() {
    let s = setup();
    let dir = tempfile::tempdir().unwrap();
    let (zone, line) = example_with(
        dir.path(),
        "dname.zone",
        "d.example. 3600 IN DNAME example.net.\nx.d.example. 3600 IN A 192.0.2.7\n",
    );
    let out = sign_file(&s, &zone, &[]);
    let at = format!("dname.zone:{}: x.d.example. A", line + 1);
    assert_refused(&s, &out, 4, &[&at, "RFC 6672"]);

    // Below a delegation too (Knot: "child record exists under DNAME"; it
    // was signed without a word), and at a name that also holds a stale
    // NSEC3 below an apex DNAME (exit 1 and a place in the temporary file
    // before): the twenty-second audit, 2026-12-06.
    let (zone, line) = example_with(
        dir.path(),
        "dname-below-cut.zone",
        "sub.example. 3600 IN NS ns.example.net.\nx.sub.example. 3600 IN DNAME example.net.\n\
         y.x.sub.example. 3600 IN A 192.0.2.5\n",
    );
    let out = sign_file(&s, &zone, &[]);
    let at = format!("dname-below-cut.zone:{}: y.x.sub.example. A", line + 2);
    assert_refused(&s, &out, 4, &[&at, "RFC 6672"]);
    let apex_dname = dir.path().join("apex-dname.zone");
    std::fs::write(
        &apex_dname,
        "$TTL 3600\n@ IN SOA ns1.example.net. h 1 7200 3600 1209600 300\n@ IN NS ns1.example.net.\n\
         @ IN DNAME example.net.\nx IN NSEC3 1 0 0 - 0123456789ABCDEFGHIJKLMNOPQRSTUV A\n\
         x IN A 192.0.2.9\n",
    )
    .unwrap();
    let out = sign_file(&s, &apex_dname, &["--nsec3"]);
    assert_refused(&s, &out, 4, &["apex-dname.zone:6: x.example. A", "RFC 6672"]);
}

/// RFC 4035 §2.4: a DS RRset at the apex is refused with exit 4 and its
/// place. (Signed, dnssec-verify refused it: the apex DS is the parent's.)
#[test]
fn rfc4035_section_2_4_ds_at_the_apex_exits_4() {
    let s = setup();
    let dir = tempfile::tempdir().unwrap();
    let (zone, line) = example_with(
        dir.path(),
        "apex-ds.zone",
        "example. 3600 IN DS 12345 13 2 \
         3F2B1E0D4C5A69788796A5B4C3D2E1F00F1E2D3C4B5A69788796A5B4C3D2E1F0\n",
    );
    let out = sign_file(&s, &zone, &[]);
    assert_refused(&s, &out, 4, &[&format!("apex-ds.zone:{line}: example."), "RFC 4035 §2.4"]);
}

/// RFC 6672 §2.3: a DNAME beside NS records below the apex is refused with
/// exit 4 (kzonecheck: "NS record exists beside DNAME"); so are NS records at
/// a wildcard name, which BIND cannot load.
#[test]
fn rfc6672_section_2_3_dname_beside_ns_and_wildcard_ns_exit_4() {
    let s = setup();
    let dir = tempfile::tempdir().unwrap();
    let (zone, line) = example_with(
        dir.path(),
        "cut.zone",
        "d.example. 3600 IN NS ns.example.net.\nd.example. 3600 IN DNAME example.net.\n\
         *.w.example. 3600 IN NS ns.example.net.\n",
    );
    let out = sign_file(&s, &zone, &[]);
    assert_refused(
        &s,
        &out,
        4,
        &[
            &format!("cut.zone:{}: d.example. has a DNAME beside NS records", line + 1),
            &format!("cut.zone:{}: *.w.example. is a wildcard name with NS records", line + 2),
        ],
    );
}

/// Regression: a run stopped while it wrote its output (Ctrl-C, SIGTERM,
/// SIGKILL, the OOM killer) runs no destructor, and used to leave its named
/// temporary file beside the output: for a TLD, gigabytes. The temporary
/// file now has no name until it is verified and committed
/// (`emit::atomic`), so the kernel frees it however the process ends.
#[cfg(target_os = "linux")]
#[test]
fn regression_a_run_killed_while_writing_leaves_no_file_behind() {
    let s = setup();
    let zone = common::generate_zone(s.outdir.parent().unwrap(), "example.", 100_000, 7);
    let outdir = std::fs::canonicalize(&s.outdir).unwrap();
    if !zonesign::emit::atomic::unnamed_temp_supported(&outdir) {
        eprintln!("skipped: {} has no unnamed temporary files (O_TMPFILE)", outdir.display());
        return;
    }
    // SIGTERM, not SIGINT: a job that a non-interactive shell started in
    // the background (as CI may run these tests) inherits SIGINT ignored.
    for signal in ["TERM", "KILL"] {
        let mut child = zonesign()
            .arg("sign")
            .arg(&zone)
            .args(["-o", "example.", "--threads", "1", "-q", "--key-dir"])
            .arg(&s.keys)
            .arg("--output")
            .arg(&s.output)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Wait until the run holds a file of the output directory open:
        // it is writing the signed zone.
        let fds = PathBuf::from(format!("/proc/{}/fd", child.id()));
        let writing = loop {
            if child.try_wait().unwrap().is_some() {
                break false;
            }
            let open = std::fs::read_dir(&fds).into_iter().flatten().flatten();
            if open
                .filter_map(|e| std::fs::read_link(e.path()).ok())
                .any(|l| l.starts_with(&outdir))
            {
                break true;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        };
        assert!(writing, "the run ended before it was seen writing");
        // The shell's own `kill` (procps may be absent).
        let kill =
            Command::new("sh").args(["-c", &format!("kill -s {signal} {}", child.id())]).status();
        assert!(kill.unwrap().success());
        let status = child.wait().unwrap();
        assert!(!status.success(), "SIG{signal}: the run was not stopped");
        assert_untouched(&s);
    }
}

/// Found by an audit (2026-12-06): `--report` or `--ds` naming the output
/// (or, through a link, the input zone) replaced the previous signed zone
/// with the report, even on a failed run. Refused before any work, exit 2;
/// a side output whose directory does not exist, exit 5, before signing.
#[test]
fn regression_report_or_ds_naming_the_output_or_the_input_exit_2() {
    let s = setup();
    let output = s.output.to_str().unwrap();
    let out = sign(&s, &["--report", output]);
    assert_refused(&s, &out, 2, &["--report", "is --output"]);
    let out = sign(&s, &["--ds", output]);
    assert_refused(&s, &out, 2, &["--ds", "is --output"]);
    // The input zone through a hard link made beside the output's directory.
    let dir = s.outdir.parent().unwrap();
    let input = dir.join("in.zone");
    std::fs::copy(example(), &input).unwrap();
    let link = dir.join("link.json");
    std::fs::hard_link(&input, &link).unwrap();
    let out = sign_file(&s, &input, &["--report", link.to_str().unwrap()]);
    assert_refused(&s, &out, 2, &["is the input zone"]);
    assert_eq!(std::fs::read(&input).unwrap(), std::fs::read(example()).unwrap());
    // The input zone read from standard input, a file (the seventieth
    // audit: `--ds` naming it replaced the zone read).
    let out = sign_command(&s, Path::new("-"), &["--ds", input.to_str().unwrap()])
        .stdin(std::fs::File::open(&input).unwrap())
        .output()
        .unwrap();
    assert_refused(&s, &out, 2, &["--ds", "is the input zone"]);
    assert_eq!(std::fs::read(&input).unwrap(), std::fs::read(example()).unwrap());
    let out = sign(&s, &["--ds", "/nonexistent/dir/ds"]);
    assert_refused(&s, &out, 5, &["no directory /nonexistent/dir"]);
    // `--output -` wrote a file named `-`: refused, exit 2.
    let out = zonesign()
        .arg("sign")
        .arg(example())
        .args(["-o", "example.", "--key-dir"])
        .arg(&s.keys)
        .args(["--output", "-"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.join("-").exists());
}

/// The fifth audit (2026-12-06): with standard error a pipe whose reader
/// had gone, the summary printed after the verified output was swapped in
/// panicked ("failed printing to stderr", exit 101), so a run that had
/// succeeded looked like a crash; `verify` did the same. A closed stderr
/// changes neither the outcome nor the exit code.
#[test]
fn regression_a_closed_standard_error_does_not_change_the_exit_code() {
    let s = setup();
    let run_closed = |mut cmd: Command| {
        let mut child = cmd
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // The read end goes before the run prints anything of note.
        drop(child.stderr.take());
        child.wait().unwrap().code()
    };
    assert_eq!(run_closed(sign_command(&s, &example(), &[])), Some(0));
    assert!(std::fs::read(&s.output).unwrap() != s.previous, "the output was not replaced");
    let mut verify = zonesign();
    verify.args(["verify", "-o", "example."]).arg(&s.output);
    assert_eq!(run_closed(verify), Some(0));
}

/// `--bits` is an argument like any other: a size RSA does not have, or a
/// size for a key that has none, is a usage error (exit 2), and no key is
/// written (`hsm keygen` ignored `--bits` for ECDSA: the fifth audit,
/// 2026-12-06).
#[test]
fn keygen_bits_outside_what_the_algorithm_takes_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    for (alg, bits) in [("8", "1024"), ("13", "4096"), ("15", "2048")] {
        let out = zonesign()
            .args(["keygen", "example.", "-a", alg, "--zsk", "--bits", bits, "--key-dir"])
            .arg(dir.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "-a {alg} --bits {bits}: {stderr}");
        assert!(stderr.contains(&format!("--bits {bits}")), "{stderr}");
    }
    assert_eq!(listing(dir.path()), Vec::<String>::new());
}

/// The fifth audit (2026-12-06): `--output`, `--report` or `--ds` naming a
/// key's `.private` file replaced the private key with the zone, the report
/// or the DS records, exit 0. No output may be a file the run reads:
/// refused up front (exit 2), every key file as it was.
#[test]
fn regression_an_output_naming_a_key_file_is_refused() {
    let s = setup();
    let key_files = sorted_files(&s.keys);
    let before: Vec<Vec<u8>> = key_files.iter().map(|p| std::fs::read(p).unwrap()).collect();
    for key in &key_files {
        for option in ["--report", "--ds"] {
            let out = sign(&s, &[option, key.to_str().unwrap()]);
            assert_refused(&s, &out, 2, &[option, "which the run reads"]);
        }
        let out = sign_into(&s, &example(), key).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
    }
    let after: Vec<Vec<u8>> = key_files.iter().map(|p| std::fs::read(p).unwrap()).collect();
    assert!(before == after, "a key file changed");
}

/// The forty-fifth audit (2026-12-07): a key named by its stem, as BIND's
/// tools name keys (`--key k/Kexample.+013+12345`), was read, but its
/// files were not among those no output may name: `--ds` over its
/// `.private` file replaced the private key with the DS records, exit 0.
/// And `--key` naming neither a key file nor a stem looked for
/// `NAME.key`; `--publish` of a DNSKEY file of another name (`dig` output)
/// does not.
#[test]
fn regression_the_files_of_a_key_named_by_its_stem_are_no_output() {
    let s = setup();
    let key_files = sorted_files(&s.keys);
    let before: Vec<Vec<u8>> = key_files.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let private = key_files.iter().find(|p| p.extension().is_some_and(|e| e == "private")).unwrap();
    let private = private.to_str().unwrap();
    let stem = private.strip_suffix(".private").unwrap();
    let key = format!("{stem}.key");
    for option in ["--key", "--publish"] {
        for (output, file) in [("--ds", private), ("--report", key.as_str())] {
            let out = sign(&s, &[option, stem, output, file]);
            assert_refused(&s, &out, 2, &[output, "which the run reads"]);
        }
    }
    let after: Vec<Vec<u8>> = key_files.iter().map(|p| std::fs::read(p).unwrap()).collect();
    assert!(before == after, "a key file changed");

    let aside = tempfile::tempdir().unwrap();
    let elsewhere = aside.path().join("mykey.priv");
    std::fs::copy(private, &elsewhere).unwrap();
    let out = sign(&s, &["--key", elsewhere.to_str().unwrap()]);
    assert_refused(&s, &out, 2, &["a key pair is named by its .key or .private file"]);

    let dnskey = aside.path().join("provider-b.dnskey");
    keygen(aside.path(), "--zsk", "13");
    let other = std::fs::read_dir(aside.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "key"))
        .unwrap();
    std::fs::copy(&other, &dnskey).unwrap();
    let out = sign(&s, &["--publish", dnskey.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// The fifth audit (2026-12-06): `--output /dev/stdout` replaced the
/// system's link with the zone (as root). A link to something other than a
/// regular file, or into /dev or /proc, is refused; a link to a regular
/// file is replaced by the rename, as `dnssec-signzone`'s output is.
#[test]
fn regression_an_output_linked_to_standard_output_is_refused() {
    let s = setup();
    // Signing into `link` is refused (exit 5) for `reason`, and the link is
    // left as it was.
    let refused = |link: &Path, reason: &str| {
        let out = sign_into(&s, &example(), link).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(5), "{stderr}");
        assert!(stderr.contains(reason), "{stderr}");
        assert!(std::fs::symlink_metadata(link).unwrap().file_type().is_symlink());
    };
    let (into, inside) = ("a symbolic link into /dev or /proc", "a symbolic link in /dev or /proc");
    let link = s.outdir.join("stdout");
    std::os::unix::fs::symlink("/proc/self/fd/1", &link).unwrap();
    refused(&link, into);
    // Each reason said as it is: a link to a directory is one to
    // "something other" (the forty-seventh audit: links into /proc were
    // called that too).
    let to_dir = s.outdir.join("to-dir");
    std::os::unix::fs::symlink(&s.outdir, &to_dir).unwrap();
    refused(&to_dir, "symbolic link to something other than a regular file");
    // A dangling link into /dev written with `..` (the forty-eighth audit:
    // it was replaced by the file, exit 0).
    let depth = s.outdir.canonicalize().unwrap().components().count();
    let up = format!("{}dev/zonesign-no-such-device", "../".repeat(depth));
    let dangling = s.outdir.join("dangling");
    std::os::unix::fs::symlink(&up, &dangling).unwrap();
    refused(&dangling, into);
    // A chain longer than the kernel follows (40 links) cannot be judged
    // (the fifty-second audit: one of 41 into /dev was replaced).
    let mut next = s.outdir.join("chain-end.zone");
    std::fs::write(&next, "").unwrap();
    for i in 1..=41 {
        let link = s.outdir.join(format!("chain-{i}"));
        std::os::unix::fs::symlink(&next, &link).unwrap();
        next = link;
    }
    refused(&next, "a chain of more than 40 symbolic links");
    // One of 40 is followed to its end, a regular file elsewhere: replaced.
    let forty = s.outdir.join("chain-40");
    let out = sign_into(&s, &example(), &forty).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::symlink_metadata(&forty).unwrap().file_type().is_file());
    let shm = Path::new("/dev/shm");
    if !shm.is_dir() {
        return;
    }
    // A link placed in /dev to a regular file elsewhere is judged by where
    // it is (the fiftieth audit: judged by its target, it was replaced);
    // a chain whose first hop is that link, and one dangling into /dev
    // through a second link, likewise (the fifty-first: both replaced).
    let elsewhere = s.outdir.join("elsewhere.zone");
    std::fs::write(&elsewhere, "").unwrap();
    let in_dev = shm.join(format!("zonesign-test-{}", std::process::id()));
    let _ = std::fs::remove_file(&in_dev);
    std::os::unix::fs::symlink(&elsewhere, &in_dev).unwrap();
    let first_hop = s.outdir.join("first-hop");
    std::os::unix::fs::symlink(&in_dev, &first_hop).unwrap();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        refused(&in_dev, inside);
        refused(&first_hop, into);
    }));
    let _ = std::fs::remove_file(&in_dev);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
    let second = s.outdir.join("second");
    std::os::unix::fs::symlink(shm.join("zonesign-no-such-file"), &second).unwrap();
    let chained = s.outdir.join("chained");
    std::os::unix::fs::symlink(&second, &chained).unwrap();
    refused(&chained, into);
}

/// `verify --at -1h` as `--help` writes it (clap took `-1h` for an option:
/// the fifth audit, 2026-12-06); `--threads` from 1 to 1024.
#[test]
fn verify_at_takes_a_negative_offset_and_threads_a_sane_count() {
    let s = setup();
    let out = sign(&s, &["-q"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let verify = |extra: &[&str]| {
        zonesign()
            .args(["verify", "-q", "-o", "example."])
            .arg(&s.output)
            .args(extra)
            .output()
            .unwrap()
    };
    assert_eq!(verify(&["--at", "-1h"]).status.code(), Some(0));
    for bad in ["0", "1025"] {
        let out = verify(&["--threads", bad]);
        assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

/// A write past the file size limit (`ulimit -f`, systemd's `LimitFSIZE`)
/// raised SIGXFSZ, which ended the run at once: exit 153, no message, and
/// on file systems without unnamed temporary files a partial file left
/// behind (the ninth audit, 2026-12-06). Now the write fails (EFBIG) and
/// the run fails closed: exit 5, the previous output untouched.
#[test]
fn regression_a_file_size_limit_is_an_io_failure_not_a_signal() {
    let s = setup();
    let out = sign_under_ulimit(&s, "-f 4", &example());
    assert_refused(&s, &out, 5, &["File too large"]);
}

/// `zonesign sign ZONE` into the setup's output under `ulimit LIMIT`.
fn sign_under_ulimit(s: &Setup, limit: &str, zone: &Path) -> Output {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("ulimit {limit} && exec \"$@\""))
        .arg("sh")
        .arg(common::zonesign_bin())
        .args(["sign", "-o", "example.", "--key-dir"])
        .arg(&s.keys)
        .arg("--output")
        .arg(&s.output)
        .arg(zone);
    cmd.output().unwrap()
}

/// The sixty-ninth audit (2026-12-07): the included files held open to be
/// checked before the swap took the last descriptors under a low `ulimit
/// -n`, and the final verification could not open the written zone (exit
/// 5) where the build before signed. A sixteenth of the limit is held.
#[test]
fn regression_included_files_held_open_leave_descriptors_under_a_low_limit() {
    let s = setup();
    let mut extra = String::new();
    for k in 0..100 {
        let inc = s.outdir.join(format!("i{k}.inc"));
        std::fs::write(&inc, format!("i{k} A 192.0.2.1\n")).unwrap();
        extra.push_str(&format!("$INCLUDE i{k}.inc\n"));
    }
    let (zone, _) = example_with(&s.outdir, "main.zone", &extra);
    let out = sign_under_ulimit(&s, "-n 40", &zone);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// RFC 4035 §5.3.1: the written zone is judged at the time it is judged.
/// It was judged at the time the run began, so signatures that expired
/// while a long run signed were published (the tenth audit, 2026-12-06).
/// Here they expire two seconds after the start and the verification
/// begins three seconds late.
#[test]
fn rfc4035_section_5_3_1_signatures_that_expire_during_the_run_are_not_published() {
    let s = setup();
    let out = sign_command(&s, &example(), &["--expiration", "+2"])
        .env("ZONESIGN_FAULT", "pause-before-verify")
        .output()
        .unwrap();
    assert_refused(&s, &out, 1, &["zonesign: verification failed", "expired"]);
}

/// The sixty-sixth and sixty-seventh audits (2026-12-07): two runs on one
/// output that overlapped each replaced it, the zone of one left beside the DS file of
/// the other, both exit 0; and a zone still being written by its generator
/// when the load ended was signed as the part written so far. The run now
/// checks, right before it replaces anything, that its outputs are what
/// they were when it began and its input what it read; else it publishes
/// nothing, exit 5. Here the verification starts three seconds late, and
/// the other writer comes in that time.
#[test]
fn regression_an_output_replaced_or_an_input_written_during_the_run_is_not_published() {
    let wait_and = |cmd: &mut Command, meanwhile: &dyn Fn()| {
        let child = cmd
            .env("ZONESIGN_FAULT", "pause-before-verify")
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1500));
        meanwhile();
        child.wait_with_output().unwrap()
    };
    // Another run's zone renamed over the output.
    let s = setup();
    let other = b"; another run's zone\n".to_vec();
    let out = wait_and(&mut sign_command(&s, &example(), &[]), &|| {
        let next = s.outdir.join("next");
        std::fs::write(&next, &other).unwrap();
        std::fs::rename(&next, &s.output).unwrap();
    });
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(stderr.contains("--output was replaced or written to by another process"), "{stderr}");
    assert_eq!(std::fs::read(&s.output).unwrap(), other);
    assert_eq!(listing(&s.outdir), vec!["example.signed".to_string()]);
    // The DS file too.
    let s = setup();
    let ds = s.outdir.join("dsset");
    let out = wait_and(sign_command(&s, &example(), &[]).arg("--ds").arg(&ds), &|| {
        std::fs::write(&ds, "; another run's DS\n").unwrap();
    });
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(stderr.contains("--ds was replaced or written to"), "{stderr}");
    assert_eq!(std::fs::read(&s.output).unwrap(), s.previous);
    // The input written to by a generator still at work, and a file it
    // includes likewise (the sixty-seventh audit: only the zone file was
    // checked).
    for (written, extra, said) in [
        ("main.zone", "", "main.zone: the file changed while it was signed"),
        ("more.inc", "$INCLUDE more.inc\n", "more.inc: the file changed while it was signed"),
    ] {
        let s = setup();
        std::fs::write(s.outdir.join("more.inc"), "more A 192.0.2.98\n").unwrap();
        let (zone, _) = example_with(&s.outdir, "main.zone", extra);
        let out = wait_and(&mut sign_command(&s, &zone, &[]), &|| {
            use std::io::Write;
            let path = s.outdir.join(written);
            let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
            f.write_all(b"late A 192.0.2.99\n").unwrap();
        });
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(5), "{stderr}");
        assert!(stderr.contains(said), "{stderr}");
        assert_eq!(std::fs::read(&s.output).unwrap(), s.previous);
    }
    // The zone on standard input, a file (`sign - < zone`): stamped as a
    // file named is (the seventieth audit: it was signed as far as it was
    // written, and published, exit 0).
    let s = setup();
    let (zone, _) = example_with(&s.outdir, "main.zone", "");
    let mut cmd = sign_command(&s, Path::new("-"), &[]);
    cmd.stdin(std::fs::File::open(&zone).unwrap());
    let out = wait_and(&mut cmd, &|| {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new().append(true).open(&zone).unwrap();
        f.write_all(b"late A 192.0.2.99\n").unwrap();
    });
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(stderr.contains("-: the file changed while it was signed"), "{stderr}");
    assert_eq!(std::fs::read(&s.output).unwrap(), s.previous);
}

/// The thirty-eighth audit (2026-12-07): on a file system without
/// `O_TMPFILE` (NFS, CIFS, vfat) the written zone is a named temporary
/// file, and Ctrl-C or SIGTERM left it beside the output for good (a whole
/// TLD zone, hidden); `dnssec-signzone` removes its own. SIGINT, SIGTERM
/// and SIGHUP now remove it, and the run still dies by the signal.
#[test]
fn regression_a_signal_removes_the_named_temporary_zone() {
    use std::os::unix::process::ExitStatusExt;
    // A signal this test's process ignores (a background job's SIGINT,
    // `nohup`'s SIGHUP) is ignored by the run too, rightly (see
    // `regression_an_ignored_signal_stays_ignored`): those are not sent.
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let ignored = status
        .lines()
        .find_map(|l| l.strip_prefix("SigIgn:"))
        .and_then(|m| u64::from_str_radix(m.trim(), 16).ok())
        .unwrap_or(0);
    let signals = [libc_signal::SIGINT, libc_signal::SIGTERM, libc_signal::SIGHUP];
    for signal in signals.into_iter().filter(|&s| ignored & (1 << (s - 1)) == 0) {
        let s = setup();
        let mut child = sign_command(&s, &example(), &[])
            .env("ZONESIGN_FAULT", "named-temp,pause-before-verify")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // The zone is written, and verification waits three seconds.
        wait_for_named_temp(&s);
        std::thread::sleep(std::time::Duration::from_millis(300));
        send_signal(signal, &child);
        let status = child.wait().unwrap();
        assert_eq!(status.signal(), Some(signal), "{status:?}");
        assert_untouched(&s);
    }
}

/// A signal ignored when the run starts stays ignored (`nohup` ignores
/// SIGHUP; a shell's background jobs ignore SIGINT): catching it to remove
/// the temporary file would end runs that were to live through it.
#[test]
fn regression_an_ignored_signal_stays_ignored() {
    let s = setup();
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg("trap '' HUP INT; exec \"$@\"").arg("sh");
    cmd.arg(common::zonesign_bin()).args(["sign", "-o", "example.", "-q", "--key-dir"]);
    cmd.arg(&s.keys).arg("--output").arg(&s.output).arg(example());
    let child = cmd
        .env("ZONESIGN_FAULT", "named-temp,pause-before-verify")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_named_temp(&s);
    for signal in [libc_signal::SIGHUP, libc_signal::SIGINT] {
        send_signal(signal, &child);
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}: {}", out.status, String::from_utf8_lossy(&out.stderr));
    assert_ne!(std::fs::read(&s.output).unwrap(), s.previous);
}

/// Waits (up to a minute) for the run's named temporary file beside the
/// output (`ZONESIGN_FAULT=named-temp`).
fn wait_for_named_temp(s: &Setup) {
    let temp = || listing(&s.outdir).into_iter().any(|n| n.ends_with(".zonesign-tmp"));
    let start = std::time::Instant::now();
    while !temp() && start.elapsed() < std::time::Duration::from_secs(60) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(temp(), "no named temporary file appeared");
}

/// `kill -SIGNAL` of `child`.
fn send_signal(signal: i32, child: &std::process::Child) {
    let sent = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(sent.success());
}

/// Signal numbers (Linux), for `kill`.
mod libc_signal {
    pub const SIGHUP: i32 = 1;
    pub const SIGINT: i32 = 2;
    pub const SIGTERM: i32 = 15;
}

/// RFC 7344 §4.1, "MUST NOT break the current delegation": an input
/// CDNSKEY kept without `--cds` that names only a KSK the run publishes
/// (`--publish`), none that signs the DNSKEY RRset. It passed the check
/// before signing; the whole zone was signed and the verifier refused it,
/// exit 1 (the twenty-first audit, 2026-12-06). Refused before signing now,
/// exit 3.
#[test]
fn rfc7344_section_4_1_kept_cdnskey_naming_only_a_published_ksk_exits_3_before_signing() {
    let s = setup();
    let dir = tempfile::tempdir().unwrap();
    let next = keygen(dir.path(), "--ksk", "13");
    let key_text = std::fs::read_to_string(next.with_extension("key")).unwrap();
    let dnskey = key_text.lines().find(|l| l.contains("DNSKEY")).unwrap();
    let rdata = dnskey.split("DNSKEY").nth(1).unwrap().trim();
    let (zone, _) = example_with(
        dir.path(),
        "next-cdnskey.zone",
        &format!("example. 3600 IN CDNSKEY {rdata}\n"),
    );
    let publish = next.with_extension("key");
    let out = sign_file(&s, &zone, &["--publish", publish.to_str().unwrap()]);
    assert_refused(
        &s,
        &out,
        3,
        &[
            "nothing was signed",
            "no CDNSKEY record names a key that signs the DNSKEY RRset",
            "--cds",
        ],
    );
    let out = sign_file(&s, &zone, &["--publish", publish.to_str().unwrap(), "--cds", "-q"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// An output path ending in `/` names a directory: `Path` drops the slash,
/// and `--ds NAME/` and `--output NAME/` were found only at the rename,
/// after signing; `--ds` after the zone had been replaced (the twenty-first
/// audit, 2026-12-06). Refused before anything is signed.
#[test]
fn regression_outputs_named_with_a_trailing_slash_are_refused_before_signing() {
    let s = setup();
    let ds = format!("{}/ds-out/", s.outdir.display());
    let out = sign(&s, &["--ds", &ds]);
    assert_refused(&s, &out, 5, &["ds-out/", "a directory's name"]);
    let output = format!("{}/again/", s.outdir.display());
    let out = sign_into(&s, &example(), Path::new(&output)).output().unwrap();
    assert_refused(&s, &out, 5, &["again/", "a directory's name"]);
}

/// An output naming a file the zone `$INCLUDE`s replaced the operator's
/// source: `--report` before the load (the load then failed on the JSON),
/// `--ds` and `--output` at the end with exit 0 (the twenty-first audit,
/// 2026-12-06). Each is refused, the included file untouched.
#[test]
fn regression_outputs_naming_an_included_file_are_refused() {
    let s = setup();
    let dir = tempfile::tempdir().unwrap();
    let inc = dir.path().join("hosts.inc");
    let hosts = "mail.example. 3600 IN A 192.0.2.25\n";
    std::fs::write(&inc, hosts).unwrap();
    let (zone, _) =
        example_with(dir.path(), "with-include.zone", &format!("$INCLUDE {}\n", inc.display()));
    let inc_arg = inc.to_str().unwrap();
    let out = sign_file(&s, &zone, &["--ds", inc_arg]);
    assert_refused(&s, &out, 2, &["--ds", "which the zone includes"]);
    let out = sign_file(&s, &zone, &["--report", inc_arg]);
    assert_refused(&s, &out, 2, &["--report", "not a zonesign report"]);
    let out = sign_into(&s, &zone, &inc).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("which the zone includes"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&inc).unwrap(), hosts);
    let out = zonesign()
        .args(["verify", "-o", "example.", "--report", inc_arg])
        .arg(&zone)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(&inc).unwrap(), hosts);

    // An empty included file passes for a new report: the "running" report
    // was written into it before the load, which then failed on the JSON
    // (the twenty-second audit, 2026-12-06). It stays empty now.
    let empty = dir.path().join("empty.inc");
    std::fs::write(&empty, "").unwrap();
    let (zone, _) =
        example_with(dir.path(), "with-empty.zone", &format!("$INCLUDE {}\n", empty.display()));
    let out = sign_file(&s, &zone, &["--report", empty.to_str().unwrap()]);
    assert_refused(&s, &out, 2, &["--report", "which the zone includes"]);
    assert_eq!(std::fs::read(&empty).unwrap(), b"");
    let out = zonesign()
        .args(["verify", "-o", "example.", "--report"])
        .arg(&empty)
        .arg(&zone)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("which the zone includes"), "{stderr}");
    assert_eq!(std::fs::read(&empty).unwrap(), b"");

    // Nor when the zone does not build, so that its includes are unknown;
    // and through a hard link the empty file is one file still (the
    // twenty-fourth audit, 2026-12-06: it was replaced, then written).
    let link = dir.path().join("report.json");
    std::fs::hard_link(&empty, &link).unwrap();
    let broken = dir.path().join("broken.zone");
    std::fs::write(
        &broken,
        format!("$INCLUDE {}\nwww.example. 3600 IN A 192.0.2.1\n", empty.display()),
    )
    .unwrap();
    for (zone, code) in [(&zone, 2), (&broken, 4)] {
        let out = zonesign()
            .args(["verify", "-o", "example.", "--report"])
            .arg(&link)
            .arg(zone)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(std::fs::read(&empty).unwrap(), b"");
        assert_eq!(std::fs::metadata(&empty).unwrap().nlink(), 2);
    }

    // Nor when the run fails before the zone loads: a bad --inception, an
    // output in no directory (the checks before the run), a bad --at, a
    // trust anchor that is not there (the twenty-fifth audit, 2026-12-06:
    // each wrote its report into the included file).
    let empty_arg = empty.to_str().unwrap();
    let nowhere = dir.path().join("no-such-dir/out.zone");
    let runs: [(Vec<&str>, i32); 4] = [
        (vec!["sign", "--inception", "yesterday-ish"], 2),
        (vec!["sign", "--output", nowhere.to_str().unwrap()], 5),
        (vec!["verify", "--at", "not-a-time"], 2),
        (vec!["verify", "--trust-anchor", "no-such-anchor.ds"], 5),
    ];
    for (args, code) in runs {
        let mut cmd = zonesign();
        cmd.arg(args[0]).args(["-o", "example.", "--report", empty_arg]).args(&args[1..]);
        if args[0] == "sign" {
            cmd.arg("--key-dir").arg(&s.keys);
            if !args.contains(&"--output") {
                cmd.arg("--output").arg(&s.output);
            }
        }
        let out = cmd.arg(&zone).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(stderr.contains("the report was not written"), "{args:?}: {stderr}");
        assert_eq!(std::fs::read(&empty).unwrap(), b"", "{args:?}");
        assert_untouched(&s);
    }

    // Once the zone loaded and the report is known not to be included, it
    // is written, also when another output names an included file (the
    // twenty-sixth audit, 2026-12-06: left empty, "includes unknown").
    let report = dir.path().join("fresh-report.json");
    std::fs::write(&report, "").unwrap();
    let out = sign_file(&s, &zone, &["--report", report.to_str().unwrap(), "--ds", empty_arg]);
    assert_refused(&s, &out, 2, &["--ds", "which the zone includes"]);
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert!(r["outcome"].as_str().unwrap().contains("which the zone includes"), "{r}");
    assert_eq!(std::fs::read(&empty).unwrap(), b"");
}

/// An output naming a file the `--hsm-config` names (a key's DNSKEY file,
/// a PIN file, the PKCS#11 module) replaced it with exit 0, and the next
/// run failed: "invalid ELF header" for the module (the twenty-fifth audit,
/// 2026-12-06). Refused before the HSMs are opened, each file untouched.
#[test]
fn regression_outputs_naming_files_of_the_hsm_config_are_refused() {
    let s = setup();
    let dir = tempfile::tempdir().unwrap();
    let (module, pin, dnskey) =
        (dir.path().join("module.so"), dir.path().join("pin.txt"), dir.path().join("k.key"));
    for (path, text) in [(&module, "a module\n"), (&pin, "1234\n"), (&dnskey, "a key\n")] {
        std::fs::write(path, text).unwrap();
    }
    let config = dir.path().join("pool.toml");
    std::fs::write(
        &config,
        format!(
            "[[hsm]]\nname = \"fra-1\"\nmodule = \"{}\"\ntoken = \"t\"\npin = \"file:pin.txt\"\n\n\
             [[key]]\nrole = \"zsk\"\nid = \"01\"\ndnskey = \"k.key\"\n",
            module.display()
        ),
    )
    .unwrap();
    let config = config.to_str().unwrap();
    for (option, path, what) in [
        ("--ds", &pin, "the PIN file of hsm fra-1"),
        ("--ds", &dnskey, "the DNSKEY file of --hsm-config key 1"),
        ("--report", &dnskey, "the DNSKEY file of --hsm-config key 1"),
    ] {
        let out = sign(&s, &["--hsm-config", config, option, path.to_str().unwrap()]);
        assert_refused(&s, &out, 2, &[option, what]);
    }
    let out = sign_into(&s, &example(), &module).args(["--hsm-config", config]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("the PKCS#11 module of hsm fra-1"), "{stderr}");
    // A module named without a path is the one the loader finds in its
    // search path (the twenty-sixth audit, 2026-12-06).
    let bare = std::fs::read_to_string(dir.path().join("pool.toml"))
        .unwrap()
        .replace(&module.display().to_string(), "module.so");
    let bare_config = dir.path().join("bare.toml");
    std::fs::write(&bare_config, bare).unwrap();
    let out = sign_into(&s, &example(), &module)
        .args(["--hsm-config", bare_config.to_str().unwrap()])
        .env("LD_LIBRARY_PATH", dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("the PKCS#11 module of hsm fra-1"), "{stderr}");
    for (path, text) in [(&module, "a module\n"), (&pin, "1234\n"), (&dnskey, "a key\n")] {
        assert_eq!(std::fs::read_to_string(path).unwrap(), text);
    }
}

/// RFC 7344 §4.1 with RFC 4509 §3: of a kept CDS set, a parent installs
/// DS records of which validators use only the highest digest type. A
/// SHA-1 CDS of the signing KSK beside a SHA-256 CDS of a stand-by KSK
/// passed the continuity check, though the delegation it asks for is bogus
/// (`dnssec-cds` refuses to follow it: the twenty-fifth audit, 2026-12-06).
/// Refused with exit 3 before signing; the same with SHA-256 twice signs.
#[test]
fn rfc4509_section_3_kept_cds_of_an_ignored_digest_type_keeps_no_delegation() {
    common::require_tool("dnssec-dsfromkey", "bind9-utils");
    let s = setup();
    let dir = tempfile::tempdir().unwrap();
    let ksk = common::ksk_file_in(&s.keys);
    let standby_dir = dir.path().join("standby");
    std::fs::create_dir(&standby_dir).unwrap();
    let standby = keygen(&standby_dir, "--ksk", "13").with_extension("key");
    let cds = |digest: &str, key: &Path| -> String {
        let ds = common::stdout_of(Command::new("dnssec-dsfromkey").args(["-a", digest]).arg(key));
        let rdata = ds.split(" DS ").nth(1).expect("a DS record").trim().to_string();
        format!("example. 3600 IN CDS {rdata}\n")
    };
    let sign_kept = |name: &str, cds: String| {
        let (zone, _) = example_with(dir.path(), name, &cds);
        sign_file(&s, &zone, &["-q", "--publish", standby.to_str().unwrap()])
    };
    let out = sign_kept("sha1.zone", cds("SHA-1", &ksk) + &cds("SHA-256", &standby));
    assert_refused(&s, &out, 3, &["no CDS record names a key", "digest type 2 count"]);
    let out = sign_kept("sha256.zone", cds("SHA-256", &ksk) + &cds("SHA-256", &standby));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = zonesign().args(["verify", "-q", "-o", "example."]).arg(&s.output).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// RFC 7344 §4.1 in a KSK rollover: the parent's DS names the old KSK, the
/// CDNSKEY kept from the input names the new one, both sign the DNSKEY
/// RRset. Continuity holds (the new KSK signs), and the signer rule is met
/// by the old; `sign --trust-anchor` refused it, exit 3, and `verify
/// --trust-anchor` failed it, though the three validators accept it (the
/// twenty-second audit, 2026-12-06).
#[test]
fn rfc7344_section_4_1_kept_cdnskey_of_the_next_ksk_under_the_old_ksks_ds() {
    let s = setup();
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("dsset-example.");
    let first = dir.path().join("first.zone");
    let out = sign_into(&s, &example(), &first).args(["-q", "--ds"]).arg(&ds).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let next = keygen(&s.keys, "--ksk", "13");
    let key_text = std::fs::read_to_string(next.with_extension("key")).unwrap();
    let dnskey = key_text.lines().find(|l| l.contains("DNSKEY")).unwrap();
    let rdata = dnskey.split("DNSKEY").nth(1).unwrap().trim();
    let (zone, _) =
        example_with(dir.path(), "rollover.zone", &format!("example. 3600 IN CDNSKEY {rdata}\n"));
    let out = sign_file(&s, &zone, &["-q", "--trust-anchor", ds.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = zonesign()
        .args(["verify", "-q", "-o", "example.", "--trust-anchor"])
        .arg(&ds)
        .arg(&s.output)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// A `--trust-anchor` file that does not parse is the argument's problem,
/// exit 2, named as the trust anchor file with each error's place; it was
/// "the zone file has 1 syntax error", exit 4, the zone being fine (the
/// twenty-first audit, 2026-12-06).
#[test]
fn regression_a_malformed_trust_anchor_file_is_named_as_such() {
    let s = setup();
    let dir = tempfile::tempdir().unwrap();
    let anchor = dir.path().join("anchors.conf");
    std::fs::write(&anchor, "trust-anchors {\n  example. static-ds 1 13 2 \"AB\";\n};\n").unwrap();
    let out = sign(&s, &["--trust-anchor", anchor.to_str().unwrap()]);
    assert_refused(&s, &out, 2, &["the trust anchor file has", "anchors.conf:1:"]);
    let out = zonesign()
        .args(["verify", "-o", "example.", "--trust-anchor"])
        .arg(&anchor)
        .arg(example())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("the trust anchor file has"), "{stderr}");
}
