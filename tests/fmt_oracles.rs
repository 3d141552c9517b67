//! `zonesign fmt` must not change what a zone means, judged by parsers that are not ours.
//!
//! For each fixture in `test-data/constructs/`, for `test-data/root.zone` and for a
//! generated TLD-shaped zone, `zonesign fmt` writes OUT; then `named-compilezone -s full`
//! (BIND) and `ldns-read-zone` each read INPUT and OUT, and the records they print must be
//! the same set (lines lowercased, whitespace collapsed, sorted; blank and comment lines
//! dropped). Neither side goes through our parser, so a bug that our parser and our
//! writer share cannot hide.
//!
//! ldns is skipped, with the reason printed, where it cannot read the input:
//! `$INCLUDE`, a relative `$ORIGIN`, or the class before the TTL.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{command, require_tool, run, stdout_of};

/// Whether ldns-read-zone can serve as the second oracle for an input.
#[derive(Debug, Clone, Copy)]
enum Ldns {
    Run,
    Skip(&'static str),
    /// Run, leaving out the records of one owner (lowercased, absolute),
    /// for the reason given: ldns misreads the input there.
    RunWithout(&'static str, &'static str),
}

/// Every fixture in test-data/constructs/ and whether ldns can read it; the
/// `every_fixture_is_listed` test keeps this in step with the directory.
const FIXTURES: &[(&str, Ldns)] = &[
    ("01-directives.zone", Ldns::Run),
    ("02-include.zone", Ldns::Skip("ldns-read-zone has no $INCLUDE")),
    ("03-ttl-class.zone", Ldns::Run),
    ("04-syntax.zone", Ldns::Run),
    ("05-crlf.zone", Ldns::Run),
    ("06-no-final-newline.zone", Ldns::Run),
    (
        "07-bind-only.zone",
        Ldns::Skip(
            "ldns-read-zone reads a relative $ORIGIN as absolute and rejects class-before-TTL",
        ),
    ),
];

/// The records of a tool's zone text, normalised for comparison as a set.
fn normalise(text: &str) -> BTreeSet<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with(';'))
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase())
        .collect()
}

/// BIND's reading of `file`. It resolves `$INCLUDE` paths against its working directory,
/// so it runs in the file's directory (where our fixtures' include paths start).
fn bind_records(origin: &str, file: &Path) -> BTreeSet<String> {
    let dir = file.parent().expect("zone files live in a directory");
    let mut cmd = command(
        "named-compilezone",
        // -i none: no integrity checks (which would look up NS addresses and hang without a
        // resolver); -k ignore: names are judged by the other oracles.
        ["-i", "none", "-k", "ignore", "-f", "text", "-F", "text", "-s", "full", "-o", "-"],
    );
    cmd.arg(origin).arg(file).current_dir(dir);
    normalise(&stdout_of(&mut cmd))
}

/// ldns' reading of `file`.
fn ldns_records(file: &Path) -> BTreeSet<String> {
    normalise(&stdout_of(&mut command("ldns-read-zone", [file])))
}

/// Panics with the records only one side has, if the two readings differ.
fn assert_same(
    oracle: &str,
    input: &Path,
    output: &Path,
    a: &BTreeSet<String>,
    b: &BTreeSet<String>,
) {
    if a == b {
        eprintln!("{oracle}: {} records agree for {}", a.len(), input.display());
        return;
    }
    let only_in: Vec<_> = a.difference(b).take(20).collect();
    let only_out: Vec<_> = b.difference(a).take(20).collect();
    panic!(
        "{oracle} reads {} and {} differently ({} vs {} records)\n\
         only in the input (first 20): {only_in:#?}\nonly in the output (first 20): {only_out:#?}",
        input.display(),
        output.display(),
        a.len(),
        b.len()
    );
}

/// Runs `zonesign fmt` on `input` and compares both oracles' readings of input and output.
fn check_fmt(input: &Path, origin: &str, ldns: Ldns) {
    require_tool("named-compilezone", "bind9-utils");
    let dir = common::tempdir();
    let output = dir.path().join("formatted.zone");
    run(command(common::zonesign_bin(), ["fmt"])
        .arg(input)
        .args(["--origin", origin, "--output"])
        .arg(&output));
    assert!(output.is_file(), "zonesign fmt exited 0 but wrote no {}", output.display());

    eprintln!("oracle named-compilezone: {}", input.display());
    let before = bind_records(origin, input);
    assert!(!before.is_empty(), "named-compilezone read no records from {}", input.display());
    assert_same("named-compilezone", input, &output, &before, &bind_records(origin, &output));

    match ldns {
        Ldns::Run | Ldns::RunWithout(..) => {
            require_tool("ldns-read-zone", "ldnsutils");
            eprintln!("oracle ldns-read-zone: {}", input.display());
            let mut before = ldns_records(input);
            let mut after = ldns_records(&output);
            if let Ldns::RunWithout(owner, reason) = ldns {
                let other = |record: &String| !record.starts_with(&format!("{owner} "));
                before.retain(other);
                after.retain(other);
                eprintln!("oracle ldns-read-zone: {owner} left out: {reason}");
            }
            assert_same("ldns-read-zone", input, &output, &before, &after);
        }
        Ldns::Skip(reason) => {
            eprintln!("oracle ldns-read-zone skipped for {}: {reason}", input.display())
        }
    }
}

fn check_fixture(name: &str) {
    let (_, ldns) = FIXTURES
        .iter()
        .find(|(fixture, _)| *fixture == name)
        .unwrap_or_else(|| panic!("{name} is not in FIXTURES"));
    check_fmt(&common::repo_path("test-data/constructs").join(name), "example.", *ldns);
}

#[test]
fn every_fixture_is_listed() {
    let dir = common::repo_path("test-data/constructs");
    let on_disk: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| {
            entry.expect("readable directory entry").file_name().to_string_lossy().into_owned()
        })
        .filter(|name| name.ends_with(".zone"))
        .collect();
    let listed: BTreeSet<String> = FIXTURES.iter().map(|(name, _)| (*name).to_owned()).collect();
    assert_eq!(on_disk, listed, "test-data/constructs/*.zone and FIXTURES differ");
}

#[test]
fn fmt_keeps_directives() {
    check_fixture("01-directives.zone");
}

#[test]
fn fmt_expands_include() {
    check_fixture("02-include.zone");
}

#[test]
fn fmt_keeps_ttl_and_class_rules() {
    check_fixture("03-ttl-class.zone");
}

#[test]
fn fmt_keeps_parentheses_comments_strings_escapes() {
    check_fixture("04-syntax.zone");
}

#[test]
fn fmt_reads_crlf() {
    check_fixture("05-crlf.zone");
}

#[test]
fn fmt_reads_missing_final_newline() {
    check_fixture("06-no-final-newline.zone");
}

#[test]
fn fmt_keeps_relative_origin_and_class_before_ttl() {
    check_fixture("07-bind-only.zone");
}

#[test]
fn fmt_keeps_root_zone() {
    check_fmt(&common::repo_path("test-data/root.zone"), ".", Ldns::Run);
}

#[test]
fn fmt_keeps_generated_tld_zone() {
    let dir = common::tempdir();
    let zone = common::generate_zone(dir.path(), "tld.", 2000, 7);
    check_fmt(&zone, "tld.", Ldns::Run);
}

/// The comparison is not vacuous: a zone with one address changed reads differently to
/// both oracles, and the same zone written in another layout reads the same.
#[test]
fn oracles_see_a_changed_record_and_ignore_layout() {
    require_tool("named-compilezone", "bind9-utils");
    require_tool("ldns-read-zone", "ldnsutils");
    let dir = common::tempdir();
    let original = common::repo_path("test-data/constructs/01-directives.zone");
    let text = std::fs::read_to_string(&original).expect("fixture is readable");

    let changed = dir.path().join("changed.zone");
    std::fs::write(&changed, text.replace("192.0.2.10", "192.0.2.11")).expect("write");
    assert_ne!(bind_records("example.", &original), bind_records("example.", &changed));
    assert_ne!(ldns_records(&original), ldns_records(&changed));

    let relaid = dir.path().join("relaid.zone");
    let relaid_text: String = text
        .lines()
        .filter(|line| !line.starts_with(';'))
        .map(|line| format!("{}\n", line.replace("  ", "\t")))
        .collect();
    std::fs::write(&relaid, relaid_text).expect("write");
    assert_eq!(bind_records("example.", &original), bind_records("example.", &relaid));
    assert_eq!(ldns_records(&original), ldns_records(&relaid));
    eprintln!("oracles ran: named-compilezone, ldns-read-zone");
}

/// Every record type zonesign knows, in presentation and RFC 3597 forms
/// (test-data/all-types.zone), reads the same to BIND and ldns before and
/// after `zonesign fmt`. But for ldns on `svcb3`: ldns reads the escapes
/// of its `alpn` list (RFC 9460 Appendix A.1) as other octets than BIND
/// and Knot do, so zonesign writes that SVCB in RFC 3597 form, which ldns
/// reads as BIND does, and ldns's readings of input and output differ (the
/// twelfth audit, 2026-12-06).
#[test]
fn fmt_keeps_every_record_type() {
    let ldns = Ldns::RunWithout(
        "svcb3.example.",
        "ldns misreads the escapes of its alpn value; BIND judges it",
    );
    check_fmt(&common::repo_path("test-data/all-types.zone"), "example.", ldns);
}

/// The thirty-eighth audit (2026-12-07): `zonesign fmt zone | head` said
/// "cannot write -: Broken pipe" and exited 5. A reader that stops early
/// ends the run by SIGPIPE, silently, as `named-compilezone -o -` and
/// `ldns-read-zone` end.
#[test]
fn regression_a_reader_that_stops_early_ends_fmt_by_sigpipe() {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    let root = common::repo_path("test-data/root.zone");
    let mut child = std::process::Command::new(common::zonesign_bin())
        .args(["fmt", "-o", "."])
        .arg(&root)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The reading end is closed here; the rest of the zone has nowhere to go.
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.signal(), Some(13), "{:?}", out.status);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}
