//! Loading zone files: memory-mapped input, the lexer, the parser of records
//! and directives (`$ORIGIN`, `$TTL`, `$INCLUDE`), and error spans.
//!
//! # Usage
//! [`load_file`] reads a zone file (and what it includes) into a flat list of
//! [`Record`]s in file order, or fails with every syntax error found (up to
//! [`LoadOptions::max_errors`]), each naming file, line and column.

pub mod lexer;
mod parser;
pub mod source;
pub mod token;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::zone::name::Name;
use crate::zone::record::Record;

/// How to load.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The initial `$ORIGIN`: the zone's apex.
    pub origin: Name,
    /// Stop after this many errors.
    pub max_errors: usize,
    /// How deep `$INCLUDE` may nest.
    pub max_include_depth: usize,
}

impl LoadOptions {
    pub fn new(origin: Name) -> LoadOptions {
        LoadOptions { origin, max_errors: 20, max_include_depth: 16 }
    }
}

/// The records of a zone file, in file order.
#[derive(Debug, Default)]
pub struct Loaded {
    pub records: Vec<Record>,
    /// Every file read; `SourcePos::file` indexes this.
    pub files: Vec<PathBuf>,
    pub warnings: Vec<LoadWarning>,
}

impl Loaded {
    /// `file:line` for a record's source position.
    pub fn describe(&self, pos: crate::zone::record::SourcePos) -> String {
        match self.files.get(pos.file as usize) {
            Some(f) => format!("{}:{}", f.display(), pos.line),
            None => format!("?:{}", pos.line),
        }
    }
}

/// A syntax error: where, the token, and what was expected there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub file: String,
    pub line: u32,
    pub col: u32,
    pub token: String,
    pub expected: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: expected {}, found `{}`",
            self.file, self.line, self.col, self.expected, self.token
        )
    }
}

/// Something worth telling that does not stop loading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadWarning {
    pub file: String,
    pub line: u32,
    pub message: String,
}

impl fmt::Display for LoadWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: warning: {}", self.file, self.line, self.message)
    }
}

/// Why loading failed.
#[derive(Debug)]
pub enum LoadFailure {
    /// A file could not be read (exit code 5).
    Io { path: PathBuf, source: std::io::Error },
    /// The input is not a valid zone file (exit code 4).
    Syntax(Vec<LoadError>),
}

impl fmt::Display for LoadFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadFailure::Io { path, source } => {
                write!(f, "cannot read {}: {source}", path.display())
            }
            LoadFailure::Syntax(errors) => {
                for (i, e) in errors.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{e}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for LoadFailure {}

/// Loads a zone file (`-` for standard input).
pub fn load_file(path: &Path, opts: &LoadOptions) -> Result<Loaded, LoadFailure> {
    let mut p = parser::Parser::new(opts);
    p.parse_path(path, opts.origin.clone())?;
    finish(p)
}

/// Loads zone text held in memory; `name` stands for the file in messages
/// and anchors relative `$INCLUDE` paths.
pub fn load_bytes(data: &[u8], name: &Path, opts: &LoadOptions) -> Result<Loaded, LoadFailure> {
    let mut p = parser::Parser::new(opts);
    p.parse_bytes(data, name, opts.origin.clone())?;
    finish(p)
}

fn finish(p: parser::Parser<'_>) -> Result<Loaded, LoadFailure> {
    if p.errors.is_empty() {
        Ok(p.out)
    } else {
        Err(LoadFailure::Syntax(p.errors))
    }
}

/// Entry point for the fuzzer (`fuzz/fuzz_targets/load.rs`): loads arbitrary
/// bytes as a zone for `example.`, builds the zone model and writes it out,
/// discarding the result. Must never panic.
pub fn fuzz_load(data: &[u8]) {
    let origin = match Name::parse(b"example.", &Name::root()) {
        Ok(o) => o,
        Err(_) => return,
    };
    let mut opts = LoadOptions::new(origin);
    opts.max_include_depth = 0;
    if let Ok(loaded) = load_bytes(data, Path::new("/nonexistent/fuzz-input"), &opts) {
        let _ = crate::zone::Zone::build(loaded, &opts.origin);
    }
}

#[cfg(test)]
mod tests;
