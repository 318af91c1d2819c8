//! One pass over a chunk that finds its line ends and, on the way, which bytes need a second
//! look: CRs (which switch the scan from LF-only to any-terminator) and non-ASCII bytes
//! (whose lines must be validated as UTF-8).
//!
//! Each 64-byte block becomes three bit masks (LF, CR, bytes ≥ 0x80), built with the widest
//! SIMD the CPU has: one instruction each with AVX-512BW, a few with AVX2 or SSE2. This pass
//! replaced three: a CR search and a UTF-8 validation of every whole chunk before the line-end
//! scan. Now only the blocks of a line that hold non-ASCII bytes are validated, which on the
//! benchmark streams (LLM text with an accent or emoji every few events) made the parser
//! 27 % (OpenAI), 35 % (Gemini) and 6 % (Anthropic) faster. The scan is compiled once per
//! [`Level`], so the mask code inlines into the loop that uses it (`#[target_feature]` code
//! cannot inline into a caller without the feature).

/// The SIMD a scan is compiled for; [`Level::detect`] picks the best one this CPU runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Level {
    #[cfg(target_arch = "x86_64")]
    Avx512,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    #[cfg(target_arch = "x86_64")]
    Sse2,
    /// Plain Rust, for other targets (and a reference for the others in tests).
    #[cfg(any(test, not(target_arch = "x86_64")))]
    Portable,
}

impl Level {
    /// The best level this CPU supports (the detection is cached by `std`).
    pub(super) fn detect() -> Level {
        #[cfg(target_arch = "x86_64")]
        return if std::is_x86_feature_detected!("avx512bw") {
            Level::Avx512
        } else if std::is_x86_feature_detected!("avx2") {
            Level::Avx2
        } else {
            Level::Sse2
        };
        #[cfg(not(target_arch = "x86_64"))]
        return Level::Portable;
    }

    /// Every level this CPU runs, best first: the tests compare them.
    #[cfg(test)]
    pub(super) fn all_supported() -> Vec<Level> {
        let mut levels = Vec::new();
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx512bw") {
                levels.push(Level::Avx512);
            }
            if std::is_x86_feature_detected!("avx2") {
                levels.push(Level::Avx2);
            }
            levels.push(Level::Sse2);
        }
        levels.push(Level::Portable);
        levels
    }
}

pub(super) const BLOCK: usize = 64;

/// The bytes of one block the scan cares about, one bit per byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Masks {
    pub(super) lf: u64,
    pub(super) cr: u64,
    pub(super) high: u64,
}

/// How one [`Level`] turns a block into [`Masks`].
pub(super) trait Simd {
    /// The masks of the first `min(64, hay.len() - at)` bytes of `hay` from `at` (the bits of
    /// bytes past the end are zero).
    ///
    /// # Safety
    ///
    /// The CPU must support the level's instructions, and `at < hay.len()`.
    unsafe fn masks(hay: &[u8], at: usize) -> Masks;
}

/// The positions of line ends in `hay` from `lo` on, in order: LF only, or (`ANY`) LF and CR.
/// Scanning for LF only, it stops at the first block that holds a CR ([`Self::met_cr`]). It
/// also tells whether a line it has passed is valid UTF-8 ([`Self::is_utf8`]), looking only at
/// the blocks of the line that hold a non-ASCII byte.
pub(super) struct LineEnds<'a, S: Simd, const ANY: bool> {
    hay: &'a [u8],
    /// Where the current block starts.
    base: usize,
    /// The current block's line ends not yet returned.
    ends: u64,
    /// One past the last non-ASCII byte read (0: none): a line that starts after it is ASCII.
    high_end: usize,
    /// The end of the block that byte is in.
    high_block_end: usize,
    /// The first block holding a non-ASCII byte read since the block of the position returned
    /// before the last one (inclusive), or `usize::MAX`: where the last line's non-ASCII text
    /// can begin.
    high_first: usize,
    /// The current block, if it holds a non-ASCII byte (else `usize::MAX`).
    high_block: usize,
    met_cr: bool,
    simd: std::marker::PhantomData<S>,
}

impl<'a, S: Simd, const ANY: bool> LineEnds<'a, S, ANY> {
    /// # Safety
    ///
    /// The CPU must support `S`'s instructions.
    #[inline(always)]
    pub(super) unsafe fn new(hay: &'a [u8], lo: usize) -> Self {
        let mut ends = LineEnds {
            hay,
            base: lo,
            ends: 0,
            high_end: 0,
            high_block_end: 0,
            high_first: usize::MAX,
            high_block: usize::MAX,
            met_cr: false,
            simd: std::marker::PhantomData,
        };
        if lo < hay.len() {
            // SAFETY: the caller vouches for the CPU; `lo` is in bounds.
            ends.load(unsafe { S::masks(hay, lo) });
        }
        ends
    }

    /// The next line end, or `None` at the end of `hay` (or, LF-only, at a block with a CR).
    #[inline(always)]
    pub(super) fn next_end(&mut self) -> Option<usize> {
        // The line after the last position returned starts in the current block or later.
        self.high_first = self.high_block;
        loop {
            if self.ends != 0 {
                let bit = self.ends.trailing_zeros() as usize;
                self.ends &= self.ends - 1;
                return Some(self.base + bit);
            }
            if self.met_cr {
                return None;
            }
            self.base += BLOCK;
            if self.base >= self.hay.len() {
                return None;
            }
            // SAFETY: `new`'s caller vouched for the CPU; `base` is in bounds.
            self.load(unsafe { S::masks(self.hay, self.base) });
        }
    }

    #[inline(always)]
    fn load(&mut self, masks: Masks) {
        if !ANY && masks.cr != 0 {
            self.met_cr = true;
            return;
        }
        self.ends = if ANY { masks.lf | masks.cr } else { masks.lf };
        if masks.high != 0 {
            self.high_block = self.base;
            self.high_end = self.base + BLOCK - masks.high.leading_zeros() as usize;
            self.high_block_end = self.base + BLOCK;
            self.high_first = self.high_first.min(self.base);
        } else {
            self.high_block = usize::MAX;
        }
    }

    /// Scanning for LF only, the scan stopped at a block with a CR: the rest of `hay`, from
    /// the start of the line the block is in, must be scanned with `ANY`.
    pub(super) fn met_cr(&self) -> bool {
        self.met_cr
    }

    /// Whether `hay[start..end]` is valid UTF-8, for `start` just after the position returned
    /// before the last one (or `lo`) and `end` the last position returned (or, once the scan is
    /// over, `hay.len()`).
    ///
    /// Only the blocks holding the line's non-ASCII bytes are validated: the bytes around them
    /// are ASCII, so the line is valid exactly when its stretch from the first such block to
    /// the end of the last one is. A line with an accent or an emoji validates a block or two,
    /// not the line or the chunk.
    #[inline(always)]
    pub(super) fn is_utf8(&self, start: usize, end: usize) -> bool {
        if self.high_end <= start {
            return true;
        }
        debug_assert!(
            self.high_first < self.high_end,
            "a non-ASCII block was recorded"
        );
        let first = if self.high_first == usize::MAX {
            start
        } else {
            self.high_first
        };
        // Whole blocks first, which `simdutf8` validates fastest (no remainder to copy): they
        // hold the stretch, whose ends are character boundaries, so when they are valid it
        // is. Validating exactly from the first to the last non-ASCII byte instead ran the
        // Gemini stream at 6.9 GB/s, against 8.8. The blocks may also hold the end of the line
        // before or the start of the next: only if those make them invalid is the stretch
        // validated on its own.
        let blocks = &self.hay[first..self.high_block_end.min(self.hay.len())];
        if simdutf8::basic::from_utf8(blocks).is_ok() {
            return true;
        }
        let to = end.min(self.high_block_end);
        let from = start.max(first).min(to);
        is_utf8(&self.hay[from..to])
    }
}

/// Whether `bytes` is valid UTF-8. `simdutf8` hands inputs under 64 bytes to `std`, which
/// walks them byte by byte once it meets a non-ASCII one (~230 instructions for a short stretch
/// with an emoji): such a stretch is validated padded with zeros to 64 bytes instead. Zeros are
/// ASCII, so the padded stretch is valid exactly when the stretch is.
#[inline(always)]
fn is_utf8(bytes: &[u8]) -> bool {
    if bytes.len() >= BLOCK {
        return simdutf8::basic::from_utf8(bytes).is_ok();
    }
    let mut padded = [0u8; BLOCK];
    padded[..bytes.len()].copy_from_slice(bytes);
    simdutf8::basic::from_utf8(&padded).is_ok()
}

/// The masks of up to 64 bytes, one byte at a time: other targets' scan, and the reference
/// the SIMD levels are tested against.
#[cfg(any(test, not(target_arch = "x86_64")))]
pub(super) struct Portable;

#[cfg(any(test, not(target_arch = "x86_64")))]
impl Simd for Portable {
    #[inline(always)]
    unsafe fn masks(hay: &[u8], at: usize) -> Masks {
        let mut masks = Masks {
            lf: 0,
            cr: 0,
            high: 0,
        };
        for (i, &byte) in hay[at..].iter().take(BLOCK).enumerate() {
            masks.lf |= u64::from(byte == b'\n') << i;
            masks.cr |= u64::from(byte == b'\r') << i;
            masks.high |= u64::from(byte >= 0x80) << i;
        }
        masks
    }
}

#[cfg(target_arch = "x86_64")]
pub(super) use x86::{Avx2, Avx512, Sse2};

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    use super::{Masks, Simd, BLOCK};

    /// Calls `f` with the 64 bytes at `at`, copied into zeroed space when fewer are left (zero
    /// is neither a line end nor non-ASCII, so the padding sets no bit).
    #[inline(always)]
    fn with_block<R>(hay: &[u8], at: usize, f: impl FnOnce(&[u8; BLOCK]) -> R) -> R {
        let rest = &hay[at..];
        match rest.first_chunk::<BLOCK>() {
            Some(block) => f(block),
            None => {
                let mut padded = [0u8; BLOCK];
                padded[..rest.len()].copy_from_slice(rest);
                f(&padded)
            }
        }
    }

    pub(in crate::sse::parser) struct Avx512;

    impl Simd for Avx512 {
        #[inline(always)]
        unsafe fn masks(hay: &[u8], at: usize) -> Masks {
            let rest = hay.len() - at;
            // SAFETY: the caller vouches for AVX-512BW. A full block is read in bounds; a
            // shorter one with a masked load, which reads (and faults on) only the bytes
            // its mask selects, all of them in bounds.
            unsafe {
                let ptr = hay.as_ptr().add(at).cast::<i8>();
                let v = if rest >= BLOCK {
                    _mm512_loadu_si512(ptr.cast())
                } else {
                    _mm512_maskz_loadu_epi8((1u64 << rest) - 1, ptr)
                };
                Masks {
                    lf: _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(b'\n' as i8)),
                    cr: _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(b'\r' as i8)),
                    high: _mm512_movepi8_mask(v),
                }
            }
        }
    }

    pub(in crate::sse::parser) struct Avx2;

    impl Simd for Avx2 {
        #[inline(always)]
        unsafe fn masks(hay: &[u8], at: usize) -> Masks {
            // SAFETY: forwarded from the caller.
            unsafe { masks_by_lanes::<Self>(hay, at) }
        }
    }

    impl Lanes for Avx2 {
        const BYTES: usize = 32;

        #[inline(always)]
        unsafe fn lane(bytes: *const u8) -> [u64; 3] {
            // SAFETY: the caller vouches for AVX2 and for 32 readable bytes.
            unsafe {
                let v = _mm256_loadu_si256(bytes.cast());
                let lf = _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'\n' as i8));
                let cr = _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'\r' as i8));
                [lf, cr, v].map(|m| u64::from(_mm256_movemask_epi8(m) as u32))
            }
        }
    }

    pub(in crate::sse::parser) struct Sse2;

    impl Simd for Sse2 {
        #[inline(always)]
        unsafe fn masks(hay: &[u8], at: usize) -> Masks {
            // SAFETY: forwarded from the caller.
            unsafe { masks_by_lanes::<Self>(hay, at) }
        }
    }

    impl Lanes for Sse2 {
        const BYTES: usize = 16;

        #[inline(always)]
        unsafe fn lane(bytes: *const u8) -> [u64; 3] {
            // SAFETY: SSE2 is part of x86_64; the caller vouches for 16 readable bytes.
            unsafe {
                let v = _mm_loadu_si128(bytes.cast());
                let lf = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\n' as i8));
                let cr = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\r' as i8));
                [lf, cr, v].map(|m| u64::from(_mm_movemask_epi8(m) as u16))
            }
        }
    }

    /// A level whose registers hold less than a block: the masks are put together lane by
    /// lane.
    trait Lanes {
        const BYTES: usize;

        /// The LF, CR and non-ASCII masks of the `BYTES` bytes at `bytes`.
        ///
        /// # Safety
        ///
        /// The CPU must support the level, and `BYTES` bytes must be readable at `bytes`.
        unsafe fn lane(bytes: *const u8) -> [u64; 3];
    }

    /// # Safety
    ///
    /// The CPU must support `L`'s instructions, and `at < hay.len()`.
    #[inline(always)]
    unsafe fn masks_by_lanes<L: Lanes>(hay: &[u8], at: usize) -> Masks {
        with_block(hay, at, |bytes| {
            let mut masks = Masks {
                lf: 0,
                cr: 0,
                high: 0,
            };
            for k in 0..BLOCK / L::BYTES {
                // SAFETY: forwarded from the caller; lane k lies inside the 64-byte block.
                let [lf, cr, high] = unsafe { L::lane(bytes.as_ptr().add(k * L::BYTES)) };
                let shift = k * L::BYTES;
                masks.lf |= lf << shift;
                masks.cr |= cr << shift;
                masks.high |= high << shift;
            }
            masks
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masks_at(level: Level, hay: &[u8], at: usize) -> Masks {
        // SAFETY: `all_supported` lists only levels this CPU runs; `at` is in bounds.
        unsafe {
            match level {
                #[cfg(target_arch = "x86_64")]
                Level::Avx512 => Avx512::masks(hay, at),
                #[cfg(target_arch = "x86_64")]
                Level::Avx2 => Avx2::masks(hay, at),
                #[cfg(target_arch = "x86_64")]
                Level::Sse2 => Sse2::masks(hay, at),
                Level::Portable => Portable::masks(hay, at),
            }
        }
    }

    #[test]
    fn every_level_builds_the_reference_masks_for_full_and_short_blocks() {
        let alphabet = [b'\n', b'\r', b'a', 0x80, 0xFF, 0x7F, 0, b' '];
        let hay: Vec<u8> = (0..300u32)
            .map(|i| alphabet[(i.wrapping_mul(2_654_435_761) >> 7) as usize % alphabet.len()])
            .collect();
        for level in Level::all_supported() {
            for at in [0, 1, 63, 64, 200, 236, 237, 299] {
                assert_eq!(
                    masks_at(level, &hay, at),
                    masks_at(Level::Portable, &hay, at),
                    "{level:?} at {at}"
                );
            }
        }
    }

    #[test]
    fn only_blocks_with_non_ascii_bytes_are_validated() {
        let mut hay = vec![b'a'; 400];
        hay[10] = b'\n';
        hay[100] = 0xC3; // cut: a lead byte followed by ASCII, in the second line
        hay[150] = b'\n';
        hay[250] = b'\n';
        hay[300..302].copy_from_slice("é".as_bytes());
        hay[350] = b'\n';
        // SAFETY: Portable needs no CPU feature.
        let mut ends = unsafe { LineEnds::<Portable, false>::new(&hay, 0) };
        assert_eq!(ends.next_end(), Some(10));
        assert!(ends.is_utf8(0, 10));
        assert_eq!(ends.next_end(), Some(150));
        assert!(!ends.is_utf8(11, 150));
        assert_eq!(ends.next_end(), Some(250));
        assert!(
            ends.is_utf8(151, 250),
            "the invalid byte is in the line before"
        );
        assert_eq!(ends.next_end(), Some(350));
        assert!(ends.is_utf8(251, 350));
        assert_eq!(ends.next_end(), None);
        assert!(ends.is_utf8(351, 400));
        hay[399] = 0xE6;
        // SAFETY: as above.
        let mut ends = unsafe { LineEnds::<Portable, false>::new(&hay, 351) };
        assert_eq!(ends.next_end(), None);
        assert!(!ends.is_utf8(351, 400), "a character cut by the end");
    }

    #[test]
    fn an_lf_only_scan_stops_at_the_first_block_with_a_cr() {
        let mut hay = vec![b'a'; 200];
        hay[10] = b'\n';
        hay[100] = b'\n';
        hay[130] = b'\r';
        // SAFETY: Portable needs no CPU feature.
        let mut ends = unsafe { LineEnds::<Portable, false>::new(&hay, 0) };
        assert_eq!(ends.next_end(), Some(10));
        assert_eq!(ends.next_end(), Some(100));
        assert_eq!(ends.next_end(), None);
        assert!(ends.met_cr());
    }
}
