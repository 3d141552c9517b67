//! The `zonesign hsm …` commands and the `sign --hsm-config` hook, as
//! library functions returning [`crate::run::Failure`] like the others.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::bench::{bench, format_table, BenchRequest};
use super::config::HsmConfig;
use super::keygen::{keygen, KeygenRequest};
use super::pool::{check, open_pool, Degraded, HsmReport, Pool};
use super::HsmError;
use crate::run::{parse_origin, Failure};
use crate::sign::keys::check_collisions;
use crate::sign::keyset::{role_by_flags, settle_roles, RolePolicy};
use crate::sign::{KeyRole, ZoneKey};
use crate::zone::name::Name;
use crate::zone::rtype::Class;

fn hsm_failure(e: HsmError) -> Failure {
    Failure::Hsm(Box::new(e))
}

/// What [`attach`] gives the signing run.
#[derive(Debug)]
pub struct Attached {
    /// The open, proven pool.
    pub pool: Arc<Pool>,
    /// Warnings for the run's report.
    pub warnings: Vec<String>,
    /// The TTLs the configuration's BIND `.key` files carry
    /// ([`KeyEntry::key_file_ttl`]), each beside its published DNSKEY, for
    /// the DNSKEY RRset's TTL as the key files of `--key` and `--key-dir`
    /// give theirs.
    pub key_file_ttls: Vec<(Box<[u8]>, u32)>,
}

/// For `sign`: opens and proves the pool, appends its keys to `keys`, and
/// re-runs the key tag collision check over software and HSM keys together.
/// `hsms` receives every HSM's state, also when this fails. Returns the
/// pool and the warnings for key files the pool's keys replaced.
pub fn attach(
    path: &Path,
    origin: &Name,
    class: Class,
    allow_degraded_pool: bool,
    all_csk: bool,
    keys: &mut Vec<ZoneKey>,
    hsms: &mut Vec<HsmReport>,
) -> Result<Attached, Failure> {
    let config = HsmConfig::load(path).map_err(hsm_failure)?;
    let degraded = if allow_degraded_pool { Degraded::Allow } else { Degraded::Refuse };
    let pool = open_pool(&config, degraded).map_err(|f| {
        *hsms = f.hsms;
        Failure::Hsm(Box::new(f.error))
    })?;
    *hsms = pool.reports();
    let mut hsm_keys = pool.zone_keys(origin, class).map_err(hsm_failure)?;
    // `--csk`: every key signs everything, the pool's too; a pool key of
    // role `ksk` went on signing the DNSKEY RRset only (the fourteenth
    // audit, 2026-12-06).
    if all_csk {
        for k in hsm_keys.iter_mut() {
            k.role = role_by_flags(k.flags(), RolePolicy::AllCsk);
        }
    }
    // A software KSK was made a CSK when its algorithm had no ZSK; beside
    // HSM keys it takes the role its flags say (a KSK file with HSM ZSKs),
    // and the roles are settled over all keys again.
    if !all_csk {
        for k in keys.iter_mut().filter(|k| k.role == KeyRole::Csk) {
            k.role = role_by_flags(k.flags(), RolePolicy::ByFlags);
        }
    }
    // One key named twice signs once, also when its files are in the key
    // directory and the pool holds it (as while a zone moves to HSMs): its
    // files signed beside the HSM, every RRset twice, with no word (the
    // twelfth audit, 2026-12-06). The HSM signs; the files are left out.
    let mut warnings = Vec::new();
    keys.retain(|k| {
        let Some(h) = hsm_keys.iter().find(|h| h.dnskey == k.dnskey) else { return true };
        warnings.push(format!(
            "key {} ({}) is in the HSM pool too: it signs through the pool ({}), its key files sign nothing",
            k.key_tag, k.source, h.source
        ));
        false
    });
    keys.extend(hsm_keys);
    settle_roles(keys);
    let named: Vec<(&str, &[u8])> =
        keys.iter().map(|k| (k.source.as_str(), &k.dnskey[..])).collect();
    check_collisions(&named).map_err(Failure::Key)?;
    let ttls = config
        .keys
        .iter()
        .filter_map(|k| Some((k.published.clone().into_boxed_slice(), k.key_file_ttl()?)))
        .collect();
    Ok(Attached { pool, warnings, key_file_ttls: ttls })
}

/// `zonesign hsm check`.
pub fn hsm_check(config_path: &Path, json: bool) -> Result<(), Failure> {
    let config = HsmConfig::load(config_path).map_err(hsm_failure)?;
    config.require_keys().map_err(hsm_failure)?;
    let (reports, failures, closing) = check(&config);
    if json {
        let text = serde_json::to_string_pretty(&reports).map_err(|e| Failure::Io {
            path: PathBuf::from("-"),
            source: std::io::Error::other(e),
        })?;
        crate::say!("{text}");
    } else {
        for r in &reports {
            let state = match &r.status {
                super::HsmStatus::Active => "ok: every key proven".to_owned(),
                super::HsmStatus::Excluded { .. } | super::HsmStatus::Removed { .. } => {
                    "FAILED".to_owned()
                }
            };
            crate::say!("hsm {} (token \"{}\"): {state}", r.name, r.token);
        }
        for k in &config.keys {
            crate::say!("  {} from {}", k.describe(), k.dnskey_source.display());
        }
    }
    drop(closing);
    if failures.is_empty() {
        Ok(())
    } else {
        let passed =
            reports.iter().filter(|r| matches!(r.status, super::HsmStatus::Active)).count();
        Err(hsm_failure(HsmError::Proof { failures, passed, may_degrade: false }))
    }
}

/// `zonesign hsm keygen` arguments.
#[derive(Debug, Clone)]
pub struct HsmKeygenConfig {
    pub hsm_config: PathBuf,
    pub origin: String,
    pub algorithm: String,
    pub role: KeyRole,
    pub bits: Option<usize>,
    /// The class of the zone (`--class`), written in the `.key` file.
    pub class: Class,
    pub id: String,
    pub label: String,
    /// Default: the directory of the HSM configuration.
    pub key_dir: Option<PathBuf>,
}

/// `zonesign hsm keygen`: says the `.key` file written (on standard
/// output), before the sessions are closed.
pub fn hsm_keygen(cfg: &HsmKeygenConfig) -> Result<(), Failure> {
    let origin = parse_origin(&cfg.origin)?;
    let algorithm = crate::run::parse_algorithm(&cfg.algorithm)?;
    let id = data_encoding::HEXLOWER_PERMISSIVE
        .decode(cfg.id.as_bytes())
        .map_err(|_| Failure::Usage(format!("--id `{}` is not hex (CKA_ID)", cfg.id)))?;
    crate::run::check_key_size(algorithm, cfg.bits)?;
    // The label goes into every later message of the key (the forty-second
    // audit, 2026-12-07: `--label $'a\nb'` garbled them).
    if !super::config::printable(&cfg.label) {
        return Err(Failure::Usage(format!(
            "--label {:?}: a label of printable characters, not empty",
            cfg.label
        )));
    }
    let config = HsmConfig::load(&cfg.hsm_config).map_err(hsm_failure)?;
    let key_dir = cfg.key_dir.clone().unwrap_or_else(|| {
        cfg.hsm_config.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
    });
    let (made, closing) = keygen(
        &config,
        &KeygenRequest {
            origin,
            algorithm,
            role: cfg.role,
            bits: cfg.bits,
            class: cfg.class,
            id,
            label: cfg.label.clone(),
            key_dir,
        },
    );
    // The `.key` file that could not be written is an I/O error (exit 5),
    // as for `keygen`; nothing was created in an HSM by then (it was an
    // "HSM problem", exit 3: the fiftieth audit).
    let result = made.map_err(|e| match e {
        HsmError::Key(crate::sign::keys::KeyError::Io { path, source }) => {
            Failure::Io { path, source }
        }
        e => hsm_failure(e),
    })?;
    crate::diag!(
        "zonesign: key tag {} imported into {} and proven in every HSM",
        result.key_tag,
        result.hsms.join(", ")
    );
    crate::say!("{}", result.key_file.display());
    // Said: the key is made, and a signal now ends the run as it comes
    // (held on, a Ctrl-C while the sessions closed turned a made key into
    // exit 130: the forty-ninth audit).
    crate::emit::atomic::release_kept_signals();
    drop(closing);
    Ok(())
}

/// The longest `hsm bench --duration`: one day.
pub const MAX_BENCH_DURATION: Duration = Duration::from_secs(86_400);

/// Parses `10s`, `500ms`, `2m` or plain seconds, up to [`MAX_BENCH_DURATION`].
pub fn parse_bench_duration(text: &str) -> Option<Duration> {
    let t = text.trim();
    let d = if let Some(ms) = t.strip_suffix("ms") {
        ms.parse().ok().map(Duration::from_millis)
    } else if let Some(s) = t.strip_suffix('s') {
        s.parse::<f64>().ok().and_then(|s| Duration::try_from_secs_f64(s).ok())
    } else if let Some(m) = t.strip_suffix('m') {
        m.parse::<u64>().ok().and_then(|m| m.checked_mul(60)).map(Duration::from_secs)
    } else {
        t.parse::<f64>().ok().and_then(|s| Duration::try_from_secs_f64(s).ok())
    };
    // No time is no measurement, in any unit (`0ms` and `0m` were taken);
    // and a bench runs at most a day: a longer time (`1e20s` panicked in
    // `Duration::from_secs_f64`, `1e19s` overflowed the workers' `Instant`
    // deadline, an audit, 2026-12-06) is a typing error.
    d.filter(|d| !d.is_zero() && *d <= MAX_BENCH_DURATION)
}

/// `zonesign hsm bench` arguments.
#[derive(Debug, Clone)]
pub struct HsmBenchConfig {
    pub hsm_config: PathBuf,
    pub duration: String,
    pub sessions: Vec<usize>,
    pub zone: Option<PathBuf>,
    pub origin: Option<String>,
    /// `--class`: the class of `--zone`.
    pub class: crate::zone::rtype::Class,
    pub json: bool,
}

/// `zonesign hsm bench`.
pub fn hsm_bench(cfg: &HsmBenchConfig) -> Result<(), Failure> {
    let duration = parse_bench_duration(&cfg.duration).ok_or_else(|| {
        Failure::Usage(format!(
            "bad --duration `{}`: a time above zero and at most a day, e.g. 10s, 500ms, 2m",
            cfg.duration
        ))
    })?;
    let zone = match (&cfg.zone, &cfg.origin) {
        (Some(z), Some(o)) => Some((z.clone(), parse_origin(o)?)),
        (None, None) => None,
        _ => return Err(Failure::Usage("--zone and --origin go together".into())),
    };
    if cfg.sessions.is_empty() || cfg.sessions.iter().any(|&n| n == 0 || n > 64) {
        return Err(Failure::Usage("--sessions takes counts from 1 to 64, e.g. 1,2,4,8".into()));
    }
    let config = HsmConfig::load(&cfg.hsm_config).map_err(hsm_failure)?;
    config.require_keys().map_err(hsm_failure)?;
    // The zone is loaded before anything is measured, with `sign`'s exit
    // codes for a zone that does not load (4) or cannot be read (5).
    let zone = match zone {
        Some((path, origin)) => {
            let loaded = crate::run::load_zone(&path, &origin, cfg.class)?;
            Some((origin, loaded))
        }
        None => None,
    };
    let report = bench(&config, &BenchRequest { duration, sessions: cfg.sessions.clone(), zone })
        .map_err(hsm_failure)?;
    // The rates are of wall time: a stop during a measurement (Ctrl-Z,
    // SIGSTOP) lowered them without a word (the seventy-seventh audit); a
    // stop outside the measurements, as while logging in, changes none
    // (the seventy-eighth).
    for r in report.rows.iter() {
        if let Some(asked) = r.sessions_asked {
            crate::diag!(
                "zonesign: warning: {} measured with {} of the {asked} sessions or threads asked: \
                 no thread could be started for the rest (ulimit -u)",
                r.target,
                r.sessions
            );
        }
    }
    for r in report.rows.iter().filter(|r| r.stopped_seconds > 0.0) {
        crate::diag!(
            "zonesign: warning: the run was stopped for {:.1} s while {} ({} sessions) was \
             measured: its rate, of wall time, is too low; measure again",
            r.stopped_seconds,
            r.target,
            r.sessions
        );
    }
    if cfg.json {
        let text = serde_json::to_string_pretty(&report).map_err(|e| Failure::Io {
            path: PathBuf::from("-"),
            source: std::io::Error::other(e),
        })?;
        crate::say!("{text}");
    } else {
        crate::say!("{}", format_table(&report).trim_end_matches('\n'));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bench_durations() {
        assert_eq!(parse_bench_duration("10s"), Some(Duration::from_secs(10)));
        assert_eq!(parse_bench_duration("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse_bench_duration("2m"), Some(Duration::from_secs(120)));
        assert_eq!(parse_bench_duration("1.5"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_bench_duration("0s"), None);
        assert_eq!(parse_bench_duration("0ms"), None);
        assert_eq!(parse_bench_duration("0m"), None);
        assert_eq!(parse_bench_duration("0"), None);
        assert_eq!(parse_bench_duration("soon"), None);
    }

    /// `--duration 1e20s` panicked in `Duration::from_secs_f64` and
    /// `1e19s` overflowed the workers' deadline (an audit, 2026-12-06): a
    /// bench runs at most a day.
    #[test]
    fn regression_bench_duration_past_a_day_is_refused_not_a_panic() {
        assert_eq!(parse_bench_duration("86400s"), Some(MAX_BENCH_DURATION));
        assert_eq!(parse_bench_duration("1440m"), Some(MAX_BENCH_DURATION));
        for t in ["86401s", "1441m", "86400001ms", "1e19s", "1e20s", "1e20", "inf", "NaNs", "-1s"] {
            assert_eq!(parse_bench_duration(t), None, "{t}");
        }
    }
}
