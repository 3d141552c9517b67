//! `zonesign-primitive`: how fast raw aws-lc-rs signs and verifies on one
//! thread, the floor that zonesign's signing pipeline is measured against
//! (`tools/compare` divides zonesign's CPU seconds by signatures × these
//! per-operation times).
//!
//! ```text
//! zonesign-primitive --algorithm 13 --seconds 3 --message-len 100
//! ```
//!
//! ECDSA P-256 (13) is always measured; `--algorithm` adds another of 8
//! (RSA/SHA-256, 2048 bits), 14 (ECDSA P-384) or 15 (Ed25519). Every message
//! differs (a counter in its first octets) and is about the size of the
//! signed data of a delegation's DS RRset. Verification uses a public key
//! parsed once (`ParsedPublicKey`), as zonesign's verifier does.
//!
//! The machine this runs on is shared and noisy, so the rates are taken
//! over the thread's CPU time (`/proc/thread-self/schedstat`, nanoseconds
//! on CPU), not over wall time: time spent waiting for a core is not
//! counted, just as `/usr/bin/time`'s user + system seconds, which
//! `tools/compare` divides by them, do not count it. The wall-time rate is
//! printed too.
//!
//! Output: one line per algorithm and operation, tab-separated, after a `#`
//! header line: algorithm, operation, operations, CPU seconds, operations
//! per CPU second, CPU microseconds per operation, wall seconds.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{
    self, EcdsaKeyPair, Ed25519KeyPair, KeyPair, ParsedPublicKey, RsaKeyPair,
};
use clap::Parser;

#[derive(Debug, Parser)]
#[command(name = "zonesign-primitive", version)]
struct Args {
    /// DNSSEC algorithm to measure besides 13: 8, 13, 14 or 15.
    #[arg(long, short = 'a', default_value_t = 13)]
    algorithm: u8,
    /// Seconds per operation and algorithm.
    #[arg(long, default_value_t = 3.0)]
    seconds: f64,
    /// Message length in octets.
    #[arg(long, default_value_t = 100)]
    message_len: usize,
}

enum Key {
    Rsa(RsaKeyPair),
    Ecdsa(EcdsaKeyPair),
    Ed25519(Ed25519KeyPair),
}

/// One measurement: `count` operations in `elapsed` CPU time (`wall` on
/// the clock).
struct Rate {
    count: u64,
    elapsed: Duration,
    wall: Duration,
}

/// Nanoseconds this thread has spent on a CPU: the first field of
/// `/proc/thread-self/schedstat` (Linux). Falls back to `None` elsewhere.
fn thread_cpu() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// A stopwatch over CPU time where the kernel reports it, else wall time.
struct Stopwatch {
    wall: Instant,
    cpu: Option<Duration>,
}

impl Stopwatch {
    fn start() -> Stopwatch {
        Stopwatch { wall: Instant::now(), cpu: thread_cpu() }
    }
    fn elapsed(&self) -> Duration {
        match (self.cpu, thread_cpu()) {
            (Some(a), Some(b)) => b.saturating_sub(a),
            _ => self.wall.elapsed(),
        }
    }
    fn stop(&self, count: u64) -> Rate {
        Rate { count, elapsed: self.elapsed(), wall: self.wall.elapsed() }
    }
}

impl Rate {
    fn per_second(&self) -> f64 {
        self.count as f64 / self.elapsed.as_secs_f64()
    }
    fn micros(&self) -> f64 {
        self.elapsed.as_secs_f64() * 1e6 / self.count as f64
    }
}

fn make_key(algorithm: u8) -> Result<(Key, ParsedPublicKey), String> {
    let fail = |e: &dyn std::fmt::Debug| format!("algorithm {algorithm}: {e:?}");
    Ok(match algorithm {
        8 => {
            let k = RsaKeyPair::generate(KeySize::Rsa2048).map_err(|e| fail(&e))?;
            let p = ParsedPublicKey::new(
                &signature::RSA_PKCS1_2048_8192_SHA256,
                k.public_key().as_ref(),
            )
            .map_err(|e| fail(&e))?;
            (Key::Rsa(k), p)
        }
        13 | 14 => {
            let (s, v) = if algorithm == 13 {
                (&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &signature::ECDSA_P256_SHA256_FIXED)
            } else {
                (&signature::ECDSA_P384_SHA384_FIXED_SIGNING, &signature::ECDSA_P384_SHA384_FIXED)
            };
            let k = EcdsaKeyPair::generate(s).map_err(|e| fail(&e))?;
            let p = ParsedPublicKey::new(v, k.public_key().as_ref()).map_err(|e| fail(&e))?;
            (Key::Ecdsa(k), p)
        }
        15 => {
            let k = Ed25519KeyPair::generate().map_err(|e| fail(&e))?;
            let p = ParsedPublicKey::new(&signature::ED25519, k.public_key().as_ref())
                .map_err(|e| fail(&e))?;
            (Key::Ed25519(k), p)
        }
        _ => return Err(format!("unsupported algorithm {algorithm} (8, 13, 14 or 15)")),
    })
}

fn sign(key: &Key, rng: &SystemRandom, msg: &[u8]) -> Vec<u8> {
    match key {
        Key::Rsa(k) => {
            let mut out = vec![0u8; k.public_modulus_len()];
            // Signing a well-formed message with a fresh key cannot fail.
            k.sign(&signature::RSA_PKCS1_SHA256, rng, msg, &mut out).expect("RSA sign");
            out
        }
        Key::Ecdsa(k) => k.sign(rng, msg).expect("ECDSA sign").as_ref().to_vec(),
        Key::Ed25519(k) => k.sign(msg).as_ref().to_vec(),
    }
}

fn stamp(msg: &mut [u8], i: u64) {
    let n = msg.len().min(8);
    msg[..n].copy_from_slice(&i.to_be_bytes()[..n]);
}

fn measure(algorithm: u8, seconds: f64, len: usize) -> Result<(Rate, Rate), String> {
    let (key, public) = make_key(algorithm)?;
    let rng = SystemRandom::new();
    let budget = Duration::from_secs_f64(seconds);
    let mut msg: Vec<u8> = (0..len).map(|i| i as u8).collect();

    // Sign: distinct messages; keep a pool of (message, signature) pairs for
    // the verify loop.
    let mut pool: Vec<(Vec<u8>, Vec<u8>)> = Vec::with_capacity(1024);
    let start = Stopwatch::start();
    let mut count = 0u64;
    while start.elapsed() < budget {
        for _ in 0..64 {
            stamp(&mut msg, count);
            let s = sign(&key, &rng, &msg);
            if pool.len() < 1024 {
                pool.push((msg.clone(), s));
            }
            std::hint::black_box(&msg);
            count += 1;
        }
    }
    let signing = start.stop(count);

    let start = Stopwatch::start();
    let mut count = 0u64;
    let mut next = 0usize;
    while start.elapsed() < budget {
        for _ in 0..64 {
            let (m, s) = &pool[next];
            public
                .verify_sig(std::hint::black_box(m), s)
                .map_err(|_| "a signature did not verify".to_owned())?;
            next = (next + 1) % pool.len();
            count += 1;
        }
    }
    let verifying = start.stop(count);
    Ok((signing, verifying))
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mut algorithms = vec![13u8];
    if args.algorithm != 13 {
        algorithms.push(args.algorithm);
    }
    println!("# algorithm\toperation\toperations\tcpu_seconds\tper_cpu_second\tcpu_microseconds\twall_seconds");
    for a in algorithms {
        match measure(a, args.seconds, args.message_len) {
            Ok((s, v)) => {
                for (op, r) in [("sign", s), ("verify", v)] {
                    println!(
                        "{a}\t{op}\t{}\t{:.3}\t{:.1}\t{:.3}\t{:.3}",
                        r.count,
                        r.elapsed.as_secs_f64(),
                        r.per_second(),
                        r.micros(),
                        r.wall.as_secs_f64()
                    );
                }
            }
            Err(e) => {
                eprintln!("zonesign-primitive: {e}");
                return ExitCode::from(2);
            }
        }
    }
    ExitCode::SUCCESS
}
