//! [`StreamRedactor`]: redacts a model's answer as it streams, in arbitrary chunks, with a
//! bounded hold-back, so a value split across chunks (`jane.doe@ex` | `ample.com`) is caught.
//!
//! How it stays equal to redacting the whole text at once: every detector decides about a
//! candidate from at most 1,024 bytes (`text::MAX_LOOKBACK`) before it and 512 (`MAX_REACH`) after
//! its start, except URLs and keys, which end where their token ends. So the stream keeps the
//! not-yet-emitted text plus `MAX_LOOKBACK` bytes of emitted text as context, and emits up to a
//! cut that is
//!
//! - at least `MAX_REACH` (512) bytes before the newest byte,
//! - not inside the last whitespace-free run when that run touches the newest byte (a URL or key
//!   still arriving),
//! - not inside any candidate (so overlap resolution on each side of the cut is independent).
//!
//! Candidates before the cut are then exactly those of the whole text, and so are the
//! replacements, placeholder numbers and counts.
//!
//! The hold-back bound: the stream rescans only once 768 bytes (`MAX_REACH` + 256) are pending,
//! so at most 768 bytes plus the chunk just pushed are held before [`StreamRedactor::flush`];
//! more only while one whitespace-free run (a URL or key still arriving) or a chain of
//! overlapping candidates is growing, and never more than [`HOLD_MAX`].
//!
//! The cap: if one unbroken value keeps the cut from moving until [`HOLD_MAX`] bytes (16 KiB)
//! are pending (a 20 KB URL, a megabyte of digits in groups), the stream cuts anyway,
//! 512 bytes (`MAX_REACH`) before the newest byte. A value that crosses a forced cut is redacted
//! in two (or more) findings of its type: the part before the cut now, and the rest, continued
//! as the same type, in later output. Nothing is ever emitted unredacted; only placeholder
//! numbering and counts can then differ from a whole-text run.
//!
//! Fail closed: after an error the stream refuses further input.

use super::detect::{key_byte, url, Cand, MAX_REACH};
use super::engine::{check_spans, guard, Redacted, Redactor};
use super::entity::id;
use super::operator::Mapping;
use super::resolve::resolve;
use super::text::{self, floor_boundary};
use crate::{Error, ErrorKind, Result};
use std::collections::BTreeMap;

/// Pending bytes past which the stream cuts even inside a value (see the module doc).
pub const HOLD_MAX: usize = 16 * 1024;

/// Bytes the stream waits for beyond the hold-back before it scans again, so tiny chunks (a
/// token at a time) do not rescan the pending text on every call.
const STEP: usize = 256;

/// A value cut by a forced cut, continued at the start of the pending text.
#[derive(Clone, Copy, Debug)]
struct Continuation {
    ty: u16,
    /// Known end in the current buffer (bounded types) or open (URL/key tokens: run on).
    end: usize,
    open: bool,
}

/// Streaming redaction of one text (one model answer). Not shared between threads: one per
/// stream.
#[derive(Debug)]
pub struct StreamRedactor {
    redactor: Redactor,
    /// Emitted context (`buf[..ctx]`) followed by pending text.
    buf: String,
    ctx: usize,
    /// Offset of `buf[0]` in the whole stream.
    base: usize,
    out: Redacted,
    cont: Option<Continuation>,
    failed: bool,
}

impl StreamRedactor {
    /// A stream redactor using `redactor`'s configuration.
    pub fn new(redactor: Redactor) -> StreamRedactor {
        StreamRedactor {
            redactor,
            buf: String::new(),
            ctx: 0,
            base: 0,
            out: Redacted {
                text: String::new(),
                findings: Vec::new(),
                mapping: Mapping::new(),
                counts: BTreeMap::new(),
            },
            cont: None,
            failed: false,
        }
    }

    /// Takes the next chunk; returns the redacted text that can be released now (possibly
    /// empty).
    pub fn push(&mut self, chunk: &str) -> Result<String> {
        self.step(|s| {
            s.buf.push_str(chunk);
            if s.buf.len() - s.ctx >= MAX_REACH + STEP {
                s.emit(false)?;
            }
            Ok(())
        })
    }

    /// Ends the stream; returns the rest of the redacted text.
    pub fn flush(&mut self) -> Result<String> {
        self.step(|s| s.emit(true))
    }

    /// Placeholders given so far (the whole stream shares one numbering).
    pub fn mapping(&self) -> &Mapping {
        &self.out.mapping
    }

    /// Findings so far, with byte offsets into the whole stream's input.
    pub fn findings(&self) -> &[super::Finding] {
        &self.out.findings
    }

    /// Findings per type so far.
    pub fn counts(&self) -> &BTreeMap<String, u64> {
        &self.out.counts
    }

    fn step(&mut self, f: impl FnOnce(&mut Self) -> Result<()>) -> Result<String> {
        if self.failed {
            return Err(Error::new(
                ErrorKind::RedactionFailed,
                "this stream failed earlier; start a new StreamRedactor",
            ));
        }
        let r = guard(|| f(self));
        match r {
            Ok(()) => Ok(std::mem::take(&mut self.out.text)),
            Err(e) => {
                self.failed = true;
                self.out.text.clear();
                self.buf.clear();
                Err(e)
            }
        }
    }

    fn emit(&mut self, last: bool) -> Result<()> {
        let text = self.buf.as_str();
        let end = text.len();
        let mut cands = Vec::new();
        self.redactor.candidates(text, self.ctx, &mut cands);
        if let Some(c) = self.cont {
            let cend = if c.open {
                open_end(text, self.ctx, c.ty)
            } else {
                c.end.min(end)
            };
            if cend > self.ctx {
                cands.push(Cand {
                    ty: c.ty,
                    start: self.ctx,
                    end: cend,
                });
            }
        }
        let mut cut = if last { end } else { self.cut(&cands) };
        let mut forced = None;
        if cut <= self.ctx && !last {
            if end - self.ctx < HOLD_MAX {
                return Ok(());
            }
            cut = floor_boundary(text.as_bytes(), end - MAX_REACH).max(self.ctx + 1);
            cut = (cut..end)
                .find(|&k| text.is_char_boundary(k))
                .unwrap_or(end);
            forced = Some(cut);
        }
        let mut spans = resolve(&mut cands);
        self.cont = None;
        if let Some(cut) = forced {
            // A value across the forced cut: its left part now, the rest continued later.
            if let Some(k) = spans.iter().position(|c| c.start < cut && c.end > cut) {
                let c = spans[k];
                let open = (c.ty == id::URL || c.ty == id::API_KEY) && c.end == end;
                self.cont = Some(Continuation {
                    ty: c.ty,
                    end: c.end - cut,
                    open,
                });
                spans[k].end = cut;
            }
        }
        spans.retain(|c| c.end <= cut);
        check_spans(text, &spans)?;
        let text = std::mem::take(&mut self.buf);
        self.redactor
            .emit(&text, self.ctx, cut, &spans, self.base, &mut self.out)?;
        // Keep MAX_LOOKBACK bytes of context before the cut.
        let keep_from = floor_boundary(text.as_bytes(), cut.saturating_sub(text::MAX_LOOKBACK));
        self.buf = text[keep_from..].to_string();
        self.base += keep_from;
        self.ctx = cut - keep_from;
        if let Some(c) = self.cont.as_mut() {
            c.end += self.ctx;
        }
        Ok(())
    }

    /// The furthest safe cut (see the module doc), or `ctx` when nothing can be released.
    fn cut(&self, cands: &[Cand]) -> usize {
        let b = self.buf.as_bytes();
        let end = b.len();
        let mut cut = floor_boundary(b, end.saturating_sub(MAX_REACH));
        // The last whitespace-free run, when it reaches the end, may still be growing.
        let mut run = end;
        while run > 0 && !b[run - 1].is_ascii_whitespace() {
            run -= 1;
        }
        cut = cut.min(run);
        loop {
            let inside = cands
                .iter()
                .filter(|c| c.start < cut && cut < c.end)
                .map(|c| c.start)
                .min();
            match inside {
                Some(s) => cut = s,
                None => break,
            }
        }
        cut.max(self.ctx)
    }
}

/// The end of a continued URL or key token starting at `from`.
fn open_end(text: &str, from: usize, ty: u16) -> usize {
    let b = text.as_bytes();
    if ty == id::URL {
        url::url_end(b, from)
    } else {
        let mut e = from;
        while e < b.len() && (key_byte(b[e]) || b[e] == b'.') {
            e += 1;
        }
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redact::RedactorConfig;

    fn redactor() -> Redactor {
        Redactor::new(RedactorConfig::default()).unwrap()
    }

    fn streamed(chunks: &[&str]) -> String {
        let mut s = StreamRedactor::new(redactor());
        let mut out = String::new();
        for c in chunks {
            out.push_str(&s.push(c).unwrap());
        }
        out.push_str(&s.flush().unwrap());
        out
    }

    #[test]
    fn a_value_split_across_chunks_is_caught() {
        assert_eq!(
            streamed(&["mail jane.doe@ex", "ample.com now"]),
            "mail <EMAIL> now"
        );
        assert_eq!(
            streamed(&[
                "key SG.fbld0pc50Ygf_wKUo",
                "FT6uH.r5ZR9_0eQ0W5Ywyr2jAinJp_4rmo8VzPu3cXbq1TnKd ok"
            ]),
            "key <API_KEY> ok"
        );
        let text =
            "x ".repeat(600) + "call +1 415 555 2671 or jane@example.org " + &"y ".repeat(600);
        let whole = redactor().redact(&text).unwrap().text;
        for size in [1, 3, 7, 64, 500] {
            assert_eq!(streamed_in(&text, size), whole, "chunk size {size}");
        }
    }

    /// A name that starts with an accented capital is found wherever the chunks cut it, right
    /// after its first letter included.
    #[test]
    fn an_accented_name_split_across_chunks_is_caught() {
        let text = "x ".repeat(300) + "Meeting with Élodie Garnier and Dr. Ștefan Popescu.";
        let whole = redactor().redact(&text).unwrap().text;
        assert!(
            whole.ends_with("Meeting with <PERSON> and Dr. <PERSON>."),
            "{whole}"
        );
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        for size in [1, 2, 5, 64] {
            let cuts: Vec<usize> = chars.iter().map(|&(i, _)| i).step_by(size).collect();
            let chunks: Vec<&str> = cuts
                .iter()
                .zip(cuts.iter().skip(1).chain([&text.len()]))
                .map(|(&a, &b)| &text[a..b])
                .collect();
            assert_eq!(streamed(&chunks), whole, "chunks of {size} characters");
        }
    }

    /// Spans that start before the byte that anchors them (a post office box's label, a name's
    /// particles and `&` partner, a firm's company form after it) or well after it (a basic-auth
    /// password after its `-u` flag) come out whole wherever the chunks cut them.
    #[test]
    fn spans_that_start_before_their_anchor_survive_any_chunking() {
        let text = "x ".repeat(300)
            + "Mail to P.O. Box 30555, Salt Lake City, UT 84130 or ask Maria de la Cruz \
               said; Ben & Chloe: plan it. Ellis & Grant, Inc. pays Fatima al-Sayed. \
               curl -u ops@acme.io:xK8vPq2mN7rT4wZ9 now.";
        let whole = redactor().redact(&text).unwrap().text;
        assert!(
            whole.ends_with(
                "Mail to <STREET_ADDRESS> or ask <PERSON> said; <PERSON> & <PERSON>: plan \
                 it. Ellis & Grant, Inc. pays <PERSON>. curl -u <EMAIL>:<API_KEY> now."
            ),
            "{whole}"
        );
        for size in [1, 2, 3, 7, 64] {
            assert_eq!(streamed_in(&text, size), whole, "chunks of {size} bytes");
        }
    }

    /// `text` streamed in chunks of `size` bytes (ASCII text: every cut is a char boundary).
    fn streamed_in(text: &str, size: usize) -> String {
        let chunks: Vec<&str> = text
            .as_bytes()
            .chunks(size)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        streamed(&chunks)
    }

    /// Context that decides a finding (a version constraint, a list of dashes, a sign-off) lies
    /// further away than the stream keeps: every detector must read a bounded window, or the
    /// stream and the whole text disagree.
    #[test]
    fn far_context_is_read_the_same_way_by_both() {
        let pad = " ".repeat(5000);
        let long = "x".repeat(5000);
        let texts = [
            format!("need zlib >={pad}1.2.3.4 ok"),
            format!("# a - b {long}\n- Paul\nok"),
            format!("thanks\n-{pad}Paul\nok"),
            format!("thanks\n- Paul{pad}\nok"),
            format!("Paul{pad}- Jane Smith\nok"),
            format!("runs-on: x\n{pad}\n  name: Clippy Lee\n{pad}\n    runs-on: y\nok"),
            format!("### Fixed\n{pad}\n\n- Typo\n{long}\n- x"),
            format!("Name: Alice Moreau{pad}x\n  runs-on: y"),
        ];
        for text in &texts {
            let whole = redactor().redact(text).unwrap().text;
            for size in [1, 5, 64, 700] {
                let head = &text[..12];
                assert_eq!(
                    streamed_in(text, size),
                    whole,
                    "chunk size {size}: {head:?}"
                );
            }
        }
    }

    #[test]
    fn the_hold_back_is_bounded() {
        let mut s = StreamRedactor::new(redactor());
        let mut out = String::new();
        for _ in 0..100 {
            out.push_str(&s.push("lorem ipsum dolor sit amet ").unwrap());
        }
        assert!(
            out.len() >= 2700 - MAX_REACH - STEP - 64,
            "released {} bytes",
            out.len()
        );
    }

    #[test]
    fn an_endless_url_is_cut_but_never_leaks() {
        let mut s = StreamRedactor::new(redactor());
        let mut out = s.push("see https://example.com/").unwrap();
        for _ in 0..3000 {
            out.push_str(&s.push("abcdefghij").unwrap());
        }
        out.push_str(&s.push(" done").unwrap());
        out.push_str(&s.flush().unwrap());
        assert!(!out.contains("abcdefghij"), "URL text leaked");
        assert!(out.starts_with("see <URL>") && out.ends_with(" done"));
        assert!(s.counts()["URL"] >= 2);
    }
}
