//! The event-stream parser: bytes in, dispatched events out.
//!
//! The WHATWG algorithm is specified over decoded text, line by line. We run it over bytes and
//! decode each field value on its own, which gives the same result: CR and LF are ASCII, so a
//! line boundary never falls inside a UTF-8 sequence, and a sequence cut by a line end decodes to
//! U+FFFD either way. Working on bytes lets us find line ends with one `memchr2` pass and hand
//! out events that borrow our buffers instead of allocating.

use memchr::{memchr, memchr2_iter};

use crate::error::{Error, ErrorKind, Result};

const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// A buffer that grew past this while holding one huge line or event is released afterwards,
/// so one large event does not pin its memory for the rest of a long-lived stream.
const KEEP_CAPACITY: usize = 1 << 20;

/// Size limits that bound the parser's memory whatever the stream sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParserOptions {
    /// Longest line accepted, in bytes, not counting its terminator. Default 16 MiB (inline
    /// images in Gemini answers arrive as single lines of a few MiB).
    pub max_line_bytes: usize,
    /// Largest event accepted: its decoded data plus its type, in bytes. Default 32 MiB.
    pub max_event_bytes: usize,
}

impl Default for ParserOptions {
    fn default() -> Self {
        ParserOptions {
            max_line_bytes: 16 << 20,
            max_event_bytes: 32 << 20,
        }
    }
}

impl ParserOptions {
    fn validate(self) -> Result<Self> {
        if self.max_line_bytes == 0 {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                "max_line_bytes: must be > 0",
            ));
        }
        if self.max_event_bytes == 0 {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                "max_event_bytes: must be > 0",
            ));
        }
        Ok(self)
    }
}

/// A dispatched event, borrowing the parser's buffers: valid until the parser is used again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventRef<'a> {
    /// The event type: the last `event:` field of the event, or `"message"`.
    pub event: &'a str,
    /// The `data:` lines joined with LF.
    pub data: &'a str,
    /// The last-event-ID string in effect when the event was dispatched.
    pub id: &'a str,
}

/// An owned copy of a dispatched event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Event {
    /// The event type (`"message"` unless the stream named one).
    pub event: String,
    /// The `data:` lines joined with LF.
    pub data: String,
    /// The last-event-ID string in effect when the event was dispatched.
    pub id: String,
}

impl From<EventRef<'_>> for Event {
    fn from(e: EventRef<'_>) -> Self {
        Event {
            event: e.event.to_owned(),
            data: e.data.to_owned(),
            id: e.id.to_owned(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bom {
    /// At stream offset 0 with this many bytes of a BOM seen (and held back) so far.
    Matching(u8),
    /// Past the point where a BOM could appear.
    Done,
}

/// An incremental WHATWG event-stream parser.
///
/// Feed it chunks as they arrive, in any sizes; it calls you back once per dispatched event.
/// It performs no IO and never blocks.
///
/// # Limits and recovery
///
/// A line longer than [`ParserOptions::max_line_bytes`], or an event larger than
/// [`ParserOptions::max_event_bytes`], is a [`ErrorKind::LimitExceeded`] error. The parser
/// **can continue** after it: it drops the rest of the offending line and the whole event it
/// belonged to (never a truncated event), resumes at the next event boundary, and keeps
/// parsing the rest of the chunk. Events before and after the oversized one are delivered; the
/// error is returned once the chunk has been processed, so nothing else is lost.
///
/// # End of stream and reconnection
///
/// [`Parser::finish`] discards an unfinished event, as the standard requires, and readies the
/// parser for the next connection of the same event source: the last-event-ID and the
/// reconnection time persist, a BOM is again accepted at the start.
#[derive(Debug)]
pub struct Parser {
    options: ParserOptions,
    bom: Bom,
    /// The previous chunk ended in CR: an LF at the start of the next one belongs to it.
    after_cr: bool,
    /// The start of a line whose end has not arrived yet.
    line: Vec<u8>,
    /// The current line went over the limit; its bytes are dropped until its end.
    skipping_line: bool,
    data: String,
    event_type: String,
    id_buffer: String,
    /// An `id:` field changed the ID buffer since the last blank line. Keeps the common
    /// blank line (streams without ids) from comparing the two strings every time.
    id_changed: bool,
    last_event_id: String,
    retry_ms: Option<u64>,
    /// The current event went over a limit; it is dropped at the next blank line.
    discarding_event: bool,
    comments: u64,
    pending_error: Option<Error>,
}

impl Default for Parser {
    fn default() -> Self {
        Parser::new()
    }
}

impl Parser {
    /// A parser with the default limits.
    pub fn new() -> Self {
        Parser::build(ParserOptions::default())
    }

    /// A parser with the given limits; zero limits are an [`ErrorKind::InvalidArgument`].
    pub fn with_options(options: ParserOptions) -> Result<Self> {
        Ok(Parser::build(options.validate()?))
    }

    fn build(options: ParserOptions) -> Self {
        Parser {
            options,
            bom: Bom::Matching(0),
            after_cr: false,
            line: Vec::new(),
            skipping_line: false,
            data: String::new(),
            event_type: String::new(),
            id_buffer: String::new(),
            id_changed: false,
            last_event_id: String::new(),
            retry_ms: None,
            discarding_event: false,
            comments: 0,
            pending_error: None,
        }
    }

    /// The limits this parser enforces.
    pub fn options(&self) -> ParserOptions {
        self.options
    }

    /// The last-event-ID string: what a reconnect sends as `Last-Event-ID` (when non-empty).
    pub fn last_event_id(&self) -> &str {
        &self.last_event_id
    }

    /// The reconnection time the stream asked for with `retry:`, if it did.
    pub fn retry_ms(&self) -> Option<u64> {
        self.retry_ms
    }

    /// How many comment lines (keep-alives) have been seen since the parser was made.
    pub fn comment_count(&self) -> u64 {
        self.comments
    }

    /// Parses `chunk`, calling `on_event` for every event it completes.
    ///
    /// Returns [`ErrorKind::LimitExceeded`] after the whole chunk has been processed if a line
    /// or an event in it was too large (see the type's docs: the parser can continue).
    pub fn feed<F>(&mut self, chunk: &[u8], mut on_event: F) -> Result<()>
    where
        F: FnMut(EventRef<'_>),
    {
        let rest = self.strip_bom(chunk, &mut on_event);
        self.scan(rest, &mut on_event);
        match self.pending_error.take() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    /// [`Parser::feed`], appending owned events to `out`.
    pub fn feed_to_vec(&mut self, chunk: &[u8], out: &mut Vec<Event>) -> Result<()> {
        self.feed(chunk, |e| out.push(e.into()))
    }

    /// Ends the current connection's stream: an unfinished event and a partial line are
    /// discarded (nothing is dispatched, per the standard). Field lines of the unfinished event
    /// that were complete still took effect (`retry`), but its `id` does not become the
    /// last-event-ID. The parser is then ready for the next connection.
    pub fn finish(&mut self) {
        self.bom = Bom::Matching(0);
        self.after_cr = false;
        self.line.clear();
        self.skipping_line = false;
        self.discarding_event = false;
        self.clear_event();
        self.id_buffer.clone_from(&self.last_event_id);
        self.id_changed = false;
    }

    /// Strips a BOM at stream offset 0, holding back a partial one until it is decided.
    fn strip_bom<'c, F>(&mut self, mut chunk: &'c [u8], on_event: &mut F) -> &'c [u8]
    where
        F: FnMut(EventRef<'_>),
    {
        while let Bom::Matching(seen) = self.bom {
            let Some(&byte) = chunk.first() else { break };
            let seen = usize::from(seen);
            if byte == BOM[seen] {
                chunk = &chunk[1..];
                self.bom = if seen + 1 == BOM.len() {
                    Bom::Done
                } else {
                    Bom::Matching(seen as u8 + 1)
                };
            } else {
                self.bom = Bom::Done;
                // Not a BOM after all: the bytes held back are content.
                self.scan(&BOM[..seen], on_event);
            }
        }
        chunk
    }

    fn scan<F>(&mut self, mut chunk: &[u8], on_event: &mut F)
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
        let mut start = 0;
        for end in memchr2_iter(b'\r', b'\n', chunk) {
            if end < start {
                continue; // the LF of a CRLF, consumed with its CR
            }
            self.end_line(&chunk[start..end], on_event);
            start = end + 1;
            if chunk[end] == b'\r' {
                match chunk.get(end + 1) {
                    Some(b'\n') => start += 1,
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
        }
        self.hold_partial_line(&chunk[start..]);
    }

    /// A line terminator arrived; `tail` is the part of the line inside the current chunk.
    fn end_line<F>(&mut self, tail: &[u8], on_event: &mut F)
    where
        F: FnMut(EventRef<'_>),
    {
        if self.skipping_line {
            self.skipping_line = false;
            return;
        }
        if self.line.len() + tail.len() > self.options.max_line_bytes {
            self.line_too_long();
            return;
        }
        if self.line.is_empty() {
            self.process_line(tail, on_event);
            return;
        }
        let mut line = std::mem::take(&mut self.line);
        line.extend_from_slice(tail);
        self.process_line(&line, on_event);
        line.clear();
        if line.capacity() <= KEEP_CAPACITY {
            self.line = line;
        }
    }

    fn hold_partial_line(&mut self, rest: &[u8]) {
        if rest.is_empty() || self.skipping_line {
            return;
        }
        if self.line.len() + rest.len() > self.options.max_line_bytes {
            self.line_too_long();
            self.skipping_line = true;
            return;
        }
        self.line.extend_from_slice(rest);
    }

    fn line_too_long(&mut self) {
        self.line = Vec::new();
        let limit = self.options.max_line_bytes;
        self.limit_exceeded(format!(
            "an SSE line is longer than max_line_bytes ({limit}); the line and its event were \
             discarded and parsing continues at the next event"
        ));
    }

    fn event_too_large(&mut self) {
        let limit = self.options.max_event_bytes;
        self.limit_exceeded(format!(
            "an SSE event is larger than max_event_bytes ({limit}); the event was discarded and \
             parsing continues at the next event"
        ));
    }

    fn limit_exceeded(&mut self, message: String) {
        self.discarding_event = true;
        self.clear_event();
        if self.pending_error.is_none() {
            self.pending_error = Some(Error::new(ErrorKind::LimitExceeded, message));
        }
    }

    fn process_line<F>(&mut self, line: &[u8], on_event: &mut F)
    where
        F: FnMut(EventRef<'_>),
    {
        let Some(&first) = line.first() else {
            self.dispatch(on_event);
            return;
        };
        if first == b':' {
            self.comments += 1;
            return;
        }
        let (name, value) = match memchr(b':', line) {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &line[line.len()..]),
        };
        match name {
            b"data" => self.append_data(value),
            b"event" => self.set_event_type(value),
            b"id" => self.set_id(value),
            b"retry" => self.set_retry(value),
            _ => {}
        }
    }

    fn append_data(&mut self, value: &[u8]) {
        if self.discarding_event {
            return;
        }
        push_lossy(&mut self.data, value);
        self.data.push('\n');
        self.check_event_size();
    }

    fn set_event_type(&mut self, value: &[u8]) {
        if self.discarding_event {
            return;
        }
        self.event_type.clear();
        push_lossy(&mut self.event_type, value);
        self.check_event_size();
    }

    fn check_event_size(&mut self) {
        // The LF that ends every data line is removed from the last one at dispatch.
        let size = self.data.len().saturating_sub(1) + self.event_type.len();
        if size > self.options.max_event_bytes {
            self.event_too_large();
        }
    }

    fn set_id(&mut self, value: &[u8]) {
        if memchr(0, value).is_none() {
            self.id_buffer.clear();
            push_lossy(&mut self.id_buffer, value);
            self.id_changed = true;
        }
    }

    fn set_retry(&mut self, value: &[u8]) {
        if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
            return;
        }
        // All ASCII digits, so the only possible failure is overflow: such a value is ignored.
        if let Some(ms) = std::str::from_utf8(value).ok().and_then(|s| s.parse().ok()) {
            self.retry_ms = Some(ms);
        }
    }

    fn dispatch<F>(&mut self, on_event: &mut F)
    where
        F: FnMut(EventRef<'_>),
    {
        if self.id_changed {
            self.id_changed = false;
            self.last_event_id.clone_from(&self.id_buffer);
        }
        if self.discarding_event {
            self.discarding_event = false;
            self.clear_event();
            return;
        }
        if self.data.is_empty() {
            self.event_type.clear();
            return;
        }
        self.data.pop();
        let event = if self.event_type.is_empty() {
            "message"
        } else {
            &self.event_type
        };
        on_event(EventRef {
            event,
            data: &self.data,
            id: &self.last_event_id,
        });
        self.clear_event();
    }

    fn clear_event(&mut self) {
        release_or_clear(&mut self.data);
        release_or_clear(&mut self.event_type);
    }
}

fn release_or_clear(buffer: &mut String) {
    if buffer.capacity() > KEEP_CAPACITY {
        *buffer = String::new();
    } else {
        buffer.clear();
    }
}

/// Appends `bytes` decoded as UTF-8, with U+FFFD for each invalid sequence.
fn push_lossy(out: &mut String, bytes: &[u8]) {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => out.push_str(text),
        Err(_) => out.push_str(&String::from_utf8_lossy(bytes)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_chunks(chunks: &[&[u8]]) -> (Vec<Event>, Parser) {
        let mut parser = Parser::new();
        let mut events = Vec::new();
        for chunk in chunks {
            parser.feed_to_vec(chunk, &mut events).unwrap();
        }
        parser.finish();
        (events, parser)
    }

    fn ev(event: &str, data: &str, id: &str) -> Event {
        Event {
            event: event.into(),
            data: data.into(),
            id: id.into(),
        }
    }

    #[test]
    fn cr_and_lf_in_different_chunks_are_one_terminator() {
        let (events, _) = parse_chunks(&[b"data: a\r", b"", b"\ndata: b\r\n\r", b"\n"]);
        assert_eq!(events, vec![ev("message", "a\nb", "")]);
    }

    #[test]
    fn bom_split_across_chunks_is_stripped_once() {
        let (events, _) = parse_chunks(&[
            b"",
            b"\xEF",
            b"\xBB",
            b"\xBFdata: x\n\n\xEF\xBB\xBFdata: y\n\n",
        ]);
        assert_eq!(events[0].data, "x");
        // A later BOM is content: it makes the field name "\u{FEFF}data", an unknown field.
        assert_eq!(events.len(), 1);
    }

    #[test]
    fn partial_bom_followed_by_other_bytes_is_content() {
        let (events, _) = parse_chunks(&[b"\xEF\xBB", b"data: x\n\n"]);
        assert!(events.is_empty(), "field name is \\xEF\\xBBdata, unknown");
        let (events, _) = parse_chunks(&[b"\xEF", b"\n\ndata: y\n\n"]);
        assert_eq!(events, vec![ev("message", "y", "")]);
    }

    #[test]
    fn oversized_line_is_reported_and_parsing_continues() {
        let mut parser = Parser::with_options(ParserOptions {
            max_line_bytes: 8,
            max_event_bytes: 64,
        })
        .unwrap();
        let mut events = Vec::new();
        let err = parser
            .feed_to_vec(
                b"data: 1\n\ndata: 0123456789\ndata: z\n\ndata: 2\n\n",
                &mut events,
            )
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::LimitExceeded);
        assert_eq!(events, vec![ev("message", "1", ""), ev("message", "2", "")]);
    }

    #[test]
    fn oversized_partial_line_is_dropped_without_buffering() {
        let mut parser = Parser::with_options(ParserOptions {
            max_line_bytes: 8,
            max_event_bytes: 64,
        })
        .unwrap();
        let mut events = Vec::new();
        assert!(parser
            .feed_to_vec(b"data: 0123456789", &mut events)
            .is_err());
        parser.feed_to_vec(b"0123456789", &mut events).unwrap();
        parser
            .feed_to_vec(b"\n\ndata: ok\n\n", &mut events)
            .unwrap();
        assert_eq!(events, vec![ev("message", "ok", "")]);
        assert!(parser.line.capacity() <= 8);
    }

    #[test]
    fn zero_limits_are_rejected() {
        let err = Parser::with_options(ParserOptions {
            max_line_bytes: 0,
            max_event_bytes: 1,
        })
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        assert!(err.message().contains("max_line_bytes"));
    }

    #[test]
    fn finish_keeps_last_event_id_for_the_next_connection() {
        let mut parser = Parser::new();
        let mut events = Vec::new();
        parser
            .feed_to_vec(b"id: 7\ndata: a\n\nid: 8\ndata: b", &mut events)
            .unwrap();
        parser.finish();
        assert_eq!(parser.last_event_id(), "7");
        parser.feed_to_vec(b"data: c\n\n", &mut events).unwrap();
        assert_eq!(events[1], ev("message", "c", "7"));
    }
}
