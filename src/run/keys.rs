//! The key phase of `sign`: which keys sign and which are published only
//! (the key directory's timing, `--key`, `--publish`, the HSM pool), each
//! proven before it signs, and what the key files' timing asks of the
//! DNSKEY, CDS and CDNSKEY records.

use super::*;

/// Whether the directory `dir` holds a `.pem` file (a Knot key store).
fn holds_pem_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.filter_map(Result::ok).any(|e| {
            Path::new(&e.file_name()).extension().is_some_and(|x| x.eq_ignore_ascii_case("pem"))
        })
    })
}

/// The key directory's keys, by their timing, as `dnssec-signzone -S -K`
/// takes them, with a note in the report for each key left out or
/// published only.
#[derive(Default)]
struct KeyDirChoice {
    /// The `.key` files that sign.
    signing: Vec<PathBuf>,
    /// The same, by file stem (see `publish_wins`).
    signing_stems: Vec<String>,
    /// The `.key` files published only.
    publishing: Vec<PathBuf>,
    /// The same, by file stem.
    publishing_stems: Vec<String>,
    /// The KSKs its timing keeps from signing, with why: named if no key
    /// that signs is a KSK.
    idle_ksks: Vec<(u8, String)>,
    /// The DNSKEYs its timing leaves out (past Delete, say): dropped on
    /// purpose, so no rollover warning for them.
    retired: Vec<Box<[u8]>>,
    /// The keys its timing publishes only or leaves out: their DNSKEY,
    /// their note in the report, and whether the pool signing with it is
    /// worth a warning (not for a `.key` alone, the usual layout of HSM
    /// keys) (see `pool_wins_timing`).
    timing_notes: Vec<(Box<[u8]>, usize, bool)>,
    warnings: Vec<String>,
}

fn keys_by_timing(
    dir_path: &Path,
    cfg: &SignConfig,
    origin: &Name,
    now: i64,
    report: &mut SignReport,
) -> Result<KeyDirChoice, Failure> {
    use crate::sign::keyset;

    let mut dir = KeyDirChoice::default();
    // Keys named by --key, as the `.key` files they are: the key
    // directory's files are matched by file, not by stem, which files of two
    // directories share (the fifteenth audit, 2026-12-06: a key of one
    // directory went missing, taken for the other's named by --key).
    let explicit_files: Vec<PathBuf> =
        cfg.keys.iter().filter_map(|p| key_file_identity(p)).collect();
    let (found, key_records) =
        keyset::key_and_key_record_files_in(dir_path, origin).map_err(Failure::Key)?;
    for p in key_records {
        report.key_timing.push(format!(
            "{}: not published: a KEY record (a SIG(0) key, RFC 2931), no zone key (as \
             `dnssec-signzone -S` leaves it)",
            p.display()
        ));
    }
    let with_state = keyset::state_files_in(dir_path, origin);
    if !with_state.is_empty() {
        dir.warnings.push(format!(
            "{}: BIND key-state files (.state, from dnssec-policy or dnssec-settime -s) \
             beside {} key(s) ({}): zonesign follows the timing of the .private files, not \
             the key states, which `dnssec-signzone -S` reads first; where they differ \
             (a DS or DNSKEY state moved by dnssec-policy) the two publish other DNSKEY or \
             CDS records",
            dir_path.display(),
            with_state.len(),
            with_state
                .iter()
                .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for p in keyset::private_only_in(dir_path, origin) {
        dir.warnings.push(format!(
            "{}: a private key file with no .key file beside it: left out, as \
             `dnssec-signzone -S` leaves it (restore its .key file, or move it away)",
            p.display()
        ));
    }
    // The key directory's keys by their timing, as `dnssec-signzone
    // -S -K` takes them (an audit found retired and future keys all
    // signing, 2026-12-06).
    // Keys are the `.key` files with a `.private` beside them, as
    // `dnssec-signzone -S -K` finds them: a public half alone (a key
    // whose private half is in an HSM, a file left over) stopped every
    // run (the fourteenth audit, 2026-12-06). It is left out, saying so.
    let (found, public_only): (Vec<PathBuf>, Vec<PathBuf>) =
        found.into_iter().partition(|p| p.with_extension("private").exists());
    let dnskey_of =
        |p: &Path| crate::sign::keys::parse_key_file(p).ok().map(|kf| kf.dnskey_rdata.into());
    for p in public_only {
        // The usual layout of HSM keys: the pool may sign with it (see
        // `pool_wins_timing`).
        if let Some(dnskey) = dnskey_of(&p) {
            dir.timing_notes.push((dnskey, report.key_timing.len(), false));
        }
        report.key_timing.push(format!(
            "{}: not published: no .private file beside it (as `dnssec-signzone -S`; a key whose private half is in HSMs signs through --hsm-config)",
            p.display()
        ));
    }
    let choice = keyset::choose_by_timing(&found, now).map_err(Failure::Key)?;
    dir.signing_stems.extend(choice.signing.iter().filter_map(|p| key_stem(p)));
    dir.signing.extend(choice.signing);
    // A key named by --key as well signs whatever the directory's
    // timing says, as keys named on `dnssec-signzone`'s command line:
    // it was refused as "given to --publish" when its timing made it
    // published only, and reported "not published" while it signed
    // when its Publish time was to come (the twelfth audit, 2026-12-06).
    let named = |p: &Path| key_file_identity(p).is_some_and(|f| explicit_files.contains(&f));
    for (p, why) in choice.publish_only.iter().chain(&choice.left_out) {
        if named(p) {
            report.key_timing.push(format!(
                "{}: signs, named by --key, whatever its timing ({why})",
                p.display()
            ));
        }
    }
    // A KSK (SEP flag, not revoked) the timing keeps from signing.
    for (p, why) in choice.publish_only.iter().chain(&choice.left_out) {
        let ksk: Option<Box<[u8]>> = dnskey_of(p).filter(|d| unrevoked_ksk(d));
        if let Some(dnskey) = ksk.filter(|_| !named(p)) {
            let algorithm = dnskey.get(3).copied().unwrap_or(0);
            dir.idle_ksks.push((algorithm, format!("{}: {why}", p.display())));
        }
    }
    for (p, why) in choice.publish_only.into_iter().filter(|(p, _)| !named(p)) {
        if let Some(dnskey) = dnskey_of(&p) {
            dir.timing_notes.push((dnskey, report.key_timing.len(), true));
        }
        report.key_timing.push(format!("{}: published only, signs nothing: {why}", p.display()));
        dir.publishing_stems.extend(key_stem(&p));
        dir.publishing.push(p);
    }
    for (p, why) in choice.left_out.into_iter().filter(|(p, _)| !named(p)) {
        if let Some(dnskey) = dnskey_of(&p) {
            dir.timing_notes.push((Box::clone(&dnskey), report.key_timing.len(), true));
            dir.retired.push(dnskey);
        }
        report.key_timing.push(format!("{}: not published: {why}", p.display()));
    }
    Ok(dir)
}

/// What the key phase settles: the keys that sign (software keys and the
/// HSM pool's, each proven against its DNSKEY), the keys published only, and
/// what the key files' timing asks of the DNSKEY RRset and the CDS records.
pub(super) struct ChosenKeys {
    pub(super) keys: Vec<crate::sign::ZoneKey>,
    pub(super) hsm_pool: Option<Arc<crate::sign::pkcs11::Pool>>,
    pub(super) publish_only: Vec<crate::sign::keyset::PublishOnlyKey>,
    /// The shortest TTL the key files carry (see below).
    pub(super) key_file_ttl: Option<u32>,
    /// The signing KSKs' CDS timing: the file said of, DNSKEY, state.
    pub(super) sync_states: Vec<(String, Box<[u8]>, crate::sign::keys::SyncState)>,
    /// Signing KSKs whose CDS timing withholds their CDS and CDNSKEY.
    pub(super) cds_withheld: Vec<Box<[u8]>>,
    /// Keys published only that get a CDS and CDNSKEY by their timing.
    pub(super) cds_published: Vec<Box<[u8]>>,
    /// DNSKEYs the key directory's timing leaves out on purpose.
    pub(super) retired: Vec<Box<[u8]>>,
}

/// The key phase, before any work on the zone: the key directory's keys by
/// their timing, `--key`, `--publish` and the HSM pool, each key proven, and
/// the key set checked as a whole. A key problem stops the run here.
pub(super) fn choose_keys(
    cfg: &SignConfig,
    origin: &Name,
    now: i64,
    anchors: &[crate::verify::TrustAnchor],
    report: &mut SignReport,
) -> Result<ChosenKeys, Failure> {
    use crate::sign::keyset;

    let mut paths = cfg.keys.clone();
    // `--publish` takes the `.key` file; its `.private` names it too, as
    // for `--key` (the sixteenth audit: read as a key file, "found v1.3").
    let publish_named: Vec<PathBuf> =
        cfg.publish.iter().map(|p| crate::sign::keys::published_key_path(p)).collect();
    let mut publish_paths = publish_named.clone();
    // The key directory's signing KSKs with CDS timing, and those `--cds`
    // leaves out by it.
    let mut sync_states: Vec<(String, Box<[u8]>, crate::sign::keys::SyncState)> = Vec::new();
    let mut cds_withheld: Vec<Box<[u8]>> = Vec::new();
    // Keys named by --key, by file stem: they sign whatever their timing.
    let explicit: Vec<String> = cfg.keys.iter().filter_map(|p| key_stem(p)).collect();
    let dir = match &cfg.key_dir {
        Some(dir) => keys_by_timing(dir, cfg, origin, now, report)?,
        None => KeyDirChoice::default(),
    };
    paths.extend(dir.signing);
    publish_paths.extend(dir.publishing);
    let KeyDirChoice {
        signing_stems: dir_signing,
        publishing_stems: dir_publishing,
        idle_ksks,
        retired,
        timing_notes,
        mut warnings,
        ..
    } = dir;
    paths.sort();
    paths.dedup();
    // The CDS timing of the signing KSKs (`dnssec-settime -P sync`, `-D
    // sync`), which `dnssec-signzone -S` follows, for the key directory's
    // and for keys named by `--key` alike: `--cds` offered the parent a KSK
    // past its SyncDelete, and so kept its DS there (the thirty-eighth and
    // fortieth audits, 2026-12-07). Not a revoked KSK, which gets no CDS.
    // A key file's DNSKEY and its CDS timing now, for a key of which
    // `is_ksk` holds and whose timing was not said yet: one key named twice
    // (by the key directory, and by `--key` with another spelling of its
    // path) with the same timing is said once (left by the forty-fifth
    // session's note: listed twice in the notices). Two files of one key
    // whose timing differs are both kept, and the stricter holds: a
    // SyncDelete in either withdraws (the forty-third audit: skipping the
    // second file by the paths' order dropped its SyncDelete).
    type SyncStates = Vec<(String, Box<[u8]>, crate::sign::keys::SyncState)>;
    let new_sync_state = |sync_states: &SyncStates, path: &Path, is_ksk: &dyn Fn(&[u8]) -> bool| {
        let (timing, _, dnskey) = crate::sign::keys::read_key_timing(path).ok()?;
        let dnskey: Box<[u8]> = dnskey.into();
        let state = timing.sync_state(now)?;
        let said = sync_states.iter().any(|(_, d, s)| *d == dnskey && *s == state);
        (is_ksk(&dnskey) && !said).then_some((dnskey, state))
    };
    for p in &paths {
        // With --csk every key signs the DNSKEY RRset and gets CDS: its
        // timing holds whatever its flags (a key of flags 256 kept its CDS
        // past its SyncDelete: the forty-second audit, 2026-12-07).
        let ksk = |d: &[u8]| unrevoked_ksk(d) || (cfg.csk && !revoked(d));
        let Some((dnskey, state)) = new_sync_state(&sync_states, p, &ksk) else {
            continue;
        };
        use crate::sign::keys::SyncState;
        let when = crate::sign::validity::format_yyyymmddhhmmss;
        let withheld = match state {
            SyncState::Withdrawn { at } => Some(format!("SyncDelete {} has passed", when(at))),
            SyncState::NotYet { at } => Some(format!("SyncPublish {} is to come", when(at))),
            SyncState::Publish { .. } => None,
        };
        if let (true, Some(why)) = (cfg.cds, &withheld) {
            report
                .key_timing
                .push(format!("{}: signs, but no CDS or CDNSKEY for it: {why}", p.display()));
            cds_withheld.push(dnskey.clone());
        }
        sync_states.push((p.display().to_string(), dnskey, state));
    }
    // A KSK published only whose SyncPublish has passed (and SyncDelete
    // not) gets a CDS and CDNSKEY too: `dnssec-signzone -S` gives them to
    // any key of its key list, signing or not (BIND's `syncpublish()` asks
    // nothing of the key's activity), so that in a double-DS rollover the
    // parent holds the next KSK's DS before that key signs. zonesign gave
    // them to signing KSKs only (left by the forty-fourth session's note).
    let mut cds_published: Vec<Box<[u8]>> = Vec::new();
    for p in &publish_paths {
        let Some((dnskey, state)) = new_sync_state(&sync_states, p, &|d| unrevoked_ksk(d)) else {
            continue;
        };
        if let (true, crate::sign::keys::SyncState::Publish { at }) = (cfg.cds, state) {
            report.key_timing.push(format!(
                "{}: published only, with a CDS and CDNSKEY: SyncPublish {} has passed",
                p.display(),
                crate::sign::validity::format_yyyymmddhhmmss(at)
            ));
            cds_published.push(dnskey.clone());
        }
        sync_states.push((p.display().to_string(), dnskey, state));
    }
    // Two files of one key whose CDS timing differs (a copy made before a
    // `dnssec-settime`): the stricter holds, and that is said.
    cds_published.retain(|d| {
        sync_states
            .iter()
            .all(|(_, k, s)| k != d || matches!(s, crate::sign::keys::SyncState::Publish { .. }))
    });
    for (i, (first, dnskey, state)) in sync_states.iter().enumerate() {
        let other = sync_states[..i].iter().find(|(_, d, s)| d == dnskey && s != state);
        if let Some((earlier, _, _)) = other {
            warnings.push(format!(
                "{earlier} and {first} are files of one key whose CDS timing (SyncPublish, \
                 SyncDelete) differs: a CDS and CDNSKEY for it are made only while both allow them"
            ));
        }
    }
    // The keys, the pool and the keys published only; then the key
    // directory's notices, amended where the pool signs with a key the
    // directory would not (`pool_wins_timing`: they said "not published"
    // of keys the pool signed with and published, the sixteenth audit,
    // 2026-12-06), also when this fails; then the warnings.
    let mut pool_key_ttls: Vec<(Box<[u8]>, u32)> = Vec::new();
    let keyed = (|| {
        if paths.is_empty() && cfg.hsm_config.is_none() {
            // Given a key directory, say which names were looked for in it:
            // "give --key-dir" was said to a run that gave it (the
            // eighteenth audit, 2026-12-06).
            // And one whose key files none signs (their timing, a `.key`
            // without its `.private`) is not called empty (the
            // nineteenth audit): the notices above say why each is out.
            let files_there = cfg.key_dir.as_ref().is_some_and(|dir| {
                keyset::key_files_in(dir, origin).is_ok_and(|files| !files.is_empty())
            });
            return Err(Failure::Usage(match &cfg.key_dir {
                Some(dir) if files_there => format!(
                    "no keys: no key file of {} signs now (see the notices: by its timing each is left out or published only, or it has no .private file); give --key FILE to sign with a key whatever its timing",
                    dir.display()
                ),
                Some(dir) => format!(
                    "no keys: {} holds no key file of the zone (K{}+<alg>+<tag>.key, as dnssec-keygen names them){}; give --key FILE for keys named otherwise",
                    dir.display(),
                    crate::sign::keys::file_name_owner(origin),
                    // Knot's `keymgr` keeps PEM files: said, as the
                    // message named only BIND's names to an operator
                    // moving from Knot (the fifty-ninth audit).
                    if holds_pem_files(dir) {
                        "; its .pem files, as Knot's keymgr keeps keys, are not read: make the key pairs BIND's way (dnssec-keygen, or zonesign keygen) or sign through an HSM"
                    } else {
                        ""
                    }
                ),
                None => "no keys: give --key-dir DIR with the zone's K<zone>+<alg>+<tag>.key files, --key FILE, or --hsm-config FILE".into(),
            }));
        }
        let policy = if cfg.csk { keyset::RolePolicy::AllCsk } else { keyset::RolePolicy::ByFlags };
        let mut keys = if paths.is_empty() {
            Vec::new()
        } else {
            keyset::load_software_keys(&paths, origin, cfg.class, policy).map_err(Failure::Key)?
        };
        // HSM keys: proven in every HSM, then collision-checked with the rest.
        let hsm_pool = match &cfg.hsm_config {
            Some(path) => {
                let attached = crate::sign::pkcs11::attach(
                    path,
                    origin,
                    cfg.class,
                    cfg.allow_degraded_pool,
                    cfg.csk,
                    &mut keys,
                    &mut report.hsms,
                )?;
                warnings.extend(attached.warnings);
                pool_key_ttls = attached.key_file_ttls;
                Some(attached.pool)
            }
            None => None,
        };
        if keys.is_empty() {
            return Err(Failure::Usage(format!("no keys for {origin}")));
        }
        let mut publish_only = keyset::load_publish_only_keys(&publish_paths, origin, cfg.class)
            .map_err(Failure::Key)?;
        let explicit_publish: Vec<Box<[u8]>> = publish_named
            .iter()
            .filter_map(|p| crate::sign::keys::parse_key_file(p).ok())
            .map(|kf| kf.dnskey_rdata.into())
            .collect();
        warnings.extend(pool_wins_timing(
            &keys,
            &mut publish_only,
            &dir_signing,
            &explicit_publish,
            &timing_notes,
            &mut report.key_timing,
        ));
        warnings.extend(publish_wins(&mut keys, &publish_only, &dir_signing, &explicit)?);
        Ok((keys, hsm_pool, publish_only))
    })();
    if !cfg.quiet {
        for note in &report.key_timing {
            crate::diag!("zonesign: notice: key timing: {note}");
        }
    }
    for note in warnings {
        report.warn(note);
    }
    let (mut keys, hsm_pool, mut publish_only) = keyed?;
    // A revoked key's original files in the key directory, as plain
    // `dnssec-revoke` leaves them: the run is right to leave that key out,
    // and every re-sign of the RFC 5011 hold-down warned that it did (the
    // thirty-second audit, 2026-12-07; `dnssec-signzone -S` says nothing).
    // A notice, as for the directory's other keys left out; a warning
    // still where the operator named the key with --key or --publish.
    let stem_in = |twin: &keyset::RevokedTwin, stems: &[String]| {
        key_stem(Path::new(&twin.source)).is_some_and(|s| stems.contains(&s))
    };
    let named_stems: Vec<String> =
        explicit.iter().cloned().chain(publish_named.iter().filter_map(|p| key_stem(p))).collect();
    let twins = keyset::drop_revoked_twins(&mut keys, &publish_only, &retired)
        .into_iter()
        .map(|t| (stem_in(&t, &dir_signing), t))
        .chain(
            keyset::drop_revoked_published(&mut publish_only, &keys, &retired)
                .into_iter()
                .map(|t| (stem_in(&t, &dir_publishing), t)),
        );
    for (in_dir, twin) in twins {
        if in_dir && !stem_in(&twin, &named_stems) {
            let note = format!(
                "{} (its files stay beside the revoked key's, as plain `dnssec-revoke` \
                 leaves them; `dnssec-revoke -r` removes them)",
                twin.note
            );
            if !cfg.quiet {
                crate::diag!("zonesign: notice: key timing: {note}");
            }
            report.key_timing.push(note);
        } else {
            report.warn(twin.note);
        }
    }
    if !cfg.csk && !cfg.quiet {
        for note in keyset::lone_ksk_notes(&keys, &publish_only) {
            crate::diag!("zonesign: notice: {note}");
        }
    }
    keyset::check_publish_only(&publish_only, &keys).map_err(Failure::Key)?;
    keyset::check_dnskey_rrset_size(origin, &publish_only, &keys).map_err(Failure::Key)?;
    keyset::check_rrsig_rrset_size(origin, &keys).map_err(Failure::Key)?;
    keyset::check_dnskey_response_size(origin, &publish_only, &keys).map_err(Failure::Key)?;
    // The key directory's KSKs that its timing keeps from signing are
    // named where no KSK signs, or none of one algorithm: "add a KSK" was
    // said of an algorithm rollover whose old KSK had passed its Inactive
    // time (the seventieth audit).
    let idle = |algorithm: Option<u8>| -> Vec<String> {
        let of = |a: &u8| algorithm.is_none_or(|want| want == *a);
        idle_ksks.iter().filter(|(a, _)| of(a)).map(|(_, why)| why.clone()).collect()
    };
    keyset::check_roles(&keys)
        .map_err(|e| match e {
            KeyError::NoSepKey { keys, .. } => KeyError::NoSepKey { keys, timing: idle(None) },
            KeyError::NoKskForAlgorithm { algorithm, keys, .. } => {
                KeyError::NoKskForAlgorithm { algorithm, keys, timing: idle(Some(algorithm)) }
            }
            other => other,
        })
        .map_err(Failure::Key)?;
    if let Some(path) = &cfg.trust_anchor {
        keyset::check_trust_anchor(&keys, origin, anchors, path).map_err(Failure::Key)?;
    }
    report.publish_only = publish_only
        .iter()
        .map(|p| PublishOnlyReport {
            key_tag: p.key_tag,
            algorithm: p.algorithm,
            source: p.source.clone(),
        })
        .collect();
    // The TTL a BIND key file carries (`dnssec-keygen -L`): "If the key is
    // imported into a zone, this is the TTL that will be used for it,
    // unless there was already a DNSKEY RRset in place"; the shortest
    // where they differ, as `dnssec-signzone -S` takes it. It was ignored
    // for the SOA's TTL, and an operator timing a rollover by the key's
    // TTL moved on while caches held the DNSKEY RRset longer (the
    // forty-fifth audit, 2026-12-07). Not `--publish` files: a DNSKEY
    // copied from `dig` carries a cache's remaining TTL. The `.key` files
    // of the HSM configuration count as the key directory's do (they were
    // left out: the forty-sixth session's list). Only the files of keys
    // that are published: a revoked key's original, left out, set the
    // DNSKEY RRset's TTL, where the README says the keys published do (the
    // seventy-fifth audit, 2026-12-07).
    let published_rdatas = keyset::dnskey_rdatas(&publish_only, &keys);
    let published = |d: &[u8]| published_rdatas.binary_search(&d).is_ok();
    let key_file_ttl = paths
        .iter()
        .chain(publish_paths.iter().filter(|p| !publish_named.contains(p)))
        .filter_map(|p| {
            let file =
                crate::sign::keys::parse_key_file(&crate::sign::keys::pair_paths(p).0).ok()?;
            published(&file.dnskey_rdata).then_some(file.ttl?)
        })
        .chain(pool_key_ttls.iter().filter(|(d, _)| published(d)).map(|&(_, ttl)| ttl))
        // 0 is "no TTL" to BIND (`dnssec-keygen -L 0` writes none), and one
        // over 2^31 - 1 is no TTL (RFC 2181 §8): it went into the RRSIGs'
        // Original TTL, and the written zone failed its verification (the
        // forty-sixth audit, 2026-12-07).
        .filter(|&ttl| ttl > 0 && ttl <= i32::MAX as u32)
        .min();
    // Those still published only once the pool and `--key` had their say (a
    // key the pool signs with is among the signing keys).
    cds_published.retain(|d| publish_only.iter().any(|p| p.dnskey == *d));
    Ok(ChosenKeys {
        keys,
        hsm_pool,
        publish_only,
        key_file_ttl,
        sync_states,
        cds_withheld,
        cds_published,
        retired,
    })
}

/// What the key files and the input ask that the run does not do, said
/// before the zone is signed; and the input's CDS and CDNSKEY, which must
/// name keys the signed zone publishes.
pub(super) fn check_before_signing(
    cfg: &SignConfig,
    zone: &Zone,
    keys: &[crate::sign::ZoneKey],
    opts: &crate::sign::SignOptions,
    sync_states: &[(String, Box<[u8]>, crate::sign::keys::SyncState)],
    retired: &[Box<[u8]>],
    report: &mut SignReport,
) -> Result<(), Failure> {
    use crate::sign::keyset;

    // Without --cds the input's CDS and CDNSKEY stay as they are, whatever
    // the KSKs' CDS timing asks: said, as `dnssec-signzone -S`
    // would change them by itself (the thirty-eighth audit).
    if !cfg.cds {
        use crate::sign::keys::SyncState;
        let when = crate::sign::validity::format_yyyymmddhhmmss;
        let asks: Vec<String> = sync_states
            .iter()
            .filter_map(|(source, dnskey, state)| {
                let named = crate::verify::cds::apex_names_key(zone, dnskey);
                match *state {
                    SyncState::Publish { at } if !named => Some(format!(
                        "{source}: SyncPublish {} has passed, and no input CDS names it",
                        when(at)
                    )),
                    SyncState::Withdrawn { at } if named => Some(format!(
                        "{source}: SyncDelete {} has passed, and the input's CDS name it",
                        when(at)
                    )),
                    _ => None,
                }
            })
            .collect();
        if !asks.is_empty() {
            let warning = format!(
                "the KSKs' CDS timing asks for other CDS and CDNSKEY records ({}): \
                 zonesign makes them with --cds only, and kept the input's (dnssec-signzone -S \
                 makes them by itself)",
                asks.join("; ")
            );
            report.warn(warning);
        }
    }
    // Without --cds the input's CDS and CDNSKEY stay: they must name keys
    // the signed zone publishes.
    if !cfg.cds {
        keyset::check_input_cds(zone, &dnskeys_of(keys, &opts.publish), keys)
            .map_err(Failure::Key)?;
    } else {
        check_timed_cds(keys, opts).map_err(Failure::Key)?;
    }
    for warning in input_signers_warning(zone, keys, &opts.publish)
        .into_iter()
        .chain(rollover_warnings(zone, keys, &opts.publish, retired))
    {
        report.warn(warning);
    }
    // With --trust-anchor the parent's DS settles it (checked above).
    if cfg.trust_anchor.is_none() {
        if let Some(warning) = input_ksks_warning(zone, keys, &opts.publish) {
            report.warn(warning);
        }
    }
    // RFC 1034 §4.3.5: secondaries transfer a zone only when its serial has
    // grown. A signed input (perhaps the published zone) re-signed with its
    // serial kept replaces nothing on them.
    if cfg.serial == crate::sign::serial::SerialPolicy::Keep
        && zone.apex().rrsigs(crate::zone::rtype::Rtype::SOA).is_some()
    {
        let serial = report.serial.map_or("unknown".to_string(), |s| s.to_string());
        let warning = format!(
            "the input is a signed zone and keeps its serial {serial} (--serial keep): \
             secondaries that have that serial will not transfer this zone; re-signing a \
             published zone takes --serial increment, unixtime or date"
        );
        report.warn(warning);
    }
    Ok(())
}

/// A warning when none of the input's KSKs signs the signed zone's DNSKEY
/// RRset ([`keyset::input_ksks_all_replaced`]); `publish`: the DNSKEYs
/// published only, to say which of those KSKs stays published.
fn input_ksks_warning(
    zone: &Zone,
    keys: &[crate::sign::ZoneKey],
    publish: &[Box<[u8]>],
) -> Option<String> {
    let (gone, signed) = crate::sign::keyset::input_ksks_all_replaced(zone, keys);
    if gone.is_empty() {
        return None;
    }
    let tags = |t: &[u16]| t.iter().map(u16::to_string).collect::<Vec<_>>().join(", ");
    let one = gone.len() == 1;
    let published: Vec<u16> = gone
        .iter()
        .copied()
        .filter(|&t| publish.iter().any(|d| crate::sign::keys::key_tag(d) == t))
        .collect();
    let mut still = if published.is_empty() {
        String::new()
    } else {
        format!(
            " (key {} stays published, but a KSK that does not sign the DNSKEY RRset validates \
             nothing, RFC 4035 §5)",
            tags(&published)
        )
    };
    // The revocation step of RFC 5011: the revoked form signs, but a DS of
    // the key before it matches it no more. RFC 4034 §5.1.4: "digest =
    // digest_algorithm( DNSKEY owner name | DNSKEY RDATA)", and the flags
    // are in the RDATA (the thirty-second audit, 2026-12-07: the warning
    // read as if the key were gone).
    // (The input's key itself, not one that shares its tag.)
    let input_dnskeys = zone.apex().rrset(crate::zone::rtype::Rtype::DNSKEY);
    let revoked: Vec<String> = keys
        .iter()
        .filter(|k| k.is_revoked() && k.dnskey.len() > 2)
        .filter_map(|k| {
            let before = crate::sign::keyset::unrevoked_form(k);
            let tag = crate::sign::keys::key_tag(&before);
            let published = input_dnskeys.is_some_and(|r| r.rdatas.iter().any(|d| d == &*before));
            (published && gone.contains(&tag))
                .then(|| format!("key {tag} is revoked as key {}", k.key_tag))
        })
        .collect();
    if !revoked.is_empty() {
        still.push_str(&format!(
            " ({}, which a DS of the key before revocation does not match: the flags are in \
             the digest, RFC 4034 §5.1.4)",
            revoked.join(", ")
        ));
    }
    Some(format!(
        "the input's DNSKEY RRset {} {} {}, {} the signed zone's{still}: if the parent's DS names \
         only {}, the zone will be bogus; give --trust-anchor with the parent's DS set to check",
        if signed { "is signed by" } else { "has" },
        if one { "KSK" } else { "KSKs" },
        tags(&gone),
        if one { "which does not sign" } else { "none of which signs" },
        if one { "it" } else { "them" }
    ))
}

/// The DNSKEY RDATA the signed zone publishes: the signing keys' and those
/// published only (`--publish`).
fn dnskeys_of<'a>(keys: &'a [crate::sign::ZoneKey], publish: &'a [Box<[u8]>]) -> Vec<&'a [u8]> {
    keys.iter().map(|k| &*k.dnskey).chain(publish.iter().map(|d| &**d)).collect()
}

/// RFC 6781 §4.1.1.1: a warning when the signed zone drops, at once, a
/// DNSKEY that signed the input zone (see
/// [`crate::sign::keyset::input_signers_dropped`]).
fn input_signers_warning(
    zone: &Zone,
    keys: &[crate::sign::ZoneKey],
    publish: &[Box<[u8]>],
) -> Option<String> {
    let dropped = crate::sign::keyset::input_signers_dropped(zone, &dnskeys_of(keys, publish));
    if dropped.is_empty() {
        return None;
    }
    let tags: Vec<String> = dropped.iter().map(u16::to_string).collect();
    // `--publish` takes keys of the algorithms zonesign signs with only
    // (the advice was given for an Ed448 key, an audit, 2026-12-06).
    let foreign: Vec<u8> = zone
        .apex()
        .rrset(crate::zone::rtype::Rtype::DNSKEY)
        .into_iter()
        .flat_map(|set| set.rdatas.iter())
        .filter(|rd| rd.len() >= 4 && dropped.contains(&crate::sign::keys::key_tag(rd)))
        .map(|rd| rd[3])
        .filter(|&alg| crate::sign::keys::Algorithm::from_number(alg).is_err())
        .collect();
    // A key the run revokes cannot be kept published unrevoked: the
    // advice to --publish it was refused, and given again (the
    // twenty-eighth audit, 2026-12-06).
    let twins = crate::sign::keyset::unrevoked_forms(keys);
    let (revoked_now, plain): (Vec<u16>, Vec<u16>) =
        dropped.iter().partition(|&&t| twins.iter().any(|d| crate::sign::keys::key_tag(d) == t));
    let list = |t: &[u16]| t.iter().map(u16::to_string).collect::<Vec<_>>().join(", ");
    // Each remedy for the keys it fits: a run that revoked one key and
    // dropped another advised `--publish` for both (the twenty-ninth audit).
    let mut remedies = Vec::new();
    if !plain.is_empty() {
        let which =
            if revoked_now.is_empty() { "it".to_string() } else { format!("key {}", list(&plain)) };
        remedies.push(if foreign.is_empty() {
            format!("keep {which} published with --publish until they are gone")
        } else {
            format!(
                "zonesign cannot publish a key of algorithm {} (it signs with 8, 10, 13, 14 and \
                 15 only): keep {which} published with the signer that made them until they are \
                 gone",
                foreign.iter().map(u8::to_string).collect::<Vec<_>>().join(", ")
            )
        });
    }
    if !revoked_now.is_empty() {
        remedies.push(format!(
            "the run revokes key {}, and a revoked key validates nothing but the DNSKEY RRset \
             (RFC 5011 §2.1): revoke a key that signs the data only once another key has \
             signed it for at least its largest TTL",
            list(&revoked_now)
        ));
    }
    let remedy = remedies.join("; ");
    Some(format!(
        "key {} signed the input zone's data and the signed zone drops its DNSKEY: answers that \
         secondaries and caches still hold with its signatures cannot be validated against the \
         new DNSKEY RRset; {remedy} (RFC 6781 §4.1.1.1)",
        tags.join(", ")
    ))
}

/// RFC 6781 §4.1.1.1, the other two ends of a pre-publish rollover:
/// warnings when a key the input published without signing is no longer
/// published ([`crate::sign::keyset::input_prepublished_dropped`]), and when the keys
/// that sign the data were none of them in the input's DNSKEY RRset
/// ([`crate::sign::keyset::unannounced_data_signers`]).
/// `retired`: DNSKEYs the key directory's timing leaves out, dropped on
/// purpose (the old ZSK at the end of the README's pre-publish rollover was
/// warned about as if it were the next one: the twelfth audit, 2026-12-06).
fn rollover_warnings(
    zone: &Zone,
    keys: &[crate::sign::ZoneKey],
    publish: &[Box<[u8]>],
    retired: &[Box<[u8]>],
) -> Vec<String> {
    let tags = |t: &[u16]| t.iter().map(u16::to_string).collect::<Vec<_>>().join(", ");
    let mut out = Vec::new();
    let mut kept = dnskeys_of(keys, publish);
    kept.extend(retired.iter().map(|d| &**d));
    // A key the run revoked replaces its unrevoked form (RFC 5011 §2.1):
    // that form was warned of as a stand-by key no longer published, with
    // advice that cannot be followed (the twenty-seventh audit, 2026-12-06).
    let unrevoked = crate::sign::keyset::unrevoked_forms(keys);
    kept.extend(unrevoked.iter().map(|d| &**d));
    let dropped = crate::sign::keyset::input_prepublished_dropped(zone, &kept);
    if !dropped.is_empty() {
        out.push(format!(
            "key {} is published in the input's DNSKEY RRset without signing (a key published \
             ahead of a rollover, a stand-by key, the old key after one, or another signer's \
             key) and the signed zone no longer publishes it: if it is to sign next, keep it \
             published (--publish, or its timing in --key-dir) for at least the DNSKEY TTL \
             before it signs (RFC 6781 §4.1.1.1); if another signer of the zone holds it, \
             publish it with --publish, as every signer publishes the same DNSKEY RRset (RFC \
             8901 §2); if it is the old key of a finished rollover, nothing is to be done",
            tags(&dropped)
        ));
    }
    let new = crate::sign::keyset::unannounced_data_signers(zone, keys);
    if !new.is_empty() {
        let ttl = zone.apex().rrset(crate::zone::rtype::Rtype::DNSKEY).map_or(0, |r| r.ttl);
        out.push(format!(
            "key {} signs the zone data and none of the keys signing it was in the input's DNSKEY \
             RRset: resolvers that hold that RRset in their caches (up to its TTL, {ttl} s) cannot \
             validate the new signatures; publish a new ZSK (--publish) for at least the DNSKEY \
             TTL before it signs (RFC 6781 §4.1.1.1)",
            tags(&new)
        ));
    }
    out
}

/// A key file's stem (`Kexample.+013+12345`): its name without `.key` or
/// `.private`, or the name itself, as `--key` takes a stem alone (as
/// `dnssec-signzone` does; given so, it did not count as named by `--key`:
/// the thirty-third audit, 2026-12-07).
fn key_stem(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let stem = name.strip_suffix(".key").or_else(|| name.strip_suffix(".private")).unwrap_or(name);
    Some(stem.to_string())
}

/// `--publish` names a key that also signs. From the key directory (the old
/// ZSK of a pre-publish rollover, still there without an Inactive time),
/// it is published only, as asked: it went on signing every RRset while
/// the summary and the report listed it as "published only, signs nothing"
/// (the eleventh audit, 2026-12-06). Named by `--key` or held in the HSM
/// pool, it is a contradiction on the command line (exit 2). Returns a
/// warning for each key taken out of signing.
fn publish_wins(
    keys: &mut Vec<crate::sign::ZoneKey>,
    publish: &[crate::sign::keyset::PublishOnlyKey],
    dir_signing: &[String],
    explicit: &[String],
) -> Result<Vec<String>, Failure> {
    let mut notes = Vec::new();
    let mut kept = Vec::with_capacity(keys.len());
    // A key the run revokes: `keyset::drop_revoked_published` leaves its
    // `--publish`ed unrevoked form out, with a note; this one, saying it is
    // published only, contradicted it (the twenty-ninth audit, 2026-12-06).
    let revoked_forms = crate::sign::keyset::unrevoked_forms(keys);
    for k in keys.drain(..) {
        let Some(p) = publish.iter().find(|p| p.dnskey == k.dnskey) else {
            kept.push(k);
            continue;
        };
        if !dir_signing.contains(&k.source) || explicit.contains(&k.source) {
            return Err(Failure::Usage(format!(
                "key {} ({}) is given both to sign and, with --publish {}, to publish without signing",
                k.key_tag, k.source, p.source
            )));
        }
        if revoked_forms.contains(&k.dnskey) {
            continue;
        }
        notes.push(format!(
            "key {} ({}) of the key directory signs nothing: --publish {} asks it to be published only (set its Inactive time with `dnssec-settime -I` to say so in the directory)",
            k.key_tag, k.source, p.source
        ));
    }
    *keys = kept;
    Ok(notes)
}

/// A key the HSM pool holds whose files the key directory's timing
/// publishes only or leaves out (`timing`: their DNSKEYs, and their notes
/// in `key_timing`) signs, through the pool, as a key named by `--key` does
/// whatever its timing: the pool's configuration names it to sign. It was
/// refused as "given both to sign and, with --publish …", naming a
/// `--publish` nobody gave (the fourteenth audit, 2026-12-06), and, left out
/// by its Delete or Publish time, it signed and was published while the
/// notice said "not published" (the fifteenth). Its note is amended, its
/// publish-only entry dropped, and a warning returned for it. A `--publish`
/// of it (`explicit_publish`) stays the contradiction [`publish_wins`]
/// refuses.
fn pool_wins_timing(
    keys: &[crate::sign::ZoneKey],
    publish: &mut Vec<crate::sign::keyset::PublishOnlyKey>,
    dir_signing: &[String],
    explicit_publish: &[Box<[u8]>],
    timing: &[(Box<[u8]>, usize, bool)],
    key_timing: &mut [String],
) -> Vec<String> {
    let mut notes = Vec::new();
    for k in keys.iter().filter(|k| !dir_signing.contains(&k.source)) {
        if explicit_publish.contains(&k.dnskey) {
            continue;
        }
        let Some(&(_, note, warn)) = timing.iter().find(|(dnskey, ..)| *dnskey == k.dnskey) else {
            continue;
        };
        let old = std::mem::take(&mut key_timing[note]);
        let (file, why) = old
            .split_once(": published only, signs nothing: ")
            .or_else(|| old.split_once(": not published: "))
            .unwrap_or((&old, ""));
        publish.retain(|p| p.dnskey != k.dnskey);
        if !warn {
            key_timing[note] = format!("{file}: signs, held by the HSM pool");
            continue;
        }
        key_timing[note] = format!("{file}: signs, held by the HSM pool ({why})");
        notes.push(format!(
            "key {} ({}) signs: the HSM pool's configuration names it, though the key \
             directory's timing would not have it sign ({file}: {why})",
            k.key_tag, k.source
        ));
    }
    notes
}

/// Whether DNSKEY RDATA is a KSK's (the SEP flag) that is not revoked.
/// RFC 7344 §4.1: the CDS and CDNSKEY records "MUST NOT break the current
/// delegation". With `--cds` the records the run makes (the signing KSKs'
/// but those the timing withholds, and the published KSKs' the timing
/// gives them to) must name a key that signs the DNSKEY RRset, when there
/// are any: a double-DS rollover whose old KSK passed its SyncDelete before
/// the next KSK signed was found only by verifying the written zone, exit
/// 1 (the forty-second audit, 2026-12-07). A key problem, before signing.
fn check_timed_cds(
    keys: &[crate::sign::ZoneKey],
    opts: &crate::sign::SignOptions,
) -> Result<(), KeyError> {
    let signers: Vec<&crate::sign::ZoneKey> = crate::sign::dnskey_signers(keys)
        .into_iter()
        .map(|i| &keys[i])
        .filter(|k| !k.is_revoked())
        .collect();
    let named: Vec<&[u8]> = keys
        .iter()
        .filter(|k| k.role != crate::sign::KeyRole::Zsk && !k.is_revoked())
        .filter(|k| !opts.cds_withheld.contains(&k.dnskey))
        .map(|k| &*k.dnskey)
        .chain(opts.cds_published.iter().filter(|d| opts.publish.contains(d)).map(|d| &**d))
        .collect();
    if named.is_empty()
        || signers.is_empty()
        || named.iter().any(|n| signers.iter().any(|s| *s.dnskey == **n))
    {
        return Ok(());
    }
    Err(KeyError::CdsTimingBreaksDelegation {
        named: named.iter().map(|d| crate::sign::keys::key_tag(d)).collect(),
        signers: signers.iter().map(|k| k.key_tag).collect(),
    })
}

pub(super) fn revoked(dnskey: &[u8]) -> bool {
    crate::sign::keys::dnskey_flags(dnskey) & crate::sign::keys::FLAG_REVOKE != 0
}

fn unrevoked_ksk(dnskey: &[u8]) -> bool {
    use crate::sign::keys::{dnskey_flags, FLAG_REVOKE, FLAG_SEP};
    dnskey_flags(dnskey) & (FLAG_SEP | FLAG_REVOKE) == FLAG_SEP
}

/// A key file as one file, whichever of its names was given (the stem, the
/// `.key` or the `.private`): its `.key` path, canonical.
fn key_file_identity(path: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(crate::sign::keys::pair_paths(path).0).ok()
}
