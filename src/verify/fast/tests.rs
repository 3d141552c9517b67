//! Differential tests: the fast path against aws-lc-rs.
//!
//! Every case is checked two ways: a fast accept implies an aws-lc-rs
//! accept (soundness), and the final verdict (fast, else aws-lc-rs) equals
//! aws-lc-rs. Outside the constructed exceptional cases the fast path must
//! also accept everything aws-lc-rs accepts, or the speed-up is lost.
//! `differential_full` (ignored; run it with `cargo test --release --lib
//! verify::fast -- --ignored`) covers more than 100,000 cases.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    EcdsaKeyPair, Ed25519KeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING,
    ECDSA_P384_SHA384_FIXED_SIGNING,
};
use p256::elliptic_curve::bigint::Encoding;
use p256::elliptic_curve::ff::PrimeField;
use p256::elliptic_curve::ops::Reduce;
use p256::elliptic_curve::sec1::{FromEncodedPoint, ToEncodedPoint};
use p256::elliptic_curve::Group;

fn fb(b: &[u8]) -> p256::FieldBytes {
    let mut out = p256::FieldBytes::default();
    out.copy_from_slice(b);
    out
}

use super::*;
use crate::verify::crypto::PreparedKey;

/// SplitMix64: reproducible test data without a dependency (also the
/// IFMA kernel's tests').
pub(super) struct Rng(pub(super) u64);
impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A test case: signed data, signature, and whether the fast path is
/// allowed to refuse a signature aws-lc-rs accepts (constructed
/// exceptional cases).
struct Case {
    data: Vec<u8>,
    signature: Vec<u8>,
    may_refuse: bool,
    what: &'static str,
}

fn case(data: Vec<u8>, signature: Vec<u8>, what: &'static str) -> Case {
    Case { data, signature, may_refuse: false, what }
}

/// Runs the cases under one key through both verifiers; returns the count.
fn compare(algorithm: u8, key: &[u8], cases: &[Case]) -> usize {
    let reference = PreparedKey::new(algorithm, key).expect("aws-lc-rs takes the key");
    let fast = FastKey::new(algorithm, key).expect("the fast path takes the key");
    let items: Vec<(&[u8], &[u8])> =
        cases.iter().map(|c| (c.data.as_slice(), c.signature.as_slice())).collect();
    let got = fast.verify_batch(&items);
    assert_eq!(got.len(), cases.len());
    for (c, fast_ok) in cases.iter().zip(got) {
        let ref_ok = reference.verify(&c.data, &c.signature).is_ok();
        assert!(
            !fast_ok || ref_ok,
            "alg {algorithm}: fast accepted, aws-lc-rs rejects: {}",
            c.what
        );
        if !c.may_refuse {
            assert_eq!(fast_ok, ref_ok, "alg {algorithm}: {}", c.what);
        }
    }
    cases.len()
}

fn flip_bit(mut v: Vec<u8>, rng: &mut Rng, range: std::ops::Range<usize>) -> Vec<u8> {
    if range.is_empty() {
        v.push(1);
        return v;
    }
    let bit = rng.below(range.len() * 8);
    v[range.start + bit / 8] ^= 1 << (bit % 8);
    v
}

/// n − s, big-endian, for s in [1, n−1].
fn negate_be(order_be: &[u8], s: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; s.len()];
    let mut borrow = 0i16;
    for i in (0..s.len()).rev() {
        let mut d = order_be[i] as i16 - s[i] as i16 - borrow;
        borrow = if d < 0 { 1 } else { 0 };
        if d < 0 {
            d += 256;
        }
        out[i] = d as u8;
    }
    out
}

const P256_N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

fn order_be(algorithm: u8) -> Vec<u8> {
    match algorithm {
        13 => P256_N.to_vec(),
        _ => {
            let mut n = (p384::Scalar::ZERO - p384::Scalar::ONE).to_repr().to_vec();
            // n − 1 + 1, with no carry out of the lowest octet (n is odd).
            let last = n.len() - 1;
            n[last] += 1;
            n
        }
    }
}

/// Valid signatures under random keys and every mutation of the issue:
/// n − s, bit flips in r, s and data, wrong key, r and s swapped, r or s
/// of 0, n, 2^k − 1, truncation.
fn ecdsa_mutations(algorithm: u8, keys: usize, per_key: usize, rng: &mut Rng) -> usize {
    let signing = if algorithm == 13 {
        &ECDSA_P256_SHA256_FIXED_SIGNING
    } else {
        &ECDSA_P384_SHA384_FIXED_SIGNING
    };
    let bytes = if algorithm == 13 { 32 } else { 48 };
    let n = order_be(algorithm);
    let system = SystemRandom::new();
    let pairs: Vec<EcdsaKeyPair> =
        (0..keys.max(2)).map(|_| EcdsaKeyPair::generate(signing).unwrap()).collect();
    let public = |k: &EcdsaKeyPair| k.public_key().as_ref()[1..].to_vec();
    let mut total = 0;
    for (ki, pair) in pairs.iter().enumerate().take(keys) {
        let mut cases = Vec::new();
        let mut wrong_key = Vec::new();
        for i in 0..per_key {
            let len = rng.below(300);
            let data = rng.bytes(len);
            let sig = pair.sign(&system, &data).unwrap().as_ref().to_vec();
            let (r, s) = sig.split_at(bytes);
            cases.push(case(data.clone(), sig.clone(), "valid"));
            cases.push(case(data.clone(), [r, &negate_be(&n, s)].concat(), "n - s"));
            cases.push(case(data.clone(), flip_bit(sig.clone(), rng, 0..bytes), "bit in r"));
            cases.push(case(
                data.clone(),
                flip_bit(sig.clone(), rng, bytes..2 * bytes),
                "bit in s",
            ));
            cases.push(case(flip_bit(data.clone(), rng, 0..len), sig.clone(), "bit in data"));
            cases.push(case(data.clone(), [s, r].concat(), "r and s swapped"));
            let special = [vec![0u8; bytes], n.clone(), vec![0xff; bytes]];
            let v = &special[i % 3];
            cases.push(case(data.clone(), [v, s].concat(), "special r"));
            cases.push(case(data.clone(), [r, v].concat(), "special s"));
            let cut = rng.below(sig.len());
            cases.push(case(data.clone(), sig[..cut].to_vec(), "truncated"));
            cases.push(case(data.clone(), [&sig[..], &[0]].concat(), "one octet too long"));
            wrong_key.push(case(data, sig, "wrong key"));
        }
        total += compare(algorithm, &public(pair), &cases);
        let other = &pairs[(ki + 1) % pairs.len()];
        total += compare(algorithm, &public(other), &wrong_key);
    }
    total
}

fn ed25519_mutations(keys: usize, per_key: usize, rng: &mut Rng) -> usize {
    let pairs: Vec<Ed25519KeyPair> =
        (0..keys.max(2)).map(|_| Ed25519KeyPair::generate().unwrap()).collect();
    // L, little-endian (RFC 8032 §5.1).
    let l = {
        let mut b = (curve25519_dalek::Scalar::ZERO - curve25519_dalek::Scalar::ONE).to_bytes();
        b[0] += 1;
        b
    };
    let mut total = 0;
    for (ki, pair) in pairs.iter().enumerate().take(keys) {
        let mut cases = Vec::new();
        let mut wrong_key = Vec::new();
        for _ in 0..per_key {
            let len = rng.below(300);
            let data = rng.bytes(len);
            let sig = pair.sign(&data).as_ref().to_vec();
            cases.push(case(data.clone(), sig.clone(), "valid"));
            cases.push(case(data.clone(), flip_bit(sig.clone(), rng, 0..32), "bit in R"));
            cases.push(case(data.clone(), flip_bit(sig.clone(), rng, 32..64), "bit in s"));
            cases.push(case(flip_bit(data.clone(), rng, 0..len), sig.clone(), "bit in data"));
            // s + L: the same point equation, non-canonical s.
            let mut s_plus_l = sig.clone();
            let mut carry = 0u16;
            for i in 0..32 {
                let v = s_plus_l[32 + i] as u16 + l[i] as u16 + carry;
                s_plus_l[32 + i] = v as u8;
                carry = v >> 8;
            }
            cases.push(case(data.clone(), s_plus_l, "s + L"));
            // R with y + p (non-canonical encoding of the same point), when
            // it fits in 255 bits.
            let mut r_plus_p = sig.clone();
            let mut carry = 0u16;
            let p: [u8; 32] = {
                let mut p = [0xffu8; 32];
                p[0] = 0xed;
                p[31] = 0x7f;
                p
            };
            for i in 0..32 {
                let v = r_plus_p[i] as u16 + p[i] as u16 + carry;
                r_plus_p[i] = v as u8;
                carry = v >> 8;
            }
            cases.push(case(data.clone(), r_plus_p, "R + p"));
            // The identity as R, and a small-order R.
            let mut identity = sig.clone();
            identity[..32].copy_from_slice(&[
                1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0, 0,
            ]);
            cases.push(case(data.clone(), identity, "R = identity"));
            let cut = rng.below(64);
            cases.push(case(data.clone(), sig[..cut].to_vec(), "truncated"));
            cases.push(case(data.clone(), [&sig[32..], &sig[..32]].concat(), "R and s swapped"));
            wrong_key.push(case(data, sig, "wrong key"));
        }
        total += compare(15, pair.public_key().as_ref(), &cases);
        let other = &pairs[(ki + 1) % pairs.len()];
        total += compare(15, other.public_key().as_ref(), &wrong_key);
    }
    total
}

fn point_bytes(p: &p256::ProjectivePoint) -> Vec<u8> {
    p.to_affine().to_encoded_point(false).as_bytes()[1..].to_vec()
}

fn e_of(data: &[u8]) -> p256::Scalar {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, data);
    <p256::Scalar as Reduce<p256::U256>>::reduce_bytes(&fb(digest.as_ref()))
}

fn low_digit(s: &p256::Scalar) -> i32 {
    let b = s.to_repr();
    let v = (u16::from_be_bytes([b[30], b[31]]) & 0x7ff) as i32;
    if v > 1024 {
        v - 2048
    } else {
        v
    }
}

/// Q = G (private key 1), so the G and Q tables coincide: signatures are
/// ground (over the data) until the first digits of u1 and u2 are equal or
/// opposite. With one accumulator per signature that made the first Q
/// addition a doubling or a cancellation; with one accumulator per base
/// (the current method) they are ordinary valid signatures, which the fast
/// path may accept (never wrongly). The exceptional cases of the current
/// method are in the final addition u1·G + u2·Q: u1 = −u2 (R = ∞) and
/// u1 = u2 (R = 2·u1·G), which must be refused; see also
/// `p256_final_doubling_is_refused_not_accepted`.
#[test]
fn p256_exceptional_additions_are_refused_not_accepted() {
    let mut rng = Rng(7);
    let g = point_bytes(&p256::ProjectivePoint::GENERATOR);
    let one = p256::Scalar::ONE;
    let mut cases = Vec::new();
    // u1 + u2 = (e + r)·k/(e + r) = k mod n, and for a 128-bit k and
    // random u1, u2 the integer sum is k + n (n ends in 0x551 in its low
    // 11 bits). A k ending in 0x789 gives u1 + u2 ≡ 1242 (mod 2048): equal
    // digits (621 + 621) are reachable; a k ending in 0x2af gives
    // u1 + u2 ≡ 0: opposite digits (a cancellation) are common.
    for (k, want_equal) in [
        (p256::Scalar::from_u128(0x1234_5678_9abc_def0_1122_3344_5566_7789), true),
        (p256::Scalar::from_u128(0x1234_5678_9abc_def0_1122_3344_5566_72af), false),
    ] {
        let first = super::sign_with_nonce_p256(one, k, b"").unwrap();
        let r = p256::Scalar::from_repr(fb(&first[..32])).unwrap();
        let k_inverse = k.invert().unwrap();
        let mut found = 0;
        let mut rounds = 0;
        while found < 3 {
            rounds += 1;
            assert!(rounds < 64, "grinding found {found} (equal digits: {want_equal})");
            // s = k⁻¹(e + r·d) with d = 1 and R = k·G fixed, so w = s⁻¹ =
            // k/(e + r): 4096 candidates share one inversion.
            let datas: Vec<Vec<u8>> = (0..4096).map(|_| rng.bytes(40)).collect();
            let sums: Vec<p256::Scalar> = datas.iter().map(|d| e_of(d) + r).collect();
            let mut prefix = Vec::with_capacity(sums.len());
            let mut acc = p256::Scalar::ONE;
            for v in &sums {
                acc *= v;
                prefix.push(acc);
            }
            let mut inv = acc.invert().unwrap();
            let mut inverses = vec![p256::Scalar::ZERO; sums.len()];
            for i in (1..sums.len()).rev() {
                inverses[i] = inv * prefix[i - 1];
                inv *= sums[i];
            }
            inverses[0] = inv;
            for ((data, sum), sum_inverse) in datas.into_iter().zip(&sums).zip(&inverses) {
                let w = k * sum_inverse;
                let (d1, d2) = (low_digit(&(e_of(&data) * w)), low_digit(&(r * w)));
                let hit = if want_equal { d1 == d2 } else { d1 == -d2 };
                if d1 == 0 || !hit || found >= 3 {
                    continue;
                }
                found += 1;
                let s = k_inverse * sum;
                let sig = [r.to_repr().to_vec(), s.to_repr().to_vec()].concat();
                let what = if want_equal { "doubling, valid" } else { "cancellation, valid" };
                cases.push(Case { data, signature: sig, may_refuse: true, what });
            }
        }
    }
    for _ in 0..4 {
        let data = rng.bytes(20);
        let e = e_of(&data);
        let s = p256::Scalar::from_u128(rng.next() as u128 | 1);
        // u1 + u2 = (e + r)/s = 0: R is the point at infinity.
        let r = -e;
        cases.push(case(data.clone(), [r.to_repr(), s.to_repr()].concat(), "R = infinity"));
        // u1 = u2: a doubling at the first Q addition (invalid signature).
        cases.push(case(data, [e.to_repr(), s.to_repr()].concat(), "u1 = u2"));
    }
    let key = PreparedKey::new(13, &g).unwrap();
    let fast = FastKey::new(13, &g).unwrap();
    let items: Vec<(&[u8], &[u8])> =
        cases.iter().map(|c| (c.data.as_slice(), c.signature.as_slice())).collect();
    let got = fast.verify_batch(&items);
    for (c, fast_ok) in cases.iter().zip(&got) {
        let ref_ok = key.verify(&c.data, &c.signature).is_ok();
        assert_eq!(ref_ok, c.may_refuse, "{}", c.what);
        if !c.may_refuse {
            assert!(!fast_ok, "the exceptional case must go to aws-lc-rs: {}", c.what);
        }
    }
    compare(13, &g, &cases);
}

/// Valid signatures whose R = u1·G + u2·Q is a doubling (u1·G = u2·Q): the
/// key is chosen as d = e/r, so u1 = e·w = r·d·w = u2·d. aws-lc-rs accepts
/// them; the fast path must refuse (equal x in its final addition), not
/// compute a chord through one point.
#[test]
fn p256_final_doubling_is_refused_not_accepted() {
    let mut rng = Rng(11);
    for _ in 0..3 {
        let data = rng.bytes(30);
        let k = p256::Scalar::from_u128(((rng.next() as u128) << 64) | rng.next() as u128 | 1);
        let r_point = (p256::ProjectivePoint::GENERATOR * k).to_affine();
        let x = r_point.to_encoded_point(false);
        let r = <p256::Scalar as Reduce<p256::U256>>::reduce_bytes(x.x().unwrap());
        let d = e_of(&data) * r.invert().unwrap();
        let q = p256::ProjectivePoint::GENERATOR * d;
        let key = point_bytes(&q);
        let signature = super::sign_with_nonce_p256(d, k, &data).unwrap();
        // Other valid signatures under the same key share the batch.
        let mut cases = vec![Case {
            data: data.clone(),
            signature: signature.clone(),
            may_refuse: true,
            what: "R = 2·u1·G, valid",
        }];
        for _ in 0..5 {
            let other = rng.bytes(30);
            let k2 = p256::Scalar::from_u128(rng.next() as u128 | 1);
            cases.push(case(
                other.clone(),
                super::sign_with_nonce_p256(d, k2, &other).unwrap(),
                "valid",
            ));
        }
        let reference = PreparedKey::new(13, &key).unwrap();
        assert!(reference.verify(&data, &signature).is_ok(), "the doubling case is valid");
        let fast = FastKey::new(13, &key).unwrap();
        let got = fast.verify_batch(&[(&data, &signature)]);
        assert!(!got[0], "the final doubling must go to aws-lc-rs");
        compare(13, &key, &cases);
    }
}

/// The r + n case: R with x(R) in [n, p), so r = x(R) − n. Finding a k with
/// such a k·G is infeasible (p − n ≈ 2^128), so R is chosen first (an x in
/// [n, p) with x³ − 3x + b a square), then u1 from random s and the data,
/// and the key is solved for: Q = (R − u1·G) / u2 with u2 = r/s. Nobody
/// knows Q's private key, but (r, s) is a valid signature under Q.
#[test]
fn p256_r_plus_n_case() {
    let mut rng = Rng(11);
    let n = p256::U256::from_be_slice(&P256_N);
    let mut found = 0;
    let mut total = 0;
    while found < 8 {
        // x = n + t for a random t < p − n (≈ 2^128.4; 2^128 keeps it below p).
        let t = p256::U256::from_u128(((rng.next() as u128) << 64) | rng.next() as u128);
        let x = n.wrapping_add(&t);
        let mut encoded = vec![0x02 | (rng.next() as u8 & 1)];
        encoded.extend_from_slice(&x.to_be_bytes());
        let Ok(ep) = p256::EncodedPoint::from_bytes(&encoded) else { continue };
        let Some(point) =
            Option::<p256::AffinePoint>::from(p256::AffinePoint::from_encoded_point(&ep))
        else {
            continue;
        };
        let r = p256::Scalar::from_repr(fb(&t.to_be_bytes())).unwrap();
        let data = rng.bytes(32);
        let s = p256::Scalar::from_u128(((rng.next() as u128) << 64) | rng.next() as u128);
        let w = s.invert().unwrap();
        let (u1, u2) = (e_of(&data) * w, r * w);
        let q = (p256::ProjectivePoint::from(point) - p256::ProjectivePoint::GENERATOR * u1)
            * u2.invert().unwrap();
        let key = point_bytes(&q);
        let sig = [r.to_repr().to_vec(), s.to_repr().to_vec()].concat();
        assert!(PreparedKey::new(13, &key).unwrap().verify(&data, &sig).is_ok());
        let x_itself = [x.to_be_bytes().to_vec(), s.to_repr().to_vec()].concat();
        let cases = vec![
            case(data.clone(), sig, "r = x(R) - n"),
            case(data, x_itself, "r = x(R) >= n is out of range"),
        ];
        total += compare(13, &key, &cases);
        found += 1;
    }
    assert_eq!(total, 16);
}

#[test]
fn p256_differential_quick() {
    assert!(ecdsa_mutations(13, 2, 25, &mut Rng(1)) >= 500);
}

#[test]
fn p384_differential_quick() {
    assert!(ecdsa_mutations(14, 2, 10, &mut Rng(2)) >= 200);
}

#[test]
fn ed25519_differential_quick() {
    assert!(ed25519_mutations(2, 25, &mut Rng(3)) >= 500);
}

/// More than 100,000 cases; run in release: `cargo test --release --lib
/// verify::fast -- --ignored --nocapture`.
#[test]
#[ignore]
fn differential_full() {
    let mut rng = Rng(2024);
    let p256 = ecdsa_mutations(13, 40, 150, &mut rng);
    let p384 = ecdsa_mutations(14, 10, 100, &mut rng);
    let ed = ed25519_mutations(40, 100, &mut rng);
    eprintln!("differential: {p256} P-256, {p384} P-384, {ed} Ed25519 cases");
    assert!(p256 + p384 + ed >= 100_000);
}

/// The signed-digit recoding reproduces the scalar.
#[test]
fn recoding_sums_back() {
    let mut rng = Rng(5);
    for window in [4, 10, 11, 12, 14] {
        for _ in 0..50 {
            let s = p256::Scalar::from_u128(((rng.next() as u128) << 64) | rng.next() as u128)
                * p256::Scalar::from_u128(rng.next() as u128 | 1);
            let windows = 256 / window + 1;
            let mut digits = vec![0i16; windows];
            ecdsa::recode_for_test(&s.to_repr(), window, &mut digits);
            let mut sum = p256::Scalar::ZERO;
            for d in digits.iter().rev() {
                for _ in 0..window {
                    sum = sum.double();
                }
                let m = p256::Scalar::from(d.unsigned_abs() as u64);
                sum += if *d < 0 { -m } else { m };
                assert!(d.unsigned_abs() as usize <= 1 << (window - 1));
            }
            assert_eq!(sum, s, "window {window}");
        }
    }
}

/// Keys the curve crate rejects get no fast path: off the curve, x ≥ p,
/// wrong length.
#[test]
fn invalid_keys_have_no_fast_path() {
    let g = point_bytes(&p256::ProjectivePoint::GENERATOR);
    let mut off = g.clone();
    off[63] ^= 1;
    assert!(FastKey::new(13, &off).is_none());
    assert!(FastKey::new(13, &[0xff; 64]).is_none());
    assert!(FastKey::new(13, &g[..63]).is_none());
    assert!(FastKey::new(8, &g).is_none());
    // A small-order Ed25519 key (the identity) takes aws-lc-rs.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    assert!(FastKey::new(15, &identity).is_none());
    let _ = p256::ProjectivePoint::identity();
}

mod prop {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// The fuzz target's comparison, on proptest's inputs.
        #[test]
        fn fast_path_agrees_with_aws_lc(input in proptest::collection::vec(any::<u8>(), 0..200)) {
            super::super::fuzz_compare(&input);
        }
    }
}

/// The fuzz target's keys are the same in every process (so that a saved
/// input reproduces), and each reference signature is one aws-lc-rs
/// accepts: the fuzzer's XOR mode starts from signatures that are valid.
#[test]
fn fuzz_keys_are_fixed_and_their_signatures_valid() {
    let keys = super::fuzz_keys();
    assert_eq!(keys, super::fuzz_keys());
    assert_eq!(keys.iter().map(|k| k.0).collect::<Vec<_>>(), [13, 14, 15]);
    for (algorithm, key, signature) in &keys {
        let prepared = PreparedKey::new(*algorithm, key).expect("a valid public key");
        assert!(prepared.verify(b"fuzz", signature).is_ok(), "algorithm {algorithm}");
        assert!(prepared.verify(b"fuzz!", signature).is_err(), "algorithm {algorithm}");
    }
}

/// Every point whose y is on the small-order list is of small order, and
/// the list reaches all eight of them.
#[test]
fn small_order_y_list_is_complete() {
    let mut points = Vec::new();
    for y in ed25519::SMALL_ORDER_Y {
        for sign in [0u8, 0x80] {
            let mut encoded = y;
            encoded[31] |= sign;
            if let Some(p) = curve25519_dalek::edwards::CompressedEdwardsY(encoded).decompress() {
                assert!(p.is_small_order(), "{encoded:02x?}");
                if !points.contains(&p) {
                    points.push(p);
                }
            }
        }
    }
    assert_eq!(points.len(), 8);
}

/// Regression: a chunk's signatures split into equal ECDSA batches near
/// `BATCH`, never a full batch and a short tail.
#[test]
fn ecdsa_batches_are_even() {
    assert_eq!(even_batch(0, 1024), 1);
    assert_eq!(even_batch(100, 1024), 100);
    assert_eq!(even_batch(1126, 1024), 1126);
    assert_eq!(even_batch(1536, 1024), 768);
    assert_eq!(even_batch(2200, 1024), 1100);
    assert_eq!(even_batch(4096, 1024), 1024);
    for len in 1..5000 {
        let size = even_batch(len, 1024);
        let count = len.div_ceil(size);
        // Every batch but the last is `size`; an even split leaves the
        // last short by less than one item per batch.
        let last = len - (count - 1) * size;
        assert!(last > size - count, "{len}: {size} x {count}, last {last}");
        assert!(size <= 1536, "{len}: {size}");
    }
}
