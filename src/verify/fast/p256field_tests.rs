//! Our P-256 field element ([`super::p256field::Fe`]) against the `p256`
//! crate's `FieldElement`, operation by operation, on random and edge
//! values (0, 1, p − 1, values ≥ 2^255, limbs at their extremes, values
//! ≥ p that must be refused).

use p256::elliptic_curve::bigint::{Encoding, U256};
use p256::elliptic_curve::ff::PrimeField;
use proptest::prelude::*;

use super::p256field::Fe;

/// p, big-endian hex.
const P_HEX: &str = "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff";

fn p() -> U256 {
    U256::from_be_hex(P_HEX)
}

/// Below p: x itself, or x − p (x < 2^256 < 2p).
fn below_p(x: U256) -> [u8; 32] {
    let x = if x >= p() { x.wrapping_sub(&p()) } else { x };
    x.to_be_bytes()
}

fn reference(bytes: &[u8; 32]) -> p256::FieldElement {
    p256::FieldElement::from_repr((*bytes).into()).expect("below p")
}

fn ours(bytes: &[u8; 32]) -> Fe {
    Fe::from_bytes(bytes).expect("below p")
}

fn check(got: Fe, want: p256::FieldElement, what: &str) {
    let want: [u8; 32] = want.to_repr().into();
    assert_eq!(got.to_bytes(), want, "{what}");
}

/// Limbs that exercise carries: extremes, half-limbs, p's own limbs.
fn limb() -> impl Strategy<Value = u64> {
    prop_oneof![
        any::<u64>(),
        Just(0u64),
        Just(1u64),
        Just(u64::MAX),
        Just(u64::MAX - 1),
        Just(0xffff_ffffu64),
        Just(0x1_0000_0000u64),
        Just(0xffff_ffff_0000_0000u64),
        Just(0xffff_ffff_0000_0001u64),
        Just(0xffff_ffff_0000_0002u64),
        Just(0x8000_0000_0000_0000u64),
        Just(0x7fff_ffff_ffff_ffffu64),
    ]
}

/// Any 256-bit integer (limbs from [`limb`]), and the named edge values.
fn raw() -> impl Strategy<Value = U256> {
    let p = p();
    let edges = vec![
        U256::ZERO,
        U256::ONE,
        U256::from_u64(2),
        p.wrapping_sub(&U256::ONE),
        p.wrapping_sub(&U256::from_u64(2)),
        p.shr_vartime(1),
        p.shr_vartime(1).wrapping_add(&U256::ONE),
        U256::ONE.shl_vartime(255),
        U256::ONE.shl_vartime(255).wrapping_sub(&U256::ONE),
        U256::ONE.shl_vartime(255).wrapping_add(&U256::ONE),
        U256::ONE.shl_vartime(224),
        U256::ONE.shl_vartime(192),
        U256::ONE.shl_vartime(96),
        U256::ONE.shl_vartime(64).wrapping_sub(&U256::ONE),
        U256::ZERO.wrapping_sub(&p), // 2^256 − p = R mod p
        p,
        p.wrapping_add(&U256::ONE),
        U256::MAX,
    ];
    prop_oneof![
        prop::array::uniform4(limb()).prop_map(U256::from_words),
        prop::sample::select(edges),
        (0u64..1000).prop_map(move |k| p.wrapping_sub(&U256::from_u64(k + 1))),
    ]
}

/// A canonical field element (below p), as big-endian octets.
fn element() -> impl Strategy<Value = [u8; 32]> {
    raw().prop_map(below_p)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn p256_field_binary_ops(a in element(), b in element()) {
        let (fa, fb) = (ours(&a), ours(&b));
        let (ra, rb) = (reference(&a), reference(&b));
        check(fa * fb, ra * rb, "mul");
        check(fa + fb, ra + rb, "add");
        check(fa - fb, ra - rb, "sub");
        check(fb - fa, rb - ra, "sub reversed");
        prop_assert_eq!(fa == fb, a == b);
    }

    #[test]
    fn p256_field_unary_ops(a in element()) {
        let fa = ours(&a);
        let ra = reference(&a);
        check(fa, ra, "round trip");
        prop_assert_eq!(fa.to_bytes(), a);
        check(fa.square(), ra.square(), "square");
        check(fa.double(), ra.double(), "double");
        check(-fa, -ra, "neg");
        prop_assert_eq!(fa.is_zero(), bool::from(ra.is_zero()));
        let inv: Option<p256::FieldElement> = ra.invert().into();
        match (fa.invert(), inv) {
            (Some(got), Some(want)) => check(got, want, "invert"),
            (None, None) => {}
            (got, want) => prop_assert!(false, "invert: {got:?} vs {want:?}"),
        }
    }

    /// from_bytes accepts exactly the integers below p.
    #[test]
    fn p256_field_decoding_is_canonical(x in raw()) {
        let bytes = x.to_be_bytes();
        let want: Option<p256::FieldElement> =
            p256::FieldElement::from_repr(bytes.into()).into();
        prop_assert_eq!(Fe::from_bytes(&bytes).is_some(), x < p());
        prop_assert_eq!(Fe::from_bytes(&bytes).is_some(), want.is_some());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Long chains of operations, fed back into each other.
    #[test]
    fn p256_field_chains(start in element(), other in element(),
                         ops in prop::collection::vec(0u8..6, 1..400)) {
        let (mut f, g) = (ours(&start), ours(&other));
        let (mut r, q) = (reference(&start), reference(&other));
        for op in ops {
            match op {
                0 => { f = f * g; r *= q; }
                1 => { f = f.square(); r = r.square(); }
                2 => { f = f + g; r += q; }
                3 => { f = f - g; r -= q; }
                4 => { f = -f; r = -r; }
                _ => { f = f * f + g.double(); r = r * r + q.double(); }
            }
            check(f, r, "chain");
        }
    }
}

#[test]
fn p256_field_constants() {
    let mut one = [0u8; 32];
    one[31] = 1;
    assert_eq!(Fe::from_bytes(&one), Some(Fe::ONE));
    assert_eq!(Fe::from_bytes(&[0u8; 32]), Some(Fe::ZERO));
    assert!(Fe::ZERO.is_zero() && !Fe::ONE.is_zero());
    assert_eq!(Fe::ONE.to_bytes(), one);
    assert_eq!(Fe::ZERO.invert(), None);
    assert_eq!(Fe::ONE.invert(), Some(Fe::ONE));
    // p itself and 2^256 − 1 are refused.
    assert_eq!(Fe::from_bytes(&p().to_be_bytes()), None);
    assert_eq!(Fe::from_bytes(&[0xff; 32]), None);
    // p − 1 = −1: squares to 1.
    let minus_one = Fe::from_bytes(&p().wrapping_sub(&U256::ONE).to_be_bytes()).expect("p − 1");
    assert_eq!(minus_one, -Fe::ONE);
    assert_eq!(minus_one.square(), Fe::ONE);
    assert_eq!(minus_one * minus_one, Fe::ONE);
}

/// Rough cost of the operations (`cargo test --release --lib p256_field_speed
/// -- --ignored --nocapture`): a dependent chain and four independent ones.
#[test]
#[ignore]
fn p256_field_speed() {
    use std::hint::black_box;
    use std::time::Instant;
    const N: u32 = 2_000_000;
    let mut bytes = [0x5au8; 32];
    bytes[0] = 0x12;
    let a = ours(&bytes);
    let mut x = a;
    let t = Instant::now();
    for _ in 0..N {
        x = black_box(x * a);
    }
    println!("mul, dependent: {:?}", t.elapsed() / N);
    let t = Instant::now();
    for _ in 0..N {
        x = black_box(x.square());
    }
    println!("square, dependent: {:?}", t.elapsed() / N);
    let mut y = [a, a.double(), a.square(), -a];
    let t = Instant::now();
    for _ in 0..N / 4 {
        y = black_box([y[0] * a, y[1] * a, y[2] * a, y[3] * a]);
    }
    println!("mul, 4 independent: {:?}", t.elapsed() / N);
    let t = Instant::now();
    for _ in 0..N {
        x = black_box(x - a);
    }
    println!("sub, dependent: {:?}", t.elapsed() / N);
    let r = reference(&bytes);
    let mut z = r;
    let t = Instant::now();
    for _ in 0..N {
        z = black_box(z * r);
    }
    println!("p256 crate mul, dependent: {:?}", t.elapsed() / N);
    black_box((x, y, z));
}

proptest! {
    /// Montgomery's trick over interleaved chains gives each element its
    /// own inverse, for lengths shorter and longer than the chain count.
    #[test]
    fn batch_inversion_matches_one_by_one(xs in proptest::collection::vec(raw(), 0..14)) {
        let mut values: Vec<Fe> = xs.iter().map(|x| ours(&below_p(*x))).collect();
        let expected: Vec<Option<Fe>> = values.iter().map(Fe::invert).collect();
        let result = super::ecdsa::batch_invert_for_test(&mut values, Fe::ONE, Fe::invert);
        if expected.iter().any(Option::is_none) {
            prop_assert!(result.is_none(), "a zero must refuse the batch");
        } else {
            prop_assert!(result.is_some());
            for (got, want) in values.iter().zip(&expected) {
                prop_assert_eq!(Some(*got), *want);
            }
        }
    }
}
