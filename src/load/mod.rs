//! Loading zone files: memory-mapped input, the lexer, the parser of records
//! and directives (`$ORIGIN`, `$TTL`, `$INCLUDE`), and error spans.
//!
//! # Usage
//! [`load_file`] reads a zone file (and what it includes) into a flat list of
//! [`Record`]s in file order, their owners and RDATA in [`Blocks`], or fails with every syntax error found (up to
//! [`LoadOptions::max_errors`]), each naming file, line and column.

pub mod lexer;
mod parser;
pub mod simd;
pub mod source;
pub mod split;
pub mod token;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::zone::name::Name;
use crate::zone::record::{Blocks, Record, RecordRef};
use crate::zone::rtype::Class;

/// How to load.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The initial `$ORIGIN`: the zone's apex.
    pub origin: Name,
    /// Stop after this many errors.
    pub max_errors: usize,
    /// How deep `$INCLUDE` may nest.
    pub max_include_depth: usize,
    /// How many files a load reads in all, the top file and every
    /// `$INCLUDE` (a file included twice counts twice).
    pub max_files: usize,
    /// How many octets a load reads again, in files `$INCLUDE`d more than
    /// once (the reads after the first), beyond as many as the included
    /// files hold.
    pub max_repeated_octets: u64,
    /// Target size of the chunks of the parallel load ([`split`]); a file
    /// smaller than this is loaded in one piece.
    pub chunk_bytes: usize,
    /// The TTL of records that give none before any `$TTL`: none for zone
    /// files (such a record is an error, RFC 2308 §4); set for files of
    /// DS or DNSKEY records that name no TTL (BIND's `dsset-` files and
    /// `.key` files, `dnssec-dsfromkey` output) read as trust anchors.
    pub default_ttl: Option<u32>,
    /// The zone's class (`--class`, as `dnssec-signzone -c` and
    /// `named-checkzone -c` take it; IN unless told): a record of another
    /// class is an error. `None` takes the class of the first record, as
    /// for a file read with no zone in mind. A typo on the SOA line (`@ CH
    /// SOA`) made a whole zone class CH, signed and published, exit 0,
    /// where BIND and Knot refuse it (the seventy-fifth audit, 2026-12-07).
    pub class: Option<Class>,
}

/// Default [`LoadOptions::chunk_bytes`]: large enough that the per-chunk
/// cost (a parser, a few vectors) vanishes, small enough to balance cores.
pub const DEFAULT_CHUNK_BYTES: usize = 1 << 20;

/// Default [`LoadOptions::max_errors`]: a file with more errors is not
/// worth reading further, and a screenful names the pattern.
pub const MAX_ERRORS: usize = 20;

/// How deep `$INCLUDE` nests by default. BIND and Knot set no limit but
/// the open files (a chain of 200 loads in both); 16, the limit until the
/// forty-seventh audit, refused zones both load. Cycles are refused at any
/// depth; the limit bounds a run-away generator's chain.
pub const MAX_INCLUDE_DEPTH: usize = 64;

/// How many files a load reads by default. The depth limit alone let a
/// tree of files, each including the one below twice, grow as 2^depth:
/// 41 files of 4 KB, 64 levels deep, would have been read for days (the
/// fifty-ninth audit, 2026-12-07; BIND and Knot bound it by nothing).
/// 65,536 reads take a few seconds.
pub const MAX_FILES: usize = 65_536;

/// How many octets a load reads again by default, in files included more
/// than once. The count of files alone let 17 files of 17 KB, the leaf of
/// 1,000 records read 65,536 times, hold 4.2 GB for 36 s, and a leaf of
/// 100 KB would pass this machine's 24 GB (the sixtieth audit,
/// 2026-12-07). A file of common records included under many origins is
/// read again within this; a tree that multiplies is not.
pub const MAX_REPEATED_OCTETS: u64 = 64 << 20;

impl LoadOptions {
    pub fn new(origin: Name) -> LoadOptions {
        LoadOptions {
            origin,
            max_errors: MAX_ERRORS,
            max_include_depth: MAX_INCLUDE_DEPTH,
            max_files: MAX_FILES,
            max_repeated_octets: MAX_REPEATED_OCTETS,
            chunk_bytes: DEFAULT_CHUNK_BYTES,
            default_ttl: None,
            class: Some(Class::IN),
        }
    }
}

/// The records of a zone file, in file order.
#[derive(Debug, Default)]
pub struct Loaded {
    pub records: Vec<Record>,
    /// The records' owners and RDATA (see [`crate::zone::record`]).
    pub blocks: Blocks,
    /// Every file read; `SourcePos::file` indexes this.
    pub files: Vec<PathBuf>,
    pub warnings: Vec<LoadWarning>,
    /// The files `$INCLUDE`d, as they were when opened.
    pub included: Vec<source::FileStamp>,
}

impl Loaded {
    /// Every record with its owner and RDATA, in file order.
    pub fn iter(&self) -> impl Iterator<Item = RecordRef<'_>> {
        self.records.iter().map(|r| self.blocks.resolve(r))
    }

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
    /// A bound of `$INCLUDE` was met at `at` and reading stopped there
    /// (exit code 4); `errors` are the syntax errors found before it.
    Limit { at: LoadError, errors: Vec<LoadError> },
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
            LoadFailure::Limit { at, errors } => {
                for e in errors {
                    writeln!(f, "{e}")?;
                }
                write!(f, "{at}; reading stopped there")
            }
        }
    }
}

impl std::error::Error for LoadFailure {}

/// Where the loader reports the input ranges it is done with.
type Release<'a> = dyn Fn(std::ops::Range<usize>) + Sync + 'a;

/// Loads a zone file (`-` for standard input).
pub fn load_file(path: &Path, opts: &LoadOptions) -> Result<Loaded, LoadFailure> {
    load_source(&open(path)?, path, opts)
}

/// Opens a zone file for [`load_source`] or [`load_source_in_parts`] (`-`
/// for standard input).
pub fn open(path: &Path) -> Result<source::Source, LoadFailure> {
    source::Source::open(path).map_err(|e| LoadFailure::Io { path: path.to_path_buf(), source: e })
}

/// [`load_file`] of a file already opened: whoever opened it can read the
/// same bytes as the loader (the input digest of `zonesign sign`'s report,
/// [`source::Source::sha256`]) and not a file renamed into place between
/// two opens.
pub fn load_source(
    source: &source::Source,
    path: &Path,
    opts: &LoadOptions,
) -> Result<Loaded, LoadFailure> {
    let loaded = load_top_releasing(source, path, opts, &|range| source.release(range));
    unchanged(source, path)?;
    loaded
}

/// [`source::Source::check_unchanged`] as a load failure (exit 5). It is
/// checked after the load, whatever its outcome: errors found in a file that
/// changed meanwhile may be about text that is no longer there.
fn unchanged(source: &source::Source, path: &Path) -> Result<(), LoadFailure> {
    source.check_unchanged().map_err(|e| LoadFailure::Io { path: path.to_path_buf(), source: e })
}

/// Loads zone text held in memory; `name` stands for the file in messages
/// and anchors relative `$INCLUDE` paths.
pub fn load_bytes(data: &[u8], name: &Path, opts: &LoadOptions) -> Result<Loaded, LoadFailure> {
    load_top(data, name, opts)
}

/// The top-level file: in parallel chunks when [`split::plan`] finds more
/// than one, otherwise sequentially.
fn load_top(data: &[u8], path: &Path, opts: &LoadOptions) -> Result<Loaded, LoadFailure> {
    load_top_releasing(data, path, opts, &|_| {})
}

/// [`load_top`]; `release` is told the byte ranges the parser is done with
/// (see [`source::Source::release`]).
fn load_top_releasing(
    data: &[u8],
    path: &Path,
    opts: &LoadOptions,
    release: &Release<'_>,
) -> Result<Loaded, LoadFailure> {
    match chunk_plan(data, opts, release) {
        Some(splits) => load_chunks(data, path, opts, &splits, release),
        None => load_sequential(data, path, opts),
    }
}

/// The chunks of a parallel load of `data`, or `None` when it is loaded in
/// one piece (no larger than a chunk, `$INCLUDE`, or one chunk found).
fn chunk_plan(data: &[u8], opts: &LoadOptions, release: &Release<'_>) -> Option<Vec<split::Split>> {
    if data.len() <= opts.chunk_bytes {
        return None;
    }
    let split::Plan::Chunks(splits) =
        split::plan_releasing(data, &opts.origin, opts.chunk_bytes, release)
    else {
        return None;
    };
    if splits.len() < 2 {
        return None;
    }
    // The split scan touched every page; each chunk faults its own back in
    // while it is parsed.
    release(0..data.len());
    Some(splits)
}

/// The reference loader: one parser over the whole file.
fn load_sequential(data: &[u8], path: &Path, opts: &LoadOptions) -> Result<Loaded, LoadFailure> {
    let mut p = parser::Parser::new(opts);
    p.parse_source(data, path, opts.origin.clone())?;
    finish(p)
}

/// The parallel load: every chunk after the first is parsed without knowing
/// the zone class, the last explicit TTL and the last owner that earlier
/// chunks leave; a sequential fix-up pass over the chunk outputs, in file
/// order, fills records that used them and re-parses (rarely: a class other
/// than IN given only later, no TTL before the chunk) a chunk whose
/// assumption was wrong. Errors are each chunk's first ones, in chunk order,
/// cut at [`LoadOptions::max_errors`]: the sequential parser's list.
fn load_chunks(
    data: &[u8],
    path: &Path,
    opts: &LoadOptions,
    splits: &[split::Split],
    release: &Release<'_>,
) -> Result<Loaded, LoadFailure> {
    use rayon::prelude::*;
    let end = |k: usize| chunk_end(data, splits, k);
    let outputs: Vec<parser::ChunkOutput> = (0..splits.len())
        .into_par_iter()
        .map(|k| parse_on_its_own(data, path, opts, splits, k, release))
        .collect();

    let mut class = opts.class;
    let mut last_ttl = None;
    let mut last_owner: Option<Name> = None;
    let mut loaded = Loaded { files: vec![path.to_path_buf()], ..Loaded::default() };
    // Each chunk's records, and the index of its first block in the zone's.
    let mut parts: Vec<(u32, Vec<Record>)> = Vec::with_capacity(outputs.len());
    let mut errors = Vec::new();
    for (k, mut chunk) in outputs.into_iter().enumerate() {
        let u = &chunk.unresolved;
        let holds = u.class_assumed.is_none_or(|c| class.is_none_or(|zc| zc == c))
            && (u.pending_ttl.is_empty() || last_ttl.is_some())
            && (!u.owner_assumed || last_owner.is_some());
        if holds {
            if let Some(t) = last_ttl {
                for &i in &chunk.unresolved.pending_ttl {
                    chunk.out.records[i].ttl = t;
                }
            }
            if let (Some(o), true) = (&last_owner, chunk.unresolved.pending_owner) {
                // The placeholder the records share (see `Unresolved`).
                chunk.out.blocks.0[0].owners[0] = o.clone();
            }
        } else {
            let incoming =
                parser::Incoming::Known { class, last_ttl, last_owner: last_owner.clone() };
            chunk = parser::Parser::parse_chunk(opts, data, end(k), path, &splits[k], incoming);
        }
        let u = &chunk.unresolved;
        if !u.class_unknown {
            class = chunk.class;
        }
        if !u.ttl_unknown {
            last_ttl = chunk.last_ttl;
        }
        if !u.owner_unknown {
            last_owner = chunk.last_owner;
        }
        errors.append(&mut chunk.errors);
        if errors.len() >= opts.max_errors {
            break;
        }
        parts.push((loaded.blocks.0.len() as u32, std::mem::take(&mut chunk.out.records)));
        loaded.blocks.0.append(&mut chunk.out.blocks.0);
        loaded.warnings.append(&mut chunk.out.warnings);
    }
    if !errors.is_empty() {
        errors.truncate(opts.max_errors);
        return Err(LoadFailure::Syntax(errors));
    }
    loaded.records = concat_parts(parts);
    Ok(loaded)
}

/// The records of the chunks in order, their block indexes made the zone's:
/// copied in parallel into zeroed memory, whose pages the kernel maps in
/// as each worker writes them (at .de scale 1.3 GB of records, which one
/// thread took 3.7 s to copy), each chunk's vector freed once copied.
fn concat_parts(parts: Vec<(u32, Vec<Record>)>) -> Vec<Record> {
    use rayon::prelude::*;
    let mut at = 0u32;
    let ranges: Vec<(u32, u32)> = parts
        .iter()
        .map(|(_, part)| {
            at += part.len() as u32;
            (at - part.len() as u32, at)
        })
        .collect();
    let mut records = Record::zeroed_vec(at as usize);
    let slices = crate::order::split_ranges_mut(&mut records, &ranges);
    parts.into_par_iter().zip(slices).for_each(|((base, part), out)| {
        for (o, r) in out.iter_mut().zip(part) {
            *o = Record { block: r.block + base, ..r };
        }
    });
    records
}

/// What [`load_file_in_parts`] did.
#[derive(Debug)]
pub enum Parts {
    /// Every chunk stood on its own: `sink` took them all.
    Delivered,
    /// Not every chunk did: the file, loaded the usual way instead (what
    /// [`load_file`] gives, with the split scan not run twice).
    Declined(Loaded),
}

/// A parallel load in which every chunk stands on its own: `part` gets each
/// chunk's records (file order, the chunk's own [`Blocks`]) on the worker
/// that parsed it, and `sink` takes the parts in file order, a few chunks
/// at a time, so that the text's records never exist all at once (see
/// [`crate::zone::Zone::load_ordered`]); with each, the number of chunks of
/// the file.
///
/// Where that does not hold, the caller drops what `sink` got and this
/// loads the file the usual way ([`Parts::Declined`]), which also gives the
/// errors: the file is small (one chunk), has `$INCLUDE`, comes from
/// standard input, the owners at the chunk starts do not ascend in
/// canonical order (checked before any chunk is parsed), a chunk has a
/// syntax error or leans on the one before it (a record without owner, TTL
/// or class whose value comes from an earlier chunk), or `part` or `sink`
/// declines a chunk.
pub fn load_file_in_parts<T: Send>(
    path: &Path,
    opts: &LoadOptions,
    part: impl Fn(Loaded) -> Option<T> + Sync,
    sink: impl FnMut(T, usize) -> bool,
) -> Result<Parts, LoadFailure> {
    load_source_in_parts(&open(path)?, path, opts, part, sink)
}

/// [`load_file_in_parts`] of a file already opened (see [`load_source`]).
pub fn load_source_in_parts<T: Send>(
    source: &source::Source,
    path: &Path,
    opts: &LoadOptions,
    part: impl Fn(Loaded) -> Option<T> + Sync,
    sink: impl FnMut(T, usize) -> bool,
) -> Result<Parts, LoadFailure> {
    let parts = parts_of(source, path, opts, part, sink);
    unchanged(source, path)?;
    parts
}

/// [`load_file_in_parts`] of the opened file.
fn parts_of<T: Send>(
    data: &source::Source,
    path: &Path,
    opts: &LoadOptions,
    part: impl Fn(Loaded) -> Option<T> + Sync,
    mut sink: impl FnMut(T, usize) -> bool,
) -> Result<Parts, LoadFailure> {
    use rayon::prelude::*;
    let release = |r| data.release(r);
    if path.as_os_str() == "-" {
        return load_top_releasing(data, path, opts, &release).map(Parts::Declined);
    }
    let Some(splits) = chunk_plan(data, opts, &release) else {
        return load_sequential(data, path, opts).map(Parts::Declined);
    };
    let whole = || load_chunks(data, path, opts, &splits, &release).map(Parts::Declined);
    let ascend = split::owners_ascend(data, &splits);
    // Reading one owner a chunk maps far more than its page: the kernel
    // maps the file's pages around a fault (a whole large folio), which at
    // .de scale left 1.4 GB of the file resident before any chunk was
    // parsed, and 0.2 GB of it still at the load's peak.
    release(0..data.len());
    if !ascend {
        return whole();
    }
    // A few chunks per thread at a time: enough to balance the threads,
    // few enough that the parts waiting for `sink` stay small.
    let window = 4 * rayon::current_num_threads().max(1);
    let mut zone_class = None;
    let mut unmapped_from = 0;
    for (w, group) in splits.chunks(window).enumerate() {
        // Each chunk: the class its records settled on (if any), and the part.
        let parts: Vec<Option<(Option<crate::zone::rtype::Class>, T)>> = group
            .par_iter()
            .enumerate()
            .map(|(i, _)| {
                let k = w * window + i;
                let chunk = parse_on_its_own(data, path, opts, &splits, k, &release);
                let u = &chunk.unresolved;
                let leans_on_earlier =
                    !u.pending_ttl.is_empty() || u.pending_owner || u.owner_assumed;
                if !chunk.errors.is_empty() || leans_on_earlier {
                    return None;
                }
                let class = if k == 0 { chunk.class } else { u.class_assumed };
                Some((class, part(chunk.out)?))
            })
            .collect();
        // What the kernel mapped around the window's faults, its
        // neighbours' pages included (see above), out again.
        let last = w * window + group.len() - 1;
        release(unmapped_from..chunk_end(data, &splits, last));
        unmapped_from = group[0].pos;
        // One class for the whole zone: the first chunk's, which every
        // later chunk's assumption must match (as the fix-up of
        // `load_chunks` asks).
        for (i, p) in parts.into_iter().enumerate() {
            let Some((class, t)) = p else { return whole() };
            match (w * window + i, class) {
                (0, c) => zone_class = c,
                (_, Some(c)) if zone_class != Some(c) => return whole(),
                _ => {}
            }
            if !sink(t, splits.len()) {
                return whole();
            }
        }
    }
    Ok(Parts::Delivered)
}

/// Where chunk `k` of a parallel load ends.
fn chunk_end(data: &[u8], splits: &[split::Split], k: usize) -> usize {
    splits.get(k + 1).map_or(data.len(), |s| s.pos)
}

/// The first pass over chunk `k`: the first chunk from the file's start,
/// every other one without knowing what the chunks before it leave (the
/// caller resolves or re-parses); its pages are released once parsed.
fn parse_on_its_own(
    data: &[u8],
    path: &Path,
    opts: &LoadOptions,
    splits: &[split::Split],
    k: usize,
    release: &Release<'_>,
) -> parser::ChunkOutput {
    let incoming = if k == 0 {
        parser::Incoming::Known { class: opts.class, last_ttl: None, last_owner: None }
    } else {
        parser::Incoming::Unknown
    };
    let end = chunk_end(data, splits, k);
    let out = parser::Parser::parse_chunk(opts, data, end, path, &splits[k], incoming);
    release(splits[k].pos..end);
    out
}

fn finish(mut p: parser::Parser<'_>) -> Result<Loaded, LoadFailure> {
    if let Some(at) = p.limit.take() {
        Err(LoadFailure::Limit { at, errors: p.errors })
    } else if p.errors.is_empty() {
        Ok(p.take_output())
    } else {
        Err(LoadFailure::Syntax(p.errors))
    }
}

/// The zone text that the fuzz entry points of the loader and the signer
/// load: the input, then a line that gives the origin an NS record. A zone
/// without one is refused (RFC 1034 §4.2.1, see `Zone::build`), which would
/// otherwise stop nearly every input before its zone is built. (Swallowed
/// when the input ends inside parentheses or quotes, as any line would be.)
#[doc(hidden)]
pub fn fuzz_zone_text(data: &[u8]) -> Vec<u8> {
    let mut text = data.to_vec();
    text.extend_from_slice(FUZZ_APEX_NS);
    text
}

/// Loads and builds `text` as a zone for `example.` the way every fuzz entry
/// point does (no `$INCLUDE`; chunks of `chunk_bytes`, `usize::MAX` for a
/// sequential load); the error as its message.
#[doc(hidden)]
pub fn fuzz_zone(text: &[u8], chunk_bytes: usize) -> Result<crate::zone::Zone, String> {
    let origin = Name::parse(b"example.", &Name::root()).map_err(|e| e.to_string())?;
    let mut opts = LoadOptions::new(origin);
    opts.max_include_depth = 0;
    opts.chunk_bytes = chunk_bytes;
    let loaded =
        load_bytes(text, Path::new("/nonexistent/fuzz-input"), &opts).map_err(|e| e.to_string())?;
    crate::zone::Zone::build(loaded, &opts.origin).map_err(|e| e.to_string())
}

/// What [`fuzz_zone_text`] appends.
#[doc(hidden)]
pub const FUZZ_APEX_NS: &[u8] = b"\n$ORIGIN example.\n@ 3600 NS ns.example.\n";

/// Entry point for the fuzzer (`fuzz/fuzz_targets/load.rs`): loads arbitrary
/// bytes (with [`fuzz_zone_text`]'s NS line) as a zone for `example.` and
/// builds the zone model. Must never panic. Two properties are checked on
/// the way, and a failure panics (so that the fuzzer keeps the input):
/// - the parallel load (chunks of a few dozen octets, split where
///   [`split::plan`] finds safe points) accepts exactly what the sequential
///   load accepts, and builds the same zone;
/// - a zone that loads is written out in canonical form (`zonesign fmt`),
///   and that text loads again into the same text.
#[doc(hidden)]
pub fn fuzz_load(data: &[u8]) {
    let data = &fuzz_zone_text(data);
    let load = |text: &[u8], chunk_bytes: usize| -> Option<Vec<u8>> {
        let zone = fuzz_zone(text, chunk_bytes).ok()?;
        Some(crate::emit::write_zone(&zone, Vec::new()).expect("writing to memory"))
    };
    let whole = load(data, usize::MAX);
    // The chunk length from the input's length, so that one input always
    // takes the same path.
    let chunked = load(data, 16 + data.len() % 48);
    assert_eq!(
        whole.is_some(),
        chunked.is_some(),
        "the sequential load {} this zone and the parallel load {} it",
        if whole.is_some() { "accepts" } else { "rejects" },
        if chunked.is_some() { "accepts" } else { "rejects" },
    );
    if let (Some(a), Some(b)) = (&whole, &chunked) {
        assert!(a == b, "the parallel load built another zone than the sequential one");
    }
    if let Some(text) = whole {
        let again = load(&text, usize::MAX).expect("the written zone loads again");
        assert!(again == text, "the written zone, loaded and written again, differs");
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod tests_parallel;
