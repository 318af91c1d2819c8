//! Where two byte values occur in a text, in order: the innermost loop of the redaction scan
//! (`:` and `=`). (The SSE parser's line scan, which also tracks CRs and non-ASCII bytes, is
//! `sse/parser/line_ends.rs`.)
//!
//! It looks for bytes that occur every few dozen bytes, so the cost of finding the next one is
//! dominated by per-call overhead, not by scanning: a `memchr2_iter` step costs tens of
//! instructions. On x86_64 each 64-byte block becomes one bit mask built with SSE2 (part of the
//! x86_64 baseline, so no runtime detection) and positions are popped off it, a few
//! instructions each. Other targets use `memchr`'s iterator.

/// The positions of `x` or `y` in `hay` from `lo` on, in increasing order.
pub(crate) struct Positions2<'a> {
    inner: Inner<'a>,
}

impl<'a> Positions2<'a> {
    pub(crate) fn new(hay: &'a [u8], lo: usize, x: u8, y: u8) -> Self {
        Positions2 {
            inner: Inner::new(hay, lo.min(hay.len()), x, y),
        }
    }
}

impl Iterator for Positions2<'_> {
    type Item = usize;

    #[inline(always)]
    fn next(&mut self) -> Option<usize> {
        self.inner.next()
    }
}

#[cfg(target_arch = "x86_64")]
use sse2::Inner;

#[cfg(not(target_arch = "x86_64"))]
use portable::Inner;

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };

    const BLOCK: usize = 64;

    pub(super) struct Inner<'a> {
        hay: &'a [u8],
        pair: (u8, u8),
        /// Where the current block starts in `hay`.
        base: usize,
        /// The hits of the current block not yet returned, one bit per byte.
        mask: u64,
    }

    impl<'a> Inner<'a> {
        pub(super) fn new(hay: &'a [u8], lo: usize, x: u8, y: u8) -> Self {
            Inner {
                hay,
                pair: (x, y),
                base: lo,
                mask: block_mask(&hay[lo..], (x, y)),
            }
        }

        #[inline(always)]
        pub(super) fn next(&mut self) -> Option<usize> {
            loop {
                if self.mask != 0 {
                    let bit = self.mask.trailing_zeros() as usize;
                    self.mask &= self.mask - 1;
                    return Some(self.base + bit);
                }
                self.base += BLOCK;
                if self.base >= self.hay.len() {
                    return None;
                }
                self.mask = block_mask(&self.hay[self.base..], self.pair);
            }
        }
    }

    /// The hit mask of the first 64 bytes of `block` (zero-padded if shorter; the padding's
    /// bits are cleared, as it matches when a byte sought is 0).
    #[inline(always)]
    fn block_mask(block: &[u8], pair: (u8, u8)) -> u64 {
        match block.first_chunk::<BLOCK>() {
            Some(full) => mask64(full, pair),
            None => {
                let mut padded = [0u8; BLOCK];
                padded[..block.len()].copy_from_slice(block);
                mask64(&padded, pair) & ((1u64 << block.len()) - 1)
            }
        }
    }

    #[inline(always)]
    fn mask64(block: &[u8; BLOCK], (x, y): (u8, u8)) -> u64 {
        let lane = |k: usize| -> u64 {
            // SAFETY: SSE2 is enabled on every x86_64 target, and the load reads bytes
            // 16k..16k+16 of `block`, which are in bounds for k < 4 (unaligned loads are fine).
            let bits = unsafe {
                let v = _mm_loadu_si128(block.as_ptr().add(16 * k).cast::<__m128i>());
                _mm_movemask_epi8(_mm_or_si128(
                    _mm_cmpeq_epi8(v, _mm_set1_epi8(x as i8)),
                    _mm_cmpeq_epi8(v, _mm_set1_epi8(y as i8)),
                ))
            };
            u64::from(bits as u16)
        };
        lane(0) | lane(1) << 16 | lane(2) << 32 | lane(3) << 48
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod portable {
    pub(super) struct Inner<'a> {
        lo: usize,
        iter: memchr::Memchr2<'a>,
    }

    impl<'a> Inner<'a> {
        pub(super) fn new(hay: &'a [u8], lo: usize, x: u8, y: u8) -> Self {
            Inner {
                lo,
                iter: memchr::memchr2_iter(x, y, &hay[lo..]),
            }
        }

        #[inline(always)]
        pub(super) fn next(&mut self) -> Option<usize> {
            self.iter.next().map(|k| self.lo + k)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(hay: &[u8], lo: usize, x: u8, y: u8) -> Vec<usize> {
        (lo..hay.len())
            .filter(|&i| hay[i] == x || hay[i] == y)
            .collect()
    }

    #[test]
    fn finds_every_position_at_every_offset_and_length() {
        // Hits at block edges, next to each other, and in the zero-padded tail.
        let mut hay = Vec::new();
        for i in 0..300u32 {
            hay.push(match i % 7 {
                0 if i % 3 == 0 => b'\n',
                0 => b'\r',
                _ if i % 63 == 0 || i % 64 == 0 => b'\n',
                _ => b'a' + (i % 26) as u8,
            });
        }
        for start in 0..70 {
            for end in start..hay.len() {
                let slice = &hay[start..end];
                for (x, y) in [(b'\n', b'\n'), (b'\n', b'\r')] {
                    for lo in [0, 1, 5, 64, slice.len()] {
                        let lo = lo.min(slice.len());
                        let found: Vec<usize> = Positions2::new(slice, lo, x, y).collect();
                        assert_eq!(found, naive(slice, lo, x, y), "{start}..{end} from {lo}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_zero_byte_is_found_but_not_in_the_padding() {
        for len in [0, 1, 63, 64, 65, 127, 128, 200] {
            let b: Vec<u8> = (0..len).map(|k| b"a:b=c\0d"[k % 7]).collect();
            for lo in [0, 1, 5, 64, len] {
                let lo = lo.min(len);
                let zeros: Vec<usize> = Positions2::new(&b, lo, 0, b'=').collect();
                assert_eq!(zeros, naive(&b, lo, 0, b'='), "{len} from {lo}");
            }
        }
    }

    #[test]
    fn empty_and_all_hit_inputs() {
        assert_eq!(Positions2::new(b"", 0, b'\n', b'\r').next(), None);
        let all = [b'\n'; 130];
        assert_eq!(Positions2::new(&all, 0, b'\n', b'\n').count(), 130);
        let crs = [b'\r'; 130];
        assert_eq!(Positions2::new(&crs, 0, b'\n', b'\n').count(), 0);
        assert_eq!(Positions2::new(&crs, 0, b'\n', b'\r').count(), 130);
        assert_eq!(Positions2::new(&crs, 200, b'\n', b'\r').count(), 0);
    }
}
