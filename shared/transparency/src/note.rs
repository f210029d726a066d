//! C2SP `signed-note` (the format of Go's `golang.org/x/mod/sumdb/note`): a text ending in a
//! newline, a blank line, then one line per signature:
//! `— <key name> <base64(key id ‖ signature)>`. Ed25519 keys only (algorithm byte `0x01`);
//! key id = the first 4 bytes of `SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key)`. Verifier
//! keys are published in the `vkey` form `<name>+<hex key id>+<base64(0x01 ‖ public key)>`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use sha2::{Digest, Sha256};

/// The signature algorithm byte of Ed25519 in key ids and `vkey`s.
pub const ALG_ED25519: u8 = 0x01;
/// Go's `note.Open` refuses a note with more signatures than this.
pub const MAX_SIGNATURES: usize = 100;
const DASH: &str = "\u{2014} ";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoteError {
    /// Not a well-formed note (syntax, control characters, names, base64).
    Malformed(&'static str),
    /// A `vkey` that does not parse or whose key id does not match its name and key.
    BadKey(&'static str),
    /// A signature by a known key that does not verify.
    InvalidSignature { key: String },
    /// A signature by a key the caller does not know (strict opening only).
    UnknownKey { key: String },
    /// No signature by a known key.
    Unverified,
    /// The signer failed.
    Signer(String),
}

impl core::fmt::Display for NoteError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            NoteError::Malformed(why) => write!(f, "malformed note: {why}"),
            NoteError::BadKey(why) => write!(f, "bad verifier key: {why}"),
            NoteError::InvalidSignature { key } => write!(f, "invalid signature for key {key}"),
            NoteError::UnknownKey { key } => write!(f, "signature by unknown key {key}"),
            NoteError::Unverified => f.write_str("note has no verifiable signatures"),
            NoteError::Signer(why) => write!(f, "signer failed: {why}"),
        }
    }
}

/// A key name: non-empty, no Unicode white space, no `+`.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name.chars().any(|c| c.is_whitespace() || c == '+')
        && !name.chars().any(|c| c.is_control())
}

/// The key id of an Ed25519 public key under `name`.
pub fn key_id(name: &str, public: &[u8; 32]) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n', ALG_ED25519]);
    h.update(public);
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

/// A published verifier key (Ed25519).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierKey {
    pub name: String,
    pub id: u32,
    pub public: [u8; 32],
}

impl VerifierKey {
    pub fn new(name: &str, public: [u8; 32]) -> Result<Self, NoteError> {
        if !valid_name(name) {
            return Err(NoteError::BadKey("invalid key name"));
        }
        Ok(VerifierKey {
            name: name.to_string(),
            id: key_id(name, &public),
            public,
        })
    }

    /// Parses a `vkey`. Strict: lowercase hex id, canonical base64, and the id must be the
    /// one the name and key give (so any change to a `vkey` makes it invalid).
    pub fn parse(vkey: &str) -> Result<Self, NoteError> {
        // The base64 key may itself contain `+`: only the first two separate fields (as Go).
        let mut parts = vkey.splitn(3, '+');
        let (Some(name), Some(id), Some(key), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(NoteError::BadKey("not name+id+key"));
        };
        if !valid_name(name) {
            return Err(NoteError::BadKey("invalid key name"));
        }
        if id.len() != 8
            || !id
                .bytes()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
        {
            return Err(NoteError::BadKey("key id is not 8 lowercase hex digits"));
        }
        let id = u32::from_str_radix(id, 16).map_err(|_| NoteError::BadKey("key id"))?;
        let raw = B64
            .decode(key)
            .map_err(|_| NoteError::BadKey("key is not base64"))?;
        if raw.len() != 33 || raw[0] != ALG_ED25519 {
            return Err(NoteError::BadKey("not an Ed25519 key"));
        }
        let public: [u8; 32] = raw[1..].try_into().expect("32 bytes");
        if B64.encode(&raw) != key || key_id(name, &public) != id {
            return Err(NoteError::BadKey("key id does not match the name and key"));
        }
        Ok(VerifierKey {
            name: name.to_string(),
            id,
            public,
        })
    }

    /// `name+id+key`, as Go's `note.NewEd25519VerifierKey` writes it.
    pub fn to_vkey(&self) -> String {
        let mut raw = Vec::with_capacity(33);
        raw.push(ALG_ED25519);
        raw.extend_from_slice(&self.public);
        format!("{}+{:08x}+{}", self.name, self.id, B64.encode(raw))
    }
}

/// Ed25519 verification (RFC 8032), supplied by the caller: the verifier CLI uses
/// `ed25519-dalek`, a function could use the platform's signature port.
pub trait Ed25519Verify {
    /// Whether `signature` is valid for `message` under `public`; false on any failure.
    fn verify(&self, public: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool;
}

/// Signs note texts: the platform's signature port behind a named key.
pub trait NoteSigner {
    /// The key name (for a checkpoint: usually the log's origin).
    fn name(&self) -> &str;
    /// The Ed25519 public key.
    fn public_key(&self) -> [u8; 32];
    /// An Ed25519 signature of `message`.
    async fn sign(&self, message: &[u8]) -> Result<[u8; 64], String>;
}

/// One signature line of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    pub name: String,
    pub id: u32,
    /// The signature bytes after the key id.
    pub signature: Vec<u8>,
}

impl NoteSignature {
    /// `— name base64(id ‖ signature)\n`.
    pub fn line(&self) -> String {
        let mut raw = Vec::with_capacity(4 + self.signature.len());
        raw.extend_from_slice(&self.id.to_be_bytes());
        raw.extend_from_slice(&self.signature);
        format!("{DASH}{} {}\n", self.name, B64.encode(raw))
    }
}

/// Whether `text` can be a note text: non-empty, ends in a newline, no blank line, valid
/// UTF-8 (a `str`), no control characters but the newline.
pub fn valid_text(text: &str) -> bool {
    !text.is_empty()
        && text.ends_with('\n')
        && !text.starts_with('\n')
        && !text.contains("\n\n")
        && !text.chars().any(|c| c.is_control() && c != '\n')
}

/// Signs `text` with `signer` and returns the signed note (text, blank line, signature line).
pub async fn sign<S: NoteSigner>(text: &str, signer: &S) -> Result<String, NoteError> {
    if !valid_text(text) {
        return Err(NoteError::Malformed("text"));
    }
    let name = signer.name();
    if !valid_name(name) {
        return Err(NoteError::Malformed("signer name"));
    }
    let signature = signer
        .sign(text.as_bytes())
        .await
        .map_err(NoteError::Signer)?;
    let sig = NoteSignature {
        name: name.to_string(),
        id: key_id(name, &signer.public_key()),
        signature: signature.to_vec(),
    };
    Ok(format!("{text}\n{}", sig.line()))
}

/// A note split into its text and signature lines, nothing verified yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub text: String,
    pub signatures: Vec<NoteSignature>,
}

impl Note {
    /// Splits a signed note as Go's `note.Open` does (at the last blank line).
    pub fn parse(note: &str) -> Result<Note, NoteError> {
        if note.chars().any(|c| c.is_control() && c != '\n') {
            return Err(NoteError::Malformed("control character"));
        }
        let Some(split) = note.rfind("\n\n") else {
            return Err(NoteError::Malformed("no blank line"));
        };
        let text = &note[..split + 1];
        let mut rest = &note[split + 2..];
        if rest.is_empty() {
            return Err(NoteError::Malformed("no signature"));
        }
        let mut signatures = Vec::new();
        while !rest.is_empty() {
            let Some(end) = rest.find('\n') else {
                return Err(NoteError::Malformed("unterminated signature line"));
            };
            let line = &rest[..end];
            rest = &rest[end + 1..];
            let Some(line) = line.strip_prefix(DASH) else {
                return Err(NoteError::Malformed("signature line"));
            };
            let Some((name, b64)) = line.split_once(' ') else {
                return Err(NoteError::Malformed("signature line"));
            };
            if !valid_name(name) {
                return Err(NoteError::Malformed("signature key name"));
            }
            let raw = B64
                .decode(b64)
                .map_err(|_| NoteError::Malformed("signature base64"))?;
            if raw.len() < 5 || B64.encode(&raw) != b64 {
                return Err(NoteError::Malformed("signature base64"));
            }
            let id = u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]);
            signatures.push(NoteSignature {
                name: name.to_string(),
                id,
                signature: raw[4..].to_vec(),
            });
            if signatures.len() > MAX_SIGNATURES {
                return Err(NoteError::Malformed("too many signatures"));
            }
        }
        Ok(Note {
            text: text.to_string(),
            signatures,
        })
    }

    /// The note written back: equal to the parsed input for every well-formed note.
    pub fn render(&self) -> String {
        let mut out = format!("{}\n", self.text);
        for s in &self.signatures {
            out.push_str(&s.line());
        }
        out
    }
}

/// Opens a signed note the way Go's `note.Open` does: every signature by a known key must
/// verify, signatures by unknown keys are ignored, and at least one must verify. Returns the
/// text and the keys that signed it. With `strict`, a signature by an unknown key is an error
/// too (the audit verifier: nothing in an export goes unchecked).
pub fn open<V: Ed25519Verify>(
    note: &str,
    keys: &[VerifierKey],
    verifier: &V,
    strict: bool,
) -> Result<(String, Vec<VerifierKey>), NoteError> {
    let parsed = Note::parse(note)?;
    let mut verified: Vec<VerifierKey> = Vec::new();
    for sig in &parsed.signatures {
        let label = format!("{}+{:08x}", sig.name, sig.id);
        let Some(key) = keys.iter().find(|k| k.name == sig.name && k.id == sig.id) else {
            if strict {
                return Err(NoteError::UnknownKey { key: label });
            }
            continue;
        };
        if verified.contains(key) {
            if strict {
                return Err(NoteError::Malformed("duplicate signature"));
            }
            continue;
        }
        let ok = <[u8; 64]>::try_from(sig.signature.as_slice())
            .is_ok_and(|s| verifier.verify(&key.public, parsed.text.as_bytes(), &s));
        if !ok {
            return Err(NoteError::InvalidSignature { key: label });
        }
        verified.push(key.clone());
    }
    if verified.is_empty() {
        return Err(NoteError::Unverified);
    }
    Ok((parsed.text, verified))
}
