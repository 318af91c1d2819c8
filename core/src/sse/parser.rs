//! The event-stream parser: bytes in, dispatched events out.
//!
//! The WHATWG algorithm is specified over decoded text, line by line. We run it over bytes,
//! which gives the same result: CR and LF are ASCII, so a line boundary never falls inside a
//! UTF-8 sequence, and a sequence cut by a line end decodes to U+FFFD either way. Working on
//! bytes lets us find a chunk's line ends in one pass that also tells which lines need UTF-8
//! validation (only those with a non-ASCII byte), and hand out events that borrow the chunk or
//! our buffers instead of allocating.
//!
//! A typical LLM stream is tens of thousands of ~100-500 byte events, so a few nanoseconds per
//! line or per event (a call, a copy, a second search) weigh more than the byte-scanning passes:
//! the hot path is tuned for that. Finding a chunk's lines is [`scan`]'s; this file holds the
//! parser's state, the field logic applied to each line, and the dispatch of events.

use std::borrow::Cow;

use memchr::memchr;

use super::values::{Event, EventRef, ParserOptions};
use line_ends::Level;

use crate::error::{Error, ErrorKind, Result};

const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// A buffer that grew past this while holding one huge line or event is released afterwards,
/// so one large event does not pin its memory for the rest of a long-lived stream.
const KEEP_CAPACITY: usize = 1 << 20;

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
    /// The SIMD the line scan uses, the best this CPU has.
    level: Level,
    bom: Bom,
    /// The previous chunk ended in CR: an LF at the start of the next one belongs to it.
    after_cr: bool,
    /// The start of a line whose end has not arrived yet.
    line: Vec<u8>,
    /// Every byte of `line` came from the validated prefix of its chunk, so `line` is valid
    /// UTF-8 ending at a character boundary (true while it is empty). When its end then
    /// arrives inside the next chunk's validated prefix, the joined line is valid as a whole
    /// and is not validated again: that second call cost 10–15 % of the parse on 2 KiB chunks.
    line_valid: bool,
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
            level: Level::detect(),
            bom: Bom::Matching(0),
            after_cr: false,
            line: Vec::new(),
            line_valid: true,
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
        self.line_valid = true;
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

    /// The end of a line that began in an earlier chunk (or is being skipped); `tail` is the
    /// part of the line inside the current chunk, `tail_valid` whether it lies in the chunk's
    /// validated prefix. Nothing is held at this point: it is the chunk's first line.
    fn end_line<F>(&mut self, tail: &[u8], tail_valid: bool, on_event: &mut F)
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
        let known_valid = self.line_valid && tail_valid;
        let mut line = std::mem::take(&mut self.line);
        line.extend_from_slice(tail);
        if known_valid {
            debug_assert!(std::str::from_utf8(&line).is_ok());
            // SAFETY: the held start of the line is valid UTF-8 ending at a character boundary
            // (`line_valid`), and so is `tail`, a prefix of this chunk's validated text that
            // ends before a line end: their concatenation is valid UTF-8.
            let text = unsafe { std::str::from_utf8_unchecked(&line) };
            let mut local = Held::default();
            self.process_line(text, &mut local, on_event);
            self.keep(&mut local);
        } else {
            self.process_bytes(&line, &mut Held::default(), on_event);
        }
        line.clear();
        self.line_valid = true;
        if line.capacity() <= KEEP_CAPACITY {
            self.line = line;
        }
    }

    /// A line that was not validated with its chunk, decoded on its own with U+FFFD for each
    /// invalid sequence. (Decoding the whole line is the same as decoding name and value
    /// apart: neither the colon nor a field name can hide inside an invalid sequence.)
    fn process_bytes<F>(&mut self, line: &[u8], held: &mut Held<'_>, on_event: &mut F)
    where
        F: FnMut(EventRef<'_>),
    {
        self.keep(held);
        let line = match simdutf8::basic::from_utf8(line) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(line),
        };
        let mut local = Held::default();
        self.process_line(&line, &mut local, on_event);
        self.keep(&mut local);
    }

    /// Holds the unterminated end of a chunk; `validated` says whether the whole chunk was in
    /// its validated prefix.
    fn hold_partial_line(&mut self, rest: &[u8], validated: bool) {
        if rest.is_empty() || self.skipping_line {
            return;
        }
        if self.line.len() + rest.len() > self.options.max_line_bytes {
            self.line_too_long();
            self.skipping_line = true;
            return;
        }
        self.line.extend_from_slice(rest);
        self.line_valid &= validated;
    }

    fn line_too_long(&mut self) {
        self.line = Vec::new();
        self.line_valid = true;
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

    /// Starts discarding the current event. What is held of it is dropped unread: every user
    /// of [`Held`] checks `discarding_event` first, and the next dispatch clears it.
    fn limit_exceeded(&mut self, message: String) {
        self.discarding_event = true;
        self.clear_event();
        if self.pending_error.is_none() {
            self.pending_error = Some(Error::new(ErrorKind::LimitExceeded, message));
        }
    }

    #[inline(always)]
    fn process_line<'c, F>(&mut self, line: &'c str, held: &mut Held<'c>, on_event: &mut F)
    where
        F: FnMut(EventRef<'_>),
    {
        let bytes = line.as_bytes();
        let Some(&first) = bytes.first() else {
            self.dispatch(held, on_event);
            return;
        };
        if first == b':' {
            self.comments += 1;
            return;
        }
        // The two fields of nearly every line, recognised without searching for the colon.
        match known_field(bytes) {
            Some(Field::Data) => {
                // SAFETY: the line starts with the ASCII `data:`: index 5 is a boundary.
                self.append_data(strip_space(unsafe { line.get_unchecked(5..) }), held);
                return;
            }
            Some(Field::Event) => {
                // SAFETY: the line starts with the ASCII `event:`: index 6 is a boundary.
                self.set_event_type(strip_space(unsafe { line.get_unchecked(6..) }), held);
                return;
            }
            None => {}
        }
        let (name, value) = match memchr(b':', bytes) {
            Some(colon) => (&line[..colon], strip_space(&line[colon + 1..])),
            None => (line, ""),
        };
        match name {
            "data" => self.append_data(value, held),
            "event" => self.set_event_type(value, held),
            "id" => self.set_id(value),
            "retry" => self.set_retry(value),
            _ => {}
        }
    }

    #[inline(always)]
    fn append_data<'c>(&mut self, value: &'c str, held: &mut Held<'c>) {
        if self.discarding_event {
            return;
        }
        if held.data.is_none() && self.data.is_empty() {
            held.data = Some(value);
        } else {
            if let Some(first) = held.data.take() {
                self.data.push_str(first);
                self.data.push('\n');
            }
            self.data.push_str(value);
            self.data.push('\n');
        }
        self.check_event_size(held);
    }

    #[inline(always)]
    fn set_event_type<'c>(&mut self, value: &'c str, held: &mut Held<'c>) {
        if self.discarding_event {
            return;
        }
        held.event = Some(value);
        self.check_event_size(held);
    }

    /// Copies what is held of the current event into the parser's buffers, before the chunk
    /// it borrows from goes away.
    fn keep(&mut self, held: &mut Held<'_>) {
        let Held { data, event } = std::mem::take(held);
        if self.discarding_event {
            return;
        }
        if let Some(value) = data {
            self.data.push_str(value);
            self.data.push('\n');
        }
        if let Some(value) = event {
            self.event_type.clear();
            self.event_type.push_str(value);
        }
    }

    #[inline(always)]
    fn check_event_size(&mut self, held: &Held<'_>) {
        // The LF that ends every data line is removed from the last one at dispatch.
        let data = match held.data {
            Some(value) => value.len(),
            None => self.data.len().saturating_sub(1),
        };
        let event = held.event.map_or(self.event_type.len(), str::len);
        if data + event > self.options.max_event_bytes {
            self.event_too_large();
        }
    }

    fn set_id(&mut self, value: &str) {
        if memchr(0, value.as_bytes()).is_none() {
            self.id_buffer.clear();
            self.id_buffer.push_str(value);
            self.id_changed = true;
        }
    }

    fn set_retry(&mut self, value: &str) {
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
            return;
        }
        // All ASCII digits, so the only possible failure is overflow: such a value is ignored.
        if let Ok(ms) = value.parse() {
            self.retry_ms = Some(ms);
        }
    }

    #[inline(always)]
    fn dispatch<F>(&mut self, held: &mut Held<'_>, on_event: &mut F)
    where
        F: FnMut(EventRef<'_>),
    {
        if self.id_changed {
            self.id_changed = false;
            self.last_event_id.clone_from(&self.id_buffer);
        }
        let Held { data, event } = std::mem::take(held);
        if self.discarding_event {
            self.discarding_event = false;
            self.clear_event();
            return;
        }
        let data = match data {
            Some(value) => value,
            None if self.data.is_empty() => {
                self.event_type.clear();
                return;
            }
            None => {
                self.data.pop();
                &self.data
            }
        };
        let event = match event.unwrap_or(&self.event_type) {
            "" => "message",
            name => name,
        };
        on_event(EventRef {
            event,
            data,
            id: &self.last_event_id,
        });
        // Most events were held, not buffered: nothing to clear then.
        if !self.data.is_empty() || !self.event_type.is_empty() {
            self.clear_event();
        }
    }

    fn clear_event(&mut self) {
        release_or_clear(&mut self.data);
        release_or_clear(&mut self.event_type);
    }
}

/// The current event's first data line and its type, still borrowed from the chunk being
/// scanned. Most events are one `data:` line (and perhaps an `event:` line) followed by a
/// blank line inside one chunk: they are dispatched from the chunk without a copy. Otherwise
/// [`Parser::keep`] copies them into the parser's buffers (at a second data line, a line
/// decoded on its own, or the end of the chunk). A held value overrides the buffer.
#[derive(Default)]
struct Held<'c> {
    data: Option<&'c str>,
    event: Option<&'c str>,
}

fn release_or_clear(buffer: &mut String) {
    if buffer.capacity() > KEEP_CAPACITY {
        *buffer = String::new();
    } else {
        buffer.clear();
    }
}

/// The fields [`known_field`] recognises.
enum Field {
    Data,
    Event,
}

/// Whether `line` starts with `data:` or `event:`: one comparison of its first eight bytes
/// as a word when it has eight, which nearly every `data:` line and `event:` line has.
#[inline(always)]
fn known_field(line: &[u8]) -> Option<Field> {
    const DATA: u64 = u64::from_le_bytes(*b"data:\0\0\0");
    const EVENT: u64 = u64::from_le_bytes(*b"event:\0\0");
    match line.first_chunk::<8>() {
        Some(head) => {
            let head = u64::from_le_bytes(*head);
            if head & 0xFF_FFFF_FFFF == DATA {
                Some(Field::Data)
            } else if head & 0xFFFF_FFFF_FFFF == EVENT {
                Some(Field::Event)
            } else {
                None
            }
        }
        None if line.starts_with(b"data:") => Some(Field::Data),
        None if line.starts_with(b"event:") => Some(Field::Event),
        None => None,
    }
}

/// A field value without its one optional leading space.
#[inline(always)]
fn strip_space(value: &str) -> &str {
    match value.as_bytes().first() {
        // SAFETY: the first byte is ASCII, so index 1 is a character boundary.
        Some(b' ') => unsafe { value.get_unchecked(1..) },
        _ => value,
    }
}

mod line_ends;
mod scan;
#[cfg(test)]
mod tests;
