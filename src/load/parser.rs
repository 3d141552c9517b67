//! The parser: entries to records, with the directives of RFC 1035 §5.1
//! (`$ORIGIN`, `$INCLUDE`) and RFC 2308 §4 (`$TTL`).
//!
//! # Background
//! Each entry is either a directive or a record
//! `[<owner>] [<TTL>] [<class>] <type> <RDATA>` where TTL and class may come
//! in either order (RFC 1035 §5.1). Omitted fields are inherited:
//! - owner: "If the owner is omitted, the entry uses the last stated owner"
//!   (blank owner field, RFC 1035 §5.1);
//! - TTL: the `$TTL` default (RFC 2308 §4), otherwise the last explicit TTL,
//!   as BIND and Knot do;
//! - class: the class of the first record (all records of a zone share it).
//!
//! # Errors
//! An error skips the rest of its entry and loading continues, so up to
//! [`LoadOptions::max_errors`] errors are reported at once, each with
//! file, line, column, the offending token and what was expected.

use std::path::{Path, PathBuf};

use super::lexer::{Entry, LexError, Lexer};
use super::token::Token;
use super::{LoadError, LoadFailure, LoadOptions, LoadWarning, Loaded};
use crate::zone::name::Name;
use crate::zone::rdata::parse_rdata;
use crate::zone::rdata::soa_minimum;
use crate::zone::rdata::ttl::{clamp_record_ttl, parse_ttl};
use crate::zone::record::{BlockWriter, OwnerRef, SourcePos};
use crate::zone::rtype::{Class, Rtype};

/// The UTF-8 byte order mark (U+FEFF encoded).
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Inherited state while reading one file.
#[derive(Debug, Clone)]
struct State {
    origin: Name,
    /// The last stated owner, kept in the parser's [`BlockWriter`].
    last_owner: Option<OwnerRef>,
    /// The text `last_owner` was parsed from (with the same origin), so that
    /// consecutive records of one owner parse it once.
    last_owner_text: Vec<u8>,
}

/// What a chunk parsed without knowing the state left by earlier chunks
/// (the parallel load, [`super::split`]). Each field is a speculation the
/// fix-up pass checks against the real state; when one is wrong the chunk
/// is parsed again with the real state.
#[derive(Debug, Default)]
pub(super) struct Unresolved {
    /// The chunk does not know the zone class yet.
    pub(super) class_unknown: bool,
    /// The class the chunk's first class decision settled on: correct if the
    /// real incoming class is this one or none.
    pub(super) class_assumed: Option<Class>,
    /// The chunk does not know the last explicit TTL yet.
    pub(super) ttl_unknown: bool,
    /// Records (indexes into the chunk's records) that take the incoming
    /// last TTL; correct if there is one.
    pub(super) pending_ttl: Vec<usize>,
    /// The chunk does not know the last owner yet.
    pub(super) owner_unknown: bool,
    /// Records take the incoming last owner, through a placeholder that is
    /// the chunk's first owner (block 0, owner 0); correct if there is one.
    pub(super) pending_owner: bool,
    /// An entry relied on the incoming last owner (even if it then failed).
    pub(super) owner_assumed: bool,
}

/// What a parsed chunk hands to the fix-up pass.
#[derive(Debug)]
pub(super) struct ChunkOutput {
    pub(super) out: Loaded,
    pub(super) errors: Vec<LoadError>,
    pub(super) unresolved: Unresolved,
    /// State at the end of the chunk (meaningful where not still unknown).
    pub(super) class: Option<Class>,
    pub(super) last_ttl: Option<u32>,
    pub(super) last_owner: Option<Name>,
}

/// The state one chunk starts with: known (from the previous chunks, or the
/// file's start) or to be speculated.
#[derive(Debug, Clone)]
pub(super) enum Incoming {
    Known { class: Option<Class>, last_ttl: Option<u32>, last_owner: Option<Name> },
    Unknown,
}

/// State shared across `$INCLUDE`d files.
#[derive(Debug)]
pub(super) struct Parser<'o> {
    opts: &'o LoadOptions,
    pub(super) out: Loaded,
    pub(super) errors: Vec<LoadError>,
    default_ttl: Option<u32>,
    last_ttl: Option<u32>,
    class: Option<Class>,
    /// Canonical paths of the files being read, for cycle detection.
    include_stack: Vec<PathBuf>,
    /// The files `$INCLUDE`d so far (each by [`FileId`]), the octets they
    /// hold, and the octets read again in those included twice or more
    /// ([`LoadOptions::max_repeated_octets`]).
    included: std::collections::HashSet<FileId>,
    included_octets: u64,
    repeated_octets: u64,
    /// A bound of `$INCLUDE` met ([`LoadOptions::max_include_depth`],
    /// [`LoadOptions::max_files`], [`LoadOptions::max_repeated_octets`]):
    /// where, once. Reading stops there. Taken as one more syntax error, the
    /// bound was reported again at every `$INCLUDE` after it, up to the
    /// error cap (the forty-ninth session's list, 2026-12-07).
    pub(super) limit: Option<LoadError>,
    rdata_buf: Vec<u8>,
    /// Owners and RDATA of the records parsed so far.
    writer: BlockWriter,
    /// Only in chunk mode: what is not known yet.
    unresolved: Unresolved,
}

impl<'o> Parser<'o> {
    pub(super) fn new(opts: &'o LoadOptions) -> Parser<'o> {
        Parser {
            opts,
            out: Loaded::default(),
            errors: Vec::new(),
            default_ttl: opts.default_ttl,
            last_ttl: None,
            class: opts.class,
            include_stack: Vec::new(),
            included: std::collections::HashSet::new(),
            included_octets: 0,
            repeated_octets: 0,
            limit: None,
            rdata_buf: Vec::with_capacity(512),
            writer: BlockWriter::new(),
            unresolved: Unresolved::default(),
        }
    }

    /// The records, their blocks, files and warnings.
    pub(super) fn take_output(&mut self) -> Loaded {
        let mut out = std::mem::take(&mut self.out);
        out.blocks = std::mem::take(&mut self.writer).blocks;
        out
    }

    /// Parses the lines of `data[split.pos..end]` of the top-level file
    /// `path` (without `$INCLUDE`, see [`super::split`]) as one chunk.
    pub(super) fn parse_chunk(
        opts: &LoadOptions,
        data: &[u8],
        end: usize,
        path: &Path,
        split: &super::split::Split,
        incoming: Incoming,
    ) -> ChunkOutput {
        let mut p = Parser::new(opts);
        p.out.files.push(path.to_path_buf());
        p.default_ttl = split.default_ttl.or(opts.default_ttl);
        let mut state =
            State { origin: split.origin.clone(), last_owner: None, last_owner_text: Vec::new() };
        match incoming {
            Incoming::Known { class, last_ttl, last_owner } => {
                p.class = class;
                p.last_ttl = last_ttl;
                state.last_owner = last_owner.map(|o| p.writer.set_owner(o));
            }
            Incoming::Unknown => {
                p.unresolved.class_unknown = opts.class.is_none();
                p.unresolved.ttl_unknown = true;
                p.unresolved.owner_unknown = true;
            }
        }
        // Room for what the chunk's text will most likely make, so that
        // its vectors are not copied as they grow (realloc copied 3 % of
        // a load's instructions): a TLD zone's records take 30 to 100
        // octets of text each, and hold about half of that as RDATA.
        // Room never written is address space only.
        let text = end.saturating_sub(split.pos);
        p.out.records.reserve(text / 32);
        p.writer.reserve(text / 64, text / 2);
        let lexer = Lexer::starting_at(&data[..end], split.pos, split.line);
        // Without $INCLUDE nothing is fatal.
        let _ = p.parse_entries(lexer, 0, path, &mut state);
        ChunkOutput {
            class: p.class,
            last_ttl: p.last_ttl,
            last_owner: state.last_owner.map(|r| p.writer.owner_at(r).clone()),
            out: p.take_output(),
            errors: p.errors,
            unresolved: p.unresolved,
        }
    }

    fn full(&self) -> bool {
        self.limit.is_some() || self.errors.len() >= self.opts.max_errors
    }

    /// Parses the file `path`, opened as `source` (for `$INCLUDE`).
    fn parse_opened(
        &mut self,
        source: &super::source::Source,
        path: &Path,
        origin: Name,
    ) -> Result<(), LoadFailure> {
        let parsed = self.parse_source(source, path, origin);
        super::unchanged(source, path)?;
        parsed
    }

    /// Parses the bytes of the file `path` (already read), tracking it for
    /// `$INCLUDE` cycle detection.
    pub(super) fn parse_source(
        &mut self,
        data: &[u8],
        path: &Path,
        origin: Name,
    ) -> Result<(), LoadFailure> {
        if path.as_os_str() != "-" {
            let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
            self.include_stack.push(canonical);
        } else {
            self.include_stack.push(PathBuf::from("-"));
        }
        let r = self.parse_bytes(data, path, origin);
        self.include_stack.pop();
        r
    }

    /// Parses one file's bytes; `path` names it in messages and anchors
    /// relative `$INCLUDE` paths.
    pub(super) fn parse_bytes(
        &mut self,
        data: &[u8],
        path: &Path,
        origin: Name,
    ) -> Result<(), LoadFailure> {
        let file = self.out.files.len() as u32;
        self.out.files.push(path.to_path_buf());
        let mut state = State { origin, last_owner: None, last_owner_text: Vec::new() };
        self.parse_entries(Lexer::new(data), file, path, &mut state)
    }

    fn parse_entries(
        &mut self,
        mut lexer: Lexer<'_>,
        file: u32,
        path: &Path,
        state: &mut State,
    ) -> Result<(), LoadFailure> {
        let mut entry = Entry::default();
        loop {
            if self.full() {
                return Ok(());
            }
            match lexer.next_entry(&mut entry) {
                Ok(false) => return Ok(()),
                Ok(true) => {}
                Err(e) => {
                    self.lex_error(file, e);
                    lexer.recover();
                    continue;
                }
            }
            if let Err(e) = self.parse_entry(&entry, file, path, state) {
                match e {
                    EntryError::Syntax(err) => self.errors.push(err),
                    EntryError::Limit(err) => {
                        self.limit = Some(err);
                        return Ok(());
                    }
                    EntryError::Fatal(f) => return Err(f),
                }
            }
        }
    }

    fn lex_error(&mut self, file: u32, e: LexError) {
        let name = self.file_name(file);
        self.errors.push(LoadError {
            file: name,
            line: e.line,
            col: e.col,
            token: e.token,
            expected: e.expected.to_string(),
        });
    }

    fn file_name(&self, file: u32) -> String {
        self.out.files[file as usize].display().to_string()
    }

    fn error_at(&self, file: u32, tok: &Token<'_>, expected: impl Into<String>) -> EntryError {
        EntryError::Syntax(self.load_error(file, tok, expected.into()))
    }

    fn load_error(&self, file: u32, tok: &Token<'_>, expected: String) -> LoadError {
        LoadError {
            file: self.file_name(file),
            line: tok.line,
            col: tok.col,
            token: tok.display(),
            expected,
        }
    }

    /// A bound of the loader met at `tok`: see [`Parser::limit`].
    fn limit_at(&self, file: u32, tok: &Token<'_>, expected: impl Into<String>) -> EntryError {
        EntryError::Limit(self.load_error(file, tok, expected.into()))
    }

    /// An error just after the last token of the entry (something missing).
    /// A quoted token may hold escaped newlines: its end is then on a later
    /// line (it was given on the token's first line, past its end: the
    /// twenty-ninth audit, 2026-12-06).
    fn error_after(&self, file: u32, entry: &Entry<'_>, expected: impl Into<String>) -> EntryError {
        let (line, col) = match entry.tokens.last() {
            Some(t) => {
                let quotes = u32::from(t.quoted);
                let newlines = t.text.iter().filter(|&&b| b == b'\n').count() as u32;
                match t.text.iter().rposition(|&b| b == b'\n') {
                    Some(last) => (t.line + newlines, (t.text.len() - last) as u32 + quotes),
                    None => (t.line, t.col + t.text.len() as u32 + quotes * 2),
                }
            }
            None => (entry.line, 1),
        };
        EntryError::Syntax(LoadError {
            file: self.file_name(file),
            line,
            col,
            token: "end of line".into(),
            expected: expected.into(),
        })
    }

    fn parse_entry(
        &mut self,
        entry: &Entry<'_>,
        file: u32,
        path: &Path,
        state: &mut State,
    ) -> Result<(), EntryError> {
        let toks = &entry.tokens;
        let first = toks[0];
        // A byte order mark some editors write at the top of a UTF-8 file:
        // read as part of the first owner, it gave an error about a record
        // type further on (BIND, Knot and ldns refuse it as obscurely).
        if first.line == 1 && first.col == 1 && first.text.starts_with(UTF8_BOM) {
            return Err(EntryError::Syntax(LoadError {
                file: self.file_name(file),
                line: 1,
                col: 1,
                token: "EF BB BF".into(),
                expected: "zone file text, not a UTF-8 byte order mark (save the file without \
                           it)"
                .into(),
            }));
        }
        if !entry.blank_owner && first.text.first() == Some(&b'$') && !first.quoted {
            // RFC 1035 §5.1 gives control entries as lines: `$ORIGIN
            // <domain-name> [<comment>]`. One behind an opening parenthesis
            // (`( $ORIGIN sub )`) is refused, as Knot and ldns do: BIND
            // applies it, but the parallel load's split scan knows a
            // directive by the `$` that begins its line, and a file must
            // not read differently by its size (the seventh audit,
            // 2026-12-06).
            if first.line != entry.line || first.col != 1 {
                return Err(self.error_at(
                    file,
                    &first,
                    "a record: a directive must begin its line, before any parenthesis (RFC 1035 §5.1)",
                ));
            }
            return self.parse_directive(entry, file, path, state);
        }
        let mut i = 0;
        // The owner is `state.last_owner` after this, or (chunk mode, not
        // known yet) the incoming one.
        let mut owner_pending = false;
        if entry.blank_owner {
            if state.last_owner.is_none() {
                if self.unresolved.owner_unknown {
                    owner_pending = true;
                    self.unresolved.owner_assumed = true;
                } else {
                    return Err(self.error_at(
                        file,
                        &first,
                        "an owner name: the first record cannot inherit one",
                    ));
                }
            }
        } else {
            i = 1;
            let same =
                state.last_owner.is_some() && !first.quoted && state.last_owner_text == first.text;
            if !same {
                let o = Name::parse(first.text, &state.origin)
                    .map_err(|e| self.error_at(file, &first, format!("an owner name ({e})")))?;
                state.last_owner = Some(self.writer.set_owner(o));
                self.unresolved.owner_unknown = false;
                state.last_owner_text.clear();
                if !first.quoted {
                    state.last_owner_text.extend_from_slice(first.text);
                }
            }
        }
        // [<TTL>] [<class>] or [<class>] [<TTL>] (RFC 1035 §5.1).
        let mut ttl: Option<u32> = None;
        let mut class: Option<(Class, Token<'_>)> = None;
        while i < toks.len() && !toks[i].quoted {
            let t = toks[i].text;
            if ttl.is_none() && t.first().is_some_and(u8::is_ascii_digit) {
                let v = parse_ttl(t).ok_or_else(|| {
                    self.error_at(file, &toks[i], "a TTL: seconds or units such as 1h30m")
                })?;
                ttl = Some(self.clamp_ttl(v, file, toks[i].line));
            } else if class.is_none() {
                match Class::from_text(t) {
                    Some(c) => class = Some((c, toks[i])),
                    None => break,
                }
            } else {
                break;
            }
            i += 1;
        }
        let type_tok = match toks.get(i) {
            Some(t) => *t,
            None => return Err(self.error_after(file, entry, "a record type")),
        };
        let rtype = match Rtype::from_text(type_tok.text) {
            Some(t) if !type_tok.quoted => t,
            _ => return Err(self.error_at(file, &type_tok, "a record type")),
        };
        if rtype.is_meta() {
            return Err(self.error_at(file, &type_tok, "a data record type, not a meta-type"));
        }
        // RFC 1035 §3.3.4: "MD is obsolete. [...] The recommended policy
        // for dealing with MD RRs found in a master file is to reject them,
        // or to convert them to MX RRs with a preference of 0." §3.3.5 says
        // the same of MF, with a preference of 10. BIND's loader rejects
        // both, so a zone holding one was signed and then not served by a
        // BIND primary (left by the forty-fifth session's note).
        if matches!(rtype, Rtype::MD | Rtype::MF) {
            return Err(self.error_at(
                file,
                &type_tok,
                "a record type in use, not the obsolete MD or MF (RFC 1035 §3.3.4 and §3.3.5: \
                 reject them, or write MX 0 for MD and MX 10 for MF)",
            ));
        }
        // In chunk mode with the class unknown, decide as if there were no
        // zone class yet; the fix-up pass checks that assumption.
        let zone_class = if self.unresolved.class_unknown { None } else { self.class };
        let class = match (class, zone_class) {
            (Some((c, tok)), Some(zc)) if c != zc => {
                // Neutral on which is wrong: a trust anchor file of
                // another class was told to give the zone's class as its
                // own (the seventy-seventh audit).
                let expected = match self.opts.class {
                    Some(_) => format!(
                        "class {zc}, the zone's class (`--class`, IN unless given, as \
                         dnssec-signzone -c)"
                    ),
                    None => format!("class {zc}, the class of the zone's first record"),
                };
                return Err(self.error_at(file, &tok, expected));
            }
            (Some((c, _)), _) => c,
            (None, Some(zc)) => zc,
            (None, None) => Class::IN,
        };
        if self.unresolved.class_unknown {
            self.unresolved.class_unknown = false;
            self.unresolved.class_assumed = Some(class);
        }
        self.class = Some(class);
        let rdata_toks = &toks[i + 1..];
        // The types of class IN alone ([`Rtype::internet_class_only`]), in
        // any form: BIND reads a class CH `A` as a Chaosnet name and address,
        // and this loader read and wrote it as an IPv4 address, which nothing
        // reads back in class CH (the seventy-fifth audit); so it did SRV,
        // KX, SVCB and the rest, also from the generic form (the
        // seventy-sixth).
        if class != Class::IN && rtype.internet_class_only() {
            return Err(self.error_at(
                file,
                &type_tok,
                format!(
                    "a record type of class {class}: {rtype} is defined for class IN only \
                     (RFC 1035 §3.4, RFC 3596 §2.1; BIND reads the others of rdata/in_1 in \
                     class IN alone), and zonesign signs it in zones of class IN"
                ),
            ));
        }
        self.rdata_buf.clear();
        if let Err(e) = parse_rdata(rtype, rdata_toks, &state.origin, &mut self.rdata_buf) {
            return Err(match rdata_toks.get(e.token) {
                Some(t) => self.error_at(file, t, format!("{rtype} RDATA: {}", e.expected)),
                None => self.error_after(file, entry, format!("{rtype} RDATA: {}", e.expected)),
            });
        }
        let mut ttl_pending = false;
        // A record outside the zone is left out of it (with a warning, as
        // BIND ignores "out-of-zone data"): one with no TTL before any $TTL
        // refused the whole zone (the seventy-fifth audit, 2026-12-07). It
        // is given none, and leaves the last TTL as it was.
        let outside = || {
            state
                .last_owner
                .is_some_and(|o| !self.writer.owner_at(o).is_subdomain_of(&self.opts.origin))
        };
        let mut ttl_outside = false;
        let ttl =
            match ttl.or(self.default_ttl).or(self.last_ttl) {
                Some(t) => t,
                None if self.unresolved.ttl_unknown => {
                    ttl_pending = true;
                    0
                }
                None if outside() => {
                    ttl_outside = true;
                    0
                }
                None if rtype == Rtype::SOA => {
                    // BIND: with neither $TTL nor an explicit TTL, the SOA takes
                    // its MINIMUM field as TTL, with a warning.
                    let m = soa_minimum(&self.rdata_buf).unwrap_or(0);
                    self.out.warnings.push(LoadWarning {
                        file: self.file_name(file),
                        line: entry.line,
                        message: format!("no TTL given and no $TTL: the SOA uses its MINIMUM, {m}"),
                    });
                    m
                }
                None => return Err(self.error_at(
                    file,
                    &type_tok,
                    "a TTL before the type, or a $TTL directive earlier in the file (RFC 2308 §4)",
                )),
            };
        // The last TTL is inherited by later records without one when no
        // $TTL is in force.
        if ttl_pending {
            self.unresolved.pending_ttl.push(self.out.records.len());
        } else if !ttl_outside {
            self.last_ttl = Some(ttl);
            self.unresolved.ttl_unknown = false;
        }
        // One owner entry per run of records with the same owner, not one
        // per record (see `crate::zone::record`).
        if owner_pending {
            if !self.writer.has_owner() {
                self.writer.set_owner(Name::root_placeholder());
            }
            self.unresolved.pending_owner = true;
        } else {
            let owner = state.last_owner.expect("set above unless pending");
            self.writer.continue_owner(owner);
        }
        let record = self.writer.push(
            rtype,
            class,
            ttl,
            &self.rdata_buf,
            SourcePos { file, line: entry.line },
        );
        self.out.records.push(record);
        Ok(())
    }

    fn parse_directive(
        &mut self,
        entry: &Entry<'_>,
        file: u32,
        path: &Path,
        state: &mut State,
    ) -> Result<(), EntryError> {
        let toks = &entry.tokens;
        let d = toks[0];
        let arg = |n: usize, what: &str| -> Result<Token<'_>, EntryError> {
            toks.get(n).copied().ok_or_else(|| self.error_after(file, entry, what.to_string()))
        };
        // RFC 1035 §5.1 quotes character-strings only: a quoted directive
        // argument was applied (`$TTL "60"`, `$ORIGIN "sub"`), where BIND
        // and Knot refuse it and ldns reads the quotes into the name (the
        // forty-first audit, 2026-12-07). The split pass takes none either.
        let unquoted = |t: Token<'_>, what: &str| -> Result<(), EntryError> {
            if t.quoted {
                return Err(self.error_at(
                    file,
                    &t,
                    format!("{what} without quotes (RFC 1035 §5.1 quotes only character-strings)"),
                ));
            }
            Ok(())
        };
        if d.text.eq_ignore_ascii_case(b"$ORIGIN") {
            let t = arg(1, "a domain name after $ORIGIN")?;
            self.no_more(file, entry, 2)?;
            unquoted(t, "a domain name")?;
            state.origin = Name::parse(t.text, &state.origin)
                .map_err(|e| self.error_at(file, &t, format!("a domain name ({e})")))?;
            // Owner text is now relative to another origin.
            state.last_owner_text.clear();
        } else if d.text.eq_ignore_ascii_case(b"$TTL") {
            let t = arg(1, "a TTL after $TTL")?;
            self.no_more(file, entry, 2)?;
            unquoted(t, "a TTL")?;
            let v = parse_ttl(t.text)
                .ok_or_else(|| self.error_at(file, &t, "a TTL: seconds or units such as 1h30m"))?;
            self.default_ttl = Some(self.clamp_ttl(v, file, t.line));
        } else if d.text.eq_ignore_ascii_case(b"$INCLUDE") {
            let t = arg(1, "a file name after $INCLUDE")?;
            let origin = match toks.get(2) {
                // RFC 1035 §5.1: "$INCLUDE <file-name> [<domain-name>] ...
                // does not change the origin of the parent file".
                Some(o) => {
                    unquoted(*o, "a domain name")?;
                    Name::parse(o.text, &state.origin)
                        .map_err(|e| self.error_at(file, o, format!("a domain name ({e})")))?
                }
                None => state.origin.clone(),
            };
            self.no_more(file, entry, 3)?;
            let name = t.unescaped().ok_or_else(|| self.error_at(file, &t, "a file name"))?;
            let rel = PathBuf::from(String::from_utf8_lossy(&name).into_owned());
            let target = if rel.is_absolute() {
                rel
            } else {
                path.parent().map(|p| p.join(&rel)).unwrap_or(rel)
            };
            if self.include_stack.len() > self.opts.max_include_depth {
                return Err(self.limit_at(
                    file,
                    &t,
                    format!("at most {} nested $INCLUDE levels", self.opts.max_include_depth),
                ));
            }
            if self.out.files.len() >= self.opts.max_files {
                return Err(self.limit_at(
                    file,
                    &t,
                    format!(
                        "at most {} files read in all, through $INCLUDE (a file included twice counts twice)",
                        self.opts.max_files
                    ),
                ));
            }
            let canonical = std::fs::canonicalize(&target).map_err(|e| {
                self.error_at(file, &t, format!("a readable file ({}: {e})", target.display()))
            })?;
            if self.include_stack.contains(&canonical) {
                return Err(self.error_at(
                    file,
                    &t,
                    "a file that is not already being read ($INCLUDE cycle)",
                ));
            }
            // A directory, or a file this process may not read, is the
            // directive's error (file, line, column), like a missing file,
            // not a failure of the whole load. The file is opened once, and
            // what was opened is read: opened to see whether it could be,
            // then again to be read, a FIFO lost what its writer wrote in
            // between and the run hung (the fourteenth audit, 2026-12-06).
            let opened = if canonical.is_dir() {
                Err("is a directory".to_string())
            } else {
                super::source::Source::open(&canonical).map_err(|e| e.to_string())
            };
            let source = opened.map_err(|e| {
                self.error_at(file, &t, format!("a readable file ({}: {e})", target.display()))
            })?;
            let octets = source.len() as u64;
            let id = source.identity().map_or(FileId::Path(canonical), FileId::File);
            if self.included.contains(&id) {
                self.repeated_octets += octets;
                let allowed = self.opts.max_repeated_octets.max(self.included_octets);
                if self.repeated_octets > allowed {
                    return Err(self.limit_at(
                        file,
                        &t,
                        format!(
                            "at most {allowed} octets read again through $INCLUDE in all (files included more than once, after their first read)"
                        ),
                    ));
                }
            } else {
                self.included_octets += octets;
                self.included.insert(id);
                // Each file once: one file included under 65 origins took
                // every file held open (the sixty-ninth audit).
                let hold = self.out.included.len() < super::source::held_includes();
                self.out.included.extend(source.file_stamp(&target, hold));
            }
            self.parse_opened(&source, &target, origin).map_err(EntryError::Fatal)?;
        } else if d.text.eq_ignore_ascii_case(b"$GENERATE") {
            return Err(self.error_at(
                file,
                &d,
                "a record or $ORIGIN/$TTL/$INCLUDE ($GENERATE is not supported: expand it first, e.g. with named-compilezone)",
            ));
        } else {
            return Err(self.error_at(file, &d, "a directive: $ORIGIN, $TTL or $INCLUDE"));
        }
        Ok(())
    }

    /// RFC 2181 §8: "Implementations should treat a TTL value received which
    /// has the most significant bit set as if the entire value received was
    /// zero." BIND does the same with a warning; so do we.
    fn clamp_ttl(&mut self, ttl: u32, file: u32, line: u32) -> u32 {
        let clamped = clamp_record_ttl(ttl);
        if clamped != ttl {
            self.out.warnings.push(LoadWarning {
                file: self.file_name(file),
                line,
                message: format!("TTL {ttl} is above 2147483647; using 0 (RFC 2181 §8)"),
            });
        }
        clamped
    }

    fn no_more(&self, file: u32, entry: &Entry<'_>, n: usize) -> Result<(), EntryError> {
        match entry.tokens.get(n) {
            Some(t) => Err(self.error_at(file, t, "the end of the directive")),
            None => Ok(()),
        }
    }
}

/// One file whatever its names: the identity of the file opened (device
/// and inode, [`super::source::file_id`]), else (a FIFO) its canonical
/// path. Keyed by path, 2,000 hard links of one file were 2,000 files,
/// none read "again", and each raised the bound (the sixty-first audit,
/// 2026-12-07).
#[derive(Debug, PartialEq, Eq, Hash)]
enum FileId {
    File(super::source::FileIdentity),
    Path(PathBuf),
}

#[derive(Debug)]
enum EntryError {
    Syntax(LoadError),
    /// A bound of the loader: reading stops ([`Parser::limit`]).
    Limit(LoadError),
    Fatal(LoadFailure),
}
