//! The commands, as library functions: each takes its configuration, runs
//! the stages and maps every failure to one exit code.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::emit::atomic::{check_target, directory_of, AtomicOutput};
use crate::emit::write_zone;
use crate::load::{load_file, LoadFailure, LoadOptions};
use crate::sign::keys::KeyError;
use crate::sign::SignError;
use crate::zone::name::Name;
use crate::zone::{Zone, ZoneErrors};

/// Exit codes, following the brief (and BIND's habit of one code per cause).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    Ok = 0,
    /// The zone did not pass verification.
    VerificationFailed = 1,
    /// Bad command line.
    Usage = 2,
    /// A key is unreadable, mismatched or colliding.
    KeyProblem = 3,
    /// The input zone is not valid.
    BadInput = 4,
    /// A file could not be read or written.
    Io = 5,
}

/// Why a command failed.
#[derive(Debug)]
pub enum Failure {
    Usage(String),
    Load(LoadFailure),
    /// The `--trust-anchor` file did not read: an argument's file, not the
    /// zone (it was reported as "the zone file has 1 syntax error", exit 4:
    /// the twenty-first audit, 2026-12-06).
    Anchor(LoadFailure),
    /// An output names a file the zone `$INCLUDE`s (see
    /// [`check_not_included`]); no report is written then when it is the
    /// report's.
    IncludedOutput {
        option: &'static str,
        path: PathBuf,
        included: PathBuf,
    },
    Zone(ZoneErrors),
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    Key(KeyError),
    /// An HSM pool problem: configuration, login, proof (issue 4).
    Hsm(Box<crate::sign::pkcs11::HsmError>),
    Sign(SignError),
    /// The written zone did not pass verification; the report says why.
    Verification {
        errors: usize,
        findings: Vec<String>,
        /// `sign`: an output was written and is now discarded; `verify`:
        /// there is none.
        discarded_output: bool,
    },
}

impl Failure {
    pub fn exit(&self) -> Exit {
        match self {
            Failure::Usage(_)
            | Failure::Anchor(LoadFailure::Syntax(_) | LoadFailure::Limit { .. })
            | Failure::IncludedOutput { .. } => Exit::Usage,
            Failure::Anchor(LoadFailure::Io { .. }) => Exit::Io,
            Failure::Load(LoadFailure::Io { .. }) | Failure::Io { .. } => Exit::Io,
            Failure::Load(LoadFailure::Syntax(_) | LoadFailure::Limit { .. })
            | Failure::Zone(_) => Exit::BadInput,
            Failure::Key(_) => Exit::KeyProblem,
            Failure::Hsm(e) if matches!(**e, crate::sign::pkcs11::HsmError::Config { .. }) => {
                Exit::Usage
            }
            Failure::Hsm(_) => Exit::KeyProblem,
            Failure::Sign(SignError::Denial(_) | SignError::DnskeyBelowApex { .. }) => {
                Exit::BadInput
            }
            Failure::Sign(SignError::Zonemd(
                crate::zonemd::ZonemdError::Unsupported { .. }
                | crate::zonemd::ZonemdError::Malformed { .. },
            )) => Exit::BadInput,
            Failure::Sign(_) | Failure::Verification { .. } => Exit::VerificationFailed,
        }
    }

    /// One clear line: what failed.
    pub fn headline(&self) -> String {
        match self {
            Failure::Usage(m) => m.clone(),
            Failure::Load(LoadFailure::Io { path, source }) => {
                format!("cannot read {}: {source}", path.display())
            }
            // Reading stops at the cap: the count is then a floor, not a
            // total (the seventh audit, 2026-12-06).
            Failure::Load(LoadFailure::Syntax(e)) if e.len() >= crate::load::MAX_ERRORS => {
                format!(
                    "the zone file has at least {} syntax errors; reading stopped there",
                    e.len()
                )
            }
            Failure::Load(LoadFailure::Syntax(e)) => {
                format!("the zone file has {} syntax error{}", e.len(), plural(e.len()))
            }
            Failure::Load(LoadFailure::Limit { errors, .. }) => {
                format!("the zone file's {}", limit_met(errors))
            }
            Failure::Anchor(LoadFailure::Limit { errors, .. }) => {
                format!("the trust anchor file's {}", limit_met(errors))
            }
            Failure::Anchor(LoadFailure::Io { path, source }) => {
                format!("cannot read the trust anchor file {}: {source}", path.display())
            }
            Failure::IncludedOutput { option, path, included } => format!(
                "{option} {} is {}, which the zone includes ($INCLUDE): give each output its own \
                 file",
                path.display(),
                included.display()
            ),
            Failure::Anchor(LoadFailure::Syntax(e)) => format!(
                "the trust anchor file has {}{} syntax error{}",
                if e.len() >= crate::load::MAX_ERRORS { "at least " } else { "" },
                e.len(),
                plural(e.len())
            ),
            Failure::Zone(e) if e.0.len() >= crate::zone::MAX_ZONE_ERRORS => format!(
                "the zone breaks structural rules at least {} times; checking stopped there",
                e.0.len()
            ),
            Failure::Zone(e) => {
                format!("the zone breaks {} structural rule{}", e.0.len(), plural(e.0.len()))
            }
            Failure::Io { path, source } => format!("cannot write {}: {source}", path.display()),
            Failure::Key(e) => format!("key problem, nothing was signed: {e}"),
            Failure::Hsm(e) => format!("HSM problem, nothing was signed: {e}"),
            Failure::Sign(e) => format!("signing failed, nothing was written: {e}"),
            Failure::Verification { errors, discarded_output: true, .. } => format!(
                "verification failed with {errors} error{}; the output was not replaced",
                plural(*errors)
            ),
            Failure::Verification { errors, discarded_output: false, .. } => {
                format!("the zone failed verification with {errors} error{}", plural(*errors))
            }
        }
    }

    /// The headline for a command that signs no zone (`keygen`, `hsm`):
    /// key and HSM problems without "nothing was signed" (the fifth audit,
    /// 2026-12-06).
    pub fn headline_without_signing(&self) -> String {
        match self {
            Failure::Key(e) => format!("key problem: {e}"),
            Failure::Hsm(e) => format!("HSM problem: {e}"),
            _ => self.headline(),
        }
    }

    /// The details, one per line.
    pub fn details(&self) -> String {
        match self {
            Failure::Load(l @ (LoadFailure::Syntax(_) | LoadFailure::Limit { .. }))
            | Failure::Anchor(l @ (LoadFailure::Syntax(_) | LoadFailure::Limit { .. })) => {
                l.to_string()
            }
            Failure::Zone(e) => e.to_string(),
            Failure::Verification { findings, .. } => findings.join("\n"),
            _ => String::new(),
        }
    }
}

/// A bound of `$INCLUDE` met, after the syntax errors before it (the trust
/// anchor's headline left them out: the sixty-sixth audit, 2026-12-07).
fn limit_met(errors: &[crate::load::LoadError]) -> String {
    let after = match errors.len() {
        0 => String::new(),
        n => format!(" (after {n} syntax error{})", plural(n)),
    };
    format!("$INCLUDE directives go past a bound of the loader{after}")
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline())?;
        let d = self.details();
        if !d.is_empty() {
            write!(f, "\n{d}")?;
        }
        Ok(())
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Parses an origin given on the command line; relative names are taken as
/// absolute (`example` = `example.`), as BIND's tools do.
pub fn parse_origin(text: &str) -> Result<Name, Failure> {
    Name::parse(text.as_bytes(), &Name::root())
        .map_err(|e| Failure::Usage(format!("bad origin `{text}`: {e}")))
}

/// Loads and builds a zone, printing load warnings to standard error. A
/// file in canonical order (a signed zone, from any signer, re-signed in an
/// emergency; a zone written sorted) is built chunk by chunk as it is parsed
/// ([`Zone::load_ordered`]): the same zone in less time and memory. A file
/// in any other order is found out before any chunk is parsed.
pub fn load_zone(path: &Path, origin: &Name) -> Result<Zone, Failure> {
    load_zone_digested(path, origin, false).0
}

/// The load of [`load_zone_digested`]: the zone, the input's SHA-256 (hex)
/// if asked, and the input file to check again before the signed zone
/// replaces anything ([`crate::load::source::FileStamp`]).
type DigestedLoad = (Result<Zone, Failure>, Option<String>, Option<crate::load::source::FileStamp>);

/// [`load_zone`], with the SHA-256 of the input (hex) when `digest` is
/// set. The digest is of the bytes the zone is loaded from: the file is
/// opened once, hashed through that one open file on a thread of its own
/// while the zone loads (at .de scale 1.6 GB, most of a second of one core
/// that would otherwise come after the load), and checked unchanged by the
/// loader. (Opening the path a second time to hash it would hash a file
/// renamed over the input in between, a zone the output was not made of.)
/// The digest comes with a failed load too: the report of a failed run
/// names its input.
fn load_zone_digested(path: &Path, origin: &Name, digest: bool) -> DigestedLoad {
    let source = match crate::load::open(path) {
        Ok(source) => source,
        Err(e) => return (Err(Failure::Load(e)), None, None),
    };
    let (zone, sha256) = std::thread::scope(|s| {
        // Beside the load; in this thread after it where no thread can
        // start (`ulimit -u`: a panic, exit 101, the fortieth audit).
        let hasher =
            digest.then(|| std::thread::Builder::new().spawn_scoped(s, || source.sha256().ok()));
        let zone = Zone::load_ordered_from(&source, path, &LoadOptions::new(origin.clone()));
        let sha256 = match hasher {
            Some(Ok(h)) => h.join().ok().flatten(),
            Some(Err(_)) => source.sha256().ok(),
            None => None,
        };
        (zone, sha256)
    });
    if let Ok(zone) = &zone {
        for w in &zone.warnings {
            crate::diag!("{w}");
        }
    }
    let watch = source.file_stamp(path, true);
    (zone.map_err(zone_failure), sha256.map(|d| data_encoding::HEXLOWER.encode(&d)), watch)
}

/// What an output path names when a run starts: a file of this device,
/// inode and birth time, size and modification time, or nothing. Compared
/// right before the run replaces it ([`check_not_replaced`]).
#[derive(Debug, PartialEq, Eq)]
struct OutputIdentity(
    Option<(crate::load::source::FileIdentity, (u64, Option<std::time::SystemTime>))>,
);

impl OutputIdentity {
    fn of(path: &Path) -> OutputIdentity {
        use crate::load::source::{file_id, stamp_of};
        OutputIdentity(std::fs::symlink_metadata(path).ok().map(|m| (file_id(&m), stamp_of(&m))))
    }
}

/// The outputs still what they were when the run started: two runs on one
/// output that overlapped (a cron re-sign and a rollover agent) each
/// replaced it, and the zone of one was left beside the DS file of the
/// other, both exit 0; two in-place `--serial increment` runs published
/// one serial twice (the sixty-sixth audit, 2026-12-07). The run that
/// comes second to the swap now fails, exit 5, and publishes nothing. (A
/// run that replaces the output in the instant between this check and
/// the rename is not seen.)
fn check_not_replaced(outputs: &[(&str, &Path, &OutputIdentity)]) -> Result<(), Failure> {
    for (option, path, at_start) in outputs {
        if OutputIdentity::of(path) != **at_start {
            return Err(Failure::Io {
                path: path.to_path_buf(),
                source: std::io::Error::other(format!(
                    "{option} was replaced or written to by another process while this run \
                     signed (another zonesign run on the same output?); this run published \
                     nothing: run again once the other has ended"
                )),
            });
        }
    }
    Ok(())
}

/// [`load_zone`] without printing the warnings: for the file `sign` just
/// wrote, whose warnings are the input's, already given.
fn load_zone_silently(path: &Path, origin: &Name) -> Result<Zone, Failure> {
    Zone::load_ordered(path, &LoadOptions::new(origin.clone())).map_err(zone_failure)
}

/// The outcome a report holds while its run is under way: if a run ends
/// without replacing it, the run was killed.
const RUN_NOT_FINISHED: &str =
    "running: the run had not finished when this report was written; if it is still here, the run was killed";

/// The written file does not load again: a failed verification of the
/// output (exit 1), not bad input (exit 4); the messages name the output
/// rather than the unnamed file's `/proc/self/fd` entry, which is no file
/// an operator knows (the seventh audit, 2026-12-06).
fn written_file_refused(f: Failure, temp: &Path, output: &Path) -> Failure {
    let named = format!("{} (as written, not yet in place)", output.display());
    // Reading it back failed (no descriptor or memory left): an I/O
    // failure (exit 5), not a verdict on the zone (the ninth audit,
    // 2026-12-06).
    if let Failure::Load(LoadFailure::Io { source, .. }) = f {
        return Failure::Load(LoadFailure::Io { path: PathBuf::from(named), source });
    }
    let (Failure::Load(_) | Failure::Zone(_)) = f else { return f };
    let temp = temp.display().to_string();
    let mut findings: Vec<String> = f.details().lines().map(|l| l.replace(&temp, &named)).collect();
    findings.insert(0, format!("the written zone does not load again: {}", f.headline()));
    Failure::Verification { errors: findings.len() - 1, findings, discarded_output: true }
}

fn zone_failure(e: crate::zone::LoadZoneError) -> Failure {
    use crate::zone::LoadZoneError;
    match e {
        LoadZoneError::Load(e) => Failure::Load(e),
        LoadZoneError::Zone(e) => Failure::Zone(e),
    }
}

/// `zonesign fmt`.
#[derive(Debug, Clone)]
pub struct FmtConfig {
    pub zone: PathBuf,
    pub origin: String,
    pub output: Option<PathBuf>,
}

pub fn fmt(cfg: &FmtConfig) -> Result<(), Failure> {
    let origin = parse_origin(&cfg.origin)?;
    // The run's own pool, as `sign` and `verify` have: rayon's global one
    // panicked where no thread could be started (`ulimit -u`), exit 101
    // (the thirty-ninth audit, 2026-12-07).
    let pool = thread_pool(None, true)?;
    pool.install(|| {
        let zone = load_zone(&cfg.zone, &origin)?;
        // `--output -` is standard output, as `-` is standard input for the
        // zone (it wrote a file named `-`).
        match cfg.output.as_ref().filter(|o| o.as_os_str() != "-") {
            None => {
                let stdout = std::io::stdout().lock();
                let written = write_zone(&zone, stdout).and_then(|mut w| w.flush());
                // A reader that stopped early (`zonesign fmt zone | head`) is
                // no failure of the writer: the run ends by SIGPIPE, silently,
                // as `named-compilezone -o -` and `ldns-read-zone` do. It said
                // "cannot write -: Broken pipe", exit 5 (the thirty-eighth
                // audit, 2026-12-07).
                #[cfg(unix)]
                if written.as_ref().is_err_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) {
                    let _ = signal_hook::low_level::emulate_default_handler(
                        signal_hook::consts::SIGPIPE,
                    );
                }
                written.map(|_| ()).map_err(|e| Failure::Io { path: PathBuf::from("-"), source: e })
            }
            Some(path) => {
                let io = |e| Failure::Io { path: path.clone(), source: e };
                let out = AtomicOutput::create(path).map_err(io)?;
                write_zone(&zone, out.file()).map_err(io)?;
                out.commit_unverified().map_err(io)
            }
        }
    })
}

/// `zonesign sign`.
#[derive(Debug, Clone)]
pub struct SignConfig {
    pub zone: PathBuf,
    pub origin: String,
    pub output: PathBuf,
    pub key_dir: Option<PathBuf>,
    pub keys: Vec<PathBuf>,
    pub csk: bool,
    pub nsec3: bool,
    /// `--nsec`: NSEC whatever the input's denial; without it or `nsec3`,
    /// a signed input keeps its own.
    pub nsec: bool,
    pub iterations: Option<u16>,
    pub salt: Option<String>,
    pub opt_out: bool,
    pub inception: Option<String>,
    pub expiration: Option<String>,
    pub jitter: Option<String>,
    pub dnskey_ttl: Option<u32>,
    /// `--trust-anchor`: the parent's DS set (or DNSKEY anchors) that the
    /// signed zone must chain to.
    pub trust_anchor: Option<PathBuf>,
    /// `--publish`: `.key` files of DNSKEYs to publish without signing.
    pub publish: Vec<PathBuf>,
    /// `--serial`: how the signed zone's SOA serial is chosen.
    pub serial: crate::sign::serial::SerialPolicy,
    /// `--zonemd`: hash algorithms of the apex ZONEMD (`sha384`, `sha512`,
    /// or `none`); empty: those of the input's ZONEMD.
    pub zonemd: Vec<String>,
    pub cds: bool,
    /// `--cds-digest`: the CDS records' digest types (`sha256`, `sha384`);
    /// empty: SHA-256.
    pub cds_digest: Vec<String>,
    pub ds: Option<PathBuf>,
    pub report: Option<PathBuf>,
    pub threads: Option<usize>,
    pub dangerous_skip_verify: bool,
    pub quiet: bool,
    /// `--hsm-config`: sign (also) through a pool of HSMs.
    pub hsm_config: Option<PathBuf>,
    /// `--allow-degraded-pool`: continue on the HSMs that passed the proof.
    pub allow_degraded_pool: bool,
}

/// The JSON report of a signing run.
#[derive(Debug, Default, serde::Serialize)]
pub struct SignReport {
    pub zone: String,
    /// The signed zone's SOA serial.
    pub serial: Option<u32>,
    /// The input's SOA serial, and the `--serial` policy that led from it
    /// to `serial`.
    pub input_serial: Option<u32>,
    pub serial_policy: crate::sign::serial::SerialPolicy,
    pub input_sha256: Option<String>,
    pub output_sha256: Option<String>,
    pub outcome: String,
    /// The failure's details, one per line: each syntax error with its
    /// file:line:column, each structural error, each finding.
    pub outcome_details: Vec<String>,
    pub records_in: usize,
    pub records_out: usize,
    pub duplicates_dropped: usize,
    pub rrsets_signed: usize,
    pub keys: Vec<KeyReport>,
    /// DNSKEYs published without signing (`--publish`).
    pub publish_only: Vec<PublishOnlyReport>,
    /// What the timing metadata of the key directory's keys decided: keys
    /// published only, and keys left out (`dnssec-signzone -S` rules).
    pub key_timing: Vec<String>,
    /// Warnings printed during the run.
    pub warnings: Vec<String>,
    /// The denial of existence published: `NSEC`, or `NSEC3 (salt …,
    /// N extra iterations, Opt-Out or not)`; none if the run stopped first.
    pub denial_mode: Option<String>,
    pub denial: Option<crate::sign::PrepareStats>,
    pub verification: Option<crate::verify::Report>,
    pub verification_skipped: bool,
    pub threads: usize,
    pub timeline: Vec<crate::timeline::Stage>,
    /// Per HSM of the pool: token, signatures, failures, status.
    pub hsms: Vec<crate::sign::pkcs11::HsmReport>,
}

#[derive(Debug, serde::Serialize)]
pub struct PublishOnlyReport {
    pub key_tag: u16,
    pub algorithm: u8,
    pub source: String,
}

#[derive(Debug, serde::Serialize)]
pub struct KeyReport {
    pub key_tag: u16,
    pub algorithm: u8,
    pub role: crate::sign::KeyRole,
    pub source: String,
    pub signatures: usize,
}

/// SHA-256 of a file (hex), read in blocks ([`crate::load::source::sha256_of`]).
fn sha256_file(path: &Path) -> Option<String> {
    let file = std::fs::File::open(path).ok()?;
    let digest = crate::load::source::sha256_of(file).ok()?;
    Some(data_encoding::HEXLOWER.encode(&digest))
}

impl SignReport {
    /// A warning: said on standard error, and kept for the report.
    fn warn(&mut self, warning: String) {
        crate::diag!("zonesign: warning: {warning}");
        self.warnings.push(warning);
    }

    /// What the command line says, for a report written before (or
    /// without) the run finding out more: a failed run reported `"zone":
    /// ""`, `"threads": 0` and the default serial policy whatever was
    /// given (the twenty-first audit, 2026-12-06).
    fn for_config(cfg: &SignConfig) -> SignReport {
        SignReport {
            zone: parse_origin(&cfg.origin).map(|o| o.to_string()).unwrap_or(cfg.origin.clone()),
            serial_policy: cfg.serial,
            // The count the pool is built with (a count over the limit
            // was reported as given by runs that failed before the pool:
            // the forty-eighth audit).
            threads: thread_count(cfg.threads).0,
            ..SignReport::default()
        }
    }
}

fn write_report(path: &Path, report: &SignReport) -> Result<(), Failure> {
    let io = |e| Failure::Io { path: path.to_path_buf(), source: e };
    let out = AtomicOutput::create(path).map_err(io)?;
    let mut w = std::io::BufWriter::new(out.file());
    serde_json::to_writer_pretty(&mut w, report).map_err(|e| io(std::io::Error::other(e)))?;
    w.flush().map_err(io)?;
    drop(w);
    out.commit_unverified().map_err(io)
}

/// A progress bar on standard error when it is a terminal (none in CI, in
/// pipes, or with `--quiet`).
fn progress_bar(quiet: bool, what: &'static str) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    // Hidden until the signer knows its length: a bar of length 0 is drawn
    // full, and its first frame was, before it reset (the forty-ninth
    // session's list, 2026-12-07). See `sign::sign_zone_streaming`.
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden());
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{msg:>8} [{elapsed_precise}] {wide_bar} {pos}/{len} chunks, eta {eta}",
    ) {
        bar.set_style(style);
    }
    bar.set_message(what);
    Some(bar)
}

/// The rayon pool of a run, whose threads have ended, all of them, once it
/// is dropped.
///
/// Dropping a `rayon::ThreadPool` only tells its threads to stop; they end
/// a moment later, and each then runs the thread-exit destructors of the C
/// libraries it used. A run's threads have used aws-lc, and in a `sign`
/// with an HSM pool also the PKCS#11 module and the OpenSSL under it (the
/// keys are proven inside the pool). If `main` returned meanwhile, those
/// destructors ran at the same time as the libraries' own process-exit
/// cleanup (`OPENSSL_cleanup`, aws-lc's global DRBG destructor), on state
/// the other had freed: about one `sign` run through SoftHSM2 in a few
/// hundred died at exit with SIGSEGV or SIGABRT ("malloc_consolidate():
/// invalid chunk size"), after its zone had been verified and put in place
/// (core files: docs/measurements.md, twenty-fourth session). So the
/// threads are started here (`spawn_handler`) and joined on drop: a thread
/// is joined only after its thread-exit destructors have run.
#[derive(Debug)]
pub struct RunPool {
    pool: Option<rayon::ThreadPool>,
    threads: Arc<Mutex<Vec<std::thread::JoinHandle<()>>>>,
}

impl std::ops::Deref for RunPool {
    type Target = rayon::ThreadPool;
    fn deref(&self) -> &rayon::ThreadPool {
        self.pool.as_ref().expect("the pool is only taken on drop")
    }
}

impl Drop for RunPool {
    fn drop(&mut self) {
        drop(self.pool.take());
        let threads = std::mem::take(&mut *self.threads.lock().unwrap_or_else(|p| p.into_inner()));
        for t in threads {
            // A thread that panicked has ended too; nothing is left to do.
            let _ = t.join();
        }
    }
}

/// The computing threads of a run given `--threads` (see [`thread_pool`]),
/// and the CPUs it may use when the count given was lowered.
fn thread_count(threads: Option<usize>) -> (usize, Option<usize>) {
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let limit = cpus.saturating_mul(THREADS_PER_CPU);
    match threads {
        Some(n) if n > limit => (limit, Some(cpus)),
        Some(n) => (n, None),
        None => (cpus, None),
    }
}

/// Computing threads for each CPU this process may use, at most.
pub const THREADS_PER_CPU: usize = 4;

/// Builds the rayon pool for a run: named, sized by `--threads` (default:
/// the CPUs this process may use, `available_parallelism`: affinity and
/// cgroup quota). A count above [`THREADS_PER_CPU`] times that is lowered
/// to it, with a notice unless `quiet`: the extra workers have no CPU to
/// run on, and idle workers looking for work cost time that grows with
/// the square of their number (the forty-seventh audit: `--threads 1024`
/// on 2 CPUs took 10 s to sign a zone of four records, 0.05 s with 2).
/// Every stage's output is the same for any count.
pub fn thread_pool(threads: Option<usize>, quiet: bool) -> Result<RunPool, Failure> {
    let (n, lowered) = thread_count(threads);
    if let (Some(asked), Some(cpus), false) = (threads, lowered, quiet) {
        crate::diag!(
            "zonesign: notice: --threads {asked} lowered to {n}, {THREADS_PER_CPU} for each of the {cpus} CPUs this process may use (more only wait, and cost time)"
        );
    }
    let handles = Arc::new(Mutex::new(Vec::with_capacity(n)));
    let started = Arc::clone(&handles);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(n.max(1))
        .spawn_handler(move |thread| {
            let handle = std::thread::Builder::new()
                .name(format!("zonesign-{}", thread.index()))
                .spawn(move || thread.run())?;
            started.lock().unwrap_or_else(|p| p.into_inner()).push(handle);
            Ok(())
        })
        .build()
        .map_err(|e| Failure::Usage(format!("cannot start {n} threads: {e}")))?;
    Ok(RunPool { pool: Some(pool), threads: handles })
}

/// Whether the directory `dir` holds a `.pem` file (a Knot key store).
fn holds_pem_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.filter_map(Result::ok).any(|e| {
            Path::new(&e.file_name()).extension().is_some_and(|x| x.eq_ignore_ascii_case("pem"))
        })
    })
}

/// Whether two paths name one file: the same device and inode when both
/// exist (hard links, symbolic links), else the same absolute path once
/// the parent directory is resolved.
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return (x.dev(), x.ino()) == (y.dev(), y.ino());
        }
    }
    let resolve = |p: &Path| {
        std::fs::canonicalize(directory_of(p))
            .ok()
            .map(|d| d.join(p.file_name().unwrap_or_default()))
    };
    match (resolve(a), resolve(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// Refuses, before any work, an output whose directory does not exist
/// (exit 5), and files given twice (exit 2): a `--report` or `--ds` file
/// that is the output (a failed run would replace the previous signed zone
/// with its report) or the input zone, or the same file for both. The
/// output may be the input: it is replaced only once verified.
///
/// No output may be a file the run reads besides the input (`reads`: key
/// files, the trust anchor, the HSM configuration): `--output`, `--report`
/// or `--ds` naming a `.private` file replaced the key with the zone (the
/// fifth audit, 2026-12-06). Each output's directory must take a new file
/// and its target be one a rename may replace ([`check_target`]), so that a
/// report or DS file that cannot be written is found before the zone is
/// replaced, not after.
fn check_distinct_files(
    input: &Path,
    output: Option<&Path>,
    side: &[(&str, Option<&PathBuf>)],
    reads: &[(String, PathBuf)],
) -> Result<(), Failure> {
    let side: Vec<(&str, &Path)> =
        side.iter().filter_map(|(o, p)| p.map(|p| (*o, p.as_path()))).collect();
    let mut main: Vec<(&str, &Path)> = Vec::new();
    if input.as_os_str() != "-" {
        main.push(("the input zone", input));
    }
    if let Some(output) = output {
        main.push(("--output", output));
    }
    // A file that cannot be created is found now, not after the zone was
    // signed (or, for the report, instead of the run's own failure).
    let outputs = output.map(|o| ("--output", o)).into_iter().chain(side.iter().copied());
    for (option, path) in outputs {
        let io = |source: std::io::Error| Failure::Io { path: path.to_path_buf(), source };
        let dir = directory_of(path);
        if !dir.is_dir() {
            return Err(io(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{option}: no directory {}", dir.display()),
            )));
        }
        check_target(path).map_err(io)?;
        tempfile::tempfile_in(&dir).map_err(|e| {
            io(std::io::Error::new(
                e.kind(),
                format!("{option}: cannot create a file in {}: {e}", dir.display()),
            ))
        })?;
        if let Some((what, _)) = reads.iter().find(|(_, r)| same_file(path, r)) {
            return Err(Failure::Usage(format!(
                "{option} {} is {what}, which the run reads: give each output its own file",
                path.display()
            )));
        }
    }
    for (i, (option, path)) in side.iter().enumerate() {
        let others = main.iter().chain(&side[..i]);
        if let Some((other, _)) = others.clone().find(|(_, p)| same_file(path, p)) {
            return Err(Failure::Usage(format!(
                "{option} {} is {other}: give each output its own file",
                path.display()
            )));
        }
    }
    // Last: the checks above name what the file is, where they can.
    for (_, path) in side.iter().filter(|(o, _)| *o == "--report") {
        check_report_target(path)?;
    }
    Ok(())
}

/// How the reports zonesign writes begin (`serde_json`'s pretty form of
/// [`SignReport`] and of `verify`'s report, whose first field is the zone).
const REPORT_HEAD: &[u8] = b"{\n  \"zone\": ";

/// A report replaces only an earlier report (or an empty file): `--report`
/// naming a file the zone `$INCLUDE`s was replaced by the "running" report
/// before the load could know it was one (the twenty-first audit,
/// 2026-12-06); the load then failed on JSON, and the operator's file was
/// gone.
fn check_report_target(path: &Path) -> Result<(), Failure> {
    use std::io::Read;
    // Not there, or not a file (refused elsewhere): nothing to keep.
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return Ok(());
    }
    // A file that cannot be read cannot be shown to be a report.
    let mut head = Vec::with_capacity(REPORT_HEAD.len());
    let read = std::fs::File::open(path)
        .and_then(|f| f.take(REPORT_HEAD.len() as u64).read_to_end(&mut head));
    if read.is_ok() && (head.is_empty() || head == REPORT_HEAD) {
        return Ok(());
    }
    Err(Failure::Usage(format!(
        "--report {} is a file that is not a zonesign report: it is not replaced (a zone or a \
         file a zone includes?); name a new file or an earlier report",
        path.display()
    )))
}

/// An output that names a file the zone `$INCLUDE`s would replace the
/// operator's source with the signed zone, the DS records or the report:
/// the checks before the load cannot know the included files (the
/// twenty-first audit, 2026-12-06). Checked once the zone is loaded,
/// before anything is signed.
fn check_not_included(
    zone: &Zone,
    outputs: &[(&'static str, Option<&PathBuf>)],
) -> Result<(), Failure> {
    for (option, path) in outputs.iter().filter_map(|(o, p)| p.map(|p| (*o, p))) {
        if let Some(included) = zone.files.iter().skip(1).find(|f| same_file(path, f)) {
            return Err(Failure::IncludedOutput {
                option,
                path: path.clone(),
                included: included.clone(),
            });
        }
    }
    Ok(())
}

/// Whether the run's report may be written at its end: not into a file the
/// zone includes, nor into a file that was empty before the run unless the
/// zone loaded and its includes were checked against the outputs
/// (`includes_known`): until then the files it includes are unknown. An
/// empty included file got the report of a zone that failed to build (the
/// twenty-fourth audit), and of runs that failed before the load (a bad
/// `--inception`, a key problem, a trust anchor that did not read: the
/// twenty-fifth audit, 2026-12-06). `was_empty` is what
/// [`prepare_report_target`] found.
fn report_may_be_written(
    result: &Result<impl Sized, Failure>,
    was_empty: bool,
    includes_known: bool,
) -> bool {
    match result {
        Err(Failure::IncludedOutput { option: "--report", .. }) => false,
        Err(_) if was_empty && !includes_known => {
            note_empty_report_kept();
            false
        }
        _ => true,
    }
}

/// Why a failed run left its empty report file as it was.
fn note_empty_report_kept() {
    crate::diag!(
        "zonesign: note: the report was not written: its file was empty before the run, and may be one the zone includes, which the run did not get to know"
    );
}

/// Whether the report file `path` is an existing empty file, left as it is
/// by a run that fails before the zone loads (see
/// [`report_may_be_written`]); says so when it is.
fn kept_empty(path: &Path) -> bool {
    let empty = std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == 0);
    if empty {
        note_empty_report_kept();
    }
    empty
}

/// Readies `--report`'s file before the run. Over an earlier report (a
/// non-empty file; [`check_report_target`] let no other through) the
/// "running" report is written, so that a run killed on the way leaves no
/// earlier outcome behind (the ninth audit). An empty file is only opened
/// for writing, which finds one that cannot be written (an immutable file)
/// before the zone is and leaves it as it was, inode and links: it may be
/// a file the zone includes, which the load finds out. The "running"
/// report written into one made the zone fail to load, and an empty file
/// replaced by an empty one split it from its hard links (the twenty-second
/// to twenty-fourth audits, 2026-12-06).
/// Returns whether the file was there and empty.
fn prepare_report_target(
    path: &Path,
    write_running: impl FnOnce() -> Result<(), Failure>,
) -> Result<bool, Failure> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() > 0 => write_running().map(|()| false),
        Ok(m) if m.is_file() => std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map(|_| true)
            .map_err(|e| Failure::Io { path: path.to_path_buf(), source: e }),
        _ => Ok(false),
    }
}

/// An output named as a key file (`.key`, `.private`) in the key directory
/// would be taken for one by every later run: `--output
/// keys/Kexample.+013+00001.key` signed (no such key file yet), then every
/// run on the directory failed (the fourteenth audit, 2026-12-06).
fn check_no_new_key_file(cfg: &SignConfig) -> Result<(), Failure> {
    let outputs = [
        ("--output", Some(&cfg.output)),
        ("--report", cfg.report.as_ref()),
        ("--ds", cfg.ds.as_ref()),
    ];
    for (option, path) in outputs {
        if let Some(path) = path {
            check_no_new_key_file_at(cfg, option, path)?;
        }
    }
    Ok(())
}

/// [`check_no_new_key_file`] for one output.
fn check_no_new_key_file_at(cfg: &SignConfig, option: &str, path: &Path) -> Result<(), Failure> {
    let Some(dir) = cfg.key_dir.as_ref().and_then(|d| std::fs::canonicalize(d).ok()) else {
        return Ok(());
    };
    let key_like = path.extension().is_some_and(|e| e == "key" || e == "private");
    if key_like && std::fs::canonicalize(directory_of(path)).is_ok_and(|d| d == dir) {
        return Err(Failure::Usage(format!(
            "{option} {}: a file of that name in the key directory {} would be read as a key file by every later run; give it another name or directory",
            path.display(),
            dir.display()
        )));
    }
    Ok(())
}

/// Refuses a `--key` that names neither a key pair's file nor its stem:
/// `--key mykey.priv` was read as the stem of `mykey.priv.key`, and the
/// error named that file (the forty-fifth audit, 2026-12-07).
fn check_key_names(cfg: &SignConfig) -> Result<(), Failure> {
    match cfg.keys.iter().find(|p| !crate::sign::keys::names_a_key_pair(p)) {
        Some(p) => Err(Failure::Usage(format!(
            "--key {}: a key pair is named by its .key or .private file, or by their stem \
             (Kexample.+013+12345), as BIND's tools name them",
            p.display()
        ))),
        None => Ok(()),
    }
}

/// The files a signing run reads besides the zone, for
/// [`check_distinct_files`]: each key named (its `.key` and `.private`),
/// each key file of the key directory, the keys published only, the trust
/// anchor, the HSM configuration and the files it names.
fn files_read(cfg: &SignConfig) -> Vec<(String, PathBuf)> {
    let mut reads = Vec::new();
    // The pair as the keys are read (`pair_paths`): `with_extension` took
    // the stem `Kexample.+013+12345` for `Kexample` and `+013+12345`, and
    // `--output` over that key's `.private` file replaced the private key
    // with the zone, exit 0 (the forty-fifth audit, 2026-12-07).
    for p in cfg.keys.iter().chain(&cfg.publish) {
        let (key, private) = crate::sign::keys::pair_paths(p);
        let named = crate::sign::keys::published_key_path(p);
        for file in [p.clone(), named, key, private] {
            reads.push((format!("the key file {}", file.display()), file));
        }
    }
    if let Some(dir) = &cfg.key_dir {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.extension().is_some_and(|e| e == "key" || e == "private") {
                reads.push((format!("the key file {}", p.display()), p));
            }
        }
    }
    if let Some(p) = &cfg.trust_anchor {
        reads.push(("the --trust-anchor file".into(), p.clone()));
    }
    if let Some(p) = &cfg.hsm_config {
        reads.push(("the --hsm-config file".into(), p.clone()));
        reads.extend(crate::sign::pkcs11::config::HsmConfig::files_named(p));
    }
    reads
}

/// `zonesign sign`: load, prove keys, sign, write, verify the written file,
/// and only then replace the output. Writes the report in every case when
/// `--report` is given.
pub fn sign(cfg: &SignConfig) -> Result<(), Failure> {
    let reads = files_read(cfg);
    let early = if cfg.output.as_os_str() == "-" {
        // The signed zone is verified on disk before it replaces anything.
        Err(Failure::Usage(
            "--output -: the signed zone goes to a file, verified there before it replaces the previous one; sign to a file and read that".into(),
        ))
    } else {
        check_key_names(cfg)
            .and_then(|()| {
                check_distinct_files(
                    &cfg.zone,
                    Some(&cfg.output),
                    &[("--report", cfg.report.as_ref()), ("--ds", cfg.ds.as_ref())],
                    &reads,
                )
            })
            .and_then(|()| check_no_new_key_file(cfg))
    };
    if let Err(failure) = early {
        // A report that may be written (its own file, in a directory that
        // is there) says so, rather than an earlier run's outcome staying
        // (an audit, 2026-12-06).
        let report = cfg.report.as_ref().filter(|r| {
            directory_of(r).is_dir()
                && check_distinct_files(&cfg.zone, None, &[("--report", Some(*r))], &reads).is_ok()
                && !same_file(r, &cfg.output)
                && cfg.ds.as_ref().is_none_or(|d| !same_file(r, d))
                // Nor a key file's name in the key directory: the report
                // of the refusal was written there, and every later run
                // took it for a key (the twenty-fourth audit, 2026-12-06).
                && check_no_new_key_file_at(cfg, "--report", r).is_ok()
                // Nor an empty file: the zone, not loaded yet, may include
                // it (the twenty-fifth audit, 2026-12-06).
                && !kept_empty(r)
        });
        if let Some(path) = report {
            let report = SignReport {
                outcome: failure.headline(),
                outcome_details: failure.details().lines().map(str::to_string).collect(),
                ..SignReport::for_config(cfg)
            };
            if let Err(e) = write_report(path, &report) {
                crate::diag!("zonesign: the report was not written either: {}", e.headline());
            }
        }
        return Err(failure);
    }
    let pool = thread_pool(cfg.threads, cfg.quiet)?;
    // Until the run ends, the report says it has not: a run killed on the
    // way (SIGKILL, the kernel's OOM killer, SIGBUS on a shrinking input)
    // left an earlier run's "signed" in place (the ninth audit,
    // 2026-12-06). A report that cannot be replaced is found here, before
    // the zone is (see `prepare_report_target`).
    let was_empty = match &cfg.report {
        Some(path) => prepare_report_target(path, || {
            write_report(
                path,
                &SignReport { outcome: RUN_NOT_FINISHED.into(), ..SignReport::for_config(cfg) },
            )
        })?,
        None => false,
    };
    let mut report = SignReport {
        threads: pool.current_num_threads(),
        warnings: unknown_backend_warnings(),
        ..SignReport::for_config(cfg)
    };
    let mut timeline = crate::timeline::Timeline::default();
    let mut includes_known = false;
    let result = pool.install(|| sign_inner(cfg, &mut report, &mut timeline, &mut includes_known));
    report.timeline = timeline.stages.clone();
    report.outcome = match &result {
        Ok(()) => "signed".into(),
        Err(f) => f.headline(),
    };
    if let Err(f) = &result {
        report.outcome_details = f.details().lines().map(str::to_string).collect();
    }
    if let Some(path) =
        cfg.report.as_ref().filter(|_| report_may_be_written(&result, was_empty, includes_known))
    {
        if let Err(e) = write_report(path, &report) {
            match &result {
                // The run's own failure is the one to report, with its exit
                // code; the report's comes second.
                Err(_) => {
                    crate::diag!("zonesign: the report was not written either: {}", e.headline())
                }
                Ok(()) => {
                    crate::diag!(
                        "zonesign: note: {} was replaced with the signed zone; only the report is missing",
                        cfg.output.display()
                    );
                    return Err(e);
                }
            }
        }
    }
    if result.is_ok() && !cfg.quiet {
        crate::diag!("{}", sign_summary(&report, &timeline));
    }
    result
}

fn sign_summary(report: &SignReport, timeline: &crate::timeline::Timeline) -> String {
    let mut s = format!(
        "zonesign: signed {} (serial {}): {} records in, {} out, {} RRsets signed, {} threads\n",
        report.zone,
        match (report.input_serial, report.serial) {
            (Some(from), Some(to)) if from != to => {
                format!("{to}, was {from}, --serial {}", report.serial_policy)
            }
            (_, Some(to)) => to.to_string(),
            (_, None) => "?".into(),
        },
        report.records_in,
        report.records_out,
        report.rrsets_signed,
        report.threads
    );
    for k in &report.keys {
        s.push_str(&format!(
            "  key {:>5} alg {:>2} {}: {} signatures ({})\n",
            k.key_tag, k.algorithm, k.role, k.signatures, k.source
        ));
    }
    for p in &report.publish_only {
        s.push_str(&format!(
            "  key {:>5} alg {:>2} published only, signs nothing ({})\n",
            p.key_tag, p.algorithm, p.source
        ));
    }
    if let Some(backend) = report.denial.as_ref().and_then(|d| d.nsec3_hash_backend) {
        s.push_str(&format!(
            "  NSEC3 hashing: {backend} backend ({})\n",
            crate::denial::hash::Backend::detection()
        ));
    }
    // How busy the pool kept each HSM over the sign stage: its sessions'
    // time in C_Sign against sessions × the stage's wall time.
    let sign_wall =
        timeline.stages.iter().find(|st| st.name == "sign").map_or(0.0, |st| st.wall_seconds);
    for h in &report.hsms {
        let busy = if h.sessions > 0 && sign_wall > 0.0 {
            format!(
                ", sessions busy {:.0} %",
                100.0 * h.busy_seconds / (h.sessions as f64 * sign_wall)
            )
        } else {
            String::new()
        };
        s.push_str(&format!(
            "  hsm {} (token \"{}\"): {} signatures, {} failures{busy}, {}\n",
            h.name, h.token, h.signatures, h.failures, h.status
        ));
    }
    if let Some(v) = &report.verification {
        s.push_str(&format!(
            "  verified: {} signatures over {} RRsets, {} NSEC, {} NSEC3{}, {} warnings\n",
            v.counts.signatures_verified,
            v.counts.rrsets_checked,
            v.counts.nsec,
            v.counts.nsec3,
            zonemd_summary(&v.counts),
            v.findings.len()
        ));
        s.push_str(&format!("  {}\n", v.counts.paths_summary()));
    } else if report.verification_skipped {
        s.push_str("  VERIFICATION SKIPPED (--dangerous-skip-verify): this output is unchecked\n");
    }
    s.push_str(&timeline.summary());
    s
}

/// `includes_known` is set once the zone loaded and no output names a file
/// it includes (see [`report_may_be_written`]).
/// The signature times a run gives its RRSIGs: inception, expiration and
/// jitter as asked, checked against the clock and the 32-bit fields (RFC
/// 4034 §3.1.5, RFC 4035 §5.3.1) before any work.
struct SignatureTimes {
    now: i64,
    inception: i64,
    expiration: i64,
    jitter: i64,
}

fn signature_times(cfg: &SignConfig, report: &mut SignReport) -> Result<SignatureTimes, Failure> {
    use crate::sign::validity::{now, parse_time};

    let now = now();
    let inception = match &cfg.inception {
        Some(t) => parse_time(t, now).map_err(|e| Failure::Usage(e.to_string()))?,
        None => now - 3600,
    };
    let expiration = match &cfg.expiration {
        Some(t) => parse_time(t, now).map_err(|e| Failure::Usage(e.to_string()))?,
        None => now + 14 * 86400,
    };
    // RFC 4035 §5.3.1: a validator uses an RRSIG only while "the
    // validator's notion of the current time" has not passed its
    // expiration. An expiration already past was found only by the
    // verification of the signed zone, after the whole run (an audit,
    // 2026-12-06).
    // A passed expiration is said as such before it is set against the
    // inception: `--expiration -1h` was "the expiration must come after
    // the inception", of a default inception the operator never gave, and
    // named neither time (the thirty-eighth audit, 2026-12-07).
    if expiration <= now {
        return Err(Failure::Usage(format!(
            "the expiration {} has passed: resolvers reject every signature (RFC 4035 §5.3.1); times are UTC",
            crate::sign::validity::format_yyyymmddhhmmss(expiration)
        )));
    }
    // RFC 4035 §5.3.1: a validator uses an RRSIG only once "the
    // validator's notion of the current time" has reached its inception.
    // A zone whose inception is ahead is bogus until then: an audit found
    // one signed, and verified at the inception, with exit 0 (local time
    // typed as UTC is enough to make one). Said before the order of the
    // two times, which blamed the expiration (the thirty-ninth audit).
    if inception > now {
        return Err(Failure::Usage(format!(
            "the inception {} is in the future: resolvers reject every signature until then (RFC 4035 §5.3.1); times are UTC",
            crate::sign::validity::format_yyyymmddhhmmss(inception)
        )));
    }
    if expiration <= inception {
        return Err(Failure::Usage(format!(
            "the expiration {} must come after the inception {}{}; times are UTC",
            crate::sign::validity::format_yyyymmddhhmmss(expiration),
            crate::sign::validity::format_yyyymmddhhmmss(inception),
            if cfg.inception.is_none() { " (the default, now - 1h)" } else { "" }
        )));
    }
    // RFC 4034 §3.1.5: "The Signature Expiration and Inception field
    // values specify a date and time in the form of a 32-bit unsigned
    // number of seconds elapsed since 1 January 1970 00:00:00 UTC", which
    // validators compare with their clock in serial number arithmetic: a
    // time 68 years or more away from now, ahead or behind, reads as the
    // other way round. Past 2106 the fields wrap, and that is as the RFC
    // has it: "An RRSIG RR can have an Expiration field value that is
    // numerically smaller than the Inception field value if the expiration
    // field value is near the 32-bit wrap-around point". Times past 2106
    // were refused, and from then on every run with the default times (the
    // fifty-third audit, 2026-12-07, under faketime).
    for (what, t) in [("inception", inception), ("expiration", expiration)] {
        if !crate::sign::validity::within_serial_reach(t, now) {
            return Err(Failure::Usage(format!(
                "the {what} {} must lie after 1970 and less than 68 years (2^31 seconds) from now: signature times are 32-bit and compared in serial number arithmetic (RFC 4034 §3.1.5){}",
                crate::sign::validity::format_yyyymmddhhmmss(t),
                if what == "inception" && cfg.inception.is_none() { " (the default, now - 1h)" } else { "" }
            )));
        }
    }
    // RFC 4034 §3.1.5: the times are compared in serial number arithmetic,
    // so a validity period of 2^31 seconds or more wraps: its expiration
    // comes before its inception and validators reject every signature.
    if expiration - inception >= 1 << 31 {
        return Err(Failure::Usage(
            "the validity period (expiration - inception) must be shorter than 2^31 seconds, 68 years: a longer one wraps in serial number arithmetic and every signature is rejected (RFC 4034 §3.1.5)".into(),
        ));
    }
    // RFC 2181 §8: TTLs are 31-bit; one with the top bit set is read as 0,
    // which the DNSKEY RRset's signatures (Original TTL) would contradict.
    if cfg.dnskey_ttl.is_some_and(|t| t > i32::MAX as u32) {
        return Err(Failure::Usage(
            "--dnskey-ttl must be at most 2147483647 seconds (RFC 2181 §8)".into(),
        ));
    }
    // With the units of the relative times (`mo`, `y`, and `mi` for
    // minutes, a bare `m` refused as ambiguous): `--jitter 1m` was a
    // minute where `--expiration +1m` is refused, and `1mo` was a bare "bad
    // --jitter" (the fifty-third audit, 2026-12-07).
    let jitter = match &cfg.jitter {
        Some(j) => crate::sign::validity::parse_span(j)
            .map_err(|e| Failure::Usage(format!("--jitter: {e}")))?,
        None => 0,
    };
    if jitter >= expiration - inception {
        return Err(Failure::Usage("--jitter must be shorter than the validity period".into()));
    }
    // The earliest expiration a jittered signature gets (RFC 4035 §5.3.1,
    // as for the expiration itself above).
    if expiration - jitter <= now {
        return Err(Failure::Usage(format!(
            "with --jitter, signatures would expire from {}, which has passed: resolvers would reject them (RFC 4035 §5.3.1)",
            crate::sign::validity::format_yyyymmddhhmmss(expiration - jitter)
        )));
    }
    // ldns (1.8) compares the two times as signed 32-bit numbers, so
    // `ldns-verify-zone` calls every signature bogus whose window reaches
    // past 2^31 s, 2038-01-19 03:14:08 UTC ("expiration date earlier than
    // inception date"), where RFC 4034 §3.1.5 asks for serial number
    // arithmetic and BIND and Knot accept it. Correct, and published; said,
    // so that no one learns it from a monitoring tool built on ldns (the
    // fifty-third audit, 2026-12-07).
    let signed_2038 = 1_i64 << 31;
    if inception < signed_2038 && expiration >= signed_2038 {
        let warning = format!(
            "signature expirations reach up to {}{}, past 2038-01-19 03:14:07 UTC: correct (RFC 4034 §3.1.5), but tools that compare signature times as signed 32-bit numbers reject such signatures, as ldns-verify-zone 1.8 does",
            crate::sign::validity::format_yyyymmddhhmmss(expiration),
            if jitter > 0 { " (each RRset's less its jitter)" } else { "" }
        );
        report.warn(warning);
    }
    Ok(SignatureTimes { now, inception, expiration, jitter })
}

/// The denial the command line asks for; `None`: the input's own, known
/// once the zone is loaded (`resolve_denial`).
fn denial_asked(
    cfg: &SignConfig,
    report: &mut SignReport,
) -> Result<Option<crate::sign::DenialMode>, Failure> {
    use crate::denial::nsec3::{Nsec3Params, OptOut};
    use crate::sign::DenialMode;

    Ok(if cfg.nsec3 {
        let salt_text = cfg.salt.as_deref().unwrap_or("-");
        let salt = if salt_text == "-" || salt_text.is_empty() {
            Vec::new()
        } else {
            let salt =
                data_encoding::HEXLOWER_PERMISSIVE.decode(salt_text.as_bytes()).map_err(|_| {
                    Failure::Usage(format!("bad --salt `{salt_text}`: expected hex or -"))
                })?;
            // RFC 5155 §3.2: the salt length is one octet. A salt one octet
            // longer was called "not hex" (the fourteenth audit).
            if salt.len() > 255 {
                return Err(Failure::Usage(format!(
                    "--salt of {} octets: at most 255 (RFC 5155 §3.2: its length is one octet); RFC 9276 §3.1 asks for none (`-`)",
                    salt.len()
                )));
            }
            salt
        };
        let iterations = cfg.iterations.unwrap_or(0);
        let warnings = check_nsec3_iterations(iterations, "--iterations")?
            .into_iter()
            .chain(check_nsec3_salt(&salt, "--salt"));
        for warning in warnings {
            report.warn(warning);
        }
        Some(DenialMode::Nsec3(Nsec3Params {
            iterations,
            salt,
            opt_out: if cfg.opt_out { OptOut::Enabled } else { OptOut::Disabled },
        }))
    } else {
        if cfg.opt_out || cfg.iterations.is_some() || cfg.salt.is_some() {
            return Err(Failure::Usage("--opt-out, --iterations and --salt need --nsec3".into()));
        }
        cfg.nsec.then_some(DenialMode::Nsec)
    })
}

/// The key directory's keys, by their timing, as `dnssec-signzone -S -K`
/// takes them, with a note in the report for each key left out or
/// published only.
#[derive(Default)]
struct KeyDirChoice {
    /// The `.key` files that sign.
    signing: Vec<PathBuf>,
    /// The same, by file stem (see `publish_wins`).
    signing_stems: Vec<String>,
    /// The `.key` files published only.
    publishing: Vec<PathBuf>,
    /// The same, by file stem.
    publishing_stems: Vec<String>,
    /// The KSKs its timing keeps from signing, with why: named if no key
    /// that signs is a KSK.
    idle_ksks: Vec<String>,
    /// The DNSKEYs its timing leaves out (past Delete, say): dropped on
    /// purpose, so no rollover warning for them.
    retired: Vec<Box<[u8]>>,
    /// The keys its timing publishes only or leaves out: their DNSKEY,
    /// their note in the report, and whether the pool signing with it is
    /// worth a warning (not for a `.key` alone, the usual layout of HSM
    /// keys) (see `pool_wins_timing`).
    timing_notes: Vec<(Box<[u8]>, usize, bool)>,
    warnings: Vec<String>,
}

fn keys_by_timing(
    dir_path: &Path,
    cfg: &SignConfig,
    origin: &Name,
    now: i64,
    report: &mut SignReport,
) -> Result<KeyDirChoice, Failure> {
    use crate::sign::keyset;

    let mut dir = KeyDirChoice::default();
    // Keys named by --key, as the `.key` files they are: the key
    // directory's files are matched by file, not by stem, which files of two
    // directories share (the fifteenth audit, 2026-12-06: a key of one
    // directory went missing, taken for the other's named by --key).
    let explicit_files: Vec<PathBuf> =
        cfg.keys.iter().filter_map(|p| key_file_identity(p)).collect();
    let (found, key_records) =
        keyset::key_and_key_record_files_in(dir_path, origin).map_err(Failure::Key)?;
    for p in key_records {
        report.key_timing.push(format!(
            "{}: not published: a KEY record (a SIG(0) key, RFC 2931), no zone key (as \
             `dnssec-signzone -S` leaves it)",
            p.display()
        ));
    }
    let with_state = keyset::state_files_in(dir_path, origin);
    if !with_state.is_empty() {
        dir.warnings.push(format!(
            "{}: BIND key-state files (.state, from dnssec-policy or dnssec-settime -s) \
             beside {} key(s) ({}): zonesign follows the timing of the .private files, not \
             the key states, which `dnssec-signzone -S` reads first; where they differ \
             (a DS or DNSKEY state moved by dnssec-policy) the two publish other DNSKEY or \
             CDS records",
            dir_path.display(),
            with_state.len(),
            with_state
                .iter()
                .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for p in keyset::private_only_in(dir_path, origin) {
        dir.warnings.push(format!(
            "{}: a private key file with no .key file beside it: left out, as \
             `dnssec-signzone -S` leaves it (restore its .key file, or move it away)",
            p.display()
        ));
    }
    // The key directory's keys by their timing, as `dnssec-signzone
    // -S -K` takes them (an audit found retired and future keys all
    // signing, 2026-12-06).
    // Keys are the `.key` files with a `.private` beside them, as
    // `dnssec-signzone -S -K` finds them: a public half alone (a key
    // whose private half is in an HSM, a file left over) stopped every
    // run (the fourteenth audit, 2026-12-06). It is left out, saying so.
    let (found, public_only): (Vec<PathBuf>, Vec<PathBuf>) =
        found.into_iter().partition(|p| p.with_extension("private").exists());
    let dnskey_of =
        |p: &Path| crate::sign::keys::parse_key_file(p).ok().map(|kf| kf.dnskey_rdata.into());
    for p in public_only {
        // The usual layout of HSM keys: the pool may sign with it (see
        // `pool_wins_timing`).
        if let Some(dnskey) = dnskey_of(&p) {
            dir.timing_notes.push((dnskey, report.key_timing.len(), false));
        }
        report.key_timing.push(format!(
            "{}: not published: no .private file beside it (as `dnssec-signzone -S`; a key whose private half is in HSMs signs through --hsm-config)",
            p.display()
        ));
    }
    let choice = keyset::choose_by_timing(&found, now).map_err(Failure::Key)?;
    dir.signing_stems.extend(choice.signing.iter().filter_map(|p| key_stem(p)));
    dir.signing.extend(choice.signing);
    // A key named by --key as well signs whatever the directory's
    // timing says, as keys named on `dnssec-signzone`'s command line:
    // it was refused as "given to --publish" when its timing made it
    // published only, and reported "not published" while it signed
    // when its Publish time was to come (the twelfth audit, 2026-12-06).
    let named = |p: &Path| key_file_identity(p).is_some_and(|f| explicit_files.contains(&f));
    for (p, why) in choice.publish_only.iter().chain(&choice.left_out) {
        if named(p) {
            report.key_timing.push(format!(
                "{}: signs, named by --key, whatever its timing ({why})",
                p.display()
            ));
        }
    }
    // A KSK (SEP flag, not revoked) the timing keeps from signing.
    for (p, why) in choice.publish_only.iter().chain(&choice.left_out) {
        if !named(p) && dnskey_of(p).is_some_and(|d: Box<[u8]>| unrevoked_ksk(&d)) {
            dir.idle_ksks.push(format!("{}: {why}", p.display()));
        }
    }
    for (p, why) in choice.publish_only.into_iter().filter(|(p, _)| !named(p)) {
        if let Some(dnskey) = dnskey_of(&p) {
            dir.timing_notes.push((dnskey, report.key_timing.len(), true));
        }
        report.key_timing.push(format!("{}: published only, signs nothing: {why}", p.display()));
        dir.publishing_stems.extend(key_stem(&p));
        dir.publishing.push(p);
    }
    for (p, why) in choice.left_out.into_iter().filter(|(p, _)| !named(p)) {
        if let Some(dnskey) = dnskey_of(&p) {
            dir.timing_notes.push((Box::clone(&dnskey), report.key_timing.len(), true));
            dir.retired.push(dnskey);
        }
        report.key_timing.push(format!("{}: not published: {why}", p.display()));
    }
    Ok(dir)
}

/// What the key phase settles: the keys that sign (software keys and the
/// HSM pool's, each proven against its DNSKEY), the keys published only, and
/// what the key files' timing asks of the DNSKEY RRset and the CDS records.
struct ChosenKeys {
    keys: Vec<crate::sign::ZoneKey>,
    hsm_pool: Option<Arc<crate::sign::pkcs11::Pool>>,
    publish_only: Vec<crate::sign::keyset::PublishOnlyKey>,
    /// The shortest TTL the key files carry (see below).
    key_file_ttl: Option<u32>,
    /// The signing KSKs' CDS timing: the file said of, DNSKEY, state.
    sync_states: Vec<(String, Box<[u8]>, crate::sign::keys::SyncState)>,
    /// Signing KSKs whose CDS timing withholds their CDS and CDNSKEY.
    cds_withheld: Vec<Box<[u8]>>,
    /// Keys published only that get a CDS and CDNSKEY by their timing.
    cds_published: Vec<Box<[u8]>>,
    /// DNSKEYs the key directory's timing leaves out on purpose.
    retired: Vec<Box<[u8]>>,
}

/// The key phase, before any work on the zone: the key directory's keys by
/// their timing, `--key`, `--publish` and the HSM pool, each key proven, and
/// the key set checked as a whole. A key problem stops the run here.
fn choose_keys(
    cfg: &SignConfig,
    origin: &Name,
    now: i64,
    anchors: &[crate::verify::TrustAnchor],
    report: &mut SignReport,
) -> Result<ChosenKeys, Failure> {
    use crate::sign::keyset;

    let mut paths = cfg.keys.clone();
    // `--publish` takes the `.key` file; its `.private` names it too, as
    // for `--key` (the sixteenth audit: read as a key file, "found v1.3").
    let publish_named: Vec<PathBuf> =
        cfg.publish.iter().map(|p| crate::sign::keys::published_key_path(p)).collect();
    let mut publish_paths = publish_named.clone();
    // The key directory's signing KSKs with CDS timing, and those `--cds`
    // leaves out by it.
    let mut sync_states: Vec<(String, Box<[u8]>, crate::sign::keys::SyncState)> = Vec::new();
    let mut cds_withheld: Vec<Box<[u8]>> = Vec::new();
    // Keys named by --key, by file stem: they sign whatever their timing.
    let explicit: Vec<String> = cfg.keys.iter().filter_map(|p| key_stem(p)).collect();
    let dir = match &cfg.key_dir {
        Some(dir) => keys_by_timing(dir, cfg, origin, now, report)?,
        None => KeyDirChoice::default(),
    };
    paths.extend(dir.signing);
    publish_paths.extend(dir.publishing);
    let KeyDirChoice {
        signing_stems: dir_signing,
        publishing_stems: dir_publishing,
        mut idle_ksks,
        retired,
        timing_notes,
        mut warnings,
        ..
    } = dir;
    paths.sort();
    paths.dedup();
    // The CDS timing of the signing KSKs (`dnssec-settime -P sync`, `-D
    // sync`), which `dnssec-signzone -S` follows, for the key directory's
    // and for keys named by `--key` alike: `--cds` offered the parent a KSK
    // past its SyncDelete, and so kept its DS there (the thirty-eighth and
    // fortieth audits, 2026-12-07). Not a revoked KSK, which gets no CDS.
    // A key file's DNSKEY and its CDS timing now, for a key of which
    // `is_ksk` holds and whose timing was not said yet: one key named twice
    // (by the key directory, and by `--key` with another spelling of its
    // path) with the same timing is said once (left by the forty-fifth
    // session's note: listed twice in the notices). Two files of one key
    // whose timing differs are both kept, and the stricter holds: a
    // SyncDelete in either withdraws (the forty-third audit: skipping the
    // second file by the paths' order dropped its SyncDelete).
    type SyncStates = Vec<(String, Box<[u8]>, crate::sign::keys::SyncState)>;
    let new_sync_state = |sync_states: &SyncStates, path: &Path, is_ksk: &dyn Fn(&[u8]) -> bool| {
        let (timing, _, dnskey) = crate::sign::keys::read_key_timing(path).ok()?;
        let dnskey: Box<[u8]> = dnskey.into();
        let state = timing.sync_state(now)?;
        let said = sync_states.iter().any(|(_, d, s)| *d == dnskey && *s == state);
        (is_ksk(&dnskey) && !said).then_some((dnskey, state))
    };
    for p in &paths {
        // With --csk every key signs the DNSKEY RRset and gets CDS: its
        // timing holds whatever its flags (a key of flags 256 kept its CDS
        // past its SyncDelete: the forty-second audit, 2026-12-07).
        let ksk = |d: &[u8]| unrevoked_ksk(d) || (cfg.csk && !revoked(d));
        let Some((dnskey, state)) = new_sync_state(&sync_states, p, &ksk) else {
            continue;
        };
        use crate::sign::keys::SyncState;
        let when = crate::sign::validity::format_yyyymmddhhmmss;
        let withheld = match state {
            SyncState::Withdrawn { at } => Some(format!("SyncDelete {} has passed", when(at))),
            SyncState::NotYet { at } => Some(format!("SyncPublish {} is to come", when(at))),
            SyncState::Publish { .. } => None,
        };
        if let (true, Some(why)) = (cfg.cds, &withheld) {
            report
                .key_timing
                .push(format!("{}: signs, but no CDS or CDNSKEY for it: {why}", p.display()));
            cds_withheld.push(dnskey.clone());
        }
        sync_states.push((p.display().to_string(), dnskey, state));
    }
    // A KSK published only whose SyncPublish has passed (and SyncDelete
    // not) gets a CDS and CDNSKEY too: `dnssec-signzone -S` gives them to
    // any key of its key list, signing or not (BIND's `syncpublish()` asks
    // nothing of the key's activity), so that in a double-DS rollover the
    // parent holds the next KSK's DS before that key signs. zonesign gave
    // them to signing KSKs only (left by the forty-fourth session's note).
    let mut cds_published: Vec<Box<[u8]>> = Vec::new();
    for p in &publish_paths {
        let Some((dnskey, state)) = new_sync_state(&sync_states, p, &|d| unrevoked_ksk(d)) else {
            continue;
        };
        if let (true, crate::sign::keys::SyncState::Publish { at }) = (cfg.cds, state) {
            report.key_timing.push(format!(
                "{}: published only, with a CDS and CDNSKEY: SyncPublish {} has passed",
                p.display(),
                crate::sign::validity::format_yyyymmddhhmmss(at)
            ));
            cds_published.push(dnskey.clone());
        }
        sync_states.push((p.display().to_string(), dnskey, state));
    }
    // Two files of one key whose CDS timing differs (a copy made before a
    // `dnssec-settime`): the stricter holds, and that is said.
    cds_published.retain(|d| {
        sync_states
            .iter()
            .all(|(_, k, s)| k != d || matches!(s, crate::sign::keys::SyncState::Publish { .. }))
    });
    for (i, (first, dnskey, state)) in sync_states.iter().enumerate() {
        let other = sync_states[..i].iter().find(|(_, d, s)| d == dnskey && s != state);
        if let Some((earlier, _, _)) = other {
            warnings.push(format!(
                "{earlier} and {first} are files of one key whose CDS timing (SyncPublish, \
                 SyncDelete) differs: a CDS and CDNSKEY for it are made only while both allow them"
            ));
        }
    }
    // The keys, the pool and the keys published only; then the key
    // directory's notices, amended where the pool signs with a key the
    // directory would not (`pool_wins_timing`: they said "not published"
    // of keys the pool signed with and published, the sixteenth audit,
    // 2026-12-06), also when this fails; then the warnings.
    let mut pool_key_ttls: Vec<u32> = Vec::new();
    let keyed = (|| {
        if paths.is_empty() && cfg.hsm_config.is_none() {
            // Given a key directory, say which names were looked for in it:
            // "give --key-dir" was said to a run that gave it (the
            // eighteenth audit, 2026-12-06).
            // And one whose key files none signs (their timing, a `.key`
            // without its `.private`) is not called empty (the
            // nineteenth audit): the notices above say why each is out.
            let files_there = cfg.key_dir.as_ref().is_some_and(|dir| {
                keyset::key_files_in(dir, origin).is_ok_and(|files| !files.is_empty())
            });
            return Err(Failure::Usage(match &cfg.key_dir {
                Some(dir) if files_there => format!(
                    "no keys: no key file of {} signs now (see the notices: by its timing each is left out or published only, or it has no .private file); give --key FILE to sign with a key whatever its timing",
                    dir.display()
                ),
                Some(dir) => format!(
                    "no keys: {} holds no key file of the zone (K{}+<alg>+<tag>.key, as dnssec-keygen names them){}; give --key FILE for keys named otherwise",
                    dir.display(),
                    crate::sign::keys::file_name_owner(origin),
                    // Knot's `keymgr` keeps PEM files: said, as the
                    // message named only BIND's names to an operator
                    // moving from Knot (the fifty-ninth audit).
                    if holds_pem_files(dir) {
                        "; its .pem files, as Knot's keymgr keeps keys, are not read: make the key pairs BIND's way (dnssec-keygen, or zonesign keygen) or sign through an HSM"
                    } else {
                        ""
                    }
                ),
                None => "no keys: give --key-dir DIR with the zone's K<zone>+<alg>+<tag>.key files, --key FILE, or --hsm-config FILE".into(),
            }));
        }
        let policy = if cfg.csk { keyset::RolePolicy::AllCsk } else { keyset::RolePolicy::ByFlags };
        let mut keys = if paths.is_empty() {
            Vec::new()
        } else {
            keyset::load_software_keys(&paths, origin, policy).map_err(Failure::Key)?
        };
        // HSM keys: proven in every HSM, then collision-checked with the rest.
        let hsm_pool = match &cfg.hsm_config {
            Some(path) => {
                let attached = crate::sign::pkcs11::attach(
                    path,
                    origin,
                    cfg.allow_degraded_pool,
                    cfg.csk,
                    &mut keys,
                    &mut report.hsms,
                )?;
                warnings.extend(attached.warnings);
                pool_key_ttls = attached.key_file_ttls;
                Some(attached.pool)
            }
            None => None,
        };
        if keys.is_empty() {
            return Err(Failure::Usage(format!("no keys for {origin}")));
        }
        let mut publish_only =
            keyset::load_publish_only_keys(&publish_paths, origin).map_err(Failure::Key)?;
        let explicit_publish: Vec<Box<[u8]>> = publish_named
            .iter()
            .filter_map(|p| crate::sign::keys::parse_key_file(p).ok())
            .map(|kf| kf.dnskey_rdata.into())
            .collect();
        warnings.extend(pool_wins_timing(
            &keys,
            &mut publish_only,
            &dir_signing,
            &explicit_publish,
            &timing_notes,
            &mut report.key_timing,
        ));
        warnings.extend(publish_wins(&mut keys, &publish_only, &dir_signing, &explicit)?);
        Ok((keys, hsm_pool, publish_only))
    })();
    if !cfg.quiet {
        for note in &report.key_timing {
            crate::diag!("zonesign: notice: key timing: {note}");
        }
    }
    for note in warnings {
        report.warn(note);
    }
    let (mut keys, hsm_pool, mut publish_only) = keyed?;
    // A revoked key's original files in the key directory, as plain
    // `dnssec-revoke` leaves them: the run is right to leave that key out,
    // and every re-sign of the RFC 5011 hold-down warned that it did (the
    // thirty-second audit, 2026-12-07; `dnssec-signzone -S` says nothing).
    // A notice, as for the directory's other keys left out; a warning
    // still where the operator named the key with --key or --publish.
    let stem_in = |twin: &keyset::RevokedTwin, stems: &[String]| {
        key_stem(Path::new(&twin.source)).is_some_and(|s| stems.contains(&s))
    };
    let named_stems: Vec<String> =
        explicit.iter().cloned().chain(publish_named.iter().filter_map(|p| key_stem(p))).collect();
    let twins = keyset::drop_revoked_twins(&mut keys)
        .into_iter()
        .map(|t| (stem_in(&t, &dir_signing), t))
        .chain(
            keyset::drop_revoked_published(&mut publish_only, &keys)
                .into_iter()
                .map(|t| (stem_in(&t, &dir_publishing), t)),
        );
    for (in_dir, twin) in twins {
        if in_dir && !stem_in(&twin, &named_stems) {
            let note = format!(
                "{} (its files stay beside the revoked key's, as plain `dnssec-revoke` \
                 leaves them; `dnssec-revoke -r` removes them)",
                twin.note
            );
            if !cfg.quiet {
                crate::diag!("zonesign: notice: key timing: {note}");
            }
            report.key_timing.push(note);
        } else {
            report.warn(twin.note);
        }
    }
    if !cfg.csk && !cfg.quiet {
        for note in keyset::lone_ksk_notes(&keys, &publish_only) {
            crate::diag!("zonesign: notice: {note}");
        }
    }
    keyset::check_publish_only(&publish_only, &keys).map_err(Failure::Key)?;
    keyset::check_dnskey_rrset_size(origin, &publish_only, &keys).map_err(Failure::Key)?;
    keyset::check_rrsig_rrset_size(origin, &keys).map_err(Failure::Key)?;
    keyset::check_roles(&keys).map_err(|e| match e {
        KeyError::NoSepKey { keys, .. } => {
            Failure::Key(KeyError::NoSepKey { keys, timing: std::mem::take(&mut idle_ksks) })
        }
        other => Failure::Key(other),
    })?;
    if let Some(path) = &cfg.trust_anchor {
        keyset::check_trust_anchor(&keys, origin, anchors, path).map_err(Failure::Key)?;
    }
    report.publish_only = publish_only
        .iter()
        .map(|p| PublishOnlyReport {
            key_tag: p.key_tag,
            algorithm: p.algorithm,
            source: p.source.clone(),
        })
        .collect();
    // The TTL a BIND key file carries (`dnssec-keygen -L`): "If the key is
    // imported into a zone, this is the TTL that will be used for it,
    // unless there was already a DNSKEY RRset in place"; the shortest
    // where they differ, as `dnssec-signzone -S` takes it. It was ignored
    // for the SOA's TTL, and an operator timing a rollover by the key's
    // TTL moved on while caches held the DNSKEY RRset longer (the
    // forty-fifth audit, 2026-12-07). Not `--publish` files: a DNSKEY
    // copied from `dig` carries a cache's remaining TTL. The `.key` files
    // of the HSM configuration count as the key directory's do (they were
    // left out: the forty-sixth session's list).
    let key_file_ttl = paths
        .iter()
        .chain(publish_paths.iter().filter(|p| !publish_named.contains(p)))
        .filter_map(|p| {
            crate::sign::keys::parse_key_file(&crate::sign::keys::pair_paths(p).0).ok()?.ttl
        })
        .chain(pool_key_ttls.iter().copied())
        // 0 is "no TTL" to BIND (`dnssec-keygen -L 0` writes none), and one
        // over 2^31 - 1 is no TTL (RFC 2181 §8): it went into the RRSIGs'
        // Original TTL, and the written zone failed its verification (the
        // forty-sixth audit, 2026-12-07).
        .filter(|&ttl| ttl > 0 && ttl <= i32::MAX as u32)
        .min();
    // Those still published only once the pool and `--key` had their say (a
    // key the pool signs with is among the signing keys).
    cds_published.retain(|d| publish_only.iter().any(|p| p.dnskey == *d));
    Ok(ChosenKeys {
        keys,
        hsm_pool,
        publish_only,
        key_file_ttl,
        sync_states,
        cds_withheld,
        cds_published,
        retired,
    })
}

/// The denial the run publishes: the one asked for, else the input's own
/// (`resolve_denial`), refused where the input leaves it open which chain
/// to keep.
fn denial_for_zone(
    cfg: &SignConfig,
    zone: &Zone,
    denial: Option<crate::sign::DenialMode>,
    report: &mut SignReport,
) -> Result<crate::sign::DenialMode, Failure> {
    use crate::sign::DenialMode;

    // Both chains in the input: which one to keep is the operator's call.
    // The NSEC chain was kept and the NSEC3 chain dropped without a word
    // (the twelfth audit, 2026-12-06).
    let unknown_hash = match denial {
        None => DenialMode::input_nsec3_hash_unknown(zone),
        Some(_) => None,
    };
    let unnamed_chains = match denial {
        None => DenialMode::input_nsec3_chains_unnamed(zone),
        Some(_) => None,
    };
    // RFC 5155 §4.1.2: "NSEC3PARAM RRs with a Flags field value other than
    // zero MUST be ignored." Said when the input's denial is followed, so
    // that the chain kept is not a surprise (the fifty-ninth audit).
    if let Some(flags) =
        denial.is_none().then(|| DenialMode::input_nsec3param_ignored_flags(zone)).flatten()
    {
        let warning = format!(
            "the input's NSEC3PARAM with flags {flags} is ignored (RFC 5155 §4.1.2: \"NSEC3PARAM RRs with a Flags field value other than zero MUST be ignored\"); the denial kept comes from the input's other NSEC3PARAM or NSEC3 records, else the default"
        );
        report.warn(warning);
    }
    let notes =
        if denial.is_none() { DenialMode::input_nsec3param_notes(zone) } else { Vec::new() };
    for warning in notes {
        report.warn(warning);
    }
    let (denial, warnings, notice) = match denial {
        Some(asked) if DenialMode::input_has_both_chains(zone) => {
            // The change warned about names both chains (it named the
            // NSEC chain only, or none: the thirteenth audit).
            let warning = format!(
                "the input holds both an NSEC chain and NSEC3 records; this run replaces them with {asked}, as the command line asks"
            );
            (asked, vec![warning], None)
        }
        None if unnamed_chains.is_some() => {
            let sets = unnamed_chains.unwrap_or(2);
            return Err(Failure::Usage(format!(
                "the input's NSEC3 records are of {sets} parameter sets and no NSEC3PARAM in use (flags 0) names one (RFC 5155 §4): give --nsec3 with its options, or --nsec, to say which chain to publish"
            )));
        }
        None if DenialMode::input_has_both_chains(zone) => {
            return Err(Failure::Usage(
                "the input has both an NSEC chain and NSEC3 records (a change of denial under way, RFC 5155 §10.4): give --nsec or --nsec3 with its options to say which to publish".into(),
            ));
        }
        None if unknown_hash.is_some() => {
            let (alg, records) = unknown_hash.unwrap_or((0, "NSEC3"));
            return Err(Failure::Usage(format!(
                "the input's {records} records name hash algorithm {alg}, which validators do not know (RFC 5155 §11 defines 1, SHA-1): give --nsec3 with its options, or --nsec, to say which chain to publish"
            )));
        }
        denial => resolve_denial(denial, DenialMode::of_input(zone))?,
    };
    for warning in warnings {
        report.warn(warning);
    }
    if let Some(notice) = notice.filter(|_| !cfg.quiet) {
        crate::diag!("zonesign: notice: {notice}");
    }
    Ok(denial)
}

/// What the key files and the input ask that the run does not do, said
/// before the zone is signed; and the input's CDS and CDNSKEY, which must
/// name keys the signed zone publishes.
fn check_before_signing(
    cfg: &SignConfig,
    zone: &Zone,
    keys: &[crate::sign::ZoneKey],
    opts: &crate::sign::SignOptions,
    sync_states: &[(String, Box<[u8]>, crate::sign::keys::SyncState)],
    retired: &[Box<[u8]>],
    report: &mut SignReport,
) -> Result<(), Failure> {
    use crate::sign::keyset;

    // Without --cds the input's CDS and CDNSKEY stay as they are, whatever
    // the KSKs' CDS timing asks: said, as `dnssec-signzone -S`
    // would change them by itself (the thirty-eighth audit).
    if !cfg.cds {
        use crate::sign::keys::SyncState;
        let when = crate::sign::validity::format_yyyymmddhhmmss;
        let asks: Vec<String> = sync_states
            .iter()
            .filter_map(|(source, dnskey, state)| {
                let named = crate::verify::cds::apex_names_key(zone, dnskey);
                match *state {
                    SyncState::Publish { at } if !named => Some(format!(
                        "{source}: SyncPublish {} has passed, and no input CDS names it",
                        when(at)
                    )),
                    SyncState::Withdrawn { at } if named => Some(format!(
                        "{source}: SyncDelete {} has passed, and the input's CDS name it",
                        when(at)
                    )),
                    _ => None,
                }
            })
            .collect();
        if !asks.is_empty() {
            let warning = format!(
                "the KSKs' CDS timing asks for other CDS and CDNSKEY records ({}): \
                 zonesign makes them with --cds only, and kept the input's (dnssec-signzone -S \
                 makes them by itself)",
                asks.join("; ")
            );
            report.warn(warning);
        }
    }
    // Without --cds the input's CDS and CDNSKEY stay: they must name keys
    // the signed zone publishes.
    if !cfg.cds {
        keyset::check_input_cds(zone, &dnskeys_of(keys, &opts.publish), keys)
            .map_err(Failure::Key)?;
    } else {
        check_timed_cds(keys, opts).map_err(Failure::Key)?;
    }
    for warning in input_signers_warning(zone, keys, &opts.publish)
        .into_iter()
        .chain(rollover_warnings(zone, keys, &opts.publish, retired))
    {
        report.warn(warning);
    }
    // With --trust-anchor the parent's DS settles it (checked above).
    if cfg.trust_anchor.is_none() {
        if let Some(warning) = input_ksks_warning(zone, keys, &opts.publish) {
            report.warn(warning);
        }
    }
    // RFC 1034 §4.3.5: secondaries transfer a zone only when its serial has
    // grown. A signed input (perhaps the published zone) re-signed with its
    // serial kept replaces nothing on them.
    if cfg.serial == crate::sign::serial::SerialPolicy::Keep
        && zone.apex().rrsigs(crate::zone::rtype::Rtype::SOA).is_some()
    {
        let serial = report.serial.map_or("unknown".to_string(), |s| s.to_string());
        let warning = format!(
            "the input is a signed zone and keeps its serial {serial} (--serial keep): \
             secondaries that have that serial will not transfer this zone; re-signing a \
             published zone takes --serial increment, unixtime or date"
        );
        report.warn(warning);
    }
    Ok(())
}

fn sign_inner(
    cfg: &SignConfig,
    report: &mut SignReport,
    timeline: &mut crate::timeline::Timeline,
    includes_known: &mut bool,
) -> Result<(), Failure> {
    use crate::sign::{keyset, DenialMode, SignOptions};

    let origin = parse_origin(&cfg.origin)?;
    report.zone = origin.to_string();
    let zonemd_choice = parse_zonemd(&cfg.zonemd)?;
    let cds_digests = parse_cds_digests(&cfg.cds_digest)?;
    let SignatureTimes { now, inception, expiration, jitter } = signature_times(cfg, report)?;
    let denial = denial_asked(cfg, report)?;

    let anchors = match &cfg.trust_anchor {
        Some(ta) => load_trust_anchors(ta, &origin)?,
        None => Vec::new(),
    };

    // The outputs as they are before anything is read: the run fails
    // rather than replace what another run wrote meanwhile.
    let output_at_start = OutputIdentity::of(&cfg.output);
    let ds_at_start = cfg.ds.as_deref().map(OutputIdentity::of);

    // Keys first: a key problem should stop the run before any work.
    let t = timeline.start("keys");
    let ChosenKeys {
        keys,
        hsm_pool,
        publish_only,
        key_file_ttl,
        sync_states,
        cds_withheld,
        cds_published,
        retired,
    } = choose_keys(cfg, &origin, now, &anchors, report)?;
    timeline.finish(t, keys.len() as u64);

    let t = timeline.start("load");
    // The digests are only for the report: the input's taken while the zone
    // loads, the output's by the writer as it writes (at .de scale 4.6 GB,
    // two seconds of one core that used to come after the load and after
    // verification).
    let want_digests = cfg.report.is_some();
    let (zone, input_sha256, input_stamp) = load_zone_digested(&cfg.zone, &origin, want_digests);
    report.input_sha256 = input_sha256;
    let mut zone = zone?;
    // The report's own file first: once it is known not to be included,
    // the report may be written whatever comes next, the refusal of
    // another output naming an included file too (it was left unwritten
    // then, with a note that the includes were unknown: the twenty-sixth
    // audit, 2026-12-06).
    let report_included = check_not_included(&zone, &[("--report", cfg.report.as_ref())]);
    *includes_known = report_included.is_ok();
    report_included?;
    check_not_included(&zone, &[("--output", Some(&cfg.output)), ("--ds", cfg.ds.as_ref())])?;
    report.warnings.extend(zone.warnings.iter().map(|w| w.to_string()));
    report.records_in = zone.stats.records;
    report.duplicates_dropped = zone.stats.duplicates_dropped;
    report.serial_policy = cfg.serial;
    keyset::check_input_dnskeys(&zone, &keys, &publish_only).map_err(Failure::Key)?;
    if let Some(change) = crate::sign::serial::apply(&mut zone, cfg.serial, now) {
        report.input_serial = Some(change.from);
        report.serial = Some(change.to);
        if let Some(warning) = crate::sign::serial::fallback_warning(cfg.serial, change, now) {
            report.warn(warning);
        }
    }
    timeline.finish(t, zone.stats.records as u64);

    // RFC 8976: the input's ZONEMD is made again over the signed zone (a
    // kept one would be stale), or the one --zonemd asks for.
    let zonemd = match zonemd_choice {
        Some(hashes) => hashes,
        None => {
            crate::zonemd::input_hashes(&zone).map_err(|e| Failure::Sign(SignError::Zonemd(e)))?
        }
    };
    let denial = denial_for_zone(cfg, &zone, denial, report)?;
    report.denial_mode = Some(denial.to_string());
    let nsec3 = matches!(denial, DenialMode::Nsec3(_));
    keyset::check_rrsig_data_size(&origin, &keys, &zone, nsec3).map_err(Failure::Key)?;
    let opts = SignOptions {
        inception,
        expiration,
        jitter: jitter as u32,
        denial,
        dnskey_ttl: cfg.dnskey_ttl,
        key_file_ttl,
        cds: cfg.cds,
        cds_digests,
        cds_withheld,
        cds_published,
        publish: publish_only.into_iter().map(|p| p.dnskey).collect(),
        zonemd: Some(zonemd),
        hash_backend: crate::denial::hash::Backend::detect(),
        progress: progress_bar(cfg.quiet, "signing"),
    };
    check_before_signing(cfg, &zone, &keys, &opts, &sync_states, &retired, report)?;
    let t = timeline.start("denial");
    let prep = crate::sign::prepare(&mut zone, &keys, &opts).map_err(Failure::Sign)?;
    if prep.replaced_records > 0 && !cfg.quiet {
        crate::diag!(
            "zonesign: notice: {} DNSSEC records (DNSKEY, RRSIG, NSEC, NSEC3, NSEC3PARAM{}) in the input were replaced",
            prep.replaced_records,
            if cfg.cds { ", CDS, CDNSKEY" } else { "" }
        );
    }
    if !prep.cds_dropped_for.is_empty() {
        let warning = format!(
            "--cds replaces the input's CDS and CDNSKEY records that name key {}, which the \
             signed zone still publishes without signing (--publish, or its timing in \
             --key-dir): if it is another signer's KSK (RFC 8901 \
             §2), a parent that follows the new records removes its DS and that signer's zone \
             goes bogus: sign without --cds to keep the input's records; if it is the old KSK \
             of a rollover, that is what --cds is for",
            prep.cds_dropped_for.iter().map(u16::to_string).collect::<Vec<_>>().join(", ")
        );
        report.warn(warning);
    }
    timeline.finish(t, (prep.nsec + prep.nsec3) as u64);
    report.denial = Some(prep);

    // Signing and writing overlap: each signed chunk is formatted on the
    // worker that signed it, and one writer thread puts the chunks into the
    // temporary output in zone order while later chunks are still signing.
    let t = timeline.start("sign");
    let io = |e| Failure::Io { path: cfg.output.clone(), source: e };
    let out = AtomicOutput::create(&cfg.output).map_err(io)?;
    let streamed = stream_signed_zone(&mut zone, &keys, &opts, &out, want_digests);
    let (signed, written, records_out) = (streamed.signed, streamed.written, streamed.records);
    // The ZONEMD digest is known once every chunk is written; its signing
    // may need the HSM pool, so it comes before the pool shuts down.
    let zonemd_patched = match (&signed, &written, streamed.zonemd) {
        (Ok(_), Ok(_), Some(z)) => Some(finish_zonemd(&zone, &keys, &opts, &out, z)),
        _ => None,
    };
    if let Some(pool) = &hsm_pool {
        report.hsms = pool.reports();
        pool.shutdown();
        // A smaller pool than configured is in the report's warnings too,
        // not only on standard error (the fifth audit, 2026-12-06).
        for h in &report.hsms {
            if h.status != crate::sign::pkcs11::HsmStatus::Active {
                report.warnings.push(format!("hsm {}: {}", h.name, h.status));
            }
        }
    }
    // The writer's own error explains a stopped signing run best.
    let mut output_sha256 = written.map_err(io)?;
    let stats = match signed {
        Err(SignError::Output { source }) => return Err(io(source)),
        other => other.map_err(Failure::Sign)?,
    };
    if let Some(patched) = zonemd_patched {
        patched?;
        // The writer hashed the placeholder's text.
        if want_digests {
            output_sha256 = sha256_file(out.temp_path());
        }
    }
    report.rrsets_signed = stats.rrsets_signed;
    report.keys = keys
        .iter()
        .zip(&stats.signatures_per_key)
        .map(|(k, &n)| KeyReport {
            key_tag: k.key_tag,
            algorithm: k.algorithm,
            role: k.role,
            source: k.source.clone(),
            signatures: n,
        })
        .collect();
    timeline.finish(t, stats.signatures_per_key.iter().sum::<usize>() as u64);

    // What is left of writing once signing is done: fsync.
    let t = timeline.start("write");
    out.sync().map_err(io)?;
    report.records_out = records_out;
    timeline.finish(t, report.records_out as u64);
    let class = zone.class;
    let included = std::mem::take(&mut zone.included);
    zone.free();

    // The DS file is written before the zone replaces anything, so that
    // only its rename can fail after (`--ds` naming a directory was found
    // only once the zone was replaced: the twenty-first audit, 2026-12-06).
    let ds = cfg.ds.as_ref().map(|p| stage_ds_file(p, &origin, class, &keys)).transpose()?;
    // Right before anything is replaced: the input is what was read, and
    // the outputs what they were when the run began.
    let last_checks = || -> Result<(), Failure> {
        for stamp in input_stamp.iter().chain(&included) {
            stamp.check_unchanged().map_err(|e| {
                Failure::Load(LoadFailure::Io { path: stamp.path.clone(), source: e })
            })?;
        }
        let mut outputs = vec![("--output", cfg.output.as_path(), &output_at_start)];
        if let (Some(path), Some(at_start)) = (&cfg.ds, &ds_at_start) {
            outputs.push(("--ds", path.as_path(), at_start));
        }
        check_not_replaced(&outputs)
    };
    if cfg.dangerous_skip_verify {
        report.verification_skipped = true;
        last_checks()?;
        out.commit_unverified().map_err(io)?;
        report.output_sha256 = output_sha256;
    } else {
        // Verify the file on disk, as a resolver would see it once served.
        let t = timeline.start("verify");
        inject_fault(out.temp_path());
        let written = load_zone_silently(out.temp_path(), &origin)
            .map_err(|f| written_file_refused(f, out.temp_path(), &cfg.output))?;
        // The file is judged at the time it is judged, not when the run
        // began: signatures that expired while a long run signed were
        // passed and published (RFC 4035 §5.3.1; the tenth audit,
        // 2026-12-06).
        let at = crate::sign::validity::now().max(now);
        // Our own signatures, just made by an RFC 8032 signer: Ed25519
        // batches are safe here (see `verify::Ed25519Batch`).
        let vr = crate::verify::verify_zone_with(
            &written,
            &crate::verify::VerifyOptions { at, trust_anchors: anchors },
            &crate::verify::FastPathOptions {
                ed25519: crate::verify::Ed25519Batch::DangerousIgnoreTorsion,
                ..Default::default()
            },
        );
        timeline.finish(t, vr.counts.signatures_verified as u64);
        let passed = vr.passed();
        let findings: Vec<String> = vr.findings.iter().map(|f| f.to_string()).collect();
        let errors = vr.errors();
        // The written zone's warnings are said as `verify` says them, and
        // are the report's warnings too: a delegation left with no DS a
        // validator can use (it validates as insecure) was only counted,
        // "1 warnings" (an audit, 2026-12-06).
        // Not the NSEC3 iterations or salt: the run warned of them already,
        // naming `--iterations` or the input's (said twice, the eighteenth
        // audit).
        if passed.is_some() {
            for f in vr.findings.iter().filter(|f| {
                f.severity == crate::verify::Severity::Warning
                    && f.kind != "nsec3-iterations"
                    && f.kind != "nsec3-salt"
            }) {
                crate::diag!("zonesign: the written zone: {f}");
                report.warnings.push(format!("the written zone: {f}"));
            }
        }
        report.verification = Some(vr);
        written.free();
        let Some(proof) = passed else {
            return Err(Failure::Verification { errors, findings, discarded_output: true });
        };
        last_checks()?;
        out.commit(&proof).map_err(io)?;
        report.output_sha256 = output_sha256;
    }
    if let (Some(ds), Some(path)) = (ds, &cfg.ds) {
        commit_ds_file(ds, path, &cfg.output)?;
    }
    Ok(())
}

/// ", ZONEMD digest matched" when the zone has an apex ZONEMD that matched.
fn zonemd_summary(counts: &crate::verify::Counts) -> String {
    match counts.zonemd {
        0 => String::new(),
        1 => ", ZONEMD digest matched".to_string(),
        n => format!(", {n} ZONEMD digests matched"),
    }
}

/// What [`stream_signed_zone`] did.
struct Streamed {
    signed: Result<crate::sign::SignStats, SignError>,
    /// The writer's result, with the SHA-256 of everything it wrote when
    /// asked for.
    written: std::io::Result<Option<String>>,
    /// Records written.
    records: usize,
    /// With an apex ZONEMD: the digests and where the placeholder's text is.
    zonemd: Option<Result<ZonemdPlaceholder, SignError>>,
}

/// The apex ZONEMD placeholder as written, and the digests that replace it.
#[derive(Debug)]
struct ZonemdPlaceholder {
    /// Octets from the start of the file, and the length of the text of
    /// the ZONEMD RRset with its RRSIGs.
    offset: usize,
    len: usize,
    digests: Vec<(crate::zonemd::HashAlg, Vec<u8>)>,
}

/// Warns of each SIMD variable (README, "Environment") whose value names
/// none of its backends. Such a value is ignored and the CPU's choice runs;
/// the load's and the verifier's were ignored with no word (the
/// forty-sixth session's list), and a path taken only for some zones would
/// be said only for those: every run that loads a zone says it at once.
pub fn warn_of_unknown_backends() {
    for warning in unknown_backend_warnings() {
        crate::diag!("zonesign: warning: {warning}");
    }
}

/// The warnings [`warn_of_unknown_backends`] prints, for the reports too:
/// they were printed only, and a report's reader never learnt that the
/// backend asked for was not used (the sixty-fourth audit, 2026-12-07).
pub fn unknown_backend_warnings() -> Vec<String> {
    use crate::verify::fast::p256ifma;
    let mut warnings = Vec::new();
    let verify_names = ["scalar", p256ifma::kernel_name_of(true)];
    let nsec3_names = crate::denial::hash::Backend::ALL.map(|b| b.name());
    use crate::load::simd::Backend as Load;
    let load_names = [Load::Scalar, Load::Avx2, Load::Avx512].map(Load::name);
    let known: [(&str, &[&str]); 3] = [
        (crate::load::simd::BACKEND_ENV, &load_names),
        (crate::denial::hash::BACKEND_ENV, &nsec3_names),
        (p256ifma::BACKEND_ENV, &verify_names),
    ];
    for (var, names) in known {
        let Some(value) = std::env::var_os(var) else { continue };
        let value = value.to_string_lossy();
        if !names.iter().any(|n| n.eq_ignore_ascii_case(value.trim())) {
            let (last, rest) = names.split_last().expect("every variable has backends");
            warnings.push(format!("{var}={value:?} ignored: not {} or {last}", rest.join(", ")));
        }
    }
    warnings
}

/// Formats the ZONEMD RRset of `apex` with the RRSIGs over it (from
/// `rrsigs`), as the writer writes them within the apex.
fn zonemd_text(
    apex: &crate::zone::Node,
    rrsigs: &[crate::zone::Rrset],
    class: crate::zone::rtype::Class,
) -> std::io::Result<String> {
    use crate::zone::rtype::Rtype;
    let rrsets = apex.rrset(Rtype::ZONEMD).cloned().into_iter().collect();
    let node = crate::zone::Node { name: apex.name.clone(), rrsets, flags: apex.flags };
    let sigs: Vec<crate::zone::Rrset> =
        rrsigs.iter().filter(|s| s.covered() == Some(Rtype::ZONEMD)).cloned().collect();
    let mut w = crate::emit::TextWriter::in_memory(4096);
    crate::emit::write_nodes_with(std::slice::from_ref(&node), &[sigs], class, &mut w)?;
    String::from_utf8(w.into_bytes()).map_err(std::io::Error::other)
}

/// Signs the zone and writes it into `out` as it goes (see
/// [`crate::sign::sign_zone_streaming`]). The RRSIGs are dropped once
/// written; the zone keeps its other records. With an apex ZONEMD
/// placeholder (`opts.zonemd`), each chunk's records are also hashed, in
/// zone order, by the writer (RFC 8976 §3.3), and the placeholder's place
/// in the file is found for [`finish_zonemd`].
fn stream_signed_zone(
    zone: &mut Zone,
    keys: &[crate::sign::ZoneKey],
    opts: &crate::sign::SignOptions,
    out: &AtomicOutput,
    digest: bool,
) -> Streamed {
    use std::collections::BTreeMap;
    use std::sync::atomic::{AtomicUsize, Ordering};

    type Written = std::io::Result<(Option<String>, Option<crate::zonemd::Digester>)>;
    let class = zone.class;
    let zonemd = opts.zonemd.clone().filter(|h| !h.is_empty());
    let records = AtomicUsize::new(0);
    let placeholder: Mutex<Option<Result<(usize, usize), SignError>>> = Mutex::new(None);
    // (chunk index, its text, its records in the digest's wire form).
    let (tx, rx) = crossbeam::channel::unbounded::<(usize, Vec<u8>, Vec<u8>)>();
    let (signed, written) = std::thread::scope(|s| {
        let zonemd = &zonemd;
        // A thread that cannot start (`ulimit -u`) is said, not a panic
        // (exit 101: the fortieth audit, 2026-12-07).
        let writer = std::thread::Builder::new().name("zonesign-writer".into()).spawn_scoped(
            s,
            move || -> Written {
                // Each chunk's text (a few hundred kilobytes) goes to the file
                // in one write, not through another buffer.
                let mut w = out.file();
                let mut sha256 =
                    digest.then(|| aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256));
                let mut digester = zonemd.as_deref().map(crate::zonemd::Digester::new);
                // Chunks arrive nearly in order (claimed in order, a bounded
                // lead); the few early ones wait here.
                let mut next = 0usize;
                let mut early: BTreeMap<usize, (Vec<u8>, Vec<u8>)> = BTreeMap::new();
                for (index, text, wire) in rx {
                    early.insert(index, (text, wire));
                    while let Some((text, wire)) = early.remove(&next) {
                        w.write_all(&text)?;
                        if let Some(sha256) = &mut sha256 {
                            sha256.update(&text);
                        }
                        if let Some(d) = &mut digester {
                            d.update(&wire);
                        }
                        next += 1;
                    }
                }
                w.flush()?;
                Ok((sha256.map(|c| data_encoding::HEXLOWER.encode(c.finish().as_ref())), digester))
            },
        );
        let writer = match writer {
            Ok(writer) => writer,
            Err(e) => {
                let said = format!("cannot start the output writer's thread: {e}");
                let output = SignError::Output { source: std::io::Error::other(said.clone()) };
                return (Err(output), Err(std::io::Error::other(said)));
            }
        };
        let signed = crate::sign::sign_zone_streaming(zone, keys, opts, |chunk| {
            let mut w = crate::emit::TextWriter::in_memory(256 << 10);
            let n = crate::emit::write_nodes_with(chunk.nodes, chunk.rrsigs, class, &mut w)?;
            records.fetch_add(n, Ordering::Relaxed);
            let text = w.into_bytes();
            let mut wire = Vec::new();
            if zonemd.is_some() {
                wire.reserve(text.len());
                for (i, node) in chunk.nodes.iter().enumerate() {
                    let beside = chunk.rrsigs.get(i).map_or(&[][..], |v| v.as_slice());
                    crate::zonemd::append_node(&mut wire, node, beside, class);
                }
                if chunk.index == 0 {
                    let found = locate_placeholder(&text, chunk, class);
                    if let Ok(mut p) = placeholder.lock() {
                        *p = Some(found);
                    }
                }
            }
            tx.send((chunk.index, text, wire))
                .map_err(|_| std::io::Error::other("the output writer stopped"))
        });
        drop(tx);
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the output writer panicked")));
        (signed, written)
    });
    let (written, digester) = match written {
        Ok((sha, d)) => (Ok(sha), d),
        Err(e) => (Err(e), None),
    };
    let zonemd = digester.map(|d| {
        let found = placeholder.into_inner().ok().flatten().unwrap_or(Err(SignError::Zonemd(
            crate::zonemd::ZonemdError::Placeholder { what: "the apex chunk was not written" },
        )));
        found.map(|(offset, len)| ZonemdPlaceholder { offset, len, digests: d.finish() })
    });
    Streamed { signed, written, records: records.into_inner(), zonemd }
}

/// Where in the first chunk's text (the file's start) the apex ZONEMD
/// placeholder and its RRSIGs are: their text occurs there exactly once.
fn locate_placeholder(
    text: &[u8],
    chunk: crate::sign::SignedChunk<'_>,
    class: crate::zone::rtype::Class,
) -> Result<(usize, usize), SignError> {
    let missing = |what| SignError::Zonemd(crate::zonemd::ZonemdError::Placeholder { what });
    let text = std::str::from_utf8(text).map_err(|_| missing("the apex's text is not ASCII"))?;
    let apex = chunk.nodes.first().ok_or(missing("the first chunk is empty"))?;
    let beside = chunk.rrsigs.first().map_or(&[][..], |v| v.as_slice());
    let needle = zonemd_text(apex, beside, class).map_err(|source| SignError::Output { source })?;
    let at = text.find(&needle).ok_or(missing("the placeholder's text is not in the apex's"))?;
    if text[at + needle.len()..].contains(&needle) {
        return Err(missing("the placeholder's text occurs twice"));
    }
    Ok((at, needle.len()))
}

/// RFC 8976 §3.5 (in our words: once the digest is known, the ZONEMD RRset
/// is signed again): its text, as long as the placeholder's (digests and
/// signatures have fixed lengths), is written over the placeholder's in the
/// temporary file. The verification that follows reads the file as patched.
fn finish_zonemd(
    zone: &Zone,
    keys: &[crate::sign::ZoneKey],
    opts: &crate::sign::SignOptions,
    out: &AtomicOutput,
    placeholder: Result<ZonemdPlaceholder, SignError>,
) -> Result<(), Failure> {
    use std::os::unix::fs::FileExt;
    let p = placeholder.map_err(Failure::Sign)?;
    let node = crate::sign::zonemd_node(zone, &p.digests).map_err(Failure::Sign)?;
    let sigs = crate::sign::sign_node(zone, &node, keys, opts).map_err(Failure::Sign)?;
    let text = zonemd_text(&node, &sigs, zone.class)
        .map_err(|source| Failure::Sign(SignError::Output { source }))?;
    if text.len() != p.len {
        return Err(Failure::Sign(SignError::Zonemd(crate::zonemd::ZonemdError::Patch {
            placeholder: p.len,
            actual: text.len(),
        })));
    }
    out.file()
        .write_all_at(text.as_bytes(), p.offset as u64)
        .map_err(|source| Failure::Io { path: out.temp_path().to_path_buf(), source })
}

/// `--zonemd`: `None` for the input's digests, else the hash algorithms
/// asked for (none for `none`).
fn parse_zonemd(args: &[String]) -> Result<Option<Vec<crate::zonemd::HashAlg>>, Failure> {
    if args.is_empty() {
        return Ok(None);
    }
    if args.iter().any(|a| a.eq_ignore_ascii_case("none")) {
        if args.len() > 1 {
            return Err(Failure::Usage("--zonemd none cannot be given with a digest".into()));
        }
        return Ok(Some(Vec::new()));
    }
    let mut hashes = args
        .iter()
        .map(|a| a.parse::<crate::zonemd::HashAlg>().map_err(Failure::Usage))
        .collect::<Result<Vec<_>, _>>()?;
    hashes.sort_unstable();
    hashes.dedup();
    Ok(Some(hashes))
}

/// `--cds-digest`: the digest types of the CDS records, as Knot's
/// `cds-digest-type` and BIND's `cds-digest-types` choose them. RFC 8624
/// §3.3: SHA-256 "MUST" be used to create DS, SHA-384 "MAY", SHA-1 "MUST
/// NOT" (refused, as by `DigestType::from_number`).
fn parse_cds_digests(args: &[String]) -> Result<Vec<crate::sign::keys::DigestType>, Failure> {
    use crate::sign::keys::DigestType;
    let mut digests = args
        .iter()
        .map(|a| match a.to_ascii_lowercase().as_str() {
            "sha256" | "sha-256" | "2" => Ok(DigestType::Sha256),
            "sha384" | "sha-384" | "4" => Ok(DigestType::Sha384),
            "sha1" | "sha-1" | "1" => Err(Failure::Usage(format!(
                "--cds-digest {a}: SHA-1 is not to be used for DS records (RFC 8624 §3.3: MUST \
                 NOT); give sha256 or sha384"
            ))),
            _ => {
                Err(Failure::Usage(format!("--cds-digest {a}: expected sha256 (2) or sha384 (4)")))
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    digests.sort_unstable_by_key(|d| d.number());
    digests.dedup();
    Ok(digests)
}

/// Writes the DS records of the KSKs (CSKs) for the parent: digest type 2,
/// and 4 for algorithm 14 (RFC 6605 §2), as `dnssec-dsfromkey` does.
/// Written to a temporary file beside `path`, replaced by
/// [`commit_ds_file`]. In the zone's class: a CH zone's DS set was written
/// `IN` (the fifty-third audit, 2026-12-07; `dnssec-dsfromkey -c CH`
/// writes `CH`).
fn stage_ds_file(
    path: &Path,
    origin: &Name,
    class: crate::zone::rtype::Class,
    keys: &[crate::sign::ZoneKey],
) -> Result<AtomicOutput, Failure> {
    use crate::sign::keys::{ds_rdata, DigestType};
    use crate::zone::rtype::Rtype;
    let io = |e| Failure::Io { path: path.to_path_buf(), source: e };
    let out = AtomicOutput::create(path).map_err(io)?;
    let mut w = crate::emit::TextWriter::new(out.file());
    w.set_owner(origin);
    for k in keys.iter().filter(|k| k.role != crate::sign::KeyRole::Zsk && !k.is_revoked()) {
        let mut digests = vec![DigestType::Sha256];
        if k.algorithm == 14 {
            digests.push(DigestType::Sha384);
        }
        for d in digests {
            let ds = ds_rdata(origin, &k.dnskey, d).map_err(Failure::Key)?;
            w.write_record(3600, class, Rtype::DS, &ds).map_err(io)?;
        }
    }
    w.flush().map_err(io)?;
    drop(w);
    Ok(out)
}

/// Puts the staged DS file in place, after the zone: a rename the checks
/// before the run could not foresee failing (an immutable file) says that
/// the zone was replaced, in the message and the report.
fn commit_ds_file(ds: AtomicOutput, path: &Path, output: &Path) -> Result<(), Failure> {
    ds.commit_unverified().map_err(|e| Failure::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(
            e.kind(),
            format!(
                "{e}; {} was replaced with the signed zone, only the DS file is missing",
                output.display()
            ),
        ),
    })
}

/// A warning when none of the input's KSKs signs the signed zone's DNSKEY
/// RRset ([`keyset::input_ksks_all_replaced`]); `publish`: the DNSKEYs
/// published only, to say which of those KSKs stays published.
fn input_ksks_warning(
    zone: &Zone,
    keys: &[crate::sign::ZoneKey],
    publish: &[Box<[u8]>],
) -> Option<String> {
    let (gone, signed) = crate::sign::keyset::input_ksks_all_replaced(zone, keys);
    if gone.is_empty() {
        return None;
    }
    let tags = |t: &[u16]| t.iter().map(u16::to_string).collect::<Vec<_>>().join(", ");
    let one = gone.len() == 1;
    let published: Vec<u16> = gone
        .iter()
        .copied()
        .filter(|&t| publish.iter().any(|d| crate::sign::keys::key_tag(d) == t))
        .collect();
    let mut still = if published.is_empty() {
        String::new()
    } else {
        format!(
            " (key {} stays published, but a KSK that does not sign the DNSKEY RRset validates \
             nothing, RFC 4035 §5)",
            tags(&published)
        )
    };
    // The revocation step of RFC 5011: the revoked form signs, but a DS of
    // the key before it matches it no more. RFC 4034 §5.1.4: "digest =
    // digest_algorithm( DNSKEY owner name | DNSKEY RDATA)", and the flags
    // are in the RDATA (the thirty-second audit, 2026-12-07: the warning
    // read as if the key were gone).
    // (The input's key itself, not one that shares its tag.)
    let input_dnskeys = zone.apex().rrset(crate::zone::rtype::Rtype::DNSKEY);
    let revoked: Vec<String> = keys
        .iter()
        .filter(|k| k.is_revoked() && k.dnskey.len() > 2)
        .filter_map(|k| {
            let before = crate::sign::keyset::unrevoked_form(k);
            let tag = crate::sign::keys::key_tag(&before);
            let published = input_dnskeys.is_some_and(|r| r.rdatas.iter().any(|d| d == &*before));
            (published && gone.contains(&tag))
                .then(|| format!("key {tag} is revoked as key {}", k.key_tag))
        })
        .collect();
    if !revoked.is_empty() {
        still.push_str(&format!(
            " ({}, which a DS of the key before revocation does not match: the flags are in \
             the digest, RFC 4034 §5.1.4)",
            revoked.join(", ")
        ));
    }
    Some(format!(
        "the input's DNSKEY RRset {} {} {}, {} the signed zone's{still}: if the parent's DS names \
         only {}, the zone will be bogus; give --trust-anchor with the parent's DS set to check",
        if signed { "is signed by" } else { "has" },
        if one { "KSK" } else { "KSKs" },
        tags(&gone),
        if one { "which does not sign" } else { "none of which signs" },
        if one { "it" } else { "them" }
    ))
}

/// The DNSKEY RDATA the signed zone publishes: the signing keys' and those
/// published only (`--publish`).
fn dnskeys_of<'a>(keys: &'a [crate::sign::ZoneKey], publish: &'a [Box<[u8]>]) -> Vec<&'a [u8]> {
    keys.iter().map(|k| &*k.dnskey).chain(publish.iter().map(|d| &**d)).collect()
}

/// RFC 6781 §4.1.1.1: a warning when the signed zone drops, at once, a
/// DNSKEY that signed the input zone (see
/// [`crate::sign::keyset::input_signers_dropped`]).
fn input_signers_warning(
    zone: &Zone,
    keys: &[crate::sign::ZoneKey],
    publish: &[Box<[u8]>],
) -> Option<String> {
    let dropped = crate::sign::keyset::input_signers_dropped(zone, &dnskeys_of(keys, publish));
    if dropped.is_empty() {
        return None;
    }
    let tags: Vec<String> = dropped.iter().map(u16::to_string).collect();
    // `--publish` takes keys of the algorithms zonesign signs with only
    // (the advice was given for an Ed448 key, an audit, 2026-12-06).
    let foreign: Vec<u8> = zone
        .apex()
        .rrset(crate::zone::rtype::Rtype::DNSKEY)
        .into_iter()
        .flat_map(|set| set.rdatas.iter())
        .filter(|rd| rd.len() >= 4 && dropped.contains(&crate::sign::keys::key_tag(rd)))
        .map(|rd| rd[3])
        .filter(|&alg| crate::sign::keys::Algorithm::from_number(alg).is_err())
        .collect();
    // A key the run revokes cannot be kept published unrevoked: the
    // advice to --publish it was refused, and given again (the
    // twenty-eighth audit, 2026-12-06).
    let twins = crate::sign::keyset::unrevoked_forms(keys);
    let (revoked_now, plain): (Vec<u16>, Vec<u16>) =
        dropped.iter().partition(|&&t| twins.iter().any(|d| crate::sign::keys::key_tag(d) == t));
    let list = |t: &[u16]| t.iter().map(u16::to_string).collect::<Vec<_>>().join(", ");
    // Each remedy for the keys it fits: a run that revoked one key and
    // dropped another advised `--publish` for both (the twenty-ninth audit).
    let mut remedies = Vec::new();
    if !plain.is_empty() {
        let which =
            if revoked_now.is_empty() { "it".to_string() } else { format!("key {}", list(&plain)) };
        remedies.push(if foreign.is_empty() {
            format!("keep {which} published with --publish until they are gone")
        } else {
            format!(
                "zonesign cannot publish a key of algorithm {} (it signs with 8, 10, 13, 14 and \
                 15 only): keep {which} published with the signer that made them until they are \
                 gone",
                foreign.iter().map(u8::to_string).collect::<Vec<_>>().join(", ")
            )
        });
    }
    if !revoked_now.is_empty() {
        remedies.push(format!(
            "the run revokes key {}, and a revoked key validates nothing but the DNSKEY RRset \
             (RFC 5011 §2.1): revoke a key that signs the data only once another key has \
             signed it for at least its largest TTL",
            list(&revoked_now)
        ));
    }
    let remedy = remedies.join("; ");
    Some(format!(
        "key {} signed the input zone's data and the signed zone drops its DNSKEY: answers that \
         secondaries and caches still hold with its signatures cannot be validated against the \
         new DNSKEY RRset; {remedy} (RFC 6781 §4.1.1.1)",
        tags.join(", ")
    ))
}

/// RFC 6781 §4.1.1.1, the other two ends of a pre-publish rollover:
/// warnings when a key the input published without signing is no longer
/// published ([`crate::sign::keyset::input_prepublished_dropped`]), and when the keys
/// that sign the data were none of them in the input's DNSKEY RRset
/// ([`crate::sign::keyset::unannounced_data_signers`]).
/// `retired`: DNSKEYs the key directory's timing leaves out, dropped on
/// purpose (the old ZSK at the end of the README's pre-publish rollover was
/// warned about as if it were the next one: the twelfth audit, 2026-12-06).
fn rollover_warnings(
    zone: &Zone,
    keys: &[crate::sign::ZoneKey],
    publish: &[Box<[u8]>],
    retired: &[Box<[u8]>],
) -> Vec<String> {
    let tags = |t: &[u16]| t.iter().map(u16::to_string).collect::<Vec<_>>().join(", ");
    let mut out = Vec::new();
    let mut kept = dnskeys_of(keys, publish);
    kept.extend(retired.iter().map(|d| &**d));
    // A key the run revoked replaces its unrevoked form (RFC 5011 §2.1):
    // that form was warned of as a stand-by key no longer published, with
    // advice that cannot be followed (the twenty-seventh audit, 2026-12-06).
    let unrevoked = crate::sign::keyset::unrevoked_forms(keys);
    kept.extend(unrevoked.iter().map(|d| &**d));
    let dropped = crate::sign::keyset::input_prepublished_dropped(zone, &kept);
    if !dropped.is_empty() {
        out.push(format!(
            "key {} is published in the input's DNSKEY RRset without signing (a key published \
             ahead of a rollover, a stand-by key, the old key after one, or another signer's \
             key) and the signed zone no longer publishes it: if it is to sign next, keep it \
             published (--publish, or its timing in --key-dir) for at least the DNSKEY TTL \
             before it signs (RFC 6781 §4.1.1.1); if another signer of the zone holds it, \
             publish it with --publish, as every signer publishes the same DNSKEY RRset (RFC \
             8901 §2); if it is the old key of a finished rollover, nothing is to be done",
            tags(&dropped)
        ));
    }
    let new = crate::sign::keyset::unannounced_data_signers(zone, keys);
    if !new.is_empty() {
        let ttl = zone.apex().rrset(crate::zone::rtype::Rtype::DNSKEY).map_or(0, |r| r.ttl);
        out.push(format!(
            "key {} signs the zone data and none of the keys signing it was in the input's DNSKEY \
             RRset: resolvers that hold that RRset in their caches (up to its TTL, {ttl} s) cannot \
             validate the new signatures; publish a new ZSK (--publish) for at least the DNSKEY \
             TTL before it signs (RFC 6781 §4.1.1.1)",
            tags(&new)
        ));
    }
    out
}

/// The DS and DNSKEY records of a trust anchor file (a parent's DS set,
/// `dsset-` files, a DNSKEY anchor), in zone file syntax.
fn load_trust_anchors(
    path: &Path,
    origin: &Name,
) -> Result<Vec<crate::verify::TrustAnchor>, Failure> {
    use crate::verify::TrustAnchor;
    // BIND's dsset- and .key files give no TTL, which a trust anchor does
    // not need (an audit found them refused, 2026-12-06).
    let opts = LoadOptions { default_ttl: Some(0), ..LoadOptions::new(origin.clone()) };
    let loaded = load_file(path, &opts).map_err(Failure::Anchor)?;
    // RFC 4034 §5: "The DS RR and its corresponding DNSKEY RR have the same
    // owner name": records of other names anchor other zones (a file of
    // several zones' anchors), not this one. They were taken for the zone's
    // until the fifth audit (2026-12-06; `ldns-verify-zone -k` refuses a DS
    // of another owner).
    let (mut anchors, mut others) = (Vec::new(), 0usize);
    for r in loaded.iter() {
        let anchor = match r.rtype {
            crate::zone::rtype::Rtype::DS => TrustAnchor::Ds(r.rdata.into()),
            crate::zone::rtype::Rtype::DNSKEY => TrustAnchor::Dnskey(r.rdata.into()),
            _ => continue,
        };
        if r.owner == origin {
            anchors.push(anchor);
        } else {
            others += 1;
        }
    }
    if anchors.is_empty() {
        let of_others = match others {
            0 => String::new(),
            n => format!(" ({n} for other names)"),
        };
        return Err(Failure::Usage(format!(
            "{} holds no DS or DNSKEY record for {origin}{of_others}",
            path.display()
        )));
    }
    Ok(anchors)
}

/// `--bits` is an argument: RSA only, 2048, 3072 or 4096 (exit 2, not the
/// key problem of exit 3; the fifth audit, 2026-12-06).
pub fn check_key_size(
    algorithm: crate::sign::keys::Algorithm,
    bits: Option<usize>,
) -> Result<(), Failure> {
    use crate::sign::keys::Algorithm;
    let rsa = matches!(algorithm, Algorithm::RsaSha256 | Algorithm::RsaSha512);
    match bits {
        None => Ok(()),
        Some(2048 | 3072 | 4096) if rsa => Ok(()),
        Some(b) if rsa => {
            Err(Failure::Usage(format!("--bits {b}: RSA keys have 2048, 3072 or 4096 bits")))
        }
        Some(b) => Err(Failure::Usage(format!("--bits {b}: only RSA keys take a size"))),
    }
}

/// `zonesign verify`.
#[derive(Debug, Clone)]
pub struct VerifyConfig {
    pub zone: PathBuf,
    pub origin: String,
    pub at: Option<String>,
    pub trust_anchor: Option<PathBuf>,
    pub report: Option<PathBuf>,
    pub threads: Option<usize>,
    pub quiet: bool,
}

/// What `verify` found in a zone that loaded.
struct Verified {
    report: crate::verify::Report,
    records: usize,
    origin: Name,
    warnings: Vec<String>,
}

/// `includes_known` as for [`sign_inner`].
fn verify_inner(
    cfg: &VerifyConfig,
    timeline: &mut crate::timeline::Timeline,
    includes_known: &mut bool,
) -> Result<Verified, Failure> {
    use crate::sign::validity::{now, parse_time};
    let pool = thread_pool(cfg.threads, cfg.quiet)?;
    let origin = parse_origin(&cfg.origin)?;
    let now = now();
    let at = match &cfg.at {
        Some(t) => parse_time(t, now).map_err(|e| Failure::Usage(e.to_string()))?,
        None => now,
    };
    let anchors = match &cfg.trust_anchor {
        Some(ta) => load_trust_anchors(ta, &origin)?,
        None => Vec::new(),
    };
    pool.install(|| -> Result<_, Failure> {
        let t = timeline.start("load");
        let zone = load_zone(&cfg.zone, &origin)?;
        check_not_included(&zone, &[("--report", cfg.report.as_ref())])?;
        *includes_known = true;
        timeline.finish(t, zone.stats.records as u64);
        let warnings = zone.warnings.iter().map(|w| w.to_string()).collect();
        let t = timeline.start("verify");
        let report = crate::verify::verify_zone(
            &zone,
            &crate::verify::VerifyOptions { at, trust_anchors: anchors },
        );
        timeline.finish(t, report.counts.signatures_verified as u64);
        let records = zone.stats.records;
        zone.free();
        Ok(Verified { report, records, origin, warnings })
    })
}

pub fn verify(cfg: &VerifyConfig) -> Result<(), Failure> {
    let reads: Vec<(String, PathBuf)> = cfg
        .trust_anchor
        .iter()
        .map(|p| ("the --trust-anchor file".to_string(), p.clone()))
        .collect();
    check_distinct_files(&cfg.zone, None, &[("--report", cfg.report.as_ref())], &reads)?;
    #[derive(serde::Serialize)]
    struct Out<'a> {
        zone: String,
        records: usize,
        passed: bool,
        /// The computing threads (`--threads`, as lowered; the forty-ninth
        /// audit: the report did not say).
        threads: usize,
        /// Why the zone could not be verified at all.
        error: Option<String>,
        /// Its details, one per line (each syntax error with its
        /// file:line:column).
        error_details: Vec<String>,
        /// The load's warnings, as printed.
        warnings: &'a [String],
        report: Option<&'a crate::verify::Report>,
        timeline: &'a [crate::timeline::Stage],
    }
    let write = |path: &PathBuf, out: &Out<'_>| -> Result<(), Failure> {
        let io = |e| Failure::Io { path: path.clone(), source: e };
        AtomicOutput::create(path).map_err(io).and_then(|file| {
            let mut w = std::io::BufWriter::new(file.file());
            serde_json::to_writer_pretty(&mut w, out).map_err(|e| io(std::io::Error::other(e)))?;
            w.flush().map_err(io)?;
            drop(w);
            file.commit_unverified().map_err(io)
        })
    };
    let threads = thread_count(cfg.threads).0;
    // Until the run ends, the report says it has not: a run killed on the
    // way (SIGKILL, the kernel's OOM killer, SIGBUS on a shrinking input)
    // left an earlier run's "passed" in place (the ninth audit, 2026-12-06).
    let mut was_empty = false;
    if let Some(path) = &cfg.report {
        let running = Out {
            zone: cfg.origin.clone(),
            records: 0,
            passed: false,
            threads,
            error: Some(RUN_NOT_FINISHED.to_string()),
            error_details: Vec::new(),
            warnings: &[],
            report: None,
            timeline: &[],
        };
        was_empty = prepare_report_target(path, || write(path, &running))?;
    }
    let mut timeline = crate::timeline::Timeline::default();
    let mut includes_known = false;
    let result = verify_inner(cfg, &mut timeline, &mut includes_known);
    // The report is written whatever the outcome: a zone that does not
    // load leaves no earlier report saying "passed" behind (an audit found
    // one, 2026-12-06).
    if let Some(path) =
        cfg.report.as_ref().filter(|_| report_may_be_written(&result, was_empty, includes_known))
    {
        let backends = unknown_backend_warnings();
        let with_backends = |w: &[String]| backends.iter().chain(w).cloned().collect::<Vec<_>>();
        let (records, passed, report, warnings, error) = match &result {
            Ok(v) => (
                v.records,
                v.report.errors() == 0,
                Some(&v.report),
                with_backends(&v.warnings),
                None,
            ),
            Err(f) => (0, false, None, with_backends(&[]), Some(f.headline())),
        };
        let out = Out {
            zone: match &result {
                Ok(v) => v.origin.to_string(),
                Err(_) => cfg.origin.clone(),
            },
            records,
            passed,
            threads,
            error,
            error_details: match &result {
                Err(f) => f.details().lines().map(str::to_string).collect(),
                Ok(_) => Vec::new(),
            },
            warnings: &warnings,
            report,
            timeline: &timeline.stages,
        };
        match (&result, write(path, &out)) {
            (_, Ok(())) => {}
            (Ok(_), Err(e)) => return Err(e),
            (Err(_), Err(e)) => {
                crate::diag!("zonesign: the report was not written either: {}", e.headline())
            }
        }
    }
    let Verified { report, records, origin, .. } = result?;
    for f in report.findings.iter().filter(|f| f.severity == crate::verify::Severity::Warning) {
        crate::diag!("{f}");
    }
    if report.errors() > 0 {
        return Err(Failure::Verification {
            discarded_output: false,
            errors: report.errors(),
            findings: report
                .findings
                .iter()
                .filter(|f| f.severity == crate::verify::Severity::Error)
                .map(|f| f.to_string())
                .collect(),
        });
    }
    if !cfg.quiet {
        crate::diag!(
            "zonesign: {origin} verified: {} records, {} signatures over {} RRsets, {} NSEC, {} NSEC3{}",
            records,
            report.counts.signatures_verified,
            report.counts.rrsets_checked,
            report.counts.nsec,
            report.counts.nsec3,
            zonemd_summary(&report.counts)
        );
        for key in &report.keys {
            crate::diag!("zonesign: {key}");
        }
        crate::diag!("zonesign: {}", report.counts.paths_summary());
        crate::diag!("{}", timeline.summary().trim_end_matches('\n'));
    }
    Ok(())
}

/// A key file's stem (`Kexample.+013+12345`): its name without `.key` or
/// `.private`, or the name itself, as `--key` takes a stem alone (as
/// `dnssec-signzone` does; given so, it did not count as named by `--key`:
/// the thirty-third audit, 2026-12-07).
fn key_stem(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let stem = name.strip_suffix(".key").or_else(|| name.strip_suffix(".private")).unwrap_or(name);
    Some(stem.to_string())
}

/// `--publish` names a key that also signs. From the key directory (the old
/// ZSK of a pre-publish rollover, still there without an Inactive time),
/// it is published only, as asked: it went on signing every RRset while
/// the summary and the report listed it as "published only, signs nothing"
/// (the eleventh audit, 2026-12-06). Named by `--key` or held in the HSM
/// pool, it is a contradiction on the command line (exit 2). Returns a
/// warning for each key taken out of signing.
fn publish_wins(
    keys: &mut Vec<crate::sign::ZoneKey>,
    publish: &[crate::sign::keyset::PublishOnlyKey],
    dir_signing: &[String],
    explicit: &[String],
) -> Result<Vec<String>, Failure> {
    let mut notes = Vec::new();
    let mut kept = Vec::with_capacity(keys.len());
    // A key the run revokes: `keyset::drop_revoked_published` leaves its
    // `--publish`ed unrevoked form out, with a note; this one, saying it is
    // published only, contradicted it (the twenty-ninth audit, 2026-12-06).
    let revoked_forms = crate::sign::keyset::unrevoked_forms(keys);
    for k in keys.drain(..) {
        let Some(p) = publish.iter().find(|p| p.dnskey == k.dnskey) else {
            kept.push(k);
            continue;
        };
        if !dir_signing.contains(&k.source) || explicit.contains(&k.source) {
            return Err(Failure::Usage(format!(
                "key {} ({}) is given both to sign and, with --publish {}, to publish without signing",
                k.key_tag, k.source, p.source
            )));
        }
        if revoked_forms.contains(&k.dnskey) {
            continue;
        }
        notes.push(format!(
            "key {} ({}) of the key directory signs nothing: --publish {} asks it to be published only (set its Inactive time with `dnssec-settime -I` to say so in the directory)",
            k.key_tag, k.source, p.source
        ));
    }
    *keys = kept;
    Ok(notes)
}

/// A key the HSM pool holds whose files the key directory's timing
/// publishes only or leaves out (`timing`: their DNSKEYs, and their notes
/// in `key_timing`) signs, through the pool, as a key named by `--key` does
/// whatever its timing: the pool's configuration names it to sign. It was
/// refused as "given both to sign and, with --publish …", naming a
/// `--publish` nobody gave (the fourteenth audit, 2026-12-06), and, left out
/// by its Delete or Publish time, it signed and was published while the
/// notice said "not published" (the fifteenth). Its note is amended, its
/// publish-only entry dropped, and a warning returned for it. A `--publish`
/// of it (`explicit_publish`) stays the contradiction [`publish_wins`]
/// refuses.
fn pool_wins_timing(
    keys: &[crate::sign::ZoneKey],
    publish: &mut Vec<crate::sign::keyset::PublishOnlyKey>,
    dir_signing: &[String],
    explicit_publish: &[Box<[u8]>],
    timing: &[(Box<[u8]>, usize, bool)],
    key_timing: &mut [String],
) -> Vec<String> {
    let mut notes = Vec::new();
    for k in keys.iter().filter(|k| !dir_signing.contains(&k.source)) {
        if explicit_publish.contains(&k.dnskey) {
            continue;
        }
        let Some(&(_, note, warn)) = timing.iter().find(|(dnskey, ..)| *dnskey == k.dnskey) else {
            continue;
        };
        let old = std::mem::take(&mut key_timing[note]);
        let (file, why) = old
            .split_once(": published only, signs nothing: ")
            .or_else(|| old.split_once(": not published: "))
            .unwrap_or((&old, ""));
        publish.retain(|p| p.dnskey != k.dnskey);
        if !warn {
            key_timing[note] = format!("{file}: signs, held by the HSM pool");
            continue;
        }
        key_timing[note] = format!("{file}: signs, held by the HSM pool ({why})");
        notes.push(format!(
            "key {} ({}) signs: the HSM pool's configuration names it, though the key \
             directory's timing would not have it sign ({file}: {why})",
            k.key_tag, k.source
        ));
    }
    notes
}

/// Whether DNSKEY RDATA is a KSK's (the SEP flag) that is not revoked.
/// RFC 7344 §4.1: the CDS and CDNSKEY records "MUST NOT break the current
/// delegation". With `--cds` the records the run makes (the signing KSKs'
/// but those the timing withholds, and the published KSKs' the timing
/// gives them to) must name a key that signs the DNSKEY RRset, when there
/// are any: a double-DS rollover whose old KSK passed its SyncDelete before
/// the next KSK signed was found only by verifying the written zone, exit
/// 1 (the forty-second audit, 2026-12-07). A key problem, before signing.
fn check_timed_cds(
    keys: &[crate::sign::ZoneKey],
    opts: &crate::sign::SignOptions,
) -> Result<(), KeyError> {
    let signers: Vec<&crate::sign::ZoneKey> = crate::sign::dnskey_signers(keys)
        .into_iter()
        .map(|i| &keys[i])
        .filter(|k| !k.is_revoked())
        .collect();
    let named: Vec<&[u8]> = keys
        .iter()
        .filter(|k| k.role != crate::sign::KeyRole::Zsk && !k.is_revoked())
        .filter(|k| !opts.cds_withheld.contains(&k.dnskey))
        .map(|k| &*k.dnskey)
        .chain(opts.cds_published.iter().filter(|d| opts.publish.contains(d)).map(|d| &**d))
        .collect();
    if named.is_empty()
        || signers.is_empty()
        || named.iter().any(|n| signers.iter().any(|s| *s.dnskey == **n))
    {
        return Ok(());
    }
    Err(KeyError::CdsTimingBreaksDelegation {
        named: named.iter().map(|d| crate::sign::keys::key_tag(d)).collect(),
        signers: signers.iter().map(|k| k.key_tag).collect(),
    })
}

fn revoked(dnskey: &[u8]) -> bool {
    crate::sign::keys::dnskey_flags(dnskey) & crate::sign::keys::FLAG_REVOKE != 0
}

fn unrevoked_ksk(dnskey: &[u8]) -> bool {
    use crate::sign::keys::{dnskey_flags, FLAG_REVOKE, FLAG_SEP};
    dnskey_flags(dnskey) & (FLAG_SEP | FLAG_REVOKE) == FLAG_SEP
}

/// A key file as one file, whichever of its names was given (the stem, the
/// `.key` or the `.private`): its `.key` path, canonical.
fn key_file_identity(path: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(crate::sign::keys::pair_paths(path).0).ok()
}

/// RFC 9276 §3.2: validators treat NSEC3 with many iterations as insecure
/// or bogus; more than [`crate::verify::MAX_NSEC3_ITERATIONS`] is refused.
/// Above 0, a warning: RFC 9276 §3.1 asks for 0.
fn check_nsec3_iterations(iterations: u16, what: &str) -> Result<Option<String>, Failure> {
    if iterations > crate::verify::MAX_NSEC3_ITERATIONS {
        return Err(Failure::Usage(format!(
            "{what} {iterations} is more than {}: validators treat such a zone as insecure or bogus (RFC 9276 §3.2; BIND, Unbound, Knot Resolver); RFC 9276 §3.1 asks for 0",
            crate::verify::MAX_NSEC3_ITERATIONS
        )));
    }
    // RFC 9276 §3.1: "If NSEC3 must be used, then an iterations count of 0
    // MUST be used to alleviate computational burdens." A zone with more
    // still validates up to the cap above: a warning, as `kzonecheck` and
    // `dnssec-signzone` only warn.
    Ok((iterations > 0).then(|| {
        format!(
            "{what} {iterations} > 0; RFC 9276 §3.1 recommends 0 (validators may treat high counts as insecure)"
        )
    }))
}

/// RFC 9276 §3.1: "Operators SHOULD NOT use a salt by indicating a
/// zero-length salt value instead (represented as a "-" in the
/// presentation format)." A salt was taken without a word (the
/// forty-third session's notes); it is a warning, as iterations above 0.
fn check_nsec3_salt(salt: &[u8], what: &str) -> Option<String> {
    (!salt.is_empty()).then(|| {
        format!(
            "{what} {}: RFC 9276 §3.1 asks for no salt (`-`); a salt does not stop the zone from being enumerated",
            data_encoding::HEXUPPER.encode(salt)
        )
    })
}

/// The denial this run publishes, and what to tell the operator about it.
/// Without `--nsec` or `--nsec3`, a signed input keeps its own denial and
/// NSEC3 parameters, as `dnssec-signzone` keeps an existing chain: an
/// emergency re-sign that forgot `--nsec3 --opt-out` turned an Opt-Out
/// NSEC3 zone into NSEC, an NSEC and a signature per insecure delegation,
/// and walkable, without a word (the seventh audit, 2026-12-06). A change
/// the command line asks for is made, with a warning naming both (RFC 5155
/// §10.4 and RFC 6781 §4.3 describe such changes as deliberate transitions).
/// Returns the denial, its warnings, and a notice.
fn resolve_denial(
    asked: Option<crate::sign::DenialMode>,
    input: Option<crate::sign::DenialMode>,
) -> Result<(crate::sign::DenialMode, Vec<String>, Option<String>), Failure> {
    use crate::sign::DenialMode;
    match (asked, input) {
        (Some(asked), Some(input)) if asked != input => {
            let warning = format!(
                "the input's denial of existence is {input}; this run replaces it with {asked}, \
                 as the command line asks"
            );
            Ok((asked, vec![warning], None))
        }
        (Some(asked), _) => Ok((asked, Vec::new(), None)),
        (None, Some(DenialMode::Nsec3(params))) => {
            let mut warnings: Vec<String> =
                check_nsec3_iterations(params.iterations, "the input's NSEC3 iterations")
                    .map_err(|e| match e {
                        Failure::Usage(m) => Failure::Usage(format!(
                            "{m}; pass --nsec3 (its iterations default to 0) or --nsec to replace the chain"
                        )),
                        other => other,
                    })?
                    .into_iter()
                    .collect();
            warnings.extend(check_nsec3_salt(&params.salt, "the input's NSEC3 salt"));
            let mode = DenialMode::Nsec3(params);
            let notice = format!(
                "the input's denial is kept: {mode} (pass --nsec or --nsec3 with its options to change it)"
            );
            Ok((mode, warnings, Some(notice)))
        }
        (None, _) => Ok((DenialMode::Nsec, Vec::new(), None)),
    }
}

/// Fault injection for the fail-closed tests: with
/// `ZONESIGN_FAULT=flip-signature` in the environment, one octet of the first
/// RRSIG's signature in the written file is changed before it is verified,
/// as a fault between the signer and the disk would change it. The
/// verification must then refuse the file (nothing else in a run can be
/// made to produce a signature that does not verify: every input that
/// would is refused before signing). With `ZONESIGN_FAULT=garble-type`,
/// the first RRSIG's type is made unreadable: the written file no longer
/// loads. With `ZONESIGN_FAULT=pause-before-verify`, the verification
/// starts three seconds late. Several faults may be given, separated by
/// commas (`named-temp`, outputs as on a file system without `O_TMPFILE`,
/// is read in `emit::atomic`).
fn inject_fault(written: &Path) {
    let fault = std::env::var("ZONESIGN_FAULT").ok().and_then(|v| {
        v.split(',').find(|f| *f != crate::emit::atomic::NAMED_TEMP_FAULT).map(str::to_owned)
    });
    // `pause-before-verify`: three seconds pass between writing and
    // verifying, as in a long run (the verification's time is its own).
    if fault.as_ref().is_some_and(|v| v == "pause-before-verify") {
        std::thread::sleep(std::time::Duration::from_secs(3));
        return;
    }
    let garble = fault.as_ref().is_some_and(|v| v == "garble-type");
    if !garble && fault.is_none_or(|v| v != "flip-signature") {
        return;
    }
    let Ok(mut text) = std::fs::read(written) else { return };
    let rrsig = b"\tRRSIG\t";
    let Some(at) = text.windows(rrsig.len()).position(|w| w == rrsig) else { return };
    if garble {
        text[at + 1] = b'#';
        let _ = std::fs::write(written, text);
        return;
    }
    let end = text[at..].iter().position(|&b| b == b'\n').map_or(text.len(), |e| at + e);
    // The signature is the record's last field: change its first base64
    // digit.
    let Some(last) = text[at..end].iter().rposition(|&b| b == b' ') else { return };
    let digit = at + last + 1;
    text[digit] = if text[digit] == b'A' { b'B' } else { b'A' };
    let _ = std::fs::write(written, text);
}

/// An algorithm given on the command line, by number or mnemonic.
pub fn parse_algorithm(text: &str) -> Result<crate::sign::keys::Algorithm, Failure> {
    use crate::sign::keys::Algorithm;
    text.parse::<u8>()
        .ok()
        .and_then(|n| Algorithm::from_number(n).ok())
        .or_else(|| Algorithm::from_mnemonic(text))
        .ok_or_else(|| {
            Failure::Usage(format!("unsupported algorithm `{text}`: use 8, 10, 13, 14 or 15"))
        })
}

/// `zonesign keygen`.
#[derive(Debug, Clone)]
pub struct KeygenConfig {
    pub origin: String,
    pub algorithm: String,
    pub ksk: bool,
    pub bits: Option<usize>,
    pub key_dir: PathBuf,
}

pub fn keygen(cfg: &KeygenConfig) -> Result<PathBuf, Failure> {
    use crate::sign::keys::{generate, write_bind_files};
    let origin = parse_origin(&cfg.origin)?;
    let algorithm = parse_algorithm(&cfg.algorithm)?;
    check_key_size(algorithm, cfg.bits)?;
    let flags = if cfg.ksk { 257 } else { 256 };
    // As `dnssec-keygen`: a key whose tag, or tag once revoked (RFC 5011
    // §2.1: the REVOKE flag changes it), is taken by a key of the zone in
    // the directory is made again (it failed with "File exists").
    let taken = taken_key_tags(&cfg.key_dir, &origin, algorithm.number());
    for _ in 0..64 {
        let key = generate(algorithm, &origin, flags, cfg.bits).map_err(Failure::Key)?;
        if !key_tag_free(&cfg.key_dir, &origin, algorithm, &taken, key.dnskey_rdata()) {
            continue;
        }
        // A directory that cannot take the files is an I/O error (exit 5),
        // not a key problem (the twelfth audit, 2026-12-06).
        let (key_path, _) = write_bind_files(&key, &cfg.key_dir).map_err(|e| match e {
            crate::sign::keys::KeyError::Io { path, source } => Failure::Io { path, source },
            e => Failure::Key(e),
        })?;
        return Ok(key_path);
    }
    Err(Failure::Usage(format!(
        "every key generated had a key tag taken in {}: too many keys of {origin} there",
        cfg.key_dir.display()
    )))
}

/// The key tags of `algorithm` the zone's keys in `dir` have, and would have
/// once revoked: by what the files hold, whatever their names say (a
/// misnamed file, which every run refuses, still holds a key whose tag a
/// new key must not share).
pub(crate) fn taken_key_tags(dir: &Path, origin: &Name, algorithm: u8) -> Vec<u16> {
    use crate::sign::keys::read_key_record;
    let Ok(paths) = crate::sign::keyset::key_files_in(dir, origin) else { return Vec::new() };
    paths
        .iter()
        .filter_map(|p| read_key_record(p).ok())
        .filter(|file| file.dnskey_rdata.get(3) == Some(&algorithm))
        .flat_map(|file| tag_and_revoked_tag(&file.dnskey_rdata))
        .collect()
}

/// The key tag of DNSKEY `rdata` and the tag it has once revoked: RFC 5011
/// §2.1, the REVOKE flag changes it.
pub(crate) fn tag_and_revoked_tag(rdata: &[u8]) -> [u16; 2] {
    use crate::sign::keys::{key_tag, FLAG_REVOKE};
    let mut revoked = rdata.to_vec();
    if let Some(low) = revoked.get_mut(1) {
        *low ^= FLAG_REVOKE as u8;
    }
    [key_tag(rdata), key_tag(&revoked)]
}

/// Whether a new key of DNSKEY `rdata` may go into `dir`: neither its tag
/// nor its tag once revoked (RFC 5011 §2.1) is `taken`, and no file of
/// either's name is there, `.key` or `.private`, whatever it holds, a
/// dangling link too (as `dnssec-keygen` looks at the names). A `.private`
/// whose `.key` was removed would be paired with the new key by every later
/// run of the directory, and refused; a file that does not parse, or a
/// dangling link, made the write fail with "File exists" (the fiftieth to
/// fifty-second audits).
pub(crate) fn key_tag_free(
    dir: &Path,
    origin: &Name,
    algorithm: crate::sign::keys::Algorithm,
    taken: &[u16],
    rdata: &[u8],
) -> bool {
    use crate::sign::keys::key_file_stem;
    tag_and_revoked_tag(rdata).into_iter().all(|tag| {
        let stem = key_file_stem(origin, algorithm, tag);
        let there =
            |ext: &str| std::fs::symlink_metadata(dir.join(format!("{stem}.{ext}"))).is_ok();
        !taken.contains(&tag) && !there("key") && !there("private")
    })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A bound of `$INCLUDE` met is said with the syntax errors before it,
    /// for the zone (exit 4) and the trust anchor file (exit 2) alike (the
    /// trust anchor's left them out: the sixty-sixth audit, 2026-12-07).
    #[test]
    fn regression_an_include_bound_is_said_with_the_errors_before_it() {
        use crate::load::{LoadError, LoadFailure};
        let error = |line| LoadError {
            file: "z.zone".into(),
            line,
            col: 1,
            token: "x".into(),
            expected: "y".into(),
        };
        let limit = || LoadFailure::Limit { at: error(9), errors: vec![error(3)] };
        let zone = super::Failure::Load(limit());
        let anchor = super::Failure::Anchor(limit());
        let said = "$INCLUDE directives go past a bound of the loader (after 1 syntax error)";
        assert_eq!(zone.headline(), format!("the zone file's {said}"));
        assert_eq!(anchor.headline(), format!("the trust anchor file's {said}"));
        assert!(matches!(zone.exit(), super::Exit::BadInput));
        assert!(matches!(anchor.exit(), super::Exit::Usage));
        for f in [zone, anchor] {
            assert!(f.details().contains("z.zone:3:1") && f.details().contains("z.zone:9:1"));
        }
    }

    /// `keygen` failed with "File exists" when a new key's tag was taken in
    /// the key directory (an audit met it after 424 keys, 2026-12-06); as
    /// `dnssec-keygen`, it now makes another key, also when the tag the key
    /// would have once revoked is taken.
    #[test]
    fn regression_keygen_avoids_the_tags_of_the_keys_in_the_directory() {
        use crate::sign::keys::key_tag;
        let dir = tempfile::tempdir().unwrap();
        let origin = super::parse_origin("example.").unwrap();
        let cfg = super::KeygenConfig {
            origin: "example.".into(),
            algorithm: "13".into(),
            ksk: true,
            bits: None,
            key_dir: dir.path().to_path_buf(),
        };
        let path = super::keygen(&cfg).unwrap();
        let file = crate::sign::keys::parse_key_file(&path).unwrap();
        let mut revoked = file.dnskey_rdata.clone();
        revoked[1] |= 0x80;
        let taken = super::taken_key_tags(dir.path(), &origin, 13);
        assert_eq!(taken, [key_tag(&file.dnskey_rdata), key_tag(&revoked)]);
        assert!(super::taken_key_tags(dir.path(), &origin, 15).is_empty());
        // A key directory that is not there: an I/O error, exit 5.
        let missing = super::KeygenConfig { key_dir: dir.path().join("missing"), ..cfg.clone() };
        let failure = super::keygen(&missing).expect_err("no directory");
        assert!(matches!(failure.exit(), super::Exit::Io), "{}", failure.headline());
        // A file of a tag's name takes the tag, whatever it holds: a
        // `.private` without its `.key` (the fifty-first audit), a dangling
        // link, a `.key` that does not parse (the fifty-second: "File
        // exists", exit 5). With one for every tag, no key is free, and
        // nothing is written.
        let orphans = tempfile::tempdir().unwrap();
        for tag in 0..=u16::MAX {
            let stem = crate::sign::keys::key_file_stem(
                &origin,
                crate::sign::keys::Algorithm::EcdsaP256Sha256,
                tag,
            );
            let at = |ext: &str| orphans.path().join(format!("{stem}.{ext}"));
            match tag % 3 {
                0 => std::fs::write(at("private"), "").unwrap(),
                1 => std::os::unix::fs::symlink("/nonexistent/zonesign", at("private")).unwrap(),
                _ => std::fs::write(at("key"), "").unwrap(),
            }
        }
        let crowded = super::KeygenConfig { key_dir: orphans.path().to_path_buf(), ..cfg };
        let failure = super::keygen(&crowded).expect_err("every tag taken");
        assert!(failure.headline().contains("every key generated had a key tag taken"));
        assert_eq!(std::fs::read_dir(orphans.path()).unwrap().count(), 65536);
    }

    /// Regression (CI, 2026-12-05): `zonesign sign` through SoftHSM2 died at
    /// exit now and then, because the run's pool threads were still running
    /// their thread-exit destructors (OpenSSL's, aws-lc's) while the process
    /// ran the libraries' exit cleanup. Rust's thread-local destructors run
    /// at the same point of a thread's end as those of C libraries: every
    /// one must have run by the time the pool is dropped.
    #[test]
    fn regression_the_run_pool_threads_have_ended_when_it_is_dropped() {
        static ENDED: AtomicUsize = AtomicUsize::new(0);
        struct AtThreadEnd;
        impl Drop for AtThreadEnd {
            fn drop(&mut self) {
                // Long enough that a thread not waited for is still here.
                std::thread::sleep(std::time::Duration::from_millis(50));
                ENDED.fetch_add(1, Ordering::SeqCst);
            }
        }
        thread_local! {
            static GUARD: std::cell::RefCell<Option<AtThreadEnd>> = const { std::cell::RefCell::new(None) };
        }
        let pool = super::thread_pool(Some(3), true).expect("pool");
        assert_eq!(pool.current_num_threads(), 3);
        pool.broadcast(|_| GUARD.with(|g| *g.borrow_mut() = Some(AtThreadEnd)));
        drop(pool);
        assert_eq!(ENDED.load(Ordering::SeqCst), 3);
    }
}
