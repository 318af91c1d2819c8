//! `genie_stream_redactor`: redacts a model's answer as it streams, chunk by chunk.
//!
//! The core's [`StreamRedactor`] takes `&str` chunks; C hands over bytes cut anywhere, so
//! [`Utf8Chunks`] completes characters split between chunks. That buffering is the only thing
//! added to the core's stream.

use std::cell::RefCell;

use genie_core::redact::{Redacted, StreamRedactor};
use genie_core::Result;

use crate::boundary::{self, Object};
use crate::redact::chunks::{self, TextStream, Utf8Chunks};
use crate::redact::{genie_redaction, genie_redactor};
use crate::status::genie_status;
use crate::text::genie_string;

/// The core stream plus the bytes of a character split across chunks.
pub(crate) struct StreamState {
    stream: StreamRedactor,
    chunks: Utf8Chunks,
}

impl TextStream for StreamState {
    fn chunks(&mut self) -> &mut Utf8Chunks {
        &mut self.chunks
    }

    fn push_text(&mut self, text: &str) -> Result<String> {
        self.stream.push(text)
    }

    fn flush_text(&mut self) -> Result<String> {
        self.stream.flush()
    }
}

/// Redacts one streamed text (one model answer) chunk by chunk, with a bounded hold-back so
/// that a value split across chunks (`jane.doe@ex` | `ample.com`) is still caught: the
/// concatenated output equals what `genie_redactor_redact` gives for the whole text. Opaque:
/// make one per answer with `genie_stream_redactor_new`, free it with
/// `genie_stream_redactor_free`.
///
/// Chunks are bytes cut anywhere, as network reads and provider tokens come: a chunk may end
/// inside a multi-byte UTF-8 character, and the stream keeps those first bytes (at most 3)
/// until the next chunk completes the character, so callers need no UTF-8 reassembly of their
/// own. Bytes that can never become UTF-8 are refused with their offset. Output comes as owned
/// `genie_string`s (see there why) in stream order.
///
/// Not thread-safe: use it from one thread at a time (moving it between threads is fine).
/// Streams made from the same redactor are independent and may run on different threads.
pub struct genie_stream_redactor {
    state: RefCell<StreamState>,
}

impl Object for genie_stream_redactor {
    type State = StreamState;
    const NAME: &'static str = "stream";

    fn cell(&self) -> &RefCell<StreamState> {
        &self.state
    }
}

/// Makes a stream redactor with `redactor`'s configuration. The stream keeps its own
/// reference to the configuration: `redactor` may be freed before the stream.
///
/// On success `*stream_out` is a new stream redactor that the caller owns and must free with
/// `genie_stream_redactor_free`; on failure it is set to NULL (when `stream_out` itself is not
/// NULL). Both pointers must not be NULL (GENIE_STATUS_NULL_ARGUMENT). Thread-safe for the
/// redactor: many threads may start streams from one redactor at once.
///
/// # Safety
/// `redactor` is NULL or a live redactor; `stream_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn genie_stream_redactor_new(
    redactor: *const genie_redactor,
    stream_out: *mut *mut genie_stream_redactor,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees stream_out is NULL or writable.
        let out = unsafe { boundary::arg_out(stream_out, "stream_out") }?;
        // SAFETY: the caller guarantees redactor is NULL or a live, never-mutated redactor.
        out.write_object(
            unsafe { boundary::arg_ref(redactor, "redactor") }.map(|redactor| {
                let state = StreamState {
                    stream: StreamRedactor::new(redactor.redactor.clone()),
                    chunks: Utf8Chunks::default(),
                };
                let stream = genie_stream_redactor {
                    state: RefCell::new(state),
                };
                stream.into_raw()
            }),
        )
    })
}

/// Takes the next `len` bytes of the streamed text at `data` (any size, cut anywhere, even
/// inside a multi-byte UTF-8 character: genie keeps the first bytes of a split character until
/// the next chunk completes it) and writes the redacted text that can be released now to
/// `*text_out`, as a new `genie_string` the caller owns and must free with
/// `genie_string_free`. It is often empty: text near the end of what has arrived is held
/// back (a few hundred bytes, at most 16 KiB) until it is known not to be the start of a value.
/// Send each piece on in order and call `genie_stream_redactor_flush` at the end.
///
/// Fails closed: on failure `*text_out` is set to NULL (when `text_out` is not NULL) and
/// nothing of this chunk is released. Bytes that are not UTF-8 give GENIE_STATUS_INVALID_UTF8
/// naming the offset of the first bad byte in the chunk and in the stream; the chunk is then
/// rejected as a whole and the stream is unchanged (push corrected bytes or give up). An
/// internal failure gives GENIE_STATUS_REDACTION_FAILED and the stream refuses every later
/// chunk: free it. `data` may be NULL only when `len` is 0. Not thread-safe.
///
/// # Safety
/// `stream` is NULL or a live stream redactor; `data` is NULL or points to `len` readable
/// bytes; `text_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn genie_stream_redactor_push(
    stream: *mut genie_stream_redactor,
    data: *const u8,
    len: usize,
    text_out: *mut *mut genie_string,
) -> genie_status {
    // SAFETY: the caller's guarantees are chunks::push's.
    unsafe { chunks::push(stream, data, len, text_out) }
}

/// Ends the stream and writes the rest of the redacted text to `*text_out`, as a new
/// `genie_string` the caller owns and must free with `genie_string_free`. Make a new stream
/// redactor for the next text.
///
/// Fails closed as `genie_stream_redactor_push` does (`*text_out` NULL, nothing released).
/// If the stream ended inside a multi-byte character, gives GENIE_STATUS_INVALID_UTF8 naming
/// the stream offset where it began, and the stream is unchanged. Both pointers must not be
/// NULL (GENIE_STATUS_NULL_ARGUMENT). Not thread-safe.
///
/// # Safety
/// `stream` is NULL or a live stream redactor; `text_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn genie_stream_redactor_flush(
    stream: *mut genie_stream_redactor,
    text_out: *mut *mut genie_string,
) -> genie_status {
    // SAFETY: the caller's guarantees are chunks::flush's.
    unsafe { chunks::flush(stream, text_out) }
}

/// Writes to `*result_out` a snapshot of what the stream found so far, as a new result the
/// caller owns and must free with `genie_redaction_free`: the findings (byte offsets into the
/// whole stream's input, operators applied), the placeholder mapping (one numbering for the
/// whole stream) and the counts; it has no text (`genie_redaction_text` gives an absent
/// string). The snapshot is a copy: it stays valid after more pushes and after the stream is
/// freed. Take it after `genie_stream_redactor_flush` for the whole stream.
///
/// On failure `*result_out` is set to NULL (when `result_out` is not NULL); both pointers
/// must not be NULL (GENIE_STATUS_NULL_ARGUMENT). Not thread-safe.
///
/// # Safety
/// `stream` is NULL or a live stream redactor; `result_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn genie_stream_redactor_snapshot(
    stream: *const genie_stream_redactor,
    result_out: *mut *mut genie_redaction,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees result_out is NULL or writable.
        let out = unsafe { boundary::arg_out(result_out, "result_out") }?;
        // SAFETY: the caller guarantees stream is NULL or live.
        let snapshot = unsafe { genie_stream_redactor::from_raw(stream) }.and_then(|stream| {
            let state = stream.state()?;
            Ok(genie_redaction::new(
                None,
                Redacted {
                    text: String::new(),
                    findings: state.stream.findings().to_vec(),
                    mapping: state.stream.mapping().clone(),
                    counts: state.stream.counts().clone(),
                },
            ))
        });
        out.write_object(snapshot.map(|snapshot| snapshot.into_raw()))
    })
}

/// Frees a stream redactor and everything it holds (text held back and never flushed is
/// discarded, unreleased). NULL is accepted and does nothing. Results and strings it handed
/// out stay valid. Do not use the pointer afterwards. Not thread-safe.
///
/// # Safety
/// `stream` is NULL or a live stream redactor, not used again afterwards.
#[no_mangle]
pub unsafe extern "C" fn genie_stream_redactor_free(stream: *mut genie_stream_redactor) {
    // SAFETY: the caller guarantees stream is NULL or live, and gives it up.
    boundary::catch(|| (), || unsafe { genie_stream_redactor::free_raw(stream) });
}
