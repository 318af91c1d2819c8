//! Finding line ends in a chunk: the parser's innermost loop.
//!
//! SSE streams are mostly short lines (a few dozen to a few hundred bytes), so the cost of
//! finding the next line end is dominated by per-call overhead, not by scanning. On x86_64 we
//! build one 64-bit mask of line-end positions per 64-byte block with SSE2 (part of the x86_64
//! baseline, so no runtime detection) and pop positions off it: a few instructions per line,
//! where a `memchr` call costs tens. Other targets use `memchr`'s iterator.

/// The positions of `\n` in `hay`, plus those of `\r` when `with_cr`, in increasing order.
pub(super) struct LineEnds<'a> {
    inner: Inner<'a>,
}

impl<'a> LineEnds<'a> {
    pub(super) fn new(hay: &'a [u8], with_cr: bool) -> Self {
        LineEnds {
            inner: Inner::new(hay, with_cr),
        }
    }
}

impl Iterator for LineEnds<'_> {
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
        with_cr: bool,
        /// Where the current block starts in `hay`.
        base: usize,
        /// The line ends of the current block not yet returned, one bit per byte.
        mask: u64,
    }

    impl<'a> Inner<'a> {
        pub(super) fn new(hay: &'a [u8], with_cr: bool) -> Self {
            Inner {
                hay,
                with_cr,
                base: 0,
                mask: block_mask(hay, with_cr),
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
                self.mask = block_mask(&self.hay[self.base..], self.with_cr);
            }
        }
    }

    /// The line-end mask of the first 64 bytes of `block` (zero-padded if shorter).
    #[inline(always)]
    fn block_mask(block: &[u8], with_cr: bool) -> u64 {
        match block.first_chunk::<BLOCK>() {
            Some(full) => mask64(full, with_cr),
            None => {
                let mut padded = [0u8; BLOCK];
                padded[..block.len()].copy_from_slice(block);
                mask64(&padded, with_cr)
            }
        }
    }

    #[inline(always)]
    fn mask64(block: &[u8; BLOCK], with_cr: bool) -> u64 {
        let lane = |k: usize| -> u64 {
            // SAFETY: SSE2 is enabled on every x86_64 target, and the load reads bytes
            // 16k..16k+16 of `block`, which are in bounds for k < 4 (unaligned loads are fine).
            let bits = unsafe {
                let v = _mm_loadu_si128(block.as_ptr().add(16 * k).cast::<__m128i>());
                let lf = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\n' as i8));
                let hits = if with_cr {
                    _mm_or_si128(lf, _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\r' as i8)))
                } else {
                    lf
                };
                _mm_movemask_epi8(hits)
            };
            u64::from(bits as u16)
        };
        lane(0) | lane(1) << 16 | lane(2) << 32 | lane(3) << 48
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod portable {
    pub(super) struct Inner<'a>(memchr::Memchr2<'a>);

    impl<'a> Inner<'a> {
        pub(super) fn new(hay: &'a [u8], with_cr: bool) -> Self {
            // Without CR the second needle is LF again: the same positions, one search.
            let second = if with_cr { b'\r' } else { b'\n' };
            Inner(memchr::memchr2_iter(b'\n', second, hay))
        }

        #[inline(always)]
        pub(super) fn next(&mut self) -> Option<usize> {
            self.0.next()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(hay: &[u8], with_cr: bool) -> Vec<usize> {
        (0..hay.len())
            .filter(|&i| hay[i] == b'\n' || (with_cr && hay[i] == b'\r'))
            .collect()
    }

    #[test]
    fn finds_every_line_end_at_every_offset_and_length() {
        // Line ends at block edges, next to each other, and in the zero-padded tail.
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
                for with_cr in [false, true] {
                    let found: Vec<usize> = LineEnds::new(slice, with_cr).collect();
                    assert_eq!(found, naive(slice, with_cr), "{start}..{end} cr={with_cr}");
                }
            }
        }
    }

    #[test]
    fn empty_and_all_terminator_inputs() {
        assert_eq!(LineEnds::new(b"", true).next(), None);
        let all = [b'\n'; 130];
        assert_eq!(LineEnds::new(&all, false).count(), 130);
        let crs = [b'\r'; 130];
        assert_eq!(LineEnds::new(&crs, false).count(), 0);
        assert_eq!(LineEnds::new(&crs, true).count(), 130);
    }
}
