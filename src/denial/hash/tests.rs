//! Tests for every NSEC3 hash backend against RFC 5155 Appendix A and
//! against the scalar oracle. Each test prints which backends ran; a backend
//! the CPU lacks is reported as skipped, and setting
//! `ZONESIGN_REQUIRE_NSEC3_BACKENDS=shani,avx2,avx512` turns such a skip into a
//! failure (for CI machines known to have them).

use proptest::prelude::*;

use super::*;

/// Wire form of a lowercase absolute name written without the final dot.
fn wire(name: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for label in name.split('.').filter(|l| !l.is_empty()) {
        out.push(label.len() as u8);
        out.extend_from_slice(label.as_bytes());
    }
    out.push(0);
    out
}

fn base32hex_lower(digest: &[u8]) -> String {
    data_encoding::BASE32HEX_NOPAD.encode(digest).to_ascii_lowercase()
}

/// Runs `check` if the CPU has `backend`, and says so either way.
fn with_backend(backend: Backend, test: &str, check: impl FnOnce(Backend)) {
    if backend.is_available() {
        check(backend);
        println!("{test}: backend {backend} ran");
        return;
    }
    let required = std::env::var("ZONESIGN_REQUIRE_NSEC3_BACKENDS").unwrap_or_default();
    let required = required.split(',').any(|name| Backend::from_name(name) == Some(backend));
    assert!(!required, "{test}: backend {backend} required but not available on this CPU");
    println!("{test}: backend {backend} SKIPPED: not available on this CPU");
}

/// RFC 5155 Appendix A: "This is a zone showing its NSEC3 records. They can
/// also be used as test vectors for the hash algorithm." The zone uses
/// `NSEC3PARAM 1 0 12 aabbccdd`. Confirm any line with
/// `knsec3hash aabbccdd 1 12 <name>.` (Knot DNS).
const RFC5155_APPENDIX_A: &[(&str, &str)] = &[
    ("example", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom"),
    ("a.example", "35mthgpgcu1qg68fab165klnsnk3dpvl"),
    ("ai.example", "gjeqe526plbf1g8mklp59enfd789njgi"),
    ("ns1.example", "2t7b4g4vsa5smi47k61mv5bv1a22bojr"),
    ("ns2.example", "q04jkcevqvmu85r014c7dkba38o0ji5r"),
    ("w.example", "k8udemvp1j2f7eg6jebps17vp3n8i58h"),
    ("*.w.example", "r53bq7cc2uvmubfu5ocmm6pers9tk9en"),
    ("x.w.example", "b4um86eghhds6nea196smvmlo4ors995"),
    ("y.w.example", "ji6neoaepv8b5o6k4ev33abha8ht9fgc"),
    ("x.y.w.example", "2vptu5timamqttgl4luu9kg21e0aor3s"),
    ("xx.example", "t644ebqk9bibcna874givr6joj62mlhv"),
];

const RFC5155_SALT: [u8; 4] = [0xaa, 0xbb, 0xcc, 0xdd];
const RFC5155_ITERATIONS: u16 = 12;

fn check_appendix_a(backend: Backend) {
    for (name, expected) in RFC5155_APPENDIX_A {
        let hash = nsec3_hash(backend, &wire(name), &RFC5155_SALT, RFC5155_ITERATIONS);
        assert_eq!(base32hex_lower(&hash), *expected, "{backend}: single hash of {name}");
    }
    // The whole zone as one batch: eleven names of mixed lengths, so the
    // multi-message backends see full groups, partial groups and dummies.
    let wires: Vec<Vec<u8>> = RFC5155_APPENDIX_A.iter().map(|(n, _)| wire(n)).collect();
    let names: Vec<&[u8]> = wires.iter().map(Vec::as_slice).collect();
    let mut out = vec![[0u8; DIGEST_LEN]; names.len()];
    nsec3_hash_batch(backend, &names, &RFC5155_SALT, RFC5155_ITERATIONS, &mut out);
    for ((name, expected), hash) in RFC5155_APPENDIX_A.iter().zip(&out) {
        assert_eq!(base32hex_lower(hash), *expected, "{backend}: batch hash of {name}");
    }
}

#[test]
fn rfc5155_appendix_a_hashes_scalar() {
    with_backend(Backend::Scalar, "rfc5155_appendix_a_hashes_scalar", check_appendix_a);
}

#[test]
fn rfc5155_appendix_a_hashes_shani() {
    with_backend(Backend::ShaNi, "rfc5155_appendix_a_hashes_shani", check_appendix_a);
}

#[test]
fn rfc5155_appendix_a_hashes_avx2() {
    with_backend(Backend::Avx2, "rfc5155_appendix_a_hashes_avx2", check_appendix_a);
}

#[test]
fn rfc5155_appendix_a_hashes_avx512() {
    with_backend(Backend::Avx512, "rfc5155_appendix_a_hashes_avx512", check_appendix_a);
}

/// RFC 9276 §3.1 recommends 0 iterations and an empty salt; the value is
/// SHA-1 of the wire name alone. Confirm with `knsec3hash - 1 0 example.`
/// or `printf '\007example\000' | sha1sum`.
#[test]
fn rfc9276_zero_iterations_empty_salt_every_backend() {
    let expected = scalar::sha1(&wire("example"));
    for backend in Backend::ALL {
        with_backend(backend, "rfc9276_zero_iterations_empty_salt", |backend| {
            assert_eq!(nsec3_hash(backend, &wire("example"), &[], 0), expected, "{backend}");
        });
    }
}

/// Lengths that straddle block boundaries in the first message (55/56 and
/// 119/120 octets of name + salt) and in the iteration message (salt of
/// 35/36 octets: 20 + 35 + 9 = 64), plus the 255/255 maximum.
#[test]
fn block_boundaries_every_backend_matches_scalar() {
    let mut cases: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    for salt_len in [0usize, 4, 35, 36, 100, 255] {
        for total in [54usize, 55, 56, 63, 64, 65, 119, 120, 510] {
            let Some(name_len) = total.checked_sub(salt_len) else { continue };
            if (1..=MAX_INPUT_LEN).contains(&name_len) {
                let name = (0..name_len).map(|i| (i * 7 + salt_len) as u8).collect();
                cases.push((name, vec![0x5a; salt_len]));
            }
        }
    }
    for backend in Backend::ALL {
        with_backend(backend, "block_boundaries", |backend| {
            for (name, salt) in &cases {
                for iterations in [0, 1, 3] {
                    let expected = scalar_reference(name, salt, iterations);
                    let got = nsec3_hash(backend, name, salt, iterations);
                    assert_eq!(got, expected, "{backend}: name {} salt {}", name.len(), salt.len());
                }
            }
        });
    }
}

/// The batch path buckets names by first-message block count and pads the
/// last group of each bucket with dummy lanes. One batch of 74 names (not a
/// multiple of 16, nor of 8), interleaved, in buckets of 1, 9, 15, 16 and 33
/// names whose first messages take 1, 2, 3, 4 and 5 blocks (the most one
/// salt allows): every lane width (2, 8, 16) sees full groups, partial
/// groups and a lone name, and every result must land in its input slot.
/// The 36-octet salt also makes the iteration message two blocks long.
#[test]
fn batch_partial_groups_across_block_counts_every_backend_matches_scalar() {
    let salt: Vec<u8> = (0..36).map(|i| 0xa0 ^ i).collect();
    // (shortest, longest name, names): with 36 octets of salt and 9 of
    // padding, a first message of b blocks holds names of 64(b-1)-44 ..=
    // 64b-45 octets.
    let buckets: [(usize, usize, usize); 5] =
        [(1, 19, 9), (20, 83, 33), (84, 147, 1), (148, 211, 16), (212, 255, 15)];
    let mut names: Vec<Vec<u8>> = Vec::new();
    for i in 0..33 {
        for (bucket, &(shortest, longest, count)) in buckets.iter().enumerate() {
            if i < count {
                let len = shortest + (i * 7) % (longest - shortest + 1);
                assert_eq!(first_message_blocks(len, salt.len()), bucket + 1);
                names.push((0..len).map(|j| (j * 13 + i * 31 + bucket) as u8).collect());
            }
        }
    }
    assert_eq!(names.len(), 74);
    let slices: Vec<&[u8]> = names.iter().map(Vec::as_slice).collect();
    for iterations in [0, 2] {
        let expected: Vec<[u8; DIGEST_LEN]> =
            names.iter().map(|n| scalar_reference(n, &salt, iterations)).collect();
        for backend in Backend::ALL {
            with_backend(backend, "batch_partial_groups_across_block_counts", |backend| {
                let mut got = vec![[0u8; DIGEST_LEN]; names.len()];
                nsec3_hash_batch(backend, &slices, &salt, iterations, &mut got);
                for (i, (got, expected)) in got.iter().zip(&expected).enumerate() {
                    assert_eq!(got, expected, "{backend}: name {i} of {} octets", names[i].len());
                }
            });
        }
    }
}

#[test]
fn empty_batch_is_a_no_op() {
    for backend in Backend::available() {
        nsec3_hash_batch(backend, &[], b"salt", 5, &mut []);
    }
}

#[test]
#[should_panic(expected = "one output slot per name")]
fn batch_output_length_mismatch_panics() {
    nsec3_hash_batch(Backend::Scalar, &[b"\x00"], &[], 0, &mut []);
}

/// RFC 5155 §5 written directly with [`scalar::sha1`] on concatenated
/// buffers: an oracle for the oracle, sharing none of the padding code.
fn scalar_reference(name: &[u8], salt: &[u8], iterations: u16) -> [u8; DIGEST_LEN] {
    let mut digest = scalar::sha1(&[name, salt].concat());
    for _ in 0..iterations {
        digest = scalar::sha1(&[&digest[..], salt].concat());
    }
    digest
}

#[test]
fn detection_env_forcing_and_fallback() {
    let cpu = Detection::from_env(None);
    assert_eq!(cpu.source, DetectionSource::Cpu);
    assert_eq!(Some(&cpu.backend), Backend::available().first());

    let forced = Detection::from_env(Some("scalar"));
    assert_eq!(forced.backend, Backend::Scalar);
    assert_eq!(forced.source, DetectionSource::Env);

    let unknown = Detection::from_env(Some("sha3000"));
    assert_eq!(unknown.backend, cpu.backend);
    assert!(matches!(
        unknown.source,
        DetectionSource::EnvIgnored { reason: EnvIgnoredReason::UnknownBackend, .. }
    ));
    for backend in Backend::ALL.into_iter().filter(|b| !b.is_available()) {
        let ignored = Detection::from_env(Some(backend.name()));
        assert!(matches!(
            ignored.source,
            DetectionSource::EnvIgnored { reason: EnvIgnoredReason::Unavailable, .. }
        ));
    }
    println!("{}", Backend::detection());
    assert_eq!(Backend::available().last(), Some(&Backend::Scalar));
}

fn batch_strategy(max_len: usize) -> impl Strategy<Value = Vec<Vec<u8>>> {
    prop::collection::vec(prop::collection::vec(any::<u8>(), 1..=max_len), 0..40)
}

fn check_batch_against_scalar(names: &[Vec<u8>], salt: &[u8], iterations: u16) {
    let names: Vec<&[u8]> = names.iter().map(Vec::as_slice).collect();
    let mut expected = vec![[0u8; DIGEST_LEN]; names.len()];
    nsec3_hash_batch(Backend::Scalar, &names, salt, iterations, &mut expected);
    for backend in Backend::available() {
        let mut got = vec![[0u8; DIGEST_LEN]; names.len()];
        nsec3_hash_batch(backend, &names, salt, iterations, &mut got);
        assert_eq!(got, expected, "{backend} differs from scalar");
    }
}

#[test]
fn differential_backends_that_run() {
    // Says which backends the property tests below compare with scalar.
    for backend in Backend::ALL {
        with_backend(backend, "differential_*", |_| {});
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// SIMD == scalar on random batches: random sizes (not multiples of 8),
    /// mixed name lengths, random salts, iterations 0..20.
    #[test]
    fn differential_random_batches(
        names in batch_strategy(MAX_INPUT_LEN),
        salt in prop::collection::vec(any::<u8>(), 0..=MAX_INPUT_LEN),
        iterations in 0u16..20,
    ) {
        check_batch_against_scalar(&names, &salt, iterations);
    }

    /// The scalar batch path agrees with the concatenate-and-hash reference.
    #[test]
    fn scalar_matches_reference(
        name in prop::collection::vec(any::<u8>(), 1..=MAX_INPUT_LEN),
        salt in prop::collection::vec(any::<u8>(), 0..=MAX_INPUT_LEN),
        iterations in 0u16..8,
    ) {
        prop_assert_eq!(
            nsec3_hash(Backend::Scalar, &name, &salt, iterations),
            scalar_reference(&name, &salt, iterations)
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    /// High iteration counts (150: the old BIND/Knot cap; 500: RFC 9276's
    /// ceiling for validators treating the answer as insecure).
    #[test]
    fn differential_high_iterations(
        names in prop::collection::vec(prop::collection::vec(any::<u8>(), 1..=64), 1..12),
        salt in prop::collection::vec(any::<u8>(), 0..=64),
        iterations in prop::sample::select(vec![150u16, 500]),
    ) {
        check_batch_against_scalar(&names, &salt, iterations);
    }
}
