//! BIND key files: `K<zone>+<alg>+<tag>.key` (a DNSKEY record in zone-file
//! syntax) and `K<zone>+<alg>+<tag>.private` (`Private-key-format: v1.3`).
//!
//! # Background
//! `dnssec-keygen` writes the `.key` file as comment lines followed by one
//! DNSKEY record, for example
//!
//! ```text
//! ; This is a key-signing key, keyid 56191, for example.
//! ; Created: 20261128064533 (Sat Nov 28 06:45:33 2026)
//! example. IN DNSKEY 257 3 13 qn31MkFBKdBKCQQ8j0Y+nr1L3ZEdsDNCPEVgF0HLYOQN+DJ4UJOX4wom Vg...
//! ```
//!
//! and the `.private` file as `Field: value` lines, the key material in
//! base64. Timing fields (`Created:`, `Publish:`, `Activate:` ...) carry
//! `YYYYMMDDHHMMSS` timestamps and are ignored when reading.
//!
//! # Limitations
//! The `.key` parser is deliberately minimal: one record, owner name first,
//! optional TTL and class `IN` in either order, then `DNSKEY`, flags,
//! protocol, algorithm and base64 (possibly split over tokens, lines and
//! parentheses). `$ORIGIN`/`$TTL` directives and escapes beyond what
//! [`Name::parse`] handles are not supported. In `.private` files, fields
//! other than the key material and 14-digit timing fields are rejected, in
//! particular `Engine:`/`Label:` (keys held in an HSM through OpenSSL
//! engines), which the software backend cannot use.

use std::path::Path;

use time::macros::format_description;
use time::OffsetDateTime;
use zeroize::Zeroizing;

use super::{Algorithm, Dnskey, KeyError, FLAG_SEP};
use crate::zone::name::Name;
use crate::zone::rtype::Class;

/// The parsed contents of a `.key` file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyFile {
    /// The owner name of the DNSKEY record.
    pub owner: Name,
    /// The TTL, if the record had one.
    pub ttl: Option<u32>,
    /// The class: the zone's it belongs to (`dnssec-keygen -c CH`); IN
    /// when the record names none, as BIND reads it.
    pub class: Class,
    /// The DNSKEY RDATA in wire form.
    pub dnskey_rdata: Vec<u8>,
}

/// Reads and parses a `.key` file.
/// A file named as BIND names key files (`K<owner>+<alg>+<tag>.key`) must
/// hold that key: the name is what operators, `dnssec-signzone -S` and our
/// own messages go by. Checked for every use of a key file, not only for
/// signing keys: a published-only RSA key, a `--publish` file and an HSM
/// configuration's `dnskey` file under another key's name were taken
/// without a word (the fifty-third audit, 2026-12-07).
pub fn parse_key_file(path: &Path) -> Result<KeyFile, KeyError> {
    let key_file = read_key_record(path)?;
    check_file_name(path, &key_file)?;
    Ok(key_file)
}

/// Reads and parses a `.key` file without checking its name against the
/// key: for finding which files of a directory are the zone's, which must
/// not pass over a misnamed one (it is then read with [`parse_key_file`],
/// and refused).
pub(crate) fn read_key_record(path: &Path) -> Result<KeyFile, KeyError> {
    let bytes =
        read_regular_file(path).map_err(|source| KeyError::Io { path: path.to_owned(), source })?;
    let text = String::from_utf8(bytes).map_err(|_| unreadable(path, 0, "not UTF-8 text"))?;
    parse_key_text(&text, path)
}

/// See [`parse_key_file`]. Any name of BIND's shape counts, whatever its
/// numbers' digit counts: `Kexample.+013+9999` and `Kexample.+13+11111`,
/// which BIND's key search passes over, signed as the keys they held (the
/// fifty-fourth audit, 2026-12-07).
fn check_file_name(path: &Path, key_file: &KeyFile) -> Result<(), KeyError> {
    let Some(file_name) = path.file_name().and_then(|n| n.to_str()) else { return Ok(()) };
    let Some((owner_text, file_algorithm, file_tag)) = parse_file_name_loosely(file_name) else {
        return Ok(());
    };
    let rdata = &key_file.dnskey_rdata;
    let (algorithm, tag) = (rdata.get(3).copied().unwrap_or(0), super::key_tag(rdata));
    if file_algorithm != u64::from(algorithm) || file_tag != u64::from(tag) {
        return Err(KeyError::FileNameMismatch {
            path: path.to_owned(),
            file_algorithm,
            file_tag,
            algorithm,
            tag,
        });
    }
    if !file_name_names(owner_text, &key_file.owner) {
        return Err(KeyError::OwnerMismatch {
            path: path.to_owned(),
            file_owner: owner_text.to_owned(),
            record_owner: key_file.owner.to_string(),
        });
    }
    Ok(())
}

/// Whether the key file at `path` holds a KEY record (a SIG(0) key of
/// `dnssec-keygen -T KEY`, RFC 2931), not a DNSKEY: its type, after the
/// owner, a TTL and a class.
pub fn is_key_record_file(path: &Path) -> bool {
    let Ok(bytes) = read_regular_file(path) else { return false };
    let Ok(text) = std::str::from_utf8(&bytes) else { return false };
    let mut words = text.lines().flat_map(|l| line_tokens(&l[..comment_start(l)]));
    words.next();
    words
        .find(|w| parse_ttl(w).is_none() && Class::from_text(w.as_bytes()).is_none())
        .is_some_and(|w| w.eq_ignore_ascii_case("KEY"))
}

/// Reads a file that must be a regular one (a key file, a PIN file, an HSM
/// configuration). Opened without blocking and checked before it is read:
/// a FIFO in the key directory kept the run waiting in `open` for ever,
/// without a word (the twenty-ninth audit, 2026-12-06; `dnssec-signzone`
/// and `ldns-signzone` hang too).
pub(crate) fn read_regular_file(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file =
        std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path)?;
    let meta = file.metadata()?;
    if meta.is_dir() {
        return Err(std::io::Error::new(std::io::ErrorKind::IsADirectory, "is a directory"));
    }
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file (a FIFO, socket or device)",
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn unreadable(path: &Path, line: usize, reason: impl Into<String>) -> KeyError {
    KeyError::Unreadable { path: path.to_owned(), line, reason: reason.into() }
}

/// Parses the text of a `.key` file; `path` is for error messages.
/// Where the comment of a key file's line starts (its length if none): the
/// first `;` not escaped by a backslash (RFC 1035 §5.1: "\X where X is any
/// character other than a digit (0-9), is used to quote that character so
/// that its special meaning does not apply"). An owner such as `x\;y.`
/// was cut at its `;`, and the key files `zonesign keygen` itself wrote
/// for such a zone could not be read (the fourteenth audit, 2026-12-06).
fn comment_start(line: &str) -> usize {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b';' => return i,
            _ => i += 1,
        }
    }
    line.len()
}

/// The tokens of a key file's line without its comment: separated by blanks
/// and parentheses (which only group lines), none of them escaped.
/// The opening and closing parentheses of `line` that no backslash
/// escapes (RFC 1035 §5.1: `\(` is a character of a name; counted, an owner
/// such as `a\).example.` made a one-record file two: the thirtieth audit,
/// 2026-12-06).
fn unescaped_parentheses(line: &str) -> (usize, usize) {
    let bytes = line.as_bytes();
    let (mut open, mut close, mut i) = (0, 0, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'(' => open += 1,
            b')' => close += 1,
            _ => {}
        }
        i += 1;
    }
    (open, close)
}

fn line_tokens(line: &str) -> Vec<&str> {
    let bytes = line.as_bytes();
    let mut tokens = Vec::new();
    let mut start = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace() || b == b'(' || b == b')' {
            if let Some(s) = start.take() {
                tokens.push(&line[s..i]);
            }
            i += 1;
            continue;
        }
        start.get_or_insert(i);
        // An escaped octet is part of the token, whatever it is; the
        // escape's own digits (`\DDD`) are ordinary token characters.
        i += if b == b'\\' { 2 } else { 1 };
    }
    if let Some(s) = start {
        tokens.push(&line[s..bytes.len().min(i)]);
    }
    tokens
}

pub(crate) fn parse_key_text(text: &str, path: &Path) -> Result<KeyFile, KeyError> {
    // A byte order mark was read as the owner of a record, and the file
    // refused as holding "a second record" (the fifty-sixth audit,
    // 2026-12-07); BIND refuses such a file too.
    if text.starts_with('\u{feff}') {
        return Err(unreadable(
            path,
            1,
            "a UTF-8 byte order mark begins the file: save it without one",
        ));
    }
    // Tokens with their 1-based line numbers. A `;` starts a comment
    // (RFC 1035 §5.1); parentheses only group lines, so they separate
    // tokens and are otherwise dropped.
    let mut tokens: Vec<(usize, &str)> = Vec::new();
    let mut owner_omitted_on = None;
    // A line with tokens outside parentheses after the first record's: a
    // second record. Its tokens were read as more of the public key, and
    // the file refused as "not base64: invalid length at 196" (the
    // twenty-ninth audit, 2026-12-06).
    let mut depth = 0usize;
    let mut second_record_on = None;
    for (index, raw_line) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = &raw_line[..comment_start(raw_line)];
        if tokens.is_empty()
            && line.starts_with([' ', '\t'])
            && !line.trim().is_empty()
            && owner_omitted_on.is_none()
        {
            owner_omitted_on = Some(line_no);
        }
        let words = line_tokens(line);
        if depth == 0 && !tokens.is_empty() && !words.is_empty() && second_record_on.is_none() {
            second_record_on = Some(line_no);
        }
        let (open, close) = unescaped_parentheses(line);
        depth = (depth + open).saturating_sub(close);
        tokens.extend(words.into_iter().map(|t| (line_no, t)));
    }
    if let Some(line) = owner_omitted_on {
        return Err(unreadable(path, line, "the DNSKEY record must start with its owner name"));
    }
    // A directive first is refused as such below, not as a second record
    // (the thirtieth audit, 2026-12-06).
    if let Some(line) =
        second_record_on.filter(|_| !tokens.first().is_some_and(|t| t.1.starts_with('$')))
    {
        return Err(unreadable(
            path,
            line,
            "a second record: a key file holds one DNSKEY record (of `dig` output, keep the \
             line of the one key)",
        ));
    }
    let mut iter = tokens.into_iter().peekable();
    let (owner_line, owner_text) =
        iter.next().ok_or_else(|| unreadable(path, 0, "no DNSKEY record in the file"))?;
    if owner_text.starts_with('$') {
        return Err(unreadable(path, owner_line, "directives ($ORIGIN, $TTL) are not supported"));
    }
    let owner = Name::parse(owner_text.as_bytes(), &Name::root())
        .map_err(|e| unreadable(path, owner_line, format!("bad owner name: {e}")))?;

    // RFC 1035 §5.1: "<domain-name> [<TTL>] [<class>] <type> <RDATA>" or
    // "[<class>] [<TTL>]".
    let mut ttl = None;
    let mut class = None;
    let mut last_line = owner_line;
    loop {
        let (line, token) = iter
            .next()
            .ok_or_else(|| unreadable(path, last_line, "record ends before its type"))?;
        last_line = line;
        if token.eq_ignore_ascii_case("DNSKEY") {
            break;
        }
        if ttl.is_none() && token.starts_with(|c: char| c.is_ascii_digit()) {
            ttl = Some(
                parse_ttl(token)
                    .ok_or_else(|| unreadable(path, line, format!("bad TTL {token:?}")))?,
            );
        } else if let Some(c) = Class::from_text(token.as_bytes()).filter(|_| class.is_none()) {
            // `dnssec-keygen -c CH` writes the zone's class (the fourteenth
            // audit, 2026-12-06: refused, while IN keys signed a CH zone);
            // kept, to be compared with the zone's (`keys::not_of_zone`).
            class = Some(c);
        } else {
            return Err(unreadable(
                path,
                line,
                format!("expected TTL, class (IN, CH, HS or CLASSnn) or DNSKEY, found {token:?}"),
            ));
        }
    }

    let mut number = |what: &str, max: u32| -> Result<u32, KeyError> {
        let (line, token) = iter
            .next()
            .ok_or_else(|| unreadable(path, last_line, format!("record ends before the {what}")))?;
        last_line = line;
        token
            .parse::<u32>()
            .ok()
            .filter(|&v| v <= max)
            .ok_or_else(|| unreadable(path, line, format!("bad {what} {token:?}")))
    };
    // The casts are lossless: each value was checked against the maximum.
    let flags = number("flags", u32::from(u16::MAX))? as u16;
    let protocol = number("protocol", 255)? as u8;
    let algorithm = number("algorithm", 255)? as u8;

    let mut base64 = String::new();
    for (_, token) in iter.by_ref() {
        base64.push_str(token);
    }
    if base64.is_empty() {
        return Err(unreadable(path, last_line, "the DNSKEY record has no public key"));
    }
    let public_key = data_encoding::BASE64
        .decode(base64.as_bytes())
        .map_err(|e| unreadable(path, last_line, format!("public key is not base64: {e}")))?;
    let mut dnskey_rdata = Vec::with_capacity(4 + public_key.len());
    dnskey_rdata.extend_from_slice(&flags.to_be_bytes());
    dnskey_rdata.push(protocol);
    dnskey_rdata.push(algorithm);
    dnskey_rdata.extend_from_slice(&public_key);
    Dnskey::parse(&dnskey_rdata, &path.display().to_string())?;
    Ok(KeyFile { owner, ttl, class: class.unwrap_or(Class::IN), dnskey_rdata })
}

/// A TTL as a number of seconds or in BIND's unit form (`1h30m`).
fn parse_ttl(text: &str) -> Option<u32> {
    if let Ok(v) = text.parse::<u32>() {
        return Some(v);
    }
    let mut total: u64 = 0;
    let mut current: Option<u64> = None;
    for c in text.chars() {
        if let Some(d) = c.to_digit(10) {
            current = Some(current.unwrap_or(0).checked_mul(10)? + u64::from(d));
            continue;
        }
        let unit = match c.to_ascii_lowercase() {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return None,
        };
        total = total.checked_add(current.take()?.checked_mul(unit)?)?;
    }
    if current.is_some() {
        return None;
    }
    u32::try_from(total).ok()
}

/// The key material of a `.private` file. Values are decoded base64 in
/// buffers that are wiped when dropped.
pub(crate) struct PrivateFile {
    pub(crate) algorithm: u8,
    fields: Vec<(&'static str, Zeroizing<Vec<u8>>)>,
    pub(crate) timing: KeyTiming,
}

/// The timing metadata of a `.private` file (BIND 9.7 and later, format
/// v1.3), as seconds since the epoch: what `dnssec-signzone -S` follows for
/// the keys of a key directory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyTiming {
    /// Format v1.3 or later: BIND's smart signing reads the times below.
    /// Older files have none, and their keys are always published and
    /// active.
    pub smart: bool,
    pub publish: Option<i64>,
    pub activate: Option<i64>,
    pub inactive: Option<i64>,
    pub delete: Option<i64>,
    pub revoke: Option<i64>,
    /// When the key's CDS and CDNSKEY are to be published to the parent,
    /// and withdrawn (`dnssec-settime -P sync`, `-D sync`).
    pub sync_publish: Option<i64>,
    pub sync_delete: Option<i64>,
}

impl KeyTiming {
    /// The time a field sets, by its name in any case, as BIND reads
    /// metadata names (`strcasecmp`).
    fn slot(&mut self, field: &str) -> Option<&mut Option<i64>> {
        let slots = [
            ("Publish", &mut self.publish),
            ("Activate", &mut self.activate),
            ("Inactive", &mut self.inactive),
            ("Delete", &mut self.delete),
            ("Revoke", &mut self.revoke),
            ("SyncPublish", &mut self.sync_publish),
            ("SyncDelete", &mut self.sync_delete),
        ];
        slots.into_iter().find(|(name, _)| name.eq_ignore_ascii_case(field)).map(|(_, slot)| slot)
    }
}

/// What a key's CDS timing says at a given time, as `dnssec-signzone -S`
/// reads `SyncPublish` and `SyncDelete`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncState {
    /// SyncPublish has passed, SyncDelete has not: the parent is to be
    /// offered the key's CDS and CDNSKEY.
    Publish { at: i64 },
    /// SyncPublish is to come: not yet.
    NotYet { at: i64 },
    /// SyncDelete has passed: the records are withdrawn.
    Withdrawn { at: i64 },
}

impl KeyTiming {
    /// The key's CDS timing at `now`; `None` without a SyncPublish or
    /// SyncDelete time (BIND then leaves the CDS as they are).
    pub fn sync_state(&self, now: i64) -> Option<SyncState> {
        match (self.sync_publish, self.sync_delete) {
            // BIND's `syncpublish()`: withdrawn once SyncDelete "< now".
            (_, Some(at)) if at < now => Some(SyncState::Withdrawn { at }),
            (Some(at), _) if at > now => Some(SyncState::NotYet { at }),
            (Some(at), _) => Some(SyncState::Publish { at }),
            (None, _) => None,
        }
    }
}

/// What a key's timing metadata says it is at a given time, as BIND's
/// `dnssec-signzone -S` reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    /// Not yet published, or deleted: not in the zone at all.
    Absent { field: &'static str, at: i64 },
    /// Published but not signing: before its activation or after it went
    /// inactive.
    PublishedOnly { field: &'static str, at: i64 },
    /// Its revocation time has passed (RFC 5011): it must be published
    /// with the REVOKE flag, which changes its key tag and so its files.
    RevokeDue { at: i64 },
    /// Published and signing.
    Active,
}

impl KeyTiming {
    /// The key's state at `now`, as BIND's `get_hints` decides it. A key of
    /// an older format (v1.2 and before: no timing) is active. From v1.3 a
    /// key is published from its Publish time, else from its activation,
    /// and a file with neither is neither published nor used: that is what
    /// `dnssec-keygen -G` writes ("generate key only; do not set -P or
    /// -A"), a key made ahead of its schedule. zonesign published it and
    /// signed with it, and `--cds` offered it to the parent (the ninth
    /// audit, 2026-12-06).
    pub fn state(&self, now: i64) -> KeyState {
        if !self.smart {
            return KeyState::Active;
        }
        let passed = |t: Option<i64>| t.filter(|&t| t <= now);
        if let Some(at) = passed(self.delete) {
            return KeyState::Absent { field: "Delete", at };
        }
        match self.publish.or(self.activate) {
            Some(at) if at > now => {
                return KeyState::Absent { field: "Publish", at };
            }
            // `at: 0`: no such time.
            None => return KeyState::Absent { field: "Publish", at: 0 },
            Some(_) => {}
        }
        // Without a Publish time a key is published while it signs (BIND
        // 9.18's `dns_dnssec_get_hints`: "hint_sign && publish == 0"): past
        // its Inactive time, `dnssec-signzone -S` leaves it out, and
        // zonesign published it (the fifty-sixth audit, 2026-12-07); and
        // BIND honours a revocation of a published key only, so it goes
        // before the Revoke time (a revoked KSK was still published and
        // signed: the fifty-seventh).
        if let Some(at) = passed(self.inactive).filter(|_| self.publish.is_none()) {
            return KeyState::Absent { field: "Inactive", at };
        }
        if let Some(at) = passed(self.revoke) {
            return KeyState::RevokeDue { at };
        }
        if let Some(at) = passed(self.inactive) {
            return KeyState::PublishedOnly { field: "Inactive", at };
        }
        match self.activate {
            Some(at) if at <= now => KeyState::Active,
            Some(at) => KeyState::PublishedOnly { field: "Activate", at },
            None => KeyState::PublishedOnly { field: "Activate", at: 0 },
        }
    }
}

impl PrivateFile {
    /// Whether the file holds any key-material field.
    pub(crate) fn has_material(&self) -> bool {
        !self.fields.is_empty()
    }

    /// The decoded value of a key-material field.
    pub(crate) fn field(&self, name: &str, path: &Path) -> Result<&[u8], KeyError> {
        self.fields
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_slice())
            .ok_or_else(|| unreadable(path, 0, format!("the {name} field is missing")))
    }
}

/// Key-material fields, as BIND names them.
const MATERIAL_FIELDS: [&str; 9] = [
    "PrivateKey",
    "Modulus",
    "PublicExponent",
    "PrivateExponent",
    "Prime1",
    "Prime2",
    "Exponent1",
    "Exponent2",
    "Coefficient",
];

/// The fields of an RSA private key (RFC 3110 keys as BIND writes them).
pub(super) const RSA_FIELDS: &[&str] = {
    let [_, rest @ ..] = &MATERIAL_FIELDS;
    rest
};

/// The times a `.private` file holds besides those [`KeyTiming`] reads
/// (BIND's `dst_key` metadata: when the key was made, and when its DS was
/// seen published in the parent).
const OTHER_TIME_FIELDS: &[&str] = &["Created", "DSPublish"];

/// The numbers a `.private` file may hold (BIND's `dst_key` metadata: the
/// key tags of a rollover's keys, `dnssec-keygen -S`, and two durations).
/// With the times, these are all the metadata BIND 9.18 reads from a
/// v1.3 file; any other field it refuses ("private key is invalid").
const NUMBER_FIELDS: &[&str] = &[
    "Predecessor",
    "Successor",
    "MaxTTL",
    "RollPeriod",
    // Numbers of BIND's `.state` files, which 9.18 refuses in a `.private`
    // file; taken, as a later BIND may write them there: they decide nothing.
    "Lifetime",
    "DSPubCount",
    "DSRemCount",
];

/// `name` in `fields`, in any case: BIND reads the names of key material
/// and metadata with `strcasecmp` (`inactive:` retires a key for
/// `dnssec-signzone -S`; it was skipped here as unknown metadata, and the
/// key signed: the fifty-third audit, 2026-12-07). `Private-key-format`
/// and `Algorithm` it reads in their case only, and so do we.
fn known_field(fields: &[&'static str], name: &str) -> Option<&'static str> {
    fields.iter().copied().find(|f| f.eq_ignore_ascii_case(name))
}

/// Parses the text of a `.private` file; `path` is for error messages.
/// The text is key material: the caller holds it in a `Zeroizing` buffer,
/// and nothing of a value is ever put into an error.
pub(crate) fn parse_private_text(text: &str, path: &Path) -> Result<PrivateFile, KeyError> {
    let mut format_seen = false;
    // The format's minor version: fields unknown to v1.3 are refused, those
    // of later v1 formats ignored, as BIND does ("a later minor version
    // only adds fields").
    let mut minor = 0u32;
    let mut timing = KeyTiming::default();
    let mut algorithm = None;
    // (field, line, base64 text); continuation lines (leading whitespace)
    // are appended, as in the RFC examples that wrap long values.
    let mut material: Vec<(&'static str, usize, Zeroizing<String>)> = Vec::new();
    let mut last_was_material = false;
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        if line.trim().is_empty() {
            // BIND reads the format line first and the Algorithm line
            // second, with no blank line before either (the fifty-sixth
            // audit, 2026-12-07: such a file's key signed).
            if algorithm.is_none() {
                return Err(unreadable(
                    path,
                    line_no,
                    "a blank line before the Algorithm line (BIND reads Private-key-format on the first line, Algorithm on the second)",
                ));
            }
            last_was_material = false;
            continue;
        }
        // A wrapped value goes on with base64, which has no colon: an
        // indented field line after the material was taken for more of it
        // (the fifty-sixth audit).
        if line.starts_with([' ', '\t']) && last_was_material && !line.contains(':') {
            if let Some((_, _, value)) = material.last_mut() {
                value.push_str(line.trim());
            }
            continue;
        }
        // BIND reads `Field:` as one token, the value as the next: a space
        // after the colon, none before it. `Activate:2020…` and `Inactive
        // :2020…`, which it refuses, were read (the fifty-fifth audit).
        let (name, value) = line
            .split_once(':')
            .filter(|(name, value)| {
                !name.ends_with([' ', '\t']) && (value.is_empty() || value.starts_with([' ', '\t']))
            })
            .ok_or_else(|| unreadable(path, line_no, "expected \"Field: value\""))?;
        let (name, value) = (name.trim(), value.trim());
        // BIND reads the format line first and the Algorithm line second;
        // a file in another order it refuses, and its key was taken (the
        // fifty-fifth audit, 2026-12-07).
        let first_two = match (format_seen, algorithm.is_some()) {
            (false, _) => Some("Private-key-format"),
            (true, false) => Some("Algorithm"),
            _ => None,
        };
        if let Some(expected) = first_two.filter(|&e| e != name) {
            return Err(unreadable(
                path,
                line_no,
                format!("expected the {expected} line here (BIND reads Private-key-format first, then Algorithm), found {name:?}"),
            ));
        }
        last_was_material = false;
        if name == "Private-key-format" && format_seen {
            // A second one reset the version: a v1.3 file's Inactive time
            // then went unread and its retired key signed (the fifty-fourth
            // audit, 2026-12-07); BIND refuses the file.
            return Err(unreadable(path, line_no, "the Private-key-format line appears twice"));
        } else if name == "Algorithm" && algorithm.is_some() {
            return Err(unreadable(path, line_no, "the Algorithm line appears twice"));
        } else if name == "Private-key-format" {
            // BIND writes v1.3 (v1.2 before 9.7); a different major
            // version may change the meaning of the fields.
            minor = value
                .strip_prefix("v1.")
                .and_then(|m| m.parse::<u32>().ok())
                .filter(|&m| m >= 2)
                .ok_or_else(|| {
                    unreadable(
                        path,
                        line_no,
                        format!(
                            "unsupported Private-key-format {value:?} (expected v1.2 or later v1)"
                        ),
                    )
                })?;
            format_seen = true;
            timing.smart = minor >= 3;
        } else if name == "Algorithm" {
            let number = value.split_whitespace().next().unwrap_or("");
            algorithm = Some(number.parse::<u8>().map_err(|_| {
                unreadable(path, line_no, format!("bad algorithm number {number:?}"))
            })?);
        } else if let Some(field) = known_field(&MATERIAL_FIELDS, name) {
            if material.iter().any(|(f, _, _)| *f == field) {
                return Err(unreadable(path, line_no, format!("the {field} field appears twice")));
            }
            let mut v = Zeroizing::new(String::with_capacity(value.len()));
            v.push_str(value);
            material.push((field, line_no, v));
            last_was_material = true;
        } else if known_field(&["Engine", "Label"], name).is_some() {
            return Err(unreadable(
                path,
                line_no,
                "the key is held by an OpenSSL engine or PKCS#11 token (Engine/Label); \
                 the software backend cannot use it (sign through the HSM with --hsm-config)",
            ));
        } else if name == "External" {
            // BIND's `External:` (a key whose private part is elsewhere, in
            // its case only, as BIND reads it): no material. It was an
            // unknown field.
            return Err(unreadable(
                path,
                line_no,
                "the key is marked External: its private key is not in the file",
            ));
        } else if let Some(slot) = timing.slot(name) {
            let digits = value.len() == 14 && value.bytes().all(|b| b.is_ascii_digit());
            let at = digits.then(|| crate::sign::validity::parse_yyyymmddhhmmss(value));
            let at = at.flatten().ok_or_else(|| {
                unreadable(path, line_no, format!("the {name} time is not YYYYMMDDHHMMSS"))
            })?;
            *slot = Some(at);
        } else if let Some(name) = known_field(OTHER_TIME_FIELDS, name) {
            // Checked as the timing fields are: a bad value was called an
            // "unknown field" (v1.3) or passed (v1.4 and later; the
            // twenty-ninth audit, 2026-12-06). BIND: "syntax error".
            let digits = value.len() == 14 && value.bytes().all(|b| b.is_ascii_digit());
            if !digits || crate::sign::validity::parse_yyyymmddhhmmss(value).is_none() {
                return Err(unreadable(
                    path,
                    line_no,
                    format!("the {name} time is not YYYYMMDDHHMMSS, found {value:?}"),
                ));
            }
        } else if let Some(name) = known_field(NUMBER_FIELDS, name) {
            // BIND: a 32-bit number (`isc_parse_uint32`), else the key is
            // invalid.
            if value.parse::<u32>().is_err() {
                return Err(unreadable(
                    path,
                    line_no,
                    format!("the {name} field is not a number, found {value:?}"),
                ));
            }
        } else if minor <= 3 {
            // A field unknown to v1.3, numeric or not: a misspelt timing
            // field (`Inactve:`) was skipped as other metadata and its key
            // signed (the fifty-third audit); BIND refuses the file.
            return Err(unreadable(
                path,
                line_no,
                format!(
                    "unknown field {name:?} in a Private-key-format v1.{minor} file (BIND \
                     refuses it too: besides key material it reads Created, Publish, Activate, \
                     Inactive, Delete, Revoke, SyncPublish, SyncDelete, DSPublish, Predecessor, \
                     Successor, MaxTTL and RollPeriod, the times from v1.3 on)"
                ),
            ));
        }
    }
    if !format_seen {
        return Err(unreadable(path, 1, "missing \"Private-key-format: v1.3\" line"));
    }
    let algorithm = algorithm.ok_or_else(|| unreadable(path, 0, "missing Algorithm field"))?;
    // A v1.2 file has no timing (BIND's `-S` passes over such a key
    // altogether; zonesign signs with it, as `ldns-keygen` writes v1.2):
    // times in one went unread, and a key retired by its Inactive time
    // signed (the fifty-fifth audit, 2026-12-07).
    if minor < 3 && timing != KeyTiming::default() {
        return Err(unreadable(
            path,
            0,
            format!(
                "Private-key-format v1.{minor} holds timing fields, which only v1.3 and later \
                 have (dnssec-signzone -S leaves a v1.2 key out): write v1.3, or remove them"
            ),
        ));
    }
    // The material of the file's algorithm only, as BIND takes it
    // (`find_value` looks a field up for the algorithm): an ECDSA file
    // with a `Modulus` was taken (the fifty-fourth audit, 2026-12-07).
    let rsa = matches!(algorithm, 1 | 5 | 7 | 8 | 10);
    if let Some((field, line, _)) = material.iter().find(|(f, _, _)| (*f == "PrivateKey") == rsa) {
        return Err(unreadable(
            path,
            *line,
            format!("the {field} field is no part of an algorithm {algorithm} key"),
        ));
    }
    let mut fields = Vec::with_capacity(material.len());
    for (field, line, b64) in material {
        let compact: Zeroizing<String> =
            Zeroizing::new(b64.chars().filter(|c| !c.is_ascii_whitespace()).collect());
        let decoded = data_encoding::BASE64
            .decode(compact.as_bytes())
            .map(Zeroizing::new)
            .map_err(|_| unreadable(path, line, format!("the {field} field is not base64")))?;
        fields.push((field, decoded));
    }
    Ok(PrivateFile { algorithm, fields, timing })
}

/// The file name stem BIND uses, `K<owner>+<alg>+<tag>`, e.g.
/// `Kexample.+013+56191`, the owner in [`file_name_owner`] form.
/// No owner leaves the key directory: `/` is written `%2F`.
pub fn key_file_stem(owner: &Name, algorithm: Algorithm, tag: u16) -> String {
    format!("K{}+{:03}+{tag:05}", file_name_owner(owner), algorithm.number())
}

/// An owner name as BIND writes it in key file names
/// (`dns_name_tofilenametext`): lowercase letters, digits, `-` and `_` as
/// they are, every other octet of a label as `%XX` (upper-case hex),
/// labels joined by `.`, with the final dot; the root is `.`. So
/// `a\032b.zt.` is `a%20b.zt.` and `a\.b.zt.` is `a%2Eb.zt.`. zonesign
/// wrote the presentation form, so `dnssec-signzone -K` did not find its
/// keys nor `sign --key-dir` BIND's (the seventh audit, 2026-12-06).
pub fn file_name_owner(owner: &Name) -> String {
    if owner.is_root() {
        return ".".to_string();
    }
    let mut out = String::new();
    for label in owner.labels() {
        for &b in label {
            match b.to_ascii_lowercase() {
                c @ (b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_') => out.push(char::from(c)),
                _ => out.push_str(&format!("%{b:02X}")),
            }
        }
        out.push('.');
    }
    out
}

/// The owner a key file name gives: BIND's form ([`file_name_owner`]),
/// or the presentation form older zonesign versions wrote.
pub(crate) fn owner_of_file_name(text: &str) -> Option<Name> {
    if !text.contains('%') {
        return Name::parse(text.as_bytes(), &Name::root()).ok();
    }
    let mut wire = Vec::new();
    for label in text.strip_suffix('.')?.split('.') {
        let mut octets = Vec::new();
        let bytes = label.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                octets.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            } else {
                octets.push(bytes[i]);
                i += 1;
            }
        }
        if octets.is_empty() || octets.len() > 63 {
            return None;
        }
        wire.push(octets.len() as u8);
        wire.extend_from_slice(&octets);
    }
    wire.push(0);
    Name::from_wire_exact(&wire).ok()
}

/// Whether a key file name's owner part names `owner`, in BIND's form
/// ([`owner_of_file_name`]) or as presentation text, as `ldns-keygen`
/// writes it (`Ka%41b.example.+…` for the zone `a%41b.example.`, which
/// BIND's form reads as `aab.example.`: such keys were refused, the
/// twentieth audit, 2026-12-06). Case is not significant.
pub(crate) fn file_name_names(owner_text: &str, owner: &Name) -> bool {
    let same = |n: Name| n.to_lowercase() == owner.to_lowercase();
    owner_of_file_name(owner_text).is_some_and(same)
        || Name::parse(owner_text.as_bytes(), &Name::root()).is_ok_and(same)
}

/// `K<owner>+<algorithm>+<tag>.key` (or `.private`) with numbers of any
/// digit count (saturated at `u64::MAX`), for [`check_file_name`]; a
/// lower-case `k` too, which the key directory's scan once took (the
/// fifty-fifth audit).
fn parse_file_name_loosely(file_name: &str) -> Option<(&str, u64, u64)> {
    let (_, owner, alg, tag) = file_name_parts(file_name)?;
    // An owner part that reads as no name (`K+13+1.key`) is no name of
    // BIND's shape: such a file is taken as it is named (the fifty-fifth
    // audit, 2026-12-07: it was refused as "file name says owner ,").
    let reads_as_a_name = !owner.is_empty()
        && (owner_of_file_name(owner).is_some()
            || Name::parse(owner.as_bytes(), &Name::root()).is_ok());
    if !reads_as_a_name {
        return None;
    }
    let number = |digits: &str| {
        (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse::<u64>().unwrap_or(u64::MAX))
    };
    Some((owner, number(alg)?, number(tag)?))
}

/// Splits a file name `K<owner>+<alg>+<tag>.key` (or `.private`) into its
/// parts; `None` if the name does not have that shape.
pub(crate) fn parse_file_name(file_name: &str) -> Option<(&str, u8, u16)> {
    let (upper, owner, alg, tag) = file_name_parts(file_name)?;
    if !upper || tag.len() != 5 || alg.len() != 3 {
        return None;
    }
    Some((owner, alg.parse().ok()?, tag.parse().ok()?))
}

/// The owner, algorithm and tag texts of a `.key` or `.private` file name
/// `K<owner>+<alg>+<tag>`, and whether its `K` is upper-case (a lower-case
/// `k` is taken too, for [`parse_file_name_loosely`]).
fn file_name_parts(file_name: &str) -> Option<(bool, &str, &str, &str)> {
    let stem = file_name.strip_suffix(".key").or_else(|| file_name.strip_suffix(".private"))?;
    let upper = stem.starts_with('K');
    let (rest, tag) = stem.strip_prefix(['K', 'k'])?.rsplit_once('+')?;
    let (owner, alg) = rest.rsplit_once('+')?;
    Some((upper, owner, alg, tag))
}

/// BIND's timestamp form, `YYYYMMDDHHMMSS` in UTC.
pub(crate) fn bind_timestamp(t: OffsetDateTime) -> String {
    let format = format_description!("[year][month][day][hour][minute][second]");
    // Formatting a UTC date of year 0..=9999 with numeric components cannot
    // fail; fall back to the Unix epoch form BIND would also accept.
    t.format(&format).unwrap_or_else(|_| "19700101000000".to_owned())
}

/// The `ctime(3)` form BIND puts in parentheses after a timestamp in the
/// `.key` comments: `Sat Nov 28 06:45:33 2026`.
fn ctime(t: OffsetDateTime) -> String {
    let format = format_description!(
        "[weekday repr:short] [month repr:short] [day padding:space] \
         [hour]:[minute]:[second] [year]"
    );
    t.format(&format).unwrap_or_default()
}

/// Splits base64 text into groups of 56 characters separated by spaces, as
/// `dnssec-keygen` writes the public key.
fn split_base64(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 56);
    for (i, c) in text.chars().enumerate() {
        if i > 0 && i % 56 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// The text of a `.key` file as BIND 9.18 writes it.
pub(crate) fn format_key_file(
    owner: &Name,
    class: Class,
    dnskey_rdata: &[u8],
    tag: u16,
    created: OffsetDateTime,
) -> String {
    // Callers pass RDATA built by dnskey_rdata(), at least 5 octets long.
    let flags = u16::from_be_bytes([dnskey_rdata[0], dnskey_rdata[1]]);
    let kind = if flags & FLAG_SEP != 0 { "key-signing" } else { "zone-signing" };
    let stamp = format!("{} ({})", bind_timestamp(created), ctime(created));
    let public = data_encoding::BASE64.encode(&dnskey_rdata[4..]);
    let owner_text = owner.to_string();
    // BIND writes the zone with one final dot: `for example.`, `for .`.
    let zone = &owner_text;
    format!(
        "; This is a {kind} key, keyid {tag}, for {zone}\n\
         ; Created: {stamp}\n\
         ; Publish: {stamp}\n\
         ; Activate: {stamp}\n\
         {owner_text} {class} DNSKEY {flags} {} {} {}\n",
        dnskey_rdata[2],
        dnskey_rdata[3],
        split_base64(&public)
    )
}

/// The text of a `.private` file: `fields` are (name, value) pairs of key
/// material, written in the given order. The result holds key material.
pub(crate) fn format_private_file(
    algorithm: Algorithm,
    fields: &[(&str, &[u8])],
    created: OffsetDateTime,
) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(2048));
    out.push_str("Private-key-format: v1.3\n");
    out.push_str(&format!("Algorithm: {} ({})\n", algorithm.number(), algorithm.mnemonic()));
    for (name, value) in fields {
        let encoded = Zeroizing::new(data_encoding::BASE64.encode(value));
        out.push_str(name);
        out.push_str(": ");
        out.push_str(&encoded);
        out.push('\n');
    }
    let stamp = bind_timestamp(created);
    for timing in ["Created", "Publish", "Activate"] {
        out.push_str(&format!("{timing}: {stamp}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1035_section_5_1_key_file_forms() {
        let path = Path::new("K.key");
        let text = "; comment\n; Created: 20260101000000\n\
                    example.com. 3600 IN DNSKEY 257 3 15 (\n  l02Woi0iS8Aa25FQkUd9RMzZ\n\
                    HJpBoRQwAQEX1SxZJA4= ) ; trailing\n";
        let k = parse_key_text(text, path).unwrap();
        assert_eq!(k.ttl, Some(3600));
        assert_eq!(k.owner.to_string(), "example.com.");
        assert_eq!(&k.dnskey_rdata[..4], &[1, 1, 3, 15]);
        assert_eq!(k.dnskey_rdata.len(), 4 + 32);

        let k2 = parse_key_text(
            "example.com. IN 1h DNSKEY 256 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=",
            path,
        )
        .unwrap();
        assert_eq!(k2.ttl, Some(3600));

        let err = parse_key_text("example.com. IN TXT 256 3 15 AA==", path).unwrap_err();
        assert!(matches!(err, KeyError::Unreadable { line: 1, .. }), "{err}");
        let err = parse_key_text("example.com. DNSKEY 256 4 15 AAAA", path).unwrap_err();
        assert!(matches!(err, KeyError::MalformedDnskey { .. }), "{err}");
        let err = parse_key_text("; only\n", path).unwrap_err();
        assert!(matches!(err, KeyError::Unreadable { .. }), "{err}");
    }

    proptest::proptest! {
        /// Any text, escapes and comments anywhere: the key file reader
        /// answers, never panics, and its tokens are pieces of the line.
        #[test]
        fn key_file_reader_never_panics(text in "[ -~\\t\\n();\\\\é]{0,120}") {
            let _ = parse_key_text(&text, Path::new("K.key"));
            for line in text.lines() {
                let head = &line[..comment_start(line)];
                for t in line_tokens(head) {
                    proptest::prop_assert!(head.contains(t));
                }
            }
        }
    }

    /// RFC 1035 §5.1: "\X ... is used to quote that character so that its
    /// special meaning does not apply": an escaped `;` starts no comment,
    /// escaped parentheses group nothing. Key files of such zones, even
    /// those `zonesign keygen` wrote, could not be read; nor could the CH
    /// class of `dnssec-keygen -c CH` (the fourteenth audit, 2026-12-06).
    #[test]
    fn rfc1035_section_5_1_escapes_and_classes_in_key_files() {
        let path = Path::new("K.key");
        let key = "l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=";
        for (owner, wire) in [
            ("x\\;y.", &b"\x03x;y\x00"[..]),
            ("a\\(b\\).", &b"\x04a(b)\x00"[..]),
            ("a\\059b.", &b"\x03a;b\x00"[..]),
            ("back\\\\slash.", &b"\x0aback\\slash\x00"[..]),
        ] {
            for class in ["IN", "CH", "hs"] {
                let text = format!("{owner} 3600 {class} DNSKEY 257 3 15 ( {key} ) ; c;o(mment\n");
                let k = parse_key_text(&text, path).unwrap_or_else(|e| panic!("{text}: {e}"));
                assert_eq!(k.owner.as_wire(), wire, "{text}");
                assert_eq!(k.dnskey_rdata.len(), 4 + 32, "{text}");
            }
        }
        assert_eq!(comment_start("a\\;b ; c"), 5);
        assert_eq!(line_tokens("a\\ b (c)\\"), ["a\\ b", "c", "\\"]);
    }

    /// The twenty-ninth audit (2026-12-06): a second record in a key file
    /// (`dig` output of several keys) was read as more of the first one's
    /// public key ("not base64: invalid length at 196"); a bad `Created`
    /// time was an "unknown field" in v1.3 and passed in v1.4.
    #[test]
    fn regression_a_second_record_and_a_bad_created_time_are_named() {
        let key = "l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=";
        let text = format!(
            "; dig output\nexample. 3600 IN DNSKEY 256 3 15 {key}\nexample. 3600 IN DNSKEY 257 3 15 {key}\n"
        );
        let err = parse_key_text(&text, Path::new("K.key")).unwrap_err();
        assert!(
            matches!(err, KeyError::Unreadable { line: 3, .. })
                && err.to_string().contains("a second record"),
            "{err}"
        );
        // Lines in parentheses are the same record, also under an owner
        // with an escaped parenthesis; a directive first is named as such
        // (the thirtieth audit).
        let text = format!("example. IN DNSKEY 256 3 15 (\n {key}\n )\n");
        parse_key_text(&text, Path::new("K.key")).unwrap();
        let text = format!("a\\)b.example. IN DNSKEY 256 3 15 (\n {key}\n )\n");
        parse_key_text(&text, Path::new("K.key")).unwrap();
        let text = format!("$TTL 3600\nexample. IN DNSKEY 256 3 15 {key}\n");
        let err = parse_key_text(&text, Path::new("K.key")).unwrap_err().to_string();
        assert!(err.contains("directives ($ORIGIN, $TTL) are not supported"), "{err}");

        let path = Path::new("K.private");
        for version in ["v1.3", "v1.4"] {
            for created in ["2026-12-01", "99999999999999"] {
                let text = format!(
                    "Private-key-format: {version}\nAlgorithm: 15 (ED25519)\n\
                     PrivateKey: ODIyNjAzODQ2MjgwODAxMjI2NDUxOTAyMDQxNDIyNjI=\nCreated: {created}\n"
                );
                let err = parse_private_text(&text, path).err().expect(created).to_string();
                assert!(err.contains("the Created time is not YYYYMMDDHHMMSS"), "{err}");
            }
        }
    }

    /// The fifty-third audit (2026-12-07): BIND reads the names of a
    /// `.private` file's metadata and key material in any case
    /// (`strcasecmp`), so `inactive:` retires a key for `dnssec-signzone
    /// -S`; here it was skipped as unknown metadata and the key signed, as
    /// was a misspelt `Inactve:` that BIND refuses ("private key is
    /// invalid"). Measured with BIND 9.18: of the numeric fields, v1.3
    /// takes the times and Predecessor, Successor, MaxTTL, RollPeriod only.
    #[test]
    fn regression_private_field_names_in_any_case_and_unknown_numbers_refused() {
        let path = Path::new("K.private");
        let head = "Private-key-format: v1.3\nAlgorithm: 15 (ED25519)\n";
        let key = "ODIyNjAzODQ2MjgwODAxMjI2NDUxOTAyMDQxNDIyNjI=";
        let text = format!(
            "{head}privatekey: {key}\ninactive: 20200101000000\nSYNCPUBLISH: 20200102000000\n\
             created: 20190101000000\nsuccessor: 12345\n"
        );
        let p = parse_private_text(&text, path).unwrap();
        assert_eq!(p.field("PrivateKey", path).unwrap().len(), 32);
        assert_eq!(p.timing.inactive, Some(1_577_836_800));
        assert_eq!(p.timing.sync_publish, Some(1_577_923_200));
        for bad in ["Inactve: 20200101000000", "Lifetme: 100", "DSPubCount: x", "MaxTTL: -1"] {
            let text = format!("{head}PrivateKey: {key}\n{bad}\n");
            let err = parse_private_text(&text, path).err().expect(bad);
            assert!(matches!(err, KeyError::Unreadable { line: 4, .. }), "{bad}: {err}");
        }
        // The fifty-fourth audit (2026-12-07): a second format line reset
        // the version (the Inactive time before it went unread), a second
        // Algorithm line and another algorithm's material were taken.
        let ecdsa = "Private-key-format: v1.3\nAlgorithm: 13\nPrivateKey: AAAA\n";
        for (bad, line) in [
            (format!("{ecdsa}Inactive: 20210101000000\nPrivate-key-format: v1.2\n"), 5),
            (format!("{ecdsa}Algorithm: 13\n"), 4),
            (format!("{ecdsa}Modulus: AAAA\n"), 4),
            ("Private-key-format: v1.3\nAlgorithm: 8\nModulus: AAAA\nPrivateKey: AAAA\n".into(), 4),
        ] {
            let err = parse_private_text(&bad, path).err().expect(&bad);
            assert!(
                matches!(err, KeyError::Unreadable { line: l, .. } if l == line),
                "{bad}: {err}"
            );
        }
        // The fifty-fifth audit (2026-12-07): BIND reads the format line
        // first, the Algorithm line second, `Field:` as one token and the
        // value after a space; and a v1.2 file has no timing (a v1.2 key
        // retired by its Inactive time signed).
        for (bad, line) in [
            (format!("Algorithm: 13\nPrivate-key-format: v1.3\nPrivateKey: {key}\n"), 1),
            (format!("Private-key-format: v1.3\nPrivateKey: {key}\nAlgorithm: 13\n"), 2),
            (format!("{head}PrivateKey: {key}\nActivate:20200101000000\n"), 4),
            (format!("{head}PrivateKey: {key}\nInactive :20200101000000\n"), 4),
            (format!("Private-key-format: v1.2\nAlgorithm: 15\nPrivateKey: {key}\nInactive: 20200101000000\n"), 0),
            // The fifty-sixth audit: a blank line before either.
            (format!("\n{head}PrivateKey: {key}\n"), 1),
            (format!("Private-key-format: v1.3\n\nAlgorithm: 15\nPrivateKey: {key}\n"), 2),
        ] {
            let err = parse_private_text(&bad, path).err().expect(&bad);
            assert!(matches!(err, KeyError::Unreadable { line: l, .. } if l == line), "{bad}: {err}");
        }
        // An indented field after the material is a field, not more of the
        // material (it was refused as "not base64"); blank lines after the
        // Algorithm line are fine.
        let text = format!("{head}\nPrivateKey: {key}\n\tInactive: 20200101000000\n\n");
        assert_eq!(parse_private_text(&text, path).unwrap().timing.inactive, Some(1_577_836_800));
        // A byte order mark before a `.key` file's first line is named as
        // such (it was "a second record" on line 5).
        let err = parse_key_text("\u{feff}; a comment\nexample. IN DNSKEY 256 3 15 AAAA\n", path)
            .unwrap_err()
            .to_string();
        assert!(err.contains(":1: a UTF-8 byte order mark"), "{err}");
        // Later v1 formats may add fields (BIND ignores what it does not know).
        let text =
            format!("Private-key-format: v1.4\nAlgorithm: 15\nPrivateKey: {key}\nLifetime: 1\n");
        parse_private_text(&text, path).unwrap();
    }

    #[test]
    fn private_file_fields() {
        let path = Path::new("K.private");
        let text = "Private-key-format: v1.2\nAlgorithm: 15 (ED25519)\n\
                    PrivateKey: ODIyNjAzODQ2MjgwODAxMjI2NDUxOTAyMDQxNDIyNjI=\n\
                    Created: 20260101000000\n";
        let p = parse_private_text(text, path).unwrap();
        assert_eq!(p.algorithm, 15);
        assert_eq!(p.field("PrivateKey", path).unwrap().len(), 32);

        for bad in [
            "Private-key-format: v2.0\nAlgorithm: 15\n",
            "Algorithm: 15\nPrivateKey: AA==\n",
            "Private-key-format: v1.3\nAlgorithm: 15\nEngine: pkcs11\n",
            "Private-key-format: v1.3\nAlgorithm: 15\nPrivateKey: !!\n",
            "Private-key-format: v1.3\nAlgorithm: 15\nFoo: bar\n",
        ] {
            let err = parse_private_text(bad, path).err().expect(bad);
            assert!(matches!(err, KeyError::Unreadable { .. }), "{err}");
            // Nothing of the value may appear in the message.
            assert!(!err.to_string().contains("!!"));
        }
    }

    /// BIND's rollover metadata (`dnssec-keygen -S` writes `Successor:` and
    /// `Predecessor:`) made the keys unreadable, and so did a later v1
    /// format (an audit, 2026-12-06); the timing fields are kept.
    #[test]
    fn regression_bind_rollover_fields_and_later_v1_formats_are_read() {
        let path = Path::new("K.private");
        let key = "PrivateKey: ODIyNjAzODQ2MjgwODAxMjI2NDUxOTAyMDQxNDIyNjI=\n";
        let text = format!(
            "Private-key-format: v1.3\nAlgorithm: 13 (ECDSAP256SHA256)\n{key}\
             Created: 20260101000000\nPublish: 20260102000000\nActivate: 20260103000000\n\
             Inactive: 20260104000000\nDelete: 20260105000000\nSuccessor: 12345\n\
             Predecessor: 54321\nLifetime: 0\n"
        );
        let p = parse_private_text(&text, path).unwrap();
        let day = |d| crate::sign::validity::parse_yyyymmddhhmmss(&format!("202601{d:02}000000"));
        assert_eq!(p.timing.publish, day(2));
        assert_eq!(p.timing.activate, day(3));
        assert_eq!(p.timing.inactive, day(4));
        assert_eq!(p.timing.delete, day(5));
        assert!(p.timing.smart && p.timing.revoke.is_none());
        let later = format!("Private-key-format: v1.4\nAlgorithm: 13\n{key}NewField: yes\n");
        assert!(parse_private_text(&later, path).is_ok());
        let bad = "Private-key-format: v1.3\nAlgorithm: 13\nActivate: 2026\n";
        assert!(parse_private_text(bad, path).is_err());
    }

    #[test]
    fn file_names() {
        assert_eq!(parse_file_name("Kexample.+013+56191.key"), Some(("example.", 13, 56191)));
        assert_eq!(parse_file_name("K.+008+00001.private"), Some((".", 8, 1)));
        assert_eq!(parse_file_name("example.key"), None);
    }

    /// BIND's key file names (`dnssec-keygen` 9.18, checked one by one):
    /// `%XX` for each octet but lowercase letters, digits, `-` and `_`.
    #[test]
    fn key_file_names_are_bind_s_for_every_owner() {
        let cases: &[(&str, &str)] = &[
            ("example.", "example."),
            (".", "."),
            ("Up.ZT.", "up.zt."),
            ("a-b_c.zt.", "a-b_c.zt."),
            ("a\\032b.zt.", "a%20b.zt."),
            ("a\\.b.zt.", "a%2Eb.zt."),
            ("a/b.zt.", "a%2Fb.zt."),
            ("a\\\\b.zt.", "a%5Cb.zt."),
            ("a\\200b.zt.", "a%C8b.zt."),
            ("*.zt.", "%2A.zt."),
            ("a%b.zt.", "a%25b.zt."),
            ("a@b.zt.", "a%40b.zt."),
        ];
        for (presentation, file) in cases {
            let owner = Name::parse(presentation.as_bytes(), &Name::root()).unwrap();
            assert_eq!(file_name_owner(&owner), *file, "{presentation}");
            assert_eq!(owner_of_file_name(file), Some(owner.clone()), "{file}");
            let stem = key_file_stem(&owner, Algorithm::Ed25519, 1);
            assert_eq!(stem, format!("K{file}+015+00001"));
        }
        // The presentation form older versions wrote is still read.
        let owner = Name::parse(b"a\\032b.zt.", &Name::root()).unwrap();
        assert_eq!(owner_of_file_name("a\\032b.zt."), Some(owner));
    }

    #[test]
    fn bind_ttl_units() {
        assert_eq!(parse_ttl("1h30m"), Some(5400));
        assert_eq!(parse_ttl("86400"), Some(86400));
        assert_eq!(parse_ttl("1x"), None);
        assert_eq!(parse_ttl("5h3"), None);
    }
}
