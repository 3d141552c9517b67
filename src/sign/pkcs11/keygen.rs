//! `zonesign hsm keygen`: one key pair, the same in every HSM.
//!
//! # Background
//! The .de rollover agent ran "generate key" once per HSM and got a
//! different key pair in each. Here the pair is generated once, in software
//! (aws-lc-rs), and the *same* private key is imported into every
//! configured HSM with C_CreateObject (CKA_SENSITIVE true, CKA_EXTRACTABLE
//! false, CKA_SIGN true, same CKA_ID and label everywhere), with its public
//! key object beside it. The BIND `.key` file is written, the private key
//! is wiped from memory, and the run ends with the full proof on every HSM.
//!
//! It refuses to touch a token that already holds an object with the same
//! CKA_ID or label, and if an import fails part-way, the objects it created
//! are destroyed again so no HSM keeps half a rollover.
//!
//! # Limitations
//! Generation in one HSM and wrap/unwrap to the others is not implemented.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crossbeam::channel::RecvTimeoutError;

use aws_lc_rs::encoding::{AsBigEndian, AsDer};
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair, RsaKeyPair};
use cryptoki::object::{Attribute, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::Session;
use zeroize::Zeroizing;

use super::config::{HsmConfig, KeyEntry};
use super::pool::open_all;
use super::proof::{prove_key, OID_ED25519, OID_P256, OID_P384};
use super::session::{ask, Contexts, OpenHsm};
use super::{pkcs11_error, HsmError};
use crate::sign::keys::{
    dnskey_rdata, key_tag, rsa_public_key_field, write_public_key_file, Algorithm, KeyError,
};
use crate::sign::KeyRole;
use crate::zone::name::Name;
use crate::zone::rtype::Class;

/// What to generate.
#[derive(Debug, Clone)]
pub struct KeygenRequest {
    pub origin: Name,
    pub algorithm: Algorithm,
    pub role: KeyRole,
    /// RSA modulus size; 2048 if not given.
    pub bits: Option<usize>,
    /// The zone's class, written in the `.key` file.
    pub class: Class,
    /// CKA_ID for both objects.
    pub id: Vec<u8>,
    /// CKA_LABEL for both objects.
    pub label: String,
    /// Where the `.key` file goes.
    pub key_dir: PathBuf,
}

/// What was made.
#[derive(Debug, Clone)]
pub struct KeygenResult {
    pub key_file: PathBuf,
    pub key_tag: u16,
    pub hsms: Vec<String>,
}

/// An attribute constructor such as `Attribute::Prime1`.
type MakeAttribute = fn(Vec<u8>) -> Attribute;

/// The key material, as PKCS#11 attributes; private parts in zeroizing
/// buffers that are wiped when this is dropped.
pub struct Material {
    key_type: KeyType,
    public_field: Vec<u8>,
    public_attrs: Vec<Attribute>,
    private_attrs: Vec<(Zeroizing<Vec<u8>>, MakeAttribute)>,
    ec_params: Option<Vec<u8>>,
}

impl std::fmt::Debug for Material {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Material").field("key_type", &self.key_type).finish_non_exhaustive()
    }
}

fn der_octet_string(value: &[u8]) -> Vec<u8> {
    // Points are at most 97 octets: the short or one-octet long form.
    let mut out = vec![0x04];
    if value.len() < 0x80 {
        out.push(value.len() as u8);
    } else {
        out.push(0x81);
        out.push(value.len() as u8);
    }
    out.extend_from_slice(value);
    out
}

/// Generates a key pair in software.
pub fn generate(algorithm: Algorithm, bits: Option<usize>) -> Result<Material, KeyError> {
    let failed = || KeyError::GenerationFailed { algorithm };
    match algorithm {
        // A size only RSA has: refused for the others, as `keygen` does
        // (`hsm keygen` ignored it until the fifth audit, 2026-12-06).
        _ if bits.is_some()
            && !matches!(algorithm, Algorithm::RsaSha256 | Algorithm::RsaSha512) =>
        {
            Err(KeyError::UnsupportedKeySize {
                algorithm,
                bits: bits.unwrap_or_default(),
                path: None,
            })
        }
        Algorithm::RsaSha256 | Algorithm::RsaSha512 => {
            let size = match bits.unwrap_or(2048) {
                2048 => KeySize::Rsa2048,
                3072 => KeySize::Rsa3072,
                4096 => KeySize::Rsa4096,
                bits => return Err(KeyError::UnsupportedKeySize { algorithm, bits, path: None }),
            };
            let pair = RsaKeyPair::generate(size).map_err(|_| failed())?;
            let pkcs8: aws_lc_rs::encoding::Pkcs8V1Der<'static> =
                pair.as_der().map_err(|_| failed())?;
            let pkcs8 = Zeroizing::new(pkcs8.as_ref().to_vec());
            let c = crate::sign::keys::der::rsa_components_from_pkcs8(&pkcs8).ok_or_else(failed)?;
            let public_field = rsa_public_key_field(c.public_exponent, c.modulus);
            let z = |v: &[u8]| Zeroizing::new(v.to_vec());
            Ok(Material {
                key_type: KeyType::RSA,
                public_field,
                public_attrs: vec![
                    Attribute::Modulus(c.modulus.to_vec()),
                    Attribute::PublicExponent(c.public_exponent.to_vec()),
                ],
                private_attrs: vec![
                    (z(c.modulus), Attribute::Modulus),
                    (z(c.public_exponent), Attribute::PublicExponent),
                    (z(c.private_exponent), Attribute::PrivateExponent),
                    (z(c.prime1), Attribute::Prime1),
                    (z(c.prime2), Attribute::Prime2),
                    (z(c.exponent1), Attribute::Exponent1),
                    (z(c.exponent2), Attribute::Exponent2),
                    (z(c.coefficient), Attribute::Coefficient),
                ],
                ec_params: None,
            })
        }
        Algorithm::EcdsaP256Sha256 | Algorithm::EcdsaP384Sha384 => {
            let (alg, params) = if algorithm == Algorithm::EcdsaP384Sha384 {
                (&signature::ECDSA_P384_SHA384_FIXED_SIGNING, OID_P384.to_vec())
            } else {
                (&signature::ECDSA_P256_SHA256_FIXED_SIGNING, OID_P256.to_vec())
            };
            let pair = EcdsaKeyPair::generate(alg).map_err(|_| failed())?;
            let scalar: aws_lc_rs::encoding::EcPrivateKeyBin<'static> =
                pair.private_key().as_be_bytes().map_err(|_| failed())?;
            let point = pair.public_key().as_ref().to_vec();
            Ok(Material {
                key_type: KeyType::EC,
                public_field: point.get(1..).unwrap_or_default().to_vec(),
                public_attrs: vec![Attribute::EcPoint(der_octet_string(&point))],
                private_attrs: vec![(Zeroizing::new(scalar.as_ref().to_vec()), Attribute::Value)],
                ec_params: Some(params),
            })
        }
        Algorithm::Ed25519 => {
            let pair = Ed25519KeyPair::generate().map_err(|_| failed())?;
            let seed = pair.seed().map_err(|_| failed())?;
            let seed: aws_lc_rs::encoding::Curve25519SeedBin<'static> =
                seed.as_be_bytes().map_err(|_| failed())?;
            let public = pair.public_key().as_ref().to_vec();
            Ok(Material {
                key_type: KeyType::EC_EDWARDS,
                public_field: public.clone(),
                public_attrs: vec![Attribute::EcPoint(der_octet_string(&public))],
                private_attrs: vec![(Zeroizing::new(seed.as_ref().to_vec()), Attribute::Value)],
                ec_params: Some(OID_ED25519.to_vec()),
            })
        }
    }
}

impl Material {
    /// The DNSKEY public key field.
    pub fn public_key_field(&self) -> &[u8] {
        &self.public_field
    }

    /// Creates the private and public objects in one session. The
    /// attribute vectors holding private values are wiped after the call
    /// (cryptoki copies them into the C template).
    pub fn import(
        &self,
        session: &Session,
        id: &[u8],
        label: &str,
    ) -> Result<(ObjectHandle, ObjectHandle), ImportFailure> {
        let mut common = vec![
            Attribute::KeyType(self.key_type),
            Attribute::Token(true),
            Attribute::Id(id.to_vec()),
            Attribute::Label(label.as_bytes().to_vec()),
        ];
        if let Some(p) = &self.ec_params {
            common.push(Attribute::EcParams(p.clone()));
        }
        // A zone key signs and does nothing else. PKCS#11 v2.40 §4.9 leaves
        // the defaults of CKA_DECRYPT, CKA_UNWRAP and CKA_DERIVE to the token,
        // and SoftHSM2 allows them: an RSA zone key decrypted, a PKCS#1
        // v1.5 decryption oracle inside the HSM (the fifth audit,
        // 2026-12-06). Every usage is set.
        let mut private = vec![
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::Private(true),
            Attribute::Sensitive(true),
            Attribute::Extractable(false),
            Attribute::Sign(true),
            Attribute::SignRecover(false),
            Attribute::Decrypt(false),
            Attribute::Unwrap(false),
            Attribute::Derive(false),
        ];
        private.extend(common.iter().cloned());
        for (value, make) in &self.private_attrs {
            private.push(make(value.to_vec()));
        }
        let created = session.create_object(&private);
        wipe(&mut private);
        let private_handle = created.map_err(|error| ImportFailure { error, private: None })?;
        let mut public = vec![
            Attribute::Class(ObjectClass::PUBLIC_KEY),
            Attribute::Private(false),
            Attribute::Verify(true),
            Attribute::VerifyRecover(false),
            Attribute::Encrypt(false),
            Attribute::Wrap(false),
            Attribute::Derive(false),
        ];
        public.extend(common);
        public.extend(self.public_attrs.iter().cloned());
        // The private object of a failed import is the caller's to
        // destroy, and to name if it cannot (the thirty-ninth audit: a
        // destroy that failed here went unsaid, and the run said every HSM
        // was undone).
        session
            .create_object(&public)
            .map(|h| (private_handle, h))
            .map_err(|error| ImportFailure { error, private: Some(private_handle) })
    }
}

/// An import that failed: the PKCS#11 error, and the private object it
/// had created already, if any.
#[derive(Debug)]
pub struct ImportFailure {
    pub error: cryptoki::error::Error,
    pub private: Option<ObjectHandle>,
}

/// Overwrites the byte values of a template that held private components.
fn wipe(template: &mut [Attribute]) {
    use zeroize::Zeroize;
    for a in template.iter_mut() {
        match a {
            Attribute::Value(v)
            | Attribute::PrivateExponent(v)
            | Attribute::Prime1(v)
            | Attribute::Prime2(v)
            | Attribute::Exponent1(v)
            | Attribute::Exponent2(v)
            | Attribute::Coefficient(v) => v.zeroize(),
            _ => {}
        }
    }
}

/// Refuses when any object with this CKA_ID or label exists in the token.
fn refuse_existing(open: &OpenHsm, id: &[u8], label: &str) -> Result<(), HsmError> {
    let s = &open.sessions[0];
    let name = &open.entry.name;
    let find = |t: Vec<Attribute>| {
        s.find_objects(&t).map_err(|e| pkcs11_error(name, None, "C_FindObjects", e))
    };
    let exists = |what: String| HsmError::ObjectExists {
        hsm: name.clone(),
        token: format!("token \"{}\"", open.token),
        what,
    };
    if !find(vec![Attribute::Id(id.to_vec())])?.is_empty() {
        return Err(exists(format!("CKA_ID {}", data_encoding::HEXLOWER.encode(id))));
    }
    if !find(vec![Attribute::Label(label.as_bytes().to_vec())])?.is_empty() {
        return Err(exists(format!("label \"{label}\"")));
    }
    Ok(())
}

/// One HSM of a keygen, behind a lock so that each call can run on a
/// thread of its own ([`timed`]).
type Shared = Arc<Mutex<OpenHsm>>;

/// Runs `call` on `hsm` on a thread of its own and waits for it at most
/// the HSM's `timeout`: a rollover agent's `hsm keygen` waited for ever on
/// an HSM that stopped answering (left by the forty-fifth session's note).
/// `silent` gets the index of an HSM that did not answer; its thread is
/// abandoned with the lock, and nothing calls that HSM again.
fn timed<T: Send + 'static>(
    open: &[Shared],
    config: &HsmConfig,
    i: usize,
    during: String,
    silent: &mut Vec<usize>,
    call: impl FnOnce(&OpenHsm) -> Result<T, HsmError> + Send + 'static,
) -> Result<T, HsmError> {
    let entry = &config.hsms[i];
    let hsm = Arc::clone(&open[i]);
    let rx = ask(move || {
        let guard = hsm.lock().unwrap_or_else(|p| p.into_inner());
        call(&guard)
    });
    match super::clock::recv_within(&rx, std::time::Instant::now(), entry.timeout) {
        Ok(r) => r,
        Err(RecvTimeoutError::Timeout) => {
            super::note_thread_left_in_module();
            silent.push(i);
            Err(HsmError::NoAnswer {
                hsm: entry.name.clone(),
                key: None,
                during,
                seconds: entry.timeout.as_secs(),
            })
        }
        Err(RecvTimeoutError::Disconnected) => Err(HsmError::Pkcs11 {
            hsm: entry.name.clone(),
            key: None,
            function: during,
            ckr: super::session::ended_without_result("its call"),
        }),
    }
}

/// Generates one key pair, imports it into every HSM of `config`, writes
/// the `.key` file and proves the key on every HSM. Every call to an HSM
/// is held to its `timeout` (`timed`). Returns the result, and the
/// sessions and modules to close once it is said.
pub fn keygen(
    config: &HsmConfig,
    req: &KeygenRequest,
) -> (Result<KeygenResult, HsmError>, super::Closing) {
    let mut contexts = Contexts::default();
    let mut open: Vec<Shared> = Vec::with_capacity(config.hsms.len());
    let made = keygen_in(config, req, &mut contexts, &mut open);
    // Sessions closed and modules finalised within the timeout, whatever
    // happened, once the caller has said the result: a module that never
    // returned from C_CloseSession left the keygen silent for ever, its
    // key made (the forty-fourth audit).
    (made, super::Closing::new((open, contexts), config.longest_timeout()))
}

/// [`keygen`], with the modules and the HSMs it opens left in `contexts`
/// and `open` for the caller to release.
fn keygen_in(
    config: &HsmConfig,
    req: &KeygenRequest,
    contexts: &mut Contexts,
    open: &mut Vec<Shared>,
) -> Result<KeygenResult, HsmError> {
    let flags = match req.role {
        KeyRole::Ksk | KeyRole::Csk => crate::sign::keys::FLAGS_KSK,
        KeyRole::Zsk => crate::sign::keys::FLAGS_ZSK,
    };
    if req.id.is_empty() || req.label.is_empty() {
        return Err(HsmError::Config {
            path: config.path.clone(),
            reason: "hsm keygen needs a non-empty --id and --label".into(),
        });
    }
    // Every HSM must be reachable before anything is created anywhere;
    // every one that is not is named (only the first was).
    let mut failures = Vec::new();
    for o in open_all(config, contexts, true) {
        match o {
            Ok(o) => open.push(Arc::new(Mutex::new(o))),
            Err(errors) => failures.extend(errors),
        }
    }
    if failures.len() == 1 {
        return Err(failures.swap_remove(0));
    }
    if !failures.is_empty() {
        return Err(HsmError::Unreachable { failures });
    }
    let open: &[Shared] = open;
    let mut silent = Vec::new();
    for i in 0..open.len() {
        let (id, label) = (req.id.clone(), req.label.clone());
        let during = "C_FindObjects (objects of the same CKA_ID or label)".to_owned();
        timed(open, config, i, during, &mut silent, move |o| refuse_existing(o, &id, &label))?;
    }
    // As `zonesign keygen` and `dnssec-keygen`: a key whose tag, or tag
    // once revoked (RFC 5011 §2.1: the REVOKE flag changes it), is taken by
    // a key of the zone in the key directory or of the configuration is
    // made again. Such a key was made and imported, a same-tag pair of
    // other material waiting for the first revocation, or it failed as an
    // HSM problem with "File exists" (the forty-ninth audit).
    let mut taken = crate::run::taken_key_tags(&req.key_dir, &req.origin, req.algorithm.number());
    taken.extend(
        config
            .keys
            .iter()
            .filter(|k| k.published.get(3) == Some(&req.algorithm.number()))
            .flat_map(|k| crate::run::tag_and_revoked_tag(&k.published)),
    );
    let fresh = fresh_key(req, flags, &taken).map_err(HsmError::Key)?;
    let (material, rdata) = fresh.ok_or_else(|| HsmError::Config {
        path: config.path.clone(),
        reason: format!(
            "every key generated had a key tag taken in {} or the configuration: too many keys \
             of {} there",
            req.key_dir.display(),
            req.origin
        ),
    })?;
    // A signal before anything exists ends the run as it comes; from the
    // `.key` file on, it stops the keygen between two calls to an HSM,
    // which undoes what was made and says so before the run ends by it
    // (`hold_signals`).
    crate::emit::atomic::hold_signals_until_said();
    let interrupted =
        || crate::emit::atomic::signal_arrived().map(|signal| HsmError::Interrupted { signal });
    // The `.key` file first: one that cannot be written (a missing
    // directory, the file there already) stops the run before any HSM
    // holds a key nobody has the public half of (found by an audit,
    // 2026-12-06: the objects stayed, and a second run was refused).
    let key_file = write_public_key_file(&req.origin, req.class, &rdata, &req.key_dir)
        .map_err(HsmError::Key)?;

    // No HSM keeps half a rollover: on any failure from here on, the
    // objects created are destroyed and the `.key` file removed, and what
    // could not be undone is named. A failed proof (an HSM on a full disk
    // takes the objects and stores nothing) left the key in the others and
    // its `.key` file, and a failed destroy went unsaid (the thirty-eighth
    // audit, 2026-12-07).
    let undo = Undo { open, config, req, key_file: &key_file };
    let mut created: Vec<(usize, Vec<(&'static str, ObjectHandle)>)> = Vec::new();
    let material = Arc::new(material);
    for i in 0..open.len() {
        if let Some(cause) = interrupted() {
            return Err(undo.run(&created, &mut silent, cause));
        }
        let (id, label, m) = (req.id.clone(), req.label.clone(), Arc::clone(&material));
        let during = "C_CreateObject (the key's import)".to_owned();
        let imported = timed(open, config, i, during, &mut silent, move |o| {
            Ok(m.import(&o.sessions[0], &id, &label))
        });
        match imported {
            Ok(Ok((private, public))) => {
                created.push((i, vec![("private", private), ("public", public)]))
            }
            Ok(Err(ImportFailure { error, private })) => {
                created.extend(private.map(|p| (i, vec![("private", p)])));
                let name = &config.hsms[i].name;
                let cause = pkcs11_error(name, Some(&req.label), "C_CreateObject", error);
                return Err(undo.run(&created, &mut silent, cause));
            }
            Err(cause) => return Err(undo.run(&created, &mut silent, cause)),
        }
    }
    // The private key leaves memory here: every buffer is zeroizing (or
    // with the thread of an HSM that did not answer, which then holds it
    // until the process ends, moments later).
    drop(material);

    let entry = KeyEntry {
        role: req.role,
        id: Some(req.id.clone()),
        label: Some(req.label.clone()),
        published: rdata.clone(),
        owner: req.origin.clone(),
        class: req.class,
        dnskey_source: key_file.clone(),
    };
    for i in 0..open.len() {
        if let Some(cause) = interrupted() {
            return Err(undo.run(&created, &mut silent, cause));
        }
        let key = entry.clone();
        let during = format!("the proof (key lookup and test signature) of {}", entry.describe());
        let proof = timed(open, config, i, during, &mut silent, move |o| {
            prove_key(&o.sessions[0], &o.names(), &key).map(|_| ())
        });
        if let Err(cause) = proof {
            return Err(undo.run(&created, &mut silent, cause));
        }
    }
    // A signal during the last proof: the operator asked for no key.
    if let Some(cause) = interrupted() {
        return Err(undo.run(&created, &mut silent, cause));
    }
    let hsms = config.hsms.iter().map(|h| h.name.clone()).collect();
    Ok(KeygenResult { key_file, key_tag: key_tag(&rdata), hsms })
}

/// A key pair of `req` with `flags` whose tag, and tag once revoked, are
/// not in `taken`, and its DNSKEY RDATA; none after 64 tries.
fn fresh_key(
    req: &KeygenRequest,
    flags: u16,
    taken: &[u16],
) -> Result<Option<(Material, Vec<u8>)>, crate::sign::keys::KeyError> {
    for _ in 0..64 {
        let material = generate(req.algorithm, req.bits)?;
        let rdata = dnskey_rdata(flags, req.algorithm, material.public_key_field());
        if crate::run::key_tag_free(&req.key_dir, &req.origin, req.algorithm, taken, &rdata) {
            return Ok(Some((material, rdata)));
        }
    }
    Ok(None)
}

/// What [`keygen`] needs to undo a key it made part of.
struct Undo<'a> {
    open: &'a [Shared],
    config: &'a HsmConfig,
    req: &'a KeygenRequest,
    key_file: &'a Path,
}

impl Undo<'_> {
    /// Destroys the objects `created` in the HSMs that still answer,
    /// removes the `.key` file, and names what could not be undone: an
    /// object a destroy failed for, and every HSM in `silent`, which may
    /// hold the key (its import or proof never answered).
    fn run(
        &self,
        created: &[(usize, Vec<(&'static str, ObjectHandle)>)],
        silent: &mut Vec<usize>,
        cause: HsmError,
    ) -> HsmError {
        let req = self.req;
        let what = |j: usize, detail: String| {
            format!(
                "hsm {} (id {}, label {}: {detail})",
                self.config.hsms[j].name,
                data_encoding::HEXLOWER.encode(&req.id),
                req.label,
            )
        };
        let mut left = Vec::new();
        for (j, objects) in created {
            let j = *j;
            if silent.contains(&j) {
                continue;
            }
            let objects = objects.clone();
            let destroyed = timed(
                self.open,
                self.config,
                j,
                "C_DestroyObject (undoing the import)".to_owned(),
                silent,
                move |o| {
                    let session = &o.sessions[0];
                    Ok(objects
                        .iter()
                        .filter_map(|&(what, h)| {
                            session.destroy_object(h).err().map(|e| format!("{what} key: {e}"))
                        })
                        .collect::<Vec<String>>())
                },
            );
            match destroyed {
                Ok(failed) if failed.is_empty() => {}
                Ok(failed) => left.push(what(j, failed.join(", "))),
                Err(e) => left.push(what(j, e.to_string())),
            }
        }
        for &j in silent.iter() {
            let said =
                left.iter().any(|l| l.starts_with(&format!("hsm {} ", self.config.hsms[j].name)));
            if !said {
                left.push(what(j, "no answer: it may hold the key's objects".to_owned()));
            }
        }
        // A `.key` file that cannot be removed is said, not called removed
        // (the thirty-ninth audit).
        let key_file_left = std::fs::remove_file(self.key_file).err().map(|e| e.to_string());
        HsmError::KeygenUndone {
            cause: Box::new(cause),
            key_file: self.key_file.to_path_buf(),
            key_file_left,
            left,
        }
    }
}

/// Imports an existing key pair (test fixtures, the .de reproduction): the
/// caller supplies the material. Used by the benches and tests.
pub fn import_into(
    open: &OpenHsm,
    material: &Material,
    id: &[u8],
    label: &str,
) -> Result<(), HsmError> {
    refuse_existing(open, id, label)?;
    material
        .import(&open.sessions[0], id, label)
        .map(|_| ())
        .map_err(|ImportFailure { error, private }| {
            if let Some(p) = private {
                let _ = open.sessions[0].destroy_object(p);
            }
            error
        })
        .map_err(|e| pkcs11_error(&open.entry.name, Some(label), "C_CreateObject", e))
}

/// The path a `.key` file for `rdata` would have in `dir`.
pub fn key_file_path(dir: &Path, origin: &Name, rdata: &[u8]) -> Option<PathBuf> {
    let alg = Algorithm::from_number(*rdata.get(3)?).ok()?;
    let stem = crate::sign::keys::key_file_stem(origin, alg, key_tag(rdata));
    Some(dir.join(format!("{stem}.key")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The forty-ninth audit: `hsm keygen` made and imported a key whose
    /// tag, or tag once revoked, a key of the zone had (RFC 5011 §2.1), or
    /// failed as an HSM problem with "File exists". As `keygen` does, it
    /// makes another key, and gives up only when every tag is taken.
    #[test]
    fn regression_hsm_keygen_avoids_taken_key_tags() {
        let req = KeygenRequest {
            origin: Name::parse(b"example.", &Name::root()).unwrap(),
            algorithm: Algorithm::EcdsaP256Sha256,
            role: KeyRole::Zsk,
            bits: None,
            class: Class::IN,
            id: vec![1],
            label: "zsk".into(),
            key_dir: PathBuf::from("."),
        };
        let flags = crate::sign::keys::FLAGS_ZSK;
        let (_, rdata) = fresh_key(&req, flags, &[]).unwrap().expect("a key");
        // Every tag but one, and that one's revoked twin free too: the key
        // made has that tag, whatever the tries it takes.
        let [free, free_revoked] = crate::run::tag_and_revoked_tag(&rdata);
        let all_but: Vec<u16> =
            (0..=u16::MAX).filter(|&t| t != free && t != free_revoked).collect();
        if let Some((_, made)) = fresh_key(&req, flags, &all_but).unwrap() {
            assert_eq!(key_tag(&made), free);
        }
        let every: Vec<u16> = (0..=u16::MAX).collect();
        assert!(fresh_key(&req, flags, &every).unwrap().is_none());
        // A `.private` file without its `.key` takes its tag too (the
        // fiftieth audit): with one for every tag, no key is free.
        let dir = tempfile::tempdir().unwrap();
        for tag in 0..=u16::MAX {
            let stem = crate::sign::keys::key_file_stem(&req.origin, req.algorithm, tag);
            std::fs::write(dir.path().join(format!("{stem}.private")), "").unwrap();
        }
        let req = KeygenRequest { key_dir: dir.path().to_path_buf(), ..req };
        assert!(fresh_key(&req, flags, &[]).unwrap().is_none());
    }
}
