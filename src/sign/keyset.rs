//! The set of software keys that sign a zone: found in a key directory or
//! named one by one, each proven before use; the keys published beside
//! them without signing (rollovers); and the checks of the whole DNSKEY
//! set against each other and against the parent's DS.
//!
//! # Background
//! Before a key signs, it proves itself (the brief's second non-negotiable):
//! its private key signs a fresh challenge that must verify under the
//! DNSKEY published for it, and no two different keys may share an
//! algorithm and key tag (the failure behind the .de outage of 5 May 2026).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::keys::{
    check_collisions, not_of_zone, parse_key_file, Dnskey, KeyError, SigningKey, FLAG_REVOKE,
    FLAG_SEP, FLAG_ZONE,
};
use super::{KeyRole, RawSigner, ZoneKey};
use crate::zone::name::Name;
use crate::zone::rtype::Class;

impl RawSigner for SigningKey {
    fn sign(&self, signed_data: &[u8]) -> Result<Vec<u8>, String> {
        SigningKey::sign(self, signed_data).map_err(|e| e.to_string())
    }
}

/// How roles are assigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RolePolicy {
    /// By the SEP flag: 257 is a KSK, 256 a ZSK; a lone key is a CSK.
    ByFlags,
    /// Every key signs everything (`--csk`).
    AllCsk,
}

/// Finds the `.key` files of `origin` in `dir` (`K<origin>+<alg>+<tag>.key`).
/// The owner is matched in BIND's file-name form (`%XX` escapes, see
/// [`crate::sign::keys::file_name_owner`]) or, as older versions of
/// zonesign wrote it, the presentation form.
pub fn key_files_in(dir: &Path, origin: &Name) -> Result<Vec<PathBuf>, KeyError> {
    key_and_key_record_files_in(dir, origin).map(|(keys, _)| keys)
}

/// [`key_files_in`], and beside it the zone's `.key` files in `dir` that
/// hold a KEY record, not a DNSKEY (`dnssec-keygen -T KEY`: a SIG(0) key,
/// RFC 2931): no zone key, left out as `dnssec-signzone -S` leaves them
/// ("bad key type"). They stopped the run, exit 3 (the thirtieth audit,
/// 2026-12-06). One scan of the directory for both.
pub fn key_and_key_record_files_in(
    dir: &Path,
    origin: &Name,
) -> Result<(Vec<PathBuf>, Vec<PathBuf>), KeyError> {
    let files = key_named_files_in(dir, origin)?;
    Ok(files.into_iter().partition(|p| !crate::sign::keys::is_key_record_file(p)))
}

/// How key file names spell the zone's owner: BIND's `K<owner>+` (the
/// zone's), and other spellings that may read as the zone's name (see
/// [`key_named_files_in`]).
struct KeyFileNames<'a> {
    origin: &'a Name,
    bind: String,
    presentation: String,
}

impl<'a> KeyFileNames<'a> {
    fn new(origin: &'a Name) -> KeyFileNames<'a> {
        let bind = format!("k{}+", crate::sign::keys::file_name_owner(origin).to_ascii_lowercase());
        let presentation = if origin.is_root() {
            "k.+".to_string()
        } else {
            format!("k{}+", origin.to_string().to_ascii_lowercase())
        };
        KeyFileNames { origin, bind, presentation }
    }

    /// Named in BIND's spelling of the zone's owner (its `K` upper-case, as
    /// BIND's search takes it: a `kexample.+…` file was taken, the
    /// fifty-fifth audit, 2026-12-07).
    fn is_bind(&self, name: &str) -> bool {
        name.starts_with('K') && name.to_ascii_lowercase().starts_with(&self.bind)
    }

    /// Named in another spelling that reads as the zone's name.
    fn may_be(&self, name: &str) -> bool {
        name.starts_with('K') && name.to_ascii_lowercase().starts_with(&self.presentation)
            || crate::sign::keys::parse_file_name(name)
                .is_some_and(|(owner, _, _)| crate::sign::keys::file_name_names(owner, self.origin))
    }
}

/// The `.key` files in `dir` named as the zone's (see [`key_files_in`]).
fn key_named_files_in(dir: &Path, origin: &Name) -> Result<Vec<PathBuf>, KeyError> {
    let names = KeyFileNames::new(origin);
    let entries = std::fs::read_dir(dir).map_err(|e| KeyError::Unreadable {
        path: dir.to_path_buf(),
        line: 0,
        reason: e.to_string(),
    })?;
    // Any other spelling of the owner in presentation form that reads as
    // the zone's name: ldns writes `Ka[b.example.+…` for `a\[b.example.`,
    // and names are now written `\DDD` where Knot refuses the octet (the
    // eighteenth audit, 2026-12-06), so the presentation form is not one
    // text. Such a file is the zone's only if the owner in it is: ldns's
    // `Ka%41b.example.+…` (zone `a%41b.example.`) read in BIND's `%XX`
    // form as a key of `aab.example.` and stopped its run (the nineteenth).
    let same = |owner: &Name| owner.to_lowercase() == origin.to_lowercase();
    let holds_ours =
        |path: &Path| crate::sign::keys::read_key_record(path).is_ok_and(|file| same(&file.owner));
    let mut out = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".key") {
            continue;
        }
        if names.is_bind(&name) || (names.may_be(&name) && holds_ours(&e.path())) {
            out.push(e.path());
        }
    }
    out.sort();
    Ok(out)
}

/// The zone's `.private` files in `dir` with no `.key` file beside them
/// (named in any spelling [`key_files_in`] reads): no key, yet they were
/// left out without a word, where `dnssec-signzone -S` warns ("file not
/// found"; the twenty-ninth audit, 2026-12-06).
pub fn private_only_in(dir: &Path, origin: &Name) -> Vec<PathBuf> {
    let names = KeyFileNames::new(origin);
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            name.to_ascii_lowercase().ends_with(".private")
                && (names.is_bind(&name) || names.may_be(&name))
                && !p.with_extension("key").exists()
        })
        .collect();
    out.sort();
    out
}

/// The zone's `.key` files in `dir` with a BIND key-state file (`.state`,
/// written by `dnssec-policy` or `dnssec-settime -s`) beside them.
/// zonesign reads the timing metadata of the `.private` files, not the key
/// states, which BIND 9.18's `dnssec-signzone -S` reads first (its
/// `syncpublish()`: "Check kasp state first"): where they differ, the two
/// publish other CDS or DNSKEY records (the forty-second audit,
/// 2026-12-07). Said, not followed.
pub fn state_files_in(dir: &Path, origin: &Name) -> Vec<PathBuf> {
    key_named_files_in(dir, origin)
        .unwrap_or_default()
        .into_iter()
        .filter(|k| k.with_extension("state").is_file())
        .collect()
}

/// Loads and proves software keys; returns them as zone keys.
pub fn load_software_keys(
    paths: &[PathBuf],
    origin: &Name,
    class: Class,
    policy: RolePolicy,
) -> Result<Vec<ZoneKey>, KeyError> {
    let mut loaded = Vec::with_capacity(paths.len());
    for p in paths {
        let key = SigningKey::load(p)?;
        if let Some(reason) = not_of_zone(key.owner(), key.class(), origin, class) {
            return Err(KeyError::Unreadable { path: p.clone(), line: 0, reason });
        }
        // Proof of possession against the DNSKEY the .key file publishes.
        key.prove(key.dnskey_rdata())?;
        loaded.push((p.display().to_string(), key));
    }
    // One key named twice (through --key-dir and --key, or two paths to
    // one file) is one key: it signs once.
    let mut seen: Vec<Vec<u8>> = Vec::new();
    loaded.retain(|(_, k)| {
        let first = !seen.iter().any(|d| d == k.dnskey_rdata());
        if first {
            seen.push(k.dnskey_rdata().to_vec());
        }
        first
    });
    // Named by their paths: two keys of one tag have one file stem, and in
    // two directories (a KSK's and a ZSK's) which was which could not be
    // told (the fourteenth audit, 2026-12-06).
    let named: Vec<(&str, &[u8])> =
        loaded.iter().map(|(path, k)| (path.as_str(), k.dnskey_rdata())).collect();
    check_collisions(&named)?;
    let mut keys: Vec<ZoneKey> = loaded
        .into_iter()
        .map(|(_, k)| ZoneKey {
            role: role_by_flags(k.flags(), policy),
            algorithm: k.algorithm().number(),
            key_tag: k.key_tag(),
            dnskey: k.dnskey_rdata().into(),
            source: k.name().to_string(),
            signer: Arc::new(k),
        })
        .collect();
    settle_roles(&mut keys);
    Ok(keys)
}

/// A key's role from its flags: 257 (SEP) a KSK, 256 a ZSK; every key a
/// CSK with `--csk`.
pub fn role_by_flags(flags: u16, policy: RolePolicy) -> KeyRole {
    match policy {
        RolePolicy::AllCsk => KeyRole::Csk,
        RolePolicy::ByFlags if flags & FLAG_SEP != 0 => KeyRole::Ksk,
        RolePolicy::ByFlags => KeyRole::Zsk,
    }
}

/// RFC 4035 §2.2: "There MUST be an RRSIG for each RRset using at least
/// one DNSKEY of each algorithm in the zone apex DNSKEY RRset". The KSKs
/// of an algorithm without a ZSK (a lone KSK; the new algorithm of a
/// rollover, signed with one key) sign every RRset, as CSKs: Knot's
/// single-key policy, and `dnssec-signzone -z`. Without `-z`,
/// `dnssec-signzone` refuses such a key set and `dnssec-verify` reports
/// "Missing ZSK for algorithm" (its `-z` accepts the zone), so the run
/// says so ([`lone_ksk_notes`]). An algorithm without a KSK is refused by
/// [`check_roles`].
pub fn settle_roles(keys: &mut [ZoneKey]) {
    let signs_data = |k: &ZoneKey| k.role != KeyRole::Ksk && !k.is_revoked();
    let lacking: Vec<u8> = keys
        .iter()
        .map(|k| k.algorithm)
        .filter(|&alg| !keys.iter().any(|k| k.algorithm == alg && signs_data(k)))
        .collect();
    for k in keys.iter_mut() {
        if k.role == KeyRole::Ksk && !k.is_revoked() && lacking.contains(&k.algorithm) {
            k.role = KeyRole::Csk;
        }
    }
}

/// Notices for the keys [`settle_roles`] made CSKs although they have the
/// SEP flag (for runs without `--csk`): the zone is valid (RFC 4035 §2.2),
/// but BIND's `dnssec-verify` wants `-z` for it (an audit, 2026-12-06).
///
/// Only where no ZSK of the algorithm signs indeed: an HSM key configured
/// as a CSK beside a ZSK got the notice (the fourteenth audit, 2026-12-06).
pub fn lone_ksk_notes(keys: &[ZoneKey], publish: &[PublishOnlyKey]) -> Vec<String> {
    let zsk_signs = |alg: u8| {
        keys.iter().any(|z| {
            z.algorithm == alg
                && z.role != KeyRole::Ksk
                && z.flags() & FLAG_SEP == 0
                && !z.is_revoked()
        })
    };
    keys.iter()
        .filter(|k| k.role == KeyRole::Csk && k.flags() & FLAG_SEP != 0)
        .filter(|k| !zsk_signs(k.algorithm))
        .map(|k| {
            // A ZSK of the algorithm published beside it (the next ZSK):
            // `kzonecheck` then wants the data signed by a key without the
            // SEP flag, and rejects the zone (the fifty-seventh audit,
            // 2026-12-07; validators accept it).
            let zsk_waits = publish.iter().any(|p| {
                p.algorithm == k.algorithm && super::keys::dnskey_flags(&p.dnskey) & FLAG_SEP == 0
            });
            format!(
                "key {} (algorithm {}) has the SEP flag and no ZSK of its algorithm signs: it \
                 signs every RRset, as a CSK; BIND's dnssec-verify checks such a zone with -z{}",
                k.key_tag,
                k.algorithm,
                if zsk_waits {
                    ", and kzonecheck rejects it while a ZSK of its algorithm is published \
                     without signing (validators accept it)"
                } else {
                    ""
                }
            )
        })
        .collect()
}

/// What the keys of a key directory are at a time, by the timing metadata
/// of their `.private` files, as `dnssec-signzone -S` reads them (keys
/// named one by one with `--key` sign whatever their timing, as keys named
/// on `dnssec-signzone`'s command line do).
#[derive(Debug, Default)]
pub struct KeyDirChoice {
    /// Published and active: they sign.
    pub signing: Vec<PathBuf>,
    /// Published, not signing (not yet active, or inactive), each with why.
    pub publish_only: Vec<(PathBuf, String)>,
    /// Not in the zone (not yet published, or deleted), each with why.
    pub left_out: Vec<(PathBuf, String)>,
}

/// Sorts the key directory's keys at `paths` by their timing at `now`. A
/// key whose Revoke time has passed but that is not revoked is an error
/// ([`KeyError::RevokeDue`]).
pub fn choose_by_timing(paths: &[PathBuf], now: i64) -> Result<KeyDirChoice, KeyError> {
    use super::keys::{read_key_timing, KeyState};
    use super::validity::format_yyyymmddhhmmss;
    let mut choice = KeyDirChoice::default();
    // Each key's first file and what its timing said: two files of one key
    // (under two spellings of its name) whose timing disagrees are refused.
    // The key signed or not by the order of the paths, and a warning named
    // a `--publish` never given (the fifty-fifth audit, 2026-12-07).
    type Said<'a> = (Vec<u8>, &'a Path, &'static str, (Option<i64>, Option<i64>));
    let mut said: Vec<Said> = Vec::new();
    for p in paths {
        let (timing, flags, rdata) = read_key_timing(p)?;
        let state = timing.state(now);
        // With the CDS timing: two files that disagree only there made the
        // CDS set follow one of them (the fifty-seventh audit).
        let verdict = match state {
            KeyState::Active | KeyState::RevokeDue { .. } => "signs",
            KeyState::PublishedOnly { .. } => "is published only",
            KeyState::Absent { .. } => "is left out",
        };
        let sync = (timing.sync_publish, timing.sync_delete);
        if let Some((_, first, said_then, _)) =
            said.iter().find(|(r, _, v, y)| *r == rdata && (*v != verdict || *y != sync))
        {
            let differs = if *said_then != verdict {
                format!("by {} it {said_then}, by this file it {verdict}", first.display())
            } else {
                format!("{} gives it other SyncPublish or SyncDelete times", first.display())
            };
            return Err(KeyError::Unreadable {
                path: p.clone(),
                line: 0,
                reason: format!(
                    "the key directory holds this key twice, with other timing: {differs}; remove one (dnssec-signzone -S would follow one of them, by the names it takes and their order in the directory)"
                ),
            });
        }
        said.push((rdata, p, verdict, sync));
        // A key that does not sign is read in full all the same: a
        // `.private` cut short (a full disk, a broken copy) has no key
        // material and may have no timing either, and was taken for a key
        // `dnssec-keygen -G` made ahead of its schedule, left out with a
        // notice (the twenty-ninth audit, 2026-12-06). A signing key is
        // loaded and proven later.
        if !matches!(state, KeyState::Active) {
            super::keys::check_private_material(p)?;
        }
        match state {
            KeyState::Active => choice.signing.push(p.clone()),
            // A revoked key (dnssec-revoke) keeps signing the DNSKEY
            // RRset, so that its revocation counts (RFC 5011 §2.1).
            KeyState::RevokeDue { .. } if flags & FLAG_REVOKE != 0 => {
                choice.signing.push(p.clone())
            }
            KeyState::RevokeDue { at } => {
                return Err(KeyError::RevokeDue { key: p.clone(), at: format_yyyymmddhhmmss(at) })
            }
            KeyState::PublishedOnly { field, at } => {
                let why = if at == 0 {
                    "no Activate time".to_owned()
                } else if at > now {
                    format!("{field} {} is to come", format_yyyymmddhhmmss(at))
                } else {
                    format!("{field} {} has passed", format_yyyymmddhhmmss(at))
                };
                choice.publish_only.push((p.clone(), why));
            }
            KeyState::Absent { at: 0, .. } => {
                let why = "no Publish or Activate time (as `dnssec-keygen -G` leaves a key \
                           made ahead of its schedule; set them with `dnssec-settime -P -A`)";
                choice.left_out.push((p.clone(), why.to_owned()));
            }
            KeyState::Absent { field, at } => {
                let when = if at > now { "is to come" } else { "has passed" };
                let mut why = format!("{field} {} {when}", format_yyyymmddhhmmss(at));
                // An active key not yet to be published: `dnssec-signzone
                // -S` signs with it unpublished (the first step of an
                // algorithm rollover, RFC 6781 §4.1.4); zonesign does not
                // sign with a key it does not publish, and the notice did
                // not say the key signs nothing (the fifty-seventh audit).
                if field == "Publish" && timing.activate.is_some_and(|a| a <= now) {
                    why.push_str(
                        ", and its Activate time has passed: zonesign signs only with keys it \
                         publishes (dnssec-signzone -S signs with it unpublished, RFC 6781 \
                         §4.1.4's first step; publish it to sign: dnssec-settime -P now)",
                    );
                }
                choice.left_out.push((p.clone(), why));
            }
        }
    }
    Ok(choice)
}

/// A DNSKEY published in the zone that signs nothing (`--publish`): the
/// next key of a rollover, published ahead of its use, or the key it
/// replaces, kept while signatures made with it may still be cached (the
/// pre-publish ZSK rollover of RFC 6781 §4.1.1.1, the double-KSK
/// rollover of §4.1.2).
#[derive(Debug, Clone)]
pub struct PublishOnlyKey {
    /// The `.key` file, for messages.
    pub source: String,
    pub key_tag: u16,
    pub algorithm: u8,
    pub dnskey: Box<[u8]>,
}

/// Reads the `.key` files of keys to publish without signing. Only the
/// public key is read: no private key is needed, and none is proven.
pub fn load_publish_only_keys(
    paths: &[PathBuf],
    origin: &Name,
    class: Class,
) -> Result<Vec<PublishOnlyKey>, KeyError> {
    let mut keys = Vec::with_capacity(paths.len());
    for p in paths {
        let file = parse_key_file(p)?;
        if let Some(reason) = not_of_zone(&file.owner, file.class, origin, class) {
            return Err(KeyError::Unreadable { path: p.clone(), line: 0, reason });
        }
        let source = p.display().to_string();
        let flags = Dnskey::parse(&file.dnskey_rdata, &source)?.flags;
        let key = PublishOnlyKey {
            key_tag: super::keys::key_tag(&file.dnskey_rdata),
            algorithm: file.dnskey_rdata[3],
            dnskey: file.dnskey_rdata.into(),
            source,
        };
        let refuse = |reason| KeyError::PublishOnlyRefused {
            key: key.source.clone(),
            tag: key.key_tag,
            algorithm: key.algorithm,
            reason,
        };
        check_flags(flags).map_err(refuse)?;
        // RFC 5011 §2.1: "If this bit is set to '1', AND the resolver sees
        // an RRSIG(DNSKEY) signed by the associated key, then the resolver
        // MUST consider this key permanently invalid": a revocation only
        // counts when the revoked key signs the DNSKEY RRset.
        if flags & FLAG_REVOKE != 0 {
            return Err(refuse(
                "it has the REVOKE flag, and a revocation only counts when the revoked key signs \
                 the DNSKEY RRset (RFC 5011 §2.1)",
            ));
        }
        // No private key proves a key published only: check what the public
        // key alone shows (its length, a point on the curve, RFC 3110 form),
        // so that a truncated or garbled `.key` of a rollover's next key is
        // not published as a key that exists nowhere (an audit, 2026-12-06;
        // `kzonecheck` refuses such a DNSKEY).
        use crate::verify::crypto::{CryptoError, PreparedKey};
        match PreparedKey::new(key.algorithm, &key.dnskey[4..]) {
            // An algorithm zonesign does not know is refused by
            // `check_publish_only`: no signing key has it. An RSA exponent
            // over 33 bits is a valid key (RFC 3110 §2 allows 4096 bits)
            // that BIND publishes and validators use, though aws-lc-rs
            // cannot: it was refused as "not a valid key" (the
            // thirty-eighth audit, 2026-12-07). The written zone's
            // verification warns of it (`unusable-dnskey`).
            // But not one over 255 octets: RFC 3110 §2 writes its length in
            // three octets, which Knot's libdnssec rejects, and the written
            // zone's verification then failed it, exit 1, after the whole
            // run (the thirty-ninth audit).
            Err(CryptoError::UnsupportedExponent { .. }) if key.dnskey.get(4) == Some(&0) => {
                return Err(refuse(
                    "its RSA exponent is over 255 octets, so RFC 3110 §2 writes its length in \
                     three octets, which Knot's libdnssec rejects (the zone would fail \
                     verification)",
                ))
            }
            Ok(_)
            | Err(CryptoError::UnsupportedAlgorithm { .. })
            | Err(CryptoError::UnsupportedExponent { .. }) => {}
            Err(CryptoError::UnsupportedKeySize { .. }) => {
                return Err(refuse(
                    "its RSA modulus is outside the 1024 to 4096 bits zonesign verifies with \
                     (aws-lc-rs takes nothing smaller; RFC 3110 §2 allows nothing larger)",
                ))
            }
            Err(_) => {
                return Err(refuse(
                    "its public key is not a valid key of its algorithm (wrong length, not a \
                     point on the curve, or not in the form of RFC 3110 §2)",
                ))
            }
        }
        // The one RFC 3110 form, as for keys that sign: the verifier reads
        // others (with a warning, or an error where Knot rejects them), and
        // the run failed only at verification, after signing everything (the
        // fifteenth audit, 2026-12-06).
        if matches!(key.algorithm, 5 | 7 | 8 | 10) {
            super::keys::rsa_public_key_form(&key.dnskey[4..]).map_err(refuse)?;
        }
        // One key given twice (by --publish and the key directory's timing)
        // is published once, and listed once.
        if !keys.iter().any(|k: &PublishOnlyKey| k.dnskey == key.dnskey) {
            keys.push(key);
        }
    }
    Ok(keys)
}

/// The RRSIG RRset the signing keys make over the DNSKEY RRset (owned by
/// the apex, signed by the KSKs and CSKs) fits 65,535 octets. 133 KSKs at
/// a long origin made one of 65,702 octets, and only the final
/// verification refused the written zone (the sixty-first audit,
/// 2026-12-07). The RRSIG RRsets over the zone's data are held to the
/// same by [`check_rrsig_data_size`], once the zone is loaded.
///
/// The keys are those the signer takes ([`super::dnskey_signers`]): a
/// revoked ZSK signs the DNSKEY RRset too (RFC 5011 §2.1), and 70 of them
/// beside 70 KSKs made an RRSIG RRset of 68,600 octets that only the final
/// verification refused (the sixty-eighth audit, 2026-12-07).
pub fn check_rrsig_rrset_size(origin: &Name, signing: &[ZoneKey]) -> Result<(), KeyError> {
    let keys: Vec<&ZoneKey> =
        super::dnskey_signers(signing).into_iter().map(|i| &signing[i]).collect();
    let octets = rrsig_rrset_octets(origin, &keys, origin.wire_len());
    if octets > 65535 {
        return Err(KeyError::RrsigRrsetTooLarge {
            keys: keys.len(),
            octets,
            over: "the DNSKEY RRset".to_string(),
        });
    }
    Ok(())
}

/// The RRSIG RRset of `keys` over one RRset at an owner of `owner` octets.
/// Each RRSIG: owner, type, class, TTL, length (10), the fixed fields
/// (18), the signer's name and the signature.
fn rrsig_rrset_octets(origin: &Name, keys: &[&ZoneKey], owner: usize) -> usize {
    let rrsig = |k: &ZoneKey| {
        owner + 10 + 18 + origin.wire_len() + signature_octets(k.algorithm, &k.dnskey)
    };
    keys.iter().map(|k| rrsig(k)).sum()
}

/// The RRSIG RRsets over the zone's other RRsets (signed by the ZSKs and
/// CSKs, or the KSKs of an algorithm that has neither) fit 65,535 octets
/// at the zone's longest owner of a signed RRset under its denial: with
/// NSEC every name with data (its NSEC is signed, at a delegation too);
/// with NSEC3 the names of signed data and the NSEC3 owners (an insecure
/// delegation's own name has nothing signed). Held to an owner of 255
/// octets before the zone was loaded, this refused more than about 180
/// P-256 keys whatever the zone's names (the forty-ninth session's list,
/// 2026-12-07); held to every authoritative name and an NSEC3 owner
/// whatever the denial, zones that fit, which `dnssec-signzone` signs (the
/// sixty-seventh audit). The keys are those the signer takes for data
/// ([`super::key_roles`]): revoked keys sign none (they were counted: the
/// sixty-eighth audit).
pub fn check_rrsig_data_size(
    origin: &Name,
    signing: &[ZoneKey],
    zone: &crate::zone::Zone,
    nsec3: bool,
) -> Result<(), KeyError> {
    use crate::zone::rtype::Rtype;
    use rayon::prelude::*;
    // No key for the data: the signer says so ([`super::key_roles`]).
    let Ok((_, data_signers)) = super::key_roles(signing) else { return Ok(()) };
    let keys: Vec<&ZoneKey> = data_signers.into_iter().map(|i| &signing[i]).collect();
    // Names fit 255 octets: no zone needs the pass over its nodes then.
    if rrsig_rrset_octets(origin, &keys, 255) <= 65535 {
        return Ok(());
    }
    // The input's own denial records and signatures are made again.
    let data = |t: Rtype| !matches!(t, Rtype::RRSIG | Rtype::NSEC | Rtype::NSEC3);
    let signed_here = |n: &crate::zone::Node| {
        if nsec3 {
            n.rrsets.iter().any(|r| data(r.rtype) && n.is_signed_rrset(r.rtype))
        } else {
            crate::denial::nsec::has_nsec(n) && n.rrsets.iter().any(|r| data(r.rtype))
        }
    };
    // An NSEC3 owner: one label of 32 base32hex digits over the origin.
    let nsec3_owner = if nsec3 { (1 + 32 + origin.wire_len()).min(255) } else { 0 };
    let longest = zone
        .nodes
        .par_iter()
        .filter(|n| signed_here(n))
        .map(|n| n.name.wire_len())
        .max()
        .unwrap_or(0)
        .max(nsec3_owner);
    let octets = rrsig_rrset_octets(origin, &keys, longest);
    if octets > 65535 {
        return Err(KeyError::RrsigRrsetTooLarge {
            keys: keys.len(),
            octets,
            over: format!("the zone's data (at its longest owner, of {longest} octets)"),
        });
    }
    Ok(())
}

/// The length of a signature by a key of `algorithm` whose DNSKEY RDATA is
/// `dnskey`: RSA's is the modulus's (RFC 3110 §2, its public key's
/// exponent length, exponent, modulus), the others fixed (RFC 6605 §4,
/// RFC 8080 §3).
fn signature_octets(algorithm: u8, dnskey: &[u8]) -> usize {
    let public = dnskey.get(4..).unwrap_or_default();
    match algorithm {
        13 | 15 => 64,
        14 => 96,
        16 => 114,
        // The whole field where it does not parse: never less.
        _ => super::keys::parse_rsa_public_key_field(public)
            .map_or(public.len(), |(_, modulus)| modulus.len()),
    }
}

/// The DNSKEY RRset the signing and published-only keys make (each key
/// once) must fit the wire form its RRSIG signs, each record with its
/// owner (RFC 4034 §3.1.8.1), in 65,535 octets. Years of retired keys
/// with no Delete time, all still published, made one of 69,600 octets:
/// the zone was signed and written, and only its final verification
/// refused it, exit 1, as a written zone that "does not load again" (the
/// sixtieth audit, 2026-12-07).
///
/// The RRSIG's own fields count too, as RFC 4034 §3.1.8.1 signs them
/// ("signature = sign(RRSIG_RDATA | RR(1) | RR(2)... )": 18 octets and the
/// signer's name): a DNSKEY RRset of exactly 65,535 octets was signed, and
/// `ldns-verify-zone`, which cuts what it verifies at 65,535 octets, called
/// it bogus (the sixty-fifth audit, 2026-12-07). A zone's data RRsets are
/// held to the RRset alone (`zone::finish`: BIND signs those and the other
/// validators accept them); the DNSKEY RRset is ours to shape, so it is
/// held to what every validator takes.
pub fn check_dnskey_rrset_size(
    origin: &Name,
    publish: &[PublishOnlyKey],
    signing: &[ZoneKey],
) -> Result<(), KeyError> {
    let rdatas = dnskey_rdatas(publish, signing);
    let rrsig_fields = 18 + origin.wire_len();
    let octets: usize =
        rrsig_fields + rdatas.iter().map(|rd| origin.wire_len() + 10 + rd.len()).sum::<usize>();
    if octets > 65535 {
        return Err(KeyError::DnskeyRrsetTooLarge { records: rdatas.len(), octets });
    }
    Ok(())
}

/// The DNSKEY RDATAs the signing and published-only keys make, each key
/// once, sorted.
pub(crate) fn dnskey_rdatas<'a>(
    publish: &'a [PublishOnlyKey],
    signing: &'a [ZoneKey],
) -> Vec<&'a [u8]> {
    let mut rdatas: Vec<&[u8]> =
        signing.iter().map(|k| &*k.dnskey).chain(publish.iter().map(|p| &*p.dnskey)).collect();
    rdatas.sort_unstable();
    rdatas.dedup();
    rdatas
}

/// The answer to a DNSKEY query with the DO bit (RFC 4035 §3.1.1: the
/// server "MUST include" the RRSIGs of the answer) carries the DNSKEY
/// RRset and its RRSIG RRset in one message, which RFC 1035 §4.2.2 holds
/// to 65,535 octets over TCP ("The message is prefixed with a two byte
/// length field"). Each RRset fitting alone ([`check_dnskey_rrset_size`],
/// [`check_rrsig_rrset_size`]) is not enough: 752 P-256 DNSKEYs and 53
/// KSKs made an answer of 65,655 octets, a server sent the DNSKEY RRset
/// without its signatures (TC set) and a validating resolver failed the
/// whole zone, where the run had exit 0 (the seventieth audit).
///
/// The least such a message takes: the header (12 octets), the question
/// (the origin, type and class), every answer's owner compressed to a
/// pointer (2 octets; the root, one zero octet, is written as it is: RFC
/// 1035 §4.1.4, and the seventy-third audit found 818 keys of the root zone
/// refused that knotd serves in 64,838 octets) with its type, class, TTL
/// and length (10), each
/// RRSIG's fixed fields (18), its signer's name in full (RFC 4034 §3.1.7:
/// "A sender MUST NOT use DNS name compression on the Signer's Name field
/// when transmitting a RRSIG RR") and signature, and an OPT record with no
/// options (11, RFC 6891 §6.1.2), which a query with the DO bit asks for.
pub fn check_dnskey_response_size(
    origin: &Name,
    publish: &[PublishOnlyKey],
    signing: &[ZoneKey],
) -> Result<(), KeyError> {
    let rdatas = dnskey_rdatas(publish, signing);
    let signers: Vec<&ZoneKey> =
        super::dnskey_signers(signing).into_iter().map(|i| &signing[i]).collect();
    let owner = origin.wire_len().min(2);
    let dnskeys: usize = rdatas.iter().map(|rd| owner + 10 + rd.len()).sum();
    let rrsigs = rrsig_rrset_octets(origin, &signers, owner);
    let octets = 12 + origin.wire_len() + 4 + dnskeys + rrsigs + 11;
    if octets > 65535 {
        return Err(KeyError::DnskeyResponseTooLarge {
            records: rdatas.len(),
            signatures: signers.len(),
            octets,
        });
    }
    Ok(())
}

/// Checks keys to publish without signing against the keys that sign.
///
/// - RFC 4035 §2.2: "There MUST be an RRSIG for each RRset using at least
///   one DNSKEY of each algorithm in the zone apex DNSKEY RRset": a key of
///   an algorithm no signing key has would make every RRset of the zone
///   bogus to a validator that checks this (an algorithm rollover
///   publishes the new algorithm's DNSKEY only once it signs, RFC 6781
///   §4.1.4).
/// - No two different DNSKEYs, signing or not, may share an algorithm and
///   key tag (the .de failure of 5 May 2026).
///
/// A key given both to sign and to publish is simply published once.
pub fn check_publish_only(publish: &[PublishOnlyKey], signing: &[ZoneKey]) -> Result<(), KeyError> {
    for p in publish {
        // A revoked key's signatures count for its revocation only (RFC
        // 5011 §2.1): a retired ZSK beside the revoked KSK of its algorithm
        // passed this check, and the run failed at its final verification,
        // exit 1, with no key named (the fifty-seventh audit, 2026-12-07).
        if !signing.iter().any(|k| k.algorithm == p.algorithm && !k.is_revoked()) {
            // "No signing key has its algorithm" asked for a signing key
            // zonesign cannot have (an Ed448 key, an audit, 2026-12-06).
            let reason = if super::keys::Algorithm::from_number(p.algorithm).is_err() {
                "zonesign cannot sign with its algorithm (8, 10, 13, 14 and 15 only), and every \
                 algorithm of the DNSKEY RRset must sign every RRset (RFC 4035 §2.2)"
            } else {
                "no signing key that is not revoked has its algorithm, and every algorithm of \
                 the DNSKEY RRset must sign every RRset (RFC 4035 §2.2; a revoked key signs the \
                 DNSKEY RRset only, for its revocation, RFC 5011 §2.1)"
            };
            return Err(KeyError::PublishOnlyRefused {
                key: p.source.clone(),
                tag: p.key_tag,
                algorithm: p.algorithm,
                reason,
            });
        }
    }
    let all: Vec<(&str, &[u8])> = signing
        .iter()
        .map(|k| (k.source.as_str(), &*k.dnskey))
        .chain(publish.iter().map(|p| (p.source.as_str(), &*p.dnskey)))
        .collect();
    check_collisions(&all)
}

/// The signing keys' flags, checked before anything is signed, for a zone
/// the three validators accept:
/// - some key that is not revoked has the SEP flag
///   ([`KeyError::NoSepKey`]);
/// - RFC 5011 §2.1: a revoked key signs the DNSKEY RRset and nothing else
///   (see [`super::ZoneKey::is_revoked`]). A revoked ZSK (no SEP flag, not
///   signing as a CSK) with no other ZSK of its algorithm would leave the
///   zone data to the KSK: valid to resolvers, but refused here, as BIND's
///   `dnssec-verify` and `kzonecheck` refuse the result (they take the
///   revoked key for the algorithm's ZSK).
pub fn check_roles(keys: &[ZoneKey]) -> Result<(), KeyError> {
    for k in keys {
        check_flags(k.flags()).map_err(|reason| KeyError::BadFlags {
            key: k.source.clone(),
            tag: k.key_tag,
            algorithm: k.algorithm,
            flags: k.flags(),
            reason,
        })?;
    }
    if !keys.iter().any(|k| k.flags() & FLAG_SEP != 0 && !k.is_revoked()) {
        let revoked: Vec<String> = keys
            .iter()
            .filter(|k| k.flags() & FLAG_SEP != 0)
            .map(|k| format!("{} alg {} {}", k.key_tag, k.algorithm, k.source))
            .collect();
        if !revoked.is_empty() {
            return Err(KeyError::OnlyRevokedKsks { keys: revoked.join(", ") });
        }
        return Err(KeyError::NoSepKey {
            keys: keys
                .iter()
                .map(|k| format!("{} alg {} {}", k.key_tag, k.algorithm, k.source))
                .collect::<Vec<_>>()
                .join(", "),
            timing: Vec::new(),
        });
    }
    let signs_dnskey = |k: &ZoneKey| k.role != KeyRole::Zsk && !k.is_revoked();
    // A revoked key signs no data and validators do not count its
    // algorithm (RFC 5011 §2.1): the revoked KSK of an algorithm that no
    // longer signs, at the end of an algorithm rollover for RFC 5011 trust
    // anchors, was refused as "no key of algorithm 8 has the SEP flag"
    // (the twelfth audit, 2026-12-06; `dnssec-signzone -S` signs it).
    for k in keys.iter().filter(|k| !k.is_revoked()) {
        if !keys.iter().any(|o| o.algorithm == k.algorithm && signs_dnskey(o)) {
            return Err(KeyError::NoKskForAlgorithm {
                algorithm: k.algorithm,
                keys: keys
                    .iter()
                    .filter(|o| o.algorithm == k.algorithm)
                    .map(|o| format!("{} {}", o.key_tag, o.source))
                    .collect::<Vec<_>>()
                    .join(", "),
                timing: Vec::new(),
            });
        }
    }
    let signs_data = |k: &ZoneKey| k.role != KeyRole::Ksk && !k.is_revoked();
    for k in keys.iter().filter(|k| k.is_revoked() && k.role == KeyRole::Zsk) {
        if !keys.iter().any(|o| o.algorithm == k.algorithm && signs_data(o)) {
            return Err(KeyError::RevokedZsk {
                key: k.source.clone(),
                tag: k.key_tag,
                algorithm: k.algorithm,
            });
        }
    }
    Ok(())
}

/// RFC 4034 §2.1.1: "Bit 7 of the Flags field is the Zone Key flag. If
/// bit 7 has value 1, then the DNSKEY record holds a DNS zone key"; "Bits
/// 0-6 and 8-14 are reserved: these bits MUST have value 0 upon creation of
/// the DNSKEY RR" (bit 8 is REVOKE since RFC 5011). A key without the Zone
/// Key bit cannot verify a zone's signatures; `kzonecheck` refuses a DNSKEY
/// with a reserved bit set.
pub fn check_flags(flags: u16) -> Result<(), &'static str> {
    if flags & FLAG_ZONE == 0 {
        return Err("it is not a zone key (flag bit 7 clear, RFC 4034 §2.1.1)");
    }
    if flags & !(FLAG_ZONE | FLAG_SEP | FLAG_REVOKE) != 0 {
        return Err("reserved flag bits are set (they MUST be 0, RFC 4034 §2.1.1)");
    }
    Ok(())
}

/// Checks that a key that signs the DNSKEY RRset matches one of `anchors`
/// (from the file `path`): the parent's DS set for a zone that is already
/// delegated securely. RFC 4035 §5: a validator authenticates the DNSKEY
/// RRset through a DS or trust anchor, then the zone through the DNSKEY
/// RRset; a zone whose DNSKEY RRset no anchored key signs is bogus however
/// valid its signatures are (an emergency rebuild with the wrong KSK, a
/// KSK rollover before the parent has the new DS). The written zone is
/// checked again by the verifier.
pub fn check_trust_anchor(
    keys: &[ZoneKey],
    origin: &Name,
    anchors: &[crate::verify::TrustAnchor],
    path: &Path,
) -> Result<(), KeyError> {
    // RFC 5011 §2.1: a revoked key is no trust anchor.
    let signers: Vec<&ZoneKey> = super::dnskey_signers(keys)
        .into_iter()
        .map(|i| &keys[i])
        .filter(|k| !k.is_revoked())
        .collect();
    // The DS records validators use of the set (RFC 4509 §3; see
    // `anchors_validators_use`).
    let in_use = crate::verify::anchors_validators_use(anchors);
    if signers.iter().any(|k| in_use.iter().any(|a| a.matches(origin, &k.dnskey))) {
        return Ok(());
    }
    let note = crate::verify::ignored_anchor_note(
        origin,
        anchors,
        signers.iter().map(|k| (k.key_tag, &*k.dnskey)),
    );
    Err(KeyError::TrustAnchorUnmatched {
        anchor: path.to_path_buf(),
        note: note.map(|n| format!(" ({n})")).unwrap_or_default(),
        signers: signers
            .iter()
            .map(|k| format!("{} alg {} {}", k.key_tag, k.algorithm, k.source))
            .collect::<Vec<_>>()
            .join(", "),
    })
}

/// The .de failure of 5 May 2026 one step on: a signing or published key
/// that shares algorithm and key tag with a DNSKEY of the input zone (the
/// zone as published, whose DNSKEY RRset resolvers have cached) but is
/// other key material. A resolver holding the old DNSKEY RRset meets the
/// new signatures, looks the tag up, finds the old key and calls them
/// bogus until its cache expires. Each key proved itself against its own
/// `.key` file or HSM objects; this compares it with what was published.
/// Input DNSKEYs colliding among themselves are not this run's to judge:
/// the signed zone replaces them.
pub fn check_input_dnskeys(
    zone: &crate::zone::Zone,
    keys: &[ZoneKey],
    publish: &[PublishOnlyKey],
) -> Result<(), KeyError> {
    use crate::zone::rtype::Rtype;
    let Some(rrset) = zone.apex().rrset(Rtype::DNSKEY) else { return Ok(()) };
    let new = keys
        .iter()
        .map(|k| (k.source.as_str(), &*k.dnskey))
        .chain(publish.iter().map(|p| (p.source.as_str(), &*p.dnskey)));
    for (source, dnskey) in new {
        for old in rrset.rdatas.iter().filter(|old| old.len() >= 4 && *old != dnskey) {
            if old[3] == dnskey[3] && super::keys::key_tag(old) == super::keys::key_tag(dnskey) {
                let input = format!("the input zone's DNSKEY RRset (line {})", rrset.src.line);
                return check_collisions(&[(&input, old), (source, dnskey)]);
            }
        }
    }
    Ok(())
}

/// The input's CDS and CDNSKEY records, which a run without `--cds` keeps,
/// checked against the DNSKEY RRset the signed zone will have (`dnskeys`:
/// the signing keys' and those published only) before anything is signed
/// (RFC 7344, RFC 8078; the rules in [`crate::verify::cds`]). The written
/// zone is checked again by the verifier.
///
/// Also the verifier's continuity rule (RFC 7344 §4.1: "MUST NOT break the
/// current delegation if applied to DS RRset"): each kept RRset names a key
/// that will sign the DNSKEY RRset (`keys`' KSKs, or every key with
/// `--csk`; not revoked), anchored or not (a KSK rollover's CDS names the
/// new KSK, the parent's DS the old), or is the delete request. Input CDS
/// naming only a `--publish`ed KSK passed this check, and the whole zone
/// was signed before the verifier refused it (the twenty-first audit,
/// 2026-12-06).
pub fn check_input_cds(
    zone: &crate::zone::Zone,
    dnskeys: &[&[u8]],
    keys: &[ZoneKey],
) -> Result<(), KeyError> {
    use crate::zone::rtype::Rtype;
    let mut problems: Vec<String> = crate::verify::cds::apex_problems(zone, dnskeys)
        .into_iter()
        .map(|(_, detail)| detail)
        .collect();
    let origin = &zone.origin;
    let entry: Vec<&ZoneKey> = super::dnskey_signers(keys)
        .into_iter()
        .map(|i| &keys[i])
        .filter(|k| !k.is_revoked())
        .collect();
    let signers: Vec<&[u8]> = entry.iter().map(|k| &*k.dnskey).collect();
    for rtype in [Rtype::CDS, Rtype::CDNSKEY] {
        let Some(set) = zone.apex().rrset(rtype) else { continue };
        let set: Vec<&[u8]> = set.rdatas.iter().collect();
        if !crate::verify::cds::keeps_delegation(origin, rtype, &set, &signers) {
            let signers =
                entry.iter().map(|k| k.key_tag.to_string()).collect::<Vec<_>>().join(", ");
            problems.push(format!(
                "no {rtype} record names a key that signs the DNSKEY RRset ({signers}){}: a \
                 parent that follows the RRset installs DS records for keys that do not sign the \
                 DNSKEY RRset (RFC 7344 §4.1); give --cds to publish the signing KSKs' records",
                crate::verify::cds::ignored_digest_note(rtype, &set)
            ));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    // A key the records name that the input published and this run does
    // not: most likely another signer's (RFC 8901) or the next KSK, which
    // --publish keeps; the message offered only --cds and removing the
    // records, each of which drops the other signer's (the twenty-sixth
    // audit, 2026-12-06).
    let apex = zone.apex();
    let revoked_here = unrevoked_forms(keys);
    let mut unpublished: Vec<u16> = apex
        .rrset(Rtype::DNSKEY)
        .into_iter()
        .flat_map(|s| s.rdatas.iter())
        .filter(|k| !dnskeys.contains(k))
        // Nor the unrevoked form of a key the run revokes: --publish
        // refuses it.
        .filter(|k| !revoked_here.iter().any(|d| **d == **k))
        .filter(|k| crate::verify::cds::apex_names_key(zone, k))
        .map(super::keys::key_tag)
        .collect();
    unpublished.sort_unstable();
    unpublished.dedup();
    if !unpublished.is_empty() {
        problems.push(format!(
            "key {} that they name is in the input's DNSKEY RRset, which the signed zone \
             replaces with the run's keys: if it is another signer's (RFC 8901) or the next \
             KSK, give its .key file to --publish to keep it and its records",
            unpublished.iter().map(u16::to_string).collect::<Vec<_>>().join(", ")
        ));
    }
    Err(KeyError::CdsUnmatched { problems: problems.join("; ") })
}

/// The DNSKEY RDATA of each revoked key of `keys` as it was before the
/// revocation (the REVOKE flag cleared; RFC 5011 §2.1): the key as the
/// input may still publish it.
pub fn unrevoked_forms(keys: &[ZoneKey]) -> Vec<Box<[u8]>> {
    keys.iter().filter(|k| k.is_revoked() && k.dnskey.len() > 2).map(unrevoked_form).collect()
}

/// The DNSKEY RDATA of `key` with the REVOKE flag cleared (RFC 5011 §2.1):
/// the key as it was before its revocation.
pub fn unrevoked_form(key: &ZoneKey) -> Box<[u8]> {
    let mut d = key.dnskey.clone();
    if let Some(flags_low) = d.get_mut(1) {
        *flags_low &= !(FLAG_REVOKE as u8);
    }
    d
}

/// The key tags of the input zone's DNSKEYs that signed it (the keys that
/// signed the published zone, when the input is it) and that the signed
/// zone drops from its DNSKEY RRset (`new_dnskeys`). RFC 6781
/// §4.1.1.1 keeps such a key published until its signatures have left
/// every server and cache: dropped at once, answers still carrying them
/// cannot be validated against the new DNSKEY RRset.
///
/// Not when every RRset it signed also carries a signature by a key that
/// the signed zone keeps: the last step of a double-signature rollover
/// (RFC 6781 §4.1.1.2) drops the old ZSK at once, and was warned about (the
/// twelfth audit, 2026-12-06). Nor when that kept key is of another
/// algorithm: RFC 6840 §5.11, "Validators SHOULD accept any single valid
/// path ... they MUST NOT insist that all algorithms signaled in the
/// DNSKEY RRset work"; and the remedy, `--publish`, cannot publish a key
/// of an algorithm zonesign does not sign with (Ed448, RSASHA1; the
/// seventeenth audit). Every RRset, not the SOA alone: a new algorithm's
/// KSK that signed the DNSKEY RRset and the SOA of an algorithm rollover
/// under way hid the data only the dropped keys signed (the eighteenth).
pub fn input_signers_dropped(zone: &crate::zone::Zone, new_dnskeys: &[&[u8]]) -> Vec<u16> {
    use crate::zone::rtype::Rtype;
    let kept: Vec<(u8, u16)> = new_dnskeys
        .iter()
        .filter(|rd| rd.len() >= 4)
        .map(|rd| (rd[3], super::keys::key_tag(rd)))
        .collect();
    let dropped: Vec<(u8, u16)> =
        dropped_input_dnskeys(zone, new_dnskeys).map(|(_, key)| key).collect();
    if dropped.is_empty() {
        return Vec::new();
    }
    // One walk over the input's signatures, only when a DNSKEY is dropped;
    // every RRset, not the SOA's signers alone (a ZSK rollover half done by
    // BIND's gradual re-signing, the new ZSK over the SOA and the old one
    // over the rest, dropped the old one without a word: the nineteenth
    // audit).
    // Not over the DNSKEY RRset: a cached DNSKEY RRset is validated by its
    // own signatures, old key and all (a KSK replaced is warned about by
    // `input_ksks_all_replaced`); nor over the apex CDS and CDNSKEY, which
    // the KSKs sign for the parent, who reads them afresh (the end of a KSK
    // rollover with `--cds` warned of the old KSK, the twentieth audit).
    let ksk_signed = |r: &crate::zone::Rrset| {
        matches!(r.covered(), Some(Rtype::DNSKEY | Rtype::CDS | Rtype::CDNSKEY))
    };
    let mut uncovered: Vec<u16> = Vec::new();
    for node in &zone.nodes {
        for rrsigs in node.rrsets.iter().filter(|r| r.rtype == Rtype::RRSIG && !ksk_signed(r)) {
            let signers = rrsig_signers(rrsigs.rdatas.iter());
            if signers.iter().any(|s| kept.contains(s)) {
                continue;
            }
            uncovered.extend(signers.iter().filter(|s| dropped.contains(s)).map(|s| s.1));
        }
    }
    uncovered.sort_unstable();
    uncovered.dedup();
    uncovered
}

/// The (algorithm, key tag) of each RRSIG RDATA (RFC 4034 §3.1: the
/// algorithm at octet 2, the key tag at 16).
pub(super) fn rrsig_signers<'a>(rrsigs: impl Iterator<Item = &'a [u8]>) -> Vec<(u8, u16)> {
    rrsigs.filter(|r| r.len() >= 18).map(|r| (r[2], u16::from_be_bytes([r[16], r[17]]))).collect()
}

/// The input's DNSKEYs that the signed zone no longer publishes (not in
/// `new_dnskeys`): each RDATA with its (algorithm, key tag).
fn dropped_input_dnskeys<'a>(
    zone: &'a crate::zone::Zone,
    new_dnskeys: &'a [&[u8]],
) -> impl Iterator<Item = (&'a [u8], (u8, u16))> + 'a {
    use crate::zone::rtype::Rtype;
    zone.apex()
        .rrset(Rtype::DNSKEY)
        .into_iter()
        .flat_map(|set| set.rdatas.iter())
        .filter(move |rd| rd.len() >= 4 && !new_dnskeys.contains(rd))
        .map(|rd| (rd, (rd[3], super::keys::key_tag(rd))))
}

/// The key tags, sorted and once each, of the input's DNSKEYs that the
/// signed zone no longer publishes and that `pick` takes, given the DNSKEY
/// RDATA and its (algorithm, key tag).
fn dropped_input_keys(
    zone: &crate::zone::Zone,
    new_dnskeys: &[&[u8]],
    pick: impl Fn(&[u8], (u8, u16)) -> bool,
) -> Vec<u16> {
    let mut tags: Vec<u16> = dropped_input_dnskeys(zone, new_dnskeys)
        .filter(|(rd, key)| pick(rd, *key))
        .map(|(_, key)| key.1)
        .collect();
    tags.sort_unstable();
    tags.dedup();
    tags
}

/// The key tags of the input zone's KSKs (DNSKEYs with the SEP flag, not
/// revoked; those that signed its DNSKEY RRset when any did) when none of
/// them signs the signed zone's DNSKEY RRset (`keys`: its KSKs and CSKs);
/// empty otherwise. Re-signing a published zone with only new KSKs breaks
/// the chain from the parent's DS unless the parent already has the new
/// DS: worth a warning when no `--trust-anchor` settles it.
///
/// A KSK kept published only (`--publish`) does not keep the chain: RFC
/// 4035 §5 has the validator authenticate the DNSKEY RRset with "a DNSKEY
/// RR in the apex DNSKEY RRset ... that matches the DS RR" and a signature
/// by it over that RRset. A run that swapped the KSK at once, the old one
/// `--publish`ed, was taken for one that kept it (the twenty-ninth audit,
/// 2026-12-06). So was a stand-by KSK of the input that had signed
/// nothing: the parent's DS names the keys that signed. The flag: whether
/// the tags are of KSKs that signed the input's DNSKEY RRset.
pub fn input_ksks_all_replaced(zone: &crate::zone::Zone, keys: &[ZoneKey]) -> (Vec<u16>, bool) {
    use crate::zone::rtype::Rtype;
    let Some(rrset) = zone.apex().rrset(Rtype::DNSKEY) else { return (Vec::new(), false) };
    let is_ksk = |rd: &[u8]| {
        Dnskey::parse(rd, "").is_ok_and(|k| {
            k.flags & FLAG_ZONE != 0 && k.flags & FLAG_SEP != 0 && k.flags & FLAG_REVOKE == 0
        })
    };
    let signers = zone
        .apex()
        .rrsigs(Rtype::DNSKEY)
        .map(|s| rrsig_signers(s.rdatas.iter()))
        .unwrap_or_default();
    let ksks: Vec<&[u8]> = rrset.rdatas.iter().filter(|rd| is_ksk(rd)).collect();
    let signed: Vec<&[u8]> = ksks
        .iter()
        .copied()
        .filter(|rd| signers.contains(&(rd[3], super::keys::key_tag(rd))))
        .collect();
    let was_signed = !signed.is_empty();
    let old = if was_signed { signed } else { ksks };
    let new: Vec<&[u8]> = keys
        .iter()
        .filter(|k| k.role != KeyRole::Zsk && !k.is_revoked())
        .map(|k| &*k.dnskey)
        .collect();
    if old.iter().any(|o| new.contains(o)) {
        return (Vec::new(), false);
    }
    let mut tags: Vec<u16> = old.iter().map(|rd| super::keys::key_tag(rd)).collect();
    tags.sort_unstable();
    tags.dedup();
    (tags, was_signed)
}

/// The key tags of the input's DNSKEYs that signed nothing in the input
/// (a key published ahead of a rollover, a stand-by key), that are not
/// revoked, and that the signed zone no longer publishes (`new_dnskeys`).
/// RFC 6781 §4.1.1.1: the new ZSK is published for at least the DNSKEY
/// TTL before it signs ("the new DNSKEY is added to the DNSKEY RRset ...
/// but is not yet used to sign"); a re-sign that forgets it (no
/// `--publish`) silently restarts the wait (an audit, 2026-12-06).
///
/// Another signer's key (RFC 8901) is one too: it signs nothing in the
/// input this run re-signs.
///
/// "Signed nothing" anywhere in the input, not at its apex only: a ZSK
/// rollover BIND's gradual re-signing left half done (the new ZSK signs the
/// SOA, the old one the rest) had the old ZSK called "published without
/// signing" when a re-sign dropped it (the nineteenth audit, 2026-12-06).
pub fn input_prepublished_dropped(zone: &crate::zone::Zone, new_dnskeys: &[&[u8]]) -> Vec<u16> {
    let unrevoked = |rd: &[u8]| Dnskey::parse(rd, "").is_ok_and(|k| k.flags & FLAG_REVOKE == 0);
    if !dropped_input_dnskeys(zone, new_dnskeys).any(|(rd, _)| unrevoked(rd)) {
        return Vec::new();
    }
    // An unsigned input counts too: every key of its DNSKEY RRset signed
    // nothing. Another signer's keys there (RFC 8901 §8 has each provider
    // publish the others') were dropped without a word, and the DNSKEY
    // RRsets of the two providers differed (the twenty-sixth audit,
    // 2026-12-06).
    let signers = input_signers(zone);
    dropped_input_keys(zone, new_dnskeys, |rd, key| !signers.contains(&key) && unrevoked(rd))
}

/// The (algorithm, key tag) of every RRSIG of the input, once each: one
/// walk over the zone, made only when an input DNSKEY is dropped.
fn input_signers(zone: &crate::zone::Zone) -> std::collections::HashSet<(u8, u16)> {
    use crate::zone::rtype::Rtype;
    zone.nodes
        .iter()
        .flat_map(|node| node.rrsets.iter().filter(|r| r.rtype == Rtype::RRSIG))
        .flat_map(|rrsigs| rrsig_signers(rrsigs.rdatas.iter()))
        .collect()
}

/// The key tags of the keys that will sign the zone data when none of them
/// is in the input's DNSKEY RRset, for a signed input; empty otherwise.
/// RFC 6781 §4.1.1.1: a ZSK signs only once its DNSKEY has been published
/// for the DNSKEY TTL; a resolver holding the input's DNSKEY RRset from its
/// cache validates the new signatures only if one of their keys is in it
/// (one suffices: it takes any signature that validates).
pub fn unannounced_data_signers(zone: &crate::zone::Zone, keys: &[ZoneKey]) -> Vec<u16> {
    use crate::zone::rtype::Rtype;
    let apex = zone.apex();
    let (Some(rrset), Some(_)) = (apex.rrset(Rtype::DNSKEY), apex.rrsigs(Rtype::SOA)) else {
        return Vec::new();
    };
    let data_signers: Vec<&ZoneKey> =
        keys.iter().filter(|k| k.role != KeyRole::Ksk && !k.is_revoked()).collect();
    if data_signers.iter().any(|k| rrset.rdatas.iter().any(|rd| rd == &*k.dnskey)) {
        return Vec::new();
    }
    let mut tags: Vec<u16> = data_signers.iter().map(|k| k.key_tag).collect();
    tags.sort_unstable();
    tags.dedup();
    tags
}

/// A key left out because the same key is among the run's keys revoked
/// ([`drop_revoked_twins`], [`drop_revoked_published`]).
#[derive(Debug, Clone)]
pub struct RevokedTwin {
    /// Where the unrevoked form came from (its `.key` file).
    pub source: String,
    /// What was done, for a notice or a warning.
    pub note: String,
}

/// The revoked keys a run knows of, wherever they are: among the keys that
/// sign, the keys published only, or the key directory's keys its timing
/// leaves out (`retired`): the key material (the DNSKEY past its flags), the
/// revoked key's tag, and what becomes of it, for the note.
fn revoked_forms(
    keys: &[ZoneKey],
    publish: &[PublishOnlyKey],
    retired: &[Box<[u8]>],
) -> Vec<(Box<[u8]>, u16, &'static str)> {
    let is_revoked = |d: &[u8]| super::keys::dnskey_flags(d) & FLAG_REVOKE != 0;
    let signing = keys
        .iter()
        .filter(|k| k.is_revoked())
        .map(|k| (k.dnskey[2..].into(), k.key_tag, "is published and signs the DNSKEY RRset"));
    let published = publish
        .iter()
        .filter(|p| is_revoked(&p.dnskey))
        .map(|p| (p.dnskey[2..].into(), p.key_tag, "is published"));
    let gone = retired.iter().filter(|d| is_revoked(d)).map(|d| {
        (
            d[2..].into(),
            super::keys::key_tag(d),
            "is not published by its timing, and neither is this",
        )
    });
    signing.chain(published).chain(gone).collect()
}

/// Leaves out every key that is also known revoked: the same key material
/// with the REVOKE flag (RFC 5011 §2.1: "Once the resolver sees the REVOKE
/// bit, it MUST NOT use this key as a trust anchor at any time in the
/// future"; `dnssec-revoke` keeps the original files beside the revoked
/// ones). The revoked key is the one to publish, signing the DNSKEY RRset;
/// the original left beside it would go on signing as the key the operator
/// revoked, and be named in CDS, CDNSKEY and DS (an audit, 2026-12-06;
/// `dnssec-signzone -S` says "Removing revoked key ... from DNSKEY RRset").
/// Also once the revoked key is past its Delete time (`retired`) or
/// published only: the original came back then, signed the DNSKEY RRset
/// and got a CDS (the seventieth audit). Returns what was left out; the
/// roles are settled again.
pub fn drop_revoked_twins(
    keys: &mut Vec<ZoneKey>,
    publish: &[PublishOnlyKey],
    retired: &[Box<[u8]>],
) -> Vec<RevokedTwin> {
    let revoked = revoked_forms(keys, publish, retired);
    let mut left_out = Vec::new();
    keys.retain(|k| {
        let twin = (!k.is_revoked() && k.dnskey.len() > 2)
            .then(|| revoked.iter().find(|(rest, _, _)| **rest == k.dnskey[2..]))
            .flatten();
        if let Some((_, tag, state)) = twin {
            left_out.push(RevokedTwin {
                source: k.source.clone(),
                note: format!(
                    "{}: key {} is revoked as key {tag} (the same key): left out, the revoked \
                     key {state} (RFC 5011 §2.1)",
                    k.source, k.key_tag
                ),
            });
        }
        twin.is_none()
    });
    if !left_out.is_empty() {
        settle_roles(keys);
    }
    left_out
}

/// The same for keys published without signing: the original of a revoked
/// KSK, past its Inactive time in the key directory or given to
/// `--publish`, was published beside the revoked key, the same key once
/// revoked and once not, with no word (the twelfth audit, 2026-12-06).
pub fn drop_revoked_published(
    publish: &mut Vec<PublishOnlyKey>,
    keys: &[ZoneKey],
    retired: &[Box<[u8]>],
) -> Vec<RevokedTwin> {
    let revoked = revoked_forms(keys, publish, retired);
    let mut left_out = Vec::new();
    publish.retain(|p| {
        let unrevoked =
            p.dnskey.len() > 2 && super::keys::dnskey_flags(&p.dnskey) & FLAG_REVOKE == 0;
        let twin = unrevoked
            .then(|| revoked.iter().find(|(rest, _, _)| **rest == p.dnskey[2..]))
            .flatten();
        if let Some((_, tag, state)) = twin {
            left_out.push(RevokedTwin {
                source: p.source.clone(),
                note: format!(
                    "{}: key {} is revoked as key {tag} (the same key): not published, the \
                     revoked key {state} (RFC 5011 §2.1)",
                    p.source, p.key_tag
                ),
            });
        }
        twin.is_none()
    });
    left_out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A P-256 public key (a point on the curve).
    const P256_PUBLIC: &str =
        "TA617HmxOmbFnf6RZpLUuGHhcH7TgRqCvENqMhh3XCYgyF35D15YBfFHJj38hYFcxwmc9U8WCqs854y9pt8gYA==";

    /// Writes a `.key` file for `example.` with `flags` and a P-256 public
    /// key.
    fn key_file(dir: &Path, name: &str, flags: u16) -> PathBuf {
        key_file_with(dir, name, flags, P256_PUBLIC)
    }

    fn key_file_with(dir: &Path, name: &str, flags: u16, public: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, format!("example. 3600 IN DNSKEY {flags} 3 13 {public}\n")).unwrap();
        path
    }

    /// RFC 1035 §4.2.2: the DNSKEY RRset in the wire form its RRSIG signs
    /// (RFC 4034 §3.1.8.1) fits 65,535 octets; years of retired keys, all
    /// still published, were refused only by the final verification (the
    /// sixtieth audit, 2026-12-07). Each key counts once, and the RRSIG's
    /// fields too (the sixty-fifth audit: `ldns-verify-zone` rejected a
    /// DNSKEY RRset of exactly 65,535 octets).
    #[test]
    fn rfc4034_section_3_1_8_1_the_dnskey_rrset_fits_65535_octets() {
        let origin = Name::parse(b"example.", &Name::root()).unwrap();
        // example. is 9 octets: each record 9 + 10 + 68 octets, and the
        // RRSIG's fields 18 + 9.
        let key = |i: u16| PublishOnlyKey {
            source: format!("K{i}"),
            key_tag: i,
            algorithm: 13,
            dnskey: [&[1, 0, 3, 13][..], &i.to_be_bytes(), &[7; 62]].concat().into(),
        };
        let fits: Vec<PublishOnlyKey> = (0..752).map(key).collect();
        assert_eq!(27 + 752 * 87, 65451);
        assert!(check_dnskey_rrset_size(&origin, &fits, &[]).is_ok());
        let twice: Vec<PublishOnlyKey> = fits.iter().chain(&fits).cloned().collect();
        assert!(check_dnskey_rrset_size(&origin, &twice, &[]).is_ok());
        // 753 records are 65,511 octets alone, 65,538 with the RRSIG's
        // fields.
        let over: Vec<PublishOnlyKey> = (0..753).map(key).collect();
        let e = check_dnskey_rrset_size(&origin, &over, &[]).unwrap_err().to_string();
        assert!(e.contains("753 records, 65538 octets"), "{e}");
    }

    #[test]
    fn rfc5011_section_2_1_revoked_and_non_zone_keys_are_not_published_only() {
        let dir = tempfile::tempdir().unwrap();
        let origin = Name::parse(b"example.", &Name::root()).unwrap();
        let ok = key_file(dir.path(), "next.key", 256);
        let keys = load_publish_only_keys(&[ok], &origin, Class::IN).unwrap();
        assert_eq!((keys[0].algorithm, keys[0].dnskey[..2].to_vec()), (13, vec![1, 0]));
        for (name, flags, says) in
            [("revoked.key", 257 | 0x80, "REVOKE"), ("not-zone.key", 1, "not a zone key")]
        {
            let path = key_file(dir.path(), name, flags);
            let err = load_publish_only_keys(&[path], &origin, Class::IN).unwrap_err();
            assert!(matches!(err, KeyError::PublishOnlyRefused { .. }), "{err}");
            assert!(err.to_string().contains(says), "{err}");
        }
        let other = Name::parse(b"example.net.", &Name::root()).unwrap();
        let path = key_file(dir.path(), "other.key", 256);
        assert!(load_publish_only_keys(std::slice::from_ref(&path), &other, Class::IN).is_err());
        // The seventy-fifth audit: a key of another class's zone.
        let err = load_publish_only_keys(&[path], &origin, Class::CH).unwrap_err().to_string();
        assert!(
            err.contains("its DNSKEY record is of class IN (IN where the file names none), the zone example. of class CH"),
            "{err}"
        );
    }

    /// A key published only has no private key to prove it: a truncated or
    /// garbled public key was published (an audit, 2026-12-06; `kzonecheck`
    /// refuses the zone). What the public key alone shows is checked.
    #[test]
    fn regression_a_publish_only_key_must_be_a_valid_public_key() {
        let dir = tempfile::tempdir().unwrap();
        let origin = Name::parse(b"example.", &Name::root()).unwrap();
        let not_on_curve = data_encoding::BASE64.encode(&[7u8; 64]);
        let short = &P256_PUBLIC[..84];
        for (name, public) in [("off.key", not_on_curve.as_str()), ("short.key", short)] {
            let path = key_file_with(dir.path(), name, 256, public);
            let err = load_publish_only_keys(&[path], &origin, Class::IN).unwrap_err();
            assert!(err.to_string().contains("not a valid key of its algorithm"), "{err}");
        }
    }

    /// The fifteenth audit (2026-12-06): an RSA key published only, in a
    /// form other than RFC 3110's one (a short exponent's length in three
    /// octets, leading zeros), was published (or failed only at the
    /// verification of the signed zone, exit 1): refused as a key problem,
    /// as for keys that sign. One key given twice is listed once.
    #[test]
    fn rfc3110_section_2_a_publish_only_rsa_key_in_another_form_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let origin = Name::parse(b"example.", &Name::root()).unwrap();
        let mut modulus = vec![0xc5u8; 256];
        modulus[255] = 0x4b;
        for (name, head, says) in [
            ("long.key", &[0u8, 0, 3, 1, 0, 1][..], "written in three octets"),
            ("zeros.key", &[4u8, 0, 1, 0, 1][..], "leading zero octet"),
        ] {
            let public = data_encoding::BASE64.encode(&[head, &modulus].concat());
            let path = dir.path().join(name);
            std::fs::write(&path, format!("example. 3600 IN DNSKEY 256 3 8 {public}\n")).unwrap();
            let err = load_publish_only_keys(&[path], &origin, Class::IN).unwrap_err();
            assert!(err.to_string().contains(says), "{err}");
        }
        let ok = key_file(dir.path(), "next.key", 256);
        let keys = load_publish_only_keys(&[ok.clone(), ok], &origin, Class::IN).unwrap();
        assert_eq!(keys.len(), 1);
        // RFC 3110 §2 allows an exponent of up to 4096 bits: one of 2^33 + 1,
        // which aws-lc-rs cannot use but BIND publishes and validators use,
        // was refused as "not a valid key" (the thirty-eighth audit).
        let big_e = [&[5u8, 2, 0, 0, 0, 1][..], &modulus].concat();
        let path = dir.path().join("big-exponent.key");
        let public = data_encoding::BASE64.encode(&big_e);
        std::fs::write(&path, format!("example. 3600 IN DNSKEY 256 3 8 {public}\n")).unwrap();
        assert_eq!(load_publish_only_keys(&[path], &origin, Class::IN).unwrap().len(), 1);
        // One of 256 octets, its length in three octets, is refused before
        // signing (the thirty-ninth audit): Knot rejects such a DNSKEY.
        let mut long_e = vec![0u8, 1, 0, 1];
        long_e.extend(vec![1u8; 255]);
        let path = dir.path().join("long-exponent.key");
        let public = data_encoding::BASE64.encode(&[&long_e[..], &modulus].concat());
        std::fs::write(&path, format!("example. 3600 IN DNSKEY 256 3 8 {public}\n")).unwrap();
        let err = load_publish_only_keys(&[path], &origin, Class::IN).unwrap_err();
        assert!(err.to_string().contains("over 255 octets"), "{err}");
        // A modulus of 512 bits is refused, saying so.
        let path = dir.path().join("small.key");
        let public = data_encoding::BASE64.encode(&[&[3u8, 1, 0, 1][..], &modulus[..64]].concat());
        std::fs::write(&path, format!("example. 3600 IN DNSKEY 256 3 8 {public}\n")).unwrap();
        let err = load_publish_only_keys(&[path], &origin, Class::IN).unwrap_err();
        assert!(err.to_string().contains("outside the 1024 to 4096 bits"), "{err}");
    }

    /// A signer that is never asked to sign: role checks only.
    #[derive(Debug)]
    struct NoSigner;
    impl RawSigner for NoSigner {
        fn sign(&self, _: &[u8]) -> Result<Vec<u8>, String> {
            Err("not in this test".into())
        }
    }

    fn zone_key(role: KeyRole, flags: u16, algorithm: u8) -> ZoneKey {
        let mut dnskey = flags.to_be_bytes().to_vec();
        dnskey.extend([3, algorithm]);
        dnskey.extend([flags as u8; 64]);
        ZoneKey {
            role,
            algorithm,
            key_tag: super::super::keys::key_tag(&dnskey),
            dnskey: dnskey.into(),
            signer: Arc::new(NoSigner),
            source: format!("key {flags}"),
        }
    }

    /// RFC 4035 §3.1.1 and RFC 1035 §4.2.2: the answer to a DNSKEY query
    /// carries the DNSKEY RRset and its RRSIGs in one message of at most
    /// 65,535 octets. 752 P-256 DNSKEYs signed by 53 KSKs passed the checks
    /// of each RRset alone and were published, exit 0; served, the DNSKEY
    /// RRset went without its signatures and a validating resolver failed
    /// the zone (the seventieth audit; unbound and knotd).
    #[test]
    fn rfc4035_section_3_1_1_the_dnskey_answer_with_its_signatures_fits_one_message() {
        let origin = Name::parse(b"example.", &Name::root()).unwrap();
        let ksk = |i: u16| {
            let mut k = zone_key(KeyRole::Ksk, 257, 13);
            let mut dnskey = k.dnskey.to_vec();
            dnskey[4..6].copy_from_slice(&i.to_be_bytes());
            k.dnskey = dnskey.into();
            k
        };
        let published = |i: u16| PublishOnlyKey {
            source: format!("K{i}"),
            key_tag: i,
            algorithm: 13,
            dnskey: [&[1, 0, 3, 13][..], &i.to_be_bytes(), &[7; 62]].concat().into(),
        };
        // 752 records either way. The message: 12 + 13 (question) + 752 *
        // 80 (each DNSKEY: 2 + 10 + 68) + signers * 103 (each RRSIG: 2 +
        // 10 + 18 + 9 + 64) + 11 (OPT).
        for (ksks, octets) in [(51u16, 65449), (53, 65655)] {
            let mut signing: Vec<ZoneKey> = (0..ksks).map(ksk).collect();
            signing.push(zone_key(KeyRole::Zsk, 256, 13));
            let publish: Vec<PublishOnlyKey> = (0..751 - ksks).map(published).collect();
            assert_eq!(dnskey_rdatas(&publish, &signing).len(), 752);
            assert!(check_dnskey_rrset_size(&origin, &publish, &signing).is_ok());
            assert!(check_rrsig_rrset_size(&origin, &signing).is_ok());
            let answer = check_dnskey_response_size(&origin, &publish, &signing);
            assert_eq!(25 + 752 * 80 + ksks as usize * 103 + 11, octets);
            if octets <= 65535 {
                assert!(answer.is_ok(), "{ksks}");
            } else {
                let e = answer.unwrap_err().to_string();
                assert!(e.contains("(752 records) and its 53 signatures"), "{e}");
                assert!(e.contains("at least 65655 octets"), "{e}");
            }
        }
        // At the root, whose name is one octet and not compressed (RFC 1035
        // §4.1.4): 818 P-256 DNSKEYs and one KSK's RRSIG take 12 + 5 + 818
        // * 79 + 94 + 11 = 64,744 octets, which knotd serves whole; counted
        // as pointers they were 65,563 and refused (the seventy-third audit).
        let root = Name::root();
        let mut signing = vec![ksk(0), zone_key(KeyRole::Zsk, 256, 13)];
        signing[0].dnskey = [&[1, 1, 3, 13][..], &[9; 64]].concat().into();
        let publish: Vec<PublishOnlyKey> = (0..816).map(published).collect();
        assert_eq!(dnskey_rdatas(&publish, &signing).len(), 818);
        assert!(check_dnskey_response_size(&root, &publish, &signing).is_ok());
    }

    /// RFC 1035 §4.2.2: the RRSIG RRset of the signing keys over one RRset
    /// fits 65,535 octets; 133 KSKs at a long origin were refused only by
    /// the final verification (the sixty-first audit, 2026-12-07). Over the
    /// data, at the zone's longest signed owner, not at 255 octets (the
    /// forty-ninth session's list).
    #[test]
    fn rfc1035_section_4_2_2_the_rrsig_rrsets_of_the_signing_keys_fit_65535_octets() {
        let origin = Name::parse(b"example.", &Name::root()).unwrap();
        // Over the DNSKEY RRset, each P-256 RRSIG is 9 + 28 + 9 + 64 = 110
        // octets: 595 fit.
        assert_eq!(signature_octets(13, &zone_key(KeyRole::Ksk, 257, 13).dnskey), 64);
        let keys = |n: usize, role| (0..n).map(|_| zone_key(role, 257, 13)).collect::<Vec<_>>();
        assert!(check_rrsig_rrset_size(&origin, &keys(595, KeyRole::Ksk)).is_ok());
        let e = check_rrsig_rrset_size(&origin, &keys(596, KeyRole::Ksk)).unwrap_err().to_string();
        assert!(
            e.contains("596 keys sign the DNSKEY RRset: their RRSIG RRset would be up to 65560"),
            "{e}"
        );
        // Over data: KSKs alone sign the data too. With NSEC3, a zone
        // whose longest signed name is an NSEC3 owner (1 + 32 + 9 octets):
        // each RRSIG 42 + 28 + 9 + 64 = 143 octets, 458 fit; at 255 octets
        // (356 each), 184 did.
        let zone = |text: &str| {
            use crate::load::{load_bytes, LoadOptions};
            let opts = LoadOptions::new(origin.clone());
            let loaded = load_bytes(text.as_bytes(), std::path::Path::new("z"), &opts).unwrap();
            crate::zone::Zone::build(loaded, &origin).unwrap()
        };
        let data = |n, zone: &crate::zone::Zone, nsec3| {
            check_rrsig_data_size(&origin, &keys(n, KeyRole::Ksk), zone, nsec3)
        };
        let short = zone("$TTL 300\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n");
        assert!(data(458, &short, true).is_ok());
        let e = data(459, &short, true).unwrap_err().to_string();
        assert!(
            e.contains("459 keys sign the zone's data (at its longest owner, of 42 octets)"),
            "{e}"
        );
        // With NSEC no name is an NSEC3 owner: ns.example. (12 octets),
        // 113 octets each, 579 fit (the sixty-seventh audit: the NSEC3
        // owner was counted whatever the denial).
        assert!(data(579, &short, false).is_ok());
        let e = data(580, &short, false).unwrap_err().to_string();
        assert!(e.contains("(at its longest owner, of 12 octets)"), "{e}");
        // A ZSK beside them: the KSKs sign the DNSKEY RRset only.
        let mut ksks = keys(595, KeyRole::Ksk);
        ksks.push(zone_key(KeyRole::Zsk, 256, 13));
        assert!(check_rrsig_data_size(&origin, &ksks, &short, true).is_ok());
        // A name of 255 octets: 184 fit, as before; an insecure delegation
        // of 255 octets has nothing signed at its name under NSEC3 (it was
        // counted: the sixty-seventh audit), its NSEC under NSEC.
        let label = "a".repeat(63);
        let long = format!("{label}.{label}.{label}.{}", "b".repeat(53));
        let soa = "$TTL 300\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n";
        let with_a = zone(&format!("{soa}{long} A 192.0.2.2\n"));
        assert!(data(184, &with_a, true).is_ok());
        let e = data(185, &with_a, true).unwrap_err().to_string();
        assert!(
            e.contains("185 keys sign the zone's data (at its longest owner, of 255 octets)"),
            "{e}"
        );
        let insecure = zone(&format!("{soa}{long} NS ns.other.\n"));
        assert!(data(458, &insecure, true).is_ok());
        assert!(data(185, &insecure, false).is_err());
        // The keys the signer takes (the sixty-eighth audit): a revoked ZSK
        // signs the DNSKEY RRset (RFC 5011 §2.1) and no data.
        let mut keys_ = keys(300, KeyRole::Ksk);
        keys_.extend((0..300).map(|_| zone_key(KeyRole::Zsk, 384, 13)));
        let e = check_rrsig_rrset_size(&origin, &keys_).unwrap_err().to_string();
        assert!(e.contains("600 keys sign the DNSKEY RRset"), "{e}");
        let mut keys_ = vec![zone_key(KeyRole::Ksk, 257, 13), zone_key(KeyRole::Zsk, 256, 13)];
        keys_.extend((0..300).map(|_| zone_key(KeyRole::Zsk, 384, 13)));
        assert!(check_rrsig_data_size(&origin, &keys_, &with_a, true).is_ok());
        // RSA: the modulus (RFC 3110 §2), after a one-octet exponent length.
        let rsa = [&[1, 0, 3, 8, 3, 1, 0, 1][..], &[0xc3; 256]].concat();
        assert_eq!(signature_octets(8, &rsa), 256);
    }

    /// RFC 4035 §2.2 with RFC 5011 §2.1: a key published without signing
    /// needs a signing key of its algorithm that is not revoked (a revoked
    /// one signs the DNSKEY RRset only). The end of an algorithm rollover
    /// with the old KSK revoked and the old ZSK still published passed, and
    /// the run failed only at its final verification, exit 1, no key named
    /// (the fifty-seventh audit, 2026-12-07).
    #[test]
    fn rfc4035_section_2_2_a_published_key_needs_an_unrevoked_signer_of_its_algorithm() {
        let revoked_ksk = zone_key(KeyRole::Ksk, 257 | FLAG_REVOKE, 8);
        let new = [zone_key(KeyRole::Ksk, 257, 13), zone_key(KeyRole::Zsk, 256, 13)];
        let old_zsk = zone_key(KeyRole::Zsk, 256, 8);
        // `key` published without signing.
        let published = |key: &ZoneKey| PublishOnlyKey {
            source: key.source.clone(),
            key_tag: key.key_tag,
            algorithm: key.algorithm,
            dnskey: key.dnskey.clone(),
        };
        let publish = [published(&old_zsk)];
        let signing: Vec<ZoneKey> = new.iter().cloned().chain([revoked_ksk]).collect();
        let err = check_publish_only(&publish, &signing).unwrap_err().to_string();
        assert!(err.contains("no signing key that is not revoked has its algorithm"), "{err}");
        let signing: Vec<ZoneKey> = new.iter().cloned().chain([old_zsk]).collect();
        check_publish_only(&publish[..0], &signing).unwrap();
        // A lone KSK beside a published ZSK of its algorithm: the notice
        // says that kzonecheck rejects the zone.
        let notes = lone_ksk_notes(&[zone_key(KeyRole::Csk, 257, 13)], &publish[..0]);
        assert!(!notes[0].contains("kzonecheck"), "{notes:?}");
        let waiting = [published(&zone_key(KeyRole::Zsk, 256, 13))];
        let notes = lone_ksk_notes(&[zone_key(KeyRole::Csk, 257, 13)], &waiting);
        assert!(notes[0].contains("kzonecheck rejects it"), "{notes:?}");
    }

    /// The .de failure one step on (found by an audit, 2026-12-06): a pool
    /// key proven against its own `.key` file, sharing the tag of a DNSKEY
    /// the input (published) zone carries but not its key material, was
    /// swapped in without a word; resolvers with the old DNSKEY RRset
    /// cached would find the new signatures bogus.
    #[test]
    fn regression_new_key_sharing_an_input_dnskeys_tag_is_refused() {
        use crate::load::{load_bytes, LoadOptions};
        let origin = Name::parse(b"example.", &Name::root()).unwrap();
        let mut key = zone_key(KeyRole::Zsk, 256, 13);
        let mut dnskey = key.dnskey.to_vec();
        dnskey[7] = 1;
        key.key_tag = super::super::keys::key_tag(&dnskey);
        key.dnskey = dnskey.clone().into();
        // Other key material, the same tag: the octet moved between two
        // odd offsets.
        let mut other = dnskey;
        (other[5], other[7]) = (1, 0);
        assert_eq!(super::super::keys::key_tag(&other), key.key_tag);
        let zone = |dnskey: &[u8]| {
            let text = format!(
                "$TTL 3600\n@ SOA ns.other. h.other. 1 2 3 4 5\n@ NS ns.other.\n@ DNSKEY 256 3 13 {}\n",
                data_encoding::BASE64.encode(&dnskey[4..])
            );
            let opts = LoadOptions::new(origin.clone());
            let loaded = load_bytes(text.as_bytes(), Path::new("t.zone"), &opts).unwrap();
            crate::zone::Zone::build(loaded, &origin).unwrap()
        };
        let err = check_input_dnskeys(&zone(&other), std::slice::from_ref(&key), &[]).unwrap_err();
        assert!(matches!(err, KeyError::TagCollision { .. }), "{err}");
        assert!(err.to_string().contains("the input zone's DNSKEY RRset (line 4)"), "{err}");
        // The same key published before is no collision.
        check_input_dnskeys(&zone(&key.dnskey), &[key], &[]).unwrap();
    }

    /// A key directory's files are the zone's under any spelling of its
    /// name that reads as it: BIND's `%5B`, ldns's `[`, and the `\091`
    /// zonesign writes names with now (the eighteenth audit, 2026-12-06:
    /// ldns's `Ka[b.example.+…` were not found, and the run said "give
    /// --key-dir" to a run that gave it).
    #[test]
    fn key_files_in_reads_every_spelling_of_the_owner() {
        let dir = tempfile::tempdir().unwrap();
        let origin = Name::parse(b"a\\[b.example.", &Name::root()).unwrap();
        let names = [
            "Ka%5Bb.example.+013+00001.key",
            "Ka[b.example.+013+00002.key",
            "Ka\\091b.example.+013+00003.key",
            "KA[B.EXAMPLE.+013+00004.key",
            "Kab.example.+013+00005.key",
            "Ka[b.example.+013+00006.private",
        ];
        for n in names {
            let key = format!("a\\[b.example. IN DNSKEY 256 3 13 {}\n", "A".repeat(88));
            std::fs::write(dir.path().join(n), key).unwrap();
        }
        // ldns's name for the zone `a%5Bb.example.`, and a file named as
        // this zone's that holds another's: not this zone's keys.
        let other = "a%5Bb.example. IN DNSKEY 256 3 13 AAAA\n";
        std::fs::write(dir.path().join("Ka[B.example.+013+00007.key"), other).unwrap();
        // A lower-case `k`, which BIND's search passes over (the
        // fifty-fifth audit, 2026-12-07: it was taken).
        let key = format!("a\\[b.example. IN DNSKEY 256 3 13 {}\n", "A".repeat(88));
        std::fs::write(dir.path().join("ka%5Bb.example.+013+00010.key"), key).unwrap();
        let mut found: Vec<String> = key_files_in(dir.path(), &origin)
            .unwrap()
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        found.sort_by_key(|n| n[n.len() - 9..].to_string());
        assert_eq!(found, &names[..4]);
        // ldns's name for the zone `a%41b.example.` is its presentation
        // form, `%` and all: found (the twentieth audit), as BIND's
        // `Ka%2541b.example.+…` is.
        let dir = tempfile::tempdir().unwrap();
        let origin = Name::parse(b"a%41b.example.", &Name::root()).unwrap();
        let key = format!("a%41b.example. IN DNSKEY 256 3 13 {}\n", "A".repeat(88));
        for n in ["Ka%41b.example.+013+00008.key", "Ka%2541b.example.+013+00009.key"] {
            std::fs::write(dir.path().join(n), &key).unwrap();
        }
        assert_eq!(key_files_in(dir.path(), &origin).unwrap().len(), 2);
    }

    /// The fifty-fifth audit (2026-12-07): one key in two files of the key
    /// directory (its name spelled two ways) whose timing disagrees signed
    /// or not by the order of the paths, with a warning naming a
    /// `--publish` never given. Refused, naming both; the same timing twice
    /// is one key, as before.
    #[test]
    fn regression_one_key_twice_in_the_key_directory_with_other_timing_is_refused() {
        use crate::sign::keys::{generate, write_bind_files, Algorithm, FLAGS_ZSK};
        let dir = tempfile::tempdir().unwrap();
        let origin = Name::parse(b"example.", &Name::root()).unwrap();
        let key = generate(Algorithm::EcdsaP256Sha256, &origin, FLAGS_ZSK, None).unwrap();
        let (key_path, private_path) = write_bind_files(&key, dir.path()).unwrap();
        let twin = dir.path().join(format!("Kexample.+13+{}.key", key.key_tag()));
        std::fs::copy(&key_path, &twin).unwrap();
        let mut text = std::fs::read_to_string(&private_path).unwrap();
        text.push_str("Inactive: 20200101000000\n");
        std::fs::write(twin.with_extension("private"), text).unwrap();
        let now = crate::sign::validity::now();
        let err = choose_by_timing(&[key_path.clone(), twin.clone()], now).unwrap_err();
        let err = err.to_string();
        assert!(err.contains("holds this key twice") && err.contains("is published only"), "{err}");
        // Other CDS timing alone is refused too (the fifty-seventh audit:
        // the CDS set followed one of the files).
        let mut text = std::fs::read_to_string(&private_path).unwrap();
        text.push_str("SyncPublish: 20300101000000\n");
        std::fs::write(twin.with_extension("private"), text).unwrap();
        let err = choose_by_timing(&[key_path.clone(), twin.clone()], now).unwrap_err();
        assert!(err.to_string().contains("other SyncPublish or SyncDelete times"), "{err}");
        std::fs::copy(&private_path, twin.with_extension("private")).unwrap();
        let choice = choose_by_timing(&[key_path, twin], now).unwrap();
        assert_eq!(choice.signing.len(), 2);
    }

    /// RFC 6840 §5.11: validators "MUST NOT insist that all algorithms
    /// signaled in the DNSKEY RRset work". An input that P-256 and Ed448
    /// both sign, re-signed with the P-256 key alone, drops the Ed448 key
    /// safely: every cached answer carries a P-256 signature of a key that
    /// stays. It was warned about, with `--publish` (which refuses Ed448)
    /// as the remedy (the seventeenth audit, 2026-12-06). A key dropped
    /// with no kept signer beside it, on any RRset, is still named.
    #[test]
    fn rfc6840_section_5_11_a_dropped_signer_beside_a_kept_one_of_another_algorithm() {
        use crate::load::{load_bytes, LoadOptions};
        let origin = Name::parse(b"example.", &Name::root()).unwrap();
        let p256 = zone_key(KeyRole::Zsk, 256, 13);
        let ed448: Vec<u8> = [&[1u8, 0, 3, 16][..], &[7u8; 57][..]].concat();
        let ed448_tag = super::super::keys::key_tag(&ed448);
        let zone = |signers: &[(u8, u16)], (other, other_signers): (&str, &[(u8, u16)])| {
            let mut text = format!(
                "$TTL 3600\n@ SOA ns.other. h.other. 1 2 3 4 5\n@ NS ns.other.\n\
                 @ DNSKEY 256 3 13 {}\n@ DNSKEY 256 3 16 {}\n",
                data_encoding::BASE64.encode(&p256.dnskey[4..]),
                data_encoding::BASE64.encode(&ed448[4..]),
            );
            for (alg, tag) in signers {
                text.push_str(&format!(
                    "@ RRSIG SOA {alg} 1 3600 20270101000000 20261201000000 {tag} example. AAAA\n"
                ));
            }
            for (alg, tag) in other_signers {
                text.push_str(&format!(
                    "@ RRSIG {other} {alg} 1 3600 20270101000000 20261201000000 {tag} example. AAAA\n"
                ));
            }
            let opts = LoadOptions::new(origin.clone());
            let loaded = load_bytes(text.as_bytes(), Path::new("t.zone"), &opts).unwrap();
            crate::zone::Zone::build(loaded, &origin).unwrap()
        };
        let kept: [&[u8]; 1] = [&p256.dnskey];
        let both = [(13, p256.key_tag), (16, ed448_tag)];
        assert_eq!(input_signers_dropped(&zone(&both, ("NS", &both)), &kept), Vec::<u16>::new());
        let ed448_only = [(16, ed448_tag)];
        assert_eq!(input_signers_dropped(&zone(&ed448_only, ("NS", &[])), &kept), vec![ed448_tag]);
        // The eighteenth audit: the kept key signed the SOA, but the NS
        // RRset only the dropped one (an algorithm rollover under way).
        let zone_of = zone;
        let zone = zone_of(&both, ("NS", &ed448_only));
        assert_eq!(input_signers_dropped(&zone, &kept), vec![ed448_tag]);
        // The nineteenth: the kept key alone signed the SOA, the dropped one
        // the rest (a ZSK rollover half done by BIND's gradual re-signing):
        // named as a signer, not as a key "published without signing".
        let zone = zone_of(&[(13, p256.key_tag)], ("NS", &ed448_only));
        assert_eq!(input_signers_dropped(&zone, &kept), vec![ed448_tag]);
        assert_eq!(input_prepublished_dropped(&zone, &kept), Vec::<u16>::new());
        // The twentieth: the apex CDS, which the KSKs sign for the parent,
        // is no data the caches hold (the end of a KSK rollover, `--cds`).
        for kind in ["CDS", "CDNSKEY", "DNSKEY"] {
            let zone = zone_of(&both, (kind, &ed448_only));
            assert_eq!(input_signers_dropped(&zone, &kept), Vec::<u16>::new(), "{kind}");
        }
    }

    /// RFC 5011 §2.1: a revoked key signs only the DNSKEY RRset. A revoked
    /// ZSK with no other ZSK of its algorithm is refused (the KSK would
    /// sign the data, which BIND and Knot reject beside a revoked ZSK); with
    /// another ZSK, or as a revoked KSK, it signs the DNSKEY RRset only.
    #[test]
    fn rfc5011_section_2_1_a_revoked_key_signs_the_dnskey_rrset_only_and_some_key_has_sep() {
        let ksk = zone_key(KeyRole::Ksk, 257, 13);
        let revoked_zsk = zone_key(KeyRole::Zsk, 256 | FLAG_REVOKE, 13);
        let zsk = zone_key(KeyRole::Zsk, 256, 13);
        let revoked_ksk = zone_key(KeyRole::Ksk, 257 | FLAG_REVOKE, 13);
        let err = check_roles(&[ksk.clone(), revoked_zsk.clone()]).unwrap_err();
        assert!(matches!(err, KeyError::RevokedZsk { .. }), "{err}");
        // A revoked KSK is no SEP key to sign the DNSKEY RRset with, and
        // the error says it is revoked (it said "no SEP flag" until the
        // fifth audit, 2026-12-06).
        let err = check_roles(&[zsk.clone(), revoked_ksk.clone()]).unwrap_err();
        assert!(matches!(err, KeyError::OnlyRevokedKsks { .. }), "{err}");
        let err = check_roles(std::slice::from_ref(&zsk)).unwrap_err();
        assert!(matches!(err, KeyError::NoSepKey { .. }), "{err}");
        let keys = [ksk, revoked_zsk, zsk, revoked_ksk];
        check_roles(&keys).unwrap();
        assert!(keys[1].is_revoked() && keys[3].is_revoked() && !keys[2].is_revoked());
        let signers = super::super::dnskey_signers(&keys);
        assert_eq!(signers, [0, 1, 3]);
        let (_, data) = super::super::key_roles(&keys).unwrap();
        assert_eq!(data, [2]);
    }

    /// RFC 4035 §2.2: every algorithm of the DNSKEY RRset signs every
    /// RRset. An algorithm with only a ZSK left the DNSKEY RRset without its
    /// signature, refused only when the written zone failed verification
    /// (an audit, 2026-12-06); an algorithm with only a KSK signs with it
    /// as a CSK, as `dnssec-signzone` does.
    #[test]
    fn rfc4035_section_2_2_each_algorithm_signs_the_dnskey_rrset_and_the_data() {
        let mut keys = vec![
            zone_key(KeyRole::Ksk, 257, 13),
            zone_key(KeyRole::Zsk, 256, 13),
            zone_key(KeyRole::Zsk, 256, 15),
        ];
        settle_roles(&mut keys);
        let err = check_roles(&keys).unwrap_err();
        assert!(matches!(err, KeyError::NoKskForAlgorithm { algorithm: 15, .. }), "{err}");
        let mut keys = vec![
            zone_key(KeyRole::Ksk, 257, 13),
            zone_key(KeyRole::Zsk, 256, 13),
            zone_key(KeyRole::Ksk, 257, 15),
        ];
        settle_roles(&mut keys);
        check_roles(&keys).unwrap();
        let roles: Vec<KeyRole> = keys.iter().map(|k| k.role).collect();
        assert_eq!(roles, [KeyRole::Ksk, KeyRole::Zsk, KeyRole::Csk]);
    }

    /// RFC 4034 §2.1.1: a signing key without the Zone Key bit, or with a
    /// reserved bit set, signed (an audit, 2026-12-06); validators refuse
    /// the zone.
    #[test]
    fn rfc4034_section_2_1_1_signing_keys_need_the_zone_bit_and_no_reserved_bits() {
        for flags in [1, 0, 0x8001, 0x4101, 0x8101] {
            let keys = [zone_key(KeyRole::Ksk, 257, 13), zone_key(KeyRole::Zsk, flags, 13)];
            let err = check_roles(&keys).unwrap_err();
            assert!(matches!(err, KeyError::BadFlags { .. }), "{flags}: {err}");
        }
        assert_eq!(check_flags(257 | FLAG_REVOKE), Ok(()));
    }

    /// BIND's smart signing (`dnssec-signzone -S`): a key directory's keys
    /// follow their timing. Retired and future keys all signed (an audit,
    /// 2026-12-06).
    #[test]
    fn bind_key_timing_decides_what_a_key_directory_key_does() {
        use super::super::keys::{KeyState, KeyTiming};
        let now = 1_000_000;
        let t = |publish, activate, inactive, delete, revoke| KeyTiming {
            smart: true,
            publish,
            activate,
            inactive,
            delete,
            revoke,
            sync_publish: None,
            sync_delete: None,
        };
        let (past, future) = (Some(now - 10), Some(now + 10));
        assert_eq!(t(past, past, None, None, None).state(now), KeyState::Active);
        assert_eq!(t(past, past, future, future, future).state(now), KeyState::Active);
        assert!(matches!(
            t(past, past, past, None, None).state(now),
            KeyState::PublishedOnly { field: "Inactive", .. }
        ));
        assert!(matches!(
            t(past, future, None, None, None).state(now),
            KeyState::PublishedOnly { field: "Activate", .. }
        ));
        assert!(matches!(
            t(future, future, None, None, None).state(now),
            KeyState::Absent { field: "Publish", .. }
        ));
        assert!(matches!(
            t(past, past, past, past, None).state(now),
            KeyState::Absent { field: "Delete", .. }
        ));
        assert!(matches!(t(past, past, None, None, past).state(now), KeyState::RevokeDue { .. }));
        // Without a Publish time a key is published while it signs, as
        // BIND 9.18 has it: past its Inactive time it is left out (it was
        // published: the fifty-sixth audit, 2026-12-07, over 650 random key
        // directories against `dnssec-signzone -S`).
        assert!(matches!(
            t(None, past, past, None, None).state(now),
            KeyState::Absent { field: "Inactive", .. }
        ));
        assert_eq!(t(None, past, future, None, None).state(now), KeyState::Active);
        // BIND honours the revocation of a published key only: a revoked
        // key without Publish past its Inactive time is left out too (it
        // was published and signed: the fifty-seventh audit).
        assert!(matches!(
            t(None, past, past, None, past).state(now),
            KeyState::Absent { field: "Inactive", .. }
        ));
        // An old format (no timing): published and active.
        assert_eq!(KeyTiming::default().state(now), KeyState::Active);
        let old = KeyTiming { smart: false, ..t(future, future, None, None, None) };
        assert_eq!(old.state(now), KeyState::Active);
        // v1.3 with neither Publish nor Activate (`dnssec-keygen -G`, only
        // `Created:`): neither published nor used, as BIND's `get_hints`
        // (the ninth audit, 2026-12-06).
        assert_eq!(
            t(None, None, None, None, None).state(now),
            KeyState::Absent { field: "Publish", at: 0 }
        );
        assert_eq!(
            t(None, None, future, future, None).state(now),
            KeyState::Absent { field: "Publish", at: 0 }
        );
    }
}
