//! The zones that `zonesign-genzone` writes are valid for the independent parsers, with
//! the record counts it reports, and the same seed gives the same bytes.

mod common;

use common::{command, require_tool, run, stdout_of};

#[test]
fn generated_zone_passes_bind_knot_and_ldns() {
    require_tool("named-compilezone", "bind9-utils");
    require_tool("kzonecheck", "knot-dnssecutils");
    require_tool("ldns-read-zone", "ldnsutils");
    let dir = common::tempdir();
    let zone = common::generate_zone(dir.path(), "tld.", 5000, 11);

    // -i local: check in-zone NS targets and glue without touching the network;
    // -k fail: any bad host name fails.
    let bind = stdout_of(
        command("named-compilezone", ["-i", "local", "-k", "fail", "-f", "text", "-F", "text"])
            .args(["-s", "full", "-o", "-", "tld."])
            .arg(&zone),
    );
    let ldns = stdout_of(&mut command("ldns-read-zone", [&zone]));
    run(command("kzonecheck", ["-o", "tld."]).arg(&zone));
    eprintln!("oracles ran: named-compilezone, ldns-read-zone, kzonecheck");

    let text = std::fs::read_to_string(&zone).expect("generated zone is readable");
    let records = text.lines().filter(|l| !l.is_empty() && !l.starts_with([';', '$'])).count();
    assert_eq!(bind.lines().count(), records, "named-compilezone record count");
    assert_eq!(ldns.lines().count(), records, "ldns-read-zone record count");
    let children = text
        .lines()
        .filter(|l| l.split('\t').nth(1) == Some("NS") && !l.starts_with('@'))
        .map(|l| l.split('\t').next().unwrap_or(""))
        .collect::<std::collections::HashSet<_>>();
    assert_eq!(children.len(), 5000, "distinct delegations");
}

#[test]
fn same_seed_same_bytes() {
    let dir = common::tempdir();
    let a = std::fs::read(common::generate_zone(dir.path(), "tld.", 3000, 5)).expect("read a");
    let sub = dir.path().join("again");
    std::fs::create_dir(&sub).expect("mkdir");
    let b = std::fs::read(common::generate_zone(&sub, "tld.", 3000, 5)).expect("read b");
    assert!(a == b, "two runs with seed 5 differ");
}
