//! The lexer: splits presentation-format text into logical lines of tokens.
//!
//! # Background
//! RFC 1035 §5.1: "The format of these files is a sequence of entries.
//! Entries are predominantly line-oriented, though parentheses can be used to
//! continue a list of items across a line boundary, and text literals can
//! contain CRLF within the text. Any combination of tabs and spaces act as a
//! delimiter between the separate items that make up an entry. The end of
//! any line in the master file can end with a comment. The comment starts
//! with a ";" (semicolon)."
//!
//! # Usage
//! [`Lexer::next_entry`] yields one [`Entry`] per logical line, with its
//! tokens borrowed from the input. Blank and comment-only lines are skipped.
//!
//! # Limitations
//! A quoted string may not span lines; BIND and Knot refuse that too
//! (`\010` writes a newline inside a string).

use super::simd;
use super::token::Token;

/// A lexical error, with the position where it was detected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    pub line: u32,
    pub col: u32,
    /// The offending text, for the message.
    pub token: String,
    pub expected: &'static str,
}

/// One logical line (an entry of RFC 1035 §5.1).
#[derive(Debug, Clone, Default)]
pub struct Entry<'a> {
    pub tokens: Vec<Token<'a>>,
    /// The line began with white space: "If the owner is omitted, the entry
    /// uses the last stated owner" (RFC 1035 §5.1, blank owner field).
    pub blank_owner: bool,
    /// Line of the entry's first byte.
    pub line: u32,
}

/// Splits input into entries.
#[derive(Debug)]
pub struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
    line: u32,
    line_start: usize,
    /// Where unquoted tokens end ([`simd::TOKEN_END`]): classified 64
    /// bytes at a time, for the two or three lines of records each
    /// classification spans.
    token_ends: simd::Classified<'a, 9>,
    /// Where [`Lexer::recover`] goes on after the last error.
    resume: Resume,
}

/// How [`Lexer::recover`] goes on after an error: the parenthesis depth
/// there, and whether from the byte after the error (a lone CR, which the
/// split pass reads as any other byte) or from the first newline.
#[derive(Debug, Clone, Copy, Default)]
struct Resume {
    depth: u32,
    after_byte: bool,
}

impl<'a> Lexer<'a> {
    pub fn new(data: &'a [u8]) -> Lexer<'a> {
        Lexer::starting_at(data, 0, 1)
    }

    /// Starts at `pos`, which must be the first byte of line `line`.
    pub fn starting_at(data: &'a [u8], pos: usize, line: u32) -> Lexer<'a> {
        Lexer {
            data,
            pos,
            line,
            line_start: pos,
            token_ends: simd::Classified::new(data, &simd::TOKEN_END),
            resume: Resume::default(),
        }
    }

    /// Line of the next unread byte.
    pub fn line(&self) -> u32 {
        self.line
    }

    /// Byte offset of the next unread byte.
    pub fn position(&self) -> usize {
        self.pos
    }

    fn col(&self, at: usize) -> u32 {
        (at - self.line_start + 1) as u32
    }

    /// Counts the newlines escaped with `\` in a token just read (`seen` of
    /// them, the last one ending at `after`): each is part of the token, yet
    /// what follows it is on the next line of the file, and errors there
    /// name that line.
    fn escaped_newlines(&mut self, seen: u32, after: usize) {
        if seen > 0 {
            self.line += seen;
            self.line_start = after;
        }
    }

    /// Skips the rest of the entry after an error, so that loading can go
    /// on and report further errors: to the first newline, and inside
    /// parentheses on to the newline that ends the entry, reading the bytes
    /// as the split pass does ([`super::split`]), so that both agree where
    /// the next entry starts.
    ///
    /// Inside parentheses every following line of the record was read as
    /// an entry of its own: one missing quote in a TXT record of 27 lines
    /// gave 19 errors that were none, and the cap of 20 hid a real one
    /// further on (the twenty-ninth audit, 2026-12-06; Knot reports the two
    /// real ones).
    pub fn recover(&mut self) {
        let Resume { mut depth, after_byte } = std::mem::take(&mut self.resume);
        let data = self.data;
        let len = data.len();
        // Whether a line that begins with an owner ends the entry: after
        // an error the split pass also sees (a quote, a backslash), not
        // after a lone CR, an ordinary byte to it (the two loads told the
        // errors after one apart: the thirty-first audit, 2026-12-06).
        let mut owner_ends = !after_byte;
        if after_byte {
            self.pos = (self.pos + 1).min(len);
        } else if self.past_broken_line(depth) {
            return;
        }
        loop {
            let Some(&c) = data.get(self.pos) else { return };
            match c {
                b'\n' => {
                    let _ = self.past_newline(self.pos);
                    // A line that begins with an owner ends the broken
                    // entry too: its parentheses may never close (a quote
                    // left open swallowed the `)` of `TXT ( "v=spf1 )`),
                    // and the rest of the file was skipped without a word
                    // (the thirtieth audit, 2026-12-06).
                    if depth == 0 || (owner_ends && starts_owner(data, self.pos)) {
                        return;
                    }
                }
                b';' => self.pos = simd::find(data, self.pos, &simd::NEWLINE).unwrap_or(len),
                b'(' => {
                    depth += 1;
                    self.pos += 1;
                }
                b')' if depth > 0 => {
                    depth -= 1;
                    self.pos += 1;
                }
                // A stray `)`, as in `next_entry`.
                b')' => {
                    let _ = self.past_newline(self.pos);
                    return;
                }
                b'"' => {
                    let (mut p, mut newlines, mut after) = (self.pos + 1, 0, 0);
                    let closed = loop {
                        p = simd::find(data, p, &simd::QUOTE_END).unwrap_or(len);
                        match data.get(p) {
                            Some(b'"') => break true,
                            Some(b'\\') => {
                                p = (p + 2).min(len);
                                if data[p - 1] == b'\n' {
                                    (newlines, after) = (newlines + 1, p);
                                }
                            }
                            _ => break false,
                        }
                    };
                    if closed {
                        self.escaped_newlines(newlines, after);
                        self.pos = p + 1;
                    } else {
                        owner_ends = true;
                        if self.past_broken_line(depth) {
                            return;
                        }
                    }
                }
                b'\\' if ends_line(data, self.pos + 1) => {
                    owner_ends = true;
                    if self.past_broken_line(depth) {
                        return;
                    }
                }
                b'\\' => self.pos = (self.pos + 2).min(len),
                _ => self.pos += 1,
            }
        }
    }

    /// After an error at the current position (an open quote, a backslash
    /// ending a line): moves past the first newline, and says whether the
    /// broken entry ends there: at the end of the input, outside
    /// parentheses, or before a line that begins with an owner.
    fn past_broken_line(&mut self, depth: u32) -> bool {
        !self.past_newline(self.pos) || depth == 0 || starts_owner(self.data, self.pos)
    }

    /// Moves past the first newline from `from`, or to the end of the
    /// input: returns whether there was one.
    fn past_newline(&mut self, from: usize) -> bool {
        match simd::find(self.data, from, &simd::NEWLINE) {
            Some(nl) => {
                self.pos = nl + 1;
                self.line += 1;
                self.line_start = self.pos;
                true
            }
            None => {
                self.pos = self.data.len();
                false
            }
        }
    }

    /// Reads the next entry into `entry` (cleared first). Returns `Ok(false)`
    /// at the end of the input.
    pub fn next_entry(&mut self, entry: &mut Entry<'a>) -> Result<bool, LexError> {
        entry.tokens.clear();
        let data = self.data;
        let mut depth = 0u32;
        let mut paren_line = 0u32;
        let mut paren_col = 0u32;
        // Whether the entry's first byte (a token or an opening
        // parenthesis) has been seen.
        let mut begun = false;
        loop {
            if self.pos >= data.len() {
                if depth > 0 {
                    return Err(LexError {
                        line: paren_line,
                        col: paren_col,
                        token: "(".into(),
                        expected: "a closing parenthesis before the end of the file",
                    });
                }
                return Ok(!entry.tokens.is_empty());
            }
            let c = data[self.pos];
            match c {
                b'\n' => {
                    self.pos += 1;
                    self.line += 1;
                    self.line_start = self.pos;
                    if depth == 0 && !entry.tokens.is_empty() {
                        return Ok(true);
                    }
                    // A line of empty parentheses (` ( )`, a comment in
                    // them) is no entry: the next line starts its own, with
                    // its own owner field, as the split pass reads it (an
                    // audit found the parallel and sequential loads giving
                    // two zones, 2026-12-06).
                    if depth == 0 {
                        begun = false;
                    }
                }
                // A lone CR: see `lone_cr`.
                b'\r' if data.get(self.pos + 1) != Some(&b'\n') => {
                    return Err(self.lone_cr(depth));
                }
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b';' => {
                    self.pos = simd::find(data, self.pos, &simd::NEWLINE).unwrap_or(data.len());
                }
                b'(' => {
                    self.begin_entry(entry, &mut begun);
                    if depth == 0 {
                        paren_line = self.line;
                        paren_col = self.col(self.pos);
                    }
                    depth += 1;
                    self.pos += 1;
                }
                b')' => {
                    if depth == 0 {
                        self.resume = Resume::default();
                        return Err(LexError {
                            line: self.line,
                            col: self.col(self.pos),
                            token: ")".into(),
                            expected: "no closing parenthesis without an opening one",
                        });
                    }
                    depth -= 1;
                    self.pos += 1;
                }
                b'"' => {
                    self.begin_entry(entry, &mut begun);
                    let start = self.pos + 1;
                    let (line, col) = (self.line, self.col(self.pos));
                    let (mut newlines, mut after) = (0, 0);
                    let mut p = start;
                    loop {
                        p = simd::find(data, p, &simd::QUOTE_END).unwrap_or(data.len());
                        match data.get(p) {
                            None | Some(b'\n') => {
                                // Shown up to the line's end, escaped or
                                // not: a chunk of a parallel load ends
                                // there.
                                let open = &data[self.pos..p];
                                let shown = open.split(|&b| b == b'\n').next().unwrap_or(open);
                                self.resume = Resume { depth, after_byte: false };
                                return Err(LexError {
                                    line: self.line,
                                    col,
                                    token: String::from_utf8_lossy(shown).into(),
                                    expected: "a closing quote on the same line",
                                });
                            }
                            Some(b'"') => break,
                            Some(_) => {
                                p = (p + 2).min(data.len());
                                if data[p - 1] == b'\n' {
                                    (newlines, after) = (newlines + 1, p);
                                }
                            }
                        }
                    }
                    // A backslash before a NUL octet: BIND and Knot refuse
                    // it (a NUL alone in quotes is data to BIND); zonesign
                    // wrote `\000` (the forty-second audit, 2026-12-07).
                    // Named at the string; recovery goes on after it, as
                    // after a lone CR: the split pass saw a closed quote.
                    let text = &data[start..p];
                    let escaped_nul =
                        text.windows(2).enumerate().any(|(k, w)| w == b"\\\0" && odd_run(text, k));
                    self.escaped_newlines(newlines, after);
                    if escaped_nul {
                        self.pos = p;
                        self.resume = Resume { depth, after_byte: true };
                        return Err(LexError {
                            line,
                            col,
                            token: "\\\\\\000".into(),
                            expected: "a quoted string without a backslash before a NUL octet \
                                       (write \\000 for one)",
                        });
                    }
                    entry.tokens.push(Token { text, quoted: true, line, col });
                    self.pos = p + 1;
                }
                _ => {
                    self.begin_entry(entry, &mut begun);
                    let start = self.pos;
                    let mut p = start;
                    loop {
                        match self.token_ends.find(p) {
                            None => {
                                p = data.len();
                                break;
                            }
                            // Outside quotes a backslash does not continue
                            // a line: BIND, Knot and dnspython refuse it,
                            // and taken as an escaped newline it made the
                            // next record part of this one (`TXT C:\dir\`
                            // swallowed the line after it; an audit,
                            // 2026-12-06). The lexer recovers at that
                            // newline, as the split pass does.
                            Some(i) if data[i] == b'\\' && ends_line(data, i + 1) => {
                                self.resume = Resume { depth, after_byte: false };
                                return Err(LexError {
                                    line: self.line,
                                    col: self.col(i),
                                    token: String::from_utf8_lossy(&data[start..=i]).into(),
                                    expected: "a character after the backslash on the same line \
                                               (outside quotes a backslash does not continue a \
                                               line; write \\\\ for a backslash)",
                                });
                            }
                            // Nor does a backslash make a lone CR data:
                            // `TXT a\<CR>b` published "a\013b", which BIND
                            // (a line end there) and Knot refuse (the
                            // thirty-second audit, 2026-12-07). The error
                            // is the lone CR's, and so is the recovery.
                            Some(i)
                                if data[i] == b'\\'
                                    && data.get(i + 1) == Some(&b'\r')
                                    && data.get(i + 2) != Some(&b'\n') =>
                            {
                                self.pos = i + 1;
                                return Err(self.lone_cr(depth));
                            }
                            // An escaped character is never a delimiter.
                            Some(i) if data[i] == b'\\' => p = (i + 2).min(data.len()),
                            Some(i) => {
                                p = i;
                                break;
                            }
                        }
                    }
                    // A NUL octet outside quotes: BIND and Knot refuse
                    // it, ldns drops it; zonesign published it as `\000`
                    // (the forty-first audit, 2026-12-07). Written `\000`
                    // it is data; inside quotes BIND takes it. Recovery
                    // goes on from the next byte, as after a lone CR: an
                    // ordinary byte to the split pass.
                    if let Some(z) = data[start..p].iter().position(|&b| b == 0) {
                        self.pos = start + z;
                        self.resume = Resume { depth, after_byte: true };
                        return Err(LexError {
                            line: self.line,
                            col: self.col(self.pos),
                            token: "\\000".into(),
                            expected: "no NUL octet outside quotes (write \\000 for one)",
                        });
                    }
                    entry.tokens.push(Token {
                        text: &data[start..p],
                        quoted: false,
                        line: self.line,
                        col: self.col(start),
                    });
                    self.pos = p;
                }
            }
        }
    }

    /// The error of a lone CR at the current position, inside `depth`
    /// parentheses: RFC 1035 §5.1 lines end with a line feed, and a CR is
    /// only part of a CRLF end. A lone CR (old Mac line ends, a file of
    /// mixed ends) was read as a blank, merging two records into one (the
    /// fifth audit, 2026-12-06: BIND takes it for a line end, Knot refuses
    /// it): refused, with its place. Recovery goes on from the next byte,
    /// which is where the split pass, to which a CR is any byte, is.
    fn lone_cr(&mut self, depth: u32) -> LexError {
        self.resume = Resume { depth, after_byte: true };
        LexError {
            line: self.line,
            col: self.col(self.pos),
            token: "\\r".into(),
            expected: "a line feed after the carriage return (lines end with LF or CRLF, not \
                       CR alone)",
        }
    }

    /// Notes where an entry starts at its first byte: its first token, or
    /// an opening parenthesis before it. Only white space can precede that
    /// byte on its line. RFC 1035 §5.1: "If a line begins with a blank,
    /// then the owner is assumed to be the same as that of the previous
    /// RR", so a line that begins with `(` has its owner in the first token,
    /// wherever that is (as BIND and ldns read it).
    fn begin_entry(&self, entry: &mut Entry<'a>, begun: &mut bool) {
        if !*begun {
            *begun = true;
            entry.line = self.line;
            entry.blank_owner = self.pos != self.line_start;
        }
    }
}

/// Whether the backslash at `text[at]` escapes what follows it: it ends
/// an odd run of backslashes.
fn odd_run(text: &[u8], at: usize) -> bool {
    text[..=at].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1
}

/// Whether the line starting at `at` begins with an owner name (or a
/// directive): not blank, no comment, parenthesis or quote first. The
/// split pass starts chunks at such lines only, and both passes end an
/// entry broken by an error at one (see [`Lexer::recover`]).
pub(super) fn starts_owner(data: &[u8], at: usize) -> bool {
    data.get(at)
        .is_some_and(|&c| !matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b';' | b'(' | b')' | b'"'))
}

/// Whether a line ends at `at`: LF, or CRLF (a backslash before the CR of a
/// CRLF file escaped the CR, and the value kept a CR byte: the fifth audit,
/// 2026-12-06; BIND and Knot refuse it).
pub(super) fn ends_line(data: &[u8], at: usize) -> bool {
    match data.get(at) {
        Some(b'\n') => true,
        Some(b'\r') => data.get(at + 1) == Some(&b'\n'),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(src: &str) -> Vec<(bool, Vec<String>)> {
        let mut lx = Lexer::new(src.as_bytes());
        let mut out = Vec::new();
        let mut e = Entry::default();
        while lx.next_entry(&mut e).unwrap() {
            out.push((e.blank_owner, e.tokens.iter().map(|t| t.display()).collect()));
        }
        out
    }

    #[test]
    fn rfc1035_section_5_1_parentheses_comments_and_quotes() {
        let src = "a 1 IN SOA ns host ( 1 ; serial\n 2 3\r\n 4 5 )\n; only a comment\n\n  TXT \"x;y(z\" \\; c\n";
        let got = entries(src);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].1, ["a", "1", "IN", "SOA", "ns", "host", "1", "2", "3", "4", "5"]);
        assert!(got[1].0, "leading white space means the owner is omitted");
        assert_eq!(got[1].1, ["TXT", "x;y(z", "\\;", "c"]);
    }

    /// RFC 1035 §5.1: only a line that begins with a blank omits the
    /// owner. A line that begins with `(` names it in its first token, on
    /// that line or a later one (it was taken as omitted: `(300 TXT x)`
    /// gave the record the previous owner, 2026-12-06).
    #[test]
    fn rfc1035_section_5_1_a_line_beginning_with_a_parenthesis_has_an_owner() {
        let got = entries("h TXT a\n(300 TXT x)\n(\n  g TXT y )\n ( TXT z )\n ( )\nIN A 1\n");
        assert_eq!(got.len(), 5);
        // A line of empty parentheses is no entry: `IN` is the next one's owner.
        assert!(!got[4].0 && got[4].1 == ["IN", "A", "1"], "{:?}", got[4]);
        assert!(!got[1].0 && got[1].1 == ["300", "TXT", "x"], "{:?}", got[1]);
        assert!(!got[2].0 && got[2].1 == ["g", "TXT", "y"], "{:?}", got[2]);
        assert!(got[3].0 && got[3].1 == ["TXT", "z"], "{:?}", got[3]);
    }

    #[test]
    fn missing_final_newline() {
        assert_eq!(entries("a A 1.2.3.4").len(), 1);
    }

    #[test]
    fn unbalanced_parentheses_are_errors() {
        let mut e = Entry::default();
        let err = Lexer::new(b"a SOA ( 1 2\n").next_entry(&mut e).unwrap_err();
        assert_eq!((err.line, err.col), (1, 7));
        let err = Lexer::new(b"a A 1 )\n").next_entry(&mut e).unwrap_err();
        assert_eq!((err.line, err.col), (1, 7));
        let err = Lexer::new(b"a TXT \"open\n").next_entry(&mut e).unwrap_err();
        assert_eq!(err.expected, "a closing quote on the same line");
    }
}
