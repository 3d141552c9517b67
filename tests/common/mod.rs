//! Helpers shared by the integration tests: where the binaries and test data are, running
//! a command with a panic message that says what failed and why, and scratch directories.
//!
//! Each `tests/*.rs` file is its own crate and uses a subset of these helpers.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `zonesign` binary that Cargo built for this test run.
pub fn zonesign_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_zonesign"))
}

/// The `zonesign-genzone` binary (tools/genzone) that Cargo built for this test run.
pub fn genzone_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_zonesign-genzone"))
}

/// A path inside the repository (`test-data/root.zone`, `examples/example.zone`).
pub fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The `.key` file of a KSK (flags 257) in `dir`.
pub fn ksk_file_in(dir: &Path) -> PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.extension().is_some_and(|e| e == "key")
                && std::fs::read_to_string(p).unwrap().contains("DNSKEY 257")
        })
        .expect("a KSK's .key file")
}

/// A fresh scratch directory, removed when dropped (kept if `ZONESIGN_KEEP_TMP` is set,
/// so a failing test's files can be inspected).
pub fn tempdir() -> tempfile::TempDir {
    let keep = std::env::var_os("ZONESIGN_KEEP_TMP").is_some();
    let dir = tempfile::Builder::new()
        .prefix("zonesign-test-")
        .disable_cleanup(keep)
        .tempdir()
        .unwrap_or_else(|e| panic!("cannot create a temporary directory: {e}"));
    if keep {
        eprintln!("keeping {}", dir.path().display());
    }
    dir
}

/// The command line of `cmd`, for messages.
pub fn describe(cmd: &Command) -> String {
    let mut text = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    if let Some(dir) = cmd.get_current_dir() {
        text.push_str(&format!("  (in {})", dir.display()));
    }
    text
}

/// Fails the test unless `tool` is on the PATH. Tests never skip silently: tools/test.sh
/// installs every oracle; on a developer machine, install what this names.
pub fn require_tool(tool: &str, package: &str) {
    let found = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join(tool).is_file()))
        .unwrap_or(false);
    assert!(found, "`{tool}` not found on PATH: apt-get install {package} (tools/test.sh does)");
}

/// Runs `cmd` with no standard input and returns its output; panics with the command line,
/// exit status, standard error and the start of standard output if it does not exit 0.
pub fn run(cmd: &mut Command) -> Output {
    let output = run_status(cmd);
    if !output.status.success() {
        panic!(
            "command failed ({}): {}\n--- stderr ---\n{}\n--- stdout (first 2000 bytes) ---\n{}",
            output.status,
            describe(cmd),
            String::from_utf8_lossy(&output.stderr),
            String::from_utf8_lossy(&output.stdout[..output.stdout.len().min(2000)]),
        );
    }
    output
}

/// Runs `cmd` with no standard input and returns its output whatever the exit status;
/// panics only if it cannot be started.
pub fn run_status(cmd: &mut Command) -> Output {
    cmd.stdin(std::process::Stdio::null());
    cmd.output().unwrap_or_else(|e| panic!("cannot start {}: {e}", describe(cmd)))
}

/// Runs `cmd`, which must succeed, and returns its standard output as text.
pub fn stdout_of(cmd: &mut Command) -> String {
    let output = run(cmd);
    String::from_utf8(output.stdout)
        .unwrap_or_else(|e| panic!("{} printed invalid UTF-8: {e}", describe(cmd)))
}

/// `Command::new(program).args(args)`, for brevity.
pub fn command<I, S>(program: impl AsRef<OsStr>, args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut cmd = Command::new(program);
    cmd.args(args);
    cmd
}

/// Writes a TLD-shaped zone with `zonesign-genzone` and returns its path.
pub fn generate_zone(dir: &Path, origin: &str, delegations: u64, seed: u64) -> PathBuf {
    let path = dir.join(format!("generated-{delegations}-{seed}.zone"));
    run(command(
        genzone_bin(),
        [
            "--origin",
            origin,
            "--delegations",
            &delegations.to_string(),
            "--seed",
            &seed.to_string(),
            "--output",
        ],
    )
    .arg(&path));
    path
}
