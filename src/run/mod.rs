//! The commands, as library functions: each takes its configuration, runs
//! the stages and maps every failure to one exit code ([`Exit`]).
//!
//! - `sign`: the stages in order, and the swap that publishes only a
//!   verified zone; `keys`: its key phase, before any work on the zone.
//! - `verify`, `keygen`: the other commands (`fmt` is here).
//! - `files`: checks on the files a run writes, before it writes any.

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
pub use crate::zone::rtype::Class;
use crate::zone::{Zone, ZoneErrors};

mod files;
mod keygen;
mod keys;
mod sign;
mod verify;

pub(crate) use keygen::{key_tag_free, tag_and_revoked_tag, taken_key_tags};
pub use keygen::{keygen, parse_algorithm, KeygenConfig};
pub use sign::{sign, KeyReport, PublishOnlyReport, SignConfig, SignReport};
pub use verify::{verify, VerifyConfig};

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

/// The load of a zone of `origin` in `class` (`--class`).
fn load_options(origin: &Name, class: Class) -> LoadOptions {
    LoadOptions { class: Some(class), ..LoadOptions::new(origin.clone()) }
}

/// `--class`: a class mnemonic or `CLASSnn` (RFC 3597 §5), as
/// `dnssec-signzone -c` takes it.
pub fn parse_class(text: &str) -> Result<Class, String> {
    match Class::from_text(text.as_bytes()) {
        // RFC 6895 §3.2: "There are currently two subcategories of DNS
        // CLASSes: normal, data-containing classes; and QCLASSes that are
        // only meaningful in queries or updates." Its registry keeps 128 to
        // 253 and 57344 to 65279 for QCLASSes and meta-CLASSes (NONE 254
        // and ANY 255 among them) and reserves 0 and 65535: no class of a
        // zone (`CLASS255` signed a zone of class ANY, the seventy-seventh
        // audit).
        Some(Class(0 | 128..=255 | 57344..=65279 | 65535)) | None => Err(format!(
            "expected a class of data (IN, CH, HS or CLASSnn; not a QCLASS such as NONE or ANY, nor 0 or 65535, RFC 6895 §3.2), found `{text}`"
        )),
        Some(class) => Ok(class),
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
pub fn load_zone(path: &Path, origin: &Name, class: Class) -> Result<Zone, Failure> {
    load_zone_digested(path, origin, class, false).0
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
fn load_zone_digested(path: &Path, origin: &Name, class: Class, digest: bool) -> DigestedLoad {
    let source = match crate::load::open(path) {
        Ok(source) => source,
        Err(e) => return (Err(Failure::Load(e)), None, None),
    };
    let (zone, sha256) = std::thread::scope(|s| {
        // Beside the load; in this thread after it where no thread can
        // start (`ulimit -u`: a panic, exit 101, the fortieth audit).
        let hasher =
            digest.then(|| std::thread::Builder::new().spawn_scoped(s, || source.sha256().ok()));
        let zone = Zone::load_ordered_from(&source, path, &load_options(origin, class));
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
    pub class: Class,
    pub output: Option<PathBuf>,
}

pub fn fmt(cfg: &FmtConfig) -> Result<(), Failure> {
    let origin = parse_origin(&cfg.origin)?;
    // The run's own pool, as `sign` and `verify` have: rayon's global one
    // panicked where no thread could be started (`ulimit -u`), exit 101
    // (the thirty-ninth audit, 2026-12-07).
    let pool = thread_pool(None, true)?;
    pool.install(|| {
        let zone = load_zone(&cfg.zone, &origin, cfg.class)?;
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

/// ", ZONEMD digest matched" when the zone has an apex ZONEMD that matched.
fn zonemd_summary(counts: &crate::verify::Counts) -> String {
    match counts.zonemd {
        0 => String::new(),
        1 => ", ZONEMD digest matched".to_string(),
        n => format!(", {n} ZONEMD digests matched"),
    }
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

/// The DS and DNSKEY records of a trust anchor file (a parent's DS set,
/// `dsset-` files, a DNSKEY anchor), in zone file syntax.
fn load_trust_anchors(
    path: &Path,
    origin: &Name,
    class: Class,
) -> Result<Vec<crate::verify::TrustAnchor>, Failure> {
    use crate::verify::TrustAnchor;
    // BIND's dsset- and .key files give no TTL, which a trust anchor does
    // not need (an audit found them refused, 2026-12-06).
    let opts = LoadOptions { default_ttl: Some(0), ..load_options(origin, class) };
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// RFC 6895 §3.2: QCLASSes (NONE, ANY) and the reserved 0 and 65535 are
    /// no class of a zone; `--class CLASS255` signed a zone of class ANY
    /// (the seventy-seventh audit, 2026-12-07).
    #[test]
    fn rfc6895_section_3_2_class_takes_data_classes_only() {
        for data in ["IN", "ch", "HS", "CLASS1", "CLASS127", "CLASS256", "CLASS65534"] {
            assert!(super::parse_class(data).is_ok(), "{data}");
        }
        for query in [
            "ANY",
            "NONE",
            "CLASS0",
            "CLASS128",
            "CLASS254",
            "CLASS255",
            "CLASS57344",
            "CLASS65535",
            "XX",
        ] {
            let e = super::parse_class(query).unwrap_err();
            assert!(e.contains("RFC 6895 §3.2"), "{query}: {e}");
        }
    }

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
            class: super::Class::IN,
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
