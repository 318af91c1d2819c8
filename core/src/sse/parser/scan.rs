//! Finding a chunk's lines: the innermost loop of the parser.
//!
//! One pass over the chunk finds its line ends (`crate::byte_scan`); each line inside the
//! chunk is handed to the field logic in [`super`] as text borrowed from the chunk, the first
//! one finishes a line held from the previous chunk, and the unterminated rest is held for the
//! next. The blank line that ends most events is recognised right after the line before it,
//! without another search step. Chunks without CR (nearly all) take a loop that looks for LF
//! alone.

use memchr::memchr;

use super::{Held, Parser};
use crate::byte_scan::Positions2;
use crate::sse::utf8::valid_prefix;
use crate::sse::values::EventRef;

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
        // Validate the chunk once: a line inside its valid prefix is valid on its own (line
        // ends are ASCII), so only lines past an invalid byte, and lines that span chunks, are
        // decoded one by one.
        let text = valid_prefix(chunk);
        let mut held = Held::default();
        let start = if memchr(b'\r', chunk).is_none() {
            self.scan_lines::<false, F>(chunk, text, &mut held, on_event)
        } else {
            self.scan_lines::<true, F>(chunk, text, &mut held, on_event)
        };
        self.keep(&mut held);
        self.hold_partial_line(&chunk[start..], text.len() == chunk.len());
    }

    /// The lines of a chunk; returns where its unterminated rest begins. `ANY`: the chunk has
    /// CRs, so CR, LF and CRLF all end lines; else only LF does, and only LF is looked for.
    fn scan_lines<'c, const ANY: bool, F>(
        &mut self,
        chunk: &'c [u8],
        text: &'c str,
        held: &mut Held<'c>,
        on_event: &mut F,
    ) -> usize
    where
        F: FnMut(EventRef<'_>),
    {
        let mut ends = Positions2::new(chunk, 0, b'\n', if ANY { b'\r' } else { b'\n' });
        let mut start = 0;
        if self.continues_line() {
            let Some(end) = ends.next() else { return 0 };
            self.end_line(&chunk[..end], end <= text.len(), on_event);
            start = self.after_line::<ANY, F>(chunk, end, held, on_event);
        }
        for end in ends {
            if end < start {
                continue; // the LF of a CRLF, or a blank line, already handled by `after_line`
            }
            self.line_in_chunk(chunk, text, start, end, held, on_event);
            start = self.after_line::<ANY, F>(chunk, end, held, on_event);
        }
        start
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
    fn line_in_chunk<'c, F>(
        &mut self,
        chunk: &'c [u8],
        text: &'c str,
        start: usize,
        end: usize,
        held: &mut Held<'c>,
        on_event: &mut F,
    ) where
        F: FnMut(EventRef<'_>),
    {
        if end - start > self.options.max_line_bytes {
            self.line_too_long();
        } else if end <= text.len() {
            debug_assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
            // SAFETY: `start` follows a line terminator (or is 0) and `end` is one, inside the
            // validated `text`: both are ASCII positions, hence character boundaries.
            let line = unsafe { text.get_unchecked(start..end) };
            self.process_line(line, held, on_event);
        } else {
            self.process_bytes(&chunk[start..end], held, on_event);
        }
    }
}
