//! Signing: keys, RRSIG construction (RFC 4034 §3), and the pipeline that
//! turns an ordered zone into a signed one.
//!
//! # Background
//! RFC 4035 §2.2: "every authoritative RRset in the zone MUST be signed
//! using each algorithm" of the zone's DNSKEY RRset (as clarified by
//! RFC 6840 §5.11), glue and delegation NS RRsets are not signed. The
//! DNSKEY, CDS and CDNSKEY RRsets are signed by the key-signing keys, the
//! rest by the zone-signing keys; a combined signing key (CSK) is both.
//!
//! # Usage
//! [`prepare`] strips old DNSSEC records, adds the DNSKEY RRset (and CDS /
//! CDNSKEY), and builds the NSEC or NSEC3 chain; [`sign_zone`] then adds
//! the RRSIGs, in parallel over owner-aligned chunks, merged in canonical
//! order so the output is the same for any thread count.
//! [`sign_zone_streaming`] does the same and hands each signed chunk to a
//! consumer while later chunks sign (`zonesign sign` formats and writes it).
//! [`serial::apply`] sets the SOA serial by the operator's policy first.
//! A zone with an apex ZONEMD (RFC 8976) gets a placeholder in [`prepare`]
//! and its real digest, signed, once everything else is signed: in
//! [`sign_zone`] here, by the streaming writer in `run` (see
//! [`crate::zonemd`]).

pub mod keys;
pub mod keyset;
pub mod pkcs11;
pub mod rrsig;
pub mod serial;
pub mod validity;

#[cfg(test)]
mod tests_streaming;

use std::fmt;
use std::sync::Arc;

use crate::denial::hash::Backend;
use crate::denial::nsec::{generate_nsecs, insert_rrset};
use crate::denial::nsec3::{generate_nsec3s, DenialError, Nsec3Params};
use crate::zone::rdata::soa_minimum;
use crate::zone::rtype::Rtype;
use crate::zone::{Node, NodeFlags, Rrset, Zone};
use rrsig::{append_signed_data, labels_field, rrsig_rdata, RrsigFields};

/// What a key is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyRole {
    /// Signs the DNSKEY, CDS and CDNSKEY RRsets.
    Ksk,
    /// Signs everything else.
    Zsk,
    /// Signs everything.
    Csk,
}

impl fmt::Display for KeyRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyRole::Ksk => "KSK",
            KeyRole::Zsk => "ZSK",
            KeyRole::Csk => "CSK",
        })
    }
}

/// Something that makes DNSSEC signatures with one private key: a software
/// key or a pool of HSM sessions that all hold the same key.
pub trait RawSigner: Send + Sync + fmt::Debug {
    /// Signs `signed_data` (RFC 4034 §3.1.8.1) and returns the signature in
    /// the wire format of the key's algorithm.
    fn sign(&self, signed_data: &[u8]) -> Result<Vec<u8>, String>;

    /// Signs a batch, results in input order. Backends with latency (HSM
    /// pools) override this to keep many requests in flight; the pipeline
    /// always calls it with one owner-aligned chunk's worth of data.
    fn sign_batch(&self, items: &[&[u8]]) -> Result<Vec<Vec<u8>>, String> {
        items.iter().map(|d| self.sign(d)).collect()
    }

    /// Whether a batch mostly waits on something other than this process's
    /// threads (the sessions of an HSM pool). The pipeline then keeps
    /// [`EXTRA_IN_FLIGHT`] chunks more in flight than it has threads, so
    /// that the sessions have the next batch while a worker assembles,
    /// formats and hands over the chunk it just got back.
    fn waits_on_device(&self) -> bool {
        false
    }
}

/// A key that will sign the zone, proven to match its published DNSKEY.
#[derive(Debug, Clone)]
pub struct ZoneKey {
    pub role: KeyRole,
    pub algorithm: u8,
    pub key_tag: u16,
    /// The DNSKEY RDATA that is published in the zone.
    pub dnskey: Box<[u8]>,
    pub signer: Arc<dyn RawSigner>,
    /// Where the key came from (file name, HSM pool), for messages.
    pub source: String,
}

impl ZoneKey {
    /// The DNSKEY has the REVOKE flag (RFC 5011 §2.1: "If this bit is set
    /// to '1', AND the resolver sees an RRSIG(DNSKEY) signed by the
    /// associated key, then the resolver MUST consider this key
    /// permanently invalid for all purposes except for validating the
    /// revocation."). Such a key signs the DNSKEY RRset, so that its
    /// revocation counts, and nothing else: not the zone data, not CDS or
    /// CDNSKEY, and it is no DS for the parent.
    pub fn is_revoked(&self) -> bool {
        self.flags() & keys::FLAG_REVOKE != 0
    }

    /// The Flags field of the published DNSKEY (0 for RDATA too short to
    /// have one, which no proven key has).
    pub fn flags(&self) -> u16 {
        keys::dnskey_flags(&self.dnskey)
    }
}

/// How names are denied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DenialMode {
    Nsec,
    Nsec3(Nsec3Params),
}

/// The parameters of NSEC3PARAM or NSEC3 RDATA, which begin alike: hash
/// algorithm, flags, iterations, salt length, salt.
fn nsec3_chain_params(rdata: &[u8]) -> Option<(u8, u16, Vec<u8>)> {
    let salt_len = usize::from(*rdata.get(4)?);
    let salt = rdata.get(5..5 + salt_len)?.to_vec();
    Some((rdata[0], u16::from_be_bytes([rdata[2], rdata[3]]), salt))
}

/// The parameter sets of NSEC3 records, each once, in the records' order.
fn distinct_chain_params<'a>(records: impl Iterator<Item = &'a [u8]>) -> Vec<(u8, u16, Vec<u8>)> {
    let mut sets = Vec::new();
    for p in records.filter_map(nsec3_chain_params) {
        if !sets.contains(&p) {
            sets.push(p);
        }
    }
    sets
}

/// See [`DenialMode::input_nsec3_chain`].
struct InputNsec3Chain {
    /// The parameters kept: (hash algorithm, iterations, salt).
    params: (u8, u16, Vec<u8>),
    /// The parameters of the records the Opt-Out flag is read from.
    records: (u8, u16, Vec<u8>),
    /// How many NSEC3PARAM records are in use (flags 0).
    in_use: usize,
    /// How many parameter sets the NSEC3 records have when none is the
    /// one kept.
    other_chains: usize,
}

impl DenialMode {
    /// The denial of a signed input, from its apex: NSEC there, or the
    /// NSEC3PARAM (RFC 5155 §4: it names the parameters of the chain
    /// authoritative servers use) with the Opt-Out flag of the first NSEC3
    /// record of that chain (RFC 5155 §3.1.2.1; BIND, Knot and ldns set it
    /// on every record of an Opt-Out chain). A stale chain of other
    /// parameters beside it is not asked: its flag was once taken (the
    /// eighth audit, 2026-12-06). Without an NSEC3PARAM, the parameters of
    /// the first NSEC3 record. `None` for an unsigned input.
    pub fn of_input(zone: &Zone) -> Option<DenialMode> {
        use crate::denial::nsec3::OptOut;
        if zone.apex().rrset(Rtype::NSEC).is_some() {
            return Some(DenialMode::Nsec);
        }
        let input = Self::input_nsec3_chain(zone)?;
        let records = || Self::input_nsec3_records(zone);
        let flags = |want: u8| {
            records().any(|r| {
                nsec3_chain_params(r).as_ref() == Some(&input.records)
                    && r.get(1).map(|f| f & 1) == Some(want)
            })
        };
        // RFC 5155 §3.1.2.1 sets the flag per record, and a valid chain may
        // mix both. Its first record alone decided, and a rebuild "kept"
        // the denial while it turned Opt-Out on or off (the twelfth audit,
        // 2026-12-06). Mixed flags: the chain is Opt-Out if it leaves out
        // an insecure delegation.
        let opt_out = match (flags(1), flags(0)) {
            (true, false) => true,
            (true, true) => Self::leaves_out_an_insecure_delegation(zone, &input.records),
            _ => false,
        };
        let opt_out = if opt_out { OptOut::Enabled } else { OptOut::Disabled };
        let (_, iterations, salt) = input.params;
        Some(DenialMode::Nsec3(Nsec3Params { iterations, salt, opt_out }))
    }

    /// The input's NSEC3 records that can be in a chain: at a hashed
    /// owner, one label of 32 base32hex characters directly below the apex
    /// (RFC 5155 §3: "The owner name for the NSEC3 RR is the hash of the
    /// original owner name, prepended as a single label to the zone
    /// name"). One stray record at `www` decided the Opt-Out flag and
    /// silenced the warning (the sixty-third audit, 2026-12-07).
    fn input_nsec3_records(zone: &Zone) -> impl Iterator<Item = &[u8]> {
        zone.nodes
            .iter()
            .filter(|n| crate::denial::nsec3::owner_hash(&zone.origin, &n.name).is_some())
            .filter_map(|n| n.rrset(Rtype::NSEC3))
            .flat_map(|s| s.rdatas.iter())
    }

    /// How many parameter sets the input's NSEC3 records have when no
    /// NSEC3PARAM in use names one and there are several: nothing then
    /// says which chain is the zone's (RFC 5155 §4). The records' first in
    /// canonical order decided, and with it Opt-Out, by hash order (the
    /// sixty-third audit, 2026-12-07); `dnssec-signzone -S` publishes NSEC.
    pub fn input_nsec3_chains_unnamed(zone: &Zone) -> Option<usize> {
        if zone.apex().rrset(Rtype::NSEC).is_some()
            || Self::input_nsec3params(zone).next().is_some()
        {
            return None;
        }
        let sets = distinct_chain_params(Self::input_nsec3_records(zone));
        (sets.len() > 1).then_some(sets.len())
    }

    /// The NSEC3 chain of an input without an NSEC chain: the parameters
    /// to keep, and those of the records that say whether it is Opt-Out.
    fn input_nsec3_chain(zone: &Zone) -> Option<InputNsec3Chain> {
        let records = || Self::input_nsec3_records(zone);
        let has = |params: &(u8, u16, Vec<u8>)| {
            records().any(|r| nsec3_chain_params(r).as_ref() == Some(params))
        };
        // The SHA-1 chain's parameters (RFC 5155 §11: the one hash
        // algorithm), from its NSEC3PARAM or else its records: an
        // NSEC3PARAM of algorithm 2 beside a SHA-1 Opt-Out chain matched no
        // record, and the chain was described as without Opt-Out (the
        // nineteenth audit, 2026-12-06). Another algorithm only if no
        // record has SHA-1. Of several NSEC3PARAMs in use, the one the
        // records have: the first in canonical order won, and beside an
        // Opt-Out chain of other parameters a rebuild "kept" the denial
        // while it turned Opt-Out off (the sixty-first audit, 2026-12-07).
        let sha1 = |rd: &&[u8]| rd.first() == Some(&crate::denial::nsec3::SHA1);
        let params_of = |only_sha1: bool| {
            let in_use: Vec<(u8, u16, Vec<u8>)> = Self::input_nsec3params(zone)
                .filter(|rd| !only_sha1 || sha1(rd))
                .filter_map(nsec3_chain_params)
                .collect();
            let from_records =
                || records().filter(|rd| !only_sha1 || sha1(rd)).find_map(nsec3_chain_params);
            match in_use.iter().find(|p| has(p)).or(in_use.first()) {
                Some(p) => Some((p.clone(), in_use.len())),
                None => from_records().map(|p| (p, 0)),
            }
        };
        let (params, in_use) = params_of(true).or_else(|| params_of(false))?;
        // The Opt-Out flag from the records of the kept parameters, or
        // else from the chain there is: an NSEC3PARAM changed to new
        // parameters over an Opt-Out chain gave a chain without Opt-Out.
        // Of two chains of other parameters, neither: which one sorted
        // first decided (the sixty-second audit, 2026-12-07); without
        // Opt-Out, as `dnssec-signzone -S` makes it.
        let others = if has(&params) {
            Vec::new()
        } else {
            distinct_chain_params(records().filter(|rd| rd.first() == Some(&params.0)))
        };
        let of_records = match &others[..] {
            [one] => one.clone(),
            _ => params.clone(),
        };
        Some(InputNsec3Chain { params, records: of_records, in_use, other_chains: others.len() })
    }

    /// What a re-sign that keeps the input's NSEC3 chain should say about
    /// its NSEC3PARAM records: several in use, or one whose parameters no
    /// NSEC3 record has.
    pub fn input_nsec3param_notes(zone: &Zone) -> Vec<String> {
        let Some(input) = Self::input_nsec3_chain(zone) else { return Vec::new() };
        if zone.apex().rrset(Rtype::NSEC).is_some() {
            return Vec::new();
        }
        let describe = |(_, iterations, salt): &(u8, u16, Vec<u8>)| {
            let salt = if salt.is_empty() {
                "-".to_string()
            } else {
                data_encoding::HEXUPPER.encode(salt)
            };
            format!("salt {salt}, {iterations} extra iterations")
        };
        let mut notes = Vec::new();
        if input.in_use > 1 {
            // Each one dropped, with the chain it had: two full chains, one
            // of them Opt-Out, were said as if one NSEC3PARAM alone had
            // records (the sixty-fourth audit, 2026-12-07).
            let dropped: Vec<String> = Self::input_nsec3params(zone)
                .filter_map(nsec3_chain_params)
                .filter(|p| *p != input.params)
                .map(|p| {
                    let chain: Vec<&[u8]> = Self::input_nsec3_records(zone)
                        .filter(|r| nsec3_chain_params(r).as_ref() == Some(&p))
                        .collect();
                    let opt_out = chain.iter().any(|r| r.get(1).is_some_and(|f| f & 1 == 1));
                    match chain.len() {
                        0 => format!("{} (no NSEC3 records)", describe(&p)),
                        n => format!(
                            "{} (a chain of {n} NSEC3 records{}, dropped)",
                            describe(&p),
                            if opt_out { ", Opt-Out" } else { "" }
                        ),
                    }
                })
                .collect();
            notes.push(format!(
                "the input has {} NSEC3PARAM records in use (flags 0), where a zone has one (RFC 5155 §4): the one its NSEC3 records have, or else the first, is kept ({}); the others: {}",
                input.in_use,
                describe(&input.params),
                dropped.join("; ")
            ));
        }
        if input.other_chains > 1 {
            notes.push(format!(
                "the input's NSEC3PARAM ({}) is not the parameters of its NSEC3 records, which are of {} parameter sets: the chain is made again with the NSEC3PARAM's, without Opt-Out (give --nsec3 with its options to choose)",
                describe(&input.params),
                input.other_chains
            ));
        } else if input.records != input.params {
            notes.push(format!(
                "the input's NSEC3PARAM ({}) is not the parameters of its NSEC3 records ({}): the chain is made again with the NSEC3PARAM's, Opt-Out as the records have it",
                describe(&input.params),
                describe(&input.records)
            ));
        }
        notes
    }

    /// The apex NSEC3PARAM records a server may use: RFC 5155 §4.1.2, "NSEC3PARAM
    /// RRs with a Flags field value other than zero MUST be ignored." One
    /// with flags 1 beside an Opt-Out chain named the chain kept, and a
    /// re-sign said it kept the input's denial while it turned Opt-Out off
    /// and changed the salt and iterations (the fifty-ninth audit,
    /// 2026-12-07).
    fn input_nsec3params(zone: &Zone) -> impl Iterator<Item = &[u8]> {
        Self::apex_nsec3params(zone).filter(|rd| rd.get(1) == Some(&0))
    }

    /// The flags of the first input NSEC3PARAM that RFC 5155 §4.1.2 has
    /// ignored (not zero), for a warning.
    pub fn input_nsec3param_ignored_flags(zone: &Zone) -> Option<u8> {
        Self::apex_nsec3params(zone).find_map(|rd| rd.get(1).copied().filter(|&f| f != 0))
    }

    /// Every apex NSEC3PARAM record of the input, whatever its flags.
    fn apex_nsec3params(zone: &Zone) -> impl Iterator<Item = &[u8]> {
        zone.apex().rrset(Rtype::NSEC3PARAM).into_iter().flat_map(|s| s.rdatas.iter())
    }

    /// The hash algorithm of the input's NSEC3PARAM or NSEC3 records when
    /// one is not SHA-1 (RFC 5155 §11: 1 is the only one defined). Kept as
    /// "the input's denial", such an NSEC3PARAM beside a SHA-1 Opt-Out chain
    /// gave a SHA-1 chain without Opt-Out, contrary to both (the eighteenth
    /// audit, 2026-12-06); `dnssec-signzone` refuses such input.
    /// With the algorithm, which records name it: "NSEC3PARAM" or "NSEC3".
    pub fn input_nsec3_hash_unknown(zone: &Zone) -> Option<(u8, &'static str)> {
        let unknown = |rd: &[u8]| rd.first().copied().filter(|&a| a != crate::denial::nsec3::SHA1);
        let param = Self::input_nsec3params(zone);
        let mut nsec3s = Self::input_nsec3_records(zone);
        param
            .filter_map(&unknown)
            .map(|alg| (alg, "NSEC3PARAM"))
            .next()
            .or_else(|| nsec3s.find_map(unknown).map(|alg| (alg, "NSEC3")))
    }

    /// Whether `zone` holds an NSEC chain (at its apex) and NSEC3 records
    /// too: the middle of a change of denial (RFC 5155 §10.4 and §10.5),
    /// which `dnssec-signzone` refuses to guess at ("Zone contains NSEC
    /// records. Use -u to update to NSEC3.").
    pub fn input_has_both_chains(zone: &Zone) -> bool {
        // Records not at a hashed owner are no chain: one at `www` was
        // refused as a change of denial (the sixty-fourth audit).
        zone.apex().rrset(Rtype::NSEC).is_some() && Self::input_nsec3_records(zone).next().is_some()
    }

    /// Whether an insecure delegation of `zone` has no NSEC3 of the chain
    /// (hash algorithm, iterations, salt) `params`: RFC 5155 §6, "the
    /// insecure delegation ... is not covered by an NSEC3 RR of its own".
    fn leaves_out_an_insecure_delegation(zone: &Zone, params: &(u8, u16, Vec<u8>)) -> bool {
        let (algorithm, iterations, salt) = params;
        if *algorithm != crate::denial::nsec3::SHA1 {
            return false;
        }
        let owners: std::collections::HashSet<Vec<u8>> = zone
            .nodes
            .iter()
            .filter(|n| n.rrset(Rtype::NSEC3).is_some())
            .filter_map(|n| n.name.labels().next().map(|l| l.to_ascii_uppercase()))
            .collect();
        let backend = Backend::detect();
        zone.nodes.iter().any(|n| {
            n.flags.contains(NodeFlags::DELEGATION) && n.rrset(Rtype::DS).is_none() && {
                let wire = n.name.as_wire().to_ascii_lowercase();
                let hash = crate::denial::hash::nsec3_hash(backend, &wire, salt, *iterations);
                !owners.contains(data_encoding::BASE32HEX_NOPAD.encode(&hash).as_bytes())
            }
        })
    }
}

impl fmt::Display for DenialMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DenialMode::Nsec => write!(f, "NSEC"),
            DenialMode::Nsec3(p) => {
                let salt = if p.salt.is_empty() {
                    "-".to_string()
                } else {
                    data_encoding::HEXUPPER.encode(&p.salt)
                };
                let opt_out = match p.opt_out {
                    crate::denial::nsec3::OptOut::Enabled => "Opt-Out",
                    crate::denial::nsec3::OptOut::Disabled => "no Opt-Out",
                };
                write!(f, "NSEC3 (salt {salt}, {} extra iterations, {opt_out})", p.iterations)
            }
        }
    }
}

/// How to sign.
#[derive(Debug, Clone)]
pub struct SignOptions {
    /// Seconds since the epoch.
    pub inception: i64,
    pub expiration: i64,
    /// Expirations are spread over `expiration - jitter ..= expiration`.
    pub jitter: u32,
    pub denial: DenialMode,
    pub dnskey_ttl: Option<u32>,
    /// The shortest TTL the keys' BIND key files carry: the DNSKEY RRset's
    /// TTL where neither `dnskey_ttl` nor an input DNSKEY RRset sets it.
    pub key_file_ttl: Option<u32>,
    /// Publish CDS and CDNSKEY for the KSKs (RFC 7344).
    pub cds: bool,
    /// The digest types of those CDS records (`--cds-digest`; SHA-256 if
    /// none is given).
    pub cds_digests: Vec<keys::DigestType>,
    /// KSKs (DNSKEY RDATA) that get no CDS or CDNSKEY with `cds`: the key
    /// directory's SyncPublish is to come or its SyncDelete has passed (as
    /// `dnssec-signzone -S` reads them).
    pub cds_withheld: Vec<Box<[u8]>>,
    /// KSKs published only (DNSKEY RDATA, among `publish`) that get a CDS
    /// and CDNSKEY with `cds`: their SyncPublish has passed, the next KSK
    /// of a double-DS rollover.
    pub cds_published: Vec<Box<[u8]>>,
    /// DNSKEY RDATA published beside the signing keys' without signing
    /// (`--publish`: rollovers; see [`keyset::PublishOnlyKey`]).
    pub publish: Vec<Box<[u8]>>,
    /// The apex ZONEMD (RFC 8976): `None` leaves the input's as it is
    /// (stale once re-signed: the verifier rejects it); `Some` replaces it
    /// with digests of these hash algorithms, none for an empty list.
    pub zonemd: Option<Vec<crate::zonemd::HashAlg>>,
    pub hash_backend: Backend,
    /// Advanced once per signed chunk; `None` off a terminal.
    pub progress: Option<indicatif::ProgressBar>,
}

/// Why signing failed.
#[derive(Debug)]
pub enum SignError {
    Denial(DenialError),
    /// A key failed to sign.
    Signer {
        owner: String,
        rtype: Rtype,
        key_tag: u16,
        source: String,
        reason: String,
    },
    /// No key can sign this kind of RRset.
    NoKey {
        what: &'static str,
    },
    /// The consumer of signed chunks (the streaming writer) failed.
    Output {
        source: std::io::Error,
    },
    /// The zone digest (RFC 8976) cannot be made.
    Zonemd(crate::zonemd::ZonemdError),
    /// A DNSKEY RRset at a name other than the apex: BIND refuses to sign
    /// one and `dnssec-verify` rejects it signed.
    DnskeyBelowApex {
        owner: String,
        at: String,
    },
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignError::Denial(e) => write!(f, "{e}"),
            SignError::Signer { owner, rtype, key_tag, source, reason } => {
                write!(f, "signing {owner} {rtype} with key {key_tag} ({source}) failed: {reason}")
            }
            SignError::NoKey { what } => write!(f, "no key can sign {what}"),
            SignError::Output { source } => write!(f, "writing the signed zone failed: {source}"),
            SignError::Zonemd(e) => write!(f, "ZONEMD: {e}"),
            SignError::DnskeyBelowApex { owner, at } => write!(
                f,
                "{at}: a DNSKEY RRset at {owner}, not at the apex: zone keys are published at the \
                 apex (RFC 4035 §2.1), and BIND refuses to sign a DNSKEY RRset elsewhere in the \
                 zone (\"Non-apex DNSKEY RRset\"; one at or below a delegation is hidden data, \
                 kept unsigned)"
            ),
        }
    }
}

impl std::error::Error for SignError {}

/// What [`prepare`] removed and added, for the notices and the report.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct PrepareStats {
    /// DNSSEC records present in the input and replaced.
    pub replaced_records: usize,
    pub dnskeys: usize,
    pub nsec: usize,
    pub nsec3: usize,
    pub nsec3_hash_backend: Option<&'static str>,
    /// Hash algorithms of the apex ZONEMD RRset made (RFC 8976).
    pub zonemd: Vec<crate::zonemd::HashAlg>,
    /// With `--cds`: the key tags of the keys the signed zone publishes
    /// without signing (`--publish`) that the input's CDS or CDNSKEY
    /// records named and `--cds` drops.
    pub cds_dropped_for: Vec<u16>,
}

/// Types that a signer owns and regenerates: RRSIG, NSEC and NSEC3
/// anywhere, DNSKEY and NSEC3PARAM at the apex (and CDS and CDNSKEY there
/// with `--cds`). At another name these are the zone's data, kept and
/// signed like the rest (as BIND keeps NSEC3PARAM and CDS there); they
/// were dropped without a word until 2026-12-06.
fn is_signer_owned(t: Rtype, at_apex: bool, cds: bool) -> bool {
    matches!(t, Rtype::RRSIG | Rtype::NSEC | Rtype::NSEC3)
        || (at_apex && matches!(t, Rtype::DNSKEY | Rtype::NSEC3PARAM))
        || (at_apex && cds && matches!(t, Rtype::CDS | Rtype::CDNSKEY))
}

/// The key tags, sorted and once each, of the keys of `publish` that the
/// input's apex CDS or CDNSKEY records name, except this zone's old KSK
/// after a rollover, whose records `--cds` is to drop: a key that signed
/// the input's DNSKEY RRset beside one of the run's KSKs (the
/// double-signature step, RFC 6781 §4.1.2). The warning told the operator
/// of a rollover to sign without --cds, keeping the old DS (the
/// twenty-eighth audit, 2026-12-06). Another signer's KSK signs only its
/// own provider's DNSKEY RRset (RFC 8901 model 2), and an input that is
/// that provider's signed zone has it sign the DNSKEY RRset alone: taken
/// for an old KSK, its CDS was dropped without a word (the twenty-ninth
/// audit).
///
/// Not a key published only that gets its own CDS by its timing
/// (`cds_published`, the next KSK of a double-DS rollover): its records
/// stay, and the warning that they were replaced told the operator to drop
/// `--cds` at every re-sign of the rollover (the seventieth audit).
fn named_by_input_cds(zone: &Zone, keys: &[ZoneKey], opts: &SignOptions) -> Vec<u16> {
    let dnskey_signers = zone
        .apex()
        .rrsigs(Rtype::DNSKEY)
        .map(|s| keyset::rrsig_signers(s.rdatas.iter()))
        .unwrap_or_default();
    let signed_dnskeys =
        |k: &[u8]| dnskey_signers.contains(&(k.get(3).copied().unwrap_or(0), keys::key_tag(k)));
    let cosigned =
        keys.iter().any(|k| k.role != KeyRole::Zsk && !k.is_revoked() && signed_dnskeys(&k.dnskey));
    let mut tags: Vec<u16> = opts
        .publish
        .iter()
        .filter(|k| !opts.cds_published.contains(k))
        .filter(|k| crate::verify::cds::apex_names_key(zone, k) && !(cosigned && signed_dnskeys(k)))
        .map(|k| keys::key_tag(k))
        .collect();
    tags.sort_unstable();
    tags.dedup();
    tags
}

/// Strips existing DNSSEC records, adds DNSKEY (and CDS/CDNSKEY), builds
/// the denial chain.
pub fn prepare(
    zone: &mut Zone,
    keys: &[ZoneKey],
    opts: &SignOptions,
) -> Result<PrepareStats, SignError> {
    let mut stats = PrepareStats::default();
    let soa =
        zone.apex().rrset(Rtype::SOA).ok_or(SignError::NoKey { what: "a zone without SOA" })?;
    let soa_ttl = soa.ttl;
    let soa_min = soa.rdatas.first().and_then(soa_minimum).unwrap_or(soa_ttl);
    let soa_serial = soa.rdatas.first().and_then(crate::zone::rdata::soa_serial).unwrap_or(0);
    let old_dnskey_ttl = zone.apex().rrset(Rtype::DNSKEY).map(|r| r.ttl);
    // RFC 8901 §2: with several signers, the CDS and CDNSKEY RRsets name
    // every signer's KSK. `--cds` makes them for the run's KSKs only: the
    // input's that named a key the signed zone still publishes are noted,
    // for a warning (another signer's KSK loses its DS at a parent that
    // follows the CDS; an old KSK after a rollover is meant to). Keeping
    // them republished an old KSK's records at every run, and a parent
    // kept its DS (the twenty-sixth and twenty-seventh audits, 2026-12-06).
    let cds_dropped_for: Vec<u16> =
        if opts.cds { named_by_input_cds(zone, keys, opts) } else { Vec::new() };
    let mut removed = 0usize;
    // Only a DNSKEY RRset the zone would sign: one at a delegation or
    // below a zone cut is the child's, hidden data kept unsigned as any
    // other, as `dnssec-signzone` does (refused, the sixty-sixth audit,
    // 2026-12-07: BIND signs such a zone and the validators accept it).
    if let Some((node, set)) = zone.nodes[1..].iter().find_map(|n| {
        n.rrset(Rtype::DNSKEY).filter(|_| n.is_signed_rrset(Rtype::DNSKEY)).map(|set| (n, set))
    }) {
        return Err(SignError::DnskeyBelowApex {
            owner: node.name.to_string(),
            at: format!("line {}", set.src.line),
        });
    }
    for (i, node) in zone.nodes.iter_mut().enumerate() {
        // The apex is the first node (`Zone::apex`).
        let at_apex = i == 0;
        node.rrsets.retain(|r| {
            let strip = is_signer_owned(r.rtype, at_apex, opts.cds);
            if strip {
                removed += r.rdatas.len();
            }
            !strip
        });
    }
    // (An unsigned zone loses nothing: no pass over its nodes then.)
    if removed > 0 {
        drop_emptied_nodes(zone);
    }
    stats.replaced_records = removed;

    let apex = &mut zone.nodes[0];
    let src = apex.rrsets.first().map(|r| r.src).unwrap_or_default();
    let mut dnskeys: Vec<Box<[u8]>> =
        keys.iter().map(|k| k.dnskey.clone()).chain(opts.publish.iter().cloned()).collect();
    dnskeys.sort();
    dnskeys.dedup();
    stats.dnskeys = dnskeys.len();
    let dnskey_ttl = opts.dnskey_ttl.or(old_dnskey_ttl).or(opts.key_file_ttl).unwrap_or(soa_ttl);
    insert_rrset(
        apex,
        Rrset { rtype: Rtype::DNSKEY, ttl: dnskey_ttl, rdatas: dnskeys.into(), src },
    );
    if opts.cds {
        let origin = zone.origin.clone();
        let mut cds: Vec<Box<[u8]>> = Vec::new();
        let mut cdnskey: Vec<Box<[u8]>> = Vec::new();
        let digests: &[keys::DigestType] = if opts.cds_digests.is_empty() {
            &[keys::DigestType::Sha256]
        } else {
            &opts.cds_digests
        };
        let signing = keys
            .iter()
            .filter(|k| k.role != KeyRole::Zsk && !k.is_revoked())
            .filter(|k| !opts.cds_withheld.contains(&k.dnskey))
            .map(|k| &k.dnskey);
        let published = opts.cds_published.iter().filter(|d| opts.publish.contains(d));
        for dnskey in signing.chain(published) {
            for &digest in digests {
                if let Ok(ds) = keys::ds_rdata(&origin, dnskey, digest) {
                    cds.push(ds.into());
                }
            }
            cdnskey.push(dnskey.clone());
        }
        stats.cds_dropped_for = cds_dropped_for;
        cds.sort();
        cds.dedup();
        cdnskey.sort();
        cdnskey.dedup();
        // Every KSK withheld by its timing: no CDS at all (not an empty
        // RRset), as `dnssec-signzone -S` then publishes none.
        if !cds.is_empty() {
            let apex = &mut zone.nodes[0];
            insert_rrset(
                apex,
                Rrset { rtype: Rtype::CDS, ttl: dnskey_ttl, rdatas: cds.into(), src },
            );
            insert_rrset(
                apex,
                Rrset { rtype: Rtype::CDNSKEY, ttl: dnskey_ttl, rdatas: cdnskey.into(), src },
            );
        }
    }
    // RFC 8976 §3.1: the placeholder goes in before the denial chain is
    // built, so that the apex type bitmap lists ZONEMD. It keeps the
    // input's TTL, else takes the SOA's (as ldns-signzone does).
    if let Some(hashes) = &opts.zonemd {
        let apex = &mut zone.nodes[0];
        let old = apex.rrsets.iter().position(|r| r.rtype == Rtype::ZONEMD);
        let old_ttl = old.map(|i| apex.rrsets.remove(i).ttl);
        if !hashes.is_empty() {
            let digests = crate::zonemd::placeholders(hashes);
            let ttl = old_ttl.unwrap_or(soa_ttl);
            insert_rrset(apex, crate::zonemd::rrset(soa_serial, &digests, ttl, src));
        }
        stats.zonemd = hashes.clone();
    }
    // RFC 9077 §3.2: "the TTL of the NSEC(3) RR ... MUST be the lesser of the
    // MINIMUM field of the SOA record and the TTL of the SOA itself".
    let denial_ttl = soa_ttl.min(soa_min);
    match &opts.denial {
        DenialMode::Nsec => stats.nsec = generate_nsecs(zone, denial_ttl),
        DenialMode::Nsec3(params) => {
            let s = generate_nsec3s(zone, params, denial_ttl, opts.hash_backend)
                .map_err(SignError::Denial)?;
            stats.nsec3 = s.records;
            stats.nsec3_hash_backend = Some(s.backend);
        }
    }
    Ok(stats)
}

/// Counts per key, for the summary and the report.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct SignStats {
    pub rrsets_signed: usize,
    /// Signatures made by each key, in the order of the keys given.
    pub signatures_per_key: Vec<usize>,
}

/// Nodes per parallel work unit. Chunks are whole nodes: an RRset is never
/// split, and classification was done once for the whole zone, so chunk
/// borders carry no state.
const CHUNK_NODES: usize = 512;

/// Signs every authoritative RRset with every applicable key and inserts
/// the RRSIGs. Output is identical for any thread count: chunks are
/// merged in order, and signing with deterministic algorithms (RSA,
/// Ed25519) depends only on the data.
pub fn sign_zone(
    zone: &mut Zone,
    keys: &[ZoneKey],
    opts: &SignOptions,
) -> Result<SignStats, SignError> {
    let stats = sign_chunks(zone, keys, opts, Keep::InZone, |_| Ok(()))?;
    if let Some(hashes) = opts.zonemd.as_deref().filter(|h| !h.is_empty()) {
        // RFC 8976 §3.3 and §3.5: the digest over the signed zone, then the
        // ZONEMD RRset signed again.
        let digests = crate::zonemd::digest_zone(zone, hashes);
        let node = zonemd_node(zone, &digests)?;
        let sigs = sign_node(zone, &node, keys, opts)?;
        let apex = &mut zone.nodes[0];
        apex.rrsets.retain(|r| {
            r.rtype != Rtype::ZONEMD
                && !(r.rtype == Rtype::RRSIG && r.covered() == Some(Rtype::ZONEMD))
        });
        for r in node.rrsets.into_iter().chain(sigs) {
            insert_rrset(apex, r);
        }
    }
    Ok(stats)
}

/// The apex with nothing but its final ZONEMD RRset: the placeholder's
/// serial and TTL, these digests.
pub fn zonemd_node(
    zone: &Zone,
    digests: &[(crate::zonemd::HashAlg, Vec<u8>)],
) -> Result<Node, SignError> {
    let apex = zone.apex();
    let placeholder = apex.rrset(Rtype::ZONEMD).ok_or(SignError::Zonemd(
        crate::zonemd::ZonemdError::Placeholder { what: "the apex holds no ZONEMD placeholder" },
    ))?;
    let serial = placeholder.rdatas.first().and_then(crate::zonemd::serial).unwrap_or(0);
    let rrset = crate::zonemd::rrset(serial, digests, placeholder.ttl, placeholder.src);
    Ok(Node { name: apex.name.clone(), rrsets: vec![rrset], flags: apex.flags })
}

/// The RRSIG RRsets of one node of `zone` (not necessarily in it), signed
/// as the signing stage signs it: the ZONEMD RRset once its digest is known.
pub fn sign_node(
    zone: &Zone,
    node: &Node,
    keys: &[ZoneKey],
    opts: &SignOptions,
) -> Result<Vec<Rrset>, SignError> {
    let (ksk, zsk) = key_roles(keys)?;
    let plan = Plan { keys, ksk: &ksk, zsk: &zsk, signer: &zone.origin, class: zone.class, opts };
    let out = plan.sign_chunk(std::slice::from_ref(node))?;
    Ok(out.per_node.into_iter().next().unwrap_or_default())
}

/// The keys (indices) that sign the DNSKEY, CDS and CDNSKEY RRsets, and
/// those that sign the rest.
pub(crate) fn key_roles(keys: &[ZoneKey]) -> Result<(Vec<usize>, Vec<usize>), SignError> {
    let ksk = dnskey_signers(keys);
    let mut zsk: Vec<usize> = (0..keys.len())
        .filter(|&i| keys[i].role != KeyRole::Ksk && !keys[i].is_revoked())
        .collect();
    // RFC 6840 §5.11: every algorithm signs every RRset. An algorithm with
    // only a KSK signs the zone data with it too. (A revoked key signs no
    // data, and validators do not count its algorithm.)
    let mut algs: Vec<u8> = keys.iter().filter(|k| !k.is_revoked()).map(|k| k.algorithm).collect();
    algs.sort_unstable();
    algs.dedup();
    for &a in &algs {
        if !zsk.iter().any(|&i| keys[i].algorithm == a) {
            zsk.extend(
                ksk.iter().copied().filter(|&i| keys[i].algorithm == a && !keys[i].is_revoked()),
            );
        }
    }
    zsk.sort_unstable();
    if zsk.is_empty() {
        return Err(SignError::NoKey { what: "the zone data" });
    }
    Ok((ksk, zsk))
}

/// One signed chunk, as [`sign_zone_streaming`] hands it to its consumer.
#[derive(Debug, Clone, Copy)]
pub struct SignedChunk<'a> {
    /// The chunk's position in the zone, from 0.
    pub index: usize,
    pub nodes: &'a [Node],
    /// The RRSIG RRsets made for `nodes[i]`, one per signed RRset, kept
    /// beside the nodes (see [`crate::emit::write_nodes_with`]).
    pub rrsigs: &'a [Vec<Rrset>],
}

/// Where the RRSIGs go once the consumer has had them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// Inserted into their nodes ([`sign_zone`]).
    InZone,
    /// Dropped: the consumer wrote them ([`sign_zone_streaming`]).
    Nowhere,
}

/// How far the workers may run ahead of the oldest chunk not yet handed
/// over, in chunks per worker: bounds what a streaming consumer buffers.
const AHEAD_PER_THREAD: usize = 4;

/// Workers added, beyond the threads, when a key's signer waits on a device
/// ([`RawSigner::waits_on_device`]). Each worker signs one chunk at a time
/// and, between two chunks, does CPU work only (checking the returned
/// signatures, assembling and formatting the RRSIGs, building the next
/// signed data) while its batch is not in any HSM queue: with as many
/// workers as threads, a SoftHSM2 pool of three sessions on two threads
/// was in C_Sign for 82–84 % of the sign stage (docs/measurements.md).
/// The added workers are plain threads that mostly wait for the HSMs;
/// `--threads` still bounds the threads that compute.
pub const EXTRA_IN_FLIGHT: usize = 2;

/// As [`sign_zone`], handing each chunk of nodes with its RRSIGs to `done`
/// on the worker that signed it, while later chunks are still being
/// signed; the RRSIGs are then dropped, not inserted into the zone (the
/// consumer has written them), so the zone holds no more than it did. The
/// workers claim chunks in zone order and run at most [`AHEAD_PER_THREAD`]
/// × threads chunks ahead of the oldest unfinished one, so a consumer that
/// writes the chunks in index order (as `run::sign` does) buffers little.
/// An error stops the claiming of new chunks; the one reported is the first
/// in chunk order (every earlier chunk had been claimed and is finished
/// first), so it is deterministic.
pub fn sign_zone_streaming<F>(
    zone: &mut Zone,
    keys: &[ZoneKey],
    opts: &SignOptions,
    done: F,
) -> Result<SignStats, SignError>
where
    F: Fn(SignedChunk<'_>) -> std::io::Result<()> + Sync,
{
    sign_chunks(zone, keys, opts, Keep::Nowhere, done)
}

/// The keys (indices into `keys`) that sign the DNSKEY, CDS and CDNSKEY
/// RRsets: the KSKs and CSKs, or every key when there is none; and every
/// revoked key, whose signature over the DNSKEY RRset makes its
/// revocation count (RFC 5011 §2.1; it signs neither CDS nor CDNSKEY, see
/// `Plan::sign_chunk`).
pub(crate) fn dnskey_signers(keys: &[ZoneKey]) -> Vec<usize> {
    let ksk: Vec<usize> =
        (0..keys.len()).filter(|&i| keys[i].role != KeyRole::Zsk || keys[i].is_revoked()).collect();
    if ksk.is_empty() {
        (0..keys.len()).collect()
    } else {
        ksk
    }
}

fn sign_chunks<F>(
    zone: &mut Zone,
    keys: &[ZoneKey],
    opts: &SignOptions,
    keep: Keep,
    done: F,
) -> Result<SignStats, SignError>
where
    F: Fn(SignedChunk<'_>) -> std::io::Result<()> + Sync,
{
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Mutex;

    let (ksk, zsk) = key_roles(keys)?;
    let Zone { origin, class, nodes, .. } = zone;
    let plan = Plan { keys, ksk: &ksk, zsk: &zsk, signer: origin, class: *class, opts };

    let total_chunks = nodes.len().div_ceil(CHUNK_NODES);
    if let Some(p) = &opts.progress {
        // Drawn from here on: hidden until its length was known
        // (`run::progress_bar`).
        p.set_length(total_chunks as u64);
        p.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    }
    let threads = rayon::current_num_threads().max(1);
    let extra = if keys.iter().any(|k| k.signer.waits_on_device()) { EXTRA_IN_FLIGHT } else { 0 };
    let ahead = AHEAD_PER_THREAD * (threads + extra);
    let queue = Mutex::new(nodes.chunks_mut(CHUNK_NODES).enumerate());
    // Which chunks are finished, and the length of the finished prefix.
    let finished = Mutex::new((0usize, vec![false; total_chunks]));
    let stop = AtomicBool::new(false);
    let first_error: Mutex<Option<(usize, SignError)>> = Mutex::new(None);
    let totals =
        Mutex::new(SignStats { rrsets_signed: 0, signatures_per_key: vec![0; keys.len()] });

    let worker = || loop {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let claimed = {
            let Ok(mut q) = queue.lock() else { return };
            // Hold back while too far ahead of the oldest unfinished chunk.
            loop {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                let next = total_chunks - q.len();
                let oldest_open = finished.lock().map(|f| f.0).unwrap_or(total_chunks);
                if next < oldest_open + ahead {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_micros(200));
            }
            q.next()
        };
        let Some((index, chunk)) = claimed else { return };
        let result = plan.sign_chunk(chunk).and_then(|out| {
            done(SignedChunk { index, nodes: chunk, rrsigs: &out.per_node })
                .map_err(|source| SignError::Output { source })?;
            if keep == Keep::InZone {
                for (node, sigs) in chunk.iter_mut().zip(out.per_node) {
                    for s in sigs {
                        insert_rrset(node, s);
                    }
                }
            }
            Ok((out.rrsets_signed, out.per_key))
        });
        match result {
            Ok((rrsets, per_key)) => {
                if let Ok(mut t) = totals.lock() {
                    t.rrsets_signed += rrsets;
                    for (a, b) in t.signatures_per_key.iter_mut().zip(per_key) {
                        *a += b;
                    }
                }
            }
            Err(e) => {
                stop.store(true, Ordering::Relaxed);
                if let Ok(mut slot) = first_error.lock() {
                    if slot.as_ref().is_none_or(|(i, _)| index < *i) {
                        *slot = Some((index, e));
                    }
                }
            }
        }
        if let Ok(mut f) = finished.lock() {
            f.1[index] = true;
            while f.0 < total_chunks && f.1[f.0] {
                f.0 += 1;
            }
        }
        if let Some(p) = &opts.progress {
            p.inc(1);
        }
    };
    std::thread::scope(|waiting| {
        // As many as can be started: `spawn` panicked under a thread limit
        // (`ulimit -u`, exit 101: the seventy-eighth audit, 2026-12-07);
        // the pool's threads take every chunk the waiting ones do not.
        for _ in 0..extra {
            let _ = std::thread::Builder::new().spawn_scoped(waiting, worker);
        }
        rayon::scope(|s| {
            for _ in 0..threads {
                s.spawn(|_| worker());
            }
        });
    });
    if let Some(p) = &opts.progress {
        p.finish_and_clear();
    }
    if let Some((_, e)) = first_error.into_inner().ok().flatten() {
        return Err(e);
    }
    totals
        .into_inner()
        .map_err(|_| SignError::NoKey { what: "the zone (a signing worker panicked)" })
}

/// The RRSIGs of one chunk, per node in order.
struct ChunkOutput {
    per_node: Vec<Vec<Rrset>>,
    rrsets_signed: usize,
    per_key: Vec<usize>,
}

/// One signature to make.
struct Job {
    node: usize,
    rrset: usize,
    key: usize,
    expiration: u32,
    /// Where its signed data is in the chunk's buffer.
    data: std::ops::Range<usize>,
    signature: Vec<u8>,
}

struct Plan<'a> {
    keys: &'a [ZoneKey],
    ksk: &'a [usize],
    zsk: &'a [usize],
    signer: &'a crate::zone::name::Name,
    class: crate::zone::rtype::Class,
    opts: &'a SignOptions,
}

impl Plan<'_> {
    fn fields(&self, node: &Node, rrset: &Rrset, key: usize, expiration: u32) -> RrsigFields<'_> {
        let k = &self.keys[key];
        RrsigFields {
            type_covered: rrset.rtype,
            algorithm: k.algorithm,
            labels: labels_field(&node.name),
            original_ttl: rrset.ttl,
            expiration,
            inception: validity::wire_time(self.opts.inception),
            key_tag: k.key_tag,
            signer: self.signer,
        }
    }

    /// Builds every signed data of the chunk, has each key sign its share in
    /// one batch, then assembles the RRSIG RRsets in canonical order.
    fn sign_chunk(&self, chunk: &[Node]) -> Result<ChunkOutput, SignError> {
        let mut jobs: Vec<Job> = Vec::new();
        // Every signed data of the chunk, one after another.
        let mut buffer: Vec<u8> = Vec::with_capacity(64 << 10);
        for (ni, node) in chunk.iter().enumerate() {
            for (ri, rrset) in node.rrsets.iter().enumerate() {
                if !node.is_signed_rrset(rrset.rtype) {
                    continue;
                }
                // The KSKs sign the apex's DNSKEY, CDS and CDNSKEY RRsets;
                // the same types elsewhere are data, for the ZSKs.
                let use_keys = if node.flags.contains(NodeFlags::APEX)
                    && matches!(rrset.rtype, Rtype::DNSKEY | Rtype::CDS | Rtype::CDNSKEY)
                {
                    self.ksk
                } else {
                    self.zsk
                };
                let jitter =
                    validity::jitter_for(node.name.as_wire(), rrset.rtype.0, self.opts.jitter);
                let expiration = validity::wire_time(self.opts.expiration - jitter as i64);
                // A revoked key signs the DNSKEY RRset only (RFC 5011 §2.1).
                let use_keys = use_keys
                    .iter()
                    .filter(|&&k| rrset.rtype == Rtype::DNSKEY || !self.keys[k].is_revoked());
                for &k in use_keys {
                    let start = buffer.len();
                    append_signed_data(
                        &self.fields(node, rrset, k, expiration),
                        &node.name,
                        self.class,
                        rrset,
                        &mut buffer,
                    );
                    jobs.push(Job {
                        node: ni,
                        rrset: ri,
                        key: k,
                        expiration,
                        data: start..buffer.len(),
                        signature: Vec::new(),
                    });
                }
            }
        }
        let mut per_key = vec![0usize; self.keys.len()];
        for (k, key) in self.keys.iter().enumerate() {
            let idx: Vec<usize> = (0..jobs.len()).filter(|&j| jobs[j].key == k).collect();
            if idx.is_empty() {
                continue;
            }
            let items: Vec<&[u8]> = idx.iter().map(|&j| &buffer[jobs[j].data.clone()]).collect();
            let sigs = key.signer.sign_batch(&items).map_err(|reason| {
                let first = &jobs[idx[0]];
                let node = &chunk[first.node];
                SignError::Signer {
                    owner: node.name.to_string(),
                    rtype: node.rrsets[first.rrset].rtype,
                    key_tag: key.key_tag,
                    source: key.source.clone(),
                    reason,
                }
            })?;
            if sigs.len() != items.len() {
                let node = &chunk[jobs[idx[0]].node];
                return Err(SignError::Signer {
                    owner: node.name.to_string(),
                    rtype: node.rrsets[jobs[idx[0]].rrset].rtype,
                    key_tag: key.key_tag,
                    source: key.source.clone(),
                    reason: format!(
                        "the backend returned {} signatures for {} requests",
                        sigs.len(),
                        items.len()
                    ),
                });
            }
            per_key[k] += sigs.len();
            for (j, sig) in idx.into_iter().zip(sigs) {
                jobs[j].signature = sig;
            }
        }
        let mut per_node: Vec<Vec<Rrset>> = vec![Vec::new(); chunk.len()];
        let mut rrsets_signed = 0;
        let mut i = 0;
        while i < jobs.len() {
            let (ni, ri) = (jobs[i].node, jobs[i].rrset);
            let node = &chunk[ni];
            let rrset = &node.rrsets[ri];
            let mut sigs: Vec<Box<[u8]>> = Vec::new();
            while i < jobs.len() && jobs[i].node == ni && jobs[i].rrset == ri {
                let j = &jobs[i];
                sigs.push(rrsig_rdata(
                    &self.fields(node, rrset, j.key, j.expiration),
                    &j.signature,
                ));
                i += 1;
            }
            sigs.sort();
            rrsets_signed += 1;
            per_node[ni].push(Rrset {
                rtype: Rtype::RRSIG,
                ttl: rrset.ttl,
                rdatas: sigs.into(),
                src: rrset.src,
            });
        }
        Ok(ChunkOutput { per_node, rrsets_signed, per_key })
    }
}

/// Removes the nodes that the stripping of the old DNSSEC records in
/// [`prepare`] left empty (NSEC3 owners, and names that held nothing but
/// stale NSEC or RRSIG records), and with them each empty non-terminal that
/// only they needed: one with no name left below it is no name of the zone
/// (RFC 5155 §1.3: an empty non-terminal is "a domain name that owns no
/// resource records, but has one or more subdomains that do"), and an
/// NSEC3 for it would prove a name that does not exist. (Found by the
/// `sign` fuzz target: a stale RRSIG at `a.b.example.` left an NSEC3 for
/// `b.example.`, which every validator rejected.) From the last node back:
/// in canonical order a name's descendants follow it directly, so an empty
/// node stays if the next node kept is below it.
///
/// A node the stripping emptied that still has names below it is an empty
/// non-terminal from now on, though it was loaded with data: an NSEC3
/// whose hash is its label (RFC 5155 §7.1: "Each empty non-terminal MUST
/// have a corresponding NSEC3 RR"). Dropping it left the chain without
/// that NSEC3, and zonesign could not re-sign its own output (the seventh
/// audit, 2026-12-06).
fn drop_emptied_nodes(zone: &mut Zone) {
    use crate::zone::NodeFlags;
    let nodes = &zone.nodes;
    let mut keep = vec![false; nodes.len()];
    let mut next_kept: Option<usize> = None;
    for i in (0..nodes.len()).rev() {
        let n = &nodes[i];
        keep[i] = !n.rrsets.is_empty()
            || next_kept.is_some_and(|j| nodes[j].name.is_subdomain_of(&n.name));
        if keep[i] {
            next_kept = Some(i);
        }
    }
    for (node, kept) in zone.nodes.iter_mut().zip(&keep) {
        if *kept && node.rrsets.is_empty() {
            node.flags.insert(NodeFlags::ENT);
        }
    }
    let mut keep = keep.into_iter();
    zone.nodes.retain(|_| keep.next().unwrap_or(true));
}

/// Entry point for the fuzzer (`fuzz/fuzz_targets/sign.rs`): the input is
/// loaded as a zone for `example.` (with the apex NS line of
/// [`crate::load::fuzz_zone_text`]), and its length modulo 8 picks the
/// denial (NSEC; NSEC3; NSEC3 with Opt-Out; NSEC3 with a salt and one extra
/// iteration) and whether CDS and CDNSKEY are published (so that any zone
/// text, the loader's seeds too, is an input in some mode). A zone that
/// loads and builds is signed with the golden Ed25519 KSK and ZSK of
/// `test-data/keys/golden`, written, loaded again and verified: zonesign
/// must sign every zone it accepts so that its own verifier passes it (in a
/// real run that verifier would refuse the output, which fails closed but
/// leaves the operator without a zone). Panics with the findings otherwise.
#[doc(hidden)]
pub fn fuzz_sign(data: &[u8]) {
    use crate::denial::nsec3::OptOut;
    use crate::load::{fuzz_zone, fuzz_zone_text};
    use std::sync::OnceLock;
    static KEYS: OnceLock<Vec<ZoneKey>> = OnceLock::new();
    let mode = data.len() % 8;
    let Ok(mut zone) = fuzz_zone(&fuzz_zone_text(data), usize::MAX) else { return };
    let keys = KEYS.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("test-data/keys/golden");
        let paths =
            ["Kexample.+015+05600.private", "Kexample.+015+46551.private"].map(|f| dir.join(f));
        keyset::load_software_keys(&paths, &zone.origin, zone.class, keyset::RolePolicy::ByFlags)
            .expect("the golden keys load")
    });
    let nsec3 = |iterations, salt: &[u8], opt_out| {
        DenialMode::Nsec3(Nsec3Params { iterations, salt: salt.to_vec(), opt_out })
    };
    let denial = match mode % 4 {
        0 => DenialMode::Nsec,
        1 => nsec3(0, b"", OptOut::Disabled),
        2 => nsec3(0, b"", OptOut::Enabled),
        _ => nsec3(1, b"\xa1\xb2", OptOut::Disabled),
    };
    let opts = SignOptions {
        cds_withheld: Vec::new(),
        cds_published: Vec::new(),
        inception: 1_780_000_000,
        expiration: 1_790_000_000,
        jitter: 3600,
        denial,
        dnskey_ttl: None,
        key_file_ttl: None,
        cds: mode & 4 != 0,
        // Both digest types, so that the verifier reads SHA-384 CDS too.
        cds_digests: vec![keys::DigestType::Sha256, keys::DigestType::Sha384],
        publish: Vec::new(),
        // The input's ZONEMD made again, as `zonesign sign` does; one
        // zonesign cannot compute is refused there too.
        zonemd: match crate::zonemd::input_hashes(&zone) {
            Ok(hashes) => Some(hashes),
            Err(_) => return,
        },
        hash_backend: Backend::detect(),
        progress: None,
    };
    // Input CDS/CDNSKEY kept without `cds` must name the golden keys, as
    // `zonesign sign` requires (exit 3 otherwise).
    let dnskeys: Vec<&[u8]> = keys.iter().map(|k| &k.dnskey[..]).collect();
    if !opts.cds && keyset::check_input_cds(&zone, &dnskeys, keys).is_err() {
        return;
    }
    prepare(&mut zone, keys, &opts).expect("a zone that builds is prepared for signing");
    sign_zone(&mut zone, keys, &opts).expect("a zone that builds signs");
    let signed = crate::emit::write_zone(&zone, Vec::new()).expect("writing to memory");
    let zone = fuzz_zone(&signed, usize::MAX)
        .unwrap_or_else(|e| panic!("the signed zone does not load again: {e}"));
    let at = crate::verify::VerifyOptions { at: 1_785_000_000, trust_anchors: Vec::new() };
    let report = crate::verify::verify_zone(&zone, &at);
    if report.errors() > 0 {
        let findings: Vec<String> = report.findings.iter().map(|f| f.to_string()).collect();
        panic!("the signed zone fails verification:\n{}", findings.join("\n"));
    }
}

#[cfg(test)]
mod tests_denial_of_input {
    use super::*;
    use crate::denial::nsec3::OptOut;
    use crate::load::{load_bytes, LoadOptions};
    use crate::zone::name::Name;

    fn zone(text: &str) -> Zone {
        let origin = Name::parse(b"example.", &Name::root()).unwrap();
        let opts = LoadOptions::new(origin.clone());
        let loaded = load_bytes(text.as_bytes(), std::path::Path::new("z.zone"), &opts).unwrap();
        Zone::build(loaded, &origin).unwrap()
    }

    const BASE: &str = "$TTL 300\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n";
    const NEXT: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA A";

    /// RFC 5155 §4: the NSEC3PARAM names the chain in use; the Opt-Out
    /// flag comes from a record of that chain, not from a stale chain of
    /// other parameters that sorts first (the eighth audit, 2026-12-06).
    #[test]
    fn rfc5155_section_4_the_kept_denial_is_the_nsec3param_chain() {
        let text = format!(
            "{BASE}@ NSEC3PARAM 1 0 0 CC\n\
             00000000000000000000000000000000 NSEC3 1 1 0 AA {NEXT}\n\
             vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv NSEC3 1 0 0 CC {NEXT}\n"
        );
        let want = Nsec3Params { iterations: 0, salt: vec![0xcc], opt_out: OptOut::Disabled };
        assert_eq!(DenialMode::of_input(&zone(&text)), Some(DenialMode::Nsec3(want)));
        // Without an NSEC3PARAM: the first NSEC3's parameters and flag.
        let text = format!("{BASE}00000000000000000000000000000000 NSEC3 1 1 2 AA {NEXT}\n");
        let want = Nsec3Params { iterations: 2, salt: vec![0xaa], opt_out: OptOut::Enabled };
        assert_eq!(DenialMode::of_input(&zone(&text)), Some(DenialMode::Nsec3(want)));
        // NSEC at the apex; nothing at all.
        let text = format!("{BASE}@ NSEC ns.example. SOA NS RRSIG NSEC\n");
        assert_eq!(DenialMode::of_input(&zone(&text)), Some(DenialMode::Nsec));
        assert_eq!(DenialMode::of_input(&zone(BASE)), None);
    }

    /// RFC 5155 §4.1.2: "NSEC3PARAM RRs with a Flags field value other than
    /// zero MUST be ignored." One with flags 1 named the chain kept on a
    /// re-sign: Opt-Out was turned off and the salt and iterations changed
    /// (the fifty-ninth audit, 2026-12-07).
    #[test]
    fn rfc5155_section_4_1_2_an_nsec3param_with_flags_is_ignored() {
        let text = format!(
            "{BASE}@ NSEC3PARAM 1 1 5 AB\n\
             00000000000000000000000000000000 NSEC3 1 1 0 - {NEXT}\n"
        );
        let want = Nsec3Params { iterations: 0, salt: vec![], opt_out: OptOut::Enabled };
        let flagged = zone(&text);
        assert_eq!(DenialMode::of_input(&flagged), Some(DenialMode::Nsec3(want)));
        assert_eq!(DenialMode::input_nsec3param_ignored_flags(&flagged), Some(1));
        // Alone, it names no chain: the default; of hash algorithm 2, it
        // is not a chain of an unknown algorithm either.
        let alone = zone(&format!("{BASE}@ NSEC3PARAM 1 128 0 -\n@ NSEC3PARAM 2 1 0 -\n"));
        assert_eq!(DenialMode::of_input(&alone), None);
        assert_eq!(DenialMode::input_nsec3_hash_unknown(&alone), None);
        assert_eq!(DenialMode::input_nsec3param_ignored_flags(&zone(BASE)), None);
    }

    /// An NSEC3PARAM changed to new parameters over an Opt-Out chain, or a
    /// second one beside the chain's own, gave a chain without Opt-Out
    /// while the notice said the input's denial was kept (the sixty-first
    /// audit, 2026-12-07): the flag is the records', the NSEC3PARAM kept
    /// the one they have, and both are said.
    #[test]
    fn rfc5155_section_4_an_nsec3param_of_other_parameters_keeps_the_chains_opt_out() {
        let chain = format!("00000000000000000000000000000000 NSEC3 1 1 5 ABCD {NEXT}\n");
        let want = |iterations, salt: &[u8]| {
            let salt = salt.to_vec();
            Some(DenialMode::Nsec3(Nsec3Params { iterations, salt, opt_out: OptOut::Enabled }))
        };
        let changed = zone(&format!("{BASE}@ NSEC3PARAM 1 0 0 -\n{chain}"));
        assert_eq!(DenialMode::of_input(&changed), want(0, &[]));
        let notes = DenialMode::input_nsec3param_notes(&changed);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("is not the parameters of its NSEC3 records"), "{notes:?}");
        // `1 0 0 -` sorts before `1 0 5 ABCD`: the records' one is kept.
        let two = zone(&format!("{BASE}@ NSEC3PARAM 1 0 0 -\n@ NSEC3PARAM 1 0 5 ABCD\n{chain}"));
        assert_eq!(DenialMode::of_input(&two), want(5, &[0xab, 0xcd]));
        let notes = DenialMode::input_nsec3param_notes(&two);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("2 NSEC3PARAM records in use"), "{notes:?}");
        // One NSEC3PARAM, the chain's: nothing to say.
        let one = zone(&format!("{BASE}@ NSEC3PARAM 1 0 5 ABCD\n{chain}"));
        assert!(DenialMode::input_nsec3param_notes(&one).is_empty());
        // Two chains of other parameters, one Opt-Out: neither decides,
        // whichever sorts first (the sixty-second audit).
        for (first, second) in [("1 1 5 ABCD", "1 0 0 -"), ("1 0 0 -", "1 1 5 ABCD")] {
            let two_chains = zone(&format!(
                "{BASE}@ NSEC3PARAM 1 0 7 EE\n\
                 00000000000000000000000000000000 NSEC3 {first} {NEXT}\n\
                 vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv NSEC3 {second} {NEXT}\n"
            ));
            let want = Nsec3Params { iterations: 7, salt: vec![0xee], opt_out: OptOut::Disabled };
            assert_eq!(DenialMode::of_input(&two_chains), Some(DenialMode::Nsec3(want)));
            let notes = DenialMode::input_nsec3param_notes(&two_chains);
            assert!(notes.len() == 1 && notes[0].contains("of 2 parameter sets"), "{notes:?}");
        }
    }

    /// RFC 5155 §4: with no NSEC3PARAM in use, records of two parameter
    /// sets name no chain (the first in hash order decided); and a record
    /// not at a hashed owner is in no chain (RFC 5155 §3; one at `www`
    /// decided the Opt-Out flag: the sixty-third audit, 2026-12-07).
    #[test]
    fn rfc5155_section_4_records_of_two_parameter_sets_name_no_chain() {
        let two = |param: &str| {
            zone(&format!(
                "{BASE}{param}00000000000000000000000000000000 NSEC3 1 1 0 AB {NEXT}\n\
                 vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv NSEC3 1 0 0 02 {NEXT}\n"
            ))
        };
        assert_eq!(DenialMode::input_nsec3_chains_unnamed(&two("")), Some(2));
        assert_eq!(
            DenialMode::input_nsec3_chains_unnamed(&two("@ NSEC3PARAM 1 1 0 AB\n")),
            Some(2)
        );
        assert_eq!(DenialMode::input_nsec3_chains_unnamed(&two("@ NSEC3PARAM 1 0 0 AB\n")), None);
        let stray = zone(&format!(
            "{BASE}@ NSEC3PARAM 1 0 7 EE\n\
             00000000000000000000000000000000 NSEC3 1 1 0 AB {NEXT}\n\
             www A 192.0.2.2\nwww NSEC3 1 0 7 EE {NEXT} A\n"
        ));
        assert_eq!(DenialMode::input_nsec3_chains_unnamed(&stray), None);
        let want = Nsec3Params { iterations: 7, salt: vec![0xee], opt_out: OptOut::Enabled };
        assert_eq!(DenialMode::of_input(&stray), Some(DenialMode::Nsec3(want)));
        assert_eq!(DenialMode::input_nsec3param_notes(&stray).len(), 1);
        // Nor is a stray record a second chain beside NSEC, or a chain of
        // an unknown hash (the sixty-fourth audit).
        let nsec = zone(&format!(
            "{BASE}@ NSEC ns.example. SOA NS RRSIG NSEC\nwww A 192.0.2.2\nwww NSEC3 2 0 0 - {NEXT}\n"
        ));
        assert!(!DenialMode::input_has_both_chains(&nsec));
        assert_eq!(DenialMode::input_nsec3_hash_unknown(&nsec), None);
        // Two NSEC3PARAMs in use, each with its chain: the one dropped is
        // named, with its Opt-Out.
        let both = zone(&format!(
            "{BASE}@ NSEC3PARAM 1 0 0 -\n@ NSEC3PARAM 1 0 5 AB\n\
             00000000000000000000000000000000 NSEC3 1 0 0 - {NEXT}\n\
             vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv NSEC3 1 1 5 AB {NEXT}\n"
        ));
        let notes = DenialMode::input_nsec3param_notes(&both);
        assert!(
            notes[0].contains("kept (salt -, 0 extra iterations); the others: salt AB, 5 extra iterations (a chain of 1 NSEC3 records, Opt-Out, dropped)"),
            "{notes:?}"
        );
    }

    /// RFC 5155 §3.1.2.1 sets the Opt-Out flag per record, and a chain may
    /// mix both: its first record decided, and a rebuild that said it kept
    /// the input's denial turned Opt-Out on or off (the twelfth audit,
    /// 2026-12-06). With mixed flags, a chain that leaves out an insecure
    /// delegation is Opt-Out (RFC 5155 §6).
    #[test]
    fn rfc5155_section_3_1_2_1_mixed_opt_out_flags_are_read_from_the_chain() {
        let wire = b"\x03sub\x07example\x00";
        let hash = crate::denial::hash::nsec3_hash(Backend::detect(), wire, &[], 0);
        let sub = data_encoding::BASE32HEX_NOPAD.encode(&hash);
        let base = format!("{BASE}sub NS ns.other.\n@ NSEC3PARAM 1 0 0 -\n");
        // The first record's flag clear, the delegation left out: Opt-Out.
        let text = format!(
            "{base}00000000000000000000000000000000 NSEC3 1 0 0 - {NEXT}\n\
             vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv NSEC3 1 1 0 - {NEXT}\n"
        );
        let want = Nsec3Params { iterations: 0, salt: vec![], opt_out: OptOut::Enabled };
        assert_eq!(DenialMode::of_input(&zone(&text)), Some(DenialMode::Nsec3(want)));
        // The first record's flag set, the delegation in the chain: none.
        let text = format!(
            "{base}00000000000000000000000000000000 NSEC3 1 1 0 - {NEXT}\n\
             {sub} NSEC3 1 0 0 - {NEXT} NS\n"
        );
        let want = Nsec3Params { iterations: 0, salt: vec![], opt_out: OptOut::Disabled };
        assert_eq!(DenialMode::of_input(&zone(&text)), Some(DenialMode::Nsec3(want)));
    }
}
