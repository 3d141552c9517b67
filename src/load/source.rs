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
#![allow(unsafe_code)]

use std::fs::File;
use std::io::Read;
use std::ops::Deref;
use std::path::Path;

/// The bytes of one input file.
#[derive(Debug)]
pub enum Source {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl Source {
    /// Opens `path` (`-` is standard input).
    pub fn open(path: &Path) -> std::io::Result<Source> {
        if path.as_os_str() == "-" {
            let mut buf = Vec::new();
            std::io::stdin().lock().read_to_end(&mut buf)?;
            return Ok(Source::Read(buf));
        }
        let file = File::open(path)?;
        let meta = file.metadata()?;
        if !meta.is_file() || meta.len() == 0 {
            let mut buf = Vec::new();
            (&file).read_to_end(&mut buf)?;
            return Ok(Source::Read(buf));
        }
        // SAFETY: the file is a regular file opened read-only; the mapping is
        // only read. Concurrent truncation by another process is excluded by
        // the contract in this module's documentation.
        let map = unsafe { memmap2::Mmap::map(&file)? };
        #[cfg(unix)]
        {
            let _ = map.advise(memmap2::Advice::Sequential);
        }
        Ok(Source::Mapped(map))
    }
}

impl Deref for Source {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Source::Mapped(m) => m,
            Source::Read(v) => v,
        }
    }
}
