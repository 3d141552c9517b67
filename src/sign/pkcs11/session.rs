//! PKCS#11 plumbing shared by proof, pool, keygen and bench: one context
//! per module, tokens found by label or serial, one login per token, and
//! object lookup by CKA_ID and/or CKA_LABEL.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossbeam::channel::{bounded, Receiver, RecvTimeoutError};

use cryptoki::context::{CInitializeArgs, Pkcs11};
use cryptoki::error::{Error, RvError};
use cryptoki::object::{Attribute, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;

use super::config::{HsmEntry, KeyEntry, TokenSelector};
use super::{pkcs11_error, HsmError};

/// The loaded modules: each is loaded and C_Initialize'd once, however many
/// tokens it serves, and finalised when the last clone (held by every
/// session) is dropped.
#[derive(Debug, Default)]
pub struct Contexts {
    /// By the module's file: one library reached through two paths (a
    /// symbolic or a hard link) is one module, initialised once (a second
    /// C_Initialize fails, and finalising it would end the first's).
    loaded: Vec<(ModuleId, Pkcs11, Duration)>,
    /// The tokens opened, by [`TokenIdentity`], with the entry that
    /// opened each.
    tokens: Vec<(TokenIdentity, String)>,
    /// Modules that failed to load: the entry that tried, and why. Tried
    /// once: each HSM of a module that never answers waited its timeout
    /// again, one after the other.
    failed: Vec<(ModuleId, String, String)>,
}

impl Contexts {
    /// The context of `hsm`'s module, loading and initialising it once,
    /// waiting at most `wait` for each step (the longest `timeout` of the
    /// module's HSMs: the first HSM's was taken, and the verdict on all of
    /// them followed the order of the configuration, the forty-sixth
    /// audit, 2026-12-07); and how long the load took, by which each HSM
    /// is judged.
    pub fn context(
        &mut self,
        hsm: &HsmEntry,
        wait: Duration,
    ) -> Result<(Pkcs11, Duration), HsmError> {
        let module = module_key(hsm);
        if let Some((_, ctx, took)) = self.loaded.iter().find(|(p, _, _)| *p == module) {
            return Ok((ctx.clone(), *took));
        }
        if let Some((_, first, why)) = self.failed.iter().find(|(p, _, _)| *p == module) {
            return Err(HsmError::Module {
                hsm: hsm.name.clone(),
                module: hsm.module.clone(),
                reason: format!("it did not load for hsm {first}: {why}"),
            });
        }
        let loaded = self.load(hsm, wait);
        if let Err(e) = &loaded {
            let why = match e {
                HsmError::Module { reason, .. } => reason.clone(),
                other => {
                    let said = other.to_string();
                    said.strip_prefix(&format!("hsm {}: ", hsm.name)).unwrap_or(&said).to_owned()
                }
            };
            self.failed.push((module, hsm.name.clone(), why));
        }
        loaded
    }

    /// [`Contexts::context`] for a module not tried yet.
    fn load(&mut self, hsm: &HsmEntry, wait: Duration) -> Result<(Pkcs11, Duration), HsmError> {
        let module = module_key(hsm);
        // The clock of the timeouts, from before the first call into a
        // module.
        super::clock::start();
        let started = Instant::now();
        let module_error = |reason: String| HsmError::Module {
            hsm: hsm.name.clone(),
            module: hsm.module.clone(),
            reason,
        };
        // First in a child process (see `trial_load_fails`), within the
        // HSM's timeout.
        if let Some(reason) = trial_load_fails(&hsm.module, wait) {
            return Err(module_error(reason));
        }
        // Then here, on a thread of its own, within the timeout too: a
        // network HSM's client that connects in C_Initialize and never
        // returns hung `hsm check`, `sign` and `hsm keygen` for ever (the
        // forty-fourth audit, 2026-12-07).
        let path = hsm.module.clone();
        let others_loaded = !self.loaded.is_empty();
        let loading = ask(move || load_module(&path, others_loaded));
        let ctx = match super::clock::recv_within(&loading, Instant::now(), wait) {
            Ok(Ok(ctx)) => ctx,
            Ok(Err(Load::Module(reason))) => return Err(module_error(reason)),
            Ok(Err(Load::Initialize(e))) => {
                return Err(pkcs11_error(&hsm.name, None, "C_Initialize", e))
            }
            Err(RecvTimeoutError::Timeout) => {
                super::note_thread_left_in_module();
                return Err(HsmError::NoAnswer {
                    hsm: hsm.name.clone(),
                    key: None,
                    during: "C_GetFunctionList or C_Initialize (loading the module)".to_owned(),
                    seconds: wait.as_secs(),
                });
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Err(module_error(ended_without_result("loading it")))
            }
        };
        let took = super::clock::ran_between(started, Instant::now());
        self.loaded.push((module, ctx.clone(), took));
        Ok((ctx, took))
    }

    /// Whether `a` and `b` name one module (one library, by any path).
    pub fn same_module(a: &HsmEntry, b: &HsmEntry) -> bool {
        module_key(a) == module_key(b)
    }

    /// Which of the modules loaded `hsm`'s is ([`Contexts::context`]
    /// loads it): HSMs of one module share its index.
    pub fn module_index(&self, hsm: &HsmEntry) -> Option<usize> {
        let module = module_key(hsm);
        self.loaded.iter().position(|(p, _, _)| *p == module)
    }

    /// Notes that `hsm` opened the token `id`; refuses a token another
    /// entry opened already ([`HsmError::TokenTwice`]), through the same
    /// module file or another (a copy of the library, a second client
    /// version for one network HSM: the fifth audit, 2026-12-06, counted
    /// one SoftHSM token reached through two copies as two HSMs).
    fn claim_token(&mut self, hsm: &HsmEntry, id: &TokenIdentity) -> Result<(), HsmError> {
        let other = self.tokens.iter().find(|(t, name)| t == id && *name != hsm.name);
        if let Some((_, other)) = other {
            return Err(HsmError::TokenTwice {
                hsm: hsm.name.clone(),
                other: other.clone(),
                serial: id.serial.clone(),
            });
        }
        self.tokens.push((id.clone(), hsm.name.clone()));
        Ok(())
    }
}

/// Why [`load_module`] failed.
enum Load {
    /// Not a working module: the reason, for [`HsmError::Module`].
    Module(String),
    /// C_Initialize failed.
    Initialize(Error),
}

/// Loads and initialises the module at `path` ([`Contexts::context`], on
/// a thread of its own). `others_loaded`: this process loaded another
/// module file already.
fn load_module(path: &std::path::Path, others_loaded: bool) -> Result<Pkcs11, Load> {
    // A shared library that is no PKCS#11 module (an OpenSSL engine, a
    // libc) lacks C_GetFunctionList, and the cryptoki bindings panic on
    // the missing symbol rather than return an error: exit 101, no
    // HSM named, `--allow-degraded-pool` no help (the eleventh audit,
    // 2026-12-06). The panic is caught here, its message held back;
    // the hook is swapped under a lock, so that two loads at once
    // cannot leave the silent one in place.
    static HOOK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let guard = HOOK.lock().unwrap_or_else(|e| e.into_inner());
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let loaded = std::panic::catch_unwind(|| Pkcs11::new(path));
    std::panic::set_hook(previous);
    drop(guard);
    let ctx = match loaded {
        Ok(Ok(ctx)) => ctx,
        Ok(Err(e)) => return Err(Load::Module(e.to_string())),
        Err(_) => {
            return Err(Load::Module(
                "not a PKCS#11 module: it has no C_GetFunctionList".to_string(),
            ))
        }
    };
    // The pool calls the module from many threads at once. PKCS#11
    // v2.40 on CK_C_INITIALIZE_ARGS: "If the flag is set, and the
    // function pointer fields aren't supplied (i.e., they all have the
    // value NULL_PTR), that means that the application will be
    // performing multi-threaded Cryptoki access, and the library needs
    // to use the native operating system primitives to ensure safe
    // multi-threaded access." SoftHSM2 enables its mutexes only then
    // (without the flag it assumes a single thread), and decrypts the
    // private key of each C_SignInit under its token's mutex, so the
    // sessions of one token may sign at the same time.
    if let Err(e) = ctx.initialize(CInitializeArgs::OsThreads) {
        // Not finalised: the bindings' drop calls C_Finalize on a
        // module whose C_Initialize failed (see `trial_load`), and
        // one that says it was initialised already would be
        // finalised under the other module's sessions.
        std::mem::forget(ctx);
        // Another module file of this configuration loads the same
        // library, which this process initialised already (a wrapper
        // such as OpenSC's pkcs11-spy beside the library itself: the
        // thirty-fifth audit, 2026-12-07). Taking it as initialised
        // let a module that only says so be used uninitialised (the
        // thirty-sixth and thirty-seventh audits: one listed after a
        // working module crashed `sign`); no module can show which
        // library it is, so the configuration is to name it once.
        if matches!(e, Error::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) && others_loaded {
            return Err(Load::Module(
                "C_Initialize says the library is initialised already: another module \
                 file of this configuration loads the same library (a wrapper beside it); \
                 give every HSM of one library the same module path"
                    .to_string(),
            ));
        }
        return Err(Load::Initialize(e));
    }
    Ok(ctx)
}

/// The program that loads a module alone before this process does
/// ([`trial_load_fails`]): the `zonesign` binary, set by its `main`.
/// Unset (a test harness, another program using the library), modules are
/// loaded without the trial.
static TRIAL_PROGRAM: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// The hidden subcommand of [`TRIAL_PROGRAM`] that runs [`trial_load`].
pub const TRIAL_SUBCOMMAND: &str = "load-module-alone";

/// What [`trial_load`] writes once the module is loaded, or once loading
/// it returned an error (which the parent's own load then reports), after
/// the run's nonce: any other end of the child is the module's doing.
const TRIAL_LOADED: &str = "loaded";
const TRIAL_REFUSED: &str = "refused";

/// Lets [`Contexts::context`] try each module first in a child process
/// running `program` (the `zonesign` binary) with [`TRIAL_SUBCOMMAND`].
pub fn try_modules_with(program: PathBuf) {
    let _ = TRIAL_PROGRAM.set(program);
}

/// Loads `module` as [`Contexts::context`] does and nothing more: the
/// child's side of [`trial_load_fails`]. Says how it went after `nonce`,
/// on standard output and standard error.
/// No core file: a run leaves no file behind. It dies with `parent`, the
/// process that started it: a SIGTERM or SIGKILL to the run left it to
/// go on loading a module that takes its time, or never returns (left by
/// the forty-fourth session's note).
pub fn trial_load(module: &std::path::Path, nonce: &str, parent: Option<u32>) {
    use std::io::Write;
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{set_parent_process_death_signal, setrlimit, Resource, Rlimit};
        let _ = setrlimit(Resource::Core, Rlimit { current: Some(0), maximum: Some(0) });
        // Sent when the thread that started this process ends, which
        // waits for it: so when the run ends. A run that ended before
        // this line left this process to another parent.
        let _ = set_parent_process_death_signal(Some(rustix::process::Signal::KILL));
        if parent.is_some_and(|p| p != std::os::unix::process::parent_id()) {
            return;
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = parent;
    let said = match std::panic::catch_unwind(|| Pkcs11::new(module)) {
        Ok(Ok(ctx)) => {
            // Never finalised: C_Initialize was not called, and the
            // bindings' drop calls C_Finalize all the same, which a module
            // need not survive (the thirty-third audit, 2026-12-07: a
            // working module was refused as crashing).
            std::mem::forget(ctx);
            TRIAL_LOADED
        }
        _ => TRIAL_REFUSED,
    };
    // On a line of its own: a module's banner may lack its newline. On
    // both outputs (one file to the parent): a module may close one, and
    // the standard library takes a write to a closed standard output for
    // a success.
    let line = format!("\n{nonce} {said}\n");
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(line.as_bytes()).and_then(|()| out.flush());
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// Why `module` is no working PKCS#11 module, if a child process that
/// only loads it ([`trial_load`]) says so. The cryptoki bindings trust
/// what the module returns: a `C_GetFunctionList` (or v3.0
/// `C_GetInterface`) that returns `CKR_OK` and no function list is read
/// through a NULL pointer, and the run died of SIGSEGV with no HSM named
/// (the twenty-eighth audit, 2026-12-06; `pkcs11-tool` crashes too); a
/// module that calls `exit` while loaded ended the run with its own exit
/// status and no word (the thirty-third). Loading it first in a child
/// costs a few milliseconds a module, needs no `unsafe` code of ours, and
/// makes any such end that HSM's failure (exit 3, or left out under
/// `--allow-degraded-pool`). A module that crashes later, in a call a
/// session makes, still ends the run: the previous output stays untouched.
///
/// The child's output goes to a file in memory ([`output_file`]), read
/// once the child has ended: a process the module starts may hold it open for as
/// long as it lives, and a pipe read to its end hung the run that long
/// (the thirty-fourth audit, 2026-12-07). The child's words follow a
/// nonce of this run, which a module cannot print by chance.
fn trial_load_fails(module: &std::path::Path, timeout: Duration) -> Option<String> {
    use std::os::unix::fs::FileExt;
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, Stdio};
    let program = TRIAL_PROGRAM.get()?;
    let nonce = {
        let mut octets = [0u8; 16];
        aws_lc_rs::rand::fill(&mut octets).ok()?;
        format!("zonesign-trial-{}", data_encoding::HEXLOWER.encode(&octets))
    };
    let cannot = |e: std::io::Error| format!("cannot run the process that loads it first: {e}");
    let run = || -> std::io::Result<(Option<std::process::ExitStatus>, bool)> {
        let out = output_file()?;
        // `--`: a module path that begins with `-` is no option of the child.
        let mut child = Command::new(program)
            .args(["hsm", TRIAL_SUBCOMMAND, "--nonce", &nonce, "--parent"])
            .arg(std::process::id().to_string())
            .arg("--")
            .arg(module)
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out.try_clone()?)
            .spawn()?;
        // Within the HSM's timeout: a module whose C_GetFunctionList never
        // returns hung the run in this wait (the forty-fourth audit).
        let begun = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break status;
            }
            if super::clock::past(begun, timeout) {
                let _ = child.kill();
                let _ = child.wait();
                return Ok((None, false));
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        // All of it, a MiB at a time: a module may print much before the
        // child's words (only the first MiB was read: the thirty-fifth
        // audit) or after them, from its destructors (only the last 64
        // KiB: the thirty-sixth). Read at offsets: a process the module
        // started shares the file's offset, and went on writing over
        // what a rewind put back before it (the thirty-seventh).
        let len = out.metadata()?.len();
        let words = [TRIAL_LOADED, TRIAL_REFUSED].map(|w| format!("\n{nonce} {w}\n").into_bytes());
        let longest = words.iter().map(Vec::len).max().unwrap_or(0) as u64;
        let mut chunk = vec![0u8; (1 << 20) + longest as usize];
        let mut at = 0u64;
        while at < len {
            let n = (len - at).min(chunk.len() as u64) as usize;
            out.read_exact_at(&mut chunk[..n], at)?;
            if words.iter().any(|w| chunk[..n].windows(w.len()).any(|x| x == w.as_slice())) {
                return Ok((Some(status), true));
            }
            at += 1 << 20;
        }
        Ok((Some(status), false))
    };
    let (status, told) = match run() {
        Ok(done) => done,
        Err(e) => return Some(cannot(e)),
    };
    if told {
        return None;
    }
    let Some(status) = status else {
        return Some(format!(
            "loading it (C_GetFunctionList) did not end within {} s, its HSM's timeout, in a \
             process that did nothing else",
            timeout.as_secs()
        ));
    };
    Some(match (status.signal(), status.code()) {
        (Some(signal), _) => format!(
            "loading it crashed a process that did nothing else (signal {signal}): not a \
             working PKCS#11 module"
        ),
        (None, code) => format!(
            "loading it ended a process that did nothing else (exit status {}) before it was \
             loaded: not a working PKCS#11 module",
            code.map_or("unknown".to_string(), |c| c.to_string())
        ),
    })
}

/// Where the trial child writes: a file in memory on Linux (a full or
/// missing temporary directory refused every HSM: the thirty-fifth audit,
/// 2026-12-07), else an unnamed temporary file.
fn output_file() -> std::io::Result<std::fs::File> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{memfd_create, MemfdFlags};
        if let Ok(fd) = memfd_create("zonesign-trial-load", MemfdFlags::CLOEXEC) {
            return Ok(std::fs::File::from(fd));
        }
    }
    tempfile::tempfile()
}

/// What tells one token from every other, whatever module reaches it.
/// PKCS#11 v2.40 §3.2 (CK_TOKEN_INFO): `serialNumber` is the "character-
/// string serial number of the device", unique for its manufacturer and
/// model, not across vendors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenIdentity {
    pub manufacturer: String,
    pub model: String,
    pub serial: String,
}

/// Which library a module is, as the dynamic loader tells them apart.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ModuleId {
    /// An existing file, by device and inode: the loader loads a file once
    /// however it is reached, through a symbolic link or a hard link (a
    /// hard link was taken for a second module, and its C_Initialize
    /// failed: the thirty-fourth audit, 2026-12-07).
    File { dev: u64, ino: u64 },
    /// A module no file of which is found (the loader may still find
    /// it, through its cache), by its name.
    Named(PathBuf),
}

fn module_key(hsm: &HsmEntry) -> ModuleId {
    use std::os::unix::fs::MetadataExt;
    // A name without a `/` is the file the loader finds for it: the
    // library by name and by path is one module (the thirty-fifth audit).
    let file = super::config::module_candidates(&hsm.module)
        .into_iter()
        .next()
        .unwrap_or_else(|| hsm.module.clone());
    match std::fs::metadata(&file) {
        Ok(m) => ModuleId::File { dev: m.dev(), ino: m.ino() },
        Err(_) => ModuleId::Named(hsm.module.clone()),
    }
}

/// An HSM with its token found, logged in, and `sessions` sessions open.
#[derive(Debug)]
pub struct OpenHsm {
    pub entry: HsmEntry,
    /// The token label as the token reports it.
    pub token: String,
    pub slot: Slot,
    pub sessions: Vec<Session>,
}

/// What one slot of a module says of its token ([`survey`]).
#[derive(Debug, Clone)]
pub enum SlotAnswer {
    Token {
        slot: Slot,
        /// As the token reports them, blanks trimmed, for matching.
        label: String,
        serial: String,
        id: TokenIdentity,
    },
    /// C_GetTokenInfo failed: why, for messages.
    Failed(String),
    /// C_GetTokenInfo did not answer within the survey's timeout.
    NoAnswer { slot: Slot },
}

/// What [`survey`] found: each slot's answer, and how long each answer
/// took, so that every HSM is held to its own `timeout` though its module
/// is asked once, with the longest of its HSMs' (the forty-fourth audit,
/// 2026-12-07: every HSM was said to have waited the longest).
#[derive(Debug, Clone)]
pub struct Survey {
    /// How long C_GetSlotList took.
    pub listed_after: Duration,
    /// Per slot: its answer, and how long C_GetTokenInfo took.
    pub slots: Vec<(SlotAnswer, Duration)>,
}

/// Why a module's slot list could not be read ([`survey`]).
#[derive(Debug)]
pub enum SurveyError {
    /// C_GetSlotList did not answer within the timeout.
    NoAnswer,
    /// C_GetSlotList failed, or its call ended without a result (the
    /// bindings panic on a slot count no memory can hold).
    Failed(String),
}

/// Set once a call into a module was not made for want of a thread.
static NO_THREAD: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Runs `call` on a thread of its own and hands back where its answer
/// comes (the proofs, [`survey`], `hsm keygen`, closing). Without a thread
/// to spare the call is not made, neither is what it holds dropped (a
/// session's close is a call too), and the answer's channel is closed:
/// made here, with no deadline, a call that never returned hung `hsm
/// check` and `sign` for ever under a thread limit (`ulimit -u`, the
/// seventy-seventh audit, 2026-12-07). [`ended_without_result`] says so.
pub(super) fn ask<T: Send + 'static>(call: impl FnOnce() -> T + Send + 'static) -> Receiver<T> {
    let (tx, rx) = bounded(1);
    let call = std::sync::Arc::new(std::sync::Mutex::new(Some((call, tx))));
    let unmade = std::sync::Arc::clone(&call);
    let spawned = std::thread::Builder::new().name("pkcs11-call".into()).spawn(move || {
        if let Some((call, tx)) = call.lock().ok().and_then(|mut c| c.take()) {
            let _ = tx.send(call());
        }
    });
    if spawned.is_err() {
        if let Some((call, tx)) = unmade.lock().ok().and_then(|mut c| c.take()) {
            NO_THREAD.store(true, std::sync::atomic::Ordering::Release);
            drop(tx);
            std::mem::forget(call);
        }
    }
    rx
}

/// What to say of a call whose answer's channel closed without one: its
/// thread panicked, or none could be started ([`ask`]).
pub(super) fn ended_without_result(what: &str) -> String {
    if NO_THREAD.load(std::sync::atomic::Ordering::Acquire) {
        format!(
            "{what} was not made: no thread could be started to hold it to its timeout \
             (the process's thread limit, ulimit -u)"
        )
    } else {
        format!("{what} ended without a result")
    }
}

/// A module's slots with a token, and what each says of its token. Every
/// call runs on a thread of its own and is held to `timeout`: the slot
/// list first, then every slot's C_GetTokenInfo at once. Asked once a
/// module, so that one slot that fails or does not answer (a token pulled
/// out, a stuck reader) fails only the HSM whose token may be there: each
/// HSM asked every slot and stopped at the first fault, so one bad token
/// took every HSM of its module down with it (the forty-third audit,
/// 2026-12-07).
pub fn survey(ctx: &Pkcs11, timeout: Duration) -> Result<Survey, SurveyError> {
    let started = Instant::now();
    let list = ask({
        let ctx = ctx.clone();
        move || (ctx.get_slots_with_token(), Instant::now())
    });
    let (slots, listed_after) = match super::clock::recv_within(&list, started, timeout) {
        Ok((Ok(slots), at)) => (slots, super::clock::ran_between(started, at)),
        Ok((Err(e), _)) => return Err(SurveyError::Failed(super::describe(&e))),
        Err(RecvTimeoutError::Timeout) => {
            super::note_thread_left_in_module();
            return Err(SurveyError::NoAnswer);
        }
        Err(RecvTimeoutError::Disconnected) => {
            return Err(SurveyError::Failed(ended_without_result("C_GetSlotList")))
        }
    };
    let asked = Instant::now();
    let pending: Vec<(Slot, Receiver<_>)> = slots
        .into_iter()
        .map(|slot| {
            let ctx = ctx.clone();
            (slot, ask(move || (ctx.get_token_info(slot), Instant::now())))
        })
        .collect();
    let mut answers = Vec::with_capacity(pending.len());
    for (slot, rx) in pending {
        let failed = |why: String| SlotAnswer::Failed(format!("slot {}: {why}", slot.id()));
        answers.push(match super::clock::recv_within(&rx, asked, timeout) {
            Ok((Ok(info), at)) => (
                SlotAnswer::Token {
                    slot,
                    label: info.label().trim_end().to_owned(),
                    serial: info.serial_number().trim_end().to_owned(),
                    id: TokenIdentity {
                        manufacturer: info.manufacturer_id().trim_end().to_owned(),
                        model: info.model().trim_end().to_owned(),
                        serial: info.serial_number().trim_end().to_owned(),
                    },
                },
                super::clock::ran_between(asked, at),
            ),
            Ok((Err(e), at)) => (
                failed(format!("C_GetTokenInfo failed: {}", super::describe(&e))),
                super::clock::ran_between(asked, at),
            ),
            Err(RecvTimeoutError::Timeout) => {
                super::note_thread_left_in_module();
                (SlotAnswer::NoAnswer { slot }, timeout)
            }
            Err(RecvTimeoutError::Disconnected) => {
                (failed(ended_without_result("C_GetTokenInfo")), asked.elapsed())
            }
        });
    }
    Ok(Survey { listed_after, slots: answers })
}

/// Text a token reports about itself, with control and other invisible
/// characters escaped as Rust does (`\n`, `\u{1b}`), for messages.
fn shown(text: &str) -> String {
    text.chars()
        .map(|c| {
            if super::config::invisible(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// An HSM whose module is loaded and whose token was found and claimed
/// ([`TokenFound::claim`]); no session is open yet.
#[derive(Debug)]
pub struct FoundHsm {
    pub entry: HsmEntry,
    ctx: Pkcs11,
    slot: Slot,
    token: String,
}

/// A token found in a module ([`TokenFound::find`]), not yet claimed.
#[derive(Debug)]
pub struct TokenFound {
    ctx: Pkcs11,
    slot: Slot,
    token: String,
    id: TokenIdentity,
}

impl TokenFound {
    /// Finds `hsm`'s token by label or serial among what its module said
    /// of its slots ([`survey`]). Slot numbers are never used: SoftHSM
    /// assigns them at random, and real HSMs renumber.
    pub fn select(ctx: Pkcs11, survey: &Survey, hsm: &HsmEntry) -> Result<TokenFound, HsmError> {
        let mut matches = Vec::new();
        let mut available = Vec::new();
        let mut unasked = false;
        let late = |slot: &Slot| {
            let seconds = hsm.timeout.as_secs();
            format!("slot {}: no answer to C_GetTokenInfo within {seconds} s", slot.id())
        };
        for (answer, after) in &survey.slots {
            let (slot, label, serial, id) = match answer {
                SlotAnswer::Token { slot, label, serial, id } if *after <= hsm.timeout => {
                    (slot, label, serial, id)
                }
                SlotAnswer::Token { slot, .. } | SlotAnswer::NoAnswer { slot } => {
                    available.push(late(slot));
                    continue;
                }
                SlotAnswer::Failed(why) => {
                    unasked |= NO_THREAD.load(std::sync::atomic::Ordering::Acquire);
                    available.push(why.clone());
                    continue;
                }
            };
            let hit = match &hsm.token {
                TokenSelector::Label(l) => l == label,
                TokenSelector::Serial(s) => s == serial,
            };
            // What the token says of itself is shown escaped: a label with a
            // newline or an escape sequence forged lines of `hsm check` and
            // of the errors (left by the forty-fifth session's note).
            let (label, serial) = (shown(label), shown(serial));
            if hit {
                let id = TokenIdentity { serial: serial.clone(), ..id.clone() };
                matches.push((*slot, label.clone(), id));
            }
            available.push(format!("\"{label}\" serial {serial}"));
        }
        match matches.len() {
            1 => {
                let (slot, token, id) = matches.swap_remove(0);
                Ok(TokenFound { ctx, slot, token, id })
            }
            // A slot not asked for want of a thread ([`ask`]) may hold the
            // token: said first, not "not found" (the seventy-eighth audit).
            0 if unasked => Err(HsmError::Pkcs11 {
                hsm: hsm.name.clone(),
                key: None,
                function: "C_GetTokenInfo".into(),
                ckr: format!(
                    "{} (slots: {})",
                    ended_without_result("a slot's call"),
                    available.join(", ")
                ),
            }),
            0 => Err(HsmError::TokenNotFound {
                hsm: hsm.name.clone(),
                token: hsm.token.to_string(),
                available,
            }),
            count => Err(HsmError::TokenAmbiguous {
                hsm: hsm.name.clone(),
                token: hsm.token.to_string(),
                count,
                // One token in several slots: `token_serial` cannot help
                // (the advice was given all the same: the forty-fourth
                // audit, 2026-12-07).
                one_token: matches.windows(2).all(|w| w[0].2 == w[1].2),
            }),
        }
    }

    /// Claims the token for `hsm` ([`HsmError::TokenTwice`] if another
    /// entry claimed it in `contexts`).
    pub fn claim(self, contexts: &mut Contexts, hsm: &HsmEntry) -> Result<FoundHsm, HsmError> {
        let TokenFound { ctx, slot, token, id } = self;
        contexts.claim_token(hsm, &id)?;
        Ok(FoundHsm { entry: hsm.clone(), ctx, slot, token })
    }
}

/// Opens the sessions of an HSM found ([`TokenFound::claim`]) and logs in
/// once (a login holds for every session of the application on that
/// token, PKCS#11 v2.40 §5.6). Needs no [`Contexts`], so it may run on a
/// thread of its own.
pub fn open_sessions(
    found: FoundHsm,
    sessions: usize,
    read_write: bool,
) -> Result<OpenHsm, HsmError> {
    let FoundHsm { entry, ctx, slot, token } = found;
    let hsm = &entry;
    let pin = hsm.pin.read(&hsm.name)?;
    let mut open = Vec::with_capacity(sessions.max(1));
    // Sessions of a failure are closed on a thread not waited for: the
    // caller's deadline is for the call that failed, and a C_CloseSession
    // that never returned replaced a wrong PIN's CKR_PIN_INCORRECT with
    // "no answer" (the forty-sixth audit, 2026-12-07).
    let failing = |open: Vec<Session>, e: HsmError| {
        super::release_within(open, Duration::ZERO);
        Err(e)
    };
    for _ in 0..sessions.max(1) {
        let s = if read_write { ctx.open_rw_session(slot) } else { ctx.open_ro_session(slot) };
        match s {
            Ok(s) => open.push(s),
            Err(e) => return failing(open, pkcs11_error(&hsm.name, None, "C_OpenSession", e)),
        }
    }
    // A token that says its PIN is locked, or that a wrong PIN now locks
    // it, is not sent a login ([`super::PinState`]). A token whose
    // C_GetTokenInfo fails here is tried as before: the login says why.
    if let Ok(info) = ctx.get_token_info(slot) {
        let state = if info.user_pin_locked() {
            Some(super::PinState::Locked)
        } else if info.user_pin_final_try() {
            Some(super::PinState::FinalTry)
        } else {
            None
        };
        if let Some(state) = state {
            let e = HsmError::PinState {
                hsm: hsm.name.clone(),
                token: format!("token \"{token}\""),
                state,
            };
            return failing(open, e);
        }
    }
    let auth = AuthPin::new(pin.as_str().to_owned());
    drop(pin);
    match open[0].login(UserType::User, Some(&auth)) {
        Ok(()) | Err(Error::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
        Err(Error::Pkcs11(rv, _)) => {
            let e = HsmError::Login {
                hsm: hsm.name.clone(),
                token: format!("token \"{token}\""),
                ckr: super::ckr_name(&rv),
            };
            return failing(open, e);
        }
        Err(e) => return failing(open, pkcs11_error(&hsm.name, None, "C_Login", e)),
    }
    Ok(OpenHsm { entry, token, slot, sessions: open })
}

/// The search template of a key: class, and CKA_ID and/or CKA_LABEL.
pub fn template(class: ObjectClass, id: Option<&[u8]>, label: Option<&str>) -> Vec<Attribute> {
    let mut t = vec![Attribute::Class(class)];
    if let Some(id) = id {
        t.push(Attribute::Id(id.to_vec()));
    }
    if let Some(label) = label {
        t.push(Attribute::Label(label.as_bytes().to_vec()));
    }
    t
}

/// Finds exactly one object of `class` for `key`.
pub fn find_key_object(
    session: &Session,
    hsm: &OpenHsmRef<'_>,
    key: &KeyEntry,
    class: ObjectClass,
) -> Result<ObjectHandle, HsmError> {
    let class_name = if class == ObjectClass::PRIVATE_KEY { "private" } else { "public" };
    let found = session
        .find_objects(&template(class, key.id.as_deref(), key.label.as_deref()))
        .map_err(|e| pkcs11_error(hsm.name, Some(&key.describe()), "C_FindObjects", e))?;
    match found.len() {
        1 => Ok(found[0]),
        0 => Err(HsmError::KeyNotFound {
            hsm: hsm.name.to_owned(),
            token: hsm.token_display(),
            key: key.describe(),
            class: class_name,
        }),
        count => Err(HsmError::KeyAmbiguous {
            hsm: hsm.name.to_owned(),
            token: hsm.token_display(),
            key: key.describe(),
            class: class_name,
            count,
        }),
    }
}

/// The names an error needs: the HSM as configured and its token.
#[derive(Debug, Clone, Copy)]
pub struct OpenHsmRef<'a> {
    pub name: &'a str,
    pub token: &'a str,
}

impl OpenHsmRef<'_> {
    pub fn token_display(&self) -> String {
        format!("token \"{}\"", self.token)
    }
}

impl OpenHsm {
    pub fn names(&self) -> OpenHsmRef<'_> {
        OpenHsmRef { name: &self.entry.name, token: &self.token }
    }
}

#[cfg(test)]
mod tests {
    use super::shown;

    /// Left by the forty-fifth session's note: a token label the token
    /// itself reports with a newline or an escape sequence was printed as
    /// it came, and could forge lines of `hsm check`.
    #[test]
    fn regression_what_a_token_says_of_itself_is_shown_escaped() {
        assert_eq!(shown("signer 1"), "signer 1");
        assert_eq!(shown("a\nhsm b: OK"), "a\\u{a}hsm b: OK");
        assert_eq!(shown("\u{1b}[2Kx\u{202e}"), "\\u{1b}[2Kx\\u{202e}");
    }
}
