//! The configured session key set: Ed25519 keys by key id. Only the identity function holds
//! signing keys (`session_keys`); every function verifies with public keys
//! (`session_public_keys`, plus the public halves of any signing keys it holds, derived once
//! through the platform's `Signatures` port and remembered).

use crate::b64;
use medportal_core::ports::Signatures;
use medportal_core::{Config, Error, Result};
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::rc::Rc;

/// Key id of the development key (dev mode in a development build only, when no keys are
/// configured; the key itself comes from `Config::dev_session_key_label`).
pub const DEV_KID: &str = "dev";

pub struct Signer {
    pub kid: String,
    pub(crate) seed: [u8; 32],
}

pub struct KeySet {
    pub(crate) signer: Option<Signer>,
    /// Secret seeds by key id: their public halves are derived on first use.
    seeds: Vec<(String, [u8; 32])>,
    /// Public keys by key id: configured, or derived from `seeds`.
    verifiers: RefCell<Vec<(String, [u8; 32])>>,
    /// HMAC key for anonymous (pre-session) CSRF tokens; derived from the signing seed, so
    /// only the function holding signing keys can mint or check them.
    pub(crate) csrf_key: Option<[u8; 32]>,
}

impl std::fmt::Debug for KeySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeySet")
            .field("signer", &self.signer.as_ref().map(|s| &s.kid))
            .field("verifiers", &self.verifiers.borrow().iter().map(|(k, _)| k.clone()).collect::<Vec<_>>())
            .finish()
    }
}

fn decode_32(text: &str) -> Result<[u8; 32]> {
    let bytes = b64::decode(text.trim()).ok_or_else(|| Error::internal("config: session key is not base64url"))?;
    bytes.try_into().map_err(|_| Error::internal("config: session key must be 32 bytes"))
}

fn entries(list: &str) -> impl Iterator<Item = Result<(&str, &str)>> {
    list.split(',').map(str::trim).filter(|e| !e.is_empty()).map(|e| {
        let (kid, key) = e.split_once(':').ok_or_else(|| Error::internal("config: session key entry needs kid:key"))?;
        let kid = kid.trim();
        if kid.is_empty() || kid.len() > 32 || !kid.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Err(Error::internal("config: invalid session key id"));
        }
        Ok((kid, key))
    })
}

impl KeySet {
    /// Builds the key set from config. Dev mode without any configured key uses a fixed,
    /// public development key (never outside dev mode: there no keys means every token is
    /// refused and no session can be issued — fail closed).
    pub fn from_config(config: &Config) -> Result<KeySet> {
        let mut set = KeySet { signer: None, seeds: Vec::new(), verifiers: RefCell::new(Vec::new()), csrf_key: None };
        match (&config.session_keys, &config.session_public_keys) {
            (Some(list), _) => {
                for entry in entries(list) {
                    let (kid, seed) = entry?;
                    set.seeds.push((kid.to_owned(), decode_32(seed)?));
                }
            }
            (None, None) => {
                if let Some(label) = config.dev_session_key_label() {
                    set.seeds.push((DEV_KID.to_owned(), Sha256::digest(label).into()));
                }
            }
            (None, Some(_)) => {}
        }
        // The first signing key signs, and keys the anonymous CSRF tokens.
        if let Some((kid, seed)) = set.seeds.first() {
            let mut h = Sha256::new();
            h.update(b"medportal csrf v1\0");
            h.update(seed);
            set.csrf_key = Some(h.finalize().into());
            set.signer = Some(Signer { kid: kid.clone(), seed: *seed });
        }
        if let Some(list) = &config.session_public_keys {
            for entry in entries(list) {
                let (kid, public) = entry?;
                let key = decode_32(public)?;
                // A signing key's own public half wins over a listed one with the same id.
                if !set.seeds.iter().any(|(k, _)| k == kid) && !set.verifiers.borrow().iter().any(|(k, _)| k == kid) {
                    set.verifiers.borrow_mut().push((kid.to_owned(), key));
                }
            }
        }
        Ok(set)
    }

    /// The key set for `config`, parsed once per isolate (and again only if the config
    /// text changes).
    pub fn cached(config: &Config) -> Result<Rc<KeySet>> {
        thread_local! {
            static CACHE: RefCell<Option<(String, Rc<KeySet>)>> = const { RefCell::new(None) };
        }
        let id = format!(
            "{}|{}|{}",
            config.dev_mode,
            config.session_keys.as_deref().unwrap_or(""),
            config.session_public_keys.as_deref().unwrap_or("")
        );
        if let Some(hit) = CACHE.with(|c| c.borrow().as_ref().filter(|(k, _)| *k == id).map(|(_, v)| v.clone())) {
            return Ok(hit);
        }
        let set = Rc::new(KeySet::from_config(config)?);
        CACHE.with(|c| *c.borrow_mut() = Some((id, set.clone())));
        Ok(set)
    }

    /// A keyed, stable pseudonym for `data` (rate-limit counters, lookups): HMAC-SHA-256
    /// under a key derived from the signing key. `None` without a signing key.
    pub fn pseudonym(&self, label: &str, data: &str) -> Option<String> {
        use hmac::{Hmac, Mac};
        let mut mac = Hmac::<Sha256>::new_from_slice(self.csrf_key.as_ref()?).ok()?;
        mac.update(b"pseudonym\0");
        mac.update(label.as_bytes());
        mac.update(b"\0");
        mac.update(data.as_bytes());
        Some(b64::encode(&mac.finalize().into_bytes()[..18]))
    }

    pub fn can_sign(&self) -> bool {
        self.signer.is_some()
    }

    /// The public key for `kid`: a configured one, or the public half of a signing key
    /// (derived by the platform the first time and remembered with the key set).
    pub(crate) async fn verifier<S: Signatures>(&self, signatures: &S, kid: &str) -> Option<[u8; 32]> {
        if let Some(key) = self.verifiers.borrow().iter().find(|(k, _)| k == kid).map(|(_, v)| *v) {
            return Some(key);
        }
        let seed = self.seeds.iter().find(|(k, _)| k == kid).map(|(_, s)| *s)?;
        let public = signatures.ed25519_public(&seed).await.ok()?;
        self.verifiers.borrow_mut().push((kid.to_owned(), public));
        Some(public)
    }

    /// `kid:<base64url public key>` for every key: the value of `session_public_keys` other
    /// functions need.
    pub async fn public_keys<S: Signatures>(&self, signatures: &S) -> Result<String> {
        let mut kids: Vec<String> = self.seeds.iter().map(|(k, _)| k.clone()).collect();
        kids.extend(self.verifiers.borrow().iter().map(|(k, _)| k.clone()).filter(|k| !self.seeds.iter().any(|(s, _)| s == k)));
        let mut out = Vec::new();
        for kid in kids {
            let key = self.verifier(signatures, &kid).await.ok_or_else(|| Error::internal("session key without public half"))?;
            out.push(format!("{kid}:{}", b64::encode(key)));
        }
        Ok(out.join(","))
    }

    /// A signing key from 32 random bytes, formatted as a `session_keys` entry.
    pub fn format_signing_entry(kid: &str, seed: &[u8; 32]) -> String {
        format!("{kid}:{}", b64::encode(seed))
    }
}
