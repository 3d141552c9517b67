//! Signing through a pool of HSMs (PKCS#11) that provably hold the same key.
//!
//! # Background
//! On 5 May 2026 the .de zone failed because a key-rollover agent had
//! generated a *different* key pair in each HSM, all under the same CKA_ID,
//! label and key tag; only one matched the published DNSKEY, so two thirds
//! of the signatures were bogus. This module makes that impossible:
//!
//! 1. **Proof before use** ([`proof`]): in every HSM, for every key, the
//!    public key object is read, turned into a DNSKEY and compared byte for
//!    byte with the published one; then the private key signs a random
//!    challenge that must verify under the *published* DNSKEY. A mismatch
//!    names the HSM, the key, both key tags and both fingerprints.
//! 2. **Every signature checked** ([`pool`]): each signature an HSM returns
//!    is verified with the published DNSKEY before it is used; an HSM that
//!    errs or returns a bad signature leaves the pool at once.
//! 3. **One key pair, replicated** ([`keygen`]): `zonesign hsm keygen`
//!    generates one key pair and imports that same pair into every HSM.
//!
//! # Layout
//! - `config.rs`: the `--hsm-config` TOML file, PIN sources.
//! - `uri.rs`: RFC 7512 `pkcs11:` key URIs.
//! - `session.rs`: contexts (one per module), tokens by label or serial,
//!   login, object lookup.
//! - `proof.rs`: public key → DNSKEY, challenge, the per-HSM proof.
//! - `pool.rs`: sessions owned by worker threads, the shared work queue,
//!   the [`crate::sign::RawSigner`] the pipeline uses.
//! - `keygen.rs`: software generation and C_CreateObject import.
//! - `bench.rs`: `zonesign hsm bench`.
//!
//! # Limitations
//! - Keys are generated in software and imported; wrap/unwrap between HSMs
//!   is not implemented.
//! - SoftHSM2 is the only module tested. Closing a token's last session
//!   while another thread uses the module races in SoftHSM (SoftHSMv2#464),
//!   so sessions stay open for the pool's lifetime and are closed from one
//!   thread after every worker has stopped.

pub mod bench;
pub mod cli;
mod clock;
pub mod config;
pub mod keygen;
pub mod pool;
pub mod proof;
pub mod session;
pub mod uri;

use std::fmt;
use std::path::PathBuf;

pub use cli::{attach, Attached};
pub use config::HsmConfig;
pub use pool::{open_pool, Degraded, HsmReport, HsmStatus, Pool};

/// Why an HSM operation failed. Every variant names the HSM (as configured)
/// where one is involved; PKCS#11 failures carry the function and CKR code.
/// No variant ever holds a PIN.
#[derive(Debug)]
#[non_exhaustive]
pub enum HsmError {
    /// The configuration file is unreadable or inconsistent.
    Config { path: PathBuf, reason: String },
    /// Key `key` (1-based) of the configuration: its published DNSKEY is
    /// unreadable, ambiguous or of a kind zonesign cannot sign with. A key
    /// problem (exit 3), as for the same file given with `--key`.
    PublishedDnskey { path: PathBuf, key: usize, reason: String },
    /// The PIN source (`env:VAR`, `file:PATH`) could not be read.
    Pin { hsm: String, source: String, reason: &'static str },
    /// The PKCS#11 module could not be loaded.
    Module { hsm: String, module: PathBuf, reason: String },
    /// A PKCS#11 function returned an error.
    Pkcs11 { hsm: String, key: Option<String>, function: String, ckr: String },
    /// A call into the HSM did not return within its `[[hsm]] timeout`
    /// (`during`: what it was doing); the calling thread is abandoned.
    NoAnswer { hsm: String, key: Option<String>, during: String, seconds: u64 },
    /// No token with this label or serial.
    TokenNotFound { hsm: String, token: String, available: Vec<String> },
    /// More than one token matches.
    /// More than one token matches; `one_token`: all of them show one
    /// identity (manufacturer, model, serial), one token in several slots.
    TokenAmbiguous { hsm: String, token: String, count: usize, one_token: bool },
    /// Two entries of the configuration reach one token (by label and by
    /// serial, say, or through two paths to one module): it would count as
    /// two HSMs, and the second entry's PIN would go unchecked (the first
    /// login holds for the token).
    TokenTwice { hsm: String, other: String, serial: String },
    /// C_Login failed (wrong PIN, locked PIN ...).
    Login { hsm: String, token: String, ckr: String },
    /// The token says its user PIN is locked, or that one wrong PIN more
    /// locks it: no login is tried ([`PinState`]).
    PinState { hsm: String, token: String, state: PinState },
    /// The key's private or public object is not in the token.
    KeyNotFound { hsm: String, token: String, key: String, class: &'static str },
    /// More than one object matches the key's CKA_ID/label.
    KeyAmbiguous { hsm: String, token: String, key: String, class: &'static str, count: usize },
    /// The object is not a key of the published DNSKEY's algorithm, or its
    /// public key cannot be read.
    UnsupportedKey { hsm: String, token: String, key: String, reason: &'static str },
    /// The key in the HSM is not the published DNSKEY. With equal tags this
    /// is the .de failure.
    PublicKeyMismatch {
        hsm: String,
        token: String,
        key: String,
        published_tag: u16,
        actual_tag: u16,
        published_fingerprint: String,
        actual_fingerprint: String,
    },
    /// The HSM's signature over a random challenge did not verify under the
    /// published DNSKEY (its private object is not the public key's pair).
    ChallengeFailed { hsm: String, token: String, key: String, tag: u16 },
    /// During signing or `hsm bench`, a signature from this HSM did not
    /// verify.
    BadSignature { hsm: String, token: String, key: String, tag: u16 },
    /// `hsm keygen`: an object with this CKA_ID or label already exists.
    ObjectExists { hsm: String, token: String, what: String },
    /// `hsm keygen`: the key could not be generated or written.
    Key(crate::sign::keys::KeyError),
    /// Every HSM left the pool.
    PoolEmpty { key: String, removed: Vec<String> },
    /// `hsm bench`: HSMs the pool took out during its measurement, why.
    RemovedWhileMeasured { removed: Vec<String> },
    /// Some HSM failed its proof (or could not be used at all): the list
    /// holds every HSM's failures. `passed` HSMs passed; `may_degrade`:
    /// the command could go on with them (`sign --allow-degraded-pool`).
    Proof { failures: Vec<HsmError>, passed: usize, may_degrade: bool },
    /// `hsm keygen`: these HSMs cannot be reached (module, token, log-in),
    /// and a key is made only in all of them; every one is named.
    Unreachable { failures: Vec<HsmError> },
    /// `hsm keygen` failed after creating objects in some HSMs: `cause`,
    /// and what undoing it left (`left`: the HSMs where destroying an
    /// object failed, with the objects), so that no HSM keeps half a
    /// rollover without the operator knowing.
    KeygenUndone {
        cause: Box<HsmError>,
        key_file: PathBuf,
        /// Why the `.key` file could not be removed, if it could not.
        key_file_left: Option<String>,
        left: Vec<String>,
    },
    /// `hsm keygen`: SIGINT, SIGTERM or SIGHUP (`signal`) came while the
    /// key was made; it is undone in every HSM, and the run then ends by
    /// the signal.
    Interrupted { signal: i32 },
}

impl HsmError {
    /// The HSM (as configured) the error is about, if one.
    pub fn hsm(&self) -> Option<&str> {
        match self {
            HsmError::Pin { hsm, .. }
            | HsmError::Module { hsm, .. }
            | HsmError::Pkcs11 { hsm, .. }
            | HsmError::NoAnswer { hsm, .. }
            | HsmError::TokenNotFound { hsm, .. }
            | HsmError::TokenAmbiguous { hsm, .. }
            | HsmError::TokenTwice { hsm, .. }
            | HsmError::Login { hsm, .. }
            | HsmError::PinState { hsm, .. }
            | HsmError::KeyNotFound { hsm, .. }
            | HsmError::KeyAmbiguous { hsm, .. }
            | HsmError::UnsupportedKey { hsm, .. }
            | HsmError::PublicKeyMismatch { hsm, .. }
            | HsmError::ChallengeFailed { hsm, .. }
            | HsmError::BadSignature { hsm, .. }
            | HsmError::ObjectExists { hsm, .. } => Some(hsm),
            HsmError::Config { .. }
            | HsmError::PublishedDnskey { .. }
            | HsmError::Key(_)
            | HsmError::PoolEmpty { .. }
            | HsmError::RemovedWhileMeasured { .. }
            | HsmError::Proof { .. }
            | HsmError::Unreachable { .. }
            | HsmError::KeygenUndone { .. }
            | HsmError::Interrupted { .. } => None,
        }
    }
}

impl fmt::Display for HsmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HsmError::Config { path, reason } => write!(f, "{}: {reason}", path.display()),
            HsmError::PublishedDnskey { path, key, reason } => {
                write!(f, "{}: key {key}: {reason}", path.display())
            }
            HsmError::Pin { hsm, source, reason } => {
                write!(f, "hsm {hsm}: the PIN from {source} {reason}")
            }
            HsmError::Module { hsm, module, reason } => {
                write!(f, "hsm {hsm}: cannot load PKCS#11 module {}: {reason}", module.display())
            }
            HsmError::Pkcs11 { hsm, key: Some(key), function, ckr } => {
                write!(f, "hsm {hsm}: {key}: {function} failed: {ckr}")
            }
            HsmError::Pkcs11 { hsm, key: None, function, ckr } => {
                write!(f, "hsm {hsm}: {function} failed: {ckr}")
            }
            HsmError::RemovedWhileMeasured { removed } => write!(
                f,
                "the pool's measurement took {} HSM(s) out of the pool, so its figures are not \
                 those of this configuration: {}",
                removed.len(),
                removed.join("; ")
            ),
            HsmError::NoAnswer { hsm, key, during, seconds } => {
                write!(f, "hsm {hsm}: ")?;
                if let Some(key) = key {
                    write!(f, "{key}: ")?;
                }
                write!(f, "no answer to {during} within {seconds} s (its timeout)")
            }
            HsmError::TokenNotFound { hsm, token, available } => write!(
                f,
                "hsm {hsm}: {token} not found (tokens present: {})",
                if available.is_empty() { "none".to_owned() } else { available.join(", ") }
            ),
            HsmError::TokenAmbiguous { hsm, token, count, one_token: true } => write!(
                f,
                "hsm {hsm}: {count} slots show {token}, all with one serial: the module lists \
                 one token in several slots (a driver or reader fault), which no token \
                 setting can tell apart"
            ),
            HsmError::TokenAmbiguous { hsm, token, count, one_token: false } => {
                write!(f, "hsm {hsm}: {count} tokens match {token}; use token_serial")
            }
            HsmError::TokenTwice { hsm, other, serial } => write!(
                f,
                "hsm {hsm}: its token (serial {serial}) is hsm {other}'s too; list each token once"
            ),
            HsmError::Login { hsm, token, ckr } => {
                write!(f, "hsm {hsm}: login to {token} failed: {ckr}")
            }
            HsmError::PinState { hsm, token, state: PinState::Locked } => write!(
                f,
                "hsm {hsm}: {token} says its user PIN is locked (CKF_USER_PIN_LOCKED): not \
                 logging in; the token's security officer must unlock it (a new user PIN, e.g. \
                 `pkcs11-tool --init-pin --login --login-type so`)"
            ),
            HsmError::PinState { hsm, token, state: PinState::FinalTry } => write!(
                f,
                "hsm {hsm}: {token} says one wrong user PIN more locks it \
                 (CKF_USER_PIN_FINAL_TRY): not logging in; make sure of the PIN first (a login \
                 with the right PIN, e.g. `pkcs11-tool --login --test`, resets the count), then \
                 run again"
            ),
            HsmError::KeyNotFound { hsm, token, key, class } => {
                write!(f, "hsm {hsm} ({token}): {key}: no {class} key object")
            }
            HsmError::KeyAmbiguous { hsm, token, key, class, count } => {
                write!(f, "hsm {hsm} ({token}): {key}: {count} {class} key objects match")
            }
            HsmError::UnsupportedKey { hsm, token, key, reason } => {
                write!(f, "hsm {hsm} ({token}): {key}: {reason}")
            }
            HsmError::PublicKeyMismatch {
                hsm,
                token,
                key,
                published_tag,
                actual_tag,
                published_fingerprint,
                actual_fingerprint,
            } => {
                if published_tag == actual_tag {
                    write!(
                        f,
                        "hsm {hsm} ({token}): {key}: same key tag, different key material: \
                         the published DNSKEY (tag {published_tag}, public key \
                         {published_fingerprint}) is not the key in this HSM (tag \
                         {actual_tag}, public key {actual_fingerprint})"
                    )
                } else {
                    write!(
                        f,
                        "hsm {hsm} ({token}): {key}: the published DNSKEY (tag \
                         {published_tag}, public key {published_fingerprint}) is not the key \
                         in this HSM (tag {actual_tag}, public key {actual_fingerprint})"
                    )
                }
            }
            HsmError::ChallengeFailed { hsm, token, key, tag } => write!(
                f,
                "hsm {hsm} ({token}): {key}: a challenge signed in the HSM does not verify \
                 under the published DNSKEY tag {tag}: the private key is not the published \
                 key's pair"
            ),
            HsmError::BadSignature { hsm, token, key, tag } => write!(
                f,
                "hsm {hsm} ({token}): {key}: returned a signature that does not verify under \
                 the published DNSKEY tag {tag}"
            ),
            HsmError::ObjectExists { hsm, token, what } => write!(
                f,
                "hsm {hsm} ({token}): an object with {what} exists already; refusing to \
                 overwrite it"
            ),
            HsmError::Key(e) => write!(f, "{e}"),
            HsmError::Unreachable { failures } => {
                write!(
                    f,
                    "{} of the configuration's HSMs cannot be used, and the key is made only in \
                     all of them; nothing was created",
                    failures.len()
                )?;
                for e in failures {
                    write!(f, "\n  {e}")?;
                }
                Ok(())
            }
            HsmError::Interrupted { signal } => {
                write!(f, "interrupted by signal {signal} while the key was made")
            }
            HsmError::KeygenUndone { cause, key_file, key_file_left, left } => {
                let file = match key_file_left {
                    None => format!("{} was removed", key_file.display()),
                    Some(e) => {
                        format!("{} could NOT be removed ({e}): remove it", key_file.display())
                    }
                };
                if left.is_empty() {
                    write!(
                        f,
                        "{cause}; undone: the key's objects were destroyed in every HSM that had \
                         them; {file}"
                    )
                } else {
                    write!(
                        f,
                        "{cause}; NOT undone everywhere: objects of the key could not be \
                         destroyed in {}: remove them (pkcs11-tool --delete-object) before the \
                         next hsm keygen with this id and label; {file}",
                        left.join("; ")
                    )
                }
            }
            HsmError::PoolEmpty { key, removed } => write!(
                f,
                "{key}: no HSM left in the pool ({})",
                if removed.is_empty() { "none configured".to_owned() } else { removed.join("; ") }
            ),
            HsmError::Proof { failures, passed, may_degrade } => {
                // HSMs, not failures: one HSM without two keys was counted
                // twice (the forty-fifth audit, 2026-12-07).
                let mut named: Vec<&str> = failures.iter().filter_map(HsmError::hsm).collect();
                named.sort_unstable();
                named.dedup();
                let unnamed = failures.iter().filter(|e| e.hsm().is_none()).count();
                let n = named.len() + unnamed;
                // The hint only where it can help: with no HSM left it
                // sent operators to a flag that fails the same way, and
                // `hsm check` has no such flag (the twelfth audit).
                if *passed == 0 {
                    write!(f, "no HSM of the pool can sign ({n} failure(s))")?;
                } else if *may_degrade {
                    write!(
                        f,
                        "{n} HSM(s) of the pool failed; every HSM must hold the published \
                         keys (--allow-degraded-pool continues on the {passed} that passed)"
                    )?;
                } else {
                    write!(
                        f,
                        "{n} HSM(s) of the pool failed; every HSM must hold the published keys"
                    )?;
                }
                for e in failures {
                    write!(f, "\n  {e}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for HsmError {}

/// What a token says of its user PIN that stops a login (C_GetTokenInfo's
/// flags). PKCS#11 v2.40 §3.2, CK_TOKEN_INFO: CKF_USER_PIN_FINAL_TRY is
/// "True if supplying an incorrect user PIN will cause it to become
/// locked", CKF_USER_PIN_LOCKED "True if the user PIN has been locked.
/// User login to the token is not possible." A run with a wrong PIN file
/// spent the token's last try unsaid, once a run (the sixty-fifth audit,
/// 2026-12-07).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinState {
    Locked,
    FinalTry,
}

/// `CKR_PIN_INCORRECT` from cryptoki's `PinIncorrect`: the names PKCS#11
/// specifications and vendor logs use.
pub(crate) fn ckr_name(rv: &cryptoki::error::RvError) -> String {
    let debug = format!("{rv:?}");
    let mut out = String::from("CKR");
    for c in debug.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// Set once a thread was left inside a PKCS#11 module: a call that did
/// not return within its HSM's `timeout`.
static LEFT_IN_MODULE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Notes that a thread was left inside a module ([`exit_process`]).
pub(crate) fn note_thread_left_in_module() {
    LEFT_IN_MODULE.store(true, std::sync::atomic::Ordering::Release);
}

/// Drops `what` (sessions, module contexts: C_CloseSession, C_Finalize)
/// on a thread of its own, waiting for it at most `timeout`. A module that
/// answered every call of a run and then never returned from closing hung
/// `hsm check`, `sign` (its zone signed, not written) and `hsm keygen`
/// (its key made, no word) for ever (the forty-fourth audit, 2026-12-07).
/// Past the timeout the thread is left in the module
/// ([`note_thread_left_in_module`]).
pub(crate) fn release_within<T: Send + 'static>(what: T, timeout: std::time::Duration) {
    let released = session::ask(move || drop(what));
    let since = std::time::Instant::now();
    if let Err(crossbeam::channel::RecvTimeoutError::Timeout) =
        clock::recv_within(&released, since, timeout)
    {
        note_thread_left_in_module();
    }
}

/// Sessions and modules to close once the caller has said its result:
/// released ([`release_within`]) when dropped. `hsm keygen` and `hsm
/// check` said their result only after closing, and a signal or a crash
/// while a module closed left a key made in every HSM with no word (the
/// forty-sixth audit, 2026-12-07).
pub struct Closing(Option<(Box<dyn std::any::Any + Send>, std::time::Duration)>);

impl std::fmt::Debug for Closing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "Closing(pending)" } else { "Closing(done)" })
    }
}

impl Closing {
    pub(crate) fn new<T: Send + 'static>(what: T, timeout: std::time::Duration) -> Closing {
        Closing(Some((Box::new(what), timeout)))
    }
}

impl Drop for Closing {
    fn drop(&mut self) {
        if let Some((what, timeout)) = self.0.take() {
            release_within(what, timeout);
        }
    }
}

/// Ends the process with `code`. When a thread was left inside a module,
/// without the process's exit handlers: they run the modules' own
/// destructors (SoftHSM2 frees its token state in one), under the call
/// that still runs, and a slow HSM's abandoned proof crashed a run that
/// had put its verified zone in place, exit 139 (the forty-first audit,
/// 2026-12-07). Standard output and error are flushed first; every file
/// the run wrote is closed and in place by then.
#[allow(unsafe_code)]
pub fn exit_process(code: u8) -> std::process::ExitCode {
    #[cfg(unix)]
    if LEFT_IN_MODULE.load(std::sync::atomic::Ordering::Acquire) {
        use std::io::Write;
        let _ = std::io::stdout().flush();
        let _ = std::io::stderr().flush();
        // SAFETY: _exit(2) ends the process at once and returns nothing;
        // no Rust state is observed after it. No safe binding skips the
        // exit handlers (`std::process::exit` runs them).
        unsafe { libc::_exit(i32::from(code)) }
    }
    std::process::ExitCode::from(code)
}

/// A cryptoki error as an [`HsmError::Pkcs11`].
/// The CKR name of a PKCS#11 error, or the bindings' words for another.
pub(crate) fn describe(e: &cryptoki::error::Error) -> String {
    match e {
        cryptoki::error::Error::Pkcs11(rv, _) => ckr_name(rv),
        other => other.to_string(),
    }
}

pub(crate) fn pkcs11_error(
    hsm: &str,
    key: Option<&str>,
    function: &'static str,
    e: cryptoki::error::Error,
) -> HsmError {
    let (function, ckr) = match e {
        cryptoki::error::Error::Pkcs11(rv, f) => (format!("C_{f:?}"), ckr_name(&rv)),
        other => (function.to_owned(), other.to_string()),
    };
    HsmError::Pkcs11 { hsm: hsm.to_owned(), key: key.map(str::to_owned), function, ckr }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The forty-fifth audit (2026-12-07): one HSM without both keys of
    /// the pool was counted as two HSMs that failed.
    #[test]
    fn regression_failed_hsms_are_counted_once_each() {
        let missing = |key: &str| HsmError::KeyNotFound {
            hsm: "fra-2".into(),
            token: "token \"fra-2\"".into(),
            key: key.into(),
            class: "private",
        };
        let e = HsmError::Proof {
            failures: vec![missing("ksk"), missing("zsk")],
            passed: 1,
            may_degrade: true,
        };
        let said = e.to_string();
        assert!(said.starts_with("1 HSM(s) of the pool failed"), "{said}");
        assert!(said.contains("continues on the 1 that passed"), "{said}");
    }

    #[test]
    fn ckr_names_follow_the_specification() {
        assert_eq!(ckr_name(&cryptoki::error::RvError::PinIncorrect), "CKR_PIN_INCORRECT");
        assert_eq!(ckr_name(&cryptoki::error::RvError::DeviceError), "CKR_DEVICE_ERROR");
    }
}
