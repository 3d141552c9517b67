//! The `--hsm-config` file: which HSMs form the pool and which keys every
//! one of them must hold.
//!
//! ```toml
//! origin = "example."                # needed only for dnskey = a zone file
//!
//! [[hsm]]
//! name = "fra-1"                     # used in every message and report
//! module = "/usr/lib/softhsm/libsofthsm2.so"
//! token = "fra-1"                    # token label; or token_serial = "…"
//! pin = "env:ZONESIGN_PIN_FRA1"      # or "file:/etc/zonesign/fra-1.pin"
//! sessions = 4
//! timeout = 30                       # seconds for a sub-batch, a log-in, a proof
//!
//! [[key]]
//! role = "zsk"                       # ksk | zsk | csk
//! id = "01"                          # CKA_ID in hex; and/or label = "…"
//! dnskey = "Kexample.+013+33834.key" # relative to this file
//! # or: uri = "pkcs11:id=%01;object=zsk;type=private"
//! # or: dnskey = "example.zone" with key_tag = 33834 (its DNSKEY RRset)
//! ```
//!
//! The PIN is read when the pool opens and kept only in a zeroizing
//! [`cryptoki::types::AuthPin`]; the configuration holds where it comes
//! from (`env:VAR`, `file:PATH`), never the PIN itself, and that source is
//! all any message names.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use zeroize::Zeroizing;

use super::{uri, HsmError};
use crate::sign::keys::{self, key_tag, parse_key_file, Dnskey};
use crate::sign::KeyRole;
use crate::zone::name::Name;
use crate::zone::rtype::{Class, Rtype};

/// Where a PIN comes from.
#[derive(Clone, PartialEq, Eq)]
pub enum PinSource {
    Env(String),
    File(PathBuf),
}

impl std::fmt::Debug for PinSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self}")
    }
}

impl std::fmt::Display for PinSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PinSource::Env(v) => write!(f, "env:{v}"),
            PinSource::File(p) => write!(f, "file:{}", p.display()),
        }
    }
}

impl PinSource {
    /// Reads the PIN. A file PIN loses its trailing line ends (`echo 1234 >
    /// pin`). Errors name the source, never the content.
    pub fn read(&self, hsm: &str) -> Result<Zeroizing<String>, HsmError> {
        let failed =
            |reason| HsmError::Pin { hsm: hsm.to_owned(), source: self.to_string(), reason };
        let mut pin = match self {
            PinSource::Env(var) => {
                Zeroizing::new(std::env::var(var).map_err(|_| failed("not set or not UTF-8"))?)
            }
            // The error's kind, never the content (the eleventh audit,
            // 2026-12-06: a missing file was "cannot be read as UTF-8").
            PinSource::File(path) => {
                let bytes = crate::sign::keys::read_regular_file(path);
                let text = bytes.and_then(|b| {
                    String::from_utf8(b).map_err(|e| {
                        zeroize::Zeroize::zeroize(&mut e.into_bytes());
                        std::io::Error::from(std::io::ErrorKind::InvalidData)
                    })
                });
                Zeroizing::new(text.map_err(|e| {
                    failed(match e.kind() {
                        std::io::ErrorKind::NotFound => "does not exist",
                        std::io::ErrorKind::PermissionDenied => "may not be read",
                        std::io::ErrorKind::InvalidData => "is not UTF-8",
                        std::io::ErrorKind::IsADirectory => "is a directory",
                        _ => "cannot be read",
                    })
                })?)
            }
        };
        // Trailing line ends go: `echo 1234 > pin`, or a CRLF file.
        while pin.ends_with('\n') || pin.ends_with('\r') {
            pin.pop();
        }
        if pin.is_empty() {
            return Err(failed("is empty"));
        }
        Ok(pin)
    }
}

/// How a token is found: by label or serial number, never by slot number
/// (slot numbers change when tokens are added; SoftHSM picks them at random).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSelector {
    Label(String),
    Serial(String),
}

impl std::fmt::Display for TokenSelector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TokenSelector::Label(l) => write!(f, "token \"{l}\""),
            TokenSelector::Serial(s) => write!(f, "token serial {s}"),
        }
    }
}

/// One HSM of the pool.
#[derive(Debug, Clone)]
pub struct HsmEntry {
    pub name: String,
    pub module: PathBuf,
    pub token: TokenSelector,
    pub pin: PinSource,
    pub sessions: usize,
    /// How long one C_Sign of a session may take before the HSM is taken
    /// out of the pool and its sub-batch goes to the others (`timeout`,
    /// seconds; default [`DEFAULT_TIMEOUT_SECONDS`]); the proof gives each
    /// step (the log-in, each key) this long, and `hsm bench` this long
    /// past the measurement.
    pub timeout: std::time::Duration,
}

/// Whether a name or label from the configuration may go into messages: not
/// empty nor blank, no control character (a NUL panicked a thread's spawn,
/// a newline forged a line of `hsm check`: the forty-first and
/// forty-second audits, 2026-12-07), and no invisible format character
/// (zero-width spaces and joiners, bidirectional overrides, line and
/// paragraph separators, the byte order mark).
pub fn printable(text: &str) -> bool {
    !text.trim().is_empty() && !text.chars().any(invisible)
}

/// A control character or an invisible format character ([`printable`]).
pub fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}')
}

/// Seconds one call may take (each C_Sign, each step of the proof) before
/// its HSM is taken out of the pool: a network HSM whose link drops
/// packets, or one stuck in a firmware fault, never answers C_Sign, and the
/// run waited for ever (the thirty-eighth audit, 2026-12-07).
pub const DEFAULT_TIMEOUT_SECONDS: u64 = 30;

/// One key every HSM must hold, with the DNSKEY it must match.
#[derive(Debug, Clone)]
pub struct KeyEntry {
    pub role: KeyRole,
    pub id: Option<Vec<u8>>,
    pub label: Option<String>,
    /// The published DNSKEY RDATA.
    pub published: Vec<u8>,
    pub owner: Name,
    /// The class its `dnskey` file says (of a zone file, its records').
    pub class: Class,
    /// Where `published` came from, for messages.
    pub dnskey_source: PathBuf,
}

impl KeyEntry {
    /// The TTL of the key's `dnskey` file when that is a BIND `.key` file
    /// with one (`dnssec-keygen -L`, or one edited in); not for
    /// a zone file, whose DNSKEY RRset's TTL is the zone's.
    pub fn key_file_ttl(&self) -> Option<u32> {
        if self.dnskey_source.extension().is_none_or(|e| e != "key") {
            return None;
        }
        parse_key_file(&self.dnskey_source).ok()?.ttl
    }

    /// How the key is named in messages: `id=01 label=zsk (tag 33834)`.
    pub fn describe(&self) -> String {
        let mut s = String::new();
        if let Some(id) = &self.id {
            s.push_str(&format!("id={}", data_encoding::HEXLOWER.encode(id)));
        }
        if let Some(label) = &self.label {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(&format!("label={label}"));
        }
        format!("key {s} (published tag {}, alg {})", key_tag(&self.published), self.algorithm())
    }

    /// The DNSSEC algorithm number of the published DNSKEY.
    pub fn algorithm(&self) -> u8 {
        // `published` passed Dnskey::parse when the configuration was read.
        self.published.get(3).copied().unwrap_or(0)
    }
}

/// The whole pool configuration.
#[derive(Debug, Clone)]
pub struct HsmConfig {
    pub path: PathBuf,
    pub hsms: Vec<HsmEntry>,
    pub keys: Vec<KeyEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    origin: Option<String>,
    #[serde(default)]
    hsm: Vec<RawHsm>,
    #[serde(default)]
    key: Vec<RawKey>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHsm {
    name: String,
    module: PathBuf,
    token: Option<String>,
    token_serial: Option<String>,
    pin: String,
    sessions: Option<usize>,
    timeout: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKey {
    role: KeyRole,
    id: Option<String>,
    label: Option<String>,
    uri: Option<String>,
    dnskey: PathBuf,
    key_tag: Option<u16>,
    origin: Option<String>,
}

/// A TOML error without the file's text: the `toml` crate's message
/// quotes the offending line and values, which may be a PIN written in
/// clear (`pin = 987654`, a misspelt `pim = "..."`: the fifth audit,
/// 2026-12-06). The line and column, the kind of error (the message up to
/// its first quoted value), field names for an unknown or missing field,
/// and what was expected when it is made only of words zonesign's types
/// and TOML's syntax use: a value may hold backticks, quotes and the word
/// "expected" (the thirtieth audit, 2026-12-06: a role of
/// `` x`, expected `SECRET `` was shown, and a string in a number field).
fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let at = e.span().map(|span| {
        let before = &text[..span.start.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.len() - before.rfind('\n').map_or(0, |n| n + 1) + 1;
        format!("line {line} column {col}: ")
    });
    let msg = e.message();
    let names = msg.starts_with("unknown field") || msg.starts_with("missing field");
    let mut message = String::new();
    if names {
        // A field name is the file's text, but no value.
        for (k, part) in msg.split('`').enumerate() {
            match k % 2 {
                0 => message.push_str(part),
                _ => message.push_str(&format!("`{part}`")),
            }
        }
    } else {
        let expected = msg.rfind("expected");
        let head_end = msg.find(['`', '"']).unwrap_or(msg.len()).min(expected.unwrap_or(msg.len()));
        message.push_str(msg[..head_end].trim_end_matches([',', ' ', '\n']));
        if head_end < expected.unwrap_or(msg.len()) {
            message.push_str(" …");
        }
        match expected.map(|i| &msg[i..]) {
            Some(tail) if only_vocabulary(tail) => {
                message.push_str(if message.is_empty() { "" } else { ", " });
                message.push_str(tail.trim_end());
            }
            Some(_) => message.push_str(", expected …"),
            None => {}
        }
    }
    format!("{}{} (values not shown: they may hold a PIN)", at.unwrap_or_default(), message.trim())
}

/// Whether `tail` (an error message's "expected ..." part) holds only the
/// words of serde's and TOML's messages, the configuration's field and
/// role names, and punctuation: nothing a value could have put there.
fn only_vocabulary(tail: &str) -> bool {
    const WORDS: &[&str] = &[
        "expected",
        "one",
        "of",
        "a",
        "an",
        "or",
        "any",
        "string",
        "integer",
        "boolean",
        "float",
        "table",
        "array",
        "sequence",
        "map",
        "struct",
        "enum",
        "variant",
        "datetime",
        "newline",
        "key",
        "value",
        "digit",
        "u8",
        "u16",
        "u32",
        "u64",
        "usize",
        "i64",
        "ksk",
        "zsk",
        "csk",
        "hsm",
        "name",
        "module",
        "token",
        "pin",
        "sessions",
        "timeout",
        "slot",
        "serial",
        "id",
        "label",
        "uri",
        "dnskey",
        "key_tag",
        "origin",
        "role",
        "comment",
        "whitespace",
        "end",
        "input",
        "the",
    ];
    tail.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()).all(|w| {
        let bare = w.trim_matches('`');
        WORDS.contains(&bare) || bare.chars().all(|c| ".[]{}=#'\"".contains(c))
    })
}

/// `p` as the configuration at `config` names it: relative to its
/// directory.
fn relative_to_config(config: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        config.parent().map(Path::to_path_buf).unwrap_or_default().join(p)
    }
}

/// Most sessions one token gets; more only queue inside the module.
pub const MAX_SESSIONS: usize = 64;

/// The files the dynamic loader may open for `module`: the path itself
/// when it holds a `/` (relative ones from the working directory, as
/// `dlopen` takes them), else each existing file of that name in the
/// loader's search path: `LD_LIBRARY_PATH`, the directories of
/// `/etc/ld.so.conf.d`, and the system's library directories. A module
/// named without a path was found there by the loader, and an output
/// naming it replaced it (the twenty-sixth audit, 2026-12-06).
pub(super) fn module_candidates(module: &Path) -> Vec<PathBuf> {
    if module.as_os_str().as_encoded_bytes().contains(&b'/') {
        return vec![module.to_path_buf()];
    }
    let multiarch = format!("{}-linux-gnu", std::env::consts::ARCH);
    // An empty variable names no directory (an empty entry in a longer
    // one is the working directory, as glibc reads it).
    let mut dirs: Vec<PathBuf> = std::env::var_os("LD_LIBRARY_PATH")
        .filter(|v| !v.is_empty())
        .map(|v| std::env::split_paths(&v).collect())
        .unwrap_or_default();
    for conf in std::fs::read_dir("/etc/ld.so.conf.d").into_iter().flatten().flatten() {
        let text = std::fs::read_to_string(conf.path()).unwrap_or_default();
        dirs.extend(text.lines().map(str::trim).filter(|l| l.starts_with('/')).map(PathBuf::from));
    }
    for dir in ["/lib", "/usr/lib", "/lib64", "/usr/lib64", "/usr/local/lib"] {
        dirs.push(PathBuf::from(dir));
        dirs.push(Path::new(dir).join(&multiarch));
    }
    dirs.into_iter().map(|d| d.join(module)).filter(|p| p.is_file()).collect()
}

impl HsmConfig {
    /// The files the configuration at `path` names, which a run reads: each
    /// HSM's PKCS#11 module and PIN file, each key's DNSKEY file, described
    /// for a message. None when the file does not read or parse
    /// ([`HsmConfig::load`] says why later). An output naming one of them
    /// replaced it and the next run failed, the module's copy with "invalid
    /// ELF header" (the twenty-fifth audit, 2026-12-06).
    pub fn files_named(path: &Path) -> Vec<(String, PathBuf)> {
        let Some(raw) = std::fs::read_to_string(path)
            .ok()
            .and_then(|text| toml::from_str::<RawConfig>(&text).ok())
        else {
            return Vec::new();
        };
        let resolve = |p: &Path| relative_to_config(path, p);
        let mut files = Vec::new();
        for h in &raw.hsm {
            for module in module_candidates(&h.module) {
                files.push((format!("the PKCS#11 module of hsm {}", h.name), module));
            }
            if let Some(p) = h.pin.strip_prefix("file:") {
                files.push((format!("the PIN file of hsm {}", h.name), resolve(Path::new(p))));
            }
        }
        for (i, k) in raw.key.iter().enumerate() {
            files.push((
                format!("the DNSKEY file of --hsm-config key {}", i + 1),
                resolve(&k.dnskey),
            ));
        }
        files
    }

    /// Reads and checks the file. Keys may be absent (`hsm keygen` needs
    /// only the HSMs); [`HsmConfig::require_keys`] checks for them.
    pub fn load(path: &Path) -> Result<HsmConfig, HsmError> {
        let bad = |reason: String| HsmError::Config { path: path.to_owned(), reason };
        let bytes = crate::sign::keys::read_regular_file(path)
            .map_err(|e| bad(format!("cannot read: {e}")))?;
        let text = String::from_utf8(bytes).map_err(|_| bad("cannot read: not UTF-8".into()))?;
        let raw: RawConfig = toml::from_str(&text).map_err(|e| bad(toml_error(&text, &e)))?;
        let resolve = |p: &Path| relative_to_config(path, p);

        if raw.hsm.is_empty() {
            return Err(bad("no [[hsm]] section".into()));
        }
        let mut hsms = Vec::with_capacity(raw.hsm.len());
        for h in raw.hsm {
            // The name is in every message and names the HSM's threads: a
            // NUL in it panicked the thread spawn (the forty-first audit,
            // 2026-12-07), and other control characters garble messages.
            if !printable(&h.name) {
                return Err(bad(format!(
                    "hsm name {:?}: a name of printable characters, not empty",
                    h.name
                )));
            }
            if let Some(t) = h.token.as_ref().or(h.token_serial.as_ref()).filter(|t| !printable(t))
            {
                return Err(bad(format!(
                    "hsm {}: token {t:?}: a label or serial of printable characters, not empty",
                    h.name
                )));
            }
            let token = match (h.token, h.token_serial) {
                (Some(l), None) => TokenSelector::Label(l),
                (None, Some(s)) => TokenSelector::Serial(s),
                _ => {
                    return Err(bad(format!(
                        "hsm {}: give exactly one of token (label) and token_serial",
                        h.name
                    )))
                }
            };
            let pin = if let Some(v) = h.pin.strip_prefix("env:") {
                PinSource::Env(v.to_owned())
            } else if let Some(p) = h.pin.strip_prefix("file:") {
                PinSource::File(resolve(Path::new(p)))
            } else {
                // Do not echo the value: it may be a PIN written in clear.
                return Err(bad(format!(
                    "hsm {}: pin must be \"env:VARIABLE\" or \"file:PATH\"",
                    h.name
                )));
            };
            let sessions = h.sessions.unwrap_or(1);
            if sessions == 0 || sessions > MAX_SESSIONS {
                return Err(bad(format!("hsm {}: sessions must be 1..={MAX_SESSIONS}", h.name)));
            }
            let timeout = h.timeout.unwrap_or(DEFAULT_TIMEOUT_SECONDS);
            if !(1..=3600).contains(&timeout) {
                return Err(bad(format!("hsm {}: timeout must be 1..=3600 seconds", h.name)));
            }
            let timeout = std::time::Duration::from_secs(timeout);
            if hsms.iter().any(|o: &HsmEntry| o.name == h.name) {
                return Err(bad(format!("hsm name {} is used twice", h.name)));
            }
            let module = h.module;
            if hsms.iter().any(|o: &HsmEntry| o.module == module && o.token == token) {
                // Two entries for one token would make one HSM count as two.
                return Err(bad(format!("hsm {}: {token} is configured twice", h.name)));
            }
            hsms.push(HsmEntry { name: h.name, module, token, pin, sessions, timeout });
        }

        let mut keys = Vec::with_capacity(raw.key.len());
        for (i, k) in raw.key.into_iter().enumerate() {
            let n = i + 1;
            let (mut id, mut label) = (None, None);
            if let Some(hex) = &k.id {
                id = Some(
                    data_encoding::HEXLOWER_PERMISSIVE
                        .decode(hex.as_bytes())
                        .map_err(|_| bad(format!("key {n}: id must be hex (CKA_ID)")))?,
                );
            }
            if let Some(l) = k.label {
                label = Some(l);
            }
            if let Some(u) = &k.uri {
                if id.is_some() || label.is_some() {
                    return Err(bad(format!("key {n}: give uri or id/label, not both")));
                }
                let parsed = uri::parse(u).map_err(|e| bad(format!("key {n}: {e}")))?;
                id = parsed.id;
                label = parsed.label;
            }
            if id.is_none() && label.is_none() {
                return Err(bad(format!("key {n}: give id, label or uri")));
            }
            if let Some(l) = label.as_ref().filter(|l| !printable(l)) {
                return Err(bad(format!(
                    "key {n}: label {l:?}: a label of printable characters, not empty"
                )));
            }
            let dnskey_source = resolve(&k.dnskey);
            let origin = k.origin.or(raw.origin.clone());
            // A key problem, not a configuration one: exit 3 as for the
            // same file given with --key (the twelfth audit, 2026-12-06).
            let (owner, class, published) =
                published_dnskey(&dnskey_source, k.key_tag, origin.as_deref()).map_err(
                    |reason| HsmError::PublishedDnskey { path: path.to_owned(), key: n, reason },
                )?;
            // One key pair named by two entries signed every RRset twice
            // (the twelfth audit): "one key named twice signs once" holds
            // for key files, and a pool entry is named once.
            if let Some(first) = keys.iter().position(|e: &KeyEntry| e.published == published) {
                return Err(bad(format!(
                    "key {n}: its published DNSKEY (tag {}) is key {}'s too; list each key once",
                    key_tag(&published),
                    first + 1
                )));
            }
            // The role must say what the published flags say (RFC 4034
            // §2.1.1: the SEP flag marks the key the parent's DS points
            // at): a ZSK entry for a 257 key passed `hsm check` and signed
            // the whole zone, found only by the final verification (the
            // eleventh audit, 2026-12-06).
            let flags = keys::dnskey_flags(&published);
            let sep = flags & crate::sign::keys::FLAG_SEP != 0;
            let contradicts = match k.role {
                KeyRole::Ksk => !sep,
                KeyRole::Zsk => sep,
                KeyRole::Csk => false,
            };
            if contradicts {
                return Err(bad(format!(
                    "key {n}: role {} but its published DNSKEY has flags {flags}: a KSK is published with the SEP flag (257), a ZSK without it (256)",
                    k.role
                )));
            }
            let entry =
                KeyEntry { role: k.role, id, label, published, owner, class, dnskey_source };
            keys.push(entry);
        }
        Ok(HsmConfig { path: path.to_owned(), hsms, keys })
    }

    /// The longest `timeout` of the configuration's HSMs.
    pub fn longest_timeout(&self) -> std::time::Duration {
        self.hsms.iter().map(|h| h.timeout).max().unwrap_or_default()
    }

    /// Refuses a configuration without keys (for `sign`, `check`, `bench`).
    pub fn require_keys(&self) -> Result<(), HsmError> {
        if self.keys.is_empty() {
            return Err(HsmError::Config {
                path: self.path.clone(),
                reason: "no [[key]] section".into(),
            });
        }
        Ok(())
    }
}

/// The published DNSKEY of a key: a BIND `.key` file, or the DNSKEY with
/// tag `key_tag` in the apex DNSKEY RRset of a zone file.
fn published_dnskey(
    path: &Path,
    tag: Option<u16>,
    origin: Option<&str>,
) -> Result<(Name, Class, Vec<u8>), String> {
    let is_key_file = path.extension().is_some_and(|e| e == "key");
    let (owner, class, rdata) = if is_key_file {
        let kf = parse_key_file(path).map_err(|e| e.to_string())?;
        // A `key_tag` beside a `.key` file must be its key's: it was
        // ignored, and `hsm check` proved the file's key "ok" (the
        // fifty-fifth audit, 2026-12-07).
        if let Some(tag) = tag.filter(|&t| t != key_tag(&kf.dnskey_rdata)) {
            return Err(format!(
                "{}: key_tag = {tag}, but the file holds key {}: name one key",
                path.display(),
                key_tag(&kf.dnskey_rdata)
            ));
        }
        (kf.owner, kf.class, kf.dnskey_rdata)
    } else {
        let tag = tag.ok_or("a zone file as dnskey needs key_tag = N")?;
        let origin = origin.ok_or("a zone file as dnskey needs origin = \"zone.\"")?;
        let origin = Name::parse(origin.as_bytes(), &Name::root())
            .map_err(|e| format!("bad origin {origin}: {e}"))?;
        // In the class its records say (the first one's, all alike): the
        // zone's is compared with it when the pool signs. Read as IN, the
        // signed zone of a CH zone was refused line by line, and one of no
        // class could not sign a CH zone (the eightieth audit).
        let opts = crate::load::LoadOptions {
            class: None,
            ..crate::load::LoadOptions::new(origin.clone())
        };
        let loaded =
            crate::load::load_file(path, &opts).map_err(|e| format!("{}: {e}", path.display()))?;
        let found: Vec<(Class, Vec<u8>)> = loaded
            .iter()
            .filter(|r| r.rtype == Rtype::DNSKEY && *r.owner == origin)
            .map(|r| (r.class, r.rdata.to_vec()))
            .filter(|(_, r)| key_tag(r) == tag)
            .collect();
        match found.len() {
            0 => return Err(format!("{}: no DNSKEY with tag {tag} at {origin}", path.display())),
            1 => {}
            // Which one is "the" published key is exactly what a tag
            // cannot tell (RFC 4034 Appendix B).
            _ => {
                return Err(format!(
                    "{}: {} DNSKEYs share tag {tag}: same key tag, different key material",
                    path.display(),
                    found.len()
                ))
            }
        }
        let mut found = found;
        let (class, rdata) = found.swap_remove(0);
        (origin, class, rdata)
    };
    let dnskey = Dnskey::parse(&rdata, &path.display().to_string()).map_err(|e| e.to_string())?;
    let algorithm = keys::Algorithm::from_number(dnskey.algorithm).map_err(|e| e.to_string())?;
    // The key sizes key files sign with hold for HSM keys too: a key the
    // proof could not verify was reported as an HSM holding another key
    // pair, and a 1024-bit key signed through the pool while its file was
    // refused (the twelfth audit, 2026-12-06).
    let verifier = crate::verify::crypto::PreparedKey::new(dnskey.algorithm, dnskey.public_key);
    let rsa = matches!(algorithm, keys::Algorithm::RsaSha256 | keys::Algorithm::RsaSha512);
    if rsa {
        let (_, modulus) = keys::rsa_public_key_form(dnskey.public_key).map_err(|reason| {
            format!("{}: the published DNSKEY is malformed: {reason}", path.display())
        })?;
        keys::check_rsa_modulus(algorithm, modulus, path).map_err(|e| e.to_string())?;
    }
    verifier
        .map_err(|e| format!("{}: the published DNSKEY cannot be used: {e}", path.display()))?;
    Ok((owner, class, rdata))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fifth audit (2026-12-06): a PIN written in clear, in a form the
    /// TOML reader refuses, was printed with the line the `toml` crate
    /// quotes. The error gives the position and what was wrong, never the
    /// value.
    #[test]
    fn regression_a_config_error_never_prints_a_pin() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("hsm.toml");
        let head = "[[hsm]]\nname = \"A\"\nmodule = \"/m.so\"\ntoken = \"t\"\n";
        for (tail, at, says) in [
            ("pin = 987654\n", "line 5 column 7", "invalid type: integer …"),
            ("pin = \"987654\n", "line 5 column", "invalid basic string"),
            ("pin = [987654]\n", "line 5 column 7", "invalid type: sequence"),
            ("pim = \"987654\"\n", "line 5 column 1", "unknown field `pim`"),
            ("pin = 987654x\n", "line 5 column", ""),
            ("pin = 0x987654g\n", "line 5 column", ""),
            ("pin = 987654 987654\n", "line 5 column", ""),
            ("pin = '987654\n", "line 5 column", ""),
            // A value with backticks and "expected", a string in a number
            // field (the thirtieth audit, 2026-12-06).
            ("pin = \"env:P\"\nsessions = \"987654\"\n", "line 6 column", "expected usize"),
            (
                "pin = \"env:P\"\n[[key]]\nid = \"01\"\nrole = \"x`, expected `987654\"\n",
                "line 8 column 8",
                "expected one of `ksk`",
            ),
        ] {
            std::fs::write(&path, format!("{head}{tail}")).expect("write");
            let e = HsmConfig::load(&path).expect_err(tail).to_string();
            assert!(!e.contains("987654") && !e.contains(",,"), "{tail}: {e}");
            assert!(e.contains(at) && e.contains(says), "{tail}: {e}");
        }
        // What was expected comes from zonesign's types, and is shown (the
        // roles were hidden: the twenty-ninth audit, 2026-12-06).
        let key = "[[key]]\nid = \"01\"\nrole = \"zks\"\ndnskey = \"K.key\"\n";
        std::fs::write(&path, format!("{head}pin = \"env:P\"\n{key}")).expect("write");
        let e = HsmConfig::load(&path).expect_err("a bad role").to_string();
        assert!(e.contains("expected one of `ksk`, `zsk`, `csk`") && !e.contains("zks"), "{e}");
    }

    /// RFC 4034 §2.1.1: a `[[key]]`'s role must match the SEP flag of the
    /// DNSKEY it names. Swapped, `hsm check` said "ok" and `sign` signed the
    /// whole zone before the final verification refused it (the eleventh
    /// audit, 2026-12-06).
    #[test]
    fn rfc4034_section_2_1_1_a_key_role_must_match_its_published_flags() {
        let dir = tempfile::tempdir().expect("tempdir");
        let key = dir.path().join("example-pool.key");
        let path = dir.path().join("hsm.toml");
        let head = "[[hsm]]\nname = \"A\"\nmodule = \"/m.so\"\ntoken = \"t\"\npin = \"env:P\"\n";
        let p256 = "GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==";
        for (flags, role, ok) in [
            (257, "ksk", true),
            (256, "zsk", true),
            (257, "zsk", false),
            (256, "ksk", false),
            (257, "csk", true),
        ] {
            std::fs::write(&key, format!("example. IN DNSKEY {flags} 3 13 {p256}\n"))
                .expect("write");
            let tail = format!(
                "[[key]]\nrole = \"{role}\"\nid = \"01\"\ndnskey = \"{}\"\n",
                key.display()
            );
            std::fs::write(&path, format!("{head}{tail}")).expect("write");
            let loaded = HsmConfig::load(&path);
            assert_eq!(
                loaded.is_ok(),
                ok,
                "{flags} {role}: {:?}",
                loaded.err().map(|e| e.to_string())
            );
            if !ok {
                let e = HsmConfig::load(&path).expect_err("refused").to_string();
                assert!(e.contains("a KSK is published with the SEP flag"), "{e}");
            }
        }
    }

    /// The forty-first audit (2026-12-07): an `[[hsm]]` name with a NUL
    /// panicked the thread spawn of the proof (exit 101); control
    /// characters and the empty name are refused as a configuration error.
    #[test]
    fn regression_an_hsm_name_of_control_characters_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("hsm.toml");
        for name in ["t\\u0000one", "a\\nb", "", "   ", "a\\u202Eb", "a\\u200Bb", "a\\u2028b"] {
            let text = format!(
                "[[hsm]]\nname = \"{name}\"\nmodule = \"/m.so\"\ntoken = \"t\"\npin = \"env:P\"\n"
            );
            std::fs::write(&path, text).expect("write");
            let e = HsmConfig::load(&path).expect_err("refused");
            assert!(matches!(e, HsmError::Config { .. }), "{e}");
            assert!(e.to_string().contains("a name of printable characters"), "{e}");
        }
    }

    /// A `dnskey` zone file is read in its records' class: read as IN, a
    /// CH zone's file was refused line by line (the eightieth audit).
    #[test]
    fn regression_a_dnskey_zone_file_keeps_its_class() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p256 = "GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==";
        let mut rdata = vec![1, 0, 3, 13];
        rdata.extend(data_encoding::BASE64.decode(p256.as_bytes()).expect("base64"));
        let zone = dir.path().join("signed.zone");
        for (class, want) in [("CH", Class::CH), ("", Class::IN)] {
            std::fs::write(&zone, format!("example. 3600 {class} DNSKEY 256 3 13 {p256}\n"))
                .expect("write");
            let (_, got, published) =
                published_dnskey(&zone, Some(key_tag(&rdata)), Some("example.")).expect("read");
            assert_eq!((got, published), (want, rdata.clone()), "{class:?}");
        }
    }

    /// The twelfth audit (2026-12-06): two `[[key]]` entries for one key
    /// pair signed every RRset twice; a key is listed once.
    #[test]
    fn regression_one_key_in_two_entries_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let key = dir.path().join("example-pool.key");
        let path = dir.path().join("hsm.toml");
        let p256 = "GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==";
        std::fs::write(&key, format!("example. IN DNSKEY 256 3 13 {p256}\n")).expect("write");
        let entry = |id: &str| {
            format!("[[key]]\nrole = \"zsk\"\nid = \"{id}\"\ndnskey = \"{}\"\n", key.display())
        };
        let head = "[[hsm]]\nname = \"A\"\nmodule = \"/m.so\"\ntoken = \"t\"\npin = \"env:P\"\n";
        std::fs::write(&path, format!("{head}{}{}", entry("02"), entry("03"))).expect("write");
        let e = HsmConfig::load(&path).expect_err("refused");
        assert!(matches!(e, HsmError::Config { .. }), "{e}");
        assert!(e.to_string().contains("key 2: its published DNSKEY (tag"), "{e}");
        assert!(e.to_string().contains("is key 1's too; list each key once"), "{e}");
        // A `key_tag` beside a `.key` file names its key, or is refused (it
        // was ignored: the fifty-fifth audit, 2026-12-07).
        let tag = key_tag(&parse_key_file(&key).expect("key").dnskey_rdata);
        for (given, ok) in [(tag, true), (tag.wrapping_add(1), false)] {
            let entry = format!("{}key_tag = {given}\n", entry("02"));
            std::fs::write(&path, format!("{head}{entry}")).expect("write");
            let loaded = HsmConfig::load(&path);
            assert_eq!(loaded.is_ok(), ok, "{given}");
            if !ok {
                let e = loaded.expect_err("refused").to_string();
                assert!(
                    e.contains(&format!("key_tag = {given}, but the file holds key {tag}")),
                    "{e}"
                );
            }
        }
    }

    /// The twelfth audit (2026-12-06): a pool key's DNSKEY that zonesign
    /// cannot sign with was found only by the proof, which then accused the
    /// HSM of holding another key pair (RSA over 4096 bits), or it signed
    /// where its key file is refused (RSA of 1024 bits). Refused when the
    /// configuration is read, as the key file would be, and as a key
    /// problem (exit 3), not a configuration one: so are a `dnskey` file
    /// that cannot be read and one of an unsupported algorithm.
    #[test]
    fn regression_a_pool_key_is_held_to_the_key_file_rules() {
        let dir = tempfile::tempdir().expect("tempdir");
        let key = dir.path().join("example-rsa.key");
        let path = dir.path().join("hsm.toml");
        let head = "[[hsm]]\nname = \"A\"\nmodule = \"/m.so\"\ntoken = \"t\"\npin = \"env:P\"\n";
        let tail =
            format!("[[key]]\nrole = \"zsk\"\nid = \"01\"\ndnskey = \"{}\"\n", key.display());
        std::fs::write(&path, format!("{head}{tail}")).expect("write");
        let rsa = |bits: usize| {
            let mut modulus = vec![0x5a_u8; bits / 8];
            modulus[0] = 0xc1;
            let field = [&[3_u8, 1, 0, 1][..], &modulus].concat();
            data_encoding::BASE64.encode(&field)
        };
        for (bits, says) in [
            (1024, "unsupported 1024-bit key for algorithm"),
            (4160, "unsupported 4160-bit key for algorithm"),
        ] {
            std::fs::write(&key, format!("example. IN DNSKEY 256 3 8 {}\n", rsa(bits)))
                .expect("write");
            let e = HsmConfig::load(&path).expect_err("refused");
            assert!(matches!(e, HsmError::PublishedDnskey { key: 1, .. }), "{e}");
            assert!(e.to_string().contains(says), "{e}");
            assert!(e.to_string().contains("2048 to 4096 bits"), "{e}");
        }
        // RFC 3110 §2: a 3-octet exponent's length in three octets has the
        // tag of the right form, and the proof accused an HSM holding the
        // very key of holding another pair (the fourteenth audit).
        let long = format!("AAAD{}", &rsa(2048)[4..]);
        assert_eq!(data_encoding::BASE64.decode(long.as_bytes()).expect("b64")[..4], [0, 0, 3, 1]);
        std::fs::write(&key, format!("example. IN DNSKEY 256 3 8 {long}\n")).expect("write");
        let e = HsmConfig::load(&path).expect_err("refused");
        assert!(matches!(e, HsmError::PublishedDnskey { key: 1, .. }), "{e}");
        assert!(e.to_string().contains("written in three octets"), "{e}");
        std::fs::write(&key, "example. IN DNSKEY 256 3 16 AAAA\n").expect("write");
        let e = HsmConfig::load(&path).expect_err("refused");
        assert!(matches!(e, HsmError::PublishedDnskey { .. }), "{e}");
        std::fs::remove_file(&key).expect("remove");
        let e = HsmConfig::load(&path).expect_err("refused");
        assert!(matches!(e, HsmError::PublishedDnskey { .. }), "{e}");
    }
}
