//! Domain names in uncompressed wire form.
//!
//! # Background
//! A [`Name`] holds the wire form of an absolute domain name (RFC 1035 §3.1):
//! a sequence of length-prefixed labels ending in the root label. Case is
//! preserved as written in the zone file; equality, hashing and ordering are
//! case-insensitive, and ordering is the canonical order of RFC 4034 §6.1.
//!
//! # Layout
//! A name of up to [`INLINE`] octets in wire form (nearly every owner name
//! of a TLD: one label below a short origin) is held inside the [`Name`]
//! value itself, 32 octets; a longer one in a heap allocation. A zone's
//! nodes hold their names, so the passes that walk the nodes in canonical
//! order (empty non-terminals, classification, the denial chain, signing,
//! writing) read each name where the node is instead of following a
//! pointer to wherever the loader allocated it, in file order; and a
//! million delegations cost a million allocations fewer.
//!
//! # Limitations
//! Only absolute names exist here: relative names are completed with the
//! origin while they are parsed.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// RFC 1035 §2.3.4: "labels 63 octets or less".
pub const MAX_LABEL_LEN: usize = 63;
/// RFC 1035 §2.3.4: "names 255 octets or less" (wire form, with length octets).
pub const MAX_NAME_LEN: usize = 255;

/// An absolute domain name in uncompressed wire form.
#[derive(Clone)]
pub struct Name(Wire);

/// Wire forms of at most this many octets are held inline (see the module
/// documentation): with the length and the tag, 32 octets.
pub const INLINE: usize = 30;

/// The octets of a [`Name`]: inline or on the heap (see the module
/// documentation). Empty only in a placeholder.
#[derive(Clone)]
enum Wire {
    Inline { len: u8, octets: [u8; INLINE] },
    Heap(Box<[u8]>),
}

// The layout the module documentation gives.
const _: () = assert!(std::mem::size_of::<Name>() == 32);

impl Wire {
    #[inline]
    fn new(wire: &[u8]) -> Wire {
        if wire.len() <= INLINE {
            let mut octets = [0u8; INLINE];
            octets[..wire.len()].copy_from_slice(wire);
            Wire::Inline { len: wire.len() as u8, octets }
        } else {
            Wire::Heap(wire.into())
        }
    }

    /// Takes `wire`'s memory when the name is too long to be inline.
    #[inline]
    fn from_vec(wire: Vec<u8>) -> Wire {
        if wire.len() <= INLINE {
            Wire::new(&wire)
        } else {
            Wire::Heap(wire.into_boxed_slice())
        }
    }

    const EMPTY: Wire = Wire::Inline { len: 0, octets: [0u8; INLINE] };
}

impl std::ops::Deref for Wire {
    type Target = [u8];
    #[inline]
    fn deref(&self) -> &[u8] {
        match self {
            Wire::Inline { len, octets } => &octets[..*len as usize],
            Wire::Heap(b) => b,
        }
    }
}

impl std::ops::DerefMut for Wire {
    #[inline]
    fn deref_mut(&mut self) -> &mut [u8] {
        match self {
            Wire::Inline { len, octets } => &mut octets[..*len as usize],
            Wire::Heap(b) => b,
        }
    }
}

/// Why a name could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameError {
    /// A label is longer than 63 octets.
    LabelTooLong { len: usize },
    /// The name is longer than 255 octets in wire form.
    NameTooLong { len: usize },
    /// Two dots in a row, or a leading dot in a name other than the root.
    EmptyLabel,
    /// A `\` escape that is not `\X` or `\DDD` with DDD ≤ 255.
    BadEscape,
    /// The name is empty.
    Empty,
    /// Wire form is truncated or malformed (bad length octet, compression pointer).
    BadWire,
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameError::LabelTooLong { len } => {
                write!(f, "label of {len} octets is longer than 63 (RFC 1035 §2.3.4)")
            }
            NameError::NameTooLong { len } => {
                write!(f, "name of {len} octets is longer than 255 (RFC 1035 §2.3.4)")
            }
            NameError::EmptyLabel => f.write_str("empty label"),
            NameError::BadEscape => {
                f.write_str("bad escape: expected \\X or \\DDD with DDD <= 255")
            }
            NameError::Empty => f.write_str("empty name"),
            NameError::BadWire => f.write_str("malformed name in wire form"),
        }
    }
}

impl std::error::Error for NameError {}

impl Name {
    /// The root name `.`.
    pub fn root() -> Name {
        Name(Wire::new(&[0]))
    }

    /// Builds a name from wire bytes that are known to be a valid,
    /// uncompressed, absolute name. Checks the structure.
    pub fn from_wire_exact(wire: &[u8]) -> Result<Name, NameError> {
        let (name, used) = Name::from_wire(wire, 0)?;
        if used != wire.len() {
            return Err(NameError::BadWire);
        }
        Ok(name)
    }

    /// Reads an uncompressed name from `buf` at `pos`; returns the name and
    /// the position after it. Compression pointers are rejected: RFC 4034
    /// §6.2 and RFC 3597 §4 forbid them in the RDATA we handle.
    pub fn from_wire(buf: &[u8], pos: usize) -> Result<(Name, usize), NameError> {
        let end = wire_name_end(buf, pos)?;
        Ok((Name(Wire::new(&buf[pos..end])), end))
    }

    /// Parses a name in presentation format (RFC 1035 §5.1). A name without
    /// a final dot is relative and completed with `origin`; `@` is the origin.
    pub fn parse(text: &[u8], origin: &Name) -> Result<Name, NameError> {
        if text == b"@" {
            return Ok(origin.clone());
        }
        // Into a buffer of the thread's, reused: most names end up inline.
        thread_local! {
            static SCRATCH: std::cell::RefCell<Vec<u8>> =
                std::cell::RefCell::new(Vec::with_capacity(MAX_NAME_LEN + 1));
        }
        SCRATCH.with_borrow_mut(|wire| {
            wire.clear();
            parse_to(text, origin, wire)?;
            Ok(Name(Wire::new(wire)))
        })
    }

    /// [`Name::parse`], appending the wire form to `out` (RDATA fields)
    /// instead of allocating a name.
    pub fn parse_into(text: &[u8], origin: &Name, out: &mut Vec<u8>) -> Result<(), NameError> {
        if text == b"@" {
            out.extend_from_slice(origin.as_wire());
            return Ok(());
        }
        let start = out.len();
        parse_to(text, origin, out).inspect_err(|_| out.truncate(start))
    }

    /// The wire form, case as written.
    pub fn as_wire(&self) -> &[u8] {
        &self.0
    }

    /// Length of the wire form in octets.
    pub fn wire_len(&self) -> usize {
        self.0.len()
    }

    /// True for the root name.
    pub fn is_root(&self) -> bool {
        self.0.len() == 1
    }

    /// Number of labels, not counting the root label (RFC 4034 §3.1.3).
    pub fn label_count(&self) -> usize {
        self.labels().count()
    }

    /// The labels from the leftmost, without the root label.
    pub fn labels(&self) -> Labels<'_> {
        Labels { wire: &self.0, pos: 0 }
    }

    /// True if the leftmost label is `*` (RFC 4592).
    pub fn is_wildcard(&self) -> bool {
        self.0.len() >= 2 && self.0[0] == 1 && self.0[1] == b'*'
    }

    /// The name with its leftmost label removed; `None` for the root.
    pub fn parent(&self) -> Option<Name> {
        if self.is_root() {
            return None;
        }
        let skip = 1 + self.0[0] as usize;
        Some(Name(Wire::new(&self.0[skip..])))
    }

    /// True if `self` is `other` or below it.
    pub fn is_subdomain_of(&self, other: &Name) -> bool {
        let (a, b) = (&self.0, &other.0);
        if b.len() > a.len() {
            return false;
        }
        // Walk our labels until the remaining suffix has b's length, then
        // compare; the suffix must start on a label boundary.
        let mut p = 0usize;
        while a.len() - p > b.len() {
            p += 1 + a[p] as usize;
        }
        // Equal octets first: nearly always, for names of one zone file,
        // and one comparison of the whole rather than a case fold of each
        // octet.
        a.len() - p == b.len() && (a[p..] == b[..] || a[p..].eq_ignore_ascii_case(b))
    }

    /// The name lowercased (RFC 4034 §6.2: "all uppercase US-ASCII letters in
    /// the owner name of the RR are replaced by the corresponding lowercase").
    pub fn to_lowercase(&self) -> Name {
        let mut name = self.clone();
        name.make_lowercase();
        name
    }

    /// Lowercases the name in place, without allocating (RFC 4034 §6.2, as
    /// [`Name::to_lowercase`]). Length octets are below 64, never letters.
    pub fn make_lowercase(&mut self) {
        self.0.make_ascii_lowercase();
    }

    /// An empty placeholder that is not a valid name and owns no memory
    /// (for vectors whose slots are filled right after).
    pub(crate) fn root_placeholder() -> Name {
        Name(Wire::EMPTY)
    }

    /// Moves the name out, leaving an empty placeholder that is not a valid
    /// name (for consumers of a record vector that take names by index).
    pub(crate) fn take(&mut self) -> Name {
        std::mem::replace(self, Name::root_placeholder())
    }

    /// Builds `label.self`.
    pub fn prepend_label(&self, label: &[u8]) -> Result<Name, NameError> {
        if label.is_empty() {
            return Err(NameError::EmptyLabel);
        }
        if label.len() > MAX_LABEL_LEN {
            return Err(NameError::LabelTooLong { len: label.len() });
        }
        let len = 1 + label.len() + self.0.len();
        if len > MAX_NAME_LEN {
            return Err(NameError::NameTooLong { len });
        }
        let mut wire = Vec::with_capacity(len);
        wire.push(label.len() as u8);
        wire.extend_from_slice(label);
        wire.extend_from_slice(&self.0);
        Ok(Name(Wire::from_vec(wire)))
    }

    /// Writes the name in presentation format, absolute (with final dot),
    /// escaping as BIND and Knot do.
    pub fn write_presentation(&self, out: &mut String) {
        write_wire_presentation(&self.0, out);
    }

    /// Canonical order of RFC 4034 §6.1.
    pub fn canonical_cmp(&self, other: &Name) -> Ordering {
        canonical_cmp_wire(&self.0, &other.0)
    }
}

/// The presentation-format parser behind [`Name::parse`] (RFC 1035 §5.1):
/// appends the wire form of `text`, completed with `origin` when relative,
/// to `out` (which holds part of it on error): a name without escapes in
/// one pass ([`parse_plain`]), any other label by label ([`parse_labels`]).
fn parse_to(text: &[u8], origin: &Name, out: &mut Vec<u8>) -> Result<(), NameError> {
    if text.is_empty() {
        return Err(NameError::Empty);
    }
    if text == b"." {
        out.push(0);
        return Ok(());
    }
    if parse_plain(text, origin, out) {
        return Ok(());
    }
    parse_labels(text, origin, out)
}

/// [`parse_to`] label by label, for any name (escapes too), and the one
/// that describes what is wrong with a name. Each label's run of plain
/// octets is copied in one piece; only escapes go octet by octet. `text`
/// is neither empty nor ".".
fn parse_labels(text: &[u8], origin: &Name, out: &mut Vec<u8>) -> Result<(), NameError> {
    let start = out.len();
    let mut i = 0usize;
    loop {
        let length_at = out.len();
        out.push(0);
        loop {
            let run = text[i..].iter().position(|&c| c == b'.' || c == b'\\');
            let run = run.unwrap_or(text.len() - i);
            out.extend_from_slice(&text[i..i + run]);
            i += run;
            if text.get(i) != Some(&b'\\') {
                break;
            }
            let (byte, used) = unescape_one(&text[i..]).ok_or(NameError::BadEscape)?;
            out.push(byte);
            i += used;
        }
        // RFC 1035 §2.3.4: labels of 1 to 63 octets.
        let len = out.len() - length_at - 1;
        if len == 0 {
            return Err(NameError::EmptyLabel);
        }
        if len > MAX_LABEL_LEN {
            return Err(NameError::LabelTooLong { len });
        }
        out[length_at] = len as u8;
        if i == text.len() {
            // No final dot: relative.
            out.extend_from_slice(origin.as_wire());
            break;
        }
        // At a dot.
        i += 1;
        if i == text.len() {
            out.push(0);
            break;
        }
    }
    let len = out.len() - start;
    if len > MAX_NAME_LEN {
        return Err(NameError::NameTooLong { len });
    }
    Ok(())
}

/// The common case of [`parse_to`], a name with no escape (`\X` or `\DDD`,
/// RFC 1035 §5.1), in one pass: the text is copied whole after a first
/// length octet, and each dot in the copy becomes the length octet of the
/// label after it, so "a.example." is written as 1 a 7 example 0. The dots
/// and backslashes are found eight octets at a time ([`octets_equal`]),
/// so the work goes by the labels, not by the octets. Returns false, with
/// `out` as it was, for a name with an escape or one that RFC 1035 §2.3.4
/// refuses (an empty label, a label over 63 octets, a name over 255),
/// which the label-by-label parser then reads and, if need be, describes.
/// Names are most of a TLD zone's text. `text` is neither empty nor ".".
fn parse_plain(text: &[u8], origin: &Name, out: &mut Vec<u8>) -> bool {
    let start = out.len();
    let n = text.len();
    if n > MAX_NAME_LEN {
        return false;
    }
    out.push(0);
    out.extend_from_slice(text);
    let w = &mut out[start..];
    // Where the length octet of the label being read is.
    let mut label = 0usize;
    let mut ok = true;
    let mut at = 0usize;
    while at < n {
        let eight = |from: usize| u64::from_le_bytes(text[from..from + 8].try_into().expect("8"));
        let word = if at + 8 <= n {
            eight(at)
        } else if n >= 8 {
            // The last few: the eight octets that end the text, shifted
            // down past those already read (zeros come in above).
            eight(n - 8) >> (8 * (at + 8 - n))
        } else {
            text.iter().rev().fold(0, |w, &b| w << 8 | u64::from(b))
        };
        // Zero padding is neither a dot nor a backslash.
        ok &= octets_equal(word, b'\\') == 0;
        let mut dots = octets_equal(word, b'.');
        while dots != 0 {
            // The dot's place in `w`, one after its place in `text`.
            let i = at + (dots.trailing_zeros() / 8) as usize + 1;
            let len = i - label - 1;
            ok &= (1..=MAX_LABEL_LEN).contains(&len);
            w[label] = len as u8;
            label = i;
            dots &= dots - 1;
        }
        at += 8;
    }
    if ok && label == n {
        // A final dot: absolute, and that dot is the root label.
        w[n] = 0;
    } else if ok {
        // No final dot: relative.
        let len = n - label;
        ok = len <= MAX_LABEL_LEN;
        w[label] = len as u8;
        out.extend_from_slice(origin.as_wire());
    }
    ok &= out.len() - start <= MAX_NAME_LEN;
    if !ok {
        out.truncate(start);
    }
    ok
}

/// The high bit of each octet of `word` that equals `c`, the others clear:
/// exact, unlike the shorter `(x - 0x01..) & !x & 0x80..`, whose borrow
/// also marks a 0x01 octet above a match. In each octet of `x = word ^ c..`
/// the low seven bits plus 0x7F carry into the high bit unless they are
/// all zero, and cannot carry out of the octet.
fn octets_equal(word: u64, c: u8) -> u64 {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let x = word ^ (u64::from(c) * 0x0101_0101_0101_0101);
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// Writes a name given in uncompressed wire form (already validated, as
/// [`wire_name_end`] does) in presentation format, absolute, escaping as
/// [`Name::write_presentation`] does, without building a [`Name`].
pub fn write_wire_presentation(wire: &[u8], out: &mut String) {
    if wire.len() <= 1 {
        out.push('.');
        return;
    }
    // Nearly every name prints as it is (letters, digits, hyphens): then
    // its text is the wire form with each length octet after the first
    // turned into a dot, built on the stack and appended in one piece.
    let mut buf = [0u8; MAX_NAME_LEN + 1];
    if let Some((_, n)) = write_plain_name(wire, 0, &mut buf) {
        // Only printable ASCII: the check is one fast pass.
        if let Ok(text) = std::str::from_utf8(&buf[..n]) {
            out.push_str(text);
            return;
        }
    }
    for label in (Labels { wire, pos: 0 }) {
        write_label(label, out);
        out.push('.');
    }
}

/// Writes the uncompressed wire-form name at `wire[pos..]` into `to` in
/// presentation format, absolute, when it is well formed (the checks of
/// [`wire_name_end`]) and no label needs an escape ([`write_label`]):
/// returns where the name ends in `wire` and how many octets of `to` it
/// took, all printable ASCII. `None` otherwise, or if `to` is too short:
/// the caller then takes the general path, which escapes, or describes
/// what is wrong.
pub fn write_plain_name(wire: &[u8], pos: usize, to: &mut [u8]) -> Option<(usize, usize)> {
    if *wire.get(pos)? == 0 {
        *to.first_mut()? = b'.';
        return Some((pos + 1, 1));
    }
    let mut n = 0;
    let mut p = pos;
    loop {
        let len = *wire.get(p)? as usize;
        if len == 0 {
            return Some((p + 1, n));
        }
        // RFC 1035 §2.3.4: labels of at most 63 octets, names of at most
        // 255, the root label's octet included (still to come here).
        if len > MAX_LABEL_LEN || p + 1 + len - pos >= MAX_NAME_LEN {
            return None;
        }
        let label = wire.get(p + 1..p + 1 + len)?;
        let into = to.get_mut(n..n + len + 1)?;
        if !label.iter().all(|&b| PLAIN[b as usize]) {
            return None;
        }
        into[..len].copy_from_slice(label);
        into[len] = b'.';
        n += len + 1;
        p += 1 + len;
    }
}

/// The octets [`write_label`] prints as they are: letters, digits, `-`,
/// `_`, `*` and `/`. Knot's reader (kzonecheck, knotd) refuses the other
/// printable octets in a name as they are (`a[b`, ``a`b``, `a=b`: "invalid
/// domain name character", found serving zonesign's output with knotd, an
/// audit, 2026-12-06), and BIND reads `\[` as the start of a bit-string
/// label: `\DDD` is the one form all three readers take.
const PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] =
            matches!(b as u8, b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'*' | b'/');
        b += 1;
    }
    t
};

/// Writes one label in presentation form: `.`, `\`, `"`, `(`, `)`, `;`, `@`,
/// `$` are escaped with a backslash (as BIND, Knot and ldns write them),
/// and so is any other printable ASCII octet [`PLAIN`] does not list, but
/// `[` first in a label (BIND reads `\[` there as the start of a
/// bit-string label), `#` first in a label (Knot reads a name in RDATA
/// that begins `\#` as RFC 3597's generic form) and the space; the rest
/// as `\DDD`. As `\DDD`, a
/// label of punctuation took four characters an octet, and names of two
/// such labels ran past the 254 characters `ldns-verify-zone` reads of an
/// owner, which then refused a zone the other validators passed (the
/// forty-first audit, 2026-12-07; BIND, Knot and ldns all read `\X`).
pub fn write_label(label: &[u8], out: &mut String) {
    // Nearly every label is printed as it is (letters, digits, hyphens):
    // one copy.
    if label.iter().all(|&b| PLAIN[b as usize]) {
        if let Ok(text) = std::str::from_utf8(label) {
            out.push_str(text);
            return;
        }
    }
    for (i, &b) in label.iter().enumerate() {
        match b {
            _ if PLAIN[b as usize] => out.push(b as char),
            b'[' if i == 0 => out.push_str("\\091"),
            b'#' if i == 0 => out.push_str("\\035"),
            b'!'..=b'~' => {
                out.push('\\');
                out.push(b as char);
            }
            _ => {
                out.push('\\');
                out.push((b'0' + b / 100) as char);
                out.push((b'0' + (b / 10) % 10) as char);
                out.push((b'0' + b % 10) as char);
            }
        }
    }
}

/// Decodes one escape at the start of `s` (which begins with `\`):
/// `\DDD` (decimal, ≤ 255) or `\X`. Returns the byte and the input consumed.
pub fn unescape_one(s: &[u8]) -> Option<(u8, usize)> {
    debug_assert_eq!(s.first(), Some(&b'\\'));
    let c = *s.get(1)?;
    if c.is_ascii_digit() {
        let d2 = *s.get(2)?;
        let d3 = *s.get(3)?;
        if !d2.is_ascii_digit() || !d3.is_ascii_digit() {
            return None;
        }
        let v = (c - b'0') as u32 * 100 + (d2 - b'0') as u32 * 10 + (d3 - b'0') as u32;
        if v > 255 {
            return None;
        }
        Some((v as u8, 4))
    } else {
        Some((c, 2))
    }
}

/// Iterator over the labels of a name, leftmost first, root label excluded.
#[derive(Debug, Clone)]
pub struct Labels<'a> {
    wire: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for Labels<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        let len = *self.wire.get(self.pos)? as usize;
        if len == 0 {
            return None;
        }
        let label = &self.wire[self.pos + 1..self.pos + 1 + len];
        self.pos += 1 + len;
        Some(label)
    }
}

/// Where the uncompressed wire-form name starting at `pos` ends (one past
/// its root label), checking label and name lengths; no allocation.
pub fn wire_name_end(buf: &[u8], pos: usize) -> Result<usize, NameError> {
    let mut p = pos;
    loop {
        let len = *buf.get(p).ok_or(NameError::BadWire)? as usize;
        if len > MAX_LABEL_LEN {
            return Err(NameError::BadWire);
        }
        if p + 1 + len > buf.len() {
            return Err(NameError::BadWire);
        }
        p += 1 + len;
        if p - pos > MAX_NAME_LEN {
            return Err(NameError::NameTooLong { len: p - pos });
        }
        if len == 0 {
            return Ok(p);
        }
    }
}

/// RFC 4034 §6.1 canonical order on two wire-form names: "sorting the names
/// by their most significant (rightmost) labels ... each label [compared] as
/// a left-justified string of octets ... uppercase US-ASCII letters are
/// treated as if they were lowercase".
pub fn canonical_cmp_wire(a: &[u8], b: &[u8]) -> Ordering {
    // Offsets of every label; a name has at most 128 labels.
    let mut sa = [0u8; 128];
    let mut sb = [0u8; 128];
    let na = label_offsets(a, &mut sa);
    let nb = label_offsets(b, &mut sb);
    let (mut i, mut j) = (na, nb);
    while i > 0 && j > 0 {
        i -= 1;
        j -= 1;
        let pa = sa[i] as usize;
        let pb = sb[j] as usize;
        let la = &a[pa + 1..pa + 1 + a[pa] as usize];
        let lb = &b[pb + 1..pb + 1 + b[pb] as usize];
        let ord = cmp_label(la, lb);
        if ord != Ordering::Equal {
            return ord;
        }
    }
    na.cmp(&nb)
}

/// The number of rightmost labels two wire-form names share, compared
/// case-insensitively (root label not counted): the label count of their
/// closest common ancestor.
pub fn common_suffix_labels(a: &[u8], b: &[u8]) -> usize {
    let mut sa = [0u8; 128];
    let mut sb = [0u8; 128];
    let na = label_offsets(a, &mut sa);
    let nb = label_offsets(b, &mut sb);
    let mut shared = 0;
    while shared < na && shared < nb {
        let pa = sa[na - 1 - shared] as usize;
        let pb = sb[nb - 1 - shared] as usize;
        let la = &a[pa..pa + 1 + a[pa] as usize];
        let lb = &b[pb..pb + 1 + b[pb] as usize];
        if !la.eq_ignore_ascii_case(lb) {
            break;
        }
        shared += 1;
    }
    shared
}

/// The ancestors of a wire-form name that have more than `below` labels,
/// shallowest first, excluding the name itself (as wire-form suffixes of it).
pub fn ancestors_below(wire: &[u8], below: usize) -> impl Iterator<Item = &[u8]> {
    let mut offsets = [0u8; 128];
    let n = label_offsets(wire, &mut offsets);
    // The ancestor with c labels starts at the offset of label n − c.
    (below + 1..n).map(move |c| &wire[offsets[n - c] as usize..])
}

/// Number of labels of a wire-form name, not counting the root label (as
/// [`Name::label_count`]).
pub fn wire_label_count(wire: &[u8]) -> usize {
    let (mut n, mut p) = (0, 0usize);
    while let Some(&len) = wire.get(p).filter(|&&len| len != 0) {
        n += 1;
        p += 1 + len as usize;
    }
    n
}

fn label_offsets(wire: &[u8], out: &mut [u8; 128]) -> usize {
    let mut n = 0;
    let mut p = 0usize;
    while p < wire.len() && wire[p] != 0 && n < 128 {
        out[n] = p as u8;
        n += 1;
        p += 1 + wire[p] as usize;
    }
    n
}

fn cmp_label(a: &[u8], b: &[u8]) -> Ordering {
    for (x, y) in a.iter().zip(b.iter()) {
        let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
        if x != y {
            return x.cmp(&y);
        }
    }
    a.len().cmp(&b.len())
}

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        // Length octets are ≤ 63, below the ASCII letters, so a
        // case-insensitive comparison of the whole wire form is exact.
        self.0.eq_ignore_ascii_case(&other.0)
    }
}
impl Eq for Name {}

impl Hash for Name {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for b in self.0.iter() {
            state.write_u8(b.to_ascii_lowercase());
        }
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Name) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Name {
    fn cmp(&self, other: &Name) -> Ordering {
        self.canonical_cmp(other)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::with_capacity(self.0.len() + 4);
        self.write_presentation(&mut s);
        f.write_str(&s)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Name({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn n(s: &str) -> Name {
        Name::parse(s.as_bytes(), &Name::root()).unwrap()
    }

    proptest! {
        /// RFC 1035 §5.1 presentation: the one-piece path for plain names
        /// writes what the label-by-label path writes, and the text reads
        /// back as the same name.
        #[test]
        fn rfc1035_5_1_presentation_fast_path_matches_labels(
            labels in prop::collection::vec(
                prop_oneof![
                    prop::collection::vec(prop::sample::select(b"abz09-_*".to_vec()), 1..20),
                    prop::collection::vec(any::<u8>(), 1..8),
                ],
                0..6,
            )
        ) {
            let mut name = Name::root();
            for l in &labels {
                name = name.prepend_label(l).unwrap_or(name);
            }
            let mut fast = String::new();
            write_wire_presentation(name.as_wire(), &mut fast);
            let mut slow = String::new();
            for label in (Labels { wire: name.as_wire(), pos: 0 }) {
                write_label(label, &mut slow);
                slow.push('.');
            }
            if slow.is_empty() {
                slow.push('.');
            }
            prop_assert_eq!(&fast, &slow);
            prop_assert_eq!(Name::parse(fast.as_bytes(), &Name::root()).unwrap(), name);
        }
    }

    proptest! {
        #[test]
        fn octets_equal_marks_exactly_the_equal_octets(word in any::<u64>(), c in any::<u8>()) {
            let want = word.to_le_bytes().iter().enumerate().fold(0u64, |m, (i, &b)| {
                m | u64::from(b == c) << (8 * i + 7)
            });
            prop_assert_eq!(octets_equal(word, c), want);
            // An octet equal to c, and one above it that differs by one.
            let near = u64::from_le_bytes([c, c ^ 1, c, c.wrapping_add(1), 0, c, 0xff, c]);
            let want = near.to_le_bytes().iter().enumerate().fold(0u64, |m, (i, &b)| {
                m | u64::from(b == c) << (8 * i + 7)
            });
            prop_assert_eq!(octets_equal(near, c), want);
        }

        /// RFC 1035 §5.1 and §2.3.4: the one-pass parser of names without
        /// escapes writes what the label-by-label parser writes, and leaves
        /// to it every name it refuses, relative or absolute.
        #[test]
        fn rfc1035_5_1_plain_names_parse_as_label_by_label(
            text in prop::collection::vec(prop_oneof![
                8 => prop::sample::select(b"abZ09-_*".to_vec()),
                3 => Just(b'.'),
                1 => Just(b'\\'),
                1 => any::<u8>(),
            ], 1..300),
            long in 0usize..70,
            escapes in any::<bool>(),
            origin in prop_oneof![Just("."), Just("example."), Just("a.very.long.origin.example.")],
        ) {
            // Labels near the 63-octet limit, and names near 255; half of
            // them without escapes.
            let mut text = text;
            text.extend(std::iter::repeat_n(b'x', long));
            if !escapes {
                text.iter_mut().filter(|c| **c == b'\\').for_each(|c| *c = b'e');
            }
            let origin = n(origin);
            let mut want = b"prefix".to_vec();
            let slow = parse_labels(&text, &origin, &mut want);
            let mut got = b"prefix".to_vec();
            if parse_plain(&text, &origin, &mut got) {
                prop_assert!(slow.is_ok(), "{:?}", slow);
                prop_assert_eq!(&got, &want);
            } else {
                prop_assert_eq!(&got[..], b"prefix");
                prop_assert!(slow.is_err() || text.contains(&b'\\'));
            }
        }
    }

    /// Names on both sides of the inline limit (see the module
    /// documentation) behave alike: each is as parsed, built, lowercased,
    /// cut to its parent and compared, whichever way it is held.
    #[test]
    fn inline_and_heap_names_behave_alike() {
        let origin = n("Example.");
        for len in 1..=40usize {
            let label = "Ab".repeat(len).into_bytes()[..len].to_vec();
            let text = format!("{}.{}", String::from_utf8(label.clone()).unwrap(), "x.Example.");
            let parsed = n(&text);
            let built = origin.prepend_label(b"x").unwrap().prepend_label(&label).unwrap();
            assert_eq!(parsed.as_wire(), built.as_wire(), "{text}");
            assert_eq!(parsed.wire_len(), len + 1 + 2 + 9, "{text}");
            assert_eq!(parsed.to_string(), text, "{text}");
            let lower = parsed.to_lowercase();
            assert_eq!(lower.as_wire(), parsed.as_wire().to_ascii_lowercase().as_slice());
            assert_eq!(lower, parsed);
            let mut in_place = parsed.clone();
            in_place.make_lowercase();
            assert_eq!(in_place.as_wire(), lower.as_wire());
            assert_eq!(parsed.parent().unwrap().to_string(), "x.Example.");
            assert!(parsed.is_subdomain_of(&origin));
            let (read, end) = Name::from_wire(parsed.as_wire(), 0).unwrap();
            assert_eq!((read.as_wire(), end), (parsed.as_wire(), parsed.wire_len()));
            let mut taken = parsed.clone();
            assert_eq!(taken.take(), parsed);
            assert_eq!(taken.wire_len(), 0);
        }
    }

    /// RFC 4034 §6.1: "The following names are sorted in canonical DNS name order."
    #[test]
    fn rfc4034_section_6_1_example_order() {
        let expected = [
            "example.",
            "a.example.",
            "yljkjljk.a.example.",
            "Z.a.example.",
            "zABC.a.EXAMPLE.",
            "z.example.",
            "\\001.z.example.",
            "*.z.example.",
            "\\200.z.example.",
        ];
        let mut names: Vec<Name> = expected.iter().rev().map(|s| n(s)).collect();
        names.sort();
        let got: Vec<String> = names.iter().map(|x| x.to_string()).collect();
        let want: Vec<String> = expected.iter().map(|s| n(s).to_string()).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn relative_names_take_the_origin() {
        let origin = n("example.com.");
        assert_eq!(Name::parse(b"www", &origin).unwrap(), n("www.example.com."));
        assert_eq!(Name::parse(b"@", &origin).unwrap(), origin);
        assert_eq!(Name::parse(b"a\\.b", &origin).unwrap().label_count(), 3);
    }

    #[test]
    fn rfc1035_section_2_3_4_limits() {
        let long = "a".repeat(64);
        assert_eq!(
            Name::parse(long.as_bytes(), &Name::root()),
            Err(NameError::LabelTooLong { len: 64 })
        );
        let many = "abcdefghi.".repeat(26);
        assert!(matches!(
            Name::parse(many.as_bytes(), &Name::root()),
            Err(NameError::NameTooLong { .. })
        ));
        assert_eq!(Name::parse(b"a..b.", &Name::root()), Err(NameError::EmptyLabel));
        assert_eq!(Name::parse(b"a\\25x.", &Name::root()), Err(NameError::BadEscape));
        assert_eq!(Name::parse(b"a\\256.", &Name::root()), Err(NameError::BadEscape));
    }

    #[test]
    fn escapes_round_trip() {
        let name = n("a\\.b\\\\c\\000\\@.ex\\ ample.");
        assert_eq!(name.to_string(), "a\\.b\\\\c\\000\\@.ex\\032ample.");
        assert_eq!(n(&name.to_string()), name);
    }

    /// The forty-first audit (2026-12-07): printable punctuation is
    /// written `\X`, not `\DDD` (long names of it ran past what
    /// `ldns-verify-zone` reads), but `[` first in a label (BIND's
    /// bit-string label) and the space.
    #[test]
    fn printable_punctuation_is_escaped_with_a_backslash_only() {
        let name = n("a\\=b.\\[x.x\\[.\\#y.y\\#.\\!\\~\\`{}.\\032.");
        assert_eq!(name.to_string(), "a\\=b.\\091x.x\\[.\\035y.y\\#.\\!\\~\\`\\{\\}.\\032.");
        assert_eq!(n(&name.to_string()), name);
    }

    #[test]
    fn subdomain_and_parent() {
        assert!(n("a.b.example.").is_subdomain_of(&n("EXAMPLE.")));
        assert!(!n("a.bexample.").is_subdomain_of(&n("example.")));
        assert!(n("x.").is_subdomain_of(&Name::root()));
        assert_eq!(n("a.b.").parent().unwrap(), n("b."));
    }
}
