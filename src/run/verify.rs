//! `zonesign verify`: full, independent verification of a signed zone.

use super::files::*;
use super::*;

/// `zonesign verify`.
#[derive(Debug, Clone)]
pub struct VerifyConfig {
    pub zone: PathBuf,
    pub origin: String,
    /// `--class`: the zone's class.
    pub class: Class,
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
        Some(ta) => load_trust_anchors(ta, &origin, cfg.class)?,
        None => Vec::new(),
    };
    pool.install(|| -> Result<_, Failure> {
        let t = timeline.start("load");
        let zone = load_zone(&cfg.zone, &origin, cfg.class)?;
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
        // The keys and their valid signatures, also when the zone fails: in
        // a failure of the .de shape, which key's signatures are bad, and
        // what share, is the first thing to know; it was in `--report`
        // only (the seventy-second audit).
        if !cfg.quiet {
            for key in &report.keys {
                crate::diag!("zonesign: {key}");
            }
        }
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
