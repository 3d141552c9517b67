//! The HSM pool: every session of every proven HSM, owned by one worker
//! thread each, fed from one shared work queue.
//!
//! # Data flow
//! ```text
//! rayon worker (sign_batch, one chunk)          worker thread per session
//!   signing inputs computed here (digests) --> [bounded work queue] --> C_Sign ...
//!   verify every signature, place in order <-- [per-call reply queue] <--
//! ```
//! Work is shared, not assigned: an idle session takes the next sub-batch,
//! so a faster HSM does more. Each reply is checked before use: every
//! signature must verify under the published DNSKEY. An HSM whose session
//! errs or returns a bad signature is removed at once (all its workers stop
//! at their next batch) and the sub-batch goes back to the queue for the
//! others. Signatures from an HSM that has been removed are never used.
//! So is an HSM one of whose sessions waits on one C_Sign longer than the
//! HSM's `timeout`: the sub-batch is taken from it and given to the others
//! ([`Pool::take_stuck`]), and that session's thread, which may never
//! return from C_Sign, sends no reply and is not waited for.
//!
//! # Deadlock freedom
//! A call submits `n` sub-batches and has a reply queue of capacity `n`;
//! each submission produces exactly one reply and is resubmitted only after
//! its reply arrived, so workers never block on a reply. Submitting waits
//! on the work queue with a timeout and gives up when no HSM is left.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam::channel::{
    bounded, unbounded, Receiver, RecvTimeoutError, Select, SendTimeoutError, Sender, TryRecvError,
};
use cryptoki::context::Pkcs11;
use cryptoki::object::ObjectHandle;
use cryptoki::session::Session;

use super::config::{HsmConfig, HsmEntry, KeyEntry, TokenSelector};
use super::proof::{key_algorithm, mechanism, prove_key, signing_input};
use super::session::{
    ask, find_key_object, open_sessions, survey, Contexts, FoundHsm, OpenHsm, Survey, SurveyError,
    TokenFound,
};
use super::{pkcs11_error, HsmError};
use crate::sign::keys::{key_tag, not_of_zone, Algorithm, Dnskey};
use crate::sign::{RawSigner, ZoneKey};
use crate::verify::crypto::PreparedKey;
use crate::zone::name::Name;
use crate::zone::rtype::Class;

/// Whether the pool may run without the HSMs that failed the proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Degraded {
    /// Every configured HSM must pass (the default).
    Refuse,
    /// `--allow-degraded-pool`: continue on those that passed, loudly.
    Allow,
}

/// The state of one HSM, for messages and the report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum HsmStatus {
    /// Passed the proof and signed until the end.
    Active,
    /// Failed the proof; never used.
    Excluded { reason: String },
    /// Taken out of the pool while signing.
    Removed { reason: String },
}

impl std::fmt::Display for HsmStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HsmStatus::Active => write!(f, "active"),
            HsmStatus::Excluded { reason } => {
                write!(f, "excluded from the pool, never used: {reason}")
            }
            HsmStatus::Removed { reason } => {
                write!(
                    f,
                    "removed from the pool while signing, its work went to the others: {reason}"
                )
            }
        }
    }
}

/// Per-HSM figures for the JSON report.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HsmReport {
    pub name: String,
    pub token: String,
    pub sessions: usize,
    pub signatures: u64,
    pub failures: u64,
    /// Time its sessions spent in C_Sign, summed over the sessions: with
    /// the sign stage's wall time, how busy the pool kept this HSM
    /// (`busy_seconds / (sessions × wall)`; 1 is every session signing all
    /// the time). A token that lives in this process (SoftHSM2) counts
    /// the time its thread waited for a CPU too, and for the token's lock
    /// (SoftHSM2 decrypts the key of every C_SignInit under one mutex per
    /// token).
    pub busy_seconds: f64,
    pub status: HsmStatus,
}

#[derive(Debug)]
struct HsmState {
    name: String,
    token: String,
    sessions: usize,
    alive: AtomicBool,
    signatures: AtomicU64,
    failures: AtomicU64,
    /// Nanoseconds in C_Sign, all sessions.
    busy_nanos: AtomicU64,
    status: Mutex<HsmStatus>,
    /// How long one C_Sign of a session may take (`timeout`).
    timeout: Duration,
    /// Per session: the sub-batch it signs now, and since when its current
    /// C_Sign runs. A session past `timeout` loses it to the others
    /// ([`Pool::take_stuck`]); it then sends no reply of its own, and is
    /// never joined.
    in_flight: Vec<Mutex<Option<(Instant, Batch)>>>,
    /// Per session: its sub-batch was taken from it (it may never return).
    abandoned: Vec<AtomicBool>,
    /// Some call into this HSM went unanswered: its other sessions are not
    /// closed either (C_CloseSession on a dead link never returned, and
    /// hung the run after its zone was signed: the forty-second audit,
    /// 2026-12-07).
    unresponsive: AtomicBool,
}

impl HsmState {
    fn alive(&self) -> bool {
        self.alive.load(Ordering::Acquire)
    }
}

#[derive(Debug)]
struct PoolKey {
    entry: KeyEntry,
    algorithm: Algorithm,
    tag: u16,
    verifier: PreparedKey,
}

#[derive(Debug)]
struct Shared {
    hsms: Vec<HsmState>,
    keys: Vec<PoolKey>,
}

impl Shared {
    /// Takes an HSM out of the pool (once) and says so on standard error.
    fn remove(&self, hsm: usize, error: &HsmError) {
        let state = &self.hsms[hsm];
        state.failures.fetch_add(1, Ordering::Relaxed);
        if state.alive.swap(false, Ordering::AcqRel) {
            if let Ok(mut s) = state.status.lock() {
                *s = HsmStatus::Removed { reason: error.to_string() };
            }
            crate::diag!(
                "zonesign: WARNING: hsm {} removed from the pool, its work goes to the others: {error}",
                state.name
            );
        }
    }

    fn any_alive(&self) -> bool {
        self.hsms.iter().any(HsmState::alive)
    }

    fn removed(&self) -> Vec<String> {
        self.hsms
            .iter()
            .filter_map(|h| match h.status.lock().map(|s| s.clone()) {
                Ok(HsmStatus::Removed { reason } | HsmStatus::Excluded { reason }) => {
                    Some(format!("{}: {reason}", h.name))
                }
                _ => None,
            })
            .collect()
    }
}

/// One sub-batch of one key's signing inputs.
#[derive(Debug)]
struct Batch {
    key: usize,
    inputs: Arc<Vec<Vec<u8>>>,
    indices: Vec<usize>,
    reply: Sender<Reply>,
}

#[derive(Debug)]
enum Reply {
    Done {
        hsm: usize,
        indices: Vec<usize>,
        signatures: Vec<Vec<u8>>,
    },
    /// Not signed (the HSM failed or had been removed): submit again.
    Returned {
        indices: Vec<usize>,
    },
}

/// A session's thread, by (HSM, session).
type Worker = ((usize, usize), JoinHandle<()>);

/// A worker's session, handed back when the worker ends.
type Returned = ((usize, usize), Session);

/// Sub-batch size bounds: small enough to spread a chunk over all
/// sessions, large enough to keep queue traffic low.
const MAX_SUB_BATCH: usize = 64;

/// The pool. Signing goes through [`ZoneKey`]s from [`Pool::zone_keys`].
#[derive(Debug)]
pub struct Pool {
    shared: Arc<Shared>,
    work: Mutex<Option<Sender<Batch>>>,
    workers: Mutex<Vec<Worker>>,
    /// Where the workers hand their sessions back as they end.
    done: Mutex<Option<Receiver<Returned>>>,
    total_sessions: usize,
    contexts: Mutex<Option<Contexts>>,
}

/// Why the pool could not open, with every HSM's state for the report.
#[derive(Debug)]
pub struct PoolFailure {
    pub error: HsmError,
    pub hsms: Vec<HsmReport>,
}

/// An HSM that passed the proof: its sessions and, per session, the
/// private key handle of every key (handles are cached per session).
pub(super) struct Proven {
    pub open: OpenHsm,
    pub handles: Vec<Vec<ObjectHandle>>,
}

type ProofResult = Answer<Proven>;

/// What a proof thread is doing, and since when.
type Step = Arc<Mutex<(String, Instant)>>;

/// Opens every HSM with `sessions` sessions and runs the proof of `keys`
/// in each. Failures are collected per HSM (every key is tried, so one
/// run names every problem), in the configuration's order.
///
/// Modules are loaded one after the other (a library is initialised once
/// a process), each within its HSM's `timeout`. Then two rounds, each
/// step held to the HSM's `timeout`:
///
/// 1. every module's slots are surveyed, all modules at once, and each
///    HSM's token is picked from its module's survey and claimed, in the
///    configuration's order, so that a token reached by two entries is
///    refused the same way in every run ([`find_all`]);
/// 2. on one thread per HSM, all at once: the log-in, then each key's
///    proof.
///
/// An HSM that does not answer in time fails its proof
/// ([`HsmError::NoAnswer`], naming the step it was in) and its thread is
/// abandoned: `hsm check` and `sign` waited for ever on a test signature
/// that never came (left by the forty-fourth session's note), and on a
/// module whose slot list never came (the forty-fifth's).
pub(super) fn prove_all(
    config: &HsmConfig,
    contexts: &mut Contexts,
    keys: &[KeyEntry],
    sessions: impl Fn(&HsmEntry) -> usize,
) -> Vec<ProofResult> {
    let (failed, found) = find_all(config, contexts);
    let mut results: Vec<Option<ProofResult>> = failed.into_iter().map(|f| f.map(Err)).collect();
    let proving: Vec<(usize, Job<Proven>)> = found
        .into_iter()
        .map(|(i, found)| {
            let (count, keys) = (sessions(&config.hsms[i]), keys.to_vec());
            let job: Job<Proven> = Box::new(move |step| prove_hsm(found, count, &keys, step));
            (i, job)
        })
        .collect();
    for (i, proven) in on_hsm_threads(config, proving, "C_OpenSession, C_GetTokenInfo or C_Login") {
        results[i] = Some(proven);
    }
    results
        .into_iter()
        .map(|r| r.expect("every HSM has a result: its module's, its token's or its proof's"))
        .collect()
}

/// Opens one session (read-write or not) on every HSM and logs in, each
/// step held to the HSM's `timeout` as in [`prove_all`]; in the
/// configuration's order.
pub(super) fn open_all(
    config: &HsmConfig,
    contexts: &mut Contexts,
    read_write: bool,
) -> Vec<Answer<OpenHsm>> {
    let (failed, found) = find_all(config, contexts);
    let opening: Vec<(usize, Job<OpenHsm>)> = found
        .into_iter()
        .map(|(i, found)| {
            let job: Job<OpenHsm> =
                Box::new(move |_| open_sessions(found, 1, read_write).map_err(|e| vec![e]));
            (i, job)
        })
        .collect();
    let mut opened: Vec<Option<Answer<OpenHsm>>> = config.hsms.iter().map(|_| None).collect();
    for (i, open) in on_hsm_threads(config, opening, "C_OpenSession, C_GetTokenInfo or C_Login") {
        opened[i] = Some(open);
    }
    opened
        .into_iter()
        .zip(failed)
        .map(|(open, failed)| match (open, failed) {
            (Some(open), _) => open,
            (None, Some(e)) => Err(e),
            (None, None) => unreachable!("every HSM was found or failed"),
        })
        .collect()
}

/// Failures by HSM (`None` for one found), and the HSMs found.
type Finding = (Vec<Option<Vec<HsmError>>>, Vec<(usize, FoundHsm)>);

/// The first round of [`prove_all`]: every module loaded, one after the
/// other; then every module's slots surveyed ([`survey`]), all modules at
/// once, each call held to the longest `timeout` of the module's HSMs;
/// then each HSM's token picked from its module's survey and claimed, in
/// the configuration's order (a token reached by two entries is refused
/// the same way in every run).
fn find_all(config: &HsmConfig, contexts: &mut Contexts) -> Finding {
    let mut failed: Vec<Option<Vec<HsmError>>> = config.hsms.iter().map(|_| None).collect();
    // Per module: its context, its timeout, and by HSM, which module.
    let mut modules: Vec<(usize, Pkcs11, Duration)> = Vec::new();
    let mut module_of: Vec<Option<usize>> = config.hsms.iter().map(|_| None).collect();
    for (i, entry) in config.hsms.iter().enumerate() {
        // The module's longest timeout, each HSM judged by its own.
        let wait = config
            .hsms
            .iter()
            .filter(|h| Contexts::same_module(h, entry))
            .map(|h| h.timeout)
            .max()
            .unwrap_or(entry.timeout);
        let ctx = match contexts.context(entry, wait) {
            Ok((_, took)) if took > entry.timeout => {
                failed[i] = Some(vec![HsmError::NoAnswer {
                    hsm: entry.name.clone(),
                    key: None,
                    during: "C_GetFunctionList or C_Initialize (loading the module)".to_owned(),
                    seconds: entry.timeout.as_secs(),
                }]);
                continue;
            }
            Ok((ctx, _)) => ctx,
            Err(e) => {
                failed[i] = Some(vec![e]);
                continue;
            }
        };
        let index = contexts.module_index(entry);
        match modules.iter().position(|(k, _, _)| Some(*k) == index) {
            Some(m) => {
                modules[m].2 = modules[m].2.max(entry.timeout);
                module_of[i] = Some(m);
            }
            None => {
                module_of[i] = Some(modules.len());
                modules.push((index.unwrap_or(usize::MAX - i), ctx, entry.timeout));
            }
        }
    }
    // Each survey ends within twice its timeout whatever the module does
    // (every call it makes runs on a thread of its own), so the scope
    // cannot hang.
    let surveys: Vec<Result<Survey, SurveyError>> = std::thread::scope(|scope| {
        let started: Vec<_> = modules
            .iter()
            .map(|(_, ctx, timeout)| {
                let spawned = std::thread::Builder::new()
                    .name("pkcs11-survey".into())
                    .spawn_scoped(scope, move || survey(ctx, *timeout));
                spawned.map_err(|_| survey(ctx, *timeout))
            })
            .collect();
        started
            .into_iter()
            .map(|s| match s {
                Ok(handle) => handle.join().unwrap_or_else(|_| {
                    Err(SurveyError::Failed("the survey's thread ended without a result".into()))
                }),
                Err(done) => done,
            })
            .collect()
    });
    let mut found = Vec::new();
    for (i, entry) in config.hsms.iter().enumerate() {
        let Some(m) = module_of[i] else { continue };
        // Each HSM held to its own timeout, though its module was asked
        // once, with the longest of them.
        let no_answer = || HsmError::NoAnswer {
            hsm: entry.name.clone(),
            key: None,
            during: "C_GetSlotList".to_owned(),
            seconds: entry.timeout.as_secs(),
        };
        let token = match &surveys[m] {
            Ok(survey) if survey.listed_after > entry.timeout => Err(no_answer()),
            Ok(survey) => TokenFound::select(modules[m].1.clone(), survey, entry)
                .and_then(|t| t.claim(contexts, entry)),
            Err(SurveyError::NoAnswer) => Err(no_answer()),
            Err(SurveyError::Failed(why)) => Err(HsmError::Pkcs11 {
                hsm: entry.name.clone(),
                key: None,
                function: "C_GetSlotList".to_owned(),
                ckr: why.clone(),
            }),
        };
        match token {
            Ok(f) => found.push((i, f)),
            Err(e) => failed[i] = Some(vec![e]),
        }
    }
    (failed, found)
}

/// Work for one HSM's thread ([`on_hsm_threads`]); it says in the [`Step`]
/// which call it is in.
type Job<T> = Box<dyn FnOnce(&Mutex<(String, Instant)>) -> Answer<T> + Send>;

/// What one HSM's thread answers: its result, or every failure.
type Answer<T> = Result<T, Vec<HsmError>>;

/// Runs each job (by index into `config.hsms`) on a thread of its own and
/// returns every result in the jobs' order. A job whose current step
/// outlives its HSM's `timeout` gets [`HsmError::NoAnswer`] and its thread
/// is abandoned (an answer that comes later is not used: a slow HSM whose
/// last step outlived its timeout was reported proven while another was
/// still being waited for, the forty-first audit, 2026-12-07). `first` is
/// the step each job starts in.
fn on_hsm_threads<T: Send + 'static>(
    config: &HsmConfig,
    jobs: Vec<(usize, Job<T>)>,
    first: &str,
) -> Vec<(usize, Answer<T>)> {
    let mut results: Vec<(usize, Option<Answer<T>>)> = Vec::new();
    // Per job still running: what it is doing now, and since when, and
    // where its answer comes (`session::ask`: without a thread to spare
    // it runs here, without a deadline).
    let mut waiting: Vec<(usize, Step, Receiver<Answer<T>>)> = Vec::new();
    for (slot, (i, job)) in jobs.into_iter().enumerate() {
        results.push((i, None));
        let doing: Step = Arc::new(Mutex::new((first.to_owned(), Instant::now())));
        let doing2 = Arc::clone(&doing);
        waiting.push((slot, doing, ask(move || job(&doing2))));
    }
    loop {
        waiting.retain(|(slot, _, _)| results[*slot].1.is_none());
        if waiting.is_empty() {
            break;
        }
        let mut ready = Select::new();
        for (_, _, rx) in &waiting {
            ready.recv(rx);
        }
        let _ = ready.ready_timeout(Duration::from_millis(50));
        for (slot, doing, rx) in &waiting {
            let (i, result) = &mut results[*slot];
            let entry = &config.hsms[*i];
            match rx.try_recv() {
                Ok(r) => *result = Some(r),
                // A job that ended without an answer panicked.
                Err(TryRecvError::Disconnected) => {
                    *result = Some(Err(vec![HsmError::Pkcs11 {
                        hsm: entry.name.clone(),
                        key: None,
                        function: "the proof".into(),
                        ckr: super::session::ended_without_result("its call"),
                    }]))
                }
                Err(TryRecvError::Empty) => {
                    let (during, since) =
                        doing.lock().map(|d| d.clone()).unwrap_or_else(|p| p.into_inner().clone());
                    if super::clock::past(since, entry.timeout) {
                        super::note_thread_left_in_module();
                        *result = Some(Err(vec![HsmError::NoAnswer {
                            hsm: entry.name.clone(),
                            key: None,
                            during,
                            seconds: entry.timeout.as_secs(),
                        }]));
                    }
                }
            }
        }
    }
    results
        .into_iter()
        .map(|(i, r)| (i, r.expect("every job answered, failed or ran out of time")))
        .collect()
}

/// One HSM's part of [`prove_all`], on its own thread: logs in, proves
/// every key in the first session, finds the keys' handles in the others.
/// `doing` says which call it is in, for [`HsmError::NoAnswer`].
fn prove_hsm(
    found: FoundHsm,
    sessions: usize,
    keys: &[KeyEntry],
    doing: &Mutex<(String, Instant)>,
) -> ProofResult {
    let set = |what: String| {
        if let Ok(mut d) = doing.lock() {
            *d = (what, Instant::now());
        }
    };
    let open = open_sessions(found, sessions, false).map_err(|e| vec![e])?;
    let names = open.names();
    let mut errors = Vec::new();
    let mut first = Vec::with_capacity(keys.len());
    for key in keys {
        set(format!("the proof (key lookup and test signature) of {}", key.describe()));
        match prove_key(&open.sessions[0], &names, key) {
            Ok(h) => first.push(h),
            Err(e) => errors.push(e),
        }
    }
    // The sessions of a failed proof are closed on a thread not waited
    // for (see `open_sessions`): the answer here is the failure.
    if !errors.is_empty() {
        super::release_within(open, Duration::ZERO);
        return Err(errors);
    }
    set("C_FindObjects in its other sessions".to_owned());
    let mut handles = vec![first];
    for s in &open.sessions[1..] {
        let mut per_key = Vec::with_capacity(keys.len());
        for key in keys {
            match find_key_object(s, &names, key, cryptoki::object::ObjectClass::PRIVATE_KEY) {
                Ok(h) => per_key.push(h),
                Err(e) => {
                    super::release_within(open, Duration::ZERO);
                    return Err(vec![e]);
                }
            }
        }
        handles.push(per_key);
    }
    Ok(Proven { open, handles })
}

/// `zonesign hsm check`: the proof on every HSM, nothing else. Returns
/// every HSM's state and every failure, and the sessions and modules to
/// close once they are said.
pub fn check(config: &HsmConfig) -> (Vec<HsmReport>, Vec<HsmError>, super::Closing) {
    let mut contexts = Contexts::default();
    let results = prove_all(config, &mut contexts, &config.keys, |e| e.sessions);
    let mut reports = Vec::new();
    let mut failures = Vec::new();
    let mut proven = Vec::new();
    for (entry, r) in config.hsms.iter().zip(results) {
        let (token, status) = match r {
            Ok(p) => {
                let token = p.open.token.clone();
                proven.push(p);
                (token, HsmStatus::Active)
            }
            Err(errors) => {
                let reason = errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; ");
                failures.extend(errors);
                (token_name(&entry.token), HsmStatus::Excluded { reason })
            }
        };
        reports.push(HsmReport {
            name: entry.name.clone(),
            token,
            sessions: entry.sessions,
            signatures: 0,
            failures: 0,
            busy_seconds: 0.0,
            status,
        });
    }
    (reports, failures, super::Closing::new((proven, contexts), config.longest_timeout()))
}

/// An HSM's token as the reports name it: the label as configured (as for
/// the HSMs that passed, whose label the token reported), or the serial.
fn token_name(token: &TokenSelector) -> String {
    match token {
        TokenSelector::Label(l) => l.clone(),
        TokenSelector::Serial(s) => format!("serial {s}"),
    }
}

/// Opens the pool: proof on every HSM, then one worker thread per session.
/// With [`Degraded::Refuse`] any failure is fatal; with
/// [`Degraded::Allow`] the HSMs that failed are excluded (and named on
/// standard error), and at least one must pass.
pub fn open_pool(config: &HsmConfig, degraded: Degraded) -> Result<Arc<Pool>, Box<PoolFailure>> {
    open_pool_in(config, degraded, Contexts::default())
}

/// [`open_pool`] with the modules `contexts` loaded already (`hsm bench`,
/// after its own proofs: a fresh set initialised a module again, which one
/// the proofs left a thread in still held, and every HSM failed with
/// CKR_CRYPTOKI_ALREADY_INITIALIZED: the forty-fourth audit, 2026-12-07).
pub(super) fn open_pool_in(
    config: &HsmConfig,
    degraded: Degraded,
    mut contexts: Contexts,
) -> Result<Arc<Pool>, Box<PoolFailure>> {
    let fail = |error| Box::new(PoolFailure { error, hsms: Vec::new() });
    config.require_keys().map_err(fail)?;
    let mut keys = Vec::with_capacity(config.keys.len());
    for k in &config.keys {
        let algorithm = key_algorithm(k).map_err(fail)?;
        let dnskey =
            Dnskey::parse(&k.published, &k.describe()).map_err(|e| fail(HsmError::Key(e)))?;
        let verifier = PreparedKey::new(dnskey.algorithm, dnskey.public_key).map_err(|_| {
            fail(HsmError::Key(crate::sign::keys::KeyError::MalformedDnskey {
                key: k.describe(),
                reason: "the published public key cannot be parsed",
            }))
        })?;
        keys.push(PoolKey { entry: k.clone(), algorithm, tag: key_tag(&k.published), verifier });
    }

    let results = prove_all(config, &mut contexts, &config.keys, |e| e.sessions);
    let mut hsms = Vec::with_capacity(results.len());
    let mut proven = Vec::new();
    let mut failures = Vec::new();
    for (i, (entry, r)) in config.hsms.iter().zip(results).enumerate() {
        let (token, status) = match r {
            Ok(p) => {
                let token = p.open.token.clone();
                proven.push((i, p));
                (token, HsmStatus::Active)
            }
            Err(errors) => {
                let reason = errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; ");
                failures.extend(errors);
                (token_name(&entry.token), HsmStatus::Excluded { reason })
            }
        };
        let active = status == HsmStatus::Active;
        hsms.push(HsmState {
            name: entry.name.clone(),
            token,
            sessions: if active { entry.sessions } else { 0 },
            alive: AtomicBool::new(active),
            signatures: AtomicU64::new(0),
            failures: AtomicU64::new(0),
            busy_nanos: AtomicU64::new(0),
            status: Mutex::new(status),
            timeout: entry.timeout,
            in_flight: (0..entry.sessions).map(|_| Mutex::new(None)).collect(),
            abandoned: (0..entry.sessions).map(|_| AtomicBool::new(false)).collect(),
            unresponsive: AtomicBool::new(false),
        });
    }
    let reports = |hsms: &[HsmState]| hsms.iter().map(report_of).collect::<Vec<_>>();
    if proven.is_empty() {
        // Closed within the timeout, as on success: a module that never
        // returned from C_CloseSession or C_Finalize hung a `sign` whose
        // proofs had failed (the forty-sixth audit, 2026-12-07).
        super::release_within(contexts, config.longest_timeout());
        return Err(Box::new(PoolFailure {
            error: HsmError::Proof { failures, passed: 0, may_degrade: false },
            hsms: reports(&hsms),
        }));
    }
    if !failures.is_empty() {
        if degraded == Degraded::Refuse {
            let passed = proven.len();
            super::release_within((proven, contexts), config.longest_timeout());
            return Err(Box::new(PoolFailure {
                error: HsmError::Proof { failures, passed, may_degrade: true },
                hsms: reports(&hsms),
            }));
        }
        let passed: Vec<&str> =
            hsms.iter().filter(|h| h.alive()).map(|h| h.name.as_str()).collect();
        crate::diag!(
            "zonesign: WARNING: DEGRADED HSM POOL (--allow-degraded-pool): signing with {} of {} \
             HSMs ({}); excluded, never used:",
            passed.len(),
            hsms.len(),
            passed.join(", ")
        );
        for f in &failures {
            crate::diag!("zonesign: WARNING:   {f}");
        }
    }

    let total_sessions: usize = proven.iter().map(|(_, p)| p.open.sessions.len()).sum();
    let shared = Arc::new(Shared { hsms, keys });
    let (tx, rx) = bounded::<Batch>(2 * total_sessions);
    let mut workers = Vec::with_capacity(total_sessions);
    let (done_tx, done_rx) = unbounded::<Returned>();
    for (hsm, p) in proven {
        for (n, (session, handles)) in p.open.sessions.into_iter().zip(p.handles).enumerate() {
            let (rx, done) = (rx.clone(), done_tx.clone());
            let shared = Arc::clone(&shared);
            let name = format!("hsm-{}-{n}", shared.hsms[hsm].name);
            let spawned = std::thread::Builder::new().name(name).spawn(move || {
                let session = worker(session, handles, (hsm, n), shared, rx);
                let _ = done.send(((hsm, n), session));
            });
            match spawned {
                Ok(h) => workers.push(((hsm, n), h)),
                Err(_) => {
                    // The session moved into the failed closure and is
                    // dropped with it; the HSM runs with fewer sessions.
                }
            }
        }
    }
    Ok(Arc::new(Pool {
        shared,
        work: Mutex::new(Some(tx)),
        workers: Mutex::new(workers),
        done: Mutex::new(Some(done_rx)),
        total_sessions,
        contexts: Mutex::new(Some(contexts)),
    }))
}

fn report_of(h: &HsmState) -> HsmReport {
    HsmReport {
        name: h.name.clone(),
        token: h.token.clone(),
        sessions: h.sessions,
        signatures: h.signatures.load(Ordering::Relaxed),
        failures: h.failures.load(Ordering::Relaxed),
        busy_seconds: h.busy_nanos.load(Ordering::Relaxed) as f64 / 1e9,
        status: h.status.lock().map(|s| s.clone()).unwrap_or(HsmStatus::Active),
    }
}

/// One session's thread: takes sub-batches while its HSM is in the pool.
/// Returns the session so that it is closed from the thread that shuts
/// the pool down, after every worker has stopped (SoftHSMv2#464).
fn worker(
    session: Session,
    handles: Vec<ObjectHandle>,
    (hsm, n): (usize, usize),
    shared: Arc<Shared>,
    rx: Receiver<Batch>,
) -> Session {
    let slot = &shared.hsms[hsm].in_flight[n];
    let lock = || slot.lock().unwrap_or_else(|p| p.into_inner());
    for batch in rx.iter() {
        if !shared.hsms[hsm].alive() {
            let _ = batch.reply.send(Reply::Returned { indices: batch.indices });
            break;
        }
        let (key_index, inputs, indices) =
            (batch.key, Arc::clone(&batch.inputs), batch.indices.clone());
        let started = Instant::now();
        *lock() = Some((started, batch));
        let key = &shared.keys[key_index];
        let mech = mechanism(key.algorithm);
        let mut signatures = Vec::with_capacity(indices.len());
        let mut error = None;
        for &i in &indices {
            // The timeout holds for each C_Sign, not for the sub-batch: 64
            // RSA-4096 signatures of a healthy token took longer than a
            // `timeout = 1` that each of them kept (the forty-first audit,
            // 2026-12-07). A sub-batch taken meanwhile is not signed on.
            match lock().as_mut() {
                Some((since, _)) => *since = Instant::now(),
                None => break,
            }
            match session.sign(&mech, handles[key_index], &inputs[i]) {
                Ok(s) => signatures.push(s),
                Err(e) => {
                    error = Some(pkcs11_error(
                        &shared.hsms[hsm].name,
                        Some(&key.entry.describe()),
                        "C_Sign",
                        e,
                    ));
                    break;
                }
            }
        }
        let busy = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        shared.hsms[hsm].busy_nanos.fetch_add(busy, Ordering::Relaxed);
        // Taken while this session signed (past its timeout): the HSM is
        // out of the pool and the sub-batch with the others.
        let Some((_, batch)) = lock().take() else { break };
        match error {
            None => {
                let _ = batch.reply.send(Reply::Done { hsm, indices: batch.indices, signatures });
            }
            Some(e) => {
                shared.remove(hsm, &e);
                let _ = batch.reply.send(Reply::Returned { indices: batch.indices });
                break;
            }
        }
    }
    session
}

impl Pool {
    /// Every HSM's figures so far.
    pub fn reports(&self) -> Vec<HsmReport> {
        self.shared.hsms.iter().map(report_of).collect()
    }

    /// Sessions that sign (over every HSM that passed the proof).
    pub fn total_sessions(&self) -> usize {
        self.total_sessions
    }

    /// The pool's keys as zone keys; each key's owner must be `origin`.
    pub fn zone_keys(
        self: &Arc<Self>,
        origin: &Name,
        class: Class,
    ) -> Result<Vec<ZoneKey>, HsmError> {
        let members: Vec<&str> =
            self.shared.hsms.iter().filter(|h| h.alive()).map(|h| h.name.as_str()).collect();
        let mut out = Vec::with_capacity(self.shared.keys.len());
        for (i, k) in self.shared.keys.iter().enumerate() {
            // A key problem (exit 3), as the same file given with --key:
            // it was a configuration one, exit 2 (the twenty-ninth audit,
            // 2026-12-06).
            let entry = &k.entry;
            if let Some(reason) = not_of_zone(&entry.owner, entry.class, origin, class) {
                return Err(HsmError::PublishedDnskey {
                    path: entry.dnskey_source.clone(),
                    key: i + 1,
                    reason,
                });
            }
            out.push(ZoneKey {
                role: k.entry.role,
                algorithm: k.algorithm.number(),
                key_tag: k.tag,
                dnskey: k.entry.published.clone().into_boxed_slice(),
                signer: Arc::new(PoolSigner { pool: Arc::clone(self), key: i }),
                source: format!("hsm pool [{}] {}", members.join(", "), k.entry.describe()),
            });
        }
        Ok(out)
    }

    fn sender(&self) -> Option<Sender<Batch>> {
        self.work.lock().ok().and_then(|w| w.clone())
    }

    fn pool_empty(&self, key: usize) -> HsmError {
        HsmError::PoolEmpty {
            key: self.shared.keys[key].entry.describe(),
            removed: self.shared.removed(),
        }
    }

    /// Queues a sub-batch, waiting while the queue is full and some HSM is
    /// still in the pool.
    fn submit(&self, work: &Sender<Batch>, mut batch: Batch) -> Result<(), HsmError> {
        let key = batch.key;
        loop {
            if !self.shared.any_alive() {
                return Err(self.pool_empty(key));
            }
            match work.send_timeout(batch, Duration::from_millis(100)) {
                Ok(()) => return Ok(()),
                // A full queue whose sessions all wait on C_Sign calls that
                // never return: every caller waited here, and only a
                // caller waiting for replies took stuck sub-batches, so the
                // run hung, silently (the forty-second audit, 2026-12-07).
                Err(SendTimeoutError::Timeout(b)) => {
                    batch = b;
                    self.take_stuck(work)?;
                }
                Err(SendTimeoutError::Disconnected(_)) => return Err(self.pool_empty(key)),
            }
        }
    }

    /// Signs a batch for key `key` over every live session; the signatures
    /// come back in input order, each verified under the published DNSKEY.
    pub fn sign_batch(&self, key: usize, items: &[&[u8]]) -> Result<Vec<Vec<u8>>, HsmError> {
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let pk = &self.shared.keys[key];
        let work = self.sender().ok_or_else(|| self.pool_empty(key))?;
        let inputs: Arc<Vec<Vec<u8>>> =
            Arc::new(items.iter().map(|d| signing_input(pk.algorithm, d)).collect());
        // Enough sub-batches to reach every session twice over.
        let per = items.len().div_ceil(2 * self.total_sessions.max(1)).clamp(1, MAX_SUB_BATCH);
        let groups: Vec<Vec<usize>> =
            (0..items.len()).collect::<Vec<_>>().chunks(per).map(<[usize]>::to_vec).collect();
        let (reply_tx, reply_rx) = bounded::<Reply>(groups.len());
        let mut outstanding = groups.len();
        for indices in groups {
            let batch =
                Batch { key, inputs: Arc::clone(&inputs), indices, reply: reply_tx.clone() };
            self.submit(&work, batch)?;
        }
        let mut out: Vec<Option<Vec<u8>>> = vec![None; items.len()];
        while outstanding > 0 {
            let resubmit = match reply_rx.recv_timeout(Duration::from_millis(200)) {
                Ok(Reply::Done { hsm, indices, signatures }) => {
                    let state = &self.shared.hsms[hsm];
                    if !state.alive() {
                        Some(indices)
                    } else if let Some(&bad) = indices
                        .iter()
                        .zip(&signatures)
                        .find(|(&i, s)| pk.verifier.verify(items[i], s).is_err())
                        .map(|(i, _)| i)
                    {
                        let _ = bad;
                        self.shared.remove(
                            hsm,
                            &HsmError::BadSignature {
                                hsm: state.name.clone(),
                                token: format!("token \"{}\"", state.token),
                                key: pk.entry.describe(),
                                tag: pk.tag,
                            },
                        );
                        Some(indices)
                    } else {
                        state.signatures.fetch_add(indices.len() as u64, Ordering::Relaxed);
                        for (i, s) in indices.into_iter().zip(signatures) {
                            out[i] = Some(s);
                        }
                        outstanding -= 1;
                        None
                    }
                }
                Ok(Reply::Returned { indices }) => Some(indices),
                Err(RecvTimeoutError::Timeout) => {
                    self.take_stuck(&work)?;
                    if !self.shared.any_alive() {
                        return Err(self.pool_empty(key));
                    }
                    None
                }
                Err(RecvTimeoutError::Disconnected) => return Err(self.pool_empty(key)),
            };
            if let Some(indices) = resubmit {
                let batch =
                    Batch { key, inputs: Arc::clone(&inputs), indices, reply: reply_tx.clone() };
                self.submit(&work, batch)?;
            }
        }
        // Every index was filled: each group's Done placed all of its own.
        out.into_iter().map(|s| s.ok_or_else(|| self.pool_empty(key))).collect()
    }

    /// Takes the sub-batch from every session that has held one longer
    /// than its HSM's timeout, takes that HSM out of the pool, and gives
    /// the sub-batch to the others: an HSM that never answers C_Sign (a
    /// network HSM whose link drops packets) hung the whole run, silently
    /// (the thirty-eighth audit, 2026-12-07). Any waiting call does this
    /// for every call's sub-batches: each carries its own reply queue.
    fn take_stuck(&self, work: &Sender<Batch>) -> Result<(), HsmError> {
        for (h, state) in self.shared.hsms.iter().enumerate() {
            for (n, slot) in state.in_flight.iter().enumerate() {
                let taken = {
                    let mut slot = slot.lock().unwrap_or_else(|p| p.into_inner());
                    match &*slot {
                        Some((since, _)) if super::clock::past(*since, state.timeout) => {
                            slot.take()
                        }
                        _ => None,
                    }
                };
                let Some((_, batch)) = taken else { continue };
                state.abandoned[n].store(true, Ordering::Release);
                state.unresponsive.store(true, Ordering::Release);
                super::note_thread_left_in_module();
                let error = HsmError::NoAnswer {
                    hsm: state.name.clone(),
                    key: Some(self.shared.keys[batch.key].entry.describe()),
                    during: "C_Sign".into(),
                    seconds: state.timeout.as_secs(),
                };
                self.shared.remove(h, &error);
                self.submit(work, batch)?;
            }
        }
        Ok(())
    }

    /// Stops the workers, closes every session from this thread, then
    /// finalises the modules. Idempotent; also run on drop. A session
    /// whose sub-batch was taken for want of an answer may never return:
    /// it is not waited for; nor is any worker past the longest `timeout`.
    /// The sessions of an HSM that left a call unanswered are not closed
    /// (C_CloseSession on a dead link hung the run: the forty-second
    /// audit, 2026-12-07). Where any of that happened, the modules are left
    /// loaded (C_Finalize under a call that still runs is undefined).
    pub fn shutdown(&self) {
        if let Ok(mut w) = self.work.lock() {
            w.take();
        }
        let handles: Vec<Worker> =
            self.workers.lock().map(|mut w| w.drain(..).collect()).unwrap_or_default();
        let Some(done) = self.done.lock().ok().and_then(|mut d| d.take()) else { return };
        let hsms = &self.shared.hsms;
        let waiting = handles
            .iter()
            .filter(|((h, n), _)| !hsms[*h].abandoned[*n].load(Ordering::Acquire))
            .count();
        let mut stuck = waiting < handles.len();
        let longest = hsms.iter().map(|h| h.timeout).max().unwrap_or_default();
        let since = Instant::now();
        let mut sessions = Vec::with_capacity(waiting);
        while sessions.len() < waiting {
            match super::clock::recv_within(&done, since, longest) {
                Ok(returned) => sessions.push(returned),
                Err(_) => {
                    stuck = true;
                    break;
                }
            }
        }
        let mut closing = Vec::with_capacity(sessions.len());
        for ((h, _), session) in sessions {
            if hsms[h].unresponsive.load(Ordering::Acquire) {
                std::mem::forget(session);
                stuck = true;
            } else {
                closing.push(session);
            }
        }
        // Closed, then finalised, within the longest timeout: a module
        // that never returned from C_CloseSession or C_Finalize hung a run
        // whose zone was signed (the forty-fourth audit, 2026-12-07).
        let contexts = self.contexts.lock().ok().and_then(|mut c| c.take());
        if stuck {
            super::note_thread_left_in_module();
            std::mem::forget(contexts);
            super::release_within(closing, longest);
        } else {
            super::release_within((closing, contexts), longest);
        }
        // The workers that handed their sessions back end on their own.
        drop(handles);
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// One key of the pool as the pipeline sees it.
#[derive(Debug)]
struct PoolSigner {
    pool: Arc<Pool>,
    key: usize,
}

impl RawSigner for PoolSigner {
    fn sign(&self, signed_data: &[u8]) -> Result<Vec<u8>, String> {
        let mut v = self.sign_batch(&[signed_data])?;
        v.pop().ok_or_else(|| "the HSM pool returned no signature".to_owned())
    }

    fn sign_batch(&self, items: &[&[u8]]) -> Result<Vec<Vec<u8>>, String> {
        self.pool.sign_batch(self.key, items).map_err(|e| e.to_string())
    }

    fn waits_on_device(&self) -> bool {
        true
    }
}
