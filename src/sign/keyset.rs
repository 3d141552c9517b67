//! The set of software keys that sign a zone: found in a key directory or
//! named one by one, each proven before use.
//!
//! # Background
//! Before a key signs, it proves itself (the brief's second non-negotiable):
//! its private key signs a fresh challenge that must verify under the
//! DNSKEY published for it, and no two different keys may share an
//! algorithm and key tag (the failure behind the .de outage of 5 May 2026).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::keys::{check_collisions, KeyError, SigningKey};
use super::{KeyRole, RawSigner, ZoneKey};
use crate::zone::name::Name;

impl RawSigner for SigningKey {
    fn sign(&self, signed_data: &[u8]) -> Result<Vec<u8>, String> {
        SigningKey::sign(self, signed_data).map_err(|e| e.to_string())
    }
}

/// RFC 4034 §2.1.1: "Bit 15 of the Flags field is the Secure Entry Point flag".
const FLAG_SEP: u16 = 0x0001;

/// How roles are assigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RolePolicy {
    /// By the SEP flag: 257 is a KSK, 256 a ZSK; a lone key is a CSK.
    ByFlags,
    /// Every key signs everything (`--csk`).
    AllCsk,
}

/// Finds the `.key` files of `origin` in `dir` (`K<origin>+<alg>+<tag>.key`).
pub fn key_files_in(dir: &Path, origin: &Name) -> Result<Vec<PathBuf>, KeyError> {
    let mut stem = String::from("k");
    if !origin.is_root() {
        stem.push_str(&origin.to_string().to_ascii_lowercase());
    } else {
        stem.push('.');
    }
    stem.push('+');
    let entries = std::fs::read_dir(dir).map_err(|e| KeyError::Unreadable {
        path: dir.to_path_buf(),
        line: 0,
        reason: e.to_string(),
    })?;
    let mut out = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.to_ascii_lowercase().starts_with(&stem) && name.ends_with(".key") {
            out.push(e.path());
        }
    }
    out.sort();
    Ok(out)
}

/// Loads and proves software keys; returns them as zone keys.
pub fn load_software_keys(
    paths: &[PathBuf],
    origin: &Name,
    policy: RolePolicy,
) -> Result<Vec<ZoneKey>, KeyError> {
    let mut loaded = Vec::with_capacity(paths.len());
    for p in paths {
        let key = SigningKey::load(p)?;
        if key.owner() != origin {
            return Err(KeyError::Unreadable {
                path: p.clone(),
                line: 0,
                reason: format!("the key belongs to {}, not to the zone {origin}", key.owner()),
            });
        }
        // Proof of possession against the DNSKEY the .key file publishes.
        key.prove(key.dnskey_rdata())?;
        loaded.push(key);
    }
    let named: Vec<(&str, &[u8])> = loaded.iter().map(|k| (k.name(), k.dnskey_rdata())).collect();
    check_collisions(&named)?;
    let lone = loaded.len() == 1;
    Ok(loaded
        .into_iter()
        .map(|k| {
            let role = match policy {
                RolePolicy::AllCsk => KeyRole::Csk,
                RolePolicy::ByFlags if lone => KeyRole::Csk,
                RolePolicy::ByFlags if k.flags() & FLAG_SEP != 0 => KeyRole::Ksk,
                RolePolicy::ByFlags => KeyRole::Zsk,
            };
            ZoneKey {
                role,
                algorithm: k.algorithm().number(),
                key_tag: k.key_tag(),
                dnskey: k.dnskey_rdata().into(),
                source: k.name().to_string(),
                signer: Arc::new(k),
            }
        })
        .collect())
}
