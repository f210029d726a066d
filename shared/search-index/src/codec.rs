//! Low-level byte codec: varints, a bounds-checked reader, and xxHash64.
//! Used only by `format` (the single format definition) and the posting iterators.

use crate::error::Error;

#[inline]
/// Bytes [`put_varint`] writes for `v`.
pub fn varint_len(v: u64) -> usize {
    (64 - (v | 1).leading_zeros() as usize).div_ceil(7)
}

pub fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Decode a LEB128 varint. Returns `None` on truncation/overflow.
#[inline(always)]
pub fn get_varint(buf: &[u8], pos: &mut usize) -> Option<u64> {
    // one-byte values are the common case
    if let Some(&b) = buf.get(*pos)
        && b < 0x80
    {
        *pos += 1;
        return Some(b as u64);
    }
    get_varint_slow(buf, pos)
}

fn get_varint_slow(buf: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v: u64 = 0;
    let mut shift = 0u32;
    loop {
        let b = *buf.get(*pos)?;
        *pos += 1;
        v |= ((b & 0x7f) as u64) << shift;
        if b < 0x80 {
            return Some(v);
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
    }
}

/// Append-only writer for chunk payloads.
#[derive(Default)]
pub struct Writer {
    pub buf: Vec<u8>,
}

impl Writer {
    pub fn new() -> Self {
        Self { buf: Vec::new() }
    }
    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }
    pub fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn f32(&mut self, v: f32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn var(&mut self, v: u64) {
        put_varint(&mut self.buf, v);
    }
    pub fn bytes(&mut self, b: &[u8]) {
        self.var(b.len() as u64);
        self.buf.extend_from_slice(b);
    }
    pub fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }
    pub fn raw(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }
}

/// Bounds-checked reader; every error is `Error::Corrupt`.
pub struct Reader<'a> {
    pub buf: &'a [u8],
    pub pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        let end = self.pos.checked_add(n).ok_or(Error::Corrupt("length overflow"))?;
        let s = self.buf.get(self.pos..end).ok_or(Error::Corrupt("truncated"))?;
        self.pos = end;
        Ok(s)
    }
    pub fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.take(1)?[0])
    }
    pub fn u32(&mut self) -> Result<u32, Error> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().unwrap()))
    }
    pub fn u64(&mut self) -> Result<u64, Error> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().unwrap()))
    }
    pub fn f32(&mut self) -> Result<f32, Error> {
        Ok(f32::from_le_bytes(self.take(4)?.try_into().unwrap()))
    }
    #[inline(always)]
    pub fn var(&mut self) -> Result<u64, Error> {
        get_varint(self.buf, &mut self.pos).ok_or(Error::Corrupt("bad varint"))
    }
    pub fn var32(&mut self) -> Result<u32, Error> {
        let v = self.var()?;
        u32::try_from(v).map_err(|_| Error::Corrupt("varint out of range"))
    }
    pub fn bytes(&mut self) -> Result<&'a [u8], Error> {
        let n = self.var()? as usize;
        self.take(n)
    }
    pub fn raw(&mut self, n: usize) -> Result<&'a [u8], Error> {
        self.take(n)
    }
    pub fn str(&mut self) -> Result<&'a str, Error> {
        std::str::from_utf8(self.bytes()?).map_err(|_| Error::Corrupt("bad utf-8"))
    }
    pub fn done(&self) -> bool {
        self.pos >= self.buf.len()
    }
}

const P1: u64 = 11400714785074694791;
const P2: u64 = 14029467366897019727;
const P3: u64 = 1609587929392839161;
const P4: u64 = 9650029242287828579;
const P5: u64 = 2870177450012600261;

// `inline(always)`: the size-tuned wasm builds (opt-level "z") would otherwise call these per
// word of every chunk hashed, about five times slower than inlined (0.62 vs 0.12 ms per MB in
// Wasmtime)
#[inline(always)]
fn round(acc: u64, input: u64) -> u64 {
    acc.wrapping_add(input.wrapping_mul(P2)).rotate_left(31).wrapping_mul(P1)
}
#[inline]
fn merge(acc: u64, val: u64) -> u64 {
    (acc ^ round(0, val)).wrapping_mul(P1).wrapping_add(P4)
}
/// The little-endian word at `i` of a 32-byte stripe.
#[inline(always)]
fn word(s: &[u8], i: usize) -> u64 {
    u64::from_le_bytes([s[i], s[i + 1], s[i + 2], s[i + 3], s[i + 4], s[i + 5], s[i + 6], s[i + 7]])
}
#[inline]
fn rd64(b: &[u8]) -> u64 {
    u64::from_le_bytes(b[..8].try_into().unwrap())
}
#[inline]
fn rd32(b: &[u8]) -> u64 {
    u32::from_le_bytes(b[..4].try_into().unwrap()) as u64
}

/// xxHash64 (reference algorithm).
pub fn xxh64(data: &[u8], seed: u64) -> u64 {
    let len = data.len();
    let mut p = data;
    let mut h: u64;
    if len >= 32 {
        let mut v1 = seed.wrapping_add(P1).wrapping_add(P2);
        let mut v2 = seed.wrapping_add(P2);
        let mut v3 = seed;
        let mut v4 = seed.wrapping_sub(P1);
        // fixed-size stripes: no bounds check or slice arithmetic per word (the wasm builds'
        // baseline compilers run this loop over every chunk a cold isolate loads)
        let mut stripes = p.chunks_exact(32);
        for s in &mut stripes {
            v1 = round(v1, word(s, 0));
            v2 = round(v2, word(s, 8));
            v3 = round(v3, word(s, 16));
            v4 = round(v4, word(s, 24));
        }
        p = stripes.remainder();
        h = v1
            .rotate_left(1)
            .wrapping_add(v2.rotate_left(7))
            .wrapping_add(v3.rotate_left(12))
            .wrapping_add(v4.rotate_left(18));
        h = merge(h, v1);
        h = merge(h, v2);
        h = merge(h, v3);
        h = merge(h, v4);
    } else {
        h = seed.wrapping_add(P5);
    }
    h = h.wrapping_add(len as u64);
    while p.len() >= 8 {
        h ^= round(0, rd64(p));
        h = h.rotate_left(27).wrapping_mul(P1).wrapping_add(P4);
        p = &p[8..];
    }
    if p.len() >= 4 {
        h ^= rd32(p).wrapping_mul(P1);
        h = h.rotate_left(23).wrapping_mul(P2).wrapping_add(P3);
        p = &p[4..];
    }
    for &b in p {
        h ^= (b as u64).wrapping_mul(P5);
        h = h.rotate_left(11).wrapping_mul(P1);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(P2);
    h ^= h >> 29;
    h = h.wrapping_mul(P3);
    h ^= h >> 32;
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn xxh64_vectors() {
        assert_eq!(xxh64(b"", 0), 0xEF46DB3751D8E999);
        assert_eq!(xxh64(b"a", 0), 0xD24EC4F1A98C6E5B);
        assert_eq!(xxh64(b"abc", 0), 0x44BC2CF5AD770999);
        // through the 32-byte stripes and every tail (reference values: python-xxhash 3.x)
        let s = b"Nobody inspects the spammish repetition";
        assert_eq!(xxh64(s, 0), 0xfbcea83c8a378bf1);
        assert_eq!(xxh64(s, 7), 0x26f1aeb39b9b1f5f);
        let long: Vec<u8> = (0..5).flat_map(|_| 0..=255u8).chain(*b"xyz").collect();
        assert_eq!(xxh64(&long, 0), 0xafd18a3957d3670a);
        assert_eq!(xxh64(&long, 7), 0x8c974c9066dfd8ee);
    }
    #[test]
    fn varint_roundtrip() {
        let mut v = Vec::new();
        for x in [0u64, 1, 127, 128, 300, 1 << 35, u64::MAX] {
            v.clear();
            put_varint(&mut v, x);
            let mut p = 0;
            assert_eq!(get_varint(&v, &mut p), Some(x));
            assert_eq!(p, v.len());
        }
    }
}
