//! A strict reader for the two small JSON objects of a session token: its header (read before
//! the signature is checked, so from anyone) and its claims (read after). It replaces
//! serde_json's typed deserialisation in token verification, which — with the claims flattened
//! into jwt-compact's `Claims` — cost every Worker ~40 KB of gzipped wasm (serde's buffered
//! `Content`, float formatting for error messages, chrono, a second base64 decoder).
//!
//! What it accepts is a subset of RFC 8259 JSON: an object whose values are read as the
//! caller asks (string, integer, boolean, list of strings, or skipped whatever they are).
//! Whatever it cannot read exactly is refused (`None`): invalid UTF-8, unpaired surrogates,
//! control characters in strings, leading zeros, integers that do not fit an `i64`, nesting
//! deeper than [`MAX_DEPTH`], trailing bytes. It never panics, and it works in one pass over
//! the bytes without recursion beyond the depth limit.

/// Deepest nesting of a skipped value (session tokens have none).
pub const MAX_DEPTH: usize = 16;

pub struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Reader<'a> {
    /// A reader over `bytes`, which must be UTF-8.
    pub fn new(bytes: &'a [u8]) -> Option<Self> {
        std::str::from_utf8(bytes).ok()?;
        Some(Reader { b: bytes, i: 0 })
    }

    fn peek(&mut self) -> Option<u8> {
        while let Some(&c) = self.b.get(self.i) {
            if !matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                return Some(c);
            }
            self.i += 1;
        }
        None
    }

    fn eat(&mut self, c: u8) -> bool {
        let hit = self.peek() == Some(c);
        if hit {
            self.i += 1;
        }
        hit
    }

    fn literal(&mut self, word: &[u8]) -> bool {
        let hit = self.peek().is_some() && self.b[self.i..].starts_with(word);
        if hit {
            self.i += word.len();
        }
        hit
    }

    /// Reads `{ "key": value, ... }` to its end, calling `field` with each key; `field` must
    /// read that key's value. Then nothing but whitespace may follow.
    pub fn object(mut self, mut field: impl FnMut(&str, &mut Self) -> Option<()>) -> Option<()> {
        if !self.eat(b'{') {
            return None;
        }
        if !self.eat(b'}') {
            loop {
                let key = self.string()?;
                if !self.eat(b':') {
                    return None;
                }
                field(&key, &mut self)?;
                if self.eat(b'}') {
                    break;
                }
                if !self.eat(b',') {
                    return None;
                }
            }
        }
        (self.peek().is_none()).then_some(())
    }

    /// A string value.
    pub fn string(&mut self) -> Option<String> {
        if !self.eat(b'"') {
            return None;
        }
        let mut out = String::new();
        loop {
            let start = self.i;
            while let Some(&c) = self.b.get(self.i) {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.i += 1;
            }
            // The input is UTF-8 and the run stops only at ASCII bytes: a whole-char slice.
            out.push_str(std::str::from_utf8(&self.b[start..self.i]).ok()?);
            let c = *self.b.get(self.i)?;
            self.i += 1;
            match c {
                b'"' => return Some(out),
                b'\\' => {
                    let e = *self.b.get(self.i)?;
                    self.i += 1;
                    out.push(match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return None,
                    });
                }
                _ => return None,
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.b.get(self.i..self.i + 4)?;
        self.i += 4;
        digits.iter().try_fold(0u32, |acc, &d| Some(acc * 16 + (d as char).to_digit(16)?))
    }

    /// After `\u`: one code point, a surrogate pair being two escapes.
    fn unicode_escape(&mut self) -> Option<char> {
        let hi = self.hex4()?;
        let code = match hi {
            0xD800..=0xDBFF => {
                if !self.b[self.i..].starts_with(b"\\u") {
                    return None;
                }
                self.i += 2;
                let lo = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&lo) {
                    return None;
                }
                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
            }
            0xDC00..=0xDFFF => return None,
            _ => hi,
        };
        char::from_u32(code)
    }

    /// An integer value (no fraction, no exponent) that fits an `i64`.
    pub fn int(&mut self) -> Option<i64> {
        self.peek()?;
        let negative = self.b.get(self.i) == Some(&b'-');
        if negative {
            self.i += 1;
        }
        let start = self.i;
        let mut v: i64 = 0;
        while let Some(&d) = self.b.get(self.i).filter(|d| d.is_ascii_digit()) {
            let d = i64::from(d - b'0');
            v = v.checked_mul(10)?;
            v = if negative { v.checked_sub(d)? } else { v.checked_add(d)? };
            self.i += 1;
        }
        let digits = self.i - start;
        if digits == 0 || (digits > 1 && self.b[start] == b'0') || matches!(self.b.get(self.i), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        Some(v)
    }

    pub fn bool(&mut self) -> Option<bool> {
        if self.literal(b"true") {
            Some(true)
        } else if self.literal(b"false") {
            Some(false)
        } else {
            None
        }
    }

    /// `null`, read as `None`, or a string.
    pub fn opt_string(&mut self) -> Option<Option<String>> {
        if self.literal(b"null") { Some(None) } else { self.string().map(Some) }
    }

    /// `[ "…", … ]`.
    pub fn strings(&mut self) -> Option<Vec<String>> {
        if !self.eat(b'[') {
            return None;
        }
        let mut out = Vec::new();
        if self.eat(b']') {
            return Some(out);
        }
        loop {
            out.push(self.string()?);
            if self.eat(b']') {
                return Some(out);
            }
            if !self.eat(b',') {
                return None;
            }
        }
    }

    /// Reads past any one value (a field nobody asked for), nested at most [`MAX_DEPTH`] deep.
    pub fn skip(&mut self) -> Option<()> {
        self.skip_at(0)
    }

    fn skip_at(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' | b'[' => {
                let close = if self.b[self.i] == b'{' { b'}' } else { b']' };
                self.i += 1;
                if self.eat(close) {
                    return Some(());
                }
                loop {
                    if close == b'}' {
                        self.string()?;
                        if !self.eat(b':') {
                            return None;
                        }
                    }
                    self.skip_at(depth + 1)?;
                    if self.eat(close) {
                        return Some(());
                    }
                    if !self.eat(b',') {
                        return None;
                    }
                }
            }
            b't' | b'f' => self.bool().map(drop),
            b'n' => self.literal(b"null").then_some(()),
            _ => self.number(),
        }
    }

    /// Any JSON number (`-? int frac? exp?`), not read.
    fn number(&mut self) -> Option<()> {
        let digits = |r: &mut Self| {
            let start = r.i;
            while r.b.get(r.i).is_some_and(u8::is_ascii_digit) {
                r.i += 1;
            }
            r.i - start
        };
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        let start = self.i;
        let n = digits(self);
        if n == 0 || (n > 1 && self.b[start] == b'0') {
            return None;
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if digits(self) == 0 {
                return None;
            }
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if digits(self) == 0 {
                return None;
            }
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(json: &str) -> Option<Vec<(String, String)>> {
        let mut out = Vec::new();
        Reader::new(json.as_bytes())?.object(|k, r| {
            let v = match k {
                "s" => r.string()?,
                "i" => r.int()?.to_string(),
                "b" => r.bool()?.to_string(),
                "o" => format!("{:?}", r.opt_string()?),
                "l" => r.strings()?.join("|"),
                _ => {
                    r.skip()?;
                    "skipped".into()
                }
            };
            out.push((k.to_owned(), v));
            Some(())
        })?;
        Some(out)
    }

    fn one(json: &str) -> Option<String> {
        fields(json).map(|f| f.into_iter().map(|(_, v)| v).collect::<Vec<_>>().join(","))
    }

    #[test]
    fn reads_what_serde_json_writes() {
        let value = serde_json::json!({
            "s": "a \"quoted\" \\ / \u{8}\u{c}\n\r\t \u{1} é 😀 \u{7f}",
            "i": -9_223_372_036_854_775_807i64 - 1,
            "b": true,
            "o": null,
            "l": ["hcp", "", "x\"y"],
            "x": {"a": [1, 2.5e-3, -0.0, {"b": null}], "c": false, "d": "e"},
        });
        let text = serde_json::to_string(&value).unwrap();
        let got = fields(&text).expect("reads serde_json output");
        let get = |k: &str| got.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap();
        assert_eq!(get("s"), value["s"].as_str().unwrap());
        assert_eq!(get("i"), i64::MIN.to_string());
        assert_eq!(get("b"), "true");
        assert_eq!(get("o"), "None");
        assert_eq!(get("l"), "hcp||x\"y");
        assert_eq!(get("x"), "skipped");
        // the escaped forms other writers use
        assert_eq!(one(r#"{"s":"\u00e9\ud83d\ude00\/"}"#).as_deref(), Some("é😀/"));
        assert_eq!(one(" { \"s\" : \"a\" , \"i\" : 0 } \n").as_deref(), Some("a,0"));
        assert_eq!(one("{}").as_deref(), Some(""));
        assert_eq!(one(r#"{"i":9223372036854775807}"#).as_deref(), Some("9223372036854775807"));
        assert_eq!(one(r#"{"l":[]}"#).as_deref(), Some(""));
    }

    #[test]
    fn refuses_what_is_not_exactly_json() {
        for bad in [
            "",
            "[]",
            "{",
            "{\"s\":\"a\"",
            "{\"s\":\"a\",}",
            "{\"s\":\"a\"} x",
            "{\"s\":\"a\"}{}",
            "{s:\"a\"}",
            "{'s':'a'}",
            "{\"s\":\"a\nb\"}",
            "{\"s\":\"\\x\"}",
            "{\"s\":\"\\ud800\"}",
            "{\"s\":\"\\udc00\\ud800\"}",
            "{\"s\":\"\\ud800\\u0041\"}",
            "{\"s\":\"\\u12\"}",
            "{\"s\":1}",
            "{\"i\":01}",
            "{\"i\":1.0}",
            "{\"i\":1e3}",
            "{\"i\":-}",
            "{\"i\":9223372036854775808}",
            "{\"i\":\"1\"}",
            "{\"b\":1}",
            "{\"b\":tru}",
            "{\"o\":nul}",
            "{\"l\":[\"a\",]}",
            "{\"l\":[1]}",
            "{\"l\":\"a\"}",
            "{\"x\":[1,]}",
            "{\"x\":{\"a\"}}",
            "{\"x\":01}",
            "{\"x\":1.}",
            "{\"x\":1e}",
            "{\"x\":-x}",
            "{\"x\":nan}",
            "{\"x\":[}",
        ] {
            assert_eq!(fields(bad), None, "accepted {bad:?}");
        }
        assert!(Reader::new(b"{\"s\":\"\xff\"}").is_none(), "invalid UTF-8");
        let deep = format!("{{\"x\":{}{}}}", "[".repeat(MAX_DEPTH + 2), "]".repeat(MAX_DEPTH + 2));
        assert_eq!(fields(&deep), None, "nesting beyond the limit");
        let ok = format!("{{\"x\":{}{}}}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(fields(&ok).is_some());
    }

    #[test]
    fn never_panics_on_truncations_of_valid_input() {
        let text = r#"{"s":"a\u00e9\ud83d\ude00","i":-12,"b":false,"o":null,"l":["x"],"x":{"y":[1.5e+2,true]}}"#;
        assert!(fields(text).is_some());
        for cut in 0..text.len() {
            assert_eq!(fields(&text[..cut]), None, "accepted a truncation at {cut}");
        }
    }
}
