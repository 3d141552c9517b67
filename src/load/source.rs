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

impl Source {
    /// Takes the mapped pages of `range` out of this process's resident
    /// set once the parser is done with them, so that the text of a large
    /// zone and the records parsed from it are not resident together
    /// (`zonesign sign` re-reads its multi-gigabyte output to verify it).
    /// The bytes stay readable: touching the range again faults them back
    /// in from the page cache. Only whole pages inside `range` are
    /// released; for data read into memory this does nothing.
    pub fn release(&self, range: std::ops::Range<usize>) {
        #[cfg(unix)]
        if let Source::Mapped(map) = self {
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

impl Deref for Source {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Source::Mapped(m) => m,
            Source::Read(v) => v,
        }
    }
}
