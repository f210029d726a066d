//! base64url without padding (RFC 4648 §5), the only base64 sessions, keys and CSRF tokens use:
//! a few lines in place of the base64 crate's generic engines in every Worker.
//!
//! Decoding is strict, as the base64 crate's `URL_SAFE_NO_PAD` is: no padding, no whitespace,
//! nothing outside the alphabet, no impossible length, and the unused low bits of the last
//! character must be zero (so every byte string has exactly one encoding).

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pub fn encode(bytes: impl AsRef<[u8]>) -> String {
    let bytes = bytes.as_ref();
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

fn value(c: u8) -> Option<u32> {
    let v = match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    };
    Some(u32::from(v))
}

pub fn decode(text: impl AsRef<[u8]>) -> Option<Vec<u8>> {
    let text = text.as_ref();
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    for chunk in text.chunks(4) {
        let n = chunk.iter().enumerate().try_fold(0u32, |n, (i, &c)| Some(n | value(c)? << (18 - 6 * i)))?;
        let bytes = n.to_be_bytes();
        let len = chunk.len() - 1;
        // the bits below the last whole byte must be zero
        if bytes[1 + len..].iter().any(|&b| b != 0) {
            return None;
        }
        out.extend_from_slice(&bytes[1..1 + len]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use proptest::prelude::*;

    #[test]
    fn rfc_4648_vectors() {
        for (plain, coded) in [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy")] {
            assert_eq!(encode(plain), coded);
            assert_eq!(decode(coded).as_deref(), Some(plain.as_bytes()));
        }
        assert_eq!(encode([0xfb, 0xff, 0xbf]), "-_-_");
    }

    #[test]
    fn refuses_what_is_not_canonical_base64url() {
        for bad in ["Z", "Zm9vY", "Zg==", "Zm8=", "Zh", "Zm9", "Zm+v", "Zm/v", "Zm 9v", "Zm9v\n", "Zm\u{e9}v"] {
            assert_eq!(decode(bad), None, "accepted {bad:?}");
            assert!(B64.decode(bad).is_err(), "the base64 crate accepts {bad:?}");
        }
    }

    proptest! {
        /// Agrees with the base64 crate's URL_SAFE_NO_PAD on every input, both ways.
        #[test]
        fn same_as_the_base64_crate(
            bytes in proptest::collection::vec(any::<u8>(), 0..80),
            alphabet in "[A-Za-z0-9_-]{0,40}",
            text in "[A-Za-z0-9_=+/ -]{0,40}",
        ) {
            prop_assert_eq!(encode(&bytes), B64.encode(&bytes));
            prop_assert_eq!(decode(encode(&bytes)), Some(bytes));
            prop_assert_eq!(decode(&alphabet), B64.decode(&alphabet).ok());
            prop_assert_eq!(decode(&text), B64.decode(&text).ok());
        }
    }
}
