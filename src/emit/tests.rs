//! Round trips: load(write(load(z))) == load(z), on random names (with
//! every octet that needs escaping), TTLs and RDATA of several types.

use proptest::prelude::*;

use super::*;
use crate::load::{load_bytes, LoadOptions};
use crate::zone::rtype::Class;
use std::path::Path;

fn origin() -> Name {
    Name::parse(b"example.", &Name::root()).unwrap()
}

/// A label: mostly letters and digits, sometimes any octet at all.
fn label() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => proptest::collection::vec(prop::sample::select(b"abcdefghijklmnopqrstuvwxyz0123456789-_".to_vec()), 1..12),
        1 => proptest::collection::vec(any::<u8>(), 1..8),
        1 => Just(b"*".to_vec()),
    ]
}

fn owner() -> impl Strategy<Value = Name> {
    proptest::collection::vec(label(), 0..4).prop_map(|labels| {
        let mut n = origin();
        for l in labels.iter().rev() {
            n = n.prepend_label(l).unwrap_or(n);
        }
        n
    })
}

fn name_wire() -> impl Strategy<Value = Vec<u8>> {
    owner().prop_map(|n| n.as_wire().to_vec())
}

fn character_string() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..40).prop_map(|s| {
        let mut v = vec![s.len() as u8];
        v.extend(s);
        v
    })
}

/// (type, RDATA) pairs with valid wire form.
fn rdata() -> impl Strategy<Value = (Rtype, Vec<u8>)> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(|a| (Rtype::A, a.to_vec())),
        any::<[u8; 16]>().prop_map(|a| (Rtype::AAAA, a.to_vec())),
        name_wire().prop_map(|n| (Rtype::NS, n)),
        (any::<u16>(), name_wire()).prop_map(|(p, n)| {
            let mut v = p.to_be_bytes().to_vec();
            v.extend(n);
            (Rtype::MX, v)
        }),
        proptest::collection::vec(character_string(), 1..4).prop_map(|s| (Rtype::TXT, s.concat())),
        (character_string(), character_string()).prop_map(|(a, b)| (Rtype::HINFO, [a, b].concat())),
        (any::<u16>(), any::<u8>(), proptest::collection::vec(any::<u8>(), 32..=32)).prop_map(
            |(t, a, d)| {
                let mut v = t.to_be_bytes().to_vec();
                v.extend([a, 2]);
                v.extend(d);
                (Rtype::DS, v)
            }
        ),
        proptest::collection::vec(any::<u8>(), 0..30).prop_map(|d| (Rtype(65280), d)),
    ]
}

/// Records the zone rules allow: no DS at the apex (RFC 4035 §2.4), no NS
/// records at a wildcard name (see `ZoneError::NsAtWildcard`).
fn records() -> impl Strategy<Value = Vec<(Name, u32, Rtype, Vec<u8>)>> {
    proptest::collection::vec((owner(), 0u32..=2_147_483_647, rdata()), 1..30).prop_map(|v| {
        v.into_iter()
            .map(|(o, ttl, (t, r))| (o, ttl, t, r))
            .filter(|(o, _, t, _)| match *t {
                Rtype::DS => *o != origin(),
                Rtype::NS => !o.is_wildcard(),
                _ => true,
            })
            .collect()
    })
}

/// Writes records as zone text through the writer, behind an SOA and an
/// NS record (RFC 1034 §4.2.1: a zone needs both at its top node).
fn to_text(recs: &[(Name, u32, Rtype, Vec<u8>)]) -> Vec<u8> {
    let mut w = TextWriter::new(Vec::new());
    w.set_owner(&origin());
    let soa = b"\x02ns\x07example\x00\x01h\x07example\x00\x00\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00\x03\x00\x00\x00\x04\x00\x00\x00\x05";
    w.write_record(3600, Class::IN, Rtype::SOA, soa).unwrap();
    w.write_record(3600, Class::IN, Rtype::NS, b"\x02ns\x07example\x00").unwrap();
    for (o, ttl, t, r) in recs {
        w.set_owner(o);
        w.write_record(*ttl, Class::IN, *t, r).unwrap();
    }
    w.into_inner().unwrap()
}

fn load_zone(text: &[u8]) -> Result<Zone, String> {
    let loaded = load_bytes(text, Path::new("p.zone"), &LoadOptions::new(origin()))
        .map_err(|e| e.to_string())?;
    Zone::build(loaded, &origin()).map_err(|e| e.to_string())
}

fn records_of(z: &Zone) -> Vec<(Name, Rtype, u32, Vec<u8>)> {
    z.nodes
        .iter()
        .flat_map(|n| {
            n.rrsets.iter().flat_map(move |s| {
                s.rdatas.iter().map(move |r| (n.name.clone(), s.rtype, s.ttl, r.to_vec()))
            })
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn load_write_load_is_identity(recs in records()) {
        let text = to_text(&recs);
        // The records may break zone rules (a CNAME is never generated, so
        // only TTL merging applies); every generated record must load.
        let first = load_zone(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{}", String::from_utf8_lossy(&text))))?;
        let written = write_zone(&first, Vec::new()).unwrap();
        let second = load_zone(&written).map_err(|e| TestCaseError::fail(format!("{e}\n{}", String::from_utf8_lossy(&written))))?;
        prop_assert_eq!(records_of(&first), records_of(&second));
        let flags1: Vec<_> = first.nodes.iter().map(|n| (n.name.clone(), n.flags)).collect();
        let flags2: Vec<_> = second.nodes.iter().map(|n| (n.name.clone(), n.flags)).collect();
        prop_assert_eq!(flags1, flags2);
        // And every generated record is in the zone, in canonical form.
        for (o, _, t, r) in &recs {
            let mut canonical = r.clone();
            crate::zone::rdata::canonicalize_rdata(*t, &mut canonical);
            let o = o.to_lowercase();
            prop_assert!(records_of(&first).iter().any(|(n, rt, _, rd)| *n == o && rt == t && *rd == canonical));
        }
    }
}

#[test]
fn written_zone_starts_with_the_soa() {
    let z = load_zone(b"$TTL 1\nwww A 192.0.2.1\n@ NS ns\n@ SOA ns h 1 2 3 4 5\n").unwrap();
    let text = String::from_utf8(write_zone(&z, Vec::new()).unwrap()).unwrap();
    assert!(text.starts_with("example.\t1\tIN\tSOA\t"), "{text}");
}

#[test]
fn text_handed_over_in_pieces_is_the_text_kept_in_memory() {
    // FLUSH_AT is 64 octets in tests: every few records go to the output.
    let z = load_zone(
        b"$TTL 1\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\nwww TXT \"a b\"\nwww AAAA 2001:db8::1\n",
    )
    .unwrap();
    let mut kept = TextWriter::in_memory(0);
    write_nodes(&z.nodes, z.class, &mut kept).unwrap();
    let kept = String::from_utf8(kept.into_bytes()).unwrap();
    let mut pieces = TextWriter::new(Vec::new());
    write_nodes(&z.nodes, z.class, &mut pieces).unwrap();
    let pieces = String::from_utf8(pieces.into_inner().unwrap()).unwrap();
    assert!(kept.len() > 2 * FLUSH_AT, "{kept}");
    assert_eq!(kept, pieces);
    assert_eq!(String::from_utf8(write_zone(&z, Vec::new()).unwrap()).unwrap(), kept);
}
