//! `zonesign hsm bench`: how many signatures per second each HSM, and the
//! pool, can make; latency percentiles; a projection for a zone.
//!
//! # Method
//! The first configured key is proven in every HSM first (a benchmark on
//! the wrong key would be a benchmark of the wrong thing). Then, per HSM
//! and per session count, that many threads each own one session and call
//! C_Sign in a loop on a precomputed signing input for `duration`; every
//! call's latency is recorded, and an even sample of each session's
//! signatures is verified afterwards under the published key. Proofs and
//! measurements are bounded by each HSM's `timeout`. The whole pool is
//! measured through the same path the signer uses
//! ([`super::pool::Pool::sign_batch`], batches of [`POOL_BATCH`], every
//! signature verified). Software signing (aws-lc-rs, a fresh key of the
//! same algorithm) runs beside it, one thread and one per core, for
//! comparison.
//!
//! The arithmetic ([`rate`], [`percentile`], [`project`]) has unit tests:
//! a signer that reports a wrong rate misleads capacity planning.

use std::time::{Duration, Instant};

use std::sync::Arc;

use crossbeam::channel::{unbounded, RecvTimeoutError};
use cryptoki::session::Session;

use super::config::{HsmConfig, KeyEntry};
use super::pool::{open_pool_in, prove_all, Degraded, Proven};
use super::proof::{key_algorithm, mechanism, signing_input};
use super::session::Contexts;
use super::{pkcs11_error, HsmError};
use crate::sign::keys::{key_tag, Algorithm, Dnskey};
use crate::verify::crypto::PreparedKey;
use crate::zone::name::Name;
use crate::zone::rtype::Rtype;

/// Signatures per pool request, as the pipeline sends them (about one
/// chunk of owner names for one key).
pub const POOL_BATCH: usize = 512;

/// What to measure.
#[derive(Debug)]
pub struct BenchRequest {
    pub duration: Duration,
    pub sessions: Vec<usize>,
    /// `--zone`: its origin and the zone, loaded before anything is
    /// measured (a zone that does not load was found after the
    /// measurement: the forty-first audit, 2026-12-07).
    pub zone: Option<(Name, crate::zone::Zone)>,
}

/// One measurement.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BenchRow {
    /// An HSM name, `pool`, or `software`.
    pub target: String,
    /// Sessions (HSM) or threads (software, pool callers).
    pub sessions: usize,
    /// More sessions or threads than ran, when no thread could be started
    /// for the rest (`ulimit -u`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sessions_asked: Option<usize>,
    /// Signatures per request: 1 for a direct C_Sign, [`POOL_BATCH`] for the pool.
    pub batch: usize,
    pub signatures: u64,
    pub seconds: f64,
    pub signatures_per_second: f64,
    /// Latency of one request in microseconds.
    pub latency_p50_us: f64,
    pub latency_p99_us: f64,
    /// Of `seconds`, how long the run was stopped (SIGSTOP, Ctrl-Z): the
    /// rate is of wall time, and too low by that much.
    #[serde(skip_serializing_if = "is_zero")]
    pub stopped_seconds: f64,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

/// The projection for `--zone`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Projection {
    pub zone: String,
    /// Signatures the zone needs with the configured keys (NSEC estimate:
    /// one denial record per signed owner).
    pub signatures: u64,
    pub pool_seconds: f64,
    pub software_seconds: f64,
}

/// The whole result, as `--json` prints it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BenchReport {
    pub key: String,
    pub algorithm: u8,
    pub rows: Vec<BenchRow>,
    pub projection: Option<Projection>,
}

/// Signatures per second; 0 for no time.
pub fn rate(signatures: u64, elapsed: Duration) -> f64 {
    let s = elapsed.as_secs_f64();
    if s > 0.0 {
        signatures as f64 / s
    } else {
        0.0
    }
}

/// The `p`-th percentile (0..=100) of sorted samples, nearest rank.
pub fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1] as f64
}

/// Seconds to make `signatures` at `per_second`.
pub fn project(signatures: u64, per_second: f64) -> f64 {
    if per_second > 0.0 {
        signatures as f64 / per_second
    } else {
        f64::INFINITY
    }
}

fn row(
    target: &str,
    sessions: usize,
    batch: usize,
    count: u64,
    (start, elapsed): (Instant, Duration),
    mut lat: Vec<u64>,
) -> BenchRow {
    lat.sort_unstable();
    let stopped = super::clock::stopped_between(start, start + elapsed).min(elapsed);
    BenchRow {
        target: target.to_owned(),
        sessions,
        sessions_asked: None,
        batch,
        signatures: count,
        seconds: elapsed.as_secs_f64(),
        signatures_per_second: rate(count, elapsed),
        latency_p50_us: percentile(&lat, 50.0),
        latency_p99_us: percentile(&lat, 99.0),
        stopped_seconds: stopped.as_secs_f64(),
    }
}

/// The most signatures each session keeps for checking after the
/// measurement ([`Sample`]).
const SAMPLES_PER_SESSION: usize = 64;

/// An even sample of one session's signatures, the last always among
/// them: every `stride`-th is kept, and the stride doubles (every other one
/// dropped) when the sample is full. Checked after the measurement, so
/// that verifying costs the measured HSM nothing: `hsm bench` rated an HSM
/// whose signatures went bad mid-measurement, and exited 0 (left by the
/// forty-fourth session's note).
#[derive(Debug, Default)]
struct Sample {
    kept: Vec<Vec<u8>>,
    stride: u64,
    seen: u64,
    last: Option<Vec<u8>>,
}

impl Sample {
    fn add(&mut self, signature: Vec<u8>) {
        self.stride = self.stride.max(1);
        if self.seen.is_multiple_of(self.stride) && self.kept.len() == SAMPLES_PER_SESSION {
            // Full: every other one goes, and the stride doubles.
            let mut position = 0u64;
            self.kept.retain(|_| {
                position += 1;
                !position.is_multiple_of(2)
            });
            self.stride *= 2;
        }
        if self.seen.is_multiple_of(self.stride) {
            self.kept.push(signature);
        } else {
            self.last = Some(signature);
        }
        self.seen += 1;
    }

    fn signatures(self) -> impl Iterator<Item = Vec<u8>> {
        self.kept.into_iter().chain(self.last)
    }
}

/// What one HSM's bench needs besides its sessions.
struct HsmUnderTest<'a> {
    name: &'a str,
    token: &'a str,
    key: &'a KeyEntry,
    /// The published key, to check the signatures with.
    verifier: &'a PreparedKey,
    timeout: Duration,
}

/// The data the bench signs, and its signing input.
const BENCH_DATA: &[u8] = b"zonesign hsm bench: a typical signed data block";

/// Runs `sessions` threads, each owning one session, for `duration`.
/// Returns the sessions (closed later, from one thread), those whose
/// thread could not start among them, and the row. A
/// session whose C_Sign does not return within the HSM's `timeout` after
/// the measurement's end fails the bench ([`HsmError::NoAnswer`]); its
/// thread is abandoned. A sampled signature that does not verify under
/// the published key fails it too ([`HsmError::BadSignature`]).
fn bench_sessions(
    hsm: &HsmUnderTest<'_>,
    sessions: Vec<Session>,
    handles: &[cryptoki::object::ObjectHandle],
    algorithm: Algorithm,
    duration: Duration,
) -> Result<(Vec<Session>, BenchRow), HsmError> {
    type Done = (Session, Result<(Vec<u64>, Sample), HsmError>);
    let n = sessions.len();
    let input: Arc<[u8]> = signing_input(algorithm, BENCH_DATA).into();
    let (tx, rx) = unbounded::<Done>();
    let start = Instant::now();
    // A session whose thread cannot start stays here, to be closed with
    // the others within the timeout: dropped with the thread's closure, it
    // was closed at once, with no deadline (a module that never returned
    // from C_CloseSession hung the bench under a thread limit, and the
    // next row's sessions were short of its count: a panic; the
    // seventy-ninth audit).
    let mut idle = Vec::new();
    for (session, &handle) in sessions.into_iter().zip(handles) {
        let (tx, input, name) = (tx.clone(), Arc::clone(&input), hsm.name.to_owned());
        let run = move |session: Session| {
            let mech = mechanism(algorithm);
            let mut lat = Vec::new();
            let mut sample = Sample::default();
            let deadline = start + duration;
            // At least one signature each: on a loaded machine a thread
            // may start after the deadline, and a row of no signatures
            // would measure nothing.
            while lat.is_empty() || Instant::now() < deadline {
                let t = Instant::now();
                match session.sign(&mech, handle, &input) {
                    Ok(signature) => sample.add(signature),
                    Err(e) => return (session, Err(pkcs11_error(&name, None, "C_Sign", e))),
                }
                lat.push(t.elapsed().as_micros() as u64);
            }
            (session, Ok((lat, sample)))
        };
        let (give, take) = crossbeam::channel::bounded::<Session>(1);
        let started =
            std::thread::Builder::new().name(format!("bench-{}", hsm.name)).spawn(move || {
                if let Ok(session) = take.recv() {
                    let _ = tx.send(run(session));
                }
            });
        match started {
            Ok(_) => {
                if let Err(unsent) = give.send(session) {
                    idle.push(unsent.into_inner());
                }
            }
            Err(_) => idle.push(session),
        }
    }
    drop(tx);
    let n = n - idle.len();
    let mut results = Vec::with_capacity(n);
    while results.len() < n {
        match super::clock::recv_within(&rx, start, duration + hsm.timeout) {
            Ok(done) => results.push(done),
            Err(RecvTimeoutError::Disconnected) => break,
            Err(RecvTimeoutError::Timeout) => {
                super::note_thread_left_in_module();
                super::release_within(results, hsm.timeout);
                return Err(HsmError::NoAnswer {
                    hsm: hsm.name.to_owned(),
                    key: Some(hsm.key.describe()),
                    during: "C_Sign".into(),
                    seconds: hsm.timeout.as_secs(),
                });
            }
        }
    }
    let elapsed = start.elapsed();
    let ran = results.len();
    let mut back = idle;
    let mut all = Vec::new();
    let mut first_error = None;
    for (s, r) in results {
        back.push(s);
        match r {
            Ok((l, sample)) => {
                all.extend(l);
                let bad =
                    sample.signatures().any(|sig| hsm.verifier.verify(BENCH_DATA, &sig).is_err());
                if bad && first_error.is_none() {
                    first_error = Some(HsmError::BadSignature {
                        hsm: hsm.name.to_owned(),
                        token: format!("token \"{}\"", hsm.token),
                        key: hsm.key.describe(),
                        tag: key_tag(&hsm.key.published),
                    });
                }
            }
            Err(e) => first_error = first_error.or(Some(e)),
        }
    }
    if let Some(e) = first_error {
        super::release_within(back, hsm.timeout);
        return Err(e);
    }
    let asked = back.len();
    let mut row = row(hsm.name, ran, 1, all.len() as u64, (start, elapsed), all);
    row.sessions_asked = (ran < asked).then_some(asked);
    Ok((back, row))
}

/// Software signing with `threads` threads for `duration`.
fn bench_software(
    algorithm: Algorithm,
    rsa_bits: Option<usize>,
    threads: usize,
    duration: Duration,
) -> Result<BenchRow, HsmError> {
    let key = crate::sign::keys::generate(algorithm, &Name::root(), 256, rsa_bits)
        .map_err(HsmError::Key)?;
    let data = [0x5au8; 160];
    let start = Instant::now();
    let runs = on_threads(threads, || {
        let mut lat = Vec::new();
        // At least one signature each, as in `bench_sessions`.
        while lat.is_empty() || start.elapsed() < duration {
            let t = Instant::now();
            if key.sign(&data).is_err() {
                break;
            }
            lat.push(t.elapsed().as_micros() as u64);
        }
        lat
    });
    let elapsed = start.elapsed();
    let ran = runs.len();
    let lat: Vec<u64> = runs.into_iter().flatten().collect();
    let mut row = row("software", ran, 1, lat.len() as u64, (start, elapsed), lat);
    row.sessions_asked = (ran < threads).then_some(threads);
    Ok(row)
}

/// The pool as the signer uses it: `callers` threads send batches.
fn bench_pool(
    config: &HsmConfig,
    contexts: Contexts,
    callers: usize,
    duration: Duration,
) -> Result<BenchRow, HsmError> {
    // `hsm bench` has no --allow-degraded-pool: no hint to it (the
    // fourteenth audit, 2026-12-06).
    let pool = open_pool_in(config, Degraded::Refuse, contexts).map_err(|f| match f.error {
        HsmError::Proof { failures, passed, .. } => {
            HsmError::Proof { failures, passed, may_degrade: false }
        }
        error => error,
    })?;
    let data: Vec<Vec<u8>> =
        (0..POOL_BATCH).map(|i| format!("zonesign bench {i:08}").into_bytes()).collect();
    let items: Vec<&[u8]> = data.iter().map(Vec::as_slice).collect();
    let start = Instant::now();
    let results: Vec<Result<(u64, Vec<u64>), HsmError>> = on_threads(callers, || {
        let mut lat = Vec::new();
        let mut n = 0u64;
        // At least one batch each, as in `bench_sessions`.
        while lat.is_empty() || start.elapsed() < duration {
            let t = Instant::now();
            let sigs = pool.sign_batch(0, &items)?;
            n += sigs.len() as u64;
            lat.push(t.elapsed().as_micros() as u64);
        }
        Ok((n, lat))
    });
    let elapsed = start.elapsed();
    // An HSM the pool took out while measured (bad signatures, no answer)
    // fails the bench, as in the rows of each HSM: the pool row counted
    // its sessions, and the bench exited 0 (the forty-first audit,
    // 2026-12-07).
    let removed: Vec<String> = pool
        .reports()
        .into_iter()
        .filter_map(|r| match r.status {
            super::HsmStatus::Removed { reason } => Some(reason),
            _ => None,
        })
        .collect();
    pool.shutdown();
    if !removed.is_empty() {
        return Err(HsmError::RemovedWhileMeasured { removed });
    }
    let (mut count, mut lat) = (0, Vec::new());
    for r in results {
        let (n, l) = r?;
        count += n;
        lat.extend(l);
    }
    Ok(row("pool", pool.total_sessions(), POOL_BATCH, count, (start, elapsed), lat))
}

/// Runs `measure` on `n` threads, as many as can be started, or on this one
/// where none can: `std::thread::scope`'s `spawn` panicked under a thread
/// limit (`ulimit -u`, exit 101: the seventy-eighth audit, 2026-12-07).
/// One result per run.
fn on_threads<T: Send>(n: usize, measure: impl Fn() -> T + Sync) -> Vec<T> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n)
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(scope, &measure).ok())
            .collect();
        if handles.is_empty() {
            return vec![measure()];
        }
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    })
}

/// For an RSA key, the size of software key to compare it with: the
/// modulus size of `public_key` (RFC 3110 §2: exponent length, exponent,
/// modulus), rounded up to one aws-lc-rs generates (2048, 3072, 4096).
fn rsa_software_bits(algorithm: Algorithm, public_key: &[u8]) -> Option<usize> {
    if !matches!(algorithm, Algorithm::RsaSha256 | Algorithm::RsaSha512) {
        return None;
    }
    let (exponent, at) = match *public_key.first()? {
        0 => (usize::from(u16::from_be_bytes([*public_key.get(1)?, *public_key.get(2)?])), 3),
        n => (usize::from(n), 1),
    };
    let modulus = public_key.get(at + exponent..)?;
    let lead = modulus.iter().position(|&b| b != 0)?;
    let bits = (modulus.len() - lead) * 8 - modulus[lead].leading_zeros() as usize;
    [2048, 3072, 4096].into_iter().find(|&b| bits <= b).or(Some(4096))
}

/// Signatures a zone needs with `zsks` zone-signing keys (KSK-only
/// algorithms sign everything too) and `ksks` key-signing keys, signed as
/// `zonesign sign` signs it without denial options: the input's denial
/// kept, NSEC for an unsigned zone. The input's DNSSEC records are made
/// again, not signed as data; an empty non-terminal has an NSEC3 but no
/// NSEC (RFC 4034 §4.1.1); an insecure delegation under Opt-Out has
/// neither (RFC 5155 §6). Counted as data, the NSEC and NSEC3 records of a
/// signed input made the projection up to 29 times too many (the
/// sixty-fourth audit, 2026-12-07). The NSEC3 owners are the chain's own
/// ([`crate::denial::nsec3::nsec3_owners`]): an empty non-terminal above
/// insecure delegations only has none under Opt-Out (RFC 5155 §7.1), which
/// the projection counted (the sixty-fifth audit).
fn zone_signatures(zone: &crate::zone::Zone, zsks: u64, ksks: u64) -> u64 {
    use crate::denial::nsec3::nsec3_owners;
    use crate::sign::DenialMode;
    let made_again =
        |t: Rtype| matches!(t, Rtype::RRSIG | Rtype::NSEC | Rtype::NSEC3 | Rtype::NSEC3PARAM);
    let opt_out = match DenialMode::of_input(zone) {
        Some(DenialMode::Nsec3(p)) => Some(p.opt_out),
        _ => None,
    };
    let nsec3 = opt_out.is_some();
    let mut rrsets = u64::from(nsec3);
    let mut denial = opt_out.map_or(0, |o| nsec3_owners(zone, o).len() as u64);
    for node in &zone.nodes {
        if !node.flags.is_authoritative() {
            continue;
        }
        let kept = node.rrsets.iter().filter(|r| !made_again(r.rtype));
        let mut has_data = false;
        for r in kept {
            has_data = true;
            if node.is_signed_rrset(r.rtype) && r.rtype != Rtype::DNSKEY {
                rrsets += 1;
            }
        }
        if !nsec3 {
            denial += u64::from(has_data);
        }
    }
    (rrsets + denial) * zsks.max(1) + ksks.max(1)
}

/// Runs the benchmark.
pub fn bench(config: &HsmConfig, req: &BenchRequest) -> Result<BenchReport, HsmError> {
    config.require_keys()?;
    let key = &config.keys[0];
    let algorithm = key_algorithm(key)?;
    let max_sessions = req.sessions.iter().copied().max().unwrap_or(1).max(1);
    let mut rows = Vec::new();
    let dnskey = Dnskey::parse(&key.published, &key.describe()).map_err(HsmError::Key)?;
    let verifier = PreparedKey::new(dnskey.algorithm, dnskey.public_key).map_err(|_| {
        HsmError::Key(crate::sign::keys::KeyError::MalformedDnskey {
            key: key.describe(),
            reason: "the published public key cannot be used for verification",
        })
    })?;
    let mut contexts = Contexts::default();
    // Every HSM proven first, each within its timeout, every failure named,
    // for every key: the pool's measurement proves them all, and a key
    // missing from one HSM failed the bench only after the rows of every
    // HSM (the forty-first audit, 2026-12-07).
    let proofs = prove_all(config, &mut contexts, &config.keys, |_| max_sessions);
    let mut proven = Vec::with_capacity(proofs.len());
    let mut failures = Vec::new();
    for r in proofs {
        match r {
            Ok(p) => proven.push(p),
            Err(e) => failures.extend(e),
        }
    }
    // On every way out, the sessions are closed and the modules finalised
    // within the timeout: a module that never returned from
    // C_CloseSession hung a bench that had failed (the forty-sixth audit,
    // 2026-12-07).
    let longest = config.longest_timeout();
    if !failures.is_empty() {
        let passed = proven.len();
        super::release_within((proven, contexts), longest);
        return Err(HsmError::Proof { failures, passed, may_degrade: false });
    }
    let mut measured = Vec::with_capacity(proven.len());
    let mut failed = None;
    let mut proven = proven.into_iter();
    for Proven { mut open, handles } in proven.by_ref() {
        let handles: Vec<_> = handles.iter().map(|per_key| per_key[0]).collect();
        let under_test = HsmUnderTest {
            name: &open.entry.name,
            token: &open.token,
            key,
            verifier: &verifier,
            timeout: open.entry.timeout,
        };
        let mut all = std::mem::take(&mut open.sessions);
        for &n in &req.sessions {
            let n = n.clamp(1, max_sessions);
            let rest = all.split_off(n);
            match bench_sessions(&under_test, all, &handles[..n], algorithm, req.duration) {
                Ok((back, r)) => {
                    rows.push(r);
                    all = back;
                    all.extend(rest);
                }
                Err(e) => {
                    failed = Some(e);
                    all = rest;
                    break;
                }
            }
        }
        open.sessions = all;
        measured.push(open);
        if failed.is_some() {
            break;
        }
    }
    if let Some(e) = failed {
        let left: Vec<Proven> = proven.collect();
        super::release_within((measured, left, contexts), longest);
        return Err(e);
    }
    // Closed within the timeout, nothing else using the module.
    super::release_within(measured, longest);
    let callers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).max(2);
    let pool_row = bench_pool(config, contexts, callers, req.duration)?;
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    // The software rows sign with a key of the pool key's size: RSA keys
    // were always 2048 bits, and the rows of an RSA-4096 pool overstated
    // software about 13 times (the forty-first audit, 2026-12-07).
    let bits = rsa_software_bits(algorithm, dnskey.public_key);
    let soft1 = bench_software(algorithm, bits, 1, req.duration)?;
    let soft_n = if threads > 1 {
        Some(bench_software(algorithm, bits, threads, req.duration)?)
    } else {
        None
    };
    let projection = match &req.zone {
        None => None,
        Some((origin, zone)) => {
            let zsks = config.keys.iter().filter(|k| k.role != crate::sign::KeyRole::Ksk).count();
            let ksks = config.keys.iter().filter(|k| k.role != crate::sign::KeyRole::Zsk).count();
            let sigs = zone_signatures(zone, zsks as u64, ksks as u64);
            let best_soft = soft_n.as_ref().unwrap_or(&soft1).signatures_per_second;
            Some(Projection {
                zone: origin.to_string(),
                signatures: sigs,
                pool_seconds: project(sigs, pool_row.signatures_per_second),
                software_seconds: project(sigs, best_soft),
            })
        }
    };
    rows.push(pool_row);
    rows.push(soft1);
    rows.extend(soft_n);
    Ok(BenchReport { key: key.describe(), algorithm: algorithm.number(), rows, projection })
}

/// The human table.
pub fn format_table(report: &BenchReport) -> String {
    let mut s = format!("zonesign hsm bench: {} (algorithm {})\n", report.key, report.algorithm);
    s.push_str(&format!(
        "{:<12} {:>8} {:>6} {:>10} {:>12} {:>12} {:>12}\n",
        "target", "sessions", "batch", "signatures", "sig/s", "p50 (us)", "p99 (us)"
    ));
    for r in &report.rows {
        s.push_str(&format!(
            "{:<12} {:>8} {:>6} {:>10} {:>12.0} {:>12.0} {:>12.0}\n",
            r.target,
            r.sessions,
            r.batch,
            r.signatures,
            r.signatures_per_second,
            r.latency_p50_us,
            r.latency_p99_us
        ));
    }
    if let Some(p) = &report.projection {
        s.push_str(&format!(
            "projection for {}: {} signatures: {:.1} s through the pool, {:.1} s in software\n",
            p.zone, p.signatures, p.pool_seconds, p.software_seconds
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(text: &str) -> crate::zone::Zone {
        use crate::load::{load_bytes, LoadOptions};
        let origin = Name::parse(b"example.", &Name::root()).unwrap();
        let opts = LoadOptions::new(origin.clone());
        let loaded = load_bytes(text.as_bytes(), std::path::Path::new("z"), &opts).unwrap();
        crate::zone::Zone::build(loaded, &origin).unwrap()
    }

    /// The projection counts what `sign` signs: the input's NSEC and NSEC3
    /// records were counted as data beside the NSEC of every node, empty
    /// non-terminals had an NSEC, and Opt-Out was ignored (up to 29 times
    /// too many for a signed input: the sixty-fourth audit, 2026-12-07).
    #[test]
    fn regression_the_projection_counts_the_signatures_sign_makes() {
        let base = "$TTL 300\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\na A 192.0.2.2\n\
                    x.y.z A 192.0.2.3\nd1 NS ns.other.\nd2 NS ns.other.\nd2 DS 1 13 2 \
                    0000000000000000000000000000000000000000000000000000000000000000\n";
        // Data: SOA, NS, ns A, a A, x.y.z A, d2 DS; an NSEC at the six
        // names with data (not at the empty non-terminals y.z and z).
        assert_eq!(zone_signatures(&zone(base), 1, 1), 12 + 1);
        let nsec = format!("{base}@ NSEC a SOA NS RRSIG NSEC\na NSEC d1 A RRSIG NSEC\n");
        assert_eq!(zone_signatures(&zone(&nsec), 1, 1), 12 + 1);
        // NSEC3 Opt-Out kept from the input: the NSEC3PARAM; an NSEC3 at
        // the names with data and the empty non-terminals, none at the
        // insecure d1 nor at the input's hashed owner.
        let opt_out = format!(
            "{base}@ NSEC3PARAM 1 0 0 -\n\
             00000000000000000000000000000000 NSEC3 1 1 0 - 00000000000000000000000000000000 A\n"
        );
        assert_eq!(zone_signatures(&zone(&opt_out), 1, 1), 7 + 7 + 1);
        // RFC 5155 §7.1: "Each empty non-terminal MUST have a corresponding
        // NSEC3 RR, unless the empty non-terminal is only derived from an
        // insecure delegation covered by an Opt-Out NSEC3 RR": the empty
        // non-terminal e above the insecure p.e has none under Opt-Out (it
        // was counted: the sixty-fifth audit, 2026-12-07); without Opt-Out
        // both have one.
        let above_insecure = format!("{opt_out}p.e NS ns.other.\n");
        assert_eq!(zone_signatures(&zone(&above_insecure), 1, 1), 7 + 7 + 1);
        let no_opt_out = above_insecure.replace("NSEC3 1 1 0", "NSEC3 1 0 0");
        assert_eq!(zone_signatures(&zone(&no_opt_out), 1, 1), 7 + 10 + 1);
    }

    #[test]
    fn rate_is_signatures_over_seconds() {
        assert_eq!(rate(1000, Duration::from_millis(500)), 2000.0);
        assert_eq!(rate(7, Duration::ZERO), 0.0);
        assert_eq!(project(3000, 1500.0), 2.0);
        assert!(project(1, 0.0).is_infinite());
    }

    /// The sample stays within its bound, spreads over the whole run, and
    /// always holds the last signature.
    #[test]
    fn sample_is_even_bounded_and_keeps_the_last() {
        for total in [1u64, 2, 63, 64, 65, 1000, 4097] {
            let mut s = Sample::default();
            for i in 0..total {
                s.add(i.to_be_bytes().to_vec());
            }
            let kept: Vec<u64> = s
                .signatures()
                .map(|v| u64::from_be_bytes(v.try_into().expect("eight octets")))
                .collect();
            assert!(kept.len() <= SAMPLES_PER_SESSION + 1, "{total}: {kept:?}");
            assert_eq!(kept.first(), Some(&0), "{total}");
            assert!(kept.contains(&(total - 1)), "{total}: {kept:?}");
            if total >= 1000 {
                assert!(kept.len() >= SAMPLES_PER_SESSION / 2, "{total}: {kept:?}");
                assert!(kept.iter().any(|&i| i > total / 2 && i < total - 1), "{kept:?}");
            }
        }
    }

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 99.0), 99.0);
        assert_eq!(percentile(&[5], 99.0), 5.0);
        assert_eq!(percentile(&[], 50.0), 0.0);
    }
}
