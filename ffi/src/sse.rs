//! The SSE parser's C surface: `genie_sse_parser`, its options and its events.
//!
//! A thin translation of [`genie_core::sse::Parser`]: the parser's behaviour, limits and
//! recovery rules are the core's; this module only converts arguments and events.

use std::cell::RefCell;
use std::ffi::c_void;

use genie_core::sse::{EventRef, Parser, ParserOptions};

use crate::boundary::{self, Object};
use crate::status::genie_status;
use crate::text::genie_str;

/// Size limits that bound a parser's memory whatever the stream sends. Get the defaults from
/// `genie_sse_parser_options_default()` and change what you need; both must be > 0.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct genie_sse_parser_options {
    /// Longest line accepted, in bytes, not counting its terminator (default 16 MiB).
    pub max_line_bytes: usize,
    /// Largest event accepted: its data plus its type, in bytes (default 32 MiB).
    pub max_event_bytes: usize,
}

impl From<ParserOptions> for genie_sse_parser_options {
    fn from(options: ParserOptions) -> Self {
        genie_sse_parser_options {
            max_line_bytes: options.max_line_bytes,
            max_event_bytes: options.max_event_bytes,
        }
    }
}

impl From<genie_sse_parser_options> for ParserOptions {
    fn from(options: genie_sse_parser_options) -> Self {
        ParserOptions {
            max_line_bytes: options.max_line_bytes,
            max_event_bytes: options.max_event_bytes,
        }
    }
}

/// Reads optional options: NULL means the defaults.
///
/// # Safety
/// A non-NULL `options` must point to a `genie_sse_parser_options`.
pub(crate) unsafe fn options_arg(options: *const genie_sse_parser_options) -> ParserOptions {
    // SAFETY: the caller guarantees a non-NULL pointer is a valid options struct.
    unsafe { options.as_ref() }.map_or_else(ParserOptions::default, |o| (*o).into())
}

/// One dispatched event. Its strings are borrowed from the parser and valid only until the
/// callback that received it returns.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct genie_sse_event {
    /// The event type: the last `event:` field of the event, or "message".
    pub event: genie_str,
    /// The `data:` lines joined with LF (may be empty, may contain NUL bytes).
    pub data: genie_str,
    /// The last-event-ID in effect when the event was dispatched ("" if none).
    pub id: genie_str,
}

impl From<EventRef<'_>> for genie_sse_event {
    fn from(event: EventRef<'_>) -> Self {
        genie_sse_event {
            event: genie_str::new(event.event),
            data: genie_str::new(event.data),
            id: genie_str::new(event.id),
        }
    }
}

/// Receives each event `genie_sse_parser_feed` dispatches, synchronously, on the thread that
/// called `genie_sse_parser_feed`, before it returns, in stream order.
///
/// `event` and the strings in it point into the parser's own buffers and are valid only until
/// the callback returns; copy what you keep. This is deliberate: events reach you without a
/// copy or an allocation per event, and there is nothing for you to free. A callback must
/// return normally (no C++ exception, no longjmp) and must not call `genie_sse_parser_*` on
/// the parser that is feeding it (those calls fail with GENIE_STATUS_INVALID_ARGUMENT).
/// `userdata` is the pointer given to `genie_sse_parser_feed`, passed through untouched.
pub type genie_sse_event_cb =
    Option<unsafe extern "C" fn(userdata: *mut c_void, event: *const genie_sse_event)>;

/// An incremental WHATWG event-stream (server-sent events) parser. Opaque: make one with
/// `genie_sse_parser_new`, free it with `genie_sse_parser_free`.
pub struct genie_sse_parser {
    parser: RefCell<Parser>,
}

impl Object for genie_sse_parser {
    type State = Parser;
    const NAME: &'static str = "parser";

    fn cell(&self) -> &RefCell<Parser> {
        &self.parser
    }
}

/// The default limits (max_line_bytes 16 MiB, max_event_bytes 32 MiB), the same as genie's
/// Python and Node parsers use. Thread-safe.
#[no_mangle]
pub extern "C" fn genie_sse_parser_options_default() -> genie_sse_parser_options {
    boundary::catch(
        // Zero limits are rejected by genie_sse_parser_new, so a (never expected) failure
        // here cannot silently become unlimited memory.
        || genie_sse_parser_options {
            max_line_bytes: 0,
            max_event_bytes: 0,
        },
        || ParserOptions::default().into(),
    )
}

/// Makes a parser.
///
/// `options` may be NULL for the defaults; it is copied, not kept. Zero limits give
/// GENIE_STATUS_INVALID_ARGUMENT. On success `*parser_out` is a new parser that the caller
/// owns and must free with `genie_sse_parser_free`; on failure it is set to NULL (when
/// `parser_out` itself is not NULL). Thread-safe.
///
/// # Safety
/// `options` is NULL or points to a `genie_sse_parser_options`; `parser_out` is NULL or
/// points to writable storage for a pointer.
#[no_mangle]
pub unsafe extern "C" fn genie_sse_parser_new(
    options: *const genie_sse_parser_options,
    parser_out: *mut *mut genie_sse_parser,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees parser_out is NULL or writable.
        let out = unsafe { boundary::arg_out(parser_out, "parser_out") }?;
        // SAFETY: the caller guarantees options is NULL or an options struct.
        let options = unsafe { options_arg(options) };
        out.write_object(Parser::with_options(options).map(|parser| {
            let parser = RefCell::new(parser);
            genie_sse_parser { parser }.into_raw()
        }))
    })
}

/// Parses the `len` bytes at `data` (any chunk of the stream, in any size), calling
/// `callback(userdata, &event)` for every event they complete (see `genie_sse_event_cb` for
/// when and how long the event is valid).
///
/// Bytes that are not UTF-8 decode to U+FFFD; a character split across chunks decodes
/// correctly. `data` may be NULL only when `len` is 0 (an empty chunk is fine and changes
/// nothing); `callback` must not be NULL; `userdata` may be anything, including NULL.
///
/// Returns GENIE_STATUS_LIMIT_EXCEEDED when a line or an event in this chunk was larger than
/// the parser's limits. The callback has still received every other event of the chunk: only
/// the oversized event was dropped, and the parser continues at the next event, so keep
/// feeding it (or stop, as your protocol prefers). GENIE_STATUS_INVALID_ARGUMENT when called
/// from inside this parser's own callback. The parser is not thread-safe.
///
/// # Safety
/// `parser` is NULL or a live parser from `genie_sse_parser_new`; `data` is NULL or points to
/// `len` readable bytes; `callback` is NULL or a function of the `genie_sse_event_cb` type.
#[no_mangle]
pub unsafe extern "C" fn genie_sse_parser_feed(
    parser: *mut genie_sse_parser,
    data: *const u8,
    len: usize,
    callback: genie_sse_event_cb,
    userdata: *mut c_void,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees parser is NULL or live.
        let parser = unsafe { genie_sse_parser::from_raw(parser) }?;
        // SAFETY: the caller guarantees data is NULL or len readable bytes.
        let data = unsafe { boundary::arg_bytes(data, len, "data") }?;
        let callback = boundary::arg_callback(callback, "callback")?;
        parser.state_mut()?.feed(data, |event| {
            let event = genie_sse_event::from(event);
            // SAFETY: the caller guarantees callback is a genie_sse_event_cb; event lives
            // across the call.
            unsafe { callback(userdata, &event) }
        })
    })
}

/// Ends the current connection's stream: an unfinished event and a partial line are
/// discarded (nothing is dispatched, as the standard requires). The parser is then ready for
/// the next connection of the same event source: the last event ID and the retry time are
/// kept. GENIE_STATUS_NULL_ARGUMENT if `parser` is NULL. Not thread-safe.
///
/// # Safety
/// `parser` is NULL or a live parser from `genie_sse_parser_new`.
#[no_mangle]
pub unsafe extern "C" fn genie_sse_parser_finish(parser: *mut genie_sse_parser) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees parser is NULL or live.
        let parser = unsafe { genie_sse_parser::from_raw(parser) }?;
        parser.state_mut()?.finish();
        Ok(())
    })
}

/// Writes the last-event-ID string to `*id_out`: what a reconnect sends as `Last-Event-ID`
/// (only when it is not empty). `""` when the stream set none.
///
/// The string is borrowed from the parser and valid until the next feed, finish or free on
/// this parser. Both pointers must not be NULL (GENIE_STATUS_NULL_ARGUMENT; `*id_out` is then
/// untouched). Not thread-safe.
///
/// # Safety
/// `parser` is NULL or a live parser; `id_out` is NULL or points to a writable `genie_str`.
#[no_mangle]
pub unsafe extern "C" fn genie_sse_parser_last_event_id(
    parser: *const genie_sse_parser,
    id_out: *mut genie_str,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees parser is NULL or live.
        let parser = unsafe { genie_sse_parser::from_raw(parser) }?;
        // SAFETY: the caller guarantees id_out is NULL or writable.
        let out = unsafe { boundary::arg_out(id_out, "id_out") }?;
        out.write(genie_str::new(parser.state()?.last_event_id()));
        Ok(())
    })
}

/// Writes whether the stream set a reconnection time with `retry:` to `*has_retry_out`, and
/// that time in milliseconds to `*retry_ms_out` (0 when it did not).
///
/// All pointers must not be NULL (GENIE_STATUS_NULL_ARGUMENT; nothing is written then). Not
/// thread-safe.
///
/// # Safety
/// `parser` is NULL or a live parser; the outputs are NULL or point to writable storage.
#[no_mangle]
pub unsafe extern "C" fn genie_sse_parser_retry_ms(
    parser: *const genie_sse_parser,
    has_retry_out: *mut bool,
    retry_ms_out: *mut u64,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees parser is NULL or live.
        let parser = unsafe { genie_sse_parser::from_raw(parser) }?;
        // SAFETY: the caller guarantees the outputs are NULL or writable.
        let has_retry_out = unsafe { boundary::arg_out(has_retry_out, "has_retry_out") }?;
        // SAFETY: as above.
        let retry_ms_out = unsafe { boundary::arg_out(retry_ms_out, "retry_ms_out") }?;
        let retry = parser.state()?.retry_ms();
        has_retry_out.write(retry.is_some());
        retry_ms_out.write(retry.unwrap_or(0));
        Ok(())
    })
}

/// Frees a parser and everything it owns; strings borrowed from it become invalid. NULL is
/// accepted and does nothing. Do not use the pointer afterwards. Must not be called from
/// inside the parser's own callback (genie then leaks the parser instead of freeing memory in
/// use). Not thread-safe.
///
/// # Safety
/// `parser` is NULL or a live parser from `genie_sse_parser_new`, not used again afterwards.
#[no_mangle]
pub unsafe extern "C" fn genie_sse_parser_free(parser: *mut genie_sse_parser) {
    // SAFETY: the caller guarantees parser is NULL or live, and gives it up.
    boundary::catch(|| (), || unsafe { genie_sse_parser::free_raw(parser) });
}
