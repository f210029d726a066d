//! Signed notes and checkpoints against Go's `golang.org/x/mod/sumdb/note` test data: the
//! fixed PeterNeumann and EnochRoot keys, and the exact signed note Go's `note.Sign` writes.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use medportal_transparency::Checkpoint;
use medportal_transparency::note::{
    Ed25519Verify, Note, NoteError, NoteSigner, VerifierKey, key_id, open, sign,
};

const PETER_SKEY: &str =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const ENOCH_VKEY: &str = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const TEXT: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG: &str = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const ENOCH_SIG: &str = "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

struct Dalek;
impl Ed25519Verify for Dalek {
    fn verify(&self, public: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
        VerifyingKey::from_bytes(public)
            .is_ok_and(|k| k.verify(message, &Signature::from_bytes(signature)).is_ok())
    }
}

struct Seed(String, SigningKey);
impl NoteSigner for Seed {
    fn name(&self) -> &str {
        &self.0
    }
    fn public_key(&self) -> [u8; 32] {
        self.1.verifying_key().to_bytes()
    }
    async fn sign(&self, message: &[u8]) -> Result<[u8; 64], String> {
        Ok(self.1.sign(message).to_bytes())
    }
}

fn block_on<F: core::future::Future>(f: F) -> F::Output {
    let mut f = core::pin::pin!(f);
    let mut cx = core::task::Context::from_waker(core::task::Waker::noop());
    loop {
        if let core::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

/// Go's private key form: `PRIVATE+KEY+name+id+base64(0x01 ‖ seed)`.
fn peter() -> Seed {
    let parts: Vec<&str> = PETER_SKEY.splitn(5, '+').collect();
    let raw = B64.decode(parts[4]).unwrap();
    assert_eq!(raw[0], 1);
    Seed(
        parts[2].to_string(),
        SigningKey::from_bytes(&raw[1..].try_into().unwrap()),
    )
}

#[test]
fn key_ids_and_vkeys_match_go() {
    let peter = VerifierKey::parse(PETER_VKEY).unwrap();
    assert_eq!(peter.id, 0xc74f20a3);
    assert_eq!(peter.to_vkey(), PETER_VKEY);
    let signer = peter_signer_key();
    assert_eq!(
        signer, peter.public,
        "the private key's public half is the published key"
    );
    assert_eq!(key_id("PeterNeumann", &signer), 0xc74f20a3);
    assert_eq!(
        VerifierKey::new("PeterNeumann", signer).unwrap().to_vkey(),
        PETER_VKEY
    );
    let enoch = VerifierKey::parse(ENOCH_VKEY).unwrap();
    assert_eq!(enoch.id, 0xaf0cfe78);
    // A key whose base64 holds a `+` (the seed below gives one) round-trips.
    let key = (0u8..=255)
        .map(|i| {
            VerifierKey::new(
                "medportal.example/audit/db_eu",
                SigningKey::from_bytes(&[i; 32]).verifying_key().to_bytes(),
            )
            .unwrap()
        })
        .find(|k| k.to_vkey().matches('+').count() > 2)
        .expect("some key's base64 contains a plus");
    assert_eq!(VerifierKey::parse(&key.to_vkey()).unwrap(), key);
}

fn peter_signer_key() -> [u8; 32] {
    peter().public_key()
}

#[test]
fn every_mangled_vkey_is_refused() {
    // As Go's TestNewVerifier: every proper substring and every one-byte change fails.
    let b = PETER_VKEY.as_bytes();
    for i in 0..=b.len() {
        for j in i + 1..=b.len() {
            if i != 0 || j != b.len() {
                let s = String::from_utf8_lossy(&b[i..j]);
                assert!(VerifierKey::parse(&s).is_err(), "{s}");
            }
        }
    }
    for i in 0..b.len() {
        let mut m = b.to_vec();
        m[i] = m[i].wrapping_add(1);
        if let Ok(s) = String::from_utf8(m) {
            assert!(VerifierKey::parse(&s).is_err(), "{s}");
        }
    }
    assert!(
        VerifierKey::parse(
            "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="
        )
        .is_err()
    );
    assert!(
        VerifierKey::parse("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
            .is_err()
    );
    assert!(
        VerifierKey::parse("PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
            .is_err(),
        "upper-case id"
    );
}

#[test]
fn signing_gives_gos_exact_note() {
    let note = block_on(sign(TEXT, &peter())).unwrap();
    assert_eq!(note, format!("{TEXT}\n{PETER_SIG}"));
    assert!(matches!(
        block_on(sign("abc", &peter())),
        Err(NoteError::Malformed(_))
    ));
    let bad = Seed("bad name".into(), peter().1);
    assert!(block_on(sign(TEXT, &bad)).is_err());
}

#[test]
fn open_behaves_as_go() {
    let peter = VerifierKey::parse(PETER_VKEY).unwrap();
    let enoch = VerifierKey::parse(ENOCH_VKEY).unwrap();
    let both = format!("{TEXT}\n{PETER_SIG}{ENOCH_SIG}");
    // One known key: the other signature is ignored (Go), refused when strict.
    let (text, by) = open(&both, std::slice::from_ref(&peter), &Dalek, false).unwrap();
    assert_eq!(text, TEXT);
    assert_eq!(by, vec![peter.clone()]);
    assert!(matches!(
        open(&both, std::slice::from_ref(&peter), &Dalek, true),
        Err(NoteError::UnknownKey { .. })
    ));
    // Both known: Go's signature by EnochRoot verifies here too.
    let (_, by) = open(&both, &[peter.clone(), enoch.clone()], &Dalek, true).unwrap();
    assert_eq!(by, vec![peter.clone(), enoch.clone()]);
    // No known key.
    assert_eq!(open(&both, &[], &Dalek, false), Err(NoteError::Unverified));
    // Too many signatures.
    let many = format!("{TEXT}\n{}", PETER_SIG.repeat(101));
    assert!(matches!(
        open(&many, std::slice::from_ref(&peter), &Dalek, false),
        Err(NoteError::Malformed(_))
    ));
    // An altered signature.
    let bad = format!("{TEXT}\n{}ABCD{}", &PETER_SIG[..60], &PETER_SIG[60..]);
    assert!(open(&bad, std::slice::from_ref(&peter), &Dalek, false).is_err());
    // Go's malformed notes.
    for msg in [
        TEXT.to_string(),
        format!("{TEXT}\n"),
        format!("{TEXT}\n{}", &PETER_SIG[..PETER_SIG.len() - 1]),
        format!("\x01{TEXT}\n{PETER_SIG}"),
        format!(
            "{TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
        ),
        format!("{TEXT}\n{PETER_SIG}Unexpected line.\n"),
    ] {
        assert!(
            matches!(
                open(&msg, std::slice::from_ref(&peter), &Dalek, false),
                Err(NoteError::Malformed(_))
            ),
            "{msg:?}"
        );
    }
    // An altered text.
    let altered = format!(
        "{}\n{PETER_SIG}",
        TEXT.replace("cryptography", "cryptographY")
    );
    assert!(matches!(
        open(&altered, std::slice::from_ref(&peter), &Dalek, false),
        Err(NoteError::InvalidSignature { .. })
    ));
    // Parse and render give the note back.
    assert_eq!(Note::parse(&both).unwrap().render(), both);
}

#[test]
fn checkpoint_text_is_c2sp() {
    // The C2SP tlog-checkpoint example text.
    let example =
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
    let cp = Checkpoint::parse(example).unwrap();
    assert_eq!(cp.origin, "example.com/behind-the-sofa");
    assert_eq!(cp.size, 20852163);
    assert_eq!(cp.text().unwrap(), example);
    let with_time = Checkpoint {
        time: Some("2026-12-05T20:30:45Z".into()),
        ..cp.clone()
    };
    let text = with_time.text().unwrap();
    assert_eq!(text, format!("{example}time 2026-12-05T20:30:45Z\n"));
    assert_eq!(Checkpoint::parse(&text).unwrap(), with_time);
    for bad in [
        "example.com/behind-the-sofa\n020852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=",
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n",
        "example.com/behind-the-sofa\n+20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n",
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\ntime 2026-13-05T20:30:45Z\n",
        "\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
    ] {
        assert!(Checkpoint::parse(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn signed_checkpoint_opens_under_its_key() {
    let signer = peter();
    let cp = Checkpoint {
        origin: "medportal.example/audit/db_eu".into(),
        size: 3,
        root: [7; 32],
        time: Some("2026-12-05T20:30:45Z".into()),
        extensions: vec![],
    };
    let note = block_on(sign(&cp.text().unwrap(), &signer)).unwrap();
    let key = VerifierKey::new(signer.name(), signer.public_key()).unwrap();
    let (text, _) = open(&note, &[key], &Dalek, true).unwrap();
    assert_eq!(Checkpoint::parse(&text).unwrap(), cp);
}
