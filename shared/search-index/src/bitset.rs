//! Fixed-size bitset over global document numbers.

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bitset {
    words: Vec<u64>,
    len: usize,
}

impl Bitset {
    pub fn new(len: usize) -> Self {
        Self { words: vec![0; len.div_ceil(64)], len }
    }
    pub fn full(len: usize) -> Self {
        let mut b = Self { words: vec![u64::MAX; len.div_ceil(64)], len };
        b.trim();
        b
    }
    fn trim(&mut self) {
        let r = self.len % 64;
        if r != 0
            && let Some(w) = self.words.last_mut() {
                *w &= (1u64 << r) - 1;
            }
    }
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    #[inline(always)]
    pub fn set(&mut self, i: u32) {
        self.words[(i >> 6) as usize] |= 1u64 << (i & 63);
    }
    #[inline(always)]
    pub fn clear(&mut self, i: u32) {
        self.words[(i >> 6) as usize] &= !(1u64 << (i & 63));
    }
    #[inline(always)]
    pub fn get(&self, i: u32) -> bool {
        self.words.get((i >> 6) as usize).is_some_and(|w| w & (1u64 << (i & 63)) != 0)
    }
    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }
    pub fn and_with(&mut self, o: &Bitset) {
        for (a, b) in self.words.iter_mut().zip(&o.words) {
            *a &= *b;
        }
    }
    pub fn or_with(&mut self, o: &Bitset) {
        for (a, b) in self.words.iter_mut().zip(&o.words) {
            *a |= *b;
        }
    }
    pub fn and_not_with(&mut self, o: &Bitset) {
        for (a, b) in self.words.iter_mut().zip(&o.words) {
            *a &= !*b;
        }
    }
    /// popcount(self & o) without materialising.
    pub fn and_count(&self, o: &Bitset) -> usize {
        let n = self.words.len().min(o.words.len());
        let (a, b) = (&self.words[..n], &o.words[..n]);
        // four independent sums (unrolled by hand: opt-level "z" does not unroll)
        let mut c = [0u64; 4];
        let mut i = 0;
        while i + 4 <= n {
            c[0] += (a[i] & b[i]).count_ones() as u64;
            c[1] += (a[i + 1] & b[i + 1]).count_ones() as u64;
            c[2] += (a[i + 2] & b[i + 2]).count_ones() as u64;
            c[3] += (a[i + 3] & b[i + 3]).count_ones() as u64;
            i += 4;
        }
        while i < n {
            c[0] += (a[i] & b[i]).count_ones() as u64;
            i += 1;
        }
        (c[0] + c[1] + c[2] + c[3]) as usize
    }
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.words.iter().enumerate().flat_map(|(wi, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let t = w.trailing_zeros();
                w &= w - 1;
                Some((wi as u32) * 64 + t)
            })
        })
    }
    /// The 64-bit words (bit `i` of the set is bit `i % 64` of word `i / 64`).
    #[inline(always)]
    pub fn words(&self) -> &[u64] {
        &self.words
    }
    #[inline(always)]
    pub(crate) fn words_mut(&mut self) -> &mut [u64] {
        &mut self.words
    }
    pub fn heap_bytes(&self) -> usize {
        self.words.len() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn basics() {
        let mut a = Bitset::new(130);
        a.set(0);
        a.set(64);
        a.set(129);
        assert_eq!(a.iter().collect::<Vec<_>>(), [0, 64, 129]);
        let f = Bitset::full(130);
        assert_eq!(f.count(), 130);
        assert_eq!(a.and_count(&f), 3);
        let mut g = f.clone();
        g.and_not_with(&a);
        assert_eq!(g.count(), 127);
    }
}
