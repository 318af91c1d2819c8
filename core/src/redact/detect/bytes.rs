//! The positions of two byte values in a text, found 64 bytes at a time.
//!
//! `memchr2_iter` restarts its search after every hit, which costs some dozens of instructions
//! each time: cheap for rare bytes, but `:` and `=` occur every few dozen bytes of logs, JSON
//! and code. Here each 64-byte block becomes one bit mask (SSE2 on x86_64, part of its
//! baseline; a byte loop elsewhere), and a hit costs a bit scan.

/// The positions of `x` or `y` in `b` from `lo` on, in order.
pub(super) struct Positions2<'a> {
    b: &'a [u8],
    pair: (u8, u8),
    /// Start of the current block.
    base: usize,
    /// Hits of the current block not yet returned.
    mask: u64,
}

impl<'a> Positions2<'a> {
    pub(super) fn new(b: &'a [u8], lo: usize, x: u8, y: u8) -> Positions2<'a> {
        let mut p = Positions2 {
            b,
            pair: (x, y),
            base: lo,
            mask: 0,
        };
        p.load();
        p
    }

    fn load(&mut self) {
        let block = &self.b[self.base.min(self.b.len())..];
        self.mask = match block.first_chunk::<64>() {
            Some(full) => eq_mask(full, self.pair),
            None => {
                let mut padded = [0u8; 64];
                padded[..block.len()].copy_from_slice(block);
                // The padding matches when `x` or `y` is 0: keep only the bits of real bytes.
                eq_mask(&padded, self.pair) & ((1u64 << block.len()) - 1)
            }
        };
    }
}

impl Iterator for Positions2<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        loop {
            if self.mask != 0 {
                let bit = self.mask.trailing_zeros() as usize;
                self.mask &= self.mask - 1;
                return Some(self.base + bit);
            }
            self.base += 64;
            if self.base >= self.b.len() {
                return None;
            }
            self.load();
        }
    }
}

/// Bit `k` set when `block[k]` is `x` or `y`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn eq_mask(block: &[u8; 64], (x, y): (u8, u8)) -> u64 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    let mut m = 0u64;
    for k in 0..4 {
        // SAFETY: SSE2 is enabled on every x86_64 target, and the load reads bytes
        // 16k..16k+16 of `block`, which are in bounds for k < 4 (unaligned loads are fine).
        let bits = unsafe {
            let v = _mm_loadu_si128(block.as_ptr().add(16 * k).cast::<__m128i>());
            _mm_movemask_epi8(_mm_or_si128(
                _mm_cmpeq_epi8(v, _mm_set1_epi8(x as i8)),
                _mm_cmpeq_epi8(v, _mm_set1_epi8(y as i8)),
            ))
        };
        m |= u64::from(bits as u16) << (16 * k);
    }
    m
}

#[cfg(not(target_arch = "x86_64"))]
fn eq_mask(block: &[u8; 64], (x, y): (u8, u8)) -> u64 {
    let mut m = 0u64;
    for (k, &c) in block.iter().enumerate() {
        m |= u64::from(c == x || c == y) << k;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_position_in_order() {
        for len in [0, 1, 63, 64, 65, 127, 128, 200] {
            let b: Vec<u8> = (0..len).map(|k| b"a:b=c\0d"[k % 7]).collect();
            for lo in [0, 1, 5, 64, len] {
                let lo = lo.min(len);
                let want: Vec<usize> = (lo..len).filter(|&k| matches!(b[k], b':' | b'=')).collect();
                assert_eq!(
                    Positions2::new(&b, lo, b':', b'=').collect::<Vec<_>>(),
                    want
                );
                let zeros: Vec<usize> = (lo..len).filter(|&k| matches!(b[k], 0 | b'=')).collect();
                assert_eq!(Positions2::new(&b, lo, 0, b'=').collect::<Vec<_>>(), zeros);
            }
        }
    }
}
