//! Zone file input: memory-mapped for regular files, read for pipes,
//! standard input (`-`) and other non-regular files.
//!
//! # Safety contract of the mapping
//! A memory map is only sound while no other process truncates or rewrites
//! the file: if one does, reading the mapping can raise SIGBUS or show bytes
//! that change under the parser. zonesign maps zone files that operators do
//! not modify while a signing run reads them (as ripgrep does for files it
//! searches); a zone generated in place during a run is outside this
//! contract. Use `-` with a pipe to avoid the mapping altogether.
//!
//! A file rewritten in place while it was read is refused rather than
//! signed: [`Source::check_unchanged`] compares the file's size and
//! modification time after the load with those at opening, and the loader
//! fails with an I/O error (exit 5) if either moved. A zone generated
//! elsewhere and renamed over the input is safe: the open file is the old
//! one. A rewrite of the same size whose modification time was put back
//! (`touch -r`, `cp -p`, `rsync -t --inplace`) is not seen (BIND, Knot and
//! ldns check nothing): the change time would see it, but it moves too for
//! what leaves the contents alone (a rename of the file to keep a backup,
//! a hard link, `chmod`), and refused those runs (the sixteenth audit,
//! 2026-12-06, of the fourteenth's change-time check).
//! A regular file empty when opened (a generator that has just truncated
//! it) is read, not mapped, and held to the same check: one that grew
//! while read was signed as the part written so far (the sixty-sixth
//! audit, 2026-12-07). The check is made again, through the open file,
//! right before the signed zone replaces anything ([`FileStamp`]): a writer
//! still at work when the load ended moves it by then. A writer that
//! pauses for the whole run, or whose one `write` was already under way
//! when the file was opened and changes the same octets, is not seen:
//! write a new file and rename it into place.
//!
//! A file truncated while mapped (a generator that opens it with
//! `O_TRUNC`, a shell's `>`) raises SIGBUS at the first read past its new
//! end: [`exit_on_sigbus`] makes that a message and exit 5 too, rather than
//! a silent death (an audit found exit 135 and no word, 2026-12-06).
#![allow(unsafe_code)]

use std::fs::File;
use std::io::Read;
use std::ops::Deref;
use std::path::Path;

/// Installs a SIGBUS handler that writes one line and exits 5 (I/O): the
/// only SIGBUS this program meets is a read of a memory-mapped file that
/// shrank. The output is untouched: it is replaced only after
/// verification, and its temporary file has no name (`O_TMPFILE`; on a
/// file system without it, a named temporary file is left behind).
pub fn exit_on_sigbus() {
    #[cfg(unix)]
    {
        extern "C" fn on_sigbus(_: libc::c_int) {
            const MESSAGE: &[u8] = b"zonesign: a memory-mapped file shrank while it was read \
                (SIGBUS): the input zone was rewritten in place during the run; nothing was \
                written\n";
            // SAFETY: write(2) and _exit(2) are async-signal-safe; MESSAGE
            // is a static buffer of the length given.
            unsafe {
                libc::write(2, MESSAGE.as_ptr().cast(), MESSAGE.len());
                libc::_exit(5);
            }
        }
        // SAFETY: a zeroed sigaction is a valid value (no flags, empty
        // mask once sigemptyset has run); the handler is an `extern "C"`
        // function of the one-integer signature sa_handler expects, and it
        // only calls async-signal-safe functions.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_sigbus as extern "C" fn(libc::c_int) as libc::sighandler_t;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(libc::SIGBUS, &action, std::ptr::null_mut());
        }
    }
}

/// A write past the file size limit (`ulimit -f`, systemd's `LimitFSIZE`)
/// raises SIGXFSZ, whose default action ends the process at once: no
/// message, exit 153, a named temporary file or a truncated key file left
/// behind (the ninth audit, 2026-12-06). Ignored, the write fails with
/// EFBIG instead, and the run's own error path cleans up (exit 5).
pub fn file_size_limit_is_an_error() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to SIG_IGN installs no
    // handler code; signal(2) is safe to call at any time.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

/// The bytes of one input file.
#[derive(Debug)]
pub enum Source {
    Mapped(memmap2::Mmap, Stamp),
    /// Read into memory: a pipe or standard input (no stamp), or a regular
    /// file that was empty when opened.
    Read(Vec<u8>, Option<Stamp>),
}

/// What [`Source::check_unchanged`] compares: the open file, and its size
/// and modification time when it was opened. Not the change time: a file
/// renamed over this one leaves its data alone but moves its change time
/// (its link count drops).
#[derive(Debug)]
pub struct Stamp {
    file: File,
    at_open: (u64, Option<std::time::SystemTime>),
}

/// A file's size and modification time.
pub(crate) fn stamp_of(meta: &std::fs::Metadata) -> (u64, Option<std::time::SystemTime>) {
    (meta.len(), meta.modified().ok())
}

impl Source {
    /// Opens `path` (`-` is standard input).
    pub fn open(path: &Path) -> std::io::Result<Source> {
        if path.as_os_str() == "-" {
            let stdin = std::io::stdin();
            // Standard input that is a regular file (`sign - < zone`) is
            // stamped as a file named is: a writer still appending to it
            // went unseen, and the zone as far as it got was signed and
            // published (the seventieth audit). A pipe has no stamp.
            // Read through a duplicate of its descriptor, from where it
            // stands, as any file that is not mapped.
            #[cfg(unix)]
            {
                use std::os::fd::AsFd;
                let file = File::from(stdin.as_fd().try_clone_to_owned()?);
                let meta = file.metadata()?;
                return Source::read_whole(file, &meta);
            }
            #[cfg(not(unix))]
            {
                let mut buf = Vec::new();
                stdin.lock().read_to_end(&mut buf)?;
                return Ok(Source::Read(buf, None));
            }
        }
        let file = File::open(path)?;
        let meta = file.metadata()?;
        // A device has no end to read to (`$INCLUDE /dev/zero` filled
        // memory: the sixth audit, 2026-12-06); a FIFO (`<(generator)`)
        // ends when its writer does.
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if meta.file_type().is_char_device() || meta.file_type().is_block_device() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "a device, not a zone file",
                ));
            }
        }
        if !meta.is_file() || meta.len() == 0 {
            return Source::read_whole(file, &meta);
        }
        // SAFETY: the file is a regular file opened read-only; the mapping is
        // only read. Concurrent truncation by another process is excluded by
        // the contract in this module's documentation.
        let map = unsafe { memmap2::Mmap::map(&file)? };
        #[cfg(unix)]
        {
            let _ = map.advise(memmap2::Advice::Sequential);
        }
        let at_open = stamp_of(&meta);
        Ok(Source::Mapped(map, Stamp { file, at_open }))
    }

    /// Reads `file` to its end, stamped if it is a regular file (one empty
    /// when opened, standard input that is a file); a pipe has no stamp.
    fn read_whole(file: File, meta: &std::fs::Metadata) -> std::io::Result<Source> {
        let mut buf = Vec::new();
        (&file).read_to_end(&mut buf)?;
        let stamp = meta.is_file().then(|| Stamp { file, at_open: stamp_of(meta) });
        Ok(Source::Read(buf, stamp))
    }

    /// An error if the mapped file was written to since it was opened: its
    /// size or modification time moved (see the module docs). The records read from it may then
    /// mix old and new text, and must not be signed.
    pub fn check_unchanged(&self) -> std::io::Result<()> {
        self.stamp().map_or(Ok(()), |stamp| stamp.check("read"))
    }

    /// The stamp of the file opened: none for a pipe (standard input too, unless a file).
    fn stamp(&self) -> Option<&Stamp> {
        match self {
            Source::Mapped(_, stamp) | Source::Read(_, Some(stamp)) => Some(stamp),
            Source::Read(_, None) => None,
        }
    }

    /// The identity of the file opened (of the open file, not of what its
    /// path names by now): none for a pipe (standard input too, unless a file).
    pub fn identity(&self) -> Option<FileIdentity> {
        Some(file_id(&self.stamp()?.file.metadata().ok()?))
    }

    /// What [`FileStamp::check_unchanged`] checks later, for the file
    /// opened as `path`, held open if `hold` (the zone file always is):
    /// none for a pipe (standard input too, unless a file).
    pub fn file_stamp(&self, path: &Path, hold: bool) -> Option<FileStamp> {
        let stamp = self.stamp()?;
        let file = hold.then(|| stamp.file.try_clone().ok().map(std::sync::Arc::new));
        Some(FileStamp {
            path: path.to_path_buf(),
            file: file.flatten(),
            id: self.identity()?,
            at_open: stamp.at_open,
        })
    }
}

impl Stamp {
    fn check(&self, during: &str) -> std::io::Result<()> {
        Stamp::check_of(&self.file, self.at_open, during)
    }

    fn check_of(
        file: &File,
        at_open: (u64, Option<std::time::SystemTime>),
        during: &str,
    ) -> std::io::Result<()> {
        if stamp_of(&file.metadata()?) == at_open {
            Ok(())
        } else {
            Err(changed(during))
        }
    }
}

fn changed(during: &str) -> std::io::Error {
    std::io::Error::other(format!(
        "the file changed while it was {during} (its size or modification time moved); write a \
         new zone file and rename it into place instead of rewriting it, then run again"
    ))
}

/// A file read, as it was when opened: its path, device and inode, size
/// and modification time. Checked right before the signed zone replaces
/// anything: a generator still writing the zone file when the load ended
/// (one pausing between its writes) had the part written so far signed
/// and published, exit 0 (the sixty-sixth audit, 2026-12-07), and so had
/// one writing an included file (the sixty-seventh). The zone file is
/// checked through its open file: one renamed over its path is no change.
///
/// Of the included files, the first [`held_includes`] are held open and
/// checked through the open file, as the zone file: a file renamed over
/// the path, or the path removed, is no change. Checked by their path,
/// files renamed over the path twice were taken for one rewritten in place, the file system
/// having given the freed inode to the next file (the sixty-eighth audit).
/// The files past those (a zone may include 65,536, more than a process
/// may hold open) are checked by their path: another device, inode or
/// birth time is no change (without birth times, an inode given again is
/// taken for the same file), but a path with no file left is, as the file
/// read may have been written to and moved away (the sixty-eighth audit).
#[derive(Debug, Clone)]
pub struct FileStamp {
    pub path: std::path::PathBuf,
    file: Option<std::sync::Arc<File>>,
    id: FileIdentity,
    at_open: (u64, Option<std::time::SystemTime>),
}

/// How many `$INCLUDE`d files a load holds open for [`FileStamp`]: 64, or
/// a sixteenth of the files the process may open where that is fewer.
/// Held past that, under `ulimit -n 72`, the included files left the final
/// verification no descriptor to open the written zone with, and a run
/// the build before signed failed at its end (the sixty-ninth audit,
/// 2026-12-07).
pub fn held_includes() -> usize {
    const HELD_INCLUDES: usize = 64;
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        // SAFETY: getrlimit(2) writes one `rlimit` through the valid
        // pointer it is given, and nothing else.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0 {
            return usize::try_from(limit.rlim_cur / 16).unwrap_or(usize::MAX).min(HELD_INCLUDES);
        }
    }
    HELD_INCLUDES
}

impl FileStamp {
    /// An error if the file read changed since it was opened.
    pub fn check_unchanged(&self) -> std::io::Result<()> {
        if let Some(file) = &self.file {
            return Stamp::check_of(file, self.at_open, "signed");
        }
        let meta = std::fs::metadata(&self.path).map_err(|e| {
            std::io::Error::other(format!(
                "the file is gone since it was read ({e}): it may have been written to and \
                 moved away; run again once the zone's files stay put"
            ))
        })?;
        if file_id(&meta) == self.id && stamp_of(&meta) != self.at_open {
            return Err(changed("signed"));
        }
        Ok(())
    }
}

/// A file's device and inode, and its birth time where the file system
/// keeps one: an inode number freed and given to the next file is another
/// file then.
pub(crate) type FileIdentity = (u64, u64, Option<std::time::SystemTime>);

pub(crate) fn file_id(meta: &std::fs::Metadata) -> FileIdentity {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (meta.dev(), meta.ino(), meta.created().ok())
    }
    #[cfg(not(unix))]
    {
        (0, 0, meta.created().ok())
    }
}

impl Source {
    /// SHA-256 of the file as opened, for the report of `zonesign sign`:
    /// the bytes the loader reads (with [`Source::check_unchanged`]), not
    /// those of whatever file the path names by now. A mapped file is read
    /// through its descriptor, not the mapping, so that hashing it beside
    /// the loader adds nothing to the resident set (see
    /// [`Source::release`]); the descriptor's offset is used by nothing
    /// else.
    pub fn sha256(&self) -> std::io::Result<[u8; 32]> {
        match self {
            Source::Read(bytes, _) => sha256_of(&bytes[..]),
            Source::Mapped(_, stamp) => {
                let mut file = &stamp.file;
                std::io::Seek::rewind(&mut file)?;
                sha256_of(file)
            }
        }
    }

    /// Takes the mapped pages of `range` out of this process's resident
    /// set once the parser is done with them, so that the text of a large
    /// zone and the records parsed from it are not resident together
    /// (`zonesign sign` re-reads its multi-gigabyte output to verify it).
    /// The bytes stay readable: touching the range again faults them back
    /// in from the page cache. Only whole pages inside `range` are
    /// released; for data read into memory this does nothing.
    pub fn release(&self, range: std::ops::Range<usize>) {
        #[cfg(unix)]
        if let Source::Mapped(map, _) = self {
            const PAGE: usize = 4096;
            let start = range.start.next_multiple_of(PAGE);
            let end = range.end.min(map.len()) / PAGE * PAGE;
            if start < end {
                // SAFETY: MADV_DONTNEED on this read-only shared file mapping
                // only drops page table entries: nothing is ever written
                // through the mapping, so a later read faults the same file
                // bytes back in and every `&[u8]` borrowed from it keeps
                // seeing what it saw (given this module's contract that the
                // file is not modified while mapped). The range lies inside
                // the mapping and is page-aligned.
                unsafe {
                    let _ = map.unchecked_advise_range(
                        memmap2::UncheckedAdvice::DontNeed,
                        start,
                        end - start,
                    );
                }
            }
        }
        #[cfg(not(unix))]
        let _ = range;
    }
}

/// SHA-256 of everything `reader` gives, read in blocks of 1 MiB (a signed
/// TLD is gigabytes: read whole, or mapped, it would add its size to the
/// resident set).
pub fn sha256_of(mut reader: impl Read) -> std::io::Result<[u8; 32]> {
    let mut ctx = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => ctx.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let mut digest = [0u8; 32];
    digest.copy_from_slice(ctx.finish().as_ref());
    Ok(digest)
}

impl Deref for Source {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Source::Mapped(m, _) => m,
            Source::Read(v, _) => v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Source;

    /// A mapped file written to after it was opened fails the check; one
    /// replaced by a rename (a new file, as zone generators should write)
    /// does not: the open file is the old one, unchanged.
    #[test]
    fn a_file_rewritten_in_place_fails_the_check_and_a_renamed_one_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("z.zone");
        std::fs::write(&path, b"@ 3600 IN NS ns.example.\n").unwrap();
        let source = Source::open(&path).unwrap();
        source.check_unchanged().unwrap();
        let next = dir.path().join("z.zone.new");
        std::fs::write(&next, b"@ 3600 IN NS ns2.example.\n").unwrap();
        std::fs::rename(&next, &path).unwrap();
        source.check_unchanged().unwrap();

        let source = Source::open(&path).unwrap();
        // The same length, rewritten in place, later than the clock tick
        // of the last write (a kernel without fine-grained file times
        // stamps both writes of one tick alike).
        std::thread::sleep(std::time::Duration::from_millis(50));
        std::fs::write(&path, b"@ 3600 IN NS ns3.example.\n").unwrap();
        assert!(source.check_unchanged().is_err());
    }

    /// The sixteenth audit (2026-12-06): the input renamed away (a backup
    /// kept), given a hard link or `chmod`ed while it was read changed none
    /// of its contents, and must not be refused (a change-time check of the
    /// fourteenth refused all three).
    #[test]
    fn regression_a_file_renamed_away_linked_or_chmoded_passes_the_check() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("z.zone");
        std::fs::write(&path, b"@ 3600 IN NS ns.example.\n").unwrap();
        let source = Source::open(&path).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(50));
        std::fs::rename(&path, dir.path().join("z.zone.bak")).unwrap();
        std::fs::hard_link(dir.path().join("z.zone.bak"), dir.path().join("z.link")).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let perms = std::fs::Permissions::from_mode(0o600);
            std::fs::set_permissions(dir.path().join("z.link"), perms).unwrap();
        }
        source.check_unchanged().unwrap();
    }

    /// The sixty-sixth audit (2026-12-07): a file empty when opened (a
    /// generator that had just truncated it) was read without a check,
    /// and the part written so far was signed, exit 0. It is held to the
    /// check of a mapped file, and so is the file later ([`FileStamp`]).
    #[test]
    fn regression_a_file_empty_when_opened_that_grows_is_refused() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("z.zone");
        std::fs::write(&path, b"").unwrap();
        let source = Source::open(&path).unwrap();
        let watch = source.file_stamp(&path, true).expect("a regular file is stamped");
        source.check_unchanged().unwrap();
        watch.check_unchanged().unwrap();
        let mut f = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"@ SOA ns h 1 2 3 4 5\n").unwrap();
        assert!(source.check_unchanged().is_err());
        let e = watch.check_unchanged().unwrap_err().to_string();
        assert!(e.starts_with("the file changed while it was signed"), "{e}");
        // A mapped file, likewise; a file renamed over the path is no change.
        std::fs::write(&path, b"@ SOA ns h 1 2 3 4 5\n").unwrap();
        let watch = Source::open(&path).unwrap().file_stamp(&path, true).unwrap();
        let next = dir.path().join("next");
        std::fs::write(&next, b"other").unwrap();
        std::fs::rename(&next, &path).unwrap();
        watch.check_unchanged().unwrap();
    }

    /// The sixty-seventh and sixty-eighth audits (2026-12-07): an included
    /// file written to during a run is a change, through its open file or,
    /// past the files held open, by its path; one renamed over its path is
    /// not (by its path, the file system could give the freed inode to the
    /// next file, and two renames looked like a rewrite); by its path, one
    /// gone is.
    #[test]
    fn regression_included_files_are_checked_through_the_open_file_or_the_path() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("inc.zone");
        let rename_over = |text: &[u8]| {
            let next = dir.path().join("next");
            std::fs::write(&next, text).unwrap();
            std::fs::rename(&next, &path).unwrap();
        };
        for hold in [true, false] {
            std::fs::write(&path, b"a A 192.0.2.1\n").unwrap();
            let stamp = Source::open(&path).unwrap().file_stamp(&path, hold).unwrap();
            rename_over(b"b A 192.0.2.2\n");
            rename_over(b"c A 192.0.2.3\n");
            // By its path, only birth times tell a freed inode given again.
            if hold || std::fs::metadata(&path).unwrap().created().is_ok() {
                stamp.check_unchanged().unwrap();
            }
            std::fs::write(&path, b"a A 192.0.2.1\n").unwrap();
            let stamp = Source::open(&path).unwrap().file_stamp(&path, hold).unwrap();
            let mut f = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
            f.write_all(b"late A 192.0.2.9\n").unwrap();
            let away = dir.path().join("away");
            std::fs::rename(&path, &away).unwrap();
            let e = stamp.check_unchanged().unwrap_err().to_string();
            let said =
                if hold { "the file changed while it was signed" } else { "the file is gone" };
            assert!(e.starts_with(said), "{hold}: {e}");
        }
    }

    /// Regression: the report's input digest was taken from a second open
    /// of the path, so a zone renamed over the input between the two opens
    /// gave the digest of a file the output was not made of. The digest is
    /// now of the file as opened.
    #[test]
    fn regression_the_digest_is_of_the_file_as_opened_not_one_renamed_over_it() {
        let sha256 = |b: &[u8]| {
            let mut d = [0u8; 32];
            d.copy_from_slice(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, b).as_ref());
            d
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("z.zone");
        let old = b"@ 3600 IN NS ns.example.\n".repeat(100_000);
        std::fs::write(&path, &old).unwrap();
        let source = Source::open(&path).unwrap();
        let next = dir.path().join("z.zone.new");
        std::fs::write(&next, b"@ 3600 IN NS ns2.example.\n").unwrap();
        std::fs::rename(&next, &path).unwrap();
        assert_eq!(source.sha256().unwrap(), sha256(&old));
        // Twice: the descriptor is read from its start each time.
        assert_eq!(source.sha256().unwrap(), sha256(&old));
        assert_eq!(Source::Read(b"x".to_vec(), None).sha256().unwrap(), sha256(b"x"));
    }
}
