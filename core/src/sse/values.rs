//! What the parser takes and gives: its size limits and its events (borrowed and owned).

use crate::error::{Error, ErrorKind, Result};

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
    /// The options, or an [`ErrorKind::InvalidArgument`] naming a zero limit.
    pub(super) fn validate(self) -> Result<Self> {
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
