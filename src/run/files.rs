//! The files a run reads and writes, checked before anything is written:
//! outputs that are not inputs or one another, and the JSON report's target.

use super::*;

/// The outcome a report holds while its run is under way: if a run ends
/// without replacing it, the run was killed.
pub(super) const RUN_NOT_FINISHED: &str =
    "running: the run had not finished when this report was written; if it is still here, the run was killed";

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
pub(super) fn check_distinct_files(
    input: &Path,
    output: Option<&Path>,
    side: &[(&str, Option<&PathBuf>)],
    reads: &[(String, PathBuf)],
) -> Result<(), Failure> {
    let side: Vec<(&str, &Path)> =
        side.iter().filter_map(|(o, p)| p.map(|p| (*o, p.as_path()))).collect();
    let mut main: Vec<(&str, &Path)> = Vec::new();
    // Standard input that is a file (`sign - < zone`) is the input zone
    // too: `--ds` naming it replaced the zone read (the seventieth audit).
    let stdin = Path::new("/proc/self/fd/0");
    main.push(("the input zone", if input.as_os_str() == "-" { stdin } else { input }));
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
pub(super) fn check_not_included(
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
pub(super) fn report_may_be_written(
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
pub(super) fn kept_empty(path: &Path) -> bool {
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
pub(super) fn prepare_report_target(
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
