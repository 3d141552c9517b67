//! The commands, as library functions: each takes its configuration, runs
//! the stages and maps every failure to one exit code.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::emit::atomic::AtomicOutput;
use crate::emit::write_zone;
use crate::load::{load_file, LoadFailure, LoadOptions};
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
    Zone(ZoneErrors),
    Io { path: PathBuf, source: std::io::Error },
}

impl Failure {
    pub fn exit(&self) -> Exit {
        match self {
            Failure::Usage(_) => Exit::Usage,
            Failure::Load(LoadFailure::Io { .. }) | Failure::Io { .. } => Exit::Io,
            Failure::Load(LoadFailure::Syntax(_)) | Failure::Zone(_) => Exit::BadInput,
        }
    }

    /// One clear line: what failed.
    pub fn headline(&self) -> String {
        match self {
            Failure::Usage(m) => m.clone(),
            Failure::Load(LoadFailure::Io { path, source }) => {
                format!("cannot read {}: {source}", path.display())
            }
            Failure::Load(LoadFailure::Syntax(e)) => {
                format!(
                    "the zone file has {} syntax error{}; nothing was written",
                    e.len(),
                    plural(e.len())
                )
            }
            Failure::Zone(e) => format!(
                "the zone breaks {} structural rule{}; nothing was written",
                e.0.len(),
                plural(e.0.len())
            ),
            Failure::Io { path, source } => format!("cannot write {}: {source}", path.display()),
        }
    }

    /// The details, one per line.
    pub fn details(&self) -> String {
        match self {
            Failure::Load(LoadFailure::Syntax(_)) => match self {
                Failure::Load(l) => l.to_string(),
                _ => String::new(),
            },
            Failure::Zone(e) => e.to_string(),
            _ => String::new(),
        }
    }
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

/// Loads and builds a zone, printing load warnings to standard error.
pub fn load_zone(path: &Path, origin: &Name) -> Result<Zone, Failure> {
    let loaded = load_file(path, &LoadOptions::new(origin.clone())).map_err(Failure::Load)?;
    let zone = Zone::build(loaded, origin).map_err(Failure::Zone)?;
    for w in &zone.warnings {
        eprintln!("{w}");
    }
    Ok(zone)
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
    let zone = load_zone(&cfg.zone, &origin)?;
    match &cfg.output {
        None => {
            let stdout = std::io::stdout().lock();
            write_zone(&zone, stdout)
                .and_then(|mut w| w.flush())
                .map_err(|e| Failure::Io { path: PathBuf::from("-"), source: e })
        }
        Some(path) => {
            let io = |e| Failure::Io { path: path.clone(), source: e };
            let out = AtomicOutput::create(path).map_err(io)?;
            write_zone(&zone, out.file()).map_err(io)?;
            out.commit().map_err(io)
        }
    }
}
