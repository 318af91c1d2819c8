//! Finding a chunk's lines: the innermost loop of the parser.
//!
//! One pass over the chunk finds its line ends ([`line_ends`](super::line_ends)); each line
//! inside the chunk is handed to the field logic in [`super`] as text borrowed from the chunk,
//! the first one finishes a line held from the previous chunk, and the unterminated rest is
//! held for the next. The blank line that ends most events is recognised right after the line
//! before it, without another search step. The scan looks for LF alone until it meets a CR
//! (nearly all chunks have none), and validates as UTF-8 only lines that hold a non-ASCII byte.

#[cfg(any(test, not(target_arch = "x86_64")))]
use super::line_ends::Portable;
#[cfg(target_arch = "x86_64")]
use super::line_ends::{Avx2, Avx512, Sse2};
use super::line_ends::{Level, LineEnds, Simd};
use super::{Held, Parser};
use crate::sse::values::EventRef;

/// Where a scan of a chunk's lines stopped.
enum Scanned {
    /// At the unterminated rest of the chunk, which starts at `start`; `valid`: it is valid
    /// UTF-8 ending at a character boundary.
    Rest { start: usize, valid: bool },
    /// Scanning for LF only, at a block with a CR: the chunk from `start` (a line start) must
    /// be scanned for any terminator.
    MetCr { start: usize },
}

impl Parser {
    pub(super) fn scan<F>(&mut self, mut chunk: &[u8], on_event: &mut F)
    where
        F: FnMut(EventRef<'_>),
    {
        if chunk.is_empty() {
            return;
        }
        if self.after_cr {
            self.after_cr = false;
            if chunk[0] == b'\n' {
                chunk = &chunk[1..];
            }
        }
        // SAFETY: `self.level` is one the CPU supports (`Level::detect`, or the tests' list).
        unsafe {
            match self.level {
                #[cfg(target_arch = "x86_64")]
                Level::Avx512 => self.scan_avx512(chunk, on_event),
                #[cfg(target_arch = "x86_64")]
                Level::Avx2 => self.scan_avx2(chunk, on_event),
                #[cfg(target_arch = "x86_64")]
                Level::Sse2 => self.scan_with::<Sse2, F>(chunk, on_event),
                #[cfg(any(test, not(target_arch = "x86_64")))]
                Level::Portable => self.scan_with::<Portable, F>(chunk, on_event),
            }
        }
    }

    /// # Safety
    ///
    /// The CPU must support AVX-512BW.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512bw")]
    unsafe fn scan_avx512<F>(&mut self, chunk: &[u8], on_event: &mut F)
    where
        F: FnMut(EventRef<'_>),
    {
        // SAFETY: forwarded from the caller.
        unsafe { self.scan_with::<Avx512, F>(chunk, on_event) }
    }

    /// # Safety
    ///
    /// The CPU must support AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn scan_avx2<F>(&mut self, chunk: &[u8], on_event: &mut F)
    where
        F: FnMut(EventRef<'_>),
    {
        // SAFETY: forwarded from the caller.
        unsafe { self.scan_with::<Avx2, F>(chunk, on_event) }
    }

    /// # Safety
    ///
    /// The CPU must support `S`'s instructions.
    #[inline(always)]
    unsafe fn scan_with<S: Simd, F>(&mut self, chunk: &[u8], on_event: &mut F)
    where
        F: FnMut(EventRef<'_>),
    {
        let mut held = Held::default();
        // SAFETY: forwarded from the caller.
        let mut scanned = unsafe { self.scan_lines::<S, false, F>(chunk, 0, &mut held, on_event) };
        if let Scanned::MetCr { start } = scanned {
            // SAFETY: forwarded from the caller.
            scanned = unsafe { self.scan_lines::<S, true, F>(chunk, start, &mut held, on_event) };
        }
        self.keep(&mut held);
        if let Scanned::Rest { start, valid } = scanned {
            self.hold_partial_line(&chunk[start..], valid);
        }
    }

    /// The lines of `chunk` from `lo` (a line start) on. `ANY`: CR, LF and CRLF all end lines;
    /// else only LF does, and the scan stops at the first block with a CR.
    ///
    /// # Safety
    ///
    /// The CPU must support `S`'s instructions.
    #[inline(always)]
    unsafe fn scan_lines<'c, S: Simd, const ANY: bool, F>(
        &mut self,
        chunk: &'c [u8],
        lo: usize,
        held: &mut Held<'c>,
        on_event: &mut F,
    ) -> Scanned
    where
        F: FnMut(EventRef<'_>),
    {
        // SAFETY: forwarded from the caller.
        let mut ends = unsafe { LineEnds::<S, ANY>::new(chunk, lo) };
        let mut start = lo;
        // `next_end` is not called again after `None`: `is_utf8` answers for the line up to
        // the last position returned, and a call past the end would move that line on.
        let mut next = ends.next_end();
        if self.continues_line() {
            // Nothing of the chunk was taken yet, so `lo` is 0.
            if let Some(end) = next {
                self.end_line(&chunk[..end], ends.is_utf8(0, end), on_event);
                start = self.after_line::<ANY, F>(chunk, end, held, on_event);
                next = ends.next_end();
            }
        }
        while let Some(end) = next {
            // An `end` before `start` is the LF of a CRLF, or a blank line, that `after_line`
            // already took.
            if end >= start {
                self.line_in_chunk(chunk, &ends, start, end, held, on_event);
                start = self.after_line::<ANY, F>(chunk, end, held, on_event);
            }
            next = ends.next_end();
        }
        if ends.met_cr() {
            Scanned::MetCr { start }
        } else {
            Scanned::Rest {
                start,
                valid: ends.is_utf8(start, chunk.len()),
            }
        }
    }

    /// Where the line after the terminator at `end` starts. The blank line that ends most
    /// events is dispatched here, without another search step.
    #[inline(always)]
    fn after_line<const ANY: bool, F>(
        &mut self,
        chunk: &[u8],
        end: usize,
        held: &mut Held<'_>,
        on_event: &mut F,
    ) -> usize
    where
        F: FnMut(EventRef<'_>),
    {
        if !ANY {
            let start = end + 1;
            if chunk.get(start) == Some(&b'\n') {
                self.dispatch(held, on_event);
                return start + 1;
            }
            return start;
        }
        let start = self.after_terminator(chunk, end);
        if let Some(b'\r' | b'\n') = chunk.get(start) {
            self.dispatch(held, on_event);
            return self.after_terminator(chunk, start);
        }
        start
    }

    /// Where the line after the terminator at `end` starts. A CR that ends the chunk may be
    /// the first half of a CRLF: `after_cr` remembers it.
    fn after_terminator(&mut self, chunk: &[u8], end: usize) -> usize {
        if chunk[end] == b'\r' {
            match chunk.get(end + 1) {
                Some(b'\n') => return end + 2,
                Some(_) => {}
                None => self.after_cr = true,
            }
        }
        end + 1
    }

    /// The chunk's first line is the end of one that began in an earlier chunk (or of one
    /// being skipped).
    fn continues_line(&self) -> bool {
        self.skipping_line || !self.line.is_empty()
    }

    /// The line `chunk[start..end]` began and ended inside the chunk.
    #[inline(always)]
    fn line_in_chunk<'c, S: Simd, const ANY: bool, F>(
        &mut self,
        chunk: &'c [u8],
        ends: &LineEnds<'c, S, ANY>,
        start: usize,
        end: usize,
        held: &mut Held<'c>,
        on_event: &mut F,
    ) where
        F: FnMut(EventRef<'_>),
    {
        let line = &chunk[start..end];
        if line.len() > self.options.max_line_bytes {
            self.line_too_long();
        } else if ends.is_utf8(start, end) {
            debug_assert!(std::str::from_utf8(line).is_ok());
            // SAFETY: just checked.
            let text = unsafe { std::str::from_utf8_unchecked(line) };
            self.process_line(text, held, on_event);
        } else {
            self.process_bytes(line, held, on_event);
        }
    }
}
