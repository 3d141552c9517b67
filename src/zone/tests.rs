//! Zone model tests: building, duplicates, TTLs, classification.

use super::*;
use crate::load::{load_bytes, LoadOptions};
use std::path::Path;

fn build(src: &str, origin: &str) -> Result<Zone, ZoneErrors> {
    let origin = Name::parse(origin.as_bytes(), &Name::root()).unwrap();
    let loaded = load_bytes(src.as_bytes(), Path::new("t.zone"), &LoadOptions::new(origin.clone()))
        .unwrap_or_else(|e| panic!("{e}"));
    Zone::build(loaded, &origin)
}

const SOA: &str = "$TTL 3600\n@ SOA ns.example. h.example. 1 2 3 4 300\n@ NS ns.example.\n";

fn flags(z: &Zone, name: &str) -> NodeFlags {
    let n = Name::parse(name.as_bytes(), &Name::root()).unwrap();
    z.nodes.iter().find(|x| x.name == n).unwrap_or_else(|| panic!("no node {name}")).flags
}

#[test]
fn classification_apex_cut_glue_occluded_ent_wildcard() {
    let z = build(
        &format!(
            "{SOA}sub NS ns.sub\nns.sub A 192.0.2.1\ndeep.below.sub TXT \"x\"\na.b.c A 192.0.2.2\n*.w A 192.0.2.3\nd DNAME x.example.\ny.d A 192.0.2.4\n"
        ),
        "example.",
    )
    .unwrap();
    assert!(flags(&z, "example.").contains(NodeFlags::APEX));
    assert!(flags(&z, "sub.example.").contains(NodeFlags::DELEGATION));
    assert!(flags(&z, "ns.sub.example.").contains(NodeFlags::BELOW_CUT));
    assert!(flags(&z, "below.sub.example.").contains(NodeFlags::ENT));
    assert!(flags(&z, "below.sub.example.").contains(NodeFlags::BELOW_CUT));
    assert!(flags(&z, "b.c.example.").contains(NodeFlags::ENT));
    assert!(flags(&z, "c.example.").contains(NodeFlags::ENT));
    assert!(flags(&z, "*.w.example.").contains(NodeFlags::WILDCARD));
    assert!(flags(&z, "w.example.").contains(NodeFlags::ENT));
    assert!(flags(&z, "y.d.example.").contains(NodeFlags::BELOW_DNAME));
    assert!(flags(&z, "d.example.").is_authoritative());
}

#[test]
fn rfc4034_section_6_3_duplicates_dropped_and_rdata_ordered() {
    let z = build(
        &format!("{SOA}a A 192.0.2.2\na A 192.0.2.1\na A 192.0.2.2\nA.example. A 192.0.2.1\n"),
        "example.",
    )
    .unwrap();
    assert_eq!(z.stats.duplicates_dropped, 2);
    let a = Name::parse(b"a.example.", &Name::root()).unwrap();
    let node = z.nodes.iter().find(|n| n.name == a).unwrap();
    let set = node.rrset(Rtype::A).unwrap();
    assert_eq!(set.rdatas.len(), 2);
    assert!(set.rdatas.get(0) < set.rdatas.get(1));
}

#[test]
fn rfc2181_section_5_2_ttl_mismatch_uses_lowest_with_warning() {
    let z = build(&format!("{SOA}a 300 A 192.0.2.1\na 100 A 192.0.2.2\n"), "example.").unwrap();
    assert_eq!(z.stats.ttl_adjusted, 1);
    assert!(z
        .warnings
        .iter()
        .any(|w| w.message.contains("t.zone:4 (TTL 300)")
            && w.message.contains("t.zone:5 (TTL 100)")));
    let a = Name::parse(b"a.example.", &Name::root()).unwrap();
    assert_eq!(z.nodes.iter().find(|n| n.name == a).unwrap().rrsets[0].ttl, 100);
}

#[test]
fn structural_errors() {
    let e = build("$TTL 1\n@ NS ns.example.\n", "example.").unwrap_err();
    assert_eq!(e.0, vec![ZoneError::NoSoa]);
    let e = build(&format!("{SOA}@ SOA a. b. 2 2 3 4 5\n"), "example.").unwrap_err();
    assert!(matches!(e.0[0], ZoneError::MultipleSoa { .. }));
    let e = build(&format!("{SOA}x.other. A 192.0.2.1\n"), "example.").unwrap_err();
    assert!(e.to_string().contains("t.zone:4: x.other. is outside the zone example."));
    let e = build(&format!("{SOA}c CNAME x.\nc A 192.0.2.1\n"), "example.").unwrap_err();
    assert!(matches!(e.0[0], ZoneError::CnameAndOtherData { .. }));
}

/// The one-pass ENT insertion of `Zone::build` (which relies on canonical
/// order) against the plain definition (RFC 4592 §2.2.2: every ancestor of
/// an owner, at or below the origin, that owns nothing), on random trees.
mod empty_non_terminals {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn label() -> impl Strategy<Value = String> {
        prop::sample::select(vec!["a", "b", "B", "c", "*", "a-b", "zz", "x0"])
            .prop_map(String::from)
    }

    proptest! {
        #[test]
        fn one_pass_matches_the_definition(
            owners in prop::collection::vec(prop::collection::vec(label(), 1..5), 0..40)
        ) {
            let mut src = String::from("@ 3600 IN SOA ns h 1 2 3 4 5\n");
            for labels in &owners {
                src.push_str(&format!("{}.example. 3600 IN TXT x\n", labels.join(".")));
            }
            let z = build(&src, "example.").unwrap();
            let owned: BTreeSet<String> = std::iter::once("example.".to_string())
                .chain(owners.iter().map(|l| format!("{}.example.", l.join(".")).to_ascii_lowercase()))
                .collect();
            let mut expected: BTreeSet<String> = BTreeSet::new();
            for o in &owned {
                let labels: Vec<&str> = o.trim_end_matches('.').split('.').collect();
                for k in 1..labels.len().saturating_sub(1) {
                    let ancestor = format!("{}.", labels[k..].join("."));
                    if !owned.contains(&ancestor) {
                        expected.insert(ancestor);
                    }
                }
            }
            let ents: BTreeSet<String> = z
                .nodes
                .iter()
                .filter(|n| n.flags.contains(NodeFlags::ENT))
                .map(|n| n.name.to_string())
                .collect();
            prop_assert_eq!(ents, expected);
            // Still in canonical order, every name once.
            for w in z.nodes.windows(2) {
                prop_assert_eq!(w[0].name.canonical_cmp(&w[1].name), std::cmp::Ordering::Less);
            }
        }
    }
}
