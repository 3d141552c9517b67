//! Atomic replacement of an output file.
//!
//! The new content is written to a temporary file in the output's own
//! directory (so the final rename stays within one file system), flushed and
//! fsynced; only then is it renamed over the output and the directory
//! fsynced. Dropping an [`AtomicOutput`] without [`AtomicOutput::commit`]
//! removes the temporary file, so a failed run leaves no partial file and the
//! previous output untouched.
//!
//! # A run that is killed
//! On Linux the temporary file has no name until it is committed: it is
//! opened with `O_TMPFILE` (open(2): "Create an unnamed temporary regular
//! file"), and the kernel frees it when the last descriptor closes, however
//! the process ends. A signing run interrupted with Ctrl-C, stopped with
//! SIGTERM or SIGKILL, or killed for lack of memory therefore leaves nothing
//! beside the output, where a named temporary file of a TLD would have been
//! gigabytes left behind. Only a verified file gets a name: on commit it is
//! linked into the directory under a temporary name and renamed over the
//! output at once. Where the file system has no `O_TMPFILE` (NFS, CIFS,
//! vfat; or on other systems) the temporary file is a named one, removed on
//! every failure the process lives through, and on SIGINT, SIGTERM and
//! SIGHUP before the process dies by the signal
//! ([`remove_temporary_files_on_signals`]): Ctrl-C left a partial zone of
//! up to a TLD's size, hidden beside the output, that no later run removed
//! (the thirty-eighth audit, 2026-12-07; `dnssec-signzone` removes its
//! own). Only SIGKILL, or a crash, leaves one.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::sync::Mutex;

/// The signals this process ignores, as a mask (bit n − 1 for signal n):
/// proc(5), `SigIgn` in `/proc/self/status`. None where it cannot be read.
fn ignored_signals() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("SigIgn:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
}

/// The `ZONESIGN_FAULT` that makes every temporary file a named one.
pub const NAMED_TEMP_FAULT: &str = "named-temp";

/// Whether `ZONESIGN_FAULT` (the fail-closed tests' hook, a comma-separated
/// list) names the fault `name`. Read lossily, as `sign` says it: a name
/// beside one not UTF-8 was said made and was not (the seventy-sixth
/// audit, 2026-12-07).
pub fn fault_asked(name: &str) -> bool {
    std::env::var_os("ZONESIGN_FAULT")
        .is_some_and(|v| v.to_string_lossy().split(',').any(|f| f == name))
}

/// The named temporary files that exist now: what a signal removes.
static NAMED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A named temporary file's entry in [`NAMED`], for as long as it lives.
#[derive(Debug)]
struct Registered(PathBuf);

impl Registered {
    fn new(path: &Path) -> Registered {
        NAMED.lock().unwrap_or_else(|e| e.into_inner()).push(path.to_path_buf());
        Registered(path.to_path_buf())
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        let mut named = NAMED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = named.iter().position(|p| *p == self.0) {
            named.swap_remove(i);
        }
    }
}

/// On SIGINT, SIGTERM and SIGHUP: removes the named temporary files that
/// exist, then dies by the signal as it would have (exit status 128 + the
/// signal's number). A file being renamed over its target as the signal
/// comes is either renamed already (a verified zone: the commit happened)
/// or removed first (the rename fails: the previous output stays).
///
/// A signal ignored when the run starts stays ignored: `nohup` ignores
/// SIGHUP, and a shell ignores SIGINT for the jobs it starts in the
/// background; catching them would end such runs (POSIX: a signal
/// ignored on entry to a process should stay ignored).
#[cfg(unix)]
pub fn remove_temporary_files_on_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    // Without `/proc`, which signals are ignored cannot be known: none is
    // caught then (`nohup` runs died of SIGHUP: the fortieth audit).
    let Some(ignored) = ignored_signals() else { return };
    let caught: Vec<i32> = [SIGINT, SIGTERM, SIGHUP]
        .into_iter()
        .filter(|&s| ignored & (1u64 << (s - 1)) == 0)
        .collect();
    if caught.is_empty() {
        return;
    }
    // The handlers are installed by the thread itself: where it cannot
    // start, the signals keep their default action (installed first, they
    // were swallowed, and the run went on: the fortieth audit).
    let _ = std::thread::Builder::new().name("signals".into()).spawn(move || {
        let Ok(mut signals) = signal_hook::iterator::Signals::new(caught) else { return };
        for signal in signals.forever() {
            // The first signal under a hold waits for it (a second ends
            // the run at once). The hold may have ended between the two
            // loads; then the signal is this thread's to act on.
            if HOLDS.load(Ordering::SeqCst) > 0 && ARRIVED.load(Ordering::SeqCst) == 0 {
                ARRIVED.store(signal, Ordering::SeqCst);
                if HOLDS.load(Ordering::SeqCst) > 0 {
                    crate::diag!(
                        "zonesign: signal {signal}: the key being made is finished or undone \
                         in every HSM first; a second signal ends the run now"
                    );
                    continue;
                }
            }
            die_by(signal);
        }
    });
}

/// Removes the named temporary files, then ends the process by `signal`
/// as its default action would (exit status 128 + its number).
#[cfg(unix)]
fn die_by(signal: i32) -> ! {
    for path in NAMED.lock().unwrap_or_else(|e| e.into_inner()).iter() {
        let _ = std::fs::remove_file(path);
    }
    let _ = signal_hook::low_level::emulate_default_handler(signal);
    std::process::exit(128 + signal);
}

/// Holds of [`hold_signals`] alive now.
static HOLDS: AtomicUsize = AtomicUsize::new(0);
/// The first signal that came under a hold (0: none).
static ARRIVED: AtomicI32 = AtomicI32::new(0);

/// Work that must be finished or undone before the process dies of a
/// signal: while a hold lives, the first SIGINT, SIGTERM or SIGHUP is
/// noted ([`signal_arrived`]) instead of ending the run, and the run ends
/// by it when the last hold is dropped. A second signal ends it at once.
/// `hsm keygen` holds signals from the moment its key begins to exist (the
/// `.key` file, then the imports) until its result is said
/// ([`hold_signals_until_said`]): Ctrl-C between two imports left the key
/// in the first HSMs only, and the same keygen run again was refused there
/// (the forty-sixth session's list). Before that, a signal ends the run as
/// it comes (held from the start, Ctrl-C waited for each HSM's log-in, and
/// a module's trial load killed by it was called a broken module: the
/// forty-eighth audit). Where signals are not caught
/// ([`remove_temporary_files_on_signals`]) a hold does nothing.
#[derive(Debug)]
#[must_use = "signals are held only while the hold lives"]
pub struct SignalHold(());

/// Starts a [`SignalHold`].
pub fn hold_signals() -> SignalHold {
    HOLDS.fetch_add(1, Ordering::SeqCst);
    SignalHold(())
}

/// The signal that came while signals were held, if one did: the held
/// work stops and undoes what it did.
pub fn signal_arrived() -> Option<i32> {
    match ARRIVED.load(Ordering::SeqCst) {
        0 => None,
        signal => Some(signal),
    }
}

/// The hold a command keeps until its result is said.
static KEPT: Mutex<Option<SignalHold>> = Mutex::new(None);

/// Starts a [`SignalHold`] that lasts until [`release_kept_signals`] (which
/// `main` calls once the command's result is said); a second call keeps
/// the first.
pub fn hold_signals_until_said() {
    let mut kept = KEPT.lock().unwrap_or_else(|e| e.into_inner());
    if kept.is_none() {
        *kept = Some(hold_signals());
    }
}

/// Ends the hold of [`hold_signals_until_said`], if one lives: a signal
/// that came under it ends the run now.
pub fn release_kept_signals() {
    let kept = KEPT.lock().unwrap_or_else(|e| e.into_inner()).take();
    drop(kept);
}

impl Drop for SignalHold {
    fn drop(&mut self) {
        if HOLDS.fetch_sub(1, Ordering::SeqCst) == 1 {
            #[cfg(unix)]
            if let Some(signal) = signal_arrived() {
                die_by(signal);
            }
        }
    }
}

/// A temporary file that becomes `target` on commit.
#[derive(Debug)]
pub struct AtomicOutput {
    temp: Temp,
    target: PathBuf,
}

#[derive(Debug)]
enum Temp {
    /// `O_TMPFILE`: no directory entry until commit. `path` is the
    /// descriptor's `/proc/self/fd` entry, through which the file is read
    /// back for verification and linked on commit.
    #[cfg(target_os = "linux")]
    Unnamed { file: File, path: PathBuf },
    /// Its entry in [`NAMED`] goes after the file (fields drop in order).
    Named(tempfile::NamedTempFile, Registered),
}

/// The directory that holds `target`.
pub fn directory_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Where the absolute `path` leads, as far as it exists: its longest
/// leading part that exists, with its links resolved, then the rest with
/// `.` and `..` taken as written (`..` of the root is the root). For a
/// dangling link's target: `devlink/shm/none`, with `devlink -> /dev`, is
/// `/dev/shm/none` (taken as written, it passed: the forty-ninth audit).
fn resolved(path: &Path) -> PathBuf {
    use std::path::Component;
    let parts: Vec<Component<'_>> = path.components().collect();
    for split in (0..=parts.len()).rev() {
        let head: PathBuf = parts[..split].iter().collect();
        let Ok(mut out) = std::fs::canonicalize(&head) else { continue };
        for part in &parts[split..] {
            match part {
                Component::CurDir => {}
                Component::ParentDir => {
                    out.pop();
                }
                other => out.push(other),
            }
        }
        return out;
    }
    path.to_path_buf()
}

/// The most symbolic links an output's chain is followed through, as
/// Linux's path lookup (`MAXSYMLINKS`).
const MAX_LINK_HOPS: usize = 40;

/// Refuses a `target` that renaming a new file over would harm (see
/// [`AtomicOutput::create`]); a target that does not exist yet is fine.
pub fn check_target(target: &Path) -> io::Result<()> {
    let refuse = |what: &str| {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{what}: the output is replaced by renaming a new file over it"),
        ))
    };
    // `NAME/`, `NAME/.` and `NAME/..` name directories, which no file
    // renamed over them replaces; `Path` drops the slash and the dot (the
    // file name of both is NAME), and the run found them only at the
    // rename, after signing (the twenty-first and twenty-second audits,
    // 2026-12-06).
    let octets = target.as_os_str().as_encoded_bytes();
    let last = octets.rsplit(|&b| b == b'/').next().unwrap_or_default();
    if matches!(last, b"" | b"." | b"..") {
        return refuse("a directory's name");
    }
    let Ok(m) = std::fs::symlink_metadata(target) else { return Ok(()) };
    if m.file_type().is_symlink() {
        // The link, every hop and where it ends: none in /dev or /proc
        // (`/dev/stdout` -> `/proc/self/fd/1` -> whatever stdout is). The
        // link's directory is resolved and a hop's `..` taken as written
        // where the rest does not exist: `dir -> /dev/shm` then `dir/link`,
        // and a dangling `link -> ../../dev/x`, passed (the forty-eighth
        // audit).
        let in_system = |p: &Path| p.starts_with("/dev") || p.starts_with("/proc");
        // Where the link itself is: its directory resolved, its own name
        // not followed (resolved, a link in /dev to a file elsewhere was
        // judged by its target, and replaced: the fiftieth audit).
        let directory = directory_of(target);
        let directory = std::fs::canonicalize(&directory).unwrap_or(directory);
        let at = target.file_name().map_or_else(|| target.to_path_buf(), |n| directory.join(n));
        let inside = in_system(&at);
        // Each hop of the chain where it is, in the same way, followed
        // link by link as far as it goes (dangling too), and where it ends:
        // a first hop in /dev to a file elsewhere, and a chain dangling into
        // /dev through a second link, passed (the fifty-first audit).
        let mut into = std::fs::canonicalize(target).is_ok_and(|end| in_system(&end));
        let mut here = at;
        let mut ended = false;
        // Up to MAX_LINK_HOPS links, and the look past the last of them.
        for _ in 0..=MAX_LINK_HOPS {
            let Ok(hop) = std::fs::read_link(&here) else {
                ended = true;
                break;
            };
            let next = directory_of(&here).join(hop);
            here = match (next.parent(), next.file_name()) {
                (Some(parent), Some(name)) => resolved(parent).join(name),
                _ => resolved(&next),
            };
            into |= in_system(&here);
        }
        // A longer chain cannot be judged (the kernel gives up at 40 as
        // well, ELOOP): one of 41 into /dev was replaced (the fifty-second
        // audit).
        if !ended {
            return refuse(&format!("a chain of more than {MAX_LINK_HOPS} symbolic links"));
        }
        let not_regular = std::fs::metadata(target).is_ok_and(|t| !t.is_file());
        // Each refusal says its own reason: a link into /proc to a
        // regular file was called a link to "something other" (the
        // forty-seventh audit), one in /dev to a file elsewhere a link
        // "into" /dev (the forty-ninth).
        if inside {
            return refuse("a symbolic link in /dev or /proc");
        }
        if into {
            return refuse("a symbolic link into /dev or /proc");
        }
        if not_regular {
            return refuse("a symbolic link to something other than a regular file");
        }
        return Ok(());
    }
    if !m.file_type().is_file() {
        return refuse("not a regular file");
    }
    Ok(())
}

impl AtomicOutput {
    /// Creates the temporary file beside `target`.
    ///
    /// An existing `target` must be a regular file (or a symbolic link to
    /// one, which the rename replaces, as `dnssec-signzone`'s does):
    /// renaming over a device, a FIFO or a directory would replace it, and
    /// as root `--output /dev/null` would turn the system's null device
    /// into a zone file. So would a link to anything else, or into `/dev`
    /// or `/proc`: `--output /dev/stdout` replaced the system's link with
    /// the zone (the fifth audit, 2026-12-06).
    pub fn create(target: &Path) -> io::Result<AtomicOutput> {
        // The fail-closed tests' way to a named temporary file, as on a
        // file system without `O_TMPFILE` (see `run::sign::inject_fault`).
        let named = fault_asked(NAMED_TEMP_FAULT);
        AtomicOutput::create_with(target, !named)
    }

    /// [`AtomicOutput::create`], with a named temporary file unless
    /// `unnamed` (and the file system) allow an unnamed one.
    fn create_with(target: &Path, unnamed: bool) -> io::Result<AtomicOutput> {
        check_target(target)?;
        let dir = directory_of(target);
        let temp = match unnamed.then(|| unnamed_in(&dir)).flatten() {
            Some(temp) => temp,
            None => {
                let file = tempfile::Builder::new()
                    .prefix(&format!(".{}.", file_name(target)))
                    .suffix(".zonesign-tmp")
                    .tempfile_in(&dir)?;
                let registered = Registered::new(file.path());
                Temp::Named(file, registered)
            }
        };
        // The new file takes the old one's owner and group where this
        // process may give them (root may; others keep their own, as with
        // `sed -i`), so that a name server running as another user still
        // reads it; and its permission bits, without set-user-ID,
        // set-group-ID or sticky bits. A new output is world-readable
        // (0644) like the zone files a name server reads.
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let out = AtomicOutput { temp, target: target.to_path_buf() };
        let mode = match std::fs::metadata(target) {
            Ok(m) => {
                let _ = std::os::unix::fs::fchown(out.file(), Some(m.uid()), Some(m.gid()));
                m.mode() & 0o777
            }
            Err(_) => 0o644,
        };
        out.file().set_permissions(std::fs::Permissions::from_mode(mode))?;
        Ok(out)
    }

    /// The temporary file, for writing.
    pub fn file(&self) -> &File {
        match &self.temp {
            #[cfg(target_os = "linux")]
            Temp::Unnamed { file, .. } => file,
            Temp::Named(t, _) => t.as_file(),
        }
    }

    /// A path to the temporary file, to read it back for verification
    /// (for an unnamed file, its `/proc/self/fd` entry).
    pub fn temp_path(&self) -> &Path {
        match &self.temp {
            #[cfg(target_os = "linux")]
            Temp::Unnamed { path, .. } => path,
            Temp::Named(t, _) => t.path(),
        }
    }

    /// Flushes the temporary file to stable storage.
    pub fn sync(&self) -> io::Result<()> {
        self.file().sync_all()
    }

    /// Renames the temporary file over the target and fsyncs the directory.
    /// A zone may only be committed with the proof that the file on disk
    /// passed full verification (the first non-negotiable: fail closed).
    pub fn commit(self, _proof: &crate::verify::VerificationPassed) -> io::Result<()> {
        self.commit_unverified()
    }

    /// Commits a file that is not a signed zone (reports, DS files, `fmt`
    /// output), or a zone under `--dangerous-skip-verify`.
    pub fn commit_unverified(self) -> io::Result<()> {
        self.file().sync_all()?;
        let AtomicOutput { temp, target } = self;
        let dir = directory_of(&target);
        match temp {
            #[cfg(target_os = "linux")]
            Temp::Unnamed { file, path } => {
                remove_stale_links(&dir, &target);
                let link = link_into(&file, &path, &dir, &target)?;
                let _registered = Registered::new(&link);
                if let Err(e) = std::fs::rename(&link, &target) {
                    let _ = std::fs::remove_file(&link);
                    return Err(e);
                }
            }
            Temp::Named(t, _registered) => {
                t.persist(&target).map_err(|e| e.error)?;
            }
        }
        // The target is replaced now: a directory that cannot be synced
        // puts only the rename's durability in doubt, not the file. It was
        // reported as "cannot write", with the new file in place (the
        // ninth audit, 2026-12-06).
        if let Err(e) = File::open(&dir).and_then(|d| d.sync_all()) {
            crate::diag!(
                "zonesign: warning: {} was replaced, but its directory could not be synced ({e}): after a crash the previous file may be back",
                target.display()
            );
        }
        Ok(())
    }
}

/// The start of the target's file name, for temporary names beside it: at
/// most 64 octets (whole characters), so that the temporary name (about 40
/// more) stays under the 255 octets a file name may have, whatever the
/// target's (an audit found a name of 216 octets failing at the commit,
/// after the whole run, 2026-12-06; a later one, 64 characters of four
/// octets each).
fn file_name(target: &Path) -> String {
    let name = target.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut end = 0;
    for (at, c) in name.char_indices() {
        if at + c.len_utf8() > 64 {
            break;
        }
        end = at + c.len_utf8();
    }
    name[..end].to_owned()
}

/// Whether a run writing into `dir` leaves nothing behind however it ends:
/// the file system there gives unnamed temporary files.
pub fn unnamed_temp_supported(dir: &Path) -> bool {
    unnamed_in(dir).is_some()
}

/// An `O_TMPFILE` file in `dir`, or `None` where the file system (or the
/// kernel) has none; the caller then makes a named one, and reports any
/// error that has nothing to do with `O_TMPFILE` from that attempt.
#[cfg(target_os = "linux")]
fn unnamed_in(dir: &Path) -> Option<Temp> {
    use rustix::fs::{openat, Mode, OFlags, CWD};
    use std::os::fd::AsRawFd;
    let fd = openat(
        CWD,
        dir,
        OFlags::TMPFILE | OFlags::RDWR | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o600),
    )
    .ok()?;
    let file = File::from(fd);
    let path = PathBuf::from(format!("/proc/self/fd/{}", file.as_raw_fd()));
    // Without /proc the file could be neither read back nor linked.
    if std::fs::metadata(&path).is_err() {
        return None;
    }
    Some(Temp::Unnamed { file, path })
}

#[cfg(not(target_os = "linux"))]
fn unnamed_in(_dir: &Path) -> Option<Temp> {
    None
}

/// Removes the temporary links (see [`link_into`]) that runs killed
/// between the link and the rename left beside `target`: a whole zone each,
/// hidden, which no run removed (the ninth audit, 2026-12-06). A link is
/// stale when the process its name carries is gone.
#[cfg(target_os = "linux")]
fn remove_stale_links(dir: &Path, target: &Path) {
    let prefix = format!(".{}.", file_name(target));
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(&prefix)) else { continue };
        if !rest.ends_with(".zonesign-tmp") {
            continue;
        }
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let gone = pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists();
        if gone && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Gives the unnamed `file` a name in `dir` (a temporary one, unused so
/// far) and returns it. open(2), on `O_TMPFILE`: such a file can be made
/// permanent with linkat(2) "specifying the /proc/self/fd pathname for the
/// file descriptor"; `AT_EMPTY_PATH` on the descriptor itself needs
/// CAP_DAC_READ_SEARCH, so it is only the second try.
#[cfg(target_os = "linux")]
fn link_into(file: &File, proc_path: &Path, dir: &Path, target: &Path) -> io::Result<PathBuf> {
    use rustix::fs::{linkat, AtFlags, CWD};
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    for attempt in 0..16u32 {
        let link = dir.join(format!(
            ".{}.{}-{stamp:08x}-{attempt}.zonesign-tmp",
            file_name(target),
            std::process::id()
        ));
        let linked = match linkat(CWD, proc_path, CWD, &link, AtFlags::SYMLINK_FOLLOW) {
            Err(e) if e != rustix::io::Errno::EXIST => {
                linkat(file, "", CWD, &link, AtFlags::EMPTY_PATH)
            }
            other => other,
        };
        match linked {
            Ok(()) => return Ok(link),
            Err(rustix::io::Errno::EXIST) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(rustix::io::Errno::EXIST.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;

    /// A target name of 60 four-octet characters (240 octets, legal) gave
    /// a temporary name over 255 octets: 64 characters were kept, not 64
    /// octets (an audit, 2026-12-06). The commit failed after the whole run.
    #[test]
    fn regression_temporary_names_keep_64_octets_of_the_target_name() {
        let long: String = "\u{1F600}".repeat(60);
        assert_eq!(file_name(Path::new(&long)), "\u{1F600}".repeat(16));
        assert_eq!(file_name(Path::new(&format!("abc{long}"))).len(), 63);
        assert_eq!(file_name(Path::new("/x/zone.signed")), "zone.signed");
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join(&long);
        let out = AtomicOutput::create(&target).unwrap();
        out.file().write_all(b"data").unwrap();
        out.commit_unverified().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"data");
    }

    /// Names that end in a directory (`d/`, `d/.`, `d/..`, `.`) are
    /// refused before anything is written: `Path` reads `d/.` as `d`, and
    /// `--ds d/.` was found only at the rename, after the zone had replaced
    /// the output (the twenty-second audit, 2026-12-06).
    #[test]
    fn regression_names_of_directories_are_refused_whether_or_not_they_exist() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        std::fs::write(&file, b"x").unwrap();
        for name in ["missing/", "missing/.", "missing/..", "f/", "f/.", ".", ".."] {
            let target = dir.path().join(name);
            let err = check_target(&target).expect_err(name);
            assert!(err.to_string().contains("a directory's name"), "{name}: {err}");
        }
        check_target(&file).unwrap();
        check_target(&dir.path().join("new.zone")).unwrap();
    }

    /// How many entries `dir` has.
    fn entries(dir: &Path) -> usize {
        std::fs::read_dir(dir).unwrap().count()
    }

    /// A run killed between the link and the rename of its commit left a
    /// hidden copy of the zone that no later run removed (the ninth audit,
    /// 2026-12-06): the next commit beside it removes it when the process
    /// its name carries is gone, and leaves a living process's alone.
    #[test]
    #[cfg(target_os = "linux")]
    fn regression_a_commit_removes_links_left_by_killed_runs() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("zone.signed");
        let gone =
            (4_000_000..4_194_304u32).find(|p| !Path::new(&format!("/proc/{p}")).exists()).unwrap();
        let stale = dir.path().join(format!(".zone.signed.{gone}-0badf00d-0.zonesign-tmp"));
        let alive = dir.path().join(".zone.signed.1-0badf00d-0.zonesign-tmp");
        let other = dir.path().join(format!(".other.{gone}-0badf00d-0.zonesign-tmp"));
        for p in [&stale, &alive, &other] {
            std::fs::write(p, b"a zone\n").unwrap();
        }
        let out = AtomicOutput::create_with(&target, true).unwrap();
        out.file().write_all(b"new\n").unwrap();
        out.commit_unverified().unwrap();
        assert!(!stale.exists());
        assert!(alive.exists() && other.exists());
        assert_eq!(std::fs::read(&target).unwrap(), b"new\n");
    }

    /// Both kinds of temporary file: a dropped output leaves the target and
    /// the directory as they were; a committed one replaces the target,
    /// keeps its permissions and leaves no other file.
    #[test]
    fn an_output_replaces_its_target_only_on_commit() {
        for unnamed in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            let target = dir.path().join("zone.signed");
            std::fs::write(&target, b"old\n").unwrap();
            std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();

            let out = AtomicOutput::create_with(&target, unnamed).unwrap();
            out.file().write_all(b"dropped\n").unwrap();
            let named_while_writing = entries(dir.path()) > 1;
            assert_eq!(named_while_writing, !unnamed || !unnamed_temp_supported(dir.path()));
            // Read back through its path, as the verification does.
            assert_eq!(std::fs::read(out.temp_path()).unwrap(), b"dropped\n");
            drop(out);
            assert_eq!(std::fs::read(&target).unwrap(), b"old\n");
            assert_eq!(entries(dir.path()), 1, "only the target");

            let out = AtomicOutput::create_with(&target, unnamed).unwrap();
            out.file().write_all(b"new\n").unwrap();
            out.sync().unwrap();
            out.commit_unverified().unwrap();
            assert_eq!(std::fs::read(&target).unwrap(), b"new\n");
            let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o640, "unnamed: {unnamed}");
            assert_eq!(entries(dir.path()), 1, "only the target");
        }
    }

    /// Found by an audit (2026-12-06): the replaced output lost its owner
    /// (a zone owned by the name server's user became root's) and took
    /// set-user-ID bits along. Owner and group are kept where the process
    /// may set them (as root, here in CI), special bits dropped.
    #[test]
    fn regression_the_old_outputs_owner_is_kept_and_special_bits_dropped() {
        use std::os::unix::fs::MetadataExt;
        for unnamed in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            let target = dir.path().join("zone.signed");
            std::fs::write(&target, "old").unwrap();
            std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o4750)).unwrap();
            // nobody:nogroup where we may (root), else ourselves.
            let _ = std::os::unix::fs::chown(&target, Some(65534), Some(65534));
            let before = std::fs::metadata(&target).unwrap();
            let out = AtomicOutput::create_with(&target, unnamed).unwrap();
            out.commit_unverified().unwrap();
            let after = std::fs::metadata(&target).unwrap();
            assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()), "{unnamed}");
            assert_eq!(after.mode() & 0o7777, 0o750, "unnamed: {unnamed}");
        }
    }

    /// A target name of 250 octets (legal: up to 255) commits: the
    /// temporary name beside it takes only the name's start.
    #[test]
    fn regression_a_long_target_name_commits() {
        for unnamed in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            let target = dir.path().join("z".repeat(250));
            let out = AtomicOutput::create_with(&target, unnamed).unwrap();
            out.commit_unverified().unwrap();
            assert!(target.exists(), "unnamed: {unnamed}");
        }
    }

    /// A new output (no target yet) is world-readable, as name servers
    /// expect of zone files, whatever the temporary file was made with.
    #[test]
    fn a_new_output_is_mode_0644() {
        for unnamed in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            let target = dir.path().join("zone.signed");
            let out = AtomicOutput::create_with(&target, unnamed).unwrap();
            out.commit_unverified().unwrap();
            let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o644, "unnamed: {unnamed}");
        }
    }
}
