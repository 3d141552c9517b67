//! The streaming signer (`sign_zone_streaming`): chunks handed over while
//! later ones are still signing must add up to exactly what `sign_zone`
//! followed by `write_zone` gives, and a failing consumer stops the run
//! with a deterministic error.

use std::path::PathBuf;
use std::sync::Mutex;

use super::keyset::{load_software_keys, RolePolicy};
use super::*;
use crate::denial::hash::Backend;
use crate::emit::{write_nodes_with, write_zone, TextWriter};
use crate::load::{load_bytes, LoadOptions};
use crate::zone::name::Name;

fn golden_keys(origin: &Name) -> Vec<ZoneKey> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test-data/keys/golden");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "private"))
        .collect();
    paths.sort();
    load_software_keys(&paths, origin, crate::zone::rtype::Class::IN, RolePolicy::ByFlags).unwrap()
}

/// Enough delegations for many chunks of `CHUNK_NODES`.
fn zone(origin: &Name) -> Zone {
    let mut text = String::from(
        "$TTL 3600\n@ SOA ns.example. h.example. 1 2 3 4 300\n@ NS ns.example.\nns A 192.0.2.1\n",
    );
    for i in 0..6000 {
        text.push_str(&format!("d{i} NS ns1.d{i}\nd{i} NS ns.other.\n"));
        if i % 7 == 0 {
            text.push_str(&format!("d{i} DS 12345 15 2 {:064x}\n", i));
        }
        if i % 11 == 0 {
            text.push_str(&format!("ns1.d{i} A 192.0.2.{}\n", i % 250));
        }
    }
    let loaded = load_bytes(
        text.as_bytes(),
        std::path::Path::new("t.zone"),
        &LoadOptions::new(origin.clone()),
    )
    .unwrap();
    Zone::build(loaded, origin).unwrap()
}

fn options() -> SignOptions {
    SignOptions {
        cds_withheld: Vec::new(),
        cds_published: Vec::new(),
        inception: 1_790_000_000,
        expiration: 1_800_000_000,
        jitter: 86_400,
        denial: DenialMode::Nsec,
        dnskey_ttl: None,
        key_file_ttl: None,
        cds: false,
        cds_digests: Vec::new(),
        publish: Vec::new(),
        zonemd: None,
        hash_backend: Backend::detect(),
        progress: None,
    }
}

#[test]
fn streamed_chunks_in_index_order_are_the_whole_signed_zone() {
    let origin = Name::parse(b"example.", &Name::root()).unwrap();
    let keys = golden_keys(&origin);
    let opts = options();
    let mut base = zone(&origin);
    prepare(&mut base, &keys, &opts).unwrap();

    // Ed25519 is deterministic: the whole-zone path is the reference.
    let mut whole = base.clone();
    sign_zone(&mut whole, &keys, &opts).unwrap();
    let expected = write_zone(&whole, Vec::new()).unwrap();

    for threads in [1, 3, 8] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let mut streamed = base.clone();
        let got: Mutex<Vec<(usize, Vec<u8>)>> = Mutex::new(Vec::new());
        pool.install(|| {
            sign_zone_streaming(&mut streamed, &keys, &opts, |chunk| {
                // Uneven consumers shuffle the completion order.
                let index = chunk.index;
                std::thread::sleep(std::time::Duration::from_micros((index as u64 * 7919) % 3000));
                let mut w = TextWriter::in_memory(0);
                write_nodes_with(chunk.nodes, chunk.rrsigs, crate::zone::rtype::Class::IN, &mut w)?;
                got.lock().unwrap().push((index, w.into_bytes()));
                Ok(())
            })
        })
        .unwrap();
        assert!(
            streamed.nodes.iter().all(|n| n.rrset(crate::zone::rtype::Rtype::RRSIG).is_none()),
            "the streamed RRSIGs are dropped once handed over, not kept in the zone"
        );
        let mut got = got.into_inner().unwrap();
        got.sort_by_key(|(i, _)| *i);
        let indices: Vec<usize> = got.iter().map(|(i, _)| *i).collect();
        assert_eq!(indices, (0..indices.len()).collect::<Vec<_>>(), "each chunk once");
        assert!(indices.len() > 8, "the test zone must span many chunks");
        let text: Vec<u8> = got.into_iter().flat_map(|(_, t)| t).collect();
        assert!(text == expected, "{threads} threads: streamed text differs from write_zone");
    }
}

#[test]
fn failing_consumer_stops_signing_with_the_first_failure_in_chunk_order() {
    let origin = Name::parse(b"example.", &Name::root()).unwrap();
    let keys = golden_keys(&origin);
    let opts = options();
    let mut z = zone(&origin);
    prepare(&mut z, &keys, &opts).unwrap();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(4).build().unwrap();
    let calls = Mutex::new(0usize);
    let result = pool.install(|| {
        sign_zone_streaming(&mut z, &keys, &opts, |chunk| {
            let index = chunk.index;
            *calls.lock().unwrap() += 1;
            if index >= 3 {
                // Later chunks fail faster: the reported one must still be 3.
                std::thread::sleep(std::time::Duration::from_millis(20 / (index as u64 - 2)));
                return Err(std::io::Error::other(format!("chunk {index}")));
            }
            Ok(())
        })
    });
    match result {
        Err(SignError::Output { source }) => assert_eq!(source.to_string(), "chunk 3"),
        other => panic!("expected the consumer's error, got {other:?}"),
    }
    // Claiming stopped: far fewer chunks than the zone has were handed over.
    assert!(*calls.lock().unwrap() < 3 + 4 * 4 + 4);
}

/// DNSSEC types at a name other than the apex are the zone's data: the
/// signer regenerates only the apex's DNSKEY and NSEC3PARAM (and RRSIG,
/// NSEC, NSEC3 anywhere), so NSEC3PARAM and CDS elsewhere are kept and
/// signed by the ZSK, like the rest (they were dropped without a word, and
/// a CDS elsewhere signed by the KSK, until 2026-12-06). A DNSKEY RRset
/// elsewhere is refused, as BIND refuses it; one at or below a delegation
/// is hidden data, kept unsigned, as BIND keeps it (it was refused: the
/// sixty-sixth audit, 2026-12-07).
#[test]
fn dnssec_types_below_the_apex_are_data() {
    let origin = Name::parse(b"example.", &Name::root()).unwrap();
    let keys = golden_keys(&origin);
    let ksk = keys.iter().find(|k| k.role == KeyRole::Ksk).unwrap().key_tag;
    let text = "$TTL 3600\n@ SOA ns.example. h.example. 1 2 3 4 300\n@ NS ns.example.\n\
                ns A 192.0.2.1\nbar NSEC3PARAM 1 0 0 -\n\
                baz CDS 1 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF\n";
    let load = |text: &str| {
        let opts = LoadOptions::new(origin.clone());
        let loaded = load_bytes(text.as_bytes(), std::path::Path::new("t.zone"), &opts).unwrap();
        Zone::build(loaded, &origin).unwrap()
    };
    let mut z = load(text);
    let mut opts = options();
    opts.cds = true;
    prepare(&mut z, &keys, &opts).unwrap();
    sign_zone(&mut z, &keys, &opts).unwrap();
    for (owner, rtype) in [(&b"bar.example."[..], Rtype::NSEC3PARAM), (b"baz.example.", Rtype::CDS)]
    {
        let name = Name::parse(owner, &Name::root()).unwrap();
        let node = z.nodes.iter().find(|n| n.name == name).unwrap();
        assert!(node.rrset(rtype).is_some(), "{name} {rtype} dropped");
        let sigs = node.rrsigs(rtype).unwrap();
        let tags: Vec<u16> =
            sigs.rdatas.iter().map(|r| u16::from_be_bytes([r[16], r[17]])).collect();
        assert!(!tags.is_empty() && !tags.contains(&ksk), "{name} {rtype} signed by {tags:?}");
    }
    let mut z = load(&format!("{text}foo DNSKEY 256 3 13 {}\n", "A".repeat(88)));
    match prepare(&mut z, &keys, &opts) {
        Err(SignError::DnskeyBelowApex { owner, .. }) => assert_eq!(owner, "foo.example."),
        other => panic!("expected DnskeyBelowApex, got {other:?}"),
    }
    let dnskey = format!("DNSKEY 256 3 13 {}", "A".repeat(88));
    let hidden = format!("{text}sub NS ns.other.\nsub {dnskey}\nx.sub {dnskey}\n");
    let mut z = load(&hidden);
    prepare(&mut z, &keys, &opts).unwrap();
    sign_zone(&mut z, &keys, &opts).unwrap();
    for owner in [&b"sub.example."[..], b"x.sub.example."] {
        let name = Name::parse(owner, &Name::root()).unwrap();
        let node = z.nodes.iter().find(|n| n.name == name).unwrap();
        assert!(node.rrset(Rtype::DNSKEY).is_some(), "{name} DNSKEY dropped");
        assert!(node.rrsigs(Rtype::DNSKEY).is_none(), "{name} DNSKEY signed");
    }
}
