//! The split pass of the parallel load: one sequential scan over the file
//! that finds where chunks may start and the directive state there.
//!
//! # Background
//! A chunk may start only where the lexer would be in its initial state and
//! the entry cannot inherit anything from the one before it lexically: at the
//! first byte of a line, at parenthesis depth 0, outside quotes and comments,
//! and on a line that starts with an owner name (not white space, which
//! would inherit the owner, RFC 1035 §5.1; not `$`, a directive; not `;`,
//! `(`, `)` or `"`). The scan mirrors [`super::lexer::Lexer`] byte for byte,
//! including its error recovery (a stray `)` or an unterminated quote skips
//! the rest of the physical line) and its line counting (a newline escaped
//! with `\` does not count), so the line number at a split is the one the
//! sequential lexer would have.
//!
//! Only six bytes can change that state — newline, `;`, `(`, `)`, `"` and
//! `\` — so the scan jumps between them with [`super::simd::find`].
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

/// [`plan`], telling `release` every [`RELEASE_STEP`] octets which bytes
/// the scan is done with (see [`super::source::Source::release`]): the
/// scan reads the whole file before any chunk is parsed, and without it a
/// mapped file of gigabytes would be resident all at once.
pub fn plan_releasing(
    data: &[u8],
    origin: &Name,
    chunk_bytes: usize,
    release: &dyn Fn(std::ops::Range<usize>),
) -> Plan {
    let chunk_bytes = chunk_bytes.max(1);
    let len = data.len();
    let mut origin = origin.clone();
    let mut default_ttl: Option<u32> = None;
    let mut splits = vec![Split { pos: 0, line: 1, origin: origin.clone(), default_ttl }];
    let mut next_target = chunk_bytes;
    let mut pos = 0usize;
    let mut line = 1u32;
    let mut entry = Entry::default();
    // Where the last line that starts with an owner starts.
    let mut last_owner_at = 0usize;
    // `pos` is at the first byte of a line, with the lexer in its initial
    // state.
    let mut released = 0usize;
    'line: while pos < len {
        if pos - released >= RELEASE_STEP {
            release(released..pos);
            released = pos;
        }
        let c = data[pos];
        if c == b'$' {
            let mut lx = Lexer::starting_at(data, pos, line);
            match lx.next_entry(&mut entry) {
                Ok(true) => {
                    let toks = &entry.tokens;
                    let d = toks[0].text;
                    if d.eq_ignore_ascii_case(b"$INCLUDE") {
                        return Plan::Sequential;
                    }
                    // As `Parser::parse_directive`: exactly one argument.
                    if toks.len() == 2 {
                        if d.eq_ignore_ascii_case(b"$ORIGIN") {
                            if let Ok(o) = Name::parse(toks[1].text, &origin) {
                                origin = o;
                            }
                        } else if d.eq_ignore_ascii_case(b"$TTL") {
                            if let Some(v) = parse_ttl(toks[1].text) {
                                default_ttl = Some(clamp_record_ttl(v));
                            }
                        }
                    }
                }
                Ok(false) => break,
                Err(_) => lx.recover(),
            }
            pos = lx.position();
            line = lx.line();
            continue 'line;
        }
        let owner_line = !matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b';' | b'(' | b')' | b'"');
        if owner_line {
            // Not between two lines that spell the same owner: a name's
            // records stay in one chunk, as `Zone::load_ordered` needs (a
            // zone file written one record per line repeats the owner).
            if pos >= next_target && owner_text(data, pos) != owner_text(data, last_owner_at) {
                splits.push(Split { pos, line, origin: origin.clone(), default_ttl });
                next_target = pos.saturating_add(chunk_bytes);
            }
            last_owner_at = pos;
        }
        let mut depth = 0u32;
        loop {
            let Some(i) = simd::find(data, pos, &simd::STRUCTURAL) else {
                break 'line;
            };
            match data[i] {
                b'\n' => {
                    pos = i + 1;
                    line += 1;
                    if depth == 0 {
                        continue 'line;
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
                    let mut p = i + 1;
                    loop {
                        p = simd::find(data, p, &simd::QUOTE_END).unwrap_or(len);
                        match data.get(p) {
                            Some(b'"') => {
                                pos = p + 1;
                                break;
                            }
                            Some(b'\\') => p = (p + 2).min(len),
                            // Unterminated: the lexer recovers from the
                            // opening quote to the first newline.
                            _ => {
                                let Some(nl) = simd::find(data, i, &simd::NEWLINE) else {
                                    break 'line;
                                };
                                pos = nl + 1;
                                line += 1;
                                continue 'line;
                            }
                        }
                    }
                }
                b')' => {
                    // A stray `)`: the lexer recovers to the next newline.
                    let Some(nl) = simd::find(data, i, &simd::NEWLINE) else {
                        break 'line;
                    };
                    pos = nl + 1;
                    line += 1;
                    continue 'line;
                }
                // `\`: the next byte is escaped, whatever it is.
                _ => pos = (i + 2).min(len),
            }
        }
    }
    Plan::Chunks(splits)
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
