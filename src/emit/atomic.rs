//! Atomic replacement of an output file.
//!
//! The new content is written to a temporary file in the output's own
//! directory (so the final rename stays within one file system), flushed and
//! fsynced; only then is it renamed over the output and the directory
//! fsynced. Dropping an [`AtomicOutput`] without [`AtomicOutput::commit`]
//! removes the temporary file, so a failed run leaves no partial file and the
//! previous output untouched.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// A temporary file that becomes `target` on commit.
#[derive(Debug)]
pub struct AtomicOutput {
    temp: tempfile::NamedTempFile,
    target: PathBuf,
}

impl AtomicOutput {
    /// Creates the temporary file beside `target`.
    ///
    /// An existing `target` must be a regular file (or a symbolic link,
    /// which the rename replaces): renaming over a device, a FIFO or a
    /// directory would replace it, and as root `--output /dev/null` would
    /// turn the system's null device into a zone file.
    pub fn create(target: &Path) -> io::Result<AtomicOutput> {
        if let Ok(m) = std::fs::symlink_metadata(target) {
            if !m.file_type().is_file() && !m.file_type().is_symlink() {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "not a regular file: the output is replaced by renaming a new file over it",
                ));
            }
        }
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let file_name =
            target.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{file_name}."))
            .suffix(".zonesign-tmp")
            .tempfile_in(&dir)?;
        // The new file takes the old one's permissions; a new output is
        // world-readable (0644) like the zone files a name server reads.
        let perms = match std::fs::metadata(target) {
            Ok(m) => m.permissions(),
            Err(_) => {
                use std::os::unix::fs::PermissionsExt;
                std::fs::Permissions::from_mode(0o644)
            }
        };
        temp.as_file().set_permissions(perms)?;
        Ok(AtomicOutput { temp, target: target.to_path_buf() })
    }

    /// The temporary file, for writing.
    pub fn file(&self) -> &File {
        self.temp.as_file()
    }

    /// Path of the temporary file (to read it back for verification).
    pub fn temp_path(&self) -> &Path {
        self.temp.path()
    }

    /// Flushes the temporary file to stable storage.
    pub fn sync(&self) -> io::Result<()> {
        self.temp.as_file().sync_all()
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
        self.temp.as_file().sync_all()?;
        let target = self.target.clone();
        self.temp.persist(&target).map_err(|e| e.error)?;
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        File::open(&dir)?.sync_all()
    }
}
