//! The split pass of the parallel load: a scan over the file that finds
//! where chunks may start and the directive state there, itself in
//! parallel segments (see [`plan_releasing`]).
//!
//! # Background
//! A chunk may start only where the lexer would be in its initial state and
//! the entry cannot inherit anything from the one before it lexically: at the
//! first byte of a line, at parenthesis depth 0, outside quotes and comments,
//! and on a line that starts with an owner name (not white space, which
//! would inherit the owner, RFC 1035 §5.1; not `$`, a directive; not `;`,
//! `(`, `)` or `"`). The scan mirrors [`super::lexer::Lexer`] byte for byte,
//! including its error recovery (a stray `)` or an unterminated quote skips
//! the rest of the physical line, and inside parentheses the rest of the
//! entry) and its line counting (a newline escaped
//! with `\` counts too), so the line number at a split is the one the
//! sequential lexer would have.
//!
//! Only six bytes can change that state — newline, `;`, `(`, `)`, `"` and
//! `\` — so the scan jumps between them with [`super::simd::Classified`].
//!
//! Directive lines are lexed with the real lexer and `$ORIGIN`/`$TTL` applied
//! exactly as the parser does (a malformed directive changes nothing), so
//! each split carries the origin and default TTL in force there.
//!
//! # Limitations
//! A file with `$INCLUDE` is loaded sequentially ([`Plan::Sequential`]):
//! an included file shares the TTL and class state with its parent.

use super::lexer::{Entry, Lexer};
use super::simd;
use crate::zone::name::Name;
use crate::zone::rdata::ttl::{clamp_record_ttl, parse_ttl};

/// Where a chunk starts, and the directive state there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// Byte offset of the first byte of the chunk's first line.
    pub pos: usize,
    /// Line number of that line, as the lexer counts.
    pub line: u32,
    /// `$ORIGIN` in force.
    pub origin: Name,
    /// `$TTL` in force (RFC 2308 §4), if any.
    pub default_ttl: Option<u32>,
}

/// How to load a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// The file has `$INCLUDE`: load it sequentially.
    Sequential,
    /// Chunk starts, in file order; the first is at offset 0.
    Chunks(Vec<Split>),
}

/// Scans `data` and proposes a chunk start roughly every `chunk_bytes`.
pub fn plan(data: &[u8], origin: &Name, chunk_bytes: usize) -> Plan {
    plan_releasing(data, origin, chunk_bytes, &|_| {})
}

/// Whether the owner names at the chunk starts after the first ascend in
/// canonical order (RFC 4034 §6.1), as they do in a file whose records are
/// in canonical order: one name a chunk, read before any chunk is parsed,
/// so that a file in any other order is found out at the cost of a few
/// hundred names. An owner that does not lex or parse counts as ascending
/// (the parse of its chunk reports it).
pub fn owners_ascend(data: &[u8], splits: &[Split]) -> bool {
    let mut entry = Entry::default();
    let mut last: Option<Name> = None;
    for s in splits.iter().skip(1) {
        let mut lexer = Lexer::new(&data[s.pos..]);
        // A split is at a line that starts with an owner name.
        let owner = match lexer.next_entry(&mut entry) {
            Ok(true) if !entry.blank_owner => {
                entry.tokens.first().and_then(|t| Name::parse(t.text, &s.origin).ok())
            }
            _ => None,
        };
        let Some(owner) = owner else { continue };
        if last.as_ref().is_some_and(|l| l.canonical_cmp(&owner).is_ge()) {
            return false;
        }
        last = Some(owner);
    }
    true
}

/// Bytes the scan reads between two calls of `release` in [`plan_releasing`].
const RELEASE_STEP: usize = 16 << 20;

/// Bytes of the file per scan of [`plan_releasing`]: one scan for each, in
/// parallel. It depends on the file's size only, so the plan is the same
/// for any thread count. (Small in tests, so that small files have many.)
const SEGMENT_BYTES: usize = if cfg!(test) { 8 } else { 32 << 20 };

/// Line starts a guessed scan keeps from its start ([`Guess::meets`]), to
/// find the one where the scan before it arrives. (Few in tests, so that
/// they also run out.)
const MEET_POINTS: usize = if cfg!(test) { 3 } else { 256 };

/// [`plan`], telling `release` every [`RELEASE_STEP`] octets which bytes
/// the scan is done with (see [`super::source::Source::release`]): the
/// scan reads the whole file before any chunk is parsed, and without it a
/// mapped file of gigabytes would be resident all at once.
///
/// The file is scanned in segments of [`SEGMENT_BYTES`], all at once. The
/// first segment's scan starts from what is known at the top of the file;
/// every other one *guesses* that its first line starts with the lexer in
/// its initial state, which holds unless that line continues a record
/// (inside parentheses or quotes). The scan is deterministic from any line
/// start in the initial state (a *sync point*), so the guessed scan is
/// right from the first sync point it shares with the true scan, the one
/// that came over from the segment before. The guesses are then taken in
/// order: from where the true scan arrived, a guess that met it there and
/// saw no directive after it gives its splits (line numbers moved by the
/// difference); otherwise that segment is scanned again, sequentially,
/// from there. A guess's split counts if it is on the true path, far
/// enough from the split before, and does not spell the owner of the
/// owner line before it on the true path (one owner's lines stay in one
/// chunk).
pub fn plan_releasing(
    data: &[u8],
    origin: &Name,
    chunk_bytes: usize,
    release: &(dyn Fn(std::ops::Range<usize>) + Sync),
) -> Plan {
    let chunk_bytes = chunk_bytes.max(1);
    let len = data.len();
    // Segment starts: the first line start at or after each multiple of
    // the segment size, then the end.
    let mut bounds = vec![0usize];
    for k in 1..len.div_ceil(SEGMENT_BYTES) {
        let at = k * SEGMENT_BYTES;
        let start = simd::find(data, at - 1, &simd::NEWLINE).map_or(len, |nl| nl + 1);
        if start < len && start > *bounds.last().expect("starts with 0") {
            bounds.push(start);
        }
    }
    bounds.push(len);
    let (mut known, mut splits) = Known::at_the_top(data, origin, chunk_bytes);
    let (first, guesses) = rayon::join(
        || known.run_to(bounds[1], chunk_bytes, &mut splits, release),
        || {
            use rayon::prelude::*;
            bounds[1..]
                .par_windows(2)
                .map(|w| Guess::scan(data, w[0], w[1], chunk_bytes, release))
                .collect::<Vec<_>>()
        },
    );
    if first.is_err() {
        return Plan::Sequential;
    }
    for (g, w) in guesses.iter().zip(bounds[1..].windows(2)) {
        // Where the true scan is: the first sync point at or after w[0].
        let (m, line) = (known.scan.pos, known.scan.line);
        let met = g.meets.binary_search_by_key(&m, |&(p, _)| p).ok().map(|k| g.meets[k].1);
        match met {
            Some(r) if g.last_directive_at.is_none_or(|d| d < m) => {
                // True line = guessed line + (line - r), from m on.
                let shift = line.wrapping_sub(r);
                for &(pos, l, before) in &g.splits {
                    // The owner line before it on the true path: the
                    // guess's, if the paths had met by then.
                    let before = before.filter(|&b| b >= m).unwrap_or(known.last_owner_at);
                    if pos >= m && may_split(data, pos, known.next_target, Some(before)) {
                        splits.push(Split {
                            pos,
                            line: l.wrapping_add(shift),
                            origin: known.origin.clone(),
                            default_ttl: known.default_ttl,
                        });
                        known.next_target = pos.saturating_add(chunk_bytes);
                    }
                }
                if let Some(o) = g.last_owner_at.filter(|&o| o >= m) {
                    known.last_owner_at = o;
                }
                known.scan.pos = g.end.0;
                known.scan.line = g.end.1.wrapping_add(shift);
            }
            _ => {
                if known.run_to(w[1], chunk_bytes, &mut splits, release).is_err() {
                    return Plan::Sequential;
                }
            }
        }
    }
    Plan::Chunks(splits)
}

/// The plan of one scan from the top of the file, no segments: the
/// reference the segmented scan is tested against.
#[cfg(test)]
pub fn plan_from_the_top(data: &[u8], origin: &Name, chunk_bytes: usize) -> Plan {
    let (mut known, mut splits) = Known::at_the_top(data, origin, chunk_bytes.max(1));
    match known.run_to(data.len(), chunk_bytes.max(1), &mut splits, &|_| {}) {
        Ok(()) => Plan::Chunks(splits),
        Err(Include) => Plan::Sequential,
    }
}

/// What [`Scan::step`] passed over.
enum Line<'a> {
    /// Nothing: the end of the data.
    End,
    /// A directive line: its name, and its argument when it has exactly
    /// one (as `Parser::parse_directive` wants); `None` if it did not lex.
    Directive(Option<(&'a [u8], Option<&'a [u8]>)>),
    /// A line that starts with an owner name.
    Owner,
    /// Any other line (blank owner field, comment, stray parenthesis...).
    Other,
}

/// The scan itself, from sync point to sync point: it mirrors the lexer.
struct Scan<'a> {
    data: &'a [u8],
    /// A sync point: the first byte of a line, the lexer in its initial
    /// state.
    pos: usize,
    /// The line there, as the lexer counts.
    line: u32,
    entry: Entry<'a>,
    /// Where the bytes that change the lexer's state are, classified 64
    /// bytes at a time: a TLD zone's lines are shorter than that.
    structural: simd::Classified<'a, 6>,
}

impl<'a> Scan<'a> {
    fn at(data: &'a [u8], pos: usize, line: u32) -> Scan<'a> {
        let structural = simd::Classified::new(data, &simd::STRUCTURAL);
        Scan { data, pos, line, entry: Entry::default(), structural }
    }

    /// Moves over the line (with its continuation lines) at the sync point
    /// to the next sync point, or the end.
    fn step(&mut self) -> Line<'a> {
        let (data, len) = (self.data, self.data.len());
        let Some(&c) = data.get(self.pos) else {
            return Line::End;
        };
        if c == b'$' {
            let mut lx = Lexer::starting_at(data, self.pos, self.line);
            let directive = match lx.next_entry(&mut self.entry) {
                Ok(true) => {
                    let toks = &self.entry.tokens;
                    // A quoted argument is refused by the parser, and
                    // changes nothing here either.
                    let arg = toks.get(1).filter(|a| toks.len() == 2 && !a.quoted);
                    Some((toks[0].text, arg.map(|a| a.text)))
                }
                Ok(false) => {
                    self.pos = len;
                    return Line::End;
                }
                Err(_) => {
                    lx.recover();
                    None
                }
            };
            self.pos = lx.position();
            self.line = lx.line();
            return Line::Directive(directive);
        }
        let owner = super::lexer::starts_owner(data, self.pos);
        self.next_line();
        if owner {
            Line::Owner
        } else {
            Line::Other
        }
    }

    /// From the first byte of a line to the first byte of the next line at
    /// parenthesis depth 0 (or the end): only six bytes change the lexer's
    /// state, and the scan jumps between them.
    fn next_line(&mut self) {
        let (data, len) = (self.data, self.data.len());
        let mut pos = self.pos;
        let mut depth = 0u32;
        // After an error at `from` (a stray `)`, an unterminated quote, a
        // backslash ending a line) the lexer skips to the first newline
        // from there; the entry ends there at depth 0 (`None`, the scan's
        // position set), and inside parentheses goes on at the next line
        // (`Some`), as `Lexer::recover` reads it.
        // A line that begins with an owner ends such an entry too (see
        // `Lexer::recover`): `recovering` says an error was met.
        let recover = |scan: &mut Scan<'_>, from: usize, depth: u32| -> Option<usize> {
            match simd::find(data, from, &simd::NEWLINE) {
                Some(nl) => {
                    scan.line += 1;
                    if depth > 0 && !super::lexer::starts_owner(data, nl + 1) {
                        return Some(nl + 1);
                    }
                    scan.pos = nl + 1;
                }
                None => scan.pos = len,
            }
            None
        };
        let mut recovering = false;
        loop {
            let Some(i) = self.structural.find(pos) else {
                self.pos = len;
                return;
            };
            match data[i] {
                b'\n' => {
                    pos = i + 1;
                    self.line += 1;
                    if depth == 0 || (recovering && super::lexer::starts_owner(data, pos)) {
                        self.pos = pos;
                        return;
                    }
                }
                b';' => pos = simd::find(data, i, &simd::NEWLINE).unwrap_or(len),
                b'(' => {
                    depth += 1;
                    pos = i + 1;
                }
                b')' if depth > 0 => {
                    depth -= 1;
                    pos = i + 1;
                }
                b'"' => {
                    let (mut p, mut newlines) = (i + 1, 0);
                    let closed = loop {
                        p = simd::find(data, p, &simd::QUOTE_END).unwrap_or(len);
                        match data.get(p) {
                            Some(b'"') => break true,
                            Some(b'\\') => {
                                newlines += u32::from(data.get(p + 1) == Some(&b'\n'));
                                p = (p + 2).min(len);
                            }
                            _ => break false,
                        }
                    };
                    if closed {
                        self.line += newlines;
                        pos = p + 1;
                    } else {
                        // Unterminated: the lexer recovers from the
                        // opening quote.
                        match recover(self, i, depth) {
                            Some(next) => (pos, recovering) = (next, true),
                            None => return,
                        }
                    }
                }
                // A stray `)` (at depth 0): the lexer recovers to the next
                // newline.
                b')' => {
                    recover(self, i, 0);
                    return;
                }
                // `\` before a newline, outside quotes: the lexer refuses it
                // and recovers at that newline.
                _ if super::lexer::ends_line(data, i + 1) => match recover(self, i, depth) {
                    Some(next) => (pos, recovering) = (next, true),
                    None => return,
                },
                // `\`: the next byte is escaped, whatever it is.
                _ => pos = (i + 2).min(len),
            }
        }
    }
}

/// The scan with the state at its start known: the first segment, and any
/// segment whose guess could not be used.
struct Known<'a> {
    scan: Scan<'a>,
    /// `$ORIGIN` and `$TTL` in force.
    origin: Name,
    default_ttl: Option<u32>,
    /// No split before this offset: chunks of about `chunk_bytes`.
    next_target: usize,
    /// Where the last line that starts with an owner starts.
    last_owner_at: usize,
}

/// A file with `$INCLUDE`: see [`Plan::Sequential`].
struct Include;

impl<'a> Known<'a> {
    /// The scan at the top of the file, and the plan's first split there.
    fn at_the_top(data: &'a [u8], origin: &Name, chunk_bytes: usize) -> (Known<'a>, Vec<Split>) {
        let known = Known {
            scan: Scan::at(data, 0, 1),
            origin: origin.clone(),
            default_ttl: None,
            next_target: chunk_bytes,
            last_owner_at: 0,
        };
        (known, vec![Split { pos: 0, line: 1, origin: origin.clone(), default_ttl: None }])
    }

    /// Scans to the first sync point at or after `end`, pushing splits.
    fn run_to(
        &mut self,
        end: usize,
        chunk_bytes: usize,
        splits: &mut Vec<Split>,
        release: &(dyn Fn(std::ops::Range<usize>) + Sync),
    ) -> Result<(), Include> {
        let data = self.scan.data;
        let mut released = self.scan.pos;
        while self.scan.pos < end {
            if self.scan.pos - released >= RELEASE_STEP {
                release(released..self.scan.pos);
                released = self.scan.pos;
            }
            let (at, line) = (self.scan.pos, self.scan.line);
            match self.scan.step() {
                Line::End => break,
                Line::Directive(None) | Line::Other => {}
                Line::Directive(Some((d, arg))) => {
                    if d.eq_ignore_ascii_case(b"$INCLUDE") {
                        return Err(Include);
                    }
                    // As `Parser::parse_directive`: exactly one argument;
                    // a malformed directive changes nothing.
                    match arg {
                        Some(o) if d.eq_ignore_ascii_case(b"$ORIGIN") => {
                            if let Ok(o) = Name::parse(o, &self.origin) {
                                self.origin = o;
                            }
                        }
                        Some(t) if d.eq_ignore_ascii_case(b"$TTL") => {
                            if let Some(v) = parse_ttl(t) {
                                self.default_ttl = Some(clamp_record_ttl(v));
                            }
                        }
                        _ => {}
                    }
                }
                Line::Owner => {
                    if may_split(data, at, self.next_target, Some(self.last_owner_at)) {
                        splits.push(Split {
                            pos: at,
                            line,
                            origin: self.origin.clone(),
                            default_ttl: self.default_ttl,
                        });
                        self.next_target = at.saturating_add(chunk_bytes);
                    }
                    self.last_owner_at = at;
                }
            }
        }
        Ok(())
    }
}

/// The scan of one segment from a guessed sync point at its start, line 0
/// there; no directive applied (see [`plan_releasing`]).
struct Guess {
    /// The first [`MEET_POINTS`] sync points and their lines, in order.
    meets: Vec<(usize, u32)>,
    /// Candidate splits, each with the owner line before it in this scan:
    /// offset, line, that owner line's offset. The first has none; which
    /// count is decided with the true path (see [`plan_releasing`]).
    splits: Vec<(usize, u32, Option<usize>)>,
    last_directive_at: Option<usize>,
    last_owner_at: Option<usize>,
    /// The first sync point at or after the segment's end, and its line.
    end: (usize, u32),
}

impl Guess {
    fn scan(
        data: &[u8],
        start: usize,
        end: usize,
        chunk_bytes: usize,
        release: &(dyn Fn(std::ops::Range<usize>) + Sync),
    ) -> Guess {
        let mut scan = Scan::at(data, start, 0);
        let mut g = Guess {
            meets: Vec::with_capacity(MEET_POINTS),
            splits: Vec::new(),
            last_directive_at: None,
            last_owner_at: None,
            end: (0, 0),
        };
        let mut next_target = start;
        let mut released = start;
        while scan.pos < end {
            if scan.pos - released >= RELEASE_STEP {
                release(released..scan.pos);
                released = scan.pos;
            }
            let (at, line) = (scan.pos, scan.line);
            if g.meets.len() < MEET_POINTS {
                g.meets.push((at, line));
            }
            match scan.step() {
                Line::End => break,
                Line::Directive(_) => g.last_directive_at = Some(at),
                Line::Other => {}
                Line::Owner => {
                    let before = g.last_owner_at;
                    if may_split(data, at, next_target, before) {
                        g.splits.push((at, line, before));
                        next_target = at.saturating_add(chunk_bytes);
                    }
                    g.last_owner_at = Some(at);
                }
            }
        }
        g.end = (scan.pos, scan.line);
        g
    }
}

/// Whether a chunk may start at the owner line at `at`: at or past
/// `next_target` (chunks of about the target size), and not between two
/// lines that spell the same owner (the owner line before it at
/// `owner_before`, where known): a name's records stay in one chunk, as
/// `Zone::load_ordered` needs (a zone file written one record per line
/// repeats the owner).
fn may_split(data: &[u8], at: usize, next_target: usize, owner_before: Option<usize>) -> bool {
    at >= next_target && owner_before.is_none_or(|b| owner_text(data, at) != owner_text(data, b))
}

/// The owner field of the line at `pos`, as written: up to the first white
/// space or structural byte. Only compared for equality, where a name
/// with escapes may compare equal to another: that only skips a split.
fn owner_text(data: &[u8], pos: usize) -> &[u8] {
    let rest = &data[pos.min(data.len())..];
    let end = rest
        .iter()
        .position(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b';' | b'(' | b')' | b'"'))
        .unwrap_or(rest.len());
    &rest[..end]
}
