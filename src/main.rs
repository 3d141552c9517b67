//! The `zonesign` command line: arguments to configuration, nothing else.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use zonesign::run::{self, Exit, FmtConfig, KeygenConfig, SignConfig, VerifyConfig};

/// mimalloc rather than glibc's malloc: the zone model is millions of
/// small allocations made and freed on many threads. Measured on the 1M
/// TLD (docs/measurements.md): the denial stage takes about a third less
/// CPU, and the memory of the signing run's zone goes back to the system
/// once it is dropped, before the written file is loaded again to be
/// verified (with glibc it stayed mapped, and the two added up).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser, Debug)]
#[command(
    name = "zonesign",
    version,
    about = "Batch DNSSEC zone signer: fail closed, prove every key"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Load, check, order and write a zone in canonical form, one record per
    /// line (like named-compilezone or ldns-read-zone).
    Fmt {
        /// The zone file (`-` for standard input).
        zone: PathBuf,
        /// The zone's origin (apex), e.g. `example.`.
        #[arg(long, short = 'o')]
        origin: String,
        /// The zone's class (IN, CH, HS or CLASSnn), as dnssec-signzone -c: a record of
        /// another class is an error.
        #[arg(long, default_value = "IN", value_parser = run::parse_class)]
        class: run::Class,
        /// Where to write (default: standard output). Replaced atomically.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Sign a zone, verify the written file, and only then replace the output.
    Sign(Box<SignArgs>),
    /// Verify a signed zone from any signer: signatures, chains, TTLs.
    Verify {
        /// The signed zone file.
        zone: PathBuf,
        /// The zone's origin (apex), e.g. `example.`.
        #[arg(long, short = 'o')]
        origin: String,
        /// The zone's class (IN, CH, HS or CLASSnn), as dnssec-signzone -c: a record of
        /// another class is an error.
        #[arg(long, default_value = "IN", value_parser = run::parse_class)]
        class: run::Class,
        /// The time to check validity at: YYYYMMDDHHmmSS, YYYYMMDD, epoch seconds, now, +1d, -1h
        /// (units s, mi, h, d, w, mo, y as dnssec-signzone's).
        #[arg(long, allow_hyphen_values = true)]
        at: Option<String>,
        /// DS or DNSKEY records of the zone (a parent's DS, a trust anchor file).
        #[arg(long)]
        trust_anchor: Option<PathBuf>,
        /// Write the findings and counts as JSON.
        #[arg(long)]
        report: Option<PathBuf>,
        /// Worker threads, 1 to 1024 (default: the CPUs this process may use, by affinity
        /// and cgroup quota).
        #[arg(long, value_parser = threads_in_range)]
        threads: Option<usize>,
        /// No summary on standard error (warnings and errors still).
        #[arg(long, short = 'q')]
        quiet: bool,
    },
    /// Generate a key pair in BIND's file format (K<zone>+<alg>+<tag>.key/.private).
    Keygen {
        /// The zone the key is for.
        origin: String,
        #[command(flatten)]
        key: KeyShape,
        #[arg(long, default_value = ".")]
        key_dir: PathBuf,
    },
    /// HSM pools over PKCS#11: prove, generate and replicate keys, measure.
    Hsm {
        #[command(subcommand)]
        command: HsmCommand,
    },
}

#[derive(Subcommand, Debug)]
enum HsmCommand {
    /// Prove that every HSM holds every configured key: the public key equals the
    /// published DNSKEY and a challenge signed in the HSM verifies under it. Exit 3 if not.
    Check {
        #[arg(long)]
        hsm_config: PathBuf,
        /// Print the per-HSM result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Generate one key pair in software and import that same pair into every configured
    /// HSM (same CKA_ID and label), write its .key file, then prove it in every HSM.
    Keygen {
        #[arg(long)]
        hsm_config: PathBuf,
        /// The zone the key is for.
        #[arg(long, short = 'o')]
        origin: String,
        #[command(flatten)]
        key: KeyShape,
        /// CKA_ID of the new objects, in hex.
        #[arg(long)]
        id: String,
        /// CKA_LABEL of the new objects.
        #[arg(long)]
        label: String,
        /// Where to write the .key file (default: the configuration's directory).
        #[arg(long)]
        key_dir: Option<PathBuf>,
    },
    /// Signatures per second and latency per HSM, per session count and for the pool.
    Bench {
        #[arg(long)]
        hsm_config: PathBuf,
        /// How long each measurement runs: 10s, 500ms, 1m (at most a day).
        #[arg(long, default_value = "10s")]
        duration: String,
        /// Session counts to measure per HSM.
        #[arg(long, value_delimiter = ',', default_value = "1,2,4,8")]
        sessions: Vec<usize>,
        /// Project the signing time of this zone through the pool.
        #[arg(long, requires = "origin")]
        zone: Option<PathBuf>,
        /// The origin of `--zone`.
        #[arg(long, short = 'o')]
        origin: Option<String>,
        /// The class of `--zone` (IN, CH, HS or CLASSnn), as for `sign`.
        #[arg(long, default_value = "IN", value_parser = run::parse_class, requires = "zone")]
        class: run::Class,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Loads one PKCS#11 module and exits: run by zonesign itself in a child process
    /// before it loads a module, so that a module that crashes while loaded is named.
    #[command(name = zonesign::sign::pkcs11::session::TRIAL_SUBCOMMAND, hide = true)]
    LoadModuleAlone {
        /// Written before the outcome, so that the parent knows it is this
        /// process's.
        #[arg(long)]
        nonce: String,
        /// The process that started this one: its end ends this one.
        #[arg(long)]
        parent: Option<u32>,
        module: PathBuf,
    },
}

/// What kind of key to generate: shared by `keygen` and `hsm keygen`.
#[derive(clap::Args, Debug)]
struct KeyShape {
    /// 8 RSASHA256, 10 RSASHA512, 13 ECDSAP256SHA256, 14 ECDSAP384SHA384, 15 ED25519.
    #[arg(long, short = 'a', default_value = "13")]
    algorithm: String,
    /// A key-signing key (flags 257, SEP).
    #[arg(long, conflicts_with = "zsk")]
    ksk: bool,
    /// A zone-signing key (flags 256); the default.
    #[arg(long)]
    zsk: bool,
    /// RSA modulus size (2048, 3072, 4096).
    #[arg(long)]
    bits: Option<usize>,
    /// The zone's class (IN, CH, HS or CLASSnn), written in the .key file as
    /// dnssec-keygen -c: a key signs zones of its class only.
    #[arg(long, default_value = "IN", value_parser = run::parse_class)]
    class: run::Class,
}

#[derive(clap::Args, Debug)]
struct SignArgs {
    /// The zone file (`-` for standard input).
    zone: PathBuf,
    /// The zone's origin (apex), e.g. `example.`.
    #[arg(long, short = 'o')]
    origin: String,
    /// The zone's class (IN, CH, HS or CLASSnn), as dnssec-signzone -c: a record of
    /// another class is an error.
    #[arg(long, default_value = "IN", value_parser = run::parse_class)]
    class: run::Class,
    /// The signed zone; replaced only after the written file passed verification.
    #[arg(long)]
    output: PathBuf,
    /// Directory with the zone's BIND key files (K<zone>+<alg>+<tag>.key/.private).
    #[arg(long)]
    key_dir: Option<PathBuf>,
    /// A key file (.key or .private); repeatable.
    #[arg(long = "key")]
    keys: Vec<PathBuf>,
    /// Every key signs every RRset (combined signing keys).
    #[arg(long)]
    csk: bool,
    /// NSEC3 (RFC 5155) instead of NSEC. Without --nsec or --nsec3, a signed input keeps its denial and NSEC3 parameters (as dnssec-signzone does); an unsigned one gets NSEC.
    #[arg(long)]
    nsec3: bool,
    /// NSEC (RFC 4034), also where the input is signed with NSEC3.
    #[arg(long, conflicts_with_all = ["nsec3", "opt_out", "iterations", "salt"])]
    nsec: bool,
    /// NSEC3 extra iterations (RFC 9276: 0) [default: 0].
    #[arg(long)]
    iterations: Option<u16>,
    /// NSEC3 salt in hex, `-` for none (RFC 9276: none) [default: -].
    #[arg(long)]
    salt: Option<String>,
    /// NSEC3 Opt-Out: insecure delegations are left out of the chain.
    #[arg(long)]
    opt_out: bool,
    /// Signature inception: YYYYMMDDHHmmSS, YYYYMMDD, epoch seconds, or relative (-1h; units
    /// s, mi, h, d, w, mo, y as dnssec-signzone's; `m` is ambiguous). Default now - 1h.
    #[arg(long, allow_hyphen_values = true)]
    inception: Option<String>,
    /// Signature expiration: YYYYMMDDHHmmSS, YYYYMMDD, epoch seconds, or relative to now (+14d,
    /// +1mo). Default now + 14d.
    #[arg(long, allow_hyphen_values = true)]
    expiration: Option<String>,
    /// Spread expirations over this duration before the expiration, per RRset, deterministically.
    #[arg(long)]
    jitter: Option<String>,
    /// TTL of the DNSKEY RRset, in seconds or with units as in the zone (1w, 2h30m) (default: the input's DNSKEY TTL, else the shortest TTL of the published keys' BIND key files (dnssec-keygen -L), not --publish files, else the SOA TTL).
    #[arg(long, value_parser = ttl_arg)]
    dnskey_ttl: Option<u32>,
    /// The parent's DS set (or DNSKEY trust anchors): a key that signs the DNSKEY RRset must match it, checked before signing and in the written zone.
    #[arg(long)]
    trust_anchor: Option<PathBuf>,
    /// A .key file whose DNSKEY is published without signing (rollovers: a pre-published or retiring key); repeatable.
    #[arg(long = "publish")]
    publish: Vec<PathBuf>,
    /// SOA serial of the signed zone: keep, increment (RFC 1982), unixtime, or date (YYYYMMDDNN, the
    /// UTC date as Knot's dateserial; BIND's -N date takes the local date); as dnssec-signzone -N.
    #[arg(long, default_value = "keep")]
    serial: zonesign::sign::serial::SerialPolicy,
    /// The apex ZONEMD (RFC 8976): sha384 (1:1), sha512 (1:2), or none; repeatable. Default: the input's ZONEMD digests, made again over the signed zone.
    #[arg(long = "zonemd")]
    zonemd: Vec<String>,
    /// Publish CDS and CDNSKEY records for the KSKs (RFC 7344).
    #[arg(long)]
    cds: bool,
    /// The digest type of the CDS records: sha256 (2, the default) or sha384 (4); repeatable.
    #[arg(long = "cds-digest", requires = "cds")]
    cds_digest: Vec<String>,
    /// Write the DS records for the parent to this file.
    #[arg(long)]
    ds: Option<PathBuf>,
    /// Write a JSON report of the run (counts, keys, findings, timeline).
    #[arg(long)]
    report: Option<PathBuf>,
    /// Worker threads, 1 to 1024 (default: the CPUs this process may use, by affinity and
    /// cgroup quota).
    #[arg(long, value_parser = threads_in_range)]
    threads: Option<usize>,
    /// DANGEROUS, for benchmarks only: do not verify the written zone before replacing the output.
    #[arg(long)]
    dangerous_skip_verify: bool,
    /// No summary, notice or progress bar on standard error (warnings and errors still).
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Sign through a pool of HSMs (TOML: [[hsm]] and [[key]]); every key is proven in every HSM.
    #[arg(long)]
    hsm_config: Option<PathBuf>,
    /// Continue on the HSMs that passed the proof when others fail (never on a failed one).
    #[arg(long, requires = "hsm_config")]
    allow_degraded_pool: bool,
}

/// `--threads`: 1 to 1024. Zero meant one, and a thousand threads on a
/// small zone took seconds to start (the fifth audit, 2026-12-06).
/// A TTL as the zone file writes one (RFC 2308 §4 `$TTL`, BIND's units:
/// `1w`, `2h30m`), as `dnssec-signzone -T` and Knot's `dnskey-ttl` take
/// it (the twenty-ninth audit, 2026-12-06: `1w` was refused).
fn ttl_arg(s: &str) -> Result<u32, String> {
    zonesign::zone::rdata::ttl::parse_ttl(s.as_bytes())
        .ok_or_else(|| "expected seconds or units such as 1w, 1d, 2h30m".to_string())
}

fn threads_in_range(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n @ 1..=1024) => Ok(n),
        _ => Err(format!("`{text}` is not a thread count from 1 to 1024")),
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { Exit::Usage as u8 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    zonesign::load::source::exit_on_sigbus();
    zonesign::emit::atomic::remove_temporary_files_on_signals();
    zonesign::load::source::file_size_limit_is_an_error();
    // `/proc/self/exe` still runs this binary when its file was deleted or
    // replaced during the run (an upgrade), where `current_exe` names a
    // path that no longer holds it (the thirty-third audit, 2026-12-07).
    // Started through the dynamic loader (`ld-linux-x86-64.so.2 zonesign`),
    // that is the loader, which cannot run the trial: no trial then (every
    // module was refused: the thirty-fourth audit).
    let this_binary = std::path::Path::new("/proc/self/exe");
    let program =
        if this_binary.exists() { Ok(this_binary.to_path_buf()) } else { std::env::current_exe() };
    let is_loader = std::fs::read_link(this_binary)
        .is_ok_and(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("ld-")));
    if let (Ok(program), false) = (program, is_loader) {
        zonesign::sign::pkcs11::session::try_modules_with(program);
    }
    let loads_a_zone = match &cli.command {
        Command::Sign(_) | Command::Verify { .. } | Command::Fmt { .. } => true,
        Command::Hsm { command: HsmCommand::Bench { zone, .. } } => zone.is_some(),
        _ => false,
    };
    if loads_a_zone {
        zonesign::run::warn_of_unknown_backends();
    }
    let signs_a_zone = matches!(cli.command, Command::Sign(_));
    let result = match cli.command {
        Command::Fmt { zone, origin, class, output } => {
            run::fmt(&FmtConfig { zone, origin, class, output })
        }
        Command::Sign(a) => run::sign(&SignConfig {
            zone: a.zone,
            origin: a.origin,
            class: a.class,
            output: a.output,
            key_dir: a.key_dir,
            keys: a.keys,
            csk: a.csk,
            nsec3: a.nsec3,
            nsec: a.nsec,
            iterations: a.iterations,
            salt: a.salt,
            opt_out: a.opt_out,
            inception: a.inception,
            expiration: a.expiration,
            jitter: a.jitter,
            dnskey_ttl: a.dnskey_ttl,
            serial: a.serial,
            zonemd: a.zonemd,
            publish: a.publish,
            trust_anchor: a.trust_anchor,
            cds: a.cds,
            cds_digest: a.cds_digest,
            ds: a.ds,
            report: a.report,
            threads: a.threads,
            dangerous_skip_verify: a.dangerous_skip_verify,
            quiet: a.quiet,
            hsm_config: a.hsm_config,
            allow_degraded_pool: a.allow_degraded_pool,
        }),
        Command::Verify { zone, origin, class, at, trust_anchor, report, threads, quiet } => {
            run::verify(&VerifyConfig {
                zone,
                origin,
                class,
                at,
                trust_anchor,
                report,
                threads,
                quiet,
            })
        }
        Command::Keygen { origin, key, key_dir } => {
            let KeyShape { algorithm, ksk, zsk: _, bits, class } = key;
            run::keygen(&KeygenConfig { origin, algorithm, ksk, bits, class, key_dir }).map(|p| {
                zonesign::say!("{}", p.display());
            })
        }
        Command::Hsm { command } => hsm(command),
    };
    let code = match result {
        Ok(()) => 0,
        Err(failure) => {
            let headline =
                if signs_a_zone { failure.headline() } else { failure.headline_without_signing() };
            zonesign::diag!("zonesign: {headline}");
            let details = failure.details();
            if !details.is_empty() {
                zonesign::diag!("{details}");
            }
            failure.exit() as u8
        }
    };
    // `hsm keygen` finished or undid its key in every HSM and said which:
    // a signal that came meanwhile ends the run now (`hold_signals`).
    zonesign::emit::atomic::release_kept_signals();
    zonesign::sign::pkcs11::exit_process(code)
}

fn hsm(command: HsmCommand) -> Result<(), run::Failure> {
    use zonesign::sign::pkcs11::cli;
    match command {
        HsmCommand::Check { hsm_config, json } => cli::hsm_check(&hsm_config, json),
        HsmCommand::LoadModuleAlone { nonce, parent, module } => {
            zonesign::sign::pkcs11::session::trial_load(&module, &nonce, parent);
            Ok(())
        }
        HsmCommand::Keygen { hsm_config, origin, key, id, label, key_dir } => {
            let KeyShape { algorithm, ksk, zsk: _, bits, class } = key;
            let role =
                if ksk { zonesign::sign::KeyRole::Ksk } else { zonesign::sign::KeyRole::Zsk };
            cli::hsm_keygen(&cli::HsmKeygenConfig {
                hsm_config,
                origin,
                algorithm,
                role,
                bits,
                class,
                id,
                label,
                key_dir,
            })
        }
        HsmCommand::Bench { hsm_config, duration, sessions, zone, origin, class, json } => {
            cli::hsm_bench(&cli::HsmBenchConfig {
                hsm_config,
                duration,
                sessions,
                zone,
                origin,
                class,
                json,
            })
        }
    }
}
