//! `zonesign keygen`: new BIND key pairs whose key tags are free.

use super::*;

/// An algorithm given on the command line, by number or mnemonic.
pub fn parse_algorithm(text: &str) -> Result<crate::sign::keys::Algorithm, Failure> {
    use crate::sign::keys::Algorithm;
    text.parse::<u8>()
        .ok()
        .and_then(|n| Algorithm::from_number(n).ok())
        .or_else(|| Algorithm::from_mnemonic(text))
        .ok_or_else(|| {
            Failure::Usage(format!("unsupported algorithm `{text}`: use 8, 10, 13, 14 or 15"))
        })
}

/// `zonesign keygen`.
#[derive(Debug, Clone)]
pub struct KeygenConfig {
    pub origin: String,
    pub algorithm: String,
    pub ksk: bool,
    pub bits: Option<usize>,
    /// `--class`: the zone's, written in the `.key` file (`dnssec-keygen -c`).
    pub class: Class,
    pub key_dir: PathBuf,
}

pub fn keygen(cfg: &KeygenConfig) -> Result<PathBuf, Failure> {
    use crate::sign::keys::{generate, write_bind_files};
    let origin = parse_origin(&cfg.origin)?;
    let algorithm = parse_algorithm(&cfg.algorithm)?;
    check_key_size(algorithm, cfg.bits)?;
    let flags = if cfg.ksk { 257 } else { 256 };
    // As `dnssec-keygen`: a key whose tag, or tag once revoked (RFC 5011
    // §2.1: the REVOKE flag changes it), is taken by a key of the zone in
    // the directory is made again (it failed with "File exists").
    let taken = taken_key_tags(&cfg.key_dir, &origin, algorithm.number());
    for _ in 0..64 {
        let key = generate(algorithm, &origin, flags, cfg.bits)
            .map_err(Failure::Key)?
            .in_class(cfg.class);
        if !key_tag_free(&cfg.key_dir, &origin, algorithm, &taken, key.dnskey_rdata()) {
            continue;
        }
        // A directory that cannot take the files is an I/O error (exit 5),
        // not a key problem (the twelfth audit, 2026-12-06).
        let (key_path, _) = write_bind_files(&key, &cfg.key_dir).map_err(|e| match e {
            crate::sign::keys::KeyError::Io { path, source } => Failure::Io { path, source },
            e => Failure::Key(e),
        })?;
        return Ok(key_path);
    }
    Err(Failure::Usage(format!(
        "every key generated had a key tag taken in {}: too many keys of {origin} there",
        cfg.key_dir.display()
    )))
}

/// The key tags of `algorithm` the zone's keys in `dir` have, and would have
/// once revoked: by what the files hold, whatever their names say (a
/// misnamed file, which every run refuses, still holds a key whose tag a
/// new key must not share).
pub(crate) fn taken_key_tags(dir: &Path, origin: &Name, algorithm: u8) -> Vec<u16> {
    use crate::sign::keys::read_key_record;
    let Ok(paths) = crate::sign::keyset::key_files_in(dir, origin) else { return Vec::new() };
    paths
        .iter()
        .filter_map(|p| read_key_record(p).ok())
        .filter(|file| file.dnskey_rdata.get(3) == Some(&algorithm))
        .flat_map(|file| tag_and_revoked_tag(&file.dnskey_rdata))
        .collect()
}

/// The key tag of DNSKEY `rdata` and the tag it has once revoked: RFC 5011
/// §2.1, the REVOKE flag changes it.
pub(crate) fn tag_and_revoked_tag(rdata: &[u8]) -> [u16; 2] {
    use crate::sign::keys::{key_tag, FLAG_REVOKE};
    let mut revoked = rdata.to_vec();
    if let Some(low) = revoked.get_mut(1) {
        *low ^= FLAG_REVOKE as u8;
    }
    [key_tag(rdata), key_tag(&revoked)]
}

/// Whether a new key of DNSKEY `rdata` may go into `dir`: neither its tag
/// nor its tag once revoked (RFC 5011 §2.1) is `taken`, and no file of
/// either's name is there, `.key` or `.private`, whatever it holds, a
/// dangling link too (as `dnssec-keygen` looks at the names). A `.private`
/// whose `.key` was removed would be paired with the new key by every later
/// run of the directory, and refused; a file that does not parse, or a
/// dangling link, made the write fail with "File exists" (the fiftieth to
/// fifty-second audits).
pub(crate) fn key_tag_free(
    dir: &Path,
    origin: &Name,
    algorithm: crate::sign::keys::Algorithm,
    taken: &[u16],
    rdata: &[u8],
) -> bool {
    use crate::sign::keys::key_file_stem;
    tag_and_revoked_tag(rdata).into_iter().all(|tag| {
        let stem = key_file_stem(origin, algorithm, tag);
        let there =
            |ext: &str| std::fs::symlink_metadata(dir.join(format!("{stem}.{ext}"))).is_ok();
        !taken.contains(&tag) && !there("key") && !there("private")
    })
}
