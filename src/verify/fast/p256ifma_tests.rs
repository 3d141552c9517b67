//! The AVX-512 IFMA batch addition ([`super::p256ifma`]) against the
//! scalar formula over [`Fe`], and its field operations against [`Fe`] on
//! edge and random values. On a CPU without AVX-512 IFMA the kernel tests
//! say so on standard error and pass (the scalar path is still checked
//! against the `p256` crate).

use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{ProjectivePoint, Scalar};
use proptest::prelude::*;

use super::p256field::Fe;
use super::p256ifma::{add_affine_batch, add_affine_batch_ifma_for_test, available};

/// The portable path ([`super::ecdsa::add_affine_batch_scalar`]), the
/// oracle of these tests.
fn add_affine_batch_scalar(a: &mut [(Fe, Fe)], b: &[(Fe, Fe)]) {
    super::ecdsa::add_affine_batch_scalar(a, b, &mut Vec::new(), &mut Vec::new());
}

/// p, little-endian 64-bit limbs.
const P: [u64; 4] = [u64::MAX, 0x0000_0000_ffff_ffff, 0, 0xffff_ffff_0000_0001];

/// The fast path's seeded generator (SplitMix64), so failures reproduce.
use super::tests::Rng;

impl Rng {
    /// A uniformly random element (limbs below p by rejection).
    fn fe(&mut self) -> Fe {
        loop {
            let l = [self.next(), self.next(), self.next(), self.next()];
            if below_p(&l) {
                return Fe::from_limbs_unchecked(l);
            }
        }
    }
}

/// Whether little-endian limbs are below p.
fn below_p(l: &[u64; 4]) -> bool {
    for i in (0..4).rev() {
        if l[i] != P[i] {
            return l[i] < P[i];
        }
    }
    false
}

/// l − r for l ≥ r, five little-endian 64-bit limbs.
fn sub5(l: [u64; 5], r: [u64; 5]) -> [u64; 5] {
    let mut out = [0u64; 5];
    let mut borrow = 0u64;
    for i in 0..5 {
        let (d, b1) = l[i].overflowing_sub(r[i]);
        let (d, b2) = d.overflowing_sub(borrow);
        out[i] = d;
        borrow = (b1 || b2) as u64;
    }
    out
}

/// l ≥ r, five little-endian 64-bit limbs.
fn ge5(l: &[u64; 5], r: &[u64; 5]) -> bool {
    for i in (0..5).rev() {
        if l[i] != r[i] {
            return l[i] > r[i];
        }
    }
    true
}

/// The integer p − k as limbs (k small).
fn p_minus(k: u64) -> [u64; 4] {
    let mut l = P;
    l[0] -= k;
    l
}

/// Limb patterns the kernel must survive: 0, 1, 2, p − 1, p − 2, 2^255 and
/// its neighbours, all-ones limbs below p, limbs straddling the 52-bit
/// boundaries, 2^256 mod p.
fn edge_limbs() -> Vec<[u64; 4]> {
    vec![
        [0, 0, 0, 0],
        [1, 0, 0, 0],
        [2, 0, 0, 0],
        p_minus(1),
        p_minus(2),
        p_minus(3),
        [0, 0, 0, 1 << 63],
        [u64::MAX, u64::MAX, u64::MAX, (1 << 63) - 1],
        [1, 0, 0, 1 << 63],
        [u64::MAX, u64::MAX, u64::MAX, 0xffff_ffff_0000_0000],
        [u64::MAX, 0, u64::MAX, 0xffff_ffff_0000_0000],
        [0, u64::MAX, u64::MAX, 0xffff_ffff_0000_0000],
        [(1 << 52) - 1, 0, 0, 0],
        [1 << 52, 0, 0, 0],
        [u64::MAX, (1 << 40) - 1, 0, 0],
        [0, 1 << 40, 0, 0],
        [0, 0, 1 << 24, 0],
        [0, 0, 0, 1 << 36],
        [0, 0, 0, 0xffff_0000_0000_0000],
        [
            0x0f0f_0f0f_0f0f_0f0f,
            0xf0f0_f0f0_f0f0_f0f0,
            0x0f0f_0f0f_0f0f_0f0f,
            0xf0f0_f0f0_f0f0_f0f0,
        ],
        Fe::ONE.limbs(),
        (-Fe::ONE).limbs(),
    ]
}

fn edges() -> Vec<Fe> {
    let mut out: Vec<Fe> = edge_limbs()
        .into_iter()
        .map(|l| {
            assert!(below_p(&l), "edge limbs must be canonical: {l:x?}");
            Fe::from_limbs_unchecked(l)
        })
        .collect();
    // Also edge integers in Montgomery form (their limbs are not edges).
    for l in edge_limbs() {
        let mut bytes = [0u8; 32];
        for (i, limb) in l.iter().enumerate() {
            bytes[32 - 8 * (i + 1)..32 - 8 * i].copy_from_slice(&limb.to_be_bytes());
        }
        out.push(Fe::from_bytes(&bytes).expect("below p"));
    }
    out
}

/// 16 as an element: the kernel's multiplication is a·b/2^260, one
/// sixteenth of Fe's a·b/2^256.
fn sixteen() -> Fe {
    let mut x = Fe::ONE;
    for _ in 0..4 {
        x = x.double();
    }
    x
}

/// Runs `f` unless the CPU lacks AVX-512 IFMA; says which on stderr.
fn with_kernel(test: &str, f: impl FnOnce()) {
    let mut probe: [(Fe, Fe); 0] = [];
    if add_affine_batch_ifma_for_test(&mut probe, &[]).is_none() {
        eprintln!("{test}: skipped, this CPU has no AVX-512 IFMA (scalar path only)");
        return;
    }
    eprintln!("{test}: AVX-512 IFMA kernel");
    f();
}

/// Groups of eight from a list (the last one padded by cycling).
fn octets(values: &[Fe]) -> Vec<[Fe; 8]> {
    values.chunks(8).map(|c| std::array::from_fn(|k| c[k % c.len()])).collect()
}

#[cfg(target_arch = "x86_64")]
mod field {
    use super::super::p256ifma::kernel;
    use super::*;

    #[test]
    fn ifma_mul_matches_scalar_on_edge_values() {
        with_kernel("ifma_mul_matches_scalar_on_edge_values", || {
            let e = edges();
            let sixteen = sixteen();
            for x in &e {
                let a = [*x; 8];
                for b in octets(&e) {
                    let got = kernel::mul_for_test(&a, &b).expect("kernel available");
                    for k in 0..8 {
                        assert_eq!(got[k] * sixteen, a[k] * b[k], "{:?} · {:?}", a[k], b[k]);
                    }
                }
            }
        });
    }

    #[test]
    fn ifma_square_matches_scalar_on_edge_values() {
        with_kernel("ifma_square_matches_scalar_on_edge_values", || {
            let sixteen = sixteen();
            for a in octets(&edges()) {
                let got = kernel::square_for_test(&a).expect("kernel available");
                for k in 0..8 {
                    assert_eq!(got[k] * sixteen, a[k].square(), "{:?}²", a[k]);
                }
            }
        });
    }

    #[test]
    fn ifma_sub_matches_scalar_on_edge_values() {
        with_kernel("ifma_sub_matches_scalar_on_edge_values", || {
            let e = edges();
            for x in &e {
                let a = [*x; 8];
                for b in octets(&e) {
                    for k_p in [1, 2, 4] {
                        let got = kernel::sub_for_test(&a, &b, k_p).expect("kernel available");
                        for k in 0..8 {
                            assert_eq!(got[k], a[k] - b[k], "{:?} − {:?} (+{k_p}p)", a[k], b[k]);
                        }
                    }
                }
            }
        });
    }

    /// The reference for `canonical`: a 260-bit value mod p by repeated
    /// subtraction (at most 16).
    fn reduce_reference(v: [u64; 5]) -> [u64; 4] {
        let p5 = [P[0], P[1], P[2], P[3], 0];
        let mut v = v;
        while ge5(&v, &p5) {
            v = sub5(v, p5);
        }
        [v[0], v[1], v[2], v[3]]
    }

    /// 52-bit limbs (limb 4 below 2^52) to 64-bit limbs.
    fn join52(l: [u64; 5]) -> [u64; 5] {
        let mut out = [0u64; 5];
        for (i, limb) in l.iter().enumerate() {
            let bit = 52 * i;
            out[bit / 64] |= limb << (bit % 64);
            if bit % 64 > 12 {
                out[bit / 64 + 1] |= limb >> (64 - bit % 64);
            }
        }
        out
    }

    /// k·p + r as 52-bit limbs, for k·p + r < 2^260.
    fn multiple_of_p52(k: u64, r: u64) -> [u64; 5] {
        let mut l: [u64; 5] = std::array::from_fn(|i| kernel::P52[i] * k);
        l[0] += r;
        for i in 0..4 {
            l[i + 1] += l[i] >> 52;
            l[i] &= (1 << 52) - 1;
        }
        l
    }

    #[test]
    fn ifma_canonical_reduces_every_value_below_2_260() {
        with_kernel("ifma_canonical_reduces_every_value_below_2_260", || {
            let m = (1u64 << 52) - 1;
            let mut values: Vec<[u64; 5]> = vec![
                [0; 5],
                [1, 0, 0, 0, 0],
                [m; 5],                      // 2^260 − 1
                [m, m, m, m, (1 << 48) - 1], // 2^256 − 1
                [0, 0, 0, 0, 1 << 48],       // 2^256
            ];
            for k in 0..16 {
                for r in [0, 1, 2] {
                    values.push(multiple_of_p52(k, r));
                }
                if k > 0 {
                    // k·p − 1
                    let mut l = multiple_of_p52(k, 0);
                    let mut i = 0;
                    while l[i] == 0 {
                        l[i] = m;
                        i += 1;
                    }
                    l[i] -= 1;
                    values.push(l);
                }
            }
            let mut rng = Rng(0x5eed_0001);
            for _ in 0..400 {
                values.push(std::array::from_fn(|_| rng.next() & m));
            }
            for chunk in values.chunks(8) {
                let v: [[u64; 5]; 8] = std::array::from_fn(|k| chunk[k % chunk.len()]);
                let got = kernel::canonical_for_test(&v).expect("kernel available");
                for k in 0..8 {
                    assert_eq!(got[k], reduce_reference(join52(v[k])), "{:x?}", v[k]);
                }
            }
        });
    }

    proptest! {
        #[test]
        fn ifma_mul_square_sub_match_scalar_on_random_values(
            seeds in prop::array::uniform2(any::<u64>())
        ) {
            if add_affine_batch_ifma_for_test(&mut [], &[]).is_none() {
                return Ok(());
            }
            let mut rng = Rng(seeds[0] ^ seeds[1].rotate_left(17));
            let a: [Fe; 8] = std::array::from_fn(|_| rng.fe());
            let b: [Fe; 8] = std::array::from_fn(|_| rng.fe());
            let product = kernel::mul_for_test(&a, &b).expect("kernel available");
            let square = kernel::square_for_test(&a).expect("kernel available");
            let difference = kernel::sub_for_test(&a, &b, 1).expect("kernel available");
            for k in 0..8 {
                prop_assert_eq!(product[k] * sixteen(), a[k] * b[k]);
                prop_assert_eq!(square[k] * sixteen(), a[k].square());
                prop_assert_eq!(difference[k], a[k] - b[k]);
            }
        }
    }
}

fn to_fe(p: &ProjectivePoint) -> (Fe, Fe) {
    let encoded = p.to_affine().to_encoded_point(false);
    let coordinate = |b: &[u8]| Fe::from_bytes(b.try_into().expect("32 octets")).expect("below p");
    (coordinate(encoded.x().expect("finite")), coordinate(encoded.y().expect("finite")))
}

/// Affine points, one per item of a batch.
type Points = Vec<(Fe, Fe)>;

/// `len` pairs of random curve points (multiples of G by random 64-bit
/// scalars), their p256-crate sums alongside.
fn point_batch(len: usize, seed: u64) -> (Points, Points, Points) {
    let mut rng = Rng(seed);
    let (mut a, mut b, mut sums) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..len {
        let (i, j) = (rng.next() >> 1 | 1, rng.next() >> 1 | 2);
        let (p, q) = (
            ProjectivePoint::GENERATOR * Scalar::from(i),
            ProjectivePoint::GENERATOR * Scalar::from(j),
        );
        if i == j {
            continue;
        }
        a.push(to_fe(&p));
        b.push(to_fe(&q));
        sums.push(to_fe(&(p + q)));
    }
    (a, b, sums)
}

/// Batch lengths around the vector width and the two chains, and long ones.
const LENGTHS: [usize; 11] = [0, 1, 2, 7, 8, 9, 15, 16, 17, 1000, 2049];

#[test]
fn scalar_batch_addition_matches_p256_crate() {
    for (n, &len) in LENGTHS.iter().enumerate() {
        let (mut a, b, sums) = point_batch(len.min(300), 0xa11 + n as u64);
        add_affine_batch_scalar(&mut a, &b);
        assert_eq!(a, sums, "length {len}");
    }
}

#[test]
fn ifma_batch_addition_matches_scalar_on_curve_points() {
    with_kernel("ifma_batch_addition_matches_scalar_on_curve_points", || {
        for (n, &len) in LENGTHS.iter().enumerate() {
            let (a, b, sums) = point_batch(len, 0xb22 + n as u64);
            let mut scalar = a.clone();
            add_affine_batch_scalar(&mut scalar, &b);
            let mut ifma = a.clone();
            add_affine_batch_ifma_for_test(&mut ifma, &b).expect("kernel available");
            assert_eq!(ifma, scalar, "length {len}");
            assert_eq!(ifma, sums, "length {len}: against the p256 crate");
        }
    });
}

/// The chord formula is algebraic: it does not need points on the curve,
/// so coordinates can be any element, including the edge limbs.
#[test]
fn ifma_batch_addition_matches_scalar_on_edge_coordinates() {
    with_kernel("ifma_batch_addition_matches_scalar_on_edge_coordinates", || {
        let e = edges();
        let mut rng = Rng(0xc33);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for (i, x1) in e.iter().enumerate() {
            for (j, x2) in e.iter().enumerate() {
                if x1 == x2 {
                    continue;
                }
                let y1 = e[(i + j) % e.len()];
                let y2 = if j % 3 == 0 { rng.fe() } else { e[(i * 7 + j) % e.len()] };
                a.push((*x1, y1));
                b.push((*x2, y2));
            }
        }
        for len in [a.len(), 1, 7, 9, 17] {
            let mut scalar = a[..len].to_vec();
            add_affine_batch_scalar(&mut scalar, &b[..len]);
            let mut ifma = a[..len].to_vec();
            add_affine_batch_ifma_for_test(&mut ifma, &b[..len]).expect("kernel available");
            assert_eq!(ifma, scalar, "length {len}");
        }
    });
}

#[test]
fn ifma_batch_addition_matches_scalar_on_random_coordinates() {
    with_kernel("ifma_batch_addition_matches_scalar_on_random_coordinates", || {
        for (n, &len) in LENGTHS.iter().enumerate() {
            let mut rng = Rng(0xd44 + n as u64);
            let a: Vec<(Fe, Fe)> = (0..len).map(|_| (rng.fe(), rng.fe())).collect();
            let b: Vec<(Fe, Fe)> = (0..len).map(|_| (rng.fe(), rng.fe())).collect();
            let mut scalar = a.clone();
            add_affine_batch_scalar(&mut scalar, &b);
            let mut ifma = a.clone();
            add_affine_batch_ifma_for_test(&mut ifma, &b).expect("kernel available");
            assert_eq!(ifma, scalar, "length {len}");
        }
    });
}

/// Outside the precondition (x1 = x2) an item gets some value, but the
/// other items of its lane and batch stay exact, on both paths.
#[test]
fn equal_x_spoils_only_its_own_item() {
    let (a, mut b, sums) = point_batch(40, 0xe55);
    for bad in [0, 13, 39] {
        b[bad] = (a[bad].0, -a[bad].1);
    }
    let check = |got: &[(Fe, Fe)], path: &str| {
        for (k, (g, s)) in got.iter().zip(&sums).enumerate() {
            if ![0, 13, 39].contains(&k) {
                assert_eq!(g, s, "{path}: item {k}");
            }
        }
    };
    let mut scalar = a.clone();
    add_affine_batch_scalar(&mut scalar, &b);
    check(&scalar, "scalar");
    with_kernel("equal_x_spoils_only_its_own_item", || {
        let mut ifma = a.clone();
        add_affine_batch_ifma_for_test(&mut ifma, &b).expect("kernel available");
        check(&ifma, "ifma");
    });
}

/// The dispatcher gives the scalar results whichever path it takes.
#[test]
fn add_affine_batch_dispatch_matches_scalar() {
    eprintln!("add_affine_batch uses {}", if available() { "AVX-512 IFMA" } else { "scalar" });
    let (a, b, sums) = point_batch(77, 0xf66);
    let mut got = a.clone();
    add_affine_batch(&mut got, &b, &mut Vec::new(), &mut Vec::new());
    assert_eq!(got, sums);
}

/// ns per addition, batches of 2048, minimum of 50 runs: the portable path
/// of `ecdsa.rs` against [`add_affine_batch`]. `cargo test --release --lib p256ifma --
/// --ignored --nocapture`.
#[test]
#[ignore]
fn p256ifma_speed() {
    use std::hint::black_box;
    use std::time::{Duration, Instant};
    const N: usize = 2048;
    const RUNS: usize = 50;
    let mut rng = Rng(0x7e57);
    let a: Vec<(Fe, Fe)> = (0..N).map(|_| (rng.fe(), rng.fe())).collect();
    let b: Vec<(Fe, Fe)> = (0..N).map(|_| (rng.fe(), rng.fe())).collect();

    let mut dens: Vec<Fe> = Vec::with_capacity(N);
    let mut scratch: Vec<Fe> = Vec::with_capacity(N);
    let (mut scalar_best, mut fast_best) = (Duration::MAX, Duration::MAX);
    let (mut scalar_out, mut fast_out) = (Vec::new(), Vec::new());
    // Alternating runs, so that the machine's speed drifts hit both.
    for _ in 0..RUNS {
        let mut acc = a.clone();
        let t = Instant::now();
        super::ecdsa::add_affine_batch_scalar(black_box(&mut acc), &b, &mut dens, &mut scratch);
        black_box(&mut acc);
        scalar_best = scalar_best.min(t.elapsed());
        scalar_out = acc;

        let mut acc = a.clone();
        let t = Instant::now();
        add_affine_batch(black_box(&mut acc), &b, &mut dens, &mut scratch);
        black_box(&mut acc);
        fast_best = fast_best.min(t.elapsed());
        fast_out = acc;
    }
    assert_eq!(fast_out, scalar_out);
    let per = |d: Duration| d.as_secs_f64() * 1e9 / N as f64;
    println!(
        "batch of {N}, minimum of {RUNS}: scalar {:.1} ns/addition, add_affine_batch ({}) {:.1} \
         ns/addition, {:.2}x",
        per(scalar_best),
        if available() { "AVX-512 IFMA" } else { "scalar" },
        per(fast_best),
        per(scalar_best) / per(fast_best)
    );
}
