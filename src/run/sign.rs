//! `zonesign sign`: the checks on its files, the stages in order (keys,
//! load, denial, signing and writing, verification of the file written)
//! and the swap that publishes only a verified zone.

use super::files::*;
use super::keys::{check_before_signing, choose_keys, ChosenKeys};
use super::*;

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
fn load_zone_silently(path: &Path, origin: &Name, class: Class) -> Result<Zone, Failure> {
    Zone::load_ordered(path, &load_options(origin, class)).map_err(zone_failure)
}

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

/// `zonesign sign`.
#[derive(Debug, Clone)]
pub struct SignConfig {
    pub zone: PathBuf,
    pub origin: String,
    /// `--class`: the zone's class.
    pub class: Class,
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
    pub(super) fn warn(&mut self, warning: String) {
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

pub(super) fn sign_inner(
    cfg: &SignConfig,
    report: &mut SignReport,
    timeline: &mut crate::timeline::Timeline,
    includes_known: &mut bool,
) -> Result<(), Failure> {
    use crate::sign::{keyset, DenialMode, SignOptions};

    let origin = parse_origin(&cfg.origin)?;
    report.zone = origin.to_string();
    // The fail-closed tests' hook, said: a run it breaks on purpose looked
    // like one with a key or signer fault (the seventy-second audit).
    // Empty is unset: it injects nothing.
    if let Some(fault) = std::env::var_os("ZONESIGN_FAULT").filter(|f| !f.is_empty()) {
        let fault = fault.to_string_lossy();
        const FAULTS: [&str; 4] = [
            "flip-signature",
            "garble-type",
            "pause-before-verify",
            crate::emit::atomic::NAMED_TEMP_FAULT,
        ];
        let unknown: Vec<String> =
            fault.split(',').filter(|f| !FAULTS.contains(f)).map(|f| format!("`{f}`")).collect();
        let unknown = match unknown[..] {
            [] => String::new(),
            _ => format!(" ({} names no fault: {})", unknown.join(", "), FAULTS.join(", ")),
        };
        report.warn(format!(
            "ZONESIGN_FAULT={fault} is set: a test hook that injects faults into this run (README, \
             \"Environment\"); unset it for real runs{unknown}"
        ));
    }
    let zonemd_choice = parse_zonemd(&cfg.zonemd)?;
    let cds_digests = parse_cds_digests(&cfg.cds_digest)?;
    let SignatureTimes { now, inception, expiration, jitter } = signature_times(cfg, report)?;
    let denial = denial_asked(cfg, report)?;

    let anchors = match &cfg.trust_anchor {
        Some(ta) => load_trust_anchors(ta, &origin, cfg.class)?,
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
    let (zone, input_sha256, input_stamp) =
        load_zone_digested(&cfg.zone, &origin, cfg.class, want_digests);
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
        let written = load_zone_silently(out.temp_path(), &origin, cfg.class)
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
            // No TTL: the parent sets its DS TTL by its own policy. A fixed
            // 3600 overrode the `$TTL` of a parent that includes the file
            // (the seventy-third audit; BIND's `dsset-` files and Knot's
            // `keymgr ds` write none).
            w.write_record_without_ttl(class, Rtype::DS, &ds).map_err(io)?;
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
    // Every fault named, not the first (`pause-before-verify,flip-signature`
    // paused and published, exit 0: the seventy-fifth audit).
    let asked = crate::emit::atomic::fault_asked;
    // `pause-before-verify`: three seconds pass between writing and
    // verifying, as in a long run (the verification's time is its own).
    if asked("pause-before-verify") {
        std::thread::sleep(std::time::Duration::from_secs(3));
    }
    let (flip, garble) = (asked("flip-signature"), asked("garble-type"));
    if !flip && !garble {
        return;
    }
    let Ok(mut text) = std::fs::read(written) else { return };
    let rrsig = b"\tRRSIG\t";
    let Some(at) = text.windows(rrsig.len()).position(|w| w == rrsig) else { return };
    if flip {
        let end = text[at..].iter().position(|&b| b == b'\n').map_or(text.len(), |e| at + e);
        // The signature is the record's last field: change its first
        // base64 digit.
        if let Some(last) = text[at..end].iter().rposition(|&b| b == b' ') {
            let digit = at + last + 1;
            text[digit] = if text[digit] == b'A' { b'B' } else { b'A' };
        }
    }
    if garble {
        text[at + 1] = b'#';
    }
    let _ = std::fs::write(written, text);
}
